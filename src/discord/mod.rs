//! The Discord adapter (serenity): translates gateway events into pipeline
//! messages and actions, and pipeline replies back into REST calls.

use std::sync::Arc;

use tokio_util::sync::CancellationToken;

use crate::config::{DiscordSettings, Secret};
use crate::pipeline::Pipeline;

#[derive(Debug, thiserror::Error)]
pub enum DiscordError {
    #[error("the Discord adapter is not built yet")]
    NotBuilt,
}

/// Serves Discord until `shutdown` is cancelled.
pub async fn run(
    pipeline: Arc<Pipeline>,
    settings: DiscordSettings,
    token: Secret,
    shutdown: CancellationToken,
) -> Result<(), DiscordError> {
    let _ = (pipeline, settings, token, shutdown);
    Err(DiscordError::NotBuilt)
}
