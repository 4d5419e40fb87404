//! The review endpoints: reviews, review comments, issue comments, commit statuses, check
//! runs, the merge button and deleting a branch — GitHub-shaped, checked against the OpenAPI
//! description like every other route.

use serde_json::{json, Value};

use crate::api::{
    error, find_pull, find_repo, not_found, paginate, repository, requires_auth, user_value, validation_failed,
    with_link, Call, Reply,
};
use crate::state::{add_review_in, merge_pull_in, Permission, PullState, Repo, StoredComment, StoredReview, World};

fn git_dir(call: &Call<'_>, r: &Repo) -> std::path::PathBuf {
    call.repos_root.join(&r.owner).join(format!("{}.git", r.name))
}

fn review_value(world: &World, base: &str, r: &Repo, v: &StoredReview) -> Value {
    let pull = format!("{base}/repos/{}/pulls/{}", r.full_name(), v.number);
    let html = format!("{base}/{}/pull/{}#pullrequestreview-{}", r.full_name(), v.number, v.id);
    json!({
        "id": v.id,
        "node_id": format!("PRR_{}", v.id),
        "user": user_value(world, base, &v.login),
        "body": v.body,
        "state": v.state,
        "html_url": html,
        "pull_request_url": pull,
        "_links": {"html": {"href": html}, "pull_request": {"href": pull}},
        "submitted_at": v.submitted_at,
        "commit_id": v.commit_id,
        "author_association": association(r, &v.login),
    })
}

fn association(r: &Repo, login: &str) -> &'static str {
    if login.eq_ignore_ascii_case(&r.owner) {
        "OWNER"
    } else {
        "COLLABORATOR"
    }
}

fn line_comment_value(world: &World, base: &str, r: &Repo, c: &StoredComment) -> Value {
    let api = format!("{base}/repos/{}", r.full_name());
    let url = format!("{api}/pulls/comments/{}", c.id);
    let html = format!("{base}/{}/pull/{}#discussion_r{}", r.full_name(), c.number, c.id);
    let pull = format!("{api}/pulls/{}", c.number);
    json!({
        "url": url,
        "id": c.id,
        "node_id": format!("PRRC_{}", c.id),
        "pull_request_review_id": c.review_id,
        "diff_hunk": "@@ -1 +1 @@",
        "path": c.path,
        "commit_id": c.commit_id,
        "original_commit_id": c.commit_id,
        "user": user_value(world, base, &c.login),
        "body": c.body,
        "created_at": c.created_at,
        "updated_at": c.created_at,
        "html_url": html,
        "pull_request_url": pull,
        "author_association": association(r, &c.login),
        "_links": {"self": {"href": url}, "html": {"href": html}, "pull_request": {"href": pull}},
        "line": c.line,
        "original_line": c.line,
        "side": "RIGHT",
    })
}

fn issue_comment_value(world: &World, base: &str, r: &Repo, c: &StoredComment) -> Value {
    let api = format!("{base}/repos/{}", r.full_name());
    json!({
        "id": c.id,
        "node_id": format!("IC_{}", c.id),
        "url": format!("{api}/issues/comments/{}", c.id),
        "html_url": format!("{base}/{}/pull/{}#issuecomment-{}", r.full_name(), c.number, c.id),
        "body": c.body,
        "user": user_value(world, base, &c.login),
        "created_at": c.created_at,
        "updated_at": c.created_at,
        "issue_url": format!("{api}/issues/{}", c.number),
        "author_association": association(r, &c.login),
    })
}

fn listed(call: &Call<'_>, tail: &str, items: Vec<Value>) -> Reply {
    let (page, link) = paginate(call, tail, &items);
    with_link(Reply::json(200, Value::Array(page)), link)
}

pub(crate) fn list_reviews(world: &World, call: &Call<'_>) -> Reply {
    let (i, j) = match find_pull(world, call, Permission::Read, "pull_number") {
        Ok(found) => found,
        Err(e) => return e,
    };
    let r = &world.repos[i];
    let n = r.pulls[j].public.number;
    let items = r.reviews.iter().filter(|v| v.number == n).map(|v| review_value(world, call.base, r, v)).collect();
    listed(call, &format!("/repos/{}/pulls/{n}/reviews", r.full_name()), items)
}

pub(crate) fn create_review(world: &mut World, call: &Call<'_>) -> Reply {
    let (i, j) = match find_pull(world, call, Permission::Read, "pull_number") {
        Ok(found) => found,
        Err(e) => return e,
    };
    let Some(login) = call.login().map(str::to_string) else { return requires_auth() };
    let docs = "https://docs.github.com/rest/pulls/reviews#create-a-review-for-a-pull-request";
    let state = match call.body.and_then(|b| b.get("event")).and_then(Value::as_str) {
        Some("APPROVE") => "APPROVED",
        Some("REQUEST_CHANGES") => "CHANGES_REQUESTED",
        Some("COMMENT") => "COMMENTED",
        _ => "PENDING",
    };
    let body = call.body.and_then(|b| b.get("body")).and_then(Value::as_str).unwrap_or_default().to_string();
    if state == "CHANGES_REQUESTED" && body.trim().is_empty() {
        return validation_failed(vec![json!("Review body is required for REQUEST_CHANGES")], docs);
    }
    let lines: Vec<(String, u32, String)> = call
        .body
        .and_then(|b| b.get("comments"))
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|c| {
                    let path = c.get("path")?.as_str()?.to_string();
                    let line = u32::try_from(c.get("line")?.as_u64()?).ok()?;
                    Some((path, line, c.get("body")?.as_str()?.to_string()))
                })
                .collect()
        })
        .unwrap_or_default();
    let n = world.repos[i].pulls[j].public.number;
    let dir = git_dir(call, &world.repos[i]);
    let id = match add_review_in(world, i, &dir, n, &login, state, &body, &lines) {
        Ok(id) => id,
        Err(e) => return error(422, &e, docs),
    };
    let r = &world.repos[i];
    let v = r.reviews.iter().find(|v| v.id == id).expect("just added");
    Reply::json(200, review_value(world, call.base, r, v))
}

pub(crate) fn list_review_comments(world: &World, call: &Call<'_>) -> Reply {
    let (i, j) = match find_pull(world, call, Permission::Read, "pull_number") {
        Ok(found) => found,
        Err(e) => return e,
    };
    let r = &world.repos[i];
    let n = r.pulls[j].public.number;
    let items = r
        .comments
        .iter()
        .filter(|c| c.number == n && c.path.is_some())
        .map(|c| line_comment_value(world, call.base, r, c))
        .collect();
    listed(call, &format!("/repos/{}/pulls/{n}/comments", r.full_name()), items)
}

pub(crate) fn list_issue_comments(world: &World, call: &Call<'_>) -> Reply {
    let (i, j) = match find_pull(world, call, Permission::Read, "issue_number") {
        Ok(found) => found,
        Err(e) => return e,
    };
    let r = &world.repos[i];
    let n = r.pulls[j].public.number;
    let items = r
        .comments
        .iter()
        .filter(|c| c.number == n && c.path.is_none())
        .map(|c| issue_comment_value(world, call.base, r, c))
        .collect();
    listed(call, &format!("/repos/{}/issues/{n}/comments", r.full_name()), items)
}

pub(crate) fn create_issue_comment(world: &mut World, call: &Call<'_>) -> Reply {
    let (i, j) = match find_pull(world, call, Permission::Read, "issue_number") {
        Ok(found) => found,
        Err(e) => return e,
    };
    let Some(login) = call.login().map(str::to_string) else { return requires_auth() };
    let body = call.body.and_then(|b| b.get("body")).and_then(Value::as_str).unwrap_or_default().to_string();
    if body.trim().is_empty() {
        return validation_failed(
            vec![json!({"resource": "IssueComment", "code": "missing_field", "field": "body"})],
            "https://docs.github.com/rest/issues/comments#create-an-issue-comment",
        );
    }
    let id = world.new_id();
    let n = world.repos[i].pulls[j].public.number;
    let c = StoredComment {
        id,
        number: n,
        login,
        body,
        path: None,
        line: None,
        review_id: None,
        commit_id: String::new(),
        created_at: crate::now_iso(),
    };
    world.repos[i].comments.push(c.clone());
    let r = &world.repos[i];
    let v = issue_comment_value(world, call.base, r, &c);
    let location = v["url"].as_str().unwrap_or_default().to_string();
    Reply::json(201, v).header("location", location)
}

/// The commit a `ref` path parameter names (a sha, a branch or a tag).
fn resolve(call: &Call<'_>, r: &Repo) -> Option<String> {
    let git = git2::Repository::open_bare(git_dir(call, r)).ok()?;
    let name = call.params.get("ref")?;
    let id = git.revparse_single(name).ok()?.peel_to_commit().ok()?.id();
    Some(id.to_string())
}

pub(crate) fn combined_status(world: &World, call: &Call<'_>) -> Reply {
    let i = match find_repo(world, call, Permission::Read) {
        Ok(i) => i,
        Err(e) => return e,
    };
    let r = &world.repos[i];
    let Some(sha) = resolve(call, r) else { return not_found() };
    let api = format!("{}/repos/{}", call.base, r.full_name());
    // The newest status of each context counts.
    let mut latest: Vec<&crate::state::StoredStatus> = Vec::new();
    for s in r.statuses.iter().filter(|s| s.sha == sha) {
        latest.retain(|l| l.context != s.context);
        latest.push(s);
    }
    let state = if latest.iter().any(|s| s.state == "failure" || s.state == "error") {
        "failure"
    } else if latest.is_empty() || latest.iter().any(|s| s.state == "pending") {
        "pending"
    } else {
        "success"
    };
    let statuses: Vec<Value> = latest
        .iter()
        .map(|s| {
            json!({
                "url": format!("{api}/statuses/{sha}"),
                "avatar_url": null,
                "id": s.id,
                "node_id": format!("SC_{}", s.id),
                "state": s.state,
                "description": null,
                "target_url": null,
                "context": s.context,
                "created_at": s.created_at,
                "updated_at": s.created_at,
            })
        })
        .collect();
    Reply::json(
        200,
        json!({
            "state": state,
            "statuses": statuses,
            "sha": sha,
            "total_count": statuses.len(),
            "repository": repository(world, call.base, r, call.login()),
            "commit_url": format!("{api}/commits/{sha}"),
            "url": format!("{api}/commits/{sha}/status"),
        }),
    )
}

pub(crate) fn check_runs(world: &World, call: &Call<'_>) -> Reply {
    let i = match find_repo(world, call, Permission::Read) {
        Ok(i) => i,
        Err(e) => return e,
    };
    let r = &world.repos[i];
    let Some(sha) = resolve(call, r) else { return not_found() };
    let api = format!("{}/repos/{}", call.base, r.full_name());
    let runs: Vec<Value> = r
        .check_runs
        .iter()
        .filter(|c| c.sha == sha)
        .map(|c| {
            let done = c.status == "completed";
            json!({
                "id": c.id,
                "node_id": format!("CR_{}", c.id),
                "head_sha": c.sha,
                "name": c.name,
                "url": format!("{api}/check-runs/{}", c.id),
                "html_url": format!("{}/{}/runs/{}", call.base, r.full_name(), c.id),
                "details_url": null,
                "status": c.status,
                "conclusion": c.conclusion,
                "started_at": c.started_at,
                "completed_at": if done { Value::String(c.started_at.clone()) } else { Value::Null },
                "external_id": null,
                "check_suite": {"id": c.id},
                "output": {"title": null, "summary": null, "text": null, "annotations_count": 0, "annotations_url": format!("{api}/check-runs/{}/annotations", c.id)},
                "app": null,
                "pull_requests": [],
            })
        })
        .collect();
    Reply::json(200, json!({"total_count": runs.len(), "check_runs": runs}))
}

pub(crate) fn merge(world: &mut World, call: &Call<'_>) -> Reply {
    let (i, j) = match find_pull(world, call, Permission::Write, "pull_number") {
        Ok(found) => found,
        Err(e) => return e,
    };
    let Some(login) = call.login().map(str::to_string) else { return requires_auth() };
    let docs = "https://docs.github.com/rest/pulls/pulls#merge-a-pull-request";
    let method = call.body.and_then(|b| b.get("merge_method")).and_then(Value::as_str).unwrap_or("merge");
    if world.repos[i].pulls[j].public.state != PullState::Open {
        return error(405, "Pull Request is not mergeable", docs);
    }
    let n = world.repos[i].pulls[j].public.number;
    let dir = git_dir(call, &world.repos[i]);
    match merge_pull_in(&mut world.repos[i], &dir, n, &login, method) {
        Ok(sha) => Reply::json(200, json!({"sha": sha, "merged": true, "message": "Pull Request successfully merged"})),
        Err(e) => error(405, &e, docs),
    }
}

pub(crate) fn delete_ref(world: &mut World, call: &Call<'_>) -> Reply {
    let i = match find_repo(world, call, Permission::Write) {
        Ok(i) => i,
        Err(e) => return e,
    };
    let name = format!("refs/{}", call.params.get("ref").map(String::as_str).unwrap_or_default());
    let docs = "https://docs.github.com/rest/git/refs#delete-a-reference";
    let deleted = git2::Repository::open_bare(git_dir(call, &world.repos[i]))
        .and_then(|g| g.find_reference(&name).and_then(|mut r| r.delete()));
    match deleted {
        Ok(()) => Reply { status: 204, headers: Vec::new(), body: None, drop_connection: false },
        Err(_) => validation_failed(vec![], docs).header("x-reason", "Reference does not exist"),
    }
}
