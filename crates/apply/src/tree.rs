//! The changed paths over a base tree, and writing the new tree (only touched folders).

use crate::report::Problem;
use git2::{ObjectType, Oid, Repository, Tree};
use std::collections::BTreeMap;
use std::path::Path;

const MODE_TREE: i32 = 0o040000;
const MODE_LINK: u32 = 0o120000;

/// File content: an existing blob or new bytes.
#[derive(Debug, Clone)]
pub(crate) enum Content {
    Blob(Oid),
    Data(Vec<u8>),
}

/// A file's state: content and mode.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub content: Content,
    pub mode: u32,
}

impl Entry {
    pub fn data(data: Vec<u8>, mode: u32) -> Entry {
        Entry { content: Content::Data(data), mode }
    }

    pub fn bytes(&self, repo: &Repository) -> Result<Vec<u8>, git2::Error> {
        match &self.content {
            Content::Blob(id) => Ok(repo.find_blob(*id)?.content().to_vec()),
            Content::Data(d) => Ok(d.clone()),
        }
    }

    pub fn oid(&self) -> Result<Oid, git2::Error> {
        match &self.content {
            Content::Blob(id) => Ok(*id),
            Content::Data(d) => Oid::hash_object(ObjectType::Blob, d),
        }
    }
}

/// Changes by full path; `None` means deleted.
pub(crate) struct Overlay<'r> {
    base: Tree<'r>,
    changes: BTreeMap<String, Option<Entry>>,
}

#[derive(Default)]
struct Dir<'c> {
    files: BTreeMap<&'c str, Option<&'c Entry>>,
    dirs: BTreeMap<&'c str, Dir<'c>>,
}

impl<'r> Overlay<'r> {
    pub fn new(base: &Tree<'r>) -> Self {
        Overlay { base: base.clone(), changes: BTreeMap::new() }
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
                Some(Some(e)) if e.mode == MODE_LINK => return Err(format!("{path} goes through the symbolic link {prefix}")),
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

    pub fn set(&mut self, path: &str, value: Option<Entry>) {
        self.changes.insert(path.to_string(), value);
    }

    /// Records that `path` keeps its base state (nothing to write).
    pub fn keep(&mut self, path: &str, value: Option<Entry>) {
        if self.changes.contains_key(path) {
            self.changes.insert(path.to_string(), value);
        }
    }

    /// Writes every new blob as a loose object.
    fn write_blobs(&self, repo: &Repository) -> Result<BTreeMap<&str, Oid>, git2::Error> {
        let mut out = BTreeMap::new();
        for (path, v) in &self.changes {
            if let Some(Entry { content: Content::Data(d), .. }) = v {
                out.insert(path.as_str(), write_blob(repo, d)?);
            }
        }
        Ok(out)
    }

    /// Builds the new tree. With `write == false` only checks the shape (nothing is written).
    pub fn build(&self, repo: &Repository, base: &Tree<'_>, write: bool) -> Result<Oid, Problem> {
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
        let git = |e: git2::Error| Problem::new(None, None, format!("git could not write the result: {}", e.message()));
        let written = if write { self.write_blobs(repo).map_err(git)? } else { BTreeMap::new() };
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
    written: &BTreeMap<&str, Oid>,
) -> Result<Option<Oid>, Problem> {
    let git = |e: git2::Error| Problem::new(None, None, format!("git could not read or write objects: {}", e.message()));
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
                (crate::tree::Content::Data(d), true) => match written.get(full(name).as_str()) {
                    Some(id) => *id,
                    None => write_blob(repo, d).map_err(git)?,
                },
                (crate::tree::Content::Data(_), false) => Oid::ZERO_SHA1,
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

/// Writes a blob as a loose object the way git does (zlib level 1, like git's default
/// `core.looseCompression`); libgit2's own writer compresses much harder and is the slowest
/// part of a large apply. Falls back to libgit2 when the objects folder is not where expected.
fn write_blob(repo: &Repository, data: &[u8]) -> Result<Oid, git2::Error> {
    let objects = repo.commondir().join("objects");
    if !objects.is_dir() {
        return repo.blob(data);
    }
    match write_loose(&objects, data) {
        Ok(oid) => Ok(oid),
        Err(_) => repo.blob(data),
    }
}

/// Hashes and writes one loose blob into `objects` (skipped when the loose file exists).
fn write_loose(objects: &Path, data: &[u8]) -> std::io::Result<Oid> {
    use std::io::Write;
    use std::sync::atomic::{AtomicU64, Ordering};
    static SEQ: AtomicU64 = AtomicU64::new(0);
    let oid = Oid::hash_object(ObjectType::Blob, data).map_err(std::io::Error::other)?;
    let hex = oid.to_string();
    let dir = objects.join(&hex[..2]);
    let attempt = || -> std::io::Result<()> {
        std::fs::create_dir_all(&dir)?;
        let tmp = dir.join(format!("tmp_obj_patchdesk_{}_{}", std::process::id(), SEQ.fetch_add(1, Ordering::Relaxed)));
        let mut enc = flate2::write::ZlibEncoder::new(Vec::with_capacity(data.len() / 2 + 64), flate2::Compression::fast());
        enc.write_all(format!("blob {}\0", data.len()).as_bytes())?;
        enc.write_all(data)?;
        let bytes = enc.finish()?;
        std::fs::write(&tmp, bytes)?;
        let mut perm = std::fs::metadata(&tmp)?.permissions();
        perm.set_readonly(true);
        std::fs::set_permissions(&tmp, perm)?;
        let dest = dir.join(&hex[2..]);
        if let Err(e) = std::fs::rename(&tmp, &dest) {
            let _ = std::fs::remove_file(&tmp);
            if !dest.exists() {
                return Err(e);
            }
        }
        Ok(())
    };
    if dir.join(&hex[2..]).exists() {
        return Ok(oid);
    }
    attempt().map(|()| oid)
}
