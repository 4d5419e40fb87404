//! `patchdesk demo`, `patchdesk inbox` and `patchdesk import`: the first screen, for scripts.

use crate::output::{fail, printable};
use clap::Args;
use patchdesk_desk::{open_demo, open_project, ImportReport, OffsetDateTime, Project};
use patchdesk_error::Code;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
pub struct DemoArgs {
    /// Folder to build the demo in (reused when it is already there).
    #[arg(long)]
    pub root: PathBuf,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
pub struct InboxArgs {
    /// The project's repository (its working folder).
    #[arg(long)]
    pub repo: PathBuf,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
pub struct ImportArgs {
    /// The project's repository (its working folder).
    #[arg(long)]
    pub repo: PathBuf,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
    /// Files a pod handed over: patches, ZIP bundles, sidecars, logs. Dropped together.
    /// `-` reads one chat answer from standard input, as if pasted.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// With `-`: the task the answer is for, when the answer does not name it.
    #[arg(long)]
    pub task: Option<String>,
}

pub fn demo(args: &DemoArgs) -> ExitCode {
    match open_demo(&args.root) {
        Ok((d, p)) => {
            if args.json {
                println!(
                    "{}",
                    serde_json::json!({
                        "project": d.project, "practice_remote": d.practice_remote,
                        "downloads": d.downloads, "name": p.summary().name,
                    })
                );
            } else {
                println!("Demo project: {}", d.project.display());
                println!("Practice remote: {}", d.practice_remote.display());
                println!("Sample downloads: {}", d.downloads.display());
            }
            ExitCode::SUCCESS
        }
        Err(e) => fail(args.json, e, 1),
    }
}

pub fn inbox(args: &InboxArgs) -> ExitCode {
    let project = match open_project(&args.repo) {
        Ok(p) => p,
        Err(e) => return fail(args.json, e, 2),
    };
    let overview = match patchdesk_desk::overview(&project) {
        Ok(o) => o,
        Err(e) => return fail(args.json, e, 1),
    };
    if args.json {
        println!("{}", serde_json::to_string(&overview.inbox).unwrap_or_default());
    } else if overview.inbox.is_empty() {
        println!("The inbox of {} is empty.", overview.summary.name);
    } else {
        for item in &overview.inbox {
            // Names and summaries come from pods and file names: control characters are shown
            // escaped, never sent to the terminal.
            let summary = match &item.unreadable {
                Some(why) => format!("can't be read: {why}"),
                None => item.summary.clone().unwrap_or_else(|| "no summary".into()),
            };
            println!(
                "{:<10} {:<12} {}  ({})",
                printable(item.task_id.as_deref().unwrap_or("-")),
                printable(item.pod.as_deref().unwrap_or("-")),
                printable(&summary),
                printable(&item.file_name)
            );
        }
    }
    ExitCode::SUCCESS
}

pub fn import(args: &ImportArgs) -> ExitCode {
    let project = match open_project(&args.repo) {
        Ok(p) => p,
        Err(e) => return fail(args.json, e, 2),
    };
    if args.files.len() == 1 && args.files[0].as_os_str() == "-" {
        return paste(args, &project);
    }
    // The same reader as the app's drops: plain files only, never through a link, read with a
    // size cap (no device, pipe or endless file is read whole first).
    let report = match patchdesk_desk::inbox::import(&project, &args.files) {
        Ok(r) => r,
        Err(e) => return fail(args.json, e, 1),
    };
    if args.json {
        println!("{}", serde_json::to_string(&report).unwrap_or_default());
    } else {
        for item in &report.imported {
            println!(
                "Added {} ({})",
                printable(&item.file_name),
                printable(item.task_id.as_deref().unwrap_or("no task id"))
            );
        }
        for d in &report.already_imported {
            println!("Already in the inbox: {}", printable(&d.file_name));
        }
        for r in &report.refused {
            eprintln!("Refused {}: {}", printable(&r.file_name), printable(&r.error.message));
        }
    }
    if report.is_clean() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// `patchdesk import --repo PATH -`: one chat answer from standard input, added like a paste.
fn paste(args: &ImportArgs, project: &Project) -> ExitCode {
    match patchdesk_desk::inbox::paste_from(
        project,
        std::io::stdin().lock(),
        "on standard input",
        args.task.as_deref(),
        OffsetDateTime::now_utc(),
    ) {
        Ok(item) => {
            if args.json {
                let report = ImportReport { imported: vec![item], ..Default::default() };
                println!("{}", serde_json::to_string(&report).unwrap_or_default());
            } else {
                let what = patchdesk_desk::kind_label(item.kind);
                println!(
                    "Added {} ({}, {what})",
                    printable(&item.name),
                    printable(item.task_id.as_deref().unwrap_or("no task id"))
                );
            }
            ExitCode::SUCCESS
        }
        Err(mut e) => {
            if e.code == Code::TaskNotFound && args.task.is_none() {
                e.message = "The answer on standard input does not name its task; run again with --task ID (a task id from `patchdesk tasks`).".into();
            }
            fail(args.json, e, 1)
        }
    }
}
