//! Whether the inbox changed on disk, cheaply: the pod API (`patchdesk serve`), `patchdesk
//! watch`, the CLI or the Action may add items while the window is open on the same project.
//! A front end keeps an [`InboxStamp`] and asks [`inbox_changed`] every [`EVERY`]: it lists
//! the inbox's folders (names, sizes, modification times) and never reads a patch.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::time::{Duration, SystemTime};

/// How often a window looks at its project's inbox.
pub const EVERY: Duration = Duration::from_secs(2);

/// The inbox's folders, relative to the working folder, as the inbox keeps them: items waiting,
/// items promoted, and their metadata (where an item's status lives).
const FOLDERS: [&str; 3] = [".patches/queue", ".patches", ".logs/patches"];
/// The waiting items' folder: a name new here is an item that arrived.
const WAITING: usize = 0;

/// At most this many entries of one folder are looked at; past it the stamp holds the folder's
/// own size and time, so a folder flooded with files costs the same every round.
const MAX_ENTRIES: usize = 20_000;

/// What one file looked like: size and modification time (None where the system has none).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Seen {
    size: u64,
    modified: Option<SystemTime>,
}

/// One folder: its entries by name, or (when it is a link, not a folder, or too full) only
/// what the folder itself looked like.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct Folder {
    entries: BTreeMap<String, Seen>,
    /// Set when the entries were not all listed.
    whole: Option<Seen>,
}

/// What the inbox looked like on disk at one moment. Equal stamps: nothing to show anew.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct InboxStamp {
    folders: Vec<Folder>,
}

/// The inbox changed: the new stamp, and the items waiting now that were not before
/// (names in the inbox, as [`crate::InboxItem::name`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboxChange {
    pub stamp: InboxStamp,
    pub arrived: Vec<String>,
}

impl InboxStamp {
    /// The inbox of the project at `workdir` now. A missing folder is an empty one; a folder
    /// that is a link is never followed (the inbox never lists through links either).
    pub fn read(workdir: &Path) -> InboxStamp {
        InboxStamp { folders: FOLDERS.iter().map(|f| read_folder(&workdir.join(f))).collect() }
    }

    /// Names waiting in this stamp that were not waiting in `earlier`.
    pub fn arrived_since(&self, earlier: &InboxStamp) -> Vec<String> {
        let (Some(now), before) = (self.folders.get(WAITING), earlier.folders.get(WAITING)) else { return Vec::new() };
        now.entries.keys().filter(|n| before.is_none_or(|b| !b.entries.contains_key(*n))).cloned().collect()
    }
}

/// Whether the inbox of the project at `workdir` changed since `since` (an item added, removed,
/// rewritten or its status changed): `None` when it looks the same.
pub fn inbox_changed(workdir: &Path, since: &InboxStamp) -> Option<InboxChange> {
    let stamp = InboxStamp::read(workdir);
    if &stamp == since {
        return None;
    }
    let arrived = stamp.arrived_since(since);
    Some(InboxChange { stamp, arrived })
}

fn seen(meta: &fs::Metadata) -> Seen {
    Seen { size: meta.len(), modified: meta.modified().ok() }
}

fn read_folder(dir: &Path) -> Folder {
    let Ok(meta) = fs::symlink_metadata(dir) else { return Folder::default() };
    if !meta.is_dir() {
        return Folder { entries: BTreeMap::new(), whole: Some(seen(&meta)) };
    }
    let Ok(list) = fs::read_dir(dir) else { return Folder { entries: BTreeMap::new(), whole: Some(seen(&meta)) } };
    let mut entries = BTreeMap::new();
    for entry in list.flatten() {
        if entries.len() == MAX_ENTRIES {
            return Folder { entries, whole: Some(seen(&meta)) };
        }
        // Files being written (`.patchdesk-tmp-…`) and hidden files are not items: the change
        // shows when the finished file is renamed into place.
        let Ok(name) = entry.file_name().into_string() else { continue };
        if name.starts_with('.') {
            continue;
        }
        // The entry itself, never what a link points to.
        let Ok(m) = entry.metadata() else { continue };
        if m.is_file() {
            entries.insert(name, seen(&m));
        }
    }
    Folder { entries, whole: None }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs::{self, File, FileTimes};

    fn project() -> tempfile::TempDir {
        let tmp = tempfile::tempdir().unwrap();
        for f in FOLDERS {
            fs::create_dir_all(tmp.path().join(f)).unwrap();
        }
        tmp
    }

    fn write(root: &Path, path: &str, text: &str) {
        fs::write(root.join(path), text).unwrap();
    }

    #[test]
    fn nothing_changed_says_nothing() {
        let p = project();
        write(p.path(), ".patches/queue/patch_F2.1.diff", "diff");
        let stamp = InboxStamp::read(p.path());
        assert_eq!(inbox_changed(p.path(), &stamp), None);
        assert_eq!(inbox_changed(p.path(), &stamp), None, "asking again changes nothing");
    }

    #[test]
    fn an_item_that_arrives_is_named() {
        let p = project();
        write(p.path(), ".patches/queue/old.diff", "diff");
        let stamp = InboxStamp::read(p.path());
        write(p.path(), ".patches/queue/patch_20261130_180000_F3.1.diff", "diff");
        write(p.path(), ".logs/patches/patch_20261130_180000_F3.1.json", "{}");
        let change = inbox_changed(p.path(), &stamp).expect("a change");
        assert_eq!(change.arrived, vec!["patch_20261130_180000_F3.1.diff".to_string()]);
        assert_eq!(inbox_changed(p.path(), &change.stamp), None, "the new stamp is the current one");
    }

    #[test]
    fn a_status_change_a_rewrite_a_promotion_and_a_removal_are_changes_without_arrivals() {
        let p = project();
        write(p.path(), ".patches/queue/a.diff", "diff");
        write(p.path(), ".logs/patches/a.json", r#"{"patchdesk":{"status":"queued"}}"#);
        let mut stamp = InboxStamp::read(p.path());
        let mut step = |what: &str, change: &dyn Fn()| {
            change();
            let c = inbox_changed(p.path(), &stamp).unwrap_or_else(|| panic!("{what} was not seen"));
            assert!(c.arrived.is_empty(), "{what}: {:?}", c.arrived);
            stamp = c.stamp;
        };
        step("a status written (same size)", &|| {
            write(p.path(), ".logs/patches/a.json", r#"{"patchdesk":{"status":"rejctd"}}"#)
        });
        // Same size and content, only the time differs (a rewrite within one size).
        step("a rewrite with a new time", &|| {
            let f = File::options().write(true).open(p.path().join(".logs/patches/a.json")).unwrap();
            f.set_times(FileTimes::new().set_modified(SystemTime::UNIX_EPOCH + Duration::from_secs(7))).unwrap();
        });
        step("a promotion", &|| {
            fs::rename(p.path().join(".patches/queue/a.diff"), p.path().join(".patches/a.diff")).unwrap()
        });
        step("a removal", &|| fs::remove_file(p.path().join(".patches/a.diff")).unwrap());
    }

    #[test]
    fn files_being_written_and_folders_are_not_items() {
        let p = project();
        let stamp = InboxStamp::read(p.path());
        write(p.path(), ".patches/queue/.patchdesk-tmp-123", "half");
        fs::create_dir(p.path().join(".patches/queue/x.diff.logs")).unwrap();
        assert_eq!(inbox_changed(p.path(), &stamp), None);
    }

    #[test]
    fn a_project_without_an_inbox_yet_sees_its_first_item() {
        let tmp = tempfile::tempdir().unwrap();
        let stamp = InboxStamp::read(tmp.path());
        assert_eq!(stamp, InboxStamp::read(tmp.path()));
        fs::create_dir_all(tmp.path().join(".patches/queue")).unwrap();
        write(tmp.path(), ".patches/queue/first.diff", "diff");
        assert_eq!(inbox_changed(tmp.path(), &stamp).unwrap().arrived, vec!["first.diff".to_string()]);
    }

    #[test]
    fn a_linked_folder_is_not_followed() {
        let p = project();
        let elsewhere = tempfile::tempdir().unwrap();
        fs::remove_dir(p.path().join(".patches/queue")).unwrap();
        std::os::unix::fs::symlink(elsewhere.path(), p.path().join(".patches/queue")).unwrap();
        let stamp = InboxStamp::read(p.path());
        write(elsewhere.path(), "outside.diff", "diff");
        assert_eq!(inbox_changed(p.path(), &stamp), None, "nothing behind the link is looked at");
    }

    #[test]
    fn a_flooded_folder_costs_a_bounded_listing_and_still_shows_changes() {
        let p = project();
        let queue = p.path().join(".patches/queue");
        for i in 0..MAX_ENTRIES + 10 {
            File::create(queue.join(format!("f{i}.diff"))).unwrap();
        }
        let stamp = InboxStamp::read(p.path());
        assert_eq!(stamp.folders[WAITING].entries.len(), MAX_ENTRIES);
        assert!(stamp.folders[WAITING].whole.is_some());
        // The folder's own time moves when an entry is added.
        let dir = File::open(&queue).unwrap();
        dir.set_times(FileTimes::new().set_modified(SystemTime::UNIX_EPOCH + Duration::from_secs(9))).unwrap();
        assert!(inbox_changed(p.path(), &stamp).is_some());
    }
}
