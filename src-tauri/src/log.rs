//! The app's log: plain-text files in the app's log folder (Tauri's app log dir, or
//! `PATCHDESK_LOG_DIR`), one per day, the last week kept. What a user can send when something
//! went wrong. The core crates log through `tracing` at warn where a failure is dropped; no
//! token and no file contents are ever logged. `PATCHDESK_LOG` sets the level (default info).

use patchdesk_error::{Code, UserError};
use std::path::{Path, PathBuf};
use tauri::Manager;
use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::filter::LevelFilter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::Layer as _;
/// Log files kept (one a day).
const KEPT: usize = 7;

/// The folder the log files are in.
pub fn folder(app: &tauri::AppHandle) -> Result<PathBuf, UserError> {
    if let Some(d) = std::env::var_os("PATCHDESK_LOG_DIR").filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(d));
    }
    app.path().app_log_dir().map_err(|e| UserError::new(Code::Internal, format!("The app's log folder is not known on this computer: {e}")))
}

/// The level from `PATCHDESK_LOG` (`warn`, `debug`…; `off` for none), else info.
pub fn level() -> LevelFilter {
    std::env::var("PATCHDESK_LOG").ok().and_then(|v| v.trim().parse().ok()).unwrap_or(LevelFilter::INFO)
}

/// What writes the log into `dir`: daily files `patchdesk.YYYY-MM-DD.log`, a week kept.
pub fn subscriber(dir: &Path, level: LevelFilter) -> Result<impl tracing::Subscriber + Send + Sync, String> {
    // Made first: the appender looks for old files to prune before it makes the folder.
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    let files = RollingFileAppender::builder()
        .rotation(Rotation::DAILY)
        .filename_prefix("patchdesk")
        .filename_suffix("log")
        .max_log_files(KEPT)
        .build(dir)
        .map_err(|e| e.to_string())?;
    let layer = tracing_subscriber::fmt::layer().with_writer(files).with_ansi(false).with_target(true);
    Ok(tracing_subscriber::registry().with(layer.with_filter(level)))
}

/// Starts the log for the running app. A log that cannot be opened leaves the app running.
pub fn start(app: &tauri::AppHandle) {
    let Ok(dir) = folder(app) else { return };
    if let Ok(s) = subscriber(&dir, level()) {
        if tracing::subscriber::set_global_default(s).is_ok() {
            tracing::info!(version = env!("CARGO_PKG_VERSION"), "Patchdesk started");
        }
    }
}
