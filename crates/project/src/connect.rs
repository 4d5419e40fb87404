//! Connecting a repository from GitHub: Patchdesk keeps its own clone in the app's data folder,
//! so the lead never needs a terminal or a clone of their own.
//!
//! The clone is made in a temporary folder next to its final place and renamed into place only
//! when complete, so a clone cut short (app closed, network lost) leaves nothing half-made that
//! could be mistaken for a project; asking again starts afresh. Asking for a repository that is
//! already cloned opens it (after checking it is the same repository). The token only ever goes
//! to git's credentials callback, and only to the signed-in host (see
//! [`GitCredentials::for_url`]): the clone's `origin` is the plain HTTPS address.

use crate::{Project, ProjectError};
use patchdesk_error::Code;
use patchdesk_forge::git_failure::{classify, GitFailure};
use patchdesk_forge::GitCredentials;
use serde::Serialize;
use std::cell::{Cell, RefCell};
use std::path::{Path, PathBuf};

/// How far the first download of a repository has got.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
pub struct CloneProgress {
    /// Objects received so far.
    pub received: u32,
    /// Objects the remote will send in all (0 until known).
    pub total: u32,
    /// Bytes received so far.
    pub bytes: u64,
    /// Objects written into place (the last part of a download).
    pub indexed: u32,
}

/// Where Patchdesk keeps its clone of `full_name` (`owner/name`) from `host`, inside `root`
/// (the app's data folder for repositories). `None` when the name is not a plain `owner/name`.
pub fn clone_folder(root: &Path, host: &str, full_name: &str) -> Option<PathBuf> {
    let safe = |s: &str| {
        !s.is_empty() && s != "." && s != ".." && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
    };
    let (owner, name) = full_name.split_once('/')?;
    // `127.0.0.1:8080` → `127.0.0.1_8080` (a port is fine in a host, not in every folder name).
    let host = host.to_ascii_lowercase().replace(':', "_");
    (safe(owner) && safe(name) && safe(&host)).then(|| root.join(host).join(owner).join(name))
}

/// Opens Patchdesk's clone of `url` at `dest`, cloning it first when it is not there yet.
/// `progress` is called while objects arrive (at most a few times a second's worth of calls is
/// up to the caller to thin out). Safe to call again after any failure.
pub fn clone_or_open(
    url: &str,
    dest: &Path,
    credentials: Option<&GitCredentials>,
    progress: &mut dyn FnMut(CloneProgress),
) -> Result<Project, ProjectError> {
    if let Some(c) = credentials {
        c.check_remote(url).map_err(|e| ProjectError::Dropped(Code::RemoteNotSignedInHost, e.to_string()))?;
    }
    if dest.join(".git").is_dir() {
        let project = Project::open(dest)?;
        let origin = project.repo().find_remote("origin").ok().and_then(|r| r.url().ok().map(str::to_string));
        if origin.as_deref().map(same_remote) == Some(same_remote(url)) {
            return Ok(project);
        }
        return Err(ProjectError::Dropped(
            Code::RepoBusy,
            format!(
                "{} already holds a different repository ({}). Move that folder away, then connect again.",
                dest.display(),
                origin.unwrap_or_else(|| "no origin".into())
            ),
        ));
    }
    if dest.exists() {
        return Err(ProjectError::Dropped(
            Code::RepoBusy,
            format!(
                "{} already exists and is not a Patchdesk clone. Move that folder away, then connect again.",
                dest.display()
            ),
        ));
    }
    let parent = dest.parent().ok_or_else(|| ProjectError::io(dest, std::io::Error::other("no parent folder")))?;
    std::fs::create_dir_all(parent).map_err(|e| ProjectError::io(parent, e))?;
    let leaf = dest.file_name().and_then(|n| n.to_str()).unwrap_or("repository");
    // Leftovers of earlier attempts that were cut short.
    if let Ok(entries) = std::fs::read_dir(parent) {
        for e in entries.flatten() {
            if e.file_name().to_string_lossy().starts_with(&format!(".{leaf}.partial-")) {
                if let Err(err) = std::fs::remove_dir_all(e.path()) {
                    tracing::warn!(folder = %e.path().display(), error = %err, "a download cut short could not be removed");
                }
            }
        }
    }
    let partial = parent.join(format!(".{leaf}.partial-{}", std::process::id()));
    let tries = Cell::new(0u32);
    let refused: RefCell<Option<String>> = RefCell::new(None);
    let result = {
        let mut cb = git2::RemoteCallbacks::new();
        if let Some(creds) = credentials {
            // Checked on every request, with the address of the server asking: a redirect may
            // lead elsewhere than `url`.
            cb.credentials(|asking, _user, allowed| {
                let Some(token) =
                    creds.for_url(asking).filter(|_| allowed.contains(git2::CredentialType::USER_PASS_PLAINTEXT))
                else {
                    *refused.borrow_mut() = Some(asking.split(['?', '#']).next().unwrap_or(asking).to_string());
                    return Err(git2::Error::from_str("the sign-in is only for the signed-in host"));
                };
                tries.set(tries.get() + 1);
                if tries.get() > 1 {
                    return Err(git2::Error::from_str("the remote refused the saved sign-in"));
                }
                git2::Cred::userpass_plaintext("x-access-token", token.expose())
            });
        }
        cb.transfer_progress(|p| {
            progress(CloneProgress {
                received: p.received_objects() as u32,
                total: p.total_objects() as u32,
                bytes: p.received_bytes() as u64,
                indexed: p.indexed_objects() as u32,
            });
            true
        });
        let mut fetch = git2::FetchOptions::new();
        fetch.remote_callbacks(cb);
        fetch.download_tags(git2::AutotagOption::None);
        git2::build::RepoBuilder::new().fetch_options(fetch).clone(url, &partial)
    };
    let repo = match result {
        Ok(repo) => repo,
        Err(e) => {
            remove_partial(&partial);
            if let (Some(creds), Some(other)) = (credentials, refused.borrow().as_deref()) {
                return Err(ProjectError::Dropped(Code::RemoteNotSignedInHost, creds.refusal(other).to_string()));
            }
            return Err(clone_error(url, &e, tries.get()));
        }
    };
    drop(repo);
    std::fs::rename(&partial, dest).map_err(|e| {
        remove_partial(&partial);
        ProjectError::io(dest, e)
    })?;
    Project::open(dest)
}

/// Removes a download that did not finish; says so in the log when it cannot.
fn remove_partial(partial: &Path) {
    if let Err(e) = std::fs::remove_dir_all(partial) {
        tracing::warn!(folder = %partial.display(), error = %e, "a download that did not finish could not be removed");
    }
}

/// Two spellings of one remote compare equal (`.git` suffix, trailing slash, letter case of the host).
fn same_remote(url: &str) -> String {
    let u = url.trim().trim_end_matches('/');
    let u = u.strip_suffix(".git").unwrap_or(u);
    match u.split_once("://") {
        Some((scheme, rest)) => match rest.split_once('/') {
            Some((host, path)) => format!("{}://{}/{}", scheme.to_ascii_lowercase(), host.to_ascii_lowercase(), path),
            None => u.to_ascii_lowercase(),
        },
        None => u.to_string(),
    }
}

fn clone_error(url: &str, e: &git2::Error, tries: u32) -> ProjectError {
    let failure = classify(e, tries);
    // libgit2's code and class only: its message may quote the address.
    tracing::warn!(git_code = ?e.code(), git_class = ?e.class(), ?failure, "a repository could not be downloaded");
    let (code, words) = match failure {
        GitFailure::SignInRefused => {
            (Code::AuthRejected, format!("The server did not accept your sign-in while downloading {url}. Sign in to GitHub again, then connect the repository."))
        }
        GitFailure::Forbidden => (Code::PermissionDenied, format!("Your account may not download {url}. Ask an owner of the repository for access.")),
        GitFailure::RepoNotFound => {
            (Code::RemoteRepoNotFound, format!("{url} was not found, or your account cannot see it. Check the name, or sign in with an account that has access."))
        }
        GitFailure::Offline(words) => (Code::Offline, format!("Could not reach the server to download {url}: {words}. Check the internet connection and try again.")),
        GitFailure::NotFastForward | GitFailure::Declined | GitFailure::Other => (
            Code::Git,
            format!("Downloading {url} failed: the server's answer could not be understood. Try again; if it keeps failing, tell whoever looks after your GitHub setup."),
        ),
    };
    ProjectError::Dropped(code, words)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn origin_repo(dir: &Path) -> String {
        let repo = git2::Repository::init(dir).unwrap();
        std::fs::write(dir.join("README.md"), "hello\n").unwrap();
        let mut index = repo.index().unwrap();
        index.add_path(Path::new("README.md")).unwrap();
        let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
        let sig = git2::Signature::now("T", "t@example.com").unwrap();
        repo.commit(Some("HEAD"), &sig, &sig, "first", &tree, &[]).unwrap();
        format!("file://{}", dir.display())
    }

    #[test]
    fn folder_names_are_safe() {
        let root = Path::new("/data/repositories");
        assert_eq!(clone_folder(root, "GitHub.com", "octo/hello").unwrap(), root.join("github.com/octo/hello"));
        assert_eq!(clone_folder(root, "127.0.0.1:8080", "octo/hello").unwrap(), root.join("127.0.0.1_8080/octo/hello"));
        assert!(clone_folder(root, "github.com", "../x").is_none());
        assert!(clone_folder(root, "../etc", "octo/hello").is_none());
        assert!(clone_folder(root, "github.com", "octo/..").is_none());
        assert!(clone_folder(root, "github.com", "octo").is_none());
        assert!(clone_folder(root, "github.com", "octo/a/b").is_none());
    }

    #[test]
    fn clones_once_then_opens_with_progress() {
        let tmp = tempfile::tempdir().unwrap();
        let url = origin_repo(&tmp.path().join("origin"));
        let dest = tmp.path().join("data/github.com/octo/hello");
        let mut calls = Vec::new();
        let project = clone_or_open(&url, &dest, None, &mut |p| calls.push(p)).unwrap();
        assert_eq!(std::fs::read_to_string(project.workdir().join("README.md")).unwrap(), "hello\n");
        assert!(!calls.is_empty(), "progress was reported");
        let last = calls.last().unwrap();
        assert_eq!(last.received, last.total);
        // No temporary folder is left; a second call opens without downloading.
        let siblings: Vec<_> =
            std::fs::read_dir(dest.parent().unwrap()).unwrap().flatten().map(|e| e.file_name()).collect();
        assert_eq!(siblings, vec![std::ffi::OsString::from("hello")]);
        let mut again = 0;
        clone_or_open(&format!("{url}/"), &dest, None, &mut |_| again += 1).unwrap();
        assert_eq!(again, 0);
    }

    #[test]
    fn the_sign_in_is_never_offered_to_another_host() {
        let tmp = tempfile::tempdir().unwrap();
        let creds = GitCredentials::new(
            &patchdesk_forge::ApiBase::github_com(),
            patchdesk_forge::Secret::new("fake-connect-token"),
        );
        // Nothing listens there: the refusal comes before any connection.
        let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        for url in [
            format!("http://127.0.0.1:{dead}/octo/hello.git"),
            "https://github.com.evil.net/octo/hello.git".to_string(),
            "http://github.com/octo/hello.git".to_string(),
        ] {
            let dest = tmp.path().join("data/x/octo/hello");
            let Err(err) = clone_or_open(&url, &dest, Some(&creds), &mut |_| {}) else { panic!("cloned {url}") };
            let ProjectError::Dropped(code, words) = &err else { panic!("{err}") };
            assert_eq!(*code, Code::RemoteNotSignedInHost, "{words}");
            assert!(words.contains("Patchdesk did not send your GitHub sign-in there"), "{words}");
            assert!(!dest.exists());
        }
        // A folder on this disk is fine (and gets no token).
        let url = origin_repo(&tmp.path().join("origin"));
        clone_or_open(&url, &tmp.path().join("data/local/octo/hello"), Some(&creds), &mut |_| {}).unwrap();
    }

    #[test]
    fn failure_leaves_nothing_and_other_repo_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let dest = tmp.path().join("data/github.com/octo/missing");
        let missing = format!("file://{}", tmp.path().join("nope").display());
        let Err(err) = clone_or_open(&missing, &dest, None, &mut |_| {}) else { panic!("cloned a missing repository") };
        assert!(!dest.exists());
        assert_eq!(std::fs::read_dir(dest.parent().unwrap()).unwrap().count(), 0, "{err}");
        let url = origin_repo(&tmp.path().join("one"));
        clone_or_open(&url, &dest, None, &mut |_| {}).unwrap();
        let other = origin_repo(&tmp.path().join("two"));
        let Err(err) = clone_or_open(&other, &dest, None, &mut |_| {}) else {
            panic!("opened another repository's clone")
        };
        assert!(err.to_string().contains("different repository"), "{err}");
    }
}
