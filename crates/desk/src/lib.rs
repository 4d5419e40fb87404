//! The lead's desk: Patchdesk's application API. One public function per workflow a lead or a
//! pod knows — open a project (or the demo), import, review, check items, reject or keep, send
//! for review, follow reviews, hand off, tasks and what is next, metrics, sign in, settings —
//! and the background rounds (the Downloads pickup, the minute's follow-up) as plain steps a
//! front end repeats.
//!
//! Every front end (the window in `src-tauri`, the `patchdesk` CLI, the pod API that comes
//! next) depends on this crate and `patchdesk-error` only: it turns its inputs into a call here
//! and the answer into JSON, text or an event. Inputs are plain data (paths, names, a time
//! value); outputs are serializable types (with `specta` for the window); errors are
//! `patchdesk_error::UserError` codes. The types a front end needs are re-exported below, so no
//! front end names a domain crate.
//!
//! Workflows that only read or write the project take a [`Project`] (or its folder); those that
//! talk to a remote take the [`Desk`] (settings, sign-in, the environment's say) and the
//! project's folder, so they can run off the window's thread without holding the project.

pub mod action;
pub mod agent;
pub mod apply;
pub mod background;
pub mod board;
pub mod downloads;
pub mod follow;
pub mod generate;
pub mod github;
pub mod inbox;
pub mod live;
pub mod pods;
pub mod practice;
pub mod results;
pub mod review;
pub mod send;
pub mod settings;
pub mod tokens;
pub mod undo;
pub mod watch;

pub use patchdesk_clock::{Clock, SystemClock, TestClock};
use patchdesk_error::{Code, UserError};
use patchdesk_forge::{Forge, GitHub, PracticeRemote};
use settings::{GitHubPlace, Overrides};
use std::path::{Path, PathBuf};
use std::sync::Arc;

// ---- types the front ends need, so they never name a domain crate ----
pub use patchdesk_error::Coded;
pub use patchdesk_forge::{
    Account, Check, Checks, ChecksState, Feedback, FeedbackSummary, ForgeKind, MergeMethod, RepoSummary, ReviewComment,
    ReviewState, ReviewVerdict, Standing, Verdict,
};
pub use patchdesk_intake::{kind_label, ImportReport, InboxItem, PastePreview, SeenFile, Status};
pub use patchdesk_logs::Metrics;
pub use patchdesk_project::connect::CloneProgress;
pub use patchdesk_project::demo;
pub use patchdesk_project::demo::DemoProject;
pub use patchdesk_project::record::{HandedOff, TaskList, TaskRow};
pub use patchdesk_project::review::{
    DiffHunk, DiffLine, DiffLineKind, FileAsk, FileDiff, ItemCheck, Review, ReviewFile, ReviewLog, RevisionReview,
    WholeChange,
};
pub use patchdesk_project::{Overview, Project, ProjectSummary, Rejected, RemoteInfo};
pub use patchdesk_promote::board::BoardSent;
pub use patchdesk_promote::lifecycle::{FollowReport, FollowedReview, ReviewChange};
pub use patchdesk_promote::{KnownReview, PromoteOutcome, PromotePreview, RevisionOf, Step, StepEvent, StepState};
pub use time::OffsetDateTime;

/// What every workflow that reaches past the project needs: where the lead's settings live and
/// what the environment overrides. Cheap to clone; holds no open file.
#[derive(Debug, Clone)]
pub struct Desk {
    data_dir: PathBuf,
    overrides: Overrides,
    /// The one place the real time comes from ([`SystemClock`] unless a test hands in another).
    clock: Arc<dyn Clock>,
}

/// A commit author: name and e-mail.
pub type Author = (String, String);

/// The forge behind a project's remote, chosen once for every front end, and the commit author
/// to use with it (the signed-in person, with GitHub's private no-reply address), if known.
pub struct ChosenForge {
    pub forge: Box<dyn Forge>,
    pub author: Option<Author>,
}

/// Where a project sends its work: a git address and, when the person named it, the GitHub
/// repository behind it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Remote {
    /// The git address pushed to.
    pub url: String,
    /// `OWNER/NAME` as the person gave it (the CLI's `--github-repo`). When given, the review
    /// requests go to that GitHub repository whatever the address looks like.
    pub github_repo: Option<String>,
}

impl Remote {
    /// `url` (when given) else the project's `origin`, with the GitHub repository the person
    /// named, if any. `None` when there is neither.
    pub fn of(workdir: &Path, url: Option<&str>, github_repo: Option<&str>) -> Option<Remote> {
        let url = url.map(str::to_string).or_else(|| origin_url(workdir))?;
        Some(Remote { url, github_repo: github_repo.map(str::to_string) })
    }

    /// The project's `origin`.
    pub fn origin(workdir: &Path) -> Option<Remote> {
        Remote::of(workdir, None, None)
    }

    /// [`Remote::of`], or the refusal a person can act on.
    pub fn required(workdir: &Path, url: Option<&str>, github_repo: Option<&str>) -> Result<Remote, UserError> {
        Remote::of(workdir, url, github_repo).ok_or_else(|| {
            UserError::new(Code::NoRemote, "This project has no remote called origin to send the change to.")
        })
    }
}

/// `origin`'s address in the repository at `workdir`.
fn origin_url(workdir: &Path) -> Option<String> {
    let repo = git2::Repository::open(workdir).ok()?;
    let remote = repo.find_remote("origin").ok()?;
    remote.url().ok().map(str::to_string)
}

impl Desk {
    /// A desk whose settings live in `data_dir`, with the environment's `overrides`.
    pub fn new(data_dir: impl Into<PathBuf>, overrides: Overrides) -> Desk {
        Desk { data_dir: data_dir.into(), overrides, clock: Arc::new(SystemClock) }
    }

    /// The same desk with another clock (tests: a [`patchdesk_clock::TestClock`]).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Desk {
        self.clock = clock;
        self
    }

    /// The desk's clock: what its background rounds and the practice remote stamp with.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    /// The desk of this process: the shared data folder ([`settings::data_dir`]) and the
    /// environment.
    pub fn from_env() -> Desk {
        Desk::new(settings::data_dir(), Overrides::from_env())
    }

    /// The app's data folder (demo, clones, settings).
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// What the environment overrides.
    pub fn overrides(&self) -> &Overrides {
        &self.overrides
    }

    /// The lead's settings.
    pub fn settings(&self) -> Result<settings::Settings, UserError> {
        settings::read_settings(&self.data_dir)
    }

    /// Which GitHub to use and which OAuth app signs in.
    pub fn github_place(&self) -> Result<GitHubPlace, UserError> {
        settings::github_place(&self.data_dir, &self.overrides)
    }

    /// The forge for `remote`: the practice remote for a folder on this disk, unless the person
    /// named a GitHub repository; otherwise GitHub (the server from the settings or the
    /// environment), with `GITHUB_TOKEN` when the environment gives one, else the sign-in kept
    /// in the system keyring.
    pub fn forge(&self, remote: &Remote) -> Result<ChosenForge, UserError> {
        if remote.github_repo.is_none() && PracticeRemote::is_local_url(&remote.url) {
            let forge =
                PracticeRemote::open(&remote.url).map_err(|e| UserError::from(&e))?.with_clock(self.clock.clone());
            return Ok(ChosenForge { forge: Box::new(forge), author: None });
        }
        let name = remote.github_repo.clone().or_else(|| GitHub::repo_from_url(&remote.url)).ok_or_else(|| {
            UserError::new(
                Code::RemoteRepoNotFound,
                format!("Cannot tell which GitHub repository {} is. Connect the repository from GitHub in Patchdesk, or name it with --github-repo OWNER/NAME.", remote.url),
            )
        })?;
        let signin = github::sign_in(self)?;
        let base = signin.base().clone();
        let (token, author) = match &self.overrides.github_token {
            Some(t) => (patchdesk_forge::Secret::new(t.clone()), None),
            None => match signin.saved().map_err(|e| UserError::from(&e))? {
                Some((login, token)) => {
                    let author = (login.clone(), format!("{login}@users.noreply.{}", base.host()));
                    (token, Some(author))
                }
                None => {
                    return Err(UserError::new(
                        Code::NotSignedIn,
                        format!(
                        "Not signed in to {}. Sign in to GitHub in Patchdesk (or set GITHUB_TOKEN), then try again.",
                        base.host()
                    ),
                    ))
                }
            },
        };
        let forge = GitHub::new(base, &name, token).map_err(|e| UserError::from(&e))?;
        Ok(ChosenForge { forge: Box::new(forge), author })
    }
}

/// Opens the project whose working folder is `path` (or contains it).
pub fn open_project(path: &Path) -> Result<Project, UserError> {
    Ok(Project::open(path)?)
}

/// Builds (or reopens) the demo project in `root`, opens it and puts its sample downloads in
/// its inbox the first time.
pub fn open_demo(root: &Path) -> Result<(DemoProject, Project), UserError> {
    let demo = patchdesk_project::demo::ensure(root)?;
    let project = Project::open(&demo.project)?;
    project.seed_demo_inbox(&demo)?;
    Ok((demo, project))
}

impl Desk {
    /// The built-in demo in the app's data folder, built on first use.
    pub fn demo_project(&self) -> Result<Project, UserError> {
        open_demo(&self.data_dir.join("demo")).map(|(_, p)| p)
    }
}

/// What the first screen shows: name, inbox and board.
pub fn overview(project: &Project) -> Result<Overview, UserError> {
    Ok(project.overview()?)
}
