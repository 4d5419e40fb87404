//! The GitHub Action in a lead's repository: `.github/workflows/patchdesk.yml`, which sends
//! every pod patch pushed under `.patches/` for review with Patchdesk's action (`action.yml` at
//! the root of Patchdesk's repository).

use patchdesk_error::{Code, UserError};
use serde::Serialize;
use std::path::Path;

/// Where the workflow goes, relative to the repository.
pub const WORKFLOW: &str = ".github/workflows/patchdesk.yml";
/// The action used unless the lead names another (`OWNER/REPO@REF`).
pub const DEFAULT_ACTION: &str = "patchdesk/patchdesk@main";

/// What [`init_action`] did.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct WorkflowWritten {
    /// [`WORKFLOW`].
    pub path: String,
    /// The action the workflow uses.
    pub action: String,
    /// False when the same workflow was already there.
    pub written: bool,
}

/// The workflow text using `action`.
pub fn workflow_text(action: &str) -> String {
    format!(
        "# Written by `patchdesk init-action`: every pod patch pushed under .patches/ is sent for\n\
         # review as its own pull request by Patchdesk, and the job summary links each one.\n\
         name: Patchdesk\n\
         on:\n  push:\n    paths:\n      - \".patches/**\"\n\
         permissions:\n  contents: write\n  pull-requests: write\n\
         concurrency:\n  group: patchdesk-${{{{ github.ref }}}}\n  cancel-in-progress: false\n\
         jobs:\n  promote:\n\
         \x20   # Only pushes to the default branch: review branches are never promoted again.\n\
         \x20   if: github.ref == format('refs/heads/{{0}}', github.event.repository.default_branch)\n\
         \x20   runs-on: ubuntu-latest\n    steps:\n\
         \x20     - uses: actions/checkout@v4\n        with:\n          fetch-depth: 0\n\
         \x20     - uses: {action}\n        with:\n          token: ${{{{ secrets.GITHUB_TOKEN }}}}\n"
    )
}

/// `OWNER/REPO@REF` (or `OWNER/REPO/PATH@REF`) with nothing else in it.
fn check_action(action: &str) -> Result<(), UserError> {
    let plain = |s: &str, slash: bool| {
        !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c) || (slash && c == '/'))
    };
    let ok = action.split_once('@').is_some_and(|(repo, reference)| {
        let parts: Vec<&str> = repo.split('/').collect();
        parts.len() >= 2
            && parts.iter().all(|p| plain(p, false) && *p != "." && *p != "..")
            && plain(reference, true)
            && !reference.contains("..")
    });
    if ok {
        return Ok(());
    }
    let shown: String = action.chars().take(80).flat_map(char::escape_default).collect();
    Err(UserError::new(
        Code::InputInvalid,
        format!("\"{shown}\" is not an action reference; give it as OWNER/REPO@REF, like {DEFAULT_ACTION}."),
    ))
}

/// Writes [`WORKFLOW`] into the repository at `workdir`, using `action` (default
/// [`DEFAULT_ACTION`]). A workflow of that name with other content is the lead's: it is left
/// as it is and the refusal says so. Nothing is committed.
pub fn init_action(workdir: &Path, action: Option<&str>) -> Result<WorkflowWritten, UserError> {
    let action = action.map(str::trim).unwrap_or(DEFAULT_ACTION);
    check_action(action)?;
    let text = workflow_text(action);
    let unsafe_path = |e: patchdesk_disk::FileError| UserError::new(Code::UnsafePath, e.to_string());
    let old = patchdesk_disk::read_text_file(workdir, WORKFLOW).map_err(unsafe_path)?;
    let done = |written| WorkflowWritten { path: WORKFLOW.into(), action: action.into(), written };
    match old {
        Some(old) if old == text => Ok(done(false)),
        Some(_) => Err(UserError::new(
            Code::AlreadyDone,
            format!("{WORKFLOW} is already there with other content; Patchdesk leaves it as it is. Move it away to have it written again."),
        )),
        None => {
            patchdesk_disk::replace_file(workdir, WORKFLOW, text).map_err(unsafe_path)?;
            Ok(done(true))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn action_references_are_plain() {
        for good in ["patchdesk/patchdesk@main", "a-b/c.d@v1.2", "o/r/sub@feature/x"] {
            assert!(check_action(good).is_ok(), "{good}");
        }
        for bad in ["", "x", "o/r", "o/r@", "o/r@main\n      run: evil", "o/../r@v1", "o/r@${{x}}", "./local@v"] {
            assert!(check_action(bad).is_err(), "{bad:?}");
        }
    }
}
