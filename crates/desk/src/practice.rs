//! The practice remote's reviewer: what a reviewer does to a pull request on GitHub, done on the
//! demo's practice remote (a folder), so the whole loop — send, review, merge, follow — can be
//! walked without GitHub. Used by the CLI's tests today; the window's practice-reviewer buttons
//! call the same functions.

use crate::Desk;
use patchdesk_error::{Code, UserError};
use patchdesk_forge::{PracticeRemote, Verdict};

/// The practice remote at `remote_url`, or a refusal when the address is a server.
fn practice(desk: &Desk, remote_url: &str) -> Result<PracticeRemote, UserError> {
    if !PracticeRemote::is_local_url(remote_url) {
        return Err(UserError::new(
            Code::InputInvalid,
            format!("{remote_url} is not the practice remote; review requests on a server are merged or closed there."),
        ));
    }
    Ok(PracticeRemote::open(remote_url).map_err(|e| UserError::from(&e))?.with_clock(desk.clock().clone()))
}

/// Merges review request `number` on the practice remote (a real merge commit on its base
/// branch, as GitHub's merge button makes). Returns the merge commit.
pub fn merge(desk: &Desk, remote_url: &str, number: u64) -> Result<String, UserError> {
    practice(desk, remote_url)?.merge_review(number).map_err(|e| UserError::from(&e))
}

/// Closes review request `number` on the practice remote without merging it.
pub fn close(desk: &Desk, remote_url: &str, number: u64) -> Result<(), UserError> {
    practice(desk, remote_url)?.close_review(number).map_err(|e| UserError::from(&e))
}

/// What the practice reviewer says.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize, specta::Type)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum PracticeVerdict {
    /// "Approve".
    Approve,
    /// "Ask for changes", with a comment on a line of a file (or on the whole change).
    AskForChanges {
        /// What to change.
        text: String,
        /// The file the comment is about.
        file: Option<String>,
        /// Its line.
        line: Option<u32>,
    },
}

/// The practice reviewer's review of request `number` on the practice remote: an approval, or
/// a request for changes with a comment (on a file's line when both are given).
pub fn review(desk: &Desk, remote_url: &str, number: u64, verdict: &PracticeVerdict) -> Result<(), UserError> {
    let remote = practice(desk, remote_url)?;
    let done = match verdict {
        PracticeVerdict::Approve => remote.submit_review(number, Verdict::Approved, "", None),
        PracticeVerdict::AskForChanges { text, file, line } => {
            if text.trim().is_empty() {
                return Err(UserError::new(
                    Code::InputInvalid,
                    "Asking for changes needs a comment saying what to change. Write one, then try again.",
                ));
            }
            let on_line = match (file.as_deref().map(str::trim).filter(|f| !f.is_empty()), line) {
                (Some(f), Some(l)) => Some((f, *l)),
                (None, None) => None,
                _ => {
                    return Err(UserError::new(
                        Code::InputInvalid,
                        "A comment on a line needs both the file and the line number. Give both, or neither.",
                    ))
                }
            };
            remote.submit_review(number, Verdict::ChangesAsked, text, on_line)
        }
    };
    done.map_err(|e| UserError::from(&e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_server_is_not_the_practice_remote() {
        let desk = Desk::new(tempfile::tempdir().unwrap().path(), crate::settings::Overrides::default());
        for url in ["https://github.com/octo/hello.git", "git@github.com:octo/hello.git"] {
            let e = merge(&desk, url, 1).unwrap_err();
            assert_eq!(e.code, Code::InputInvalid, "{}", e.message);
            assert!(e.message.contains("is not the practice remote"), "{}", e.message);
        }
    }
}
