//! A small format-preserving editor for block-style YAML.
//!
//! It works on the text, line by line: a mapping is the run of lines at one indentation, a
//! key's value is the key line's rest plus every deeper line after it (and, for lists written
//! flush with their key, the `- ` lines at the key's own indentation). An edit replaces only
//! the lines of the value it changes, or inserts new lines after the last line of the mapping
//! or list it extends. Everything else is kept byte for byte, line endings included.
//!
//! Each edit is verified: the result is parsed again and must equal the old document with
//! exactly that one change. Anything the editor cannot handle (flow-style mappings, anchors
//! and aliases at the edited place, several documents, tabs...) ends in
//! [`YamlError::NotEditable`] and the caller keeps the original text.

use crate::scalar::{is_plain_date, render_styled, Quote};
use crate::{key_text, parse_value, render_scalar, Mapping, Scalar, Value, YamlError};

/// A value to write: a scalar, a list of scalars, or a mapping of such.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    Scalar(Scalar),
    /// Written as `[a, b]`, or as `- ` lines when it replaces a list already written that way.
    List(Vec<Scalar>),
    /// Written as indented `key: value` lines, in this order.
    Map(Vec<(String, Node)>),
}

impl Node {
    /// Shorthand for a text scalar.
    pub fn str(s: impl Into<String>) -> Node {
        Node::Scalar(Scalar::Str(s.into()))
    }

    /// Shorthand for a list of texts.
    pub fn strs<S: AsRef<str>>(items: &[S]) -> Node {
        Node::List(items.iter().map(|s| Scalar::Str(s.as_ref().to_string())).collect())
    }

    fn to_value(&self) -> Value {
        match self {
            Node::Scalar(s) => s.to_value(),
            Node::List(items) => Value::Sequence(items.iter().map(Scalar::to_value).collect()),
            Node::Map(pairs) => {
                let mut m = Mapping::new();
                for (k, v) in pairs {
                    m.insert(Value::String(k.clone()), v.to_value());
                }
                Value::Mapping(m)
            }
        }
    }
}

/// One change, for [`Edit::apply_all`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edit {
    /// [`set_value`]: set `path` (the last key is added when missing).
    Set(Vec<String>, Node),
    /// [`append_item`]: append to the list at `path`.
    Append(Vec<String>, Node),
}

impl Edit {
    /// Applies the edits in order; the first one that cannot be made stops everything and the
    /// error is returned (the caller still has the untouched original).
    pub fn apply_all(text: &str, edits: &[Edit]) -> Result<String, YamlError> {
        let mut out = text.to_string();
        for e in edits {
            out = match e {
                Edit::Set(path, node) => set_value(&out, path, node)?,
                Edit::Append(path, node) => append_item(&out, path, node)?,
            };
        }
        Ok(out)
    }
}

/// The 1-based line of the key at `path` (`["tasks", "F2.1"]`), if the editor can find it.
pub fn locate<P: AsRef<str>>(text: &str, path: &[P]) -> Option<usize> {
    let (last, parents) = path.split_last()?;
    let doc = Doc::parse(text);
    let map = resolve(&doc, parents).ok()?;
    map.entries.iter().find(|e| e.key == last.as_ref()).map(|e| e.line + 1)
}

/// Every key of the mapping at `path` with its 1-based line, in file order (one pass; empty
/// when the editor cannot find that mapping).
pub fn locate_keys<P: AsRef<str>>(text: &str, path: &[P]) -> Vec<(String, usize)> {
    let doc = Doc::parse(text);
    match resolve(&doc, path) {
        Ok(map) => map.entries.into_iter().map(|e| (e.key, e.line + 1)).collect(),
        Err(_) => Vec::new(),
    }
}

/// Sets the value at `path` (mapping keys from the top). A missing last key is added at the
/// end of its mapping, with that mapping's indentation; missing parents are an error.
pub fn set_value<P: AsRef<str>>(text: &str, path: &[P], node: &Node) -> Result<String, YamlError> {
    let path: Vec<String> = path.iter().map(|p| p.as_ref().to_string()).collect();
    let Some((key, parents)) = path.split_last() else {
        return Err(YamlError::not_editable(None, "no key was given to change"));
    };
    let before = parse_value(text)?;
    let mut doc = Doc::parse(text);
    let step = doc.indent_step();
    let map = resolve(&doc, parents)?;
    match map.entries.iter().find(|e| &e.key == key) {
        Some(entry) => replace_value(&mut doc, entry, node, step)?,
        None => {
            let indent = map.child_indent(step);
            let lines = render_entry(indent, key, node, step);
            doc.insert_lines(map.insert_at(&doc), lines);
        }
    }
    let after = doc.render();
    let mut expected = before;
    set_in_value(&mut expected, &path, node.to_value());
    verify(&after, &expected, &path)?;
    Ok(after)
}

/// Sets a list of scalars at `path`: kept as `- ` lines when it is already written that way,
/// otherwise written as `[a, b]`.
pub fn set_list<P: AsRef<str>>(text: &str, path: &[P], items: &[Scalar]) -> Result<String, YamlError> {
    set_value(text, path, &Node::List(items.to_vec()))
}

/// Appends `item` to the block list at `path` (empty path: the document itself is the list).
/// A missing list is created (under a missing last key, at the end of its mapping); an empty
/// `[]` or empty value becomes a block list. New items copy the indentation of existing ones.
pub fn append_item<P: AsRef<str>>(text: &str, path: &[P], item: &Node) -> Result<String, YamlError> {
    let path: Vec<String> = path.iter().map(|p| p.as_ref().to_string()).collect();
    let before = parse_value(text)?;
    let mut doc = Doc::parse(text);
    let step = doc.indent_step();
    match path.split_last() {
        None => append_to_top(&mut doc, item, step)?,
        Some((key, parents)) => {
            let map = resolve(&doc, parents)?;
            match map.entries.iter().find(|e| &e.key == key) {
                Some(entry) => append_to_entry(&mut doc, entry, item, step)?,
                None => {
                    let indent = map.child_indent(step);
                    let mut lines =
                        vec![format!("{}{}:", pad(indent), render_scalar(&Scalar::str(key.clone()), false))];
                    lines.extend(render_item(indent + doc.seq_offset(step), 1, item, step));
                    doc.insert_lines(map.insert_at(&doc), lines);
                }
            }
        }
    }
    let after = doc.render();
    let mut expected = before;
    append_in_value(&mut expected, &path, item.to_value());
    verify(&after, &expected, &path)?;
    Ok(after)
}

fn verify(after: &str, expected: &Value, path: &[String]) -> Result<(), YamlError> {
    let where_ = if path.is_empty() { "the list".to_string() } else { format!("`{}`", path.join(" > ")) };
    match parse_value(after) {
        Ok(v) if &v == expected => Ok(()),
        _ => Err(YamlError::not_editable(
            None,
            format!("changing {where_} could not be done without touching other parts of the file (its layout is unusual); nothing was changed"),
        )),
    }
}

// ---------------------------------------------------------------- text model

struct Line {
    text: String,
    eol: String,
}

struct Doc {
    lines: Vec<Line>,
    eol: String,
    bom: bool,
}

impl Doc {
    fn parse(text: &str) -> Doc {
        let (bom, text) = match text.strip_prefix('\u{feff}') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let mut lines = Vec::new();
        let mut rest = text;
        while !rest.is_empty() {
            let (line, next) = match rest.find('\n') {
                Some(i) => (&rest[..i + 1], &rest[i + 1..]),
                None => (rest, ""),
            };
            let (body, eol) = if let Some(b) = line.strip_suffix("\r\n") {
                (b, "\r\n")
            } else if let Some(b) = line.strip_suffix('\n') {
                (b, "\n")
            } else {
                (line, "")
            };
            lines.push(Line { text: body.to_string(), eol: eol.to_string() });
            rest = next;
        }
        let eol = lines.iter().map(|l| l.eol.as_str()).find(|e| !e.is_empty()).unwrap_or("\n").to_string();
        Doc { lines, eol, bom }
    }

    fn render(&self) -> String {
        let mut out = String::new();
        if self.bom {
            out.push('\u{feff}');
        }
        for l in &self.lines {
            out.push_str(&l.text);
            out.push_str(&l.eol);
        }
        out
    }

    /// Indentation of a content line; `None` for blank lines, comments and document markers.
    fn indent(&self, i: usize) -> Result<Option<usize>, YamlError> {
        let text = &self.lines[i].text;
        let trimmed = text.trim_start_matches(' ');
        let n = text.len() - trimmed.len();
        if trimmed.trim().is_empty() || trimmed.starts_with('#') {
            return Ok(None);
        }
        if n == 0 && (trimmed == "---" || trimmed.starts_with("--- #") || trimmed == "..." || trimmed.starts_with('%'))
        {
            return Ok(None);
        }
        if trimmed.starts_with('\t') {
            return Err(YamlError::not_editable(
                Some(i + 1),
                "this line is indented with a tab; Patchdesk only edits files indented with spaces",
            ));
        }
        Ok(Some(n))
    }

    /// The indentation step the file uses (smallest indentation of any line), 2 by default.
    fn indent_step(&self) -> usize {
        (0..self.lines.len()).filter_map(|i| self.indent(i).ok().flatten()).filter(|&n| n > 0).min().unwrap_or(2)
    }

    /// How far `- ` lines sit to the right of their key in this file: 0 when lists are written
    /// flush with their key (`key:` / `- a`), else `step`.
    fn seq_offset(&self, step: usize) -> usize {
        for i in 0..self.lines.len() {
            let Ok(Some(n)) = self.indent(i) else { continue };
            let t = &self.lines[i].text[n..];
            if is_dash(t) || !t.trim_end().ends_with(':') {
                continue;
            }
            for j in i + 1..self.lines.len() {
                match self.indent(j) {
                    Ok(Some(m)) => {
                        if is_dash(&self.lines[j].text[m..]) && m >= n {
                            return m - n;
                        }
                        break;
                    }
                    Ok(None) => continue,
                    Err(_) => break,
                }
            }
        }
        step
    }

    /// Inserts `lines` before line index `at`, with the file's line ending.
    fn insert_lines(&mut self, at: usize, lines: Vec<String>) {
        if lines.is_empty() {
            return;
        }
        let mut new: Vec<Line> = lines.into_iter().map(|text| Line { text, eol: self.eol.clone() }).collect();
        if at > 0 && at == self.lines.len() && self.lines[at - 1].eol.is_empty() {
            // The file did not end with a newline: keep it that way.
            self.lines[at - 1].eol = self.eol.clone();
            if let Some(last) = new.last_mut() {
                last.eol.clear();
            }
        }
        self.lines.splice(at..at, new);
    }

    /// Replaces lines `from..to` with `lines`.
    fn replace_lines(&mut self, from: usize, to: usize, lines: Vec<String>) {
        let last_eol = if to > from && to == self.lines.len() { Some(self.lines[to - 1].eol.clone()) } else { None };
        let mut new: Vec<Line> = lines.into_iter().map(|text| Line { text, eol: self.eol.clone() }).collect();
        if let (Some(eol), Some(last)) = (last_eol, new.last_mut()) {
            last.eol = eol;
        }
        self.lines.splice(from..to, new);
    }

    fn first_content(&self, from: usize, to: usize) -> Result<Option<(usize, usize)>, YamlError> {
        for i in from..to {
            if let Some(n) = self.indent(i)? {
                return Ok(Some((i, n)));
            }
        }
        Ok(None)
    }

    fn is_dash_line(&self, i: usize, n: usize) -> bool {
        is_dash(&self.lines[i].text[n..])
    }
}

fn is_dash(t: &str) -> bool {
    t == "-" || t.starts_with("- ") || t.starts_with("-\t")
}

fn pad(n: usize) -> String {
    " ".repeat(n)
}

// ---------------------------------------------------------------- mappings

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Nothing after the colon (the value, if any, is on the following lines).
    Empty,
    Plain,
    Single,
    Double,
    FlowSeq,
    FlowMap,
    /// `|` or `>`: the value is on the following lines.
    BlockScalar,
    /// Anchor, alias or tag.
    Special,
    /// A quote or bracket that continues on the next lines.
    Open,
}

#[derive(Debug, Clone)]
struct Entry {
    key: String,
    /// Line index of the key.
    line: usize,
    indent: usize,
    kind: Kind,
    /// Byte range of the value on the key line (for `Empty`: the spot right after the colon).
    start: usize,
    end: usize,
    /// Last content line belonging to this entry (the key line itself when the value is inline).
    last: usize,
}

struct MapRef {
    entries: Vec<Entry>,
    /// Indentation of the keys; `None` when the mapping has no keys yet.
    indent: Option<usize>,
    /// The key line owning this mapping (`None` for the top level).
    owner: Option<Entry>,
}

impl MapRef {
    fn child_indent(&self, step: usize) -> usize {
        match (self.indent, &self.owner) {
            (Some(n), _) => n,
            (None, Some(owner)) => owner.indent + step,
            (None, None) => 0,
        }
    }

    /// Where new keys go: after the last content line of the mapping.
    fn insert_at(&self, doc: &Doc) -> usize {
        match (self.entries.iter().map(|e| e.last).max(), &self.owner) {
            (Some(last), _) => last + 1,
            (None, Some(owner)) => owner.line + 1,
            // Empty document: after any comments it holds.
            (None, None) => doc.lines.len(),
        }
    }
}

/// Finds the mapping reached by `keys` from the top of the document.
fn resolve<P: AsRef<str>>(doc: &Doc, keys: &[P]) -> Result<MapRef, YamlError> {
    let mut map = scan_mapping(doc, 0, doc.lines.len(), None)?;
    let mut trail: Vec<&str> = Vec::new();
    for key in keys {
        let key = key.as_ref();
        trail.push(key);
        let name = trail.join(" > ");
        let Some(entry) = map.entries.iter().find(|e| e.key == key).cloned() else {
            let line = map.owner.as_ref().map(|o| o.line + 1);
            return Err(YamlError::not_editable(line, format!("there is no `{name}` entry to change")));
        };
        let at = Some(entry.line + 1);
        match entry.kind {
            Kind::Empty => {}
            Kind::FlowMap => {
                return Err(YamlError::not_editable(
                    at,
                    format!("`{name}` is written in the compact {{...}} form, which Patchdesk does not edit"),
                ))
            }
            Kind::Special => {
                return Err(YamlError::not_editable(
                    at,
                    format!("`{name}` uses an anchor, alias or tag, which Patchdesk does not edit"),
                ))
            }
            _ => {
                return Err(YamlError::not_editable(
                    at,
                    format!("`{name}` holds a single value, not `key: value` fields"),
                ))
            }
        }
        if let Some((i, n)) = doc.first_content(entry.line + 1, entry.last + 1)? {
            if doc.is_dash_line(i, n) {
                return Err(YamlError::not_editable(
                    Some(i + 1),
                    format!("`{name}` holds a list, not `key: value` fields"),
                ));
            }
        }
        let mut child = scan_mapping(doc, entry.line + 1, entry.last + 1, Some(entry.indent))?;
        child.owner = Some(entry);
        map = child;
    }
    Ok(map)
}

/// Reads the entries of the mapping in lines `[from, to)`.
fn scan_mapping(doc: &Doc, from: usize, to: usize, parent: Option<usize>) -> Result<MapRef, YamlError> {
    let mut indent: Option<usize> = None;
    let mut entries: Vec<Entry> = Vec::new();
    let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
    for i in from..to {
        let Some(n) = doc.indent(i)? else {
            // Inside a block scalar (`|`, `>`), deeper `#` lines are text, not comments.
            if let (Some(m), Some(e)) = (indent, entries.last_mut()) {
                let t = &doc.lines[i].text;
                let deeper = t.len() - t.trim_start_matches(' ').len() > m;
                if e.kind == Kind::BlockScalar && deeper && !t.trim().is_empty() {
                    e.last = i;
                }
            }
            continue;
        };
        let text = &doc.lines[i].text;
        let m = *indent.get_or_insert(n);
        if parent.is_some_and(|p| n <= p) || n < m {
            return Err(YamlError::not_editable(Some(i + 1), "this line is indented less than the lines above it"));
        }
        if n > m {
            match entries.last_mut() {
                Some(e) => e.last = i,
                None => {
                    return Err(YamlError::not_editable(
                        Some(i + 1),
                        "this line is indented more than the lines above it",
                    ))
                }
            }
            continue;
        }
        if is_dash(&text[n..]) {
            match entries.last_mut() {
                Some(e) if e.kind == Kind::Empty => {
                    e.last = i;
                    continue;
                }
                _ => {
                    return Err(YamlError::not_editable(Some(i + 1), "a list item appears where a `key:` was expected"))
                }
            }
        }
        let entry = parse_entry(text, n, i).map_err(|why| YamlError::not_editable(Some(i + 1), why))?;
        if !seen.insert(entry.key.clone()) {
            return Err(YamlError::not_editable(Some(i + 1), format!("the key `{}` appears twice", entry.key)));
        }
        entries.push(entry);
    }
    Ok(MapRef { entries, indent, owner: None })
}

/// Parses `key: value  # comment` starting at byte `n` of `text`.
fn parse_entry(text: &str, n: usize, line: usize) -> Result<Entry, String> {
    let rest = &text[n..];
    let bytes = rest.as_bytes();
    let (key, after_key) = match bytes[0] {
        b'"' => {
            let end = closing_double(rest, 0).ok_or("a quoted key is not closed")?;
            (unescape_double(&rest[1..end - 1]), end)
        }
        b'\'' => {
            let end = closing_single(rest, 0).ok_or("a quoted key is not closed")?;
            (rest[1..end - 1].replace("''", "'"), end)
        }
        b'?' | b'[' | b'{' | b'&' | b'*' | b'!' | b'|' | b'>' | b'%' | b'@' | b'`' => {
            return Err(
                "this line uses a YAML form Patchdesk does not edit (complex key, flow collection, anchor or tag)"
                    .into(),
            )
        }
        _ => {
            let colon = plain_key_colon(rest).ok_or("this line has no `key:` part")?;
            (rest[..colon].trim_end().to_string(), colon)
        }
    };
    // After the key: optional spaces, then the colon.
    let after = &rest[after_key..];
    let spaces = after.len() - after.trim_start_matches(' ').len();
    let after_colon = &after[spaces..];
    if !after_colon.starts_with(':') || !(after_colon.len() == 1 || after_colon[1..].starts_with([' ', '\t'])) {
        return Err("this line has no `key:` part".into());
    }
    let colon_end = n + after_key + spaces + 1;
    let (kind, start, end) = inline_value(text, colon_end);
    Ok(Entry { key, line, indent: n, kind, start, end, last: line })
}

/// Position of the `:` ending a plain key (followed by a space or the end of the line).
fn plain_key_colon(rest: &str) -> Option<usize> {
    let b = rest.as_bytes();
    for i in 0..b.len() {
        if b[i] == b'#' && i > 0 && b[i - 1] == b' ' {
            return None;
        }
        if b[i] == b':' && (i + 1 == b.len() || b[i + 1] == b' ' || b[i + 1] == b'\t') {
            return Some(i);
        }
    }
    None
}

/// Kind and byte range of the value after the colon at `from`.
fn inline_value(text: &str, from: usize) -> (Kind, usize, usize) {
    let rest = &text[from..];
    let j = from + (rest.len() - rest.trim_start_matches([' ', '\t']).len());
    if j >= text.len() || text[j..].starts_with('#') {
        return (Kind::Empty, from, from);
    }
    let v = &text[j..];
    let (kind, len) = match v.as_bytes()[0] {
        b'"' => match closing_double(v, 0) {
            Some(e) => (Kind::Double, e),
            None => (Kind::Open, v.len()),
        },
        b'\'' => match closing_single(v, 0) {
            Some(e) => (Kind::Single, e),
            None => (Kind::Open, v.len()),
        },
        b'[' | b'{' => match closing_flow(v) {
            Some(e) => (if v.starts_with('[') { Kind::FlowSeq } else { Kind::FlowMap }, e),
            None => (Kind::Open, v.len()),
        },
        b'|' | b'>' => (Kind::BlockScalar, plain_end(v)),
        b'&' | b'*' | b'!' => (Kind::Special, plain_end(v)),
        _ => (Kind::Plain, plain_end(v)),
    };
    (kind, j, j + len)
}

/// End of a plain value: before ` #` or the end of the line, without trailing spaces.
fn plain_end(v: &str) -> usize {
    let b = v.as_bytes();
    let mut end = b.len();
    for i in 1..b.len() {
        if b[i] == b'#' && (b[i - 1] == b' ' || b[i - 1] == b'\t') {
            end = i;
            break;
        }
    }
    v[..end].trim_end().len()
}

fn closing_double(s: &str, open: usize) -> Option<usize> {
    let b = s.as_bytes();
    let mut i = open + 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

fn closing_single(s: &str, open: usize) -> Option<usize> {
    let b = s.as_bytes();
    let mut i = open + 1;
    while i < b.len() {
        if b[i] == b'\'' {
            if b.get(i + 1) == Some(&b'\'') {
                i += 2;
                continue;
            }
            return Some(i + 1);
        }
        i += 1;
    }
    None
}

fn closing_flow(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'[' | b'{' => depth += 1,
            b']' | b'}' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            b'"' => i = closing_double(s, i)? - 1,
            b'\'' => i = closing_single(s, i)? - 1,
            b'#' if i > 0 && b[i - 1] == b' ' => return None,
            _ => {}
        }
        i += 1;
    }
    None
}

fn unescape_double(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('0') => out.push('\0'),
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

// ---------------------------------------------------------------- writing values

/// `key: value` lines at `indent` (nested mappings one `step` deeper).
fn render_entry(indent: usize, key: &str, node: &Node, step: usize) -> Vec<String> {
    let k = render_scalar(&Scalar::str(key), false);
    match node {
        Node::Scalar(s) => vec![format!("{}{k}: {}", pad(indent), render_scalar(s, false))],
        Node::List(items) => vec![format!("{}{k}: {}", pad(indent), flow_list(items))],
        Node::Map(pairs) if pairs.is_empty() => vec![format!("{}{k}: {{}}", pad(indent))],
        Node::Map(pairs) => {
            let mut lines = vec![format!("{}{k}:", pad(indent))];
            for (ck, cv) in pairs {
                lines.extend(render_entry(indent + step, ck, cv, step));
            }
            lines
        }
    }
}

fn flow_list(items: &[Scalar]) -> String {
    let parts: Vec<String> = items.iter().map(|s| render_scalar(s, true)).collect();
    format!("[{}]", parts.join(", "))
}

/// A list item: `- ` at `dash` indentation, content `gap` spaces after the dash.
fn render_item(dash: usize, gap: usize, item: &Node, step: usize) -> Vec<String> {
    let head = format!("{}-{}", pad(dash), pad(gap));
    match item {
        Node::Scalar(s) => vec![format!("{head}{}", render_scalar(s, false))],
        Node::List(items) => vec![format!("{head}{}", flow_list(items))],
        Node::Map(pairs) if pairs.is_empty() => vec![format!("{head}{{}}")],
        Node::Map(pairs) => {
            let content = dash + 1 + gap;
            let mut lines = Vec::new();
            for (k, v) in pairs {
                lines.extend(render_entry(content, k, v, step));
            }
            lines[0] = format!("{head}{}", &lines[0][content..]);
            lines
        }
    }
}

/// Replaces the value of an existing entry.
fn replace_value(doc: &mut Doc, e: &Entry, node: &Node, step: usize) -> Result<(), YamlError> {
    if e.kind == Kind::Special {
        return Err(YamlError::not_editable(
            Some(e.line + 1),
            format!("`{}` uses an anchor, alias or tag, which Patchdesk does not edit", e.key),
        ));
    }
    let children = (e.line + 1, e.last + 1);
    let line_text = doc.lines[e.line].text.clone();
    let old = &line_text[e.start..e.end];
    match node {
        Node::Scalar(s) => {
            let quote = match e.kind {
                Kind::Single => Quote::Single,
                Kind::Double => Quote::Double,
                _ => Quote::Plain,
            };
            let plain_dates = e.kind == Kind::Plain && is_plain_date(old);
            let rendered = render_styled(s, false, quote, plain_dates);
            set_inline(doc, e, &rendered);
            doc.replace_lines(children.0, children.1, Vec::new());
        }
        Node::List(items) => {
            let block = match doc.first_content(children.0, children.1)? {
                Some((i, n)) if e.kind == Kind::Empty && doc.is_dash_line(i, n) => {
                    Some((n, dash_gap(&doc.lines[i].text[n..])))
                }
                _ => None,
            };
            match block {
                Some((dash, gap)) if !items.is_empty() => {
                    let lines =
                        items.iter().flat_map(|s| render_item(dash, gap, &Node::Scalar(s.clone()), step)).collect();
                    doc.replace_lines(children.0, children.1, lines);
                }
                _ => {
                    set_inline(doc, e, &flow_list(items));
                    doc.replace_lines(children.0, children.1, Vec::new());
                }
            }
        }
        Node::Map(pairs) if pairs.is_empty() => {
            set_inline(doc, e, "{}");
            doc.replace_lines(children.0, children.1, Vec::new());
        }
        Node::Map(pairs) => {
            clear_inline(doc, e);
            let lines = pairs.iter().flat_map(|(k, v)| render_entry(e.indent + step, k, v, step)).collect();
            doc.replace_lines(children.0, children.1, lines);
        }
    }
    Ok(())
}

/// Puts `rendered` where the entry's inline value is (or right after the colon), keeping any
/// comment after it.
fn set_inline(doc: &mut Doc, e: &Entry, rendered: &str) {
    let t = &doc.lines[e.line].text;
    let new = if e.kind == Kind::Empty {
        format!("{} {rendered}{}", &t[..e.start], &t[e.start..])
    } else {
        format!("{}{rendered}{}", &t[..e.start], &t[e.end..])
    };
    doc.lines[e.line].text = new;
}

/// Removes the inline value (and the space before it), keeping any comment.
fn clear_inline(doc: &mut Doc, e: &Entry) {
    if e.kind == Kind::Empty {
        return;
    }
    let t = &doc.lines[e.line].text;
    let head = t[..e.start].trim_end();
    let tail = &t[e.end..];
    doc.lines[e.line].text = format!("{head}{tail}");
}

fn dash_gap(t: &str) -> usize {
    let after = &t[1..];
    let gap = after.len() - after.trim_start_matches(' ').len();
    gap.max(1)
}

fn append_to_top(doc: &mut Doc, item: &Node, step: usize) -> Result<(), YamlError> {
    match doc.first_content(0, doc.lines.len())? {
        None => {
            let lines = render_item(0, 1, item, step);
            let at = doc.lines.len();
            doc.insert_lines(at, lines);
            Ok(())
        }
        Some((i, n)) if doc.is_dash_line(i, n) => {
            let mut last = i;
            for j in i..doc.lines.len() {
                let Some(m) = doc.indent(j)? else { continue };
                if m < n || (m == n && !doc.is_dash_line(j, m)) {
                    return Err(YamlError::not_editable(Some(j + 1), "the list is followed by other content"));
                }
                last = j;
            }
            let gap = dash_gap(&doc.lines[i].text[n..]);
            doc.insert_lines(last + 1, render_item(n, gap, item, step));
            Ok(())
        }
        Some((i, _)) => Err(YamlError::not_editable(Some(i + 1), "the file holds `key: value` fields, not a list")),
    }
}

fn append_to_entry(doc: &mut Doc, e: &Entry, item: &Node, step: usize) -> Result<(), YamlError> {
    let line_text = doc.lines[e.line].text.clone();
    let old = line_text[e.start..e.end].trim();
    let at = Some(e.line + 1);
    let empty_inline = match e.kind {
        Kind::Empty => true,
        Kind::FlowSeq => old.trim_start_matches('[').trim_end_matches(']').trim().is_empty(),
        Kind::Plain => matches!(old, "~" | "null" | "Null" | "NULL"),
        _ => false,
    };
    if !empty_inline {
        let why = match e.kind {
            Kind::FlowSeq => format!(
                "`{}` is written in the compact [...] form; Patchdesk only adds to lists written with `- ` lines",
                e.key
            ),
            _ => format!("`{}` is not a list", e.key),
        };
        return Err(YamlError::not_editable(at, why));
    }
    match doc.first_content(e.line + 1, e.last + 1)? {
        Some((i, n)) if doc.is_dash_line(i, n) => {
            let gap = dash_gap(&doc.lines[i].text[n..]);
            doc.insert_lines(e.last + 1, render_item(n, gap, item, step));
        }
        Some((i, _)) => {
            return Err(YamlError::not_editable(
                Some(i + 1),
                format!("`{}` holds `key: value` fields, not a list", e.key),
            ))
        }
        None => {
            clear_inline(doc, e);
            let dash = e.indent + doc.seq_offset(step);
            doc.insert_lines(e.line + 1, render_item(dash, 1, item, step));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------- the expected result

fn find_mut<'v>(map: &'v mut Mapping, key: &str) -> Option<&'v mut Value> {
    map.iter_mut().find(|(k, _)| key_text(k).as_deref() == Some(key)).map(|(_, v)| v)
}

fn descend<'v>(mut v: &'v mut Value, keys: &[String]) -> Option<&'v mut Value> {
    for k in keys {
        let Value::Mapping(m) = v else { return None };
        v = find_mut(m, k)?;
    }
    Some(v)
}

fn set_in_value(root: &mut Value, path: &[String], new: Value) {
    let Some((key, parents)) = path.split_last() else { return };
    if parents.is_empty() && root.is_null() {
        *root = Value::Mapping(Mapping::new());
    }
    let Some(Value::Mapping(m)) = descend(root, parents) else { return };
    match find_mut(m, key) {
        Some(slot) => *slot = new,
        None => {
            m.insert(Value::String(key.clone()), new);
        }
    }
}

fn append_in_value(root: &mut Value, path: &[String], item: Value) {
    if path.is_empty() && root.is_null() {
        *root = Value::Sequence(Vec::new());
    }
    if let Some((key, parents)) = path.split_last() {
        if parents.is_empty() && root.is_null() {
            *root = Value::Mapping(Mapping::new());
        }
        if let Some(Value::Mapping(m)) = descend(root, parents) {
            if find_mut(m, key).is_none() {
                m.insert(Value::String(key.clone()), Value::Sequence(Vec::new()));
            }
        }
    }
    if let Some(slot) = descend(root, path) {
        if slot.is_null() {
            *slot = Value::Sequence(Vec::new());
        }
        if let Value::Sequence(items) = slot {
            items.push(item);
        }
    }
}
