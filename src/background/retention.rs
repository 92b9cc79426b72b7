//! Deleting messages older than `privacy.retention_days` (and the fair-use
//! counters of days before yesterday): once at start, then every
//! `privacy.retention_interval_minutes`, until shutdown. 0 days keeps
//! messages, and counters, forever (no job runs). Started by [`super::start`].

use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use tracing::{info, warn};

use crate::store::{Store, StoreError};

const MS_PER_DAY: i64 = 24 * 60 * 60 * 1000;

/// The oldest creation time a message may have at `now` to be kept.
pub fn cutoff(now: DateTime<Utc>, retention_days: u32) -> DateTime<Utc> {
    now - chrono::Duration::milliseconds(i64::from(retention_days) * MS_PER_DAY)
}

/// Deletes the messages created before `cutoff(now, retention_days)` and
/// the summaries made from such messages, the fair-use counters of days
/// before yesterday and turn leases left by processes that died; returns how
/// many messages.
pub async fn sweep(
    store: &Store,
    retention_days: u32,
    now: DateTime<Utc>,
) -> Result<u64, StoreError> {
    store.delete_usage_before(cutoff(now, 1)).await?;
    store.delete_expired_leases().await?;
    store
        .delete_summaries_older_than(cutoff(now, retention_days))
        .await?;
    store
        .delete_messages_older_than(cutoff(now, retention_days))
        .await
}

/// The running job: `sweeps` counts the sweeps finished (failed ones too),
/// so callers can wait for one without guessing at times.
pub struct RetentionJob {
    pub sweeps: watch::Receiver<u64>,
    pub task: JoinHandle<()>,
}

/// Starts the job, or returns `None` when `retention_days` is 0 (keep forever).
pub fn spawn(
    store: Store,
    retention_days: u32,
    interval: Duration,
    shutdown: CancellationToken,
) -> Option<RetentionJob> {
    if retention_days == 0 {
        info!("message retention: kept until users delete them (privacy.retention_days = 0)");
        return None;
    }
    info!(
        retention_days,
        interval_secs = interval.as_secs(),
        "message retention job started"
    );
    let (done, sweeps) = watch::channel(0u64);
    let task = tokio::spawn(async move {
        let mut ticks = tokio::time::interval(interval);
        // After a long pause (a suspended laptop) one sweep is enough.
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                () = shutdown.cancelled() => break,
                // The first tick is immediate: a sweep at start.
                _ = ticks.tick() => {}
            }
            match sweep(&store, retention_days, Utc::now()).await {
                Ok(0) => {}
                Ok(deleted) => info!(deleted, retention_days, "deleted messages past retention"),
                Err(error) => warn!(%error, "deleting messages past retention failed; will retry"),
            }
            done.send_modify(|count| *count += 1);
        }
    });
    Some(RetentionJob { sweeps, task })
}
