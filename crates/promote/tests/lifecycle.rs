//! The PR lifecycle end to end: promote a patch (the promote crate, as the app does), then
//! merge or close its pull request on the GitHub stand-in or the practice remote, and
//! follow it: the board, the delivery logs and one commit per run.

mod common;

use std::path::Path;
use std::process::Command;

use common::{demo_project, item_named, Hub};
use patchdesk_board::{Board, Status};
use patchdesk_forge::{ApiBase, Forge, GitHub, PracticeRemote, ReviewPoll, ReviewState, Secret};
use patchdesk_project::demo;
use patchdesk_promote::lifecycle::{follow_reviews, review_states, FollowReport, ReviewChange, LIFECYCLE_FILE};
use patchdesk_promote::{promote, PromoteOutcome, PromoteRequest};

const TOKEN: &str = "fake-lifecycle-test-token-91c3";

fn now() -> time::OffsetDateTime {
    time::macros::datetime!(2026-11-20 10:00 UTC)
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git").arg("-C").arg(dir).args(args).output().unwrap();
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn head(work: &Path) -> String {
    git(work, &["rev-parse", "HEAD"]).trim().to_string()
}

fn commit_count(work: &Path) -> usize {
    git(work, &["rev-list", "--count", "HEAD"]).trim().parse().unwrap()
}

fn read(work: &Path, rel: &str) -> String {
    std::fs::read_to_string(work.join(rel)).unwrap_or_default()
}

fn task_status(work: &Path, id: &str) -> (Status, Option<String>, bool, bool) {
    let board = Board::load(work);
    let t = board.task(id).unwrap_or_else(|| panic!("{id} on the board"));
    (t.status, t.status_raw.clone(), t.done, t.ready)
}

fn review<'a>(report: &'a FollowReport, item: &str) -> &'a patchdesk_promote::lifecycle::FollowedReview {
    report.reviews.iter().find(|r| r.review.item == item).unwrap_or_else(|| panic!("{item} not followed: {report:?}"))
}

fn changed_in(work: &Path, commit: &str) -> Vec<String> {
    let mut files: Vec<String> =
        git(work, &["diff", "--name-only", &format!("{commit}~1"), commit]).lines().map(str::to_string).collect();
    files.sort();
    files
}

// ------------------------------------------------------------------ GitHub stand-in

const TASKS: &str = "# The board for the lifecycle tests\ntasks:\n  T1:\n    title: Build the generator\n    pod_owner: DevPod\n    status: in_progress  # being built\n    created_at: \"2026-11-16T10:00:00Z\"\n    reviewer_hint: keep me\n  T2:\n    title: Test the generator\n    pod_owner: QAPod\n    status: planned\n    created_at: \"2026-11-16T11:00:00Z\"\n    depends_on: [T1]\n  T3:\n    title: Write the guide\n    pod_owner: DevPod\n    status: ready\n    created_at: \"2026-11-16T12:00:00Z\"\n";
const METRICS: &str = "weekly_snapshots:\n  - week: \"2026-W47\"\n    pods:\n      dev:\n        patch_count: 0\n        features: []\n        merged: 0\n        proposed: 0\n        handoffs: 0\n        thought_traces: 0\n    features_delivered: []\n    features_outstanding: [T1, T2, T3]\n";

fn hub() -> Hub {
    let files = [
        ("task.yaml", TASKS),
        ("metrics/metrics.yaml", METRICS),
        (".logs/trace_log.md", "# Trace log\n\nOne entry per applied patch, newest last.\n"),
        ("src/gen.py", "def generate():\n    return []\n"),
        ("docs/guide.md", "# Guide\n"),
    ];
    let h = common::hub(TOKEN, &["repo"], "guide", &files);
    common::sign_as_lead(&h.work);
    h
}

fn github(h: &Hub) -> GitHub {
    GitHub::new(ApiBase::from_api(&h.gh.api_url()), "octo/guide", Secret::new(TOKEN)).unwrap()
}

/// A diff of the lead's HEAD with one file replaced.
fn diff_of(work: &Path, path: &str, content: &str) -> Vec<u8> {
    common::diff_of(work, &[(path, content)])
}

fn import_patch(work: &Path, task: &str, path: &str, content: &str) -> String {
    let q = patchdesk_intake::Queue::open(work).unwrap();
    let sidecar = format!(r#"{{"task_id": "{task}", "summary": "Work on {task}", "pod_note": "kept"}}"#);
    let files = vec![
        (format!("patch_20261119_101500_{task}.diff"), diff_of(work, path, content)),
        (format!("patch_20261119_101500_{task}.json"), sidecar.into_bytes()),
    ];
    let report = q.import(&files);
    assert!(report.refused.is_empty(), "{:?}", report.refused);
    report.imported[0].name.clone()
}

/// The demo's practice remote: its address and the forge on it.
fn practice(d: &demo::DemoProject) -> (String, PracticeRemote) {
    let url = d.practice_remote.to_string_lossy().into_owned();
    let forge = PracticeRemote::open(&url).unwrap();
    (url, forge)
}

fn promote_on(work: &Path, url: &str, item: &str, forge: &dyn Forge) -> PromoteOutcome {
    let mut req = PromoteRequest::new(work, item, url);
    req.author = Some(("Octo Cat".into(), "octo@example.com".into()));
    promote(&req, forge, &|_| {}).unwrap()
}

fn pull_gets(h: &Hub) -> Vec<u16> {
    h.gh.state().requests().iter().filter(|r| r.operation.as_deref() == Some("pulls/get")).map(|r| r.status).collect()
}

#[test]
fn github_pull_requests_move_the_board_once() {
    let h = hub();
    let w = &h.work;
    let forge = github(&h);
    let t1 = import_patch(w, "T1", "src/gen.py", "def generate():\n    return [1]\n");
    let out1 = promote_on(w, &h.url, &t1, &forge);
    // The user's own work in progress, which no sync may touch.
    std::fs::write(w.join("docs/guide.md"), "# Guide\n\nmy draft\n").unwrap();
    std::fs::write(w.join("scratch.txt"), "mine\n").unwrap();
    let user_status = git(w, &["status", "--porcelain", "--", "docs", "scratch.txt"]);

    // Before any sync: the board knows the request from the promote record, as open.
    let known = review_states(w);
    assert_eq!(known.len(), 1);
    assert_eq!(
        (known[0].number, known[0].state, known[0].checked_at.clone()),
        (out1.pr_number, ReviewState::Open, None)
    );
    assert_eq!(known[0].task_id.as_deref(), Some("T1"));

    // 1. Open: the card goes to review, in one commit.
    h.gh.state().clear_requests();
    let start = commit_count(w);
    let r = follow_reviews(w, &forge, now()).unwrap();
    let f = review(&r, &t1);
    assert_eq!((f.review.state, f.change, f.not_modified), (ReviewState::Open, ReviewChange::InReview, false));
    assert_eq!(f.review.url, out1.pr_url);
    assert_eq!(f.review.pod.as_deref(), Some("DevPod"));
    assert_eq!(task_status(w, "T1").0, Status::Review);
    assert!(read(w, "task.yaml").contains("    status: review  # being built\n"), "{}", read(w, "task.yaml"));
    let c = r.commit.clone().expect("a commit");
    assert_eq!(head(w), c);
    assert_eq!(git(w, &["log", "-1", "--format=%s"]).trim(), format!("#{} opened: T1 in review", out1.pr_number));
    assert_eq!(changed_in(w, &c), ["task.yaml"]);
    assert_eq!(pull_gets(&h), [200]);

    // 2. Nothing changed: the conditional request gets 304, nothing is written.
    h.gh.state().clear_requests();
    let task_before = read(w, "task.yaml");
    let r = follow_reviews(w, &forge, now()).unwrap();
    assert_eq!(pull_gets(&h), [304], "the second poll of an unchanged PR is answered 304");
    let f = review(&r, &t1);
    assert!(f.not_modified);
    assert_eq!(f.change, ReviewChange::Unchanged);
    assert_eq!(r.commit, None);
    assert_eq!(commit_count(w), start + 1);
    assert_eq!(read(w, "task.yaml"), task_before);

    // 3. Merged on GitHub: T1 done, T2 ready, a trace entry, the merge counted, one commit.
    h.gh.state().merge_pull("octo", "guide", out1.pr_number, "octo").unwrap();
    let r = follow_reviews(w, &forge, now()).unwrap();
    let f = review(&r, &t1);
    assert_eq!((f.review.state, f.change), (ReviewState::Merged, ReviewChange::Merged));
    assert_eq!(f.unlocked, ["T2"]);
    assert!(f.warnings.is_empty(), "{:?}", f.warnings);
    let (status, raw, done, _) = task_status(w, "T1");
    assert_eq!((status, raw.as_deref(), done), (Status::Done, Some("done"), true));
    let (status, _, _, ready) = task_status(w, "T2");
    assert_eq!((status, ready), (Status::Ready, true));
    let tasks = read(w, "task.yaml");
    assert!(tasks.starts_with("# The board for the lifecycle tests\n"), "comments kept");
    assert!(tasks.contains("    reviewer_hint: keep me\n"), "unknown fields kept");
    assert!(
        tasks.contains("    done: true\n") && tasks.contains("    updated_at: '2026-11-20T10:00:00Z'\n"),
        "{tasks}"
    );
    let trace = read(w, ".logs/trace_log.md");
    assert!(trace.contains(&format!("T1: Merged #{} — Work on T1", out1.pr_number)), "{trace}");
    assert!(
        trace.contains(&format!("- Pull request: {}", out1.pr_url)) && trace.contains("- Branch: chatgpt/dev/t1"),
        "{trace}"
    );
    let metrics = read(w, "metrics/metrics.yaml");
    assert!(metrics.contains("merged: 1") && metrics.contains("features_delivered: [T1]"), "{metrics}");
    let meta: serde_json::Value =
        serde_json::from_str(&read(w, ".logs/patches/patch_20261119_101500_T1.json")).unwrap();
    assert_eq!(meta["status"], "merged");
    assert!(meta["merged_at"].as_str().is_some_and(|t| t.ends_with('Z')), "{meta}");
    assert_eq!(meta["pod_note"], "kept");
    assert_eq!(meta["patchdesk"]["status"], "merged", "the inbox sees the merge");
    let c = r.commit.clone().expect("one commit");
    assert_eq!(
        git(w, &["log", "-1", "--format=%s"]).trim(),
        format!("Merged #{}: T1 done; T2 now ready", out1.pr_number)
    );
    assert_eq!(changed_in(w, &c), [".logs/trace_log.md", "metrics/metrics.yaml", "task.yaml"]);
    assert_eq!(commit_count(w), start + 2);
    assert_eq!(
        git(w, &["status", "--porcelain", "--", "docs", "scratch.txt"]),
        user_status,
        "the user's changes are untouched"
    );
    assert_eq!(read(w, "docs/guide.md"), "# Guide\n\nmy draft\n");

    // 4. Again: nothing changes.
    let files_before: Vec<String> =
        ["task.yaml", ".logs/trace_log.md", "metrics/metrics.yaml"].iter().map(|f| read(w, f)).collect();
    let r = follow_reviews(w, &forge, now()).unwrap();
    assert_eq!(r.commit, None);
    assert_eq!(review(&r, &t1).change, ReviewChange::Unchanged);
    assert_eq!(commit_count(w), start + 2);
    let files_after: Vec<String> =
        ["task.yaml", ".logs/trace_log.md", "metrics/metrics.yaml"].iter().map(|f| read(w, f)).collect();
    assert_eq!(files_before, files_after);

    // 5. Another pull request, closed without merging: back to its pod with a note.
    let t3 = import_patch(w, "T3", "docs/guide.md", "# Guide\n\nFor coaches.\n");
    let out3 = promote_on(w, &h.url, &t3, &forge);
    h.gh.state().close_pull("octo", "guide", out3.pr_number).unwrap();
    let r = follow_reviews(w, &forge, now()).unwrap();
    let f = review(&r, &t3);
    assert_eq!((f.review.state, f.change), (ReviewState::Closed, ReviewChange::Closed));
    assert_eq!(review(&r, &t1).change, ReviewChange::Unchanged);
    let (status, raw, done, _) = task_status(w, "T3");
    assert_eq!((status, raw.as_deref(), done), (Status::InProgress, Some("in_progress"), false));
    let board = Board::load(w);
    assert_eq!(board.task("T3").unwrap().pod.as_deref(), Some("DevPod"));
    assert_eq!(board.task("T3").unwrap().feedback_file.as_deref(), Some(".logs/feedback/T3.md"));
    let note = read(w, ".logs/feedback/T3.md");
    assert!(
        note.contains(&format!("Pull request #{} was closed without merging", out3.pr_number))
            && note.contains("back with DevPod"),
        "{note}"
    );
    let meta: serde_json::Value =
        serde_json::from_str(&read(w, ".logs/patches/patch_20261119_101500_T3.json")).unwrap();
    assert_eq!(meta["status"], "closed");
    assert_eq!(meta["patchdesk"]["status"], "rejected");
    let c = r.commit.clone().expect("one commit");
    assert_eq!(
        git(w, &["log", "-1", "--format=%s"]).trim(),
        format!("Closed #{} without merging: T3 back to DevPod", out3.pr_number)
    );
    assert_eq!(changed_in(w, &c), [".logs/feedback/T3.md", "task.yaml"]);
    // And again: nothing.
    let r = follow_reviews(w, &forge, now()).unwrap();
    assert_eq!(r.commit, None);
    assert_eq!(read(w, ".logs/feedback/T3.md"), note);

    // The board's offline view agrees, and the local state is not for commits.
    let states: Vec<(u64, ReviewState)> = review_states(w).iter().map(|k| (k.number, k.state)).collect();
    assert_eq!(states, [(out1.pr_number, ReviewState::Merged), (out3.pr_number, ReviewState::Closed)]);
    assert!(w.join(LIFECYCLE_FILE).is_file());
    assert!(!git(w, &["status", "--porcelain"]).contains("lifecycle"), "{}", git(w, &["status", "--porcelain"]));
    h.gh.assert_no_violations();
}

#[test]
fn github_review_status_answers_304_and_404() {
    let h = hub();
    let forge = github(&h);
    let t1 = import_patch(&h.work, "T1", "src/gen.py", "def generate():\n    return [2]\n");
    let out = promote_on(&h.work, &h.url, &t1, &forge);
    let ReviewPoll::Changed { review, etag, merged_at, closed_at } = forge.review_status(out.pr_number, None).unwrap()
    else {
        panic!("first answer has data")
    };
    assert_eq!((review.state, merged_at, closed_at), (ReviewState::Open, None, None));
    let etag = etag.expect("GitHub sends an ETag");
    assert_eq!(forge.review_status(out.pr_number, Some(&etag)).unwrap(), ReviewPoll::NotModified);
    h.gh.state().merge_pull("octo", "guide", out.pr_number, "octo").unwrap();
    let ReviewPoll::Changed { review, merged_at, .. } = forge.review_status(out.pr_number, Some(&etag)).unwrap() else {
        panic!("merging changes the answer")
    };
    assert_eq!(review.state, ReviewState::Merged);
    assert!(merged_at.is_some());
    let err = forge.review_status(99, None).unwrap_err();
    assert!(matches!(err, patchdesk_forge::ForgeError::ReviewNotFound { number: 99, .. }), "{err}");
    assert!(err.to_string().contains("#99"));
    // A refused sign-in stops the whole run before anything is written.
    let before = head(&h.work);
    h.gh.state().revoke_token(TOKEN);
    let err = follow_reviews(&h.work, &forge, now()).unwrap_err();
    assert!(err.to_string().contains("Sign in to GitHub again"), "{err}");
    assert_eq!(head(&h.work), before);
    assert!(!h.work.join(LIFECYCLE_FILE).exists());
    h.gh.assert_no_violations();
}

// ------------------------------------------------------------------ practice remote

#[test]
fn practice_remote_merges_and_closes_move_the_demo_board() {
    let (_tmp, d) = demo_project();
    let w = &d.project;
    let (url, forge) = practice(&d);
    let start = commit_count(w);

    // F3.1 (the ZIP bundle) is sent and merged: done, but F4.1 still waits for F2.2.
    let f31 = item_named(&d, demo::ZIP_BUNDLE);
    let out31 = promote_on(w, &url, &f31, &forge);
    let merge = forge.merge_review(out31.pr_number).unwrap();
    let bare = git2::Repository::open_bare(&d.practice_remote).unwrap();
    let main = bare.find_reference("refs/heads/main").unwrap().peel_to_commit().unwrap();
    assert_eq!(main.id().to_string(), merge, "a real merge commit on main");
    assert_eq!(main.parent_count(), 2);
    assert!(forge.merge_review(out31.pr_number).is_err(), "merging twice is refused");
    let r = follow_reviews(w, &forge, now()).unwrap();
    let f = review(&r, &f31);
    assert_eq!((f.change, f.review.task_id.as_deref()), (ReviewChange::Merged, Some("F3.1")));
    assert!(f.unlocked.is_empty());
    assert!(task_status(w, "F3.1").2, "F3.1 done");
    assert!(!task_status(w, "F4.1").3, "F4.1 still waits for F2.2");
    assert_eq!(git(w, &["log", "-1", "--format=%s"]).trim(), format!("Merged #{}: F3.1 done", out31.pr_number));

    // F2.2 is sent: in review; then merged: done, and F4.1 is ready.
    let f22 = item_named(&d, demo::CLEAN_PATCH);
    let out22 = promote_on(w, &url, &f22, &forge);
    let r = follow_reviews(w, &forge, now()).unwrap();
    assert_eq!(review(&r, &f22).change, ReviewChange::InReview);
    assert_eq!(task_status(w, "F2.2").0, Status::Review);
    // Unchanged: the practice remote's tag says so.
    let r = follow_reviews(w, &forge, now()).unwrap();
    assert!(review(&r, &f22).not_modified && review(&r, &f31).not_modified);
    assert_eq!(r.commit, None);
    forge.merge_review(out22.pr_number).unwrap();
    let r = follow_reviews(w, &forge, now()).unwrap();
    let f = review(&r, &f22);
    assert_eq!((f.change, f.unlocked.clone()), (ReviewChange::Merged, vec!["F4.1".to_string()]));
    let (status, _, _, ready) = task_status(w, "F4.1");
    assert_eq!((status, ready), (Status::Ready, true));
    let c = r.commit.clone().unwrap();
    assert_eq!(
        git(w, &["log", "-1", "--format=%s"]).trim(),
        format!("Merged #{}: F2.2 done; F4.1 now ready", out22.pr_number)
    );
    assert_eq!(changed_in(w, &c), [".logs/trace_log.md", "metrics/metrics.yaml", "task.yaml"]);
    let metrics = read(w, "metrics/metrics.yaml");
    assert!(metrics.contains("features_delivered: [F1.1, F3.1, F2.2]"), "{metrics}");
    let trace = read(w, ".logs/trace_log.md");
    assert_eq!(trace.matches("— F2.2: Merged #").count(), 1, "{trace}");
    assert_eq!(trace.matches("— F3.1: Merged #").count(), 1, "{trace}");

    // Rerun: nothing changes.
    let before = head(w);
    let r = follow_reviews(w, &forge, now()).unwrap();
    assert_eq!(r.commit, None);
    assert!(r.reviews.iter().all(|f| f.change == ReviewChange::Unchanged), "{r:?}");
    assert_eq!(head(w), before);

    // F2.1 (the chat patch) is sent, and closed without merging: back to QAPod with a note.
    let f21 = item_named(&d, demo::CHAT_PATCH);
    let out21 = promote_on(w, &url, &f21, &forge);
    forge.close_review(out21.pr_number).unwrap();
    let r = follow_reviews(w, &forge, now()).unwrap();
    let f = review(&r, &f21);
    assert_eq!((f.change, f.review.pod.as_deref()), (ReviewChange::Closed, Some("QAPod")));
    assert_eq!(task_status(w, "F2.1").0, Status::InProgress);
    assert!(read(w, ".logs/feedback/F2.1.md").contains("was closed without merging"));
    assert_eq!(
        git(w, &["log", "-1", "--format=%s"]).trim(),
        format!("Closed #{} without merging: F2.1 back to QAPod", out21.pr_number)
    );
    assert_eq!(commit_count(w), start + 4, "one commit per run that changed something");
    let prompt = patchdesk_logs::send_back_prompt(w, "F2.1").unwrap();
    assert!(prompt.contains("closed without merging"), "{prompt}");
}

#[test]
fn a_repository_that_cannot_take_the_commit_changes_nothing() {
    let (_tmp, d) = demo_project();
    let w = &d.project;
    let (url, forge) = practice(&d);
    let item = item_named(&d, demo::CLEAN_PATCH);
    let out = promote_on(w, &url, &item, &forge);
    forge.merge_review(out.pr_number).unwrap();
    // The lead staged an edit of task.yaml and edited it again: whose version to commit?
    std::fs::write(w.join("task.yaml"), read(w, "task.yaml").replace("Plain-language", "Plain")).unwrap();
    git(w, &["add", "task.yaml"]);
    let mine = read(w, "task.yaml").replace("Interview the lead", "Talk to the lead");
    std::fs::write(w.join("task.yaml"), &mine).unwrap();
    let before = head(w);
    let files = snapshot(w);
    let err = follow_reviews(w, &forge, now()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "You have unsaved changes in task.yaml that are not committed. Patchdesk did not record what happened to the pull requests so that your changes stay as they are: commit or undo them in task.yaml, then try again."
    );
    assert_eq!(read(w, "task.yaml"), mine);
    assert_eq!(head(w), before);
    assert_eq!(snapshot(w), files, "no file changed: task, trace log, metrics, metadata");
    // Staged exactly as on disk is still not committed: refused the same way.
    git(w, &["add", "task.yaml"]);
    assert!(follow_reviews(w, &forge, now())
        .unwrap_err()
        .to_string()
        .starts_with("You have unsaved changes in task.yaml"));
    // Once the lead commits it, the merge goes through.
    git(w, &["commit", "-q", "-m", "my edits"]);
    let r = follow_reviews(w, &forge, now()).unwrap();
    assert_eq!(review(&r, &item).change, ReviewChange::Merged);
    assert!(task_status(w, "F2.2").2);
    assert!(read(w, "task.yaml").contains("Talk to the lead"), "the lead's edit is kept");
}

/// Every file of the working folder (outside `.git` and Patchdesk's local `.patchdesk/`) with its bytes.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            let rel = e.path().strip_prefix(dir).unwrap().to_string_lossy().into_owned();
            if rel == ".git" || rel == ".patchdesk" {
                continue;
            }
            if e.file_type().unwrap().is_dir() {
                stack.push(e.path());
            } else {
                out.push((rel, std::fs::read(e.path()).unwrap()));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn unsaved_edits_in_any_log_the_follow_up_writes_are_refused() {
    let (_tmp, d) = demo_project();
    let w = &d.project;
    let (url, forge) = practice(&d);
    let merged = item_named(&d, demo::CLEAN_PATCH);
    let out = promote_on(w, &url, &merged, &forge);
    forge.merge_review(out.pr_number).unwrap();
    let closed = item_named(&d, demo::CHAT_PATCH);
    let out = promote_on(w, &url, &closed, &forge);
    forge.close_review(out.pr_number).unwrap();
    let before = head(w);
    for rel in ["metrics/metrics.yaml", ".logs/trace_log.md", ".logs/feedback/F2.1.md"] {
        let old = std::fs::read(w.join(rel)).ok();
        std::fs::create_dir_all(w.join(rel).parent().unwrap()).unwrap();
        let mut mine = old.clone().unwrap_or_default();
        mine.extend_from_slice(b"\n# my unsaved note\n");
        std::fs::write(w.join(rel), &mine).unwrap();
        let files = snapshot(w);
        let err = follow_reviews(w, &forge, now()).unwrap_err();
        assert!(
            err.to_string().starts_with(&format!("You have unsaved changes in {rel} that are not committed.")),
            "{err}"
        );
        assert_eq!(snapshot(w), files, "{rel}: nothing written");
        assert_eq!(head(w), before);
        match old {
            Some(bytes) => std::fs::write(w.join(rel), bytes).unwrap(),
            None => std::fs::remove_file(w.join(rel)).unwrap(),
        }
    }
    let r = follow_reviews(w, &forge, now()).unwrap();
    assert_eq!(review(&r, &merged).change, ReviewChange::Merged);
    assert_eq!(review(&r, &closed).change, ReviewChange::Closed);
    assert!(git(w, &["log", "-1", "--format=%B"]).ends_with("\n\nPatchdesk-Record: board\n\n"));
}

#[test]
fn requests_for_another_remote_are_left_alone() {
    let (_tmp, d) = demo_project();
    let w = &d.project;
    let (url, forge) = practice(&d);
    let item = item_named(&d, demo::CLEAN_PATCH);
    promote_on(w, &url, &item, &forge);
    let other_dir = tempfile::tempdir().unwrap();
    git2::Repository::init_bare(other_dir.path()).unwrap();
    let other = PracticeRemote::open(&other_dir.path().to_string_lossy()).unwrap();
    let r = follow_reviews(w, &other, now()).unwrap();
    assert!(r.reviews.is_empty() && r.commit.is_none(), "{r:?}");
    assert!(forge.serves(&url) && !other.serves(&url));
}
