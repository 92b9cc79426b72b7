//! Replies from any OpenAI-compatible chat-completions endpoint, through `async-openai`.
//!
//! Failure is bounded: async-openai's retry layer retries a 429, a 5xx or a
//! refused connection up to `llm.max_retries` times (sleeping as long as a
//! `Retry-After` header asks, else backing off exponentially, plus a random
//! moment from [`super::jitter`] so turns refused together spread out), and the whole
//! reply — retries and streaming included — ends by `llm.deadline_secs`; when
//! streaming, the wait for each piece is also at most `llm.timeout_secs`, so a
//! slow-dripping endpoint cannot hold a turn. The pipeline decides what to do
//! on failure (the offline generator, marked; or an apology).

use std::sync::Arc;
use std::time::Duration;

use async_openai::Client;
use async_openai::config::{Config, OpenAIConfig};
use async_openai::error::OpenAIError;
use async_openai::middleware::ReqwestService;
use async_openai::middleware::retry::OpenAIRetryLayer;
use async_openai::types::chat::{
    ChatCompletionRequestAssistantMessage, ChatCompletionRequestMessage,
    ChatCompletionRequestSystemMessage, ChatCompletionRequestUserMessage,
    ChatCompletionResponseStream, CreateChatCompletionRequest, CreateChatCompletionStreamResponse,
};
use async_trait::async_trait;
use futures::stream::{self, StreamExt};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::{Instant, timeout_at};
use tower::Layer;

use crate::config::{LlmSettings, PromptFormat, Secret};

use super::jitter::JitterLayer;
use super::prompt::{ChatMessage, Role, build_messages, estimate_tokens, messages_tokens};
use super::{Exchange, ReplyError, ReplyGenerator, ReplyRequest, ReplyStream, summary};

/// Error texts from the endpoint are cut to this many characters.
const MAX_ERROR_CHARS: usize = 200;
/// The most tokens a summary may take (it is cut to its length anyway).
const SUMMARY_MAX_TOKENS: u32 = 400;

/// Talks to one OpenAI-compatible endpoint with one model.
pub struct OpenAiGenerator {
    client: Client<EndpointConfig>,
    model: String,
    temperature: f32,
    max_tokens: u32,
    timeout_secs: u64,
    deadline_secs: u64,
    prompt_format: PromptFormat,
    history_token_budget: usize,
    /// Requests to the endpoint at once; turns beyond wait their turn (their
    /// deadline running) while the adapter shows "typing…".
    permits: Arc<Semaphore>,
    /// Kept only to scrub it from error texts.
    api_key: Option<Secret>,
}

impl OpenAiGenerator {
    /// `base_url` ends in `/v1` (e.g. `https://api.openai.com/v1`); without an
    /// API key no `Authorization` header is sent, as local servers expect.
    pub fn new(
        settings: &LlmSettings,
        base_url: &str,
        api_key: Option<&Secret>,
    ) -> OpenAiGenerator {
        let api_key = api_key.filter(|k| !k.expose().trim().is_empty()).cloned();
        // The base and key always come from our settings, never from
        // async-openai's own reading of OPENAI_BASE_URL / OPENAI_API_KEY.
        let config = OpenAIConfig::new()
            .with_api_base(base_url.trim().trim_end_matches('/'))
            .with_api_key(
                api_key
                    .as_ref()
                    .map(|k| k.expose().trim())
                    .unwrap_or_default(),
            );
        let client = Client::with_config(EndpointConfig {
            inner: config,
            send_key: api_key.is_some(),
        })
        // Retries happen inside the transport; every call is bounded by the
        // reply's deadline, so they can never outlast it. Each try waits at
        // most `timeout_secs` for the answer to begin and between its pieces.
        .with_http_service(
            OpenAIRetryLayer::new(settings.max_retries).layer(JitterLayer.layer(
                ReqwestService::new(transport(Duration::from_secs(settings.timeout_secs))),
            )),
        );
        OpenAiGenerator {
            client,
            model: settings.model.clone(),
            temperature: settings.temperature,
            max_tokens: settings.max_tokens,
            timeout_secs: settings.timeout_secs,
            deadline_secs: settings.deadline_secs,
            prompt_format: settings.prompt_format,
            history_token_budget: settings.history_token_budget,
            permits: Arc::new(Semaphore::new(settings.max_concurrent_requests)),
            api_key,
        }
    }

    /// A place among the requests in flight, waited for until `deadline`.
    async fn permit(&self, deadline: Instant) -> Result<OwnedSemaphorePermit, ReplyError> {
        match timeout_at(deadline, self.permits.clone().acquire_owned()).await {
            Ok(Ok(permit)) => Ok(permit),
            // The semaphore is never closed; a timeout is the deadline passing.
            _ => Err(ReplyError::Timeout(self.deadline_secs)),
        }
    }

    /// When a reply started now must be finished.
    fn deadline(&self) -> Instant {
        Instant::now() + Duration::from_secs(self.deadline_secs)
    }

    fn chat_request(&self, request: &ReplyRequest, stream: bool) -> CreateChatCompletionRequest {
        let messages = build_messages(request, self.prompt_format, self.history_token_budget)
            .into_iter()
            .map(to_wire)
            .collect();
        CreateChatCompletionRequest {
            model: self.model.clone(),
            messages,
            temperature: Some(self.temperature),
            // The current name of the limit: OpenAI's reasoning models reject
            // the deprecated `max_tokens`; vLLM and llama.cpp accept both.
            max_completion_tokens: Some(self.max_tokens),
            stream: stream.then_some(true),
            ..Default::default()
        }
    }

    /// One non-streamed completion: a place among the requests in flight,
    /// the whole under the reply deadline, the first choice's text trimmed.
    async fn complete(&self, chat: CreateChatCompletionRequest) -> Result<String, ReplyError> {
        let deadline = self.deadline();
        let _permit = self.permit(deadline).await?;
        let response = timeout_at(deadline, self.client.chat().create(chat))
            .await
            .map_err(|_| ReplyError::Timeout(self.deadline_secs))?
            .map_err(|e| self.endpoint_error(&e))?;
        let text = response
            .choices
            .into_iter()
            .next()
            .and_then(|choice| choice.message.content)
            .unwrap_or_default();
        let text = text.trim();
        if text.is_empty() {
            return Err(ReplyError::Empty);
        }
        Ok(text.to_string())
    }

    fn endpoint_error(&self, error: &OpenAIError) -> ReplyError {
        endpoint_error(error, self.api_key.as_ref(), &self.model, self.timeout_secs)
    }
}

#[async_trait]
impl ReplyGenerator for OpenAiGenerator {
    fn name(&self) -> String {
        format!("openai:{}", self.model)
    }

    fn prompt_format(&self) -> Option<&'static str> {
        Some(self.prompt_format.as_str())
    }

    fn tokens_used(&self, request: &ReplyRequest, reply: &str) -> u64 {
        let prompt = build_messages(request, self.prompt_format, self.history_token_budget);
        (messages_tokens(&prompt) + estimate_tokens(reply)) as u64
    }

    async fn generate(&self, request: &ReplyRequest) -> Result<String, ReplyError> {
        tracing::debug!(model = %self.model, "requesting a reply");
        self.complete(self.chat_request(request, false)).await
    }

    /// The summary by the model, within the same deadline, permits and
    /// retries as a reply; cut to the summary's length.
    async fn summarize(
        &self,
        earlier: Option<&str>,
        turns: &[Exchange],
    ) -> Result<String, ReplyError> {
        let chat = CreateChatCompletionRequest {
            model: self.model.clone(),
            messages: summary::summary_messages(earlier, turns)
                .into_iter()
                .map(to_wire)
                .collect(),
            temperature: Some(0.2),
            max_completion_tokens: Some(SUMMARY_MAX_TOKENS),
            ..Default::default()
        };
        tracing::debug!(model = %self.model, turns = turns.len(), "requesting a summary");
        let text = self.complete(chat).await?;
        Ok(summary::fit(vec![text], summary::MAX_SUMMARY_CHARS))
    }

    /// Streams the reply as the endpoint sends it. Returns only once the first
    /// text has arrived, so a failure before any text is this call's error
    /// (Timeout, Endpoint or Empty) and the caller can still fall back cleanly.
    async fn generate_stream(&self, request: &ReplyRequest) -> Result<ReplyStream, ReplyError> {
        let chat = self.chat_request(request, true);
        let deadline = self.deadline();
        let permit = self.permit(deadline).await?;
        tracing::debug!(model = %self.model, messages = chat.messages.len(), "requesting a streamed reply");
        let mut pieces = PieceStream {
            inner: timeout_at(deadline, self.client.chat().create_stream(chat))
                .await
                .map_err(|_| ReplyError::Timeout(self.deadline_secs))?
                .map_err(|e| self.endpoint_error(&e))?,
            timeout_secs: self.timeout_secs,
            deadline,
            api_key: self.api_key.clone(),
            model: self.model.clone(),
            _permit: permit,
        };
        let first = pieces
            .next_text(pieces.next_deadline())
            .await
            .ok_or(ReplyError::Empty)??;
        let rest = stream::unfold(Some(pieces), |state| async move {
            let mut pieces = state?;
            let deadline = pieces.next_deadline();
            match pieces.next_text(deadline).await? {
                Ok(text) => Some((Ok(text), Some(pieces))),
                // The stream ends after its first error.
                Err(e) => Some((Err(e), None)),
            }
        });
        Ok(stream::once(async move { Ok(first) }).chain(rest).boxed())
    }
}

/// The HTTP client of the endpoint: every read (the answer's head, each
/// piece of its body) within `read_timeout`.
fn transport(read_timeout: Duration) -> reqwest_llm::Client {
    reqwest_llm::Client::builder()
        .read_timeout(read_timeout)
        .build()
        .unwrap_or_else(|error| {
            tracing::warn!(%error, "building the LLM client failed; using one without a read timeout");
            reqwest_llm::Client::new()
        })
}

/// The SSE chunks of one reply, read piece by piece under a deadline.
struct PieceStream {
    inner: ChatCompletionResponseStream,
    timeout_secs: u64,
    /// The whole reply's deadline.
    deadline: Instant,
    api_key: Option<Secret>,
    model: String,
    /// Held until the stream ends or is dropped.
    _permit: OwnedSemaphorePermit,
}

impl PieceStream {
    /// The next piece must come within `timeout_secs`, and before the reply's deadline.
    fn next_deadline(&self) -> Instant {
        (Instant::now() + Duration::from_secs(self.timeout_secs)).min(self.deadline)
    }

    /// The next non-empty text, skipping role-only and finish chunks; `None`
    /// when the stream has ended.
    async fn next_text(&mut self, deadline: Instant) -> Option<Result<String, ReplyError>> {
        loop {
            let chunk = match timeout_at(deadline, self.inner.next()).await {
                Err(_) => return Some(Err(ReplyError::Timeout(self.timeout_secs))),
                Ok(None) => return None,
                Ok(Some(Err(e))) => {
                    return Some(Err(endpoint_error(
                        &e,
                        self.api_key.as_ref(),
                        &self.model,
                        self.timeout_secs,
                    )));
                }
                Ok(Some(Ok(chunk))) => chunk,
            };
            let text = chunk_text(chunk);
            if !text.is_empty() {
                return Some(Ok(text));
            }
        }
    }
}

fn chunk_text(chunk: CreateChatCompletionStreamResponse) -> String {
    chunk
        .choices
        .into_iter()
        .filter(|choice| choice.index == 0)
        .filter_map(|choice| choice.delta.content)
        .collect()
}

fn to_wire(message: ChatMessage) -> ChatCompletionRequestMessage {
    match message.role {
        Role::System => ChatCompletionRequestSystemMessage::from(message.content).into(),
        Role::User => ChatCompletionRequestUserMessage::from(message.content).into(),
        Role::Assistant => ChatCompletionRequestAssistantMessage::from(message.content).into(),
    }
}

/// Logs and wraps an async-openai error as a short text without the API key.
/// A read that waited longer than `timeout_secs` is a [`ReplyError::Timeout`].
fn endpoint_error(
    error: &OpenAIError,
    api_key: Option<&Secret>,
    model: &str,
    timeout_secs: u64,
) -> ReplyError {
    if matches!(error, OpenAIError::Reqwest(e) if e.is_timeout()) {
        tracing::warn!(
            model,
            timeout_secs,
            "the language model endpoint did not answer in time"
        );
        return ReplyError::Timeout(timeout_secs);
    }
    let mut message = describe(error);
    if let Some(key) = api_key {
        message = message.replace(key.expose().trim(), "***");
    }
    tracing::warn!(model, error = %message, "the language model endpoint failed");
    ReplyError::Endpoint(message)
}

/// A short, key-free description of an async-openai error: the status and the
/// endpoint's own message, or what went wrong on the way. Response bodies that
/// failed to parse are never quoted (they can be long, or HTML).
fn describe(error: &OpenAIError) -> String {
    let text = match error {
        OpenAIError::ApiError(api) => {
            let message = api
                .api_error
                .message
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            format!("HTTP {}: {message}", api.status_code.as_u16())
        }
        OpenAIError::Reqwest(e) => {
            let kind = if e.is_connect() {
                "cannot connect"
            } else if e.is_timeout() {
                "timed out"
            } else if e.is_body() || e.is_decode() {
                "broken response body"
            } else {
                "request failed"
            };
            match root_cause(e) {
                Some(cause) => format!("{kind}: {cause}"),
                None => kind.to_string(),
            }
        }
        OpenAIError::JSONDeserialize(e, _) => format!("unexpected response: {e}"),
        OpenAIError::StreamError(e) => format!("stream failed: {e}"),
        other => other.to_string(),
    };
    truncate(&text, MAX_ERROR_CHARS)
}

/// The innermost error's text (e.g. `Connection refused (os error 111)`),
/// which unlike reqwest's own text does not repeat the URL.
fn root_cause(error: &(dyn std::error::Error + 'static)) -> Option<String> {
    let mut cause = error.source()?;
    while let Some(next) = cause.source() {
        cause = next;
    }
    Some(cause.to_string())
}

fn truncate(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

/// async-openai's config, minus the `Authorization` header when there is no
/// key (it would otherwise send `Bearer ` with nothing after it).
#[derive(Debug, Clone)]
struct EndpointConfig {
    inner: OpenAIConfig,
    send_key: bool,
}

impl Config for EndpointConfig {
    fn headers(&self) -> http::HeaderMap {
        let mut headers = self.inner.headers();
        if !self.send_key {
            headers.remove("authorization");
        }
        headers
    }

    fn url(&self, path: &str) -> String {
        self.inner.url(path)
    }

    fn query(&self) -> Vec<(&str, &str)> {
        self.inner.query()
    }

    fn api_base(&self) -> &str {
        self.inner.api_base()
    }

    fn api_key(&self) -> &secrecy::SecretString {
        self.inner.api_key()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncate_cuts_on_characters() {
        assert_eq!(truncate("가나다라", 2), "가나…");
        assert_eq!(truncate("가나", 2), "가나");
    }

    #[test]
    fn no_key_means_no_authorization_header() {
        let config = EndpointConfig {
            inner: OpenAIConfig::new().with_api_key(""),
            send_key: false,
        };
        assert!(config.headers().get("authorization").is_none());
        let config = EndpointConfig {
            inner: OpenAIConfig::new().with_api_key("sk-x"),
            send_key: true,
        };
        assert_eq!(
            config
                .headers()
                .get("authorization")
                .and_then(|v| v.to_str().ok()),
            Some("Bearer sk-x")
        );
    }
}
