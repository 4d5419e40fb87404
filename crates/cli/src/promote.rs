//! `patchdesk promote`: send an inbox item (or a patch file, imported first) for review as one
//! commit on a branch and a pull request — the same core the app's "Send for review" uses.
//!
//! Token: `GITHUB_TOKEN` when set (CI), else the sign-in kept in the system keyring.
//! API: `PATCHDESK_GITHUB_API`, else the server set in the app's settings (default
//! `https://api.github.com`). Remote: `origin` unless `--remote URL`; a remote on this disk is
//! the practice remote (no GitHub involved) unless `--github-repo` names a GitHub repository.

use crate::output::{desk, fail};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use patchdesk_desk::send::SendChoices;
use patchdesk_desk::{open_project, Remote, StepEvent, StepState};
use patchdesk_error::{Code, UserError};

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
    /// Open a new pull request even when the task has one open already (by default the item
    /// updates that one: one more commit on its branch and a comment).
    #[arg(long = "new-request")]
    pub new_request: bool,
    /// Print JSON: {branch, commit, pr_number, pr_url, updated, revision, steps}.
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

pub fn run(args: &PromoteArgs) -> ExitCode {
    let project = match open_project(&args.repo) {
        Ok(p) => p,
        Err(e) => return fail(args.json, e, 2),
    };
    // An existing file is imported first (with its sidecar); anything else is a queued item.
    let item = match patchdesk_desk::inbox::item_for(&project, &args.item) {
        Ok(i) => i,
        Err(e) => {
            let code = if Path::new(&args.item).is_file() { 1 } else { 2 };
            return fail(args.json, e, code);
        }
    };
    let Some(remote) = Remote::of(project.workdir(), args.remote.as_deref(), args.github_repo.as_deref()) else {
        let e = UserError::new(Code::NoRemote, "The repository has no origin remote; give one with --remote URL");
        return fail(args.json, e, 2);
    };
    let choices = SendChoices {
        base: args.base.clone(),
        draft: args.draft.then_some(true),
        confirmed_risks: args.confirmed_risks.clone(),
        new_request: args.new_request,
        ..SendChoices::default()
    };
    let quiet = args.json;
    let show = move |e: StepEvent| {
        if !quiet && e.state != StepState::Started {
            eprintln!("{:<12} {:<8} {}", e.step.as_str(), format!("{:?}", e.state).to_lowercase(), e.detail);
        }
    };
    match patchdesk_desk::send::send_for_review(&desk(), project.workdir(), &item, &remote, choices, &show) {
        Ok(out) => {
            if args.json {
                println!(
                    "{}",
                    serde_json::json!({"branch": out.branch, "commit": out.commit, "pr_number": out.pr_number, "pr_url": out.pr_url, "updated": out.updated, "revision": out.revision, "steps": out.steps})
                );
            } else if let (true, Some(n)) = (out.updated, out.revision) {
                println!("{} → #{} updated with revision {n} {}", out.branch, out.pr_number, out.pr_url);
            } else {
                println!("{} → #{} {}", out.branch, out.pr_number, out.pr_url);
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            let code = if e.code == Code::RemoteRepoNotFound { 2 } else { 1 };
            fail(args.json, e, code)
        }
    }
}
