//! What a reader makes of a chat answer: the files it changes and how, before anything is
//! placed on a base. Paths are kept as the pod wrote them; they are checked when placed.

use serde::Serialize;

/// Which shape the answer was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Shape {
    /// OpenAI's apply_patch envelope (`*** Begin Patch` … `*** End Patch`).
    OpenAiPatch,
    /// SEARCH/REPLACE edit blocks (aider, Cline, Roo).
    EditBlocks,
    /// Complete files in fenced blocks, each named by the answer.
    WholeFiles,
}

impl Shape {
    /// The word the inbox shows for this shape.
    pub fn label(self) -> &'static str {
        match self {
            Shape::OpenAiPatch => "OpenAI patch",
            Shape::EditBlocks => "Edit blocks",
            Shape::WholeFiles => "Whole files",
        }
    }
}

/// An answer read into file changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// The shape it was written in.
    pub shape: Shape,
    /// The changes, in the order the answer gives them.
    pub files: Vec<FileChange>,
    /// What was set aside while reading (prose, fences, Windows line ends), in plain words.
    pub notes: Vec<String>,
}

/// One file the answer changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileChange {
    /// The path as the pod wrote it.
    pub path: String,
    /// What happens to it.
    pub op: Op,
}

/// What happens to one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    /// A new file with these lines (OpenAI `*** Add File`).
    Add(Vec<String>),
    /// The file is removed (OpenAI `*** Delete File`).
    Delete,
    /// Context-located changes in order (OpenAI `*** Update File`), maybe moved.
    Update {
        /// `*** Move to:` destination.
        move_to: Option<String>,
        /// The hunks, in file order.
        chunks: Vec<Chunk>,
    },
    /// SEARCH/REPLACE blocks, applied one after the other (any order in the file).
    Blocks(Vec<Chunk>),
    /// The file's complete new content.
    Whole {
        /// The lines.
        lines: Vec<String>,
        /// The first line is a comment naming the file (`# src/x.py`): a label, unless the
        /// file in the base starts with that same line.
        first_line_names_it: bool,
    },
}

/// The role of a chunk line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// In the file before and after.
    Context,
    /// Only before (removed).
    Old,
    /// Only after (added).
    New,
}

/// One located change: lines to find in the file and what they become.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    /// 1-based number within its file, for messages.
    pub number: usize,
    /// `@@ <line>` scope lines (several may stack), outermost first.
    pub scopes: Vec<String>,
    /// The lines with their roles, in order.
    pub lines: Vec<(Role, String)>,
    /// `*** End of File`: the old lines end the file.
    pub end_of_file: bool,
    /// `:start_line:` of an edit block (1-based).
    pub start_line: Option<usize>,
}

impl Chunk {
    /// The lines that must be found in the file.
    pub fn old_lines(&self) -> impl Iterator<Item = &str> {
        self.lines.iter().filter(|(r, _)| *r != Role::New).map(|(_, t)| t.as_str())
    }

    /// The lines that take their place.
    pub fn new_lines(&self) -> impl Iterator<Item = &str> {
        self.lines.iter().filter(|(r, _)| *r != Role::Old).map(|(_, t)| t.as_str())
    }

    /// An edit block as a chunk: the lines SEARCH and REPLACE share at both ends become
    /// context (kept from the file), the rest is removed and added.
    pub fn from_search_replace(
        number: usize,
        search: Vec<String>,
        replace: Vec<String>,
        start_line: Option<usize>,
    ) -> Chunk {
        let head = search.iter().zip(&replace).take_while(|(a, b)| a == b).count();
        let tail = search[head..].iter().rev().zip(replace[head..].iter().rev()).take_while(|(a, b)| a == b).count();
        let mut lines = Vec::with_capacity(search.len() + replace.len() - head - tail);
        for t in &search[..head] {
            lines.push((Role::Context, t.clone()));
        }
        for t in &search[head..search.len() - tail] {
            lines.push((Role::Old, t.clone()));
        }
        for t in &replace[head..replace.len() - tail] {
            lines.push((Role::New, t.clone()));
        }
        for t in &search[search.len() - tail..] {
            lines.push((Role::Context, t.clone()));
        }
        Chunk { number, scopes: Vec::new(), lines, end_of_file: false, start_line }
    }
}

/// Limits on one answer, checked while reading (totals for the whole answer).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest answer, in bytes.
    pub max_bytes: usize,
    /// Most files one answer may change.
    pub max_files: usize,
    /// Most hunks and edit blocks in one answer, all files together.
    pub max_blocks: usize,
    /// Most line comparisons spent placing one answer on its base.
    pub max_work: u64,
    /// Most lines in one answer (counted before any is read: each line read costs memory).
    pub max_lines: usize,
}

/// Most lines a chat answer may have by default: far more than any chat hands out, few enough
/// that reading them stays within a few hundred megabytes.
pub const DEFAULT_MAX_LINES: usize = 2_000_000;

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 64 << 20,
            max_files: 10_000,
            max_blocks: 100_000,
            max_work: 400_000_000,
            max_lines: DEFAULT_MAX_LINES,
        }
    }
}

/// Why an answer could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError {
    /// One plain sentence for the lead.
    pub message: String,
}

impl ReadError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        ReadError { message: message.into() }
    }

    /// True when the text holds no change in any shape (rather than a damaged one).
    pub fn holds_no_change(&self) -> bool {
        self.message == crate::NO_CHANGE
    }
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ReadError {}
