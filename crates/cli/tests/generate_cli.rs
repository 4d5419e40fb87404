//! `patchdesk generate` and `patchdesk check`, run as the real binary on repositories built by
//! code: a patch made from staged changes only, read back by the inbox, and hostile inputs
//! refused with a sentence and nothing written.

mod repos;
use repos::{git, json, patchdesk, s};
use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};

/// A repository with `docs/a.md` and `src/b.txt` committed on `main`.
fn repo(dir: &Path) -> PathBuf {
    let w = dir.join("repo");
    fs::create_dir_all(w.join("docs")).unwrap();
    fs::create_dir_all(w.join("src")).unwrap();
    git(&w, &["init", "-q", "-b", "main"]);
    git(&w, &["config", "user.name", "Lead"]);
    git(&w, &["config", "user.email", "lead@example.invalid"]);
    fs::write(w.join("docs/a.md"), "one\n").unwrap();
    fs::write(w.join("src/b.txt"), "bee\n").unwrap();
    git(&w, &["add", "-A"]);
    git(&w, &["commit", "-q", "-m", "start"]);
    w
}

#[test]
fn generate_makes_a_patch_of_the_staged_changes_only_and_leaves_the_index_alone() {
    let dir = tempfile::tempdir().unwrap();
    let w = repo(dir.path());
    fs::write(w.join("docs/a.md"), "two\n").unwrap();
    fs::write(w.join("docs/new.md"), "new\n").unwrap();
    git(&w, &["add", "docs"]);
    // Not staged: must not be in the patch.
    fs::write(w.join("src/b.txt"), "unsaved work\n").unwrap();
    let status_before = git(&w, &["status", "--porcelain"]);
    let staged_before = git(&w, &["diff", "--cached"]);

    let out = patchdesk(&[
        "generate",
        "--repo",
        s(&w),
        "--task-id",
        "F2.1",
        "--summary",
        "Docs for the parser",
        "--pod",
        "DevPod",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let v = json(&out);
    let name = v["name"].as_str().unwrap();
    assert!(name.starts_with("patch_") && name.ends_with("_F2.1.diff"), "{name}");
    assert_eq!(name.len(), "patch_20261130_150000_F2.1.diff".len(), "{name}");
    assert_eq!(v["files"], serde_json::json!(["docs/a.md", "docs/new.md"]));
    assert_eq!(v["output_folders"], serde_json::json!(["docs/"]));

    let patch = fs::read_to_string(w.join(".patches").join(name)).unwrap();
    assert_eq!(patch, staged_before, "the patch is exactly `git diff --cached`");
    assert!(!patch.contains("unsaved work"));
    let sidecar: Value =
        serde_json::from_slice(&fs::read(w.join(".logs/patches").join(name.replace(".diff", ".json"))).unwrap())
            .unwrap();
    assert_eq!(sidecar["patch_file"], format!(".patches/{name}"));
    assert_eq!(sidecar["task_id"], "F2.1");
    assert_eq!(sidecar["summary"], "Docs for the parser");
    assert_eq!(sidecar["output_folders"], serde_json::json!(["docs/"]));
    assert_eq!(sidecar["pod"], "DevPod");

    // The user's staging area and working files are as they were (plus the two new files).
    assert_eq!(git(&w, &["diff", "--cached"]), staged_before);
    let status_after = git(&w, &["status", "--porcelain"]);
    assert_eq!(status_after.replace("?? .logs/\n", "").replace("?? .patches/\n", ""), status_before);

    // The patch reads back: it applies to the base it was made on, and the inbox takes it
    // with its sidecar.
    git(&w, &["reset", "-q", "--hard"]);
    let patch_path = w.join(".patches").join(name);
    let out = patchdesk(&["check", "--repo", s(&w), "--json", s(&patch_path)]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    let c = json(&out);
    assert_eq!(c["applies"], "clean");
    assert_eq!(c["files"], serde_json::json!(["docs/a.md", "docs/new.md"]));
    // The inbox reads it where the seed's promoted patches are, with its sidecar.
    let out = patchdesk(&["inbox", "--repo", s(&w), "--json"]);
    let inbox = json(&out);
    let item = inbox.as_array().unwrap().iter().find(|i| i["name"] == name).unwrap_or_else(|| panic!("{inbox}"));
    assert_eq!(item["task_id"], "F2.1", "{item}");
    assert_eq!(item["summary"], "Docs for the parser");
}

#[test]
fn generate_refuses_hostile_inputs_with_a_sentence_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let w = repo(dir.path());
    let long = "x".repeat(5000);
    let base = |task: &str, summary: &str| -> Vec<String> {
        ["generate", "--repo", s(&w), "--task-id", task, "--summary", summary].iter().map(|a| a.to_string()).collect()
    };
    // Nothing staged.
    let cases: Vec<(Vec<String>, &str)> = vec![
        (base("F2.1", "x"), "Nothing is staged"),
        (base("../../etc/x", "x"), "cannot be part of a patch's file name"),
        (base("F2.1", &long), "longer than"),
        (base("F2.1", "  "), "summary is empty"),
        (
            [base("F2.1", "x"), vec!["--output-folders".into(), "../outside".into()]].concat(),
            "not a folder inside the project",
        ),
    ];
    fs::write(w.join("docs/a.md"), "two\n").unwrap();
    for (i, (args, words)) in cases.iter().enumerate() {
        if i == 1 {
            git(&w, &["add", "docs"]);
        }
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = patchdesk(&refs);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(err.contains(words), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "one sentence: {err}");
        assert!(!w.join(".patches").exists() && !w.join(".logs").exists(), "nothing written for {args:?}");
    }
    // A link where the patches go is refused, nothing written through it.
    let outside = dir.path().join("outside");
    fs::create_dir_all(&outside).unwrap();
    std::os::unix::fs::symlink(&outside, w.join(".patches")).unwrap();
    let out = patchdesk(&base("F2.1", "x").iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("link"), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(fs::read_dir(&outside).unwrap().count(), 0);
    // Not a repository: usage.
    let out = patchdesk(&["generate", "--repo", s(&outside), "--task-id", "F1", "--summary", "x"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn check_says_when_a_patch_does_not_apply_and_unknown_items_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let w = repo(dir.path());
    let bad = dir.path().join("patch_20261130_100000_F9.diff");
    fs::write(&bad, "diff --git a/docs/a.md b/docs/a.md\n--- a/docs/a.md\n+++ b/docs/a.md\n@@ -1 +1 @@\n-zzz\n+two\n")
        .unwrap();
    let out = patchdesk(&["check", "--repo", s(&w), "--json", s(&bad)]);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stdout));
    let v = json(&out);
    assert!(matches!(v["applies"].as_str(), Some("refused" | "conflict")), "{v}");
    assert!(!v["problems"].as_array().unwrap().is_empty(), "{v}");
    assert_eq!(git(&w, &["status", "--porcelain"]), "", "check writes nothing");

    let out = patchdesk(&["check", "--repo", s(&w), "no_such_item.diff"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("patchdesk: ") && err.lines().count() == 1, "{err}");

    // A huge file is refused by size, read with a cap.
    let huge = dir.path().join("huge.diff");
    let f = fs::File::create(&huge).unwrap();
    f.set_len(200 << 20).unwrap();
    let started = std::time::Instant::now();
    let out = patchdesk(&["check", "--repo", s(&w), s(&huge)]);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(started.elapsed().as_secs() < 10);
}
