//! Opening projects and reading what the first screen shows.

use crate::events::ProjectOpened;
use crate::state::AppState;
use patchdesk_error::UserError;
use patchdesk_project::{Overview, Project};
use tauri::{AppHandle, State};
use tauri_specta::Event;

/// The open project's overview: name, inbox and board. Opens the startup project on first call.
#[tauri::command]
#[specta::specta]
pub fn current_project(state: State<'_, AppState>) -> Result<Overview, UserError> {
    state.with_project(|p| Ok(p.overview()?))
}

/// Opens the repository at `path` and returns its overview. `path` must be a folder the
/// person picked (`choose_paths`) or dropped, or lie under the open project or the app's data
/// folder.
#[tauri::command]
#[specta::specta]
pub fn open_project(app: AppHandle, state: State<'_, AppState>, path: String) -> Result<Overview, UserError> {
    let path = state.allowed_path(&path, state.open_workdir().as_deref())?;
    let project = Project::open(&path)?;
    let overview = project.overview()?;
    state.open(project);
    let _ = ProjectOpened { summary: overview.summary.clone() }.emit(&app);
    Ok(overview)
}

/// Opens (building it on first use) the built-in demo project.
#[tauri::command]
#[specta::specta]
pub fn open_demo_project(app: AppHandle, state: State<'_, AppState>) -> Result<Overview, UserError> {
    let project = state.demo_project()?;
    let overview = project.overview()?;
    state.open(project);
    let _ = ProjectOpened { summary: overview.summary.clone() }.emit(&app);
    Ok(overview)
}
