//! git smart HTTP through the real `git http-backend`, with git2 and with the git CLI.

use std::cell::Cell;
use std::path::Path;
use std::process::Command;

use github_standin::{Permission, RepoSpec, Standin};

const TOKEN: &str = "fake-pat-git_token";

fn standin() -> Standin {
    let gh = Standin::start_blocking().expect("stand-in starts (run scripts/fetch-openapi.sh first)");
    gh.state().add_user("octo", TOKEN, &["repo"]);
    gh.state().add_repo(RepoSpec::new("octo", "hello")).unwrap();
    gh
}

/// Remote callbacks that offer `token` once and give up when it is refused.
fn callbacks<'a>(token: &'a str, tries: &'a Cell<u32>) -> git2::RemoteCallbacks<'a> {
    let mut cb = git2::RemoteCallbacks::new();
    cb.credentials(move |_url, _user, _allowed| {
        tries.set(tries.get() + 1);
        if tries.get() > 1 {
            return Err(git2::Error::from_str("the token was refused"));
        }
        git2::Cred::userpass_plaintext("x-access-token", token)
    });
    cb
}

fn commit_file(repo: &git2::Repository, path: &str, content: &str, message: &str) -> git2::Oid {
    let workdir = repo.workdir().unwrap();
    std::fs::create_dir_all(workdir.join(path).parent().unwrap()).unwrap();
    std::fs::write(workdir.join(path), content).unwrap();
    let mut index = repo.index().unwrap();
    index.add_path(Path::new(path)).unwrap();
    index.write().unwrap();
    let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
    let sig = git2::Signature::now("Lead", "lead@example.com").unwrap();
    let parent = repo.head().ok().and_then(|h| h.peel_to_commit().ok());
    let parents: Vec<&git2::Commit> = parent.iter().collect();
    repo.commit(Some("HEAD"), &sig, &sig, message, &tree, &parents).unwrap()
}

fn clone_with_git2(url: &str, token: &str, into: &Path) -> git2::Repository {
    let tries = Cell::new(0);
    let mut fetch = git2::FetchOptions::new();
    fetch.remote_callbacks(callbacks(token, &tries));
    let repo = git2::build::RepoBuilder::new().fetch_options(fetch).clone(url, into).unwrap();
    repo
}

#[test]
fn git2_push_and_fetch_with_a_token() {
    let gh = standin();
    let dir = tempfile::tempdir().unwrap();
    let repo = clone_with_git2(&gh.git_url("octo", "hello"), TOKEN, &dir.path().join("clone"));
    assert!(repo.workdir().unwrap().join("README.md").exists());
    let oid = commit_file(&repo, "docs/guide.md", "# Guide\n", "Add guide");
    let tries = Cell::new(0);
    let mut push = git2::PushOptions::new();
    push.remote_callbacks(callbacks(TOKEN, &tries));
    let mut remote = repo.find_remote("origin").unwrap();
    remote.push(&["HEAD:refs/heads/chatgpt/dev/f1"], Some(&mut push)).unwrap();
    // The pushed branch is what the REST side reports.
    assert_eq!(gh.state().branch_sha("octo", "hello", "chatgpt/dev/f1").unwrap(), oid.to_string());

    // Someone else pushes to main; fetch brings it.
    gh.state().commit_files("octo", "hello", "main", "Remote change", &[("NEWS.md", "news\n")]).unwrap();
    let tries = Cell::new(0);
    let mut fetch = git2::FetchOptions::new();
    fetch.remote_callbacks(callbacks(TOKEN, &tries));
    remote.fetch(&["refs/heads/main:refs/remotes/origin/main"], Some(&mut fetch), None).unwrap();
    let fetched = repo.find_reference("refs/remotes/origin/main").unwrap().target().unwrap();
    assert_eq!(fetched.to_string(), gh.state().branch_sha("octo", "hello", "main").unwrap());
    gh.assert_no_violations();
}

#[test]
fn git2_push_with_a_bad_token_is_refused_after_one_try() {
    let gh = standin();
    let dir = tempfile::tempdir().unwrap();
    let repo = clone_with_git2(&gh.git_url("octo", "hello"), TOKEN, &dir.path().join("clone"));
    commit_file(&repo, "a.txt", "a\n", "A");
    let tries = Cell::new(0);
    let mut push = git2::PushOptions::new();
    push.remote_callbacks(callbacks("fake-pat-wrong", &tries));
    let err = repo.find_remote("origin").unwrap().push(&["HEAD:refs/heads/feature"], Some(&mut push)).unwrap_err();
    assert_eq!(tries.get(), 2, "asked once, gave up on the second request: {err}");
    assert!(gh.state().branch_sha("octo", "hello", "feature").is_none());
    let statuses: Vec<u16> = gh
        .state()
        .requests()
        .iter()
        .filter(|r| r.operation.as_deref() == Some("git/receive-pack"))
        .map(|r| r.status)
        .collect();
    assert!(statuses.contains(&401), "{statuses:?}");
}

fn git(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .env("GIT_AUTHOR_NAME", "Lead")
        .env("GIT_AUTHOR_EMAIL", "lead@example.com")
        .env("GIT_COMMITTER_NAME", "Lead")
        .env("GIT_COMMITTER_EMAIL", "lead@example.com")
        .output()
        .unwrap()
}

fn with_token(url: &str, token: &str) -> String {
    url.replacen("http://", &format!("http://x-access-token:{token}@"), 1)
}

#[test]
fn git_cli_clone_push_and_refusals() {
    let gh = standin();
    let dir = tempfile::tempdir().unwrap();
    let url = gh.git_url("octo", "hello");
    let out = git(dir.path(), &["clone", &with_token(&url, TOKEN), "work"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let work = dir.path().join("work");
    std::fs::write(work.join("b.txt"), "b\n").unwrap();
    assert!(git(&work, &["add", "b.txt"]).status.success());
    assert!(git(&work, &["commit", "-m", "B"]).status.success());
    let out = git(&work, &["push", "origin", "HEAD:refs/heads/cli-branch"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let head = String::from_utf8(git(&work, &["rev-parse", "HEAD"]).stdout).unwrap();
    assert_eq!(gh.state().branch_sha("octo", "hello", "cli-branch").unwrap(), head.trim());

    // A bad token: the push fails with an authentication error and changes nothing.
    let out = git(&work, &["push", &with_token(&url, "fake-pat-wrong"), "HEAD:refs/heads/other"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("Authentication failed") || stderr.contains("401"), "{stderr}");
    assert!(gh.state().branch_sha("octo", "hello", "other").is_none());

    // A protected branch refuses direct pushes, like GitHub.
    gh.state().protect_branch("octo", "hello", "main").unwrap();
    let before = gh.state().branch_sha("octo", "hello", "main");
    let out = git(&work, &["push", "origin", "HEAD:refs/heads/main"]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("GH006: Protected branch update failed"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(gh.state().branch_sha("octo", "hello", "main"), before);

    // A reader cannot push: 403.
    gh.state().add_user("reader", "fake-pat-reader", &["repo"]);
    gh.state().grant("octo", "hello", "reader", Permission::Read).unwrap();
    let out = git(&work, &["push", &with_token(&url, "fake-pat-reader"), "HEAD:refs/heads/reader"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("403"), "{}", String::from_utf8_lossy(&out.stderr));
    gh.assert_no_violations();
}

#[test]
fn anonymous_clone_works_for_public_repositories_only() {
    let gh = standin();
    gh.state().add_repo(RepoSpec::new("octo", "secret").private()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = git(dir.path(), &["clone", &gh.git_url("octo", "hello"), "public"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = git(dir.path(), &["clone", &gh.git_url("octo", "secret"), "private"]);
    assert!(!out.status.success());
    let out = git(dir.path(), &["clone", &with_token(&gh.git_url("octo", "secret"), TOKEN), "private"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = git(dir.path(), &["clone", &with_token(&gh.git_url("octo", "missing"), TOKEN), "missing"]);
    assert!(!out.status.success());
}
