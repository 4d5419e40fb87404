//! ZIP bundles as pods hand them out: `metadata.json`, logs, and output files at their
//! repository paths (full contents). Read from memory with every safety check done while
//! streaming: paths through [`RepoPath::parse`], no symlinks, no encryption, limits on entry
//! count, per-entry and total unpacked size, and compression ratio.

use crate::error::IntakeError;
use crate::kind::{display_name, is_os_junk, LogKind};
use crate::limits::{human_bytes, Budget, Limits};
use crate::name::parse_name;
use crate::sidecar::Sidecar;
use patchdesk_patch::path::RepoPath;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{Cursor, Read};

/// One output file with its full new content: created or replaced as a whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct FullFile {
    /// Where the file goes in the repository.
    #[serde(serialize_with = "serialize_repo_path")]
    #[specta(type = String)]
    pub path: RepoPath,
    /// The complete content.
    pub content: Vec<u8>,
    /// Whether the file is executable (from the ZIP entry's Unix mode).
    pub executable: bool,
}

fn serialize_repo_path<S: serde::Serializer>(p: &RepoPath, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(p.as_str())
}

/// A log carried inside a bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct BundleLog {
    /// Which log it is.
    pub kind: LogKind,
    /// Its path inside the bundle (after a wrapper folder is removed).
    pub path: String,
    /// Its text (invalid UTF-8 replaced).
    pub text: String,
}

/// A ZIP bundle, read and checked.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct Bundle {
    /// `metadata.json`, when present.
    pub metadata: Option<Sidecar>,
    /// Reasoning trace, prompt used, handoff notes, memory, changelog…
    pub logs: Vec<BundleLog>,
    /// Output files, sorted by path.
    pub files: Vec<FullFile>,
    /// The single top-level folder that wrapped everything and was removed, if any.
    pub unwrapped_folder: Option<String>,
    /// Entries skipped as OS clutter (`__MACOSX/`, `.DS_Store`, `Thumbs.db`, `desktop.ini`).
    pub ignored: Vec<String>,
}

impl Bundle {
    /// The first log of a kind.
    pub fn log(&self, kind: LogKind) -> Option<&BundleLog> {
        self.logs.iter().find(|l| l.kind == kind)
    }
}

/// Root-level names in a bundle that are logs, not output files.
fn bundle_log_kind(parts: &[&str]) -> Option<LogKind> {
    let lower: Vec<String> = parts.iter().map(|p| p.to_ascii_lowercase()).collect();
    match lower.as_slice() {
        [one] => match one.as_str() {
            "reasoning_trace.md" | "reasoning_trace.yaml" | "reasoning_trace.yml" => Some(LogKind::ReasoningTrace),
            "thought_trace.yaml" | "thought_trace.yml" => Some(LogKind::ThoughtTrace),
            "prompt_used.txt" | "prompt_used.md" => Some(LogKind::PromptUsed),
            "memory.yaml" | "memory.yml" => Some(LogKind::Memory),
            "changelog.yaml" | "changelog.yml" | "changelog.md" => Some(LogKind::Changelog),
            "handoff_log.yaml" | "handoff_log.yml" => Some(LogKind::HandoffLog),
            _ => None,
        },
        [dir, _, ..] if dir == "handoff_notes" => Some(LogKind::HandoffNotes),
        [dir, _] if dir == "changelogs" => Some(LogKind::Changelog),
        _ => None,
    }
}

const MARKERS: [&str; 5] = ["metadata.json", "reasoning_trace.md", "prompt_used.txt", "memory.yaml", "handoff_notes"];

struct Entry {
    index: usize,
    raw_name: String,
    path: RepoPath,
    is_dir: bool,
    compressed: u64,
    executable: bool,
}

/// Reads a ZIP bundle with the default [`Limits`].
pub fn read_bundle(name: &str, bytes: &[u8]) -> Result<Bundle, IntakeError> {
    read_bundle_with(name, bytes, &Limits::default())
}

/// Reads a ZIP bundle from memory. `name` is the ZIP's file name (for messages, and to
/// recognise a wrapper folder named like the ZIP).
pub fn read_bundle_with(name: &str, bytes: &[u8], limits: &Limits) -> Result<Bundle, IntakeError> {
    read_bundle_within(name, bytes, limits, &mut Budget::for_drop(limits))
}

/// Reads a ZIP bundle from memory, spending the unpacked bytes and the entries from `budget`
/// (one budget for everything dropped together).
pub fn read_bundle_within(
    name: &str,
    bytes: &[u8],
    limits: &Limits,
    budget: &mut Budget,
) -> Result<Bundle, IntakeError> {
    let file = display_name(name);
    let too_large = |detail: String| IntakeError::too_large(&file, detail);
    if bytes.len() as u64 > u64::from(limits.max_input_bytes) {
        return Err(too_large(format!(
            "it is {}, and the limit is {}",
            human_bytes(bytes.len() as u64),
            human_bytes(u64::from(limits.max_input_bytes))
        )));
    }
    if bytes.is_empty() {
        return Err(IntakeError::Empty { file });
    }
    let max_entries = limits.max_entries as usize;
    // Every central-directory record starts with this signature: counting them bounds the
    // entry count before the ZIP reader builds its table.
    let signatures = bytes.windows(4).filter(|w| *w == b"PK\x01\x02").count();
    if signatures > max_entries {
        return Err(too_large(format!("it holds more than {max_entries} entries")));
    }
    if let Some(twice) = central_directory_names(bytes).and_then(first_repeated) {
        return Err(IntakeError::unreadable(
            &file,
            format!(
                "it holds \"{}\" twice, and Patchdesk cannot tell which copy the pod meant; ask the pod for the bundle again",
                twice.escape_debug()
            ),
        ));
    }
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| damaged(&file))?;
    if archive.len() > max_entries {
        return Err(too_large(format!("it holds {} entries, and the limit is {max_entries}", archive.len())));
    }

    // Pass 1: names, types and declared sizes; nothing is unpacked yet.
    let mut entries = Vec::new();
    let mut ignored = Vec::new();
    let mut declared_total: u64 = 0;
    for index in 0..archive.len() {
        let entry = archive.by_index_raw(index).map_err(|_| damaged(&file))?;
        let raw_name = entry.name().to_string();
        if is_os_junk(&raw_name) {
            ignored.push(raw_name);
            continue;
        }
        let shown = raw_name.escape_debug().to_string();
        if entry.is_symlink() {
            return Err(IntakeError::unsafe_path(
                &file,
                format!("\"{shown}\" is a symbolic link; a bundle may only hold plain files."),
            ));
        }
        if entry.encrypted() {
            return Err(IntakeError::unreadable(&file, format!("\"{shown}\" is password-protected")));
        }
        let is_dir = entry.is_dir();
        let path = RepoPath::parse(&raw_name).map_err(|e| IntakeError::unsafe_path(&file, format!("{e}.")))?;
        if !is_dir {
            if entry.size() > u64::from(limits.max_entry_bytes) {
                return Err(too_large(format!(
                    "\"{shown}\" unpacks to {}, and the limit for one file is {}",
                    human_bytes(entry.size()),
                    human_bytes(u64::from(limits.max_entry_bytes))
                )));
            }
            declared_total = declared_total.saturating_add(entry.size());
            if declared_total > u64::from(limits.max_unpacked_bytes) {
                return Err(too_large(format!(
                    "its files unpack to more than {}",
                    human_bytes(u64::from(limits.max_unpacked_bytes))
                )));
            }
        }
        budget.spend_file().map_err(|why| IntakeError::too_large(&file, why))?;
        let executable = !is_dir && entry.unix_mode().is_some_and(|m| m & 0o111 != 0);
        entries.push(Entry { index, raw_name, path, is_dir, compressed: entry.compressed_size(), executable });
    }

    let unwrapped_folder = wrapper_folder(&entries, name);
    let strip = |p: &RepoPath| -> Option<String> {
        match &unwrapped_folder {
            Some(w) => p.as_str().strip_prefix(w.as_str()).and_then(|r| r.strip_prefix('/')).map(str::to_string),
            None => Some(p.as_str().to_string()),
        }
    };

    // Pass 2: unpack files, counting real bytes as they come out.
    let mut spent = Spent { total: 0, packed: bytes.len() as u64, budget };
    let mut metadata = None;
    let mut logs = Vec::new();
    let mut files: BTreeMap<RepoPath, FullFile> = BTreeMap::new();
    for e in &entries {
        let Some(rel) = strip(&e.path) else { continue };
        if rel.is_empty() {
            continue;
        }
        if e.is_dir {
            continue;
        }
        let shown = e.raw_name.escape_debug().to_string();
        let content = unpack(&mut archive, e, &shown, &file, limits, &mut spent)?;
        let parts: Vec<&str> = rel.split('/').collect();
        if parts.len() == 1 && parts[0].eq_ignore_ascii_case("metadata.json") {
            if metadata.is_some() {
                return Err(IntakeError::unreadable(&file, "it holds metadata.json twice"));
            }
            metadata = Some(Sidecar::from_json(&format!("{file} (metadata.json)"), &content)?);
            continue;
        }
        if let Some(kind) = bundle_log_kind(&parts) {
            logs.push(BundleLog { kind, path: rel, text: String::from_utf8_lossy(&content).into_owned() });
            continue;
        }
        let path = RepoPath::parse(&rel).map_err(|err| IntakeError::unsafe_path(&file, format!("{err}.")))?;
        if files.contains_key(&path) {
            return Err(IntakeError::unreadable(&file, format!("it holds \"{path}\" twice")));
        }
        files.insert(path.clone(), FullFile { path, content, executable: e.executable });
    }
    let files: Vec<FullFile> = files.into_values().collect();
    if let Some(clash) = file_dir_clash(files.iter().map(|f| &f.path)) {
        return Err(IntakeError::unreadable(&file, clash));
    }
    if files.is_empty() {
        if metadata.is_none() && logs.is_empty() {
            return Err(IntakeError::Empty { file });
        }
        return Err(IntakeError::unreadable(&file, "it holds metadata and logs but no output files"));
    }
    Ok(Bundle { metadata, logs, files, unwrapped_folder, ignored })
}

/// What the unpacking of one ZIP has spent so far.
struct Spent<'b> {
    /// Bytes unpacked from this ZIP.
    total: u64,
    /// The ZIP's own size.
    packed: u64,
    /// The drop's budget.
    budget: &'b mut Budget,
}

/// The sentence for a ZIP the reader cannot make sense of (no "EOCD" or other reader words).
fn damaged(file: &str) -> IntakeError {
    IntakeError::unreadable(
        file,
        "this ZIP file is damaged or incomplete (it may still be downloading); download it again from the chat",
    )
}

/// Unpacks one entry, refusing it the moment it passes a limit.
fn unpack(
    archive: &mut zip::ZipArchive<Cursor<&[u8]>>,
    e: &Entry,
    shown: &str,
    file: &str,
    limits: &Limits,
    spent: &mut Spent,
) -> Result<Vec<u8>, IntakeError> {
    let mut reader = archive.by_index(e.index).map_err(|err| match err {
        zip::result::ZipError::UnsupportedArchive(_) => IntakeError::unreadable(
            file,
            format!("\"{shown}\" cannot be unpacked: it is packed in a way Patchdesk does not read; ask the pod for a plain ZIP"),
        ),
        _ => damaged(file),
    })?;
    let whole_ratio_limit = u64::from(limits.max_compression_ratio).saturating_mul(spent.packed.max(1));
    let entry_limit = u64::from(limits.max_entry_bytes);
    let total_limit = u64::from(limits.max_unpacked_bytes);
    let ratio_limit = u64::from(limits.max_compression_ratio).saturating_mul(e.compressed.max(1));
    let ratio_free = u64::from(limits.ratio_free_bytes);
    let mut out = Vec::with_capacity(usize::try_from(reader.size().min(1 << 20)).unwrap_or(0));
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(_) => return Err(IntakeError::unreadable(
                file,
                format!("\"{shown}\" inside it is damaged (the ZIP may still be downloading); download it again from the chat"),
            )),
        };
        out.extend_from_slice(&buf[..n]);
        let len = out.len() as u64;
        spent.total += n as u64;
        let total = spent.total;
        spent.budget.spend_bytes(n as u64).map_err(|why| IntakeError::too_large(file, why))?;
        if len > entry_limit {
            return Err(IntakeError::too_large(
                file,
                format!("\"{shown}\" unpacks to more than {}, the limit for one file", human_bytes(entry_limit)),
            ));
        }
        if total > total_limit {
            return Err(IntakeError::too_large(
                file,
                format!("its files unpack to more than {}", human_bytes(total_limit)),
            ));
        }
        if total > ratio_free && total > whole_ratio_limit {
            return Err(IntakeError::too_large(
                file,
                format!(
                    "its files expand more than {} times the size of the ZIP, which is how ZIP bombs look; ask the pod for the files themselves",
                    limits.max_compression_ratio
                ),
            ));
        }
        if len > ratio_free && len > ratio_limit {
            return Err(IntakeError::too_large(
                file,
                format!(
                    "\"{shown}\" expands more than {} times its packed size, which is how ZIP bombs look; ask the pod for the files themselves",
                    limits.max_compression_ratio
                ),
            ));
        }
    }
    Ok(out)
}

/// The one top-level folder everything sits in, when it is a wrapper an OS zipper added:
/// it holds the bundle's own files (`metadata.json`, `reasoning_trace.md`, …) directly, or it
/// is named like the ZIP. An output folder such as `docs/` alone is not a wrapper.
fn wrapper_folder(entries: &[Entry], zip_name: &str) -> Option<String> {
    let mut top: Option<&str> = None;
    let mut any_file = false;
    for e in entries {
        let mut parts = e.path.components();
        let first = parts.next()?;
        let nested = parts.next().is_some();
        if !e.is_dir && !nested {
            return None; // a file at the top level
        }
        any_file |= !e.is_dir;
        match top {
            None => top = Some(first),
            Some(t) if t == first => {}
            Some(_) => return None,
        }
    }
    let top = top?;
    if !any_file {
        return None;
    }
    let has_marker = entries.iter().any(|e| {
        let mut parts = e.path.components();
        parts.next();
        parts.next().is_some_and(|second| MARKERS.iter().any(|m| m.eq_ignore_ascii_case(second)))
    });
    let zip_stem = parse_name(zip_name).stem;
    (has_marker || top == zip_stem).then(|| top.to_string())
}

/// A path that is both a file and a folder of another file (`a` and `a/b`).
pub(crate) fn file_dir_clash<'a>(paths: impl Iterator<Item = &'a RepoPath>) -> Option<String> {
    let set: BTreeSet<&str> = paths.map(RepoPath::as_str).collect();
    for p in &set {
        let mut prefix = String::new();
        for (i, part) in p.split('/').enumerate() {
            if i > 0 {
                if set.contains(prefix.as_str()) {
                    return Some(format!("\"{prefix}\" is both a file and the folder of \"{p}\""));
                }
                prefix.push('/');
            }
            prefix.push_str(part);
        }
    }
    None
}

/// The full files a ZIP bundle or a batch payload brings, ready to write over a base tree.
/// Other kinds (diffs, sidecars, logs) carry no full files and are refused.
pub fn read_full_files(kind: &crate::Kind, name: &str, bytes: &[u8]) -> Result<Vec<FullFile>, IntakeError> {
    match kind {
        crate::Kind::Bundle => Ok(read_bundle(name, bytes)?.files),
        crate::Kind::Batch => Ok(crate::read_batch(name, bytes)?.files),
        _ => Err(IntakeError::Unreadable {
            file: name.to_string(),
            reason: "it is not a ZIP bundle or a batch of full files".to_string(),
        }),
    }
}

/// The entry names of a ZIP's central directory, as stored (the ZIP reader keeps only the last
/// of two entries with one name, so a repeated name is only seen here). `None` when the
/// directory cannot be walked (ZIP64, damage): the ZIP reader then has its say.
fn central_directory_names(bytes: &[u8]) -> Option<Vec<&[u8]>> {
    const EOCD: &[u8; 4] = b"PK\x05\x06";
    const EOCD_LEN: usize = 22;
    let search_from = bytes.len().saturating_sub(EOCD_LEN + u16::MAX as usize);
    let at = (search_from..=bytes.len().checked_sub(EOCD_LEN)?).rev().find(|&i| bytes[i..].starts_with(EOCD))?;
    let u16_at =
        |i: usize| -> Option<usize> { Some(u16::from_le_bytes(bytes.get(i..i + 2)?.try_into().ok()?) as usize) };
    let u32_at =
        |i: usize| -> Option<usize> { usize::try_from(u32::from_le_bytes(bytes.get(i..i + 4)?.try_into().ok()?)).ok() };
    let count = u16_at(at + 10)?;
    let size = u32_at(at + 12)?;
    if count == 0xFFFF || size == 0xFFFF_FFFF {
        return None;
    }
    // Counted back from the end record, so data before the ZIP (self-extractors) does not matter.
    let mut pos = at.checked_sub(size)?;
    let mut names = Vec::with_capacity(count.min(65_535));
    for _ in 0..count {
        if !bytes.get(pos..)?.starts_with(b"PK\x01\x02") {
            return None;
        }
        let (name_len, extra_len, comment_len) = (u16_at(pos + 28)?, u16_at(pos + 30)?, u16_at(pos + 32)?);
        names.push(bytes.get(pos + 46..pos + 46 + name_len)?);
        pos += 46 + name_len + extra_len + comment_len;
    }
    Some(names)
}

/// The first name that appears twice, as text.
fn first_repeated(names: Vec<&[u8]>) -> Option<String> {
    let mut seen = BTreeSet::new();
    names.into_iter().find(|n| !seen.insert(*n)).map(|n| String::from_utf8_lossy(n).into_owned())
}
