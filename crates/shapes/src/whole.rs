//! Whole files in a chat answer: fenced blocks holding a file's complete new content, each
//! named by the line before it (`**path**`, `### path`, `` `path` ``, `File: path`, `path:`),
//! by the fence's info string (```` ```python title="src/x.py" ````, ```` ```src/x.py ````) or
//! by a first-line comment (`# src/x.py`, `// src/x.py`). Unnamed blocks (a shell command, an
//! example) are not files and are left alone; `diff` blocks are diffs, not files.

use crate::answer::{Answer, FileChange, Limits, Op, ReadError, Shape};
use crate::text;

/// Why an answer is not whole files: it has no block named by a path.
pub(crate) const NO_FILES: &str = "The answer has no file blocks named by a path.";

/// Reads every named fenced block of the answer.
pub(crate) fn read(input: &[u8], limits: &Limits) -> Result<Answer, ReadError> {
    let split = text::split(input, limits)?;
    let lines = &split.lines;
    let mut notes = split.notes;
    let mut files: Vec<FileChange> = Vec::new();
    let mut unnamed = 0usize;
    let mut i = 0;
    let mut last_close: Option<usize> = None;
    while i < lines.len() {
        let Some(open) = text::fence_open(lines[i]) else {
            i += 1;
            continue;
        };
        let Some(close) = (i + 1..lines.len()).find(|&j| text::fence_closes(&open, lines[j])) else {
            // A cut-off block: if it is named, its content is incomplete.
            if named(lines, i, &open, last_close).is_some() {
                return Err(ReadError::new(
                    "The answer stops inside a file's block (its closing ``` is missing), so the file may be incomplete; ask the pod for it again.",
                ));
            }
            break;
        };
        let lang = open.info.split_whitespace().next().unwrap_or("").to_ascii_lowercase();
        let content = &lines[i + 1..close];
        match named(lines, i, &open, last_close) {
            Some((path, first_line_names_it)) if !matches!(lang.as_str(), "diff" | "patch" | "udiff") => {
                let lines: Vec<String> = content.iter().map(|s| s.to_string()).collect();
                let op = Op::Whole { lines, first_line_names_it };
                if let Some(prev) = files.iter().find(|f| f.path == path) {
                    if prev.op != op {
                        return Err(ReadError::new(format!(
                            "The answer gives {path} twice with different content; ask the pod which one is meant."
                        )));
                    }
                } else {
                    if files.len() >= limits.max_files {
                        return Err(ReadError::new(format!(
                            "The answer changes more than {} files; Patchdesk takes at most that many at once.",
                            limits.max_files
                        )));
                    }
                    files.push(FileChange { path, op });
                }
            }
            _ => unnamed += 1,
        }
        last_close = Some(close);
        i = close + 1;
    }
    if files.is_empty() {
        return Err(ReadError::new(NO_FILES));
    }
    notes.push("Prose around the files was set aside.".to_string());
    if unnamed > 0 {
        notes.push(format!("{unnamed} code block(s) that name no file were left out."));
    }
    Ok(Answer { shape: Shape::WholeFiles, files, notes })
}

/// The file a fenced block at `at` is named for, and whether its first line is the name.
fn named(lines: &[&str], at: usize, open: &text::Fence<'_>, last_close: Option<usize>) -> Option<(String, bool)> {
    // The line before (blank lines between are fine), unless it closes another block.
    let mut j = at;
    let mut blanks = 0;
    while j > 0 {
        j -= 1;
        if Some(j) == last_close {
            break;
        }
        if lines[j].trim().is_empty() {
            blanks += 1;
            if blanks > 2 {
                break;
            }
            continue;
        }
        if let Some(p) = text::name_from_label(lines[j]) {
            return Some((p, false));
        }
        break;
    }
    if let Some(p) = text::name_from_info(open.info) {
        return Some((p, false));
    }
    let first = lines.get(at + 1)?;
    if text::fence_closes(open, first) {
        return None;
    }
    text::name_from_comment(first).map(|p| (p, true))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_str(s: &str) -> Result<Answer, ReadError> {
        read(s.as_bytes(), &Limits::default())
    }

    fn whole(a: &Answer, n: usize) -> (&str, Vec<&str>, bool) {
        match &a.files[n].op {
            Op::Whole { lines, first_line_names_it } => {
                (a.files[n].path.as_str(), lines.iter().map(String::as_str).collect(), *first_line_names_it)
            }
            _ => panic!(),
        }
    }

    #[test]
    fn every_naming_form_is_read() {
        let a = read_str(
            "Here are the files.\n\n**a.py**\n\n```python\nA = 1\n```\n\n### docs/b.md\n````markdown\n# B\n```sh\nls\n```\n````\n\n`c.toml`\n```toml\nc = 1\n```\n\nFile: d/e.txt\n```\ne\n```\n\nf.rs:\n```rust\nfn f() {}\n```\n\n```python title=\"g/h.py\"\nH = 1\n```\n\n```i/j.js\nj()\n```\n\n```python\n# k/l.py\nL = 1\n```\n\nRun this:\n\n```sh\nmake test\n```\n",
        )
        .unwrap();
        let names: Vec<&str> = a.files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(names, vec!["a.py", "docs/b.md", "c.toml", "d/e.txt", "f.rs", "g/h.py", "i/j.js", "k/l.py"]);
        assert_eq!(whole(&a, 1).1, vec!["# B", "```sh", "ls", "```"], "a longer fence holds shorter ones");
        assert_eq!(whole(&a, 7), ("k/l.py", vec!["# k/l.py", "L = 1"], true));
        assert!(a.notes.iter().any(|n| n.contains("1 code block")));
    }

    #[test]
    fn diff_blocks_and_unnamed_blocks_are_not_files() {
        assert!(read_str("**a.py**\n```diff\n-a\n+b\n```\n").is_err());
        assert!(read_str("Some text\n```\nx\n```\n").is_err());
    }

    #[test]
    fn a_cut_off_or_doubled_file_is_refused() {
        let e = read_str("**a.py**\n```python\nA = 1\n").unwrap_err();
        assert!(e.message.contains("closing"), "{e}");
        let e = read_str("**a.py**\n```\nA = 1\n```\n**a.py**\n```\nA = 2\n```\n").unwrap_err();
        assert!(e.message.contains("twice"), "{e}");
    }
}
