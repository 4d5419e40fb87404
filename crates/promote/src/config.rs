//! Per-repository promote settings, in `.patchdesk/config.yaml` of the working folder:
//!
//! ```yaml
//! promote:
//!   base: main                          # default: the remote's default branch
//!   branch_pattern: chatgpt/<pod>/<task_id>
//!   labels: ["pod:<pod>"]               # [] for none
//!   reviewers: [octo-lead]
//!   draft: false
//!   logs: [patch, metadata, trace_log, reasoning, changelog, prompt, handoff, metrics]
//! ```
//!
//! Every key is optional; other top-level keys of the file belong to other parts of Patchdesk
//! and are ignored here. `logs` lists which delivery logs go into the commit.

use serde::{Deserialize, Serialize};
use std::path::Path;

use crate::PromoteError;

/// Where the settings live, relative to the working folder.
pub const CONFIG_FILE: &str = ".patchdesk/config.yaml";

/// One kind of delivery log the promote commit can carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum LogChoice {
    /// The patch as received, at `.patches/<name>`.
    Patch,
    /// Its metadata, at `.logs/patches/<name>.json` (status promoted, branch, link).
    Metadata,
    /// An entry in `.logs/trace_log.md`.
    TraceLog,
    /// The pod's reasoning trace, at `.logs/reasoning/<task_id>.<ext>`.
    Reasoning,
    /// The pod's changelog, at `.logs/changelogs/<task_id>.<ext>`.
    Changelog,
    /// The prompt used, at `prompts/used/<Pod>/<task_id>_prompt.txt`.
    Prompt,
    /// Handoff notes, at `.logs/handoff_notes/<file>`.
    Handoff,
    /// `metrics/metrics.yaml`: the pod's patch count for the week.
    Metrics,
}

/// All logs, the default.
pub const ALL_LOGS: &[LogChoice] = &[
    LogChoice::Patch,
    LogChoice::Metadata,
    LogChoice::TraceLog,
    LogChoice::Reasoning,
    LogChoice::Changelog,
    LogChoice::Prompt,
    LogChoice::Handoff,
    LogChoice::Metrics,
];

/// Promote settings of one repository.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(default)]
pub struct PromoteConfig {
    /// Base branch; `None`: the remote's default branch.
    pub base: Option<String>,
    /// Branch name pattern with `<pod>`, `<task_id>`, `<category>`.
    pub branch_pattern: String,
    /// Labels, with `<pod>` replaced by the pod's short name.
    pub labels: Vec<String>,
    /// Logins asked to review.
    pub reviewers: Vec<String>,
    /// Open pull requests as drafts.
    pub draft: bool,
    /// Which delivery logs go into the commit.
    pub logs: Vec<LogChoice>,
}

impl Default for PromoteConfig {
    fn default() -> Self {
        PromoteConfig {
            base: None,
            branch_pattern: "chatgpt/<pod>/<task_id>".into(),
            labels: vec!["pod:<pod>".into()],
            reviewers: Vec::new(),
            draft: false,
            logs: ALL_LOGS.to_vec(),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
struct File {
    #[serde(default)]
    promote: Option<PromoteConfig>,
}

impl PromoteConfig {
    /// Reads the settings of the working folder `workdir`; defaults when the file or the
    /// `promote:` key is missing. An unreadable file is an error naming the line.
    pub fn load(workdir: &Path) -> Result<PromoteConfig, PromoteError> {
        let path = workdir.join(CONFIG_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(PromoteConfig::default()),
            Err(e) => return Err(PromoteError::Io { path: path.display().to_string(), detail: e.to_string() }),
        };
        if text.trim().is_empty() {
            return Ok(PromoteConfig::default());
        }
        let file: File = patchdesk_yaml::from_str(&text).map_err(|e| PromoteError::Config(format!("{CONFIG_FILE}: {e}")))?;
        Ok(file.promote.unwrap_or_default())
    }

    /// True when `log` goes into the commit.
    pub fn wants(&self, log: LogChoice) -> bool {
        self.logs.contains(&log)
    }
}
