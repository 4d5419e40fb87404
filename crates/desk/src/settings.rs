//! The lead's own settings, one file for the window and the CLI alike: `settings.json` in the
//! app's data folder (`PATCHDESK_DATA_DIR`, else the desktop's data folder for
//! `dev.patchdesk.app`). Keys Patchdesk does not know are kept as they were. The environment
//! wins over the file where a variable is set ([`Overrides`]).

use patchdesk_error::{Code, UserError};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The app's identifier: its data folder is named after it (as the window's runtime names it).
pub const APP_ID: &str = "dev.patchdesk.app";

/// GitHub's API root when nothing else is set.
pub const GITHUB_API: &str = "https://api.github.com";

/// Everything in `settings.json`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    /// GitHub's API root for an Enterprise Server (`PATCHDESK_GITHUB_API` wins).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub github_api: Option<String>,
    /// The organisation's OAuth app for signing in with a code (`PATCHDESK_GITHUB_CLIENT_ID` wins).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub github_client_id: Option<String>,
    /// Whether pod downloads are picked up from a folder (default: yes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub downloads_watch: Option<bool>,
    /// The folder to pick them up from (default: the desktop's download folder;
    /// `PATCHDESK_DOWNLOADS` wins).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub downloads_folder: Option<String>,
    /// Anything else in the file is kept as it was.
    #[serde(flatten)]
    pub other: serde_json::Map<String, serde_json::Value>,
}

/// What the environment sets over the settings file, read once when a front end starts and then
/// passed in as plain data (tests build it by hand).
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// `PATCHDESK_GITHUB_API`.
    pub github_api: Option<String>,
    /// `PATCHDESK_GITHUB_CLIENT_ID`.
    pub github_client_id: Option<String>,
    /// `PATCHDESK_DOWNLOADS`.
    pub downloads: Option<PathBuf>,
    /// `GITHUB_TOKEN` (scripts and CI). `None` means the sign-in kept in the system keyring.
    pub github_token: Option<String>,
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
}

impl Overrides {
    /// The overrides this process was started with.
    pub fn from_env() -> Overrides {
        Overrides {
            github_api: env("PATCHDESK_GITHUB_API"),
            github_client_id: env("PATCHDESK_GITHUB_CLIENT_ID"),
            downloads: std::env::var_os("PATCHDESK_DOWNLOADS").filter(|d| !d.is_empty()).map(PathBuf::from),
            github_token: env("GITHUB_TOKEN"),
        }
    }
}

/// The app's data folder (demo, clones, settings): `PATCHDESK_DATA_DIR` when set, else the
/// desktop's data folder for the app (where the window's runtime puts it) — the same folder for
/// the window and the CLI. A system without a home folder gets one under the temporary folder.
pub fn data_dir() -> PathBuf {
    match std::env::var_os("PATCHDESK_DATA_DIR").filter(|d| !d.is_empty()) {
        Some(d) => PathBuf::from(d),
        None => dirs::data_dir().unwrap_or_else(std::env::temp_dir).join(APP_ID),
    }
}

/// Where the settings file is.
pub fn settings_path(data_dir: &Path) -> PathBuf {
    data_dir.join("settings.json")
}

/// The settings (defaults when the file does not exist; an error when it is damaged).
pub fn read_settings(data_dir: &Path) -> Result<Settings, UserError> {
    let path = settings_path(data_dir);
    match std::fs::read(&path) {
        Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
            UserError::new(
                Code::SettingsInvalid,
                format!(
                    "The settings file {} could not be read ({e}). Fix or remove it, then try again.",
                    path.display()
                ),
            )
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Settings::default()),
        Err(e) => Err(UserError::new(Code::Io, format!("The settings file {} could not be read: {e}", path.display()))),
    }
}

/// Saves the settings all at once through [`patchdesk_disk::replace_at`] (a random temporary
/// file, fsync, then a rename; a link in the settings' place is refused).
pub fn write_settings(data_dir: &Path, s: &Settings) -> Result<(), UserError> {
    let path = settings_path(data_dir);
    let io = |e: &dyn std::fmt::Display| {
        UserError::new(Code::Io, format!("Could not save the settings in {}: {e}", path.display()))
    };
    std::fs::create_dir_all(data_dir).map_err(|e| io(&e))?;
    let text = serde_json::to_string_pretty(s).map_err(|e| UserError::new(Code::Internal, e.to_string()))?;
    patchdesk_disk::replace_at(&path, text + "\n").map_err(|e| io(&e))
}

/// Which GitHub to use and which OAuth app signs in, after the environment's say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitHubPlace {
    /// The API root.
    pub api: String,
    /// The OAuth app's client id, when one is set.
    pub client_id: Option<String>,
}

/// The GitHub the lead chose (in the window or by environment): the same answer for every
/// front end.
pub fn github_place(data_dir: &Path, overrides: &Overrides) -> Result<GitHubPlace, UserError> {
    let settings = read_settings(data_dir)?;
    Ok(GitHubPlace {
        api: overrides.github_api.clone().or(settings.github_api).unwrap_or_else(|| GITHUB_API.into()),
        client_id: overrides.github_client_id.clone().or(settings.github_client_id),
    })
}

/// Saves which GitHub to use (an Enterprise Server's address; empty for github.com) and the
/// OAuth app's client id for signing in with a code (empty to clear). Refuses an address that is
/// not https (loopback excepted) and a client id with other characters than an id has.
pub fn set_github(data_dir: &Path, server: &str, client_id: &str) -> Result<(), UserError> {
    let mut s = read_settings(data_dir)?;
    let server = server.trim().trim_end_matches('/');
    s.github_api = if server.is_empty() || server.eq_ignore_ascii_case("https://github.com") {
        None
    } else if !(server.starts_with("https://")
        || server.starts_with("http://127.0.0.1")
        || server.starts_with("http://localhost"))
    {
        return Err(UserError::new(
            Code::InputInvalid,
            format!("{server} is not a secure web address. Give the server's address starting with https://."),
        ));
    } else if server.ends_with("/api/v3") || server.contains("127.0.0.1") || server.contains("localhost") {
        Some(server.to_string())
    } else {
        Some(format!("{server}/api/v3"))
    };
    let id = client_id.trim();
    if !id.is_empty() && !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'_' || b == b'-') {
        return Err(UserError::new(Code::InputInvalid, "That does not look like an OAuth app's client id (letters, digits, dots and dashes). Copy it again from the app's page on GitHub."));
    }
    s.github_client_id = (!id.is_empty()).then(|| id.to_string());
    write_settings(data_dir, &s)
}

/// The tabs the window has (anything else in the settings file is ignored).
const TABS: [&str; 3] = ["inbox", "board", "numbers"];
/// The key in `settings.json` for the window's last tab.
const TAB_KEY: &str = "window_tab";

/// The tab the window showed last, when one was remembered (and is still a tab).
pub fn window_tab(data_dir: &Path) -> Option<String> {
    let settings = read_settings(data_dir).ok()?;
    settings.other.get(TAB_KEY)?.as_str().filter(|t| TABS.contains(t)).map(str::to_string)
}

/// Remembers `tab` (`inbox`, `board` or `numbers`) as the one to show at the next start.
pub fn remember_tab(data_dir: &Path, tab: &str) -> Result<(), UserError> {
    if !TABS.contains(&tab) {
        return Err(UserError::new(
            Code::InputInvalid,
            format!("The window has no tab called {tab:?}; choose Inbox, Board or Numbers."),
        ));
    }
    let mut settings = read_settings(data_dir)?;
    if settings.other.get(TAB_KEY).and_then(|t| t.as_str()) == Some(tab) {
        return Ok(());
    }
    settings.other.insert(TAB_KEY.to_string(), tab.into());
    write_settings(data_dir, &settings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_tab_is_remembered_beside_the_other_settings() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(window_tab(dir.path()), None);
        set_github(dir.path(), "https://ghe.example.org", "").unwrap();
        remember_tab(dir.path(), "board").unwrap();
        assert_eq!(window_tab(dir.path()).as_deref(), Some("board"));
        assert_eq!(read_settings(dir.path()).unwrap().github_api.as_deref(), Some("https://ghe.example.org/api/v3"));
        let e = remember_tab(dir.path(), "secrets").unwrap_err();
        assert_eq!(e.code, Code::InputInvalid);
        assert_eq!(window_tab(dir.path()).as_deref(), Some("board"));
    }

    /// A damaged settings file says so, not "check that the disk isn't full".
    #[test]
    fn a_damaged_settings_file_is_settings_invalid() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(settings_path(dir.path()), "{ not json").unwrap();
        let e = read_settings(dir.path()).unwrap_err();
        assert_eq!(e.code, Code::SettingsInvalid, "{}", e.message);
        assert!(e.message.contains("settings.json"), "{}", e.message);
    }

    #[test]
    fn unknown_keys_are_kept_and_the_environment_wins() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(settings_path(dir.path()), r#"{"theme":"dark","github_client_id":"Iv1.file"}"#).unwrap();
        set_github(dir.path(), "https://ghe.example.org/", "Iv1.abc").unwrap();
        let s = read_settings(dir.path()).unwrap();
        assert_eq!(s.github_api.as_deref(), Some("https://ghe.example.org/api/v3"));
        assert_eq!(s.other.get("theme").and_then(|v| v.as_str()), Some("dark"));
        let place = github_place(dir.path(), &Overrides::default()).unwrap();
        assert_eq!(
            place,
            GitHubPlace { api: "https://ghe.example.org/api/v3".into(), client_id: Some("Iv1.abc".into()) }
        );
        let env = Overrides { github_api: Some("http://127.0.0.1:9".into()), ..Overrides::default() };
        assert_eq!(github_place(dir.path(), &env).unwrap().api, "http://127.0.0.1:9");
    }

    #[test]
    fn an_insecure_server_or_a_strange_client_id_is_refused_and_nothing_saved() {
        let dir = tempfile::tempdir().unwrap();
        let e = set_github(dir.path(), "http://ghe.example.org", "").unwrap_err();
        assert_eq!(e.code, Code::InputInvalid);
        assert!(set_github(dir.path(), "", "Iv1 abc;").is_err());
        assert!(!settings_path(dir.path()).exists());
        // github.com itself clears the setting.
        set_github(dir.path(), "https://GitHub.com/", "").unwrap();
        assert_eq!(read_settings(dir.path()).unwrap(), Settings::default());
    }

    #[test]
    fn a_damaged_file_is_an_error_that_names_it() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(settings_path(dir.path()), "{not json").unwrap();
        let e = read_settings(dir.path()).unwrap_err();
        assert!(e.message.contains("settings.json") && e.message.contains("Fix or remove it"), "{}", e.message);
    }

    /// The old writer wrote through whatever sat at `settings.json.tmp`; the one atomic writer
    /// uses a fresh random name and never follows a link.
    #[test]
    fn saving_never_writes_through_a_link_beside_the_settings() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let victim = outside.path().join("victim");
        std::fs::write(&victim, "keep\n").unwrap();
        std::os::unix::fs::symlink(&victim, dir.path().join("settings.json.tmp")).unwrap();
        set_github(dir.path(), "https://ghe.example.org/", "Iv1.abc").unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep\n");
        assert_eq!(read_settings(dir.path()).unwrap().github_client_id.as_deref(), Some("Iv1.abc"));
        // A link in the settings' own place is refused and left alone.
        std::fs::remove_file(settings_path(dir.path())).unwrap();
        std::os::unix::fs::symlink(&victim, settings_path(dir.path())).unwrap();
        let e = write_settings(dir.path(), &Settings::default()).unwrap_err();
        assert_eq!(e.code, Code::Io, "{}", e.message);
        assert!(e.message.contains("settings.json"), "{}", e.message);
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep\n");
    }
}
