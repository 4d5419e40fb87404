//! What reviewers said and what the checks say, read from the GitHub stand-in (every request
//! and answer checked against GitHub's OpenAPI description): reviews, comments on lines and on
//! the pull request (Patchdesk's own left out), statuses and check runs, the allowed merge
//! methods, the merge button, comments, closing, and deleting only Patchdesk's own branch.

use github_standin::{RepoSpec, Standin};
use patchdesk_forge::{ApiBase, ChecksState, Forge, GitHub, MergeMethod, NewReview, ReviewState, Secret, Standing};

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
    let f = forge.feedback(n).unwrap();
    assert_eq!((f.summary().standing, f.comments.len(), f.checks.state), (Standing::Waiting, 0, ChecksState::None));

    gh.state()
        .add_review("octo", "hello", n, "ann", "CHANGES_REQUESTED", "Please fix.", &[("docs/a.md", 2, "Say which.")])
        .unwrap();
    forge.comment(n, "Revision 2 from QAPod: fixed").unwrap();
    gh.state().add_status("octo", "hello", &head, "ci/build", "success").unwrap();
    gh.state().add_check_run("octo", "hello", &head, "test", "in_progress", None).unwrap();
    let f = forge.feedback(n).unwrap();
    let s = f.summary();
    assert_eq!((s.standing, s.asked_by.clone(), s.comments), (Standing::ChangesAsked, vec!["ann".to_string()], 2));
    let line = f.comments.iter().find(|c| c.path.is_some()).unwrap();
    assert_eq!((line.path.as_deref(), line.line, line.body.as_str()), (Some("docs/a.md"), Some(2), "Say which."));
    assert!(f.comments.iter().all(|c| !c.body.contains("Revision 2")), "Patchdesk's own comment is left out");
    assert_eq!(s.checks, ChecksState::Running);
    gh.state().add_check_run("octo", "hello", &head, "lint", "completed", Some("failure")).unwrap();
    assert_eq!(forge.feedback(n).unwrap().checks.state, ChecksState::Failing);

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
