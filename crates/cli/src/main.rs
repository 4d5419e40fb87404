//! `patchdesk`: the command-line face of the Patchdesk core.
//!
//! Exit codes: 0 success, 1 the operation ran but did not succeed (conflict, refused),
//! 2 usage errors (bad arguments, missing files).

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "patchdesk", version, about = "Review pod patches and turn them into pull requests")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Print the version and exit.
    Version,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { ExitCode::from(2) } else { ExitCode::SUCCESS };
        }
    };
    match cli.command {
        Command::Version => {
            println!("patchdesk {}", env!("CARGO_PKG_VERSION"));
            ExitCode::SUCCESS
        }
    }
}
