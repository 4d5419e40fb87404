//! Changing tasks in their files (through the format-preserving editor), and writing files
//! safely (temporary file, then rename).

use crate::{Board, BoardError, Task, TaskId};
use patchdesk_yaml::{Edit, Node, Scalar};
use serde::Serialize;
use std::path::Path;
use time::OffsetDateTime;

/// `2025-04-19T12:34:56Z`: how Patchdesk writes times ([`patchdesk_clock::rfc3339_seconds`]).
pub fn timestamp(now: OffsetDateTime) -> String {
    patchdesk_clock::rfc3339_seconds(now)
}

/// Pending new contents for files, written together at the end of an operation.
#[derive(Default)]
pub(crate) struct Changes {
    files: Vec<(String, String)>,
}

impl Changes {
    /// The pending text of `rel`, if this operation already changed it.
    pub(crate) fn pending(&self, rel: &str) -> Option<&str> {
        self.files.iter().find(|(f, _)| f == rel).map(|(_, t)| t.as_str())
    }

    pub(crate) fn put(&mut self, rel: &str, text: String) {
        match self.files.iter_mut().find(|(f, _)| f == rel) {
            Some(slot) => slot.1 = text,
            None => self.files.push((rel.to_string(), text)),
        }
    }

    /// Applies `edits` to the task's mapping in its file (the pending text when already changed).
    pub(crate) fn edit_task(
        &mut self,
        workdir: &Path,
        board: &Board,
        task: &Task,
        edits: Vec<(&str, Node)>,
    ) -> Result<(), BoardError> {
        let rel = task.source.file.clone();
        if board.problems.iter().any(|p| p.path == rel) {
            return Err(BoardError::FileInvalid(format!(
                "{rel} has a problem (see the board), so Patchdesk does not change it; nothing was written"
            )));
        }
        let text = match self.pending(&rel) {
            Some(t) => t.to_string(),
            None => read_text(workdir, &rel)?,
        };
        let edits: Vec<Edit> = edits
            .into_iter()
            .map(|(field, node)| {
                let mut path = task.source.key_path.clone();
                path.push(field.to_string());
                Edit::Set(path, node)
            })
            .collect();
        let new = Edit::apply_all(&text, &edits).map_err(|e| {
            BoardError::FileInvalid(format!(
                "Could not update task {} in {}: {}",
                task.id,
                e.in_file(&rel),
                "nothing was written"
            ))
        })?;
        self.put(&rel, new);
        Ok(())
    }

    /// Writes every pending file and returns their paths. Every path is checked first (no
    /// link on the way, no folder in the file's place), so a refusal writes nothing.
    pub(crate) fn write(self, workdir: &Path) -> Result<Vec<String>, BoardError> {
        for (rel, _) in &self.files {
            if patchdesk_disk::inspect(workdir, rel)? == patchdesk_disk::Found::Folder {
                return Err(crate::FileError::NotPlain(rel.clone(), "file").into());
            }
        }
        let mut written = Vec::new();
        for (rel, text) in self.files {
            patchdesk_disk::replace_file(workdir, &rel, &text)?;
            written.push(rel);
        }
        Ok(written)
    }
}

pub(crate) fn read_text(workdir: &Path, rel: &str) -> Result<String, BoardError> {
    match patchdesk_disk::read_text_file(workdir, rel)? {
        Some(text) => Ok(text),
        None => Err(BoardError::Io { action: "read", path: rel.to_string(), reason: "the file does not exist".into() }),
    }
}

/// What [`unlock_after_done`] changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct UnlockOutcome {
    /// Tasks now marked ready.
    pub unlocked: Vec<TaskId>,
    /// Files written (relative paths); the caller commits them.
    pub changed_files: Vec<String>,
}

/// What [`complete_task`] changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct CompleteOutcome {
    pub task: TaskId,
    /// Tasks whose dependencies are now all done, marked ready.
    pub unlocked: Vec<TaskId>,
    /// Files written (relative paths); the caller commits them.
    pub changed_files: Vec<String>,
}

/// Tasks waiting only on `done_task` (and other done tasks) that are not started yet.
fn unlockable<'b>(board: &'b Board, done_task: &str) -> Vec<&'b Task> {
    board
        .tasks
        .iter()
        .filter(|t| !t.is_done() && t.depends_on.iter().any(|d| d == done_task))
        .filter(|t| t.depends_on.iter().all(|d| board.is_done(d)))
        .filter(|t| {
            let not_started = matches!(t.status, crate::Status::Backlog | crate::Status::Planned);
            not_started || t.ready_flag == Some(false)
        })
        .collect()
}

fn unlock_edits(task: &Task, stamp: &str) -> Vec<(&'static str, Node)> {
    let mut edits = Vec::new();
    if matches!(task.status, crate::Status::Backlog | crate::Status::Planned) {
        edits.push(("status", Node::str("ready")));
    }
    if task.ready_flag.is_some() {
        edits.push(("ready", Node::Scalar(Scalar::Bool(true))));
    }
    edits.push(("updated_at", Node::str(stamp)));
    edits
}

fn queue_unlocks(
    workdir: &Path,
    board: &Board,
    done_task: &str,
    stamp: &str,
    changes: &mut Changes,
) -> Result<Vec<TaskId>, BoardError> {
    let mut unlocked = Vec::new();
    for t in unlockable(board, done_task) {
        changes.edit_task(workdir, board, t, unlock_edits(t, stamp))?;
        unlocked.push(t.id.clone());
    }
    Ok(unlocked)
}

/// After `done_task` is done: marks every task whose dependencies are now all done as ready
/// (`status: ready`, `ready: true` where the task has that flag, `updated_at`). Tasks already
/// in progress or in review are left alone. Does not commit.
pub fn unlock_after_done(workdir: &Path, done_task: &str, now: OffsetDateTime) -> Result<UnlockOutcome, BoardError> {
    let board = Board::load(workdir);
    let task = board.task(done_task).ok_or_else(|| BoardError::TaskNotFound(done_task.to_string()))?;
    if !task.is_done() {
        return Ok(UnlockOutcome { unlocked: Vec::new(), changed_files: Vec::new() });
    }
    let mut changes = Changes::default();
    let unlocked = queue_unlocks(workdir, &board, done_task, &timestamp(now), &mut changes)?;
    let changed_files = changes.write(workdir)?;
    Ok(UnlockOutcome { unlocked, changed_files })
}

/// Marks a task done (`status: done` unless it already says complete/completed, `done: true`,
/// `updated_at`), then unlocks the tasks that were waiting for it. Does not commit.
pub fn complete_task(workdir: &Path, task_id: &str, now: OffsetDateTime) -> Result<CompleteOutcome, BoardError> {
    let board = Board::load(workdir);
    let task = board.task(task_id).ok_or_else(|| BoardError::TaskNotFound(task_id.to_string()))?;
    let stamp = timestamp(now);
    let mut changes = Changes::default();
    let mut edits = Vec::new();
    if task.status != crate::Status::Done {
        edits.push(("status", Node::str("done")));
    }
    edits.push(("done", Node::Scalar(Scalar::Bool(true))));
    edits.push(("updated_at", Node::str(stamp.clone())));
    changes.edit_task(workdir, &board, task, edits)?;

    // Readiness as it will be once this task is done.
    let mut after = board.clone();
    if let Some(t) = after.tasks.iter_mut().find(|t| t.id == task_id) {
        t.done_flag = Some(true);
    }
    let unlocked = queue_unlocks(workdir, &after, task_id, &stamp, &mut changes)?;
    let changed_files = changes.write(workdir)?;
    Ok(CompleteOutcome { task: task_id.to_string(), unlocked, changed_files })
}

/// What [`reopen_task`] changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct ReopenOutcome {
    /// Tasks that were ready because of it, not started, and now wait for it again.
    pub waiting_again: Vec<TaskId>,
    /// Files written (relative paths); the caller commits them.
    pub changed_files: Vec<String>,
}

/// Puts a done task back in progress (`status: in_progress`, `done: false` where it has the
/// flag, `updated_at`) and the tasks its completion made ready back to waiting for it: each task
/// that depends on it, is marked ready (`status: ready` or `ready: true`) and is not started
/// yet becomes `status: planned` / `ready: false` again. Tasks already started are left alone.
/// Does not commit; nothing is written when a file cannot be changed.
pub fn reopen_task(workdir: &Path, task_id: &str, now: OffsetDateTime) -> Result<ReopenOutcome, BoardError> {
    let board = Board::load(workdir);
    let task = board.task(task_id).ok_or_else(|| BoardError::TaskNotFound(task_id.to_string()))?;
    let stamp = timestamp(now);
    let mut changes = Changes::default();
    let mut edits = Vec::new();
    if task.status != crate::Status::InProgress {
        edits.push(("status", Node::str("in_progress")));
    }
    if task.done_flag == Some(true) {
        edits.push(("done", Node::Scalar(Scalar::Bool(false))));
    }
    if !edits.is_empty() {
        edits.push(("updated_at", Node::str(stamp.clone())));
        changes.edit_task(workdir, &board, task, edits)?;
    }
    let mut waiting_again = Vec::new();
    for t in board.tasks.iter().filter(|t| t.depends_on.iter().any(|d| d == task_id) && !t.is_done()) {
        let not_started = matches!(t.status, crate::Status::Backlog | crate::Status::Planned | crate::Status::Ready);
        let marked_ready = t.status == crate::Status::Ready || t.ready_flag == Some(true);
        if !(not_started && marked_ready) {
            continue;
        }
        let mut edits = Vec::new();
        if t.status == crate::Status::Ready {
            edits.push(("status", Node::str("planned")));
        }
        if t.ready_flag == Some(true) {
            edits.push(("ready", Node::Scalar(Scalar::Bool(false))));
        }
        edits.push(("updated_at", Node::str(stamp.clone())));
        changes.edit_task(workdir, &board, t, edits)?;
        waiting_again.push(t.id.clone());
    }
    let changed_files = changes.write(workdir)?;
    Ok(ReopenOutcome { waiting_again, changed_files })
}

/// A value [`set_task_fields`] writes: text, or a true/false flag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaskField {
    /// A plain text value (`status: review`).
    Text(String),
    /// A flag (`done: true`).
    Flag(bool),
}

/// Sets some fields of one task and its `updated_at`, through the format-preserving editor:
/// comments, order and every other field are kept. Fields the task already has with the same
/// value are not rewritten; when nothing changes, nothing is written and the list is empty.
/// Returns the files written (the caller commits them). A task file with a problem is never
/// written.
pub fn set_task_fields(
    workdir: &Path,
    task_id: &str,
    fields: &[(&str, TaskField)],
    now: OffsetDateTime,
) -> Result<Vec<String>, BoardError> {
    let board = Board::load(workdir);
    let task = board.task(task_id).ok_or_else(|| BoardError::TaskNotFound(task_id.to_string()))?;
    let current = |name: &str| -> Option<TaskField> {
        match name {
            "status" => task.status_raw.clone().map(TaskField::Text),
            "done" => task.done_flag.map(TaskField::Flag),
            "ready" => task.ready_flag.map(TaskField::Flag),
            "feedback_file" => task.feedback_file.clone().map(TaskField::Text),
            "notes" => task.notes.clone().map(TaskField::Text),
            "handoff_from" => task.handoff_from.clone().map(TaskField::Text),
            _ => None,
        }
    };
    let mut edits: Vec<(&str, Node)> = Vec::new();
    for (name, value) in fields {
        if current(name).as_ref() == Some(value) {
            continue;
        }
        let node = match value {
            TaskField::Text(t) => Node::str(t.clone()),
            TaskField::Flag(b) => Node::Scalar(Scalar::Bool(*b)),
        };
        edits.push((name, node));
    }
    if edits.is_empty() {
        return Ok(Vec::new());
    }
    edits.push(("updated_at", Node::str(timestamp(now))));
    let mut changes = Changes::default();
    changes.edit_task(workdir, &board, task, edits)?;
    changes.write(workdir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_task_fields_keeps_the_file_and_skips_equal_values() {
        let dir = tempfile::tempdir().unwrap();
        let text = "# tasks\ntasks:\n  A:\n    status: ready  # next\n    odd_key: [1, 2]\n  B:\n    status: planned\n";
        std::fs::write(dir.path().join("task.yaml"), text).unwrap();
        let now = time::macros::datetime!(2026-11-20 10:00 UTC);
        let files = set_task_fields(
            dir.path(),
            "A",
            &[("status", TaskField::Text("review".into())), ("done", TaskField::Flag(false))],
            now,
        )
        .unwrap();
        assert_eq!(files, ["task.yaml"]);
        let after = std::fs::read_to_string(dir.path().join("task.yaml")).unwrap();
        assert!(
            after.starts_with("# tasks\ntasks:\n  A:\n    status: review  # next\n    odd_key: [1, 2]\n"),
            "{after}"
        );
        assert!(after.contains("    done: false\n") && after.contains("2026-11-20T10:00:00Z"), "{after}");
        assert!(after.ends_with("  B:\n    status: planned\n"), "{after}");
        // The same values again: nothing is written, not even updated_at.
        let later = time::macros::datetime!(2026-11-21 10:00 UTC);
        assert!(set_task_fields(dir.path(), "A", &[("status", TaskField::Text("review".into()))], later)
            .unwrap()
            .is_empty());
        assert_eq!(std::fs::read_to_string(dir.path().join("task.yaml")).unwrap(), after);
        assert!(matches!(set_task_fields(dir.path(), "Z", &[], now), Err(BoardError::TaskNotFound(_))));
        // A file with a problem is never written.
        std::fs::write(dir.path().join("task.yaml"), "tasks:\n  A:\n    status: [ready\n").unwrap();
        assert!(set_task_fields(dir.path(), "A", &[("status", TaskField::Text("done".into()))], now).is_err());
        assert_eq!(
            std::fs::read_to_string(dir.path().join("task.yaml")).unwrap(),
            "tasks:\n  A:\n    status: [ready\n"
        );
    }
}
