//! Talking git to the remote: list its branches, fetch into Patchdesk's own refs, push one
//! branch. The token goes only into git's credentials callback, which gives up after one
//! refused try (libgit2 would otherwise ask again and again on 401).

use std::cell::Cell;

use git2::{Direction, Repository};
use patchdesk_secrets::Secret;

use crate::PromoteError;

/// Where fetched remote branches are kept: never the user's own refs.
pub const FETCH_PREFIX: &str = "refs/patchdesk/remote";
/// Local refs pointing at promote commits (the push source; keeps them from garbage collection).
pub const PROMOTE_PREFIX: &str = "refs/patchdesk/promote";

fn callbacks<'a>(token: Option<&'a Secret>, tries: &'a Cell<u32>) -> git2::RemoteCallbacks<'a> {
    let mut cb = git2::RemoteCallbacks::new();
    if let Some(token) = token {
        cb.credentials(move |_url, _user, _allowed| {
            tries.set(tries.get() + 1);
            if tries.get() > 1 {
                return Err(git2::Error::from_str("the remote refused the saved sign-in"));
            }
            git2::Cred::userpass_plaintext("x-access-token", token.expose())
        });
    }
    cb
}

/// Maps a git failure while talking to `url`.
pub(crate) fn network_error(url: &str, action: &str, e: &git2::Error, tries: u32) -> PromoteError {
    let msg = e.message().to_string();
    let lower = msg.to_lowercase();
    if tries > 1 || lower.contains("refused the saved sign-in") || lower.contains("401") || lower.contains("authentication") {
        return PromoteError::Forge(patchdesk_forge::ForgeError::AuthRejected);
    }
    if lower.contains("403") {
        return PromoteError::Forge(patchdesk_forge::ForgeError::PermissionDenied {
            action: action.to_string(),
            repo: url.to_string(),
            detail: "the remote refused access".into(),
        });
    }
    if lower.contains("404") || lower.contains("not found") || lower.contains("could not find repository") || lower.contains("not a git repository") {
        return PromoteError::Forge(patchdesk_forge::ForgeError::RepoNotFound { repo: url.to_string() });
    }
    let network = matches!(e.class(), git2::ErrorClass::Net | git2::ErrorClass::Http | git2::ErrorClass::Ssl | git2::ErrorClass::Os)
        || lower.contains("failed to connect")
        || lower.contains("could not resolve")
        || lower.contains("connection refused")
        || lower.contains("timed out");
    if network {
        let host = url.split("://").nth(1).and_then(|r| r.split('/').next()).unwrap_or(url).to_string();
        return PromoteError::Forge(patchdesk_forge::ForgeError::Offline { host, detail: msg });
    }
    PromoteError::Git { action: action.to_string(), detail: msg }
}

/// The remote's branches (name → commit).
pub(crate) type RemoteHeads = Vec<(String, git2::Oid)>;

/// The remote's branches and its default branch.
pub(crate) fn list_remote(repo: &Repository, url: &str, token: Option<&Secret>) -> Result<(RemoteHeads, Option<String>), PromoteError> {
    let mut remote = repo.remote_anonymous(url).map_err(|e| PromoteError::Git { action: "read the remote's address".into(), detail: e.message().to_string() })?;
    let tries = Cell::new(0);
    let conn = remote.connect_auth(Direction::Fetch, Some(callbacks(token, &tries)), None);
    let mut conn = match conn {
        Ok(c) => c,
        Err(e) => return Err(network_error(url, "read the remote's branches", &e, tries.get())),
    };
    let heads: Vec<(String, git2::Oid)> = conn
        .remote()
        .list()
        .map_err(|e| network_error(url, "read the remote's branches", &e, tries.get()))?
        .iter()
        .filter_map(|h| h.name().strip_prefix("refs/heads/").map(|n| (n.to_string(), h.oid())))
        .collect();
    let default = conn.default_branch().ok().and_then(|b| b.as_str().ok().map(|s| s.trim_start_matches("refs/heads/").to_string()));
    Ok((heads, default))
}

/// Fetches branches into `refs/patchdesk/remote/<key>/<branch>`; returns nothing on success.
pub(crate) fn fetch(repo: &Repository, url: &str, token: Option<&Secret>, key: &str, branches: &[&str]) -> Result<(), PromoteError> {
    let mut remote = repo.remote_anonymous(url).map_err(|e| PromoteError::Git { action: "read the remote's address".into(), detail: e.message().to_string() })?;
    let specs: Vec<String> = branches.iter().map(|b| format!("+refs/heads/{b}:{FETCH_PREFIX}/{key}/{b}")).collect();
    let tries = Cell::new(0);
    let mut opts = git2::FetchOptions::new();
    opts.remote_callbacks(callbacks(token, &tries));
    opts.download_tags(git2::AutotagOption::None);
    opts.update_fetchhead(false);
    remote.fetch(&specs, Some(&mut opts), Some("patchdesk: fetch for promote")).map_err(|e| network_error(url, "fetch from the remote", &e, tries.get()))
}

/// Pushes local ref `source` to `refs/heads/<branch>` (never forced).
pub(crate) fn push(repo: &Repository, url: &str, token: Option<&Secret>, source: &str, branch: &str) -> Result<(), PromoteError> {
    push_ref(repo, url, token, source, branch, false)
}

/// Replaces `refs/heads/<branch>` with local ref `source`. Only for a branch Patchdesk made and
/// whose tip the caller has just checked is still Patchdesk's own commit.
pub(crate) fn push_replacing(repo: &Repository, url: &str, token: Option<&Secret>, source: &str, branch: &str) -> Result<(), PromoteError> {
    push_ref(repo, url, token, source, branch, true)
}

fn push_ref(repo: &Repository, url: &str, token: Option<&Secret>, source: &str, branch: &str, replace: bool) -> Result<(), PromoteError> {
    let mut remote = repo.remote_anonymous(url).map_err(|e| PromoteError::Git { action: "read the remote's address".into(), detail: e.message().to_string() })?;
    let tries = Cell::new(0);
    let rejected: std::cell::RefCell<Option<String>> = std::cell::RefCell::new(None);
    {
        let mut cb = callbacks(token, &tries);
        cb.push_update_reference(|_name, status| {
            if let Some(s) = status {
                *rejected.borrow_mut() = Some(s.to_string());
            }
            Ok(())
        });
        let mut opts = git2::PushOptions::new();
        opts.remote_callbacks(cb);
        let spec = format!("{}{source}:refs/heads/{branch}", if replace { "+" } else { "" });
        if let Err(e) = remote.push(&[spec.as_str()], Some(&mut opts)) {
            let msg = e.message().to_lowercase();
            if msg.contains("non-fastforward") || msg.contains("not fast-forward") || msg.contains("fast forward") || msg.contains("hook") || msg.contains("rejected") {
                return Err(PromoteError::PushRejected { branch: branch.to_string(), detail: e.message().to_string() });
            }
            return Err(network_error(url, "push the branch", &e, tries.get()));
        }
    }
    if let Some(reason) = rejected.into_inner() {
        return Err(PromoteError::PushRejected { branch: branch.to_string(), detail: reason });
    }
    Ok(())
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
