//! What the promote commit contains and what the pull request says: names (branch, pod),
//! the applied change, the delivery logs, the commit message, the PR title and body.
//! Everything is computed from the fetched base commit and the inbox item, dated at the
//! recorded start time, so building twice gives the same tree and message.

use std::path::Path;

use git2::{Oid, Repository};
use patchdesk_apply::{ApplyOptions, Outcome};
use patchdesk_board::{Board, BoardTexts, Pod};
use patchdesk_forge::Forge;
use patchdesk_intake::{InboxItem, Kind, LogKind, Queue};
use serde_json::Value;
use time::OffsetDateTime;

use crate::body::{self, Section};
use crate::config::{LogChoice, PromoteConfig};
use crate::record::PromoteRecord;
use crate::PromoteError;

/// Names fixed in the prepare step.
pub(crate) struct Names {
    pub branch: String,
    pub pod: String,
}

fn git_err(action: &'static str) -> impl Fn(git2::Error) -> PromoteError {
    move |e| PromoteError::Git { action: action.to_string(), detail: e.message().to_string() }
}

/// The text of the file at `rel` in `tree`, when there is one (a file that is not UTF-8 is read
/// with replacement characters, as before).
fn text_in(repo: &Repository, tree: &git2::Tree<'_>, rel: &str) -> Option<String> {
    let entry = tree.get_path(Path::new(rel)).ok()?;
    let blob = repo.find_blob(entry.id()).ok()?;
    Some(String::from_utf8_lossy(blob.content()).into_owned())
}

/// The board of `tree` (pods, `task.yaml`, `task_templates/`), read from its blobs: the remote's
/// base, not the user's files, and no folder on disk.
fn board_in(repo: &Repository, tree: &git2::Tree<'_>) -> Board {
    let mut templates = Vec::new();
    if let Some(sub) =
        tree.get_path(Path::new(patchdesk_board::TASK_TEMPLATES_DIR)).ok().and_then(|e| repo.find_tree(e.id()).ok())
    {
        for e in sub.iter() {
            if let (Ok(name), Ok(blob)) = (e.name(), repo.find_blob(e.id())) {
                templates.push((name.to_string(), String::from_utf8_lossy(blob.content()).into_owned()));
            }
        }
    }
    Board::from_texts(&BoardTexts {
        pods: text_in(repo, tree, patchdesk_board::PODS_FILE),
        tasks: text_in(repo, tree, patchdesk_board::TASK_FILE),
        templates,
    })
}

pub(crate) fn task_id(item: &InboxItem) -> String {
    item.task_id
        .clone()
        .or_else(|| item.feature.clone())
        .unwrap_or_else(|| patchdesk_intake::split_extension(&item.name).0.to_string())
}

/// The pull request title Patchdesk proposes for `item`: `[<task_id>] <summary>`.
pub fn default_title(item: &InboxItem) -> String {
    format!("[{}] {}", one_line(&task_id(item)), one_line(&summary(item)))
}

pub(crate) fn summary(item: &InboxItem) -> String {
    item.summary.clone().filter(|s| !s.trim().is_empty()).unwrap_or_else(|| format!("Work for {}", task_id(item)))
}

/// The pod's own name (`DevPod`) for `item` whose short name is `pod`.
pub(crate) fn pod_display(item: &InboxItem, pod: &str) -> String {
    let raw = item.pod.clone().unwrap_or_else(|| pod.to_string());
    patchdesk_board::default_pods().into_iter().find(|p| p.matches(&raw)).unwrap_or_else(|| Pod::from_key(&raw)).key
}

/// The pod's short name (`dev`) for `item`, from its metadata or the board in `workdir`.
pub(crate) fn pod_for(workdir: &Path, item: &InboxItem) -> String {
    pod_on_board(&Board::load(workdir), item)
}

/// The branch the settings' pattern gives for `item` on the board in `workdir`.
pub(crate) fn branch_for(
    workdir: &Path,
    item: &InboxItem,
    config: &PromoteConfig,
    pod: &str,
) -> Result<String, PromoteError> {
    let board = Board::load(workdir);
    let task = task_id(item);
    let category = board.task(&task).and_then(|t| t.category.clone()).unwrap_or_else(|| pod.to_string());
    patchdesk_forge::branch_name(&config.branch_pattern, pod, &task, &category).ok_or_else(|| {
        PromoteError::Config(format!(
            "the branch pattern {:?} gives no usable branch name for task {task}",
            config.branch_pattern
        ))
    })
}

fn pod_on_board(board: &Board, item: &InboxItem) -> String {
    let task = task_id(item);
    let raw = item.pod.clone().or_else(|| board.task(&task).and_then(|t| t.pod.clone()));
    let pod = match raw {
        Some(r) => board.pod(&r).cloned().unwrap_or_else(|| Pod::from_key(&r)).spelled_like("dev"),
        None => "auto".to_string(),
    };
    if pod.trim().is_empty() {
        "auto".to_string()
    } else {
        pod
    }
}

/// The pod (short name such as `dev`) and the branch name, from the item and the base's board.
pub(crate) fn names(
    repo: &Repository,
    item: &InboxItem,
    config: &PromoteConfig,
    base_commit: Oid,
) -> Result<Names, PromoteError> {
    let tree = repo.find_commit(base_commit).and_then(|c| c.tree()).map_err(git_err("read the base commit"))?;
    let board = board_in(repo, &tree);
    let task = task_id(item);
    let pod = pod_on_board(&board, item);
    let category = board.task(&task).and_then(|t| t.category.clone()).unwrap_or_else(|| pod.clone());
    let branch = patchdesk_forge::branch_name(&config.branch_pattern, &pod, &task, &category).ok_or_else(|| {
        PromoteError::Config(format!(
            "the branch pattern {:?} gives no usable branch name for task {task}",
            config.branch_pattern
        ))
    })?;
    Ok(Names { branch, pod })
}

/// The commit to write, the PR title and body.
pub(crate) struct Built {
    pub tree: Oid,
    pub message: String,
    pub title: String,
    pub body: String,
    author: (String, String),
    when: git2::Time,
}

impl Built {
    /// Writes the commit object (no ref is moved).
    pub fn write_commit(&self, repo: &Repository, base: Oid) -> Result<Oid, PromoteError> {
        let sig =
            git2::Signature::new(&self.author.0, &self.author.1, &self.when).map_err(git_err("write the commit"))?;
        let tree = repo.find_tree(self.tree).map_err(git_err("write the commit"))?;
        let parent = repo.find_commit(base).map_err(git_err("write the commit"))?;
        repo.commit(None, &sig, &sig, &self.message, &tree, &[&parent]).map_err(git_err("write the commit"))
    }
}

fn safe_component(s: &str) -> String {
    let out: String =
        s.chars().map(|c| if c.is_alphanumeric() || matches!(c, '.' | '_' | '-') { c } else { '_' }).collect();
    let out = out.trim_start_matches('.').to_string();
    if out.is_empty() {
        "item".into()
    } else {
        out
    }
}

fn ext_of(name: &str) -> &str {
    match name.rsplit_once('.') {
        Some((_, e)) if !e.is_empty() && e.len() <= 5 && e.chars().all(|c| c.is_ascii_alphanumeric()) => e,
        _ => "md",
    }
}

pub(crate) fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

struct ChangedFile {
    path: String,
    status: &'static str,
    added: usize,
    removed: usize,
}

fn changed_files(
    repo: &Repository,
    base: &git2::Tree<'_>,
    new: &git2::Tree<'_>,
) -> Result<Vec<ChangedFile>, PromoteError> {
    let mut opts = git2::DiffOptions::new();
    let diff = repo.diff_tree_to_tree(Some(base), Some(new), Some(&mut opts)).map_err(git_err("compare the change"))?;
    let mut out = Vec::new();
    for (i, d) in diff.deltas().enumerate() {
        let path =
            d.new_file().path().or(d.old_file().path()).map(|p| p.to_string_lossy().into_owned()).unwrap_or_default();
        let status = match d.status() {
            git2::Delta::Added => "added",
            git2::Delta::Deleted => "deleted",
            git2::Delta::Renamed => "renamed",
            _ => "modified",
        };
        let (added, removed) = git2::Patch::from_diff(&diff, i)
            .ok()
            .flatten()
            .and_then(|p| p.line_stats().ok())
            .map(|(_, a, r)| (a, r))
            .unwrap_or((0, 0));
        out.push(ChangedFile { path, status, added, removed });
    }
    Ok(out)
}

/// Builds the commit content and the PR text.
#[allow(clippy::too_many_arguments)]
pub(crate) fn build(
    repo: &Repository,
    queue: &Queue,
    item: &InboxItem,
    config: &PromoteConfig,
    forge: &dyn Forge,
    rec: &PromoteRecord,
    base_commit: Oid,
    author: Option<(String, String)>,
    confirmed_risks: Option<&[String]>,
) -> Result<Built, PromoteError> {
    let branch = rec.branch.clone().unwrap_or_default();
    let base_name = rec.base.clone().unwrap_or_default();
    let pod = rec.pod.clone().unwrap_or_else(|| "auto".into());
    let task = task_id(item);
    let summary = summary(item);
    let started = OffsetDateTime::parse(&rec.started_at, &time::format_description::well_known::Rfc3339)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH);
    let base_c = repo.find_commit(base_commit).map_err(git_err("read the base commit"))?;
    let base_tree = base_c.tree().map_err(git_err("read the base commit"))?;
    let bytes = queue.read_bytes(&item.name)?;

    // The change itself.
    let policy = crate::ReviewPolicy::load(queue.workdir())?;
    let options = ApplyOptions { links: policy.links(), ..ApplyOptions::default() };
    let does_not_apply = |detail: String, conflict: bool| PromoteError::DoesNotApply {
        item: item.name.clone(),
        base: base_name.clone(),
        detail,
        conflict,
    };
    let applied = match &item.kind {
        Kind::Diff { .. } => {
            // Any shape a chat hands out, read and placed exactly as the review screen did.
            let report = patchdesk_shapes::apply_text(repo, base_tree.id(), &bytes, &options)
                .map_err(|e| does_not_apply(e.to_string(), false))?;
            match (report.outcome, report.tree_id()) {
                (Outcome::Conflict, _) => return Err(does_not_apply(problems(&report.problems), true)),
                (Outcome::Refused, _) | (_, None) => return Err(does_not_apply(problems(&report.problems), false)),
                (_, Some(t)) => t,
            }
        }
        Kind::Bundle | Kind::Batch => {
            let files = patchdesk_intake::read_full_files(&item.kind, &item.file_name, &bytes)?;
            let files: Vec<_> = files.into_iter().map(|f| (f.path, f.content, f.executable)).collect();
            patchdesk_apply::apply_files(repo, base_tree.id(), &files)
                .map_err(|e| does_not_apply(e.to_string(), false))?
        }
        Kind::Sidecar | Kind::Log { .. } => {
            return Err(PromoteError::NotPromotable(format!("{} is not a change", item.file_name)))
        }
    };
    // Paths that need the lead's "I understand" are held until it is given (whatever shape the
    // change came in: the list is read from the two trees).
    if let Some(confirmed) = confirmed_risks {
        let risks = patchdesk_apply::risks_between(repo, base_tree.id(), applied)
            .map_err(|e| does_not_apply(e.to_string(), false))?;
        let open: Vec<_> = risks.into_iter().filter(|r| !confirmed.iter().any(|c| c == &r.path)).collect();
        if !open.is_empty() {
            return Err(PromoteError::RisksNotConfirmed { item: item.name.clone(), risks: open });
        }
    }
    let applied_tree = repo.find_tree(applied).map_err(git_err("read the applied change"))?;
    let changes = changed_files(repo, &base_tree, &applied_tree)?;
    if changes.is_empty() {
        return Err(does_not_apply("it changes nothing: the base already has exactly this content".into(), false));
    }

    // The pod's logs, as text.
    let mut logs: Vec<(LogKind, String, String)> = Vec::new();
    for log in &item.logs {
        if let Ok(b) = queue.read_log(&item.name, log) {
            let name = log.name.rsplit('/').next().unwrap_or(&log.name).to_string();
            logs.push((log.kind, name, String::from_utf8_lossy(&b).into_owned()));
        }
    }
    let find = |kinds: &[LogKind]| logs.iter().find(|(k, _, _)| kinds.contains(k)).cloned();
    let reasoning = find(&[LogKind::ReasoningTrace, LogKind::ThoughtTrace]);
    let changelog = find(&[LogKind::Changelog]);
    let prompt = find(&[LogKind::PromptUsed]);
    let handoff = find(&[LogKind::HandoffNotes]);
    let pod_key = safe_component(&pod_display(item, &pod));
    let task_file = safe_component(&task);

    // Delivery logs into the tree.
    let mut upserts: Vec<(String, Vec<u8>)> = Vec::new();
    let patch_path = format!(".patches/{}", safe_component(&item.name));
    if config.wants(LogChoice::Patch) {
        upserts.push((patch_path.clone(), bytes.clone()));
    }
    let review_link = forge.review_link_for_branch(&branch);
    let mut log_paths: Vec<(String, String)> = Vec::new();
    let mut reasoning_path = None;
    let mut changelog_path = None;
    let mut prompt_path = None;
    if let (true, Some((_, name, text))) = (config.wants(LogChoice::Reasoning), &reasoning) {
        let p = format!(".logs/reasoning/{task_file}.{}", ext_of(name));
        upserts.push((p.clone(), text.clone().into_bytes()));
        reasoning_path = Some(p.clone());
        log_paths.push(("reasoning trace".into(), p));
    }
    if let (true, Some((_, name, text))) = (config.wants(LogChoice::Changelog), &changelog) {
        let p = format!(".logs/changelogs/{task_file}.{}", ext_of(name));
        upserts.push((p.clone(), text.clone().into_bytes()));
        changelog_path = Some(p.clone());
        log_paths.push(("changelog".into(), p));
    }
    if let (true, Some((_, _, text))) = (config.wants(LogChoice::Prompt), &prompt) {
        let p = format!("prompts/used/{pod_key}/{task_file}_prompt.txt");
        upserts.push((p.clone(), text.clone().into_bytes()));
        prompt_path = Some(p.clone());
        log_paths.push(("prompt used".into(), p));
    }
    if let (true, Some((_, name, text))) = (config.wants(LogChoice::Handoff), &handoff) {
        let p = format!(".logs/handoff_notes/{}", safe_component(name));
        upserts.push((p.clone(), text.clone().into_bytes()));
        log_paths.push(("handoff notes".into(), p));
    }
    if config.wants(LogChoice::Metadata) {
        let mut map = queue.metadata(&item.name)?.to_map();
        map.remove("patchdesk");
        if config.wants(LogChoice::Patch) {
            map.insert("patch_file".into(), Value::String(patch_path.clone()));
        }
        map.entry("task_id").or_insert_with(|| Value::String(task.clone()));
        map.entry("summary").or_insert_with(|| Value::String(summary.clone()));
        map.insert("status".into(), Value::String("promoted".into()));
        map.insert("branch".into(), Value::String(branch.clone()));
        map.insert("base".into(), Value::String(base_name.clone()));
        map.insert("promoted_at".into(), Value::String(rec.started_at.clone()));
        map.insert("pull_request".into(), Value::String(review_link.clone()));
        let mut text = serde_json::to_vec_pretty(&Value::Object(map))
            .map_err(|e| PromoteError::Io { path: item.metadata_path.clone(), detail: e.to_string() })?;
        text.push(b'\n');
        let meta_path = if item.metadata_path.starts_with(".logs/patches/") {
            item.metadata_path.clone()
        } else {
            format!(".logs/patches/{}.json", safe_component(patchdesk_intake::split_extension(&item.name).0))
        };
        upserts.push((meta_path.clone(), text));
        log_paths.push(("metadata".into(), meta_path));
    }
    let files_changed: Vec<String> = changes.iter().map(|c| c.path.clone()).collect();
    if config.wants(LogChoice::TraceLog) {
        let entry = patchdesk_logs::TraceEntry {
            at: Some(rec.started_at.clone()),
            task_id: Some(task.clone()),
            summary: summary.clone(),
            pod: Some(pod.clone()),
            patch: Some(patch_path.clone()),
            branch: Some(branch.clone()),
            pr: Some(review_link.clone()),
            repairs: None,
            files: files_changed.clone(),
        };
        let old = text_in(repo, &base_tree, patchdesk_logs::TRACE_LOG);
        if let Some(change) = patchdesk_logs::add_trace_entry(old.as_deref(), &entry, started) {
            upserts.push((change.path, change.text.into_bytes()));
        }
    }
    if config.wants(LogChoice::Metrics) {
        let rel = patchdesk_logs::metrics_path_among(|p| {
            base_tree.get_path(Path::new(p)).is_ok_and(|e| e.kind() == Some(git2::ObjectType::Blob))
        });
        let old = text_in(repo, &base_tree, rel);
        let event = patchdesk_logs::MetricsEvent::Promoted { pod: pod.clone(), feature: Some(task.clone()) };
        if let Some(change) =
            patchdesk_logs::count_metrics_event(rel, old.as_deref(), &event, &board_in(repo, &base_tree).pods, started)?
        {
            upserts.push((change.path, change.text.into_bytes()));
        }
    }
    let mut builder = git2::build::TreeUpdateBuilder::new();
    for (path, content) in &upserts {
        let blob = repo.blob(content).map_err(git_err("store a log file"))?;
        builder.upsert(path.as_str(), blob, git2::FileMode::Blob);
    }
    let tree = builder.create_updated(repo, &applied_tree).map_err(git_err("store the logs"))?;

    // Message, title, body.
    let title = default_title(item);
    debug_assert_eq!(title, format!("[{}] {}", one_line(&task), one_line(&summary)));
    let message = format!("{title}\n\nPod: {pod}\nPatch: {}\n", item.name);
    let author = author
        .or_else(|| repo.signature().ok().and_then(|s| Some((s.name().ok()?.to_string(), s.email().ok()?.to_string()))))
        .unwrap_or_else(|| ("Patchdesk".into(), "patchdesk@localhost".into()));
    let when = git2::Time::new(started.unix_timestamp(), 0);

    let mut what = format!("{}\n\n| File | Change | Lines |\n|---|---|---|\n", one_line(&summary));
    for c in &changes {
        what.push_str(&format!("| `{}` | {} | +{} −{} |\n", c.path.replace('|', "\\|"), c.status, c.added, c.removed));
    }
    let link = |p: &Option<String>| p.as_ref().map(|p| (p.clone(), forge.file_link(&branch, p)));
    let sections = vec![
        Section { heading: "What was added".into(), text: what, full_at: None, fenced: false },
        Section {
            heading: "Why (changelog)".into(),
            text: changelog.as_ref().map(|c| c.2.clone()).unwrap_or_else(|| "The pod did not send a changelog.".into()),
            full_at: link(&changelog_path),
            fenced: false,
        },
        Section {
            heading: "Thought process (reasoning trace)".into(),
            text: reasoning
                .as_ref()
                .map(|c| demote_headings(&c.2))
                .unwrap_or_else(|| "The pod did not send a reasoning trace.".into()),
            full_at: link(&reasoning_path),
            fenced: false,
        },
        Section {
            heading: "Files".into(),
            text: {
                let mut t = String::new();
                for f in &files_changed {
                    t.push_str(&format!("- `{f}`\n"));
                }
                if config.wants(LogChoice::Patch) {
                    t.push_str(&format!("- `{patch_path}` (the patch as the pod sent it)\n"));
                }
                for (what, p) in &log_paths {
                    t.push_str(&format!("- `{p}` ({what})\n"));
                }
                t
            },
            full_at: None,
            fenced: false,
        },
        Section {
            heading: "Prompt used".into(),
            text: prompt
                .as_ref()
                .map(|c| c.2.clone())
                .unwrap_or_else(|| "The pod did not send the prompt it used.".into()),
            full_at: link(&prompt_path),
            fenced: prompt.is_some(),
        },
    ];
    let footer =
        format!("---\nSent with Patchdesk · Pod: `{pod}` · Task: `{}` · Patch: `{}`\n", one_line(&task), item.name);
    let body = body::render(&sections, &footer, body::BODY_BUDGET);
    Ok(Built { tree, message, title, body, author, when })
}

fn problems(list: &[patchdesk_apply::Problem]) -> String {
    let parts: Vec<String> = list
        .iter()
        .take(3)
        .map(|p| match &p.path {
            Some(path) => format!("{path}: {}", p.message),
            None => p.message.clone(),
        })
        .collect();
    if parts.is_empty() {
        "the change does not fit".into()
    } else {
        parts.join("; ")
    }
}

/// Pod reasoning traces use `#`/`##` headings; inside a PR section they become `###`+.
fn demote_headings(text: &str) -> String {
    text.lines()
        .map(|l| if l.starts_with('#') { format!("##{l}") } else { l.to_string() })
        .collect::<Vec<_>>()
        .join("\n")
}
