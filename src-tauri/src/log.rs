//! The app's log: plain-text files in the app's log folder (Tauri's app log dir, or
//! `PATCHDESK_LOG_DIR`), one per day, the last week kept. What a user can send when something
//! went wrong. The core crates log through `tracing` at warn where a failure is dropped; no
//! token and no file contents are ever logged. `PATCHDESK_LOG` sets the level (default info).

use patchdesk_error::{Code, UserError};
use std::path::{Path, PathBuf};
use tauri::Manager;
use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::filter::LevelFilter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::Layer as _;
/// Log files kept (one a day).
const KEPT: usize = 7;

/// The folder the log files are in.
pub fn folder(app: &tauri::AppHandle) -> Result<PathBuf, UserError> {
    if let Some(d) = std::env::var_os("PATCHDESK_LOG_DIR").filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(d));
    }
    app.path()
        .app_log_dir()
        .map_err(|e| UserError::new(Code::Internal, format!("The app's log folder is not known on this computer: {e}")))
}

/// The level from `PATCHDESK_LOG` (`warn`, `debug`…; `off` for none), else info.
pub fn level() -> LevelFilter {
    std::env::var("PATCHDESK_LOG").ok().and_then(|v| v.trim().parse().ok()).unwrap_or(LevelFilter::INFO)
}

/// What writes the log into `dir`: daily files `patchdesk.YYYY-MM-DD.log`, a week kept.
pub fn subscriber(dir: &Path, level: LevelFilter) -> Result<impl tracing::Subscriber + Send + Sync, String> {
    // Made first: the appender looks for old files to prune before it makes the folder.
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    let files = RollingFileAppender::builder()
        .rotation(Rotation::DAILY)
        .filename_prefix("patchdesk")
        .filename_suffix("log")
        .max_log_files(KEPT)
        .build(dir)
        .map_err(|e| e.to_string())?;
    let layer = tracing_subscriber::fmt::layer().with_writer(files).with_ansi(false).with_target(true);
    Ok(tracing_subscriber::registry().with(layer.with_filter(level)))
}

/// Starts the log for the running app. A log that cannot be opened leaves the app running.
pub fn start(app: &tauri::AppHandle) {
    let Ok(dir) = folder(app) else { return };
    if let Ok(s) = subscriber(&dir, level()) {
        if tracing::subscriber::set_global_default(s).is_ok() {
            tracing::info!(version = env!("CARGO_PKG_VERSION"), "Patchdesk started");
        }
    }
}

/// How many of the log's last lines "Report a problem" copies.
const REPORTED_LINES: usize = 60;
/// At most this much of the newest log file is read for them.
const REPORTED_TAIL: u64 = 256 * 1024;
/// A reported line is cut after this many characters.
const REPORTED_WIDTH: usize = 400;

/// What "Report a problem" copies: the version, the platform and the last lines of the newest
/// log file in `dir`, without any line that looks like it carries a secret (see [`shareable`]).
pub fn problem_report(dir: &Path, version: &str, platform: &str) -> String {
    let tail = newest_log(dir).and_then(|f| read_tail(&f, REPORTED_TAIL).ok()).unwrap_or_default();
    let lines: Vec<String> = tail.lines().filter_map(shareable).collect();
    let last = &lines[lines.len().saturating_sub(REPORTED_LINES)..];
    let shown = if last.is_empty() { "(the log is empty)".to_string() } else { last.join("\n") };
    format!("Patchdesk {version}\nPlatform: {platform}\nLast lines of the log:\n{shown}\n")
}

/// The newest `patchdesk*.log` in `dir` (the daily files sort by date).
fn newest_log(dir: &Path) -> Option<PathBuf> {
    let names =
        std::fs::read_dir(dir).ok()?.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned());
    let newest = names.filter(|n| n.starts_with("patchdesk") && n.ends_with(".log")).max()?;
    Some(dir.join(newest))
}

/// The last `limit` bytes of `file` as text, from the first whole line on.
fn read_tail(file: &Path, limit: u64) -> std::io::Result<String> {
    use std::io::{Read, Seek, SeekFrom};
    let mut f = std::fs::File::open(file)?;
    let len = f.metadata()?.len();
    f.seek(SeekFrom::Start(len.saturating_sub(limit)))?;
    let mut bytes = Vec::new();
    f.take(limit).read_to_end(&mut bytes)?;
    let text = String::from_utf8_lossy(&bytes).into_owned();
    Ok(if len > limit { text.split_once('\n').map_or(String::new(), |(_, rest)| rest.to_string()) } else { text })
}

/// A log line as it may be shared, or `None` when it may carry a secret: a GitHub token's
/// prefix, an authorization header, a password, or any long run of letters and digits that is
/// not a plain hexadecimal commit id. Commit ids are shortened to seven characters (an old
/// GitHub token is forty hexadecimal digits too). Long lines are cut.
pub fn shareable(line: &str) -> Option<String> {
    let lower = line.to_ascii_lowercase();
    const TELLING: [&str; 12] = [
        "ghp_",
        "gho_",
        "ghu_",
        "ghs_",
        "ghr_",
        "github_pat_",
        "bearer",
        "authorization",
        "token=",
        "password",
        "secret",
        "x-access-token",
    ];
    if TELLING.iter().any(|t| lower.contains(t)) {
        return None;
    }
    let mut out = String::with_capacity(line.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| -> bool {
        let long = run.chars().count() >= 32;
        if long && !run.chars().all(|c| c.is_ascii_hexdigit()) {
            return false;
        }
        if long {
            out.extend(run.chars().take(7));
            out.push('…');
        } else {
            out.push_str(run);
        }
        run.clear();
        true
    };
    for c in line.chars() {
        if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
            run.push(c);
        } else {
            if !flush(&mut run, &mut out) {
                return None;
            }
            out.push(c);
        }
    }
    if !flush(&mut run, &mut out) {
        return None;
    }
    Some(if out.chars().count() > REPORTED_WIDTH {
        out.chars().take(REPORTED_WIDTH).chain(['…']).collect()
    } else {
        out
    })
}

#[cfg(test)]
mod report_tests {
    use super::*;

    #[test]
    fn a_report_has_the_version_the_platform_and_the_last_lines_but_never_a_token() {
        let dir = tempfile::tempdir().unwrap();
        let sha = "0123456789abcdef0123456789abcdef01234567";
        let mut log = String::new();
        for i in 0..100 {
            log.push_str(&format!("2026-11-30T10:00:{i:02}Z  INFO patchdesk: round {i}\n"));
        }
        // Token-shaped values are made here at run time (obviously fake; nothing token-like is committed).
        let fake_pat = ["ghp", "_", &"fAkE16C7".repeat(5)].concat();
        let fake_fine = ["github", "_pat_", &"fake0123".repeat(4), "_", &"notarealtoken".repeat(2)].concat();
        log.push_str(&format!("2026-11-30T10:01:00Z  WARN forge: push refused for {fake_pat}\n"));
        log.push_str("2026-11-30T10:01:01Z  WARN forge: header Authorization: token abc\n");
        log.push_str("2026-11-30T10:01:02Z  WARN forge: sent https://x-access-token:Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4cXV1eA@github.com/o/r\n");
        log.push_str(&format!("2026-11-30T10:01:03Z  WARN forge: unexpected {fake_fine}\n"));
        log.push_str("2026-11-30T10:01:04Z  WARN forge: odd value QWxhZGRpbjpvcGVuIHNlc2FtZUFsYWRkaW46b3Blbg\n");
        log.push_str(&format!("2026-11-30T10:01:05Z  INFO promote: committed {sha}\n"));
        std::fs::write(dir.path().join("patchdesk.2026-11-29.log"), "INFO yesterday\n").unwrap();
        std::fs::write(dir.path().join("patchdesk.2026-11-30.log"), &log).unwrap();

        let report = problem_report(dir.path(), "0.1.0", "linux x86_64");
        assert!(report.starts_with("Patchdesk 0.1.0\nPlatform: linux x86_64\nLast lines of the log:\n"), "{report}");
        for secret in ["ghp_", "fAkE16C7", "Authorization", "Zm9vYmFy", "github_pat", "QWxhZGRpbjpv", sha] {
            assert!(!report.contains(secret), "{secret} reached the report:\n{report}");
        }
        assert!(report.contains("committed 0123456…"), "{report}");
        assert!(
            report.contains("round 99") && !report.contains("round 40\n") && !report.contains("yesterday"),
            "{report}"
        );
        assert_eq!(report.lines().count(), 3 + REPORTED_LINES);
    }

    #[test]
    fn a_huge_log_is_read_from_its_end_only() {
        let dir = tempfile::tempdir().unwrap();
        let line = format!("INFO {}\n", "word ".repeat(2000));
        std::fs::write(dir.path().join("patchdesk.2026-11-30.log"), line.repeat(3000)).unwrap();
        let report = problem_report(dir.path(), "0.1.0", "linux");
        assert!(report.len() < REPORTED_LINES * (REPORTED_WIDTH + 8) + 200, "{}", report.len());
        assert!(problem_report(&dir.path().join("none"), "0.1.0", "linux").ends_with("(the log is empty)\n"));
    }
}
