//! GitHub through its REST API (octocrab): the signed-in account, repository listing, and
//! pull requests as a [`Forge`].
//!
//! The API base URL is configurable ([`ApiBase`]): `https://api.github.com` for github.com,
//! `https://HOST/api/v3` for GitHub Enterprise Server, or a local stand-in in tests.

use std::time::Duration;

use octocrab::Octocrab;
use patchdesk_secrets::Secret;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::feedback::{is_patchdesk_comment, PATCHDESK_MARK};
use crate::{
    Check, Checks, ChecksState, Feedback, FeedbackCache, Forge, ForgeError, ForgeKind, GitCredentials, MergeCommit,
    MergeMethod, NewReview, ReviewComment, ReviewPoll, ReviewRequest, ReviewState, ReviewVerdict, Verdict,
};

/// Where GitHub's API and web pages are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct ApiBase {
    /// REST API root, no trailing slash: `https://api.github.com`.
    pub api: String,
    /// Web root (device flow, links), no trailing slash: `https://github.com`.
    pub web: String,
}

impl ApiBase {
    /// github.com.
    pub fn github_com() -> ApiBase {
        ApiBase { api: "https://api.github.com".into(), web: "https://github.com".into() }
    }

    /// A GitHub Enterprise Server at `url` (`https://ghe.example.org`): the API is under `/api/v3`.
    pub fn enterprise(url: &str) -> ApiBase {
        let web = url.trim().trim_end_matches('/').to_string();
        ApiBase { api: format!("{web}/api/v3"), web }
    }

    /// From an API URL as configured (`PATCHDESK_GITHUB_API`): github.com's, an Enterprise
    /// Server's (`…/api/v3`), or any other server that serves both sides at one root.
    pub fn from_api(api: &str) -> ApiBase {
        let api = api.trim().trim_end_matches('/');
        if api.eq_ignore_ascii_case("https://api.github.com") {
            return ApiBase::github_com();
        }
        match api.strip_suffix("/api/v3") {
            Some(web) => ApiBase { api: api.to_string(), web: web.to_string() },
            None => ApiBase { api: api.to_string(), web: api.to_string() },
        }
    }

    /// The host the sign-in is kept under in the keyring (`github.com`, `ghe.example.org`,
    /// `127.0.0.1:4567`).
    pub fn host(&self) -> String {
        let rest = self.web.split_once("://").map(|(_, r)| r).unwrap_or(&self.web);
        rest.split('/').next().unwrap_or(rest).to_lowercase()
    }
}

/// The signed-in account, as `GET /user` reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct Account {
    /// Login (`octo`).
    pub login: String,
    /// Display name, if public.
    pub name: Option<String>,
    /// Public e-mail, if any.
    pub email: Option<String>,
    /// OAuth scopes of the token (`X-OAuth-Scopes`); empty for fine-grained tokens.
    pub scopes: Vec<String>,
}

/// One repository of the signed-in user's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct RepoSummary {
    /// `owner/name`.
    pub full_name: String,
    /// Default branch.
    pub default_branch: String,
    /// Private or public.
    pub private: bool,
    /// Description.
    pub description: Option<String>,
    /// HTTPS clone URL.
    pub clone_url: String,
}

pub(crate) fn client(base: &ApiBase, token: Option<&Secret>, root: &str) -> Result<Octocrab, ForgeError> {
    let mut b = Octocrab::builder()
        .base_uri(root)
        .map_err(|_| ForgeError::Unexpected(format!("{root} is not a usable web address")))?
        .set_connect_timeout(Some(Duration::from_secs(10)))
        .set_read_timeout(Some(Duration::from_secs(60)))
        .add_header(http::header::ACCEPT, "application/json".to_string());
    if let Some(t) = token {
        b = b.personal_token(t.expose().to_string());
    }
    let _ = base;
    b.build().map_err(|e| offline_or(base, e))
}

fn offline_or(base: &ApiBase, e: octocrab::Error) -> ForgeError {
    ForgeError::Offline { host: base.host(), detail: transport_words(&e) }
}

fn transport_words(e: &octocrab::Error) -> String {
    // The whole chain of causes, in words: the innermost says "connection refused".
    let mut text = String::new();
    let mut cause: Option<&dyn std::error::Error> = Some(e);
    while let Some(c) = cause {
        text.push_str(&c.to_string().to_lowercase());
        text.push(' ');
        cause = c.source();
    }
    plain_network_words(&text).to_string()
}

/// What went wrong on the network, in words a lead can act on (never the library's own text),
/// from the failure's own text in lower case.
pub fn plain_network_words(lower: &str) -> &'static str {
    if lower.contains("dns")
        || lower.contains("lookup")
        || lower.contains("resolve")
        || lower.contains("name or service not known")
    {
        "the server's name could not be found"
    } else if lower.contains("timed out") || lower.contains("timeout") || lower.contains("deadline") {
        "the connection timed out"
    } else if lower.contains("refused") {
        "the connection was refused"
    } else if lower.contains("certificate")
        || lower.contains("tls")
        || lower.contains("ssl")
        || lower.contains("handshake")
    {
        "a secure connection could not be set up"
    } else {
        "the connection failed"
    }
}

/// What a request was doing, for messages.
#[derive(Debug, Clone)]
pub(crate) struct Context<'a> {
    pub base: &'a ApiBase,
    pub repo: &'a str,
    pub action: &'a str,
}

/// Maps an HTTP error status and GitHub's message to a [`ForgeError`].
pub(crate) fn status_error(
    ctx: &Context<'_>,
    status: u16,
    message: &str,
    errors: &[Value],
    remaining_zero: bool,
    reset: Option<u64>,
) -> ForgeError {
    let details: Vec<String> = errors
        .iter()
        .map(|e| {
            if let Some(m) = e.get("message").and_then(Value::as_str) {
                m.to_string()
            } else {
                let field = e.get("field").and_then(Value::as_str).unwrap_or("a field");
                let code = e.get("code").and_then(Value::as_str).unwrap_or("invalid");
                format!("{field} is {}", code.replace('_', " "))
            }
        })
        .collect();
    let all = format!("{message} {}", details.join(" "));
    tracing::warn!(status, action = ctx.action, repo = ctx.repo, "GitHub refused a request");
    match status {
        401 => ForgeError::AuthRejected,
        403 | 429 if remaining_zero || all.to_lowercase().contains("rate limit") => ForgeError::RateLimited { reset },
        403 => ForgeError::PermissionDenied {
            action: ctx.action.to_string(),
            repo: ctx.repo.to_string(),
            detail: message.trim_end_matches('.').to_string(),
        },
        404 => ForgeError::RepoNotFound { repo: ctx.repo.to_string() },
        422 if all.contains("A pull request already exists") => ForgeError::ReviewExists { branch: String::new() },
        422 if all.contains("No commits between") => {
            ForgeError::NoChanges { branch: String::new(), base: String::new() }
        }
        422 => {
            let detail =
                if details.is_empty() { message.to_string() } else { format!("{message} ({})", details.join("; ")) };
            ForgeError::Invalid { detail: detail.trim_end_matches('.').to_string() }
        }
        s if s >= 500 => {
            ForgeError::Offline { host: ctx.base.host(), detail: format!("GitHub answered with a server error ({s})") }
        }
        s => ForgeError::Unexpected(format!("GitHub answered {s} when trying to {}: {message}", ctx.action)),
    }
}

/// Maps an octocrab error.
pub(crate) fn map_error(ctx: &Context<'_>, e: octocrab::Error) -> ForgeError {
    match &e {
        octocrab::Error::GitHub { source, .. } => {
            let remaining_zero = source
                .headers
                .as_ref()
                .and_then(|h| h.get("x-ratelimit-remaining"))
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.trim() == "0");
            let reset = source.rate_limit_reset.or_else(|| {
                source
                    .headers
                    .as_ref()
                    .and_then(|h| h.get("x-ratelimit-reset"))
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.trim().parse().ok())
            });
            status_error(
                ctx,
                source.status_code.as_u16(),
                &source.message,
                source.errors.as_deref().unwrap_or(&[]),
                remaining_zero,
                reset,
            )
        }
        octocrab::Error::Json { .. } | octocrab::Error::Serde { .. } => ForgeError::Unexpected(format!(
            "GitHub's answer when trying to {} could not be read ({})",
            ctx.action,
            short(&e.to_string())
        )),
        _ => {
            let detail = transport_words(&e);
            tracing::warn!(host = %ctx.base.host(), action = ctx.action, detail, "GitHub could not be reached");
            ForgeError::Offline { host: ctx.base.host(), detail }
        }
    }
}

fn short(s: &str) -> String {
    s.lines().next().unwrap_or_default().chars().take(200).collect()
}

fn runtime() -> Result<tokio::runtime::Runtime, ForgeError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| ForgeError::Unexpected(format!("could not start the network runtime: {e}")))
}

#[derive(Deserialize)]
struct UserJson {
    login: String,
    name: Option<String>,
    email: Option<String>,
}

/// Checks a token with `GET /user` and reads its scopes (`X-OAuth-Scopes`). A refused token
/// gives [`ForgeError::AuthRejected`], which the app answers by showing sign-in again.
pub async fn check_token(base: &ApiBase, token: &Secret) -> Result<Account, ForgeError> {
    let crab = client(base, Some(token), &base.api)?;
    let ctx = Context { base, repo: "", action: "read your account" };
    let resp = crab._get(format!("{}/user", base.api)).await.map_err(|e| map_error(&ctx, e))?;
    let status = resp.status().as_u16();
    let header = |name: &str| resp.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
    let scopes: Vec<String> = header("x-oauth-scopes")
        .map(|s| s.split(',').map(|p| p.trim().to_string()).filter(|p| !p.is_empty()).collect())
        .unwrap_or_default();
    let remaining_zero = header("x-ratelimit-remaining").is_some_and(|v| v.trim() == "0");
    let reset = header("x-ratelimit-reset").and_then(|v| v.trim().parse().ok());
    let text = crab.body_to_string(resp).await.map_err(|e| map_error(&ctx, e))?;
    if status != 200 {
        let v: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        let message = v.get("message").and_then(Value::as_str).unwrap_or_default();
        return Err(status_error(&ctx, status, message, &[], remaining_zero, reset));
    }
    let user: UserJson = serde_json::from_str(&text)
        .map_err(|_| ForgeError::Unexpected("GitHub's description of your account could not be read".into()))?;
    Ok(Account { login: user.login, name: user.name, email: user.email, scopes })
}

#[derive(Deserialize)]
struct RepoJson {
    full_name: String,
    #[serde(default)]
    default_branch: Option<String>,
    #[serde(default)]
    private: bool,
    description: Option<String>,
    #[serde(default)]
    clone_url: Option<String>,
}

/// The signed-in user's repositories (owned, collaborating, organisation), sorted by name,
/// keeping those whose `owner/name` contains `filter` (any case; empty keeps all). Reads every
/// page (100 per page, at most 50 pages).
pub async fn list_repositories(base: &ApiBase, token: &Secret, filter: &str) -> Result<Vec<RepoSummary>, ForgeError> {
    let crab = client(base, Some(token), &base.api)?;
    let ctx = Context { base, repo: "", action: "list your repositories" };
    let wanted = filter.trim().to_lowercase();
    let mut out = Vec::new();
    for page in 1..=50u32 {
        let params = [("per_page", "100".to_string()), ("page", page.to_string()), ("sort", "full_name".to_string())];
        let items: Vec<RepoJson> = crab.get("/user/repos", Some(&params)).await.map_err(|e| map_error(&ctx, e))?;
        let n = items.len();
        for r in items {
            if wanted.is_empty() || r.full_name.to_lowercase().contains(&wanted) {
                out.push(RepoSummary {
                    default_branch: r.default_branch.unwrap_or_else(|| "main".into()),
                    clone_url: r.clone_url.unwrap_or_else(|| format!("{}/{}.git", base.web, r.full_name)),
                    full_name: r.full_name,
                    private: r.private,
                    description: r.description,
                });
            }
        }
        if n < 100 {
            break;
        }
    }
    Ok(out)
}

/// A GitHub repository as a [`Forge`]. Blocking: it runs its own small runtime, so do not call
/// its methods from inside an async task (use `spawn_blocking`).
pub struct GitHub {
    base: ApiBase,
    owner: String,
    name: String,
    full: String,
    git: GitCredentials,
    rt: tokio::runtime::Runtime,
    crab: Octocrab,
}

impl std::fmt::Debug for GitHub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GitHub").field("api", &self.base.api).field("repo", &self.full).finish_non_exhaustive()
    }
}

#[derive(Deserialize)]
struct BranchRef {
    #[serde(rename = "ref")]
    name: String,
}

#[derive(Deserialize)]
struct PullJson {
    number: u64,
    title: String,
    body: Option<String>,
    state: String,
    merged_at: Option<String>,
    #[serde(default)]
    closed_at: Option<String>,
    html_url: String,
    #[serde(default)]
    draft: Option<bool>,
    head: BranchRef,
    base: BranchRef,
}

impl From<PullJson> for ReviewRequest {
    fn from(p: PullJson) -> Self {
        let state = match (p.state.as_str(), &p.merged_at) {
            ("open", _) => ReviewState::Open,
            (_, Some(_)) => ReviewState::Merged,
            _ => ReviewState::Closed,
        };
        ReviewRequest {
            number: p.number,
            title: p.title,
            body: p.body.unwrap_or_default(),
            branch: p.head.name,
            base: p.base.name,
            state,
            url: p.html_url,
            draft: p.draft.unwrap_or(false),
        }
    }
}

/// The answer to a GET that may be conditional.
enum Answer {
    /// `304`: the answer whose ETag was sent still holds.
    NotModified,
    /// The answer now, with its ETag.
    Fresh { etag: Option<String>, text: String },
}

impl GitHub {
    /// The repository `owner/name` at `base`, reached with `token`. Nothing is sent yet.
    pub fn new(base: ApiBase, repo: &str, token: Secret) -> Result<GitHub, ForgeError> {
        let (owner, name) = repo
            .trim()
            .trim_end_matches(".git")
            .split_once('/')
            .filter(|(o, n)| !o.is_empty() && !n.is_empty() && !n.contains('/'))
            .ok_or_else(|| {
                ForgeError::Unexpected(format!("\"{repo}\" is not a repository name; write it as owner/name"))
            })?;
        let rt = runtime()?;
        let crab = {
            let _guard = rt.enter();
            client(&base, Some(&token), &base.api)?
        };
        let git = GitCredentials::new(&base, token);
        Ok(GitHub {
            full: format!("{owner}/{name}"),
            owner: owner.to_string(),
            name: name.to_string(),
            base,
            git,
            rt,
            crab,
        })
    }

    /// `owner/name` from a GitHub remote URL (`https://github.com/o/r.git`, `git@github.com:o/r.git`).
    pub fn repo_from_url(url: &str) -> Option<String> {
        let url = url.trim().trim_end_matches('/').trim_end_matches(".git");
        let path = if let Some((_, rest)) = url.split_once("://") {
            rest.split_once('/').map(|(_, p)| p)?
        } else {
            url.split_once(':').map(|(_, p)| p)?
        };
        let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
        (parts.len() >= 2).then(|| format!("{}/{}", parts[parts.len() - 2], parts[parts.len() - 1]))
    }

    fn ctx<'a>(&'a self, action: &'a str) -> Context<'a> {
        Context { base: &self.base, repo: &self.full, action }
    }

    fn route(&self, tail: &str) -> String {
        format!("/repos/{}/{}{tail}", self.owner, self.name)
    }

    /// Posts `{key: names}` to the repository's `tail` (nothing to post when `names` is empty);
    /// `action` says what failed.
    fn post_names(&self, tail: &str, key: &str, names: &[String], action: &str) -> Result<(), ForgeError> {
        if names.is_empty() {
            return Ok(());
        }
        let mut body = serde_json::Map::new();
        body.insert(key.to_string(), json!(names));
        let _: Value = self
            .rt
            .block_on(self.crab.post(self.route(tail), Some(&body)))
            .map_err(|e| map_error(&self.ctx(action), e))?;
        Ok(())
    }

    /// A GET of `url`, conditional on `etag` when given (`If-None-Match`): "not modified", or
    /// the answer's text with its ETag. An error status is mapped to a [`ForgeError`].
    async fn conditional_get(&self, url: String, etag: Option<&str>, ctx: &Context<'_>) -> Result<Answer, ForgeError> {
        let mut headers = http::HeaderMap::new();
        if let Some(v) = etag.and_then(|t| http::HeaderValue::from_str(t).ok()) {
            headers.insert(http::header::IF_NONE_MATCH, v);
        }
        let resp = self.crab._get_with_headers(url, Some(headers)).await.map_err(|e| map_error(ctx, e))?;
        let status = resp.status().as_u16();
        if status == 304 {
            return Ok(Answer::NotModified);
        }
        let header = |name: &str| resp.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
        let new_tag = header("etag");
        let remaining_zero = header("x-ratelimit-remaining").is_some_and(|v| v.trim() == "0");
        let reset = header("x-ratelimit-reset").and_then(|v| v.trim().parse().ok());
        let text = self.crab.body_to_string(resp).await.map_err(|e| map_error(ctx, e))?;
        if status != 200 {
            let v: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
            let message = v.get("message").and_then(Value::as_str).unwrap_or_default();
            let errors = v.get("errors").and_then(Value::as_array).cloned().unwrap_or_default();
            return Err(status_error(ctx, status, message, &errors, remaining_zero, reset));
        }
        Ok(Answer::Fresh { etag: new_tag, text })
    }

    async fn pull_status(&self, number: u64, etag: Option<&str>) -> Result<ReviewPoll, ForgeError> {
        let ctx = self.ctx("read pull requests");
        let url = format!("{}{}", self.base.api, self.route(&format!("/pulls/{number}")));
        let (new_tag, text) = match self.conditional_get(url, etag, &ctx).await {
            Ok(Answer::NotModified) => return Ok(ReviewPoll::NotModified),
            Ok(Answer::Fresh { etag, text }) => (etag, text),
            Err(ForgeError::RepoNotFound { repo }) => return Err(ForgeError::ReviewNotFound { number, repo }),
            Err(e) => return Err(e),
        };
        let pull: PullJson = serde_json::from_str(&text).map_err(|e| {
            ForgeError::Unexpected(format!(
                "GitHub's answer about pull request #{number} could not be read ({})",
                short(&e.to_string())
            ))
        })?;
        let merged_at = pull.merged_at.clone();
        let closed_at = pull.closed_at.clone();
        Ok(ReviewPoll::Changed { review: pull.into(), etag: new_tag, merged_at, closed_at })
    }
}

#[derive(Deserialize)]
struct LoginJson {
    login: String,
}

#[derive(Deserialize)]
struct ReviewJson {
    user: Option<LoginJson>,
    state: String,
    #[serde(default)]
    body: Option<String>,
    #[serde(default)]
    submitted_at: Option<String>,
}

#[derive(Deserialize)]
struct CommentJson {
    user: Option<LoginJson>,
    #[serde(default)]
    body: Option<String>,
    #[serde(default)]
    path: Option<String>,
    #[serde(default)]
    line: Option<u32>,
    #[serde(default)]
    original_line: Option<u32>,
    #[serde(default)]
    created_at: Option<String>,
}

fn login_of(u: Option<LoginJson>) -> String {
    u.map(|u| u.login).unwrap_or_else(|| "someone".into())
}

fn status_state(state: &str) -> ChecksState {
    match state {
        "success" => ChecksState::Passing,
        "pending" => ChecksState::Running,
        _ => ChecksState::Failing,
    }
}

fn run_state(status: &str, conclusion: Option<&str>) -> ChecksState {
    match (status, conclusion) {
        ("completed", Some("success" | "neutral" | "skipped")) => ChecksState::Passing,
        ("completed", _) => ChecksState::Failing,
        _ => ChecksState::Running,
    }
}

impl GitHub {
    /// The answer at the repository's `tail` with `query` (`?page=2`), read conditionally on
    /// the answer kept in `cache`: a `304` uses the kept one. A fresh answer is kept.
    async fn read_kept<T: serde::de::DeserializeOwned>(
        &self,
        tail: &str,
        query: &str,
        action: &str,
        cache: &mut FeedbackCache,
    ) -> Result<T, ForgeError> {
        let ctx = self.ctx(action);
        let url = format!("{}{}{query}", self.base.api, self.route(tail));
        let unreadable = |e: serde_json::Error| {
            ForgeError::Unexpected(format!(
                "GitHub's answer when trying to {action} could not be read ({})",
                short(&e.to_string())
            ))
        };
        let mut sent = cache.etag(&url);
        loop {
            match self.conditional_get(url.clone(), sent.as_deref(), &ctx).await? {
                Answer::Fresh { etag, text } => {
                    let value = serde_json::from_str(&text).map_err(unreadable)?;
                    cache.keep(&url, etag, &text);
                    return Ok(value);
                }
                // Not modified: the kept answer; one that cannot be read is read afresh.
                Answer::NotModified => {
                    if let Some(value) = cache.body(&url).and_then(|b| serde_json::from_str(b).ok()) {
                        return Ok(value);
                    }
                    if sent.take().is_none() {
                        return Err(ForgeError::Unexpected(format!(
                            "GitHub gave no answer when trying to {action}; try again"
                        )));
                    }
                }
            }
        }
    }

    /// Every page (up to 2,000 entries) of a list at `tail`, each read with [`Self::read_kept`].
    async fn all_pages<T: serde::de::DeserializeOwned>(
        &self,
        tail: &str,
        action: &str,
        cache: &mut FeedbackCache,
    ) -> Result<Vec<T>, ForgeError> {
        let mut out = Vec::new();
        for page in 1..=20u32 {
            let list: Vec<T> = self.read_kept(tail, &format!("?per_page=100&page={page}"), action, cache).await?;
            let n = list.len();
            out.extend(list);
            if n < 100 {
                break;
            }
        }
        Ok(out)
    }

    async fn read_feedback(&self, number: u64, cache: &mut FeedbackCache) -> Result<Feedback, ForgeError> {
        #[derive(Deserialize)]
        struct Head {
            sha: String,
        }
        #[derive(Deserialize)]
        struct Pull {
            head: Head,
        }
        let not_found = |e: ForgeError| match e {
            ForgeError::RepoNotFound { repo } => ForgeError::ReviewNotFound { number, repo },
            other => other,
        };
        let pull: Pull =
            self.read_kept(&format!("/pulls/{number}"), "", "read pull requests", cache).await.map_err(not_found)?;
        let raw: Vec<ReviewJson> = self.all_pages(&format!("/pulls/{number}/reviews"), "read reviews", cache).await?;
        let mut reviews = Vec::new();
        let mut comments = Vec::new();
        for r in raw {
            let verdict = match r.state.as_str() {
                "APPROVED" => Verdict::Approved,
                "CHANGES_REQUESTED" => Verdict::ChangesAsked,
                "DISMISSED" => Verdict::Dismissed,
                "COMMENTED" => Verdict::Commented,
                _ => continue,
            };
            let reviewer = login_of(r.user);
            let body = r.body.unwrap_or_default();
            if !body.trim().is_empty() {
                comments.push(ReviewComment {
                    author: reviewer.clone(),
                    body: body.clone(),
                    path: None,
                    line: None,
                    at: r.submitted_at.clone(),
                });
            }
            reviews.push(ReviewVerdict { reviewer, verdict, body, at: r.submitted_at });
        }
        let on_lines: Vec<CommentJson> =
            self.all_pages(&format!("/pulls/{number}/comments"), "read review comments", cache).await?;
        let on_request: Vec<CommentJson> =
            self.all_pages(&format!("/issues/{number}/comments"), "read comments", cache).await?;
        for c in on_lines.into_iter().chain(on_request) {
            let body = c.body.unwrap_or_default();
            if is_patchdesk_comment(&body) {
                continue;
            }
            comments.push(ReviewComment {
                author: login_of(c.user),
                body,
                path: c.path,
                line: c.line.or(c.original_line),
                at: c.created_at,
            });
        }
        comments.sort_by(|a, b| a.at.cmp(&b.at));
        let checks = self.read_checks(&pull.head.sha, cache).await?;
        Ok(Feedback { reviews, comments, checks })
    }

    async fn read_checks(&self, sha: &str, cache: &mut FeedbackCache) -> Result<Checks, ForgeError> {
        #[derive(Deserialize)]
        struct Status {
            context: String,
            state: String,
        }
        #[derive(Deserialize)]
        struct Combined {
            #[serde(default)]
            statuses: Vec<Status>,
        }
        #[derive(Deserialize)]
        struct Run {
            name: String,
            status: String,
            conclusion: Option<String>,
        }
        #[derive(Deserialize)]
        struct Runs {
            #[serde(default)]
            check_runs: Vec<Run>,
        }
        let action = "read the checks";
        let combined: Combined = self.read_kept(&format!("/commits/{sha}/status"), "", action, cache).await?;
        let runs: Runs = self.read_kept(&format!("/commits/{sha}/check-runs"), "?per_page=100", action, cache).await?;
        let mut each: Vec<Check> =
            combined.statuses.into_iter().map(|s| Check { state: status_state(&s.state), name: s.context }).collect();
        each.extend(
            runs.check_runs
                .into_iter()
                .map(|r| Check { state: run_state(&r.status, r.conclusion.as_deref()), name: r.name }),
        );
        Ok(Checks::of(each))
    }
}

/// The host of a git remote address (`https://github.com/o/r.git`, `git@github.com:o/r.git`).
fn url_host(url: &str) -> Option<String> {
    let url = url.trim();
    let rest = match url.split_once("://") {
        Some((_, r)) => r.split('/').next()?,
        None => url.split_once(':')?.0,
    };
    let host = rest.rsplit('@').next()?;
    (!host.is_empty()).then(|| host.to_lowercase())
}

impl Forge for GitHub {
    fn kind(&self) -> ForgeKind {
        ForgeKind::GitHub
    }

    fn describe(&self) -> String {
        format!("{} on {}", self.full, self.base.host())
    }

    fn git_credentials(&self) -> Option<&GitCredentials> {
        Some(&self.git)
    }

    fn default_branch(&self) -> Result<String, ForgeError> {
        #[derive(Deserialize)]
        struct R {
            default_branch: String,
        }
        let r: R = self
            .rt
            .block_on(self.crab.get(self.route(""), None::<&()>))
            .map_err(|e| map_error(&self.ctx("read the repository"), e))?;
        Ok(r.default_branch)
    }

    fn open_review(&self, new: &NewReview) -> Result<ReviewRequest, ForgeError> {
        let body =
            json!({"title": new.title, "head": new.branch, "base": new.base, "body": new.body, "draft": new.draft});
        let result: Result<PullJson, _> = self.rt.block_on(self.crab.post(self.route("/pulls"), Some(&body)));
        match result {
            Ok(p) => Ok(p.into()),
            Err(e) => Err(match map_error(&self.ctx("open a pull request"), e) {
                ForgeError::ReviewExists { .. } => ForgeError::ReviewExists { branch: new.branch.clone() },
                ForgeError::NoChanges { .. } => {
                    ForgeError::NoChanges { branch: new.branch.clone(), base: new.base.clone() }
                }
                other => other,
            }),
        }
    }

    fn find_open_review(&self, branch: &str, base: &str) -> Result<Option<ReviewRequest>, ForgeError> {
        let params =
            [("state", "open".to_string()), ("head", format!("{}:{branch}", self.owner)), ("base", base.to_string())];
        let list: Vec<PullJson> = self
            .rt
            .block_on(self.crab.get(self.route("/pulls"), Some(&params)))
            .map_err(|e| map_error(&self.ctx("list pull requests"), e))?;
        Ok(list.into_iter().find(|p| p.head.name == branch).map(Into::into))
    }

    fn add_labels(&self, number: u64, labels: &[String]) -> Result<(), ForgeError> {
        self.post_names(&format!("/issues/{number}/labels"), "labels", labels, "label pull requests")
    }

    fn request_reviewers(&self, number: u64, reviewers: &[String]) -> Result<(), ForgeError> {
        self.post_names(&format!("/pulls/{number}/requested_reviewers"), "reviewers", reviewers, "request reviewers")
    }

    fn list_reviews(&self) -> Result<Vec<ReviewRequest>, ForgeError> {
        let mut out = Vec::new();
        for page in 1..=20u32 {
            let params = [("state", "all".to_string()), ("per_page", "100".to_string()), ("page", page.to_string())];
            let list: Vec<PullJson> = self
                .rt
                .block_on(self.crab.get(self.route("/pulls"), Some(&params)))
                .map_err(|e| map_error(&self.ctx("list pull requests"), e))?;
            let n = list.len();
            out.extend(list.into_iter().map(ReviewRequest::from));
            if n < 100 {
                break;
            }
        }
        out.sort_by_key(|r| std::cmp::Reverse(r.number));
        Ok(out)
    }

    fn review_status(&self, number: u64, etag: Option<&str>) -> Result<ReviewPoll, ForgeError> {
        self.rt.block_on(self.pull_status(number, etag))
    }

    fn serves(&self, remote_url: &str) -> bool {
        let same_repo = GitHub::repo_from_url(remote_url).is_some_and(|r| r.eq_ignore_ascii_case(&self.full));
        // An ssh address names the host without a port; compare the names only then.
        let ours = self.base.host();
        let host_ok = match url_host(remote_url) {
            Some(h) if remote_url.contains("://") => h == ours,
            Some(h) => ours.split(':').next() == Some(h.as_str()),
            None => true,
        };
        same_repo && host_ok
    }

    fn file_link(&self, branch: &str, path: &str) -> String {
        format!("{}/{}/blob/{}/{}", self.base.web, self.full, branch, path)
    }

    fn review_link_for_branch(&self, branch: &str) -> String {
        let q: String = form_urlencoded::byte_serialize(format!("is:pr head:{branch}").as_bytes()).collect();
        format!("{}/{}/pulls?q={q}", self.base.web, self.full)
    }

    fn feedback(&self, number: u64, cache: &mut FeedbackCache) -> Result<Feedback, ForgeError> {
        self.rt.block_on(self.read_feedback(number, cache))
    }

    fn merge_methods(&self) -> Result<Vec<MergeMethod>, ForgeError> {
        let repo: Value = self
            .rt
            .block_on(self.crab.get(self.route(""), None::<&()>))
            .map_err(|e| map_error(&self.ctx("read the repository"), e))?;
        // GitHub leaves these out for accounts that may not change the settings: all allowed then.
        let allowed = |key: &str| repo.get(key).and_then(Value::as_bool).unwrap_or(true);
        Ok([
            ("allow_merge_commit", MergeMethod::Merge),
            ("allow_squash_merge", MergeMethod::Squash),
            ("allow_rebase_merge", MergeMethod::Rebase),
        ]
        .into_iter()
        .filter(|(key, _)| allowed(key))
        .map(|(_, m)| m)
        .collect())
    }

    fn merge(&self, number: u64, method: MergeMethod) -> Result<String, ForgeError> {
        let body = json!({"merge_method": method.as_str()});
        let url = format!("{}{}", self.base.api, self.route(&format!("/pulls/{number}/merge")));
        let ctx = self.ctx("merge pull requests");
        self.rt.block_on(async {
            let resp = self.crab._put(url, Some(&body)).await.map_err(|e| map_error(&ctx, e))?;
            let status = resp.status().as_u16();
            let text = self.crab.body_to_string(resp).await.map_err(|e| map_error(&ctx, e))?;
            let v: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
            let message = v.get("message").and_then(Value::as_str).unwrap_or_default().to_string();
            match status {
                200 => Ok(v.get("sha").and_then(Value::as_str).unwrap_or_default().to_string()),
                404 => Err(ForgeError::ReviewNotFound { number, repo: self.full.clone() }),
                405 | 409 => Err(ForgeError::Invalid {
                    detail: format!("pull request #{number} cannot be merged now ({})", message.trim_end_matches('.')),
                }),
                s => {
                    let errors = v.get("errors").and_then(Value::as_array).cloned().unwrap_or_default();
                    Err(status_error(&ctx, s, &message, &errors, false, None))
                }
            }
        })
    }

    fn close(&self, number: u64) -> Result<(), ForgeError> {
        let _: Value = self
            .rt
            .block_on(self.crab.patch(self.route(&format!("/pulls/{number}")), Some(&json!({"state": "closed"}))))
            .map_err(|e| match map_error(&self.ctx("close pull requests"), e) {
                ForgeError::RepoNotFound { repo } => ForgeError::ReviewNotFound { number, repo },
                other => other,
            })?;
        Ok(())
    }

    fn delete_branch(&self, branch: &str, only_if_at: &str) -> Result<bool, ForgeError> {
        #[derive(Deserialize)]
        struct Target {
            sha: String,
        }
        #[derive(Deserialize)]
        struct Ref {
            object: Target,
        }
        let ctx = self.ctx("delete branches");
        let found: Result<Ref, _> =
            self.rt.block_on(self.crab.get(self.route(&format!("/git/ref/heads/{branch}")), None::<&()>));
        let tip = match found.map_err(|e| map_error(&ctx, e)) {
            Ok(r) => r.object.sha,
            Err(ForgeError::RepoNotFound { .. }) => return Ok(false),
            Err(e) => return Err(e),
        };
        if tip != only_if_at {
            return Ok(false);
        }
        let url = format!("{}{}", self.base.api, self.route(&format!("/git/refs/heads/{branch}")));
        let status =
            self.rt.block_on(self.crab._delete(url, None::<&()>)).map_err(|e| map_error(&ctx, e))?.status().as_u16();
        match status {
            204 => Ok(true),
            404 | 422 => Ok(false),
            s => Err(status_error(&ctx, s, "the branch was not deleted", &[], false, None)),
        }
    }

    fn merge_commit(&self, number: u64) -> Result<Option<MergeCommit>, ForgeError> {
        #[derive(Deserialize)]
        struct Pull {
            merged_at: Option<String>,
            merge_commit_sha: Option<String>,
            #[serde(default)]
            commits: Option<u32>,
        }
        let pull: Pull = self
            .rt
            .block_on(self.crab.get(self.route(&format!("/pulls/{number}")), None::<&()>))
            .map_err(|e| match map_error(&self.ctx("read pull requests"), e) {
                ForgeError::RepoNotFound { repo } => ForgeError::ReviewNotFound { number, repo },
                other => other,
            })?;
        let commits = pull.commits.unwrap_or(1).max(1);
        Ok(pull.merged_at.and(pull.merge_commit_sha).filter(|s| !s.is_empty()).map(|sha| MergeCommit { sha, commits }))
    }

    fn comment(&self, number: u64, body: &str) -> Result<(), ForgeError> {
        let body = json!({"body": format!("{}\n\n{PATCHDESK_MARK}", body.trim_end())});
        let _: Value = self
            .rt
            .block_on(self.crab.post(self.route(&format!("/issues/{number}/comments")), Some(&body)))
            .map_err(|e| map_error(&self.ctx("comment on pull requests"), e))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_bases() {
        assert_eq!(ApiBase::from_api("https://api.github.com/").host(), "github.com");
        let ghe = ApiBase::from_api("https://GHE.example.org/api/v3");
        assert_eq!(ghe.web, "https://GHE.example.org");
        assert_eq!(ghe.host(), "ghe.example.org");
        assert_eq!(ApiBase::enterprise("https://ghe.example.org/"), ghe_lower());
        assert_eq!(ApiBase::from_api("http://127.0.0.1:4000").host(), "127.0.0.1:4000");
    }

    fn ghe_lower() -> ApiBase {
        ApiBase { api: "https://ghe.example.org/api/v3".into(), web: "https://ghe.example.org".into() }
    }

    #[test]
    fn network_failures_are_told_in_plain_words() {
        assert_eq!(
            plain_network_words("error trying to connect: tcp connect error: connection refused (os error 111)"),
            "the connection was refused"
        );
        assert_eq!(
            plain_network_words("dns error: failed to lookup address information"),
            "the server's name could not be found"
        );
        assert_eq!(plain_network_words("operation timed out"), "the connection timed out");
        assert_eq!(
            plain_network_words("invalid peer certificate: unknownissuer"),
            "a secure connection could not be set up"
        );
        assert_eq!(plain_network_words("something odd"), "the connection failed");
    }

    #[test]
    fn repo_names_from_remote_urls() {
        assert_eq!(GitHub::repo_from_url("https://github.com/octo/hello.git").as_deref(), Some("octo/hello"));
        assert_eq!(GitHub::repo_from_url("git@github.com:octo/hello.git").as_deref(), Some("octo/hello"));
        assert_eq!(GitHub::repo_from_url("http://127.0.0.1:9/octo/hello.git").as_deref(), Some("octo/hello"));
        assert_eq!(GitHub::repo_from_url("https://github.com/"), None);
    }

    #[test]
    fn a_forge_knows_its_own_remote() {
        let gh = GitHub::new(ApiBase::github_com(), "octo/hello", Secret::new("not-a-real-token".to_string())).unwrap();
        assert!(gh.serves("https://github.com/octo/hello.git"));
        assert!(gh.serves("git@github.com:Octo/Hello.git"));
        assert!(!gh.serves("https://github.com/octo/other.git"));
        assert!(!gh.serves("https://ghe.example.org/octo/hello.git"));
        assert!(!gh.serves("/srv/practice.git"));
        assert_eq!(url_host("https://user@GitHub.com/o/r"), Some("github.com".into()));
    }
}
