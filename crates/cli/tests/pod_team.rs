//! A team server: two `patchdesk serve` processes with auto-promote on, on two clones of one
//! remote (the demo's practice remote), taking work for different tasks at once. Git and the
//! remote are the only shared state; nothing is lost and the default branch is never pushed.

mod pods;

use pods::{new_file_patch, token, Server};
use serde_json::json;
use std::process::Command;

/// Each server's tasks (a review request's branch is per task: `chatgpt/<pod>/<task_id>`).
const TASKS: [&[&str]; 2] = [&["F1.1", "F2.1", "F3.1"], &["F2.2", "F4.1"]];

#[test]
fn two_servers_on_two_clones_of_one_remote_lose_nothing_under_concurrent_submissions() {
    let tmp = tempfile::tempdir().unwrap();
    let demo = pods::demo(tmp.path());
    let remote = demo.parent().unwrap().join("practice-remote.git");
    let main_before = git2::Repository::open(&remote).unwrap().refname_to_id("refs/heads/main").unwrap();
    let mut servers = Vec::new();
    for i in 1..=2 {
        let clone = tmp.path().join(format!("team{i}/project"));
        std::fs::create_dir_all(clone.parent().unwrap()).unwrap();
        let out = Command::new("git").args(["clone", "-q", "-b", "main"]).arg(&remote).arg(&clone).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let tok = token(&clone, "DevPod");
        servers.push((Server::start(&clone, &["--auto-promote"]), tok));
    }
    let servers = std::sync::Arc::new(servers);
    let threads: Vec<_> = (0..2)
        .flat_map(|s| (0..TASKS[s].len()).map(move |n| (s, n)))
        .map(|(s, n)| {
            let servers = servers.clone();
            std::thread::spawn(move || {
                let (server, tok) = &servers[s];
                let task = TASKS[s][n];
                let body = json!({"task_id": task, "summary": format!("Team note {s}.{n}"),
                    "patch": new_file_patch(&format!("docs/team_{s}_{n}.md"), &format!("note {s} {n}"))});
                let a = server.json("POST", "/patches", tok, &body);
                assert_eq!(a.status, 201, "{}", a.text());
                a.json()
            })
        })
        .collect();
    let answers: Vec<serde_json::Value> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    let remote = git2::Repository::open(&remote).unwrap();
    let mut sent = 0;
    for a in &answers {
        let review = &a["review"];
        assert!(review["not_sent"].is_null(), "{a}");
        let branch = review["branch"].as_str().unwrap();
        let tip = remote.refname_to_id(&format!("refs/heads/{branch}")).unwrap();
        let tree = remote.find_commit(tip).unwrap().tree().unwrap();
        assert_ne!(branch, "main");
        assert!(tree.get_path(std::path::Path::new("docs")).is_ok());
        sent += 1;
    }
    assert_eq!(sent, 5);
    assert_eq!(remote.refname_to_id("refs/heads/main").unwrap(), main_before, "the default branch is never pushed");
}

#[test]
fn concurrent_submissions_for_one_task_on_one_server_all_go_to_its_one_request() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = pods::demo(tmp.path());
    let tok = token(&repo, "DevPod");
    let server = std::sync::Arc::new(Server::start(&repo, &["--auto-promote"]));
    let threads: Vec<_> = (0..3)
        .map(|n| {
            let (server, tok) = (server.clone(), tok.clone());
            std::thread::spawn(move || {
                let body = json!({"task_id": "F2.1", "summary": format!("Same task {n}"),
                    "patch": new_file_patch(&format!("docs/same_{n}.md"), "x")});
                let a = server.json("POST", "/patches", &tok, &body);
                assert_eq!(a.status, 201, "{}", a.text());
                a.json()
            })
        })
        .collect();
    let answers: Vec<serde_json::Value> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    // The sends take turns: the first opens the task's request, the others are its revisions
    // (one more commit each on the same branch), so every submission is sent and none opens a
    // second request.
    let urls: std::collections::BTreeSet<&str> = answers.iter().filter_map(|a| a["review"]["url"].as_str()).collect();
    assert_eq!(answers.iter().filter(|a| a["review"]["url"].is_string()).count(), 3, "{answers:?}");
    assert_eq!(urls.len(), 1, "one review request per task: {answers:?}");
}
