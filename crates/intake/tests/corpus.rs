//! Every patch of the shared corpora (real history and chat-damaged copies) is recognised as a
//! diff, with the flavour its manifest says. Skipped (with a note) when the corpus is absent.

use patchdesk_intake::{identify, DiffFlavor, Kind};
use std::path::Path;

const CORPUS: &str = "../../../shared/corpus";

/// Rows of a manifest.tsv as (column name → value) maps.
fn rows(path: &Path) -> Vec<std::collections::HashMap<String, String>> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| header.iter().map(|h| h.to_string()).zip(l.split('\t').map(str::to_string)).collect())
        .collect()
}

fn corpus() -> Option<&'static Path> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join(CORPUS);
    if p.join("real/manifest.tsv").is_file() {
        Some(Box::leak(p.into_boxed_path()))
    } else {
        eprintln!("corpus not found at {}; skipped", p.display());
        None
    }
}

#[test]
fn real_patches_are_recognised_with_their_format() {
    let Some(root) = corpus() else { return };
    let mut tally = std::collections::BTreeMap::new();
    for row in rows(&root.join("real/manifest.tsv")) {
        let file = root.join("real").join(&row["patch"]);
        let bytes = std::fs::read(&file).unwrap();
        let kind = identify(&row["patch"], &bytes).unwrap_or_else(|e| panic!("{}: {e}", row["id"]));
        let expected = match row["format"].as_str() {
            "mbox" => DiffFlavor::Mbox,
            "gitdiff" | "gitdiff-norename" => DiffFlavor::Git,
            "unified-ruN" => DiffFlavor::Unified,
            other => panic!("unknown format {other}"),
        };
        assert_eq!(kind, Kind::Diff { flavor: expected }, "{}", row["id"]);
        *tally.entry(row["format"].clone()).or_insert(0) += 1;
    }
    println!("real corpus recognised: {tally:?}");
    assert_eq!(tally.values().sum::<i32>(), 164);
}

#[test]
fn chat_damaged_patches_are_still_recognised_as_diffs() {
    let Some(root) = corpus() else { return };
    let mut count = 0;
    for row in rows(&root.join("chat/manifest.tsv")) {
        let bytes = std::fs::read(root.join("chat").join(&row["patch"])).unwrap();
        let kind = identify(&row["patch"], &bytes).unwrap_or_else(|e| panic!("{}: {e}", row["id"]));
        let Kind::Diff { flavor } = kind else { panic!("{}: {kind:?}", row["id"]) };
        match row["damage"].as_str() {
            "fence" | "combo" => assert_eq!(flavor, DiffFlavor::Chat, "{}", row["id"]),
            "noheaders" => {
                assert!(matches!(flavor, DiffFlavor::Unified | DiffFlavor::Mbox), "{}: {flavor:?}", row["id"])
            }
            _ => assert_ne!(flavor, DiffFlavor::Chat, "{}", row["id"]),
        }
        count += 1;
    }
    assert_eq!(count, 500);
}
