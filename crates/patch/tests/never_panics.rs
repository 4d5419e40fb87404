//! Stable-Rust stand-in for the cargo-fuzz target: feeds mutated corpus patches (and random
//! bytes) to the reader for a bounded number of iterations; it must never panic, and what it
//! returns must be self-consistent.

use patchdesk_patch::{parse, LineKind};
use std::path::{Path, PathBuf};

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn seeds() -> Vec<Vec<u8>> {
    let corpus = std::env::var_os("PATCHDESK_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus"));
    let mut out = Vec::new();
    for sub in ["real/patches/ripgrep", "real/patches/requests", "chat/patches"] {
        if let Ok(rd) = std::fs::read_dir(corpus.join(sub)) {
            let mut names: Vec<_> = rd.flatten().map(|e| e.path()).collect();
            names.sort();
            for p in names.into_iter().step_by(7) {
                if let Ok(d) = std::fs::read(p) {
                    if d.len() < 200_000 {
                        out.push(d);
                    }
                }
            }
        }
    }
    out.push(
        b"diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n\\ No newline at end of file\n".to_vec(),
    );
    out.push(b"diff --git a/b b/b\nGIT binary patch\nliteral 7\nOcmc~u&B@8<VgLXNY62es\n\n".to_vec());
    out
}

const TOKENS: &[&[u8]] = &[
    b"\n",
    b"@@ ",
    b"@@ -1,3 +1,4 @@\n",
    b"--- a/x\n+++ b/x\n",
    b"diff --git a/x b/x\n",
    b"\\ No newline at end of file\n",
    b"\r\n",
    b"```\n",
    b"\0",
    b"new file mode 100755\n",
    b"rename from a\nrename to b\n",
    b"GIT binary patch\nliteral 5\n",
    b"delta 3\n",
    b"-- \n2.4\n",
    b"\"a/\\303\"",
    b"/dev/null",
    b"\t1970-01-01 00:00:00",
    b"From 0123456789abcdef0123456789abcdef01234567 Mon\n",
];

fn mutate(rng: &mut Rng, data: &mut Vec<u8>) {
    for _ in 0..1 + rng.below(8) {
        let pos = rng.below(data.len() + 1);
        match rng.below(6) {
            0 if !data.is_empty() => {
                let p = pos.min(data.len() - 1);
                data[p] = rng.next() as u8;
            }
            1 => {
                let t = TOKENS[rng.below(TOKENS.len())];
                data.splice(pos..pos, t.iter().copied());
            }
            2 if !data.is_empty() => {
                let end = (pos + rng.below(64)).min(data.len());
                data.drain(pos.min(end)..end);
            }
            3 if !data.is_empty() => {
                let a = rng.below(data.len());
                let b = (a + rng.below(200)).min(data.len());
                let chunk = data[a..b].to_vec();
                data.splice(pos..pos, chunk);
            }
            4 => data.truncate(pos),
            _ => data.insert(pos.min(data.len()), b"+- \\@\n"[rng.below(6)]),
        }
    }
}

fn check(data: &[u8]) {
    if let Ok(p) = parse(data) {
        for f in &p.files {
            assert!(f.old_path.is_some() || f.new_path.is_some());
            for h in &f.hunks {
                let old = h.lines.iter().filter(|l| l.kind != LineKind::New).count() as u32;
                let new = h.lines.iter().filter(|l| l.kind != LineKind::Old).count() as u32;
                assert_eq!((old, new), (h.old_count, h.new_count));
            }
        }
        let _ = p.view();
    }
}

#[test]
fn mutated_corpus_never_panics() {
    let seeds = seeds();
    let iterations: usize = std::env::var("PATCHDESK_FUZZ_ITERS").ok().and_then(|s| s.parse().ok()).unwrap_or(20_000);
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for i in 0..iterations {
        let mut data = if i % 10 == 9 {
            (0..rng.below(512)).map(|_| rng.next() as u8).collect()
        } else {
            seeds[rng.below(seeds.len())].clone()
        };
        mutate(&mut rng, &mut data);
        check(&data);
    }
}
