//! `patchdesk undo`: "Undo merge" from the command line — a review request that takes a task's
//! merged change out again (built in the object store, on its own branch, never forced). When
//! it is merged, `patchdesk sync` puts the task back in progress.
//!
//! Exit codes: 0 opened (or, on a rerun, found open already); 1 refused (not merged, later
//! changes touched the same lines, offline); 2 usage errors (no such repository).

use crate::output::{desk, exit_code, fail, printable};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use patchdesk_desk::{open_project, OffsetDateTime};

#[derive(Args)]
pub struct UndoArgs {
    /// The project's repository (its working folder).
    #[arg(long)]
    pub repo: PathBuf,
    /// Print JSON: {task, reverts, number, url, branch, commit, state, new}.
    #[arg(long)]
    pub json: bool,
    /// The task whose merged request to undo.
    pub task: String,
}

pub fn run(args: &UndoArgs) -> ExitCode {
    let dir = match open_project(&args.repo) {
        Ok(p) => p.workdir().to_path_buf(),
        Err(e) => return fail(args.json, e, 2),
    };
    match patchdesk_desk::undo::undo_merge(&desk(), &dir, &args.task, OffsetDateTime::now_utc()) {
        Ok(u) => {
            if args.json {
                println!("{}", serde_json::to_value(&u).unwrap_or_default());
            } else {
                let words = if u.new {
                    format!("Opened review request #{} to undo the merge of #{}: {}", u.number, u.reverts, u.url)
                } else {
                    format!(
                        "Review request #{} to undo the merge of #{} is there already: {}",
                        u.number, u.reverts, u.url
                    )
                };
                println!("{}", printable(&words));
            }
            ExitCode::SUCCESS
        }
        Err(e) => fail(args.json, e.clone(), exit_code(&e)),
    }
}
