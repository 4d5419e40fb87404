//! One window per user: a second launch (a file opened with Patchdesk from the file manager,
//! the menu entry clicked again) hands its arguments to the window already running and exits,
//! so two processes never write the same inbox. The window comes to the front; the plain files
//! named on the command line are handed over like a drop (remembered in the grants, then
//! `FilesDropped`: the window imports them through `import_files`, same rules as a drop). The
//! first launch's own files wait in [`OpenedWith`] until the window asks (`opened_files`).

use crate::state::AppState;
use patchdesk_error::UserError;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use tauri::{AppHandle, Manager, State, Wry};

/// At most this many files are taken from one second launch (a file manager's "Open with" of a
/// whole selection stays well below); the rest are ignored.
const MAX_FILES: usize = 64;

/// The plugin that finds the running window (through the session's D-Bus on Linux). Register
/// it before every other plugin: a second launch must leave before anything else starts.
pub fn plugin(identifier: &str, data_dir: Option<&Path>) -> tauri::plugin::TauriPlugin<Wry> {
    tauri_plugin_single_instance::Builder::new()
        .dbus_id(bus_name(identifier, data_dir))
        .callback(|app: &AppHandle, argv: Vec<String>, cwd: String| second_launch(app, &argv, Path::new(&cwd)))
        .build()
}

/// The name the running window holds: the app's identifier, or, with `PATCHDESK_DATA_DIR` set
/// (tests, a development build next to the installed app), one name per data folder, so
/// windows on different data folders do not take each other's launches.
pub fn bus_name(identifier: &str, data_dir: Option<&Path>) -> String {
    match data_dir {
        None => identifier.to_string(),
        Some(dir) => {
            // FNV-1a: the same folder gives the same name in every build of the app.
            let hash = dir
                .as_os_str()
                .as_encoded_bytes()
                .iter()
                .fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3));
            format!("{identifier}.d{hash:016x}")
        }
    }
}

/// What the running window does when launched again with `argv` (the first is the program) from
/// the folder `cwd`: come to the front, and take the files named as if they were dropped.
fn second_launch(app: &AppHandle, argv: &[String], cwd: &Path) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        if let Err(e) = window.set_focus() {
            tracing::warn!("the window could not be brought to the front: {e}");
        }
    }
    let files = handed_files(argv.get(1..).unwrap_or_default(), cwd);
    tracing::info!(files = files.len(), "Patchdesk was launched again; its files go to this window");
    if !files.is_empty() {
        crate::dropped(app, &files);
    }
}

/// The files the first launch was started with ("Open with Patchdesk" while it was not running),
/// already granted, until the window takes them.
#[derive(Default)]
pub struct OpenedWith(Mutex<Vec<PathBuf>>);

impl OpenedWith {
    /// Grants the plain files among this process's own arguments and keeps them for the window.
    pub fn from_args(state: &AppState, args: &[String]) -> OpenedWith {
        let cwd = std::env::current_dir().unwrap_or_default();
        OpenedWith(Mutex::new(state.grant(&handed_files(args, &cwd))))
    }
}

/// The files Patchdesk was started with, once (the window imports them like a drop; a second
/// call answers nothing).
#[tauri::command]
#[specta::specta]
pub fn opened_files(opened: State<'_, OpenedWith>) -> Result<Vec<String>, UserError> {
    let taken = std::mem::take(&mut *opened.0.lock().unwrap_or_else(|e| e.into_inner()));
    Ok(taken.into_iter().map(|p| p.display().to_string()).collect())
}

/// The files a launch may hand over: arguments that name an existing plain file (not a
/// link, not a folder, not a device), relative ones read from `cwd`. Options (`--project X`,
/// `--anything`) and everything else are ignored; at most [`MAX_FILES`].
pub fn handed_files(args: &[String], cwd: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        if arg == "--project" {
            args.next();
            continue;
        }
        if arg.starts_with('-') || arg.is_empty() {
            continue;
        }
        let path = cwd.join(arg);
        if std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_file()) {
            files.push(path);
            if files.len() == MAX_FILES {
                break;
            }
        }
    }
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn only_existing_plain_files_named_on_the_command_line_are_handed_over() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join("patch_F1.diff"), "x").unwrap();
        std::fs::write(d.join("pod.zip"), "x").unwrap();
        std::fs::create_dir(d.join("folder")).unwrap();
        std::os::unix::fs::symlink("/etc/passwd", d.join("link.diff")).unwrap();
        std::fs::write(d.join("project.diff"), "x").unwrap();
        let given = args(&[
            "patch_F1.diff",
            "--project",
            "project.diff",
            "--verbose",
            "folder",
            "link.diff",
            "missing.diff",
            "/dev/null",
            "",
            &d.join("pod.zip").display().to_string(),
        ]);
        assert_eq!(handed_files(&given, d), vec![d.join("patch_F1.diff"), d.join("pod.zip")]);
    }

    #[test]
    fn a_launch_with_thousands_of_files_hands_over_a_bounded_number() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.diff"), "x").unwrap();
        let many = vec!["a.diff".to_string(); 10_000];
        assert_eq!(handed_files(&many, dir.path()).len(), MAX_FILES);
    }

    #[test]
    fn each_data_folder_has_its_own_window_and_the_default_is_the_identifier() {
        assert_eq!(bus_name("dev.patchdesk.app", None), "dev.patchdesk.app");
        let a = bus_name("dev.patchdesk.app", Some(Path::new("/tmp/a")));
        assert_eq!(a, bus_name("dev.patchdesk.app", Some(Path::new("/tmp/a"))));
        assert_ne!(a, bus_name("dev.patchdesk.app", Some(Path::new("/tmp/b"))));
        assert!(a.starts_with("dev.patchdesk.app.d") && a.len() == "dev.patchdesk.app.d".len() + 16, "{a}");
    }
}
