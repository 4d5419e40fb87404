//! Handoffs: one task passed from its pod to another, recorded in `.logs/handoff_log.yaml`,
//! reflected in the task, and turned into a prompt packet for the receiving pod.

use crate::prompt::{self, Extras, PromptPacket};
use crate::task::{list, scalar_text};
use crate::write::{timestamp, Changes};
use crate::{Board, BoardError, Pod, TaskId};
use patchdesk_yaml::{Node, Scalar, Value};
use serde::Serialize;
use std::path::Path;
use time::OffsetDateTime;

/// The handoff log, relative to the repository.
pub const HANDOFF_LOG: &str = ".logs/handoff_log.yaml";

/// The three shapes of handoff logs found in real repositories.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum HandoffForm {
    /// `handoffs: [{from, to, date, task, reason, files, related_patch}]` (what Patchdesk writes
    /// to new logs).
    Canonical,
    /// A bare list of `{from, to, reason, timestamp}`.
    BareList,
    /// `handoffs: [{timestamp, from_pod, to_pod, reason, next_prompt, reference_files, notes}]`.
    PodFields,
}

/// One handoff, whichever form it was written in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct HandoffEntry {
    pub from: Option<String>,
    pub to: Option<String>,
    /// `date` or `timestamp`, as written.
    pub when: Option<String>,
    /// `task`, `task_id` or `feature`.
    pub task: Option<String>,
    pub reason: Option<String>,
    /// `files` or `reference_files`.
    pub files: Vec<String>,
    pub related_patch: Option<String>,
    pub next_prompt: Option<String>,
    pub notes: Option<String>,
}

/// The handoff log as read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct HandoffLog {
    pub form: HandoffForm,
    pub entries: Vec<HandoffEntry>,
}

/// What a handoff did. Nothing is committed: the caller commits `changed_files`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct HandoffOutcome {
    pub task: TaskId,
    /// The pod that held the task (its key), or `Human` when it had none.
    pub from: String,
    /// The receiving pod's key.
    pub to: String,
    /// Files written, relative to the repository.
    pub changed_files: Vec<String>,
    /// `prompts/used/<Pod>/<task_id>_prompt.txt`.
    pub prompt_path: String,
    pub prompt_text: String,
    /// The form the log entry was written in.
    pub log_form: HandoffForm,
    /// Things that did not stop the handoff (e.g. an unreadable memory file), in plain words.
    pub warnings: Vec<String>,
}

/// Reads `.logs/handoff_log.yaml` in any of its forms; a missing file is an empty log.
pub fn read_handoff_log(workdir: &Path) -> Result<HandoffLog, BoardError> {
    match patchdesk_disk::read_text_file(workdir, HANDOFF_LOG)? {
        None => Ok(HandoffLog { form: HandoffForm::Canonical, entries: Vec::new() }),
        Some(text) => parse_handoff_log(&text),
    }
}

/// Reads the text of a handoff log in any of its forms (errors name `.logs/handoff_log.yaml`).
pub fn parse_handoff_log(text: &str) -> Result<HandoffLog, BoardError> {
    let value = patchdesk_yaml::parse_value(text).map_err(|e| BoardError::FileInvalid(e.in_file(HANDOFF_LOG)))?;
    let (form, items): (HandoffForm, &[Value]) = match &value {
        Value::Null => (HandoffForm::Canonical, &[]),
        Value::Sequence(items) => (HandoffForm::BareList, items),
        Value::Mapping(m) => match patchdesk_yaml::get(m, "handoffs") {
            None | Some(Value::Null) => (HandoffForm::Canonical, &[]),
            Some(Value::Sequence(items)) => {
                let pod_fields = items.iter().any(|i| {
                    i.as_mapping().is_some_and(|m| {
                        patchdesk_yaml::get(m, "from_pod").is_some() || patchdesk_yaml::get(m, "to_pod").is_some()
                    })
                });
                (if pod_fields { HandoffForm::PodFields } else { HandoffForm::Canonical }, items)
            }
            Some(_) => {
                return Err(BoardError::FileInvalid(format!("{HANDOFF_LOG}: `handoffs:` should be a list of handoffs")))
            }
        },
        _ => return Err(BoardError::FileInvalid(format!("{HANDOFF_LOG}: expected a list of handoffs"))),
    };
    let entries = items
        .iter()
        .filter_map(|i| {
            let m = i.as_mapping()?;
            let text = |keys: &[&str]| keys.iter().find_map(|k| patchdesk_yaml::get(m, k).and_then(scalar_text));
            let files = ["files", "reference_files"]
                .iter()
                .find_map(|k| patchdesk_yaml::get(m, k))
                .map(|v| list(Some(v)))
                .unwrap_or_default();
            Some(HandoffEntry {
                from: text(&["from", "from_pod"]),
                to: text(&["to", "to_pod"]),
                when: text(&["date", "timestamp"]),
                task: text(&["task", "task_id", "feature"]),
                reason: text(&["reason"]),
                files,
                related_patch: text(&["related_patch"]),
                next_prompt: text(&["next_prompt"]),
                notes: text(&["notes"]),
            })
        })
        .collect();
    Ok(HandoffLog { form, entries })
}

/// One handoff to add to the log (see [`add_handoff_entry`]).
#[derive(Debug, Clone)]
pub struct NewHandoff<'a> {
    pub from: &'a Pod,
    pub to: &'a Pod,
    pub task: &'a str,
    pub reason: &'a str,
    pub files: &'a [String],
    pub related_patch: Option<&'a str>,
    /// The prompt packet written for the receiving pod.
    pub next_prompt: &'a str,
    pub now: OffsetDateTime,
}

/// The handoff log's new text with `handoff` appended, in the form the log already uses and
/// with the pods spelled like its last entry: old text in (empty when there is no log yet), new
/// text out, nothing read or written. Comments, order and unknown keys are kept. Also says
/// which form the log has.
pub fn add_handoff_entry(old: &str, handoff: &NewHandoff<'_>) -> Result<(String, HandoffForm), BoardError> {
    let log = parse_handoff_log(old)?;
    let stamp = timestamp(handoff.now);
    let example = log
        .entries
        .last()
        .and_then(|e| e.from.clone().or_else(|| e.to.clone()))
        .unwrap_or_else(|| handoff.to.key.clone());
    let (from_s, to_s) = (handoff.from.spelled_like(&example), handoff.to.spelled_like(&example));
    let files_node = Node::strs(handoff.files);
    let task = handoff.task.to_string();
    let reason = handoff.reason;
    let mut pairs: Vec<(String, Node)> = match log.form {
        HandoffForm::Canonical => vec![
            ("from".into(), Node::str(from_s)),
            ("to".into(), Node::str(to_s)),
            ("date".into(), Node::str(stamp)),
            ("task".into(), Node::str(task)),
            ("reason".into(), Node::str(reason)),
            ("files".into(), files_node),
        ],
        HandoffForm::BareList => vec![
            ("from".into(), Node::str(from_s)),
            ("to".into(), Node::str(to_s)),
            ("reason".into(), Node::str(reason)),
            ("timestamp".into(), Node::str(stamp)),
            ("task".into(), Node::str(task)),
        ],
        HandoffForm::PodFields => vec![
            ("timestamp".into(), Node::str(stamp)),
            ("from_pod".into(), Node::str(from_s)),
            ("to_pod".into(), Node::str(to_s)),
            ("task".into(), Node::str(task)),
            ("reason".into(), Node::str(reason)),
            ("next_prompt".into(), Node::str(handoff.next_prompt)),
            ("reference_files".into(), files_node),
        ],
    };
    if let Some(patch) = handoff.related_patch.filter(|p| !p.trim().is_empty()) {
        pairs.push(("related_patch".into(), Node::str(patch)));
    }
    let path: &[&str] = if log.form == HandoffForm::BareList { &[] } else { &["handoffs"] };
    let new = patchdesk_yaml::append_item(old, path, &Node::Map(pairs)).map_err(|e| {
        BoardError::FileInvalid(format!("Could not add the handoff: {}; nothing was written", e.in_file(HANDOFF_LOG)))
    })?;
    Ok((new, log.form))
}

/// What the lead asks of a handoff: task `task_id` to pod `to_pod` (any spelling) because of
/// `reason`, with the `input_files` the receiving pod gets (empty: the task's `inputs`) and the
/// patch the handoff follows from, both recorded in the handoff log and the prompt packet.
#[derive(Debug, Clone, Copy)]
pub struct HandoffRequest<'a> {
    pub task_id: &'a str,
    pub to_pod: &'a str,
    pub reason: &'a str,
    pub input_files: &'a [String],
    pub related_patch: Option<&'a str>,
}

impl<'a> HandoffRequest<'a> {
    /// `task_id` to `to_pod` because of `reason`, with the task's own input files and no patch.
    pub fn new(task_id: &'a str, to_pod: &'a str, reason: &'a str) -> Self {
        HandoffRequest { task_id, to_pod, reason, input_files: &[], related_patch: None }
    }
}

/// Hands `task_id` to `to_pod` (any spelling of a pod): appends to the handoff log (in the
/// form the log already uses), updates the task (`assigned_pod` or `pod_owner`, whichever it
/// uses; `status: ready` unless done; `handoff_from`; `updated_at`) and writes the prompt
/// packet for the receiving pod to `prompts/used/<Pod>/<task_id>_prompt.txt`.
/// `input_files` empty means the task's `inputs`. Everything is checked before anything is
/// written; nothing is committed.
pub fn handoff(
    workdir: &Path,
    request: &HandoffRequest<'_>,
    now: OffsetDateTime,
) -> Result<HandoffOutcome, BoardError> {
    let HandoffRequest { task_id, to_pod, reason, input_files, related_patch } = *request;
    let board = Board::load(workdir);
    let task = board.task(task_id).ok_or_else(|| BoardError::TaskNotFound(task_id.to_string()))?;
    let to: &Pod = board.pod(to_pod).ok_or_else(|| {
        let known: Vec<&str> = board.pods.iter().map(|p| p.key.as_str()).collect();
        BoardError::PodNotFound(to_pod.to_string(), known.join(", "))
    })?;
    let from_key = task.pod.clone().unwrap_or_else(|| "Human".to_string());
    let from_pod = board.pod(&from_key).cloned().unwrap_or_else(|| Pod::from_key(&from_key));
    let stamp = timestamp(now);
    let files: Vec<String> = if input_files.is_empty() { task.inputs.clone() } else { input_files.to_vec() };
    let mut warnings = Vec::new();

    // 1. The task.
    let mut changes = Changes::default();
    let pod_field = if task.assigned_pod.is_some() || task.pod_owner.is_none() { "assigned_pod" } else { "pod_owner" };
    let old_pod_value = if pod_field == "assigned_pod" { task.assigned_pod.clone() } else { task.pod_owner.clone() };
    let style = old_pod_value.unwrap_or_else(|| to.key.clone());
    let mut edits = vec![(pod_field, Node::str(to.spelled_like(&style)))];
    if !task.is_done() {
        edits.push(("status", Node::str("ready")));
        if task.ready_flag.is_some() {
            edits.push(("ready", Node::Scalar(Scalar::Bool(true))));
        }
    }
    edits.push(("handoff_from", Node::str(from_pod.spelled_like(&style))));
    edits.push(("updated_at", Node::str(stamp.clone())));
    changes.edit_task(workdir, &board, task, edits)?;

    // 2. The prompt packet.
    let prompt_text = render_packet(workdir, task, to, &from_pod, reason, &files, related_patch, &mut warnings);
    let prompt_path = prompt::used_prompt_path(&to.key, &task.id);

    // 3. The log entry.
    let log_text = patchdesk_disk::read_text_file(workdir, HANDOFF_LOG)?.unwrap_or_default();
    let entry = NewHandoff {
        from: &from_pod,
        to,
        task: &task.id,
        reason,
        files: &files,
        related_patch,
        next_prompt: &prompt_path,
        now,
    };
    let (new_log, log_form) = add_handoff_entry(&log_text, &entry)?;

    changes.put(HANDOFF_LOG, new_log);
    changes.put(&prompt_path, prompt_text.clone());
    let changed_files = changes.write(workdir)?;
    Ok(HandoffOutcome {
        task: task.id.clone(),
        from: from_pod.key.clone(),
        to: to.key.clone(),
        changed_files,
        prompt_path,
        prompt_text,
        log_form,
        warnings,
    })
}

/// The prompt packet for `task` going to pod `to` (from `from`, because of `reason`, with
/// `files` as its input files), rendered through `to`'s template; what went wrong on the way
/// (an unreadable memory file or template) is added to `warnings`.
#[allow(clippy::too_many_arguments)]
fn render_packet(
    workdir: &Path,
    task: &crate::Task,
    to: &Pod,
    from: &Pod,
    reason: &str,
    files: &[String],
    related_patch: Option<&str>,
    warnings: &mut Vec<String>,
) -> String {
    let (memory, memory_problem) = prompt::read_memory(workdir);
    warnings.extend(memory_problem);
    let goal =
        if task.description.trim().is_empty() { task.title.clone() } else { task.description.trim().to_string() };
    let mut instructions = reason.trim().to_string();
    if let Some(notes) = task.notes.as_deref().filter(|n| !n.trim().is_empty()) {
        if !instructions.is_empty() {
            instructions.push_str("\n\n");
        }
        instructions.push_str(notes.trim());
    }
    let packet = PromptPacket {
        pod: to.key.clone(),
        task_id: task.id.clone(),
        goal,
        input_files: files.to_vec(),
        instructions,
        memory: prompt::relevant_memory(&memory, to, &task.id, files),
    };
    let template = match patchdesk_disk::read_text_file(workdir, &to.template) {
        Ok(t) => t,
        Err(e) => {
            warnings.push(format!("{e} A standard prompt was used for {}.", to.template));
            None
        }
    };
    let extras = Extras {
        pod_name: &to.name,
        title: &task.title,
        phase: task.phase.as_deref().unwrap_or(""),
        reason,
        from: &from.key,
        related_patch: related_patch.unwrap_or(""),
    };
    prompt::render(template.as_deref(), &packet, &extras)
}

/// The prompt for the pod holding `task_id` to work on it now (the seed's `run_task.py`): the
/// packet written when the task was last handed on (`prompts/used/<Pod>/<task_id>_prompt.txt`),
/// else its packet (goal, the task's input files, its notes as instructions, relevant memory)
/// rendered now through the pod's template, and what went wrong on the way. Nothing is written.
pub fn task_prompt(workdir: &Path, task_id: &str) -> Result<(String, Vec<String>), BoardError> {
    let board = Board::load(workdir);
    let task = board.task(task_id).ok_or_else(|| BoardError::TaskNotFound(task_id.to_string()))?;
    let key = task.pod.clone().unwrap_or_else(|| "Human".to_string());
    let pod = board.pod(&key).cloned().unwrap_or_else(|| Pod::from_key(&key));
    if let Some(text) = patchdesk_disk::read_text_file(workdir, &prompt::used_prompt_path(&pod.key, &task.id))? {
        return Ok((text, Vec::new()));
    }
    let from_key = task.handoff_from.clone().unwrap_or_else(|| pod.key.clone());
    let from = board.pod(&from_key).cloned().unwrap_or_else(|| Pod::from_key(&from_key));
    let mut warnings = Vec::new();
    let text = render_packet(workdir, task, &pod, &from, "", &task.inputs, None, &mut warnings);
    Ok((text, warnings))
}
