//! `patchdesk sync`: follow the pull requests Patchdesk opened and bring the board up to date
//! (merged → task done and dependents ready; closed → back to the pod), one commit per run.
//!
//! The forge is chosen as `patchdesk promote` chooses it: a remote on this disk is the practice
//! remote; anything else is GitHub, with `GITHUB_TOKEN` when set, else the sign-in kept in the
//! system keyring, and the API at `PATCHDESK_GITHUB_API` (default github.com's).
//!
//! Exit codes: 0 success (also when nothing changed); 1 the forge or the repository refused
//! (offline, sign-in refused, staged changes in a file to commit); 2 usage errors.

use crate::output::{fail, forge_for};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use patchdesk_error::{Code, UserError};
use patchdesk_project::lifecycle::{follow_reviews, ReviewChange};
use patchdesk_project::record::OffsetDateTime;
use patchdesk_project::Project;

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
    }
}

pub fn run(args: &SyncArgs) -> ExitCode {
    let project = match Project::open(&args.repo) {
        Ok(p) => p,
        Err(e) => return fail(args.json, e.into(), 2),
    };
    let url = match args.remote.clone().or_else(|| project.repo().find_remote("origin").ok().and_then(|r| r.url().ok().map(str::to_string))) {
        Some(u) => u,
        None => return fail(args.json, UserError::new(Code::NoRemote, "The repository has no origin remote; give one with --remote URL"), 2),
    };
    let forge = match forge_for(args.github_repo.as_deref(), &url) {
        Ok(f) => f,
        Err((e, code)) => return fail(args.json, e, code),
    };
    let report = match follow_reviews(project.workdir(), forge.as_ref(), OffsetDateTime::now_utc()) {
        Ok(r) => r,
        Err(e) => return fail(args.json, UserError::from(&e), 1),
    };
    // After a merge the other open requests sit on an older base: make them again on it.
    let refreshed = if report.reviews.iter().any(|r| r.change == ReviewChange::Merged) {
        let open: Vec<String> = report.reviews.iter().filter(|r| r.state == patchdesk_forge::ReviewState::Open).map(|r| r.item.clone()).collect();
        patchdesk_promote::refresh::refresh_open(project.workdir(), &url, forge.as_ref(), &open)
    } else {
        Vec::new()
    };
    if args.json {
        let mut out = serde_json::to_value(&report).unwrap_or_default();
        out["refreshed"] = serde_json::json!(refreshed.iter().map(|(i, w)| serde_json::json!({"item": i, "words": w})).collect::<Vec<_>>());
        println!("{out}");
        return ExitCode::SUCCESS;
    }
    for (_, words) in &refreshed {
        println!("{words}");
    }
    if report.reviews.is_empty() {
        println!("No pull requests to follow on {}.", forge.describe());
    }
    for r in &report.reviews {
        let task = r.task_id.as_deref().unwrap_or(&r.item);
        let state = format!("{:?}", r.state).to_lowercase();
        let what = if r.summary.is_empty() { word(r.change).to_string() } else { r.summary.clone() };
        println!("#{:<5} {:<8} {:<12} {}", r.number, state, task, what);
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
