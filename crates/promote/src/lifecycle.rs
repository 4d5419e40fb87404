//! Following the pull requests Patchdesk opened, and what their fate does to the board.
//!
//! Every request promote opened ([`crate::sent_reviews`], from its records) is polled with
//! [`Forge::review_status`]: cheaply, with the ETag of the last answer, so an unchanged pull
//! request costs a `304 Not Modified`. Each is one [`KnownReview`]; the last known one of each
//! item is kept in [`LIFECYCLE_FILE`] (local state: listed in `.git/info/exclude`, never
//! committed; files written before `KnownReview` are read as they are).
//!
//! Transitions, each applied once (a rerun changes nothing):
//!
//! - **open** → the card is "in review": the task's `status` becomes `review` (the board's
//!   canonical status for it in the pod formats; `in_review` is only an older spelling) unless
//!   it is already in review or done.
//! - **merged** → the task is done (`status: done`, `done: true`, `updated_at`), tasks whose
//!   dependencies are now all done become ready, an entry goes to `.logs/trace_log.md`, the
//!   merge is counted in `metrics/metrics.yaml` (when the repository keeps one), and the
//!   patch's metadata says `status: merged` with `merged_at`.
//! - **closed without merge** → back to its pod: `status: in_progress`, a note in the task's
//!   review feedback (`.logs/feedback/<task>.md`, named in `feedback_file`) saying the pull
//!   request was closed without merging, and the metadata says `status: closed`.
//!
//! All changed files of one run are committed together, as one commit on the current branch
//! ("Merged #12: F2.1 done; F2.2 now ready"), through the project's board commits
//! (`patchdesk_project::record`, with the `Patchdesk-Record: board` trailer): nothing else
//! the user changed is touched, and the repository is checked before anything is written.

use crate::KnownReview;
use patchdesk_board::{Board, BoardError, Task, TaskField};
use patchdesk_error::{Code, Coded, UserError};
use patchdesk_forge::{Forge, ForgeError, ReviewPoll, ReviewState};
use patchdesk_intake::{Queue, Status};
use patchdesk_logs::{LogsError, MetricsEvent, TraceEntry};
use patchdesk_project::record::{check_can_commit, open_repository, record_checked_paths, restore, RecordError};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use time::OffsetDateTime;

/// Where the last known state of each followed review request is kept (local, not committed).
pub const LIFECYCLE_FILE: &str = ".patchdesk/lifecycle.json";

/// Why following the review requests stopped. Nothing was written when this is returned.
#[derive(Debug, thiserror::Error)]
pub enum LifecycleError {
    /// The forge could not be asked (offline, sign-in refused, rate limit...).
    #[error(transparent)]
    Forge(#[from] ForgeError),
    /// The repository cannot take the commit now (detached HEAD, a merge under way...).
    #[error(transparent)]
    Record(#[from] RecordError),
    /// The local lifecycle file could not be written.
    #[error("Could not write {path}: {detail}")]
    Io {
        /// The file.
        path: String,
        /// Why.
        detail: String,
    },
}

impl Coded for LifecycleError {
    fn code(&self) -> Code {
        match self {
            LifecycleError::Forge(e) => e.code(),
            LifecycleError::Record(e) => e.code(),
            LifecycleError::Io { .. } => Code::Io,
        }
    }
}

impl From<LifecycleError> for UserError {
    fn from(e: LifecycleError) -> Self {
        UserError::from(&e)
    }
}

/// What a run did to one review request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum ReviewChange {
    /// Nothing new.
    Unchanged,
    /// Opened (first seen open): the card is in review.
    InReview,
    /// Open again after being closed.
    Reopened,
    /// Merged: the task is done.
    Merged,
    /// Closed without merging: the task is back with its pod.
    Closed,
    /// An "Undo merge" request was merged: the task is back in progress (see [`crate::undo`]).
    Undone,
}

/// One followed review request in a [`FollowReport`]: the request as it is now, and what this
/// run did about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct FollowedReview {
    /// The request, with its state now.
    #[serde(flatten)]
    pub review: KnownReview,
    /// What this run did.
    pub change: ReviewChange,
    /// True when the forge answered "not modified" (no new data was sent).
    pub not_modified: bool,
    /// Plain words: "F2.1 done; F2.2 now ready". Empty when nothing changed.
    pub summary: String,
    /// Tasks that became ready because of this merge.
    pub unlocked: Vec<String>,
    /// Files this run changed for it (relative paths).
    pub changed_files: Vec<String>,
    /// Things that did not stop the run (a task missing from the board, a file with a problem).
    /// When there are any, the transition is tried again on the next run.
    pub warnings: Vec<String>,
    /// What reviewers said and the checks, for an open request (filled by the desk's follow;
    /// `None` when not asked or the forge could not tell).
    #[specta(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub feedback: Option<patchdesk_forge::FeedbackSummary>,
}

/// What [`follow_reviews`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, specta::Type)]
pub struct FollowReport {
    /// Every followed review request, in item order.
    pub reviews: Vec<FollowedReview>,
    /// The one commit that records this run's changes, if any.
    pub commit: Option<String>,
    /// Problems that concern no single item (a damaged lifecycle file was started afresh).
    pub warnings: Vec<String>,
}

/// The local lifecycle file: the last known state of each followed request, by item.
#[derive(Debug, Default, Serialize)]
struct Local {
    reviews: BTreeMap<String, KnownReview>,
}

/// The lifecycle file as earlier versions wrote it too: their entries have no `item` (the key
/// says it) and none of the fields added since.
#[derive(Deserialize)]
struct LocalOnDisk {
    #[serde(default)]
    reviews: BTreeMap<String, serde_json::Value>,
}

/// Reads the lifecycle file's text (see [`LocalOnDisk`]).
fn parse_local(bytes: &[u8]) -> Result<Local, serde_json::Error> {
    let on_disk: LocalOnDisk = serde_json::from_slice(bytes)?;
    let mut reviews = BTreeMap::new();
    for (item, mut value) in on_disk.reviews {
        if let Some(map) = value.as_object_mut() {
            map.entry("item").or_insert_with(|| serde_json::Value::String(item.clone()));
        }
        let mut review: KnownReview = serde_json::from_value(value)?;
        review.item = item.clone();
        reviews.insert(item, review);
    }
    Ok(Local { reviews })
}

fn load_local(workdir: &Path) -> (Local, Option<String>) {
    match std::fs::read(workdir.join(LIFECYCLE_FILE)) {
        Ok(bytes) => match parse_local(&bytes) {
            Ok(l) => (l, None),
            Err(e) => (
                Local::default(),
                Some(format!("{LIFECYCLE_FILE} could not be read ({e}); every review request was checked afresh")),
            ),
        },
        Err(_) => (Local::default(), None),
    }
}

fn save_local(workdir: &Path, local: &Local) -> Result<(), LifecycleError> {
    let mut bytes = serde_json::to_vec_pretty(local)
        .map_err(|e| LifecycleError::Io { path: LIFECYCLE_FILE.to_string(), detail: e.to_string() })?;
    bytes.push(b'\n');
    patchdesk_disk::replace_file(workdir, LIFECYCLE_FILE, &bytes)
        .map_err(|e| LifecycleError::Io { path: LIFECYCLE_FILE.to_string(), detail: e.to_string() })
}

/// Lists the lifecycle file in `.git/info/exclude`, so `git status` never shows it.
fn exclude_local_file(repo: &git2::Repository) {
    let path = repo.path().join("info").join("exclude");
    let line = format!("/{LIFECYCLE_FILE}");
    let old = std::fs::read_to_string(&path).unwrap_or_default();
    if old.lines().any(|l| l.trim() == line) {
        return;
    }
    let mut text = old;
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str(&format!("# Patchdesk's local record of pull request states\n{line}\n"));
    if let Some(dir) = path.parent() {
        if let Err(e) = std::fs::create_dir_all(dir) {
            tracing::warn!(folder = %dir.display(), error = %e, "the folder for pull request states could not be made");
        }
    }
    if let Err(e) = patchdesk_disk::replace_at(&path, text.as_bytes()) {
        tracing::warn!(file = %path.display(), error = %e, "git's exclude list could not be saved; the pull request states file may show in git status");
    }
}

fn rfc3339(t: OffsetDateTime) -> String {
    patchdesk_clock::rfc3339_seconds(t)
}

/// The task of an inbox item: its metadata's task id, else the feature, else the file stem;
/// matched to the board's spelling when the board has it in another case.
fn task_of(queue: Option<&Queue>, board: &Board, item: &str) -> Option<String> {
    let inbox = queue.and_then(|q| q.get(item).ok());
    let raw = inbox
        .as_ref()
        .and_then(|i| i.task_id.clone().or_else(|| i.feature.clone()))
        .unwrap_or_else(|| patchdesk_intake::split_extension(item).0.to_string());
    if board.task(&raw).is_some() {
        return Some(raw);
    }
    board.tasks.iter().find(|t| t.id.eq_ignore_ascii_case(&raw)).map(|t| t.id.clone()).or(Some(raw))
}

/// One transition to carry out: the request, what changed, when, and the change's title.
struct Pending {
    review: KnownReview,
    change: ReviewChange,
    at: Option<String>,
    title: String,
    /// Why the lead withdrew it, when the lead did (in the note and the commit).
    reason: Option<String>,
}

/// Polls every review request Patchdesk opened on `forge` and carries out what changed (see
/// the module documentation): one commit for the whole run, nothing when nothing changed.
///
/// Requests recorded for another remote than `forge`'s are left alone. When the forge cannot
/// be asked (offline, sign-in refused, rate limit) or the repository cannot take a commit,
/// nothing is written and the error says why. A problem with one item (its task is not on the
/// board, its task file cannot be read) is a warning on that item, and its transition is tried
/// again next time.
pub fn follow_reviews(workdir: &Path, forge: &dyn Forge, now: OffsetDateTime) -> Result<FollowReport, LifecycleError> {
    follow_reviews_with(workdir, forge, now, &BTreeMap::new())
}

/// [`follow_reviews`], with the lead's reason for requests the lead withdrew (by inbox item):
/// a request closed without merging says that reason in the pod's feedback note and in the
/// commit.
pub fn follow_reviews_with(
    workdir: &Path,
    forge: &dyn Forge,
    now: OffsetDateTime,
    reasons: &BTreeMap<String, String>,
) -> Result<FollowReport, LifecycleError> {
    let repo = open_repository(workdir)?;
    let (mut local, damaged) = load_local(workdir);
    let mut warnings: Vec<String> = damaged.into_iter().collect();
    let queue = Queue::open(workdir).ok();
    let board = Board::load(workdir);
    let stamp = rfc3339(now);

    // 1. Ask the forge (no writes yet).
    let mut polled: Vec<(KnownReview, bool)> = Vec::new();
    for sent in
        crate::sent_reviews(workdir).into_iter().filter(|r| forge.serves(r.remote.as_deref().unwrap_or_default()))
    {
        let number = sent.number;
        let previous = local.reviews.get(&sent.item).filter(|k| k.number == number).cloned();
        let etag = previous.as_ref().and_then(|k| k.etag.clone());
        let answer = match forge.review_status(number, etag.as_deref()) {
            Ok(a) => a,
            Err(ForgeError::ReviewNotFound { .. }) => {
                warnings.push(format!("Pull request #{number} (for {}) was not found on {}; it is no longer followed until it is there again.", sent.item, forge.describe()));
                continue;
            }
            Err(e) => return Err(e.into()),
        };
        let task_id = task_of(queue.as_ref(), &board, &sent.item);
        let pod =
            task_id.as_deref().and_then(|t| board.task(t)).and_then(|t| t.pod.clone()).or_else(|| sent.pod.clone());
        let (known, not_modified) = match (answer, previous) {
            (ReviewPoll::NotModified, Some(k)) => {
                // Where it lives is the promote record's to say (a refresh moves its head).
                let k = KnownReview {
                    checked_at: Some(stamp.clone()),
                    remote: sent.remote,
                    branch: sent.branch,
                    base: sent.base,
                    head: sent.head,
                    ..k
                };
                (k, true)
            }
            (ReviewPoll::NotModified, None) => continue,
            (ReviewPoll::Changed { review, etag, merged_at, closed_at }, previous) => (
                KnownReview {
                    url: if review.url.is_empty() { sent.url.clone() } else { review.url.clone() },
                    task_id: task_id.clone(),
                    pod: pod.clone(),
                    etag,
                    state: review.state,
                    applied: previous.and_then(|p| p.applied),
                    merged_at,
                    closed_at,
                    checked_at: Some(stamp.clone()),
                    ..sent
                },
                false,
            ),
        };
        polled.push((known, not_modified));
    }

    // 2. What to do.
    let mut pending: Vec<Pending> = Vec::new();
    for (k, _) in &polled {
        let change = match (k.state, k.applied) {
            (_, Some(applied)) if applied == k.state => ReviewChange::Unchanged,
            (_, Some(ReviewState::Merged)) => ReviewChange::Unchanged,
            (ReviewState::Open, Some(ReviewState::Closed)) => ReviewChange::Reopened,
            (ReviewState::Open, _) => ReviewChange::InReview,
            (ReviewState::Merged, _) => ReviewChange::Merged,
            (ReviewState::Closed, _) => ReviewChange::Closed,
        };
        if change == ReviewChange::Unchanged {
            continue;
        }
        let title =
            queue.as_ref().and_then(|q| q.get(&k.item).ok()).and_then(|i| i.summary).unwrap_or_else(|| k.item.clone());
        let at = if change == ReviewChange::Merged {
            k.merged_at.clone().or(k.closed_at.clone())
        } else {
            k.closed_at.clone()
        };
        let reason = reasons.get(&k.item).map(|r| r.trim().to_string()).filter(|r| !r.is_empty());
        pending.push(Pending { review: k.clone(), change, at, title, reason });
    }

    // 3. Check the repository can take the commit before writing anything.
    let head_tree = repo.head().ok().and_then(|h| h.peel_to_tree().ok());
    let mut candidates: BTreeSet<String> = BTreeSet::new();
    for p in &pending {
        for path in candidate_paths(workdir, &board, queue.as_ref(), head_tree.as_ref(), p) {
            candidates.insert(path);
        }
    }
    let refs: Vec<&str> = candidates.iter().map(String::as_str).collect();
    let checked = if refs.is_empty() {
        Default::default()
    } else {
        check_can_commit(&repo, &refs, "record what happened to the pull requests")?
    };

    // 4. Carry out each transition.
    let mut results: BTreeMap<String, Done> = BTreeMap::new();
    let mut changed_all: BTreeSet<String> = BTreeSet::new();
    for p in &pending {
        let mut done = Done::default();
        match p.change {
            ReviewChange::InReview | ReviewChange::Reopened => in_review(workdir, p, now, &mut done),
            ReviewChange::Merged | ReviewChange::Closed => {
                settled(workdir, queue.as_ref(), head_tree.as_ref(), p, now, &mut done)
            }
            ReviewChange::Unchanged | ReviewChange::Undone => {}
        }
        changed_all.extend(done.committed.iter().cloned());
        results.insert(p.review.item.clone(), done);
    }

    // 5. One commit for the run.
    let mut commit = None;
    if !changed_all.is_empty() {
        let lines: Vec<String> = pending
            .iter()
            .filter_map(|p| results.get(&p.review.item).map(|r| r.summary.clone()))
            .filter(|s| !s.is_empty())
            .collect();
        let message = match lines.as_slice() {
            [one] => format!("{one}\n"),
            many => format!(
                "Pull request updates: {}\n\n{}\n",
                many.len(),
                many.iter().map(|l| format!("- {l}")).collect::<Vec<_>>().join("\n")
            ),
        };
        let paths: Vec<&str> = changed_all.iter().map(String::as_str).collect();
        let recorded = match record_checked_paths(&repo, &paths, &message, &checked) {
            Ok(r) => r,
            Err(e) => {
                if let Err(back) = restore(&repo, &checked) {
                    tracing::warn!(code = %back.code(), "the files of a pull request update that failed could not be put back");
                }
                return Err(e.into());
            }
        };
        if recorded.created {
            commit = Some(recorded.commit.to_string());
        }
    }

    // 6. Remember.
    let mut reviews = Vec::new();
    for (mut k, not_modified) in polled {
        let Done { summary, unlocked, changed: changed_files, warnings: item_warnings, .. } =
            results.remove(&k.item).unwrap_or_default();
        let change =
            pending.iter().find(|p| p.review.item == k.item).map(|p| p.change).unwrap_or(ReviewChange::Unchanged);
        // A transition with a problem is tried again next time (each part is idempotent).
        if item_warnings.is_empty() {
            k.applied = Some(k.state);
        }
        reviews.push(FollowedReview {
            review: k.clone(),
            change,
            not_modified,
            summary,
            unlocked,
            changed_files,
            warnings: item_warnings,
            feedback: None,
        });
        local.reviews.insert(k.item.clone(), k);
    }
    exclude_local_file(&repo);
    save_local(workdir, &local)?;
    // "Undo merge" requests: merged → the task back in progress (their own commit).
    let undone = crate::undo::follow_undos(workdir, forge, now)?;
    reviews.extend(undone.reviews);
    Ok(FollowReport { reviews, commit: undone.commit.or(commit), warnings })
}

/// What one transition did.
#[derive(Default)]
struct Done {
    summary: String,
    unlocked: Vec<String>,
    /// Every file written.
    changed: Vec<String>,
    /// Files to commit (written files that belong to the repository).
    committed: Vec<String>,
    warnings: Vec<String>,
}

impl Done {
    fn wrote(&mut self, path: String, commit: bool) {
        if !self.changed.contains(&path) {
            self.changed.push(path.clone());
        }
        if commit && !self.committed.contains(&path) {
            self.committed.push(path);
        }
    }
}

/// Files a transition may change, for the check before writing.
fn candidate_paths(
    workdir: &Path,
    board: &Board,
    queue: Option<&Queue>,
    head: Option<&git2::Tree<'_>>,
    p: &Pending,
) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(task) = p.review.task_id.as_deref().and_then(|t| board.task(t)) {
        out.push(task.source.file.clone());
        if p.change == ReviewChange::Merged {
            for t in board.tasks.iter().filter(|t| t.depends_on.contains(&task.id)) {
                out.push(t.source.file.clone());
            }
        }
    }
    match p.change {
        ReviewChange::Merged => {
            out.push(patchdesk_logs::TRACE_LOG.to_string());
            out.push(patchdesk_logs::metrics_path(workdir).to_string());
        }
        ReviewChange::Closed => {
            if let Some(f) = p.review.task_id.as_deref().and_then(|t| patchdesk_logs::feedback_path(t).ok()) {
                out.push(f);
            }
        }
        _ => {}
    }
    if matches!(p.change, ReviewChange::Merged | ReviewChange::Closed) {
        if let Some(meta) = metadata_path(queue, &p.review.item).filter(|m| tracked(head, m)) {
            out.push(meta);
        }
    }
    out.sort();
    out.dedup();
    out
}

fn metadata_path(queue: Option<&Queue>, item: &str) -> Option<String> {
    queue.and_then(|q| q.get(item).ok()).map(|i| i.metadata_path)
}

fn tracked(head: Option<&git2::Tree<'_>>, path: &str) -> bool {
    head.is_some_and(|t| t.get_path(Path::new(path)).is_ok())
}

fn board_warning(e: &BoardError, task: &str) -> String {
    format!("Task {task} was not updated: {e}. Fix that and sync again.")
}

fn in_review(workdir: &Path, p: &Pending, now: OffsetDateTime, done: &mut Done) {
    let Some(task_id) = p.review.task_id.as_deref() else { return };
    let board = Board::load(workdir);
    let Some(task) = board.task(task_id) else {
        done.summary = format!("#{} in review", p.review.number);
        return;
    };
    let word = if p.change == ReviewChange::Reopened { "reopened" } else { "opened" };
    done.summary = format!("#{} {word}: {task_id} in review", p.review.number);
    if task.is_done() || task.status == patchdesk_board::Status::Review {
        return;
    }
    match patchdesk_board::set_task_fields(workdir, task_id, &[("status", TaskField::Text("review".into()))], now) {
        Ok(files) => files.into_iter().for_each(|f| done.wrote(f, true)),
        Err(e) => done.warnings.push(board_warning(&e, task_id)),
    }
}

/// A pull request merged or closed: the board, the delivery logs, then the patch's metadata.
fn settled(
    workdir: &Path,
    queue: Option<&Queue>,
    head: Option<&git2::Tree<'_>>,
    p: &Pending,
    now: OffsetDateTime,
    done: &mut Done,
) {
    let at = p.at.clone().unwrap_or_else(|| rfc3339(now));
    let board = Board::load(workdir);
    let task = p.review.task_id.as_deref().and_then(|t| board.task(t));
    if p.change == ReviewChange::Merged {
        merged(workdir, task, p, &at, now, done);
        mark_metadata(workdir, queue, head, p, "merged", "merged_at", &at, Status::Merged, done);
    } else {
        closed(workdir, task, p, now, done);
        // Withdrawn by the lead (with a reason): the item is back in the inbox, not turned down.
        let inbox = if p.reason.is_some() { Status::Queued } else { Status::Rejected };
        mark_metadata(workdir, queue, head, p, "closed", "closed_at", &at, inbox, done);
    }
}

fn merged(workdir: &Path, task: Option<&Task>, p: &Pending, at: &str, now: OffsetDateTime, done: &mut Done) {
    // The task, and those waiting for it.
    match (p.review.task_id.as_deref(), task) {
        (Some(id), Some(task)) => {
            let outcome = if task.is_done() {
                patchdesk_board::unlock_after_done(workdir, id, now).map(|o| (o.unlocked, o.changed_files))
            } else {
                patchdesk_board::complete_task(workdir, id, now).map(|o| (o.unlocked, o.changed_files))
            };
            match outcome {
                Ok((unlocked, files)) => {
                    files.into_iter().for_each(|f| done.wrote(f, true));
                    done.unlocked = unlocked;
                }
                Err(e) => done.warnings.push(board_warning(&e, id)),
            }
        }
        (Some(id), None) => done.warnings.push(format!(
            "Task {id} is not on the board, so no task was marked done for pull request #{}.",
            p.review.number
        )),
        (None, _) => {}
    }
    let task_word = p.review.task_id.clone().unwrap_or_else(|| p.review.item.clone());
    done.summary = if done.unlocked.is_empty() {
        format!("Merged #{}: {task_word} done", p.review.number)
    } else {
        format!("Merged #{}: {task_word} done; {} now ready", p.review.number, done.unlocked.join(", "))
    };

    // The trace log: one entry per merge.
    let already = patchdesk_logs::read_trace_log(workdir)
        .map(|entries| {
            entries.iter().any(|e| e.pr.as_deref() == Some(p.review.url.as_str()) && e.summary.starts_with("Merged #"))
        })
        .unwrap_or(false);
    if !already {
        let entry = TraceEntry {
            at: Some(at.to_string()),
            task_id: p.review.task_id.clone(),
            summary: format!("Merged #{} — {}", p.review.number, p.title),
            pod: p.review.pod.clone(),
            patch: None,
            branch: p.review.branch.clone(),
            pr: Some(p.review.url.clone()),
            repairs: None,
            files: Vec::new(),
        };
        match patchdesk_logs::record_trace_entry(workdir, &entry, now) {
            Ok(Some(f)) => done.wrote(f, true),
            Ok(None) => {}
            Err(e) => done.warnings.push(logs_warning(&e)),
        }
    }

    // The metrics file, when the repository keeps one.
    if workdir.join(patchdesk_logs::metrics_path(workdir)).is_file() {
        if let Some(pod) = p.review.pod.clone() {
            match patchdesk_logs::record_metrics(
                workdir,
                &MetricsEvent::Merged { pod, feature: p.review.task_id.clone() },
                now,
            ) {
                Ok(Some(f)) => done.wrote(f, true),
                Ok(None) => {}
                Err(e) => done.warnings.push(logs_warning(&e)),
            }
        }
    }
}

fn closed(workdir: &Path, task: Option<&Task>, p: &Pending, now: OffsetDateTime, done: &mut Done) {
    let pod = task.and_then(|t| t.pod.clone()).or_else(|| p.review.pod.clone()).unwrap_or_else(|| "its pod".into());
    let task_word = p.review.task_id.clone().unwrap_or_else(|| p.review.item.clone());
    done.summary = match &p.reason {
        Some(why) => format!("Withdrew #{}: {task_word} back to {pod} ({})", p.review.number, one_line(why)),
        None => format!("Closed #{} without merging: {task_word} back to {pod}", p.review.number),
    };
    let Some(id) = p.review.task_id.as_deref() else {
        return;
    };

    // The note for the pod, once.
    let marker = format!("Pull request #{} was closed without merging", p.review.number);
    let noted = patchdesk_logs::read_feedback(workdir, id)
        .map(|notes| notes.iter().any(|n| n.note.contains(&marker)))
        .unwrap_or(false);
    let feedback = patchdesk_logs::feedback_path(id).ok();
    if !noted {
        let mut note = format!("{marker} ({}). The task is back with {pod}: look at the review comments there, then hand over a new patch.", p.review.url);
        if let Some(why) = &p.reason {
            note.push_str(&format!("\n\nWhy the lead withdrew it: {why}"));
        }
        let rejection =
            patchdesk_logs::Rejection { task_id: id.to_string(), patch: p.review.item.clone(), note, reviewer: None };
        match patchdesk_logs::plan_rejection(workdir, &rejection, now).and_then(|c| c.write(workdir).map(|_| c.path)) {
            Ok(f) => done.wrote(f, true),
            Err(e) => done.warnings.push(logs_warning(&e)),
        }
    }

    // The task, back to its pod.
    match task {
        Some(t) if t.is_done() => done.warnings.push(format!(
            "Task {id} is marked done, so it was left as it is although pull request #{} was closed without merging.",
            p.review.number
        )),
        Some(_) => {
            let mut fields = vec![("status", TaskField::Text("in_progress".into()))];
            if let Some(f) = feedback {
                fields.push(("feedback_file", TaskField::Text(f)));
            }
            match patchdesk_board::set_task_fields(workdir, id, &fields, now) {
                Ok(files) => files.into_iter().for_each(|f| done.wrote(f, true)),
                Err(e) => done.warnings.push(board_warning(&e, id)),
            }
        }
        None => done.warnings.push(format!("Task {id} is not on the board, so it could not be sent back to its pod.")),
    }
}

fn one_line(text: &str) -> String {
    let line = text.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or_default();
    line.chars().take(120).collect()
}

fn logs_warning(e: &LogsError) -> String {
    format!("A delivery log was not updated: {e}")
}

/// The patch's metadata (`.logs/patches/<stem>.json`): `status` and the time field at the top
/// (the committed form promote writes), every other field kept in its order. While the file is
/// the inbox's own (not in the repository), the inbox status changes too, so the inbox and the
/// metrics see the merge or the rejection; a file the repository tracks is committed instead.
#[allow(clippy::too_many_arguments)]
fn mark_metadata(
    workdir: &Path,
    queue: Option<&Queue>,
    head: Option<&git2::Tree<'_>>,
    p: &Pending,
    status: &str,
    time_field: &str,
    at: &str,
    inbox: Status,
    done: &mut Done,
) {
    let Some(q) = queue else { return };
    let Ok(item) = q.get(&p.review.item) else {
        done.warnings.push(format!("{} is no longer in the inbox, so its metadata was not updated.", p.review.item));
        return;
    };
    let rel = item.metadata_path.clone();
    let is_tracked = tracked(head, &rel);
    if !is_tracked && item.status != inbox {
        if let Err(e) = q.set_status(&p.review.item, inbox) {
            done.warnings.push(format!(
                "The inbox status of {} was not updated: {}",
                p.review.item,
                UserError::from(&e).message
            ));
            return;
        }
    }
    let bytes = match patchdesk_board::read_file(workdir, &rel) {
        Ok(b) => b,
        Err(e) => {
            done.warnings.push(e.to_string());
            return;
        }
    };
    let mut value: serde_json::Value = match bytes.as_deref().map(serde_json::from_slice) {
        Some(Ok(v)) => v,
        None => serde_json::Value::Object(Default::default()),
        Some(Err(_)) => {
            done.warnings.push(format!("{rel} is not valid JSON, so Patchdesk left it as it is."));
            return;
        }
    };
    let Some(map) = value.as_object_mut() else {
        done.warnings.push(format!("{rel} does not hold patch details, so Patchdesk left it as it is."));
        return;
    };
    let same = map.get("status").and_then(|v| v.as_str()) == Some(status) && map.get(time_field).is_some();
    if same {
        return;
    }
    map.insert("status".into(), serde_json::Value::String(status.into()));
    map.insert(time_field.into(), serde_json::Value::String(at.into()));
    map.entry("pull_request_number").or_insert(serde_json::json!(p.review.number));
    let mut bytes = serde_json::to_vec_pretty(&value).unwrap_or_default();
    bytes.push(b'\n');
    match patchdesk_disk::replace_file(workdir, &rel, &bytes) {
        Ok(()) => done.wrote(rel, is_tracked),
        Err(e) => done.warnings.push(e.to_string()),
    }
}

/// Each followed review request's last known state, number and link, without the network:
/// what the board shows on each card. Items sent for review but never checked yet are listed
/// as open.
pub fn review_states(workdir: &Path) -> Vec<KnownReview> {
    let (local, _) = load_local(workdir);
    let mut out: Vec<KnownReview> = local.reviews.into_values().collect();
    let known: BTreeSet<String> = out.iter().map(|k| k.item.clone()).collect();
    let fresh: Vec<KnownReview> =
        crate::sent_reviews(workdir).into_iter().filter(|p| !known.contains(&p.item)).collect();
    if !fresh.is_empty() {
        let queue = Queue::open(workdir).ok();
        let board = Board::load(workdir);
        for mut p in fresh {
            p.task_id = task_of(queue.as_ref(), &board, &p.item);
            p.pod = p.task_id.as_deref().and_then(|t| board.task(t)).and_then(|t| t.pod.clone()).or(p.pod);
            out.push(p);
        }
    }
    let records = crate::record::all_records(workdir);
    for k in &mut out {
        let later = records.iter().filter(|r| r.revision_of == Some(k.number) && r.pushed).count();
        k.revisions = Some(1 + later as u32);
        crate::record::newest_head(&records, k);
    }
    out.sort_by(|a, b| a.item.cmp(&b.item));
    out
}
