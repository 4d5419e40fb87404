//! Promote: a reviewed inbox item becomes **one commit** on a well-named branch on the remote,
//! and a pull request (GitHub) or review request (practice remote) — safely and resumably.
//!
//! A promote is a recorded sequence of [`Step`]s, kept in `.patchdesk/promote/<item>.json`
//! ([`PromoteRecord`]). Each step first checks whether its effect already happened, so running
//! promote again after a crash, a kill or a dropped network at any point finishes the job with
//! exactly one branch, one commit and one pull request:
//!
//! 1. **prepare**: list the remote's branches, fetch the base branch (and the work branch if it
//!    exists) into `refs/patchdesk/remote/…` — never the user's branches, index, stash or
//!    working tree — and fix the branch name, pod and start time.
//! 2. **commit**: apply the item to the fetched base tree (objects only) and add the delivery
//!    logs; write one commit (parent: the base) dated at the recorded start time, so a rebuilt
//!    commit is byte-identical. A commit already on the remote branch for this item (same
//!    `Patch:` trailer, parent the base) is adopted instead.
//! 3. **push**: check the remote branch first — already our commit: skip; someone else's work:
//!    refuse — then push without force.
//! 4. **open_review**: open the pull request; if GitHub answers that one already exists for the
//!    branch, find it and reuse it.
//! 5. **finish**: labels, reviewers, and the inbox item marked promoted.
//!
//! ## The pull request link and the one commit
//! The PR number is only known after the branch is pushed, and changing the commit afterwards
//! would need a second commit or a forced push. So the committed metadata
//! (`.logs/patches/<name>.json`) carries `status: promoted`, the branch, the base, and
//! `pull_request`: a link that finds the branch's pull request (GitHub's PR search for
//! `head:<branch>`), which is known before the PR exists and leads to it afterwards. The exact
//! PR number and URL go into the PR-independent places: the promote record and the result.
//!
//! Progress is reported through a callback with a [`StepEvent`] per step change.
//!
//! ## The review lifecycle
//! This crate owns a review request from start to end: promote opens it (above), [`lifecycle`]
//! follows it (merged → the task done, closed → back to its pod), [`refresh`] remakes the other
//! open ones after a merge, and [`board`] sends the board's commits to the remote. One type,
//! [`KnownReview`], describes a request Patchdesk opened; no other crate reads these records.

pub mod board;
pub mod body;
pub mod catch_up;
mod content;
pub mod lifecycle;
mod merge;
pub mod record;
pub mod refresh;
mod request;
pub mod revision;
mod transport;
pub mod undo;

pub use config::{LogChoice, PromoteConfig, ReviewPolicy, ALL_LOGS, CONFIG_FILE};
pub use patchdesk_project::config;
pub use record::{load_record, record_path, sent_reviews, PromoteRecord, StepRecord, RECORD_DIR};
pub use request::KnownReview;
pub use transport::{FETCH_PREFIX, PROMOTE_PREFIX};

use std::path::{Path, PathBuf};

use git2::{Oid, Repository};
use patchdesk_error::{Code, Coded};
use patchdesk_forge::{Forge, ForgeError, NewReview};
use patchdesk_intake::{IntakeError, Kind, Queue, Status};
use serde::{Deserialize, Serialize};

/// The steps of a promote, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// Fetch the base branch, fix names.
    Prepare,
    /// Build the one commit.
    Commit,
    /// Push the branch.
    Push,
    /// Open (or find) the pull request.
    OpenReview,
    /// Labels, reviewers, inbox status.
    Finish,
}

impl Step {
    /// All steps in order.
    pub const ALL: [Step; 5] = [Step::Prepare, Step::Commit, Step::Push, Step::OpenReview, Step::Finish];

    /// The step's wire name (`open_review`).
    pub fn as_str(self) -> &'static str {
        match self {
            Step::Prepare => "prepare",
            Step::Commit => "commit",
            Step::Push => "push",
            Step::OpenReview => "open_review",
            Step::Finish => "finish",
        }
    }
}

/// Where a step is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum StepState {
    /// Begun.
    Started,
    /// Done now.
    Done,
    /// Already done before (a rerun), nothing to do.
    Skipped,
    /// Failed; the detail says why.
    Failed,
}

/// One progress report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct StepEvent {
    /// Which step.
    pub step: Step,
    /// Its state.
    pub state: StepState,
    /// Plain-words detail.
    pub detail: String,
}

/// What to promote, and where.
#[derive(Debug, Clone)]
pub struct PromoteRequest {
    /// The repository's working folder (its inbox lives there).
    pub workdir: PathBuf,
    /// Inbox item name.
    pub item: String,
    /// Git URL of the remote (`origin`'s, or one given). Must not carry credentials.
    pub remote_url: String,
    /// Base branch; `None`: the settings' `base`, else the remote's default branch.
    pub base: Option<String>,
    /// Draft pull request; `None`: the settings' `draft`.
    pub draft: Option<bool>,
    /// Commit author (name, e-mail): the signed-in user; `None`: git config, else "Patchdesk".
    pub author: Option<(String, String)>,
    /// Branch name instead of the settings' pattern (`chatgpt/<pod>/<task_id>`).
    pub branch: Option<String>,
    /// Pull request title instead of `[<task_id>] <summary>` (blank: the default).
    pub title: Option<String>,
    /// Pull request description instead of the one made from the pod's logs (blank: the
    /// default). Kept under GitHub's limit like the default one.
    pub body: Option<String>,
    /// Labels instead of the settings' (`pod:<pod>` by default); `<pod>` is filled in.
    pub labels: Option<Vec<String>>,
    /// Reviewers (GitHub logins) instead of the settings'.
    pub reviewers: Option<Vec<String>>,
    /// Risky paths (workflows, submodules, hooks, links, Patchdesk's own folders…) the lead
    /// has looked at and confirmed with "I understand". A change touching any other risky path
    /// is not sent ([`PromoteError::RisksNotConfirmed`]).
    pub confirmed_risks: Vec<String>,
    /// Open a new review request even when the item's task already has an open one (by
    /// default the item is a revision of that request and updates it, see [`revision`]).
    pub new_request: bool,
    /// For tests of resumability: stop with [`PromoteError::Interrupted`] right after this
    /// step's effect happened and before it was recorded, as a kill would.
    pub interrupt_after: Option<Step>,
    /// Where the run's times come from (the record's steps, the commit's date): the real
    /// clock unless a caller (a test) hands another in.
    pub clock: std::sync::Arc<dyn patchdesk_clock::Clock>,
}

impl PromoteRequest {
    /// A request with defaults for everything optional.
    pub fn new(workdir: impl Into<PathBuf>, item: &str, remote_url: &str) -> PromoteRequest {
        PromoteRequest {
            workdir: workdir.into(),
            item: item.to_string(),
            remote_url: remote_url.to_string(),
            base: None,
            draft: None,
            author: None,
            branch: None,
            title: None,
            body: None,
            labels: None,
            reviewers: None,
            confirmed_risks: Vec::new(),
            new_request: false,
            interrupt_after: None,
            clock: std::sync::Arc::new(patchdesk_clock::SystemClock),
        }
    }
}

/// The result of a finished promote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct PromoteOutcome {
    /// Work branch.
    pub branch: String,
    /// Base branch.
    pub base: String,
    /// The one commit.
    pub commit: String,
    /// Pull request number.
    pub pr_number: u64,
    /// Pull request link.
    pub pr_url: String,
    /// The steps of this run.
    pub steps: Vec<StepEvent>,
    /// True when the item updated its task's open request (one more commit on its branch and
    /// a comment) instead of opening one.
    pub updated: bool,
    /// Which version of the request this item is (2 for the first revision); `None` when it
    /// opened the request.
    pub revision: Option<u32>,
}

/// Why a promote stopped. The item stays queued; running promote again continues.
#[derive(Debug, thiserror::Error)]
pub enum PromoteError {
    /// The inbox could not give the item.
    #[error(transparent)]
    Item(#[from] IntakeError),
    /// The item is a sidecar or log, or was rejected.
    #[error("{0}")]
    NotPromotable(String),
    /// The change does not fit the remote's base branch.
    #[error("{item} does not apply to the latest {base} on the remote: {detail}. Ask the pod for a patch made against the current {base}.")]
    DoesNotApply {
        /// Item.
        item: String,
        /// Base branch.
        base: String,
        /// Why.
        detail: String,
        /// Conflict (3-way merge) rather than a misfit.
        conflict: bool,
    },
    /// A revision does not fit the head of its open request's branch.
    #[error("{item} no longer applies on top of the branch {branch} of review request #{number} ({detail}); nothing was sent. Ask the pod for a revision made against that branch as it is now.")]
    RevisionDoesNotApply {
        /// Item.
        item: String,
        /// The request.
        number: u64,
        /// Its branch.
        branch: String,
        /// Why.
        detail: String,
        /// Conflict (3-way merge) rather than a misfit.
        conflict: bool,
    },
    /// The forge said no (or could not be reached).
    #[error(transparent)]
    Forge(#[from] ForgeError),
    /// The remote refused the push.
    #[error("The remote refused the branch {branch}: {detail}. Nothing was overwritten. If the branch holds someone else's work, change the branch pattern in .patchdesk/config.yaml or remove that branch on the remote, then send again.")]
    PushRejected {
        /// Branch.
        branch: String,
        /// The remote's words.
        detail: String,
    },
    /// git failed locally.
    #[error("git could not {action}: {detail}")]
    Git {
        /// What was attempted.
        action: String,
        /// git's message.
        detail: String,
    },
    /// The change touches paths the lead has not confirmed with "I understand".
    #[error("{}", unconfirmed_words(item, risks))]
    RisksNotConfirmed {
        /// Item.
        item: String,
        /// The risky paths not yet confirmed, each with its sentence.
        risks: Vec<patchdesk_patch::RiskyPath>,
    },
    /// The settings file could not be read, or a setting in it cannot be used.
    #[error("{0}")]
    Config(String),
    /// Something the lead gave cannot be used (a branch name, a remote address with a password).
    #[error("{0}")]
    Input(String),
    /// A file could not be read or written.
    #[error("Could not read or write {path}: {detail}")]
    Io {
        /// Path.
        path: String,
        /// Reason.
        detail: String,
    },
    /// A delivery log could not be updated.
    #[error(transparent)]
    Logs(#[from] patchdesk_logs::LogsError),
    /// "Undo merge" of a request that is not merged (or whose merge cannot be found).
    #[error("{0}")]
    NotMerged(String),
    /// A merged change no longer comes out cleanly: later changes touched the same lines.
    #[error("{0}")]
    UndoDoesNotApply(String),
    /// Stopped on purpose after a step (tests of resumability).
    #[error("stopped after the {} step on purpose", .0.as_str())]
    Interrupted(Step),
}

impl Coded for PromoteError {
    fn code(&self) -> Code {
        match self {
            PromoteError::Item(e) => e.code(),
            PromoteError::NotPromotable(_) => Code::PatchUnreadable,
            PromoteError::DoesNotApply { conflict: true, .. } => Code::MergeConflict,
            PromoteError::DoesNotApply { .. } => Code::PatchDoesNotApply,
            PromoteError::RevisionDoesNotApply { conflict: true, .. } => Code::MergeConflict,
            PromoteError::RevisionDoesNotApply { .. } => Code::PatchDoesNotApply,
            PromoteError::Forge(e) => e.code(),
            PromoteError::PushRejected { .. } => Code::PushRejected,
            PromoteError::Git { .. } => Code::Git,
            PromoteError::RisksNotConfirmed { .. } => Code::RisksNotConfirmed,
            PromoteError::Config(_) => Code::SettingsInvalid,
            PromoteError::Input(_) => Code::InputInvalid,
            PromoteError::Io { .. } => Code::Io,
            PromoteError::Logs(e) => e.code(),
            PromoteError::NotMerged(_) => Code::NotMerged,
            PromoteError::UndoDoesNotApply(_) => Code::UndoDoesNotApply,
            PromoteError::Interrupted(_) => Code::Internal,
        }
    }
}

impl From<patchdesk_project::config::ConfigError> for PromoteError {
    fn from(e: patchdesk_project::config::ConfigError) -> Self {
        PromoteError::Config(e.0)
    }
}

impl PromoteError {
    /// True when the failure is the network's: the item waits and can be sent later.
    pub fn is_offline(&self) -> bool {
        matches!(self, PromoteError::Forge(ForgeError::Offline { .. }))
    }
}

fn unconfirmed_words(item: &str, risks: &[patchdesk_patch::RiskyPath]) -> String {
    let what: Vec<&str> = risks.iter().map(|r| r.message.as_str()).collect();
    format!(
        "{item} was not sent: it {}. Look at these files in the review and tick \"I understand\" if you want to send them, or ask the pod to leave them out.",
        what.join("; it ")
    )
}

fn git_err(action: &str) -> impl Fn(git2::Error) -> PromoteError + '_ {
    move |e| PromoteError::Git { action: action.to_string(), detail: e.message().to_string() }
}

struct Run<'a> {
    req: &'a PromoteRequest,
    forge: &'a dyn Forge,
    on_event: &'a dyn Fn(StepEvent),
    events: Vec<StepEvent>,
    rec: PromoteRecord,
}

impl Run<'_> {
    fn event(&mut self, step: Step, state: StepState, detail: &str) {
        let e = StepEvent { step, state, detail: detail.to_string() };
        (self.on_event)(e.clone());
        self.events.push(e);
        self.rec.mark(step, state, &patchdesk_clock::rfc3339_seconds(self.req.clock.now()), detail);
    }

    fn save(&self) -> Result<(), PromoteError> {
        record::save_record(&self.req.workdir, &self.rec)
    }

    fn interrupt(&self, step: Step) -> Result<(), PromoteError> {
        if self.req.interrupt_after == Some(step) {
            return Err(PromoteError::Interrupted(step));
        }
        Ok(())
    }
}

/// Promotes one inbox item: see the module documentation for the steps. Blocking (git and
/// network); the app runs it off the UI thread. `on_event` receives every step change.
pub fn promote(
    req: &PromoteRequest,
    forge: &dyn Forge,
    on_event: &dyn Fn(StepEvent),
) -> Result<PromoteOutcome, PromoteError> {
    if board::has_credentials(&req.remote_url) {
        return Err(PromoteError::Input("the remote address carries a user name or password; Patchdesk uses the saved sign-in instead. Remove the credentials from the address.".into()));
    }
    let queue = Queue::open(&req.workdir)?;
    let item = queue.get(&req.item)?;
    if matches!(item.kind, Kind::Sidecar | Kind::Log { .. }) {
        return Err(PromoteError::NotPromotable(format!(
            "{} is a pod's metadata or log, not a change; it is sent with the patch it belongs to.",
            item.file_name
        )));
    }
    if item.status == Status::Rejected {
        return Err(PromoteError::NotPromotable(format!("{} was turned down; it is not sent for review.", item.name)));
    }
    let config = PromoteConfig::load(&req.workdir)?;
    let repo = Repository::discover(&req.workdir).map_err(|_| PromoteError::Git {
        action: "open the repository".into(),
        detail: format!("there is no git repository at {}", req.workdir.display()),
    })?;

    let mut rec = match load_record(&req.workdir, &req.item)? {
        Some(r) => r,
        None => PromoteRecord::new(&req.item, &req.remote_url, &patchdesk_clock::rfc3339_seconds(req.clock.now())),
    };
    if rec.finished
        && matches!(item.status, Status::Queued | Status::Reviewed)
        && revision::withdrawn(&req.workdir, &rec)
    {
        // Its request was withdrawn and the item put back in the inbox: sending it opens a new one.
        rec = PromoteRecord::new(&req.item, &req.remote_url, &patchdesk_clock::rfc3339_seconds(req.clock.now()));
    }
    if req.new_request && rec.revision_of.is_some() && !rec.pushed {
        // A revision that never reached its request becomes a request of its own when asked.
        rec = PromoteRecord::new(&req.item, &req.remote_url, &patchdesk_clock::rfc3339_seconds(req.clock.now()));
    }
    if rec.branch.is_none() && !req.new_request {
        if let Some(open) = revision::open_request_for(&req.workdir, &item) {
            revision::begin(&mut rec, &open, &req.workdir, &item);
        }
    }
    let mut run = Run { req, forge, on_event, events: Vec::new(), rec };
    let result = if run.rec.revision_of.is_some() {
        revision::steps(&mut run, &repo, &queue, &item, &config)
    } else {
        steps(&mut run, &repo, &queue, &item, &config)
    };
    match result {
        Ok(outcome) => {
            tracing::info!(item = %run.req.item, "promote finished");
            Ok(outcome)
        }
        Err(PromoteError::Interrupted(step)) => Err(PromoteError::Interrupted(step)),
        Err(e) => {
            let step = Step::ALL
                .into_iter()
                .find(|s| run.rec.steps.iter().any(|r| r.step == *s && r.state == StepState::Started))
                .unwrap_or(Step::Prepare);
            run.rec.status = if e.is_offline() {
                "Waiting to send: no network connection. Send again when online.".into()
            } else {
                format!("Not sent: {e}")
            };
            let msg = e.to_string();
            run.event(step, StepState::Failed, &msg);
            tracing::warn!(item = %run.req.item, ?step, code = %e.code(), "promote stopped");
            if let Err(save) = run.save() {
                tracing::warn!(item = %run.req.item, code = %save.code(), "the promote record could not be saved after a failure");
            }
            Err(e)
        }
    }
}

fn steps(
    run: &mut Run<'_>,
    repo: &Repository,
    queue: &Queue,
    item: &patchdesk_intake::InboxItem,
    config: &PromoteConfig,
) -> Result<PromoteOutcome, PromoteError> {
    let url = run.req.remote_url.clone();
    let creds = run.forge.git_credentials();
    let key = transport::remote_key(&url);

    // 1. prepare
    if run.rec.base_commit.is_some() && run.rec.branch.is_some() {
        run.event(Step::Prepare, StepState::Skipped, "fetched before");
    } else {
        run.event(Step::Prepare, StepState::Started, "reading the remote");
        let (heads, default) = transport::list_remote(repo, &url, creds)?;
        // The remote's HEAD names its default branch; a bare repository made with a plain
        // `git init --bare` may point HEAD at a branch that does not exist, so check.
        let has = |b: &str| heads.iter().any(|(n, _)| n == b);
        let default =
            default.filter(|d| has(d)).or_else(|| ["main", "master"].into_iter().find(|b| has(b)).map(str::to_string));
        let base = match run.req.base.clone().or_else(|| config.base.clone()).or(default) {
            Some(b) => b,
            None => run.forge.default_branch()?,
        };
        if !heads.iter().any(|(n, _)| *n == base) {
            return Err(PromoteError::Forge(ForgeError::Invalid {
                detail: format!("the base branch {base} does not exist on the remote"),
            }));
        }
        transport::fetch(repo, &url, creds, &key, &[base.as_str()])?;
        let base_commit =
            repo.find_reference(&format!("{FETCH_PREFIX}/{key}/{base}")).ok().and_then(|r| r.target()).ok_or_else(
                || PromoteError::Git {
                    action: "fetch the base branch".into(),
                    detail: format!("{base} was not fetched"),
                },
            )?;
        let mut names = content::names(repo, item, config, base_commit)?;
        if let Some(own) = run.req.branch.as_deref().map(str::trim).filter(|b| !b.is_empty()) {
            if !git2::Reference::is_valid_name(&format!("refs/heads/{own}")) || own == base {
                return Err(PromoteError::Input(format!("{own:?} cannot be the branch for this change; use letters, digits, dashes and slashes, and not the base branch")));
            }
            names.branch = own.to_string();
        } else if run.req.new_request {
            // A second request for a task with an open one: a branch of its own.
            let first = names.branch.clone();
            let mut n = 2;
            while heads.iter().any(|(b, _)| *b == names.branch) {
                names.branch = format!("{first}-{n}");
                n += 1;
            }
        }
        if heads.iter().any(|(n, _)| *n == names.branch) {
            // An earlier run may have pushed it: fetch it to compare (and maybe adopt).
            transport::fetch(repo, &url, creds, &key, &[names.branch.as_str()])?;
        }
        run.interrupt(Step::Prepare)?;
        run.rec.base = Some(base.clone());
        run.rec.branch = Some(names.branch.clone());
        run.rec.pod = Some(names.pod.clone());
        run.rec.base_commit = Some(base_commit.to_string());
        run.event(Step::Prepare, StepState::Done, &format!("base {base} at {}", &base_commit.to_string()[..7]));
        run.save()?;
    }
    let base = run.rec.base.clone().unwrap_or_default();
    let branch = run.rec.branch.clone().unwrap_or_default();
    let pod = run.rec.pod.clone().unwrap_or_default();
    let base_commit = Oid::from_str(run.rec.base_commit.as_deref().unwrap_or_default())
        .map_err(git_err("read the recorded base commit"))?;
    let source_ref = format!("{PROMOTE_PREFIX}/{branch}");

    // The commit's content on the base, as recorded so far (with the risks the lead confirmed,
    // or none when they were confirmed before the commit was pushed).
    let build = |run: &Run<'_>, risks: Option<&[String]>| {
        content::build(repo, queue, item, config, run.forge, &run.rec, base_commit, run.req.author.clone(), risks)
    };

    // 2. commit
    let existing =
        run.rec.commit.as_deref().and_then(|c| Oid::from_str(c).ok()).filter(|c| repo.find_commit(*c).is_ok());
    let (commit, mut built) = match existing {
        Some(c) => {
            run.event(Step::Commit, StepState::Skipped, "made before");
            repo.reference(&source_ref, c, true, "patchdesk: promote").map_err(git_err("keep the promote commit"))?;
            (c, None)
        }
        None => {
            run.event(Step::Commit, StepState::Started, "applying the change to the latest base");
            let built = build(run, Some(&run.req.confirmed_risks))?;
            let adopted = adopt_remote(repo, &key, &branch, base_commit, &built.message);
            let commit = match adopted {
                Some(c) => c,
                None => built.write_commit(repo, base_commit)?,
            };
            repo.reference(&source_ref, commit, true, "patchdesk: promote")
                .map_err(git_err("keep the promote commit"))?;
            run.interrupt(Step::Commit)?;
            run.rec.commit = Some(commit.to_string());
            let detail =
                if adopted.is_some() { "found on the remote branch from an earlier run" } else { "one commit" };
            run.event(Step::Commit, StepState::Done, detail);
            run.save()?;
            (commit, Some(built))
        }
    };

    // 3. push
    if run.rec.pushed {
        run.event(Step::Push, StepState::Skipped, "pushed before");
    } else {
        run.event(Step::Push, StepState::Started, &format!("sending {branch}"));
        let (heads, _) = transport::list_remote(repo, &url, creds)?;
        match heads.iter().find(|(n, _)| *n == branch).map(|(_, o)| *o) {
            Some(remote) if remote == commit => {
                run.interrupt(Step::Push)?;
                run.rec.pushed = true;
                run.event(Step::Push, StepState::Skipped, "already on the remote");
            }
            Some(remote) if !repo.graph_descendant_of(commit, remote).unwrap_or(false) => {
                return Err(PromoteError::PushRejected {
                    branch: branch.clone(),
                    detail: format!("it already exists there with other work (commit {})", &remote.to_string()[..7]),
                });
            }
            _ => {
                transport::push(repo, &url, creds, &source_ref, &branch)?;
                run.interrupt(Step::Push)?;
                run.rec.pushed = true;
                run.event(Step::Push, StepState::Done, "pushed");
            }
        }
        run.save()?;
    }

    // 4. open the pull request
    if run.rec.review_number.is_some() {
        run.event(Step::OpenReview, StepState::Skipped, "opened before");
    } else {
        run.event(Step::OpenReview, StepState::Started, "opening the pull request");
        let built = match built.take() {
            Some(b) => b,
            // The commit was built (and its risks confirmed) before it was pushed.
            None => build(run, None)?,
        };
        let title = run
            .req
            .title
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_string)
            .unwrap_or_else(|| built.title.clone());
        let body = run
            .req
            .body
            .as_deref()
            .filter(|b| !b.trim().is_empty())
            .map(body::fit_own_text)
            .unwrap_or_else(|| built.body.clone());
        let new = NewReview {
            title,
            body,
            branch: branch.clone(),
            base: base.clone(),
            draft: run.req.draft.unwrap_or(config.draft),
        };
        let (review, detail) = match run.forge.open_review(&new) {
            Ok(r) => (r, "opened"),
            Err(ForgeError::ReviewExists { .. }) => match run.forge.find_open_review(&branch, &base)? {
                Some(r) => (r, "found the one already open"),
                None => {
                    return Err(PromoteError::Forge(ForgeError::Invalid {
                        detail: format!("GitHub says a pull request for {branch} exists, but none is open into {base}"),
                    }))
                }
            },
            Err(ForgeError::Offline { host, detail }) => {
                // The answer may have been lost after GitHub opened it: look before giving up.
                match run.forge.find_open_review(&branch, &base) {
                    Ok(Some(r)) => (r, "found the one opened when the connection dropped"),
                    _ => return Err(PromoteError::Forge(ForgeError::Offline { host, detail })),
                }
            }
            Err(e) => return Err(e.into()),
        };
        run.interrupt(Step::OpenReview)?;
        run.rec.review_number = Some(review.number);
        run.rec.review_url = Some(review.url.clone());
        run.event(Step::OpenReview, StepState::Done, &format!("#{} {detail}", review.number));
        run.save()?;
    }
    let number = run.rec.review_number.unwrap_or_default();

    // 5. finish
    if run.rec.finished {
        run.event(Step::Finish, StepState::Skipped, "finished before");
    } else {
        run.event(Step::Finish, StepState::Started, "labels and reviewers");
        let wanted = run.req.labels.as_ref().unwrap_or(&config.labels);
        let mut labels: Vec<String> =
            wanted.iter().map(|l| l.trim().replace("<pod>", &pod)).filter(|l| !l.is_empty()).collect();
        labels.dedup();
        run.forge.add_labels(number, &labels)?;
        let reviewers: Vec<String> = run
            .req
            .reviewers
            .as_ref()
            .unwrap_or(&config.reviewers)
            .iter()
            .map(|r| r.trim().trim_start_matches('@').to_string())
            .filter(|r| !r.is_empty())
            .collect();
        run.forge.request_reviewers(number, &reviewers)?;
        queue.set_status(&item.name, Status::Promoted)?;
        run.interrupt(Step::Finish)?;
        run.rec.finished = true;
        run.rec.status = String::new();
        run.event(Step::Finish, StepState::Done, "sent for review");
        run.save()?;
    }
    Ok(PromoteOutcome {
        branch,
        base,
        commit: commit.to_string(),
        pr_number: number,
        pr_url: run.rec.review_url.clone().unwrap_or_default(),
        steps: run.events.clone(),
        updated: false,
        revision: None,
    })
}

/// A commit already on the remote branch for this item (same subject and `Patch:` trailer,
/// parent the base): made by an earlier run whose record was lost.
fn adopt_remote(repo: &Repository, key: &str, branch: &str, base: Oid, message: &str) -> Option<Oid> {
    let tip = repo.find_reference(&format!("{FETCH_PREFIX}/{key}/{branch}")).ok()?.peel_to_commit().ok()?;
    let ours_subject = message.lines().next()?;
    let ours_patch = message.lines().find(|l| l.starts_with("Patch: "))?;
    let theirs = tip.message().ok()?;
    let same = theirs.lines().next() == Some(ours_subject) && theirs.lines().any(|l| l == ours_patch);
    (same && tip.parent_count() == 1 && tip.parent_id(0).ok()? == base).then(|| tip.id())
}

/// The sentence to show for an item whose promote did not finish, if any.
pub fn pending_status(workdir: &Path, item: &str) -> Option<String> {
    load_record(workdir, item).ok().flatten().filter(|r| !r.finished && !r.status.is_empty()).map(|r| r.status)
}

/// What "Send for review" will use unless the person changes it: the dialog shows these.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct PromotePreview {
    /// `[<task_id>] <summary>`.
    pub title: String,
    /// Labels with the pod filled in (`pod:dev`).
    pub labels: Vec<String>,
    /// Reviewers from the settings.
    pub reviewers: Vec<String>,
    /// Draft from the settings.
    pub draft: bool,
    /// The base branch from the settings, if one is set (else the remote's default branch).
    pub base: Option<String>,
    /// The branch the change will go on, from the settings' pattern (for a revision, the
    /// open request's branch).
    pub branch: String,
    /// The open review request sending this item updates ("Update review request #n"),
    /// `None` when sending opens a request.
    #[specta(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revision_of: Option<RevisionOf>,
}

/// The open review request an inbox item revises: "Revision 2 of #n".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct RevisionOf {
    /// The request's number.
    pub number: u64,
    /// Which version of it the item is (2 for the first revision).
    pub revision: u32,
}

/// The defaults for sending item `item` of the repository at `workdir` for review.
pub fn preview(workdir: &Path, item: &str) -> Result<PromotePreview, PromoteError> {
    let queue = Queue::open(workdir)?;
    let item = queue.get(item)?;
    let config = PromoteConfig::load(workdir)?;
    let pod = content::pod_for(workdir, &item);
    let mut labels: Vec<String> =
        config.labels.iter().map(|l| l.replace("<pod>", &pod)).filter(|l| !l.trim().is_empty()).collect();
    labels.dedup();
    let open = revision::open_request_for(workdir, &item);
    let branch = match open.as_ref().and_then(|o| o.branch.clone()) {
        Some(b) => b,
        None => content::branch_for(workdir, &item, &config, &pod)?,
    };
    let base = open.as_ref().and_then(|o| o.base.clone()).or_else(|| config.base.clone());
    // An item already sent as a revision keeps the version it was.
    let sent = load_record(workdir, &item.name)?
        .and_then(|r| Some(RevisionOf { number: r.revision_of?, revision: r.revision.unwrap_or(2) }));
    let revision_of = sent.or_else(|| {
        open.map(|o| RevisionOf { number: o.number, revision: o.revisions.unwrap_or(1).saturating_add(1) })
    });
    Ok(PromotePreview {
        title: content::default_title(&item),
        labels,
        reviewers: config.reviewers.clone(),
        draft: config.draft,
        base,
        branch,
        revision_of,
    })
}
