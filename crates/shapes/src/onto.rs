//! Applying an answer to a git tree with the apply engine: the base is read from the tree,
//! the placed answer becomes a patch with exact positions, and `patchdesk_apply` writes it
//! (objects only, the same checks and report as for any patch).

use crate::answer::Limits;
use crate::locate::Rung;
use crate::resolve::{Base, BaseFile, RepairKind};
use git2::{ObjectType, Oid, Repository, Tree};
use patchdesk_apply::{ApplyError, ApplyOptions, ApplyReport, Outcome, Problem};
use patchdesk_patch::{Repair, RepairKind as PatchRepairKind};

/// A git tree as the base an answer is placed on.
pub struct TreeBase<'r> {
    repo: &'r Repository,
    tree: Tree<'r>,
}

/// Most paths listed for matching a path by its tail.
const MAX_PATHS: usize = 2_000_000;

impl<'r> TreeBase<'r> {
    /// The tree `base` of `repo`.
    pub fn new(repo: &'r Repository, base: Oid) -> Result<Self, ApplyError> {
        let tree = repo.find_tree(base).map_err(|_| ApplyError::BaseNotFound(base.to_string()))?;
        Ok(TreeBase { repo, tree })
    }
}

impl Base for TreeBase<'_> {
    fn read(&self, path: &str) -> Result<Option<BaseFile>, String> {
        let Ok(entry) = self.tree.get_path(std::path::Path::new(path)) else { return Ok(None) };
        match (entry.kind(), entry.filemode()) {
            (Some(ObjectType::Blob), 0o100644 | 0o100755 | 0o100664) => {
                let blob = self.repo.find_blob(entry.id()).map_err(|_| format!("{path} could not be read from main"))?;
                Ok(Some(BaseFile { content: blob.content().to_vec(), executable: entry.filemode() == 0o100755 }))
            }
            (Some(ObjectType::Blob), _) => Err(format!("{path} is a link in main; Patchdesk does not change links from a chat answer. Change it by hand.")),
            (Some(ObjectType::Tree), _) => Err(format!("{path} is a folder in main, not a file; ask the pod which file it meant.")),
            _ => Err(format!("{path} is another project inside this one (a submodule); Patchdesk does not change it from a chat answer.")),
        }
    }

    fn paths(&self) -> Vec<String> {
        let mut out = Vec::new();
        let _ = self.tree.walk(git2::TreeWalkMode::PreOrder, |dir, e| {
            if out.len() >= MAX_PATHS {
                return git2::TreeWalkResult::Abort;
            }
            if e.kind() == Some(ObjectType::Blob) {
                if let Ok(name) = e.name() {
                    out.push(format!("{dir}{name}"));
                }
            }
            git2::TreeWalkResult::Ok
        });
        out
    }
}

/// The limits an answer is read with: the caller's size limit, but never past the answers'
/// own (a chat answer is read into lines and placed in memory, unlike a diff).
fn answer_limits(opts: &ApplyOptions) -> Limits {
    let limits = Limits::default();
    Limits { max_bytes: opts.max_patch_bytes.min(limits.max_bytes), ..limits }
}

fn refused(problems: Vec<Problem>) -> ApplyReport {
    ApplyReport {
        outcome: Outcome::Refused,
        tree: None,
        files: Vec::new(),
        repairs: Vec::new(),
        problems,
        risks: Vec::new(),
    }
}

fn problem(path: Option<String>, message: String) -> Problem {
    Problem { path, hunk: None, message, ours: Vec::new(), theirs: Vec::new() }
}

/// Reads `text` as a chat-shaped answer and applies it to tree `base`. A refusal (unreadable
/// answer, a block that does not fit or fits several places, elided code) is a report with
/// outcome `Refused` and nothing written.
pub fn apply_answer(repo: &Repository, base: Oid, text: &[u8], opts: &ApplyOptions) -> Result<ApplyReport, ApplyError> {
    let limits = answer_limits(opts);
    let answer = match crate::read(text, &limits) {
        Ok(a) => a,
        Err(e) => return Ok(refused(vec![problem(None, e.message)])),
    };
    let tb = TreeBase::new(repo, base)?;
    let plan = match crate::place(&answer, &tb, &limits) {
        Ok(p) => p,
        Err(refusals) => return Ok(refused(refusals.into_iter().map(|r| problem(r.path, r.message)).collect())),
    };
    let mut patch = crate::hunks::to_patch(&plan);
    patch.repairs = plan
        .repairs
        .iter()
        .map(|r| Repair {
            kind: match r.kind {
                RepairKind::Reading if r.message.contains("Windows") => PatchRepairKind::CrlfLineEnds,
                RepairKind::Reading => PatchRepairKind::SurroundingText,
                RepairKind::Loose(Rung::Indentation) => PatchRepairKind::Indentation,
                RepairKind::Loose(Rung::Typography) => PatchRepairKind::Typography,
                RepairKind::Loose(_) => PatchRepairKind::TrailingWhitespace,
                RepairKind::PathTail => PatchRepairKind::PathTail,
                RepairKind::AlreadyInMain => PatchRepairKind::AlreadyInMain,
            },
            path: r.path.clone(),
            hunk: None,
            message: r.message.clone(),
        })
        .collect();
    let opts = ApplyOptions { three_way: false, ..*opts };
    patchdesk_apply::apply_parsed(repo, base, &patch, &opts)
}

/// What `patchdesk apply` and the inbox use for any text: an OpenAI patch or edit blocks are
/// read as such; anything else goes to the unified-diff reader first, and only when that finds
/// no diff are whole files in a chat answer tried.
pub fn apply_text(repo: &Repository, base: Oid, text: &[u8], opts: &ApplyOptions) -> Result<ApplyReport, ApplyError> {
    if crate::sniff(text).is_some() {
        return apply_answer(repo, base, text, opts);
    }
    match patchdesk_apply::apply(repo, base, text, opts) {
        Err(ApplyError::Parse(e)) => {
            let limits = answer_limits(opts);
            match crate::whole::read(text, &limits) {
                Err(w) if w.message == crate::whole::NO_FILES => Err(ApplyError::Parse(e)),
                _ => apply_answer(repo, base, text, opts),
            }
        }
        other => other,
    }
}
