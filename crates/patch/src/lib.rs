//! Patch parsing and repair: every patch format pods hand out, read into one model
//! (commits → files → hunks → lines) that borrows from the input buffer.

pub mod binary;
pub mod model;
pub mod parse;
pub mod path;
pub mod risk;

pub use model::*;
pub use parse::{
    parse, parse_with, ParseError, ParseOptions, DEFAULT_MAX_BINARY_BYTES, DEFAULT_MAX_BYTES, DEFAULT_MAX_HUNKS,
    DEFAULT_MAX_LINES,
};
pub use path::{PathError, RepoPath};
pub use risk::{risk, risk_of_change, Risk, RiskyPath};
