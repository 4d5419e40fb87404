//! Finding a block of lines in a file, on a ladder of rungs from strict to loose:
//! exact, then ignoring spaces at line ends, then ignoring indentation too, then reading
//! typographic dashes, quotes and spaces as plain ones. The first rung with any match decides;
//! every place it matches is returned (up to a cap) so the caller can refuse ambiguity.
//!
//! Lines are compared through per-rung keys (a hash of the normalised line) with a linear
//! search (KMP), so placing a block costs time linear in the file, and every candidate is
//! checked line by line before it is returned.

use std::borrow::Cow;

/// How loosely lines were compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rung {
    /// Byte for byte.
    Exact,
    /// Spaces and tabs at line ends ignored.
    LineEnds,
    /// Spaces and tabs at both ends ignored (the file's own indentation is kept).
    Indentation,
    /// Also typographic dashes, quotes and spaces read as plain ASCII ones.
    Typography,
}

impl Rung {
    /// Every rung, strict first.
    pub const ALL: [Rung; 4] = [Rung::Exact, Rung::LineEnds, Rung::Indentation, Rung::Typography];

    /// What was ignored, for the repair sentence ("3 lines matched once …").
    pub fn words(self) -> &'static str {
        match self {
            Rung::Exact => "exactly",
            Rung::LineEnds => "once spaces at line ends were ignored",
            Rung::Indentation => "once indentation was ignored (the file's own indentation was kept)",
            Rung::Typography => "once typographic dashes, quotes and spaces were read as plain ones",
        }
    }
}

/// Most places reported for one block; more means "many".
pub const CAP: usize = 64;

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | 0x0b | 0x0c)
}

pub(crate) fn trim_end(s: &[u8]) -> &[u8] {
    let mut e = s.len();
    while e > 0 && is_ws(s[e - 1]) {
        e -= 1;
    }
    &s[..e]
}

pub(crate) fn trim(s: &[u8]) -> &[u8] {
    let s = trim_end(s);
    let mut b = 0;
    while b < s.len() && is_ws(s[b]) {
        b += 1;
    }
    &s[b..]
}

fn typographic(c: char) -> char {
    match c {
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}' | '\u{2212}' => '-',
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' => '\'',
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' => '"',
        '\u{00A0}' | '\u{2002}' | '\u{2003}' | '\u{2004}' | '\u{2005}' | '\u{2006}' | '\u{2007}' | '\u{2008}'
        | '\u{2009}' | '\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}' => ' ',
        c => c,
    }
}

/// A line as compared on `rung`.
pub(crate) fn normal(rung: Rung, s: &[u8]) -> Cow<'_, [u8]> {
    match rung {
        Rung::Exact => Cow::Borrowed(s),
        Rung::LineEnds => Cow::Borrowed(trim_end(s)),
        Rung::Indentation => Cow::Borrowed(trim(s)),
        Rung::Typography => {
            let t = String::from_utf8_lossy(s);
            let m: String = t.chars().map(typographic).collect();
            Cow::Owned(m.trim().as_bytes().to_vec())
        }
    }
}

fn key(rung: Rung, s: &[u8]) -> u64 {
    // FNV-1a: keys only pick candidates; candidates are compared line by line.
    let mut h: u64 = 0xcbf29ce484222325;
    for &b in normal(rung, s).iter() {
        h ^= b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}

/// A file's lines with their keys per rung, worked out when first needed.
pub(crate) struct Image<'a> {
    pub lines: Vec<&'a [u8]>,
    keys: [Option<Vec<u64>>; 4],
}

/// The work budget ran out (hostile or enormous input).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct OutOfWork;

/// Counts comparisons against a limit.
pub(crate) struct Budget {
    pub left: u64,
}

impl Budget {
    pub fn spend(&mut self, n: usize) -> Result<(), OutOfWork> {
        self.left = self.left.checked_sub(n as u64).ok_or(OutOfWork)?;
        Ok(())
    }
}

impl<'a> Image<'a> {
    pub fn new(lines: Vec<&'a [u8]>) -> Self {
        Image { lines, keys: [None, None, None, None] }
    }

    fn ensure_keys(&mut self, rung: Rung, budget: &mut Budget) -> Result<(), OutOfWork> {
        let i = rung as usize;
        if self.keys[i].is_none() {
            budget.spend(self.lines.len())?;
            self.keys[i] = Some(self.lines.iter().map(|l| key(rung, l)).collect());
        }
        Ok(())
    }

    /// Every place at or after `from` where `needle` matches on `rung` (at most [`CAP`]).
    /// With `at_end`, only a match that ends the file counts.
    pub fn find(
        &mut self,
        needle: &[&[u8]],
        from: usize,
        rung: Rung,
        at_end: bool,
        budget: &mut Budget,
    ) -> Result<Vec<usize>, OutOfWork> {
        let m = needle.len();
        let n = self.lines.len();
        if m == 0 || m > n || from > n - m {
            return Ok(Vec::new());
        }
        let pat: Vec<u64> = needle.iter().map(|l| key(rung, l)).collect();
        budget.spend(2 * m + (n - from))?;
        self.ensure_keys(rung, budget)?;
        let hay = self.keys[rung as usize].as_deref().unwrap_or(&[]);
        // KMP failure table.
        let mut fail = vec![0usize; m];
        let mut k = 0;
        for q in 1..m {
            while k > 0 && pat[q] != pat[k] {
                k = fail[k - 1];
            }
            if pat[q] == pat[k] {
                k += 1;
            }
            fail[q] = k;
        }
        let mut out = Vec::new();
        let mut q = 0;
        for (i, &h) in hay.iter().enumerate().skip(from) {
            while q > 0 && h != pat[q] {
                q = fail[q - 1];
            }
            if h == pat[q] {
                q += 1;
            }
            if q == m {
                let at = i + 1 - m;
                q = fail[q - 1];
                if at_end && at + m != n {
                    continue;
                }
                budget.spend(m)?;
                let same = needle.iter().zip(&self.lines[at..at + m]).all(|(a, b)| normal(rung, a) == normal(rung, b));
                if same {
                    out.push(at);
                    if out.len() >= CAP {
                        break;
                    }
                }
            }
        }
        Ok(out)
    }

    /// The first rung on which `needle` matches anywhere at or after `from`, with its places.
    pub fn ladder(
        &mut self,
        needle: &[&[u8]],
        from: usize,
        at_end: bool,
        budget: &mut Budget,
    ) -> Result<Option<(Rung, Vec<usize>)>, OutOfWork> {
        for rung in Rung::ALL {
            let found = self.find(needle, from, rung, at_end, budget)?;
            if !found.is_empty() {
                return Ok(Some((rung, found)));
            }
        }
        Ok(None)
    }

    /// Where a chain of `@@` scope lines can first end: each scope line found (ignoring
    /// indentation and typography; a scope may be the start of a longer line) after the one
    /// before it. `None` when the chain is not in the file.
    pub fn scope_end(&self, scopes: &[String], budget: &mut Budget) -> Result<Option<usize>, OutOfWork> {
        let mut at: Option<usize> = None;
        for s in scopes {
            let want = normal(Rung::Typography, s.as_bytes()).into_owned();
            if want.is_empty() {
                continue;
            }
            let start = at.map_or(0, |a| a + 1);
            budget.spend(self.lines.len().saturating_sub(start))?;
            let hit = (start..self.lines.len()).find(|&i| {
                let l = trim(self.lines[i]);
                (l.len() >= want.len() && l.starts_with(&want[..]) && (l.len() == want.len() || want.len() >= 8)) || {
                    let t = normal(Rung::Typography, l);
                    t.len() >= want.len() && t.starts_with(&want[..]) && (t.len() == want.len() || want.len() >= 8)
                }
            });
            match hit {
                Some(i) => at = Some(i),
                None => return Ok(None),
            }
        }
        Ok(at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn img(s: &str) -> Vec<&[u8]> {
        s.split('\n').map(str::as_bytes).collect()
    }

    fn find(file: &str, needle: &[&str]) -> Option<(Rung, Vec<usize>)> {
        let mut im = Image::new(img(file));
        let n: Vec<&[u8]> = needle.iter().map(|s| s.as_bytes()).collect();
        im.ladder(&n, 0, false, &mut Budget { left: 1_000_000 }).unwrap()
    }

    #[test]
    fn rung_exact() {
        assert_eq!(find("a\nb\nc\nb\nc", &["b", "c"]), Some((Rung::Exact, vec![1, 3])));
    }

    #[test]
    fn rung_line_ends() {
        assert_eq!(find("a  \nb\t\nc", &["a", "b"]), Some((Rung::LineEnds, vec![0])));
    }

    #[test]
    fn rung_indentation() {
        assert_eq!(find("x\n    a\n    b\n", &["a", "  b"]), Some((Rung::Indentation, vec![1])));
    }

    #[test]
    fn rung_typography() {
        assert_eq!(find("say \u{201c}hi\u{201d} \u{2014} ok", &["say \"hi\" - ok"]), Some((Rung::Typography, vec![0])));
        assert_eq!(find("a\u{00a0}b", &["a b"]), Some((Rung::Typography, vec![0])));
    }

    #[test]
    fn a_stricter_rung_wins_over_a_looser_one() {
        // Exact once, loosely twice: the exact place is the answer.
        assert_eq!(find("a\n  a  \nb", &["a"]), Some((Rung::Exact, vec![0])));
    }

    #[test]
    fn not_found_and_end_of_file() {
        assert_eq!(find("a\nb", &["c"]), None);
        let mut im = Image::new(img("a\nb\na\nb"));
        let n: Vec<&[u8]> = vec![b"a", b"b"];
        assert_eq!(im.find(&n, 0, Rung::Exact, true, &mut Budget { left: 1000 }).unwrap(), vec![2]);
        assert_eq!(im.find(&n, 3, Rung::Exact, false, &mut Budget { left: 1000 }).unwrap(), Vec::<usize>::new());
    }

    #[test]
    fn scopes_stack_in_order() {
        let im = Image::new(img("class A:\n  def f(self):\n    x\nclass B:\n  def f(self):\n    x"));
        let s = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let mut b = Budget { left: 1000 };
        assert_eq!(im.scope_end(&s(&["class B:", "def f(self):"]), &mut b).unwrap(), Some(4));
        assert_eq!(im.scope_end(&s(&["def f(self):"]), &mut b).unwrap(), Some(1));
        assert_eq!(im.scope_end(&s(&["class C:"]), &mut b).unwrap(), None);
    }

    #[test]
    fn the_budget_bounds_hostile_input() {
        let file = "a\n".repeat(100_000);
        let mut im = Image::new(img(&file));
        let n: Vec<&[u8]> = vec![b"a"; 500];
        assert!(im.find(&n, 0, Rung::Exact, false, &mut Budget { left: 10_000 }).is_err());
    }
}
