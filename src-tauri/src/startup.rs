//! How long the window took to show the project: the UI says when it first drew the project's
//! screen (`project_shown`), and the app logs the time since its process started (info level).
//! With `PATCHDESK_BENCH` naming a file, the figures are also appended to it as one line
//! (`shown_ms=… main_ms=… tab=… setup_ms=… page_ms=… asked_ms=… answered_ms=…`) for
//! scripts/bench-app.sh: the steps on the way (`mark`) in milliseconds since `run` began.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::Instant;

/// When `run` began (the first thing `main` does).
static BEGAN: OnceLock<Instant> = OnceLock::new();
/// The project was reported shown already (only the first time counts).
static SHOWN: AtomicBool = AtomicBool::new(false);

/// The steps of the start noted so far (`mark`), with their times since `run` began.
static STEPS: Mutex<Vec<(&'static str, u64)>> = Mutex::new(Vec::new());

/// Notes the moment the app began; called first thing at start.
pub fn began() {
    let _ = BEGAN.set(Instant::now());
}

/// Notes that the start reached `step` (its first time only), for the benchmark's line: `setup`
/// (Tauri set up, the window about to be made), `page` (the page began loading), `asked` (the
/// page asked for the project), `answered` (it was sent).
pub fn mark(step: &'static str) {
    if SHOWN.load(Ordering::SeqCst) {
        return;
    }
    let Some(began) = BEGAN.get() else { return };
    let mut steps = STEPS.lock().unwrap_or_else(|p| p.into_inner());
    if !steps.iter().any(|(s, _)| *s == step) {
        steps.push((step, began.elapsed().as_millis() as u64));
    }
}

/// Opens the startup project (building the demo on first use) on a thread of its own while
/// WebKit starts and the page loads, so it is ready when the window first asks for it.
pub fn open_project_early(app: &tauri::AppHandle) {
    use tauri::Manager;
    let app = app.clone();
    std::thread::spawn(move || {
        // A project that cannot be opened is reported when the window asks (`current_project`).
        let _ = app.state::<crate::state::AppState>().with_project(|_| Ok(()));
    });
}

/// Milliseconds since the kernel started this process (exec, loading the libraries and
/// everything before `main` included), from `/proc`: 10 ms steps.
fn since_process_start_ms() -> Option<u64> {
    // Field 22 of /proc/self/stat: start time in clock ticks after boot. /proc counts in
    // USER_HZ, which Linux fixes at 100 for every program it reports to.
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let after_name = &stat[stat.rfind(')')? + 2..];
    let ticks: u64 = after_name.split_whitespace().nth(19)?.parse().ok()?;
    let uptime = std::fs::read_to_string("/proc/uptime").ok()?;
    let up: f64 = uptime.split_whitespace().next()?.parse().ok()?;
    Some(((up * 1000.0) as u64).saturating_sub(ticks * 10))
}

/// The window first drew the open project's screen (`tab`: the one on show).
#[tauri::command]
#[specta::specta]
pub fn project_shown(tab: String) {
    if SHOWN.swap(true, Ordering::SeqCst) {
        return;
    }
    crate::memory::tune();
    let main_ms = BEGAN.get().map(|b| b.elapsed().as_millis() as u64);
    let shown_ms = since_process_start_ms();
    let show = |v: Option<u64>| v.map_or("?".to_string(), |v| v.to_string());
    tracing::info!("the window first showed the project ({tab}) {} ms after the app started", show(shown_ms));
    if let Some(file) = std::env::var_os("PATCHDESK_BENCH").filter(|f| !f.is_empty()) {
        use std::io::Write;
        let steps = STEPS.lock().unwrap_or_else(|p| p.into_inner());
        let steps: String = steps.iter().map(|(s, ms)| format!(" {s}_ms={ms}")).collect();
        let line = format!("shown_ms={} main_ms={} tab={tab}{steps}\n", show(shown_ms), show(main_ms));
        let written = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(file)
            .and_then(|mut f| f.write_all(line.as_bytes()));
        if let Err(e) = written {
            tracing::warn!("the start-up figures could not be written for the benchmark: {e}");
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_step_counts_its_first_time_only() {
        super::began();
        super::mark("test-step");
        super::mark("test-step");
        let steps = super::STEPS.lock().unwrap();
        let seen: Vec<_> = steps.iter().filter(|(s, _)| *s == "test-step").collect();
        assert_eq!(seen.len(), 1, "{steps:?}");
    }

    #[test]
    fn a_running_process_started_a_moment_ago() {
        let ms = super::since_process_start_ms().expect("/proc tells when this process started");
        assert!(ms < 24 * 3600 * 1000, "{ms}");
    }
}
