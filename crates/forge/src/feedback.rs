//! What reviewers said about a review request, and what its checks say: the reviews
//! (approved, changes asked), the comments (on a file line, or on the request), and the head's
//! combined status and check runs, read from either forge into one [`Feedback`].

use serde::{Deserialize, Serialize};

/// The hidden mark on the comments Patchdesk itself writes ("Revision 2 from QAPod: …"), so
/// they are never counted or quoted as a reviewer's words.
pub const PATCHDESK_MARK: &str = "<!-- patchdesk -->";

/// What one review said.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Approved.
    Approved,
    /// Asked for changes.
    ChangesAsked,
    /// Only commented.
    Commented,
    /// An earlier verdict was dismissed.
    Dismissed,
}

/// One submitted review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct ReviewVerdict {
    /// Who reviewed (GitHub login, or "practice reviewer").
    pub reviewer: String,
    /// What they said.
    pub verdict: Verdict,
    /// The review's text (may be empty).
    pub body: String,
    /// When (RFC 3339), if the forge says.
    pub at: Option<String>,
}

/// One comment: on a line of a file (a review comment) or on the request itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct ReviewComment {
    /// Who wrote it.
    pub author: String,
    /// The text.
    pub body: String,
    /// The file it is about, for a comment on a line.
    pub path: Option<String>,
    /// The line (in the new version of the file), when the forge still knows it.
    pub line: Option<u32>,
    /// When (RFC 3339), if the forge says.
    pub at: Option<String>,
}

/// The checks of the request's head, in one word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum ChecksState {
    /// Every check finished well.
    Passing,
    /// At least one check failed.
    Failing,
    /// Some checks have not finished (and none failed).
    Running,
    /// The repository runs no checks on it.
    None,
}

/// One status or check run of the head.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct Check {
    /// Its name (`ci/build`, `test`).
    pub name: String,
    /// Passing, failing or running (never `none`).
    pub state: ChecksState,
}

/// The head's combined status and check runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct Checks {
    /// All of them in one word.
    pub state: ChecksState,
    /// Each one.
    pub each: Vec<Check>,
}

impl Checks {
    /// No checks.
    pub fn none() -> Checks {
        Checks { state: ChecksState::None, each: Vec::new() }
    }

    /// The one word for `each`: failing beats running beats passing.
    pub fn of(each: Vec<Check>) -> Checks {
        let state = if each.is_empty() {
            ChecksState::None
        } else if each.iter().any(|c| c.state == ChecksState::Failing) {
            ChecksState::Failing
        } else if each.iter().any(|c| c.state == ChecksState::Running) {
            ChecksState::Running
        } else {
            ChecksState::Passing
        };
        Checks { state, each }
    }
}

/// Where a request stands with its reviewers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    /// Nobody approved or asked for changes yet.
    Waiting,
    /// Approved, and nobody's last word is "changes".
    Approved,
    /// Someone's last word is "changes".
    ChangesAsked,
}

/// Everything reviewers said about a request, and its checks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct Feedback {
    /// Each submitted review, oldest first.
    pub reviews: Vec<ReviewVerdict>,
    /// Every comment (on lines and on the request, and review texts), oldest first; Patchdesk's
    /// own comments are left out.
    pub comments: Vec<ReviewComment>,
    /// The head's checks.
    pub checks: Checks,
}

/// [`Feedback`] in a few words, for a card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct FeedbackSummary {
    /// Waiting, approved, or changes asked.
    pub standing: Standing,
    /// Who asked for changes (their last word), in order.
    pub asked_by: Vec<String>,
    /// How many comments there are.
    pub comments: u32,
    /// The checks in one word.
    pub checks: ChecksState,
}

impl Feedback {
    /// Where the request stands: each reviewer's last approval or request for changes counts.
    pub fn standing(&self) -> (Standing, Vec<String>) {
        let mut last: Vec<(String, Verdict)> = Vec::new();
        for r in &self.reviews {
            if matches!(r.verdict, Verdict::Commented) {
                continue;
            }
            last.retain(|(who, _)| who != &r.reviewer);
            last.push((r.reviewer.clone(), r.verdict));
        }
        let asked: Vec<String> =
            last.iter().filter(|(_, v)| *v == Verdict::ChangesAsked).map(|(w, _)| w.clone()).collect();
        if !asked.is_empty() {
            (Standing::ChangesAsked, asked)
        } else if last.iter().any(|(_, v)| *v == Verdict::Approved) {
            (Standing::Approved, Vec::new())
        } else {
            (Standing::Waiting, Vec::new())
        }
    }

    /// The few words for a card.
    pub fn summary(&self) -> FeedbackSummary {
        let (standing, asked_by) = self.standing();
        FeedbackSummary {
            standing,
            asked_by,
            comments: u32::try_from(self.comments.len()).unwrap_or(u32::MAX),
            checks: self.checks.state,
        }
    }
}

/// True for a comment Patchdesk wrote itself.
pub fn is_patchdesk_comment(body: &str) -> bool {
    body.contains(PATCHDESK_MARK)
}

/// How a request is merged (GitHub's `merge_method`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum MergeMethod {
    /// A merge commit.
    Merge,
    /// One squashed commit.
    Squash,
    /// The commits rebased onto the base.
    Rebase,
}

impl MergeMethod {
    /// GitHub's word.
    pub fn as_str(self) -> &'static str {
        match self {
            MergeMethod::Merge => "merge",
            MergeMethod::Squash => "squash",
            MergeMethod::Rebase => "rebase",
        }
    }

    /// From GitHub's word.
    pub fn parse(s: &str) -> Option<MergeMethod> {
        match s.trim().to_ascii_lowercase().as_str() {
            "merge" => Some(MergeMethod::Merge),
            "squash" => Some(MergeMethod::Squash),
            "rebase" => Some(MergeMethod::Rebase),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn review(who: &str, verdict: Verdict) -> ReviewVerdict {
        ReviewVerdict { reviewer: who.into(), verdict, body: String::new(), at: None }
    }

    #[test]
    fn each_reviewers_last_word_counts() {
        let mut f = Feedback { reviews: Vec::new(), comments: Vec::new(), checks: Checks::none() };
        assert_eq!(f.standing().0, Standing::Waiting);
        f.reviews.push(review("ann", Verdict::ChangesAsked));
        f.reviews.push(review("bob", Verdict::Approved));
        assert_eq!(f.standing(), (Standing::ChangesAsked, vec!["ann".to_string()]));
        f.reviews.push(review("ann", Verdict::Commented));
        assert_eq!(f.standing().0, Standing::ChangesAsked);
        f.reviews.push(review("ann", Verdict::Approved));
        assert_eq!(f.standing().0, Standing::Approved);
    }

    #[test]
    fn failing_beats_running_beats_passing() {
        let c = |s| Check { name: "x".into(), state: s };
        assert_eq!(Checks::of(vec![]).state, ChecksState::None);
        assert_eq!(Checks::of(vec![c(ChecksState::Passing)]).state, ChecksState::Passing);
        assert_eq!(Checks::of(vec![c(ChecksState::Passing), c(ChecksState::Running)]).state, ChecksState::Running);
        assert_eq!(Checks::of(vec![c(ChecksState::Failing), c(ChecksState::Running)]).state, ChecksState::Failing);
    }
}
