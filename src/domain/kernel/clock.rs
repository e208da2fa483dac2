//! The one source of "now" for the domain. Production reads the system clock; tests move it
//! forward (`advance`) to make reviews overdue or evidence expire instead of writing dates in the
//! past. It is an offset over the system clock, so time still flows while a test runs.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, Duration, NaiveDate, Utc};

/// Injected into [`crate::domain::Services`]; cheap to clone (clones share the offset).
#[derive(Clone, Debug, Default)]
pub struct Clock {
    offset_ms: Arc<AtomicI64>,
}

impl Clock {
    /// The system clock.
    pub fn system() -> Clock {
        Clock::default()
    }

    /// The current instant as the domain sees it.
    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + Duration::milliseconds(self.offset_ms.load(Ordering::Relaxed))
    }

    /// Today's date (UTC).
    pub fn today(&self) -> NaiveDate {
        self.now().date_naive()
    }

    /// Moves this clock (and every clone of it) forward by `by`; for tests and simulations.
    pub fn advance(&self, by: Duration) {
        self.offset_ms
            .fetch_add(by.num_milliseconds(), Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clones_share_the_offset() {
        let clock = Clock::system();
        let seen_by_services = clock.clone();
        let before = seen_by_services.now();
        clock.advance(Duration::days(30));
        let moved = seen_by_services.now() - before;
        assert!(moved >= Duration::days(30) && moved < Duration::days(31));
    }
}
