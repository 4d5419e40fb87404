//! `patchdesk promote`: send an inbox item (or a patch file, imported first) for review as one
//! commit on a branch and a pull request — the same core the app's "Send for review" uses.
//!
//! Token: `GITHUB_TOKEN` when set (CI), else the sign-in kept in the system keyring.
//! API: `PATCHDESK_GITHUB_API` (default `https://api.github.com`). Remote: `origin` unless
//! `--remote URL`; a remote on this disk is the practice remote (no GitHub involved).

use crate::output::{fail, forge_for};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use patchdesk_error::{Code, UserError};
use patchdesk_project::Project;
use patchdesk_promote::{PromoteRequest, StepState};

#[derive(Args)]
pub struct PromoteArgs {
    /// The project's repository (its working folder).
    #[arg(long)]
    pub repo: PathBuf,
    /// The GitHub repository as OWNER/NAME (default: read from the remote's address).
    #[arg(long = "github-repo")]
    pub github_repo: Option<String>,
    /// Base branch (default: the repository's setting, else the remote's default branch).
    #[arg(long)]
    pub base: Option<String>,
    /// Open the pull request as a draft.
    #[arg(long)]
    pub draft: bool,
    /// Print JSON: {branch, commit, pr_number, pr_url, steps}.
    #[arg(long)]
    pub json: bool,
    /// Git address to push to instead of `origin`'s.
    #[arg(long)]
    pub remote: Option<String>,
    /// A risky path you have looked at and want sent (a workflow, a submodule, a link…);
    /// repeat it for each. Without it such a change is held and the paths are listed.
    #[arg(long = "i-understand", value_name = "PATH")]
    pub confirmed_risks: Vec<String>,
    /// A patch file (imported into the inbox first) or the name of a queued item.
    pub item: String,
}

/// Finds the inbox item: an existing file is imported (with a same-named `.json` sidecar next
/// to it, if any); anything else must be a queued item's name.
fn resolve_item(project: &Project, item: &str) -> Result<String, (UserError, u8)> {
    let queue = project.queue().map_err(|e| (UserError::from(e), 2))?;
    let path = Path::new(item);
    if path.is_file() {
        // The inbox's own reader, as for `import` and the app's drops.
        let mut paths = vec![path.to_path_buf()];
        let sidecar = path.with_extension("json");
        if sidecar != path && sidecar.is_file() {
            paths.push(sidecar);
        }
        let report = queue.import_paths(&paths);
        if let Some(r) = report.refused.first() {
            return Err((r.error.clone(), 1));
        }
        if let Some(i) = report.imported.first() {
            return Ok(i.name.clone());
        }
        if let Some(d) = report.already_imported.first() {
            return Ok(d.item.name.clone());
        }
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        return Err((UserError::new(Code::PatchUnreadable, format!("{name} holds no change to send")), 1));
    }
    queue.get(item).map(|i| i.name).map_err(|e| (UserError::from(&e), 2))
}

pub fn run(args: &PromoteArgs) -> ExitCode {
    let project = match Project::open(&args.repo) {
        Ok(p) => p,
        Err(e) => return fail(args.json, e.into(), 2),
    };
    let item = match resolve_item(&project, &args.item) {
        Ok(i) => i,
        Err((e, code)) => return fail(args.json, e, code),
    };
    let url = match args.remote.clone().or_else(|| project.repo().find_remote("origin").ok().and_then(|r| r.url().ok().map(str::to_string))) {
        Some(u) => u,
        None => return fail(args.json, UserError::new(Code::NoRemote, "The repository has no origin remote; give one with --remote URL"), 2),
    };
    let forge = match forge_for(args.github_repo.as_deref(), &url) {
        Ok(f) => f,
        Err((e, code)) => return fail(args.json, e, code),
    };
    let mut req = PromoteRequest::new(project.workdir(), &item, &url);
    req.confirmed_risks = args.confirmed_risks.clone();
    req.base = args.base.clone();
    if args.draft {
        req.draft = Some(true);
    }
    let quiet = args.json;
    let show = move |e: patchdesk_promote::StepEvent| {
        if !quiet && e.state != StepState::Started {
            eprintln!("{:<12} {:<8} {}", e.step.as_str(), format!("{:?}", e.state).to_lowercase(), e.detail);
        }
    };
    match patchdesk_promote::promote(&req, forge.as_ref(), &show) {
        Ok(out) => {
            if args.json {
                println!(
                    "{}",
                    serde_json::json!({"branch": out.branch, "commit": out.commit, "pr_number": out.pr_number, "pr_url": out.pr_url, "steps": out.steps})
                );
            } else {
                println!("{} → #{} {}", out.branch, out.pr_number, out.pr_url);
            }
            ExitCode::SUCCESS
        }
        Err(e) => fail(args.json, UserError::from(&e), 1),
    }
}
