//! The inbox: dropping pod downloads in, reviewing them, rejecting or keeping them.

use crate::state::AppState;
use patchdesk_error::UserError;
use patchdesk_intake::{ImportReport, InboxItem, Status};
use patchdesk_project::review::{FileDiff, Review};
use patchdesk_project::Rejected;
use std::path::PathBuf;
use tauri::State;

/// Puts dropped or picked files in the inbox, together (a patch with its sidecar and logs).
/// Only files the operating system handed over (dropped, or picked with `choose_paths`) or
/// files under the project or the app's data folder are taken; anything else is refused.
#[tauri::command]
#[specta::specta]
pub fn import_files(state: State<'_, AppState>, paths: Vec<String>) -> Result<ImportReport, UserError> {
    state.with_project(|p| {
        let paths = paths.iter().map(|path| state.allowed_path(path, Some(p.workdir()))).collect::<Result<Vec<PathBuf>, _>>()?;
        Ok(p.import_paths(&paths)?)
    })
}

/// Applies an item to the project's current version (in git's object store only) and
/// describes the result: files, repairs, problems, the pod's logs.
#[tauri::command]
#[specta::specta]
pub fn review_item(state: State<'_, AppState>, name: String) -> Result<Review, UserError> {
    state.with_project(|p| Ok(p.review(&name)?))
}

/// The lines of one file of a reviewed item, with `context` unchanged lines around changes.
#[tauri::command]
#[specta::specta]
pub fn review_file(state: State<'_, AppState>, name: String, path: String, context: u32) -> Result<FileDiff, UserError> {
    state.with_project(|p| Ok(p.review_file(&name, &path, context)?))
}

/// Sends an item back to its pod with a note; returns the prompt for the pod.
#[tauri::command]
#[specta::specta]
pub fn reject_item(state: State<'_, AppState>, name: String, note: String) -> Result<Rejected, UserError> {
    state.with_project(|p| Ok(p.reject(&name, &note)?))
}

/// "Keep for later" (reviewed) or "Restore" (back to new).
#[tauri::command]
#[specta::specta]
pub fn set_item_status(state: State<'_, AppState>, name: String, status: Status) -> Result<InboxItem, UserError> {
    state.with_project(|p| Ok(p.queue()?.set_status(&name, status).map_err(patchdesk_project::ProjectError::from)?))
}

/// How each waiting item applies to the project's current version, for the inbox's badges.
/// Runs off the window's thread: a new large item takes a moment to check; known ones are kept.
#[tauri::command]
#[specta::specta]
pub async fn inbox_checks(app: tauri::AppHandle) -> Result<Vec<patchdesk_project::review::ItemCheck>, UserError> {
    tauri::async_runtime::spawn_blocking(move || {
        use tauri::Manager;
        let state = app.state::<AppState>();
        state.with_project(|p| Ok(p.check_items()?))
    })
    .await
    .map_err(|e| UserError::new(patchdesk_error::Code::Internal, format!("Checking the inbox stopped unexpectedly: {e}")))?
}

/// What Patchdesk recognises in pasted text ("OpenAI patch, 2 files", its paths, the task it
/// names): nothing is written.
#[tauri::command]
#[specta::specta]
pub fn recognise_paste(state: State<'_, AppState>, text: String) -> Result<patchdesk_intake::PastePreview, UserError> {
    state.with_project(|p| Ok(p.recognise_paste(text.as_bytes())?))
}

/// Adds a chat answer pasted in the window to the inbox, saved like a download
/// (`patch_<time>_<task>.txt`); `task` is the lead's choice when the text names none.
#[tauri::command]
#[specta::specta]
pub fn paste_answer(state: State<'_, AppState>, text: String, task: Option<String>) -> Result<InboxItem, UserError> {
    state.with_project(|p| Ok(p.paste_answer(text.as_bytes(), task.as_deref(), time::OffsetDateTime::now_utc())?))
}
