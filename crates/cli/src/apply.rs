//! `patchdesk apply --repo PATH --base REV [--json] [--allow-links] PATCH_FILE`
//!
//! Applies a patch to a tree-ish and writes only git objects. Exit 0 when a tree was produced,
//! 1 on conflict or refusal, 2 on usage errors (missing file, bad repository, bad revision).

use patchdesk_desk::apply::{apply_file, ApplyFile, ApplyReport, Outcome};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `patchdesk apply`.
#[derive(clap::Args, Debug)]
pub struct ApplyArgs {
    /// The git repository (bare or not).
    #[arg(long)]
    pub repo: PathBuf,
    /// The base: any tree-ish (commit, branch, tag, tree id).
    #[arg(long)]
    pub base: String,
    /// Print one JSON object instead of a summary.
    #[arg(long)]
    pub json: bool,
    /// Largest patch accepted, in bytes.
    #[arg(long, default_value_t = patchdesk_desk::apply::DEFAULT_MAX_BYTES)]
    pub max_bytes: usize,
    /// Take symbolic links the patch adds or changes (the project allows links); links that
    /// point outside the repository are refused all the same.
    #[arg(long)]
    pub allow_links: bool,
    /// The patch file.
    pub patch_file: PathBuf,
}

fn outcome_word(o: Outcome) -> &'static str {
    match o {
        Outcome::Clean => "clean",
        Outcome::Repaired => "repaired",
        Outcome::Merged => "merged",
        Outcome::Conflict => "conflict",
        Outcome::Refused => "refused",
    }
}

fn report_json(r: &ApplyReport) -> Value {
    json!({
        "outcome": outcome_word(r.outcome),
        "tree": r.tree,
        "files": r.files.iter().map(|f| json!({
            "path": f.path, "old_path": f.old_path, "status": f.status, "added": f.added, "removed": f.removed,
        })).collect::<Vec<_>>(),
        "repairs": r.repairs.iter().map(|x| x.message.clone()).collect::<Vec<_>>(),
        "problems": r.problems.iter().map(|p| {
            let mut v = json!({"path": p.path, "message": p.message});
            if let Some(h) = p.hunk { v["hunk"] = json!(h); }
            if !p.ours.is_empty() || !p.theirs.is_empty() { v["ours"] = json!(p.ours); v["theirs"] = json!(p.theirs); }
            v
        }).collect::<Vec<_>>(),
        "risks": r.risks.iter().map(|x| json!({"path": x.path, "risk": x.risk, "message": x.message})).collect::<Vec<_>>(),
    })
}

fn usage_error(json_out: bool, code: patchdesk_error::Code, message: String) -> ExitCode {
    if json_out {
        println!("{}", json!({"outcome": "error", "tree": null, "error": {"code": code, "message": message}}));
    } else {
        eprintln!("patchdesk apply: {message}");
    }
    ExitCode::from(2)
}

/// Runs the subcommand.
pub fn run(args: &ApplyArgs) -> ExitCode {
    let input = ApplyFile {
        repo: args.repo.clone(),
        base: args.base.clone(),
        patch_file: args.patch_file.clone(),
        max_bytes: args.max_bytes,
        allow_links: args.allow_links,
    };
    let report = match apply_file(&input) {
        Ok(r) => r,
        Err(e) => return usage_error(args.json, e.code, e.message),
    };
    if args.json {
        use std::io::Write;
        // A closed pipe (e.g. `| head`) is not an error worth a panic.
        let _ = writeln!(std::io::stdout(), "{}", report_json(&report));
    } else {
        print_summary(&report);
    }
    if report.tree.is_some() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn print_summary(r: &ApplyReport) {
    match (&r.tree, r.outcome) {
        (Some(t), Outcome::Clean) => println!("Applied cleanly. New tree: {t}"),
        (Some(t), Outcome::Repaired) => println!("Applied after repairs. New tree: {t}"),
        (Some(t), _) => println!("Applied with a clean 3-way merge. New tree: {t}"),
        (None, Outcome::Conflict) => {
            println!("Not applied: the base has changed the same lines (conflicts below). Nothing was written.")
        }
        (None, _) => println!("Not applied. Nothing was written."),
    }
    for f in &r.files {
        println!("  {:<9} {} (+{} -{})", format!("{:?}", f.status).to_lowercase(), f.path, f.added, f.removed);
    }
    for x in &r.repairs {
        println!("  repaired: {}", x.message);
    }
    for p in &r.problems {
        println!("  problem: {}", p.message);
    }
    for x in &r.risks {
        println!("  needs a look: the patch {}", x.message);
    }
}
