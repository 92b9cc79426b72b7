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
mod conversation;
pub mod limits;
mod locks;
mod message;
pub mod texts;

use std::sync::Arc;

use tracing::{Instrument, error, info, warn};

pub use action::Action;
pub use admin::AdminOptions;
pub use command::Command;
pub use consent::PrivacyOptions;
pub use message::{ChunkSender, ConsentNotice, Incoming, Outgoing, ReplyEvent, ReplyKind};

use crate::config::{LimitSettings, SafetySettings};
use crate::emotion::neutral::NeutralReader;
use crate::emotion::{Emotion, EmotionLabel, EmotionReader, ShownAt};
use crate::metrics::Metrics;
use crate::mood;
use crate::reply::offline::OfflineGenerator;
use crate::reply::{ReplyError, ReplyGenerator};
use crate::safety::{Safety, SafetyMetrics};
use crate::store::{Store, Turn, UserKey};
use consent::Memory;
use limits::{FairUse, Refusal};
use locks::{TurnGuard, UserLocks};

/// Tunables of the flow, from the configuration.
#[derive(Debug, Clone)]
pub struct PipelineOptions {
    pub history_turns: u32,
    /// Turns out of the history window are folded into the running summary
    /// once this many have gathered; 0: no summaries.
    pub summary_after_turns: u32,
    pub context_utterances: usize,
    pub max_message_chars: usize,
    /// When an emotion is shown (and named to the LLM).
    pub shown_at: ShownAt,
}

pub struct Pipeline {
    emotion: Arc<dyn EmotionReader>,
    generator: Arc<dyn ReplyGenerator>,
    /// Writes the reply, marked as such, when `generator` fails.
    fallback: Option<Arc<dyn ReplyGenerator>>,
    store: Store,
    options: PipelineOptions,
    locks: UserLocks,
    privacy: PrivacyOptions,
    admins: AdminOptions,
    safety: Safety,
    fair_use: FairUse,
    metrics: Arc<Metrics>,
    /// Reads when a message carries no particular emotion (no tag then).
    neutral: Option<Arc<NeutralReader>>,
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
            fallback: None,
            store,
            options,
            locks: UserLocks::default(),
            privacy: PrivacyOptions::default(),
            admins: AdminOptions::default(),
            safety: Safety::new(SafetySettings::default()),
            fair_use: FairUse::default(),
            metrics: Arc::default(),
            neutral: None,
        }
    }

    /// Shows no emotion for a message `neutral` reads as carrying none.
    pub fn with_neutral(mut self, neutral: Arc<NeutralReader>) -> Pipeline {
        self.neutral = Some(neutral);
        self
    }

    /// Holds users to the fair-use limits of `settings` (none by default).
    pub fn with_limits(mut self, settings: &LimitSettings) -> Pipeline {
        self.fair_use = FairUse::new(settings);
        self
    }

    /// When the generator fails, `fallback` writes the reply (marked as such)
    /// instead of an apology.
    pub fn with_fallback(mut self, fallback: Arc<dyn ReplyGenerator>) -> Pipeline {
        self.fallback = Some(fallback);
        self
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
        self.handle_in_turn(message.without_control_characters(), chunks)
            .instrument(span)
            .await
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
        // Data rights (/privacy, /export, /reset, /optout) hold for everyone.
        if !command.as_ref().is_some_and(Command::is_data_right)
            && let Err(refusal) = self.fair_use.admits(&message)
        {
            return Some(self.refused(refusal, Some(&message.text)));
        }
        let turn = TurnGuard::acquire(&self.locks, &self.store, &user).await;
        let outgoing = match command {
            Some(command) => self.run_command(&message, command, chunks).await,
            // Without the turn's lock the stored conversation is not read.
            None if !turn.holds() => self.converse(&message, chunks, &turn).await,
            None => match self.answered_before(&message).await {
                Some(outgoing) => outgoing,
                None => self.converse(&message, chunks, &turn).await,
            },
        };
        turn.release().await;
        Some(outgoing)
    }

    /// The stored answer to a platform message delivered again (e.g. a
    /// webhook retried to another replica), so it is not answered twice.
    async fn answered_before(&self, message: &Incoming) -> Option<Outgoing> {
        let id = message.message_id.as_deref()?;
        // The text as a turn stores it: the same id with another text is a new message.
        let text = conversation::stored_text(&message.text, self.options.max_message_chars);
        let turn = match self
            .store
            .turn_by_message(&message.user(), &message.chat_id, id, text)
            .await
        {
            Ok(turn) => turn?,
            Err(error) => {
                warn!(%error, "looking for an earlier answer failed; answering");
                return None;
            }
        };
        info!(platform = %message.platform, turn_id = turn.id, "message delivered again; answering from the store");
        // Read again with the turns before it, so a crisis reply keeps its
        // resources (not counted twice) and the tag is the one first shown.
        let history = self
            .history(&message.user(), &message.chat_id, Some(turn.id))
            .await;
        let again = self.read_again(&turn, &history).await;
        let written = conversation::Written {
            reply: turn.reply.clone().ok_or(ReplyError::Empty),
            generator: turn.generator.clone(),
            // Not stored again: only shown.
            prompt_format: None,
            by_fallback: turn.generator == OfflineGenerator::NAME && self.fallback.is_some(),
            // Written before: nothing more used.
            tokens: 0,
        };
        Some(self.conversation_reply(
            written,
            again.crisis,
            &turn.user_text,
            again.shown,
            Some(turn.id),
        ))
    }

    /// An adapter could not deliver `outgoing` to `user` after its retries:
    /// logged with the turn id, and the stored turn (if any) marked so.
    pub async fn delivery_failed(&self, user: &UserKey, outgoing: &Outgoing, error: &str) {
        self.metrics.count_undelivered(&user.platform);
        let Some(turn_id) = outgoing.turn_id else {
            error!(platform = %user.platform, error, "a reply could not be delivered (no stored turn)");
            return;
        };
        error!(platform = %user.platform, turn_id, error, "a reply could not be delivered; the stored turn says so");
        if let Err(store_error) = self.store.mark_undelivered(user, turn_id).await {
            warn!(%store_error, turn_id, "marking the turn as not delivered failed");
        }
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
            // Every press reads or writes the stored conversation.
            let outgoing = if turn.holds() {
                self.act_in_turn(user, action, chunks).await
            } else {
                Outgoing::command(texts::store_unavailable())
            };
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
        if let Err(refusal) = self.fair_use.admits_user(user) {
            return self.refused(refusal, None);
        }
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
            Action::NotHowIFeel { turn_id } => Outgoing {
                actions: Action::groups(turn_id),
                ..Outgoing::private_command(texts::which_group())
            },
            Action::PickGroup { turn_id, group } => Outgoing {
                actions: Action::emotions_of(turn_id, group),
                ..Outgoing::private_command(texts::which_emotion(group))
            },
            Action::Correct { turn_id, label } => self.correct(user, Some(turn_id), label).await,
            Action::Feedback { turn_id, feedback } => {
                match self.store.set_feedback(user, turn_id, feedback).await {
                    Ok(true) => {
                        self.count_feedback(user, turn_id, feedback).await;
                        Outgoing::command(texts::feedback_saved(
                            feedback == crate::store::Feedback::Up,
                        ))
                    }
                    Ok(false) => Outgoing::command(texts::stale_action()),
                    Err(error) => {
                        warn!(%error, platform = %user.platform, "storing feedback failed");
                        Outgoing::command(texts::store_unavailable())
                    }
                }
            }
        }
    }

    /// Counts a 👍/👎 in `/metrics` by platform, the turn's emotion group and
    /// the generator that wrote it.
    async fn count_feedback(&self, user: &UserKey, turn_id: i64, feedback: crate::store::Feedback) {
        let Ok(Some(turn)) = self.store.turn(user, turn_id).await else {
            return;
        };
        let group = stored_emotion(&turn).map_or("none", |e| e.label.group.english());
        let value = match feedback {
            crate::store::Feedback::Up => "up",
            crate::store::Feedback::Down => "down",
        };
        self.metrics
            .count_feedback(&user.platform, group, &turn.generator, value);
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
            Command::Mood => {
                if let Some(notice) = self.consent_gate(&user).await {
                    return notice;
                }
                self.mood(&user).await
            }
            Command::Feel(name) => {
                if let Some(notice) = self.consent_gate(&user).await {
                    return notice;
                }
                return match EmotionLabel::by_name(&name) {
                    Some(label) => self.correct(&user, None, label).await,
                    None => Outgoing::command(texts::unknown_feeling(&name)),
                };
            }
            Command::Usage => self
                .usage_today(&user)
                .await
                .map(|used| Outgoing::command(texts::usage(used, self.fair_use.daily_limits()))),
        };
        result.unwrap_or_else(|error| {
            warn!(%error, platform = %user.platform, "command failed in the store");
            Outgoing::command(texts::store_unavailable())
        })
    }

    /// "Not how I feel": stores the emotion the user says turn `turn_id` had
    /// (their last turn when `None`), answers warmly, and offers to rewrite
    /// the reply for it.
    async fn correct(
        &self,
        user: &UserKey,
        turn_id: Option<i64>,
        label: &'static EmotionLabel,
    ) -> Outgoing {
        let turn_id = match turn_id {
            Some(id) => Some(id),
            None => match self.store.recent_turns(user, 1).await {
                Ok(turns) => turns.last().map(|t| t.id),
                Err(error) => {
                    warn!(%error, "loading the last turn to correct failed");
                    return Outgoing::command(texts::store_unavailable());
                }
            },
        };
        let Some(turn_id) = turn_id else {
            return Outgoing::command(texts::nothing_to_correct());
        };
        match self.store.set_correction(user, turn_id, label.code).await {
            Ok(true) => {
                self.metrics.count_correction(label.group);
                info!(platform = %user.platform, group = label.group.english(), "emotion corrected");
                Outgoing {
                    actions: vec![Action::Regenerate { turn_id }],
                    ..Outgoing::private_command(texts::correction_saved(label))
                }
            }
            Ok(false) => Outgoing::command(texts::stale_action()),
            Err(error) => {
                warn!(%error, "storing a correction failed");
                Outgoing::command(texts::store_unavailable())
            }
        }
    }

    /// The emotions read from `user`'s stored messages since `since` (in one
    /// chat, or all), as the arc's readings: what `/mood` and the trend note use.
    async fn arc_readings(
        &self,
        user: &UserKey,
        since: chrono::DateTime<chrono::Utc>,
        chat_id: Option<&str>,
    ) -> Result<Vec<mood::Reading>, crate::store::StoreError> {
        let stored = self.store.emotions_since(user, since, chat_id).await?;
        Ok(stored
            .iter()
            .filter_map(|(at, code)| mood::Reading::from_code(*at, code))
            .collect())
    }

    /// `/mood`: the groups read from the person's messages over the last 7
    /// and 30 days (every chat), as text and a chart — shown to them only.
    async fn mood(&self, user: &UserKey) -> Result<Outgoing, crate::store::StoreError> {
        let now = chrono::Utc::now();
        let readings = self
            .arc_readings(user, now - chrono::Duration::days(30), None)
            .await?;
        let arc = mood::Mood::of(&readings, now);
        if arc.month.total() == 0 {
            return Ok(Outgoing::private_command(texts::no_mood_yet()));
        }
        let picture_png = mood::chart::png(&arc)
            .inspect_err(|error| warn!(%error, "the mood chart could not be drawn; text only"))
            .ok();
        Ok(Outgoing {
            picture_png,
            ..Outgoing::private_command(texts::mood(&arc))
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
}

impl Pipeline {
    /// The friendly answer to a message (`text`) or press a fair-use limit
    /// stops; counted by limit.
    fn refused(&self, refusal: Refusal, text: Option<&str>) -> Outgoing {
        self.metrics.count_limited(refusal.name());
        info!(limit = refusal.name(), "a fair-use limit stopped a message");
        let lang = text.and_then(crate::safety::message_language);
        Outgoing::command(texts::limit_reached(refusal, lang))
    }
}

/// The span every log line of one turn carries (classify, LLM, store, the
/// adapter's own lines inside it): a random id to follow a turn across stages
/// in JSON logs, never the user's id or text.
fn turn_span(platform: &str) -> tracing::Span {
    let id = format!("{:016x}", rand::random::<u64>());
    tracing::info_span!("turn", turn = %id, platform = %platform)
}

/// The emotion of a stored turn: the one the user gave when they corrected
/// it (certain, as far as Maeum can know), else the one read, if any.
fn stored_emotion(turn: &Turn) -> Option<Emotion> {
    if let Some(label) = turn
        .corrected_code
        .as_deref()
        .and_then(EmotionLabel::by_code)
    {
        return Some(Emotion { label, score: 1.0 });
    }
    let label = EmotionLabel::by_code(turn.emotion_code.as_deref()?)?;
    Some(Emotion {
        label,
        score: turn.emotion_score.unwrap_or(0.0),
    })
}
