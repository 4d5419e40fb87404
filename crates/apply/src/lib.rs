//! Applying patches to git trees. Only objects (blobs, trees) are written, and only when the
//! whole patch applies: never refs, the index or a working tree.
//!
//! Policy: hunks are placed with fuzz 0. A patch whose line numbers look intact is placed like
//! git (nearest match to the stated line); a damaged one must match in exactly one place. When
//! a hunk does not fit and the patch names a pre-image blob that exists, a 3-way merge is tried.
//! Anything else is refused: a wrong tree is worse than no tree.

mod hunks;
mod loose;
mod report;
mod risks;
mod tree;

pub use risks::risks_between;

pub use report::*;

use git2::{ObjectType, Oid, Repository};
use hunks::{Image, Miss, Placement};
use patchdesk_patch::{
    BinaryChunk, BinaryPatch, ChangeKind, FilePatch, LineKind, ParseOptions, Patch, Repair, RepairKind, RepoPath, Risk,
    RiskyPath,
};
use std::collections::{HashMap, HashSet};
use tree::{Content, Entry, Overlay};

/// Whether a patch may add or change symbolic links (the project's setting).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum Links {
    /// Any link the patch adds or changes is refused (the default: pods do not send links).
    #[default]
    Refuse,
    /// Links are taken when they point inside the repository (never absolute, never climbing
    /// out, never into `.git`); each is listed among the report's risks.
    Allow,
}

/// Options for [`apply`].
#[derive(Debug, Clone, Copy)]
pub struct ApplyOptions {
    /// Largest patch accepted, in bytes.
    pub max_patch_bytes: usize,
    /// Try a 3-way merge when hunks do not fit and the pre-image blob is known.
    pub three_way: bool,
    /// Whether the patch may add or change symbolic links.
    pub links: Links,
    /// Most bytes of new file content one patch may produce, over all its files.
    pub max_output_bytes: usize,
    /// Most bytes of existing files one patch may read, over all its files (a patch naming
    /// one large file many times is stopped here).
    pub max_read_bytes: usize,
}

/// Default for [`ApplyOptions::max_output_bytes`]: 512 MiB.
pub const DEFAULT_MAX_OUTPUT_BYTES: usize = 512 << 20;
/// Default for [`ApplyOptions::max_read_bytes`]: 4 GiB.
pub const DEFAULT_MAX_READ_BYTES: usize = 4 << 30;

impl Default for ApplyOptions {
    fn default() -> Self {
        ApplyOptions {
            max_patch_bytes: patchdesk_patch::DEFAULT_MAX_BYTES,
            three_way: true,
            links: Links::Refuse,
            max_output_bytes: DEFAULT_MAX_OUTPUT_BYTES,
            max_read_bytes: DEFAULT_MAX_READ_BYTES,
        }
    }
}

const MODE_FILE: u32 = 0o100644;
const MODE_EXEC: u32 = 0o100755;
const MODE_LINK: u32 = 0o120000;

/// Process-wide: read and write objects the way git does, without libgit2's extra checks
/// (re-hashing every object read, looking up every tree entry on write). Git itself does
/// neither; the apply engine still checks what it writes. Call once at start-up.
pub fn use_git_object_checks() {
    git2::opts::strict_hash_verification(false);
    git2::opts::strict_object_creation(false);
}

/// Resolves any tree-ish (commit, tree, branch, tag, abbreviated id) to a tree id.
pub fn resolve_tree(repo: &Repository, rev: &str) -> Result<Oid, ApplyError> {
    let obj = repo.revparse_single(rev).map_err(|_| ApplyError::BaseNotFound(rev.to_string()))?;
    let tree = obj.peel_to_tree().map_err(|_| ApplyError::BaseNotFound(rev.to_string()))?;
    Ok(tree.id())
}

/// Parses `patch` and applies it to tree `base`. Bad input gives `Err` (nothing written); a
/// patch that does not fit gives a report with outcome `Refused` or `Conflict` (nothing
/// written); otherwise the new tree is in the object database and in the report.
pub fn apply(repo: &Repository, base: Oid, patch: &[u8], opts: &ApplyOptions) -> Result<ApplyReport, ApplyError> {
    let parsed = patchdesk_patch::parse_with(
        patch,
        &ParseOptions { max_bytes: opts.max_patch_bytes, ..ParseOptions::default() },
    )?;
    apply_parsed(repo, base, &parsed, opts)
}

/// Applies an already parsed patch to tree `base`.
pub fn apply_parsed(
    repo: &Repository,
    base: Oid,
    patch: &Patch<'_>,
    opts: &ApplyOptions,
) -> Result<ApplyReport, ApplyError> {
    let base_tree = repo.find_tree(base).map_err(|_| ApplyError::BaseNotFound(base.to_string()))?;
    let mut run = Run {
        repo,
        overlay: Overlay::new(repo, &base_tree, patch.files.len()),
        repairs: patch.repairs.clone(),
        problems: Vec::new(),
        files: Vec::new(),
        merged: false,
        conflict: false,
        opts,
        risks: Vec::new(),
        output_left: opts.max_output_bytes,
        read_left: opts.max_read_bytes,
    };
    for file in &patch.files {
        run.file(file)?;
    }
    if run.problems.is_empty() && !run.conflict {
        run.case_collisions(&base_tree);
    }
    let mut seen = HashSet::new();
    run.risks.retain(|r| seen.insert((r.path.clone(), r.risk)));
    let mut report = ApplyReport {
        outcome: Outcome::Clean,
        tree: None,
        files: run.files,
        repairs: run.repairs,
        problems: run.problems,
        risks: run.risks,
    };
    if run.conflict {
        report.outcome = Outcome::Conflict;
        return Ok(report);
    }
    if !report.problems.is_empty() {
        report.outcome = Outcome::Refused;
        return Ok(report);
    }
    // Check the tree shape first (clashes, symlinks) without writing, then write.
    if let Err(p) = run.overlay.build(repo, &base_tree, false) {
        report.problems.push(p);
        report.outcome = Outcome::Refused;
        return Ok(report);
    }
    let tree = run
        .overlay
        .build(repo, &base_tree, true)
        .map_err(|p| ApplyError::UnsafePath { path: p.path.unwrap_or_default(), reason: p.message })?;
    report.tree = Some(tree.to_string());
    report.outcome = if run.merged {
        Outcome::Merged
    } else if report.repairs.is_empty() {
        Outcome::Clean
    } else {
        Outcome::Repaired
    };
    Ok(report)
}

/// Writes full files (create or replace) over tree `base`; returns the new tree.
/// Paths must already be validated [`RepoPath`]s; clashes and symlinked folders are refused.
pub fn apply_files(repo: &Repository, base: Oid, files: &[(RepoPath, Vec<u8>, bool)]) -> Result<Oid, ApplyError> {
    let base_tree = repo.find_tree(base).map_err(|_| ApplyError::BaseNotFound(base.to_string()))?;
    let mut overlay = Overlay::new(repo, &base_tree, files.len());
    for (path, data, exec) in files {
        overlay.set(path.as_str(), Some(Entry::data(data.clone(), if *exec { MODE_EXEC } else { MODE_FILE })));
    }
    let to_err = |p: Problem| ApplyError::UnsafePath { path: p.path.unwrap_or_default(), reason: p.message };
    overlay.build(repo, &base_tree, false).map_err(to_err)?;
    overlay.build(repo, &base_tree, true).map_err(to_err)
}

struct Run<'r, 'o> {
    repo: &'r Repository,
    overlay: Overlay<'r>,
    repairs: Vec<Repair>,
    problems: Vec<Problem>,
    files: Vec<FileReport>,
    merged: bool,
    conflict: bool,
    opts: &'o ApplyOptions,
    risks: Vec<RiskyPath>,
    /// What is left of the budgets for new content and for reading existing files.
    output_left: usize,
    read_left: usize,
}

/// Where a symbolic link's target leads, seen from the link at `path`.
fn link_escapes(path: &str, target: &[u8]) -> bool {
    let Ok(t) = std::str::from_utf8(target) else { return true };
    if t.is_empty()
        || t.contains('\0')
        || t.starts_with('/')
        || t.starts_with('\\')
        || t.as_bytes().get(1) == Some(&b':')
    {
        return true;
    }
    let mut depth = path.matches('/').count() as i64;
    for part in t.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => {
                depth -= 1;
                if depth < 0 {
                    return true;
                }
            }
            p => {
                if RepoPath::parse(p).is_err() {
                    return true; // `.git` or an alias of it, or an odd character
                }
                depth += 1;
            }
        }
    }
    false
}

/// Result of applying a file's hunks to its content.
enum TextResult {
    Done(Vec<u8>, Vec<Repair>),
    Failed(Problem),
}

fn id_matches(id: &Oid, abbrev: &str) -> bool {
    id.to_string().starts_with(abbrev)
}

fn is_zero_id(abbrev: &str) -> bool {
    abbrev.bytes().all(|b| b == b'0')
}

impl Run<'_, '_> {
    fn refuse(&mut self, file: &FilePatch<'_>, hunk: Option<u32>, message: String) {
        self.problems.push(Problem::new(Some(file.display_path()), hunk, message));
    }

    /// Reads an existing file's bytes, charged to the read budget.
    fn read(&mut self, file: &FilePatch<'_>, e: &Entry) -> Result<Option<Vec<u8>>, ApplyError> {
        let size = match &e.content {
            Content::Blob(id) => self.repo.find_blob(*id)?.size(),
            Content::Data(d, _) => d.len(),
        };
        if size > self.read_left {
            self.refuse(file, None, format!(
                "The patch names large files so many times that Patchdesk would read more than {} MB (stopped at {}); ask the pod to split the change into smaller patches.",
                self.opts.max_read_bytes >> 20,
                file.display_path()
            ));
            return Ok(None);
        }
        self.read_left -= size;
        Ok(Some(e.bytes(self.repo)?))
    }

    /// Charges new content to the output budget; `false` (and a refusal) when over it.
    fn output(&mut self, file: &FilePatch<'_>, size: usize) -> bool {
        if size > self.output_left {
            self.refuse(file, None, format!(
                "The patch's changed files add up to more than {} MB (stopped at {}); Patchdesk stops there. Ask the pod to split the change into smaller patches.",
                self.opts.max_output_bytes >> 20,
                file.display_path()
            ));
            return false;
        }
        self.output_left -= size;
        true
    }

    /// Checks a link the patch makes at `path` to `target`; `false` (and a refusal) when it
    /// is not taken.
    fn link(&mut self, file: &FilePatch<'_>, path: &str, target: &[u8]) -> bool {
        let shown = patchdesk_patch::path::visible(&String::from_utf8_lossy(target));
        if self.opts.links == Links::Refuse {
            self.refuse(file, None, format!(
                "The patch makes `{path}` a link to `{shown}`; Patchdesk does not take links from pods unless the project allows them."
            ));
            return false;
        }
        if link_escapes(path, target) {
            self.refuse(file, None, format!(
                "The patch makes `{path}` a link to `{shown}`, which points outside the project; Patchdesk does not take such links. Ask the pod for the file itself."
            ));
            return false;
        }
        self.risks.push(RiskyPath::new(path, Risk::Link));
        true
    }

    /// Final paths that differ only in letter case: two written by the patch are refused; one
    /// written by the patch and one already in the base are listed as a risk.
    fn case_collisions(&mut self, base: &git2::Tree<'_>) {
        let written: Vec<String> = self.overlay.written().map(str::to_string).collect();
        let mut spelled: HashMap<String, &str> = HashMap::new();
        for p in &written {
            let mut end = 0;
            for part in p.split('/') {
                end += part.len();
                let prefix = &p[..end];
                end += 1;
                if let Some(other) = spelled.insert(prefix.to_lowercase(), prefix) {
                    if other != prefix {
                        self.problems.push(Problem::new(Some(p), None, format!(
                            "The patch writes both `{other}` and `{prefix}`, whose names differ only in upper and lower case; on Windows and Mac they would be one file, so Patchdesk refuses. Ask the pod to use one spelling."
                        )));
                        return;
                    }
                }
            }
        }
        // Against the base: list each folder the patch writes into once.
        let mut listed: HashMap<String, Vec<String>> = HashMap::new();
        for p in &written {
            let mut parent = String::new();
            for part in p.split('/') {
                let names = listed.entry(parent.clone()).or_insert_with(|| {
                    let dir = if parent.is_empty() {
                        Some(base.clone())
                    } else {
                        base.get_path(std::path::Path::new(&parent)).ok().and_then(|e| self.repo.find_tree(e.id()).ok())
                    };
                    dir.map(|t| t.iter().filter_map(|e| e.name().ok().map(str::to_string)).collect())
                        .unwrap_or_default()
                });
                let lower = part.to_lowercase();
                let full = |n: &str| if parent.is_empty() { n.to_string() } else { format!("{parent}/{n}") };
                let clash = names.iter().find(|n| **n != part && n.to_lowercase() == lower).map(|n| full(n));
                if let Some(other) = clash {
                    if !self.overlay.is_deleted(&other) {
                        self.risks.push(RiskyPath::new(p, Risk::CaseCollision));
                        break;
                    }
                }
                parent = full(part);
            }
        }
    }

    fn file(&mut self, file: &FilePatch<'_>) -> Result<(), ApplyError> {
        let path = file.display_path().to_string();
        for p in [&file.old_path, &file.new_path].into_iter().flatten() {
            let added = file.hunks.iter().flat_map(|h| &h.lines).filter(|l| l.kind == LineKind::New).map(|l| l.text);
            if let Some(r) = patchdesk_patch::risk_of_change(p.as_str(), added) {
                self.risks.push(RiskyPath::new(p.as_str(), r));
            }
        }
        let added = file.hunks.iter().flat_map(|h| &h.lines).filter(|l| l.kind == LineKind::New).count() as u32;
        let removed = file.hunks.iter().flat_map(|h| &h.lines).filter(|l| l.kind == LineKind::Old).count() as u32;
        for m in [file.old_mode, file.new_mode].into_iter().flatten() {
            if ![MODE_FILE, MODE_EXEC, MODE_LINK, 0o100664].contains(&m) {
                self.refuse(file, None, format!("{path} has a file mode ({m:o}) that cannot be applied"));
                return Ok(());
            }
        }
        // Source content and mode.
        let source: Option<Entry> = match (&file.change, &file.old_path) {
            (ChangeKind::Add, _) | (_, None) => None,
            (_, Some(old)) => match self.overlay.get(self.repo, old.as_str()) {
                Ok(Some(e)) => Some(e),
                Ok(None) => {
                    self.refuse(file, None, format!("{old} is not in the base, so the change to it cannot be applied"));
                    return Ok(());
                }
                Err(msg) => {
                    self.refuse(file, None, msg);
                    return Ok(());
                }
            },
        };
        if let Some(new) = &file.new_path {
            let must_be_new = matches!(file.change, ChangeKind::Add | ChangeKind::Rename | ChangeKind::Copy);
            if must_be_new && file.old_path.as_ref() != Some(new) {
                match self.overlay.get(self.repo, new.as_str()) {
                    Ok(None) => {}
                    Ok(Some(_)) => {
                        self.refuse(file, None, format!("{new} already exists in the base"));
                        return Ok(());
                    }
                    Err(msg) => {
                        self.refuse(file, None, msg);
                        return Ok(());
                    }
                }
            }
        }
        let old_mode = source.as_ref().map(|e| e.mode);
        if let (Some(said), Some(actual)) = (file.old_mode, old_mode) {
            if said != actual && !(said == 0o100664 && actual == MODE_FILE) {
                self.refuse(
                    file,
                    None,
                    format!("{path} has mode {actual:o} in the base but the patch expects {said:o}"),
                );
                return Ok(());
            }
        }
        // A rename, copy or mode change without content changes keeps the stored file as it is
        // (nothing is read or copied).
        let mode_after = file.new_mode.or(old_mode).map(|m| if m == 0o100664 { MODE_FILE } else { m });
        if let Some(Entry { content: Content::Blob(id), mode }) = &source {
            let same_content = file.hunks.is_empty() && file.binary.is_none() && file.change != ChangeKind::Delete;
            if same_content && mode_after != Some(MODE_LINK) && file.new_path.is_some() {
                let (id, new_mode) = (*id, mode_after.unwrap_or(*mode));
                return self.place_entry(
                    file,
                    Entry { content: Content::Blob(id), mode: new_mode },
                    old_mode,
                    false,
                    (0, 0),
                );
            }
        }
        let old_data: Vec<u8> = match &source {
            Some(e) => match self.read(file, e)? {
                Some(d) => d,
                None => return Ok(()),
            },
            None => Vec::new(),
        };
        let old_oid = match &source {
            Some(e) => e.oid()?,
            None => Oid::ZERO_SHA1,
        };
        // New content.
        let new_data: Option<Vec<u8>> = if let Some(bin) = &file.binary {
            match bin {
                BinaryPatch::Data(BinaryChunk::Literal(d)) => Some(d.clone()),
                BinaryPatch::Data(BinaryChunk::Delta(d))
                    if patchdesk_patch::binary::delta_result_size(d).is_some_and(|n| n > self.output_left) =>
                {
                    let over = patchdesk_patch::binary::delta_result_size(d).unwrap_or(usize::MAX);
                    self.output(file, over);
                    return Ok(());
                }
                BinaryPatch::Data(BinaryChunk::Delta(d)) => match patchdesk_patch::binary::apply_delta(&old_data, d) {
                    Some(out) => Some(out),
                    None => {
                        self.refuse(file, None, format!("the binary change to {path} does not fit the base's file"));
                        return Ok(());
                    }
                },
                BinaryPatch::Missing => {
                    let found = file
                        .new_id
                        .as_deref()
                        .filter(|id| id.len() == 40)
                        .and_then(|id| Oid::from_str(id).ok())
                        .and_then(|oid| self.repo.find_blob(oid).ok())
                        .map(|b| b.content().to_vec());
                    match found {
                        Some(d) => Some(d),
                        None if file.change == ChangeKind::Delete => None,
                        None => {
                            self.refuse(
                                file,
                                None,
                                format!(
                                    "the patch says {path} is a changed binary file but does not include its content"
                                ),
                            );
                            return Ok(());
                        }
                    }
                }
            }
        } else if file.hunks.is_empty() {
            (file.change != ChangeKind::Delete).then(|| old_data.clone())
        } else {
            match self.text(file, &old_data, old_oid)? {
                TextResult::Done(d, reps) => {
                    self.repairs.extend(reps);
                    Some(d)
                }
                TextResult::Failed(p) => {
                    if self.opts.three_way && file.change != ChangeKind::Add {
                        match self.three_way(file, &old_data)? {
                            Some(d) => Some(d),
                            None => {
                                if !self.conflict {
                                    self.problems.push(p);
                                }
                                return Ok(());
                            }
                        }
                    } else {
                        self.problems.push(p);
                        return Ok(());
                    }
                }
            }
        };
        // Write the result into the overlay.
        match file.change {
            ChangeKind::Delete => {
                if new_data.as_ref().is_some_and(|d| !d.is_empty())
                    || (file.hunks.is_empty() && file.binary.is_none() && !old_data.is_empty())
                {
                    self.refuse(
                        file,
                        None,
                        format!("{path} still has content the patch does not remove, so it cannot be deleted"),
                    );
                    return Ok(());
                }
                self.overlay.set(file.old_path.as_ref().map(RepoPath::as_str).unwrap_or_default(), None);
                self.report_file(file, FileStatus::Deleted, added, removed);
                Ok(())
            }
            _ => {
                let mode = mode_after.unwrap_or(MODE_FILE);
                let data = new_data.unwrap_or_default();
                let unchanged = source.as_ref().is_some_and(|e| e.mode == mode) && data == old_data;
                if unchanged && file.change == ChangeKind::Modify {
                    if let (Some(_), Some(e)) = (&file.new_path, &source) {
                        return self.place_entry(file, e.clone(), old_mode, true, (added, removed));
                    }
                }
                // Every link that reaches here is new or changed (or moved, which can change
                // where it leads).
                if mode == MODE_LINK {
                    let at = file.new_path.as_ref().map(RepoPath::as_str).unwrap_or_default();
                    if !self.link(file, at, &data) {
                        return Ok(());
                    }
                }
                if !self.output(file, data.len()) {
                    return Ok(());
                }
                self.place_entry(file, Entry::data(data, mode), old_mode, false, (added, removed))
            }
        }
    }

    fn report_file(&mut self, file: &FilePatch<'_>, status: FileStatus, added: u32, removed: u32) {
        self.files.push(FileReport {
            path: file.display_path().to_string(),
            old_path: match file.change {
                ChangeKind::Rename | ChangeKind::Copy => file.old_path.as_ref().map(|p| p.to_string()),
                _ => None,
            },
            status,
            added,
            removed,
        });
    }

    /// Puts the new state of a file that is not deleted into the overlay and the report.
    /// `keep`: the file stays as in the base.
    fn place_entry(
        &mut self,
        file: &FilePatch<'_>,
        entry: Entry,
        old_mode: Option<u32>,
        keep: bool,
        (added, removed): (u32, u32),
    ) -> Result<(), ApplyError> {
        let Some(new_path) = &file.new_path else {
            self.refuse(file, None, "the section has no target path".into());
            return Ok(());
        };
        if file.change == ChangeKind::Rename {
            if let Some(old) = &file.old_path {
                self.overlay.set(old.as_str(), None);
            }
        }
        let status = match file.change {
            ChangeKind::Add => FileStatus::Added,
            ChangeKind::Rename => FileStatus::Renamed,
            ChangeKind::Copy => FileStatus::Copied,
            _ if file.hunks.is_empty() && file.binary.is_none() && Some(entry.mode) != old_mode => FileStatus::Mode,
            _ => FileStatus::Modified,
        };
        if keep {
            self.overlay.keep(new_path.as_str(), Some(entry));
        } else {
            self.overlay.set(new_path.as_str(), Some(entry));
        }
        self.report_file(file, status, added, removed);
        Ok(())
    }

    /// Applies the text hunks; verifies against the patch's blob ids when it can.
    fn text(&mut self, file: &FilePatch<'_>, old: &[u8], old_oid: Oid) -> Result<TextResult, ApplyError> {
        let path = file.display_path();
        let verify = match (&file.old_id, &file.new_id) {
            (Some(o), Some(n)) if !is_zero_id(n) && (is_zero_id(o) && old.is_empty() || id_matches(&old_oid, o)) => {
                Some(n.clone())
            }
            _ => None,
        };
        let modes: &[Placement] =
            if file.positions_trusted { &[Placement::Nearest, Placement::Unique] } else { &[Placement::Unique] };
        let mut last_problem = None;
        for &mode in modes {
            match place_all(file, old, mode) {
                Ok((data, reps)) => {
                    // The blob-id check matters when placement was not exactly as written.
                    let placed_as_written = mode == Placement::Nearest && reps.is_empty();
                    if let Some(n) = verify.as_ref().filter(|_| !placed_as_written) {
                        let got = Oid::hash_object(ObjectType::Blob, &data)?;
                        if !id_matches(&got, n) {
                            last_problem = Some(Problem::new(
                                Some(path),
                                None,
                                format!(
                                    "{path}: the hunks fit, but the result is not the file the patch describes (blob {n}); refusing rather than guessing"
                                ),
                            ));
                            continue;
                        }
                    }
                    return Ok(TextResult::Done(data, reps));
                }
                Err(p) => {
                    if last_problem.is_none() || mode == Placement::Nearest {
                        last_problem = Some(p);
                    }
                }
            }
        }
        Ok(TextResult::Failed(last_problem.unwrap_or_else(|| Problem::new(Some(path), None, "does not apply"))))
    }

    /// 3-way merge using the pre-image blob named by the patch. `Ok(None)` when not possible or
    /// conflicted (conflicts are recorded).
    fn three_way(&mut self, file: &FilePatch<'_>, ours: &[u8]) -> Result<Option<Vec<u8>>, ApplyError> {
        let Some(old_id) = file.old_id.as_deref().filter(|o| !is_zero_id(o)) else { return Ok(None) };
        let Ok(obj) = self.repo.find_object_by_prefix(old_id, Some(ObjectType::Blob)) else { return Ok(None) };
        let Some(blob) = obj.as_blob() else { return Ok(None) };
        let base = blob.content().to_vec();
        let theirs = match place_all(file, &base, Placement::Nearest) {
            Ok((d, _)) => d,
            Err(_) => return Ok(None),
        };
        let path = file.display_path();
        let mut a = git2::MergeFileInput::new();
        a.content(&base);
        let mut o = git2::MergeFileInput::new();
        o.content(ours);
        let mut t = git2::MergeFileInput::new();
        t.content(&theirs);
        let mut mopts = git2::MergeFileOptions::new();
        mopts.our_label("base").their_label("patch").ancestor_label("original");
        let res = git2::merge_file(&a, &o, &t, Some(&mut mopts))?;
        if res.is_automergeable() {
            self.merged = true;
            self.repairs.push(Repair {
                kind: RepairKind::HunkMoved,
                path: Some(path.to_string()),
                hunk: None,
                message: format!(
                    "{path} had changed since the patch was made; a 3-way merge combined both changes cleanly"
                ),
            });
            return Ok(Some(res.content().to_vec()));
        }
        self.conflict = true;
        let mut n = 0u32;
        let mut state = 0; // 0 outside, 1 ours, 2 base (diff3), 3 theirs
        let (mut ours_l, mut theirs_l) = (Vec::new(), Vec::new());
        for line in res.content().split(|&b| b == b'\n') {
            let s = String::from_utf8_lossy(line).into_owned();
            if s.starts_with("<<<<<<< ") {
                state = 1;
                ours_l.clear();
                theirs_l.clear();
            } else if s.starts_with("||||||| ") && state == 1 {
                state = 2;
            } else if s == "=======" && state >= 1 {
                state = 3;
            } else if s.starts_with(">>>>>>> ") && state == 3 {
                n += 1;
                self.problems.push(Problem {
                    path: Some(path.to_string()),
                    hunk: Some(n),
                    message: format!("conflict {n} in {path}: the base changed the same lines the patch changes"),
                    ours: std::mem::take(&mut ours_l),
                    theirs: std::mem::take(&mut theirs_l),
                });
                state = 0;
            } else if state == 1 {
                ours_l.push(s);
            } else if state == 3 {
                theirs_l.push(s);
            }
        }
        if n == 0 {
            self.problems.push(Problem::new(Some(path), None, format!("{path} could not be merged with the base")));
        }
        Ok(None)
    }
}

/// Places and applies every hunk of `file` on `old`.
fn place_all(file: &FilePatch<'_>, old: &[u8], mode: Placement) -> Result<(Vec<u8>, Vec<Repair>), Problem> {
    let path = file.display_path();
    let old_img = hunks::image(old);
    let hunk_lines: usize = file.hunks.iter().map(|h| h.lines.len()).sum();
    let mut img = Image::new(&old_img, hunk_lines);
    let mut reps = Vec::new();
    let mut min_at = 0usize;
    let mut loose_count = 0;
    for (i, h) in file.hunks.iter().enumerate() {
        let n = i as u32 + 1;
        let placed = hunks::place(&mut img, h, mode, min_at).map_err(|m| match m {
            Miss::NotFound => Problem::new(
                Some(path),
                Some(n),
                format!(
                    "hunk {n} of {path} does not fit: the lines it changes are not in the base{}",
                    if h.bare_header { "" } else { " near the line the patch says" }
                ),
            ),
            Miss::Ambiguous(k) => Problem::new(
                Some(path),
                Some(n),
                format!(
                    "hunk {n} of {path} could go in {}{k} places and the patch's line numbers cannot be trusted; refusing to guess",
                    if k > 8 { "more than " } else { "" }
                ),
            ),
            Miss::TooMuchWork => Problem::new(
                Some(path),
                Some(n),
                format!(
                    "hunk {n} of {path} could not be placed: its lines are too far from where the patch says or repeat too often for Patchdesk to search; ask the pod for a fresh patch made against the current files"
                ),
            ),
        })?;
        if placed.loose {
            loose_count += 1;
        }
        if !h.bare_header {
            let stated = h.new_start.max(1) as i64;
            let actual = placed.at as i64 + 1;
            let moved = actual - stated;
            if moved != 0 && !(h.old_count == 0 && h.old_start == 0) {
                reps.push(Repair {
                    kind: RepairKind::HunkMoved,
                    path: Some(path.to_string()),
                    hunk: Some(n),
                    message: format!(
                        "hunk {n} of {path} was found {} line{} {} than the patch said",
                        moved.abs(),
                        if moved.abs() == 1 { "" } else { "s" },
                        if moved > 0 { "lower" } else { "higher" }
                    ),
                });
            }
        }
        let post = img.apply(h, placed.at);
        min_at = placed.at + post;
    }
    if loose_count > 0 {
        reps.push(Repair {
            kind: RepairKind::TrailingWhitespace,
            path: Some(path.to_string()),
            hunk: None,
            message: format!("{loose_count} hunk(s) of {path} matched only when trailing spaces were ignored"),
        });
    }
    Ok((img.join(), reps))
}
