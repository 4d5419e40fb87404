//! The inbox: pod downloads in, reviewed, checked, rejected or kept.

use crate::{FileAsk, FileDiff, ImportReport, InboxItem, ItemCheck, PastePreview, Project, Rejected, Review, Status};
use patchdesk_error::{Code, UserError};
use std::io::Read;
use std::path::{Path, PathBuf};
use time::OffsetDateTime;

/// Puts files a pod handed over in the inbox, together (a patch with its sidecar and logs):
/// the inbox's own reader for the window's drops, the CLI and the Downloads pickup alike. A file
/// that cannot be read, is not a plain file, or is larger than the inbox accepts is refused
/// before anything is written.
pub fn import(project: &Project, paths: &[PathBuf]) -> Result<ImportReport, UserError> {
    Ok(project.import_paths(paths)?)
}

/// What Patchdesk recognises in a pasted chat answer ("OpenAI patch, 2 files", its paths, the
/// task it names when the board has it), before anything is saved.
pub fn recognise_paste(project: &Project, text: &[u8]) -> Result<PastePreview, UserError> {
    Ok(project.recognise_paste(text)?)
}

/// Adds a chat answer to the inbox, saved like a download (`patch_<ts>_<task>.txt`) under the
/// task it names or `task` (the lead's choice from the board), so nothing is lost if the app
/// closes.
pub fn paste_answer(
    project: &Project,
    text: &[u8],
    task: Option<&str>,
    now: OffsetDateTime,
) -> Result<InboxItem, UserError> {
    Ok(project.paste_answer(text, task, now)?)
}

/// [`paste_answer`] for an answer read from `input` (the CLI's standard input, named in refusals
/// by `source`, e.g. "on standard input"): read with the inbox's size cap, so an endless stream
/// is refused instead of read whole.
pub fn paste_from(
    project: &Project,
    input: impl Read,
    source: &str,
    task: Option<&str>,
    now: OffsetDateTime,
) -> Result<InboxItem, UserError> {
    let max = project.queue()?.limits().max_input_bytes;
    let mut text = Vec::new();
    input
        .take(u64::from(max) + 1)
        .read_to_end(&mut text)
        .map_err(|e| UserError::new(Code::Io, format!("Could not read the answer {source}: {e}.")))?;
    if text.len() > max as usize {
        let message = format!("The answer {source} is larger than the {} MB Patchdesk takes from one answer; ask the pod for a ZIP bundle instead.", max >> 20);
        return Err(UserError::new(Code::InputTooLarge, message));
    }
    paste_answer(project, &text, task, now)
}

/// The items waiting in the inbox, newest first (with the board's pod for items naming none).
pub fn items(project: &Project) -> Result<Vec<InboxItem>, UserError> {
    Ok(project.overview()?.inbox)
}

/// Applies an item to the project's current version (in git's object store only) and
/// describes the result: files, repairs, problems, risky paths, the pod's logs.
pub fn review(project: &Project, name: &str) -> Result<Review, UserError> {
    Ok(project.review(name)?)
}

/// [`review`] as "Send for review" will use the item: the pod's revision of a task whose review
/// request is still open is applied to the request's branch as it is on its remote now (what
/// changed since the last revision, with `revision` telling the request and the whole change
/// against the base), the same commit `promote` builds on. When the branch cannot be read (no
/// network), the item is reviewed against the project's version. Blocks on the network.
pub fn review_as_sent(desk: &crate::Desk, project: &Project, name: &str) -> Result<Review, UserError> {
    let workdir = project.workdir();
    let item = project.queue()?.get(name).map_err(patchdesk_project::ProjectError::from)?;
    let Some(known) = patchdesk_promote::revision::open_request_for(workdir, &item) else {
        return review(project, name);
    };
    let chosen = crate::review::remote_of(workdir, &known).and_then(|r| desk.forge(&r)).ok();
    let creds = chosen.as_ref().and_then(|c| c.forge.git_credentials());
    match patchdesk_promote::revision::review_base(workdir, &item, creds) {
        Ok(Some(b)) => Ok(project.review_revision(name, b.on, b.whole_from, (b.number, b.revision, &b.branch))?),
        Ok(None) => review(project, name),
        // The branch cannot be read now (offline): as Patchdesk last knew it, else the project's version.
        Err(_) => match patchdesk_promote::revision::last_known_base(workdir, &item) {
            Some(b) => Ok(project.review_revision(name, b.on, b.whole_from, (b.number, b.revision, &b.branch))?),
            None => review(project, name),
        },
    }
}

/// Lines sent for one ask at most: the screen asks for the next window as the lead scrolls, so
/// a 200,000-line file never sits whole in the window's memory (nor in a message to it).
pub const MAX_LINES_PER_ASK: u32 = 5_000;

/// A window of the lines of one file of a reviewed item ([`FileAsk`]: context lines, a
/// revision's whole change, spaces ignored, which lines), with every hunk's place in the file;
/// at most [`MAX_LINES_PER_ASK`] lines.
pub fn review_file(project: &Project, name: &str, path: &str, ask: FileAsk) -> Result<FileDiff, UserError> {
    let ask = FileAsk { count: ask.count.min(MAX_LINES_PER_ASK), ..ask };
    Ok(project.review_file(name, path, ask)?)
}

/// How each waiting item applies to the project's current version (kept per content and base);
/// the pod's revision of an open request, to the request's branch as Patchdesk last read or
/// pushed it (no network: its review reads the branch again).
pub fn check_items(project: &Project) -> Result<Vec<ItemCheck>, UserError> {
    let mut checks = project.check_items()?;
    let queue = project.queue()?;
    for check in &mut checks {
        let Ok(item) = queue.get(&check.name) else { continue };
        let Some(b) = patchdesk_promote::revision::last_known_base(project.workdir(), &item) else { continue };
        if let Ok(r) = project.review_revision(&check.name, b.on, b.whole_from, (b.number, b.revision, &b.branch)) {
            *check = ItemCheck::from(&r);
        }
    }
    Ok(checks)
}

/// Sends an item back to its pod with a note (feedback file, status "rejected"); returns the
/// prompt for the pod.
pub fn reject(project: &Project, name: &str, note: &str, now: OffsetDateTime) -> Result<Rejected, UserError> {
    Ok(project.reject_at(name, note, now)?)
}

/// "Keep for later" (reviewed) or "Restore" (back to new).
pub fn set_status(project: &Project, name: &str, status: Status) -> Result<InboxItem, UserError> {
    let queue = project.queue()?;
    Ok(queue.set_status(name, status).map_err(patchdesk_project::ProjectError::from)?)
}

/// The inbox item `item` names: an existing file is imported first (with a same-named `.json`
/// sidecar next to it, if any); anything else must be a queued item's name.
pub fn item_for(project: &Project, item: &str) -> Result<String, UserError> {
    let path = Path::new(item);
    if path.is_file() {
        let mut paths = vec![path.to_path_buf()];
        let sidecar = path.with_extension("json");
        if sidecar != path && sidecar.is_file() {
            paths.push(sidecar);
        }
        let report = import(project, &paths)?;
        if let Some(r) = report.refused.first() {
            return Err(r.error.clone());
        }
        if let Some(i) = report.imported.first() {
            return Ok(i.name.clone());
        }
        if let Some(d) = report.already_imported.first() {
            return Ok(d.item.name.clone());
        }
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        return Err(UserError::new(Code::PatchUnreadable, format!("{name} holds no change to send")));
    }
    let queue = project.queue()?;
    queue.get(item).map(|i| i.name).map_err(|e| UserError::from(&e))
}

/// How a patch applies to the project's current version (the seed's "does it apply" check).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Applies {
    /// The inbox item's name, when an item was checked.
    pub name: Option<String>,
    /// `clean`, `repaired`, `merged`, `conflict` or `refused`.
    pub applies: crate::apply::Outcome,
    /// The files the change touches.
    pub files: Vec<String>,
    /// Repairs made to a damaged patch, in plain sentences.
    pub repairs: Vec<String>,
    /// Why it does not apply, in plain sentences.
    pub problems: Vec<String>,
    /// Paths that need the lead's explicit "I understand" before sending.
    pub risks: Vec<String>,
}

impl Applies {
    /// True when the change can be sent as it is.
    pub fn fits(&self) -> bool {
        !matches!(self.applies, crate::apply::Outcome::Conflict | crate::apply::Outcome::Refused)
    }
}

/// How `item` applies to the project's `HEAD`: a file on disk is applied in git's object store
/// only (nothing is stored, not even in the inbox); anything else must be an inbox item's name,
/// reviewed as the window does.
pub fn check(project: &Project, item: &str) -> Result<Applies, UserError> {
    let path = Path::new(item);
    let message = |m: &str, path: &Option<String>| match path {
        Some(p) if !m.contains(p.as_str()) => format!("{p}: {m}"),
        _ => m.to_string(),
    };
    if path.is_file() || std::fs::symlink_metadata(path).is_ok() {
        let report = crate::apply::apply_file(&crate::apply::ApplyFile {
            repo: project.workdir().to_path_buf(),
            base: "HEAD".into(),
            patch_file: path.to_path_buf(),
            max_bytes: crate::apply::DEFAULT_MAX_BYTES,
            allow_links: false,
        })?;
        return Ok(Applies {
            name: None,
            applies: report.outcome,
            files: report.files.iter().map(|f| f.path.clone()).collect(),
            repairs: report.repairs.iter().map(|r| message(&r.message, &r.path)).collect(),
            problems: report.problems.iter().map(|p| message(&p.message, &p.path)).collect(),
            risks: report.risks.iter().map(|r| r.path.clone()).collect(),
        });
    }
    let review = review(project, item)?;
    Ok(Applies {
        name: Some(review.item.name.clone()),
        applies: review.outcome,
        files: review.files.iter().map(|f| f.path.clone()).collect(),
        repairs: review.repairs.iter().map(|r| message(&r.message, &r.path)).collect(),
        problems: review.problems.iter().map(|p| message(&p.message, &p.path)).collect(),
        risks: review.risks.iter().map(|r| r.path.clone()).collect(),
    })
}
