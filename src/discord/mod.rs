//! The Discord adapter (serenity): translates gateway events into pipeline
//! messages and actions, and pipeline replies back into REST calls.
//!
//! - `translate`: gateway events → [`Incoming`](crate::pipeline::Incoming) / [`Action`](crate::pipeline::Action)
//! - `render`: an [`Outgoing`](crate::pipeline::Outgoing) → Discord messages (label, split, buttons, files)
//! - `deliver`: replies to messages; `interaction`: answers to slash commands and buttons
//! - `commands`: the slash commands; `handler`: serenity's event handler

mod commands;
mod deliver;
mod handler;
mod in_flight;
mod interaction;
mod render;
mod rest;
mod translate;

use std::pin::pin;
use std::sync::Arc;
use std::time::Duration;

use serenity::all::{
    ApplicationFlags, ClientBuilder, CreateAllowedMentions, GatewayIntents, Http, HttpBuilder,
    ShardManager,
};
use tokio_util::sync::CancellationToken;
use tracing::{info, warn};

use crate::config::{DiscordSettings, Secret};
use crate::pipeline::Pipeline;
use handler::Handler;
use in_flight::InFlight;

pub use commands::SLASH_COMMANDS;
pub use render::MESSAGE_LIMIT;

/// The intents the bot always asks for; none of them is privileged.
pub const BASE_INTENTS: GatewayIntents =
    GatewayIntents::GUILD_MESSAGES.union(GatewayIntents::DIRECT_MESSAGES);

/// How long stopping the shard may take before the adapter stops waiting for it.
const SHARD_STOP_LIMIT: Duration = Duration::from_secs(15);

#[derive(Debug, thiserror::Error)]
pub enum DiscordError {
    #[error(
        "Discord rejected DISCORD_TOKEN (401 Unauthorized): copy the bot token from the developer portal"
    )]
    InvalidToken,
    #[error("building the Discord client failed: {0}")]
    Client(#[source] serenity::Error),
    #[error("the Discord gateway connection failed: {0}")]
    Gateway(#[source] serenity::Error),
}

/// Serves Discord until `shutdown` is cancelled: runs shard
/// `settings.shard_id` of `settings.shard_count`, then on shutdown closes the
/// gateway connection, lets the replies in progress finish, and returns.
pub async fn run(
    pipeline: Arc<Pipeline>,
    settings: DiscordSettings,
    token: Secret,
    shutdown: CancellationToken,
) -> Result<(), DiscordError> {
    let http = http_client(&settings, &token);
    let in_flight = InFlight::default();
    let handler = Handler::new(pipeline, in_flight.clone(), settings.shard_id);
    // Start-up talks to Discord (application, gateway address): a shutdown
    // meanwhile ends it without waiting for an answer.
    let start = async {
        let intents = intents(&http).await?;
        ClientBuilder::new_with_http(http, intents)
            .event_handler(handler)
            .await
            .map_err(DiscordError::Client)
    };
    let mut client = tokio::select! {
        client = start => client?,
        () = shutdown.cancelled() => return Ok(()),
    };
    let intents = client.shard_manager.intents();
    let shards = client.shard_manager.clone();
    info!(
        shard_id = settings.shard_id,
        shard_count = settings.shard_count,
        message_content = intents.contains(GatewayIntents::MESSAGE_CONTENT),
        proxy = !settings.proxy_url.trim().is_empty(),
        "starting the Discord adapter"
    );

    let mut gateway = pin!(client.start_shard(settings.shard_id, settings.shard_count));
    let result = tokio::select! {
        ended = &mut gateway => ended.map_err(DiscordError::Gateway),
        () = shutdown.cancelled() => {
            info!("stopping the Discord shard");
            stop_shard(&shards, gateway).await;
            Ok(())
        }
    };
    // No new events now; the replies being made still go out.
    in_flight.close();
    if in_flight.count() > 0 {
        info!(
            in_flight = in_flight.count(),
            "waiting for Discord replies in progress"
        );
    }
    in_flight.wait().await;
    info!("Discord adapter stopped");
    result
}

/// The REST client: Discord's own, or the configured proxy. serenity's own
/// rate limiter ignores the proxy, so with one it is off and rate limiting is
/// the proxy's job (as with twilight-http-proxy).
fn http_client(settings: &DiscordSettings, token: &Secret) -> Http {
    // Replies never ping @everyone, roles or users the model happens to write;
    // only the user being replied to.
    let mentions = CreateAllowedMentions::new()
        .everyone(false)
        .all_roles(false)
        .all_users(false)
        .replied_user(true);
    let builder = HttpBuilder::new(token.expose()).default_allowed_mentions(mentions);
    match settings.proxy_url.trim() {
        "" => builder.build(),
        proxy => builder.proxy(proxy).ratelimiter_disabled(true).build(),
    }
}

/// The gateway intents: the privileged MESSAGE_CONTENT only when the
/// application has it enabled (asking without it makes Discord close the
/// connection). Without it DMs, mentions, replies and slash commands still work.
/// A rejected token stops the adapter here, before any gateway connection.
async fn intents(http: &Http) -> Result<GatewayIntents, DiscordError> {
    let granted = ApplicationFlags::GATEWAY_MESSAGE_CONTENT
        | ApplicationFlags::GATEWAY_MESSAGE_CONTENT_LIMITED;
    match http.get_current_application_info().await {
        Ok(application) => {
            http.set_application_id(application.id);
            let content = application
                .flags
                .is_some_and(|flags| flags.intersects(granted));
            Ok(if content {
                BASE_INTENTS | GatewayIntents::MESSAGE_CONTENT
            } else {
                BASE_INTENTS
            })
        }
        Err(serenity::Error::Http(error))
            if error
                .status_code()
                .is_some_and(|status| status.as_u16() == 401) =>
        {
            Err(DiscordError::InvalidToken)
        }
        Err(error) => {
            warn!(%error, "reading the application's settings failed; not asking for message content");
            Ok(BASE_INTENTS)
        }
    }
}

/// Closes the shard's gateway connection and waits for serenity to return.
/// A shard still connecting is not known to the shard manager yet, so this
/// asks again until it has stopped (or the limit is reached).
async fn stop_shard(
    shards: &Arc<ShardManager>,
    mut gateway: std::pin::Pin<&mut impl std::future::Future<Output = serenity::Result<()>>>,
) {
    let stopped = tokio::time::timeout(SHARD_STOP_LIMIT, async {
        loop {
            shards.shutdown_all().await;
            if tokio::time::timeout(Duration::from_millis(250), gateway.as_mut())
                .await
                .is_ok()
            {
                return;
            }
        }
    })
    .await;
    if stopped.is_err() {
        warn!(
            limit_secs = SHARD_STOP_LIMIT.as_secs(),
            "the Discord shard did not stop in time"
        );
    }
}
