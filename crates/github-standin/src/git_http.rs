//! git smart HTTP: the real `git http-backend` (CGI, one child process per request) behind
//! HTTP basic auth, where the password (or the user name, with an empty password) is a token.
//! Reading a public repository needs no token; pushing, or reading a private repository,
//! needs a token whose user has the permission. Pushes to protected branches are refused by
//! a pre-receive hook, as GitHub does.

use std::process::Stdio;

use axum::http::{HeaderMap, StatusCode};
use tokio::io::AsyncWriteExt;

use crate::state::{Permission, Shared, World};

/// The raw HTTP answer.
pub(crate) struct GitReply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl GitReply {
    fn text(status: u16, text: &str) -> GitReply {
        GitReply {
            status,
            headers: vec![("content-type".into(), "text/plain; charset=utf-8".into())],
            body: text.as_bytes().to_vec(),
        }
    }
}

/// `/{owner}/{repo}.git/...`
pub(crate) fn is_git_path(path: &str) -> bool {
    let mut parts = path.trim_start_matches('/').split('/');
    let (_, repo) = (parts.next(), parts.next());
    repo.is_some_and(|r| r.ends_with(".git") && r.len() > 4)
}

/// The token in a basic `Authorization` header.
pub(crate) fn basic_token(headers: &HeaderMap) -> Option<String> {
    use base64::Engine;
    let value = headers.get("authorization")?.to_str().ok()?;
    let encoded = value.strip_prefix("Basic ").or_else(|| value.strip_prefix("basic "))?;
    let decoded = base64::engine::general_purpose::STANDARD.decode(encoded.trim()).ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (user, password) = text.split_once(':').unwrap_or((&text, ""));
    if password.is_empty() || password == "x-oauth-basic" {
        Some(user.to_string())
    } else {
        Some(password.to_string())
    }
}

fn challenge(message: &str) -> GitReply {
    let mut r = GitReply::text(401, message);
    r.headers.push(("www-authenticate".into(), "Basic realm=\"GitHub\"".into()));
    r
}

/// Decides who may do what; on success the canonical `PATH_INFO` and the user name.
fn authorize(
    world: &World,
    path: &str,
    write: bool,
    token: Option<String>,
) -> Result<(String, Option<String>), GitReply> {
    let mut parts = path.trim_start_matches('/').splitn(3, '/');
    let owner = parts.next().unwrap_or_default();
    let repo_git = parts.next().unwrap_or_default();
    let rest = parts.next().unwrap_or_default();
    let name = repo_git.trim_end_matches(".git");
    let caller = match token {
        Some(t) => match world.tokens.get(&t) {
            Some(tok) if !tok.revoked => Some(tok.clone()),
            _ => {
                return Err(challenge(
                    "Invalid username or token. Password authentication is not supported for Git operations.\n",
                ))
            }
        },
        None => None,
    };
    let not_found = || GitReply::text(404, "Repository not found.\n");
    let i = world.repo_index(owner, name).ok_or_else(not_found)?;
    let r = &world.repos[i];
    let need = if write { Permission::Write } else { Permission::Read };
    let Some(caller) = caller else {
        if !write && !r.private {
            return Ok((format!("/{}/{}.git/{rest}", r.owner, r.name), None));
        }
        return Err(challenge("Authentication required.\n"));
    };
    let scoped =
        caller.scopes.iter().any(|s| s == "repo") || (!r.private && caller.scopes.iter().any(|s| s == "public_repo"));
    match r.permission(Some(&caller.login)) {
        None => Err(not_found()),
        Some(_) if r.private && !caller.scopes.iter().any(|s| s == "repo") => Err(not_found()),
        Some(p) if p < need || (write && !scoped) => {
            Err(GitReply::text(403, &format!("Permission to {}/{}.git denied to {}.\n", r.owner, r.name, caller.login)))
        }
        Some(_) => Ok((format!("/{}/{}.git/{rest}", r.owner, r.name), Some(caller.login))),
    }
}

/// Serves one git smart-HTTP request.
pub(crate) async fn serve(
    shared: &Shared,
    method: &str,
    path: &str,
    query: &str,
    headers: &HeaderMap,
    body: Vec<u8>,
) -> GitReply {
    let write = path.ends_with("/git-receive-pack") || query.split('&').any(|kv| kv == "service=git-receive-pack");
    let decided = {
        let world = shared.lock();
        authorize(&world, path, write, basic_token(headers))
    };
    let (path_info, user) = match decided {
        Ok(ok) => ok,
        Err(reply) => return reply,
    };
    match run_backend(shared, method, &path_info, query, headers, user.as_deref(), body).await {
        Ok(reply) => reply,
        Err(e) => GitReply::text(500, &format!("git http-backend failed: {e}\n")),
    }
}

async fn run_backend(
    shared: &Shared,
    method: &str,
    path_info: &str,
    query: &str,
    headers: &HeaderMap,
    user: Option<&str>,
    body: Vec<u8>,
) -> Result<GitReply, String> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    let mut cmd = tokio::process::Command::new("git");
    cmd.arg("http-backend")
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", &shared.repos_root)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_PROJECT_ROOT", &shared.repos_root)
        .env("GIT_HTTP_EXPORT_ALL", "1")
        .env("PATH_INFO", path_info)
        .env("REQUEST_METHOD", method)
        .env("QUERY_STRING", query)
        .env("REMOTE_ADDR", "127.0.0.1")
        .env("CONTENT_TYPE", header("content-type"))
        .env("CONTENT_LENGTH", body.len().to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    if let Some(u) = user {
        cmd.env("REMOTE_USER", u);
    }
    let encoding = header("content-encoding");
    if !encoding.is_empty() {
        cmd.env("HTTP_CONTENT_ENCODING", encoding);
    }
    let protocol = header("git-protocol");
    if !protocol.is_empty() {
        cmd.env("GIT_PROTOCOL", protocol);
    }
    let mut child = cmd.spawn().map_err(|e| format!("cannot start `git http-backend`: {e}"))?;
    let mut stdin = child.stdin.take().ok_or("no stdin")?;
    let feeder = tokio::spawn(async move {
        let _ = stdin.write_all(&body).await;
        drop(stdin);
    });
    let out = child.wait_with_output().await.map_err(|e| e.to_string())?;
    let _ = feeder.await;
    if !out.stderr.is_empty() {
        eprintln!("[github-standin] git http-backend: {}", String::from_utf8_lossy(&out.stderr).trim());
    }
    parse_cgi(&out.stdout)
}

/// Splits CGI output into status, headers and body.
fn parse_cgi(raw: &[u8]) -> Result<GitReply, String> {
    let (head_end, sep) = match find(raw, b"\r\n\r\n") {
        Some(i) => (i, 4),
        None => (find(raw, b"\n\n").ok_or("git http-backend sent no header block")?, 2),
    };
    let head = String::from_utf8_lossy(&raw[..head_end]);
    let mut status = 200;
    let mut headers = Vec::new();
    for line in head.lines() {
        let Some((name, value)) = line.split_once(':') else { continue };
        let value = value.trim().to_string();
        if name.eq_ignore_ascii_case("status") {
            status = value.split_whitespace().next().and_then(|s| s.parse().ok()).unwrap_or(500);
        } else {
            headers.push((name.to_lowercase(), value));
        }
    }
    if StatusCode::from_u16(status).is_err() {
        status = 500;
    }
    Ok(GitReply { status, headers, body: raw[head_end + sep..].to_vec() })
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The pre-receive hook that refuses updates of branches listed in `protected-branches`.
pub(crate) const PRE_RECEIVE_HOOK: &str = r#"#!/bin/sh
# Installed by the GitHub stand-in: refuse updates of protected branches like GitHub does.
list="$GIT_DIR/protected-branches"
[ -f "$list" ] || exit 0
status=0
while read -r old new ref; do
  branch="${ref#refs/heads/}"
  if grep -qxF -- "$branch" "$list"; then
    echo "error: GH006: Protected branch update failed for $ref." >&2
    echo "error: Changes must be made through a pull request." >&2
    status=1
  fi
done
exit $status
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn git_paths() {
        assert!(is_git_path("/octo/hello.git/info/refs"));
        assert!(is_git_path("/octo/hello.git/git-receive-pack"));
        assert!(!is_git_path("/repos/octo/hello"));
        assert!(!is_git_path("/user/repos"));
        assert!(!is_git_path("/octo/.git/info/refs"));
    }

    #[test]
    fn cgi_output_is_split() {
        let r = parse_cgi(b"Status: 404 Not Found\r\nContent-Type: text/plain\r\n\r\nnope").unwrap();
        assert_eq!(r.status, 404);
        assert_eq!(r.headers, vec![("content-type".to_string(), "text/plain".to_string())]);
        assert_eq!(r.body, b"nope");
        let r = parse_cgi(b"Content-Type: x\n\nbody\n\nmore").unwrap();
        assert_eq!(r.status, 200);
        assert_eq!(r.body, b"body\n\nmore");
    }

    #[test]
    fn token_from_basic_auth() {
        use base64::Engine;
        let mut h = HeaderMap::new();
        let enc = |s: &str| format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(s));
        h.insert("authorization", enc("x-access-token:fake-pat-1").parse().unwrap());
        assert_eq!(basic_token(&h).as_deref(), Some("fake-pat-1"));
        h.insert("authorization", enc("fake-pat-2:x-oauth-basic").parse().unwrap());
        assert_eq!(basic_token(&h).as_deref(), Some("fake-pat-2"));
        h.insert("authorization", enc("fake-pat-3:").parse().unwrap());
        assert_eq!(basic_token(&h).as_deref(), Some("fake-pat-3"));
    }
}
