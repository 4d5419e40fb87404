//! Where reviewed work goes for review: a **forge**.
//!
//! Two forges share one trait, [`Forge`], so promote has a single code path:
//!
//! - [`GitHub`]: pull requests through GitHub's REST API (octocrab), against github.com, a
//!   GitHub Enterprise Server, or the test stand-in; see [`ApiBase`].
//! - [`PracticeRemote`]: a bare repository on this disk used as `origin` (the demo, and teams
//!   trying Patchdesk before connecting GitHub). Review requests are recorded inside it; see
//!   the [`practice`] module for the layout.
//!
//! Signing in (OAuth device flow or a pasted personal access token) and keeping the token in
//! the OS keyring is in [`signin`]. A token is carried as a [`Secret`]: it never appears in an
//! error message, a `Debug` print or a serialised value of this crate.

pub mod credentials;
pub mod feedback;
pub mod git_failure;
pub mod github;
pub mod kept_answers;
pub mod practice;
pub mod signin;

pub use credentials::GitCredentials;
pub use feedback::{
    Check, Checks, ChecksState, Feedback, FeedbackSummary, MergeMethod, ReviewComment, ReviewVerdict, Standing, Verdict,
};
pub use git_failure::GitFailure;
pub use github::{check_token, list_repositories, plain_network_words, Account, ApiBase, GitHub, RepoSummary};
pub use kept_answers::FeedbackCache;
pub use patchdesk_secrets::Secret;
pub use practice::PracticeRemote;

use patchdesk_error::{Code, Coded};
use serde::{Deserialize, Serialize};

/// Whether a review request is still waiting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum ReviewState {
    /// Waiting for review.
    Open,
    /// Its branch was merged into the base.
    Merged,
    /// Closed without merging.
    Closed,
}

/// A pull request on GitHub, or a review request on the practice remote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct ReviewRequest {
    /// Number (`#12`).
    pub number: u64,
    /// Title.
    pub title: String,
    /// Body (markdown).
    pub body: String,
    /// The branch with the work.
    pub branch: String,
    /// The branch it should go into.
    pub base: String,
    /// Open, merged or closed.
    pub state: ReviewState,
    /// Where a person can look at it (a web page, or a path on disk for the practice remote).
    pub url: String,
    /// Draft flag.
    pub draft: bool,
}

/// The answer to "has review request n changed?" (see [`Forge::review_status`]).
// One short-lived value per poll: boxing the request would only cost an allocation.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum ReviewPoll {
    /// Nothing changed since the answer the given ETag belongs to.
    NotModified,
    /// The request as it is now.
    Changed {
        /// The request.
        review: ReviewRequest,
        /// The tag to send next time (`None` when the forge gives none).
        etag: Option<String>,
        /// When it was merged (RFC 3339), if it was and the forge says.
        merged_at: Option<String>,
        /// When it was closed or merged (RFC 3339), if it was and the forge says.
        closed_at: Option<String>,
    },
}

/// Where a merged request went into its base (see [`Forge::merge_commit`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergeCommit {
    /// The merge commit, the squash commit, or the last commit a rebase merge made.
    pub sha: String,
    /// How many commits the request had (a rebase merge puts that many on the base, made one
    /// after another by the same committer as `sha`, within seconds).
    pub commits: u32,
}

/// What to open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewReview {
    /// Title.
    pub title: String,
    /// Body (markdown), already under the forge's size limit.
    pub body: String,
    /// Branch with the work (already pushed).
    pub branch: String,
    /// Base branch.
    pub base: String,
    /// Open as a draft.
    pub draft: bool,
}

/// Which kind of forge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum ForgeKind {
    /// GitHub or GitHub Enterprise Server.
    GitHub,
    /// A bare repository on this disk.
    Practice,
}

/// A place that takes review requests. Methods block; call them off the UI thread (the app
/// uses `spawn_blocking`). Every method maps failures to a [`ForgeError`] in plain words.
pub trait Forge: Send + Sync {
    /// GitHub or practice remote.
    fn kind(&self) -> ForgeKind;
    /// A short name for messages: `octo/hello on GitHub`.
    fn describe(&self) -> String;
    /// The sign-in git may offer, and only to the signed-in host ([`GitCredentials::for_url`]);
    /// `None` for a forge without one (the practice remote).
    fn git_credentials(&self) -> Option<&GitCredentials>;
    /// The repository's default branch.
    fn default_branch(&self) -> Result<String, ForgeError>;
    /// Opens a review request. A request already open for the branch gives
    /// [`ForgeError::ReviewExists`]; a branch with nothing new gives [`ForgeError::NoChanges`].
    fn open_review(&self, new: &NewReview) -> Result<ReviewRequest, ForgeError>;
    /// The open review request for `branch` into `base`, if there is one.
    fn find_open_review(&self, branch: &str, base: &str) -> Result<Option<ReviewRequest>, ForgeError>;
    /// Adds labels (existing ones are kept; unknown labels are created).
    fn add_labels(&self, number: u64, labels: &[String]) -> Result<(), ForgeError>;
    /// Asks people to review.
    fn request_reviewers(&self, number: u64, reviewers: &[String]) -> Result<(), ForgeError>;
    /// Every review request, newest first.
    fn list_reviews(&self) -> Result<Vec<ReviewRequest>, ForgeError>;
    /// The current state of request `number`, cheaply. Given the `etag` of an earlier
    /// [`ReviewPoll::Changed`], an unchanged request answers [`ReviewPoll::NotModified`] (on
    /// GitHub a conditional request, which does not count against the rate limit). An unknown
    /// number gives [`ForgeError::ReviewNotFound`].
    fn review_status(&self, number: u64, etag: Option<&str>) -> Result<ReviewPoll, ForgeError>;
    /// True when the git remote address `remote_url` is this forge's repository.
    fn serves(&self, remote_url: &str) -> bool;
    /// A link to a file as it is on `branch` (used when a PR body is trimmed).
    fn file_link(&self, branch: &str, path: &str) -> String;
    /// A link that finds the review request of `branch`, known before it exists.
    fn review_link_for_branch(&self, branch: &str) -> String;
    /// What reviewers said about request `number` (reviews, comments on lines and on the
    /// request) and the checks of its head. An unknown number gives
    /// [`ForgeError::ReviewNotFound`]. Each read is conditional on the answer kept in `cache`
    /// (on GitHub, `If-None-Match`: an unchanged resource costs a `304`, which does not count
    /// against the rate limit, and its kept answer is used); new answers are kept there.
    fn feedback(&self, number: u64, cache: &mut FeedbackCache) -> Result<Feedback, ForgeError>;
    /// The ways the repository allows merging, in GitHub's order (merge, squash, rebase).
    fn merge_methods(&self) -> Result<Vec<MergeMethod>, ForgeError>;
    /// Merges request `number` with `method`; returns the commit now at the tip of its base.
    fn merge(&self, number: u64, method: MergeMethod) -> Result<String, ForgeError>;
    /// Closes request `number` without merging it (a closed one stays as it is).
    fn close(&self, number: u64) -> Result<(), ForgeError>;
    /// Writes a comment on request `number`, marked as Patchdesk's own
    /// ([`feedback::PATCHDESK_MARK`]) so it is never taken for a reviewer's.
    fn comment(&self, number: u64, body: &str) -> Result<(), ForgeError>;
    /// Deletes `branch` only while its tip is still `only_if_at` (nobody else added to it);
    /// true when it was deleted, false when it was gone already or holds other commits.
    fn delete_branch(&self, branch: &str, only_if_at: &str) -> Result<bool, ForgeError>;
    /// The commit that put merged request `number` into its base (the merge commit, the squash
    /// commit, or the last of the commits a rebase put there), with how many commits the
    /// request had; `None` while it is not merged, or when the forge cannot tell.
    fn merge_commit(&self, number: u64) -> Result<Option<MergeCommit>, ForgeError>;
}

/// What went wrong talking to a forge. Messages are plain sentences with a next step, and
/// never contain a token.
#[derive(Debug, thiserror::Error)]
pub enum ForgeError {
    /// 401: the token was refused.
    #[error("GitHub did not accept your sign-in; it may have been revoked or have expired. Sign in to GitHub again in Patchdesk.")]
    AuthRejected,
    /// 403 with the rate limit used up.
    #[error("GitHub's limit on requests for your account was reached. {}", reset_words(*.reset))]
    RateLimited {
        /// When the limit resets (Unix seconds), if GitHub said.
        reset: Option<u64>,
    },
    /// 403 for lack of permission.
    #[error("Your GitHub account may not {action} in {repo}: {detail}. Ask an owner of the repository for write access, or sign in with an account that has it.")]
    PermissionDenied {
        /// What was attempted, in words.
        action: String,
        /// `owner/name`.
        repo: String,
        /// GitHub's own message.
        detail: String,
    },
    /// 404 for the repository.
    #[error("The repository {repo} was not found, or your account cannot see it. Check the name, and that you are signed in with an account that has access.")]
    RepoNotFound {
        /// `owner/name` or a path.
        repo: String,
    },
    /// 422: no commits between base and branch.
    #[error("The branch {branch} has nothing that {base} does not already have, so there is nothing to review. The change may already be merged.")]
    NoChanges {
        /// Work branch.
        branch: String,
        /// Base branch.
        base: String,
    },
    /// 404 for one review request of a repository that exists.
    #[error("Review request #{number} was not found in {repo}; it may have been deleted.")]
    ReviewNotFound {
        /// Its number.
        number: u64,
        /// `owner/name` or a path.
        repo: String,
    },
    /// 422: a pull request for the branch already exists.
    #[error("A pull request for {branch} is already open.")]
    ReviewExists {
        /// Work branch.
        branch: String,
    },
    /// 422: any other validation failure.
    #[error("GitHub refused the request: {detail}. Check the branch, labels and reviewers in the repository's Patchdesk settings.")]
    Invalid {
        /// GitHub's message and field errors.
        detail: String,
    },
    /// The network could not be reached.
    #[error("Could not reach {host}: {detail}. Check the internet connection; the item stays in the inbox and can be sent later.")]
    Offline {
        /// Host name.
        host: String,
        /// What the connection reported.
        detail: String,
    },
    /// Something else: a bad answer, a failing disk.
    #[error("{0}")]
    Unexpected(String),
    /// The remote git would talk to is not the signed-in host over https, so nothing was sent
    /// there.
    #[error("{}", not_signed_in_host_words(remote, host, *why))]
    RemoteNotSignedInHost {
        /// The remote's address (without any user name or password).
        remote: String,
        /// The signed-in host (`github.com`).
        host: String,
        /// What is wrong with it.
        why: OtherRemote,
    },
}

/// Why a remote is not the signed-in host (see [`ForgeError::RemoteNotSignedInHost`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OtherRemote {
    /// Another server (or an address Patchdesk cannot read safely).
    Elsewhere,
    /// The signed-in host, but over plain http.
    PlainHttp,
    /// Reached over ssh, where the GitHub sign-in does not apply.
    Ssh,
}

fn not_signed_in_host_words(remote: &str, host: &str, why: OtherRemote) -> String {
    match why {
        OtherRemote::PlainHttp => format!(
            "This project's remote ({remote}) uses plain http, which others on the network can read, so Patchdesk did not send your GitHub sign-in there. Change the remote's address to start with https://."
        ),
        OtherRemote::Ssh => format!(
            "This project's remote ({remote}) is reached over ssh, and Patchdesk sends changes only over https with your GitHub sign-in. Change the remote's address to https://{host}/OWNER/NAME.git."
        ),
        OtherRemote::Elsewhere => format!(
            "This project's remote ({remote}) is not on GitHub ({host}), so Patchdesk did not send your GitHub sign-in there. Point the project's remote at GitHub, or sign in to that server."
        ),
    }
}

fn reset_words(reset: Option<u64>) -> String {
    let Some(reset) = reset else { return "Try again in an hour.".to_string() };
    let now = time::OffsetDateTime::now_utc().unix_timestamp().max(0) as u64;
    let minutes = reset.saturating_sub(now).div_ceil(60);
    let at = time::OffsetDateTime::from_unix_timestamp(reset as i64)
        .ok()
        .and_then(|t| t.format(time::macros::format_description!("[hour]:[minute] UTC")).ok())
        .unwrap_or_else(|| "soon".into());
    format!("It resets at {at} (in about {minutes} minutes); try again after that.")
}

impl Coded for ForgeError {
    fn code(&self) -> Code {
        match self {
            ForgeError::AuthRejected => Code::AuthRejected,
            ForgeError::RateLimited { .. } => Code::RateLimited,
            ForgeError::PermissionDenied { .. } => Code::PermissionDenied,
            ForgeError::RepoNotFound { .. } => Code::RemoteRepoNotFound,
            ForgeError::ReviewNotFound { .. } => Code::ItemNotFound,
            ForgeError::NoChanges { .. } => Code::NoChanges,
            ForgeError::ReviewExists { .. } => Code::ReviewExists,
            ForgeError::Invalid { .. } => Code::RequestInvalid,
            ForgeError::Offline { .. } => Code::Offline,
            ForgeError::Unexpected(_) => Code::Internal,
            ForgeError::RemoteNotSignedInHost { .. } => Code::RemoteNotSignedInHost,
        }
    }
}

/// A git-safe branch name from a pattern such as `chatgpt/<pod>/<task_id>`.
///
/// Placeholders: `<pod>` (short pod name, `dev`), `<task_id>`, `<category>`. Each value is
/// lower-cased and reduced to letters, digits, `.`, `_` and `-`; `..`, leading dots and dashes,
/// and a trailing `.lock` are removed, so the result is a valid git ref name. Returns `None`
/// when nothing usable is left.
pub fn branch_name(pattern: &str, pod: &str, task_id: &str, category: &str) -> Option<String> {
    let clean = |v: &str| -> String {
        let mut out = String::new();
        for c in v.trim().chars().flat_map(char::to_lowercase) {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                out.push(c);
            } else if !out.ends_with('-') {
                out.push('-');
            }
        }
        while out.contains("..") {
            out = out.replace("..", ".");
        }
        let out = out.trim_matches(|c| c == '.' || c == '-').to_string();
        out.strip_suffix(".lock").map(str::to_string).unwrap_or(out)
    };
    let filled = pattern
        .replace("<pod>", &clean(pod))
        .replace("<task_id>", &clean(task_id))
        .replace("<category>", &clean(category));
    let parts: Vec<String> = filled
        .split('/')
        .map(|p| {
            let mut s = p.trim().to_string();
            while s.contains("..") {
                s = s.replace("..", ".");
            }
            s.chars()
                .map(|c| if c.is_control() || " ~^:?*[\\".contains(c) { '-' } else { c })
                .collect::<String>()
                .trim_matches(|c| c == '.' || c == '-')
                .trim_end_matches(".lock")
                .to_string()
        })
        .filter(|p| !p.is_empty())
        .collect();
    let name = parts.join("/");
    if name.is_empty() || name.contains("@{") || name == "@" {
        return None;
    }
    git2::Reference::is_valid_name(&format!("refs/heads/{name}")).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn branch_names_are_git_safe_and_lower_case() {
        assert_eq!(
            branch_name("chatgpt/<pod>/<task_id>", "dev", "F4.3_RTP guidance", "").as_deref(),
            Some("chatgpt/dev/f4.3_rtp-guidance")
        );
        assert_eq!(
            branch_name("chatgpt/<pod>/<task_id>", "QA", "../../etc/x.lock", "").as_deref(),
            Some("chatgpt/qa/etc-x")
        );
        assert_eq!(
            branch_name("chatgpt/auto/<category>/<task_id>", "dev", "2.3_build", "dev").as_deref(),
            Some("chatgpt/auto/dev/2.3_build")
        );
        assert_eq!(branch_name("<task_id>", "dev", "...", ""), None);
        for weird in ["a b", "x~y^z:w", "@{u}", "-lead", "ünï"] {
            let b = branch_name("chatgpt/<pod>/<task_id>", "dev", weird, "").unwrap();
            assert!(git2::Reference::is_valid_name(&format!("refs/heads/{b}")), "{b}");
        }
    }

    #[test]
    fn errors_have_codes_and_plain_words() {
        let e = ForgeError::RateLimited { reset: Some(time::OffsetDateTime::now_utc().unix_timestamp() as u64 + 1800) };
        assert_eq!(e.code(), Code::RateLimited);
        assert!(e.to_string().contains("in about 30 minutes"), "{e}");
        assert_eq!(ForgeError::NoChanges { branch: "b".into(), base: "main".into() }.code(), Code::NoChanges);
    }
}
