//! The other shapes chat assistants hand changes out in, read and placed without guessing:
//!
//! - OpenAI's apply_patch envelope ("V4A": `*** Begin Patch` … `*** End Patch`);
//! - SEARCH/REPLACE edit blocks (aider, Cline, Roo);
//! - whole files in fenced blocks, named by the answer.
//!
//! Reading is pure (bytes in, [`Answer`] out, limits on the whole answer). Placing
//! ([`place`]) works on any [`Base`]: blocks are found on a ladder of rungs (exact, spaces at
//! line ends, indentation, typography), each loosening named as a repair; a block that fits in
//! more than one place is refused unless the answer's own `@@` lines or `:start_line:` single
//! one out; elided code is refused; a change already in the base is said to be. [`apply_text`]
//! does it all on a git tree through the apply engine.

mod answer;
mod blocks;
#[cfg(feature = "git")]
mod hunks;
mod locate;
#[cfg(feature = "git")]
mod onto;
mod resolve;
mod text;
mod v4a;
mod whole;

pub use answer::{Answer, Chunk, FileChange, Limits, Op, ReadError, Role, Shape, DEFAULT_MAX_LINES};
pub use locate::Rung;
#[cfg(feature = "git")]
pub use onto::{apply_answer, apply_text, TreeBase};
pub use resolve::{is_elision, place, Base, BaseFile, Change, Plan, PlannedFile, Refusal, Repair, RepairKind};

/// The shape a text is clearly written in, from markers no unified diff has at the start of a
/// line: an OpenAI patch envelope or edit blocks. Whole files are never sniffed (a fenced block
/// after a file name is too common in prose); [`read`] still finds them.
pub fn sniff(text: &[u8]) -> Option<Shape> {
    let mut head = &text[..text.len().min(64 << 20)];
    // Markers are looked for in the first lines only: lines cost memory once split.
    if let Some(end) = memchr::memchr_iter(b'\n', head).nth(answer::DEFAULT_MAX_LINES) {
        head = &head[..end];
    }
    // Both shapes need a marker line ("*** Begin Patch", or a run of `<` or `-` naming SEARCH):
    // a text with neither (every plain diff) is told in one quick pass over its bytes, without
    // making text of it.
    if !has_marker_line(head) {
        return None;
    }
    let s = String::from_utf8_lossy(head);
    let lines: Vec<&str> = s.lines().collect();
    if v4a::present(&lines) {
        return Some(Shape::OpenAiPatch);
    }
    if blocks::present(&lines) {
        return Some(Shape::EditBlocks);
    }
    None
}

/// True when a line starts like an envelope or an edit block's SEARCH marker (a cheap test that
/// every real marker passes).
fn has_marker_line(text: &[u8]) -> bool {
    let starts = std::iter::once(0).chain(memchr::memchr_iter(b'\n', text).map(|i| i + 1));
    starts.into_iter().any(|at| {
        let line = &text[at..];
        match line.first() {
            Some(b'*') => line.starts_with(b"*** Begin Patch"),
            Some(b'<') | Some(b'-') => {
                let end = memchr::memchr(b'\n', line).unwrap_or(line.len());
                let line = &line[..end];
                (line.starts_with(b"<<<<<") || line.starts_with(b"-----"))
                    && memchr::memmem::find(line, b"SEARCH").is_some()
            }
            _ => false,
        }
    })
}

/// Why a text is no answer at all (see [`ReadError::holds_no_change`]).
pub(crate) const NO_CHANGE: &str =
    "The answer holds no change Patchdesk can read: no diff, no OpenAI patch, no edit blocks and no whole files named by a path.";

/// Reads a chat answer in whichever of the shapes it is written in.
pub fn read(text: &[u8], limits: &Limits) -> Result<Answer, ReadError> {
    match sniff(text) {
        Some(Shape::OpenAiPatch) => v4a::read(text, limits),
        Some(Shape::EditBlocks) => blocks::read(text, limits),
        _ => {
            whole::read(text, limits).map_err(
                |e| {
                    if e.message == whole::NO_FILES {
                        ReadError::new(NO_CHANGE)
                    } else {
                        e
                    }
                },
            )
        }
    }
}
