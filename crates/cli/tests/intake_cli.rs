//! `patchdesk import` and `patchdesk inbox` against hostile input, through the real binary:
//! names that once crashed it, devices and pipes that ran it out of memory or hung it, a drop of
//! small ZIP bombs, a poisoned inbox, control characters in names, and a closed pipe. Every run
//! is held to 1 GiB of memory (`ulimit -v`) and a time limit, so a regression fails the test
//! instead of the machine.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const DIFF: &str = "diff --git a/docs/goals.md b/docs/goals.md\nindex 1111111..2222222 100644\n--- a/docs/goals.md\n+++ b/docs/goals.md\n@@ -1 +1 @@\n-old\n+new\n";

/// Runs `patchdesk args…` with at most 1 GiB of memory; fails the test if it runs past `secs`.
fn bounded(args: &[&str], paths: &[&Path], secs: u64) -> (Output, Duration) {
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg("ulimit -v 1048576; exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_patchdesk"))
        .args(args)
        .args(paths);
    let mut child = cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let started = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if started.elapsed() > Duration::from_secs(secs) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("patchdesk {args:?} {paths:?} was still running after {secs} s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let took = started.elapsed();
    (child.wait_with_output().unwrap(), took)
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A git repository with one commit.
fn repo(dir: &Path) -> PathBuf {
    let path = dir.join("project");
    let repo = git2::Repository::init(&path).unwrap();
    std::fs::create_dir_all(path.join("docs")).unwrap();
    std::fs::write(path.join("docs/goals.md"), "old\n").unwrap();
    let mut index = repo.index().unwrap();
    index.add_path(Path::new("docs/goals.md")).unwrap();
    let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
    let sig = git2::Signature::now("Lead", "lead@example.com").unwrap();
    repo.commit(Some("HEAD"), &sig, &sig, "start", &tree, &[]).unwrap();
    path
}

/// A ZIP of `n` entries of 1 MiB of zeros: each entry is under the size where its own ratio
/// is checked; together they unpack to `n` MiB from a few hundred KB.
fn small_entries_bomb(n: usize) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let mib = vec![0u8; 1 << 20];
    for i in 0..n {
        w.start_file(format!("docs/{i}.txt"), opts).unwrap();
        w.write_all(&mib).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn import(project: &Path, files: &[&Path]) -> (Output, Duration) {
    bounded(&["import", "--repo", project.to_str().unwrap()], files, 10)
}

fn assert_no_panic(out: &Output) {
    let err = text(&out.stderr);
    assert!(!err.contains("panicked") && out.status.code() != Some(101), "{err}");
    assert!(out.status.code().is_some(), "ended by a signal (out of memory?): {err}");
}

/// The run refused the drop: no panic, exit code 1, and the refusal says `words`.
fn assert_refused(out: &Output, words: &str) {
    assert_no_panic(out);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains(words), "{}", text(&out.stderr));
}

#[test]
fn a_name_with_a_multibyte_character_is_imported() {
    let tmp = tempfile::tempdir().unwrap();
    let project = repo(tmp.path());
    let file = tmp.path().join("patch_2026111é12345.diff");
    std::fs::write(&file, DIFF).unwrap();
    let (out, _) = import(&project, &[&file]);
    assert_no_panic(&out);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("Added patch_2026111é12345.diff"), "{}", text(&out.stdout));
}

#[test]
fn dev_zero_is_refused_without_reading_it() {
    let tmp = tempfile::tempdir().unwrap();
    let project = repo(tmp.path());
    let (out, took) = import(&project, &[Path::new("/dev/zero")]);
    assert_no_panic(&out);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(err.contains("\"zero\"") && err.contains("device"), "{err}");
    assert!(took < Duration::from_secs(5), "{took:?}");
}

#[test]
fn a_fifo_is_refused_without_waiting_on_it() {
    let tmp = tempfile::tempdir().unwrap();
    let project = repo(tmp.path());
    let fifo = tmp.path().join("patch_F2.1.diff");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let (out, took) = import(&project, &[&fifo]);
    assert_refused(&out, "a pipe");
    assert!(took < Duration::from_secs(5), "{took:?}");
}

#[test]
fn a_link_to_a_private_file_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let project = repo(tmp.path());
    let ssh = tmp.path().join(".ssh");
    std::fs::create_dir(&ssh).unwrap();
    std::fs::write(ssh.join("id_ed25519"), DIFF).unwrap();
    let link = tmp.path().join("patch_20261130_101500_F2.1.diff");
    std::os::unix::fs::symlink(ssh.join("id_ed25519"), &link).unwrap();
    let (out, _) = import(&project, &[&link]);
    assert_refused(&out, "is a link");
    assert!(!project.join(".patches").exists(), "nothing written");
}

/// Sixteen ZIPs of about 220 KB, each unpacking to 200 MB of 1 MiB entries (under the
/// per-entry ratio check), dropped together: once unpacked whole in memory until the
/// process aborted; now refused within the 1 GiB cap and 10 s.
#[test]
fn a_drop_of_sixteen_small_zip_bombs_is_refused_in_bounded_memory() {
    let tmp = tempfile::tempdir().unwrap();
    let project = repo(tmp.path());
    let bomb = small_entries_bomb(200);
    let paths: Vec<PathBuf> = (0..16).map(|i| tmp.path().join(format!("patch_F{i}_20261130_101500.zip"))).collect();
    for p in &paths {
        std::fs::write(p, &bomb).unwrap();
    }
    let refs: Vec<&Path> = paths.iter().map(PathBuf::as_path).collect();
    let (out, took) = import(&project, &refs);
    assert_refused(&out, "ZIP bombs");
    assert_eq!(text(&out.stderr).matches("Refused").count(), 16, "{}", text(&out.stderr));
    assert!(took < Duration::from_secs(10), "{took:?}");
    assert!(!project.join(".patches").exists(), "nothing written");
}

/// 100 MB of `[0,0,0,…]` named like a batch: once 4.8 GB to read (the process aborted).
#[test]
fn a_json_flood_is_refused_in_bounded_memory() {
    let tmp = tempfile::tempdir().unwrap();
    let project = repo(tmp.path());
    let file = tmp.path().join("payload.json");
    std::fs::write(&file, format!("[{}0]", "0,".repeat(50 << 20))).unwrap();
    let (out, took) = import(&project, &[&file]);
    assert_refused(&out, "JSON values");
    assert!(took < Duration::from_secs(10), "{took:?}");
}

/// An inbox with an oversized item and metadata that is a link to an endless device still
/// lists (once: out of memory on every start), and the bad item says it can't be read.
#[test]
fn a_poisoned_inbox_still_lists() {
    let tmp = tempfile::tempdir().unwrap();
    let project = repo(tmp.path());
    let good = tmp.path().join("patch_20261130_101500_F1.diff");
    std::fs::write(&good, DIFF).unwrap();
    let (out, _) = import(&project, &[&good]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let queue = project.join(".patches/queue");
    std::fs::File::create(queue.join("patch_F2.diff")).unwrap().set_len(200 << 20).unwrap();
    std::fs::write(queue.join("patch_F3.diff"), DIFF.replace("new", "newer")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", project.join(".logs/patches/patch_F3.json")).unwrap();
    // A ZIP bomb placed in the inbox by hand.
    std::fs::write(queue.join("patch_F5_20261130_101500.zip"), small_entries_bomb(200)).unwrap();
    let (out, took) = bounded(&["inbox", "--repo", project.to_str().unwrap()], &[], 10);
    assert_no_panic(&out);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let listed = text(&out.stdout);
    assert!(listed.contains("patch_20261130_101500_F1.diff") && listed.contains("patch_F3.diff"), "{listed}");
    assert!(listed.contains("can't be read") && listed.contains("too large"), "{listed}");
    assert!(took < Duration::from_secs(10));

    // The app's start-up check of every item (same core): the bad ones are refused with their
    // sentence, the good one still checks.
    let opened = patchdesk_desk::open_project(&project).unwrap();
    let checks = patchdesk_desk::inbox::check_items(&opened).expect("checking never fails for one bad item");
    let check = |name: &str| checks.iter().find(|c| c.name == name).unwrap_or_else(|| panic!("{name}: {checks:#?}"));
    assert_eq!(check("patch_20261130_101500_F1.diff").outcome, patchdesk_desk::apply::Outcome::Clean);
    for (name, words) in [("patch_F2.diff", "too large"), ("patch_F5_20261130_101500.zip", "ZIP bombs")] {
        let c = check(name);
        assert_eq!(c.outcome, patchdesk_desk::apply::Outcome::Refused, "{c:?}");
        assert!(c.problem.as_deref().is_some_and(|p| p.contains(words) && p.contains(name)), "{c:?}");
    }
}

/// Control characters in a file name are printed escaped, never sent to the terminal.
#[test]
fn control_characters_in_names_are_escaped() {
    let tmp = tempfile::tempdir().unwrap();
    let project = repo(tmp.path());
    let file = tmp.path().join("patch_F2.1\u{1b}[2J\u{1b}]0;owned\u{7}\r.diff");
    std::fs::write(&file, DIFF).unwrap();
    let (out, _) = import(&project, &[&file]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    for o in [out, bounded(&["inbox", "--repo", project.to_str().unwrap()], &[], 10).0] {
        let shown = text(&o.stdout);
        assert!(!shown.bytes().any(|b| b == 0x1b || b == 0x07 || b == b'\r'), "{shown:?}");
        assert!(shown.contains("\\u{1b}[2J"), "{shown}");
    }
}

/// `patchdesk inbox --json | head`: the reader closes the pipe; patchdesk ends quietly.
#[test]
fn a_closed_pipe_ends_the_listing_quietly() {
    let tmp = tempfile::tempdir().unwrap();
    let project = repo(tmp.path());
    let file = tmp.path().join("patch_20261130_101500_F1.diff");
    std::fs::write(&file, DIFF).unwrap();
    assert!(import(&project, &[&file]).0.status.success());
    for args in [vec!["inbox", "--json", "--repo"], vec!["inbox", "--repo"]] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_patchdesk"))
            .args(&args)
            .arg(&project)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take()); // the reader is gone before anything is printed
        let out = child.wait_with_output().unwrap();
        let err = text(&out.stderr);
        assert!(!err.contains("panicked") && !err.contains("Broken pipe"), "{err}");
        assert_eq!(out.status.code(), Some(0), "{err}");
    }
}

/// `patchdesk apply` reads its patch with the same reader: a device or a pipe is refused at
/// once (it once read /dev/zero until memory ran out, and waited on a pipe forever).
#[test]
fn apply_refuses_devices_and_pipes() {
    let tmp = tempfile::tempdir().unwrap();
    let project = repo(tmp.path());
    let fifo = tmp.path().join("patch.diff");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    for input in [Path::new("/dev/zero"), fifo.as_path()] {
        let (out, took) =
            bounded(&["apply", "--json", "--base", "HEAD", "--repo", project.to_str().unwrap()], &[input], 10);
        assert_no_panic(&out);
        assert_eq!(out.status.code(), Some(2), "{}", text(&out.stdout));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert!(v["error"]["message"].as_str().unwrap().contains("a pipe"), "{v}");
        assert!(took < Duration::from_secs(5), "{took:?}");
    }
}
