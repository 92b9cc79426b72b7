//! The HTTP adapter (axum): a JSON API, a small web chat page, and the
//! health, readiness and metrics endpoints operators and orchestrators use.
//!
//! - `POST /predict`: the original Flask app's endpoint, kept compatible.
//! - `POST /v1/classify`, `POST /v1/chat` (JSON, or server-sent events while
//!   the reply is written), `POST /v1/chat/action` (regenerate, 👍/👎, accept
//!   the privacy notice).
//! - `GET /`: the web chat; `GET /healthz`, `/readyz`; `GET /metrics` with
//!   its own token (`MAEUM_METRICS_TOKEN`; off without one).
//!
//! `/predict` and `/v1/*` act for the caller ([`session`]): a backend with
//! `Authorization: Bearer <MAEUM_HTTP_TOKEN>` may name its users; anyone else
//! is their own web session (a signed cookie), and can touch only that user.
//! The page, health and readiness show no user data. Every answer carries
//! security headers ([`guard::security_headers`]); the server holds clients
//! to `[servers]` limits (`crate::adapter::server`). See `docs/http.md`.

mod api;
mod guard;
mod page;
mod session;
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

use crate::config::{HttpSettings, Secret, ServerLimits};
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
    metrics_auth: Arc<guard::BearerAuth>,
    sessions: Arc<session::SessionKey>,
}

/// Binds `settings.listen` and serves until `shutdown`; see [`serve`].
pub async fn run(
    pipeline: Arc<Pipeline>,
    settings: HttpSettings,
    limits: ServerLimits,
    keys: Keys,
    shutdown: CancellationToken,
) -> Result<(), HttpError> {
    let listener = TcpListener::bind(settings.listen)
        .await
        .map_err(|source| HttpError::Bind {
            address: settings.listen,
            source,
        })?;
    if keys.session.is_none() {
        tracing::warn!(
            "MAEUM_SESSION_KEY is not set: web sessions are signed with a key of this process and end when it restarts (replicas need a shared key)"
        );
    }
    serve(listener, pipeline, settings, limits, keys, shutdown).await
}

/// The server's secrets: the backends' bearer token, the key that signs web
/// sessions (a random one for this process when `None`) and the token
/// `/metrics` asks for (off when `None`).
#[derive(Default)]
pub struct Keys {
    pub token: Option<Secret>,
    pub session: Option<Secret>,
    pub metrics: Option<Secret>,
}

/// Serves the API on `listener` until `shutdown` is cancelled, then lets
/// in-flight requests (streamed replies included) finish and returns.
/// Without a bearer token no caller is a backend: everyone is their own web
/// session. `maeum run` always passes one.
pub async fn serve(
    listener: TcpListener,
    pipeline: Arc<Pipeline>,
    settings: HttpSettings,
    limits: ServerLimits,
    keys: Keys,
    shutdown: CancellationToken,
) -> Result<(), HttpError> {
    if let Ok(address) = listener.local_addr() {
        info!(
            %address,
            backends = keys.token.is_some(),
            metrics = keys.metrics.is_some(),
            "http listening"
        );
    }
    let app = router(pipeline, &settings, keys);
    crate::adapter::server::serve(listener, app, &limits, shutdown.cancelled_owned())
        .await
        .map_err(HttpError::Serve)?;
    info!("http stopped");
    Ok(())
}

fn router(pipeline: Arc<Pipeline>, settings: &HttpSettings, keys: Keys) -> Router {
    let state = AppState {
        pipeline,
        auth: Arc::new(guard::BearerAuth::new(keys.token.as_ref())),
        metrics_auth: Arc::new(guard::BearerAuth::new(keys.metrics.as_ref())),
        sessions: Arc::new(session::SessionKey::new(
            keys.session.as_ref(),
            settings.secure_cookies,
        )),
    };
    let protected = Router::new()
        .route("/predict", post(api::predict))
        .route("/v1/classify", post(api::classify))
        .route("/v1/chat", post(api::chat))
        .route("/v1/chat/action", post(api::chat_action))
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            session::identify,
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
        .layer(middleware::from_fn(guard::security_headers))
        .with_state(state)
}
