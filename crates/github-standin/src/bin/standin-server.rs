//! The GitHub stand-in as a process, for tests that drive the real app window (tests/e2e).
//!
//! Starts on 127.0.0.1 with a user (an obviously fake token made at run time) and repositories, prints one JSON line
//! `{"api": URL, "token": TOKEN, "login": LOGIN}` on stdout, then reads commands, one per line,
//! on stdin and answers each with one line on stdout:
//! - `approve CODE` / `deny CODE`: the person approved or refused device-flow code CODE
//!   (answers `ok` or `error: …`);
//! - `pulls OWNER/NAME`: the repository's pull requests as JSON (number, title, body, head,
//!   base, state, labels, draft);
//! - `violations`: every request or response so far that did not match GitHub's OpenAPI
//!   description, as a JSON list of sentences.
//!
//! It stops when stdin closes. Usage: `standin-server [--token T] [--login L]`.

use github_standin::{PullState, RepoSpec, Standin};
use serde_json::json;
use std::io::{BufRead, Write};

fn main() {
    let mut token = format!("fake-e2e-token-{}", std::process::id());
    let mut login = "octo".to_string();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--token" => token = args.next().unwrap_or(token),
            "--login" => login = args.next().unwrap_or(login),
            other => {
                eprintln!("standin-server: unknown argument {other}");
                std::process::exit(2);
            }
        }
    }
    let gh = match Standin::start_blocking() {
        Ok(gh) => gh,
        Err(e) => {
            eprintln!("standin-server: could not start: {e}");
            std::process::exit(1);
        }
    };
    let state = gh.state();
    state.add_user(&login, &token, &["repo", "read:org"]);
    // Tests wait for the app's polling: keep GitHub's minimum of one second between polls.
    state.set_device_interval(1);
    state.set_profile(&login, Some("Octo Lead"), None);
    let mut hello = RepoSpec::new(&login, "hello");
    hello.description = Some("The team's guide".into());
    let seeded = state
        .add_repo(hello)
        .and_then(|()| {
            state.commit_files(
                &login,
                "hello",
                "main",
                "Add the guide",
                &[
                    ("src/guide.txt", "Rest for two days.\nWalk on day three.\nRun on day five.\n"),
                    ("README.md", "# Hello\n"),
                ],
            )
        })
        .and_then(|_| state.add_repo(RepoSpec::new(&login, "website").private()));
    if let Err(e) = seeded {
        eprintln!("standin-server: could not seed: {e}");
        std::process::exit(1);
    }
    println!("{}", json!({"api": gh.api_url(), "token": token, "login": login}));
    let _ = std::io::stdout().flush();

    let stdin = std::io::stdin();
    for line in stdin.lock().lines() {
        let Ok(line) = line else { break };
        let mut words = line.split_whitespace();
        let answer = match (words.next(), words.next()) {
            (Some("approve"), Some(code)) => {
                state.approve_device(code, &login).map(|()| "ok".to_string()).unwrap_or_else(|e| format!("error: {e}"))
            }
            (Some("deny"), Some(code)) => {
                state.deny_device(code).map(|()| "ok".to_string()).unwrap_or_else(|e| format!("error: {e}"))
            }
            (Some("pulls"), Some(full)) => {
                let (owner, name) = full.split_once('/').unwrap_or((full, ""));
                let pulls: Vec<_> = state
                    .pull_requests(owner, name)
                    .into_iter()
                    .map(|p| {
                        json!({
                            "number": p.number, "title": p.title, "body": p.body, "head": p.head, "base": p.base,
                            "draft": p.draft, "labels": p.labels,
                            "state": match p.state { PullState::Open => "open", PullState::Closed => "closed", PullState::Merged => "merged" },
                        })
                    })
                    .collect();
                json!(pulls).to_string()
            }
            (Some("violations"), None) => {
                let list: Vec<String> =
                    gh.violations().iter().map(|v| format!("{} {}: {}", v.method, v.path, v.problem)).collect();
                json!(list).to_string()
            }
            _ => format!("error: unknown command {line:?}"),
        };
        println!("{answer}");
        let _ = std::io::stdout().flush();
    }
    // Violations were reported on request; do not panic on the way out.
    let _ = gh.take_violations();
    gh.stop();
}
