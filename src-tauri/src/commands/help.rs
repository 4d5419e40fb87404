//! Help: the log folder, opened in the person's file manager (what to send when something
//! went wrong); About (the version); Report a problem (what to paste into a message).

use patchdesk_error::{Code, UserError};
use tauri::AppHandle;
use tauri_plugin_opener::OpenerExt;

/// Opens the folder with Patchdesk's log files in the file manager; returns where it is.
#[tauri::command]
#[specta::specta]
pub fn open_log_folder(app: AppHandle) -> Result<String, UserError> {
    let dir = crate::log::folder(&app)?;
    let shown = dir.display().to_string();
    std::fs::create_dir_all(&dir)
        .map_err(|e| UserError::new(Code::Io, format!("The log folder {shown} could not be made: {e}")))?;
    app.opener().open_path(shown.clone(), None::<&str>).map_err(|_| {
        UserError::new(
            Code::NotOpened,
            format!("Patchdesk could not open the log folder {shown}. Open it yourself in your file manager."),
        )
    })?;
    Ok(shown)
}

/// What "About Patchdesk" shows.
#[derive(Debug, Clone, serde::Serialize, specta::Type)]
pub struct About {
    pub version: String,
    /// The operating system and processor, and the system's own name for itself when known.
    pub platform: String,
}

/// The version and the platform, for "About Patchdesk".
#[tauri::command]
#[specta::specta]
pub fn about_patchdesk(app: AppHandle) -> About {
    About { version: app.package_info().version.to_string(), platform: platform() }
}

/// The text "Report a problem" puts on the clipboard: the version, the platform and the last
/// lines of the log, without any line that looks like it carries a token.
#[tauri::command]
#[specta::specta]
pub fn problem_report(app: AppHandle) -> Result<String, UserError> {
    let dir = crate::log::folder(&app)?;
    Ok(crate::log::problem_report(&dir, &app.package_info().version.to_string(), &platform()))
}

/// "Debian GNU/Linux 12 (bookworm), linux x86_64".
fn platform() -> String {
    let os = format!("{} {}", std::env::consts::OS, std::env::consts::ARCH);
    let release = std::fs::read_to_string("/etc/os-release").ok().and_then(|t| {
        t.lines()
            .find_map(|l| l.strip_prefix("PRETTY_NAME="))
            .map(|n| n.trim_matches('"').chars().take(80).collect::<String>())
    });
    match release {
        Some(name) if !name.is_empty() => format!("{name}, {os}"),
        _ => os,
    }
}
