//! What reviewers said and what the checks say, read from the GitHub stand-in (every request
//! and answer checked against GitHub's OpenAPI description): reviews, comments on lines and on
//! the pull request (Patchdesk's own left out), statuses and check runs, the allowed merge
//! methods, the merge button, comments, closing, and deleting only Patchdesk's own branch.

use github_standin::{RepoSpec, Standin};
use patchdesk_forge::{
    ApiBase, ChecksState, FeedbackCache, Forge, GitHub, MergeMethod, NewReview, ReviewState, Secret, Standing,
};

fn setup() -> (Standin, GitHub, u64, String) {
    let gh = Standin::start_blocking().expect("stand-in starts (run scripts/fetch-openapi.sh first)");
    gh.state().add_user("octo", "tok-octo", &["repo"]);
    gh.state().add_user("ann", "tok-ann", &["repo"]);
    gh.state().add_repo(RepoSpec::new("octo", "hello")).unwrap();
    let head = gh.state().commit_files("octo", "hello", "topic", "Work", &[("docs/a.md", "one\ntwo\n")]).unwrap();
    let forge = GitHub::new(ApiBase::from_api(&gh.api_url()), "octo/hello", Secret::new("tok-octo")).unwrap();
    let new =
        NewReview { title: "t".into(), body: "b".into(), branch: "topic".into(), base: "main".into(), draft: false };
    let n = forge.open_review(&new).unwrap().number;
    (gh, forge, n, head)
}

#[test]
fn reviews_comments_and_checks_come_back_from_github() {
    let (gh, forge, n, head) = setup();
    let f = forge.feedback(n, &mut FeedbackCache::new()).unwrap();
    assert_eq!((f.summary().standing, f.comments.len(), f.checks.state), (Standing::Waiting, 0, ChecksState::None));

    gh.state()
        .add_review("octo", "hello", n, "ann", "CHANGES_REQUESTED", "Please fix.", &[("docs/a.md", 2, "Say which.")])
        .unwrap();
    forge.comment(n, "Revision 2 from QAPod: fixed").unwrap();
    gh.state().add_status("octo", "hello", &head, "ci/build", "success").unwrap();
    gh.state().add_check_run("octo", "hello", &head, "test", "in_progress", None).unwrap();
    let f = forge.feedback(n, &mut FeedbackCache::new()).unwrap();
    let s = f.summary();
    assert_eq!((s.standing, s.asked_by.clone(), s.comments), (Standing::ChangesAsked, vec!["ann".to_string()], 2));
    let line = f.comments.iter().find(|c| c.path.is_some()).unwrap();
    assert_eq!((line.path.as_deref(), line.line, line.body.as_str()), (Some("docs/a.md"), Some(2), "Say which."));
    assert!(f.comments.iter().all(|c| !c.body.contains("Revision 2")), "Patchdesk's own comment is left out");
    assert_eq!(s.checks, ChecksState::Running);
    gh.state().add_check_run("octo", "hello", &head, "lint", "completed", Some("failure")).unwrap();
    assert_eq!(forge.feedback(n, &mut FeedbackCache::new()).unwrap().checks.state, ChecksState::Failing);

    assert_eq!(forge.merge_methods().unwrap(), vec![MergeMethod::Merge, MergeMethod::Squash, MergeMethod::Rebase]);
    let merged = forge.merge(n, MergeMethod::Merge).unwrap();
    assert_eq!(gh.state().branch_sha("octo", "hello", "main").as_deref(), Some(merged.as_str()));
    assert!(forge.merge(n, MergeMethod::Merge).is_err(), "a merged request is not merged twice");
    match forge.review_status(n, None).unwrap() {
        patchdesk_forge::ReviewPoll::Changed { review, .. } => assert_eq!(review.state, ReviewState::Merged),
        other => panic!("{other:?}"),
    }
    gh.assert_no_violations();
}

#[test]
fn closing_deletes_only_a_branch_nobody_else_added_to() {
    let (gh, forge, n, head) = setup();
    forge.close(n).unwrap();
    let theirs =
        gh.state().commit_files("octo", "hello", "topic", "A reviewer's fix", &[("docs/b.md", "x\n")]).unwrap();
    assert!(!forge.delete_branch("topic", &head).unwrap(), "someone else's commit keeps the branch");
    assert_eq!(gh.state().branch_sha("octo", "hello", "topic").as_deref(), Some(theirs.as_str()));
    assert!(forge.delete_branch("topic", &theirs).unwrap());
    assert!(gh.state().branch_sha("octo", "hello", "topic").is_none());
    assert!(!forge.delete_branch("topic", &theirs).unwrap(), "gone already: nothing to do");
    gh.assert_no_violations();
}

/// Each read of one feedback round, by operation, with the status it got.
fn round(gh: &Standin) -> Vec<(String, u16)> {
    let mut out: Vec<(String, u16)> =
        gh.state().requests().into_iter().map(|r| (r.operation.unwrap_or_default(), r.status)).collect();
    out.sort();
    gh.state().clear_requests();
    out
}

#[test]
fn a_second_round_with_nothing_new_costs_only_304s_and_a_new_comment_is_read_again_alone() {
    let (gh, forge, n, head) = setup();
    gh.state()
        .add_review("octo", "hello", n, "ann", "CHANGES_REQUESTED", "Please fix.", &[("docs/a.md", 2, "Say which.")])
        .unwrap();
    forge.comment(n, "Revision 2 from QAPod: fixed").unwrap();
    gh.state().add_status("octo", "hello", &head, "ci/build", "success").unwrap();
    gh.state().add_check_run("octo", "hello", &head, "test", "completed", Some("success")).unwrap();
    gh.state().clear_requests();
    let reads = [
        "checks/list-for-ref",
        "issues/list-comments",
        "pulls/get",
        "pulls/list-review-comments",
        "pulls/list-reviews",
        "repos/get-combined-status-for-ref",
    ];
    let all = |status: u16| reads.iter().map(|o| (o.to_string(), status)).collect::<Vec<_>>();

    // 1. First round: everything is read.
    let mut cache = FeedbackCache::new();
    let first = forge.feedback(n, &mut cache).unwrap();
    assert_eq!(round(&gh), all(200));
    assert_eq!(first.summary().comments, 2, "{first:?}");

    // 2. Nothing changed: the kept answers (as saved and loaded again) make every read a 304,
    // and the feedback is the same.
    let mut cache = FeedbackCache::from_bytes(&cache.to_bytes());
    let second = forge.feedback(n, &mut cache).unwrap();
    assert_eq!(round(&gh), all(304));
    assert_eq!(second, first);

    // 3. A new comment on a line: only that list is read again, and the comment is there.
    gh.state().add_review_comment("octo", "hello", n, "ann", "docs/a.md", 1, "And this one.").unwrap();
    let third = forge.feedback(n, &mut cache).unwrap();
    let expected: Vec<(String, u16)> =
        reads.iter().map(|o| (o.to_string(), if *o == "pulls/list-review-comments" { 200 } else { 304 })).collect();
    assert_eq!(round(&gh), expected);
    assert_eq!(third.comments.len(), 3, "{third:?}");
    assert!(third.comments.iter().any(|c| c.body == "And this one." && c.line == Some(1)), "{third:?}");
    assert_eq!(forge.feedback(n, &mut cache).unwrap(), third);
    assert_eq!(round(&gh), all(304));

    // 4. Kept answers that were damaged on disk (the ETags still match): each is read afresh.
    let mut kept: serde_json::Value = serde_json::from_slice(&cache.to_bytes()).unwrap();
    for answer in kept["answers"].as_object_mut().unwrap().values_mut() {
        answer["body"] = "not an answer".into();
    }
    let mut cache = FeedbackCache::from_bytes(&serde_json::to_vec(&kept).unwrap());
    assert_eq!(forge.feedback(n, &mut cache).unwrap(), third);
    let statuses: Vec<u16> = round(&gh).into_iter().map(|(_, s)| s).collect();
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 6, "{statuses:?}");
    assert_eq!(forge.feedback(n, &mut cache).unwrap(), third);
    assert_eq!(round(&gh), all(304), "and kept again");
    gh.assert_no_violations();
}
