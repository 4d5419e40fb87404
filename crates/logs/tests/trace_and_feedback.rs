//! The trace log and review feedback files on real folders.

use patchdesk_logs::{
    plan_trace_entry, read_feedback, read_trace_log, record_rejection, record_trace_entry, send_back_prompt, Rejection,
    TraceEntry, TRACE_LOG,
};
use std::fs;
use time::macros::datetime;

fn entry() -> TraceEntry {
    TraceEntry {
        task_id: Some("F2.2".into()),
        summary: "Stage guidance with a symptom fallback".into(),
        pod: Some("DevPod".into()),
        patch: Some(".patches/patch_20261118_101500_F2.2.diff".into()),
        branch: Some("chatgpt/dev/f2.2".into()),
        pr: Some("https://github.com/acme/rtp/pull/7".into()),
        repairs: Some(2),
        files: vec!["src/rtp/guidance.py".into(), "docs/rtp.md".into()],
        ..TraceEntry::default()
    }
}

#[test]
fn trace_entries_are_appended_once_and_read_back() {
    let dir = tempfile::tempdir().unwrap();
    let w = dir.path();
    let now = datetime!(2026-11-19 14:03:27 UTC);
    assert_eq!(record_trace_entry(w, &entry(), now).unwrap().as_deref(), Some(TRACE_LOG));
    let text = fs::read_to_string(w.join(TRACE_LOG)).unwrap();
    assert_eq!(
        text,
        "# Trace log\n\nOne entry per applied patch, newest last.\n\n## 2026-11-19 14:03 UTC — F2.2: Stage guidance with a symptom fallback\n\n- Time: 2026-11-19T14:03:27Z\n- Pod: DevPod\n- Patch: .patches/patch_20261118_101500_F2.2.diff\n- Branch: chatgpt/dev/f2.2\n- Pull request: https://github.com/acme/rtp/pull/7\n- Repairs: 2\n- Files changed:\n  - src/rtp/guidance.py\n  - docs/rtp.md\n"
    );
    // The same patch again: nothing to add.
    assert_eq!(plan_trace_entry(w, &entry(), now).unwrap(), None);

    // A second patch, with a summary that tries to start its own entry.
    let sneaky = TraceEntry {
        task_id: Some("F2.1".into()),
        summary: "Tests\n## 1999-01-01 — FAKE: not an entry".into(),
        patch: Some("patch_F2.1.diff".into()),
        ..TraceEntry::default()
    };
    record_trace_entry(w, &sneaky, datetime!(2026-11-20 09:00 UTC)).unwrap();
    let back = read_trace_log(w).unwrap();
    assert_eq!(back.len(), 2);
    let mut want = entry();
    want.at = Some("2026-11-19T14:03:27Z".into());
    assert_eq!(back[0], want);
    assert_eq!(back[1].task_id.as_deref(), Some("F2.1"));
    assert_eq!(back[1].summary, "Tests ## 1999-01-01 — FAKE: not an entry");
    assert_eq!(back[1].at.as_deref(), Some("2026-11-20T09:00:00Z"));
    assert!(fs::read_to_string(w.join(TRACE_LOG)).unwrap().starts_with("# Trace log\n"));
}

#[test]
fn hand_written_trace_logs_are_read_as_far_as_they_go() {
    let dir = tempfile::tempdir().unwrap();
    let w = dir.path();
    fs::create_dir_all(w.join(".logs")).unwrap();
    let old = "# Trace log\n\nintro text\n\n## 2025-04-22 — 2.3_build_metrics_tool: Added metrics tracker logic\n* Pod: dev\n* Patch: `patch_20250422_103045_2.3_build_metrics_tool.diff`\n* Files: docs/metrics.md, metrics/metrics.yaml\n\n## Something someone wrote\nfree text\n";
    fs::write(w.join(TRACE_LOG), old).unwrap();
    let back = read_trace_log(w).unwrap();
    assert_eq!(back.len(), 2);
    assert_eq!(back[0].at.as_deref(), Some("2025-04-22"));
    assert_eq!(back[0].task_id.as_deref(), Some("2.3_build_metrics_tool"));
    assert_eq!(back[0].pod.as_deref(), Some("dev"));
    assert_eq!(back[0].patch.as_deref(), Some("patch_20250422_103045_2.3_build_metrics_tool.diff"));
    assert_eq!(back[0].files, ["docs/metrics.md", "metrics/metrics.yaml"]);
    assert_eq!(back[1].summary, "Something someone wrote");
    assert_eq!(back[1].at, None);

    // Appending keeps the old text exactly.
    record_trace_entry(w, &entry(), datetime!(2026-11-19 14:03 UTC)).unwrap();
    let text = fs::read_to_string(w.join(TRACE_LOG)).unwrap();
    assert!(text.starts_with(old), "{text}");
    assert_eq!(read_trace_log(w).unwrap().len(), 3);
    assert!(read_trace_log(tempfile::tempdir().unwrap().path()).unwrap().is_empty());
}

#[test]
fn rejections_build_the_feedback_file_and_the_send_back_prompt() {
    let dir = tempfile::tempdir().unwrap();
    let w = dir.path();
    let first = Rejection {
        task_id: "F2.2".into(),
        patch: "patch_20261118_101500_F2.2.diff".into(),
        note: "Stage 6 is missing.\n\n## Also\nThe tests do not run.".into(),
        reviewer: Some("Dana".into()),
    };
    let path = record_rejection(w, &first, datetime!(2026-11-19 14:03 UTC)).unwrap();
    assert_eq!(path, ".logs/feedback/F2.2.md");
    let text = fs::read_to_string(w.join(&path)).unwrap();
    assert_eq!(
        text,
        "# Review feedback for F2.2\n\n## 2026-11-19 14:03 UTC — patch_20261118_101500_F2.2.diff was sent back\n\n- Time: 2026-11-19T14:03:00Z\n- Patch: patch_20261118_101500_F2.2.diff\n- Reviewer: Dana\n\n> Stage 6 is missing.\n>\n> ## Also\n> The tests do not run.\n"
    );
    let second = Rejection {
        task_id: "F2.2".into(),
        patch: "patch_F2.2_v2.diff".into(),
        note: "Going back one stage, not to stage 1.".into(),
        reviewer: None,
    };
    record_rejection(w, &second, datetime!(2026-11-20 08:00 UTC)).unwrap();

    let notes = read_feedback(w, "F2.2").unwrap();
    assert_eq!(notes.len(), 2, "{notes:?}");
    assert_eq!(notes[0].note, "Stage 6 is missing.\n\n## Also\nThe tests do not run.");
    assert_eq!(notes[0].reviewer.as_deref(), Some("Dana"));
    assert_eq!(notes[1].patch.as_deref(), Some("patch_F2.2_v2.diff"));

    let prompt = send_back_prompt(w, "F2.2").unwrap();
    assert!(prompt.starts_with("Your patch patch_F2.2_v2.diff for task F2.2 was reviewed and sent back.\n\nWhat the reviewer asked for:\n> Going back one stage, not to stage 1.\n"), "{prompt}");
    assert!(prompt.contains("Earlier feedback on this task"), "{prompt}");
    assert!(prompt.contains("- 2026-11-19: Stage 6 is missing.\n"), "{prompt}");
    assert!(prompt.contains("new patch (a git diff) for task F2.2"), "{prompt}");

    // No feedback yet, and ids that are not file names.
    assert!(send_back_prompt(w, "F9").unwrap_err().to_string().contains("no review feedback for task F9"));
    for bad in ["../escape", "a/b", "", ".hidden"] {
        let r = Rejection { task_id: bad.into(), patch: "p".into(), note: "n".into(), reviewer: None };
        assert!(record_rejection(w, &r, datetime!(2026-11-20 08:00 UTC)).is_err(), "{bad}");
    }
    assert_eq!(fs::read_dir(w.join(".logs/feedback")).unwrap().count(), 1);
    assert!(!w.join("escape.md").exists() && !w.join(".logs/escape.md").exists());
}

#[test]
fn half_written_logs_never_panic() {
    let dir = tempfile::tempdir().unwrap();
    let w = dir.path();
    record_trace_entry(w, &entry(), datetime!(2026-11-19 14:03 UTC)).unwrap();
    let r = Rejection {
        task_id: "F1".into(),
        patch: "p.diff".into(),
        note: "é — ünïcode\n> quoted".into(),
        reviewer: Some("Zoë".into()),
    };
    record_rejection(w, &r, datetime!(2026-11-19 14:03 UTC)).unwrap();
    let trace = fs::read_to_string(w.join(TRACE_LOG)).unwrap();
    let feedback = fs::read_to_string(w.join(".logs/feedback/F1.md")).unwrap();
    for i in (0..=trace.len()).filter(|&i| trace.is_char_boundary(i)) {
        let entries = patchdesk_logs::parse_trace_log(&trace[..i]);
        assert!(entries.len() <= 1);
    }
    for i in (0..=feedback.len()).filter(|&i| feedback.is_char_boundary(i)) {
        fs::write(w.join(".logs/feedback/F1.md"), &feedback[..i]).unwrap();
        let notes = read_feedback(w, "F1").unwrap();
        if !notes.is_empty() {
            assert!(send_back_prompt(w, "F1").unwrap().contains("task F1"));
        }
    }
    fs::write(w.join(".logs/feedback/F1.md"), &feedback).unwrap();
    assert_eq!(read_feedback(w, "F1").unwrap()[0].note, "é — ünïcode\n> quoted");
}
