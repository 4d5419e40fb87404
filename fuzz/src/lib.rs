//! The budget every fuzz target holds each input to, on top of libFuzzer's own
//! `-rss_limit_mb` and `-timeout` (set by `scripts/fuzz.sh`): one input may take at most
//! [`MAX_TIME`], leave the process at most [`MAX_RSS_MB`] resident, and produce at most a fixed
//! multiple of its own size (checked by each target on what it read).

use std::time::{Duration, Instant};

/// Longest one input may take. Patchdesk's own budget is 10 s per hostile input (libFuzzer's
/// `-timeout=10` holds that); 5 s here leaves room for a busy machine while still catching any
/// input that is slow for its size (fuzz inputs are at most 1 MB).
pub const MAX_TIME: Duration = Duration::from_secs(5);

/// Most memory the process may hold after one input, in MiB.
pub const MAX_RSS_MB: u64 = 1024;

/// Runs `read` on one input and panics when it takes longer than [`MAX_TIME`] or leaves the
/// process larger than [`MAX_RSS_MB`]. `what` names the reader in the panic message.
pub fn within_budget<T>(what: &str, input_len: usize, read: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = read();
    let took = start.elapsed();
    assert!(took <= MAX_TIME, "{what}: one input of {input_len} bytes took {took:?} (budget {MAX_TIME:?})");
    if let Some(mb) = resident_mb() {
        assert!(mb <= MAX_RSS_MB, "{what}: after one input of {input_len} bytes the process holds {mb} MiB (budget {MAX_RSS_MB} MiB)");
    }
    out
}

/// Panics when `produced` is more than `per_byte` times `input_len` plus `slack`.
pub fn assert_output_budget(what: &str, input_len: usize, produced: usize, per_byte: usize, slack: usize) {
    let cap = input_len.saturating_mul(per_byte).saturating_add(slack);
    assert!(produced <= cap, "{what}: {input_len} bytes of input produced {produced} (budget {cap})");
}

/// Resident memory of this process in MiB, from `/proc/self/statm`.
fn resident_mb() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096 / (1024 * 1024))
}
