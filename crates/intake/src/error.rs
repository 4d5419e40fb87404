//! The one error type of the intake crate. Every message names the file it is about.

use patchdesk_error::{Code, Coded};
use std::path::PathBuf;

/// Why a dropped file (or a stored inbox item) could not be read or stored.
#[derive(Debug, thiserror::Error)]
pub enum IntakeError {
    /// The file has no content (or only blank lines).
    #[error("\"{file}\" is empty.")]
    Empty { file: String },
    /// Over one of the [`crate::Limits`].
    #[error("\"{file}\" is too large: {detail}.")]
    TooLarge { file: String, detail: String },
    /// Not something Patchdesk understands, or damaged.
    #[error("\"{file}\" cannot be used: {reason}.")]
    Unreadable { file: String, reason: String },
    /// A path inside the file is unsafe (absolute, `..`, `.git/`, symlink, bad characters).
    #[error("\"{file}\" cannot be used: {reason}")]
    UnsafePath { file: String, reason: String },
    /// The exact same bytes are already in the inbox.
    #[error("\"{file}\" was imported before, as \"{existing}\".")]
    AlreadyImported { file: String, existing: String },
    /// No inbox item has this name.
    #[error("There is no patch called \"{name}\" in the inbox.")]
    NotFound { name: String },
    /// A pasted text that cannot be added, in one sentence about the pasted text.
    #[error("{message}")]
    Paste { code: Code, message: String },
    /// Reading or writing on disk failed.
    #[error("Could not {action} \"{}\": {source}.", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl Coded for IntakeError {
    fn code(&self) -> Code {
        match self {
            IntakeError::Empty { .. } => Code::EmptyInput,
            IntakeError::TooLarge { .. } => Code::InputTooLarge,
            IntakeError::Unreadable { .. } => Code::PatchUnreadable,
            IntakeError::UnsafePath { .. } => Code::UnsafePath,
            IntakeError::AlreadyImported { .. } => Code::AlreadyImported,
            IntakeError::NotFound { .. } => Code::ItemNotFound,
            IntakeError::Paste { code, .. } => *code,
            IntakeError::Io { .. } => Code::Io,
        }
    }
}

impl IntakeError {
    pub(crate) fn unreadable(file: &str, reason: impl Into<String>) -> Self {
        IntakeError::Unreadable { file: file.to_string(), reason: reason.into() }
    }

    pub(crate) fn too_large(file: &str, detail: impl Into<String>) -> Self {
        IntakeError::TooLarge { file: file.to_string(), detail: detail.into() }
    }

    pub(crate) fn unsafe_path(file: &str, reason: impl Into<String>) -> Self {
        IntakeError::UnsafePath { file: file.to_string(), reason: reason.into() }
    }

    pub(crate) fn io(action: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        IntakeError::Io { action, path: path.into(), source }
    }
}
