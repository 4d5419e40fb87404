//! Pod downloads picked up from the Downloads folder: which folder is watched (the settings,
//! `PATCHDESK_DOWNLOADS` wins), and one pickup round — what is named like a pod's download goes
//! to the inbox as it lands; a log or sidecar that arrived before its patch is tried again for a
//! while; other patches and ZIPs are only listed ("Seen in Downloads") until the lead adds one.
//! The front end repeats [`Pickup::round`] (see [`crate::background::Rounds`]) and tells the
//! person what each [`Arrived`] says.

use crate::settings::{read_settings, write_settings};
use crate::{Desk, ImportReport, SeenFile};
use patchdesk_error::{Code, UserError};
use patchdesk_intake::DownloadsWatch;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

/// How often the folder is looked at.
pub const EVERY: Duration = Duration::from_millis(1500);
/// A log or sidecar that arrived before its patch is tried again for this many rounds.
pub const LOG_RETRIES: u32 = 20;

/// The folder to watch: `PATCHDESK_DOWNLOADS` when set; else none when the lead turned the
/// watch off; else the chosen folder, or the desktop's download folder.
pub fn watched(desk: &Desk) -> Option<PathBuf> {
    if let Some(d) = &desk.overrides().downloads {
        return Some(d.clone());
    }
    let settings = read_settings(desk.data_dir()).unwrap_or_default();
    if settings.downloads_watch == Some(false) {
        return None;
    }
    settings.downloads_folder.map(PathBuf::from).or_else(patchdesk_intake::downloads_folder)
}

/// Refuses a chosen Downloads folder that is not a folder (a file, or nothing at all).
fn a_folder(f: &str) -> Result<(), UserError> {
    if Path::new(f).is_dir() {
        return Ok(());
    }
    Err(UserError::new(
        Code::InputInvalid,
        format!("{f} is not a folder on this computer. Choose a folder that exists."),
    ))
}

/// Turns the watch on (for `folder`, or the download folder when none is given) or off, in the
/// settings. Returns the folder now watched.
pub fn set_watch(desk: &Desk, on: bool, folder: Option<&str>) -> Result<Option<PathBuf>, UserError> {
    let mut settings = read_settings(desk.data_dir())?;
    let folder = folder.map(|f| f.trim().to_string()).filter(|f| !f.is_empty());
    if let Some(f) = &folder {
        a_folder(f)?;
    }
    settings.downloads_watch = Some(on);
    if on {
        settings.downloads_folder = folder;
    }
    write_settings(desk.data_dir(), &settings)?;
    Ok(watched(desk))
}

/// What a round has to tell: files picked up (with what the inbox made of them), or, with no
/// report and no error, the "Seen in Downloads" list as it now is (`files`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Arrived {
    /// The folder watched (empty when the watch was turned off).
    pub folder: String,
    /// The files taken this time (names only), or the names now seen.
    pub files: Vec<String>,
    /// What the inbox made of them, when a project was open.
    pub report: Option<ImportReport>,
    /// Why they could not be added.
    pub error: Option<UserError>,
}

/// The watch and what it waits for, kept between rounds and shared with the "Seen in
/// Downloads" list.
#[derive(Default)]
pub struct Pickup {
    /// When the app started: the first folder watched counts files from then, so a download
    /// landing before the first look is still taken. Later folders count from when chosen.
    started: Option<SystemTime>,
    watch: Option<DownloadsWatch>,
    /// Logs that matched no patch yet, with the rounds left to wait for it.
    waiting: Vec<(PathBuf, u32)>,
    /// The seen list as last told.
    last_seen: Vec<SeenFile>,
}

/// Files to import found by [`Pickup::scan`].
struct Found {
    dir: PathBuf,
    files: Vec<PathBuf>,
}

impl Pickup {
    /// A pickup for an app that started at `started`.
    pub fn starting(started: SystemTime) -> Pickup {
        Pickup { started: Some(started), ..Pickup::default() }
    }

    /// Files that look like patches or ZIPs but are not named like a pod's download.
    pub fn seen(&self) -> Vec<SeenFile> {
        self.watch.as_ref().map(DownloadsWatch::seen).unwrap_or_default()
    }

    /// Takes `name` off the seen list: its path, when it is on it.
    pub fn take_seen(&mut self, name: &str) -> Option<PathBuf> {
        self.watch.as_mut().and_then(|w| w.take_seen(name))
    }

    /// The folder watched, if any.
    pub fn folder(&self) -> Option<PathBuf> {
        self.watch.as_ref().map(|w| w.dir().to_path_buf())
    }

    /// Looks at `folder` (the first one is watched from the start, a new one from `now` on): a
    /// changed seen list goes to `news`; the files to import now (new ones, and logs still
    /// waiting) are returned.
    fn scan(&mut self, folder: Option<PathBuf>, now: SystemTime, news: &mut Vec<Arrived>) -> Option<Found> {
        let since = self.started.take().map_or(now, |s| s.min(now));
        let Some(dir) = folder else {
            self.watch = None;
            if !self.last_seen.is_empty() {
                self.last_seen.clear();
                news.push(Arrived { folder: String::new(), files: Vec::new(), report: None, error: None });
            }
            return None;
        };
        if self.watch.as_ref().map(|w| w.dir()) != Some(dir.as_path()) {
            self.watch = Some(DownloadsWatch::new(&dir, since));
            self.waiting.clear();
        }
        let fresh = self.watch.as_mut().map(DownloadsWatch::scan).unwrap_or_default();
        let seen = self.seen();
        if seen != self.last_seen {
            let files = seen.iter().map(|f| f.name.clone()).collect();
            news.push(Arrived { folder: dir.display().to_string(), files, report: None, error: None });
            self.last_seen = seen;
        }
        if fresh.is_empty() && self.waiting.is_empty() {
            return None;
        }
        let mut files = fresh.clone();
        files.extend(self.waiting.iter().map(|(p, _)| p.clone()).filter(|p| p.exists() && !fresh.contains(p)));
        Some(Found { dir, files })
    }

    /// Unmatched logs wait a little for their patch; everything else is settled. Returns what to
    /// tell, when it is worth telling.
    fn settle(&mut self, found: Found, result: Result<ImportReport, UserError>) -> Option<Arrived> {
        let (report, error) = match result {
            Ok(r) => (Some(r), None),
            Err(e) => (None, Some(e)),
        };
        let unmatched: Vec<PathBuf> = report
            .as_ref()
            .map(|r| r.unmatched.iter().map(|u| found.dir.join(&u.file_name)).collect())
            .unwrap_or_default();
        let mut next = Vec::new();
        for path in &unmatched {
            let left = self.waiting.iter().find(|(p, _)| p == path).map_or(LOG_RETRIES, |(_, n)| *n);
            if left > 1 {
                next.push((path.clone(), left - 1));
            }
        }
        let still_waiting = !next.is_empty();
        self.waiting = next;
        let worth_telling = error.is_some()
            || report.as_ref().is_some_and(|r| {
                !r.imported.is_empty()
                    || !r.attached.is_empty()
                    || !r.refused.is_empty()
                    || (!still_waiting && !r.unmatched.is_empty())
            });
        worth_telling.then(|| Arrived {
            folder: found.dir.display().to_string(),
            files: found.files.iter().filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned())).collect(),
            report,
            error,
        })
    }

    /// One round on the shared pickup: scan `folder` (the watch held only while looking), put
    /// what arrived in the inbox with `import` (the open project's [`crate::inbox::import`]),
    /// and return what to tell, in order.
    pub fn round(
        shared: &Mutex<Pickup>,
        folder: Option<PathBuf>,
        now: SystemTime,
        import: impl FnOnce(&[PathBuf]) -> Result<ImportReport, UserError>,
    ) -> Vec<Arrived> {
        let lock = || shared.lock().unwrap_or_else(|p| p.into_inner());
        let mut news = Vec::new();
        let found = lock().scan(folder, now, &mut news);
        if let Some(found) = found {
            let result = import(&found.files);
            news.extend(lock().settle(found, result));
        }
        news
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A chosen Downloads folder that is a file or missing is what the person typed, not a full disk.
    #[test]
    fn a_downloads_folder_that_is_not_a_folder_is_input_invalid() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("notes.txt");
        std::fs::write(&file, "x").unwrap();
        for f in [file, dir.path().join("missing")] {
            let e = a_folder(&f.display().to_string()).unwrap_err();
            assert_eq!(e.code, Code::InputInvalid, "{}", e.message);
            assert!(e.message.contains("is not a folder"), "{}", e.message);
        }
        assert!(a_folder(&dir.path().display().to_string()).is_ok());
    }
}
