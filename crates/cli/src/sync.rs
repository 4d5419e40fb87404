//! `patchdesk sync`: follow the pull requests Patchdesk opened and bring the board up to date
//! (merged → task done and dependents ready; closed → back to the pod), one commit per run.
//!
//! The forge is chosen as `patchdesk promote` (and the window) chooses it: a remote on this disk
//! is the practice remote unless `--github-repo` names a GitHub repository; anything else is
//! GitHub, with `GITHUB_TOKEN` when set, else the sign-in kept in the system keyring, and the
//! API at `PATCHDESK_GITHUB_API`, else the server set in the app's settings (default github.com's).
//!
//! Exit codes: 0 success (also when nothing changed); 1 the forge or the repository refused
//! (offline, sign-in refused, staged changes in a file to commit); 2 usage errors.

use crate::output::{desk, fail};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use patchdesk_desk::{open_project, OffsetDateTime, Remote, ReviewChange};
use patchdesk_error::{Code, UserError};

#[derive(Args)]
pub struct SyncArgs {
    /// The project's repository (its working folder).
    #[arg(long)]
    pub repo: PathBuf,
    /// The GitHub repository as OWNER/NAME (default: read from the remote's address).
    #[arg(long = "github-repo")]
    pub github_repo: Option<String>,
    /// Git address of the remote whose pull requests to follow, instead of `origin`'s.
    #[arg(long)]
    pub remote: Option<String>,
    /// Print JSON: {reviews: [{item, task_id, pod, number, url, state, change, ...}], commit, warnings}.
    #[arg(long)]
    pub json: bool,
}

fn word(change: ReviewChange) -> &'static str {
    match change {
        ReviewChange::Unchanged => "unchanged",
        ReviewChange::InReview => "in review",
        ReviewChange::Reopened => "reopened",
        ReviewChange::Merged => "merged",
        ReviewChange::Closed => "closed",
        ReviewChange::Undone => "merge undone",
    }
}

pub fn run(args: &SyncArgs) -> ExitCode {
    let project = match open_project(&args.repo) {
        Ok(p) => p,
        Err(e) => return fail(args.json, e, 2),
    };
    let Some(remote) = Remote::of(project.workdir(), args.remote.as_deref(), args.github_repo.as_deref()) else {
        let e = UserError::new(Code::NoRemote, "The repository has no origin remote; give one with --remote URL");
        return fail(args.json, e, 2);
    };
    // Follows every request, and after a merge makes the other open ones again on the new base.
    let followed =
        match patchdesk_desk::follow::follow_reviews(&desk(), project.workdir(), &remote, OffsetDateTime::now_utc()) {
            Ok(f) => f,
            Err(e) => {
                let code = if e.code == Code::RemoteRepoNotFound { 2 } else { 1 };
                return fail(args.json, e, code);
            }
        };
    let (report, refreshed) = (followed.report, followed.refreshed);
    if args.json {
        let mut out = serde_json::to_value(&report).unwrap_or_default();
        out["refreshed"] = serde_json::json!(refreshed);
        println!("{out}");
        return ExitCode::SUCCESS;
    }
    for r in &refreshed {
        println!("{}", r.words);
    }
    if report.reviews.is_empty() {
        println!("No pull requests to follow on {}.", followed.forge);
    }
    for r in &report.reviews {
        let task = r.review.task_id.as_deref().unwrap_or(&r.review.item);
        let state = format!("{:?}", r.review.state).to_lowercase();
        let what = if r.summary.is_empty() { word(r.change).to_string() } else { r.summary.clone() };
        println!("#{:<5} {:<8} {:<12} {}", r.review.number, state, task, what);
        for w in &r.warnings {
            eprintln!("  warning: {w}");
        }
    }
    for w in &report.warnings {
        eprintln!("warning: {w}");
    }
    match &report.commit {
        Some(c) => println!("Recorded in commit {}.", &c[..c.len().min(12)]),
        None => println!("Nothing to record."),
    }
    ExitCode::SUCCESS
}
