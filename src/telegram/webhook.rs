//! The webhook's own update listener: Telegram's POSTs go into a **bounded**
//! queue, so a flood waits at Telegram (which redelivers an update it got no
//! 2xx for) instead of growing memory here. Unlike teloxide's listener it
//! never logs an update's body (a user's message) when one fails to parse,
//! and it compares the secret in constant time.

use std::convert::Infallible;
use std::pin::Pin;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use futures::Stream;
use sha2::{Digest, Sha256};
use teloxide::stop::{StopFlag, StopToken, mk_stop_token};
use teloxide::types::{Update, UpdateKind};
use teloxide::update_listeners::{StatefulListener, UpdateListener};
use tokio::sync::mpsc;
use tracing::warn;

const SECRET_HEADER: &str = "x-telegram-bot-api-secret-token";

type Updates = Pin<Box<dyn Stream<Item = Result<Update, Infallible>> + Send>>;

struct Hook {
    secret: [u8; 32],
    updates: mpsc::Sender<Update>,
    stopped: StopFlag,
}

/// The listener, a future that resolves once it is stopped (for the server's
/// graceful shutdown), and the router serving `path`. At most `capacity`
/// updates wait; beyond that Telegram is answered 503.
pub(super) fn listener(
    path: &str,
    secret: &str,
    capacity: usize,
) -> (impl UpdateListener<Err = Infallible>, StopFlag, Router) {
    let (sender, receiver) = mpsc::channel(capacity.max(1));
    let (stop_token, stopped) = mk_stop_token();
    let hook = Arc::new(Hook {
        secret: Sha256::digest(secret.as_bytes()).into(),
        updates: sender,
        stopped: stopped.clone(),
    });
    let router = Router::new().route(path, post(receive)).with_state(hook);
    // Ends once every sender is gone: when the server has stopped.
    let updates: Updates = Box::pin(futures::stream::unfold(
        receiver,
        |mut receiver| async move { receiver.recv().await.map(|update| (Ok(update), receiver)) },
    ));
    let listener = StatefulListener::new(
        (updates, stop_token),
        updates_of,
        |state: &mut (Updates, StopToken)| state.1.clone(),
    );
    (listener, stopped, router)
}

fn updates_of(state: &mut (Updates, StopToken)) -> &mut Updates {
    &mut state.0
}

async fn receive(State(hook): State<Arc<Hook>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let presented: [u8; 32] = Sha256::digest(
        headers
            .get(SECRET_HEADER)
            .map(|v| v.as_bytes())
            .unwrap_or_default(),
    )
    .into();
    let differs = presented
        .iter()
        .zip(hook.secret.iter())
        .fold(0u8, |acc, (a, b)| acc | (a ^ b));
    if differs != 0 {
        return StatusCode::UNAUTHORIZED;
    }
    if hook.stopped.is_stopped() {
        return StatusCode::SERVICE_UNAVAILABLE;
    }
    let mut update = match serde_json::from_slice::<Update>(&body) {
        Ok(update) => update,
        Err(error) => {
            // The body is a user's message: only where the parse failed.
            warn!(
                line = error.line(),
                column = error.column(),
                "a webhook update could not be read; skipped"
            );
            return StatusCode::OK;
        }
    };
    // As teloxide does: an update of an unknown kind keeps its whole JSON.
    if let UpdateKind::Error(value) = &mut update.kind {
        *value = serde_json::from_slice(&body).unwrap_or_default();
    }
    match hook.updates.try_send(update) {
        Ok(()) => StatusCode::OK,
        Err(mpsc::error::TrySendError::Full(_)) => {
            warn!("the update queue is full; Telegram will deliver the update again");
            StatusCode::SERVICE_UNAVAILABLE
        }
        Err(mpsc::error::TrySendError::Closed(_)) => StatusCode::SERVICE_UNAVAILABLE,
    }
}
