//! Runs every case of the shared patch corpora (real and chat-damaged) through the real
//! `patchdesk apply` binary and compares the resulting tree id with the manifest's oracle.
//!
//! Corpus location: `$PATCHDESK_CORPUS`, else `<workspace>/../shared/corpus`. When the corpus is
//! missing the test fails (set `PATCHDESK_CORPUS_OPTIONAL=1` to skip instead).

mod common;

use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

#[derive(Default, Debug)]
struct Tally {
    right: usize,
    wrong: usize,
    refused: usize,
    failures: Vec<String>,
}

fn run_set(corpus: &Path, set: &str, repos: &HashMap<String, PathBuf>) -> Tally {
    let manifest: Vec<Value> =
        serde_json::from_slice(&std::fs::read(corpus.join(set).join("manifest.json")).unwrap()).unwrap();
    let tally = Mutex::new(Tally::default());
    common::for_each_case(&manifest, |case| {
        let id = case["id"].as_str().unwrap();
        let repo = &repos[case["repo"].as_str().unwrap().rsplit('/').next().unwrap()];
        // The corpus is real history, which has links: the project allows them.
        let (code, json) =
            common::apply_case(repo, case, &corpus.join(set).join(case["patch"].as_str().unwrap()), &["--allow-links"]);
        let tree = json["tree"].as_str().map(str::to_string);
        let outcome = json["outcome"].as_str().unwrap_or("?").to_string();
        let expected = case["expected_result"].as_str().unwrap();
        let mut t = tally.lock().unwrap();
        match expected {
            "clean" | "3way-clean" => {
                let want = case["expected_tree"].as_str().unwrap();
                if tree.as_deref() == Some(want) && code == 0 && (expected == "clean" || outcome == "merged") {
                    t.right += 1;
                } else if tree.is_none() {
                    t.refused += 1;
                    t.failures.push(format!("refused {id} (want {expected}): {}", json["problems"]));
                } else {
                    t.wrong += 1;
                    t.failures.push(format!("WRONG {id}: got {tree:?} outcome {outcome}, want {want}"));
                }
            }
            _ => {
                // conflict / reject: no tree, exit 1, reported as conflict or refused.
                if tree.is_none() && code == 1 && (outcome == "conflict" || outcome == "refused") {
                    t.right += 1;
                } else {
                    t.wrong += 1;
                    t.failures.push(format!("WRONG {id}: expected {expected}, got {outcome} {tree:?} exit {code}"));
                }
            }
        }
    });
    tally.into_inner().unwrap()
}

#[test]
fn corpus_real_and_chat() {
    let Some(corpus) = common::corpus_or_skip("real/manifest.json") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let repos = common::restore_bundles(&corpus, tmp.path());
    let real = run_set(&corpus, "real", &repos);
    let chat = run_set(&corpus, "chat", &repos);
    for (name, t) in [("real", &real), ("chat", &chat)] {
        println!("{name}: right {} / wrong {} / refused {}", t.right, t.wrong, t.refused);
        for f in &t.failures {
            println!("  {f}");
        }
    }
    assert_eq!(real.wrong + chat.wrong, 0, "wrong trees are never acceptable");
    assert_eq!(real.right, 164, "every real case must be right");
    assert!(chat.right >= 495, "chat: only {} of 500 right", chat.right);
}
