//! Every error a user can meet carries a [`Code`]. The code is stable and machine-readable;
//! the UI turns it into a plain sentence and a next step (one table, `ui/src/errors.ts`).
//! The `message` next to it is the specific detail (which file, which line) in plain words.
//!
//! Domain crates keep their own error types (one per operation) and implement [`Coded`].

use serde::Serialize;

/// Stable error codes. Add new ones at the end of their group; never reuse or rename one:
/// the UI's table and users' bug reports refer to them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum Code {
    // --- project / repository
    /// The folder is not a git repository, or it cannot be opened.
    RepoNotFound,
    /// A revision (branch, commit, tag) does not exist in the repository.
    RevisionNotFound,
    /// Reading or writing a file on disk failed.
    Io,
    /// git itself reported an unexpected failure.
    Git,
    /// The repository cannot take a commit right now: HEAD is detached, a merge or rebase is
    /// in progress, or a file to commit has staged changes of its own.
    RepoBusy,

    // --- patch intake and apply
    /// The file is not a patch, bundle or payload Patchdesk understands.
    PatchUnreadable,
    /// The input is larger than the configured limit (file size, ZIP expansion, file count).
    InputTooLarge,
    /// A path in the input is unsafe: absolute, `..`, inside `.git/`, through a symlink, or invalid.
    UnsafePath,
    /// The file is empty.
    EmptyInput,
    /// The change does not fit the repository: context not found, ambiguous place, missing file.
    PatchDoesNotApply,
    /// A 3-way merge left conflicts.
    MergeConflict,
    /// This exact file was imported before.
    AlreadyImported,
    /// No stored inbox item (patch) has this name.
    ItemNotFound,
    /// The change touches paths that need the lead's explicit "I understand" (workflows,
    /// submodules, hooks, links, Patchdesk's own folders…) and it was not given.
    RisksNotConfirmed,

    // --- tasks and board
    /// A task file (YAML) could not be read; the file and line are in the message.
    TaskFileInvalid,
    /// A task id was not found.
    TaskNotFound,
    /// A pod name matches no configured pod.
    PodNotFound,

    // --- secrets
    /// No OS keyring (Secret Service) is available to keep a token safely.
    KeyringUnavailable,

    // --- GitHub / forge
    /// The token was refused (revoked, expired or wrong).
    AuthRejected,
    /// GitHub's rate limit was reached.
    RateLimited,
    /// The account lacks permission for this action.
    PermissionDenied,
    /// The network could not be reached.
    Offline,
    /// The repository on GitHub (or the practice remote) does not exist or is not visible.
    RemoteRepoNotFound,
    /// The branch has no commits the base branch lacks: there is nothing to review.
    NoChanges,
    /// A pull request for this branch is already open.
    ReviewExists,
    /// GitHub refused the request as invalid (a field, a label, a reviewer).
    RequestInvalid,
    /// The remote refused the push (not a fast-forward, protected branch, hook).
    PushRejected,
    /// The person signing in refused the authorization on GitHub's page.
    SignInDenied,
    /// The sign-in code ran out of time before it was entered.
    SignInExpired,
    /// The project's remote is not on the signed-in GitHub host (or is plain http), so the
    /// sign-in was not sent there.
    RemoteNotSignedInHost,

    // --- the app's window
    /// The window named a file or folder the person did not choose or drop (and that is not
    /// under the project or Patchdesk's data folder).
    PathNotChosen,
    /// An address that Patchdesk will not open in the browser (not a web page, or not GitHub's).
    LinkRefused,

    /// Anything not covered above. Always a bug to be given its own code.
    Internal,
}

impl Code {
    /// The code as it appears on the wire (`"repo_not_found"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Code::RepoNotFound => "repo_not_found",
            Code::RevisionNotFound => "revision_not_found",
            Code::Io => "io",
            Code::Git => "git",
            Code::RepoBusy => "repo_busy",
            Code::PatchUnreadable => "patch_unreadable",
            Code::InputTooLarge => "input_too_large",
            Code::UnsafePath => "unsafe_path",
            Code::EmptyInput => "empty_input",
            Code::PatchDoesNotApply => "patch_does_not_apply",
            Code::MergeConflict => "merge_conflict",
            Code::AlreadyImported => "already_imported",
            Code::ItemNotFound => "item_not_found",
            Code::RisksNotConfirmed => "risks_not_confirmed",
            Code::TaskFileInvalid => "task_file_invalid",
            Code::TaskNotFound => "task_not_found",
            Code::PodNotFound => "pod_not_found",
            Code::KeyringUnavailable => "keyring_unavailable",
            Code::AuthRejected => "auth_rejected",
            Code::RateLimited => "rate_limited",
            Code::PermissionDenied => "permission_denied",
            Code::Offline => "offline",
            Code::RemoteRepoNotFound => "remote_repo_not_found",
            Code::NoChanges => "no_changes",
            Code::ReviewExists => "review_exists",
            Code::RequestInvalid => "request_invalid",
            Code::PushRejected => "push_rejected",
            Code::SignInDenied => "sign_in_denied",
            Code::SignInExpired => "sign_in_expired",
            Code::RemoteNotSignedInHost => "remote_not_signed_in_host",
            Code::PathNotChosen => "path_not_chosen",
            Code::LinkRefused => "link_refused",
            Code::Internal => "internal",
        }
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Implemented by every domain error type.
pub trait Coded: std::error::Error {
    fn code(&self) -> Code;
}

/// What crosses IPC (and the CLI's `--json` error output): a code and a specific message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct UserError {
    pub code: Code,
    pub message: String,
}

impl UserError {
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Self { code, message: message.into() }
    }
}

impl std::fmt::Display for UserError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for UserError {}

impl<E: Coded> From<&E> for UserError {
    fn from(e: &E) -> Self {
        UserError::new(e.code(), e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_serialises_as_its_wire_name() {
        for code in [Code::RepoNotFound, Code::PatchDoesNotApply, Code::KeyringUnavailable, Code::Internal] {
            assert_eq!(serde_json::to_string(&code).unwrap(), format!("\"{}\"", code.as_str()));
        }
    }

    #[test]
    fn user_error_is_code_and_message() {
        let e = UserError::new(Code::RepoNotFound, "No repository at /x");
        assert_eq!(
            serde_json::to_value(&e).unwrap(),
            serde_json::json!({"code": "repo_not_found", "message": "No repository at /x"})
        );
    }
}
