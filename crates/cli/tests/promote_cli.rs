//! `patchdesk promote` on the demo: a patch file and a queued item go to the practice remote,
//! `--json` gives {branch, commit, pr_number, pr_url, updated, revision, steps}; bad input exits 2;
//! a revision of a task with an open request updates that request.

mod hub;

use hub::{demo, patchdesk, promote, standin_and_clone};

#[test]
fn promote_to_the_practice_remote_with_json() {
    let tmp = tempfile::tempdir().unwrap();
    let (root, project) = demo(tmp.path());
    // A patch file: imported first, then sent.
    let out = promote(&project, root.join("Downloads/patch_20261118_101500_F2.2.diff")).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["branch"], "chatgpt/dev/f2.2");
    assert_eq!(v["pr_number"], 1);
    assert_eq!(v["commit"].as_str().unwrap().len(), 40);
    assert!(v["pr_url"].as_str().unwrap().contains("practice-remote.git"));
    let steps: Vec<&str> = v["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["state"] == "done")
        .map(|s| s["step"].as_str().unwrap())
        .collect();
    assert_eq!(steps, ["prepare", "commit", "push", "open_review", "finish"]);
    let bare = git2::Repository::open_bare(root.join("practice-remote.git")).unwrap();
    assert_eq!(
        bare.find_reference("refs/heads/chatgpt/dev/f2.2").unwrap().target().unwrap().to_string(),
        v["commit"].as_str().unwrap()
    );

    // A queued item by name, as a draft.
    let out = patchdesk()
        .args(["promote", "--draft", "--json", "--repo"])
        .arg(&project)
        .arg("patch_F3.1_20261119_154500.zip")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((v["branch"].as_str().unwrap(), v["pr_number"].as_u64().unwrap()), ("chatgpt/dev/f3.1", 2));

    // Unknown item: exit 2 with a coded error.
    let out = promote(&project, "nope.diff").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["error"]["code"], "item_not_found");
}

#[test]
fn promote_to_github_with_a_token_from_the_environment() {
    let (gh, tmp) = standin_and_clone("fake-pat-cli_env_token", &[("docs/a.md", "one\n")]);
    let (work, patch) = (tmp.path().join("lead"), tmp.path().join("patch_20261121_090000_F9.1.diff"));
    let out = patchdesk()
        .args(["promote", "--json", "--base", "main", "--repo"])
        .arg(&work)
        .arg(&patch)
        .env("GITHUB_TOKEN", "fake-pat-cli_env_token")
        .env("PATCHDESK_GITHUB_API", gh.api_url())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["branch"], "chatgpt/auto/f9.1");
    let pr = gh.state().pull_request("octo", "hello", v["pr_number"].as_u64().unwrap()).unwrap();
    assert!(pr.title.starts_with("[F9.1]"), "{}", pr.title);
    assert_eq!(v["pr_url"], format!("{}/octo/hello/pull/{}", gh.api_url(), pr.number));
    assert_eq!(gh.state().branch_sha("octo", "hello", "chatgpt/auto/f9.1").unwrap(), v["commit"].as_str().unwrap());
    gh.stop();
}

// ---- The sign-in goes only to the signed-in host (finding 1) ----

/// Obviously fake, made at run time.
fn fake_token() -> String {
    format!("fake-signin-{}-not-a-real-token", std::process::id())
}

/// A tiny HTTP server on 127.0.0.1: records every byte it receives and answers each request
/// with `reply(request head)`.
struct Recorder {
    port: u16,
    seen: std::sync::Arc<std::sync::Mutex<Vec<u8>>>,
}

impl Recorder {
    fn start(reply: impl Fn(&str) -> String + Send + 'static) -> Recorder {
        use std::io::{Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let log = seen.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(mut conn) = conn else { continue };
                let _ = conn.set_read_timeout(Some(std::time::Duration::from_secs(5)));
                let mut got = Vec::new();
                let mut buf = [0u8; 4096];
                while !got.windows(4).any(|w| w == b"\r\n\r\n") && got.len() < 1 << 20 {
                    match conn.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => got.extend_from_slice(&buf[..n]),
                    }
                }
                log.lock().unwrap().extend_from_slice(&got);
                let head = String::from_utf8_lossy(&got).into_owned();
                let _ = conn.write_all(reply(&head).as_bytes());
            }
        });
        Recorder { port, seen }
    }

    /// Answers everything with 401 and a Basic challenge, as a server wanting a password would.
    fn asking_for_a_password() -> Recorder {
        Recorder::start(|_| {
            "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"git\"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".into()
        })
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}/team/repo.git", self.port)
    }

    /// Nothing it received carried a sign-in: no Authorization header, and no trace of `token`.
    fn assert_got_no_token(&self, token: &str) {
        let seen = self.seen.lock().unwrap().clone();
        let text = String::from_utf8_lossy(&seen).to_lowercase();
        assert!(!text.contains("authorization"), "a sign-in was sent: {text}");
        assert!(!seen.windows(token.len()).any(|w| w == token.as_bytes()), "the token was sent");
        let b64 = base64_of(&format!("x-access-token:{token}"));
        assert!(!seen.windows(b64.len()).any(|w| w == b64.as_bytes()), "the token was sent encoded");
    }
}

fn base64_of(s: &str) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in s.as_bytes().chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(ABC[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    while !out.len().is_multiple_of(4) {
        out.push('=');
    }
    out
}

/// The demo project with `origin` pointed at `url`.
fn demo_with_origin(url: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let (_, project) = demo(tmp.path());
    let repo = git2::Repository::open(&project).unwrap();
    repo.remote_set_url("origin", url).unwrap();
    (tmp, project)
}

fn error_of(out: &std::process::Output) -> (String, String) {
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)));
    (
        v["error"]["code"].as_str().unwrap_or_default().to_string(),
        v["error"]["message"].as_str().unwrap_or_default().to_string(),
    )
}

#[test]
fn promote_never_sends_the_github_sign_in_to_another_host() {
    let evil = Recorder::asking_for_a_password();
    let (tmp, project) = demo_with_origin(&evil.url());
    let token = fake_token();
    let patch = tmp.path().join("demo/Downloads/patch_20261118_101500_F2.2.diff");
    let out =
        promote(&project, &patch).env("GITHUB_TOKEN", &token).env_remove("PATCHDESK_GITHUB_API").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let (code, message) = error_of(&out);
    assert_eq!(code, "remote_not_signed_in_host", "{message}");
    assert_eq!(
        message,
        format!("This project's remote ({}) is not on GitHub (github.com), so Patchdesk did not send your GitHub sign-in there. Point the project's remote at GitHub, or sign in to that server.", evil.url())
    );
    evil.assert_got_no_token(&token);
}

#[test]
fn a_handoff_never_sends_the_sign_in_to_another_host() {
    let evil = Recorder::asking_for_a_password();
    let (_tmp, project) = demo_with_origin(&evil.url());
    let token = fake_token();
    // Signed in to a local stand-in on another port: plain http is trusted for that address only.
    let api = Recorder::asking_for_a_password();
    let api_url = format!("http://127.0.0.1:{}", api.port);
    let out = patchdesk()
        .args(["handoff", "--json", "--repo"])
        .arg(&project)
        .args(["F2.1", "--to", "delivery", "--reason", "Tests pass"])
        .env("GITHUB_TOKEN", &token)
        .env("PATCHDESK_GITHUB_API", &api_url)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let sent = v["sent"].as_str().unwrap();
    assert!(
        sent.contains(&format!("This project's remote ({}) is not on GitHub (127.0.0.1:{})", evil.url(), api.port)),
        "{sent}"
    );
    assert!(!sent.contains("did not accept your sign-in"), "{sent}");
    evil.assert_got_no_token(&token);
    api.assert_got_no_token(&token);
}

/// The signed-in host itself sends git elsewhere (a redirect): the credentials callback is
/// asked by the other server and refuses it.
#[test]
fn a_redirect_to_another_host_gets_no_sign_in() {
    let evil = Recorder::asking_for_a_password();
    let target = format!("http://127.0.0.1:{}", evil.port);
    let redirecting = Recorder::start(move |head| {
        let path = head.split_whitespace().nth(1).unwrap_or("/").to_string();
        format!("HTTP/1.1 302 Found\r\nLocation: {target}{path}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
    });
    let api_url = format!("http://127.0.0.1:{}", redirecting.port);
    let (tmp, project) = demo_with_origin(&redirecting.url());
    let token = fake_token();
    let out = promote(&project, tmp.path().join("demo/Downloads/patch_20261118_101500_F2.2.diff"))
        .env("GITHUB_TOKEN", &token)
        .env("PATCHDESK_GITHUB_API", &api_url)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let (code, message) = error_of(&out);
    assert!(!evil.seen.lock().unwrap().is_empty(), "the redirect was followed: {message}");
    evil.assert_got_no_token(&token);
    redirecting.assert_got_no_token(&token);
    assert_eq!(code, "remote_not_signed_in_host", "{message}");
    assert!(message.contains(&format!("http://127.0.0.1:{}/team/repo.git", evil.port)), "{message}");
}

/// `--verbose` (or `PATCHDESK_LOG`) tells on stderr what happened, stdout stays the same JSON,
/// and the token is in neither; without it stderr holds no log lines.
#[test]
fn verbose_logs_go_to_stderr_without_the_token() {
    let token = fake_token();
    let (gh, tmp) = standin_and_clone(&token, &[("docs/a.md", "one\n")]);
    let (work, patch) = (tmp.path().join("lead"), tmp.path().join("patch_20261121_090000_F9.1.diff"));
    let run = |token: &str, log: Option<&str>, verbose: bool| {
        let mut cmd = patchdesk();
        cmd.args(["promote", "--json", "--base", "main", "--repo"]).arg(&work).arg(&patch);
        if verbose {
            cmd.arg("--verbose");
        }
        cmd.env("GITHUB_TOKEN", token).env("PATCHDESK_GITHUB_API", gh.api_url()).env_remove("PATCHDESK_LOG");
        if let Some(level) = log {
            cmd.env("PATCHDESK_LOG", level);
        }
        cmd.output().unwrap()
    };
    let wrong = format!("{token}-wrong");
    // Refused, then sent: both told on stderr at the most detailed level.
    let refused = run(&wrong, Some("trace"), false);
    assert!(!refused.status.success());
    let sent = run(&token, None, true);
    assert!(sent.status.success(), "{}", String::from_utf8_lossy(&sent.stderr));
    let v: serde_json::Value = serde_json::from_slice(&sent.stdout).expect("stdout is the JSON alone");
    assert_eq!(v["branch"], "chatgpt/auto/f9.1");
    let (a, b) = (String::from_utf8_lossy(&refused.stderr), String::from_utf8_lossy(&sent.stderr));
    assert!(a.contains("promote stopped") && a.contains("code=auth_rejected"), "{a}");
    assert!(b.contains("promote finished"), "{b}");
    for out in [&refused, &sent] {
        let all = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        for t in [&token, &wrong] {
            for form in [t.to_string(), base64_of(t), base64_of(&format!("x-access-token:{t}"))] {
                assert!(!all.contains(&form), "the output holds a token ({form})");
            }
        }
    }
    // Not asked: no log lines.
    let quiet = run(&token, None, false);
    assert!(!String::from_utf8_lossy(&quiet.stderr).contains(" INFO "), "{}", String::from_utf8_lossy(&quiet.stderr));
    gh.stop();
}

/// A pod's download for task F2.2 that adds `path`, written with its sidecar under `dir`.
fn f22_revision(dir: &std::path::Path, stamp: &str, path: &str) -> std::path::PathBuf {
    let diff = format!(
        "diff --git a/{path} b/{path}\nnew file mode 100644\n--- /dev/null\n+++ b/{path}\n@@ -0,0 +1 @@\n+Revised.\n"
    );
    let file = dir.join(format!("patch_{stamp}_F2.2.diff"));
    std::fs::write(&file, diff).unwrap();
    std::fs::write(dir.join(format!("patch_{stamp}_F2.2.json")), r#"{"task_id": "F2.2", "summary": "Revised stages"}"#)
        .unwrap();
    file
}

#[test]
fn promote_of_a_revision_updates_the_open_request() {
    let tmp = tempfile::tempdir().unwrap();
    let (root, project) = demo(tmp.path());
    let out = promote(&project, root.join("Downloads/patch_20261118_101500_F2.2.diff")).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let first: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(first["updated"], false);
    let bare = git2::Repository::open_bare(root.join("practice-remote.git")).unwrap();
    let tip = || bare.find_reference("refs/heads/chatgpt/dev/f2.2").unwrap().target().unwrap().to_string();

    // The pod's revision: the same request, one more commit on its branch.
    let drops = tmp.path().join("drops");
    std::fs::create_dir_all(&drops).unwrap();
    let out = promote(&project, f22_revision(&drops, "20261120_090000", "docs/revised.md")).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (v["pr_number"].as_u64(), v["updated"].as_bool(), v["revision"].as_u64()),
        (Some(1), Some(true), Some(2))
    );
    assert_eq!(v["commit"].as_str().unwrap(), tip());
    let commit = bare.find_commit(git2::Oid::from_str(&tip()).unwrap()).unwrap();
    assert_eq!(commit.parent_id(0).unwrap().to_string(), first["commit"].as_str().unwrap());

    // Asked for a new request: a second one, on a branch of its own.
    let file = f22_revision(&drops, "20261121_090000", "docs/other.md");
    let out =
        patchdesk().args(["promote", "--new-request", "--json", "--repo"]).arg(&project).arg(file).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((v["pr_number"].as_u64(), v["updated"].as_bool()), (Some(2), Some(false)));
    assert_eq!(v["branch"], "chatgpt/dev/f2.2-2");
}
