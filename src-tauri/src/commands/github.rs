//! GitHub: signing in (device flow or a pasted token), the signed-in user's repositories, and
//! connecting one (Patchdesk's own clone in the app's data folder). The token stays in the OS
//! keyring: no command returns it and no event carries it.

use crate::events::CloneProgressed;
use crate::state::AppState;
use patchdesk_desk::github::{self, GitHubStatus, SignInCode, SignInWait};
use patchdesk_desk::{Account, Overview, RepoSummary};
use patchdesk_error::{Code, UserError};
use tauri::{AppHandle, State};
use tauri_specta::Event;

/// The sign-in in progress, shared by the GitHub commands.
#[derive(Default)]
pub struct GitHubSession(SignInWait);

/// Who is signed in to GitHub, checked with GitHub (`GET /user`). A sign-in that no longer
/// works is reported in `notice` (and the person is asked to sign in again); no keyring is an
/// error that says what to install.
#[tauri::command]
#[specta::specta]
pub async fn github_status(state: State<'_, AppState>) -> Result<GitHubStatus, UserError> {
    github::status(state.desk()).await
}

/// Saves which GitHub to use (an Enterprise Server's address; empty for github.com) and the
/// OAuth app's client id for signing in with a code (empty to clear).
#[tauri::command]
#[specta::specta]
pub fn github_settings(state: State<'_, AppState>, server: String, client_id: String) -> Result<(), UserError> {
    github::set_settings(state.desk(), &server, &client_id)
}

/// Starts signing in with a code: returns the code to show and the page to type it on. Then
/// call `github_finish_sign_in`, which waits for the person.
#[tauri::command]
#[specta::specta]
pub async fn github_start_sign_in(
    state: State<'_, AppState>,
    session: State<'_, GitHubSession>,
) -> Result<SignInCode, UserError> {
    session.0.start(state.desk()).await
}

/// Waits until the person approved the code on GitHub (or refused, or it ran out), then keeps
/// the token in the keyring and returns the account. `github_cancel_sign_in` stops the wait.
#[tauri::command]
#[specta::specta]
pub async fn github_finish_sign_in(
    state: State<'_, AppState>,
    session: State<'_, GitHubSession>,
) -> Result<Account, UserError> {
    session.0.finish(state.desk()).await
}

/// Stops waiting for a sign-in started with `github_start_sign_in`.
#[tauri::command]
#[specta::specta]
pub fn github_cancel_sign_in(session: State<'_, GitHubSession>) {
    session.0.cancel();
}

/// Signs in with a pasted personal access token: checked with GitHub, then kept only in the
/// keyring.
#[tauri::command]
#[specta::specta]
pub async fn github_sign_in_with_token(state: State<'_, AppState>, token: String) -> Result<Account, UserError> {
    github::sign_in_with_token(state.desk(), &token).await
}

/// Signs out: deletes the saved token from the keyring.
#[tauri::command]
#[specta::specta]
pub fn github_sign_out(state: State<'_, AppState>) -> Result<bool, UserError> {
    github::sign_out(state.desk())
}

/// The signed-in account's repositories whose name contains `filter` (empty: all).
#[tauri::command]
#[specta::specta]
pub async fn github_repositories(state: State<'_, AppState>, filter: String) -> Result<Vec<RepoSummary>, UserError> {
    github::repositories(state.desk(), &filter).await
}

/// Opens `full_name` from GitHub as the project: the first time, Patchdesk downloads its own
/// copy into the app's data folder (progress arrives as `CloneProgressed` events); later it
/// opens that copy. Safe to call again after any failure.
#[tauri::command]
#[specta::specta]
pub async fn connect_github_repository(
    app: AppHandle,
    state: State<'_, AppState>,
    full_name: String,
    clone_url: String,
) -> Result<Overview, UserError> {
    let desk = state.desk().clone();
    let progress_app = app.clone();
    let project = tauri::async_runtime::spawn_blocking(move || {
        let mut last = std::time::Instant::now() - std::time::Duration::from_secs(1);
        github::connect(&desk, &full_name, &clone_url, &mut |p| {
            let finished = p.total > 0 && p.indexed == p.total;
            if finished || last.elapsed() >= std::time::Duration::from_millis(100) {
                last = std::time::Instant::now();
                let _ = CloneProgressed { repository: full_name.clone(), progress: p }.emit(&progress_app);
            }
        })
    })
    .await
    .map_err(|e| UserError::new(Code::Internal, format!("The download stopped unexpectedly: {e}")))??;
    crate::commands::project::opened(&app, &state, project)
}
