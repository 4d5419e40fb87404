//! Sending the board's commits (handoffs, PR lifecycle updates) to the remote.
//!
//! Handoffs and lifecycle updates are committed on the project's current branch and nothing
//! more. [`send_board`] takes them the rest of the way, only when that branch is the remote's
//! default branch — and only them: the user's own commits on that branch are never sent.
//!
//! - the remote's default branch is fetched into Patchdesk's own refs
//!   (`refs/patchdesk/remote/…`) and compared with the local branch;
//! - of the local commits the remote lacks, only **Patchdesk's own** are sent: a commit whose
//!   message ends with the trailer `Patchdesk-Record: board` ([`RECORD_TRAILER`]) and that
//!   changes only the board's files ([`is_board_file`]) as plain files. Every other commit is
//!   the user's: it is not sent, not rewritten, and the result names it
//!   ([`BoardSent::Held`]);
//! - each of Patchdesk's commits is made again on the remote's tip (its own change — the
//!   difference to its parent — with the same message and author), in the object store
//!   only; a commit that already sits on the tip is used as it is, so a branch holding only
//!   Patchdesk's commits is sent unchanged. A commit the remote already has a copy of (same
//!   message, author and files, found among the remote's newer commits) is not sent again;
//! - the result is pushed to the default branch, never forced;
//! - when the remote refuses that push (a protected branch, a hook, or a commit that landed
//!   meanwhile), the commits go to a branch `patchdesk/board-<commit>` and a review request is
//!   opened for it — or the open one for earlier board changes is extended and reused;
//! - where a change and the remote's tip both only added to a delivery log (the remote's main
//!   got a merged review request's trace entry and metrics, the change records that merge),
//!   both additions are kept (`crate::merge`);
//! - a change that no longer applies to the remote's tip (someone changed the same lines
//!   there) is not sent, and nothing else is either ([`BoardSent::DoesNotApply`]).
//!
//! The working tree, the index and the user's refs are never touched: the only refs written
//! are under `refs/patchdesk/`.

use std::path::Path;

use git2::{Oid, Repository};
use patchdesk_forge::{Forge, ForgeError, NewReview, ReviewRequest};
use serde::{Deserialize, Serialize};

use crate::transport::{self, FETCH_PREFIX};
use crate::PromoteError;
use patchdesk_project::record::RECORD_TRAILER;

/// Prefix of the branches board changes go on when the default branch refuses them.
pub const BOARD_BRANCH_PREFIX: &str = "patchdesk/board-";
/// Local ref holding the commit being sent (the push source; never a user's ref).
pub const BOARD_SOURCE_REF: &str = "refs/patchdesk/board/send";

/// How many commits a review request's description lists before summing up the rest.
const LISTED_COMMITS: usize = 100;
/// GitHub refuses titles longer than this.
const TITLE_LIMIT: usize = 250;
/// How many of the user's commits a result names.
const NAMED_HELD: usize = 3;
/// How many commits on either side are looked at, at most.
const WALK_LIMIT: usize = 20_000;

/// What [`send_board`] did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum BoardSent {
    /// The project is not on the remote's default branch; nothing was sent.
    NotOnDefaultBranch {
        /// The branch the project is on (empty when no branch is checked out).
        branch: String,
        /// The remote's default branch.
        default: String,
    },
    /// The remote already has every commit; nothing to send.
    UpToDate {
        /// The default branch.
        branch: String,
    },
    /// The commits were pushed to the default branch.
    Sent {
        /// The default branch.
        branch: String,
        /// How many commits were sent.
        commits: u32,
    },
    /// The default branch refused the push, so the commits went on their own branch with a
    /// review request (pull request) for someone to merge.
    AsReview {
        /// Review request number.
        number: u64,
        /// Where to look at it.
        url: String,
        /// The branch holding the commits.
        branch: String,
        /// The default branch the request goes into.
        base: String,
        /// How many commits it holds.
        commits: u32,
        /// How many of the user's own commits were not sent (see [`BoardSent::Held`]).
        held: u32,
        /// The first lines of the first few of them, oldest first.
        subjects: Vec<String>,
    },
    /// The remote has newer commits and there is nothing here to send.
    Behind {
        /// The default branch.
        branch: String,
        /// How many commits the remote has that the project does not.
        commits: u32,
    },
    /// Both sides have commits the other lacks; nothing was pushed or overwritten. (Not made
    /// any more: Patchdesk's commits are now made again on the remote's tip.)
    Diverged {
        /// The default branch.
        branch: String,
        /// Commits here that the remote lacks.
        local: u32,
        /// Commits on the remote that the project lacks.
        remote: u32,
    },
    /// The branch has commits Patchdesk did not make: they stay here, unsent. Patchdesk's own
    /// board changes, if any, were sent without them (`sent`).
    Held {
        /// The default branch.
        branch: String,
        /// How many of Patchdesk's board changes were sent now (0: none were waiting).
        sent: u32,
        /// How many of the user's commits are not sent.
        held: u32,
        /// The first lines of the first few of them, oldest first.
        subjects: Vec<String>,
    },
    /// One of Patchdesk's board changes no longer fits the remote's branch (someone changed
    /// the same lines there); nothing was sent.
    DoesNotApply {
        /// The default branch.
        branch: String,
        /// The first line of the change that does not fit.
        subject: String,
    },
}

fn changes(n: u32) -> String {
    if n == 1 {
        "1 board change".to_string()
    } else {
        format!("{n} board changes")
    }
}

fn held_words(held: u32, subjects: &[String]) -> String {
    let quoted: Vec<String> = subjects.iter().map(|s| format!("'{s}'")).collect();
    let mut names = quoted.join(", ");
    if held as usize > subjects.len() {
        names.push_str(&format!(" and {} more", held as usize - subjects.len()));
    }
    let (count, verb) =
        if held == 1 { ("1 commit of yours".to_string(), "is") } else { (format!("{held} commits of yours"), "are") };
    format!("{count} ({names}) {verb} not sent: Patchdesk only sends the board changes it made. Send your own commits yourself when they are ready.")
}

fn commits(n: u32) -> String {
    if n == 1 {
        "1 newer commit".to_string()
    } else {
        format!("{n} newer commits")
    }
}

impl BoardSent {
    /// One or two plain sentences for the board.
    pub fn describe(&self) -> String {
        match self {
            BoardSent::NotOnDefaultBranch { branch, default } if branch.is_empty() => {
                format!("No branch is checked out in the project, so board changes were not sent. They are sent only from {default}.")
            }
            BoardSent::NotOnDefaultBranch { branch, default } => {
                format!("The project is on the branch {branch}, not {default}, so board changes were not sent. They are sent only from {default}.")
            }
            BoardSent::UpToDate { branch } => format!("Everything is sent: {branch} on the remote already has every board change."),
            BoardSent::Sent { branch, commits } => format!("Sent {} to {branch} on the remote.", changes(*commits)),
            BoardSent::AsReview { number, branch, base, commits, held, subjects, .. } => {
                let sent = format!(
                    "The remote does not take changes to {base} directly (the branch is protected, or it changed meanwhile), so {} went as pull request #{number} from the branch {branch}. They reach {base} when it is merged.",
                    changes(*commits)
                );
                if *held == 0 { sent } else { format!("{sent} {}", held_words(*held, subjects)) }
            }
            BoardSent::Behind { branch, commits: n } => format!(
                "{branch} on the remote has {} and there is nothing here to send. Bring the project up to date to see them.",
                commits(*n)
            ),
            BoardSent::Diverged { branch, local, remote } => format!(
                "{branch} on the remote has {} that the project does not have, and the project has {} the remote does not. Nothing was sent or overwritten. Bring the project up to date first, then send again.",
                commits(*remote),
                changes(*local)
            ),
            BoardSent::Held { branch, sent, held, subjects } => {
                let first = if *sent == 0 { format!("No board changes were waiting to be sent to {branch}.") } else { format!("Sent {} to {branch} on the remote.", changes(*sent)) };
                format!("{first} {}", held_words(*held, subjects))
            }
            BoardSent::DoesNotApply { branch, subject } => format!(
                "The board change '{subject}' no longer fits {branch} on the remote (the same lines were changed there), so nothing was sent. Bring the project up to date, then send again."
            ),
        }
    }
}

fn git_err(action: &'static str) -> impl Fn(git2::Error) -> PromoteError {
    move |e| PromoteError::Git { action: action.to_string(), detail: e.message().to_string() }
}

/// True when a URL names a user or password (`https://user:pw@host/...`).
pub(crate) fn has_credentials(url: &str) -> bool {
    url.split_once("://").is_some_and(|(_, rest)| rest.split('/').next().is_some_and(|host| host.contains('@')))
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Sends Patchdesk's board commits on the project's current branch to the remote at
/// `remote_url` (see the module documentation). Blocking (git and network); the app runs it
/// off the UI thread. Offline, it fails with the same offline error as promote, and changes
/// nothing: the commits wait and a later call sends them.
pub fn send_board(workdir: &Path, remote_url: &str, forge: &dyn Forge) -> Result<BoardSent, PromoteError> {
    if has_credentials(remote_url) {
        return Err(PromoteError::Input("the remote address carries a user name or password; Patchdesk uses the saved sign-in instead. Remove the credentials from the address.".into()));
    }
    let repo = Repository::open(workdir).map_err(|_| PromoteError::Git {
        action: "open the repository".into(),
        detail: format!("there is no git repository at {}", workdir.display()),
    })?;
    let creds = forge.git_credentials();
    let key = transport::remote_key(remote_url);

    let (heads, listed_default) = transport::list_remote(&repo, remote_url, creds)?;
    let has = |b: &str| heads.iter().any(|(n, _)| n == b);
    let default = match listed_default
        .clone()
        .filter(|d| has(d))
        .or_else(|| ["main", "master"].into_iter().find(|b| has(b)).map(str::to_string))
        .or(listed_default)
    {
        Some(d) => d,
        None => forge.default_branch()?,
    };

    // The project's branch, and its newest commit.
    let head = repo.head().ok();
    let branch = head
        .as_ref()
        .filter(|h| h.is_branch())
        .and_then(|h| h.shorthand().ok().map(str::to_string))
        .unwrap_or_default();
    if branch != default {
        return Ok(BoardSent::NotOnDefaultBranch { branch, default });
    }
    let Some(local) = head.as_ref().and_then(|h| h.target()) else {
        // An unborn branch: no commits yet, so nothing to send.
        return Ok(match heads.iter().find(|(n, _)| *n == default) {
            Some(_) => BoardSent::Behind { branch: default, commits: 0 },
            None => BoardSent::UpToDate { branch: default },
        });
    };

    // The remote's side, fetched into Patchdesk's own refs.
    let remote = if has(&default) {
        transport::fetch(&repo, remote_url, creds, &key, &[default.as_str()])?;
        let fetched =
            repo.find_reference(&format!("{FETCH_PREFIX}/{key}/{default}")).ok().and_then(|r| r.target()).ok_or_else(
                || PromoteError::Git {
                    action: "fetch the default branch".into(),
                    detail: format!("{default} was not fetched"),
                },
            )?;
        Some(fetched)
    } else {
        None
    };
    if remote == Some(local) {
        return Ok(BoardSent::UpToDate { branch: default });
    }

    // What is here and not there: Patchdesk's commits (to send) and the user's (never sent).
    let mut held = Vec::new();
    let mut ours = Vec::new();
    for oid in new_commits(&repo, local, remote)?.into_iter().rev() {
        let commit = repo.find_commit(oid).map_err(git_err("read the commits to send"))?;
        if is_patchdesk_commit(&repo, &commit)? {
            ours.push(oid);
        } else {
            held.push(oid);
        }
    }
    // What is there and not here: other people's commits, and copies of Patchdesk's commits
    // sent before (made again on the remote's tip, so not the same commits as here).
    let mut theirs = 0u32;
    if let Some(r) = remote {
        let mut sent_before = std::collections::HashMap::<CopyKey, u32>::new();
        for oid in new_commits(&repo, r, Some(local))? {
            let commit = repo.find_commit(oid).map_err(git_err("read the remote's commits"))?;
            match copy_key(&repo, &commit)? {
                Some(k) if has_trailer(&commit) => *sent_before.entry(k).or_default() += 1,
                _ => theirs += 1,
            }
        }
        let mut unsent = Vec::new();
        for oid in ours {
            let commit = repo.find_commit(oid).map_err(git_err("read the commits to send"))?;
            match copy_key(&repo, &commit)?.and_then(|k| sent_before.get_mut(&k)).filter(|n| **n > 0) {
                Some(n) => *n -= 1,
                None => unsent.push(oid),
            }
        }
        ours = unsent;
    }
    let subjects: Vec<String> = held.iter().take(NAMED_HELD).map(|o| subject(&repo, *o)).collect();
    let holding = |sent: u32| BoardSent::Held {
        branch: default.clone(),
        sent,
        held: count(held.len()),
        subjects: subjects.clone(),
    };
    if ours.is_empty() {
        return Ok(match (held.is_empty(), theirs) {
            (false, _) => holding(0),
            (true, 0) => BoardSent::UpToDate { branch: default },
            (true, n) => BoardSent::Behind { branch: default, commits: n },
        });
    }
    let Some(remote_tip) = remote else {
        if !held.is_empty() {
            // Nothing there to build on: sending Patchdesk's commits would mean sending the
            // whole history, the user's included.
            return Ok(holding(0));
        }
        // Every commit of the branch is Patchdesk's: it goes as it is.
        repo.reference(BOARD_SOURCE_REF, local, true, "patchdesk: board changes to send")
            .map_err(git_err("keep the commit to send"))?;
        transport::push(&repo, remote_url, creds, BOARD_SOURCE_REF, &default)?;
        return Ok(BoardSent::Sent { branch: default, commits: count(ours.len()) });
    };

    // Patchdesk's commits, made again on the remote's tip (objects only).
    let mut tip = repo.find_commit(remote_tip).map_err(git_err("read the remote's newest commit"))?;
    let mut rebuilt = Vec::new();
    for oid in &ours {
        let commit = repo.find_commit(*oid).map_err(git_err("read the commits to send"))?;
        if commit.parent_id(0).ok() == Some(tip.id()) {
            tip = commit;
            rebuilt.push(tip.id());
            continue;
        }
        let mut index = repo
            .cherrypick_commit(&commit, &tip, 0, None)
            .map_err(git_err("make the board change again on the remote's branch"))?;
        if index.has_conflicts() && !merge_log_additions(&repo, &mut index)? {
            return Ok(BoardSent::DoesNotApply { branch: default, subject: subject(&repo, *oid) });
        }
        let tree_id =
            index.write_tree_to(&repo).map_err(git_err("make the board change again on the remote's branch"))?;
        if tree_id == tip.tree_id() {
            // The remote has this change already.
            continue;
        }
        let tree = repo.find_tree(tree_id).map_err(git_err("make the board change again on the remote's branch"))?;
        let message = String::from_utf8_lossy(commit.message_raw_bytes()).into_owned();
        let made = repo
            .commit(None, &commit.author(), &commit.committer(), &message, &tree, &[&tip])
            .map_err(git_err("make the board change again on the remote's branch"))?;
        tip = repo.find_commit(made).map_err(git_err("make the board change again on the remote's branch"))?;
        rebuilt.push(made);
    }
    if rebuilt.is_empty() {
        return Ok(if held.is_empty() { BoardSent::UpToDate { branch: default } } else { holding(0) });
    }
    let to_send = count(rebuilt.len());
    let new_tip = tip.id();

    repo.reference(BOARD_SOURCE_REF, new_tip, true, "patchdesk: board changes to send")
        .map_err(git_err("keep the commit to send"))?;
    match transport::push(&repo, remote_url, creds, BOARD_SOURCE_REF, &default) {
        Ok(()) if held.is_empty() => Ok(BoardSent::Sent { branch: default, commits: to_send }),
        Ok(()) => Ok(holding(to_send)),
        Err(PromoteError::PushRejected { .. }) => {
            Ok(match as_review(&repo, remote_url, forge, &heads, &default, new_tip, Some(remote_tip))? {
                BoardSent::AsReview { number, url, branch, base, commits, .. } => {
                    BoardSent::AsReview { number, url, branch, base, commits, held: count(held.len()), subjects }
                }
                other => other,
            })
        }
        Err(e) => Err(e),
    }
}

/// Settles the files a board change and the remote's tip both changed when both only added to
/// a delivery log (see `crate::merge`); false, leaving the index alone, when any file truly
/// collides. Only board files, as plain files, are ever settled.
pub(crate) fn merge_log_additions(repo: &Repository, index: &mut git2::Index) -> Result<bool, PromoteError> {
    let err = git_err("make the board change again on the remote's branch");
    let mut settled = Vec::new();
    for conflict in index.conflicts().map_err(&err)? {
        let conflict = conflict.map_err(&err)?;
        // In the cherry-pick, "our" side is the remote's tip, "their" side the board change.
        let (Some(base), Some(remote), Some(change)) = (conflict.ancestor, conflict.our, conflict.their) else {
            return Ok(false);
        };
        let plain = [&base, &remote, &change].iter().all(|e| e.mode == u32::from(git2::FileMode::Blob));
        let Ok(path) = String::from_utf8(change.path.clone()) else { return Ok(false) };
        if !plain || !is_board_file(&path) || base.path != change.path || remote.path != change.path {
            return Ok(false);
        }
        let blob = |e: &git2::IndexEntry| repo.find_blob(e.id).map(|b| b.content().to_vec());
        let (b, r, c) = (blob(&base).map_err(&err)?, blob(&remote).map_err(&err)?, blob(&change).map_err(&err)?);
        let Some(merged) = crate::merge::merge_log(&path, &b, &c, &r) else { return Ok(false) };
        settled.push((path, repo.blob(&merged).map_err(&err)?));
    }
    for (path, id) in settled {
        index.conflict_remove(std::path::Path::new(&path)).map_err(&err)?;
        let entry = git2::IndexEntry {
            ctime: git2::IndexTime::new(0, 0),
            mtime: git2::IndexTime::new(0, 0),
            dev: 0,
            ino: 0,
            mode: u32::from(git2::FileMode::Blob),
            uid: 0,
            gid: 0,
            file_size: 0,
            id,
            flags: path.len().min(0xfff) as u16,
            flags_extended: 0,
            path: path.into_bytes(),
        };
        index.add(&entry).map_err(&err)?;
    }
    Ok(!index.has_conflicts())
}

/// True when `commit` has the trailer `Patchdesk-Record: board` in its last paragraph.
fn has_trailer(commit: &git2::Commit<'_>) -> bool {
    let message = String::from_utf8_lossy(commit.message_raw_bytes());
    let Some((key, value)) = RECORD_TRAILER.split_once(": ") else { return false };
    git2::message_trailers_strs(&message).is_ok_and(|t| t.iter().any(|(k, v)| k == key && v.trim() == value))
}

/// True for the files Patchdesk's board commits change: `task.yaml`, the task templates, the
/// delivery logs (`.logs/`), the metrics and the prompt packets.
pub fn is_board_file(path: &str) -> bool {
    let under = |dir: &str| path.strip_prefix(dir).is_some_and(|rest| rest.starts_with('/') && rest.len() > 1);
    path == patchdesk_board::TASK_FILE
        || (under(patchdesk_board::TASK_TEMPLATES_DIR)
            && !path[patchdesk_board::TASK_TEMPLATES_DIR.len() + 1..].contains('/'))
        || under(".logs")
        || under("metrics")
        || path == "logs/metrics.yaml"
        || under("prompts")
}

/// A commit Patchdesk made: one parent, the trailer, and only board files changed, as plain
/// files (no link, no folder of another repository, nothing executable).
fn is_patchdesk_commit(repo: &Repository, commit: &git2::Commit<'_>) -> Result<bool, PromoteError> {
    if commit.parent_count() != 1 || !has_trailer(commit) {
        return Ok(false);
    }
    Ok(changed_paths(repo, commit)?.is_some_and(|paths| !paths.is_empty() && paths.iter().all(|p| is_board_file(p))))
}

/// The files a one-parent commit changes; `None` when it is a merge or changes anything that
/// is not a plain file.
fn changed_paths(repo: &Repository, commit: &git2::Commit<'_>) -> Result<Option<Vec<String>>, PromoteError> {
    if commit.parent_count() != 1 {
        return Ok(None);
    }
    let parent = commit.parent(0).map_err(git_err("read the commits to send"))?;
    let old = parent.tree().map_err(git_err("read the commits to send"))?;
    let new = commit.tree().map_err(git_err("read the commits to send"))?;
    let diff = repo.diff_tree_to_tree(Some(&old), Some(&new), None).map_err(git_err("read the commits to send"))?;
    let mut paths = Vec::new();
    for d in diff.deltas() {
        let plain = |f: git2::DiffFile<'_>| f.mode() == git2::FileMode::Blob;
        let new_ok = d.status() == git2::Delta::Deleted || plain(d.new_file());
        let old_ok = d.status() == git2::Delta::Added || plain(d.old_file());
        let Some(path) = d.new_file().path().or(d.old_file().path()).and_then(|p| p.to_str()) else { return Ok(None) };
        if !new_ok || !old_ok {
            return Ok(None);
        }
        paths.push(path.to_string());
    }
    Ok(Some(paths))
}

/// What makes two commits copies of one board change: message, author (name, e-mail, time)
/// and the files changed.
#[derive(PartialEq, Eq, Hash)]
struct CopyKey {
    message: Vec<u8>,
    author: (Vec<u8>, Vec<u8>, i64, i32),
    paths: Vec<String>,
}

fn copy_key(repo: &Repository, commit: &git2::Commit<'_>) -> Result<Option<CopyKey>, PromoteError> {
    let Some(mut paths) = changed_paths(repo, commit)? else { return Ok(None) };
    paths.sort();
    let a = commit.author();
    Ok(Some(CopyKey {
        message: commit.message_raw_bytes().to_vec(),
        author: (a.name_bytes().to_vec(), a.email_bytes().to_vec(), a.when().seconds(), a.when().offset_minutes()),
        paths,
    }))
}

/// The commits of `local` that `remote` lacks, newest first.
fn new_commits(repo: &Repository, local: Oid, remote: Option<Oid>) -> Result<Vec<Oid>, PromoteError> {
    let mut walk = repo.revwalk().map_err(git_err("list the commits to send"))?;
    walk.set_sorting(git2::Sort::TOPOLOGICAL | git2::Sort::TIME).map_err(git_err("list the commits to send"))?;
    walk.push(local).map_err(git_err("list the commits to send"))?;
    if let Some(r) = remote {
        walk.hide(r).map_err(git_err("list the commits to send"))?;
    }
    walk.take(WALK_LIMIT).collect::<Result<Vec<_>, _>>().map_err(git_err("list the commits to send"))
}

fn subject(repo: &Repository, oid: Oid) -> String {
    repo.find_commit(oid)
        .ok()
        .and_then(|c| c.summary().ok().flatten().map(str::to_string))
        .unwrap_or_else(|| oid.to_string()[..8].to_string())
}

/// The default branch refused the push: the commits go on a board branch with a review
/// request. An open request for earlier board changes (a board branch whose tip the project
/// builds on) is extended and reused rather than a second one opened.
fn as_review(
    repo: &Repository,
    url: &str,
    forge: &dyn Forge,
    heads: &transport::RemoteHeads,
    base: &str,
    local: Oid,
    remote: Option<Oid>,
) -> Result<BoardSent, PromoteError> {
    let creds = forge.git_credentials();
    let list = new_commits(repo, local, remote)?;
    let n = count(list.len());

    // An earlier board branch this one continues, whose review request is still open.
    let mut earlier: Vec<(&str, Oid)> = heads
        .iter()
        .filter(|(name, tip)| {
            name.starts_with(BOARD_BRANCH_PREFIX)
                && (*tip == local || repo.graph_descendant_of(local, *tip).unwrap_or(false))
                && remote.is_none_or(|r| *tip != r && !repo.graph_descendant_of(r, *tip).unwrap_or(false))
        })
        .map(|(name, tip)| (name.as_str(), *tip))
        .collect();
    // The most recent (closest to the project's commit) first.
    earlier.sort_by_key(|(_, tip)| {
        std::cmp::Reverse(repo.graph_ahead_behind(*tip, remote.unwrap_or(*tip)).map(|(a, _)| a).unwrap_or(0))
    });
    for (name, tip) in earlier {
        if let Some(review) = forge.find_open_review(name, base)? {
            if tip != local {
                transport::push(repo, url, creds, BOARD_SOURCE_REF, name)?;
            }
            return Ok(as_review_result(review, name, base, n));
        }
    }

    let branch = format!("{BOARD_BRANCH_PREFIX}{}", &local.to_string()[..8]);
    match heads.iter().find(|(name, _)| *name == branch) {
        Some((_, tip)) if *tip == local => {}
        _ => transport::push(repo, url, creds, BOARD_SOURCE_REF, &branch)?,
    }
    if let Some(review) = forge.find_open_review(&branch, base)? {
        return Ok(as_review_result(review, &branch, base, n));
    }
    let newest = subject(repo, local);
    let mut title = format!("Board changes: {newest}");
    if n > 1 {
        title.push_str(&format!(" and {} more", n - 1));
    }
    if title.chars().count() > TITLE_LIMIT {
        title = title.chars().take(TITLE_LIMIT - 1).collect::<String>() + "…";
    }
    let new = NewReview {
        title,
        body: review_body(repo, &list, base),
        branch: branch.clone(),
        base: base.to_string(),
        draft: false,
    };
    let review = match forge.open_review(&new) {
        Ok(r) => r,
        Err(ForgeError::ReviewExists { .. }) => forge.find_open_review(&branch, base)?.ok_or_else(|| {
            PromoteError::Forge(ForgeError::Invalid {
                detail: format!("a pull request for {branch} is said to exist, but none is open into {base}"),
            })
        })?,
        Err(ForgeError::Offline { host, detail }) => match forge.find_open_review(&branch, base) {
            // The answer may have been lost after the request was opened.
            Ok(Some(r)) => r,
            _ => return Err(PromoteError::Forge(ForgeError::Offline { host, detail })),
        },
        Err(e) => return Err(e.into()),
    };
    Ok(as_review_result(review, &branch, base, n))
}

fn as_review_result(review: ReviewRequest, branch: &str, base: &str, commits: u32) -> BoardSent {
    BoardSent::AsReview {
        number: review.number,
        url: review.url,
        branch: branch.to_string(),
        base: base.to_string(),
        commits,
        held: 0,
        subjects: Vec::new(),
    }
}

fn review_body(repo: &Repository, list: &[Oid], base: &str) -> String {
    let mut body = format!(
        "Changes Patchdesk made on the board (handoffs, task updates). {base} does not take them directly, so they wait here to be merged.\n\n## Commits\n\n"
    );
    for oid in list.iter().take(LISTED_COMMITS) {
        body.push_str(&format!("- {} ({})\n", subject(repo, *oid), &oid.to_string()[..8]));
    }
    if list.len() > LISTED_COMMITS {
        body.push_str(&format!("- … and {} more\n", list.len() - LISTED_COMMITS));
    }
    crate::body::fit_own_text(&body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_outcome_is_described_in_plain_words() {
        let cases = [
            (BoardSent::NotOnDefaultBranch { branch: "feature".into(), default: "main".into() }, "on the branch feature, not main"),
            (BoardSent::NotOnDefaultBranch { branch: String::new(), default: "main".into() }, "No branch is checked out"),
            (BoardSent::UpToDate { branch: "main".into() }, "already has every board change"),
            (BoardSent::Sent { branch: "main".into(), commits: 1 }, "Sent 1 board change to main"),
            (BoardSent::Sent { branch: "main".into(), commits: 3 }, "Sent 3 board changes to main"),
            (
                BoardSent::AsReview { number: 7, url: "u".into(), branch: "patchdesk/board-0123abcd".into(), base: "main".into(), commits: 2, held: 0, subjects: Vec::new() },
                "2 board changes went as pull request #7 from the branch patchdesk/board-0123abcd",
            ),
            (BoardSent::Behind { branch: "main".into(), commits: 1 }, "has 1 newer commit and there is nothing here to send"),
            (BoardSent::Diverged { branch: "main".into(), local: 2, remote: 1 }, "Nothing was sent or overwritten. Bring the project up to date first"),
            (
                BoardSent::Held { branch: "main".into(), sent: 2, held: 5, subjects: vec!["WIP".into(), "More".into(), "Last".into()] },
                "Sent 2 board changes to main on the remote. 5 commits of yours ('WIP', 'More', 'Last' and 2 more) are not sent: Patchdesk only sends the board changes it made.",
            ),
            (BoardSent::DoesNotApply { branch: "main".into(), subject: "Hand off F1".into() }, "'Hand off F1' no longer fits main on the remote"),
        ];
        for (sent, words) in cases {
            assert!(sent.describe().contains(words), "{}", sent.describe());
        }
    }

    #[test]
    fn the_app_gets_a_tagged_object() {
        let v = serde_json::to_value(BoardSent::Diverged { branch: "main".into(), local: 2, remote: 1 }).unwrap();
        assert_eq!(v, serde_json::json!({"kind": "diverged", "branch": "main", "local": 2, "remote": 1}));
    }
}
