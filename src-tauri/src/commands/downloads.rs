//! Pod downloads picked up from the Downloads folder: a background watch adds what is named
//! like a pod's download to the open project's inbox as it lands, and tells the window
//! (`DownloadsArrived`). Other patches and ZIPs are only listed ("Seen in Downloads",
//! [`seen_downloads`]) and added on the lead's click ([`add_seen_download`]).

use crate::events::DownloadsArrived;
use crate::state::AppState;
use patchdesk_desk::background::Rounds;
use patchdesk_desk::downloads::{self, Pickup};
use patchdesk_desk::{inbox, ImportReport, SeenFile};
use patchdesk_error::{Code, UserError};
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::SystemTime;
use tauri::{AppHandle, Manager, State};
use tauri_specta::Event;

/// The folder watched for pod downloads, if the watch is on.
#[tauri::command]
#[specta::specta]
pub fn watched_folder(state: State<'_, AppState>) -> Option<String> {
    downloads::watched(state.desk()).map(|p| p.display().to_string())
}

/// Turns the watch on (for `folder`, or the download folder when none is given) or off.
/// Returns the folder now watched. `folder` must be one the person chose.
#[tauri::command]
#[specta::specta]
pub fn set_downloads_watch(
    state: State<'_, AppState>,
    on: bool,
    folder: Option<String>,
) -> Result<Option<String>, UserError> {
    let folder = folder.map(|f| f.trim().to_string()).filter(|f| !f.is_empty());
    if let Some(f) = &folder {
        state.allowed_path(f, None)?;
    }
    Ok(downloads::set_watch(state.desk(), on, folder.as_deref())?.map(|p| p.display().to_string()))
}

/// The running pickup, shared by the background rounds and the "Seen in Downloads" commands.
pub struct Watching(Mutex<Pickup>);

impl Watching {
    fn lock(&self) -> std::sync::MutexGuard<'_, Pickup> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Files in the watched folder that look like patches or ZIPs but are not named like a pod's
/// download: listed for the lead, never added by themselves.
#[tauri::command]
#[specta::specta]
pub fn seen_downloads(watching: State<'_, Watching>) -> Vec<SeenFile> {
    watching.lock().seen()
}

/// "Add to inbox" on a seen file: only a name on the list is accepted (never a path from the
/// window), and it is read like any drop.
#[tauri::command]
#[specta::specta]
pub fn add_seen_download(
    app: AppHandle,
    state: State<'_, AppState>,
    watching: State<'_, Watching>,
    name: String,
) -> Result<ImportReport, UserError> {
    let (path, folder) = {
        let mut pickup = watching.lock();
        let folder = pickup.folder().map(|d| d.display().to_string()).unwrap_or_default();
        (pickup.take_seen(&name), folder)
    };
    let Some(path) = path else {
        return Err(UserError::new(
            Code::ItemNotFound,
            format!("\"{name}\" is no longer in the Downloads list; drop the file on the inbox instead."),
        ));
    };
    let report = state.with_project(|p| inbox::import(p, &[path]))?;
    let left: Vec<String> = watching.lock().seen().into_iter().map(|f| f.name).collect();
    let _ = DownloadsArrived { folder: folder.clone(), files: left, report: None, error: None }.emit(&app);
    // Told like any download: the window shows what happened and lists the new item.
    let _ = DownloadsArrived { folder, files: vec![name], report: Some(report.clone()), error: None }.emit(&app);
    Ok(report)
}

/// The background pickup, kept for as long as the app runs.
pub struct PickingUp(#[allow(dead_code)] Rounds);

/// Starts the pickup rounds for as long as the app runs. They follow the settings: a new
/// folder is watched from the moment it is chosen. Each round's news goes to the window
/// (`DownloadsArrived`) and, for files taken, to the desktop's notifications.
pub fn start(app: &AppHandle) {
    // Files landing from now on are the pods', even before the first round looks.
    let _ = app.manage(Watching(Mutex::new(Pickup::starting(SystemTime::now()))));
    let round_app = app.clone();
    let round = move || {
        let app = &round_app;
        let state = app.state::<AppState>();
        let watching = app.state::<Watching>();
        let folder: Option<PathBuf> = downloads::watched(state.desk());
        let news = Pickup::round(&watching.0, folder, SystemTime::now(), |files| {
            state.with_project(|p| inbox::import(p, files))
        });
        for arrived in news {
            if arrived.report.is_some() || arrived.error.is_some() {
                notify(app, arrived.report.as_ref(), arrived.error.as_ref(), &arrived.files);
            }
            let _ = DownloadsArrived::from(arrived).emit(app);
        }
    };
    if let Ok(rounds) = Rounds::start("patchdesk-downloads", downloads::EVERY, round) {
        app.manage(PickingUp(rounds));
    }
}

/// A desktop notification, so the lead notices new pod output while working elsewhere. A
/// desktop without a notification service simply shows none (the window still has its toast).
fn notify(app: &AppHandle, report: Option<&ImportReport>, error: Option<&UserError>, files: &[String]) {
    use tauri_plugin_notification::NotificationExt;
    let (title, body) = match (report, error) {
        (_, Some(e)) => {
            ("Patchdesk could not add a download".to_string(), format!("{}: {}", files.join(", "), e.message))
        }
        (Some(r), None) if !r.imported.is_empty() => {
            let first = &r.imported[0];
            let what = first.summary.clone().unwrap_or_else(|| first.file_name.clone());
            let more = if r.imported.len() > 1 { format!(" and {} more", r.imported.len() - 1) } else { String::new() };
            ("New from a pod, ready to review".to_string(), format!("{what}{more}"))
        }
        (Some(r), None) if !r.attached.is_empty() => {
            ("Pod logs added".to_string(), format!("{} attached to their patch", files.join(", ")))
        }
        _ => return,
    };
    let _ = app.notification().builder().title(title).body(body).show();
}
