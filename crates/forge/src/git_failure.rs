//! What a git (libgit2) failure while talking to a remote means, decided in one place for
//! every crate that fetches, pushes or clones. libgit2's error code and class come first;
//! its message is read only where libgit2 gives nothing better: the HTTP status of an
//! unexpected answer, a server's words when it declines a push, and which network step failed.

use git2::{ErrorClass, ErrorCode};

/// What went wrong, for the person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GitFailure {
    /// The remote asked for a sign-in and did not take the one offered (or none was offered).
    SignInRefused,
    /// The remote refused access (HTTP 403).
    Forbidden,
    /// There is no repository at that address, or the account cannot see it.
    RepoNotFound,
    /// The remote's branch has commits the push does not have.
    NotFastForward,
    /// The remote declined the update (a hook, a protected branch).
    Declined,
    /// The network failed; the words say how.
    Offline(&'static str),
    /// Anything else: an answer Patchdesk does not understand.
    Other,
}

/// Classifies `e`, from a connection where the sign-in was offered `sign_in_offered` times
/// (git asks again after a refused one; Patchdesk's credentials callback gives up on the second).
pub fn classify(e: &git2::Error, sign_in_offered: u32) -> GitFailure {
    if sign_in_offered > 1 || e.code() == ErrorCode::Auth {
        return GitFailure::SignInRefused;
    }
    if e.code() == ErrorCode::Certificate || e.class() == ErrorClass::Ssl {
        return GitFailure::Offline(SECURE);
    }
    if e.code() == ErrorCode::NotFastForward {
        return GitFailure::NotFastForward;
    }
    if e.code() == ErrorCode::NotFound
        && matches!(e.class(), ErrorClass::Repository | ErrorClass::Os | ErrorClass::Config)
    {
        return GitFailure::RepoNotFound;
    }
    let lower = e.message().to_lowercase();
    // A folder remote that is not there, or not a repository: the local transport says so
    // with a generic code.
    if (e.class() == ErrorClass::Os && lower.starts_with("failed to resolve path"))
        || (e.class() == ErrorClass::Repository && lower.starts_with("could not find repository"))
    {
        return GitFailure::RepoNotFound;
    }
    if e.class() == ErrorClass::Http {
        // libgit2 gives an unexpected answer's status only in its message.
        match http_status(&lower) {
            Some(401) => return GitFailure::SignInRefused,
            Some(403) => return GitFailure::Forbidden,
            Some(404) => return GitFailure::RepoNotFound,
            Some(_) => return GitFailure::Other,
            None => {}
        }
    }
    if lower.contains("hook") || lower.contains("declined") || lower.contains("protected") || lower.contains("rejected")
    {
        return GitFailure::Declined;
    }
    if matches!(e.class(), ErrorClass::Net | ErrorClass::Http | ErrorClass::Os) {
        return GitFailure::Offline(crate::plain_network_words(&lower));
    }
    GitFailure::Other
}

/// Whether the status a server gave for one pushed branch (its own words) means the branch
/// was elsewhere than the push expected: stale, locked, or not a fast-forward.
pub fn branch_moved(status: &str) -> bool {
    let lower = status.to_lowercase();
    ["stale", "lock", "fetch first", "non-fast"].iter().any(|w| lower.contains(w))
}

const SECURE: &str = "a secure connection could not be set up";

/// `N` from libgit2's "unexpected http status code: N".
fn http_status(lower: &str) -> Option<u16> {
    let rest = lower.split("status code:").nth(1)?;
    rest.trim_start().split(|c: char| !c.is_ascii_digit()).next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(code: ErrorCode, class: ErrorClass, msg: &str) -> git2::Error {
        git2::Error::new(code, class, msg)
    }

    #[test]
    fn libgit2_codes_and_classes_decide_first() {
        assert_eq!(
            classify(&err(ErrorCode::Auth, ErrorClass::Http, "unexpected authentication failure"), 1),
            GitFailure::SignInRefused
        );
        assert_eq!(
            classify(&err(ErrorCode::GenericError, ErrorClass::None, "any words at all"), 2),
            GitFailure::SignInRefused
        );
        assert_eq!(classify(&err(ErrorCode::Certificate, ErrorClass::Ssl, "x"), 0), GitFailure::Offline(SECURE));
        assert_eq!(
            classify(
                &err(ErrorCode::NotFastForward, ErrorClass::Reference, "cannot push non-fastforwardable reference"),
                1
            ),
            GitFailure::NotFastForward
        );
        assert_eq!(
            classify(&err(ErrorCode::NotFound, ErrorClass::Repository, "could not find repository at '/x'"), 0),
            GitFailure::RepoNotFound
        );
        assert_eq!(
            classify(
                &err(
                    ErrorCode::GenericError,
                    ErrorClass::Net,
                    "failed to resolve address for x: Name or service not known"
                ),
                0
            ),
            GitFailure::Offline("the server's name could not be found")
        );
        assert_eq!(
            classify(
                &err(ErrorCode::GenericError, ErrorClass::Os, "failed to connect to 127.0.0.1: Connection refused"),
                0
            ),
            GitFailure::Offline("the connection was refused")
        );
        // Our own sentences are never read: a sign-in refused once more is counted, not worded.
        assert_eq!(
            classify(&err(ErrorCode::GenericError, ErrorClass::None, "the remote refused the saved sign-in"), 1),
            GitFailure::Other
        );
        assert_eq!(classify(&err(ErrorCode::GenericError, ErrorClass::None, "something odd"), 0), GitFailure::Other);
    }

    #[test]
    fn an_unexpected_http_answer_is_read_by_its_status() {
        let http = |n: u16| {
            classify(&err(ErrorCode::GenericError, ErrorClass::Http, &format!("unexpected http status code: {n}")), 1)
        };
        assert_eq!(http(401), GitFailure::SignInRefused);
        assert_eq!(http(403), GitFailure::Forbidden);
        assert_eq!(http(404), GitFailure::RepoNotFound);
        assert_eq!(http(500), GitFailure::Other);
        assert_eq!(
            classify(
                &err(ErrorCode::GenericError, ErrorClass::Http, "too many redirects or authentication replays"),
                1
            ),
            GitFailure::Offline("the connection failed")
        );
    }

    #[test]
    fn a_declined_push_and_a_moved_branch_are_told_from_the_servers_words() {
        assert_eq!(
            classify(&err(ErrorCode::GenericError, ErrorClass::Net, "pre-receive hook declined"), 1),
            GitFailure::Declined
        );
        assert!(branch_moved("stale info"));
        assert!(branch_moved("failed to update ref: cannot lock ref"));
        assert!(!branch_moved("protected branch hook declined"));
    }

    #[test]
    fn real_failures_from_libgit2() {
        let dir = tempfile::tempdir().unwrap();
        let repo = git2::Repository::init(dir.path().join("here")).unwrap();
        let missing = dir.path().join("missing.git");
        let mut remote = repo.remote_anonymous(&format!("file://{}", missing.display())).unwrap();
        let e = remote.connect(git2::Direction::Fetch).unwrap_err();
        assert_eq!(classify(&e, 0), GitFailure::RepoNotFound, "{e:?}");
        // A folder that is not a repository.
        std::fs::create_dir(dir.path().join("plain")).unwrap();
        let mut remote = repo.remote_anonymous(&format!("file://{}", dir.path().join("plain").display())).unwrap();
        let e = remote.connect(git2::Direction::Fetch).unwrap_err();
        assert_eq!(classify(&e, 0), GitFailure::RepoNotFound, "{e:?}");
        // Nothing listens on a port just closed.
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let mut remote = repo.remote_anonymous(&format!("http://127.0.0.1:{port}/octo/hello.git")).unwrap();
        let e = remote.connect(git2::Direction::Fetch).unwrap_err();
        assert!(matches!(classify(&e, 0), GitFailure::Offline(_)), "{e:?}");
    }
}
