//! Small-patch apply latency: a 3-hunk patch on a 400-line file in a 200-file tree.

use criterion::{criterion_group, criterion_main, Criterion};
use patchdesk_apply::{apply, apply_files, ApplyOptions};
use patchdesk_patch::RepoPath;

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let repo = git2::Repository::init_bare(dir.path()).unwrap();
    let empty = repo.treebuilder(None).unwrap().write().unwrap();
    let body: String = (1..=400).map(|i| format!("line number {i}\n")).collect();
    let mut files: Vec<(RepoPath, Vec<u8>, bool)> = (0..200)
        .map(|i| {
            (
                RepoPath::parse(&format!("src/m{}/f{i}.txt", i % 10)).unwrap(),
                format!("file {i}\n{body}").into_bytes(),
                false,
            )
        })
        .collect();
    files.push((RepoPath::parse("src/main.txt").unwrap(), body.clone().into_bytes(), false));
    let base = apply_files(&repo, empty, &files).unwrap();
    let mut patch = String::from("diff --git a/src/main.txt b/src/main.txt\n--- a/src/main.txt\n+++ b/src/main.txt\n");
    for s in [10, 200, 390] {
        patch.push_str(&format!(
            "@@ -{s},7 +{s},7 @@\n line number {}\n line number {}\n line number {}\n-line number {}\n+LINE NUMBER {}\n line number {}\n line number {}\n line number {}\n",
            s, s + 1, s + 2, s + 3, s + 3, s + 4, s + 5, s + 6
        ));
    }
    let opts = ApplyOptions::default();
    assert!(apply(&repo, base, patch.as_bytes(), &opts).unwrap().tree.is_some());
    c.bench_function("apply small patch", |b| b.iter(|| apply(&repo, base, patch.as_bytes(), &opts).unwrap().tree));
}

criterion_group!(benches, bench);
criterion_main!(benches);
