//! `patchdesk init-action`: the GitHub workflow that sends every pod patch pushed under
//! `.patches/` for review, written into a lead's repository.
//!
//! Exit codes: 0 written (or already there, the same); 1 refused (another workflow of that
//! name, a bad action reference, a link on the way); 2 usage errors (unknown repository).

use crate::output::{fail, printable};
use clap::Args;
use patchdesk_desk::open_project;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
pub struct InitActionArgs {
    /// The repository to add the workflow to (its working folder).
    #[arg(long)]
    pub repo: PathBuf,
    /// The Patchdesk action to use, as OWNER/REPO@REF.
    #[arg(long)]
    pub action: Option<String>,
    /// Print JSON: {path, action, written}.
    #[arg(long)]
    pub json: bool,
}

/// `patchdesk init-action`.
pub fn init(args: &InitActionArgs) -> ExitCode {
    let project = match open_project(&args.repo) {
        Ok(p) => p,
        Err(e) => return fail(args.json, e, 2),
    };
    match patchdesk_desk::action::init_action(project.workdir(), args.action.as_deref()) {
        Ok(w) => {
            if args.json {
                println!("{}", serde_json::to_string(&w).unwrap_or_default());
            } else if w.written {
                println!("Wrote {} (uses {}). Commit and push it; then every patch pushed under .patches/ becomes a pull request.", w.path, printable(&w.action));
            } else {
                println!("{} is already there and the same.", w.path);
            }
            ExitCode::SUCCESS
        }
        Err(e) => fail(args.json, e, 1),
    }
}
