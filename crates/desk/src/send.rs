//! "Send for review": the recorded, resumable promote of an inbox item to a branch, one commit
//! and a review request, the same for the window, the CLI and the pod API.

use crate::{Desk, PromoteOutcome, PromotePreview, Remote, StepEvent};
use patchdesk_error::UserError;
use patchdesk_promote::PromoteRequest;
use serde::Deserialize;
use std::path::Path;

/// What the lead chose; blank or missing means the default.
#[derive(Debug, Clone, Default, Deserialize, specta::Type)]
pub struct SendChoices {
    /// Base branch (blank: the settings', else the remote's default branch).
    pub base: Option<String>,
    /// Open the review request as a draft (missing: the settings').
    pub draft: Option<bool>,
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
    /// Open a new review request even when the item's task has one open already (by default
    /// the item is that request's next revision: one more commit on its branch and a comment).
    #[serde(default)]
    pub new_request: bool,
}

/// What "Send for review" will use for item `name` unless the lead changes it.
pub fn preview(workdir: &Path, name: &str) -> Result<PromotePreview, UserError> {
    patchdesk_promote::preview(workdir, name).map_err(|e| UserError::from(&e))
}

/// Sends item `name` of the project at `workdir` for review to `remote`: one branch, one commit
/// with the delivery logs, pushed, and a review request opened (or found, when an earlier
/// attempt got that far). When the item's task already has an open request (opened from
/// another item), the item updates it instead (`updated: true` in the outcome): one more commit
/// on its branch, on top of whatever is there, and a comment "Revision N from <Pod>: <summary>";
/// `choices.new_request` opens a second request instead. `on_event` hears each step. Safe to run again after any failure.
/// Blocks on the network: front ends with a window call it off the window's thread.
pub fn send_for_review(
    desk: &Desk,
    workdir: &Path,
    name: &str,
    remote: &Remote,
    choices: SendChoices,
    on_event: &dyn Fn(StepEvent),
) -> Result<PromoteOutcome, UserError> {
    let chosen = desk.forge(remote)?;
    let mut req = PromoteRequest::new(workdir, name, &remote.url);
    req.author = chosen.author;
    req.base = choices.base.filter(|b| !b.trim().is_empty());
    req.draft = choices.draft;
    req.branch = choices.branch;
    req.title = choices.title;
    req.body = choices.body;
    req.labels = choices.labels;
    req.reviewers = choices.reviewers;
    req.confirmed_risks = choices.confirmed_risks;
    req.new_request = choices.new_request;
    patchdesk_promote::promote(&req, chosen.forge.as_ref(), on_event).map_err(|e| UserError::from(&e))
}
