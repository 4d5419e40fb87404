//! What every subcommand shares: printing an error (as JSON or a sentence) and choosing the
//! forge behind a remote.

use std::process::ExitCode;

use patchdesk_error::{Code, UserError};
use patchdesk_forge::signin::SignIn;
use patchdesk_forge::{ApiBase, Forge, GitHub, PracticeRemote, Secret};

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
        let printing = message.starts_with("failed printing to stdout") || message.starts_with("failed printing to stderr");
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

/// The forge behind `url`: the practice remote for a folder on this disk, else GitHub.
pub fn forge_for(github_repo: Option<&str>, url: &str) -> Result<Box<dyn Forge>, (UserError, u8)> {
    if PracticeRemote::is_local_url(url) {
        return PracticeRemote::open(url).map(|f| Box::new(f) as Box<dyn Forge>).map_err(|e| (UserError::from(&e), 1));
    }
    let Some(name) = github_repo.map(str::to_string).or_else(|| GitHub::repo_from_url(url)) else {
        return Err((UserError::new(Code::RemoteRepoNotFound, format!("Cannot tell the GitHub repository from {url}; give it with --github-repo OWNER/NAME")), 2));
    };
    let api = std::env::var("PATCHDESK_GITHUB_API").ok().filter(|v| !v.trim().is_empty()).unwrap_or_else(|| "https://api.github.com".into());
    let base = ApiBase::from_api(&api);
    let token = match std::env::var("GITHUB_TOKEN").ok().filter(|t| !t.trim().is_empty()) {
        Some(t) => Secret::new(t.trim().to_string()),
        None => {
            let client_id = std::env::var("PATCHDESK_GITHUB_CLIENT_ID").unwrap_or_default();
            let signin = SignIn::new(base.clone(), &client_id, patchdesk_secrets::TokenStore::new("patchdesk"));
            match signin.saved() {
                Ok(Some((_, t))) => t,
                Ok(None) => return Err((UserError::new(Code::NotSignedIn, format!("Not signed in to {}. Sign in from the Patchdesk app, or set GITHUB_TOKEN.", base.host())), 1)),
                Err(e) => return Err((UserError::from(&e), 1)),
            }
        }
    };
    GitHub::new(base, &name, token).map(|f| Box::new(f) as Box<dyn Forge>).map_err(|e| (UserError::from(&e), 1))
}
