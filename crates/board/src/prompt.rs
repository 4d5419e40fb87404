//! Prompt packets: what the receiving pod needs to start (`{pod, task_id, goal, input_files,
//! instructions}` plus relevant memory entries), rendered through the pod's template.

use crate::task::{list, scalar_text};
use crate::Pod;
use patchdesk_yaml::Value;
use serde::Serialize;
use std::path::Path;

/// Memory files, first found wins.
pub const MEMORY_FILES: &[&str] = &["memory.yaml", "memory/memory.yaml"];

/// One entry of `memory.yaml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct MemoryEntry {
    pub path: String,
    pub raw_url: Option<String>,
    pub file_type: Option<String>,
    pub description: Option<String>,
    pub tags: Vec<String>,
    pub last_updated: Option<String>,
    pub pod_owner: Option<String>,
}

/// The packet handed to a pod.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct PromptPacket {
    /// Pod key (`QAPod`).
    pub pod: String,
    pub task_id: String,
    pub goal: String,
    pub input_files: Vec<String>,
    pub instructions: String,
    /// Memory entries about the input files or owned by the pod.
    pub memory: Vec<MemoryEntry>,
}

/// Reads the memory file. A missing file is an empty memory; an unreadable one is reported as
/// a sentence and counts as empty.
pub fn read_memory(workdir: &Path) -> (Vec<MemoryEntry>, Option<String>) {
    for rel in MEMORY_FILES {
        let text = match patchdesk_disk::read_text_file(workdir, rel) {
            Ok(Some(text)) => text,
            Ok(None) => continue,
            Err(e) => return (Vec::new(), Some(format!("{e} Memory entries were left out of the prompt."))),
        };
        return match patchdesk_yaml::parse_value(&text) {
            Ok(v) => (memory_entries(&v), None),
            Err(e) => (Vec::new(), Some(format!("{}; memory entries were left out of the prompt", e.in_file(rel)))),
        };
    }
    (Vec::new(), None)
}

fn memory_entries(v: &Value) -> Vec<MemoryEntry> {
    let items = match v {
        Value::Sequence(items) => items.as_slice(),
        Value::Mapping(m) => match m.values().find(|v| v.is_sequence()) {
            Some(Value::Sequence(items)) => items.as_slice(),
            _ => &[],
        },
        _ => &[],
    };
    items
        .iter()
        .filter_map(|item| {
            let Value::Mapping(m) = item else { return None };
            let text = |k: &str| patchdesk_yaml::get(m, k).and_then(scalar_text).filter(|s| !s.trim().is_empty());
            Some(MemoryEntry {
                path: text("path")?,
                raw_url: text("raw_url"),
                file_type: text("file_type"),
                description: text("description"),
                tags: list(patchdesk_yaml::get(m, "tags")),
                last_updated: text("last_updated"),
                pod_owner: text("pod_owner"),
            })
        })
        .collect()
}

fn clean(p: &str) -> &str {
    p.trim().trim_start_matches("./").trim_start_matches('/')
}

/// Entries about one of the input files (or a folder holding one), owned by the pod, or tagged
/// with the task id.
pub fn relevant_memory(all: &[MemoryEntry], pod: &Pod, task_id: &str, input_files: &[String]) -> Vec<MemoryEntry> {
    all.iter()
        .filter(|m| {
            let path = clean(&m.path);
            let about_input = input_files.iter().any(|f| {
                let f = clean(f);
                f == path || (path.ends_with('/') && f.starts_with(path))
            });
            let owned = m.pod_owner.as_deref().is_some_and(|o| pod.matches(o));
            let tagged = m.tags.iter().any(|t| t.eq_ignore_ascii_case(task_id));
            about_input || owned || tagged
        })
        .cloned()
        .collect()
}

fn bullet_list(items: &[String]) -> String {
    if items.is_empty() {
        return "(none)".to_string();
    }
    items.iter().map(|i| format!("- {i}")).collect::<Vec<_>>().join("\n")
}

fn memory_list(items: &[MemoryEntry]) -> String {
    if items.is_empty() {
        return "(none)".to_string();
    }
    items
        .iter()
        .map(|m| {
            let mut line = format!("- {}", m.path);
            if let Some(d) = &m.description {
                line.push_str(&format!(": {d}"));
            }
            if let Some(u) = &m.raw_url {
                line.push_str(&format!(" ({u})"));
            }
            line
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Extra values a template may use besides the packet's own fields.
pub(crate) struct Extras<'a> {
    pub pod_name: &'a str,
    pub title: &'a str,
    pub phase: &'a str,
    pub reason: &'a str,
    pub from: &'a str,
    pub related_patch: &'a str,
}

/// Renders the packet through `template` (`{{task_id}}`, `{{ goal }}`, `{task_id}`...;
/// unknown placeholders are left as they are), or as a YAML packet when there is no template.
pub(crate) fn render(template: Option<&str>, p: &PromptPacket, x: &Extras) -> String {
    let Some(template) = template else { return default_packet(p) };
    let values: Vec<(&str, String)> = vec![
        ("pod", p.pod.clone()),
        ("pod_name", x.pod_name.to_string()),
        ("task_id", p.task_id.clone()),
        ("goal", p.goal.clone()),
        ("input_files", bullet_list(&p.input_files)),
        ("instructions", p.instructions.clone()),
        ("memory", memory_list(&p.memory)),
        ("title", x.title.to_string()),
        ("phase", x.phase.to_string()),
        ("reason", x.reason.to_string()),
        ("from", x.from.to_string()),
        ("related_patch", x.related_patch.to_string()),
    ];
    substitute(template, &values)
}

/// Replaces `{{ name }}` and `{name}` for known names, in one pass (values are not re-scanned).
fn substitute(template: &str, values: &[(&str, String)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let (double, inner_start) = if tail.starts_with("{{") { (true, 2) } else { (false, 1) };
        let close = if double { "}}" } else { "}" };
        let hit = tail[inner_start..].find(close).and_then(|end| {
            let name = tail[inner_start..inner_start + end].trim();
            values.iter().find(|(k, _)| *k == name).map(|(_, v)| (v, inner_start + end + close.len()))
        });
        match hit {
            Some((value, used)) => {
                out.push_str(value);
                rest = &tail[used..];
            }
            None => {
                out.push('{');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The packet as YAML, in the seed's field order.
fn default_packet(p: &PromptPacket) -> String {
    use patchdesk_yaml::{render_scalar, Scalar};
    let s = |v: &str| render_scalar(&Scalar::str(v), false);
    let mut out = format!("# Prompt packet for {} — task {}\n", p.pod, p.task_id);
    out.push_str(&format!("pod: {}\ntask_id: {}\ngoal: {}\n", s(&p.pod), s(&p.task_id), s(&p.goal)));
    out.push_str("input_files:");
    if p.input_files.is_empty() {
        out.push_str(" []\n");
    } else {
        out.push('\n');
        for f in &p.input_files {
            out.push_str(&format!("  - {}\n", s(f)));
        }
    }
    out.push_str(&format!("instructions: {}\n", s(&p.instructions)));
    if !p.memory.is_empty() {
        out.push_str("memory:\n");
        for m in &p.memory {
            out.push_str(&format!("  - path: {}\n", s(&m.path)));
            if let Some(d) = &m.description {
                out.push_str(&format!("    description: {}\n", s(d)));
            }
            if let Some(u) = &m.raw_url {
                out.push_str(&format!("    raw_url: {}\n", s(u)));
            }
        }
    }
    out
}

/// `prompts/used/<Pod>/<task_id>_prompt.txt`, with characters unsafe in file names replaced.
pub fn used_prompt_path(pod_key: &str, task_id: &str) -> String {
    format!("prompts/used/{}/{}_prompt.txt", safe_name(pod_key), safe_name(task_id))
}

/// `prompts/used/<Pod>/<task_id>_revision_<n>.txt`: the prompt asking pod for revision `n`.
pub fn revision_prompt_path(pod_key: &str, task_id: &str, n: u32) -> String {
    format!("prompts/used/{}/{}_revision_{n}.txt", safe_name(pod_key), safe_name(task_id))
}

fn safe_name(s: &str) -> String {
    let t: String = s.chars().map(|c| if c.is_ascii_alphanumeric() || "._-".contains(c) { c } else { '_' }).collect();
    let t = t.trim_start_matches('.').to_string();
    if t.is_empty() {
        "_".to_string()
    } else {
        t
    }
}

/// The prompt asking `pod` for a revision of `task`: the pod's template (else the standard
/// packet) with the task's goal, `files` as input files and `instructions` (the reviewers'
/// words). Returns the text and the problems met (a template that cannot be read).
pub fn revision_prompt(
    workdir: &Path,
    task: &crate::Task,
    pod: &Pod,
    files: &[String],
    instructions: &str,
    related_patch: &str,
) -> (String, Vec<String>) {
    let mut warnings = Vec::new();
    let (memory, memory_problem) = read_memory(workdir);
    warnings.extend(memory_problem);
    let goal =
        if task.description.trim().is_empty() { task.title.clone() } else { task.description.trim().to_string() };
    let packet = PromptPacket {
        pod: pod.key.clone(),
        task_id: task.id.clone(),
        goal,
        input_files: files.to_vec(),
        instructions: instructions.to_string(),
        memory: relevant_memory(&memory, pod, &task.id, files),
    };
    let template = match patchdesk_disk::read_text_file(workdir, &pod.template) {
        Ok(t) => t,
        Err(e) => {
            warnings.push(format!("{e} A standard prompt was used for {}.", pod.template));
            None
        }
    };
    let extras = Extras {
        pod_name: &pod.name,
        title: &task.title,
        phase: task.phase.as_deref().unwrap_or(""),
        reason: "revision asked by the reviewers",
        from: "Human",
        related_patch,
    };
    let mut text = render(template.as_deref(), &packet, &extras);
    if template.is_some() && !text.contains(instructions.trim()) {
        // A template without an {{instructions}} place still carries the reviewers' words.
        text.push_str(&format!("\n\n{instructions}\n"));
    }
    (text, warnings)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn packet() -> PromptPacket {
        PromptPacket {
            pod: "QAPod".into(),
            task_id: "F2.1".into(),
            goal: "Add unit tests: symptom parser".into(),
            input_files: vec!["src/a.py".into()],
            instructions: "Focus on edge cases".into(),
            memory: vec![],
        }
    }

    fn extras() -> Extras<'static> {
        Extras { pod_name: "QA Pod", title: "T", phase: "", reason: "r", from: "DevPod", related_patch: "" }
    }

    #[test]
    fn placeholders_in_both_styles() {
        let t = "Task {{ task_id }} for {pod}: {{goal}}\nFiles:\n{{input_files}}\nMemory: {{memory}}\nKeep {{unknown}} and {json: 1}";
        let out = render(Some(t), &packet(), &extras());
        assert_eq!(
            out,
            "Task F2.1 for QAPod: Add unit tests: symptom parser\nFiles:\n- src/a.py\nMemory: (none)\nKeep {{unknown}} and {json: 1}"
        );
    }

    #[test]
    fn values_are_not_rescanned() {
        let mut p = packet();
        p.goal = "{{task_id}}".into();
        assert_eq!(render(Some("{{goal}}"), &p, &extras()), "{{task_id}}");
    }

    #[test]
    fn default_packet_is_yaml_with_the_seed_fields() {
        let out = render(None, &packet(), &extras());
        let v = patchdesk_yaml::parse_value(&out).unwrap();
        assert_eq!(v["pod"], Value::String("QAPod".into()));
        assert_eq!(v["goal"], Value::String("Add unit tests: symptom parser".into()));
        assert_eq!(v["input_files"][0], Value::String("src/a.py".into()));
    }

    #[test]
    fn used_prompt_paths_are_safe() {
        assert_eq!(used_prompt_path("QAPod", "F2.1"), "prompts/used/QAPod/F2.1_prompt.txt");
        assert_eq!(used_prompt_path("QAPod", "../x/y"), "prompts/used/QAPod/_x_y_prompt.txt");
    }
}
