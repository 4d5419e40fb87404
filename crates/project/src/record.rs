//! Board changes are commits: a handoff (and later a merge or a rejection) writes a few files,
//! and those files — exactly those — are committed on top of the current branch, with a
//! message a lead can read in `git log`.
//!
//! The user's files come first. Before Patchdesk writes anything, [`check_can_commit`] compares
//! every file it will change with `HEAD`, on disk and in the user's staging area (read into a
//! private index; the repository's own index is never used for the check): a file the user has
//! edited or staged but not committed is refused, naming it, and nothing is written. So every
//! change Patchdesk makes is `HEAD`'s version plus Patchdesk's edit. The commit is built from
//! `HEAD`'s tree plus the blobs of exactly the files written (the same bytes stay on disk), and
//! only those files' entries are then updated in the user's index; everything else staged or
//! changed stays as it was, byte for byte. If the commit fails after the files were written,
//! [`restore`] puts them back as they were in `HEAD`.
//!
//! Every commit made here ends with the trailer paragraph [`RECORD_TRAILER`], which tells the
//! board publisher that Patchdesk made it.

use patchdesk_board::{Board, FileProblem, HandoffForm, HandoffRequest};
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
/// The last line of every commit Patchdesk makes on the project's branch, alone in the
/// message's last paragraph: how board publishing knows a commit is Patchdesk's own.
pub const RECORD_TRAILER: &str = "Patchdesk-Record: board";

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
    /// A file Patchdesk must change has edits of the user's (on disk or staged) that are not
    /// committed. Nothing was written.
    #[error("You have unsaved changes in {file} that are not committed. Patchdesk did not {action} so that your changes stay as they are: commit or undo them in {file}, then try again.")]
    Unsaved {
        /// The file, relative to the repository.
        file: String,
        /// What Patchdesk did not do, as the words after "did not" (`hand off F2.1`).
        action: String,
    },
    /// A path that is not a plain file inside the repository.
    #[error("{0} is not a file inside the repository; nothing was committed.")]
    BadPath(String),
    /// A file or a folder on the way is a link (or not a plain file). Nothing was written.
    #[error("{0}")]
    Unsafe(String),
    /// The repository's git settings put its files in another folder than the one opened.
    #[error("{0} keeps its files in another folder (git's core.worktree setting); Patchdesk only works in the folder you opened, so nothing was changed. Remove that setting, or open the folder that holds the files.")]
    OtherFolder(String),
    /// A board operation failed (task or pod unknown, task file invalid...).
    #[error(transparent)]
    Board(#[from] patchdesk_board::BoardError),
    /// The handoff was refused for a reason stated in the message (task files that cannot be read).
    #[error("{0}")]
    Refused(String),
    /// The task is already with that pod, and was not handed there by Patchdesk: nothing to do.
    #[error("Task {task} is already with {pod}; there is nothing to hand off.")]
    AlreadyWith {
        /// The task's id.
        task: String,
        /// The pod it is with.
        pod: String,
    },
    /// git reported an unexpected failure.
    #[error("git reported a problem: {0}")]
    Git(#[from] git2::Error),
}

impl Coded for RecordError {
    fn code(&self) -> Code {
        match self {
            RecordError::NotARepository(_) => Code::RepoNotFound,
            RecordError::Detached | RecordError::Busy(_) | RecordError::Unsaved { .. } => Code::RepoBusy,
            RecordError::BadPath(_) | RecordError::Unsafe(_) | RecordError::OtherFolder(_) => Code::UnsafePath,
            RecordError::Board(e) => e.code(),
            RecordError::Refused(_) => Code::TaskFileInvalid,
            RecordError::AlreadyWith { .. } => Code::AlreadyDone,
            RecordError::Git(_) => Code::Git,
        }
    }
}

impl From<RecordError> for UserError {
    fn from(e: RecordError) -> Self {
        UserError::from(&e)
    }
}

impl From<patchdesk_board::FileError> for RecordError {
    fn from(e: patchdesk_board::FileError) -> Self {
        RecordError::Unsafe(e.to_string())
    }
}

/// `message` ending with the paragraph [`RECORD_TRAILER`] (added once).
pub fn with_record_trailer(message: &str) -> String {
    let body = message.trim_end();
    let last = body.rsplit("\n\n").next().unwrap_or("");
    if last.lines().any(|l| l == RECORD_TRAILER) {
        return format!("{body}\n");
    }
    if body.is_empty() {
        format!("{RECORD_TRAILER}\n")
    } else {
        format!("{body}\n\n{RECORD_TRAILER}\n")
    }
}

/// Refuses a repository whose git settings keep its files somewhere else than its own folder
/// (`core.worktree`): Patchdesk would read one folder and write another.
pub fn check_own_folder(repo: &git2::Repository) -> Result<(), RecordError> {
    let Ok(config) = repo.config() else { return Ok(()) };
    let Ok(local) = config.open_level(git2::ConfigLevel::Local) else { return Ok(()) };
    let set = local.get_entry("core.worktree").is_ok();
    if set {
        return Err(RecordError::OtherFolder(repo.workdir().unwrap_or(repo.path()).display().to_string()));
    }
    Ok(())
}

/// Opens the repository whose working folder is exactly `workdir`, refusing one whose files
/// live in another folder ([`check_own_folder`]).
pub fn open_repository(workdir: &Path) -> Result<git2::Repository, RecordError> {
    let repo =
        git2::Repository::open(workdir).map_err(|_| RecordError::NotARepository(workdir.display().to_string()))?;
    if check_own_folder(&repo).is_err() {
        return Err(RecordError::OtherFolder(workdir.display().to_string()));
    }
    let same = match (repo.workdir().map(std::fs::canonicalize), std::fs::canonicalize(workdir)) {
        (Some(Ok(a)), Ok(b)) => a == b,
        _ => false,
    };
    if !same {
        return Err(RecordError::OtherFolder(workdir.display().to_string()));
    }
    Ok(repo)
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

/// The user's staging area, read into a private index: looking at it never changes the
/// repository's own index (in memory or on disk).
fn private_index(repo: &git2::Repository) -> Result<git2::Index, RecordError> {
    let file = repo.path().join("index");
    if file.exists() {
        Ok(git2::Index::open(&file)?)
    } else {
        Ok(git2::Index::new()?)
    }
}

/// The blob id of the file on disk (read without following links), `None` when it is missing.
fn working_blob(workdir: &Path, rel: &str) -> Result<Option<Oid>, RecordError> {
    Ok(match patchdesk_board::read_file(workdir, rel)? {
        Some(bytes) => Some(Oid::hash_object(git2::ObjectType::Blob, &bytes)?),
        None => None,
    })
}

/// True when git may convert the file between the repository and the disk (line endings, a
/// filter, an encoding): then "as in `HEAD`" and the blob to commit follow git's conversion.
fn converted(repo: &git2::Repository, path: &Path) -> bool {
    let autocrlf = repo.config().ok().and_then(|c| c.get_string("core.autocrlf").ok()).is_some_and(|v| v != "false");
    autocrlf
        || ["text", "eol", "crlf", "filter", "ident", "working-tree-encoding"]
            .iter()
            .any(|a| repo.get_attr(path, a, git2::AttrCheckFlags::FILE_THEN_INDEX).ok().flatten().is_some())
}

/// True when git sees no difference between `HEAD`'s version of `rel` and the file on disk once
/// converted (compares `HEAD` with the disk directly; no index involved).
fn same_after_conversion(
    repo: &git2::Repository,
    head_tree: Option<&git2::Tree<'_>>,
    rel: &str,
) -> Result<bool, RecordError> {
    let mut opts = git2::DiffOptions::new();
    opts.pathspec(rel).disable_pathspec_match(true).include_untracked(true);
    let diff = repo.diff_tree_to_workdir(head_tree, Some(&mut opts))?;
    Ok(diff.deltas().len() == 0)
}

fn workdir_of(repo: &git2::Repository) -> Result<std::path::PathBuf, RecordError> {
    check_own_folder(repo)?;
    Ok(repo.workdir().ok_or_else(|| RecordError::NotARepository(repo.path().display().to_string()))?.to_path_buf())
}

/// Files [`check_can_commit`] found exactly as in `HEAD` (on disk and staged), with their
/// `HEAD` version, so [`record_checked_paths`] may commit Patchdesk's new version of them and
/// [`restore`] can put them back.
#[derive(Debug, Clone, Default)]
pub struct Checked {
    head: std::collections::HashMap<String, Blob>,
}

impl Checked {
    /// The files checked, relative to the repository, sorted.
    pub fn paths(&self) -> Vec<String> {
        let mut out: Vec<String> = self.head.keys().cloned().collect();
        out.sort();
        out
    }
}

/// Refuses, changing nothing, when the repository cannot take Patchdesk's commit of `paths`
/// now: a detached `HEAD`, a merge or rebase under way, files kept in another folder, a link
/// anywhere on the way to a file, or a file whose content on disk or in the user's staging
/// area differs from `HEAD` (the user's unsaved work; a file `HEAD` lacks must not exist yet).
/// `action` is what Patchdesk was about to do, for the refusal: `hand off F2.1`.
/// Call it before writing; pass the result to [`record_checked_paths`].
pub fn check_can_commit(repo: &git2::Repository, paths: &[&str], action: &str) -> Result<Checked, RecordError> {
    ready_branch(repo)?;
    let workdir = workdir_of(repo)?;
    let index = private_index(repo)?;
    let head_tree = repo.head().ok().and_then(|h| h.peel_to_tree().ok());
    let mut checked = Checked::default();
    for p in paths {
        let path = check_path(p)?;
        if checked.head.contains_key(*p) {
            continue;
        }
        let head = head_entry(head_tree.as_ref(), path);
        let unsaved = || RecordError::Unsaved { file: p.to_string(), action: action.to_string() };
        patchdesk_board::inspect(&workdir, p)?;
        if (1..=3).any(|stage| index.get_path(path, stage).is_some()) {
            return Err(unsaved());
        }
        let staged = index.get_path(path, 0).map(|e| e.id);
        if staged != head.map(|h| h.0) {
            return Err(unsaved());
        }
        let on_disk = working_blob(&workdir, p)?;
        let same = on_disk == head.map(|h| h.0)
            || (on_disk.is_some()
                && head.is_some()
                && converted(repo, path)
                && same_after_conversion(repo, head_tree.as_ref(), p)?);
        if !same {
            return Err(unsaved());
        }
        checked.head.insert(p.to_string(), head);
    }
    Ok(checked)
}

/// Puts every file `checked` back as it is in `HEAD` (removing the ones `HEAD` lacks): used
/// when a change was written but could not be committed, so a refusal leaves the user's files
/// as they were. Never follows a link.
pub fn restore(repo: &git2::Repository, checked: &Checked) -> Result<(), RecordError> {
    let workdir = workdir_of(repo)?;
    for (p, head) in &checked.head {
        let now = working_blob(&workdir, p)?;
        match head {
            Some((id, _)) if now != Some(*id) => {
                let blob = repo.find_blob(*id)?;
                patchdesk_disk::replace_file(&workdir, p, blob.content())?;
            }
            None if now.is_some() => {
                if let Err(e) = std::fs::remove_file(workdir.join(p)) {
                    tracing::warn!(file = %p, error = %e, "a file Patchdesk wrote could not be removed again");
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// Commits exactly the working-tree files `paths` (relative to the repository, `/`
/// separators; a missing file is committed as deleted) on top of the current branch's `HEAD`,
/// with author and committer from git config (else "Patchdesk"). Only those paths' index
/// entries are updated, so `git status` is clean for them afterwards; every other staged or
/// unstaged change stays as it was. When the files already match `HEAD`, nothing is committed
/// and `HEAD`'s commit is returned.
///
/// Refuses, committing nothing, when `HEAD` is detached, during a merge or rebase, when a path
/// is or passes through a link, and when a path has staged changes of the user's that differ
/// from both `HEAD` and the working file.
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

/// [`record_paths`] for files Patchdesk wrote after [`check_can_commit`] approved them. The
/// commit is `HEAD`'s tree plus the blobs of exactly these files as they are on disk (read
/// without following links), its message ends with [`RECORD_TRAILER`], and only these files'
/// entries in the user's index are updated (to the committed blobs).
pub fn record_checked_paths(
    repo: &git2::Repository,
    paths: &[&str],
    message: &str,
    checked: &Checked,
) -> Result<Recorded, RecordError> {
    let branch = ready_branch(repo)?;
    let workdir = workdir_of(repo)?;
    let parent = match repo.find_reference(&branch) {
        Ok(r) => Some(r.peel_to_commit()?),
        Err(e) if e.code() == git2::ErrorCode::NotFound => None,
        Err(e) => return Err(e.into()),
    };
    let head_tree = parent.as_ref().map(|c| c.tree()).transpose()?;
    let user_index = private_index(repo)?;
    let mut updates = git2::build::TreeUpdateBuilder::new();
    let mut seen = std::collections::HashSet::new();
    // Each path with its committed blob (or none: deleted), for the user's index afterwards.
    let mut entries: Vec<(String, Blob)> = Vec::new();
    for p in paths {
        if !seen.insert(*p) {
            continue;
        }
        let path = check_path(p)?;
        let head = head_entry(head_tree.as_ref(), path);
        if patchdesk_board::inspect(&workdir, p)? == patchdesk_board::Found::Folder {
            return Err(RecordError::BadPath(p.to_string()));
        }
        let bytes = patchdesk_board::read_file(&workdir, p)?;
        if !checked.head.contains_key(*p) {
            // Not checked beforehand: a version the user staged must not be lost.
            let staged = user_index.get_path(path, 0).map(|e| e.id);
            let on_disk = bytes.as_deref().map(|b| Oid::hash_object(git2::ObjectType::Blob, b)).transpose()?;
            let conflicted = (1..=3).any(|stage| user_index.get_path(path, stage).is_some());
            if conflicted || (staged != head.map(|h| h.0) && staged != on_disk) {
                return Err(RecordError::Unsaved { file: p.to_string(), action: "commit it".into() });
            }
        }
        match bytes {
            Some(bytes) => {
                // The blob git itself would store: converted when the repository says so.
                let id = if converted(repo, path) { repo.blob_path(&workdir.join(path))? } else { repo.blob(&bytes)? };
                let executable = std::fs::symlink_metadata(workdir.join(path))
                    .is_ok_and(|m| std::os::unix::fs::PermissionsExt::mode(&m.permissions()) & 0o111 != 0);
                let mode = if executable { git2::FileMode::BlobExecutable } else { git2::FileMode::Blob };
                updates.upsert(*p, id, mode);
                entries.push((p.to_string(), Some((id, u32::from(mode)))));
            }
            None => {
                if head.is_some() {
                    updates.remove(*p);
                }
                entries.push((p.to_string(), None));
            }
        }
    }
    let base = match &head_tree {
        Some(t) => t.clone(),
        None => repo.find_tree(repo.treebuilder(None)?.write()?)?,
    };
    let tree_id = updates.create_updated(repo, &base)?;
    let created = parent.is_none() || tree_id != base.id();
    let commit = match &parent {
        Some(parent) if !created => parent.id(),
        _ => {
            let tree = repo.find_tree(tree_id)?;
            let sig = repo.signature().or_else(|_| git2::Signature::now(FALLBACK_NAME, FALLBACK_EMAIL))?;
            let parents: Vec<&git2::Commit<'_>> = parent.iter().collect();
            let message = with_record_trailer(message);
            let commit = repo.commit(None, &sig, &sig, &message, &tree, &parents)?;
            let summary = message.lines().next().unwrap_or_default();
            let log = format!("commit: {summary}");
            match &parent {
                Some(p) => repo.reference_matching(&branch, commit, true, p.id(), &log)?,
                None => repo.reference(&branch, commit, false, &log)?,
            };
            commit
        }
    };
    update_user_index(repo, &workdir, &entries)?;
    Ok(Recorded { commit, created })
}

/// Sets the user's index entries of exactly `entries` (path → committed blob, or removed),
/// leaving every other entry as it is on disk.
fn update_user_index(repo: &git2::Repository, workdir: &Path, entries: &[(String, Blob)]) -> Result<(), RecordError> {
    use std::os::unix::fs::MetadataExt;
    let mut index = repo.index()?;
    index.read(true)?;
    let mut changed = false;
    for (p, blob) in entries {
        let path = Path::new(p);
        let current = index.get_path(path, 0);
        match blob {
            Some((id, mode)) => {
                let Ok(meta) = std::fs::symlink_metadata(workdir.join(path)) else { continue };
                let fresh = current.as_ref().is_some_and(|e| {
                    e.id == *id
                        && e.mode == *mode
                        && i64::from(e.mtime.seconds()) == meta.mtime()
                        && u64::from(e.file_size) == meta.size()
                });
                if fresh {
                    continue;
                }
                let time = |s: i64, ns: i64| git2::IndexTime::new(s as i32, ns as u32);
                let entry = git2::IndexEntry {
                    ctime: time(meta.ctime(), meta.ctime_nsec()),
                    mtime: time(meta.mtime(), meta.mtime_nsec()),
                    dev: meta.dev() as u32,
                    ino: meta.ino() as u32,
                    mode: *mode,
                    uid: meta.uid(),
                    gid: meta.gid(),
                    file_size: meta.size() as u32,
                    id: *id,
                    flags: p.len().min(0xfff) as u16,
                    flags_extended: 0,
                    path: p.as_bytes().to_vec(),
                };
                index.add(&entry)?;
                changed = true;
            }
            None => {
                if current.is_some() {
                    index.remove_path(path)?;
                    changed = true;
                }
            }
        }
    }
    if changed {
        index.write()?;
    }
    Ok(())
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
pub fn hand_off(
    workdir: &Path,
    task_id: &str,
    to_pod: &str,
    reason: &str,
    now: OffsetDateTime,
) -> Result<HandedOff, RecordError> {
    hand_off_with(workdir, &HandoffRequest::new(task_id, to_pod, reason), now)
}

/// [`hand_off`] of the lead's whole `request`: the input files chosen for the receiving pod and
/// the patch the handoff follows from are recorded in the handoff log and the prompt packet.
pub fn hand_off_with(
    workdir: &Path,
    request: &HandoffRequest<'_>,
    now: OffsetDateTime,
) -> Result<HandedOff, RecordError> {
    let HandoffRequest { task_id, to_pod, reason, input_files, .. } = *request;
    let repo = open_repository(workdir)?;
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
    let files: Vec<String> = vec![
        task.source.file.clone(),
        patchdesk_board::HANDOFF_LOG.to_string(),
        prompt_path.clone(),
        metrics.to_string(),
    ];
    let file_refs: Vec<&str> = files.iter().map(String::as_str).collect();
    let checked = check_can_commit(&repo, &file_refs, &format!("hand off {}", task.id))?;
    if let Some(p) = board.problems.iter().find(|p| p.path == task.source.file) {
        return Err(RecordError::Refused(format!(
            "{} — Patchdesk does not change a file it cannot read; nothing was changed.",
            p.message
        )));
    }

    if task.pod.as_deref() == Some(to.key.as_str()) {
        // Every file is as committed (checked above), so a rerun has nothing new to record.
        let log = patchdesk_board::read_handoff_log(workdir)?;
        let last = log.entries.iter().rev().find(|e| e.task.as_deref() == Some(task.id.as_str()));
        let already = last.is_some_and(|e| e.to.as_deref().is_some_and(|t| to.matches(t)));
        if !already {
            return Err(RecordError::AlreadyWith { task: task.id.clone(), pod: to.key.clone() });
        }
        let from = last
            .and_then(|e| e.from.as_deref())
            .and_then(|f| board.pod(f))
            .map(|p| p.key.clone())
            .unwrap_or_else(|| "Human".into());
        let head = repo.head()?.peel_to_commit()?.id();
        return Ok(HandedOff {
            task: task.id.clone(),
            from,
            to: to.key.clone(),
            commit: head.to_string(),
            prompt_path,
            changed_files: Vec::new(),
            new: false,
            warnings: Vec::new(),
        });
    }

    let inputs: Vec<String> = input_files.iter().map(|f| f.trim().to_string()).filter(|f| !f.is_empty()).collect();
    let written = (|| -> Result<HandedOff, RecordError> {
        let outcome = patchdesk_board::handoff(workdir, &HandoffRequest { input_files: &inputs, ..*request }, now)?;
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
    })();
    if written.is_err() {
        // Whatever was written goes back to HEAD's version, which the check found on disk.
        if let Err(e) = restore(&repo, &checked) {
            tracing::warn!(code = %e.code(), "the files of a handoff that failed could not be put back");
        }
    }
    written
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
        let repo =
            git2::Repository::init_opts(dir.path(), git2::RepositoryInitOptions::new().initial_head("main")).unwrap();
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
        let (dir, repo) = repo_with(&[
            ("task.yaml", "tasks: {}\n"),
            ("src/a.py", "a = 1\n"),
            ("notes.md", "n\n"),
            ("old.txt", "bye\n"),
        ]);
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

        let oid =
            commit_paths(&repo, &["task.yaml", ".logs/handoff_log.yaml", "old.txt"], "Hand off F1: A → B\n\nbecause")
                .unwrap();
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
        assert!(matches!(err, RecordError::Unsaved { ref file, .. } if file == "task.yaml"), "{err}");
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
        let repo =
            git2::Repository::init_opts(dir.path(), git2::RepositoryInitOptions::new().initial_head("trunk")).unwrap();
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
        assert_eq!(
            commit.message().unwrap(),
            "Hand off T1: DevPod → QAPod\n\nready for tests\n\nPatchdesk-Record: board\n"
        );
        // The working files are the committed blobs.
        for f in &done.changed_files {
            let blob = commit
                .tree()
                .unwrap()
                .get_path(Path::new(f))
                .unwrap()
                .to_object(&repo)
                .unwrap()
                .peel_to_blob()
                .unwrap();
            assert_eq!(blob.content(), fs::read(w.join(f)).unwrap(), "{f}");
        }
        let mut files = done.changed_files.clone();
        files.sort();
        assert_eq!(
            files,
            [".logs/handoff_log.yaml", "metrics/metrics.yaml", "prompts/used/QAPod/T1_prompt.txt", "task.yaml"]
        );
        assert_eq!(git(w, &["status", "--porcelain"]), "");

        let again = hand_off(w, "T1", "QAPod", "ready for tests", now).unwrap();
        assert!(!again.new);
        assert_eq!(again.commit, done.commit);
        assert_eq!(git(w, &["rev-list", "--count", "HEAD"]), "2\n");
    }

    #[test]
    fn a_hand_off_to_the_pod_that_has_the_task_is_already_done_not_a_bad_task_file() {
        let (dir, repo) = board_repo();
        let w = dir.path();
        let now = time::macros::datetime!(2026-11-19 10:00 UTC);
        let head = repo.head().unwrap().target().unwrap();
        let err = hand_off(w, "T1", "dev", "again", now).unwrap_err();
        assert_eq!(err.code(), Code::AlreadyDone, "{err}");
        assert_eq!(err.to_string(), "Task T1 is already with DevPod; there is nothing to hand off.");
        assert_eq!(repo.head().unwrap().target().unwrap(), head);
        assert_eq!(git(w, &["status", "--porcelain"]), "");
    }

    /// T1 to the QA pod with the lead's `files`, following `patch_T1.diff`.
    fn please_test(files: &[String]) -> HandoffRequest<'_> {
        HandoffRequest {
            input_files: files,
            related_patch: Some("patch_T1.diff"),
            ..HandoffRequest::new("T1", "qa", "please test")
        }
    }

    #[test]
    fn hand_off_records_the_files_and_patch_the_lead_chose() {
        let (dir, _repo) = board_repo();
        let w = dir.path();
        let now = time::macros::datetime!(2026-11-19 10:00 UTC);
        let files = vec![" docs/guide.md ".to_string(), String::new(), "tests/test_stages.py".to_string()];
        let done = hand_off_with(w, &please_test(&files), now).unwrap();
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
        assert_eq!(
            err.to_string(),
            "You have unsaved changes in task.yaml that are not committed. Patchdesk did not hand off T1 so that your changes stay as they are: commit or undo them in task.yaml, then try again."
        );
        assert_eq!(
            fs::read_to_string(w.join("task.yaml")).unwrap(),
            "tasks:\n  T1:\n    title: One!\n    assigned_pod: dev\n"
        );
        assert_eq!(fs::read_to_string(w.join(".logs/handoff_log.yaml")).unwrap(), "handoffs: []\n");
        assert!(!w.join("prompts").exists());
        assert_eq!(repo.head().unwrap().target().unwrap(), head);
        // Staged exactly as on disk is still the lead's unsaved work: refused too.
        git(w, &["add", "task.yaml"]);
        let index = fs::read(w.join(".git/index")).unwrap();
        assert!(matches!(hand_off(w, "T1", "qa", "r", now), Err(RecordError::Unsaved { .. })));
        assert_eq!(fs::read(w.join(".git/index")).unwrap(), index);
        assert!(!w.join("prompts").exists());
        // Committed by the lead: the handoff goes ahead on top of it.
        git(w, &["commit", "-q", "-m", "mine"]);
        hand_off(w, "T1", "qa", "r", now).unwrap();
        assert_eq!(git(w, &["status", "--porcelain"]), "");
    }

    #[test]
    fn hand_off_with_refuses_an_unsaved_log_and_writes_nothing() {
        let (dir, repo) = board_repo();
        let w = dir.path();
        let now = time::macros::datetime!(2026-11-19 10:00 UTC);
        let head = repo.head().unwrap().target().unwrap();
        fs::write(w.join(".logs/handoff_log.yaml"), "handoffs: []\n# my note\n").unwrap();
        let files = vec!["docs/guide.md".to_string()];
        let err = hand_off_with(w, &please_test(&files), now).unwrap_err();
        assert!(
            err.to_string().starts_with("You have unsaved changes in .logs/handoff_log.yaml that are not committed."),
            "{err}"
        );
        assert_eq!(fs::read_to_string(w.join(".logs/handoff_log.yaml")).unwrap(), "handoffs: []\n# my note\n");
        assert!(fs::read_to_string(w.join("task.yaml")).unwrap().contains("assigned_pod: dev\n"));
        assert_eq!(fs::read_to_string(w.join("metrics/metrics.yaml")).unwrap(), "weekly_snapshots: []\n");
        assert!(!w.join("prompts").exists());
        assert_eq!(repo.head().unwrap().target().unwrap(), head);
    }

    #[test]
    fn a_change_that_cannot_be_committed_is_put_back() {
        let (dir, repo) = board_repo();
        let w = dir.path();
        let checked = check_can_commit(&repo, &["task.yaml", "prompts/new.txt"], "hand off T1").unwrap();
        let before = fs::read(w.join("task.yaml")).unwrap();
        fs::write(w.join("task.yaml"), "changed by Patchdesk\n").unwrap();
        fs::create_dir_all(w.join("prompts")).unwrap();
        fs::write(w.join("prompts/new.txt"), "new\n").unwrap();
        restore(&repo, &checked).unwrap();
        assert_eq!(fs::read(w.join("task.yaml")).unwrap(), before);
        assert!(!w.join("prompts/new.txt").exists());
        assert_eq!(git(w, &["status", "--porcelain"]), "");
    }

    #[test]
    fn files_git_converts_on_checkout_are_compared_and_committed_as_git_does() {
        let (dir, repo) = repo_with(&[
            (".gitattributes", "*.yaml text eol=crlf\n"),
            ("task.yaml", "# the tasks\ntasks:\n  T1:\n    title: One\n    assigned_pod: dev\n    status: ready\n"),
        ]);
        let w = dir.path();
        fs::remove_file(w.join("task.yaml")).unwrap();
        git(w, &["checkout", "--", "task.yaml"]);
        assert!(fs::read_to_string(w.join("task.yaml")).unwrap().contains("\r\n"), "checked out with CRLF");
        let now = time::macros::datetime!(2026-11-19 10:00 UTC);
        // A real edit is still the lead's unsaved work.
        let checked_out = fs::read(w.join("task.yaml")).unwrap();
        fs::write(w.join("task.yaml"), [checked_out.as_slice(), b"# mine\r\n"].concat()).unwrap();
        assert!(matches!(hand_off(w, "T1", "qa", "go", now), Err(RecordError::Unsaved { .. })));
        fs::write(w.join("task.yaml"), &checked_out).unwrap();
        // Unchanged but converted: the handoff goes ahead and git sees a clean folder.
        let done = hand_off(w, "T1", "qa", "go", now).unwrap();
        assert!(done.new);
        assert_eq!(git(w, &["status", "--porcelain"]), "");
        let committed = git(w, &["show", "HEAD:task.yaml"]);
        assert!(!committed.contains('\r') && committed.contains("handoff_from: dev\n"), "{committed:?}");
        let _ = repo;
    }

    #[test]
    fn every_commit_ends_with_the_record_trailer_once() {
        assert_eq!(with_record_trailer("Merged #3: T1 done\n"), "Merged #3: T1 done\n\nPatchdesk-Record: board\n");
        assert_eq!(with_record_trailer("A\n\nB\n\nPatchdesk-Record: board\n"), "A\n\nB\n\nPatchdesk-Record: board\n");
        assert_eq!(
            with_record_trailer("A\n\nPatchdesk-Record: board is a line in the body\n"),
            "A\n\nPatchdesk-Record: board is a line in the body\n\nPatchdesk-Record: board\n"
        );
        let (dir, repo) = repo_with(&[("notes.md", "a\n")]);
        fs::write(dir.path().join("notes.md"), "b\n").unwrap();
        let oid = commit_paths(&repo, &["notes.md"], "Pull request updates: 2\n\n- one\n- two").unwrap();
        let message = repo.find_commit(oid).unwrap().message().unwrap().to_string();
        assert!(message.ends_with("\n- two\n\nPatchdesk-Record: board\n"), "{message}");
        assert_eq!(message.rsplit("\n\n").next().unwrap().lines().collect::<Vec<_>>(), [RECORD_TRAILER]);
    }

    #[test]
    fn the_check_never_touches_the_users_index_and_the_commit_updates_only_its_files() {
        let (dir, repo) = board_repo();
        let w = dir.path();
        // The lead staged another file; the repository's own index must not be used for the check.
        fs::write(w.join("notes.md"), "staged by the lead\n").unwrap();
        git(w, &["add", "notes.md"]);
        let index = fs::read(w.join(".git/index")).unwrap();
        let checked = check_can_commit(&repo, &["task.yaml", ".logs/handoff_log.yaml"], "hand off T1").unwrap();
        assert_eq!(fs::read(w.join(".git/index")).unwrap(), index);
        assert_eq!(checked.paths(), [".logs/handoff_log.yaml", "task.yaml"]);
        let before = index_bytes(w);
        let now = time::macros::datetime!(2026-11-19 10:00 UTC);
        hand_off(w, "T1", "qa", "go", now).unwrap();
        let after = index_bytes(w);
        assert!(
            after.contains(before.iter().find(|(p, _)| p == "notes.md").unwrap()),
            "the lead's staged file is as it was"
        );
        assert_eq!(git(w, &["status", "--porcelain"]), "A  notes.md\n");
        assert_eq!(
            git(w, &["show", "--name-only", "--format=", "HEAD"]),
            ".logs/handoff_log.yaml\nmetrics/metrics.yaml\nprompts/used/QAPod/T1_prompt.txt\ntask.yaml\n"
        );
    }

    #[test]
    fn a_repository_whose_files_are_elsewhere_is_refused_before_writing() {
        let (dir, repo) = board_repo();
        let elsewhere = tempfile::tempdir().unwrap();
        repo.config().unwrap().set_str("core.worktree", elsewhere.path().to_str().unwrap()).unwrap();
        let now = time::macros::datetime!(2026-11-19 10:00 UTC);
        let err = hand_off(dir.path(), "T1", "qa", "go", now).unwrap_err();
        assert!(matches!(err, RecordError::OtherFolder(_)), "{err}");
        assert_eq!(fs::read_dir(elsewhere.path()).unwrap().count(), 0);
        assert!(!dir.path().join("prompts").exists());
    }
}
