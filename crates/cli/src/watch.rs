//! `patchdesk watch`: a folder (the Downloads folder by default) watched, every pod download
//! that lands in it put in the project's inbox, until Ctrl-C.
//!
//! Exit codes: 0 stopped with Ctrl-C (or a termination signal); 1 the folder cannot be watched;
//! 2 usage errors (unknown repository).

use crate::output::{desk, exit_code, fail, printable};
use clap::Args;
use patchdesk_desk::open_project;
use patchdesk_error::{Code, UserError};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

#[derive(Args)]
pub struct WatchArgs {
    /// The project's repository (its working folder).
    #[arg(long)]
    pub repo: PathBuf,
    /// The folder to watch (default: the Downloads folder Patchdesk watches, PATCHDESK_DOWNLOADS).
    pub dir: Option<PathBuf>,
    /// How often to look, in milliseconds.
    #[arg(long = "every-ms", default_value_t = 1500, value_parser = clap::value_parser!(u64).range(50..=600_000))]
    pub every_ms: u64,
    /// Print one JSON line per arrival instead of text.
    #[arg(long)]
    pub json: bool,
}

/// `patchdesk watch`.
pub fn run(args: &WatchArgs) -> ExitCode {
    let project = match open_project(&args.repo) {
        Ok(p) => p,
        Err(e) => return fail(args.json, e, 2),
    };
    let Some(folder) = args.dir.clone().or_else(|| patchdesk_desk::downloads::watched(&desk())) else {
        let e =
            UserError::new(Code::InputInvalid, "No folder to watch: name one (patchdesk watch FOLDER --repo PATH).");
        return fail(args.json, e, 2);
    };
    let stop = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        if let Err(e) = signal_hook::flag::register(signal, stop.clone()) {
            return fail(args.json, UserError::new(Code::Internal, format!("Could not listen for Ctrl-C: {e}")), 1);
        }
    }
    if !args.json {
        eprintln!("Watching {} for pod downloads; Ctrl-C stops.", printable(&folder.display().to_string()));
    }
    let tell = |news: &patchdesk_desk::downloads::Arrived| {
        if args.json {
            println!("{}", serde_json::to_string(news).unwrap_or_default());
            return;
        }
        if let Some(e) = &news.error {
            eprintln!("patchdesk: {}", printable(&e.message));
        }
        if let Some(r) = &news.report {
            for item in &r.imported {
                let task = item.task_id.as_deref().unwrap_or("no task id");
                println!("Added {} ({})", printable(&item.file_name), printable(task));
            }
            for a in &r.attached {
                println!("Attached {} to {}", printable(&a.file_name), printable(&a.to));
            }
            for d in &r.already_imported {
                println!("Already in the inbox: {}", printable(&d.file_name));
            }
            for x in &r.refused {
                eprintln!("Refused {}: {}", printable(&x.file_name), printable(&x.error.message));
            }
        } else if news.error.is_none() && !news.files.is_empty() {
            let names: Vec<String> = news.files.iter().map(|f| printable(f)).collect();
            println!("Seen, not named like a pod's download (add with patchdesk import): {}", names.join(", "));
        }
    };
    let every = Duration::from_millis(args.every_ms);
    match patchdesk_desk::watch::watch_folder(&project, &folder, SystemTime::now(), every, &stop, tell) {
        Ok(()) => {
            if !args.json {
                eprintln!("Stopped watching.");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            let code = exit_code(&e);
            fail(args.json, e, code)
        }
    }
}
