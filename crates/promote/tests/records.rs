//! The one review-request type on disk: records written by the previous version (promote's
//! `.patchdesk/promote/<item>.json`, the lifecycle's `.patchdesk/lifecycle.json`, as users have
//! them) are still read, and what this version writes reads back the same.

use patchdesk_forge::ReviewState;
use patchdesk_promote::lifecycle::{review_states, LIFECYCLE_FILE};
use patchdesk_promote::{load_record, sent_reviews, KnownReview, RECORD_DIR};
use std::path::Path;

/// A promote record exactly as the previous version wrote it (every field, pretty JSON).
const OLD_PROMOTE_RECORD: &str = r#"{
  "item": "patch_20261120_101500_F2.2.diff",
  "remote": "/home/lead/demo/practice-remote.git",
  "started_at": "2026-11-20T10:15:00Z",
  "base": "main",
  "branch": "chatgpt/dev/f2.2",
  "pod": "dev",
  "base_commit": "1111111111111111111111111111111111111111",
  "commit": "2222222222222222222222222222222222222222",
  "pushed": true,
  "review_number": 3,
  "review_url": "/home/lead/demo/practice-remote.git#3",
  "finished": true,
  "steps": [
    {
      "step": "prepare",
      "state": "done",
      "at": "2026-11-20T10:15:01Z",
      "detail": "base main at 1111111"
    }
  ],
  "status": ""
}"#;

/// A promote that stopped before its request was opened.
const OLD_UNFINISHED_RECORD: &str = r#"{"item": "patch_F3.1.diff", "remote": "/r.git", "started_at": "2026-11-20T10:00:00Z", "base": null, "branch": null, "pod": null, "base_commit": null, "commit": null, "pushed": false, "review_number": null, "review_url": null, "finished": false, "steps": [], "status": "Waiting to send: no network connection. Send again when online."}"#;

/// The lifecycle file as the previous version wrote it: entries keyed by item, without `item`,
/// `branch`, `base` or `head`.
const OLD_LIFECYCLE: &str = r#"{
  "reviews": {
    "patch_20261119_090000_F1.1.diff": {
      "number": 1,
      "url": "https://github.com/octo/guide/pull/1",
      "remote": "https://github.com/octo/guide.git",
      "task_id": "F1.1",
      "pod": "ResearchPod",
      "etag": "W/\"abc\"",
      "state": "merged",
      "applied": "merged",
      "merged_at": "2026-11-19T12:00:00Z",
      "closed_at": "2026-11-19T12:00:00Z",
      "checked_at": "2026-11-19T12:01:00Z"
    }
  }
}
"#;

fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn records_written_by_the_previous_version_are_still_read() {
    let tmp = tempfile::tempdir().unwrap();
    let w = tmp.path();
    write(w, &format!("{RECORD_DIR}/patch_20261120_101500_F2.2.diff.json"), OLD_PROMOTE_RECORD);
    write(w, &format!("{RECORD_DIR}/patch_F3.1.diff.json"), OLD_UNFINISHED_RECORD);
    write(w, LIFECYCLE_FILE, OLD_LIFECYCLE);

    // Promote's record: read whole, and its request as opened.
    let rec = load_record(w, "patch_20261120_101500_F2.2.diff").unwrap().expect("the old record");
    assert!(rec.finished && rec.pushed && rec.steps.len() == 1);
    let sent = sent_reviews(w);
    assert_eq!(sent.len(), 1, "the unfinished promote opened no request: {sent:?}");
    let opened = &sent[0];
    assert_eq!(Some(opened.clone()), rec.review());
    assert_eq!(
        (opened.item.as_str(), opened.number, opened.state),
        ("patch_20261120_101500_F2.2.diff", 3, ReviewState::Open)
    );
    assert_eq!(
        (opened.branch.as_deref(), opened.base.as_deref(), opened.head.as_deref(), opened.remote.as_deref()),
        (
            Some("chatgpt/dev/f2.2"),
            Some("main"),
            Some("2222222222222222222222222222222222222222"),
            Some("/home/lead/demo/practice-remote.git")
        )
    );

    // The lifecycle's file: the old entry, its item from its key, the new fields empty.
    let known = review_states(w);
    assert_eq!(
        known.iter().map(|k| k.item.as_str()).collect::<Vec<_>>(),
        ["patch_20261119_090000_F1.1.diff", "patch_20261120_101500_F2.2.diff"]
    );
    let old = &known[0];
    assert_eq!(
        (old.number, old.state, old.applied, old.etag.as_deref()),
        (1, ReviewState::Merged, Some(ReviewState::Merged), Some("W/\"abc\""))
    );
    assert_eq!(
        (old.task_id.as_deref(), old.pod.as_deref(), old.checked_at.as_deref()),
        (Some("F1.1"), Some("ResearchPod"), Some("2026-11-19T12:01:00Z"))
    );
    assert_eq!((old.branch.clone(), old.base.clone(), old.head.clone()), (None, None, None));
    assert_eq!(known[1].number, 3);
    assert_eq!(known[1].checked_at, None, "never checked yet");
}

#[test]
fn the_one_type_reads_back_as_it_was_written_and_the_window_sees_it_flat() {
    let review = KnownReview {
        item: "patch_F2.2.diff".into(),
        task_id: Some("F2.2".into()),
        pod: Some("DevPod".into()),
        number: 7,
        url: "https://github.com/octo/guide/pull/7".into(),
        state: ReviewState::Closed,
        checked_at: Some("2026-11-20T10:00:00Z".into()),
        remote: Some("https://github.com/octo/guide.git".into()),
        branch: Some("chatgpt/dev/f2.2".into()),
        base: Some("main".into()),
        head: Some("3333333333333333333333333333333333333333".into()),
        etag: Some("\"e\"".into()),
        applied: Some(ReviewState::Closed),
        merged_at: None,
        closed_at: Some("2026-11-20T09:59:00Z".into()),
        revisions: None,
    };
    let json = serde_json::to_value(&review).unwrap();
    assert_eq!(serde_json::from_value::<KnownReview>(json.clone()).unwrap(), review);
    for key in ["item", "task_id", "pod", "number", "url", "state", "checked_at", "branch", "base", "head"] {
        assert!(json.get(key).is_some(), "{key} in {json}");
    }
    assert_eq!(json["state"], "closed");
}
