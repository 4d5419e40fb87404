//! What the command tells about its work on stderr: nothing unless asked with `--verbose`
//! (info) or `PATCHDESK_LOG=LEVEL` (`warn`, `debug`, `trace`…). stdout stays the command's
//! output (its JSON unchanged). No token is ever logged.

use tracing_subscriber::filter::LevelFilter;

/// Starts logging to stderr when asked.
pub fn start(verbose: bool) {
    let asked = std::env::var("PATCHDESK_LOG").ok().and_then(|v| v.trim().parse::<LevelFilter>().ok());
    let Some(level) = asked.or(verbose.then_some(LevelFilter::INFO)) else { return };
    let _ = tracing_subscriber::fmt().with_writer(std::io::stderr).with_ansi(false).with_max_level(level).try_init();
}
