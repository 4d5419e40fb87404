//! Signing in to GitHub: the OAuth **device flow** (the person types a short code on GitHub's
//! page) or a pasted **personal access token**. Either way the token is checked with
//! `GET /user` and kept only in the OS keyring through `patchdesk-secrets`.
//!
//! ## Keyring naming
//! Service `<prefix>:<host>` (`patchdesk:github.com`, `patchdesk:ghe.example.org`), account =
//! the GitHub login. A second item per host, account `~signed-in`, holds the *login* (not a
//! token) of the account last signed in, so the app and the CLI know whose token to read.
//! GitHub logins cannot contain `~`, so it never clashes with a real login.
//!
//! ## Using your organisation's own OAuth app
//! The device flow needs the client id of an OAuth app with "Enable Device Flow" ticked.
//! An organisation that wants sign-ins to show its own name registers one:
//! 1. On GitHub: *Settings → Developer settings → OAuth Apps → New OAuth App* (for an
//!    organisation: *Organization settings → Developer settings → OAuth Apps*). On GitHub
//!    Enterprise Server the same pages are on your server.
//! 2. Any homepage URL; the callback URL is not used by the device flow (any URL works).
//! 3. After creating it, tick **Enable Device Flow** and save. Copy the **Client ID**; no
//!    client secret is needed (do not put one in Patchdesk).
//! 4. Give Patchdesk the client id: the app's settings, or `PATCHDESK_GITHUB_CLIENT_ID` for the
//!    CLI. If the organisation restricts OAuth app access, an owner approves the app once.
//!
//! ## Polling rules
//! GitHub's `interval` is honoured (an interval of 0 is treated as 5 seconds, GitHub's
//! default), `slow_down` adds 5 seconds, and `expired_token` / `access_denied` end the wait with
//! [`SignInError::Expired`] / [`SignInError::Denied`]. octocrab 0.54 reports those two as an
//! answer it cannot parse; this module asks once more to learn which of them it was. The wait
//! between polls is a [`PollWait`]: real in the app, handed in by tests (which never sleep).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use octocrab::auth::{Continue, TokenResponse};
use octocrab::secrecy::{ExposeSecret, SecretString};
use patchdesk_error::{Code, Coded};
use patchdesk_secrets::{Secret, SecretsError, TokenStore};
use serde_json::Value;

use crate::github::{check_token, client, map_error, Context};
use crate::{Account, ApiBase, ForgeError};

/// The OAuth scopes Patchdesk asks for: push branches and open pull requests (`repo`), and see
/// organisation repositories (`read:org`).
pub const DEFAULT_SCOPES: &[&str] = &["repo", "read:org"];

/// Keyring account that holds the login of the signed-in account (not a secret).
pub const SIGNED_IN_ACCOUNT: &str = "~signed-in";

/// Why signing in did not work.
#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    /// The person pressed "Cancel" on GitHub's page.
    #[error(
        "The sign-in was refused on GitHub's page. To connect Patchdesk, start signing in again and press Authorize."
    )]
    Denied,
    /// The code was not entered in time.
    #[error(
        "The sign-in code ran out of time before it was entered on GitHub. Start signing in again for a new code."
    )]
    Expired,
    /// GitHub said something else (network, refused token, rate limit).
    #[error(transparent)]
    Forge(#[from] ForgeError),
    /// The keyring did not answer or refused.
    #[error(transparent)]
    Secrets(#[from] SecretsError),
}

impl Coded for SignInError {
    fn code(&self) -> Code {
        match self {
            SignInError::Denied => Code::SignInDenied,
            SignInError::Expired => Code::SignInExpired,
            SignInError::Forge(e) => e.code(),
            SignInError::Secrets(e) => e.code(),
        }
    }
}

/// What to show while waiting for the device flow: the code and where to type it.
#[derive(Clone)]
pub struct DeviceCode {
    /// The code to type (`ABCD-1234`).
    pub user_code: String,
    /// The page to open (`https://github.com/login/device`).
    pub verification_uri: String,
    /// Seconds until the code expires.
    pub expires_in: u64,
    /// Seconds between polls (never 0).
    pub interval: u64,
    codes: octocrab::auth::DeviceCodes,
}

impl DeviceCode {
    /// The device code the app polls with (not shown to the person; kept out of `Debug`).
    pub fn device_code(&self) -> &str {
        &self.codes.device_code
    }
}

impl fmt::Debug for DeviceCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeviceCode")
            .field("user_code", &self.user_code)
            .field("verification_uri", &self.verification_uri)
            .field("expires_in", &self.expires_in)
            .field("interval", &self.interval)
            .finish_non_exhaustive()
    }
}

/// How the device flow waits between two polls: for real in the app ([`PollWait::real`]); a
/// test hands in its own wait, which learns the interval and returns when the test says.
#[derive(Clone)]
pub struct PollWait(Arc<dyn Fn(Duration) -> Waiting + Send + Sync>);

/// One wait of a [`PollWait`].
pub type Waiting = Pin<Box<dyn Future<Output = ()> + Send>>;

impl PollWait {
    /// Sleeps for the interval.
    pub fn real() -> PollWait {
        PollWait(Arc::new(|d| Box::pin(tokio::time::sleep(d))))
    }

    /// Waits with `wait`, given each interval.
    pub fn new(wait: impl Fn(Duration) -> Waiting + Send + Sync + 'static) -> PollWait {
        PollWait(Arc::new(wait))
    }
}

impl fmt::Debug for PollWait {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PollWait")
    }
}

/// Signing in to one GitHub host.
#[derive(Debug, Clone)]
pub struct SignIn {
    base: ApiBase,
    client_id: String,
    scopes: Vec<String>,
    store: TokenStore,
    wait: PollWait,
}

impl SignIn {
    /// Sign-in to `base` with OAuth app `client_id`, keeping tokens in `store`.
    pub fn new(base: ApiBase, client_id: &str, store: TokenStore) -> SignIn {
        SignIn {
            base,
            client_id: client_id.trim().to_string(),
            scopes: DEFAULT_SCOPES.iter().map(|s| s.to_string()).collect(),
            store,
            wait: PollWait::real(),
        }
    }

    /// Waits between device-flow polls with `wait` instead of sleeping.
    pub fn with_wait(mut self, wait: PollWait) -> SignIn {
        self.wait = wait;
        self
    }

    /// Asks for other scopes than [`DEFAULT_SCOPES`].
    pub fn with_scopes(mut self, scopes: &[&str]) -> SignIn {
        self.scopes = scopes.iter().map(|s| s.to_string()).collect();
        self
    }

    /// The API and web roots.
    pub fn base(&self) -> &ApiBase {
        &self.base
    }

    /// Step 1 of the device flow: a code to show and the page to open.
    pub async fn start_device_flow(&self) -> Result<DeviceCode, SignInError> {
        let crab = client(&self.base, None, &self.base.web)?;
        let id = SecretString::from(self.client_id.clone());
        let ctx = Context { base: &self.base, repo: "", action: "start signing in" };
        let mut codes = crab.authenticate_as_device(&id, &self.scopes).await.map_err(|e| map_error(&ctx, e))?;
        if codes.interval == 0 {
            codes.interval = 5;
        }
        Ok(DeviceCode {
            user_code: codes.user_code.clone(),
            verification_uri: codes.verification_uri.clone(),
            expires_in: codes.expires_in,
            interval: codes.interval,
            codes,
        })
    }

    /// Step 2: waits until the person approved (or refused, or the code expired), then checks
    /// the token and keeps it in the keyring. Drop the future to cancel.
    pub async fn finish_device_flow(&self, code: &DeviceCode) -> Result<Account, SignInError> {
        let crab = client(&self.base, None, &self.base.web)?;
        let id = SecretString::from(self.client_id.clone());
        let ctx = Context { base: &self.base, repo: "", action: "finish signing in" };
        let codes = code.codes.clone();
        // The first poll at once, then one per interval; `slow_down` adds 5 seconds.
        let mut interval = Duration::from_secs(codes.interval.max(1));
        let mut first = true;
        let outcome = loop {
            if !first {
                (self.wait.0)(interval).await;
            }
            first = false;
            match codes.poll_once(&crab, &id).await {
                Ok(TokenResponse::Ok(auth)) => break Ok(auth),
                Ok(TokenResponse::Continue { error: Continue::SlowDown }) => interval += Duration::from_secs(5),
                Ok(TokenResponse::Continue { error: Continue::AuthorizationPending }) => {}
                Err(e) => break Err(e),
            }
        };
        match outcome {
            Ok(auth) => {
                let token = Secret::new(auth.access_token.expose_secret().to_string());
                self.keep(token).await
            }
            Err(octocrab::Error::Json { .. } | octocrab::Error::Serde { .. }) => {
                // octocrab cannot read `expired_token` / `access_denied`: ask once more.
                let body = serde_json::json!({
                    "client_id": self.client_id,
                    "device_code": codes.device_code,
                    "grant_type": "urn:ietf:params:oauth:grant-type:device_code",
                });
                let resp = crab
                    ._post(format!("{}/login/oauth/access_token", self.base.web), Some(&body))
                    .await
                    .map_err(|e| map_error(&ctx, e))?;
                let text = crab.body_to_string(resp).await.map_err(|e| map_error(&ctx, e))?;
                let v: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
                Err(match v.get("error").and_then(Value::as_str) {
                    Some("access_denied") => SignInError::Denied,
                    Some("expired_token") | Some("incorrect_device_code") | Some("token_expired") => SignInError::Expired,
                    Some("unsupported_grant_type") | Some("incorrect_client_credentials") | Some("device_flow_disabled") => {
                        SignInError::Forge(ForgeError::Invalid { detail: format!("GitHub refused the app's sign-in settings ({}); check the OAuth app's client id and that device flow is enabled for it", v["error"].as_str().unwrap_or_default()) })
                    }
                    _ => SignInError::Forge(ForgeError::Unexpected("GitHub's answer while signing in could not be read".into())),
                })
            }
            Err(e) => Err(map_error(&ctx, e).into()),
        }
    }

    /// Signs in with a pasted personal access token: checked, then kept in the keyring.
    pub async fn sign_in_with_token(&self, token: Secret) -> Result<Account, SignInError> {
        let token = Secret::new(token.expose().trim().to_string());
        self.keep(token).await
    }

    async fn keep(&self, token: Secret) -> Result<Account, SignInError> {
        let account = check_token(&self.base, &token).await?;
        let host = self.base.host();
        self.store.store(&host, &account.login, &token)?;
        self.store.store(&host, SIGNED_IN_ACCOUNT, &Secret::new(account.login.clone()))?;
        Ok(account)
    }

    /// The saved sign-in, without asking GitHub: (login, token).
    pub fn saved(&self) -> Result<Option<(String, Secret)>, SignInError> {
        let host = self.base.host();
        let Some(login) = self.store.read(&host, SIGNED_IN_ACCOUNT)? else { return Ok(None) };
        let login = login.expose().to_string();
        Ok(self.store.read(&host, &login)?.map(|t| (login, t)))
    }

    /// On start: the saved sign-in, checked with GitHub. `Ok(None)` when nobody signed in; a
    /// revoked token gives [`ForgeError::AuthRejected`] (show sign-in again).
    pub async fn restore(&self) -> Result<Option<(Account, Secret)>, SignInError> {
        let Some((_, token)) = self.saved()? else { return Ok(None) };
        let account = check_token(&self.base, &token).await?;
        Ok(Some((account, token)))
    }

    /// Deletes the saved token (and the signed-in marker). Returns whether there was one.
    pub fn sign_out(&self) -> Result<bool, SignInError> {
        let host = self.base.host();
        let Some(login) = self.store.read(&host, SIGNED_IN_ACCOUNT)? else { return Ok(false) };
        let had = self.store.delete(&host, login.expose())?;
        self.store.delete(&host, SIGNED_IN_ACCOUNT)?;
        Ok(had)
    }
}
