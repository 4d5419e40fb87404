//! Reviewing an inbox item: apply it to the project's current commit (objects only — the
//! working folder is never touched) and describe the result for the review screen: which
//! files change and how much, the repairs made, the problems found, and the pod's logs.
//!
//! The diff shown is the diff between the base tree and the tree the item produces, so what
//! the lead reads is exactly what would be sent for review, repairs included. File contents are
//! loaded one file at a time ([`Project::review_file`]) so huge patches stay responsive.

use crate::{Project, ProjectError};
use git2::{Delta, DiffFindOptions, DiffOptions, Oid};
use patchdesk_apply::{ApplyOptions, FileStatus, Outcome, Problem};
use patchdesk_intake::{InboxItem, Kind, LogKind};
use patchdesk_patch::Repair;
use serde::{Deserialize, Serialize};

/// Everything the review screen shows for one item, except file contents.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct Review {
    pub item: InboxItem,
    /// The commit the item was applied to (40 hex digits).
    pub base_commit: String,
    /// How it applied.
    pub outcome: Outcome,
    /// The resulting tree, when it applied.
    pub tree: Option<String>,
    /// Files the change touches, in path order.
    pub files: Vec<ReviewFile>,
    pub added: u32,
    pub removed: u32,
    /// Repairs made to a damaged patch, in plain sentences with file and hunk.
    pub repairs: Vec<Repair>,
    /// Why files did not apply; for conflicts, both sides.
    pub problems: Vec<Problem>,
    /// The pod's reasoning, prompt, changelog, handoff notes... as text.
    pub logs: Vec<ReviewLog>,
    /// Paths that need the lead's explicit "I understand" before the change is sent
    /// (workflows, submodules, hooks, links, Patchdesk's own folders, case twins), each with
    /// its sentence. Send for review passes the confirmed ones on.
    pub risks: Vec<patchdesk_patch::RiskyPath>,
    /// For the pod's revision of an open review request: the request it updates. The change
    /// above is then against the request's branch (what changed since the last revision).
    #[specta(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revision: Option<RevisionReview>,
}

/// The review of a revision of an open review request: "Revision 2 of #1", on its branch.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct RevisionReview {
    /// The request's number.
    pub number: u64,
    /// Which version of the request the item is (2 for the first revision).
    pub revision: u32,
    /// The request's branch, whose head the item was applied to.
    pub branch: String,
    /// The whole change, from where the branch left its base branch to the item's result,
    /// when the base is known.
    #[specta(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub whole: Option<WholeChange>,
}

/// The whole change a revision makes to the base branch.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct WholeChange {
    /// The base branch's commit the request's branch started from (40 hex digits).
    pub base_commit: String,
    /// Files changed, in path order.
    pub files: Vec<ReviewFile>,
    pub added: u32,
    pub removed: u32,
}

/// A reviewed item's result, kept for its files' diffs.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Remembered {
    /// The tree it was applied to.
    base: Oid,
    /// The tree it gives.
    tree: Oid,
    /// True when `base` is a chosen commit's (a request's branch), not the project's HEAD.
    pinned: bool,
    /// The base branch's tree the whole change is shown from (for a revision).
    whole: Option<Oid>,
}

/// One file of a review.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct ReviewFile {
    pub path: String,
    pub old_path: Option<String>,
    pub status: FileStatus,
    pub added: u32,
    pub removed: u32,
    pub binary: bool,
}

/// What applying an item gives: outcome, new tree, repairs, problems.
pub(crate) type Applied = (Outcome, Option<Oid>, Vec<Repair>, Vec<Problem>);

/// Applies kept by content, base and link rule: a review right after the inbox's check of the
/// same item (or a check after a review) does not apply a 20 MB patch a second time.
pub(crate) const KEPT_APPLIES: usize = 4;

/// How one inbox item applies to the project's current version (see [`Project::check_items`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, specta::Type)]
pub struct ItemCheck {
    /// Inbox item name.
    pub name: String,
    pub outcome: Outcome,
    /// Repairs made to read or place it.
    pub repairs: u32,
    /// Files with a conflict or a reason it cannot be applied.
    pub problem_files: u32,
    /// The first problem, in words.
    pub problem: Option<String>,
    /// Files it changes, and lines added and removed (when it applies).
    pub files: u32,
    pub added: u32,
    pub removed: u32,
}

impl From<&Review> for ItemCheck {
    /// The inbox's badge for a reviewed item.
    fn from(r: &Review) -> Self {
        let mut clashing: Vec<&str> = r.problems.iter().filter_map(|p| p.path.as_deref()).collect();
        clashing.sort_unstable();
        clashing.dedup();
        ItemCheck {
            name: r.item.name.clone(),
            outcome: r.outcome,
            repairs: r.repairs.len() as u32,
            problem_files: clashing.len() as u32,
            problem: r.problems.first().map(|p| p.message.clone()),
            files: r.files.len() as u32,
            added: r.added,
            removed: r.removed,
        }
    }
}

/// A log that came with the item, as text.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct ReviewLog {
    pub kind: LogKind,
    /// A heading in plain words: "Reasoning trace".
    pub title: String,
    /// The file name the pod used.
    pub name: String,
    /// The log's text (UTF-8; invalid bytes replaced).
    pub text: String,
    /// `markdown`, `yaml`, `json` or `text`: how to render it.
    pub format: String,
}

/// One file's change: every hunk with its place among the file's lines, and the lines of the
/// window asked for ([`FileAsk`]). The screen asks for more windows as the lead scrolls, so
/// neither side ever holds a huge file's lines at once.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct FileDiff {
    pub path: String,
    pub old_path: Option<String>,
    pub binary: bool,
    /// Every hunk; only those inside the window carry lines.
    pub hunks: Vec<DiffHunk>,
    /// Lines of the change over all hunks (what [`FileAsk::from`] counts).
    pub lines_total: u32,
    /// The first line sent.
    pub from: u32,
}

/// Which lines of one file's change to send, and how to compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct FileAsk {
    /// Unchanged lines shown around each change (3 is usual; a large number shows the whole file).
    pub context: u32,
    /// For a reviewed revision: the file's whole change from the base branch instead of its
    /// change since the request's branch (the same either way for any other item).
    pub whole: bool,
    /// Lines whose only change is spaces are not shown as changed (as `git diff -w`).
    pub ignore_space: bool,
    /// The first line sent, counted over all hunks from 0.
    pub from: u32,
    /// How many lines are sent.
    pub count: u32,
}

impl FileAsk {
    /// The first `count` lines with `context` lines around each change.
    pub fn first(context: u32, count: u32) -> Self {
        FileAsk { context, whole: false, ignore_space: false, from: 0, count }
    }
}

/// A run of changed lines with context.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct DiffHunk {
    pub header: String,
    pub old_start: u32,
    pub old_lines: u32,
    pub new_start: u32,
    pub new_lines: u32,
    /// Where the hunk's first line is among the file's lines (counted over all hunks from 0).
    pub first_line: u32,
    /// How many lines the hunk has.
    pub line_count: u32,
    /// Its lines inside the window asked for (all of them, or some, or none).
    pub lines: Vec<DiffLine>,
}

/// One line of a hunk.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct DiffLine {
    pub kind: DiffLineKind,
    pub old: Option<u32>,
    pub new: Option<u32>,
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum DiffLineKind {
    Context,
    Added,
    Removed,
}

/// Context lines around each change, as git shows them.
pub const CONTEXT: u32 = 3;
/// Longest log text sent to the screen.
const MAX_LOG_BYTES: usize = 512 * 1024;

impl Project {
    /// Applies inbox item `name` to the current commit and describes the result.
    pub fn review(&self, name: &str) -> Result<Review, ProjectError> {
        let head = self.repo.head()?.peel_to_commit()?.id();
        self.review_at(name, head, false, None)
    }

    /// Applies inbox item `name`, the pod's revision of an open review request, to commit `on`
    /// (the request's branch as it is now) and describes the result, with `revision` filled in:
    /// the request and, when `whole_from` (where the branch left its base) is given, the whole
    /// change from there. Its files' diffs ([`Project::review_file`]) stay against `on`.
    pub fn review_revision(
        &self,
        name: &str,
        on: Oid,
        whole_from: Option<Oid>,
        request: (u64, u32, &str),
    ) -> Result<Review, ProjectError> {
        let whole_from = whole_from.map(|c| self.repo.find_commit(c)).transpose()?;
        let mut review = self.review_at(name, on, true, whole_from.as_ref().map(|c| c.tree_id()))?;
        let whole = match (&whole_from, review.tree.as_deref().map(Oid::from_str)) {
            (Some(from), Some(Ok(tree))) => {
                let files = self.changed_files(from.tree_id(), tree)?;
                Some(WholeChange {
                    base_commit: from.id().to_string(),
                    added: files.iter().map(|f| f.added).sum(),
                    removed: files.iter().map(|f| f.removed).sum(),
                    files,
                })
            }
            _ => None,
        };
        let (number, revision, branch) = request;
        review.revision = Some(RevisionReview { number, revision, branch: branch.to_string(), whole });
        Ok(review)
    }

    fn review_at(&self, name: &str, on: Oid, pinned: bool, whole: Option<Oid>) -> Result<Review, ProjectError> {
        let queue = self.queue()?;
        let mut item = queue.get(name)?;
        crate::fill_pod_from_board(&mut item, &patchdesk_board::Board::load(&self.workdir));
        let bytes = queue.read_bytes(name)?;
        let head = self.repo.find_commit(on)?;
        let base = head.tree_id();

        let (outcome, tree, repairs, problems) = self.apply_item(&item, &bytes, base)?;

        let files = match tree {
            Some(tree) => self.changed_files(base, tree)?,
            None => Vec::new(),
        };
        let risks = match tree {
            Some(tree) => patchdesk_apply::risks_between(&self.repo, base, tree)?,
            None => Vec::new(),
        };
        if let Some(tree) = tree {
            self.remember_result(name, Remembered { base, tree, pinned, whole });
        }
        let logs = item
            .logs
            .iter()
            .filter_map(|log| {
                let bytes = queue.read_log(name, log).ok()?;
                let cut = &bytes[..bytes.len().min(MAX_LOG_BYTES)];
                Some(ReviewLog {
                    kind: log.kind,
                    title: log_title(log.kind).to_string(),
                    name: log.name.clone(),
                    text: String::from_utf8_lossy(cut).into_owned(),
                    format: log_format(&log.name).to_string(),
                })
            })
            .collect();
        Ok(Review {
            added: files.iter().map(|f| f.added).sum(),
            removed: files.iter().map(|f| f.removed).sum(),
            item,
            base_commit: head.id().to_string(),
            outcome,
            tree: tree.map(|t| t.to_string()),
            files,
            repairs,
            problems,
            logs,
            risks,
            revision: None,
        })
    }

    /// Lines of one file's change in item `name` (reviewed first if it was not yet): the window
    /// `ask` names, with every hunk's place so the rest can be asked for later.
    pub fn review_file(&self, name: &str, path: &str, ask: FileAsk) -> Result<FileDiff, ProjectError> {
        let kept = match self.remembered_result(name) {
            Some(r) => r,
            None => {
                let review = self.review(name)?;
                match (self.remembered_result(name), review.tree) {
                    (Some(r), _) => r,
                    _ => return Err(ProjectError::NotApplied(name.to_string())),
                }
            }
        };
        let tree = kept.tree;
        let base = match kept.whole {
            Some(from) if ask.whole => from,
            _ => kept.base,
        };
        let mut opts = DiffOptions::new();
        opts.context_lines(ask.context).ignore_whitespace(ask.ignore_space);
        let diff = self.tree_diff_with(base, tree, &mut opts)?;
        for (idx, delta) in diff.deltas().enumerate() {
            let new_path = delta.new_file().path().map(|p| p.to_string_lossy().into_owned());
            let old_path = delta.old_file().path().map(|p| p.to_string_lossy().into_owned());
            let shown = if delta.status() == Delta::Deleted { old_path.clone() } else { new_path.clone() };
            if shown.as_deref() != Some(path) {
                continue;
            }
            let binary = delta.new_file().is_binary() || delta.old_file().is_binary();
            let mut out = FileDiff {
                path: path.to_string(),
                old_path: if old_path != new_path { old_path } else { None },
                binary,
                hunks: Vec::new(),
                lines_total: 0,
                from: ask.from,
            };
            let Some(patch) = git2::Patch::from_diff(&diff, idx)? else {
                out.binary = true;
                return Ok(out);
            };
            if patch.delta().flags().is_binary() {
                out.binary = true;
                return Ok(out);
            }
            let end = ask.from.saturating_add(ask.count);
            // Only the window's lines are copied; the others are counted (no allocation).
            let mut at = 0u32;
            for h in 0..patch.num_hunks() {
                let (hunk, count) = patch.hunk(h)?;
                let first_line = at;
                let mut lines = Vec::new();
                for l in 0..count {
                    let line = patch.line_in_hunk(h, l)?;
                    let kind = match line.origin() {
                        '+' => DiffLineKind::Added,
                        '-' => DiffLineKind::Removed,
                        ' ' => DiffLineKind::Context,
                        _ => continue, // "\ No newline at end of file" markers
                    };
                    if (ask.from..end).contains(&at) {
                        let text = String::from_utf8_lossy(line.content());
                        lines.push(DiffLine {
                            kind,
                            old: line.old_lineno(),
                            new: line.new_lineno(),
                            text: text.trim_end_matches(['\n', '\r']).to_string(),
                        });
                    }
                    at += 1;
                }
                out.hunks.push(DiffHunk {
                    header: String::from_utf8_lossy(hunk.header()).trim_end().to_string(),
                    old_start: hunk.old_start(),
                    old_lines: hunk.old_lines(),
                    new_start: hunk.new_start(),
                    new_lines: hunk.new_lines(),
                    first_line,
                    line_count: at - first_line,
                    lines,
                });
            }
            out.lines_total = at;
            return Ok(out);
        }
        Err(ProjectError::FileNotInChange(path.to_string()))
    }

    fn tree_diff(&self, base: Oid, tree: Oid, context: u32) -> Result<git2::Diff<'_>, ProjectError> {
        let mut opts = DiffOptions::new();
        opts.context_lines(context);
        self.tree_diff_with(base, tree, &mut opts)
    }

    fn tree_diff_with(&self, base: Oid, tree: Oid, opts: &mut DiffOptions) -> Result<git2::Diff<'_>, ProjectError> {
        let old = self.repo.find_tree(base)?;
        let new = self.repo.find_tree(tree)?;
        let mut diff = self.repo.diff_tree_to_tree(Some(&old), Some(&new), Some(opts))?;
        diff.find_similar(Some(DiffFindOptions::new().renames(true).copies(false)))?;
        Ok(diff)
    }

    fn changed_files(&self, base: Oid, tree: Oid) -> Result<Vec<ReviewFile>, ProjectError> {
        let diff = self.tree_diff(base, tree, CONTEXT)?;
        let mut files = Vec::new();
        for (idx, delta) in diff.deltas().enumerate() {
            let new_path = delta.new_file().path().map(|p| p.to_string_lossy().into_owned()).unwrap_or_default();
            let old_path = delta.old_file().path().map(|p| p.to_string_lossy().into_owned()).unwrap_or_default();
            let status = match delta.status() {
                Delta::Added => FileStatus::Added,
                Delta::Deleted => FileStatus::Deleted,
                Delta::Renamed => FileStatus::Renamed,
                Delta::Copied => FileStatus::Copied,
                Delta::Modified if delta.old_file().id() == delta.new_file().id() => FileStatus::Mode,
                _ => FileStatus::Modified,
            };
            let (mut added, mut removed, mut binary) = (0u32, 0u32, false);
            match git2::Patch::from_diff(&diff, idx)? {
                Some(patch) if !patch.delta().flags().is_binary() => {
                    let (_, adds, dels) = patch.line_stats()?;
                    added = adds as u32;
                    removed = dels as u32;
                }
                _ => binary = true,
            }
            let shown = if status == FileStatus::Deleted { old_path.clone() } else { new_path.clone() };
            files.push(ReviewFile {
                old_path: (old_path != new_path && status != FileStatus::Added).then_some(old_path),
                path: shown,
                status,
                added,
                removed,
                binary,
            });
        }
        files.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(files)
    }

    /// Applies an item's change to tree `base` (objects only): outcome, new tree, repairs, problems.
    fn apply_item(&self, item: &InboxItem, bytes: &[u8], base: Oid) -> Result<Applied, ProjectError> {
        // Links from pods only where the project allows them (`review: allow_links`).
        let links = crate::config::ReviewPolicy::load(&self.workdir).map(|p| p.links()).unwrap_or_default();
        let key = format!("{}@{base}:{links:?}", item.sha256);
        let kept = self.applied.lock().ok().and_then(|k| k.iter().find(|(k, _)| *k == key).map(|(_, a)| a.clone()));
        if let Some(applied) = kept {
            return Ok(applied);
        }
        self.applies.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let applied = self.apply_item_now(item, bytes, base, links)?;
        if let Ok(mut kept) = self.applied.lock() {
            kept.push_back((key, applied.clone()));
            while kept.len() > KEPT_APPLIES {
                kept.pop_front();
            }
        }
        Ok(applied)
    }

    /// How many times this project applied an inbox item (a kept result does not count).
    pub fn applies_made(&self) -> u64 {
        self.applies.load(std::sync::atomic::Ordering::Relaxed)
    }

    fn apply_item_now(
        &self,
        item: &InboxItem,
        bytes: &[u8],
        base: Oid,
        links: patchdesk_apply::Links,
    ) -> Result<Applied, ProjectError> {
        match &item.kind {
            Kind::Diff { .. } => {
                // Every shape a chat hands out (diffs, OpenAI patches, edit blocks, whole files),
                // through the one function `patchdesk apply` and Send for review use.
                let report = patchdesk_shapes::apply_text(
                    &self.repo,
                    base,
                    bytes,
                    &ApplyOptions { links, ..ApplyOptions::default() },
                )?;
                Ok((report.outcome, report.tree_id(), report.repairs, report.problems))
            }
            Kind::Bundle | Kind::Batch => {
                let files = patchdesk_intake::read_full_files(&item.kind, &item.file_name, bytes)?;
                let files: Vec<_> = files.into_iter().map(|f| (f.path, f.content, f.executable)).collect();
                let tree = patchdesk_apply::apply_files(&self.repo, base, &files)?;
                Ok((Outcome::Clean, Some(tree), Vec::new(), Vec::new()))
            }
            Kind::Sidecar | Kind::Log { .. } => Err(ProjectError::NotReviewable(item.file_name.clone())),
        }
    }

    /// How each waiting inbox item applies to the current version, for the inbox's badges
    /// ("Applies cleanly", "Repaired — 3 fixes", "Conflicts in 2 files"…). Results are kept in
    /// git's folder per item content and base, so only new items or a moved base cost an apply.
    pub fn check_items(&self) -> Result<Vec<ItemCheck>, ProjectError> {
        let queue = self.queue()?;
        let base = self.repo.head()?.peel_to_tree()?.id();
        let mut cache: std::collections::BTreeMap<String, ItemCheck> =
            patchdesk_disk::read_file(self.repo.path(), "patchdesk/checks.json")
                .ok()
                .flatten()
                .and_then(|b| serde_json::from_slice(&b).ok())
                .unwrap_or_default();
        let mut fresh = std::collections::BTreeMap::new();
        let mut out = Vec::new();
        for item in queue.list()? {
            if matches!(item.kind, Kind::Sidecar | Kind::Log { .. })
                || matches!(
                    item.status,
                    patchdesk_intake::Status::Rejected
                        | patchdesk_intake::Status::Promoted
                        | patchdesk_intake::Status::Merged
                )
            {
                continue;
            }
            // An item that can't be read says why; it is never opened (and never cached: its
            // file may be fixed or replaced).
            if let Some(why) = &item.unreadable {
                out.push(ItemCheck {
                    name: item.name.clone(),
                    outcome: Outcome::Refused,
                    repairs: 0,
                    problem_files: 0,
                    problem: Some(why.clone()),
                    files: 0,
                    added: 0,
                    removed: 0,
                });
                continue;
            }
            // "2:": results from before chat answers were read in every shape are not reused.
            let key = format!("2:{}@{base}", item.sha256);
            let check = match cache.remove(&key) {
                Some(c) => ItemCheck { name: item.name.clone(), ..c },
                None => {
                    match queue
                        .read_bytes(&item.name)
                        .map_err(ProjectError::from)
                        .and_then(|b| self.apply_item(&item, &b, base))
                    {
                        Ok((outcome, tree, repairs, problems)) => {
                            let files = match tree {
                                Some(t) => self.changed_files(base, t).unwrap_or_default(),
                                None => Vec::new(),
                            };
                            let mut clashing: Vec<&str> = problems.iter().filter_map(|p| p.path.as_deref()).collect();
                            clashing.sort_unstable();
                            clashing.dedup();
                            ItemCheck {
                                name: item.name.clone(),
                                outcome,
                                repairs: repairs.len() as u32,
                                problem_files: clashing.len() as u32,
                                problem: problems.first().map(|p| p.message.clone()),
                                files: files.len() as u32,
                                added: files.iter().map(|f| f.added).sum(),
                                removed: files.iter().map(|f| f.removed).sum(),
                            }
                        }
                        Err(e) => ItemCheck {
                            name: item.name.clone(),
                            outcome: Outcome::Refused,
                            repairs: 0,
                            problem_files: 0,
                            problem: Some(e.to_string()),
                            files: 0,
                            added: 0,
                            removed: 0,
                        },
                    }
                }
            };
            fresh.insert(key, check.clone());
            out.push(check);
        }
        // Keep only what is still current; a failure to save only costs time next run.
        // Written like every other file of Patchdesk's: never through a link, a fresh temporary
        // name, then renamed into place.
        if let Ok(text) = serde_json::to_vec(&fresh) {
            if let Err(e) = patchdesk_disk::replace_file(self.repo.path(), "patchdesk/checks.json", text) {
                tracing::warn!(error = %e, "the checks already made could not be kept");
            }
        }
        Ok(out)
    }

    fn remember_result(&self, name: &str, kept: Remembered) {
        if let Ok(mut cache) = self.results.lock() {
            cache.insert(name.to_string(), kept);
        }
    }

    fn remembered_result(&self, name: &str) -> Option<Remembered> {
        let cache = self.results.lock().ok()?;
        let kept = *cache.get(name)?;
        if kept.pinned {
            return Some(kept);
        }
        // still current? the project may have moved on since
        let head = self.repo.head().ok()?.peel_to_tree().ok()?.id();
        (head == kept.base).then_some(kept)
    }
}

fn log_title(kind: LogKind) -> &'static str {
    match kind {
        LogKind::ThoughtTrace | LogKind::ReasoningTrace => "Reasoning",
        LogKind::Changelog => "What changed",
        LogKind::HandoffLog => "Handoffs",
        LogKind::HandoffNotes => "Handoff notes",
        LogKind::PromptUsed => "Prompt used",
        LogKind::Memory => "Memory",
        LogKind::TraceLog => "Trace log",
        LogKind::Feedback => "Feedback",
        LogKind::Metrics => "Metrics",
    }
}

fn log_format(name: &str) -> &'static str {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".md") || lower.ends_with(".markdown") {
        "markdown"
    } else if lower.ends_with(".yaml") || lower.ends_with(".yml") {
        "yaml"
    } else if lower.ends_with(".json") {
        "json"
    } else {
        "text"
    }
}
