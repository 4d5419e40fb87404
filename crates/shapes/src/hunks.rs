//! A placed answer as a parsed patch: each file's before and after turned into hunks with
//! exact line numbers and three lines of context, so the apply engine writes it like any other
//! patch (same tree checks, same report).

use crate::resolve::{Change, Plan};
use patchdesk_patch::{ChangeKind, FilePatch, Hunk, Line, LineKind, Patch, PatchFormat};

type L<'a> = (&'a [u8], bool);

fn lines(content: &[u8]) -> Vec<L<'_>> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, &b) in content.iter().enumerate() {
        if b == b'\n' {
            out.push((&content[start..i], true));
            start = i + 1;
        }
    }
    if start < content.len() {
        out.push((&content[start..], false));
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Same(usize, usize),
    Gone(usize),
    Came(usize),
}

/// Largest middle part (old lines × new lines) compared line by line; beyond it the middle is
/// shown as removed and added whole (still exact, only less readable).
const MAX_CELLS: usize = 4_000_000;

fn diff(a: &[L<'_>], b: &[L<'_>]) -> Vec<Step> {
    let head = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let tail = a[head..].iter().rev().zip(b[head..].iter().rev()).take_while(|(x, y)| x == y).count();
    let (am, bm) = (&a[head..a.len() - tail], &b[head..b.len() - tail]);
    let mut steps: Vec<Step> = (0..head).map(|i| Step::Same(i, i)).collect();
    let (n, m) = (am.len(), bm.len());
    if n > 0 && m > 0 && n.saturating_mul(m) <= MAX_CELLS {
        // Longest common subsequence, table of lengths from the end.
        let w = m + 1;
        let mut t = vec![0u32; (n + 1) * w];
        for i in (0..n).rev() {
            for j in (0..m).rev() {
                t[i * w + j] =
                    if am[i] == bm[j] { t[(i + 1) * w + j + 1] + 1 } else { t[(i + 1) * w + j].max(t[i * w + j + 1]) };
            }
        }
        let (mut i, mut j) = (0, 0);
        while i < n && j < m {
            if am[i] == bm[j] {
                steps.push(Step::Same(head + i, head + j));
                i += 1;
                j += 1;
            } else if t[(i + 1) * w + j] >= t[i * w + j + 1] {
                steps.push(Step::Gone(head + i));
                i += 1;
            } else {
                steps.push(Step::Came(head + j));
                j += 1;
            }
        }
        steps.extend((i..n).map(|k| Step::Gone(head + k)));
        steps.extend((j..m).map(|k| Step::Came(head + k)));
    } else {
        steps.extend((0..n).map(|k| Step::Gone(head + k)));
        steps.extend((0..m).map(|k| Step::Came(head + k)));
    }
    steps.extend((0..tail).map(|k| Step::Same(a.len() - tail + k, b.len() - tail + k)));
    steps
}

const CONTEXT: usize = 3;

fn hunks<'a>(old: &'a [u8], new: &'a [u8]) -> Vec<Hunk<'a>> {
    let a = lines(old);
    let b = lines(new);
    let steps = diff(&a, &b);
    let changed: Vec<usize> =
        steps.iter().enumerate().filter(|(_, s)| !matches!(s, Step::Same(..))).map(|(i, _)| i).collect();
    let mut out = Vec::new();
    let mut k = 0;
    while k < changed.len() {
        let first = changed[k];
        let mut last = first;
        while k + 1 < changed.len() && changed[k + 1] <= last + 2 * CONTEXT + 1 {
            k += 1;
            last = changed[k];
        }
        k += 1;
        let from = first.saturating_sub(CONTEXT);
        let to = (last + CONTEXT + 1).min(steps.len());
        let mut h = Hunk {
            old_start: 0,
            old_count: 0,
            new_start: 0,
            new_count: 0,
            bare_header: false,
            section: b"",
            lines: Vec::new(),
        };
        // Where the hunk starts on each side: the first old/new line at or after `from`.
        let old_at = steps[from..].iter().find_map(|s| match s {
            Step::Same(i, _) | Step::Gone(i) => Some(*i),
            Step::Came(_) => None,
        });
        let new_at = steps[from..].iter().find_map(|s| match s {
            Step::Same(_, j) | Step::Came(j) => Some(*j),
            Step::Gone(_) => None,
        });
        for s in &steps[from..to] {
            match *s {
                Step::Same(i, _) => {
                    h.lines.push(Line { kind: LineKind::Context, text: a[i].0, no_newline: !a[i].1 });
                    h.old_count += 1;
                    h.new_count += 1;
                }
                Step::Gone(i) => {
                    h.lines.push(Line { kind: LineKind::Old, text: a[i].0, no_newline: !a[i].1 });
                    h.old_count += 1;
                }
                Step::Came(j) => {
                    h.lines.push(Line { kind: LineKind::New, text: b[j].0, no_newline: !b[j].1 });
                    h.new_count += 1;
                }
            }
        }
        h.old_start =
            if h.old_count == 0 { old_at.unwrap_or(a.len()) as u32 } else { old_at.map_or(0, |i| i + 1) as u32 };
        h.new_start =
            if h.new_count == 0 { new_at.unwrap_or(b.len()) as u32 } else { new_at.map_or(0, |j| j + 1) as u32 };
        out.push(h);
    }
    out
}

/// The plan as a patch whose lines borrow from the plan.
pub(crate) fn to_patch(plan: &Plan) -> Patch<'_> {
    let files = plan
        .files
        .iter()
        .map(|f| FilePatch {
            change: match f.change {
                Change::Add => ChangeKind::Add,
                Change::Modify => ChangeKind::Modify,
                Change::Delete => ChangeKind::Delete,
                Change::Rename => ChangeKind::Rename,
            },
            old_path: f.old_path.clone(),
            new_path: f.new_path.clone(),
            old_mode: None,
            new_mode: None,
            old_id: None,
            new_id: None,
            hunks: hunks(&f.old, &f.new),
            binary: None,
            commit: None,
            git_header: true,
            positions_trusted: true,
        })
        .collect();
    Patch { format: PatchFormat::GitDiff, commits: Vec::new(), files, repairs: Vec::new() }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Applies hunks the simple way (at their stated lines) to check numbers and content.
    fn replay(old: &[u8], hs: &[Hunk<'_>]) -> Vec<u8> {
        let a = lines(old);
        let mut out: Vec<L<'_>> = Vec::new();
        let mut k = 0usize;
        for h in hs {
            let start = if h.old_count == 0 { h.old_start as usize } else { h.old_start as usize - 1 };
            out.extend_from_slice(&a[k..start]);
            k = start;
            for l in &h.lines {
                match l.kind {
                    LineKind::Context => {
                        assert_eq!(a[k], (l.text, !l.no_newline));
                        out.push(a[k]);
                        k += 1;
                    }
                    LineKind::Old => {
                        assert_eq!(a[k], (l.text, !l.no_newline));
                        k += 1;
                    }
                    LineKind::New => out.push((l.text, !l.no_newline)),
                }
            }
        }
        out.extend_from_slice(&a[k..]);
        let mut v = Vec::new();
        for (t, nl) in out {
            v.extend_from_slice(t);
            if nl {
                v.push(b'\n');
            }
        }
        v
    }

    #[test]
    fn hunks_rebuild_the_new_content() {
        let old: String = (1..=40).map(|i| format!("line {i}\n")).collect();
        let mut new = old.replace("line 3\n", "line three\n").replace("line 30\n", "");
        new.push_str("tail");
        for (o, n) in
            [(old.as_str(), new.as_str()), ("", "a\nb\n"), ("a\nb\n", ""), ("a\nb", "a\nb\n"), ("x\n", "y\nx\n")]
        {
            let hs = hunks(o.as_bytes(), n.as_bytes());
            assert_eq!(replay(o.as_bytes(), &hs), n.as_bytes(), "{o:?} -> {n:?}");
        }
        assert_eq!(hunks(old.as_bytes(), new.as_bytes()).len(), 3);
    }
}
