//! Events the backend sends to the window. Typed on both sides through tauri-specta.

use patchdesk_project::ProjectSummary;
use serde::Serialize;

/// A project was opened (at start, from the picker, or the demo).
#[derive(Debug, Clone, Serialize, specta::Type, tauri_specta::Event)]
pub struct ProjectOpened {
    pub summary: ProjectSummary,
}

/// One step of a promote started, finished, was skipped (already done) or failed.
#[derive(Debug, Clone, Serialize, specta::Type, tauri_specta::Event)]
pub struct PromoteProgress {
    /// The inbox item being sent.
    pub item: String,
    pub event: patchdesk_promote::StepEvent,
}

/// How far the first download of a GitHub repository has got.
#[derive(Debug, Clone, Serialize, specta::Type, tauri_specta::Event)]
pub struct CloneProgressed {
    /// `owner/name`.
    pub repository: String,
    pub progress: patchdesk_project::connect::CloneProgress,
}
