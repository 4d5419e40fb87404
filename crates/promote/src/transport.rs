//! Talking git to the remote: list its branches, fetch into Patchdesk's own refs, push one
//! branch. The token goes only into git's credentials callback, which gives up after one
//! refused try (libgit2 would otherwise ask again and again on 401).

use std::cell::{Cell, RefCell};

use git2::{Direction, Repository};
use patchdesk_forge::git_failure::{branch_moved, classify, GitFailure};
use patchdesk_forge::{ForgeError, GitCredentials};

use crate::PromoteError;

/// Where fetched remote branches are kept: never the user's own refs.
pub const FETCH_PREFIX: &str = "refs/patchdesk/remote";
/// Local refs pointing at promote commits (the push source; keeps them from garbage collection).
pub const PROMOTE_PREFIX: &str = "refs/patchdesk/promote";

/// What git's credentials callback was asked during one connection.
#[derive(Default)]
struct Asked {
    /// How many times the sign-in was offered.
    tries: Cell<u32>,
    /// A server the sign-in was asked for but is not the signed-in host (after a redirect).
    refused: RefCell<Option<String>>,
}

/// The remote at `url` may be talked to with `creds` (see [`GitCredentials::check_remote`]):
/// nothing at all is sent to a remote that is not the signed-in host.
fn check(creds: Option<&GitCredentials>, url: &str) -> Result<(), PromoteError> {
    match creds {
        Some(c) => c.check_remote(url).map_err(PromoteError::Forge),
        None => Ok(()),
    }
}

fn callbacks<'a>(creds: Option<&'a GitCredentials>, asked: &'a Asked) -> git2::RemoteCallbacks<'a> {
    let mut cb = git2::RemoteCallbacks::new();
    if let Some(creds) = creds {
        // Asked with the address of the server that wants it, on every request: a redirect
        // may have led somewhere else than the remote.
        cb.credentials(move |url, _user, allowed| {
            let Some(token) =
                creds.for_url(url).filter(|_| allowed.contains(git2::CredentialType::USER_PASS_PLAINTEXT))
            else {
                *asked.refused.borrow_mut() = Some(url.to_string());
                return Err(git2::Error::from_str("the sign-in is only for the signed-in host"));
            };
            asked.tries.set(asked.tries.get() + 1);
            if asked.tries.get() > 1 {
                return Err(git2::Error::from_str("the remote refused the saved sign-in"));
            }
            git2::Cred::userpass_plaintext("x-access-token", token.expose())
        });
    }
    cb
}

/// The host part of a remote address, for messages (`github.com`, the folder for a path).
fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    let authority = rest.split('/').next().unwrap_or(rest);
    authority.rsplit('@').next().unwrap_or(authority).to_string()
}

/// Maps a git failure while talking to `url`.
fn network_error(
    url: &str,
    action: &str,
    e: &git2::Error,
    creds: Option<&GitCredentials>,
    asked: &Asked,
) -> PromoteError {
    if let (Some(c), Some(other)) = (creds, asked.refused.borrow().as_deref()) {
        let other = other.split(['?', '#']).next().unwrap_or(other);
        return PromoteError::Forge(c.refusal(other));
    }
    let failure = classify(e, asked.tries.get());
    // libgit2's code and class only: its message may quote the address.
    tracing::warn!(host = %host_of(url), action, git_code = ?e.code(), git_class = ?e.class(), ?failure, "git could not talk to the remote");
    match failure {
        GitFailure::SignInRefused if creds.is_none() => PromoteError::Forge(ForgeError::Unexpected(format!(
            "{url} asked for a sign-in, and Patchdesk has none to give it. Use a remote that needs no sign-in, or connect the project to GitHub."
        ))),
        GitFailure::SignInRefused => PromoteError::Forge(ForgeError::AuthRejected),
        GitFailure::Forbidden => {
            PromoteError::Forge(ForgeError::PermissionDenied { action: action.to_string(), repo: url.to_string(), detail: "the remote refused access".into() })
        }
        GitFailure::RepoNotFound => PromoteError::Forge(ForgeError::RepoNotFound { repo: url.to_string() }),
        GitFailure::Offline(words) => PromoteError::Forge(ForgeError::Offline { host: host_of(url), detail: words.to_string() }),
        GitFailure::NotFastForward | GitFailure::Declined | GitFailure::Other => {
            PromoteError::Git { action: action.to_string(), detail: format!("the remote at {} gave an answer Patchdesk does not understand", host_of(url)) }
        }
    }
}

fn anonymous<'r>(repo: &'r Repository, url: &str) -> Result<git2::Remote<'r>, PromoteError> {
    repo.remote_anonymous(url).map_err(|_| PromoteError::Git {
        action: "read the remote's address".into(),
        detail: format!("{url} is not an address git can use"),
    })
}

/// The remote's branches (name → commit).
pub(crate) type RemoteHeads = Vec<(String, git2::Oid)>;

/// The remote's branches and its default branch.
pub(crate) fn list_remote(
    repo: &Repository,
    url: &str,
    creds: Option<&GitCredentials>,
) -> Result<(RemoteHeads, Option<String>), PromoteError> {
    check(creds, url)?;
    let mut remote = anonymous(repo, url)?;
    let asked = Asked::default();
    let conn = remote.connect_auth(Direction::Fetch, Some(callbacks(creds, &asked)), None);
    let mut conn = match conn {
        Ok(c) => c,
        Err(e) => return Err(network_error(url, "read the remote's branches", &e, creds, &asked)),
    };
    let heads: Vec<(String, git2::Oid)> = conn
        .remote()
        .list()
        .map_err(|e| network_error(url, "read the remote's branches", &e, creds, &asked))?
        .iter()
        .filter_map(|h| h.name().strip_prefix("refs/heads/").map(|n| (n.to_string(), h.oid())))
        .collect();
    let default = conn
        .default_branch()
        .ok()
        .and_then(|b| b.as_str().ok().map(|s| s.trim_start_matches("refs/heads/").to_string()));
    Ok((heads, default))
}

/// Fetches branches into `refs/patchdesk/remote/<key>/<branch>`; returns nothing on success.
pub(crate) fn fetch(
    repo: &Repository,
    url: &str,
    creds: Option<&GitCredentials>,
    key: &str,
    branches: &[&str],
) -> Result<(), PromoteError> {
    check(creds, url)?;
    let mut remote = anonymous(repo, url)?;
    let specs: Vec<String> = branches.iter().map(|b| format!("+refs/heads/{b}:{FETCH_PREFIX}/{key}/{b}")).collect();
    let asked = Asked::default();
    let mut opts = git2::FetchOptions::new();
    opts.remote_callbacks(callbacks(creds, &asked));
    opts.download_tags(git2::AutotagOption::None);
    opts.update_fetchhead(false);
    remote
        .fetch(&specs, Some(&mut opts), Some("patchdesk: fetch for promote"))
        .map_err(|e| network_error(url, "fetch from the remote", &e, creds, &asked))
}

/// Pushes local ref `source` to `refs/heads/<branch>` (never forced).
pub(crate) fn push(
    repo: &Repository,
    url: &str,
    creds: Option<&GitCredentials>,
    source: &str,
    branch: &str,
) -> Result<(), PromoteError> {
    push_ref(repo, url, creds, source, branch, None).map(|_| ())
}

/// Replaces `refs/heads/<branch>` with local ref `source`, only while the remote branch still
/// points at `expected` (the commit Patchdesk last saw there): a lease, as git's
/// `--force-with-lease`. libgit2 has none, so the lease is kept in two places:
///
/// - in the push's negotiation, which sees the remote's branch as advertised on the very
///   connection that pushes: anything but `expected` stops the push before anything is sent;
/// - by the git server, which moves the branch only when it still holds the old commit the
///   push names (the `old new ref` line of the protocol), and that old commit is `expected`.
///
/// What remains is a server that does not check the old commit (a plain git server does): then
/// a push landing between the advertisement and the update could be replaced; the caller
/// reads the branch back afterwards ([`crate::refresh`] does).
///
/// `Ok(false)`: the branch was not at `expected`, and nothing was replaced.
pub(crate) fn push_replacing(
    repo: &Repository,
    url: &str,
    creds: Option<&GitCredentials>,
    source: &str,
    branch: &str,
    expected: git2::Oid,
) -> Result<bool, PromoteError> {
    push_ref(repo, url, creds, source, branch, Some(expected))
}

/// Pushes; `Ok(false)` when a lease was given and the branch was elsewhere.
fn push_ref(
    repo: &Repository,
    url: &str,
    creds: Option<&GitCredentials>,
    source: &str,
    branch: &str,
    lease: Option<git2::Oid>,
) -> Result<bool, PromoteError> {
    check(creds, url)?;
    let mut remote = anonymous(repo, url)?;
    let asked = Asked::default();
    let rejected: RefCell<Option<String>> = RefCell::new(None);
    let moved = Cell::new(false);
    let target = format!("refs/heads/{branch}");
    {
        let mut cb = callbacks(creds, &asked);
        cb.push_update_reference(|_name, status| {
            if let Some(s) = status {
                *rejected.borrow_mut() = Some(s.to_string());
            }
            Ok(())
        });
        if let Some(expected) = lease {
            let (target, moved) = (&target, &moved);
            cb.push_negotiation(move |updates| {
                if updates.iter().any(|u| u.dst_refname().ok() == Some(target.as_str()) && u.src() != expected) {
                    moved.set(true);
                    return Err(git2::Error::from_str("the branch moved"));
                }
                Ok(())
            });
        }
        let mut opts = git2::PushOptions::new();
        opts.remote_callbacks(cb);
        let spec = format!("{}{source}:{target}", if lease.is_some() { "+" } else { "" });
        if let Err(e) = remote.push(&[spec.as_str()], Some(&mut opts)) {
            if moved.get() {
                return Ok(false);
            }
            return Err(match classify(&e, asked.tries.get()) {
                GitFailure::NotFastForward => PromoteError::PushRejected {
                    branch: branch.to_string(),
                    detail: "it has changed there since Patchdesk last looked".into(),
                },
                GitFailure::Declined => PromoteError::PushRejected {
                    branch: branch.to_string(),
                    detail: "the remote does not take changes to it directly".into(),
                },
                _ => network_error(url, "push the branch", &e, creds, &asked),
            });
        }
    }
    if let Some(reason) = rejected.into_inner() {
        if lease.is_some() && branch_moved(&reason) {
            // The server found the branch elsewhere than the old commit the push named.
            return Ok(false);
        }
        // The server's own words (GitHub's "protected branch hook declined"), not git's.
        return Err(PromoteError::PushRejected { branch: branch.to_string(), detail: reason });
    }
    Ok(true)
}

/// A short stable key for a remote URL, used in fetched ref names.
pub(crate) fn remote_key(url: &str) -> String {
    // FNV-1a: stable across versions, unlike the standard library's hasher.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in url.trim().bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}
