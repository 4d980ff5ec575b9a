//! The one source of "now". Handlers and stores take the clock from `AppState`, so tests
//! can move time forward (idle timeouts, lockouts, link expiry) without sleeping.

use std::sync::Mutex;
use time::{Duration, OffsetDateTime, UtcOffset};

pub trait Clock: Send + Sync + 'static {
    /// Current instant in UTC, truncated to whole seconds. Every stored instant comes from
    /// here, so SQLite's text timestamps all have one width and compare correctly as text.
    fn now(&self) -> OffsetDateTime;
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        truncate(OffsetDateTime::now_utc())
    }
}

/// A clock that stands still until told to move: for tests and benchmarks.
pub struct ManualClock(Mutex<OffsetDateTime>);

impl ManualClock {
    pub fn new(start: OffsetDateTime) -> Self {
        Self(Mutex::new(truncate(start)))
    }

    pub fn advance(&self, by: Duration) {
        let mut now = self.0.lock().unwrap_or_else(|e| e.into_inner());
        *now += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> OffsetDateTime {
        *self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// UTC, whole seconds.
pub fn truncate(t: OffsetDateTime) -> OffsetDateTime {
    t.to_offset(UtcOffset::UTC)
        .replace_nanosecond(0)
        .expect("zero nanoseconds is always valid")
}
