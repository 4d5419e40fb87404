//! Runs every case of the shared chat-shapes corpus (OpenAI patches, edit blocks, prose with
//! diffs, whole files, drifted hunk numbers, CRLF answers) through the real `patchdesk apply`
//! binary and compares the resulting tree id with the manifest's oracle. Prints a tally per
//! shape: right / wrong / refused. A wrong tree is never acceptable.
//!
//! Corpus location: `$PATCHDESK_CORPUS`, else `<workspace>/../shared/corpus`. When the corpus is
//! missing the test fails (set `PATCHDESK_CORPUS_OPTIONAL=1` to skip instead).

mod common;

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

#[derive(Default, Debug)]
struct Tally {
    right: usize,
    wrong: usize,
    refused: usize,
    lines: Vec<String>,
}

#[test]
fn chat_shapes_corpus() {
    let Some(corpus) = common::corpus_or_skip("chat-shapes/manifest.json") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let repos = common::restore_bundles(&corpus, tmp.path());
    let set = corpus.join("chat-shapes");
    let manifest: Vec<Value> = serde_json::from_slice(&std::fs::read(set.join("manifest.json")).unwrap()).unwrap();
    let tallies: Mutex<BTreeMap<String, Tally>> = Mutex::new(BTreeMap::new());
    common::for_each_case(&manifest, |case| {
        let id = case["id"].as_str().unwrap();
        let shape = case["damage"].as_str().unwrap().to_string();
        let repo = &repos[case["repo"].as_str().unwrap().rsplit('/').next().unwrap()];
        let (code, json) = common::apply_case(repo, case, &set.join(case["patch"].as_str().unwrap()), &[]);
        let tree = json["tree"].as_str().map(str::to_string);
        let want = case["expected_tree"].as_str().unwrap();
        assert_eq!(case["expected_result"].as_str(), Some("clean"), "{id}: every chat-shapes case expects a tree");
        let mut all = tallies.lock().unwrap();
        let t = all.entry(shape).or_default();
        if tree.as_deref() == Some(want) && code == 0 {
            t.right += 1;
        } else if tree.is_none() {
            t.refused += 1;
            t.lines.push(format!("refused {id}: {}", json["problems"]));
        } else {
            t.wrong += 1;
            t.lines.push(format!("WRONG {id}: got {tree:?}, want {want}"));
        }
    });
    let tallies = tallies.into_inner().unwrap();
    let (mut right, mut wrong, mut refused) = (0, 0, 0);
    for (shape, t) in &tallies {
        println!("{shape:<14} right {:>3} / wrong {} / refused {}", t.right, t.wrong, t.refused);
        for l in &t.lines {
            println!("    {l}");
        }
        right += t.right;
        wrong += t.wrong;
        refused += t.refused;
    }
    println!("chat-shapes: right {right} / wrong {wrong} / refused {refused} (of {})", manifest.len());
    assert_eq!(wrong, 0, "wrong trees are never acceptable");
    assert!(right >= 405, "chat-shapes: only {right} of {} right", manifest.len());
}

/// A real repository built by code: one commit with `files`; returns its folder.
fn repo_with(dir: &Path, files: &[(&str, &str)]) -> PathBuf {
    let repo = dir.join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    let git = |args: &[&str]| {
        let st = Command::new("git").arg("-C").arg(&repo).args(args).output().unwrap();
        assert!(st.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&st.stderr));
        String::from_utf8_lossy(&st.stdout).trim().to_string()
    };
    git(&["init", "-q"]);
    for (p, c) in files {
        let f = repo.join(p);
        std::fs::create_dir_all(f.parent().unwrap()).unwrap();
        std::fs::write(f, c).unwrap();
    }
    git(&["add", "-A"]);
    git(&["-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-q", "-m", "base"]);
    repo
}

fn objects(repo: &Path) -> usize {
    walk(&repo.join(".git/objects"))
}

fn walk(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .map_or(0, |rd| rd.flatten().map(|e| if e.path().is_dir() { walk(&e.path()) } else { 1 }).sum())
}

fn apply_answer(repo: &Path, answer: &str) -> (i32, Value) {
    let file = repo.parent().unwrap().join("answer.txt");
    std::fs::write(&file, answer).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_patchdesk"))
        .args(["apply", "--repo"])
        .arg(repo)
        .args(["--base", "HEAD", "--json"])
        .arg(&file)
        .output()
        .unwrap();
    (out.status.code().unwrap_or(-1), serde_json::from_slice(&out.stdout).unwrap_or(Value::Null))
}

fn blob(repo: &Path, tree: &str, path: &str) -> String {
    let out = Command::new("git").arg("-C").arg(repo).args(["show", &format!("{tree}:{path}")]).output().unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

const APP: &str = "def load():\n    return 1\n\ndef save():\n    return 1\n";

#[test]
fn an_openai_patch_in_a_chat_answer_applies_with_its_repairs() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = repo_with(tmp.path(), &[("src/app.py", APP)]);
    let answer = "Here is the change as an `apply_patch` patch:\r\n\r\n```\r\n*** Begin Patch\r\n*** Update File: app.py\r\n@@ def save():\r\n-    return 1\r\n+    return 2\r\n*** End Patch\r\n```\r\n";
    let (code, json) = apply_answer(&repo, answer);
    assert_eq!(code, 0, "{json}");
    assert_eq!(json["outcome"], "repaired");
    let tree = json["tree"].as_str().unwrap();
    assert_eq!(blob(&repo, tree, "src/app.py"), APP.replace("def save():\n    return 1", "def save():\n    return 2"));
    let repairs = json["repairs"].to_string();
    assert!(repairs.contains("The pod wrote app.py") && repairs.contains("Windows line ends"), "{repairs}");
}

#[test]
fn an_ambiguous_edit_block_is_refused_and_nothing_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = repo_with(tmp.path(), &[("src/app.py", APP)]);
    let before = objects(&repo);
    let (code, json) = apply_answer(
        &repo,
        "src/app.py\n```python\n<<<<<<< SEARCH\n    return 1\n=======\n    return 2\n>>>>>>> REPLACE\n```\n",
    );
    assert_eq!(code, 1, "{json}");
    assert_eq!(json["outcome"], "refused");
    assert!(json["tree"].is_null());
    let msg = json["problems"][0]["message"].as_str().unwrap();
    assert!(msg.contains("Edit block 1 of src/app.py") && msg.contains("fits 2 places"), "{msg}");
    assert_eq!(objects(&repo), before, "a refusal writes nothing");
}

#[test]
fn a_whole_file_with_code_left_out_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = repo_with(tmp.path(), &[("src/app.py", APP)]);
    let (code, json) = apply_answer(&repo, "Here is the complete file:\n\n**src/app.py**\n```python\ndef load():\n    return 2\n\n# ... rest of the file unchanged ...\n```\n");
    assert_eq!(code, 1, "{json}");
    let msg = json["problems"][0]["message"].as_str().unwrap();
    assert_eq!(msg, "src/app.py: the pod left part of the file out (`# ... rest of the file unchanged ...` stands where code should be); ask it for the whole file.");
}
