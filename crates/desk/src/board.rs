//! The board: tasks and what is next, handing a task on (and sending the board's commits),
//! the numbers.

use crate::{BoardSent, Desk, HandedOff, KnownReview, Metrics, Remote, TaskList, TaskRow};
pub use patchdesk_board::HandoffRequest;
use patchdesk_error::{Code, UserError};
use serde::Serialize;
use std::path::Path;
use time::OffsetDateTime;

/// Every task with its pod, status and readiness, what each pod should do next, and any task
/// files that could not be read.
pub fn tasks(workdir: &Path) -> TaskList {
    patchdesk_project::record::task_list(workdir)
}

/// The next task for pod `pod` (any spelling the board knows: `QAPod`, `qa`, `qa_pod`): the
/// first of its ready tasks in the order to work on them. `None` when it has none ready; a pod
/// the board does not know is refused.
pub fn next_task(workdir: &Path, pod: &str) -> Result<Option<TaskRow>, UserError> {
    let board = patchdesk_board::Board::load(workdir);
    let key = board.pod(pod).map(|p| p.key.clone()).ok_or_else(|| {
        UserError::from(&patchdesk_board::BoardError::PodNotFound(
            pod.to_string(),
            board.pods.iter().map(|p| p.key.as_str()).collect::<Vec<_>>().join(", "),
        ))
    })?;
    let list = tasks(workdir);
    let first = list.next.iter().find(|(k, _)| *k == key).and_then(|(_, ids)| ids.first().cloned());
    Ok(first.and_then(|id| list.tasks.into_iter().find(|t| t.id == id)))
}

/// A handoff as the board shows it: what was recorded, and the prompt for the receiving pod.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct Handoff {
    pub handed: HandedOff,
    /// The prompt packet's text, for the clipboard.
    pub prompt: String,
}

/// Hands the `request`'s task to its pod: appends to the handoff log, updates the task, writes
/// the prompt packet (with the input files the lead chose, empty: the task's, and the patch it
/// follows from), and records all of it as one commit on the current branch. Nothing is sent.
pub fn hand_off(workdir: &Path, request: &HandoffRequest<'_>, now: OffsetDateTime) -> Result<Handoff, UserError> {
    let handed = patchdesk_project::record::hand_off_with(workdir, request, now).map_err(|e| UserError::from(&e))?;
    let path = workdir.join(&handed.prompt_path);
    let prompt = std::fs::read_to_string(&path).map_err(|e| {
        UserError::new(
            Code::Io,
            format!("The prompt was written but could not be read back from {}: {e}", path.display()),
        )
    })?;
    Ok(Handoff { handed, prompt })
}

/// A handoff and what sending the board's commits to `origin` did right after it.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct HandoffSent {
    pub handoff: Handoff,
    /// What the send did; `None` when the project has no remote or the send failed.
    pub board: Option<BoardSending>,
    /// Why the board was not sent (offline, signed out…): the commit is made and goes out with
    /// the next send (the window's minute round, or the next command).
    pub error: Option<UserError>,
}

/// [`hand_off`], then the board's commits sent to `origin` when there is one. A failure to send
/// is kept in `error`, not a failed handoff. Blocks on the network.
pub fn hand_off_then_send(
    desk: &Desk,
    workdir: &Path,
    request: &HandoffRequest<'_>,
    now: OffsetDateTime,
) -> Result<HandoffSent, UserError> {
    let handoff = hand_off(workdir, request, now)?;
    let (board, error) = match Remote::origin(workdir).map(|remote| send_board(desk, workdir, &remote)) {
        None => (None, None),
        Some(Ok(sent)) => (Some(sent), None),
        Some(Err(e)) => (None, Some(e)),
    };
    Ok(HandoffSent { handoff, board, error })
}

/// [`hand_off_then_send`] with the task's own files, the send said in one sentence (`None`: no
/// remote). A failure to send is a sentence, not a failed handoff.
pub fn hand_off_and_send(
    desk: &Desk,
    workdir: &Path,
    task: &str,
    to: &str,
    reason: &str,
    now: OffsetDateTime,
) -> Result<(Handoff, Option<String>), UserError> {
    let done = hand_off_then_send(desk, workdir, &HandoffRequest::new(task, to, reason), now)?;
    let sent = match (done.board, done.error) {
        (Some(sent), _) => Some(sent.words),
        (None, Some(e)) => Some(format!("Not sent to the remote yet: {}", e.message)),
        (None, None) => None,
    };
    Ok((done.handoff, sent))
}

/// What sending the board's commits did, with a sentence for the lead.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct BoardSending {
    pub sent: BoardSent,
    pub words: String,
}

/// Sends the board's commits (handoffs, review follow-up) to the remote's default branch; a
/// protected branch gets them as one review request. Never forced, never overwrites newer
/// remote work. Offline: an error with code `offline`, and they wait for the next try.
pub fn send_board(desk: &Desk, workdir: &Path, remote: &Remote) -> Result<BoardSending, UserError> {
    let chosen = desk.forge(remote)?;
    let sent = patchdesk_promote::board::send_board(workdir, &remote.url, chosen.forge.as_ref())
        .map_err(|e| UserError::from(&e))?;
    Ok(BoardSending { words: sent.describe(), sent })
}

/// The project's numbers: patches per pod per week, lead times, merge rate, repairs and
/// rejections per pod, from the repository's logs and `metrics/metrics.yaml`.
pub fn metrics(workdir: &Path) -> Metrics {
    patchdesk_logs::compute_metrics(workdir)
}

/// What is known about each review request without asking anyone (for the board's cards).
pub fn known_reviews(workdir: &Path) -> Vec<KnownReview> {
    patchdesk_promote::lifecycle::review_states(workdir)
}

/// The largest handoff log read by [`hand_off_from_log`], in bytes.
pub const MAX_HANDOFF_LOG_BYTES: u64 = 8 << 20;

/// The seed's `assign_task.py --from handoff_log.yaml`: the last handoff in the log file at
/// `log_file` (any of its three forms) made on the board — recorded when the task is not with
/// that pod yet, else found already made — with its prompt packet. Refuses a log with no
/// complete handoff (a task and a receiving pod), a file that is not a plain readable file, or
/// one larger than [`MAX_HANDOFF_LOG_BYTES`].
pub fn hand_off_from_log(workdir: &Path, log_file: &Path, now: OffsetDateTime) -> Result<Handoff, UserError> {
    let shown = log_file.display().to_string();
    let bytes = patchdesk_intake::read_input(log_file, MAX_HANDOFF_LOG_BYTES).map_err(|e| UserError::from(&e))?;
    let text = String::from_utf8(bytes).map_err(|_| {
        UserError::new(
            Code::TaskFileInvalid,
            format!("{shown} is not a text file; give the project's .logs/handoff_log.yaml."),
        )
    })?;
    let log = patchdesk_board::parse_handoff_log(&text)
        .map_err(|e| UserError::new(Code::TaskFileInvalid, format!("{shown} cannot be read as a handoff log: {e}")))?;
    let Some(last) = log.entries.iter().rev().find(|e| e.task.is_some() && e.to.is_some()) else {
        return Err(UserError::new(
            Code::TaskFileInvalid,
            format!(
                "{shown} has no handoff naming a task and the pod it goes to; hand the task off with --to POD instead."
            ),
        ));
    };
    let (task, to) = (last.task.as_deref().unwrap_or_default(), last.to.as_deref().unwrap_or_default());
    let reason = last.reason.as_deref().unwrap_or_default();
    let request = HandoffRequest {
        task_id: task,
        to_pod: to,
        reason,
        input_files: &last.files,
        related_patch: last.related_patch.as_deref(),
    };
    hand_off(workdir, &request, now)
}

/// The prompt for the pod holding `task_id` to work on it now: the packet written when the task
/// was last handed on, else its packet (goal, the task's input files, its notes, relevant memory)
/// rendered now through the pod's template. Nothing is written; the window's "copy prompt", the
/// CLI's `next --prompt`, `run` and the pod API use it.
pub fn task_prompt(workdir: &Path, task_id: &str) -> Result<String, UserError> {
    patchdesk_board::task_prompt(workdir, task_id).map(|(text, _)| text).map_err(|e| UserError::from(&e))
}
