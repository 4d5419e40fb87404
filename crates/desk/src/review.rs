//! Closing the review loop: what reviewers said about a task's request (and its checks), sending
//! their words back to the pod as a revision prompt, and merging from the desk.
//!
//! A task's request is the newest review request Patchdesk opened for it (see
//! [`task_request`]); every workflow here asks the forge behind the remote it was opened on.
//! Each is safe to rerun and never touches the lead's working tree beyond the files it records
//! (one commit, as the board's commits are made).

use crate::board::{send_board, BoardSending};
use crate::{Desk, FollowReport, KnownReview, Remote, ReviewState};
use patchdesk_board::Board;
use patchdesk_error::{Code, UserError};
use patchdesk_forge::{Feedback, FeedbackCache, FeedbackSummary, ForgeKind, MergeMethod, ReviewPoll, Standing};
use patchdesk_logs::{Rejection, TraceEntry};
use patchdesk_project::record::{check_can_commit, open_repository, record_checked_paths, restore};
use patchdesk_promote::catch_up::CaughtUp;
use serde::Serialize;
use std::path::Path;
use time::OffsetDateTime;

/// A task's review request as the card shows it: where it stands, what reviewers said, the
/// checks, and how it may be merged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct TaskReview {
    /// The task.
    pub task: String,
    /// The inbox item that was sent.
    pub item: String,
    /// The request's number (`#3`).
    pub number: u64,
    /// Its link (a web page, or a place on disk for the practice remote).
    pub url: String,
    /// Open, merged or closed, as the forge says now.
    pub state: ReviewState,
    /// The branch with the change.
    pub branch: Option<String>,
    /// GitHub or the practice remote (whose reviewer the lead plays).
    pub forge: ForgeKind,
    /// Every review and comment, and the checks.
    pub feedback: Feedback,
    /// The same in a few words: waiting / approved / changes asked (who, how many comments),
    /// checks passing / failing / running / none.
    pub summary: FeedbackSummary,
    /// The ways the repository allows merging (empty unless open).
    pub merge_methods: Vec<MergeMethod>,
}

/// The newest review request Patchdesk opened for `task` (its id, any case), if any.
pub fn task_request(workdir: &Path, task: &str) -> Option<KnownReview> {
    let queue = patchdesk_intake::Queue::open(workdir).ok();
    let task_of = |k: &KnownReview| -> Option<String> {
        k.task_id.clone().or_else(|| {
            let item = queue.as_ref().and_then(|q| q.get(&k.item).ok())?;
            item.task_id.or(item.feature)
        })
    };
    crate::board::known_reviews(workdir)
        .into_iter()
        .filter(|k| task_of(k).is_some_and(|t| t.trim().eq_ignore_ascii_case(task.trim())))
        .max_by_key(|k| k.number)
}

/// The request `task`'s card acts on: while the "Undo merge" of its merged request is open,
/// that undo's request (reviewed, approved and merged like any other); else [`task_request`].
pub fn card_request(workdir: &Path, task: &str) -> Option<KnownReview> {
    let known = task_request(workdir, task)?;
    let undo = patchdesk_promote::undo::load_undo(workdir, known.number)
        .filter(|u| u.state == ReviewState::Open && !u.applied)
        .and_then(|u| u.request());
    Some(undo.unwrap_or(known))
}

fn no_request(task: &str) -> UserError {
    UserError::new(
        Code::ItemNotFound,
        format!("Task {task} has no review request from Patchdesk yet. Send its patch for review first."),
    )
}

/// The remote the request was opened on (else the project's `origin`).
pub(crate) fn remote_of(workdir: &Path, known: &KnownReview) -> Result<Remote, UserError> {
    match known.remote.as_deref().filter(|r| !r.trim().is_empty()) {
        Some(url) => Ok(Remote { url: url.to_string(), github_repo: None }),
        None => Remote::required(workdir, None, None),
    }
}

fn forge_err(e: patchdesk_forge::ForgeError) -> UserError {
    UserError::from(&e)
}

/// Where the forge's last answers to feedback reads are kept, under git's own folder: local
/// state, never committed (see [`FeedbackCache`]).
pub const FEEDBACK_CACHE: &str = "patchdesk/feedback-cache.json";

/// The kept answers of `workdir`'s feedback reads, and git's folder they live in; an empty
/// cache when there are none or the file is damaged (everything is then read afresh).
pub(crate) fn load_feedback_cache(workdir: &Path) -> (Option<std::path::PathBuf>, FeedbackCache) {
    let dir = git2::Repository::open(workdir).ok().map(|r| r.path().to_path_buf());
    let cache = dir.as_deref().map(|d| FeedbackCache::load(d, FEEDBACK_CACHE)).unwrap_or_default();
    (dir, cache)
}

/// Saves the kept answers after a GitHub round. A cache that cannot be written only costs
/// full reads next time, so that is not a failure.
pub(crate) fn save_feedback_cache(dir: Option<&Path>, kind: ForgeKind, cache: &FeedbackCache) {
    if let (Some(dir), ForgeKind::GitHub) = (dir, kind) {
        let _ = cache.save(dir, FEEDBACK_CACHE);
    }
}

/// What reviewers said about `task`'s request, its checks, and how it may be merged. Blocks on
/// the network.
pub fn review_of_task(desk: &Desk, workdir: &Path, task: &str) -> Result<TaskReview, UserError> {
    let known = card_request(workdir, task).ok_or_else(|| no_request(task))?;
    let remote = remote_of(workdir, &known)?;
    let chosen = desk.forge(&remote)?;
    let forge = chosen.forge.as_ref();
    let state = match forge.review_status(known.number, None).map_err(forge_err)? {
        ReviewPoll::Changed { review, .. } => review.state,
        ReviewPoll::NotModified => known.state,
    };
    let (dir, mut cache) = load_feedback_cache(workdir);
    let feedback = forge.feedback(known.number, &mut cache).map_err(forge_err)?;
    save_feedback_cache(dir.as_deref(), forge.kind(), &cache);
    let merge_methods = if state == ReviewState::Open { forge.merge_methods().map_err(forge_err)? } else { Vec::new() };
    Ok(TaskReview {
        task: known.task_id.clone().unwrap_or_else(|| task.trim().to_string()),
        item: known.item.clone(),
        number: known.number,
        url: known.url.clone(),
        state,
        branch: known.branch.clone(),
        forge: forge.kind(),
        summary: feedback.summary(),
        feedback,
        merge_methods,
    })
}

/// What "Send back to the pod" did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct SentBack {
    /// The task.
    pub task: String,
    /// The pod it goes back to.
    pub pod: String,
    /// Which revision the prompt asks for (the first patch is revision 1).
    pub revision: u32,
    /// The prompt, for the clipboard.
    pub prompt: String,
    /// `prompts/used/<Pod>/<task>_revision_<n>.txt`.
    pub prompt_path: String,
    /// `.logs/feedback/<task>.md`.
    pub feedback_file: String,
    /// The commit recording it (`None` on a rerun that found it already recorded).
    pub commit: Option<String>,
    /// False when the same comments had already been sent back (a rerun): nothing was written.
    pub new: bool,
    /// Things that did not stop it (a template that could not be read).
    pub warnings: Vec<String>,
}

/// The reviewers' words for the pod: every comment quoted, with its file and line.
fn quoted_comments(review: &TaskReview) -> String {
    let mut out = format!("Reviewers' comments on review request #{}:\n", review.number);
    for c in &review.feedback.comments {
        let place = match (&c.path, c.line) {
            (Some(p), Some(l)) => format!("{p}, line {l}"),
            (Some(p), None) => p.clone(),
            _ => "the whole change".to_string(),
        };
        out.push_str(&format!("\n{} on {place}:\n", c.author));
        for line in c.body.lines() {
            out.push_str(&format!("> {line}\n").replace("> \n", ">\n"));
        }
    }
    out
}

/// "Send back to the pod": the revision prompt for `task` — the pod's template with the task,
/// the original summary and every reviewer comment quoted with its file and line — written to
/// `prompts/used/<Pod>/<task>_revision_<n>.txt`, appended (dated) to `.logs/feedback/<task>.md`,
/// an entry in the trace log, and one commit of those files. Refused when nobody commented yet.
/// A rerun with no new comments writes nothing and returns the same prompt.
pub fn send_back_to_pod(desk: &Desk, workdir: &Path, task: &str, now: OffsetDateTime) -> Result<SentBack, UserError> {
    let review = review_of_task(desk, workdir, task)?;
    if review.feedback.comments.is_empty() {
        return Err(UserError::new(
            Code::InputInvalid,
            format!(
                "Nobody has commented on review request #{} yet, so there is nothing to send back to the pod. Wait for the reviewers' comments.",
                review.number
            ),
        ));
    }
    let board = Board::load(workdir);
    let task_row = board
        .task(&review.task)
        .ok_or_else(|| UserError::from(&patchdesk_board::BoardError::TaskNotFound(review.task.clone())))?;
    let pod_key = task_row.pod.clone().unwrap_or_else(|| "Human".into());
    let pod = board.pod(&pod_key).cloned().unwrap_or_else(|| patchdesk_board::Pod::from_key(&pod_key));
    let queue = patchdesk_intake::Queue::open(workdir).ok();
    let item = queue.as_ref().and_then(|q| q.get(&review.item).ok());
    let summary = item.as_ref().and_then(|i| i.summary.clone()).unwrap_or_else(|| review.item.clone());
    let mut files: Vec<String> = review.feedback.comments.iter().filter_map(|c| c.path.clone()).collect();
    files.sort();
    files.dedup();
    let comments = quoted_comments(&review);

    // A rerun: the newest revision prompt already carries these comments.
    let earlier = (2..1000u32)
        .take_while(|n| workdir.join(patchdesk_board::revision_prompt_path(&pod.key, &review.task, *n)).is_file())
        .last();
    if let Some(n) = earlier {
        let path = patchdesk_board::revision_prompt_path(&pod.key, &review.task, n);
        let old = std::fs::read_to_string(workdir.join(&path)).unwrap_or_default();
        if old.contains(comments.trim()) {
            return Ok(SentBack {
                task: review.task.clone(),
                pod: pod.key.clone(),
                revision: n,
                prompt: old,
                prompt_path: path,
                feedback_file: patchdesk_logs::feedback_path(&review.task).map_err(|e| UserError::from(&e))?,
                commit: None,
                new: false,
                warnings: Vec::new(),
            });
        }
    }
    let revision = earlier.map_or(2, |n| n + 1);
    let instructions = format!(
        "This is revision {revision} of task {task} (review request #{number}).\n\nYour earlier patch: {summary}\n\n{comments}\nMake a corrected version from the current files and hand over a new patch (a git diff) for task {task} with a short summary of what you changed.",
        task = review.task,
        number = review.number,
    );
    let (prompt, warnings) =
        patchdesk_board::revision_prompt(workdir, task_row, &pod, &files, &instructions, &review.item);
    let prompt_path = patchdesk_board::revision_prompt_path(&pod.key, &review.task, revision);
    let rejection = Rejection {
        task_id: review.task.clone(),
        patch: review.item.clone(),
        note: format!("Revision {revision} asked on review request #{} ({}).\n\n{comments}", review.number, review.url),
        reviewer: Some(review.summary.asked_by.join(", ")).filter(|s| !s.is_empty()),
    };
    let logs = |e: patchdesk_logs::LogsError| UserError::from(&e);
    let feedback = patchdesk_logs::plan_rejection(workdir, &rejection, now).map_err(logs)?;
    let trace = TraceEntry {
        at: Some(patchdesk_clock::rfc3339_seconds(now)),
        task_id: Some(review.task.clone()),
        summary: format!("Sent back to {} for revision {revision} (review request #{})", pod.key, review.number),
        pod: Some(pod.key.clone()),
        patch: None,
        branch: review.branch.clone(),
        pr: Some(review.url.clone()),
        repairs: None,
        files: Vec::new(),
    };
    let trace = patchdesk_logs::plan_trace_entry(workdir, &trace, now).map_err(logs)?;

    let repo = open_repository(workdir).map_err(|e| UserError::from(&e))?;
    let mut paths = vec![feedback.path.clone(), prompt_path.clone()];
    paths.extend(trace.as_ref().map(|t| t.path.clone()));
    let refs: Vec<&str> = paths.iter().map(String::as_str).collect();
    let checked = check_can_commit(&repo, &refs, &format!("send {} back to {}", review.task, pod.key))
        .map_err(|e| UserError::from(&e))?;
    let written = (|| -> Result<String, UserError> {
        feedback.write(workdir).map_err(logs)?;
        if let Some(t) = &trace {
            t.write(workdir).map_err(logs)?;
        }
        patchdesk_disk::replace_file(workdir, &prompt_path, &prompt)
            .map_err(|e| UserError::new(Code::Io, format!("Could not write {prompt_path}: {e}")))?;
        let message = format!(
            "Send {} back to {}: revision {revision} for review request #{} ({} comments)\n",
            review.task,
            pod.key,
            review.number,
            review.feedback.comments.len()
        );
        let recorded = record_checked_paths(&repo, &refs, &message, &checked).map_err(|e| UserError::from(&e))?;
        Ok(recorded.commit.to_string())
    })();
    let commit = match written {
        Ok(c) => c,
        Err(e) => {
            // Whatever was written goes back to HEAD's version, which the check found on disk.
            let _ = restore(&repo, &checked);
            return Err(e);
        }
    };
    Ok(SentBack {
        task: review.task.clone(),
        pod: pod.key.clone(),
        revision,
        prompt,
        prompt_path,
        feedback_file: feedback.path,
        commit: Some(commit),
        new: true,
        warnings,
    })
}

/// What "Merge" did.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct MergeDone {
    /// The request's number.
    pub number: u64,
    /// The commit at the tip of the base after the merge (`None` when it was merged already).
    pub merge_commit: Option<String>,
    /// Following the reviews right after: the task done, the tasks it unlocked, one commit.
    pub report: FollowReport,
    /// Sending the board's commits; `None` when that failed (it is tried again by the next round).
    pub board: Option<BoardSending>,
    /// Why the board was not sent, when it was not.
    pub board_error: Option<UserError>,
}

/// "Merge" on `task`'s card: refused while someone's last word is "changes" or a check fails;
/// with `method` (else the only one the repository allows; asked for when it allows several).
/// After the merge the task is done, its dependents become ready (one commit, as following the
/// reviews makes) and the board's commits are sent. A rerun on a merged request only finishes
/// that work.
pub fn merge_task(
    desk: &Desk,
    workdir: &Path,
    task: &str,
    method: Option<MergeMethod>,
    now: OffsetDateTime,
) -> Result<MergeDone, UserError> {
    let review = review_of_task(desk, workdir, task)?;
    let known = card_request(workdir, task).ok_or_else(|| no_request(task))?;
    let remote = remote_of(workdir, &known)?;
    let mut merge_commit = None;
    match review.state {
        ReviewState::Closed => {
            return Err(UserError::new(
                Code::InputInvalid,
                format!(
                    "Review request #{} for {} was closed without merging, so it cannot be merged. Send the task's patch for review again.",
                    review.number, review.task
                ),
            ))
        }
        ReviewState::Merged => {}
        ReviewState::Open => {
            if review.summary.standing == Standing::ChangesAsked {
                return Err(UserError::new(
                    Code::InputInvalid,
                    format!(
                        "{} asked for changes on review request #{}, so it was not merged. Send it back to the pod, or ask for an approval first.",
                        review.summary.asked_by.join(", "),
                        review.number
                    ),
                ));
            }
            if review.summary.checks == patchdesk_forge::ChecksState::Failing {
                return Err(UserError::new(
                    Code::InputInvalid,
                    format!(
                        "Checks are failing on review request #{}, so it was not merged. Look at the failing checks first.",
                        review.number
                    ),
                ));
            }
            let words = |ms: &[MergeMethod]| ms.iter().map(|m| m.as_str()).collect::<Vec<_>>().join(", ");
            let method = match (method, review.merge_methods.as_slice()) {
                (Some(m), allowed) if allowed.contains(&m) => m,
                (Some(m), allowed) => {
                    return Err(UserError::new(
                        Code::InputInvalid,
                        format!(
                            "The repository does not allow merging by {}; it allows: {}. Choose one of those.",
                            m.as_str(),
                            words(allowed)
                        ),
                    ))
                }
                (None, [one]) => *one,
                (None, []) => {
                    return Err(UserError::new(
                        Code::InputInvalid,
                        "The repository allows no way of merging. Change its settings on GitHub first.",
                    ))
                }
                (None, several) => {
                    return Err(UserError::new(
                        Code::InputInvalid,
                        format!("The repository allows several ways of merging ({}); choose one.", words(several)),
                    ))
                }
            };
            let chosen = desk.forge(&remote)?;
            if let (Some(branch), Some(base)) = (known.branch.as_deref(), known.base.as_deref()) {
                let caught_up = patchdesk_promote::catch_up::catch_up(
                    workdir,
                    &remote.url,
                    chosen.forge.as_ref(),
                    review.number,
                    branch,
                    base,
                    chosen.author.clone(),
                )
                .map_err(|e| UserError::from(&e))?;
                if let CaughtUp::Collides { paths } = caught_up {
                    return Err(UserError::new(
                        Code::MergeConflict,
                        format!(
                            "Review request #{} and {base} both changed {}, so it was not merged. Ask the pod for a revision made against {base} as it is now, then send it to the same request.",
                            review.number,
                            paths.join(", ")
                        ),
                    ));
                }
            }
            merge_commit = Some(chosen.forge.merge(review.number, method).map_err(forge_err)?);
        }
    }
    let followed = crate::follow::follow_reviews(desk, workdir, &remote, now)?;
    let (board, board_error) = match send_board(desk, workdir, &remote) {
        Ok(b) => (Some(b), None),
        Err(e) => (None, Some(e)),
    };
    Ok(MergeDone { number: review.number, merge_commit, report: followed.report, board, board_error })
}

/// "Withdraw" on an open "Undo merge" request: it is closed and its branch deleted while it
/// holds only the undo's commit; the task stays done (nothing to record on the board).
fn withdraw_undo(desk: &Desk, workdir: &Path, undo: &KnownReview, now: OffsetDateTime) -> Result<Withdrawn, UserError> {
    let remote = remote_of(workdir, undo)?;
    let chosen = desk.forge(&remote)?;
    chosen.forge.close(undo.number).map_err(forge_err)?;
    // A branch that could not be deleted only stays behind; the undo is withdrawn all the same.
    let branch_deleted = match (undo.branch.as_deref(), undo.head.as_deref()) {
        (Some(branch), Some(head)) => chosen.forge.delete_branch(branch, head).unwrap_or(false),
        _ => false,
    };
    let followed = crate::follow::follow_reviews(desk, workdir, &remote, now)?;
    Ok(Withdrawn { number: undo.number, branch_deleted, report: followed.report })
}

/// What "Withdraw" did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct Withdrawn {
    /// The request's number.
    pub number: u64,
    /// True when Patchdesk's branch was deleted (it held nothing but Patchdesk's commit); false
    /// when someone else added to it (kept) or it was gone already.
    pub branch_deleted: bool,
    /// Following the reviews right after: the task back with its pod, the reason in its
    /// feedback note, one commit.
    pub report: FollowReport,
}

/// "Withdraw" on `task`'s open request: closes it, deletes Patchdesk's branch only while it
/// holds nothing but Patchdesk's commits (its newest is the last revision sent), puts the
/// request's item back in the inbox, and records (one commit, with `reason`) the task back
/// with its pod and the note in its feedback file. A rerun on the closed request only finishes
/// that work. A merged request is refused (undo it instead); while its undo's request is open,
/// that undo is withdrawn instead (closed, its branch deleted, the task left done).
pub fn withdraw(
    desk: &Desk,
    workdir: &Path,
    task: &str,
    reason: &str,
    now: OffsetDateTime,
) -> Result<Withdrawn, UserError> {
    if reason.trim().is_empty() {
        return Err(UserError::new(
            Code::InputInvalid,
            "Say why the request is withdrawn; the pod reads it in its feedback. Write a reason, then try again.",
        ));
    }
    let known = task_request(workdir, task).ok_or_else(|| no_request(task))?;
    if let Some(undo) = card_request(workdir, task).filter(|k| k.number != known.number) {
        return withdraw_undo(desk, workdir, &undo, now);
    }
    let remote = remote_of(workdir, &known)?;
    let chosen = desk.forge(&remote)?;
    let forge = chosen.forge.as_ref();
    let state = match forge.review_status(known.number, None).map_err(forge_err)? {
        ReviewPoll::Changed { review, .. } => review.state,
        ReviewPoll::NotModified => known.state,
    };
    if state == ReviewState::Merged {
        return Err(UserError::new(
            Code::InputInvalid,
            format!(
                "Review request #{} for {task} is merged already, so it cannot be withdrawn. Undo the merge instead.",
                known.number
            ),
        ));
    }
    if state == ReviewState::Open {
        forge.close(known.number).map_err(forge_err)?;
    }
    let branch_deleted = match (known.branch.as_deref(), known.head.as_deref()) {
        (Some(branch), Some(head)) => forge.delete_branch(branch, head).map_err(forge_err)?,
        _ => false,
    };
    let reasons = std::collections::BTreeMap::from([(known.item.clone(), reason.trim().to_string())]);
    let report = patchdesk_promote::lifecycle::follow_reviews_with(workdir, forge, now, &reasons)
        .map_err(|e| UserError::from(&e))?;
    Ok(Withdrawn { number: known.number, branch_deleted, report })
}
