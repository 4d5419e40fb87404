//! What the stand-in knows: users, tokens, repositories (bare git repositories on disk),
//! pull requests, labels, pending device authorizations, and the test hooks. Tests seed and
//! inspect it through [`StandinState`].

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use serde_json::Value;

/// A collaborator's access to a repository, from least to most.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Permission {
    /// Read and clone.
    Read,
    /// Read plus managing issues and pull requests.
    Triage,
    /// Push, open and edit pull requests.
    Write,
    /// Write plus some repository settings.
    Maintain,
    /// Everything (the owner).
    Admin,
}

/// A repository to create with [`StandinState::add_repo`].
#[derive(Debug, Clone)]
pub struct RepoSpec {
    /// Owner login (created as a user without tokens when unknown).
    pub owner: String,
    /// Repository name.
    pub name: String,
    /// Default branch, `main` unless set.
    pub default_branch: String,
    /// Private repositories are invisible (404) to users without access.
    pub private: bool,
    /// Description shown in listings.
    pub description: Option<String>,
    /// Whether to create an initial commit (a README) on the default branch.
    pub initialize: bool,
}

impl RepoSpec {
    /// A public repository with a README commit on `main`.
    pub fn new(owner: &str, name: &str) -> Self {
        RepoSpec {
            owner: owner.to_string(),
            name: name.to_string(),
            default_branch: "main".to_string(),
            private: false,
            description: None,
            initialize: true,
        }
    }

    /// Makes the repository private.
    pub fn private(mut self) -> Self {
        self.private = true;
        self
    }

    /// Sets the default branch.
    pub fn default_branch(mut self, branch: &str) -> Self {
        self.default_branch = branch.to_string();
        self
    }

    /// Leaves the repository without any commit (like "create repository" without README).
    pub fn empty(mut self) -> Self {
        self.initialize = false;
        self
    }
}

/// Where a pull request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PullState {
    /// Open for review.
    Open,
    /// Closed without merge.
    Closed,
    /// Merged into its base.
    Merged,
}

/// A pull request as the stand-in holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PullRequest {
    /// Number, shared with issues of the repository.
    pub number: u64,
    /// Title.
    pub title: String,
    /// Body (markdown), if any.
    pub body: Option<String>,
    /// Head branch name (in the same repository).
    pub head: String,
    /// Base branch name.
    pub base: String,
    /// Draft flag.
    pub draft: bool,
    /// Open, closed or merged.
    pub state: PullState,
    /// Label names, in the order they were added.
    pub labels: Vec<String>,
    /// Logins whose review was requested.
    pub requested_reviewers: Vec<String>,
    /// Login of the user who opened it.
    pub author: String,
}

/// How far a device authorization has come.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceStatus {
    /// Waiting for the user to enter the code.
    Pending,
    /// Approved; the next poll receives the token.
    Approved,
    /// The user refused.
    Denied,
    /// The code timed out.
    Expired,
    /// The token was handed out; the code is used up.
    Completed,
}

/// A device authorization started with `POST /login/device/code`.
#[derive(Debug, Clone)]
pub struct DeviceAuthorization {
    /// The code the user types on the verification page (`ABCD-1234`).
    pub user_code: String,
    /// The OAuth app's client id.
    pub client_id: String,
    /// Scopes asked for.
    pub scopes: Vec<String>,
    /// How many times the app polled for the token.
    pub polls: u32,
    /// Where it stands.
    pub status: DeviceStatus,
}

/// A deliberate change to the next API response, to prove the OpenAPI check catches it.
#[derive(Debug, Clone)]
pub enum Tamper {
    /// Remove this top-level field (from each element when the body is an array).
    RemoveField(String),
    /// Set this top-level field to a value.
    SetField(String, Value),
    /// Answer with this status instead (body unchanged).
    Status(u16),
}

/// One request the stand-in answered.
#[derive(Debug, Clone)]
pub struct RequestRecord {
    /// HTTP method.
    pub method: String,
    /// Path and query.
    pub path: String,
    /// The OpenAPI operation id, `device-flow/...` or `git/...` for the non-REST parts.
    pub operation: Option<String>,
    /// Status sent.
    pub status: u16,
}

/// A request or response that does not match GitHub's description.
#[derive(Debug, Clone)]
pub struct Violation {
    /// HTTP method.
    pub method: String,
    /// Path and query.
    pub path: String,
    /// Operation id when the route is known.
    pub operation: Option<String>,
    /// What is wrong.
    pub problem: String,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {} ({}): {}",
            self.method,
            self.path,
            self.operation.as_deref().unwrap_or("no operation"),
            self.problem
        )
    }
}

#[derive(Debug, Clone)]
pub(crate) struct User {
    pub id: u64,
    pub login: String,
    pub name: Option<String>,
    pub email: Option<String>,
    pub created_at: String,
}

#[derive(Debug, Clone)]
pub(crate) struct Token {
    pub login: String,
    pub scopes: Vec<String>,
    pub revoked: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct Label {
    pub id: u64,
    pub name: String,
    pub color: String,
    pub description: Option<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct Pull {
    pub id: u64,
    pub public: PullRequest,
    pub created_at: String,
    pub updated_at: String,
    pub closed_at: Option<String>,
    pub merged_at: Option<String>,
    pub merged_by: Option<String>,
    pub merge_commit_sha: Option<String>,
    /// Head and base commits frozen when the pull request is closed or merged.
    pub frozen: Option<(String, String)>,
}

#[derive(Debug, Clone)]
pub(crate) struct Repo {
    pub id: u64,
    pub owner: String,
    pub name: String,
    pub default_branch: String,
    pub private: bool,
    pub description: Option<String>,
    pub created_at: String,
    pub collaborators: BTreeMap<String, Permission>,
    pub protected: BTreeSet<String>,
    pub labels: Vec<Label>,
    pub pulls: Vec<Pull>,
    pub next_number: u64,
    /// Submitted reviews of its pull requests.
    pub reviews: Vec<StoredReview>,
    /// Comments: on a line (`path` set, a review comment) or on a pull request (an issue comment).
    pub comments: Vec<StoredComment>,
    /// Commit statuses.
    pub statuses: Vec<StoredStatus>,
    /// Check runs.
    pub check_runs: Vec<StoredRun>,
}

#[derive(Debug, Clone)]
pub(crate) struct StoredReview {
    pub id: u64,
    pub number: u64,
    pub login: String,
    /// `APPROVED`, `CHANGES_REQUESTED`, `COMMENTED`.
    pub state: String,
    pub body: String,
    pub commit_id: String,
    pub submitted_at: String,
}

#[derive(Debug, Clone)]
pub(crate) struct StoredComment {
    pub id: u64,
    pub number: u64,
    pub login: String,
    pub body: String,
    pub path: Option<String>,
    pub line: Option<u32>,
    pub review_id: Option<u64>,
    pub commit_id: String,
    pub created_at: String,
}

#[derive(Debug, Clone)]
pub(crate) struct StoredStatus {
    pub id: u64,
    pub sha: String,
    pub context: String,
    pub state: String,
    pub created_at: String,
}

#[derive(Debug, Clone)]
pub(crate) struct StoredRun {
    pub id: u64,
    pub sha: String,
    pub name: String,
    pub status: String,
    pub conclusion: Option<String>,
    pub started_at: String,
}

impl Repo {
    pub fn full_name(&self) -> String {
        format!("{}/{}", self.owner, self.name)
    }

    /// What `login` may do here (owner: admin; public: read for everyone).
    pub fn permission(&self, login: Option<&str>) -> Option<Permission> {
        let granted = login.and_then(|l| {
            if l.eq_ignore_ascii_case(&self.owner) {
                Some(Permission::Admin)
            } else {
                self.collaborators.get(&l.to_lowercase()).copied()
            }
        });
        match granted {
            Some(p) => Some(p),
            None if !self.private => Some(Permission::Read),
            None => None,
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Device {
    pub device_code: String,
    pub public: DeviceAuthorization,
    pub approved_for: Option<String>,
    pub interval: u64,
    pub expires_at: Instant,
    pub last_poll: Option<Instant>,
}

#[derive(Debug)]
pub(crate) struct ForcedError {
    pub operation: String,
    pub status: u16,
    pub message: String,
}

/// Everything behind the lock.
#[derive(Debug, Default)]
pub(crate) struct World {
    pub users: Vec<User>,
    pub tokens: BTreeMap<String, Token>,
    pub repos: Vec<Repo>,
    pub next_id: u64,
    pub rate_limited: usize,
    pub rate_reset: u64,
    pub forced: Vec<ForcedError>,
    pub dropped: Vec<String>,
    pub tamper: Option<Tamper>,
    pub device_interval: u64,
    pub device_expires_in: u64,
    pub devices: Vec<Device>,
    pub requests: Vec<RequestRecord>,
    pub violations: Vec<Violation>,
    pub serial: u64,
}

impl World {
    pub fn new_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    pub fn user(&self, login: &str) -> Option<&User> {
        self.users.iter().find(|u| u.login.eq_ignore_ascii_case(login))
    }

    pub fn ensure_user(&mut self, login: &str) -> &User {
        if self.user(login).is_none() {
            let id = self.new_id();
            self.users.push(User {
                id,
                login: login.to_string(),
                name: None,
                email: None,
                created_at: crate::now_iso(),
            });
        }
        self.user(login).expect("just added")
    }

    pub fn repo_index(&self, owner: &str, name: &str) -> Option<usize> {
        self.repos.iter().position(|r| r.owner.eq_ignore_ascii_case(owner) && r.name.eq_ignore_ascii_case(name))
    }

    /// A fresh unguessable-looking value (tokens, device codes).
    pub fn random_hex(&mut self, len: usize) -> String {
        use sha2::{Digest, Sha256};
        self.serial += 1;
        let mut out = String::new();
        let mut round = 0u32;
        while out.len() < len {
            let mut h = Sha256::new();
            h.update(self.serial.to_le_bytes());
            h.update(round.to_le_bytes());
            h.update(std::process::id().to_le_bytes());
            h.update(format!("{:?}", std::time::SystemTime::now()).as_bytes());
            out.push_str(&hex::encode(h.finalize()));
            round += 1;
        }
        out.truncate(len);
        out
    }
}

pub(crate) struct Shared {
    pub world: Mutex<World>,
    pub repos_root: PathBuf,
    pub base_url: String,
}

impl Shared {
    pub fn lock(&self) -> MutexGuard<'_, World> {
        self.world.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn git_dir(&self, owner: &str, name: &str) -> PathBuf {
        self.repos_root.join(owner).join(format!("{name}.git"))
    }
}

/// A handle to seed and inspect the stand-in (cheap to clone, usable from any thread).
#[derive(Clone)]
pub struct StandinState {
    pub(crate) shared: Arc<Shared>,
}

impl std::fmt::Debug for StandinState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StandinState").field("base_url", &self.shared.base_url).finish()
    }
}

fn git_err(e: git2::Error) -> String {
    e.message().to_string()
}

impl StandinState {
    /// Adds a user (if new) and a token for it with the given OAuth scopes
    /// (`repo`, `read:org`, ...). Returns the user id.
    pub fn add_user(&self, login: &str, token: &str, scopes: &[&str]) -> u64 {
        let mut w = self.shared.lock();
        let id = w.ensure_user(login).id;
        w.tokens.insert(
            token.to_string(),
            Token { login: login.to_string(), scopes: scopes.iter().map(|s| s.to_string()).collect(), revoked: false },
        );
        id
    }

    /// Sets a user's display name and public e-mail.
    pub fn set_profile(&self, login: &str, name: Option<&str>, email: Option<&str>) {
        let mut w = self.shared.lock();
        w.ensure_user(login);
        if let Some(u) = w.users.iter_mut().find(|u| u.login.eq_ignore_ascii_case(login)) {
            u.name = name.map(str::to_string);
            u.email = email.map(str::to_string);
        }
    }

    /// Revokes a token: every later request with it gets 401 Bad credentials.
    pub fn revoke_token(&self, token: &str) {
        if let Some(t) = self.shared.lock().tokens.get_mut(token) {
            t.revoked = true;
        }
    }

    /// Creates a repository and its bare git repository on disk.
    pub fn add_repo(&self, spec: RepoSpec) -> Result<(), String> {
        if spec.owner.is_empty() || spec.name.is_empty() || spec.name.contains('/') || spec.owner.contains('/') {
            return Err(format!("invalid repository name {}/{}", spec.owner, spec.name));
        }
        let mut w = self.shared.lock();
        if w.repo_index(&spec.owner, &spec.name).is_some() {
            return Err(format!("repository {}/{} exists already", spec.owner, spec.name));
        }
        let owner = w.ensure_user(&spec.owner).login.clone();
        let dir = self.shared.git_dir(&owner, &spec.name);
        let repo = git2::Repository::init_opts(
            &dir,
            git2::RepositoryInitOptions::new().bare(true).initial_head(&spec.default_branch),
        )
        .map_err(git_err)?;
        install_hook(&dir)?;
        if spec.initialize {
            let readme = format!("# {}\n", spec.name);
            commit_files_in(&repo, &spec.default_branch, None, "Initial commit", &[("README.md", readme.as_bytes())])?;
        }
        let id = w.new_id();
        w.repos.push(Repo {
            id,
            owner,
            name: spec.name,
            default_branch: spec.default_branch,
            private: spec.private,
            description: spec.description,
            created_at: crate::now_iso(),
            collaborators: BTreeMap::new(),
            protected: BTreeSet::new(),
            labels: Vec::new(),
            pulls: Vec::new(),
            next_number: 1,
            reviews: Vec::new(),
            comments: Vec::new(),
            statuses: Vec::new(),
            check_runs: Vec::new(),
        });
        Ok(())
    }

    /// Gives `login` a permission on a repository.
    pub fn grant(&self, owner: &str, repo: &str, login: &str, permission: Permission) -> Result<(), String> {
        let mut w = self.shared.lock();
        w.ensure_user(login);
        let i = w.repo_index(owner, repo).ok_or_else(|| format!("no repository {owner}/{repo}"))?;
        w.repos[i].collaborators.insert(login.to_lowercase(), permission);
        Ok(())
    }

    /// Marks a branch as protected (shown by the branch endpoints).
    pub fn protect_branch(&self, owner: &str, repo: &str, branch: &str) -> Result<(), String> {
        let mut w = self.shared.lock();
        let i = w.repo_index(owner, repo).ok_or_else(|| format!("no repository {owner}/{repo}"))?;
        w.repos[i].protected.insert(branch.to_string());
        let list: String = w.repos[i].protected.iter().map(|b| format!("{b}\n")).collect();
        let dir = self.shared.git_dir(&w.repos[i].owner, &w.repos[i].name);
        std::fs::write(dir.join("protected-branches"), list).map_err(|e| e.to_string())
    }

    /// Lifts the protection of a branch.
    pub fn unprotect_branch(&self, owner: &str, repo: &str, branch: &str) -> Result<(), String> {
        let mut w = self.shared.lock();
        let i = w.repo_index(owner, repo).ok_or_else(|| format!("no repository {owner}/{repo}"))?;
        w.repos[i].protected.remove(branch);
        let list: String = w.repos[i].protected.iter().map(|b| format!("{b}\n")).collect();
        let dir = self.shared.git_dir(&w.repos[i].owner, &w.repos[i].name);
        std::fs::write(dir.join("protected-branches"), list).map_err(|e| e.to_string())
    }

    /// Adds a label to a repository.
    pub fn add_label(&self, owner: &str, repo: &str, name: &str, color: &str) -> Result<(), String> {
        let mut w = self.shared.lock();
        let i = w.repo_index(owner, repo).ok_or_else(|| format!("no repository {owner}/{repo}"))?;
        let id = w.new_id();
        w.repos[i].labels.push(Label { id, name: name.to_string(), color: color.to_string(), description: None });
        Ok(())
    }

    /// Label names of a repository.
    pub fn labels(&self, owner: &str, repo: &str) -> Vec<String> {
        let w = self.shared.lock();
        w.repo_index(owner, repo)
            .map(|i| w.repos[i].labels.iter().map(|l| l.name.clone()).collect())
            .unwrap_or_default()
    }

    /// Commits `files` (path, content) on top of `branch` (created from the default branch
    /// when missing) in the bare repository. Returns the new commit id.
    pub fn commit_files(
        &self,
        owner: &str,
        repo: &str,
        branch: &str,
        message: &str,
        files: &[(&str, &str)],
    ) -> Result<String, String> {
        let (dir, default_branch) = {
            let w = self.shared.lock();
            let i = w.repo_index(owner, repo).ok_or_else(|| format!("no repository {owner}/{repo}"))?;
            let r = &w.repos[i];
            (self.shared.git_dir(&r.owner, &r.name), r.default_branch.clone())
        };
        let git = git2::Repository::open_bare(&dir).map_err(git_err)?;
        let start = if git.find_reference(&format!("refs/heads/{branch}")).is_ok() {
            None
        } else {
            Some(default_branch.as_str())
        };
        let files: Vec<(&str, &[u8])> = files.iter().map(|(p, c)| (*p, c.as_bytes())).collect();
        commit_files_in(&git, branch, start, message, &files)
    }

    /// The commit a branch points at, read from the bare repository.
    pub fn branch_sha(&self, owner: &str, repo: &str, branch: &str) -> Option<String> {
        let dir = self.git_dir(owner, repo)?;
        let git = git2::Repository::open_bare(dir).ok()?;
        let r = git.find_reference(&format!("refs/heads/{branch}")).ok()?;
        r.target().map(|o| o.to_string())
    }

    /// The bare repository's folder.
    pub fn git_dir(&self, owner: &str, repo: &str) -> Option<PathBuf> {
        let w = self.shared.lock();
        let i = w.repo_index(owner, repo)?;
        Some(self.shared.git_dir(&w.repos[i].owner, &w.repos[i].name))
    }

    /// One pull request.
    pub fn pull_request(&self, owner: &str, repo: &str, number: u64) -> Option<PullRequest> {
        let w = self.shared.lock();
        let i = w.repo_index(owner, repo)?;
        w.repos[i].pulls.iter().find(|p| p.public.number == number).map(|p| p.public.clone())
    }

    /// All pull requests of a repository, oldest first.
    pub fn pull_requests(&self, owner: &str, repo: &str) -> Vec<PullRequest> {
        let w = self.shared.lock();
        w.repo_index(owner, repo)
            .map(|i| w.repos[i].pulls.iter().map(|p| p.public.clone()).collect())
            .unwrap_or_default()
    }

    /// Merges an open pull request like the merge button: a merge commit on the base branch
    /// (a real git merge in the bare repository). Returns the merge commit id.
    pub fn merge_pull(&self, owner: &str, repo: &str, number: u64, merged_by: &str) -> Result<String, String> {
        let mut w = self.shared.lock();
        let i = w.repo_index(owner, repo).ok_or_else(|| format!("no repository {owner}/{repo}"))?;
        let dir = self.shared.git_dir(&w.repos[i].owner, &w.repos[i].name);
        merge_pull_in(&mut w.repos[i], &dir, number, merged_by, "merge")
    }

    /// A review of pull request `number` by `login` (`APPROVED`, `CHANGES_REQUESTED`,
    /// `COMMENTED`) with `body`, and comments on lines: `(path, line, text)`.
    #[allow(clippy::too_many_arguments)]
    pub fn add_review(
        &self,
        owner: &str,
        repo: &str,
        number: u64,
        login: &str,
        state: &str,
        body: &str,
        on_lines: &[(&str, u32, &str)],
    ) -> Result<(), String> {
        let mut w = self.shared.lock();
        w.ensure_user(login);
        let i = w.repo_index(owner, repo).ok_or_else(|| format!("no repository {owner}/{repo}"))?;
        let dir = self.shared.git_dir(&w.repos[i].owner, &w.repos[i].name);
        let lines: Vec<(String, u32, String)> =
            on_lines.iter().map(|(p, l, t)| (p.to_string(), *l, t.to_string())).collect();
        add_review_in(&mut w, i, &dir, number, login, state, body, &lines).map(|_| ())
    }

    /// One more comment by `login` on `line` of `path` in pull request `number` (a reply in a
    /// review thread): only the pull request's review comments change.
    #[allow(clippy::too_many_arguments)]
    pub fn add_review_comment(
        &self,
        owner: &str,
        repo: &str,
        number: u64,
        login: &str,
        path: &str,
        line: u32,
        body: &str,
    ) -> Result<(), String> {
        let mut w = self.shared.lock();
        w.ensure_user(login);
        let i = w.repo_index(owner, repo).ok_or_else(|| format!("no repository {owner}/{repo}"))?;
        let thread = w.repos[i]
            .comments
            .iter()
            .find(|c| c.number == number && c.path.as_deref() == Some(path))
            .map(|c| (c.review_id, c.commit_id.clone()))
            .ok_or_else(|| format!("no review comment on {path} in pull request #{number} to reply to"))?;
        let id = w.new_id();
        w.repos[i].comments.push(StoredComment {
            id,
            number,
            login: login.to_string(),
            body: body.to_string(),
            path: Some(path.to_string()),
            line: Some(line),
            review_id: thread.0,
            commit_id: thread.1,
            created_at: crate::now_iso(),
        });
        Ok(())
    }

    /// A commit status (`success`, `failure`, `error`, `pending`) on commit `sha`.
    pub fn add_status(&self, owner: &str, repo: &str, sha: &str, context: &str, state: &str) -> Result<(), String> {
        let mut w = self.shared.lock();
        let i = w.repo_index(owner, repo).ok_or_else(|| format!("no repository {owner}/{repo}"))?;
        let id = w.new_id();
        w.repos[i].statuses.push(StoredStatus {
            id,
            sha: sha.to_string(),
            context: context.to_string(),
            state: state.to_string(),
            created_at: crate::now_iso(),
        });
        Ok(())
    }

    /// A check run on commit `sha` (`queued`, `in_progress`, `completed` with a conclusion).
    pub fn add_check_run(
        &self,
        owner: &str,
        repo: &str,
        sha: &str,
        name: &str,
        status: &str,
        conclusion: Option<&str>,
    ) -> Result<(), String> {
        let mut w = self.shared.lock();
        let i = w.repo_index(owner, repo).ok_or_else(|| format!("no repository {owner}/{repo}"))?;
        let id = w.new_id();
        w.repos[i].check_runs.push(StoredRun {
            id,
            sha: sha.to_string(),
            name: name.to_string(),
            status: status.to_string(),
            conclusion: conclusion.map(str::to_string),
            started_at: crate::now_iso(),
        });
        Ok(())
    }

    /// Closes an open pull request without merging.
    pub fn close_pull(&self, owner: &str, repo: &str, number: u64) -> Result<(), String> {
        let mut w = self.shared.lock();
        let i = w.repo_index(owner, repo).ok_or_else(|| format!("no repository {owner}/{repo}"))?;
        let dir = self.shared.git_dir(&w.repos[i].owner, &w.repos[i].name);
        let pull = w.repos[i]
            .pulls
            .iter_mut()
            .find(|p| p.public.number == number)
            .ok_or_else(|| format!("no pull request #{number}"))?;
        if pull.public.state != PullState::Open {
            return Err(format!("pull request #{number} is not open"));
        }
        let (head, base) = crate::api::branch_tips(&dir, &pull.public.head, &pull.public.base);
        let now = crate::now_iso();
        pull.public.state = PullState::Closed;
        pull.closed_at = Some(now.clone());
        pull.updated_at = now;
        pull.frozen = Some((head, base));
        Ok(())
    }

    /// The next `requests` API requests get 403 "API rate limit exceeded" with
    /// `x-ratelimit-remaining: 0`. Returns the reset time (Unix seconds) they announce.
    pub fn rate_limit_next(&self, requests: usize) -> u64 {
        let mut w = self.shared.lock();
        w.rate_limited = requests;
        w.rate_reset = crate::now_unix() + 3600;
        w.rate_reset
    }

    /// The next request to `operation` (an OpenAPI operation id such as `pulls/create`)
    /// gets this status with a GitHub-shaped error body carrying `message`.
    pub fn fail_next(&self, operation: &str, status: u16, message: &str) {
        self.shared.lock().forced.push(ForcedError {
            operation: operation.to_string(),
            status,
            message: message.to_string(),
        });
    }

    /// The next request to `operation` is carried out (state changes happen) but the
    /// connection is cut before the response body arrives, as when the network drops at the
    /// worst moment. The client sees a transport error.
    pub fn drop_response_next(&self, operation: &str) {
        self.shared.lock().dropped.push(operation.to_string());
    }

    /// Changes the next API response on purpose (see [`Tamper`]).
    pub fn tamper_next(&self, tamper: Tamper) {
        self.shared.lock().tamper = Some(tamper);
    }

    /// Polling interval (seconds) announced for new device codes. Keep it ≥ 1: octocrab
    /// panics on 0.
    pub fn set_device_interval(&self, seconds: u64) {
        self.shared.lock().device_interval = seconds;
    }

    /// Lifetime (seconds) of new device codes.
    pub fn set_device_expiry(&self, seconds: u64) {
        self.shared.lock().device_expires_in = seconds;
    }

    /// Device authorizations started so far.
    pub fn device_authorizations(&self) -> Vec<DeviceAuthorization> {
        let mut w = self.shared.lock();
        crate::device::expire_due(&mut w);
        w.devices.iter().map(|d| d.public.clone()).collect()
    }

    /// The user enters `user_code` and authorizes the app as `login`.
    pub fn approve_device(&self, user_code: &str, login: &str) -> Result<(), String> {
        let mut w = self.shared.lock();
        w.ensure_user(login);
        crate::device::expire_due(&mut w);
        let d = w
            .devices
            .iter_mut()
            .find(|d| d.public.user_code == user_code)
            .ok_or_else(|| format!("no device code {user_code}"))?;
        if d.public.status != DeviceStatus::Pending {
            return Err(format!("device code {user_code} is {:?}", d.public.status));
        }
        d.public.status = DeviceStatus::Approved;
        d.approved_for = Some(login.to_string());
        Ok(())
    }

    /// The user refuses the authorization.
    pub fn deny_device(&self, user_code: &str) -> Result<(), String> {
        self.set_device_status(user_code, DeviceStatus::Denied)
    }

    /// The code runs out of time now.
    pub fn expire_device(&self, user_code: &str) -> Result<(), String> {
        self.set_device_status(user_code, DeviceStatus::Expired)
    }

    fn set_device_status(&self, user_code: &str, status: DeviceStatus) -> Result<(), String> {
        let mut w = self.shared.lock();
        let d = w
            .devices
            .iter_mut()
            .find(|d| d.public.user_code == user_code)
            .ok_or_else(|| format!("no device code {user_code}"))?;
        if d.public.status != DeviceStatus::Pending {
            return Err(format!("device code {user_code} is {:?}", d.public.status));
        }
        d.public.status = status;
        Ok(())
    }

    /// The login and scopes of a token, if it is known and not revoked.
    pub fn token_owner(&self, token: &str) -> Option<(String, Vec<String>)> {
        let w = self.shared.lock();
        w.tokens.get(token).filter(|t| !t.revoked).map(|t| (t.login.clone(), t.scopes.clone()))
    }

    /// Every request answered so far, oldest first.
    pub fn requests(&self) -> Vec<RequestRecord> {
        self.shared.lock().requests.clone()
    }

    /// Forgets the request log (for counting the calls of one step).
    pub fn clear_requests(&self) {
        self.shared.lock().requests.clear();
    }

    /// Requests or responses that did not match GitHub's description.
    pub fn violations(&self) -> Vec<Violation> {
        self.shared.lock().violations.clone()
    }
}

fn install_hook(dir: &Path) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt;
    let hook = dir.join("hooks").join("pre-receive");
    std::fs::create_dir_all(dir.join("hooks")).map_err(|e| e.to_string())?;
    std::fs::write(&hook, crate::git_http::PRE_RECEIVE_HOOK).map_err(|e| e.to_string())?;
    std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).map_err(|e| e.to_string())
}

/// Writes `files` as a commit on `branch`. The parent is the branch's tip, or `start`'s tip
/// when the branch does not exist yet, or none.
pub(crate) fn commit_files_in(
    git: &git2::Repository,
    branch: &str,
    start: Option<&str>,
    message: &str,
    files: &[(&str, &[u8])],
) -> Result<String, String> {
    let tip = |name: &str| git.find_reference(&format!("refs/heads/{name}")).ok().and_then(|r| r.peel_to_commit().ok());
    let parent = tip(branch).or_else(|| start.and_then(tip));
    let mut index = git2::Index::new().map_err(git_err)?;
    if let Some(p) = &parent {
        index.read_tree(&p.tree().map_err(git_err)?).map_err(git_err)?;
    }
    for (path, content) in files {
        if Path::new(path).is_absolute()
            || path.split('/').any(|c| c.is_empty() || c == ".." || c == "." || c == ".git")
        {
            return Err(format!("invalid file path {path:?}"));
        }
        let blob = git.blob(content).map_err(git_err)?;
        let entry = git2::IndexEntry {
            ctime: git2::IndexTime::new(0, 0),
            mtime: git2::IndexTime::new(0, 0),
            dev: 0,
            ino: 0,
            mode: 0o100644,
            uid: 0,
            gid: 0,
            file_size: content.len() as u32,
            id: blob,
            flags: 0,
            flags_extended: 0,
            path: path.as_bytes().to_vec(),
        };
        index.add(&entry).map_err(git_err)?;
    }
    let tree = git.find_tree(index.write_tree_to(git).map_err(git_err)?).map_err(git_err)?;
    let sig = git2::Signature::now("Stand-in", "standin@example.invalid").map_err(git_err)?;
    let parents: Vec<&git2::Commit> = parent.iter().collect();
    let id =
        git.commit(Some(&format!("refs/heads/{branch}")), &sig, &sig, message, &tree, &parents).map_err(git_err)?;
    Ok(id.to_string())
}

/// Merges open pull request `number` of `r` (bare repository at `dir`) with a merge commit on
/// its base branch, as the merge button does. Returns the merge commit id.
pub(crate) fn merge_pull_in(
    r: &mut Repo,
    dir: &std::path::Path,
    number: u64,
    merged_by: &str,
    method: &str,
) -> Result<String, String> {
    let owner = r.owner.clone();
    let pull =
        r.pulls.iter_mut().find(|p| p.public.number == number).ok_or_else(|| format!("no pull request #{number}"))?;
    if pull.public.state != PullState::Open {
        return Err(format!("pull request #{number} is not open"));
    }
    let git = git2::Repository::open_bare(dir).map_err(git_err)?;
    let head = git
        .find_reference(&format!("refs/heads/{}", pull.public.head))
        .and_then(|r| r.peel_to_commit())
        .map_err(git_err)?;
    let mut base_ref = git.find_reference(&format!("refs/heads/{}", pull.public.base)).map_err(git_err)?;
    let base = base_ref.peel_to_commit().map_err(git_err)?;
    let conflicts = || format!("pull request #{number} has merge conflicts");
    let sig = git2::Signature::now(merged_by, &format!("{merged_by}@users.noreply.invalid")).map_err(git_err)?;
    let tip = match method {
        "merge" | "squash" => {
            let mut index = git.merge_commits(&base, &head, None).map_err(git_err)?;
            if index.has_conflicts() {
                return Err(conflicts());
            }
            let tree = git.find_tree(index.write_tree_to(&git).map_err(git_err)?).map_err(git_err)?;
            if method == "merge" {
                let message = format!(
                    "Merge pull request #{number} from {}/{}\n\n{}",
                    owner, pull.public.head, pull.public.title
                );
                git.commit(None, &sig, &sig, &message, &tree, &[&base, &head]).map_err(git_err)?
            } else {
                let message = format!("{} (#{number})", pull.public.title);
                git.commit(None, &sig, &sig, &message, &tree, &[&base]).map_err(git_err)?
            }
        }
        // Each commit of the request replayed on the base, oldest first, keeping its author;
        // GitHub commits them all at once.
        "rebase" => {
            let committer = git2::Signature::now("GitHub", "noreply@github.com").map_err(git_err)?;
            let mut walk = git.revwalk().map_err(git_err)?;
            walk.push(head.id()).map_err(git_err)?;
            walk.hide(base.id()).map_err(git_err)?;
            walk.set_sorting(git2::Sort::TOPOLOGICAL | git2::Sort::REVERSE).map_err(git_err)?;
            let mut tip = base.clone();
            for id in walk {
                let c = git.find_commit(id.map_err(git_err)?).map_err(git_err)?;
                if c.parent_count() > 1 {
                    return Err(format!("pull request #{number} holds merge commits and cannot be rebased"));
                }
                let mut index = git.cherrypick_commit(&c, &tip, 0, None).map_err(git_err)?;
                if index.has_conflicts() {
                    return Err(conflicts());
                }
                let tree = git.find_tree(index.write_tree_to(&git).map_err(git_err)?).map_err(git_err)?;
                let message = c.message().unwrap_or_default();
                let id = git.commit(None, &c.author(), &committer, message, &tree, &[&tip]).map_err(git_err)?;
                tip = git.find_commit(id).map_err(git_err)?;
            }
            tip.id()
        }
        other => return Err(format!("{other} is not a merge method")),
    };
    base_ref.set_target(tip, "merge pull request").map_err(git_err)?;
    let now = crate::now_iso();
    pull.public.state = PullState::Merged;
    pull.merged_at = Some(now.clone());
    pull.closed_at = Some(now.clone());
    pull.updated_at = now;
    pull.merged_by = Some(merged_by.to_string());
    pull.merge_commit_sha = Some(tip.to_string());
    pull.frozen = Some((head.id().to_string(), base.id().to_string()));
    Ok(tip.to_string())
}

/// Records a review (and its line comments) on pull request `number` of repository `i`;
/// returns the review's id.
#[allow(clippy::too_many_arguments)]
pub(crate) fn add_review_in(
    w: &mut World,
    i: usize,
    dir: &std::path::Path,
    number: u64,
    login: &str,
    state: &str,
    body: &str,
    on_lines: &[(String, u32, String)],
) -> Result<u64, String> {
    let pull = w.repos[i]
        .pulls
        .iter()
        .find(|p| p.public.number == number)
        .ok_or_else(|| format!("no pull request #{number}"))?;
    let head = pull.public.head.clone();
    let commit_id = git2::Repository::open_bare(dir)
        .ok()
        .and_then(|g| g.refname_to_id(&format!("refs/heads/{head}")).ok())
        .map(|o| o.to_string())
        .unwrap_or_default();
    let id = w.new_id();
    let now = crate::now_iso();
    for (path, line, text) in on_lines {
        let cid = w.new_id();
        w.repos[i].comments.push(StoredComment {
            id: cid,
            number,
            login: login.to_string(),
            body: text.clone(),
            path: Some(path.clone()),
            line: Some(*line),
            review_id: Some(id),
            commit_id: commit_id.clone(),
            created_at: now.clone(),
        });
    }
    w.repos[i].reviews.push(StoredReview {
        id,
        number,
        login: login.to_string(),
        state: state.to_string(),
        body: body.to_string(),
        commit_id,
        submitted_at: now,
    });
    Ok(id)
}
