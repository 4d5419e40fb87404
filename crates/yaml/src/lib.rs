//! Every YAML file Patchdesk reads or writes goes through this crate.
//!
//! * Reading: [`from_str`] and [`parse_value`] give typed values, or a [`YamlError`] that carries
//!   the line and column in the file and a plain sentence ("a list item is missing its dash").
//! * Writing: [`edit`] changes one value inside existing text and keeps everything else byte for
//!   byte: comments, key order, blank lines, quoting style, unknown keys, CRLF line endings.
//!   Every edit is checked by parsing the result again; an edit that would change anything
//!   besides its target is refused instead of written.
//!
//! The parser is the maintained `serde_norway` fork (serde-compatible); no other crate in
//! Patchdesk depends on a YAML parser directly.

mod budget;
mod edit;
mod scalar;
mod words;

pub use budget::{node_cap, MAX_BYTES, MAX_DEPTH, MAX_NODES};
pub use edit::{append_item, locate, locate_keys, set_list, set_value, Edit, Node};
pub use scalar::{render_scalar, Scalar};
pub use serde_norway::{Mapping, Value};

use patchdesk_error::{Code, Coded};
use serde::de::DeserializeOwned;

/// What went wrong with a YAML text, in plain words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum YamlError {
    /// The text is not valid YAML, or does not have the expected shape.
    #[error("{}", describe_position(*line, *column, message))]
    Invalid {
        /// 1-based line in the text, when the parser knows it.
        line: Option<usize>,
        /// 1-based column in the text, when the parser knows it.
        column: Option<usize>,
        /// Plain-words reason, without the position.
        message: String,
    },
    /// The text is valid, but this edit cannot be made safely (flow-style mapping, anchors,
    /// several documents, missing parent key...). Nothing was changed.
    #[error("{message}")]
    NotEditable {
        /// 1-based line of the place the edit was aimed at, when known.
        line: Option<usize>,
        /// Plain-words reason.
        message: String,
    },
    /// The text is larger, deeper or expands to more entries (through aliases) than Patchdesk
    /// reads; it was not parsed.
    #[error("{message}")]
    TooLarge {
        /// Plain-words reason starting "the file …" ("the file is built to expand to…").
        message: String,
    },
}

impl YamlError {
    /// The 1-based line the error points at, if known.
    pub fn line(&self) -> Option<usize> {
        match self {
            YamlError::Invalid { line, .. } | YamlError::NotEditable { line, .. } => *line,
            YamlError::TooLarge { .. } => None,
        }
    }

    /// The 1-based column the error points at, if known.
    pub fn column(&self) -> Option<usize> {
        match self {
            YamlError::Invalid { column, .. } => *column,
            YamlError::NotEditable { .. } | YamlError::TooLarge { .. } => None,
        }
    }

    /// The reason in plain words, without file or position.
    pub fn reason(&self) -> &str {
        match self {
            YamlError::Invalid { message, .. }
            | YamlError::NotEditable { message, .. }
            | YamlError::TooLarge { message } => message,
        }
    }

    /// A full sentence naming the file: `task.yaml, line 14: a list item is missing its dash`,
    /// or `task.yaml is built to expand to more than 10000 entries (YAML aliases); …`.
    pub fn in_file(&self, file: &str) -> String {
        if let YamlError::TooLarge { message } = self {
            return format!("{file} {}", message.strip_prefix("the file ").unwrap_or(message));
        }
        match self.line() {
            Some(line) => format!("{file}, line {line}: {}", self.reason()),
            None => format!("{file}: {}", self.reason()),
        }
    }

    pub(crate) fn not_editable(line: Option<usize>, message: impl Into<String>) -> Self {
        YamlError::NotEditable { line, message: message.into() }
    }
}

fn describe_position(line: Option<usize>, column: Option<usize>, message: &str) -> String {
    match (line, column) {
        (Some(l), Some(c)) => format!("line {l}, column {c}: {message}"),
        (Some(l), None) => format!("line {l}: {message}"),
        _ => message.to_string(),
    }
}

impl Coded for YamlError {
    fn code(&self) -> Code {
        Code::TaskFileInvalid
    }
}

impl From<serde_norway::Error> for YamlError {
    fn from(e: serde_norway::Error) -> Self {
        let raw = e.to_string();
        let location = e.location();
        let (mut line, mut column) = (location.as_ref().map(|l| l.line()), location.as_ref().map(|l| l.column()));
        // For a missing `:` the parser points past the line that lacks it; its context names it.
        if let Some(ctx) = words::context_position(&raw, "while scanning a simple key at line ") {
            (line, column) = (Some(ctx.0), Some(ctx.1));
        }
        YamlError::Invalid { line, column, message: words::plain_reason(&raw) }
    }
}

/// Reads a YAML text into `T`. Errors carry the line and column in the text and a plain reason.
///
/// The text is first held to one budget (bytes, nesting, entries with aliases expanded; see
/// [`MAX_BYTES`], [`MAX_DEPTH`], [`node_cap`]); a text past it is refused with
/// [`YamlError::TooLarge`] before anything is built.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    budget::check(text).map_err(|e| YamlError::TooLarge { message: format!("the file {}", e.reason()) })?;
    serde_norway::from_str(text).map_err(YamlError::from)
}

/// Reads a YAML text into a generic [`Value`]. An empty text (or only comments) is `Value::Null`.
pub fn parse_value(text: &str) -> Result<Value, YamlError> {
    from_str::<Value>(text)
}

/// Writes a value as a fresh YAML document (for new files; existing files use [`edit`]).
pub fn to_string<T: serde::Serialize>(value: &T) -> Result<String, YamlError> {
    serde_norway::to_string(value).map_err(YamlError::from)
}

/// A key as text: strings as they are, numbers and booleans as written by YAML.
/// `None` for keys that are collections or null.
pub fn key_text(key: &Value) -> Option<String> {
    match key {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Tagged(t) => key_text(&t.value),
        _ => None,
    }
}

/// Looks up `key` in a mapping by its text form (so `1.1:` is found as `"1.1"`).
pub fn get<'v>(map: &'v Mapping, key: &str) -> Option<&'v Value> {
    map.iter().find(|(k, _)| key_text(k).as_deref() == Some(key)).map(|(_, v)| v)
}
