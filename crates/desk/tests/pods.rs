//! What pods hand in without a download, through the desk, on the demo project built by code:
//! a patch with its logs, a check that stores nothing, the text as received, whole-file
//! batches (SHA-checked, path-checked, nothing stored on refusal), tokens, and 50 submissions
//! at once from several threads.

use patchdesk_desk::pods::{self, Applies, BatchFile, BatchRequest, FileStatus, FileUpdate, Submission};
use patchdesk_desk::settings::Overrides;
use patchdesk_desk::{inbox, open_demo, tokens, Desk, TestClock};
use std::sync::Arc;
use time::macros::datetime;

fn desk(tmp: &std::path::Path) -> Desk {
    Desk::new(tmp.join("data"), Overrides::default())
        .with_clock(Arc::new(TestClock::new(datetime!(2026-11-30 12:00 UTC))))
}

fn new_file_patch(path: &str, text: &str) -> String {
    let lines: Vec<String> = text.lines().map(|l| format!("+{l}")).collect();
    format!(
        "diff --git a/{path} b/{path}\nnew file mode 100644\n--- /dev/null\n+++ b/{path}\n@@ -0,0 +1,{} @@\n{}\n",
        lines.len(),
        lines.join("\n")
    )
}

fn queue_files(workdir: &std::path::Path) -> usize {
    std::fs::read_dir(workdir.join(".patches/queue")).map(|d| d.count()).unwrap_or(0)
}

#[test]
fn a_submission_lands_in_the_inbox_with_its_logs_and_reads_back_exactly() {
    let tmp = tempfile::tempdir().unwrap();
    let desk = desk(tmp.path());
    let (_demo, project) = open_demo(&tmp.path().join("demo")).unwrap();
    let patch = new_file_patch("docs/new.md", "hello\nworld");
    let s = Submission {
        task_id: "F2.1".into(),
        summary: "Add a note".into(),
        patch: patch.clone(),
        output_folders: vec!["docs".into()],
        reasoning_trace: Some("I thought about it.".into()),
        changelog: Some("- added docs/new.md".into()),
        handoff: Some("QA next.".into()),
        ..Default::default()
    };
    let checked = pods::check(&project, &s).unwrap();
    assert_eq!(checked.applies, Applies::Clean);
    assert_eq!(checked.files, vec!["docs/new.md".to_string()]);
    let before = inbox::items(&project).unwrap().len();
    let done = pods::submit(&desk, &project, "DevPod", &s).unwrap();
    assert_eq!(done.applies, Applies::Clean, "{done:?}");
    assert!(done.name.starts_with("patch_20261130_120000_F2.1"), "{}", done.name);
    assert_eq!(inbox::items(&project).unwrap().len(), before + 1);
    assert_eq!(pods::patch_text(&project, &done.name).unwrap(), patch.as_bytes());
    let review = inbox::review(&project, &done.name).unwrap();
    assert_eq!(review.item.pod.as_deref(), Some("DevPod"));
    let logs: Vec<&str> = review.logs.iter().map(|l| l.text.as_str()).collect();
    assert!(logs.contains(&"I thought about it.") && logs.contains(&"QA next."), "{logs:?}");
    assert!(pods::patch_text(&project, "../../etc/passwd").is_err());
}

#[test]
fn batches_are_checked_file_by_file_and_store_nothing_on_refusal() {
    let tmp = tempfile::tempdir().unwrap();
    let desk = desk(tmp.path());
    let (_demo, project) = open_demo(&tmp.path().join("demo")).unwrap();
    let workdir = project.workdir().to_path_buf();
    let repo = git2::Repository::open(&workdir).unwrap();
    let current = repo.head().unwrap().peel_to_tree().unwrap().get_path("README.md".as_ref()).unwrap().id().to_string();
    let before = queue_files(&workdir);

    // A stale sha: a conflict with the current one, nothing stored.
    let stale = FileUpdate {
        path: "README.md".into(),
        content: "new\n".into(),
        message: "Update".into(),
        sha: Some("0".repeat(40)),
        task_id: Some("F2.1".into()),
        ..Default::default()
    };
    let done = pods::update_file(&desk, &project, "DevPod", &stale).unwrap();
    assert!(!done.is_stored() && done.has_conflict());
    assert_eq!(done.results[0].sha.as_deref(), Some(current.as_str()));
    assert_eq!(queue_files(&workdir), before);

    // Unsafe paths and binary data: refused with a sentence, nothing stored.
    for bad in ["../outside.txt", "/etc/passwd", ".git/config", "a/../../b"] {
        let req = BatchRequest {
            commit_message: "x".into(),
            task_id: Some("F2.1".into()),
            files: vec![
                BatchFile { path: "ok.txt".into(), content: "fine\n".into(), sha: None },
                BatchFile { path: bad.into(), content: "x\n".into(), sha: None },
            ],
            ..Default::default()
        };
        let done = pods::batch(&desk, &project, "DevPod", &req).unwrap();
        assert!(!done.is_stored(), "{bad}");
        assert_eq!(done.results[1].status, FileStatus::Refused, "{bad}");
        assert!(done.message.ends_with("Nothing was stored."), "{}", done.message);
    }
    let binary = BatchRequest {
        commit_message: "x".into(),
        task_id: Some("F2.1".into()),
        files: vec![BatchFile { path: "bin.dat".into(), content: "a\0b".into(), sha: None }],
        ..Default::default()
    };
    assert!(!pods::batch(&desk, &project, "DevPod", &binary).unwrap().is_stored());
    assert_eq!(queue_files(&workdir), before);

    // The right sha: updated and created, one inbox item.
    let req = BatchRequest {
        commit_message: "Refresh the readme\n\nand add a file".into(),
        branch: Some("chatgpt/auto/devpod/F2.1".into()),
        files: vec![
            BatchFile { path: "README.md".into(), content: "new readme\n".into(), sha: Some(current.clone()) },
            BatchFile { path: "docs/added.md".into(), content: "added\n".into(), sha: None },
        ],
        ..Default::default()
    };
    let done = pods::batch(&desk, &project, "DevPod", &req).unwrap();
    assert!(done.is_stored(), "{done:?}");
    let statuses: Vec<FileStatus> = done.results.iter().map(|r| r.status).collect();
    assert_eq!(statuses, vec![FileStatus::Updated, FileStatus::Created]);
    let submitted = done.submitted.unwrap();
    assert_eq!((submitted.task_id.as_str(), submitted.applies), ("F2.1", Applies::Clean));
    assert_eq!(submitted.summary, "Refresh the readme");
}

#[test]
fn tokens_are_kept_as_hashes_outside_git_and_name_their_pod() {
    let tmp = tempfile::tempdir().unwrap();
    let (_demo, project) = open_demo(&tmp.path().join("demo")).unwrap();
    let workdir = project.workdir();
    let made = tokens::add(workdir, "QAPod", datetime!(2026-11-30 12:00 UTC)).unwrap();
    assert!(made.token.starts_with("pdk_") && made.token.len() > 60);
    let kept = std::fs::read_to_string(workdir.join(".git/patchdesk/pod-api.json")).unwrap();
    assert!(!kept.contains(&made.token) && kept.contains("QAPod"));
    assert_eq!(tokens::verify(workdir, &made.token).unwrap(), "QAPod");
    assert!(tokens::verify(workdir, "pdk_wrong").is_err());
    assert_eq!(tokens::list(workdir).unwrap().len(), 1);
    tokens::revoke(workdir, "QAPod", None).unwrap();
    let err = tokens::verify(workdir, &made.token).unwrap_err();
    assert_eq!(err.code.as_str(), "token_invalid");
}

#[test]
fn fifty_submissions_at_once_from_several_threads_are_all_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let desk = desk(tmp.path());
    let (demo, _project) = open_demo(&tmp.path().join("demo")).unwrap();
    let before = inbox::items(&patchdesk_desk::open_project(&demo.project).unwrap()).unwrap().len();
    let handles: Vec<_> = (0..5)
        .map(|t| {
            let (desk, dir) = (desk.clone(), demo.project.clone());
            std::thread::spawn(move || {
                let project = patchdesk_desk::open_project(&dir).unwrap();
                (0..10)
                    .map(|i| {
                        let s = Submission {
                            task_id: "F2.1".into(),
                            summary: format!("Change {t}.{i}"),
                            patch: new_file_patch(&format!("docs/n{t}_{i}.md"), &format!("note {t} {i}")),
                            ..Default::default()
                        };
                        pods::submit(&desk, &project, "DevPod", &s).unwrap().name
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let names: Vec<String> = handles.into_iter().flat_map(|h| h.join().unwrap()).collect();
    let unique: std::collections::BTreeSet<&String> = names.iter().collect();
    assert_eq!(unique.len(), 50);
    let project = patchdesk_desk::open_project(&demo.project).unwrap();
    assert_eq!(inbox::items(&project).unwrap().len(), before + 50);
    for n in &names {
        let text = String::from_utf8(pods::patch_text(&project, n).unwrap()).unwrap();
        assert!(text.starts_with("diff --git a/docs/n"), "{n}: {text}");
    }
}

#[test]
fn auto_promote_sends_what_arrives_for_review_as_a_pull_request_never_to_the_default_branch() {
    let tmp = tempfile::tempdir().unwrap();
    let desk = desk(tmp.path());
    let (demo, project) = open_demo(&tmp.path().join("demo")).unwrap();
    let remote = git2::Repository::open(&demo.practice_remote).unwrap();
    let main_before = remote.refname_to_id("refs/heads/main").unwrap();
    let s = Submission {
        task_id: "F2.1".into(),
        summary: "Off by default".into(),
        patch: new_file_patch("docs/off.md", "off"),
        ..Default::default()
    };
    assert!(pods::submit(&desk, &project, "DevPod", &s).unwrap().review.is_none(), "off by default");

    tokens::set_auto_promote(project.workdir(), true).unwrap();
    let s = Submission { summary: "Sent at once".into(), patch: new_file_patch("docs/on.md", "on"), ..s };
    let done = pods::submit(&desk, &project, "DevPod", &s).unwrap();
    let review = done.review.expect("sent for review");
    assert!(review.not_sent.is_none(), "{review:?}");
    assert!(review.url.is_some());
    let branch = review.branch.unwrap();
    assert_ne!(branch, "main");
    assert!(remote.refname_to_id(&format!("refs/heads/{branch}")).is_ok());
    assert_eq!(remote.refname_to_id("refs/heads/main").unwrap(), main_before, "never pushed to the default branch");

    // One that does not apply waits in the inbox, with the reason.
    let conflict = Submission {
        summary: "Clashes".into(),
        patch: "diff --git a/README.md b/README.md\n--- a/README.md\n+++ b/README.md\n@@ -1,1 +1,1 @@\n-no such line here\n+x\n".into(),
        ..Default::default()
    };
    let conflict = Submission { task_id: "F2.1".into(), ..conflict };
    let done = pods::submit(&desk, &project, "DevPod", &conflict).unwrap();
    assert!(matches!(done.applies, Applies::Conflict | Applies::Refused), "{done:?}");
    assert!(done.review.unwrap().not_sent.is_some());
}
