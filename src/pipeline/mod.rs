//! The platform-neutral message pipeline.
//!
//! Adapters turn platform events into an [`Incoming`] message or an [`Action`]
//! and render the [`Outgoing`] reply. The flow for a message:
//! command? → read the emotion (with the user's recent utterances) → load
//! history → safety (crisis check; personal data masked in what goes to the
//! LLM, see [`crate::safety`]) → generate → store → reply (a crisis reply always
//! with the crisis lines). Turns of one user run one at a time.
//! Whether a turn may be stored at all is [`consent`]'s decision; `/admin` is
//! [`admin`]'s.

pub mod action;
pub mod admin;
pub mod command;
pub mod consent;
mod locks;
mod message;
pub mod texts;

use std::sync::Arc;
use std::time::Instant;

use futures::StreamExt;
use tracing::{Instrument, info, warn};

pub use action::Action;
pub use admin::AdminOptions;
pub use command::Command;
pub use consent::PrivacyOptions;
pub use message::{ChunkSender, ConsentNotice, Incoming, Outgoing, ReplyEvent, ReplyKind};

use crate::config::SafetySettings;
use crate::emotion::{Emotion, EmotionLabel, EmotionReader, Utterance};
use crate::metrics::{Metrics, Stage};
use crate::reply::{Exchange, ReplyError, ReplyGenerator, ReplyRequest};
use crate::safety::{Safety, SafetyMetrics, Severity, crisis::EARLIER_MESSAGES};
use crate::store::{NewTurn, Store, Turn, UserKey};
use consent::Memory;
use locks::{TurnGuard, UserLocks};

/// Tunables of the flow, from the configuration.
#[derive(Debug, Clone)]
pub struct PipelineOptions {
    pub history_turns: u32,
    pub context_utterances: usize,
    pub top_k: usize,
    pub max_message_chars: usize,
}

pub struct Pipeline {
    emotion: Arc<dyn EmotionReader>,
    generator: Arc<dyn ReplyGenerator>,
    store: Store,
    options: PipelineOptions,
    locks: UserLocks,
    privacy: PrivacyOptions,
    admins: AdminOptions,
    safety: Safety,
    metrics: Arc<Metrics>,
}

impl Pipeline {
    pub fn new(
        emotion: Arc<dyn EmotionReader>,
        generator: Arc<dyn ReplyGenerator>,
        store: Store,
        options: PipelineOptions,
    ) -> Pipeline {
        Pipeline {
            emotion,
            generator,
            store,
            options,
            locks: UserLocks::default(),
            privacy: PrivacyOptions::default(),
            admins: AdminOptions::default(),
            safety: Safety::new(SafetySettings::default()),
            metrics: Arc::default(),
        }
    }

    /// Uses `settings` for redaction and crisis replies instead of the defaults.
    pub fn with_safety(mut self, settings: SafetySettings) -> Pipeline {
        self.safety = Safety::new(settings);
        self
    }

    /// Messages answered as a crisis since start (in memory; never their text).
    pub fn crisis_events(&self) -> u64 {
        self.safety.metrics().crisis_events()
    }

    /// The safety counters, to read from elsewhere (e.g. admin statistics).
    pub fn safety_metrics(&self) -> Arc<SafetyMetrics> {
        self.safety.metrics().clone()
    }

    /// Messages, stage latencies, emotions and LLM errors counted since start.
    pub fn metrics(&self) -> &Arc<Metrics> {
        &self.metrics
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn emotion_reader(&self) -> &Arc<dyn EmotionReader> {
        &self.emotion
    }

    pub fn generator_name(&self) -> String {
        self.generator.name()
    }

    /// Handles a message. `None` means the bot stays silent (a group message
    /// not addressed to it).
    pub async fn handle(&self, message: Incoming) -> Option<Outgoing> {
        self.handle_streaming(message, None).await
    }

    /// Like [`Pipeline::handle`], sending the reply's pieces to `chunks` as they are written.
    pub async fn handle_streaming(
        &self,
        message: Incoming,
        chunks: Option<ChunkSender>,
    ) -> Option<Outgoing> {
        let span = turn_span(&message.platform);
        self.handle_in_turn(message, chunks).instrument(span).await
    }

    async fn handle_in_turn(
        &self,
        message: Incoming,
        chunks: Option<ChunkSender>,
    ) -> Option<Outgoing> {
        let command = Command::parse(&message.text, message.bot_username.as_deref());
        if message.is_group && !message.addressed && command.is_none() {
            return None;
        }
        let user = message.user();
        self.metrics.count_message(&user.platform);
        let turn = TurnGuard::acquire(&self.locks, &self.store, &user).await;
        let outgoing = match command {
            Some(command) => self.run_command(&message, command, chunks).await,
            None => match self.answered_before(&message).await {
                Some(outgoing) => outgoing,
                None => self.converse(&message, chunks).await,
            },
        };
        turn.release().await;
        Some(outgoing)
    }

    /// The stored answer to a platform message delivered again (e.g. a
    /// webhook retried to another replica), so it is not answered twice.
    async fn answered_before(&self, message: &Incoming) -> Option<Outgoing> {
        let id = message.message_id.as_deref()?;
        let turn = match self
            .store
            .turn_by_message(&message.user(), &message.chat_id, id)
            .await
        {
            Ok(turn) => turn?,
            Err(error) => {
                warn!(%error, "looking for an earlier answer failed; answering");
                return None;
            }
        };
        info!(platform = %message.platform, turn_id = turn.id, "message delivered again; answering from the store");
        let emotion = stored_emotion(&turn);
        // Assessed again so a crisis reply keeps its resources; not counted twice.
        let crisis = self
            .safety
            .reassess(&turn.user_text, &[], emotion.as_ref())
            .severity;
        let reply = turn.reply.clone().ok_or(ReplyError::Empty);
        Some(self.conversation_reply(reply, crisis, &turn.user_text, emotion, Some(turn.id)))
    }

    /// Runs a button press (regenerate, 👍/👎, accept the notice) for `user`.
    pub async fn act(
        &self,
        user: &UserKey,
        action: Action,
        chunks: Option<ChunkSender>,
    ) -> Outgoing {
        let span = turn_span(&user.platform);
        async {
            let turn = TurnGuard::acquire(&self.locks, &self.store, user).await;
            let outgoing = self.act_in_turn(user, action, chunks).await;
            turn.release().await;
            outgoing
        }
        .instrument(span)
        .await
    }

    async fn act_in_turn(
        &self,
        user: &UserKey,
        action: Action,
        chunks: Option<ChunkSender>,
    ) -> Outgoing {
        if let Action::AcceptConsent { version } = action {
            return self.accept_consent(user, version).await;
        }
        // Regenerate and 👍/👎 write: not before the current notice is accepted.
        if let Some(notice) = self.consent_gate(user).await {
            return notice;
        }
        match action {
            Action::AcceptConsent { version } => self.accept_consent(user, version).await,
            Action::Regenerate { turn_id } => self.regenerate(user, Some(turn_id), chunks).await,
            Action::Feedback { turn_id, feedback } => {
                match self.store.set_feedback(user, turn_id, feedback).await {
                    Ok(true) => Outgoing::command(texts::feedback_saved(
                        feedback == crate::store::Feedback::Up,
                    )),
                    Ok(false) => Outgoing::command(texts::stale_action()),
                    Err(error) => {
                        warn!(%error, platform = %user.platform, "storing feedback failed");
                        Outgoing::command(texts::store_unavailable())
                    }
                }
            }
        }
    }

    async fn run_command(
        &self,
        message: &Incoming,
        command: Command,
        chunks: Option<ChunkSender>,
    ) -> Outgoing {
        let user = message.user();
        info!(platform = %user.platform, command = ?command, "command");
        let result = match command {
            Command::Start => {
                let name = message.display_name.as_deref();
                Ok(match self.memory(&user).await {
                    Memory::Remember => Outgoing::command(texts::start(name, true)),
                    Memory::NeedsConsent => {
                        self.with_notice(Outgoing::command(texts::start(name, false)))
                    }
                    Memory::Forget => Outgoing::command(texts::start(name, false)),
                })
            }
            Command::Help => Ok(Outgoing::command(texts::help())),
            Command::Privacy => {
                let text = texts::privacy(&self.privacy_facts());
                Ok(match self.memory(&user).await {
                    Memory::NeedsConsent => Outgoing {
                        actions: vec![Action::AcceptConsent {
                            version: self.privacy.notice_version,
                        }],
                        ..Outgoing::private_command(text)
                    },
                    _ => Outgoing::private_command(text),
                })
            }
            Command::Accept => {
                return self
                    .accept_consent(&user, self.privacy.notice_version)
                    .await;
            }
            Command::Admin(args) => return self.admin(message, &args).await,
            Command::Unknown(name) => Ok(Outgoing::command(texts::unknown_command(&name))),
            Command::Regenerate => {
                if let Some(notice) = self.consent_gate(&user).await {
                    return notice;
                }
                return self.regenerate(&user, None, chunks).await;
            }
            Command::Reset => self
                .store
                .clear_history(&user)
                .await
                .map(|n| Outgoing::command(texts::reset_done(n))),
            Command::OptOut => self
                .store
                .opt_out(&user)
                .await
                .map(|()| Outgoing::private_command(texts::opted_out())),
            Command::OptIn => match self.store.opt_in(&user).await {
                Ok(was) if self.memory(&user).await == Memory::NeedsConsent => {
                    let text = if was {
                        texts::opted_in_needs_consent()
                    } else {
                        String::new()
                    };
                    Ok(self.with_notice(Outgoing::command(text)))
                }
                Ok(was) => Ok(Outgoing::command(texts::opted_in(was))),
                Err(error) => Err(error),
            },
            Command::Export => self.export(&user).await,
        };
        result.unwrap_or_else(|error| {
            warn!(%error, platform = %user.platform, "command failed in the store");
            Outgoing::command(texts::store_unavailable())
        })
    }

    async fn export(&self, user: &UserKey) -> Result<Outgoing, crate::store::StoreError> {
        Ok(match self.store.export(user).await? {
            Some(export) => Outgoing {
                kind: ReplyKind::Export,
                // Serialising plain data with string keys cannot fail.
                body: serde_json::to_string_pretty(&export).unwrap_or_default(),
                ..Outgoing::private_command(String::new())
            },
            None => Outgoing::private_command(texts::nothing_to_export()),
        })
    }

    async fn converse(&self, message: &Incoming, chunks: Option<ChunkSender>) -> Outgoing {
        let user = message.user();
        let (text, truncated) = clip(message.text.trim(), self.options.max_message_chars);
        if text.is_empty() {
            return Outgoing::command(texts::empty_message());
        }
        // Opted out, no consent yet, or the state unreadable: store nothing.
        let memory = self.memory(&user).await;
        let remember = memory == Memory::Remember;
        let history = if remember {
            self.history(&user, None).await
        } else {
            Vec::new()
        };
        let emotion = self.read_emotion(text, &history).await;
        // Safety: the crisis check reads the original text; the LLM gets it redacted.
        let crisis = self
            .safety
            .check_message(
                text,
                &earlier_texts(&history),
                emotion.as_ref(),
                &user.platform,
            )
            .severity;
        let input = ReplyInput {
            message: text,
            user_name: message.display_name.clone(),
            emotion,
            avoid: history.last().and_then(|t| t.reply.clone()),
            history: &history,
            crisis,
        };
        let reply = self.write_reply(input, chunks).await;
        let turn_id = if remember {
            self.store_turn(message, text, emotion, &reply).await
        } else {
            None
        };
        let mut outgoing = self.conversation_reply(reply, crisis, text, emotion, turn_id);
        if truncated {
            outgoing
                .notes
                .push(texts::truncated_note(self.options.max_message_chars));
        }
        match memory {
            Memory::NeedsConsent => self.with_notice(outgoing),
            _ => outgoing,
        }
    }

    /// Stores a turn of a user who may be remembered; its id, or `None`
    /// when it could not be stored (the reply goes out regardless).
    async fn store_turn(
        &self,
        message: &Incoming,
        text: &str,
        emotion: Option<Emotion>,
        reply: &Result<String, ReplyError>,
    ) -> Option<i64> {
        let user = message.user();
        let turn = NewTurn {
            chat_id: message.chat_id.clone(),
            platform_message_id: message.message_id.clone(),
            user_text: text.to_string(),
            emotion_code: emotion.map(|e| e.code().to_string()),
            emotion_score: emotion.map(|e| e.score),
            reply: reply.as_ref().ok().cloned(),
            generator: self.generator.name(),
        };
        if let Some(display_name) = message.display_name.as_deref()
            && let Err(error) = self.store.upsert_user(&user, Some(display_name)).await
        {
            warn!(%error, "storing the display name failed");
        }
        let started = Instant::now();
        let inserted = self.store.insert_turn(&user, &turn).await;
        self.metrics.observe(Stage::Store, started.elapsed());
        match inserted {
            Ok(id) => Some(id),
            // They opted out while the reply was being written: respect it.
            Err(crate::store::StoreError::OptedOut) => None,
            Err(error) => {
                warn!(%error, platform = %user.platform, "storing the turn failed; replying anyway");
                None
            }
        }
    }

    /// A new reply to the user's message of `turn_id` (or their latest), which
    /// replaces the stored one.
    async fn regenerate(
        &self,
        user: &UserKey,
        turn_id: Option<i64>,
        chunks: Option<ChunkSender>,
    ) -> Outgoing {
        let target = match turn_id {
            Some(id) => self.store.turn(user, id).await,
            None => self.store.recent_turns(user, 1).await.map(|mut t| t.pop()),
        };
        let target = match target {
            Ok(Some(turn)) => turn,
            Ok(None) if turn_id.is_some() => return Outgoing::command(texts::stale_action()),
            Ok(None) => return Outgoing::command(texts::nothing_to_regenerate()),
            Err(error) => {
                warn!(%error, "loading the turn to regenerate failed");
                return Outgoing::command(texts::store_unavailable());
            }
        };
        let history = self.history(user, Some(target.id)).await;
        let emotion = stored_emotion(&target);
        // The same message again: assessed, but not counted as a new crisis.
        let crisis = self
            .safety
            .reassess(
                &target.user_text,
                &earlier_texts(&history),
                emotion.as_ref(),
            )
            .severity;
        let input = ReplyInput {
            message: &target.user_text,
            user_name: None,
            emotion,
            avoid: target.reply.clone(),
            history: &history,
            crisis,
        };
        let reply = self.write_reply(input, chunks).await;
        if let Ok(reply) = &reply
            && let Err(error) = self
                .store
                .replace_reply(user, target.id, reply, &self.generator.name())
                .await
        {
            warn!(%error, "storing the regenerated reply failed");
        }
        self.conversation_reply(reply, crisis, &target.user_text, emotion, Some(target.id))
    }

    /// The steps a new reply and a regenerated one share: the emotion to a
    /// streaming adapter, the request with personal data masked, generating.
    async fn write_reply(
        &self,
        input: ReplyInput<'_>,
        chunks: Option<ChunkSender>,
    ) -> Result<String, ReplyError> {
        if let (Some(chunks), Some(emotion)) = (&chunks, input.emotion) {
            let _ = chunks.send(ReplyEvent::Emotion(emotion)).await;
        }
        let mut request = ReplyRequest {
            user_name: input.user_name,
            text: input.message.to_string(),
            emotion: input.emotion,
            avoid: input.avoid,
            history: input.history.iter().map(exchange).collect(),
            crisis: input.crisis,
        };
        self.redact_request(&mut request);
        self.generate(&request, chunks).await
    }

    /// Masks personal data in everything `request` would send to the language
    /// model: the message, the earlier exchanges, the reply to avoid and the name.
    fn redact_request(&self, request: &mut ReplyRequest) {
        let mask = |text: &mut String| {
            if let std::borrow::Cow::Owned(masked) = self.safety.redact(text) {
                *text = masked;
            }
        };
        mask(&mut request.text);
        for exchange in &mut request.history {
            mask(&mut exchange.user_text);
            if let Some(reply) = &mut exchange.reply {
                mask(reply);
            }
        }
        if let Some(avoid) = &mut request.avoid {
            mask(avoid);
        }
        if let Some(name) = &mut request.user_name {
            mask(name);
        }
    }

    /// The answer to a conversation message: the generated reply, or an
    /// apology when there is none; a crisis reply always carries the crisis
    /// resources, and is a fixed caring message when generation failed. The
    /// store keeps only the generated text.
    fn conversation_reply(
        &self,
        reply: Result<String, ReplyError>,
        crisis: Severity,
        message: &str,
        emotion: Option<Emotion>,
        turn_id: Option<i64>,
    ) -> Outgoing {
        let body = match reply {
            Ok(reply) => reply,
            Err(_) if crisis.is_crisis() => texts::crisis_fallback(),
            Err(_) => texts::generation_failed(),
        };
        let resources = crisis
            .is_crisis()
            .then(|| self.safety.crisis_resources(message, crisis));
        Outgoing::conversation(body, emotion, turn_id, resources)
    }

    /// The user's recent turns, oldest first; only those before `before` when given.
    async fn history(&self, user: &UserKey, before: Option<i64>) -> Vec<Turn> {
        let limit = i64::from(self.options.history_turns) + i64::from(before.is_some());
        match self.store.recent_turns(user, limit).await {
            Ok(turns) => match before {
                Some(id) => turns.into_iter().filter(|t| t.id < id).collect(),
                None => turns,
            },
            Err(error) => {
                warn!(%error, "loading history failed; answering without it");
                Vec::new()
            }
        }
    }

    async fn read_emotion(&self, text: &str, history: &[Turn]) -> Option<Emotion> {
        let skip = history
            .len()
            .saturating_sub(self.options.context_utterances);
        let utterance = Utterance {
            text: text.to_string(),
            context: history[skip..]
                .iter()
                .map(|t| t.user_text.clone())
                .collect(),
        };
        let started = Instant::now();
        let read = self.emotion.read(utterance, self.options.top_k).await;
        self.metrics.observe(Stage::Classify, started.elapsed());
        match read {
            Ok(emotions) => {
                let first = emotions.first().copied();
                if let Some(emotion) = first {
                    self.metrics.count_emotion(emotion.label.group);
                }
                first
            }
            Err(error) => {
                warn!(%error, "reading the emotion failed; replying without it");
                None
            }
        }
    }

    async fn generate(
        &self,
        request: &ReplyRequest,
        chunks: Option<ChunkSender>,
    ) -> Result<String, ReplyError> {
        let started = Instant::now();
        let result = match chunks {
            None => self.generator.generate(request).await,
            Some(chunks) => self.generate_streaming(request, chunks).await,
        };
        self.metrics.observe(Stage::Llm, started.elapsed());
        if let Err(error) = &result {
            self.metrics.count_llm_error();
            warn!(%error, generator = %self.generator.name(), "generating a reply failed");
        }
        result
    }

    async fn generate_streaming(
        &self,
        request: &ReplyRequest,
        chunks: ChunkSender,
    ) -> Result<String, ReplyError> {
        let mut stream = self.generator.generate_stream(request).await?;
        let mut reply = String::new();
        while let Some(piece) = stream.next().await {
            let piece = piece?;
            reply.push_str(&piece);
            // The adapter may have gone away; the reply is still stored.
            let _ = chunks.send(ReplyEvent::Text(piece)).await;
        }
        if reply.trim().is_empty() {
            return Err(ReplyError::Empty);
        }
        Ok(reply)
    }
}

/// What a conversation reply is written from.
struct ReplyInput<'a> {
    message: &'a str,
    user_name: Option<String>,
    emotion: Option<Emotion>,
    /// The turns before the message, oldest first.
    history: &'a [Turn],
    /// A reply not to repeat (the last one, or the one being replaced).
    avoid: Option<String>,
    crisis: Severity,
}

/// The span every log line of one turn carries (classify, LLM, store, the
/// adapter's own lines inside it): a random id to follow a turn across stages
/// in JSON logs, never the user's id or text.
fn turn_span(platform: &str) -> tracing::Span {
    let id = format!("{:016x}", rand::random::<u64>());
    tracing::info_span!("turn", turn = %id, platform = %platform)
}

/// The emotion read when the turn was stored, if any.
fn stored_emotion(turn: &Turn) -> Option<Emotion> {
    let label = EmotionLabel::by_code(turn.emotion_code.as_deref()?)?;
    Some(Emotion {
        label,
        score: turn.emotion_score.unwrap_or(0.0),
    })
}

/// The user's messages the crisis check reads with a new one: their last few.
fn earlier_texts(history: &[Turn]) -> Vec<&str> {
    let skip = history.len().saturating_sub(EARLIER_MESSAGES);
    history[skip..]
        .iter()
        .map(|t| t.user_text.as_str())
        .collect()
}

fn exchange(turn: &Turn) -> Exchange {
    Exchange {
        user_text: turn.user_text.clone(),
        emotion: turn.emotion_code.as_deref().and_then(EmotionLabel::by_code),
        reply: turn.reply.clone(),
    }
}

/// The first `limit` characters of `text`, and whether it was cut.
fn clip(text: &str, limit: usize) -> (&str, bool) {
    match text.char_indices().nth(limit) {
        Some((end, _)) => (&text[..end], true),
        None => (text, false),
    }
}

#[cfg(test)]
mod tests {
    use super::clip;

    #[test]
    fn clip_counts_characters_not_bytes() {
        assert_eq!(clip("안녕하세요", 2), ("안녕", true));
        assert_eq!(clip("안녕", 2), ("안녕", false));
        assert_eq!(clip("", 2), ("", false));
    }
}
