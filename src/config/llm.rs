//! `[llm]`: the language model replies come from, and which endpoint that
//! is once `OPENAI_BASE_URL` and `OPENAI_API_KEY` are taken into account.

use serde::Deserialize;

use super::{ConfigError, HTTP_SCHEMES, Secrets, check_url, invalid};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PromptFormat {
    /// The emotion as a bracketed note beside the message.
    Tagged,
    /// The original paper's `<message> ;; <emotion>`.
    Original,
}

impl PromptFormat {
    /// As configured and as stored with each turn.
    pub fn as_str(self) -> &'static str {
        match self {
            PromptFormat::Tagged => "tagged",
            PromptFormat::Original => "original",
        }
    }
}

/// What a user gets when the language model fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OnFailure {
    Offline,
    Apology,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LlmSettings {
    pub base_url: String,
    pub model: String,
    pub temperature: f32,
    pub max_tokens: u32,
    /// When streaming: the wait for the first piece and between pieces.
    pub timeout_secs: u64,
    /// The whole reply — retries and streaming included — ends within this.
    pub deadline_secs: u64,
    /// Retries after a 429, a 5xx or a refused connection (waiting as long as
    /// `Retry-After` asks, else backing off exponentially), within the deadline.
    pub max_retries: usize,
    /// Requests to the endpoint at once (per process); more turns wait.
    pub max_concurrent_requests: usize,
    /// When the endpoint fails: `offline` answers with the embedded generator,
    /// marked as such; `apology` says the reply could not be written.
    pub on_failure: OnFailure,
    pub stream: bool,
    pub history_token_budget: usize,
    pub prompt_format: PromptFormat,
}

/// Where replies come from, as decided by the configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LlmEndpoint {
    /// No endpoint configured: the embedded offline generator.
    Offline,
    OpenAiCompatible {
        base_url: String,
    },
}

pub(super) const OPENAI_DEFAULT_BASE: &str = "https://api.openai.com/v1";

impl LlmSettings {
    /// `secrets` may name the endpoint (`OPENAI_BASE_URL`), which is checked
    /// under `llm.base_url` since it takes that key's place.
    pub(super) fn validate(&self, secrets: &Secrets) -> Result<(), ConfigError> {
        if !(0.0..=2.0).contains(&self.temperature) {
            return invalid("llm.temperature", "must be between 0 and 2");
        }
        if self.max_tokens == 0 {
            return invalid("llm.max_tokens", "must be at least 1");
        }
        if self.max_concurrent_requests == 0 {
            return invalid("llm.max_concurrent_requests", "must be at least 1");
        }
        if self.timeout_secs == 0 {
            return invalid("llm.timeout_secs", "must be at least 1");
        }
        if self.deadline_secs < self.timeout_secs {
            return invalid("llm.deadline_secs", "must be at least llm.timeout_secs");
        }
        if self.model.trim().is_empty() {
            return invalid("llm.model", "must name a model");
        }
        check_url(
            "llm.base_url",
            self.base_url(secrets).as_deref(),
            HTTP_SCHEMES,
            "must start with http:// or https:// (or be empty for offline mode)",
        )
    }

    /// The endpoint base URL: `OPENAI_BASE_URL`, else `llm.base_url`, else
    /// OpenAI itself when only an API key is set; `None` means offline.
    pub(super) fn base_url(&self, secrets: &Secrets) -> Option<String> {
        let configured = secrets
            .openai_base_url
            .clone()
            .or_else(|| Some(self.base_url.trim().to_string()).filter(|u| !u.is_empty()));
        configured.or_else(|| {
            secrets
                .openai_api_key
                .as_ref()
                .map(|_| OPENAI_DEFAULT_BASE.to_string())
        })
    }
}
