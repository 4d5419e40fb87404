//! `patchdesk`: the command-line face of the Patchdesk core.
//!
//! Exit codes: 0 success, 1 the operation ran but did not succeed (conflict, refused),
//! 2 usage errors (bad arguments, missing files).

mod action;
mod agent;
mod apply;
mod board;
mod generate;
mod inbox;
mod log;
mod mcp;
mod output;
mod promote;
mod results;
mod review;
mod serve;
mod sync;
mod token;
mod undo;
mod watch;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "patchdesk",
    version,
    about = "Review pod patches and turn them into pull requests",
    after_help = "Exit codes: 0 done; 1 refused or did not succeed (a plain sentence on stderr, or {\"error\": {code, message}} with --json; nothing was written); 2 usage error (bad arguments, unknown repository, task, pod or item)."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Tell on stderr what is happening (or set PATCHDESK_LOG=warn|info|debug|trace).
    #[arg(long, global = true)]
    verbose: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Print the version and exit.
    Version,
    /// Apply a patch to a tree-ish; writes only git objects and prints the resulting tree.
    Apply(apply::ApplyArgs),
    /// Build (or reopen) the built-in demo project in a folder.
    Demo(inbox::DemoArgs),
    /// List the pod downloads waiting in a project's inbox.
    Inbox(inbox::InboxArgs),
    /// Put pod downloads (patches, ZIP bundles, sidecars, logs) in a project's inbox.
    Import(inbox::ImportArgs),
    /// Send an inbox item (or a patch file) for review: one commit on a branch, one pull request.
    Promote(promote::PromoteArgs),
    /// List every task with its pod, status and readiness, and what each pod should do next.
    Tasks(board::TasksArgs),
    /// Hand a task to another pod: log entry, task update, prompt packet, one commit.
    Handoff(board::HandoffArgs),
    /// Follow the pull requests Patchdesk opened: merged → task done, closed → back to its pod.
    Sync(sync::SyncArgs),
    /// Make a pod's patch from the changes staged in a repository (.patches/ + its sidecar).
    Generate(generate::GenerateArgs),
    /// Say whether a patch file or an inbox item applies to the project now: repairs, problems.
    Check(generate::CheckArgs),
    /// The next ready task, for one pod or for each.
    Next(results::NextArgs),
    /// Assign a task to a pod (or make the last handoff of a handoff log) and print its prompt.
    Assign(results::AssignArgs),
    /// Log a task's result: status, trace log, metrics, feedback; one commit.
    Log(results::LogArgs),
    /// Watch a folder and put every pod download that lands in it in the inbox, until Ctrl-C.
    Watch(watch::WatchArgs),
    /// Run a task with a local agent command in a scratch copy; its change goes to the inbox.
    Run(agent::RunArgs),
    /// Write the GitHub workflow that turns every patch pushed under .patches/ into a pull request.
    InitAction(action::InitActionArgs),
    /// Serve the pod API (HTTP, bearer tokens, OpenAPI at /openapi.json) for a project.
    Serve(serve::ServeArgs),
    /// Make, list or revoke the tokens pods use with the pod API.
    Token(token::TokenArgs),
    /// Give an MCP client (over standard input and output) the pod API's tools for a project.
    Mcp(mcp::McpArgs),
    /// What reviewers said on a task's pull request: state, reviews, comments, checks.
    Review(review::ReviewArgs),
    /// Send the reviewers' comments back to the task's pod: the revision prompt, one commit.
    SendBack(review::SendBackArgs),
    /// Merge a task's pull request (approved, checks not failing): task done, dependents ready.
    Merge(review::MergeArgs),
    /// Withdraw a task's open pull request: closed, the task back with its pod, one commit.
    Withdraw(review::WithdrawArgs),
    /// The practice remote's reviewer: approve, or ask for changes on a line.
    Practice(review::PracticeArgs),
    /// Undo a task's merged pull request: a pull request that takes the change out again.
    Undo(undo::UndoArgs),
}

fn main() -> ExitCode {
    output::quiet_on_closed_pipe();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { ExitCode::from(2) } else { ExitCode::SUCCESS };
        }
    };
    log::start(cli.verbose);
    match cli.command {
        Command::Version => {
            println!("patchdesk {}", env!("CARGO_PKG_VERSION"));
            ExitCode::SUCCESS
        }
        Command::Apply(args) => apply::run(&args),
        Command::Demo(args) => inbox::demo(&args),
        Command::Inbox(args) => inbox::inbox(&args),
        Command::Import(args) => inbox::import(&args),
        Command::Promote(args) => promote::run(&args),
        Command::Tasks(args) => board::tasks(&args),
        Command::Handoff(args) => board::handoff(&args),
        Command::Sync(args) => sync::run(&args),
        Command::Generate(args) => generate::generate(&args),
        Command::Check(args) => generate::check(&args),
        Command::Next(args) => results::next(&args),
        Command::Assign(args) => results::assign(&args),
        Command::Log(args) => results::log(&args),
        Command::Watch(args) => watch::run(&args),
        Command::Run(args) => agent::run(&args),
        Command::InitAction(args) => action::init(&args),
        Command::Serve(args) => serve::run(&args),
        Command::Token(args) => token::run(&args),
        Command::Mcp(args) => mcp::run(&args),
        Command::Review(args) => review::review(&args),
        Command::SendBack(args) => review::send_back(&args),
        Command::Merge(args) => review::merge(&args),
        Command::Withdraw(args) => review::withdraw(&args),
        Command::Practice(args) => review::practice(&args),
        Command::Undo(args) => undo::run(&args),
    }
}
