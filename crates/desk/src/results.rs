//! A task's result logged (the seed's `log_result.py`): its status and `updated_at` in the task
//! file, an entry in `.logs/trace_log.md`, the metrics counted when it is done, the lead's note
//! in `.logs/feedback/<task>.md` — all one commit on the current branch, like every board change.

use patchdesk_board::{Board, TaskField};
use patchdesk_error::{Code, UserError};
use patchdesk_logs::{MetricsEvent, TraceEntry};
use patchdesk_project::record;
use serde::Serialize;
use std::path::Path;
use time::OffsetDateTime;

/// The longest note taken, in characters.
pub const MAX_NOTE_CHARS: usize = 20_000;

/// What [`log_result`] recorded.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Logged {
    pub task: String,
    /// The status now written (`done`, `review`…).
    pub status: String,
    /// Tasks that became ready because this one is done.
    pub unlocked: Vec<String>,
    /// Files in the commit, relative to the repository.
    pub changed_files: Vec<String>,
    /// The commit (`HEAD`'s when nothing changed).
    pub commit: String,
    /// False when everything was already so: nothing was committed.
    pub new: bool,
}

/// `raw` as one of the board's six statuses (any spelling the board reads), or a refusal naming them.
pub fn parse_status(raw: &str) -> Result<patchdesk_board::Status, UserError> {
    let status = patchdesk_board::Status::normalise(raw);
    let said_backlog = raw.trim().eq_ignore_ascii_case("backlog");
    if status == patchdesk_board::Status::Backlog && !said_backlog {
        let shown: String = raw.chars().take(40).flat_map(char::escape_default).collect();
        return Err(UserError::new(
            Code::InputInvalid,
            format!("\"{shown}\" is not a task status Patchdesk knows; use backlog, planned, ready, in_progress, review or done."),
        ));
    }
    Ok(status)
}

/// The feedback file with the lead's `note` on the task's result appended.
fn add_note(old: Option<&str>, task: &str, status: &str, note: &str, now: OffsetDateTime) -> String {
    let mut text = old.map(str::to_string).unwrap_or_else(|| format!("# Review feedback for {task}\n"));
    if !text.ends_with('\n') {
        text.push('\n');
    }
    let stamp = patchdesk_board::timestamp(now);
    text.push_str(&format!("\n## {stamp} — result logged: {status}\n\n- Time: {stamp}\n- Status: {status}\n\n"));
    for line in note.trim().lines() {
        let line = line.trim_end();
        text.push_str(if line.is_empty() { ">" } else { "> " });
        text.push_str(line);
        text.push('\n');
    }
    text
}

/// Logs the result of task `task_id`: status (and `done: true` plus the tasks it unlocks when
/// done), `updated_at`, a trace-log entry, the metrics when done, `note` in the task's feedback
/// file; then one commit of exactly those files. Refuses, changing nothing, for an unknown task
/// or status, a note that is too long, or a repository that cannot take the commit now.
pub fn log_result(
    workdir: &Path,
    task_id: &str,
    status: &str,
    note: Option<&str>,
    now: OffsetDateTime,
) -> Result<Logged, UserError> {
    let status = parse_status(status)?;
    let note = note.map(str::trim).filter(|n| !n.is_empty());
    if note.is_some_and(|n| n.chars().count() > MAX_NOTE_CHARS) {
        return Err(UserError::new(
            Code::InputTooLarge,
            format!("The note is longer than {MAX_NOTE_CHARS} characters; write the details in a file in the project and point to it."),
        ));
    }
    let repo = record::open_repository(workdir).map_err(UserError::from)?;
    let board = Board::load(workdir);
    let Some(task) = board.task(task_id) else {
        return Err(UserError::from(&patchdesk_board::BoardError::TaskNotFound(task_id.to_string())));
    };
    if let Some(p) = board.problems.iter().find(|p| p.path == task.source.file) {
        return Err(UserError::new(
            Code::TaskFileInvalid,
            format!("{} — Patchdesk does not change a file it cannot read; nothing was changed.", p.message),
        ));
    }
    let task = task.clone();
    let feedback = patchdesk_logs::feedback_path(&task.id).map_err(|e| UserError::from(&e))?;
    let metrics = patchdesk_logs::metrics_path(workdir);
    let mut files: Vec<String> = board.tasks.iter().map(|t| t.source.file.clone()).collect();
    files.extend([patchdesk_logs::TRACE_LOG.to_string(), metrics.to_string(), feedback.clone()]);
    files.sort();
    files.dedup();
    let refs: Vec<&str> = files.iter().map(String::as_str).collect();
    let checked =
        record::check_can_commit(&repo, &refs, &format!("log the result of {}", task.id)).map_err(UserError::from)?;

    let written = (|| -> Result<(Vec<String>, Vec<String>), UserError> {
        let board_err = |e: patchdesk_board::BoardError| UserError::from(&e);
        let logs_err = |e: patchdesk_logs::LogsError| UserError::from(&e);
        let mut changed = Vec::new();
        let mut unlocked = Vec::new();
        if status == patchdesk_board::Status::Done && task.done {
            // Already done: nothing to change on the board.
        } else if status == patchdesk_board::Status::Done {
            let done = patchdesk_board::complete_task(workdir, &task.id, now).map_err(board_err)?;
            changed.extend(done.changed_files);
            unlocked = done.unlocked;
        } else {
            let mut fields = vec![("status", TaskField::Text(status.as_str().to_string()))];
            if task.done_flag == Some(true) {
                fields.push(("done", TaskField::Flag(false)));
            }
            changed.extend(patchdesk_board::set_task_fields(workdir, &task.id, &fields, now).map_err(board_err)?);
        }
        if changed.is_empty() && note.is_none() {
            return Ok((changed, unlocked));
        }
        let summary = match note {
            Some(n) => format!("status {} — {}", status.as_str(), n.lines().next().unwrap_or_default()),
            None => format!("status {}", status.as_str()),
        };
        let entry =
            TraceEntry { task_id: Some(task.id.clone()), summary, pod: task.pod.clone(), ..TraceEntry::default() };
        changed.extend(patchdesk_logs::record_trace_entry(workdir, &entry, now).map_err(logs_err)?);
        if status == patchdesk_board::Status::Done {
            let pod = task.pod.clone().unwrap_or_else(|| "Human".into());
            let event = MetricsEvent::Merged { pod, feature: Some(task.id.clone()) };
            changed.extend(patchdesk_logs::record_metrics(workdir, &event, now).map_err(logs_err)?);
        }
        if let Some(n) = note {
            let old = patchdesk_disk::read_text_file(workdir, &feedback)
                .map_err(|e| UserError::new(Code::UnsafePath, e.to_string()))?;
            let text = add_note(old.as_deref(), &task.id, status.as_str(), n, now);
            patchdesk_disk::replace_file(workdir, &feedback, text)
                .map_err(|e| UserError::new(Code::Io, e.to_string()))?;
            changed.push(feedback.clone());
        }
        Ok((changed, unlocked))
    })();
    let (changed, unlocked) = match written {
        Ok(w) => w,
        Err(e) => {
            let _ = record::restore(&repo, &checked);
            return Err(e);
        }
    };
    let refs: Vec<&str> = changed.iter().map(String::as_str).collect();
    let message = format!("Log {}: {}\n", task.id, status.as_str());
    let recorded = if changed.is_empty() {
        None
    } else {
        match record::record_checked_paths(&repo, &refs, &message, &checked) {
            Ok(r) => Some(r),
            Err(e) => {
                let _ = record::restore(&repo, &checked);
                return Err(UserError::from(e));
            }
        }
    };
    let head = || repo.head().ok().and_then(|h| h.target()).map(|o| o.to_string()).unwrap_or_default();
    Ok(Logged {
        task: task.id.clone(),
        status: status.as_str().to_string(),
        unlocked,
        new: recorded.is_some_and(|r| r.created),
        commit: recorded.map(|r| r.commit.to_string()).unwrap_or_else(head),
        changed_files: changed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_in_any_spelling_and_unknown_ones_refused() {
        assert_eq!(parse_status("Done").unwrap(), patchdesk_board::Status::Done);
        assert_eq!(parse_status("in-progress").unwrap(), patchdesk_board::Status::InProgress);
        assert_eq!(parse_status("backlog").unwrap(), patchdesk_board::Status::Backlog);
        assert_eq!(parse_status("shipped!").unwrap_err().code, Code::InputInvalid);
    }

    #[test]
    fn a_note_is_quoted_so_it_cannot_break_the_file() {
        let now = time::macros::datetime!(2026-11-30 15:00 UTC);
        let text = add_note(None, "F2.1", "done", "Good.\n## not a heading", now);
        assert!(text.starts_with("# Review feedback for F2.1\n"), "{text}");
        assert!(text.contains("> Good.\n> ## not a heading\n"), "{text}");
    }
}
