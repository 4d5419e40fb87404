//! The inbox: dropping pod downloads in, reviewing them, rejecting or keeping them.

use super::blocking;
use crate::state::AppState;
use patchdesk_desk::{
    inbox, FileAsk, FileDiff, ImportReport, InboxItem, ItemCheck, OffsetDateTime, PastePreview, Rejected, Review,
    Status,
};
use patchdesk_error::UserError;
use std::path::PathBuf;
use tauri::{Manager, State};

/// Puts dropped or picked files in the inbox, together (a patch with its sidecar and logs).
/// Only files the operating system handed over (dropped, or picked with `choose_paths`) or
/// files under the project or the app's data folder are taken; anything else is refused.
#[tauri::command]
#[specta::specta]
pub fn import_files(state: State<'_, AppState>, paths: Vec<String>) -> Result<ImportReport, UserError> {
    state.with_project(|p| {
        let paths = paths
            .iter()
            .map(|path| state.allowed_path(path, Some(p.workdir())))
            .collect::<Result<Vec<PathBuf>, _>>()?;
        inbox::import(p, &paths)
    })
}

/// Applies an item to the project's current version (in git's object store only) and
/// describes the result: files, repairs, problems, the pod's logs. The pod's revision of an
/// open review request is applied to the request's branch, read from its remote: off the
/// window's thread.
#[tauri::command]
#[specta::specta]
pub async fn review_item(app: tauri::AppHandle, name: String) -> Result<Review, UserError> {
    blocking("Reviewing the item", move || {
        let state = app.state::<AppState>();
        state.with_project(|p| inbox::review_as_sent(state.desk(), p, &name))
    })
    .await
}

/// A window of the lines of one file of a reviewed item (context lines, a revision's whole
/// change, spaces ignored, which lines: [`FileAsk`]), with every hunk's place in the file.
#[tauri::command]
#[specta::specta]
pub fn review_file(
    state: State<'_, AppState>,
    name: String,
    path: String,
    ask: FileAsk,
) -> Result<FileDiff, UserError> {
    state.with_project(|p| inbox::review_file(p, &name, &path, ask))
}

/// Sends an item back to its pod with a note; returns the prompt for the pod.
#[tauri::command]
#[specta::specta]
pub fn reject_item(state: State<'_, AppState>, name: String, note: String) -> Result<Rejected, UserError> {
    state.with_project(|p| inbox::reject(p, &name, &note, OffsetDateTime::now_utc()))
}

/// "Keep for later" (reviewed) or "Restore" (back to new).
#[tauri::command]
#[specta::specta]
pub fn set_item_status(state: State<'_, AppState>, name: String, status: Status) -> Result<InboxItem, UserError> {
    state.with_project(|p| inbox::set_status(p, &name, status))
}

/// How each waiting item applies to the project's current version, for the inbox's badges.
/// Runs off the window's thread: a new large item takes a moment to check; known ones are kept.
#[tauri::command]
#[specta::specta]
pub async fn inbox_checks(app: tauri::AppHandle) -> Result<Vec<ItemCheck>, UserError> {
    blocking("Checking the inbox", move || {
        let state = app.state::<AppState>();
        state.with_project(inbox::check_items)
    })
    .await
}

/// What Patchdesk recognises in pasted text ("OpenAI patch, 2 files", its paths, the task it
/// names): nothing is written.
#[tauri::command]
#[specta::specta]
pub fn recognise_paste(state: State<'_, AppState>, text: String) -> Result<PastePreview, UserError> {
    state.with_project(|p| inbox::recognise_paste(p, text.as_bytes()))
}

/// Adds a chat answer pasted in the window to the inbox, saved like a download
/// (`patch_<time>_<task>.txt`); `task` is the lead's choice when the text names none.
#[tauri::command]
#[specta::specta]
pub fn paste_answer(state: State<'_, AppState>, text: String, task: Option<String>) -> Result<InboxItem, UserError> {
    state.with_project(|p| inbox::paste_answer(p, text.as_bytes(), task.as_deref(), OffsetDateTime::now_utc()))
}
