//! Placing and applying text hunks on a file's lines (fuzz 0: every context line must match).

use patchdesk_patch::{Hunk, LineKind};
use std::collections::HashMap;

/// One line of a file image: text without `\n`, and whether a `\n` followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ImgLine<'x> {
    pub text: &'x [u8],
    pub nl: bool,
}

/// Splits content into lines.
pub(crate) fn image(content: &[u8]) -> Vec<ImgLine<'_>> {
    let mut out = Vec::with_capacity(content.len() / 32 + 1);
    let mut start = 0;
    for nl in memchr::memchr_iter(b'\n', content) {
        out.push(ImgLine { text: &content[start..nl], nl: true });
        start = nl + 1;
    }
    if start < content.len() {
        out.push(ImgLine { text: &content[start..], nl: false });
    }
    out
}

/// Work allowed for placing one file's hunks (line comparisons): a fixed amount plus some per
/// line of the file and of the hunks. A well-made patch needs about one per hunk line.
const WORK_BASE: u64 = 20_000_000;
const WORK_PER_LINE: u64 = 16;

/// A file's lines while hunks are applied, as a gap buffer: the lines before the gap in order,
/// the lines after it reversed. Applying a hunk moves the gap to it (cost: the distance moved)
/// and replaces its lines at the gap, so applying the hunks of a file in order is one pass over
/// the file however many hunks there are.
pub(crate) struct Image<'x> {
    /// The original lines (for the content index).
    old: &'x [ImgLine<'x>],
    front: Vec<ImgLine<'x>>,
    /// Reversed: `back.last()` is the line right after the gap.
    back: Vec<ImgLine<'x>>,
    /// How many lines on top of `back` were moved there from `front` (while it is 0, `back` is
    /// exactly the original file's tail).
    moved_back: usize,
    /// Original line positions by content (trailing whitespace ignored), built on first use.
    index: Option<HashMap<&'x [u8], Vec<u32>>>,
    /// Comparisons left before placement gives up.
    work_left: u64,
}

impl<'x> Image<'x> {
    pub fn new(old: &'x [ImgLine<'x>], hunk_lines: usize) -> Image<'x> {
        Image {
            old,
            front: Vec::with_capacity(old.len() + hunk_lines / 2),
            back: old.iter().rev().copied().collect(),
            moved_back: 0,
            index: None,
            work_left: WORK_BASE + WORK_PER_LINE * (old.len() as u64 + hunk_lines as u64),
        }
    }

    pub fn len(&self) -> usize {
        self.front.len() + self.back.len()
    }

    fn get(&self, i: usize) -> ImgLine<'x> {
        let g = self.front.len();
        if i < g {
            self.front[i]
        } else {
            self.back[self.back.len() - 1 - (i - g)]
        }
    }

    /// Charges `units` of work; `false` once the budget is spent.
    fn charge(&mut self, units: u64) -> bool {
        match self.work_left.checked_sub(units) {
            Some(left) => {
                self.work_left = left;
                true
            }
            None => {
                self.work_left = 0;
                false
            }
        }
    }

    fn matches_at(&mut self, pre: &[ImgLine<'_>], at: usize, loose: bool) -> Result<bool, Miss> {
        if at + pre.len() > self.len() {
            return Ok(false);
        }
        let mut used = 1;
        let mut same = true;
        for (k, b) in pre.iter().enumerate() {
            used = k as u64 + 1;
            if !line_eq(self.get(at + k), *b, loose) {
                same = false;
                break;
            }
        }
        if !self.charge(used) {
            return Err(Miss::TooMuchWork);
        }
        Ok(same)
    }

    fn pop_back(&mut self) -> Option<ImgLine<'x>> {
        let l = self.back.pop()?;
        self.moved_back = self.moved_back.saturating_sub(1);
        Some(l)
    }

    /// Moves the gap so that `at` lines are before it.
    fn move_gap(&mut self, at: usize) {
        while self.front.len() > at {
            let Some(l) = self.front.pop() else { break };
            self.back.push(l);
            self.moved_back += 1;
        }
        while self.front.len() < at {
            let Some(l) = self.pop_back() else { break };
            self.front.push(l);
        }
    }

    /// Replaces the hunk's preimage at `at` with its postimage; context lines keep the file's
    /// text. Returns the number of lines of the postimage.
    pub fn apply(&mut self, h: &'x Hunk<'_>, at: usize) -> usize {
        self.move_gap(at);
        let before = self.front.len();
        for l in &h.lines {
            match l.kind {
                LineKind::Context => {
                    if let Some(line) = self.pop_back() {
                        self.front.push(line);
                    }
                }
                LineKind::Old => {
                    self.pop_back();
                }
                LineKind::New => self.front.push(ImgLine { text: l.text, nl: !l.no_newline }),
            }
        }
        self.front.len() - before
    }

    /// The content with every hunk applied.
    pub fn join(&self) -> Vec<u8> {
        let size: usize = self.front.iter().chain(self.back.iter()).map(|l| l.text.len() + 1).sum();
        let mut out = Vec::with_capacity(size);
        for l in self.front.iter().chain(self.back.iter().rev()) {
            out.extend_from_slice(l.text);
            if l.nl {
                out.push(b'\n');
            }
        }
        out
    }

    /// Every match of `pre` at or after the gap, in order, at most `cap` of them, found through
    /// the content index: only the places where the pre-image's rarest line stands are
    /// compared. `None` when the lines after the gap are not simply the original file's tail.
    fn find_after_gap(&mut self, pre: &[ImgLine<'_>], loose: bool, cap: usize) -> Option<Result<Vec<usize>, Miss>> {
        if self.moved_back > 0 || pre.is_empty() {
            return None;
        }
        if self.index.is_none() {
            if !self.charge(self.old.len() as u64) {
                return Some(Err(Miss::TooMuchWork));
            }
            let mut index: HashMap<&'x [u8], Vec<u32>> = HashMap::new();
            for (i, l) in self.old.iter().enumerate() {
                index.entry(trim_ws(l.text)).or_default().push(i as u32);
            }
            self.index = Some(index);
        }
        let index = self.index.as_ref()?;
        let cursor = self.old.len() - self.back.len();
        let gap = self.front.len();
        let (anchor, places) = pre
            .iter()
            .enumerate()
            .map(|(j, l)| (j, index.get(trim_ws(l.text)).map_or(&[][..], Vec::as_slice)))
            .min_by_key(|(_, places)| places.len())?;
        let first = places.partition_point(|&p| (p as usize) < cursor + anchor);
        let mut found = Vec::new();
        let mut used = 0u64;
        for &p in &places[first..] {
            let start = p as usize - anchor;
            if start + pre.len() > self.old.len() {
                break;
            }
            let mut same = true;
            for (k, b) in pre.iter().enumerate() {
                used += 1;
                if !line_eq(self.old[start + k], *b, loose) {
                    same = false;
                    break;
                }
            }
            if used > self.work_left {
                self.work_left = 0;
                return Some(Err(Miss::TooMuchWork));
            }
            if same {
                found.push(gap + (start - cursor));
                if found.len() >= cap {
                    break;
                }
            }
        }
        self.work_left -= used;
        Some(Ok(found))
    }
}

fn line_eq(a: ImgLine<'_>, b: ImgLine<'_>, loose: bool) -> bool {
    if loose {
        a.nl == b.nl && trim_ws(a.text) == trim_ws(b.text)
    } else {
        a.nl == b.nl && a.text == b.text
    }
}

/// How hunks are placed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Placement {
    /// Like git: start at the header's line, nearest match wins.
    Nearest,
    /// Header lines are unreliable: the hunk's content must match in exactly one place after the
    /// previous hunk.
    Unique,
}

/// Why a hunk could not be placed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Miss {
    /// Context or removed lines are not in the file.
    NotFound,
    /// The content matches in several places.
    Ambiguous(usize),
    /// Placing the hunks took more searching than Patchdesk allows for one file.
    TooMuchWork,
}

/// Where a hunk went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Placed {
    /// 0-based line in the image before this hunk was applied.
    pub at: usize,
    /// Matched only when trailing whitespace was ignored.
    pub loose: bool,
}

fn trim_ws(s: &[u8]) -> &[u8] {
    let mut e = s.len();
    while e > 0 && matches!(s[e - 1], b' ' | b'\t' | b'\r') {
        e -= 1;
    }
    &s[..e]
}

struct Pre<'x> {
    lines: Vec<ImgLine<'x>>,
    leading: usize,
    trailing: usize,
}

fn preimage<'x>(h: &'x Hunk<'_>) -> Pre<'x> {
    let lines: Vec<ImgLine<'x>> = h
        .lines
        .iter()
        .filter(|l| l.kind != LineKind::New)
        .map(|l| ImgLine { text: l.text, nl: !l.no_newline })
        .collect();
    let leading = h.lines.iter().take_while(|l| l.kind == LineKind::Context).count();
    let trailing = h.lines.iter().rev().take_while(|l| l.kind == LineKind::Context).count();
    Pre { lines, leading, trailing }
}

/// Finds the place of a hunk in `img`.
pub(crate) fn place(img: &mut Image<'_>, h: &Hunk<'_>, mode: Placement, min_at: usize) -> Result<Placed, Miss> {
    let pre = preimage(h);
    let n = img.len();
    let len = pre.lines.len();
    if len > n {
        return Err(Miss::NotFound);
    }
    let last = n - len;
    match mode {
        Placement::Nearest => {
            let match_begin = h.old_start == 0 || (h.old_start == 1 && !h.bare_header);
            let match_end = pre.trailing == 0;
            let ok = |at: usize| (!match_begin || at == 0) && (!match_end || at == last);
            let hint = (h.new_start.saturating_sub(1) as usize).min(last);
            // git does not ignore whitespace: exact matches only.
            let mut i = 0usize;
            loop {
                // hint, hint+1, hint-1, hint+2, ...
                let d = i.div_ceil(2);
                let cand = if i % 2 == 1 { hint.checked_add(d).filter(|&c| c <= last) } else { hint.checked_sub(d) };
                if d > last.max(hint) + 1 {
                    break;
                }
                if let Some(c) = cand {
                    if ok(c) && img.matches_at(&pre.lines, c, false)? {
                        return Ok(Placed { at: c, loose: false });
                    }
                } else if !img.charge(1) {
                    return Err(Miss::TooMuchWork);
                }
                i += 1;
            }
            Err(Miss::NotFound)
        }
        Placement::Unique => {
            let match_begin = pre.leading == 0 && !pre.lines.is_empty() || len == 0 && n == 0;
            let match_end = pre.trailing == 0;
            for loose in [false, true] {
                let found = match (match_begin, match_end) {
                    (true, true) => one(img, &pre.lines, (last == 0).then_some(0), loose)?,
                    (true, false) => one(img, &pre.lines, (min_at == 0).then_some(0), loose)?,
                    (false, true) => one(img, &pre.lines, (last >= min_at).then_some(last), loose)?,
                    (false, false) => match img.find_after_gap(&pre.lines, loose, 9) {
                        Some(found) if min_at == img.front.len() => found?,
                        _ => {
                            let mut found = Vec::new();
                            for c in min_at..=last {
                                if img.matches_at(&pre.lines, c, loose)? {
                                    found.push(c);
                                    if found.len() > 8 {
                                        break;
                                    }
                                }
                            }
                            found
                        }
                    },
                };
                match found.len() {
                    0 => continue,
                    1 => return Ok(Placed { at: found[0], loose }),
                    k => return Err(Miss::Ambiguous(k)),
                }
            }
            Err(Miss::NotFound)
        }
    }
}

/// The one candidate place, if it matches.
fn one(img: &mut Image<'_>, pre: &[ImgLine<'_>], at: Option<usize>, loose: bool) -> Result<Vec<usize>, Miss> {
    match at {
        Some(c) if img.matches_at(pre, c, loose)? => Ok(vec![c]),
        _ => Ok(Vec::new()),
    }
}
