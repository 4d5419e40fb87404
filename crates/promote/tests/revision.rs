//! The pod's revision of a task whose review request is still open goes to that same request:
//! one more commit on its branch (on top of whatever is there), a comment, no second request.

mod common;

use std::path::Path;

use common::{demo_project, item_named, Hub};
use patchdesk_error::{Code, Coded};
use patchdesk_forge::{ApiBase, Forge, GitHub, PracticeRemote, Secret};
use patchdesk_project::demo;
use patchdesk_promote::lifecycle::review_states;
use patchdesk_promote::{promote, PromoteError, PromoteOutcome, PromoteRequest, RevisionOf, StepState};

const TOKEN: &str = "fake-revision-test-token-5d1e";

/// Imports `diff` for `task` as a new download named with `stamp`, with its summary.
fn import(work: &Path, stamp: &str, task: &str, summary: &str, diff: &[u8]) -> String {
    let q = patchdesk_intake::Queue::open(work).unwrap();
    let sidecar = format!(r#"{{"task_id": "{task}", "summary": "{summary}"}}"#);
    let files = vec![
        (format!("patch_{stamp}_{task}.diff"), diff.to_vec()),
        (format!("patch_{stamp}_{task}.json"), sidecar.into_bytes()),
    ];
    let report = q.import(&files);
    assert!(report.refused.is_empty(), "{:?}", report.refused);
    report.imported[0].name.clone()
}

/// A diff that adds `path` with `content`.
fn new_file_diff(path: &str, content: &str) -> Vec<u8> {
    let mut out = format!(
        "diff --git a/{path} b/{path}\nnew file mode 100644\n--- /dev/null\n+++ b/{path}\n@@ -0,0 +1,{} @@\n",
        content.lines().count()
    );
    for l in content.lines() {
        out.push_str(&format!("+{l}\n"));
    }
    out.into_bytes()
}

/// A diff of `path` from `old` to `new`.
fn change_diff(path: &str, old: &str, new: &str) -> Vec<u8> {
    let mut patch =
        git2::Patch::from_buffers(old.as_bytes(), Some(Path::new(path)), new.as_bytes(), Some(Path::new(path)), None)
            .unwrap();
    let text = patch.to_buf().unwrap().as_str().unwrap().to_string();
    if text.starts_with("diff --git") {
        text.into_bytes()
    } else {
        format!("diff --git a/{path} b/{path}\n{text}").into_bytes()
    }
}

fn send(work: &Path, url: &str, item: &str, forge: &dyn Forge) -> Result<PromoteOutcome, PromoteError> {
    let mut req = PromoteRequest::new(work, item, url);
    req.author = Some(("Octo Cat".into(), "octo@example.com".into()));
    promote(&req, forge, &|_| {})
}

/// Sends `item` as a review request of its own, even when its task has one open.
fn send_new_request(work: &Path, url: &str, item: &str, forge: &dyn Forge) -> PromoteOutcome {
    let mut req = PromoteRequest::new(work, item, url);
    req.new_request = true;
    promote(&req, forge, &|_| {}).unwrap()
}

fn tip(bare: &git2::Repository, branch: &str) -> git2::Oid {
    bare.find_reference(&format!("refs/heads/{branch}")).unwrap().target().unwrap()
}

/// A reviewer's own commit on `branch` of the bare repository, adding `path`.
fn reviewer_commit(bare: &git2::Repository, branch: &str, path: &str, content: &str) -> git2::Oid {
    let parent = bare.find_commit(tip(bare, branch)).unwrap();
    let mut b = git2::build::TreeUpdateBuilder::new();
    b.upsert(path, bare.blob(content.as_bytes()).unwrap(), git2::FileMode::Blob);
    let tree = bare.find_tree(b.create_updated(bare, &parent.tree().unwrap()).unwrap()).unwrap();
    let sig = git2::Signature::now("Rita Reviewer", "rita@example.com").unwrap();
    bare.commit(Some(&format!("refs/heads/{branch}")), &sig, &sig, "Reviewer's fix", &tree, &[&parent]).unwrap()
}

/// Patchdesk's comments on practice request `number`.
fn practice_comments(d: &demo::DemoProject, number: u64) -> Vec<String> {
    let path = d.practice_remote.join("patchdesk-reviews").join(format!("{number}.json"));
    let rec: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    rec["comments"]
        .as_array()
        .map(|a| a.iter().filter_map(|c| c["body"].as_str().map(str::to_string)).collect())
        .unwrap_or_default()
}

fn practice(d: &demo::DemoProject) -> (String, PracticeRemote, git2::Repository) {
    let url = d.practice_remote.to_string_lossy().into_owned();
    let forge = PracticeRemote::open(&url).unwrap();
    let bare = git2::Repository::open_bare(&d.practice_remote).unwrap();
    (url, forge, bare)
}

/// The demo with F2.2 sent to its practice remote: the first version of request #1.
fn f22_sent() -> (tempfile::TempDir, demo::DemoProject, (String, PracticeRemote, git2::Repository), PromoteOutcome) {
    let (tmp, d) = demo_project();
    let remote = practice(&d);
    let first = send(&d.project, &remote.0, &item_named(&d, demo::CLEAN_PATCH), &remote.1).unwrap();
    (tmp, d, remote, first)
}

#[test]
fn a_revision_adds_one_commit_to_the_open_request_keeps_the_reviewers_commit_and_says_so() {
    let (_tmp, d) = demo_project();
    let (url, forge, bare) = practice(&d);
    let first = send(&d.project, &url, &item_named(&d, demo::CLEAN_PATCH), &forge).unwrap();
    assert!(!first.updated);
    let branch = first.branch.clone();
    let theirs = reviewer_commit(&bare, &branch, "docs/reviewer-note.md", "Keep this.\n");
    let before = common::snapshot(&d.project);

    let rev = import(
        &d.project,
        "20261120_090000",
        "F2.2",
        "Shorter stage names",
        &new_file_diff("docs/stage-names.md", "# Stage names\nShort ones.\n"),
    );
    // What the send dialog shows before: "Update review request #1", revision 2, its branch.
    let shown = patchdesk_promote::preview(&d.project, &rev).unwrap();
    assert_eq!(shown.revision_of, Some(RevisionOf { number: first.pr_number, revision: 2 }));
    assert_eq!((shown.branch.as_str(), shown.base.as_deref()), (branch.as_str(), Some("main")));
    let out = send(&d.project, &url, &rev, &forge).unwrap();
    assert_eq!(
        (out.pr_number, out.updated, out.revision, out.branch.as_str()),
        (first.pr_number, true, Some(2), branch.as_str())
    );
    // Exactly one more commit, on top of the reviewer's, which is kept.
    let now = tip(&bare, &branch);
    assert_eq!(now.to_string(), out.commit);
    let commit = bare.find_commit(now).unwrap();
    assert_eq!(commit.parent_ids().collect::<Vec<_>>(), vec![theirs]);
    assert_eq!(common::file_in(&bare, &out.commit, "docs/reviewer-note.md").as_deref(), Some("Keep this.\n"));
    assert_eq!(
        common::file_in(&bare, &out.commit, "docs/stage-names.md").as_deref(),
        Some("# Stage names\nShort ones.\n")
    );
    for (path, content) in demo::intended_change(demo::CLEAN_PATCH) {
        assert_eq!(common::file_in(&bare, &out.commit, path).as_deref(), Some(*content), "the first version stays");
    }
    // With its delivery logs.
    assert!(common::bytes_in(&bare, &out.commit, &format!(".patches/{rev}")).is_some());
    let trace = common::file_in(&bare, &out.commit, ".logs/trace_log.md").unwrap();
    assert!(trace.contains(&format!("- Patch: .patches/{rev}")), "{trace}");
    assert!(commit.message().unwrap().contains(&format!("Patch: {rev}\n")));
    // The comment, and no second request.
    let said = practice_comments(&d, first.pr_number);
    assert_eq!(said.len(), 1, "{said:?}");
    assert!(said[0].starts_with("Revision 2 from DevPod: Shorter stage names"), "{said:?}");
    assert_eq!(forge.list_reviews().unwrap().len(), 1);
    // The board's record counts the versions; the item is sent.
    let known = review_states(&d.project);
    assert_eq!(known.len(), 1, "{known:?}");
    assert_eq!(known[0].revisions, Some(2));
    let q = patchdesk_intake::Queue::open(&d.project).unwrap();
    assert_eq!(q.get(&rev).unwrap().status, patchdesk_intake::Status::Promoted);
    // The lead's repository is untouched.
    assert_eq!(common::snapshot(&d.project), before);
    // The next download for the task is the third version.
    let next = import(&d.project, "20261121_090000", "F2.2", "Third", &new_file_diff("docs/third.md", "3\n"));
    let shown = patchdesk_promote::preview(&d.project, &next).unwrap();
    assert_eq!(shown.revision_of, Some(RevisionOf { number: first.pr_number, revision: 3 }));
    let sent = patchdesk_promote::preview(&d.project, &rev).unwrap();
    assert_eq!(sent.revision_of, Some(RevisionOf { number: first.pr_number, revision: 2 }), "sent as version 2");
    // The first item is no revision of its own request.
    let own = patchdesk_promote::preview(&d.project, &item_named(&d, demo::CLEAN_PATCH)).unwrap();
    assert_eq!(own.revision_of, None);

    // Sending it again changes nothing.
    let again = send(&d.project, &url, &rev, &forge).unwrap();
    assert_eq!((again.commit.as_str(), again.pr_number, again.updated), (out.commit.as_str(), out.pr_number, true));
    assert!(again.steps.iter().all(|e| e.state == StepState::Skipped), "{:?}", again.steps);
    assert_eq!(tip(&bare, &branch), now);
    assert_eq!(practice_comments(&d, first.pr_number).len(), 1);

    // Even with its record lost, the commit on the branch is found: still no second one.
    std::fs::remove_file(patchdesk_promote::record_path(&d.project, &rev)).unwrap();
    let lost = send(&d.project, &url, &rev, &forge).unwrap();
    assert_eq!(lost.commit, out.commit);
    assert_eq!(tip(&bare, &branch), now);
}

#[test]
fn a_revision_that_no_longer_applies_on_the_branch_is_refused_and_nothing_is_sent() {
    let (_tmp, d) = demo_project();
    let (url, forge, bare) = practice(&d);
    let first = send(&d.project, &url, &item_named(&d, demo::CLEAN_PATCH), &forge).unwrap();
    let (path, after) = demo::intended_change(demo::CLEAN_PATCH)[0];
    // The reviewer rewrote the file the revision changes.
    let theirs = reviewer_commit(&bare, &first.branch, path, "# rewritten by the reviewer\n");
    let changed = after.replacen("\n", "\n# revised by the pod\n", 1);
    let rev = import(&d.project, "20261120_090000", "F2.2", "Revised guidance", &change_diff(path, after, &changed));
    let err = send(&d.project, &url, &rev, &forge).unwrap_err();
    let words = err.to_string();
    assert!(matches!(err, PromoteError::RevisionDoesNotApply { .. }), "{err:?}");
    assert!(matches!(err.code(), Code::PatchDoesNotApply | Code::MergeConflict));
    assert!(words.contains(&rev) && words.contains(&format!("#{}", first.pr_number)), "{words}");
    assert!(words.contains("nothing was sent") && words.contains("Ask the pod"), "{words}");
    assert_eq!(words.matches(". ").count(), 1, "one sentence and the next step: {words}");
    assert_eq!(tip(&bare, &first.branch), theirs, "nothing pushed");
    assert!(practice_comments(&d, first.pr_number).is_empty());
    assert_eq!(forge.list_reviews().unwrap().len(), 1);
    let q = patchdesk_intake::Queue::open(&d.project).unwrap();
    assert_ne!(q.get(&rev).unwrap().status, patchdesk_intake::Status::Promoted);
}

#[test]
fn a_second_request_for_the_task_is_opened_only_when_asked() {
    let (_tmp, d, (url, forge, bare), first) = f22_sent();
    let first_tip = tip(&bare, &first.branch);
    let rev =
        import(&d.project, "20261120_090000", "F2.2", "Another take", &new_file_diff("docs/take.md", "Take two.\n"));
    let out = send_new_request(&d.project, &url, &rev, &forge);
    assert!(!out.updated && out.revision.is_none());
    assert_ne!(out.pr_number, first.pr_number);
    assert_eq!(out.branch, format!("{}-2", first.branch));
    assert_eq!(forge.list_reviews().unwrap().len(), 2);
    assert_eq!(tip(&bare, &first.branch), first_tip, "the first request's branch is untouched");
}

#[test]
fn a_request_closed_in_the_meantime_takes_no_revision_and_a_new_one_can_be_asked_for() {
    let (_tmp, d, (url, forge, bare), first) = f22_sent();
    let first_tip = tip(&bare, &first.branch);
    // Closed on the forge; the project's records have not seen it yet.
    forge.close_review(first.pr_number).unwrap();
    let rev = import(&d.project, "20261120_090000", "F2.2", "Late take", &new_file_diff("docs/late.md", "Late.\n"));
    let err = send(&d.project, &url, &rev, &forge).unwrap_err();
    let words = err.to_string();
    assert!(words.contains(&format!("#{} was closed", first.pr_number)) && words.contains(&rev), "{words}");
    assert_eq!(tip(&bare, &first.branch), first_tip, "nothing pushed");
    assert!(practice_comments(&d, first.pr_number).is_empty());
    // Asked for a new request, it gets one.
    let out = send_new_request(&d.project, &url, &rev, &forge);
    assert!(!out.updated);
    assert_eq!(forge.list_reviews().unwrap().len(), 2);
}

// ------------------------------------------------------------------ GitHub stand-in

const TASKS: &str = "tasks:\n  T1:\n    title: Build the generator\n    pod_owner: QAPod\n    status: in_progress\n";

fn hub() -> Hub {
    let files = [
        ("task.yaml", TASKS),
        (".logs/trace_log.md", "# Trace log\n"),
        ("src/gen.py", "def generate():\n    return []\n"),
    ];
    let h = common::hub(TOKEN, &["repo"], "guide", &files);
    common::sign_as_lead(&h.work);
    h
}

fn comments_posted(h: &Hub, number: u64) -> usize {
    let path = format!("/repos/octo/guide/issues/{number}/comments");
    h.gh.state()
        .requests()
        .iter()
        .filter(|r| r.operation.as_deref() == Some("issues/create-comment") && r.status == 201 && r.path == path)
        .count()
}

#[test]
fn github_revision_goes_to_the_same_pull_request() {
    let h = hub();
    let w = &h.work;
    let forge = GitHub::new(ApiBase::from_api(&h.gh.api_url()), "octo/guide", Secret::new(TOKEN)).unwrap();
    let one = import(
        w,
        "20261119_101500",
        "T1",
        "First take",
        &common::diff_of(w, &[("src/gen.py", "def generate():\n    return [1]\n")]),
    );
    let first = send(w, &h.url, &one, &forge).unwrap();
    let theirs =
        h.gh.state()
            .commit_files("octo", "guide", &first.branch, "Reviewer's fix", &[("docs/review.md", "ok\n")])
            .unwrap();

    let two = import(
        w,
        "20261120_101500",
        "T1",
        "Tests added",
        &new_file_diff("tests/test_gen.py", "def test_it():\n    pass\n"),
    );
    let out = send(w, &h.url, &two, &forge).unwrap();
    assert_eq!((out.pr_number, out.updated, out.revision), (first.pr_number, true, Some(2)));
    let sha = h.gh.state().branch_sha("octo", "guide", &first.branch).unwrap();
    assert_eq!(sha, out.commit);
    let bare = git2::Repository::open_bare(h.gh.state().git_dir("octo", "guide").unwrap()).unwrap();
    let commit = bare.find_commit(git2::Oid::from_str(&sha).unwrap()).unwrap();
    assert_eq!(commit.parent_id(0).unwrap().to_string(), theirs, "the reviewer's commit is kept");
    assert_eq!(common::file_in(&bare, &sha, "docs/review.md").as_deref(), Some("ok\n"));
    assert_eq!(h.gh.state().pull_requests("octo", "guide").len(), 1, "no second pull request");
    assert_eq!(comments_posted(&h, first.pr_number), 1);

    // Again: nothing new.
    let again = send(w, &h.url, &two, &forge).unwrap();
    assert_eq!(again.commit, out.commit);
    assert_eq!(h.gh.state().branch_sha("octo", "guide", &first.branch).unwrap(), sha);
    assert_eq!(comments_posted(&h, first.pr_number), 1);
    assert_eq!(h.gh.state().pull_requests("octo", "guide").len(), 1);
}
