//! The promote record: which steps of a promote are done, kept in the working folder's
//! Patchdesk area at `.patchdesk/promote/<item>.json` (the folder ignores itself for git).
//! It holds no secret: remote URLs are stored without credentials.

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

use crate::{PromoteError, Step, StepState};

/// Folder of promote records, relative to the working folder.
pub const RECORD_DIR: &str = ".patchdesk/promote";

/// One step as it last ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct StepRecord {
    /// Which step.
    pub step: Step,
    /// How it ended (or that it started and never ended: the app died).
    pub state: StepState,
    /// When (RFC 3339, UTC).
    pub at: String,
    /// Plain-words detail (an error message, "already on the remote").
    pub detail: String,
}

/// Everything a rerun needs to finish a promote with exactly one branch, commit and PR.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct PromoteRecord {
    /// Inbox item name.
    pub item: String,
    /// Remote URL (never with credentials).
    #[serde(default)]
    pub remote: String,
    /// The time the promote began (RFC 3339, UTC): the commit's date and the logs' date, so a
    /// rebuilt commit is byte-identical.
    #[serde(default)]
    pub started_at: String,
    /// Base branch.
    pub base: Option<String>,
    /// Work branch.
    pub branch: Option<String>,
    /// Pod short name (`dev`).
    pub pod: Option<String>,
    /// Base commit fetched from the remote.
    pub base_commit: Option<String>,
    /// The promote commit.
    pub commit: Option<String>,
    /// The commit is on the remote branch.
    #[serde(default)]
    pub pushed: bool,
    /// Pull request / review request number.
    pub review_number: Option<u64>,
    /// Its link.
    pub review_url: Option<String>,
    /// Labels and reviewers set, item marked promoted.
    #[serde(default)]
    pub finished: bool,
    /// Last outcome of each step.
    #[serde(default)]
    pub steps: Vec<StepRecord>,
    /// A sentence for the inbox: "Waiting to send: no network connection", or empty.
    #[serde(default)]
    pub status: String,
    /// The open review request this item updates (a revision adds a commit to its branch
    /// instead of opening a request of its own); `None` for an item that opened its own.
    #[serde(default)]
    pub revision_of: Option<u64>,
    /// Which version of that request this item is (2 for the first revision).
    #[serde(default)]
    pub revision: Option<u32>,
    /// The "Revision N from <Pod>" comment was written on the request.
    #[serde(default)]
    pub commented: bool,
}

impl PromoteRecord {
    pub(crate) fn new(item: &str, remote: &str, now: &str) -> PromoteRecord {
        PromoteRecord {
            item: item.to_string(),
            remote: remote.to_string(),
            started_at: now.to_string(),
            base: None,
            branch: None,
            pod: None,
            base_commit: None,
            commit: None,
            pushed: false,
            review_number: None,
            review_url: None,
            finished: false,
            steps: Vec::new(),
            status: String::new(),
            revision_of: None,
            revision: None,
            commented: false,
        }
    }

    pub(crate) fn mark(&mut self, step: Step, state: StepState, at: &str, detail: &str) {
        let rec = StepRecord { step, state, at: at.to_string(), detail: detail.to_string() };
        match self.steps.iter_mut().find(|s| s.step == step) {
            Some(s) => *s = rec,
            None => self.steps.push(rec),
        }
    }
}

/// A file-system-safe form of an item name.
pub(crate) fn file_stem(item: &str) -> String {
    let s: String =
        item.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') { c } else { '_' }).collect();
    let s = s.trim_start_matches('.').to_string();
    if s.is_empty() {
        "item".into()
    } else {
        s
    }
}

/// Where the record of `item` lives.
pub fn record_path(workdir: &Path, item: &str) -> PathBuf {
    workdir.join(RECORD_DIR).join(format!("{}.json", file_stem(item)))
}

/// Reads the record of `item`, if a promote of it was ever started.
pub fn load_record(workdir: &Path, item: &str) -> Result<Option<PromoteRecord>, PromoteError> {
    let path = record_path(workdir, item);
    match std::fs::read(&path) {
        Ok(bytes) => serde_json::from_slice(&bytes).map(Some).map_err(|e| PromoteError::Io {
            path: path.display().to_string(),
            detail: format!("the promote record is damaged ({e}); move it away to start over"),
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(PromoteError::Io { path: path.display().to_string(), detail: e.to_string() }),
    }
}

/// Every promote record of the working folder (a record that cannot be read is left out).
pub(crate) fn all_records(workdir: &Path) -> Vec<PromoteRecord> {
    let Ok(entries) = std::fs::read_dir(workdir.join(RECORD_DIR)) else { return Vec::new() };
    entries
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_str().is_some_and(|n| n.ends_with(".json") && !n.starts_with('.')))
        .filter_map(|e| std::fs::read(e.path()).ok())
        .filter_map(|b| serde_json::from_slice::<PromoteRecord>(&b).ok())
        .collect()
}

/// The review request of every item whose promote opened one, in item order, as opened (see
/// [`PromoteRecord::review`]). Revisions, which update another item's request, are not listed.
/// After a revision, `head` is the newest commit Patchdesk pushed to the request.
pub fn sent_reviews(workdir: &Path) -> Vec<crate::KnownReview> {
    let records = all_records(workdir);
    let mut out: Vec<crate::KnownReview> = records.iter().filter_map(|r| r.review()).collect();
    for k in &mut out {
        newest_head(&records, k);
    }
    out.sort_by(|a, b| a.item.cmp(&b.item));
    out
}

/// Points `known.head` at the newest commit Patchdesk pushed to its request: the commit of the
/// latest revision sent to it (from the same remote), when there is one.
pub(crate) fn newest_head(records: &[PromoteRecord], known: &mut crate::KnownReview) {
    let newest = records
        .iter()
        .filter(|r| r.revision_of == Some(known.number) && r.pushed && r.commit.is_some())
        .filter(|r| known.remote.as_deref().is_none_or(|url| url == r.remote))
        .max_by_key(|r| r.revision.unwrap_or(2));
    if let Some(r) = newest {
        known.head = r.commit.clone();
    }
}

/// Writes the record atomically through [`patchdesk_disk::replace_file`] (random temporary file,
/// fsync, rename; never through a link in the project).
pub(crate) fn save_record(workdir: &Path, rec: &PromoteRecord) -> Result<(), PromoteError> {
    let io = |p: String, e: patchdesk_disk::FileError| PromoteError::Io { path: p, detail: e.to_string() };
    let ignore = format!("{RECORD_DIR}/.gitignore");
    if patchdesk_disk::inspect(workdir, &ignore).map_err(|e| io(ignore.clone(), e))? == patchdesk_disk::Found::Nothing {
        patchdesk_disk::replace_file(
            workdir,
            &ignore,
            "# Patchdesk's promote records: local state, not for commits.\n*\n",
        )
        .map_err(|e| io(ignore.clone(), e))?;
    }
    let path = record_path(workdir, &rec.item);
    let rel = format!("{RECORD_DIR}/{}.json", file_stem(&rec.item));
    let bytes = serde_json::to_vec_pretty(rec)
        .map_err(|e| PromoteError::Io { path: path.display().to_string(), detail: e.to_string() })?;
    patchdesk_disk::replace_file(workdir, &rel, &bytes).map_err(|e| io(path.display().to_string(), e))
}
