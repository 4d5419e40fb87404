//! Sending an inbox item for review: the recorded, resumable promote, with live progress.

use crate::events::PromoteProgress;
use crate::state::AppState;
use patchdesk_error::{Code, UserError};
use patchdesk_forge::PracticeRemote;
use patchdesk_promote::{promote, PromoteOutcome, PromoteRequest};
use tauri::{AppHandle, State};
use tauri_specta::Event;

/// Sends item `name` for review: one branch, one commit with the delivery logs, pushed, and a
/// review request opened (or found, when an earlier attempt got that far). Progress arrives as
/// `PromoteProgress` events. Safe to run again after any failure.
#[tauri::command]
#[specta::specta]
pub async fn send_for_review(
    app: AppHandle,
    state: State<'_, AppState>,
    name: String,
    base: Option<String>,
    draft: bool,
) -> Result<PromoteOutcome, UserError> {
    let (workdir, remote) = state.with_project(|p| {
        let url = p
            .summary()
            .remote
            .map(|r| r.url)
            .ok_or_else(|| UserError::new(Code::RemoteRepoNotFound, "This project has no remote called origin to send the change to."))?;
        Ok((p.workdir().to_path_buf(), url))
    })?;
    if !PracticeRemote::is_local_url(&remote) {
        return Err(UserError::new(
            Code::AuthRejected,
            "Sending to GitHub from the window needs a GitHub sign-in, which this version of the app does not offer yet. \
             Use `patchdesk promote` with a GITHUB_TOKEN, or the practice remote.",
        ));
    }
    tauri::async_runtime::spawn_blocking(move || {
        let forge = PracticeRemote::open(&remote).map_err(|e| UserError::from(&e))?;
        let mut req = PromoteRequest::new(&workdir, &name, &remote);
        req.base = base;
        req.draft = Some(draft);
        let item = name.clone();
        promote(&req, &forge, &|event| {
            let _ = PromoteProgress { item: item.clone(), event }.emit(&app);
        })
        .map_err(|e| UserError::from(&e))
    })
    .await
    .map_err(|e| UserError::new(Code::Internal, format!("The send step stopped unexpectedly: {e}")))?
}
