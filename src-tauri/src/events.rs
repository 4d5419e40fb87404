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

/// Pod downloads were picked up from the Downloads folder and offered to the inbox.
#[derive(Debug, Clone, Serialize, specta::Type, tauri_specta::Event)]
pub struct DownloadsArrived {
    /// The folder watched.
    pub folder: String,
    /// The files taken from it this time (names only).
    pub files: Vec<String>,
    /// What the inbox made of them, when a project was open.
    pub report: Option<patchdesk_intake::ImportReport>,
    /// Why they could not be added.
    pub error: Option<patchdesk_error::UserError>,
}

/// Files were dropped on the window. The backend has remembered them (see `grants`), so the
/// window may pass them to `import_files` or `open_project`.
#[derive(Debug, Clone, Serialize, specta::Type, tauri_specta::Event)]
pub struct FilesDropped {
    /// The dropped paths, resolved.
    pub paths: Vec<String>,
}
