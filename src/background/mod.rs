//! Jobs that run beside the conversation, over the store, until shutdown:
//! today the deletion of messages past retention ([`retention`]). They live
//! above `store` (and `config`), which never call up into them, and every
//! command that serves users starts them here, through [`start`], so
//! `maeum chat` and `maeum run` cannot drift apart.

pub mod retention;

use std::time::Duration;

use tokio_util::sync::CancellationToken;

use crate::config::Settings;
use crate::store::Store;

use self::retention::RetentionJob;

/// The jobs [`start`] started. They stop when its `shutdown` token is
/// cancelled; dropping the handle detaches them, it does not stop them.
pub struct Background {
    /// `None` when `privacy.retention_days` is 0: messages are kept.
    pub retention: Option<RetentionJob>,
}

/// Starts the background jobs the configuration asks for.
pub fn start(settings: &Settings, store: Store, shutdown: CancellationToken) -> Background {
    Background {
        retention: retention::spawn(
            store,
            settings.privacy.retention_days,
            retention_interval(settings),
            shutdown,
        ),
    }
}

/// How often the retention job runs.
fn retention_interval(settings: &Settings) -> Duration {
    Duration::from_secs(
        settings
            .privacy
            .retention_interval_minutes
            .saturating_mul(60),
    )
}
