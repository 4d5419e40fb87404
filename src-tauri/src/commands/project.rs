//! Opening projects and reading what the first screen shows.

use crate::events::ProjectOpened;
use crate::state::AppState;
use patchdesk_desk::Overview;
use patchdesk_error::UserError;
use tauri::{AppHandle, State};
use tauri_specta::Event;

/// The open project's overview: name, inbox and board. Opens the startup project on first call.
#[tauri::command]
#[specta::specta]
pub fn current_project(state: State<'_, AppState>) -> Result<Overview, UserError> {
    crate::startup::mark("asked");
    let overview = state.with_project(patchdesk_desk::overview);
    crate::startup::mark("answered");
    overview
}

/// Opens the repository at `path` and returns its overview. `path` must be a folder the
/// person picked (`choose_paths`) or dropped, or lie under the open project or the app's data
/// folder.
#[tauri::command]
#[specta::specta]
pub fn open_project(app: AppHandle, state: State<'_, AppState>, path: String) -> Result<Overview, UserError> {
    let path = state.allowed_path(&path, state.open_workdir().as_deref())?;
    let project = patchdesk_desk::open_project(&path)?;
    opened(&app, &state, project)
}

/// Opens (building it on first use) the built-in demo project.
#[tauri::command]
#[specta::specta]
pub fn open_demo_project(app: AppHandle, state: State<'_, AppState>) -> Result<Overview, UserError> {
    let project = state.desk().demo_project()?;
    opened(&app, &state, project)
}

/// Makes `project` the open one and tells the window.
pub(crate) fn opened(
    app: &AppHandle,
    state: &AppState,
    project: patchdesk_desk::Project,
) -> Result<Overview, UserError> {
    // The inbox as it is before the window reads it: whatever lands after the read is told.
    let inbox = patchdesk_desk::live::InboxStamp::read(project.workdir());
    let overview = patchdesk_desk::overview(&project)?;
    state.open(project, inbox);
    let _ = ProjectOpened { summary: overview.summary.clone() }.emit(app);
    Ok(overview)
}
