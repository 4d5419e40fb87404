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

use patchdesk_error::{Code, Coded};

/// The settings file cannot be read, or a setting in it cannot be used. The sentence names the
/// file (and the line, when the YAML is damaged).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub String);

impl Coded for ConfigError {
    fn code(&self) -> Code {
        Code::SettingsInvalid
    }
}

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

/// What the project lets pods send, under `review:` in the settings file:
///
/// ```yaml
/// review:
///   allow_links: true   # pods may add links (symbolic links) inside the project
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(default)]
pub struct ReviewPolicy {
    /// Pods may add or change links (symbolic links) that stay inside the project. Off by
    /// default: a pod has no reason to send one, and a link can point anywhere.
    pub allow_links: bool,
}

impl ReviewPolicy {
    /// Reads the policy of the working folder `workdir`; defaults when the file or the
    /// `review:` key is missing.
    pub fn load(workdir: &Path) -> Result<ReviewPolicy, ConfigError> {
        Ok(read_file(workdir)?.review.unwrap_or_default())
    }

    /// The apply engine's setting for links.
    pub fn links(&self) -> patchdesk_apply::Links {
        if self.allow_links {
            patchdesk_apply::Links::Allow
        } else {
            patchdesk_apply::Links::Refuse
        }
    }
}

#[derive(Debug, Default, Deserialize)]
struct File {
    #[serde(default)]
    promote: Option<PromoteConfig>,
    #[serde(default)]
    review: Option<ReviewPolicy>,
}

/// The settings file, read without following links; empty when it is missing.
fn read_file(workdir: &Path) -> Result<File, ConfigError> {
    let text = match patchdesk_board::read_text_file(workdir, CONFIG_FILE) {
        Ok(Some(t)) => t,
        Ok(None) => return Ok(File::default()),
        Err(e) => return Err(ConfigError(e.to_string())),
    };
    if text.trim().is_empty() {
        return Ok(File::default());
    }
    patchdesk_yaml::from_str(&text).map_err(|e| ConfigError(format!("{CONFIG_FILE}: {e}")))
}

impl PromoteConfig {
    /// Reads the settings of the working folder `workdir`; defaults when the file or the
    /// `promote:` key is missing. An unreadable file is an error naming the line.
    pub fn load(workdir: &Path) -> Result<PromoteConfig, ConfigError> {
        Ok(read_file(workdir)?.promote.unwrap_or_default())
    }

    /// True when `log` goes into the commit.
    pub fn wants(&self, log: LogChoice) -> bool {
        self.logs.contains(&log)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A damaged project settings file is named as settings, not as a task file.
    #[test]
    fn a_damaged_settings_file_is_settings_invalid() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(".patchdesk")).unwrap();
        std::fs::write(dir.path().join(CONFIG_FILE), "promote: [unclosed\n").unwrap();
        let e = PromoteConfig::load(dir.path()).unwrap_err();
        assert_eq!(e.code(), Code::SettingsInvalid, "{e}");
        assert!(e.to_string().contains(CONFIG_FILE), "{e}");
    }
}
