//! Native file dialogs, opened from Rust so the backend knows what the person chose: the answer
//! is remembered (see `grants`) and only then handed to the window, which may pass it on to
//! `open_project`, `import_files` or `set_downloads_watch`.

use crate::state::AppState;
use patchdesk_error::{Code, UserError};
use serde::Deserialize;
use std::path::PathBuf;
use tauri::{AppHandle, Manager};
use tauri_plugin_dialog::DialogExt;

/// What the person is asked to choose.
#[derive(Debug, Clone, Copy, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum Choosing {
    /// A project folder to open.
    ProjectFolder,
    /// Files a pod handed out, for the inbox.
    PodFiles,
    /// The folder to watch for pod downloads.
    WatchFolder,
}

/// Opens the native dialog for `what` and returns the chosen paths (empty when cancelled).
/// The backend remembers them, so the window may then name them in other commands.
#[tauri::command]
#[specta::specta]
pub async fn choose_paths(app: AppHandle, what: Choosing) -> Result<Vec<String>, UserError> {
    let dialog_app = app.clone();
    let chosen = tauri::async_runtime::spawn_blocking(move || {
        let mut dialog = dialog_app.dialog().file();
        if let Some(window) = dialog_app.get_webview_window("main") {
            dialog = dialog.set_parent(&window);
        }
        let picked: Vec<tauri_plugin_dialog::FilePath> = match what {
            Choosing::ProjectFolder => {
                dialog.set_title("Open a project folder").blocking_pick_folder().into_iter().collect()
            }
            Choosing::WatchFolder => {
                dialog.set_title("Watch this folder for pod downloads").blocking_pick_folder().into_iter().collect()
            }
            Choosing::PodFiles => dialog
                .set_title("Add files from a pod")
                .add_filter("Pod downloads", &["diff", "patch", "zip", "json", "md", "yaml", "yml", "txt"])
                .blocking_pick_files()
                .unwrap_or_default(),
        };
        picked.into_iter().filter_map(|p| p.into_path().ok()).collect::<Vec<PathBuf>>()
    })
    .await
    .map_err(|e| UserError::new(Code::Internal, format!("The file dialog stopped unexpectedly: {e}")))?;
    let state = app.state::<AppState>();
    Ok(state.grant(&chosen).into_iter().map(|p| p.display().to_string()).collect())
}
