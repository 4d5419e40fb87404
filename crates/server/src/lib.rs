//! The pod API: what a pod can do in Patchdesk without a download, over HTTP with JSON — submit
//! a patch, check one, read one back, send whole files, find its next task, read a task and its
//! prompt, hand a task on. Every route calls one desk workflow (see `patchdesk_desk::pods`) and
//! only translates: bodies in, JSON out, error codes to HTTP statuses.
//!
//! Safe by default: every route but `/health` needs `Authorization: Bearer <token>` (a token
//! made with `patchdesk token add`; its pod is the request's pod), bodies are read up to a
//! limit (10 MB unless told), no CORS header is sent unless origins are named, and
//! `patchdesk serve` binds 127.0.0.1. The OpenAPI 3.1 document at `/openapi.json` is made from
//! this code ([`openapi`]).

mod body;
mod mcp;
mod routes;

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
pub use body::ErrorBody;
pub use mcp::PodTools;
use patchdesk_desk::Desk;
use patchdesk_error::{Code, UserError};
use std::path::PathBuf;
use std::sync::Arc;

/// The body size accepted unless told otherwise: 10 MB.
pub const DEFAULT_MAX_BODY: usize = 10 << 20;

/// How the server runs.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The project's working folder.
    pub repo: PathBuf,
    /// The address pods reach the server at, for the OpenAPI document's `servers`.
    pub public_url: Option<String>,
    /// Origins a browser may call from (CORS); none: no CORS header at all.
    pub allow_origins: Vec<String>,
    /// Largest body read, in bytes.
    pub max_body: usize,
    /// Pod tokens the server was started with (their hashes, from
    /// [`patchdesk_desk::tokens::parse_known`]), taken besides the project's own.
    pub pod_tokens: Vec<patchdesk_desk::tokens::PodToken>,
}

impl ServeOptions {
    /// The defaults for the project at `repo`.
    pub fn new(repo: impl Into<PathBuf>) -> ServeOptions {
        ServeOptions {
            repo: repo.into(),
            public_url: None,
            allow_origins: Vec::new(),
            max_body: DEFAULT_MAX_BODY,
            pod_tokens: Vec::new(),
        }
    }
}

/// What every request shares.
pub(crate) struct App {
    pub workdir: PathBuf,
    pub desk: Desk,
    pub max_body: usize,
    pub public_url: Option<String>,
    /// Pod tokens given at start (hashes only).
    pub pod_tokens: Vec<patchdesk_desk::tokens::PodToken>,
}

/// The pod a request's token belongs to.
#[derive(Debug, Clone)]
pub(crate) struct Pod(pub String);

/// An error as the API answers it: a status and `{code, message}`.
#[derive(Debug)]
pub(crate) struct ApiError(pub StatusCode, pub UserError);

impl From<UserError> for ApiError {
    fn from(e: UserError) -> ApiError {
        ApiError(status_of(e.code), e)
    }
}

/// The HTTP status for an error code.
pub fn status_of(code: Code) -> StatusCode {
    match code {
        Code::TokenInvalid => StatusCode::UNAUTHORIZED,
        Code::ItemNotFound | Code::TaskNotFound | Code::PodNotFound => StatusCode::NOT_FOUND,
        Code::FileChanged | Code::AlreadyImported | Code::RepoBusy | Code::AlreadyDone => StatusCode::CONFLICT,
        Code::InputTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        Code::Io | Code::Git | Code::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody { code: self.1.code.as_str().to_string(), message: self.1.message };
        let mut response = (self.0, axum::Json(body)).into_response();
        if self.0 == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

impl App {
    /// Runs a desk workflow on the project off the async threads.
    pub async fn run<T: Send + 'static>(
        self: &Arc<Self>,
        work: impl FnOnce(&Desk, &patchdesk_desk::Project) -> Result<T, UserError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let app = self.clone();
        tokio::task::spawn_blocking(move || {
            let project = patchdesk_desk::open_project(&app.workdir)?;
            work(&app.desk, &project)
        })
        .await
        .map_err(|e| ApiError::from(UserError::new(Code::Internal, format!("The request stopped unexpectedly: {e}."))))?
        .map_err(ApiError::from)
    }
}

/// Every request but `/health` needs a token Patchdesk keeps; its pod rides along.
async fn require_token(State(app): State<Arc<App>>, mut request: Request, next: Next) -> Response {
    let token = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty());
    let Some(token) = token else {
        return ApiError::from(UserError::new(
            Code::TokenInvalid,
            "The request has no token; send `Authorization: Bearer <token>` with a pod token from the lead (`patchdesk token add`).",
        ))
        .into_response();
    };
    let checking = app.clone();
    let pod = tokio::task::spawn_blocking(move || {
        patchdesk_desk::tokens::verify_with(&checking.workdir, &token, &checking.pod_tokens)
    })
    .await;
    match pod {
        Ok(Ok(pod)) => {
            request.extensions_mut().insert(Pod(pod));
            next.run(request).await
        }
        Ok(Err(e)) => ApiError::from(e).into_response(),
        Err(e) => ApiError::from(UserError::new(Code::Internal, e.to_string())).into_response(),
    }
}

/// The server's routes for `options` on `desk` (for `patchdesk serve` and tests).
pub fn router(desk: Desk, options: &ServeOptions) -> Result<Router, UserError> {
    let project = patchdesk_desk::open_project(&options.repo)?;
    let app = Arc::new(App {
        workdir: project.workdir().to_path_buf(),
        desk,
        max_body: options.max_body,
        public_url: options.public_url.clone(),
        pod_tokens: options.pod_tokens.clone(),
    });
    let guarded = Router::new()
        .route("/openapi.json", get(routes::openapi_json))
        .route("/patches", post(routes::submit_patch))
        .route("/patches/check", post(routes::check_patch))
        .route("/patches/{name}", get(routes::get_patch))
        .route("/batch-promote-patch", post(routes::batch_promote_patch))
        .route("/update-file", post(routes::update_file))
        .route("/tasks/next", get(routes::next_task))
        .route("/tasks/{id}", get(routes::get_task))
        .route("/tasks/{id}/prompt", get(routes::get_prompt))
        .route("/tasks/{id}/handoff", post(routes::hand_off))
        .route_layer(axum::middleware::from_fn_with_state(app.clone(), require_token));
    let mcp = Router::new()
        .nest_service("/mcp", mcp_service(&app, options))
        .layer(axum::middleware::from_fn_with_state(app.clone(), require_token));
    let mut router = Router::new()
        .route("/health", get(routes::health))
        .merge(guarded)
        .merge(mcp)
        .fallback(routes::not_found)
        .layer(axum::extract::DefaultBodyLimit::max(options.max_body))
        .with_state(app);
    if !options.allow_origins.is_empty() {
        let origins: Vec<HeaderValue> = options
            .allow_origins
            .iter()
            .map(|o| {
                HeaderValue::from_str(o.trim()).map_err(|_| {
                    UserError::new(Code::InputInvalid, format!("\"{}\" is not an origin a browser sends (such as https://chat.openai.example); check --allow-origin.", o.escape_debug()))
                })
            })
            .collect::<Result<_, _>>()?;
        let cors = tower_http::cors::CorsLayer::new()
            .allow_origin(origins)
            .allow_methods([http::Method::GET, http::Method::POST])
            .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE]);
        router = router.layer(cors);
    }
    Ok(router)
}

/// The MCP tools over streamable HTTP, for requests whose token was checked.
fn mcp_service(
    app: &Arc<App>,
    options: &ServeOptions,
) -> rmcp::transport::StreamableHttpService<
    PodTools,
    rmcp::transport::streamable_http_server::session::local::LocalSessionManager,
> {
    let mut config = rmcp::transport::StreamableHttpServerConfig::default();
    config.max_request_body_bytes = options.max_body;
    if let Some(host) =
        options.public_url.as_deref().and_then(|u| u.split("://").nth(1)).and_then(|r| r.split(['/', ':']).next())
    {
        config.allowed_hosts.push(host.to_string());
    }
    let app = app.clone();
    rmcp::transport::StreamableHttpService::new(
        move || Ok(PodTools::new(app.clone(), None)),
        Default::default(),
        config,
    )
}

/// The MCP tools for `pod` over standard input and output, until the client closes them.
pub async fn serve_stdio(desk: Desk, repo: &std::path::Path, pod: &str) -> Result<(), UserError> {
    use rmcp::ServiceExt;
    let project = patchdesk_desk::open_project(repo)?;
    let app = Arc::new(App {
        workdir: project.workdir().to_path_buf(),
        desk,
        max_body: DEFAULT_MAX_BODY,
        public_url: None,
        pod_tokens: Vec::new(),
    });
    let failed = |e: String| UserError::new(Code::Io, format!("The MCP connection failed: {e}."));
    let running = PodTools::new(app, Some(pod.to_string()))
        .serve(rmcp::transport::stdio())
        .await
        .map_err(|e| failed(e.to_string()))?;
    running.waiting().await.map_err(|e| failed(e.to_string()))?;
    Ok(())
}

/// The OpenAPI 3.1 document of the pod API, with `public_url` as its server when given.
pub fn openapi(public_url: Option<&str>) -> utoipa::openapi::OpenApi {
    routes::document(public_url)
}

/// Serves `router` on `listener` until the process ends.
pub async fn serve(listener: tokio::net::TcpListener, router: Router) -> std::io::Result<()> {
    axum::serve(listener, router).await
}
