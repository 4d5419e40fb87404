//! "Undo merge": a review request that takes a merged request's change out of its base again.
//!
//! 1. The forge says which commit merged the request (the merge commit, the squash commit, or
//!    the last of the commits a rebase merge made) and how many commits the request had.
//! 2. The base branch is fetched into Patchdesk's own refs, and the revert is built in the
//!    object store: the whole merged change (from the base just before the merge to that
//!    commit, so every commit of a rebase merge) taken out of the base's current head, as one commit whose parent is that head. The delivery logs (`.logs/`, the
//!    metrics file) are history and stay as they are on the base. The lead's working tree,
//!    index and branches are never touched. Later changes to the same lines of a project file
//!    refuse it; nothing is written.
//! 3. The commit is pushed, never forced, on `patchdesk/undo/<task>-<n>`, and a review request
//!    "Undo F2.2: <title> (reverts #n)" is opened (or found) for it.
//! 4. The record (`.patchdesk/undo/reverts-<n>.json`, local) lets a rerun return the same
//!    request while it is open, and lets following the reviews ([`follow_undos`]) put the task
//!    back in progress, in one commit, once the undo is merged; the tasks its merge made ready
//!    and nobody started yet wait for it again in the same commit.

use std::path::{Path, PathBuf};

use git2::{Oid, Repository};
use patchdesk_board::Board;
use patchdesk_forge::{Forge, ForgeError, NewReview, ReviewPoll, ReviewState};
use patchdesk_logs::TraceEntry;
use patchdesk_project::record::{check_can_commit, open_repository, record_checked_paths, restore};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::lifecycle::{FollowedReview, LifecycleError, ReviewChange};
use crate::{transport, KnownReview, PromoteError, FETCH_PREFIX};

/// Folder of undo records, relative to the working folder (ignored by git).
pub const UNDO_DIR: &str = ".patchdesk/undo";
/// Local refs pointing at revert commits (the push source).
const UNDO_REF_PREFIX: &str = "refs/patchdesk/undo";

/// One "Undo merge": the merged request it reverts and the request that reverts it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct UndoRecord {
    /// The task whose merge is undone.
    pub task: String,
    /// The inbox item the merged request was opened from.
    pub item: String,
    /// The merged request's number.
    pub reverts: u64,
    /// Its link.
    pub reverts_url: String,
    /// The remote (never with credentials).
    pub remote: String,
    /// The base branch the change is taken out of.
    pub base: String,
    /// The branch with the revert commit.
    pub branch: String,
    /// The commit that merged the request.
    pub merge_commit: String,
    /// The revert commit.
    pub commit: String,
    /// The revert commit is on the remote branch.
    #[serde(default)]
    pub pushed: bool,
    /// The undo's review request number, once opened.
    #[serde(default)]
    pub number: Option<u64>,
    /// Its link.
    #[serde(default)]
    pub url: Option<String>,
    /// Its last known state.
    #[serde(default = "open")]
    pub state: ReviewState,
    /// The task was put back in progress after the undo merged.
    #[serde(default)]
    pub applied: bool,
}

fn open() -> ReviewState {
    ReviewState::Open
}

/// What to undo.
pub struct UndoRequest<'a> {
    /// The project's working folder.
    pub workdir: &'a Path,
    /// Git address of the remote the merged request lives on.
    pub remote_url: &'a str,
    /// The merged request.
    pub reverts: &'a KnownReview,
    /// Its task.
    pub task: &'a str,
    /// The change's title in a few words (the item's summary).
    pub title: &'a str,
    /// Commit author (name, e-mail); `None`: git config, else "Patchdesk".
    pub author: Option<(String, String)>,
    /// The revert commit's date.
    pub now: OffsetDateTime,
}

/// What [`undo_merge`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UndoOutcome {
    /// The record, with the undo's request.
    pub record: UndoRecord,
    /// False when a rerun found the undo's request already there.
    pub new: bool,
}

/// Where the undo of request `reverts` is recorded.
pub fn undo_record_path(workdir: &Path, reverts: u64) -> PathBuf {
    workdir.join(UNDO_DIR).join(format!("reverts-{reverts}.json"))
}

/// The undo of request `reverts`, if one was started.
pub fn load_undo(workdir: &Path, reverts: u64) -> Option<UndoRecord> {
    let bytes = std::fs::read(undo_record_path(workdir, reverts)).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Every undo record of the working folder.
pub fn all_undos(workdir: &Path) -> Vec<UndoRecord> {
    let Ok(entries) = std::fs::read_dir(workdir.join(UNDO_DIR)) else { return Vec::new() };
    let mut out: Vec<UndoRecord> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_str().is_some_and(|n| n.ends_with(".json") && !n.starts_with('.')))
        .filter_map(|e| std::fs::read(e.path()).ok())
        .filter_map(|b| serde_json::from_slice(&b).ok())
        .collect();
    out.sort_by_key(|r: &UndoRecord| r.reverts);
    out
}

fn save_undo(workdir: &Path, rec: &UndoRecord) -> Result<(), PromoteError> {
    let io = |p: &str, e: patchdesk_disk::FileError| PromoteError::Io { path: p.to_string(), detail: e.to_string() };
    let ignore = format!("{UNDO_DIR}/.gitignore");
    if patchdesk_disk::inspect(workdir, &ignore).map_err(|e| io(&ignore, e))? == patchdesk_disk::Found::Nothing {
        patchdesk_disk::replace_file(
            workdir,
            &ignore,
            "# Patchdesk's undo records: local state, not for commits.\n*\n",
        )
        .map_err(|e| io(&ignore, e))?;
    }
    let rel = format!("{UNDO_DIR}/reverts-{}.json", rec.reverts);
    let mut bytes =
        serde_json::to_vec_pretty(rec).map_err(|e| PromoteError::Io { path: rel.clone(), detail: e.to_string() })?;
    bytes.push(b'\n');
    patchdesk_disk::replace_file(workdir, &rel, &bytes).map_err(|e| io(&rel, e))
}

fn git(action: &'static str) -> impl Fn(git2::Error) -> PromoteError {
    move |e| PromoteError::Git { action: action.into(), detail: e.message().to_string() }
}

/// The state of request `number` as the forge says now (`known` when it says "not modified").
fn state_now(forge: &dyn Forge, number: u64, known: ReviewState) -> Result<ReviewState, ForgeError> {
    Ok(match forge.review_status(number, None)? {
        ReviewPoll::Changed { review, .. } => review.state,
        ReviewPoll::NotModified => known,
    })
}

/// "Undo merge" of `req.reverts` (see the module's words). Safe to rerun: while the undo's
/// request is open (or merged) the same request is returned and nothing is sent. Refused,
/// with nothing written or sent, when the request is not merged or its change no longer comes
/// out cleanly. Blocks on the network.
pub fn undo_merge(req: &UndoRequest<'_>, forge: &dyn Forge) -> Result<UndoOutcome, PromoteError> {
    let known = req.reverts;
    let n = known.number;
    if let Some(mut rec) = load_undo(req.workdir, n) {
        if let Some(number) = rec.number {
            let state = state_now(forge, number, rec.state)?;
            if state != ReviewState::Closed {
                if rec.state != state {
                    rec.state = state;
                    save_undo(req.workdir, &rec)?;
                }
                return Ok(UndoOutcome { record: rec, new: false });
            }
            // The undo's request was closed without merging: a new undo starts afresh.
        } else if rec.pushed {
            return open_request(req, forge, rec);
        }
    }
    let state = state_now(forge, n, known.state)?;
    if state != ReviewState::Merged {
        let why = if state == ReviewState::Open {
            format!("is still open, so nothing of it is in {} to undo. Withdraw it instead", base_of(known))
        } else {
            format!("was closed without merging, so nothing of it is in {} to undo", base_of(known))
        };
        return Err(PromoteError::NotMerged(format!("Review request #{n} for {} {why}.", req.task)));
    }
    let Some(landed) = forge.merge_commit(n)? else {
        return Err(PromoteError::NotMerged(format!(
            "{} does not say which commit merged review request #{n}, so Patchdesk cannot undo it. Undo it there with its revert button.",
            forge.describe()
        )));
    };
    let repo = Repository::discover(req.workdir).map_err(|_| PromoteError::Git {
        action: "open the repository".into(),
        detail: format!("there is no git repository at {}", req.workdir.display()),
    })?;
    let creds = forge.git_credentials();
    let (heads, default) = transport::list_remote(&repo, req.remote_url, creds)?;
    let base = known.base.clone().or(default).unwrap_or_else(|| "main".into());
    if !heads.iter().any(|(b, _)| *b == base) {
        return Err(PromoteError::NotMerged(format!(
            "The branch {base} that review request #{n} went into is gone from the remote, so there is nothing to undo it on."
        )));
    }
    let key = transport::remote_key(req.remote_url);
    transport::fetch(&repo, req.remote_url, creds, &key, &[base.as_str()])?;
    let base_tip = repo.refname_to_id(&format!("{FETCH_PREFIX}/{key}/{base}")).map_err(git("fetch the base branch"))?;
    let merge = Oid::from_str(&landed.sha)
        .ok()
        .and_then(|o| repo.find_commit(o).ok())
        .filter(|c| c.id() == base_tip || repo.graph_descendant_of(base_tip, c.id()).unwrap_or(false))
        .ok_or_else(|| {
            PromoteError::NotMerged(format!(
                "The commit that merged review request #{n} is no longer in {base} on the remote, so there is nothing of it to undo."
            ))
        })?;
    let branch = patchdesk_forge::branch_name(&format!("patchdesk/undo/<task_id>-{n}"), "", req.task, "")
        .unwrap_or_else(|| format!("patchdesk/undo/{n}"));
    let title = format!("Undo {}: {} (reverts #{n})", req.task, crate::content::one_line(req.title));
    let trailer = format!("Undoes: #{n}");

    // The branch may hold this undo already (a run that stopped after its push).
    let on_remote = heads.iter().find(|(b, _)| *b == branch).map(|(_, o)| *o);
    let commit = match on_remote {
        Some(tip) => {
            transport::fetch(&repo, req.remote_url, creds, &key, &[branch.as_str()])?;
            let ours =
                repo.find_commit(tip).ok().is_some_and(|c| c.message().is_ok_and(|m| m.lines().any(|l| l == trailer)));
            if !ours {
                return Err(PromoteError::PushRejected {
                    branch: branch.clone(),
                    detail: "it already holds other work".into(),
                });
            }
            tip
        }
        None => {
            let before = base_before(&merge, landed.commits).map_err(git("read the base branch"))?;
            build_revert(&repo, &before, &merge, base_tip, &title, &trailer, known, &base, req)?
        }
    };
    let mut rec = UndoRecord {
        task: req.task.to_string(),
        item: known.item.clone(),
        reverts: n,
        reverts_url: known.url.clone(),
        remote: req.remote_url.to_string(),
        base,
        branch,
        merge_commit: merge.id().to_string(),
        commit: commit.to_string(),
        pushed: on_remote.is_some(),
        number: None,
        url: None,
        state: ReviewState::Open,
        applied: false,
    };
    save_undo(req.workdir, &rec)?;
    if !rec.pushed {
        let source = format!("{UNDO_REF_PREFIX}/{}", rec.branch);
        repo.reference(&source, commit, true, "patchdesk: undo merge").map_err(git("keep the undo commit"))?;
        // Never forced: a branch that appeared meanwhile refuses it.
        transport::push(&repo, req.remote_url, creds, &source, &rec.branch)?;
        rec.pushed = true;
        save_undo(req.workdir, &rec)?;
    }
    open_request(req, forge, rec)
}

fn base_of(known: &KnownReview) -> String {
    known.base.clone().unwrap_or_else(|| "the base branch".into())
}

/// The base as it was just before `merge` brought the request in: a merge commit's first
/// parent; for a rebase merge, the parent of the first of the request's `commits` commits it
/// put on the base (those the same committer as `merge` made in the same few seconds, one
/// after another, none of them a squash of a request: a summary ending in "(#n)", as GitHub
/// writes them); else (a squash) `merge`'s parent.
fn base_before<'r>(merge: &git2::Commit<'r>, commits: u32) -> Result<git2::Commit<'r>, git2::Error> {
    let squash = |c: &git2::Commit<'_>| {
        let summary = c.summary().ok().flatten().unwrap_or_default().trim_end();
        summary
            .strip_suffix(')')
            .and_then(|s| s.rsplit_once("(#"))
            .is_some_and(|(_, n)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    };
    let same_moment = |c: &git2::Commit<'_>| {
        let (a, b) = (c.committer(), merge.committer());
        (a.when().seconds() - b.when().seconds()).abs() <= 5
            && a.name_bytes() == b.name_bytes()
            && a.email_bytes() == b.email_bytes()
            && !squash(c)
    };
    let mut first = merge.clone();
    if merge.parent_count() == 1 && !squash(merge) {
        for _ in 1..commits.min(1000) {
            match first.parent(0) {
                Ok(p) if p.parent_count() == 1 && same_moment(&p) => first = p,
                _ => break,
            }
        }
    }
    first.parent(0)
}

/// The revert of the change from `before` to `merge` on `base_tip`, built in the object store:
/// one commit, or the refusal naming the files later changes also touched.
#[allow(clippy::too_many_arguments)]
fn build_revert(
    repo: &Repository,
    before: &git2::Commit<'_>,
    merge: &git2::Commit<'_>,
    base_tip: Oid,
    title: &str,
    trailer: &str,
    known: &KnownReview,
    base: &str,
    req: &UndoRequest<'_>,
) -> Result<Oid, PromoteError> {
    let n = known.number;
    let onto = repo.find_commit(base_tip).map_err(git("read the base branch"))?;
    // A revert: the base now, with the change from `before` to `merge` taken back.
    let err = git("take the change out");
    let (after, now, then) = (merge.tree().map_err(&err)?, onto.tree().map_err(&err)?, before.tree().map_err(&err)?);
    let mut index = repo.merge_trees(&after, &now, &then, None).map_err(&err)?;
    keep_delivery_logs(repo, before, merge, &onto, &mut index)?;
    if index.has_conflicts() {
        let mut paths: Vec<String> = index
            .conflicts()
            .map_err(git("take the change out"))?
            .flatten()
            .filter_map(|c| c.our.or(c.their).or(c.ancestor))
            .map(|e| String::from_utf8_lossy(&e.path).into_owned())
            .collect();
        paths.sort();
        paths.dedup();
        return Err(PromoteError::UndoDoesNotApply(format!(
            "Review request #{n} for {} cannot be undone on its own any more: later changes in {base} touched the same lines of {}. Nothing was sent; ask a pod for a patch that takes the change out by hand.",
            req.task,
            paths.join(", ")
        )));
    }
    let tree_id = index.write_tree_to(repo).map_err(git("take the change out"))?;
    if tree_id == onto.tree_id() {
        return Err(PromoteError::UndoDoesNotApply(format!(
            "{base} no longer holds any of review request #{n}'s change for {} (it was taken out already), so there is nothing to undo.",
            req.task
        )));
    }
    let tree = repo.find_tree(tree_id).map_err(git("take the change out"))?;
    let when = git2::Time::new(req.now.unix_timestamp(), 0);
    let sig = match &req.author {
        Some((name, email)) => git2::Signature::new(name, email, &when),
        None => repo
            .signature()
            .and_then(|s| git2::Signature::new(s.name().unwrap_or("Patchdesk"), s.email().unwrap_or(""), &when))
            .or_else(|_| git2::Signature::new("Patchdesk", "patchdesk@localhost", &when)),
    }
    .map_err(git("sign the undo commit"))?;
    let short = |c: &git2::Commit<'_>| c.id().to_string()[..7].to_string();
    let commits = if merge.parent_id(0).ok() == Some(before.id()) {
        format!("commit {}", short(merge))
    } else {
        format!("the commits {}..{}", short(before), short(merge))
    };
    let message = format!(
        "{title}\n\nTakes out exactly the change review request #{n} ({}) brought into {base} with {commits}.\n\n{trailer}\nReverts: {}\n",
        known.url,
        merge.id()
    );
    repo.commit(None, &sig, &sig, &message, &tree, &[&onto]).map_err(git("make the undo commit"))
}

/// True for the delivery logs (`.logs/…`, the metrics file): the record of what happened.
fn is_delivery_log(path: &str) -> bool {
    path.starts_with(".logs/") || path.starts_with("metrics/") || path == "logs/metrics.yaml"
}

/// The delivery logs stay as they are on the base (the undo is recorded there when it merges):
/// the change's own entries are history, and later entries (the merge's) were added after them.
fn keep_delivery_logs(
    repo: &Repository,
    before: &git2::Commit<'_>,
    merge: &git2::Commit<'_>,
    onto: &git2::Commit<'_>,
    index: &mut git2::Index,
) -> Result<(), PromoteError> {
    let err = git("take the change out");
    let before = before.tree().map_err(&err)?;
    let diff = repo.diff_tree_to_tree(Some(&before), Some(&merge.tree().map_err(&err)?), None).map_err(&err)?;
    let paths: Vec<String> = diff
        .deltas()
        .flat_map(|d| [d.old_file().path(), d.new_file().path()])
        .flatten()
        .map(|p| p.to_string_lossy().into_owned())
        .filter(|p| is_delivery_log(p))
        .collect();
    let now = onto.tree().map_err(&err)?;
    for path in paths {
        let p = Path::new(&path);
        if index
            .conflicts()
            .map_err(&err)?
            .flatten()
            .any(|c| [c.our, c.their, c.ancestor].iter().flatten().any(|e| e.path == path.as_bytes()))
        {
            index.conflict_remove(p).map_err(&err)?;
        }
        match now.get_path(p) {
            Ok(entry) => index
                .add(&git2::IndexEntry {
                    ctime: git2::IndexTime::new(0, 0),
                    mtime: git2::IndexTime::new(0, 0),
                    dev: 0,
                    ino: 0,
                    mode: entry.filemode() as u32,
                    uid: 0,
                    gid: 0,
                    file_size: 0,
                    id: entry.id(),
                    flags: path.len().min(0xfff) as u16,
                    flags_extended: 0,
                    path: path.clone().into_bytes(),
                })
                .map_err(&err)?,
            Err(_) => {
                if index.get_path(p, 0).is_some() {
                    index.remove_path(p).map_err(&err)?;
                }
            }
        }
    }
    Ok(())
}

/// Opens the undo's review request for the pushed `rec` (or finds the one open for its
/// branch), and records it.
fn open_request(req: &UndoRequest<'_>, forge: &dyn Forge, mut rec: UndoRecord) -> Result<UndoOutcome, PromoteError> {
    let n = rec.reverts;
    let title = format!("Undo {}: {} (reverts #{n})", rec.task, crate::content::one_line(req.title));
    let body = format!(
        "This takes out exactly the change of review request #{n} ({}), merged into {} with commit {}. When it is merged, {} goes back to in progress.\n\nOpened by Patchdesk's \"Undo merge\".",
        rec.reverts_url, rec.base, rec.merge_commit, rec.task
    );
    let new = NewReview { title, body, branch: rec.branch.clone(), base: rec.base.clone(), draft: false };
    let opened = match forge.open_review(&new) {
        Ok(r) => r,
        Err(ForgeError::ReviewExists { .. }) => forge.find_open_review(&rec.branch, &rec.base)?.ok_or_else(|| {
            PromoteError::Forge(ForgeError::Unexpected(format!(
                "{} says a request for {} is open but does not list it; try again in a moment",
                forge.describe(),
                rec.branch
            )))
        })?,
        Err(e) => return Err(e.into()),
    };
    rec.number = Some(opened.number);
    rec.url = Some(opened.url);
    rec.state = ReviewState::Open;
    save_undo(req.workdir, &rec)?;
    Ok(UndoOutcome { record: rec, new: true })
}

impl UndoRecord {
    /// The undo's review request as a task's request (on its card, in a follow report), once
    /// it was opened.
    pub fn request(&self) -> Option<KnownReview> {
        self.number.map(|n| as_known(self, n))
    }
}

/// The undo's review request as a follow report shows it.
fn as_known(rec: &UndoRecord, number: u64) -> KnownReview {
    KnownReview {
        item: rec.item.clone(),
        task_id: Some(rec.task.clone()),
        pod: None,
        number,
        url: rec.url.clone().unwrap_or_default(),
        state: rec.state,
        checked_at: None,
        remote: Some(rec.remote.clone()),
        branch: Some(rec.branch.clone()),
        base: Some(rec.base.clone()),
        head: Some(rec.commit.clone()),
        etag: None,
        applied: None,
        merged_at: None,
        closed_at: None,
        revisions: None,
    }
}

/// What following the undo requests did.
#[derive(Debug, Default)]
pub struct UndosFollowed {
    /// Each undo request whose undo merged now: the task back in progress.
    pub reviews: Vec<FollowedReview>,
    /// The one commit recording it.
    pub commit: Option<String>,
}

/// Follows every undo request opened on `forge`: once one is merged, its task goes back to in
/// progress (`status: in_progress`, no longer done) and the tasks its merge made ready, not
/// started yet, wait for it again ([`patchdesk_board::reopen_task`]), with an entry in the trace
/// log, all in one commit; each is done once (a rerun changes nothing). Part of following the reviews.
pub fn follow_undos(workdir: &Path, forge: &dyn Forge, now: OffsetDateTime) -> Result<UndosFollowed, LifecycleError> {
    let mut merged: Vec<(UndoRecord, u64)> = Vec::new();
    for mut rec in all_undos(workdir).into_iter().filter(|r| !r.applied && forge.serves(&r.remote)) {
        let Some(number) = rec.number else { continue };
        let state = match forge.review_status(number, None) {
            Ok(ReviewPoll::Changed { review, .. }) => review.state,
            Ok(ReviewPoll::NotModified) => rec.state,
            Err(ForgeError::ReviewNotFound { .. }) => continue,
            Err(e) => return Err(e.into()),
        };
        if state != rec.state {
            rec.state = state;
            save_undo(workdir, &rec)
                .map_err(|e| LifecycleError::Io { path: UNDO_DIR.into(), detail: e.to_string() })?;
        }
        if state == ReviewState::Merged {
            merged.push((rec, number));
        }
    }
    if merged.is_empty() {
        return Ok(UndosFollowed::default());
    }
    let repo = open_repository(workdir)?;
    let board = Board::load(workdir);
    // The task's file, and those of the tasks that depend on it (they may wait for it again).
    let mut paths: Vec<String> = merged
        .iter()
        .flat_map(|(r, _)| {
            board
                .tasks
                .iter()
                .filter(|t| t.id == r.task || t.depends_on.contains(&r.task))
                .map(|t| t.source.file.clone())
        })
        .chain([patchdesk_logs::TRACE_LOG.to_string()])
        .collect();
    paths.sort();
    paths.dedup();
    let refs: Vec<&str> = paths.iter().map(String::as_str).collect();
    let checked = check_can_commit(&repo, &refs, "record the undone merges")?;
    let mut written: Vec<String> = Vec::new();
    let mut reviews = Vec::new();
    for (rec, number) in &merged {
        let mut warnings = Vec::new();
        let mut waiting_again = Vec::new();
        // A task not on the board has nothing to put back (the summary says so). The tasks its
        // merge made ready, not started yet, wait for it again.
        if board.task(&rec.task).is_some() {
            match patchdesk_board::reopen_task(workdir, &rec.task, now) {
                Ok(o) => {
                    written.extend(o.changed_files);
                    waiting_again = o.waiting_again;
                }
                Err(e) => warnings.push(format!("Task {} was not put back in progress: {e}.", rec.task)),
            }
        }
        let entry = TraceEntry {
            at: Some(patchdesk_clock::rfc3339_seconds(now)),
            task_id: Some(rec.task.clone()),
            summary: format!("Undid #{} with #{number} — {} back in progress", rec.reverts, rec.task),
            pod: None,
            patch: None,
            branch: Some(rec.branch.clone()),
            pr: rec.url.clone(),
            repairs: None,
            files: Vec::new(),
        };
        match patchdesk_logs::record_trace_entry(workdir, &entry, now) {
            Ok(Some(f)) => written.push(f),
            Ok(None) => {}
            Err(e) => warnings.push(format!("A delivery log was not updated: {e}")),
        }
        reviews.push(FollowedReview {
            review: as_known(rec, *number),
            change: ReviewChange::Undone,
            not_modified: false,
            summary: if board.task(&rec.task).is_some() && waiting_again.is_empty() {
                format!("Undid #{} with #{number}: {} back in progress", rec.reverts, rec.task)
            } else if board.task(&rec.task).is_some() {
                format!(
                    "Undid #{} with #{number}: {} back in progress; {} {} for it again",
                    rec.reverts,
                    rec.task,
                    waiting_again.join(", "),
                    if waiting_again.len() == 1 { "waits" } else { "wait" }
                )
            } else {
                format!("Undid #{} with #{number} ({} is not on the board)", rec.reverts, rec.task)
            },
            unlocked: Vec::new(),
            changed_files: Vec::new(),
            warnings,
            feedback: None,
        });
    }
    written.sort();
    written.dedup();
    let mut commit = None;
    if !written.is_empty() {
        let lines: Vec<&str> = reviews.iter().map(|r| r.summary.as_str()).collect();
        let message = format!("{}\n", lines.join("; "));
        let paths: Vec<&str> = written.iter().map(String::as_str).collect();
        match record_checked_paths(&repo, &paths, &message, &checked) {
            Ok(r) if r.created => commit = Some(r.commit.to_string()),
            Ok(_) => {}
            Err(e) => {
                if let Err(back) = restore(&repo, &checked) {
                    tracing::warn!(error = %back, "the files of an undone merge could not be put back");
                }
                return Err(e.into());
            }
        }
    }
    for ((mut rec, _), followed) in merged.into_iter().zip(&mut reviews) {
        followed.changed_files = written.clone();
        if followed.warnings.is_empty() {
            rec.applied = true;
            save_undo(workdir, &rec)
                .map_err(|e| LifecycleError::Io { path: UNDO_DIR.into(), detail: e.to_string() })?;
        }
    }
    Ok(UndosFollowed { reviews, commit })
}
