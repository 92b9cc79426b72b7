//! `[safety]`: masking personal data before text leaves for the language
//! model, and the crisis reply (see `crate::safety`).

use std::collections::BTreeMap;

use figment::Figment;
use figment::providers::{Format, Toml};
use serde::Deserialize;

use super::{ConfigError, DEFAULT_TOML, invalid};

/// Masking personal data before text leaves for the language model, and the
/// crisis reply (see `crate::safety`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SafetySettings {
    /// The crisis lines always shown with a crisis reply: a key of `crisis_lines`.
    pub locale: String,
    pub redaction: RedactionSettings,
    pub crisis: CrisisSettings,
    /// Crisis lines per locale (`ko`, `en`, …).
    pub crisis_lines: BTreeMap<String, CrisisLines>,
}

impl Default for SafetySettings {
    /// The `[safety]` section of `config/default.toml`, so the defaults live in one place.
    fn default() -> Self {
        Figment::from(Toml::string(DEFAULT_TOML))
            .extract_inner("safety")
            // The compiled-in defaults are checked by a unit test in `config::tests`.
            .expect("config/default.toml has a valid [safety] section")
    }
}

impl SafetySettings {
    pub(super) fn validate(&self) -> Result<(), ConfigError> {
        // A crisis reply without a line to call would be worse than none.
        match self.crisis_lines.get(&self.locale) {
            Some(lines) if lines.lines.iter().any(|l| !l.trim().is_empty()) => Ok(()),
            _ => invalid(
                "safety.locale",
                "must name a [safety.crisis_lines.<locale>] section with at least one line",
            ),
        }
    }
}

/// Which kinds of personal data are masked before text is sent to the LLM.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedactionSettings {
    pub phone: bool,
    pub email: bool,
    pub resident_id: bool,
    pub card: bool,
}

impl RedactionSettings {
    /// Every kind off: text goes out unchanged.
    pub const OFF: RedactionSettings = RedactionSettings {
        phone: false,
        email: false,
        resident_id: false,
        card: false,
    };
    /// Every kind on.
    pub const ALL: RedactionSettings = RedactionSettings {
        phone: true,
        email: true,
        resident_id: true,
        card: true,
    };

    /// Whether any kind is masked.
    pub fn any(&self) -> bool {
        self.phone || self.email || self.resident_id || self.card
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CrisisSettings {
    /// Look for signs of suicide or self-harm and answer them with the crisis lines.
    pub enabled: bool,
    /// Let the crisis model raise readings the rules miss (docs/safety.md:
    /// what it adds, and its false alarms).
    pub learned_signal: bool,
    /// With it, let the crisis model's lexical partner (character n-grams of
    /// the message) raise a message both the rules and the encoder read as
    /// none (docs/safety.md).
    pub lexical_signal: bool,
}

/// One locale's crisis lines and the sentence introducing them.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CrisisLines {
    pub heading: String,
    pub lines: Vec<String>,
    /// Shown first when the danger may be imminent (and, for a message in
    /// this locale's language when it is not the deployment's, always):
    /// emergency numbers.
    #[serde(default)]
    pub emergency: Vec<String>,
    /// A warm question after the lines when there is risk without imminence.
    #[serde(default)]
    pub check_in: String,
    /// How to help someone else who may be in danger.
    #[serde(default)]
    pub helping_others: Vec<String>,
}
