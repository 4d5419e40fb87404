//! Writing new blobs as loose objects, the way git does, with the costly part done early.
//!
//! Hashing (SHA-1 with collision detection) and deflating a blob are most of a large apply's
//! time. As soon as the apply engine settles a file's new content it hands the bytes to
//! [`Loose::prepare`]; a background thread hashes and compresses them while the engine works
//! on the next file. Nothing touches the disk until [`Loose::write`] is called, which happens
//! only when the whole patch applied: a refused patch still writes nothing.

use git2::{ObjectType, Oid, Repository};
use std::collections::VecDeque;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

/// Below this many bytes in all, a background thread is not worth starting.
const BACKGROUND_FROM: usize = 256 * 1024;

/// A blob ready to be written: its id and its zlib-compressed loose-object bytes.
struct Prepared {
    oid: Oid,
    bytes: Vec<u8>,
}

#[derive(Default)]
struct Jobs {
    waiting: VecDeque<(usize, Arc<Vec<u8>>)>,
    /// Results by job number; `None` while waiting or being worked on, or when preparing failed.
    done: Vec<Option<Prepared>>,
    /// Jobs taken by a thread and not finished yet.
    busy: usize,
    /// Set when the owner is dropped or writing: workers stop when nothing is waiting.
    closing: bool,
    /// Bytes handed over so far (decides when a background thread is worth it).
    bytes: usize,
}

struct Shared {
    jobs: Mutex<Jobs>,
    changed: Condvar,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Jobs> {
        self.jobs.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Takes waiting jobs and prepares them until none is left (or, for a background worker,
    /// until the owner closes the queue).
    fn work(&self, background: bool) {
        let mut deflate = Deflate::new();
        let mut jobs = self.lock();
        loop {
            if let Some((n, data)) = jobs.waiting.pop_front() {
                jobs.busy += 1;
                drop(jobs);
                let prepared = deflate.prepare(&data).ok();
                jobs = self.lock();
                jobs.busy -= 1;
                jobs.done[n] = prepared;
                self.changed.notify_all();
            } else if !background || jobs.closing {
                return;
            } else {
                jobs = self.changed.wait(jobs).unwrap_or_else(|e| e.into_inner());
            }
        }
    }
}

/// The loose-object writer for one apply.
pub(crate) struct Loose {
    /// The objects folder; `None` when it is not a plain folder (then libgit2 writes).
    objects: Option<PathBuf>,
    shared: Arc<Shared>,
    worker: Option<std::thread::JoinHandle<()>>,
    cores: usize,
}

impl Loose {
    pub fn new(repo: &Repository) -> Loose {
        let objects = repo.commondir().join("objects");
        Loose {
            objects: objects.is_dir().then_some(objects),
            shared: Arc::new(Shared { jobs: Mutex::new(Jobs::default()), changed: Condvar::new() }),
            worker: None,
            cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
        }
    }

    /// Hands over new content; returns the job number to give to [`Loose::write`] later.
    pub fn prepare(&mut self, data: Arc<Vec<u8>>) -> usize {
        let mut jobs = self.shared.lock();
        let n = jobs.done.len();
        jobs.done.push(None);
        jobs.bytes += data.len();
        jobs.waiting.push_back((n, data));
        let start = self.worker.is_none() && self.cores > 1 && self.objects.is_some() && jobs.bytes >= BACKGROUND_FROM;
        drop(jobs);
        self.shared.changed.notify_all();
        if start {
            let shared = Arc::clone(&self.shared);
            // If the thread cannot start, everything is prepared in `write` instead.
            self.worker = std::thread::Builder::new().name("patchdesk-blobs".into()).spawn(move || shared.work(true)).ok();
        }
        n
    }

    /// Writes the blobs of `wanted` (job number and content), returning their ids in order.
    /// Jobs not yet prepared are finished here, on this thread and the background one.
    pub fn write(&mut self, repo: &Repository, wanted: &[(usize, &[u8])]) -> Result<Vec<Oid>, git2::Error> {
        let Some(objects) = self.objects.clone() else {
            return wanted.iter().map(|(_, d)| repo.blob(d)).collect();
        };
        // Help with what is still waiting, then wait for what the worker holds.
        self.shared.work(false);
        let mut jobs = self.shared.lock();
        while jobs.busy > 0 {
            jobs = self.shared.changed.wait(jobs).unwrap_or_else(|e| e.into_inner());
        }
        let mut ids = Vec::with_capacity(wanted.len());
        let mut deflate = None;
        for (n, data) in wanted {
            let prepared = match jobs.done.get_mut(*n).and_then(Option::take) {
                Some(p) => Some(p),
                None => deflate.get_or_insert_with(Deflate::new).prepare(data).ok(),
            };
            let stored = prepared.and_then(|p| store(&objects, &p).ok().map(|()| p.oid));
            ids.push(match stored {
                Some(id) => id,
                // Could not write it ourselves: let libgit2 try (it reports its own error).
                None => repo.blob(data)?,
            });
        }
        Ok(ids)
    }
}

impl Drop for Loose {
    fn drop(&mut self) {
        {
            let mut jobs = self.shared.lock();
            jobs.closing = true;
            jobs.waiting.clear();
        }
        self.shared.changed.notify_all();
        if let Some(w) = self.worker.take() {
            let _ = w.join();
        }
    }
}

/// One thread's compressor, reused from blob to blob (zlib level 1, git's default for loose
/// objects; libgit2's own writer compresses much harder and is several times slower).
struct Deflate {
    z: flate2::Compress,
}

impl Deflate {
    fn new() -> Deflate {
        Deflate { z: flate2::Compress::new(flate2::Compression::fast(), true) }
    }

    fn prepare(&mut self, data: &[u8]) -> std::io::Result<Prepared> {
        let oid = Oid::hash_object(ObjectType::Blob, data).map_err(std::io::Error::other)?;
        self.z.reset();
        let header = format!("blob {}\0", data.len());
        // zlib's worst case is a little over the input; leave room so one call finishes.
        let mut out = Vec::with_capacity(header.len() + data.len() + data.len() / 64 + 128);
        self.deflate(header.as_bytes(), &mut out, flate2::FlushCompress::None)?;
        self.deflate(data, &mut out, flate2::FlushCompress::Finish)?;
        Ok(Prepared { oid, bytes: out })
    }

    fn deflate(&mut self, mut input: &[u8], out: &mut Vec<u8>, flush: flate2::FlushCompress) -> std::io::Result<()> {
        loop {
            let before = self.z.total_in();
            let status = self.z.compress_vec(input, out, flush).map_err(std::io::Error::other)?;
            input = &input[(self.z.total_in() - before) as usize..];
            let finished = match flush {
                flate2::FlushCompress::Finish => status == flate2::Status::StreamEnd,
                _ => input.is_empty(),
            };
            if finished {
                return Ok(());
            }
            if out.len() == out.capacity() {
                out.reserve(out.capacity() / 2 + 1024);
            }
        }
    }
}

/// Writes one prepared blob into `objects` the way git does: a unique temporary file, made
/// read-only, then renamed into place. An existing object is left as it is.
fn store(objects: &Path, p: &Prepared) -> std::io::Result<()> {
    static SEQ: AtomicU64 = AtomicU64::new(0);
    let hex = p.oid.to_string();
    let dir = objects.join(&hex[..2]);
    let dest = dir.join(&hex[2..]);
    if dest.exists() {
        return Ok(());
    }
    let tmp = dir.join(format!("tmp_obj_patchdesk_{}_{}", std::process::id(), SEQ.fetch_add(1, Ordering::Relaxed)));
    let create = |path: &Path| {
        let mut o = std::fs::OpenOptions::new();
        o.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o444);
        o.open(path)
    };
    let mut f = match create(&tmp) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(&dir)?;
            create(&tmp)?
        }
        Err(e) => return Err(e),
    };
    if let Err(e) = f.write_all(&p.bytes) {
        drop(f);
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    drop(f);
    if let Err(e) = std::fs::rename(&tmp, &dest) {
        let _ = std::fs::remove_file(&tmp);
        if !dest.exists() {
            return Err(e);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bytes written are exactly what git would read: same id as libgit2's, and the
    /// object reads back through libgit2 with the same content.
    #[test]
    fn writes_objects_git_reads() {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init_bare(dir.path()).unwrap();
        let mut loose = Loose::new(&repo);
        let big: Vec<u8> = (0..400_000u32).flat_map(|i| format!("line {i}\n").into_bytes()).collect();
        let small = b"hello\n".to_vec();
        let empty = Vec::new();
        let a = loose.prepare(Arc::new(big.clone()));
        let b = loose.prepare(Arc::new(small.clone()));
        let c = loose.prepare(Arc::new(empty.clone()));
        let ids = loose.write(&repo, &[(a, &big), (b, &small), (c, &empty)]).unwrap();
        for (id, data) in ids.iter().zip([&big, &small, &empty]) {
            assert_eq!(*id, Oid::hash_object(ObjectType::Blob, data).unwrap());
            let odb = repo.odb().unwrap();
            let obj = odb.read(*id).unwrap();
            assert_eq!(obj.data(), data.as_slice());
        }
        // Writing again is harmless (the objects exist).
        let again = loose.write(&repo, &[(b, &small)]).unwrap();
        assert_eq!(again[0], ids[1]);
    }

    /// Dropping the writer without writing leaves the object database empty.
    #[test]
    fn nothing_written_without_write() {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init_bare(dir.path()).unwrap();
        {
            let mut loose = Loose::new(&repo);
            for i in 0..50u32 {
                loose.prepare(Arc::new(vec![b'a' + (i % 26) as u8; 20_000]));
            }
        }
        let mut count = 0;
        repo.odb().unwrap().foreach(|_| { count += 1; true }).unwrap();
        assert_eq!(count, 0);
    }
}
