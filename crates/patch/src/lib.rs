//! Patch parsing and repair: every patch format pods hand out, read into one model
//! (commits → files → hunks → lines) that borrows from the input buffer.

pub mod binary;
pub mod model;
pub mod parse;
pub mod path;

pub use model::*;
pub use parse::{parse, parse_with, ParseError, ParseOptions, DEFAULT_MAX_BYTES};
pub use path::{PathError, RepoPath};
