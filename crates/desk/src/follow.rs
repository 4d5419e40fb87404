//! Following the review requests Patchdesk opened: merged → the task is done and waiting tasks
//! become ready; closed → back to its pod. After a merge the other open requests are made again
//! on the new base. The window's minute round ([`follow_up`]) also sends the board's commits.

use crate::board::{send_board, BoardSending};
use crate::{Desk, FollowReport, Remote, ReviewChange, ReviewState};
use patchdesk_error::UserError;
use serde::Serialize;
use std::path::Path;
use time::OffsetDateTime;

/// One open request made again on the new base after a merge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct RefreshedReview {
    /// Inbox item name.
    pub item: String,
    /// What happened, in words.
    pub words: String,
}

/// What following the reviews did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, specta::Type)]
pub struct Followed {
    /// Each request, what changed, and the one commit recording it.
    pub report: FollowReport,
    /// The other open requests made again after a merge (empty when nothing merged).
    pub refreshed: Vec<RefreshedReview>,
    /// Where the requests were asked about ("octo/hello on github.com", "the practice remote at …").
    pub forge: String,
}

/// Asks the forge behind `remote` about every review request Patchdesk opened and brings the
/// board up to date (one commit); after a merge, the other open requests are made again on the
/// new base. Cheap to call often: GitHub answers "not changed" without counting against the
/// limit when nothing happened. Blocks on the network.
pub fn follow_reviews(
    desk: &Desk,
    workdir: &Path,
    remote: &Remote,
    now: OffsetDateTime,
) -> Result<Followed, UserError> {
    let chosen = desk.forge(remote)?;
    let forge = chosen.forge.as_ref();
    let mut report =
        patchdesk_promote::lifecycle::follow_reviews(workdir, forge, now).map_err(|e| UserError::from(&e))?;
    // What reviewers said, and the checks, of every open request: each read conditional on
    // the answer kept from the last round.
    let (dir, mut cache) = crate::review::load_feedback_cache(workdir);
    let mut all_read = true;
    for r in report.reviews.iter_mut().filter(|r| r.review.state == ReviewState::Open) {
        match forge.feedback(r.review.number, &mut cache) {
            Ok(f) => r.feedback = Some(f.summary()),
            Err(e) => {
                all_read = false;
                r.warnings.push(format!("What reviewers said on #{} could not be read: {e}", r.review.number));
            }
        }
    }
    if all_read {
        // Answers for requests no longer open (or heads that moved) are not needed again.
        cache.forget_unused();
    }
    crate::review::save_feedback_cache(dir.as_deref(), forge.kind(), &cache);
    let refreshed = if report.reviews.iter().any(|r| r.change == ReviewChange::Merged) {
        let open: Vec<String> = report
            .reviews
            .iter()
            .filter(|r| r.review.state == ReviewState::Open)
            .map(|r| r.review.item.clone())
            .collect();
        patchdesk_promote::refresh::refresh_open(workdir, &remote.url, forge, &open)
            .into_iter()
            .map(|(item, words)| RefreshedReview { item, words })
            .collect()
    } else {
        Vec::new()
    };
    Ok(Followed { report, refreshed, forge: forge.describe() })
}

/// "Check reviews" on the board: [`follow_reviews`] for the project's `origin`, with what the
/// refresh said among the report's warnings. Nothing is asked (and no sign-in needed) while the
/// project has no remote or nothing was sent for review yet.
pub fn check_reviews(desk: &Desk, workdir: &Path, now: OffsetDateTime) -> Result<FollowReport, UserError> {
    let Some(remote) = Remote::origin(workdir) else {
        return Ok(FollowReport::default());
    };
    if crate::board::known_reviews(workdir).is_empty() {
        return Ok(FollowReport::default());
    }
    let followed = follow_reviews(desk, workdir, &remote, now)?;
    let mut report = followed.report;
    report.warnings.extend(followed.refreshed.into_iter().map(|r| r.words));
    Ok(report)
}

/// What one round of the background follow-up did.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct FollowUp {
    /// What following the reviews did (empty when nothing was asked).
    pub report: FollowReport,
    /// What sending the board's commits did, when they were sent.
    pub board: Option<BoardSending>,
    /// Why the reviews could not be followed or the board not sent (offline, signed out…).
    pub error: Option<UserError>,
}

impl FollowUp {
    /// True when the round changed something the lead should hear about.
    pub fn has_news(&self) -> bool {
        self.report.reviews.iter().any(|r| r.change != ReviewChange::Unchanged) || self.report.commit.is_some()
    }
}

/// One round of the follow-up the window runs every minute: [`check_reviews`], then the board's
/// commits (handoffs, follow-up, anything made while offline) sent to `origin`. `None` when the
/// project has no remote. A failure is kept in `error`, never thrown: the next round tries again.
pub fn follow_up(desk: &Desk, workdir: &Path, now: OffsetDateTime) -> Option<FollowUp> {
    let remote = Remote::origin(workdir)?;
    let report = match check_reviews(desk, workdir, now) {
        Ok(r) => r,
        Err(e) => return Some(FollowUp { report: FollowReport::default(), board: None, error: Some(e) }),
    };
    let (board, error) = match send_board(desk, workdir, &remote) {
        Ok(b) => (Some(b), None),
        Err(e) => (None, Some(e)),
    };
    Some(FollowUp { report, board, error })
}
