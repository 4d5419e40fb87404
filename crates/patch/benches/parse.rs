//! Parse throughput on a large git diff made of the real corpus patches (repeated to ~32 MB).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::path::{Path, PathBuf};

fn corpus() -> PathBuf {
    std::env::var_os("PATCHDESK_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus"))
}

fn big_diff() -> Vec<u8> {
    let mut one = Vec::new();
    for repo in ["ripgrep", "requests"] {
        let dir = corpus().join("real/patches").join(repo);
        let mut names: Vec<_> =
            std::fs::read_dir(&dir).map(|d| d.flatten().map(|e| e.path()).collect()).unwrap_or_default();
        names.sort();
        for p in names.iter().filter(|p| p.to_string_lossy().contains("-gitdiff")) {
            one.extend(std::fs::read(p).unwrap());
        }
    }
    if one.is_empty() {
        // No corpus: a synthetic diff of 40 files x 50 hunks.
        for f in 0..40 {
            one.extend(format!("diff --git a/src/f{f}.rs b/src/f{f}.rs\nindex 1111111..2222222 100644\n--- a/src/f{f}.rs\n+++ b/src/f{f}.rs\n").bytes());
            for h in 0..50 {
                let s = h * 20 + 1;
                one.extend(format!("@@ -{s},7 +{s},7 @@ fn f{h}() {{\n     let a = {h};\n     let b = a + 1;\n     let c = b * 2;\n-    old_call(a, b, c);\n+    new_call(a, b, c);\n     let d = c - 1;\n     let e = d / 2;\n     e\n").bytes());
            }
        }
    }
    let mut big = Vec::with_capacity(32 << 20);
    while big.len() < 32 << 20 {
        big.extend_from_slice(&one);
    }
    big
}

fn bench(c: &mut Criterion) {
    let data = big_diff();
    let mut g = c.benchmark_group("parse");
    g.throughput(Throughput::Bytes(data.len() as u64));
    g.sample_size(10);
    g.bench_function("large git diff", |b| {
        b.iter(|| {
            let p = patchdesk_patch::parse(&data).unwrap();
            std::hint::black_box(p.files.len())
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
