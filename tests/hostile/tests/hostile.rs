//! Hostile inputs, each built by code in a temporary folder beside a real git repository, and
//! run through the real `patchdesk` binary under `prlimit --as=1073741824` (1 GiB) with a 10 s
//! kill. Every case asserts what issue 10 demands:
//!
//! * the process ends by itself: no signal, no abort, no "panicked at";
//! * a refusal is ONE plain sentence naming the file (no "Error:" dumps, no libgit2/zip jargon,
//!   no raw control characters);
//! * nothing is written outside the repository, and a refusal leaves HEAD, the index and the
//!   working tree as they were.
//!
//! Each case prints `hostile <case>: <ms> ms, <MB> MB peak` (peak from `/usr/bin/time -f %M`).

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fs;
use std::io::Write;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const MEMORY_LIMIT: u64 = 1 << 30;
const TIME_LIMIT: Duration = Duration::from_secs(10);

// ---------------------------------------------------------------------------------------------
// The binary, the sandbox, the runner.

/// `target/<profile>/patchdesk`, the sibling of this test's `deps/` folder.
fn patchdesk_bin() -> PathBuf {
    let exe = std::env::current_exe().expect("the test's own path");
    let bin = exe.parent().and_then(Path::parent).map(|d| d.join("patchdesk")).expect("target folder");
    assert!(
        bin.is_file(),
        "{} is missing: the hostile suite runs the real binary; build it first with `cargo build -p patchdesk-cli` (same profile and target folder as this test)",
        bin.display()
    );
    bin
}

/// A temporary folder with `repo/` (a git repository with one commit), `inputs/` (the attack
/// files), `outside/` (a file that must never change) and `home/` (HOME for the run).
struct Sandbox {
    _dir: tempfile::TempDir,
    root: PathBuf,
    repo: PathBuf,
    inputs: PathBuf,
    outside: PathBuf,
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out =
        Command::new("git").arg("-C").arg(dir).args(args).env("GIT_CONFIG_NOSYSTEM", "1").output().expect("git runs");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

impl Sandbox {
    /// A repository holding `files` in one commit on `main`.
    fn new(files: &[(&str, &[u8])]) -> Sandbox {
        let dir = tempfile::tempdir().expect("temp folder");
        let root = dir.path().to_path_buf();
        let (repo, inputs, outside, home) =
            (root.join("repo"), root.join("inputs"), root.join("outside"), root.join("home"));
        for d in [&repo, &inputs, &outside, &home, &root.join("run")] {
            fs::create_dir_all(d).unwrap();
        }
        fs::write(
            outside.join("secret.yaml"),
            "tasks:\n  S1:\n    description: outside the project, never to be read or changed\n",
        )
        .unwrap();
        fs::write(home.join(".gitconfig"), "[user]\n\tname = Lead\n\temail = lead@example.invalid\n").unwrap();
        git(&repo, &["init", "-q", "-b", "main"]);
        git(&repo, &["config", "user.name", "Lead"]);
        git(&repo, &["config", "user.email", "lead@example.invalid"]);
        fs::write(repo.join("README.md"), "# Project\n").unwrap();
        for (path, bytes) in files {
            let full = repo.join(path);
            fs::create_dir_all(full.parent().unwrap()).unwrap();
            fs::write(full, bytes).unwrap();
        }
        git(&repo, &["add", "-A"]);
        git(&repo, &["commit", "-q", "-m", "start"]);
        Sandbox { _dir: dir, root, repo, inputs, outside }
    }

    /// Writes an attack file into `inputs/` and returns its path.
    fn input(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let p = self.inputs.join(name);
        fs::write(&p, bytes).unwrap();
        p
    }

    /// Everything that must not change: the working tree (files and links, not `.git`), HEAD,
    /// the refs, the index, and every file outside the repository.
    fn state(&self) -> State {
        let mut tree = BTreeMap::new();
        walk(&self.repo, &self.repo, &mut tree, true);
        let mut outside = BTreeMap::new();
        walk(&self.root, &self.root, &mut outside, false);
        // `run/` holds the runner's own captures (stdout, stderr, timing).
        outside.retain(|k, _| !k.starts_with("repo/") && !k.starts_with("run/"));
        State {
            head: git(&self.repo, &["rev-parse", "HEAD"]),
            refs: git(&self.repo, &["for-each-ref"]),
            index: git(&self.repo, &["ls-files", "-s"]),
            tree,
            outside,
        }
    }
}

#[derive(Debug, PartialEq)]
struct State {
    head: String,
    refs: String,
    index: String,
    tree: BTreeMap<String, String>,
    outside: BTreeMap<String, String>,
}

/// Files and links under `dir` (links not followed) → a fingerprint; `.git` skipped when `skip_git`.
fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, String>, skip_git: bool) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        let rel = p.strip_prefix(base).unwrap().to_string_lossy().into_owned();
        if skip_git && rel == ".git" {
            continue;
        }
        let Ok(meta) = fs::symlink_metadata(&p) else { continue };
        let ft = meta.file_type();
        if ft.is_symlink() {
            out.insert(
                rel,
                format!("link -> {}", fs::read_link(&p).map(|t| t.display().to_string()).unwrap_or_default()),
            );
        } else if ft.is_dir() {
            walk(base, &p, out, skip_git);
        } else if ft.is_file() {
            use std::hash::{Hash, Hasher};
            let mut h = std::collections::hash_map::DefaultHasher::new();
            // Large attack inputs are fingerprinted by size and modification time only.
            if meta.len() < 8 << 20 {
                fs::read(&p).unwrap_or_default().hash(&mut h);
            } else {
                meta.modified().ok().hash(&mut h);
            }
            out.insert(rel, format!("file {} {:x}", meta.len(), h.finish()));
        } else {
            out.insert(rel, "special".into());
        }
    }
}

/// What one run of the binary did.
struct Run {
    exit: Option<i32>,
    /// Signal that ended the process, or "killed after 10 s".
    ended_by: Option<String>,
    stdout: String,
    stderr: String,
    ms: u128,
    peak_mb: u64,
}

/// Runs `patchdesk args…` in the sandbox under the 1 GiB limit, killing its process group
/// after 10 s.
fn run(sb: &Sandbox, case: &str, args: &[OsString]) -> Run {
    let bin = patchdesk_bin();
    let time_file = sb.root.join("run/time.txt");
    let _ = fs::remove_file(&time_file);
    let mut cmd = Command::new("prlimit");
    cmd.arg(format!("--as={MEMORY_LIMIT}"))
        .arg("--")
        .arg("/usr/bin/time")
        .arg("-f")
        .arg("%x %M")
        .arg("-o")
        .arg(&time_file)
        .arg(&bin)
        .args(args)
        .current_dir(&sb.root)
        .env("HOME", sb.root.join("home"))
        .env("XDG_CONFIG_HOME", sb.root.join("home/.config"))
        .env("XDG_DATA_HOME", sb.root.join("home/.local/share"))
        .env("XDG_DOWNLOAD_DIR", sb.root.join("home/Downloads"))
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env_remove("RUST_BACKTRACE")
        .stdin(Stdio::null())
        .stdout(Stdio::from(fs::File::create(sb.root.join("run/stdout.txt")).unwrap()))
        .stderr(Stdio::from(fs::File::create(sb.root.join("run/stderr.txt")).unwrap()))
        .process_group(0);
    let start = Instant::now();
    let mut child =
        cmd.spawn().expect("prlimit and /usr/bin/time are installed (util-linux, time; scripts/setup.sh --test)");
    let mut ended_by = None;
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break Some(s);
        }
        if start.elapsed() > TIME_LIMIT {
            let _ = Command::new("kill").arg("-KILL").arg("--").arg(format!("-{}", child.id())).status();
            let _ = child.wait();
            ended_by = Some(format!("killed after {} s", TIME_LIMIT.as_secs()));
            break None;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let ms = start.elapsed().as_millis();
    let timing = fs::read_to_string(&time_file).unwrap_or_default();
    if let Some(sig) = timing.lines().find_map(|l| l.strip_prefix("Command terminated by signal ")) {
        ended_by.get_or_insert_with(|| format!("signal {sig}"));
    }
    let last = timing.lines().last().unwrap_or("");
    let mut fields = last.split_whitespace();
    let exit = fields.next().and_then(|x| x.parse().ok()).or_else(|| status.and_then(|s| s.code()));
    let peak_mb = fields.next().and_then(|k| k.parse::<u64>().ok()).map_or(0, |kb| kb.div_ceil(1024));
    let read = |name: &str| String::from_utf8_lossy(&fs::read(sb.root.join(name)).unwrap_or_default()).into_owned();
    let r = Run { exit, ended_by, stdout: read("run/stdout.txt"), stderr: read("run/stderr.txt"), ms, peak_mb };
    println!(
        "hostile {case}: {} ms, {} MB peak, exit {:?}{}",
        r.ms,
        r.peak_mb,
        r.exit,
        r.ended_by.as_deref().map(|e| format!(", {e}")).unwrap_or_default()
    );
    r
}

fn args(list: &[&dyn AsRef<std::ffi::OsStr>]) -> Vec<OsString> {
    list.iter().map(|a| a.as_ref().to_os_string()).collect()
}

// ---------------------------------------------------------------------------------------------
// What every case asserts.

/// Ended by itself, within time and memory, without a panic.
fn assert_survived(r: &Run) {
    assert!(r.ended_by.is_none(), "the process did not end by itself: {:?}\nstderr: {}", r.ended_by, clip(&r.stderr));
    assert!(!r.stderr.contains("panicked at") && !r.stdout.contains("panicked at"), "panic:\n{}", clip(&r.stderr));
    assert!(!r.stderr.contains("memory allocation of"), "ran out of memory:\n{}", clip(&r.stderr));
    assert!(r.exit.is_some_and(|c| c < 128), "exit {:?}\nstderr: {}", r.exit, clip(&r.stderr));
    assert!(r.ms < TIME_LIMIT.as_millis(), "took {} ms", r.ms);
    assert!(r.peak_mb < 1024, "peak {} MB", r.peak_mb);
}

/// Words that mean nothing to a team lead and show a library's error leaked through.
const JARGON: &[&str] = &[
    "Error:",
    "error:",
    "EOCD",
    "libgit2",
    "git2",
    "zip::",
    "ZipError",
    "Zip archive",
    "InvalidArchive",
    "os error",
    "errno",
    "Os {",
    "Custom {",
    "kind:",
    "thread '",
    "RUST_BACKTRACE",
    "\\u{",
    "0x",
];

/// `sentence` is one plain sentence naming `file`: one line, no jargon, no control characters.
fn assert_plain_sentence(sentence: &str, file: &str) {
    assert_plain_sentence_naming_one_of(sentence, &[file]);
}

/// `sentence` is one plain sentence naming one of `files` (the patch, or a file inside it).
fn assert_plain_sentence_naming_one_of(sentence: &str, files: &[&str]) {
    let s = sentence.trim_end_matches('\n');
    assert!(!s.trim().is_empty(), "no sentence at all");
    assert!(!s.contains('\n'), "more than one line:\n{s}");
    assert!(files.iter().any(|f| s.contains(f)), "the sentence names none of {files:?}: {s}");
    for j in JARGON {
        assert!(!s.contains(j), "jargon {j:?} in: {s}");
    }
    assert!(
        !s.chars().any(|c| c.is_control() || is_bidi_control(c) || c == '\u{fffd}'),
        "control or raw bytes in: {s:?}"
    );
    assert!(s.chars().count() <= 400, "not one sentence ({} characters): {s}", s.chars().count());
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}')
}

/// A refusal: exit 1 or 2, stderr is one plain sentence naming `file`, and nothing changed.
fn assert_refused(r: &Run, file: &str, before: &State, sb: &Sandbox) {
    assert_survived(r);
    assert!(
        matches!(r.exit, Some(1 | 2)),
        "expected a refusal (exit 1 or 2), got {:?}\nstdout: {}\nstderr: {}",
        r.exit,
        clip(&r.stdout),
        clip(&r.stderr)
    );
    assert_plain_sentence(&r.stderr, file);
    assert_unchanged(before, sb);
}

fn assert_unchanged(before: &State, sb: &Sandbox) {
    let after = sb.state();
    assert_eq!(before.head, after.head, "HEAD moved");
    assert_eq!(before.refs, after.refs, "refs changed");
    assert_eq!(before.index, after.index, "the index changed");
    assert_eq!(before.outside, after.outside, "something outside the repository changed");
    assert_eq!(before.tree, after.tree, "the working tree changed");
}

/// Nothing outside the repository changed (the repository itself may, e.g. an import that succeeded).
fn assert_nothing_outside(before: &State, sb: &Sandbox) {
    assert_eq!(before.outside, sb.state().outside, "something outside the repository changed");
}

fn clip(s: &str) -> String {
    s.chars().take(2000).collect()
}

/// `apply --json`: the refusal's one message (problems or error), which must be one plain sentence.
fn apply_refusal(r: &Run) -> String {
    let v: serde_json::Value = serde_json::from_str(r.stdout.trim()).unwrap_or_else(|e| {
        panic!("apply --json did not print JSON ({e}): {}\nstderr: {}", clip(&r.stdout), clip(&r.stderr))
    });
    assert!(v["tree"].is_null(), "the patch was applied: {}", clip(&r.stdout));
    let problems: Vec<String> = v["problems"]
        .as_array()
        .map(|a| a.iter().filter_map(|p| p["message"].as_str().map(String::from)).collect())
        .unwrap_or_default();
    let error = v["error"]["message"].as_str().map(String::from);
    let all: Vec<String> = problems.into_iter().chain(error).collect();
    assert_eq!(all.len(), 1, "expected exactly one refusal message: {all:?}");
    all.into_iter().next().unwrap()
}

/// `tasks --json`: the problems listed for the board.
fn board_problems(r: &Run) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_str(r.stdout.trim()).unwrap_or_else(|e| {
        panic!("tasks --json did not print JSON ({e}): {}\nstderr: {}", clip(&r.stdout), clip(&r.stderr))
    });
    v["problems"]
        .as_array()
        .map(|a| a.iter().filter_map(|p| p["message"].as_str().map(String::from)).collect())
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// Building attacks.

/// zlib of `len` zero bytes, compressed as tightly as zlib goes.
fn zlib_zeros(len: usize) -> Vec<u8> {
    let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    let chunk = vec![0u8; 1 << 20];
    let mut left = len;
    while left > 0 {
        let n = left.min(chunk.len());
        enc.write_all(&chunk[..n]).unwrap();
        left -= n;
    }
    enc.finish().unwrap()
}

/// git's base85 lines for a `GIT binary patch` chunk.
fn git_base85(data: &[u8]) -> String {
    const ALPHABET: &[u8; 85] =
        b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!#$%&()*+-;<=>?@^_`{|}~";
    let mut out = String::new();
    for line in data.chunks(52) {
        let n = line.len();
        out.push(if n <= 26 { (b'A' + n as u8 - 1) as char } else { (b'a' + n as u8 - 27) as char });
        for group in line.chunks(4) {
            let mut acc: u32 = 0;
            for i in 0..4 {
                acc = (acc << 8) | u32::from(*group.get(i).unwrap_or(&0));
            }
            let mut digits = [0u8; 5];
            for d in digits.iter_mut().rev() {
                *d = ALPHABET[(acc % 85) as usize];
                acc /= 85;
            }
            out.push_str(std::str::from_utf8(&digits).unwrap());
        }
        out.push('\n');
    }
    out
}

/// A ZIP archive written by hand (so duplicate names and any layout are possible).
/// `deflate` compresses the entries; otherwise they are stored.
fn zip(entries: &[(&str, &[u8])], deflate: bool) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data) in entries {
        let crc = crc32fast::hash(data);
        let body = if deflate {
            let mut enc = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
            enc.write_all(data).unwrap();
            enc.finish().unwrap()
        } else {
            data.to_vec()
        };
        let method: u16 = if deflate { 8 } else { 0 };
        let offset = out.len() as u32;
        let head = |sig: u32, central_dir: bool| {
            let mut h = Vec::new();
            h.extend_from_slice(&sig.to_le_bytes());
            if central_dir {
                h.extend_from_slice(&20u16.to_le_bytes());
            }
            h.extend_from_slice(&20u16.to_le_bytes()); // version needed
            h.extend_from_slice(&0u16.to_le_bytes()); // flags
            h.extend_from_slice(&method.to_le_bytes());
            h.extend_from_slice(&0u16.to_le_bytes()); // time
            h.extend_from_slice(&0x5a21u16.to_le_bytes()); // date
            h.extend_from_slice(&crc.to_le_bytes());
            h.extend_from_slice(&(body.len() as u32).to_le_bytes());
            h.extend_from_slice(&(data.len() as u32).to_le_bytes());
            h.extend_from_slice(&(name.len() as u16).to_le_bytes());
            h.extend_from_slice(&0u16.to_le_bytes()); // extra
            if central_dir {
                h.extend_from_slice(&0u16.to_le_bytes()); // comment
                h.extend_from_slice(&0u16.to_le_bytes()); // disk
                h.extend_from_slice(&0u16.to_le_bytes()); // internal attrs
                h.extend_from_slice(&0u32.to_le_bytes()); // external attrs
                h.extend_from_slice(&offset.to_le_bytes());
            }
            h.extend_from_slice(name.as_bytes());
            h
        };
        out.extend_from_slice(&head(0x0403_4b50, false));
        out.extend_from_slice(&body);
        central.extend_from_slice(&head(0x0201_4b50, true));
    }
    let cd_offset = out.len() as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&[0, 0, 0, 0]);
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&cd_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

/// A small, valid pod diff adding `path`.
fn diff_adding(path: &str, text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut d = format!(
        "diff --git a/{path} b/{path}\nnew file mode 100644\n--- /dev/null\n+++ b/{path}\n@@ -0,0 +1,{} @@\n",
        lines.len()
    );
    for l in lines {
        d.push_str(&format!("+{l}\n"));
    }
    d
}

/// A billion-laughs `task.yaml` (about 1 KB; 10⁹ entries expanded).
fn yaml_laughs() -> String {
    let mut t = String::from("l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..10 {
        t.push_str(&format!("l{i}: &l{i} [{}]\n", vec![format!("*l{}", i - 1); 10].join(", ")));
    }
    t.push_str("tasks:\n  T1:\n    description: laughs\n    status: ready\n    pod_owner: DevPod\n    inputs: *l9\n");
    t
}

/// A `task.yaml` of about 350 KB whose one large anchor is repeated by 45 000 aliases.
fn yaml_wide_bomb() -> String {
    let items: Vec<String> = (0..5_000).map(|i| format!("x{i}")).collect();
    let mut t = format!("base: &b [{}]\ntasks:\n  T1:\n    description: wide\n    inputs:\n", items.join(", "));
    for _ in 0..45_000 {
        t.push_str("      - *b\n");
    }
    t
}

const TASKS: &str = "tasks:\n  T1:\n    description: Write the guide\n    status: ready\n    pod_owner: DevPod\n";

// ---------------------------------------------------------------------------------------------
// Bombs.

/// Eight files, each a literal of 200 MB of zeros (under the per-chunk limit): ~1.6 GB in all
/// from a patch of under 2 MB.
fn binary_literal_bomb() -> String {
    let z = git_base85(&zlib_zeros(200 << 20));
    (0..8)
        .map(|i| format!("diff --git a/blob{i}.bin b/blob{i}.bin\nnew file mode 100644\nindex 0000000..1111111\nGIT binary patch\nliteral {}\n{z}\nliteral 0\nHcmV?d00001\n\n", 200 << 20))
        .collect()
}

#[test]
fn git_binary_literal_bomb_is_refused_at_import() {
    let patch = binary_literal_bomb();
    let sb = Sandbox::new(&[]);
    let file = sb.input("patch_20261130_0101.diff", patch.as_bytes());
    let before = sb.state();
    let r = run(&sb, "git binary literal bomb (import)", &args(&[&"import", &"--repo", &sb.repo, &file]));
    assert_refused(&r, "patch_20261130_0101.diff", &before, &sb);
}

#[test]
fn git_binary_literal_bomb_is_refused_at_apply() {
    let patch = binary_literal_bomb();
    let sb = Sandbox::new(&[]);
    let file = sb.input("bomb.diff", patch.as_bytes());
    let before = sb.state();
    let r = run(
        &sb,
        "git binary literal bomb (apply)",
        &args(&[&"apply", &"--repo", &sb.repo, &"--base", &"HEAD", &"--json", &file]),
    );
    assert_survived(&r);
    assert_plain_sentence_naming_one_of(&apply_refusal(&r), &["bomb.diff", "blob0.bin"]);
    assert_unchanged(&before, &sb);
}

#[test]
fn zip_bomb_of_small_entries_in_sixteen_drops_is_refused() {
    // Each ZIP: 480 entries of 1 MiB of zeros (small entries skip the ratio check), ~0.5 MB
    // packed; sixteen dropped together unpack to 7.5 GiB.
    let zeros = vec![0u8; 1 << 20];
    let names: Vec<String> = (0..480).map(|i| format!("src/part{i}.txt")).collect();
    let entries: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), zeros.as_slice())).collect();
    let bundle = zip(&entries, true);
    let sb = Sandbox::new(&[]);
    let files: Vec<PathBuf> = (0..16).map(|i| sb.input(&format!("patch_2026113001{i:02}.zip"), &bundle)).collect();
    let before = sb.state();
    let mut a = args(&[&"import", &"--repo", &sb.repo]);
    a.extend(files.iter().map(|f| f.as_os_str().to_os_string()));
    let r = run(&sb, "ZIP bomb, 16 drops of small entries", &a);
    assert_survived(&r);
    assert!(matches!(r.exit, Some(1 | 2)), "the drop was taken in whole: {}", clip(&r.stdout));
    // Each refused ZIP is named in one sentence of its own.
    for line in r.stderr.lines() {
        assert_plain_sentence(line, "patch_2026113001");
    }
    assert_nothing_outside(&before, &sb);
}

#[test]
fn nested_zip_is_bounded() {
    // A ZIP holding 16 copies of a ZIP holding 16 copies of a ZIP of 16 MiB of zeros.
    let zeros = vec![0u8; 16 << 20];
    let mut inner = zip(&[("deep/zeros.txt", &zeros)], true);
    for level in 0..2 {
        let names: Vec<String> = (0..16).map(|i| format!("level{level}/copy{i}.zip")).collect();
        let entries: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), inner.as_slice())).collect();
        inner = zip(&entries, true);
    }
    let sb = Sandbox::new(&[]);
    let file = sb.input("patch_20261130_0202.zip", &inner);
    let before = sb.state();
    let r = run(&sb, "nested ZIP", &args(&[&"import", &"--repo", &sb.repo, &file]));
    assert_survived(&r);
    if r.exit != Some(0) {
        assert_refused(&r, "patch_20261130_0202.zip", &before, &sb);
    }
    assert_nothing_outside(&before, &sb);
}

#[test]
fn duplicate_zip_entries_are_refused() {
    let first = diff_adding("docs/guide.md", "# Guide\nfirst copy\n");
    let second = diff_adding("docs/guide.md", "# Guide\nsecond copy, the one that would silently win\n");
    let bundle = zip(&[("changes.diff", first.as_bytes()), ("changes.diff", second.as_bytes())], false);
    let sb = Sandbox::new(&[]);
    let file = sb.input("patch_20261130_0303.zip", &bundle);
    let before = sb.state();
    let r = run(&sb, "duplicate ZIP entries", &args(&[&"import", &"--repo", &sb.repo, &file]));
    assert_refused(&r, "patch_20261130_0303.zip", &before, &sb);
    assert!(r.stderr.contains("changes.diff"), "the duplicate is not named: {}", r.stderr);
}

#[test]
fn yaml_alias_bomb_in_task_yaml_leaves_tasks_and_inbox_working() {
    for (case, text) in [("billion laughs", yaml_laughs()), ("wide alias bomb", yaml_wide_bomb())] {
        let sb = Sandbox::new(&[("task.yaml", text.as_bytes())]);
        let before = sb.state();
        let r = run(&sb, &format!("task.yaml {case} (tasks)"), &args(&[&"tasks", &"--repo", &sb.repo, &"--json"]));
        assert_survived(&r);
        assert_eq!(r.exit, Some(0), "{}", clip(&r.stderr));
        let problems = board_problems(&r);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_plain_sentence(&problems[0], "task.yaml");
        assert!(problems[0].starts_with("task.yaml is built to expand to more than "), "{}", problems[0]);
        assert!(problems[0].ends_with("entries (YAML aliases); Patchdesk stops reading it. Remove the `*` alias lines or ask the person who wrote it."), "{}", problems[0]);
        let r = run(&sb, &format!("task.yaml {case} (inbox)"), &args(&[&"inbox", &"--repo", &sb.repo]));
        assert_survived(&r);
        assert_eq!(r.exit, Some(0), "the project does not open: {}", clip(&r.stderr));
        assert_unchanged(&before, &sb);
    }
}

#[test]
fn deep_nesting_in_task_yaml_is_refused_quickly() {
    let text = format!("tasks: {}", "[".repeat(200_000));
    let sb = Sandbox::new(&[("task.yaml", text.as_bytes())]);
    let before = sb.state();
    let r = run(&sb, "task.yaml 200 KB of [ (tasks)", &args(&[&"tasks", &"--repo", &sb.repo, &"--json"]));
    assert_survived(&r);
    assert!(r.ms < 2_000, "took {} ms", r.ms);
    let problems = board_problems(&r);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_plain_sentence(&problems[0], "task.yaml");
    assert!(problems[0].starts_with("task.yaml nests lists or brackets more than 64 levels deep"), "{}", problems[0]);
    let r = run(&sb, "task.yaml 200 KB of [ (inbox)", &args(&[&"inbox", &"--repo", &sb.repo]));
    assert_survived(&r);
    assert_eq!(r.exit, Some(0), "{}", clip(&r.stderr));
    assert_unchanged(&before, &sb);
}

#[test]
fn a_fifty_megabyte_task_yaml_is_refused_by_size() {
    let mut text = String::from(TASKS);
    text.push_str("    notes:\n");
    while text.len() < 50 << 20 {
        text.push_str("      - a note that is long enough to fill the file quickly with plain words\n");
    }
    let sb = Sandbox::new(&[("task.yaml", text.as_bytes())]);
    let before = sb.state();
    let r = run(&sb, "task.yaml 50 MB (tasks)", &args(&[&"tasks", &"--repo", &sb.repo, &"--json"]));
    assert_survived(&r);
    let problems = board_problems(&r);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_plain_sentence(&problems[0], "task.yaml");
    assert!(problems[0].contains("more than the 16 MB"), "{}", problems[0]);
    assert_unchanged(&before, &sb);
}

// ---------------------------------------------------------------------------------------------
// Sizes.

/// 100 000 hunks on `big.txt` (400 000 lines `line N`), each changing one line between two
/// lines of context; `bare` leaves out the line numbers (`@@` alone).
fn hunks_on_big_txt(bare: bool) -> String {
    let mut patch = String::from("diff --git a/big.txt b/big.txt\n--- a/big.txt\n+++ b/big.txt\n");
    for h in 0..100_000 {
        let first = h * 4;
        let header = if bare { "@@".to_string() } else { format!("@@ -{},3 +{},3 @@", first + 1, first + 1) };
        patch.push_str(&format!(
            "{header}\n line {first}\n-line {}\n+changed {}\n line {}\n",
            first + 1,
            first + 1,
            first + 2
        ));
    }
    patch
}

fn big_txt() -> String {
    (0..400_000).map(|i| format!("line {i}\n")).collect()
}

#[test]
fn patch_with_100k_hunks_on_a_file_created_earlier_in_it_applies_in_time() {
    let text = big_txt();
    let mut patch = String::from(
        "diff --git a/big.txt b/big.txt\nnew file mode 100644\n--- /dev/null\n+++ b/big.txt\n@@ -0,0 +1,400000 @@\n",
    );
    for l in text.lines() {
        patch.push_str(&format!("+{l}\n"));
    }
    patch.push_str(&hunks_on_big_txt(false));
    let sb = Sandbox::new(&[]);
    let file = sb.input("hunks.diff", patch.as_bytes());
    let before = sb.state();
    let r = run(
        &sb,
        "100k hunks on a file created in the same patch (apply)",
        &args(&[&"apply", &"--repo", &sb.repo, &"--base", &"HEAD", &"--json", &file]),
    );
    assert_survived(&r);
    if r.exit != Some(0) {
        assert_plain_sentence_naming_one_of(&apply_refusal(&r), &["hunks.diff", "big.txt"]);
    }
    assert_unchanged(&before, &sb);
}

#[test]
fn patch_with_100k_bare_hunk_headers_applies_in_time() {
    let patch = hunks_on_big_txt(true);
    let sb = Sandbox::new(&[("big.txt", big_txt().as_bytes())]);
    let file = sb.input("bare.diff", patch.as_bytes());
    let before = sb.state();
    let r = run(
        &sb,
        "100k bare @@ hunks (apply)",
        &args(&[&"apply", &"--repo", &sb.repo, &"--base", &"HEAD", &"--json", &file]),
    );
    assert_survived(&r);
    if r.exit != Some(0) {
        assert_plain_sentence_naming_one_of(&apply_refusal(&r), &["bare.diff", "big.txt"]);
    }
    assert_unchanged(&before, &sb);
}

#[test]
fn a_huge_single_line_is_refused_by_size() {
    // One 200 MB line: larger than any input Patchdesk takes.
    let sb = Sandbox::new(&[]);
    let path = sb.inputs.join("patch_20261130_0404.diff");
    {
        let mut f = std::io::BufWriter::new(fs::File::create(&path).unwrap());
        f.write_all(
            b"diff --git a/one.txt b/one.txt\nnew file mode 100644\n--- /dev/null\n+++ b/one.txt\n@@ -0,0 +1 @@\n+",
        )
        .unwrap();
        let chunk = vec![b'a'; 1 << 20];
        for _ in 0..200 {
            f.write_all(&chunk).unwrap();
        }
        f.write_all(b"\n").unwrap();
    }
    let before = sb.state();
    let r = run(&sb, "huge single line, 200 MB (import)", &args(&[&"import", &"--repo", &sb.repo, &path]));
    assert_refused(&r, "patch_20261130_0404.diff", &before, &sb);
}

#[test]
fn dev_zero_as_input_is_refused() {
    let sb = Sandbox::new(&[]);
    let before = sb.state();
    // A device is refused for what it is, before reading: not after filling memory.
    for (case, a) in [
        ("/dev/zero (import)", args(&[&"import", &"--repo", &sb.repo, &"/dev/zero"])),
        ("/dev/zero (apply)", args(&[&"apply", &"--repo", &sb.repo, &"--base", &"HEAD", &"/dev/zero"])),
    ] {
        let r = run(&sb, case, &a);
        assert_refused(&r, "zero", &before, &sb);
        assert!(!r.stderr.contains("out of memory"), "read until memory ran out: {}", r.stderr);
        assert!(r.peak_mb < 256, "{} MB read from a device", r.peak_mb);
    }
}

#[test]
fn a_fifo_as_input_is_refused() {
    let sb = Sandbox::new(&[]);
    let fifo = sb.inputs.join("patch_20261130_0505.diff");
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo runs");
    assert!(made.success());
    let before = sb.state();
    let r = run(&sb, "FIFO (import)", &args(&[&"import", &"--repo", &sb.repo, &fifo]));
    assert_refused(&r, "patch_20261130_0505.diff", &before, &sb);
    let r = run(&sb, "FIFO (apply)", &args(&[&"apply", &"--repo", &sb.repo, &"--base", &"HEAD", &fifo]));
    assert_refused(&r, "patch_20261130_0505.diff", &before, &sb);
}

// ---------------------------------------------------------------------------------------------
// Names.

#[test]
fn a_multibyte_character_at_the_slice_point_does_not_crash_import() {
    let sb = Sandbox::new(&[]);
    let name = "patch_2026111é12345.diff";
    let file = sb.input(name, diff_adding("docs/guide.md", "# Guide\n").as_bytes());
    let before = sb.state();
    let r = run(&sb, "multi-byte name at the slice point (import)", &args(&[&"import", &"--repo", &sb.repo, &file]));
    assert_survived(&r);
    if r.exit != Some(0) {
        assert_refused(&r, name, &before, &sb);
    }
    let r = run(&sb, "multi-byte name at the slice point (inbox)", &args(&[&"inbox", &"--repo", &sb.repo]));
    assert_survived(&r);
    assert_eq!(r.exit, Some(0), "{}", clip(&r.stderr));
    assert_nothing_outside(&before, &sb);
}

#[test]
fn right_to_left_override_in_a_path_is_named_in_plain_words() {
    let sb = Sandbox::new(&[]);
    let path = "docs/invoice\u{202e}fdp.exe";
    let file = sb.input("patch_20261130_0606.diff", diff_adding(path, "not a pdf\n").as_bytes());
    let before = sb.state();
    let r = run(&sb, "right-to-left override in a path (import)", &args(&[&"import", &"--repo", &sb.repo, &file]));
    assert_survived(&r);
    assert!(
        !r.stdout.chars().chain(r.stderr.chars()).any(is_bidi_control),
        "a raw right-to-left override reached the terminal"
    );
    if r.exit != Some(0) {
        assert_refused(&r, "patch_20261130_0606.diff", &before, &sb);
        assert!(r.stderr.contains("right-to-left"), "the refusal does not say what is wrong: {}", r.stderr);
    }
    let r = run(&sb, "right-to-left override in a path (inbox)", &args(&[&"inbox", &"--repo", &sb.repo]));
    assert_survived(&r);
    assert!(
        !r.stdout.chars().chain(r.stderr.chars()).any(|c| is_bidi_control(c) || (c.is_control() && c != '\n')),
        "raw control characters in the inbox listing"
    );
    assert_nothing_outside(&before, &sb);
}

// ---------------------------------------------------------------------------------------------
// Links and paths.

/// A patch adding a link at `path` pointing to `target`.
fn diff_adding_link(path: &str, target: &str) -> String {
    format!("diff --git a/{path} b/{path}\nnew file mode 120000\n--- /dev/null\n+++ b/{path}\n@@ -0,0 +1 @@\n+{target}\n\\ No newline at end of file\n")
}

#[test]
fn symlinks_added_by_a_patch_are_refused() {
    for (case, target) in
        [("outside", "../../outside/secret.yaml"), ("absolute", "/etc/passwd"), ("inside", "README.md")]
    {
        let sb = Sandbox::new(&[]);
        let file = sb.input("link.diff", diff_adding_link("docs/link", target).as_bytes());
        let before = sb.state();
        let r = run(
            &sb,
            &format!("symlink ({case}) added by a patch (apply)"),
            &args(&[&"apply", &"--repo", &sb.repo, &"--base", &"HEAD", &"--json", &file]),
        );
        assert_survived(&r);
        let sentence = apply_refusal(&r);
        assert_plain_sentence(&sentence, "docs/link");
        assert_unchanged(&before, &sb);
    }
}

#[test]
fn a_symlinked_task_yaml_is_not_followed() {
    let sb = Sandbox::new(&[]);
    std::os::unix::fs::symlink("../outside/secret.yaml", sb.repo.join("task.yaml")).unwrap();
    git(&sb.repo, &["add", "task.yaml"]);
    git(&sb.repo, &["commit", "-q", "-m", "link"]);
    let before = sb.state();
    let r = run(&sb, "symlinked task.yaml (tasks)", &args(&[&"tasks", &"--repo", &sb.repo, &"--json"]));
    assert_survived(&r);
    assert!(!r.stdout.contains("S1"), "the board read a file outside the project through task.yaml");
    let problems = board_problems(&r);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_plain_sentence(&problems[0], "task.yaml");
    let secret = fs::read(sb.outside.join("secret.yaml")).unwrap();
    let r = run(
        &sb,
        "symlinked task.yaml (handoff)",
        &args(&[&"handoff", &"--repo", &sb.repo, &"S1", &"--to", &"qa", &"--reason", &"ready for checks"]),
    );
    assert_eq!(fs::read(sb.outside.join("secret.yaml")).unwrap(), secret, "the handoff wrote through the link");
    assert_refused(&r, "task.yaml", &before, &sb);
}

#[test]
fn git_folder_aliases_are_refused_at_import() {
    for (i, path) in [
        ".GIT/config",
        ".git./hooks/x",
        "git~1/config",
        ".git/hooks/post-checkout",
        "GIT~1/config",
        ".git\u{200c}/config",
    ]
    .iter()
    .enumerate()
    {
        let sb = Sandbox::new(&[]);
        let name = format!("patch_20261130_08{i:02}.diff");
        let file = sb.input(&name, diff_adding(path, "[core]\n\thooksPath = /tmp\n").as_bytes());
        let before = sb.state();
        let r = run(
            &sb,
            &format!("git alias {} (import)", path.escape_default()),
            &args(&[&"import", &"--repo", &sb.repo, &file]),
        );
        assert_refused(&r, &name, &before, &sb);
    }
}

#[test]
fn parent_folder_paths_are_refused_at_import() {
    for (i, path) in ["../outside/secret.yaml", "docs/../../outside/secret.yaml", "/etc/passwd"].iter().enumerate() {
        let sb = Sandbox::new(&[]);
        let name = format!("patch_20261130_09{i:02}.diff");
        let file = sb.input(&name, diff_adding(path, "tasks: {}\n").as_bytes());
        let before = sb.state();
        let r = run(&sb, &format!("path {path} (import)"), &args(&[&"import", &"--repo", &sb.repo, &file]));
        assert_refused(&r, &name, &before, &sb);
    }
}
