//! What an apply run tells its caller (and the UI).

use patchdesk_error::{Code, Coded};
use patchdesk_patch::{ParseError, Repair, RiskyPath};
use serde::Serialize;

/// Overall result of applying a patch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Applied as written.
    Clean,
    /// Applied after repairs (damaged patch, moved hunks).
    Repaired,
    /// Applied with a clean 3-way merge.
    Merged,
    /// A 3-way merge left conflicts; no tree.
    Conflict,
    /// The patch does not fit the base; no tree.
    Refused,
}

/// What happened to one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum FileStatus {
    /// New file.
    Added,
    /// Content changed.
    Modified,
    /// Removed.
    Deleted,
    /// Moved (maybe edited).
    Renamed,
    /// Copied (maybe edited).
    Copied,
    /// Only the mode (executable bit) changed.
    Mode,
}

/// One file of the result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct FileReport {
    /// Path after the change (before, for deletions).
    pub path: String,
    /// Path before, for renames and copies.
    pub old_path: Option<String>,
    /// What happened.
    pub status: FileStatus,
    /// Lines added.
    pub added: u32,
    /// Lines removed.
    pub removed: u32,
}

/// Something that stopped (or nearly stopped) a file from applying.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct Problem {
    /// File concerned.
    pub path: Option<String>,
    /// 1-based hunk (or conflict) number.
    pub hunk: Option<u32>,
    /// Plain-words explanation.
    pub message: String,
    /// For conflicts: the base's version of the region.
    pub ours: Vec<String>,
    /// For conflicts: the patch's version of the region.
    pub theirs: Vec<String>,
}

impl Problem {
    pub(crate) fn new(path: Option<&str>, hunk: Option<u32>, message: impl Into<String>) -> Self {
        Problem { path: path.map(str::to_string), hunk, message: message.into(), ours: Vec::new(), theirs: Vec::new() }
    }
}

/// The full account of one apply run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct ApplyReport {
    /// Overall result.
    pub outcome: Outcome,
    /// The new tree (40 hex digits) when one was produced.
    pub tree: Option<String>,
    /// Per-file summary.
    pub files: Vec<FileReport>,
    /// Repairs made (reading and placing).
    pub repairs: Vec<Repair>,
    /// Why files did not apply, conflicts with both sides.
    pub problems: Vec<Problem>,
    /// Paths whose change needs a person's explicit "I understand" (workflows, submodules,
    /// Patchdesk's own folders, hooks, links, names differing only in case…). Not refusals.
    pub risks: Vec<RiskyPath>,
}

impl ApplyReport {
    /// The tree id, parsed.
    pub fn tree_id(&self) -> Option<git2::Oid> {
        self.tree.as_deref().and_then(|t| git2::Oid::from_str(t).ok())
    }
}

/// Bad input or a repository failure: nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    #[error("{0}")]
    Parse(#[from] ParseError),
    #[error("the base \"{0}\" is not a commit or tree in this repository")]
    BaseNotFound(String),
    #[error("{path}: {reason}")]
    UnsafePath { path: String, reason: String },
    #[error("git could not read or write objects: {0}")]
    Git(#[from] git2::Error),
}

impl Coded for ApplyError {
    fn code(&self) -> Code {
        match self {
            ApplyError::Parse(e) => e.code(),
            ApplyError::BaseNotFound(_) => Code::RevisionNotFound,
            ApplyError::UnsafePath { .. } => Code::UnsafePath,
            ApplyError::Git(_) => Code::Git,
        }
    }
}
