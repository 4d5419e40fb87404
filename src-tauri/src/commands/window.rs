//! The window's memory between launches: its size, position and maximized state (the
//! window-state plugin, in `window-state.json` in the app's data folder, saved half a second
//! after the window moves and again at exit) and the last tab shown (`window_tab` in the desk's
//! `settings.json`, which keeps keys it does not know).

use crate::state::AppState;
use patchdesk_desk::settings;
use patchdesk_error::UserError;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tauri::{AppHandle, Manager, State};
use tauri_plugin_window_state::{AppHandleExt, StateFlags};

/// What is kept of the window: not its visibility, decorations or full screen.
const KEPT: StateFlags = StateFlags::SIZE.union(StateFlags::POSITION).union(StateFlags::MAXIMIZED);

/// The tab the window showed last, when one was remembered.
#[tauri::command]
#[specta::specta]
pub fn window_tab(state: State<'_, AppState>) -> Option<String> {
    settings::window_tab(state.desk().data_dir())
}

/// Remembers `tab` (`inbox`, `board` or `numbers`) as the one to show at the next start.
#[tauri::command]
#[specta::specta]
pub fn remember_tab(state: State<'_, AppState>, tab: String) -> Result<(), UserError> {
    settings::remember_tab(state.desk().data_dir(), &tab)
}

/// The plugin that puts the window back where it was, keeping its file in `data_dir`.
pub fn geometry_plugin(data_dir: &Path) -> tauri::plugin::TauriPlugin<tauri::Wry> {
    tauri_plugin_window_state::Builder::new()
        .with_state_flags(KEPT)
        .with_filename(data_dir.join("window-state.json").display().to_string())
        .build()
}

/// A save is waiting (the window moved or was resized less than half a second ago).
#[derive(Default)]
pub struct GeometrySave(AtomicBool);

/// The window moved or was resized: save where it is half a second from now (one save for a
/// whole drag), so a window that is killed rather than closed is still put back.
pub fn moved(app: &AppHandle) {
    let Some(pending) = app.try_state::<GeometrySave>() else { return };
    if pending.0.swap(true, Ordering::SeqCst) {
        return;
    }
    let app = app.clone();
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(500));
        app.state::<GeometrySave>().0.store(false, Ordering::SeqCst);
        if let Err(e) = app.save_window_state(KEPT) {
            tracing::warn!("the window's size and position could not be saved: {e}");
        }
    });
}
