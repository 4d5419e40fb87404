//! `patchdesk apply` contract: JSON shape and exit codes, on a real repository.

use std::process::Command;

fn patchdesk(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_patchdesk")).args(args).output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned())
}

fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let git = |args: &[&str]| {
        let o = Command::new("git").arg("-C").arg(dir.path()).args(args).output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    git(&["init", "-q", "-b", "main"]);
    std::fs::write(dir.path().join("a.txt"), "one\ntwo\n").unwrap();
    git(&["add", "a.txt"]);
    git(&["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "c"]);
    std::fs::write(dir.path().join("ok.diff"), "--- a/a.txt\n+++ b/a.txt\n@@ -1,2 +1,2 @@\n one\n-two\n+2\n").unwrap();
    std::fs::write(dir.path().join("bad.diff"), "--- a/a.txt\n+++ b/a.txt\n@@ -1,2 +1,2 @@\n one\n-zzz\n+2\n").unwrap();
    dir
}

#[test]
fn json_contract_and_exit_codes() {
    let dir = setup();
    let repo = dir.path().to_str().unwrap();
    let p = |f: &str| dir.path().join(f).to_str().unwrap().to_string();
    let (code, out) = patchdesk(&["apply", "--repo", repo, "--base", "main", "--json", &p("ok.diff")]);
    assert_eq!(code, 0, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["outcome"], "clean");
    assert_eq!(v["tree"].as_str().unwrap().len(), 40);
    assert_eq!(v["files"][0]["path"], "a.txt");
    assert_eq!(v["files"][0]["status"], "modified");
    assert_eq!(v["files"][0]["added"], 1);
    assert!(v["repairs"].as_array().unwrap().is_empty());
    // The tree is really in the object database and has the change.
    let show = Command::new("git").arg("-C").arg(repo).args(["show", &format!("{}:a.txt", v["tree"].as_str().unwrap())]).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&show.stdout), "one\n2\n");

    let (code, out) = patchdesk(&["apply", "--repo", repo, "--base", "main", "--json", &p("bad.diff")]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["outcome"], "refused");
    assert!(v["tree"].is_null());
    assert_eq!(v["problems"][0]["path"], "a.txt");
    assert_eq!(v["problems"][0]["hunk"], 1);

    let (code, out) = patchdesk(&["apply", "--repo", repo, "--base", "main", &p("ok.diff")]);
    assert_eq!(code, 0);
    assert!(out.starts_with("Applied cleanly."), "{out}");

    // Usage errors: missing file, not a repository, unknown revision.
    assert_eq!(patchdesk(&["apply", "--repo", repo, "--base", "main", &p("missing.diff")]).0, 2);
    assert_eq!(patchdesk(&["apply", "--repo", "/nonexistent-dir", "--base", "main", &p("ok.diff")]).0, 2);
    assert_eq!(patchdesk(&["apply", "--repo", repo, "--base", "no-such-branch", &p("ok.diff")]).0, 2);
    assert_eq!(patchdesk(&["apply", "--repo", repo, &p("ok.diff")]).0, 2);
}
