//! `patchdesk token add|list|revoke`: the tokens pods use with the pod API. A token is shown
//! once; only its hash is kept, in the project's settings inside git's folder (never in git).
//!
//! Exit codes: 0 success; 1 refused; 2 usage errors (no such project, no such token).

use crate::output::{exit_code, fail};
use clap::{Args, Subcommand};
use patchdesk_desk::tokens;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
pub struct TokenArgs {
    #[command(subcommand)]
    pub action: TokenAction,
}

#[derive(Subcommand)]
pub enum TokenAction {
    /// Make a token for a pod and print it (the only time it is shown).
    Add(TokenPod),
    /// List the tokens kept (pod, id, when made; never the token).
    List(TokenRepo),
    /// Revoke a pod's tokens (or only the one with --id).
    Revoke(TokenRevoke),
}

#[derive(Args)]
pub struct TokenRepo {
    /// The project's repository (its working folder).
    #[arg(long)]
    pub repo: PathBuf,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
pub struct TokenPod {
    #[command(flatten)]
    pub at: TokenRepo,
    /// The pod the token is for (QAPod, DevPod…).
    #[arg(long)]
    pub pod: String,
}

#[derive(Args)]
pub struct TokenRevoke {
    #[command(flatten)]
    pub pod: TokenPod,
    /// Only the token with this id (from `patchdesk token list`).
    #[arg(long)]
    pub id: Option<String>,
}

/// `patchdesk token …`.
pub fn run(args: &TokenArgs) -> ExitCode {
    let (json, result) = match &args.action {
        TokenAction::Add(a) => (
            a.at.json,
            tokens::add(&a.at.repo, &a.pod, crate::output::desk().clock().now()).map(|t| {
                if a.at.json {
                    serde_json::json!({ "token": t.token, "id": t.kept.id, "pod": t.kept.pod })
                } else {
                    serde_json::Value::String(format!(
                        "{}\n(token {} for {}: shown once, keep it in the pod's settings)",
                        t.token, t.kept.id, t.kept.pod
                    ))
                }
            }),
        ),
        TokenAction::List(a) => (
            a.json,
            tokens::list(&a.repo).map(|all| {
                if a.json {
                    serde_json::json!(all
                        .iter()
                        .map(|t| serde_json::json!({"id": t.id, "pod": t.pod, "created_at": t.created_at}))
                        .collect::<Vec<_>>())
                } else {
                    let lines: Vec<String> =
                        all.iter().map(|t| format!("{}  {}  {}", t.id, t.pod, t.created_at)).collect();
                    serde_json::Value::String(if lines.is_empty() { "No pod tokens.".into() } else { lines.join("\n") })
                }
            }),
        ),
        TokenAction::Revoke(a) => (
            a.pod.at.json,
            tokens::revoke(&a.pod.at.repo, &a.pod.pod, a.id.as_deref()).map(|gone| {
                let ids: Vec<&str> = gone.iter().map(|t| t.id.as_str()).collect();
                if a.pod.at.json {
                    serde_json::json!({ "revoked": ids })
                } else {
                    serde_json::Value::String(format!(
                        "Revoked {} token(s) of {}: {}",
                        ids.len(),
                        a.pod.pod,
                        ids.join(", ")
                    ))
                }
            }),
        ),
    };
    match result {
        Ok(serde_json::Value::String(text)) if !json => {
            println!("{text}");
            ExitCode::SUCCESS
        }
        Ok(v) => {
            println!("{v}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            let code = exit_code(&e);
            fail(json, e, code)
        }
    }
}
