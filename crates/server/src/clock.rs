//! The time the API acts at: the system clock, or (in tests) a clock set by hand, so that
//! deadlines, working days and periods can be checked on known dates.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

/// A day in milliseconds.
pub const DAY_MS: i64 = 24 * 3_600_000;

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
            None => crate::notify::now_ms(),
        }
    }
}
