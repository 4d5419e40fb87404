//! Pod downloads picked up from the Downloads folder: a background watch adds what pods hand
//! out to the open project's inbox as it lands, and tells the window (`DownloadsArrived`).

use crate::events::DownloadsArrived;
use crate::state::AppState;
use crate::settings::{read_settings, write_settings};
use patchdesk_error::{Code, UserError};
use patchdesk_intake::{downloads_folder, DownloadsWatch};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};
use tauri::{AppHandle, Manager, State};
use tauri_specta::Event;

/// How often the folder is looked at.
const EVERY: Duration = Duration::from_millis(1500);
/// A log or sidecar that arrived before its patch is tried again for this many scans.
const LOG_RETRIES: u32 = 20;

/// The folder to watch: `PATCHDESK_DOWNLOADS` when set; else none when the lead turned the
/// watch off; else the chosen folder, or the desktop's download folder.
fn watched(data_dir: &Path) -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("PATCHDESK_DOWNLOADS").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(d));
    }
    let settings = read_settings(data_dir).unwrap_or_default();
    if settings.downloads_watch == Some(false) {
        return None;
    }
    settings.downloads_folder.map(PathBuf::from).or_else(downloads_folder)
}

/// The folder watched for pod downloads, if the watch is on.
#[tauri::command]
#[specta::specta]
pub fn watched_folder(state: State<'_, AppState>) -> Option<String> {
    watched(state.data_dir()).map(|p| p.display().to_string())
}

/// Turns the watch on (for `folder`, or the download folder when none is given) or off.
/// Returns the folder now watched.
#[tauri::command]
#[specta::specta]
pub fn set_downloads_watch(state: State<'_, AppState>, on: bool, folder: Option<String>) -> Result<Option<String>, UserError> {
    let mut settings = read_settings(state.data_dir())?;
    let folder = folder.map(|f| f.trim().to_string()).filter(|f| !f.is_empty());
    if let Some(f) = &folder {
        state.allowed_path(f, None)?;
        if !Path::new(f).is_dir() {
            return Err(UserError::new(Code::Io, format!("{f} is not a folder on this computer. Choose a folder that exists.")));
        }
    }
    settings.downloads_watch = Some(on);
    if on {
        settings.downloads_folder = folder;
    }
    write_settings(state.data_dir(), &settings)?;
    Ok(watched(state.data_dir()).map(|p| p.display().to_string()))
}

/// Starts the watch on a background thread for as long as the app runs. It follows the
/// settings: a new folder is watched from the moment it is chosen.
pub fn start(app: &AppHandle) {
    let app = app.clone();
    let data_dir = app.state::<AppState>().data_dir().to_path_buf();
    let _ = std::thread::Builder::new().name("patchdesk-downloads".into()).spawn(move || {
        let mut watch: Option<DownloadsWatch> = None;
        // Logs that matched no patch yet, with the scans left to wait for it.
        let mut waiting: Vec<(PathBuf, u32)> = Vec::new();
        loop {
            std::thread::sleep(EVERY);
            let Some(dir) = watched(&data_dir) else {
                watch = None;
                continue;
            };
            if watch.as_ref().map(|w| w.dir()) != Some(dir.as_path()) {
                watch = Some(DownloadsWatch::new(&dir, SystemTime::now()));
                waiting.clear();
            }
            let Some(watch) = watch.as_mut() else { continue };
            let fresh = watch.scan();
            if fresh.is_empty() && waiting.is_empty() {
                continue;
            }
            let mut files = fresh.clone();
            files.extend(waiting.iter().map(|(p, _)| p.clone()).filter(|p| p.exists() && !fresh.contains(p)));
            let state: State<'_, AppState> = app.state();
            let result = state.with_project(|p| Ok(p.import_paths(&files)?));
            let (report, error) = match result {
                Ok(r) => (Some(r), None),
                Err(e) => (None, Some(e)),
            };
            // Unmatched logs wait a little for their patch; everything else is settled.
            let unmatched: Vec<PathBuf> = report
                .as_ref()
                .map(|r| r.unmatched.iter().map(|u| dir.join(&u.file_name)).collect())
                .unwrap_or_default();
            let mut next = Vec::new();
            for path in &unmatched {
                let left = waiting.iter().find(|(p, _)| p == path).map_or(LOG_RETRIES, |(_, n)| *n);
                if left > 1 {
                    next.push((path.clone(), left - 1));
                }
            }
            let still_waiting = !next.is_empty();
            waiting = next;
            let worth_telling = error.is_some()
                || report.as_ref().is_some_and(|r| !r.imported.is_empty() || !r.attached.is_empty() || !r.refused.is_empty() || (!still_waiting && !r.unmatched.is_empty()));
            if worth_telling {
                let files: Vec<String> = files.iter().filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned())).collect();
                notify(&app, report.as_ref(), error.as_ref(), &files);
                let _ = DownloadsArrived { folder: dir.display().to_string(), files, report, error }.emit(&app);
            }
        }
    });
}

/// A desktop notification, so the lead notices new pod output while working elsewhere. A
/// desktop without a notification service simply shows none (the window still has its toast).
fn notify(app: &AppHandle, report: Option<&patchdesk_intake::ImportReport>, error: Option<&patchdesk_error::UserError>, files: &[String]) {
    use tauri_plugin_notification::NotificationExt;
    let (title, body) = match (report, error) {
        (_, Some(e)) => ("Patchdesk could not add a download".to_string(), format!("{}: {}", files.join(", "), e.message)),
        (Some(r), None) if !r.imported.is_empty() => {
            let first = &r.imported[0];
            let what = first.summary.clone().unwrap_or_else(|| first.file_name.clone());
            let more = if r.imported.len() > 1 { format!(" and {} more", r.imported.len() - 1) } else { String::new() };
            ("New from a pod, ready to review".to_string(), format!("{what}{more}"))
        }
        (Some(r), None) if !r.attached.is_empty() => ("Pod logs added".to_string(), format!("{} attached to their patch", files.join(", "))),
        _ => return,
    };
    let _ = app.notification().builder().title(title).body(body).show();
}
