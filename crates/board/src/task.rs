//! Tasks as pods write them: `task.yaml` (`tasks: {<id>: {...}}`) and one file per task under
//! `task_templates/`. Reading is lenient about value types (a single string where a list is
//! expected, numbers as ids); every field is optional except the id.

use patchdesk_yaml::{key_text, Mapping, Value};
use serde::Serialize;
use std::cmp::Ordering;

/// A task id as written in the files (`F2.1`, `1.1_capture_project_goals`).
pub type TaskId = String;

/// The six board statuses. Older spellings are mapped onto them; the raw value is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
#[specta(rename = "TaskStatus")]
pub enum Status {
    Backlog,
    Planned,
    Ready,
    InProgress,
    Review,
    Done,
}

impl Status {
    /// Maps any spelling seen in real files onto a board status. Unknown values are `Backlog`.
    pub fn normalise(raw: &str) -> Status {
        let s: String = raw.trim().to_lowercase().chars().map(|c| if c == '-' || c == ' ' { '_' } else { c }).collect();
        match s.as_str() {
            "planned" | "pending" | "todo" | "to_do" | "queued" => Status::Planned,
            "ready" => Status::Ready,
            "in_progress" | "inprogress" | "wip" | "doing" | "active" | "started" => Status::InProgress,
            "review" | "in_review" | "reviewing" | "qa" | "testing" => Status::Review,
            "done" | "complete" | "completed" | "closed" | "merged" | "finished" => Status::Done,
            _ => Status::Backlog,
        }
    }

    /// The canonical spelling written to files.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Backlog => "backlog",
            Status::Planned => "planned",
            Status::Ready => "ready",
            Status::InProgress => "in_progress",
            Status::Review => "review",
            Status::Done => "done",
        }
    }
}

/// Which layout a task was read from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum Layout {
    /// An entry under `tasks:` in a task file (`task.yaml`).
    TaskList,
    /// A file holding one task (`task_templates/<id>.yaml`).
    OneFile,
}

/// One task as the board shows it.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct Task {
    pub id: TaskId,
    /// `title` from the file, else a short title derived from the description.
    pub title: String,
    pub description: String,
    /// `Phase 2 - Development`.
    pub phase: Option<String>,
    pub category: Option<String>,
    /// The pod holding the task (`assigned_pod`, else `pod_owner`), as a configured pod key
    /// when the spelling is known.
    pub pod: Option<String>,
    /// The pod value exactly as written.
    pub pod_raw: Option<String>,
    pub pod_owner: Option<String>,
    pub assigned_pod: Option<String>,
    pub assigned_to: Option<String>,
    pub status: Status,
    /// The status exactly as written (`completed`, `unassigned`...).
    pub status_raw: Option<String>,
    /// The `ready:` flag as written.
    pub ready_flag: Option<bool>,
    /// The `done:` flag as written.
    pub done_flag: Option<bool>,
    /// Computed: status done/complete/completed or `done: true`.
    pub done: bool,
    /// Computed: (status ready/planned or `ready: true`), not done, and every dependency done.
    pub ready: bool,
    pub depends_on: Vec<TaskId>,
    /// Dependencies that are not done yet (unknown ids count as not done).
    pub waiting_on: Vec<TaskId>,
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
    /// Manual priority, lower first (`high` = 1, `medium` = 2, `low` = 3, numbers as written).
    pub priority: Option<i64>,
    pub prompt: Option<String>,
    pub inputs: Vec<String>,
    pub outputs: Vec<String>,
    pub feedback_file: Option<String>,
    pub created_by: Option<String>,
    pub handoff_from: Option<String>,
    pub notes: Option<String>,
    /// Fields Patchdesk does not know; they are kept untouched on every write.
    pub other_fields: Vec<String>,
    /// Where the task lives.
    pub source: TaskSource,
}

/// The file a task was read from and where inside it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct TaskSource {
    /// Path relative to the repository, with `/` separators.
    pub file: String,
    pub layout: Layout,
    /// 1-based line of the task's first line, when known.
    pub line: Option<u32>,
    /// Keys leading to the task's mapping inside the file (`["tasks", "F2.1"]`, or empty for a
    /// one-task file).
    pub key_path: Vec<String>,
}

const KNOWN: &[&str] = &[
    "id",
    "task_id",
    "title",
    "name",
    "description",
    "phase",
    "category",
    "pod_owner",
    "assigned_pod",
    "assigned_to",
    "status",
    "ready",
    "done",
    "prompt",
    "inputs",
    "outputs",
    "feedback_file",
    "created_by",
    "created_at",
    "updated_at",
    "depends_on",
    "handoff_from",
    "notes",
    "priority",
];

impl Task {
    /// Reads a task from its mapping. Fields with unexpected types are read leniently.
    pub(crate) fn from_mapping(id: &str, map: &Mapping, source: TaskSource) -> Task {
        let text = |k: &str| patchdesk_yaml::get(map, k).and_then(scalar_text).filter(|s| !s.trim().is_empty());
        let description = text("description").unwrap_or_default();
        let title = text("title").or_else(|| text("name")).unwrap_or_else(|| derive_title(&description, id));
        let assigned_pod = text("assigned_pod");
        let pod_owner = text("pod_owner");
        let status_raw = text("status");
        let other_fields = map.keys().filter_map(key_text).filter(|k| !KNOWN.contains(&k.as_str())).collect();
        Task {
            id: id.to_string(),
            title,
            description,
            phase: text("phase"),
            category: text("category"),
            pod: None,
            pod_raw: assigned_pod.clone().or_else(|| pod_owner.clone()),
            pod_owner,
            assigned_pod,
            assigned_to: text("assigned_to"),
            status: status_raw.as_deref().map(Status::normalise).unwrap_or(Status::Backlog),
            status_raw,
            ready_flag: patchdesk_yaml::get(map, "ready").and_then(flag),
            done_flag: patchdesk_yaml::get(map, "done").and_then(flag),
            done: false,
            ready: false,
            depends_on: list(patchdesk_yaml::get(map, "depends_on")),
            waiting_on: Vec::new(),
            created_at: text("created_at"),
            updated_at: text("updated_at"),
            priority: patchdesk_yaml::get(map, "priority").and_then(priority_rank),
            prompt: text("prompt"),
            inputs: list(patchdesk_yaml::get(map, "inputs")),
            outputs: list(patchdesk_yaml::get(map, "outputs")),
            feedback_file: text("feedback_file"),
            created_by: text("created_by"),
            handoff_from: text("handoff_from"),
            notes: text("notes"),
            other_fields,
            source,
        }
    }

    /// Done by status or by the `done:` flag.
    pub fn is_done(&self) -> bool {
        self.status == Status::Done || self.done_flag == Some(true)
    }

    /// Wants to be worked on, ignoring dependencies: status ready/planned or `ready: true`.
    pub fn wants_work(&self) -> bool {
        !self.is_done() && (matches!(self.status, Status::Ready | Status::Planned) || self.ready_flag == Some(true))
    }
}

/// A scalar as text (numbers, booleans, dates written plain all become text).
pub(crate) fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Tagged(t) => scalar_text(&t.value),
        _ => None,
    }
}

fn flag(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::String(s) => match s.trim().to_lowercase().as_str() {
            "true" | "yes" | "y" | "on" => Some(true),
            "false" | "no" | "n" | "off" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// A list of texts; a single string counts as a one-item list (comma-separated lists split).
pub(crate) fn list(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::Sequence(items)) => items.iter().filter_map(scalar_text).filter(|s| !s.trim().is_empty()).collect(),
        Some(Value::String(s)) => s.split(',').map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect(),
        Some(other) => scalar_text(other).into_iter().collect(),
        None => Vec::new(),
    }
}

fn priority_rank(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f.round() as i64)),
        Value::Bool(true) => Some(0),
        Value::String(s) => match s.trim().to_lowercase().as_str() {
            "critical" | "urgent" | "p0" => Some(0),
            "high" | "p1" => Some(1),
            "medium" | "normal" | "p2" => Some(2),
            "low" | "p3" => Some(3),
            other => other.parse().ok(),
        },
        _ => None,
    }
}

/// The first sentence or line of the description, at most ~60 characters, cut at a word.
pub fn derive_title(description: &str, id: &str) -> String {
    let first = description.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("");
    let sentence = match first.find(". ") {
        Some(i) => &first[..i],
        None => first.trim_end_matches('.'),
    };
    if sentence.is_empty() {
        return id.to_string();
    }
    const MAX: usize = 60;
    if sentence.chars().count() <= MAX {
        return sentence.to_string();
    }
    let cut: String = sentence.chars().take(MAX).collect();
    let at_word = match cut.rfind(' ') {
        Some(i) if i > MAX / 2 => &cut[..i],
        _ => &cut[..],
    };
    format!("{}…", at_word.trim_end_matches([',', ';', ':', ' ']))
}

/// Natural order: digit runs compare as numbers, so `Phase 2` < `Phase 10`.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (mut a, mut b) = (a.as_bytes(), b.as_bytes());
    loop {
        match (a.first(), b.first()) {
            (None, None) => return Ordering::Equal,
            (None, _) => return Ordering::Less,
            (_, None) => return Ordering::Greater,
            (Some(x), Some(y)) if x.is_ascii_digit() && y.is_ascii_digit() => {
                let na = a.iter().take_while(|c| c.is_ascii_digit()).count();
                let nb = b.iter().take_while(|c| c.is_ascii_digit()).count();
                let da = trim_zeros(&a[..na]);
                let db = trim_zeros(&b[..nb]);
                let ord = da.len().cmp(&db.len()).then_with(|| da.cmp(db));
                if ord != Ordering::Equal {
                    return ord;
                }
                a = &a[na..];
                b = &b[nb..];
            }
            (Some(x), Some(y)) => {
                let ord = x.to_ascii_lowercase().cmp(&y.to_ascii_lowercase());
                if ord != Ordering::Equal {
                    return ord;
                }
                a = &a[1..];
                b = &b[1..];
            }
        }
    }
}

fn trim_zeros(d: &[u8]) -> &[u8] {
    let z = d.iter().take_while(|&&c| c == b'0').count();
    &d[z..]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_old_and_new() {
        assert_eq!(Status::normalise("complete"), Status::Done);
        assert_eq!(Status::normalise("Completed"), Status::Done);
        assert_eq!(Status::normalise("pending"), Status::Planned);
        assert_eq!(Status::normalise("unassigned"), Status::Backlog);
        assert_eq!(Status::normalise("in progress"), Status::InProgress);
        assert_eq!(Status::normalise("in-progress"), Status::InProgress);
        assert_eq!(Status::normalise("review"), Status::Review);
        assert_eq!(Status::normalise("whatever"), Status::Backlog);
    }

    #[test]
    fn phases_sort_naturally() {
        assert_eq!(natural_cmp("Phase 2 - Development", "Phase 10 - Cutover"), Ordering::Less);
        assert_eq!(natural_cmp("Phase 10", "Phase 9"), Ordering::Greater);
        assert_eq!(natural_cmp("F2.1", "F2.10"), Ordering::Less);
        assert_eq!(natural_cmp("phase 02", "Phase 2"), Ordering::Equal);
    }

    #[test]
    fn titles_from_descriptions() {
        assert_eq!(
            derive_title("Add unit tests for symptom parser. Focus on edges.", "F2.1"),
            "Add unit tests for symptom parser"
        );
        assert_eq!(derive_title("", "F2.1"), "F2.1");
        let long = "Build the metrics tool that collects weekly snapshots from every pod and renders charts for leads";
        let t = derive_title(long, "x");
        assert!(t.ends_with('…') && t.chars().count() <= 61, "{t}");
        assert!(long.starts_with(t.trim_end_matches('…')));
    }
}
