//! `patchdesk run`, run as the real binary with a shell script playing the agent: the prompt
//! reaches it, its change lands in the inbox with its output as the reasoning trace, the
//! scratch copy is gone afterwards, and a failing, silent or endless agent imports nothing.

use std::fs;
use std::path::Path;
use std::time::Instant;

mod repos;
use repos::{demo, git, json, patchdesk, s};

/// An agent script in `dir`: saves what came on stdin, edits a file, says why.
fn agent_script(dir: &Path) -> String {
    let script = dir.join("agent.sh");
    fs::write(
        &script,
        "#!/bin/sh\ncat > \"$AGENT_SAW\"\necho \"task from env: $(printf %s \"$PATCHDESK_PROMPT\" | head -c 40)\" >> \"$AGENT_SAW\"\n\
         echo 'def test_stage_names(): assert True' > tests/test_from_agent.py\n\
         echo 'I read the parser and added one test for stage names.'\n\
         echo 'Other idea: property tests.' >&2\n",
    )
    .unwrap();
    format!("sh {}", script.display())
}

/// `git status`, without the inbox's own folders.
fn status(project: &Path) -> String {
    git(project, &["status", "--porcelain"])
        .lines()
        .filter(|l| !l.contains("patches/"))
        .map(|l| format!("{l}\n"))
        .collect()
}

fn worktrees(project: &Path) -> usize {
    git(project, &["worktree", "list", "--porcelain"]).lines().filter(|l| l.starts_with("worktree ")).count()
}

#[test]
fn the_agent_gets_the_prompt_and_its_change_lands_in_the_inbox_with_its_reasoning() {
    let dir = tempfile::tempdir().unwrap();
    let project = demo(dir.path());
    let head = git(&project, &["rev-parse", "HEAD"]);
    let before = status(&project);
    let saw = dir.path().join("saw.txt");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_patchdesk"))
        .args(["run", "--repo", s(&project), "F2.1", "--json", "--agent", &agent_script(dir.path())])
        .env("AGENT_SAW", &saw)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stderr.is_empty(), "nothing but the result when piped: {}", String::from_utf8_lossy(&out.stderr));
    let v = json(&out);
    assert_eq!(v["files"], serde_json::json!(["tests/test_from_agent.py"]));
    assert_eq!(v["item"]["task_id"], "F2.1");

    // The prompt packet came on stdin and in the environment.
    let seen = fs::read_to_string(&saw).unwrap();
    assert!(seen.contains("F2.1") && seen.contains("Add unit tests for stage names"), "{seen}");
    assert!(seen.contains("task from env: "), "{seen}");

    // The project is as it was; the scratch worktree is gone.
    assert_eq!(git(&project, &["rev-parse", "HEAD"]), head);
    assert_eq!(status(&project), before);
    assert!(!project.join("tests/test_from_agent.py").exists());
    assert_eq!(worktrees(&project), 1);

    // The inbox item applies and carries the agent's words as its reasoning trace.
    let name = v["item"]["name"].as_str().unwrap();
    let out = patchdesk(&["check", "--repo", s(&project), "--json", name]);
    assert_eq!(json(&out)["applies"], "clean", "{}", String::from_utf8_lossy(&out.stdout));
    let inbox = json(&patchdesk(&["inbox", "--repo", s(&project), "--json"]));
    let item = inbox.as_array().unwrap().iter().find(|i| i["name"] == name).unwrap();
    let logs = item["logs"].to_string();
    assert!(logs.contains("reasoning_trace"), "{logs}");
    let trace_path = item["logs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["kind"] == "reasoning_trace")
        .and_then(|l| l["location"].as_str())
        .unwrap();
    let trace = fs::read_to_string(project.join(trace_path)).unwrap();
    assert!(trace.contains("added one test for stage names") && trace.contains("property tests"), "{trace}");
}

#[test]
fn a_failing_silent_or_endless_agent_imports_nothing_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let project = demo(dir.path());
    let inbox_before = patchdesk(&["inbox", "--repo", s(&project), "--json"]).stdout;
    let before = status(&project);
    let cases: [(&str, &[&str], i32, &str); 6] = [
        ("echo partial > docs/x.md; echo 'model quota exceeded' >&2; exit 3", &[], 1, "exit code 3"),
        ("echo thinking only", &[], 1, "changed no file"),
        ("sleep 30", &["--timeout-secs", "1"], 1, "longer than 1 seconds"),
        ("true", &["F9.9"], 2, "F9.9"),
        ("truncate -s 300M huge.bin", &[], 1, "larger than the 128 MB"),
        ("yes 'a long answer' | head -c 50000000; echo x > y.txt", &[], 0, ""),
    ];
    for (agent, extra, code, words) in cases {
        let mut args = vec!["run", "--repo", s(&project), "--agent", agent];
        if !extra.contains(&"F9.9") {
            args.push("F2.1");
        }
        args.extend(extra);
        let started = Instant::now();
        let out = patchdesk(&args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(code), "{agent}: {err}");
        assert!(started.elapsed().as_secs() < 10, "{agent} bounded in time");
        assert_eq!(worktrees(&project), 1, "{agent}: the scratch worktree is removed");
        assert_eq!(status(&project), before, "{agent}");
        if code != 0 {
            assert!(err.contains(words) && err.lines().count() == 1, "{agent}: {err}");
            let inbox = patchdesk(&["inbox", "--repo", s(&project), "--json"]).stdout;
            assert!(inbox == inbox_before, "{agent}: nothing imported");
        } else {
            // Its 50 MB of output was cut to the cap.
            assert!(String::from_utf8_lossy(&out.stdout).contains("keeps the first part"));
        }
    }
}

#[test]
fn on_a_terminal_a_spinner_tells_the_step_and_piped_nothing_but_the_result() {
    let dir = tempfile::tempdir().unwrap();
    let project = demo(dir.path());
    let run = format!(
        "{} run --repo {} F2.1 --agent 'sleep 0.5; echo x > x.txt'",
        env!("CARGO_BIN_EXE_patchdesk"),
        s(&project)
    );
    // util-linux `script` gives the command a terminal.
    let out = std::process::Command::new("script").args(["-qec", &run, "/dev/null"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(shown.contains("Running the agent") && shown.contains("\u{1b}[2K"), "{shown}");
    assert!(shown.contains("Added patch_"), "{shown}");

    let out = patchdesk(&["run", "--repo", s(&project), "F2.1", "--agent", "sleep 0.5; echo y > y.txt"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!String::from_utf8_lossy(&out.stdout).contains("Running the agent"));
}
