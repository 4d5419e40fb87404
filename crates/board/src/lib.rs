//! The pod handoff board: tasks and pods read from the repository, what each pod should do
//! next, and handoffs (log entry + task update + prompt packet) written back through
//! `patchdesk-yaml`'s format-preserving editor.
//!
//! [`Board::load`] never fails as a whole: a broken file becomes a [`FileProblem`] and the
//! rest of the board still loads. A file with a problem is never written to.
//! Nothing here commits: every write returns the list of files it changed, and the caller
//! commits them.

mod handoff;
mod pods;
mod prompt;
mod task;
mod write;

pub use handoff::{
    add_handoff_entry, handoff, parse_handoff_log, read_handoff_log, task_prompt, HandoffEntry, HandoffForm,
    HandoffLog, HandoffOutcome, HandoffRequest, NewHandoff, HANDOFF_LOG,
};
pub use patchdesk_disk::{inspect, read_file, read_text_file, replace_file, FileError, Found};
pub use prompt::{
    read_memory, relevant_memory, revision_prompt, revision_prompt_path, used_prompt_path, MemoryEntry, PromptPacket,
    MEMORY_FILES,
};
pub use write::{
    complete_task, reopen_task, set_task_fields, timestamp, unlock_after_done, CompleteOutcome, ReopenOutcome,
    TaskField, UnlockOutcome,
};

pub use pods::{default_pods, find_pod, snake_case, Pod, PODS_FILE};
pub use task::{derive_title, natural_cmp, Layout, Status, Task, TaskId, TaskSource};

use patchdesk_error::{Code, Coded};
use patchdesk_yaml::{Mapping, Value};
use serde::Serialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The task file at the repository root.
pub const TASK_FILE: &str = "task.yaml";
/// The folder of one-task-per-file tasks.
pub const TASK_TEMPLATES_DIR: &str = "task_templates";

/// A file the board could not read, in plain words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct FileProblem {
    /// Path relative to the repository, with `/` separators.
    pub path: String,
    /// 1-based line, when known.
    pub line: Option<u32>,
    /// 1-based column, when known.
    pub column: Option<u32>,
    /// A full sentence: `task.yaml, line 14: a list item is missing its dash`.
    pub message: String,
}

impl FileProblem {
    fn new(path: &str, line: Option<usize>, column: Option<usize>, reason: &str) -> Self {
        let message = match line {
            Some(l) => format!("{path}, line {l}: {reason}"),
            None => format!("{path}: {reason}"),
        };
        FileProblem { path: path.to_string(), line: line.map(|l| l as u32), column: column.map(|c| c as u32), message }
    }

    fn from_yaml(path: &str, e: &patchdesk_yaml::YamlError) -> Self {
        FileProblem { message: e.in_file(path), ..FileProblem::new(path, e.line(), e.column(), e.reason()) }
    }
}

/// Everything the board screen shows.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct Board {
    /// Configured pods (or the defaults), then pods that only appear in task files.
    pub pods: Vec<Pod>,
    /// Every task, in file order (`task.yaml` first, then `task_templates/` by name).
    pub tasks: Vec<Task>,
    /// Files that could not be read; their tasks are missing from `tasks`.
    pub problems: Vec<FileProblem>,
    /// Task id → position in `tasks`, built once per read so look-ups are not scans.
    #[serde(skip)]
    by_id: HashMap<String, usize>,
}

/// Errors of board operations. Messages are plain sentences.
#[derive(Debug, thiserror::Error)]
pub enum BoardError {
    /// No task with this id.
    #[error("There is no task called {0} on the board.")]
    TaskNotFound(String),
    /// No pod with this name.
    #[error("There is no pod called {0}. Known pods: {1}.")]
    PodNotFound(String, String),
    /// A file that must be changed is not valid, or cannot be changed safely. Nothing was written.
    #[error("{0}")]
    FileInvalid(String),
    /// Reading or writing a file failed.
    #[error("Could not {action} {path}: {reason}")]
    Io { action: &'static str, path: String, reason: String },
    /// A file or folder on the way is a link, or not a plain file. Nothing was written.
    #[error("{0}")]
    Unsafe(String),
}

impl From<FileError> for BoardError {
    fn from(e: FileError) -> Self {
        match e {
            FileError::Io { action, path, reason } => BoardError::Io { action, path, reason },
            other => BoardError::Unsafe(other.to_string()),
        }
    }
}

impl Coded for BoardError {
    fn code(&self) -> Code {
        match self {
            BoardError::TaskNotFound(_) => Code::TaskNotFound,
            BoardError::PodNotFound(..) => Code::PodNotFound,
            BoardError::FileInvalid(_) => Code::TaskFileInvalid,
            BoardError::Io { .. } => Code::Io,
            BoardError::Unsafe(_) => Code::UnsafePath,
        }
    }
}

/// The text of the board's files, for [`Board::from_texts`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BoardTexts {
    /// `.patchdesk/pods.yaml`, when there is one.
    pub pods: Option<String>,
    /// `task.yaml`, when there is one.
    pub tasks: Option<String>,
    /// The files of `task_templates/` as (file name, text); names that are not `*.yaml` or
    /// `*.yml` are skipped, as when reading the folder.
    pub templates: Vec<(String, String)>,
}

impl Board {
    /// Reads pods and tasks from the repository at `workdir`. Never fails: unreadable files are
    /// listed in `problems` and everything else still loads.
    pub fn load(workdir: &Path) -> Board {
        let mut problems = Vec::new();
        let pods_text = read_optional(workdir, PODS_FILE, &mut problems);
        let pods = pods_from_text(pods_text, &mut problems);
        let mut tasks: Vec<Task> = Vec::new();
        let mut by_id: HashMap<String, usize> = HashMap::new();

        if let Some(text) = read_optional(workdir, TASK_FILE, &mut problems) {
            read_task_file(TASK_FILE, &text, false, &mut tasks, &mut by_id, &mut problems);
        }
        for rel in template_files(workdir, &mut problems) {
            if let Some(text) = read_optional(workdir, &rel, &mut problems) {
                read_task_file(&rel, &text, true, &mut tasks, &mut by_id, &mut problems);
            }
        }
        Board::assemble(pods, tasks, by_id, problems)
    }

    /// The board from the text of its files, read by the caller from anywhere (a commit, a
    /// test): the same board [`Board::load`] gives for a folder holding these files.
    pub fn from_texts(texts: &BoardTexts) -> Board {
        let mut problems = Vec::new();
        let pods = pods_from_text(texts.pods.clone(), &mut problems);
        let mut tasks: Vec<Task> = Vec::new();
        let mut by_id: HashMap<String, usize> = HashMap::new();
        if let Some(text) = &texts.tasks {
            read_task_file(TASK_FILE, text, false, &mut tasks, &mut by_id, &mut problems);
        }
        let mut templates: Vec<&(String, String)> =
            texts.templates.iter().filter(|(name, _)| is_template_name(name)).collect();
        templates.sort_by(|a, b| natural_cmp(&a.0, &b.0));
        for (name, text) in templates {
            read_task_file(&format!("{TASK_TEMPLATES_DIR}/{name}"), text, true, &mut tasks, &mut by_id, &mut problems);
        }
        Board::assemble(pods, tasks, by_id, problems)
    }

    /// Resolves every task's pod (unknown pods join the list) and computes readiness.
    fn assemble(
        mut pods: Vec<Pod>,
        mut tasks: Vec<Task>,
        by_id: HashMap<String, usize>,
        problems: Vec<FileProblem>,
    ) -> Board {
        // Each spelling is resolved once: thousands of tasks name the same few pods.
        let mut resolved: HashMap<String, String> = HashMap::new();
        for task in &mut tasks {
            let Some(raw) = task.pod_raw.as_deref() else { continue };
            if let Some(key) = resolved.get(raw) {
                task.pod = Some(key.clone());
                continue;
            }
            let key = match find_pod(&pods, raw) {
                Some(p) => p.key.clone(),
                None => {
                    let mut pod = Pod::from_key(&pods::key_for_unknown(raw));
                    pod.configured = false;
                    pod.aliases = vec![raw.to_string()];
                    let key = pod.key.clone();
                    pods.push(pod);
                    key
                }
            };
            resolved.insert(raw.to_string(), key.clone());
            task.pod = Some(key);
        }
        let mut board = Board { pods, tasks, problems, by_id };
        board.compute_readiness();
        board
    }

    /// The task with this id.
    pub fn task(&self, id: &str) -> Option<&Task> {
        if let Some(t) = self.by_id.get(id).and_then(|&i| self.tasks.get(i)).filter(|t| t.id == id) {
            return Some(t);
        }
        if !self.by_id.contains_key(id) && self.by_id.len() == self.tasks.len() {
            return None;
        }
        // `tasks` was changed after the board was read: look through it.
        self.tasks.iter().find(|t| t.id == id)
    }

    /// The pod this name refers to (any spelling).
    pub fn pod(&self, name: &str) -> Option<&Pod> {
        find_pod(&self.pods, name)
    }

    /// True when the task with this id is done. Unknown ids are not done.
    pub fn is_done(&self, id: &str) -> bool {
        self.task(id).is_some_and(Task::is_done)
    }

    /// The pod's ready tasks, in the order to work on them: phase (natural order, so
    /// `Phase 2` before `Phase 10`; no phase last), then `created_at`, then priority, then id.
    /// Empty for an unknown pod.
    pub fn next(&self, pod: &str) -> Vec<TaskId> {
        let Some(pod) = self.pod(pod) else { return Vec::new() };
        let mut ready: Vec<&Task> =
            self.tasks.iter().filter(|t| t.ready && t.pod.as_deref() == Some(pod.key.as_str())).collect();
        ready.sort_by(|a, b| {
            fn last_if_none<T>(
                a: Option<T>,
                b: Option<T>,
                cmp: impl Fn(T, T) -> std::cmp::Ordering,
            ) -> std::cmp::Ordering {
                match (a, b) {
                    (Some(x), Some(y)) => cmp(x, y),
                    (Some(_), None) => std::cmp::Ordering::Less,
                    (None, Some(_)) => std::cmp::Ordering::Greater,
                    (None, None) => std::cmp::Ordering::Equal,
                }
            }
            last_if_none(a.phase.as_deref(), b.phase.as_deref(), natural_cmp)
                .then_with(|| last_if_none(a.created_at.as_deref(), b.created_at.as_deref(), |x, y| x.cmp(y)))
                .then_with(|| last_if_none(a.priority, b.priority, |x, y| x.cmp(&y)))
                .then_with(|| natural_cmp(&a.id, &b.id))
        });
        ready.into_iter().map(|t| t.id.clone()).collect()
    }

    /// [`Board::next`] for every pod, in pod order.
    pub fn next_by_pod(&self) -> Vec<(String, Vec<TaskId>)> {
        self.pods.iter().map(|p| (p.key.clone(), self.next(&p.key))).collect()
    }

    fn compute_readiness(&mut self) {
        let done: std::collections::HashSet<String> =
            self.tasks.iter().filter(|t| t.is_done()).map(|t| t.id.clone()).collect();
        let is_done = |id: &str| done.contains(id);
        for t in &mut self.tasks {
            t.done = t.is_done();
            t.waiting_on = t.depends_on.iter().filter(|d| !is_done(d)).cloned().collect();
            t.ready = t.wants_work() && t.waiting_on.is_empty();
        }
    }
}

fn pods_problem(problems: &mut Vec<FileProblem>, reason: &str) {
    problems.push(FileProblem::new(PODS_FILE, None, None, reason));
}

/// The pods of `.patchdesk/pods.yaml` (the default pods when there is none or it is unusable).
fn pods_from_text(text: Option<String>, problems: &mut Vec<FileProblem>) -> Vec<Pod> {
    let Some(text) = text else { return default_pods() };
    match patchdesk_yaml::from_str::<pods::PodsFile>(&text) {
        Ok(file) => {
            let pods = file.into_pods();
            if pods.is_empty() {
                pods_problem(problems, "no pods are listed; the default pods are used");
                default_pods()
            } else {
                pods
            }
        }
        Err(e) => {
            let mut p = FileProblem::from_yaml(PODS_FILE, &e);
            p.message.push_str("; the default pods are used");
            problems.push(p);
            default_pods()
        }
    }
}

/// Reads a file relative to `workdir`; missing files are `None` without a problem. A file that
/// is a link, or sits in a linked folder, is a problem and is not read.
fn read_optional(workdir: &Path, rel: &str, problems: &mut Vec<FileProblem>) -> Option<String> {
    match patchdesk_disk::read_file(workdir, rel) {
        Ok(Some(bytes)) => match String::from_utf8(bytes) {
            Ok(text) => Some(text),
            Err(_) => {
                problems.push(FileProblem::new(rel, None, None, "the file is not UTF-8 text"));
                None
            }
        },
        Ok(None) => None,
        Err(FileError::Io { reason, .. }) => {
            problems.push(FileProblem::new(rel, None, None, &format!("the file could not be read ({reason})")));
            None
        }
        Err(e) => {
            problems.push(FileProblem { path: rel.to_string(), line: None, column: None, message: e.to_string() });
            None
        }
    }
}

fn template_files(workdir: &Path, problems: &mut Vec<FileProblem>) -> Vec<String> {
    let link_problem = |problems: &mut Vec<FileProblem>, rel: &str, e: FileError| {
        problems.push(FileProblem { path: rel.to_string(), line: None, column: None, message: e.to_string() });
    };
    match patchdesk_disk::inspect(workdir, TASK_TEMPLATES_DIR) {
        Ok(Found::Folder) => {}
        Ok(_) => return Vec::new(),
        Err(e) => {
            link_problem(problems, TASK_TEMPLATES_DIR, e);
            return Vec::new();
        }
    }
    let dir: PathBuf = workdir.join(TASK_TEMPLATES_DIR);
    let entries = match std::fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Vec::new(),
        Err(e) => {
            problems.push(FileProblem::new(
                TASK_TEMPLATES_DIR,
                None,
                None,
                &format!("the folder could not be read ({e})"),
            ));
            return Vec::new();
        }
    };
    let mut names: Vec<String> = Vec::new();
    for e in entries.filter_map(Result::ok) {
        let Ok(name) = e.file_name().into_string() else { continue };
        if !is_template_name(&name) {
            continue;
        }
        match e.file_type() {
            Ok(t) if t.is_file() => names.push(name),
            Ok(t) if t.is_symlink() => {
                let rel = format!("{TASK_TEMPLATES_DIR}/{name}");
                link_problem(problems, &rel.clone(), FileError::Link { path: rel, kind: "file" });
            }
            _ => {}
        }
    }
    names.sort_by(|a, b| natural_cmp(a, b));
    names.into_iter().map(|n| format!("{TASK_TEMPLATES_DIR}/{n}")).collect()
}

/// A file of `task_templates/` that holds a task: `*.yaml` or `*.yml`, not hidden.
fn is_template_name(name: &str) -> bool {
    (name.ends_with(".yaml") || name.ends_with(".yml")) && !name.starts_with('.')
}

/// Reads the tasks of one file into `tasks`. `one_task` marks a `task_templates/` file, which
/// may still use the `tasks:` layout.
fn read_task_file(
    rel: &str,
    text: &str,
    one_task: bool,
    tasks: &mut Vec<Task>,
    by_id: &mut HashMap<String, usize>,
    problems: &mut Vec<FileProblem>,
) {
    let value = match patchdesk_yaml::parse_value(text) {
        Ok(v) => v,
        Err(e) => {
            problems.push(FileProblem::from_yaml(rel, &e));
            return;
        }
    };
    let Value::Mapping(top) = value else {
        if !matches!(value, Value::Null) {
            problems.push(FileProblem::new(rel, Some(1), None, "expected `key: value` lines, found something else"));
        }
        return;
    };
    let mut push = |task: Task, problems: &mut Vec<FileProblem>| {
        if let Some(first) = by_id.get(&task.id).map(|&i| &tasks[i]) {
            let reason = format!("task {} is also defined in {}; that one is used", task.id, first.source.file);
            let line = task.source.line.map(|l| l as usize);
            problems.push(FileProblem::new(rel, line, None, &reason));
        } else {
            by_id.insert(task.id.clone(), tasks.len());
            tasks.push(task);
        }
    };
    match patchdesk_yaml::get(&top, "tasks") {
        Some(Value::Mapping(list)) => {
            let lines: std::collections::HashMap<String, usize> =
                patchdesk_yaml::locate_keys(text, &["tasks"]).into_iter().collect();
            for (key, entry) in list {
                let Some(id) = patchdesk_yaml::key_text(key) else { continue };
                let key_path = vec!["tasks".to_string(), id.clone()];
                let line = lines.get(&id).copied();
                let Value::Mapping(fields) = entry else {
                    let reason = format!("task {id} has no fields (expected `key: value` lines under it)");
                    problems.push(FileProblem::new(rel, line, None, &reason));
                    continue;
                };
                let source = TaskSource {
                    file: rel.to_string(),
                    layout: Layout::TaskList,
                    line: line.map(|l| l as u32),
                    key_path,
                };
                push(Task::from_mapping(&id, fields, source), problems);
            }
        }
        Some(Value::Null) => {}
        Some(_) => {
            let line = patchdesk_yaml::locate(text, &["tasks".to_string()]);
            problems.push(FileProblem::new(rel, line, None, "`tasks:` should hold one entry per task id"));
        }
        None if one_task => {
            let id = one_task_id(&top, rel);
            let source =
                TaskSource { file: rel.to_string(), layout: Layout::OneFile, line: Some(1), key_path: Vec::new() };
            push(Task::from_mapping(&id, &top, source), problems);
        }
        None => problems.push(FileProblem::new(rel, None, None, "there is no `tasks:` section")),
    }
}

fn one_task_id(top: &Mapping, rel: &str) -> String {
    ["id", "task_id"]
        .iter()
        .filter_map(|k| patchdesk_yaml::get(top, k).and_then(task::scalar_text))
        .find(|s| !s.trim().is_empty())
        .unwrap_or_else(|| {
            let name = rel.rsplit('/').next().unwrap_or(rel);
            name.trim_end_matches(".yaml").trim_end_matches(".yml").to_string()
        })
}
