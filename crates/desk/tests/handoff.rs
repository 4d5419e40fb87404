//! "Hand off, then send the board" as one desk call (the window's `hand_off_task`): the files the
//! lead chose reach the prompt, the send's outcome comes back with the handoff, and a send that
//! cannot reach the remote leaves the handoff made and says why.

use patchdesk_desk::board::HandoffRequest;
use patchdesk_desk::settings::Overrides;
use patchdesk_desk::{board, open_demo, Desk};
use std::path::Path;
use time::macros::datetime;

fn head(repo: &Path, refname: &str) -> git2::Oid {
    git2::Repository::open(repo).unwrap().refname_to_id(refname).unwrap()
}

#[test]
fn a_handoff_is_sent_with_it_and_an_unreachable_remote_only_delays_the_send() {
    let tmp = tempfile::tempdir().unwrap();
    let desk = Desk::new(tmp.path().join("data"), Overrides::default());
    let (demo, project) = open_demo(&tmp.path().join("demo")).unwrap();
    let workdir = project.workdir().to_path_buf();
    let files = vec!["src/rtp/stages.py".to_string()];

    let request =
        HandoffRequest { input_files: &files, ..HandoffRequest::new("F2.1", "DevPod", "QA is done; build it.") };
    let done = board::hand_off_then_send(&desk, &workdir, &request, datetime!(2026-11-21 09:00 UTC)).unwrap();
    assert!(done.handoff.handed.new);
    assert!(done.handoff.prompt.contains("src/rtp/stages.py"), "{}", done.handoff.prompt);
    assert!(done.error.is_none(), "{:?}", done.error);
    assert!(done.board.is_some_and(|b| b.words.starts_with("Sent")));
    assert_eq!(head(&demo.practice_remote, "refs/heads/main"), head(&workdir, "HEAD"));

    // The remote is gone (a disk unplugged): the handoff is still made; the send waits.
    std::fs::rename(&demo.practice_remote, tmp.path().join("away.git")).unwrap();
    let request = HandoffRequest::new("F2.2", "QAPod", "Ready for tests.");
    let later = board::hand_off_then_send(&desk, &workdir, &request, datetime!(2026-11-21 10:00 UTC)).unwrap();
    assert!(later.handoff.handed.new);
    assert!(later.board.is_none());
    let error = later.error.expect("the send's failure is said");
    assert!(!error.message.is_empty());
    let repo = git2::Repository::open(&workdir).unwrap();
    let subject = String::from_utf8_lossy(repo.head().unwrap().peel_to_commit().unwrap().message_bytes()).into_owned();
    assert!(subject.starts_with("Hand off F2.2"), "{subject}");
}
