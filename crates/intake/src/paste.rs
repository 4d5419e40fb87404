//! A chat answer pasted instead of saved: read like a download, named like one
//! (`patch_<YYYYMMDD_HHMMSS>_<task>.txt`) and stored in the inbox at once, so nothing is lost
//! if the app closes. Every refusal is one sentence about "the pasted text".

use crate::error::IntakeError;
use crate::kind::{looks_binary, DiffFlavor, Kind};
use crate::limits::{human_bytes, Budget};
use crate::name::parse_name;
use crate::queue::{InboxItem, Queue};
use patchdesk_error::Code;
use serde::Serialize;
use time::OffsetDateTime;

/// What Patchdesk recognised in a pasted text, before it is added.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct PastePreview {
    /// What it is (a patch flavour, an OpenAI patch, edit blocks, whole files, a batch…).
    pub kind: Kind,
    /// In plain words: "OpenAI patch, 2 files".
    pub description: String,
    /// The files it changes, as the pod wrote them (checked), in order.
    pub paths: Vec<String>,
    /// The task the text names ("Task: F2.1"), when it names exactly one.
    pub task_id: Option<String>,
}

/// The word the inbox uses for an item of this kind: "Patch", "OpenAI patch", "Edit blocks",
/// "Whole files", "ZIP bundle", "Batch of files".
pub fn kind_label(kind: Kind) -> &'static str {
    match kind {
        Kind::Diff { flavor: DiffFlavor::OpenAiPatch } => "OpenAI patch",
        Kind::Diff { flavor: DiffFlavor::EditBlocks } => "Edit blocks",
        Kind::Diff { flavor: DiffFlavor::WholeFiles } => "Whole files",
        Kind::Diff { flavor: DiffFlavor::Mbox } => "Patch series",
        Kind::Diff { .. } => "Patch",
        Kind::Bundle => "ZIP bundle",
        Kind::Batch => "Batch of files",
        Kind::Sidecar => "Patch details",
        Kind::Log { .. } => "Pod log",
    }
}

fn refusal(code: Code, message: impl Into<String>) -> IntakeError {
    IntakeError::Paste { code, message: message.into() }
}

/// The name a paste is stored under when it shows no name of its own.
const PASTED: &str = "pasted.txt";

impl Queue {
    /// Reads a pasted text the way an import would (same recognition, same path checks and
    /// budgets) and says what it is; nothing is written.
    pub fn recognise_paste(&self, text: &[u8]) -> Result<PastePreview, IntakeError> {
        if text.iter().all(|b| b.is_ascii_whitespace()) {
            return Err(refusal(
                Code::EmptyInput,
                "There is no text to add: the clipboard is empty. Copy the pod's answer in the chat first.",
            ));
        }
        let max = u64::from(self.limits().max_input_bytes);
        if text.len() as u64 > max {
            return Err(refusal(
                Code::InputTooLarge,
                format!(
                    "The pasted text is {}, more than the {} Patchdesk takes from one answer; ask the pod for a ZIP bundle instead.",
                    human_bytes(text.len() as u64),
                    human_bytes(max)
                ),
            ));
        }
        if looks_binary(text) {
            return Err(refusal(
                Code::PatchUnreadable,
                "The pasted text holds binary data, not a chat answer; copy the pod's answer as text.",
            ));
        }
        let mut budget = Budget::for_drop(self.limits());
        let (kind, paths) = match self.check_one(PASTED, text, &mut budget) {
            Ok(found) => found,
            Err(e) => return Err(pasted_words(e)),
        };
        if !kind.is_patch() {
            return Err(not_a_change());
        }
        let files = match paths.len() {
            1 => "1 file".to_string(),
            n => format!("{n} files"),
        };
        Ok(PastePreview {
            kind,
            description: format!("{}, {files}", kind_label(kind)),
            paths,
            task_id: task_named_in(text),
        })
    }

    /// Adds a pasted chat answer to the inbox as `patch_<YYYYMMDD_HHMMSS>_<task>.txt` (`now`
    /// gives the time, in UTC). The task is `task` when given, else the one the text names;
    /// with neither, the paste is refused and the caller asks for the task. Returns the new item.
    pub fn paste(&self, text: &[u8], task: Option<&str>, now: OffsetDateTime) -> Result<InboxItem, IntakeError> {
        let named = match task.map(str::trim).filter(|t| !t.is_empty()) {
            Some(_) => None,
            None => self.recognise_paste(text)?.task_id,
        };
        self.paste_as(text, task.or(named.as_deref()), now)
    }

    /// Adds a pasted chat answer under `task` only (the text's own naming is not read): with no
    /// task, the paste is refused with the sentence that asks the lead to choose one.
    pub fn paste_as(&self, text: &[u8], task: Option<&str>, now: OffsetDateTime) -> Result<InboxItem, IntakeError> {
        self.recognise_paste(text)?;
        let Some(task) = task.map(str::trim).filter(|t| !t.is_empty()).map(str::to_string) else {
            return Err(refusal(
                Code::TaskNotFound,
                "The pasted answer does not name its task; choose the task it is for.",
            ));
        };
        let name = crate::name::patch_file_name(now, &task, "txt");
        // The name must read back as this task (no folders, no odd characters in the id).
        if task.len() > 200 || parse_name(&name).task_id.as_deref() != Some(task.as_str()) || name.contains(['/', '\\'])
        {
            return Err(refusal(
                Code::TaskNotFound,
                format!(
                    "\"{}\" is not a task id Patchdesk can file an answer under; choose a task from the board.",
                    task.escape_debug()
                ),
            ));
        }
        let report = self.import(&[(name, text.to_vec())]);
        if let Some(r) = report.refused.into_iter().next() {
            return Err(refusal(r.error.code, r.error.message));
        }
        if let Some(d) = report.already_imported.into_iter().next() {
            return Err(refusal(
                Code::AlreadyImported,
                format!("This answer is already in the inbox, as \"{}\"; nothing was added.", d.item.name),
            ));
        }
        report.imported.into_iter().next().ok_or_else(not_a_change)
    }
}

fn not_a_change() -> IntakeError {
    refusal(
        Code::PatchUnreadable,
        "The pasted text holds no change Patchdesk can read (a patch, an OpenAI patch, edit blocks, or whole files named by a path); copy the pod's whole answer.",
    )
}

/// A refusal of the import check, said about "the pasted answer".
fn pasted_words(e: IntakeError) -> IntakeError {
    let code = patchdesk_error::Coded::code(&e);
    match e {
        IntakeError::Unreadable { reason, .. } if reason.starts_with("Patchdesk does not recognise it") => {
            not_a_change()
        }
        IntakeError::Unreadable { reason, .. } | IntakeError::UnsafePath { reason, .. } => {
            refusal(code, format!("The pasted answer cannot be used: {}", finished(&reason)))
        }
        IntakeError::TooLarge { detail, .. } => {
            refusal(code, format!("The pasted answer is too large: {}", finished(&detail)))
        }
        other => other,
    }
}

fn finished(s: &str) -> String {
    if s.ends_with('.') {
        s.to_string()
    } else {
        format!("{s}.")
    }
}

/// The task a chat answer names on a line of its own ("Task: F2.1", "**Task ID:** `F2.1`",
/// `"task_id": "F2.1"`), when it names exactly one; `None` when it names none or several.
pub fn task_named_in(text: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(&text[..text.len().min(1 << 20)]);
    let mut found: Option<String> = None;
    for line in text.lines().take(20_000) {
        let line = line.trim_start_matches(|c: char| {
            c.is_whitespace() || matches!(c, '#' | '*' | '-' | '>' | '"' | '`' | '_' | '{' | ',')
        });
        let lower = line.to_ascii_lowercase();
        let rest = ["task_id", "task id", "task-id", "task"]
            .iter()
            .find_map(|w| lower.strip_prefix(w).map(|r| &line[line.len() - r.len()..]));
        let Some(rest) = rest else { continue };
        // "Task: F2.1", not "Tasks are…" or "task at hand".
        let after = rest.trim_start_matches(['*', '"', '`', '_']);
        let Some(value) = after.strip_prefix(':').or_else(|| after.strip_prefix(" #")) else { continue };
        let value = value.trim_start_matches(|c: char| c.is_whitespace() || matches!(c, '*' | '"' | '`' | '_' | '#'));
        let id: String =
            value.chars().take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')).collect();
        let id = id.trim_end_matches(['.', '-', '_']).to_string();
        if id.is_empty() || !id.bytes().any(|b| b.is_ascii_digit()) || id.len() > 200 {
            continue;
        }
        match &found {
            Some(f) if *f != id => return None,
            _ => found = Some(id),
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_task_an_answer_names() {
        assert_eq!(task_named_in(b"Task: F2.1\n*** Begin Patch\n").as_deref(), Some("F2.1"));
        assert_eq!(
            task_named_in(b"**Task ID:** `2.3_build_metrics_tool`\n").as_deref(),
            Some("2.3_build_metrics_tool")
        );
        assert_eq!(task_named_in(b"{\"task_id\": \"F3.1\", \"summary\": \"x\"}\n").as_deref(), Some("F3.1"));
        assert_eq!(task_named_in(b"## Task #F1.2.\n").as_deref(), Some("F1.2"));
        assert_eq!(task_named_in(b"Task: F2.1\nTask: F2.1\n").as_deref(), Some("F2.1"));
        // Several different tasks, or none: the lead chooses.
        assert_eq!(task_named_in(b"Task: F2.1\nTask: F3.1\n"), None);
        assert_eq!(task_named_in(b"Tasks are hard.\nThe task at hand: none\ntask: tbd\n"), None);
        assert_eq!(task_named_in(b"*** Begin Patch\n*** End Patch\n"), None);
    }

    #[test]
    fn labels_in_plain_words() {
        assert_eq!(kind_label(Kind::Diff { flavor: DiffFlavor::Git }), "Patch");
        assert_eq!(kind_label(Kind::Diff { flavor: DiffFlavor::Chat }), "Patch");
        assert_eq!(kind_label(Kind::Diff { flavor: DiffFlavor::OpenAiPatch }), "OpenAI patch");
        assert_eq!(kind_label(Kind::Diff { flavor: DiffFlavor::EditBlocks }), "Edit blocks");
        assert_eq!(kind_label(Kind::Diff { flavor: DiffFlavor::WholeFiles }), "Whole files");
    }
}
