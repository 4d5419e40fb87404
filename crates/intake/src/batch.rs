//! The full-file batch payload: `{"branch", "commit_message", "files": [{"path", "content"}]}`.
//! Each file is created or replaced; the whole batch is one change.

use crate::bundle::{file_dir_clash, FullFile};
use crate::error::IntakeError;
use crate::kind::{display_name, json_error_words, strip_bom};
use crate::limits::{human_bytes, Limits};
use patchdesk_patch::path::RepoPath;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeSet;

/// A batch payload, read and checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct Batch {
    /// The branch the pod names (e.g. `main`), when given.
    pub branch: Option<String>,
    /// The commit message for the whole change.
    pub commit_message: String,
    /// The files, in the payload's order.
    pub files: Vec<FullFile>,
}

/// Reads a batch payload with the default [`Limits`].
pub fn read_batch(name: &str, bytes: &[u8]) -> Result<Batch, IntakeError> {
    read_batch_with(name, bytes, &Limits::default())
}

/// Reads and checks a batch payload: every path through [`RepoPath::parse`], no path twice,
/// no path that is both a file and a folder, required fields present with the right type.
pub fn read_batch_with(name: &str, bytes: &[u8], limits: &Limits) -> Result<Batch, IntakeError> {
    let file = display_name(name);
    if bytes.len() as u64 > u64::from(limits.max_input_bytes) {
        return Err(IntakeError::too_large(
            &file,
            format!(
                "it is {}, and the limit is {}",
                human_bytes(bytes.len() as u64),
                human_bytes(u64::from(limits.max_input_bytes))
            ),
        ));
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(IntakeError::Empty { file });
    }
    crate::kind::refuse_json_flood(&file, strip_bom(bytes))?;
    let bad = |reason: String| IntakeError::unreadable(&file, reason);
    let value: Value = serde_json::from_slice(strip_bom(bytes))
        .map_err(|e| bad(format!("it is not valid JSON ({})", json_error_words(&e))))?;
    let Value::Object(map) = value else {
        return Err(bad("it is JSON but not an object with \"commit_message\" and \"files\"".into()));
    };
    let branch = match map.get("branch") {
        None | Some(Value::Null) => None,
        Some(Value::String(b)) if !b.trim().is_empty() => Some(b.trim().to_string()),
        Some(_) => return Err(bad("its \"branch\" is not a branch name (text)".into())),
    };
    let commit_message = match map.get("commit_message") {
        Some(Value::String(m)) if !m.trim().is_empty() => m.clone(),
        Some(Value::String(_)) => return Err(bad("its \"commit_message\" is blank".into())),
        Some(_) => return Err(bad("its \"commit_message\" is not text".into())),
        None => return Err(bad("it has no \"commit_message\"".into())),
    };
    let list = match map.get("files") {
        Some(Value::Array(list)) => list,
        Some(_) => return Err(bad("its \"files\" is not a list".into())),
        None => return Err(bad("it has no \"files\" list".into())),
    };
    if list.is_empty() {
        return Err(IntakeError::Empty { file });
    }
    if list.len() > limits.max_entries as usize {
        return Err(IntakeError::too_large(
            &file,
            format!("it lists {} files, and the limit is {}", list.len(), limits.max_entries),
        ));
    }
    let mut files = Vec::with_capacity(list.len());
    let mut seen = BTreeSet::new();
    for (i, item) in list.iter().enumerate() {
        let n = i + 1;
        let Value::Object(entry) = item else {
            return Err(bad(format!("file {n} in the list is not an object with \"path\" and \"content\"")));
        };
        let raw_path = match entry.get("path") {
            Some(Value::String(p)) => p,
            Some(_) => return Err(bad(format!("file {n} in the list has a \"path\" that is not text"))),
            None => return Err(bad(format!("file {n} in the list has no \"path\""))),
        };
        let path = RepoPath::parse(raw_path)
            .map_err(|e| IntakeError::unsafe_path(&file, format!("file {n} in the list: {e}.")))?;
        let content = match entry.get("content") {
            Some(Value::String(c)) => c.clone().into_bytes(),
            Some(_) => return Err(bad(format!("the \"content\" of \"{path}\" is not text"))),
            None => return Err(bad(format!("\"{path}\" has no \"content\""))),
        };
        let executable = match entry.get("executable") {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => *b,
            Some(_) => return Err(bad(format!("the \"executable\" of \"{path}\" is not true or false"))),
        };
        if !seen.insert(path.clone()) {
            return Err(bad(format!("it lists \"{path}\" twice")));
        }
        files.push(FullFile { path, content, executable });
    }
    if let Some(clash) = file_dir_clash(files.iter().map(|f| &f.path)) {
        return Err(bad(clash));
    }
    Ok(Batch { branch, commit_message, files })
}

#[cfg(test)]
mod tests {
    use super::*;
    use patchdesk_error::{Code, Coded};

    #[test]
    fn a_good_batch_reads_in_order() {
        let b = read_batch(
            "payload.json",
            br##"{"branch": "main", "commit_message": "Add goals\n\nBody", "files": [
                {"path": "docs/goals.md", "content": "# Goals\n"},
                {"path": "./scripts\\run.sh", "content": "#!/bin/sh\n", "executable": true}]}"##,
        )
        .unwrap();
        assert_eq!(b.branch.as_deref(), Some("main"));
        assert_eq!(b.commit_message, "Add goals\n\nBody");
        let paths: Vec<&str> = b.files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, ["docs/goals.md", "scripts/run.sh"]);
        assert_eq!(b.files[0].content, b"# Goals\n");
        assert!(b.files[1].executable && !b.files[0].executable);
        // branch is optional
        let b = read_batch("p.json", br#"{"commit_message": "m", "files": [{"path": "a", "content": ""}]}"#).unwrap();
        assert_eq!(b.branch, None);
        assert_eq!(b.files[0].content, b"");
    }

    #[test]
    fn every_bad_batch_is_refused_with_its_reason() {
        let cases: [(&str, Code, &str); 14] = [
            (r#"{"commit_message": "m"}"#, Code::PatchUnreadable, "no \"files\" list"),
            (r#"{"files": [{"path": "a", "content": "x"}]}"#, Code::PatchUnreadable, "no \"commit_message\""),
            (r#"{"commit_message": " ", "files": [{"path": "a", "content": "x"}]}"#, Code::PatchUnreadable, "blank"),
            (r#"{"commit_message": "m", "files": {}}"#, Code::PatchUnreadable, "not a list"),
            (r#"{"commit_message": "m", "files": []}"#, Code::EmptyInput, "empty"),
            (
                r#"{"commit_message": "m", "files": [{"content": "x"}]}"#,
                Code::PatchUnreadable,
                "file 1 in the list has no \"path\"",
            ),
            (r#"{"commit_message": "m", "files": [{"path": "a"}]}"#, Code::PatchUnreadable, "\"a\" has no \"content\""),
            (r#"{"commit_message": "m", "files": [{"path": "a", "content": 5}]}"#, Code::PatchUnreadable, "not text"),
            (
                r#"{"commit_message": "m", "files": [{"path": "a", "content": "1"}, {"path": "./a", "content": "2"}]}"#,
                Code::PatchUnreadable,
                "\"a\" twice",
            ),
            (
                r#"{"commit_message": "m", "files": [{"path": "a", "content": "1"}, {"path": "a/b", "content": "2"}]}"#,
                Code::PatchUnreadable,
                "both a file and the folder",
            ),
            (r#"{"commit_message": "m", "files": [{"path": "../x", "content": "1"}]}"#, Code::UnsafePath, "climbs out"),
            (
                r#"{"commit_message": "m", "files": [{"path": "/etc/passwd", "content": "1"}]}"#,
                Code::UnsafePath,
                "absolute",
            ),
            (
                r#"{"commit_message": "m", "files": [{"path": ".git/hooks/pre-commit", "content": "1"}]}"#,
                Code::UnsafePath,
                ".git",
            ),
            (
                r#"{"commit_message": "m", "branch": 3, "files": [{"path": "a", "content": "1"}]}"#,
                Code::PatchUnreadable,
                "branch",
            ),
        ];
        for (json, code, words) in cases {
            let e = read_batch("payload.json", json.as_bytes()).unwrap_err();
            assert_eq!(e.code(), code, "{json}: {e}");
            assert!(e.to_string().contains(words), "{json}: {e}");
            assert!(e.to_string().contains("payload.json"), "{e}");
        }
        let e = read_batch("p.json", b"{\"commit_message\": ").unwrap_err();
        assert!(e.to_string().contains("not valid JSON"), "{e}");
        let many = format!(
            r#"{{"commit_message": "m", "files": [{}]}}"#,
            (0..11).map(|i| format!(r#"{{"path": "f{i}", "content": ""}}"#)).collect::<Vec<_>>().join(",")
        );
        let small = Limits { max_entries: 10, ..Limits::default() };
        let e = read_batch_with("p.json", many.as_bytes(), &small).unwrap_err();
        assert_eq!(e.code(), Code::InputTooLarge, "{e}");
    }
}
