//! Sending an inbox item for review: the recorded, resumable promote, with live progress.

use super::blocking;
use crate::events::PromoteProgress;
use crate::state::AppState;
use patchdesk_desk::send::{self, SendChoices};
use patchdesk_desk::{PromoteOutcome, PromotePreview, Remote};
use patchdesk_error::UserError;
use tauri::{AppHandle, State};
use tauri_specta::Event;

/// What "Send for review" will use for item `name` unless the lead changes it.
#[tauri::command]
#[specta::specta]
pub fn promote_preview(state: State<'_, AppState>, name: String) -> Result<PromotePreview, UserError> {
    state.with_project(|p| send::preview(p.workdir(), &name))
}

/// Sends item `name` for review: one branch, one commit with the delivery logs, pushed, and a
/// review request opened (or found, when an earlier attempt got that far). Progress arrives as
/// `PromoteProgress` events. Safe to run again after any failure.
#[tauri::command]
#[specta::specta]
pub async fn send_for_review(
    app: AppHandle,
    state: State<'_, AppState>,
    name: String,
    choices: SendChoices,
) -> Result<PromoteOutcome, UserError> {
    let workdir = state.workdir()?;
    let remote = Remote::required(&workdir, None, None)?;
    let desk = state.desk().clone();
    // Off the window's thread: GitHub's forge blocks on its own runtime.
    blocking("The send step", move || {
        let item = name.clone();
        send::send_for_review(&desk, &workdir, &name, &remote, choices, &|event| {
            let _ = PromoteProgress { item: item.clone(), event }.emit(&app);
        })
    })
    .await
}
