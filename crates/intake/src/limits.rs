//! Size and count limits for everything that comes in from outside.

use serde::{Deserialize, Serialize};

/// Limits applied while reading dropped files. Every limit is checked while reading (a ZIP's
/// declared sizes are only used to refuse early, never trusted to allow).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct Limits {
    /// Largest dropped file accepted (a diff, a ZIP, a JSON payload, a log), in bytes.
    pub max_input_bytes: u32,
    /// Most entries a ZIP bundle may list, and most files a batch payload may carry.
    pub max_entries: u32,
    /// Largest total of all files unpacked from one ZIP bundle, in bytes.
    pub max_unpacked_bytes: u32,
    /// Largest single file unpacked from a ZIP bundle, in bytes.
    pub max_entry_bytes: u32,
    /// Highest ratio of unpacked to packed size for one ZIP entry (ZIP bombs have ~1000).
    pub max_compression_ratio: u32,
    /// Entries that unpack to at most this many bytes are not ratio-checked: small files of
    /// repeated text legitimately compress very well.
    pub ratio_free_bytes: u32,
}

const MIB: u32 = 1024 * 1024;

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_input_bytes: 128 * MIB,
            max_entries: 5_000,
            max_unpacked_bytes: 512 * MIB,
            max_entry_bytes: 128 * MIB,
            max_compression_ratio: 200,
            ratio_free_bytes: MIB,
        }
    }
}

/// `n` bytes in plain words ("3.2 MB", "512 bytes").
pub(crate) fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if n < 1024 {
        return format!("{n} bytes");
    }
    let mut value = n as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if value >= 10.0 {
        format!("{value:.0} {}", UNITS[unit])
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_plain_words() {
        assert_eq!(human_bytes(512), "512 bytes");
        assert_eq!(human_bytes(1536), "1.5 KB");
        assert_eq!(human_bytes(128 * 1024 * 1024), "128 MB");
    }
}
