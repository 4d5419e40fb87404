//! The app's own settings, kept in `settings.json` in its data folder. Keys the app does not
//! know are kept as they were. The environment wins over the file where a variable exists.

use patchdesk_error::{Code, UserError};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Everything in `settings.json`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
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

/// Where the settings file is.
pub fn settings_path(data_dir: &Path) -> PathBuf {
    data_dir.join("settings.json")
}

/// The settings (defaults when the file does not exist; an error when it is damaged).
pub fn read_settings(data_dir: &Path) -> Result<Settings, UserError> {
    let path = settings_path(data_dir);
    match std::fs::read(&path) {
        Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
            UserError::new(Code::SettingsInvalid, format!("The settings file {} could not be read ({e}). Fix or remove it, then try again.", path.display()))
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Settings::default()),
        Err(e) => Err(UserError::new(Code::Io, format!("The settings file {} could not be read: {e}", path.display()))),
    }
}

/// Saves the settings all at once (a temporary file, then a rename).
pub fn write_settings(data_dir: &Path, s: &Settings) -> Result<(), UserError> {
    let path = settings_path(data_dir);
    let io = |e: std::io::Error| UserError::new(Code::Io, format!("Could not save the settings in {}: {e}", path.display()));
    std::fs::create_dir_all(data_dir).map_err(io)?;
    let tmp = path.with_extension("json.tmp");
    let text = serde_json::to_string_pretty(s).map_err(|e| UserError::new(Code::Internal, e.to_string()))?;
    std::fs::write(&tmp, text + "\n").map_err(io)?;
    std::fs::rename(&tmp, &path).map_err(io)
}


#[cfg(test)]
mod tests {
    use super::*;

    /// A damaged settings file says so, not "check that the disk isn't full".
    #[test]
    fn a_damaged_settings_file_is_settings_invalid() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(settings_path(dir.path()), "{ not json").unwrap();
        let e = read_settings(dir.path()).unwrap_err();
        assert_eq!(e.code, Code::SettingsInvalid, "{}", e.message);
        assert!(e.message.contains("settings.json"), "{}", e.message);
        // A missing file is the defaults, and what is saved reads back.
        let empty = tempfile::tempdir().unwrap();
        assert!(read_settings(empty.path()).unwrap().github_api.is_none());
        let s = Settings { github_api: Some("https://ghe.example.org/api/v3".into()), ..Settings::default() };
        write_settings(empty.path(), &s).unwrap();
        assert_eq!(read_settings(empty.path()).unwrap().github_api, s.github_api);
    }
}
