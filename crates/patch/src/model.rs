//! The parsed patch: commits → files → hunks → lines. Text borrows from the input buffer.

use crate::path::RepoPath;
use serde::Serialize;

/// A whole patch as read from one input: zero or more commits (mbox) and the file sections.
#[derive(Debug, Clone, Default)]
pub struct Patch<'a> {
    /// Which kind of text this was.
    pub format: PatchFormat,
    /// Commits of a `git format-patch` series, in order (empty for plain diffs).
    pub commits: Vec<CommitMeta>,
    /// File sections in the order they must be applied.
    pub files: Vec<FilePatch<'a>>,
    /// What was repaired while reading.
    pub repairs: Vec<Repair>,
}

/// The flavour of the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum PatchFormat {
    /// `git diff` output.
    #[default]
    GitDiff,
    /// One or more `git format-patch` mails.
    Mbox,
    /// A classic unified diff (`diff -ruN`), no git headers.
    Unified,
}

/// Author, date and message of one commit in a `git format-patch` series.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, specta::Type)]
pub struct CommitMeta {
    /// `Name <email>` as in the `From:` header.
    pub author: String,
    /// The `Date:` header as written.
    pub date: String,
    /// The subject without the `[PATCH n/m]` tag.
    pub subject: String,
    /// The message body (without the subject).
    pub message: String,
}

/// What happens to one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// Content and/or mode of an existing file changes.
    Modify,
    /// A new file.
    Add,
    /// The file is removed.
    Delete,
    /// The file is moved (possibly edited).
    Rename,
    /// A copy of another file (possibly edited).
    Copy,
}

/// One file section of a patch.
#[derive(Debug, Clone)]
pub struct FilePatch<'a> {
    /// What happens to the file.
    pub change: ChangeKind,
    /// Path before (absent for additions).
    pub old_path: Option<RepoPath>,
    /// Path after (absent for deletions).
    pub new_path: Option<RepoPath>,
    /// Mode before, when the patch says it (`100644`, `100755`, `120000`).
    pub old_mode: Option<u32>,
    /// Mode after, when the patch says it.
    pub new_mode: Option<u32>,
    /// Abbreviated blob id before, from the `index` line.
    pub old_id: Option<String>,
    /// Abbreviated blob id after, from the `index` line.
    pub new_id: Option<String>,
    /// Text hunks.
    pub hunks: Vec<Hunk<'a>>,
    /// Binary content, when the section is a `GIT binary patch` or says "Binary files differ".
    pub binary: Option<BinaryPatch>,
    /// Index into [`Patch::commits`] for mbox series.
    pub commit: Option<usize>,
    /// The section had a `diff --git` header.
    pub git_header: bool,
    /// The hunk headers' line numbers look trustworthy (consistent, nothing repaired).
    pub positions_trusted: bool,
}

impl FilePatch<'_> {
    /// The path this section is about, for messages (new path, else old path).
    pub fn display_path(&self) -> &str {
        self.new_path.as_ref().or(self.old_path.as_ref()).map(RepoPath::as_str).unwrap_or("?")
    }
}

/// Binary payload of a file section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BinaryPatch {
    /// `GIT binary patch` with the forward change (the reverse one is not needed).
    Data(BinaryChunk),
    /// `Binary files a/x and b/x differ`: no data; only usable if the new blob id is known.
    Missing,
}

/// One decoded `literal` or `delta` chunk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BinaryChunk {
    /// The full new content.
    Literal(Vec<u8>),
    /// A git delta against the old content.
    Delta(Vec<u8>),
}

/// One hunk (`@@ -a,b +c,d @@`).
#[derive(Debug, Clone)]
pub struct Hunk<'a> {
    /// Start line in the old file as the header said (1-based; 0 for "before line 1").
    pub old_start: u32,
    /// Old line count (recounted from the body).
    pub old_count: u32,
    /// Start line in the new file as the header said.
    pub new_start: u32,
    /// New line count (recounted from the body).
    pub new_count: u32,
    /// The header had no line numbers (`@@` alone).
    pub bare_header: bool,
    /// Function context text after the second `@@`.
    pub section: &'a [u8],
    /// Body lines.
    pub lines: Vec<Line<'a>>,
}

/// The role of a line in a hunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum LineKind {
    /// Present before and after.
    Context,
    /// Only in the old file (removed).
    Old,
    /// Only in the new file (added).
    New,
}

/// One hunk line, without its leading marker and line end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line<'a> {
    /// Role.
    pub kind: LineKind,
    /// Text without the marker and without `\n`.
    pub text: &'a [u8],
    /// Followed by `\ No newline at end of file`.
    pub no_newline: bool,
}

/// What kind of repair was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum RepairKind {
    /// Markdown fence lines were dropped.
    Fence,
    /// Prose around the diff was ignored.
    SurroundingText,
    /// The whole patch had Windows line ends.
    CrlfLineEnds,
    /// File sections had no `diff --git` header.
    MissingGitHeader,
    /// Paths had no `a/` `b/` prefixes.
    MissingPrefix,
    /// A hunk's line counts were wrong and were recounted.
    HunkCounts,
    /// A hunk header had no line numbers.
    BareHunkHeader,
    /// Blank context lines had lost their leading space.
    BlankContextLine,
    /// A hunk was found at another line than its header said.
    HunkMoved,
    /// Context matched only when trailing whitespace was ignored.
    TrailingWhitespace,
    /// A chat answer's lines matched only when indentation was ignored (the file's own
    /// indentation was kept).
    Indentation,
    /// A chat answer's lines matched only when typographic dashes, quotes and spaces were read
    /// as plain ones.
    Typography,
    /// The pod named a file by the end of its path (`stages.py`); the project's only file with
    /// that name was used.
    PathTail,
    /// A change was already in main and was skipped.
    AlreadyInMain,
}

/// One repair, with a sentence for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct Repair {
    /// Kind of repair.
    pub kind: RepairKind,
    /// File concerned, if any.
    pub path: Option<String>,
    /// 1-based hunk number within the file, if any.
    pub hunk: Option<u32>,
    /// Plain sentence ("hunk 3 of src/app.rs was found 12 lines lower than the patch said").
    pub message: String,
}

// ---------- owned view for the UI ----------

/// A readable, owned copy of a patch for display.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct PatchView {
    /// Flavour of the input.
    pub format: PatchFormat,
    /// Commits (mbox).
    pub commits: Vec<CommitMeta>,
    /// Files.
    pub files: Vec<FileView>,
    /// Repairs made while reading.
    pub repairs: Vec<Repair>,
}

/// One file for display.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct FileView {
    /// What happens.
    pub change: ChangeKind,
    /// Path before.
    pub old_path: Option<String>,
    /// Path after.
    pub new_path: Option<String>,
    /// Mode before (octal text).
    pub old_mode: Option<String>,
    /// Mode after (octal text).
    pub new_mode: Option<String>,
    /// Binary change (no lines to show).
    pub binary: bool,
    /// Hunks.
    pub hunks: Vec<HunkView>,
}

/// One hunk for display.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct HunkView {
    /// Old start line.
    pub old_start: u32,
    /// New start line.
    pub new_start: u32,
    /// Function context.
    pub section: String,
    /// Lines.
    pub lines: Vec<LineView>,
}

/// One line for display (invalid UTF-8 shown with replacement characters).
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct LineView {
    /// Role.
    pub kind: LineKind,
    /// Text.
    pub text: String,
}

impl Patch<'_> {
    /// An owned copy for display.
    pub fn view(&self) -> PatchView {
        PatchView {
            format: self.format,
            commits: self.commits.clone(),
            repairs: self.repairs.clone(),
            files: self
                .files
                .iter()
                .map(|f| FileView {
                    change: f.change,
                    old_path: f.old_path.as_ref().map(|p| p.to_string()),
                    new_path: f.new_path.as_ref().map(|p| p.to_string()),
                    old_mode: f.old_mode.map(|m| format!("{m:o}")),
                    new_mode: f.new_mode.map(|m| format!("{m:o}")),
                    binary: f.binary.is_some(),
                    hunks: f
                        .hunks
                        .iter()
                        .map(|h| HunkView {
                            old_start: h.old_start,
                            new_start: h.new_start,
                            section: String::from_utf8_lossy(h.section).into_owned(),
                            lines: h
                                .lines
                                .iter()
                                .map(|l| LineView { kind: l.kind, text: String::from_utf8_lossy(l.text).into_owned() })
                                .collect(),
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}
