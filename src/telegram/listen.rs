//! Receiving updates, by long polling or by webhook, and running a task per
//! update until shutdown, when the updates already received are still
//! handled and in-flight replies finish.

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use teloxide::payloads::setters::*;
use teloxide::requests::Requester;
use teloxide::types::{AllowedUpdate, Update};
use teloxide::update_listeners::{Polling, UpdateListener, webhooks};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;
use tracing::{debug, error, info, warn};

use super::TelegramError;
use super::adapter::Adapter;
use super::api::{describe, send};
use super::handle::{on_update, sender_of};
use super::order::UserOrder;
use super::setup::{parse_url, webhook_secret};
use crate::config::{Secret, ServerLimits, TelegramSettings};

/// Seconds a `getUpdates` call waits for news (under the client's 17 s timeout).
const POLL_TIMEOUT: Duration = Duration::from_secs(10);
/// After a stop, how long polling may take to hand over the updates it holds
/// and confirm them to Telegram.
const POLL_STOP_WAIT: Duration = Duration::from_secs(5);
const ALLOWED_UPDATES: [AllowedUpdate; 3] = [
    AllowedUpdate::Message,
    AllowedUpdate::EditedMessage,
    AllowedUpdate::CallbackQuery,
];

/// Long polling: one instance per bot token.
pub(crate) async fn polling(
    adapter: Arc<Adapter>,
    settings: &TelegramSettings,
    shutdown: CancellationToken,
) {
    // getUpdates is refused while a webhook is set.
    if let Err(error) = send(adapter.bot.delete_webhook(), None).await {
        warn!(error = %describe(&error), "removing a webhook before polling failed");
    }
    let listener = Polling::builder(adapter.bot.clone())
        .timeout(POLL_TIMEOUT)
        .allowed_updates(ALLOWED_UPDATES.to_vec())
        .build();
    info!("receiving Telegram updates by long polling");
    serve(
        listener,
        adapter,
        shutdown,
        POLL_STOP_WAIT,
        settings.max_pending_updates,
        describe,
    )
    .await;
}

/// A webhook server: any number of replicas behind a load balancer.
pub(crate) async fn webhook(
    adapter: Arc<Adapter>,
    settings: &TelegramSettings,
    limits: &ServerLimits,
    token: &Secret,
    shutdown: CancellationToken,
) -> Result<(), TelegramError> {
    let secret = webhook_secret(token);
    let options = webhooks::Options::new(
        settings.webhook_listen,
        parse_url("telegram.webhook_url", &settings.webhook_url)?,
    )
    .secret_token(secret.clone());
    // Listening before Telegram is told where to post, so no update is refused.
    let tcp = tokio::net::TcpListener::bind(settings.webhook_listen)
        .await
        .map_err(|source| TelegramError::Bind {
            address: settings.webhook_listen,
            source,
        })?;
    // Every replica sets the same URL and secret. None removes the webhook
    // when it stops: the others still serve it.
    let set_webhook = adapter
        .bot
        .set_webhook(options.url.clone())
        .secret_token(secret.clone())
        .allowed_updates(ALLOWED_UPDATES.to_vec());
    send(set_webhook, None)
        .await
        .map_err(|error| TelegramError::SetWebhook(describe(&error)))?;
    let (listener, stopped, router) =
        super::webhook::listener(&options.path, &secret, settings.max_pending_updates);
    info!(listen = %settings.webhook_listen, "receiving Telegram updates by webhook");
    let limits = limits.clone();
    let server =
        tokio::spawn(
            async move { crate::adapter::server::serve(tcp, router, &limits, stopped).await },
        );
    serve(
        listener,
        adapter,
        shutdown,
        Duration::ZERO,
        settings.max_pending_updates,
        |never| match *never {},
    )
    .await;
    match server.await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(source)) => Err(TelegramError::Serve(source)),
        Err(failure) => Err(TelegramError::Serve(std::io::Error::other(failure))),
    }
}

/// Handles updates from `listener` until `shutdown`, then those it still
/// holds (waiting up to `stop_wait` for them), then waits for every handler.
/// At most `max_in_flight` updates are handled at once: beyond that no update
/// is taken, so they wait at the listener (a webhook's queue fills and answers
/// 503; polling asks for no more).
async fn serve<L>(
    mut listener: L,
    adapter: Arc<Adapter>,
    shutdown: CancellationToken,
    stop_wait: Duration,
    max_in_flight: usize,
    describe: fn(&L::Err) -> String,
) where
    L: UpdateListener,
{
    let stop = listener.stop_token();
    let mut handlers = JoinSet::new();
    let mut order = UserOrder::default();
    let mut dispatch = |update: Update, handlers: &mut JoinSet<()>| {
        let adapter = adapter.clone();
        let (previous, done) = match sender_of(&update) {
            Some(user) => {
                let (previous, done) = order.enqueue(user);
                (previous, Some(done))
            }
            None => (None, None),
        };
        handlers.spawn(async move {
            if let Some(previous) = previous {
                // Ok or Err alike: the previous update is finished.
                let _ = previous.await;
            }
            on_update(&adapter, update).await;
            drop(done);
        });
    };

    let updates = listener.as_stream();
    futures::pin_mut!(updates);
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => break,
            next = updates.next(), if handlers.len() < max_in_flight => match next {
                Some(Ok(update)) => dispatch(update, &mut handlers),
                Some(Err(error)) => warn!(error = %describe(&error), "receiving updates failed; retrying"),
                None => {
                    warn!("the update listener stopped by itself");
                    break;
                }
            },
            Some(finished) = handlers.join_next(), if !handlers.is_empty() => report(finished),
        }
    }

    stop.stop();
    info!(
        in_flight = handlers.len(),
        "stopping: no new updates; finishing the ones received"
    );
    loop {
        match tokio::time::timeout(stop_wait, updates.next()).await {
            Ok(Some(Ok(update))) => dispatch(update, &mut handlers),
            Ok(Some(Err(error))) => debug!(error = %describe(&error), "while stopping"),
            Ok(None) | Err(_) => break,
        }
    }
    while let Some(finished) = handlers.join_next().await {
        report(finished);
    }
}

fn report(finished: Result<(), tokio::task::JoinError>) {
    if let Err(failure) = finished {
        error!(%failure, "an update handler failed");
    }
}
