//! `.logs/feedback/<task_id>.md`: what the lead said when a patch was sent back, kept for the
//! pod, and the "send back to the pod" prompt built from it.
//!
//! ```markdown
//! # Review feedback for F2.2
//!
//! ## 2026-11-19 14:03 UTC — patch_20261118_101500_F2.2.diff was sent back
//!
//! - Time: 2026-11-19T14:03:00Z
//! - Patch: patch_20261118_101500_F2.2.diff
//! - Reviewer: Dana
//!
//! > The fallback must go back one stage, not to stage 1.
//! ```
//!
//! The note is quoted line by line, so whatever it contains cannot break the file's structure.

use crate::{human_time, one_line, read_optional, FileChange, LogsError};
use serde::Serialize;
use std::path::Path;
use time::OffsetDateTime;

/// A patch sent back to its pod.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rejection {
    pub task_id: String,
    /// The patch's name (`patch_20261118_101500_F2.2.diff`).
    pub patch: String,
    /// What the reviewer wants changed, in their words.
    pub note: String,
    pub reviewer: Option<String>,
}

/// One note read back from a feedback file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, specta::Type)]
pub struct FeedbackNote {
    pub at: Option<String>,
    pub patch: Option<String>,
    pub reviewer: Option<String>,
    pub note: String,
}

/// `.logs/feedback/<task_id>.md`, refusing ids that are not a plain file name.
pub fn feedback_path(task_id: &str) -> Result<String, LogsError> {
    let id = task_id.trim();
    let plain = !id.is_empty()
        && id != "."
        && id != ".."
        && !id.starts_with('.')
        && !id.contains(['/', '\\', '\0', ':', '\n', '\r']);
    if !plain {
        return Err(LogsError::BadName(format!(
            "\"{task_id}\" cannot be used as a file name for feedback; nothing was written"
        )));
    }
    Ok(format!(".logs/feedback/{id}.md"))
}

/// The feedback file with this rejection appended: old text in (`None` when there is no file
/// yet; it is created with a title), new text out, nothing read or written.
pub fn add_rejection(old: Option<&str>, rejection: &Rejection, now: OffsetDateTime) -> Result<FileChange, LogsError> {
    let path = feedback_path(&rejection.task_id)?;
    let mut text =
        old.map(str::to_string).unwrap_or_else(|| format!("# Review feedback for {}\n", one_line(&rejection.task_id)));
    if !text.ends_with('\n') {
        text.push('\n');
    }
    let patch = one_line(&rejection.patch);
    let shown = if patch.is_empty() { "The patch".to_string() } else { patch.clone() };
    text.push_str(&format!("\n## {} — {shown} was sent back\n\n", human_time(now)));
    text.push_str(&format!("- Time: {}\n", patchdesk_board::timestamp(now)));
    if !patch.is_empty() {
        text.push_str(&format!("- Patch: {patch}\n"));
    }
    if let Some(r) = rejection.reviewer.as_deref().map(one_line).filter(|r| !r.is_empty()) {
        text.push_str(&format!("- Reviewer: {r}\n"));
    }
    text.push('\n');
    let note = rejection.note.trim();
    let note = if note.is_empty() { "(no note was given)" } else { note };
    for line in note.lines() {
        let line = line.trim_end();
        text.push_str(if line.is_empty() { ">" } else { "> " });
        text.push_str(line);
        text.push('\n');
    }
    Ok(FileChange { path, text })
}

/// [`add_rejection`] on the task's feedback file in `workdir`; the file is not written.
pub fn plan_rejection(workdir: &Path, rejection: &Rejection, now: OffsetDateTime) -> Result<FileChange, LogsError> {
    let old = read_optional(workdir, &feedback_path(&rejection.task_id)?)?;
    add_rejection(old.as_deref(), rejection, now)
}

/// [`plan_rejection`], then writes the file. Returns the path written.
pub fn record_rejection(workdir: &Path, rejection: &Rejection, now: OffsetDateTime) -> Result<String, LogsError> {
    let change = plan_rejection(workdir, rejection, now)?;
    change.write(workdir)?;
    Ok(change.path)
}

/// Every note in the task's feedback file, oldest first; none when there is no file.
pub fn read_feedback(workdir: &Path, task_id: &str) -> Result<Vec<FeedbackNote>, LogsError> {
    let path = feedback_path(task_id)?;
    Ok(read_optional(workdir, &path)?.map(|t| parse_feedback(&t)).unwrap_or_default())
}

fn parse_feedback(text: &str) -> Vec<FeedbackNote> {
    let mut notes: Vec<FeedbackNote> = Vec::new();
    let mut quoted: Vec<String> = Vec::new();
    let mut plain: Vec<String> = Vec::new();
    let finish = |notes: &mut Vec<FeedbackNote>, quoted: &mut Vec<String>, plain: &mut Vec<String>| {
        if let Some(n) = notes.last_mut() {
            let body = if quoted.is_empty() { plain.join("\n") } else { quoted.join("\n") };
            n.note = body.trim().to_string();
        }
        quoted.clear();
        plain.clear();
    };
    for line in text.lines() {
        if line.starts_with("## ") {
            finish(&mut notes, &mut quoted, &mut plain);
            notes.push(FeedbackNote::default());
            continue;
        }
        let Some(note) = notes.last_mut() else { continue };
        if let Some(q) = line.strip_prefix("> ").or_else(|| (line == ">").then_some("")) {
            quoted.push(q.to_string());
            continue;
        }
        if let Some((key, value)) = line.strip_prefix("- ").and_then(|i| i.split_once(':')) {
            let value = value.trim().to_string();
            match key.trim().to_ascii_lowercase().as_str() {
                "time" | "date" => {
                    note.at = Some(value);
                    continue;
                }
                "patch" => {
                    note.patch = Some(value);
                    continue;
                }
                "reviewer" => {
                    note.reviewer = Some(value);
                    continue;
                }
                _ => {}
            }
        }
        plain.push(line.to_string());
    }
    finish(&mut notes, &mut quoted, &mut plain);
    notes
}

/// The prompt that sends a task back to its pod: the latest note in full, earlier notes as
/// reminders, and what to hand over next. Built from the task's feedback file; an error when
/// the file holds no note.
pub fn send_back_prompt(workdir: &Path, task_id: &str) -> Result<String, LogsError> {
    let notes = read_feedback(workdir, task_id)?;
    let Some((latest, earlier)) = notes.split_last() else {
        return Err(LogsError::Invalid(format!("There is no review feedback for task {task_id} yet.")));
    };
    let task = one_line(task_id);
    let patch =
        latest.patch.as_deref().map(|p| format!("Your patch {p}")).unwrap_or_else(|| "Your last patch".to_string());
    let mut out = format!("{patch} for task {task} was reviewed and sent back.\n\n");
    match latest.reviewer.as_deref() {
        Some(r) => out.push_str(&format!("What {r} asked for:\n")),
        None => out.push_str("What the reviewer asked for:\n"),
    }
    for line in latest.note.lines() {
        out.push_str(&format!("> {line}\n").replace("> \n", ">\n"));
    }
    if !earlier.is_empty() {
        out.push_str("\nEarlier feedback on this task (still applies unless the note above says otherwise):\n");
        for n in earlier {
            let when = n.at.as_deref().and_then(|a| a.get(..10)).unwrap_or("earlier");
            let first = n.note.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("");
            out.push_str(&format!("- {when}: {first}\n"));
        }
    }
    out.push_str(&format!(
        "\nPlease make a corrected version starting from the current files, and hand over a new patch (a git diff) for task {task} with a short summary of what you changed.\n"
    ));
    Ok(out)
}
