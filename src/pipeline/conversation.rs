//! A conversation turn: reading the message (emotion, crisis, history),
//! writing the reply, storing the turn, and the answer in its parts. A new
//! reply ([`Pipeline::converse`]) and a regenerated one
//! ([`Pipeline::regenerate`]) share every step after reading.

use std::time::Instant;

use futures::StreamExt;
use tracing::warn;

use super::consent::Memory;
use super::limits::Refusal;
use super::locks::TurnGuard;
use super::message::without_control_characters;
use super::{ChunkSender, Incoming, Outgoing, Pipeline, ReplyEvent, stored_emotion, texts};
use crate::emotion::{Emotion, Reading, TAXONOMY, Utterance, can_read, shown};
use crate::metrics::Stage;
use crate::mood;
use crate::reply::{Exchange, ReplyError, ReplyRequest};
use crate::safety::{Severity, crisis::EARLIER_MESSAGES};
use crate::store::{NewTurn, StoreError, Summary, Turn, Usage, UserKey};

impl Pipeline {
    pub(super) async fn converse(
        &self,
        message: &Incoming,
        chunks: Option<ChunkSender>,
        turn: &TurnGuard,
    ) -> Outgoing {
        let user = message.user();
        let (text, truncated) = clip(message.text.trim(), self.options.max_message_chars);
        if text.is_empty() {
            return Outgoing::command(texts::empty_message());
        }
        // Opted out, no consent yet, or the state unreadable: store nothing.
        // Without the turn's lock, neither read nor store: another replica
        // may be answering this person.
        let memory = if turn.holds() {
            self.memory(&user).await
        } else {
            Memory::Forget
        };
        let remember = memory == Memory::Remember;
        let history = if remember {
            self.history(&user, &message.chat_id, None).await
        } else {
            Vec::new()
        };
        let reading = self.read_message(text, &history).await;
        let emotion = reading.as_ref().and_then(Reading::emotion);
        // A greeting, thanks, logistics: no emotion to name or to store
        // (the crisis check still reads the emotion the model found).
        let neutral = self.neutral.as_ref().is_some_and(|n| n.is_neutral(text));
        let kept = emotion.filter(|_| !neutral);
        if let Some(emotion) = kept {
            self.metrics.count_emotion(emotion.label.group);
        }
        // What the bot says it read (and tells the LLM): the fine emotion
        // only when the model is confident of it. The turn stores the reading.
        let nameable = reading.as_ref().filter(|_| can_read(text) && !neutral);
        let shown = nameable.and_then(|r| shown(&r.emotions, self.options.shown_at));
        let candidates = nameable
            .map(|r| crate::emotion::candidates(&r.emotions, shown))
            .unwrap_or_default();
        // Safety: the crisis check reads the original text; the LLM gets it redacted.
        let crisis = self
            .safety
            .check_message(
                text,
                &earlier_texts(&history),
                emotion.as_ref(),
                reading.as_ref().and_then(|r| r.crisis.as_ref()),
                &user.platform,
            )
            .severity;
        if let Err(refusal) = self.reply_allowed(&user).await {
            return self.held_back(refusal, text, crisis, shown);
        }
        let mood_trend = if remember {
            self.mood_trend(&user, &message.chat_id, kept.as_ref())
                .await
        } else {
            None
        };
        let earlier_summary = if remember {
            self.summary(&user, &message.chat_id).await
        } else {
            None
        };
        let input = ReplyInput {
            message: text,
            user_name: message.display_name.clone(),
            emotion: shown,
            candidates,
            no_strong_emotion: reading.is_some() && can_read(text) && shown.is_none(),
            avoid: history.last().and_then(|t| t.reply.clone()),
            history: &history,
            crisis,
            mood_trend,
            summary: earlier_summary.as_ref().map(|s| s.text.clone()),
        };
        let written = self.write_reply(input, chunks).await;
        self.record_usage(&user, written.tokens, remember).await;
        let turn_id = match (remember, turn.holds()) {
            (true, true) => {
                let stored = self.store_turn(message, text, kept, &written).await;
                if stored.is_some() {
                    self.fold_old_turns(&user, &message.chat_id, earlier_summary)
                        .await;
                }
                stored
            }
            (true, false) => {
                tracing::error!(platform = %user.platform, "the turn's lock was lost while replying; the turn is not stored");
                None
            }
            (false, _) => None,
        };
        let mut outgoing = self.conversation_reply(written, crisis, text, shown, turn_id);
        if !turn.holds() {
            outgoing.notes.push(texts::memory_unavailable());
        }
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
        written: &Written,
    ) -> Option<i64> {
        let user = message.user();
        let turn = NewTurn {
            chat_id: message.chat_id.clone(),
            platform_message_id: message.message_id.clone(),
            user_text: text.to_string(),
            emotion_code: emotion.map(|e| e.code().to_string()),
            emotion_score: emotion.map(|e| e.score),
            reply: written.reply.as_ref().ok().cloned(),
            generator: written.generator.clone(),
            llm_tokens: written.tokens,
            prompt_format: written.prompt_format.map(str::to_string),
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
    pub(super) async fn regenerate(
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
        let history = self.history(user, &target.chat_id, Some(target.id)).await;
        let again = self.read_again(&target, &history).await;
        let (crisis, shown) = (again.crisis, again.shown);
        if let Err(refusal) = self.reply_allowed(user).await {
            return self.held_back(refusal, &target.user_text, crisis, shown);
        }
        let input = ReplyInput {
            message: &target.user_text,
            user_name: None,
            emotion: shown,
            candidates: again.candidates,
            no_strong_emotion: target.emotion_code.is_some()
                && can_read(&target.user_text)
                && shown.is_none(),
            avoid: target.reply.clone(),
            history: &history,
            crisis,
            // The turn being rewritten is stored: the arc already holds it.
            mood_trend: self.mood_trend(user, &target.chat_id, None).await,
            summary: self.summary(user, &target.chat_id).await.map(|s| s.text),
        };
        let written = self.write_reply(input, chunks).await;
        // Only a stored turn can be rewritten: its writer is remembered.
        self.record_usage(user, written.tokens, true).await;
        if let Ok(reply) = &written.reply
            && let Err(error) = self
                .store
                .replace_reply(
                    user,
                    target.id,
                    reply,
                    &written.generator,
                    written.prompt_format,
                    written.tokens,
                )
                .await
        {
            warn!(%error, "storing the regenerated reply failed");
        }
        self.conversation_reply(written, crisis, &target.user_text, shown, Some(target.id))
    }

    /// The person's recent emotional arc in this chat, when something stands
    /// out ([`mood::trend`]), as the note the language model is given.
    /// `current` is the message being answered (not stored yet). Read from
    /// this chat only, so a group's reply never draws on what was said in a DM.
    async fn mood_trend(
        &self,
        user: &UserKey,
        chat_id: &str,
        current: Option<&Emotion>,
    ) -> Option<String> {
        let now = chrono::Utc::now();
        let since = now - chrono::Duration::days(7);
        let mut readings = match self.arc_readings(user, since, Some(chat_id)).await {
            Ok(readings) => readings,
            Err(error) => {
                warn!(%error, "reading the emotional arc failed; no trend note");
                return None;
            }
        };
        readings.extend(current.map(|e| mood::Reading {
            at: now,
            group: e.label.group,
        }));
        mood::trend(&readings, now).map(|trend| trend.note())
    }

    /// Whether `user` may have one more reply written now: the per-minute
    /// limit (counting this one) and today's budgets. A store that cannot
    /// say lets the reply through: fair use must not silence everyone.
    async fn reply_allowed(&self, user: &UserKey) -> Result<(), Refusal> {
        self.fair_use
            .take_minute_slot(user, std::time::Instant::now())?;
        if !self.fair_use.has_daily_budgets() {
            return Ok(());
        }
        match tokio::try_join!(self.usage_today(user), self.total_usage_today()) {
            Ok((mine, bot)) => self.fair_use.within_budget(mine, bot),
            Err(error) => {
                warn!(%error, "reading today's usage failed; not holding the reply back");
                Ok(())
            }
        }
    }

    /// What `user` has used today: counted in the store while they are
    /// remembered, in memory before (or without) consent.
    pub(super) async fn usage_today(&self, user: &UserKey) -> Result<Usage, StoreError> {
        let now = chrono::Utc::now();
        let stored = self.store.usage(user, now).await?;
        Ok(stored.plus(self.fair_use.unstored(user, now.date_naive())))
    }

    /// What the whole bot has used today: the store's count and, in memory,
    /// that of the people who are not remembered.
    pub(super) async fn total_usage_today(&self) -> Result<Usage, StoreError> {
        let now = chrono::Utc::now();
        let stored = self.store.total_usage(now).await?;
        Ok(stored.plus(self.fair_use.unstored_total(now.date_naive())))
    }

    /// Counts a reply written for `user` against today's budgets; in the
    /// store only for a user who is `remembered`.
    async fn record_usage(&self, user: &UserKey, tokens: u64, remembered: bool) {
        self.metrics.count_llm_tokens(tokens);
        let now = chrono::Utc::now();
        if !remembered {
            self.fair_use.add_unstored(user, tokens, now.date_naive());
        } else if let Err(error) = self.store.add_usage(user, tokens, now).await {
            warn!(%error, "counting the reply's usage failed");
        }
    }

    /// The answer when a fair-use limit holds a reply back: the limit's
    /// friendly note — but safety comes first, so a crisis still gets the
    /// fixed caring message with its crisis lines. Nothing is stored.
    fn held_back(
        &self,
        refusal: Refusal,
        text: &str,
        crisis: Severity,
        emotion: Option<Emotion>,
    ) -> Outgoing {
        if !crisis.is_crisis() {
            return self.refused(refusal, Some(text));
        }
        let written = Written {
            reply: Err(ReplyError::Empty),
            generator: self.generator.name(),
            prompt_format: None,
            by_fallback: false,
            tokens: 0,
        };
        self.conversation_reply(written, crisis, text, emotion, None)
    }

    /// What the bot says of a stored reading: as [`shown`], from the one
    /// emotion a turn keeps (below the threshold, its group).
    pub(super) fn shown_stored(&self, emotion: Option<Emotion>, text: &str) -> Option<Emotion> {
        emotion
            .filter(|_| can_read(text))
            .and_then(|e| shown(&[e], self.options.shown_at))
    }

    /// An earlier turn as the LLM is shown it, its emotion as the user saw it.
    fn exchange(&self, turn: &Turn) -> Exchange {
        Exchange {
            user_text: turn.user_text.clone(),
            emotion: self
                .shown_stored(stored_emotion(turn), &turn.user_text)
                .map(|e| e.label),
            reply: turn.reply.clone(),
        }
    }

    /// The steps a new reply and a regenerated one share: the emotion to a
    /// streaming adapter, the request with personal data masked, generating.
    async fn write_reply(&self, input: ReplyInput<'_>, chunks: Option<ChunkSender>) -> Written {
        if let (Some(chunks), Some(emotion)) = (&chunks, input.emotion) {
            let _ = chunks.send(ReplyEvent::Emotion(emotion)).await;
        }
        let mut request = ReplyRequest {
            user_name: input.user_name,
            text: input.message.to_string(),
            emotion: input.emotion,
            candidates: input.candidates,
            avoid: input.avoid,
            history: input
                .history
                .iter()
                .map(|turn| self.exchange(turn))
                .collect(),
            crisis: input.crisis,
            no_strong_emotion: input.no_strong_emotion,
            mood_trend: input.mood_trend,
            summary: input.summary,
        };
        self.redact_request(&mut request);
        let reply = self.generate(&request, chunks).await;
        let tokens = reply
            .as_ref()
            .map_or(0, |text| self.generator.tokens_used(&request, text));
        // A crisis gets the fixed caring message with its resources instead
        // (`conversation_reply`): written for it, not generated.
        let fallback = self
            .fallback
            .as_ref()
            .filter(|_| !request.crisis.is_crisis());
        match (reply, fallback) {
            (Err(error), Some(fallback)) => match fallback.generate(&request).await {
                Ok(text) => {
                    warn!(%error, "the language model failed; the offline generator answered");
                    Written {
                        reply: Ok(text),
                        generator: fallback.name(),
                        prompt_format: fallback.prompt_format(),
                        by_fallback: true,
                        tokens: 0,
                    }
                }
                Err(_) => self.written(Err(error), 0),
            },
            (reply, _) => self.written(reply, tokens),
        }
    }

    fn written(&self, reply: Result<String, ReplyError>, tokens: u64) -> Written {
        Written {
            // Stored with the turn: a NUL from the endpoint would lose it on Postgres.
            reply: reply.map(|text| without_control_characters(&text)),
            generator: self.generator.name(),
            prompt_format: self.generator.prompt_format(),
            by_fallback: false,
            tokens,
        }
    }

    /// Masks personal data in everything `request` would send to the language
    /// model: the message, the earlier exchanges, the reply to avoid and the name.
    fn redact_request(&self, request: &mut ReplyRequest) {
        self.mask(&mut request.text);
        for exchange in &mut request.history {
            self.mask(&mut exchange.user_text);
            if let Some(reply) = &mut exchange.reply {
                self.mask(reply);
            }
        }
        if let Some(avoid) = &mut request.avoid {
            self.mask(avoid);
        }
        if let Some(name) = &mut request.user_name {
            self.mask(name);
        }
        if let Some(summary) = &mut request.summary {
            self.mask(summary);
        }
    }

    /// Masks personal data in `text`, in place (what goes to the language model).
    fn mask(&self, text: &mut String) {
        if let std::borrow::Cow::Owned(masked) = self.safety.redact(text) {
            *text = masked;
        }
    }

    /// The answer to a conversation message: the generated reply, or an
    /// apology when there is none; a crisis reply always carries the crisis
    /// resources, and is a fixed caring message when generation failed. The
    /// store keeps only the generated text.
    pub(super) fn conversation_reply(
        &self,
        written: Written,
        crisis: Severity,
        message: &str,
        emotion: Option<Emotion>,
        turn_id: Option<i64>,
    ) -> Outgoing {
        let body = match written.reply {
            Ok(reply) => reply,
            Err(_) if crisis.is_crisis() => texts::crisis_fallback(),
            Err(_) => texts::generation_failed(),
        };
        let resources = crisis
            .is_crisis()
            .then(|| self.safety.crisis_resources(message, crisis));
        let mut outgoing = Outgoing::conversation(body, emotion, turn_id, resources);
        if written.by_fallback {
            outgoing.notes.push(texts::offline_fallback_note());
        }
        outgoing
    }

    /// The user's recent turns in `chat_id`, oldest first; only those before
    /// `before` when given. Only that chat's: a reply in a group is never
    /// written from (and can never repeat) what the user said in a DM, nor
    /// the other way round. Export and opt-out still cover every chat.
    pub(super) async fn history(
        &self,
        user: &UserKey,
        chat_id: &str,
        before: Option<i64>,
    ) -> Vec<Turn> {
        let limit = i64::from(self.options.history_turns) + i64::from(before.is_some());
        match self.store.recent_turns_in_chat(user, chat_id, limit).await {
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

    /// The running summary of the user's older turns in `chat_id`, if any.
    async fn summary(&self, user: &UserKey, chat_id: &str) -> Option<Summary> {
        if self.options.summary_after_turns == 0 {
            return None;
        }
        match self.store.summary(user, chat_id).await {
            Ok(summary) => summary,
            Err(error) => {
                warn!(%error, "loading the summary failed; answering without it");
                None
            }
        }
    }

    /// Folds the user's turns in `chat_id` that fell out of the history
    /// window into their running summary, once `summary_after_turns` of them
    /// have gathered: by the language model (masked as a reply's request
    /// is), else — or when it fails — the extractive note. Runs within the
    /// turn's lock, so two replicas never fold the same turns, and
    /// `earlier` (read at the turn's start) is still the stored summary.
    async fn fold_old_turns(&self, user: &UserKey, chat_id: &str, earlier: Option<Summary>) {
        let every = self.options.summary_after_turns;
        if every == 0 {
            return;
        }
        let after = earlier.as_ref().map_or(0, |s| s.through_turn_id);
        let keep = i64::from(self.options.history_turns);
        let turns = match self.store.turns_to_fold(user, chat_id, after, keep).await {
            Ok(turns) if turns.len() >= every as usize => turns,
            Ok(_) => return,
            Err(error) => {
                warn!(%error, "loading the turns to fold failed; not folding now");
                return;
            }
        };
        let (Some(first), Some(last)) = (turns.first(), turns.last()) else {
            return;
        };
        let (covers_from, through) = (first.created_at, last.id);
        let mut exchanges: Vec<Exchange> = turns.iter().map(|t| self.exchange(t)).collect();
        let mut earlier_text = earlier.map(|s| s.text);
        for exchange in &mut exchanges {
            self.mask(&mut exchange.user_text);
            if let Some(reply) = &mut exchange.reply {
                self.mask(reply);
            }
        }
        if let Some(text) = &mut earlier_text {
            self.mask(text);
        }
        let text = match self
            .generator
            .summarize(earlier_text.as_deref(), &exchanges)
            .await
        {
            Ok(text) => text,
            Err(error) => {
                warn!(%error, "the language model could not summarise; the extractive note is kept");
                crate::reply::summary::extractive(earlier_text.as_deref(), &exchanges)
            }
        };
        match self
            .store
            .save_summary(user, chat_id, &text, through, covers_from)
            .await
        {
            Ok(_) => tracing::debug!(
                turns = exchanges.len(),
                "older turns folded into the summary"
            ),
            Err(error) => warn!(%error, "storing the summary failed"),
        }
    }

    /// A stored turn read again to answer it once more (🔄, or a message
    /// delivered twice), with `history`, the turns before it: its crisis
    /// severity (neither counted nor logged as a new crisis) and the emotion
    /// it was shown with. The model reads a message alike every time, alone
    /// or batched with others, so with the same earlier messages it shows the
    /// same tag, a group's probabilities summed as the first time (the one
    /// emotion a turn stores cannot say what its group summed to). A
    /// correction the person gave wins; a reading whose emotion is no longer
    /// the stored one (another model since) gives way to the stored emotion.
    pub(super) async fn read_again(&self, turn: &Turn, history: &[Turn]) -> ReadAgain {
        let text = turn.user_text.as_str();
        let emotion = stored_emotion(turn);
        let reading = self.read_message(text, history).await;
        let crisis = self
            .safety
            .reassess(
                text,
                &earlier_texts(history),
                emotion.as_ref(),
                reading
                    .as_ref()
                    .filter(|_| self.safety.uses_learned_signal())
                    .and_then(|r| r.crisis.as_ref()),
            )
            .severity;
        let as_read = reading.as_ref().filter(|r| {
            turn.corrected_code.is_none()
                && turn.emotion_code.is_some()
                && r.emotion().map(|e| e.label.code) == turn.emotion_code.as_deref()
                && can_read(text)
        });
        match as_read {
            Some(reading) => {
                let shown = shown(&reading.emotions, self.options.shown_at);
                ReadAgain {
                    crisis,
                    shown,
                    candidates: crate::emotion::candidates(&reading.emotions, shown),
                }
            }
            None => ReadAgain {
                crisis,
                shown: self.shown_stored(emotion, text),
                candidates: Vec::new(),
            },
        }
    }

    /// Reads a message with the writer's last `context_utterances` messages
    /// as context: its emotions and its crisis signal. `None` when the model
    /// could not read it (the turn goes on without).
    pub(super) async fn read_message(&self, text: &str, history: &[Turn]) -> Option<Reading> {
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
        // Every label: what is shown sums a group's probabilities.
        let read = self.emotion.read(utterance, TAXONOMY.len()).await;
        self.metrics.observe(Stage::Classify, started.elapsed());
        match read {
            Ok(reading) => Some(reading),
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

/// A reply as written: by the generator, by the offline fallback when the
/// generator failed (`by_fallback`), or not at all.
pub(super) struct Written {
    pub reply: Result<String, ReplyError>,
    /// Stored with the turn: which generator wrote it, with which prompt format.
    pub generator: String,
    pub prompt_format: Option<&'static str>,
    pub by_fallback: bool,
    /// Language-model tokens the reply used (estimated).
    pub tokens: u64,
}

/// What a conversation reply is written from.
struct ReplyInput<'a> {
    message: &'a str,
    user_name: Option<String>,
    emotion: Option<Emotion>,
    /// The fine emotions still likely when `emotion` is uncertain.
    candidates: Vec<Emotion>,
    /// Read, and no emotion stands out (the LLM is told so).
    no_strong_emotion: bool,
    /// The turns before the message, oldest first.
    history: &'a [Turn],
    /// A reply not to repeat (the last one, or the one being replaced).
    avoid: Option<String>,
    crisis: Severity,
    /// The person's recent emotional arc in this chat, when it stands out.
    mood_trend: Option<String>,
    /// The running summary of their older turns in this chat.
    summary: Option<String>,
}

/// The user's messages the crisis check reads with a new one: their last few.
fn earlier_texts(history: &[Turn]) -> Vec<&str> {
    let skip = history.len().saturating_sub(EARLIER_MESSAGES);
    history[skip..]
        .iter()
        .map(|t| t.user_text.as_str())
        .collect()
}

/// The first `limit` characters of `text`, and whether it was cut.
/// The text a turn stores for a message: trimmed, cut at `limit` characters.
pub(super) fn stored_text(text: &str, limit: usize) -> &str {
    clip(text.trim(), limit).0
}

fn clip(text: &str, limit: usize) -> (&str, bool) {
    match text.char_indices().nth(limit) {
        Some((end, _)) => (&text[..end], true),
        None => (text, false),
    }
}

/// What a stored turn reads as when it is answered again
/// ([`Pipeline::read_again`]).
pub(super) struct ReadAgain {
    pub crisis: Severity,
    /// The tag it was shown with.
    pub shown: Option<Emotion>,
    /// The other likely emotions the language model is told of.
    pub candidates: Vec<Emotion>,
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
