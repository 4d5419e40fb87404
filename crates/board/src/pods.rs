//! Pods: who can hold a task. Configurable in `.patchdesk/pods.yaml`, with sensible defaults,
//! and tolerant of the many spellings real files use (`dev`, `dev_pod`, `dev-pod`, `DevPod`).

use serde::{Deserialize, Serialize};

/// Where the optional pod configuration lives, relative to the repository.
pub const PODS_FILE: &str = ".patchdesk/pods.yaml";

/// One pod: a column on the board.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct Pod {
    /// Canonical key, written to files and used in folder names: `QAPod`.
    pub key: String,
    /// Name to show: `QA Pod`.
    pub name: String,
    /// Prompt template, relative to the repository: `prompts/qa_pod.txt`.
    pub template: String,
    /// Other spellings that mean this pod (compared without case, `-`, `_` or spaces).
    pub aliases: Vec<String>,
    /// False for pods that are not configured but appear in task files (e.g. `WoWPod`).
    pub configured: bool,
}

impl Pod {
    /// A pod from its key alone, with name, template and aliases derived from it.
    pub fn from_key(key: &str) -> Pod {
        let snake = snake_case(key);
        Pod {
            key: key.to_string(),
            name: display_name(key),
            template: format!("prompts/{snake}.txt"),
            aliases: Vec::new(),
            configured: true,
        }
    }

    /// True when `name` is one of this pod's spellings.
    pub fn matches(&self, name: &str) -> bool {
        let wanted = squash(name);
        if wanted.is_empty() {
            return false;
        }
        let key = squash(&self.key);
        wanted == key
            || key.strip_suffix("pod").is_some_and(|short| !short.is_empty() && short == wanted)
            || self.aliases.iter().any(|a| squash(a) == wanted)
    }

    /// The pod's name in the same spelling style as `example` (`dev` → `qa`, `dev_pod` →
    /// `qa_pod`, `dev-pod` → `qa-pod`, `DevPod` → `QAPod`). Used when appending to files that
    /// already use a style, so new entries look like the old ones.
    pub fn spelled_like(&self, example: &str) -> String {
        let snake = snake_case(&self.key);
        let short = snake.strip_suffix("_pod").filter(|s| !s.is_empty()).unwrap_or(&snake).to_string();
        let ex = example.trim();
        let ex_has_pod = ex.to_ascii_lowercase().ends_with("pod");
        if ex.is_empty() || ex.chars().any(char::is_uppercase) {
            return self.key.clone();
        }
        if !ex_has_pod {
            return short.replace('_', "-");
        }
        if ex.contains('-') {
            snake.replace('_', "-")
        } else {
            snake
        }
    }
}

/// The pods a board has when the repository does not configure any.
pub fn default_pods() -> Vec<Pod> {
    let mut pods: Vec<Pod> =
        ["DevPod", "QAPod", "ResearchPod", "DeliveryPod", "Human"].iter().map(|k| Pod::from_key(k)).collect();
    for pod in &mut pods {
        let extra: &[&str] = match pod.key.as_str() {
            "DevPod" => &["developer", "development"],
            "QAPod" => &["test", "testing", "quality"],
            "ResearchPod" => &["discovery"],
            "DeliveryPod" => &["release", "delivery_ops"],
            "Human" => &["human_lead", "lead", "human-lead", "humanpod"],
            _ => &[],
        };
        pod.aliases = extra.iter().map(|s| s.to_string()).collect();
    }
    pods
}

/// How `.patchdesk/pods.yaml` is written: `pods: [{key, name?, template?, aliases?}]`, or the
/// list alone. Only `key` is required.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(crate) enum PodsFile {
    Wrapped { pods: Vec<PodEntry> },
    Bare(Vec<PodEntry>),
}

#[derive(Debug, Deserialize)]
pub(crate) struct PodEntry {
    #[serde(alias = "id")]
    key: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default, alias = "prompt_template")]
    template: Option<String>,
    #[serde(default)]
    aliases: Vec<String>,
}

impl PodsFile {
    pub(crate) fn into_pods(self) -> Vec<Pod> {
        let entries = match self {
            PodsFile::Wrapped { pods } | PodsFile::Bare(pods) => pods,
        };
        let mut out: Vec<Pod> = Vec::new();
        for e in entries {
            let key = e.key.trim();
            if key.is_empty() || out.iter().any(|p| p.matches(key)) {
                continue;
            }
            let mut pod = Pod::from_key(key);
            if let Some(name) = e.name.filter(|n| !n.trim().is_empty()) {
                pod.name = name;
            }
            if let Some(t) = e.template.filter(|t| !t.trim().is_empty()) {
                pod.template = t;
            }
            pod.aliases = e.aliases;
            out.push(pod);
        }
        out
    }
}

/// Finds the pod `name` refers to.
pub fn find_pod<'p>(pods: &'p [Pod], name: &str) -> Option<&'p Pod> {
    pods.iter().find(|p| p.matches(name))
}

/// A key for a pod name nobody configured: `wow_pod` → `WowPod`, `WoWPod` stays.
pub(crate) fn key_for_unknown(name: &str) -> String {
    let name = name.trim();
    if !name.contains(['_', '-', ' ']) {
        let mut c = name.chars();
        return match c.next() {
            Some(f) => f.to_uppercase().chain(c).collect(),
            None => String::new(),
        };
    }
    name.split(['_', '-', ' '])
        .filter(|p| !p.is_empty())
        .map(|p| {
            let mut c = p.chars();
            match c.next() {
                Some(f) => f.to_uppercase().chain(c).collect::<String>(),
                None => String::new(),
            }
        })
        .collect()
}

/// Lower case without `-`, `_` and spaces: every spelling of a pod squashes to the same text.
fn squash(s: &str) -> String {
    s.chars().filter(|c| !matches!(c, '-' | '_' | ' ')).flat_map(char::to_lowercase).collect()
}

/// `QAPod` → `qa_pod`, `DevPod` → `dev_pod`, `Human` → `human`.
pub fn snake_case(key: &str) -> String {
    words(key).join("_").to_lowercase()
}

/// `QAPod` → `QA Pod`, `DeliveryPod` → `Delivery Pod`.
fn display_name(key: &str) -> String {
    words(key).join(" ")
}

/// Splits CamelCase and snake/kebab names into words, keeping acronyms together (`QAPod` → QA, Pod).
fn words(key: &str) -> Vec<String> {
    let chars: Vec<char> = key.chars().collect();
    let mut out = Vec::new();
    let mut cur = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if matches!(c, '_' | '-' | ' ') {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            continue;
        }
        let boundary = c.is_uppercase()
            && !cur.is_empty()
            && (chars[i - 1].is_lowercase() || chars.get(i + 1).is_some_and(|n| n.is_lowercase()));
        if boundary {
            out.push(std::mem::take(&mut cur));
        }
        cur.push(c);
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_templates_derive_from_keys() {
        let qa = Pod::from_key("QAPod");
        assert_eq!(qa.name, "QA Pod");
        assert_eq!(qa.template, "prompts/qa_pod.txt");
        assert_eq!(Pod::from_key("DevPod").template, "prompts/dev_pod.txt");
        assert_eq!(Pod::from_key("Human").template, "prompts/human.txt");
    }

    #[test]
    fn aliases_seen_in_real_files_map_to_pods() {
        let pods = default_pods();
        for (alias, key) in [
            ("dev", "DevPod"),
            ("dev_pod", "DevPod"),
            ("dev-pod", "DevPod"),
            ("DevPod", "DevPod"),
            ("Dev Pod", "DevPod"),
            ("qa", "QAPod"),
            ("qa-pod", "QAPod"),
            ("QA_POD", "QAPod"),
            ("research", "ResearchPod"),
            ("delivery-pod", "DeliveryPod"),
            ("human", "Human"),
            ("Human Lead", "Human"),
        ] {
            assert_eq!(find_pod(&pods, alias).map(|p| p.key.as_str()), Some(key), "{alias}");
        }
        assert!(find_pod(&pods, "wow_pod").is_none());
        assert!(find_pod(&pods, "").is_none());
        assert!(find_pod(&pods, "pod").is_none());
    }

    #[test]
    fn spelling_follows_the_example() {
        let qa = Pod::from_key("QAPod");
        assert_eq!(qa.spelled_like("dev"), "qa");
        assert_eq!(qa.spelled_like("dev_pod"), "qa_pod");
        assert_eq!(qa.spelled_like("dev-pod"), "qa-pod");
        assert_eq!(qa.spelled_like("DevPod"), "QAPod");
        assert_eq!(Pod::from_key("DeliveryPod").spelled_like("qa-pod"), "delivery-pod");
    }

    #[test]
    fn unknown_pod_keys() {
        assert_eq!(key_for_unknown("wow_pod"), "WowPod");
        assert_eq!(key_for_unknown("WoWPod"), "WoWPod");
        assert_eq!(key_for_unknown("product-pod"), "ProductPod");
    }
}
