//! Reading patch text: git diffs, mbox series, classic unified diffs and chat-damaged diffs.
//!
//! The reader borrows every line from the input buffer; the only allocations are one vector of
//! line slices for the input and one vector of lines per hunk.

use crate::binary;
use crate::model::*;
use crate::path::{PathError, RepoPath};
use patchdesk_error::{Code, Coded};

/// Limits for reading: each is a total for the whole input, checked while reading.
#[derive(Debug, Clone, Copy)]
pub struct ParseOptions {
    /// Largest input accepted, in bytes.
    pub max_bytes: usize,
    /// Most lines in the input (every line, hunk lines included).
    pub max_lines: usize,
    /// Most hunks over all files of the patch.
    pub max_hunks: usize,
    /// Most bytes the patch's binary data may unpack to, over all its binary files; the same
    /// total also bounds the bytes decoded from the patch's base85 text.
    pub max_binary_bytes: usize,
}

/// Default input limit: 256 MiB.
pub const DEFAULT_MAX_BYTES: usize = 256 << 20;
/// Default limit on input lines: 8 million.
pub const DEFAULT_MAX_LINES: usize = 8_000_000;
/// Default limit on hunks: 1 million.
pub const DEFAULT_MAX_HUNKS: usize = 1_000_000;
/// Default limit on unpacked binary data per patch: 256 MiB.
pub const DEFAULT_MAX_BINARY_BYTES: usize = 256 << 20;

impl Default for ParseOptions {
    fn default() -> Self {
        ParseOptions {
            max_bytes: DEFAULT_MAX_BYTES,
            max_lines: DEFAULT_MAX_LINES,
            max_hunks: DEFAULT_MAX_HUNKS,
            max_binary_bytes: DEFAULT_MAX_BINARY_BYTES,
        }
    }
}

/// Why a patch could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("the patch file is empty")]
    Empty,
    #[error("the patch is {size} bytes; the limit is {limit} bytes")]
    TooLarge { size: usize, limit: usize },
    #[error("this file is binary data, not a patch")]
    Binary,
    #[error("no file changes were found in this text; it does not look like a patch")]
    NotAPatch,
    #[error("line {line}: {source}")]
    Path { line: usize, source: PathError },
    #[error("line {line}: {reason}")]
    Malformed { line: usize, reason: String },
    #[error("The patch's binary files would unpack to more than {} MB; Patchdesk stops there. Ask the pod to send large files in a ZIP bundle.", limit >> 20)]
    BinaryTooLarge { limit: usize },
    #[error("The patch has more than {limit} lines; Patchdesk stops there. Ask the pod to split the change into smaller patches.")]
    TooManyLines { limit: usize },
    #[error("The patch has more than {limit} hunks (changed places); Patchdesk stops there. Ask the pod to split the change into smaller patches.")]
    TooManyHunks { limit: usize },
}

impl Coded for ParseError {
    fn code(&self) -> Code {
        match self {
            ParseError::Empty => Code::EmptyInput,
            ParseError::TooLarge { .. }
            | ParseError::BinaryTooLarge { .. }
            | ParseError::TooManyLines { .. }
            | ParseError::TooManyHunks { .. } => Code::InputTooLarge,
            ParseError::Path { .. } => Code::UnsafePath,
            _ => Code::PatchUnreadable,
        }
    }
}

/// Reads a patch with default limits.
pub fn parse(input: &[u8]) -> Result<Patch<'_>, ParseError> {
    parse_with(input, &ParseOptions::default())
}

/// Reads a patch. Never panics; every input either parses or gives a [`ParseError`].
pub fn parse_with<'a>(input: &'a [u8], opts: &ParseOptions) -> Result<Patch<'a>, ParseError> {
    if input.len() > opts.max_bytes {
        return Err(ParseError::TooLarge { size: input.len(), limit: opts.max_bytes });
    }
    if input.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(ParseError::Empty);
    }
    let lines = memchr::memchr_iter(b'\n', input).count() + usize::from(!input.ends_with(b"\n"));
    if lines > opts.max_lines {
        return Err(ParseError::TooManyLines { limit: opts.max_lines });
    }
    if input.len() >= SPLIT_FROM {
        if let Some(patch) = parse_halves(input, opts) {
            return Ok(patch);
        }
    }
    let mut p = Parser::new(input, opts);
    p.run()?;
    if p.patch.files.is_empty() {
        let sample = &input[..input.len().min(8192)];
        let odd = sample.iter().filter(|&&b| b == 0 || (b < 32 && !b"\t\r\n\x0c".contains(&b))).count();
        if odd > 0 && odd * 100 >= sample.len().max(1) {
            return Err(ParseError::Binary);
        }
        return Err(ParseError::NotAPatch);
    }
    Ok(p.patch)
}

/// From this size on, a plain `git diff` is read in two halves at once.
const SPLIT_FROM: usize = 8 << 20;

/// Reads a large, plain `git diff` as two halves on two threads, split where a file section
/// starts (a line `diff --git ` can only be a section header: hunk lines start with a space,
/// `+`, `-` or `\\`, and binary data has no spaces). The halves are used only when both read
/// as plain git diffs with nothing repaired, which is exactly when reading them together gives
/// the same sections in the same order; anything else (mails, damaged or CRLF patches) returns
/// `None` and is read in one piece.
fn parse_halves<'a>(input: &'a [u8], opts: &ParseOptions) -> Option<Patch<'a>> {
    const HEADER: &[u8] = b"\ndiff --git ";
    if !input.starts_with(&HEADER[1..]) || std::thread::available_parallelism().map_or(1, |n| n.get()) < 2 {
        return None;
    }
    let cut = memchr::memmem::find(&input[input.len() / 2..], HEADER)? + input.len() / 2 + 1;
    let (first, second) = input.split_at(cut);
    // Each half gets half the binary budget, so both together hold no more than one input may;
    // over it (or over the hunk total, checked below), the input is read again in one piece,
    // which gives the exact answer.
    let half = ParseOptions { max_binary_bytes: opts.max_binary_bytes / 2, ..*opts };
    let read = |part| {
        let mut p = Parser::new(part, &half);
        p.run().ok().map(|()| (p.patch, p.hunks))
    };
    let (a, b) = std::thread::scope(|s| {
        let other = s.spawn(|| read(second));
        (read(first), other.join().ok().flatten())
    });
    let ((mut a, hunks_a), (b, hunks_b)) = (a?, b?);
    if hunks_a + hunks_b > opts.max_hunks {
        return None;
    }
    let plain = |p: &Patch<'_>| {
        p.format == PatchFormat::GitDiff && p.commits.is_empty() && p.repairs.is_empty() && !p.files.is_empty()
    };
    if !plain(&a) || !plain(&b) {
        return None;
    }
    a.files.extend(b.files);
    Some(a)
}

fn split_lines(input: &[u8]) -> (Vec<&[u8]>, bool) {
    let mut lines = Vec::with_capacity(input.len() / 32 + 1);
    let mut start = 0;
    for nl in memchr::memchr_iter(b'\n', input) {
        lines.push(&input[start..nl]);
        start = nl + 1;
    }
    if start < input.len() {
        lines.push(&input[start..]);
    }
    // Whole-patch CRLF: every header line ends in CR (tools never write CR on header lines).
    let mut headers = 0usize;
    let mut headers_cr = 0usize;
    for l in &lines {
        if l.starts_with(b"diff ") || l.starts_with(b"--- ") || l.starts_with(b"+++ ") || l.starts_with(b"@@") {
            headers += 1;
            if l.ends_with(b"\r") {
                headers_cr += 1;
            }
        }
    }
    let crlf = headers > 0 && headers == headers_cr;
    if crlf {
        for l in lines.iter_mut() {
            if let Some(s) = l.strip_suffix(b"\r") {
                *l = s;
            }
        }
    }
    (lines, crlf)
}

fn trim_end(mut s: &[u8]) -> &[u8] {
    while let Some((&last, rest)) = s.split_last() {
        if last == b' ' || last == b'\t' || last == b'\r' {
            s = rest;
        } else {
            break;
        }
    }
    s
}

fn is_fence(l: &[u8]) -> bool {
    let t = trim_end(l);
    let t = t.iter().position(|&b| b != b' ').map_or(t, |p| &t[p..]);
    t.starts_with(b"```") || t.starts_with(b"~~~")
}

fn is_mbox_start(l: &[u8]) -> bool {
    l.len() >= 46 && l.starts_with(b"From ") && l[5..45].iter().all(u8::is_ascii_hexdigit) && l[45] == b' '
}

fn is_version_line(l: &[u8]) -> bool {
    let t = trim_end(l);
    !t.is_empty() && t[0].is_ascii_digit() && t.contains(&b'.')
}

fn parse_mode(s: &[u8]) -> Option<u32> {
    let t = trim_end(s);
    if t.is_empty() || t.len() > 7 || !t.iter().all(|b| (b'0'..=b'7').contains(b)) {
        return None;
    }
    u32::from_str_radix(std::str::from_utf8(t).ok()?, 8).ok()
}

/// C-style unquoting of a git quoted path (`"a/t\303\244st"`). Returns the name and the rest.
fn unquote(s: &[u8]) -> Option<(Vec<u8>, &[u8])> {
    let mut out = Vec::new();
    let mut i = 1;
    while i < s.len() {
        match s[i] {
            b'"' => return Some((out, &s[i + 1..])),
            b'\\' => {
                let c = *s.get(i + 1)?;
                i += 2;
                match c {
                    b'n' => out.push(b'\n'),
                    b't' => out.push(b'\t'),
                    b'r' => out.push(b'\r'),
                    b'a' => out.push(7),
                    b'b' => out.push(8),
                    b'f' => out.push(12),
                    b'v' => out.push(11),
                    b'0'..=b'3' => {
                        let d1 = *s.get(i)?;
                        let d2 = *s.get(i + 1)?;
                        if !(b'0'..=b'7').contains(&d1) || !(b'0'..=b'7').contains(&d2) {
                            return None;
                        }
                        out.push((c - b'0') * 64 + (d1 - b'0') * 8 + (d2 - b'0'));
                        i += 2;
                    }
                    other => out.push(other),
                }
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    None
}

/// A name from a `---`/`+++` line: `None` for `/dev/null` or the 1970 epoch timestamp.
#[derive(Debug)]
struct HeaderName {
    name: Vec<u8>,
    absent: bool,
}

fn header_name(rest: &[u8]) -> Option<HeaderName> {
    let (name, after): (Vec<u8>, &[u8]) = if rest.first() == Some(&b'"') {
        let (n, r) = unquote(rest)?;
        (n, r)
    } else if let Some(tab) = memchr::memchr(b'\t', rest) {
        (rest[..tab].to_vec(), &rest[tab..])
    } else {
        (trim_end(rest).to_vec(), &[][..])
    };
    let stamp = after.trim_ascii_start();
    let epoch = stamp.starts_with(b"1970-01-01 00:00:00") || stamp.starts_with(b"1969-12-31 ");
    let absent = name == b"/dev/null" || epoch;
    if name.is_empty() {
        return None;
    }
    Some(HeaderName { name, absent })
}

/// Splits the two names of a `diff --git` line.
fn git_header_names(rest: &[u8]) -> Option<(Vec<u8>, Vec<u8>)> {
    let rest = trim_end(rest);
    if rest.first() == Some(&b'"') {
        let (a, r) = unquote(rest)?;
        let r = r.trim_ascii_start();
        let b = if r.first() == Some(&b'"') { unquote(r)?.0 } else { r.to_vec() };
        return Some((a, b));
    }
    if let Some(q) = rest.windows(2).position(|w| w == b" \"") {
        let (b, _) = unquote(&rest[q + 1..])?;
        return Some((rest[..q].to_vec(), b));
    }
    // Same name on both sides is the common case: "a/X b/X" or (no prefix) "X X".
    if rest.len() % 2 == 1 {
        let mid = rest.len() / 2;
        if rest[mid] == b' ' {
            let (l, r) = (&rest[..mid], &rest[mid + 1..]);
            let ls = l.strip_prefix(b"a/").unwrap_or(l);
            let rs = r.strip_prefix(b"b/").unwrap_or(r);
            if ls == rs {
                return Some((l.to_vec(), r.to_vec()));
            }
        }
    }
    if let Some(k) = rest.windows(3).position(|w| w == b" b/") {
        return Some((rest[..k].to_vec(), rest[k + 1..].to_vec()));
    }
    let sp = memchr::memchr(b' ', rest)?;
    Some((rest[..sp].to_vec(), rest[sp + 1..].to_vec()))
}

fn decode_header_words(s: &str) -> String {
    // RFC 2047 encoded words (=?UTF-8?q?...?= / =?UTF-8?b?...?=), as git format-patch writes them.
    let mut out = String::new();
    let mut rest = s;
    let mut last_was_word = false;
    while let Some(start) = rest.find("=?") {
        let before = &rest[..start];
        if !(last_was_word && before.trim().is_empty()) {
            out.push_str(before);
        }
        let tail = &rest[start + 2..];
        let parts: Vec<&str> = tail.splitn(3, '?').collect();
        if parts.len() < 3 {
            out.push_str(&rest[start..]);
            return out;
        }
        let Some(end) = parts[2].find("?=") else {
            out.push_str(&rest[start..]);
            return out;
        };
        let text = &parts[2][..end];
        let bytes = match parts[1] {
            "q" | "Q" => {
                let mut v = Vec::new();
                let b = text.as_bytes();
                let mut i = 0;
                while i < b.len() {
                    match b[i] {
                        b'_' => v.push(b' '),
                        b'=' => {
                            let hex = b.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
                            match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                                Some(x) => {
                                    v.push(x);
                                    i += 2;
                                }
                                None => v.push(b'='),
                            }
                        }
                        c => v.push(c),
                    }
                    i += 1;
                }
                v
            }
            "b" | "B" => base64_decode(text.as_bytes()),
            _ => text.as_bytes().to_vec(),
        };
        out.push_str(&String::from_utf8_lossy(&bytes));
        let consumed = start + 2 + parts[0].len() + 1 + parts[1].len() + 1 + end + 2;
        rest = &rest[consumed.min(rest.len())..];
        last_was_word = true;
    }
    out.push_str(rest);
    out
}

fn base64_decode(s: &[u8]) -> Vec<u8> {
    let val = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let mut out = Vec::new();
    let mut acc = 0u32;
    let mut bits = 0;
    for &c in s {
        let Some(v) = val(c) else { continue };
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}

fn strip_patch_tag(subject: &str) -> String {
    let s = subject.trim();
    if s.starts_with('[') {
        if let Some(end) = s.find(']') {
            if s[1..end].to_ascii_uppercase().contains("PATCH") {
                return s[end + 1..].trim().to_string();
            }
        }
    }
    s.to_string()
}

struct Parser<'a> {
    lines: Vec<&'a [u8]>,
    i: usize,
    /// Hunks read so far, and the most allowed.
    hunks: usize,
    max_hunks: usize,
    /// What is left of the patch's budget for binary data.
    binary: binary::Budget,
    max_binary_bytes: usize,
    patch: Patch<'a>,
    commit: Option<usize>,
    saw_fence: bool,
    saw_prose: bool,
    missing_git_header: Vec<String>,
    missing_prefix: Vec<String>,
}

/// Outcome of parsing file names for a section.
struct Names {
    old: Option<Vec<u8>>,
    new: Option<Vec<u8>>,
    prefixed: bool,
}

impl<'a> Parser<'a> {
    fn new(input: &'a [u8], opts: &ParseOptions) -> Self {
        let (lines, crlf) = split_lines(input);
        let mut patch = Patch::default();
        if crlf {
            patch.repairs.push(Repair {
                kind: RepairKind::CrlfLineEnds,
                path: None,
                hunk: None,
                message: "the patch had Windows (CRLF) line ends; they were read as plain line ends".into(),
            });
        }
        Parser {
            lines,
            i: 0,
            hunks: 0,
            max_hunks: opts.max_hunks,
            binary: binary::Budget::new(opts.max_binary_bytes),
            max_binary_bytes: opts.max_binary_bytes,
            patch,
            commit: None,
            saw_fence: false,
            saw_prose: false,
            missing_git_header: Vec::new(),
            missing_prefix: Vec::new(),
        }
    }

    fn line(&self, i: usize) -> &'a [u8] {
        self.lines.get(i).copied().unwrap_or(b"")
    }

    fn at_file_header(&self, i: usize) -> bool {
        i + 1 < self.lines.len() && self.lines[i].starts_with(b"--- ") && self.lines[i + 1].starts_with(b"+++ ")
    }

    fn err(&self, line: usize, reason: impl Into<String>) -> ParseError {
        ParseError::Malformed { line: line + 1, reason: reason.into() }
    }

    fn run(&mut self) -> Result<(), ParseError> {
        let mut pending_diff_cmd = false;
        while self.i < self.lines.len() {
            let l = self.lines[self.i];
            if is_mbox_start(l) {
                self.read_mail_header();
                pending_diff_cmd = false;
            } else if l.starts_with(b"diff --git ") {
                self.read_git_section()?;
                pending_diff_cmd = false;
            } else if self.at_file_header(self.i) {
                self.read_plain_section(pending_diff_cmd)?;
                pending_diff_cmd = false;
            } else if l.starts_with(b"diff ") {
                pending_diff_cmd = true;
                self.i += 1;
            } else if is_fence(l) {
                self.saw_fence = true;
                self.i += 1;
            } else if l.starts_with(b"@@ ") || trim_end(l) == b"@@" {
                return Err(self.err(self.i, "a hunk (@@ line) appears without a file header before it"));
            } else {
                if !trim_end(l).is_empty() && !l.starts_with(b"Only in ") && self.commit.is_none() {
                    self.saw_prose = true;
                }
                self.i += 1;
            }
        }
        self.finish_repairs();
        Ok(())
    }

    fn finish_repairs(&mut self) {
        let mut extra = Vec::new();
        if self.saw_fence {
            extra.push(Repair {
                kind: RepairKind::Fence,
                path: None,
                hunk: None,
                message: "the patch was wrapped in a markdown code fence; the fence lines were dropped".into(),
            });
        }
        if self.saw_prose && !self.patch.files.is_empty() {
            extra.push(Repair {
                kind: RepairKind::SurroundingText,
                path: None,
                hunk: None,
                message: "text around the patch (not part of any change) was ignored".into(),
            });
        }
        let has_git = self.patch.files.iter().any(|f| f.git_header);
        if has_git || self.patch.format == PatchFormat::Mbox {
            for p in std::mem::take(&mut self.missing_git_header) {
                extra.push(Repair {
                    kind: RepairKind::MissingGitHeader,
                    message: format!("{p} had no \"diff --git\" header line; it was read from its ---/+++ lines"),
                    path: Some(p),
                    hunk: None,
                });
            }
        } else if !self.missing_git_header.is_empty() && self.patch.format == PatchFormat::GitDiff {
            // Plain unified diffs have no git headers by design; say so only when chat damage is likely.
            self.patch.format = PatchFormat::Unified;
        }
        for p in std::mem::take(&mut self.missing_prefix) {
            extra.push(Repair {
                kind: RepairKind::MissingPrefix,
                message: format!("the paths of {p} had no a/ and b/ prefixes; they were taken as written"),
                path: Some(p),
                hunk: None,
            });
        }
        // Keep the global repairs first, as people read them top-down.
        let file_repairs = std::mem::take(&mut self.patch.repairs);
        let (global, per_file): (Vec<_>, Vec<_>) = file_repairs.into_iter().partition(|r| r.path.is_none());
        self.patch.repairs = global;
        self.patch.repairs.extend(extra);
        self.patch.repairs.extend(per_file);
    }

    fn read_mail_header(&mut self) {
        self.patch.format = PatchFormat::Mbox;
        let mut meta = CommitMeta::default();
        self.i += 1;
        let mut last_key: Option<&'static str> = None;
        while self.i < self.lines.len() {
            let l = self.lines[self.i];
            if trim_end(l).is_empty() {
                self.i += 1;
                break;
            }
            let text = String::from_utf8_lossy(l);
            if (l[0] == b' ' || l[0] == b'\t') && last_key.is_some() {
                let cont = text.trim();
                match last_key {
                    Some("from") => {
                        meta.author.push(' ');
                        meta.author.push_str(cont);
                    }
                    Some("subject") => {
                        meta.subject.push(' ');
                        meta.subject.push_str(cont);
                    }
                    _ => {}
                }
            } else if let Some(v) = text.strip_prefix("From: ") {
                meta.author = v.trim().to_string();
                last_key = Some("from");
            } else if let Some(v) = text.strip_prefix("Date: ") {
                meta.date = v.trim().to_string();
                last_key = Some("date");
            } else if let Some(v) = text.strip_prefix("Subject: ") {
                meta.subject = v.trim().to_string();
                last_key = Some("subject");
            } else {
                last_key = Some("other");
            }
            self.i += 1;
        }
        meta.author = decode_header_words(&meta.author);
        meta.subject = strip_patch_tag(&decode_header_words(&meta.subject));
        let start = self.i;
        while self.i < self.lines.len() {
            let l = self.lines[self.i];
            if trim_end(l) == b"---" || l.starts_with(b"diff --git ") || self.at_file_header(self.i) || is_mbox_start(l)
            {
                break;
            }
            self.i += 1;
        }
        let mut body: Vec<&[u8]> = self.lines[start..self.i].to_vec();
        while body.last().is_some_and(|l| trim_end(l).is_empty()) {
            body.pop();
        }
        let mut message = String::new();
        for l in body {
            message.push_str(&String::from_utf8_lossy(l));
            message.push('\n');
        }
        meta.message = message;
        self.patch.commits.push(meta);
        self.commit = Some(self.patch.commits.len() - 1);
    }

    fn path(&self, line: usize, raw: &[u8]) -> Result<RepoPath, ParseError> {
        let s = std::str::from_utf8(raw).map_err(|_| ParseError::Path {
            line: line + 1,
            source: PathError::BadCharacter(String::from_utf8_lossy(raw).into_owned()),
        })?;
        RepoPath::parse(s).map_err(|source| ParseError::Path { line: line + 1, source })
    }

    fn read_git_section(&mut self) -> Result<(), ParseError> {
        let start = self.i;
        let header = self.lines[self.i];
        let (ga, gb) = git_header_names(&header[b"diff --git ".len()..])
            .ok_or_else(|| self.err(start, "the \"diff --git\" line has no file names"))?;
        let prefixed = ga.starts_with(b"a/") && gb.starts_with(b"b/");
        let mut change = ChangeKind::Modify;
        let (mut old_mode, mut new_mode) = (None, None);
        let (mut old_id, mut new_id) = (None, None);
        let (mut from, mut to): (Option<Vec<u8>>, Option<Vec<u8>>) = (None, None);
        self.i += 1;
        while self.i < self.lines.len() {
            let l = trim_end(self.lines[self.i]);
            if let Some(m) = l.strip_prefix(b"old mode ") {
                old_mode = parse_mode(m);
            } else if let Some(m) = l.strip_prefix(b"new mode ") {
                new_mode = parse_mode(m);
            } else if let Some(m) = l.strip_prefix(b"deleted file mode ") {
                change = ChangeKind::Delete;
                old_mode = parse_mode(m);
            } else if let Some(m) = l.strip_prefix(b"new file mode ") {
                change = ChangeKind::Add;
                new_mode = parse_mode(m);
            } else if l.starts_with(b"similarity index ") || l.starts_with(b"dissimilarity index ") {
            } else if let Some(p) = l.strip_prefix(b"rename from ").or_else(|| l.strip_prefix(b"rename old ")) {
                change = ChangeKind::Rename;
                from = Some(self.plain_or_quoted(p));
            } else if let Some(p) = l.strip_prefix(b"rename to ").or_else(|| l.strip_prefix(b"rename new ")) {
                change = ChangeKind::Rename;
                to = Some(self.plain_or_quoted(p));
            } else if let Some(p) = l.strip_prefix(b"copy from ") {
                change = ChangeKind::Copy;
                from = Some(self.plain_or_quoted(p));
            } else if let Some(p) = l.strip_prefix(b"copy to ") {
                change = ChangeKind::Copy;
                to = Some(self.plain_or_quoted(p));
            } else if let Some(ids) = l.strip_prefix(b"index ") {
                let mut parts = ids.splitn(2, |&b| b == b' ');
                let range = parts.next().unwrap_or(b"");
                if let Some(m) = parts.next() {
                    let m = parse_mode(m);
                    old_mode = old_mode.or(m);
                    new_mode = new_mode.or(m);
                }
                if let Some(dots) = range.windows(2).position(|w| w == b"..") {
                    let (a, b) = (&range[..dots], &range[dots + 2..]);
                    let hex = |x: &[u8]| {
                        (x.len() >= 4 && x.len() <= 64 && x.iter().all(u8::is_ascii_hexdigit))
                            .then(|| String::from_utf8_lossy(x).to_ascii_lowercase())
                    };
                    old_id = hex(a);
                    new_id = hex(b);
                }
            } else {
                break;
            }
            self.i += 1;
        }
        let mut names = Names {
            old: (change != ChangeKind::Add).then(|| ga.clone()),
            new: (change != ChangeKind::Delete).then(|| gb.clone()),
            prefixed,
        };
        let mut have_dashes = false;
        if self.at_file_header(self.i) {
            let dl = self.i;
            let o = header_name(&self.lines[dl][4..]).ok_or_else(|| self.err(dl, "the --- line has no file name"))?;
            let n = header_name(&self.lines[dl + 1][4..])
                .ok_or_else(|| self.err(dl + 1, "the +++ line has no file name"))?;
            names.old = (!o.absent).then_some(o.name);
            names.new = (!n.absent).then_some(n.name);
            self.i += 2;
            have_dashes = true;
        }
        let (mut old_path, mut new_path) = self.resolve_names(start, names, false)?;
        if let Some(f) = from {
            old_path = Some(self.path(start, &f)?);
        }
        if let Some(t) = to {
            new_path = Some(self.path(start, &t)?);
        }
        match change {
            ChangeKind::Add => old_path = None,
            ChangeKind::Delete => new_path = None,
            _ => {}
        }
        if have_dashes && change == ChangeKind::Modify {
            if old_path.is_none() {
                change = ChangeKind::Add;
            } else if new_path.is_none() {
                change = ChangeKind::Delete;
            }
        }
        if old_path.is_none() && new_path.is_none() {
            return Err(self.err(start, "a file section names no file"));
        }
        let mut file = FilePatch {
            change,
            old_path,
            new_path,
            old_mode,
            new_mode,
            old_id,
            new_id,
            hunks: Vec::new(),
            binary: None,
            commit: self.commit,
            git_header: true,
            positions_trusted: true,
        };
        if self.i < self.lines.len() {
            let l = trim_end(self.lines[self.i]);
            if l == b"GIT binary patch" {
                self.i += 1;
                file.binary = Some(BinaryPatch::Data(self.read_binary()?));
            } else if l.starts_with(b"Binary files ") && l.ends_with(b" differ") {
                self.i += 1;
                file.binary = Some(BinaryPatch::Missing);
            }
        }
        if file.binary.is_none() {
            self.read_hunks(&mut file)?;
        }
        self.patch.files.push(file);
        Ok(())
    }

    fn plain_or_quoted(&self, p: &[u8]) -> Vec<u8> {
        if p.first() == Some(&b'"') {
            if let Some((n, _)) = unquote(p) {
                return n;
            }
        }
        p.to_vec()
    }

    /// Strips `a/` `b/` prefixes (or another common first folder) and validates.
    fn resolve_names(
        &mut self,
        line: usize,
        names: Names,
        plain: bool,
    ) -> Result<(Option<RepoPath>, Option<RepoPath>), ParseError> {
        let strip1 = |n: &[u8]| -> Vec<u8> {
            match memchr::memchr(b'/', n) {
                Some(k) => n[k + 1..].to_vec(),
                None => n.to_vec(),
            }
        };
        let (old, new, stripped) = match (&names.old, &names.new) {
            (Some(o), Some(n)) => {
                if (o.starts_with(b"a/") && n.starts_with(b"b/")) || (names.prefixed && !plain) {
                    (Some(strip1(o)), Some(strip1(n)), true)
                } else {
                    let (fo, fnn) = (memchr::memchr(b'/', o), memchr::memchr(b'/', n));
                    match (fo, fnn) {
                        (Some(a), Some(b)) if plain && o[..a] != n[..b] && o[a..] == n[b..] => {
                            (Some(strip1(o)), Some(strip1(n)), true)
                        }
                        _ => (Some(o.clone()), Some(n.clone()), false),
                    }
                }
            }
            (None, Some(n)) => {
                if n.starts_with(b"b/") {
                    (None, Some(strip1(n)), true)
                } else {
                    (None, Some(n.clone()), false)
                }
            }
            (Some(o), None) => {
                if o.starts_with(b"a/") {
                    (Some(strip1(o)), None, true)
                } else {
                    (Some(o.clone()), None, false)
                }
            }
            (None, None) => (None, None, true),
        };
        let old = old.map(|o| self.path(line, &o)).transpose()?;
        let new = new.map(|n| self.path(line, &n)).transpose()?;
        if !stripped {
            let shown = new.as_ref().or(old.as_ref()).map(|p| p.to_string()).unwrap_or_default();
            self.missing_prefix.push(shown);
        }
        Ok((old, new))
    }

    fn read_plain_section(&mut self, after_diff_cmd: bool) -> Result<(), ParseError> {
        let start = self.i;
        let o = header_name(&self.lines[start][4..]).ok_or_else(|| self.err(start, "the --- line has no file name"))?;
        let n = header_name(&self.lines[start + 1][4..])
            .ok_or_else(|| self.err(start + 1, "the +++ line has no file name"))?;
        self.i += 2;
        let names = Names { old: (!o.absent).then_some(o.name), new: (!n.absent).then_some(n.name), prefixed: false };
        let (old_path, new_path) = self.resolve_names(start, names, true)?;
        let change = match (&old_path, &new_path) {
            (None, Some(_)) => ChangeKind::Add,
            (Some(_), None) => ChangeKind::Delete,
            (Some(a), Some(b)) if a != b => {
                return Err(self.err(
                    start,
                    format!("the --- and +++ lines name different files ({a} and {b}) without saying it is a rename"),
                ))
            }
            (Some(_), Some(_)) => ChangeKind::Modify,
            (None, None) => return Err(self.err(start, "a file section names no file")),
        };
        let mut file = FilePatch {
            change,
            old_path,
            new_path,
            old_mode: None,
            new_mode: None,
            old_id: None,
            new_id: None,
            hunks: Vec::new(),
            binary: None,
            commit: self.commit,
            git_header: false,
            positions_trusted: true,
        };
        if !after_diff_cmd || self.patch.format == PatchFormat::Mbox {
            self.missing_git_header.push(file.display_path().to_string());
        }
        self.read_hunks(&mut file)?;
        if file.hunks.is_empty() {
            return Err(self.err(start, format!("the section for {} has no changes (no @@ hunk)", file.display_path())));
        }
        if self.patch.files.iter().all(|f| !f.git_header) && self.patch.format == PatchFormat::GitDiff {
            self.patch.format = PatchFormat::Unified;
        }
        self.patch.files.push(file);
        Ok(())
    }

    fn read_binary(&mut self) -> Result<BinaryChunk, ParseError> {
        let start = self.i;
        let l = trim_end(self.line(self.i));
        let (is_delta, size) = if let Some(n) = l.strip_prefix(b"literal ") {
            (false, n)
        } else if let Some(n) = l.strip_prefix(b"delta ") {
            (true, n)
        } else {
            return Err(self.err(start, "a binary patch has no \"literal\" or \"delta\" line"));
        };
        let size: usize = std::str::from_utf8(size)
            .ok()
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| self.err(start, "a binary patch has an unreadable size"))?;
        self.i += 1;
        let mut compressed = Vec::new();
        let over = ParseError::BinaryTooLarge { limit: self.max_binary_bytes };
        while self.i < self.lines.len() {
            let l = trim_end(self.lines[self.i]);
            if l.is_empty() {
                break;
            }
            let before = compressed.len();
            binary::decode_line(l, &mut compressed)
                .ok_or_else(|| self.err(self.i, "a binary patch line is damaged"))?;
            let decoded = compressed.len() - before;
            if decoded > self.binary.decoded_left {
                return Err(over);
            }
            self.binary.decoded_left -= decoded;
            self.i += 1;
        }
        let data = binary::inflate(&compressed, size, &mut self.binary).map_err(|e| match e {
            binary::Unpack::OverBudget => over.clone(),
            binary::Unpack::Damaged => self.err(start, "a binary patch does not unpack"),
        })?;
        // Skip the reverse chunk (blank line, literal/delta, data lines, blank line).
        while self.i < self.lines.len() && trim_end(self.lines[self.i]).is_empty() {
            self.i += 1;
        }
        let l = self.line(self.i);
        if l.starts_with(b"literal ") || l.starts_with(b"delta ") {
            self.i += 1;
            while self.i < self.lines.len() && !trim_end(self.lines[self.i]).is_empty() {
                self.i += 1;
            }
        }
        Ok(if is_delta { BinaryChunk::Delta(data) } else { BinaryChunk::Literal(data) })
    }

    fn read_hunks(&mut self, file: &mut FilePatch<'a>) -> Result<(), ParseError> {
        let mut blank_ctx = 0usize;
        let mut trusted = true;
        loop {
            // Fences or blank lines between hunks of one file are tolerated.
            let mut j = self.i;
            while j < self.lines.len() && (trim_end(self.lines[j]).is_empty() || is_fence(self.lines[j])) {
                j += 1;
            }
            let l = self.line(j);
            if !(l.starts_with(b"@@ ") || trim_end(l) == b"@@") {
                break;
            }
            for k in self.i..j {
                if is_fence(self.lines[k]) {
                    self.saw_fence = true;
                }
            }
            self.i = j;
            self.hunks += 1;
            if self.hunks > self.max_hunks {
                return Err(ParseError::TooManyHunks { limit: self.max_hunks });
            }
            let n = file.hunks.len() as u32 + 1;
            let (hunk, blanks, hdr_ok) = self.read_hunk(file.display_path(), n)?;
            blank_ctx += blanks;
            trusted &= hdr_ok;
            file.hunks.push(hunk);
        }
        if blank_ctx > 0 {
            self.patch.repairs.push(Repair {
                kind: RepairKind::BlankContextLine,
                path: Some(file.display_path().to_string()),
                hunk: None,
                message: format!(
                    "{blank_ctx} blank context line{} in {} had lost {} leading space",
                    if blank_ctx == 1 { "" } else { "s" },
                    file.display_path(),
                    if blank_ctx == 1 { "its" } else { "their" }
                ),
            });
        }
        // Positions are trusted when headers were intact and agree with each other.
        let mut delta: i64 = 0;
        let mut prev_old_end: i64 = 0;
        for h in &file.hunks {
            let eff_old = i64::from(h.old_start) + i64::from(h.old_count == 0);
            let eff_new = i64::from(h.new_start) + i64::from(h.new_count == 0);
            if eff_new - eff_old != delta || eff_old < prev_old_end {
                trusted = false;
            }
            delta += i64::from(h.new_count) - i64::from(h.old_count);
            prev_old_end = eff_old + i64::from(h.old_count);
        }
        file.positions_trusted = trusted;
        Ok(())
    }

    /// Reads one hunk starting at an `@@` line. Returns the hunk, the number of blank context
    /// lines without their space, and whether the header was intact.
    fn read_hunk(&mut self, path: &str, number: u32) -> Result<(Hunk<'a>, usize, bool), ParseError> {
        let hl = self.i;
        let header = trim_end(self.lines[hl]);
        let parsed = parse_hunk_header(header);
        self.i += 1;
        let mut lines: Vec<Line<'a>> = Vec::new();
        let (mut old, mut new) = (0u32, 0u32);
        let mut trailing_blanks = 0usize;
        let mut blanks_total = 0usize;
        while self.i < self.lines.len() {
            let l = self.lines[self.i];
            match l.first() {
                None => {
                    lines.push(Line { kind: LineKind::Context, text: b"", no_newline: false });
                    trailing_blanks += 1;
                    blanks_total += 1;
                    old += 1;
                    new += 1;
                    self.i += 1;
                    continue;
                }
                Some(b' ') => {
                    lines.push(Line { kind: LineKind::Context, text: &l[1..], no_newline: false });
                    old += 1;
                    new += 1;
                }
                Some(b'+') => {
                    lines.push(Line { kind: LineKind::New, text: &l[1..], no_newline: false });
                    new += 1;
                }
                Some(b'-') => {
                    if self.at_file_header(self.i) {
                        break;
                    }
                    let t = trim_end(l);
                    if (t == b"--" || t == b"-- ")
                        && (self.i + 1 >= self.lines.len() || is_version_line(self.lines[self.i + 1]))
                    {
                        break; // mail signature "-- \n2.43.0"
                    }
                    lines.push(Line { kind: LineKind::Old, text: &l[1..], no_newline: false });
                    old += 1;
                }
                Some(b'\\') => {
                    if let Some(last) = lines.last_mut() {
                        last.no_newline = true;
                    }
                    trailing_blanks = 0;
                    self.i += 1;
                    continue;
                }
                Some(_) => break,
            }
            trailing_blanks = 0;
            self.i += 1;
        }
        // Trailing blank lines count as context only when the header's counts ask for them.
        let mut keep = 0usize;
        let mut hdr_ok = false;
        if let Some((os, oc, ns, nc)) = parsed {
            let base_old = old - trailing_blanks as u32;
            let base_new = new - trailing_blanks as u32;
            for k in 0..=trailing_blanks as u32 {
                if base_old + k == oc && base_new + k == nc {
                    keep = k as usize;
                    hdr_ok = true;
                    break;
                }
            }
            let _ = (os, ns);
        }
        let dropped = trailing_blanks - keep;
        lines.truncate(lines.len() - dropped);
        old -= dropped as u32;
        new -= dropped as u32;
        blanks_total -= dropped;
        if lines.iter().all(|l| l.kind == LineKind::Context) {
            return Err(self.err(hl, format!("hunk {number} of {path} changes nothing")));
        }
        let (old_start, new_start, bare) = match parsed {
            Some((os, oc, ns, nc)) => {
                if !hdr_ok {
                    self.patch.repairs.push(Repair {
                        kind: RepairKind::HunkCounts,
                        path: Some(path.to_string()),
                        hunk: Some(number),
                        message: format!(
                            "hunk {number} of {path} said it had {oc} old and {nc} new lines but has {old} and {new}; it was recounted"
                        ),
                    });
                }
                (os, ns, false)
            }
            None => {
                self.patch.repairs.push(Repair {
                    kind: RepairKind::BareHunkHeader,
                    path: Some(path.to_string()),
                    hunk: Some(number),
                    message: format!("hunk {number} of {path} had no line numbers; it was placed by its content"),
                });
                (0, 0, true)
            }
        };
        let section = match header.iter().skip(2).position(|&b| b == b'@').map(|p| p + 2) {
            Some(p) if header.get(p + 1) == Some(&b'@') => header[p + 2..].trim_ascii_start(),
            _ => b"",
        };
        Ok((
            Hunk {
                old_start,
                old_count: old,
                new_start,
                new_count: new,
                bare_header: bare,
                section: if bare { b"" } else { section },
                lines,
            },
            blanks_total,
            hdr_ok,
        ))
    }
}

fn parse_num(s: &[u8]) -> Option<u32> {
    if s.is_empty() || s.len() > 9 || !s.iter().all(u8::is_ascii_digit) {
        return None;
    }
    s.iter().try_fold(0u32, |acc, &d| acc.checked_mul(10)?.checked_add(u32::from(d - b'0')))
}

fn parse_range(s: &[u8]) -> Option<(u32, u32)> {
    match memchr::memchr(b',', s) {
        Some(c) => Some((parse_num(&s[..c])?, parse_num(&s[c + 1..])?)),
        None => Some((parse_num(s)?, 1)),
    }
}

/// `@@ -a,b +c,d @@` → (a, b, c, d); `None` for a bare or unreadable header.
fn parse_hunk_header(h: &[u8]) -> Option<(u32, u32, u32, u32)> {
    let rest = h.strip_prefix(b"@@ -")?;
    let sp = memchr::memchr(b' ', rest)?;
    let (old, rest) = (&rest[..sp], &rest[sp + 1..]);
    let rest = rest.strip_prefix(b"+")?;
    let sp = memchr::memchr(b' ', rest).unwrap_or(rest.len());
    let new = &rest[..sp];
    let tail = rest[sp..].trim_ascii_start();
    if !tail.starts_with(b"@@") {
        return None;
    }
    let (a, b) = parse_range(old)?;
    let (c, d) = parse_range(new)?;
    Some((a, b, c, d))
}

#[cfg(test)]
mod halves_tests {
    use super::*;
    use std::path::{Path, PathBuf};

    fn corpus_patches() -> Vec<PathBuf> {
        let root = std::env::var_os("PATCHDESK_CORPUS")
            .map(PathBuf::from)
            .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus"));
        let mut out = Vec::new();
        let mut stack = vec![root.join("real/patches"), root.join("chat/patches")];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
                if e.path().is_dir() {
                    stack.push(e.path());
                } else {
                    out.push(e.path());
                }
            }
        }
        out
    }

    /// Reading in halves gives exactly what reading in one piece gives, on every corpus patch
    /// (the size threshold is bypassed here), and declines everything that is not a plain,
    /// undamaged git diff.
    #[test]
    fn halves_match_one_piece_on_the_corpus() {
        let patches = corpus_patches();
        if patches.is_empty() && std::env::var_os("PATCHDESK_CORPUS_OPTIONAL").is_some() {
            return;
        }
        assert!(patches.len() >= 600, "corpus not found ({} files)", patches.len());
        let (mut split, mut declined) = (0, 0);
        for path in &patches {
            let input = std::fs::read(path).unwrap();
            match parse_halves(&input, &ParseOptions::default()) {
                Some(halves) => {
                    let mut p = Parser::new(&input, &ParseOptions::default());
                    p.run().unwrap();
                    assert_eq!(format!("{halves:?}"), format!("{:?}", p.patch), "{}", path.display());
                    split += 1;
                }
                None => declined += 1,
            }
        }
        assert!(split >= 20 && declined >= 20, "split {split}, declined {declined}");
    }
}
