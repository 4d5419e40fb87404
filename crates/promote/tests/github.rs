//! Promote to GitHub, against the GitHub stand-in (every REST request and response checked
//! against GitHub's OpenAPI description; git over smart HTTP with the token).

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};

use common::diff_of;
use github_standin::{Permission, PullState};
use patchdesk_error::{Code, Coded};
use patchdesk_forge::{ApiBase, GitHub, Secret};
use patchdesk_promote::{promote, PromoteError, PromoteOutcome, PromoteRequest, Step};

// Obviously fake; its bytes are searched for in everything the suite writes.
const TOKEN: &str = "fake-promote-test-token-4f1c2a";

type Setup = common::Hub;

/// A stand-in with `octo/hello` (a few files on main) and the lead's clone of it.
fn setup() -> Setup {
    let mut files: Vec<(String, String)> =
        vec![("src/app.py".into(), "def main():\n    return 1\n".into()), ("docs/notes.md".into(), "# Notes\n".into())];
    for i in 0..20 {
        files.push((format!("src/mod{i:02}.py"), format!("VALUE = {i}\n\n\ndef f():\n    return VALUE\n")));
    }
    let refs: Vec<(&str, &str)> = files.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let s = common::hub(TOKEN, &["repo", "read:org"], "hello", &refs);
    s.gh.state().set_profile("octo", Some("Octo Cat"), Some("octo@example.com"));
    common::sign_as_lead(&s.work);
    s
}

fn forge(s: &Setup, token: &str) -> GitHub {
    GitHub::new(ApiBase::from_api(&s.gh.api_url()), "octo/hello", Secret::new(token)).unwrap()
}

fn import(work: &Path, files: Vec<(&str, Vec<u8>)>) -> String {
    let q = patchdesk_intake::Queue::open(work).unwrap();
    let report = q.import(&files.into_iter().map(|(n, b)| (n.to_string(), b)).collect::<Vec<_>>());
    assert!(report.refused.is_empty(), "{:?}", report.refused);
    report.imported[0].name.clone()
}

const SIDECAR: &str = r#"{"task_id": "F4.3", "summary": "Add RTP generator", "pod": "DevPod", "output_files": ["src/app.py"], "reviewer_note": "kept"}"#;

fn patch_item(s: &Setup) -> String {
    let diff = diff_of(&s.work, &[("src/app.py", "def main():\n    return 2\n"), ("src/rtp.py", "RTP = True\n")]);
    import(
        &s.work,
        vec![
            ("patch_20261120_101500_F4.3.diff", diff),
            ("patch_20261120_101500_F4.3.json", SIDECAR.as_bytes().to_vec()),
        ],
    )
}

fn run(s: &Setup, item: &str, interrupt: Option<Step>) -> Result<PromoteOutcome, PromoteError> {
    run_at(s, item, interrupt, time::OffsetDateTime::now_utc())
}

/// [`run`] with the run's clock at `now`.
fn run_at(
    s: &Setup,
    item: &str,
    interrupt: Option<Step>,
    now: time::OffsetDateTime,
) -> Result<PromoteOutcome, PromoteError> {
    let mut req = PromoteRequest::new(&s.work, item, &s.url);
    req.clock = std::sync::Arc::new(patchdesk_clock::TestClock::new(now));
    req.author = Some(("Octo Cat".into(), "octo@example.com".into()));
    req.interrupt_after = interrupt;
    promote(&req, &forge(s, TOKEN), &|_| {})
}

fn bare(s: &Setup) -> git2::Repository {
    git2::Repository::open_bare(s.gh.state().git_dir("octo", "hello").unwrap()).unwrap()
}

/// Exactly one PR, one branch holding exactly one commit on top of main.
fn assert_one_of_each(s: &Setup, branch: &str) -> String {
    let prs = s.gh.state().pull_requests("octo", "hello");
    assert_eq!(prs.len(), 1, "{prs:?}");
    assert_eq!(prs[0].head, branch);
    let b = bare(s);
    let tip = b.find_reference(&format!("refs/heads/{branch}")).unwrap().target().unwrap();
    let main = b.find_reference("refs/heads/main").unwrap().target().unwrap();
    assert_eq!(b.graph_ahead_behind(tip, main).unwrap(), (1, 0));
    let branches = b.branches(Some(git2::BranchType::Local)).unwrap().count();
    assert_eq!(branches, 2, "main and the work branch only");
    tip.to_string()
}

#[test]
fn a_patch_becomes_one_commit_and_one_pull_request() {
    let s = setup();
    let before = common::snapshot(&s.work);
    let item = patch_item(&s);
    let before_import = common::snapshot(&s.work);
    assert_eq!(before, before_import, "importing touches only the inbox area");
    s.gh.state().clear_requests();
    let out = run(&s, &item, None).unwrap();
    assert_eq!(out.branch, "chatgpt/dev/f4.3");
    assert_eq!(out.base, "main");
    let tip = assert_one_of_each(&s, &out.branch);
    assert_eq!(tip, out.commit);
    let pr = s.gh.state().pull_request("octo", "hello", out.pr_number).unwrap();
    assert_eq!(pr.title, "[F4.3] Add RTP generator");
    assert_eq!(pr.labels, vec!["pod:dev".to_string()]);
    assert_eq!(pr.base, "main");
    assert!(!pr.draft);
    assert_eq!(pr.author, "octo");
    let body = pr.body.unwrap();
    for part in [
        "## What was added",
        "| `src/app.py` | modified | +1 −1 |",
        "| `src/rtp.py` | added | +1 −0 |",
        "## Why (changelog)",
        "## Thought process (reasoning trace)",
        "## Files",
        "## Prompt used",
    ] {
        assert!(body.contains(part), "{part} missing from:\n{body}");
    }
    assert_eq!(out.pr_url, format!("{}/octo/hello/pull/{}", s.gh.api_url(), out.pr_number));
    // The commit: author, message, tree.
    let b = bare(&s);
    let c = b.find_commit(git2::Oid::from_str(&out.commit).unwrap()).unwrap();
    assert_eq!(c.author().name().unwrap(), "Octo Cat");
    assert_eq!(c.message().unwrap(), format!("[F4.3] Add RTP generator\n\nPod: dev\nPatch: {item}\n"));
    assert_eq!(common::file_in(&b, &out.commit, "src/app.py").unwrap(), "def main():\n    return 2\n");
    assert_eq!(common::file_in(&b, &out.commit, "src/rtp.py").unwrap(), "RTP = True\n");
    assert_eq!(
        common::file_in(&b, &out.commit, "src/mod07.py").unwrap(),
        "VALUE = 7\n\n\ndef f():\n    return VALUE\n"
    );
    let meta: serde_json::Value = serde_json::from_str(
        &common::file_in(&b, &out.commit, ".logs/patches/patch_20261120_101500_F4.3.json").unwrap(),
    )
    .unwrap();
    assert_eq!(meta["status"], "promoted");
    assert_eq!(meta["branch"], "chatgpt/dev/f4.3");
    assert_eq!(meta["reviewer_note"], "kept", "the pod's own fields survive");
    assert_eq!(meta["patch_file"], format!(".patches/{item}"));
    assert!(meta["pull_request"].as_str().unwrap().contains("head%3Achatgpt%2Fdev%2Ff4.3"));
    assert!(common::file_in(&b, &out.commit, ".logs/trace_log.md").unwrap().contains("F4.3: Add RTP generator"));
    assert!(common::file_in(&b, &out.commit, "metrics/metrics.yaml").unwrap().contains("patch_count: 1"));
    // API calls after sign-in: create the PR, label it.
    let api: Vec<String> =
        s.gh.state().requests().iter().filter_map(|r| r.operation.clone()).filter(|o| !o.starts_with("git/")).collect();
    assert_eq!(api, vec!["pulls/create".to_string(), "issues/add-labels".to_string()]);
    // The lead's repository is untouched.
    assert_eq!(common::snapshot(&s.work), before);

    // The token is nowhere on disk: not in the clone (.git included), the promote record,
    // the inbox, or anything else under the test's folder.
    let mut hits = Vec::new();
    scan(s.tmp.path(), TOKEN.as_bytes(), &mut hits);
    assert!(hits.is_empty(), "token found in {hits:?}");
    s.gh.assert_no_violations();
}

fn scan(dir: &Path, needle: &[u8], hits: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        let ft = e.file_type().unwrap();
        if ft.is_dir() {
            scan(&p, needle, hits);
        } else if ft.is_file() {
            let bytes = std::fs::read(&p).unwrap();
            if bytes.windows(needle.len()).any(|w| w == needle) {
                hits.push(p);
            }
        }
    }
}

fn zip_bytes(entries: &[(&str, &str)]) -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default();
        for (n, c) in entries {
            z.start_file(*n, opts).unwrap();
            z.write_all(c.as_bytes()).unwrap();
        }
        z.finish().unwrap();
    }
    buf.into_inner()
}

#[test]
fn a_zip_bundle_and_a_batch_become_pull_requests() {
    let s = setup();
    let zip = zip_bytes(&[
        (
            "metadata.json",
            r#"{"task_id": "F5.1", "summary": "Coach guide", "output_folders": ["docs/"], "pod": "QAPod"}"#,
        ),
        ("reasoning_trace.md", "# Reasoning\n\n## Thoughts\n- Phones first.\n"),
        ("prompt_used.txt", "You are the QA pod. Task F5.1.\n"),
        ("docs/guide.md", "# Guide\n\nStage one.\n"),
        ("__MACOSX/docs/._guide.md", "junk"),
    ]);
    let item = import(&s.work, vec![("patch_F5.1_20261120_120000.zip", zip)]);
    let out = run(&s, &item, None).unwrap();
    assert_eq!(out.branch, "chatgpt/qa/f5.1");
    let b = bare(&s);
    assert_eq!(common::file_in(&b, &out.commit, "docs/guide.md").unwrap(), "# Guide\n\nStage one.\n");
    assert!(common::file_in(&b, &out.commit, "__MACOSX/docs/._guide.md").is_none());
    assert_eq!(
        common::file_in(&b, &out.commit, ".logs/reasoning/F5.1.md").unwrap(),
        "# Reasoning\n\n## Thoughts\n- Phones first.\n"
    );
    assert_eq!(
        common::file_in(&b, &out.commit, "prompts/used/QAPod/F5.1_prompt.txt").unwrap(),
        "You are the QA pod. Task F5.1.\n"
    );
    let pr = s.gh.state().pull_request("octo", "hello", out.pr_number).unwrap();
    assert_eq!(pr.title, "[F5.1] Coach guide");
    assert_eq!(pr.labels, vec!["pod:qa".to_string()]);
    let body = pr.body.unwrap();
    assert!(body.contains("- Phones first.") && body.contains("You are the QA pod. Task F5.1."), "{body}");

    let batch = serde_json::json!({"branch": "main", "commit_message": "Add settings", "files": [
        {"path": "config/settings.yaml", "content": "mode: fast\n"},
        {"path": "src/app.py", "content": "def main():\n    return 3\n"}]});
    let q = patchdesk_intake::Queue::open(&s.work).unwrap();
    let report = q.import(&[("patch_F6.2_20261120_130000.json".to_string(), serde_json::to_vec(&batch).unwrap())]);
    assert!(report.refused.is_empty(), "{:?}", report.refused);
    let item = report.imported[0].name.clone();
    let out = run(&s, &item, None).unwrap();
    assert_eq!(common::file_in(&b, &out.commit, "config/settings.yaml").unwrap(), "mode: fast\n");
    assert_eq!(common::file_in(&b, &out.commit, "src/app.py").unwrap(), "def main():\n    return 3\n");
    assert!(out.branch.ends_with("/f6.2"), "{}", out.branch);
    assert_eq!(s.gh.state().pull_requests("octo", "hello").len(), 2);
    s.gh.assert_no_violations();
}

#[test]
fn a_kill_at_any_step_then_a_rerun_gives_one_branch_one_commit_one_pr() {
    for step in Step::ALL {
        let s = setup();
        let item = patch_item(&s);
        let err = run(&s, &item, Some(step)).unwrap_err();
        assert!(matches!(err, PromoteError::Interrupted(x) if x == step), "{err}");
        let out = run(&s, &item, None).unwrap_or_else(|e| panic!("rerun after {step:?}: {e}"));
        let tip = assert_one_of_each(&s, &out.branch);
        assert_eq!(tip, out.commit, "after {step:?}");
        let pr = s.gh.state().pull_request("octo", "hello", out.pr_number).unwrap();
        assert_eq!(pr.labels, vec!["pod:dev".to_string()], "after {step:?}");
        // And once more: nothing new.
        let again = run(&s, &item, None).unwrap();
        assert_eq!((again.commit, again.pr_number), (out.commit.clone(), out.pr_number));
        assert_one_of_each(&s, &out.branch);
        s.gh.assert_no_violations();
    }
}

#[test]
fn a_lost_record_or_a_dropped_answer_still_gives_one_pr() {
    let s = setup();
    let item = patch_item(&s);
    // The network drops right after GitHub opened the PR: the answer never arrives.
    s.gh.state().drop_response_next("pulls/create");
    let first = run(&s, &item, None);
    let out = match first {
        Ok(o) => o,
        Err(e) => {
            assert_eq!(e.code(), Code::Offline, "{e}");
            run(&s, &item, None).unwrap()
        }
    };
    assert_one_of_each(&s, &out.branch);
    // The record is lost entirely (the Patchdesk folder deleted): the pushed commit is
    // adopted and the open PR found again.
    std::fs::remove_dir_all(s.work.join(".patchdesk/promote")).unwrap();
    patchdesk_intake::Queue::open(&s.work).unwrap().set_status(&item, patchdesk_intake::Status::Queued).unwrap();
    // A later run (its commit would get another date if it were made again).
    let again = run_at(&s, &item, None, time::OffsetDateTime::now_utc() + time::Duration::minutes(5)).unwrap();
    assert_eq!((again.commit.as_str(), again.pr_number), (out.commit.as_str(), out.pr_number));
    assert_one_of_each(&s, &out.branch);
    s.gh.assert_no_violations();
}

#[test]
fn errors_are_coded_in_plain_words() {
    // 401: revoked token.
    let s = setup();
    let item = patch_item(&s);
    s.gh.state().revoke_token(TOKEN);
    let e = run(&s, &item, None).unwrap_err();
    assert_eq!(e.code(), Code::AuthRejected, "{e}");
    assert!(e.to_string().contains("Sign in to GitHub again"), "{e}");
    assert!(!e.to_string().contains(TOKEN));
    assert_eq!(
        patchdesk_intake::Queue::open(&s.work).unwrap().get(&item).unwrap().status,
        patchdesk_intake::Status::Queued
    );

    // 403: rate limit, with the reset time; then missing permission.
    let s = setup();
    let item = patch_item(&s);
    s.gh.state().rate_limit_next(1);
    let e = run(&s, &item, None).unwrap_err();
    assert_eq!(e.code(), Code::RateLimited, "{e}");
    assert!(e.to_string().contains("UTC (in about 60 minutes)"), "{e}");
    let out = run(&s, &item, None).unwrap();
    assert_one_of_each(&s, &out.branch);

    let s = setup();
    s.gh.state().add_user("reader", "fake-pat-reader_token", &["repo"]);
    s.gh.state().grant("octo", "hello", "reader", Permission::Read).unwrap();
    let item = patch_item(&s);
    let reader =
        GitHub::new(ApiBase::from_api(&s.gh.api_url()), "octo/hello", Secret::new("fake-pat-reader_token")).unwrap();
    let e = promote(&PromoteRequest::new(&s.work, &item, &s.url), &reader, &|_| {}).unwrap_err();
    assert_eq!(e.code(), Code::PermissionDenied, "{e}");

    // 404: no such repository.
    let s = setup();
    let item = patch_item(&s);
    let url = s.gh.git_url("octo", "missing");
    let missing = GitHub::new(ApiBase::from_api(&s.gh.api_url()), "octo/missing", Secret::new(TOKEN)).unwrap();
    let e = promote(&PromoteRequest::new(&s.work, &item, &url), &missing, &|_| {}).unwrap_err();
    assert_eq!(e.code(), Code::RemoteRepoNotFound, "{e}");

    // 422: no commits between the branches; validation.
    let s = setup();
    let item = patch_item(&s);
    s.gh.state().fail_next("pulls/create", 422, "No commits between main and chatgpt/dev/f4.3");
    let e = run(&s, &item, None).unwrap_err();
    assert_eq!(e.code(), Code::NoChanges, "{e}");
    s.gh.state().fail_next("pulls/create", 422, "Validation Failed");
    let e = run(&s, &item, None).unwrap_err();
    assert_eq!(e.code(), Code::RequestInvalid, "{e}");
    // 422 "already exists": reused, not an error.
    let out = run(&s, &item, None).unwrap();
    assert_one_of_each(&s, &out.branch);

    // Push rejected: the branch exists on GitHub with someone else's work.
    let s = setup();
    let item = patch_item(&s);
    s.gh.state()
        .commit_files("octo", "hello", "chatgpt/dev/f4.3", "Someone else's work", &[("other.txt", "x\n")])
        .unwrap();
    let e = run(&s, &item, None).unwrap_err();
    assert_eq!(e.code(), Code::PushRejected, "{e}");
    assert!(s.gh.state().pull_requests("octo", "hello").is_empty());

    // Network down: the item stays queued with a clear status, and is sendable later.
    let s = setup();
    let item = patch_item(&s);
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    // Signed in to that address (a server that went away), so the sign-in may go there.
    let dead_forge =
        GitHub::new(ApiBase::from_api(&format!("http://{dead}")), "octo/hello", Secret::new(TOKEN)).unwrap();
    let e =
        promote(&PromoteRequest::new(&s.work, &item, &format!("http://{dead}/octo/hello.git")), &dead_forge, &|_| {})
            .unwrap_err();
    assert_eq!(e.code(), Code::Offline, "{e}");
    assert!(e.is_offline());
    // In plain words: none of git's own text.
    assert_eq!(
        e.to_string(),
        format!("Could not reach {dead}: the connection was refused. Check the internet connection; the item stays in the inbox and can be sent later.")
    );
    assert_eq!(
        patchdesk_promote::pending_status(&s.work, &item).unwrap(),
        "Waiting to send: no network connection. Send again when online."
    );
    assert_eq!(
        patchdesk_intake::Queue::open(&s.work).unwrap().get(&item).unwrap().status,
        patchdesk_intake::Status::Queued
    );
    let out = run(&s, &item, None).unwrap();
    assert_one_of_each(&s, &out.branch);
    assert!(patchdesk_promote::pending_status(&s.work, &item).is_none());
    s.gh.assert_no_violations();
    let _ = PullState::Open;
}

#[test]
fn benchmark_api_calls_and_time_for_a_twenty_file_patch() {
    let s = setup();
    let contents: Vec<(String, String)> = (0..20)
        .map(|i| (format!("src/mod{i:02}.py"), format!("VALUE = {}\n\n\ndef f():\n    return VALUE * 2\n", i + 100)))
        .collect();
    let changes: Vec<(&str, &str)> = contents.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let diff = diff_of(&s.work, &changes);
    let item = import(
        &s.work,
        vec![
            ("patch_20261120_140000_F7.7.diff", diff),
            (
                "patch_20261120_140000_F7.7.json",
                br#"{"task_id": "F7.7", "summary": "Twenty files", "pod": "DevPod"}"#.to_vec(),
            ),
        ],
    );
    s.gh.state().clear_requests();
    let start = std::time::Instant::now();
    let out = run(&s, &item, None).unwrap();
    let took = start.elapsed();
    let reqs = s.gh.state().requests();
    let api = reqs.iter().filter(|r| r.operation.as_deref().is_some_and(|o| !o.starts_with("git/"))).count();
    let git = reqs.len() - api;
    println!(
        "BENCH promote 20-file patch: {api} API calls, {git} git HTTP requests, {:.0} ms",
        took.as_secs_f64() * 1000.0
    );
    assert_eq!(common::paths_in(&bare(&s), &out.commit).iter().filter(|p| p.starts_with("src/mod")).count(), 20);
    assert!(api <= 3, "{api} API calls");
    s.gh.assert_no_violations();
}

#[test]
fn repository_settings_choose_labels_reviewers_draft_and_logs() {
    let s = setup();
    s.gh.state().add_user("lead", "fake-pat-lead", &["repo"]);
    s.gh.state().grant("octo", "hello", "lead", Permission::Write).unwrap();
    std::fs::create_dir_all(s.work.join(".patchdesk")).unwrap();
    std::fs::write(
        s.work.join(".patchdesk/config.yaml"),
        "other_setting: kept\npromote:\n  branch_pattern: review/<pod>-<task_id>\n  labels: [\"pod:<pod>\", from-patchdesk]\n  reviewers: [lead]\n  draft: true\n  logs: [patch, metadata]\n",
    )
    .unwrap();
    let item = patch_item(&s);
    s.gh.state().clear_requests();
    let out = run(&s, &item, None).unwrap();
    assert_eq!(out.branch, "review/dev-f4.3");
    let pr = s.gh.state().pull_request("octo", "hello", out.pr_number).unwrap();
    assert!(pr.draft);
    assert_eq!(pr.labels, vec!["pod:dev".to_string(), "from-patchdesk".to_string()]);
    assert_eq!(pr.requested_reviewers, vec!["lead".to_string()]);
    let b = bare(&s);
    let main = b.find_reference("refs/heads/main").unwrap().peel_to_commit().unwrap().id().to_string();
    assert_eq!(
        common::file_in(&b, &out.commit, "metrics/metrics.yaml"),
        common::file_in(&b, &main, "metrics/metrics.yaml"),
        "metrics not chosen"
    );
    assert!(common::file_in(&b, &out.commit, ".logs/trace_log.md").is_none(), "trace log not chosen");
    assert!(common::file_in(&b, &out.commit, &format!(".patches/{item}")).is_some());
    let api =
        s.gh.state()
            .requests()
            .iter()
            .filter(|r| r.operation.as_deref().is_some_and(|o| !o.starts_with("git/")))
            .count();
    assert_eq!(api, 3, "create, labels, reviewers");
    s.gh.assert_no_violations();
}

#[test]
fn the_leads_title_description_labels_and_reviewers_are_used() {
    let s = setup();
    s.gh.state().add_user("lead", "fake-pat-lead", &["repo"]);
    s.gh.state().grant("octo", "hello", "lead", Permission::Write).unwrap();
    let item = patch_item(&s);
    // What the dialog shows before any change.
    let shown = patchdesk_promote::preview(&s.work, &item).unwrap();
    assert_eq!(shown.title, "[F4.3] Add RTP generator");
    assert_eq!(shown.labels, vec!["pod:dev".to_string()]);
    assert!(shown.reviewers.is_empty());
    assert_eq!(shown.branch, "chatgpt/dev/f4.3");
    let mut req = PromoteRequest::new(&s.work, &item, &s.url);
    req.branch = Some("main".into());
    let refused = promote(&req, &forge(&s, TOKEN), &|_| {}).unwrap_err();
    assert!(refused.to_string().contains("cannot be the branch"), "{refused}");
    assert_eq!(refused.code(), Code::InputInvalid, "what the lead typed, not a task file");
    req.branch = Some("review/rtp-first-cut".into());
    req.title = Some("  RTP generator, first cut  ".into());
    req.body = Some("Please look at the generator only.".into());
    req.labels = Some(vec!["<pod>-work".into(), " ".into(), "urgent".into()]);
    req.reviewers = Some(vec!["@lead".into()]);
    let out = promote(&req, &forge(&s, TOKEN), &|_| {}).unwrap();
    let pr = s.gh.state().pull_request("octo", "hello", out.pr_number).unwrap();
    assert_eq!(pr.title, "RTP generator, first cut");
    assert_eq!(pr.head, "review/rtp-first-cut");
    assert_eq!(pr.body.as_deref(), Some("Please look at the generator only."));
    assert_eq!(pr.labels, vec!["dev-work".to_string(), "urgent".to_string()]);
    assert_eq!(pr.requested_reviewers, vec!["lead".to_string()]);
    // The commit message keeps the traceable form.
    let b = bare(&s);
    let c = b.find_commit(git2::Oid::from_str(&out.commit).unwrap()).unwrap();
    assert!(c.message().unwrap().starts_with("[F4.3] Add RTP generator\n"));
    s.gh.assert_no_violations();
}
