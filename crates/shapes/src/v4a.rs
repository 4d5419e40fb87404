//! OpenAI's apply_patch envelope ("V4A"), as the reference grammar in openai/codex
//! (codex-rs/apply-patch) describes it:
//!
//! ```text
//! *** Begin Patch
//! *** Add File: path        then every line `+text`
//! *** Delete File: path
//! *** Update File: path     then optionally `*** Move to: path`, then hunks:
//! @@ [enclosing line]       (several may stack), lines ` ctx` `-old` `+new`, optional `*** End of File`
//! *** End Patch
//! ```
//!
//! Markers may carry spaces around them; a blank line inside a hunk is a blank context line.
//! The envelope may sit anywhere in a chat answer (prose, fences); several envelopes are read in
//! order.

use crate::answer::{Answer, Chunk, FileChange, Limits, Op, ReadError, Role, Shape};
use crate::text;

const BEGIN: &str = "*** Begin Patch";
const END: &str = "*** End Patch";
const ADD: &str = "*** Add File:";
const DELETE: &str = "*** Delete File:";
const UPDATE: &str = "*** Update File:";
const MOVE: &str = "*** Move to:";
const EOF: &str = "*** End of File";

/// The envelope's first line: at the start of its line (a diff's context line ` *** Begin Patch`
/// quoting an envelope is not one), spaces after it allowed.
fn is_begin(line: &str) -> bool {
    line.trim_end() == BEGIN
}

/// Whether the text holds an OpenAI patch envelope.
pub(crate) fn present(lines: &[&str]) -> bool {
    lines.iter().enumerate().any(|(i, l)| {
        is_begin(l)
            && lines[i + 1..].iter().find(|l| !l.trim().is_empty()).is_some_and(|n| {
                let n = n.trim();
                n.starts_with(ADD) || n.starts_with(DELETE) || n.starts_with(UPDATE) || n == END
            })
    })
}

/// Reads every envelope in the answer.
pub(crate) fn read(input: &[u8], limits: &Limits) -> Result<Answer, ReadError> {
    let split = text::split(input, limits)?;
    let lines = &split.lines;
    let mut notes = split.notes;
    let mut files: Vec<FileChange> = Vec::new();
    let mut blocks = 0usize;
    let mut outside = 0usize;
    let mut i = 0;
    let mut envelopes = 0;
    while i < lines.len() {
        if !is_begin(lines[i]) {
            if !lines[i].trim().is_empty() && text::fence_open(lines[i]).is_none() {
                outside += 1;
            }
            i += 1;
            continue;
        }
        envelopes += 1;
        let start = i + 1;
        let mut end = start;
        let mut closed = false;
        while end < lines.len() {
            if lines[end].trim() == END {
                closed = true;
                break;
            }
            end += 1;
        }
        if !closed {
            // No end marker: the envelope runs to the fence that holds it, or to the end.
            end = start;
            while end < lines.len()
                && !(text::fence_open(lines[end]).is_some() && lines[end].trim_start().starts_with(['`', '~']))
            {
                end += 1;
            }
            notes.push("The OpenAI patch had no `*** End Patch` line; it was read to its end.".to_string());
        }
        body(&lines[start..end], start, &mut files, &mut blocks, limits)?;
        i = if closed { end + 1 } else { end };
    }
    if envelopes == 0 {
        return Err(ReadError::new("The answer has no `*** Begin Patch` envelope."));
    }
    if files.is_empty() {
        return Err(ReadError::new("The OpenAI patch in the answer changes no files."));
    }
    if outside > 0 {
        notes.push("Text around the OpenAI patch was set aside.".to_string());
    }
    Ok(Answer { shape: Shape::OpenAiPatch, files, notes })
}

fn marker<'a>(line: &'a str, m: &str) -> Option<&'a str> {
    line.trim().strip_prefix(m).map(str::trim)
}

fn unreadable(line_no: usize, line: &str, why: &str) -> ReadError {
    let shown: String = line.chars().take(80).collect();
    ReadError::new(format!(
        "Line {} of the OpenAI patch (`{}`) {why}; ask the pod for the patch again.",
        line_no + 1,
        shown.trim()
    ))
}

fn body(
    lines: &[&str],
    first: usize,
    files: &mut Vec<FileChange>,
    blocks: &mut usize,
    limits: &Limits,
) -> Result<(), ReadError> {
    let mut i = 0;
    let count = |files: &Vec<FileChange>| -> Result<(), ReadError> {
        if files.len() >= limits.max_files {
            return Err(ReadError::new(format!(
                "The answer changes more than {} files; Patchdesk takes at most that many at once.",
                limits.max_files
            )));
        }
        Ok(())
    };
    while i < lines.len() {
        let line = lines[i];
        if line.trim().is_empty() {
            i += 1;
            continue;
        }
        if let Some(path) = marker(line, ADD) {
            count(files)?;
            let mut content = Vec::new();
            i += 1;
            while i < lines.len() {
                match lines[i].strip_prefix('+') {
                    Some(t) => content.push(t.to_string()),
                    None => break,
                }
                i += 1;
            }
            files.push(FileChange { path: path.to_string(), op: Op::Add(content) });
            continue;
        }
        if let Some(path) = marker(line, DELETE) {
            count(files)?;
            files.push(FileChange { path: path.to_string(), op: Op::Delete });
            i += 1;
            continue;
        }
        if let Some(path) = marker(line, UPDATE) {
            count(files)?;
            i += 1;
            let mut move_to = None;
            if let Some(m) = lines.get(i).and_then(|l| marker(l, MOVE)) {
                move_to = Some(m.to_string());
                i += 1;
            }
            let mut chunks: Vec<Chunk> = Vec::new();
            let mut cur: Option<Chunk> = None;
            let new_chunk = |n: usize| Chunk {
                number: n,
                scopes: Vec::new(),
                lines: Vec::new(),
                end_of_file: false,
                start_line: None,
            };
            while i < lines.len() {
                let l = lines[i];
                let t = l.trim();
                if t.is_empty() && cur.as_ref().is_none_or(|c| c.lines.is_empty()) {
                    i += 1;
                    continue;
                }
                if t == "@@" || (t.starts_with("@@ ") && !l.starts_with(' ')) {
                    let mut scope = t[2..].trim();
                    if scope.starts_with('-') && scope[1..].starts_with(|c: char| c.is_ascii_digit()) {
                        // A unified hunk header (`@@ -3,7 +3,8 @@ fn x()`): its numbers are not
                        // used; its section text is the scope.
                        scope = scope.split_once("@@").map(|(_, s)| s.trim()).unwrap_or("");
                    }
                    if cur.as_ref().is_some_and(|c| !c.lines.is_empty()) {
                        chunks.extend(cur.take());
                    }
                    let c = cur.get_or_insert_with(|| new_chunk(chunks.len() + 1));
                    if !scope.is_empty() {
                        c.scopes.push(scope.to_string());
                    }
                    i += 1;
                    continue;
                }
                if t == EOF {
                    match cur.take() {
                        Some(mut c) if !c.lines.is_empty() => {
                            c.end_of_file = true;
                            chunks.push(c);
                        }
                        _ => return Err(unreadable(first + i, l, "ends a change that has no lines")),
                    }
                    i += 1;
                    continue;
                }
                if l.starts_with('*') {
                    break;
                }
                let role = match l.as_bytes().first() {
                    None => Some((Role::Context, "")),
                    Some(b' ') => Some((Role::Context, &l[1..])),
                    Some(b'-') => Some((Role::Old, &l[1..])),
                    Some(b'+') => Some((Role::New, &l[1..])),
                    _ => None,
                };
                let Some((role, text)) = role else {
                    return Err(unreadable(first + i, l, "is not a context, removed or added line"));
                };
                let c = cur.get_or_insert_with(|| new_chunk(chunks.len() + 1));
                c.lines.push((role, text.to_string()));
                i += 1;
            }
            if let Some(c) = cur.take() {
                if !c.lines.is_empty() {
                    chunks.push(c);
                }
            }
            *blocks += chunks.len();
            if *blocks > limits.max_blocks {
                return Err(ReadError::new(format!(
                    "The answer has more than {} changes; Patchdesk takes at most that many at once.",
                    limits.max_blocks
                )));
            }
            if chunks.is_empty() && move_to.is_none() {
                return Err(ReadError::new(format!(
                    "The OpenAI patch updates {path} but gives no changes for it; ask the pod for the patch again."
                )));
            }
            files.push(FileChange { path: path.to_string(), op: Op::Update { move_to, chunks } });
            continue;
        }
        return Err(unreadable(first + i, line, "is not an Add File, Delete File or Update File line"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_str(s: &str) -> Result<Answer, ReadError> {
        read(s.as_bytes(), &Limits::default())
    }

    #[test]
    fn reads_every_section_kind() {
        let a = read_str(
            "Here you go:\n\n```\n*** Begin Patch\n*** Add File: docs/new.md\n+# New\n+\n+text\n*** Delete File: old.txt\n*** Update File: src/a.py\n*** Move to: src/b.py\n@@ class A:\n@@     def f(self):\n-        return 1\n+        return 2\n \n@@\n-x = 1\n+x = 2\n*** End of File\n*** End Patch\n```\nDone.\n",
        )
        .unwrap();
        assert_eq!(a.shape, Shape::OpenAiPatch);
        assert_eq!(a.files.len(), 3);
        assert_eq!(a.files[0].op, Op::Add(vec!["# New".into(), "".into(), "text".into()]));
        assert_eq!(a.files[1], FileChange { path: "old.txt".into(), op: Op::Delete });
        let Op::Update { move_to, chunks } = &a.files[2].op else { panic!() };
        assert_eq!(move_to.as_deref(), Some("src/b.py"));
        assert_eq!(chunks.len(), 2);
        assert_eq!(chunks[0].scopes, vec!["class A:".to_string(), "def f(self):".to_string()]);
        assert_eq!(chunks[0].lines.len(), 3);
        assert_eq!(chunks[0].lines[2], (Role::Context, String::new()));
        assert!(chunks[1].end_of_file);
        assert!(a.notes.iter().any(|n| n.contains("set aside")));
    }

    #[test]
    fn crlf_and_padded_markers_are_read() {
        let a =
            read_str("*** Begin Patch \r\n  *** Update File: a.txt\r\n@@\r\n-a\r\n+b\r\n *** End Patch\r\n").unwrap();
        assert_eq!(a.files.len(), 1);
        assert!(a.notes.iter().any(|n| n.contains("Windows")));
    }

    #[test]
    fn a_first_hunk_may_omit_its_at_line() {
        let a = read_str("*** Begin Patch\n*** Update File: f\n import foo\n+bar\n*** End Patch\n").unwrap();
        let Op::Update { chunks, .. } = &a.files[0].op else { panic!() };
        assert_eq!(chunks[0].lines, vec![(Role::Context, "import foo".into()), (Role::New, "bar".into())]);
    }

    #[test]
    fn damaged_envelopes_are_refused_in_plain_words() {
        let e = read_str("*** Begin Patch\n*** Update File: f\n@@\nnot a diff line\n*** End Patch\n").unwrap_err();
        assert!(e.message.contains("Line 4"), "{e}");
        let e = read_str("*** Begin Patch\n*** Update File: f\n*** End Patch\n").unwrap_err();
        assert!(e.message.contains("gives no changes"), "{e}");
        let e = read_str("*** Begin Patch\n*** Frobnicate: f\n*** End Patch\n").unwrap_err();
        assert!(e.message.contains("not an Add File"), "{e}");
        assert!(read_str("no envelope here\n").is_err());
    }

    #[test]
    fn limits_are_totals_over_the_answer() {
        let mut s = String::from("*** Begin Patch\n");
        for n in 0..20 {
            s.push_str(&format!("*** Update File: f{n}\n@@\n-a\n+b\n"));
        }
        s.push_str("*** End Patch\n");
        let lim = Limits { max_blocks: 10, ..Limits::default() };
        assert!(read(s.as_bytes(), &lim).unwrap_err().message.contains("more than 10 changes"));
        let lim = Limits { max_files: 5, ..Limits::default() };
        assert!(read(s.as_bytes(), &lim).unwrap_err().message.contains("more than 5 files"));
    }
}
