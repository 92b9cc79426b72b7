//! Counting the replies being made, so a shutdown can wait for them.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use tokio::sync::watch;

/// Work in progress: each event handler holds a [`Working`] while it runs.
#[derive(Clone)]
pub(crate) struct InFlight {
    shared: Arc<Shared>,
}

struct Shared {
    count: watch::Sender<usize>,
    closed: AtomicBool,
}

/// Held while one event is handled; dropping it marks the work done.
pub(crate) struct Working {
    shared: Arc<Shared>,
}

impl Default for InFlight {
    fn default() -> Self {
        InFlight {
            shared: Arc::new(Shared {
                count: watch::Sender::new(0),
                closed: AtomicBool::new(false),
            }),
        }
    }
}

impl InFlight {
    /// Starts a piece of work, or `None` once the adapter is shutting down.
    pub(crate) fn enter(&self) -> Option<Working> {
        // Counted before the check, so `close_and_wait` either sees this work or
        // this work sees the close.
        self.shared.count.send_modify(|n| *n += 1);
        let working = Working {
            shared: self.shared.clone(),
        };
        if self.shared.closed.load(Ordering::SeqCst) {
            return None;
        }
        Some(working)
    }

    /// Refuses new work from now on.
    pub(crate) fn close(&self) {
        self.shared.closed.store(true, Ordering::SeqCst);
    }

    /// Waits until the work already started is done.
    pub(crate) async fn wait(&self) {
        let mut count = self.shared.count.subscribe();
        // The sender lives in `self`, so this only ends when the count is zero.
        let _ = count.wait_for(|n| *n == 0).await;
    }

    pub(crate) fn count(&self) -> usize {
        *self.shared.count.borrow()
    }
}

impl Drop for Working {
    fn drop(&mut self) {
        self.shared.count.send_modify(|n| *n -= 1);
    }
}

#[cfg(test)]
mod tests {
    use futures::FutureExt;

    use super::*;

    #[tokio::test]
    async fn close_refuses_new_work_and_wait_ends_with_the_started_work() {
        let in_flight = InFlight::default();
        let working = in_flight.enter().expect("open before close");
        assert_eq!(in_flight.count(), 1);

        in_flight.close();
        assert!(in_flight.enter().is_none(), "no new work after close");
        assert_eq!(in_flight.count(), 1, "a refused start is not counted");
        assert!(
            in_flight.wait().now_or_never().is_none(),
            "still waiting for the started work"
        );

        drop(working);
        assert_eq!(in_flight.count(), 0);
        assert!(in_flight.wait().now_or_never().is_some());
    }
}
