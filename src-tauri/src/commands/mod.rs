//! Commands grouped by domain. Each is a few lines: state in, core call, `{code, message}` out.

pub mod board;
pub mod downloads;
pub mod github;
pub mod inbox;
pub mod project;
pub mod promote;
