//! "Undo merge" on a merged request's card: a review request that takes exactly the merged
//! change out of the base again (built in the object store, pushed on its own branch, never
//! forced), and the task back in progress once that request is merged (following the reviews
//! notices it; see [`patchdesk_promote::undo`]).

use crate::{Desk, ReviewState};
use patchdesk_error::UserError;
use serde::Serialize;
use std::path::Path;
use time::OffsetDateTime;

/// What "Undo merge" did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct UndoDone {
    /// The task.
    pub task: String,
    /// The merged request that is undone.
    pub reverts: u64,
    /// The undo's review request number.
    pub number: u64,
    /// Its link.
    pub url: String,
    /// Its branch (`patchdesk/undo/f2.2-1`).
    pub branch: String,
    /// The one commit on it, taking the change out.
    pub commit: String,
    /// Where the undo's request stands (open until someone merges it).
    pub state: ReviewState,
    /// False when a rerun found the undo's request already there: nothing was sent.
    pub new: bool,
}

/// "Undo merge" on `task`'s merged request: opens (or, on a rerun, returns) the review request
/// that reverts it. Refused in a sentence, with nothing written or sent, when the task's
/// request is not merged or later changes touched the same lines. Blocks on the network.
pub fn undo_merge(desk: &Desk, workdir: &Path, task: &str, now: OffsetDateTime) -> Result<UndoDone, UserError> {
    let known = crate::review::task_request(workdir, task).ok_or_else(|| {
        UserError::new(
            patchdesk_error::Code::NotMerged,
            format!("Task {task} has no review request from Patchdesk, so there is no merge to undo."),
        )
    })?;
    let remote = crate::review::remote_of(workdir, &known)?;
    let chosen = desk.forge(&remote)?;
    let task_id = known.task_id.clone().unwrap_or_else(|| task.trim().to_string());
    let title = patchdesk_intake::Queue::open(workdir)
        .ok()
        .and_then(|q| q.get(&known.item).ok())
        .and_then(|i| i.summary)
        .unwrap_or_else(|| known.item.clone());
    let req = patchdesk_promote::undo::UndoRequest {
        workdir,
        remote_url: &remote.url,
        reverts: &known,
        task: &task_id,
        title: &title,
        author: chosen.author.clone(),
        now,
    };
    let out = patchdesk_promote::undo::undo_merge(&req, chosen.forge.as_ref()).map_err(|e| UserError::from(&e))?;
    let rec = out.record;
    Ok(UndoDone {
        task: rec.task,
        reverts: rec.reverts,
        number: rec.number.unwrap_or_default(),
        url: rec.url.unwrap_or_default(),
        branch: rec.branch,
        commit: rec.commit,
        state: rec.state,
        new: out.new,
    })
}
