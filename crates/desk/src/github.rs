//! GitHub: signing in (a code approved on GitHub, or a pasted token), who is signed in, the
//! signed-in account's repositories, and connecting one as a project (Patchdesk's own clone in
//! the app's data folder). The token stays in the system keyring: nothing here returns it.

use crate::{Account, CloneProgress, Desk, Project, RepoSummary};
use patchdesk_error::{Code, UserError};
use patchdesk_forge::signin::{DeviceCode, SignIn};
use patchdesk_forge::{ApiBase, Secret};
use patchdesk_secrets::TokenStore;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The keyring service prefix shared by the window and the CLI (`patchdesk:github.com`).
pub const KEYRING_PREFIX: &str = "patchdesk";

/// The sign-in for the GitHub the lead chose.
pub(crate) fn sign_in(desk: &Desk) -> Result<SignIn, UserError> {
    let place = desk.github_place()?;
    Ok(SignIn::new(
        ApiBase::from_api(&place.api),
        place.client_id.as_deref().unwrap_or(""),
        TokenStore::new(KEYRING_PREFIX),
    ))
}

/// The web address of the GitHub the lead chose (`https://github.com`, or the Enterprise
/// server set), without asking anyone.
pub fn web_base(desk: &Desk) -> Result<String, UserError> {
    Ok(sign_in(desk)?.base().web.clone())
}

/// The saved sign-in: the API roots and, when signed in, the login and token.
fn saved_token(desk: &Desk) -> Result<(ApiBase, Option<(String, Secret)>), UserError> {
    let signin = sign_in(desk)?;
    let saved = signin.saved().map_err(|e| UserError::from(&e))?;
    Ok((signin.base().clone(), saved))
}

/// What Patchdesk knows about GitHub: where it is, who is signed in, and what can be done.
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

/// Who is signed in, checked with GitHub (`GET /user`). A sign-in that no longer works is
/// reported in `notice`; no keyring is an error that says what to install.
pub async fn status(desk: &Desk) -> Result<GitHubStatus, UserError> {
    let place = desk.github_place()?;
    let signin = sign_in(desk)?;
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
        device_flow_ready: place.client_id.is_some(),
        client_id: place.client_id,
        notice,
    })
}

/// Saves which GitHub to use and the OAuth app's client id (see [`crate::settings::set_github`]).
pub fn set_settings(desk: &Desk, server: &str, client_id: &str) -> Result<(), UserError> {
    crate::settings::set_github(desk.data_dir(), server, client_id)
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

/// A sign-in with a code in progress, kept by the front end between "start" and "finish".
#[derive(Default)]
pub struct SignInWait {
    pending: Mutex<Option<(u64, DeviceCode)>>,
    /// Bumped to cancel the sign-in being waited for.
    generation: Mutex<u64>,
}

impl SignInWait {
    /// Starts signing in with a code: the code to show and the page to type it on.
    pub async fn start(&self, desk: &Desk) -> Result<SignInCode, UserError> {
        let place = desk.github_place()?;
        device_flow_ready(place.client_id.as_deref())?;
        let signin = sign_in(desk)?;
        let code = signin.start_device_flow().await.map_err(|e| UserError::from(&e))?;
        let shown = SignInCode {
            user_code: code.user_code.clone(),
            verification_uri: code.verification_uri.clone(),
            expires_in: code.expires_in.min(u64::from(u32::MAX)) as u32,
        };
        let generation = {
            let mut g = self.generation.lock().unwrap_or_else(|e| e.into_inner());
            *g += 1;
            *g
        };
        *self.pending.lock().unwrap_or_else(|e| e.into_inner()) = Some((generation, code));
        Ok(shown)
    }

    /// Waits until the person approved the code on GitHub (or refused, or it ran out, or
    /// [`SignInWait::cancel`]), then keeps the token in the keyring and returns the account.
    pub async fn finish(&self, desk: &Desk) -> Result<Account, UserError> {
        let signin = sign_in(desk)?;
        let Some((generation, code)) = self.pending.lock().unwrap_or_else(|e| e.into_inner()).clone() else {
            return Err(UserError::new(Code::SignInExpired, "There is no sign-in waiting. Start signing in again."));
        };
        let cancelled = async {
            loop {
                tokio::time::sleep(std::time::Duration::from_millis(300)).await;
                if *self.generation.lock().unwrap_or_else(|e| e.into_inner()) != generation {
                    return;
                }
            }
        };
        let result = tokio::select! {
            r = signin.finish_device_flow(&code) => r.map_err(|e| UserError::from(&e)),
            () = cancelled => Err(UserError::new(Code::SignInDenied, "Signing in was cancelled.")),
        };
        let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        if pending.as_ref().is_some_and(|(g, _)| *g == generation) {
            *pending = None;
        }
        result
    }

    /// Stops waiting for the sign-in started with [`SignInWait::start`].
    pub fn cancel(&self) {
        *self.generation.lock().unwrap_or_else(|e| e.into_inner()) += 1;
        *self.pending.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }
}

/// Signs in with a pasted personal access token: checked with GitHub, then kept only in the
/// keyring.
pub async fn sign_in_with_token(desk: &Desk, token: &str) -> Result<Account, UserError> {
    let token = pasted_token(token)?;
    let signin = sign_in(desk)?;
    signin.sign_in_with_token(Secret::new(token)).await.map_err(|e| UserError::from(&e))
}

/// Signs out: deletes the saved token from the keyring. True when one was deleted.
pub fn sign_out(desk: &Desk) -> Result<bool, UserError> {
    sign_in(desk)?.sign_out().map_err(|e| UserError::from(&e))
}

/// The signed-in account's repositories whose name contains `filter` (empty: all).
pub async fn repositories(desk: &Desk, filter: &str) -> Result<Vec<RepoSummary>, UserError> {
    let (base, saved) = saved_token(desk)?;
    let Some((_, token)) = saved else {
        return Err(UserError::new(Code::NotSignedIn, "Sign in to GitHub first to see your repositories."));
    };
    patchdesk_forge::list_repositories(&base, &token, filter.trim()).await.map_err(|e| UserError::from(&e))
}

/// Opens `full_name` from GitHub as the project: the first time, Patchdesk downloads its own
/// copy into the app's data folder (`progress` hears how far it got); later it opens that copy.
/// The sign-in goes only to the signed-in host. Safe to call again after any failure. Blocks on
/// the network.
pub fn connect(
    desk: &Desk,
    full_name: &str,
    clone_url: &str,
    progress: &mut dyn FnMut(CloneProgress),
) -> Result<Project, UserError> {
    let (base, saved) = saved_token(desk)?;
    let Some((_, token)) = saved else {
        return Err(UserError::new(Code::NotSignedIn, "Sign in to GitHub first, then choose the repository."));
    };
    let dest = clone_destination(&desk.data_dir().join("repositories"), &base.host(), full_name, clone_url)?;
    let creds = patchdesk_forge::GitCredentials::new(&base, token);
    Ok(patchdesk_project::connect::clone_or_open(clone_url, &dest, Some(&creds), progress)?)
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

/// A pasted token without the spaces around it; one with spaces inside is not a whole token.
fn pasted_token(token: &str) -> Result<String, UserError> {
    let token = token.trim();
    if token.is_empty() || token.chars().any(char::is_whitespace) {
        return Err(UserError::new(
            Code::InputInvalid,
            "Paste the whole token, without spaces. It starts with ghp_ or github_pat_.",
        ));
    }
    Ok(token.to_string())
}

/// Where `full_name` is kept under `root`, once its address is known to be on the signed-in
/// `host` (the sign-in goes nowhere else).
fn clone_destination(root: &Path, host: &str, full_name: &str, clone_url: &str) -> Result<PathBuf, UserError> {
    let url_host = clone_url.split_once("://").map(|(_, r)| r.split('/').next().unwrap_or("").to_lowercase());
    if url_host.as_deref() != Some(host) {
        return Err(UserError::new(
            Code::InputInvalid,
            format!("{clone_url} is not on {host}; Patchdesk only sends your sign-in to {host}."),
        ));
    }
    patchdesk_project::connect::clone_folder(root, host, full_name).ok_or_else(|| {
        UserError::new(Code::InputInvalid, format!("{full_name} is not a repository name of the form owner/name."))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the person typed is checked here, before anything is sent: a refusal says
    /// "input invalid", never "GitHub didn't accept the labels and reviewers".
    #[test]
    fn the_six_local_input_checks_say_input_invalid() {
        let root = Path::new("/data/repositories");
        let data = tempfile::tempdir().unwrap();
        let refused = [
            crate::settings::set_github(data.path(), "http://ghe.example.org", "").unwrap_err(),
            crate::settings::set_github(data.path(), "", "not an id!").unwrap_err(),
            device_flow_ready(None).unwrap_err(),
            pasted_token("ghp_abc def").unwrap_err(),
            clone_destination(root, "github.com", "octo/hello", "https://evil.example/octo/hello.git").unwrap_err(),
            clone_destination(root, "github.com", "octo", "https://github.com/octo.git").unwrap_err(),
        ];
        for e in refused {
            assert_eq!(e.code, Code::InputInvalid, "{}", e.message);
        }
        // What passes the checks is kept as before.
        assert!(device_flow_ready(Some("Iv1.x")).is_ok());
        assert_eq!(pasted_token(" fake-pat-1 \n").unwrap(), "fake-pat-1");
        assert_eq!(
            clone_destination(root, "github.com", "octo/hello", "https://GitHub.com/octo/hello.git").unwrap(),
            root.join("github.com/octo/hello")
        );
    }
}
