//! `patchdesk next`, `patchdesk assign` and `patchdesk log`: the seed's `next_task.py`,
//! `assign_task.py` and `log_result.py`, on the board.
//!
//! Exit codes: 0 done (next: also when no task is ready); 1 refused (a task file that cannot
//! be read, a repository that cannot take the commit, a bad status or note); 2 usage errors
//! (unknown repository, task or pod).

use crate::output::{exit_code, printable};
use clap::Args;
use patchdesk_desk::{open_project, OffsetDateTime};
use patchdesk_error::UserError;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
pub struct NextArgs {
    /// The project's repository (its working folder).
    #[arg(long)]
    pub repo: PathBuf,
    /// Only this pod's next task (any spelling: QAPod, qa, qa_pod).
    #[arg(long)]
    pub pod: Option<String>,
    /// With --pod: also print the task's prompt packet, ready to paste into the pod's chat.
    #[arg(long, requires = "pod")]
    pub prompt: bool,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
#[command(group(clap::ArgGroup::new("what").required(true).args(["task_id", "from"])))]
pub struct AssignArgs {
    /// The project's repository (its working folder).
    #[arg(long)]
    pub repo: PathBuf,
    /// The task to assign (its id, e.g. F2.1).
    #[arg(requires = "to")]
    pub task_id: Option<String>,
    /// The receiving pod (any spelling: QAPod, qa, qa_pod).
    #[arg(long)]
    pub to: Option<String>,
    /// Why the task moves on; goes into the log and the prompt.
    #[arg(long, default_value = "")]
    pub reason: String,
    /// Make the last handoff of this handoff log instead (e.g. .logs/handoff_log.yaml).
    #[arg(long, conflicts_with_all = ["task_id", "to"])]
    pub from: Option<PathBuf>,
    /// Print JSON: {task, from, to, commit, prompt_path, new, prompt}.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
pub struct LogArgs {
    /// The project's repository (its working folder).
    #[arg(long)]
    pub repo: PathBuf,
    /// The task (its id, e.g. F2.1).
    pub task_id: String,
    /// The task's status now: backlog, planned, ready, in_progress, review or done.
    #[arg(long)]
    pub status: String,
    /// A note for the pod, kept in .logs/feedback/<task>.md.
    #[arg(long)]
    pub note: Option<String>,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

fn fail(json: bool, e: UserError) -> ExitCode {
    let code = exit_code(&e);
    crate::output::fail(json, e, code)
}

/// `patchdesk next`.
pub fn next(args: &NextArgs) -> ExitCode {
    let project = match open_project(&args.repo) {
        Ok(p) => p,
        Err(e) => return fail(args.json, e),
    };
    let Some(pod) = &args.pod else {
        let list = patchdesk_desk::board::tasks(project.workdir());
        if args.json {
            let next: serde_json::Map<String, serde_json::Value> =
                list.next.iter().map(|(pod, ids)| (pod.clone(), serde_json::json!(ids))).collect();
            println!("{}", serde_json::json!({ "next": next }));
        } else {
            for (pod, ids) in &list.next {
                let first = ids.first().map_or("-".to_string(), |id| printable(id));
                println!("{pod}: {first}");
            }
        }
        return ExitCode::SUCCESS;
    };
    let task = match patchdesk_desk::board::next_task(project.workdir(), pod) {
        Ok(t) => t,
        Err(e) => return fail(args.json, e),
    };
    let prompt = match (&task, args.prompt) {
        (Some(t), true) => match patchdesk_desk::board::task_prompt(project.workdir(), &t.id) {
            Ok(p) => Some(p),
            Err(e) => return fail(args.json, e),
        },
        _ => None,
    };
    if args.json {
        println!("{}", serde_json::json!({ "task": task, "prompt": prompt }));
    } else {
        match &task {
            Some(t) => println!("{}  {}", printable(&t.id), printable(&t.title)),
            None => println!("No task is ready for {}.", printable(pod)),
        }
        if let Some(p) = &prompt {
            println!("\n{}", printable_block(p));
        }
    }
    ExitCode::SUCCESS
}

/// `patchdesk assign`.
pub fn assign(args: &AssignArgs) -> ExitCode {
    let project = match open_project(&args.repo) {
        Ok(p) => p,
        Err(e) => return fail(args.json, e),
    };
    let now = OffsetDateTime::now_utc();
    let done = match (&args.from, &args.task_id, &args.to) {
        (Some(log), _, _) => patchdesk_desk::board::hand_off_from_log(project.workdir(), log, now),
        (None, Some(task), Some(to)) => {
            let request = patchdesk_desk::board::HandoffRequest::new(task, to, &args.reason);
            patchdesk_desk::board::hand_off(project.workdir(), &request, now)
        }
        _ => unreachable!("clap requires a task with --to, or --from"),
    };
    match done {
        Ok(h) => {
            let d = &h.handed;
            if args.json {
                let out = serde_json::json!({
                    "task": d.task, "from": d.from, "to": d.to, "commit": d.commit,
                    "prompt_path": d.prompt_path, "new": d.new, "prompt": h.prompt,
                });
                println!("{out}");
            } else {
                if d.new {
                    println!("Assigned {} from {} to {} (commit {}).", d.task, d.from, d.to, d.commit);
                } else {
                    println!("{} is already with {}; nothing new to record.", d.task, d.to);
                }
                println!("Prompt for {} ({}):\n", d.to, d.prompt_path);
                println!("{}", printable_block(&h.prompt));
            }
            for w in &d.warnings {
                eprintln!("patchdesk: note: {w}");
            }
            ExitCode::SUCCESS
        }
        Err(e) => fail(args.json, e),
    }
}

/// Multi-line text safe for a terminal: each line through [`printable`].
pub fn printable_block(text: &str) -> String {
    text.lines().map(printable).collect::<Vec<_>>().join("\n")
}

/// `patchdesk log`.
pub fn log(args: &LogArgs) -> ExitCode {
    let project = match open_project(&args.repo) {
        Ok(p) => p,
        Err(e) => return fail(args.json, e),
    };
    match patchdesk_desk::results::log_result(
        project.workdir(),
        &args.task_id,
        &args.status,
        args.note.as_deref(),
        OffsetDateTime::now_utc(),
    ) {
        Ok(l) => {
            if args.json {
                println!("{}", serde_json::to_string(&l).unwrap_or_default());
            } else if l.new {
                println!("Logged {}: {} (commit {}).", l.task, l.status, l.commit);
                if !l.unlocked.is_empty() {
                    println!("Now ready: {}", l.unlocked.join(", "));
                }
            } else {
                println!("{} is already {}; nothing new to record.", l.task, l.status);
            }
            ExitCode::SUCCESS
        }
        Err(e) => fail(args.json, e),
    }
}
