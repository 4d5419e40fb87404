//! The numbers behind the metrics view, computed from what the repository keeps:
//!
//! * inbox metadata (`.logs/patches/*.json`, Patchdesk's fields under `"patchdesk"`): when each
//!   patch arrived, when it was promoted, merged or rejected, whether it needed repairs;
//! * the trace log (patches applied before Patchdesk, or without metadata);
//! * the handoff log; review feedback files (rejections);
//! * `metrics.yaml` (the seed's weekly counts, which may predate everything else).
//!
//! Where two sources count the same thing for a pod and week (metrics.yaml and the logs),
//! the larger count is shown: both are records of the same events, so adding them would
//! count twice. A file that is missing or cannot be read becomes a [`MetricsProblem`] and the
//! rest is still computed.

use crate::trace::{read_trace_log, TraceEntry};
use crate::{metrics_path, read_optional};
use patchdesk_board::{find_pod, Board, Pod};
use serde::Serialize;
use serde_json::Value as Json;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::Path;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// Everything the metrics view shows.
#[derive(Debug, Clone, Default, PartialEq, Serialize, specta::Type)]
pub struct Metrics {
    /// Every ISO week with any activity, oldest first (`2026-W47`).
    pub weeks: Vec<String>,
    /// One entry per pod with any activity, in the board's pod order.
    pub pods: Vec<PodMetrics>,
    /// Drop (arrival in the inbox) to pull request, per promoted patch, oldest first.
    pub drop_to_pr: Vec<LeadTime>,
    /// Pull request to merge, per merged patch, oldest first.
    pub pr_to_merge: Vec<LeadTime>,
    pub median_drop_to_pr_hours: Option<f64>,
    pub median_pr_to_merge_hours: Option<f64>,
    /// Merged pull requests out of all sent for review, over every pod (0 to 1).
    pub merge_rate: Option<f64>,
    /// Files that were missing or could not be read, in plain words.
    pub problems: Vec<MetricsProblem>,
}

/// One pod's numbers.
#[derive(Debug, Clone, Default, PartialEq, Serialize, specta::Type)]
pub struct PodMetrics {
    /// The pod's key (`DevPod`), or the name as written when no pod matches.
    pub pod: String,
    /// Per week with activity, oldest first.
    pub weeks: Vec<PodWeek>,
    /// Patches received (or applied), all weeks.
    pub patches: u32,
    /// Patches sent for review (pull requests opened).
    pub promoted: u32,
    pub merged: u32,
    /// Patches sent back to the pod.
    pub rejected: u32,
    /// Patches that needed repairs before they applied (damaged chat patches).
    pub repaired: u32,
    /// Handoffs from this pod / to this pod.
    pub handoffs_out: u32,
    pub handoffs_in: u32,
    /// `merged / promoted`, when anything was promoted.
    pub merge_rate: Option<f64>,
}

/// One pod in one week.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, specta::Type)]
pub struct PodWeek {
    pub week: String,
    pub patches: u32,
    pub merged: u32,
    pub handoffs: u32,
}

/// The time one patch spent between two steps.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct LeadTime {
    /// The inbox item's name.
    pub item: String,
    pub task_id: Option<String>,
    pub pod: Option<String>,
    /// The week the step ended in.
    pub week: String,
    pub hours: f64,
}

/// A file the metrics could not use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct MetricsProblem {
    /// Relative to the repository.
    pub path: String,
    pub message: String,
}

/// Counts for one pod and week, from one kind of source.
#[derive(Debug, Default, Clone, Copy)]
struct Counts {
    patches: u32,
    merged: u32,
    handoffs: u32,
    proposed: u32,
}

#[derive(Default)]
struct Tally {
    /// From the logs and metadata: (pod, week) → counts.
    logs: HashMap<(String, String), Counts>,
    /// From metrics.yaml.
    yaml: HashMap<(String, String), Counts>,
    promoted: HashMap<String, u32>,
    merged: HashMap<String, u32>,
    rejected: HashMap<String, u32>,
    repaired: HashMap<String, u32>,
    out: HashMap<String, u32>,
    into: HashMap<String, u32>,
}

fn bump(map: &mut HashMap<String, u32>, pod: &str) {
    *map.entry(pod.to_string()).or_default() += 1;
}

/// The ISO week of a time or date text (`2026-11-19T14:03:00Z`, `2026-11-19`).
fn week_of_text(s: &str) -> Option<String> {
    let date = parse_time(s).map(|t| t.date()).or_else(|| {
        time::Date::parse(s.trim().get(..10)?, time::macros::format_description!("[year]-[month]-[day]")).ok()
    })?;
    let (y, w, _) = date.to_iso_week_date();
    Some(format!("{y:04}-W{w:02}"))
}

fn parse_time(s: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(s.trim(), &Rfc3339).ok().map(|t| t.to_offset(time::UtcOffset::UTC))
}

fn hours_between(from: &str, to: &str) -> Option<f64> {
    let (a, b) = (parse_time(from)?, parse_time(to)?);
    let secs = (b - a).whole_seconds();
    (secs >= 0).then(|| (secs as f64 / 36.0).round() / 100.0)
}

fn median(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let mid = v.len() / 2;
    Some(if v.len() % 2 == 1 { v[mid] } else { (v[mid - 1] + v[mid]) / 2.0 })
}

fn rate(merged: u32, promoted: u32) -> Option<f64> {
    (promoted > 0).then(|| (f64::from(merged.min(promoted)) / f64::from(promoted) * 1000.0).round() / 1000.0)
}

/// Maps pod spellings onto board pod keys.
struct Pods {
    pods: Vec<Pod>,
    board: Board,
}

impl Pods {
    fn key(&self, raw: &str) -> Option<String> {
        let raw = raw.trim();
        if raw.is_empty() {
            return None;
        }
        Some(find_pod(&self.pods, raw).map(|p| p.key.clone()).unwrap_or_else(|| raw.to_string()))
    }

    /// The pod named, else the pod of the task, else "Unassigned".
    fn of(&self, pod: Option<&str>, task: Option<&str>) -> String {
        pod.and_then(|p| self.key(p))
            .or_else(|| task.and_then(|t| self.board.task(t)).and_then(|t| t.pod.clone()))
            .unwrap_or_else(|| "Unassigned".to_string())
    }
}

/// One inbox item's metadata, as far as metrics care.
struct Item {
    name: String,
    task: Option<String>,
    pod: String,
    received: Option<String>,
    promoted: Option<String>,
    merged: Option<String>,
    rejected: bool,
    repaired: bool,
}

fn text(v: Option<&Json>) -> Option<String> {
    match v? {
        Json::String(s) if !s.trim().is_empty() => Some(s.clone()),
        Json::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn read_item(file: &str, bytes: &[u8], pods: &Pods) -> Result<Item, String> {
    let value: Json = serde_json::from_slice(bytes)
        .map_err(|e| format!("{file} is not valid JSON (line {}): it was left out of the metrics", e.line()))?;
    let Json::Object(top) = value else {
        return Err(format!("{file} does not hold patch details (expected {{...}}); it was left out of the metrics"));
    };
    let own = top.get("patchdesk").and_then(Json::as_object);
    let field = |k: &str| own.and_then(|o| text(o.get(k))).or_else(|| text(top.get(k)));
    let stem = file.rsplit('/').next().unwrap_or(file).trim_end_matches(".json").to_string();
    let name = own.and_then(|o| text(o.get("name"))).unwrap_or(stem);
    let task = text(top.get("task_id")).or_else(|| field("task_id"));
    let pod_raw = text(top.get("pod")).or_else(|| own.and_then(|o| text(o.get("pod"))));
    let pod = pods.of(pod_raw.as_deref(), task.as_deref());
    let history: Vec<(String, String)> = own
        .and_then(|o| o.get("history"))
        .and_then(Json::as_array)
        .map(|h| h.iter().filter_map(|c| Some((text(c.get("status"))?, text(c.get("at"))?))).collect())
        .unwrap_or_default();
    let first = |status: &str| history.iter().find(|(s, _)| s == status).map(|(_, at)| at.clone());
    let status = own.and_then(|o| text(o.get("status")));
    let repairs = |v: Option<&Json>| match v {
        Some(Json::Array(a)) => !a.is_empty(),
        Some(Json::Number(n)) => n.as_u64().unwrap_or(0) > 0,
        Some(Json::Bool(b)) => *b,
        _ => false,
    };
    let chat = own.and_then(|o| o.get("kind")).and_then(|k| k.get("flavor")).and_then(Json::as_str) == Some("chat");
    Ok(Item {
        name,
        task,
        pod,
        received: own.and_then(|o| text(o.get("received_at"))),
        promoted: first("promoted")
            .or_else(|| (status.as_deref() == Some("merged")).then(|| first("merged")).flatten()),
        merged: first("merged"),
        rejected: first("rejected").is_some() || status.as_deref() == Some("rejected"),
        repaired: chat || repairs(own.and_then(|o| o.get("repairs"))) || repairs(top.get("repairs")),
    })
}

/// Reads every source under `workdir` and computes the metrics view. Never fails: unreadable
/// files are listed in `problems`.
pub fn compute_metrics(workdir: &Path) -> Metrics {
    let board = Board::load(workdir);
    let pods = Pods { pods: board.pods.clone(), board };
    let mut problems: Vec<MetricsProblem> = Vec::new();
    let mut problem = |path: &str, message: String| problems.push(MetricsProblem { path: path.to_string(), message });
    let mut t = Tally::default();
    let mut drop_to_pr = Vec::new();
    let mut pr_to_merge = Vec::new();

    // 1. Inbox metadata.
    let mut items: Vec<Item> = Vec::new();
    let meta_dir = workdir.join(".logs/patches");
    let listed = match patchdesk_disk::inspect(workdir, ".logs/patches") {
        Ok(_) => std::fs::read_dir(&meta_dir),
        Err(e) => {
            problem(".logs/patches", e.to_string());
            Err(std::io::ErrorKind::NotFound.into())
        }
    };
    match listed {
        Ok(entries) => {
            let mut names: Vec<String> = entries
                .filter_map(Result::ok)
                .filter_map(|e| e.file_name().into_string().ok())
                .filter(|n| n.ends_with(".json") && !n.starts_with('.'))
                .collect();
            names.sort();
            for n in names {
                let rel = format!(".logs/patches/{n}");
                match patchdesk_disk::read_file(workdir, &rel) {
                    Ok(Some(bytes)) => match read_item(&rel, &bytes, &pods) {
                        Ok(item) => items.push(item),
                        Err(why) => problem(&rel, why),
                    },
                    Ok(None) => {}
                    Err(e) => problem(&rel, e.to_string()),
                }
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => problem(".logs/patches", format!(".logs/patches could not be read ({e})")),
    }
    let mut seen_patches: HashSet<String> = HashSet::new();
    let mut rejected_patches: HashSet<String> = HashSet::new();
    for item in &items {
        seen_patches.insert(item.name.clone());
        if let Some(week) = item.received.as_deref().and_then(week_of_text) {
            t.logs.entry((item.pod.clone(), week)).or_default().patches += 1;
        }
        if item.promoted.is_some() {
            bump(&mut t.promoted, &item.pod);
        }
        if let Some(merged_at) = &item.merged {
            bump(&mut t.merged, &item.pod);
            if let Some(week) = week_of_text(merged_at) {
                t.logs.entry((item.pod.clone(), week)).or_default().merged += 1;
            }
        }
        if item.rejected {
            bump(&mut t.rejected, &item.pod);
            rejected_patches.insert(item.name.clone());
        }
        if item.repaired {
            bump(&mut t.repaired, &item.pod);
        }
        let lead = |from: &Option<String>, to: &Option<String>| -> Option<LeadTime> {
            let (f, to) = (from.as_deref()?, to.as_deref()?);
            Some(LeadTime {
                item: item.name.clone(),
                task_id: item.task.clone(),
                pod: Some(item.pod.clone()),
                week: week_of_text(to)?,
                hours: hours_between(f, to)?,
            })
        };
        drop_to_pr.extend(lead(&item.received, &item.promoted));
        pr_to_merge.extend(lead(&item.promoted, &item.merged));
    }

    // 2. The trace log: patches without metadata.
    match read_trace_log(workdir) {
        Ok(entries) => {
            if entries.is_empty() && !workdir.join(crate::TRACE_LOG).exists() {
                problem(
                    crate::TRACE_LOG,
                    format!("{} does not exist yet; it is written when a patch is applied", crate::TRACE_LOG),
                );
            }
            for e in entries {
                count_trace_entry(&e, &pods, &mut seen_patches, &mut t);
            }
        }
        Err(e) => problem(crate::TRACE_LOG, e.to_string()),
    }

    // 3. Handoffs.
    match patchdesk_board::read_handoff_log(workdir) {
        Ok(log) => {
            for e in &log.entries {
                let from = pods.of(e.from.as_deref(), None);
                let to = pods.of(e.to.as_deref(), None);
                bump(&mut t.out, &from);
                bump(&mut t.into, &to);
                if let Some(week) = e.when.as_deref().and_then(week_of_text) {
                    t.logs.entry((from, week)).or_default().handoffs += 1;
                }
            }
        }
        Err(e) => problem(patchdesk_board::HANDOFF_LOG, e.to_string()),
    }

    // 4. Review feedback: notes about patches the metadata does not show as rejected.
    let feedback_dir = match patchdesk_disk::inspect(workdir, ".logs/feedback") {
        Ok(_) => std::fs::read_dir(workdir.join(".logs/feedback")).ok(),
        Err(e) => {
            problem(".logs/feedback", e.to_string());
            None
        }
    };
    if let Some(entries) = feedback_dir {
        let mut files: Vec<String> = entries
            .filter_map(Result::ok)
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|n| n.ends_with(".md"))
            .collect();
        files.sort();
        for f in files {
            let task = f.trim_end_matches(".md");
            match crate::read_feedback(workdir, task) {
                Ok(notes) => {
                    for n in notes {
                        let patch = n.patch.as_deref().map(|p| p.rsplit('/').next().unwrap_or(p).to_string());
                        if patch.as_ref().is_some_and(|p| rejected_patches.contains(p)) {
                            continue;
                        }
                        if let Some(p) = patch {
                            rejected_patches.insert(p);
                        }
                        bump(&mut t.rejected, &pods.of(None, Some(task)));
                    }
                }
                Err(e) => problem(&format!(".logs/feedback/{f}"), e.to_string()),
            }
        }
    }

    // 5. metrics.yaml.
    let rel = metrics_path(workdir);
    match read_optional(workdir, rel) {
        Ok(Some(text)) => read_yaml_counts(rel, &text, &pods, &mut t, &mut problem),
        Ok(None) => problem(rel, format!("{rel} does not exist yet; it is written when a patch is promoted")),
        Err(e) => problem(rel, e.to_string()),
    }

    drop_to_pr.sort_by(|a, b| a.week.cmp(&b.week).then(a.item.cmp(&b.item)));
    pr_to_merge.sort_by(|a, b| a.week.cmp(&b.week).then(a.item.cmp(&b.item)));
    assemble(t, &pods, drop_to_pr, pr_to_merge, problems)
}

fn count_trace_entry(e: &TraceEntry, pods: &Pods, seen: &mut HashSet<String>, t: &mut Tally) {
    let name = e.patch.as_deref().map(|p| p.rsplit('/').next().unwrap_or(p).to_string());
    if let Some(n) = &name {
        if !seen.insert(n.clone()) {
            return;
        }
    }
    let pod = pods.of(e.pod.as_deref(), e.task_id.as_deref());
    if let Some(week) = e.at.as_deref().and_then(week_of_text) {
        t.logs.entry((pod.clone(), week)).or_default().patches += 1;
    }
    if e.repairs.unwrap_or(0) > 0 {
        bump(&mut t.repaired, &pod);
    }
    if e.pr.is_some() {
        bump(&mut t.promoted, &pod);
    }
}

fn read_yaml_counts(rel: &str, text: &str, pods: &Pods, t: &mut Tally, problem: &mut impl FnMut(&str, String)) {
    use patchdesk_yaml::Value;
    let doc = match patchdesk_yaml::parse_value(text) {
        Ok(v) => v,
        Err(e) => return problem(rel, format!("{}; its weekly counts were left out", e.in_file(rel))),
    };
    let snapshots = match doc.as_mapping().and_then(|m| patchdesk_yaml::get(m, "weekly_snapshots")) {
        Some(Value::Sequence(s)) => s.clone(),
        None | Some(Value::Null) if matches!(doc, Value::Null | Value::Mapping(_)) => Vec::new(),
        _ => {
            return problem(
                rel,
                format!("{rel}: `weekly_snapshots:` should be a list of weeks; its counts were left out"),
            )
        }
    };
    let n = |m: &patchdesk_yaml::Mapping, k: &str| -> u32 {
        match patchdesk_yaml::get(m, k) {
            Some(Value::Number(x)) => x.as_u64().map(|v| v.min(u64::from(u32::MAX)) as u32).unwrap_or(0),
            Some(Value::String(s)) => s.trim().parse().unwrap_or(0),
            _ => 0,
        }
    };
    for (i, s) in snapshots.iter().enumerate() {
        let Some(m) = s.as_mapping() else {
            problem(rel, format!("{rel}: week number {} is not a `key: value` block; it was left out", i + 1));
            continue;
        };
        let Some(week) =
            patchdesk_yaml::get(m, "week").and_then(patchdesk_yaml::key_text).and_then(|w| normalise_week(&w))
        else {
            problem(rel, format!("{rel}: week number {} has no readable `week:`; it was left out", i + 1));
            continue;
        };
        let Some(pod_map) = patchdesk_yaml::get(m, "pods").and_then(Value::as_mapping) else { continue };
        for (k, v) in pod_map {
            let (Some(raw), Some(fields)) = (patchdesk_yaml::key_text(k), v.as_mapping()) else { continue };
            let pod = pods.of(Some(&raw), None);
            let c = t.yaml.entry((pod, week.clone())).or_default();
            c.patches += n(fields, "patch_count");
            c.merged += n(fields, "merged");
            c.handoffs += n(fields, "handoffs");
            c.proposed += n(fields, "proposed");
        }
    }
}

/// `2026-W47`, `2026-w7` or a date → `2026-W47`.
fn normalise_week(s: &str) -> Option<String> {
    if let Some((y, w)) = s.trim().split_once(['W', 'w']) {
        if let (Ok(y), Ok(w)) = (y.trim_end_matches('-').parse::<i32>(), w.parse::<u8>()) {
            return Some(format!("{y:04}-W{w:02}"));
        }
    }
    week_of_text(s)
}

fn assemble(
    t: Tally,
    pods: &Pods,
    drop_to_pr: Vec<LeadTime>,
    pr_to_merge: Vec<LeadTime>,
    problems: Vec<MetricsProblem>,
) -> Metrics {
    let mut per_pod: BTreeMap<String, BTreeMap<String, (Counts, Counts)>> = BTreeMap::new();
    for ((pod, week), c) in &t.logs {
        per_pod.entry(pod.clone()).or_default().entry(week.clone()).or_default().0 = *c;
    }
    for ((pod, week), c) in &t.yaml {
        per_pod.entry(pod.clone()).or_default().entry(week.clone()).or_default().1 = *c;
    }
    let mut names: BTreeSet<String> = per_pod.keys().cloned().collect();
    for m in [&t.promoted, &t.merged, &t.rejected, &t.repaired, &t.out, &t.into] {
        names.extend(m.keys().cloned());
    }
    let order = |p: &String| pods.pods.iter().position(|x| &x.key == p).unwrap_or(usize::MAX);
    let mut names: Vec<String> = names.into_iter().collect();
    names.sort_by(|a, b| order(a).cmp(&order(b)).then(a.cmp(b)));

    let get = |m: &HashMap<String, u32>, p: &str| m.get(p).copied().unwrap_or(0);
    let mut all_weeks: BTreeSet<String> = BTreeSet::new();
    let (mut total_merged, mut total_promoted) = (0u32, 0u32);
    let mut out_pods = Vec::new();
    for pod in names {
        let weeks_map = per_pod.remove(&pod).unwrap_or_default();
        let mut weeks = Vec::new();
        let (mut yaml_proposed, mut yaml_merged, mut patches, mut log_handoffs, mut yaml_handoffs) = (0, 0, 0, 0, 0);
        for (week, (logs, yaml)) in weeks_map {
            all_weeks.insert(week.clone());
            let w = PodWeek {
                patches: logs.patches.max(yaml.patches),
                merged: logs.merged.max(yaml.merged),
                handoffs: logs.handoffs.max(yaml.handoffs),
                week,
            };
            patches += w.patches;
            yaml_proposed += yaml.proposed;
            yaml_merged += yaml.merged;
            log_handoffs += logs.handoffs;
            yaml_handoffs += yaml.handoffs;
            weeks.push(w);
        }
        let promoted = get(&t.promoted, &pod).max(yaml_proposed);
        let merged = get(&t.merged, &pod).max(yaml_merged);
        total_merged += merged;
        total_promoted += promoted;
        out_pods.push(PodMetrics {
            merge_rate: rate(merged, promoted),
            weeks,
            patches,
            promoted,
            merged,
            rejected: get(&t.rejected, &pod),
            repaired: get(&t.repaired, &pod),
            handoffs_out: get(&t.out, &pod).max(yaml_handoffs).max(log_handoffs),
            handoffs_in: get(&t.into, &pod),
            pod,
        });
    }
    let hours = |v: &[LeadTime]| v.iter().map(|l| l.hours).collect::<Vec<f64>>();
    Metrics {
        weeks: all_weeks.into_iter().collect(),
        pods: out_pods,
        median_drop_to_pr_hours: median(&hours(&drop_to_pr)),
        median_pr_to_merge_hours: median(&hours(&pr_to_merge)),
        drop_to_pr,
        pr_to_merge,
        merge_rate: rate(total_merged, total_promoted),
        problems,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_helpers() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0]), Some(2.5));
        assert_eq!(median(&[]), None);
        assert_eq!(hours_between("2026-11-19T10:00:00Z", "2026-11-19T13:30:00Z"), Some(3.5));
        assert_eq!(hours_between("2026-11-19T13:30:00Z", "2026-11-19T10:00:00Z"), None);
        assert_eq!(week_of_text("2026-11-19"), Some("2026-W47".into()));
        assert_eq!(week_of_text("2026-11-19T23:59:00-05:00"), Some("2026-W47".into()));
        assert_eq!(normalise_week("2026-w7"), Some("2026-W07".into()));
        assert_eq!(rate(1, 3), Some(0.333));
        assert_eq!(rate(0, 0), None);
    }
}
