//! The desk's workflows on real repositories built by code: the demo's whole loop (review,
//! reject, keep, send for review, the background follow-up driven without waiting, hand off and
//! send), the forge choice following what the person said and the settings the window saved,
//! and the Downloads pickup's retry policy.

use patchdesk_desk::background::Rounds;
use patchdesk_desk::downloads::Pickup;
use patchdesk_desk::send::SendChoices;
use patchdesk_desk::settings::{set_github, Overrides};
use patchdesk_desk::{
    board, follow, inbox, open_demo, send, Desk, FileAsk, OffsetDateTime, Remote, ReviewChange, Status,
};
use std::path::Path;
use std::sync::mpsc::channel;
use std::sync::Mutex;
use std::time::{Duration, SystemTime};
use time::macros::datetime;

fn head(repo: &Path, refname: &str) -> git2::Oid {
    git2::Repository::open(repo).unwrap().refname_to_id(refname).unwrap()
}

#[test]
fn the_demo_loop_through_the_desk_with_the_follow_up_in_the_background() {
    let tmp = tempfile::tempdir().unwrap();
    let desk = Desk::new(tmp.path().join("data"), Overrides::default());
    let (demo, project) = open_demo(&tmp.path().join("demo")).unwrap();
    let workdir = project.workdir().to_path_buf();
    let items = inbox::items(&project).unwrap();
    let name_of = |task: &str| items.iter().find(|i| i.task_id.as_deref() == Some(task)).unwrap().name.clone();
    let (clean, chat) = (name_of("F2.2"), name_of("F2.1"));

    // Review and check: the clean patch applies as it is, the chat one after repairs.
    let review = inbox::review(&project, &clean).unwrap();
    assert_eq!(review.outcome, patchdesk_desk::apply::Outcome::Clean);
    let checks = inbox::check_items(&project).unwrap();
    assert_eq!(checks.iter().find(|c| c.name == chat).unwrap().outcome, patchdesk_desk::apply::Outcome::Repaired);

    // Reject at a time passed in: the feedback entry carries that date; then restore it.
    let rejected =
        inbox::reject(&project, &chat, "Use the stage names from the guide.", datetime!(2026-11-20 10:00 UTC)).unwrap();
    assert_eq!(rejected.item.status, Status::Rejected);
    let feedback = std::fs::read_to_string(workdir.join(&rejected.feedback_path)).unwrap();
    assert!(feedback.contains("2026-11-20") && feedback.contains("Use the stage names"), "{feedback}");
    assert_eq!(inbox::set_status(&project, &chat, Status::Queued).unwrap().status, Status::Queued);

    // Hand a task on: one commit, the prompt, and the board sent with it.
    let (handoff, sent) = board::hand_off_and_send(
        &desk,
        &workdir,
        "F2.1",
        "DevPod",
        "QA is done; build it.",
        datetime!(2026-11-21 09:00 UTC),
    )
    .unwrap();
    assert!(handoff.handed.new);
    assert!(handoff.prompt.contains("F2.1"), "{}", handoff.prompt);
    assert!(sent.is_some_and(|w| !w.starts_with("Not sent")));
    assert_eq!(head(&demo.practice_remote, "refs/heads/main"), head(&workdir, "HEAD"));

    // Send for review to the practice remote (origin, a folder on this disk).
    let remote = Remote::origin(&workdir).unwrap();
    let steps = Mutex::new(Vec::new());
    let out = send::send_for_review(&desk, &workdir, &clean, &remote, SendChoices::default(), &|e| {
        steps.lock().unwrap().push(e.step)
    })
    .unwrap();
    assert!(out.pr_url.contains("practice-remote.git"), "{}", out.pr_url);
    assert!(!steps.lock().unwrap().is_empty());
    let practice = patchdesk_forge::PracticeRemote::open(&demo.practice_remote.to_string_lossy()).unwrap();
    practice.merge_review(out.pr_number).unwrap();

    // The minute's follow-up as the window runs it, poked instead of waited for: the merge is
    // recorded and the board's commit goes to the remote's main.
    let (tell, told) = channel();
    let (round_desk, round_dir) = (desk.clone(), workdir.clone());
    let rounds = Rounds::start("follow-up-test", Duration::from_secs(3600), move || {
        let _ = tell.send(follow::follow_up(&round_desk, &round_dir, OffsetDateTime::now_utc()));
    })
    .unwrap();
    rounds.now();
    let done = told.recv().unwrap().expect("the demo has a remote");
    assert!(done.error.is_none(), "{:?}", done.error);
    assert!(done.has_news());
    assert_eq!(done.report.reviews[0].change, ReviewChange::Merged);
    assert_eq!(done.report.commit.as_deref(), Some(head(&workdir, "HEAD").to_string().as_str()));
    // The board's commit reaches the remote's main although the merge there added to the same
    // delivery logs: the lead's team sees F2.2 done.
    let board = done.board.expect("the board send was tried");
    let kind = serde_json::to_value(&board.sent).unwrap()["kind"].as_str().unwrap().to_string();
    assert_eq!(kind, "sent", "{}", board.words);
    let remote_main = head(&demo.practice_remote, "refs/heads/main");
    let sent = git2::Repository::open(&demo.practice_remote).unwrap();
    let tip = sent.find_commit(remote_main).unwrap();
    assert!(tip.message().unwrap().starts_with("Merged #1: F2.2 done"), "{:?}", tip.message());
    assert_eq!(tip.parent_count(), 1, "made again on the remote's main, not a merge");
    let merged_main = tip.parent(0).unwrap();
    assert!(merged_main.message().unwrap().starts_with("Merge"), "on top of the merge: {:?}", merged_main.message());
    let trace = tip
        .tree()
        .unwrap()
        .get_path(Path::new(".logs/trace_log.md"))
        .unwrap()
        .to_object(&sent)
        .unwrap()
        .peel_to_blob()
        .unwrap();
    let trace = String::from_utf8_lossy(trace.content()).into_owned();
    assert!(
        trace.contains("Merged #1") && trace.matches(&out.branch).count() >= 2,
        "both the promote's entry and the merge's: {trace}"
    );
    // Again: nothing new to tell.
    rounds.now();
    let again = told.recv().unwrap().unwrap();
    assert!(!again.has_news() && again.error.is_none(), "{:?}", again.report);
    rounds.stop();

    // What is next for a pod, in any spelling; an unknown pod is refused.
    let next = board::next_task(&workdir, "dev").unwrap().expect("DevPod has ready work");
    assert_eq!((next.pod.as_deref(), next.ready), (Some("DevPod"), true), "{next:?}");
    assert_eq!(board::next_task(&workdir, "NoSuchPod").unwrap_err().code, patchdesk_error::Code::PodNotFound);
    let tasks = board::tasks(&workdir);
    assert_eq!(tasks.tasks.iter().find(|t| t.id == "F2.2").unwrap().status, "done");
}

#[test]
fn a_long_file_comes_in_windows_of_at_most_five_thousand_lines() {
    let tmp = tempfile::tempdir().unwrap();
    let (_demo, project) = open_demo(&tmp.path().join("demo")).unwrap();
    // Asking for a million lines gets MAX_LINES_PER_ASK, however long the file.
    let mut long = String::from("diff --git a/gen/t.txt b/gen/t.txt\nnew file mode 100644\n--- /dev/null\n+++ b/gen/t.txt\n@@ -0,0 +1,9000 @@\n");
    (1..=9_000).for_each(|i| long.push_str(&format!("+{i}\n")));
    let report = project.queue().unwrap().import(&[("patch_20261130_090000_LONG.diff".into(), long.into_bytes())]);
    let long = report.imported[0].name.clone();
    let ask = FileAsk { context: 3, whole: false, ignore_space: false, from: 0, count: 1_000_000 };
    let file = inbox::review_file(&project, &long, "gen/t.txt", ask).unwrap();
    let sent: usize = file.hunks.iter().map(|h| h.lines.len()).sum();
    assert_eq!((file.lines_total, sent as u32), (9_000, inbox::MAX_LINES_PER_ASK));
}

#[test]
fn the_forge_follows_what_the_person_said_and_the_server_the_window_saved() {
    let tmp = tempfile::tempdir().unwrap();
    let (demo, _) = open_demo(&tmp.path().join("demo")).unwrap();
    let data = tmp.path().join("data");
    set_github(&data, "https://ghe.example.org", "").unwrap();
    let token = Overrides { github_token: Some("fake-pat-desk-forge".into()), ..Overrides::default() };
    let desk = Desk::new(&data, token.clone());
    let folder = demo.practice_remote.to_string_lossy().into_owned();
    let describe = |desk: &Desk, url: &str, repo: Option<&str>| {
        desk.forge(&Remote { url: url.into(), github_repo: repo.map(str::to_string) }).map(|c| c.forge.describe())
    };

    assert!(describe(&desk, &folder, None).unwrap().starts_with("the practice remote at "));
    // Named: GitHub, whatever the address looks like, on the server the window saved.
    assert_eq!(describe(&desk, &folder, Some("octo/hello")).unwrap(), "octo/hello on ghe.example.org");
    assert_eq!(
        describe(&desk, "https://ghe.example.org/octo/hello.git", None).unwrap(),
        "octo/hello on ghe.example.org"
    );
    // The environment wins over the file.
    let env = Desk::new(&data, Overrides { github_api: Some("http://127.0.0.1:9".into()), ..token });
    assert_eq!(describe(&env, &folder, Some("octo/hello")).unwrap(), "octo/hello on 127.0.0.1:9");
}

#[test]
fn the_downloads_pickup_waits_a_while_for_a_late_patch_and_lists_other_files() {
    let (_tmp, project, downloads) = demo_and_downloads();
    let pickup = Mutex::new(Pickup::default());
    let since = SystemTime::UNIX_EPOCH;
    let round = || Pickup::round(&pickup, Some(downloads.clone()), since, |files| inbox::import(&project, files));
    let sidecar = "patch_20261122_080000_F3.1.json";
    std::fs::write(downloads.join(sidecar), r#"{"task_id": "F3.1", "summary": "Late patch"}"#).unwrap();
    std::fs::write(downloads.join("fix.diff"), "diff --git a/x b/x\n").unwrap();

    // A file is taken once it has settled (same size over two looks).
    assert!(round().is_empty());
    let news = round();
    assert_eq!(news.len(), 1, "only the seen list is told: the log waits quietly for its patch: {news:?}");
    assert_eq!((news[0].files.clone(), news[0].report.is_none()), (vec!["fix.diff".to_string()], true));
    assert_eq!(pickup.lock().unwrap().seen().len(), 1);
    // The patch arrives a few rounds later: both go in together.
    for _ in 0..3 {
        assert!(round().is_empty());
    }
    let patch = "diff --git a/docs/late.md b/docs/late.md\nnew file mode 100644\n--- /dev/null\n+++ b/docs/late.md\n@@ -0,0 +1 @@\n+late\n";
    std::fs::write(downloads.join("patch_20261122_080000_F3.1.diff"), patch).unwrap();
    assert!(round().is_empty());
    let news = round();
    let report = news.iter().find_map(|a| a.report.clone()).unwrap_or_else(|| panic!("{news:?}"));
    assert_eq!(report.imported.len(), 1, "{report:?}");
    assert_eq!(report.attached.len(), 1, "{report:?}");

    // A log whose patch never comes is told after LOG_RETRIES rounds, not before.
    std::fs::write(downloads.join("patch_20261122_090000_F9.9.json"), r#"{"task_id": "F9.9"}"#).unwrap();
    assert!(round().is_empty());
    let mut told = None;
    for n in 1..=patchdesk_desk::downloads::LOG_RETRIES + 1 {
        if let Some(a) = round().into_iter().find(|a| a.report.is_some()) {
            told = Some((n, a));
            break;
        }
    }
    let (n, arrived) = told.expect("the lone log is told in the end");
    assert_eq!(n, patchdesk_desk::downloads::LOG_RETRIES);
    assert_eq!(arrived.report.unwrap().unmatched.len(), 1);
}

/// A pod's download that lands between the app's start and the first look at the folder is the
/// pod's, not something the person had there before: it is picked up.
#[test]
fn a_download_landing_before_the_first_look_is_picked_up() {
    let (_tmp, project, downloads) = demo_and_downloads();
    std::fs::write(downloads.join("old.diff"), "diff --git a/x b/x\n").unwrap();
    let before = SystemTime::now() - Duration::from_secs(3600);
    filetime_set(&downloads.join("old.diff"), before);
    let started = SystemTime::now() - Duration::from_secs(5);
    let patch = "diff --git a/docs/early.md b/docs/early.md\nnew file mode 100644\n--- /dev/null\n+++ b/docs/early.md\n@@ -0,0 +1 @@\n+early\n";
    std::fs::write(downloads.join("patch_20261130_080000_E1.diff"), patch).unwrap();

    // The first round comes a few seconds after the start.
    let pickup = Mutex::new(Pickup::starting(started));
    let now = SystemTime::now() + Duration::from_secs(2);
    let round = || Pickup::round(&pickup, Some(downloads.clone()), now, |files| inbox::import(&project, files));
    let news: Vec<_> = (0..3).flat_map(|_| round()).collect();
    let report = news.iter().find_map(|a| a.report.clone()).unwrap_or_else(|| panic!("{news:?}"));
    assert_eq!(
        report.imported.iter().map(|i| i.file_name.as_str()).collect::<Vec<_>>(),
        ["patch_20261130_080000_E1.diff"]
    );
    assert!(pickup.lock().unwrap().seen().is_empty(), "what was there before the start stays the person's business");
}

/// The demo project and an empty Downloads folder next to it.
fn demo_and_downloads() -> (tempfile::TempDir, patchdesk_desk::Project, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let (_, project) = open_demo(&tmp.path().join("demo")).unwrap();
    let downloads = tmp.path().join("Downloads");
    std::fs::create_dir(&downloads).unwrap();
    (tmp, project, downloads)
}

fn filetime_set(path: &Path, t: SystemTime) {
    std::fs::File::options().write(true).open(path).unwrap().set_modified(t).unwrap();
}
