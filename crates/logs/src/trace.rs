//! `.logs/trace_log.md`: a chronological markdown log, one entry per applied or promoted patch.
//!
//! Patchdesk writes entries like this (newest last):
//!
//! ```markdown
//! ## 2026-11-19 14:03 UTC — F2.2: Stage guidance with a symptom fallback
//!
//! - Time: 2026-11-19T14:03:00Z
//! - Pod: DevPod
//! - Patch: .patches/patch_20261118_101500_F2.2.diff
//! - Branch: chatgpt/dev/f2.2
//! - Pull request: https://github.com/acme/rtp/pull/7
//! - Repairs: 2
//! - Files changed:
//!   - src/rtp/guidance.py
//! ```
//!
//! Reading is lenient: any `## ` heading starts an entry, and hand-written entries give what
//! they have (a date in the heading, `- Key: value` lines).

use crate::{one_line, read_optional, FileChange, LogsError};
use serde::Serialize;
use std::path::Path;
use time::OffsetDateTime;

/// The trace log, relative to the repository.
pub const TRACE_LOG: &str = ".logs/trace_log.md";

/// One applied or promoted patch.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, specta::Type)]
pub struct TraceEntry {
    /// When, as `2026-11-19T14:03:00Z` (a bare date for hand-written entries).
    pub at: Option<String>,
    pub task_id: Option<String>,
    pub summary: String,
    pub pod: Option<String>,
    /// The patch file (`.patches/<name>`).
    pub patch: Option<String>,
    pub branch: Option<String>,
    /// The pull request's address, when known.
    pub pr: Option<String>,
    /// How many repairs the patch needed before it applied, when known.
    pub repairs: Option<u32>,
    /// Files the patch changed.
    pub files: Vec<String>,
}

fn header() -> String {
    "# Trace log\n\nOne entry per applied patch, newest last.\n".to_string()
}

/// The markdown of one entry (starting with a blank line, ending with a newline).
fn render(entry: &TraceEntry, now: OffsetDateTime) -> String {
    let mut title = String::new();
    if let Some(task) = entry.task_id.as_deref().map(one_line).filter(|t| !t.is_empty()) {
        title.push_str(&task);
        title.push_str(": ");
    }
    let summary = one_line(&entry.summary);
    title.push_str(if summary.is_empty() { "patch applied" } else { &summary });
    let at = entry.at.clone().unwrap_or_else(|| patchdesk_board::timestamp(now));
    let mut out = format!("\n## {} — {title}\n\n- Time: {}\n", crate::human_time(now), one_line(&at));
    let mut field = |name: &str, value: &Option<String>| {
        if let Some(v) = value.as_deref().map(one_line).filter(|v| !v.is_empty()) {
            out.push_str(&format!("- {name}: {v}\n"));
        }
    };
    field("Pod", &entry.pod);
    field("Patch", &entry.patch);
    field("Branch", &entry.branch);
    field("Pull request", &entry.pr);
    field("Repairs", &entry.repairs.map(|r| r.to_string()));
    if !entry.files.is_empty() {
        out.push_str("- Files changed:\n");
        for f in &entry.files {
            out.push_str(&format!("  - {}\n", one_line(f)));
        }
    }
    out
}

/// The new text of the trace log with `entry` appended: old text in (`None` when there is no
/// log yet; it is created with a short header), new text out, nothing read or written. `None`
/// when an entry for the same patch is already there, so recording a patch twice adds nothing.
/// `entry.at` defaults to `now`.
pub fn add_trace_entry(old: Option<&str>, entry: &TraceEntry, now: OffsetDateTime) -> Option<FileChange> {
    if let (Some(text), Some(patch)) = (old, entry.patch.as_deref().map(one_line)) {
        if parse_trace_log(text).iter().any(|e| e.patch.as_deref() == Some(patch.as_str())) {
            return None;
        }
    }
    let mut text = old.map(str::to_string).unwrap_or_else(header);
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str(&render(entry, now));
    Some(FileChange { path: TRACE_LOG.to_string(), text })
}

/// [`add_trace_entry`] on the trace log in `workdir`; the file is not written.
pub fn plan_trace_entry(
    workdir: &Path,
    entry: &TraceEntry,
    now: OffsetDateTime,
) -> Result<Option<FileChange>, LogsError> {
    let old = read_optional(workdir, TRACE_LOG)?;
    Ok(add_trace_entry(old.as_deref(), entry, now))
}

/// [`plan_trace_entry`], then writes the file. Returns the path written, if any.
pub fn record_trace_entry(
    workdir: &Path,
    entry: &TraceEntry,
    now: OffsetDateTime,
) -> Result<Option<String>, LogsError> {
    match plan_trace_entry(workdir, entry, now)? {
        Some(change) => {
            change.write(workdir)?;
            Ok(Some(change.path))
        }
        None => Ok(None),
    }
}

/// Every entry of the trace log; a missing log has none.
pub fn read_trace_log(workdir: &Path) -> Result<Vec<TraceEntry>, LogsError> {
    Ok(read_optional(workdir, TRACE_LOG)?.map(|t| parse_trace_log(&t)).unwrap_or_default())
}

/// Reads entries back from the log's text. Never fails: lines it does not understand are skipped.
pub fn parse_trace_log(text: &str) -> Vec<TraceEntry> {
    let mut entries: Vec<TraceEntry> = Vec::new();
    let mut in_files = false;
    for raw in text.lines() {
        let line = raw.trim_end();
        if let Some(heading) = line.strip_prefix("## ") {
            entries.push(from_heading(heading));
            in_files = false;
            continue;
        }
        let Some(entry) = entries.last_mut() else { continue };
        if in_files {
            if let Some(file) = line.strip_prefix("  - ").or_else(|| line.strip_prefix("    - ")) {
                entry.files.push(file.trim().trim_matches('`').to_string());
                continue;
            }
            in_files = false;
        }
        let Some(item) = line.strip_prefix("- ").or_else(|| line.strip_prefix("* ")) else { continue };
        let Some((key, value)) = item.split_once(':') else { continue };
        let value = value.trim().trim_matches('`').to_string();
        let some = || (!value.is_empty()).then(|| value.clone());
        match key.trim().to_ascii_lowercase().as_str() {
            "time" | "timestamp" | "date" => entry.at = some().or(entry.at.take()),
            "pod" => entry.pod = some(),
            "patch" | "patch file" => entry.patch = some(),
            "branch" => entry.branch = some(),
            "pull request" | "pr" => entry.pr = some(),
            "task" | "task id" => entry.task_id = some(),
            "summary" => entry.summary = value.clone(),
            "repairs" => entry.repairs = value.parse().ok(),
            "files changed" | "files" => {
                in_files = value.is_empty();
                if !value.is_empty() {
                    entry.files.extend(
                        value.split(',').map(|f| f.trim().trim_matches('`').to_string()).filter(|f| !f.is_empty()),
                    );
                }
            }
            _ => {}
        }
    }
    entries
}

/// `2026-11-19 14:03 UTC — F2.2: summary`, or anything else a person wrote.
fn from_heading(heading: &str) -> TraceEntry {
    let mut entry = TraceEntry::default();
    let (when, rest) = match heading.split_once(" — ").or_else(|| heading.split_once(" - ")) {
        Some((w, r)) if first_date(w).is_some() => (Some(w), r),
        _ => (None, heading),
    };
    entry.at = when.and_then(first_date).or_else(|| first_date(heading));
    match rest.split_once(": ") {
        Some((task, summary)) if !task.contains(' ') => {
            entry.task_id = Some(task.to_string());
            entry.summary = summary.trim().to_string();
        }
        _ => entry.summary = rest.trim().to_string(),
    }
    entry
}

/// The first `YYYY-MM-DD` in a text.
fn first_date(s: &str) -> Option<String> {
    let b = s.as_bytes();
    (0..b.len().saturating_sub(9)).find_map(|i| {
        let w = &b[i..i + 10];
        let digits = |r: std::ops::Range<usize>| w[r].iter().all(u8::is_ascii_digit);
        (digits(0..4) && w[4] == b'-' && digits(5..7) && w[7] == b'-' && digits(8..10))
            .then(|| s[i..i + 10].to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_written_by_people_still_give_a_date_and_task() {
        let e = from_heading("2025-04-22 — 2.3_build_metrics_tool: Added metrics tracker logic");
        assert_eq!(e.at.as_deref(), Some("2025-04-22"));
        assert_eq!(e.task_id.as_deref(), Some("2.3_build_metrics_tool"));
        assert_eq!(e.summary, "Added metrics tracker logic");
        let e = from_heading("Patch for the parser (2025-04-19)");
        assert_eq!(e.at.as_deref(), Some("2025-04-19"));
        assert_eq!(e.task_id, None);
        assert_eq!(first_date("no date"), None);
        assert_eq!(first_date("é2025-01-0"), None);
    }
}
