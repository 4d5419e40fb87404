//! What the promote and sync tests share: the real binary, the demo, and a GitHub stand-in
//! with the lead's clone.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use github_standin::{RepoSpec, Standin};

/// The `patchdesk` binary this crate builds.
pub fn patchdesk() -> Command {
    Command::new(env!("CARGO_BIN_EXE_patchdesk"))
}

/// The JSON a successful run printed (the run's output in the failure message otherwise).
pub fn json(out: &Output) -> serde_json::Value {
    assert!(out.status.success(), "{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// `patchdesk ARGS --repo REPO`, run to the end.
pub fn run(args: &[&str], repo: &Path) -> Output {
    patchdesk().args(args).arg("--repo").arg(repo).output().unwrap()
}

/// `patchdesk promote --json` of `item` (a file, or an inbox item's name) in `project`.
pub fn promote(project: &Path, item: impl AsRef<std::ffi::OsStr>) -> Command {
    let mut c = patchdesk();
    c.args(["promote", "--json", "--repo"]).arg(project).arg(item);
    c
}

/// `patchdesk demo` into `dir/demo`: the demo's root and its project (`project/` in it).
pub fn demo(dir: &Path) -> (PathBuf, PathBuf) {
    let root = dir.join("demo");
    assert!(patchdesk().args(["demo", "--root"]).arg(&root).output().unwrap().status.success());
    let project = root.join("project");
    (root, project)
}

/// A stand-in with `octo/hello` (`files` on main) and `token`'s user, the lead's clone in
/// `lead/` and a patch to `docs/a.md` (`one` → `two`) in `patch_20261121_090000_F9.1.diff`,
/// both in the folder returned.
pub fn standin_and_clone(token: &str, files: &[(&str, &str)]) -> (Standin, tempfile::TempDir) {
    let gh = Standin::start_blocking().expect("stand-in starts (run scripts/fetch-openapi.sh first)");
    gh.state().add_user("octo", token, &["repo"]);
    gh.state().add_repo(RepoSpec::new("octo", "hello")).unwrap();
    gh.state().commit_files("octo", "hello", "main", "docs", files).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    // The lead's clone (public repository: no token needed to read).
    git2::Repository::clone(&gh.git_url("octo", "hello"), tmp.path().join("lead")).unwrap();
    std::fs::write(
        tmp.path().join("patch_20261121_090000_F9.1.diff"),
        "diff --git a/docs/a.md b/docs/a.md\n--- a/docs/a.md\n+++ b/docs/a.md\n@@ -1 +1 @@\n-one\n+two\n",
    )
    .unwrap();
    (gh, tmp)
}
