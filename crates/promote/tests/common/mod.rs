//! Shared helpers for promote's tests: snapshots of the user's repository, reading trees.
#![allow(dead_code)]

use std::cell::Cell;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use github_standin::{RepoSpec, Standin};

use sha2::{Digest, Sha256};

/// Paths Patchdesk itself manages in the working folder: the inbox (written at import), its
/// metadata (status changes) and the promote records. Everything else is the user's.
pub fn is_patchdesk_area(rel: &str) -> bool {
    rel.starts_with(".patchdesk/promote/") || rel.starts_with(".patches/queue/") || rel.starts_with(".logs/patches/")
}

fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let path = e.path();
        let rel = path.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
        let ft = e.file_type().unwrap();
        if ft.is_dir() {
            if rel == ".git" {
                continue;
            }
            walk(root, &path, out);
        } else if !is_patchdesk_area(&rel) {
            let bytes = if ft.is_symlink() {
                std::fs::read_link(&path).unwrap().to_string_lossy().into_owned().into_bytes()
            } else {
                std::fs::read(&path).unwrap()
            };
            out.insert(rel, hex::encode(Sha256::digest(&bytes)));
        }
    }
}

/// Hash of every user file, plus the index file, HEAD, every local branch and the stash.
pub fn snapshot(workdir: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    walk(workdir, workdir, &mut out);
    let repo = git2::Repository::open(workdir).unwrap();
    let index = std::fs::read(repo.path().join("index")).unwrap_or_default();
    out.insert("<index>".into(), hex::encode(Sha256::digest(&index)));
    out.insert("<HEAD>".into(), std::fs::read_to_string(repo.path().join("HEAD")).unwrap());
    for r in repo.references().unwrap().flatten() {
        let name = r.name().unwrap_or_default().to_string();
        if name.starts_with("refs/heads/")
            || name == "refs/stash"
            || name.starts_with("refs/remotes/")
            || name.starts_with("refs/tags/")
        {
            out.insert(name, r.target().map(|o| o.to_string()).unwrap_or_default());
        }
    }
    out
}

/// The text of `path` in commit `commit` of the repository at `git_dir`.
pub fn file_in(repo: &git2::Repository, commit: &str, path: &str) -> Option<String> {
    let c = repo.find_commit(git2::Oid::from_str(commit).ok()?).ok()?;
    let entry = c.tree().ok()?.get_path(Path::new(path)).ok()?;
    let blob = repo.find_blob(entry.id()).ok()?;
    Some(String::from_utf8_lossy(blob.content()).into_owned())
}

/// Every path in a commit's tree.
pub fn paths_in(repo: &git2::Repository, commit: &str) -> Vec<String> {
    let c = repo.find_commit(git2::Oid::from_str(commit).unwrap()).unwrap();
    let mut out = Vec::new();
    c.tree()
        .unwrap()
        .walk(git2::TreeWalkMode::PreOrder, |dir, e| {
            if e.kind() == Some(git2::ObjectType::Blob) {
                out.push(format!("{dir}{}", e.name().unwrap_or_default()));
            }
            git2::TreeWalkResult::Ok
        })
        .unwrap();
    out
}

/// The bytes of `path` in commit `commit`.
pub fn bytes_in(repo: &git2::Repository, commit: &str, path: &str) -> Option<Vec<u8>> {
    let c = repo.find_commit(git2::Oid::from_str(commit).ok()?).ok()?;
    let entry = c.tree().ok()?.get_path(Path::new(path)).ok()?;
    Some(repo.find_blob(entry.id()).ok()?.content().to_vec())
}

/// The demo project with its sample downloads in the inbox.
pub fn demo_project() -> (tempfile::TempDir, patchdesk_project::demo::DemoProject) {
    let dir = tempfile::tempdir().unwrap();
    let d = patchdesk_project::demo::ensure(&dir.path().join("demo")).unwrap();
    patchdesk_project::Project::open(&d.project).unwrap().seed_demo_inbox(&d).unwrap();
    (dir, d)
}

/// The inbox name of the demo's sample download `file`.
pub fn item_named(d: &patchdesk_project::demo::DemoProject, file: &str) -> String {
    let q = patchdesk_intake::Queue::open(&d.project).unwrap();
    q.list()
        .unwrap()
        .into_iter()
        .find(|i| i.file_name == file)
        .unwrap_or_else(|| panic!("{file} not in the inbox"))
        .name
}

/// A GitHub stand-in with one repository on it and the lead's clone of it in `lead/`.
pub struct Hub {
    pub gh: Standin,
    pub tmp: tempfile::TempDir,
    pub work: PathBuf,
    pub url: String,
}

/// Git credentials that answer with `token` once and refuse after that (a wrong token must
/// not be asked for again and again).
pub fn token_once<'a>(token: &'a str, tries: &'a Cell<u32>) -> git2::RemoteCallbacks<'a> {
    let mut cb = git2::RemoteCallbacks::new();
    cb.credentials(move |_, _, _| {
        tries.set(tries.get() + 1);
        if tries.get() > 1 {
            return Err(git2::Error::from_str("refused"));
        }
        git2::Cred::userpass_plaintext("x-access-token", token)
    });
    cb
}

/// A stand-in where `octo` (signed in with `token`, granted `scopes`) has `octo/<repo>` with
/// `files` committed on main, and the lead's clone of it, fetched with the token.
pub fn hub(token: &str, scopes: &[&str], repo: &str, files: &[(&str, &str)]) -> Hub {
    let gh = Standin::start_blocking().expect("stand-in starts (run scripts/fetch-openapi.sh first)");
    gh.state().add_user("octo", token, scopes);
    gh.state().add_repo(RepoSpec::new("octo", repo)).unwrap();
    gh.state().commit_files("octo", repo, "main", "Project files", files).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let work = tmp.path().join("lead");
    let url = gh.git_url("octo", repo);
    let tries = Cell::new(0);
    let mut fo = git2::FetchOptions::new();
    fo.remote_callbacks(token_once(token, &tries));
    git2::build::RepoBuilder::new().fetch_options(fo).clone(&url, &work).unwrap();
    Hub { gh, tmp, work, url }
}

/// Sets the lead's name and e-mail in the clone at `work` (what commits there are signed with).
pub fn sign_as_lead(work: &Path) {
    let mut cfg = git2::Repository::open(work).unwrap().config().unwrap();
    cfg.set_str("user.name", "Lead Person").unwrap();
    cfg.set_str("user.email", "lead@example.com").unwrap();
}

/// A git diff of the HEAD of `work` with `changes` (path, new content) applied.
pub fn diff_of(work: &Path, changes: &[(&str, &str)]) -> Vec<u8> {
    let repo = git2::Repository::open(work).unwrap();
    let base = repo.head().unwrap().peel_to_tree().unwrap();
    let mut b = git2::build::TreeUpdateBuilder::new();
    for (p, c) in changes {
        b.upsert(*p, repo.blob(c.as_bytes()).unwrap(), git2::FileMode::Blob);
    }
    let new = repo.find_tree(b.create_updated(&repo, &base).unwrap()).unwrap();
    let diff = repo.diff_tree_to_tree(Some(&base), Some(&new), None).unwrap();
    let mut out = Vec::new();
    diff.print(git2::DiffFormat::Patch, |_, _, l| {
        if matches!(l.origin(), '+' | '-' | ' ') {
            out.push(l.origin() as u8);
        }
        out.extend_from_slice(l.content());
        true
    })
    .unwrap();
    out
}
