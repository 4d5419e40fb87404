//! Events the backend sends to the window. Typed on both sides through tauri-specta.

use patchdesk_desk::{CloneProgress, ImportReport, ProjectSummary, StepEvent};
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
    pub event: StepEvent,
}

/// How far the first download of a GitHub repository has got.
#[derive(Debug, Clone, Serialize, specta::Type, tauri_specta::Event)]
pub struct CloneProgressed {
    /// `owner/name`.
    pub repository: String,
    pub progress: CloneProgress,
}

/// Pod downloads were picked up from the Downloads folder and offered to the inbox.
#[derive(Debug, Clone, Serialize, specta::Type, tauri_specta::Event)]
pub struct DownloadsArrived {
    /// The folder watched.
    pub folder: String,
    /// The files taken from it this time (names only).
    pub files: Vec<String>,
    /// What the inbox made of them, when a project was open.
    pub report: Option<ImportReport>,
    /// Why they could not be added.
    pub error: Option<patchdesk_error::UserError>,
}

impl From<patchdesk_desk::downloads::Arrived> for DownloadsArrived {
    fn from(a: patchdesk_desk::downloads::Arrived) -> Self {
        DownloadsArrived { folder: a.folder, files: a.files, report: a.report, error: a.error }
    }
}

/// The background follow-up of review requests ran (every minute while a project with a
/// remote is open): what changed, and what sending the board's commits did.
#[derive(Debug, Clone, Default, Serialize, specta::Type, tauri_specta::Event)]
pub struct ReviewsFollowed {
    /// What following the reviews did (empty when nothing was asked).
    pub report: patchdesk_desk::FollowReport,
    /// What sending the board's commits did, when they were sent.
    pub board: Option<patchdesk_desk::board::BoardSending>,
    /// Why the reviews could not be followed or the board not sent (offline, signed out…).
    pub error: Option<patchdesk_error::UserError>,
}

impl From<patchdesk_desk::follow::FollowUp> for ReviewsFollowed {
    fn from(f: patchdesk_desk::follow::FollowUp) -> Self {
        ReviewsFollowed { report: f.report, board: f.board, error: f.error }
    }
}

/// Files were dropped on the window. The backend has remembered them (see `grants`), so the
/// window may pass them to `import_files` or `open_project`.
#[derive(Debug, Clone, Serialize, specta::Type, tauri_specta::Event)]
pub struct FilesDropped {
    /// The dropped paths, resolved.
    pub paths: Vec<String>,
}

/// The open project's inbox changed on disk outside the window's own steps as well as inside
/// them (the pod API, `patchdesk watch`, the CLI or the Action added an item, or one changed):
/// the window reads the project again.
#[derive(Debug, Clone, Serialize, specta::Type, tauri_specta::Event)]
pub struct InboxChanged {
    /// Items waiting now that were not before (inbox item names).
    pub arrived: Vec<String>,
}
