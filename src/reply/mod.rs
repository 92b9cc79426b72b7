//! Writing the bot's reply.
//!
//! The pipeline sees only [`ReplyGenerator`]. [`openai::OpenAiGenerator`] talks to
//! any OpenAI-compatible endpoint; [`offline::OfflineGenerator`] is the embedded
//! fallback used when no endpoint is configured.

pub mod jitter;
pub mod offline;
pub mod openai;
pub mod prompt;
pub mod summary;

use async_trait::async_trait;
use futures::stream::{self, BoxStream, StreamExt};

use crate::emotion::Emotion;

/// One earlier exchange of the conversation, oldest first in [`ReplyRequest::history`].
#[derive(Debug, Clone, PartialEq)]
pub struct Exchange {
    pub user_text: String,
    pub emotion: Option<&'static crate::emotion::EmotionLabel>,
    /// `None` when no reply was stored (the LLM was down for that turn).
    pub reply: Option<String>,
}

pub use crate::safety::Severity;

/// Everything a generator needs to answer one message. The default is an
/// empty message with nothing read, no history and no crisis.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReplyRequest {
    pub user_name: Option<String>,
    pub text: String,
    /// The emotion read from the message, as far as it is known (the fine
    /// one, or its group's own label when unsure); `None` when there is none
    /// to name.
    pub emotion: Option<Emotion>,
    /// When the fine emotion is uncertain (`emotion` is its group, or
    /// nothing), the fine emotions still likely, most likely first
    /// (`crate::emotion::candidates`): the LLM is told them, so the reply
    /// does not commit to a wrong feeling. Empty otherwise.
    pub candidates: Vec<Emotion>,
    /// The message was read and no emotion stands out (a greeting, small
    /// talk, another language): the LLM is told so, rather than nothing.
    pub no_strong_emotion: bool,
    /// Earlier exchanges, oldest first (before trimming to the token budget).
    pub history: Vec<Exchange>,
    /// A reply the new one must not repeat (the one being regenerated, or the last one).
    pub avoid: Option<String>,
    /// Whether the message suggests the user (or someone they fear for) may
    /// be at risk of suicide or self-harm (`crate::safety::crisis`), and how
    /// urgently: answer with care. The pipeline adds the crisis resources
    /// under the reply itself.
    pub crisis: Severity,
    /// The person's recent emotional arc, when something stands out
    /// (`crate::mood::Trend::note`): told to the LLM in the tagged format.
    pub mood_trend: Option<String>,
    /// The running summary of this person's older turns in this chat, the
    /// ones that fell out of the history window ([`summary`]).
    pub summary: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ReplyError {
    #[error("the language model did not answer within {0} s")]
    Timeout(u64),
    #[error("the language model endpoint failed: {0}")]
    Endpoint(String),
    #[error("the language model returned no text")]
    Empty,
}

/// Text pieces of a reply as they arrive.
pub type ReplyStream = BoxStream<'static, Result<String, ReplyError>>;

#[async_trait]
pub trait ReplyGenerator: Send + Sync {
    /// Names the generator and model for storage with each turn, e.g.
    /// `openai:gpt-4o-mini` or `offline`.
    fn name(&self) -> String;

    /// The prompt format its replies are written with (stored with each
    /// turn, for the feedback report); `None` for generators with no prompt.
    fn prompt_format(&self) -> Option<&'static str> {
        None
    }

    async fn generate(&self, request: &ReplyRequest) -> Result<String, ReplyError>;

    /// Language-model tokens answering `request` with `reply` used: the
    /// prompt as sent and the reply, estimated as the history budget is
    /// (fair-use budgets, `/usage`). 0 for generators that call no model.
    fn tokens_used(&self, _request: &ReplyRequest, _reply: &str) -> u64 {
        0
    }

    /// Folds `turns` (oldest first, out of the history window) into the
    /// `earlier` summary; the whole new summary. Without a model: the
    /// extractive note.
    async fn summarize(
        &self,
        earlier: Option<&str>,
        turns: &[Exchange],
    ) -> Result<String, ReplyError> {
        Ok(summary::extractive(earlier, turns))
    }

    /// The reply as a stream of text pieces. Generators that cannot stream
    /// yield the whole reply once.
    async fn generate_stream(&self, request: &ReplyRequest) -> Result<ReplyStream, ReplyError> {
        let text = self.generate(request).await?;
        Ok(stream::once(async move { Ok(text) }).boxed())
    }
}
