//! Noticing pod downloads as they land in the Downloads folder.
//!
//! [`DownloadsWatch::scan`] is called every couple of seconds by the app. It reports a file
//! once, when it looks like something a pod made and has stopped growing (the same size and
//! time on two scans in a row, so a browser still writing it is left alone), and only files
//! that arrived after the watch started: what was already in the folder is the person's own
//! business. Nothing in the folder is moved, changed or deleted.

use crate::name::{parse_name, NameForm};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// Partial downloads of the common browsers: never picked up.
const PARTIAL: [&str; 4] = [".crdownload", ".part", ".download", ".partial"];

/// Whether a file name looks like something a pod hands out: patches and bundles always; logs
/// and metadata only when named for a patch or task (a Downloads folder is full of other
/// `.json` and `.md` files).
pub fn looks_like_pod_download(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    if lower.starts_with('.') || PARTIAL.iter().any(|p| lower.ends_with(p)) {
        return false;
    }
    let info = parse_name(name);
    let ext = lower.rsplit('.').next().unwrap_or("");
    match ext {
        "diff" | "patch" | "mbox" => true,
        "zip" => info.form != NameForm::Other || lower.starts_with("patch") || lower.contains("pod"),
        "json" | "md" | "txt" | "yaml" | "yml" => info.form != NameForm::Other,
        _ => false,
    }
}

/// Watches one folder (not its subfolders) for new pod downloads.
#[derive(Debug)]
pub struct DownloadsWatch {
    dir: PathBuf,
    since: SystemTime,
    /// Size and modification time seen on the last scan, for files not yet reported.
    settling: HashMap<PathBuf, (u64, SystemTime)>,
    reported: HashSet<(PathBuf, u64, SystemTime)>,
}

impl DownloadsWatch {
    /// Watches `dir` for files modified at or after `since` (usually: now).
    pub fn new(dir: impl Into<PathBuf>, since: SystemTime) -> DownloadsWatch {
        DownloadsWatch { dir: dir.into(), since, settling: HashMap::new(), reported: HashSet::new() }
    }

    /// The folder watched.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The files that became ready since the last scan, oldest first. A folder that does not
    /// exist (yet) gives nothing. A file replaced by a newer download of the same name is
    /// reported again.
    pub fn scan(&mut self) -> Vec<PathBuf> {
        let Ok(entries) = std::fs::read_dir(&self.dir) else { return Vec::new() };
        let mut ready = Vec::new();
        let mut present = HashSet::new();
        for entry in entries.flatten() {
            let name = entry.file_name();
            let Some(name) = name.to_str() else { continue };
            if !looks_like_pod_download(name) {
                continue;
            }
            let Ok(meta) = entry.metadata() else { continue };
            if !meta.is_file() {
                continue;
            }
            let Ok(modified) = meta.modified() else { continue };
            if modified < self.since {
                continue;
            }
            let path = entry.path();
            present.insert(path.clone());
            let now = (meta.len(), modified);
            if self.reported.contains(&(path.clone(), now.0, now.1)) {
                continue;
            }
            match self.settling.insert(path.clone(), now) {
                Some(before) if before == now && now.0 > 0 => {
                    self.settling.remove(&path);
                    self.reported.insert((path.clone(), now.0, now.1));
                    ready.push((modified, path));
                }
                _ => {}
            }
        }
        self.settling.retain(|p, _| present.contains(p));
        ready.sort();
        ready.into_iter().map(|(_, p)| p).collect()
    }
}

/// The person's Downloads folder: `PATCHDESK_DOWNLOADS` when set, else the XDG download folder
/// (`XDG_DOWNLOAD_DIR` in `~/.config/user-dirs.dirs`), else `~/Downloads`.
pub fn downloads_folder() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("PATCHDESK_DOWNLOADS").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(d));
    }
    let home = PathBuf::from(std::env::var_os("HOME")?);
    let config = std::env::var_os("XDG_CONFIG_HOME").map(PathBuf::from).unwrap_or_else(|| home.join(".config"));
    if let Ok(text) = std::fs::read_to_string(config.join("user-dirs.dirs")) {
        for line in text.lines() {
            if let Some(v) = line.trim().strip_prefix("XDG_DOWNLOAD_DIR=") {
                let v = v.trim().trim_matches('"');
                let path = match v.strip_prefix("$HOME") {
                    Some(rest) => home.join(rest.trim_start_matches('/')),
                    None => PathBuf::from(v),
                };
                if path.is_absolute() {
                    return Some(path);
                }
            }
        }
    }
    Some(home.join("Downloads"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn pod_names_are_recognised() {
        for yes in [
            "patch_20251104_101500_F2.1.diff",
            "gpt_patch_f4.3.diff",
            "anything.patch",
            "patch_F2.1_20251104.zip",
            "patch_20251104_101500_F2.1.diff.json",
            "F2.1_handoff.md",
            "patch_F2.1 (1).diff",
        ] {
            assert!(looks_like_pod_download(yes), "{yes}");
        }
        for no in ["holiday.jpg", "notes.md", "data.json", "report.txt", "photos.zip", "patch_F2.1.diff.crdownload", ".hidden.diff", "x.diff.part"] {
            assert!(!looks_like_pod_download(no), "{no}");
        }
    }

    #[test]
    fn reports_new_settled_files_once() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("old.diff"), "before the watch\n").unwrap();
        let since = SystemTime::now() + Duration::from_millis(20);
        std::thread::sleep(Duration::from_millis(50));
        let mut watch = DownloadsWatch::new(dir.path(), since);
        let new = dir.path().join("patch_F2.1.diff");
        std::fs::write(&new, "diff --git a/x b/x\n").unwrap();
        std::fs::write(dir.path().join("notes.md"), "not a pod's\n").unwrap();
        std::fs::write(dir.path().join("patch_F9.diff.crdownload"), "half").unwrap();
        assert!(watch.scan().is_empty(), "first sight: still settling");
        assert_eq!(watch.scan(), vec![new.clone()]);
        assert!(watch.scan().is_empty(), "reported once");
        // A growing file waits until it stops growing.
        let growing = dir.path().join("patch_F3.diff");
        std::fs::write(&growing, "a").unwrap();
        watch.scan();
        std::thread::sleep(Duration::from_millis(20));
        std::fs::write(&growing, "ab").unwrap();
        assert!(watch.scan().is_empty(), "changed since the last scan");
        assert_eq!(watch.scan(), vec![growing]);
        // Downloaded again with new content: reported again.
        std::thread::sleep(Duration::from_millis(20));
        std::fs::write(&new, "diff --git a/y b/y\n").unwrap();
        watch.scan();
        assert_eq!(watch.scan(), vec![new]);
    }

    #[test]
    fn missing_folder_gives_nothing() {
        let mut watch = DownloadsWatch::new("/nonexistent/patchdesk-downloads", SystemTime::now());
        assert!(watch.scan().is_empty());
    }
}
