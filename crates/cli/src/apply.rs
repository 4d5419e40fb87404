//! `patchdesk apply --repo PATH --base REV [--json] [--allow-links] PATCH_FILE`
//!
//! Applies a patch to a tree-ish and writes only git objects. Exit 0 when a tree was produced,
//! 1 on conflict or refusal, 2 on usage errors (missing file, bad repository, bad revision).

use patchdesk_apply::{ApplyError, ApplyOptions, ApplyReport, Links, Outcome};
use patchdesk_error::Coded;
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
    #[arg(long, default_value_t = patchdesk_patch::DEFAULT_MAX_BYTES)]
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
    use patchdesk_error::Code;
    patchdesk_apply::use_git_object_checks();
    // Read the patch while git starts up (opening the repository also sets up TLS, which takes
    // a moment that a large patch's read can use).
    // Plain files only, read with a cap (a device, a pipe or an endless file is refused).
    let (path, cap) = (args.patch_file.clone(), args.max_bytes as u64);
    let reading = std::thread::spawn(move || patchdesk_intake::read_input(&path, cap));
    let opened = git2::Repository::open(&args.repo);
    let data = match reading.join() {
        Ok(Ok(d)) => d,
        Ok(Err(e)) => return usage_error(args.json, e.code(), e.to_string()),
        Err(_) => return usage_error(args.json, Code::Io, format!("cannot read {}", args.patch_file.display())),
    };
    let repo = match opened {
        Ok(r) => r,
        Err(_) => {
            return usage_error(args.json, Code::RepoNotFound, format!("{} is not a git repository", args.repo.display()))
        }
    };
    let base = match patchdesk_apply::resolve_tree(&repo, &args.base) {
        Ok(b) => b,
        Err(e) => return usage_error(args.json, e.code(), e.to_string()),
    };
    let links = if args.allow_links { Links::Allow } else { Links::Refuse };
    let opts = ApplyOptions { max_patch_bytes: args.max_bytes, links, ..ApplyOptions::default() };
    // OpenAI patches, edit blocks and whole files in a chat answer are read too.
    let report = match patchdesk_shapes::apply_text(&repo, base, &data, &opts) {
        Ok(r) => r,
        Err(e) => {
            // Bad input: refused, nothing written.
            if let ApplyError::Git(_) = e {
                return usage_error(args.json, e.code(), e.to_string());
            }
            ApplyReport {
                outcome: Outcome::Refused,
                tree: None,
                files: Vec::new(),
                repairs: Vec::new(),
                problems: vec![patchdesk_apply::Problem {
                    path: None,
                    hunk: None,
                    message: format!("{}: {e}", args.patch_file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()),
                    ours: Vec::new(),
                    theirs: Vec::new(),
                }],
                risks: Vec::new(),
            }
        }
    };
    if args.json {
        use std::io::Write;
        // A closed pipe (e.g. `| head`) is not an error worth a panic.
        let _ = writeln!(std::io::stdout(), "{}", report_json(&report));
    } else {
        print_summary(&report);
    }
    if report.tree.is_some() { ExitCode::SUCCESS } else { ExitCode::from(1) }
}

fn print_summary(r: &ApplyReport) {
    match (&r.tree, r.outcome) {
        (Some(t), Outcome::Clean) => println!("Applied cleanly. New tree: {t}"),
        (Some(t), Outcome::Repaired) => println!("Applied after repairs. New tree: {t}"),
        (Some(t), _) => println!("Applied with a clean 3-way merge. New tree: {t}"),
        (None, Outcome::Conflict) => println!("Not applied: the base has changed the same lines (conflicts below). Nothing was written."),
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
