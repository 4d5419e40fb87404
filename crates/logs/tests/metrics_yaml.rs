//! metrics.yaml writing on real files: counts, new weeks and pods, spelling, comments and
//! unknown keys kept, refusals that leave the file alone.

use patchdesk_logs::{iso_week, plan_metrics, record_metrics, MetricsEvent, METRICS_FILE, METRICS_FILE_OLD};
use patchdesk_yaml::Value;
use std::fs;
use std::path::Path;
use time::macros::datetime;
use time::OffsetDateTime;

const W47: OffsetDateTime = datetime!(2026-11-19 10:00 UTC);
const W48: OffsetDateTime = datetime!(2026-11-24 10:00 UTC);

fn promoted(pod: &str, f: &str) -> MetricsEvent {
    MetricsEvent::Promoted { pod: pod.into(), feature: Some(f.into()) }
}

fn merged(pod: &str, f: &str) -> MetricsEvent {
    MetricsEvent::Merged { pod: pod.into(), feature: Some(f.into()) }
}

fn handoff(pod: &str) -> MetricsEvent {
    MetricsEvent::Handoff { from_pod: pod.into() }
}

fn write(dir: &Path, rel: &str, text: &str) {
    fs::create_dir_all(dir.join(rel).parent().unwrap()).unwrap();
    fs::write(dir.join(rel), text).unwrap();
}

fn read(dir: &Path, rel: &str) -> String {
    fs::read_to_string(dir.join(rel)).unwrap()
}

/// The weekly snapshot of week `week`, as read back.
fn snapshot(text: &str, week: &str) -> Value {
    let doc = patchdesk_yaml::parse_value(text).unwrap();
    let snaps =
        patchdesk_yaml::get(doc.as_mapping().unwrap(), "weekly_snapshots").unwrap().as_sequence().unwrap().clone();
    snaps
        .into_iter()
        .find(|s| {
            patchdesk_yaml::get(s.as_mapping().unwrap(), "week").and_then(patchdesk_yaml::key_text).as_deref()
                == Some(week)
        })
        .unwrap_or_else(|| panic!("no {week} in\n{text}"))
}

/// The pod entry `pod` of week `week`, as read back.
fn pod_entry(text: &str, week: &str, pod: &str) -> Value {
    let snap = snapshot(text, week);
    let pods = patchdesk_yaml::get(snap.as_mapping().unwrap(), "pods").unwrap().as_mapping().unwrap();
    patchdesk_yaml::get(pods, pod).unwrap_or_else(|| panic!("no pod {pod} in {week}:\n{text}")).clone()
}

fn num(v: &Value, k: &str) -> i64 {
    patchdesk_yaml::get(v.as_mapping().unwrap(), k).and_then(Value::as_i64).unwrap_or_else(|| panic!("no {k} in {v:?}"))
}

fn list(text: &str, week: &str, key: &str) -> Vec<String> {
    let snap = snapshot(text, week);
    patchdesk_yaml::get(snap.as_mapping().unwrap(), key)
        .unwrap()
        .as_sequence()
        .unwrap()
        .iter()
        .filter_map(patchdesk_yaml::key_text)
        .collect()
}

const SEED: &str = "# Delivery metrics (seed format)\nweekly_snapshots:\n  - week: \"2026-W46\"   # last week\n    pods:\n      research:\n        patch_count: 1\n        features: [F1.1]\n        merged: 1\n        proposed: 1\n        handoffs: 1\n        thought_traces: 1\n    features_delivered: [F1.1]\n    features_outstanding: []\n  - week: \"2026-W47\"\n    pods:\n      dev:\n        patch_count: 2\n        features:\n          - F2.2\n        merged: 0\n        proposed: 2\n        handoffs: 0\n        thought_traces: 3\n        reviewer_notes: keep me   # unknown key\n    features_delivered: []\n    features_outstanding: [F2.2, F3.1]\n    notes: unknown week field\ntrailer: kept\n";

#[test]
fn events_count_in_their_week_and_keep_everything_else() {
    let dir = tempfile::tempdir().unwrap();
    let w = dir.path();
    write(w, METRICS_FILE, SEED);

    assert_eq!(record_metrics(w, &promoted("DevPod", "F3.1"), W47).unwrap().as_deref(), Some(METRICS_FILE));
    let text = read(w, METRICS_FILE);
    let dev = pod_entry(&text, "2026-W47", "dev");
    assert_eq!((num(&dev, "patch_count"), num(&dev, "proposed"), num(&dev, "merged")), (3, 3, 0));
    assert!(
        text.contains("        features:\n          - F2.2\n          - F3.1\n"),
        "block list kept as block:\n{text}"
    );
    assert_eq!(list(&text, "2026-W47", "features_outstanding"), ["F2.2", "F3.1"], "already outstanding: not twice");

    record_metrics(w, &merged("dev_pod", "F2.2"), W47).unwrap();
    record_metrics(w, &handoff("DevPod"), W47).unwrap();
    let text = read(w, METRICS_FILE);
    let dev = pod_entry(&text, "2026-W47", "dev");
    assert_eq!((num(&dev, "merged"), num(&dev, "handoffs"), num(&dev, "thought_traces")), (1, 1, 3));
    assert_eq!(list(&text, "2026-W47", "features_delivered"), ["F2.2"]);
    assert_eq!(list(&text, "2026-W47", "features_outstanding"), ["F3.1"]);

    // A merge already counted is not counted again.
    assert_eq!(plan_metrics(w, &merged("DevPod", "F2.2"), W47).unwrap(), None);

    // A pod the week does not have yet: added, spelled like the file's pods.
    record_metrics(w, &handoff("QAPod"), W47).unwrap();
    let text = read(w, METRICS_FILE);
    let qa = pod_entry(&text, "2026-W47", "qa");
    assert_eq!((num(&qa, "handoffs"), num(&qa, "patch_count")), (1, 0));

    // Everything else is byte for byte what it was: comments, unknown keys, the old week.
    let expected = SEED
        .replace("        patch_count: 2\n", "        patch_count: 3\n")
        .replace("          - F2.2\n        merged: 0\n        proposed: 2\n        handoffs: 0\n", "          - F2.2\n          - F3.1\n        merged: 1\n        proposed: 3\n        handoffs: 1\n")
        .replace("        reviewer_notes: keep me   # unknown key\n", "        reviewer_notes: keep me   # unknown key\n      qa:\n        patch_count: 0\n        features: []\n        merged: 0\n        proposed: 0\n        handoffs: 1\n        thought_traces: 0\n")
        .replace("    features_delivered: []\n    features_outstanding: [F2.2, F3.1]\n", "    features_delivered: [F2.2]\n    features_outstanding: [F3.1]\n");
    assert_eq!(text, expected);

    // A new week is appended after the others, before nothing else is disturbed.
    record_metrics(w, &promoted("qa", "F2.1"), W48).unwrap();
    let text = read(w, METRICS_FILE);
    assert!(text.starts_with(&expected.replace("trailer: kept\n", "")), "{text}");
    let qa = pod_entry(&text, &iso_week(W48), "qa");
    assert_eq!((num(&qa, "patch_count"), num(&qa, "proposed")), (1, 1));
    assert_eq!(list(&text, "2026-W48", "features_outstanding"), ["F2.1"]);
    assert!(text.contains("trailer: kept"));
}

#[test]
fn a_missing_file_is_created_and_the_old_place_is_used_when_it_is_the_only_one() {
    let dir = tempfile::tempdir().unwrap();
    let w = dir.path();
    record_metrics(w, &promoted("DevPod", "F1"), W47).unwrap();
    let text = read(w, METRICS_FILE);
    assert!(text.starts_with("# "), "{text}");
    let dev = pod_entry(&text, "2026-W47", "dev");
    assert_eq!(num(&dev, "patch_count"), 1);

    let other = tempfile::tempdir().unwrap();
    let o = other.path();
    write(o, METRICS_FILE_OLD, "weekly_snapshots:\n- week: 2026-11-17\n  pods:\n    DevPod:\n      patch_count: 4\n");
    assert_eq!(record_metrics(o, &promoted("dev", "F9"), W47).unwrap().as_deref(), Some(METRICS_FILE_OLD));
    assert!(!o.join(METRICS_FILE).exists());
    let text = read(o, METRICS_FILE_OLD);
    // The week written as a date in W47 is that week; the pod key keeps its CamelCase spelling.
    assert!(
        text.starts_with("weekly_snapshots:\n- week: 2026-11-17\n  pods:\n    DevPod:\n      patch_count: 5\n"),
        "{text}"
    );
    record_metrics(o, &handoff("qa"), W47).unwrap();
    assert!(read(o, METRICS_FILE_OLD).contains("    QAPod:\n"), "{}", read(o, METRICS_FILE_OLD));

    // An empty list written as [] becomes a block list.
    let third = tempfile::tempdir().unwrap();
    write(third.path(), METRICS_FILE, "weekly_snapshots: []  # none yet\n");
    record_metrics(third.path(), &handoff("dev"), W47).unwrap();
    assert_eq!(num(&pod_entry(&read(third.path(), METRICS_FILE), "2026-W47", "dev"), "handoffs"), 1);
}

#[test]
fn windows_line_endings_stay() {
    let dir = tempfile::tempdir().unwrap();
    let w = dir.path();
    write(
        w,
        METRICS_FILE,
        "weekly_snapshots:\r\n  - week: 2026-W47\r\n    pods:\r\n      dev:\r\n        handoffs: 2\r\n",
    );
    record_metrics(w, &handoff("dev"), W47).unwrap();
    record_metrics(w, &handoff("qa"), W47).unwrap();
    let text = read(w, METRICS_FILE);
    assert!(text.starts_with("weekly_snapshots:\r\n  - week: 2026-W47\r\n    pods:\r\n      dev:\r\n        handoffs: 3\r\n      qa:\r\n"), "{text:?}");
    assert!(!text.replace("\r\n", "").contains('\n'), "{text:?}");
}

#[test]
fn files_that_cannot_be_changed_safely_are_left_alone() {
    for bad in [
        "weekly_snapshots:\n  - week: 2026-W47\n    pods: [dev]\n",
        "weekly_snapshots:\n  - week: 2026-W47\n    pods:\n      dev:\n        handoffs: lots\n",
        "weekly_snapshots: [{week: 2026-W47, pods: {dev: {handoffs: 1}}}]\n",
        "weekly_snapshots:\n  - week: 2026-W47\n    pods:\n      dev:\n        handoffs: 1\n   broken: indentation\n",
        "weekly_snapshots: \"not a list\"\n",
        "- just\n- a list\n",
    ] {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), METRICS_FILE, bad);
        let err = record_metrics(dir.path(), &handoff("dev"), W47).unwrap_err();
        assert!(err.to_string().starts_with("metrics/metrics.yaml"), "{err}");
        assert!(err.to_string().contains("nothing was written"), "{err}");
        assert_eq!(read(dir.path(), METRICS_FILE), bad);
    }
}

#[test]
fn damaged_versions_of_a_real_file_never_panic_and_never_write_garbage() {
    // Every prefix (a half-written file) and every file with one line missing.
    let mut variants: Vec<String> =
        (0..=SEED.len()).filter(|&i| SEED.is_char_boundary(i)).map(|i| SEED[..i].to_string()).collect();
    let lines: Vec<&str> = SEED.split_inclusive('\n').collect();
    for skip in 0..lines.len() {
        variants.push(lines.iter().enumerate().filter(|(i, _)| *i != skip).map(|(_, l)| *l).collect());
    }
    let dir = tempfile::tempdir().unwrap();
    let w = dir.path();
    let (mut written, mut refused) = (0, 0);
    for v in &variants {
        write(w, METRICS_FILE, v);
        for event in [promoted("dev", "F7"), merged("qa", "F8"), handoff("research")] {
            match plan_metrics(w, &event, W47) {
                Ok(Some(change)) => {
                    let value = patchdesk_yaml::parse_value(&change.text)
                        .unwrap_or_else(|e| panic!("wrote invalid YAML ({e}) from\n{v}\n---\n{}", change.text));
                    assert!(value.as_mapping().is_some());
                    written += 1;
                }
                Ok(None) => {}
                Err(_) => refused += 1,
            }
        }
    }
    assert!(written > 0 && refused > 0, "{written} written, {refused} refused");
}
