//! The desk's clock is the one the practice remote stamps review requests with: a test hands in
//! a clock and reads its time back from the remote's record, without sleeping or reading the
//! computer's clock.

use patchdesk_desk::settings::Overrides;
use patchdesk_desk::{Desk, Remote, TestClock};
use patchdesk_forge::NewReview;
use std::sync::Arc;
use time::macros::datetime;

#[test]
fn the_practice_remote_stamps_with_the_desks_clock() {
    let dir = tempfile::tempdir().unwrap();
    let bare = dir.path().join("remote.git");
    let repo = git2::Repository::init_bare(&bare).unwrap();
    let sig = git2::Signature::now("T", "t@localhost").unwrap();
    let tree = repo.find_tree(repo.treebuilder(None).unwrap().write().unwrap()).unwrap();
    let base = repo.commit(Some("refs/heads/main"), &sig, &sig, "base", &tree, &[]).unwrap();
    repo.commit(Some("refs/heads/topic"), &sig, &sig, "work", &tree, &[&repo.find_commit(base).unwrap()]).unwrap();

    let desk = Desk::new(dir.path().join("data"), Overrides::default())
        .with_clock(Arc::new(TestClock::new(datetime!(2031-02-03 04:05:06 UTC))));
    let chosen = desk.forge(&Remote { url: bare.display().to_string(), github_repo: None }).unwrap();
    let new =
        NewReview { title: "t".into(), body: "b".into(), branch: "topic".into(), base: "main".into(), draft: false };
    let review = chosen.forge.open_review(&new).unwrap();
    let record: serde_json::Value =
        serde_json::from_slice(&std::fs::read(bare.join(format!("patchdesk-reviews/{}.json", review.number))).unwrap())
            .unwrap();
    assert_eq!(record["created_at"], "2031-02-03T04:05:06Z");
}
