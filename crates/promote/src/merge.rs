//! A board change made again on the remote's tip when the remote added to the same delivery
//! logs meanwhile.
//!
//! The typical case: a review request is merged on the remote, so the remote's main now holds
//! the promote commit's entries in `.logs/trace_log.md` and `metrics/metrics.yaml`; the
//! project's main does not (the promote commit only ever went to its own branch), and the
//! follow-up's board commit ("Merged #1: F2.2 done") adds its own entries to the same files.
//! Line by line those changes collide, yet neither side changed what the other wrote: both
//! only added. Such files are merged here; anything else stays a collision (the board change
//! is then not sent).
//!
//! - a markdown log under `.logs/` where both sides only inserted lines at the same place: the
//!   remote's lines first, then the project's (the remote's happened first);
//! - the metrics file: week by week and pod by pod, counts added up (the remote's number plus
//!   what the project counted), lists of features joined, a feature delivered no longer
//!   outstanding. A value both sides set differently is a collision.

use patchdesk_yaml::{Mapping, Value};

/// The metrics files a board commit may change (see `board::is_board_file`).
const METRICS_FILES: [&str; 2] = ["metrics/metrics.yaml", "logs/metrics.yaml"];

/// `path` as both changes together, when both only added to a delivery log; `None` when they
/// collide. `base` is the file before the project's change, `ours` after it, `theirs` the
/// remote's.
pub(crate) fn merge_log(path: &str, base: &[u8], ours: &[u8], theirs: &[u8]) -> Option<Vec<u8>> {
    if METRICS_FILES.contains(&path) {
        return merge_metrics(base, ours, theirs);
    }
    if path.starts_with(".logs/") && path.ends_with(".md") {
        return merge_insertions(base, ours, theirs);
    }
    None
}

fn lines(text: &[u8]) -> Vec<&[u8]> {
    text.split_inclusive(|b| *b == b'\n').collect()
}

fn common_prefix(a: &[&[u8]], b: &[&[u8]]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

fn common_suffix(a: &[&[u8]], b: &[&[u8]]) -> usize {
    a.iter().rev().zip(b.iter().rev()).take_while(|(x, y)| x == y).count()
}

/// Both sides kept every line of `base` and inserted lines at one and the same place.
fn merge_insertions(base: &[u8], ours: &[u8], theirs: &[u8]) -> Option<Vec<u8>> {
    if !base.ends_with(b"\n") && !base.is_empty() {
        return None;
    }
    let (b, o, t) = (lines(base), lines(ours), lines(theirs));
    if o.len() < b.len() || t.len() < b.len() {
        return None;
    }
    // Where the base can be cut so that each side is `base[..k] + added + base[k..]`.
    let low = (b.len() - common_suffix(&b, &o).min(b.len())).max(b.len() - common_suffix(&b, &t).min(b.len()));
    let high = common_prefix(&b, &o).min(common_prefix(&b, &t));
    if low > high {
        return None;
    }
    let k = high;
    let added = |side: &[&[u8]]| side[k..k + side.len() - b.len()].concat();
    Some([b[..k].concat(), added(&t), added(&o), b[k..].concat()].concat())
}

fn merge_metrics(base: &[u8], ours: &[u8], theirs: &[u8]) -> Option<Vec<u8>> {
    let parse = |bytes: &[u8]| std::str::from_utf8(bytes).ok().and_then(|t| patchdesk_yaml::parse_value(t).ok());
    let (b, o, t) = (parse(base)?, parse(ours)?, parse(theirs)?);
    let mut merged = merge_value(Some(&b), Some(&o), Some(&t))??;
    delivered_not_outstanding(&mut merged);
    // Written afresh, so comments inside are lost; the remote's header comment is kept.
    let header: String = String::from_utf8_lossy(theirs)
        .lines()
        .take_while(|l| l.starts_with('#') || l.trim().is_empty())
        .map(|l| format!("{l}\n"))
        .collect();
    patchdesk_yaml::to_string(&merged).ok().map(|body| format!("{header}{body}").into_bytes())
}

/// The merge of one value: `None` when the sides collide, `Some(None)` when the value is gone.
fn merge_value(base: Option<&Value>, ours: Option<&Value>, theirs: Option<&Value>) -> Option<Option<Value>> {
    if ours == base || ours == theirs {
        return Some(theirs.cloned());
    }
    if theirs == base {
        return Some(ours.cloned());
    }
    match (ours?, theirs?) {
        (Value::Mapping(o), Value::Mapping(t)) => {
            merge_mappings(base.and_then(Value::as_mapping), o, t).map(|m| Some(Value::Mapping(m)))
        }
        (Value::Sequence(o), Value::Sequence(t)) => {
            merge_lists(base.and_then(Value::as_sequence).map(Vec::as_slice).unwrap_or_default(), o, t)
                .map(|s| Some(Value::Sequence(s)))
        }
        (Value::Number(o), Value::Number(t)) => {
            let b = match base {
                None => 0,
                Some(v) => v.as_i64()?,
            };
            Some(Some(Value::from(t.as_i64()?.checked_add(o.as_i64()?.checked_sub(b)?)?)))
        }
        _ => None,
    }
}

fn merge_mappings(base: Option<&Mapping>, ours: &Mapping, theirs: &Mapping) -> Option<Mapping> {
    let from = |m: Option<&Mapping>, k: &Value| m.and_then(|m| m.get(k)).cloned();
    let mut out = Mapping::new();
    for (k, t) in theirs {
        if let Some(v) = merge_value(from(base, k).as_ref(), ours.get(k), Some(t))? {
            out.insert(k.clone(), v);
        }
    }
    for (k, o) in ours.iter().filter(|(k, _)| !theirs.contains_key(*k)) {
        if let Some(v) = merge_value(from(base, k).as_ref(), Some(o), None)? {
            out.insert(k.clone(), v);
        }
    }
    Some(out)
}

/// The week a snapshot is for.
fn week(v: &Value) -> Option<String> {
    v.as_mapping().and_then(|m| patchdesk_yaml::get(m, "week")).and_then(patchdesk_yaml::key_text)
}

/// Weeks (lists of blocks with a `week:`) matched by week; lists of plain values joined: the
/// remote's, without what the project removed, then what the project added.
fn merge_lists(base: &[Value], ours: &[Value], theirs: &[Value]) -> Option<Vec<Value>> {
    let all = base.iter().chain(ours).chain(theirs);
    if all.clone().all(|v| week(v).is_some()) {
        let find = |side: &[Value], w: &str| side.iter().find(|v| week(v).as_deref() == Some(w)).cloned();
        let mut out = Vec::new();
        for t in theirs {
            let w = week(t)?;
            out.extend(merge_value(find(base, &w).as_ref(), find(ours, &w).as_ref(), Some(t))?);
        }
        for o in ours.iter().filter(|o| find(theirs, &week(o).unwrap_or_default()).is_none()) {
            let w = week(o)?;
            out.extend(merge_value(find(base, &w).as_ref(), Some(o), None)?);
        }
        return Some(out);
    }
    if all.clone().any(|v| v.is_mapping() || v.is_sequence()) {
        return None;
    }
    let removed = |v: &Value| base.contains(v) && !ours.contains(v);
    let mut out: Vec<Value> = theirs.iter().filter(|v| !removed(v)).cloned().collect();
    out.extend(ours.iter().filter(|v| !base.contains(v) && !theirs.contains(v)).cloned());
    Some(out)
}

/// In each week, a feature delivered is not outstanding any more.
fn delivered_not_outstanding(doc: &mut Value) {
    let Some(weeks) = doc.get_mut("weekly_snapshots").and_then(Value::as_sequence_mut) else { return };
    for week in weeks.iter_mut().filter_map(Value::as_mapping_mut) {
        let delivered: Vec<Value> =
            week.get("features_delivered").and_then(Value::as_sequence).cloned().unwrap_or_default();
        if let Some(outstanding) = week.get_mut("features_outstanding").and_then(Value::as_sequence_mut) {
            outstanding.retain(|f| !delivered.contains(f));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_sides_adding_to_a_log_keep_both_entries_theirs_first() {
        let base = b"# Trace\n\n## one\n";
        let ours = b"# Trace\n\n## one\n## merged\n";
        let theirs = b"# Trace\n\n## one\n## promoted\n";
        assert_eq!(
            merge_log(".logs/trace_log.md", base, ours, theirs).unwrap(),
            b"# Trace\n\n## one\n## promoted\n## merged\n"
        );
        // A line changed (not only added) on either side is a collision.
        assert!(merge_log(".logs/trace_log.md", base, b"# Trace\n\n## ONE\n## merged\n", theirs).is_none());
        assert!(merge_log(".logs/trace_log.md", base, ours, b"# Trace\n## promoted\n").is_none());
        // Not a log: never merged here.
        assert!(merge_log("task.yaml", base, ours, theirs).is_none());
    }

    #[test]
    fn the_same_week_counted_on_both_sides_adds_up() {
        let base = "weekly_snapshots:\n  - week: \"2026-W47\"\n    pods:\n      qa:\n        merged: 0\n";
        let theirs = format!("{base}  - week: 2026-W49\n    pods:\n      dev:\n        patch_count: 1\n        merged: 0\n    features_delivered: []\n    features_outstanding: [F2.2]\n");
        let ours = format!("{base}  - week: 2026-W49\n    pods:\n      dev:\n        patch_count: 0\n        merged: 1\n    features_delivered: [F2.2]\n    features_outstanding: []\n");
        let header = "# Delivery metrics per ISO week, kept by Patchdesk and the pods.\n";
        let theirs = format!("{header}{theirs}");
        let merged = merge_log("metrics/metrics.yaml", base.as_bytes(), ours.as_bytes(), theirs.as_bytes()).unwrap();
        assert!(merged.starts_with(header.as_bytes()), "{}", String::from_utf8_lossy(&merged));
        let v = patchdesk_yaml::parse_value(std::str::from_utf8(&merged).unwrap()).unwrap();
        let weeks = v["weekly_snapshots"].as_sequence().unwrap();
        assert_eq!(weeks.len(), 2, "{}", String::from_utf8_lossy(&merged));
        let w49 = &weeks[1];
        assert_eq!(
            (w49["pods"]["dev"]["patch_count"].as_i64(), w49["pods"]["dev"]["merged"].as_i64()),
            (Some(1), Some(1))
        );
        assert_eq!(w49["features_delivered"], Value::Sequence(vec![Value::from("F2.2")]));
        assert_eq!(w49["features_outstanding"], Value::Sequence(Vec::new()));
        // Both sides setting one text differently collide.
        let a = "weekly_snapshots:\n  - week: 2026-W49\n    note: a\n";
        let b = "weekly_snapshots:\n  - week: 2026-W49\n    note: b\n";
        assert!(merge_log("metrics/metrics.yaml", b"weekly_snapshots: []\n", a.as_bytes(), b.as_bytes()).is_none());
    }
}
