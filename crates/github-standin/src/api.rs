//! The REST endpoints: each answers the way GitHub does, with GitHub-shaped bodies.

use std::path::Path;

use serde_json::{json, Map, Value};

use crate::state::{Permission, Pull, PullRequest, PullState, Repo, User, World};

/// An answer before it becomes HTTP.
#[derive(Debug, Clone)]
pub(crate) struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Option<Value>,
    /// Abort the connection after the headers instead of sending the body (test hook).
    pub drop_connection: bool,
}

impl Reply {
    pub fn json(status: u16, body: Value) -> Reply {
        Reply { status, headers: Vec::new(), body: Some(body), drop_connection: false }
    }

    pub fn header(mut self, name: &str, value: impl Into<String>) -> Reply {
        self.headers.push((name.to_string(), value.into()));
        self
    }
}

const DOCS: &str = "https://docs.github.com/rest";

/// GitHub's error object.
pub(crate) fn error(status: u16, message: &str, docs: &str) -> Reply {
    Reply::json(status, json!({"message": message, "documentation_url": docs, "status": status.to_string()}))
}

pub(crate) fn not_found() -> Reply {
    error(404, "Not Found", DOCS)
}

/// 422 "Validation Failed" with GitHub's `errors` list.
pub(crate) fn validation_failed(errors: Vec<Value>, docs: &str) -> Reply {
    Reply::json(
        422,
        json!({"message": "Validation Failed", "errors": errors, "documentation_url": docs, "status": "422"}),
    )
}

/// Who is calling.
#[derive(Debug, Clone)]
pub(crate) struct Caller {
    pub login: String,
    pub scopes: Vec<String>,
}

/// A request that passed routing and the OpenAPI check.
pub(crate) struct Call<'a> {
    pub base: &'a str,
    pub operation: &'a str,
    pub params: &'a std::collections::HashMap<String, String>,
    pub query: &'a [(String, String)],
    pub body: Option<&'a Value>,
    pub caller: Option<Caller>,
    pub repos_root: &'a Path,
}

impl Call<'_> {
    pub(crate) fn param(&self, name: &str) -> &str {
        self.params.get(name).map(String::as_str).unwrap_or_default()
    }

    pub(crate) fn query(&self, name: &str) -> Option<&str> {
        self.query.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    fn number(&self, name: &str) -> Option<u64> {
        self.param(name).parse().ok()
    }

    fn body_str(&self, name: &str) -> Option<&str> {
        self.body.and_then(|b| b.get(name)).and_then(Value::as_str)
    }

    pub(crate) fn login(&self) -> Option<&str> {
        self.caller.as_ref().map(|c| c.login.as_str())
    }
}

fn node_id(kind: &str, id: u64) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(format!("0{kind}{id}"))
}

pub(crate) fn simple_user(base: &str, u: &User) -> Value {
    let l = &u.login;
    json!({
        "login": l,
        "id": u.id,
        "node_id": node_id("U", u.id),
        "avatar_url": format!("{base}/avatars/{l}"),
        "gravatar_id": "",
        "url": format!("{base}/users/{l}"),
        "html_url": format!("{base}/{l}"),
        "followers_url": format!("{base}/users/{l}/followers"),
        "following_url": format!("{base}/users/{l}/following{{/other_user}}"),
        "gists_url": format!("{base}/users/{l}/gists{{/gist_id}}"),
        "starred_url": format!("{base}/users/{l}/starred{{/owner}}{{/repo}}"),
        "subscriptions_url": format!("{base}/users/{l}/subscriptions"),
        "organizations_url": format!("{base}/users/{l}/orgs"),
        "repos_url": format!("{base}/users/{l}/repos"),
        "events_url": format!("{base}/users/{l}/events{{/privacy}}"),
        "received_events_url": format!("{base}/users/{l}/received_events"),
        "type": "User",
        "user_view_type": "public",
        "site_admin": false
    })
}

pub(crate) fn user_value(world: &World, base: &str, login: &str) -> Value {
    match world.user(login) {
        Some(u) => simple_user(base, u),
        None => Value::Null,
    }
}

fn private_user(world: &World, base: &str, u: &User) -> Value {
    let mut v = simple_user(base, u);
    let owned: Vec<&Repo> = world.repos.iter().filter(|r| r.owner.eq_ignore_ascii_case(&u.login)).collect();
    let private = owned.iter().filter(|r| r.private).count();
    let m = v.as_object_mut().expect("object");
    m.insert("user_view_type".into(), json!("private"));
    for (k, val) in [
        ("name", json!(u.name)),
        ("company", Value::Null),
        ("blog", json!("")),
        ("location", Value::Null),
        ("email", json!(u.email)),
        ("hireable", Value::Null),
        ("bio", Value::Null),
        ("twitter_username", Value::Null),
        ("notification_email", json!(u.email)),
        ("public_repos", json!(owned.len() - private)),
        ("public_gists", json!(0)),
        ("followers", json!(0)),
        ("following", json!(0)),
        ("created_at", json!(u.created_at)),
        ("updated_at", json!(u.created_at)),
        ("private_gists", json!(0)),
        ("total_private_repos", json!(private)),
        ("owned_private_repos", json!(private)),
        ("disk_usage", json!(0)),
        ("collaborators", json!(0)),
        ("two_factor_authentication", json!(true)),
    ] {
        m.insert(k.into(), val);
    }
    v
}

fn permissions_value(p: Option<Permission>) -> Value {
    let at_least = |x: Permission| p.is_some_and(|p| p >= x);
    json!({
        "admin": at_least(Permission::Admin),
        "maintain": at_least(Permission::Maintain),
        "push": at_least(Permission::Write),
        "triage": at_least(Permission::Triage),
        "pull": at_least(Permission::Read)
    })
}

/// The `repository` schema (used by listings and pull request heads/bases).
pub(crate) fn repository(world: &World, base: &str, r: &Repo, viewer: Option<&str>) -> Value {
    let full = r.full_name();
    let api = format!("{base}/repos/{full}");
    let pushed = pushed_at(world, r);
    let mut v = json!({
        "id": r.id,
        "node_id": node_id("R", r.id),
        "name": r.name,
        "full_name": full,
        "private": r.private,
        "owner": user_value(world, base, &r.owner),
        "html_url": format!("{base}/{full}"),
        "description": r.description,
        "fork": false,
        "url": api,
        "archive_url": format!("{api}/{{archive_format}}{{/ref}}"),
        "assignees_url": format!("{api}/assignees{{/user}}"),
        "blobs_url": format!("{api}/git/blobs{{/sha}}"),
        "branches_url": format!("{api}/branches{{/branch}}"),
        "collaborators_url": format!("{api}/collaborators{{/collaborator}}"),
        "comments_url": format!("{api}/comments{{/number}}"),
        "commits_url": format!("{api}/commits{{/sha}}"),
        "compare_url": format!("{api}/compare/{{base}}...{{head}}"),
        "contents_url": format!("{api}/contents/{{+path}}"),
        "contributors_url": format!("{api}/contributors"),
        "deployments_url": format!("{api}/deployments"),
        "downloads_url": format!("{api}/downloads"),
        "events_url": format!("{api}/events"),
        "forks_url": format!("{api}/forks"),
        "git_commits_url": format!("{api}/git/commits{{/sha}}"),
        "git_refs_url": format!("{api}/git/refs{{/sha}}"),
        "git_tags_url": format!("{api}/git/tags{{/sha}}"),
        "git_url": format!("git://127.0.0.1/{full}.git"),
        "issue_comment_url": format!("{api}/issues/comments{{/number}}"),
        "issue_events_url": format!("{api}/issues/events{{/number}}"),
        "issues_url": format!("{api}/issues{{/number}}"),
        "keys_url": format!("{api}/keys{{/key_id}}"),
        "labels_url": format!("{api}/labels{{/name}}"),
        "languages_url": format!("{api}/languages"),
        "merges_url": format!("{api}/merges"),
        "milestones_url": format!("{api}/milestones{{/number}}"),
        "notifications_url": format!("{api}/notifications{{?since,all,participating}}"),
        "pulls_url": format!("{api}/pulls{{/number}}"),
        "releases_url": format!("{api}/releases{{/id}}"),
        "ssh_url": format!("git@127.0.0.1:{full}.git"),
        "stargazers_url": format!("{api}/stargazers"),
        "statuses_url": format!("{api}/statuses/{{sha}}"),
        "subscribers_url": format!("{api}/subscribers"),
        "subscription_url": format!("{api}/subscription"),
        "tags_url": format!("{api}/tags"),
        "teams_url": format!("{api}/teams"),
        "trees_url": format!("{api}/git/trees{{/sha}}"),
        "clone_url": format!("{base}/{full}.git"),
        "mirror_url": null,
        "hooks_url": format!("{api}/hooks"),
        "svn_url": format!("{base}/{full}"),
        "homepage": null,
        "language": null,
        "forks_count": 0,
        "forks": 0,
        "stargazers_count": 0,
        "watchers_count": 0,
        "watchers": 0,
        "size": 0,
        "default_branch": r.default_branch,
        "open_issues_count": r.pulls.iter().filter(|p| p.public.state == PullState::Open).count(),
        "open_issues": r.pulls.iter().filter(|p| p.public.state == PullState::Open).count(),
        "is_template": false,
        "topics": [],
        "has_issues": true,
        "has_projects": true,
        "has_wiki": true,
        "has_pages": false,
        "has_downloads": true,
        "has_discussions": false,
        "archived": false,
        "disabled": false,
        "visibility": if r.private { "private" } else { "public" },
        "pushed_at": pushed,
        "created_at": r.created_at,
        "updated_at": pushed,
        "allow_forking": true,
        "web_commit_signoff_required": false,
        "license": null
    });
    if viewer.is_some() {
        v["permissions"] = permissions_value(r.permission(viewer));
    }
    v
}

fn full_repository(world: &World, base: &str, r: &Repo, viewer: Option<&str>) -> Value {
    let mut v = repository(world, base, r, viewer);
    let m = v.as_object_mut().expect("object");
    m.insert("network_count".into(), json!(0));
    m.insert("subscribers_count".into(), json!(0));
    m.insert("allow_merge_commit".into(), json!(true));
    m.insert("allow_squash_merge".into(), json!(true));
    m.insert("allow_rebase_merge".into(), json!(true));
    m.insert("delete_branch_on_merge".into(), json!(false));
    v
}

fn pushed_at(_world: &World, r: &Repo) -> String {
    r.created_at.clone()
}

fn open_git(root: &Path, r: &Repo) -> Option<git2::Repository> {
    git2::Repository::open_bare(root.join(&r.owner).join(format!("{}.git", r.name))).ok()
}

/// Tips of `head` and `base` (empty strings for missing branches).
pub(crate) fn branch_tips(dir: &Path, head: &str, base: &str) -> (String, String) {
    let Ok(git) = git2::Repository::open_bare(dir) else { return (String::new(), String::new()) };
    let tip = |b: &str| {
        git.find_reference(&format!("refs/heads/{b}"))
            .ok()
            .and_then(|r| r.target())
            .map(|o| o.to_string())
            .unwrap_or_default()
    };
    (tip(head), tip(base))
}

fn label_value(base: &str, r: &Repo, l: &crate::state::Label) -> Value {
    json!({
        "id": l.id,
        "node_id": node_id("L", l.id),
        "url": format!("{base}/repos/{}/labels/{}", r.full_name(), l.name.replace(' ', "%20")),
        "name": l.name,
        "color": l.color,
        "default": false,
        "description": l.description
    })
}

/// Head and base commits of a pull request (frozen once closed).
fn pull_shas(root: &Path, r: &Repo, p: &Pull) -> (String, String) {
    match &p.frozen {
        Some(f) => f.clone(),
        None => branch_tips(&root.join(&r.owner).join(format!("{}.git", r.name)), &p.public.head, &p.public.base),
    }
}

fn pull_simple(world: &World, base: &str, root: &Path, r: &Repo, p: &Pull, viewer: Option<&str>) -> Value {
    let full = r.full_name();
    let n = p.public.number;
    let api = format!("{base}/repos/{full}");
    let (head_sha, base_sha) = pull_shas(root, r, p);
    // The description types a label's description in pull request listings as a plain
    // string (not nullable), unlike the label schema itself: send "" when there is none.
    let labels: Vec<Value> = p
        .public
        .labels
        .iter()
        .filter_map(|name| r.labels.iter().find(|l| &l.name == name))
        .map(|l| {
            let mut v = label_value(base, r, l);
            if v["description"].is_null() {
                v["description"] = json!("");
            }
            v
        })
        .collect();
    let reviewers: Vec<Value> = p.public.requested_reviewers.iter().map(|l| user_value(world, base, l)).collect();
    let state = if p.public.state == PullState::Open { "open" } else { "closed" };
    let repo_v = repository(world, base, r, viewer);
    let owner_v = user_value(world, base, &r.owner);
    json!({
        "url": format!("{api}/pulls/{n}"),
        "id": p.id,
        "node_id": node_id("PR", p.id),
        "html_url": format!("{base}/{full}/pull/{n}"),
        "diff_url": format!("{base}/{full}/pull/{n}.diff"),
        "patch_url": format!("{base}/{full}/pull/{n}.patch"),
        "issue_url": format!("{api}/issues/{n}"),
        "commits_url": format!("{api}/pulls/{n}/commits"),
        "review_comments_url": format!("{api}/pulls/{n}/comments"),
        "review_comment_url": format!("{api}/pulls/comments{{/number}}"),
        "comments_url": format!("{api}/issues/{n}/comments"),
        "statuses_url": format!("{api}/statuses/{head_sha}"),
        "number": n,
        "state": state,
        "locked": false,
        "title": p.public.title,
        "user": user_value(world, base, &p.public.author),
        "body": p.public.body,
        "labels": labels,
        "milestone": null,
        "active_lock_reason": null,
        "created_at": p.created_at,
        "updated_at": p.updated_at,
        "closed_at": p.closed_at,
        "merged_at": p.merged_at,
        "merge_commit_sha": p.merge_commit_sha,
        "assignee": null,
        "assignees": [],
        "requested_reviewers": reviewers,
        "requested_teams": [],
        "head": {
            "label": format!("{}:{}", r.owner, p.public.head),
            "ref": p.public.head,
            "sha": head_sha,
            "user": owner_v,
            "repo": repo_v
        },
        "base": {
            "label": format!("{}:{}", r.owner, p.public.base),
            "ref": p.public.base,
            "sha": base_sha,
            "user": owner_v,
            "repo": repo_v
        },
        "_links": {
            "self": {"href": format!("{api}/pulls/{n}")},
            "html": {"href": format!("{base}/{full}/pull/{n}")},
            "issue": {"href": format!("{api}/issues/{n}")},
            "comments": {"href": format!("{api}/issues/{n}/comments")},
            "review_comments": {"href": format!("{api}/pulls/{n}/comments")},
            "review_comment": {"href": format!("{api}/pulls/comments{{/number}}")},
            "commits": {"href": format!("{api}/pulls/{n}/commits")},
            "statuses": {"href": format!("{api}/statuses/{head_sha}")}
        },
        "author_association": if p.public.author.eq_ignore_ascii_case(&r.owner) { "OWNER" } else { "CONTRIBUTOR" },
        "auto_merge": null,
        "draft": p.public.draft
    })
}

/// Commit count and diff size between the merge base and the head.
fn diff_stats(root: &Path, r: &Repo, head: &str, base: &str) -> (usize, usize, usize, usize) {
    let stats = || -> Option<(usize, usize, usize, usize)> {
        let git = open_git(root, r)?;
        let head = git2::Oid::from_str(head).ok()?;
        let base = git2::Oid::from_str(base).ok()?;
        let mb = git.merge_base(head, base).ok()?;
        let mut walk = git.revwalk().ok()?;
        walk.push(head).ok()?;
        walk.hide(mb).ok()?;
        let commits = walk.count();
        let old = git.find_commit(mb).ok()?.tree().ok()?;
        let new = git.find_commit(head).ok()?.tree().ok()?;
        let diff = git.diff_tree_to_tree(Some(&old), Some(&new), None).ok()?;
        let s = diff.stats().ok()?;
        Some((commits, s.insertions(), s.deletions(), s.files_changed()))
    };
    stats().unwrap_or((0, 0, 0, 0))
}

fn pull_full(world: &World, base: &str, root: &Path, r: &Repo, p: &Pull, viewer: Option<&str>) -> Value {
    let mut v = pull_simple(world, base, root, r, p, viewer);
    let (head_sha, base_sha) = pull_shas(root, r, p);
    let (commits, additions, deletions, changed) = diff_stats(root, r, &head_sha, &base_sha);
    let open = p.public.state == PullState::Open;
    let m = v.as_object_mut().expect("object");
    for (k, val) in [
        ("merged", json!(p.public.state == PullState::Merged)),
        ("mergeable", if open { json!(true) } else { Value::Null }),
        ("rebaseable", if open { json!(true) } else { Value::Null }),
        ("mergeable_state", json!(if open { "clean" } else { "unknown" })),
        ("merged_by", p.merged_by.as_deref().map(|l| user_value(world, base, l)).unwrap_or(Value::Null)),
        ("comments", json!(0)),
        ("review_comments", json!(0)),
        ("maintainer_can_modify", json!(false)),
        ("commits", json!(commits)),
        ("additions", json!(additions)),
        ("deletions", json!(deletions)),
        ("changed_files", json!(changed)),
    ] {
        m.insert(k.into(), val);
    }
    v
}

/// Looks up `{owner}/{repo}` for the caller: 404 when missing or hidden; 403 when the
/// caller may read but lacks `need`.
pub(crate) fn find_repo(world: &World, call: &Call<'_>, need: Permission) -> Result<usize, Reply> {
    let i = world.repo_index(call.param("owner"), call.param("repo")).ok_or_else(not_found)?;
    let r = &world.repos[i];
    let scopes: &[String] = call.caller.as_ref().map(|c| c.scopes.as_slice()).unwrap_or(&[]);
    let has_scope = |s: &str| scopes.iter().any(|x| x == s);
    // A classic token without `repo` scope sees private repositories as missing.
    if r.private && !has_scope("repo") {
        return Err(not_found());
    }
    let Some(p) = r.permission(call.login()) else { return Err(not_found()) };
    if need > Permission::Read {
        let write_scope = has_scope("repo") || (!r.private && has_scope("public_repo"));
        if p < need || !write_scope {
            return Err(error(403, "Resource not accessible by personal access token", &format!("{DOCS}/pulls/pulls")));
        }
    }
    Ok(i)
}

pub(crate) fn requires_auth() -> Reply {
    error(401, "Requires authentication", DOCS)
}

/// Pagination: the slice for `page`/`per_page` and GitHub's `Link` header.
pub(crate) fn paginate<T: Clone>(call: &Call<'_>, path: &str, items: &[T]) -> (Vec<T>, Option<String>) {
    let per_page = call.query("per_page").and_then(|v| v.parse::<usize>().ok()).unwrap_or(30).clamp(1, 100);
    let page = call.query("page").and_then(|v| v.parse::<usize>().ok()).unwrap_or(1).max(1);
    let last = items.len().div_ceil(per_page).max(1);
    let slice = items.iter().skip((page - 1) * per_page).take(per_page).cloned().collect();
    let keep: Vec<(String, String)> =
        call.query.iter().filter(|(k, _)| k != "page" && k != "per_page").cloned().collect();
    let url = |p: usize| {
        let mut q = form_urlencoded::Serializer::new(String::new());
        for (k, v) in &keep {
            q.append_pair(k, v);
        }
        q.append_pair("per_page", &per_page.to_string());
        q.append_pair("page", &p.to_string());
        format!("{}{}?{}", call.base, path, q.finish())
    };
    let mut links = Vec::new();
    if page > 1 {
        links.push(format!("<{}>; rel=\"prev\"", url(page - 1)));
    }
    if page < last {
        links.push(format!("<{}>; rel=\"next\"", url(page + 1)));
        links.push(format!("<{}>; rel=\"last\"", url(last)));
    }
    if page > 1 {
        links.push(format!("<{}>; rel=\"first\"", url(1)));
    }
    (slice, if links.is_empty() { None } else { Some(links.join(", ")) })
}

pub(crate) fn with_link(mut reply: Reply, link: Option<String>) -> Reply {
    if let Some(l) = link {
        reply = reply.header("link", l);
    }
    reply
}

/// Answers one REST operation.
pub(crate) fn dispatch(world: &mut World, call: &Call<'_>) -> Reply {
    match call.operation {
        "users/get-authenticated" => get_user(world, call),
        "repos/list-for-authenticated-user" => list_repos(world, call),
        "repos/get" => match find_repo(world, call, Permission::Read) {
            Ok(i) => Reply::json(200, full_repository(world, call.base, &world.repos[i], call.login())),
            Err(e) => e,
        },
        "repos/get-branch" => get_branch(world, call),
        "repos/get-branch-protection" => get_branch_protection(world, call),
        "git/get-ref" => get_ref(world, call),
        "git/list-matching-refs" => matching_refs(world, call),
        "pulls/create" => create_pull(world, call),
        "pulls/list" => list_pulls(world, call),
        "pulls/get" => get_pull(world, call),
        "pulls/update" => update_pull(world, call),
        "issues/add-labels" => add_labels(world, call),
        "issues/list-labels-for-repo" => list_labels(world, call),
        "pulls/request-reviewers" => request_reviewers(world, call),
        "rate-limit/get" => rate_limit(world),
        "pulls/list-reviews" => crate::review_api::list_reviews(world, call),
        "pulls/create-review" => crate::review_api::create_review(world, call),
        "pulls/list-review-comments" => crate::review_api::list_review_comments(world, call),
        "issues/list-comments" => crate::review_api::list_issue_comments(world, call),
        "issues/create-comment" => crate::review_api::create_issue_comment(world, call),
        "repos/get-combined-status-for-ref" => crate::review_api::combined_status(world, call),
        "checks/list-for-ref" => crate::review_api::check_runs(world, call),
        "pulls/merge" => crate::review_api::merge(world, call),
        "git/delete-ref" => crate::review_api::delete_ref(world, call),
        _ => Reply::json(
            501,
            json!({"message": format!("the GitHub stand-in does not serve {}", call.operation), "documentation_url": DOCS}),
        ),
    }
}

fn get_user(world: &World, call: &Call<'_>) -> Reply {
    let Some(login) = call.login() else { return requires_auth() };
    match world.user(login) {
        Some(u) => Reply::json(200, private_user(world, call.base, u)),
        None => requires_auth(),
    }
}

fn list_repos(world: &World, call: &Call<'_>) -> Reply {
    let Some(caller) = &call.caller else { return requires_auth() };
    let login = caller.login.as_str();
    let has_repo_scope = caller.scopes.iter().any(|s| s == "repo");
    let visibility = call.query("visibility").unwrap_or("all");
    let kind = call.query("type").unwrap_or("all");
    if call.query("visibility").is_some() && call.query("type").is_some() {
        return validation_failed(vec![], &format!("{DOCS}/repos/repos#list-repositories-for-the-authenticated-user"));
    }
    let mut repos: Vec<&Repo> = world
        .repos
        .iter()
        .filter(|r| {
            let owner = r.owner.eq_ignore_ascii_case(login);
            let member = r.collaborators.contains_key(&login.to_lowercase());
            (owner || member) && (!r.private || has_repo_scope)
        })
        .filter(|r| match visibility {
            "public" => !r.private,
            "private" => r.private,
            _ => true,
        })
        .filter(|r| match kind {
            "owner" => r.owner.eq_ignore_ascii_case(login),
            "member" => !r.owner.eq_ignore_ascii_case(login),
            "public" => !r.private,
            "private" => r.private,
            _ => true,
        })
        .collect();
    match call.query("sort").unwrap_or("full_name") {
        "full_name" => repos.sort_by_key(|r| r.full_name().to_lowercase()),
        _ => repos.sort_by_key(|r| std::cmp::Reverse(r.id)),
    }
    if call.query("direction") == Some("desc") && call.query("sort").unwrap_or("full_name") == "full_name" {
        repos.reverse();
    }
    let values: Vec<Value> = repos.iter().map(|r| repository(world, call.base, r, Some(login))).collect();
    let (page, link) = paginate(call, "/user/repos", &values);
    with_link(Reply::json(200, Value::Array(page)), link)
}

fn commit_value(base: &str, r: &Repo, git: &git2::Repository, sha: git2::Oid) -> Option<Value> {
    let c = git.find_commit(sha).ok()?;
    let api = format!("{base}/repos/{}", r.full_name());
    let sig = |s: git2::Signature<'_>| {
        let when =
            time::OffsetDateTime::from_unix_timestamp(s.when().seconds()).unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
        json!({"name": s.name().unwrap_or_default(), "email": s.email().unwrap_or_default(), "date": patchdesk_clock::rfc3339_seconds(when)})
    };
    let parents: Vec<Value> = c
        .parent_ids()
        .map(|p| json!({"sha": p.to_string(), "url": format!("{api}/commits/{p}"), "html_url": format!("{base}/{}/commit/{p}", r.full_name())}))
        .collect();
    Some(json!({
        "sha": sha.to_string(),
        "node_id": node_id("C", u64::from_str_radix(&sha.to_string()[..12], 16).unwrap_or(0)),
        "commit": {
            "author": sig(c.author()),
            "committer": sig(c.committer()),
            "message": c.message().unwrap_or_default(),
            "tree": {"sha": c.tree_id().to_string(), "url": format!("{api}/git/trees/{}", c.tree_id())},
            "url": format!("{api}/git/commits/{sha}"),
            "comment_count": 0,
            "verification": {"verified": false, "reason": "unsigned", "signature": null, "payload": null, "verified_at": null}
        },
        "url": format!("{api}/commits/{sha}"),
        "html_url": format!("{base}/{}/commit/{sha}", r.full_name()),
        "comments_url": format!("{api}/commits/{sha}/comments"),
        "author": null,
        "committer": null,
        "parents": parents
    }))
}

fn branch_not_found() -> Reply {
    error(404, "Branch not found", &format!("{DOCS}/branches/branches#get-a-branch"))
}

fn get_branch(world: &World, call: &Call<'_>) -> Reply {
    let i = match find_repo(world, call, Permission::Read) {
        Ok(i) => i,
        Err(e) => return e,
    };
    let r = &world.repos[i];
    let branch = call.param("branch");
    let Some(git) = open_git(call.repos_root, r) else { return branch_not_found() };
    let Some(sha) = git.find_reference(&format!("refs/heads/{branch}")).ok().and_then(|x| x.target()) else {
        return branch_not_found();
    };
    let Some(commit) = commit_value(call.base, r, &git, sha) else { return branch_not_found() };
    let api = format!("{}/repos/{}", call.base, r.full_name());
    let protected = r.protected.contains(branch);
    Reply::json(
        200,
        json!({
            "name": branch,
            "commit": commit,
            "_links": {"self": format!("{api}/branches/{branch}"), "html": format!("{}/{}/tree/{branch}", call.base, r.full_name())},
            "protected": protected,
            "protection": {
                "enabled": protected,
                "required_status_checks": {"enforcement_level": if protected { "everyone" } else { "off" }, "contexts": [], "checks": []}
            },
            "protection_url": format!("{api}/branches/{branch}/protection")
        }),
    )
}

fn get_branch_protection(world: &World, call: &Call<'_>) -> Reply {
    let i = match find_repo(world, call, Permission::Admin) {
        Ok(i) => i,
        Err(e) => return e,
    };
    let r = &world.repos[i];
    let branch = call.param("branch");
    if !r.protected.contains(branch) {
        return error(404, "Branch not protected", &format!("{DOCS}/branches/branch-protection#get-branch-protection"));
    }
    let url = format!("{}/repos/{}/branches/{branch}/protection", call.base, r.full_name());
    Reply::json(
        200,
        json!({
            "url": url,
            "enabled": true,
            "required_pull_request_reviews": {"url": format!("{url}/required_pull_request_reviews"), "dismiss_stale_reviews": false, "require_code_owner_reviews": false, "required_approving_review_count": 1},
            "enforce_admins": {"url": format!("{url}/enforce_admins"), "enabled": false}
        }),
    )
}

fn ref_value(base: &str, r: &Repo, name: &str, target: git2::Oid, kind: &str) -> Value {
    let api = format!("{base}/repos/{}", r.full_name());
    json!({
        "ref": name,
        "node_id": node_id("REF", u64::from_str_radix(&target.to_string()[..12], 16).unwrap_or(0)),
        "url": format!("{api}/git/{name}"),
        "object": {"type": kind, "sha": target.to_string(), "url": format!("{api}/git/{kind}s/{target}")}
    })
}

fn refs_matching(call: &Call<'_>, r: &Repo, prefix: &str, exact: bool) -> Vec<Value> {
    let Some(git) = open_git(call.repos_root, r) else { return Vec::new() };
    let Ok(refs) = git.references() else { return Vec::new() };
    let mut out = Vec::new();
    for reference in refs.flatten() {
        let (Ok(name), Some(target)) = (reference.name(), reference.target()) else { continue };
        let Some(short) = name.strip_prefix("refs/") else { continue };
        let hit = if exact { short == prefix } else { short.starts_with(prefix) };
        if hit {
            let kind = match git.find_object(target, None).ok().and_then(|o| o.kind()) {
                Some(git2::ObjectType::Tag) => "tag",
                _ => "commit",
            };
            out.push((name.to_string(), ref_value(call.base, r, name, target, kind)));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out.into_iter().map(|(_, v)| v).collect()
}

fn get_ref(world: &World, call: &Call<'_>) -> Reply {
    let i = match find_repo(world, call, Permission::Read) {
        Ok(i) => i,
        Err(e) => return e,
    };
    let r = &world.repos[i];
    let Some(git) = open_git(call.repos_root, r) else { return not_found() };
    if git.is_empty().unwrap_or(true) {
        return error(409, "Git Repository is empty.", &format!("{DOCS}/git/refs#get-a-reference"));
    }
    match refs_matching(call, r, call.param("ref"), true).into_iter().next() {
        Some(v) => Reply::json(200, v),
        None => not_found(),
    }
}

fn matching_refs(world: &World, call: &Call<'_>) -> Reply {
    let i = match find_repo(world, call, Permission::Read) {
        Ok(i) => i,
        Err(e) => return e,
    };
    let r = &world.repos[i];
    if open_git(call.repos_root, r).is_some_and(|g| g.is_empty().unwrap_or(true)) {
        return error(409, "Git Repository is empty.", &format!("{DOCS}/git/refs#list-matching-references"));
    }
    Reply::json(200, Value::Array(refs_matching(call, r, call.param("ref"), false)))
}

const CREATE_PULL_DOCS: &str = "https://docs.github.com/rest/pulls/pulls#create-a-pull-request";

/// `head` as given (`branch` or `owner:branch`) → branch name in this repository.
fn head_branch<'a>(r: &Repo, head: &'a str) -> Option<&'a str> {
    match head.split_once(':') {
        Some((owner, branch)) if owner.eq_ignore_ascii_case(&r.owner) => Some(branch),
        Some(_) => None,
        None => Some(head),
    }
}

fn create_pull(world: &mut World, call: &Call<'_>) -> Reply {
    let i = match find_repo(world, call, Permission::Write) {
        Ok(i) => i,
        Err(e) => return e,
    };
    let Some(login) = call.login().map(str::to_string) else { return requires_auth() };
    let title = call.body_str("title").unwrap_or_default().to_string();
    let head_raw = call.body_str("head").unwrap_or_default().to_string();
    let base_name = call.body_str("base").unwrap_or_default().to_string();
    let body = call.body_str("body").map(str::to_string);
    let draft = call.body.and_then(|b| b.get("draft")).and_then(Value::as_bool).unwrap_or(false);
    let r = &world.repos[i];
    let mut errors = Vec::new();
    if title.trim().is_empty() {
        errors.push(json!({"resource": "PullRequest", "code": "missing_field", "field": "title"}));
    }
    let tips = open_git(call.repos_root, r);
    let tip = |b: &str| {
        tips.as_ref().and_then(|g| g.find_reference(&format!("refs/heads/{b}")).ok()).and_then(|x| x.target())
    };
    let head_name = head_branch(r, &head_raw).map(str::to_string);
    let head_tip = head_name.as_deref().and_then(tip);
    let base_tip = tip(&base_name);
    if head_tip.is_none() {
        errors.push(json!({"resource": "PullRequest", "field": "head", "code": "invalid"}));
    }
    if base_tip.is_none() {
        errors.push(json!({"resource": "PullRequest", "field": "base", "code": "invalid"}));
    }
    if !errors.is_empty() {
        return validation_failed(errors, CREATE_PULL_DOCS);
    }
    let (head_name, head_tip, base_tip) =
        (head_name.unwrap_or_default(), head_tip.expect("checked"), base_tip.expect("checked"));
    if r.pulls
        .iter()
        .any(|p| p.public.state == PullState::Open && p.public.head == head_name && p.public.base == base_name)
    {
        let msg = format!("A pull request already exists for {}:{}.", r.owner, head_name);
        return validation_failed(
            vec![json!({"resource": "PullRequest", "code": "custom", "message": msg})],
            CREATE_PULL_DOCS,
        );
    }
    let ahead = tips.as_ref().and_then(|g| g.graph_ahead_behind(head_tip, base_tip).ok()).map(|(a, _)| a).unwrap_or(0);
    if ahead == 0 {
        let msg = format!("No commits between {base_name} and {head_name}");
        return validation_failed(
            vec![json!({"resource": "PullRequest", "code": "custom", "message": msg})],
            CREATE_PULL_DOCS,
        );
    }
    let id = world.new_id();
    let now = crate::now_iso();
    let r = &mut world.repos[i];
    let number = r.next_number;
    r.next_number += 1;
    r.pulls.push(Pull {
        id,
        public: PullRequest {
            number,
            title,
            body,
            head: head_name,
            base: base_name,
            draft,
            state: PullState::Open,
            labels: Vec::new(),
            requested_reviewers: Vec::new(),
            author: login.clone(),
        },
        created_at: now.clone(),
        updated_at: now,
        closed_at: None,
        merged_at: None,
        merged_by: None,
        merge_commit_sha: None,
        frozen: None,
    });
    let r = &world.repos[i];
    let p = r.pulls.last().expect("just pushed");
    let v = pull_full(world, call.base, call.repos_root, r, p, Some(&login));
    let location = v["url"].as_str().unwrap_or_default().to_string();
    Reply::json(201, v).header("location", location)
}

fn list_pulls(world: &World, call: &Call<'_>) -> Reply {
    let i = match find_repo(world, call, Permission::Read) {
        Ok(i) => i,
        Err(e) => return e,
    };
    let r = &world.repos[i];
    let state = call.query("state").unwrap_or("open");
    let head = call.query("head").and_then(|h| h.split_once(':'));
    let mut pulls: Vec<&Pull> = r
        .pulls
        .iter()
        .filter(|p| match state {
            "open" => p.public.state == PullState::Open,
            "closed" => p.public.state != PullState::Open,
            _ => true,
        })
        .filter(|p| match head {
            Some((owner, branch)) => owner.eq_ignore_ascii_case(&r.owner) && p.public.head == branch,
            None => true,
        })
        .filter(|p| call.query("base").is_none_or(|b| p.public.base == b))
        .collect();
    let ascending = match call.query("direction") {
        Some(d) => d == "asc",
        None => !matches!(call.query("sort"), None | Some("created")),
    };
    pulls.sort_by_key(|p| p.public.number);
    if !ascending {
        pulls.reverse();
    }
    let values: Vec<Value> =
        pulls.iter().map(|p| pull_simple(world, call.base, call.repos_root, r, p, call.login())).collect();
    let (page, link) = paginate(call, &format!("/repos/{}/pulls", r.full_name()), &values);
    with_link(Reply::json(200, Value::Array(page)), link)
}

/// The repository (when the caller has `need` on it) and its pull request numbered by `param`.
pub(crate) fn find_pull(
    world: &World,
    call: &Call<'_>,
    need: Permission,
    param: &str,
) -> Result<(usize, usize), Reply> {
    let i = find_repo(world, call, need)?;
    let n = call.number(param).ok_or_else(not_found)?;
    let j = world.repos[i].pulls.iter().position(|p| p.public.number == n).ok_or_else(not_found)?;
    Ok((i, j))
}

fn get_pull(world: &World, call: &Call<'_>) -> Reply {
    let (i, j) = match find_pull(world, call, Permission::Read, "pull_number") {
        Ok(found) => found,
        Err(e) => return e,
    };
    let r = &world.repos[i];
    Reply::json(200, pull_full(world, call.base, call.repos_root, r, &r.pulls[j], call.login()))
}

fn update_pull(world: &mut World, call: &Call<'_>) -> Reply {
    let (i, j) = match find_pull(world, call, Permission::Write, "pull_number") {
        Ok(found) => found,
        Err(e) => return e,
    };
    let docs = "https://docs.github.com/rest/pulls/pulls#update-a-pull-request";
    let dir = call.repos_root.join(&world.repos[i].owner).join(format!("{}.git", world.repos[i].name));
    if let Some(base) = call.body_str("base") {
        let (_, tip) = branch_tips(&dir, "", base);
        if tip.is_empty() {
            return validation_failed(
                vec![json!({"resource": "PullRequest", "field": "base", "code": "invalid"})],
                docs,
            );
        }
    }
    if call.body_str("state") == Some("open") {
        let p = &world.repos[i].pulls[j];
        if p.public.state == PullState::Merged {
            return validation_failed(
                vec![
                    json!({"resource": "PullRequest", "code": "custom", "message": "state cannot be changed. The pull request has been merged."}),
                ],
                docs,
            );
        }
        let clash = world.repos[i].pulls.iter().any(|o| {
            o.public.number != p.public.number
                && o.public.state == PullState::Open
                && o.public.head == p.public.head
                && o.public.base == p.public.base
        });
        if clash && p.public.state == PullState::Closed {
            let msg = format!("A pull request already exists for {}:{}.", world.repos[i].owner, p.public.head);
            return validation_failed(vec![json!({"resource": "PullRequest", "code": "custom", "message": msg})], docs);
        }
    }
    let now = crate::now_iso();
    let p = &mut world.repos[i].pulls[j];
    if let Some(t) = call.body_str("title") {
        p.public.title = t.to_string();
    }
    if let Some(b) = call.body.and_then(|b| b.get("body")) {
        p.public.body = b.as_str().map(str::to_string);
    }
    if let Some(b) = call.body_str("base") {
        p.public.base = b.to_string();
    }
    match call.body_str("state") {
        Some("closed") if p.public.state == PullState::Open => {
            p.frozen = Some(branch_tips(&dir, &p.public.head, &p.public.base));
            p.public.state = PullState::Closed;
            p.closed_at = Some(now.clone());
        }
        Some("open") if p.public.state == PullState::Closed => {
            p.frozen = None;
            p.public.state = PullState::Open;
            p.closed_at = None;
        }
        _ => {}
    }
    p.updated_at = now;
    let r = &world.repos[i];
    Reply::json(200, pull_full(world, call.base, call.repos_root, r, &r.pulls[j], call.login()))
}

fn add_labels(world: &mut World, call: &Call<'_>) -> Reply {
    let (i, j) = match find_pull(world, call, Permission::Triage, "issue_number") {
        Ok(found) => found,
        Err(e) => return e,
    };
    let list = match call.body {
        Some(Value::Array(a)) => a.clone(),
        Some(Value::Object(o)) => o.get("labels").and_then(Value::as_array).cloned().unwrap_or_default(),
        Some(Value::String(s)) => vec![Value::String(s.clone())],
        _ => Vec::new(),
    };
    let names: Vec<String> = list
        .iter()
        .filter_map(|v| match v {
            Value::String(s) => Some(s.clone()),
            Value::Object(o) => o.get("name").and_then(Value::as_str).map(str::to_string),
            _ => None,
        })
        .collect();
    if names.is_empty() || names.iter().any(|n| n.trim().is_empty()) {
        return validation_failed(
            vec![json!({"resource": "Label", "code": "invalid", "field": "name"})],
            "https://docs.github.com/rest/issues/labels#add-labels-to-an-issue",
        );
    }
    for name in names {
        // GitHub creates labels that do not exist yet.
        if !world.repos[i].labels.iter().any(|l| l.name.eq_ignore_ascii_case(&name)) {
            let id = world.new_id();
            world.repos[i].labels.push(crate::state::Label {
                id,
                name: name.clone(),
                color: "ededed".into(),
                description: None,
            });
        }
        let canonical = world.repos[i]
            .labels
            .iter()
            .find(|l| l.name.eq_ignore_ascii_case(&name))
            .map(|l| l.name.clone())
            .unwrap_or(name);
        let p = &mut world.repos[i].pulls[j];
        if !p.public.labels.contains(&canonical) {
            p.public.labels.push(canonical);
        }
    }
    let r = &world.repos[i];
    let labels: Vec<Value> = r.pulls[j]
        .public
        .labels
        .iter()
        .filter_map(|n| r.labels.iter().find(|l| &l.name == n))
        .map(|l| label_value(call.base, r, l))
        .collect();
    Reply::json(200, Value::Array(labels))
}

fn list_labels(world: &World, call: &Call<'_>) -> Reply {
    let i = match find_repo(world, call, Permission::Read) {
        Ok(i) => i,
        Err(e) => return e,
    };
    let r = &world.repos[i];
    let values: Vec<Value> = r.labels.iter().map(|l| label_value(call.base, r, l)).collect();
    let (page, link) = paginate(call, &format!("/repos/{}/labels", r.full_name()), &values);
    with_link(Reply::json(200, Value::Array(page)), link)
}

fn request_reviewers(world: &mut World, call: &Call<'_>) -> Reply {
    let (i, j) = match find_pull(world, call, Permission::Write, "pull_number") {
        Ok(found) => found,
        Err(e) => return e,
    };
    let docs = "https://docs.github.com/rest/pulls/review-requests#request-reviewers-for-a-pull-request";
    let strings = |key: &str| -> Vec<String> {
        call.body
            .and_then(|b| b.get(key))
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect())
            .unwrap_or_default()
    };
    let reviewers = strings("reviewers");
    let teams = strings("team_reviewers");
    let r = &world.repos[i];
    let author = r.pulls[j].public.author.clone();
    if reviewers.iter().any(|l| l.eq_ignore_ascii_case(&author)) {
        return validation_failed(vec![], docs).with_message("Review cannot be requested from pull request author.");
    }
    let not_collaborator = reviewers.iter().any(|l| {
        world.user(l).is_none()
            || r.permission(Some(l)).is_none_or(|p| p < Permission::Read)
            || (!l.eq_ignore_ascii_case(&r.owner) && !r.collaborators.contains_key(&l.to_lowercase()))
    });
    if not_collaborator || !teams.is_empty() {
        let msg = format!("Reviews may only be requested from collaborators. One or more of the users or teams you specified is not a collaborator of the {} repository.", r.full_name());
        return validation_failed(vec![], docs).with_message(&msg);
    }
    let canonical: Vec<String> = reviewers.iter().filter_map(|l| world.user(l).map(|u| u.login.clone())).collect();
    let p = &mut world.repos[i].pulls[j];
    for l in canonical {
        if !p.public.requested_reviewers.contains(&l) {
            p.public.requested_reviewers.push(l);
        }
    }
    p.updated_at = crate::now_iso();
    let r = &world.repos[i];
    Reply::json(201, pull_simple(world, call.base, call.repos_root, r, &r.pulls[j], call.login()))
}

impl Reply {
    fn with_message(mut self, message: &str) -> Reply {
        if let Some(Value::Object(m)) = &mut self.body {
            m.insert("message".into(), Value::String(message.to_string()));
            m.remove("errors");
        }
        self
    }
}

fn rate_limit(world: &World) -> Reply {
    let remaining = if world.rate_limited > 0 { 0 } else { 4999 };
    let reset = if world.rate_reset > 0 { world.rate_reset } else { crate::now_unix() + 3600 };
    let core = json!({"limit": 5000, "remaining": remaining, "reset": reset, "used": 5000 - remaining});
    let other = json!({"limit": 30, "remaining": 30, "reset": reset, "used": 0});
    Reply::json(200, json!({"resources": {"core": core, "search": other}, "rate": core}))
}

/// Removes or sets a top-level field (of each element for arrays).
pub(crate) fn tamper_body(body: &mut Value, field: &str, set: Option<&Value>) {
    let apply = |m: &mut Map<String, Value>| match set {
        Some(v) => {
            m.insert(field.to_string(), v.clone());
        }
        None => {
            m.remove(field);
        }
    };
    match body {
        Value::Object(m) => apply(m),
        Value::Array(items) => {
            for item in items {
                if let Value::Object(m) = item {
                    apply(m);
                }
            }
        }
        _ => {}
    }
}
