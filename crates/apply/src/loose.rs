//! Writing new blobs the way git does, with the costly part done early.
//!
//! Hashing (SHA-1 with collision detection) and deflating a blob are most of a large apply's
//! time. As soon as the apply engine settles a file's new content it hands the bytes to
//! [`Loose::prepare`]; a background thread hashes and compresses them while the engine works
//! on the next file. Nothing touches the disk until [`Loose::write`] is called, which happens
//! only when the whole patch applied: a refused patch still writes nothing.
//!
//! Like git receiving a push (`transfer.unpackLimit`, 100 objects), a small change is written
//! as loose objects and a large one as a single pack with its index: creating thousands of
//! small files costs more than everything else in a large apply.

use git2::{ObjectType, Oid, Repository};
use std::collections::VecDeque;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

/// Below this many bytes in all, a background thread is not worth starting.
const BACKGROUND_FROM: usize = 256 * 1024;
/// From this many files in a patch on, new blobs go into one pack (git's `transfer.unpackLimit`).
pub(crate) const PACK_FROM: usize = 100;

/// A blob ready to be written: its id, its size, and its zlib-compressed bytes (the loose
/// object with its `blob <size>` header, or for a pack the content alone).
struct Prepared {
    oid: Oid,
    size: usize,
    bytes: Vec<u8>,
    /// The same content as a blob prepared earlier in this apply: nothing to compress or
    /// write again (git, too, writes an object once).
    duplicate: bool,
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
    /// Compress for a pack (content only) rather than as loose objects.
    packed: bool,
    /// Ids of the blobs prepared so far (the first of equal contents is compressed).
    seen: std::collections::HashSet<Oid>,
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
        let mut jobs = self.lock();
        let mut deflate = Deflate::new(jobs.packed);
        loop {
            if let Some((n, data)) = jobs.waiting.pop_front() {
                jobs.busy += 1;
                drop(jobs);
                let prepared = match Deflate::hash(&data) {
                    Ok(oid) => {
                        let first = self.lock().seen.insert(oid);
                        if first {
                            deflate.compress(oid, &data).ok()
                        } else {
                            Some(Prepared { oid, size: data.len(), bytes: Vec::new(), duplicate: true })
                        }
                    }
                    Err(_) => None,
                };
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
    /// A writer for about `files` new blobs (decides loose objects or one pack).
    pub fn new(repo: &Repository, files: usize) -> Loose {
        let objects = repo.commondir().join("objects");
        let objects = objects.is_dir().then_some(objects);
        let packed = files >= PACK_FROM && objects.is_some();
        Loose {
            objects,
            shared: Arc::new(Shared { jobs: Mutex::new(Jobs { packed, ..Jobs::default() }), changed: Condvar::new() }),
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
            self.worker =
                std::thread::Builder::new().name("patchdesk-blobs".into()).spawn(move || shared.work(true)).ok();
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
        let packed = jobs.packed;
        let mut ready: Vec<Option<Prepared>> =
            wanted.iter().map(|(n, _)| jobs.done.get_mut(*n).and_then(Option::take)).collect();
        drop(jobs);
        let mut deflate = None;
        for ((_, data), slot) in wanted.iter().zip(ready.iter_mut()) {
            if slot.is_none() {
                *slot = deflate.get_or_insert_with(|| Deflate::new(packed)).prepare(data).ok();
            }
        }
        // A duplicate whose first copy is not wanted any more (its file was written again
        // later in the patch) is compressed after all.
        let mut have: std::collections::HashSet<Oid> =
            ready.iter().flatten().filter(|p| !p.duplicate).map(|p| p.oid).collect();
        for ((_, data), slot) in wanted.iter().zip(ready.iter_mut()) {
            if slot.as_ref().is_some_and(|p| p.duplicate && !have.contains(&p.oid)) {
                *slot = deflate.get_or_insert_with(|| Deflate::new(packed)).prepare(data).ok();
                if let Some(p) = slot {
                    have.insert(p.oid);
                }
            }
        }
        if packed && ready.iter().all(Option::is_some) {
            let prepared: Vec<Prepared> = ready.into_iter().flatten().collect();
            if let Ok(ids) = write_pack(&objects, &prepared) {
                return Ok(ids);
            }
            // The pack could not be written: fall back to loose objects through libgit2.
            return wanted.iter().map(|(_, d)| repo.blob(d)).collect();
        }
        let mut ids = Vec::with_capacity(wanted.len());
        for ((_, data), prepared) in wanted.iter().zip(ready) {
            let prepared = prepared.filter(|_| !packed);
            let stored =
                prepared.and_then(|p| if p.duplicate { Some(p.oid) } else { store(&objects, &p).ok().map(|()| p.oid) });
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

/// One thread's compressor, reused from blob to blob: libdeflate at level 1 (the level git
/// uses for loose objects, `core.looseCompression`), which makes the same zlib format as zlib
/// at about twice the speed; libgit2's own writer compresses much harder and is several times
/// slower.
struct Deflate {
    z: libdeflater::Compressor,
    packed: bool,
    /// Header and content together, for loose objects (libdeflate takes one buffer).
    joined: Vec<u8>,
}

impl Deflate {
    fn new(packed: bool) -> Deflate {
        let level = libdeflater::CompressionLvl::new(1).unwrap_or_else(|_| libdeflater::CompressionLvl::fastest());
        Deflate { z: libdeflater::Compressor::new(level), packed, joined: Vec::new() }
    }

    fn hash(data: &[u8]) -> std::io::Result<Oid> {
        Oid::hash_object(ObjectType::Blob, data).map_err(std::io::Error::other)
    }

    fn prepare(&mut self, data: &[u8]) -> std::io::Result<Prepared> {
        let oid = Deflate::hash(data)?;
        self.compress(oid, data)
    }

    fn compress(&mut self, oid: Oid, data: &[u8]) -> std::io::Result<Prepared> {
        let input: &[u8] = if self.packed {
            data
        } else {
            self.joined.clear();
            self.joined.extend_from_slice(format!("blob {}\0", data.len()).as_bytes());
            self.joined.extend_from_slice(data);
            &self.joined
        };
        let mut out = vec![0u8; self.z.zlib_compress_bound(input.len())];
        let n = self.z.zlib_compress(input, &mut out).map_err(|e| std::io::Error::other(format!("{e:?}")))?;
        out.truncate(n);
        Ok(Prepared { oid, size: data.len(), bytes: out, duplicate: false })
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

/// Writes `objects` (blobs, compressed for a pack) as one pack and its version-2 index in
/// `objects/pack/`, the way git lays them out: the pack is complete and in place before its
/// index appears, so no reader ever sees an index without its pack. Returns the ids in order.
fn write_pack(objects: &Path, blobs: &[Prepared]) -> std::io::Result<Vec<Oid>> {
    use sha1::{Digest, Sha1};
    let dir = objects.join("pack");
    std::fs::create_dir_all(&dir)?;
    // One entry per distinct object (two files may have the same content).
    // The compressed copy of each id sorts before its duplicates, and is the one kept.
    let mut order: Vec<usize> = (0..blobs.len()).collect();
    order.sort_by(|a, b| {
        (blobs[*a].oid.as_bytes(), blobs[*a].duplicate).cmp(&(blobs[*b].oid.as_bytes(), blobs[*b].duplicate))
    });
    order.dedup_by(|a, b| blobs[*a].oid == blobs[*b].oid);
    if order.iter().any(|i| blobs[*i].duplicate) {
        return Err(std::io::Error::other("a blob's content is missing from the pack"));
    }
    let total: usize = order.iter().map(|i| blobs[*i].bytes.len() + 16).sum();
    let mut pack = Vec::with_capacity(12 + total + 20);
    pack.extend_from_slice(b"PACK");
    pack.extend_from_slice(&2u32.to_be_bytes());
    pack.extend_from_slice(&(order.len() as u32).to_be_bytes());
    let mut entries = Vec::with_capacity(order.len()); // (oid, offset, crc)
    for &i in &order {
        let b = &blobs[i];
        let start = pack.len();
        // Type 3 (blob) and the size, 4 bits then 7 bits at a time.
        let mut size = b.size;
        let mut byte = (3u8 << 4) | (size & 0x0f) as u8;
        size >>= 4;
        while size > 0 {
            pack.push(byte | 0x80);
            byte = (size & 0x7f) as u8;
            size >>= 7;
        }
        pack.push(byte);
        pack.extend_from_slice(&b.bytes);
        let crc = crc32fast::hash(&pack[start..]);
        entries.push((b.oid, start as u64, crc));
    }
    let pack_sum: [u8; 20] = Sha1::digest(&pack).into();
    pack.extend_from_slice(&pack_sum);

    let mut idx = Vec::with_capacity(8 + 1024 + entries.len() * 28 + 40);
    idx.extend_from_slice(b"\xfftOc");
    idx.extend_from_slice(&2u32.to_be_bytes());
    let mut fanout = [0u32; 256];
    for (oid, _, _) in &entries {
        fanout[oid.as_bytes()[0] as usize] += 1;
    }
    let mut running = 0u32;
    for f in fanout {
        running += f;
        idx.extend_from_slice(&running.to_be_bytes());
    }
    for (oid, _, _) in &entries {
        idx.extend_from_slice(oid.as_bytes());
    }
    for (_, _, crc) in &entries {
        idx.extend_from_slice(&crc.to_be_bytes());
    }
    let mut large = Vec::new();
    for (_, offset, _) in &entries {
        if *offset < 0x8000_0000 {
            idx.extend_from_slice(&(*offset as u32).to_be_bytes());
        } else {
            idx.extend_from_slice(&(0x8000_0000u32 | large.len() as u32).to_be_bytes());
            large.push(*offset);
        }
    }
    for offset in large {
        idx.extend_from_slice(&offset.to_be_bytes());
    }
    idx.extend_from_slice(&pack_sum);
    let idx_sum: [u8; 20] = Sha1::digest(&idx).into();
    idx.extend_from_slice(&idx_sum);

    let name = format!("pack-{}", hex_of(&pack_sum));
    let put = |ext: &str, bytes: &[u8]| -> std::io::Result<()> {
        let dest = dir.join(format!("{name}.{ext}"));
        if dest.exists() {
            return Ok(()); // the very same pack was written before
        }
        let tmp = dir.join(format!("tmp_{name}_{}.{ext}", std::process::id()));
        let mut o = std::fs::OpenOptions::new();
        o.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o444);
        let written = o.open(&tmp).and_then(|mut f| f.write_all(bytes)).and_then(|()| std::fs::rename(&tmp, &dest));
        if written.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        written
    };
    put("pack", &pack)?;
    put("idx", &idx)?;
    Ok(blobs.iter().map(|b| b.oid).collect())
}

fn hex_of(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
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
        let mut loose = Loose::new(&repo, 3);
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
            let mut loose = Loose::new(&repo, 50);
            for i in 0..50u32 {
                loose.prepare(Arc::new(vec![b'a' + (i % 26) as u8; 20_000]));
            }
        }
        let mut count = 0;
        repo.odb()
            .unwrap()
            .foreach(|_| {
                count += 1;
                true
            })
            .unwrap();
        assert_eq!(count, 0);
    }

    /// A large change is one pack plus its index, which git itself reads and verifies.
    #[test]
    fn large_changes_are_one_pack_git_accepts() {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init_bare(dir.path()).unwrap();
        let mut loose = Loose::new(&repo, PACK_FROM);
        let mut contents: Vec<Vec<u8>> =
            (0..PACK_FROM as u32).map(|i| format!("file {i}\n").repeat(i as usize % 7 + 1).into_bytes()).collect();
        contents.push(contents[3].clone()); // same content twice: one entry in the pack
        contents.push((0..300_000u32).flat_map(|i| i.to_le_bytes()).collect()); // binary, large
        let jobs: Vec<usize> = contents.iter().map(|c| loose.prepare(Arc::new(c.clone()))).collect();
        let wanted: Vec<(usize, &[u8])> = jobs.iter().zip(&contents).map(|(j, c)| (*j, c.as_slice())).collect();
        let ids = loose.write(&repo, &wanted).unwrap();
        let packs: Vec<_> = std::fs::read_dir(dir.path().join("objects/pack"))
            .unwrap()
            .flatten()
            .map(|e| e.file_name().into_string().unwrap())
            .collect();
        assert_eq!(packs.len(), 2, "{packs:?}");
        assert!(packs.iter().any(|p| p.ends_with(".idx")) && packs.iter().any(|p| p.ends_with(".pack")));
        // libgit2 reads every object back with the same content.
        let fresh = Repository::open_bare(dir.path()).unwrap();
        for (id, c) in ids.iter().zip(&contents) {
            assert_eq!(*id, Oid::hash_object(ObjectType::Blob, c).unwrap());
            assert_eq!(fresh.find_blob(*id).unwrap().content(), c.as_slice());
        }
        // And git's own checker agrees the pack and index are sound.
        let idx = packs.iter().find(|p| p.ends_with(".idx")).unwrap();
        let out = std::process::Command::new("git")
            .args(["verify-pack", "-v"])
            .arg(dir.path().join("objects/pack").join(idx))
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(String::from_utf8_lossy(&out.stdout).contains(&format!("{} blob", ids[0])));
    }

    /// Equal contents are compressed once; a duplicate whose first copy is no longer wanted
    /// is still written.
    #[test]
    fn equal_contents_are_written_once_and_never_lost() {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init_bare(dir.path()).unwrap();
        let mut loose = Loose::new(&repo, 3);
        let same: Vec<u8> = (0..200_000u32).flat_map(|i| format!("{i}\n").into_bytes()).collect();
        let first = loose.prepare(Arc::new(same.clone()));
        let second = loose.prepare(Arc::new(same.clone()));
        let third = loose.prepare(Arc::new(same.clone()));
        // The first copy's file was written again later in the patch: only the others are wanted.
        let ids = loose.write(&repo, &[(second, &same), (third, &same)]).unwrap();
        let _ = first;
        let fresh = Repository::open_bare(dir.path()).unwrap();
        assert_eq!(ids[0], ids[1]);
        assert_eq!(fresh.find_blob(ids[0]).unwrap().content(), same.as_slice());
    }
}
