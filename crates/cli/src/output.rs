//! What every subcommand shares: printing an error (as JSON or a sentence) and choosing the
//! forge behind a remote.

use std::process::ExitCode;

use patchdesk_error::{Code, UserError};
use patchdesk_forge::signin::SignIn;
use patchdesk_forge::{ApiBase, Forge, GitHub, PracticeRemote, Secret};

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
                Ok(None) => return Err((UserError::new(Code::AuthRejected, format!("Not signed in to {}. Sign in from the Patchdesk app, or set GITHUB_TOKEN.", base.host())), 1)),
                Err(e) => return Err((UserError::from(&e), 1)),
            }
        }
    };
    GitHub::new(base, &name, token).map(|f| Box::new(f) as Box<dyn Forge>).map_err(|e| (UserError::from(&e), 1))
}
