//! The Telegram adapter (teloxide): translates Bot API updates into pipeline
//! messages and actions, and pipeline replies back into Bot API calls.
//!
//! - `setup`: the client, `getMe`, the command menu, the webhook secret.
//! - `listen`: long polling or a webhook, a task per update (one person's
//!   in order, see `order`), a clean stop.
//! - `translate`: updates → [`Incoming`](crate::pipeline::Incoming) /
//!   [`Action`](crate::pipeline::Action).
//! - `handle`: one update through the pipeline; `stream`: the reply as it is
//!   written (edits, the reaction); `reply`: the finished answer as messages,
//!   edits, notices, documents.
//! - `api`, `pace`, `format`, `reaction`: Bot API calls paced (per chat, per
//!   group, for the whole bot) with 429s waited out, message text and
//!   splitting, reactions.
//!
//! See `docs/telegram.md` for setting a bot up.

mod adapter;
mod api;
mod format;
mod handle;
mod listen;
mod order;
mod pace;
mod reaction;
mod reply;
mod setup;
mod stream;
mod translate;
mod webhook;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio_util::sync::CancellationToken;
use tracing::info;

pub use reaction::{ALLOWED_REACTIONS, reaction_for};

use crate::config::{Secret, ServerLimits, TelegramSettings};
use crate::pipeline::Pipeline;
use adapter::Adapter;
use pace::{ChatPacer, Pace};

#[derive(Debug, thiserror::Error)]
pub enum TelegramError {
    #[error("configuration key `{key}`: not a URL ({reason})")]
    Url { key: &'static str, reason: String },
    #[error(
        "connecting to the Telegram Bot API (getMe): {0}; check TELEGRAM_BOT_TOKEN and telegram.api_url"
    )]
    Connect(String),
    #[error("setting the Telegram webhook: {0}")]
    SetWebhook(String),
    #[error("listening for the Telegram webhook on {address}: {source}")]
    Bind {
        address: SocketAddr,
        source: std::io::Error,
    },
    #[error("serving the Telegram webhook: {0}")]
    Serve(std::io::Error),
}

/// Serves Telegram until `shutdown` is cancelled, then lets in-flight replies
/// finish and returns. Long polling, or a webhook when `webhook_url` is set.
pub async fn run(
    pipeline: Arc<Pipeline>,
    settings: TelegramSettings,
    limits: ServerLimits,
    token: Secret,
    shutdown: CancellationToken,
) -> Result<(), TelegramError> {
    let bot = setup::bot(&settings, &token)?;
    let me = tokio::select! {
        me = setup::identify(&bot) => me?,
        _ = shutdown.cancelled() => return Ok(()),
    };
    info!(username = %me.username, "connected to Telegram");
    setup::publish_commands(&bot).await;
    let adapter = Arc::new(Adapter {
        bot,
        me,
        pipeline,
        pacer: ChatPacer::new(Pace::new(
            Duration::from_millis(settings.edit_interval_ms),
            settings.group_messages_per_minute,
            settings.global_messages_per_second,
        )),
    });
    if settings.webhook_url.trim().is_empty() {
        listen::polling(adapter, &settings, shutdown).await;
        Ok(())
    } else {
        listen::webhook(adapter, &settings, &limits, &token, shutdown).await
    }
}
