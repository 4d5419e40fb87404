//! What the review-loop and undo tests share: the demo with F2.2 sent for review to its
//! practice remote.
#![allow(dead_code)]

use patchdesk_desk::send::SendChoices;
use patchdesk_desk::settings::Overrides;
use patchdesk_desk::{inbox, open_demo, send, Desk, Remote};
use std::path::{Path, PathBuf};

/// The demo with F2.2's patch sent for review to its practice remote.
pub struct Sent {
    pub desk: Desk,
    pub project: patchdesk_desk::Project,
    pub workdir: PathBuf,
    pub item: String,
    pub remote: Remote,
    pub out: patchdesk_desk::PromoteOutcome,
    pub bare: git2::Repository,
    /// The practice remote's folder.
    pub practice_remote: PathBuf,
    /// The practice remote's main before the send.
    pub main_before: git2::Oid,
}

/// Opens the demo under `tmp` and sends F2.2 for review.
pub fn sent_f22(tmp: &Path) -> Sent {
    let desk = Desk::new(tmp.join("data"), Overrides::default());
    let (demo, project) = open_demo(&tmp.join("demo")).unwrap();
    let workdir = project.workdir().to_path_buf();
    let items = inbox::items(&project).unwrap();
    let item = items.iter().find(|i| i.task_id.as_deref() == Some("F2.2")).unwrap().name.clone();
    let remote = Remote::origin(&workdir).unwrap();
    let bare = git2::Repository::open_bare(&demo.practice_remote).unwrap();
    let main_before = bare.refname_to_id("refs/heads/main").unwrap();
    let out = send::send_for_review(&desk, &workdir, &item, &remote, SendChoices::default(), &|_| {}).unwrap();
    Sent { desk, project, workdir, item, remote, out, bare, practice_remote: demo.practice_remote, main_before }
}
