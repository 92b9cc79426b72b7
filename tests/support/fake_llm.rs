//! A fake OpenAI-compatible chat-completions server on loopback.
//!
//! It speaks the real wire format of `POST /v1/chat/completions` — a JSON
//! `chat.completion` object, or with `"stream": true` server-sent events of
//! `chat.completion.chunk` objects ending in `data: [DONE]` — so the real
//! `async-openai` client can be tested against it. `GET /v1/models` lists one
//! model. Every request body is recorded with its `Authorization` header.
//!
//! ```ignore
//! let fake = FakeLlm::start().await;
//! fake.set_reply("괜찮아, 내가 있잖아.");
//! let generator = OpenAiGenerator::new(&settings, &fake.base_url, None);
//! // … generate …
//! let body = &fake.requests()[0];
//! assert_eq!(FakeLlm::messages_of(body)[0].0, "system");
//! ```
//!
//! Behaviour is set per test and applies to the requests that follow:
//! [`FakeLlm::set_reply`] / [`FakeLlm::set_reply_with`] (text, or a function
//! of the request body), [`FakeLlm::set_delay`] (before the response starts),
//! [`FakeLlm::set_piece_delay`] (between streamed pieces),
//! [`FakeLlm::set_stream_pieces`], [`FakeLlm::fail_with`] /
//! [`FakeLlm::fail_next`] (an HTTP error status with an OpenAI error body) and
//! [`FakeLlm::recover`]. The server stops when the `FakeLlm` is dropped.
#![allow(dead_code)] // each test crate uses a different part of it

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::sse::{Event, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use futures::stream::{self, StreamExt};
use serde_json::{Value, json};

/// The reply the fake gives until told otherwise.
pub const DEFAULT_REPLY: &str = "응, 듣고 있어. 더 얘기해 줘.";
/// The model named in responses when the request names none.
pub const DEFAULT_MODEL: &str = "fake-model";

type ReplyFn = Arc<dyn Fn(&Value) -> String + Send + Sync>;

/// One request as the fake received it.
#[derive(Debug, Clone)]
pub struct RecordedRequest {
    pub body: Value,
    /// The `Authorization` header, e.g. `Bearer sk-…`, if one was sent.
    pub authorization: Option<String>,
}

#[derive(Clone)]
struct Failure {
    status: StatusCode,
    message: String,
    /// `None`: every request fails until [`FakeLlm::recover`].
    remaining: Option<usize>,
}

#[derive(Clone)]
struct Behaviour {
    reply: ReplyFn,
    delay: Duration,
    piece_delay: Duration,
    stream_pieces: usize,
    failure: Option<Failure>,
}

struct Shared {
    behaviour: Mutex<Behaviour>,
    requests: Mutex<Vec<RecordedRequest>>,
    /// Requests being answered now, and the most there ever were at once.
    in_flight: Mutex<(usize, usize)>,
}

/// A running fake; see the module documentation.
pub struct FakeLlm {
    /// The API base to give a client, `http://127.0.0.1:PORT/v1`.
    pub base_url: String,
    pub addr: SocketAddr,
    shared: Arc<Shared>,
    server: super::serve::Served,
}

impl FakeLlm {
    /// Starts a fake on `127.0.0.1:0` that answers [`DEFAULT_REPLY`] in 3 pieces.
    pub async fn start() -> FakeLlm {
        let shared = Arc::new(Shared {
            behaviour: Mutex::new(Behaviour {
                reply: Arc::new(|_| DEFAULT_REPLY.to_string()),
                delay: Duration::ZERO,
                piece_delay: Duration::ZERO,
                stream_pieces: 3,
                failure: None,
            }),
            requests: Mutex::new(Vec::new()),
            in_flight: Mutex::new((0, 0)),
        });
        let router = Router::new()
            .route("/v1/chat/completions", post(chat_completions))
            .route("/v1/models", get(models))
            .with_state(shared.clone());
        let server = super::serve::serve("the fake LLM", router).await;
        let addr = server.addr;
        FakeLlm {
            base_url: format!("http://{addr}/v1"),
            addr,
            shared,
            server,
        }
    }

    /// An API base on a loopback port nobody listens on (it was free a moment ago).
    pub fn dead_base_url() -> String {
        let addr = super::serve::free_port();
        format!("http://{addr}/v1")
    }

    /// Answers every request with `text` (streamed in pieces when asked to stream).
    pub fn set_reply(&self, text: impl Into<String>) {
        let text = text.into();
        self.behaviour().reply = Arc::new(move |_| text.clone());
    }

    /// Answers with a function of the request body.
    pub fn set_reply_with(&self, reply: impl Fn(&Value) -> String + Send + Sync + 'static) {
        self.behaviour().reply = Arc::new(reply);
    }

    /// Waits this long before the response starts (headers included).
    pub fn set_delay(&self, delay: Duration) {
        self.behaviour().delay = delay;
    }

    /// Waits this long between streamed text pieces.
    pub fn set_piece_delay(&self, delay: Duration) {
        self.behaviour().piece_delay = delay;
    }

    /// Streams a reply in `pieces` text chunks (at least 1), split on characters.
    pub fn set_stream_pieces(&self, pieces: usize) {
        self.behaviour().stream_pieces = pieces.max(1);
    }

    /// Fails every request with `status` (e.g. 500, 429) until [`FakeLlm::recover`].
    pub fn fail_with(&self, status: u16) {
        self.fail(status, None, None);
    }

    /// Like [`FakeLlm::fail_with`], with the error body's `message`.
    pub fn fail_with_message(&self, status: u16, message: impl Into<String>) {
        self.fail(status, Some(message.into()), None);
    }

    /// Fails the next `times` requests with `status`, then answers again.
    pub fn fail_next(&self, status: u16, times: usize) {
        self.fail(status, None, Some(times));
    }

    /// Stops failing.
    pub fn recover(&self) {
        self.behaviour().failure = None;
    }

    fn fail(&self, status: u16, message: Option<String>, remaining: Option<usize>) {
        let status = StatusCode::from_u16(status).expect("an HTTP status code");
        let message = message.unwrap_or_else(|| format!("fake failure {status}"));
        self.behaviour().failure = Some(Failure {
            status,
            message,
            remaining,
        });
    }

    /// Every request body received so far, oldest first.
    pub fn requests(&self) -> Vec<Value> {
        self.recorded().into_iter().map(|r| r.body).collect()
    }

    /// Every request received so far with its `Authorization` header.
    pub fn recorded(&self) -> Vec<RecordedRequest> {
        lock(&self.shared.requests).clone()
    }

    pub fn request_count(&self) -> usize {
        lock(&self.shared.requests).len()
    }

    /// The `(role, content)` pairs of a request body's `messages`, in order.
    pub fn messages_of(body: &Value) -> Vec<(String, String)> {
        body["messages"]
            .as_array()
            .map(|messages| {
                messages
                    .iter()
                    .map(|m| (str_of(&m["role"]), content_of(&m["content"])))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The contents of a request body's messages with `role`, in order.
    pub fn contents_of(body: &Value, role: &str) -> Vec<String> {
        FakeLlm::messages_of(body)
            .into_iter()
            .filter(|(r, _)| r == role)
            .map(|(_, content)| content)
            .collect()
    }

    /// The marker words (`u3-m2`: user 3's message 2) in the user messages of
    /// a request, in order, each once: which messages a turn was shown.
    pub fn markers_in(body: &Value) -> Vec<String> {
        let marker = regex::Regex::new(r"u\d+-m\d+").expect("a valid pattern");
        let mut seen: Vec<String> = Vec::new();
        for (role, content) in FakeLlm::messages_of(body) {
            if role != "user" {
                continue;
            }
            for found in marker.find_iter(&content) {
                if !seen.iter().any(|s| s == found.as_str()) {
                    seen.push(found.as_str().to_string());
                }
            }
        }
        seen
    }

    /// The most requests the fake was answering at one time (a streamed
    /// answer counts until its head is sent).
    pub fn peak_in_flight(&self) -> usize {
        lock(&self.shared.in_flight).1
    }

    fn behaviour(&self) -> MutexGuard<'_, Behaviour> {
        lock(&self.shared.behaviour)
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn str_of(value: &Value) -> String {
    value.as_str().unwrap_or_default().to_string()
}

/// Message content is a string, or an array of `{type: "text", text}` parts.
fn content_of(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Array(parts) => parts.iter().filter_map(|p| p["text"].as_str()).collect(),
        _ => String::new(),
    }
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

async fn models() -> Json<Value> {
    Json(json!({
        "object": "list",
        "data": [{"id": DEFAULT_MODEL, "object": "model", "created": unix_now(), "owned_by": "fake"}],
    }))
}

async fn chat_completions(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    let authorization = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    lock(&shared.requests).push(RecordedRequest {
        body: body.clone(),
        authorization,
    });
    let behaviour = {
        let mut behaviour = lock(&shared.behaviour);
        let snapshot = behaviour.clone();
        if let Some(failure) = &mut behaviour.failure {
            match &mut failure.remaining {
                Some(0) => {}
                Some(n) => *n -= 1,
                None => {}
            }
        }
        snapshot
    };
    {
        let mut in_flight = lock(&shared.in_flight);
        in_flight.0 += 1;
        in_flight.1 = in_flight.1.max(in_flight.0);
    }
    if !behaviour.delay.is_zero() {
        tokio::time::sleep(behaviour.delay).await;
    }
    lock(&shared.in_flight).0 -= 1;
    if let Some(failure) = behaviour.failure.filter(|f| f.remaining != Some(0)) {
        return error_response(&failure);
    }

    let model = body["model"].as_str().unwrap_or(DEFAULT_MODEL).to_string();
    let reply = (behaviour.reply)(&body);
    if body["stream"].as_bool() == Some(true) {
        streamed(
            model,
            &reply,
            behaviour.stream_pieces,
            behaviour.piece_delay,
        )
    } else {
        let prompt_chars: usize = FakeLlm::messages_of(&body)
            .iter()
            .map(|(_, c)| c.chars().count())
            .sum();
        let completion_chars = reply.chars().count();
        Json(json!({
            "id": "chatcmpl-fake",
            "object": "chat.completion",
            "created": unix_now(),
            "model": model,
            "choices": [{
                "index": 0,
                "message": {"role": "assistant", "content": reply, "refusal": null},
                "finish_reason": "stop",
                "logprobs": null,
            }],
            "usage": {
                "prompt_tokens": prompt_chars,
                "completion_tokens": completion_chars,
                "total_tokens": prompt_chars + completion_chars,
            },
        }))
        .into_response()
    }
}

fn error_response(failure: &Failure) -> Response {
    let (kind, code) = match failure.status.as_u16() {
        429 => ("requests", Value::from("rate_limit_exceeded")),
        401 => ("invalid_request_error", Value::from("invalid_api_key")),
        s if s >= 500 => ("server_error", Value::Null),
        _ => ("invalid_request_error", Value::Null),
    };
    let body = Json(json!({
        "error": {"message": failure.message, "type": kind, "param": null, "code": code},
    }));
    let mut response = (failure.status, body).into_response();
    if failure.status == StatusCode::TOO_MANY_REQUESTS {
        // As OpenAI does: a client that retries would wait and ask again.
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, header::HeaderValue::from_static("1"));
    }
    response
}

/// The SSE answer: a role chunk, the text in pieces, a finish chunk, `[DONE]`.
fn streamed(model: String, reply: &str, pieces: usize, piece_delay: Duration) -> Response {
    let created = unix_now();
    let chunk = |delta: Value, finish: Value| {
        json!({
            "id": "chatcmpl-fake",
            "object": "chat.completion.chunk",
            "created": created,
            "model": model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": null}],
        })
        .to_string()
    };
    let mut events: Vec<(Duration, String)> = vec![(
        Duration::ZERO,
        chunk(json!({"role": "assistant", "content": ""}), Value::Null),
    )];
    for (i, piece) in split_chars(reply, pieces).into_iter().enumerate() {
        let wait = if i == 0 { Duration::ZERO } else { piece_delay };
        events.push((wait, chunk(json!({"content": piece}), Value::Null)));
    }
    events.push((Duration::ZERO, chunk(json!({}), Value::from("stop"))));
    events.push((Duration::ZERO, "[DONE]".to_string()));
    let events = stream::iter(events).then(|(wait, data)| async move {
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
        Ok::<Event, Infallible>(Event::default().data(data))
    });
    Sse::new(events).into_response()
}

/// `text` in at most `pieces` nonempty runs of characters, in order.
fn split_chars(text: &str, pieces: usize) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    if chars.is_empty() {
        return Vec::new();
    }
    let per_piece = chars.len().div_ceil(pieces.max(1));
    chars
        .chunks(per_piece)
        .map(|c| c.iter().collect())
        .collect()
}
