//! SEARCH/REPLACE edit blocks as chat assistants write them:
//!
//! - aider: the file's path alone on a line, a fence, `<<<<<<< SEARCH`, old lines, `=======`,
//!   new lines, `>>>>>>> REPLACE`;
//! - Cline: `------- SEARCH` / `=======` / `+++++++ REPLACE` (path in `<path>…</path>` or on a
//!   line before);
//! - Roo: `<<<<<<< SEARCH`, `:start_line:N`, `-------`, old lines, `=======`, new lines,
//!   `>>>>>>> REPLACE`.
//!
//! Several blocks may follow each other for one file; an empty SEARCH creates the file.

use crate::answer::{Answer, Chunk, FileChange, Limits, Op, ReadError, Shape};
use crate::text;

fn run_of(s: &str, ch: char) -> usize {
    s.chars().take_while(|&c| c == ch).count()
}

/// A marker line: 5 to 9 of one of `chars`, then `word` (aider writes `SEARCH>`/`REPLACE<`
/// in some versions).
fn is_marker(line: &str, chars: [char; 2], word: &str) -> bool {
    // At the start of the line: a diff's context line ` <<<<<<< SEARCH` is not a marker.
    let t = line.trim_end();
    chars.iter().any(|&ch| {
        let n = run_of(t, ch);
        (5..=9).contains(&n) && {
            let rest = t[n..].trim_start();
            rest == word || (rest.len() == word.len() + 1 && rest.starts_with(word) && rest.ends_with(['>', '<']))
        }
    })
}

fn is_start(line: &str) -> bool {
    is_marker(line, ['<', '-'], "SEARCH")
}

fn is_end(line: &str) -> bool {
    is_marker(line, ['>', '+'], "REPLACE")
}

fn is_divider(line: &str) -> bool {
    let t = line.trim_end();
    (5..=9).contains(&t.len()) && t.bytes().all(|b| b == b'=')
}

/// Whether the text holds edit blocks (and is not a unified diff that adds or removes lines
/// looking like markers: `+` and `-` runs are also diff line prefixes).
pub(crate) fn present(lines: &[&str]) -> bool {
    let Some(s) = lines.iter().position(|l| is_start(l)) else { return false };
    let diff_hunk = |l: &&str| l.starts_with("@@ -") && l[4..].starts_with(|c: char| c.is_ascii_digit());
    if !lines[s].starts_with('<') && lines.iter().any(diff_hunk) {
        return false;
    }
    lines[s..].iter().any(|l| is_divider(l)) && lines[s..].iter().any(|l| is_end(l))
}

fn cline_path(line: &str) -> Option<String> {
    let t = line.trim();
    let inner = t.strip_prefix("<path>")?.strip_suffix("</path>")?.trim();
    text::looks_like_path(inner).then(|| inner.to_string())
}

/// Reads every edit block in the answer.
pub(crate) fn read(input: &[u8], limits: &Limits) -> Result<Answer, ReadError> {
    let split = text::split(input, limits)?;
    let lines = &split.lines;
    let mut notes = split.notes;
    let mut order: Vec<String> = Vec::new();
    let mut per_file: std::collections::HashMap<String, Vec<Chunk>> = std::collections::HashMap::new();
    let mut last_end: Option<usize> = None;
    let mut last_path: Option<String> = None;
    let mut tagged_path: Option<String> = None;
    let mut total = 0usize;
    let mut outside = 0usize;
    let mut i = 0;
    while i < lines.len() {
        if let Some(p) = cline_path(lines[i]) {
            tagged_path = Some(p);
            i += 1;
            continue;
        }
        if !is_start(lines[i]) {
            if !lines[i].trim().is_empty() && text::fence_open(lines[i]).is_none() {
                outside += 1;
            }
            i += 1;
            continue;
        }
        total += 1;
        if total > limits.max_blocks {
            return Err(ReadError::new(format!(
                "The answer has more than {} edit blocks; Patchdesk takes at most that many at once.",
                limits.max_blocks
            )));
        }
        // Which file: a path line just before (past blank and fence lines), or the file of
        // the block that ended right there, or a Cline <path> tag.
        let mut path = None;
        let mut j = i;
        let mut info_name = None;
        for _ in 0..6 {
            if j == 0 {
                break;
            }
            j -= 1;
            let l = lines[j];
            if l.trim().is_empty() || matches!(l.trim(), "<diff>" | "</diff>") {
                continue;
            }
            if let Some(f) = text::fence_open(l) {
                if info_name.is_none() {
                    info_name = text::name_from_info(f.info);
                }
                continue;
            }
            if Some(j) == last_end {
                path = last_path.clone();
            } else if let Some(p) = cline_path(l) {
                path = Some(p);
            } else if let Some(p) = text::name_before_block(l) {
                outside = outside.saturating_sub(1);
                path = Some(p);
            }
            break;
        }
        let path = match path.or(info_name).or_else(|| tagged_path.clone()) {
            Some(p) => p,
            None => {
                return Err(ReadError::new(format!(
                    "Edit block {total} in the answer does not say which file it changes; ask the pod to put the file's path on the line before each block."
                )))
            }
        };
        // The block itself.
        let mut k = i + 1;
        let mut start_line = None;
        while let Some(l) = lines.get(k) {
            let t = l.trim();
            if let Some(n) = t.strip_prefix(":start_line:") {
                start_line = n.trim().parse::<usize>().ok().filter(|&n| n > 0);
                k += 1;
            } else if t.starts_with(":end_line:") {
                k += 1;
            } else {
                break;
            }
        }
        if lines.get(k).is_some_and(|l| l.trim() == "-------") {
            k += 1;
        }
        let body_start = k;
        let mut dividers = Vec::new();
        let mut end = None;
        while k < lines.len() {
            if is_end(lines[k]) {
                end = Some(k);
                break;
            }
            if is_start(lines[k]) {
                break;
            }
            if is_divider(lines[k]) {
                dividers.push(k);
            }
            k += 1;
        }
        let Some(end) = end else {
            return Err(ReadError::new(format!(
                "Edit block {total} (for {path}) has no `>>>>>>> REPLACE` line; the answer may be cut off. Ask the pod for it again."
            )));
        };
        let exact: Vec<usize> = dividers.iter().copied().filter(|&d| lines[d].trim_end() == "=======").collect();
        let divider = match (exact.len(), dividers.len()) {
            (1, _) => exact[0],
            (0, 1) => dividers[0],
            (0, 0) => {
                return Err(ReadError::new(format!(
                    "Edit block {total} (for {path}) has no `=======` line between its old and new text; ask the pod for it again."
                )))
            }
            _ => {
                return Err(ReadError::new(format!(
                    "Edit block {total} (for {path}) has more than one `=======` line, so Patchdesk cannot tell where its old text ends; ask the pod for a diff of that file instead."
                )))
            }
        };
        let search: Vec<String> = lines[body_start..divider].iter().map(|s| s.to_string()).collect();
        let replace: Vec<String> = lines[divider + 1..end].iter().map(|s| s.to_string()).collect();
        let chunks = per_file.entry(path.clone()).or_insert_with(|| {
            order.push(path.clone());
            Vec::new()
        });
        let n = chunks.len() + 1;
        chunks.push(Chunk::from_search_replace(n, search, replace, start_line));
        if order.len() > limits.max_files {
            return Err(ReadError::new(format!(
                "The answer changes more than {} files; Patchdesk takes at most that many at once.",
                limits.max_files
            )));
        }
        last_end = Some(end);
        last_path = Some(path);
        i = end + 1;
    }
    if order.is_empty() {
        return Err(ReadError::new("The answer has no edit blocks."));
    }
    if outside > 0 {
        notes.push("Text around the edit blocks was set aside.".to_string());
    }
    let files = order
        .into_iter()
        .map(|p| {
            let chunks = per_file.remove(&p).unwrap_or_default();
            FileChange { path: p, op: Op::Blocks(chunks) }
        })
        .collect();
    Ok(Answer { shape: Shape::EditBlocks, files, notes })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::answer::Role;

    fn read_str(s: &str) -> Result<Answer, ReadError> {
        read(s.as_bytes(), &Limits::default())
    }

    #[test]
    fn aider_blocks_after_a_path_line() {
        let a = read_str(
            "Here are the blocks:\n\nsrc/a.py\n```python\n<<<<<<< SEARCH\ndef f():\n    return 1\n=======\ndef f():\n    return 2\n>>>>>>> REPLACE\n```\n\nsrc/a.py\n```python\n<<<<<<< SEARCH\nx = 1\n=======\nx = 2\n>>>>>>> REPLACE\n```\n\n**docs/new.md**\n```\n<<<<<<< SEARCH\n=======\n# New\n>>>>>>> REPLACE\n```\n",
        )
        .unwrap();
        assert_eq!(a.shape, Shape::EditBlocks);
        assert_eq!(a.files.len(), 2);
        let Op::Blocks(c) = &a.files[0].op else { panic!() };
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].lines[0], (Role::Context, "def f():".into()));
        assert_eq!(c[0].lines[1], (Role::Old, "    return 1".into()));
        assert_eq!(c[0].lines[2], (Role::New, "    return 2".into()));
        let Op::Blocks(c) = &a.files[1].op else { panic!() };
        assert_eq!(c[0].old_lines().count(), 0);
        assert_eq!(a.files[1].path, "docs/new.md");
    }

    #[test]
    fn cline_and_roo_markers_with_start_line() {
        let a = read_str(
            "<replace_in_file>\n<path>src/x.ts</path>\n<diff>\n------- SEARCH\nconst a = 1;\n=======\nconst a = 2;\n+++++++ REPLACE\n</diff>\n</replace_in_file>\n",
        )
        .unwrap();
        assert_eq!(a.files[0].path, "src/x.ts");
        let a = read_str("src/y.rs\n<<<<<<< SEARCH\n:start_line:12\n-------\nlet a = 1;\n=======\nlet a = 2;\n>>>>>>> REPLACE\n<<<<<<< SEARCH\n:start_line:40\n-------\nlet b = 1;\n=======\nlet b = 2;\n>>>>>>> REPLACE\n").unwrap();
        let Op::Blocks(c) = &a.files[0].op else { panic!() };
        assert_eq!(c.len(), 2, "the second block follows the first in the same file");
        assert_eq!(c[0].start_line, Some(12));
        assert_eq!(c[1].start_line, Some(40));
        assert_eq!(c[0].lines[0], (Role::Old, "let a = 1;".into()));
    }

    #[test]
    fn unnamed_unterminated_or_unclear_blocks_are_refused() {
        let e = read_str("Some prose with spaces.\n<<<<<<< SEARCH\na\n=======\nb\n>>>>>>> REPLACE\n").unwrap_err();
        assert!(e.message.contains("does not say which file"), "{e}");
        let e = read_str("a.txt\n<<<<<<< SEARCH\na\n=======\nb\n").unwrap_err();
        assert!(e.message.contains("no `>>>>>>> REPLACE`"), "{e}");
        let e = read_str("a.txt\n<<<<<<< SEARCH\na\n=======\nb\n=======\nc\n>>>>>>> REPLACE\n").unwrap_err();
        assert!(e.message.contains("more than one"), "{e}");
    }
}
