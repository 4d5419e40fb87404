//! The inbox on disk: real files in temporary working folders.

mod common;

use common::*;
use patchdesk_error::Code;
use patchdesk_intake::{DiffFlavor, IntakeError, Kind, LogKind, Queue, Status};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

const DIFF: &str = "diff --git a/docs/goals.md b/docs/goals.md\nindex 1111111..2222222 100644\n--- a/docs/goals.md\n+++ b/docs/goals.md\n@@ -1 +1 @@\n-old\n+new\n";
const DIFF2: &str = "diff --git a/metrics/m.yaml b/metrics/m.yaml\nnew file mode 100644\n--- /dev/null\n+++ b/metrics/m.yaml\n@@ -0,0 +1 @@\n+a: 1\n";

fn f(name: &str, bytes: impl AsRef<[u8]>) -> (String, Vec<u8>) {
    (name.to_string(), bytes.as_ref().to_vec())
}

/// Every file under `root` with its bytes: a snapshot to prove "nothing was written".
fn snapshot(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in fs::read_dir(&dir).unwrap() {
            let e = e.unwrap();
            let p = e.path();
            if p.is_dir() {
                out.insert(format!("{}/", p.strip_prefix(root).unwrap().display()), Vec::new());
                stack.push(p);
            } else {
                out.insert(p.strip_prefix(root).unwrap().display().to_string(), fs::read(&p).unwrap());
            }
        }
    }
    out
}

fn meta_json(root: &Path, rel: &str) -> Value {
    serde_json::from_slice(&fs::read(root.join(rel)).unwrap()).unwrap()
}

#[test]
fn a_diff_is_stored_with_metadata_written_from_its_name() {
    let dir = tempfile::tempdir().unwrap();
    let q = Queue::open(dir.path()).unwrap();
    let report = q.import(&[f("patch_20250422_103045_2.3_build_metrics_tool (1).diff", DIFF)]);
    assert!(report.is_clean(), "{report:?}");
    assert_eq!(report.imported.len(), 1);
    let item = &report.imported[0];
    assert_eq!(item.name, "patch_20250422_103045_2.3_build_metrics_tool.diff");
    assert_eq!(item.file_name, "patch_20250422_103045_2.3_build_metrics_tool (1).diff");
    assert_eq!(item.path, ".patches/queue/patch_20250422_103045_2.3_build_metrics_tool.diff");
    assert_eq!(item.metadata_path, ".logs/patches/patch_20250422_103045_2.3_build_metrics_tool.json");
    assert_eq!(item.task_id.as_deref(), Some("2.3_build_metrics_tool"));
    assert_eq!(item.timestamp.as_deref(), Some("2025-04-22T10:30:45"));
    assert_eq!(item.kind, Kind::Diff { flavor: DiffFlavor::Git });
    assert_eq!(item.status, Status::Queued);
    assert_eq!(item.summary.as_deref(), Some("Changes docs/goals.md"));
    assert_eq!(item.size as usize, DIFF.len());

    assert_eq!(fs::read(dir.path().join(&item.path)).unwrap(), DIFF.as_bytes());
    assert_eq!(q.read_bytes(&item.name).unwrap(), DIFF.as_bytes());
    // The canonical (older) sidecar form, plus Patchdesk's own key.
    let meta = meta_json(dir.path(), &item.metadata_path);
    let keys: Vec<&str> = meta.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["patch_file", "task_id", "summary", "output_folders", "patchdesk"]);
    assert_eq!(meta["patch_file"], ".patches/patch_20250422_103045_2.3_build_metrics_tool.diff");
    assert_eq!(meta["output_folders"], serde_json::json!(["docs/"]));
    assert_eq!(meta["patchdesk"]["status"], "queued");
    assert_eq!(meta["patchdesk"]["sha256"], item.sha256.as_str());
    assert_eq!(meta["patchdesk"]["source_name"], "patch_20250422_103045_2.3_build_metrics_tool (1).diff");

    assert_eq!(q.list().unwrap(), vec![item.clone()]);
    assert_eq!(&q.get(&item.name).unwrap(), item);
    // No temporary files left behind.
    assert!(snapshot(dir.path()).keys().all(|k| !k.contains("patchdesk-tmp")));
}

#[test]
fn sha256_is_the_content_hash() {
    let dir = tempfile::tempdir().unwrap();
    let q = Queue::open(dir.path()).unwrap();
    let item =
        q.import(&[f("a.diff", "diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n")]).imported.remove(0);
    // sha256 of these exact bytes, computed here on its own.
    use sha2::Digest;
    let expected = hex::encode(sha2::Sha256::digest(b"diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n"));
    assert_eq!(item.sha256, expected);
}

#[test]
fn a_dropped_sidecar_and_logs_travel_with_their_patch() {
    let dir = tempfile::tempdir().unwrap();
    let q = Queue::open(dir.path()).unwrap();
    let sidecar = r#"{"task_id": "1.1_capture_project_goals", "summary": "Capture the goals", "output_files": ["docs/project_goals.md"], "prompt": "prompts/used/DevPod/1.1_capture_project_goals_prompt.txt", "branch_name": "chatgpt/auto/discovery/1.1_capture_project_goals", "x_reviewer_hint": {"focus": ["tone"]}}"#;
    let report = q.import(&[
        f("patch_1.1_capture_project_goals_20250501_090000.diff", DIFF),
        f("patch_1.1_capture_project_goals_20250501_090000.json", sidecar),
        f("thought_trace.yaml", "- thought: start with goals\n  timestamp: 2025-05-01\n"),
        f("1.1_capture_project_goals_handoff.md", "Over to QA.\n"),
        f(".DS_Store", b"\0\0\0\x01Bud1"),
    ]);
    assert!(report.is_clean(), "{report:?}");
    assert_eq!(report.imported.len(), 1);
    assert_eq!(report.attached.len(), 3, "{report:?}");
    assert_eq!(report.ignored, [".DS_Store"]);
    assert!(report.unmatched.is_empty(), "{report:?}");
    let item = &report.imported[0];
    assert_eq!(item.pod.as_deref(), Some("DevPod"));
    assert_eq!(item.summary.as_deref(), Some("Capture the goals"));
    assert_eq!(item.branch.as_deref(), Some("chatgpt/auto/discovery/1.1_capture_project_goals"));
    assert_eq!(item.timestamp.as_deref(), Some("2025-05-01T09:00:00"));
    let kinds: Vec<LogKind> = item.logs.iter().map(|l| l.kind).collect();
    assert_eq!(kinds, [LogKind::ThoughtTrace, LogKind::HandoffNotes]);
    assert_eq!(
        item.logs[0].location,
        ".patches/queue/patch_1.1_capture_project_goals_20250501_090000.diff.logs/thought_trace.yaml"
    );
    assert_eq!(q.read_log(&item.name, &item.logs[1]).unwrap(), b"Over to QA.\n");
    assert!(dir.path().join(&item.logs[0].location).is_file());

    // Every field the pod wrote is kept, in its order, before Patchdesk's key.
    let meta = meta_json(dir.path(), &item.metadata_path);
    let keys: Vec<&str> = meta.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["task_id", "summary", "output_files", "prompt", "branch_name", "x_reviewer_hint", "patchdesk"]);
    assert_eq!(meta["x_reviewer_hint"]["focus"][0], "tone");
    assert_eq!(meta["patchdesk"]["logs"].as_array().unwrap().len(), 2);
}

#[test]
fn importing_the_same_bytes_again_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let q = Queue::open(dir.path()).unwrap();
    let first = q.import(&[f("patch_F2.1.diff", DIFF)]).imported.remove(0);
    let before = snapshot(dir.path());
    let again = q.import(&[f("patch_F2.1 (1).diff", DIFF), f("thought_trace.yaml", "- thought: x\n")]);
    assert!(again.imported.is_empty());
    assert_eq!(again.already_imported.len(), 1);
    assert_eq!(again.already_imported[0].file_name, "patch_F2.1 (1).diff");
    assert_eq!(again.already_imported[0].item, first);
    assert_eq!(again.unmatched.len(), 1, "{again:?}");
    assert!(again.unmatched[0].reason.contains("imported before"));
    assert_eq!(snapshot(dir.path()), before);

    // Within one drop, too.
    let dir2 = tempfile::tempdir().unwrap();
    let q2 = Queue::open(dir2.path()).unwrap();
    let r = q2.import(&[f("a.diff", DIFF), f("b.diff", DIFF)]);
    assert_eq!(r.imported.len(), 1);
    assert_eq!(r.already_imported[0].item.name, "a.diff");
    assert_eq!(q2.list().unwrap().len(), 1);
}

#[test]
fn a_different_file_with_a_taken_name_gets_a_new_name() {
    let dir = tempfile::tempdir().unwrap();
    let q = Queue::open(dir.path()).unwrap();
    let a = q.import(&[f("patch_F2.1.diff", DIFF)]).imported.remove(0);
    let b = q.import(&[f("patch_F2.1.diff", DIFF2)]).imported.remove(0);
    // A ZIP with the same stem must not share the metadata file either.
    let c = q.import(&[f("patch_F2.1.zip", pod_bundle())]).imported.remove(0);
    assert_eq!(a.name, "patch_F2.1.diff");
    assert_eq!(b.name, "patch_F2.1-2.diff");
    assert_eq!(c.name, "patch_F2.1-3.zip");
    assert_eq!(b.metadata_path, ".logs/patches/patch_F2.1-2.json");
    assert_eq!(q.read_bytes(&a.name).unwrap(), DIFF.as_bytes());
    assert_eq!(q.read_bytes(&b.name).unwrap(), DIFF2.as_bytes());
    // Task id still comes from the dropped name, not the numbered one.
    assert_eq!(b.task_id.as_deref(), Some("F2.1"));
    // A file someone else put there is never replaced.
    fs::write(dir.path().join(".patches/queue/patch_G1.diff"), "not mine").unwrap();
    let d = q.import(&[f("patch_G1.diff", DIFF.replace("new", "newer"))]).imported.remove(0);
    assert_eq!(d.name, "patch_G1-2.diff");
    assert_eq!(fs::read(dir.path().join(".patches/queue/patch_G1.diff")).unwrap(), b"not mine");
}

#[test]
fn any_bad_file_in_a_drop_means_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let q = Queue::open(dir.path()).unwrap();
    q.import(&[f("patch_A.diff", DIFF)]);
    let before = snapshot(dir.path());
    let evil = zip_of(&[E::File("docs/ok.md", b"ok"), E::File("../../.bashrc", b"rm -rf ~")]);
    let junk: Vec<u8> = (0..2000u32).map(|i| (i.wrapping_mul(2654435761) >> 11) as u8).collect();
    type Drop = Vec<(String, Vec<u8>)>;
    let cases: Vec<(Drop, Code)> = vec![
        (vec![f("patch_B.diff", DIFF2), f("patch_evil.zip", &evil)], Code::UnsafePath),
        (vec![f("patch_B.diff", DIFF2), f("patch_C.diff", "")], Code::EmptyInput),
        (vec![f("patch_B.diff", DIFF2), f("patch_D.diff", &junk)], Code::PatchUnreadable),
        (vec![f("patch_B.diff", DIFF2), f("patch_B.json", "{\"task_id\": ")], Code::PatchUnreadable),
        (
            vec![f("payload.json", r#"{"commit_message": "m", "files": [{"path": ".git/config", "content": "x"}]}"#)],
            Code::UnsafePath,
        ),
        (vec![f("patch_bomb.zip", zip_of(&[E::File("z.txt", &vec![0u8; 4 << 20])]))], Code::InputTooLarge),
        (vec![f("patch_link.zip", zip_of(&[E::Symlink("docs/l", "/etc/shadow")]))], Code::UnsafePath),
        (vec![f("patch_enc.zip", mark_encrypted(zip_of(&[E::File("a.md", b"a")])))], Code::PatchUnreadable),
    ];
    for (files, code) in cases {
        let names: Vec<String> = files.iter().map(|(n, _)| n.clone()).collect();
        let r = q.import(&files);
        assert!(!r.is_clean(), "{names:?}");
        assert!(r.imported.is_empty());
        assert_eq!(r.refused[0].error.code, code, "{names:?}: {}", r.refused[0].error.message);
        assert!(
            r.refused[0].error.message.contains(&r.refused[0].file_name.replace(" (1)", "")),
            "{}",
            r.refused[0].error.message
        );
        if names.len() > 1 {
            assert_eq!(r.held_back, [names[0].clone()]);
        }
        assert_eq!(snapshot(dir.path()), before, "{names:?} wrote something");
    }
}

#[test]
fn bundles_and_batches_are_stored_as_they_came() {
    let dir = tempfile::tempdir().unwrap();
    let q = Queue::open(dir.path()).unwrap();
    let zip = pod_bundle();
    let batch = br#"{"branch": "main", "commit_message": "Add weekly metrics\n\nDetails", "files": [{"path": "metrics/metrics.yaml", "content": "weekly_snapshots: []\n"}]}"#;
    let r = q.import(&[f("patch_F2.1_20250419_123456.zip", &zip), f("payload.json", batch)]);
    assert!(r.is_clean(), "{r:?}");
    let bundle = r.imported.iter().find(|i| i.kind == Kind::Bundle).unwrap();
    assert_eq!(q.read_bytes(&bundle.name).unwrap(), zip);
    assert_eq!(bundle.task_id.as_deref(), Some("F2.1"));
    assert_eq!(bundle.pod.as_deref(), Some("QAPod"));
    assert_eq!(bundle.summary.as_deref(), Some("Add symptom parser tests"));
    assert_eq!(bundle.logs.len(), 4);
    assert!(bundle.logs.iter().all(|l| l.in_bundle));
    let trace = bundle.logs.iter().find(|l| l.kind == LogKind::ReasoningTrace).unwrap();
    assert_eq!(q.read_log(&bundle.name, trace).unwrap(), b"## Thoughts\n- edge cases first\n");
    let meta = meta_json(dir.path(), &bundle.metadata_path);
    assert_eq!(meta["confidence"], "high");

    let b = r.imported.iter().find(|i| i.kind == Kind::Batch).unwrap();
    assert_eq!(b.name, "payload.json");
    assert_eq!(b.metadata_path, ".logs/patches/payload.json");
    assert_eq!(b.summary.as_deref(), Some("Add weekly metrics"));
    assert_eq!(b.branch.as_deref(), Some("main"));
    assert_eq!(q.read_bytes("payload.json").unwrap(), batch);
}

#[test]
fn status_changes_keep_every_other_field() {
    let dir = tempfile::tempdir().unwrap();
    let q = Queue::open(dir.path()).unwrap();
    let sidecar = r#"{"patch_file": ".patches/patch_F2.1.diff", "task_id": "F2.1", "summary": "s", "output_folders": ["docs/"], "weird": [1, {"a": null}]}"#;
    let item = q.import(&[f("patch_F2.1.diff", DIFF), f("patch_F2.1.json", sidecar)]).imported.remove(0);
    for status in [Status::Reviewed, Status::Rejected, Status::Queued, Status::Merged] {
        let updated = q.set_status(&item.name, status).unwrap();
        assert_eq!(updated.status, status);
        assert_eq!(q.get(&item.name).unwrap().status, status);
    }
    let meta = meta_json(dir.path(), &item.metadata_path);
    let keys: Vec<&str> = meta.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["patch_file", "task_id", "summary", "output_folders", "weird", "patchdesk"]);
    assert_eq!(meta["weird"], serde_json::json!([1, {"a": null}]));
    assert_eq!(meta["patchdesk"]["history"].as_array().unwrap().len(), 5);
    assert_eq!(meta["patchdesk"]["status"], "merged");

    let e = q.set_status("nope.diff", Status::Reviewed).unwrap_err();
    assert!(matches!(e, IntakeError::NotFound { .. }));
    assert_eq!(patchdesk_error::Coded::code(&e), Code::ItemNotFound);
    assert!(q.get("../../etc/passwd").is_err());
    assert!(q.read_bytes(".logs").is_err());
}

#[test]
fn promote_moves_the_patch_and_its_logs() {
    let dir = tempfile::tempdir().unwrap();
    let q = Queue::open(dir.path()).unwrap();
    let item = q.import(&[f("patch_F2.1.diff", DIFF), f("changelog.yaml", "- type: feature\n")]).imported.remove(0);
    let paths = q.promote_paths(&item.name).unwrap();
    assert_eq!(paths.promoted, dir.path().join(".patches/patch_F2.1.diff"));
    assert_eq!(paths.current, dir.path().join(".patches/queue/patch_F2.1.diff"));
    let promoted = q.promote(&item.name).unwrap();
    assert_eq!(promoted.status, Status::Promoted);
    assert_eq!(promoted.path, ".patches/patch_F2.1.diff");
    assert!(!paths.current.exists());
    assert_eq!(fs::read(&paths.promoted).unwrap(), DIFF.as_bytes());
    assert_eq!(q.read_log(&item.name, &promoted.logs[0]).unwrap(), b"- type: feature\n");
    assert_eq!(promoted.logs[0].location, ".patches/patch_F2.1.diff.logs/changelog.yaml");
    assert_eq!(q.list().unwrap().len(), 1);
    // Promoted items still count for duplicate detection.
    assert_eq!(q.import(&[f("again.diff", DIFF)]).already_imported.len(), 1);
}

#[test]
fn list_is_newest_first_and_includes_seed_style_files() {
    let dir = tempfile::tempdir().unwrap();
    // Placed by hand the seed's way, before Patchdesk ever ran.
    fs::create_dir_all(dir.path().join(".patches/queue")).unwrap();
    fs::create_dir_all(dir.path().join(".logs/patches")).unwrap();
    fs::write(dir.path().join(".patches/queue/patch_20250419_123456.diff"), DIFF2).unwrap();
    fs::write(
        dir.path().join(".logs/patches/patch_20250419_123456.json"),
        r#"{"patch_file": ".patches/patch_20250419_123456.diff", "task_id": "F2.1", "summary": "by hand", "output_folders": ["metrics/"]}"#,
    )
    .unwrap();
    fs::write(dir.path().join(".patches/README.md"), "not a patch").unwrap();
    // Make the hand-placed file clearly older.
    let old = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_745_066_096); // 2025-04-19T12:34:56Z
    fs::File::options()
        .write(true)
        .open(dir.path().join(".patches/queue/patch_20250419_123456.diff"))
        .unwrap()
        .set_modified(old)
        .unwrap();

    // The inbox's clock is handed in: the second import is a second later, without waiting.
    let clock = std::sync::Arc::new(patchdesk_clock::TestClock::new(time::macros::datetime!(2026-11-19 10:00 UTC)));
    let q = Queue::open(dir.path()).unwrap().with_clock(clock.clone());
    let first = q.import(&[f("patch_one.diff", DIFF)]).imported.remove(0);
    clock.advance(std::time::Duration::from_secs(1));
    let second = q.import(&[f("patch_two.diff", DIFF.replace("new", "two"))]).imported.remove(0);
    assert_eq!(
        (first.received_at.as_str(), second.received_at.as_str()),
        ("2026-11-19T10:00:00Z", "2026-11-19T10:00:01Z")
    );
    let names: Vec<String> = q.list().unwrap().into_iter().map(|i| i.name).collect();
    assert_eq!(names, [second.name.clone(), first.name.clone(), "patch_20250419_123456.diff".to_string()]);

    let hand = q.get("patch_20250419_123456.diff").unwrap();
    assert_eq!(hand.task_id.as_deref(), Some("F2.1"));
    assert_eq!(hand.summary.as_deref(), Some("by hand"));
    assert_eq!(hand.status, Status::Queued);
    assert_eq!(hand.timestamp.as_deref(), Some("2025-04-19T12:34:56"));
    // The hand-placed bytes are recognised as already there.
    assert_eq!(q.import(&[f("copy.diff", DIFF2)]).already_imported[0].item.name, "patch_20250419_123456.diff");
    // Changing its status keeps the hand-written fields.
    q.set_status(&hand.name, Status::Reviewed).unwrap();
    let meta = meta_json(dir.path(), ".logs/patches/patch_20250419_123456.json");
    assert_eq!(meta["summary"], "by hand");
    assert_eq!(meta["output_folders"], serde_json::json!(["metrics/"]));
    assert_eq!(meta["patchdesk"]["status"], "reviewed");
}

#[test]
fn companions_that_cannot_be_matched_are_reported_not_stored() {
    let dir = tempfile::tempdir().unwrap();
    let q = Queue::open(dir.path()).unwrap();
    let r = q.import(&[
        f("patch_F2.1.diff", DIFF),
        f("patch_F3.0.diff", DIFF2),
        f("thought_trace.yaml", "- thought: which one?\n"),
        f("F3.0_prompt.txt", "prompt for F3.0\n"),
        f("patch_F2.1.json", r#"{"task_id": "F2.1", "summary": "two-one"}"#),
        f("other.json", r#"{"task_id": "F9.9", "summary": "nobody"}"#),
    ]);
    assert!(r.is_clean(), "{r:?}");
    assert_eq!(r.imported.len(), 2);
    let unmatched: Vec<&str> = r.unmatched.iter().map(|u| u.file_name.as_str()).collect();
    assert_eq!(unmatched, ["other.json", "thought_trace.yaml"]);
    let f3 = r.imported.iter().find(|i| i.name == "patch_F3.0.diff").unwrap();
    assert_eq!(f3.logs.len(), 1);
    assert_eq!(f3.logs[0].kind, LogKind::PromptUsed);
    let f2 = r.imported.iter().find(|i| i.name == "patch_F2.1.diff").unwrap();
    assert_eq!(f2.summary.as_deref(), Some("two-one"));
    assert!(!snapshot(dir.path()).keys().any(|k| k.contains("thought_trace") || k.contains("other")));

    // Only logs, no patch: nothing to attach to.
    let r = q.import(&[f("thought_trace.yaml", "- thought: alone\n")]);
    assert!(r.is_clean() && r.imported.is_empty());
    assert_eq!(r.unmatched.len(), 1);
}

#[test]
fn open_refuses_a_missing_folder() {
    let dir = tempfile::tempdir().unwrap();
    let e = Queue::open(dir.path().join("missing")).unwrap_err();
    assert_eq!(patchdesk_error::Coded::code(&e), Code::Io);
    assert!(e.to_string().contains("missing"), "{e}");
    let file = dir.path().join("file");
    fs::write(&file, "x").unwrap();
    assert!(Queue::open(&file).is_err());
}
