//! The board: handing a task to another pod, the numbers, following review requests and
//! sending the board's commits. The minute's follow-up runs in the background ([`start`]).

use super::blocking;
use crate::events::ReviewsFollowed;
use crate::state::AppState;
use patchdesk_desk::background::Rounds;
use patchdesk_desk::board::{self, HandoffSent};
use patchdesk_desk::{follow, KnownReview, Metrics, OffsetDateTime};
use patchdesk_error::{Code, UserError};
use std::time::Duration;
use tauri::{AppHandle, Manager, State};
use tauri_specta::Event;

/// How often the review requests are followed while a project is open.
const FOLLOW_EVERY: Duration = Duration::from_secs(60);

/// Hands `task` to pod `to` (the handoff log, the task, the prompt packet, one commit on the
/// current branch), then sends the board's commits to the remote; a send that failed (offline)
/// is said in the answer and left to the minute's round.
#[tauri::command]
#[specta::specta]
pub async fn hand_off_task(
    state: State<'_, AppState>,
    task: String,
    to: String,
    reason: String,
    files: Vec<String>,
    related_patch: Option<String>,
) -> Result<HandoffSent, UserError> {
    let workdir = state.workdir()?;
    let desk = state.desk().clone();
    let now = OffsetDateTime::now_utc();
    blocking("Handing off", move || {
        let request = board::HandoffRequest {
            input_files: &files,
            related_patch: related_patch.as_deref(),
            ..board::HandoffRequest::new(&task, &to, &reason)
        };
        board::hand_off_then_send(&desk, &workdir, &request, now)
    })
    .await
}

/// The project's numbers for the metrics view: patches per pod per week, lead times, merge
/// rate, repairs and rejections per pod, computed from the repository's logs and
/// `metrics/metrics.yaml`. Files that could not be read are listed in `problems`.
#[tauri::command]
#[specta::specta]
pub fn project_metrics(state: State<'_, AppState>) -> Result<Metrics, UserError> {
    Ok(board::metrics(&state.workdir()?))
}

/// "Check reviews": asks GitHub (or the practice remote) about every review request Patchdesk
/// opened and brings the board up to date (merged → done, closed → back to its pod, one
/// commit), then sends the board's commits: the minute's round, now. A failure is in `error`.
#[tauri::command]
#[specta::specta]
pub async fn follow_reviews(state: State<'_, AppState>) -> Result<ReviewsFollowed, UserError> {
    let workdir = state.workdir()?;
    let desk = state.desk().clone();
    let done =
        tauri::async_runtime::spawn_blocking(move || follow::follow_up(&desk, &workdir, OffsetDateTime::now_utc()))
            .await
            .map_err(|e| UserError::new(Code::Internal, format!("Checking the reviews stopped unexpectedly: {e}")))?;
    Ok(done.map(ReviewsFollowed::from).unwrap_or_default())
}

/// What is known about each review request without asking anyone (for the board's cards).
#[tauri::command]
#[specta::specta]
pub fn known_reviews(state: State<'_, AppState>) -> Result<Vec<KnownReview>, UserError> {
    Ok(board::known_reviews(&state.workdir()?))
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
