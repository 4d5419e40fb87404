//! "Undo merge" on a merged request's card: a review request that takes the change out again.
//! Runs off the window's thread (the forge blocks on the network).

use super::blocking;
use crate::state::AppState;
use patchdesk_desk::undo::{self, UndoDone};
use patchdesk_desk::OffsetDateTime;
use patchdesk_error::UserError;
use tauri::State;

/// Opens (or, on a rerun, returns) the review request that undoes `task`'s merged request;
/// when it is merged, following the reviews puts the task back in progress.
#[tauri::command]
#[specta::specta]
pub async fn undo_merge(state: State<'_, AppState>, task: String) -> Result<UndoDone, UserError> {
    let (workdir, desk) = (state.workdir()?, state.desk().clone());
    blocking("Undoing the merge", move || undo::undo_merge(&desk, &workdir, &task, OffsetDateTime::now_utc())).await
}
