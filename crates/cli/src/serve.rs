//! `patchdesk serve`: the pod API on a port, for GPT Actions, scripts and MCP clients.
//!
//! Pods' tokens: those `patchdesk token add` made for the project, and those given at start in
//! `PATCHDESK_POD_TOKENS` (`QAPod=<token>,DevPod=<token>`; hashed at once and kept only in
//! memory, for a server whose tokens come from its environment, such as the team server's
//! container). A malformed list stops `serve` at start.
//!
//! Exit codes: 0 never (it serves until stopped); 1 the address cannot be used; 2 usage errors
//! (no such project, a bad origin, a malformed `PATCHDESK_POD_TOKENS`).

use crate::output::{desk, exit_code, fail};
use clap::Args;
use patchdesk_error::{Code, UserError};
use patchdesk_server::{ServeOptions, DEFAULT_MAX_BODY};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
pub struct ServeArgs {
    /// The project's repository (its working folder).
    #[arg(long)]
    pub repo: PathBuf,
    /// Address to listen on. Only this computer can reach the default; give 0.0.0.0:8765 to
    /// let others in (behind HTTPS).
    #[arg(long, default_value = "127.0.0.1:8765")]
    pub bind: String,
    /// The address pods reach the server at (https://…), written in the API document.
    #[arg(long)]
    pub public_url: Option<String>,
    /// A web page origin allowed to call the API from a browser (repeat for more). None: no
    /// CORS headers at all.
    #[arg(long = "allow-origin")]
    pub allow_origin: Vec<String>,
    /// Largest request body taken, in bytes.
    #[arg(long, default_value_t = DEFAULT_MAX_BODY)]
    pub max_body: usize,
    /// Send what pods hand in for review at once (a pull request, never a push to the default
    /// branch); saved in the project's settings. `--auto-promote=false` turns it off.
    #[arg(long, num_args = 0..=1, default_missing_value = "true")]
    pub auto_promote: Option<bool>,
}

/// Where pod tokens given at start come from: `QAPod=<token>,DevPod=<token>`.
const POD_TOKENS: &str = "PATCHDESK_POD_TOKENS";

/// The pod tokens `PATCHDESK_POD_TOKENS` gives (their hashes); none when it is not set.
fn known_pod_tokens() -> Result<Vec<patchdesk_desk::tokens::PodToken>, UserError> {
    match std::env::var(POD_TOKENS) {
        Ok(text) if text.trim().is_empty() => Ok(Vec::new()),
        Ok(text) => patchdesk_desk::tokens::parse_known(&text, POD_TOKENS, desk().clock().now()),
        Err(std::env::VarError::NotPresent) => Ok(Vec::new()),
        Err(std::env::VarError::NotUnicode(_)) => Err(UserError::new(
            Code::InputInvalid,
            format!("{POD_TOKENS} holds characters that are not text; write it as QAPod=<token>,DevPod=<token>."),
        )),
    }
}

/// `patchdesk serve`.
pub fn run(args: &ServeArgs) -> ExitCode {
    let mut options = ServeOptions::new(&args.repo);
    options.public_url = args.public_url.clone();
    options.allow_origins = args.allow_origin.clone();
    options.max_body = args.max_body;
    match known_pod_tokens() {
        Ok(known) => options.pod_tokens = known,
        Err(e) => return fail(false, e, 2),
    }
    if let Some(on) = args.auto_promote {
        if let Err(e) = patchdesk_desk::tokens::set_auto_promote(&args.repo, on) {
            return fail(false, e.clone(), exit_code(&e));
        }
    }
    let router = match patchdesk_server::router(desk(), &options) {
        Ok(r) => r,
        Err(e) => return fail(false, e.clone(), 2),
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => return fail(false, UserError::new(Code::Internal, e.to_string()), 1),
    };
    runtime.block_on(async {
        let listener = match tokio::net::TcpListener::bind(&args.bind).await {
            Ok(l) => l,
            Err(e) => {
                let why = format!("Cannot listen on {}: {e}. Choose another address with --bind.", args.bind);
                return fail(false, UserError::new(Code::InputInvalid, why), 1);
            }
        };
        let addr = listener.local_addr().map(|a| a.to_string()).unwrap_or_else(|_| args.bind.clone());
        println!("Patchdesk serves {} at http://{addr} (stop with Ctrl-C)", args.repo.display());
        let _ = std::io::Write::flush(&mut std::io::stdout());
        match patchdesk_server::serve(listener, router).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => fail(false, UserError::new(Code::Io, format!("The server stopped: {e}.")), 1),
        }
    })
}
