//! Sending board commits (handoffs) to the remote: pushed to the default branch on the
//! practice remote and on the GitHub stand-in; a pull request when the branch is protected;
//! nothing pushed when the remote went its own way; an offline error when it cannot be reached.

mod common;

use std::path::{Path, PathBuf};

use patchdesk_error::{Code, Coded};
use patchdesk_forge::{ApiBase, GitHub, PracticeRemote, Secret};
use patchdesk_project::demo;
use patchdesk_promote::board::{send_board, BoardSent};

// Obviously fake.
const TOKEN: &str = "fake-board-test-token-81d0e3";

fn now() -> time::OffsetDateTime {
    time::OffsetDateTime::from_unix_timestamp(1_795_000_000).unwrap()
}

fn demo_project() -> (tempfile::TempDir, demo::DemoProject, String) {
    let dir = tempfile::tempdir().unwrap();
    let d = demo::ensure(&dir.path().join("demo")).unwrap();
    let url = d.practice_remote.to_string_lossy().into_owned();
    (dir, d, url)
}

fn head(work: &Path) -> git2::Oid {
    git2::Repository::open(work).unwrap().head().unwrap().target().unwrap()
}

fn remote_branch(git_dir: &Path, branch: &str) -> Option<git2::Oid> {
    git2::Repository::open_bare(git_dir)
        .unwrap()
        .find_reference(&format!("refs/heads/{branch}"))
        .ok()
        .and_then(|r| r.target())
}

/// Someone else adds a commit on `branch` directly in the bare repository.
fn commit_on_remote(git_dir: &Path, branch: &str, path: &str, text: &str) -> git2::Oid {
    let bare = git2::Repository::open_bare(git_dir).unwrap();
    let parent = bare.find_reference(&format!("refs/heads/{branch}")).unwrap().peel_to_commit().unwrap();
    let mut b = git2::build::TreeUpdateBuilder::new();
    b.upsert(path, bare.blob(text.as_bytes()).unwrap(), git2::FileMode::Blob);
    let tree = bare.find_tree(b.create_updated(&bare, &parent.tree().unwrap()).unwrap()).unwrap();
    let sig = git2::Signature::now("Someone Else", "else@example.com").unwrap();
    bare.commit(Some(&format!("refs/heads/{branch}")), &sig, &sig, "A change made elsewhere", &tree, &[&parent])
        .unwrap()
}

#[test]
fn handoffs_are_pushed_to_main_and_a_rerun_is_up_to_date() {
    let (_tmp, d, url) = demo_project();
    let forge = PracticeRemote::open(&url).unwrap();
    let main_before = remote_branch(&d.practice_remote, "main").unwrap();
    let first =
        patchdesk_project::record::hand_off(&d.project, "F2.1", "DeliveryPod", "Tests are written", now()).unwrap();
    let second =
        patchdesk_project::record::hand_off(&d.project, "F2.2", "QAPod", "Guidance is ready for tests", now()).unwrap();
    assert!(first.new && second.new);
    let local = head(&d.project);
    assert_eq!(local.to_string(), second.commit);
    let before = common::snapshot(&d.project);

    let sent = send_board(&d.project, &url, &forge).unwrap();
    assert_eq!(sent, BoardSent::Sent { branch: "main".into(), commits: 2 });
    assert_eq!(sent.describe(), "Sent 2 board changes to main on the remote.");
    // The remote's main is now exactly the project's main, a fast-forward of what it was.
    assert_eq!(remote_branch(&d.practice_remote, "main"), Some(local));
    let bare = git2::Repository::open_bare(&d.practice_remote).unwrap();
    assert!(bare.graph_descendant_of(local, main_before).unwrap());
    let msg = bare.find_commit(local).unwrap().message().unwrap().to_string();
    assert!(msg.starts_with("Hand off F2.2: DevPod → QAPod"), "{msg}");
    // Files, index, HEAD and the user's branches are as they were.
    assert_eq!(common::snapshot(&d.project), before);
    // Only Patchdesk's own refs were written.
    let repo = git2::Repository::open(&d.project).unwrap();
    let own: Vec<String> = repo
        .references()
        .unwrap()
        .flatten()
        .filter_map(|r| r.name().ok().map(str::to_string))
        .filter(|n| n.starts_with("refs/patchdesk/"))
        .collect();
    assert!(!own.is_empty());

    let again = send_board(&d.project, &url, &forge).unwrap();
    assert_eq!(again, BoardSent::UpToDate { branch: "main".into() });
    assert_eq!(remote_branch(&d.practice_remote, "main"), Some(local));
    assert!(forge_reviews(&forge).is_empty(), "pushed directly: no review request");
}

fn forge_reviews(forge: &PracticeRemote) -> Vec<patchdesk_forge::ReviewRequest> {
    patchdesk_forge::Forge::list_reviews(forge).unwrap()
}

#[test]
fn newer_commits_on_the_remote_are_never_overwritten() {
    let (_tmp, d, url) = demo_project();
    let forge = PracticeRemote::open(&url).unwrap();
    let theirs = commit_on_remote(&d.practice_remote, "main", "docs/elsewhere.md", "Written elsewhere\n");

    // Nothing here to send yet: behind.
    let behind = send_board(&d.project, &url, &forge).unwrap();
    assert_eq!(behind, BoardSent::Behind { branch: "main".into(), commits: 1 });
    assert!(behind.describe().contains("Bring the project up to date"), "{}", behind.describe());

    // A handoff here as well: it is made again on top of their commit, which stays.
    let done =
        patchdesk_project::record::hand_off(&d.project, "F2.1", "DeliveryPod", "Tests are written", now()).unwrap();
    let before = common::snapshot(&d.project);
    let sent = send_board(&d.project, &url, &forge).unwrap();
    assert_eq!(sent, BoardSent::Sent { branch: "main".into(), commits: 1 });
    let bare = git2::Repository::open_bare(&d.practice_remote).unwrap();
    let tip = remote_branch(&d.practice_remote, "main").unwrap();
    let c = bare.find_commit(tip).unwrap();
    assert_eq!(c.parent_ids().collect::<Vec<_>>(), vec![theirs], "their commit stays, the handoff on top of it");
    let project = git2::Repository::open(&d.project).unwrap();
    let mine = project.find_commit(git2::Oid::from_str(&done.commit).unwrap()).unwrap();
    assert_eq!((c.message_bytes(), c.author().name()), (mine.message_bytes(), mine.author().name()));
    for file in &done.changed_files {
        assert_eq!(
            common::file_in(&bare, &tip.to_string(), file),
            common::file_in(&project, &done.commit, file),
            "{file}"
        );
    }
    assert_eq!(common::file_in(&bare, &tip.to_string(), "docs/elsewhere.md").as_deref(), Some("Written elsewhere\n"));
    let branches: Vec<String> = bare
        .branches(None)
        .unwrap()
        .flatten()
        .filter_map(|(b, _)| b.name().ok().flatten().map(str::to_string))
        .collect();
    assert_eq!(branches, vec!["main".to_string()], "no other branch was pushed");
    assert!(forge_reviews(&forge).is_empty());
    assert_eq!(common::snapshot(&d.project), before, "the project's branch and files are as they were");

    // Sending again finds the copy there: nothing is sent twice (their commit is still news here).
    assert_eq!(send_board(&d.project, &url, &forge).unwrap(), BoardSent::Behind { branch: "main".into(), commits: 1 });
    assert_eq!(remote_branch(&d.practice_remote, "main"), Some(tip));
}

/// The lead's own commit on HEAD: `path` written, staged and committed with `message`.
fn commit_in(work: &Path, path: &str, text: &str, message: &str) -> git2::Oid {
    let repo = git2::Repository::open(work).unwrap();
    let full = work.join(path);
    std::fs::create_dir_all(full.parent().unwrap()).unwrap();
    std::fs::write(&full, text).unwrap();
    let mut index = repo.index().unwrap();
    index.add_path(Path::new(path)).unwrap();
    index.write().unwrap();
    let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
    let parent = repo.head().unwrap().peel_to_commit().unwrap();
    let sig = git2::Signature::now("Lead Person", "lead@example.com").unwrap();
    repo.commit(Some("HEAD"), &sig, &sig, message, &tree, &[&parent]).unwrap()
}

/// The attack of finding 2: a local "WIP, do not publish" commit with a secret file, then a
/// handoff. Only the handoff reaches the remote, rebuilt on its tip; the WIP commit and the
/// secret stay here, the lead's branch and files untouched, and the result says why.
#[test]
fn the_users_own_commits_are_never_published() {
    let (_tmp, d, url) = demo_project();
    let forge = PracticeRemote::open(&url).unwrap();
    let main_before = remote_branch(&d.practice_remote, "main").unwrap();
    let wip = commit_in(&d.project, "secret.txt", "the lead's private notes\n", "WIP, do not publish");
    let done =
        patchdesk_project::record::hand_off(&d.project, "F2.1", "DeliveryPod", "Tests are written", now()).unwrap();
    let local = head(&d.project);
    let before = common::snapshot(&d.project);

    let sent = send_board(&d.project, &url, &forge).unwrap();
    assert_eq!(
        sent,
        BoardSent::Held { branch: "main".into(), sent: 1, held: 1, subjects: vec!["WIP, do not publish".into()] }
    );
    assert_eq!(
        sent.describe(),
        "Sent 1 board change to main on the remote. 1 commit of yours ('WIP, do not publish') is not sent: Patchdesk only sends the board changes it made. Send your own commits yourself when they are ready."
    );
    let bare = git2::Repository::open_bare(&d.practice_remote).unwrap();
    let tip = remote_branch(&d.practice_remote, "main").unwrap();
    let c = bare.find_commit(tip).unwrap();
    assert_eq!(c.parent_ids().collect::<Vec<_>>(), vec![main_before], "the handoff alone, on the remote's tip");
    assert!(c.message().unwrap().starts_with("Hand off F2.1"), "{:?}", c.message());
    assert_eq!(common::file_in(&bare, &tip.to_string(), "secret.txt"), None, "the secret did not leave");
    assert!(bare.find_commit(wip).is_err(), "the WIP commit is not on the remote at all");
    let project = git2::Repository::open(&d.project).unwrap();
    for file in &done.changed_files {
        assert_eq!(
            common::file_in(&bare, &tip.to_string(), file),
            common::file_in(&project, &done.commit, file),
            "{file}"
        );
    }
    // The lead's branch, index and files: as they were.
    assert_eq!(common::snapshot(&d.project), before);
    assert_eq!(head(&d.project), local);
    assert_eq!(std::fs::read_to_string(d.project.join("secret.txt")).unwrap(), "the lead's private notes\n");

    // A rerun sends nothing twice and still says what is waiting.
    let again = send_board(&d.project, &url, &forge).unwrap();
    assert_eq!(
        again,
        BoardSent::Held { branch: "main".into(), sent: 0, held: 1, subjects: vec!["WIP, do not publish".into()] }
    );
    assert!(
        again.describe().starts_with("No board changes were waiting to be sent to main. 1 commit of yours"),
        "{}",
        again.describe()
    );
    assert_eq!(remote_branch(&d.practice_remote, "main"), Some(tip));

    // A later handoff goes on top of the first one's copy.
    patchdesk_project::record::hand_off(&d.project, "F2.2", "QAPod", "Guidance is ready for tests", now()).unwrap();
    let third = send_board(&d.project, &url, &forge).unwrap();
    assert!(matches!(third, BoardSent::Held { sent: 1, held: 1, .. }), "{third:?}");
    let newest = remote_branch(&d.practice_remote, "main").unwrap();
    assert_eq!(bare.find_commit(newest).unwrap().parent_ids().collect::<Vec<_>>(), vec![tip]);
    assert_eq!(common::file_in(&bare, &newest.to_string(), "secret.txt"), None);
}

/// A commit that looks like Patchdesk's (the trailer) but changes a file outside the board is
/// the user's; so is a board-only commit without the trailer.
#[test]
fn only_board_files_with_the_trailer_count_as_patchdesks() {
    let (_tmp, d, url) = demo_project();
    let forge = PracticeRemote::open(&url).unwrap();
    let main_before = remote_branch(&d.practice_remote, "main").unwrap();
    commit_in(&d.project, "src/app.rs", "fn main() {}\n", "Hand off F9: A → B\n\nPatchdesk-Record: board\n");
    commit_in(&d.project, "task.yaml", "tasks: {}\n", "Tidy the task file");
    let out = send_board(&d.project, &url, &forge).unwrap();
    assert_eq!(
        out,
        BoardSent::Held {
            branch: "main".into(),
            sent: 0,
            held: 2,
            subjects: vec!["Hand off F9: A → B".into(), "Tidy the task file".into()]
        }
    );
    assert_eq!(remote_branch(&d.practice_remote, "main"), Some(main_before));
    assert!(
        patchdesk_promote::board::is_board_file("task.yaml")
            && patchdesk_promote::board::is_board_file(".logs/handoff_log.yaml")
    );
    assert!(
        !patchdesk_promote::board::is_board_file("src/app.rs")
            && !patchdesk_promote::board::is_board_file(".logs")
            && !patchdesk_promote::board::is_board_file("task_templates/a/b.yaml")
    );
}

/// A handoff whose lines were changed on the remote meanwhile is not forced in: nothing is sent.
#[test]
fn a_board_change_that_no_longer_fits_sends_nothing() {
    let (_tmp, d, url) = demo_project();
    let forge = PracticeRemote::open(&url).unwrap();
    commit_in(&d.project, ".logs/notes.md", "ours\n", "Note\n\nPatchdesk-Record: board\n");
    let theirs = commit_on_remote(&d.practice_remote, "main", ".logs/notes.md", "theirs\n");
    let before = common::snapshot(&d.project);
    let out = send_board(&d.project, &url, &forge).unwrap();
    assert_eq!(out, BoardSent::DoesNotApply { branch: "main".into(), subject: "Note".into() });
    assert!(
        out.describe().contains("'Note' no longer fits main on the remote")
            && out.describe().contains("nothing was sent"),
        "{}",
        out.describe()
    );
    assert_eq!(remote_branch(&d.practice_remote, "main"), Some(theirs));
    assert_eq!(common::snapshot(&d.project), before);
}

/// The file `rel` on `branch` of the bare repository.
fn remote_file(git_dir: &Path, branch: &str, rel: &str) -> String {
    let bare = git2::Repository::open_bare(git_dir).unwrap();
    let tree = bare.find_reference(&format!("refs/heads/{branch}")).unwrap().peel_to_tree().unwrap();
    let blob = tree.get_path(Path::new(rel)).unwrap().to_object(&bare).unwrap().peel_to_blob().unwrap();
    String::from_utf8(blob.content().to_vec()).unwrap()
}

/// After a review request merged on the remote, its follow-up ("Merged #1: F2.2 done") adds to
/// the trace log and the week's metrics that the merge added to as well: the board change is
/// sent with both sides' additions kept, and the lead's own commit still stays home.
#[test]
fn a_merge_recorded_after_the_remote_merged_it_is_sent_with_both_log_entries() {
    let (_tmp, d) = common::demo_project();
    let url = d.practice_remote.to_string_lossy().into_owned();
    let forge = PracticeRemote::open(&url).unwrap();
    let item = common::item_named(&d, demo::CLEAN_PATCH);
    let out =
        patchdesk_promote::promote(&patchdesk_promote::PromoteRequest::new(&d.project, &item, &url), &forge, &|_| {})
            .unwrap();
    forge.merge_review(out.pr_number).unwrap();
    let merged_main = remote_branch(&d.practice_remote, "main").unwrap();
    // Followed in the week the promote counted its patch in, so both count in the same week.
    let started = patchdesk_promote::load_record(&d.project, &item).unwrap().unwrap().started_at;
    let when = time::OffsetDateTime::parse(&started, &time::format_description::well_known::Rfc3339).unwrap();
    let followed = patchdesk_promote::lifecycle::follow_reviews(&d.project, &forge, when).unwrap();
    assert!(followed.commit.is_some(), "{followed:?}");
    commit_in(&d.project, "notes/mine.md", "my notes\n", "My own notes");

    let sent = send_board(&d.project, &url, &forge).unwrap();
    assert_eq!(
        sent,
        BoardSent::Held { branch: "main".into(), sent: 1, held: 1, subjects: vec!["My own notes".into()] }
    );
    let bare = git2::Repository::open_bare(&d.practice_remote).unwrap();
    let tip = bare.find_reference("refs/heads/main").unwrap().peel_to_commit().unwrap();
    assert_eq!(tip.parent_ids().collect::<Vec<_>>(), [merged_main], "one commit on top of the merge");
    assert!(
        tip.message().unwrap().starts_with("Merged #1: F2.2 done")
            && tip.message().unwrap().ends_with("Patchdesk-Record: board\n")
    );
    assert!(tip.tree().unwrap().get_path(Path::new("notes/mine.md")).is_err(), "the lead's commit is not sent");
    // The trace log: the promote's entry, then the merge's.
    let trace = remote_file(&d.practice_remote, "main", ".logs/trace_log.md");
    let (promoted, merged) = (trace.find(&out.branch).unwrap(), trace.find("Merged #1").unwrap());
    assert!(promoted < merged, "{trace}");
    // The week's metrics: the patch counted by the promote and the merge counted by the follow-up.
    let metrics =
        patchdesk_yaml::parse_value(&remote_file(&d.practice_remote, "main", "metrics/metrics.yaml")).unwrap();
    let week = metrics["weekly_snapshots"]
        .as_sequence()
        .unwrap()
        .iter()
        .find(|w| w["pods"]["dev"].is_mapping())
        .expect("the dev pod's week");
    let dev = &week["pods"]["dev"];
    assert_eq!(
        (dev["patch_count"].as_i64(), dev["proposed"].as_i64(), dev["merged"].as_i64()),
        (Some(1), Some(1), Some(1)),
        "{week:?}"
    );
    assert!(week["features_delivered"].as_sequence().unwrap().iter().any(|f| f.as_str() == Some("F2.2")), "{week:?}");
    assert!(
        !week["features_outstanding"].as_sequence().unwrap().iter().any(|f| f.as_str() == Some("F2.2")),
        "{week:?}"
    );
    // Again: the copy on the remote is recognised, nothing new is sent.
    let again = send_board(&d.project, &url, &forge).unwrap();
    assert_eq!(
        again,
        BoardSent::Held { branch: "main".into(), sent: 0, held: 1, subjects: vec!["My own notes".into()] }
    );
    assert_eq!(remote_branch(&d.practice_remote, "main"), Some(tip.id()));
}

#[test]
fn only_the_default_branch_is_sent() {
    let (_tmp, d, url) = demo_project();
    let forge = PracticeRemote::open(&url).unwrap();
    let repo = git2::Repository::open(&d.project).unwrap();
    let tip = repo.head().unwrap().peel_to_commit().unwrap();
    repo.branch("feature", &tip, false).unwrap();
    repo.set_head("refs/heads/feature").unwrap();
    patchdesk_project::record::hand_off(&d.project, "F2.1", "DeliveryPod", "Tests are written", now()).unwrap();
    let main_before = remote_branch(&d.practice_remote, "main");
    let out = send_board(&d.project, &url, &forge).unwrap();
    assert_eq!(out, BoardSent::NotOnDefaultBranch { branch: "feature".into(), default: "main".into() });
    assert!(out.describe().contains("on the branch feature, not main"));
    assert_eq!(remote_branch(&d.practice_remote, "main"), main_before);
    assert_eq!(remote_branch(&d.practice_remote, "feature"), None);

    // No branch at all (a detached HEAD) is not sent either.
    repo.set_head_detached(tip.id()).unwrap();
    let out = send_board(&d.project, &url, &forge).unwrap();
    assert_eq!(out, BoardSent::NotOnDefaultBranch { branch: String::new(), default: "main".into() });
}

#[test]
fn a_missing_repository_or_an_address_with_a_password_is_refused() {
    let (_tmp, d, url) = demo_project();
    let forge = PracticeRemote::open(&url).unwrap();
    let nowhere = tempfile::tempdir().unwrap();
    let e = send_board(nowhere.path(), &url, &forge).unwrap_err();
    assert_eq!(e.code(), Code::Git, "{e}");
    let e = send_board(&d.project, "https://lead:secret@example.invalid/octo/hello.git", &forge).unwrap_err();
    assert!(e.to_string().contains("Remove the credentials"), "{e}");
}

// ---- GitHub stand-in ----

type Setup = common::Hub;

/// A stand-in with `octo/hello` and the lead's clone of it.
fn setup() -> Setup {
    common::hub(TOKEN, &["repo", "read:org"], "hello", &[("task.yaml", "tasks: {}\n"), ("docs/notes.md", "# Notes\n")])
}

fn forge(s: &Setup) -> GitHub {
    GitHub::new(ApiBase::from_api(&s.gh.api_url()), "octo/hello", Secret::new(TOKEN)).unwrap()
}

fn bare(s: &Setup) -> PathBuf {
    s.gh.state().git_dir("octo", "hello").unwrap()
}

/// A board commit in the lead's clone, as Patchdesk makes them: the file written, staged and
/// committed on HEAD, the message ending with Patchdesk's trailer.
fn commit_here(work: &Path, path: &str, text: &str, message: &str) -> git2::Oid {
    commit_in(work, path, text, &format!("{}\n\nPatchdesk-Record: board\n", message.trim_end()))
}

#[test]
fn github_main_takes_the_commits_with_the_saved_token() {
    let s = setup();
    let main_before = remote_branch(&bare(&s), "main").unwrap();
    let local = commit_here(&s.work, ".logs/handoff_log.yaml", "handoffs: []\n", "Hand off F2.1: QAPod → DeliveryPod");
    let out = send_board(&s.work, &s.url, &forge(&s)).unwrap();
    assert_eq!(out, BoardSent::Sent { branch: "main".into(), commits: 1 });
    assert_eq!(remote_branch(&bare(&s), "main"), Some(local));
    assert_ne!(local, main_before);
    assert_eq!(send_board(&s.work, &s.url, &forge(&s)).unwrap(), BoardSent::UpToDate { branch: "main".into() });
    assert!(s.gh.state().pull_requests("octo", "hello").is_empty());
    s.gh.assert_no_violations();
}

#[test]
fn a_protected_main_gets_one_pull_request() {
    let s = setup();
    s.gh.state().protect_branch("octo", "hello", "main").unwrap();
    let main_before = remote_branch(&bare(&s), "main").unwrap();
    commit_here(
        &s.work,
        ".logs/handoff_log.yaml",
        "handoffs: [{task: F2.1}]\n",
        "Hand off F2.1: QAPod → DeliveryPod\n\nTests are written",
    );
    let local = commit_here(&s.work, "task.yaml", "tasks: {F2.1: {status: review}}\n", "Hand off F2.2: DevPod → QAPod");
    let before = common::snapshot(&s.work);

    let out = send_board(&s.work, &s.url, &forge(&s)).unwrap();
    let branch = format!("patchdesk/board-{}", &local.to_string()[..8]);
    let BoardSent::AsReview { number, url, branch: got, base, commits, held: 0, .. } = out.clone() else {
        panic!("{out:?}")
    };
    assert_eq!((got.as_str(), base.as_str(), commits), (branch.as_str(), "main", 2));
    assert!(out.describe().contains(&format!("went as pull request #{number}")), "{}", out.describe());
    // main is untouched; the commits are on the board branch.
    assert_eq!(remote_branch(&bare(&s), "main"), Some(main_before));
    assert_eq!(remote_branch(&bare(&s), &branch), Some(local));
    let prs = s.gh.state().pull_requests("octo", "hello");
    assert_eq!(prs.len(), 1, "{prs:?}");
    let pr = &prs[0];
    assert_eq!((pr.number, pr.head.as_str(), pr.base.as_str()), (number, branch.as_str(), "main"));
    assert_eq!(pr.title, "Board changes: Hand off F2.2: DevPod → QAPod and 1 more");
    let body = pr.body.clone().unwrap_or_default();
    assert!(
        body.contains("- Hand off F2.2: DevPod → QAPod (") && body.contains("- Hand off F2.1: QAPod → DeliveryPod ("),
        "{body}"
    );
    assert!(url.contains(&number.to_string()), "{url}");
    assert_eq!(common::snapshot(&s.work), before, "the lead's files and branches are untouched");

    // Sending again finds the same pull request.
    let again = send_board(&s.work, &s.url, &forge(&s)).unwrap();
    assert_eq!(again, out);
    assert_eq!(s.gh.state().pull_requests("octo", "hello").len(), 1);

    // A later handoff joins the open pull request instead of opening a second one.
    let later =
        commit_here(&s.work, "task.yaml", "tasks: {F2.1: {status: done}}\n", "Hand off F3.1: DevPod → DeliveryPod");
    let third = send_board(&s.work, &s.url, &forge(&s)).unwrap();
    let BoardSent::AsReview { number: n3, branch: b3, commits: c3, .. } = third.clone() else { panic!("{third:?}") };
    assert_eq!((n3, b3.as_str(), c3), (number, branch.as_str(), 3));
    assert_eq!(remote_branch(&bare(&s), &branch), Some(later), "the board branch moved forward");
    assert_eq!(s.gh.state().pull_requests("octo", "hello").len(), 1);
    assert_eq!(remote_branch(&bare(&s), "main"), Some(main_before));

    // Protection lifted: the commits go straight to main.
    s.gh.state().unprotect_branch("octo", "hello", "main").unwrap();
    let sent = send_board(&s.work, &s.url, &forge(&s)).unwrap();
    assert_eq!(sent, BoardSent::Sent { branch: "main".into(), commits: 3 });
    assert_eq!(remote_branch(&bare(&s), "main"), Some(later));
    s.gh.assert_no_violations();
}

/// A protected main and a lead's own commit under the handoff: the pull request carries the
/// handoff alone, made again on main; the secret goes nowhere.
#[test]
fn a_protected_main_gets_a_pull_request_of_patchdesks_commits_only() {
    let s = setup();
    s.gh.state().protect_branch("octo", "hello", "main").unwrap();
    let main_before = remote_branch(&bare(&s), "main").unwrap();
    commit_in(&s.work, "secret.txt", "private\n", "WIP, do not publish");
    commit_here(&s.work, ".logs/handoff_log.yaml", "handoffs: [{task: F2.1}]\n", "Hand off F2.1: QAPod → DeliveryPod");
    let before = common::snapshot(&s.work);
    let out = send_board(&s.work, &s.url, &forge(&s)).unwrap();
    let BoardSent::AsReview { branch, commits, held, .. } = out.clone() else { panic!("{out:?}") };
    assert_eq!((commits, held), (1, 1));
    assert!(out.describe().ends_with("1 commit of yours ('WIP, do not publish') is not sent: Patchdesk only sends the board changes it made. Send your own commits yourself when they are ready."), "{}", out.describe());
    let remote = git2::Repository::open_bare(bare(&s)).unwrap();
    let tip = remote_branch(&bare(&s), &branch).unwrap();
    assert_eq!(remote.find_commit(tip).unwrap().parent_ids().collect::<Vec<_>>(), vec![main_before]);
    assert_eq!(common::file_in(&remote, &tip.to_string(), "secret.txt"), None);
    assert_eq!(
        common::file_in(&remote, &tip.to_string(), ".logs/handoff_log.yaml").as_deref(),
        Some("handoffs: [{task: F2.1}]\n")
    );
    assert_eq!(remote_branch(&bare(&s), "main"), Some(main_before));
    assert_eq!(s.gh.state().pull_requests("octo", "hello").len(), 1);
    assert_eq!(common::snapshot(&s.work), before);
    // Again: the same pull request, nothing new.
    assert_eq!(send_board(&s.work, &s.url, &forge(&s)).unwrap(), out);
    s.gh.assert_no_violations();
}

#[test]
fn offline_is_the_offline_error_and_changes_nothing() {
    // An address where nothing listens.
    let s = setup();
    commit_here(&s.work, ".logs/handoff_log.yaml", "handoffs: []\n", "Hand off F2.1: QAPod → DeliveryPod");
    let main_before = remote_branch(&bare(&s), "main");
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    // Signed in to that address (a server that went away), so the sign-in may go there.
    let dead_forge =
        GitHub::new(ApiBase::from_api(&format!("http://{dead}")), "octo/hello", Secret::new(TOKEN)).unwrap();
    let dead = format!("http://{dead}/octo/hello.git");
    let before = common::snapshot(&s.work);
    let e = send_board(&s.work, &dead, &dead_forge).unwrap_err();
    assert_eq!(e.code(), Code::Offline, "{e}");
    assert!(e.is_offline());
    assert_eq!(common::snapshot(&s.work), before);
    assert_eq!(remote_branch(&bare(&s), "main"), main_before);
    // Back online, the waiting commit is sent.
    assert_eq!(send_board(&s.work, &s.url, &forge(&s)).unwrap(), BoardSent::Sent { branch: "main".into(), commits: 1 });

    // The stand-in itself stopped (stopping checks that it saw no OpenAPI violations).
    let s = setup();
    commit_here(&s.work, ".logs/handoff_log.yaml", "handoffs: []\n", "Hand off F2.1: QAPod → DeliveryPod");
    let gh_forge = forge(&s);
    let (work, url) = (s.work.clone(), s.url.clone());
    let _tmp = s.tmp;
    s.gh.stop();
    let e = send_board(&work, &url, &gh_forge).unwrap_err();
    assert_eq!(e.code(), Code::Offline, "{e}");
    assert!(e.to_string().contains("Check the internet connection"), "{e}");
}
