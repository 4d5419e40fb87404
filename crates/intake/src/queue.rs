//! The inbox, stored the seed's way inside a repository's working folder:
//!
//! - `.patches/queue/<name>`: the patch as dropped (a diff, a ZIP bundle or a batch JSON);
//! - `.patches/queue/<name>.logs/…`: logs dropped with it;
//! - `.logs/patches/<stem>.json`: its metadata: the pod's sidecar with every field kept (or
//!   one written from the file name), plus Patchdesk's own fields under the `"patchdesk"` key;
//! - `.patches/<name>`: where a promoted patch goes.
//!
//! Writes are atomic (temporary file, then link or rename in the same folder), never replace
//! a different existing file, and nothing is written when any dropped file is refused.

use crate::batch::{read_batch_with, Batch};
use crate::bundle::{read_bundle_with, read_bundle_within, Bundle};
use crate::error::IntakeError;
use crate::input::{check_input, read_input};
use crate::kind::{identify_with, is_os_junk, sketch_diff, Kind, LogKind};
use crate::limits::{Budget, Limits};
use crate::name::{parse_name, split_extension, strip_duplicate_marker, task_from_branch, NameInfo};
use crate::sidecar::Sidecar;
use patchdesk_clock::{Clock, SystemClock};
use patchdesk_error::UserError;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// Where an inbox item is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
#[specta(rename = "InboxStatus")]
pub enum Status {
    /// Dropped, waiting for review.
    Queued,
    /// Looked at by the lead.
    Reviewed,
    /// Turned down.
    Rejected,
    /// Moved to `.patches/` and turned into a pull request.
    Promoted,
    /// Its pull request was merged.
    Merged,
}

/// A log that travels with an inbox item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct LogRef {
    /// Which log.
    pub kind: LogKind,
    /// Its file name in the item's `.logs` folder, or its path inside the ZIP bundle.
    pub name: String,
    /// True when the log is inside the item's ZIP bundle rather than stored next to it.
    pub in_bundle: bool,
    /// Where it is, relative to the working folder (for a bundle log: the ZIP's path).
    #[serde(default)]
    pub location: String,
}

/// One inbox item, as the UI lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct InboxItem {
    /// The stored file name: the item's id (unique in the inbox).
    pub name: String,
    /// The file name as it was dropped.
    pub file_name: String,
    /// Where the patch is, relative to the working folder (`.patches/queue/<name>` or `.patches/<name>`).
    pub path: String,
    /// Where its metadata is, relative to the working folder (`.logs/patches/<stem>.json`).
    pub metadata_path: String,
    /// Task id: from the metadata, else from the file name, else from the branch name.
    pub task_id: Option<String>,
    /// Feature of a `gpt_patch_<feature>.diff` name.
    pub feature: Option<String>,
    /// Pod, when the metadata or a path names one.
    pub pod: Option<String>,
    /// One-line summary: the pod's, else one made from the content.
    pub summary: Option<String>,
    /// Branch the pod proposed (`branch_name`, or a batch's `branch`).
    pub branch: Option<String>,
    /// When the pod made it, from the file name (`YYYY-MM-DDTHH:MM:SS`).
    pub timestamp: Option<String>,
    /// When Patchdesk received it (RFC 3339, UTC).
    pub received_at: String,
    /// Where it is in its life.
    pub status: Status,
    /// Diff, bundle or batch.
    pub kind: Kind,
    /// SHA-256 of the stored bytes, hex.
    pub sha256: String,
    /// Size of the stored file in bytes.
    pub size: u32,
    /// Logs that came with it.
    pub logs: Vec<LogRef>,
    /// Why the item can't be read (too large, a link, not a plain file, gone), in one
    /// sentence; `None` when it can. Such an item is listed, never opened.
    #[serde(default)]
    pub unreadable: Option<String>,
}

/// A dropped file whose exact bytes are already in the inbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct Duplicate {
    /// The dropped file's name.
    pub file_name: String,
    /// The item that already holds these bytes.
    pub item: InboxItem,
}

/// A sidecar or log stored with a patch of the same drop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct Attached {
    /// The dropped file's name.
    pub file_name: String,
    /// The inbox item it was stored with.
    pub to: String,
    /// What it is.
    pub kind: Kind,
}

/// A sidecar or log that was not stored: no patch of the drop could be matched to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct Unmatched {
    /// The dropped file's name.
    pub file_name: String,
    /// What it is.
    pub kind: Kind,
    /// Why it was not stored, in plain words.
    pub reason: String,
}

/// A dropped file that was refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct Refusal {
    /// The dropped file's name.
    pub file_name: String,
    /// Why, with its code.
    pub error: UserError,
}

/// What an import did, file by file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, specta::Type)]
pub struct ImportReport {
    /// New inbox items.
    pub imported: Vec<InboxItem>,
    /// Files whose bytes were already in the inbox (nothing written for them).
    pub already_imported: Vec<Duplicate>,
    /// Sidecars and logs stored with a patch.
    pub attached: Vec<Attached>,
    /// Sidecars and logs that were not stored.
    pub unmatched: Vec<Unmatched>,
    /// OS clutter skipped (`.DS_Store`, `Thumbs.db`, `desktop.ini`, `__MACOSX`).
    pub ignored: Vec<String>,
    /// Files refused. When this is not empty, nothing at all was written.
    pub refused: Vec<Refusal>,
    /// Good files not written because another file of the same drop was refused.
    pub held_back: Vec<String>,
}

impl ImportReport {
    /// True when nothing was refused.
    pub fn is_clean(&self) -> bool {
        self.refused.is_empty()
    }
}

/// Paths involved in promoting an item, absolute.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct PromotePaths {
    /// Where the patch is now.
    #[specta(type = String)]
    pub current: PathBuf,
    /// Where the promoted copy goes: `.patches/<name>`.
    #[specta(type = String)]
    pub promoted: PathBuf,
    /// Its logs folder now (may not exist).
    #[specta(type = String)]
    pub current_logs: PathBuf,
    /// Its logs folder once promoted: `.patches/<name>.logs`.
    #[specta(type = String)]
    pub promoted_logs: PathBuf,
    /// Its metadata file (stays where it is).
    #[specta(type = String)]
    pub metadata: PathBuf,
}

/// Patchdesk's own fields, kept under the `"patchdesk"` key of the metadata JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct OwnFields {
    name: String,
    status: Status,
    sha256: String,
    received_at: String,
    source_name: String,
    kind: Kind,
    #[serde(default)]
    size: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    task_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pod: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    feature: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    timestamp: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    summary: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    branch: Option<String>,
    #[serde(default)]
    logs: Vec<LogRef>,
    #[serde(default)]
    history: Vec<StatusChange>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct StatusChange {
    status: Status,
    at: String,
}

const OWN_KEY: &str = "patchdesk";
const QUEUE_DIR: &str = ".patches/queue";
const PROMOTED_DIR: &str = ".patches";
const META_DIR: &str = ".logs/patches";
const LOGS_SUFFIX: &str = ".logs";
/// Largest metadata file read (a sidecar is a few hundred bytes).
const MAX_METADATA_BYTES: u64 = 8 << 20;

/// The inbox of one working folder.
#[derive(Debug, Clone)]
pub struct Queue {
    workdir: PathBuf,
    limits: Limits,
    /// Stamps imports and status changes.
    clock: Arc<dyn Clock>,
}

/// A dropped file after checking.
struct Dropped<'a> {
    file_name: &'a str,
    bytes: &'a [u8],
    kind: Kind,
    name: NameInfo,
    content: Content,
}

enum Content {
    Diff,
    /// A chat answer in another shape (OpenAI patch, edit blocks, whole files): the paths it
    /// names, checked at import.
    Answer(Vec<String>),
    Bundle(Box<Bundle>),
    Batch(Batch),
    Sidecar(Sidecar),
    Log(LogKind),
}

impl Queue {
    /// Opens the inbox of `workdir` (a repository's working folder) with default [`Limits`].
    /// Nothing is created until the first import.
    pub fn open(workdir: impl AsRef<Path>) -> Result<Queue, IntakeError> {
        Queue::open_with(workdir, Limits::default())
    }

    /// Opens the inbox of `workdir` with the given limits.
    pub fn open_with(workdir: impl AsRef<Path>, limits: Limits) -> Result<Queue, IntakeError> {
        let workdir = workdir.as_ref().to_path_buf();
        let meta = fs::metadata(&workdir).map_err(|e| IntakeError::io("open the folder", &workdir, e))?;
        if !meta.is_dir() {
            return Err(IntakeError::io(
                "open the folder",
                &workdir,
                io::Error::new(io::ErrorKind::NotADirectory, "it is not a folder"),
            ));
        }
        Ok(Queue { workdir, limits, clock: Arc::new(SystemClock) })
    }

    /// The same inbox, stamping imports and status changes with `clock`'s time (the desk's
    /// clock; a [`patchdesk_clock::TestClock`] in tests).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Queue {
        self.clock = clock;
        self
    }

    /// Now, as the inbox writes it.
    fn stamp(&self) -> String {
        patchdesk_clock::rfc3339(self.clock.now())
    }

    /// The working folder.
    pub fn workdir(&self) -> &Path {
        &self.workdir
    }

    /// The limits in use.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Imports dropped files (`(file name, bytes)`). Every file is checked before anything is
    /// written; if any is refused, nothing is written. Sidecars and logs are stored with the
    /// patch they belong to (same name, same task id, or the only patch of the drop).
    /// Bytes already in the inbox are reported as already imported and not written again.
    pub fn import(&self, files: &[(String, Vec<u8>)]) -> ImportReport {
        self.import_within(files, ImportReport::default(), &mut Budget::for_drop(&self.limits), false)
    }

    /// Reads dropped files from disk (see [`read_input`]: plain files only, never through a
    /// link, never past the limits of one file and of the whole drop) and imports them together
    /// like [`Queue::import`]. A file that cannot be read is refused, and then nothing is written.
    pub fn import_paths(&self, paths: &[PathBuf]) -> ImportReport {
        let mut report = ImportReport::default();
        let mut budget = Budget::for_drop(&self.limits);
        let max_input = u64::from(self.limits.max_input_bytes);
        let mut files = Vec::with_capacity(paths.len());
        for path in paths {
            let file_name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| path.display().to_string());
            if is_os_junk(&file_name) {
                report.ignored.push(file_name);
                continue;
            }
            let limit = max_input.min(budget.bytes_left());
            let read = match read_input(path, limit) {
                Err(IntakeError::TooLarge { file, .. })
                    if limit < max_input && check_input(path, max_input).is_ok() =>
                {
                    Err(IntakeError::TooLarge { file, detail: budget.spend_bytes(u64::MAX).unwrap_err() })
                }
                other => other,
            };
            match read.and_then(|bytes| {
                budget.spend_bytes(bytes.len() as u64).map_err(|why| IntakeError::too_large(&file_name, why))?;
                Ok(bytes)
            }) {
                Ok(bytes) => files.push((file_name, bytes)),
                Err(e) => report.refused.push(Refusal { file_name, error: UserError::from(&e) }),
            }
        }
        if !report.refused.is_empty() {
            report.held_back = files.into_iter().map(|(n, _)| n).collect();
            return report;
        }
        // The bytes were spent while reading: only what they unpack to is left to count.
        self.import_within(&files, report, &mut budget, true)
    }

    /// Checks and stores one drop; `bytes_counted`: the files' own bytes are already spent.
    fn import_within(
        &self,
        files: &[(String, Vec<u8>)],
        mut report: ImportReport,
        budget: &mut Budget,
        bytes_counted: bool,
    ) -> ImportReport {
        let mut dropped = Vec::new();
        for (file_name, bytes) in files {
            if is_os_junk(file_name) {
                report.ignored.push(file_name.clone());
                continue;
            }
            let spent = if bytes_counted { Ok(()) } else { budget.spend_bytes(bytes.len() as u64) };
            let checked = spent
                .and_then(|_| budget.spend_file())
                .map_err(|why| IntakeError::too_large(&crate::kind::display_name(file_name), why))
                .and_then(|_| self.check(file_name, bytes, budget));
            match checked {
                Ok(d) => dropped.push(d),
                Err(e) => report.refused.push(Refusal { file_name: file_name.clone(), error: UserError::from(&e) }),
            }
        }
        if !report.refused.is_empty() {
            report.held_back = dropped.iter().map(|d| d.file_name.to_string()).collect();
            return report;
        }

        let patches: Vec<usize> = (0..dropped.len()).filter(|&i| dropped[i].kind.is_patch()).collect();
        let (sidecar_of, logs_of) = match_companions(&dropped, &patches, &mut report);

        let mut known = match self.known_hashes() {
            Ok(k) => k,
            Err(e) => {
                report.refused.push(Refusal { file_name: "(inbox)".into(), error: UserError::from(&e) });
                report.held_back = dropped.iter().map(|d| d.file_name.to_string()).collect();
                return report;
            }
        };
        for &p in &patches {
            let d = &dropped[p];
            let sha = hex::encode(Sha256::digest(d.bytes));
            if let Some(existing) = known.get(&sha) {
                report.already_imported.push(Duplicate { file_name: d.file_name.to_string(), item: existing.clone() });
                for &c in sidecar_of.get(&p).into_iter().chain(logs_of.get(&p).into_iter().flatten()) {
                    report.unmatched.push(Unmatched {
                        file_name: dropped[c].file_name.to_string(),
                        kind: dropped[c].kind,
                        reason: format!(
                            "it came with \"{}\", which was imported before; nothing was changed",
                            d.file_name
                        ),
                    });
                }
                continue;
            }
            let sidecar = sidecar_of.get(&p).map(|&i| &dropped[i]);
            let logs: Vec<&Dropped> =
                logs_of.get(&p).map(|v| v.iter().map(|&i| &dropped[i]).collect()).unwrap_or_default();
            match self.store(d, &sha, sidecar, &logs) {
                Ok(item) => {
                    for c in sidecar.into_iter().chain(logs.iter().copied()) {
                        report.attached.push(Attached {
                            file_name: c.file_name.to_string(),
                            to: item.name.clone(),
                            kind: c.kind,
                        });
                    }
                    known.insert(sha, item.clone());
                    report.imported.push(item);
                }
                Err(e) => {
                    report.refused.push(Refusal { file_name: d.file_name.to_string(), error: UserError::from(&e) })
                }
            }
        }
        report
    }

    /// Every item in the inbox (queued and promoted), newest first. Patches placed by hand the
    /// seed's way (a file in `.patches/queue/`, maybe a sidecar in `.logs/patches/`) are listed
    /// too, as queued.
    pub fn list(&self) -> Result<Vec<InboxItem>, IntakeError> {
        let mut items = Vec::new();
        for (dir, default_status) in [(QUEUE_DIR, Status::Queued), (PROMOTED_DIR, Status::Promoted)] {
            if self.through_link(dir) {
                continue; // never listed through a link
            }
            let full = self.workdir.join(dir);
            let entries = match fs::read_dir(&full) {
                Ok(e) => e,
                Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
                Err(e) => return Err(IntakeError::io("read the folder", full, e)),
            };
            let mut names: Vec<String> = Vec::new();
            for entry in entries {
                let entry = entry.map_err(|e| IntakeError::io("read the folder", &full, e))?;
                let Ok(name) = entry.file_name().into_string() else { continue };
                let is_file = entry.file_type().map(|t| t.is_file()).unwrap_or(false);
                if is_file && !name.starts_with(".patchdesk-tmp-") && !name.starts_with('.') {
                    names.push(name);
                }
            }
            for name in names {
                // One bad item never stops the listing: it is listed as one that can't be read.
                match self.load(dir, &name, default_status) {
                    Ok(Some(item)) => items.push(item),
                    Ok(None) => {}
                    Err(e) => items.push(self.unreadable_item(dir, &name, default_status, e.to_string())),
                }
            }
        }
        items.sort_by(|a, b| {
            let ta = OffsetDateTime::parse(&a.received_at, &Rfc3339).ok();
            let tb = OffsetDateTime::parse(&b.received_at, &Rfc3339).ok();
            tb.cmp(&ta).then_with(|| a.name.cmp(&b.name))
        });
        Ok(items)
    }

    /// One item by its name.
    pub fn get(&self, name: &str) -> Result<InboxItem, IntakeError> {
        let dir = self.locate(name)?;
        let default = if dir == QUEUE_DIR { Status::Queued } else { Status::Promoted };
        self.load(dir, name, default)?.ok_or_else(|| IntakeError::NotFound { name: name.to_string() })
    }

    /// The item's full metadata: the pod's fields and Patchdesk's under `"patchdesk"` (in `extra`).
    pub fn metadata(&self, name: &str) -> Result<Sidecar, IntakeError> {
        let item = self.get(name)?;
        let (sidecar, _) = self.read_meta(&item.name)?;
        Ok(sidecar.unwrap_or_else(|| Sidecar::from_map(serde_json::Map::new())))
    }

    /// The stored bytes of an item (the diff, ZIP or batch JSON as dropped): a plain file of at
    /// most [`Limits::max_input_bytes`], never read through a link.
    pub fn read_bytes(&self, name: &str) -> Result<Vec<u8>, IntakeError> {
        let dir = self.locate(name)?;
        read_input(&self.workdir.join(dir).join(name), u64::from(self.limits.max_input_bytes))
    }

    /// The bytes of one of the item's logs (stored next to it, or inside its ZIP bundle).
    pub fn read_log(&self, name: &str, log: &LogRef) -> Result<Vec<u8>, IntakeError> {
        let dir = self.locate(name)?;
        if log.in_bundle {
            let bytes = self.read_bytes(name)?;
            let bundle = read_bundle_with(name, &bytes, &self.limits)?;
            return bundle
                .logs
                .into_iter()
                .find(|l| l.path == log.name)
                .map(|l| l.text.into_bytes())
                .ok_or_else(|| IntakeError::NotFound { name: format!("{name}: {}", log.name) });
        }
        if log.name.contains(['/', '\\']) || log.name.starts_with('.') {
            return Err(IntakeError::NotFound { name: format!("{name}: {}", log.name) });
        }
        let logs_dir = format!("{dir}/{name}{LOGS_SUFFIX}");
        if self.through_link(&logs_dir) {
            return Err(IntakeError::NotFound { name: format!("{name}: {}", log.name) });
        }
        read_input(&self.workdir.join(logs_dir).join(&log.name), u64::from(self.limits.max_input_bytes))
    }

    /// Sets an item's status, keeping every other field of its metadata.
    pub fn set_status(&self, name: &str, status: Status) -> Result<InboxItem, IntakeError> {
        let item = self.get(name)?;
        let (sidecar, own) = self.read_meta(&item.name)?;
        let mut own = own.unwrap_or_else(|| own_fields_of(&item));
        own.status = status;
        own.history.push(StatusChange { status, at: self.stamp() });
        let sidecar = sidecar.unwrap_or_else(|| Sidecar::from_map(serde_json::Map::new()));
        self.write_meta(&item.name, sidecar, &own, true)?;
        self.get(name)
    }

    /// Where an item's promoted copy goes (`.patches/<name>`) and where it is now.
    pub fn promote_paths(&self, name: &str) -> Result<PromotePaths, IntakeError> {
        let dir = self.locate(name)?;
        let current = self.workdir.join(dir).join(name);
        Ok(PromotePaths {
            current_logs: self.workdir.join(dir).join(format!("{name}{LOGS_SUFFIX}")),
            current,
            promoted: self.workdir.join(PROMOTED_DIR).join(name),
            promoted_logs: self.workdir.join(PROMOTED_DIR).join(format!("{name}{LOGS_SUFFIX}")),
            metadata: self.workdir.join(meta_rel(name)),
        })
    }

    /// Moves an item from `.patches/queue/` to `.patches/` (with its logs) and marks it
    /// promoted. Refuses to replace a different file already at the destination.
    pub fn promote(&self, name: &str) -> Result<InboxItem, IntakeError> {
        let paths = self.promote_paths(name)?;
        if paths.current != paths.promoted {
            self.refuse_links(name)?;
            let bytes = read_input(&paths.current, u64::from(self.limits.max_input_bytes))?;
            let dir = self.workdir.join(PROMOTED_DIR);
            match publish_new(&dir, name, &bytes) {
                Ok(true) => {}
                Ok(false) => {
                    let there = fs::read(&paths.promoted).map_err(|e| IntakeError::io("read", &paths.promoted, e))?;
                    if there != bytes {
                        return Err(IntakeError::io(
                            "promote to",
                            &paths.promoted,
                            io::Error::new(
                                io::ErrorKind::AlreadyExists,
                                "a different file with that name is already there",
                            ),
                        ));
                    }
                }
                Err(e) => return Err(IntakeError::io("write", &paths.promoted, e)),
            }
            if paths.current_logs.is_dir() && !paths.promoted_logs.exists() {
                fs::rename(&paths.current_logs, &paths.promoted_logs)
                    .map_err(|e| IntakeError::io("move", &paths.current_logs, e))?;
            }
            fs::remove_file(&paths.current).map_err(|e| IntakeError::io("remove", &paths.current, e))?;
        }
        self.set_status(name, Status::Promoted)
    }

    // ---- checking

    /// Checks one file like an import does: its kind and the paths it writes.
    pub(crate) fn check_one(
        &self,
        file_name: &str,
        bytes: &[u8],
        budget: &mut Budget,
    ) -> Result<(Kind, Vec<String>), IntakeError> {
        let d = self.check(file_name, bytes, budget)?;
        Ok((d.kind, touched_paths(&d)))
    }

    fn check<'a>(&self, file_name: &'a str, bytes: &'a [u8], budget: &mut Budget) -> Result<Dropped<'a>, IntakeError> {
        let kind = identify_with(file_name, bytes, &self.limits)?;
        let content = match kind {
            Kind::Diff { flavor } if flavor.is_answer() => {
                Content::Answer(check_answer(file_name, bytes, &self.limits)?)
            }
            Kind::Diff { .. } => {
                check_diff_paths(file_name, bytes)?;
                Content::Diff
            }
            Kind::Bundle => {
                let mut bundle = read_bundle_within(file_name, bytes, &self.limits, budget)?;
                // Only paths, metadata and logs are needed from here on: the stored ZIP is the
                // dropped bytes. Letting the unpacked files go keeps one drop's memory small.
                for f in &mut bundle.files {
                    f.content = Vec::new();
                }
                Content::Bundle(Box::new(bundle))
            }
            Kind::Batch => {
                let batch = read_batch_with(file_name, bytes, &self.limits)?;
                for _ in &batch.files {
                    budget
                        .spend_file()
                        .map_err(|why| IntakeError::too_large(&crate::kind::display_name(file_name), why))?;
                }
                Content::Batch(batch)
            }
            Kind::Sidecar => Content::Sidecar(Sidecar::from_json(&crate::kind::display_name(file_name), bytes)?),
            Kind::Log { log } => Content::Log(log),
        };
        Ok(Dropped { file_name, bytes, kind, name: parse_name(file_name), content })
    }

    // ---- storing

    fn store(
        &self,
        d: &Dropped,
        sha: &str,
        sidecar: Option<&Dropped>,
        logs: &[&Dropped],
    ) -> Result<InboxItem, IntakeError> {
        self.refuse_links(&crate::kind::display_name(d.file_name))?;
        let queue_dir = self.workdir.join(QUEUE_DIR);
        let meta_dir = self.workdir.join(META_DIR);
        for dir in [&queue_dir, &meta_dir] {
            fs::create_dir_all(dir).map_err(|e| IntakeError::io("create the folder", dir, e))?;
        }
        let base = safe_file_name(&d.name.clean_name, "patch");
        // Claim a name: the patch file itself is published without replacing anything.
        let mut name = None;
        for n in 1..=1000u32 {
            let candidate = numbered(&base, n);
            let taken = self.workdir.join(PROMOTED_DIR).join(&candidate).exists()
                || self.workdir.join(meta_rel(&candidate)).exists()
                || queue_dir.join(format!("{candidate}{LOGS_SUFFIX}")).exists();
            if taken {
                continue;
            }
            match publish_new(&queue_dir, &candidate, d.bytes) {
                Ok(true) => {
                    name = Some(candidate);
                    break;
                }
                Ok(false) => continue,
                Err(e) => return Err(IntakeError::io("write", queue_dir.join(&candidate), e)),
            }
        }
        let Some(name) = name else {
            return Err(IntakeError::io(
                "find a free name in",
                queue_dir,
                io::Error::new(io::ErrorKind::AlreadyExists, "every name tried is taken"),
            ));
        };
        let undo = |name: &str| {
            let _ = fs::remove_file(queue_dir.join(name));
            let _ = fs::remove_dir_all(queue_dir.join(format!("{name}{LOGS_SUFFIX}")));
        };
        match self.store_rest(d, sha, &name, sidecar, logs) {
            Ok(()) => self.get(&name),
            Err(e) => {
                undo(&name);
                Err(e)
            }
        }
    }

    fn store_rest(
        &self,
        d: &Dropped,
        sha: &str,
        name: &str,
        sidecar: Option<&Dropped>,
        logs: &[&Dropped],
    ) -> Result<(), IntakeError> {
        let mut log_refs = Vec::new();
        if !logs.is_empty() {
            let dir = self.workdir.join(QUEUE_DIR).join(format!("{name}{LOGS_SUFFIX}"));
            fs::create_dir(&dir).map_err(|e| IntakeError::io("create the folder", &dir, e))?;
            for log in logs {
                let Content::Log(kind) = log.content else { continue };
                let base = safe_file_name(&log.name.clean_name, "log.txt");
                let mut stored = None;
                for n in 1..=1000u32 {
                    let candidate = numbered(&base, n);
                    match publish_new(&dir, &candidate, log.bytes) {
                        Ok(true) => {
                            stored = Some(candidate);
                            break;
                        }
                        Ok(false) => continue,
                        Err(e) => return Err(IntakeError::io("write", dir.join(&candidate), e)),
                    }
                }
                let stored = stored.ok_or_else(|| {
                    IntakeError::io(
                        "write",
                        &dir,
                        io::Error::new(io::ErrorKind::AlreadyExists, "every name tried is taken"),
                    )
                })?;
                log_refs.push(LogRef { kind, name: stored, in_bundle: false, location: String::new() });
            }
        }
        if let Content::Bundle(b) = &d.content {
            for l in &b.logs {
                log_refs.push(LogRef { kind: l.kind, name: l.path.clone(), in_bundle: true, location: String::new() });
            }
        }

        // The metadata: the pod's sidecar if one came, else the bundle's, else one from the name.
        let pod_sidecar = match sidecar.map(|s| &s.content) {
            Some(Content::Sidecar(s)) => Some(s.clone()),
            _ => match &d.content {
                Content::Bundle(b) => b.metadata.clone(),
                _ => None,
            },
        };
        let paths = touched_paths(d);
        let derived_summary = derived_summary(d, &paths);
        let branch = pod_sidecar.as_ref().and_then(|s| s.branch_name.clone()).or_else(|| {
            if let Content::Batch(b) = &d.content {
                b.branch.clone()
            } else {
                None
            }
        });
        let task_id = pod_sidecar
            .as_ref()
            .and_then(|s| s.task_id.clone())
            .or_else(|| d.name.task_id.clone())
            .or_else(|| branch.as_deref().and_then(task_from_branch))
            .or_else(|| logs.iter().find_map(|l| l.name.task_id.clone()));
        let pod = pod_sidecar
            .as_ref()
            .and_then(Sidecar::pod)
            .or_else(|| d.name.pod.clone())
            .or_else(|| logs.iter().find_map(|l| l.name.pod.clone()));
        let sidecar_out = match pod_sidecar {
            Some(s) => s,
            None => Sidecar {
                patch_file: Some(format!("{PROMOTED_DIR}/{name}")),
                task_id: task_id.clone(),
                summary: derived_summary.clone(),
                output_folders: Some(top_folders(&paths)),
                ..Sidecar::default()
            },
        };
        let at = self.stamp();
        let own = OwnFields {
            name: name.to_string(),
            status: Status::Queued,
            sha256: sha.to_string(),
            received_at: at.clone(),
            source_name: d.file_name.to_string(),
            kind: d.kind,
            size: u32::try_from(d.bytes.len()).unwrap_or(u32::MAX),
            task_id,
            pod,
            feature: d.name.feature.clone(),
            timestamp: d.name.timestamp.clone(),
            summary: derived_summary,
            branch,
            logs: log_refs,
            history: vec![StatusChange { status: Status::Queued, at }],
        };
        self.write_meta(name, sidecar_out, &own, false)
    }

    fn write_meta(&self, name: &str, mut sidecar: Sidecar, own: &OwnFields, replace: bool) -> Result<(), IntakeError> {
        let own_value = serde_json::to_value(own).unwrap_or(Value::Null);
        sidecar.extra.insert(OWN_KEY.to_string(), own_value);
        let bytes = sidecar.to_json_pretty();
        let rel = meta_rel(name);
        let path = self.workdir.join(&rel);
        let dir = self.workdir.join(META_DIR);
        let file = path.file_name().and_then(|f| f.to_str()).unwrap_or_default().to_string();
        if replace {
            fs::create_dir_all(&dir).map_err(|e| IntakeError::io("create the folder", &dir, e))?;
            replace_file(&dir, &file, &bytes).map_err(|e| IntakeError::io("write", &path, e))
        } else {
            match publish_new(&dir, &file, &bytes) {
                Ok(true) => Ok(()),
                Ok(false) => Err(IntakeError::io(
                    "write",
                    &path,
                    io::Error::new(io::ErrorKind::AlreadyExists, "a different file with that name is already there"),
                )),
                Err(e) => Err(IntakeError::io("write", &path, e)),
            }
        }
    }

    // ---- reading

    /// Whether folder `rel` (under the working folder, `/`-separated) or a folder on the way to
    /// it is a link: the inbox is never read or written through one.
    fn through_link(&self, rel: &str) -> bool {
        let mut path = self.workdir.clone();
        for part in rel.split('/') {
            path.push(part);
            match fs::symlink_metadata(&path) {
                Ok(m) if m.file_type().is_symlink() => return true,
                Ok(_) => {}
                Err(_) => return false,
            }
        }
        false
    }

    /// Refuses to write `file` when one of the inbox's folders is a link.
    fn refuse_links(&self, file: &str) -> Result<(), IntakeError> {
        for rel in [QUEUE_DIR, META_DIR, PROMOTED_DIR] {
            if self.through_link(rel) {
                return Err(IntakeError::unsafe_path(
                    file,
                    format!("the project's folder \"{rel}\" is a link to another place, and Patchdesk does not write through links. Remove the link, then add the file again."),
                ));
            }
        }
        Ok(())
    }

    /// An item that can't be read, listed with what its name tells and the reason.
    fn unreadable_item(&self, dir: &str, name: &str, status: Status, reason: String) -> InboxItem {
        let info = parse_name(name);
        let meta = fs::symlink_metadata(self.workdir.join(dir).join(name)).ok();
        let received_at = meta
            .as_ref()
            .and_then(|m| m.modified().ok())
            .map(OffsetDateTime::from)
            .and_then(|t| t.format(&Rfc3339).ok())
            .unwrap_or_default();
        let kind = match split_extension(&info.clean_name).1.as_str() {
            "zip" => Kind::Bundle,
            "json" => Kind::Batch,
            _ => Kind::Diff { flavor: crate::kind::DiffFlavor::Git },
        };
        InboxItem {
            name: name.to_string(),
            file_name: name.to_string(),
            path: format!("{dir}/{name}"),
            metadata_path: meta_rel(name),
            task_id: info.task_id,
            feature: info.feature,
            pod: info.pod,
            summary: None,
            branch: None,
            timestamp: info.timestamp,
            received_at,
            status,
            kind,
            sha256: String::new(),
            size: meta.map(|m| u32::try_from(m.len()).unwrap_or(u32::MAX)).unwrap_or(0),
            logs: Vec::new(),
            unreadable: Some(reason),
        }
    }

    /// Which folder holds `name`: the queue first, then the promoted folder.
    fn locate(&self, name: &str) -> Result<&'static str, IntakeError> {
        let plain = !name.is_empty()
            && !name.contains(['/', '\\', '\0'])
            && name != "."
            && name != ".."
            && !name.starts_with('.');
        if plain {
            for dir in [QUEUE_DIR, PROMOTED_DIR] {
                let p = self.workdir.join(dir).join(name);
                if !self.through_link(dir) && fs::symlink_metadata(&p).map(|m| m.is_file()).unwrap_or(false) {
                    return Ok(dir);
                }
            }
        }
        Err(IntakeError::NotFound { name: name.to_string() })
    }

    /// The metadata file of `name`: the sidecar, and Patchdesk's fields when they are ours
    /// (written for this very name).
    fn read_meta(&self, name: &str) -> Result<(Option<Sidecar>, Option<OwnFields>), IntakeError> {
        let path = self.workdir.join(meta_rel(name));
        // Metadata that is a link, under a linked folder, not a plain file or oversized is
        // treated as absent: never read through, never fatal.
        if self.through_link(META_DIR) {
            return Ok((None, None));
        }
        let Ok(bytes) = read_input(&path, MAX_METADATA_BYTES) else { return Ok((None, None)) };
        // A hand-made sidecar that is broken is treated as absent; it is only replaced when
        // the status changes.
        let Ok(sidecar) = Sidecar::from_json(name, &bytes) else { return Ok((None, None)) };
        let own = sidecar.extra.get(OWN_KEY).and_then(|v| serde_json::from_value::<OwnFields>(v.clone()).ok());
        match own {
            Some(o) if o.name == name => Ok((Some(sidecar), Some(o))),
            // Written by Patchdesk for another item with the same stem: not this one's.
            Some(_) => Ok((None, None)),
            None => Ok((Some(sidecar), None)),
        }
    }

    fn load(&self, dir: &str, name: &str, default_status: Status) -> Result<Option<InboxItem>, IntakeError> {
        let path = self.workdir.join(dir).join(name);
        let (sidecar, own) = self.read_meta(name)?;
        let rel = format!("{dir}/{name}");
        let logs_location = |logs: &[LogRef]| -> Vec<LogRef> {
            logs.iter()
                .map(|l| LogRef {
                    location: if l.in_bundle { rel.clone() } else { format!("{rel}{LOGS_SUFFIX}/{}", l.name) },
                    ..l.clone()
                })
                .collect()
        };
        let pod_summary = sidecar.as_ref().and_then(|s| s.summary.clone());
        let pod_task = sidecar.as_ref().and_then(|s| s.task_id.clone());
        let pod_branch = sidecar.as_ref().and_then(|s| s.branch_name.clone());
        let max_input = u64::from(self.limits.max_input_bytes);
        if let Some(own) = own {
            let unreadable = check_input(&path, max_input).err().map(|e| e.to_string());
            return Ok(Some(InboxItem {
                name: name.to_string(),
                file_name: own.source_name,
                path: rel.clone(),
                metadata_path: meta_rel(name),
                task_id: pod_task.or(own.task_id),
                feature: own.feature,
                pod: sidecar.as_ref().and_then(Sidecar::pod).or(own.pod),
                summary: pod_summary.or(own.summary),
                branch: pod_branch.or(own.branch),
                timestamp: own.timestamp,
                received_at: own.received_at,
                status: own.status,
                kind: own.kind,
                sha256: own.sha256,
                size: own.size,
                logs: logs_location(&own.logs),
                unreadable,
            }));
        }
        // Placed by hand: read what the file and its name say.
        let bytes = read_input(&path, max_input)?;
        let Ok(kind) = identify_with(name, &bytes, &self.limits) else { return Ok(None) };
        if !kind.is_patch() {
            return Ok(None);
        }
        let info = parse_name(name);
        let modified = fs::metadata(&path)
            .and_then(|m| m.modified())
            .ok()
            .map(OffsetDateTime::from)
            .and_then(|t| t.format(&Rfc3339).ok())
            .unwrap_or_default();
        let task_id = pod_task.or(info.task_id.clone()).or_else(|| pod_branch.as_deref().and_then(task_from_branch));
        Ok(Some(InboxItem {
            name: name.to_string(),
            file_name: name.to_string(),
            path: rel,
            metadata_path: meta_rel(name),
            task_id,
            feature: info.feature,
            pod: sidecar.as_ref().and_then(Sidecar::pod).or(info.pod),
            summary: pod_summary,
            branch: pod_branch,
            timestamp: info.timestamp,
            received_at: modified,
            status: default_status,
            kind,
            sha256: hex::encode(Sha256::digest(&bytes)),
            size: u32::try_from(bytes.len()).unwrap_or(u32::MAX),
            logs: Vec::new(),
            unreadable: None,
        }))
    }

    fn known_hashes(&self) -> Result<HashMap<String, InboxItem>, IntakeError> {
        Ok(self.list()?.into_iter().map(|i| (i.sha256.clone(), i)).collect())
    }
}

/// Patchdesk's fields for an item that had none (placed by hand).
fn own_fields_of(item: &InboxItem) -> OwnFields {
    OwnFields {
        name: item.name.clone(),
        status: item.status,
        sha256: item.sha256.clone(),
        received_at: item.received_at.clone(),
        source_name: item.file_name.clone(),
        kind: item.kind,
        size: item.size,
        task_id: item.task_id.clone(),
        pod: item.pod.clone(),
        feature: item.feature.clone(),
        timestamp: item.timestamp.clone(),
        summary: None,
        branch: item.branch.clone(),
        logs: Vec::new(),
        history: Vec::new(),
    }
}

/// Pairs sidecars and logs with the patches of the same drop. Returns patch index → sidecar
/// index, and patch index → log indexes; what cannot be paired goes to `report.unmatched`.
#[allow(clippy::type_complexity)]
fn match_companions(
    dropped: &[Dropped],
    patches: &[usize],
    report: &mut ImportReport,
) -> (HashMap<usize, usize>, HashMap<usize, Vec<usize>>) {
    let mut sidecar_of: HashMap<usize, usize> = HashMap::new();
    let mut logs_of: HashMap<usize, Vec<usize>> = HashMap::new();
    // A patch's task from its own content: its bundle metadata's, else its name's.
    let task_of = |p: usize| -> Option<String> {
        if let Content::Bundle(b) = &dropped[p].content {
            if let Some(t) = b.metadata.as_ref().and_then(|m| m.task_id.clone()) {
                return Some(t);
            }
        }
        dropped[p].name.task_id.clone()
    };
    let unique = |found: Vec<usize>| if found.len() == 1 { Some(found[0]) } else { None };
    let sidecars: Vec<usize> = (0..dropped.len()).filter(|&i| dropped[i].kind == Kind::Sidecar).collect();
    for &s in &sidecars {
        let Content::Sidecar(sc) = &dropped[s].content else { continue };
        let stem = &dropped[s].name.stem;
        let by_stem = unique(patches.iter().copied().filter(|&p| &dropped[p].name.stem == stem).collect());
        let by_file = sc.patch_file.as_deref().and_then(|pf| {
            let base = pf.rsplit(['/', '\\']).next().unwrap_or(pf);
            let wanted = strip_duplicate_marker(base);
            unique(patches.iter().copied().filter(|&p| dropped[p].name.clean_name == wanted).collect())
        });
        let by_task = sc.task_id.as_deref().and_then(|t| {
            unique(patches.iter().copied().filter(|&p| dropped[p].name.task_id.as_deref() == Some(t)).collect())
        });
        let only = (patches.len() == 1 && sidecars.len() == 1).then(|| patches[0]);
        match by_stem.or(by_file).or(by_task).or(only) {
            Some(p) if !sidecar_of.contains_key(&p) => {
                sidecar_of.insert(p, s);
            }
            Some(p) => report.unmatched.push(Unmatched {
                file_name: dropped[s].file_name.to_string(),
                kind: dropped[s].kind,
                reason: format!("\"{}\" already has metadata from this drop", dropped[p].file_name),
            }),
            None => report.unmatched.push(Unmatched {
                file_name: dropped[s].file_name.to_string(),
                kind: dropped[s].kind,
                reason: "no patch in this drop matches it by name or task id".to_string(),
            }),
        }
    }
    let tasks: Vec<(usize, Option<String>)> = patches
        .iter()
        .map(|&p| {
            let from_sidecar = sidecar_of.get(&p).and_then(|&s| match &dropped[s].content {
                Content::Sidecar(sc) => sc.task_id.clone(),
                _ => None,
            });
            (p, from_sidecar.or_else(|| task_of(p)))
        })
        .collect();
    for (l, d) in dropped.iter().enumerate() {
        if !matches!(d.kind, Kind::Log { .. }) {
            continue;
        }
        let by_task =
            d.name.task_id.as_deref().and_then(|t| {
                unique(tasks.iter().filter(|(_, pt)| pt.as_deref() == Some(t)).map(|(p, _)| *p).collect())
            });
        let only = (patches.len() == 1).then(|| patches[0]);
        match by_task.or(only) {
            Some(p) => logs_of.entry(p).or_default().push(l),
            None => report.unmatched.push(Unmatched {
                file_name: d.file_name.to_string(),
                kind: d.kind,
                reason: if patches.is_empty() {
                    "a log needs its patch in the same drop".to_string()
                } else {
                    "it could not be told which patch of this drop it belongs to (name it <task id>_… or drop it with one patch)".to_string()
                },
            }),
        }
    }
    (sidecar_of, logs_of)
}

/// Refuses a diff whose file paths the apply would refuse later (`../`, `.git/` and its
/// disguises, absolute, direction-changing characters), naming the path, and one whose binary
/// parts, lines or hunks are over the reader's budget (the reader stops at the budget, so a bomb
/// costs no more than the budget). A damaged chat patch the reader cannot parse is left to the
/// apply, which repairs it and checks it then.
fn check_diff_paths(file_name: &str, bytes: &[u8]) -> Result<(), IntakeError> {
    use patchdesk_patch::ParseError;
    let shown = crate::kind::display_name(file_name);
    match patchdesk_patch::parse(bytes) {
        Err(ParseError::Path { source, .. }) => Err(unsafe_path(&shown, source, "a patch")),
        Err(
            e @ (ParseError::BinaryTooLarge { .. } | ParseError::TooManyLines { .. } | ParseError::TooManyHunks { .. }),
        ) => {
            let words = e.to_string();
            let mut chars = words.trim_end_matches('.').chars();
            let detail: String = chars.next().map(|c| c.to_lowercase().chain(chars).collect()).unwrap_or_default();
            Err(IntakeError::too_large(&shown, detail))
        }
        _ => Ok(()),
    }
}

/// A path Patchdesk will not write, named, with what to ask the pod for (`what`: "a patch").
fn unsafe_path(shown: &str, source: patchdesk_patch::PathError, what: &str) -> IntakeError {
    use patchdesk_patch::PathError;
    let advice = match source {
        PathError::Absolute(_) | PathError::ParentDir(_) | PathError::GitDir(_) => {
            format!("; Patchdesk only changes files inside the project. Ask the pod for {what} with paths inside the project.")
        }
        _ => ".".to_string(),
    };
    IntakeError::unsafe_path(shown, format!("{source}{advice}"))
}

/// Reads a chat answer (OpenAI patch, edit blocks, whole files) the way review will, and
/// refuses it at import when it cannot be read or names a path Patchdesk will never write
/// (absolute, `..`, `.git` or its disguises, direction-changing characters): the same checks
/// and the same total budget as a diff. Returns the paths it names, in order.
fn check_answer(file_name: &str, bytes: &[u8], limits: &Limits) -> Result<Vec<String>, IntakeError> {
    let shown = crate::kind::display_name(file_name);
    let answer = patchdesk_shapes::read(bytes, &crate::kind::answer_limits(limits))
        .map_err(|e| IntakeError::unreadable(&shown, crate::kind::as_reason(&e.message)))?;
    let mut paths = Vec::new();
    for f in &answer.files {
        let moved = match &f.op {
            patchdesk_shapes::Op::Update { move_to: Some(to), .. } => Some(to.as_str()),
            _ => None,
        };
        for raw in std::iter::once(f.path.as_str()).chain(moved) {
            let path =
                patchdesk_patch::RepoPath::parse(raw).map_err(|source| unsafe_path(&shown, source, "an answer"))?;
            let path = path.as_str().to_string();
            if !paths.contains(&path) {
                paths.push(path);
            }
        }
    }
    Ok(paths)
}

/// Paths a patch writes, as far as a cheap look tells.
fn touched_paths(d: &Dropped) -> Vec<String> {
    match &d.content {
        Content::Diff => sketch_diff(d.bytes, 1000).paths,
        Content::Answer(paths) => paths.clone(),
        Content::Bundle(b) => b.files.iter().map(|f| f.path.to_string()).collect(),
        Content::Batch(b) => b.files.iter().map(|f| f.path.to_string()).collect(),
        _ => Vec::new(),
    }
}

/// A one-line summary made from the content, when the pod gave none.
fn derived_summary(d: &Dropped, paths: &[String]) -> Option<String> {
    match &d.content {
        Content::Diff => {
            if let Some(subject) = sketch_diff(d.bytes, 1).subject {
                return Some(subject);
            }
        }
        Content::Bundle(b) => {
            if let Some(s) = b.metadata.as_ref().and_then(|m| m.summary.clone()) {
                return Some(s);
            }
        }
        Content::Batch(b) => {
            let first = b.commit_message.lines().find(|l| !l.trim().is_empty()).unwrap_or("").trim();
            if !first.is_empty() {
                return Some(first.to_string());
            }
        }
        _ => {}
    }
    let verb = if matches!(d.content, Content::Diff | Content::Answer(_)) { "Changes" } else { "Writes" };
    match paths {
        [] => None,
        [one] => Some(format!("{verb} {one}")),
        [one, two] => Some(format!("{verb} {one} and {two}")),
        [one, rest @ ..] => Some(format!("{verb} {one} and {} other files", rest.len())),
    }
}

/// Top-level folders of `paths` (`docs/`), in order of first appearance.
fn top_folders(paths: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for p in paths {
        if let Some((top, _)) = p.split_once('/') {
            let f = format!("{top}/");
            if !out.contains(&f) {
                out.push(f);
            }
        }
    }
    out
}

/// `.logs/patches/<stem>.json` for an item name.
fn meta_rel(name: &str) -> String {
    let (stem, _) = split_extension(name);
    format!("{META_DIR}/{stem}.json")
}

/// `base` with `-<n>` before its extension(s) for n ≥ 2: `patch_x.diff` → `patch_x-2.diff`.
fn numbered(base: &str, n: u32) -> String {
    if n <= 1 {
        return base.to_string();
    }
    let (stem, _) = split_extension(base);
    let rest = &base[stem.len()..];
    format!("{stem}-{n}{rest}")
}

/// A single safe file name: separators and characters Windows refuses become `_`, no leading
/// dot, at most 150 bytes.
fn safe_file_name(name: &str, fallback: &str) -> String {
    let mut s: String =
        name.chars()
            .map(|c| {
                if c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                    '_'
                } else {
                    c
                }
            })
            .collect();
    s = s.trim_matches([' ', '.']).to_string();
    if s.is_empty() {
        return fallback.to_string();
    }
    if s.len() > 150 {
        let (stem, _) = split_extension(&s);
        let ext = s[stem.len()..].to_string();
        let mut cut = 150usize.saturating_sub(ext.len());
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        s = format!("{}{ext}", &s[..cut]);
    }
    if s.to_ascii_lowercase().ends_with(LOGS_SUFFIX) {
        s.push_str(".txt");
    }
    s
}

/// The reason inside a [`patchdesk_disk::FileError`], for the inbox's own sentences.
fn disk_error(e: patchdesk_disk::FileError) -> io::Error {
    match e {
        patchdesk_disk::FileError::Io { reason, .. } => io::Error::other(reason),
        other => io::Error::other(other.to_string()),
    }
}

/// Publishes `bytes` as `dir/file_name` only if nothing is there yet (through
/// [`patchdesk_disk::create_at`]). `Ok(false)`: the name is taken.
fn publish_new(dir: &Path, file_name: &str, bytes: &[u8]) -> io::Result<bool> {
    patchdesk_disk::create_at(&dir.join(file_name), bytes).map_err(disk_error)
}

/// Replaces `dir/file_name` with `bytes` atomically (through [`patchdesk_disk::replace_at`]).
fn replace_file(dir: &Path, file_name: &str, bytes: &[u8]) -> io::Result<()> {
    patchdesk_disk::replace_at(&dir.join(file_name), bytes).map_err(disk_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_names_keep_their_extension() {
        assert_eq!(numbered("patch_F2.1.diff", 1), "patch_F2.1.diff");
        assert_eq!(numbered("patch_F2.1.diff", 2), "patch_F2.1-2.diff");
        assert_eq!(numbered("patch_F2.1.diff.txt", 3), "patch_F2.1-3.diff.txt");
        assert_eq!(numbered("noext", 2), "noext-2");
    }

    #[test]
    fn file_names_are_made_safe() {
        assert_eq!(safe_file_name("a/b\\c:d.diff", "x"), "a_b_c_d.diff");
        assert_eq!(safe_file_name("...", "patch"), "patch");
        assert_eq!(safe_file_name(".hidden.diff", "patch"), "hidden.diff");
        assert_eq!(safe_file_name("x.logs", "p"), "x.logs.txt");
        let long = format!("{}.diff", "é".repeat(200));
        let s = safe_file_name(&long, "p");
        assert!(s.len() <= 150 && s.ends_with(".diff"), "{s}");
    }

    #[test]
    fn summaries_and_folders() {
        assert_eq!(
            top_folders(&["docs/a.md".into(), "README.md".into(), "docs/b.md".into(), "src/x.rs".into()]),
            ["docs/", "src/"]
        );
    }
}
