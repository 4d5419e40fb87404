//! Hostile drops and a poisoned inbox: bombs spread over many small ZIPs, links, devices,
//! pipes, unsafe paths in diffs, oversized and linked inbox items. Every case is refused (or
//! listed as "can't be read") with one sentence naming the file, in bounded time, and nothing
//! is written on a refusal.

mod common;

use common::*;
use patchdesk_error::Code;
use patchdesk_intake::{Limits, Queue};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const DIFF: &str = "diff --git a/docs/goals.md b/docs/goals.md\nindex 1111111..2222222 100644\n--- a/docs/goals.md\n+++ b/docs/goals.md\n@@ -1 +1 @@\n-old\n+new\n";

/// Every file under `root` (relative path → bytes; folders end in `/`; links are not followed).
fn snapshot(root: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            let rel = p.strip_prefix(root).unwrap().display().to_string();
            let meta = fs::symlink_metadata(&p).unwrap();
            if meta.is_dir() {
                out.push((format!("{rel}/"), Vec::new()));
                stack.push(p);
            } else if meta.is_file() {
                out.push((rel, fs::read(&p).unwrap()));
            } else {
                out.push((format!("{rel}@"), Vec::new()));
            }
        }
    }
    out.sort();
    out
}

fn mkfifo(path: &Path) {
    assert!(Command::new("mkfifo").arg(path).status().unwrap().success());
}

fn refusal<'a>(report: &'a patchdesk_intake::ImportReport, file: &str) -> &'a patchdesk_error::UserError {
    &report
        .refused
        .iter()
        .find(|r| r.file_name == file)
        .unwrap_or_else(|| panic!("{file} not refused: {report:#?}"))
        .error
}

/// Sixteen ZIPs that each pass every per-file limit unpack to more than one drop may bring:
/// the drop is refused while unpacking, with the drop's budget named, and nothing is written.
#[test]
fn a_drop_of_many_bundles_is_held_to_one_budget() {
    let dir = tempfile::tempdir().unwrap();
    let limits = Limits { max_compression_ratio: 1_000_000, max_drop_bytes: 64 << 20, ..Limits::default() };
    let q = Queue::open_with(dir.path(), limits).unwrap();
    let bomb = small_entries_bomb(8);
    let files: Vec<(String, Vec<u8>)> =
        (0..16).map(|i| (format!("patch_F{i}_20260101_101010.zip"), bomb.clone())).collect();
    let report = q.import(&files);
    assert!(report.imported.is_empty(), "{report:#?}");
    assert!(!report.refused.is_empty());
    let over: Vec<_> = report.refused.iter().filter(|r| r.error.code == Code::InputTooLarge).collect();
    assert!(over.iter().any(|r| r.error.message.contains("dropped together")), "{report:#?}");
    assert!(over.iter().all(|r| r.error.message.contains(&r.file_name)), "{report:#?}");
    assert!(snapshot(dir.path()).is_empty(), "nothing written");

    // The file count is one budget too.
    let limits = Limits { max_drop_files: 20, ..Limits::default() };
    let q = Queue::open_with(dir.path(), limits).unwrap();
    // Seven files in each of three drops: 21, one over.
    let seven: Vec<(String, String)> = (1..=7).map(|i| (format!("a/{i}.md"), i.to_string())).collect();
    let zip = zip_of(&seven.iter().map(|(n, c)| E::File(n, c.as_bytes())).collect::<Vec<_>>());
    let report = q.import(&files[..3].iter().map(|(n, _)| (n.clone(), zip.clone())).collect::<Vec<_>>());
    assert!(report.refused.iter().any(|r| r.error.message.contains("more than 20 files")), "{report:#?}");
    assert!(snapshot(dir.path()).is_empty());
}

/// The real attack with the default limits: 16 small ZIPs of 1 MiB entries, each a few
/// hundred KB, once aborted the process (every ZIP unpacked in memory, up to 512 MB each).
#[test]
fn sixteen_small_zip_bombs_are_refused_fast() {
    let dir = tempfile::tempdir().unwrap();
    let q = Queue::open(dir.path()).unwrap();
    let bomb = small_entries_bomb(200);
    let files: Vec<(String, Vec<u8>)> =
        (0..16).map(|i| (format!("patch_F{i}_20260101_101010.zip"), bomb.clone())).collect();
    let started = Instant::now();
    let report = q.import(&files);
    let took = started.elapsed();
    assert_eq!(report.refused.len(), 16, "{report:#?}");
    // Each is refused by its ratio as a whole, or by the drop's budget once that is spent.
    assert!(report.refused[0].error.message.contains("ZIP bombs"), "{report:#?}");
    assert!(
        report.refused.iter().all(|r| r.error.code == Code::InputTooLarge
            && r.error.message.contains(&r.file_name)
            && (r.error.message.contains("ZIP bombs") || r.error.message.contains("dropped together"))),
        "{report:#?}"
    );
    assert!(took < Duration::from_secs(10), "{took:?}");
    assert!(snapshot(dir.path()).is_empty());
}

/// Imports from disk take plain files only: a link (here into a stand-in for `~/.ssh`), a
/// device, a pipe and a folder are each refused with a sentence, without reading through the
/// link or waiting on the pipe; nothing is written.
#[test]
fn imports_take_plain_files_only() {
    let home = tempfile::tempdir().unwrap();
    let ssh = home.path().join(".ssh");
    fs::create_dir(&ssh).unwrap();
    // A "private key" that would even pass as a patch if read through the link.
    fs::write(ssh.join("id_rsa"), DIFF).unwrap();
    let drop = home.path().join("Downloads");
    fs::create_dir(&drop).unwrap();
    let link = drop.join("patch_20260101_101010_F2.1.diff");
    std::os::unix::fs::symlink(ssh.join("id_rsa"), &link).unwrap();
    let fifo = drop.join("patch_F2.2.diff");
    mkfifo(&fifo);
    let folder = drop.join("patch_F2.3.diff");
    fs::create_dir(&folder).unwrap();
    let good = drop.join("patch_F2.4.diff");
    fs::write(&good, DIFF).unwrap();

    let repo = tempfile::tempdir().unwrap();
    let q = Queue::open(repo.path()).unwrap();
    let started = Instant::now();
    let report = q.import_paths(&[link, fifo, folder, PathBuf::from("/dev/zero"), good]);
    assert!(started.elapsed() < Duration::from_secs(10));
    let e = refusal(&report, "patch_20260101_101010_F2.1.diff");
    assert_eq!(e.code, Code::UnsafePath, "{e:?}");
    assert!(e.message.contains("is a link") && e.message.contains("patch_20260101_101010_F2.1.diff"), "{}", e.message);
    assert!(refusal(&report, "patch_F2.2.diff").message.contains("a pipe"));
    assert!(refusal(&report, "patch_F2.3.diff").message.contains("folder"));
    assert!(refusal(&report, "zero").message.contains("device"));
    assert_eq!(report.held_back, ["patch_F2.4.diff"]);
    assert!(snapshot(repo.path()).is_empty(), "nothing written");
}

/// A diff whose paths the apply would refuse later is refused at import, with the path named.
#[test]
fn diffs_with_unsafe_paths_are_refused_at_import() {
    let repo = tempfile::tempdir().unwrap();
    let q = Queue::open(repo.path()).unwrap();
    let cases = [
        ("patch_F1.diff", "diff --git a/../escape.txt b/../escape.txt\nnew file mode 100644\n--- /dev/null\n+++ b/../escape.txt\n@@ -0,0 +1 @@\n+x\n", "../escape.txt"),
        ("patch_F2.diff", "diff --git a/.git/hooks/post-checkout b/.git/hooks/post-checkout\nnew file mode 100755\n--- /dev/null\n+++ b/.git/hooks/post-checkout\n@@ -0,0 +1 @@\n+rm -rf ~\n", ".git/hooks/post-checkout"),
        ("patch_F3.diff", "--- a/docs/a.md\n+++ b/docs/../../outside.md\n@@ -1 +1 @@\n-a\n+b\n", "outside.md"),
    ];
    for (name, diff, path) in cases {
        let report = q.import(&[(name.to_string(), diff.as_bytes().to_vec())]);
        let e = refusal(&report, name);
        assert_eq!(e.code, Code::UnsafePath, "{name}: {}", e.message);
        assert!(e.message.contains(name) && e.message.contains(path), "{name}: {}", e.message);
    }
    assert!(snapshot(repo.path()).is_empty(), "nothing written");
    // A plain patch still comes in.
    assert!(q.import(&[("patch_F4.diff".to_string(), DIFF.as_bytes().to_vec())]).is_clean());
}

/// A poisoned inbox (an oversized item, metadata that is a link to a device, an item that is
/// a pipe, a linked logs folder) still lists, quickly; what can't be read says so.
#[test]
fn a_bad_inbox_item_never_breaks_the_listing() {
    let repo = tempfile::tempdir().unwrap();
    let q = Queue::open(repo.path()).unwrap();
    assert!(q.import(&[("patch_20260101_101010_F1.diff".to_string(), DIFF.as_bytes().to_vec())]).is_clean());
    let queue = repo.path().join(".patches/queue");
    // Placed by hand, larger than an inbox item may be (sparse: costs no disk).
    let big = fs::File::create(queue.join("patch_F2.diff")).unwrap();
    big.set_len(200 << 20).unwrap();
    // An item whose metadata is a link to a device that never ends.
    fs::write(queue.join("patch_F3.diff"), DIFF.replace("new", "newer")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", repo.path().join(".logs/patches/patch_F3.json")).unwrap();
    // A pipe where an item would be.
    mkfifo(&queue.join("patch_F4.diff"));

    let started = Instant::now();
    let items = q.list().expect("the listing never fails for one bad item");
    assert!(started.elapsed() < Duration::from_secs(10));
    let names: Vec<&str> = items.iter().map(|i| i.name.as_str()).collect();
    assert!(names.contains(&"patch_20260101_101010_F1.diff") && names.contains(&"patch_F3.diff"), "{names:?}");
    assert!(!names.contains(&"patch_F4.diff"), "a pipe is not an item: {names:?}");
    let big = items.iter().find(|i| i.name == "patch_F2.diff").expect("the oversized item is listed");
    let why = big.unreadable.as_deref().expect("marked as can't be read");
    assert!(why.contains("patch_F2.diff") && why.contains("too large"), "{why}");
    assert!(items.iter().filter(|i| i.name != "patch_F2.diff").all(|i| i.unreadable.is_none()), "{items:#?}");
    let e = q.read_bytes("patch_F2.diff").unwrap_err();
    assert!(e.to_string().contains("too large"), "{e}");
}

/// The inbox is never read or written through a link: a linked `.patches` folder is not
/// listed and not written to; a log stored as a link is not read.
#[test]
fn the_inbox_is_never_read_or_written_through_links() {
    let outside = tempfile::tempdir().unwrap();
    fs::create_dir_all(outside.path().join("queue")).unwrap();
    fs::write(outside.path().join("queue/patch_secret.diff"), DIFF).unwrap();
    let before = snapshot(outside.path());

    let repo = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(outside.path(), repo.path().join(".patches")).unwrap();
    let q = Queue::open(repo.path()).unwrap();
    assert!(q.list().unwrap().is_empty(), "nothing listed through the link");
    assert!(q.read_bytes("patch_secret.diff").is_err());
    let report = q.import(&[("patch_F1.diff".to_string(), DIFF.as_bytes().to_vec())]);
    let e = refusal(&report, "patch_F1.diff");
    assert_eq!(e.code, Code::UnsafePath);
    assert!(e.message.contains(".patches") && e.message.contains("link"), "{}", e.message);
    assert_eq!(snapshot(outside.path()), before, "nothing written outside");

    // A log replaced by a link to a private file is not read through.
    let repo = tempfile::tempdir().unwrap();
    let q = Queue::open(repo.path()).unwrap();
    let report = q.import(&[
        ("patch_F1.diff".to_string(), DIFF.as_bytes().to_vec()),
        ("F1_handoff.md".to_string(), b"Ready.\n".to_vec()),
    ]);
    let item = &report.imported[0];
    let log = &item.logs[0];
    let stored = repo.path().join(&log.location);
    fs::remove_file(&stored).unwrap();
    fs::write(outside.path().join("id_rsa"), "PRIVATE").unwrap();
    std::os::unix::fs::symlink(outside.path().join("id_rsa"), &stored).unwrap();
    let e = q.read_log(&item.name, log).unwrap_err();
    assert!(e.to_string().contains("link"), "{e}");
}

/// JSON of many tiny values (`[0,0,0,…]`): 100 MB once needed 4.8 GB to read and aborted
/// the process. Refused by a count of separators before anything is built; a real batch of
/// 5,000 files still reads.
#[test]
fn a_json_flood_is_refused_before_it_is_built() {
    let flood = format!("[{}0]", "0,".repeat(300_000));
    let object_flood = format!("{{\"commit_message\": \"m\", \"files\": [{}0]}}", "0,".repeat(300_000));
    for (name, bytes) in [("payload.json", flood.as_bytes()), ("patch_F1.json", object_flood.as_bytes())] {
        let e = patchdesk_intake::identify(name, bytes).unwrap_err();
        assert_eq!(patchdesk_error::Coded::code(&e), Code::InputTooLarge, "{e}");
        assert!(e.to_string().contains(name) && e.to_string().contains("JSON values"), "{e}");
    }
    assert!(patchdesk_intake::read_batch("payload.json", object_flood.as_bytes()).is_err());
    assert!(patchdesk_intake::Sidecar::from_json("meta.json", flood.as_bytes()).is_err());
    let files: Vec<String> =
        (0..5000).map(|i| format!("{{\"path\": \"docs/{i}.md\", \"content\": \"a, b: [c] {{d}}\\n\"}}")).collect();
    let batch = format!("{{\"commit_message\": \"m\", \"files\": [{}]}}", files.join(","));
    assert_eq!(patchdesk_intake::read_batch("payload.json", batch.as_bytes()).unwrap().files.len(), 5000);
}
