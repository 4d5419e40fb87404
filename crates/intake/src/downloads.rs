//! Noticing pod downloads as they land in the Downloads folder.
//!
//! [`DownloadsWatch::scan`] is called every couple of seconds by the app. It reports a file
//! once, when it has stopped growing (the same size and time on two scans in a row, so a
//! browser still writing it is left alone), and only files that arrived after the watch
//! started: what was already in the folder is the person's own business.
//!
//! Only files named like a pod's download (pod-formats.md: `patch_<ts>_<task>.diff` and its
//! family, `patch_<task>_<ts>.zip` bundles, sidecars and logs named for a patch or task), or
//! arriving beside a recognised sidecar, are taken in. Other patches and ZIPs (any web page
//! can download `fix.diff` or `patch.zip`) are only listed as "Seen in Downloads"
//! ([`DownloadsWatch::seen`]) for the lead to add with one click ([`DownloadsWatch::take_seen`]).
//! Nothing in the folder is moved, changed or deleted.

use crate::input::read_input;
use crate::name::{parse_name, split_extension, NameForm};
use crate::sidecar::Sidecar;
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// Partial downloads of the common browsers: never picked up.
const PARTIAL: [&str; 4] = [".crdownload", ".part", ".download", ".partial"];
/// Largest sidecar read to recognise it (a sidecar is a few hundred bytes).
const MAX_SIDECAR_BYTES: u64 = 1 << 20;

/// Whether a file name is named like a pod's download (pod-formats.md): a patch named
/// `patch_<YYYYMMDD_HHMMSS>[_<task>].diff`, `patch_<task>_<ts>.diff`, `patch_<task>.diff` (a
/// task id has a digit: `F2.1`, `1.1_goals`, `dev-a1b2c3`) or `gpt_patch_<feature>.diff`;
/// a bundle `patch_<task>_<ts>.zip`; a sidecar `patch_….json`; a log named for its task
/// (`<task>_handoff.md`, `<task>_prompt.txt`, …). `fix.diff` or `photos.zip` is not.
pub fn looks_like_pod_download(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    if lower.starts_with('.') || PARTIAL.iter().any(|p| lower.ends_with(p)) {
        return false;
    }
    let info = parse_name(name);
    let (_, ext) = split_extension(&info.clean_name);
    let task_like = info.task_id.as_deref().is_some_and(|t| t.bytes().any(|b| b.is_ascii_digit()));
    let patch_named = match info.form {
        NameForm::TimestampTask | NameForm::Timestamp | NameForm::TaskTimestamp | NameForm::GptFeature => true,
        NameForm::Task => task_like,
        NameForm::TaskLog | NameForm::Other => false,
    };
    match ext.as_str() {
        "diff" | "patch" | "mbox" | "zip" | "json" => patch_named,
        "md" | "txt" | "yaml" | "yml" => info.form == NameForm::TaskLog,
        _ => false,
    }
}

/// Whether a file may be pod output that is not named like it: a patch or a ZIP by its
/// extension. Such files are only listed as seen.
fn may_be_pod_output(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    if lower.starts_with('.') || PARTIAL.iter().any(|p| lower.ends_with(p)) {
        return false;
    }
    let (_, ext) = split_extension(&parse_name(name).clean_name);
    matches!(ext.as_str(), "diff" | "patch" | "mbox" | "zip")
}

/// A file in the watched folder that looks like a patch or a ZIP but is not named like a
/// pod's download: listed as "Seen in Downloads", added to the inbox only on a click.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct SeenFile {
    /// Its file name in the watched folder.
    pub name: String,
    /// Its size in bytes.
    pub size: u32,
}

/// Watches one folder (not its subfolders) for new pod downloads.
#[derive(Debug)]
pub struct DownloadsWatch {
    dir: PathBuf,
    since: SystemTime,
    /// Size and modification time seen on the last scan, for files not yet reported.
    settling: HashMap<PathBuf, (u64, SystemTime)>,
    reported: HashSet<(PathBuf, u64, SystemTime)>,
    /// Settled files not named like a pod's, oldest first, with their size and time.
    seen: Vec<(PathBuf, u64, SystemTime)>,
}

impl DownloadsWatch {
    /// Watches `dir` for files modified at or after `since` (usually: now).
    pub fn new(dir: impl Into<PathBuf>, since: SystemTime) -> DownloadsWatch {
        DownloadsWatch { dir: dir.into(), since, settling: HashMap::new(), reported: HashSet::new(), seen: Vec::new() }
    }

    /// The folder watched.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The files to take in that became ready since the last scan, oldest first: those named
    /// like a pod's download, and those beside a recognised sidecar (with the sidecar). Other
    /// patches and ZIPs go to [`DownloadsWatch::seen`]. A folder that does not exist (yet) gives
    /// nothing. A file replaced by a newer download of the same name is reported again.
    pub fn scan(&mut self) -> Vec<PathBuf> {
        let Ok(entries) = std::fs::read_dir(&self.dir) else { return Vec::new() };
        let mut ready = Vec::new();
        let mut present = HashSet::new();
        for entry in entries.flatten() {
            let name = entry.file_name();
            let Some(name) = name.to_str() else { continue };
            let pod_named = looks_like_pod_download(name);
            if !pod_named && !may_be_pod_output(name) {
                continue;
            }
            // Not followed: a link in Downloads is neither taken in nor listed.
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
                    self.seen.retain(|(p, _, _)| p != &path);
                    if pod_named {
                        ready.push((modified, path));
                    } else {
                        self.seen.push((path, now.0, modified));
                    }
                }
                _ => {}
            }
        }
        self.settling.retain(|p, _| present.contains(p));
        self.seen.retain(|(p, _, _)| present.contains(p));
        // Seen files that have (or got) a recognised sidecar beside them are taken in with it.
        let mut beside = Vec::new();
        self.seen.retain(|(p, _, modified)| match recognised_sidecar(p) {
            Some(sidecar) => {
                beside.push((*modified, p.clone()));
                beside.push((*modified, sidecar));
                false
            }
            None => true,
        });
        for (modified, path) in beside {
            if !ready.iter().any(|(_, p)| p == &path) {
                ready.push((modified, path));
            }
        }
        ready.sort();
        ready.into_iter().map(|(_, p)| p).collect()
    }

    /// Files seen but not taken in, oldest first, for the "Seen in Downloads" list.
    pub fn seen(&self) -> Vec<SeenFile> {
        self.seen
            .iter()
            .filter_map(|(p, size, _)| {
                let name = p.file_name()?.to_str()?.to_string();
                Some(SeenFile { name, size: u32::try_from(*size).unwrap_or(u32::MAX) })
            })
            .collect()
    }

    /// The lead clicked "Add to inbox" on seen file `name`: its path, taken off the list.
    /// `None` for a name that is not on the list (only listed files can be added this way).
    pub fn take_seen(&mut self, name: &str) -> Option<PathBuf> {
        let at = self.seen.iter().position(|(p, _, _)| p.file_name().and_then(|n| n.to_str()) == Some(name))?;
        Some(self.seen.remove(at).0)
    }
}

/// The sidecar beside `path` (`<stem>.json` or `<name>.json`), when it is a plain file that
/// reads as pod metadata naming a task, and does not name another patch.
fn recognised_sidecar(path: &Path) -> Option<PathBuf> {
    let name = path.file_name()?.to_str()?;
    let (stem, _) = split_extension(name);
    let dir = path.parent()?;
    [format!("{stem}.json"), format!("{name}.json")].into_iter().map(|n| dir.join(n)).find(|candidate| {
        let Ok(bytes) = read_input(candidate, MAX_SIDECAR_BYTES) else { return false };
        let Ok(sidecar) = Sidecar::from_json("sidecar", &bytes) else { return false };
        let names_this = match sidecar.patch_file.as_deref() {
            Some(pf) => pf.rsplit(['/', '\\']).next() == Some(name),
            None => true,
        };
        sidecar.task_id.as_deref().is_some_and(|t| !t.trim().is_empty()) && names_this
    })
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
            "patch_20251104_101500.diff",
            "patch_1.1_capture_project_goals_20251104_101500.diff",
            "gpt_patch_f4.3.diff",
            "patch_F2.1_20251104.zip",
            "patch_F2.1_20251104_101500.zip",
            "patch_20251104_101500_F2.1.diff.json",
            "F2.1_handoff.md",
            "patch_F2.1 (1).diff",
            "patch_dev-a1b2c3.patch",
        ] {
            assert!(looks_like_pod_download(yes), "{yes}");
        }
        for no in [
            "holiday.jpg",
            "notes.md",
            "data.json",
            "report.txt",
            "photos.zip",
            "anything.patch",
            "fix.diff",
            "patch.zip",
            "patch_fix.diff",
            "patch_release.zip",
            "patch_F2.1.diff.crdownload",
            ".hidden.diff",
            "x.diff.part",
            "patch_2026111é12345.diff",
        ] {
            assert!(!looks_like_pod_download(no), "{no}");
        }
    }

    /// Web downloads that merely look like a pod's are listed, not taken in; one click (by
    /// name, only for a listed file) gives the path to add.
    #[test]
    fn other_patches_and_zips_are_only_seen() {
        let dir = tempfile::tempdir().unwrap();
        let mut watch = DownloadsWatch::new(dir.path(), SystemTime::now() - Duration::from_secs(1));
        let pod = dir.path().join("patch_20261130_101500_F2.1.diff");
        for (name, text) in [
            ("patch_20261130_101500_F2.1.diff", "diff --git a/x b/x\n"),
            ("fix.diff", "diff --git a/y b/y\n"),
            ("anything.patch", "diff --git a/z b/z\n"),
            ("patch.zip", "PK\x03\x04"),
            ("patch_2026111é12345.diff", "diff --git a/w b/w\n"),
            ("holiday.jpg", "jpg"),
        ] {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        assert!(watch.scan().is_empty(), "first sight: still settling");
        assert_eq!(watch.scan(), vec![pod]);
        let mut seen: Vec<String> = watch.seen().into_iter().map(|s| s.name).collect();
        seen.sort();
        assert_eq!(seen, ["anything.patch", "fix.diff", "patch.zip", "patch_2026111é12345.diff"]);
        assert!(watch.scan().is_empty(), "seen files are not taken in later either");
        assert_eq!(watch.take_seen("../holiday.jpg"), None);
        assert_eq!(watch.take_seen("holiday.jpg"), None);
        assert_eq!(watch.take_seen("fix.diff"), Some(dir.path().join("fix.diff")));
        assert!(!watch.seen().iter().any(|s| s.name == "fix.diff"));
        // Deleted from the folder: off the list.
        std::fs::remove_file(dir.path().join("anything.patch")).unwrap();
        watch.scan();
        assert!(!watch.seen().iter().any(|s| s.name == "anything.patch"));
    }

    /// A patch with any name arriving beside a sidecar that reads as pod metadata is taken in,
    /// with the sidecar; a sidecar naming another patch does not count.
    #[test]
    fn a_patch_beside_a_recognised_sidecar_is_taken_in() {
        let dir = tempfile::tempdir().unwrap();
        let mut watch = DownloadsWatch::new(dir.path(), SystemTime::now() - Duration::from_secs(1));
        std::fs::write(dir.path().join("update.diff"), "diff --git a/x b/x\n").unwrap();
        std::fs::write(dir.path().join("update.json"), r#"{"task_id": "F3.1", "patch_file": ".patches/update.diff"}"#)
            .unwrap();
        std::fs::write(dir.path().join("other.diff"), "diff --git a/x b/x\n").unwrap();
        std::fs::write(dir.path().join("other.json"), r#"{"task_id": "F3.2", "patch_file": ".patches/else.diff"}"#)
            .unwrap();
        watch.scan();
        let mut got = watch.scan();
        got.sort();
        assert_eq!(got, vec![dir.path().join("update.diff"), dir.path().join("update.json")]);
        assert_eq!(watch.seen().into_iter().map(|s| s.name).collect::<Vec<_>>(), ["other.diff"]);
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
