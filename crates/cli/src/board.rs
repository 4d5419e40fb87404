//! `patchdesk tasks` and `patchdesk handoff`: the board, for scripts.
//!
//! Exit codes: 0 success; 1 refused (a task file that cannot be read, a repository in the
//! middle of a merge, unsaved changes of the lead's in the files to change, a link...); 2 usage
//! errors (unknown repository, task or pod).

use crate::output::{desk, exit_code};
use clap::Args;
use patchdesk_desk::{open_project, OffsetDateTime, TaskList};
use patchdesk_error::{Code, UserError};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
pub struct TasksArgs {
    /// The project's repository (its working folder).
    #[arg(long)]
    pub repo: PathBuf,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
pub struct HandoffArgs {
    /// The project's repository (its working folder).
    #[arg(long)]
    pub repo: PathBuf,
    /// The task to hand off (its id, e.g. F2.1).
    pub task_id: String,
    /// The receiving pod (any spelling: QAPod, qa, qa_pod).
    #[arg(long)]
    pub to: String,
    /// Why the task moves on; goes into the log, the prompt and the commit message.
    #[arg(long)]
    pub reason: String,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

fn fail(json: bool, e: UserError) -> ExitCode {
    let code = exit_code(&e);
    crate::output::fail(json, e, code)
}

/// `patchdesk tasks`.
pub fn tasks(args: &TasksArgs) -> ExitCode {
    let project = match open_project(&args.repo) {
        Ok(p) => p,
        Err(e) => return fail(args.json, e),
    };
    let list = patchdesk_desk::board::tasks(project.workdir());
    if args.json {
        match serde_json::to_string_pretty(&list) {
            Ok(text) => println!("{text}"),
            Err(e) => return fail(true, UserError::new(Code::Internal, e.to_string())),
        }
    } else {
        print!("{}", table(&list));
    }
    ExitCode::SUCCESS
}

/// The text form of `patchdesk tasks`: a table, what is next per pod, and any problems.
fn table(list: &TaskList) -> String {
    let headers = ["ID", "TITLE", "POD", "STATUS", "PHASE", "READY"];
    let rows: Vec<[String; 6]> = list
        .tasks
        .iter()
        .map(|t| {
            [
                t.id.clone(),
                t.title.clone(),
                t.pod.clone().unwrap_or_else(|| "-".into()),
                t.status.clone(),
                t.phase.clone().unwrap_or_else(|| "-".into()),
                if t.ready { "yes".into() } else { "no".into() },
            ]
        })
        .collect();
    let mut widths = headers.map(|h| h.chars().count());
    for r in &rows {
        for (w, cell) in widths.iter_mut().zip(r.iter()) {
            *w = (*w).max(cell.chars().count()).min(48);
        }
    }
    let line = |cells: &[String]| -> String {
        let parts: Vec<String> = cells
            .iter()
            .zip(widths.iter())
            .map(|(c, &w)| {
                let shown: String = if c.chars().count() > w {
                    c.chars().take(w.saturating_sub(1)).chain(['…']).collect()
                } else {
                    c.clone()
                };
                format!("{shown:<w$}")
            })
            .collect();
        format!("{}\n", parts.join("  ").trim_end())
    };
    let mut out = line(&headers.map(String::from));
    for r in &rows {
        out.push_str(&line(r));
    }
    if list.tasks.is_empty() {
        out.push_str("(no tasks)\n");
    }
    out.push_str("\nUp next:\n");
    for (pod, ids) in &list.next {
        let ids = if ids.is_empty() { "-".to_string() } else { ids.join(", ") };
        out.push_str(&format!("  {pod}: {ids}\n"));
    }
    if !list.problems.is_empty() {
        out.push_str("\nProblems:\n");
        for p in &list.problems {
            out.push_str(&format!("  {}\n", p.message));
        }
    }
    out
}

/// `patchdesk handoff`: the handoff, then the board's commits sent to `origin` when there is
/// one (never forced; a protected branch gets a review request). A failure to send is a note,
/// not a failed handoff: the commit is made and goes out with the next send.
pub fn handoff(args: &HandoffArgs) -> ExitCode {
    let project = match open_project(&args.repo) {
        Ok(p) => p,
        Err(e) => return fail(args.json, e),
    };
    let now = OffsetDateTime::now_utc();
    match patchdesk_desk::board::hand_off_and_send(
        &desk(),
        project.workdir(),
        &args.task_id,
        &args.to,
        &args.reason,
        now,
    ) {
        Ok((handoff, sent)) => {
            let done = handoff.handed;
            if args.json {
                let out = serde_json::json!({
                    "task": done.task,
                    "from": done.from,
                    "to": done.to,
                    "commit": done.commit,
                    "prompt_path": done.prompt_path,
                    "sent": sent,
                });
                println!("{out}");
            } else {
                if done.new {
                    println!("Handed {} from {} to {}.", done.task, done.from, done.to);
                } else {
                    println!(
                        "{} was already handed from {} to {}; nothing new to record.",
                        done.task, done.from, done.to
                    );
                }
                println!("Prompt for {}: {}", done.to, done.prompt_path);
                println!("Commit: {}", done.commit);
                if let Some(words) = &sent {
                    println!("{words}");
                }
            }
            for w in &done.warnings {
                eprintln!("patchdesk: note: {w}");
            }
            ExitCode::SUCCESS
        }
        Err(e) => fail(args.json, e),
    }
}
