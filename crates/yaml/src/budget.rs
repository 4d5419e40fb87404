//! One budget per YAML document, checked before the document is turned into values.
//!
//! A YAML text can be small and still ask for a great deal: aliases (`*name`) repeat an earlier
//! part each time they appear, so a few hundred kilobytes can stand for billions of entries, and
//! thousands of opening brackets make the parser slow long before it reports "too deep". Every
//! read therefore goes through [`check`] first:
//!
//! * the text is at most [`MAX_BYTES`] long;
//! * brackets (`[`, `{`) nest at most [`MAX_DEPTH`] deep, counted by a cheap scan of the text
//!   before the parser sees it (the scan counts generously: it may see a bracket where YAML sees
//!   text, never the other way round);
//! * the parsed document, with every alias expanded, has at most [`node_cap`] entries (about
//!   half an entry per byte when the text uses aliases) and nests at most [`MAX_DEPTH`] deep. This is counted while the parser replays aliases, so the count
//!   stops at the cap: nothing is built before the document is known to fit.

use serde::de::{self, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, VariantAccess, Visitor};
use std::fmt;

/// Largest YAML text read, in bytes.
pub const MAX_BYTES: usize = 16 * 1024 * 1024;

/// Deepest nesting of lists and mappings.
pub const MAX_DEPTH: usize = 64;

/// Most entries a document may hold at all, aliases expanded.
pub const MAX_NODES: usize = 2_000_000;

/// Why a text is refused before it is read. Each variant words itself without the file name;
/// [`crate::YamlError::in_file`] adds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Exceeded {
    /// The text is longer than [`MAX_BYTES`].
    Bytes(usize),
    /// Lists or mappings nest deeper than [`MAX_DEPTH`].
    Depth,
    /// With aliases expanded the document has more entries than the cap; `aliases` tells whether
    /// the text uses aliases at all.
    Entries { cap: usize, aliases: bool },
}

impl Exceeded {
    /// The refusal without the file name, completed by [`crate::YamlError::in_file`].
    pub(crate) fn reason(self) -> String {
        match self {
            Exceeded::Bytes(len) => format!(
                "is {} MB, more than the {} MB Patchdesk reads in a YAML file; Patchdesk stops reading it. Make it smaller or ask the person who wrote it.",
                len.div_ceil(1024 * 1024),
                MAX_BYTES / (1024 * 1024)
            ),
            Exceeded::Depth => format!(
                "nests lists or brackets more than {MAX_DEPTH} levels deep; Patchdesk stops reading it. Remove the extra `[` or `{{` brackets or ask the person who wrote it."
            ),
            Exceeded::Entries { cap, aliases: true } => format!(
                "is built to expand to more than {cap} entries (YAML aliases); Patchdesk stops reading it. Remove the `*` alias lines or ask the person who wrote it."
            ),
            Exceeded::Entries { cap, aliases: false } => {
                format!("holds more than {cap} entries; Patchdesk stops reading it. Make it smaller or ask the person who wrote it.")
            }
        }
    }
}

/// The most entries a text of `bytes` bytes may expand to. Without aliases a document cannot
/// have more than about one entry per byte, so the cap is only reached through aliases. A text
/// that uses aliases (`aliases`: a `*name` seen where a value starts) gets a quarter of that:
/// the count costs time for every entry replayed, and a real task file repeats little.
pub fn node_cap(bytes: usize, aliases: bool) -> usize {
    let per_byte = if aliases { bytes / 2 } else { bytes.saturating_mul(2) };
    per_byte.saturating_add(10_000).min(MAX_NODES)
}

/// Checks `text` against the budget. `Ok(())` when it may be parsed; errors from the parser
/// itself are left for the real read, which reports them with their line.
pub(crate) fn check(text: &str) -> Result<(), Exceeded> {
    if text.len() > MAX_BYTES {
        return Err(Exceeded::Bytes(text.len()));
    }
    let scan = scan(text);
    if scan.depth > MAX_DEPTH {
        return Err(Exceeded::Depth);
    }
    let cap = node_cap(text.len(), scan.aliases > 0);
    let mut count = Count { nodes: 0, cap, exceeded: None };
    let result = Probe { depth: 0, count: &mut count }.deserialize(serde_norway::Deserializer::from_str(text));
    match (result, count.exceeded) {
        (_, Some(Exceeded::Entries { cap, .. })) => {
            Err(Exceeded::Entries { cap, aliases: scan.aliases > 0 || may_use_aliases(text) })
        }
        (_, Some(e)) => Err(e),
        _ => Ok(()),
    }
}

/// What the scan before the parser found.
pub(crate) struct Scan {
    /// An upper bound of the flow nesting (see [`scan`]).
    pub depth: usize,
    /// Aliases (`*name`) where a value starts.
    pub aliases: usize,
}

/// An upper bound on how deep `[` and `{` nest as flow collections, from the text alone, and the
/// aliases found on the way.
///
/// The parser slows down with the square of this nesting, so it is counted before the parser
/// runs. In block context a bracket opens a collection only where a value starts (line start,
/// after `- `, `? `, `: `, an anchor or a tag); inside a collection every bracket outside quotes
/// does, and closing brackets count only there. Comments and quoted values are skipped; inside a
/// collection the brackets a quoted value spanning lines leaves open still count, and outside one a quoted value
/// is taken to end at its line's end: where the scan could disagree with the parser it counts
/// more, never less.
pub(crate) fn scan(text: &str) -> Scan {
    let b = text.as_bytes();
    let (mut depth, mut deepest, mut aliases) = (0usize, 0usize, 0usize);
    // Whether a new value may start here; whether the last thing was a quoted value or a
    // closing bracket (after which `:` is a separator even without a space, as in JSON).
    let (mut value_start, mut json_like) = (true, false);
    let blank_at = |i: usize| b.get(i).is_none_or(|c| c.is_ascii_whitespace());
    let mut i = 0;
    while i < b.len() {
        let flow = depth > 0;
        match b[i] {
            b'\n' | b'\r' => {
                if !flow {
                    (value_start, json_like) = (true, false);
                }
            }
            b' ' | b'\t' => {}
            b'#' if i == 0 || b[i - 1].is_ascii_whitespace() => {
                // Outside quotes, ` #` starts a comment wherever it is.
                i = b[i..].iter().position(|&c| c == b'\n').map_or(b.len(), |n| i + n);
                continue;
            }
            b'\'' | b'"' if value_start => {
                let end = skip_quoted(b, i, !flow);
                let piece = &b[i + 1..end];
                if flow && piece.contains(&b'\n') {
                    // A quote spanning lines inside a collection: if the parser does not see it
                    // as one, the lines it seems to cover are real, and so are their brackets.
                    depth += left_open(piece);
                }
                (value_start, json_like) = (false, true);
                i = end - 1;
            }
            b'[' | b'{' if flow || value_start => {
                depth += 1;
                (value_start, json_like) = (true, false);
            }
            b']' | b'}' if flow => {
                depth -= 1;
                (value_start, json_like) = (false, true);
            }
            b',' if flow => (value_start, json_like) = (true, false),
            b':' if blank_at(i + 1)
                || (flow && (json_like || matches!(b.get(i + 1), Some(b',' | b'[' | b']' | b'{' | b'}')))) =>
            {
                (value_start, json_like) = (true, false);
            }
            b'-' | b'?' if value_start && blank_at(i + 1) => {}
            b'&' | b'!' | b'*' if value_start => {
                // An anchor or a tag, after which the value follows; or an alias, which is the value.
                if b[i] == b'*' {
                    aliases += 1;
                    (value_start, json_like) = (false, false);
                }
                while i < b.len()
                    && !b[i].is_ascii_whitespace()
                    && !(flow && matches!(b[i], b',' | b'[' | b']' | b'{' | b'}'))
                {
                    i += 1;
                }
                continue;
            }
            _ => (value_start, json_like) = (false, false),
        }
        deepest = deepest.max(depth);
        if deepest > MAX_DEPTH {
            return Scan { depth: deepest, aliases };
        }
        i += 1;
    }
    Scan { depth: deepest, aliases }
}

/// Brackets a skipped piece of text leaves open (`[` and `{` not closed later in the piece).
fn left_open(piece: &[u8]) -> usize {
    piece.iter().fold(0usize, |open, &c| match c {
        b'[' | b'{' => open + 1,
        b']' | b'}' => open.saturating_sub(1),
        _ => open,
    })
}

/// The index just past the quoted value starting at `start` (`'…'` with `''`, `"…"` with `\`);
/// with `one_line`, at most the end of its line.
fn skip_quoted(b: &[u8], start: usize, one_line: bool) -> usize {
    let quote = b[start];
    let mut i = start + 1;
    while i < b.len() {
        match b[i] {
            b'\n' if one_line => return i,
            b'\\' if quote == b'"' => i += 2,
            q if q == quote => {
                if quote == b'\'' && b.get(i + 1) == Some(&b'\'') {
                    i += 2;
                } else {
                    return i + 1;
                }
            }
            _ => i += 1,
        }
    }
    b.len()
}

/// Whether the text has something that may be an alias (`*name` where a value can start).
fn may_use_aliases(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.iter().enumerate().any(|(i, &b)| {
        b == b'*'
            && (i == 0 || matches!(bytes[i - 1], b' ' | b'\t' | b'\n' | b'\r' | b'[' | b'{' | b','))
            && bytes.get(i + 1).is_some_and(|n| !n.is_ascii_whitespace())
    })
}

/// Entries counted so far (aliases expanded), and the first limit passed.
struct Count {
    nodes: usize,
    cap: usize,
    exceeded: Option<Exceeded>,
}

/// Walks one node without building it, counting it and everything under it.
struct Probe<'c> {
    depth: usize,
    count: &'c mut Count,
}

impl Probe<'_> {
    fn enter<E: de::Error>(&mut self) -> Result<(), E> {
        self.count.nodes += 1;
        if self.count.nodes > self.count.cap {
            self.count.exceeded = Some(Exceeded::Entries { cap: self.count.cap, aliases: true });
            return Err(E::custom("budget"));
        }
        Ok(())
    }

    fn child(&mut self) -> Probe<'_> {
        Probe { depth: self.depth + 1, count: self.count }
    }

    fn nest<E: de::Error>(&mut self) -> Result<(), E> {
        if self.depth + 1 > MAX_DEPTH {
            self.count.exceeded = Some(Exceeded::Depth);
            return Err(E::custom("budget"));
        }
        Ok(())
    }
}

impl<'de> DeserializeSeed<'de> for Probe<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(mut self, deserializer: D) -> Result<(), D::Error> {
        self.enter::<D::Error>()?;
        deserializer.deserialize_any(self)
    }
}

macro_rules! leaf {
    ($($name:ident: $ty:ty),*) => {
        $(fn $name<E: de::Error>(self, _: $ty) -> Result<(), E> { Ok(()) })*
    };
}

impl<'de> Visitor<'de> for Probe<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }

    leaf!(visit_bool: bool, visit_i64: i64, visit_u64: u64, visit_i128: i128, visit_u128: u128, visit_f64: f64, visit_str: &str, visit_bytes: &[u8]);

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_some<D: Deserializer<'de>>(mut self, d: D) -> Result<(), D::Error> {
        self.nest::<D::Error>()?;
        self.child().deserialize(d)
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(mut self, d: D) -> Result<(), D::Error> {
        self.nest::<D::Error>()?;
        self.child().deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
        self.nest::<A::Error>()?;
        while seq.next_element_seed(self.child())?.is_some() {}
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        self.nest::<A::Error>()?;
        while map.next_key_seed(self.child())?.is_some() {
            map.next_value_seed(self.child())?;
        }
        Ok(())
    }

    fn visit_enum<A: EnumAccess<'de>>(mut self, data: A) -> Result<(), A::Error> {
        // A tagged value (`!tag value`): the value under the tag.
        self.nest::<A::Error>()?;
        let ((), variant) = data.variant_seed(self.child())?;
        variant.newtype_variant_seed(self.child())
    }
}
