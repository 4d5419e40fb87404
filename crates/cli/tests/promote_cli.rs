//! `patchdesk promote` on the demo: a patch file and a queued item go to the practice remote,
//! `--json` gives {branch, commit, pr_number, pr_url, steps}; bad input exits 2.

use std::process::Command;

fn patchdesk() -> Command {
    Command::new(env!("CARGO_BIN_EXE_patchdesk"))
}

#[test]
fn promote_to_the_practice_remote_with_json() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("demo");
    assert!(patchdesk().args(["demo", "--root"]).arg(&root).output().unwrap().status.success());
    let project = root.join("project");
    // A patch file: imported first, then sent.
    let out = patchdesk()
        .args(["promote", "--json", "--repo"])
        .arg(&project)
        .arg(root.join("Downloads/patch_20261118_101500_F2.2.diff"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["branch"], "chatgpt/dev/f2.2");
    assert_eq!(v["pr_number"], 1);
    assert_eq!(v["commit"].as_str().unwrap().len(), 40);
    assert!(v["pr_url"].as_str().unwrap().contains("practice-remote.git"));
    let steps: Vec<&str> = v["steps"].as_array().unwrap().iter().filter(|s| s["state"] == "done").map(|s| s["step"].as_str().unwrap()).collect();
    assert_eq!(steps, ["prepare", "commit", "push", "open_review", "finish"]);
    let bare = git2::Repository::open_bare(root.join("practice-remote.git")).unwrap();
    assert_eq!(bare.find_reference("refs/heads/chatgpt/dev/f2.2").unwrap().target().unwrap().to_string(), v["commit"].as_str().unwrap());

    // A queued item by name, as a draft.
    let out = patchdesk().args(["promote", "--draft", "--json", "--repo"]).arg(&project).arg("patch_F3.1_20261119_154500.zip").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((v["branch"].as_str().unwrap(), v["pr_number"].as_u64().unwrap()), ("chatgpt/dev/f3.1", 2));

    // Unknown item: exit 2 with a coded error.
    let out = patchdesk().args(["promote", "--json", "--repo"]).arg(&project).arg("nope.diff").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["error"]["code"], "item_not_found");
}

#[test]
fn promote_to_github_with_a_token_from_the_environment() {
    use github_standin::{RepoSpec, Standin};
    let gh = Standin::start_blocking().expect("stand-in starts (run scripts/fetch-openapi.sh first)");
    gh.state().add_user("octo", "ghp_cli_env_token", &["repo"]);
    gh.state().add_repo(RepoSpec::new("octo", "hello")).unwrap();
    gh.state().commit_files("octo", "hello", "main", "docs", &[("docs/a.md", "one\n")]).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let work = tmp.path().join("lead");
    // The lead's clone (public repository: no token needed to read).
    git2::Repository::clone(&gh.git_url("octo", "hello"), &work).unwrap();
    let patch = tmp.path().join("patch_20261121_090000_F9.1.diff");
    std::fs::write(&patch, "diff --git a/docs/a.md b/docs/a.md\n--- a/docs/a.md\n+++ b/docs/a.md\n@@ -1 +1 @@\n-one\n+two\n").unwrap();
    let out = patchdesk()
        .args(["promote", "--json", "--base", "main", "--repo"])
        .arg(&work)
        .arg(&patch)
        .env("GITHUB_TOKEN", "ghp_cli_env_token")
        .env("PATCHDESK_GITHUB_API", gh.api_url())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["branch"], "chatgpt/auto/f9.1");
    let pr = gh.state().pull_request("octo", "hello", v["pr_number"].as_u64().unwrap()).unwrap();
    assert!(pr.title.starts_with("[F9.1]"), "{}", pr.title);
    assert_eq!(v["pr_url"], format!("{}/octo/hello/pull/{}", gh.api_url(), pr.number));
    assert_eq!(gh.state().branch_sha("octo", "hello", "chatgpt/auto/f9.1").unwrap(), v["commit"].as_str().unwrap());
    gh.stop();
}
