//! `patchdesk sync`: follows the pull requests `patchdesk promote` opened, on the practice
//! remote and on the GitHub stand-in; `--json` gives the lifecycle report.

mod hub;

use std::path::Path;
use std::process::{Command, Output};

use hub::{demo, patchdesk, promote, standin_and_clone};

fn json(out: &Output) -> serde_json::Value {
    assert!(out.status.success(), "{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn sync(repo: &Path) -> Output {
    patchdesk().args(["sync", "--json", "--repo"]).arg(repo).output().unwrap()
}

fn last_subject(repo: &Path) -> String {
    let out = Command::new("git").arg("-C").arg(repo).args(["log", "-1", "--format=%s"]).output().unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

#[test]
fn sync_follows_the_practice_remote() {
    let tmp = tempfile::tempdir().unwrap();
    let (root, project) = demo(tmp.path());

    // Nothing sent yet: nothing to follow.
    let v = json(&sync(&project));
    assert_eq!(v["reviews"].as_array().unwrap().len(), 0);
    assert!(v["commit"].is_null());

    let out = promote(&project, root.join("Downloads/patch_20261118_101500_F2.2.diff")).output().unwrap();
    let number = json(&out)["pr_number"].as_u64().unwrap();
    let v = json(&sync(&project));
    assert_eq!(v["reviews"][0]["change"], "in_review");
    assert_eq!(v["reviews"][0]["task_id"], "F2.2");
    assert_eq!(v["commit"].as_str().unwrap().len(), 40);
    assert_eq!(last_subject(&project), format!("#{number} opened: F2.2 in review"));

    patchdesk_desk::practice::merge(&practice_desk(), &root.join("practice-remote.git").to_string_lossy(), number)
        .unwrap();
    let v = json(&sync(&project));
    let r = &v["reviews"][0];
    assert_eq!((r["state"].as_str(), r["change"].as_str()), (Some("merged"), Some("merged")));
    assert_eq!(last_subject(&project), format!("Merged #{number}: F2.2 done"));
    let tasks = json(&patchdesk().args(["tasks", "--json", "--repo"]).arg(&project).output().unwrap());
    let f22 = tasks["tasks"].as_array().unwrap().iter().find(|t| t["id"] == "F2.2").unwrap();
    assert_eq!(f22["status"], "done");

    // Again: nothing new, no commit; the text form says so.
    let v = json(&sync(&project));
    assert!(v["commit"].is_null());
    assert_eq!(v["reviews"][0]["change"], "unchanged");
    let out = patchdesk().args(["sync", "--repo"]).arg(&project).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(&format!("#{number}")) && text.contains("merged") && text.contains("Nothing to record."),
        "{text}"
    );
}

/// Two requests open at once: once one is merged, `sync` makes the other again on the new main
/// (both append to the shared delivery logs), and it can then be merged too.
#[test]
fn sync_brings_the_other_open_request_up_to_date_after_a_merge() {
    let tmp = tempfile::tempdir().unwrap();
    let (root, project) = demo(tmp.path());
    let send = |file: &str| {
        let out = promote(&project, root.join("Downloads").join(file)).output().unwrap();
        json(&out)["pr_number"].as_u64().unwrap()
    };
    let first = send("patch_20261118_101500_F2.2.diff");
    let zip = std::fs::read_dir(root.join("Downloads"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .find(|n| n.ends_with(".zip"))
        .unwrap();
    let second = send(&zip);
    let practice = root.join("practice-remote.git").to_string_lossy().into_owned();
    patchdesk_desk::practice::merge(&practice_desk(), &practice, first).unwrap();
    assert!(
        patchdesk_desk::practice::merge(&practice_desk(), &practice, second).is_err(),
        "the second clashes in the shared logs before sync"
    );
    let v = json(&sync(&project));
    let refreshed = v["refreshed"].as_array().unwrap();
    assert_eq!(refreshed.len(), 1, "{v}");
    assert!(refreshed[0]["words"].as_str().unwrap().contains("made again on the newest base"), "{v}");
    patchdesk_desk::practice::merge(&practice_desk(), &practice, second).unwrap();
    let v = json(&sync(&project));
    assert!(v["reviews"].as_array().unwrap().iter().all(|r| r["state"] == "merged"), "{v}");
}

#[test]
fn sync_follows_github_with_a_token_from_the_environment() {
    let board = "tasks:\n  F9.1:\n    title: One\n    pod_owner: DevPod\n    status: in_progress\n  F9.2:\n    title: Two\n    pod_owner: QAPod\n    status: planned\n    depends_on: [F9.1]\n";
    let (gh, tmp) = standin_and_clone("fake-cli-sync-token", &[("docs/a.md", "one\n"), ("task.yaml", board)]);
    let work = tmp.path().join("lead");
    let patch = tmp.path().join("patch_20261121_090000_F9.1.diff");
    let env = |c: &mut Command| {
        c.env("GITHUB_TOKEN", "fake-cli-sync-token").env("PATCHDESK_GITHUB_API", gh.api_url());
    };
    let mut c = patchdesk();
    c.args(["promote", "--json", "--base", "main", "--repo"]).arg(&work).arg(&patch);
    env(&mut c);
    let number = json(&c.output().unwrap())["pr_number"].as_u64().unwrap();

    let mut c = patchdesk();
    c.args(["sync", "--json", "--repo"]).arg(&work);
    env(&mut c);
    assert_eq!(json(&c.output().unwrap())["reviews"][0]["change"], "in_review");
    gh.state().clear_requests();
    let mut c = patchdesk();
    c.args(["sync", "--json", "--repo"]).arg(&work);
    env(&mut c);
    assert_eq!(json(&c.output().unwrap())["reviews"][0]["not_modified"], true);
    // The poll and every read of what reviewers said (reviews, comments, checks) are
    // conditional on the answers kept from the first round: all 304, none counted.
    let reads: Vec<(String, u16)> = gh
        .state()
        .requests()
        .into_iter()
        .filter(|r| r.method == "GET" && !r.operation.as_deref().unwrap_or_default().starts_with("git/"))
        .map(|r| (r.operation.unwrap_or_default(), r.status))
        .collect();
    // The poll, the request for its head, reviews, line comments, comments, status, check runs.
    assert!(reads.len() == 7 && reads.iter().all(|(_, s)| *s == 304), "{reads:?}");
    assert!(work.join(".git/patchdesk/feedback-cache.json").is_file());
    assert!(no_feedback_file_in_git_status(&work), "the kept answers are not in the project");

    gh.state().merge_pull("octo", "hello", number, "octo").unwrap();
    let mut c = patchdesk();
    c.args(["sync", "--json", "--repo"]).arg(&work);
    env(&mut c);
    let v = json(&c.output().unwrap());
    assert_eq!(v["reviews"][0]["unlocked"], serde_json::json!(["F9.2"]));
    assert_eq!(last_subject(&work), format!("Merged #{number}: F9.1 done; F9.2 now ready"));

    // A refused token: exit 1 with a coded error, nothing committed.
    let mut c = patchdesk();
    c.args(["sync", "--json", "--repo"])
        .arg(&work)
        .env("GITHUB_TOKEN", "not-known")
        .env("PATCHDESK_GITHUB_API", gh.api_url());
    let out = c.output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["error"]["code"], "auth_rejected");
    assert_eq!(last_subject(&work), format!("Merged #{number}: F9.1 done; F9.2 now ready"));
    gh.stop();
}

#[test]
fn sync_without_a_repository_is_a_usage_error() {
    let tmp = tempfile::tempdir().unwrap();
    let out = patchdesk().args(["sync", "--json", "--repo"]).arg(tmp.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["error"]["code"], "repo_not_found");
}

/// A project with no remote, and a GitHub remote with nobody signed in, each say so: not
/// "the repository on GitHub can't be found" or "GitHub didn't accept your sign-in".
#[test]
fn sync_says_when_there_is_no_remote_or_no_sign_in() {
    let tmp = tempfile::tempdir().unwrap();
    let work = tmp.path().join("lead");
    let repo = git2::Repository::init(&work).unwrap();
    let sig = git2::Signature::now("Lead", "lead@example.com").unwrap();
    let tree = repo.find_tree(repo.index().unwrap().write_tree().unwrap()).unwrap();
    repo.commit(Some("HEAD"), &sig, &sig, "start", &tree, &[]).unwrap();
    let sync = || {
        patchdesk()
            .args(["sync", "--json", "--repo"])
            .arg(&work)
            .env_remove("GITHUB_TOKEN")
            .env_remove("PATCHDESK_GITHUB_API")
            .output()
            .unwrap()
    };
    let out = sync();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()["error"]["code"], "no_remote");
    repo.remote("origin", "https://github.com/octo/hello.git").unwrap();
    let out = sync();
    assert_eq!(out.status.code(), Some(1));
    let code = serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()["error"]["code"]
        .as_str()
        .unwrap()
        .to_string();
    // Without an OS keyring (outside scripts/with-keyring.sh) the keyring is what is missing.
    assert!(code == "not_signed_in" || code == "keyring_unavailable", "{code}");
}

/// After a merge, `sync` makes the other open request again and pushes it: to a remote that is
/// not the signed-in host, nothing is sent, and the words say why (finding 1, for the
/// follow-up the app also runs every minute).
#[test]
fn sync_never_sends_the_sign_in_to_another_host() {
    use std::io::{Read, Write};
    let token = format!("fake-sync-{}-not-a-real-token", std::process::id());
    let (gh, tmp) = standin_and_clone(&token, &[("docs/a.md", "one\n"), ("docs/b.md", "bee\n")]);
    let work = tmp.path().join("lead");
    let env = |c: &mut Command| {
        c.env("GITHUB_TOKEN", &token).env("PATCHDESK_GITHUB_API", gh.api_url());
    };
    let mut numbers = Vec::new();
    for (task, file, old, new) in [("F9.1", "a", "one", "two"), ("F9.2", "b", "bee", "wasp")] {
        let patch = tmp.path().join(format!("patch_20261121_090000_{task}.diff"));
        std::fs::write(&patch, format!("diff --git a/docs/{file}.md b/docs/{file}.md\n--- a/docs/{file}.md\n+++ b/docs/{file}.md\n@@ -1 +1 @@\n-{old}\n+{new}\n")).unwrap();
        let mut c = patchdesk();
        c.args(["promote", "--json", "--base", "main", "--repo"]).arg(&work).arg(&patch);
        env(&mut c);
        numbers.push(json(&c.output().unwrap())["pr_number"].as_u64().unwrap());
    }
    gh.state().merge_pull("octo", "hello", numbers[0], "octo").unwrap();
    let branch_before = gh.state().branch_sha("octo", "hello", "chatgpt/auto/f9.2");

    // A server asking for a password, where `origin` now points.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let evil = format!("http://{}/octo/hello.git", listener.local_addr().unwrap());
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        for mut conn in listener.incoming().flatten() {
            let _ = conn.set_read_timeout(Some(std::time::Duration::from_secs(5)));
            let mut buf = [0u8; 8192];
            if let Ok(n) = conn.read(&mut buf) {
                log.lock().unwrap().extend_from_slice(&buf[..n]);
            }
            let _ = conn.write_all(b"HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"git\"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        }
    });
    git2::Repository::open(&work).unwrap().remote_set_url("origin", &evil).unwrap();
    let mut c = patchdesk();
    c.args(["sync", "--json", "--github-repo", "octo/hello", "--repo"]).arg(&work);
    env(&mut c);
    let v = json(&c.output().unwrap());
    let refreshed = v["refreshed"].as_array().unwrap();
    assert_eq!(refreshed.len(), 1, "{v}");
    let words = refreshed[0]["words"].as_str().unwrap();
    assert!(words.contains(&format!("This project's remote ({evil}) is not on GitHub")), "{words}");
    let got = seen.lock().unwrap().clone();
    assert!(
        !String::from_utf8_lossy(&got).to_lowercase().contains("authorization"),
        "{}",
        String::from_utf8_lossy(&got)
    );
    assert!(!got.windows(token.len()).any(|w| w == token.as_bytes()));
    assert_eq!(gh.state().branch_sha("octo", "hello", "chatgpt/auto/f9.2"), branch_before, "nothing replaced");
    gh.stop();
}

/// `--github-repo` is what the person said: the review requests are followed on that GitHub
/// repository even when the remote's address is a folder on this disk (it used to become the
/// practice remote without a word).
#[test]
fn sync_follows_the_github_repository_named_even_when_the_remote_is_a_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let (_, project) = demo(tmp.path());
    let out = patchdesk()
        .args(["sync", "--github-repo", "octo/hello", "--repo"])
        .arg(&project)
        .env("GITHUB_TOKEN", "fake-pat-named-repo")
        .env("PATCHDESK_GITHUB_API", "http://127.0.0.1:9")
        .env("PATCHDESK_DATA_DIR", tmp.path().join("data"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}{}", String::from_utf8_lossy(&out.stderr));
    assert!(text.contains("No pull requests to follow on octo/hello on 127.0.0.1:9"), "{text}");
    // Without it, a folder is the practice remote.
    let out = patchdesk()
        .args(["sync", "--repo"])
        .arg(&project)
        .env("PATCHDESK_DATA_DIR", tmp.path().join("data"))
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("No pull requests to follow on the practice remote"));
}

/// The GitHub server set in the window (the settings file in the app's data folder) is the one
/// `patchdesk promote` and `sync` use: no `PATCHDESK_GITHUB_API` needed.
#[test]
fn promote_and_sync_use_the_github_server_set_in_the_window() {
    let (gh, tmp) = standin_and_clone("fake-pat-window-server", &[("docs/a.md", "one\n")]);
    let data = tmp.path().join("data");
    // What the window's "Settings for your organisation" saves.
    patchdesk_desk::settings::set_github(&data, &gh.api_url(), "").unwrap();
    let work = tmp.path().join("lead");
    let patch = tmp.path().join("patch_20261121_090000_F9.1.diff");
    let env = |c: &mut Command| {
        c.env("GITHUB_TOKEN", "fake-pat-window-server")
            .env_remove("PATCHDESK_GITHUB_API")
            .env("PATCHDESK_DATA_DIR", &data);
    };
    let mut c = patchdesk();
    c.args(["promote", "--json", "--base", "main", "--repo"]).arg(&work).arg(&patch);
    env(&mut c);
    let number = json(&c.output().unwrap())["pr_number"].as_u64().unwrap();
    assert!(gh.state().pull_request("octo", "hello", number).is_some());
    let mut c = patchdesk();
    c.args(["sync", "--json", "--repo"]).arg(&work);
    env(&mut c);
    assert_eq!(json(&c.output().unwrap())["reviews"][0]["change"], "in_review");
    gh.stop();
}

/// A desk for playing the practice remote's reviewer (its data folder is not used).
fn practice_desk() -> patchdesk_desk::Desk {
    patchdesk_desk::Desk::new(std::env::temp_dir().join("patchdesk-practice-reviewer"), Default::default())
}

fn no_feedback_file_in_git_status(work: &std::path::Path) -> bool {
    let repo = git2::Repository::open(work).unwrap();
    let mut opts = git2::StatusOptions::new();
    opts.include_untracked(true);
    let clean =
        repo.statuses(Some(&mut opts)).unwrap().iter().all(|s| !s.path().unwrap_or_default().contains("feedback"));
    clean
}
