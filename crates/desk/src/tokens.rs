//! Pod tokens: how the pod API knows which pod is asking. A token is made once, shown once and
//! kept only as its SHA-256, with its pod, in the project's own settings inside git's folder
//! (`.git/patchdesk/pod-api.json`): never in a commit, never sent anywhere. The same file holds
//! the project's pod API settings (auto-promote).

use patchdesk_error::{Code, UserError};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use time::OffsetDateTime;

/// Where the pod API settings live, relative to git's folder.
const SETTINGS: &str = "patchdesk/pod-api.json";
/// Held while the settings are read, changed and written, so two changes at once both count.
const LOCK: &str = "patchdesk/pod-api.lock";
/// How long a change waits for another to finish.
const LOCK_WAIT: Duration = Duration::from_secs(5);
/// A lock older than this was left by a process that stopped halfway (a change takes
/// milliseconds).
const LOCK_STALE: Duration = Duration::from_secs(30);
/// The shortest token taken from the environment.
const MIN_TOKEN_LEN: usize = 24;
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

/// The settings lock: a file made only if absent, removed when dropped.
struct Lock(PathBuf);

impl Drop for Lock {
    fn drop(&mut self) {
        // One that cannot be removed is taken as left behind once it is stale.
        let _ = std::fs::remove_file(&self.0);
    }
}

fn lock(dir: &Path) -> Result<Lock, UserError> {
    let path = dir.join(LOCK);
    let io = |e: std::io::Error| UserError::new(Code::Io, format!("Cannot write {}: {e}.", path.display()));
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(io)?;
    }
    let started = Instant::now();
    loop {
        match std::fs::OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(_) => return Ok(Lock(path)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                let age = std::fs::metadata(&path).and_then(|m| m.modified()).ok().and_then(|t| t.elapsed().ok());
                if age.is_some_and(|a| a > LOCK_STALE) {
                    let _ = std::fs::remove_file(&path);
                    continue;
                }
                if started.elapsed() > LOCK_WAIT {
                    return Err(UserError::new(
                        Code::RepoBusy,
                        format!(
                            "Another Patchdesk is changing this project's pod tokens ({} is held); try again in a moment.",
                            path.display()
                        ),
                    ));
                }
                std::thread::sleep(Duration::from_millis(10));
            }
            Err(e) => return Err(io(e)),
        }
    }
}

/// Reads the settings, lets `edit` change them and writes them back, one change at a time
/// (processes too), so a change made meanwhile is never lost.
fn change<T>(workdir: &Path, edit: impl FnOnce(&mut PodApiSettings) -> Result<T, UserError>) -> Result<T, UserError> {
    let dir = git_dir(workdir)?;
    let _held = lock(&dir)?;
    let mut all = settings(workdir)?;
    let done = edit(&mut all)?;
    let text = serde_json::to_vec_pretty(&all).map_err(|e| UserError::new(Code::Internal, e.to_string()))?;
    patchdesk_disk::replace_file(&dir, SETTINGS, text).map_err(|e| UserError::new(Code::Io, e.to_string()))?;
    Ok(done)
}

fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.trim().as_bytes()))
}

/// Makes a token for `pod` and keeps its hash. The token's text is returned once.
pub fn add(workdir: &Path, pod: &str, now: OffsetDateTime) -> Result<NewToken, UserError> {
    let pod = pod.trim();
    if !valid_pod(pod) {
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
    change(workdir, |all| {
        all.tokens.push(kept.clone());
        Ok(())
    })?;
    Ok(NewToken { token, kept })
}

/// The tokens kept for the project (hashes and pods; never a token's text).
pub fn list(workdir: &Path) -> Result<Vec<PodToken>, UserError> {
    Ok(settings(workdir)?.tokens)
}

/// Revokes the tokens of `pod`, or only the one whose id is `id`. Returns the revoked ones;
/// none found is refused.
pub fn revoke(workdir: &Path, pod: &str, id: Option<&str>) -> Result<Vec<PodToken>, UserError> {
    change(workdir, |all| {
        let (gone, kept): (Vec<_>, Vec<_>) = std::mem::take(&mut all.tokens)
            .into_iter()
            .partition(|t| t.pod == pod.trim() && id.is_none_or(|id| t.id == id.trim()));
        if gone.is_empty() {
            let which = id.map(|i| format!(" with id {i}")).unwrap_or_default();
            return Err(UserError::new(
                Code::PodNotFound,
                format!("There is no token for {pod}{which}; `patchdesk token list` shows the tokens kept."),
            ));
        }
        all.tokens = kept;
        Ok(gone)
    })
}

/// The pod a token belongs to; a missing, unknown or revoked token is refused.
pub fn verify(workdir: &Path, token: &str) -> Result<String, UserError> {
    verify_with(workdir, token, &[])
}

/// The pod a token belongs to, among the project's tokens and `known` (tokens the server was
/// started with, [`parse_known`]); a missing, unknown or revoked token is refused.
pub fn verify_with(workdir: &Path, token: &str, known: &[PodToken]) -> Result<String, UserError> {
    let sha = hash(token);
    if let Some(t) = known.iter().find(|t| t.sha256 == sha) {
        return Ok(t.pod.clone());
    }
    settings(workdir)?.tokens.into_iter().find(|t| t.sha256 == sha).map(|t| t.pod).ok_or_else(|| {
        UserError::new(
            Code::TokenInvalid,
            "The request's token is missing, unknown or revoked; ask the lead for a pod token (`patchdesk token add`).",
        )
    })
}

/// Turns auto-promote on or off for the project.
pub fn set_auto_promote(workdir: &Path, on: bool) -> Result<(), UserError> {
    change(workdir, |all| {
        all.auto_promote = on;
        Ok(())
    })
}

fn valid_pod(pod: &str) -> bool {
    !pod.is_empty() && pod.len() <= 100 && !pod.chars().any(|c| c.is_control())
}

/// Pod tokens a server is given when it starts, as `QAPod=<token>,DevPod=<token>` (`from`
/// names where the text came from, such as `PATCHDESK_POD_TOKENS`, for the refusal): only their
/// hashes are returned, nothing is written. A malformed list is refused in one sentence that
/// never shows a token. `now` stamps them.
pub fn parse_known(text: &str, from: &str, now: OffsetDateTime) -> Result<Vec<PodToken>, UserError> {
    let refuse = |why: String| {
        UserError::new(
            Code::InputInvalid,
            format!("{from} {why}; write it as QAPod=<token>,DevPod=<token>, each token at least {MIN_TOKEN_LEN} characters with no spaces."),
        )
    };
    let mut known = Vec::new();
    for (n, entry) in text.split(',').map(str::trim).enumerate() {
        let n = n + 1;
        if entry.is_empty() {
            return Err(refuse(format!("has an empty entry (number {n})")));
        }
        let Some((pod, token)) = entry.split_once('=') else {
            return Err(refuse(format!("has an entry without \"=\" (number {n})")));
        };
        let (pod, token) = (pod.trim(), token.trim());
        if !valid_pod(pod) {
            return Err(refuse(format!("names no pod in entry number {n}")));
        }
        if token.chars().count() < MIN_TOKEN_LEN || token.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(refuse(format!("gives {pod} a token that is too short or holds spaces")));
        }
        let sha256 = hash(token);
        known.push(PodToken {
            id: sha256[..12].to_string(),
            pod: pod.to_string(),
            created_at: patchdesk_clock::rfc3339(now),
            sha256,
        });
    }
    Ok(known)
}
