//! Closing the review loop on a card: what reviewers said (and the checks), sending their words
//! back to the pod, merging, withdrawing, and the practice remote's reviewer. Each runs off the
//! window's thread (the forge blocks on the network).

use crate::state::AppState;
use patchdesk_desk::practice::{self, PracticeVerdict};
use patchdesk_desk::review::{self, MergeDone, SentBack, TaskReview, Withdrawn};
use patchdesk_desk::{MergeMethod, OffsetDateTime, Remote};
use patchdesk_error::UserError;
use tauri::State;

use super::blocking;

/// What reviewers said on `task`'s request: reviews, comments (file and line), checks, and the
/// ways the repository allows merging.
#[tauri::command]
#[specta::specta]
pub async fn task_review(state: State<'_, AppState>, task: String) -> Result<TaskReview, UserError> {
    let (workdir, desk) = (state.workdir()?, state.desk().clone());
    blocking("Reading the review", move || review::review_of_task(&desk, &workdir, &task)).await
}

/// "Send back to the pod": the revision prompt (for the clipboard), written and recorded in one
/// commit. A rerun with no new comments writes nothing.
#[tauri::command]
#[specta::specta]
pub async fn send_back_to_pod(state: State<'_, AppState>, task: String) -> Result<SentBack, UserError> {
    let (workdir, desk) = (state.workdir()?, state.desk().clone());
    blocking("Sending back", move || review::send_back_to_pod(&desk, &workdir, &task, OffsetDateTime::now_utc())).await
}

/// "Merge": refused while changes are asked or checks fail; `method` is needed when the
/// repository allows several. Then the task is done, its dependents ready, the board sent.
#[tauri::command]
#[specta::specta]
pub async fn merge_task(
    state: State<'_, AppState>,
    task: String,
    method: Option<MergeMethod>,
) -> Result<MergeDone, UserError> {
    let (workdir, desk) = (state.workdir()?, state.desk().clone());
    blocking("Merging", move || review::merge_task(&desk, &workdir, &task, method, OffsetDateTime::now_utc())).await
}

/// "Withdraw": the request closed, Patchdesk's branch deleted when it holds only its commit,
/// the task back with its pod, one commit with `reason`.
#[tauri::command]
#[specta::specta]
pub async fn withdraw_review(state: State<'_, AppState>, task: String, reason: String) -> Result<Withdrawn, UserError> {
    let (workdir, desk) = (state.workdir()?, state.desk().clone());
    blocking("Withdrawing", move || review::withdraw(&desk, &workdir, &task, &reason, OffsetDateTime::now_utc())).await
}

/// The practice reviewer (the practice remote only): approve request `number`, or ask for
/// changes with a comment (on a file's line when both are given).
#[tauri::command]
#[specta::specta]
pub async fn practice_review(
    state: State<'_, AppState>,
    number: u32,
    verdict: PracticeVerdict,
) -> Result<(), UserError> {
    let (workdir, desk) = (state.workdir()?, state.desk().clone());
    let remote = Remote::required(&workdir, None, None)?;
    blocking("The practice review", move || practice::review(&desk, &remote.url, u64::from(number), &verdict)).await
}
