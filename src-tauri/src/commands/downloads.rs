//! Pod downloads picked up from the Downloads folder: a background watch adds what pods hand
//! out to the open project's inbox as it lands, and tells the window (`DownloadsArrived`).

use crate::events::DownloadsArrived;
use crate::state::AppState;
use patchdesk_intake::{downloads_folder, DownloadsWatch};
use std::path::PathBuf;
use std::time::{Duration, SystemTime};
use tauri::{AppHandle, Manager, State};
use tauri_specta::Event;

/// How often the folder is looked at.
const EVERY: Duration = Duration::from_millis(1500);
/// A log or sidecar that arrived before its patch is tried again for this many scans.
const LOG_RETRIES: u32 = 20;

/// The folder watched for pod downloads, if there is one.
#[tauri::command]
#[specta::specta]
pub fn watched_folder() -> Option<String> {
    downloads_folder().map(|p| p.display().to_string())
}

/// Starts the watch on a background thread for as long as the app runs.
pub fn start(app: &AppHandle) {
    let Some(dir) = downloads_folder() else { return };
    let app = app.clone();
    let _ = std::thread::Builder::new().name("patchdesk-downloads".into()).spawn(move || {
        let mut watch = DownloadsWatch::new(&dir, SystemTime::now());
        // Logs that matched no patch yet, with the scans left to wait for it.
        let mut waiting: Vec<(PathBuf, u32)> = Vec::new();
        loop {
            std::thread::sleep(EVERY);
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
