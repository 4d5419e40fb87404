//! Reviewing the demo's inbox: what the review screen gets for a clean patch, a chat-damaged
//! patch and a ZIP bundle, file by file, with nothing in the working folder changed.

use patchdesk_apply::{FileStatus, Outcome};
use patchdesk_project::review::{DiffLineKind, FileAsk};
use patchdesk_project::{demo, Project};

fn demo_project() -> (tempfile::TempDir, Project) {
    let dir = tempfile::tempdir().unwrap();
    let d = demo::ensure(&dir.path().join("demo")).unwrap();
    let p = Project::open(&d.project).unwrap();
    p.seed_demo_inbox(&d).unwrap();
    (dir, p)
}

fn item_named(p: &Project, file: &str) -> String {
    p.queue().unwrap().list().unwrap().into_iter().find(|i| i.file_name == file).unwrap().name
}

#[test]
fn clean_patch_review_lists_the_file_and_its_lines() {
    let (_dir, p) = demo_project();
    let name = item_named(&p, demo::CLEAN_PATCH);
    let r = p.review(&name).unwrap();
    assert_eq!(r.outcome, Outcome::Clean);
    assert!(r.repairs.is_empty() && r.problems.is_empty());
    assert_eq!(r.files.len(), 1);
    let f = &r.files[0];
    assert_eq!((f.path.as_str(), f.status), ("src/rtp/guidance.py", FileStatus::Modified));
    assert!(f.added > 10 && f.removed >= 2, "{f:?}");
    assert_eq!((r.added, r.removed), (f.added, f.removed));
    assert_eq!(r.base_commit, p.repo().head().unwrap().target().unwrap().to_string());

    let diff = p.review_file(&name, "src/rtp/guidance.py", FileAsk::first(3, u32::MAX)).unwrap();
    let added: Vec<_> = diff.hunks.iter().flat_map(|h| &h.lines).filter(|l| l.kind == DiffLineKind::Added).collect();
    assert_eq!(added.len() as u32, f.added);
    assert!(added.iter().any(|l| l.text.contains("Symptoms are back: return to stage")));
    assert!(added.iter().all(|l| l.new.is_some() && l.old.is_none()));
    assert!(
        p.review_file(&name, "README.md", FileAsk::first(3, u32::MAX)).is_err(),
        "a file outside the change is an error"
    );

    // more context: the whole file, every line numbered on both sides where it exists
    let whole = p.review_file(&name, "src/rtp/guidance.py", FileAsk::first(100_000, u32::MAX)).unwrap();
    assert_eq!(whole.hunks.len(), 1);
    let context = whole.hunks[0].lines.iter().filter(|l| l.kind == DiffLineKind::Context).count();
    let context3 = diff.hunks.iter().flat_map(|h| &h.lines).filter(|l| l.kind == DiffLineKind::Context).count();
    assert!(context > context3, "{context} vs {context3}");
    assert!(whole.hunks[0].lines.iter().any(|l| l.text.contains("from .stages import STAGES")));
}

#[test]
fn chat_patch_review_shows_its_repairs() {
    let (_dir, p) = demo_project();
    let name = item_named(&p, demo::CHAT_PATCH);
    let r = p.review(&name).unwrap();
    assert_eq!(r.outcome, Outcome::Repaired);
    assert!(!r.repairs.is_empty());
    for repair in &r.repairs {
        assert!(repair.message.len() > 15, "a repair is a sentence: {repair:?}");
    }
    assert_eq!(r.files.iter().map(|f| f.path.as_str()).collect::<Vec<_>>(), ["tests/test_stages.py"]);
    let diff = p.review_file(&name, "tests/test_stages.py", FileAsk::first(3, u32::MAX)).unwrap();
    assert!(diff.hunks.iter().flat_map(|h| &h.lines).any(|l| l.text.contains("def test_unknown_stage")));
}

/// `git status --porcelain` of `workdir`, as git prints it.
fn git_status(workdir: &std::path::Path) -> Vec<u8> {
    std::process::Command::new("git").arg("-C").arg(workdir).args(["status", "--porcelain"]).output().unwrap().stdout
}

#[test]
fn zip_bundle_review_has_the_full_file_and_the_pod_s_reasoning() {
    let (_dir, p) = demo_project();
    let status_before = git_status(p.workdir());
    let name = item_named(&p, demo::ZIP_BUNDLE);
    let r = p.review(&name).unwrap();
    assert_eq!(r.outcome, Outcome::Clean);
    assert_eq!(r.files.len(), 1);
    assert_eq!((r.files[0].path.as_str(), r.files[0].status), ("docs/rtp_guidance.md", FileStatus::Added));
    let titles: Vec<_> = r.logs.iter().map(|l| l.title.as_str()).collect();
    assert!(titles.contains(&"Reasoning"), "{titles:?}");
    assert!(titles.contains(&"Prompt used"), "{titles:?}");
    let reasoning = r.logs.iter().find(|l| l.title == "Reasoning").unwrap();
    assert_eq!(reasoning.format, "markdown");
    assert!(reasoning.text.contains("Coaches read this on a phone"));
    // junk from the Mac zipper is not a file of the change
    assert!(r.files.iter().all(|f| !f.path.contains("__MACOSX")));
    let after = git_status(p.workdir());
    assert_eq!(status_before, after, "review never touches the working folder");
    assert!(!p.workdir().join("docs/rtp_guidance.md").exists());
}

/// A 12,000-line new file and a change of spaces only, dropped as one patch.
fn long_item(p: &Project) -> String {
    let mut patch = String::from("diff --git a/gen/table.txt b/gen/table.txt\nnew file mode 100644\n--- /dev/null\n+++ b/gen/table.txt\n@@ -0,0 +1,12000 @@\n");
    for i in 1..=12_000 {
        patch.push_str(&format!("+row {i}\n"));
    }
    let head = p.repo().head().unwrap().peel_to_tree().unwrap();
    let blob = head.get_path(std::path::Path::new("src/rtp/guidance.py")).unwrap().to_object(p.repo()).unwrap();
    let old = String::from_utf8(blob.as_blob().unwrap().content().to_vec()).unwrap();
    let lines: Vec<&str> = old.lines().take(3).collect();
    assert!(lines[0].contains(' '), "{old}");
    patch.push_str(&format!(
        "diff --git a/src/rtp/guidance.py b/src/rtp/guidance.py\n--- a/src/rtp/guidance.py\n+++ b/src/rtp/guidance.py\n@@ -1,3 +1,3 @@\n-{}\n+{}  \n {}\n {}\n",
        lines[0],
        lines[0].replace(' ', "  "),
        lines[1],
        lines[2]
    ));
    let report = p.queue().unwrap().import(&[("patch_20261130_120000_LONG1.diff".into(), patch.into_bytes())]);
    assert!(report.refused.is_empty(), "{:?}", report.refused);
    report.imported[0].name.clone()
}

#[test]
fn a_long_file_is_sent_in_windows_with_every_hunks_place() {
    let (_dir, p) = demo_project();
    let name = long_item(&p);
    let r = p.review(&name).unwrap();
    assert_eq!(r.outcome, Outcome::Clean, "{:?}", r.problems);

    // The first window: 1,000 lines, and the file's size in lines.
    let first = p.review_file(&name, "gen/table.txt", FileAsk::first(3, 1_000)).unwrap();
    assert_eq!((first.lines_total, first.from, first.hunks.len()), (12_000, 0, 1));
    let h = &first.hunks[0];
    assert_eq!((h.first_line, h.line_count, h.lines.len()), (0, 12_000, 1_000));
    assert_eq!((h.lines[0].text.as_str(), h.lines[999].text.as_str()), ("row 1", "row 1000"));

    // Any later window holds exactly its lines, numbered as in the file.
    let later = p.review_file(&name, "gen/table.txt", FileAsk { from: 11_500, ..FileAsk::first(3, 1_000) }).unwrap();
    let lines = &later.hunks[0].lines;
    assert_eq!((later.from, lines.len()), (11_500, 500), "only what is left");
    assert_eq!((lines[0].text.as_str(), lines[0].new), ("row 11501", Some(11_501)));
    assert_eq!(lines.last().unwrap().text, "row 12000");

    // Past the end: the hunks' places and no lines.
    let past = p.review_file(&name, "gen/table.txt", FileAsk { from: 50_000, ..FileAsk::first(3, 1_000) }).unwrap();
    assert_eq!((past.lines_total, past.hunks[0].lines.len()), (12_000, 0));
}

#[test]
fn a_change_of_spaces_only_can_be_left_out() {
    let (_dir, p) = demo_project();
    let name = long_item(&p);
    p.review(&name).unwrap();
    let shown = p.review_file(&name, "src/rtp/guidance.py", FileAsk::first(3, 1_000)).unwrap();
    let changed = shown.hunks.iter().flat_map(|h| &h.lines).filter(|l| l.kind != DiffLineKind::Context).count();
    assert_eq!(changed, 2, "one line out, one in");
    let ignored = FileAsk { ignore_space: true, ..FileAsk::first(3, 1_000) };
    let hidden = p.review_file(&name, "src/rtp/guidance.py", ignored).unwrap();
    assert!(hidden.hunks.iter().flat_map(|h| &h.lines).all(|l| l.kind == DiffLineKind::Context), "{hidden:?}");
    assert_eq!(hidden.lines_total, hidden.hunks.iter().map(|h| h.line_count).sum::<u32>());
}

/// The inbox's check and the review of the same item on the same version apply it once: the
/// second finds the first's result, with the same answer a fresh look gives.
#[test]
fn a_review_after_the_check_does_not_apply_the_item_again() {
    let (_dir, p) = demo_project();
    p.check_items().unwrap(); // the demo's own items
    let name = long_item(&p);
    let before = p.applies_made();
    let check = p.check_items().unwrap().into_iter().find(|c| c.name == name).unwrap();
    assert_eq!((check.outcome, check.files), (Outcome::Clean, 2));
    assert_eq!(p.applies_made(), before + 1);
    let r = p.review(&name).unwrap();
    assert_eq!((r.outcome, r.files.len()), (Outcome::Clean, 2));
    assert_eq!(p.applies_made(), before + 1, "the review found the check's result");
    // A project opened afresh applies it once, to the same result.
    let fresh = Project::open(p.workdir()).unwrap();
    assert_eq!(fresh.review(&name).unwrap().tree, r.tree, "the same answer as a fresh look");
    assert_eq!(fresh.applies_made(), 1);
}
