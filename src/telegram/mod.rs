//! The Telegram adapter (teloxide): translates Bot API updates into pipeline
//! messages and actions, and pipeline replies back into Bot API calls.

use std::sync::Arc;

use tokio_util::sync::CancellationToken;

use crate::config::{Secret, TelegramSettings};
use crate::pipeline::Pipeline;

#[derive(Debug, thiserror::Error)]
pub enum TelegramError {
    #[error("the Telegram adapter is not built yet")]
    NotBuilt,
}

/// Serves Telegram until `shutdown` is cancelled.
pub async fn run(
    pipeline: Arc<Pipeline>,
    settings: TelegramSettings,
    token: Secret,
    shutdown: CancellationToken,
) -> Result<(), TelegramError> {
    let _ = (pipeline, settings, token, shutdown);
    Err(TelegramError::NotBuilt)
}
