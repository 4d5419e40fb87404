//! What the corpus tests share: where the shared corpora are, and their trees restored from the
//! git bundles once per run.

use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The shared corpora folder (`PATCHDESK_CORPUS`, else `../shared/corpus` beside the checkout),
/// when it holds `manifest` (a path inside it such as `real/manifest.json`).
pub fn corpus_dir(manifest: &str) -> Option<PathBuf> {
    let dir = match std::env::var_os("PATCHDESK_CORPUS") {
        Some(d) => PathBuf::from(d),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus"),
    };
    dir.join(manifest).is_file().then_some(dir)
}

/// The corpora folder for a test that needs `manifest`: `None` (the test is skipped, saying so)
/// only when `PATCHDESK_CORPUS_OPTIONAL` is set; otherwise a missing corpus fails the test.
pub fn corpus_or_skip(manifest: &str) -> Option<PathBuf> {
    let dir = corpus_dir(manifest);
    if dir.is_none() {
        assert!(
            std::env::var_os("PATCHDESK_CORPUS_OPTIONAL").is_some(),
            "patch corpus not found: set PATCHDESK_CORPUS"
        );
        eprintln!("corpus not found; skipped");
    }
    dir
}

/// Restores each bundle once into a bare repository under `tmp`: repository name → its folder.
pub fn restore_bundles(corpus: &Path, tmp: &Path) -> HashMap<String, PathBuf> {
    let mut repos = HashMap::new();
    for name in ["ripgrep", "requests"] {
        let dir = tmp.join(format!("{name}.git"));
        let bundle = corpus.join(format!("real/bundles/{name}.bundle"));
        for args in [
            vec!["init", "-q", "--bare", dir.to_str().unwrap()],
            vec!["-C", dir.to_str().unwrap(), "fetch", "-q", bundle.to_str().unwrap(), "refs/*:refs/*"],
        ] {
            let st = Command::new("git").args(&args).output().expect("git runs");
            assert!(st.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&st.stderr));
        }
        repos.insert(name.to_string(), dir);
    }
    repos
}

/// Calls `each` for every case of `manifest`, on two threads (the machine's cores).
pub fn for_each_case(manifest: &[Value], each: impl Fn(&Value) + Sync) {
    let next = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                while let Some(case) = manifest.get(next.fetch_add(1, std::sync::atomic::Ordering::SeqCst)) {
                    each(case);
                }
            });
        }
    });
}

/// Runs the real `patchdesk apply --json` on `patch` over the case's base tree in `repo`
/// (with `extra` arguments): its exit code and its JSON report (null when it printed none).
pub fn apply_case(repo: &Path, case: &Value, patch: &Path, extra: &[&str]) -> (i32, Value) {
    let out = Command::new(env!("CARGO_BIN_EXE_patchdesk"))
        .args(["apply", "--repo"])
        .arg(repo)
        .args(["--base", case["base_tree"].as_str().unwrap(), "--json"])
        .args(extra)
        .arg(patch)
        .output()
        .unwrap();
    (out.status.code().unwrap_or(-1), serde_json::from_slice(&out.stdout).unwrap_or(Value::Null))
}
