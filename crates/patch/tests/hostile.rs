//! Hostile patches (issue 10): every budget is a total for the whole input, and unsafe paths are
//! refused while reading, with the path named.

use patchdesk_patch::{parse, parse_with, ParseError, ParseOptions, PathError};
use std::io::Write;

/// A patch adding `files` binary files of `size` zero bytes each.
fn literal_bomb(files: usize, size: usize) -> String {
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    z.write_all(&vec![0u8; size]).unwrap();
    let data = patchdesk_patch::binary::encode(&z.finish().unwrap());
    (0..files)
        .map(|i| {
            format!(
                "diff --git a/f{i}.bin b/f{i}.bin\nnew file mode 100644\nindex 0000000..1111111\nGIT binary patch\nliteral {size}\n{data}\nliteral 0\nHcmV?d00001\n\n"
            )
        })
        .collect()
}

#[test]
fn binary_data_is_limited_by_its_total_not_per_file() {
    // Four files of 1 MiB each: fine under a 4 MiB budget, refused under 3 MiB.
    let patch = literal_bomb(4, 1 << 20);
    let mut opts = ParseOptions { max_binary_bytes: 4 << 20, ..ParseOptions::default() };
    assert_eq!(parse_with(patch.as_bytes(), &opts).unwrap().files.len(), 4);
    opts.max_binary_bytes = 3 << 20;
    let err = parse_with(patch.as_bytes(), &opts).unwrap_err();
    assert_eq!(err, ParseError::BinaryTooLarge { limit: 3 << 20 });
    assert_eq!(
        err.to_string(),
        "The patch's binary files would unpack to more than 3 MB; Patchdesk stops there. Ask the pod to send large files in a ZIP bundle."
    );
}

#[test]
fn binary_bomb_over_the_default_budget_is_refused_before_unpacking_it_all() {
    // 64 files that each say 64 MiB: 4 GiB in all; each passes the old per-file limit.
    let patch = literal_bomb(64, 64 << 20);
    assert!(patch.len() < 6 << 20, "{}", patch.len());
    let t0 = std::time::Instant::now();
    let err = parse(patch.as_bytes()).unwrap_err();
    assert!(matches!(err, ParseError::BinaryTooLarge { .. }), "{err:?}");
    assert!(t0.elapsed().as_secs() < 10);
}

#[test]
fn hunks_and_lines_are_limited_per_patch() {
    let mut patch = String::from("--- a/f.txt\n+++ b/f.txt\n");
    for k in 0..50 {
        patch.push_str(&format!("@@ -{0},1 +{0},1 @@\n-x\n+y\n", 2 * k + 1));
    }
    let opts = ParseOptions { max_hunks: 49, ..ParseOptions::default() };
    let err = parse_with(patch.as_bytes(), &opts).unwrap_err();
    assert_eq!(err, ParseError::TooManyHunks { limit: 49 });
    assert!(parse_with(patch.as_bytes(), &ParseOptions { max_hunks: 50, ..ParseOptions::default() }).is_ok());
    let lines = patch.lines().count();
    let err =
        parse_with(patch.as_bytes(), &ParseOptions { max_lines: lines - 1, ..ParseOptions::default() }).unwrap_err();
    assert_eq!(err, ParseError::TooManyLines { limit: lines - 1 });
    assert!(err.to_string().contains("Ask the pod to split the change"), "{err}");
}

/// Finding 12: unsafe paths fail the read itself (so an import can refuse them), naming them.
#[test]
fn unsafe_paths_are_refused_while_reading_with_the_path_named() {
    let cases: [(&str, &str); 9] = [
        ("diff --git a/../x b/../x\n--- a/../x\n+++ b/../x\n@@ -1 +1 @@\n-a\n+b\n", "../x"),
        ("--- /dev/null\n+++ /etc/cron.d/x\n@@ -0,0 +1 @@\n+x\n", "/etc/cron.d/x"),
        ("--- /dev/null\n+++ b/.git/hooks/pre-commit\n@@ -0,0 +1 @@\n+x\n", ".git/hooks/pre-commit"),
        ("--- /dev/null\n+++ b/sub/.GIT/config\n@@ -0,0 +1 @@\n+x\n", "sub/.GIT/config"),
        ("--- /dev/null\n+++ b/GIT~1/config\n@@ -0,0 +1 @@\n+x\n", "GIT~1/config"),
        ("--- /dev/null\n+++ b/.git\u{200d}/config\n@@ -0,0 +1 @@\n+x\n", ".git<U+200D>/config"),
        ("--- /dev/null\n+++ b/.git::$INDEX_ALLOCATION/config\n@@ -0,0 +1 @@\n+x\n", ".git::$INDEX_ALLOCATION/config"),
        ("diff --git a/x b/y\nsimilarity index 100%\nrename from x\nrename to .git/config\n", ".git/config"),
        ("--- /dev/null\n+++ b/report\u{202e}fdp.exe\n@@ -0,0 +1 @@\n+x\n", "report<U+202E>fdp.exe"),
    ];
    for (patch, named) in cases {
        let err = parse(patch.as_bytes()).unwrap_err();
        assert!(matches!(err, ParseError::Path { .. }), "{patch:?}: {err:?}");
        assert!(err.to_string().contains(named), "{patch:?}: {err}");
        assert!(!err.to_string().contains('\u{202e}'), "{err}");
    }
    match parse("--- /dev/null\n+++ b/a\u{202e}b\n@@ -0,0 +1 @@\n+x\n".as_bytes()) {
        Err(ParseError::Path { source: PathError::Bidi { visible, .. }, .. }) => assert_eq!(visible, "a<U+202E>b"),
        other => panic!("{other:?}"),
    }
}
