//! What the tests of the board and the seed scripts' subcommands share: the real binary, git,
//! JSON output, and repositories built by code.
#![allow(dead_code)]

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs the real `patchdesk` with `args`.
pub fn patchdesk(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_patchdesk")).args(args).output().unwrap()
}

/// Runs git in `dir`; its output, or the test fails.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git").arg("-C").arg(dir).args(args).output().unwrap();
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// The JSON a command printed, or the test fails showing what it printed.
pub fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)))
}

/// The demo project, built in `dir/demo`.
pub fn demo(dir: &Path) -> PathBuf {
    patchdesk_desk::demo::ensure(&dir.join("demo")).unwrap().project
}

/// A path as the text of an argument.
pub fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}
