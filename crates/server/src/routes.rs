//! The routes, each one desk workflow, and the OpenAPI document made from them.

use crate::body::{ErrorBody, JsonBody};
use crate::{ApiError, App, Pod};
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use patchdesk_desk::pods::{
    self, BatchDone, BatchFile, BatchRequest, Checked, FileResult, FileStatus, FileUpdate, HandOff, HandedOn, PodTask,
    SentForReview, Submission, Submitted,
};
use patchdesk_error::{Code, UserError};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{RefOr, Response as DocResponse, ResponseBuilder};
use utoipa::{OpenApi, ToSchema};

type Shared = State<Arc<App>>;

/// `{"ok": true}`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Health {
    pub ok: bool,
}

/// The next task for a pod; `task` is null when it has none ready.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct NextTask {
    pub task: Option<PodTask>,
}

/// `?pod=`: whose next task (the token's pod when left out).
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PodQuery {
    /// A pod's name (`QAPod`, `qa`…); the token's pod when left out.
    pub pod: Option<String>,
}

#[utoipa::path(get, path = "/health", operation_id = "health", tag = "server",
    description = "Tells that the server is up. Needs no token.",
    responses((status = 200, description = "The server is up.", body = Health)))]
pub(crate) async fn health() -> Json<Health> {
    Json(Health { ok: true })
}

pub(crate) async fn openapi_json(State(app): Shared) -> Json<utoipa::openapi::OpenApi> {
    Json(document(app.public_url.as_deref()))
}

pub(crate) async fn not_found() -> ApiError {
    ApiError(
        StatusCode::NOT_FOUND,
        UserError::new(Code::InputInvalid, "There is no such address in the pod API; /openapi.json lists them."),
    )
}

#[utoipa::path(post, path = "/patches", operation_id = "submitPatch", tag = "patches",
    description = "Puts a patch (a git diff, an OpenAI patch, edit blocks or whole files) in the lead's inbox with the pod's logs, and says how it applies to the project now.",
    request_body = Submission,
    responses((status = 201, description = "The patch is in the inbox.", body = Submitted),
        (status = 409, description = "The same patch is already in the inbox.", body = ErrorBody),
        (status = 422, description = "The body does not fit, the patch cannot be used, or its task is not on the board (code task_not_found); the message says why.", body = ErrorBody)),
    security(("bearer" = [])))]
pub(crate) async fn submit_patch(
    State(app): Shared,
    Extension(Pod(pod)): Extension<Pod>,
    JsonBody(body): JsonBody<Submission>,
) -> Result<(StatusCode, Json<Submitted>), ApiError> {
    let done = app.run(move |desk, project| pods::submit(desk, project, &pod, &body)).await.map_err(task_in_body)?;
    Ok((StatusCode::CREATED, Json(done)))
}

/// A task the body names that is not on the board is a body that does not fit (422), not an
/// address that does not exist (404).
fn task_in_body(e: ApiError) -> ApiError {
    match e.1.code {
        Code::TaskNotFound => ApiError(StatusCode::UNPROCESSABLE_ENTITY, e.1),
        _ => e,
    }
}

#[utoipa::path(post, path = "/patches/check", operation_id = "checkPatch", tag = "patches",
    description = "Says whether a patch applies to the project now (clean, repaired, conflict or refused) and which files it changes. Nothing is stored.",
    request_body = Submission,
    responses((status = 200, description = "How the patch applies.", body = Checked)),
    security(("bearer" = [])))]
pub(crate) async fn check_patch(
    State(app): Shared,
    JsonBody(body): JsonBody<Submission>,
) -> Result<Json<Checked>, ApiError> {
    Ok(Json(app.run(move |_, project| pods::check(project, &body)).await?))
}

#[utoipa::path(get, path = "/patches/{name}", operation_id = "getPatch", tag = "patches",
    description = "The text of a patch in the inbox exactly as it was received.",
    params(("name" = String, Path, description = "The inbox item's name, as submitPatch returned it.")),
    responses((status = 200, description = "The patch text.", body = String, content_type = "text/plain"),
        (status = 404, description = "No patch has that name.", body = ErrorBody)),
    security(("bearer" = [])))]
pub(crate) async fn get_patch(State(app): Shared, Path(name): Path<String>) -> Result<Response, ApiError> {
    let bytes = app.run(move |_, project| pods::patch_text(project, &name)).await?;
    Ok(([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], bytes).into_response())
}

/// A batch's answer: 201 when stored, 409 when a file was stale, 422 when one was refused.
fn batch_answer(done: BatchDone) -> (StatusCode, Json<BatchDone>) {
    let status = if done.is_stored() {
        StatusCode::CREATED
    } else if done.has_conflict() {
        StatusCode::CONFLICT
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    (status, Json(done))
}

#[utoipa::path(post, path = "/batch-promote-patch", operation_id = "batchPromotePatch", tag = "files",
    description = "Sends whole files as one change to the lead's inbox. Give each file's sha (the git blob id you read) to be told when it changed since; then nothing is stored.",
    request_body = BatchRequest,
    responses((status = 201, description = "The change is in the inbox; each file says created or updated.", body = BatchDone),
        (status = 409, description = "A file changed since the pod read it; its current sha is in the results. Nothing was stored.", body = BatchDone),
        (status = 422, description = "A file was refused (the reason is in the results), or the body does not fit. Nothing was stored.", body = BatchDone)),
    security(("bearer" = [])))]
pub(crate) async fn batch_promote_patch(
    State(app): Shared,
    Extension(Pod(pod)): Extension<Pod>,
    JsonBody(body): JsonBody<BatchRequest>,
) -> Result<(StatusCode, Json<BatchDone>), ApiError> {
    Ok(batch_answer(app.run(move |desk, project| pods::batch(desk, project, &pod, &body)).await.map_err(task_in_body)?))
}

#[utoipa::path(post, path = "/update-file", operation_id = "updateFile", tag = "files",
    description = "Sends one whole file as a change to the lead's inbox. With the sha you read, a file that changed since is a 409 with its current sha.",
    request_body = FileUpdate,
    responses((status = 201, description = "The change is in the inbox.", body = BatchDone),
        (status = 409, description = "The file changed since the pod read it; its current sha is in the result.", body = BatchDone),
        (status = 422, description = "The file was refused, or the body does not fit.", body = BatchDone)),
    security(("bearer" = [])))]
pub(crate) async fn update_file(
    State(app): Shared,
    Extension(Pod(pod)): Extension<Pod>,
    JsonBody(body): JsonBody<FileUpdate>,
) -> Result<(StatusCode, Json<BatchDone>), ApiError> {
    Ok(batch_answer(
        app.run(move |desk, project| pods::update_file(desk, project, &pod, &body)).await.map_err(task_in_body)?,
    ))
}

#[utoipa::path(get, path = "/tasks/next", operation_id = "nextTask", tag = "tasks",
    description = "The next ready task for a pod (yours unless `pod` names another) with its prompt packet; null when it has none.",
    params(PodQuery),
    responses((status = 200, description = "The next task, or null.", body = NextTask),
        (status = 404, description = "No pod has that name.", body = ErrorBody)),
    security(("bearer" = [])))]
pub(crate) async fn next_task(
    State(app): Shared,
    Extension(Pod(pod)): Extension<Pod>,
    Query(q): Query<PodQuery>,
) -> Result<Json<NextTask>, ApiError> {
    let pod = q.pod.filter(|p| !p.trim().is_empty()).unwrap_or(pod);
    let task = app.run(move |_, project| pods::next_task(project.workdir(), &pod)).await?;
    Ok(Json(NextTask { task }))
}

#[utoipa::path(get, path = "/tasks/{id}", operation_id = "getTask", tag = "tasks",
    description = "A task on the board with its status, pod and prompt packet.",
    params(("id" = String, Path, description = "The task id (`F2.1`).")),
    responses((status = 200, description = "The task.", body = PodTask),
        (status = 404, description = "No task has that id.", body = ErrorBody)),
    security(("bearer" = [])))]
pub(crate) async fn get_task(State(app): Shared, Path(id): Path<String>) -> Result<Json<PodTask>, ApiError> {
    Ok(Json(app.run(move |_, project| pods::task(project.workdir(), &id)).await?))
}

#[utoipa::path(get, path = "/tasks/{id}/prompt", operation_id = "getPrompt", tag = "tasks",
    description = "The prompt packet of a task, as text: the one written at its last handoff, else one made from the task.",
    params(("id" = String, Path, description = "The task id (`F2.1`).")),
    responses((status = 200, description = "The prompt packet.", body = String, content_type = "text/plain"),
        (status = 404, description = "No task has that id.", body = ErrorBody)),
    security(("bearer" = [])))]
pub(crate) async fn get_prompt(State(app): Shared, Path(id): Path<String>) -> Result<Response, ApiError> {
    let text = app.run(move |_, project| pods::task_prompt(project.workdir(), &id)).await?;
    Ok(([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text).into_response())
}

#[utoipa::path(post, path = "/tasks/{id}/handoff", operation_id = "handOff", tag = "tasks",
    description = "Hands a task to another pod: a handoff log entry, the task updated, a prompt packet for the next pod, all in one commit.",
    params(("id" = String, Path, description = "The task id (`F2.1`).")),
    request_body = HandOff,
    responses((status = 200, description = "Handed on.", body = HandedOn),
        (status = 404, description = "No task or pod has that name.", body = ErrorBody),
        (status = 409, description = "The task is already with that pod, or the project cannot take a commit now.", body = ErrorBody)),
    security(("bearer" = [])))]
pub(crate) async fn hand_off(
    State(app): Shared,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<HandOff>,
) -> Result<Json<HandedOn>, ApiError> {
    Ok(Json(app.run(move |desk, project| pods::hand_off(desk, project.workdir(), &id, &body)).await?))
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Patchdesk pod API",
        version = "1",
        description = "What a pod (a Custom GPT, a script, an agent) can do in a Patchdesk project: hand in patches and files to the lead's inbox, check a patch, find its next task and its prompt, hand a task on. Every request but /health needs `Authorization: Bearer <token>`; the token names the pod."
    ),
    paths(
        health,
        submit_patch,
        check_patch,
        get_patch,
        batch_promote_patch,
        update_file,
        next_task,
        get_task,
        get_prompt,
        hand_off
    ),
    components(schemas(
        ErrorBody,
        Health,
        NextTask,
        Submission,
        Submitted,
        SentForReview,
        Checked,
        BatchRequest,
        BatchFile,
        BatchDone,
        FileResult,
        FileStatus,
        FileUpdate,
        PodTask,
        HandOff,
        HandedOn
    ))
)]
struct Doc;

fn error_response(description: &str) -> RefOr<DocResponse> {
    RefOr::T(
        ResponseBuilder::new()
            .description(description)
            .content(
                "application/json",
                utoipa::openapi::ContentBuilder::new()
                    .schema(Some(RefOr::Ref(utoipa::openapi::Ref::from_schema_name("ErrorBody"))))
                    .build(),
            )
            .build(),
    )
}

/// The OpenAPI 3.1 document, with the token scheme and the refusals every route can give.
pub(crate) fn document(public_url: Option<&str>) -> utoipa::openapi::OpenApi {
    let mut doc = Doc::openapi();
    let components = doc.components.get_or_insert_with(Default::default);
    components.add_security_scheme("bearer", SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)));
    for (path, item) in doc.paths.paths.iter_mut() {
        let guarded = path != "/health";
        let ops = [(item.get.as_mut(), false), (item.post.as_mut(), true)];
        for (op, has_body) in ops {
            let Some(op) = op else { continue };
            let responses = &mut op.responses.responses;
            if guarded {
                responses
                    .entry("401".into())
                    .or_insert_with(|| error_response("No token, or one Patchdesk does not keep."));
            }
            if has_body {
                responses
                    .entry("413".into())
                    .or_insert_with(|| error_response("The body is larger than the server takes."));
                responses.entry("422".into()).or_insert_with(|| {
                    error_response("The body does not fit, or what it holds cannot be used; the message says why.")
                });
            }
        }
    }
    if let Some(url) = public_url.map(str::trim).filter(|u| !u.is_empty()) {
        doc.servers = Some(vec![utoipa::openapi::Server::new(url.trim_end_matches('/'))]);
    }
    doc
}
