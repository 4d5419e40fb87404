//! Closing the review loop from the command line: `patchdesk review` (state, reviews, comments,
//! checks of a task's request), `send-back` (the revision prompt for the pod), `merge`, and the
//! practice remote's reviewer (`practice review`). The same desk workflows as the window's.
//!
//! Exit codes: 0 success; 1 refused (changes asked, checks failing, offline); 2 usage errors
//! (no such task or request, bad arguments).

use crate::output::{desk, exit_code, fail, printable};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use patchdesk_desk::practice::PracticeVerdict;
use patchdesk_desk::{open_project, MergeMethod, OffsetDateTime, Remote};
use patchdesk_error::{Code, UserError};

#[derive(Args)]
pub struct ReviewArgs {
    /// The project's repository (its working folder).
    #[arg(long)]
    pub repo: PathBuf,
    /// Print JSON: {task, item, number, url, state, forge, feedback, summary, merge_methods}.
    #[arg(long)]
    pub json: bool,
    /// The task (`F2.2`).
    pub task: String,
}

#[derive(Args)]
pub struct SendBackArgs {
    /// The project's repository (its working folder).
    #[arg(long)]
    pub repo: PathBuf,
    /// Print JSON: {task, pod, revision, prompt, prompt_path, feedback_file, commit, new, warnings}.
    #[arg(long)]
    pub json: bool,
    /// The task whose reviewers' comments go back to its pod.
    pub task: String,
}

#[derive(Args)]
pub struct MergeArgs {
    /// The project's repository (its working folder).
    #[arg(long)]
    pub repo: PathBuf,
    /// How to merge: merge, squash or rebase (needed when the repository allows several).
    #[arg(long)]
    pub method: Option<String>,
    /// Print JSON: {number, merge_commit, report, board, board_error}.
    #[arg(long)]
    pub json: bool,
    /// The task whose request to merge.
    pub task: String,
}

#[derive(Args)]
pub struct WithdrawArgs {
    /// The project's repository (its working folder).
    #[arg(long)]
    pub repo: PathBuf,
    /// Why (the pod reads it in its feedback; it is in the commit).
    #[arg(long)]
    pub reason: String,
    /// Print JSON: {number, branch_deleted, report}.
    #[arg(long)]
    pub json: bool,
    /// The task whose open request to withdraw.
    pub task: String,
}

#[derive(Args)]
pub struct PracticeArgs {
    #[command(subcommand)]
    pub command: PracticeCommand,
}

#[derive(Subcommand)]
pub enum PracticeCommand {
    /// Play the reviewer on the practice remote: approve a request, or ask for changes.
    Review(PracticeReviewArgs),
}

#[derive(Args)]
pub struct PracticeReviewArgs {
    /// The project's repository (its working folder; its origin is the practice remote).
    #[arg(long)]
    pub repo: PathBuf,
    /// Approve the request.
    #[arg(long, conflicts_with = "request_changes", required_unless_present = "request_changes")]
    pub approve: bool,
    /// Ask for changes, with this comment.
    #[arg(long = "request-changes", value_name = "TEXT")]
    pub request_changes: Option<String>,
    /// The file the comment is about (with --line).
    #[arg(long, requires = "line", requires = "request_changes")]
    pub file: Option<String>,
    /// The line of that file (with --file).
    #[arg(long, requires = "file")]
    pub line: Option<u32>,
    /// The request's number.
    pub number: u64,
}

fn workdir(repo: &std::path::Path, json: bool) -> Result<PathBuf, ExitCode> {
    open_project(repo).map(|p| p.workdir().to_path_buf()).map_err(|e| fail(json, e, 2))
}

fn done<T: serde::Serialize>(json: bool, value: &T, words: impl FnOnce(&T) -> String) -> ExitCode {
    if json {
        println!("{}", serde_json::to_value(value).unwrap_or_default());
    } else {
        println!("{}", printable(&words(value)));
    }
    ExitCode::SUCCESS
}

pub fn review(args: &ReviewArgs) -> ExitCode {
    let dir = match workdir(&args.repo, args.json) {
        Ok(d) => d,
        Err(code) => return code,
    };
    match patchdesk_desk::review::review_of_task(&desk(), &dir, &args.task) {
        Ok(r) => done(args.json, &r, |r| {
            let s = &r.summary;
            let mut out = format!(
                "#{} {:?} — {:?}{} — {} comments — checks {:?}\n{}",
                r.number,
                r.state,
                s.standing,
                if s.asked_by.is_empty() { String::new() } else { format!(" by {}", s.asked_by.join(", ")) },
                s.comments,
                s.checks,
                r.url
            );
            for c in &r.feedback.comments {
                let place = match (&c.path, c.line) {
                    (Some(p), Some(l)) => format!(" on {p}:{l}"),
                    (Some(p), None) => format!(" on {p}"),
                    _ => String::new(),
                };
                out.push_str(&format!("\n{}{place}: {}", c.author, c.body.lines().next().unwrap_or_default()));
            }
            out
        }),
        Err(e) => fail(args.json, e.clone(), exit_code(&e)),
    }
}

pub fn send_back(args: &SendBackArgs) -> ExitCode {
    let dir = match workdir(&args.repo, args.json) {
        Ok(d) => d,
        Err(code) => return code,
    };
    match patchdesk_desk::review::send_back_to_pod(&desk(), &dir, &args.task, OffsetDateTime::now_utc()) {
        Ok(s) => done(args.json, &s, |s| format!("{}\n(written to {})", s.prompt, s.prompt_path)),
        Err(e) => fail(args.json, e.clone(), exit_code(&e)),
    }
}

pub fn merge(args: &MergeArgs) -> ExitCode {
    let dir = match workdir(&args.repo, args.json) {
        Ok(d) => d,
        Err(code) => return code,
    };
    let method = match args.method.as_deref().map(|m| (m, MergeMethod::parse(m))) {
        None => None,
        Some((_, Some(m))) => Some(m),
        Some((m, None)) => {
            let e = UserError::new(
                Code::InputInvalid,
                format!("\"{m}\" is not a way of merging; use merge, squash or rebase."),
            );
            return fail(args.json, e, 2);
        }
    };
    match patchdesk_desk::review::merge_task(&desk(), &dir, &args.task, method, OffsetDateTime::now_utc()) {
        Ok(m) => done(args.json, &m, |m| {
            let lines: Vec<String> =
                m.report.reviews.iter().filter(|r| !r.summary.is_empty()).map(|r| r.summary.clone()).collect();
            match &m.merge_commit {
                Some(_) => format!("Merged #{}. {}", m.number, lines.join("; ")),
                None => format!("#{} was merged already. {}", m.number, lines.join("; ")),
            }
        }),
        Err(e) => fail(args.json, e.clone(), exit_code(&e)),
    }
}

pub fn withdraw(args: &WithdrawArgs) -> ExitCode {
    let dir = match workdir(&args.repo, args.json) {
        Ok(d) => d,
        Err(code) => return code,
    };
    match patchdesk_desk::review::withdraw(&desk(), &dir, &args.task, &args.reason, OffsetDateTime::now_utc()) {
        Ok(w) => done(args.json, &w, |w| {
            let branch = if w.branch_deleted { "its branch deleted" } else { "its branch kept" };
            format!("Withdrew #{} ({branch}).", w.number)
        }),
        Err(e) => fail(args.json, e.clone(), exit_code(&e)),
    }
}

pub fn practice(args: &PracticeArgs) -> ExitCode {
    let PracticeCommand::Review(args) = &args.command;
    let dir = match workdir(&args.repo, false) {
        Ok(d) => d,
        Err(code) => return code,
    };
    let Some(remote) = Remote::origin(&dir) else {
        let e = UserError::new(Code::NoRemote, "The repository has no origin remote, so there is no practice remote.");
        return fail(false, e, 2);
    };
    let verdict = match &args.request_changes {
        Some(text) => PracticeVerdict::AskForChanges { text: text.clone(), file: args.file.clone(), line: args.line },
        None => PracticeVerdict::Approve,
    };
    match patchdesk_desk::practice::review(&desk(), &remote.url, args.number, &verdict) {
        Ok(()) => {
            let what = if args.approve { "approved" } else { "changes asked on" };
            println!("The practice reviewer {what} review request #{}.", args.number);
            ExitCode::SUCCESS
        }
        Err(e) => fail(false, e.clone(), exit_code(&e)),
    }
}
