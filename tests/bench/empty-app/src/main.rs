//! An empty Tauri 2 app: the baseline of scripts/bench-app.sh. It reports when its page was
//! first drawn like Patchdesk does (src-tauri/src/startup.rs): `shown_ms=…` appended to the
//! file named by `PATCHDESK_BENCH`, in milliseconds since the process started.

/// Milliseconds since the process started, from /proc (USER_HZ is 100 on Linux).
fn since_start_ms() -> u64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields = stat.rsplit(')').next().unwrap_or_default();
    let ticks: u64 = fields.split_whitespace().nth(19).and_then(|t| t.parse().ok()).unwrap_or(0);
    let up = std::fs::read_to_string("/proc/uptime").unwrap_or_default();
    let up: f64 = up.split_whitespace().next().and_then(|u| u.parse().ok()).unwrap_or(0.0);
    ((up * 1000.0) as u64).saturating_sub(ticks * 10)
}

#[tauri::command]
fn project_shown(tab: String) {
    if let Some(file) = std::env::var_os("PATCHDESK_BENCH") {
        use std::io::Write;
        let mut f = std::fs::OpenOptions::new().create(true).append(true).open(file).expect("bench file");
        writeln!(f, "shown_ms={} tab={tab}", since_start_ms()).expect("bench file");
    }
}

fn main() {
    tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![project_shown])
        .run(tauri::generate_context!())
        .expect("the empty app could not start");
}
