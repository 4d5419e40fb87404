//! Pod tokens: how the pod API knows which pod is asking. A token is made once, shown once and
//! kept only as its SHA-256, with its pod, in the project's own settings inside git's folder
//! (`.git/patchdesk/pod-api.json`): never in a commit, never sent anywhere. The same file holds
//! the project's pod API settings (auto-promote).

use patchdesk_error::{Code, UserError};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use time::OffsetDateTime;

/// Where the pod API settings live, relative to git's folder.
const SETTINGS: &str = "patchdesk/pod-api.json";
/// What every token starts with, so a person (and a secret scanner) can tell what it is.
const PREFIX: &str = "pdk_";

/// One token as it is kept: its hash, never the token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct PodToken {
    /// A short id to name it by (the first 12 hex digits of its hash).
    pub id: String,
    /// The pod's key on the board (`QAPod`) or the name it was given.
    pub pod: String,
    /// When it was made (RFC 3339, UTC).
    pub created_at: String,
    /// SHA-256 of the token, hex.
    #[serde(default)]
    pub sha256: String,
}

/// The project's pod API settings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PodApiSettings {
    /// Send what a pod submits for review at once (a pull request, never a push to the default
    /// branch). Off unless the lead turns it on.
    #[serde(default)]
    pub auto_promote: bool,
    #[serde(default)]
    pub tokens: Vec<PodToken>,
}

/// A token just made: the only time its text is seen.
#[derive(Debug, Clone, Serialize)]
pub struct NewToken {
    /// The token, for the pod's `Authorization: Bearer …` header.
    pub token: String,
    pub kept: PodToken,
}

fn git_dir(workdir: &Path) -> Result<PathBuf, UserError> {
    let repo = git2::Repository::open(workdir).map_err(|_| {
        UserError::new(Code::RepoNotFound, format!("{} is not a project Patchdesk can open.", workdir.display()))
    })?;
    Ok(repo.path().to_path_buf())
}

/// The project's pod API settings (the defaults when none were saved).
pub fn settings(workdir: &Path) -> Result<PodApiSettings, UserError> {
    let dir = git_dir(workdir)?;
    let bytes = patchdesk_disk::read_file(&dir, SETTINGS).map_err(|e| UserError::new(Code::Io, e.to_string()))?;
    match bytes {
        None => Ok(PodApiSettings::default()),
        Some(b) => serde_json::from_slice(&b).map_err(|e| {
            UserError::new(
                Code::SettingsInvalid,
                format!(
                    "The pod API settings in {} are damaged ({e}); remove the file and add the pod tokens again.",
                    dir.join(SETTINGS).display()
                ),
            )
        }),
    }
}

fn save(workdir: &Path, settings: &PodApiSettings) -> Result<(), UserError> {
    let dir = git_dir(workdir)?;
    let text = serde_json::to_vec_pretty(settings).map_err(|e| UserError::new(Code::Internal, e.to_string()))?;
    patchdesk_disk::replace_file(&dir, SETTINGS, text).map_err(|e| UserError::new(Code::Io, e.to_string()))
}

fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.trim().as_bytes()))
}

/// Makes a token for `pod` and keeps its hash. The token's text is returned once.
pub fn add(workdir: &Path, pod: &str, now: OffsetDateTime) -> Result<NewToken, UserError> {
    let pod = pod.trim();
    if pod.is_empty() || pod.len() > 100 || pod.chars().any(|c| c.is_control()) {
        return Err(UserError::new(Code::InputInvalid, "Name the pod the token is for (a short name such as QAPod)."));
    }
    let mut raw = [0u8; 32];
    getrandom::fill(&mut raw).map_err(|e| {
        UserError::new(Code::Internal, format!("This computer gave no random numbers for a token: {e}."))
    })?;
    let token = format!("{PREFIX}{}", hex::encode(raw));
    let sha256 = hash(&token);
    let kept = PodToken {
        id: sha256[..12].to_string(),
        pod: pod.to_string(),
        created_at: patchdesk_clock::rfc3339(now),
        sha256,
    };
    let mut all = settings(workdir)?;
    all.tokens.push(kept.clone());
    save(workdir, &all)?;
    Ok(NewToken { token, kept })
}

/// The tokens kept for the project (hashes and pods; never a token's text).
pub fn list(workdir: &Path) -> Result<Vec<PodToken>, UserError> {
    Ok(settings(workdir)?.tokens)
}

/// Revokes the tokens of `pod`, or only the one whose id is `id`. Returns the revoked ones;
/// none found is refused.
pub fn revoke(workdir: &Path, pod: &str, id: Option<&str>) -> Result<Vec<PodToken>, UserError> {
    let mut all = settings(workdir)?;
    let (gone, kept): (Vec<_>, Vec<_>) =
        all.tokens.into_iter().partition(|t| t.pod == pod.trim() && id.is_none_or(|id| t.id == id.trim()));
    if gone.is_empty() {
        let which = id.map(|i| format!(" with id {i}")).unwrap_or_default();
        return Err(UserError::new(
            Code::PodNotFound,
            format!("There is no token for {pod}{which}; `patchdesk token list` shows the tokens kept."),
        ));
    }
    all.tokens = kept;
    save(workdir, &all)?;
    Ok(gone)
}

/// The pod a token belongs to; a missing, unknown or revoked token is refused.
pub fn verify(workdir: &Path, token: &str) -> Result<String, UserError> {
    let sha = hash(token);
    settings(workdir)?.tokens.into_iter().find(|t| t.sha256 == sha).map(|t| t.pod).ok_or_else(|| {
        UserError::new(
            Code::TokenInvalid,
            "The request's token is missing, unknown or revoked; ask the lead for a pod token (`patchdesk token add`).",
        )
    })
}

/// Turns auto-promote on or off for the project.
pub fn set_auto_promote(workdir: &Path, on: bool) -> Result<(), UserError> {
    let mut all = settings(workdir)?;
    all.auto_promote = on;
    save(workdir, &all)
}
