//! The HTTP adapter (axum): a JSON API, a small web chat page, and the
//! health, readiness and metrics endpoints operators and orchestrators use.
//!
//! - `POST /predict`: the original Flask app's endpoint, kept compatible.
//! - `POST /v1/classify`, `POST /v1/chat` (JSON, or server-sent events while
//!   the reply is written), `POST /v1/chat/action` (regenerate, 👍/👎, accept
//!   the privacy notice).
//! - `GET /`: the web chat; `GET /healthz`, `/readyz`, `/metrics`.
//!
//! `/predict` and `/v1/*` need `Authorization: Bearer <MAEUM_HTTP_TOKEN>`;
//! the page, health, readiness and metrics are open (they show no user data).
//! See `docs/http.md`.

mod api;
mod guard;
mod stream;
mod wire;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware;
use axum::routing::{get, post};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tracing::info;

use crate::config::{HttpSettings, Secret};
use crate::pipeline::Pipeline;

/// The platform name of users who talk through this adapter.
pub const PLATFORM: &str = "http";

#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    #[error("listening for HTTP on {address}: {source}")]
    Bind {
        address: SocketAddr,
        source: std::io::Error,
    },
    #[error("serving HTTP: {0}")]
    Serve(std::io::Error),
}

/// What every handler shares.
#[derive(Clone)]
struct AppState {
    pipeline: Arc<Pipeline>,
    auth: Arc<guard::BearerAuth>,
}

/// Binds `settings.listen` and serves until `shutdown`; see [`serve`].
pub async fn run(
    pipeline: Arc<Pipeline>,
    settings: HttpSettings,
    token: Secret,
    shutdown: CancellationToken,
) -> Result<(), HttpError> {
    let listener = TcpListener::bind(settings.listen)
        .await
        .map_err(|source| HttpError::Bind {
            address: settings.listen,
            source,
        })?;
    serve(listener, pipeline, settings, Some(token), shutdown).await
}

/// Serves the API on `listener` until `shutdown` is cancelled, then lets
/// in-flight requests (streamed replies included) finish and returns.
/// Without a `token` the API is open to anyone who can reach it (tests, or a
/// private network); `maeum run` always passes one.
pub async fn serve(
    listener: TcpListener,
    pipeline: Arc<Pipeline>,
    settings: HttpSettings,
    token: Option<Secret>,
    shutdown: CancellationToken,
) -> Result<(), HttpError> {
    if let Ok(address) = listener.local_addr() {
        info!(%address, authenticated = token.is_some(), "http listening");
    }
    let app = router(pipeline, &settings, token);
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown.cancelled_owned())
        .await
        .map_err(HttpError::Serve)?;
    info!("http stopped");
    Ok(())
}

fn router(pipeline: Arc<Pipeline>, settings: &HttpSettings, token: Option<Secret>) -> Router {
    let state = AppState {
        pipeline,
        auth: Arc::new(guard::BearerAuth::new(token.as_ref())),
    };
    let protected = Router::new()
        .route("/predict", post(api::predict))
        .route("/v1/classify", post(api::classify))
        .route("/v1/chat", post(api::chat))
        .route("/v1/chat/action", post(api::chat_action))
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            guard::require_bearer,
        ));
    let cors = Arc::new(guard::Cors::new(&settings.cors_origins));
    Router::new()
        .route("/", get(api::page))
        .route("/healthz", get(api::healthz))
        .route("/readyz", get(api::readyz))
        .route("/metrics", get(api::metrics))
        .merge(protected)
        .fallback(api::not_found)
        .layer(DefaultBodyLimit::max(settings.max_body_bytes))
        .layer(middleware::from_fn_with_state(cors, guard::cors))
        .with_state(state)
}
