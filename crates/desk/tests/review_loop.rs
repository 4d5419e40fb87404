//! Closing the review loop on the demo's practice remote, through the desk: the practice
//! reviewer asks for changes on a line, the lead sends the comments back to the pod (the
//! revision prompt), the reviewer approves, the lead merges; reruns change nothing.

use patchdesk_desk::practice::PracticeVerdict;
use patchdesk_desk::send::SendChoices;
use patchdesk_desk::settings::Overrides;
use patchdesk_desk::{
    inbox, open_demo, practice, review, send, Desk, DiffLineKind, FileAsk, Remote, ReviewChange, ReviewState, Standing,
    Status,
};
use std::path::Path;
use time::macros::datetime;

mod demo;
use demo::{sent_f22, Sent};

fn head(repo: &Path) -> git2::Oid {
    git2::Repository::open(repo).unwrap().refname_to_id("HEAD").unwrap()
}

#[test]
fn changes_asked_then_sent_back_then_approved_and_merged() {
    let tmp = tempfile::tempdir().unwrap();
    let desk = Desk::new(tmp.path().join("data"), Overrides::default());
    let (_demo, project) = open_demo(&tmp.path().join("demo")).unwrap();
    let workdir = project.workdir().to_path_buf();
    let items = inbox::items(&project).unwrap();
    let item = items.iter().find(|i| i.task_id.as_deref() == Some("F2.2")).unwrap().name.clone();
    let remote = Remote::origin(&workdir).unwrap();
    let out = send::send_for_review(&desk, &workdir, &item, &remote, SendChoices::default(), &|_| {}).unwrap();
    let n = out.pr_number;

    // Nothing said yet: nothing to send back.
    let r = review::review_of_task(&desk, &workdir, "F2.2").unwrap();
    assert_eq!((r.state, r.summary.standing, r.summary.comments), (ReviewState::Open, Standing::Waiting, 0));
    assert!(review::send_back_to_pod(&desk, &workdir, "F2.2", datetime!(2026-11-30 15:00 UTC)).is_err());

    // The practice reviewer asks for changes with a comment on a line, and another on the whole.
    let ask = PracticeVerdict::AskForChanges {
        text: "Name the stage you fall back to.".into(),
        file: Some("docs/fallback.md".into()),
        line: Some(4),
    };
    practice::review(&desk, &remote.url, n, &ask).unwrap();
    let whole = PracticeVerdict::AskForChanges { text: "Also add a test.".into(), file: None, line: None };
    practice::review(&desk, &remote.url, n, &whole).unwrap();
    let r = review::review_of_task(&desk, &workdir, "F2.2").unwrap();
    assert_eq!((r.summary.standing, r.summary.comments), (Standing::ChangesAsked, 2), "{r:?}");
    assert_eq!(r.summary.asked_by, vec!["practice reviewer".to_string()]);

    // Merging is refused while changes are asked; nothing is committed.
    let before = head(&workdir);
    let e = review::merge_task(&desk, &workdir, "F2.2", None, datetime!(2026-11-30 15:01 UTC)).unwrap_err();
    assert!(e.message.contains("asked for changes"), "{}", e.message);
    assert_eq!(head(&workdir), before);

    // Send back to the pod: the prompt quotes every comment with its file and line; one commit.
    let sent = review::send_back_to_pod(&desk, &workdir, "F2.2", datetime!(2026-11-30 15:02 UTC)).unwrap();
    assert!(sent.new && sent.revision == 2, "{sent:?}");
    for words in ["Name the stage you fall back to.", "docs/fallback.md, line 4", "Also add a test.", "revision 2"] {
        assert!(sent.prompt.contains(words), "{words:?} missing from:\n{}", sent.prompt);
    }
    assert!(sent.prompt_path.ends_with("F2.2_revision_2.txt"), "{}", sent.prompt_path);
    assert_eq!(std::fs::read_to_string(workdir.join(&sent.prompt_path)).unwrap(), sent.prompt);
    let feedback = std::fs::read_to_string(workdir.join(&sent.feedback_file)).unwrap();
    assert!(feedback.contains("2026-11-30") && feedback.contains("docs/fallback.md, line 4"), "{feedback}");
    let trace = std::fs::read_to_string(workdir.join(".logs/trace_log.md")).unwrap();
    assert!(trace.contains("Sent back to"), "{trace}");
    let repo = git2::Repository::open(&workdir).unwrap();
    let commit = repo.head().unwrap().peel_to_commit().unwrap();
    assert_eq!(commit.parent_id(0).unwrap(), before, "one commit");
    assert_eq!(Some(commit.id().to_string()), sent.commit);
    assert!(repo.statuses(None).unwrap().iter().all(|s| s.status().is_ignored() || s.status().is_wt_new()));

    // A rerun with no new comments writes nothing.
    let again = review::send_back_to_pod(&desk, &workdir, "F2.2", datetime!(2026-11-30 15:03 UTC)).unwrap();
    assert!(!again.new && again.commit.is_none() && again.prompt == sent.prompt);
    assert_eq!(head(&workdir), commit.id());

    // Approved: merge. The task is done, one commit, the board sent.
    practice::review(&desk, &remote.url, n, &PracticeVerdict::Approve).unwrap();
    let merged = review::merge_task(&desk, &workdir, "F2.2", None, datetime!(2026-11-30 15:04 UTC)).unwrap();
    assert!(merged.merge_commit.is_some());
    let followed = merged.report.reviews.iter().find(|r| r.review.number == n).unwrap();
    assert_eq!(followed.change, ReviewChange::Merged, "{followed:?}");
    assert!(merged.report.commit.is_some());
    let tasks = patchdesk_desk::board::tasks(&workdir);
    let row = tasks.tasks.iter().find(|t| t.id == "F2.2").unwrap();
    assert_eq!(row.status, "done", "{row:?}");
    assert!(merged.board.is_some(), "{:?}", merged.board_error);

    // A rerun changes nothing.
    let after = head(&workdir);
    let again = review::merge_task(&desk, &workdir, "F2.2", None, datetime!(2026-11-30 15:05 UTC)).unwrap();
    assert!(again.merge_commit.is_none() && again.report.commit.is_none());
    assert_eq!(head(&workdir), after);
}

#[test]
fn withdraw_closes_deletes_only_patchdesks_branch_and_sends_the_task_back_once() {
    let tmp = tempfile::tempdir().unwrap();
    let Sent { desk, project, workdir, item, remote, out, bare, .. } = sent_f22(tmp.path());
    let branch = format!("refs/heads/{}", out.branch);

    assert!(review::withdraw(&desk, &workdir, "F2.2", "  ", datetime!(2026-11-30 15:00 UTC)).is_err());
    let before = head(&workdir);
    let w =
        review::withdraw(&desk, &workdir, "F2.2", "The guide changed; wait for v2.", datetime!(2026-11-30 15:01 UTC))
            .unwrap();
    assert!(w.branch_deleted);
    assert!(bare.find_reference(&branch).is_err(), "Patchdesk's own branch is deleted");
    let repo = git2::Repository::open(&workdir).unwrap();
    let commit = repo.head().unwrap().peel_to_commit().unwrap();
    assert_eq!(commit.parent_id(0).unwrap(), before, "one commit");
    assert!(commit.message().unwrap().contains("The guide changed"), "{:?}", commit.message());
    let tasks = patchdesk_desk::board::tasks(&workdir);
    assert_eq!(tasks.tasks.iter().find(|t| t.id == "F2.2").unwrap().status, "in_progress");
    let feedback = std::fs::read_to_string(workdir.join(".logs/feedback/F2.2.md")).unwrap();
    assert!(feedback.contains("Why the lead withdrew it: The guide changed; wait for v2."), "{feedback}");

    let back = inbox::items(&project).unwrap().into_iter().find(|i| i.name == item).unwrap();
    assert_eq!(back.status, Status::Queued, "the item is back in the inbox");

    // A rerun changes nothing.
    let again = review::withdraw(&desk, &workdir, "F2.2", "again", datetime!(2026-11-30 15:02 UTC)).unwrap();
    assert!(!again.branch_deleted && again.report.commit.is_none());
    assert_eq!(head(&workdir), commit.id());
    let back = inbox::items(&project).unwrap().into_iter().find(|i| i.name == item).unwrap();
    assert_eq!(back.status, Status::Queued);

    // Back in the inbox means it can be sent again: a new request, not the withdrawn one.
    let again = send::send_for_review(&desk, &workdir, &item, &remote, SendChoices::default(), &|_| {}).unwrap();
    assert!(again.pr_number != out.pr_number && !again.updated, "{again:?}");
    assert!(bare.find_reference(&branch).is_ok(), "its branch is sent again");
}

/// The pod's revision of F2.2, as a chat answer: made against the request's branch (the first
/// version changed this very line), so it does not apply to the project's own main.
const REVISION: &str = r#"Here is the revision: the symptom message now says to tell the coach.

```diff
--- a/src/rtp/guidance.py
+++ b/src/rtp/guidance.py
@@ -20,5 +20,5 @@ def guidance_for(number, symptoms=False):
     if number < 1 or number > len(STAGES):
         raise ValueError(f"there is no stage {number}")
     if symptoms and number > 1:
-        return f"Symptoms are back: return to stage {number - 1} and rest for 24 hours."
+        return f"Symptoms are back: return to stage {number - 1}, rest for 24 hours and tell your coach."
     return f"Stage {number}: {STAGES[number - 1]}. {ADVICE[number]}"
```
"#;

#[test]
fn a_revision_is_reviewed_on_the_requests_branch_and_withdraw_then_deletes_the_branch() {
    let tmp = tempfile::tempdir().unwrap();
    let Sent { desk, project, workdir, item: first, remote, out, bare, main_before: main_then, .. } =
        sent_f22(tmp.path());
    let n = out.pr_number;
    let branch = format!("refs/heads/{}", out.branch);
    let first_head = bare.refname_to_id(&branch).unwrap();

    // The revision, pasted: against the project's main it does not apply...
    let pasted =
        inbox::paste_answer(&project, REVISION.as_bytes(), Some("F2.2"), datetime!(2026-11-30 15:00 UTC)).unwrap().name;
    assert!(!inbox::check(&project, &pasted).unwrap().fits());
    // ...its inbox badge is checked on the branch as Patchdesk sent it (no network)...
    let badge = inbox::check_items(&project).unwrap().into_iter().find(|c| c.name == pasted).unwrap();
    assert_eq!((badge.outcome, badge.problem_files, badge.files), (patchdesk_desk::apply::Outcome::Repaired, 0, 1));
    // ...its review, as Send for review will use it, is on the request's branch: one line.
    let r = inbox::review_as_sent(&desk, &project, &pasted).unwrap();
    // (the chat answer's code fence and words around it are the only repairs)
    assert_eq!(r.outcome, patchdesk_desk::apply::Outcome::Repaired, "{:?}", r.problems);
    assert!(r.problems.is_empty() && r.repairs.iter().all(|x| x.path.is_none()), "{:?}", r.repairs);
    assert_eq!(r.base_commit, first_head.to_string());
    let files: Vec<_> = r.files.iter().map(|f| (f.path.as_str(), f.added, f.removed)).collect();
    assert_eq!(files, vec![("src/rtp/guidance.py", 1, 1)]);
    let revision = r.revision.clone().unwrap();
    assert_eq!((revision.number, revision.revision, format!("refs/heads/{}", revision.branch)), (n, 2, branch.clone()));
    let diff = inbox::review_file(&project, &pasted, "src/rtp/guidance.py", FileAsk::first(3, 5_000)).unwrap();
    let added: Vec<_> = diff.hunks.iter().flat_map(|h| &h.lines).filter(|l| l.kind == DiffLineKind::Added).collect();
    assert_eq!(added.len(), 1);
    assert!(added[0].text.contains("tell your coach"), "{added:?}");
    // ...and the whole change, against the base the request started from.
    let whole = revision.whole.unwrap();
    assert_eq!(whole.base_commit, main_then.to_string());
    assert!(whole.files.len() > 1 && whole.files.iter().any(|f| f.path == "src/rtp/guidance.py"), "{whole:?}");
    let whole_diff = inbox::review_file(
        &project,
        &pasted,
        "src/rtp/guidance.py",
        FileAsk { whole: true, ..FileAsk::first(3, 5_000) },
    )
    .unwrap();
    let whole_added = whole_diff.hunks.iter().flat_map(|h| &h.lines).filter(|l| l.kind == DiffLineKind::Added).count();
    assert!(whole_added > 1, "{whole_diff:?}");

    // Sent: one more commit on the same branch; Patchdesk's record points at it.
    let updated = send::send_for_review(&desk, &workdir, &pasted, &remote, SendChoices::default(), &|_| {}).unwrap();
    assert!(updated.updated && updated.pr_number == n, "{updated:?}");
    let newest = bare.refname_to_id(&branch).unwrap();
    assert_eq!(bare.find_commit(newest).unwrap().parent_id(0).unwrap(), first_head);
    let known = review::task_request(&workdir, "F2.2").unwrap();
    assert_eq!(known.head, Some(newest.to_string()), "the record points at the newest commit Patchdesk pushed");

    // Withdraw: the branch holds only Patchdesk's commits, so it is deleted; the item is back.
    let w = review::withdraw(&desk, &workdir, "F2.2", "Start again from v2.", datetime!(2026-11-30 15:01 UTC)).unwrap();
    assert!(w.branch_deleted, "{w:?}");
    assert!(bare.find_reference(&branch).is_err());
    let back = inbox::items(&project).unwrap().into_iter().find(|i| i.name == first).unwrap();
    assert_eq!(back.status, Status::Queued);
}

#[test]
fn withdraw_keeps_a_branch_someone_else_added_to() {
    let tmp = tempfile::tempdir().unwrap();
    let Sent { desk, workdir, out, bare, .. } = sent_f22(tmp.path());
    // A reviewer pushes a fix to the branch.
    let name = format!("refs/heads/{}", out.branch);
    let parent = bare.find_reference(&name).unwrap().peel_to_commit().unwrap();
    let sig = git2::Signature::now("Reviewer", "reviewer@example.com").unwrap();
    let theirs = bare.commit(Some(&name), &sig, &sig, "A reviewer's fix", &parent.tree().unwrap(), &[&parent]).unwrap();

    let w = review::withdraw(&desk, &workdir, "F2.2", "Not now.", datetime!(2026-11-30 15:01 UTC)).unwrap();
    assert!(!w.branch_deleted);
    assert_eq!(bare.refname_to_id(&name).unwrap(), theirs, "someone else's commit is kept");
}

/// The demo sent for review, then the board's own commit ("sent back to the pod", with its
/// trace-log entry) sent to the practice remote's main, then approved: both the request and
/// main added to `.logs/trace_log.md`.
fn sent_then_board_moved(tmp: &Path) -> (Desk, std::path::PathBuf, Remote, u64, std::path::PathBuf) {
    let Sent { desk, workdir, remote, out, practice_remote, .. } = sent_f22(tmp);
    let n = out.pr_number;
    let ask = PracticeVerdict::AskForChanges { text: "Say why.".into(), file: None, line: None };
    practice::review(&desk, &remote.url, n, &ask).unwrap();
    review::send_back_to_pod(&desk, &workdir, "F2.2", datetime!(2026-11-30 15:02 UTC)).unwrap();
    let sent = patchdesk_desk::board::send_board(&desk, &workdir, &remote).unwrap();
    assert!(format!("{sent:?}").contains("Sent"), "{sent:?}");
    practice::review(&desk, &remote.url, n, &PracticeVerdict::Approve).unwrap();
    (desk, workdir, remote, n, practice_remote)
}

fn file_on(bare: &git2::Repository, branch: &str, path: &str) -> String {
    let tree = bare.find_reference(&format!("refs/heads/{branch}")).unwrap().peel_to_tree().unwrap();
    let blob = tree.get_path(Path::new(path)).unwrap().to_object(bare).unwrap().peel_to_blob().unwrap();
    String::from_utf8_lossy(blob.content()).into_owned()
}

#[test]
fn a_request_whose_logs_main_also_added_to_is_brought_up_to_date_and_merged() {
    let tmp = tempfile::tempdir().unwrap();
    let (desk, workdir, _remote, _n, practice_remote) = sent_then_board_moved(tmp.path());
    let bare = git2::Repository::open_bare(&practice_remote).unwrap();
    let main_log = file_on(&bare, "main", ".logs/trace_log.md");

    let merged = review::merge_task(&desk, &workdir, "F2.2", None, datetime!(2026-11-30 15:04 UTC)).unwrap();
    assert!(merged.merge_commit.is_some());
    let after = file_on(&bare, "main", ".logs/trace_log.md");
    for line in main_log.lines().filter(|l| !l.trim().is_empty()) {
        assert!(after.contains(line), "main's own log line {line:?} is kept:\n{after}");
    }
    assert!(after.len() > main_log.len(), "the request's log entries are joined in:\n{after}");
    let tasks = patchdesk_desk::board::tasks(&workdir);
    assert_eq!(tasks.tasks.iter().find(|t| t.id == "F2.2").unwrap().status, "done");
}

#[test]
fn a_request_that_truly_collides_with_main_is_refused_by_name_and_nothing_is_pushed() {
    let tmp = tempfile::tempdir().unwrap();
    let (desk, workdir, _remote, n, practice_remote) = sent_then_board_moved(tmp.path());
    let bare = git2::Repository::open_bare(&practice_remote).unwrap();
    // Someone changes, on main, the very file the request changes.
    let main = bare.find_reference("refs/heads/main").unwrap().peel_to_commit().unwrap();
    let branch_name = bare
        .references()
        .unwrap()
        .flatten()
        .filter_map(|r| r.name().ok().map(str::to_string))
        .find(|r| r.starts_with("refs/heads/") && r != "refs/heads/main")
        .unwrap();
    let head = bare.find_reference(&branch_name).unwrap().peel_to_commit().unwrap();
    let diff = bare.diff_tree_to_tree(Some(&main.tree().unwrap()), Some(&head.tree().unwrap()), None).unwrap();
    let changed = diff
        .deltas()
        .filter_map(|d| d.new_file().path().map(|p| p.to_string_lossy().into_owned()))
        .find(|p| p.starts_with("src/"))
        .unwrap();
    let mut builder = git2::build::TreeUpdateBuilder::new();
    let blob = bare.blob(b"someone else's version\n").unwrap();
    builder.upsert(&changed, blob, git2::FileMode::Blob);
    let tree = bare.find_tree(builder.create_updated(&bare, &main.tree().unwrap()).unwrap()).unwrap();
    let sig = git2::Signature::now("Teammate", "teammate@example.com").unwrap();
    bare.commit(Some("refs/heads/main"), &sig, &sig, "A teammate's change", &tree, &[&main]).unwrap();
    let tips =
        |b: &git2::Repository| (b.refname_to_id("refs/heads/main").unwrap(), b.refname_to_id(&branch_name).unwrap());
    let before = tips(&bare);

    let e = review::merge_task(&desk, &workdir, "F2.2", None, datetime!(2026-11-30 15:04 UTC)).unwrap_err();
    assert_eq!(e.code, patchdesk_error::Code::MergeConflict);
    assert!(e.message.contains(&changed) && e.message.contains(&format!("#{n}")), "{}", e.message);
    assert_eq!(tips(&bare), before, "nothing pushed, nothing merged");
}
