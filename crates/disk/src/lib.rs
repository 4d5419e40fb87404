//! Reading and writing the project's own files (task files, logs, metrics, prompts) without
//! ever following a link: a pod's patch or a clone may put a link anywhere in the project,
//! and a link must never make Patchdesk read or write a file outside it.
//!
//! Every folder on the way to a file is checked from the repository root, the file is opened
//! with `O_NOFOLLOW`, and a new version is written to a temporary file created with `O_EXCL`
//! under a random name in the same folder, flushed to disk, then renamed over the file.
//!
//! This is the one atomic file writer of Patchdesk: [`replace_file`] for project files (checked
//! from the repository root), [`replace_at`] and [`create_at`] for files in folders Patchdesk
//! owns (settings, records under `.git/`, the inbox's metadata).

use std::io::{Read, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;

/// Why a project file could not be read or written. Messages are plain sentences.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    /// The file, or a folder on the way to it, is a link.
    #[error("{path} is a link to another place; Patchdesk does not follow links in the project. Replace it with a real {kind}.")]
    Link {
        /// The link itself, relative to the repository.
        path: String,
        /// `file` or `folder`.
        kind: &'static str,
    },
    /// Something other than a plain file (a folder, a device, a pipe) where a file is expected,
    /// or a file where a folder is expected.
    #[error("{0} is not a plain {1}; Patchdesk only reads and writes plain files in the project. Move it away, then try again.")]
    NotPlain(String, &'static str),
    /// Reading or writing failed.
    #[error("Could not {action} {path}: {reason}")]
    Io { action: &'static str, path: String, reason: String },
}

/// What is at a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    /// Nothing (the path or a folder on the way to it does not exist).
    Nothing,
    /// A plain file.
    File,
    /// A folder.
    Folder,
}

fn bad_path(rel: &str) -> FileError {
    FileError::Io { action: "use", path: rel.to_string(), reason: "it is not a path inside the project".into() }
}

/// Checks `rel` (relative to `workdir`, `/` separators) component by component from the
/// repository root with `symlink_metadata`: no folder on the way and not the path itself may
/// be a link. Says what is there.
pub fn inspect(workdir: &Path, rel: &str) -> Result<Found, FileError> {
    if rel.is_empty()
        || rel.starts_with('/')
        || rel.contains('\0')
        || rel.split('/').any(|c| c.is_empty() || c == "." || c == "..")
    {
        return Err(bad_path(rel));
    }
    let parts: Vec<&str> = rel.split('/').collect();
    let mut at = workdir.to_path_buf();
    for (i, part) in parts.iter().enumerate() {
        at.push(part);
        let shown = parts[..=i].join("/");
        let last = i + 1 == parts.len();
        let meta = match std::fs::symlink_metadata(&at) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Found::Nothing),
            Err(e) => return Err(FileError::Io { action: "read", path: shown, reason: e.to_string() }),
        };
        let t = meta.file_type();
        if t.is_symlink() {
            return Err(FileError::Link { path: shown, kind: if last { "file" } else { "folder" } });
        }
        if last {
            return if t.is_file() {
                Ok(Found::File)
            } else if t.is_dir() {
                Ok(Found::Folder)
            } else {
                Err(FileError::NotPlain(shown, "file"))
            };
        }
        if !t.is_dir() {
            return Err(FileError::NotPlain(shown, "folder"));
        }
    }
    Ok(Found::Nothing)
}

/// Reads the plain file `rel`; `Ok(None)` when it does not exist. A link anywhere on the way,
/// or a file that is not plain (a pipe, a device, a folder), is refused.
pub fn read_file(workdir: &Path, rel: &str) -> Result<Option<Vec<u8>>, FileError> {
    read_file_up_to(workdir, rel, u64::MAX)
}

/// [`read_file`] that stops after `limit + 1` bytes, so a file larger than `limit` shows by its
/// length without being read whole.
pub fn read_file_up_to(workdir: &Path, rel: &str, limit: u64) -> Result<Option<Vec<u8>>, FileError> {
    match inspect(workdir, rel)? {
        Found::Nothing => return Ok(None),
        Found::Folder => return Err(FileError::NotPlain(rel.to_string(), "file")),
        Found::File => {}
    }
    let io = |e: std::io::Error| {
        if e.raw_os_error() == Some(libc::ELOOP) {
            FileError::Link { path: rel.to_string(), kind: "file" }
        } else {
            FileError::Io { action: "read", path: rel.to_string(), reason: e.to_string() }
        }
    };
    let mut file = match std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(workdir.join(rel))
    {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io(e)),
    };
    if !file.metadata().map_err(io)?.is_file() {
        return Err(FileError::NotPlain(rel.to_string(), "file"));
    }
    let mut bytes = Vec::new();
    (&mut file).take(limit.saturating_add(1)).read_to_end(&mut bytes).map_err(io)?;
    Ok(Some(bytes))
}

/// [`read_file`] as UTF-8 text; `Ok(None)` when the file does not exist.
pub fn read_text_file(workdir: &Path, rel: &str) -> Result<Option<String>, FileError> {
    match read_file(workdir, rel)? {
        None => Ok(None),
        Some(bytes) => String::from_utf8(bytes).map(Some).map_err(|_| FileError::Io {
            action: "read",
            path: rel.to_string(),
            reason: "the file is not UTF-8 text".into(),
        }),
    }
}

/// Writes `contents` to `workdir/rel` all at once: a temporary file with a random name created
/// beside it (never an existing file or link), then a rename, so a reader (or a crash) never
/// sees half a file. Missing folders are made one by one; a link anywhere on the way, or at
/// `rel` itself, is refused before anything is written. An existing file keeps its permissions.
/// Shared by every writer of the repository's logs, prompts and task files.
pub fn replace_file(workdir: &Path, rel: &str, contents: impl AsRef<[u8]>) -> Result<(), FileError> {
    replace_file_with(workdir, rel, |w| w.write_all(contents.as_ref()))
}

/// [`replace_file`] with the content written by `fill` (for content made while writing). When
/// `fill` fails, the old file stays whole and the temporary file is removed.
pub fn replace_file_with(
    workdir: &Path,
    rel: &str,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), FileError> {
    let mode = match inspect(workdir, rel)? {
        Found::Folder => return Err(FileError::NotPlain(rel.to_string(), "file")),
        Found::File => {
            std::fs::symlink_metadata(workdir.join(rel)).map_err(|e| io_error("write", rel, e))?.permissions().mode()
                & 0o7777
        }
        Found::Nothing => 0o644,
    };
    // Folders, one at a time, each checked again after it is made.
    let parts: Vec<&str> = rel.split('/').collect();
    for i in 1..parts.len() {
        let folder = parts[..i].join("/");
        match inspect(workdir, &folder)? {
            Found::Folder => {}
            Found::File => return Err(FileError::NotPlain(folder, "folder")),
            Found::Nothing => match std::fs::create_dir(workdir.join(&folder)) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    if inspect(workdir, &folder)? != Found::Folder {
                        return Err(FileError::NotPlain(folder, "folder"));
                    }
                }
                Err(e) => return Err(FileError::Io { action: "create", path: folder, reason: e.to_string() }),
            },
        }
    }
    let path = workdir.join(rel);
    write_beside(&path, rel, mode, fill)
}

/// Replaces the file at `path` all at once, for files in a folder Patchdesk owns (its settings,
/// its records under `.git/`), whose folder must already exist: a link or anything but a plain
/// file at `path` is refused and left alone. An existing file keeps its permissions.
pub fn replace_at(path: &Path, contents: impl AsRef<[u8]>) -> Result<(), FileError> {
    let shown = path.display().to_string();
    let mode = match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => return Err(FileError::Link { path: shown, kind: "file" }),
        Ok(m) if !m.is_file() => return Err(FileError::NotPlain(shown, "file")),
        Ok(m) => m.permissions().mode() & 0o7777,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => 0o644,
        Err(e) => return Err(io_error("write", &shown, e)),
    };
    write_beside(path, &shown, mode, |w| w.write_all(contents.as_ref()))
}

/// Writes `contents` as `path` only when nothing is there yet (not even a link): `Ok(false)`
/// when the name is taken. The file appears whole or not at all.
pub fn create_at(path: &Path, contents: impl AsRef<[u8]>) -> Result<bool, FileError> {
    let shown = path.display().to_string();
    if std::fs::symlink_metadata(path).is_ok() {
        return Ok(false);
    }
    let mut tmp = temporary_beside(path, &shown, 0o644)?;
    tmp.write_all(contents.as_ref())
        .and_then(|()| tmp.as_file().sync_data())
        .map_err(|e| io_error("write", &shown, e))?;
    // Never replaces: a name taken in between is reported, the temporary file goes away.
    match tmp.persist_noclobber(path) {
        Ok(_) => Ok(true),
        Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(io_error("write", &shown, e.error)),
    }
}

fn io_error(action: &'static str, shown: &str, e: std::io::Error) -> FileError {
    FileError::Io { action, path: shown.to_string(), reason: e.to_string() }
}

/// A new file with a random name beside `path`, created with `O_EXCL` (never an existing file
/// or link); removed when dropped unless persisted.
fn temporary_beside(path: &Path, shown: &str, mode: u32) -> Result<tempfile::NamedTempFile, FileError> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".patchdesk-tmp")
        .rand_bytes(16)
        .permissions(std::fs::Permissions::from_mode(mode))
        .tempfile_in(dir)
        .map_err(|e| io_error("write", shown, e))
}

/// The one atomic write: temporary file beside `path`, `fill`, fsync, rename.
fn write_beside(
    path: &Path,
    shown: &str,
    mode: u32,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), FileError> {
    let mut tmp = temporary_beside(path, shown, mode)?;
    fill(&mut tmp).map_err(|e| io_error("write", shown, e))?;
    tmp.as_file().sync_data().map_err(|e| io_error("write", shown, e))?;
    // The rename replaces the name itself and never follows a link put there in between.
    tmp.persist(path).map_err(|e| io_error("write", shown, e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn links_anywhere_on_the_way_are_refused_and_nothing_outside_is_touched() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let w = dir.path();
        std::fs::write(outside.path().join("victim"), "keep\n").unwrap();
        symlink(outside.path().join("victim"), w.join("task.yaml")).unwrap();
        symlink(outside.path(), w.join(".logs")).unwrap();
        std::fs::create_dir(w.join("metrics")).unwrap();
        symlink(outside.path().join("victim"), w.join("metrics/.metrics.yaml.patchdesk-tmp")).unwrap();

        let link = |p: &str, kind| FileError::Link { path: p.into(), kind };
        assert_eq!(read_file(w, "task.yaml").unwrap_err(), link("task.yaml", "file"));
        assert_eq!(replace_file(w, "task.yaml", "x").unwrap_err(), link("task.yaml", "file"));
        assert_eq!(read_file(w, ".logs/victim").unwrap_err(), link(".logs", "folder"));
        assert_eq!(replace_file(w, ".logs/new/handoff_log.yaml", "x").unwrap_err(), link(".logs", "folder"));
        assert_eq!(
            link("task.yaml", "file").to_string(),
            "task.yaml is a link to another place; Patchdesk does not follow links in the project. Replace it with a real file."
        );
        // A link named like the old temporary file is never written through.
        replace_file(w, "metrics/metrics.yaml", "weekly_snapshots: []\n").unwrap();
        assert_eq!(std::fs::read_to_string(w.join("metrics/metrics.yaml")).unwrap(), "weekly_snapshots: []\n");
        assert_eq!(std::fs::read_to_string(outside.path().join("victim")).unwrap(), "keep\n");
        assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 1);
        // No temporary file is left behind.
        let names: Vec<String> = std::fs::read_dir(w.join("metrics"))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(names.len(), 2, "{names:?}");
        for bad in ["", "/etc/passwd", "../x", "a//b", "./a"] {
            assert!(replace_file(w, bad, "x").is_err(), "{bad}");
        }
    }

    #[test]
    fn a_pipe_is_refused_instead_of_waited_for() {
        let dir = tempfile::tempdir().unwrap();
        let status = std::process::Command::new("mkfifo").arg(dir.path().join("task.yaml")).status().unwrap();
        assert!(status.success());
        assert!(matches!(read_file(dir.path(), "task.yaml"), Err(FileError::NotPlain(..))));
    }

    #[test]
    fn new_files_and_folders_are_made_and_existing_permissions_kept() {
        let dir = tempfile::tempdir().unwrap();
        let w = dir.path();
        replace_file(w, "prompts/used/QAPod/T1_prompt.txt", "hello\n").unwrap();
        assert_eq!(read_text_file(w, "prompts/used/QAPod/T1_prompt.txt").unwrap().as_deref(), Some("hello\n"));
        std::fs::set_permissions(w.join("prompts/used/QAPod/T1_prompt.txt"), std::fs::Permissions::from_mode(0o640))
            .unwrap();
        replace_file(w, "prompts/used/QAPod/T1_prompt.txt", "again\n").unwrap();
        let mode = std::fs::metadata(w.join("prompts/used/QAPod/T1_prompt.txt")).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
        assert_eq!(read_file(w, "missing.txt").unwrap(), None);
    }

    fn names_in(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> =
            std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
        names.sort();
        names
    }

    #[test]
    fn a_link_at_the_target_is_refused_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let victim = outside.path().join("victim");
        std::fs::write(&victim, "keep\n").unwrap();
        let target = dir.path().join("settings.json");
        symlink(&victim, &target).unwrap();
        assert_eq!(
            replace_at(&target, "new").unwrap_err(),
            FileError::Link { path: target.display().to_string(), kind: "file" }
        );
        assert_eq!(
            replace_file(dir.path(), "settings.json", "new").unwrap_err(),
            FileError::Link { path: "settings.json".into(), kind: "file" }
        );
        assert!(!create_at(&target, "new").unwrap());
        assert!(std::fs::symlink_metadata(&target).unwrap().file_type().is_symlink(), "the link is still there");
        assert_eq!(std::fs::read_link(&target).unwrap(), victim);
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep\n");
        assert_eq!(names_in(dir.path()), vec!["settings.json".to_string()], "no temporary file left");
        // A folder in the file's place is refused too.
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        assert!(matches!(replace_at(&dir.path().join("sub"), "x"), Err(FileError::NotPlain(..))));
    }

    #[test]
    fn a_failed_write_leaves_the_old_file_whole_and_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        replace_file(dir.path(), "logs/trace.md", "old text\n").unwrap();
        let e = replace_file_with(dir.path(), "logs/trace.md", |w| {
            w.write_all(b"half of the new")?;
            Err(std::io::Error::other("the disk is full"))
        })
        .unwrap_err();
        assert_eq!(
            e,
            FileError::Io { action: "write", path: "logs/trace.md".into(), reason: "the disk is full".into() }
        );
        assert_eq!(std::fs::read_to_string(dir.path().join("logs/trace.md")).unwrap(), "old text\n");
        assert_eq!(names_in(&dir.path().join("logs")), vec!["trace.md".to_string()]);
    }

    #[test]
    fn files_in_owned_folders_are_replaced_or_created_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("record.json");
        assert!(create_at(&path, "first").unwrap());
        assert!(!create_at(&path, "second").unwrap(), "an existing name is never replaced");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "first");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        replace_at(&path, "third").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "third");
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        assert_eq!(names_in(dir.path()), vec!["record.json".to_string()]);
        assert!(replace_at(&dir.path().join("missing/record.json"), "x").is_err(), "folders are not made here");
    }
}
