//! Placing and applying text hunks on a file's lines (fuzz 0: every context line must match).

use patchdesk_patch::{Hunk, LineKind};

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
    for nl in memchr_iter(content) {
        out.push(ImgLine { text: &content[start..nl], nl: true });
        start = nl + 1;
    }
    if start < content.len() {
        out.push(ImgLine { text: &content[start..], nl: false });
    }
    out
}

fn memchr_iter(content: &[u8]) -> impl Iterator<Item = usize> + '_ {
    memchr::memchr_iter(b'\n', content)
}

/// Joins lines back into bytes.
pub(crate) fn join(lines: &[ImgLine<'_>]) -> Vec<u8> {
    let mut out = Vec::with_capacity(lines.iter().map(|l| l.text.len() + 1).sum());
    for l in lines {
        out.extend_from_slice(l.text);
        if l.nl {
            out.push(b'\n');
        }
    }
    out
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

fn matches_at(img: &[ImgLine<'_>], pre: &[ImgLine<'_>], at: usize, loose: bool) -> bool {
    if at + pre.len() > img.len() {
        return false;
    }
    img[at..at + pre.len()].iter().zip(pre).all(|(a, b)| {
        if loose {
            a.nl == b.nl && trim_ws(a.text) == trim_ws(b.text)
        } else {
            a.nl == b.nl && a.text == b.text
        }
    })
}

/// Finds the place of a hunk in `img`.
pub(crate) fn place(
    img: &[ImgLine<'_>],
    h: &Hunk<'_>,
    mode: Placement,
    min_at: usize,
) -> Result<Placed, Miss> {
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
            for loose in [false, true] {
                if loose && mode == Placement::Nearest {
                    break; // git does not ignore whitespace
                }
                let mut i = 0usize;
                loop {
                    // hint, hint+1, hint-1, hint+2, ...
                    let d = i.div_ceil(2);
                    let cand = if i % 2 == 1 { hint.checked_add(d).filter(|&c| c <= last) } else { hint.checked_sub(d) };
                    if d > last.max(hint) + 1 {
                        break;
                    }
                    if let Some(c) = cand {
                        if ok(c) && matches_at(img, &pre.lines, c, loose) {
                            return Ok(Placed { at: c, loose });
                        }
                    }
                    i += 1;
                }
            }
            Err(Miss::NotFound)
        }
        Placement::Unique => {
            let match_begin = pre.leading == 0 && !pre.lines.is_empty() || len == 0 && n == 0;
            let match_end = pre.trailing == 0;
            for loose in [false, true] {
                let mut found = Vec::new();
                let range: Box<dyn Iterator<Item = usize>> = match (match_begin, match_end) {
                    (true, true) => Box::new((last == 0).then_some(0).into_iter()),
                    (true, false) => Box::new((min_at == 0).then_some(0).into_iter()),
                    (false, true) => Box::new((last >= min_at).then_some(last).into_iter()),
                    (false, false) => Box::new(min_at..=last),
                };
                for c in range {
                    if matches_at(img, &pre.lines, c, loose) {
                        found.push(c);
                        if found.len() > 8 {
                            break;
                        }
                    }
                }
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

/// Replaces the hunk's preimage at `at` with its postimage; context lines keep the file's text.
/// Returns the number of lines of the postimage.
pub(crate) fn splice<'x>(img: &mut Vec<ImgLine<'x>>, h: &'x Hunk<'_>, at: usize) -> usize {
    let mut post: Vec<ImgLine<'x>> = Vec::with_capacity(h.lines.len());
    let mut k = at;
    for l in &h.lines {
        match l.kind {
            LineKind::Context => {
                post.push(img[k]);
                k += 1;
            }
            LineKind::Old => k += 1,
            LineKind::New => post.push(ImgLine { text: l.text, nl: !l.no_newline }),
        }
    }
    let n = post.len();
    img.splice(at..k, post);
    n
}
