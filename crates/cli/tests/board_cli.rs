//! `patchdesk tasks` and `patchdesk handoff`, run as the real binary on repositories built by
//! code: the demo project and hand-made repositories with both task layouts.

mod repos;
use repos::{demo, git, json, patchdesk, s};

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A repository with these files committed on `main`.
fn repo(dir: &Path, files: &[(&str, &str)]) -> PathBuf {
    let w = dir.join("repo");
    fs::create_dir_all(&w).unwrap();
    git(&w, &["init", "-q", "-b", "main"]);
    git(&w, &["config", "user.name", "Lead"]);
    git(&w, &["config", "user.email", "lead@example.invalid"]);
    for (p, t) in files {
        let full = w.join(p);
        fs::create_dir_all(full.parent().unwrap()).unwrap();
        fs::write(full, t).unwrap();
    }
    git(&w, &["add", "-A"]);
    git(&w, &["commit", "-q", "-m", "start"]);
    w
}

#[test]
fn tasks_on_the_demo_lists_every_task_and_what_is_next() {
    let dir = tempfile::tempdir().unwrap();
    let project = demo(dir.path());
    let out = patchdesk(&["tasks", "--repo", s(&project), "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let v = json(&out);
    let rows: Vec<(String, bool)> = v["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["id"].as_str().unwrap().to_string(), t["ready"].as_bool().unwrap()))
        .collect();
    assert_eq!(
        rows,
        [
            ("F1.1".into(), false),
            ("F2.1".into(), true),
            ("F2.2".into(), false),
            ("F3.1".into(), false),
            ("F4.1".into(), false)
        ]
    );
    let f21 = &v["tasks"][1];
    assert_eq!(f21["title"], "Tests for the stage parser");
    assert_eq!(f21["pod"], "QAPod");
    assert_eq!(f21["status"], "ready");
    assert_eq!(f21["phase"], "Phase 2 - Development");
    assert_eq!(v["next"]["QAPod"], serde_json::json!(["F2.1"]));
    assert_eq!(v["next"]["DevPod"], serde_json::json!([]));
    assert_eq!(v["problems"], serde_json::json!([]));

    let text = patchdesk(&["tasks", "--repo", s(&project)]);
    assert_eq!(text.status.code(), Some(0));
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.lines().next().unwrap().starts_with("ID"), "{text}");
    assert!(text.contains("F2.1  Tests for the stage parser"), "{text}");
    assert!(text.contains("QAPod: F2.1"), "{text}");
}

const MIXED_TASKS: &str = "# Sprint board\ntasks:\n  B2:\n    description: Second phase, early\n    phase: Phase 10 - Later\n    assigned_pod: dev\n    status: ready\n    created_at: \"2026-01-01\"\n  A1:\n    description: Phase 2, late\n    phase: Phase 2 - Build\n    assigned_pod: dev\n    status: planned\n    created_at: \"2026-03-01\"\n  A0:\n    description: Phase 2, early but low priority\n    phase: Phase 2 - Build\n    assigned_pod: dev\n    status: ready\n    created_at: \"2026-02-01\"\n    priority: 5\n  A00:\n    description: Phase 2, same day, high priority\n    phase: Phase 2 - Build\n    assigned_pod: dev\n    status: ready\n    created_at: \"2026-02-01\"\n    priority: 1\n  W1:\n    description: Waits for A1\n    phase: Phase 2 - Build\n    assigned_pod: dev\n    status: ready\n    depends_on: [A1]\n  D1:\n    description: Done already\n    assigned_pod: qa\n    status: done\n";

#[test]
fn tasks_orders_next_by_phase_then_created_then_priority_across_layouts() {
    let dir = tempfile::tempdir().unwrap();
    let w = repo(
        dir.path(),
        &[
            ("task.yaml", MIXED_TASKS),
            ("task_templates/T9.yaml", "id: T9\ndescription: A template task for QA\nphase: Phase 1 - Start\npod_owner: QAPod\nready: true\ndepends_on: [D1]\n"),
            ("task_templates/T8.yaml", "id: T8\ndescription: Not ready\npod_owner: QAPod\nstatus: backlog\n"),
        ],
    );
    let v = json(&patchdesk(&["tasks", "--repo", s(&w), "--json"]));
    assert_eq!(v["next"]["DevPod"], serde_json::json!(["A00", "A0", "A1", "B2"]), "{v}");
    assert_eq!(v["next"]["QAPod"], serde_json::json!(["T9"]));
    let ready: Vec<(&str, bool)> = v["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["id"].as_str().unwrap(), t["ready"].as_bool().unwrap()))
        .collect();
    assert_eq!(
        ready,
        [
            ("B2", true),
            ("A1", true),
            ("A0", true),
            ("A00", true),
            ("W1", false),
            ("D1", false),
            ("T8", false),
            ("T9", true)
        ]
    );
}

#[test]
fn handoff_on_the_demo_writes_logs_task_prompt_metrics_and_one_commit() {
    let dir = tempfile::tempdir().unwrap();
    let project = demo(dir.path());
    let before = git(&project, &["rev-parse", "HEAD"]).trim().to_string();
    let task_before = fs::read_to_string(project.join("task.yaml")).unwrap();
    // The lead's own unfinished work must survive.
    fs::write(project.join("README.md"), "my notes\n").unwrap();
    fs::write(project.join("scratch.txt"), "untracked\n").unwrap();
    git(&project, &["add", "README.md"]);
    fs::write(project.join("src/rtp/stages.py"), "# being edited\n").unwrap();
    let status_before = git(&project, &["status", "--porcelain"]);

    let out = patchdesk(&[
        "handoff",
        "--repo",
        s(&project),
        "F2.1",
        "--to",
        "delivery",
        "--reason",
        "Tests pass; package the release",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let v = json(&out);
    let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["task", "from", "to", "commit", "prompt_path", "sent"]);
    assert_eq!(v["task"], "F2.1");
    assert_eq!(v["from"], "QAPod");
    assert_eq!(v["to"], "DeliveryPod");
    assert_eq!(v["prompt_path"], "prompts/used/DeliveryPod/F2.1_prompt.txt");
    let commit = v["commit"].as_str().unwrap();
    assert_eq!(git(&project, &["rev-parse", "HEAD"]).trim(), commit);
    assert_eq!(git(&project, &["rev-parse", "HEAD~1"]).trim(), before);
    // The demo has a practice remote: the handoff went there too, as a fast-forward of main.
    assert_eq!(v["sent"], "Sent 1 board change to main on the remote.", "{v}");
    let remote = project.parent().unwrap().join("practice-remote.git");
    assert_eq!(git(&remote, &["rev-parse", "refs/heads/main"]).trim(), commit);

    // The commit: message and exactly the changed files.
    assert_eq!(
        git(&project, &["log", "-1", "--format=%B"]),
        "Hand off F2.1: QAPod → DeliveryPod\n\nTests pass; package the release\n\nPatchdesk-Record: board\n\n"
    );
    let files = git(&project, &["diff", "--name-only", &before, commit]);
    assert_eq!(
        files,
        ".logs/handoff_log.yaml\nmetrics/metrics.yaml\nprompts/used/DeliveryPod/F2.1_prompt.txt\ntask.yaml\n"
    );
    assert_eq!(git(&project, &["status", "--porcelain"]), status_before, "the lead's changes are as they were");
    assert_eq!(fs::read_to_string(project.join("src/rtp/stages.py")).unwrap(), "# being edited\n");

    // The task: pod, handoff_from, updated_at changed; the comment and other tasks untouched.
    let task_after = fs::read_to_string(project.join("task.yaml")).unwrap();
    assert!(task_after.starts_with("# Tasks for the Return-to-Play guide. Pods read and update this file.\n"));
    let f21 = task_after.split("  F2.1:\n").nth(1).unwrap().split("\n  F2.2:").next().unwrap();
    assert!(f21.contains("    pod_owner: DeliveryPod\n"), "{f21}");
    assert!(f21.contains("    status: ready\n"));
    assert!(f21.contains("    handoff_from: QAPod\n"), "{f21}");
    assert!(f21.contains("    updated_at: "), "{f21}");
    let untouched = |t: &str| t.split("  F2.2:\n").nth(1).unwrap().to_string();
    assert_eq!(untouched(&task_after), untouched(&task_before));

    // The handoff log: the new entry, in the canonical form the demo uses.
    let log = fs::read_to_string(project.join(".logs/handoff_log.yaml")).unwrap();
    assert!(log.starts_with("handoffs:\n  - from: ResearchPod\n"), "{log}");
    let entry = log.split("  - from: QAPod\n").nth(1).unwrap_or_else(|| panic!("{log}"));
    assert!(entry.starts_with("    to: DeliveryPod\n    date: "), "{entry}");
    assert!(entry.contains("    task: F2.1\n    reason: Tests pass; package the release\n    files: [src/rtp/stages.py, tests/test_stages.py]\n"), "{entry}");

    // The prompt packet, rendered through prompts/delivery_pod.txt.
    let prompt = fs::read_to_string(project.join("prompts/used/DeliveryPod/F2.1_prompt.txt")).unwrap();
    assert_eq!(
        prompt,
        "You are the Delivery pod.\nTask F2.1: Add unit tests for stage names and the 24-hour rule\nInput files:\n- src/rtp/stages.py\n- tests/test_stages.py\nInstructions: Tests pass; package the release\n"
    );

    // Metrics: one handoff for the QA pod this week, spelled like the file's pods (`research`).
    let metrics = fs::read_to_string(project.join("metrics/metrics.yaml")).unwrap();
    let week = this_week();
    let snapshot = metrics
        .split(&format!("week: {week}"))
        .nth(1)
        .or_else(|| metrics.split(&format!("week: '{week}'")).nth(1))
        .or_else(|| metrics.split(&format!("week: \"{week}\"")).nth(1));
    let snapshot = snapshot.unwrap_or_else(|| panic!("no snapshot for {week} in\n{metrics}"));
    let qa = snapshot.split("qa:\n").nth(1).unwrap_or_else(|| panic!("{metrics}"));
    assert!(qa.contains("handoffs: 1\n"), "{metrics}");
    assert!(metrics.contains("      research:\n        patch_count: 1\n"), "the old week is kept:\n{metrics}");

    // Running it again changes nothing and answers the same.
    let again = patchdesk(&[
        "handoff",
        "--repo",
        s(&project),
        "F2.1",
        "--to",
        "DeliveryPod",
        "--reason",
        "Tests pass; package the release",
        "--json",
    ]);
    assert_eq!(again.status.code(), Some(0), "{}", String::from_utf8_lossy(&again.stderr));
    assert_eq!(json(&again)["commit"], commit);
    assert_eq!(git(&project, &["rev-parse", "HEAD"]).trim(), commit);
    assert_eq!(fs::read_to_string(project.join(".logs/handoff_log.yaml")).unwrap(), log);
}

/// The ISO week of today, as the metrics file writes it.
fn this_week() -> String {
    // The binary and the test run within the same few seconds; a week boundary in between
    // would only make this test flaky at Sunday midnight UTC.
    let out = Command::new("date").args(["-u", "+%G-W%V"]).output().unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

#[test]
fn handoff_of_a_template_task_in_a_hand_made_repo() {
    let dir = tempfile::tempdir().unwrap();
    let w = repo(
        dir.path(),
        &[
            ("task_templates/2.3_build_metrics_tool.yaml", "# one task per file\nid: 2.3_build_metrics_tool\ndescription: Build the metrics tool\npod_owner: dev_pod\nstatus: in_progress\ninputs:\n  - scripts/metrics.py\nunknown_field: kept # really\n"),
            ("metrics/metrics.yaml", "# seed metrics\nweekly_snapshots:\n- week: 2020-W01\n  pods:\n    dev_pod:\n      patch_count: 3\n"),
            (".logs/handoff_log.yaml", "- from: dev\n  to: qa\n  reason: old\n  timestamp: 2020-01-01\n"),
        ],
    );
    let out =
        patchdesk(&["handoff", "--repo", s(&w), "2.3_build_metrics_tool", "--to", "QAPod", "--reason", "Needs tests"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Handed 2.3_build_metrics_tool from DevPod to QAPod."), "{text}");

    let task = fs::read_to_string(w.join("task_templates/2.3_build_metrics_tool.yaml")).unwrap();
    assert!(task.starts_with("# one task per file\nid: 2.3_build_metrics_tool\n"));
    assert!(task.contains("pod_owner: qa_pod\n"), "spelled like the file: {task}");
    assert!(task.contains("status: ready\n"));
    assert!(task.contains("handoff_from: dev_pod\n"));
    assert!(task.contains("unknown_field: kept # really\n"));
    assert!(task.contains("inputs:\n  - scripts/metrics.py\n"));

    let log = fs::read_to_string(w.join(".logs/handoff_log.yaml")).unwrap();
    assert!(log.starts_with("- from: dev\n  to: qa\n  reason: old\n  timestamp: 2020-01-01\n- from: dev\n  to: qa\n  reason: Needs tests\n"), "{log}");

    let metrics = fs::read_to_string(w.join("metrics/metrics.yaml")).unwrap();
    assert!(metrics.starts_with("# seed metrics\nweekly_snapshots:\n- week: 2020-W01\n  pods:\n    dev_pod:\n      patch_count: 3\n- week: "), "{metrics}");
    assert!(metrics.contains("  pods:\n    dev_pod:\n      patch_count: 0\n"), "{metrics}");

    let files = git(&w, &["show", "--name-only", "--format=", "HEAD"]);
    assert_eq!(files, ".logs/handoff_log.yaml\nmetrics/metrics.yaml\nprompts/used/QAPod/2.3_build_metrics_tool_prompt.txt\ntask_templates/2.3_build_metrics_tool.yaml\n");
    assert_eq!(git(&w, &["status", "--porcelain"]), "");
}

#[test]
fn handoff_refuses_bad_yaml_and_usage_errors_without_changing_anything() {
    let dir = tempfile::tempdir().unwrap();
    let broken =
        "tasks:\n  F1:\n    description: ok\n    pod_owner: DevPod\n  F2\n    description: missing colon above\n";
    let w = repo(dir.path(), &[("task.yaml", broken), (".logs/handoff_log.yaml", "handoffs: []\n")]);
    let head = git(&w, &["rev-parse", "HEAD"]);

    let out = patchdesk(&["handoff", "--repo", s(&w), "F1", "--to", "qa", "--reason", "r", "--json"]);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stdout));
    let v = json(&out);
    let message = v["error"]["message"].as_str().unwrap();
    assert!(message.contains("task.yaml") && message.contains("line"), "{message}");
    assert_eq!(fs::read_to_string(w.join("task.yaml")).unwrap(), broken);
    assert_eq!(fs::read_to_string(w.join(".logs/handoff_log.yaml")).unwrap(), "handoffs: []\n");
    assert!(!w.join("prompts").exists() && !w.join("metrics").exists());
    assert_eq!(git(&w, &["rev-parse", "HEAD"]), head);
    assert_eq!(git(&w, &["status", "--porcelain"]), "");

    // tasks still lists what it can and names the problem.
    let v = json(&patchdesk(&["tasks", "--repo", s(&w), "--json"]));
    assert_eq!(v["tasks"], serde_json::json!([]));
    assert_eq!(v["problems"][0]["path"], "task.yaml");

    let good = tempfile::tempdir().unwrap();
    let project = demo(good.path());
    let head = git(&project, &["rev-parse", "HEAD"]);
    for (args, code) in [
        (vec!["handoff", "--repo", s(&project), "F9.9", "--to", "qa", "--reason", "r", "--json"], "task_not_found"),
        (
            vec!["handoff", "--repo", s(&project), "F2.1", "--to", "MarketingPod", "--reason", "r", "--json"],
            "pod_not_found",
        ),
        (vec!["handoff", "--repo", s(dir.path()), "F2.1", "--to", "qa", "--reason", "r", "--json"], "repo_not_found"),
        (vec!["tasks", "--repo", s(dir.path()), "--json"], "repo_not_found"),
    ] {
        let out = patchdesk(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert_eq!(json(&out)["error"]["code"], code, "{args:?}");
    }
    let missing_reason = patchdesk(&["handoff", "--repo", s(&project), "F2.1", "--to", "qa"]);
    assert_eq!(missing_reason.status.code(), Some(2));
    assert_eq!(git(&project, &["rev-parse", "HEAD"]), head);

    // Already with that pod and never handed there: refused, nothing written.
    let out = patchdesk(&["handoff", "--repo", s(&project), "F2.1", "--to", "QAPod", "--reason", "r"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("already with QAPod"));
    assert_eq!(git(&project, &["rev-parse", "HEAD"]), head);
    // It says so as "already done", not as a task file that cannot be read.
    let out = patchdesk(&["handoff", "--repo", s(&project), "F2.1", "--to", "QAPod", "--reason", "r", "--json"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(json(&out)["error"]["code"], "already_done");
    assert_eq!(git(&project, &["rev-parse", "HEAD"]), head);
}

#[test]
fn handoff_during_a_merge_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let project = demo(dir.path());
    let head = git(&project, &["rev-parse", "HEAD"]);
    fs::write(project.join(".git/MERGE_HEAD"), &head).unwrap();
    let task = fs::read_to_string(project.join("task.yaml")).unwrap();
    let out = patchdesk(&["handoff", "--repo", s(&project), "F2.1", "--to", "DeliveryPod", "--reason", "r", "--json"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(json(&out)["error"]["code"], "repo_busy");
    assert_eq!(fs::read_to_string(project.join("task.yaml")).unwrap(), task);
    assert!(!project.join("prompts/used").exists());
    assert_eq!(git(&project, &["rev-parse", "HEAD"]), head);
}

#[test]
fn handoff_goes_ahead_when_metrics_yaml_is_broken_and_leaves_it_alone() {
    let dir = tempfile::tempdir().unwrap();
    let broken = "weekly_snapshots:\n  - week: 2026-W47\n   pods: oops\n";
    let w = repo(
        dir.path(),
        &[
            ("task.yaml", "tasks:\n  T1:\n    description: Do it\n    assigned_pod: DevPod\n    status: ready\n"),
            ("metrics/metrics.yaml", broken),
        ],
    );
    let out = patchdesk(&["handoff", "--repo", s(&w), "T1", "--to", "qa", "--reason", "go", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("not counted in the metrics") && stderr.contains("metrics/metrics.yaml"), "{stderr}");
    assert_eq!(fs::read_to_string(w.join("metrics/metrics.yaml")).unwrap(), broken);
    let files = git(&w, &["show", "--name-only", "--format=", "HEAD"]);
    assert_eq!(files, ".logs/handoff_log.yaml\nprompts/used/QAPod/T1_prompt.txt\ntask.yaml\n");
    // The log was created in the canonical form.
    let log = fs::read_to_string(w.join(".logs/handoff_log.yaml")).unwrap();
    assert!(log.starts_with("handoffs:\n  - from: DevPod\n    to: QAPod\n"), "{log}");
}

#[test]
fn handoff_refuses_when_the_lead_staged_something_else_in_task_yaml() {
    let dir = tempfile::tempdir().unwrap();
    let w = repo(dir.path(), &[("task.yaml", "tasks:\n  T1:\n    description: Do it\n    assigned_pod: DevPod\n")]);
    fs::write(w.join("task.yaml"), "tasks:\n  T1:\n    description: Do it now\n    assigned_pod: DevPod\n").unwrap();
    git(&w, &["add", "task.yaml"]);
    let on_disk = "tasks:\n  T1:\n    description: Do it today\n    assigned_pod: DevPod\n";
    fs::write(w.join("task.yaml"), on_disk).unwrap();
    let head = git(&w, &["rev-parse", "HEAD"]);
    let out = patchdesk(&["handoff", "--repo", s(&w), "T1", "--to", "qa", "--reason", "go"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("You have unsaved changes in task.yaml that are not committed."),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(fs::read_to_string(w.join("task.yaml")).unwrap(), on_disk);
    assert!(!w.join(".logs").exists() && !w.join("prompts").exists());
    assert_eq!(git(&w, &["rev-parse", "HEAD"]), head);
    assert_eq!(git(&w, &["diff", "--cached", "--name-only"]), "task.yaml\n");
}

/// Every file of the working folder (outside `.git`) with its bytes, and links with their target.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            let p = e.path();
            let rel = p.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
            let t = e.file_type().unwrap();
            if rel == ".git" {
                continue;
            } else if t.is_symlink() {
                out.push((format!("{rel} ->"), fs::read_link(&p).unwrap().to_string_lossy().into_owned().into_bytes()));
            } else if t.is_dir() {
                stack.push(p);
            } else {
                out.push((rel, fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn handoff_refuses_a_task_file_with_unsaved_edits_and_never_commits_them() {
    let dir = tempfile::tempdir().unwrap();
    let w = repo(
        dir.path(),
        &[
            ("task.yaml", "tasks:\n  F2.2:\n    description: Do it\n    assigned_pod: DevPod\n    status: ready\n"),
            (".logs/handoff_log.yaml", "handoffs: []\n"),
            ("metrics/metrics.yaml", "weekly_snapshots: []\n"),
        ],
    );
    // The lead's unsaved line, not staged.
    let mine = "tasks:\n  F2.2:\n    description: Do it\n    assigned_pod: DevPod\n    status: ready\n    secret_note: my unsaved line\n";
    fs::write(w.join("task.yaml"), mine).unwrap();
    let head = git(&w, &["rev-parse", "HEAD"]);
    let files = snapshot(&w);
    let index = fs::read(w.join(".git/index")).unwrap();
    for _ in 0..2 {
        let out = patchdesk(&["handoff", "--repo", s(&w), "F2.2", "--to", "qa", "--reason", "go"]);
        assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stdout));
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            "patchdesk: You have unsaved changes in task.yaml that are not committed. Patchdesk did not hand off F2.2 so that your changes stay as they are: commit or undo them in task.yaml, then try again.\n"
        );
        assert_eq!(snapshot(&w), files, "every file is as it was");
        assert_eq!(fs::read(w.join(".git/index")).unwrap(), index, "the lead's index is as it was");
        assert_eq!(git(&w, &["rev-parse", "HEAD"]), head);
    }
    assert!(!git(&w, &["log", "-p", "--all"]).contains("my unsaved line"));
    // Once the lead commits, the handoff goes ahead and commits exactly what is on disk.
    git(&w, &["commit", "-q", "-am", "my note"]);
    let out = patchdesk(&["handoff", "--repo", s(&w), "F2.2", "--to", "qa", "--reason", "go"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(git(&w, &["status", "--porcelain"]), "");
    assert!(fs::read_to_string(w.join("task.yaml")).unwrap().contains("secret_note: my unsaved line\n"));
}

#[test]
fn handoff_refuses_an_edited_prompt_or_metrics_file_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let w = repo(
        dir.path(),
        &[
            ("task.yaml", "tasks:\n  T1:\n    description: Do it\n    assigned_pod: DevPod\n    status: ready\n"),
            ("metrics/metrics.yaml", "weekly_snapshots: []\n"),
        ],
    );
    let head = git(&w, &["rev-parse", "HEAD"]);
    // An edited metrics file; then an untracked prompt where the packet would go; then a staged log.
    let cases: [(&str, &str, bool); 3] = [
        ("metrics/metrics.yaml", "weekly_snapshots: [] # mine\n", false),
        ("prompts/used/QAPod/T1_prompt.txt", "my own prompt\n", false),
        (".logs/handoff_log.yaml", "handoffs: []\n# mine\n", true),
    ];
    for (rel, text, stage) in cases {
        fs::create_dir_all(w.join(rel).parent().unwrap()).unwrap();
        fs::write(w.join(rel), text).unwrap();
        if stage {
            git(&w, &["add", rel]);
        }
        let files = snapshot(&w);
        let out = patchdesk(&["handoff", "--repo", s(&w), "T1", "--to", "qa", "--reason", "go"]);
        assert_eq!(out.status.code(), Some(1));
        let expected = format!("patchdesk: You have unsaved changes in {rel} that are not committed. Patchdesk did not hand off T1 so that your changes stay as they are: commit or undo them in {rel}, then try again.\n");
        assert_eq!(String::from_utf8_lossy(&out.stderr), expected);
        assert_eq!(snapshot(&w), files, "{rel}: every file is as it was");
        assert_eq!(git(&w, &["rev-parse", "HEAD"]), head);
        if stage {
            git(&w, &["rm", "-q", "--cached", rel]);
        }
        fs::remove_file(w.join(rel)).unwrap();
        git(&w, &["checkout", "-q", "--", "."]);
    }
}

/// A repository holding `links` as committed symbolic links (path, target).
fn repo_with_links(dir: &Path, files: &[(&str, &str)], links: &[(&str, &Path)]) -> PathBuf {
    let w = repo(dir, files);
    for (p, target) in links {
        let full = w.join(p);
        fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(target, &full).unwrap();
    }
    git(&w, &["add", "-A"]);
    git(&w, &["commit", "-q", "-m", "links from a pod"]);
    w
}

const ONE_TASK: &str = "tasks:\n  T1:\n    description: Do it\n    assigned_pod: DevPod\n    status: ready\n";

#[test]
fn handoff_never_writes_through_a_committed_link_named_like_its_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    let victim = outside.path().join("victim.txt");
    fs::write(&victim, "the lead's file outside the project\n").unwrap();
    let w = repo_with_links(
        dir.path(),
        &[
            ("task.yaml", ONE_TASK),
            (".logs/handoff_log.yaml", "handoffs: []\n"),
            ("metrics/metrics.yaml", "weekly_snapshots: []\n"),
        ],
        &[
            (".task.yaml.patchdesk-tmp", &victim),
            (".logs/.handoff_log.yaml.patchdesk-tmp", &victim),
            ("metrics/.metrics.yaml.patchdesk-tmp", &victim),
        ],
    );
    let out = patchdesk(&["handoff", "--repo", s(&w), "T1", "--to", "qa", "--reason", "go"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(fs::read_to_string(&victim).unwrap(), "the lead's file outside the project\n");
    assert_eq!(fs::read_dir(outside.path()).unwrap().count(), 1);
    for f in ["task.yaml", ".logs/handoff_log.yaml", "metrics/metrics.yaml"] {
        assert!(fs::symlink_metadata(w.join(f)).unwrap().file_type().is_file(), "{f} is a real file");
        let tree = git(&w, &["ls-tree", "HEAD", f]);
        assert!(tree.starts_with("100644 blob"), "{f} committed as a file: {tree}");
        // The working file equals the committed blob.
        assert_eq!(git(&w, &["show", &format!("HEAD:{f}")]).into_bytes(), fs::read(w.join(f)).unwrap(), "{f}");
    }
    assert_eq!(git(&w, &["status", "--porcelain"]), "");
}

#[test]
fn a_task_file_or_log_folder_that_is_a_link_is_refused_and_nothing_outside_changes() {
    let dir = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    fs::write(outside.path().join("task.yaml"), ONE_TASK).unwrap();
    fs::write(outside.path().join("handoff_log.yaml"), "handoffs: []\n").unwrap();
    let before = snapshot(outside.path());

    // task.yaml itself a link: tasks names the problem, handoff refuses.
    let w = repo_with_links(
        &dir.path().join("a"),
        &[("README.md", "hi\n")],
        &[("task.yaml", &outside.path().join("task.yaml"))],
    );
    let head = git(&w, &["rev-parse", "HEAD"]);
    let v = json(&patchdesk(&["tasks", "--repo", s(&w), "--json"]));
    assert_eq!(v["tasks"], serde_json::json!([]));
    assert_eq!(
        v["problems"][0]["message"],
        "task.yaml is a link to another place; Patchdesk does not follow links in the project. Replace it with a real file."
    );
    let out = patchdesk(&["handoff", "--repo", s(&w), "T1", "--to", "qa", "--reason", "go"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("task.yaml is a link to another place"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(git(&w, &["rev-parse", "HEAD"]), head);
    assert_eq!(snapshot(outside.path()), before);

    // .logs a link to a folder outside: the handoff is refused, naming it.
    let w = repo_with_links(&dir.path().join("b"), &[("task.yaml", ONE_TASK)], &[(".logs", outside.path())]);
    let head = git(&w, &["rev-parse", "HEAD"]);
    let files = snapshot(&w);
    let out = patchdesk(&["handoff", "--repo", s(&w), "T1", "--to", "qa", "--reason", "go"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "patchdesk: .logs is a link to another place; Patchdesk does not follow links in the project. Replace it with a real folder.\n"
    );
    assert_eq!(git(&w, &["rev-parse", "HEAD"]), head);
    assert_eq!(snapshot(&w), files);
    assert_eq!(snapshot(outside.path()), before);
}

#[test]
fn a_repository_whose_files_live_in_another_folder_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let w = repo(dir.path(), &[("task.yaml", ONE_TASK), (".logs/handoff_log.yaml", "handoffs: []\n")]);
    // The same files checked out in the other folder, which core.worktree points at.
    fs::write(elsewhere.path().join("task.yaml"), ONE_TASK).unwrap();
    fs::create_dir_all(elsewhere.path().join(".logs")).unwrap();
    fs::write(elsewhere.path().join(".logs/handoff_log.yaml"), "handoffs: []\n").unwrap();
    git(&w, &["config", "core.worktree", s(elsewhere.path())]);
    let there = snapshot(elsewhere.path());
    let here = snapshot(&w);
    let head = git(&w, &["rev-parse", "HEAD"]);
    for args in [vec!["handoff", "--repo", s(&w), "T1", "--to", "qa", "--reason", "go"], vec!["tasks", "--repo", s(&w)]]
    {
        let out = patchdesk(&args);
        assert_ne!(out.status.code(), Some(0), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("keeps its files in another folder"), "{err}");
    }
    assert_eq!(snapshot(elsewhere.path()), there, "nothing written in the other folder");
    assert_eq!(snapshot(&w), here);
    assert_eq!(git(&w, &["rev-parse", "HEAD"]), head);
}

/// A task file with `n` tasks, each depending on the two before it.
fn many_tasks(n: usize) -> String {
    let mut text = String::from("# generated\ntasks:\n");
    for i in 0..n {
        text.push_str(&format!(
            "  T{i}:\n    title: Task number {i}\n    assigned_pod: {}\n    status: {}\n    phase: Phase {}\n",
            ["dev", "qa", "delivery"][i % 3],
            if i % 7 == 0 { "done" } else { "ready" },
            i % 5
        ));
        if i >= 2 {
            text.push_str(&format!("    depends_on: [T{}, T{}]\n", i - 1, i - 2));
        }
    }
    text
}

#[test]
fn tasks_on_a_board_of_twenty_thousand_tasks_are_all_listed() {
    let dir = tempfile::tempdir().unwrap();
    let w = repo(dir.path(), &[("task.yaml", &many_tasks(20_000))]);
    let out = patchdesk(&["tasks", "--repo", s(&w), "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let v = json(&out);
    assert_eq!(v["tasks"].as_array().unwrap().len(), 20_000);
    assert_eq!(v["tasks"][0]["ready"], false, "T0 is done");
    assert_eq!(v["tasks"][1]["ready"], true);
    assert_eq!(v["tasks"][2]["ready"], false, "T2 waits for T1");
}
