//! Patch parsing and repair.

pub mod path;
