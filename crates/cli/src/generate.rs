//! `patchdesk generate` (the staged changes of a repository as a pod's patch with its sidecar)
//! and `patchdesk check` (how a patch or an inbox item applies): the seed's `generate_patch.py`
//! and `apply_patch.py --check`.
//!
//! Exit codes: 0 done (check: the change applies, maybe after repairs); 1 refused, or (check)
//! the change does not apply; 2 usage errors (unknown repository or item).

use crate::output::{exit_code, fail, printable};
use clap::Args;
use patchdesk_desk::generate::PatchRequest;
use patchdesk_desk::{open_project, OffsetDateTime};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
pub struct GenerateArgs {
    /// The repository whose staged changes (`git add`) become the patch.
    #[arg(long)]
    pub repo: PathBuf,
    /// The task the change is for (e.g. F2.1); part of the patch's file name.
    #[arg(long = "task-id")]
    pub task_id: String,
    /// One line saying what the change does.
    #[arg(long)]
    pub summary: String,
    /// The pod that made the change (kept in the sidecar).
    #[arg(long)]
    pub pod: Option<String>,
    /// Folders the change writes to (default: the staged files' top folders).
    #[arg(long = "output-folders", num_args = 1..)]
    pub output_folders: Vec<String>,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
pub struct CheckArgs {
    /// The project's repository (its working folder).
    #[arg(long)]
    pub repo: PathBuf,
    /// A patch file (checked without storing anything) or an inbox item's name.
    pub item: String,
    /// Print JSON: {name, applies, files, repairs, problems, risks}.
    #[arg(long)]
    pub json: bool,
}

/// `patchdesk generate`.
pub fn generate(args: &GenerateArgs) -> ExitCode {
    let project = match open_project(&args.repo) {
        Ok(p) => p,
        Err(e) => return fail(args.json, e, 2),
    };
    let request = PatchRequest {
        task_id: args.task_id.clone(),
        summary: args.summary.clone(),
        pod: args.pod.clone(),
        output_folders: args.output_folders.clone(),
    };
    match patchdesk_desk::generate::generate(&project, &request, OffsetDateTime::now_utc()) {
        Ok(done) => {
            if args.json {
                println!("{}", serde_json::to_string(&done).unwrap_or_default());
            } else {
                println!("Patch: {}", printable(&done.patch_file));
                println!("Sidecar: {}", printable(&done.sidecar));
                println!("{} file(s): {}", done.files.len(), printable(&done.files.join(", ")));
            }
            ExitCode::SUCCESS
        }
        Err(e) => fail(args.json, e, 1),
    }
}

/// `patchdesk check`.
pub fn check(args: &CheckArgs) -> ExitCode {
    let project = match open_project(&args.repo) {
        Ok(p) => p,
        Err(e) => return fail(args.json, e, 2),
    };
    let checked = match patchdesk_desk::inbox::check(&project, &args.item) {
        Ok(c) => c,
        Err(e) => {
            let code = exit_code(&e);
            return fail(args.json, e, code);
        }
    };
    if args.json {
        println!("{}", serde_json::to_string(&checked).unwrap_or_default());
    } else {
        let outcome = serde_json::to_value(checked.applies).ok().and_then(|v| v.as_str().map(str::to_string));
        println!("Applies: {}", outcome.unwrap_or_default());
        for f in &checked.files {
            println!("  {}", printable(f));
        }
        for r in &checked.repairs {
            println!("Repaired: {}", printable(r));
        }
        for p in &checked.problems {
            println!("Problem: {}", printable(p));
        }
        for r in &checked.risks {
            println!("Needs your OK before sending (--i-understand): {}", printable(r));
        }
    }
    if checked.fits() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
