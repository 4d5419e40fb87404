//! `patchdesk import --repo PATH -`: a chat answer from standard input becomes an inbox item,
//! like a paste in the window. Every run is held to 1 GiB of memory and a time limit.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

const V4A: &str = "Here you go:\n\n*** Begin Patch\n*** Update File: src/rtp/guidance.py\n@@ def guidance_for(number):\n-    return f\"Stage {number}: {STAGES[number - 1]}.\"\n+    return f\"Stage {number}: {STAGES[number - 1]}. Rest if symptoms come back.\"\n*** End Patch\n";

/// Runs `patchdesk args…` with `input` on standard input.
fn run(args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 1048576; exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_patchdesk"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    out
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn demo(root: &Path) -> String {
    let out = run(&["demo", "--root", root.to_str().unwrap()], b"");
    assert!(out.status.success(), "{}", text(&out.stderr));
    root.join("project").display().to_string()
}

fn queued(project: &str) -> Vec<String> {
    let dir = Path::new(project).join(".patches/queue");
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|d| d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn an_answer_from_standard_input_is_added_to_the_inbox() {
    let dir = tempfile::tempdir().unwrap();
    let project = demo(&dir.path().join("demo"));
    let before = queued(&project);

    // No task named and none given: one sentence that says what to do; nothing written.
    let out = run(&["import", "--repo", &project, "-"], V4A.as_bytes());
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stderr), "patchdesk: The answer on standard input does not name its task; run again with --task ID (a task id from `patchdesk tasks`).\n");
    assert_eq!(queued(&project), before);

    let out = run(&["import", "--repo", &project, "--task", "F2.2", "-"], V4A.as_bytes());
    assert!(out.status.success(), "{}", text(&out.stderr));
    let said = text(&out.stdout);
    assert!(said.starts_with("Added patch_") && said.ends_with("_F2.2.txt (F2.2, OpenAI patch)\n"), "{said}");
    let added: Vec<String> = queued(&project).into_iter().filter(|n| !before.contains(n)).collect();
    assert_eq!(added.len(), 1);
    assert_eq!(std::fs::read(Path::new(&project).join(".patches/queue").join(&added[0])).unwrap(), V4A.as_bytes());

    // It reviews like any item: `inbox --json` lists it with its kind.
    let out = run(&["inbox", "--repo", &project, "--json"], b"");
    let items: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let item = items.as_array().unwrap().iter().find(|i| i["name"] == added[0].as_str()).unwrap();
    assert_eq!(item["kind"], serde_json::json!({"type": "diff", "flavor": "open_ai_patch"}));

    // An answer that names its task needs no --task; --json prints the import report.
    let named = format!("**Task:** F2.1\n\n{}", V4A.replace("come back", "return"));
    let out = run(&["import", "--repo", &project, "--json", "-"], named.as_bytes());
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["imported"][0]["task_id"], "F2.1");
}

#[test]
fn hostile_answers_on_standard_input_are_refused_in_one_sentence() {
    let dir = tempfile::tempdir().unwrap();
    let project = demo(&dir.path().join("demo"));
    let before = queued(&project);
    let git = "*** Begin Patch\n*** Add File: .git/hooks/pre-commit\n+#!/bin/sh\n*** End Patch\n";
    let huge = vec![b'a'; (128 << 20) + 10];
    let cases: [(&[u8], &str); 5] = [
        (b"", "patchdesk: There is no text to add: the clipboard is empty. Copy the pod's answer in the chat first.\n"),
        (b"Thanks, that looks great!\n", "patchdesk: The pasted text holds no change Patchdesk can read (a patch, an OpenAI patch, edit blocks, or whole files named by a path); copy the pod's whole answer.\n"),
        (b"\x00\x01\x02binary\x00", "patchdesk: The pasted text holds binary data, not a chat answer; copy the pod's answer as text.\n"),
        (git.as_bytes(), "patchdesk: The pasted answer cannot be used: \".git/hooks/pre-commit\" points inside git's own .git folder; Patchdesk only changes files inside the project. Ask the pod for an answer with paths inside the project.\n"),
        (&huge, "patchdesk: The answer on standard input is larger than the 128 MB Patchdesk takes from one answer; ask the pod for a ZIP bundle instead.\n"),
    ];
    for (input, said) in cases {
        let started = std::time::Instant::now();
        let out = run(&["import", "--repo", &project, "--task", "F2.2", "-"], input);
        assert_eq!((out.status.code(), text(&out.stderr).as_str()), (Some(1), said));
        assert!(started.elapsed().as_secs() < 10);
        assert_eq!(queued(&project), before);
    }
    let out = run(&["import", "--repo", &project, "--task", "F9.9", "-"], V4A.as_bytes());
    assert_eq!(
        text(&out.stderr),
        "patchdesk: There is no task F9.9 on the board; choose the task the answer is for from the list.\n"
    );
}

/// Attack: an answer of 33 million one-character lines (100 MB, under the size limit of a
/// dropped file) was read into lines at once: 3.5 GB and two minutes. Answers are now held to
/// 64 MB and 2 million lines, counted before anything is read: both are refused within the
/// memory cap, in seconds, and nothing is written.
#[test]
fn an_answer_of_millions_of_lines_is_refused_within_bounds() {
    let dir = tempfile::tempdir().unwrap();
    let project = demo(&dir.path().join("demo"));
    let before = queued(&project);
    for (lines, said) in
        [(33_000_000, "Patchdesk reads chat answers up to 64.0 MB"), (3_000_000, "more than 2000000 lines")]
    {
        let mut answer = b"*** Begin Patch\n*** Add File: big.txt\n".to_vec();
        answer.extend(std::iter::repeat_n(&b"+x\n"[..], lines).flatten());
        answer.extend_from_slice(b"*** End Patch\n");
        let started = std::time::Instant::now();
        let out = run(&["import", "--repo", &project, "--task", "F2.2", "-"], &answer);
        let took = started.elapsed();
        assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
        assert!(text(&out.stderr).contains(said), "{}", text(&out.stderr));
        assert!(took.as_secs() < 10, "took {took:?}");
        assert_eq!(queued(&project), before);
    }
}
