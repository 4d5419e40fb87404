//! `patchdesk demo`, `patchdesk inbox` and `patchdesk import`: the first screen, for scripts.

use crate::output::{fail, printable};
use clap::Args;
use patchdesk_error::UserError;
use patchdesk_project::{demo, Project};
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
    let run = || -> Result<(demo::DemoProject, Project), UserError> {
        let d = demo::ensure(&args.root)?;
        let p = Project::open(&d.project)?;
        p.seed_demo_inbox(&d)?;
        Ok((d, p))
    };
    match run() {
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
    let project = match Project::open(&args.repo) {
        Ok(p) => p,
        Err(e) => return fail(args.json, e.into(), 2),
    };
    let overview = match project.overview() {
        Ok(o) => o,
        Err(e) => return fail(args.json, e.into(), 1),
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
    let project = match Project::open(&args.repo) {
        Ok(p) => p,
        Err(e) => return fail(args.json, e.into(), 2),
    };
    let queue = match project.queue() {
        Ok(q) => q,
        Err(e) => return fail(args.json, e.into(), 1),
    };
    if args.files.len() == 1 && args.files[0].as_os_str() == "-" {
        return paste(args, &project, queue.limits().max_input_bytes);
    }
    // The same reader as the app's drops: plain files only, never through a link, read with a
    // size cap (no device, pipe or endless file is read whole first).
    let report = queue.import_paths(&args.files);
    if args.json {
        println!("{}", serde_json::to_string(&report).unwrap_or_default());
    } else {
        for item in &report.imported {
            println!("Added {} ({})", printable(&item.file_name), printable(item.task_id.as_deref().unwrap_or("no task id")));
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
fn paste(args: &ImportArgs, project: &Project, max: u32) -> ExitCode {
    use std::io::Read;
    let mut text = Vec::new();
    if let Err(e) = std::io::stdin().lock().take(u64::from(max) + 1).read_to_end(&mut text) {
        return fail(args.json, UserError::new(patchdesk_error::Code::Io, format!("Could not read the answer from standard input: {e}.")), 1);
    }
    if text.len() > max as usize {
        let message = format!("The answer on standard input is larger than the {} MB Patchdesk takes from one answer; ask the pod for a ZIP bundle instead.", max >> 20);
        return fail(args.json, UserError::new(patchdesk_error::Code::InputTooLarge, message), 1);
    }
    match project.paste_answer(&text, args.task.as_deref(), time::OffsetDateTime::now_utc()) {
        Ok(item) => {
            if args.json {
                let report = patchdesk_intake::ImportReport { imported: vec![item], ..Default::default() };
                println!("{}", serde_json::to_string(&report).unwrap_or_default());
            } else {
                let what = patchdesk_intake::kind_label(item.kind);
                println!("Added {} ({}, {what})", printable(&item.name), printable(item.task_id.as_deref().unwrap_or("no task id")));
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            let mut e = UserError::from(&e);
            if e.code == patchdesk_error::Code::TaskNotFound && args.task.is_none() {
                e.message = "The answer on standard input does not name its task; run again with --task ID (a task id from `patchdesk tasks`).".into();
            }
            fail(args.json, e, 1)
        }
    }
}
