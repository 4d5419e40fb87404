//! The board: handing a task to another pod, the numbers, following review requests and
//! sending the board's commits. The minute's follow-up runs in the background ([`start`]).

use crate::events::ReviewsFollowed;
use crate::state::AppState;
use patchdesk_desk::board::{self, BoardSending, Handoff};
use patchdesk_desk::background::Rounds;
use patchdesk_desk::{follow, FollowReport, KnownReview, Metrics, OffsetDateTime, Remote};
use patchdesk_error::{Code, UserError};
use std::time::Duration;
use tauri::{AppHandle, Manager, State};
use tauri_specta::Event;

/// How often the review requests are followed while a project is open.
const FOLLOW_EVERY: Duration = Duration::from_secs(60);

/// Hands `task` to pod `to`: appends to the handoff log, updates the task, writes the prompt
/// packet, and records all of it as one commit on the current branch.
#[tauri::command]
#[specta::specta]
pub fn hand_off_task(state: State<'_, AppState>, task: String, to: String, reason: String, files: Vec<String>, related_patch: Option<String>) -> Result<Handoff, UserError> {
    let workdir = state.workdir()?;
    board::hand_off(&workdir, &task, &to, &reason, &files, related_patch.as_deref(), OffsetDateTime::now_utc())
}

/// The project's numbers for the metrics view: patches per pod per week, lead times, merge
/// rate, repairs and rejections per pod, computed from the repository's logs and
/// `metrics/metrics.yaml`. Files that could not be read are listed in `problems`.
#[tauri::command]
#[specta::specta]
pub fn project_metrics(state: State<'_, AppState>) -> Result<Metrics, UserError> {
    Ok(board::metrics(&state.workdir()?))
}

/// Asks GitHub (or the practice remote) about every review request Patchdesk opened and brings
/// the board up to date: merged → the task is done and waiting tasks become ready; closed →
/// back to its pod with a note. One commit records the changes. Cheap to call often: GitHub
/// answers "not changed" without counting against the limit when nothing happened.
#[tauri::command]
#[specta::specta]
pub async fn follow_reviews(state: State<'_, AppState>) -> Result<FollowReport, UserError> {
    let workdir = state.workdir()?;
    let desk = state.desk().clone();
    tauri::async_runtime::spawn_blocking(move || follow::check_reviews(&desk, &workdir, OffsetDateTime::now_utc()))
        .await
        .map_err(|e| UserError::new(Code::Internal, format!("Checking the reviews stopped unexpectedly: {e}")))?
}

/// What is known about each review request without asking anyone (for the board's cards).
#[tauri::command]
#[specta::specta]
pub fn known_reviews(state: State<'_, AppState>) -> Result<Vec<KnownReview>, UserError> {
    Ok(board::known_reviews(&state.workdir()?))
}

/// Sends the board's commits (handoffs, review follow-up) to the remote's default branch; a
/// protected branch gets them as one review request. Never forced, never overwrites newer
/// remote work. Offline: an error with code `offline`, and they wait for the next try.
#[tauri::command]
#[specta::specta]
pub async fn send_board_changes(state: State<'_, AppState>) -> Result<Option<BoardSending>, UserError> {
    let workdir = state.workdir()?;
    let Some(remote) = Remote::origin(&workdir) else {
        return Ok(None);
    };
    let desk = state.desk().clone();
    tauri::async_runtime::spawn_blocking(move || board::send_board(&desk, &workdir, &remote).map(Some))
        .await
        .map_err(|e| UserError::new(Code::Internal, format!("Sending the board stopped unexpectedly: {e}")))?
}

/// The background follow-up, kept for as long as the app runs.
pub struct FollowingReviews(#[allow(dead_code)] Rounds);

/// Starts following the review requests every minute while a project with a remote is open:
/// each round ([`follow::follow_up`]) is told to the window as `ReviewsFollowed`.
pub fn start(app: &AppHandle) {
    let round_app = app.clone();
    let round = move || {
        let state = round_app.state::<AppState>();
        let Some(workdir) = state.open_workdir() else { return };
        if let Some(done) = follow::follow_up(state.desk(), &workdir, OffsetDateTime::now_utc()) {
            let _ = ReviewsFollowed::from(done).emit(&round_app);
        }
    };
    if let Ok(rounds) = Rounds::start("patchdesk-follow-up", FOLLOW_EVERY, round) {
        app.manage(FollowingReviews(rounds));
    }
}
