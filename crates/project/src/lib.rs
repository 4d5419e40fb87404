//! A Patchdesk project: one git repository with a working folder, the inbox of pod downloads
//! Patchdesk keeps inside it (`.patches/queue/`, `.logs/patches/`), and its task board.
//!
//! This is the API surface the app's commands and the `patchdesk` CLI share: they open a
//! [`Project`] and ask it questions; they do not reach into the domain crates themselves.

pub mod config;
pub mod connect;
pub mod demo;
mod paste;
pub mod record;
pub mod review;

use patchdesk_board::Board;
use patchdesk_error::{Code, Coded, UserError};
use patchdesk_intake::{InboxItem, IntakeError, Queue};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// Why a project could not be opened or read.
#[derive(Debug, thiserror::Error)]
pub enum ProjectError {
    #[error("There is no git repository at {0}.")]
    NotARepository(PathBuf),
    #[error("{0} is a bare repository; Patchdesk needs one with a working folder.")]
    Bare(PathBuf),
    #[error("Could not read or write {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("git reported a problem: {0}")]
    Git(#[from] git2::Error),
    #[error("The demo project at {0} is incomplete. Move that folder away and open the demo again.")]
    DemoDamaged(PathBuf),
    #[error("Could not build the demo's ZIP bundle: {0}")]
    Zip(String),
    #[error(transparent)]
    Intake(#[from] IntakeError),
    #[error("The demo's sample download {0} could not be put in the inbox: {1}")]
    DemoSeed(String, String),
    #[error(transparent)]
    Apply(#[from] patchdesk_apply::ApplyError),
    #[error("{0} is a pod's metadata or log, not a change; it is shown with the patch it belongs to.")]
    NotReviewable(String),
    #[error("{0} does not apply to the current version of the project, so it has no file changes to show.")]
    NotApplied(String),
    #[error("{0} is not part of this change.")]
    FileNotInChange(String),
    #[error("{1}")]
    Dropped(Code, String),
    #[error(transparent)]
    Logs(#[from] patchdesk_logs::LogsError),
    /// The repository's files live in another folder than the one opened (`core.worktree`).
    #[error(transparent)]
    Record(#[from] record::RecordError),
}

impl ProjectError {
    pub(crate) fn io(path: &Path, source: std::io::Error) -> Self {
        ProjectError::Io { path: path.to_path_buf(), source }
    }

    pub(crate) fn zip(e: zip::result::ZipError) -> Self {
        ProjectError::Zip(e.to_string())
    }
}

impl Coded for ProjectError {
    fn code(&self) -> Code {
        match self {
            ProjectError::NotARepository(_) | ProjectError::Bare(_) => Code::RepoNotFound,
            ProjectError::Io { .. } => Code::Io,
            ProjectError::Git(_) => Code::Git,
            ProjectError::DemoDamaged(_) | ProjectError::Zip(_) | ProjectError::DemoSeed(..) => Code::Internal,
            ProjectError::Intake(e) => e.code(),
            ProjectError::Apply(e) => e.code(),
            ProjectError::NotReviewable(_) => Code::PatchUnreadable,
            ProjectError::NotApplied(_) => Code::PatchDoesNotApply,
            ProjectError::FileNotInChange(_) => Code::ItemNotFound,
            ProjectError::Dropped(code, _) => *code,
            ProjectError::Logs(e) => e.code(),
            ProjectError::Record(e) => e.code(),
        }
    }
}

impl From<ProjectError> for UserError {
    fn from(e: ProjectError) -> Self {
        UserError::from(&e)
    }
}

/// An open project.
pub struct Project {
    workdir: PathBuf,
    repo: git2::Repository,
    /// Reviewed items: name → (base tree, result tree), so file diffs load without re-applying.
    results: std::sync::Mutex<std::collections::HashMap<String, review::Remembered>>,
    /// The last few applies ([`review::KEPT_APPLIES`]), by item content, base and link rule.
    applied: std::sync::Mutex<std::collections::VecDeque<(String, review::Applied)>>,
    /// Applies made ([`Project::applies_made`]).
    applies: std::sync::atomic::AtomicU64,
}

/// Where the project sends its work for review.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct RemoteInfo {
    /// `origin`'s URL as configured.
    pub url: String,
    /// True when origin is a repository on this disk (the practice remote), not GitHub.
    pub is_practice: bool,
}

/// What the first screen shows: the project's name, where it lives and where it sends work.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ProjectSummary {
    pub name: String,
    pub path: String,
    pub branch: Option<String>,
    pub remote: Option<RemoteInfo>,
    pub is_demo: bool,
}

/// Everything the first screen shows, read in one go.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct Overview {
    pub summary: ProjectSummary,
    /// Pod downloads waiting in the project's inbox, newest first.
    pub inbox: Vec<InboxItem>,
    /// Pods, tasks and any task files that could not be read.
    pub board: Board,
}

/// What rejecting an item did.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct Rejected {
    pub item: InboxItem,
    /// The feedback file, relative to the project folder.
    pub feedback_path: String,
    /// The "send back to the pod" prompt, ready for the clipboard.
    pub prompt: String,
}

/// Marks a demo whose sample downloads were put in its inbox once; a user who clears the
/// inbox does not see them come back.
const DEMO_SEEDED: &str = ".patchdesk/demo-inbox-seeded";

impl Project {
    /// Opens the repository whose working folder is `path` (or contains it). A repository whose
    /// git settings keep its files in another folder (`core.worktree`) is refused: Patchdesk
    /// would read and write somewhere else than the folder the user opened.
    pub fn open(path: &Path) -> Result<Project, ProjectError> {
        let repo = git2::Repository::discover(path).map_err(|_| ProjectError::NotARepository(path.to_path_buf()))?;
        let workdir = match repo.workdir() {
            Some(w) => w.to_path_buf(),
            None => return Err(ProjectError::Bare(path.to_path_buf())),
        };
        record::check_own_folder(&repo)?;
        let inside = match (std::fs::canonicalize(path), std::fs::canonicalize(&workdir)) {
            (Ok(opened), Ok(w)) => opened.starts_with(w),
            _ => false,
        };
        if !inside {
            return Err(record::RecordError::OtherFolder(path.display().to_string()).into());
        }
        Ok(Project {
            workdir,
            repo,
            results: Default::default(),
            applied: Default::default(),
            applies: Default::default(),
        })
    }

    /// The working folder.
    pub fn workdir(&self) -> &Path {
        &self.workdir
    }

    /// The repository.
    pub fn repo(&self) -> &git2::Repository {
        &self.repo
    }

    /// The project's inbox of pod downloads.
    pub fn queue(&self) -> Result<Queue, ProjectError> {
        Ok(Queue::open(&self.workdir)?)
    }

    /// Name, inbox and board.
    pub fn overview(&self) -> Result<Overview, ProjectError> {
        let board = Board::load(&self.workdir);
        let mut inbox = self.queue()?.list()?;
        for item in inbox.iter_mut() {
            fill_pod_from_board(item, &board);
        }
        Ok(Overview { summary: self.summary(), inbox, board })
    }

    /// Reads dropped files from disk and puts them in the inbox together (a patch with its
    /// sidecar and logs): the inbox's own reader ([`Queue::import_paths`]), the same for the CLI
    /// and the app. A file that cannot be read, is not a plain file, or is larger than the inbox
    /// accepts is refused before anything is written.
    pub fn import_paths(&self, paths: &[PathBuf]) -> Result<patchdesk_intake::ImportReport, ProjectError> {
        Ok(self.queue()?.import_paths(paths))
    }

    /// Sends item `name` back to its pod: the note is appended to `.logs/feedback/<task>.md`,
    /// the item is marked rejected (it can be restored), and the prompt that tells the pod what
    /// to change is returned for the clipboard.
    pub fn reject(&self, name: &str, note: &str) -> Result<Rejected, ProjectError> {
        self.reject_at(name, note, time::OffsetDateTime::now_utc())
    }

    /// [`Project::reject`] at the time `now` (the feedback entry's date).
    pub fn reject_at(&self, name: &str, note: &str, now: time::OffsetDateTime) -> Result<Rejected, ProjectError> {
        let queue = self.queue()?;
        let item = queue.get(name)?;
        let task_id = item.task_id.clone().unwrap_or_else(|| {
            let stem = item.name.rsplit_once('.').map(|(s, _)| s).unwrap_or(&item.name);
            stem.to_string()
        });
        let rejection = patchdesk_logs::Rejection {
            task_id: task_id.clone(),
            patch: item.file_name.clone(),
            note: note.to_string(),
            reviewer: self.repo.config().ok().and_then(|c| c.get_string("user.name").ok()),
        };
        let feedback_path = patchdesk_logs::record_rejection(&self.workdir, &rejection, now)?;
        let prompt = patchdesk_logs::send_back_prompt(&self.workdir, &task_id)?;
        let item = queue.set_status(name, patchdesk_intake::Status::Rejected)?;
        Ok(Rejected { item, feedback_path, prompt })
    }

    /// Puts the demo's sample downloads in the inbox, the first time only.
    pub fn seed_demo_inbox(&self, demo: &demo::DemoProject) -> Result<(), ProjectError> {
        let marker = self.workdir.join(DEMO_SEEDED);
        if marker.exists() {
            return Ok(());
        }
        let report = self.queue()?.import(&demo.downloads()?);
        if let Some(refused) = report.refused.first() {
            return Err(ProjectError::DemoSeed(refused.file_name.clone(), refused.error.message.clone()));
        }
        std::fs::write(&marker, b"").map_err(|e| ProjectError::io(&marker, e))
    }

    /// Name, path, branch and remote.
    pub fn summary(&self) -> ProjectSummary {
        let marker = std::fs::read(self.workdir.join(".patchdesk/demo.json"))
            .ok()
            .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok());
        let name = marker
            .as_ref()
            .and_then(|m| m.get("name").and_then(|n| n.as_str()).map(str::to_string))
            .unwrap_or_else(|| {
                self.workdir
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_else(|| self.workdir.display().to_string())
            });
        let branch = self.repo.head().ok().and_then(|h| h.shorthand().ok().map(str::to_string));
        let remote = self.repo.find_remote("origin").ok().and_then(|r| {
            r.url().ok().map(|url| RemoteInfo {
                url: url.to_string(),
                is_practice: patchdesk_forge::PracticeRemote::is_local_url(url),
            })
        });
        ProjectSummary { name, path: self.workdir.display().to_string(), branch, remote, is_demo: marker.is_some() }
    }
}

/// An item whose files name no pod belongs to the pod holding its task on the board.
pub(crate) fn fill_pod_from_board(item: &mut InboxItem, board: &Board) {
    if item.pod.is_none() {
        item.pod = item.task_id.as_deref().and_then(|id| board.task(id)).and_then(|t| t.pod.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_is_built_once_and_reopened_as_is() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("demo");
        let demo = demo::ensure(&root).unwrap();
        let project = Project::open(&demo.project).unwrap();
        let summary = project.summary();
        assert_eq!(summary.name, "Return-to-Play Guide (demo)");
        assert!(summary.is_demo);
        assert_eq!(summary.branch.as_deref(), Some("main"));
        let remote = summary.remote.unwrap();
        assert!(remote.is_practice);
        assert_eq!(Path::new(&remote.url), demo.practice_remote);

        // the practice remote has main at the same commit
        let bare = git2::Repository::open_bare(&demo.practice_remote).unwrap();
        let remote_main = bare.refname_to_id("refs/heads/main").unwrap();
        assert_eq!(remote_main, project.repo().refname_to_id("refs/heads/main").unwrap());
        assert_eq!(
            project
                .repo()
                .revwalk()
                .map(|mut w| {
                    w.push_head().unwrap();
                    w.count()
                })
                .unwrap(),
            3
        );

        // a user change survives reopening
        std::fs::write(demo.project.join("notes.txt"), "mine").unwrap();
        let again = demo::ensure(&root).unwrap();
        assert_eq!(std::fs::read_to_string(again.project.join("notes.txt")).unwrap(), "mine");
    }

    #[test]
    fn inbox_checks_say_how_each_item_applies_and_are_kept() {
        let dir = tempfile::tempdir().unwrap();
        let demo = demo::ensure(&dir.path().join("d")).unwrap();
        let project = Project::open(&demo.project).unwrap();
        project.seed_demo_inbox(&demo).unwrap();
        let checks = project.check_items().unwrap();
        let by_task =
            |t: &str| checks.iter().find(|c| c.name.contains(t)).unwrap_or_else(|| panic!("{t} in {checks:?}"));
        assert_eq!(checks.len(), 3, "{checks:?}");
        let clean = by_task("F2.2");
        assert_eq!((clean.outcome, clean.repairs, clean.problem_files), (patchdesk_apply::Outcome::Clean, 0, 0));
        assert!(clean.files >= 1 && clean.added > 0);
        let chat = by_task("F2.1");
        assert_eq!(chat.outcome, patchdesk_apply::Outcome::Repaired);
        assert!(chat.repairs >= 1);
        assert_eq!(by_task("F3.1").outcome, patchdesk_apply::Outcome::Clean);
        // Kept per content and base: a second call reads the cache and gives the same answer.
        let cache = project.repo().path().join("patchdesk/checks.json");
        assert!(cache.is_file());
        assert_eq!(project.check_items().unwrap(), checks);
        // A new base commit means a fresh check (the key changes), still the same answers here.
        std::fs::write(demo.project.join("unrelated.txt"), "x\n").unwrap();
        crate::record::commit_paths(project.repo(), &["unrelated.txt"], "An unrelated change").unwrap();
        let again = project.check_items().unwrap();
        assert_eq!(again.len(), 3);
        let text = std::fs::read_to_string(&cache).unwrap();
        assert!(
            !text.contains(&format!("@{}", git2::Oid::ZERO_SHA1)) && text.matches('@').count() == 3,
            "only current entries kept: {text}"
        );
    }

    /// Whether stock `git apply --check` takes `patch` in `project`.
    fn git_apply_check(project: &Path, patch: &Path) -> bool {
        let out =
            std::process::Command::new("git").arg("-C").arg(project).args(["apply", "--check"]).arg(patch).output();
        out.unwrap().status.success()
    }

    #[test]
    fn demo_downloads_are_what_pods_hand_over() {
        let dir = tempfile::tempdir().unwrap();
        let demo = demo::ensure(&dir.path().join("d")).unwrap();
        let downloads = demo.downloads().unwrap();
        let names: Vec<&str> = downloads.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, [demo::CLEAN_PATCH, demo::CLEAN_SIDECAR, demo::CHAT_PATCH, demo::ZIP_BUNDLE]);

        // the clean patch applies with stock git to the demo's HEAD
        let clean = demo.downloads.join(demo::CLEAN_PATCH);
        assert!(git_apply_check(&demo.project, &clean), "clean demo patch must apply");

        // the chat patch is really damaged: stock git refuses it
        let chat = demo.downloads.join(demo::CHAT_PATCH);
        assert!(!git_apply_check(&demo.project, &chat), "chat patch should need repair");
        let text = std::fs::read_to_string(&chat).unwrap();
        assert!(text.contains("```diff") && !text.contains("diff --git"));

        // the ZIP carries metadata, reasoning and a full file, plus Finder junk
        let zip_bytes = std::fs::read(demo.downloads.join(demo::ZIP_BUNDLE)).unwrap();
        let zip = zip::ZipArchive::new(std::io::Cursor::new(zip_bytes)).unwrap();
        let names: Vec<&str> = zip.file_names().collect();
        for expected in [
            "metadata.json",
            "reasoning_trace.md",
            "prompt_used.txt",
            "docs/rtp_guidance.md",
            "__MACOSX/docs/._rtp_guidance.md",
        ] {
            assert!(names.contains(&expected), "{expected} missing from {names:?}");
        }
    }

    #[test]
    fn demo_overview_has_inbox_and_board() {
        let dir = tempfile::tempdir().unwrap();
        let demo = demo::ensure(&dir.path().join("d")).unwrap();
        let project = Project::open(&demo.project).unwrap();
        project.seed_demo_inbox(&demo).unwrap();
        let overview = project.overview().unwrap();
        let mut tasks: Vec<_> = overview.inbox.iter().map(|i| i.task_id.clone().unwrap_or_default()).collect();
        tasks.sort();
        assert_eq!(tasks, ["F2.1", "F2.2", "F3.1"]);
        let clean = overview.inbox.iter().find(|i| i.task_id.as_deref() == Some("F2.2")).unwrap();
        assert_eq!(clean.summary.as_deref(), Some("Stage guidance with a symptom fallback"));
        assert_eq!(clean.pod.as_deref(), Some("DevPod"));
        // the chat patch names no pod: it belongs to the pod holding task F2.1
        let chat = overview.inbox.iter().find(|i| i.task_id.as_deref() == Some("F2.1")).unwrap();
        assert_eq!(chat.pod.as_deref(), Some("QAPod"));
        assert!(overview.board.problems.is_empty(), "{:?}", overview.board.problems);
        let f21 = overview.board.task("F2.1").unwrap();
        assert_eq!(f21.pod.as_deref(), Some("QAPod"));
        assert!(f21.ready);
        assert!(!overview.board.task("F4.1").unwrap().ready, "F4.1 waits for F2.2 and F3.1");

        // seeding again (every start) adds nothing, even after the user cleared an item
        project.seed_demo_inbox(&demo).unwrap();
        assert_eq!(project.overview().unwrap().inbox.len(), 3);
    }

    #[test]
    fn opening_a_plain_folder_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let err = Project::open(dir.path()).err().unwrap();
        assert_eq!(err.code(), Code::RepoNotFound);
        assert!(err.to_string().contains("no git repository"));
    }
}
