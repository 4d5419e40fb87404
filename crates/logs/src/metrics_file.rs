//! `metrics/metrics.yaml` in the seed's format:
//!
//! ```yaml
//! weekly_snapshots:
//!   - week: "2026-W47"
//!     pods:
//!       dev: {patch_count, features: [], merged, proposed, handoffs, thought_traces}
//!     features_delivered: []
//!     features_outstanding: []
//! ```
//!
//! Events (a promoted patch, a merge, a handoff) add to the snapshot of their ISO week, which
//! is created when missing, as is the pod's entry. Pod keys follow the spelling the file
//! already uses (`dev` or `DevPod`). Everything else in the file is kept byte for byte.
//!
//! The YAML editor addresses mapping keys only, so a change inside one list item is made on
//! that item's lines alone (hung under a stand-in key), then put back and checked: the whole
//! file must read back as before with exactly that item changed.

use crate::{read_optional, LogsError};
use patchdesk_board::{find_pod, Board, Pod};
use patchdesk_yaml::{Edit, Mapping, Node, Scalar, Value};
use std::path::Path;
use time::OffsetDateTime;

/// Where Patchdesk keeps metrics (the seed's place).
pub const METRICS_FILE: &str = "metrics/metrics.yaml";
/// Where some repositories keep them instead; used when it exists and the seed's place does not.
pub const METRICS_FILE_OLD: &str = "logs/metrics.yaml";

const SNAPSHOTS: &str = "weekly_snapshots";
const STAND_IN_STEP: &str = "__patchdesk_step__";
const STAND_IN_ITEM: &str = "__patchdesk_item__";

/// Something that happened, to be counted in the week's snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MetricsEvent {
    /// A patch was promoted (became a pull request): `patch_count` and `proposed` +1, the
    /// feature listed under the pod and as outstanding.
    Promoted { pod: String, feature: Option<String> },
    /// A pull request was merged: `merged` +1, the feature delivered (and no longer
    /// outstanding). Counted once per feature and week, so recording it again changes nothing.
    Merged { pod: String, feature: Option<String> },
    /// The pod handed a task to another pod: `handoffs` +1 for the handing pod.
    Handoff { from_pod: String },
}

impl MetricsEvent {
    fn pod(&self) -> &str {
        match self {
            MetricsEvent::Promoted { pod, .. } | MetricsEvent::Merged { pod, .. } => pod,
            MetricsEvent::Handoff { from_pod } => from_pod,
        }
    }
}

/// The metrics file of this repository: `metrics/metrics.yaml`, or `logs/metrics.yaml` when
/// only that one exists.
pub fn metrics_path(workdir: &Path) -> &'static str {
    metrics_path_among(|rel| if rel == METRICS_FILE { workdir.join(rel).exists() } else { workdir.join(rel).is_file() })
}

/// [`metrics_path`] for files kept anywhere (a commit): `exists` says whether a file is there.
pub fn metrics_path_among(exists: impl Fn(&str) -> bool) -> &'static str {
    if !exists(METRICS_FILE) && exists(METRICS_FILE_OLD) {
        METRICS_FILE_OLD
    } else {
        METRICS_FILE
    }
}

/// `2026-W47`: the ISO week of a time (in UTC).
pub fn iso_week(now: OffsetDateTime) -> String {
    let (year, week, _) = now.to_offset(time::UtcOffset::UTC).date().to_iso_week_date();
    format!("{year:04}-W{week:02}")
}

/// The new text of the metrics file `rel` with `event` counted in the week of `now`: old text in
/// (`None` when there is no file yet), new text out, nothing read or written. `pods` are the
/// board's pods (for the spelling of a pod's key). `None` when nothing changes (a merge
/// already counted). Comments, order and unknown keys are kept byte for byte.
pub fn count_metrics_event(
    rel: &str,
    old: Option<&str>,
    event: &MetricsEvent,
    pods: &[Pod],
    now: OffsetDateTime,
) -> Result<Option<crate::FileChange>, LogsError> {
    let pod = find_pod(pods, event.pod()).cloned().unwrap_or_else(|| Pod::from_key(event.pod().trim()));
    let old = old.unwrap_or_default();
    let new = apply_event(old, event, &pod, &iso_week(now))
        .map_err(|reason| LogsError::Invalid(format!("{rel}: {reason}; nothing was written")))?;
    Ok((new != old).then(|| crate::FileChange { path: rel.to_string(), text: new }))
}

/// [`count_metrics_event`] on the metrics file in `workdir`, with the board's pods there; the
/// file is not written.
pub fn plan_metrics(
    workdir: &Path,
    event: &MetricsEvent,
    now: OffsetDateTime,
) -> Result<Option<crate::FileChange>, LogsError> {
    let rel = metrics_path(workdir);
    let text = read_optional(workdir, rel)?;
    count_metrics_event(rel, text.as_deref(), event, &Board::load(workdir).pods, now)
}

/// [`plan_metrics`], then writes the file. Returns the path written, if any.
pub fn record_metrics(workdir: &Path, event: &MetricsEvent, now: OffsetDateTime) -> Result<Option<String>, LogsError> {
    match plan_metrics(workdir, event, now)? {
        Some(change) => {
            change.write(workdir)?;
            Ok(Some(change.path))
        }
        None => Ok(None),
    }
}

/// Applies one event to the text of a metrics file. Errors are plain reasons without the file.
fn apply_event(text: &str, event: &MetricsEvent, pod: &Pod, week: &str) -> Result<String, String> {
    if event.pod().trim().is_empty() {
        return Err("the event names no pod".into());
    }
    let doc = patchdesk_yaml::parse_value(text).map_err(|e| e.to_string())?;
    let top = match &doc {
        Value::Null => Mapping::new(),
        Value::Mapping(m) => m.clone(),
        _ => return Err("expected `weekly_snapshots:` at the top, found something else".into()),
    };
    let snapshots: Vec<Value> = match patchdesk_yaml::get(&top, SNAPSHOTS) {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Sequence(items)) => items.clone(),
        Some(_) => return Err("`weekly_snapshots:` should be a list of weeks".into()),
    };
    let example = pod_key_example(&snapshots);
    let found = snapshots.iter().position(|s| {
        s.as_mapping().and_then(|m| patchdesk_yaml::get(m, "week")).and_then(week_of).as_deref() == Some(week)
    });
    let Some(index) = found else {
        let key = pod.spelled_like(&example);
        let node = new_snapshot(event, &key, week);
        let base = if text.is_empty() { header() } else { text.to_string() };
        return patchdesk_yaml::append_item(&base, &[SNAPSHOTS], &node).map_err(|e| e.to_string());
    };
    let Some(snapshot) = snapshots[index].as_mapping() else {
        return Err(format!("the entry for week {week} is not a `key: value` block"));
    };
    let edits = snapshot_edits(snapshot, event, pod, &example)?;
    if edits.is_empty() {
        return Ok(text.to_string());
    }
    edit_list_item(text, SNAPSHOTS, index, &edits)
}

fn header() -> String {
    "# Delivery metrics per ISO week, kept by Patchdesk and the pods.\n".to_string()
}

/// A pod key as the file spells them (the latest snapshot's first pod), else the seed's `dev`.
fn pod_key_example(snapshots: &[Value]) -> String {
    snapshots
        .iter()
        .rev()
        .filter_map(|s| s.as_mapping().and_then(|m| patchdesk_yaml::get(m, "pods")).and_then(Value::as_mapping))
        .find_map(|pods| pods.keys().find_map(patchdesk_yaml::key_text))
        .unwrap_or_else(|| "dev".to_string())
}

/// The ISO week a `week:` value names: `2026-W47`, `2026-w7` or a date inside the week.
fn week_of(v: &Value) -> Option<String> {
    let s = patchdesk_yaml::key_text(v)?;
    let s = s.trim();
    if let Some((y, w)) = s.split_once(['W', 'w']) {
        let y = y.trim_end_matches('-');
        if let (Ok(year), Ok(week)) = (y.parse::<i32>(), w.parse::<u8>()) {
            return Some(format!("{year:04}-W{week:02}"));
        }
    }
    let date = time::Date::parse(s.get(..10)?, time::macros::format_description!("[year]-[month]-[day]")).ok()?;
    let (year, week, _) = date.to_iso_week_date();
    Some(format!("{year:04}-W{week:02}"))
}

fn count(n: i64) -> Node {
    Node::Scalar(Scalar::Int(n))
}

/// A whole new pod entry for the event.
fn new_pod_entry(event: &MetricsEvent) -> Node {
    let (patches, merged, proposed, handoffs, feature) = match event {
        MetricsEvent::Promoted { feature, .. } => (1, 0, 1, 0, feature.clone()),
        MetricsEvent::Merged { feature, .. } => (0, 1, 0, 0, feature.clone()),
        MetricsEvent::Handoff { .. } => (0, 0, 0, 1, None),
    };
    Node::Map(vec![
        ("patch_count".into(), count(patches)),
        ("features".into(), Node::strs(&feature.into_iter().collect::<Vec<_>>())),
        ("merged".into(), count(merged)),
        ("proposed".into(), count(proposed)),
        ("handoffs".into(), count(handoffs)),
        ("thought_traces".into(), count(0)),
    ])
}

/// A whole new week for the event.
fn new_snapshot(event: &MetricsEvent, key: &str, week: &str) -> Node {
    let feature: Vec<String> = match event {
        MetricsEvent::Promoted { feature, .. } | MetricsEvent::Merged { feature, .. } => {
            feature.iter().cloned().collect()
        }
        MetricsEvent::Handoff { .. } => Vec::new(),
    };
    let (delivered, outstanding) = match event {
        MetricsEvent::Merged { .. } => (feature, Vec::new()),
        MetricsEvent::Promoted { .. } => (Vec::new(), feature),
        MetricsEvent::Handoff { .. } => (Vec::new(), Vec::new()),
    };
    Node::Map(vec![
        ("week".into(), Node::str(week)),
        ("pods".into(), Node::Map(vec![(key.to_string(), new_pod_entry(event))])),
        ("features_delivered".into(), Node::strs(&delivered)),
        ("features_outstanding".into(), Node::strs(&outstanding)),
    ])
}

fn texts(v: Option<&Value>, what: &str) -> Result<Vec<String>, String> {
    match v {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Sequence(items)) => Ok(items.iter().filter_map(patchdesk_yaml::key_text).collect()),
        Some(_) => Err(format!("`{what}` should be a list")),
    }
}

fn number(v: Option<&Value>, what: &str) -> Result<i64, String> {
    match v {
        None | Some(Value::Null) => Ok(0),
        Some(Value::Number(n)) => n.as_i64().ok_or_else(|| format!("`{what}` should be a whole number")),
        Some(Value::String(s)) => s.trim().parse().map_err(|_| format!("`{what}` should be a number, found \"{s}\"")),
        Some(_) => Err(format!("`{what}` should be a number")),
    }
}

fn list_node(items: &[String]) -> Node {
    Node::List(items.iter().map(|s| Scalar::str(s.clone())).collect())
}

/// The edits inside one week's snapshot (paths relative to the snapshot).
fn snapshot_edits(snapshot: &Mapping, event: &MetricsEvent, pod: &Pod, example: &str) -> Result<Vec<Edit>, String> {
    let path = |parts: &[&str]| parts.iter().map(|p| p.to_string()).collect::<Vec<String>>();
    let feature = match event {
        MetricsEvent::Promoted { feature, .. } | MetricsEvent::Merged { feature, .. } => {
            feature.clone().filter(|f| !f.trim().is_empty())
        }
        MetricsEvent::Handoff { .. } => None,
    };
    let delivered = texts(patchdesk_yaml::get(snapshot, "features_delivered"), "features_delivered")?;
    let outstanding = texts(patchdesk_yaml::get(snapshot, "features_outstanding"), "features_outstanding")?;
    if let (MetricsEvent::Merged { .. }, Some(f)) = (event, &feature) {
        if delivered.contains(f) {
            return Ok(Vec::new());
        }
    }
    let mut edits = Vec::new();
    let pods = match patchdesk_yaml::get(snapshot, "pods") {
        None | Some(Value::Null) => None,
        Some(Value::Mapping(m)) => Some(m),
        Some(_) => return Err("`pods:` should hold one entry per pod".into()),
    };
    let existing =
        pods.and_then(|m| m.iter().find(|(k, _)| patchdesk_yaml::key_text(k).is_some_and(|k| pod.matches(&k))));
    match (pods, existing) {
        (None, _) => {
            let key = pod.spelled_like(example);
            edits.push(Edit::Set(path(&["pods"]), Node::Map(vec![(key, new_pod_entry(event))])));
        }
        (Some(_), None) => {
            let key = pod.spelled_like(example);
            edits.push(Edit::Set(path(&["pods", &key]), new_pod_entry(event)));
        }
        (Some(_), Some((k, entry))) => {
            let key = patchdesk_yaml::key_text(k).unwrap_or_default();
            let Some(fields) = entry.as_mapping() else {
                return Err(format!("the entry for pod `{key}` is not a `key: value` block"));
            };
            let mut bump = |field: &str| -> Result<(), String> {
                let old = number(patchdesk_yaml::get(fields, field), field)?;
                edits.push(Edit::Set(path(&["pods", &key, field]), count(old + 1)));
                Ok(())
            };
            match event {
                MetricsEvent::Promoted { .. } => {
                    bump("patch_count")?;
                    bump("proposed")?;
                }
                MetricsEvent::Merged { .. } => bump("merged")?,
                MetricsEvent::Handoff { .. } => bump("handoffs")?,
            }
            if let Some(f) = &feature {
                let mut features = texts(patchdesk_yaml::get(fields, "features"), "features")?;
                if !features.contains(f) {
                    features.push(f.clone());
                    edits.push(Edit::Set(path(&["pods", &key, "features"]), list_node(&features)));
                }
            }
        }
    }
    if let Some(f) = feature {
        match event {
            MetricsEvent::Promoted { .. } if !delivered.contains(&f) && !outstanding.contains(&f) => {
                let mut list = outstanding.clone();
                list.push(f);
                edits.push(Edit::Set(path(&["features_outstanding"]), list_node(&list)));
            }
            MetricsEvent::Merged { .. } => {
                let mut list = delivered.clone();
                list.push(f.clone());
                edits.push(Edit::Set(path(&["features_delivered"]), list_node(&list)));
                if outstanding.contains(&f) {
                    let rest: Vec<String> = outstanding.iter().filter(|o| **o != f).cloned().collect();
                    edits.push(Edit::Set(path(&["features_outstanding"]), list_node(&rest)));
                }
            }
            _ => {}
        }
    }
    Ok(edits)
}

// ---------------------------------------------------------------- editing one list item

struct Line<'t> {
    text: &'t str,
    /// The line with its line ending.
    full: &'t str,
}

fn split_lines(text: &str) -> Vec<Line<'_>> {
    let mut out = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let end = rest.find('\n').map(|i| i + 1).unwrap_or(rest.len());
        let full = &rest[..end];
        let body = full.strip_suffix('\n').unwrap_or(full);
        let body = body.strip_suffix('\r').unwrap_or(body);
        out.push(Line { text: body, full });
        rest = &rest[end..];
    }
    out
}

/// Indentation of a content line; `None` for blank lines and comments.
fn indent(line: &str) -> Option<usize> {
    let t = line.trim_start_matches(' ');
    if t.trim().is_empty() || t.starts_with('#') {
        None
    } else {
        Some(line.len() - t.len())
    }
}

fn is_dash(t: &str) -> bool {
    t == "-" || t.starts_with("- ")
}

/// Applies `edits` (paths relative to the item) to item `index` of the top-level block list
/// `key`, keeping every other byte of the file.
fn edit_list_item(text: &str, key: &str, index: usize, edits: &[Edit]) -> Result<String, String> {
    let lines = split_lines(text);
    let cannot = || {
        format!("the list `{key}` is written in a form Patchdesk does not edit (it must be `- ` lines under `{key}:`)")
    };
    let owner = lines
        .iter()
        .position(|l| {
            let t = l.text.trim_end();
            indent(l.text) == Some(0)
                && (t == format!("{key}:") || t.starts_with(&format!("{key}: #")) || t == format!("\"{key}\":"))
        })
        .ok_or_else(cannot)?;
    // The list's lines: until the next top-level line that is not a list item.
    let mut items: Vec<usize> = Vec::new();
    let mut dash_indent: Option<usize> = None;
    let mut end = lines.len();
    for (i, l) in lines.iter().enumerate().skip(owner + 1) {
        let Some(n) = indent(l.text) else { continue };
        let t = &l.text[n..];
        if n == 0 && !is_dash(t) {
            end = i;
            break;
        }
        let d = *dash_indent.get_or_insert(n);
        if n == d {
            if !is_dash(t) {
                return Err(cannot());
            }
            items.push(i);
        } else if n < d {
            return Err(cannot());
        }
    }
    let (&start, d) = (items.get(index).ok_or_else(cannot)?, dash_indent.ok_or_else(cannot)?);
    let stop = items.get(index + 1).copied().unwrap_or(end);
    // Trailing blank lines and comments after the last item stay outside it.
    let mut stop = stop;
    while stop > start + 1 && indent(lines[stop - 1].text).is_none() && index + 1 == items.len() {
        stop -= 1;
    }

    let first = lines[start].text;
    let after_dash = &first[d + 1..];
    let gap = after_dash.len() - after_dash.trim_start_matches(' ').len();
    let prefix_len = if after_dash.trim().is_empty() { first.len() } else { d + 1 + gap };
    let eol = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let step = lines.iter().filter_map(|l| indent(l.text)).filter(|&n| n > 0).min().unwrap_or(2);

    let mut sub = format!("{STAND_IN_STEP}:{eol}{}x: 0{eol}{STAND_IN_ITEM}:{eol}", " ".repeat(step));
    let first_full = lines[start].full;
    sub.push_str(&" ".repeat(prefix_len));
    sub.push_str(&first_full[prefix_len..]);
    for l in &lines[start + 1..stop] {
        sub.push_str(l.full);
    }
    let mut paths_edits = Vec::new();
    for e in edits {
        let prefixed = |p: &Vec<String>| {
            let mut v = vec![STAND_IN_ITEM.to_string()];
            v.extend(p.iter().cloned());
            v
        };
        paths_edits.push(match e {
            Edit::Set(p, n) => Edit::Set(prefixed(p), n.clone()),
            Edit::Append(p, n) => Edit::Append(prefixed(p), n.clone()),
        });
    }
    let edited = Edit::apply_all(&sub, &paths_edits).map_err(|e| e.reason().to_string())?;
    let edited_item = patchdesk_yaml::parse_value(&edited)
        .ok()
        .and_then(|v| v.as_mapping().and_then(|m| patchdesk_yaml::get(m, STAND_IN_ITEM)).cloned())
        .ok_or_else(|| "the changed week could not be read back".to_string())?;

    // Drop the three stand-in lines and give the first line its dash back.
    let mut rest = edited.as_str();
    for _ in 0..3 {
        rest = rest.find('\n').map(|i| &rest[i + 1..]).unwrap_or("");
    }
    if !rest.starts_with(&" ".repeat(prefix_len)) {
        return Err("the changed week could not be put back in place".into());
    }
    let mut out = String::with_capacity(text.len() + 64);
    for l in &lines[..start] {
        out.push_str(l.full);
    }
    out.push_str(&first[..prefix_len]);
    out.push_str(&rest[prefix_len..]);
    for l in &lines[stop..] {
        out.push_str(l.full);
    }

    // The whole file must read as before, with exactly this item changed.
    let mut expected = patchdesk_yaml::parse_value(text).map_err(|e| e.to_string())?;
    let slot = expected
        .as_mapping_mut()
        .and_then(|m| m.iter_mut().find(|(k, _)| patchdesk_yaml::key_text(k).as_deref() == Some(key)).map(|(_, v)| v))
        .and_then(Value::as_sequence_mut)
        .and_then(|s| s.get_mut(index));
    match slot {
        Some(s) => *s = edited_item,
        None => return Err("the changed week could not be checked".into()),
    }
    match patchdesk_yaml::parse_value(&out) {
        Ok(v) if v == expected => Ok(out),
        _ => Err(format!(
            "changing `{key}` could not be done without touching other parts of the file (its layout is unusual)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dev() -> Pod {
        Pod::from_key("DevPod")
    }

    #[test]
    fn weeks_are_read_in_every_spelling() {
        assert_eq!(week_of(&Value::String("2026-W47".into())).as_deref(), Some("2026-W47"));
        assert_eq!(week_of(&Value::String("2026-w7".into())).as_deref(), Some("2026-W07"));
        assert_eq!(week_of(&Value::String("2026-11-19".into())).as_deref(), Some("2026-W47"));
        assert_eq!(week_of(&Value::String("next week".into())), None);
    }

    #[test]
    fn a_bump_inside_a_flush_list_keeps_the_rest() {
        let text = "# top\nweekly_snapshots:\n- week: 2026-W46 # old\n  pods:\n    dev:\n      patch_count: 2\n- week: 2026-W47\n  pods:\n    dev:\n      patch_count: 1\n      handoffs: 0\nother: kept\n";
        let out = apply_event(text, &MetricsEvent::Handoff { from_pod: "DevPod".into() }, &dev(), "2026-W47").unwrap();
        assert_eq!(out, text.replace("handoffs: 0", "handoffs: 1"));
    }
}
