//! The time the portal acts at: the system clock, or (in tests) a clock set by hand, so that
//! deadlines, working days, periods, the outbox's retries and the clean-up can be checked on
//! known dates. This is the one place that reads the wall-clock time; everything else asks a
//! [`Clock`] (monotonic `Instant`s for timeouts and durations are not wall-clock readings).

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

pub use nafitha_domain::calendar::DAY_MS;

/// Unix milliseconds now, from the system or from a hand-set value.
#[derive(Clone, Debug, Default)]
pub struct Clock(Option<Arc<AtomicI64>>);

impl Clock {
    /// The system clock (production).
    pub fn system() -> Clock {
        Clock(None)
    }

    /// A clock that stays at `unix_ms` until [`Clock::set`] moves it.
    pub fn fixed(unix_ms: i64) -> Clock {
        Clock(Some(Arc::new(AtomicI64::new(unix_ms))))
    }

    /// Moves a fixed clock (no effect on the system clock).
    pub fn set(&self, unix_ms: i64) {
        if let Some(at) = &self.0 {
            at.store(unix_ms, Ordering::SeqCst);
        }
    }

    pub fn now_ms(&self) -> i64 {
        match &self.0 {
            Some(at) => at.load(Ordering::SeqCst),
            None => system_now_ms(),
        }
    }
}

/// Milliseconds since the Unix epoch, by the system clock.
fn system_now_ms() -> i64 {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(since.as_millis()).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fixed_clock_moves_only_when_set_and_is_shared_by_its_clones() {
        let clock = Clock::fixed(1_000);
        let copy = clock.clone();
        clock.set(2_000);
        assert_eq!(copy.now_ms(), 2_000);
        assert_eq!(clock.now_ms(), 2_000);
    }

    #[test]
    fn the_system_clock_reads_the_time_now() {
        // After 2026-01-01 and before 2100: the system's time, not a fixed one.
        let now = Clock::system().now_ms();
        assert!(
            (1_767_225_600_000..4_102_444_800_000).contains(&now),
            "{now}"
        );
        Clock::system().set(0);
        assert!(Clock::system().now_ms() >= now);
    }
}
