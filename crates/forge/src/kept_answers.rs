//! What the forge last answered to each feedback read, so the next read can be conditional.
//!
//! Following what reviewers said reads, every minute, each open request's reviews, comments
//! and checks. On GitHub each of those reads (each page of each list) sends the ETag of the
//! answer kept here as `If-None-Match`; an unchanged resource is answered `304 Not Modified`
//! (which does not count against the rate limit) and the kept answer is used again.
//!
//! The caller owns the [`FeedbackCache`]: it loads it (from a local file, see [`FeedbackCache::load`]),
//! passes it to [`crate::Forge::feedback`], and saves it. A damaged or oversized file is read as
//! an empty cache (every resource is then read afresh), never as a failure.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::{Deserialize, Serialize};

/// The most a cache file may hold; a larger one is ignored, and answers that would make it
/// larger are not kept.
pub const MAX_CACHE_BYTES: usize = 8 * 1024 * 1024;

/// One kept answer: its ETag and its body as the forge sent it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Kept {
    etag: String,
    body: String,
}

/// The last answer (ETag and body) to each feedback read, by resource address (with its query,
/// so each page is its own entry). See the module's words.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedbackCache {
    answers: BTreeMap<String, Kept>,
    /// The addresses used since loading (not saved): what [`FeedbackCache::forget_unused`] keeps.
    #[serde(skip)]
    used: BTreeSet<String>,
}

impl FeedbackCache {
    /// An empty cache.
    pub fn new() -> FeedbackCache {
        FeedbackCache::default()
    }

    /// The cache from the bytes [`FeedbackCache::to_bytes`] made; empty when they are damaged
    /// or larger than [`MAX_CACHE_BYTES`].
    pub fn from_bytes(bytes: &[u8]) -> FeedbackCache {
        if bytes.len() > MAX_CACHE_BYTES {
            return FeedbackCache::default();
        }
        serde_json::from_slice(bytes).unwrap_or_default()
    }

    /// The cache as bytes, for a file.
    pub fn to_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// Reads the cache kept at `rel` under the folder `dir` (never through a link); empty when
    /// there is none, or it is damaged, oversized or not a plain file.
    pub fn load(dir: &Path, rel: &str) -> FeedbackCache {
        match patchdesk_disk::read_file_up_to(dir, rel, MAX_CACHE_BYTES as u64) {
            Ok(Some(bytes)) => FeedbackCache::from_bytes(&bytes),
            Ok(None) => FeedbackCache::default(),
            Err(e) => {
                tracing::warn!(error = %e, "the kept review answers could not be read; everything is read afresh");
                FeedbackCache::default()
            }
        }
    }

    /// Writes the cache at `rel` under `dir` all at once (a temporary file, then a rename;
    /// never through a link), making the folders on the way.
    pub fn save(&self, dir: &Path, rel: &str) -> Result<(), patchdesk_disk::FileError> {
        patchdesk_disk::replace_file(dir, rel, self.to_bytes())
    }

    /// How many answers are kept.
    pub fn len(&self) -> usize {
        self.answers.len()
    }

    /// True when no answer is kept.
    pub fn is_empty(&self) -> bool {
        self.answers.is_empty()
    }

    /// Drops every answer not used since loading (requests no longer open, a head that moved,
    /// pages that are gone).
    pub fn forget_unused(&mut self) {
        let used = std::mem::take(&mut self.used);
        self.answers.retain(|k, _| used.contains(k));
        self.used = used;
    }

    /// The ETag of the answer kept for `address` (marking it used).
    pub(crate) fn etag(&mut self, address: &str) -> Option<String> {
        self.used.insert(address.to_string());
        self.answers.get(address).map(|k| k.etag.clone())
    }

    /// The body kept for `address`.
    pub(crate) fn body(&self, address: &str) -> Option<&str> {
        self.answers.get(address).map(|k| k.body.as_str())
    }

    /// Keeps `body` with `etag` for `address` (an answer without an ETag is forgotten); not
    /// kept when it would take the cache over [`MAX_CACHE_BYTES`].
    pub(crate) fn keep(&mut self, address: &str, etag: Option<String>, body: &str) {
        self.used.insert(address.to_string());
        self.answers.remove(address);
        let Some(etag) = etag else { return };
        let size: usize = self.answers.iter().map(|(k, v)| k.len() + v.etag.len() + v.body.len() + 32).sum();
        if size + address.len() + etag.len() + body.len() + 32 > MAX_CACHE_BYTES {
            return;
        }
        self.answers.insert(address.to_string(), Kept { etag, body: body.to_string() });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_damaged_oversized_or_linked_file_is_an_empty_cache_and_saving_never_follows_a_link() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let rel = "patchdesk/feedback-cache.json";
        assert!(FeedbackCache::load(dir, rel).is_empty(), "no file yet");
        let mut cache = FeedbackCache::new();
        cache.keep("/repos/o/r/pulls/1/reviews?page=1", Some("\"a\"".into()), "[]");
        cache.save(dir, rel).unwrap();
        assert_eq!(FeedbackCache::load(dir, rel).body("/repos/o/r/pulls/1/reviews?page=1"), Some("[]"));

        std::fs::write(dir.join(rel), b"{\"answers\": {\"x\": 1").unwrap();
        assert!(FeedbackCache::load(dir, rel).is_empty(), "damaged");
        std::fs::write(dir.join(rel), vec![b' '; MAX_CACHE_BYTES + 10]).unwrap();
        assert!(FeedbackCache::load(dir, rel).is_empty(), "oversized");

        let outside = dir.join("outside.json");
        cache.save(dir, "outside.json").unwrap();
        std::fs::remove_file(dir.join(rel)).unwrap();
        std::os::unix::fs::symlink(&outside, dir.join(rel)).unwrap();
        assert!(FeedbackCache::load(dir, rel).is_empty(), "a link is not followed");
        let before = std::fs::read(&outside).unwrap();
        assert!(FeedbackCache::new().save(dir, rel).is_err(), "nor written through");
        assert_eq!(std::fs::read(&outside).unwrap(), before);
    }

    #[test]
    fn answers_without_an_etag_or_over_the_limit_are_not_kept_and_unused_ones_are_forgotten() {
        let mut cache = FeedbackCache::new();
        cache.keep("a", None, "x");
        assert!(cache.is_empty());
        cache.keep("big", Some("t".into()), &"x".repeat(MAX_CACHE_BYTES));
        assert!(cache.is_empty());
        cache.keep("a", Some("t".into()), "x");
        cache.keep("b", Some("u".into()), "y");
        let mut loaded = FeedbackCache::from_bytes(&cache.to_bytes());
        assert_eq!(loaded.len(), 2);
        assert_eq!(loaded.etag("a").as_deref(), Some("t"));
        loaded.forget_unused();
        assert_eq!((loaded.len(), loaded.body("a")), (1, Some("x")));
    }
}
