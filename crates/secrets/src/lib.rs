//! GitHub tokens live only in the OS keyring.
//!
//! On Linux this is the Secret Service (gnome-keyring, KWallet) reached over D-Bus. There is
//! deliberately no fallback: when no Secret Service answers, every call fails with
//! [`Code::KeyringUnavailable`] and a sentence saying what to install or start. A token is
//! never written to a file by this crate.
//!
//! Naming: one keyring item per host and user. The item's service is
//! `<prefix>:<host>` (for example `patchdesk:github.com`) and its account is the login, both
//! lower-cased because GitHub treats host names and logins case-insensitively.

use std::fmt;

use keyring::secret_service::SsCredential;
use keyring::Entry;
use patchdesk_error::{Code, Coded};

/// A token read from the keyring. `Debug` and `Display` print a placeholder; the value is
/// reachable only through [`Secret::expose`], so it cannot slip into a log line by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a value (for example a token the user just pasted).
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The value itself. Call this only where the token is handed to git or an HTTP client.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<hidden>)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<hidden>")
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        // Best effort: overwrite the bytes before the allocation is freed.
        let mut bytes = std::mem::take(&mut self.0).into_bytes();
        bytes.iter_mut().for_each(|b| *b = 0);
        std::hint::black_box(&bytes);
    }
}

/// What can go wrong with the keyring. Messages never contain the token.
#[derive(Debug, thiserror::Error)]
pub enum SecretsError {
    /// No Secret Service answered, or it refused access (locked, no session).
    #[error(
        "Patchdesk keeps your GitHub sign-in only in the system keyring, and no keyring is \
         available right now ({detail}). Sign in to a desktop session with a keyring \
         (GNOME Keyring or KWallet) and make sure it is unlocked; on a server or in CI install \
         gnome-keyring and dbus and start them (scripts/with-keyring.sh does this)."
    )]
    KeyringUnavailable {
        /// What the keyring library reported.
        detail: String,
    },
    /// The host or user name cannot name a keyring item.
    #[error("cannot name a keyring entry: {0}")]
    InvalidName(String),
    /// The keyring answered, but with something unexpected (several matching items,
    /// a value that is not text).
    #[error("the system keyring gave an unexpected answer for {what}: {detail}")]
    Unexpected {
        /// Which entry (service and account, never the value).
        what: String,
        /// What the keyring library reported.
        detail: String,
    },
}

impl Coded for SecretsError {
    fn code(&self) -> Code {
        match self {
            SecretsError::KeyringUnavailable { .. } => Code::KeyringUnavailable,
            SecretsError::InvalidName(_) | SecretsError::Unexpected { .. } => Code::Internal,
        }
    }
}

/// Stores, reads and deletes tokens in the Secret Service under one service prefix.
#[derive(Debug, Clone)]
pub struct TokenStore {
    prefix: String,
}

impl TokenStore {
    /// A store whose items are named `<service_prefix>:<host>`; the app uses `"patchdesk"`,
    /// tests use a unique prefix so they never touch a real sign-in.
    pub fn new(service_prefix: impl Into<String>) -> Self {
        TokenStore { prefix: service_prefix.into() }
    }

    /// The keyring service name used for `host` (for example `patchdesk:github.com`).
    pub fn service_name(&self, host: &str) -> Result<String, SecretsError> {
        let host = clean_name("host", host)?;
        Ok(format!("{}:{}", self.prefix, host))
    }

    /// Checks that a Secret Service answers, without storing anything.
    pub fn probe(&self) -> Result<(), SecretsError> {
        self.read("probe.invalid", "patchdesk-probe").map(|_| ())
    }

    /// Stores `token` for `user` on `host`, replacing any earlier one.
    pub fn store(&self, host: &str, user: &str, token: &Secret) -> Result<(), SecretsError> {
        if token.expose().is_empty() {
            return Err(SecretsError::InvalidName("the token is empty".into()));
        }
        let (entry, what) = self.entry(host, user)?;
        entry.set_password(token.expose()).map_err(|e| classify(e, &what))
    }

    /// The token for `user` on `host`, or `None` when none is stored.
    pub fn read(&self, host: &str, user: &str) -> Result<Option<Secret>, SecretsError> {
        let (entry, what) = self.entry(host, user)?;
        match entry.get_password() {
            Ok(value) => Ok(Some(Secret(value))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(classify(e, &what)),
        }
    }

    /// Deletes the token for `user` on `host`. Returns whether there was one.
    pub fn delete(&self, host: &str, user: &str) -> Result<bool, SecretsError> {
        let (entry, what) = self.entry(host, user)?;
        match entry.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring::Error::NoEntry) => Ok(false),
            Err(e) => Err(classify(e, &what)),
        }
    }

    fn entry(&self, host: &str, user: &str) -> Result<(Entry, String), SecretsError> {
        let service = self.service_name(host)?;
        let account = clean_name("user", user)?;
        let what = format!("{account} on {service}");
        // Built explicitly on the Secret Service credential: never the library's default
        // store, which silently becomes an in-memory mock when features are missing.
        let credential = SsCredential::new_with_target(None, &service, &account).map_err(|e| classify(e, &what))?;
        Ok((Entry::new_with_credential(Box::new(credential)), what))
    }
}

fn clean_name(kind: &str, value: &str) -> Result<String, SecretsError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(SecretsError::InvalidName(format!("the {kind} name is empty")));
    }
    if value.len() > 255 {
        return Err(SecretsError::InvalidName(format!("the {kind} name is longer than 255 characters")));
    }
    if value.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(SecretsError::InvalidName(format!(
            "the {kind} name {value:?} contains spaces or control characters"
        )));
    }
    Ok(value.to_lowercase())
}

fn classify(err: keyring::Error, what: &str) -> SecretsError {
    match err {
        keyring::Error::PlatformFailure(e) | keyring::Error::NoStorageAccess(e) => {
            SecretsError::KeyringUnavailable { detail: e.to_string() }
        }
        keyring::Error::BadEncoding(_) => {
            SecretsError::Unexpected { what: what.to_string(), detail: "the stored value is not text".into() }
        }
        other => SecretsError::Unexpected { what: what.to_string(), detail: other.to_string() },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_formatting_hides_the_value() {
        let s = Secret::new("fake-pat-abcdef123456");
        assert_eq!(format!("{s:?}"), "Secret(<hidden>)");
        assert_eq!(format!("{s}"), "<hidden>");
        assert_eq!(format!("{:?}", Some(s.clone())), "Some(Secret(<hidden>))");
        assert_eq!(s.expose(), "fake-pat-abcdef123456");
    }

    #[test]
    fn names_are_per_host_and_lower_case() {
        let store = TokenStore::new("patchdesk");
        assert_eq!(store.service_name("GitHub.com").unwrap(), "patchdesk:github.com");
        assert_eq!(store.service_name("ghe.example.org").unwrap(), "patchdesk:ghe.example.org");
    }

    #[test]
    fn bad_names_are_refused_before_touching_the_keyring() {
        let store = TokenStore::new("patchdesk");
        for (host, user) in [("", "octo"), ("github.com", ""), ("git hub", "octo"), ("github.com", "a\nb")] {
            let err = store.read(host, user).unwrap_err();
            assert!(matches!(err, SecretsError::InvalidName(_)), "{host:?} {user:?}: {err}");
        }
        let err = store.store("github.com", "octo", &Secret::new("")).unwrap_err();
        assert!(matches!(err, SecretsError::InvalidName(_)));
    }

    #[test]
    fn unavailable_keyring_message_says_what_to_do() {
        let err = SecretsError::KeyringUnavailable { detail: "no D-Bus session".into() };
        assert_eq!(err.code(), Code::KeyringUnavailable);
        let text = err.to_string();
        assert!(text.contains("gnome-keyring") && text.contains("no D-Bus session"), "{text}");
    }
}
