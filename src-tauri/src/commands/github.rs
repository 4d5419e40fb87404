//! GitHub: signing in (device flow or a pasted token), the signed-in user's repositories, and
//! connecting one (Patchdesk's own clone in the app's data folder). The token stays in the OS
//! keyring: no command returns it and no event carries it.

use crate::events::{CloneProgressed, ProjectOpened};
use crate::settings::{read_settings, write_settings};
use crate::state::AppState;
use patchdesk_error::{Code, UserError};
use patchdesk_forge::signin::{DeviceCode, SignIn};
use patchdesk_forge::{Account, ApiBase, Forge, GitHub, PracticeRemote, RepoSummary};
use patchdesk_project::connect::{clone_folder, clone_or_open};
use patchdesk_project::Overview;
use patchdesk_secrets::{Secret, TokenStore};
use serde::Serialize;
use std::path::Path;
use std::sync::Mutex;
use tauri::{AppHandle, State};
use tauri_specta::Event;

/// The keyring service prefix shared with the CLI (`patchdesk:github.com`).
const KEYRING_PREFIX: &str = "patchdesk";

/// What the app knows about GitHub: where it is, who is signed in, and what can be done.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct GitHubStatus {
    /// `github.com`, or an Enterprise Server's host.
    pub host: String,
    /// The web address people sign in at.
    pub web_url: String,
    /// The signed-in account, checked with GitHub just now.
    pub account: Option<Account>,
    /// Whether signing in with a code is possible (an OAuth app's client id is set).
    pub device_flow_ready: bool,
    /// The OAuth app's client id in use, if any (not a secret).
    pub client_id: Option<String>,
    /// A sentence to show when something needs the person's attention (a sign-in that stopped
    /// working, GitHub out of reach).
    pub notice: Option<UserError>,
}

/// What to show while waiting for the person to approve the sign-in on GitHub.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct SignInCode {
    /// The code to type (`ABCD-1234`).
    pub user_code: String,
    /// The page to open.
    pub verification_uri: String,
    /// Seconds until the code runs out.
    pub expires_in: u32,
}

/// The sign-in in progress and the settings, shared by the GitHub commands.
#[derive(Default)]
pub struct GitHubSession {
    pending: Mutex<Option<(u64, DeviceCode)>>,
    /// Bumped to cancel the sign-in being waited for.
    generation: Mutex<u64>,
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
}

/// Where GitHub is and which OAuth app signs in.
fn sign_in(data_dir: &Path) -> Result<(SignIn, Option<String>), UserError> {
    let settings = read_settings(data_dir)?;
    let api = env("PATCHDESK_GITHUB_API").or(settings.github_api).unwrap_or_else(|| "https://api.github.com".into());
    let client_id = env("PATCHDESK_GITHUB_CLIENT_ID").or(settings.github_client_id);
    let signin = SignIn::new(ApiBase::from_api(&api), client_id.as_deref().unwrap_or(""), TokenStore::new(KEYRING_PREFIX));
    Ok((signin, client_id))
}

/// The web address of the GitHub the app talks to (`https://github.com`, or the Enterprise
/// server the person set), without asking anyone.
pub(crate) fn web_base(data_dir: &Path) -> Result<String, UserError> {
    Ok(sign_in(data_dir)?.0.base().web.clone())
}

/// The saved sign-in for the GitHub the app talks to: the API roots and the token.
pub(crate) fn saved_token(data_dir: &Path) -> Result<(ApiBase, Option<(String, Secret)>), UserError> {
    let (signin, _) = sign_in(data_dir)?;
    let saved = signin.saved().map_err(|e| UserError::from(&e))?;
    Ok((signin.base().clone(), saved))
}

/// Who is signed in to GitHub, checked with GitHub (`GET /user`). A sign-in that no longer
/// works is reported in `notice` (and the person is asked to sign in again); no keyring is an
/// error that says what to install.
#[tauri::command]
#[specta::specta]
pub async fn github_status(state: State<'_, AppState>) -> Result<GitHubStatus, UserError> {
    let (signin, client_id) = sign_in(state.data_dir())?;
    let (account, notice) = match signin.restore().await {
        Ok(found) => (found.map(|(a, _)| a), None),
        Err(e) => {
            let err = UserError::from(&e);
            if err.code == Code::KeyringUnavailable {
                return Err(err);
            }
            (None, Some(err))
        }
    };
    Ok(GitHubStatus {
        host: signin.base().host(),
        web_url: signin.base().web.clone(),
        account,
        device_flow_ready: client_id.is_some(),
        client_id,
        notice,
    })
}

/// Saves which GitHub to use (an Enterprise Server's address; empty for github.com) and the
/// OAuth app's client id for signing in with a code (empty to clear).
#[tauri::command]
#[specta::specta]
pub fn github_settings(state: State<'_, AppState>, server: String, client_id: String) -> Result<(), UserError> {
    let mut s = read_settings(state.data_dir())?;
    s.github_api = api_setting(&server)?;
    s.github_client_id = client_id_setting(&client_id)?;
    write_settings(state.data_dir(), &s)
}

/// The API root to save for the server the person typed (none: github.com).
fn api_setting(server: &str) -> Result<Option<String>, UserError> {
    let server = server.trim().trim_end_matches('/');
    Ok(if server.is_empty() || server.eq_ignore_ascii_case("https://github.com") {
        None
    } else if !(server.starts_with("https://") || server.starts_with("http://127.0.0.1") || server.starts_with("http://localhost")) {
        return Err(UserError::new(Code::InputInvalid, format!("{server} is not a secure web address. Give the server's address starting with https://.")));
    } else if server.ends_with("/api/v3") || server.contains("127.0.0.1") || server.contains("localhost") {
        Some(server.to_string())
    } else {
        Some(format!("{server}/api/v3"))
    })
}

/// The OAuth app's client id to save, as the person typed it (none: cleared).
fn client_id_setting(client_id: &str) -> Result<Option<String>, UserError> {
    let id = client_id.trim();
    if !id.is_empty() && !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'_' || b == b'-') {
        return Err(UserError::new(Code::InputInvalid, "That does not look like an OAuth app's client id (letters, digits, dots and dashes). Copy it again from the app's page on GitHub."));
    }
    Ok((!id.is_empty()).then(|| id.to_string()))
}

/// Starts signing in with a code: returns the code to show and the page to type it on. Then
/// call `github_finish_sign_in`, which waits for the person.
#[tauri::command]
#[specta::specta]
pub async fn github_start_sign_in(state: State<'_, AppState>, session: State<'_, GitHubSession>) -> Result<SignInCode, UserError> {
    let (signin, client_id) = sign_in(state.data_dir())?;
    device_flow_ready(client_id.as_deref())?;
    let code = signin.start_device_flow().await.map_err(|e| UserError::from(&e))?;
    let shown = SignInCode {
        user_code: code.user_code.clone(),
        verification_uri: code.verification_uri.clone(),
        expires_in: code.expires_in.min(u64::from(u32::MAX)) as u32,
    };
    let generation = {
        let mut g = session.generation.lock().unwrap_or_else(|e| e.into_inner());
        *g += 1;
        *g
    };
    *session.pending.lock().unwrap_or_else(|e| e.into_inner()) = Some((generation, code));
    Ok(shown)
}

/// Signing in with a code needs the organisation's OAuth app (its client id).
fn device_flow_ready(client_id: Option<&str>) -> Result<(), UserError> {
    match client_id {
        Some(_) => Ok(()),
        None => Err(UserError::new(
            Code::InputInvalid,
            "Signing in with a code needs your organisation's GitHub app id (its Client ID). Enter it under \"Settings for your organisation\", or sign in with a token instead.",
        )),
    }
}

/// Waits until the person approved the code on GitHub (or refused, or it ran out), then keeps
/// the token in the keyring and returns the account. `github_cancel_sign_in` stops the wait.
#[tauri::command]
#[specta::specta]
pub async fn github_finish_sign_in(state: State<'_, AppState>, session: State<'_, GitHubSession>) -> Result<Account, UserError> {
    let (signin, _) = sign_in(state.data_dir())?;
    let Some((generation, code)) = session.pending.lock().unwrap_or_else(|e| e.into_inner()).clone() else {
        return Err(UserError::new(Code::SignInExpired, "There is no sign-in waiting. Start signing in again."));
    };
    let cancelled = async {
        loop {
            tokio::time::sleep(std::time::Duration::from_millis(300)).await;
            if *session.generation.lock().unwrap_or_else(|e| e.into_inner()) != generation {
                return;
            }
        }
    };
    let result = tokio::select! {
        r = signin.finish_device_flow(&code) => r.map_err(|e| UserError::from(&e)),
        () = cancelled => Err(UserError::new(Code::SignInDenied, "Signing in was cancelled.")),
    };
    let mut pending = session.pending.lock().unwrap_or_else(|e| e.into_inner());
    if pending.as_ref().is_some_and(|(g, _)| *g == generation) {
        *pending = None;
    }
    result
}

/// Stops waiting for a sign-in started with `github_start_sign_in`.
#[tauri::command]
#[specta::specta]
pub fn github_cancel_sign_in(session: State<'_, GitHubSession>) {
    *session.generation.lock().unwrap_or_else(|e| e.into_inner()) += 1;
    *session.pending.lock().unwrap_or_else(|e| e.into_inner()) = None;
}

/// Signs in with a pasted personal access token: checked with GitHub, then kept only in the
/// keyring.
#[tauri::command]
#[specta::specta]
pub async fn github_sign_in_with_token(state: State<'_, AppState>, token: String) -> Result<Account, UserError> {
    let token = pasted_token(&token)?;
    let (signin, _) = sign_in(state.data_dir())?;
    signin.sign_in_with_token(Secret::new(token)).await.map_err(|e| UserError::from(&e))
}

/// The pasted token without the spaces around it; refused when it has spaces inside or is empty.
fn pasted_token(token: &str) -> Result<String, UserError> {
    let token = token.trim();
    if token.is_empty() || token.chars().any(char::is_whitespace) {
        return Err(UserError::new(Code::InputInvalid, "Paste the whole token, without spaces. It starts with ghp_ or github_pat_."));
    }
    Ok(token.to_string())
}

/// Signs out: deletes the saved token from the keyring.
#[tauri::command]
#[specta::specta]
pub fn github_sign_out(state: State<'_, AppState>) -> Result<bool, UserError> {
    let (signin, _) = sign_in(state.data_dir())?;
    signin.sign_out().map_err(|e| UserError::from(&e))
}

/// The signed-in account's repositories whose name contains `filter` (empty: all).
#[tauri::command]
#[specta::specta]
pub async fn github_repositories(state: State<'_, AppState>, filter: String) -> Result<Vec<RepoSummary>, UserError> {
    let (base, saved) = saved_token(state.data_dir())?;
    let Some((_, token)) = saved else {
        return Err(UserError::new(Code::NotSignedIn, "Sign in to GitHub first to see your repositories."));
    };
    patchdesk_forge::list_repositories(&base, &token, filter.trim()).await.map_err(|e| UserError::from(&e))
}

/// Opens `full_name` from GitHub as the project: the first time, Patchdesk downloads its own
/// copy into the app's data folder (progress arrives as `CloneProgressed` events); later it
/// opens that copy. Safe to call again after any failure.
#[tauri::command]
#[specta::specta]
pub async fn connect_github_repository(
    app: AppHandle,
    state: State<'_, AppState>,
    full_name: String,
    clone_url: String,
) -> Result<Overview, UserError> {
    let (base, saved) = saved_token(state.data_dir())?;
    let Some((_, token)) = saved else {
        return Err(UserError::new(Code::NotSignedIn, "Sign in to GitHub first, then choose the repository."));
    };
    let dest = clone_destination(&state.data_dir().join("repositories"), &base.host(), &full_name, &clone_url)?;
    let progress_app = app.clone();
    let name = full_name.clone();
    let creds = patchdesk_forge::GitCredentials::new(&base, token);
    let project = tauri::async_runtime::spawn_blocking(move || {
        let mut last = std::time::Instant::now() - std::time::Duration::from_secs(1);
        clone_or_open(&clone_url, &dest, Some(&creds), &mut |p| {
            let finished = p.total > 0 && p.indexed == p.total;
            if finished || last.elapsed() >= std::time::Duration::from_millis(100) {
                last = std::time::Instant::now();
                let _ = CloneProgressed { repository: name.clone(), progress: p }.emit(&progress_app);
            }
        })
        .map_err(|e| UserError::from(&e))
    })
    .await
    .map_err(|e| UserError::new(Code::Internal, format!("The download stopped unexpectedly: {e}")))??;
    let overview = project.overview()?;
    state.open(project);
    let _ = ProjectOpened { summary: overview.summary.clone() }.emit(&app);
    Ok(overview)
}

/// Where Patchdesk keeps its copy of `full_name` under `root`, when `clone_url` is on the
/// signed-in `host` (the sign-in goes nowhere else) and the name is `owner/name`.
fn clone_destination(root: &Path, host: &str, full_name: &str, clone_url: &str) -> Result<std::path::PathBuf, UserError> {
    let url_host = clone_url.split_once("://").map(|(_, r)| r.split('/').next().unwrap_or("").to_lowercase());
    if url_host.as_deref() != Some(host) {
        return Err(UserError::new(Code::InputInvalid, format!("{clone_url} is not on {host}; Patchdesk only sends your sign-in to {host}.")));
    }
    clone_folder(root, host, full_name)
        .ok_or_else(|| UserError::new(Code::InputInvalid, format!("{full_name} is not a repository name of the form owner/name.")))
}

/// A commit author: name and e-mail.
pub(crate) type Author = (String, String);

/// The forge for a project whose remote is `remote`: the practice remote for a folder on this
/// disk; otherwise GitHub with the saved sign-in. Also the commit author to use (the signed-in
/// person, with GitHub's private no-reply address), if any.
pub(crate) fn project_forge(data_dir: &Path, remote: &str) -> Result<(Box<dyn Forge>, Option<Author>), UserError> {
    if PracticeRemote::is_local_url(remote) {
        return Ok((Box::new(PracticeRemote::open(remote).map_err(|e| UserError::from(&e))?), None));
    }
    let repo = GitHub::repo_from_url(remote).ok_or_else(|| {
        UserError::new(Code::RemoteRepoNotFound, format!("Cannot tell which GitHub repository {remote} is. Connect the repository from GitHub in Patchdesk."))
    })?;
    let (base, saved) = saved_token(data_dir)?;
    let Some((login, token)) = saved else {
        return Err(UserError::new(Code::NotSignedIn, format!("Sign in to GitHub first ({}), then try again.", base.host())));
    };
    let author = (login.clone(), format!("{login}@users.noreply.{}", base.host()));
    Ok((Box::new(GitHub::new(base, &repo, token).map_err(|e| UserError::from(&e))?), Some(author)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the person typed is checked here, before anything is sent: a refusal says
    /// "input invalid", never "GitHub didn't accept the labels and reviewers".
    #[test]
    fn the_six_local_input_checks_say_input_invalid() {
        let root = Path::new("/data/repositories");
        let refused = [
            api_setting("http://ghe.example.org").unwrap_err(),
            client_id_setting("not an id!").unwrap_err(),
            device_flow_ready(None).unwrap_err(),
            pasted_token("ghp_abc def").unwrap_err(),
            clone_destination(root, "github.com", "octo/hello", "https://evil.example/octo/hello.git").unwrap_err(),
            clone_destination(root, "github.com", "octo", "https://github.com/octo.git").unwrap_err(),
        ];
        for e in refused {
            assert_eq!(e.code, Code::InputInvalid, "{}", e.message);
        }
        // What passes the checks is kept as before.
        assert_eq!(api_setting(" https://ghe.example.org/ ").unwrap().as_deref(), Some("https://ghe.example.org/api/v3"));
        assert_eq!(api_setting("https://github.com").unwrap(), None);
        assert_eq!(api_setting("http://127.0.0.1:4567").unwrap().as_deref(), Some("http://127.0.0.1:4567"));
        assert_eq!(client_id_setting(" Iv1.abc-9_x ").unwrap().as_deref(), Some("Iv1.abc-9_x"));
        assert_eq!(client_id_setting("").unwrap(), None);
        assert!(device_flow_ready(Some("Iv1.x")).is_ok());
        assert_eq!(pasted_token(" fake-pat-1 \n").unwrap(), "fake-pat-1");
        assert_eq!(
            clone_destination(root, "github.com", "octo/hello", "https://GitHub.com/octo/hello.git").unwrap(),
            root.join("github.com/octo/hello")
        );
    }
}
