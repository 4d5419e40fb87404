//! The one clock of Patchdesk. Logic never reads the time itself: it takes a time, or a
//! [`Clock`] when it needs several (the inbox stamps every import and status change). Front ends
//! and the desk hand in [`SystemClock`]; tests hand in a [`TestClock`] and never sleep.
//!
//! Times are written as RFC 3339 in UTC: [`rfc3339`] keeps the fraction of a second (the inbox
//! orders items received within one second by it), [`rfc3339_seconds`] drops it
//! (`2026-11-19T14:03:00Z`, how logs, records and review requests write times).

use std::sync::Mutex;
use std::time::Duration;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// Where the time comes from.
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// Now, in UTC.
    fn now(&self) -> OffsetDateTime;
}

/// The computer's clock: for front ends and the desk only.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// A clock for tests: starts at a given time and moves only when told, or by `step` after each
/// reading (so two stamps in a row are always in order, without sleeping).
#[derive(Debug)]
pub struct TestClock {
    at: Mutex<OffsetDateTime>,
    step: Duration,
}

impl TestClock {
    /// Always `at` until moved.
    pub fn new(at: OffsetDateTime) -> TestClock {
        TestClock::stepping(at, Duration::ZERO)
    }

    /// `at`, then `step` later at each reading.
    pub fn stepping(at: OffsetDateTime, step: Duration) -> TestClock {
        TestClock { at: Mutex::new(at), step }
    }

    /// Moves the clock on by `by`.
    pub fn advance(&self, by: Duration) {
        let mut at = self.at.lock().unwrap_or_else(|p| p.into_inner());
        *at += by;
    }
}

impl Clock for TestClock {
    fn now(&self) -> OffsetDateTime {
        let mut at = self.at.lock().unwrap_or_else(|p| p.into_inner());
        let now = *at;
        *at += self.step;
        now
    }
}

/// `2026-11-19T14:03:00.25Z`: RFC 3339 in UTC, with the fraction of a second when there is one.
pub fn rfc3339(t: OffsetDateTime) -> String {
    t.to_offset(time::UtcOffset::UTC).format(&Rfc3339).unwrap_or_else(|_| "1970-01-01T00:00:00Z".to_string())
}

/// `2026-11-19T14:03:00Z`: RFC 3339 in UTC, whole seconds.
pub fn rfc3339_seconds(t: OffsetDateTime) -> String {
    rfc3339(t.replace_nanosecond(0).unwrap_or(t))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn times_are_written_in_utc_with_or_without_the_fraction() {
        let t = datetime!(2026-11-19 15:03:00.25 +01:00);
        assert_eq!(rfc3339(t), "2026-11-19T14:03:00.25Z");
        assert_eq!(rfc3339_seconds(t), "2026-11-19T14:03:00Z");
        assert_eq!(rfc3339(datetime!(2026-11-19 14:03 UTC)), "2026-11-19T14:03:00Z");
    }

    #[test]
    fn the_test_clock_moves_only_when_told_or_by_its_step() {
        let start = datetime!(2026-11-19 14:03 UTC);
        let fixed = TestClock::new(start);
        assert_eq!((fixed.now(), fixed.now()), (start, start));
        fixed.advance(Duration::from_secs(90));
        assert_eq!(fixed.now(), datetime!(2026-11-19 14:04:30 UTC));
        let stepping = TestClock::stepping(start, Duration::from_millis(1));
        assert!(stepping.now() < stepping.now());
    }
}
