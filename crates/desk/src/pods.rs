//! What a pod hands in without a download — through the pod API, MCP or a script: a patch in
//! any shape Patchdesk reads (with its logs), a batch of whole files, one file; what a patch
//! would do before it is sent; the text of a patch as it was received. Everything lands in the
//! inbox the lead already looks at, through the inbox's own import (same checks, same limits,
//! same atomic writes), and, when the project says so (auto-promote), is sent for review at
//! once as a pull request.

use crate::{Desk, Project, Remote};
use patchdesk_apply::{ApplyError, ApplyOptions, Outcome};
use patchdesk_error::{Code, Coded, UserError};
use patchdesk_intake::{Kind, Queue};
use patchdesk_patch::path::RepoPath;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::path::Path;
use time::OffsetDateTime;

/// A patch a pod submits, with its logs.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "api", derive(utoipa::ToSchema, schemars::JsonSchema))]
pub struct Submission {
    /// The board's task this change is for (`F2.1`).
    pub task_id: String,
    /// One line saying what the change does.
    pub summary: String,
    /// The change, in any shape Patchdesk reads: a git diff, a unified diff, an OpenAI patch
    /// (`*** Begin Patch`), edit blocks, or whole files named by their path.
    pub patch: String,
    /// The pod that made it (the token's pod is used when the request has one).
    #[serde(default)]
    pub pod: Option<String>,
    /// Folders the change writes to, as the pod sees them.
    #[serde(default)]
    pub output_folders: Vec<String>,
    /// The pod's reasoning, kept with the patch for the lead to read.
    #[serde(default)]
    pub reasoning_trace: Option<String>,
    /// What changed, for the changelog.
    #[serde(default)]
    pub changelog: Option<String>,
    /// Notes for whoever takes the task next.
    #[serde(default)]
    pub handoff: Option<String>,
}

/// How a change applies to the project's current version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "api", derive(utoipa::ToSchema, schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Applies {
    /// As written.
    Clean,
    /// After repairs (a damaged patch, moved lines, a clean merge).
    Repaired,
    /// Parts of it clash with the project's current version.
    Conflict,
    /// It does not fit the project (or cannot be read as a change).
    Refused,
}

impl From<Outcome> for Applies {
    fn from(o: Outcome) -> Applies {
        match o {
            Outcome::Clean => Applies::Clean,
            Outcome::Repaired | Outcome::Merged => Applies::Repaired,
            Outcome::Conflict => Applies::Conflict,
            Outcome::Refused => Applies::Refused,
        }
    }
}

/// A patch in the inbox, as the pod is told about it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "api", derive(utoipa::ToSchema, schemars::JsonSchema))]
pub struct Submitted {
    /// The inbox item's name (for `GET /patches/{name}`).
    pub name: String,
    /// Where it is kept, relative to the project (`.patches/queue/<name>`).
    pub patch_file: String,
    pub task_id: String,
    pub summary: String,
    pub output_folders: Vec<String>,
    pub applies: Applies,
    /// Repairs made to place it, one sentence each.
    pub repairs: Vec<String>,
    /// Why parts of it do not apply, one sentence each.
    pub problems: Vec<String>,
    /// When the project sends what arrives for review at once (auto-promote): what happened.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review: Option<SentForReview>,
}

/// What auto-promote did with a submission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "api", derive(utoipa::ToSchema, schemars::JsonSchema))]
pub struct SentForReview {
    /// The pull request's address, when one was opened (or found).
    #[serde(default)]
    pub url: Option<String>,
    /// The branch it is on.
    #[serde(default)]
    pub branch: Option<String>,
    /// Why it was not sent (it stays in the inbox for the lead), in one sentence.
    #[serde(default)]
    pub not_sent: Option<String>,
}

/// What a patch would do, with nothing stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "api", derive(utoipa::ToSchema, schemars::JsonSchema))]
pub struct Checked {
    pub applies: Applies,
    /// The files it changes, in order.
    pub files: Vec<String>,
    pub repairs: Vec<String>,
    pub problems: Vec<String>,
}

/// The seed's batch payload: whole files, one change.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "api", derive(utoipa::ToSchema, schemars::JsonSchema))]
pub struct BatchRequest {
    /// The branch the pod proposes (`chatgpt/auto/<pod>/<task_id>` names the task).
    #[serde(default)]
    pub branch: Option<String>,
    /// What the change does; its first line is the summary.
    pub commit_message: String,
    /// The files, each written whole.
    pub files: Vec<BatchFile>,
    /// The board's task (else the one the branch names).
    #[serde(default)]
    pub task_id: Option<String>,
    /// The pod (the token's pod is used when the request has one).
    #[serde(default)]
    pub pod: Option<String>,
}

/// One whole file of a batch.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "api", derive(utoipa::ToSchema, schemars::JsonSchema))]
pub struct BatchFile {
    /// Where it goes in the project (`src/app.py`).
    pub path: String,
    /// Its whole new text.
    pub content: String,
    /// The git blob id of the copy the pod started from, when it read one: a file that changed
    /// since is a conflict and nothing is written.
    #[serde(default)]
    pub sha: Option<String>,
}

/// One file to write, the seed's `/update-file`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "api", derive(utoipa::ToSchema, schemars::JsonSchema))]
pub struct FileUpdate {
    pub path: String,
    pub content: String,
    /// What the change does.
    pub message: String,
    #[serde(default)]
    pub sha: Option<String>,
    #[serde(default)]
    pub branch: Option<String>,
    #[serde(default)]
    pub task_id: Option<String>,
}

/// What happened to one file of a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "api", derive(utoipa::ToSchema, schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum FileStatus {
    /// A new file.
    Created,
    /// An existing file, replaced.
    Updated,
    /// The pod's copy is out of date (`sha` is the current one).
    Conflict,
    /// Not taken (`reason` says why).
    Refused,
}

/// One file's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "api", derive(utoipa::ToSchema, schemars::JsonSchema))]
pub struct FileResult {
    pub path: String,
    pub status: FileStatus,
    /// For a conflict: the blob id of the project's current copy (none: the file is gone).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha: Option<String>,
    /// For a refusal: why, in one sentence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// What a batch did: one inbox item, or nothing at all when any file is refused or stale.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "api", derive(utoipa::ToSchema, schemars::JsonSchema))]
pub struct BatchDone {
    /// The inbox item holding the change; none when nothing was stored.
    #[serde(default)]
    pub name: Option<String>,
    /// Each file's status (empty when the body itself was refused).
    #[serde(default)]
    pub results: Vec<FileResult>,
    /// Why nothing was stored (`file_changed`, `unsafe_path`…), when nothing was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// One sentence: what was stored, or why nothing was.
    pub message: String,
    /// The stored item, as [`submit`] describes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submitted: Option<Submitted>,
}

impl BatchDone {
    /// True when the change was stored.
    pub fn is_stored(&self) -> bool {
        self.name.is_some()
    }

    /// True when a file was stale (and so nothing was stored).
    pub fn has_conflict(&self) -> bool {
        self.results.iter().any(|r| r.status == FileStatus::Conflict)
    }
}

fn queue_of(desk: &Desk, project: &Project) -> Result<Queue, UserError> {
    Ok(project.queue()?.with_clock(desk.clock().clone()))
}

fn io(e: impl std::fmt::Display) -> UserError {
    UserError::new(Code::Internal, e.to_string())
}

fn blank(s: &str) -> bool {
    s.trim().is_empty()
}

/// Puts a pod's patch in the inbox with its logs (reasoning trace, changelog, handoff notes)
/// and says how it applies to the project's current version. `pod` is who sent it (the
/// token's pod); the time is the desk's clock. Refused in one sentence, nothing written, for a
/// text that holds no change, an unsafe path, a size over the inbox's limits, a task id that
/// cannot name a file, or a task that is not on the board (when the project has a board). When the project auto-promotes, a patch that applies is sent for review.
pub fn submit(desk: &Desk, project: &Project, pod: &str, s: &Submission) -> Result<Submitted, UserError> {
    let submitted = store(desk, project, pod, s, None)?;
    Ok(auto_promote(desk, project, submitted))
}

fn store(
    desk: &Desk,
    project: &Project,
    pod: &str,
    s: &Submission,
    branch: Option<&str>,
) -> Result<Submitted, UserError> {
    let task = s.task_id.trim();
    if blank(task) {
        return Err(UserError::new(
            Code::InputInvalid,
            "The submission names no task; give the board's task id in \"task_id\".",
        ));
    }
    if blank(&s.summary) {
        return Err(UserError::new(
            Code::InputInvalid,
            "The submission has no summary; say in one line what the change does in \"summary\".",
        ));
    }
    let queue = queue_of(desk, project)?;
    let preview = queue.recognise_paste(s.patch.as_bytes()).map_err(|e| UserError::from(&e))?;
    let ext = match preview.kind {
        Kind::Diff { flavor } if !flavor.is_answer() => "diff",
        Kind::Batch => "json",
        _ => "txt",
    };
    let name = patchdesk_intake::patch_file_name(desk.clock().now(), task, ext);
    let stem = name.strip_suffix(&format!(".{ext}")).unwrap_or(&name);
    if task.len() > 200
        || stem.contains(['/', '\\'])
        || patchdesk_intake::parse_name(&name).task_id.as_deref() != Some(task)
    {
        return Err(UserError::new(
            Code::InputInvalid,
            format!("\"{}\" is not a task id Patchdesk can file a patch under; use the board's task id (letters, digits, dots, dashes).", task.escape_debug()),
        ));
    }
    // As a pasted answer: the task must be on the board, unless the project has none.
    let board = patchdesk_board::Board::load(project.workdir());
    if !board.tasks.is_empty() && board.task(task).is_none() {
        return Err(UserError::new(
            Code::TaskNotFound,
            format!("There is no task {task} on the board; send the patch under a task the board has (GET /tasks/next names yours), or ask the lead to add {task}."),
        ));
    }
    let mut sidecar = serde_json::Map::new();
    sidecar.insert("task_id".into(), task.into());
    sidecar.insert("summary".into(), s.summary.trim().into());
    sidecar.insert("pod".into(), pod.into());
    sidecar.insert("output_folders".into(), s.output_folders.clone().into());
    if let Some(b) = branch {
        sidecar.insert("branch_name".into(), b.into());
    }
    let sidecar = serde_json::to_vec_pretty(&serde_json::Value::Object(sidecar)).map_err(io)?;
    let mut files = vec![(name.clone(), s.patch.as_bytes().to_vec()), (format!("{stem}.json"), sidecar)];
    for (name, text) in
        [("reasoning_trace.md", &s.reasoning_trace), ("changelog.md", &s.changelog), ("handoff_notes.md", &s.handoff)]
    {
        if let Some(t) = text.as_deref().filter(|t| !blank(t)) {
            files.push((name.to_string(), t.as_bytes().to_vec()));
        }
    }
    let report = queue.import(&files);
    if let Some(r) = report.refused.into_iter().next() {
        return Err(r.error);
    }
    if let Some(d) = report.already_imported.into_iter().next() {
        return Err(UserError::new(
            Code::AlreadyImported,
            format!("This patch is already in the inbox, as \"{}\"; nothing was added.", d.item.name),
        ));
    }
    let item = report.imported.into_iter().next().ok_or_else(|| {
        UserError::new(Code::PatchUnreadable, "The submission holds no change Patchdesk can read; send a patch, an OpenAI patch, edit blocks or whole files.")
    })?;
    let (applies, repairs, problems) = match project.review(&item.name) {
        Ok(r) => (
            Applies::from(r.outcome),
            r.repairs.into_iter().map(|r| r.message).collect(),
            r.problems.into_iter().map(|p| p.message).collect(),
        ),
        Err(e) => (Applies::Refused, Vec::new(), vec![UserError::from(e).message]),
    };
    Ok(Submitted {
        name: item.name,
        patch_file: item.path,
        task_id: task.to_string(),
        summary: s.summary.trim().to_string(),
        output_folders: s.output_folders.clone(),
        applies,
        repairs,
        problems,
        review: None,
    })
}

static SENDING: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Sends a submission that applies for review when the project auto-promotes.
fn auto_promote(desk: &Desk, project: &Project, mut s: Submitted) -> Submitted {
    let on = crate::tokens::settings(project.workdir()).map(|t| t.auto_promote).unwrap_or(false);
    if !on {
        return s;
    }
    if matches!(s.applies, Applies::Conflict | Applies::Refused) {
        s.review = Some(SentForReview {
            url: None,
            branch: None,
            not_sent: Some(
                "It does not apply to the project's current version, so it waits in the inbox for the lead.".into(),
            ),
        });
        return s;
    }
    // One send at a time in this process: sends from one clone share its refs and its remote's
    // records (two at once failed as "could not reach" in the team-server test).
    let _one_at_a_time = SENDING.lock().unwrap_or_else(|e| e.into_inner());
    let sent = Remote::required(project.workdir(), None, None).and_then(|remote| {
        crate::send::send_for_review(desk, project.workdir(), &s.name, &remote, Default::default(), &|_| {})
    });
    s.review = Some(match sent {
        Ok(o) => SentForReview { url: Some(o.pr_url), branch: Some(o.branch), not_sent: None },
        Err(e) => SentForReview { url: None, branch: None, not_sent: Some(e.message) },
    });
    s
}

/// What `s.patch` would do to the project's current version; nothing is stored.
pub fn check(project: &Project, s: &Submission) -> Result<Checked, UserError> {
    let queue = project.queue()?;
    let preview = queue.recognise_paste(s.patch.as_bytes()).map_err(|e| UserError::from(&e))?;
    let repo = project.repo();
    let base = repo.head().and_then(|h| h.peel_to_tree()).map_err(|e| UserError::new(Code::Git, e.to_string()))?.id();
    match preview.kind {
        Kind::Diff { .. } => {
            let links =
                patchdesk_project::config::ReviewPolicy::load(project.workdir()).map(|p| p.links()).unwrap_or_default();
            let opts = ApplyOptions { links, ..ApplyOptions::default() };
            match patchdesk_shapes::apply_text(repo, base, s.patch.as_bytes(), &opts) {
                Ok(r) => Ok(Checked {
                    applies: r.outcome.into(),
                    files: if r.files.is_empty() {
                        preview.paths
                    } else {
                        r.files.into_iter().map(|f| f.path).collect()
                    },
                    repairs: r.repairs.into_iter().map(|r| r.message).collect(),
                    problems: r.problems.into_iter().map(|p| p.message).collect(),
                }),
                Err(e @ ApplyError::Git(_)) => Err(UserError::new(e.code(), e.to_string())),
                Err(e) => Ok(Checked {
                    applies: Applies::Refused,
                    files: preview.paths,
                    repairs: Vec::new(),
                    problems: vec![e.to_string()],
                }),
            }
        }
        _ => Ok(Checked { applies: Applies::Clean, files: preview.paths, repairs: Vec::new(), problems: Vec::new() }),
    }
}

/// The text of inbox item `name` exactly as it was received.
pub fn patch_text(project: &Project, name: &str) -> Result<Vec<u8>, UserError> {
    project.queue()?.read_bytes(name).map_err(|e| UserError::from(&e))
}

/// Whole files from a pod as one inbox item: the change from the project's current version to
/// the files, as a diff, with each file's status. A file whose `sha` is not the project's
/// current copy is a conflict (with the current `sha`), a path that is unsafe or a file that
/// is not text is refused; then nothing at all is stored.
pub fn batch(desk: &Desk, project: &Project, pod: &str, req: &BatchRequest) -> Result<BatchDone, UserError> {
    let limits = *project.queue()?.limits();
    if req.files.is_empty() {
        return Err(UserError::new(
            Code::EmptyInput,
            "The batch lists no files; put each file in \"files\" with its path and content.",
        ));
    }
    if req.files.len() > limits.max_entries as usize {
        return Err(UserError::new(
            Code::InputTooLarge,
            format!(
                "The batch lists {} files, more than the {} Patchdesk takes in one change; send it in smaller batches.",
                req.files.len(),
                limits.max_entries
            ),
        ));
    }
    if blank(&req.commit_message) {
        return Err(UserError::new(
            Code::InputInvalid,
            "The batch has no commit message; say what the change does in \"commit_message\".",
        ));
    }
    let task = req
        .task_id
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .or_else(|| req.branch.as_deref().and_then(patchdesk_intake::task_from_branch));
    let Some(task) = task else {
        return Err(UserError::new(Code::InputInvalid, "The batch names no task; give the board's task id in \"task_id\" (or a branch chatgpt/auto/<pod>/<task_id>)."));
    };
    let repo = project.repo();
    let head = repo.head().and_then(|h| h.peel_to_tree()).map_err(|e| UserError::new(Code::Git, e.to_string()))?;
    let mut results = Vec::with_capacity(req.files.len());
    let mut files = Vec::with_capacity(req.files.len());
    let mut seen = BTreeSet::new();
    for f in &req.files {
        let refuse = |reason: String| FileResult {
            path: f.path.clone(),
            status: FileStatus::Refused,
            sha: None,
            reason: Some(reason),
        };
        let path = match RepoPath::parse(&f.path) {
            Ok(p) => p,
            Err(e) => {
                results.push(refuse(format!(
                    "The path \"{}\" cannot be used: {e}. Send the file under a path inside the project.",
                    f.path.escape_debug()
                )));
                continue;
            }
        };
        if !seen.insert(path.as_str().to_string()) {
            results.push(refuse(format!("{} is listed twice; send each file once.", path.as_str())));
            continue;
        }
        if f.content.contains('\0') {
            results
                .push(refuse(format!("{} holds binary data; Patchdesk takes text files in a batch.", path.as_str())));
            continue;
        }
        let current = head.get_path(Path::new(path.as_str())).ok();
        let (status, exec) = match &current {
            Some(e) if e.kind() != Some(git2::ObjectType::Blob) || e.filemode() == 0o120000 => {
                results.push(refuse(format!(
                    "{} is a folder or a link in the project, not a file; send files inside it instead.",
                    path.as_str()
                )));
                continue;
            }
            Some(e) => (FileStatus::Updated, e.filemode() == 0o100755),
            None => (FileStatus::Created, false),
        };
        let current_sha = current.as_ref().map(|e| e.id().to_string());
        if let Some(sha) = f.sha.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            if current_sha.as_deref() != Some(&sha.to_ascii_lowercase()) {
                results.push(FileResult {
                    path: f.path.clone(),
                    status: FileStatus::Conflict,
                    sha: current_sha,
                    reason: None,
                });
                continue;
            }
        }
        results.push(FileResult { path: f.path.clone(), status, sha: None, reason: None });
        files.push((path, f.content.as_bytes().to_vec(), exec));
    }
    if results.iter().any(|r| r.status == FileStatus::Conflict) {
        let stale: Vec<&str> =
            results.iter().filter(|r| r.status == FileStatus::Conflict).map(|r| r.path.as_str()).collect();
        let message = format!(
            "{} changed in the project since the pod read it; nothing was stored. Read the current copy (its sha is in the results) and send the change again.",
            stale.join(", ")
        );
        return Ok(BatchDone {
            name: None,
            results,
            code: Some(Code::FileChanged.as_str().into()),
            message,
            submitted: None,
        });
    }
    if let Some(r) = results.iter().find(|r| r.status == FileStatus::Refused) {
        let message = format!("{} Nothing was stored.", r.reason.clone().unwrap_or_default());
        return Ok(BatchDone {
            name: None,
            results,
            code: Some(Code::UnsafePath.as_str().into()),
            message,
            submitted: None,
        });
    }
    let tree =
        patchdesk_apply::apply_files(repo, head.id(), &files).map_err(|e| UserError::new(e.code(), e.to_string()))?;
    let diff = diff_text(repo, head.id(), tree)?;
    if diff.is_empty() {
        return Err(UserError::new(
            Code::NoChanges,
            "Every file in the batch is the same as in the project; nothing was added.",
        ));
    }
    let summary = req.commit_message.lines().find(|l| !blank(l)).unwrap_or_default().trim().to_string();
    let submission = Submission { task_id: task, summary, patch: diff, ..Submission::default() };
    let stored = store(desk, project, pod, &submission, req.branch.as_deref())?;
    let stored = auto_promote(desk, project, stored);
    Ok(BatchDone {
        name: Some(stored.name.clone()),
        results,
        code: None,
        message: format!("The change is in the inbox as {}.", stored.name),
        submitted: Some(stored),
    })
}

/// One whole file from a pod ([`batch`] with one file).
pub fn update_file(desk: &Desk, project: &Project, pod: &str, u: &FileUpdate) -> Result<BatchDone, UserError> {
    let req = BatchRequest {
        branch: u.branch.clone(),
        commit_message: u.message.clone(),
        files: vec![BatchFile { path: u.path.clone(), content: u.content.clone(), sha: u.sha.clone() }],
        task_id: u.task_id.clone(),
        pod: None,
    };
    batch(desk, project, pod, &req)
}

/// The change from tree `from` to tree `to` as a git diff.
fn diff_text(repo: &git2::Repository, from: git2::Oid, to: git2::Oid) -> Result<String, UserError> {
    let git = |e: git2::Error| UserError::new(Code::Git, e.to_string());
    let old = repo.find_tree(from).map_err(git)?;
    let new = repo.find_tree(to).map_err(git)?;
    let diff = repo.diff_tree_to_tree(Some(&old), Some(&new), None).map_err(git)?;
    let mut out = Vec::new();
    diff.print(git2::DiffFormat::Patch, |_, _, line| {
        if matches!(line.origin(), '+' | '-' | ' ') {
            out.push(line.origin() as u8);
        }
        out.extend_from_slice(line.content());
        true
    })
    .map_err(git)?;
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// A task as a pod sees it: what it is, and its prompt packet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "api", derive(utoipa::ToSchema, schemars::JsonSchema))]
pub struct PodTask {
    pub id: String,
    pub title: String,
    /// The pod that holds it (its key), if any.
    pub pod: Option<String>,
    /// The board's status (`ready`, `in_progress`, `done`…).
    pub status: String,
    pub phase: Option<String>,
    /// Ready to work on: every task it depends on is done.
    pub ready: bool,
    /// The prompt packet for the task.
    pub prompt: String,
}

/// A handoff as the pod is told about it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "api", derive(utoipa::ToSchema, schemars::JsonSchema))]
pub struct HandedOn {
    pub task: String,
    pub from: String,
    pub to: String,
    /// The commit recording the handoff.
    pub commit: String,
    /// The prompt packet for the receiving pod.
    pub prompt: String,
}

/// A pod's request to hand its task on.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "api", derive(utoipa::ToSchema, schemars::JsonSchema))]
pub struct HandOff {
    /// The pod to hand the task to (`QAPod`, `qa`…).
    pub to: String,
    /// Why, in a sentence (it goes in the prompt).
    pub reason: String,
    /// Files the next pod should read (empty: the task's own).
    #[serde(default)]
    pub files: Vec<String>,
}

/// Task `id` with its prompt packet; an unknown task is refused.
pub fn task(workdir: &Path, id: &str) -> Result<PodTask, UserError> {
    let row = crate::board::tasks(workdir).tasks.into_iter().find(|t| t.id == id).ok_or_else(|| {
        UserError::new(
            Code::TaskNotFound,
            format!("There is no task {id} on the board; ask the lead which task to work on."),
        )
    })?;
    let prompt = task_prompt(workdir, &row.id)?;
    Ok(PodTask {
        id: row.id,
        title: row.title,
        pod: row.pod,
        status: row.status,
        phase: row.phase,
        ready: row.ready,
        prompt,
    })
}

/// The next ready task for `pod`, with its prompt packet; `None` when it has none.
pub fn next_task(workdir: &Path, pod: &str) -> Result<Option<PodTask>, UserError> {
    match crate::board::next_task(workdir, pod)? {
        Some(row) => task(workdir, &row.id).map(Some),
        None => Ok(None),
    }
}

pub use crate::board::task_prompt;

/// Hands task `id` on for the pod: the handoff workflow (log entry, task update, prompt packet,
/// one commit; nothing is sent). The time is the desk's clock.
pub fn hand_off(desk: &Desk, workdir: &Path, id: &str, h: &HandOff) -> Result<HandedOn, UserError> {
    if blank(&h.to) {
        return Err(UserError::new(Code::InputInvalid, "Name the pod to hand the task to in \"to\"."));
    }
    let request = crate::board::HandoffRequest {
        input_files: &h.files,
        ..crate::board::HandoffRequest::new(id, &h.to, &h.reason)
    };
    let now: OffsetDateTime = desk.clock().now();
    let done = crate::board::hand_off(workdir, &request, now)?;
    Ok(HandedOn {
        task: done.handed.task,
        from: done.handed.from,
        to: done.handed.to,
        commit: done.handed.commit,
        prompt: done.prompt,
    })
}
