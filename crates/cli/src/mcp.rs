//! `patchdesk mcp`: the pod API's tools (submit_patch, check_patch, get_patch, update_files,
//! next_task, get_task, get_prompt, hand_off) for an MCP client over standard input and output.
//! The same tools are at `/mcp` on the `patchdesk serve` port, behind the pod tokens.
//!
//! Exit codes: 0 the client closed the connection; 1 the connection failed; 2 usage errors.

use crate::output::{desk, fail};
use clap::Args;
use patchdesk_error::{Code, UserError};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
pub struct McpArgs {
    /// The project's repository (its working folder).
    #[arg(long)]
    pub repo: PathBuf,
    /// The pod the client works as (QAPod, DevPod…).
    #[arg(long)]
    pub pod: String,
}

/// `patchdesk mcp`.
pub fn run(args: &McpArgs) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => return fail(false, UserError::new(Code::Internal, e.to_string()), 1),
    };
    match runtime.block_on(patchdesk_server::serve_stdio(desk(), &args.repo, &args.pod)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.code == Code::RepoNotFound => fail(false, e, 2),
        Err(e) => fail(false, e, 1),
    }
}
