//! What every subcommand shares: printing an error (as JSON or a sentence), and the desk (the
//! settings file shared with the window, and the environment's say).

use std::process::ExitCode;

use patchdesk_desk::Desk;
use patchdesk_error::{Code, UserError};

/// `text` safe to print on a terminal: control characters (escape sequences, carriage
/// returns, bells) and direction overrides are shown as visible escapes (`\u{1b}`), so a file
/// name cannot rewrite the screen or hide what it is.
pub fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let bidi = matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
        if c.is_control() || bidi {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

/// Ends the process quietly when stdout or stderr was closed by the reader
/// (`patchdesk inbox --json | head`): printing to a closed pipe is not an error of Patchdesk.
/// Every other panic is reported as before.
pub fn quiet_on_closed_pipe() {
    let before = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        let printing =
            message.starts_with("failed printing to stdout") || message.starts_with("failed printing to stderr");
        if printing && (message.contains("Broken pipe") || message.contains("os error 32")) {
            std::process::exit(0);
        }
        before(info);
    }));
}

/// Prints `e` (`{"error": {code, message}}` with `--json`, else a sentence on stderr) and
/// returns exit code `code`.
pub fn fail(json: bool, e: UserError, code: u8) -> ExitCode {
    if json {
        println!("{}", serde_json::json!({ "error": e }));
    } else {
        eprintln!("patchdesk: {}", e.message);
    }
    ExitCode::from(code)
}

/// The desk this run works at: the app's data folder (`PATCHDESK_DATA_DIR`, else the window's)
/// for the settings, and `PATCHDESK_GITHUB_API`, `PATCHDESK_GITHUB_CLIENT_ID`, `GITHUB_TOKEN`.
pub fn desk() -> Desk {
    Desk::from_env()
}

/// Exit status for an error from a workflow: 2 when the person named something that does not
/// exist (usage), else 1.
pub fn exit_code(e: &UserError) -> u8 {
    match e.code {
        Code::RepoNotFound | Code::TaskNotFound | Code::PodNotFound | Code::ItemNotFound | Code::RemoteRepoNotFound => {
            2
        }
        _ => 1,
    }
}
