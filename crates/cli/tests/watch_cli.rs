//! `patchdesk watch`, run as the real binary: a file that appears in the watched folder lands in
//! the inbox, and Ctrl-C stops it cleanly.

use std::fs;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

mod repos;
use repos::{demo, patchdesk, s};

#[test]
fn a_pod_download_appearing_in_the_folder_lands_in_the_inbox_and_ctrl_c_stops_the_watch() {
    let dir = tempfile::tempdir().unwrap();
    let project = demo(dir.path());
    let folder = dir.path().join("downloads");
    fs::create_dir_all(&folder).unwrap();
    // Already there before the watch: left alone.
    fs::write(folder.join("patch_20261101_080000_F1.1.diff"), "old\n").unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_patchdesk"))
        .args(["watch", "--json", "--every-ms", "100", "--repo", s(&project), s(&folder)])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(400));
    let patch = "diff --git a/docs/watched.md b/docs/watched.md\nnew file mode 100644\n--- /dev/null\n+++ b/docs/watched.md\n@@ -0,0 +1 @@\n+hello\n";
    fs::write(folder.join("patch_20261130_120000_F2.1.diff"), patch).unwrap();

    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let started = Instant::now();
    let mut arrived = None;
    for line in lines.by_ref() {
        let v: serde_json::Value = serde_json::from_str(&line.unwrap()).unwrap();
        if v["report"]["imported"].as_array().is_some_and(|a| !a.is_empty()) {
            arrived = Some(v);
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(20), "no arrival");
    }
    let v = arrived.expect("an arrival was told");
    assert_eq!(v["report"]["imported"][0]["file_name"], "patch_20261130_120000_F2.1.diff");
    assert_eq!(v["report"]["imported"][0]["task_id"], "F2.1");

    // A huge download is refused with a sentence; the watch goes on.
    fs::File::create(folder.join("patch_20261130_120500_F2.2.diff")).unwrap().set_len(300 << 20).unwrap();
    let mut refused = None;
    for line in lines.by_ref() {
        let v: serde_json::Value = serde_json::from_str(&line.unwrap()).unwrap();
        if v["report"]["refused"].as_array().is_some_and(|a| !a.is_empty()) {
            refused = Some(v);
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "no refusal");
    }
    let v = refused.expect("the huge file was refused");
    assert_eq!(v["report"]["refused"][0]["file_name"], "patch_20261130_120500_F2.2.diff");
    assert!(v["report"]["refused"][0]["error"]["message"].as_str().unwrap().contains("too large"), "{v}");

    // Ctrl-C: a clean stop with exit 0.
    let pid = child.id().to_string();
    assert!(Command::new("kill").args(["-INT", &pid]).status().unwrap().success());
    let started = Instant::now();
    let status = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break st;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "the watch did not stop");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(status.code(), Some(0));

    let out = patchdesk(&["inbox", "--repo", s(&project), "--json"]);
    let inbox: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let names: Vec<&str> = inbox.as_array().unwrap().iter().filter_map(|i| i["file_name"].as_str()).collect();
    assert!(names.contains(&"patch_20261130_120000_F2.1.diff"), "{names:?}");
    assert!(!names.contains(&"patch_20261101_080000_F1.1.diff"), "files from before the watch stay: {names:?}");
}

#[test]
fn watching_something_that_is_not_a_folder_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let project = demo(dir.path());
    let file = dir.path().join("file.txt");
    fs::write(&file, "x").unwrap();
    let out = patchdesk(&["watch", "--repo", s(&project), s(&file)]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("is not a folder"), "{err}");
}
