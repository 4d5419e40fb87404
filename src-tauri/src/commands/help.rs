//! Help: the log folder, opened in the person's file manager (what to send when something
//! went wrong).

use patchdesk_error::{Code, UserError};
use tauri::AppHandle;
use tauri_plugin_opener::OpenerExt;

/// Opens the folder with Patchdesk's log files in the file manager; returns where it is.
#[tauri::command]
#[specta::specta]
pub fn open_log_folder(app: AppHandle) -> Result<String, UserError> {
    let dir = crate::log::folder(&app)?;
    let shown = dir.display().to_string();
    std::fs::create_dir_all(&dir).map_err(|e| UserError::new(Code::Io, format!("The log folder {shown} could not be made: {e}")))?;
    app.opener().open_path(shown.clone(), None::<&str>).map_err(|_| {
        UserError::new(Code::NotOpened, format!("Patchdesk could not open the log folder {shown}. Open it yourself in your file manager."))
    })?;
    Ok(shown)
}
