//! The pod API as MCP tools (the official Rust SDK): the same desk workflows as the HTTP
//! routes, for model clients — over stdio (`patchdesk mcp`, the pod named on the command line)
//! and streamable HTTP at `/mcp` (the bearer token names the pod).

use crate::{App, Pod};
use patchdesk_desk::pods::{self, BatchRequest, HandOff, Submission};
use patchdesk_error::{Code, UserError};
use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::{CallToolResult, ContentBlock, Implementation, ServerCapabilities, ServerConfig};
use rmcp::service::RequestContext;
use rmcp::{tool, tool_handler, tool_router, ErrorData, RoleServer, ServerHandler};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// The tools, for one pod (stdio) or for the pod of each request's token (HTTP).
#[derive(Clone)]
pub struct PodTools {
    app: Arc<App>,
    pod: Option<String>,
    tool_router: ToolRouter<PodTools>,
}

/// A patch's name in the inbox.
#[derive(Debug, Deserialize, Serialize, schemars::JsonSchema)]
pub struct PatchName {
    /// The name submit_patch returned (`patch_20261130_120000_F2.1.diff`).
    pub name: String,
}

/// A task on the board.
#[derive(Debug, Deserialize, Serialize, schemars::JsonSchema)]
pub struct TaskId {
    /// The task id (`F2.1`).
    pub task_id: String,
}

/// Whose next task.
#[derive(Debug, Default, Deserialize, Serialize, schemars::JsonSchema)]
pub struct WhichPod {
    /// A pod's name (`QAPod`); leave out for your own.
    #[serde(default)]
    pub pod: Option<String>,
}

/// A handoff of one task.
#[derive(Debug, Deserialize, Serialize, schemars::JsonSchema)]
pub struct HandOffTask {
    /// The task id (`F2.1`).
    pub task_id: String,
    #[serde(flatten)]
    pub handoff: HandOff,
}

fn answer<T: Serialize>(done: Result<T, UserError>) -> Result<CallToolResult, ErrorData> {
    Ok(match done {
        Ok(v) => CallToolResult::success(vec![ContentBlock::text(
            serde_json::to_string_pretty(&v).unwrap_or_else(|e| e.to_string()),
        )]),
        Err(e) => CallToolResult::error(vec![ContentBlock::text(format!("{} ({})", e.message, e.code.as_str()))]),
    })
}

impl PodTools {
    /// The tools on `app`'s project; `pod`: the stdio pod (HTTP: from each request's token).
    pub(crate) fn new(app: Arc<App>, pod: Option<String>) -> PodTools {
        PodTools { app, pod, tool_router: Self::tool_router() }
    }

    /// Who is asking: the stdio pod, or the pod of the HTTP request's token.
    fn pod(&self, ctx: &RequestContext<RoleServer>) -> Result<String, UserError> {
        if let Some(p) = &self.pod {
            return Ok(p.clone());
        }
        ctx.extensions
            .get::<http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<Pod>())
            .map(|p| p.0.clone())
            .ok_or_else(|| UserError::new(Code::TokenInvalid, "The request has no pod token."))
    }

    async fn run<T: Serialize + Send + 'static>(
        &self,
        work: impl FnOnce(&patchdesk_desk::Desk, &patchdesk_desk::Project) -> Result<T, UserError> + Send + 'static,
    ) -> Result<CallToolResult, ErrorData> {
        answer(self.app.run(work).await.map_err(|e| e.1))
    }
}

#[tool_router]
impl PodTools {
    #[tool(
        description = "Hand a change in to the lead's inbox for a task. `patch` may be a git diff, a unified diff, an OpenAI patch (*** Begin Patch), edit blocks, or whole files each named by its path. Add your reasoning, a changelog and handoff notes: the lead reads them next to the change. Answers with the patch's name and whether it applies cleanly, after repairs, with conflicts, or not at all (with the reasons). Call check_patch first if unsure."
    )]
    async fn submit_patch(
        &self,
        Parameters(s): Parameters<Submission>,
        ctx: RequestContext<RoleServer>,
    ) -> Result<CallToolResult, ErrorData> {
        let pod = match self.pod(&ctx) {
            Ok(p) => p,
            Err(e) => return answer::<()>(Err(e)),
        };
        self.run(move |desk, project| pods::submit(desk, project, &pod, &s)).await
    }

    #[tool(
        description = "Check whether a patch applies to the project as it is now, without handing it in: says clean, repaired, conflict or refused, the files it changes, the repairs made and the problems found. Same arguments as submit_patch."
    )]
    async fn check_patch(&self, Parameters(s): Parameters<Submission>) -> Result<CallToolResult, ErrorData> {
        self.run(move |_, project| pods::check(project, &s)).await
    }

    #[tool(
        description = "Read back a patch you handed in, exactly as it was received, by the name submit_patch returned."
    )]
    async fn get_patch(&self, Parameters(p): Parameters<PatchName>) -> Result<CallToolResult, ErrorData> {
        self.run(move |_, project| pods::patch_text(project, &p.name).map(|b| String::from_utf8_lossy(&b).into_owned()))
            .await
    }

    #[tool(
        description = "Hand in whole files as one change for a task (the full new text of each file). For a file you read first, give its `sha` (the git blob id you saw): if the file changed since, nothing is stored and you get its current sha, so read it again and redo your change. Unsafe paths (outside the project, inside .git) are refused with the reason."
    )]
    async fn update_files(
        &self,
        Parameters(req): Parameters<BatchRequest>,
        ctx: RequestContext<RoleServer>,
    ) -> Result<CallToolResult, ErrorData> {
        let pod = match self.pod(&ctx) {
            Ok(p) => p,
            Err(e) => return answer::<()>(Err(e)),
        };
        self.run(move |desk, project| pods::batch(desk, project, &pod, &req)).await
    }

    #[tool(
        description = "Your next ready task on the project's board (or another pod's, when `pod` is given), with its prompt packet: the goal, the files to read and the instructions. Null when there is nothing ready."
    )]
    async fn next_task(
        &self,
        Parameters(w): Parameters<WhichPod>,
        ctx: RequestContext<RoleServer>,
    ) -> Result<CallToolResult, ErrorData> {
        let pod = match w.pod.filter(|p| !p.trim().is_empty()).map(Ok).unwrap_or_else(|| self.pod(&ctx)) {
            Ok(p) => p,
            Err(e) => return answer::<()>(Err(e)),
        };
        self.run(move |_, project| pods::next_task(project.workdir(), &pod)).await
    }

    #[tool(
        description = "One task on the board by its id: title, status, the pod holding it, whether it is ready, and its prompt packet."
    )]
    async fn get_task(&self, Parameters(t): Parameters<TaskId>) -> Result<CallToolResult, ErrorData> {
        self.run(move |_, project| pods::task(project.workdir(), &t.task_id)).await
    }

    #[tool(
        description = "The prompt packet of a task as text: what to do, the files to read, the instructions. Read it before working on the task."
    )]
    async fn get_prompt(&self, Parameters(t): Parameters<TaskId>) -> Result<CallToolResult, ErrorData> {
        self.run(move |_, project| pods::task_prompt(project.workdir(), &t.task_id)).await
    }

    #[tool(
        description = "Hand a task on to another pod when your part is done: say to whom (`to`, e.g. QAPod) and why (`reason`, it goes into their prompt); `files` lists what they should read. Records the handoff in one commit and answers with the next pod's prompt packet."
    )]
    async fn hand_off(&self, Parameters(h): Parameters<HandOffTask>) -> Result<CallToolResult, ErrorData> {
        self.run(move |desk, project| pods::hand_off(desk, project.workdir(), &h.task_id, &h.handoff)).await
    }
}

#[tool_handler(router = self.tool_router)]
impl ServerHandler for PodTools {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new("patchdesk", env!("CARGO_PKG_VERSION")))
            .with_instructions("Patchdesk is where a team lead reviews the changes pods (AI assistants) make. Find your work with next_task and get_prompt, check a change with check_patch, hand it in with submit_patch or update_files, and pass the task on with hand_off. Everything you hand in waits in the lead's inbox for review.")
    }
}
