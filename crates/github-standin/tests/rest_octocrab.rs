//! octocrab against the stand-in: every request and response is checked against GitHub's
//! OpenAPI description; a stand-in dropped with violations fails the test.

mod common;

use axum::http;
use common::{client, github_error, standin_with_repo, TOKEN};
use github_standin::{Permission, PullState, RepoSpec, Tamper};
use octocrab::params;

async fn raw_get(
    crab: &octocrab::Octocrab,
    url: &str,
    headers: Option<http::HeaderMap>,
) -> (u16, http::HeaderMap, String) {
    let resp = crab._get_with_headers(url, headers).await.expect("request goes through");
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let body = crab.body_to_string(resp).await.unwrap_or_default();
    (status, headers, body)
}

fn with_feature_branch(gh: &github_standin::Standin, branch: &str) -> String {
    gh.state()
        .commit_files(
            "octo",
            "hello",
            branch,
            "Add guidance",
            &[("docs/guide.md", "# Guide\n"), ("src/lib.rs", "pub fn f() {}\n")],
        )
        .unwrap()
}

#[tokio::test]
async fn authenticated_user_and_scopes() {
    let gh = standin_with_repo().await;
    let crab = client(&gh, TOKEN);
    let me = crab.current().user().await.unwrap();
    assert_eq!(me.login, "octo");
    let (status, headers, body) = raw_get(&crab, &format!("{}/user", gh.api_url()), None).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(headers["x-oauth-scopes"], "repo, read:org");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["name"], "Octo Cat");
    assert_eq!(v["email"], "octo@example.com");
    gh.stop();
}

#[tokio::test]
async fn repositories_are_listed_page_by_page() {
    let gh = standin_with_repo().await;
    let s = gh.state();
    for name in ["alpha", "beta", "gamma"] {
        s.add_repo(RepoSpec::new("octo", name)).unwrap();
    }
    s.add_repo(RepoSpec::new("octo", "secret").private()).unwrap();
    s.add_repo(RepoSpec::new("team", "shared").private()).unwrap();
    s.grant("team", "shared", "octo", Permission::Write).unwrap();
    s.add_repo(RepoSpec::new("team", "unrelated")).unwrap();
    let crab = client(&gh, TOKEN);
    let first = crab.current().list_repos_for_authenticated_user().per_page(2).send().await.unwrap();
    assert_eq!(first.items.len(), 2);
    assert!(first.next.is_some(), "a Link header with rel=next");
    let mut names: Vec<String> = first.items.iter().map(|r| r.full_name.clone().unwrap()).collect();
    let mut next = first.next.clone();
    let mut pages = 1;
    while let Some(page) = crab.get_page::<octocrab::models::Repository>(&next).await.unwrap() {
        names.extend(page.items.iter().map(|r| r.full_name.clone().unwrap()));
        next = page.next;
        pages += 1;
    }
    assert_eq!(pages, 3);
    assert_eq!(names, ["octo/alpha", "octo/beta", "octo/gamma", "octo/hello", "octo/secret", "team/shared"]);
    let shared = crab.repos("team", "shared").get().await.unwrap();
    assert!(shared.permissions.unwrap().push);
    gh.stop();
}

#[tokio::test]
async fn pull_request_is_created_listed_labelled_and_reviewed() {
    let gh = standin_with_repo().await;
    gh.state().add_user("reviewer", "fake-pat-reviewer", &["repo"]);
    gh.state().grant("octo", "hello", "reviewer", Permission::Write).unwrap();
    let head_sha = with_feature_branch(&gh, "chatgpt/dev/f4.3_rtp_guidance");
    let crab = client(&gh, TOKEN);
    let pr = crab
        .pulls("octo", "hello")
        .create("[f4.3] RTP guidance", "chatgpt/dev/f4.3_rtp_guidance", "main")
        .body("What was added")
        .draft(true)
        .send()
        .await
        .unwrap();
    assert_eq!(pr.number, 1);
    assert_eq!(pr.head.ref_field, "chatgpt/dev/f4.3_rtp_guidance");
    assert_eq!(pr.head.sha, head_sha);
    assert_eq!(pr.base.ref_field, "main");
    assert_eq!(pr.draft, Some(true));
    assert_eq!(pr.changed_files, Some(2));

    let found = crab
        .pulls("octo", "hello")
        .list()
        .state(params::State::Open)
        .head("octo:chatgpt/dev/f4.3_rtp_guidance")
        .send()
        .await
        .unwrap();
    assert_eq!(found.items.iter().map(|p| p.number).collect::<Vec<_>>(), [1]);
    let none = crab.pulls("octo", "hello").list().head("octo:other").send().await.unwrap();
    assert!(none.items.is_empty());

    let labels = crab.issues("octo", "hello").add_labels(1, &["pod:dev".to_string()]).await.unwrap();
    assert_eq!(labels.iter().map(|l| l.name.as_str()).collect::<Vec<_>>(), ["pod:dev"]);
    let route = "/repos/octo/hello/pulls/1/requested_reviewers";
    let body = serde_json::json!({"reviewers": ["reviewer"]});
    let v: serde_json::Value = crab.post(route, Some(&body)).await.unwrap();
    assert_eq!(v["requested_reviewers"][0]["login"], "reviewer");

    let stored = gh.state().pull_request("octo", "hello", 1).unwrap();
    assert_eq!(stored.labels, ["pod:dev"]);
    assert_eq!(stored.requested_reviewers, ["reviewer"]);
    assert_eq!(stored.body.as_deref(), Some("What was added"));
    assert!(stored.draft);

    let updated = crab.pulls("octo", "hello").update(1).title("[f4.3] RTP guidance v2").send().await.unwrap();
    assert_eq!(updated.title.as_deref(), Some("[f4.3] RTP guidance v2"));
    gh.stop();
}

#[tokio::test]
async fn duplicate_pull_request_is_422_with_githubs_message() {
    let gh = standin_with_repo().await;
    with_feature_branch(&gh, "feature");
    let crab = client(&gh, TOKEN);
    crab.pulls("octo", "hello").create("One", "feature", "main").send().await.unwrap();
    let err = crab.pulls("octo", "hello").create("Two", "octo:feature", "main").send().await.unwrap_err();
    let e = github_error(&err);
    assert_eq!(e.status_code.as_u16(), 422);
    assert_eq!(e.message, "Validation Failed");
    let errors = e.errors.as_ref().expect("errors list");
    assert_eq!(errors[0]["message"], "A pull request already exists for octo:feature.");
    assert_eq!(errors[0]["resource"], "PullRequest");
    assert_eq!(errors[0]["code"], "custom");
    assert_eq!(gh.state().pull_requests("octo", "hello").len(), 1);
    gh.stop();
}

#[tokio::test]
async fn no_commits_between_branches_is_422() {
    let gh = standin_with_repo().await;
    let main = gh.state().branch_sha("octo", "hello", "main").unwrap();
    // A branch at the same commit as main.
    let git = git2::Repository::open_bare(gh.state().git_dir("octo", "hello").unwrap()).unwrap();
    git.reference("refs/heads/empty", git2::Oid::from_str(&main).unwrap(), false, "test").unwrap();
    let crab = client(&gh, TOKEN);
    let err = crab.pulls("octo", "hello").create("Nothing", "empty", "main").send().await.unwrap_err();
    let e = github_error(&err);
    assert_eq!(e.status_code.as_u16(), 422);
    assert_eq!(e.errors.as_ref().unwrap()[0]["message"], "No commits between main and empty");
    let err = crab.pulls("octo", "hello").create("Missing", "nope", "main").send().await.unwrap_err();
    assert_eq!(github_error(&err).errors.as_ref().unwrap()[0]["field"], "head");
    gh.stop();
}

#[tokio::test]
async fn rate_limit_is_403_with_reset_time() {
    let gh = standin_with_repo().await;
    let crab = client(&gh, TOKEN);
    let reset = gh.state().rate_limit_next(2);
    let err = crab.current().user().await.unwrap_err();
    let e = github_error(&err);
    assert_eq!(e.status_code.as_u16(), 403);
    assert!(e.message.starts_with("API rate limit exceeded for user ID"), "{}", e.message);
    assert_eq!(e.rate_limit_reset, Some(reset), "octocrab's error carries x-ratelimit-reset");
    let (status, headers, _) = raw_get(&crab, &format!("{}/repos/octo/hello", gh.api_url()), None).await;
    assert_eq!(status, 403);
    assert_eq!(headers["x-ratelimit-remaining"], "0");
    assert_eq!(headers["x-ratelimit-reset"].to_str().unwrap().parse::<u64>().unwrap(), reset);
    // The limit was for two requests only.
    assert_eq!(crab.current().user().await.unwrap().login, "octo");
    gh.stop();
}

#[tokio::test]
async fn bad_and_revoked_tokens_are_401() {
    let gh = standin_with_repo().await;
    let err = client(&gh, "fake-pat-wrong").current().user().await.unwrap_err();
    let e = github_error(&err);
    assert_eq!(e.status_code.as_u16(), 401);
    assert_eq!(e.message, "Bad credentials");
    let crab = client(&gh, TOKEN);
    crab.current().user().await.unwrap();
    gh.state().revoke_token(TOKEN);
    let err = crab.repos("octo", "hello").get().await.unwrap_err();
    assert_eq!(github_error(&err).status_code.as_u16(), 401);
    gh.stop();
}

#[tokio::test]
async fn missing_and_hidden_repositories_are_404() {
    let gh = standin_with_repo().await;
    gh.state().add_repo(RepoSpec::new("other", "private").private()).unwrap();
    let crab = client(&gh, TOKEN);
    for (owner, name) in [("octo", "nope"), ("other", "private")] {
        let err = crab.repos(owner, name).get().await.unwrap_err();
        let e = github_error(&err);
        assert_eq!(e.status_code.as_u16(), 404, "{owner}/{name}");
        assert_eq!(e.message, "Not Found");
    }
    gh.stop();
}

#[tokio::test]
async fn missing_permission_is_403() {
    let gh = standin_with_repo().await;
    gh.state().add_user("guest", "fake-pat-guest", &["repo"]);
    with_feature_branch(&gh, "feature");
    let err =
        client(&gh, "fake-pat-guest").pulls("octo", "hello").create("x", "feature", "main").send().await.unwrap_err();
    let e = github_error(&err);
    assert_eq!(e.status_code.as_u16(), 403);
    assert!(e.message.contains("not accessible"), "{}", e.message);
    assert!(gh.state().pull_requests("octo", "hello").is_empty());
    // The hook: a forced 403 on the next call of one operation.
    gh.state().fail_next("repos/get", 403, "Must have admin rights to Repository.");
    let err = client(&gh, TOKEN).repos("octo", "hello").get().await.unwrap_err();
    assert_eq!(github_error(&err).message, "Must have admin rights to Repository.");
    gh.stop();
}

#[tokio::test]
async fn pull_request_etag_gives_304_until_it_changes() {
    let gh = standin_with_repo().await;
    with_feature_branch(&gh, "feature");
    let crab = client(&gh, TOKEN);
    crab.pulls("octo", "hello").create("One", "feature", "main").send().await.unwrap();
    let url = format!("{}/repos/octo/hello/pulls/1", gh.api_url());
    let (status, headers, _) = raw_get(&crab, &url, None).await;
    assert_eq!(status, 200);
    let etag = headers["etag"].clone();
    let mut conditional = http::HeaderMap::new();
    conditional.insert("if-none-match", etag.clone());
    let (status, _, body) = raw_get(&crab, &url, Some(conditional.clone())).await;
    assert_eq!(status, 304);
    assert!(body.is_empty());
    gh.state().merge_pull("octo", "hello", 1, "octo").unwrap();
    let (status, headers, body) = raw_get(&crab, &url, Some(conditional)).await;
    assert_eq!(status, 200);
    assert_ne!(headers["etag"], etag);
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["merged"], true);
    assert_eq!(v["state"], "closed");
    assert_eq!(gh.state().pull_request("octo", "hello", 1).unwrap().state, PullState::Merged);
    // The merge is a real commit on main with both parents.
    let main = gh.state().branch_sha("octo", "hello", "main").unwrap();
    assert_eq!(v["merge_commit_sha"], main.as_str());
    gh.stop();
}

#[tokio::test]
async fn every_list_answers_a_matching_etag_with_304_that_does_not_count_against_the_limit() {
    let gh = standin_with_repo().await;
    with_feature_branch(&gh, "feature");
    let crab = client(&gh, TOKEN);
    crab.pulls("octo", "hello").create("One", "feature", "main").send().await.unwrap();
    // The description documents no 304 for the reviews list; GitHub answers it conditionally anyway.
    let url = format!("{}/repos/octo/hello/pulls/1/reviews?per_page=100&page=1", gh.api_url());
    let (status, headers, _) = raw_get(&crab, &url, None).await;
    assert_eq!(status, 200);
    let used = |h: &http::HeaderMap| h["x-ratelimit-used"].to_str().unwrap().parse::<u64>().unwrap();
    let used_before = used(&headers);
    let mut conditional = http::HeaderMap::new();
    conditional.insert("if-none-match", headers["etag"].clone());
    let (status, _, body) = raw_get(&crab, &url, Some(conditional.clone())).await;
    assert_eq!((status, body.as_str()), (304, ""));
    let (_, _, _) = raw_get(&crab, &url, Some(conditional.clone())).await;
    gh.state().add_review("octo", "hello", 1, "ann", "APPROVED", "", &[]).unwrap();
    let (status, headers, body) = raw_get(&crab, &url, Some(conditional)).await;
    assert_eq!(status, 200);
    assert!(body.contains("APPROVED"), "{body}");
    assert_eq!(used(&headers), used_before + 1, "the two 304s were not counted");
    gh.stop();
}

#[tokio::test]
async fn branches_and_refs_come_from_the_bare_repository() {
    let gh = standin_with_repo().await;
    let sha = with_feature_branch(&gh, "chatgpt/dev/x");
    let crab = client(&gh, TOKEN);
    let r =
        crab.repos("octo", "hello").get_ref(&params::repos::Reference::Branch("chatgpt/dev/x".into())).await.unwrap();
    match r.object {
        octocrab::models::repos::Object::Commit { sha: s, .. } => assert_eq!(s, sha),
        other => panic!("unexpected {other:?}"),
    }
    let url = format!("{}/repos/octo/hello/branches/main", gh.api_url());
    let (_, _, body) = raw_get(&crab, &url, None).await;
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["protected"], false);
    gh.state().protect_branch("octo", "hello", "main").unwrap();
    let (_, _, body) = raw_get(&crab, &url, None).await;
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["protected"], true);
    let err =
        crab.repos("octo", "hello").get_ref(&params::repos::Reference::Branch("missing".into())).await.unwrap_err();
    assert_eq!(github_error(&err).status_code.as_u16(), 404);
    gh.stop();
}

#[tokio::test]
async fn a_wrong_response_is_caught_as_a_violation() {
    let gh = standin_with_repo().await;
    with_feature_branch(&gh, "feature");
    let crab = client(&gh, TOKEN);
    crab.pulls("octo", "hello").create("One", "feature", "main").send().await.unwrap();
    assert!(gh.violations().is_empty());
    gh.state().tamper_next(Tamper::SetField("number".into(), serde_json::json!("one")));
    let _ = crab._get(format!("{}/repos/octo/hello/pulls/1", gh.api_url())).await.unwrap();
    gh.state().tamper_next(Tamper::RemoveField("html_url".into()));
    let _ = crab._get(format!("{}/repos/octo/hello", gh.api_url())).await.unwrap();
    gh.state().tamper_next(Tamper::Status(418));
    let _ = crab._get(format!("{}/user", gh.api_url())).await.unwrap();
    let v = gh.take_violations();
    let text: Vec<String> = v.iter().map(|x| x.to_string()).collect();
    assert_eq!(v.len(), 3, "{text:#?}");
    assert!(text[0].contains("pulls/get") && text[0].contains("/number"), "{}", text[0]);
    assert!(text[1].contains("repos/get") && text[1].contains("html_url"), "{}", text[1]);
    assert!(text[2].contains("status 418 is not documented"), "{}", text[2]);
    gh.stop();
}

#[tokio::test]
async fn a_wrong_request_is_caught_as_a_violation() {
    let gh = standin_with_repo().await;
    let crab = client(&gh, TOKEN);
    // An unknown query parameter, a body of the wrong type, an unknown route.
    let _ = crab._get(format!("{}/user/repos?per_pge=2", gh.api_url())).await.unwrap();
    let bad: Result<serde_json::Value, _> =
        crab.post("/repos/octo/hello/pulls", Some(&serde_json::json!({"title": 5, "head": "x", "base": "main"}))).await;
    assert_eq!(github_error(&bad.unwrap_err()).status_code.as_u16(), 422);
    let _ = crab._get(format!("{}/repos/octo/hello/nonsense", gh.api_url())).await.unwrap();
    let v = gh.take_violations();
    let text: Vec<String> = v.iter().map(|x| x.to_string()).collect();
    assert_eq!(v.len(), 3, "{text:#?}");
    assert!(text[0].contains("per_pge"));
    assert!(text[1].contains("/title"));
    assert!(text[2].contains("no operation"));
    gh.stop();
}

#[test]
fn dropping_a_standin_with_violations_panics() {
    let result = std::panic::catch_unwind(|| {
        let gh = github_standin::Standin::start_blocking().unwrap();
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            let crab = client(&gh, TOKEN);
            let _ = crab._get(format!("{}/not/a/github/route", gh.api_url())).await;
        });
        drop(gh);
    });
    let err = result.expect_err("drop must panic");
    let msg = err.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(msg.contains("do not match GitHub's OpenAPI description"), "{msg}");
}

#[tokio::test]
async fn a_response_lost_on_the_way_leaves_the_pull_request_created() {
    use octocrab::service::middleware::retry::RetryConfig;
    let gh = standin_with_repo().await;
    with_feature_branch(&gh, "feature");

    // Without retries the client sees a transport error, yet GitHub did create the PR.
    let plain = octocrab::Octocrab::builder()
        .base_uri(gh.api_url())
        .unwrap()
        .personal_token(TOKEN.to_string())
        .add_retry_config(RetryConfig::None)
        .build()
        .unwrap();
    gh.state().drop_response_next("pulls/create");
    let err = plain.pulls("octo", "hello").create("One", "feature", "main").send().await.unwrap_err();
    assert!(!matches!(err, octocrab::Error::GitHub { .. }), "a transport error, not an answer: {err:?}");
    assert_eq!(gh.state().pull_requests("octo", "hello").len(), 1);
    // The existing PR is found by its head.
    let found = plain.pulls("octo", "hello").list().head("octo:feature").send().await.unwrap();
    assert_eq!(found.items.iter().map(|p| p.number).collect::<Vec<_>>(), [1]);

    // octocrab's default retry policy silently repeats the POST after a cut connection:
    // the caller then sees GitHub's 422 "already exists" for a PR it created itself.
    with_feature_branch(&gh, "second");
    gh.state().drop_response_next("pulls/create");
    let err = client(&gh, TOKEN).pulls("octo", "hello").create("Two", "second", "main").send().await.unwrap_err();
    let e = github_error(&err);
    assert_eq!(e.status_code.as_u16(), 422);
    assert_eq!(e.errors.as_ref().unwrap()[0]["message"], "A pull request already exists for octo:second.");
    let creates = gh.state().requests().iter().filter(|r| r.operation.as_deref() == Some("pulls/create")).count();
    assert_eq!(creates, 3, "one POST without retry, two with the default retry");
    assert_eq!(gh.state().pull_requests("octo", "hello").len(), 2);
    gh.stop();
}

#[tokio::test]
async fn pull_request_lifecycle_close_reopen_merge() {
    let gh = standin_with_repo().await;
    with_feature_branch(&gh, "a");
    with_feature_branch(&gh, "b");
    let crab = client(&gh, TOKEN);
    let pulls = crab.pulls("octo", "hello");
    pulls.create("A", "a", "main").send().await.unwrap();
    pulls.create("B", "b", "main").send().await.unwrap();
    let closed = pulls.update(1).state(params::pulls::State::Closed).send().await.unwrap();
    assert_eq!(closed.state, Some(octocrab::models::IssueState::Closed));
    assert!(closed.closed_at.is_some());
    assert_eq!(gh.state().pull_request("octo", "hello", 1).unwrap().state, PullState::Closed);
    gh.state().merge_pull("octo", "hello", 2, "octo").unwrap();
    let open = pulls.list().state(params::State::Open).send().await.unwrap();
    assert!(open.items.is_empty());
    let all = pulls.list().state(params::State::All).send().await.unwrap();
    let merged: Vec<(u64, bool)> = all.items.iter().map(|p| (p.number, p.merged_at.is_some())).collect();
    assert_eq!(merged, [(2, true), (1, false)], "newest first, only #2 merged");
    let reopened = pulls.update(1).state(params::pulls::State::Open).send().await.unwrap();
    assert_eq!(reopened.state, Some(octocrab::models::IssueState::Open));
    // A merged pull request cannot be reopened.
    let err = pulls.update(2).state(params::pulls::State::Open).send().await.unwrap_err();
    assert_eq!(github_error(&err).status_code.as_u16(), 422);
    // Refs under a prefix.
    let refs: serde_json::Value = crab.get("/repos/octo/hello/git/matching-refs/heads/", None::<&()>).await.unwrap();
    let names: Vec<&str> = refs.as_array().unwrap().iter().map(|r| r["ref"].as_str().unwrap()).collect();
    assert_eq!(names, ["refs/heads/a", "refs/heads/b", "refs/heads/main"]);
    gh.stop();
}
