//! The delivery logs the seed system keeps inside a repository, read and written:
//!
//! * `.logs/trace_log.md`: one markdown entry per applied or promoted patch ([`trace`]);
//! * `metrics/metrics.yaml` (also found at `logs/metrics.yaml`): weekly counts per pod
//!   ([`metrics_file`]), edited through `patchdesk-yaml` so comments, order and unknown keys
//!   survive;
//! * `.logs/feedback/<task_id>.md`: review notes for the task's pod, and the "send it back"
//!   prompt built from them ([`feedback`]);
//! * [`compute_metrics`]: the numbers the metrics view shows, from all of the above plus the
//!   inbox metadata (`.logs/patches/*.json`) and the handoff log.
//!
//! Writers have a pure core: `add_trace_entry`, `add_rejection` and `count_metrics_event` take
//! the old text (and the time, and the pods) and give the new text (a [`FileChange`]), so a
//! caller holding the text elsewhere (a commit) uses them without a folder. `plan_*` reads the
//! old text from a folder and calls them; `record_*` also writes the file, through the one
//! atomic writer (`patchdesk-disk`). Nothing here commits; callers commit the
//! files they get back. A file that cannot be read or edited safely is never written.

pub mod compute;
pub mod feedback;
pub mod metrics_file;
pub mod trace;

pub use compute::{compute_metrics, LeadTime, Metrics, MetricsProblem, PodMetrics, PodWeek};
pub use feedback::{
    add_rejection, feedback_path, plan_rejection, read_feedback, record_rejection, send_back_prompt, FeedbackNote,
    Rejection,
};
pub use metrics_file::{
    count_metrics_event, iso_week, metrics_path, metrics_path_among, plan_metrics, record_metrics, MetricsEvent,
    METRICS_FILE, METRICS_FILE_OLD,
};
pub use trace::{
    add_trace_entry, parse_trace_log, plan_trace_entry, read_trace_log, record_trace_entry, TraceEntry, TRACE_LOG,
};

use patchdesk_error::{Code, Coded};
use std::path::Path;

/// Errors of the log writers and readers. Messages are plain sentences naming the file.
#[derive(Debug, thiserror::Error)]
pub enum LogsError {
    /// The file is not valid, or this change cannot be made without touching other parts of
    /// it. Nothing was written.
    #[error("{0}")]
    Invalid(String),
    /// A name that cannot be used as a file name (a task id with `/` or `..`).
    #[error("{0}")]
    BadName(String),
    /// Reading or writing a file failed.
    #[error("Could not {action} {path}: {reason}")]
    Io { action: &'static str, path: String, reason: String },
    /// The file, or a folder on the way, is a link or not a plain file. Nothing was written.
    #[error("{0}")]
    Unsafe(String),
}

impl From<patchdesk_disk::FileError> for LogsError {
    fn from(e: patchdesk_disk::FileError) -> Self {
        match e {
            patchdesk_disk::FileError::Io { action, path, reason } => LogsError::Io { action, path, reason },
            other => LogsError::Unsafe(other.to_string()),
        }
    }
}

impl Coded for LogsError {
    fn code(&self) -> Code {
        match self {
            LogsError::Invalid(_) => Code::TaskFileInvalid,
            LogsError::BadName(_) => Code::UnsafePath,
            LogsError::Io { .. } => Code::Io,
            LogsError::Unsafe(_) => Code::UnsafePath,
        }
    }
}

/// The new full text of one file, relative to the repository, not yet written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileChange {
    /// Path relative to the repository, with `/` separators.
    pub path: String,
    /// The complete new content.
    pub text: String,
}

impl FileChange {
    /// Writes the file through [`patchdesk_disk::replace_file`] (a random temporary file beside
    /// it, then a rename; folders made as needed; never through a link).
    pub fn write(&self, workdir: &Path) -> Result<(), LogsError> {
        Ok(patchdesk_disk::replace_file(workdir, &self.path, &self.text)?)
    }
}

/// Reads `rel` as UTF-8 text; `Ok(None)` when it does not exist. A log that is a link, or sits
/// in a linked folder, is refused.
pub(crate) fn read_optional(workdir: &Path, rel: &str) -> Result<Option<String>, LogsError> {
    match patchdesk_disk::read_file(workdir, rel)? {
        Some(bytes) => String::from_utf8(bytes)
            .map(Some)
            .map_err(|_| LogsError::Invalid(format!("{rel} is not UTF-8 text; Patchdesk does not change it"))),
        None => Ok(None),
    }
}

/// One line of text: newlines and tabs become spaces, so a value can never start a new
/// markdown entry.
pub(crate) fn one_line(s: &str) -> String {
    let joined: Vec<&str> = s.split(['\n', '\r', '\t']).map(str::trim).filter(|p| !p.is_empty()).collect();
    joined.join(" ")
}

/// `2026-11-19 14:03 UTC` from a time.
pub(crate) fn human_time(now: time::OffsetDateTime) -> String {
    let t = now.to_offset(time::UtcOffset::UTC);
    format!("{:04}-{:02}-{:02} {:02}:{:02} UTC", t.year(), u8::from(t.month()), t.day(), t.hour(), t.minute())
}
