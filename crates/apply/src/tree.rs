//! The changed paths over a base tree, and writing the new tree (only touched folders).

use crate::loose::Loose;
use crate::report::Problem;
use git2::{ObjectType, Oid, Repository, Tree};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

const MODE_TREE: i32 = 0o040000;
const MODE_LINK: u32 = 0o120000;

/// File content: an existing blob or new bytes.
#[derive(Debug, Clone)]
pub(crate) enum Content {
    Blob(Oid),
    /// New bytes, and their job with the loose-object writer once handed over.
    Data(Arc<Vec<u8>>, Option<usize>),
}

/// A file's state: content and mode.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub content: Content,
    pub mode: u32,
}

impl Entry {
    pub fn data(data: Vec<u8>, mode: u32) -> Entry {
        Entry { content: Content::Data(Arc::new(data), None), mode }
    }

    pub fn bytes(&self, repo: &Repository) -> Result<Vec<u8>, git2::Error> {
        match &self.content {
            Content::Blob(id) => Ok(repo.find_blob(*id)?.content().to_vec()),
            Content::Data(d, _) => Ok(d.to_vec()),
        }
    }

    pub fn oid(&self) -> Result<Oid, git2::Error> {
        match &self.content {
            Content::Blob(id) => Ok(*id),
            Content::Data(d, _) => Oid::hash_object(ObjectType::Blob, d),
        }
    }
}

/// Changes by full path; `None` means deleted.
pub(crate) struct Overlay<'r> {
    base: Tree<'r>,
    changes: BTreeMap<String, Option<Entry>>,
    loose: Loose,
}

#[derive(Default)]
struct Dir<'c> {
    files: BTreeMap<&'c str, Option<&'c Entry>>,
    dirs: BTreeMap<&'c str, Dir<'c>>,
}

impl<'r> Overlay<'r> {
    /// An overlay for a change of about `files` files.
    pub fn new(repo: &Repository, base: &Tree<'r>, files: usize) -> Self {
        Overlay { base: base.clone(), changes: BTreeMap::new(), loose: Loose::new(repo, files) }
    }

    /// Current state of `path`: `Ok(None)` when absent; `Err` with a sentence when the path is
    /// a folder or goes through a symlink.
    pub fn get(&self, repo: &Repository, path: &str) -> Result<Option<Entry>, String> {
        if let Some(v) = self.changes.get(path) {
            return Ok(v.clone());
        }
        // A parent replaced by a file in this patch, or a symlink parent.
        let mut at = 0;
        while let Some(k) = path[at..].find('/') {
            let prefix = &path[..at + k];
            match self.changes.get(prefix) {
                Some(Some(e)) if e.mode == MODE_LINK => {
                    return Err(format!("{path} goes through the symbolic link {prefix}"))
                }
                Some(Some(_)) => return Ok(None),
                _ => {}
            }
            if let Ok(e) = self.base.get_path(Path::new(prefix)) {
                if e.filemode() as u32 == MODE_LINK {
                    return Err(format!("{path} goes through the symbolic link {prefix}"));
                }
            }
            at += k + 1;
        }
        match self.base.get_path(Path::new(path)) {
            Ok(e) => {
                if e.kind() == Some(ObjectType::Tree) {
                    return Err(format!("{path} is a folder in the base, not a file"));
                }
                if e.kind() != Some(ObjectType::Blob) {
                    return Err(format!("{path} is a submodule; Patchdesk does not change submodules"));
                }
                let _ = repo;
                Ok(Some(Entry { content: Content::Blob(e.id()), mode: e.filemode() as u32 }))
            }
            Err(_) => Ok(None),
        }
    }

    /// Sets `path`'s new state; new bytes start being prepared for writing at once.
    pub fn set(&mut self, path: &str, mut value: Option<Entry>) {
        if let Some(Entry { content: Content::Data(d, job @ None), .. }) = &mut value {
            *job = Some(self.loose.prepare(Arc::clone(d)));
        }
        self.changes.insert(path.to_string(), value);
    }

    /// Paths the patch leaves as files (written, replaced or kept), in order.
    pub fn written(&self) -> impl Iterator<Item = &str> {
        self.changes.iter().filter(|(_, v)| v.is_some()).map(|(p, _)| p.as_str())
    }

    /// Whether the patch deletes the file `path`.
    pub fn is_deleted(&self, path: &str) -> bool {
        matches!(self.changes.get(path), Some(None))
    }

    /// Records that `path` keeps its base state (nothing to write).
    pub fn keep(&mut self, path: &str, value: Option<Entry>) {
        if self.changes.contains_key(path) {
            self.changes.insert(path.to_string(), value);
        }
    }

    /// Writes every new blob as a loose object (prepared in the background since `set`).
    fn write_blobs(&mut self, repo: &Repository) -> Result<BTreeMap<String, Oid>, git2::Error> {
        let wanted: Vec<(&str, usize, &[u8])> = self
            .changes
            .iter()
            .filter_map(|(path, v)| match v {
                Some(Entry { content: Content::Data(d, Some(job)), .. }) => Some((path.as_str(), *job, d.as_slice())),
                _ => None,
            })
            .collect();
        let jobs: Vec<(usize, &[u8])> = wanted.iter().map(|(_, job, d)| (*job, *d)).collect();
        let ids = self.loose.write(repo, &jobs)?;
        Ok(wanted.iter().zip(ids).map(|((path, _, _), id)| (path.to_string(), id)).collect())
    }

    /// Builds the new tree. With `write == false` only checks the shape (nothing is written).
    pub fn build(&mut self, repo: &Repository, base: &Tree<'_>, write: bool) -> Result<Oid, Problem> {
        let git = |e: git2::Error| Problem::new(None, None, format!("git could not write the result: {}", e.message()));
        let written = if write { self.write_blobs(repo).map_err(git)? } else { BTreeMap::new() };
        let mut root = Dir::default();
        for (path, v) in &self.changes {
            let mut dir = &mut root;
            let mut parts = path.split('/').peekable();
            while let Some(part) = parts.next() {
                if parts.peek().is_none() {
                    dir.files.insert(part, v.as_ref());
                } else {
                    dir = dir.dirs.entry(part).or_default();
                }
            }
        }
        match build_dir(repo, Some(base.id()), &root, "", write, &written)? {
            Some(id) => Ok(id),
            None if write => repo.treebuilder(None).and_then(|b| b.write()).map_err(git),
            None => Ok(Oid::ZERO_SHA1),
        }
    }
}

fn build_dir(
    repo: &Repository,
    base: Option<Oid>,
    change: &Dir<'_>,
    prefix: &str,
    write: bool,
    written: &BTreeMap<String, Oid>,
) -> Result<Option<Oid>, Problem> {
    let git =
        |e: git2::Error| Problem::new(None, None, format!("git could not read or write objects: {}", e.message()));
    let mut entries: BTreeMap<Vec<u8>, (Oid, i32)> = BTreeMap::new();
    if let Some(id) = base {
        let tree = repo.find_tree(id).map_err(git)?;
        for e in tree.iter() {
            entries.insert(e.name_bytes().to_vec(), (e.id(), e.filemode()));
        }
    }
    let full = |name: &str| if prefix.is_empty() { name.to_string() } else { format!("{prefix}/{name}") };
    for (name, v) in &change.files {
        if v.is_none() {
            entries.remove(name.as_bytes());
        }
    }
    for (name, sub) in &change.dirs {
        let sub_base = match entries.get(name.as_bytes()) {
            Some((id, mode)) if *mode == MODE_TREE => Some(*id),
            Some((_, mode)) if *mode as u32 == MODE_LINK => {
                return Err(Problem::new(
                    Some(&full(name)),
                    None,
                    format!("the patch writes inside {}, which is a symbolic link; refusing", full(name)),
                ))
            }
            Some(_) => {
                let replaced = matches!(change.files.get(name), Some(Some(_)));
                return Err(Problem::new(
                    Some(&full(name)),
                    None,
                    format!(
                        "{} is {} file, but the patch also puts files inside it as a folder",
                        full(name),
                        if replaced { "written as a" } else { "a" }
                    ),
                ));
            }
            None => None,
        };
        match build_dir(repo, sub_base, sub, &full(name), write, written)? {
            Some(id) => {
                entries.insert(name.as_bytes().to_vec(), (id, MODE_TREE));
            }
            None => {
                entries.remove(name.as_bytes());
            }
        }
    }
    for (name, v) in &change.files {
        if let Some(e) = v {
            if let Some((_, MODE_TREE)) = entries.get(name.as_bytes()) {
                return Err(Problem::new(
                    Some(&full(name)),
                    None,
                    format!("{} is a folder in the result, but the patch also writes it as a file", full(name)),
                ));
            }
            let id = match (&e.content, write) {
                (crate::tree::Content::Blob(id), _) => *id,
                (crate::tree::Content::Data(d, _), true) => match written.get(full(name).as_str()) {
                    Some(id) => *id,
                    None => repo.blob(d).map_err(git)?,
                },
                (crate::tree::Content::Data(..), false) => Oid::ZERO_SHA1,
            };
            entries.insert(name.as_bytes().to_vec(), (id, e.mode as i32));
        }
    }
    if entries.is_empty() {
        return Ok(None);
    }
    if !write {
        return Ok(Some(Oid::ZERO_SHA1));
    }
    let mut b = repo.treebuilder(None).map_err(git)?;
    for (name, (id, mode)) in &entries {
        b.insert(name.as_slice(), *id, *mode).map_err(git)?;
    }
    b.write().map(Some).map_err(git)
}
