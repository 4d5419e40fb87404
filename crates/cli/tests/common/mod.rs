//! What the corpus tests share: where the shared corpora are, and their trees restored from the
//! git bundles once per run.

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
