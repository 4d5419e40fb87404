//! Sending the board's commits (handoffs, PR lifecycle updates) to the remote.
//!
//! Handoffs and lifecycle updates are committed on the project's current branch and nothing
//! more. [`send_board`] takes them the rest of the way, only when that branch is the remote's
//! default branch:
//!
//! - the remote's default branch is fetched into Patchdesk's own refs
//!   (`refs/patchdesk/remote/…`) and compared with the local branch;
//! - when the remote is behind, the local commits are pushed to it (never forced);
//! - when the remote refuses that push (a protected branch, a hook, or a commit that landed
//!   meanwhile), the commits go to a branch `patchdesk/board-<commit>` and a review request is
//!   opened for it — or the open one for earlier board changes is extended and reused;
//! - when the remote has commits the project does not, nothing is pushed or overwritten: the
//!   result says so, and the project has to be brought up to date first.
//!
//! The working tree, the index and the user's refs are never touched: the only refs written
//! are under `refs/patchdesk/`.

use std::path::Path;

use git2::{Oid, Repository};
use patchdesk_forge::{Forge, ForgeError, NewReview, ReviewRequest};
use serde::{Deserialize, Serialize};

use crate::transport::{self, FETCH_PREFIX};
use crate::PromoteError;

/// Prefix of the branches board changes go on when the default branch refuses them.
pub const BOARD_BRANCH_PREFIX: &str = "patchdesk/board-";
/// Local ref holding the commit being sent (the push source; never a user's ref).
pub const BOARD_SOURCE_REF: &str = "refs/patchdesk/board/send";

/// How many commits a review request's description lists before summing up the rest.
const LISTED_COMMITS: usize = 100;
/// GitHub refuses titles longer than this.
const TITLE_LIMIT: usize = 250;

/// What [`send_board`] did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum BoardSent {
    /// The project is not on the remote's default branch; nothing was sent.
    NotOnDefaultBranch {
        /// The branch the project is on (empty when no branch is checked out).
        branch: String,
        /// The remote's default branch.
        default: String,
    },
    /// The remote already has every commit; nothing to send.
    UpToDate {
        /// The default branch.
        branch: String,
    },
    /// The commits were pushed to the default branch.
    Sent {
        /// The default branch.
        branch: String,
        /// How many commits were sent.
        commits: u32,
    },
    /// The default branch refused the push, so the commits went on their own branch with a
    /// review request (pull request) for someone to merge.
    AsReview {
        /// Review request number.
        number: u64,
        /// Where to look at it.
        url: String,
        /// The branch holding the commits.
        branch: String,
        /// The default branch the request goes into.
        base: String,
        /// How many commits it holds.
        commits: u32,
    },
    /// The remote has newer commits and there is nothing here to send.
    Behind {
        /// The default branch.
        branch: String,
        /// How many commits the remote has that the project does not.
        commits: u32,
    },
    /// Both sides have commits the other lacks; nothing was pushed or overwritten.
    Diverged {
        /// The default branch.
        branch: String,
        /// Commits here that the remote lacks.
        local: u32,
        /// Commits on the remote that the project lacks.
        remote: u32,
    },
}

fn changes(n: u32) -> String {
    if n == 1 { "1 board change".to_string() } else { format!("{n} board changes") }
}

fn commits(n: u32) -> String {
    if n == 1 { "1 newer commit".to_string() } else { format!("{n} newer commits") }
}

impl BoardSent {
    /// One or two plain sentences for the board.
    pub fn describe(&self) -> String {
        match self {
            BoardSent::NotOnDefaultBranch { branch, default } if branch.is_empty() => {
                format!("No branch is checked out in the project, so board changes were not sent. They are sent only from {default}.")
            }
            BoardSent::NotOnDefaultBranch { branch, default } => {
                format!("The project is on the branch {branch}, not {default}, so board changes were not sent. They are sent only from {default}.")
            }
            BoardSent::UpToDate { branch } => format!("Everything is sent: {branch} on the remote already has every board change."),
            BoardSent::Sent { branch, commits } => format!("Sent {} to {branch} on the remote.", changes(*commits)),
            BoardSent::AsReview { number, branch, base, commits, .. } => format!(
                "The remote does not take changes to {base} directly (the branch is protected, or it changed meanwhile), so {} went as pull request #{number} from the branch {branch}. They reach {base} when it is merged.",
                changes(*commits)
            ),
            BoardSent::Behind { branch, commits: n } => format!(
                "{branch} on the remote has {} and there is nothing here to send. Bring the project up to date to see them.",
                commits(*n)
            ),
            BoardSent::Diverged { branch, local, remote } => format!(
                "{branch} on the remote has {} that the project does not have, and the project has {} the remote does not. Nothing was sent or overwritten. Bring the project up to date first, then send again.",
                commits(*remote),
                changes(*local)
            ),
        }
    }
}

fn git_err(action: &'static str) -> impl Fn(git2::Error) -> PromoteError {
    move |e| PromoteError::Git { action: action.to_string(), detail: e.message().to_string() }
}

/// True when a URL names a user or password (`https://user:pw@host/...`).
fn has_credentials(url: &str) -> bool {
    url.split_once("://").is_some_and(|(_, rest)| rest.split('/').next().is_some_and(|host| host.contains('@')))
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Sends the board's commits on the project's current branch to the remote at `remote_url`
/// (see the module documentation). Blocking (git and network); the app runs it off the UI
/// thread. Offline, it fails with the same offline error as promote, and changes nothing: the
/// commits wait and a later call sends them.
pub fn send_board(workdir: &Path, remote_url: &str, forge: &dyn Forge) -> Result<BoardSent, PromoteError> {
    if has_credentials(remote_url) {
        return Err(PromoteError::Config("the remote address carries a user name or password; Patchdesk uses the saved sign-in instead. Remove the credentials from the address.".into()));
    }
    let repo = Repository::open(workdir).map_err(|_| PromoteError::Git { action: "open the repository".into(), detail: format!("there is no git repository at {}", workdir.display()) })?;
    let token = forge.git_token().cloned();
    let key = transport::remote_key(remote_url);

    let (heads, listed_default) = transport::list_remote(&repo, remote_url, token.as_ref())?;
    let has = |b: &str| heads.iter().any(|(n, _)| n == b);
    let default = match listed_default.clone().filter(|d| has(d)).or_else(|| ["main", "master"].into_iter().find(|b| has(b)).map(str::to_string)).or(listed_default) {
        Some(d) => d,
        None => forge.default_branch()?,
    };

    // The project's branch, and its newest commit.
    let head = repo.head().ok();
    let branch = head.as_ref().filter(|h| h.is_branch()).and_then(|h| h.shorthand().ok().map(str::to_string)).unwrap_or_default();
    if branch != default {
        return Ok(BoardSent::NotOnDefaultBranch { branch, default });
    }
    let Some(local) = head.as_ref().and_then(|h| h.target()) else {
        // An unborn branch: no commits yet, so nothing to send.
        return Ok(match heads.iter().find(|(n, _)| *n == default) {
            Some(_) => BoardSent::Behind { branch: default, commits: 0 },
            None => BoardSent::UpToDate { branch: default },
        });
    };

    // The remote's side, fetched into Patchdesk's own refs.
    let remote = if has(&default) {
        transport::fetch(&repo, remote_url, token.as_ref(), &key, &[default.as_str()])?;
        let fetched = repo
            .find_reference(&format!("{FETCH_PREFIX}/{key}/{default}"))
            .ok()
            .and_then(|r| r.target())
            .ok_or_else(|| PromoteError::Git { action: "fetch the default branch".into(), detail: format!("{default} was not fetched") })?;
        Some(fetched)
    } else {
        None
    };

    let to_send = match remote {
        Some(r) if r == local => return Ok(BoardSent::UpToDate { branch: default }),
        Some(r) => {
            let (ahead, behind) = repo.graph_ahead_behind(local, r).map_err(git_err("compare the project with the remote"))?;
            match (ahead, behind) {
                (0, b) => return Ok(BoardSent::Behind { branch: default, commits: count(b) }),
                (a, 0) => count(a),
                (a, b) => return Ok(BoardSent::Diverged { branch: default, local: count(a), remote: count(b) }),
            }
        }
        None => count(new_commits(&repo, local, None)?.len()),
    };

    repo.reference(BOARD_SOURCE_REF, local, true, "patchdesk: board changes to send").map_err(git_err("keep the commit to send"))?;
    match transport::push(&repo, remote_url, token.as_ref(), BOARD_SOURCE_REF, &default) {
        Ok(()) => Ok(BoardSent::Sent { branch: default, commits: to_send }),
        Err(PromoteError::PushRejected { .. }) => as_review(&repo, remote_url, forge, &heads, &default, local, remote),
        Err(e) => Err(e),
    }
}

/// The commits of `local` that `remote` lacks, newest first.
fn new_commits(repo: &Repository, local: Oid, remote: Option<Oid>) -> Result<Vec<Oid>, PromoteError> {
    let mut walk = repo.revwalk().map_err(git_err("list the commits to send"))?;
    walk.set_sorting(git2::Sort::TOPOLOGICAL | git2::Sort::TIME).map_err(git_err("list the commits to send"))?;
    walk.push(local).map_err(git_err("list the commits to send"))?;
    if let Some(r) = remote {
        walk.hide(r).map_err(git_err("list the commits to send"))?;
    }
    walk.collect::<Result<Vec<_>, _>>().map_err(git_err("list the commits to send"))
}

fn subject(repo: &Repository, oid: Oid) -> String {
    repo.find_commit(oid).ok().and_then(|c| c.summary().ok().flatten().map(str::to_string)).unwrap_or_else(|| oid.to_string()[..8].to_string())
}

/// The default branch refused the push: the commits go on a board branch with a review
/// request. An open request for earlier board changes (a board branch whose tip the project
/// builds on) is extended and reused rather than a second one opened.
fn as_review(repo: &Repository, url: &str, forge: &dyn Forge, heads: &transport::RemoteHeads, base: &str, local: Oid, remote: Option<Oid>) -> Result<BoardSent, PromoteError> {
    let token = forge.git_token().cloned();
    let list = new_commits(repo, local, remote)?;
    let n = count(list.len());

    // An earlier board branch this one continues, whose review request is still open.
    let mut earlier: Vec<(&str, Oid)> = heads
        .iter()
        .filter(|(name, tip)| {
            name.starts_with(BOARD_BRANCH_PREFIX)
                && (*tip == local || repo.graph_descendant_of(local, *tip).unwrap_or(false))
                && remote.is_none_or(|r| *tip != r && !repo.graph_descendant_of(r, *tip).unwrap_or(false))
        })
        .map(|(name, tip)| (name.as_str(), *tip))
        .collect();
    // The most recent (closest to the project's commit) first.
    earlier.sort_by_key(|(_, tip)| std::cmp::Reverse(repo.graph_ahead_behind(*tip, remote.unwrap_or(*tip)).map(|(a, _)| a).unwrap_or(0)));
    for (name, tip) in earlier {
        if let Some(review) = forge.find_open_review(name, base)? {
            if tip != local {
                transport::push(repo, url, token.as_ref(), BOARD_SOURCE_REF, name)?;
            }
            return Ok(as_review_result(review, name, base, n));
        }
    }

    let branch = format!("{BOARD_BRANCH_PREFIX}{}", &local.to_string()[..8]);
    match heads.iter().find(|(name, _)| *name == branch) {
        Some((_, tip)) if *tip == local => {}
        _ => transport::push(repo, url, token.as_ref(), BOARD_SOURCE_REF, &branch)?,
    }
    if let Some(review) = forge.find_open_review(&branch, base)? {
        return Ok(as_review_result(review, &branch, base, n));
    }
    let newest = subject(repo, local);
    let mut title = format!("Board changes: {newest}");
    if n > 1 {
        title.push_str(&format!(" and {} more", n - 1));
    }
    if title.chars().count() > TITLE_LIMIT {
        title = title.chars().take(TITLE_LIMIT - 1).collect::<String>() + "…";
    }
    let new = NewReview { title, body: review_body(repo, &list, base), branch: branch.clone(), base: base.to_string(), draft: false };
    let review = match forge.open_review(&new) {
        Ok(r) => r,
        Err(ForgeError::ReviewExists { .. }) => forge.find_open_review(&branch, base)?.ok_or_else(|| {
            PromoteError::Forge(ForgeError::Invalid { detail: format!("a pull request for {branch} is said to exist, but none is open into {base}") })
        })?,
        Err(ForgeError::Offline { host, detail }) => match forge.find_open_review(&branch, base) {
            // The answer may have been lost after the request was opened.
            Ok(Some(r)) => r,
            _ => return Err(PromoteError::Forge(ForgeError::Offline { host, detail })),
        },
        Err(e) => return Err(e.into()),
    };
    Ok(as_review_result(review, &branch, base, n))
}

fn as_review_result(review: ReviewRequest, branch: &str, base: &str, commits: u32) -> BoardSent {
    BoardSent::AsReview { number: review.number, url: review.url, branch: branch.to_string(), base: base.to_string(), commits }
}

fn review_body(repo: &Repository, list: &[Oid], base: &str) -> String {
    let mut body = format!(
        "Changes Patchdesk made on the board (handoffs, task updates). {base} does not take them directly, so they wait here to be merged.\n\n## Commits\n\n"
    );
    for oid in list.iter().take(LISTED_COMMITS) {
        body.push_str(&format!("- {} ({})\n", subject(repo, *oid), &oid.to_string()[..8]));
    }
    if list.len() > LISTED_COMMITS {
        body.push_str(&format!("- … and {} more\n", list.len() - LISTED_COMMITS));
    }
    crate::body::fit_own_text(&body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_outcome_is_described_in_plain_words() {
        let cases = [
            (BoardSent::NotOnDefaultBranch { branch: "feature".into(), default: "main".into() }, "on the branch feature, not main"),
            (BoardSent::NotOnDefaultBranch { branch: String::new(), default: "main".into() }, "No branch is checked out"),
            (BoardSent::UpToDate { branch: "main".into() }, "already has every board change"),
            (BoardSent::Sent { branch: "main".into(), commits: 1 }, "Sent 1 board change to main"),
            (BoardSent::Sent { branch: "main".into(), commits: 3 }, "Sent 3 board changes to main"),
            (
                BoardSent::AsReview { number: 7, url: "u".into(), branch: "patchdesk/board-0123abcd".into(), base: "main".into(), commits: 2 },
                "2 board changes went as pull request #7 from the branch patchdesk/board-0123abcd",
            ),
            (BoardSent::Behind { branch: "main".into(), commits: 1 }, "has 1 newer commit and there is nothing here to send"),
            (BoardSent::Diverged { branch: "main".into(), local: 2, remote: 1 }, "Nothing was sent or overwritten. Bring the project up to date first"),
        ];
        for (sent, words) in cases {
            assert!(sent.describe().contains(words), "{}", sent.describe());
        }
    }

    #[test]
    fn the_app_gets_a_tagged_object() {
        let v = serde_json::to_value(BoardSent::Diverged { branch: "main".into(), local: 2, remote: 1 }).unwrap();
        assert_eq!(v, serde_json::json!({"kind": "diverged", "branch": "main", "local": 2, "remote": 1}));
    }
}
