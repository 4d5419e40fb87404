//! Promote to the practice remote: the demo's three pod downloads become three branches, three
//! commits and three review requests in the bare repository, and the lead's repository is
//! left exactly as it was.

mod common;

use std::cell::RefCell;

use common::{demo_project, item_named};
use patchdesk_forge::{Forge, PracticeRemote, ReviewState};
use patchdesk_project::demo;
use patchdesk_promote::{promote, PromoteRequest, Step, StepState};

#[test]
fn demo_items_become_branches_commits_and_review_requests() {
    let (_tmp, d) = demo_project();
    let before = common::snapshot(&d.project);
    let url = d.practice_remote.to_string_lossy().into_owned();
    let forge = PracticeRemote::open(&url).unwrap();
    let bare = git2::Repository::open_bare(&d.practice_remote).unwrap();
    let main_before = bare.find_reference("refs/heads/main").unwrap().target().unwrap();

    let cases = [
        (demo::CLEAN_PATCH, "chatgpt/dev/f2.2", "[F2.2] Stage guidance with a symptom fallback", "dev"),
        (demo::CHAT_PATCH, "chatgpt/qa/f2.1", "[F2.1]", "qa"),
        (demo::ZIP_BUNDLE, "chatgpt/dev/f3.1", "[F3.1] Guidance document for coaches", "dev"),
    ];
    for (n, (file, branch, title, pod)) in cases.iter().enumerate() {
        let name = item_named(&d, file);
        let events = RefCell::new(Vec::new());
        let out =
            promote(&PromoteRequest::new(&d.project, &name, &url), &forge, &|e| events.borrow_mut().push(e)).unwrap();
        assert_eq!(out.branch, *branch);
        assert_eq!(out.base, "main");
        assert_eq!(out.pr_number, n as u64 + 1);
        // Live progress: every step started and ended.
        for step in Step::ALL {
            assert!(events.borrow().iter().any(|e| e.step == step && e.state == StepState::Started), "{step:?}");
            assert!(events.borrow().iter().any(|e| e.step == step && e.state == StepState::Done), "{step:?}");
        }
        // One commit on top of main, on the remote branch.
        let tip = bare.find_reference(&format!("refs/heads/{branch}")).unwrap().target().unwrap();
        assert_eq!(tip.to_string(), out.commit);
        let commit = bare.find_commit(tip).unwrap();
        assert_eq!(commit.parent_ids().collect::<Vec<_>>(), vec![main_before]);
        let msg = commit.message().unwrap();
        assert!(msg.starts_with(title), "{msg}");
        assert!(msg.contains(&format!("\n\nPod: {pod}\nPatch: {name}\n")), "{msg}");
        // The change, exactly as intended.
        for (path, content) in demo::intended_change(file) {
            assert_eq!(common::file_in(&bare, &out.commit, path).as_deref(), Some(*content), "{path}");
        }
        // The delivery logs.
        let patch = common::bytes_in(&bare, &out.commit, &format!(".patches/{name}")).unwrap();
        assert!(patch == std::fs::read(d.downloads.join(file)).unwrap(), "the patch travels byte for byte");
        let meta_path = common::paths_in(&bare, &out.commit)
            .into_iter()
            .find(|p| p.starts_with(".logs/patches/") && p.ends_with(".json"))
            .unwrap();
        let meta: serde_json::Value =
            serde_json::from_str(&common::file_in(&bare, &out.commit, &meta_path).unwrap()).unwrap();
        assert_eq!(meta["status"], "promoted");
        assert_eq!(meta["branch"], *branch);
        assert!(meta.get("patchdesk").is_none(), "Patchdesk's private fields stay local");
        let trace = common::file_in(&bare, &out.commit, ".logs/trace_log.md").unwrap();
        assert!(trace.starts_with("# Trace log"), "the old text is kept");
        assert!(
            trace.contains(&format!("- Patch: .patches/{name}")) && trace.contains(&format!("- Branch: {branch}")),
            "{trace}"
        );
        let metrics = common::file_in(&bare, &out.commit, "metrics/metrics.yaml").unwrap();
        assert!(metrics.contains(&format!("      {pod}:\n        patch_count: 1")), "{metrics}");
        // The review request, listed like a pull request.
        let reviews = forge.list_reviews().unwrap();
        assert_eq!(reviews.len(), n + 1);
        let r = &reviews[0];
        assert_eq!(
            (r.number, r.branch.as_str(), r.base.as_str(), r.state),
            (out.pr_number, *branch, "main", ReviewState::Open)
        );
        assert!(r.title.starts_with(title));
        assert!(r.body.contains("## What was added") && r.body.contains("## Thought process (reasoning trace)"));
        assert!(bare.find_reference(&format!("refs/reviews/{}", r.number)).is_ok());
        // The inbox item is marked promoted.
        let q = patchdesk_intake::Queue::open(&d.project).unwrap();
        assert_eq!(q.get(&name).unwrap().status, patchdesk_intake::Status::Promoted);
    }
    // The bundle's reasoning trace and prompt travelled with it.
    let f31 = bare.find_reference("refs/heads/chatgpt/dev/f3.1").unwrap().target().unwrap().to_string();
    assert!(common::file_in(&bare, &f31, ".logs/reasoning/F3.1.md").unwrap().contains("## Thoughts"));
    assert!(common::file_in(&bare, &f31, "prompts/used/DevPod/F3.1_prompt.txt").unwrap().contains("Task F3.1"));
    assert!(forge.list_reviews().unwrap()[0].body.contains("Coaches read this on a phone"));

    // The lead's repository: byte-identical files, index, HEAD, branches, stash.
    assert_eq!(common::snapshot(&d.project), before);
    // main on the remote is untouched.
    assert_eq!(bare.find_reference("refs/heads/main").unwrap().target().unwrap(), main_before);
}

#[test]
fn promoting_again_changes_nothing() {
    let (_tmp, d) = demo_project();
    let url = d.practice_remote.to_string_lossy().into_owned();
    let forge = PracticeRemote::open(&url).unwrap();
    let name = item_named(&d, demo::CLEAN_PATCH);
    let first = promote(&PromoteRequest::new(&d.project, &name, &url), &forge, &|_| {}).unwrap();
    let second = promote(&PromoteRequest::new(&d.project, &name, &url), &forge, &|_| {}).unwrap();
    assert_eq!((first.commit.as_str(), first.pr_number), (second.commit.as_str(), second.pr_number));
    assert!(second.steps.iter().all(|e| e.state == StepState::Skipped), "{:?}", second.steps);
    assert_eq!(forge.list_reviews().unwrap().len(), 1);
}

#[test]
fn merged_requests_are_listed_as_merged() {
    let (_tmp, d) = demo_project();
    let url = d.practice_remote.to_string_lossy().into_owned();
    let forge = PracticeRemote::open(&url).unwrap();
    let name = item_named(&d, demo::CLEAN_PATCH);
    let out = promote(&PromoteRequest::new(&d.project, &name, &url), &forge, &|_| {}).unwrap();
    // Someone fast-forwards main to the branch on the practice remote.
    let bare = git2::Repository::open_bare(&d.practice_remote).unwrap();
    bare.reference("refs/heads/main", git2::Oid::from_str(&out.commit).unwrap(), true, "merge").unwrap();
    assert_eq!(forge.list_reviews().unwrap()[0].state, ReviewState::Merged);
    forge.close_review(out.pr_number).unwrap();
    assert_eq!(forge.list_reviews().unwrap()[0].state, ReviewState::Closed);
}

/// The demo with two items sent for review (clean patch, then ZIP bundle), both still open.
#[allow(clippy::type_complexity)]
fn two_open_reviews() -> (
    tempfile::TempDir,
    demo::DemoProject,
    String,
    PracticeRemote,
    String,
    String,
    patchdesk_promote::PromoteOutcome,
    patchdesk_promote::PromoteOutcome,
) {
    let (tmp, d) = demo_project();
    let url = d.practice_remote.to_string_lossy().into_owned();
    let forge = PracticeRemote::open(&url).unwrap();
    let first = item_named(&d, demo::CLEAN_PATCH);
    let second = item_named(&d, demo::ZIP_BUNDLE);
    let one = promote(&PromoteRequest::new(&d.project, &first, &url), &forge, &|_| {}).unwrap();
    let two = promote(&PromoteRequest::new(&d.project, &second, &url), &forge, &|_| {}).unwrap();
    (tmp, d, url, forge, first, second, one, two)
}

/// Two review requests open at once both add to the shared delivery logs. Once the first is
/// merged the second no longer merges cleanly; refreshing it makes its one commit again on the
/// new main (the same change, the logs as of now), and then it merges. Refreshing again, or an
/// up-to-date request, changes nothing.
#[test]
fn a_second_open_review_is_made_again_on_the_moved_base_and_then_merges() {
    use patchdesk_promote::refresh::{refresh, Refreshed};
    let (_tmp, d, url, forge, first, second, one, two) = two_open_reviews();
    assert_eq!(refresh(&PromoteRequest::new(&d.project, &second, &url), &forge).unwrap(), Refreshed::Current);

    forge.merge_review(one.pr_number).unwrap();
    // As things stand the second cannot be merged: both appended to the trace log.
    let bare = git2::Repository::open_bare(&d.practice_remote).unwrap();
    let main = bare.find_reference("refs/heads/main").unwrap().target().unwrap();
    let old = git2::Oid::from_str(&two.commit).unwrap();
    let index = bare.merge_commits(&bare.find_commit(main).unwrap(), &bare.find_commit(old).unwrap(), None).unwrap();
    assert!(index.has_conflicts(), "the shared logs clash before the refresh");

    let before = common::snapshot(&d.project);
    let done = refresh(&PromoteRequest::new(&d.project, &second, &url), &forge).unwrap();
    let Refreshed::Remade { commit, base_commit } = done else { panic!("not remade: {done:?}") };
    assert_eq!(base_commit, main.to_string());
    let tip = bare.find_reference(&format!("refs/heads/{}", two.branch)).unwrap().target().unwrap();
    assert_eq!(tip.to_string(), commit);
    let c = bare.find_commit(tip).unwrap();
    assert_eq!(c.parent_ids().collect::<Vec<_>>(), vec![main], "one commit on the new main");
    let trace = common::file_in(&bare, &commit, ".logs/trace_log.md").unwrap();
    assert!(
        trace.contains(&format!(".patches/{first}")) && trace.contains(&format!(".patches/{second}")),
        "both entries: {trace}"
    );
    for (path, content) in demo::intended_change(demo::ZIP_BUNDLE) {
        assert_eq!(common::file_in(&bare, &commit, path).as_deref(), Some(*content), "{path}");
    }
    assert_eq!(common::snapshot(&d.project), before, "the lead's folder is untouched");
    assert_eq!(refresh(&PromoteRequest::new(&d.project, &second, &url), &forge).unwrap(), Refreshed::Current);

    forge.merge_review(two.pr_number).unwrap();
    let reviews = forge.list_reviews().unwrap();
    assert!(reviews.iter().all(|r| r.state == ReviewState::Merged), "{reviews:?}");
}

/// The practice remote, with a reviewer who pushes a commit to one branch at the worst moment:
/// the first time Patchdesk builds a commit (after it looked at the remote, before it pushes).
struct RacingReviewer {
    inner: PracticeRemote,
    git_dir: std::path::PathBuf,
    branch: String,
    pushed: std::sync::Mutex<Option<git2::Oid>>,
}

impl RacingReviewer {
    fn push_now(&self) {
        let mut pushed = self.pushed.lock().unwrap();
        if pushed.is_some() {
            return;
        }
        let bare = git2::Repository::open_bare(&self.git_dir).unwrap();
        let name = format!("refs/heads/{}", self.branch);
        let parent = bare.find_reference(&name).unwrap().peel_to_commit().unwrap();
        let mut b = git2::build::TreeUpdateBuilder::new();
        b.upsert("docs/review-fix.md", bare.blob(b"A reviewer's fix\n").unwrap(), git2::FileMode::Blob);
        let tree = bare.find_tree(b.create_updated(&bare, &parent.tree().unwrap()).unwrap()).unwrap();
        let sig = git2::Signature::now("Reviewer", "reviewer@example.com").unwrap();
        *pushed = Some(bare.commit(Some(&name), &sig, &sig, "Fix a typo during review", &tree, &[&parent]).unwrap());
    }
}

impl Forge for RacingReviewer {
    fn merge_commit(&self, number: u64) -> Result<Option<patchdesk_forge::MergeCommit>, patchdesk_forge::ForgeError> {
        self.inner.merge_commit(number)
    }
    fn kind(&self) -> patchdesk_forge::ForgeKind {
        self.inner.kind()
    }
    fn describe(&self) -> String {
        self.inner.describe()
    }
    fn git_credentials(&self) -> Option<&patchdesk_forge::GitCredentials> {
        self.inner.git_credentials()
    }
    fn default_branch(&self) -> Result<String, patchdesk_forge::ForgeError> {
        self.inner.default_branch()
    }
    fn open_review(
        &self,
        new: &patchdesk_forge::NewReview,
    ) -> Result<patchdesk_forge::ReviewRequest, patchdesk_forge::ForgeError> {
        self.inner.open_review(new)
    }
    fn find_open_review(
        &self,
        branch: &str,
        base: &str,
    ) -> Result<Option<patchdesk_forge::ReviewRequest>, patchdesk_forge::ForgeError> {
        self.inner.find_open_review(branch, base)
    }
    fn add_labels(&self, number: u64, labels: &[String]) -> Result<(), patchdesk_forge::ForgeError> {
        self.inner.add_labels(number, labels)
    }
    fn request_reviewers(&self, number: u64, reviewers: &[String]) -> Result<(), patchdesk_forge::ForgeError> {
        self.inner.request_reviewers(number, reviewers)
    }
    fn list_reviews(&self) -> Result<Vec<patchdesk_forge::ReviewRequest>, patchdesk_forge::ForgeError> {
        self.inner.list_reviews()
    }
    fn review_status(
        &self,
        number: u64,
        etag: Option<&str>,
    ) -> Result<patchdesk_forge::ReviewPoll, patchdesk_forge::ForgeError> {
        self.inner.review_status(number, etag)
    }
    fn serves(&self, remote_url: &str) -> bool {
        self.inner.serves(remote_url)
    }
    fn file_link(&self, branch: &str, path: &str) -> String {
        self.inner.file_link(branch, path)
    }
    fn review_link_for_branch(&self, branch: &str) -> String {
        // Building the new commit asks for this link: the reviewer's push lands right then.
        self.push_now();
        self.inner.review_link_for_branch(branch)
    }
    fn feedback(
        &self,
        number: u64,
        cache: &mut patchdesk_forge::FeedbackCache,
    ) -> Result<patchdesk_forge::Feedback, patchdesk_forge::ForgeError> {
        self.inner.feedback(number, cache)
    }
    fn merge_methods(&self) -> Result<Vec<patchdesk_forge::MergeMethod>, patchdesk_forge::ForgeError> {
        self.inner.merge_methods()
    }
    fn merge(&self, number: u64, method: patchdesk_forge::MergeMethod) -> Result<String, patchdesk_forge::ForgeError> {
        self.inner.merge(number, method)
    }
    fn close(&self, number: u64) -> Result<(), patchdesk_forge::ForgeError> {
        self.inner.close(number)
    }
    fn comment(&self, number: u64, body: &str) -> Result<(), patchdesk_forge::ForgeError> {
        self.inner.comment(number, body)
    }
    fn delete_branch(&self, branch: &str, only_if_at: &str) -> Result<bool, patchdesk_forge::ForgeError> {
        self.inner.delete_branch(branch, only_if_at)
    }
}

/// The attack of finding 10: between Patchdesk's look at the remote and its push, a reviewer
/// pushes a commit to the Patchdesk branch. The refresh must not replace it: it says so in
/// words, and the reviewer's commit is still the branch's tip.
#[test]
fn a_reviewers_push_during_a_refresh_is_never_overwritten() {
    use patchdesk_promote::refresh::{refresh, Left, Refreshed};
    let (_tmp, d, url, forge, _, second, one, two) = two_open_reviews();
    forge.merge_review(one.pr_number).unwrap();

    let racing = RacingReviewer {
        inner: PracticeRemote::open(&url).unwrap(),
        git_dir: d.practice_remote.clone(),
        branch: two.branch.clone(),
        pushed: Default::default(),
    };
    let record_before = std::fs::read(patchdesk_promote::record_path(&d.project, &second)).unwrap();
    let out = refresh(&PromoteRequest::new(&d.project, &second, &url), &racing).unwrap();
    let reviewers = racing.pushed.lock().unwrap().expect("the reviewer pushed during the refresh");
    assert_eq!(out, Refreshed::Left { why: Left::BranchChanged }, "the branch moved under the refresh");
    assert!(Left::BranchChanged.words().contains("someone else pushed to it"), "{}", Left::BranchChanged.words());
    let bare = git2::Repository::open_bare(&d.practice_remote).unwrap();
    let tip = bare.find_reference(&format!("refs/heads/{}", two.branch)).unwrap().target().unwrap();
    assert_eq!(tip, reviewers, "the reviewer's commit is still there");
    assert_eq!(
        std::fs::read(patchdesk_promote::record_path(&d.project, &second)).unwrap(),
        record_before,
        "nothing recorded as remade"
    );

    // Asked again, the branch holds someone else's work: left alone.
    assert_eq!(
        refresh(&PromoteRequest::new(&d.project, &second, &url), &forge).unwrap(),
        Refreshed::Left { why: Left::BranchChanged }
    );
    assert_eq!(bare.find_reference(&format!("refs/heads/{}", two.branch)).unwrap().target().unwrap(), reviewers);
}
