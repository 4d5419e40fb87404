//! Board changes are commits: a handoff (and later a merge or a rejection) writes a few files,
//! and those files — exactly those — are committed on top of the current branch, with a
//! message a lead can read in `git log`.
//!
//! [`commit_paths`] builds the commit from `HEAD`'s tree plus the named working files and
//! updates only those files' index entries: anything else the user has staged or changed is
//! left as it was, byte for byte. It refuses (nothing committed) on a detached `HEAD`, during a
//! merge or rebase, and when a named file has staged changes of the user's own that differ
//! from the file on disk.

use patchdesk_board::{Board, FileProblem, HandoffForm};
use patchdesk_error::{Code, Coded, UserError};
use patchdesk_logs::MetricsEvent;
use serde::Serialize;
use std::path::Path;

pub use git2::Oid;
pub use time::OffsetDateTime;

/// Name used for commits when git has no `user.name`/`user.email` configured.
pub const FALLBACK_NAME: &str = "Patchdesk";
/// Email used with [`FALLBACK_NAME`].
pub const FALLBACK_EMAIL: &str = "patchdesk@localhost";

/// Why a board change could not be recorded. Messages are plain sentences.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    /// There is no git repository at the path.
    #[error("There is no git repository at {0}.")]
    NotARepository(String),
    /// `HEAD` does not point at a branch.
    #[error("The repository is not on a branch (HEAD is detached), so Patchdesk cannot add its change to one. Switch to a branch and try again; nothing was committed.")]
    Detached,
    /// A merge, rebase, cherry-pick or similar is under way.
    #[error("The repository is in the middle of a {0}. Finish or abort it first; nothing was committed.")]
    Busy(String),
    /// The user staged changes to a file Patchdesk must commit, and they differ from the file on disk.
    #[error("{0} has staged changes that differ from the file on disk. Commit or unstage them first; nothing was committed.")]
    StagedDiffers(String),
    /// A path that is not a plain file inside the repository.
    #[error("{0} is not a file inside the repository; nothing was committed.")]
    BadPath(String),
    /// A board operation failed (task or pod unknown, task file invalid...).
    #[error(transparent)]
    Board(#[from] patchdesk_board::BoardError),
    /// The handoff was refused for a reason stated in the message.
    #[error("{0}")]
    Refused(String),
    /// git reported an unexpected failure.
    #[error("git reported a problem: {0}")]
    Git(#[from] git2::Error),
}

impl Coded for RecordError {
    fn code(&self) -> Code {
        match self {
            RecordError::NotARepository(_) => Code::RepoNotFound,
            RecordError::Detached | RecordError::Busy(_) | RecordError::StagedDiffers(_) => Code::RepoBusy,
            RecordError::BadPath(_) => Code::UnsafePath,
            RecordError::Board(e) => e.code(),
            RecordError::Refused(_) => Code::TaskFileInvalid,
            RecordError::Git(_) => Code::Git,
        }
    }
}

impl From<RecordError> for UserError {
    fn from(e: RecordError) -> Self {
        UserError::from(&e)
    }
}

/// The branch `HEAD` points at (`refs/heads/main`), refusing a detached `HEAD` or a repository
/// in the middle of a merge or rebase.
fn ready_branch(repo: &git2::Repository) -> Result<String, RecordError> {
    use git2::RepositoryState as S;
    let busy = match repo.state() {
        S::Clean => None,
        S::Merge => Some("merge"),
        S::Revert | S::RevertSequence => Some("revert"),
        S::CherryPick | S::CherryPickSequence => Some("cherry-pick"),
        S::Bisect => Some("bisect"),
        S::Rebase | S::RebaseInteractive | S::RebaseMerge => Some("rebase"),
        S::ApplyMailbox | S::ApplyMailboxOrRebase => Some("`git am`"),
    };
    if let Some(what) = busy {
        return Err(RecordError::Busy(what.to_string()));
    }
    let head = repo.find_reference("HEAD")?;
    match head.symbolic_target() {
        Ok(Some(target)) if target.starts_with("refs/heads/") => Ok(target.to_string()),
        _ => Err(RecordError::Detached),
    }
}

/// Checks a path given relative to the repository: plain components, not inside `.git`.
fn check_path(path: &str) -> Result<&Path, RecordError> {
    let bad = path.is_empty()
        || path.starts_with('/')
        || path.contains('\\')
        || path.contains('\0')
        || path.split('/').any(|c| c.is_empty() || c == "." || c == ".." || c.eq_ignore_ascii_case(".git"));
    if bad {
        return Err(RecordError::BadPath(path.to_string()));
    }
    Ok(Path::new(path))
}

type Blob = Option<(Oid, u32)>;

fn head_entry(tree: Option<&git2::Tree<'_>>, path: &Path) -> Blob {
    let entry = tree?.get_path(path).ok()?;
    (entry.kind() == Some(git2::ObjectType::Blob)).then(|| (entry.id(), entry.filemode() as u32))
}

fn index_entry(index: &git2::Index, path: &Path) -> Blob {
    index.get_path(path, 0).map(|e| (e.id, e.mode))
}

fn file_mode(mode: u32) -> git2::FileMode {
    match mode {
        0o100755 => git2::FileMode::BlobExecutable,
        0o120000 => git2::FileMode::Link,
        _ => git2::FileMode::Blob,
    }
}

/// Index entries the user staged that were already checked against the working files (see
/// [`check_can_commit`]); a commit may replace them even when the files changed since.
#[derive(Debug, Clone, Default)]
pub struct Checked {
    staged: std::collections::HashMap<String, Blob>,
}

/// Refuses when the repository cannot take a commit of `paths` now (see [`commit_paths`]),
/// without changing anything. Call it before writing files that will be committed, and pass
/// the result to [`record_checked_paths`].
pub fn check_can_commit(repo: &git2::Repository, paths: &[&str]) -> Result<Checked, RecordError> {
    ready_branch(repo)?;
    let mut index = repo.index()?;
    let head_tree = repo.head().ok().and_then(|h| h.peel_to_tree().ok());
    let workdir = repo.workdir().ok_or_else(|| RecordError::NotARepository(repo.path().display().to_string()))?.to_path_buf();
    let mut checked = Checked::default();
    for p in paths {
        let path = check_path(p)?;
        let before = index_entry(&index, path);
        stage_one(&mut index, &workdir, head_tree.as_ref(), path, p, &Checked::default())?;
        checked.staged.insert(p.to_string(), before);
    }
    Ok(checked)
}

/// Puts the working file `path` into the in-memory `index` (or removes it when the file is
/// gone), refusing when the user had staged something else for it.
fn stage_one(
    index: &mut git2::Index,
    workdir: &Path,
    head_tree: Option<&git2::Tree<'_>>,
    path: &Path,
    shown: &str,
    checked: &Checked,
) -> Result<Blob, RecordError> {
    if (1..=3).any(|stage| index.get_path(path, stage).is_some()) {
        return Err(RecordError::StagedDiffers(shown.to_string()));
    }
    let before = index_entry(index, path);
    let full = workdir.join(path);
    match std::fs::symlink_metadata(&full) {
        Ok(meta) if meta.is_dir() => return Err(RecordError::BadPath(shown.to_string())),
        Ok(_) => index.add_path(path)?,
        Err(_) => {
            if before.is_some() {
                index.remove_path(path)?;
            }
        }
    }
    let after = index_entry(index, path);
    let staged_by_user = before != head_entry(head_tree, path);
    let approved = checked.staged.get(shown) == Some(&before);
    if staged_by_user && before != after && !approved {
        return Err(RecordError::StagedDiffers(shown.to_string()));
    }
    Ok(after)
}

/// Commits exactly the working-tree files `paths` (relative to the repository, `/`
/// separators; a missing file is committed as deleted) on top of the current branch's `HEAD`,
/// with author and committer from git config (else "Patchdesk"). Only those paths' index
/// entries are updated, so `git status` is clean for them afterwards; every other staged or
/// unstaged change stays as it was. When the files already match `HEAD`, nothing is committed
/// and `HEAD`'s commit is returned.
///
/// Refuses, committing nothing, when `HEAD` is detached, during a merge or rebase, and when a
/// path has staged changes of the user's that differ from the working file.
pub fn commit_paths(repo: &git2::Repository, paths: &[&str], message: &str) -> Result<Oid, RecordError> {
    Ok(record_paths(repo, paths, message)?.commit)
}

/// What [`record_paths`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recorded {
    /// The new commit, or `HEAD`'s commit when there was nothing to commit.
    pub commit: Oid,
    /// False when the files already matched `HEAD` (no commit was made).
    pub created: bool,
}

/// [`commit_paths`], also telling whether a commit was made.
pub fn record_paths(repo: &git2::Repository, paths: &[&str], message: &str) -> Result<Recorded, RecordError> {
    record_checked_paths(repo, paths, message, &Checked::default())
}

/// [`record_paths`] for files written after [`check_can_commit`] approved them: a staged
/// version the check saw matching the file on disk may be replaced by the new content.
pub fn record_checked_paths(repo: &git2::Repository, paths: &[&str], message: &str, checked: &Checked) -> Result<Recorded, RecordError> {
    let branch = ready_branch(repo)?;
    let workdir = repo.workdir().ok_or_else(|| RecordError::NotARepository(repo.path().display().to_string()))?.to_path_buf();
    let parent = match repo.find_reference(&branch) {
        Ok(r) => Some(r.peel_to_commit()?),
        Err(e) if e.code() == git2::ErrorCode::NotFound => None,
        Err(e) => return Err(e.into()),
    };
    let head_tree = parent.as_ref().map(|c| c.tree()).transpose()?;
    let mut index = repo.index()?;
    let mut updates = git2::build::TreeUpdateBuilder::new();
    let mut seen = std::collections::HashSet::new();
    for p in paths {
        if !seen.insert(*p) {
            continue;
        }
        let path = check_path(p)?;
        match stage_one(&mut index, &workdir, head_tree.as_ref(), path, p, checked)? {
            Some((id, mode)) => {
                updates.upsert(*p, id, file_mode(mode));
            }
            None if head_entry(head_tree.as_ref(), path).is_some() => {
                updates.remove(*p);
            }
            None => {}
        }
    }
    let base = match &head_tree {
        Some(t) => t.clone(),
        None => repo.find_tree(repo.treebuilder(None)?.write()?)?,
    };
    let tree_id = updates.create_updated(repo, &base)?;
    if let Some(parent) = parent.as_ref().filter(|_| tree_id == base.id()) {
        index.write()?;
        return Ok(Recorded { commit: parent.id(), created: false });
    }
    let tree = repo.find_tree(tree_id)?;
    let sig = repo.signature().or_else(|_| git2::Signature::now(FALLBACK_NAME, FALLBACK_EMAIL))?;
    let parents: Vec<&git2::Commit<'_>> = parent.iter().collect();
    // Marks the commit as Patchdesk's own: board sends publish only commits with this trailer.
    let message = &if message.lines().any(|l| l.trim() == "Patchdesk-Record: board") { message.to_string() } else { format!("{}\n\nPatchdesk-Record: board\n", message.trim_end()) };
    let commit = repo.commit(None, &sig, &sig, message, &tree, &parents)?;
    let summary = message.lines().next().unwrap_or_default();
    let log = format!("commit: {summary}");
    match &parent {
        Some(p) => repo.reference_matching(&branch, commit, true, p.id(), &log)?,
        None => repo.reference(&branch, commit, false, &log)?,
    };
    index.write()?;
    Ok(Recorded { commit, created: true })
}

// ---------------------------------------------------------------- tasks

/// One task as `patchdesk tasks` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct TaskRow {
    pub id: String,
    pub title: String,
    /// The pod's key (`QAPod`), or `null` when the task has none.
    pub pod: Option<String>,
    /// The board status (`ready`, `in_progress`...).
    pub status: String,
    pub phase: Option<String>,
    /// Ready to be worked on: wants work and every dependency is done.
    pub ready: bool,
}

/// Every task, and per pod the ready tasks in the order to work on them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaskList {
    pub tasks: Vec<TaskRow>,
    /// Pod key → ready task ids (phase, then `created_at`, then priority), in pod order.
    #[serde(serialize_with = "as_map")]
    pub next: Vec<(String, Vec<String>)>,
    /// Task files that could not be read.
    pub problems: Vec<FileProblem>,
}

fn as_map<S: serde::Serializer>(pairs: &[(String, Vec<String>)], s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut map = s.serialize_map(Some(pairs.len()))?;
    for (k, v) in pairs {
        map.serialize_entry(k, v)?;
    }
    map.end()
}

/// The task list of the repository at `workdir` (never fails: unreadable files are problems).
pub fn task_list(workdir: &Path) -> TaskList {
    let board = Board::load(workdir);
    let tasks = board
        .tasks
        .iter()
        .map(|t| TaskRow {
            id: t.id.clone(),
            title: t.title.clone(),
            pod: t.pod.clone(),
            status: t.status.as_str().to_string(),
            phase: t.phase.clone(),
            ready: t.ready,
        })
        .collect();
    TaskList { tasks, next: board.next_by_pod(), problems: board.problems.clone() }
}

// ---------------------------------------------------------------- handoff

/// What [`hand_off`] did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct HandedOff {
    pub task: String,
    /// The pod that held the task (its key).
    pub from: String,
    /// The receiving pod's key.
    pub to: String,
    /// The commit that records the handoff (the existing one when it was already recorded).
    pub commit: String,
    /// `prompts/used/<Pod>/<task_id>_prompt.txt`.
    pub prompt_path: String,
    /// Files in the commit, relative to the repository.
    pub changed_files: Vec<String>,
    /// False when this handoff had already been made (a rerun); nothing new was written.
    pub new: bool,
    /// Things that did not stop the handoff (metrics not updated, memory unreadable...).
    pub warnings: Vec<String>,
}

/// `Hand off F2.1: QAPod → DeliveryPod`, a blank line and the reason.
pub fn handoff_message(task: &str, from: &str, to: &str, reason: &str) -> String {
    let reason = reason.trim();
    if reason.is_empty() {
        format!("Hand off {task}: {from} → {to}\n")
    } else {
        format!("Hand off {task}: {from} → {to}\n\n{reason}\n")
    }
}

/// The same effect as dragging a card to another pod: the handoff (log entry, task update,
/// prompt packet; see `patchdesk_board::handoff`), a handoff counted in the metrics file, and
/// one commit of exactly those files on the current branch. Nothing is pushed.
///
/// Safe to rerun: when the task is already with `to_pod` and the last handoff logged for it
/// went there, nothing new is written; any of its files left uncommitted by an interrupted run
/// are committed. The repository is checked before anything is written, so a refusal leaves
/// every file as it was.
pub fn hand_off(workdir: &Path, task_id: &str, to_pod: &str, reason: &str, now: OffsetDateTime) -> Result<HandedOff, RecordError> {
    hand_off_with(workdir, task_id, to_pod, reason, &[], None, now)
}

/// [`hand_off`] with the input files the lead chose for the receiving pod (empty: the task's
/// `inputs`) and the patch the handoff follows from, both recorded in the handoff log and the
/// prompt packet.
pub fn hand_off_with(
    workdir: &Path,
    task_id: &str,
    to_pod: &str,
    reason: &str,
    input_files: &[String],
    related_patch: Option<&str>,
    now: OffsetDateTime,
) -> Result<HandedOff, RecordError> {
    let repo = git2::Repository::open(workdir).map_err(|_| RecordError::NotARepository(workdir.display().to_string()))?;
    let board = Board::load(workdir);
    let Some(task) = board.task(task_id) else {
        if board.problems.is_empty() {
            return Err(patchdesk_board::BoardError::TaskNotFound(task_id.to_string()).into());
        }
        let why: Vec<&str> = board.problems.iter().map(|p| p.message.as_str()).collect();
        return Err(RecordError::Refused(format!(
            "Task {task_id} could not be found, and some task files cannot be read: {}. Nothing was changed.",
            why.join("; ")
        )));
    };
    let to = board.pod(to_pod).ok_or_else(|| {
        let known: Vec<&str> = board.pods.iter().map(|p| p.key.as_str()).collect();
        patchdesk_board::BoardError::PodNotFound(to_pod.to_string(), known.join(", "))
    })?;
    let prompt_path = patchdesk_board::used_prompt_path(&to.key, &task.id);
    let metrics = patchdesk_logs::metrics_path(workdir);
    let files: Vec<String> = vec![task.source.file.clone(), patchdesk_board::HANDOFF_LOG.to_string(), prompt_path.clone(), metrics.to_string()];
    let file_refs: Vec<&str> = files.iter().map(String::as_str).collect();
    let checked = check_can_commit(&repo, &file_refs)?;
    if let Some(p) = board.problems.iter().find(|p| p.path == task.source.file) {
        return Err(RecordError::Refused(format!("{} — Patchdesk does not change a file it cannot read; nothing was changed.", p.message)));
    }

    if task.pod.as_deref() == Some(to.key.as_str()) {
        let log = patchdesk_board::read_handoff_log(workdir)?;
        let last = log.entries.iter().rev().find(|e| e.task.as_deref() == Some(task.id.as_str()));
        let already = last.is_some_and(|e| e.to.as_deref().is_some_and(|t| to.matches(t)));
        if !already {
            return Err(RecordError::Refused(format!("Task {} is already with {}; there is nothing to hand off.", task.id, to.key)));
        }
        let from = last.and_then(|e| e.from.as_deref()).and_then(|f| board.pod(f)).map(|p| p.key.clone()).unwrap_or_else(|| "Human".into());
        let message = handoff_message(&task.id, &from, &to.key, last.and_then(|e| e.reason.as_deref()).unwrap_or(reason));
        let existing: Vec<&str> = file_refs.iter().copied().filter(|f| workdir.join(f).exists()).collect();
        let recorded = record_checked_paths(&repo, &existing, &message, &checked)?;
        return Ok(HandedOff {
            task: task.id.clone(),
            from,
            to: to.key.clone(),
            commit: recorded.commit.to_string(),
            prompt_path,
            changed_files: if recorded.created { existing.iter().map(|s| s.to_string()).collect() } else { Vec::new() },
            new: false,
            warnings: Vec::new(),
        });
    }

    let inputs: Vec<String> = input_files.iter().map(|f| f.trim().to_string()).filter(|f| !f.is_empty()).collect();
    let outcome = patchdesk_board::handoff(workdir, task_id, to_pod, reason, &inputs, related_patch, now)?;
    let mut warnings = outcome.warnings.clone();
    let mut changed = outcome.changed_files.clone();
    match patchdesk_logs::record_metrics(workdir, &MetricsEvent::Handoff { from_pod: outcome.from.clone() }, now) {
        Ok(Some(path)) => changed.push(path),
        Ok(None) => {}
        Err(e) => warnings.push(format!("The handoff was not counted in the metrics: {e}")),
    }
    if outcome.log_form != HandoffForm::Canonical {
        // Kept in the form the log already uses; worth knowing when reading it.
        warnings.push(format!("{} uses an older layout; the new entry follows it.", patchdesk_board::HANDOFF_LOG));
    }
    let refs: Vec<&str> = changed.iter().map(String::as_str).collect();
    let message = handoff_message(&outcome.task, &outcome.from, &outcome.to, reason);
    let recorded = record_checked_paths(&repo, &refs, &message, &checked)?;
    Ok(HandedOff {
        task: outcome.task,
        from: outcome.from,
        to: outcome.to,
        commit: recorded.commit.to_string(),
        prompt_path: outcome.prompt_path,
        changed_files: changed,
        new: true,
        warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;
    use std::process::Command;

    fn git(dir: &Path, args: &[&str]) -> String {
        let out = Command::new("git").arg("-C").arg(dir).args(args).output().unwrap();
        assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    }

    /// A repository with two commits' worth of files on `main`.
    fn repo_with(files: &[(&str, &str)]) -> (tempfile::TempDir, git2::Repository) {
        let dir = tempfile::tempdir().unwrap();
        let repo = git2::Repository::init_opts(dir.path(), git2::RepositoryInitOptions::new().initial_head("main")).unwrap();
        {
            let mut c = repo.config().unwrap();
            c.set_str("user.name", "Lead").unwrap();
            c.set_str("user.email", "lead@example.invalid").unwrap();
        }
        for (p, t) in files {
            let full = dir.path().join(p);
            fs::create_dir_all(full.parent().unwrap()).unwrap();
            fs::write(full, t).unwrap();
        }
        git(dir.path(), &["add", "-A"]);
        git(dir.path(), &["commit", "-q", "-m", "start"]);
        (dir, repo)
    }

    fn index_bytes(dir: &Path) -> Vec<(String, String)> {
        // (path, blob id) for every index entry, as git itself lists them.
        git(dir, &["ls-files", "-s"])
            .lines()
            .map(|l| {
                let (meta, path) = l.split_once('\t').unwrap();
                (path.to_string(), meta.to_string())
            })
            .collect()
    }

    #[test]
    fn commits_only_the_named_files_and_keeps_the_users_changes() {
        let (dir, repo) = repo_with(&[("task.yaml", "tasks: {}\n"), ("src/a.py", "a = 1\n"), ("notes.md", "n\n"), ("old.txt", "bye\n")]);
        let w = dir.path();
        // The user's own work: a staged change, an unstaged change, a staged-then-edited file, an untracked file.
        fs::write(w.join("src/a.py"), "a = 2\n").unwrap();
        git(w, &["add", "src/a.py"]);
        fs::write(w.join("notes.md"), "mine, not staged\n").unwrap();
        fs::write(w.join("scratch.txt"), "untracked\n").unwrap();
        let index_before = index_bytes(w);

        // Patchdesk's files: a changed one, a new one in a new folder, a deleted one.
        fs::write(w.join("task.yaml"), "tasks:\n  F1: {}\n").unwrap();
        fs::create_dir_all(w.join(".logs")).unwrap();
        fs::write(w.join(".logs/handoff_log.yaml"), "handoffs: []\n").unwrap();
        fs::remove_file(w.join("old.txt")).unwrap();
        let head_before = repo.head().unwrap().target().unwrap();

        let oid = commit_paths(&repo, &["task.yaml", ".logs/handoff_log.yaml", "old.txt"], "Hand off F1: A → B\n\nbecause").unwrap();
        let commit = repo.find_commit(oid).unwrap();
        assert_eq!(commit.parent_id(0).unwrap(), head_before);
        assert_eq!(commit.message().unwrap(), "Hand off F1: A → B\n\nbecause\n\nPatchdesk-Record: board\n");
        assert_eq!(commit.author().name().unwrap(), "Lead");
        assert_eq!(repo.head().unwrap().target().unwrap(), oid);
        let changed = git(w, &["diff", "--name-status", &format!("{head_before}"), &oid.to_string()]);
        assert_eq!(changed, "A\t.logs/handoff_log.yaml\nD\told.txt\nM\ttask.yaml\n");

        // The user's changes are exactly as they were, staged and unstaged.
        assert_eq!(fs::read_to_string(w.join("src/a.py")).unwrap(), "a = 2\n");
        assert_eq!(fs::read_to_string(w.join("notes.md")).unwrap(), "mine, not staged\n");
        assert_eq!(fs::read_to_string(w.join("scratch.txt")).unwrap(), "untracked\n");
        let status = git(w, &["status", "--porcelain"]);
        assert_eq!(status, " M notes.md\nM  src/a.py\n?? scratch.txt\n");
        // Index: other entries untouched, ours match the commit.
        let index_after = index_bytes(w);
        for (path, meta) in &index_before {
            if !["task.yaml", "old.txt"].contains(&path.as_str()) {
                assert!(index_after.contains(&(path.clone(), meta.clone())), "{path} changed in the index");
            }
        }
        assert!(!index_after.iter().any(|(p, _)| p == "old.txt"));
        assert_eq!(git(w, &["diff", "--cached", "--name-only", "--", "task.yaml", ".logs"]), "");

        // Again with nothing new: no empty commit, same answer.
        let again = record_paths(&repo, &["task.yaml", ".logs/handoff_log.yaml", "old.txt"], "again").unwrap();
        assert_eq!(again, Recorded { commit: oid, created: false });
        assert_eq!(git(w, &["rev-list", "--count", "HEAD"]), "2\n");
        assert_eq!(git(w, &["status", "--porcelain"]), status);
    }

    #[test]
    fn refuses_a_detached_head_a_merge_and_conflicting_staged_changes() {
        let (dir, repo) = repo_with(&[("task.yaml", "a: 1\n")]);
        let w = dir.path();
        fs::write(w.join("task.yaml"), "a: 2\n").unwrap();
        let head = repo.head().unwrap().target().unwrap();

        // Staged by the user, then edited again on disk: whose version would we commit?
        git(w, &["add", "task.yaml"]);
        fs::write(w.join("task.yaml"), "a: 3\n").unwrap();
        let err = commit_paths(&repo, &["task.yaml"], "x").unwrap_err();
        assert!(matches!(err, RecordError::StagedDiffers(ref p) if p == "task.yaml"), "{err}");
        assert_eq!(err.code(), Code::RepoBusy);
        // Staged exactly as on disk: fine.
        git(w, &["add", "task.yaml"]);
        let ok = commit_paths(&repo, &["task.yaml"], "y").unwrap();
        assert_ne!(ok, head);

        fs::write(w.join("task.yaml"), "a: 4\n").unwrap();
        fs::write(w.join(".git/MERGE_HEAD"), format!("{head}\n")).unwrap();
        let err = commit_paths(&repo, &["task.yaml"], "x").unwrap_err();
        assert!(err.to_string().contains("middle of a merge"), "{err}");
        fs::remove_file(w.join(".git/MERGE_HEAD")).unwrap();

        git(w, &["checkout", "-q", "--detach"]);
        let err = commit_paths(&repo, &["task.yaml"], "x").unwrap_err();
        assert!(matches!(err, RecordError::Detached));
        assert_eq!(repo.head().unwrap().target().unwrap(), ok, "nothing committed");

        git(w, &["checkout", "-q", "main"]);
        for bad in ["/etc/passwd", "../x", ".git/config", "a//b", ""] {
            assert!(matches!(commit_paths(&repo, &[bad], "x"), Err(RecordError::BadPath(_))), "{bad}");
        }
        assert_eq!(repo.head().unwrap().target().unwrap(), ok);
        assert_eq!(fs::read_to_string(w.join("task.yaml")).unwrap(), "a: 4\n");
    }

    #[test]
    fn the_first_commit_of_an_empty_branch_works() {
        let dir = tempfile::tempdir().unwrap();
        let repo = git2::Repository::init_opts(dir.path(), git2::RepositoryInitOptions::new().initial_head("trunk")).unwrap();
        fs::write(dir.path().join("task.yaml"), "tasks: {}\n").unwrap();
        fs::write(dir.path().join("other.txt"), "left alone\n").unwrap();
        let oid = commit_paths(&repo, &["task.yaml"], "Start").unwrap();
        let commit = repo.find_commit(oid).unwrap();
        assert_eq!(commit.parent_count(), 0);
        assert_eq!(repo.find_reference("refs/heads/trunk").unwrap().target(), Some(oid));
        assert_eq!(git(dir.path(), &["status", "--porcelain"]), "?? other.txt\n");
    }

    fn board_repo() -> (tempfile::TempDir, git2::Repository) {
        repo_with(&[
            ("task.yaml", "# the tasks\ntasks:\n  T1:\n    title: One\n    assigned_pod: dev\n    status: ready\n    created_at: \"2026-01-01\"\n"),
            (".logs/handoff_log.yaml", "handoffs: []\n"),
            ("metrics/metrics.yaml", "weekly_snapshots: []\n"),
        ])
    }

    #[test]
    fn hand_off_commits_its_files_once() {
        let (dir, repo) = board_repo();
        let w = dir.path();
        let now = time::macros::datetime!(2026-11-19 10:00 UTC);
        let done = hand_off(w, "T1", "qa", "ready for tests", now).unwrap();
        assert!(done.new);
        assert_eq!((done.from.as_str(), done.to.as_str()), ("DevPod", "QAPod"));
        let commit = repo.find_commit(Oid::from_str(&done.commit).unwrap()).unwrap();
        assert_eq!(commit.message().unwrap(), "Hand off T1: DevPod → QAPod\n\nready for tests\n\nPatchdesk-Record: board\n");
        let mut files = done.changed_files.clone();
        files.sort();
        assert_eq!(files, [".logs/handoff_log.yaml", "metrics/metrics.yaml", "prompts/used/QAPod/T1_prompt.txt", "task.yaml"]);
        assert_eq!(git(w, &["status", "--porcelain"]), "");

        let again = hand_off(w, "T1", "QAPod", "ready for tests", now).unwrap();
        assert!(!again.new);
        assert_eq!(again.commit, done.commit);
        assert_eq!(git(w, &["rev-list", "--count", "HEAD"]), "2\n");
    }

    #[test]
    fn hand_off_records_the_files_and_patch_the_lead_chose() {
        let (dir, _repo) = board_repo();
        let w = dir.path();
        let now = time::macros::datetime!(2026-11-19 10:00 UTC);
        let files = vec![" docs/guide.md ".to_string(), String::new(), "tests/test_stages.py".to_string()];
        let done = hand_off_with(w, "T1", "qa", "please test", &files, Some("patch_T1.diff"), now).unwrap();
        assert!(done.new);
        let log = std::fs::read_to_string(w.join(".logs/handoff_log.yaml")).unwrap();
        assert!(log.contains("docs/guide.md") && log.contains("tests/test_stages.py"), "{log}");
        assert!(log.contains("related_patch: patch_T1.diff"), "{log}");
        let prompt = std::fs::read_to_string(w.join(&done.prompt_path)).unwrap();
        assert!(prompt.contains("docs/guide.md") && prompt.contains("tests/test_stages.py"), "{prompt}");
    }

    #[test]
    fn hand_off_refuses_before_writing_anything() {
        let (dir, repo) = board_repo();
        let w = dir.path();
        let now = time::macros::datetime!(2026-11-19 10:00 UTC);
        let head = repo.head().unwrap().target().unwrap();
        fs::write(w.join("task.yaml"), "tasks:\n  T1:\n    title: One\n").unwrap();
        git(w, &["add", "task.yaml"]);
        fs::write(w.join("task.yaml"), "tasks:\n  T1:\n    title: One!\n    assigned_pod: dev\n").unwrap();
        let err = hand_off(w, "T1", "qa", "r", now).unwrap_err();
        assert!(matches!(err, RecordError::StagedDiffers(_)), "{err}");
        assert_eq!(fs::read_to_string(w.join("task.yaml")).unwrap(), "tasks:\n  T1:\n    title: One!\n    assigned_pod: dev\n");
        assert_eq!(fs::read_to_string(w.join(".logs/handoff_log.yaml")).unwrap(), "handoffs: []\n");
        assert!(!w.join("prompts").exists());
        assert_eq!(repo.head().unwrap().target().unwrap(), head);
        // Staged exactly as on disk: the handoff goes ahead and commits on top of it.
        git(w, &["add", "task.yaml"]);
        hand_off(w, "T1", "qa", "r", now).unwrap();
        assert_eq!(git(w, &["status", "--porcelain"]), "");
    }
}
