//! The one description of a review request Patchdesk opened for an inbox item: [`KnownReview`].
//!
//! Promote makes it when the request is opened (from its record, [`PromoteRecord::review`]);
//! following the reviews keeps its last known state, ETag and times in the lifecycle's local
//! file; the board's cards show it; a follow report carries it with what changed. The forge's
//! own answer ([`patchdesk_forge::ReviewRequest`]: title, body, draft) is what GitHub or the
//! practice remote says about a request, not Patchdesk's record of it.

use patchdesk_forge::ReviewState;
use serde::{Deserialize, Serialize};

use crate::record::PromoteRecord;

/// A review request Patchdesk opened for an inbox item, as last known.
///
/// Stored in `.patchdesk/lifecycle.json` (one per item, under the item's name) and read back
/// from files written by earlier versions, which lack the fields marked "kept since": those
/// read as `None`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct KnownReview {
    /// Inbox item name.
    pub item: String,
    /// The task, when known.
    pub task_id: Option<String>,
    /// The pod holding the task (its key), else the pod promote recorded.
    pub pod: Option<String>,
    /// Pull request / review request number.
    pub number: u64,
    /// Its link.
    pub url: String,
    /// Last known state (`open` for a request never checked since it was opened).
    pub state: ReviewState,
    /// When it was last checked (RFC 3339), `None` when never.
    #[specta(optional)]
    pub checked_at: Option<String>,
    /// The git address of the remote it was opened on (never with credentials).
    #[specta(optional)]
    pub remote: Option<String>,
    /// The branch with the change (kept since the lifecycle moved into promote).
    #[specta(optional)]
    pub branch: Option<String>,
    /// The branch it goes into (kept since the lifecycle moved into promote).
    #[specta(optional)]
    pub base: Option<String>,
    /// The commit Patchdesk put on the branch (kept since the lifecycle moved into promote).
    #[specta(optional)]
    pub head: Option<String>,
    /// The forge's tag of the last answer, for a cheap "not modified".
    #[specta(optional)]
    pub etag: Option<String>,
    /// The state whose transition (in review, done, back to its pod) was carried out.
    #[specta(optional)]
    pub applied: Option<ReviewState>,
    /// When it was merged (RFC 3339), if it was and the forge said.
    #[specta(optional)]
    pub merged_at: Option<String>,
    /// When it was closed or merged (RFC 3339), if the forge said.
    #[specta(optional)]
    pub closed_at: Option<String>,
    /// How many versions of the change the request has had: 1 as opened, 2 after the pod's
    /// first revision was added to it (counted from the promote records, never stored).
    #[specta(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revisions: Option<u32>,
}

impl PromoteRecord {
    /// The review request this promote opened, once it is open: as it was opened, never
    /// checked since.
    pub fn review(&self) -> Option<KnownReview> {
        if self.revision_of.is_some() {
            return None;
        }
        Some(KnownReview {
            item: self.item.clone(),
            task_id: None,
            pod: self.pod.clone(),
            number: self.review_number?,
            url: self.review_url.clone().unwrap_or_default(),
            state: ReviewState::Open,
            checked_at: None,
            remote: Some(self.remote.clone()).filter(|r| !r.is_empty()),
            branch: self.branch.clone(),
            base: self.base.clone(),
            head: self.commit.clone(),
            etag: None,
            applied: None,
            merged_at: None,
            closed_at: None,
            revisions: None,
        })
    }
}
