//! The team server's container, without Docker: its entrypoint script (scripts/team-server/
//! entrypoint.sh, the image's ENTRYPOINT) run as the image runs it, with the real `patchdesk`
//! on PATH, a private repository on the GitHub stand-in as the repository, a token and pod
//! tokens from the environment, and a temporary folder as the volume. It clones, serves, takes
//! the pods' tokens from the environment, turns a submission into a pull request, and the
//! GitHub token is written nowhere: not in the clone's config, the output or a command line.
//! The Dockerfile's shell is checked by bash and shellcheck, and its health check runs for real.

mod pods;

use github_standin::{RepoSpec, Standin};
use pods::{new_file_patch, Answer};
use serde_json::json;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

const DEV: &str = "pdk_team_dev_0123456789abcdef0123456789abcdef";
const QA: &str = "pdk_team_qa_fedcba9876543210fedcba9876543210";

fn entrypoint() -> PathBuf {
    pods::root().join("scripts/team-server/entrypoint.sh")
}

/// The entrypoint with the environment a `docker run` would give it.
fn team_server(gh: &Standin, token: &str, volume: &Path) -> Command {
    let bin_dir = Path::new(pods::BIN).parent().unwrap();
    let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap_or_default());
    let mut c = Command::new(entrypoint());
    c.env_clear()
        .env("PATH", path)
        .env("HOME", volume.join("home"))
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("PATCHDESK_REPOSITORY", "octo/hello")
        .env("GITHUB_TOKEN", token)
        .env("PATCHDESK_GITHUB_URL", gh.web_url())
        .env("PATCHDESK_GITHUB_API", gh.api_url())
        .env("PATCHDESK_POD_TOKENS", format!("DevPod={DEV}, QAPod={QA}"))
        .env("PATCHDESK_PUBLIC_URL", "https://pods.example.com")
        .env("PATCHDESK_VOLUME", volume)
        // Tests listen on this computer only; the image's default is 0.0.0.0:8765.
        .env("PATCHDESK_BIND", "127.0.0.1:0");
    c
}

/// The running team server: its address and everything it wrote.
struct Running {
    child: Child,
    addr: String,
    output: Arc<Mutex<String>>,
}

impl Running {
    fn start(mut cmd: Command) -> Running {
        let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        let output = Arc::new(Mutex::new(String::new()));
        let mut err = child.stderr.take().unwrap();
        let sink = output.clone();
        std::thread::spawn(move || {
            let mut s = String::new();
            let _ = err.read_to_string(&mut s);
            sink.lock().unwrap().push_str(&s);
        });
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        out.read_line(&mut line).unwrap();
        output.lock().unwrap().push_str(&line);
        let sink = output.clone();
        std::thread::spawn(move || {
            let mut s = String::new();
            let _ = out.read_to_string(&mut s);
            sink.lock().unwrap().push_str(&s);
        });
        let Some(addr) = line.split("http://").nth(1).and_then(|r| r.split_whitespace().next()).map(str::to_string)
        else {
            let _ = child.kill();
            let _ = child.wait();
            std::thread::sleep(std::time::Duration::from_millis(200));
            panic!("the team server did not start: {line:?}\n{}", output.lock().unwrap());
        };
        Running { child, addr, output }
    }

    fn server(&self) -> pods::Server {
        pods::Server::at(&self.addr)
    }

    /// Stops it and returns all it wrote.
    fn stop(mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        std::thread::sleep(std::time::Duration::from_millis(200));
        let out = self.output.lock().unwrap().clone();
        out
    }
}

fn post(server: &pods::Server, token: &str, task: &str, file: &str) -> Answer {
    let body =
        json!({"task_id": task, "summary": format!("Notes for {task}"), "patch": new_file_patch(file, "from a pod")});
    server.json("POST", "/patches", token, &body)
}

#[test]
fn the_team_server_entrypoint_clones_serves_with_env_tokens_and_opens_pull_requests_without_writing_the_token() {
    let token = format!("fake-team-{}-token", std::process::id());
    let gh = Standin::start_blocking().expect("stand-in starts (run scripts/fetch-openapi.sh first)");
    gh.state().add_user("octo", &token, &["repo"]);
    // Private: cloning needs the token, so the clone proves the credential helper works.
    gh.state().add_repo(RepoSpec::new("octo", "hello").private()).unwrap();
    gh.state().commit_files("octo", "hello", "main", "start", &[("docs/a.md", "one\n")]).unwrap();
    let main_before = gh.state().branch_sha("octo", "hello", "main").unwrap();
    let volume = tempfile::tempdir().unwrap();

    let running = Running::start(team_server(&gh, &token, volume.path()));
    let clone = volume.path().join("project");
    assert!(clone.join("docs/a.md").is_file(), "cloned into the volume");
    let cmdline = std::fs::read(format!("/proc/{}/cmdline", running.child.id())).unwrap();
    let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
    assert!(cmdline.contains("serve") && cmdline.contains("--auto-promote"), "{cmdline}");
    let server = running.server();

    let health = server.call("GET", "/health", None, None);
    assert_eq!((health.status, health.json()), (200, json!({"ok": true})));
    // The Dockerfile's health check, run as Docker runs it, against this server.
    let check = healthcheck().replace("127.0.0.1/8765", &running.addr.replace(':', "/"));
    let out = Command::new("bash").args(["-c", &check]).output().unwrap();
    assert!(out.status.success(), "the image's health check fails: {check}");

    // The pods' tokens from the environment work; another is refused.
    let doc = server.call("GET", "/openapi.json", Some(QA), None);
    assert_eq!(doc.status, 200, "{}", doc.text());
    assert_eq!(doc.json()["servers"][0]["url"], "https://pods.example.com");
    let bad = server.call("GET", "/openapi.json", Some("pdk_team_nobody_0123456789abcdef0123456789ab"), None);
    assert_eq!(bad.status, 401);
    assert_eq!(server.call("GET", "/openapi.json", Some(&token), None).status, 401, "the GitHub token is no pod token");

    // Auto-promote: a submission becomes a pull request on the stand-in, never a push to main.
    let a = post(&server, DEV, "F1.1", "docs/team.md");
    assert_eq!(a.status, 201, "{}", a.text());
    let a = a.json();
    assert!(a["review"]["not_sent"].is_null(), "{a}");
    let url = a["review"]["url"].as_str().unwrap_or_else(|| panic!("no pull request: {a}"));
    let pulls = gh.state().pull_requests("octo", "hello");
    assert_eq!(pulls.len(), 1, "{pulls:?}");
    assert!(url.ends_with(&format!("/pull/{}", pulls[0].number)), "{url}");
    assert_eq!((pulls[0].base.as_str(), pulls[0].author.as_str()), ("main", "octo"));
    assert!(pulls[0].head.to_lowercase().contains("f1.1"), "{}", pulls[0].head);
    assert_eq!(gh.state().branch_sha("octo", "hello", "main").unwrap(), main_before, "main is never pushed");

    let output = running.stop();
    // Restarted on the same volume: it fetches instead of cloning, and serves again.
    gh.state().commit_files("octo", "hello", "main", "more", &[("docs/b.md", "two\n")]).unwrap();
    let again = Running::start(team_server(&gh, &token, volume.path()));
    assert_eq!(again.server().call("GET", "/openapi.json", Some(DEV), None).status, 200);
    assert!(clone.join("docs/b.md").is_file(), "the clone was brought up to date");
    let output = output + &again.stop();
    assert!(output.contains("Cloning octo/hello") && output.contains("Fetching octo/hello"), "{output}");

    // The GitHub token and the pod tokens: nowhere on disk, in the output or a command line.
    for secret in [token.as_str(), DEV, QA] {
        assert!(!output.contains(secret), "the output shows a token:\n{output}");
        assert!(!cmdline.contains(secret), "serve's command line holds a token: {cmdline}");
        for file in walk(volume.path()) {
            let bytes = std::fs::read(&file).unwrap_or_default();
            assert!(!bytes.windows(secret.len()).any(|w| w == secret.as_bytes()), "{} holds a token", file.display());
        }
    }
    let config = std::fs::read_to_string(clone.join(".git/config")).unwrap();
    assert!(!config.contains("credential") && !config.contains(&token), "{config}");
    gh.stop();
}

#[test]
fn the_team_server_refuses_to_start_without_its_settings_or_with_malformed_pod_tokens() {
    let gh = Standin::start_blocking().expect("stand-in starts");
    gh.state().add_user("octo", "fake-team-refusals-token", &["repo"]);
    gh.state().add_repo(RepoSpec::new("octo", "hello")).unwrap();
    let volume = tempfile::tempdir().unwrap();
    let run = |setup: &dyn Fn(&mut Command)| {
        let mut c = team_server(&gh, "fake-team-refusals-token", volume.path());
        setup(&mut c);
        let out = c.output().unwrap();
        (out.status.code(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
    };
    for (name, says) in [
        ("PATCHDESK_REPOSITORY", "PATCHDESK_REPOSITORY"),
        ("GITHUB_TOKEN", "GITHUB_TOKEN"),
        ("PATCHDESK_POD_TOKENS", "PATCHDESK_POD_TOKENS"),
    ] {
        let (code, out) = run(&|c| {
            c.env_remove(name);
        });
        assert_eq!(code, Some(2), "{out}");
        assert!(out.contains(says) && out.trim_end().ends_with('.'), "{out}");
    }
    let (code, out) = run(&|c| {
        c.env("PATCHDESK_REPOSITORY", "../../etc");
    });
    assert_eq!(code, Some(2), "{out}");
    assert!(!volume.path().join("project").exists());
    // Malformed pod tokens: `serve` refuses at start, in a sentence, without showing a token.
    let secret = "pdk_team_secret_0123456789abcdef0123456789";
    for bad in [format!("DevPod{secret}"), format!("DevPod=short,QAPod={secret}"), format!("={secret}"), ",".into()] {
        let (code, out) = run(&|c| {
            c.env("PATCHDESK_POD_TOKENS", &bad);
        });
        assert_eq!(code, Some(2), "{bad}: {out}");
        assert!(out.contains("PATCHDESK_POD_TOKENS") && !out.contains(secret), "{bad}: {out}");
    }
}

#[test]
fn the_dockerfile_builds_the_cli_on_debian_12_and_its_shell_passes_bash_and_shellcheck() {
    let text = std::fs::read_to_string(pods::root().join("Dockerfile")).unwrap();
    assert!(text.contains("FROM rust:1-bookworm AS build") && text.contains("FROM debian:12-slim"), "{text}");
    assert!(
        text.contains("-p patchdesk-cli") && text.contains("ENTRYPOINT [\"/usr/local/bin/patchdesk-team-server\"]")
    );
    assert!(text.contains("COPY scripts/team-server/entrypoint.sh"));
    // Every RUN line (continuations joined) and the health check, as shell.
    let mut scripts = vec![healthcheck()];
    let joined = text.replace("\\\n", " ");
    scripts.extend(joined.lines().filter_map(|l| l.strip_prefix("RUN ")).map(str::to_string));
    assert!(scripts.len() >= 3, "{scripts:?}");
    let dir = tempfile::tempdir().unwrap();
    for (i, script) in scripts.iter().enumerate() {
        let file = dir.path().join(format!("run{i}.sh"));
        std::fs::write(&file, format!("#!/bin/bash\n{script}\n")).unwrap();
        let out = Command::new("bash").arg("-n").arg(&file).output().unwrap();
        assert!(out.status.success(), "{script}: {}", String::from_utf8_lossy(&out.stderr));
    }
    let mut files: Vec<PathBuf> = (0..scripts.len()).map(|i| dir.path().join(format!("run{i}.sh"))).collect();
    files.push(entrypoint());
    let out = Command::new("shellcheck")
        .args(&files)
        .output()
        .expect("shellcheck runs (scripts/setup.sh --test installs it)");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    // shellcheck is not a rubber stamp.
    let broken = dir.path().join("broken.sh");
    std::fs::write(&broken, "#!/bin/bash\nrm -rf $1/*\n").unwrap();
    assert!(!Command::new("shellcheck").arg(&broken).output().unwrap().status.success());
}

/// The Dockerfile's HEALTHCHECK command, as the shell text Docker runs.
fn healthcheck() -> String {
    let text = std::fs::read_to_string(pods::root().join("Dockerfile")).unwrap();
    let line = text.lines().find_map(|l| l.strip_prefix("HEALTHCHECK ")).expect("a HEALTHCHECK");
    let exec = &line[line.find("CMD ").unwrap() + 4..];
    let argv: Vec<String> = serde_json::from_str(exec).unwrap();
    assert_eq!(&argv[..2], ["bash", "-c"]);
    argv[2].clone()
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        match entry.file_type() {
            Ok(t) if t.is_dir() => out.extend(walk(&path)),
            Ok(t) if t.is_file() => out.push(path),
            _ => {}
        }
    }
    out
}
