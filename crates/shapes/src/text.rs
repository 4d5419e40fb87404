//! Reading chat text: lines (Windows line ends folded), markdown fences, and file names as
//! answers write them (`**path**`, `### path`, `` `path` ``, `File: path`, `path:`).

use crate::answer::{Limits, ReadError};

/// The answer's lines, without line ends, and what was folded while splitting them.
pub(crate) struct Lines<'a> {
    pub lines: Vec<&'a str>,
    pub notes: Vec<String>,
}

/// Splits an answer into lines. Refuses input over the size limit and input that is not text.
pub(crate) fn split<'a>(input: &'a [u8], limits: &Limits) -> Result<Lines<'a>, ReadError> {
    if input.len() > limits.max_bytes {
        let mb = |n: usize| n as f64 / (1024.0 * 1024.0);
        return Err(ReadError::new(format!(
            "The answer is {:.1} MB; Patchdesk reads chat answers up to {:.1} MB. Ask the pod for a ZIP bundle instead.",
            mb(input.len()),
            mb(limits.max_bytes)
        )));
    }
    let lines = memchr::memchr_iter(b'\n', input).count() + usize::from(!input.ends_with(b"\n"));
    if lines > limits.max_lines {
        return Err(ReadError::new(format!(
            "The answer has more than {} lines, far more than a chat hands out; ask the pod for a ZIP bundle instead.",
            limits.max_lines
        )));
    }
    let text = std::str::from_utf8(input)
        .map_err(|_| ReadError::new("The answer is not plain text (it has bytes that are not UTF-8 characters)."))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines: Vec<&str> = text.split('\n').collect();
    if lines.last() == Some(&"") {
        lines.pop();
    }
    let crlf = lines.iter().filter(|l| l.ends_with('\r')).count();
    let mut notes = Vec::new();
    if crlf > 0 && crlf * 2 >= lines.len() {
        for l in &mut lines {
            *l = l.strip_suffix('\r').unwrap_or(l);
        }
        notes.push("The answer had Windows line ends; they were read as plain line ends.".to_string());
    }
    Ok(Lines { lines, notes })
}

/// A markdown fence opener: its character, length and info string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Fence<'a> {
    pub ch: u8,
    pub len: usize,
    pub info: &'a str,
}

/// Reads a fence opener (up to 3 spaces, then 3 or more backticks or tildes).
pub(crate) fn fence_open(line: &str) -> Option<Fence<'_>> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 {
        return None;
    }
    let rest = &line[indent..];
    let ch = *rest.as_bytes().first()?;
    if ch != b'`' && ch != b'~' {
        return None;
    }
    let len = rest.bytes().take_while(|&b| b == ch).count();
    if len < 3 {
        return None;
    }
    let info = rest[len..].trim();
    if ch == b'`' && info.contains('`') {
        return None;
    }
    Some(Fence { ch, len, info })
}

/// Whether `line` closes `open`.
pub(crate) fn fence_closes(open: &Fence<'_>, line: &str) -> bool {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 {
        return false;
    }
    let rest = &line[indent..];
    let len = rest.bytes().take_while(|&b| b == open.ch).count();
    len >= open.len && rest[len..].trim().is_empty()
}

/// File names with neither a folder nor an extension that are still clearly files.
const BARE_NAMES: &[&str] = &[
    "Makefile",
    "makefile",
    "GNUmakefile",
    "Dockerfile",
    "Containerfile",
    "Gemfile",
    "Rakefile",
    "Procfile",
    "PKGBUILD",
    "LICENSE",
    "COPYING",
    "README",
    "CHANGELOG",
    "AUTHORS",
    "NOTICE",
    "Vagrantfile",
    "Justfile",
    "justfile",
    "Brewfile",
    "Pipfile",
    "Jenkinsfile",
    "CODEOWNERS",
];

/// Whether `s` can be a repository path as an answer writes it: no spaces or markup, and
/// either a folder, an extension or a well-known bare file name.
pub(crate) fn looks_like_path(s: &str) -> bool {
    if s.is_empty() || s.len() > 1024 || s.contains("://") || s.starts_with('-') || s.ends_with('.') || s.ends_with('/')
    {
        return false;
    }
    if s.chars().any(|c| c.is_whitespace() || c.is_control() || "`*<>|\"'?:;,!{}$".contains(c)) {
        return false;
    }
    if s.contains("//") {
        return false;
    }
    let last = s.rsplit('/').next().unwrap_or(s);
    if s.contains('/') {
        return !last.is_empty() && last.chars().any(|c| c.is_alphanumeric());
    }
    if BARE_NAMES.contains(&last) {
        return true;
    }
    // An extension: a dot followed by 1..=12 letters or digits (".gitignore" counts).
    match last.rfind('.') {
        Some(i) => {
            let ext = &last[i + 1..];
            !ext.is_empty()
                && ext.len() <= 12
                && ext.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
                && last[..i].chars().all(|c| c.is_alphanumeric() || "._-+@~=[]()".contains(c))
                && ext.chars().any(|c| c.is_ascii_alphabetic())
        }
        None => false,
    }
}

/// The path a label line names: `**path**`, `### path`, `` `path` ``, `File: path`, `path:`,
/// `- path`, or a bare path alone on its line.
pub(crate) fn name_from_label(line: &str) -> Option<String> {
    let s = strip_label(line)?;
    looks_like_path(s).then(|| s.to_string())
}

/// The path the line just before an edit block names: as [`name_from_label`], and also a bare
/// file name with no extension (`benchsuite`), which that place leaves no doubt about.
pub(crate) fn name_before_block(line: &str) -> Option<String> {
    let s = strip_label(line)?;
    let bare = !s.is_empty()
        && s.len() <= 255
        && s.chars().all(|c| c.is_alphanumeric() || "._-+@".contains(c))
        && s.chars().any(|c| c.is_alphanumeric());
    (looks_like_path(s) || bare).then(|| s.to_string())
}

fn strip_label(line: &str) -> Option<&str> {
    let mut s = line.trim();
    if s.is_empty() || s.len() > 1100 {
        return None;
    }
    for _ in 0..6 {
        let before = s;
        s = s.trim_start_matches('#').trim();
        for p in ["- ", "* ", "+ "] {
            if let Some(r) = s.strip_prefix(p) {
                s = r.trim();
            }
        }
        for p in [
            "file path:",
            "filepath:",
            "filename:",
            "file name:",
            "file:",
            "path:",
            "in file",
            "updated file:",
            "new file:",
        ] {
            if s.get(..p.len()).is_some_and(|h| h.eq_ignore_ascii_case(p)) {
                s = s[p.len()..].trim();
            }
        }
        for w in ["**", "__", "`", "*", "\"", "'"] {
            if s.len() >= 2 * w.len() && s.starts_with(w) && s.ends_with(w) {
                s = s[w.len()..s.len() - w.len()].trim();
            }
        }
        if let Some(r) = s.strip_suffix(':') {
            s = r.trim();
        }
        for tail in ["(new file)", "(new)", "(updated)", "(modified)", "(changed)", "(full file)", "(complete file)"] {
            if s.len() > tail.len() && s.get(s.len() - tail.len()..).is_some_and(|t| t.eq_ignore_ascii_case(tail)) {
                s = s[..s.len() - tail.len()].trim();
            }
        }
        if s == before {
            break;
        }
    }
    Some(s)
}

/// The path a fence's info string names: `python title="src/x.py"`, `{file=src/x.py}`,
/// `rust:src/main.rs`, or a path as the whole info string (```` ```src/x.py ````).
pub(crate) fn name_from_info(info: &str) -> Option<String> {
    let braced = info.trim().starts_with('{');
    let info = info.trim().trim_start_matches('{').trim_end_matches('}');
    for key in ["title=", "file=", "filename=", "path=", "name="] {
        let mut from = 0;
        while let Some(i) = info[from..].find(key) {
            let at = from + i;
            from = at + key.len();
            if at > 0 && !info[..at].ends_with([' ', '{', ',']) {
                continue;
            }
            let v = &info[at + key.len()..];
            let v = if let Some(q) = v.strip_prefix('"') {
                q.split('"').next().unwrap_or("")
            } else if let Some(q) = v.strip_prefix('\'') {
                q.split('\'').next().unwrap_or("")
            } else {
                v.split([' ', ',', '}']).next().unwrap_or("")
            };
            if looks_like_path(v) {
                return Some(v.to_string());
            }
        }
    }
    let first = info.split_whitespace().next()?;
    if let Some((_, p)) = first.split_once(':') {
        if looks_like_path(p) {
            return Some(p.to_string());
        }
    }
    (!braced && looks_like_path(first) && (first.contains('/') || first.trim_start_matches('.').contains('.')))
        .then(|| first.to_string())
}

/// The path a first-line comment names (`# src/x.py`, `// src/x.py`, `<!-- x.html -->`).
pub(crate) fn name_from_comment(line: &str) -> Option<String> {
    let s = line.trim();
    if s.starts_with("#!") {
        return None;
    }
    let body = if let Some(r) = s.strip_prefix("<!--") {
        r.strip_suffix("-->")?
    } else if let Some(r) = s.strip_prefix("/*") {
        r.strip_suffix("*/")?
    } else {
        ["//", "#", "--", ";", "%"].iter().find_map(|p| s.strip_prefix(p))?
    };
    let body = body.trim();
    let body =
        ["file:", "File:", "filename:", "path:"].iter().find_map(|p| body.strip_prefix(p)).unwrap_or(body).trim();
    (looks_like_path(body) && (body.contains('/') || body.contains('.'))).then(|| body.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_name_paths() {
        for (l, want) in [
            ("**README.md**", Some("README.md")),
            ("### docs/user/install.rst", Some("docs/user/install.rst")),
            ("`snapcraft.yaml`", Some("snapcraft.yaml")),
            ("File: complete/_rg", Some("complete/_rg")),
            ("src/x.py:", Some("src/x.py")),
            ("**`src/main.rs`**", Some("src/main.rs")),
            ("### pkg/archlinux/PKGBUILD", Some("pkg/archlinux/PKGBUILD")),
            ("### Makefile", Some("Makefile")),
            ("### Summary", None),
            ("This one is new:", None),
            ("Update `src/literals.rs`:", None),
            ("See https://example.com/x.py", None),
            ("etc.", None),
        ] {
            assert_eq!(name_from_label(l).as_deref(), want, "{l}");
        }
        for (l, want) in [
            ("benchsuite", Some("benchsuite")),
            ("**Makefile**", Some("Makefile")),
            ("Here it is", None),
            ("```", None),
        ] {
            assert_eq!(name_before_block(l).as_deref(), want, "{l}");
        }
    }

    #[test]
    fn info_strings_and_comments_name_paths() {
        assert_eq!(name_from_info("python title=\"src/x.py\"").as_deref(), Some("src/x.py"));
        assert_eq!(name_from_info("src/x.py").as_deref(), Some("src/x.py"));
        assert_eq!(name_from_info("rust:src/main.rs").as_deref(), Some("src/main.rs"));
        assert_eq!(name_from_info("python").as_deref(), None);
        assert_eq!(name_from_info("{.sourceCode .python}").as_deref(), None);
        assert_eq!(name_from_comment("# src/x.py").as_deref(), Some("src/x.py"));
        assert_eq!(name_from_comment("// src/lib.rs").as_deref(), Some("src/lib.rs"));
        assert_eq!(name_from_comment("#!/usr/bin/env python").as_deref(), None);
        assert_eq!(name_from_comment("# just a comment").as_deref(), None);
    }

    #[test]
    fn fences_open_and_close_like_commonmark() {
        let f = fence_open("````markdown").unwrap();
        assert_eq!((f.ch, f.len, f.info), (b'`', 4, "markdown"));
        assert!(!fence_closes(&f, "```"));
        assert!(fence_closes(&f, "````"));
        assert!(fence_open("    ```").is_none());
        assert!(fence_open("``").is_none());
    }

    #[test]
    fn windows_line_ends_are_folded() {
        let l = split(b"a\r\nb\r\n", &Limits::default()).unwrap();
        assert_eq!(l.lines, vec!["a", "b"]);
        assert_eq!(l.notes.len(), 1);
        assert!(split(&[0xff, 0xfe, b'a'], &Limits::default()).is_err());
        let few = Limits { max_lines: 2, ..Limits::default() };
        assert!(split(b"a\nb\n", &few).is_ok());
        assert!(split(b"a\nb\nc", &few).err().is_some_and(|e| e.message.contains("more than 2 lines")));
        let small = Limits { max_bytes: 3, ..Limits::default() };
        assert!(split(b"abcd", &small).is_err());
    }
}
