//! `[privacy]`: consent and retention. The encryption keys are secrets
//! (`MAEUM_DATA_KEY`); they are read into [`super::Secrets`] and turned into a
//! cipher by `crate::app`, which checks them.

use serde::Deserialize;

use super::{ConfigError, invalid};

/// Consent and retention; keys for encryption come from `MAEUM_DATA_KEY`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrivacySettings {
    /// Store nothing about a user until they accept the privacy notice.
    pub require_consent: bool,
    /// The notice's version; raising it asks every user to accept again.
    pub notice_version: i64,
    /// Messages older than this many days are deleted; 0 keeps them.
    pub retention_days: u32,
    /// How often the retention job runs (it also runs at start).
    pub retention_interval_minutes: u64,
    /// `maeum export-training` may write consented users' 👍 turns as
    /// training data for the emotion model (`/privacy` then says so).
    pub training_export: bool,
}

impl PrivacySettings {
    pub(super) fn validate(&self) -> Result<(), ConfigError> {
        if self.notice_version < 1 {
            return invalid("privacy.notice_version", "must be at least 1");
        }
        if self.retention_interval_minutes == 0 {
            return invalid("privacy.retention_interval_minutes", "must be at least 1");
        }
        Ok(())
    }
}
