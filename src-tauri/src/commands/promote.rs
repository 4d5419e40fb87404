//! Sending an inbox item for review: the recorded, resumable promote, with live progress.

use crate::events::PromoteProgress;
use crate::state::AppState;
use patchdesk_error::{Code, UserError};
use crate::commands::github::project_forge;
use patchdesk_promote::{promote, PromoteOutcome, PromotePreview, PromoteRequest};
use serde::Deserialize;
use tauri::{AppHandle, State};
use tauri_specta::Event;

/// What the lead chose in the "Send for review" dialog; blank or missing means the default.
#[derive(Debug, Clone, Deserialize, specta::Type)]
pub struct SendChoices {
    /// Base branch (blank: the settings', else the remote's default branch).
    pub base: Option<String>,
    pub draft: bool,
    /// Branch for the change (blank: from the settings' pattern, `chatgpt/<pod>/<task_id>`).
    pub branch: Option<String>,
    /// Pull request title (blank: `[<task_id>] <summary>`).
    pub title: Option<String>,
    /// Description (blank: made from the pod's changelog, reasoning, files and prompt).
    pub body: Option<String>,
    /// Labels (missing: the settings', `pod:<pod>` by default).
    pub labels: Option<Vec<String>>,
    /// Reviewers' GitHub logins (missing: the settings').
    pub reviewers: Option<Vec<String>>,
    /// Risky paths the lead confirmed with "I understand" on the review screen.
    #[serde(default)]
    pub confirmed_risks: Vec<String>,
}

/// What "Send for review" will use for item `name` unless the lead changes it.
#[tauri::command]
#[specta::specta]
pub fn promote_preview(state: State<'_, AppState>, name: String) -> Result<PromotePreview, UserError> {
    state.with_project(|p| patchdesk_promote::preview(p.workdir(), &name).map_err(|e| UserError::from(&e)))
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
    let (workdir, remote) = state.with_project(|p| {
        let url = p
            .summary()
            .remote
            .map(|r| r.url)
            .ok_or_else(|| UserError::new(Code::NoRemote, "This project has no remote called origin to send the change to."))?;
        Ok((p.workdir().to_path_buf(), url))
    })?;
    let data_dir = state.data_dir().to_path_buf();
    tauri::async_runtime::spawn_blocking(move || {
        let mut req = PromoteRequest::new(&workdir, &name, &remote);
        // Off the UI thread: GitHub's forge blocks on its own runtime.
        let (forge, author) = project_forge(&data_dir, &remote)?;
        req.author = author;
        req.base = choices.base.filter(|b| !b.trim().is_empty());
        req.draft = Some(choices.draft);
        req.branch = choices.branch;
        req.title = choices.title;
        req.body = choices.body;
        req.labels = choices.labels;
        req.reviewers = choices.reviewers;
        req.confirmed_risks = choices.confirmed_risks;
        let item = name.clone();
        promote(&req, forge.as_ref(), &|event| {
            let _ = PromoteProgress { item: item.clone(), event }.emit(&app);
        })
        .map_err(|e| UserError::from(&e))
    })
    .await
    .map_err(|e| UserError::new(Code::Internal, format!("The send step stopped unexpectedly: {e}")))?
}
