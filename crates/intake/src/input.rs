//! Reading a file someone handed over (dropped, picked, named on the command line, or found in
//! the inbox): only a plain file, never through a link, never more bytes than the limit.
//!
//! Devices (`/dev/zero`), pipes (FIFOs), sockets and folders are refused from their metadata
//! before anything is opened; the file is opened without following a link and without
//! blocking (so a pipe swapped in at the last moment cannot hang), checked again, and read
//! with a cap of one byte over the limit.

use crate::error::IntakeError;
use crate::kind::display_name;
use crate::limits::human_bytes;
use std::fs::{self, File, Metadata};
use std::io::{self, Read};
use std::path::Path;

/// Reads the plain file at `path`, at most `limit` bytes. Refuses links, folders, devices,
/// pipes, sockets and anything larger than `limit`, each with one sentence naming the file.
pub fn read_input(path: &Path, limit: u64) -> Result<Vec<u8>, IntakeError> {
    let file = display_name(&path.to_string_lossy());
    let meta = fs::symlink_metadata(path).map_err(|e| not_opened(&file, &e))?;
    refuse_odd(&file, path, &meta, limit)?;
    let opened = open_no_follow(path).map_err(|e| not_opened(&file, &e))?;
    // The same checks on what was opened: the name may have been swapped meanwhile.
    let meta = opened.metadata().map_err(|e| not_opened(&file, &e))?;
    refuse_odd(&file, path, &meta, limit)?;
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len().min(limit)).unwrap_or(0));
    opened.take(limit.saturating_add(1)).read_to_end(&mut bytes).map_err(|e| not_opened(&file, &e))?;
    if bytes.len() as u64 > limit {
        return Err(too_large(&file, bytes.len() as u64, limit));
    }
    Ok(bytes)
}

/// Whether `path` is a plain file (not a link, folder, device, pipe or socket) of at most
/// `limit` bytes, without opening it; the refusal sentence otherwise.
pub fn check_input(path: &Path, limit: u64) -> Result<Metadata, IntakeError> {
    let file = display_name(&path.to_string_lossy());
    let meta = fs::symlink_metadata(path).map_err(|e| not_opened(&file, &e))?;
    refuse_odd(&file, path, &meta, limit)?;
    Ok(meta)
}

fn refuse_odd(file: &str, path: &Path, meta: &Metadata, limit: u64) -> Result<(), IntakeError> {
    let kind = meta.file_type();
    if kind.is_symlink() {
        let target = fs::read_link(path).map(|t| format!(" ({})", t.display())).unwrap_or_default();
        return Err(IntakeError::unsafe_path(
            file,
            format!("it is a link to another file{target}, and Patchdesk only takes the file itself. Add the file it points to instead, if that is really the pod's download."),
        ));
    }
    if kind.is_dir() {
        return Err(IntakeError::unreadable(file, "it is a folder; add the files inside it instead"));
    }
    if !kind.is_file() {
        return Err(IntakeError::unreadable(
            file,
            "it is a device, a pipe or a socket, not a saved file; save the pod's download as a file and add that",
        ));
    }
    if meta.len() > limit {
        return Err(too_large(file, meta.len(), limit));
    }
    Ok(())
}

fn too_large(file: &str, size: u64, limit: u64) -> IntakeError {
    IntakeError::too_large(file, format!("it is {}, and the limit is {}", human_bytes(size), human_bytes(limit)))
}

fn not_opened(file: &str, e: &io::Error) -> IntakeError {
    let why = match e.kind() {
        io::ErrorKind::NotFound => {
            "it is not there any more (it may have been moved or deleted); add it again from where it is now"
        }
        io::ErrorKind::PermissionDenied => {
            "this computer does not let Patchdesk read it; check that you can open it, then add it again"
        }
        _ if e.raw_os_error() == Some(LINK_LOOP) => {
            "it is a link to another file, and Patchdesk only takes the file itself; add the file it points to instead"
        }
        _ => "it could not be read from the disk; copy it somewhere else and add the copy",
    };
    IntakeError::unreadable(file, why)
}

#[cfg(unix)]
const LINK_LOOP: i32 = libc::ELOOP;
#[cfg(not(unix))]
const LINK_LOOP: i32 = -1;

/// Opens for reading without following a link in the last component and without blocking.
pub(crate) fn open_no_follow(path: &Path) -> io::Result<File> {
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    options.open(path)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use patchdesk_error::{Code, Coded};

    #[test]
    fn only_plain_files_are_read_and_never_past_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let plain = dir.path().join("patch_F2.1.diff");
        fs::write(&plain, b"diff --git a/x b/x\n").unwrap();
        assert_eq!(read_input(&plain, 100).unwrap(), b"diff --git a/x b/x\n");
        let e = read_input(&plain, 5).unwrap_err();
        assert_eq!(e.code(), Code::InputTooLarge, "{e}");

        let link = dir.path().join("patch_link.diff");
        std::os::unix::fs::symlink(&plain, &link).unwrap();
        let e = read_input(&link, 100).unwrap_err();
        assert_eq!(e.code(), Code::UnsafePath, "{e}");
        assert!(e.to_string().contains("patch_link.diff") && e.to_string().contains("link"), "{e}");

        let e = read_input(dir.path(), 100).unwrap_err();
        assert!(e.to_string().contains("folder"), "{e}");
        let e = read_input(Path::new("/dev/zero"), 100).unwrap_err();
        assert!(e.to_string().contains("\"zero\"") && e.to_string().contains("device"), "{e}");
        let e = read_input(&dir.path().join("gone.diff"), 100).unwrap_err();
        assert!(e.to_string().contains("not there any more"), "{e}");
    }
}
