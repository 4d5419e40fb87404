//! Commands grouped by domain. Each is a few lines: state in, core call, `{code, message}` out.

pub mod board;
pub mod choose;
pub mod downloads;
pub mod github;
pub mod help;
pub mod inbox;
pub mod links;
pub mod project;
pub mod promote;
pub mod review;
pub mod undo;
pub mod window;
