//! What a file's name says: task id, feature, timestamp and pod, for every naming form pods use
//! (see pod-formats.md), with browser duplicate markers (" (1)") removed first.

use serde::{Deserialize, Serialize};
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time};

/// Which naming form a file name follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum NameForm {
    /// `patch_<YYYYMMDD_HHMMSS>_<task_id>.diff` (the canonical form).
    TimestampTask,
    /// `patch_<YYYYMMDD_HHMMSS>.diff`.
    Timestamp,
    /// `patch_<task_id>_<timestamp>.diff` and the ZIP form `patch_<task_id>_<timestamp>.zip`.
    TaskTimestamp,
    /// `patch_<task_id>.diff`.
    Task,
    /// `gpt_patch_<feature>.diff`.
    GptFeature,
    /// A log named for its task: `<task>_handoff.md`, `<task>_prompt.txt`, `changelogs/<task>.md`.
    TaskLog,
    /// None of the above.
    Other,
}

/// What a file name tells about its content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct NameInfo {
    /// The file's own name, without folders and without a duplicate marker such as " (1)".
    pub clean_name: String,
    /// [`NameInfo::clean_name`] without its extension(s) (`.diff`, `.diff.json`, `.zip`, ...).
    pub stem: String,
    /// The naming form recognised.
    pub form: NameForm,
    /// Task id, e.g. `2.3_build_metrics_tool`, `F2.1`, `dev-a1b2c3`.
    pub task_id: Option<String>,
    /// Feature of a `gpt_patch_<feature>.diff` name, e.g. `f4.3`.
    pub feature: Option<String>,
    /// When the pod made the file, as `YYYY-MM-DDTHH:MM:SS` (the pod's clock, no zone), or
    /// with a `Z` when the name carried a Unix time.
    pub timestamp: Option<String>,
    /// Pod, when the path names one (`prompts/used/DevPod/<task>_prompt.txt`).
    pub pod: Option<String>,
}

/// Extensions that are split off a name. Anything else stays part of the stem, so task ids
/// with dots (`patch_F2.1`) keep them.
const KNOWN_EXTENSIONS: [&str; 9] = ["diff", "patch", "zip", "json", "txt", "md", "yaml", "yml", "mbox"];

/// Reads a file name (folders allowed, `/` or `\`) for task id, timestamp, feature and pod.
pub fn parse_name(raw: &str) -> NameInfo {
    let parts: Vec<&str> = raw.split(['/', '\\']).filter(|p| !p.is_empty()).collect();
    let base = parts.last().copied().unwrap_or("");
    let clean_name = strip_duplicate_marker(base);
    let (stem, ext) = split_extension(&clean_name);
    let parent = parts.len().checked_sub(2).map(|i| parts[i].to_ascii_lowercase());
    let pod = pod_from_path(&parts);

    let mut info = NameInfo {
        clean_name: clean_name.clone(),
        stem: stem.to_string(),
        form: NameForm::Other,
        task_id: None,
        feature: None,
        timestamp: None,
        pod,
    };

    let lower = stem.to_ascii_lowercase();
    if let Some(feature) = lower.strip_prefix("gpt_patch_").map(|_| &stem["gpt_patch_".len()..]) {
        if !feature.is_empty() {
            info.form = NameForm::GptFeature;
            info.feature = Some(feature.to_string());
        }
        return info;
    }
    if lower.starts_with("patch_") {
        let rest = &stem["patch_".len()..];
        if let Some((ts, after)) = timestamp_prefix(rest) {
            if after.is_empty() {
                info.form = NameForm::Timestamp;
                info.timestamp = Some(ts);
                return info;
            }
            if let Some(task) = after.strip_prefix('_').filter(|t| is_task_id(t)) {
                info.form = NameForm::TimestampTask;
                info.timestamp = Some(ts);
                info.task_id = Some(task.to_string());
                return info;
            }
        }
        if let Some((before, ts)) = timestamp_suffix(rest) {
            if let Some(task) = before.strip_suffix('_').filter(|t| is_task_id(t)) {
                info.form = NameForm::TaskTimestamp;
                info.timestamp = Some(ts);
                info.task_id = Some(task.to_string());
                return info;
            }
        }
        if is_task_id(rest) {
            info.form = NameForm::Task;
            info.task_id = Some(rest.to_string());
        }
        return info;
    }

    // Logs named for their task.
    let task_log = match ext.as_str() {
        "md" | "txt" | "yaml" | "yml" => {
            let suffixes = ["_handoff", "_prompt", "_reasoning_trace", "_thought_trace", "_changelog", "_feedback"];
            let by_suffix = suffixes
                .iter()
                .find_map(|s| lower.ends_with(s).then(|| &stem[..stem.len() - s.len()]).filter(|t| is_task_id(t)));
            let by_folder = matches!(parent.as_deref(), Some("changelogs" | "feedback" | "handoff_notes"))
                .then_some(stem)
                .filter(|t| is_task_id(t) && !is_generic_log_stem(t));
            by_suffix.or(by_folder)
        }
        _ => None,
    };
    if let Some(task) = task_log {
        info.form = NameForm::TaskLog;
        info.task_id = Some(task.to_string());
    }
    info
}

/// `patch_<YYYYMMDD_HHMMSS>_<task>.<extension>`, the canonical name of a pod's download, at
/// `now` in UTC.
pub fn patch_file_name(now: time::OffsetDateTime, task: &str, extension: &str) -> String {
    let now = now.to_offset(time::UtcOffset::UTC);
    format!(
        "patch_{:04}{:02}{:02}_{:02}{:02}{:02}_{task}.{extension}",
        now.year(),
        u8::from(now.month()),
        now.day(),
        now.hour(),
        now.minute(),
        now.second()
    )
}

/// Pod named by a branch: `chatgpt/auto/<category>/<task>` gives the category,
/// `chatgpt/<pod>/<feature>` gives the pod.
pub fn pod_from_branch(branch: &str) -> Option<String> {
    let parts: Vec<&str> = branch.split('/').filter(|p| !p.is_empty()).collect();
    match parts.as_slice() {
        ["chatgpt", "auto", category, _, ..] => Some(category.to_string()),
        ["chatgpt", pod, _, ..] if *pod != "auto" => Some(pod.to_string()),
        _ => None,
    }
}

/// Task id named by a `chatgpt/auto/<category>/<task>` branch.
pub fn task_from_branch(branch: &str) -> Option<String> {
    let parts: Vec<&str> = branch.split('/').filter(|p| !p.is_empty()).collect();
    match parts.as_slice() {
        ["chatgpt", "auto", _, task] if is_task_id(task) => Some(task.to_string()),
        _ => None,
    }
}

/// Pod named by a path such as `prompts/used/DevPod/<task>_prompt.txt`.
pub fn pod_from_path(parts: &[&str]) -> Option<String> {
    parts.windows(4).find_map(|w| {
        (w[0].eq_ignore_ascii_case("prompts") && w[1].eq_ignore_ascii_case("used") && !w[2].is_empty())
            .then(|| w[2].to_string())
    })
}

/// Removes what browsers and file managers add to a second download of the same name:
/// `x (1).diff`, `x(2).diff`, `x copy.diff`, `x copy 2.diff`, `x - Copy.diff`, `x - Copy (2).diff`.
pub fn strip_duplicate_marker(name: &str) -> String {
    let (stem, ext) = match name.rfind('.') {
        Some(i) if i > 0 && KNOWN_EXTENSIONS.contains(&name[i + 1..].to_ascii_lowercase().as_str()) => {
            (&name[..i], &name[i..])
        }
        _ => (name, ""),
    };
    let mut s = stem;
    // "(N)" with or without a space before it.
    if let Some(open) = s.strip_suffix(')').and_then(|t| t.rfind('(').map(|i| (t, i))) {
        let (t, i) = open;
        let digits = &t[i + 1..];
        if !digits.is_empty() && digits.len() <= 4 && digits.bytes().all(|b| b.is_ascii_digit()) && i > 0 {
            s = t[..i].trim_end();
        }
    }
    for marker in [" - Copy", " copy", " Copy"] {
        if let Some(t) = s.strip_suffix(marker) {
            s = t;
            break;
        }
        // "copy 2"
        if let Some(idx) = s.rfind(marker) {
            let tail = &s[idx + marker.len()..];
            if tail.len() > 1 && tail.starts_with(' ') && tail[1..].bytes().all(|b| b.is_ascii_digit()) {
                s = &s[..idx];
                break;
            }
        }
    }
    if s.is_empty() {
        return name.to_string();
    }
    format!("{s}{ext}")
}

/// Splits known extensions off: `x.diff` → (`x`, `diff`); `x.diff.json` → (`x`, `json`);
/// `x.diff.txt` → (`x`, `diff`) (a browser added `.txt`).
pub fn split_extension(name: &str) -> (&str, String) {
    let Some(i) = name.rfind('.').filter(|&i| i > 0) else {
        return (name, String::new());
    };
    let ext = name[i + 1..].to_ascii_lowercase();
    if !KNOWN_EXTENSIONS.contains(&ext.as_str()) {
        return (name, String::new());
    }
    let stem = &name[..i];
    let inner = stem.rfind('.').filter(|&j| j > 0).map(|j| (j, stem[j + 1..].to_ascii_lowercase()));
    match inner {
        Some((j, inner)) if inner == "diff" || inner == "patch" => {
            let ext = if ext == "txt" { inner } else { ext };
            (&stem[..j], ext)
        }
        _ => (stem, ext),
    }
}

fn is_generic_log_stem(stem: &str) -> bool {
    let s = stem.to_ascii_lowercase();
    matches!(s.as_str(), "changelog" | "readme" | "index" | "feedback" | "handoff" | "notes")
}

/// Task ids are one name: letters, digits, `.`, `_`, `-` (no spaces, no slashes).
fn is_task_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 200
        && s.bytes().any(|b| b.is_ascii_alphanumeric())
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// A timestamp at the start of `s`, and what follows it.
fn timestamp_prefix(s: &str) -> Option<(String, &str)> {
    // Try the longest forms first: "YYYYMMDD_HHMMSS" (15), "YYYYMMDDHHMMSS" (14).
    for len in [15, 14] {
        if let Some(head) = s.get(..len) {
            if let Some(ts) = parse_compact_timestamp(head) {
                return Some((ts, &s[len..]));
            }
        }
    }
    None
}

/// A timestamp at the end of `s` (after a `_`), and what precedes it.
fn timestamp_suffix(s: &str) -> Option<(&str, String)> {
    for len in [15, 14] {
        if s.len() >= len && s.is_char_boundary(s.len() - len) {
            let (before, tail) = s.split_at(s.len() - len);
            if let Some(ts) = parse_compact_timestamp(tail) {
                return Some((before, ts));
            }
        }
    }
    // Unix time in seconds (10 digits, 2017..2100).
    if s.len() >= 10 && s.is_char_boundary(s.len() - 10) {
        let (before, tail) = s.split_at(s.len() - 10);
        if tail.bytes().all(|b| b.is_ascii_digit()) {
            let secs: i64 = tail.parse().ok()?;
            if (1_500_000_000..4_102_444_800).contains(&secs) {
                let at = OffsetDateTime::from_unix_timestamp(secs).ok()?;
                return Some((before, format!("{}Z", format_naive(at.date(), at.time()))));
            }
        }
    }
    None
}

/// `YYYYMMDD_HHMMSS`, `YYYYMMDD-HHMMSS`, `YYYYMMDDTHHMMSS` or `YYYYMMDDHHMMSS`, checked as a
/// real date and time.
fn parse_compact_timestamp(s: &str) -> Option<String> {
    // Only ASCII can be a timestamp, and only ASCII may be sliced by byte below: a name such
    // as `patch_2026111é12345` must not be cut inside its `é`.
    if !s.is_ascii() {
        return None;
    }
    let b = s.as_bytes();
    let (date, time) = match b.len() {
        15 if matches!(b[8], b'_' | b'-' | b'T') => (&s[..8], &s[9..]),
        14 => (&s[..8], &s[8..]),
        _ => return None,
    };
    if !date.bytes().chain(time.bytes()).all(|c| c.is_ascii_digit()) {
        return None;
    }
    let num = |t: &str| t.parse::<u32>().ok();
    let year = num(&date[..4])? as i32;
    if !(2000..=2100).contains(&year) {
        return None;
    }
    let month = Month::try_from(num(&date[4..6])? as u8).ok()?;
    let day = num(&date[6..8])? as u8;
    let d = Date::from_calendar_date(year, month, day).ok()?;
    let t = Time::from_hms(num(&time[..2])? as u8, num(&time[2..4])? as u8, num(&time[4..6])? as u8).ok()?;
    Some(format_naive(d, t))
}

fn format_naive(d: Date, t: Time) -> String {
    let dt = PrimitiveDateTime::new(d, t);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        dt.year(),
        u8::from(dt.month()),
        dt.day(),
        dt.hour(),
        dt.minute(),
        dt.second()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Case {
        name: &'static str,
        form: NameForm,
        task: Option<&'static str>,
        feature: Option<&'static str>,
        ts: Option<&'static str>,
        pod: Option<&'static str>,
        clean: &'static str,
    }

    const fn case(
        name: &'static str,
        form: NameForm,
        task: Option<&'static str>,
        ts: Option<&'static str>,
        clean: &'static str,
    ) -> Case {
        Case { name, form, task, feature: None, ts, pod: None, clean }
    }

    #[test]
    fn every_naming_form_is_read() {
        use NameForm::*;
        let cases = [
            case(
                "patch_20250422_103045_2.3_build_metrics_tool.diff",
                TimestampTask,
                Some("2.3_build_metrics_tool"),
                Some("2025-04-22T10:30:45"),
                "patch_20250422_103045_2.3_build_metrics_tool.diff",
            ),
            case(
                "patch_20250419_123456.diff",
                Timestamp,
                None,
                Some("2025-04-19T12:34:56"),
                "patch_20250419_123456.diff",
            ),
            case(
                "patch_1.1_capture_project_goals_20250501_090000.diff",
                TaskTimestamp,
                Some("1.1_capture_project_goals"),
                Some("2025-05-01T09:00:00"),
                "patch_1.1_capture_project_goals_20250501_090000.diff",
            ),
            case("patch_F2.1.diff", Task, Some("F2.1"), None, "patch_F2.1.diff"),
            case("patch_dev-a1b2c3.diff", Task, Some("dev-a1b2c3"), None, "patch_dev-a1b2c3.diff"),
            case(
                "patch_F2.1_20250419_123456.zip",
                TaskTimestamp,
                Some("F2.1"),
                Some("2025-04-19T12:34:56"),
                "patch_F2.1_20250419_123456.zip",
            ),
            case(
                "patch_qa-0f9e8d_20250419123456.zip",
                TaskTimestamp,
                Some("qa-0f9e8d"),
                Some("2025-04-19T12:34:56"),
                "patch_qa-0f9e8d_20250419123456.zip",
            ),
            case(
                "patch_2.3_build_metrics_tool_1745317845.zip",
                TaskTimestamp,
                Some("2.3_build_metrics_tool"),
                Some("2025-04-22T10:30:45Z"),
                "patch_2.3_build_metrics_tool_1745317845.zip",
            ),
            // Browser duplicates.
            case("patch_F2.1 (1).diff", Task, Some("F2.1"), None, "patch_F2.1.diff"),
            case("patch_F2.1(12).diff", Task, Some("F2.1"), None, "patch_F2.1.diff"),
            case(
                "patch_20250422_103045_2.3_build_metrics_tool (2).diff",
                TimestampTask,
                Some("2.3_build_metrics_tool"),
                Some("2025-04-22T10:30:45"),
                "patch_20250422_103045_2.3_build_metrics_tool.diff",
            ),
            case("patch_F2.1 copy.diff", Task, Some("F2.1"), None, "patch_F2.1.diff"),
            case("patch_F2.1 copy 3.diff", Task, Some("F2.1"), None, "patch_F2.1.diff"),
            case("patch_F2.1 - Copy (2).diff", Task, Some("F2.1"), None, "patch_F2.1.diff"),
            case(
                "patch_F2.1_20250419_123456 (1).zip",
                TaskTimestamp,
                Some("F2.1"),
                Some("2025-04-19T12:34:56"),
                "patch_F2.1_20250419_123456.zip",
            ),
            // A browser that added ".txt".
            case("patch_F2.1.diff.txt", Task, Some("F2.1"), None, "patch_F2.1.diff.txt"),
            // Sidecars carry the patch's name.
            case(
                ".logs/patches/patch_20250422_103045_2.3_build_metrics_tool.json",
                TimestampTask,
                Some("2.3_build_metrics_tool"),
                Some("2025-04-22T10:30:45"),
                "patch_20250422_103045_2.3_build_metrics_tool.json",
            ),
            case("patch_F2.1.diff.json", Task, Some("F2.1"), None, "patch_F2.1.diff.json"),
            // An impossible date is not a timestamp: the whole rest is the task id.
            case("patch_20251399_103045.diff", Task, Some("20251399_103045"), None, "patch_20251399_103045.diff"),
            // Logs named for their task.
            case("handoff_notes/F2.1_handoff.md", TaskLog, Some("F2.1"), None, "F2.1_handoff.md"),
            case("F2.1_prompt.txt", TaskLog, Some("F2.1"), None, "F2.1_prompt.txt"),
            case(
                ".logs/changelogs/1.1_capture_project_goals.md",
                TaskLog,
                Some("1.1_capture_project_goals"),
                None,
                "1.1_capture_project_goals.md",
            ),
            case("changelog.yaml", Other, None, None, "changelog.yaml"),
            case("random notes.diff", Other, None, None, "random notes.diff"),
            case("patch_.diff", Other, None, None, "patch_.diff"),
            case("", Other, None, None, ""),
        ];
        for c in cases {
            let got = parse_name(c.name);
            assert_eq!(got.form, c.form, "form of {}", c.name);
            assert_eq!(got.task_id.as_deref(), c.task, "task of {}", c.name);
            assert_eq!(got.feature.as_deref(), c.feature, "feature of {}", c.name);
            assert_eq!(got.timestamp.as_deref(), c.ts, "timestamp of {}", c.name);
            assert_eq!(got.pod.as_deref(), c.pod, "pod of {}", c.name);
            assert_eq!(got.clean_name, c.clean, "clean name of {}", c.name);
        }
    }

    #[test]
    fn gpt_feature_names_and_pod_paths() {
        let g = parse_name("gpt_patch_f4.3.diff");
        assert_eq!(g.form, NameForm::GptFeature);
        assert_eq!(g.feature.as_deref(), Some("f4.3"));
        assert_eq!(g.task_id, None);
        let g = parse_name("gpt_patch_f4.3_rtp_guidance (1).diff");
        assert_eq!(g.feature.as_deref(), Some("f4.3_rtp_guidance"));

        let p = parse_name("prompts/used/DevPod/2.3_build_metrics_tool_prompt.txt");
        assert_eq!(p.pod.as_deref(), Some("DevPod"));
        assert_eq!(p.task_id.as_deref(), Some("2.3_build_metrics_tool"));
        assert_eq!(p.form, NameForm::TaskLog);
    }

    #[test]
    fn branches_name_pod_and_task() {
        assert_eq!(pod_from_branch("chatgpt/auto/dev/1.1_capture_project_goals").as_deref(), Some("dev"));
        assert_eq!(
            task_from_branch("chatgpt/auto/dev/1.1_capture_project_goals").as_deref(),
            Some("1.1_capture_project_goals")
        );
        assert_eq!(pod_from_branch("chatgpt/dev/f4.3_rtp_guidance").as_deref(), Some("dev"));
        assert_eq!(task_from_branch("chatgpt/dev/f4.3_rtp_guidance"), None);
        assert_eq!(pod_from_branch("main"), None);
        assert_eq!(pod_from_branch("feature/x/y"), None);
    }

    #[test]
    fn extensions_split_only_when_known() {
        assert_eq!(split_extension("patch_F2.1"), ("patch_F2.1", String::new()));
        assert_eq!(split_extension("patch_F2.1.diff"), ("patch_F2.1", "diff".to_string()));
        assert_eq!(split_extension("patch_F2.1.diff.json"), ("patch_F2.1", "json".to_string()));
        assert_eq!(split_extension("patch_F2.1.patch.txt"), ("patch_F2.1", "patch".to_string()));
        assert_eq!(split_extension(".diff"), (".diff", String::new()));
    }

    #[test]
    fn odd_input_does_not_panic() {
        for s in [
            "(",
            ")",
            "()",
            " (1)",
            "(1).diff",
            "patch_",
            "patch_é_20250101_101010",
            "ü (1).zip",
            "a/b\\c/",
            "patch_2025042",
            "patch_ééééééééééééééé",
        ] {
            let _ = parse_name(s);
            let _ = strip_duplicate_marker(s);
        }
        assert_eq!(strip_duplicate_marker("(1).diff"), "(1).diff");
    }
}
