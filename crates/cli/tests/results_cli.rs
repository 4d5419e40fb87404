//! `patchdesk next`, `patchdesk assign` and `patchdesk log`, run as the real binary on the demo
//! project: what is next, a task assigned with its prompt printed (also from a handoff log),
//! a result logged as one commit — and unknown tasks, pods and statuses refused, nothing written.

mod repos;
use repos::{demo, git, json, patchdesk, s};
use serde_json::Value;
use std::fs;
use std::path::Path;

/// The repository's `HEAD` and `git status`, to show a refusal changed nothing.
fn state(w: &Path) -> (String, String) {
    (git(w, &["rev-parse", "HEAD"]), git(w, &["status", "--porcelain"]))
}

#[test]
fn next_names_the_ready_task_for_a_pod_or_each_pod() {
    let dir = tempfile::tempdir().unwrap();
    let w = demo(dir.path());
    let out = patchdesk(&["next", "--repo", s(&w), "--pod", "qa", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(json(&out)["task"]["id"], "F2.1");
    let out = patchdesk(&["next", "--repo", s(&w), "--pod", "QAPod"]);
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("F2.1  Tests for the stage parser"));
    let out = patchdesk(&["next", "--repo", s(&w), "--pod", "qa", "--prompt", "--json"]);
    let prompt = json(&out)["prompt"].as_str().unwrap().to_string();
    assert!(prompt.contains("F2.1") && prompt.contains("Add unit tests for stage names"), "{prompt}");
    assert!(prompt.contains("src/rtp/stages.py"), "the task's input files: {prompt}");
    assert_eq!(git(&w, &["status", "--porcelain"]), "", "nothing written");
    let out = patchdesk(&["next", "--repo", s(&w), "--pod", "DevPod", "--json"]);
    assert_eq!(json(&out)["task"], Value::Null);
    let out = patchdesk(&["next", "--repo", s(&w), "--json"]);
    assert_eq!(json(&out)["next"]["QAPod"], serde_json::json!(["F2.1"]));

    let out = patchdesk(&["next", "--repo", s(&w), "--pod", "NoSuchPod"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("NoSuchPod") && err.lines().count() == 1, "{err}");
}

#[test]
fn assign_hands_the_task_on_and_prints_the_prompt_and_from_a_log_makes_the_last_handoff() {
    let dir = tempfile::tempdir().unwrap();
    let w = demo(dir.path());
    let before = git(&w, &["rev-parse", "HEAD"]);
    let out = patchdesk(&["assign", "--repo", s(&w), "F2.1", "--to", "delivery", "--reason", "Tests are in"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("Assigned F2.1 from QAPod to DeliveryPod"), "{text}");
    assert!(text.contains("F2.1") && text.contains("Tests are in"), "the prompt is printed: {text}");
    assert_eq!(git(&w, &["rev-parse", "HEAD~1"]), before, "one commit");
    assert_eq!(git(&w, &["status", "--porcelain"]), "");
    let prompt = fs::read_to_string(w.join("prompts/used/DeliveryPod/F2.1_prompt.txt")).unwrap();
    assert!(text.contains(prompt.lines().next().unwrap()), "{text}");

    // The seed's `assign_task.py --from handoff_log.yaml`: the last handoff is already made.
    let out = patchdesk(&["assign", "--repo", s(&w), "--from", s(&w.join(".logs/handoff_log.yaml")), "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let v = json(&out);
    assert_eq!(
        (v["task"].as_str(), v["to"].as_str(), v["new"].as_bool()),
        (Some("F2.1"), Some("DeliveryPod"), Some(false))
    );
    assert_eq!(v["prompt"], prompt);

    // A log written elsewhere naming a handoff not yet made: it is made.
    let log = dir.path().join("handoff_log.yaml");
    fs::write(&log, "handoffs:\n  - from: DevPod\n    to: QAPod\n    task: F2.2\n    reason: Ready for tests\n")
        .unwrap();
    let out = patchdesk(&["assign", "--repo", s(&w), "--from", s(&log), "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let v = json(&out);
    assert_eq!((v["task"].as_str(), v["to"].as_str(), v["new"].as_bool()), (Some("F2.2"), Some("QAPod"), Some(true)));
    assert!(v["prompt"].as_str().unwrap().contains("Ready for tests"));
}

#[test]
fn assign_refuses_unknown_tasks_pods_and_bad_logs_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let w = demo(dir.path());
    let before = state(&w);
    let empty = dir.path().join("empty.yaml");
    fs::write(&empty, "handoffs: []\n").unwrap();
    let huge = dir.path().join("huge.yaml");
    fs::File::create(&huge).unwrap().set_len(64 << 20).unwrap();
    let cases: Vec<(Vec<&str>, i32, &str)> = vec![
        (vec!["F9.9", "--to", "qa"], 2, "F9.9"),
        (vec!["F2.1", "--to", "Nobody"], 2, "Nobody"),
        (vec!["--from", s(&empty)], 1, "no handoff"),
        (vec!["--from", s(&huge)], 1, "huge.yaml"),
        (vec!["--from", "/no/such/file.yaml"], 1, "file.yaml"),
    ];
    for (extra, code, words) in cases {
        let mut args = vec!["assign", "--repo", s(&w)];
        args.extend(&extra);
        let out = patchdesk(&args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(code), "{extra:?}: {err}");
        assert!(err.contains(words) && err.lines().count() == 1, "{extra:?}: {err}");
        assert_eq!(state(&w), before, "{extra:?} changed nothing");
    }
    // Neither a task nor --from: usage.
    assert_eq!(patchdesk(&["assign", "--repo", s(&w)]).status.code(), Some(2));
    assert_eq!(patchdesk(&["assign", "--repo", s(&w), "F2.1"]).status.code(), Some(2));
}

#[test]
fn log_records_status_trace_metrics_and_feedback_as_one_commit() {
    let dir = tempfile::tempdir().unwrap();
    let w = demo(dir.path());
    let before = git(&w, &["rev-parse", "HEAD"]);
    let out =
        patchdesk(&["log", "--repo", s(&w), "F3.1", "--status", "done", "--note", "Clear for coaches.", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let v = json(&out);
    assert_eq!(v["status"], "done");
    assert_eq!(git(&w, &["rev-parse", "HEAD~1"]), before, "one commit");
    assert_eq!(git(&w, &["status", "--porcelain"]), "");
    let files = git(&w, &["diff", "--name-only", "HEAD~1", "HEAD"]);
    for f in [".logs/feedback/F3.1.md", ".logs/trace_log.md", "metrics/metrics.yaml", "task.yaml"] {
        assert!(files.lines().any(|l| l == f), "{f} in {files}");
    }
    let tasks = fs::read_to_string(w.join("task.yaml")).unwrap();
    let f31 = &tasks[tasks.find("  F3.1:").unwrap()..tasks.find("  F4.1:").unwrap()];
    assert!(f31.contains("status: done") && f31.contains("updated_at:"), "{f31}");
    assert!(fs::read_to_string(w.join(".logs/feedback/F3.1.md")).unwrap().contains("> Clear for coaches."));
    assert!(fs::read_to_string(w.join(".logs/trace_log.md")).unwrap().contains("F3.1: status done"));
    assert!(fs::read_to_string(w.join("metrics/metrics.yaml")).unwrap().contains("F3.1"));

    // Again: nothing new.
    let out = patchdesk(&["log", "--repo", s(&w), "F3.1", "--status", "done"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("already done"));

    let before = state(&w);
    let long = "n".repeat(30_000);
    for (args, code, words) in [
        (vec!["F9.9", "--status", "done"], 2, "F9.9"),
        (vec!["F2.1", "--status", "shipped"], 1, "shipped"),
        (vec!["F2.1", "--status", "review", "--note", long.as_str()], 1, "longer than"),
    ] {
        let mut all = vec!["log", "--repo", s(&w)];
        all.extend(&args);
        let out = patchdesk(&all);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(code), "{args:?}: {err}");
        assert!(err.contains(words) && err.lines().count() == 1, "{args:?}: {err}");
        assert_eq!(state(&w), before, "{args:?} changed nothing");
    }
    // The lead's unsaved change to the task file: refused, kept.
    fs::write(w.join("task.yaml"), format!("{tasks}# mine\n")).unwrap();
    let out = patchdesk(&["log", "--repo", s(&w), "F2.1", "--status", "review"]);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(fs::read_to_string(w.join("task.yaml")).unwrap().ends_with("# mine\n"));
    assert_eq!(git(&w, &["rev-parse", "HEAD"]), before.0);
}

#[test]
fn every_seed_script_subcommand_has_help_and_the_exit_codes_are_documented() {
    let out = patchdesk(&["--help"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Exit codes: 0 done; 1 refused") && text.contains("2 usage error"), "{text}");
    for cmd in ["generate", "check", "next", "assign", "log"] {
        let out = patchdesk(&[cmd, "--help"]);
        assert_eq!(out.status.code(), Some(0), "{cmd}");
        assert!(String::from_utf8_lossy(&out.stdout).contains("--json"), "{cmd} has --json");
    }
}
