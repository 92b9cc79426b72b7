//! Counters kept in memory for admin statistics (never written to the store).

use std::sync::atomic::{AtomicU64, Ordering};

use super::Pipeline;

#[derive(Debug, Default)]
pub(crate) struct Metrics {
    crisis_events: AtomicU64,
}

impl Pipeline {
    /// Counts one message read as a crisis (called by crisis detection).
    pub fn record_crisis(&self) {
        self.metrics.crisis_events.fetch_add(1, Ordering::Relaxed);
    }

    /// Crisis events since this process started.
    pub fn crisis_count(&self) -> u64 {
        self.metrics.crisis_events.load(Ordering::Relaxed)
    }
}
