//! The board: handing a task to another pod.

use crate::state::AppState;
use patchdesk_error::{Code, UserError};
use crate::commands::github::project_forge;
use patchdesk_project::lifecycle::{self, review_states, FollowReport, KnownReview};
use patchdesk_project::record::{hand_off_with, HandedOff};
use serde::Serialize;
use tauri::State;

/// A handoff as the board shows it: what was recorded, and the prompt for the receiving pod.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct Handoff {
    pub handed: HandedOff,
    /// The prompt packet's text, for the clipboard.
    pub prompt: String,
}

/// Hands `task` to pod `to`: appends to the handoff log, updates the task, writes the prompt
/// packet, and records all of it as one commit on the current branch.
#[tauri::command]
#[specta::specta]
pub fn hand_off_task(
    state: State<'_, AppState>,
    task: String,
    to: String,
    reason: String,
    files: Vec<String>,
    related_patch: Option<String>,
) -> Result<Handoff, UserError> {
    state.with_project(|p| {
        let now = time::OffsetDateTime::now_utc();
        let handed = hand_off_with(p.workdir(), &task, &to, &reason, &files, related_patch.as_deref(), now).map_err(|e| UserError::from(&e))?;
        let path = p.workdir().join(&handed.prompt_path);
        let prompt = std::fs::read_to_string(&path)
            .map_err(|e| UserError::new(Code::Io, format!("The prompt was written but could not be read back from {}: {e}", path.display())))?;
        Ok(Handoff { handed, prompt })
    })
}

/// The project's numbers for the metrics view: patches per pod per week, lead times, merge
/// rate, repairs and rejections per pod, computed from the repository's logs and
/// `metrics/metrics.yaml`. Files that could not be read are listed in `problems`.
#[tauri::command]
#[specta::specta]
pub fn project_metrics(state: State<'_, AppState>) -> Result<patchdesk_logs::Metrics, UserError> {
    state.with_project(|p| Ok(patchdesk_logs::compute_metrics(p.workdir())))
}

/// Asks GitHub (or the practice remote) about every review request Patchdesk opened and brings
/// the board up to date: merged → the task is done and waiting tasks become ready; closed →
/// back to its pod with a note. One commit records the changes. Cheap to call often: GitHub
/// answers "not changed" without counting against the limit when nothing happened.
#[tauri::command]
#[specta::specta]
pub async fn follow_reviews(state: State<'_, AppState>) -> Result<FollowReport, UserError> {
    let (workdir, remote) = state.with_project(|p| Ok((p.workdir().to_path_buf(), p.summary().remote.map(|r| r.url))))?;
    let Some(remote) = remote else {
        return Ok(FollowReport::default());
    };
    if review_states(&workdir).is_empty() {
        return Ok(FollowReport::default());
    }
    let data_dir = state.data_dir().to_path_buf();
    tauri::async_runtime::spawn_blocking(move || {
        let (forge, _) = project_forge(&data_dir, &remote)?;
        let mut report = lifecycle::follow_reviews(&workdir, forge.as_ref(), time::OffsetDateTime::now_utc()).map_err(|e| UserError::from(&e))?;
        // After a merge the other open requests sit on an older base: make them again on it.
        if report.reviews.iter().any(|r| r.change == lifecycle::ReviewChange::Merged) {
            let open: Vec<String> = report.reviews.iter().filter(|r| r.state == patchdesk_forge::ReviewState::Open).map(|r| r.item.clone()).collect();
            for (_, words) in patchdesk_promote::refresh::refresh_open(&workdir, &remote, forge.as_ref(), &open) {
                report.warnings.push(words);
            }
        }
        Ok(report)
    })
    .await
    .map_err(|e| UserError::new(Code::Internal, format!("Checking the reviews stopped unexpectedly: {e}")))?
}

/// What is known about each review request without asking anyone (for the board's cards).
#[tauri::command]
#[specta::specta]
pub fn known_reviews(state: State<'_, AppState>) -> Result<Vec<KnownReview>, UserError> {
    state.with_project(|p| Ok(review_states(p.workdir())))
}

/// What sending the board's commits did, with a sentence for the window.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct BoardSending {
    pub sent: patchdesk_promote::board::BoardSent,
    pub words: String,
}

/// Sends the board's commits (handoffs, review follow-up) to the remote's default branch; a
/// protected branch gets them as one review request. Never forced, never overwrites newer
/// remote work. Offline: an error with code `offline`, and they wait for the next try.
#[tauri::command]
#[specta::specta]
pub async fn send_board_changes(state: State<'_, AppState>) -> Result<Option<BoardSending>, UserError> {
    let (workdir, remote) = state.with_project(|p| Ok((p.workdir().to_path_buf(), p.summary().remote.map(|r| r.url))))?;
    let Some(remote) = remote else {
        return Ok(None);
    };
    let data_dir = state.data_dir().to_path_buf();
    tauri::async_runtime::spawn_blocking(move || {
        let (forge, _) = project_forge(&data_dir, &remote)?;
        let sent = patchdesk_promote::board::send_board(&workdir, &remote, forge.as_ref()).map_err(|e| UserError::from(&e))?;
        Ok(Some(BoardSending { words: sent.describe(), sent }))
    })
    .await
    .map_err(|e| UserError::new(Code::Internal, format!("Sending the board stopped unexpectedly: {e}")))?
}
