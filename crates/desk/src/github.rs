//! GitHub: signing in (a code approved on GitHub, or a pasted token), who is signed in, the
//! signed-in account's repositories, and connecting one as a project (Patchdesk's own clone in
//! the app's data folder). The token stays in the system keyring: nothing here returns it.

use crate::{Account, CloneProgress, Desk, Project, RepoSummary};
use patchdesk_error::{Code, UserError};
use patchdesk_forge::signin::{DeviceCode, SignIn};
use patchdesk_forge::{ApiBase, Secret};
use patchdesk_secrets::TokenStore;
use serde::Serialize;
use std::sync::Mutex;

/// The keyring service prefix shared by the window and the CLI (`patchdesk:github.com`).
pub const KEYRING_PREFIX: &str = "patchdesk";

/// The sign-in for the GitHub the lead chose.
pub(crate) fn sign_in(desk: &Desk) -> Result<SignIn, UserError> {
    let place = desk.github_place()?;
    Ok(SignIn::new(ApiBase::from_api(&place.api), place.client_id.as_deref().unwrap_or(""), TokenStore::new(KEYRING_PREFIX)))
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
        if place.client_id.is_none() {
            return Err(UserError::new(
                Code::RequestInvalid,
                "Signing in with a code needs your organisation's GitHub app id (its Client ID). Enter it under \"Settings for your organisation\", or sign in with a token instead.",
            ));
        }
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
    let token = token.trim().to_string();
    if token.is_empty() || token.chars().any(char::is_whitespace) {
        return Err(UserError::new(Code::RequestInvalid, "Paste the whole token, without spaces. It starts with ghp_ or github_pat_."));
    }
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
        return Err(UserError::new(Code::AuthRejected, "Sign in to GitHub first to see your repositories."));
    };
    patchdesk_forge::list_repositories(&base, &token, filter.trim()).await.map_err(|e| UserError::from(&e))
}

/// Opens `full_name` from GitHub as the project: the first time, Patchdesk downloads its own
/// copy into the app's data folder (`progress` hears how far it got); later it opens that copy.
/// The sign-in goes only to the signed-in host. Safe to call again after any failure. Blocks on
/// the network.
pub fn connect(desk: &Desk, full_name: &str, clone_url: &str, progress: &mut dyn FnMut(CloneProgress)) -> Result<Project, UserError> {
    let (base, saved) = saved_token(desk)?;
    let Some((_, token)) = saved else {
        return Err(UserError::new(Code::AuthRejected, "Sign in to GitHub first, then choose the repository."));
    };
    let host = base.host();
    let url_host = clone_url.split_once("://").map(|(_, r)| r.split('/').next().unwrap_or("").to_lowercase());
    if url_host.as_deref() != Some(host.as_str()) {
        return Err(UserError::new(Code::RequestInvalid, format!("{clone_url} is not on {host}; Patchdesk only sends your sign-in to {host}.")));
    }
    let dest = patchdesk_project::connect::clone_folder(&desk.data_dir().join("repositories"), &host, full_name)
        .ok_or_else(|| UserError::new(Code::RequestInvalid, format!("{full_name} is not a repository name of the form owner/name.")))?;
    let creds = patchdesk_forge::GitCredentials::new(&base, token);
    Ok(patchdesk_project::connect::clone_or_open(clone_url, &dest, Some(&creds), progress)?)
}
