//! Size and count limits for everything that comes in from outside.

use serde::{Deserialize, Serialize};

/// Limits applied while reading dropped files. Every limit is checked while reading (a ZIP's
/// declared sizes are only used to refuse early, never trusted to allow).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(default)]
pub struct Limits {
    /// Largest dropped file accepted (a diff, a ZIP, a JSON payload, a log), in bytes.
    pub max_input_bytes: u32,
    /// Most entries a ZIP bundle may list, and most files a batch payload may carry.
    pub max_entries: u32,
    /// Largest total of all files unpacked from one ZIP bundle, in bytes.
    pub max_unpacked_bytes: u32,
    /// Largest single file unpacked from a ZIP bundle, in bytes.
    pub max_entry_bytes: u32,
    /// Highest ratio of unpacked to packed size for one ZIP entry, and for all entries of a
    /// ZIP together against the ZIP's size (ZIP bombs have ~1000).
    pub max_compression_ratio: u32,
    /// Entries that unpack to at most this many bytes are not ratio-checked on their own: small
    /// files of repeated text legitimately compress very well. The whole ZIP's ratio is checked
    /// once its files pass this many bytes together.
    pub ratio_free_bytes: u32,
    /// Largest total of one drop (everything dropped or imported together): the files' own
    /// bytes plus everything unpacked from their ZIPs, in bytes.
    pub max_drop_bytes: u32,
    /// Most files one drop may bring: the dropped files plus every entry of their ZIPs and
    /// batches.
    pub max_drop_files: u32,
}

const MIB: u32 = 1024 * 1024;

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_input_bytes: 128 * MIB,
            max_entries: 5_000,
            max_unpacked_bytes: 256 * MIB,
            max_entry_bytes: 128 * MIB,
            max_compression_ratio: 200,
            ratio_free_bytes: MIB,
            max_drop_bytes: 512 * MIB,
            max_drop_files: 20_000,
        }
    }
}

/// What is left of a drop's [`Limits::max_drop_bytes`] and [`Limits::max_drop_files`], spent
/// while reading and unpacking, never from sizes a file declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    bytes_left: u64,
    files_left: u64,
    bytes: u64,
    files: u64,
}

impl Budget {
    /// The whole budget of one drop.
    pub fn for_drop(limits: &Limits) -> Budget {
        let (bytes, files) = (u64::from(limits.max_drop_bytes), u64::from(limits.max_drop_files));
        Budget { bytes_left: bytes, files_left: files, bytes, files }
    }

    /// Bytes that may still be read or unpacked.
    pub fn bytes_left(&self) -> u64 {
        self.bytes_left
    }

    /// Spends `n` bytes; the sentence (without the file's name) when the drop is over its budget.
    pub(crate) fn spend_bytes(&mut self, n: u64) -> Result<(), String> {
        match self.bytes_left.checked_sub(n) {
            Some(left) => {
                self.bytes_left = left;
                Ok(())
            }
            None => {
                self.bytes_left = 0;
                Err(format!(
                    "the files dropped together come to more than {} (unpacked), the most one drop may bring; add them a few at a time",
                    human_bytes(self.bytes)
                ))
            }
        }
    }

    /// Spends one file; the sentence when the drop brings too many.
    pub(crate) fn spend_file(&mut self) -> Result<(), String> {
        match self.files_left.checked_sub(1) {
            Some(left) => {
                self.files_left = left;
                Ok(())
            }
            None => Err(format!(
                "the files dropped together hold more than {} files, the most one drop may bring; add them a few at a time",
                self.files
            )),
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
