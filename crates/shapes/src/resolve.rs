//! Placing a read answer on a base: every file's new content worked out, or a refusal in
//! plain words. Nothing is guessed: a block that fits in more than one place is refused unless
//! the answer itself (`@@` scope lines, `:start_line:`) singles one out; elided code is refused;
//! a path the project does not have is matched only to a single file with the same tail.

use crate::answer::{Answer, Chunk, FileChange, Limits, Op, Role, Shape};
use crate::locate::{trim, Budget, Image, OutOfWork, Rung, CAP};
use patchdesk_patch::RepoPath;
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};

/// A file of the base, as the answer's changes need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseFile {
    /// Its bytes.
    pub content: Vec<u8>,
    /// Whether it is executable.
    pub executable: bool,
}

/// The base an answer is placed on (a git tree, or files in memory for tests).
pub trait Base {
    /// The regular file at `path`: `Ok(None)` when there is none; `Err` (a plain sentence)
    /// when something else is there (a folder, a link, a submodule).
    fn read(&self, path: &str) -> Result<Option<BaseFile>, String>;
    /// Every file path in the base (for matching a path by its tail).
    fn paths(&self) -> Vec<String>;
}

/// The kind of a repair made while reading or placing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RepairKind {
    /// Prose, fences or line ends around the changes were set aside.
    Reading,
    /// Lines matched only on a looser rung of the ladder.
    Loose(#[serde(skip)] Rung),
    /// A path was matched to the one project file with the same tail.
    PathTail,
    /// A change was already in the base and was skipped.
    AlreadyInMain,
}

/// One repair, with a sentence for the review screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Repair {
    /// What kind.
    pub kind: RepairKind,
    /// The file concerned.
    pub path: Option<String>,
    /// The sentence.
    pub message: String,
}

/// Why (part of) an answer cannot be applied: one plain sentence naming the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Refusal {
    /// The file concerned.
    pub path: Option<String>,
    /// The sentence, with what to do next.
    pub message: String,
}

/// What happens to a file in the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// A new file.
    Add,
    /// New content for an existing file.
    Modify,
    /// The file is removed.
    Delete,
    /// The file is moved (maybe with new content).
    Rename,
}

/// One file's before and after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedFile {
    /// What happens.
    pub change: Change,
    /// Path before (not for additions).
    pub old_path: Option<RepoPath>,
    /// Path after (not for deletions).
    pub new_path: Option<RepoPath>,
    /// Content before (empty for additions).
    pub old: Vec<u8>,
    /// Content after (empty for deletions).
    pub new: Vec<u8>,
}

/// An answer placed on a base: the files it changes, and what was repaired.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// The answer's shape.
    pub shape: Shape,
    /// Changed files, in the answer's order.
    pub files: Vec<PlannedFile>,
    /// Repairs, in plain words.
    pub repairs: Vec<Repair>,
}

#[derive(Debug, Clone)]
struct Slot {
    content: Option<Vec<u8>>,
    moved_from: Option<String>,
}

struct Work<'b> {
    base: &'b dyn Base,
    state: BTreeMap<String, Slot>,
    order: Vec<String>,
    all_paths: Option<Vec<String>>,
    repairs: Vec<Repair>,
    refusals: Vec<Refusal>,
    budget: Budget,
    loose: BTreeMap<(String, Rung), usize>,
    out_of_work: bool,
    /// Lines (trimmed) of files this answer removes: moved code is real code.
    gone: HashSet<Vec<u8>>,
}

/// Lines of a file: text without `\n`, and whether the last line ended with one.
fn lines_of(content: &[u8]) -> (Vec<&[u8]>, bool) {
    if content.is_empty() {
        return (Vec::new(), true);
    }
    let mut v: Vec<&[u8]> = content.split(|&b| b == b'\n').collect();
    let final_nl = content.ends_with(b"\n");
    if final_nl {
        v.pop();
    }
    (v, final_nl)
}

fn join(lines: &[Vec<u8>], final_nl: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(lines.iter().map(|l| l.len() + 1).sum());
    for (i, l) in lines.iter().enumerate() {
        out.extend_from_slice(l);
        if i + 1 < lines.len() || final_nl {
            out.push(b'\n');
        }
    }
    out
}

fn is_crlf(lines: &[&[u8]]) -> bool {
    !lines.is_empty() && lines.iter().all(|l| l.ends_with(b"\r"))
}

/// How a comment that says code was left out begins (`# rest of the file unchanged`).
const ELIDED: &[&str] = &[
    "rest of",
    "existing code",
    "existing imports",
    "existing methods",
    "existing functions",
    "existing tests",
    "remaining code",
    "previous code",
    "other code",
    "unchanged",
    "same as before",
    "omitted",
    "code omitted",
    "keep existing",
    "your existing",
    "the rest",
    "everything else",
];

/// Words that say the same only next to `...` (`# ... unchanged ...`).
const ELIDED_WITH_DOTS: &[&str] =
    &["unchanged", "omitted", "as before", "other code", "no changes", "existing", "same", "rest", "more"];

/// What kind of stand-in a line is: bare dots (`...`, `// ...`) or words (`# existing code`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Elided {
    Dots,
    Words,
}

fn elided(line: &str) -> Option<Elided> {
    let t = line.trim();
    if t.is_empty() || t.len() > 120 {
        return None;
    }
    let only_dots = |s: &str| {
        let s = s.trim();
        !s.is_empty()
            && s.chars().all(|c| c == '.' || c == '\u{2026}' || c == ' ')
            && (s.contains("...") || s.contains('\u{2026}'))
    };
    if only_dots(t) {
        return Some(Elided::Dots);
    }
    let body = if let Some(r) = t.strip_prefix("<!--") {
        r.trim_end_matches("-->")
    } else if let Some(r) = t.strip_prefix("{/*") {
        r.trim_end_matches('}').trim_end().trim_end_matches("*/")
    } else if let Some(r) = t.strip_prefix("/*") {
        r.trim_end_matches("*/")
    } else {
        ["//", "#", "--", ";", "%"].iter().find_map(|p| t.strip_prefix(p))?
    };
    let body = body.trim_start_matches(['/', '!', '#', '*', '-']).trim();
    if only_dots(body) {
        return Some(Elided::Dots);
    }
    let lower = body.to_lowercase();
    if lower.len() > 80 {
        return None;
    }
    let dotted = lower.starts_with("...")
        || lower.ends_with("...")
        || lower.starts_with('\u{2026}')
        || lower.ends_with('\u{2026}');
    let plain = lower.trim_matches(|c: char| {
        c == '.' || c == '\u{2026}' || c == ' ' || c == '(' || c == ')' || c == '[' || c == ']'
    });
    let begins = plain.len() <= 50 && ELIDED.iter().any(|p| plain.starts_with(p));
    let with_dots = dotted
        && ELIDED_WITH_DOTS.iter().any(|p| {
            plain.split(|c: char| !c.is_alphanumeric()).any(|w| w == *p) || (p.contains(' ') && plain.contains(p))
        });
    (begins || with_dots).then_some(Elided::Words)
}

/// Whether a line stands in for code the pod left out (`...`, `// rest of the file unchanged`,
/// `# existing code`).
pub fn is_elision(line: &str) -> bool {
    elided(line).is_some()
}

impl<'b> Work<'b> {
    fn refuse(&mut self, path: &str, message: String) {
        self.refusals.push(Refusal { path: Some(path.to_string()), message });
    }

    fn touch(&mut self, path: &str) {
        if !self.order.iter().any(|p| p == path) {
            self.order.push(path.to_string());
        }
    }

    fn current(&mut self, path: &str) -> Result<Option<Vec<u8>>, String> {
        if let Some(s) = self.state.get(path) {
            return Ok(s.content.clone());
        }
        Ok(self.base.read(path)?.map(|f| f.content))
    }

    fn set(&mut self, path: &str, content: Option<Vec<u8>>, moved_from: Option<String>) {
        self.touch(path);
        self.state.insert(path.to_string(), Slot { content, moved_from });
    }

    fn tail_candidates(&mut self, path: &str) -> Vec<String> {
        if self.all_paths.is_none() {
            self.all_paths = Some(self.base.paths());
        }
        let tail = format!("/{path}");
        let mut c: Vec<String> = self
            .all_paths
            .as_deref()
            .unwrap_or(&[])
            .iter()
            .filter(|p| p.ends_with(&tail))
            .filter(|p| self.state.get(p.as_str()).is_none_or(|s| s.content.is_some()))
            .cloned()
            .collect();
        c.sort();
        c
    }

    fn parse_path(&mut self, raw: &str) -> Option<String> {
        match RepoPath::parse(raw) {
            Ok(p) => Some(p.as_str().to_string()),
            Err(e) => {
                self.refuse(raw, format!("The answer names a file Patchdesk will not write: {e}. Ask the pod for paths inside the project."));
                None
            }
        }
    }

    /// An existing file for a change: as written, else the one file with the same tail.
    fn existing(&mut self, raw: &str) -> Option<(String, Vec<u8>)> {
        let path = self.parse_path(raw)?;
        match self.current(&path) {
            Ok(Some(c)) => return Some((path, c)),
            Ok(None) => {}
            Err(msg) => {
                self.refuse(&path, msg);
                return None;
            }
        }
        let cands = self.tail_candidates(&path);
        match cands.as_slice() {
            [one] => {
                let one = one.clone();
                match self.current(&one) {
                    Ok(Some(c)) => {
                        self.repairs.push(Repair {
                            kind: RepairKind::PathTail,
                            path: Some(one.clone()),
                            message: format!("The pod wrote {path}; the project's only file with that name is {one}, so the change was applied there."),
                        });
                        Some((one, c))
                    }
                    Ok(None) => None,
                    Err(msg) => {
                        self.refuse(&one, msg);
                        None
                    }
                }
            }
            [] => {
                self.refuse(&path, format!("{path} is not in the project, so the pod's change to it cannot be applied; ask the pod which file it meant."));
                None
            }
            many => {
                let shown: Vec<&str> = many.iter().take(5).map(String::as_str).collect();
                self.refuse(
                    &path,
                    format!(
                        "The pod wrote {path}, which is not in the project, and {} files end that way ({}); ask the pod for the full path.",
                        many.len(),
                        shown.join(" and ")
                    ),
                );
                None
            }
        }
    }

    fn note_loose(&mut self, path: &str, rung: Rung, lines: usize) {
        if rung != Rung::Exact {
            *self.loose.entry((path.to_string(), rung)).or_default() += lines;
        }
    }

    /// Refuses `path` when its new lines stand in for code left out. Lines the old content (or a
    /// file this answer removes) already has are real code. In a new file only words count
    /// (`...` alone is also Python's Ellipsis and a doctest's continuation).
    fn elision_in(&mut self, path: &str, new_lines: &[&str], old: Option<&[u8]>) -> bool {
        let marks: Vec<&str> = new_lines
            .iter()
            .copied()
            .filter(|l| match elided(l) {
                Some(Elided::Words) => true,
                Some(Elided::Dots) => old.is_some(),
                None => false,
            })
            .collect();
        if marks.is_empty() {
            return false;
        }
        let (old_lines, _) = lines_of(old.unwrap_or(b""));
        let mut known: HashSet<&[u8]> = old_lines.iter().map(|l| trim(l)).collect();
        known.extend(self.gone.iter().map(Vec::as_slice));
        if let Some(m) = marks.iter().find(|m| !known.contains(trim(m.as_bytes()))) {
            let shown: String = m.trim().chars().take(60).collect();
            self.refuse(path, format!("{path}: the pod left part of the file out (`{shown}` stands where code should be); ask it for the whole file."));
            return true;
        }
        false
    }

    fn spent(&mut self, e: OutOfWork) {
        let _ = e;
        self.out_of_work = true;
    }
}

/// How the pod's lines are indented compared with the file's (when indentation was ignored).
enum Shift {
    None,
    Add(Vec<u8>),
    Remove(Vec<u8>),
}

fn indent(s: &[u8]) -> &[u8] {
    let n = s.iter().take_while(|&&b| b == b' ' || b == b'\t').count();
    &s[..n]
}

fn shift_of(file: &[&[u8]], pod: &[&[u8]]) -> Option<Shift> {
    let pairs: Vec<(&[u8], &[u8])> = file
        .iter()
        .zip(pod)
        .filter(|(f, p)| !trim(f).is_empty() && !trim(p).is_empty())
        .map(|(f, p)| (indent(f), indent(p)))
        .collect();
    if pairs.iter().all(|(f, p)| f == p) {
        return Some(Shift::None);
    }
    let (f0, p0) = pairs[0];
    if f0.len() > p0.len() && f0.ends_with(p0) {
        let add = &f0[..f0.len() - p0.len()];
        if pairs.iter().all(|(f, p)| f.len() == p.len() + add.len() && f.starts_with(add) && &f[add.len()..] == *p) {
            return Some(Shift::Add(add.to_vec()));
        }
    }
    if p0.len() > f0.len() && p0.ends_with(f0) {
        let rm = &p0[..p0.len() - f0.len()];
        if pairs.iter().all(|(f, p)| p.len() == f.len() + rm.len() && p.starts_with(rm) && &p[rm.len()..] == *f) {
            return Some(Shift::Remove(rm.to_vec()));
        }
    }
    None
}

/// The lines that replace `matched` (the file's lines where the chunk's old lines were found).
fn replacement(
    body: &[(Role, String)],
    matched: &[&[u8]],
    rung: Rung,
    crlf: bool,
) -> Result<Vec<Vec<u8>>, &'static str> {
    let pod_old: Vec<&[u8]> = body.iter().filter(|(r, _)| *r != Role::New).map(|(_, t)| t.as_bytes()).collect();
    let shift = if rung >= Rung::Indentation {
        shift_of(matched, &pod_old).ok_or("its lines are indented unlike the file's, and not by one steady amount")?
    } else {
        Shift::None
    };
    let mut out = Vec::with_capacity(body.len());
    let mut k = 0;
    for (role, text) in body {
        match role {
            Role::Context => {
                out.push(matched[k].to_vec());
                k += 1;
            }
            Role::Old => k += 1,
            Role::New => {
                let t = text.as_bytes();
                let mut line = match &shift {
                    Shift::None => t.to_vec(),
                    Shift::Add(p) if !trim(t).is_empty() => [p.as_slice(), t].concat(),
                    Shift::Remove(p) if !trim(t).is_empty() => match t.strip_prefix(p.as_slice()) {
                        Some(r) => r.to_vec(),
                        None => {
                            return Err("its new lines are indented unlike the file's, and not by one steady amount")
                        }
                    },
                    _ => t.to_vec(),
                };
                if crlf && !line.ends_with(b"\r") {
                    line.push(b'\r');
                }
                out.push(line);
            }
        }
    }
    Ok(out)
}

fn first_line(chunk: &Chunk) -> String {
    let l = chunk.old_lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let s: String = l.trim().chars().take(60).collect();
    s
}

/// The chunk's lines without blank context lines at its end (chat answers often add one).
fn without_trailing_blank(body: &[(Role, String)]) -> Option<Vec<(Role, String)>> {
    let n = body.iter().rev().take_while(|(r, t)| *r == Role::Context && t.trim().is_empty()).count();
    (n > 0 && n < body.len()).then(|| body[..body.len() - n].to_vec())
}

/// A chunk with the lines used to find it, the rung, its possible places and its length.
type Located<'c> = (&'c Chunk, Vec<(Role, String)>, Rung, Vec<usize>, usize);

/// Where a chunk's old lines can be in a file.
enum Found {
    /// On `rung`, at these places (sorted), with the chunk's lines as used (`body`).
    At { body: Vec<(Role, String)>, rung: Rung, places: Vec<usize>, len: usize },
    /// Not there, but its new lines are: main already has the change.
    Already,
    /// Not there (refused).
    Missing,
}

impl Work<'_> {
    /// Every place a chunk's old lines fit in `img` (after its `@@` scope lines, when given),
    /// on the strictest rung that fits; a blank context line at its end may be dropped.
    fn candidates(&mut self, path: &str, img: &mut Image<'_>, chunk: &Chunk, what: &str) -> Result<Found, OutOfWork> {
        let n = chunk.number;
        let mut bodies = vec![chunk.lines.clone()];
        bodies.extend(without_trailing_blank(&chunk.lines));
        let after = if chunk.scopes.is_empty() { None } else { img.scope_end(&chunk.scopes, &mut self.budget)? };
        for body in bodies {
            let old: Vec<&[u8]> = body.iter().filter(|(r, _)| *r != Role::New).map(|(_, t)| t.as_bytes()).collect();
            let Some((rung, mut places)) = img.ladder(&old, 0, chunk.end_of_file, &mut self.budget)? else { continue };
            let len = old.len();
            // A hunk comes after its scope lines, whichever way they are read.
            if let Some(end) = after {
                if places.len() < CAP {
                    places.retain(|&p| p > end);
                }
            }
            if places.is_empty() {
                continue;
            }
            return Ok(Found::At { body, rung, places, len });
        }
        let new: Vec<&[u8]> = chunk.new_lines().map(str::as_bytes).collect();
        if !new.is_empty()
            && chunk.lines.iter().any(|(r, _)| *r != Role::Context)
            && img.ladder(&new, 0, false, &mut self.budget)?.is_some()
        {
            self.repairs.push(Repair {
                kind: RepairKind::AlreadyInMain,
                path: Some(path.to_string()),
                message: format!("{what} {n} of {path} is already in main; it was skipped."),
            });
            return Ok(Found::Already);
        }
        self.refuse(
            path,
            format!(
                "{what} {n} of {path} does not fit: the lines it changes (starting `{}`) are not in main. Ask the pod for a change made against the current version.",
                first_line(chunk)
            ),
        );
        Ok(Found::Missing)
    }

    fn ambiguous(&mut self, path: &str, what: &str, chunk: &Chunk, count: usize, hint: &str) {
        let many = if count >= CAP { format!("more than {}", CAP - 1) } else { count.to_string() };
        self.refuse(
            path,
            format!(
                "{what} {} of {path} (starting `{}`) fits {many} places in the file and nothing in the answer says which one is meant; Patchdesk does not guess. Ask the pod to repeat it with {hint}.",
                chunk.number,
                first_line(chunk)
            ),
        );
    }

    /// The replacement for a chunk found at `pos`, or a refusal.
    fn replace_at(
        &mut self,
        path: &str,
        img: &Image<'_>,
        chunk: &Chunk,
        what: &str,
        found: (&[(Role, String)], Rung, usize, usize),
        crlf: bool,
    ) -> Option<Vec<Vec<u8>>> {
        let (body, rung, pos, len) = found;
        match replacement(body, &img.lines[pos..pos + len], rung, crlf) {
            Ok(lines) => {
                self.note_loose(path, rung, len);
                Some(lines)
            }
            Err(why) => {
                self.refuse(
                    path,
                    format!(
                        "{what} {} of {path} was found, but {why}; ask the pod for the change again.",
                        chunk.number
                    ),
                );
                None
            }
        }
    }
}

/// For chunks that must follow each other in the file (each at or after the end of the one
/// before), the places each can take in some complete placement of all of them.
fn feasible(places: &[Vec<usize>], lens: &[usize]) -> Vec<Vec<usize>> {
    let k = places.len();
    let mut reach: Vec<Vec<bool>> = places.iter().map(|p| vec![false; p.len()]).collect();
    let mut can: Vec<Vec<bool>> = places.iter().map(|p| vec![false; p.len()]).collect();
    for i in 0..k {
        for (ci, &c) in places[i].iter().enumerate() {
            reach[i][ci] = i == 0 || places[i - 1].iter().zip(&reach[i - 1]).any(|(&p, &r)| r && p + lens[i - 1] <= c);
        }
    }
    for i in (0..k).rev() {
        for (ci, &c) in places[i].iter().enumerate() {
            can[i][ci] = i + 1 == k || places[i + 1].iter().zip(&can[i + 1]).any(|(&p, &r)| r && c + lens[i] <= p);
        }
    }
    (0..k)
        .map(|i| places[i].iter().enumerate().filter(|(ci, _)| reach[i][*ci] && can[i][*ci]).map(|(_, &c)| c).collect())
        .collect()
}

impl Work<'_> {
    fn add(&mut self, raw: &str, lines: &[String]) {
        let Some(path) = self.parse_path(raw) else { return };
        let content = join(&lines.iter().map(|l| l.as_bytes().to_vec()).collect::<Vec<_>>(), true);
        let content = if lines.is_empty() { Vec::new() } else { content };
        let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
        if self.elision_in(&path, &refs, None) {
            return;
        }
        match self.current(&path) {
            Ok(None) => self.set(&path, Some(content), None),
            Ok(Some(c)) if c == content => self.repairs.push(Repair {
                kind: RepairKind::AlreadyInMain,
                path: Some(path.clone()),
                message: format!("{path} is already in main with this content; it was skipped."),
            }),
            Ok(Some(_)) => self.refuse(&path, format!("The pod adds {path} as a new file, but main already has a different {path}; ask the pod for a change to the existing file instead.")),
            Err(msg) => self.refuse(&path, msg),
        }
    }

    fn delete(&mut self, raw: &str) {
        let Some(path) = self.parse_path(raw) else { return };
        match self.current(&path) {
            Ok(Some(c)) => {
                let (ls, _) = lines_of(&c);
                self.gone.extend(ls.iter().map(|l| trim(l).to_vec()));
                self.set(&path, None, None)
            }
            Ok(None) => {
                if self.tail_candidates(&path).is_empty() {
                    self.repairs.push(Repair {
                        kind: RepairKind::AlreadyInMain,
                        path: Some(path.clone()),
                        message: format!("{path} is already gone from main; nothing to delete."),
                    });
                } else {
                    let _ = self.existing(raw).map(|(p, _)| self.set(&p, None, None));
                }
            }
            Err(msg) => self.refuse(&path, msg),
        }
    }

    fn update(&mut self, raw: &str, move_to: Option<&str>, chunks: &[Chunk]) -> Result<(), OutOfWork> {
        let Some((path, content)) = self.existing(raw) else { return Ok(()) };
        let news: Vec<&str> = chunks
            .iter()
            .flat_map(|c| c.lines.iter().filter(|(r, _)| *r == Role::New).map(|(_, t)| t.as_str()))
            .collect();
        if self.elision_in(&path, &news, Some(&content)) {
            return Ok(());
        }
        let (lines, _) = lines_of(&content);
        let crlf = is_crlf(&lines);
        let mut img = Image::new(lines);
        // Where each chunk can go; then the one placement of them all in the answer's order.
        let mut found: Vec<Located<'_>> = Vec::new();
        let mut failed = false;
        for chunk in chunks {
            if chunk.old_lines().next().is_none() {
                if img.lines.is_empty() || chunk.end_of_file {
                    found.push((chunk, chunk.lines.clone(), Rung::Exact, vec![img.lines.len()], 0));
                } else {
                    self.refuse(&path, format!("Change {} of {path} adds lines without any lines around them to show where; ask the pod for the change with a few lines of context.", chunk.number));
                    failed = true;
                }
                continue;
            }
            match self.candidates(&path, &mut img, chunk, "Change")? {
                Found::At { body, rung, places, len } => {
                    if places.len() >= CAP {
                        self.ambiguous(
                            &path,
                            "Change",
                            chunk,
                            places.len(),
                            "an `@@` line naming the function it is in",
                        );
                        failed = true;
                    } else {
                        found.push((chunk, body, rung, places, len));
                    }
                }
                Found::Already => {}
                Found::Missing => failed = true,
            }
        }
        if failed {
            return Ok(());
        }
        let places: Vec<Vec<usize>> = found.iter().map(|f| f.3.clone()).collect();
        let lens: Vec<usize> = found.iter().map(|f| f.4).collect();
        let fit = feasible(&places, &lens);
        let mut regions: Vec<(usize, usize, Vec<Vec<u8>>)> = Vec::new();
        for (f, at) in found.iter().zip(&fit) {
            let (chunk, body, rung, _, len) = f;
            match at.as_slice() {
                [pos] => match self.replace_at(&path, &img, chunk, "Change", (body, *rung, *pos, *len), crlf) {
                    Some(lines) => regions.push((*pos, *len, lines)),
                    None => return Ok(()),
                },
                [] => {
                    self.refuse(&path, format!("Change {} of {path} (starting `{}`) is in main, but not in the order the answer gives its changes; ask the pod for the changes to {path} again.", chunk.number, first_line(chunk)));
                    return Ok(());
                }
                many => {
                    self.ambiguous(&path, "Change", chunk, many.len(), "an `@@` line naming the function it is in");
                    return Ok(());
                }
            }
        }
        // Splice (regions are in order and do not overlap), and end with a line end as the
        // reference tool does.
        let mut out: Vec<Vec<u8>> = Vec::with_capacity(img.lines.len());
        let mut k = 0;
        for (pos, len, new) in regions {
            out.extend(img.lines[k..pos].iter().map(|l| l.to_vec()));
            out.extend(new);
            k = pos + len;
        }
        out.extend(img.lines[k..].iter().map(|l| l.to_vec()));
        let result = join(&out, true);
        match move_to {
            None => self.set(&path, Some(result), None),
            Some(dest_raw) => {
                let Some(dest) = self.parse_path(dest_raw) else { return Ok(()) };
                if dest == path {
                    self.set(&path, Some(result), None);
                    return Ok(());
                }
                match self.current(&dest) {
                    Ok(None) => {
                        self.set(&path, None, None);
                        self.set(&dest, Some(result), Some(path.clone()));
                    }
                    Ok(Some(_)) => self.refuse(&dest, format!("The pod moves {path} to {dest}, but main already has a {dest}; ask the pod what should happen to it.")),
                    Err(msg) => self.refuse(&dest, msg),
                }
            }
        }
        Ok(())
    }

    fn blocks(&mut self, raw: &str, chunks: &[Chunk]) -> Result<(), OutOfWork> {
        let creates = chunks.first().is_some_and(|c| c.old_lines().next().is_none());
        let (path, content) = if creates {
            let Some(p) = self.parse_path(raw) else { return Ok(()) };
            match self.current(&p) {
                Ok(c) => (p, c),
                Err(msg) => {
                    self.refuse(&p, msg);
                    return Ok(());
                }
            }
        } else {
            match self.existing(raw) {
                Some((p, c)) => (p, Some(c)),
                None => return Ok(()),
            }
        };
        let base_bytes = content.clone().unwrap_or_default();
        let news: Vec<&str> = chunks
            .iter()
            .flat_map(|c| c.lines.iter().filter(|(r, _)| *r == Role::New).map(|(_, t)| t.as_str()))
            .collect();
        let existed = content.is_some();
        if self.elision_in(&path, &news, existed.then_some(base_bytes.as_slice())) {
            return Ok(());
        }
        let (l, mut final_nl) = lines_of(&base_bytes);
        let crlf = is_crlf(&l);
        let mut lines: Vec<Vec<u8>> = l.iter().map(|x| x.to_vec()).collect();
        let mut changed = false;
        for chunk in chunks {
            if chunk.old_lines().next().is_none() {
                let new: Vec<Vec<u8>> = chunk.new_lines().map(|l| l.as_bytes().to_vec()).collect();
                if lines.is_empty() {
                    lines = new;
                    final_nl = true;
                    changed = true;
                } else if lines == new {
                    self.repairs.push(Repair {
                        kind: RepairKind::AlreadyInMain,
                        path: Some(path.clone()),
                        message: format!(
                            "Edit block {} of {path} makes the file as main already has it; it was skipped.",
                            chunk.number
                        ),
                    });
                } else {
                    self.refuse(&path, format!("Edit block {} of {path} has an empty SEARCH, which makes a new file, but main already has {path}; ask the pod for a block that names the lines to replace.", chunk.number));
                    return Ok(());
                }
                continue;
            }
            let refs: Vec<&[u8]> = lines.iter().map(Vec::as_slice).collect();
            let mut img = Image::new(refs);
            let (body, rung, places, len) = match self.candidates(&path, &mut img, chunk, "Edit block")? {
                Found::At { body, rung, places, len } => (body, rung, places, len),
                Found::Already => continue,
                Found::Missing => return Ok(()),
            };
            // Several places: only the block's own `:start_line:` can single one out.
            let pos = match places.as_slice() {
                [one] => *one,
                many => match chunk.start_line.map(|s| many.iter().filter(|&&p| p + 1 == s).count()) {
                    Some(1) if many.len() < CAP => chunk.start_line.unwrap_or(1) - 1,
                    _ => {
                        self.ambiguous(&path, "Edit block", chunk, many.len(), "more lines around it");
                        return Ok(());
                    }
                },
            };
            let Some(new) = self.replace_at(&path, &img, chunk, "Edit block", (&body, rung, pos, len), crlf) else {
                return Ok(());
            };
            drop(img);
            lines.splice(pos..pos + len, new);
            changed = true;
        }
        if changed {
            let result = join(&lines, final_nl);
            if !existed || Some(&result) != content.as_ref() {
                self.set(&path, Some(result), None);
            }
        }
        Ok(())
    }

    fn whole(&mut self, raw: &str, given: &[String], first_line_names_it: bool) {
        let Some(mut path) = self.parse_path(raw) else { return };
        let mut old = match self.current(&path) {
            Ok(c) => c,
            Err(msg) => {
                self.refuse(&path, msg);
                return;
            }
        };
        if old.is_none() {
            let cands = self.tail_candidates(&path);
            if !cands.is_empty() {
                let given_set: HashSet<&str> = given.iter().map(|l| l.trim()).filter(|l| !l.is_empty()).collect();
                let similar = |c: &[u8]| {
                    let (ls, _) = lines_of(c);
                    let ls: Vec<&[u8]> = ls.into_iter().map(trim).filter(|l| !l.is_empty()).collect();
                    let hit = ls.iter().filter(|l| std::str::from_utf8(l).is_ok_and(|s| given_set.contains(s))).count();
                    if ls.is_empty() {
                        0.0
                    } else {
                        hit as f64 / ls.len() as f64
                    }
                };
                let contents: Vec<(String, Vec<u8>)> =
                    cands.iter().filter_map(|c| self.current(c).ok().flatten().map(|x| (c.clone(), x))).collect();
                let close: Vec<&(String, Vec<u8>)> = contents.iter().filter(|(_, c)| similar(c) >= 0.5).collect();
                if let ([one], 1) = (close.as_slice(), cands.len()) {
                    self.repairs.push(Repair {
                        kind: RepairKind::PathTail,
                        path: Some(one.0.clone()),
                        message: format!("The pod wrote {path}; the project's only file with that name is {}, so the file was put there.", one.0),
                    });
                    path = one.0.clone();
                    old = Some(one.1.clone());
                } else {
                    let shown: Vec<&str> = cands.iter().take(5).map(String::as_str).collect();
                    self.refuse(&path, format!("The pod gives a whole file {path}, which is not in the project, and it is unclear whether it is new or meant for {}; ask the pod for the full path.", shown.join(" or ")));
                    return;
                }
            }
        }
        let old_bytes = old.clone().unwrap_or_default();
        let (old_lines, old_final_nl) = lines_of(&old_bytes);
        let mut given = given;
        if first_line_names_it && old_lines.first().is_none_or(|f| *f != given[0].as_bytes()) {
            given = &given[1..];
        }
        let refs: Vec<&str> = given.iter().map(String::as_str).collect();
        if self.elision_in(&path, &refs, old.as_deref()) {
            return;
        }
        if old_lines.len() >= 8 && given.len() * 2 < old_lines.len() {
            self.refuse(&path, format!("The pod's {path} has {} lines where main's has {}: it looks like part of the file, not all of it. Ask the pod for the whole file.", given.len(), old_lines.len()));
            return;
        }
        let crlf = is_crlf(&old_lines);
        let mut new: Vec<Vec<u8>> = given.iter().map(|l| l.as_bytes().to_vec()).collect();
        if crlf {
            for l in &mut new {
                if !l.ends_with(b"\r") {
                    l.push(b'\r');
                }
            }
        }
        let keep_no_eol = old.is_some() && !old_final_nl && new.last().map(Vec::as_slice) == old_lines.last().copied();
        let result = if new.is_empty() { Vec::new() } else { join(&new, !keep_no_eol) };
        if old.as_ref() == Some(&result) {
            self.repairs.push(Repair {
                kind: RepairKind::AlreadyInMain,
                path: Some(path.clone()),
                message: format!("{path} is already in main exactly as the pod gives it; it was skipped."),
            });
            return;
        }
        self.set(&path, Some(result), None);
    }
}

/// Places `answer` on `base`. Every refusal found is returned (nothing is applied when there
/// is any); otherwise the files with their old and new content and the repairs made.
pub fn place(answer: &Answer, base: &dyn Base, limits: &Limits) -> Result<Plan, Vec<Refusal>> {
    let mut w = Work {
        base,
        state: BTreeMap::new(),
        order: Vec::new(),
        all_paths: None,
        repairs: answer
            .notes
            .iter()
            .map(|n| Repair { kind: RepairKind::Reading, path: None, message: n.clone() })
            .collect(),
        refusals: Vec::new(),
        budget: Budget { left: limits.max_work },
        loose: BTreeMap::new(),
        out_of_work: false,
        gone: HashSet::new(),
    };
    for FileChange { path, op } in &answer.files {
        let r = match op {
            Op::Add(lines) => {
                w.add(path, lines);
                Ok(())
            }
            Op::Delete => {
                w.delete(path);
                Ok(())
            }
            Op::Update { move_to, chunks } => w.update(path, move_to.as_deref(), chunks),
            Op::Blocks(chunks) => w.blocks(path, chunks),
            Op::Whole { lines, first_line_names_it } => {
                w.whole(path, lines, *first_line_names_it);
                Ok(())
            }
        };
        if let Err(e) = r {
            w.spent(e);
            break;
        }
    }
    if w.out_of_work {
        return Err(vec![Refusal {
            path: None,
            message: "The answer is too large to place safely on this project (it would take too long to check); ask the pod for smaller changes.".into(),
        }]);
    }
    for ((path, rung), n) in std::mem::take(&mut w.loose) {
        w.repairs.push(Repair {
            kind: RepairKind::Loose(rung),
            path: Some(path.clone()),
            message: format!("{n} line{} of {path} matched {}.", if n == 1 { "" } else { "s" }, rung.words()),
        });
    }
    if !w.refusals.is_empty() {
        return Err(w.refusals);
    }
    // The end state against the base.
    let mut files = Vec::new();
    let mut consumed: HashSet<String> = HashSet::new();
    let read_base = |p: &str| base.read(p).ok().flatten().map(|f| f.content);
    for path in &w.order {
        if consumed.contains(path) {
            continue;
        }
        let slot = &w.state[path];
        let before = read_base(path);
        let Ok(rp) = RepoPath::parse(path) else { continue };
        match (&before, &slot.content) {
            (None, None) => {}
            (Some(b), None) => {
                // A deletion whose content reappears elsewhere is a move (keeps the file's mode).
                let moved_to = w.order.iter().find(|q| {
                    *q != path
                        && !consumed.contains(*q)
                        && read_base(q).is_none()
                        && w.state[*q].content.as_ref() == Some(b)
                });
                if let Some(q) = moved_to.cloned().filter(|q| RepoPath::parse(q).is_ok()) {
                    consumed.insert(q.clone());
                    files.push(PlannedFile {
                        change: Change::Rename,
                        old_path: Some(rp),
                        new_path: RepoPath::parse(&q).ok(),
                        old: b.clone(),
                        new: b.clone(),
                    });
                } else if let Some(q) =
                    w.order.iter().find(|q| w.state[*q].moved_from.as_deref() == Some(path.as_str())).cloned()
                {
                    consumed.insert(q.clone());
                    let new = w.state[&q].content.clone().unwrap_or_default();
                    files.push(PlannedFile {
                        change: Change::Rename,
                        old_path: Some(rp),
                        new_path: RepoPath::parse(&q).ok(),
                        old: b.clone(),
                        new,
                    });
                } else {
                    files.push(PlannedFile {
                        change: Change::Delete,
                        old_path: Some(rp),
                        new_path: None,
                        old: b.clone(),
                        new: Vec::new(),
                    });
                }
            }
            (None, Some(n)) => {
                if let Some(src) = slot
                    .moved_from
                    .clone()
                    .filter(|s| !consumed.contains(s) && w.state.get(s).is_some_and(|x| x.content.is_none()))
                {
                    consumed.insert(src.clone());
                    let old = read_base(&src).unwrap_or_default();
                    files.push(PlannedFile {
                        change: Change::Rename,
                        old_path: RepoPath::parse(&src).ok(),
                        new_path: Some(rp),
                        old,
                        new: n.clone(),
                    });
                } else {
                    files.push(PlannedFile {
                        change: Change::Add,
                        old_path: None,
                        new_path: Some(rp),
                        old: Vec::new(),
                        new: n.clone(),
                    });
                }
            }
            (Some(b), Some(n)) => {
                if b != n {
                    files.push(PlannedFile {
                        change: Change::Modify,
                        old_path: Some(rp.clone()),
                        new_path: Some(rp),
                        old: b.clone(),
                        new: n.clone(),
                    });
                }
            }
        }
    }
    if files.is_empty() {
        let already = w.repairs.iter().any(|r| r.kind == RepairKind::AlreadyInMain);
        return Err(vec![Refusal {
            path: None,
            message: if already {
                "Everything this answer changes is already in main; there is nothing to apply.".into()
            } else {
                "This answer changes nothing in the project.".into()
            },
        }]);
    }
    Ok(Plan { shape: answer.shape, files, repairs: w.repairs })
}
