//! Sidecar metadata JSON (`.logs/patches/<patch>.json`, or `metadata.json` in a bundle), both
//! forms, with every field the pod wrote kept, in its order, through read-modify-write.

use crate::error::IntakeError;
use crate::kind::{json_error_words, strip_bom};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Patch metadata as pods write it. Known fields are typed; everything else (including fields
/// with an unexpected type) stays in `extra`, and the original key order is kept when written.
///
/// Older form: `{patch_file, task_id, summary, output_folders}`; newer form:
/// `{task_id, summary, output_files, prompt, branch_name}`.
#[derive(Debug, Clone, Default, PartialEq, specta::Type)]
pub struct Sidecar {
    /// `.patches/patch_….diff` (older form).
    pub patch_file: Option<String>,
    /// The task id, e.g. `2.3_build_metrics_tool`.
    pub task_id: Option<String>,
    /// One-line summary of the change.
    pub summary: Option<String>,
    /// Folders the change writes to (older form), e.g. `["docs/", "metrics/"]`.
    pub output_folders: Option<Vec<String>>,
    /// Files the change writes (newer form).
    pub output_files: Option<Vec<String>>,
    /// The prompt used, e.g. `prompts/used/DevPod/<task>_prompt.txt`.
    pub prompt: Option<String>,
    /// Branch the pod proposes, e.g. `chatgpt/auto/dev/<task>`.
    pub branch_name: Option<String>,
    /// Every other field, as written.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
    /// Key order as read, so a rewrite keeps it.
    #[serde(skip)]
    pub(crate) order: Vec<String>,
}

const KNOWN: [&str; 7] =
    ["patch_file", "task_id", "summary", "output_folders", "output_files", "prompt", "branch_name"];

impl Sidecar {
    /// Reads sidecar JSON. `file` names the file in error messages.
    pub fn from_json(file: &str, bytes: &[u8]) -> Result<Sidecar, IntakeError> {
        crate::kind::refuse_json_flood(file, strip_bom(bytes))?;
        let value: Value = serde_json::from_slice(strip_bom(bytes)).map_err(|e| {
            IntakeError::unreadable(file, format!("its metadata is not valid JSON ({})", json_error_words(&e)))
        })?;
        match value {
            Value::Object(map) => Ok(Sidecar::from_map(map)),
            _ => Err(IntakeError::unreadable(file, "its metadata is JSON but not an object ({...})")),
        }
    }

    /// Takes the known fields out of `map` (when they have the expected type); the rest stays in `extra`.
    pub fn from_map(map: Map<String, Value>) -> Sidecar {
        let order: Vec<String> = map.keys().cloned().collect();
        let mut s = Sidecar { order, ..Sidecar::default() };
        for (key, value) in map {
            let kept = match key.as_str() {
                "patch_file" => take_string(&value).map(|v| s.patch_file = Some(v)),
                "task_id" => take_string(&value).map(|v| s.task_id = Some(v)),
                "summary" => take_string(&value).map(|v| s.summary = Some(v)),
                "prompt" => take_string(&value).map(|v| s.prompt = Some(v)),
                "branch_name" => take_string(&value).map(|v| s.branch_name = Some(v)),
                "output_folders" => take_strings(&value).map(|v| s.output_folders = Some(v)),
                "output_files" => take_strings(&value).map(|v| s.output_files = Some(v)),
                _ => None,
            };
            if kept.is_none() {
                s.extra.insert(key, value);
            }
        }
        s
    }

    /// The JSON object: keys in the order they were read, new keys after them.
    pub fn to_map(&self) -> Map<String, Value> {
        let mut out = Map::new();
        for key in self.order.iter().map(String::as_str).chain(KNOWN).chain(self.extra.keys().map(String::as_str)) {
            if out.contains_key(key) {
                continue;
            }
            if let Some(v) = self.known_value(key).or_else(|| self.extra.get(key).cloned()) {
                out.insert(key.to_string(), v);
            }
        }
        out
    }

    /// Pretty JSON (two-space indent, final newline), as the seed's scripts write it.
    pub fn to_json_pretty(&self) -> Vec<u8> {
        let mut bytes = serde_json::to_vec_pretty(&Value::Object(self.to_map())).unwrap_or_default();
        bytes.push(b'\n');
        bytes
    }

    /// The pod, when the metadata names one: a `pod` field, the prompt path
    /// (`prompts/used/<Pod>/…`), or the branch (`chatgpt/auto/<category>/…`).
    pub fn pod(&self) -> Option<String> {
        if let Some(Value::String(p)) = self.extra.get("pod") {
            if !p.trim().is_empty() {
                return Some(p.trim().to_string());
            }
        }
        if let Some(prompt) = &self.prompt {
            let parts: Vec<&str> = prompt.split(['/', '\\']).collect();
            if let Some(pod) = crate::name::pod_from_path(&parts) {
                return Some(pod);
            }
        }
        self.branch_name.as_deref().and_then(crate::name::pod_from_branch)
    }

    fn known_value(&self, key: &str) -> Option<Value> {
        let s = |v: &Option<String>| v.as_ref().map(|x| Value::String(x.clone()));
        let l =
            |v: &Option<Vec<String>>| v.as_ref().map(|x| Value::Array(x.iter().cloned().map(Value::String).collect()));
        match key {
            "patch_file" => s(&self.patch_file),
            "task_id" => s(&self.task_id),
            "summary" => s(&self.summary),
            "prompt" => s(&self.prompt),
            "branch_name" => s(&self.branch_name),
            "output_folders" => l(&self.output_folders),
            "output_files" => l(&self.output_files),
            _ => None,
        }
    }
}

fn take_string(v: &Value) -> Option<String> {
    v.as_str().map(str::to_string)
}

fn take_strings(v: &Value) -> Option<Vec<String>> {
    v.as_array()?.iter().map(|x| x.as_str().map(str::to_string)).collect()
}

impl Serialize for Sidecar {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_map().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Sidecar {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Map::<String, Value>::deserialize(deserializer).map(Sidecar::from_map)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_forms_read_into_typed_fields() {
        let old = br#"{"patch_file": ".patches/patch_20250422_103045_2.3_build_metrics_tool.diff", "task_id": "2.3_build_metrics_tool", "summary": "Added metrics tracker logic", "output_folders": ["docs/", "metrics/"]}"#;
        let s = Sidecar::from_json("a.json", old).unwrap();
        assert_eq!(s.task_id.as_deref(), Some("2.3_build_metrics_tool"));
        assert_eq!(s.output_folders, Some(vec!["docs/".to_string(), "metrics/".to_string()]));
        assert!(s.extra.is_empty());
        assert_eq!(s.pod(), None);

        let new = br#"{"task_id": "1.1_capture_project_goals", "summary": "Goals", "output_files": ["docs/project_goals.md"], "prompt": "prompts/used/DevPod/1.1_capture_project_goals_prompt.txt", "branch_name": "chatgpt/auto/discovery/1.1_capture_project_goals"}"#;
        let s = Sidecar::from_json("b.json", new).unwrap();
        assert_eq!(s.output_files, Some(vec!["docs/project_goals.md".to_string()]));
        assert_eq!(s.pod().as_deref(), Some("DevPod"));
        let s2 = Sidecar { prompt: None, ..s };
        assert_eq!(s2.pod().as_deref(), Some("discovery"));
    }

    #[test]
    fn unknown_fields_and_order_survive_read_modify_write() {
        let text = r#"{
  "summary": "first",
  "x_custom": {"nested": [1, 2, {"deep": true}]},
  "task_id": "F2.1",
  "output_folders": "docs/",
  "confidence": 0.83,
  "branch_name": "chatgpt/dev/f2.1"
}"#;
        let mut s = Sidecar::from_json("m.json", text.as_bytes()).unwrap();
        // A wrongly typed known field is kept as written, not dropped.
        assert_eq!(s.output_folders, None);
        assert_eq!(s.extra.get("output_folders"), Some(&Value::String("docs/".into())));
        s.summary = Some("changed".into());
        s.output_files = Some(vec!["docs/a.md".into()]);
        s.extra.insert("patchdesk".into(), serde_json::json!({"status": "queued"}));
        let written = String::from_utf8(s.to_json_pretty()).unwrap();
        let expected = r#"{
  "summary": "changed",
  "x_custom": {
    "nested": [
      1,
      2,
      {
        "deep": true
      }
    ]
  },
  "task_id": "F2.1",
  "output_folders": "docs/",
  "confidence": 0.83,
  "branch_name": "chatgpt/dev/f2.1",
  "output_files": [
    "docs/a.md"
  ],
  "patchdesk": {
    "status": "queued"
  }
}
"#;
        assert_eq!(written, expected);
        // And once more through serde: identical.
        let again: Sidecar = serde_json::from_str(&written).unwrap();
        assert_eq!(String::from_utf8(again.to_json_pretty()).unwrap(), expected);
        // Removing a known field drops only it.
        let mut s3 = again.clone();
        s3.task_id = None;
        assert!(!s3.to_map().contains_key("task_id"));
        assert_eq!(s3.to_map().len(), 7);
    }

    #[test]
    fn bad_metadata_is_refused_clearly() {
        let e = Sidecar::from_json("meta.json", b"{\"task_id\": }").unwrap_err();
        assert!(e.to_string().contains("meta.json") && e.to_string().contains("line 1"), "{e}");
        let e = Sidecar::from_json("meta.json", b"\"text\"").unwrap_err();
        assert!(e.to_string().contains("not an object"), "{e}");
    }
}
