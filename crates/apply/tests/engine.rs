//! Apply engine tests on real repositories built in temp dirs.

use git2::{Oid, Repository};
use patchdesk_apply::*;
use patchdesk_patch::RepoPath;
use std::path::Path;
use std::process::Command;

/// A repository with one commit made from `files` (path, content, executable); returns tree id.
fn repo_with(files: &[(&str, &[u8], bool)]) -> (tempfile::TempDir, Repository, Oid) {
    let dir = tempfile::tempdir().unwrap();
    let repo = Repository::init_bare(dir.path()).unwrap();
    let entries: Vec<(RepoPath, Vec<u8>, bool)> =
        files.iter().map(|(p, c, x)| (RepoPath::parse(p).unwrap(), c.to_vec(), *x)).collect();
    let empty = repo.treebuilder(None).unwrap().write().unwrap();
    let tree = apply_files(&repo, empty, &entries).unwrap();
    (dir, repo, tree)
}

fn blob_at(repo: &Repository, tree: Oid, path: &str) -> Option<(Vec<u8>, i32)> {
    let t = repo.find_tree(tree).ok()?;
    let e = t.get_path(Path::new(path)).ok()?;
    Some((repo.find_blob(e.id()).ok()?.content().to_vec(), e.filemode()))
}

fn object_count(dir: &Path) -> usize {
    walk(&dir.join("objects"))
}

fn walk(p: &Path) -> usize {
    std::fs::read_dir(p)
        .map(|rd| rd.flatten().map(|e| if e.path().is_dir() { walk(&e.path()) } else { 1 }).sum())
        .unwrap_or(0)
}

fn run(repo: &Repository, tree: Oid, patch: &str) -> ApplyReport {
    apply(repo, tree, patch.as_bytes(), &ApplyOptions::default()).unwrap()
}

#[test]
fn clean_modify_matches_git() {
    let (_d, repo, tree) = repo_with(&[("src/a.txt", b"1\n2\n3\n4\n5\n", false)]);
    let r = run(&repo, tree, "--- a/src/a.txt\n+++ b/src/a.txt\n@@ -2,3 +2,3 @@\n 2\n-3\n+three\n 4\n");
    assert_eq!(r.outcome, Outcome::Clean, "{r:?}");
    assert_eq!(blob_at(&repo, r.tree_id().unwrap(), "src/a.txt").unwrap().0, b"1\n2\nthree\n4\n5\n");
    assert_eq!(r.files[0].status, FileStatus::Modified);
    assert_eq!((r.files[0].added, r.files[0].removed), (1, 1));
}

#[test]
fn shifted_hunk_is_found_and_reported() {
    let body: String = (1..=40).map(|i| format!("line {i}\n")).collect();
    let (_d, repo, tree) = repo_with(&[("f.txt", body.as_bytes(), false)]);
    let r = run(&repo, tree, "--- a/f.txt\n+++ b/f.txt\n@@ -8,3 +8,3 @@\n line 20\n-line 21\n+LINE 21\n line 22\n");
    assert_eq!(r.outcome, Outcome::Repaired);
    assert!(
        r.repairs.iter().any(|x| x.message == "hunk 1 of f.txt was found 12 lines lower than the patch said"),
        "{:?}",
        r.repairs
    );
    assert!(String::from_utf8(blob_at(&repo, r.tree_id().unwrap(), "f.txt").unwrap().0).unwrap().contains("LINE 21\n"));
}

#[test]
fn ambiguous_damaged_hunk_is_refused_and_nothing_written() {
    let (d, repo, tree) = repo_with(&[("f.txt", b"a\nx\nb\nc\na\nx\nb\nc\n", false)]);
    let before = object_count(d.path());
    // Counts are wrong, so line numbers are not trusted, and the content matches twice.
    let r = run(&repo, tree, "--- a/f.txt\n+++ b/f.txt\n@@ -1,9 +1,9 @@\n a\n-x\n+y\n b\n");
    assert_eq!(r.outcome, Outcome::Refused);
    assert!(r.tree.is_none());
    assert!(r.problems[0].message.contains("could go in 2 places"), "{:?}", r.problems);
    assert_eq!(object_count(d.path()), before);
}

#[test]
fn missing_context_is_refused() {
    let (_d, repo, tree) = repo_with(&[("f.txt", b"a\nb\nc\n", false)]);
    let r = run(&repo, tree, "--- a/f.txt\n+++ b/f.txt\n@@ -1,3 +1,3 @@\n a\n-q\n+z\n c\n");
    assert_eq!(r.outcome, Outcome::Refused);
    assert_eq!(r.problems[0].hunk, Some(1));
}

#[test]
fn exec_bit_survives_pure_rename() {
    let (_d, repo, tree) = repo_with(&[("run.sh", b"#!/bin/sh\necho hi\n", true)]);
    let r = run(
        &repo,
        tree,
        "diff --git a/run.sh b/bin/run.sh\nsimilarity index 100%\nrename from run.sh\nrename to bin/run.sh\n",
    );
    let t = r.tree_id().unwrap();
    assert_eq!(blob_at(&repo, t, "bin/run.sh").unwrap().1, 0o100755);
    assert!(blob_at(&repo, t, "run.sh").is_none());
    assert_eq!(r.files[0].status, FileStatus::Renamed);
}

#[test]
fn file_directory_clash_is_refused() {
    let (_d, repo, tree) = repo_with(&[("docs", b"I am a file\n", false)]);
    let r = run(&repo, tree, "diff --git a/docs/x.md b/docs/x.md\nnew file mode 100644\nindex 0000000..1111111\n--- /dev/null\n+++ b/docs/x.md\n@@ -0,0 +1 @@\n+x\n");
    assert_eq!(r.outcome, Outcome::Refused, "{r:?}");
    assert!(r.problems[0].message.contains("docs"));
}

#[test]
fn path_through_symlink_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let repo = Repository::init_bare(dir.path()).unwrap();
    let target = repo.blob(b"/etc").unwrap();
    let mut b = repo.treebuilder(None).unwrap();
    b.insert("link", target, 0o120000).unwrap();
    let tree = b.write().unwrap();
    let r = run(&repo, tree, "--- /dev/null\n+++ b/link/passwd\n@@ -0,0 +1 @@\n+x\n");
    assert_eq!(r.outcome, Outcome::Refused);
    assert!(r.problems[0].message.contains("symbolic link"), "{:?}", r.problems);
    let files = [(RepoPath::parse("link/x").unwrap(), b"x".to_vec(), false)];
    assert!(matches!(apply_files(&repo, tree, &files), Err(ApplyError::UnsafePath { .. })));
}

#[test]
fn empty_files_nul_bytes_and_deletes() {
    let (_d, repo, tree) = repo_with(&[("gone", b"", false), ("bin.dat", b"a\0b\nz\n", false)]);
    let patch = "diff --git a/gone b/gone\ndeleted file mode 100644\nindex e69de29..0000000\n\
diff --git a/new-empty b/new-empty\nnew file mode 100644\nindex 0000000..e69de29\n\
diff --git a/bin.dat b/bin.dat\n--- a/bin.dat\n+++ b/bin.dat\n@@ -1,2 +1,2 @@\n-a\0b\n+a\0c\n z\n";
    let r = run(&repo, tree, patch);
    let t = r.tree_id().expect("applies");
    assert!(blob_at(&repo, t, "gone").is_none());
    assert_eq!(blob_at(&repo, t, "new-empty").unwrap().0, b"");
    assert_eq!(blob_at(&repo, t, "bin.dat").unwrap().0, b"a\0c\nz\n");
}

#[test]
fn three_way_merge_clean_and_conflict() {
    let orig: String = (1..=30).map(|i| format!("l{i}\n")).collect();
    let (_d, repo, _) = repo_with(&[("f", orig.as_bytes(), false)]);
    let orig_id = repo.blob(orig.as_bytes()).unwrap();
    let short = &orig_id.to_string()[..7];
    let patch = format!(
        "diff --git a/f b/f\nindex {short}..1234567 100644\n--- a/f\n+++ b/f\n@@ -17,7 +17,7 @@\n l17\n l18\n l19\n-l20\n+L20\n l21\n l22\n l23\n"
    );
    let empty = repo.treebuilder(None).unwrap().write().unwrap();
    let base_with = |content: String| {
        apply_files(&repo, empty, &[(RepoPath::parse("f").unwrap(), content.into_bytes(), false)]).unwrap()
    };
    // The base changed a context line (l17): direct apply fails, the merge is clean.
    let r = run(&repo, base_with(orig.replace("l17\n", "l17 base\n")), &patch);
    assert_eq!(r.outcome, Outcome::Merged, "{r:?}");
    let merged = blob_at(&repo, r.tree_id().unwrap(), "f").unwrap().0;
    assert_eq!(merged, orig.replace("l17\n", "l17 base\n").replace("l20\n", "L20\n").into_bytes());
    // The base changed the same line: conflict with both sides, no tree.
    let r = run(&repo, base_with(orig.replace("l20\n", "l20 base\n")), &patch);
    assert_eq!(r.outcome, Outcome::Conflict, "{r:?}");
    assert!(r.tree.is_none());
    assert_eq!(r.problems[0].ours, vec!["l20 base".to_string()]);
    assert_eq!(r.problems[0].theirs, vec!["L20".to_string()]);
    // Without the pre-image blob in the repository there is no merge: refused.
    let unknown = patch.replace(short, "abcdef0");
    let r = run(&repo, base_with(orig.replace("l17\n", "l17 base\n")), &unknown);
    assert_eq!(r.outcome, Outcome::Refused, "{r:?}");
}

#[test]
fn objects_only_no_refs_index_or_worktree() {
    let dir = tempfile::tempdir().unwrap();
    let st = Command::new("git").args(["init", "-q"]).arg(dir.path()).status().unwrap();
    assert!(st.success());
    std::fs::write(dir.path().join("a.txt"), "one\n").unwrap();
    let git = |args: &[&str]| Command::new("git").arg("-C").arg(dir.path()).args(args).output().unwrap();
    git(&["add", "a.txt"]);
    git(&["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "c"]);
    let refs_before = git(&["show-ref"]).stdout;
    let index_before = std::fs::read(dir.path().join(".git/index")).unwrap();
    let repo = Repository::open(dir.path()).unwrap();
    let base = resolve_tree(&repo, "HEAD").unwrap();
    let r = run(&repo, base, "--- a/a.txt\n+++ b/a.txt\n@@ -1 +1 @@\n-one\n+two\n");
    let t = r.tree_id().unwrap();
    assert_eq!(blob_at(&repo, t, "a.txt").unwrap().0, b"two\n");
    assert_eq!(git(&["show-ref"]).stdout, refs_before);
    assert_eq!(std::fs::read(dir.path().join(".git/index")).unwrap(), index_before);
    assert_eq!(std::fs::read_to_string(dir.path().join("a.txt")).unwrap(), "one\n");
}

#[test]
fn bad_input_is_an_error_and_writes_nothing() {
    let (d, repo, tree) = repo_with(&[("a", b"x\n", false)]);
    let before = object_count(d.path());
    for bad in [
        &b""[..],
        b"\0\x01\x02\x03binary\xff\xfe",
        b"--- a/../x\n+++ b/../x\n@@ -1 +1 @@\n-x\n+y\n",
        b"--- a/.git/config\n+++ b/.git/config\n@@ -1 +1 @@\n-x\n+y\n",
    ] {
        let e = apply(&repo, tree, bad, &ApplyOptions::default()).unwrap_err();
        let _ = patchdesk_error::Coded::code(&e);
    }
    let big = "--- a/a\n+++ b/a\n@@ -1 +1 @@\n-x\n+y\n";
    let e = apply(&repo, tree, big.as_bytes(), &ApplyOptions { max_patch_bytes: 8, ..ApplyOptions::default() })
        .unwrap_err();
    assert_eq!(patchdesk_error::Coded::code(&e), patchdesk_error::Code::InputTooLarge);
    assert_eq!(object_count(d.path()), before);
}

// ---------- hostile inputs (issue 10) ----------

fn link_patch(path: &str, target: &str) -> String {
    format!("diff --git a/{path} b/{path}\nnew file mode 120000\n--- /dev/null\n+++ b/{path}\n@@ -0,0 +1 @@\n+{target}\n\\ No newline at end of file\n")
}

#[test]
fn links_follow_the_projects_setting() {
    let (_d, repo, tree) = repo_with(&[("docs/a.md", b"a\n", false)]);
    let allow = ApplyOptions { links: Links::Allow, ..ApplyOptions::default() };
    let r = run(&repo, tree, &link_patch("docs/x", "a.md"));
    assert_eq!(r.outcome, Outcome::Refused);
    assert_eq!(
        r.problems[0].message,
        "The patch makes `docs/x` a link to `a.md`; Patchdesk does not take links from pods unless the project allows them."
    );
    let r = apply(&repo, tree, link_patch("docs/x", "a.md").as_bytes(), &allow).unwrap();
    assert_eq!(r.outcome, Outcome::Clean, "{r:?}");
    assert_eq!(r.risks, vec![patchdesk_patch::RiskyPath::new("docs/x", patchdesk_patch::Risk::Link)]);
    assert_eq!(blob_at(&repo, r.tree_id().unwrap(), "docs/x").unwrap(), (b"a.md".to_vec(), 0o120000));
    for target in ["../../etc", "/etc", "../.git/hooks", ".git", "sub/../../../x", "\\\\server\\share", ""] {
        let r = apply(&repo, tree, link_patch("docs/x", target).as_bytes(), &allow).unwrap();
        assert_eq!(r.outcome, Outcome::Refused, "{target:?}");
        assert!(r.problems[0].message.contains("points outside the project"), "{target:?}: {:?}", r.problems);
    }
    // Moving a link changes where it leads: checked again at its new place.
    let b = repo.blob(b"../a.md").unwrap();
    let mut tb = repo.treebuilder(None).unwrap();
    let docs = repo.find_tree(tree).unwrap().get_path(Path::new("docs")).unwrap().id();
    let mut sub = repo.treebuilder(Some(&repo.find_tree(docs).unwrap())).unwrap();
    sub.insert("up", b, 0o120000).unwrap();
    tb.insert("docs", sub.write().unwrap(), 0o040000).unwrap();
    let with_link = tb.write().unwrap();
    let mv = "diff --git a/docs/up b/up\nsimilarity index 100%\nrename from docs/up\nrename to up\n";
    let r = apply(&repo, with_link, mv.as_bytes(), &allow).unwrap();
    assert_eq!(r.outcome, Outcome::Refused, "{r:?}");
    let r = run(&repo, with_link, mv);
    assert_eq!(r.outcome, Outcome::Refused, "{r:?}");
    // Deleting a link is always fine.
    let rm = "diff --git a/docs/up b/docs/up\ndeleted file mode 120000\n--- a/docs/up\n+++ /dev/null\n@@ -1 +0,0 @@\n-../a.md\n\\ No newline at end of file\n";
    assert_eq!(run(&repo, with_link, rm).outcome, Outcome::Clean);
}

#[test]
fn new_content_is_limited_by_its_total() {
    let big: Vec<u8> = (0..200_000).flat_map(|i| format!("line {i}\n").into_bytes()).collect();
    let (_d, repo, tree) = repo_with(&[("big.txt", &big, false)]);
    // Forty copies, each edited: forty new files of ~1.4 MB.
    let mut patch = String::new();
    for i in 0..40 {
        patch.push_str(&format!(
            "diff --git a/big.txt b/c{i}.txt\nsimilarity index 99%\ncopy from big.txt\ncopy to c{i}.txt\n--- a/big.txt\n+++ b/c{i}.txt\n@@ -1,2 +1,2 @@\n-line 0\n+LINE 0\n line 1\n"
        ));
    }
    let small = ApplyOptions { max_output_bytes: 16 << 20, ..ApplyOptions::default() };
    let r = apply(&repo, tree, patch.as_bytes(), &small).unwrap();
    assert_eq!(r.outcome, Outcome::Refused);
    assert!(
        r.problems[0].message.starts_with("The patch's changed files add up to more than 16 MB (stopped at c"),
        "{:?}",
        r.problems
    );
    assert!(run(&repo, tree, &patch).tree.is_some());
    // Plain copies keep the stored file: nothing is read or counted.
    let plain: String = (0..400)
        .map(|i| {
            format!("diff --git a/big.txt b/p{i}.txt\nsimilarity index 100%\ncopy from big.txt\ncopy to p{i}.txt\n")
        })
        .collect();
    let tiny = ApplyOptions { max_output_bytes: 1, max_read_bytes: 1, ..ApplyOptions::default() };
    let r = apply(&repo, tree, plain.as_bytes(), &tiny).unwrap();
    assert_eq!(r.outcome, Outcome::Clean, "{:?}", r.problems);
    assert_eq!(blob_at(&repo, r.tree_id().unwrap(), "p399.txt").unwrap().0, big);
}

#[test]
fn reading_one_large_file_many_times_is_limited() {
    let big: Vec<u8> = (0..100_000).flat_map(|i| format!("line {i}\n").into_bytes()).collect();
    let (_d, repo, tree) = repo_with(&[("big.txt", &big, false)]);
    // Sections that each read the whole file and do not fit.
    let patch: String = (0..100).map(|_| "--- a/big.txt\n+++ b/big.txt\n@@ -1 +1 @@\n-nope\n+x\n").collect();
    let opts = ApplyOptions { max_read_bytes: 10 * big.len(), three_way: false, ..ApplyOptions::default() };
    let r = apply(&repo, tree, patch.as_bytes(), &opts).unwrap();
    assert_eq!(r.outcome, Outcome::Refused);
    assert!(
        r.problems.iter().any(|p| p.message.starts_with("The patch names large files so many times")),
        "{:?}",
        r.problems.last()
    );
}

#[test]
fn case_twins_are_refused_and_case_neighbours_flagged() {
    let (_d, repo, tree) = repo_with(&[("src/Main.rs", b"m\n", false), ("README.md", b"r\n", false)]);
    let add = |p: &str| format!("--- /dev/null\n+++ b/{p}\n@@ -0,0 +1 @@\n+x\n");
    let r = run(&repo, tree, &format!("{}{}", add("notes/A.txt"), add("notes/a.txt")));
    assert_eq!(r.outcome, Outcome::Refused);
    assert!(r.problems[0].message.contains("`notes/A.txt` and `notes/a.txt`"), "{:?}", r.problems);
    let r = run(&repo, tree, &add("SRC/x.rs"));
    assert_eq!(r.outcome, Outcome::Clean);
    assert_eq!(
        r.risks.iter().map(|x| (x.path.as_str(), x.risk)).collect::<Vec<_>>(),
        [("SRC/x.rs", patchdesk_patch::Risk::CaseCollision)]
    );
    let r = run(&repo, tree, &add("src/main.rs"));
    assert_eq!(r.risks.len(), 1, "{r:?}");
    let r = run(&repo, tree, &add("src/other.rs"));
    assert!(r.risks.is_empty(), "{r:?}");
}

/// Hunks applied through the gap buffer give what applying them one by one gives, including
/// hunks placed above the previous one and damaged (unique-placement) patches.
#[test]
fn many_hunks_apply_exactly() {
    let body: String = (1..=3000).map(|i| format!("l{}\n", i % 700)).collect();
    let (_d, repo, tree) = repo_with(&[("f.txt", body.as_bytes(), false)]);
    let lines: Vec<&str> = body.lines().collect();
    let mut patch = String::from("--- a/f.txt\n+++ b/f.txt\n");
    let mut want: Vec<String> = lines.iter().map(|s| s.to_string()).collect();
    for (delta, k) in (0..2900).step_by(10).enumerate() {
        let a = k + 1;
        patch.push_str(&format!(
            "@@ -{a},3 +{},4 @@\n {}\n-{}\n+X{k}\n+Y{k}\n {}\n",
            a + delta,
            lines[k],
            lines[k + 1],
            lines[k + 2]
        ));
    }
    for k in (0..2900).step_by(10).rev() {
        want.splice(k + 1..k + 2, [format!("X{k}"), format!("Y{k}")]);
    }
    let r = run(&repo, tree, &patch);
    assert_eq!(r.outcome, Outcome::Clean, "{:?}", r.problems);
    let got = blob_at(&repo, r.tree_id().unwrap(), "f.txt").unwrap().0;
    assert_eq!(String::from_utf8(got).unwrap(), want.iter().map(|l| format!("{l}\n")).collect::<String>());
    // The same with bare headers: lines repeat every 700, so most hunks are ambiguous.
    let bare = patch
        .lines()
        .map(|l| if l.starts_with("@@") { "@@".to_string() } else { l.to_string() })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n";
    let r = run(&repo, tree, &bare);
    assert_eq!(r.outcome, Outcome::Refused);
    assert!(r.problems[0].message.contains("could go in"), "{:?}", r.problems);
}
