//! "Undo merge" on the demo's practice remote, through the desk: a merged request is taken out
//! again by a revert request built in the object store; reruns return the same request; merging
//! it puts the task back in progress (one commit); a change that no longer comes out cleanly is
//! refused with nothing written; a request that is not merged is refused plainly.

use patchdesk_desk::send::SendChoices;
use patchdesk_desk::settings::Overrides;
use patchdesk_desk::{follow, inbox, open_demo, practice, send, undo, Desk, Remote, ReviewChange, ReviewState};
use patchdesk_error::Code;
use std::path::{Path, PathBuf};
use time::macros::datetime;

mod demo;

/// The user's side: every branch and HEAD, and `git status`.
type UserSide = (Vec<(String, String)>, String, Vec<(String, u32)>);

fn user_side(workdir: &Path) -> UserSide {
    let repo = git2::Repository::open(workdir).unwrap();
    let mut refs: Vec<(String, String)> = repo
        .references()
        .unwrap()
        .flatten()
        .filter(|r| r.name().is_ok_and(|n| n.starts_with("refs/heads/")))
        .map(|r| (r.name().unwrap().to_string(), r.target().unwrap().to_string()))
        .collect();
    refs.sort();
    let head = repo.head().unwrap().name().unwrap().to_string();
    let mut opts = git2::StatusOptions::new();
    opts.include_untracked(true);
    let status = repo
        .statuses(Some(&mut opts))
        .unwrap()
        .iter()
        .map(|s| (s.path().unwrap_or_default().to_string(), s.status().bits()))
        .collect();
    (refs, head, status)
}

/// The demo with F2.2 sent for review and merged by the practice reviewer, the board
/// following (task done, one local commit, not sent). Returns the desk, the project, its
/// remote, the merged request's number and the bare remote's folder.
fn merged_f22(tmp: &Path) -> (Desk, PathBuf, Remote, u64, PathBuf) {
    let demo::Sent { desk, workdir, remote, out, practice_remote, .. } = demo::sent_f22(tmp);
    practice::merge(&desk, &remote.url, out.pr_number).unwrap();
    follow::follow_reviews(&desk, &workdir, &remote, datetime!(2026-11-30 16:00 UTC)).unwrap();
    assert_eq!(status_of(&workdir, "F2.2"), "done");
    (desk, workdir, remote, out.pr_number, practice_remote)
}

fn status_of(workdir: &Path, task: &str) -> String {
    patchdesk_desk::board::tasks(workdir).tasks.into_iter().find(|t| t.id == task).unwrap().status
}

fn tip(bare: &git2::Repository, branch: &str) -> git2::Oid {
    bare.refname_to_id(&format!("refs/heads/{branch}")).unwrap()
}

fn requests(bare_dir: &Path) -> usize {
    std::fs::read_dir(bare_dir.join("patchdesk-reviews"))
        .map(|d| d.flatten().filter(|e| e.file_name().to_string_lossy().ends_with(".json")).count())
        .unwrap_or(0)
}

#[test]
fn undo_opens_one_revert_request_that_puts_the_base_back_and_a_rerun_returns_it() {
    let tmp = tempfile::tempdir().unwrap();
    let (desk, workdir, _remote, n, bare_dir) = merged_f22(tmp.path());
    let bare = git2::Repository::open_bare(&bare_dir).unwrap();
    let main_before = tip(&bare, "main");
    let merge = bare.find_commit(main_before).unwrap();
    assert_eq!(merge.parent_count(), 2, "the practice remote merged with a merge commit");
    let user = user_side(&workdir);

    let done = undo::undo_merge(&desk, &workdir, "F2.2", datetime!(2026-11-30 16:05 UTC)).unwrap();
    assert!(done.new, "{done:?}");
    assert_eq!((done.reverts, done.state), (n, ReviewState::Open));
    assert_ne!(done.number, n);
    assert!(done.branch.starts_with("patchdesk/undo/"), "{}", done.branch);
    // One commit on top of main whose tree is main's before the merge.
    let undo_tip = bare.find_commit(tip(&bare, &done.branch)).unwrap();
    assert_eq!(undo_tip.id().to_string(), done.commit);
    assert_eq!(undo_tip.parent_ids().collect::<Vec<_>>(), vec![main_before]);
    // Exactly the merged change taken out: every project file as before the merge; the delivery
    // logs (history) as they are on main.
    let files = |c: &git2::Commit<'_>| {
        let mut out = std::collections::BTreeMap::new();
        c.tree()
            .unwrap()
            .walk(git2::TreeWalkMode::PreOrder, |dir, e| {
                out.insert(format!("{dir}{}", e.name().unwrap()), e.id());
                git2::TreeWalkResult::Ok
            })
            .unwrap();
        out
    };
    let is_log = |p: &String| p.starts_with(".logs") || p.starts_with("metrics");
    let (undone, before, main) = (files(&undo_tip), files(&merge.parent(0).unwrap()), files(&merge));
    let project = |m: &std::collections::BTreeMap<String, git2::Oid>| {
        m.iter().filter(|(p, _)| !is_log(p)).map(|(p, o)| (p.clone(), *o)).collect::<Vec<_>>()
    };
    let logs = |m: &std::collections::BTreeMap<String, git2::Oid>| {
        m.iter().filter(|(p, _)| is_log(p)).map(|(p, o)| (p.clone(), *o)).collect::<Vec<_>>()
    };
    assert_eq!(project(&undone), project(&before), "the project's files as before the merge");
    assert_eq!(logs(&undone), logs(&main), "the delivery logs kept as on main");
    assert_ne!(project(&main), project(&before), "the change did change project files");
    assert!(undo_tip.message().unwrap().starts_with("Undo F2.2: "), "{:?}", undo_tip.message());
    assert!(undo_tip.message().unwrap().contains(&format!("(reverts #{n})")));
    // The request, on the practice remote.
    let rec: serde_json::Value = serde_json::from_slice(
        &std::fs::read(bare_dir.join(format!("patchdesk-reviews/{}.json", done.number))).unwrap(),
    )
    .unwrap();
    assert_eq!(rec["branch"], done.branch.as_str());
    assert_eq!(rec["base"], "main");
    assert!(rec["title"].as_str().unwrap().starts_with("Undo F2.2: "), "{rec}");
    assert!(rec["title"].as_str().unwrap().ends_with(&format!("(reverts #{n})")), "{rec}");
    assert_eq!(tip(&bare, "main"), main_before, "main itself is not touched");
    assert_eq!(user_side(&workdir), user, "the user's branches, HEAD and working tree are untouched");
    assert_eq!(status_of(&workdir, "F2.2"), "done", "done until the undo is merged");

    // A rerun returns the same request and sends nothing.
    let count = requests(&bare_dir);
    let again = undo::undo_merge(&desk, &workdir, "F2.2", datetime!(2026-11-30 16:06 UTC)).unwrap();
    assert!(!again.new);
    assert_eq!((again.number, again.commit.as_str()), (done.number, done.commit.as_str()));
    assert_eq!(requests(&bare_dir), count);
    assert_eq!(tip(&bare, &done.branch), undo_tip.id());
}

#[test]
fn merging_the_undo_puts_the_task_back_in_progress_in_one_commit_once() {
    let tmp = tempfile::tempdir().unwrap();
    let (desk, workdir, remote, n, _bare_dir) = merged_f22(tmp.path());
    let done = undo::undo_merge(&desk, &workdir, "F2.2", datetime!(2026-11-30 16:05 UTC)).unwrap();

    // Open: following the reviews changes nothing for it.
    let before = git2::Repository::open(&workdir).unwrap().head().unwrap().target().unwrap();
    let f = follow::follow_reviews(&desk, &workdir, &remote, datetime!(2026-11-30 16:06 UTC)).unwrap();
    assert!(f.report.commit.is_none(), "{:?}", f.report);
    assert_eq!(status_of(&workdir, "F2.2"), "done");

    practice::merge(&desk, &remote.url, done.number).unwrap();
    let f = follow::follow_reviews(&desk, &workdir, &remote, datetime!(2026-11-30 16:07 UTC)).unwrap();
    let undone = f.report.reviews.iter().find(|r| r.change == ReviewChange::Undone).expect("the undo noticed");
    assert_eq!(undone.review.number, done.number);
    assert!(undone.summary.contains(&format!("Undid #{n}")), "{}", undone.summary);
    assert_eq!(status_of(&workdir, "F2.2"), "in_progress");
    let repo = git2::Repository::open(&workdir).unwrap();
    let commit = repo.head().unwrap().peel_to_commit().unwrap();
    assert_eq!(Some(commit.id().to_string()), f.report.commit);
    assert_eq!(commit.parent_id(0).unwrap(), before, "one commit");
    let trace = std::fs::read_to_string(workdir.join(".logs/trace_log.md")).unwrap();
    assert!(trace.contains(&format!("Undid #{n} with #{}", done.number)), "{trace}");

    // A rerun changes nothing; the undo, asked again, returns the merged undo request.
    let f = follow::follow_reviews(&desk, &workdir, &remote, datetime!(2026-11-30 16:08 UTC)).unwrap();
    assert!(f.report.commit.is_none() && f.report.reviews.iter().all(|r| r.change == ReviewChange::Unchanged));
    assert_eq!(repo.head().unwrap().target().unwrap(), commit.id());
    let again = undo::undo_merge(&desk, &workdir, "F2.2", datetime!(2026-11-30 16:09 UTC)).unwrap();
    assert_eq!((again.number, again.state, again.new), (done.number, ReviewState::Merged, false));
}

#[test]
fn a_later_change_to_the_same_lines_refuses_the_undo_and_nothing_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let (desk, workdir, _remote, n, bare_dir) = merged_f22(tmp.path());
    let bare = git2::Repository::open_bare(&bare_dir).unwrap();
    // Someone changes every line the merged change added, on main.
    let merge = bare.find_commit(tip(&bare, "main")).unwrap();
    let diff = bare
        .diff_tree_to_tree(Some(&merge.parent(0).unwrap().tree().unwrap()), Some(&merge.tree().unwrap()), None)
        .unwrap();
    let path = diff
        .deltas()
        .filter_map(|d| d.new_file().path().map(|p| p.to_string_lossy().into_owned()))
        .find(|p| !p.starts_with(".logs/") && !p.starts_with("metrics/"))
        .expect("the change touches a project file");
    let old = merge.tree().unwrap().get_path(Path::new(&path)).unwrap().to_object(&bare).unwrap();
    let text = String::from_utf8_lossy(old.as_blob().unwrap().content()).into_owned();
    let changed: String = text.lines().map(|l| format!("{l} (edited later)\n")).collect();
    let mut b = git2::build::TreeUpdateBuilder::new();
    b.upsert(&path, bare.blob(changed.as_bytes()).unwrap(), git2::FileMode::Blob);
    let tree = bare.find_tree(b.create_updated(&bare, &merge.tree().unwrap()).unwrap()).unwrap();
    let sig = git2::Signature::now("Teammate", "t@example.com").unwrap();
    let later = bare.commit(Some("refs/heads/main"), &sig, &sig, "Edit it later", &tree, &[&merge]).unwrap();

    let user = user_side(&workdir);
    let branches = bare.branches(None).unwrap().count();
    let count = requests(&bare_dir);
    let e = undo::undo_merge(&desk, &workdir, "F2.2", datetime!(2026-11-30 16:05 UTC)).unwrap_err();
    assert_eq!(e.code, Code::UndoDoesNotApply, "{}", e.message);
    assert!(e.message.contains(&path) && e.message.contains(&format!("#{n}")), "{}", e.message);
    assert!(e.message.contains("Nothing was sent"), "{}", e.message);
    assert!(!e.message.contains("conflict") && !e.message.contains("libgit2"), "{}", e.message);
    assert_eq!(user_side(&workdir), user, "the user's branches, HEAD and working tree are untouched");
    assert_eq!((bare.branches(None).unwrap().count(), requests(&bare_dir)), (branches, count), "nothing sent");
    assert_eq!(tip(&bare, "main"), later);
    assert!(!workdir.join(".patchdesk/undo").exists(), "nothing recorded");
}

#[test]
fn undo_of_a_request_that_is_not_merged_is_refused_plainly() {
    let tmp = tempfile::tempdir().unwrap();
    let desk = Desk::new(tmp.path().join("data"), Overrides::default());
    let (demo, project) = open_demo(&tmp.path().join("demo")).unwrap();
    let workdir = project.workdir().to_path_buf();
    let e = undo::undo_merge(&desk, &workdir, "F2.2", datetime!(2026-11-30 16:00 UTC)).unwrap_err();
    assert_eq!(e.code, Code::NotMerged, "{}", e.message);
    let items = inbox::items(&project).unwrap();
    let item = items.iter().find(|i| i.task_id.as_deref() == Some("F2.2")).unwrap().name.clone();
    let remote = Remote::origin(&workdir).unwrap();
    let out = send::send_for_review(&desk, &workdir, &item, &remote, SendChoices::default(), &|_| {}).unwrap();
    let count = requests(&demo.practice_remote);
    let user = user_side(&workdir);
    let e = undo::undo_merge(&desk, &workdir, "F2.2", datetime!(2026-11-30 16:01 UTC)).unwrap_err();
    assert_eq!(e.code, Code::NotMerged, "{}", e.message);
    assert!(e.message.contains(&format!("#{} for F2.2 is still open", out.pr_number)), "{}", e.message);
    assert!(e.message.contains("Withdraw it instead"), "{}", e.message);
    assert_eq!(requests(&demo.practice_remote), count);
    assert_eq!(user_side(&workdir), user);
}

/// Commits `task.yaml` as `edit` makes it (the lead editing the board).
fn edit_board(workdir: &Path, edit: impl Fn(String) -> String) {
    let path = workdir.join("task.yaml");
    std::fs::write(&path, edit(std::fs::read_to_string(&path).unwrap())).unwrap();
    let repo = git2::Repository::open(workdir).unwrap();
    let mut index = repo.index().unwrap();
    index.add_path(Path::new("task.yaml")).unwrap();
    index.write().unwrap();
    let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
    let parent = repo.head().unwrap().peel_to_commit().unwrap();
    let sig = git2::Signature::now("Lead", "lead@example.com").unwrap();
    repo.commit(Some("HEAD"), &sig, &sig, "Board edited by the lead", &tree, &[&parent]).unwrap();
}

fn task_of(workdir: &Path, id: &str) -> patchdesk_board::Task {
    patchdesk_board::Board::load(workdir).task(id).unwrap().clone()
}

#[test]
fn merging_the_undo_puts_the_tasks_its_merge_made_ready_back_to_waiting_in_the_same_commit() {
    let tmp = tempfile::tempdir().unwrap();
    let demo::Sent { desk, workdir, remote, out, .. } = demo::sent_f22(tmp.path());
    // F3.1 is done, so F2.2's merge makes F4.1 ready; F5.1 (with a `ready:` flag) waits for F2.2
    // alone; F5.2 depends on F2.2 but was started anyway.
    edit_board(&workdir, |text| {
        text.replace("    status: review\n", "    status: done\n")
            + "  F5.1:\n    title: Coach quiz\n    pod_owner: QAPod\n    status: planned\n    ready: false\n    depends_on: [F2.2]\n"
            + "  F5.2:\n    title: Athlete card\n    pod_owner: DevPod\n    status: in_progress\n    depends_on: [F2.2]\n"
    });
    practice::merge(&desk, &remote.url, out.pr_number).unwrap();
    let f = follow::follow_reviews(&desk, &workdir, &remote, datetime!(2026-11-30 16:00 UTC)).unwrap();
    let merged = f.report.reviews.iter().find(|r| r.change == ReviewChange::Merged).unwrap();
    assert_eq!(merged.unlocked, vec!["F4.1".to_string(), "F5.1".to_string()]);
    assert!(task_of(&workdir, "F4.1").ready && task_of(&workdir, "F5.1").ready);

    let done = undo::undo_merge(&desk, &workdir, "F2.2", datetime!(2026-11-30 16:05 UTC)).unwrap();
    practice::merge(&desk, &remote.url, done.number).unwrap();
    let repo = git2::Repository::open(&workdir).unwrap();
    let before = repo.head().unwrap().target().unwrap();
    let f = follow::follow_reviews(&desk, &workdir, &remote, datetime!(2026-11-30 16:07 UTC)).unwrap();
    let undone = f.report.reviews.iter().find(|r| r.change == ReviewChange::Undone).expect("the undo noticed");
    assert!(undone.summary.contains("F4.1") && undone.summary.contains("F5.1"), "{}", undone.summary);
    assert_eq!(status_of(&workdir, "F2.2"), "in_progress");
    for id in ["F4.1", "F5.1"] {
        let t = task_of(&workdir, id);
        assert_eq!(
            (t.status.as_str(), t.ready, t.waiting_on.clone()),
            ("planned", false, vec!["F2.2".to_string()]),
            "{id}"
        );
    }
    let text = std::fs::read_to_string(workdir.join("task.yaml")).unwrap();
    assert!(text.contains("    ready: false\n    depends_on: [F2.2]\n"), "F5.1's flag is back:\n{text}");
    assert_eq!(status_of(&workdir, "F5.2"), "in_progress", "a started task is left alone");
    // All in the undo's one commit.
    let commit = repo.head().unwrap().peel_to_commit().unwrap();
    assert_eq!(Some(commit.id().to_string()), f.report.commit);
    assert_eq!(commit.parent_id(0).unwrap(), before, "one commit");
    assert!(commit.message().unwrap().contains("F4.1"), "{:?}", commit.message());
    let mut opts = git2::StatusOptions::new();
    assert!(repo.statuses(Some(&mut opts)).unwrap().iter().all(|s| s.path().ok() != Some("task.yaml")), "committed");
}

#[test]
fn the_undo_request_is_reviewed_and_merged_from_the_card_like_any_other_request() {
    let tmp = tempfile::tempdir().unwrap();
    let (desk, workdir, remote, n, bare_dir) = merged_f22(tmp.path());
    let bare = git2::Repository::open_bare(&bare_dir).unwrap();
    let before_merge = bare.find_commit(tip(&bare, "main")).unwrap().parent_id(0).unwrap();
    let done = undo::undo_merge(&desk, &workdir, "F2.2", datetime!(2026-11-30 16:05 UTC)).unwrap();

    // The card's request is the undo's while it is open: the practice reviewer and Merge act on it.
    let r = patchdesk_desk::review::review_of_task(&desk, &workdir, "F2.2").unwrap();
    assert_eq!((r.number, r.state, r.branch.as_deref()), (done.number, ReviewState::Open, Some(done.branch.as_str())));
    practice::review(&desk, &remote.url, r.number, &practice::PracticeVerdict::Approve).unwrap();
    let r = patchdesk_desk::review::review_of_task(&desk, &workdir, "F2.2").unwrap();
    assert_eq!(r.summary.standing, patchdesk_desk::Standing::Approved);
    let merged =
        patchdesk_desk::review::merge_task(&desk, &workdir, "F2.2", None, datetime!(2026-11-30 16:06 UTC)).unwrap();
    assert_eq!(merged.number, done.number);
    let undone = merged.report.reviews.iter().find(|r| r.change == ReviewChange::Undone).expect("the undo noticed");
    assert!(undone.summary.contains(&format!("Undid #{n}")), "{}", undone.summary);
    assert_eq!(status_of(&workdir, "F2.2"), "in_progress");
    // main no longer holds F2.2's change (the delivery logs aside, and the board, whose own
    // commits the merge sends to main after it).
    let files = |id: git2::Oid| {
        let mut out = Vec::new();
        bare.find_commit(id)
            .unwrap()
            .tree()
            .unwrap()
            .walk(git2::TreeWalkMode::PreOrder, |dir, e| {
                let p = format!("{dir}{}", e.name().unwrap());
                let history = p.starts_with(".logs") || p.starts_with("metrics") || p == "task.yaml";
                if e.kind() == Some(git2::ObjectType::Blob) && !history {
                    out.push((p, e.id()));
                }
                git2::TreeWalkResult::Ok
            })
            .unwrap();
        out
    };
    assert_eq!(files(tip(&bare, "main")), files(before_merge));
    // Afterwards the card is the merged request's again, and its undo is done.
    let again = undo::undo_merge(&desk, &workdir, "F2.2", datetime!(2026-11-30 16:09 UTC)).unwrap();
    assert_eq!((again.number, again.state, again.new), (done.number, ReviewState::Merged, false));
}

#[test]
fn withdrawing_the_open_undo_request_closes_it_and_the_card_is_the_merged_request_again() {
    let tmp = tempfile::tempdir().unwrap();
    let (desk, workdir, _remote, n, bare_dir) = merged_f22(tmp.path());
    let done = undo::undo_merge(&desk, &workdir, "F2.2", datetime!(2026-11-30 16:05 UTC)).unwrap();
    let head = git2::Repository::open(&workdir).unwrap().head().unwrap().target().unwrap();
    let w = patchdesk_desk::review::withdraw(
        &desk,
        &workdir,
        "F2.2",
        "Not needed after all",
        datetime!(2026-11-30 16:06 UTC),
    )
    .unwrap();
    assert_eq!((w.number, w.branch_deleted), (done.number, true));
    let bare = git2::Repository::open_bare(&bare_dir).unwrap();
    assert!(bare.find_reference(&format!("refs/heads/{}", done.branch)).is_err(), "the undo's branch is gone");
    assert_eq!(status_of(&workdir, "F2.2"), "done", "the task stays done");
    assert_eq!(git2::Repository::open(&workdir).unwrap().head().unwrap().target().unwrap(), head, "nothing recorded");
    let r = patchdesk_desk::review::review_of_task(&desk, &workdir, "F2.2").unwrap();
    assert_eq!((r.number, r.state), (n, ReviewState::Merged));
}
