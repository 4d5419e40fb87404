//! The pod API's MCP tools with a real client (the official MCP Python SDK, installed by
//! scripts/setup.sh): over stdio (`patchdesk mcp`) and streamable HTTP (`/mcp` on the serve
//! port, behind the same tokens). Lists the tools, submits a patch, asks for the next task.

mod pods;

use pods::{token, Server};
use serde_json::Value;
use std::process::Command;

const TOOLS: [&str; 8] =
    ["check_patch", "get_patch", "get_prompt", "get_task", "hand_off", "next_task", "submit_patch", "update_files"];

fn client(args: &[&str]) -> (bool, String, String) {
    let root = pods::root();
    let out =
        Command::new(pods::python(&root)).arg(root.join("tests/python/mcp_client.py")).args(args).output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn check(out: &str, repo: &std::path::Path, pod: &str) {
    let v: Value = serde_json::from_str(out.lines().last().unwrap_or("")).unwrap_or_else(|e| panic!("{e}: {out}"));
    let tools: Vec<&str> = v["tools"].as_array().unwrap().iter().map(|t| t.as_str().unwrap()).collect();
    assert_eq!(tools, TOOLS);
    for t in TOOLS {
        assert!(v["descriptions"][t].as_str().is_some_and(|d| d.len() > 60), "{t}: {}", v["descriptions"][t]);
    }
    assert_eq!(v["submitted"]["applies"], "clean", "{v}");
    let name = v["submitted"]["name"].as_str().unwrap();
    let item = patchdesk_desk::inbox::review(&patchdesk_desk::open_project(repo).unwrap(), name).unwrap();
    assert_eq!(item.item.pod.as_deref(), Some(pod));
    assert!(item.logs.iter().any(|l| l.text == "via MCP"));
    assert!(v["next"].is_null() || v["next"]["id"].is_string(), "{}", v["next"]);
    assert_eq!(v["refused"]["is_error"], true, "{}", v["refused"]);
    // A task that is not on the board is refused by name, as over HTTP.
    let unknown = &v["unknown_task"];
    assert_eq!(unknown["is_error"], true, "{unknown}");
    assert!(unknown["text"].as_str().is_some_and(|t| t.contains("Z9.9") && t.contains("task_not_found")), "{unknown}");
}

#[test]
fn a_real_mcp_client_over_stdio_lists_the_tools_submits_and_asks_what_is_next() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = pods::demo(tmp.path());
    let items = || patchdesk_desk::inbox::items(&patchdesk_desk::open_project(&repo).unwrap()).unwrap().len();
    let before = items();
    let (ok, out, err) = client(&["stdio", pods::BIN, repo.to_str().unwrap(), "QAPod"]);
    assert!(ok, "{out}\n{err}");
    check(&out, &repo, "QAPod");
    assert_eq!(items(), before + 1);
}

#[test]
fn a_real_mcp_client_over_http_needs_a_token_and_then_works_as_its_pod() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = pods::demo(tmp.path());
    let tok = token(&repo, "DevPod");
    let server = Server::start(&repo, &[]);
    let url = format!("{}/mcp", server.url());
    let (ok, out, _) = client(&["http", &url, "pdk_wrong"]);
    assert!(!ok, "a bad token must not reach the tools: {out}");
    let raw = server.call("POST", "/mcp", None, Some(b"{}"));
    assert_eq!(raw.status, 401);
    let (ok, out, err) = client(&["http", &url, &tok]);
    assert!(ok, "{out}\n{err}");
    check(&out, &repo, "DevPod");
}
