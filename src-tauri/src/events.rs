//! Events the backend sends to the window. Typed on both sides through tauri-specta.

use patchdesk_project::ProjectSummary;
use serde::Serialize;

/// A project was opened (at start, from the picker, or the demo).
#[derive(Debug, Clone, Serialize, specta::Type, tauri_specta::Event)]
pub struct ProjectOpened {
    pub summary: ProjectSummary,
}
