//! Recognising a dropped file by cheap sniffing: which kind of thing a pod handed over.
//! The real diff parser lives in `patchdesk-patch`; this only decides where a file goes.

use crate::error::IntakeError;
use crate::limits::{human_bytes, Limits};
use crate::name::{parse_name, split_extension};
use serde::{Deserialize, Serialize};

/// What a dropped file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Kind {
    /// A patch in text form.
    Diff { flavor: DiffFlavor },
    /// A ZIP bundle (metadata, logs and full output files).
    Bundle,
    /// A full-file batch payload `{branch, commit_message, files: [{path, content}]}`.
    Batch,
    /// Sidecar metadata JSON for a patch.
    Sidecar,
    /// A log that travels with a patch.
    Log { log: LogKind },
}

impl Kind {
    /// True for the kinds that become inbox items (a diff, a bundle or a batch).
    pub fn is_patch(self) -> bool {
        matches!(self, Kind::Diff { .. } | Kind::Bundle | Kind::Batch)
    }
}

/// The shape of a text patch, as far as a cheap look can tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum DiffFlavor {
    /// `git diff` output (`diff --git` headers) and nothing else around it.
    Git,
    /// `git format-patch` mail: one patch or a series.
    Mbox,
    /// A classic unified diff without git headers (`diff -ruN`, `---`/`+++` only).
    Unified,
    /// A diff inside other text: chat prose, markdown fences, or bare `@@` hunks.
    Chat,
    /// OpenAI's apply_patch envelope (`*** Begin Patch` … `*** End Patch`) in a chat answer.
    OpenAiPatch,
    /// SEARCH/REPLACE edit blocks (aider, Cline, Roo) in a chat answer.
    EditBlocks,
    /// Complete files in fenced blocks, each named by the answer (a `.txt`/`.md` download or
    /// pasted text only).
    WholeFiles,
}

impl DiffFlavor {
    /// True for the chat shapes that are not unified diffs (read by `patchdesk-shapes`).
    pub fn is_answer(self) -> bool {
        matches!(self, DiffFlavor::OpenAiPatch | DiffFlavor::EditBlocks | DiffFlavor::WholeFiles)
    }

    fn of_shape(shape: patchdesk_shapes::Shape) -> DiffFlavor {
        match shape {
            patchdesk_shapes::Shape::OpenAiPatch => DiffFlavor::OpenAiPatch,
            patchdesk_shapes::Shape::EditBlocks => DiffFlavor::EditBlocks,
            patchdesk_shapes::Shape::WholeFiles => DiffFlavor::WholeFiles,
        }
    }
}

/// Which log a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum LogKind {
    /// `thought_trace.yaml`.
    ThoughtTrace,
    /// `reasoning_trace.md` or `reasoning_trace.yaml`.
    ReasoningTrace,
    /// `changelog.yaml` or `changelogs/<task>.md`.
    Changelog,
    /// `handoff_log.yaml`.
    HandoffLog,
    /// `handoff_notes/<task>_handoff.md`.
    HandoffNotes,
    /// `prompt_used.txt` or `prompts/used/<Pod>/<task>_prompt.txt`.
    PromptUsed,
    /// `memory.yaml`.
    Memory,
    /// `trace_log.md`.
    TraceLog,
    /// `feedback/<task>.md`.
    Feedback,
    /// `metrics.yaml`.
    Metrics,
}

/// Names of OS clutter that is never pod output: ignored wherever it appears.
pub fn is_os_junk(name: &str) -> bool {
    let parts: Vec<&str> = name.split(['/', '\\']).filter(|p| !p.is_empty()).collect();
    if parts.contains(&"__MACOSX") {
        return true;
    }
    let base = parts.last().copied().unwrap_or("");
    base == ".DS_Store" || base.eq_ignore_ascii_case("Thumbs.db") || base.eq_ignore_ascii_case("desktop.ini")
}

/// Which log a name is, if it is one (folders in the name are used: `changelogs/x.md`).
pub fn log_kind_of(name: &str) -> Option<LogKind> {
    let parts: Vec<String> =
        name.split(['/', '\\']).filter(|p| !p.is_empty()).map(|p| p.to_ascii_lowercase()).collect();
    let base = parts.last()?;
    let clean = crate::name::strip_duplicate_marker(base).to_ascii_lowercase();
    let (stem, ext) = split_extension(&clean);
    let parent = parts.len().checked_sub(2).map(|i| parts[i].as_str());
    let yaml = ext == "yaml" || ext == "yml";
    let text = matches!(ext.as_str(), "md" | "txt" | "yaml" | "yml");
    if !text {
        return None;
    }
    let kind = match stem {
        "thought_trace" if yaml => LogKind::ThoughtTrace,
        "reasoning_trace" => LogKind::ReasoningTrace,
        "changelog" => LogKind::Changelog,
        "handoff_log" if yaml => LogKind::HandoffLog,
        "handoff_notes" | "handoff" => LogKind::HandoffNotes,
        "prompt_used" | "prompt" => LogKind::PromptUsed,
        "memory" if yaml => LogKind::Memory,
        "trace_log" => LogKind::TraceLog,
        "metrics" if yaml => LogKind::Metrics,
        s if s.ends_with("_reasoning_trace") => LogKind::ReasoningTrace,
        s if s.ends_with("_thought_trace") => LogKind::ThoughtTrace,
        s if s.ends_with("_handoff") => LogKind::HandoffNotes,
        s if s.ends_with("_prompt") && ext == "txt" => LogKind::PromptUsed,
        s if s.ends_with("_changelog") => LogKind::Changelog,
        _ => match parent {
            Some("changelogs") => LogKind::Changelog,
            Some("handoff_notes") => LogKind::HandoffNotes,
            Some("feedback") => LogKind::Feedback,
            _ if ext == "txt"
                && crate::name::pod_from_path(&parts.iter().map(String::as_str).collect::<Vec<_>>()).is_some() =>
            {
                LogKind::PromptUsed
            }
            _ => return None,
        },
    };
    Some(kind)
}

/// Recognises a dropped file with the default [`Limits`].
pub fn identify(name: &str, bytes: &[u8]) -> Result<Kind, IntakeError> {
    identify_with(name, bytes, &Limits::default())
}

/// Recognises a dropped file. Refuses empty files, files over `limits.max_input_bytes`,
/// binary junk and anything that is not pod output, each with a message naming the file.
pub fn identify_with(name: &str, bytes: &[u8], limits: &Limits) -> Result<Kind, IntakeError> {
    let shown = display_name(name);
    if bytes.len() as u64 > u64::from(limits.max_input_bytes) {
        return Err(IntakeError::too_large(
            &shown,
            format!(
                "it is {}, and the limit is {}",
                human_bytes(bytes.len() as u64),
                human_bytes(u64::from(limits.max_input_bytes))
            ),
        ));
    }
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(IntakeError::Empty { file: shown });
    }
    let clean = parse_name(name).clean_name;
    let (_, ext) = split_extension(&clean);

    if is_zip_magic(bytes) {
        return Ok(Kind::Bundle);
    }
    if ext == "zip" {
        return Err(IntakeError::unreadable(
            &shown,
            "its name ends in .zip but it is not a ZIP archive (the download may be incomplete)",
        ));
    }

    let text = strip_bom(bytes);
    let first = text.iter().find(|b| !b.is_ascii_whitespace()).copied();
    if ext == "json" || first == Some(b'{') {
        if ext == "json" || sniff_diff(text).is_none() {
            refuse_json_flood(&shown, text)?;
        }
        return identify_json(&shown, text, ext == "json");
    }

    if let Some(log) = log_kind_of(name) {
        if looks_binary(bytes) {
            return Err(IntakeError::unreadable(&shown, "it is named like a pod log but holds binary data, not text"));
        }
        return Ok(Kind::Log { log });
    }

    // An OpenAI patch's hunks and edit blocks' markers look like a bare diff to the cheap
    // look below: the shapes are told first, as `patchdesk apply` does.
    if let Some(shape) = patchdesk_shapes::sniff(text) {
        if looks_binary(bytes) {
            return Err(IntakeError::unreadable(&shown, "it holds binary data, not a patch"));
        }
        return Ok(Kind::Diff { flavor: DiffFlavor::of_shape(shape) });
    }
    if let Some(flavor) = sniff_diff(text) {
        return Ok(Kind::Diff { flavor });
    }
    if looks_binary(bytes) {
        return Err(IntakeError::unreadable(&shown, "it holds binary data, not a patch"));
    }
    // Whole files in an answer only where answers come: a saved chat (.txt, .md) or a paste.
    if matches!(ext.as_str(), "txt" | "md" | "") {
        match patchdesk_shapes::read(text, &answer_limits(limits)) {
            Ok(a) if a.shape == patchdesk_shapes::Shape::WholeFiles && !a.files.is_empty() => {
                return Ok(Kind::Diff { flavor: DiffFlavor::WholeFiles });
            }
            Err(e) if !e.holds_no_change() => return Err(IntakeError::unreadable(&shown, as_reason(&e.message))),
            _ => {}
        }
    }
    if matches!(ext.as_str(), "diff" | "patch" | "mbox") {
        return Err(IntakeError::unreadable(
            &shown,
            "it contains no diff (no line starts with \"diff --git\", \"---\"/\"+++\" or \"@@\")",
        ));
    }
    Err(IntakeError::unreadable(
        &shown,
        "Patchdesk does not recognise it: it is not a patch, a ZIP bundle, a batch payload, patch metadata or a pod log",
    ))
}

/// The limits a chat answer is read with at import: the same as review's (and never more than
/// any dropped file's).
pub(crate) fn answer_limits(limits: &Limits) -> patchdesk_shapes::Limits {
    let answers = patchdesk_shapes::Limits::default();
    patchdesk_shapes::Limits { max_bytes: (limits.max_input_bytes as usize).min(answers.max_bytes), ..answers }
}

/// A sentence made to follow "cannot be used: " (first letter lower case, no final stop).
pub(crate) fn as_reason(sentence: &str) -> String {
    let s = sentence.trim().trim_end_matches('.');
    let first = s.split(' ').next().unwrap_or("");
    // "The answer…" becomes "the answer…"; a path or a name at the start is kept as written.
    let word =
        first.len() > 1 && first.chars().all(|c| c.is_alphabetic()) && first.chars().skip(1).all(char::is_lowercase);
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if word => c.to_lowercase().chain(chars).collect(),
        _ => s.to_string(),
    }
}

fn identify_json(shown: &str, text: &[u8], named_json: bool) -> Result<Kind, IntakeError> {
    let value: serde_json::Value = match serde_json::from_slice(text) {
        Ok(v) => v,
        Err(e) => {
            // A `{` at the start of a text that is not JSON: maybe chat text with a diff.
            if !named_json {
                if let Some(flavor) = sniff_diff(text) {
                    return Ok(Kind::Diff { flavor });
                }
            }
            return Err(IntakeError::unreadable(shown, format!("it is not valid JSON ({})", json_error_words(&e))));
        }
    };
    let serde_json::Value::Object(map) = &value else {
        return Err(IntakeError::unreadable(
            shown,
            "it is JSON, but not an object: neither a batch payload nor patch metadata",
        ));
    };
    let sidecar_only = ["patch_file", "output_files", "output_folders"].iter().any(|k| map.contains_key(*k));
    if map.contains_key("files") && !sidecar_only {
        return Ok(Kind::Batch);
    }
    let sidecar_keys = ["patch_file", "task_id", "summary", "output_files", "output_folders", "branch_name", "prompt"];
    if sidecar_keys.iter().any(|k| map.contains_key(*k)) {
        return Ok(Kind::Sidecar);
    }
    if map.contains_key("commit_message") || map.contains_key("branch") {
        return Ok(Kind::Batch);
    }
    Err(IntakeError::unreadable(
        shown,
        "it is JSON, but neither a batch payload ({branch, commit_message, files}) nor patch metadata ({task_id, summary, ...})",
    ))
}

/// Most separators (`,` `:` `[` `{` outside strings) a JSON file may hold. A batch of 5,000
/// files has about 35,000; each separator can become a 32-byte value in memory, so 100 MB of
/// `[0,0,0,…]` would need gigabytes once read.
pub(crate) const MAX_JSON_SEPARATORS: usize = 200_000;

/// Refuses JSON with more than [`MAX_JSON_SEPARATORS`] separators, counted by one pass over
/// the bytes before anything is built from them.
pub(crate) fn refuse_json_flood(file: &str, text: &[u8]) -> Result<(), IntakeError> {
    let (mut in_string, mut escaped, mut count) = (false, false, 0usize);
    for &b in text {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b',' | b':' | b'[' | b'{' => {
                count += 1;
                if count > MAX_JSON_SEPARATORS {
                    return Err(IntakeError::too_large(
                        file,
                        format!("it holds more than {MAX_JSON_SEPARATORS} JSON values, far more than a pod's batch or metadata has; ask the pod for it again"),
                    ));
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// A serde_json error in plain words: "line 3, column 7: expected `,` or `}`".
pub(crate) fn json_error_words(e: &serde_json::Error) -> String {
    let msg = e.to_string();
    // serde_json appends " at line L column C"; say it first, in our words.
    let detail = msg.split(" at line ").next().unwrap_or(&msg).to_string();
    if e.line() > 0 {
        format!("line {}, column {}: {detail}", e.line(), e.column())
    } else {
        detail
    }
}

/// The name to show in messages: the file's own name without folders.
pub(crate) fn display_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    if base.is_empty() {
        "(unnamed file)".to_string()
    } else {
        base.to_string()
    }
}

pub(crate) fn is_zip_magic(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") || bytes.starts_with(b"PK\x07\x08")
}

pub(crate) fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

/// Binary data rather than text: a NUL byte, or many control bytes, in the first 8 KiB.
pub(crate) fn looks_binary(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(8192)];
    if head.contains(&0) {
        return true;
    }
    let odd = head.iter().filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c | 0x1b)).count();
    odd * 10 > head.len()
}

/// Lines of `text` without their line ends (`\n` or `\r\n`).
fn lines(text: &[u8]) -> impl Iterator<Item = &[u8]> {
    text.split(|&b| b == b'\n').map(|l| l.strip_suffix(b"\r").unwrap_or(l))
}

fn is_blank(line: &[u8]) -> bool {
    line.iter().all(|b| b.is_ascii_whitespace())
}

/// Lines that may stand before a diff without making it "chat": `diff -ruN` preambles.
fn is_diff_preamble(line: &[u8]) -> bool {
    [
        "diff ",
        "Only in ",
        "Index: ",
        "===",
        "Common subdirectories",
        "Binary files ",
        "index ",
        "new file mode",
        "deleted file mode",
        "similarity index",
        "rename from",
        "rename to",
        "old mode",
        "new mode",
    ]
    .iter()
    .any(|p| line.starts_with(p.as_bytes()))
}

fn is_hunk_header(line: &[u8]) -> bool {
    line.starts_with(b"@@ ") || line == b"@@" || line.starts_with(b"@@@")
}

/// Finds a diff in `text` and says which flavour it is. `None` when there is none.
pub fn sniff_diff(text: &[u8]) -> Option<DiffFlavor> {
    let text = strip_bom(text);
    let mut all = lines(text).peekable();
    let mut first_content: Option<&[u8]> = None;
    let mut prose_before = false;
    let mut fenced = false;
    let mut in_mail_headers = false;
    let mut mail_headers = (false, false); // (From:, Subject:)
    let mut git = false;
    let mut unified = false;
    let mut bare_hunk = false;
    while let Some(line) = all.next() {
        if is_blank(line) {
            in_mail_headers = false;
            continue;
        }
        if first_content.is_none() {
            first_content = Some(line);
            in_mail_headers = true;
        }
        if in_mail_headers {
            mail_headers.0 |= line.starts_with(b"From: ");
            mail_headers.1 |= line.starts_with(b"Subject: ");
        }
        if line.starts_with(b"```") || line.starts_with(b"~~~") {
            fenced = true;
            continue;
        }
        if line.starts_with(b"diff --git ") {
            git = true;
            break;
        }
        if line.starts_with(b"--- ") && all.peek().is_some_and(|n| n.starts_with(b"+++ ")) {
            unified = true;
            break;
        }
        if is_hunk_header(line) && all.peek().is_some_and(|n| matches!(n.first(), Some(b'+' | b'-' | b' '))) {
            bare_hunk = true;
            break;
        }
        if !is_diff_preamble(line) {
            prose_before = true;
        }
    }
    if !(git || unified || bare_hunk) {
        return None;
    }
    let mbox_start = first_content
        .is_some_and(|l| l.starts_with(b"From ") && l.len() >= 45 && l[5..45].iter().all(u8::is_ascii_hexdigit));
    if mbox_start || (mail_headers.0 && mail_headers.1) {
        return Some(DiffFlavor::Mbox);
    }
    if fenced || prose_before || bare_hunk {
        return Some(DiffFlavor::Chat);
    }
    Some(if git { DiffFlavor::Git } else { DiffFlavor::Unified })
}

/// What a cheap look at a text patch tells for its inbox entry: the mail subject (if any) and
/// the paths it touches (new side), in order of appearance, at most `max` of them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct DiffSketch {
    pub subject: Option<String>,
    pub paths: Vec<String>,
}

pub(crate) fn sketch_diff(text: &[u8], max: usize) -> DiffSketch {
    let mut sketch = DiffSketch::default();
    let mut old_path: Option<String> = None;
    for line in lines(strip_bom(text)) {
        if sketch.subject.is_none() {
            if let Some(s) = line.strip_prefix(b"Subject: ") {
                let s = String::from_utf8_lossy(s).trim().to_string();
                // "[PATCH 2/3] Add x" -> "Add x"
                let s = match (s.starts_with('['), s.find("] ")) {
                    (true, Some(i)) => s[i + 2..].to_string(),
                    _ => s,
                };
                if !s.is_empty() {
                    sketch.subject = Some(s);
                }
            }
        }
        if let Some(p) = line.strip_prefix(b"--- ") {
            old_path = Some(diff_path(p));
        } else if let Some(p) = line.strip_prefix(b"+++ ") {
            let new = diff_path(p);
            let path = if new == "/dev/null" { old_path.take().unwrap_or(new) } else { new };
            if path != "/dev/null" && !path.is_empty() && !sketch.paths.contains(&path) {
                sketch.paths.push(path);
                if sketch.paths.len() >= max {
                    break;
                }
            }
        }
    }
    sketch
}

/// The path of a `---`/`+++` line: without a timestamp after a tab and without `a/`/`b/`.
fn diff_path(raw: &[u8]) -> String {
    let s = String::from_utf8_lossy(raw);
    let s = s.split('\t').next().unwrap_or("").trim();
    let s = s.trim_matches('"');
    if s == "/dev/null" {
        return s.to_string();
    }
    s.strip_prefix("a/").or_else(|| s.strip_prefix("b/")).unwrap_or(s).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    const GIT: &str = "diff --git a/src/app.rs b/src/app.rs\nindex 1111111..2222222 100644\n--- a/src/app.rs\n+++ b/src/app.rs\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n";

    fn kind(name: &str, bytes: &[u8]) -> Kind {
        identify(name, bytes).unwrap_or_else(|e| panic!("{name}: {e}"))
    }

    fn diff(flavor: DiffFlavor) -> Kind {
        Kind::Diff { flavor }
    }

    #[test]
    fn diff_flavours_are_told_apart() {
        assert_eq!(kind("patch_F2.1.diff", GIT.as_bytes()), diff(DiffFlavor::Git));
        let mbox = format!(
            "From 0123456789abcdef0123456789abcdef01234567 Mon Sep 17 00:00:00 2001\nFrom: A <a@b.c>\nDate: x\nSubject: [PATCH 1/2] Add thing\n\nBody text.\n---\n src/app.rs | 2 +-\n\n{GIT}-- \n2.47.0\n"
        );
        assert_eq!(kind("0001-add.patch", mbox.as_bytes()), diff(DiffFlavor::Mbox));
        let ru = "diff -ruN a/x.txt b/x.txt\n--- a/x.txt\t2024-01-01 10:00:00.000000000 +0100\n+++ b/x.txt\t2024-01-02 10:00:00.000000000 +0100\n@@ -1 +1 @@\n-a\n+b\n";
        assert_eq!(kind("x.diff", ru.as_bytes()), diff(DiffFlavor::Unified));
        let fenced = format!("Here is the patch you asked for:\n\n```diff\n{GIT}```\n\nLet me know!\n");
        assert_eq!(kind("patch_F2.1.diff", fenced.as_bytes()), diff(DiffFlavor::Chat));
        assert_eq!(kind("chat.txt", fenced.as_bytes()), diff(DiffFlavor::Chat));
        let bare = "Change this:\n@@\n a\n-b\n+c\n";
        assert_eq!(kind("x.patch", bare.as_bytes()), diff(DiffFlavor::Chat));
        let crlf = GIT.replace('\n', "\r\n");
        assert_eq!(kind("x.diff", crlf.as_bytes()), diff(DiffFlavor::Git));
        // NUL bytes inside hunk text do not make a real diff "binary".
        let nul = GIT.replace("+c", "+c\0d");
        assert_eq!(kind("x.diff", nul.as_bytes()), diff(DiffFlavor::Git));
    }

    #[test]
    fn json_payloads_and_sidecars() {
        let batch = br#"{"branch":"main","commit_message":"m","files":[{"path":"a.md","content":"x"}]}"#;
        assert_eq!(kind("payload.json", batch), Kind::Batch);
        assert_eq!(kind("payload.txt", batch), Kind::Batch);
        let old = br#"{"patch_file": ".patches/patch_x.diff", "task_id": "2.3", "summary": "s", "output_folders": ["docs/"]}"#;
        assert_eq!(kind("patch_x.json", old), Kind::Sidecar);
        let new = br#"{"task_id": "1.1", "summary": "s", "output_files": ["docs/g.md"], "prompt": "prompts/used/DevPod/1.1_prompt.txt", "branch_name": "chatgpt/auto/dev/1.1"}"#;
        assert_eq!(kind("metadata.json", new), Kind::Sidecar);
        let bom = [b"\xEF\xBB\xBF".as_slice(), new.as_slice()].concat();
        assert_eq!(kind("metadata.json", &bom), Kind::Sidecar);
    }

    #[test]
    fn logs_by_name() {
        let cases = [
            ("thought_trace.yaml", LogKind::ThoughtTrace),
            ("reasoning_trace.md", LogKind::ReasoningTrace),
            ("reasoning_trace.yaml", LogKind::ReasoningTrace),
            ("changelog.yaml", LogKind::Changelog),
            ("changelogs/F2.1.md", LogKind::Changelog),
            ("handoff_log.yaml", LogKind::HandoffLog),
            ("handoff_notes/F2.1_handoff.md", LogKind::HandoffNotes),
            ("F2.1_handoff.md", LogKind::HandoffNotes),
            ("prompt_used.txt", LogKind::PromptUsed),
            ("prompts/used/DevPod/F2.1_prompt.txt", LogKind::PromptUsed),
            ("memory.yaml", LogKind::Memory),
            ("trace_log.md", LogKind::TraceLog),
            ("feedback/F2.1.md", LogKind::Feedback),
            ("metrics.yaml", LogKind::Metrics),
            ("thought_trace (1).yaml", LogKind::ThoughtTrace),
        ];
        for (name, log) in cases {
            assert_eq!(kind(name, b"- thought: x\n"), Kind::Log { log }, "{name}");
        }
        assert_eq!(log_kind_of("docs/goals.md"), None);
        assert_eq!(log_kind_of("memory.json"), None);
    }

    #[test]
    fn bad_input_gets_clear_errors() {
        let e = identify("patch_F2.1.diff", b"").unwrap_err();
        assert!(matches!(e, IntakeError::Empty { .. }), "{e}");
        assert!(e.to_string().contains("patch_F2.1.diff"));
        assert!(matches!(identify("x.diff", b" \n\r\n\t").unwrap_err(), IntakeError::Empty { .. }));

        let junk: Vec<u8> = (0..4096u32).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8).collect();
        let e = identify("patch_F2.1.diff", &junk).unwrap_err();
        assert!(e.to_string().contains("binary data"), "{e}");
        assert_eq!(patchdesk_error::Coded::code(&e), patchdesk_error::Code::PatchUnreadable);

        let e = identify("notes.diff", b"just some words\n").unwrap_err();
        assert!(e.to_string().contains("contains no diff"), "{e}");
        let e = identify("holiday.jpg.txt", b"just some words\n").unwrap_err();
        assert!(e.to_string().contains("does not recognise"), "{e}");

        let e = identify("payload.json", b"{\"files\": [\n  {\"path\": 1,}\n]}").unwrap_err();
        assert!(e.to_string().contains("not valid JSON (line 2"), "{e}");
        let e = identify("x.json", b"[1,2]").unwrap_err();
        assert!(e.to_string().contains("not an object"), "{e}");
        let e = identify("x.json", b"{\"hello\": 1}").unwrap_err();
        assert!(e.to_string().contains("neither a batch"), "{e}");

        let e = identify("patch_F2.1_20250101_101010.zip", b"<html>Not found</html>").unwrap_err();
        assert!(e.to_string().contains("not a ZIP"), "{e}");

        let small = Limits { max_input_bytes: 10, ..Limits::default() };
        let e = identify_with("big.diff", GIT.as_bytes(), &small).unwrap_err();
        assert!(matches!(e, IntakeError::TooLarge { .. }), "{e}");
        assert!(e.to_string().contains("limit is 10 bytes"), "{e}");

        let e = identify("thought_trace.yaml", &junk).unwrap_err();
        assert!(e.to_string().contains("binary"), "{e}");
    }

    #[test]
    fn os_junk_names() {
        for n in [".DS_Store", "__MACOSX/._a.md", "x/Thumbs.db", "desktop.ini", "a/__MACOSX/b"] {
            assert!(is_os_junk(n), "{n}");
        }
        for n in ["docs/a.md", "macosx.md", "DS_Store.md"] {
            assert!(!is_os_junk(n), "{n}");
        }
    }

    #[test]
    fn sketch_reads_subject_and_paths() {
        let text = "Subject: [PATCH 2/3] Add metrics\n\ndiff --git a/a.md b/a.md\n--- a/a.md\n+++ b/a.md\n@@\n--- a/gone.md\n+++ /dev/null\n--- /dev/null\n+++ b/new.md\t2024-01-01\n";
        let s = sketch_diff(text.as_bytes(), 10);
        assert_eq!(s.subject.as_deref(), Some("Add metrics"));
        assert_eq!(s.paths, vec!["a.md", "gone.md", "new.md"]);
    }
}
