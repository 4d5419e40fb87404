//! A task run by a local agent command (the seed's `run_task.py`): the task's prompt packet
//! rendered, the agent (`codex exec`, `claude -p`, `aider --message`, any shell command) run in
//! a scratch worktree of the project's `HEAD` with the prompt on its standard input (also in
//! `PATCHDESK_PROMPT` and the file named by `PATCHDESK_PROMPT_FILE`), and what it changed taken
//! back as an inbox item, with its output as the reasoning trace. The scratch worktree is
//! removed afterwards; the lead's files, staging area and branches are never touched.

use crate::{InboxItem, Project};
use patchdesk_error::{Code, UserError};
use serde::Serialize;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use time::OffsetDateTime;

/// The most agent output kept as the reasoning trace, in bytes; the rest is read and dropped.
pub const MAX_OUTPUT_BYTES: usize = 1 << 20;
/// The longest prompt also given in the `PATCHDESK_PROMPT` variable (the file always has it).
const MAX_PROMPT_ENV_BYTES: usize = 64 * 1024;

/// The agent to run and its bounds.
#[derive(Debug, Clone)]
pub struct Agent {
    /// A shell command line, run with `sh -c` in the scratch worktree.
    pub command: String,
    /// How long it may run before it is stopped.
    pub timeout: Duration,
}

/// What a run brought back.
#[derive(Debug, Clone, Serialize)]
pub struct Ran {
    /// The new inbox item.
    pub item: InboxItem,
    /// The files the agent changed.
    pub files: Vec<String>,
    /// True when the agent said more than [`MAX_OUTPUT_BYTES`] and the trace was cut.
    pub output_cut: bool,
}

fn failed(message: String) -> UserError {
    UserError::new(Code::AgentFailed, message)
}

/// Runs git with hooks off; its standard output, or a sentence.
fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>, UserError> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "core.hooksPath=/dev/null"])
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| UserError::new(Code::Git, format!("Could not start git to prepare the agent's folder: {e}.")))?;
    if !out.status.success() {
        let why = String::from_utf8_lossy(&out.stderr).lines().next().unwrap_or_default().to_string();
        return Err(UserError::new(Code::Git, format!("git could not prepare the agent's folder: {why}")));
    }
    Ok(out.stdout)
}

/// A scratch worktree of `HEAD` in a temporary folder, removed (with its record in the project's
/// git folder) when dropped.
struct Scratch {
    workdir: PathBuf,
    tree: PathBuf,
    folder: tempfile::TempDir,
}

impl Scratch {
    fn new(workdir: &Path) -> Result<Scratch, UserError> {
        let folder = tempfile::Builder::new()
            .prefix("patchdesk-run-")
            .tempdir()
            .map_err(|e| UserError::new(Code::Io, format!("Could not make a scratch folder for the agent: {e}.")))?;
        let tree = folder.path().join("tree");
        let shown = tree.to_string_lossy().into_owned();
        git(workdir, &["worktree", "add", "--detach", "--quiet", &shown, "HEAD"])?;
        Ok(Scratch { workdir: workdir.to_path_buf(), tree, folder })
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let shown = self.tree.to_string_lossy().into_owned();
        if git(&self.workdir, &["worktree", "remove", "--force", &shown]).is_err() {
            let _ = std::fs::remove_dir_all(&self.tree);
            let _ = git(&self.workdir, &["worktree", "prune"]);
        }
    }
}

/// Paths git listed with `-z`.
fn nul_separated(listed: &[u8]) -> Vec<String> {
    listed.split(|b| *b == 0).filter(|n| !n.is_empty()).map(|n| String::from_utf8_lossy(n).into_owned()).collect()
}

/// Reads `from` to its end, keeping the first `max` bytes; true when more came.
fn read_capped(mut from: impl Read, max: usize) -> (Vec<u8>, bool) {
    let mut kept = Vec::new();
    let mut cut = false;
    let mut buf = [0u8; 16 * 1024];
    loop {
        match from.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                let room = max.saturating_sub(kept.len());
                kept.extend_from_slice(&buf[..n.min(room)]);
                cut |= n > room;
            }
        }
    }
    (kept, cut)
}

/// Runs `agent` in `tree` with `prompt`: its output (standard output, then standard error),
/// whether it was cut, or why it failed.
fn run_agent(agent: &Agent, tree: &Path, prompt: &str, prompt_file: &Path) -> Result<(Vec<u8>, bool), UserError> {
    let shown: String = agent.command.chars().take(80).collect();
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(&agent.command)
        .current_dir(tree)
        .env("PATCHDESK_PROMPT_FILE", prompt_file)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if prompt.len() <= MAX_PROMPT_ENV_BYTES {
        cmd.env("PATCHDESK_PROMPT", prompt);
    }
    std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
    let mut child =
        cmd.spawn().map_err(|e| failed(format!("The agent command `{shown}` could not be started: {e}.")))?;
    let stdin = child.stdin.take();
    let text = prompt.as_bytes().to_vec();
    let feeding = std::thread::spawn(move || {
        if let Some(mut s) = stdin {
            let _ = s.write_all(&text);
        }
    });
    let out = child.stdout.take().map(|o| std::thread::spawn(move || read_capped(o, MAX_OUTPUT_BYTES)));
    let err = child.stderr.take().map(|e| std::thread::spawn(move || read_capped(e, MAX_OUTPUT_BYTES)));
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(st)) => break Some(st),
            Ok(None) if started.elapsed() >= agent.timeout => break None,
            Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            Err(e) => return Err(failed(format!("The agent command `{shown}` could not be followed: {e}."))),
        }
    };
    if status.is_none() {
        // The whole process group: the shell and whatever it started.
        let _ = Command::new("kill").args(["-s", "KILL", "--", &format!("-{}", child.id())]).status();
        let _ = child.wait();
    }
    let _ = feeding.join();
    let (mut output, mut cut) = out.and_then(|t| t.join().ok()).unwrap_or_default();
    let (errors, cut_err) = err.and_then(|t| t.join().ok()).unwrap_or_default();
    if !errors.is_empty() && output.len() < MAX_OUTPUT_BYTES {
        let room = MAX_OUTPUT_BYTES - output.len();
        cut |= errors.len() > room;
        output.extend_from_slice(&errors[..errors.len().min(room)]);
    }
    cut |= cut_err;
    let last_words = || {
        let text = String::from_utf8_lossy(&output);
        let last = text.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("").trim().to_string();
        if last.is_empty() {
            String::new()
        } else {
            format!(" Its last words: \"{}\"", last.chars().take(200).collect::<String>())
        }
    };
    match status {
        None => Err(failed(format!(
            "The agent command `{shown}` ran longer than {} seconds and was stopped; nothing was imported.",
            agent.timeout.as_secs()
        ))),
        Some(st) if !st.success() => {
            let code = st.code().map_or("a signal".to_string(), |c| format!("exit code {c}"));
            Err(failed(format!(
                "The agent command `{shown}` stopped with {code}; nothing was imported.{}",
                last_words()
            )))
        }
        Some(_) => Ok((output, cut)),
    }
}

/// Runs `agent` on task `task_id` of `project` (see the module) at time `now`; `step` hears
/// each step as it starts ("Preparing…", "Running…", "Importing…"). Refuses, importing nothing,
/// for an unknown task, a failing or endless agent, an agent that changed nothing, or a change
/// the inbox does not take.
pub fn run_task(
    project: &Project,
    task_id: &str,
    agent: &Agent,
    now: OffsetDateTime,
    step: &dyn Fn(&str),
) -> Result<Ran, UserError> {
    crate::generate::check_task_id(task_id)?;
    if agent.command.trim().is_empty() {
        return Err(UserError::new(Code::InputInvalid, "The agent command is empty; give one with --agent 'CMD'."));
    }
    let workdir = project.workdir();
    let prompt = crate::board::task_prompt(workdir, task_id)?;
    step("Preparing a scratch copy of the project");
    let scratch = Scratch::new(workdir)?;
    let prompt_file = scratch.folder.path().join("prompt.txt");
    std::fs::write(&prompt_file, &prompt)
        .map_err(|e| UserError::new(Code::Io, format!("Could not write the prompt for the agent: {e}.")))?;
    step("Running the agent");
    let (output, output_cut) = run_agent(agent, &scratch.tree, &prompt, &prompt_file)?;

    step("Taking the agent's changes back");
    let max = project.queue()?.limits().max_input_bytes as usize;
    let listed = git(&scratch.tree, &["ls-files", "-z", "--others", "--modified", "--exclude-standard"])?;
    let changed = nul_separated(&listed);
    // The new and changed files' size on disk bounds the patch before git reads them.
    let on_disk: u64 =
        changed.iter().filter_map(|f| std::fs::symlink_metadata(scratch.tree.join(f)).ok()).map(|m| m.len()).sum();
    let too_large = || {
        UserError::new(
            Code::InputTooLarge,
            format!(
                "The agent's change to {task_id} is larger than the {} MB the inbox takes; nothing was imported.",
                max >> 20
            ),
        )
    };
    if on_disk > max as u64 {
        return Err(too_large());
    }
    git(&scratch.tree, &["add", "-A"])?;
    let names = git(&scratch.tree, &["diff", "--cached", "--name-only", "-z", "HEAD"])?;
    let files = nul_separated(&names);
    if files.is_empty() {
        return Err(UserError::new(
            Code::NoChanges,
            format!("The agent finished but changed no file for {task_id}; nothing was imported."),
        ));
    }
    let patch = git(&scratch.tree, &["diff", "--cached", "--binary", "HEAD"])?;
    if patch.len() > max {
        return Err(too_large());
    }

    let drop = scratch.folder.path().join("drop");
    let write = |name: &str, bytes: &[u8]| -> Result<PathBuf, UserError> {
        std::fs::create_dir_all(&drop)
            .and_then(|()| std::fs::write(drop.join(name), bytes))
            .map_err(|e| UserError::new(Code::Io, format!("Could not keep the agent's work: {e}.")))?;
        Ok(drop.join(name))
    };
    let name = patchdesk_intake::patch_file_name(now, task_id, "diff");
    let stem = name.trim_end_matches(".diff");
    let shown: String = agent.command.chars().take(80).collect();
    let meta = serde_json::json!({
        "task_id": task_id,
        "summary": format!("{task_id}: made by the agent `{shown}`"),
        "output_files": files,
        "agent": agent.command,
    });
    let mut trace = format!("# Reasoning trace\n\nWhat the agent `{shown}` said while working on {task_id}:\n\n");
    trace.push_str(&String::from_utf8_lossy(&output));
    if output_cut {
        trace.push_str(&format!("\n\n(The output was cut at {} KB.)\n", MAX_OUTPUT_BYTES >> 10));
    }
    let paths = vec![
        write(&name, &patch)?,
        write(&format!("{stem}.json"), &serde_json::to_vec_pretty(&meta).unwrap_or_default())?,
        write(&format!("{stem}_reasoning_trace.md"), trace.as_bytes())?,
        write(&format!("{stem}_prompt.txt"), prompt.as_bytes())?,
    ];
    step("Putting the change in the inbox");
    let report = crate::inbox::import(project, &paths)?;
    if let Some(r) = report.refused.first() {
        return Err(r.error.clone());
    }
    let item = report
        .imported
        .into_iter()
        .next()
        .or_else(|| report.already_imported.into_iter().next().map(|d| d.item))
        .ok_or_else(|| {
            UserError::new(Code::Internal, format!("The agent's change to {task_id} was not taken by the inbox."))
        })?;
    Ok(Ran { item, files, output_cut })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_is_kept_up_to_the_cap_and_the_rest_is_read_and_dropped() {
        let data = vec![b'x'; 100_000];
        let (kept, cut) = read_capped(&data[..], 1000);
        assert_eq!((kept.len(), cut), (1000, true));
        let (kept, cut) = read_capped(&data[..10], 1000);
        assert_eq!((kept.len(), cut), (10, false));
    }
}
