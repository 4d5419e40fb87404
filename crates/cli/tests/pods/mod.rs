//! What the pod API tests share: the demo project built by code, a token made with the real
//! command, `patchdesk serve` on an ephemeral 127.0.0.1 port, and a plain HTTP/1.1 client.

#![allow(dead_code)]

use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub const BIN: &str = env!("CARGO_BIN_EXE_patchdesk");

/// The demo project in `tmp`, built through the desk.
pub fn demo(tmp: &Path) -> PathBuf {
    let (demo, _) = patchdesk_desk::open_demo(&tmp.join("demo")).unwrap();
    demo.project
}

/// A new token for `pod`, from `patchdesk token add --json`.
pub fn token(repo: &Path, pod: &str) -> String {
    let out = Command::new(BIN).args(["token", "add", "--json", "--pod", pod, "--repo"]).arg(repo).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    v["token"].as_str().unwrap().to_string()
}

/// `patchdesk serve` on an ephemeral port; stopped when dropped.
pub struct Server {
    child: Option<Child>,
    pub addr: String,
}

impl Server {
    pub fn start(repo: &Path, extra: &[&str]) -> Server {
        let mut child = Command::new(BIN)
            .args(["serve", "--bind", "127.0.0.1:0", "--repo"])
            .arg(repo)
            .args(extra)
            .env("PATCHDESK_DATA_DIR", repo.join("../data"))
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let addr = line.split("http://").nth(1).and_then(|r| r.split_whitespace().next()).unwrap_or_else(|| {
            let _ = child.kill();
            panic!("serve printed no address: {line:?}")
        });
        Server { addr: addr.to_string(), child: Some(child) }
    }

    /// A server some other way started, at `addr` (not stopped when dropped).
    pub fn at(addr: &str) -> Server {
        Server { addr: addr.to_string(), child: None }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// One request; `token` as a bearer token, `body` as JSON text.
    pub fn call(&self, method: &str, path: &str, token: Option<&str>, body: Option<&[u8]>) -> Answer {
        self.raw(method, path, token, body, &[])
    }

    pub fn raw(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&[u8]>,
        headers: &[(&str, &str)],
    ) -> Answer {
        let mut s = TcpStream::connect(&self.addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
        let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n", self.addr);
        if let Some(t) = token {
            head.push_str(&format!("Authorization: Bearer {t}\r\n"));
        }
        for (k, v) in headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        let body = body.unwrap_or_default();
        if !body.is_empty() || method == "POST" {
            head.push_str(&format!("Content-Type: application/json\r\nContent-Length: {}\r\n", body.len()));
        }
        head.push_str("\r\n");
        s.write_all(head.as_bytes()).unwrap();
        // A server may answer (413) before reading everything; a refused write is fine then.
        let _ = s.write_all(body);
        let mut raw = Vec::new();
        let _ = s.read_to_end(&mut raw);
        Answer::parse(&raw)
    }

    pub fn json(&self, method: &str, path: &str, token: &str, body: &Value) -> Answer {
        self.call(method, path, Some(token), Some(body.to_string().as_bytes()))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(child) = &mut self.child {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Answer {
    fn parse(raw: &[u8]) -> Answer {
        let end = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .unwrap_or_else(|| panic!("no HTTP answer: {:?}", String::from_utf8_lossy(raw)));
        let head = String::from_utf8_lossy(&raw[..end]).into_owned();
        let mut lines = head.split("\r\n");
        let status = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':').map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string())))
            .collect();
        let mut body = raw[end + 4..].to_vec();
        if headers.iter().any(|(k, v)| k == "transfer-encoding" && v.contains("chunked")) {
            body = unchunk(&body);
        }
        Answer { status, headers, body }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.text()))
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

fn unchunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(i) = b.windows(2).position(|w| w == b"\r\n") {
        let n = usize::from_str_radix(String::from_utf8_lossy(&b[..i]).trim(), 16).unwrap_or(0);
        if n == 0 {
            break;
        }
        out.extend_from_slice(&b[i + 2..i + 2 + n]);
        b = &b[i + 2 + n + 2..];
    }
    out
}

/// A git diff adding `path` with `text`.
pub fn new_file_patch(path: &str, text: &str) -> String {
    let lines: Vec<String> = text.lines().map(|l| format!("+{l}")).collect();
    format!(
        "diff --git a/{path} b/{path}\nnew file mode 100644\n--- /dev/null\n+++ b/{path}\n@@ -0,0 +1,{} @@\n{}\n",
        lines.len(),
        lines.join("\n")
    )
}

/// Files in the inbox's folder.
pub fn queued(repo: &Path) -> usize {
    std::fs::read_dir(repo.join(".patches/queue")).map(|d| d.count()).unwrap_or(0)
}

/// The Python test clients' interpreter (scripts/setup.sh installs it); missing is a failure.
pub fn python(root: &Path) -> PathBuf {
    let py = root.join(".cache/py/bin/python");
    assert!(py.is_file(), "{} is missing: run scripts/setup.sh (it installs the Python test clients)", py.display());
    py
}

/// The repository's root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}
