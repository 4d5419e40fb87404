//! The inbox: pod downloads in, reviewed, checked, rejected or kept.

use crate::{ImportReport, InboxItem, ItemCheck, Project, Rejected, Review, FileDiff, Status};
use patchdesk_error::{Code, UserError};
use std::path::{Path, PathBuf};
use time::OffsetDateTime;

/// Puts files a pod handed over in the inbox, together (a patch with its sidecar and logs):
/// the inbox's own reader for the window's drops, the CLI and the Downloads pickup alike. A file
/// that cannot be read, is not a plain file, or is larger than the inbox accepts is refused
/// before anything is written.
pub fn import(project: &Project, paths: &[PathBuf]) -> Result<ImportReport, UserError> {
    Ok(project.import_paths(paths)?)
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

/// The lines of one file of a reviewed item, with `context` unchanged lines around changes.
pub fn review_file(project: &Project, name: &str, path: &str, context: u32) -> Result<FileDiff, UserError> {
    Ok(project.review_file(name, path, context)?)
}

/// How each waiting item applies to the project's current version (kept per content and base).
pub fn check_items(project: &Project) -> Result<Vec<ItemCheck>, UserError> {
    Ok(project.check_items()?)
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
