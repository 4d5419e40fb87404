//! Pod downloads picked up from the Downloads folder: a background watch adds what is named
//! like a pod's download to the open project's inbox as it lands, and tells the window
//! (`DownloadsArrived`). Other patches and ZIPs are only listed ("Seen in Downloads",
//! [`seen_downloads`]) and added on the lead's click ([`add_seen_download`]).

use crate::events::DownloadsArrived;
use crate::state::AppState;
use crate::settings::{read_settings, write_settings};
use patchdesk_error::{Code, UserError};
use patchdesk_intake::{downloads_folder, DownloadsWatch, ImportReport, SeenFile};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
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
        a_folder(f)?;
    }
    settings.downloads_watch = Some(on);
    if on {
        settings.downloads_folder = folder;
    }
    write_settings(state.data_dir(), &settings)?;
    Ok(watched(state.data_dir()).map(|p| p.display().to_string()))
}

/// Refuses a chosen Downloads folder that is not a folder (a file, or nothing at all).
fn a_folder(f: &str) -> Result<(), UserError> {
    if Path::new(f).is_dir() {
        return Ok(());
    }
    Err(UserError::new(Code::InputInvalid, format!("{f} is not a folder on this computer. Choose a folder that exists.")))
}

/// The running watch, shared by the background scan and the "Seen in Downloads" commands.
#[derive(Default)]
pub struct Watching(Mutex<Option<DownloadsWatch>>);

impl Watching {
    fn lock(&self) -> std::sync::MutexGuard<'_, Option<DownloadsWatch>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Files in the watched folder that look like patches or ZIPs but are not named like a pod's
/// download: listed for the lead, never added by themselves.
#[tauri::command]
#[specta::specta]
pub fn seen_downloads(watching: State<'_, Watching>) -> Vec<SeenFile> {
    watching.lock().as_ref().map(DownloadsWatch::seen).unwrap_or_default()
}

/// "Add to inbox" on a seen file: only a name on the list is accepted (never a path from the
/// window), and it is read like any drop.
#[tauri::command]
#[specta::specta]
pub fn add_seen_download(app: AppHandle, state: State<'_, AppState>, watching: State<'_, Watching>, name: String) -> Result<ImportReport, UserError> {
    let (path, folder) = {
        let mut watch = watching.lock();
        let folder = watch.as_ref().map(|w| w.dir().display().to_string()).unwrap_or_default();
        (watch.as_mut().and_then(|w| w.take_seen(&name)), folder)
    };
    let Some(path) = path else {
        return Err(UserError::new(
            Code::ItemNotFound,
            format!("\"{name}\" is no longer in the Downloads list; drop the file on the inbox instead."),
        ));
    };
    let report = state.with_project(|p| Ok(p.import_paths(&[path])?))?;
    let left: Vec<String> = watching.lock().as_ref().map(DownloadsWatch::seen).unwrap_or_default().into_iter().map(|f| f.name).collect();
    let _ = DownloadsArrived { folder: folder.clone(), files: left, report: None, error: None }.emit(&app);
    // Told like any download: the window shows what happened and lists the new item.
    let _ = DownloadsArrived { folder, files: vec![name], report: Some(report.clone()), error: None }.emit(&app);
    Ok(report)
}

/// Starts the watch on a background thread for as long as the app runs. It follows the
/// settings: a new folder is watched from the moment it is chosen.
pub fn start(app: &AppHandle) {
    let app = app.clone();
    let data_dir = app.state::<AppState>().data_dir().to_path_buf();
    let _ = app.manage(Watching::default());
    let _ = std::thread::Builder::new().name("patchdesk-downloads".into()).spawn(move || {
        // Logs that matched no patch yet, with the scans left to wait for it.
        let mut waiting: Vec<(PathBuf, u32)> = Vec::new();
        // The seen list as last told to the window.
        let mut last_seen: Vec<SeenFile> = Vec::new();
        loop {
            std::thread::sleep(EVERY);
            let watching = app.state::<Watching>();
            let Some(dir) = watched(&data_dir) else {
                *watching.lock() = None;
                if !last_seen.is_empty() {
                    last_seen.clear();
                    let _ = DownloadsArrived { folder: String::new(), files: Vec::new(), report: None, error: None }.emit(&app);
                }
                continue;
            };
            let (fresh, seen) = {
                let mut watch = watching.lock();
                if watch.as_ref().map(|w| w.dir()) != Some(dir.as_path()) {
                    *watch = Some(DownloadsWatch::new(&dir, SystemTime::now()));
                    waiting.clear();
                }
                let fresh = watch.as_mut().map(DownloadsWatch::scan).unwrap_or_default();
                (fresh, watch.as_ref().map(DownloadsWatch::seen).unwrap_or_default())
            };
            // The "Seen in Downloads" list changed: the window is told the names (no report:
            // nothing was added), so it never has to ask at start.
            if seen != last_seen {
                let files = seen.iter().map(|f| f.name.clone()).collect();
                let _ = DownloadsArrived { folder: dir.display().to_string(), files, report: None, error: None }.emit(&app);
                last_seen = seen;
            }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A Downloads folder that is not a folder is a wrong choice, not a full disk.
    #[test]
    fn a_downloads_folder_that_is_not_a_folder_is_input_invalid() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("notes.txt");
        std::fs::write(&file, "x").unwrap();
        for f in [file, dir.path().join("missing")] {
            let e = a_folder(&f.display().to_string()).unwrap_err();
            assert_eq!(e.code, Code::InputInvalid, "{}", e.message);
            assert!(e.message.contains("is not a folder"), "{}", e.message);
        }
        assert!(a_folder(&dir.path().display().to_string()).is_ok());
    }
}
