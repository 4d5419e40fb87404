//! compute_metrics over a repository folder holding every source: inbox metadata (hand-made
//! in the intake's shape, and made by the real intake queue), the trace log, the handoff log,
//! feedback files and metrics.yaml; plus garbled files.

use patchdesk_intake::{Queue, Status};
use patchdesk_logs::{compute_metrics, record_rejection, Metrics, PodMetrics, Rejection};
use std::fs;
use std::path::Path;
use time::macros::datetime;

fn write(dir: &Path, rel: &str, text: &str) {
    fs::create_dir_all(dir.join(rel).parent().unwrap()).unwrap();
    fs::write(dir.join(rel), text).unwrap();
}

/// Metadata as the intake writes it: the pod's sidecar fields plus ours under "patchdesk".
fn meta(name: &str, task: &str, pod: &str, flavor: &str, history: &[(&str, &str)]) -> String {
    let received = history[0].1;
    let history: Vec<serde_json::Value> =
        history.iter().map(|(s, at)| serde_json::json!({"status": s, "at": at})).collect();
    let status = history.last().map(|h| h["status"].clone()).unwrap_or(serde_json::json!("queued"));
    serde_json::to_string_pretty(&serde_json::json!({
        "task_id": task,
        "summary": "s",
        "patchdesk": {
            "name": name, "status": status, "sha256": "00", "received_at": received, "source_name": name,
            "kind": {"type": "diff", "flavor": flavor}, "size": 10, "pod": pod, "logs": [], "history": history
        }
    }))
    .unwrap()
}

const TASKS: &str =
    "tasks:\n  F2.1:\n    pod_owner: QAPod\n  F2.2:\n    pod_owner: DevPod\n  F3.1:\n    pod_owner: DevPod\n";

fn pod<'m>(m: &'m Metrics, key: &str) -> &'m PodMetrics {
    m.pods.iter().find(|p| p.pod == key).unwrap_or_else(|| panic!("no {key} in {:?}", m.pods))
}

#[test]
fn every_source_adds_up_without_counting_twice() {
    let dir = tempfile::tempdir().unwrap();
    let w = dir.path();
    write(w, "task.yaml", TASKS);
    // DevPod: one patch promoted after 3 h and merged 24 h later; one rejected, damaged in chat.
    write(
        w,
        ".logs/patches/a.json",
        &meta(
            "a.diff",
            "F2.2",
            "DevPod",
            "git",
            &[
                ("queued", "2026-11-16T09:00:00Z"),
                ("promoted", "2026-11-16T12:00:00Z"),
                ("merged", "2026-11-17T12:00:00Z"),
            ],
        ),
    );
    write(
        w,
        ".logs/patches/b.json",
        &meta(
            "b.diff",
            "F3.1",
            "dev",
            "chat",
            &[("queued", "2026-11-18T09:00:00Z"), ("rejected", "2026-11-18T10:00:00Z")],
        ),
    );
    // QAPod: promoted after 1 h, still open; the following week.
    write(
        w,
        ".logs/patches/c.json",
        &meta(
            "c.diff",
            "F2.1",
            "qa_pod",
            "git",
            &[("queued", "2026-11-23T08:00:00Z"), ("promoted", "2026-11-23T09:00:00Z")],
        ),
    );
    // A seed-style sidecar without Patchdesk's fields: counted nowhere, but no problem either.
    write(w, ".logs/patches/seed.json", "{\"patch_file\": \".patches/x.diff\", \"task_id\": \"F2.1\", \"summary\": \"x\", \"output_folders\": [\"docs/\"]}");
    // The trace log: a.diff again (not counted twice) and an older patch with no metadata.
    write(
        w,
        ".logs/trace_log.md",
        "# Trace log\n\n## 2026-11-16 12:00 UTC — F2.2: a\n\n- Time: 2026-11-16T12:00:00Z\n- Pod: DevPod\n- Patch: .patches/a.diff\n\n## 2026-11-10 — F1.1: goals\n\n- Pod: research\n- Patch: .patches/old.diff\n- Repairs: 1\n",
    );
    write(w, ".logs/handoff_log.yaml", "handoffs:\n  - from: dev_pod\n    to: qa_pod\n    date: 2026-11-17\n    task: F2.2\n  - from: qa_pod\n    to: delivery_pod\n    date: 2026-11-24\n    task: F2.1\n");
    // metrics.yaml: the same W47 DevPod patch as the metadata (max, not sum), and an older week.
    write(w, "metrics/metrics.yaml", "weekly_snapshots:\n  - week: 2026-W46\n    pods:\n      research:\n        patch_count: 1\n        merged: 1\n        proposed: 1\n  - week: 2026-W47\n    pods:\n      dev:\n        patch_count: 1\n        proposed: 1\n        handoffs: 1\n");
    // A second rejection known only from the feedback file.
    record_rejection(
        w,
        &Rejection {
            task_id: "F3.1".into(),
            patch: "b.diff".into(),
            note: "same as the metadata".into(),
            reviewer: None,
        },
        datetime!(2026-11-18 10:00 UTC),
    )
    .unwrap();
    record_rejection(
        w,
        &Rejection { task_id: "F3.1".into(), patch: "older.diff".into(), note: "by hand".into(), reviewer: None },
        datetime!(2026-11-18 11:00 UTC),
    )
    .unwrap();

    let m = compute_metrics(w);
    assert!(m.problems.is_empty(), "{:?}", m.problems);
    assert_eq!(m.weeks, ["2026-W46", "2026-W47", "2026-W48"]);

    let dev = pod(&m, "DevPod");
    let weeks: Vec<(&str, u32, u32, u32)> =
        dev.weeks.iter().map(|w| (w.week.as_str(), w.patches, w.merged, w.handoffs)).collect();
    assert_eq!(weeks, [("2026-W47", 2, 1, 1)]);
    assert_eq!((dev.patches, dev.promoted, dev.merged, dev.rejected, dev.repaired), (2, 1, 1, 2, 1));
    assert_eq!((dev.handoffs_out, dev.handoffs_in), (1, 0));
    assert_eq!(dev.merge_rate, Some(1.0));

    let qa = pod(&m, "QAPod");
    assert_eq!((qa.patches, qa.promoted, qa.merged, qa.handoffs_in, qa.handoffs_out), (1, 1, 0, 1, 1));
    assert_eq!(qa.merge_rate, Some(0.0));
    let research = pod(&m, "ResearchPod");
    assert_eq!((research.patches, research.merged, research.repaired), (1, 1, 1));
    assert_eq!(research.weeks.iter().map(|w| w.week.as_str()).collect::<Vec<_>>(), ["2026-W46"]);
    assert_eq!(pod(&m, "DeliveryPod").handoffs_in, 1);
    // Board order: DevPod, QAPod, ResearchPod, DeliveryPod.
    let order: Vec<&str> = m.pods.iter().map(|p| p.pod.as_str()).collect();
    assert_eq!(order, ["DevPod", "QAPod", "ResearchPod", "DeliveryPod"]);

    let drop: Vec<(&str, f64)> = m.drop_to_pr.iter().map(|l| (l.item.as_str(), l.hours)).collect();
    assert_eq!(drop, [("a.diff", 3.0), ("c.diff", 1.0)]);
    assert_eq!(m.pr_to_merge.len(), 1);
    assert_eq!((m.pr_to_merge[0].hours, m.pr_to_merge[0].week.as_str()), (24.0, "2026-W47"));
    assert_eq!(m.median_drop_to_pr_hours, Some(2.0));
    assert_eq!(m.median_pr_to_merge_hours, Some(24.0));
    // Sent for review: DevPod 1, QAPod 1, ResearchPod 1 (metrics.yaml); merged: 2.
    assert_eq!(m.merge_rate, Some(0.667));

    // The view's data crosses to the UI as JSON.
    let json = serde_json::to_value(&m).unwrap();
    assert_eq!(json["pods"][0]["pod"], "DevPod");
    assert_eq!(json["drop_to_pr"][0]["hours"], 3.0);
}

#[test]
fn metadata_written_by_the_real_inbox_is_understood() {
    let dir = tempfile::tempdir().unwrap();
    let w = dir.path();
    write(w, "task.yaml", TASKS);
    let diff = "diff --git a/docs/a.md b/docs/a.md\nindex 1111111..2222222 100644\n--- a/docs/a.md\n+++ b/docs/a.md\n@@ -1 +1 @@\n-old\n+new\n";
    let queue = Queue::open(w).unwrap();
    let report = queue.import(&[("patch_20261118_101500_F2.2.diff".to_string(), diff.as_bytes().to_vec())]);
    let name = report.imported[0].name.clone();
    queue.promote(&name).unwrap();
    queue.set_status(&name, Status::Merged).unwrap();

    let m = compute_metrics(w);
    let dev = pod(&m, "DevPod");
    assert_eq!((dev.patches, dev.promoted, dev.merged), (1, 1, 1));
    assert_eq!(m.drop_to_pr.len(), 1);
    assert_eq!(m.drop_to_pr[0].task_id.as_deref(), Some("F2.2"));
    assert!(m.drop_to_pr[0].hours >= 0.0 && m.drop_to_pr[0].hours < 1.0);
    assert_eq!(m.pr_to_merge.len(), 1);
    // The trace log and metrics.yaml do not exist yet: said, not fatal.
    let paths: Vec<&str> = m.problems.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(paths, [".logs/trace_log.md", "metrics/metrics.yaml"]);
}

#[test]
fn garbled_files_are_problems_not_crashes() {
    let dir = tempfile::tempdir().unwrap();
    let w = dir.path();
    write(w, "task.yaml", TASKS);
    write(w, ".logs/patches/bad.json", "{\"task_id\": \"F2.2\",");
    write(w, ".logs/patches/list.json", "[1, 2]");
    write(w, ".logs/patches/ok.json", &meta("ok.diff", "F2.2", "DevPod", "git", &[("queued", "2026-11-16T09:00:00Z")]));
    fs::write(w.join(".logs/patches/binary.json"), [0xff, 0xfe, 0x00]).unwrap();
    write(w, ".logs/trace_log.md", "## 2026-13-45 — ??\n- Time: yesterday\n- Repairs: many\n");
    write(w, ".logs/handoff_log.yaml", "handoffs:\n  - from: dev\n   to: qa\n");
    write(
        w,
        "metrics/metrics.yaml",
        "weekly_snapshots:\n  - week: someday\n    pods:\n      dev:\n        patch_count: 3\n  - 42\n",
    );
    write(w, ".logs/feedback/F2.2.md", "no headings at all\n");

    let m = compute_metrics(w);
    let mut paths: Vec<&str> = m.problems.iter().map(|p| p.path.as_str()).collect();
    paths.sort();
    assert_eq!(
        paths,
        [
            ".logs/handoff_log.yaml",
            ".logs/patches/bad.json",
            ".logs/patches/binary.json",
            ".logs/patches/list.json",
            "metrics/metrics.yaml",
            "metrics/metrics.yaml"
        ]
    );
    assert!(m.problems.iter().all(|p| p.message.contains(&p.path)), "{:?}", m.problems);
    // What could be read still counts.
    assert_eq!(pod(&m, "DevPod").patches, 1);
}

#[test]
fn an_empty_folder_gives_empty_metrics() {
    let dir = tempfile::tempdir().unwrap();
    let m = compute_metrics(dir.path());
    assert!(m.pods.is_empty() && m.weeks.is_empty() && m.drop_to_pr.is_empty());
    assert_eq!(m.merge_rate, None);
    assert_eq!(m.problems.len(), 2, "trace log and metrics.yaml do not exist yet: {:?}", m.problems);
}
