//! Consent: with `privacy.require_consent`, nothing about a user is written
//! until they accept the current privacy notice (`/accept`, `/agree`, `/동의`
//! or the [`Action::AcceptConsent`] button); until then the bot answers
//! without memory. The acceptance is stored with its time and the notice's
//! version (`users.consent_version`, `users.consented_at`); raising
//! `privacy.notice_version` asks everyone again.
//!
//! How the notice reaches the user, on every platform: a conversation reply
//! to a user who has not accepted carries the short notice
//! ([`texts::consent_notice`]) as its [`Outgoing::notice`] part, with the
//! `AcceptConsent { version }` action, and no `turn_id`; each adapter shows
//! it in its own way (after the reply, with its button). Every such reply carries
//! the notice until the user accepts or opts out (opted-out users get no
//! notice: they chose not to be stored). `/start` and `/privacy` show it with
//! the same action; [`Pipeline::consent_notice`] gives it to adapters that
//! greet first (the terminal chat).

use tracing::{info, warn};

use super::texts::{self, PrivacyFacts};
use super::{Action, ConsentNotice, Outgoing, Pipeline};
use crate::store::{StoreError, UserKey};

/// The privacy settings the flow needs (from `[privacy]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PrivacyOptions {
    pub require_consent: bool,
    pub notice_version: i64,
    /// What the texts say about retention; the deleting is `background::retention`'s.
    pub retention_days: u32,
    /// 👍 turns may be exported as training data (`maeum export-training`).
    pub training_export: bool,
}

impl Default for PrivacyOptions {
    /// What [`Pipeline::new`] starts with: no consent step, messages kept.
    /// `app::build_pipeline` always sets these from the configuration, where
    /// consent is required by default.
    fn default() -> Self {
        PrivacyOptions {
            require_consent: false,
            notice_version: 1,
            retention_days: 0,
            training_export: false,
        }
    }
}

/// Whether a user's turns may be stored now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Memory {
    Remember,
    /// The current notice is not accepted yet: answer without memory, show the notice.
    NeedsConsent,
    /// Opted out, or the state could not be read (privacy wins): answer without memory.
    Forget,
}

impl Pipeline {
    pub fn with_privacy(mut self, options: PrivacyOptions) -> Pipeline {
        self.privacy = options;
        self
    }

    pub fn privacy_options(&self) -> PrivacyOptions {
        self.privacy
    }

    /// What the privacy texts must say for this pipeline.
    pub fn privacy_facts(&self) -> PrivacyFacts {
        PrivacyFacts {
            notice_version: self.privacy.notice_version,
            require_consent: self.privacy.require_consent,
            retention_days: self.privacy.retention_days,
            encrypted: self.store.encrypts_texts(),
            sends_to_llm: !self.generator.name().starts_with("offline"),
            masks_personal_data: self.safety.settings().redaction.any(),
            detects_crisis: self.safety.settings().crisis.enabled,
            stored_where: self.stored_where(),
            training_export: self.privacy.training_export,
            summarizes: self.options.summary_after_turns > 0,
        }
    }

    /// Where the conversation store is, in words for `/privacy`.
    fn stored_where(&self) -> (&'static str, &'static str) {
        let in_user_data = self.store.sqlite_file().is_some_and(|file| {
            crate::config::paths::user_data_dir().is_some_and(|dir| file.starts_with(dir))
        });
        match (self.store.sqlite_file(), in_user_data) {
            (None, _) if self.store.backend() == crate::store::Backend::Postgres => (
                "이 봇의 Postgres 데이터베이스",
                "the bot's Postgres database",
            ),
            (None, _) => ("메모리 (꺼지면 사라져)", "memory only, gone at exit"),
            (Some(_), true) => (
                "이 컴퓨터 사용자 데이터 폴더의 SQLite 파일 (~/.local/share/maeum)",
                "a SQLite file in this computer's user data directory, ~/.local/share/maeum",
            ),
            (Some(_), false) => (
                "봇이 실행되는 폴더의 SQLite 파일",
                "a SQLite file in the folder the bot runs in",
            ),
        }
    }

    /// The notice with its accept action, when `user` has yet to accept it;
    /// `None` when consent is not required, already given, or the user opted out.
    pub async fn consent_notice(&self, user: &UserKey) -> Option<Outgoing> {
        (self.memory(user).await == Memory::NeedsConsent)
            .then(|| self.with_notice(Outgoing::private_command(String::new())))
    }

    pub(super) async fn memory(&self, user: &UserKey) -> Memory {
        match self.store.is_opted_out(user).await {
            Ok(false) => {}
            Ok(true) => return Memory::Forget,
            Err(error) => {
                warn!(%error, "reading the opt-out state failed; this turn is not stored");
                return Memory::Forget;
            }
        }
        if !self.privacy.require_consent {
            return Memory::Remember;
        }
        match self.store.consent(user).await {
            Ok(Some(consent)) if consent.version >= self.privacy.notice_version => Memory::Remember,
            Ok(_) => Memory::NeedsConsent,
            Err(error) => {
                warn!(%error, "reading the consent state failed; this turn is not stored");
                Memory::Forget
            }
        }
    }

    /// `outgoing` with the short notice as its notice part, and accepting
    /// it as the only action (a reply that was not stored has no others).
    pub(super) fn with_notice(&self, outgoing: Outgoing) -> Outgoing {
        let accept = Action::AcceptConsent {
            version: self.privacy.notice_version,
        };
        Outgoing {
            notice: Some(ConsentNotice {
                text: texts::consent_notice(&self.privacy_facts()),
                accept,
            }),
            actions: vec![accept],
            ..outgoing
        }
    }

    /// `/accept` (the current version) or the accept button (its version).
    pub(super) async fn accept_consent(&self, user: &UserKey, version: i64) -> Outgoing {
        if version != self.privacy.notice_version {
            return self.with_notice(Outgoing::command(texts::consent_outdated()));
        }
        match self.store.consent(user).await {
            Ok(Some(consent)) if consent.version >= version => {
                return Outgoing::command(texts::consent_already());
            }
            Ok(_) => {}
            Err(error) => {
                warn!(%error, "reading the consent state failed");
                return Outgoing::command(texts::store_unavailable());
            }
        }
        match self.store.record_consent(user, version).await {
            Ok(_) => {
                info!(platform = %user.platform, version, "privacy notice accepted");
                Outgoing::command(texts::consent_recorded(version))
            }
            Err(StoreError::OptedOut) => Outgoing::command(texts::consent_while_opted_out()),
            Err(error) => {
                warn!(%error, "recording consent failed");
                Outgoing::command(texts::store_unavailable())
            }
        }
    }

    /// For actions that write (regenerate, 👍/👎): the notice instead, when
    /// the current one is not accepted yet.
    pub(super) async fn consent_gate(&self, user: &UserKey) -> Option<Outgoing> {
        (self.memory(user).await == Memory::NeedsConsent)
            .then(|| self.with_notice(Outgoing::command(texts::consent_needed())))
    }
}
