//! "Undo merge" against the GitHub stand-in (every REST call checked against GitHub's OpenAPI
//! description): the merged pull request's change taken out by a second pull request built in
//! the object store; a rerun returns it; merging it is noticed by following the reviews.

mod common;

use patchdesk_error::{Code, Coded};
use patchdesk_forge::{ApiBase, Forge, GitHub, MergeMethod, ReviewState, Secret};
use patchdesk_promote::lifecycle::{follow_reviews, ReviewChange};
use patchdesk_promote::undo::{undo_merge, UndoOutcome, UndoRequest};
use patchdesk_promote::{promote, KnownReview, PromoteError, PromoteRequest};
use time::macros::datetime;

const TOKEN: &str = "fake-undo-test-token-9b2e71";

fn known(work: &std::path::Path, item: &str) -> KnownReview {
    patchdesk_promote::sent_reviews(work).into_iter().find(|k| k.item == item).unwrap()
}

/// A pull request for F4.3 (changes src/app.py, adds src/rtp.py) opened on the stand-in.
fn sent_f43() -> (common::Hub, GitHub, String, patchdesk_promote::PromoteOutcome) {
    let s =
        common::hub(TOKEN, &["repo"], "hello", &[("src/app.py", "def main():\n    return 1\n"), ("docs/a.md", "a\n")]);
    common::sign_as_lead(&s.work);
    let gh = GitHub::new(ApiBase::from_api(&s.gh.api_url()), "octo/hello", Secret::new(TOKEN)).unwrap();
    let diff =
        common::diff_of(&s.work, &[("src/app.py", "def main():\n    return 2\n"), ("src/rtp.py", "RTP = True\n")]);
    let q = patchdesk_intake::Queue::open(&s.work).unwrap();
    let sidecar = br#"{"task_id": "F4.3", "summary": "Add RTP generator", "pod": "DevPod"}"#.to_vec();
    let report = q.import(&[
        ("patch_20261120_101500_F4.3.diff".to_string(), diff),
        ("patch_20261120_101500_F4.3.json".to_string(), sidecar),
    ]);
    let item = report.imported[0].name.clone();
    let mut req = PromoteRequest::new(&s.work, &item, &s.url);
    req.author = Some(("Octo Cat".into(), "octo@example.com".into()));
    let out = promote(&req, &gh, &|_| {}).unwrap();
    (s, gh, item, out)
}

/// "Undo merge" of F4.3's request `k`.
fn undo_f43(s: &common::Hub, gh: &GitHub, k: &KnownReview) -> Result<UndoOutcome, PromoteError> {
    undo_merge(
        &UndoRequest {
            workdir: &s.work,
            remote_url: &s.url,
            reverts: k,
            task: "F4.3",
            title: "Add RTP generator",
            author: Some(("Octo Cat".into(), "octo@example.com".into())),
            now: datetime!(2026-11-30 17:00 UTC),
        },
        gh,
    )
}

#[test]
fn a_merged_pull_request_is_undone_by_a_second_one_on_github() {
    let (s, gh, item, out) = sent_f43();
    let k = known(&s.work, &item);
    let undo = |k: &KnownReview| undo_f43(&s, &gh, k);

    // Not merged yet: refused, nothing sent.
    let e = undo(&k).unwrap_err();
    assert_eq!(e.code(), Code::NotMerged, "{e}");
    assert_eq!(s.gh.state().pull_requests("octo", "hello").len(), 1);

    let bare = git2::Repository::open_bare(s.gh.state().git_dir("octo", "hello").unwrap()).unwrap();
    let before = bare.refname_to_id("refs/heads/main").unwrap();
    s.gh.state().merge_pull("octo", "hello", out.pr_number, "octo").unwrap();
    let merged_main = bare.refname_to_id("refs/heads/main").unwrap();

    let done = undo(&k).unwrap();
    assert!(done.new);
    let rec = &done.record;
    let number = rec.number.unwrap();
    let prs = s.gh.state().pull_requests("octo", "hello");
    let pr = prs.iter().find(|p| p.number == number).unwrap();
    assert_eq!(pr.title, format!("Undo F4.3: Add RTP generator (reverts #{})", out.pr_number));
    assert_eq!((pr.head.as_str(), pr.base.as_str()), (rec.branch.as_str(), "main"));
    assert_eq!(rec.branch, format!("patchdesk/undo/f4.3-{}", out.pr_number));
    let tip = bare.find_commit(bare.refname_to_id(&format!("refs/heads/{}", rec.branch)).unwrap()).unwrap();
    assert_eq!(tip.parent_ids().collect::<Vec<_>>(), vec![merged_main], "one commit on main");
    let file = |c: &git2::Commit<'_>, p: &str| c.tree().unwrap().get_path(std::path::Path::new(p)).ok().map(|e| e.id());
    let old = bare.find_commit(before).unwrap();
    assert_eq!(file(&tip, "src/app.py"), file(&old, "src/app.py"));
    assert_eq!(file(&tip, "src/rtp.py"), None);
    assert_eq!(bare.refname_to_id("refs/heads/main").unwrap(), merged_main);

    // A rerun returns the same pull request.
    let again = undo(&k).unwrap();
    assert!(!again.new);
    assert_eq!(again.record.number, Some(number));
    assert_eq!(s.gh.state().pull_requests("octo", "hello").len(), 2);

    // Merged: following the reviews notices it, once.
    follow_reviews(&s.work, &gh, datetime!(2026-11-30 17:01 UTC)).unwrap();
    s.gh.state().merge_pull("octo", "hello", number, "octo").unwrap();
    let f = follow_reviews(&s.work, &gh, datetime!(2026-11-30 17:02 UTC)).unwrap();
    let u = f.reviews.iter().find(|r| r.change == ReviewChange::Undone).expect("noticed");
    assert_eq!((u.review.number, u.review.state), (number, ReviewState::Merged));
    let f = follow_reviews(&s.work, &gh, datetime!(2026-11-30 17:03 UTC)).unwrap();
    assert!(f.reviews.iter().all(|r| r.change != ReviewChange::Undone), "{f:?}");
    s.gh.assert_no_violations();
}

/// The files of a commit's tree that are not delivery logs, by path.
fn project_files(repo: &git2::Repository, id: git2::Oid) -> std::collections::BTreeMap<String, git2::Oid> {
    let mut out = std::collections::BTreeMap::new();
    repo.find_commit(id)
        .unwrap()
        .tree()
        .unwrap()
        .walk(git2::TreeWalkMode::PreOrder, |dir, e| {
            let path = format!("{dir}{}", e.name().unwrap());
            if e.kind() == Some(git2::ObjectType::Blob) && !path.starts_with(".logs/") && !path.starts_with("metrics/")
            {
                out.insert(path, e.id());
            }
            git2::TreeWalkResult::Ok
        })
        .unwrap();
    out
}

#[test]
fn undo_of_a_rebase_merge_takes_out_every_commit_of_the_request() {
    let (s, gh, item, out) = sent_f43();
    // A reviewer adds a second commit to the request.
    s.gh.state()
        .commit_files("octo", "hello", &out.branch, "A reviewer's note", &[("docs/review.md", "checked\n")])
        .unwrap();
    let bare = git2::Repository::open_bare(s.gh.state().git_dir("octo", "hello").unwrap()).unwrap();
    let before = bare.refname_to_id("refs/heads/main").unwrap();
    let landed = gh.merge(out.pr_number, MergeMethod::Rebase).unwrap();
    let tip = bare.find_commit(bare.refname_to_id("refs/heads/main").unwrap()).unwrap();
    assert_eq!(tip.id().to_string(), landed);
    assert_eq!(tip.parent_count(), 1, "a rebase merge makes no merge commit");
    assert_eq!(tip.parent(0).unwrap().parent_id(0).unwrap(), before, "two commits landed on main");

    let k = known(&s.work, &item);
    let done = undo_f43(&s, &gh, &k).unwrap();
    let undo_tip = bare.refname_to_id(&format!("refs/heads/{}", done.record.branch)).unwrap();
    assert_eq!(bare.find_commit(undo_tip).unwrap().parent_ids().collect::<Vec<_>>(), vec![tip.id()]);
    // Both commits' changes are taken out: every project file as on main before the merge.
    assert_eq!(project_files(&bare, undo_tip), project_files(&bare, before));
    s.gh.assert_no_violations();
}

#[test]
fn undo_of_a_squash_merge_right_after_another_takes_out_only_its_own_commit() {
    let (s, gh, item, out) = sent_f43();
    s.gh.state()
        .commit_files("octo", "hello", &out.branch, "A reviewer's note", &[("docs/review.md", "checked\n")])
        .unwrap();
    // Another request, squashed into main by the same person a moment before.
    s.gh.state().commit_files("octo", "hello", "other", "Other work", &[("docs/other.md", "other\n")]).unwrap();
    let other = gh
        .open_review(&patchdesk_forge::NewReview {
            title: "Other".into(),
            body: String::new(),
            branch: "other".into(),
            base: "main".into(),
            draft: false,
        })
        .unwrap();
    gh.merge(other.number, MergeMethod::Squash).unwrap();
    let bare = git2::Repository::open_bare(s.gh.state().git_dir("octo", "hello").unwrap()).unwrap();
    let before = bare.refname_to_id("refs/heads/main").unwrap();
    gh.merge(out.pr_number, MergeMethod::Squash).unwrap();
    let k = known(&s.work, &item);
    let done = undo_f43(&s, &gh, &k).unwrap();
    let undo_tip = bare.refname_to_id(&format!("refs/heads/{}", done.record.branch)).unwrap();
    let files = project_files(&bare, undo_tip);
    assert_eq!(files, project_files(&bare, before), "only the squashed request is taken out");
    assert!(files.contains_key("docs/other.md"), "the other request's change stays");
    s.gh.assert_no_violations();
}
