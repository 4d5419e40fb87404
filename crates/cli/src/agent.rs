//! `patchdesk run`: a task's prompt packet given to a local agent command in a scratch copy of
//! the project, and what the agent changed put in the inbox with its output as the reasoning
//! trace. On a terminal a spinner tells the step; piped, nothing but the result is printed.
//!
//! Exit codes: 0 the change is in the inbox; 1 refused (the agent failed, ran too long or
//! changed nothing — nothing was imported); 2 usage errors (unknown repository or task).

use crate::output::{exit_code, fail, printable};
use clap::Args;
use patchdesk_desk::agent::Agent;
use patchdesk_desk::{open_project, OffsetDateTime};
use patchdesk_error::{Code, UserError};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

#[derive(Args)]
pub struct RunArgs {
    /// The project's repository (its working folder).
    #[arg(long)]
    pub repo: PathBuf,
    /// The task to run (its id, e.g. F2.1).
    pub task_id: String,
    /// The agent command, run with `sh -c` in a scratch copy of the project; the prompt comes on
    /// its standard input, in PATCHDESK_PROMPT and in the file PATCHDESK_PROMPT_FILE names.
    /// E.g. 'codex exec -', 'claude -p', 'aider --yes --message-file "$PATCHDESK_PROMPT_FILE"'.
    /// Default: the PATCHDESK_AGENT environment variable.
    #[arg(long)]
    pub agent: Option<String>,
    /// Stop the agent after this many seconds.
    #[arg(long = "timeout-secs", default_value_t = 1800, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub timeout_secs: u64,
    /// Print JSON: {item, files, output_cut}.
    #[arg(long)]
    pub json: bool,
}

/// `patchdesk run`.
pub fn run(args: &RunArgs) -> ExitCode {
    let project = match open_project(&args.repo) {
        Ok(p) => p,
        Err(e) => return fail(args.json, e, 2),
    };
    let Some(command) = args.agent.clone().or_else(|| std::env::var("PATCHDESK_AGENT").ok()) else {
        let e = UserError::new(
            Code::InputInvalid,
            "No agent to run: give one with --agent 'CMD' (or set PATCHDESK_AGENT).",
        );
        return fail(args.json, e, 2);
    };
    let agent = Agent { command, timeout: Duration::from_secs(args.timeout_secs) };
    // Drawn only on a terminal (indicatif hides itself when stderr is piped).
    let spinner = if args.json {
        indicatif::ProgressBar::hidden()
    } else {
        indicatif::ProgressBar::new_spinner().with_message(format!("{}: starting", args.task_id))
    };
    spinner.enable_steady_tick(Duration::from_millis(120));
    let step = |words: &str| spinner.set_message(words.to_string());
    let ran = patchdesk_desk::agent::run_task(&project, &args.task_id, &agent, OffsetDateTime::now_utc(), &step);
    spinner.finish_and_clear();
    match ran {
        Ok(r) => {
            if args.json {
                println!("{}", serde_json::to_string(&r).unwrap_or_default());
            } else {
                println!("Added {} to the inbox ({} file(s)).", printable(&r.item.name), r.files.len());
                for f in &r.files {
                    println!("  {}", printable(f));
                }
                if r.output_cut {
                    println!("The agent said a lot; its reasoning trace keeps the first part.");
                }
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            let code = exit_code(&e);
            fail(args.json, e, code)
        }
    }
}
