//! Applying a patch file to any tree of a repository, in git's object store only: the check a
//! script (or a pod, through the API) runs before anything goes to the inbox.

pub use patchdesk_apply::{use_git_object_checks, ApplyReport, Outcome, Problem};
use patchdesk_apply::{ApplyError, ApplyOptions, Links};
use patchdesk_error::{Code, Coded, UserError};
use std::path::{Path, PathBuf};

/// The largest patch read unless told otherwise, in bytes.
pub const DEFAULT_MAX_BYTES: usize = patchdesk_patch::DEFAULT_MAX_BYTES;

/// What to apply where.
#[derive(Debug, Clone)]
pub struct ApplyFile {
    /// The git repository (bare or not).
    pub repo: PathBuf,
    /// The base: any tree-ish (commit, branch, tag, tree id).
    pub base: String,
    /// The patch file (a plain file, read with a cap).
    pub patch_file: PathBuf,
    /// Largest patch accepted, in bytes.
    pub max_bytes: usize,
    /// Take symbolic links the patch adds or changes; links pointing outside are refused anyway.
    pub allow_links: bool,
}

/// Applies `input.patch_file` (a git diff, a chat-damaged diff, an OpenAI patch, edit blocks or
/// whole files in a chat answer) to `input.base`, writing only git objects. A patch that cannot
/// be read as one is a report with outcome `refused` and the reason; an `Err` means the input
/// itself was wrong (no such file, repository or revision).
pub fn apply_file(input: &ApplyFile) -> Result<ApplyReport, UserError> {
    use_git_object_checks();
    // Read the patch while git starts up (opening the repository also sets up TLS, which takes
    // a moment that a large patch's read can use). Plain files only, read with a cap (a device,
    // a pipe or an endless file is refused).
    let (path, cap) = (input.patch_file.clone(), input.max_bytes as u64);
    let reading = std::thread::spawn(move || patchdesk_intake::read_input(&path, cap));
    let opened = git2::Repository::open(&input.repo);
    let data = match reading.join() {
        Ok(Ok(d)) => d,
        Ok(Err(e)) => return Err(UserError::new(e.code(), e.to_string())),
        Err(_) => return Err(UserError::new(Code::Io, format!("cannot read {}", input.patch_file.display()))),
    };
    let repo = opened
        .map_err(|_| UserError::new(Code::RepoNotFound, format!("{} is not a git repository", input.repo.display())))?;
    let base =
        patchdesk_apply::resolve_tree(&repo, &input.base).map_err(|e| UserError::new(e.code(), e.to_string()))?;
    let links = if input.allow_links { Links::Allow } else { Links::Refuse };
    let opts = ApplyOptions { max_patch_bytes: input.max_bytes, links, ..ApplyOptions::default() };
    match patchdesk_shapes::apply_text(&repo, base, &data, &opts) {
        Ok(r) => Ok(r),
        // A git failure is not the patch's fault.
        Err(e @ ApplyError::Git(_)) => Err(UserError::new(e.code(), e.to_string())),
        // Bad input: refused, nothing written.
        Err(e) => Ok(refused(&input.patch_file, &e)),
    }
}

fn refused(patch_file: &Path, e: &ApplyError) -> ApplyReport {
    ApplyReport {
        outcome: Outcome::Refused,
        tree: None,
        files: Vec::new(),
        repairs: Vec::new(),
        problems: vec![Problem {
            path: None,
            hunk: None,
            message: format!(
                "{}: {e}",
                patch_file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
            ),
            ours: Vec::new(),
            theirs: Vec::new(),
        }],
        risks: Vec::new(),
    }
}
