//! The handlers: each reads its request (shapes in [`super::wire`]), asks the
//! pipeline, and answers.

use std::time::Duration;

use axum::Json;
use axum::extract::{Extension, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use serde_json::json;
use tracing::warn;

use super::guard::{ApiError, ApiJson};
use super::session::Caller;
use super::wire::{
    ActionRequest, ChatRequest, ChatResponse, ClassifyRequest, PredictRequest, PredictResponse,
};
use super::{AppState, stream};
use crate::emotion::{EmotionJson, Utterance};
use crate::metrics::AdapterState;
use crate::pipeline::{Action, Incoming, Outgoing};
use crate::store::UserKey;

/// Texts one `/v1/classify` request may hold.
const MAX_CLASSIFY_TEXTS: usize = 64;
/// How long `/readyz` waits for the database.
const PING_TIMEOUT: Duration = Duration::from_secs(3);

pub(super) async fn page() -> Html<&'static str> {
    Html(super::page::PAGE)
}

pub(super) async fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "no such endpoint")
}

pub(super) async fn healthz() -> Json<serde_json::Value> {
    Json(json!({ "status": "ok" }))
}

/// Ready when the model is loaded (it is, once a pipeline exists), the
/// database answers, and every adapter `maeum run` started is serving.
pub(super) async fn readyz(State(state): State<AppState>) -> Response {
    let model = state.pipeline.emotion_reader().info();
    let ping = tokio::time::timeout(PING_TIMEOUT, state.pipeline.store().ping()).await;
    let database = match ping {
        Ok(Ok(())) => Ok(()),
        Ok(Err(error)) => Err(error.to_string()),
        Err(_) => Err(format!("no answer within {}s", PING_TIMEOUT.as_secs())),
    };
    if let Err(error) = &database {
        warn!(%error, "not ready: the database does not answer");
    }
    let adapters = state.pipeline.metrics().adapters();
    let adapters_serving = adapters.values().all(|s| *s == AdapterState::Serving);
    let adapters: serde_json::Map<String, serde_json::Value> = adapters
        .into_iter()
        .map(|(name, adapter)| {
            // The error itself is in the log: this page is not behind a token.
            let shown = match adapter {
                AdapterState::Serving => "serving",
                AdapterState::Failed(_) => "stopped",
            };
            (name.to_string(), shown.into())
        })
        .collect();
    let ready = database.is_ok() && adapters_serving;
    let body = json!({
        "ready": ready,
        "model": model.name,
        "database": if database.is_ok() { "ok" } else { "unreachable" },
        "adapters": adapters,
    });
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(body)).into_response()
}

/// Prometheus text, for a scraper with `MAEUM_METRICS_TOKEN`: on a quiet
/// deployment even counts (crisis events, emotions) can tell of one person.
pub(super) async fn metrics(State(state): State<AppState>, headers: HeaderMap) -> Response {
    match state.metrics_auth.check(&headers) {
        Some(true) => {}
        Some(false) => return super::guard::unauthorized(),
        None if !state.metrics_auth.configured() => {
            return ApiError::new(
                StatusCode::NOT_FOUND,
                "/metrics is off: set MAEUM_METRICS_TOKEN and scrape with it as a bearer token",
            )
            .into_response();
        }
        None => return super::guard::unauthorized(),
    }
    let body = state
        .pipeline
        .metrics()
        .render(state.pipeline.crisis_events());
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        body,
    )
        .into_response()
}

/// The original app's endpoint: a message in, the reply and its emotion out.
pub(super) async fn predict(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    ApiJson(request): ApiJson<PredictRequest>,
) -> Result<Json<PredictResponse>, ApiError> {
    let text = request
        .text
        .or(request.message)
        .or(request.question)
        .ok_or_else(|| {
            ApiError::unprocessable("the body needs a `text` (or `message`, `question`) field")
        })?;
    // Without a user: the caller's own session, never a conversation shared
    // with other callers.
    let (platform, user_id) = caller.user(request.user_id)?;
    let outgoing = handle(&state, Incoming::private(platform, &user_id, &text)).await?;
    Ok(Json(PredictResponse::from(outgoing)))
}

pub(super) async fn classify(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<ClassifyRequest>,
) -> Result<Json<serde_json::Value>, ApiError> {
    if request.texts.len() > MAX_CLASSIFY_TEXTS {
        return Err(ApiError::unprocessable(format!(
            "at most {MAX_CLASSIFY_TEXTS} texts per request"
        )));
    }
    let top_k = request.top_k.unwrap_or(3);
    if !(1..=60).contains(&top_k) {
        return Err(ApiError::unprocessable("`top_k` must be between 1 and 60"));
    }
    let utterances = request
        .texts
        .into_iter()
        .map(|text| Utterance {
            text,
            context: request.context.clone(),
        })
        .collect();
    let results = state
        .pipeline
        .emotion_reader()
        .read_batch(utterances, top_k)
        .await
        .map_err(|error| {
            warn!(%error, "classifying over HTTP failed");
            ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "the emotion model could not read these texts",
            )
        })?;
    let results: Vec<Vec<EmotionJson>> = results
        .iter()
        .map(|reading| reading.emotions.iter().map(EmotionJson::from).collect())
        .collect();
    Ok(Json(json!({ "results": results })))
}

pub(super) async fn chat(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    ApiJson(request): ApiJson<ChatRequest>,
) -> Result<Response, ApiError> {
    let (platform, user_id) = caller.user(request.user_id)?;
    let message = Incoming {
        display_name: request.display_name,
        message_id: request.message_id,
        ..Incoming::private(platform, &user_id, &request.text)
    };
    if request.stream || wants_events(&headers) {
        let pipeline = state.pipeline.clone();
        return Ok(stream::reply_events(move |chunks| async move {
            pipeline.handle_streaming(message, Some(chunks)).await
        })
        .into_response());
    }
    let outgoing = handle(&state, message).await?;
    Ok(Json(ChatResponse::from(outgoing)).into_response())
}

pub(super) async fn chat_action(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    ApiJson(request): ApiJson<ActionRequest>,
) -> Result<Response, ApiError> {
    let (platform, user_id) = caller.user(request.user_id)?;
    let user = UserKey::new(platform, &user_id);
    let action = Action::decode(&request.action)
        .ok_or_else(|| ApiError::unprocessable("`action` is not an action id from a reply"))?;
    if request.stream || wants_events(&headers) {
        let pipeline = state.pipeline.clone();
        return Ok(stream::reply_events(move |chunks| async move {
            Some(pipeline.act(&user, action, Some(chunks)).await)
        })
        .into_response());
    }
    let outgoing = state.pipeline.act(&user, action, None).await;
    Ok(Json(ChatResponse::from(outgoing)).into_response())
}

async fn handle(state: &AppState, message: Incoming) -> Result<Outgoing, ApiError> {
    // A private message is always answered; `None` is only for group messages.
    state
        .pipeline
        .handle(message)
        .await
        .ok_or_else(|| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "no reply was made"))
}

fn wants_events(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/event-stream"))
}
