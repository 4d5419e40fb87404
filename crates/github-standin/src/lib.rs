#![recursion_limit = "256"]
//! A stateful in-process stand-in for GitHub, for tests: the REST endpoints Patchdesk uses,
//! the OAuth device flow, and git smart HTTP (the real `git http-backend`) with token auth.
//!
//! Every REST request and response is checked against GitHub's official OpenAPI description
//! (fetch it once with `scripts/fetch-openapi.sh`; `$PATCHDESK_OPENAPI` overrides the path).
//! A mismatch is recorded as a [`Violation`]; dropping or stopping a stand-in that recorded
//! any panics, so a test fails on every mismatch. The device-flow endpoints are not in the
//! REST description and are checked against small schemas written from GitHub's
//! documentation (see the `device` module); git smart HTTP is not checked by a schema.
//!
//! ```no_run
//! # async fn demo() {
//! use github_standin::{RepoSpec, Standin};
//! let gh = Standin::start().await.unwrap();
//! gh.state().add_user("octo", "fake-pat-test", &["repo"]);
//! gh.state().add_repo(RepoSpec::new("octo", "hello")).unwrap();
//! let api = gh.api_url();          // base URI for octocrab
//! let remote = gh.git_url("octo", "hello");
//! # let _ = (api, remote);
//! gh.assert_no_violations();
//! # }
//! ```

mod api;
mod device;
mod git_http;
mod openapi;
mod review_api;
mod state;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Response, StatusCode};
use serde_json::{json, Value};

pub use state::{
    DeviceAuthorization, DeviceStatus, Permission, PullRequest, PullState, RepoSpec, RequestRecord, StandinState,
    Tamper, Violation,
};

use crate::api::{Caller, Reply};
use crate::state::{Shared, World};

/// Why the stand-in could not start.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct StartError(String);

/// A running stand-in. Stops when dropped (and panics then if violations were recorded).
pub struct Standin {
    state: StandinState,
    addr: SocketAddr,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
    _dir: tempfile::TempDir,
}

impl std::fmt::Debug for Standin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Standin").field("addr", &self.addr).finish()
    }
}

struct App {
    shared: Arc<Shared>,
    spec: Arc<openapi::Spec>,
}

impl Standin {
    /// Starts a stand-in from async code (the server runs on its own thread and runtime).
    pub async fn start() -> Result<Standin, StartError> {
        tokio::task::spawn_blocking(Standin::start_blocking)
            .await
            .map_err(|e| StartError(format!("the stand-in's start-up thread failed: {e}")))?
    }

    /// Starts a stand-in from blocking code: its own thread runs a tokio runtime.
    pub fn start_blocking() -> Result<Standin, StartError> {
        let spec = openapi::shared_spec().map_err(StartError)?;
        let dir = tempfile::Builder::new()
            .prefix("github-standin-")
            .tempdir()
            .map_err(|e| StartError(format!("cannot create a temporary folder: {e}")))?;
        let repos_root = dir.path().join("repos");
        std::fs::create_dir_all(&repos_root).map_err(|e| StartError(e.to_string()))?;
        let listener = std::net::TcpListener::bind("127.0.0.1:0")
            .map_err(|e| StartError(format!("cannot listen on 127.0.0.1: {e}")))?;
        listener.set_nonblocking(true).map_err(|e| StartError(e.to_string()))?;
        let addr = listener.local_addr().map_err(|e| StartError(e.to_string()))?;
        let world = World { device_interval: 5, device_expires_in: 900, ..World::default() };
        let shared = Arc::new(Shared { world: Mutex::new(world), repos_root, base_url: format!("http://{addr}") });
        let app = Arc::new(App { shared: shared.clone(), spec });
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("github-standin")
            .enable_all()
            .build()
            .map_err(|e| StartError(format!("cannot start a tokio runtime: {e}")))?;
        let thread = std::thread::Builder::new()
            .name("github-standin".into())
            .spawn(move || {
                runtime.block_on(async move {
                    let listener = match tokio::net::TcpListener::from_std(listener) {
                        Ok(l) => l,
                        Err(e) => {
                            eprintln!("[github-standin] cannot use the listener: {e}");
                            return;
                        }
                    };
                    let router = axum::Router::new().fallback(handle).with_state(app);
                    let server = tokio::spawn(async move {
                        let _ = axum::serve(listener, router).await;
                    });
                    let _ = rx.await;
                    server.abort();
                });
                runtime.shutdown_timeout(std::time::Duration::from_millis(500));
            })
            .map_err(|e| StartError(format!("cannot start the stand-in thread: {e}")))?;
        Ok(Standin { state: StandinState { shared }, addr, shutdown: Some(tx), thread: Some(thread), _dir: dir })
    }

    /// Base URL of the REST API (`http://127.0.0.1:PORT`), for octocrab's `base_uri`.
    pub fn api_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Base URL of the web side (device flow: `/login/device/code`), the same server.
    pub fn web_url(&self) -> String {
        self.api_url()
    }

    /// Clone URL of a repository over HTTP (`http://127.0.0.1:PORT/owner/repo.git`).
    pub fn git_url(&self, owner: &str, repo: &str) -> String {
        format!("http://{}/{owner}/{repo}.git", self.addr)
    }

    /// The handle to seed and inspect users, repositories, pull requests and hooks.
    pub fn state(&self) -> &StandinState {
        &self.state
    }

    /// Mismatches with GitHub's description recorded so far.
    pub fn violations(&self) -> Vec<Violation> {
        self.state.violations()
    }

    /// Returns and forgets the recorded violations (for tests that provoke one on purpose).
    pub fn take_violations(&self) -> Vec<Violation> {
        std::mem::take(&mut self.state.shared.lock().violations)
    }

    /// Panics with every recorded violation, if there is any.
    pub fn assert_no_violations(&self) {
        let v = self.violations();
        if !v.is_empty() {
            let list: Vec<String> = v.iter().map(|x| format!("  - {x}")).collect();
            panic!(
                "the GitHub stand-in saw {} request(s)/response(s) that do not match GitHub's OpenAPI description:\n{}",
                v.len(),
                list.join("\n")
            );
        }
    }

    /// Stops the server; panics if violations were recorded.
    pub fn stop(mut self) {
        self.shutdown_now();
        self.assert_no_violations();
    }

    fn shutdown_now(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Standin {
    fn drop(&mut self) {
        self.shutdown_now();
        if !std::thread::panicking() {
            self.assert_no_violations();
        }
    }
}

/// Current time as GitHub writes it (`2011-01-26T19:01:12Z`). The stand-in plays GitHub, so it
/// reads the computer's clock.
pub(crate) fn now_iso() -> String {
    patchdesk_clock::rfc3339_seconds(time::OffsetDateTime::now_utc())
}

pub(crate) fn now_unix() -> u64 {
    time::OffsetDateTime::now_utc().unix_timestamp().max(0) as u64
}

async fn handle(State(app): State<Arc<App>>, req: Request) -> Response<Body> {
    let (parts, body) = req.into_parts();
    let bytes = match axum::body::to_bytes(body, 512 * 1024 * 1024).await {
        Ok(b) => b.to_vec(),
        Err(e) => return plain(400, &format!("cannot read the request body: {e}")),
    };
    let method = parts.method.as_str().to_string();
    let path = parts.uri.path().to_string();
    let query = parts.uri.query().unwrap_or_default().to_string();
    let shown = if query.is_empty() { path.clone() } else { format!("{path}?{query}") };

    if git_http::is_git_path(&path) {
        let reply = git_http::serve(&app.shared, &method, &path, &query, &parts.headers, bytes).await;
        record(
            &app.shared,
            &method,
            &shown,
            Some(format!("git/{}", git_operation(&path, &query))),
            reply.status,
            Vec::new(),
        );
        let mut resp = Response::builder().status(reply.status);
        for (k, v) in &reply.headers {
            resp = resp.header(k, v);
        }
        return resp.body(Body::from(reply.body)).unwrap_or_else(|_| plain(500, "bad response"));
    }
    if path == "/login/device" && method == "GET" {
        // The verification page a user would open; approval happens through
        // `StandinState::approve_device` in tests.
        record(&app.shared, &method, &shown, Some("device-flow/page".into()), 200, Vec::new());
        return Response::builder()
            .status(200)
            .header("content-type", "text/html; charset=utf-8")
            .body(Body::from("<!doctype html><title>Device activation</title><h1>Enter the code shown by the app</h1>"))
            .unwrap_or_default();
    }
    if path == "/login/device/code" || path == "/login/oauth/access_token" {
        return device_flow(&app, &method, &path, &shown, &query, &parts.headers, &bytes);
    }
    let reply = rest(&app, &method, &path, &query, &shown, &parts.headers, &bytes);
    to_http(reply)
}

fn git_operation(path: &str, query: &str) -> &'static str {
    if path.ends_with("/git-receive-pack") || query.contains("service=git-receive-pack") {
        "receive-pack"
    } else {
        "upload-pack"
    }
}

fn plain(status: u16, text: &str) -> Response<Body> {
    Response::builder()
        .status(status)
        .header("content-type", "text/plain; charset=utf-8")
        .body(Body::from(text.to_string()))
        .unwrap_or_default()
}

fn to_http(reply: Reply) -> Response<Body> {
    let mut resp =
        Response::builder().status(StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR));
    for (k, v) in &reply.headers {
        if let Ok(v) = HeaderValue::from_str(v) {
            resp = resp.header(k.as_str(), v);
        }
    }
    if reply.drop_connection {
        return resp.body(Body::new(CutBody)).unwrap_or_else(|_| plain(500, "bad response"));
    }
    let body = match &reply.body {
        Some(v) => {
            resp = resp.header("content-type", "application/json; charset=utf-8");
            Body::from(v.to_string())
        }
        None => Body::empty(),
    };
    resp.body(body).unwrap_or_else(|_| plain(500, "bad response"))
}

/// A response body that fails at once: the server aborts the connection after the headers.
struct CutBody;

impl http_body::Body for CutBody {
    type Data = axum::body::Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        self: std::pin::Pin<&mut Self>,
        _cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        std::task::Poll::Ready(Some(Err(std::io::Error::other("connection cut by the GitHub stand-in"))))
    }
}

fn record(shared: &Shared, method: &str, path: &str, operation: Option<String>, status: u16, problems: Vec<String>) {
    let mut w = shared.lock();
    for problem in problems {
        eprintln!("[github-standin] VIOLATION {method} {path}: {problem}");
        w.violations.push(Violation {
            method: method.to_string(),
            path: path.to_string(),
            operation: operation.clone(),
            problem,
        });
    }
    w.requests.push(RequestRecord { method: method.to_string(), path: path.to_string(), operation, status });
}

fn device_flow(
    app: &App,
    method: &str,
    path: &str,
    shown: &str,
    query: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Response<Body> {
    let operation = if path.ends_with("device/code") { "device-flow/code" } else { "device-flow/access-token" };
    if method != "POST" {
        record(&app.shared, method, shown, Some(operation.into()), 404, vec![format!("{path} only takes POST")]);
        return plain(404, "Not Found");
    }
    let content_type = headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default();
    let accept = headers.get("accept").and_then(|v| v.to_str().ok()).unwrap_or_default();
    let params = match device::parameters(content_type, body, query) {
        Ok(p) => p,
        Err(e) => {
            record(&app.shared, method, shown, Some(operation.into()), 400, vec![e.clone()]);
            return plain(400, &e);
        }
    };
    let exchange = {
        let mut w = app.shared.lock();
        if operation == "device-flow/code" {
            device::device_code(&mut w, &app.shared.base_url, params)
        } else {
            device::access_token(&mut w, params)
        }
    };
    record(&app.shared, method, shown, Some(operation.into()), exchange.status, exchange.problems);
    let (ctype, bytes) = device::render(&exchange.body, accept.contains("application/json"));
    Response::builder()
        .status(exchange.status)
        .header("content-type", ctype)
        .body(Body::from(bytes))
        .unwrap_or_default()
}

/// The bearer/token credential of a REST request: `None` when absent, `Some(token)` else.
fn api_token(headers: &HeaderMap) -> Option<String> {
    let value = headers.get("authorization")?.to_str().ok()?;
    let (scheme, rest) = value.split_once(' ')?;
    match scheme.to_ascii_lowercase().as_str() {
        "token" | "bearer" => Some(rest.trim().to_string()),
        "basic" => git_http::basic_token(headers),
        _ => Some(String::new()),
    }
}

fn rest(app: &App, method: &str, path: &str, query: &str, shown: &str, headers: &HeaderMap, bytes: &[u8]) -> Reply {
    let base = app.shared.base_url.clone();
    let Some(m) = app.spec.find(method, path) else {
        let reply = api::error(404, "Not Found", "https://docs.github.com/rest");
        record(
            &app.shared,
            method,
            shown,
            None,
            404,
            vec![format!("no operation in GitHub's description matches {method} {path}")],
        );
        return reply;
    };
    let op = Some(m.operation_id.clone());
    let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes()).into_owned().collect();
    let body: Option<Value> = if bytes.iter().all(u8::is_ascii_whitespace) {
        None
    } else {
        match serde_json::from_slice(bytes) {
            Ok(v) => Some(v),
            Err(e) => {
                record(&app.shared, method, shown, op, 400, vec![format!("the request body is not JSON: {e}")]);
                return api::error(400, "Problems parsing JSON", "https://docs.github.com/rest");
            }
        }
    };
    let mut problems = app.spec.check_request(&m, &pairs, body.as_ref());
    let content_type = headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default();
    if body.is_some() && !content_type.starts_with("application/json") {
        problems.push(format!("the JSON body is sent as content type {content_type:?}, not application/json"));
    }
    if !problems.is_empty() {
        let reply = Reply::json(
            422,
            json!({"message": format!("Invalid request.\n\n{}", problems.join("\n")), "documentation_url": "https://docs.github.com/rest", "status": "422"}),
        );
        record(&app.shared, method, shown, op, 422, problems);
        return reply;
    }

    let mut w = app.shared.lock();
    let token = api_token(headers);
    let caller = match &token {
        None => None,
        Some(t) => match w.tokens.get(t) {
            Some(tok) if !tok.revoked => Some(Caller { login: tok.login.clone(), scopes: tok.scopes.clone() }),
            _ => None,
        },
    };
    let used = w
        .requests
        .iter()
        .filter(|r| r.operation.as_deref().is_some_and(|o| !o.starts_with("git/") && !o.starts_with("device-flow/")))
        .filter(|r| r.status != 304)
        .count() as u64;
    let mut reply = if token.is_some() && caller.is_none() {
        api::error(401, "Bad credentials", "https://docs.github.com/rest")
    } else if w.rate_limited > 0 && m.operation_id != "rate-limit/get" {
        w.rate_limited -= 1;
        let who = match &caller {
            Some(c) => format!("user ID {}", w.user(&c.login).map(|u| u.id).unwrap_or(0)),
            None => "127.0.0.1".to_string(),
        };
        api::error(
            403,
            &format!("API rate limit exceeded for {who}. If you reach out to GitHub Support for help, please include the request ID 0000:0000:0000000:0000000:00000000."),
            "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
        )
        .header("x-ratelimit-remaining", "0")
    } else if let Some(pos) = w.forced.iter().position(|f| f.operation == m.operation_id) {
        let f = w.forced.remove(pos);
        api::error(f.status, &f.message, "https://docs.github.com/rest")
    } else {
        let call = api::Call {
            base: &base,
            operation: &m.operation_id,
            params: &m.params,
            query: &pairs,
            body: body.as_ref(),
            caller: caller.clone(),
            repos_root: &app.shared.repos_root,
        };
        api::dispatch(&mut w, &call)
    };
    let reset = if w.rate_reset > 0 { w.rate_reset } else { now_unix() + 3600 };
    if !reply.headers.iter().any(|(k, _)| k == "x-ratelimit-remaining") {
        reply = reply.header("x-ratelimit-remaining", (5000u64.saturating_sub(used + 1)).to_string());
    }
    reply = reply
        .header("x-ratelimit-limit", "5000")
        .header("x-ratelimit-reset", reset.to_string())
        .header("x-ratelimit-used", (used + 1).min(5000).to_string())
        .header("x-ratelimit-resource", "core")
        .header("x-github-media-type", "github.v3; format=json")
        .header("x-github-api-version-selected", "2022-11-28");
    if let Some(c) = &caller {
        reply = reply.header("x-oauth-scopes", c.scopes.join(", ")).header("x-accepted-oauth-scopes", "");
    }
    // Conditional requests: GitHub gives every GET answer an ETag and answers a matching
    // `If-None-Match` with `304 Not Modified` and no body ("Use conditional requests if
    // appropriate" in its REST best practices), though the description documents 304 on only
    // some operations; such a 304 does not count against the rate limit.
    let mut not_modified = false;
    if method == "GET" && reply.status == 200 {
        if let Some(b) = &reply.body {
            use sha2::{Digest, Sha256};
            let etag = format!("\"{}\"", hex::encode(Sha256::digest(b.to_string().as_bytes())));
            let matches = headers
                .get("if-none-match")
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.split(',').any(|t| t.trim().trim_start_matches("W/") == etag));
            reply = reply.header("etag", etag);
            if matches {
                reply.status = 304;
                reply.body = None;
                not_modified = true;
            }
        }
    }
    if let Some(pos) = w.dropped.iter().position(|o| *o == m.operation_id) {
        w.dropped.remove(pos);
        reply.drop_connection = true;
    }
    if let Some(t) = w.tamper.take() {
        match t {
            Tamper::RemoveField(f) => {
                if let Some(b) = &mut reply.body {
                    api::tamper_body(b, &f, None);
                }
            }
            Tamper::SetField(f, v) => {
                if let Some(b) = &mut reply.body {
                    api::tamper_body(b, &f, Some(&v));
                }
            }
            Tamper::Status(s) => reply.status = s,
        }
    }
    drop(w);
    let problems = if reply.status == 501 {
        vec![format!("the stand-in does not serve {} yet", m.operation_id)]
    } else if not_modified && reply.status == 304 && !app.spec.documents_status(&m, 304) {
        // A conditional GET's 304 (see above): no body, nothing else to check.
        reply.body.iter().map(|_| format!("the 304 of {} has a body", m.operation_id)).collect()
    } else {
        app.spec.check_response(&m, reply.status, reply.body.as_ref())
    };
    record(&app.shared, method, shown, op, reply.status, problems);
    reply
}
