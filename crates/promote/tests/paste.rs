//! A chat answer pasted into the demo project: recognised, filed under the task the lead picks,
//! reviewed with its repairs named, and sent to the practice remote exactly as reviewed.

use patchdesk_apply::Outcome;
use patchdesk_error::{Code, Coded};
use patchdesk_intake::{DiffFlavor, Kind};
use patchdesk_patch::RepairKind;
use patchdesk_project::review::{DiffLineKind, FileAsk};
use patchdesk_project::{demo, Project};
use patchdesk_promote::{promote, PromoteRequest};
use time::macros::datetime;

/// The pod names the file by its tail and its context lines lost their trailing spaces… and
/// gained some: the file in main has none, the answer has two on one line.
const V4A: &str = "Sure, here is the patch for the guidance wording:\n\n```\n*** Begin Patch\n*** Update File: guidance.py\n@@ def guidance_for(number):\n     if number < 1 or number > len(STAGES):  \n         raise ValueError(f\"there is no stage {number}\")\n-    return f\"Stage {number}: {STAGES[number - 1]}.\"\n+    return f\"Stage {number}: {STAGES[number - 1]}. Rest if symptoms come back.\"\n*** End Patch\n```\n";

fn demo_project() -> (tempfile::TempDir, demo::DemoProject, Project) {
    let dir = tempfile::tempdir().unwrap();
    let d = demo::ensure(&dir.path().join("demo")).unwrap();
    let p = Project::open(&d.project).unwrap();
    (dir, d, p)
}

#[test]
fn a_pasted_openai_patch_is_reviewed_with_its_repairs_and_sent_as_reviewed() {
    let (_dir, d, p) = demo_project();
    let preview = p.recognise_paste(V4A.as_bytes()).unwrap();
    assert_eq!(
        (preview.kind, preview.description.as_str(), preview.task_id.clone()),
        (Kind::Diff { flavor: DiffFlavor::OpenAiPatch }, "OpenAI patch, 1 file", None)
    );

    // No task named, none chosen: the lead is asked; a task not on the board is refused.
    let e = p.paste_answer(V4A.as_bytes(), None, datetime!(2026-11-30 12:00:00 UTC)).unwrap_err();
    assert_eq!(e.code(), Code::TaskNotFound);
    let e = p.paste_answer(V4A.as_bytes(), Some("F9.9"), datetime!(2026-11-30 12:00:00 UTC)).unwrap_err();
    assert_eq!(
        (e.code(), e.to_string().as_str()),
        (Code::TaskNotFound, "There is no task F9.9 on the board; choose the task the answer is for from the list.")
    );
    assert!(p.queue().unwrap().list().unwrap().is_empty());

    let item = p.paste_answer(V4A.as_bytes(), Some("F2.2"), datetime!(2026-11-30 12:00:00 UTC)).unwrap();
    assert_eq!(item.name, "patch_20261130_120000_F2.2.txt");
    assert!(d.project.join(".patches/queue/patch_20261130_120000_F2.2.txt").is_file());

    let r = p.review(&item.name).unwrap();
    assert_eq!(r.outcome, Outcome::Repaired, "{:?}", r.problems);
    assert_eq!(r.files.iter().map(|f| f.path.as_str()).collect::<Vec<_>>(), ["src/rtp/guidance.py"]);
    let kinds: Vec<RepairKind> = r.repairs.iter().map(|x| x.kind).collect();
    assert!(
        kinds.contains(&RepairKind::PathTail) && kinds.contains(&RepairKind::TrailingWhitespace),
        "{:#?}",
        r.repairs
    );
    let tail = r.repairs.iter().find(|x| x.kind == RepairKind::PathTail).unwrap();
    assert_eq!(tail.message, "The pod wrote guidance.py; the project's only file with that name is src/rtp/guidance.py, so the change was applied there.");
    let spaces = r.repairs.iter().find(|x| x.kind == RepairKind::TrailingWhitespace).unwrap();
    assert!(spaces.message.contains("matched once spaces at line ends were ignored"), "{spaces:?}");
    let diff = p.review_file(&item.name, "src/rtp/guidance.py", FileAsk::first(3, u32::MAX)).unwrap();
    let added: Vec<&str> = diff
        .hunks
        .iter()
        .flat_map(|h| &h.lines)
        .filter(|l| l.kind == DiffLineKind::Added)
        .map(|l| l.text.as_str())
        .collect();
    assert_eq!(added.len(), 1);
    assert!(added[0].contains("Rest if symptoms come back."));
    // The file's own lines are kept (no trailing spaces brought in from the answer).
    assert!(diff.hunks.iter().flat_map(|h| &h.lines).all(|l| !l.text.trim_end_matches('\n').ends_with(' ')));

    // The inbox badge agrees.
    let check = p.check_items().unwrap().into_iter().find(|c| c.name == item.name).unwrap();
    assert_eq!((check.outcome, check.repairs as usize, check.files), (Outcome::Repaired, r.repairs.len(), 1));

    // Sent for review to the practice remote: the commit's tree is the reviewed tree.
    let url = d.practice_remote.display().to_string();
    let forge = patchdesk_forge::PracticeRemote::open(&url).unwrap();
    let mut req = PromoteRequest::new(&d.project, &item.name, &url);
    req.author = Some(("Lead".into(), "lead@example.com".into()));
    let out = promote(&req, &forge, &|_| {}).unwrap();
    let bare = git2::Repository::open_bare(&d.practice_remote).unwrap();
    let sent = bare.find_commit(bare.refname_to_id(&format!("refs/heads/{}", out.branch)).unwrap()).unwrap();
    let reviewed = p.repo().find_tree(r.tree.as_deref().unwrap().parse().unwrap()).unwrap();
    let file = std::path::Path::new("src/rtp/guidance.py");
    assert_eq!(sent.tree().unwrap().get_path(file).unwrap().id(), reviewed.get_path(file).unwrap().id());
}

#[test]
fn the_task_the_answer_names_is_used_when_the_board_has_it() {
    let (_dir, _d, p) = demo_project();
    let named = format!("Task: F2.1\n\n{V4A}");
    assert_eq!(p.recognise_paste(named.as_bytes()).unwrap().task_id.as_deref(), Some("F2.1"));
    let item = p.paste_answer(named.as_bytes(), None, datetime!(2026-11-30 12:00:00 UTC)).unwrap();
    assert_eq!(item.task_id.as_deref(), Some("F2.1"));
    // A task the board does not have is not taken from the text: the lead chooses.
    let unknown = format!("Task: Z7.7\n\n{}", V4A.replace("come back", "return"));
    assert_eq!(p.recognise_paste(unknown.as_bytes()).unwrap().task_id, None);
    assert_eq!(
        p.paste_answer(unknown.as_bytes(), None, datetime!(2026-11-30 12:00:00 UTC)).unwrap_err().code(),
        Code::TaskNotFound
    );
}

#[test]
fn every_shape_reviews_and_elided_code_is_refused() {
    let (_dir, _d, p) = demo_project();
    let at = datetime!(2026-11-30 12:00:00 UTC);
    let blocks = "src/rtp/guidance.py\n```python\n<<<<<<< SEARCH\n    return f\"Stage {number}: {STAGES[number - 1]}.\"\n=======\n    return f\"Stage {number} of 6: {STAGES[number - 1]}.\"\n>>>>>>> REPLACE\n```\n";
    let item = p.paste_answer(blocks.as_bytes(), Some("F2.1"), at).unwrap();
    assert_eq!(item.kind, Kind::Diff { flavor: DiffFlavor::EditBlocks });
    assert_eq!(p.review(&item.name).unwrap().outcome, Outcome::Clean);

    let whole = "Here is the complete updated file:\n\n**docs/project_goals.md**\n```markdown\n# Project goals\n\n- One clear next step at every stage.\n```\n";
    let item = p.paste_answer(whole.as_bytes(), Some("F3.1"), at).unwrap();
    assert_eq!(item.kind, Kind::Diff { flavor: DiffFlavor::WholeFiles });
    let r = p.review(&item.name).unwrap();
    assert_eq!((r.outcome, r.files.len()), (Outcome::Repaired, 1), "{:?}", r.problems);

    let elided =
        "**src/rtp/guidance.py**\n```python\nfrom .stages import STAGES\n\n# ... rest of the file unchanged ...\n```\n";
    let item = p.paste_answer(elided.as_bytes(), Some("F4.1"), at).unwrap();
    let r = p.review(&item.name).unwrap();
    assert_eq!(r.outcome, Outcome::Refused);
    assert!(r.problems[0].message.contains("left part of the file out"), "{:?}", r.problems);
}
