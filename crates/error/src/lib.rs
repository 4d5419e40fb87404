//! Every error a user can meet carries a [`Code`]. The code is stable and machine-readable;
//! the UI turns it into a plain sentence and a next step (one table, `ui/src/lib/errors/errors.ts`).
//! The `message` next to it is the specific detail (which file, which line) in plain words.
//!
//! Domain crates keep their own error types (one per operation) and implement [`Coded`].

use serde::Serialize;

/// Declares [`Code`] with its wire names, [`Code::as_str`] and [`Code::ALL`] from one list, so
/// the three can never disagree.
macro_rules! codes {
    ($($(#[$doc:meta])* $name:ident = $wire:literal,)*) => {
        /// Stable error codes. Add new ones at the end of their group; never reuse or rename one:
        /// the UI's table and users' bug reports refer to them.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, specta::Type)]
        #[serde(rename_all = "snake_case")]
        pub enum Code {
            $($(#[$doc])* $name,)*
        }

        impl Code {
            /// Every code, in declaration order.
            pub const ALL: &'static [Code] = &[$(Code::$name,)*];

            /// The code as it appears on the wire (`"repo_not_found"`).
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$name => $wire,)*
                }
            }
        }
    };
}

codes! {
    // --- project / repository
    /// The folder is not a git repository, or it cannot be opened.
    RepoNotFound = "repo_not_found",
    /// A revision (branch, commit, tag) does not exist in the repository.
    RevisionNotFound = "revision_not_found",
    /// Reading or writing a file on disk failed.
    Io = "io",
    /// git itself reported an unexpected failure.
    Git = "git",
    /// The repository cannot take a commit right now: HEAD is detached, a merge or rebase is
    /// in progress, or a file to commit has staged changes of its own.
    RepoBusy = "repo_busy",
    /// The project has no remote (`origin`) to send changes to.
    NoRemote = "no_remote",

    // --- patch intake and apply
    /// The file is not a patch, bundle or payload Patchdesk understands.
    PatchUnreadable = "patch_unreadable",
    /// The input is larger than the configured limit (file size, ZIP expansion, file count).
    InputTooLarge = "input_too_large",
    /// A path in the input is unsafe: absolute, `..`, inside `.git/`, through a symlink, or invalid.
    UnsafePath = "unsafe_path",
    /// The file is empty.
    EmptyInput = "empty_input",
    /// The change does not fit the repository: context not found, ambiguous place, missing file.
    PatchDoesNotApply = "patch_does_not_apply",
    /// A 3-way merge left conflicts.
    MergeConflict = "merge_conflict",
    /// This exact file was imported before.
    AlreadyImported = "already_imported",
    /// No stored inbox item (patch) has this name.
    ItemNotFound = "item_not_found",
    /// The change touches paths that need the lead's explicit "I understand" (workflows,
    /// submodules, hooks, links, Patchdesk's own folders…) and it was not given.
    RisksNotConfirmed = "risks_not_confirmed",
    /// A pod's copy of a file is out of date: the file changed in the project since the pod
    /// read it (its `sha` is not the file's). The message gives the current one.
    FileChanged = "file_changed",

    // --- tasks and board
    /// A task file (YAML) could not be read; the file and line are in the message.
    TaskFileInvalid = "task_file_invalid",
    /// A task id was not found.
    TaskNotFound = "task_not_found",
    /// A pod name matches no configured pod.
    PodNotFound = "pod_not_found",
    /// What was asked for is already so (the task is already with that pod): nothing to do,
    /// nothing was changed.
    AlreadyDone = "already_done",
    /// The local agent command run on a task (`patchdesk run --agent`) failed, ran too long or
    /// could not be started; nothing was imported.
    AgentFailed = "agent_failed",

    // --- secrets
    /// No OS keyring (Secret Service) is available to keep a token safely.
    KeyringUnavailable = "keyring_unavailable",

    // --- GitHub / forge
    /// The token was refused (revoked, expired or wrong).
    AuthRejected = "auth_rejected",
    /// GitHub's rate limit was reached.
    RateLimited = "rate_limited",
    /// The account lacks permission for this action.
    PermissionDenied = "permission_denied",
    /// The network could not be reached.
    Offline = "offline",
    /// The repository on GitHub (or the practice remote) does not exist or is not visible.
    RemoteRepoNotFound = "remote_repo_not_found",
    /// The branch has no commits the base branch lacks: there is nothing to review.
    NoChanges = "no_changes",
    /// A pull request for this branch is already open.
    ReviewExists = "review_exists",
    /// GitHub refused the request as invalid (a field, a label, a reviewer).
    RequestInvalid = "request_invalid",
    /// The remote refused the push (not a fast-forward, protected branch, hook).
    PushRejected = "push_rejected",
    /// The person signing in refused the authorization on GitHub's page.
    SignInDenied = "sign_in_denied",
    /// The sign-in code ran out of time before it was entered.
    SignInExpired = "sign_in_expired",
    /// The project's remote is not on the signed-in GitHub host (or is plain http), so the
    /// sign-in was not sent there.
    RemoteNotSignedInHost = "remote_not_signed_in_host",
    /// Nobody is signed in to GitHub in Patchdesk (never, or signed out), so nothing was sent.
    NotSignedIn = "not_signed_in",
    /// "Undo merge" on a request that is not merged (still open, or closed without merging):
    /// there is no merged change to undo.
    NotMerged = "not_merged",
    /// The merged change can no longer be undone on its own: later changes on the base branch
    /// touched the same lines. Nothing was written or sent.
    UndoDoesNotApply = "undo_does_not_apply",

    // --- the app's window
    /// The window named a file or folder the person did not choose or drop (and that is not
    /// under the project or Patchdesk's data folder).
    PathNotChosen = "path_not_chosen",
    /// An address that Patchdesk will not open in the browser (not a web page, or not GitHub's).
    LinkRefused = "link_refused",
    /// Something the person typed or chose cannot be used (a server address, an app id, a
    /// pasted token with spaces, a folder that is not a folder); the message names it. Checked
    /// here, before anything is sent anywhere.
    InputInvalid = "input_invalid",
    /// Patchdesk's own settings file is damaged; the message names it.
    SettingsInvalid = "settings_invalid",
    /// Another program (the web browser, the file manager) could not be started to open a
    /// page or a folder.
    NotOpened = "not_opened",

    // --- the pod API
    /// A request to the pod API came without a token, or with one Patchdesk does not keep
    /// (unknown or revoked).
    TokenInvalid = "token_invalid",

    /// Anything not covered above. Always a bug to be given its own code.
    Internal = "internal",
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

    /// Every code crosses the wire as `{code, message}` with its snake_case name, and no two
    /// codes share a name.
    #[test]
    fn every_code_serialises_as_its_wire_name_in_code_and_message() {
        assert!(Code::ALL.len() >= 36, "{} codes", Code::ALL.len());
        let mut seen = std::collections::HashSet::new();
        for &code in Code::ALL {
            let wire = code.as_str();
            assert!(seen.insert(wire), "{wire} twice");
            assert!(!wire.is_empty() && wire.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'), "{wire}");
            assert_eq!(serde_json::to_string(&code).unwrap(), format!("\"{wire}\""));
            assert_eq!(code.to_string(), wire);
            let e = UserError::new(code, "No repository at /x");
            assert_eq!(
                serde_json::to_value(&e).unwrap(),
                serde_json::json!({"code": wire, "message": "No repository at /x"})
            );
        }
    }

    /// The window's table of plain words (`ui/src/lib/errors/errors.ts`) has an entry for every code and
    /// none for a code that does not exist.
    #[test]
    fn every_code_has_plain_words_in_the_window_table() {
        let table =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../ui/src/lib/errors/errors.ts")).unwrap();
        let body = table.split("ERROR_TEXT").nth(1).expect("errors.ts has ERROR_TEXT");
        let keys: Vec<&str> = body
            .lines()
            .filter_map(|l| l.strip_prefix("  ")?.strip_suffix(": {"))
            .filter(|k| !k.starts_with(' '))
            .collect();
        let codes: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
        for c in &codes {
            assert!(keys.contains(c), "ui/src/lib/errors/errors.ts has no plain words for {c}");
        }
        for k in &keys {
            assert!(codes.contains(k), "ui/src/lib/errors/errors.ts has words for {k}, which is no code");
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
