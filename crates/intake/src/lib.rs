//! Patch intake: everything pods hand over, recognised, checked and stored.
//!
//! - [`identify`] tells what a dropped file is (diff, ZIP bundle, batch payload, sidecar, log).
//! - [`parse_name`] reads task id, timestamp, feature and pod from every naming form pods use.
//! - [`Sidecar`] keeps patch metadata with unknown fields and key order intact.
//! - [`read_bundle`] and [`read_batch`] turn ZIP bundles and JSON batches into [`FullFile`]s,
//!   with every path passed through `RepoPath::parse` and limits checked while reading.
//! - [`Queue::paste`] adds a chat answer pasted instead of saved, named like a download.
//! - [`Queue`] stores items the seed's way inside a working folder: the patch in
//!   `.patches/queue/`, its metadata in `.logs/patches/<stem>.json`.
//!
//! Everything works from byte buffers; only [`Queue`] touches the disk.

mod batch;
mod bundle;
mod downloads;
mod error;
mod input;
mod kind;
mod limits;
mod name;
mod paste;
mod queue;
mod sidecar;

pub use batch::{read_batch, read_batch_with, Batch};
pub use bundle::{read_bundle, read_bundle_with, read_bundle_within, read_full_files, Bundle, BundleLog, FullFile};
pub use downloads::{downloads_folder, looks_like_pod_download, DownloadsWatch, SeenFile};
pub use error::IntakeError;
pub use input::{check_input, read_input};
pub use kind::{identify, identify_with, is_os_junk, log_kind_of, sniff_diff, DiffFlavor, Kind, LogKind};
pub use limits::{Budget, Limits};
pub use name::{
    parse_name, patch_file_name, pod_from_branch, split_extension, strip_duplicate_marker, task_from_branch, NameForm,
    NameInfo,
};
pub use paste::{kind_label, task_named_in, PastePreview};
pub use queue::{
    Attached, Duplicate, ImportReport, InboxItem, LogRef, PromotePaths, Queue, Refusal, Status, Unmatched,
};
pub use sidecar::Sidecar;
