//! The log writers' pure core: old text in, new text out, with no folder at all. Comments,
//! order and unknown keys survive; the folder writers give the very same text.

use patchdesk_board::{Board, BoardTexts, Pod};
use patchdesk_logs::{
    add_rejection, add_trace_entry, count_metrics_event, metrics_path_among, parse_trace_log, plan_metrics,
    plan_rejection, plan_trace_entry,
};
use patchdesk_logs::{MetricsEvent, Rejection, TraceEntry, METRICS_FILE, METRICS_FILE_OLD, TRACE_LOG};
use std::fs;
use time::macros::datetime;
use time::OffsetDateTime;

const W47: OffsetDateTime = datetime!(2026-11-19 14:03 UTC);

const METRICS: &str = "# Team metrics — edited by hand too\nweekly_snapshots:\n  # the first week\n  - week: \"2026-W47\"\n    pods:\n      DevPod:\n        patch_count: 2   # by hand\n        features:\n          - F1\n        merged: 0\n        proposed: 2\n        handoffs: 0\n        thought_traces: 1\n    custom_note: keep me   # unknown key\n    features_delivered: []\n    features_outstanding: [F1]\nowner: Dana\n";

fn entry(patch: &str) -> TraceEntry {
    TraceEntry {
        task_id: Some("F2.2".into()),
        summary: "Stage guidance\nwith a fallback".into(),
        pod: Some("DevPod".into()),
        patch: Some(patch.into()),
        branch: Some("chatgpt/dev/f2.2".into()),
        files: vec!["src/a.py".into()],
        ..TraceEntry::default()
    }
}

#[test]
fn a_trace_entry_is_added_to_the_old_text_once() {
    let old = "# Trace log\n\nHand-written intro, kept.\n\n## 2025-04-22 — 1.1: by hand\n- Pod: dev";
    let change = add_trace_entry(Some(old), &entry(".patches/a.diff"), W47).unwrap();
    assert_eq!(change.path, TRACE_LOG);
    assert!(change.text.starts_with(&format!("{old}\n")), "the old text is kept byte for byte: {}", change.text);
    assert!(change.text.ends_with(
        "\n## 2026-11-19 14:03 UTC — F2.2: Stage guidance with a fallback\n\n- Time: 2026-11-19T14:03:00Z\n- Pod: DevPod\n- Patch: .patches/a.diff\n- Branch: chatgpt/dev/f2.2\n- Files changed:\n  - src/a.py\n"
    ), "{}", change.text);
    assert_eq!(parse_trace_log(&change.text).len(), 2);
    assert_eq!(
        add_trace_entry(Some(&change.text), &entry(".patches/a.diff"), W47),
        None,
        "the same patch twice adds nothing"
    );
    let fresh = add_trace_entry(None, &entry(".patches/a.diff"), W47).unwrap();
    assert!(fresh.text.starts_with("# Trace log\n"), "{}", fresh.text);
    // The folder writer gives the same text.
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join(".logs")).unwrap();
    fs::write(dir.path().join(TRACE_LOG), old).unwrap();
    assert_eq!(plan_trace_entry(dir.path(), &entry(".patches/a.diff"), W47).unwrap(), Some(change));
}

#[test]
fn a_rejection_is_added_to_the_old_text() {
    let r = Rejection {
        task_id: "F2.2".into(),
        patch: "p.diff".into(),
        note: "Go back one stage.\n\nNot to stage 1.".into(),
        reviewer: Some("Dana".into()),
    };
    let old = "# Review feedback for F2.2\n\nA line someone added.";
    let change = add_rejection(Some(old), &r, W47).unwrap();
    assert_eq!(change.path, ".logs/feedback/F2.2.md");
    assert_eq!(
        change.text,
        format!("{old}\n\n## 2026-11-19 14:03 UTC — p.diff was sent back\n\n- Time: 2026-11-19T14:03:00Z\n- Patch: p.diff\n- Reviewer: Dana\n\n> Go back one stage.\n>\n> Not to stage 1.\n")
    );
    assert!(add_rejection(None, &r, W47).unwrap().text.starts_with("# Review feedback for F2.2\n\n## "));
    assert!(add_rejection(None, &Rejection { task_id: "../x".into(), ..r.clone() }, W47).is_err());
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join(".logs/feedback")).unwrap();
    fs::write(dir.path().join(".logs/feedback/F2.2.md"), old).unwrap();
    assert_eq!(plan_rejection(dir.path(), &r, W47).unwrap(), change);
}

#[test]
fn a_metrics_event_keeps_comments_order_and_unknown_keys() {
    let pods = vec![Pod::from_key("DevPod")];
    let event = MetricsEvent::Promoted { pod: "dev".into(), feature: Some("F2".into()) };
    let change = count_metrics_event(METRICS_FILE, Some(METRICS), &event, &pods, W47).unwrap().unwrap();
    assert_eq!(change.path, METRICS_FILE);
    let expected = METRICS
        .replace("patch_count: 2", "patch_count: 3")
        .replace("proposed: 2", "proposed: 3")
        .replace("          - F1\n", "          - F1\n          - F2\n")
        .replace("features_outstanding: [F1]", "features_outstanding: [F1, F2]");
    assert_eq!(patchdesk_yaml::parse_value(&change.text).unwrap(), patchdesk_yaml::parse_value(&expected).unwrap());
    for kept in [
        "# Team metrics — edited by hand too\n",
        "  # the first week\n",
        "patch_count: 3   # by hand\n",
        "    custom_note: keep me   # unknown key\n",
        "owner: Dana\n",
    ] {
        assert!(change.text.contains(kept), "{kept:?} kept in {}", change.text);
    }
    let order: Vec<usize> = ["weekly_snapshots", "custom_note", "features_delivered", "owner"]
        .iter()
        .map(|k| change.text.find(k).unwrap())
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "order kept: {}", change.text);
    // A merge counted twice changes nothing the second time; a broken file is refused.
    let merged = MetricsEvent::Merged { pod: "DevPod".into(), feature: Some("F1".into()) };
    let once = count_metrics_event(METRICS_FILE, Some(METRICS), &merged, &pods, W47).unwrap().unwrap();
    assert_eq!(count_metrics_event(METRICS_FILE, Some(&once.text), &merged, &pods, W47).unwrap(), None);
    let e =
        count_metrics_event(METRICS_FILE_OLD, Some("weekly_snapshots: [unclosed\n"), &event, &pods, W47).unwrap_err();
    assert!(e.to_string().starts_with("logs/metrics.yaml: "), "{e}");
    // No file yet: a new one, in the board's spelling of the pod.
    let fresh = count_metrics_event(METRICS_FILE, None, &event, &pods, W47).unwrap().unwrap();
    assert!(fresh.text.contains("week: 2026-W47") || fresh.text.contains("week: \"2026-W47\""), "{}", fresh.text);
    // The folder writer gives the same text, with the pods of the folder's board.
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("metrics")).unwrap();
    fs::write(dir.path().join(METRICS_FILE), METRICS).unwrap();
    let board = Board::from_texts(&BoardTexts::default());
    assert_eq!(
        plan_metrics(dir.path(), &event, W47).unwrap(),
        count_metrics_event(METRICS_FILE, Some(METRICS), &event, &board.pods, W47).unwrap()
    );
}

#[test]
fn the_metrics_file_is_the_seed_one_unless_only_the_old_place_exists() {
    assert_eq!(metrics_path_among(|_| false), METRICS_FILE);
    assert_eq!(metrics_path_among(|p| p == METRICS_FILE_OLD), METRICS_FILE_OLD);
    assert_eq!(metrics_path_among(|_| true), METRICS_FILE);
}
