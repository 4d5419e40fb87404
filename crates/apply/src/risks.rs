//! The risky paths of a finished change, read from the two trees: whatever shape the change
//! came in (a patch, a ZIP bundle, a batch), what review shows and what promote holds for an
//! explicit "I understand" is the same list.

use std::collections::BTreeMap;

use git2::{Delta, DiffOptions, FileMode, Oid, Repository, Tree};
use patchdesk_patch::{risk, risk_of_change, Risk, RiskyPath};

use crate::ApplyError;

/// Every path that changes between tree `old` and tree `new` and needs a person's explicit look
/// (workflows, submodules, Patchdesk's own folders, hooks, links, names that differ from a
/// neighbour only in letter case), in path order, one entry per path.
pub fn risks_between(repo: &Repository, old: Oid, new: Oid) -> Result<Vec<RiskyPath>, ApplyError> {
    let old_tree = repo.find_tree(old)?;
    let new_tree = repo.find_tree(new)?;
    let mut opts = DiffOptions::new();
    opts.include_typechange(true);
    let diff = repo.diff_tree_to_tree(Some(&old_tree), Some(&new_tree), Some(&mut opts))?;
    let mut found: BTreeMap<String, Risk> = BTreeMap::new();
    for delta in diff.deltas() {
        let gone = delta.status() == Delta::Deleted;
        let file = if gone { delta.old_file() } else { delta.new_file() };
        let Some(path) = file.path().and_then(|p| p.to_str()) else { continue };
        let kind = if !gone && file.mode() == FileMode::Link {
            Some(Risk::Link)
        } else if gone {
            risk(path)
        } else {
            let added = added_text(repo, delta.old_file().id(), file.id());
            risk_of_change(path, added.iter().map(Vec::as_slice))
        };
        let kind = kind.or_else(|| {
            (delta.status() == Delta::Added && has_case_twin(repo, &new_tree, path)).then_some(Risk::CaseCollision)
        });
        if let Some(kind) = kind {
            found.entry(path.to_string()).or_insert(kind);
        }
    }
    Ok(found.into_iter().map(|(path, kind)| RiskyPath::new(&path, kind)).collect())
}

/// The lines of blob `new` that blob `old` lacks (all of them for a new file): enough to tell a
/// `.gitmodules` that gains an `ext::` address. Only read for paths that are risky already.
fn added_text(repo: &Repository, old: Oid, new: Oid) -> Vec<Vec<u8>> {
    let read = |id: Oid| {
        if id.is_zero() {
            Vec::new()
        } else {
            repo.find_blob(id).map(|b| b.content().to_vec()).unwrap_or_default()
        }
    };
    let before = read(old);
    let after = read(new);
    let known: std::collections::HashSet<&[u8]> = before.split(|b| *b == b'\n').collect();
    after.split(|b| *b == b'\n').filter(|l| !known.contains(l)).map(<[u8]>::to_vec).collect()
}

/// True when the folder holding `path` in `tree` has another entry whose name differs only in
/// letter case (one file on Windows and Mac).
fn has_case_twin(repo: &Repository, tree: &Tree<'_>, path: &str) -> bool {
    let (dir, name) = path.rsplit_once('/').unwrap_or(("", path));
    let folder = if dir.is_empty() {
        Some(tree.clone())
    } else {
        tree.get_path(std::path::Path::new(dir))
            .ok()
            .and_then(|e| e.to_object(repo).ok())
            .and_then(|o| o.into_tree().ok())
    };
    let Some(folder) = folder else { return false };
    let lower = name.to_lowercase();
    folder.iter().any(|e| e.name().is_ok_and(|n| n != name && n.to_lowercase() == lower))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree_of(repo: &Repository, files: &[(&str, &[u8], i32)]) -> Oid {
        let mut index = git2::Index::new().unwrap();
        for (path, content, mode) in files {
            let id = repo.blob(content).unwrap();
            let entry = git2::IndexEntry {
                ctime: git2::IndexTime::new(0, 0),
                mtime: git2::IndexTime::new(0, 0),
                dev: 0,
                ino: 0,
                mode: *mode as u32,
                uid: 0,
                gid: 0,
                file_size: content.len() as u32,
                id,
                flags: 0,
                flags_extended: 0,
                path: path.as_bytes().to_vec(),
            };
            index.add(&entry).unwrap();
        }
        index.write_tree_to(repo).unwrap()
    }

    #[test]
    fn every_risky_change_is_named_once_whatever_shape_it_came_in() {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init_bare(dir.path()).unwrap();
        let base = tree_of(
            &repo,
            &[
                ("README.md", b"hi\n", 0o100644),
                (".gitmodules", b"[submodule \"a\"]\n\turl = https://example.invalid/a\n", 0o100644),
                ("src/Main.rs", b"fn main() {}\n", 0o100644),
            ],
        );
        let new = tree_of(
            &repo,
            &[
                ("README.md", b"hi there\n", 0o100644),
                (".gitmodules", b"[submodule \"a\"]\n\turl = ext::sh -c touch% /tmp/pwned\n", 0o100644),
                ("src/Main.rs", b"fn main() {}\n", 0o100644),
                ("src/main.rs", b"fn main() { evil() }\n", 0o100644),
                (".github/workflows/ci.yml", b"on: push\n", 0o100644),
                ("docs/link", b"../../etc/passwd", 0o120000),
            ],
        );
        let risks = risks_between(&repo, base, new).unwrap();
        let got: Vec<(&str, Risk)> = risks.iter().map(|r| (r.path.as_str(), r.risk)).collect();
        assert_eq!(
            got,
            [
                (".github/workflows/ci.yml", Risk::Workflow),
                (".gitmodules", Risk::SubmoduleCommand),
                ("docs/link", Risk::Link),
                ("src/main.rs", Risk::CaseCollision),
            ]
        );
        assert!(risks[0].message.contains(".github/workflows/ci.yml"), "{}", risks[0].message);
        // An ordinary change has none; removing a workflow is still named.
        assert!(risks_between(&repo, base, base).unwrap().is_empty());
        let without = tree_of(&repo, &[("README.md", b"hi\n", 0o100644)]);
        let back: Vec<Risk> = risks_between(&repo, new, without).unwrap().into_iter().map(|r| r.risk).collect();
        assert_eq!(back, [Risk::Workflow, Risk::Submodules]);
    }
}
