//! Safety around the reply: personal data is masked before text leaves for the
//! language model ([`redact`]), and messages that suggest suicide or self-harm
//! are recognised ([`crisis`]) so the pipeline answers them with care and always
//! with the crisis lines.
//!
//! [`Safety`] is the pipeline's handle on both, with the settings and the
//! [`SafetyMetrics`]: crisis events are counted in memory, never with their
//! text, and logged as a structured `crisis_detected` event without the text.

pub mod crisis;
pub mod redact;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use tracing::info;

use crate::config::SafetySettings;
use crate::emotion::Emotion;
use crate::reply::ReplyRequest;

pub use crisis::{Category, CrisisAssessment, SetAside, assess};
pub use redact::{PiiKind, redact};

/// Counts kept since start, in memory only: how many messages were answered
/// as a crisis. No text, no user.
#[derive(Debug, Default)]
pub struct SafetyMetrics {
    crisis_events: AtomicU64,
}

impl SafetyMetrics {
    /// Messages recognised as a crisis since start.
    pub fn crisis_events(&self) -> u64 {
        self.crisis_events.load(Ordering::Relaxed)
    }

    fn record_crisis(&self) {
        self.crisis_events.fetch_add(1, Ordering::Relaxed);
    }
}

/// The settings and counters of the safety step.
#[derive(Debug)]
pub struct Safety {
    settings: SafetySettings,
    metrics: Arc<SafetyMetrics>,
}

impl Safety {
    pub fn new(settings: SafetySettings) -> Safety {
        Safety {
            settings,
            metrics: Arc::new(SafetyMetrics::default()),
        }
    }

    pub fn settings(&self) -> &SafetySettings {
        &self.settings
    }

    pub fn metrics(&self) -> &Arc<SafetyMetrics> {
        &self.metrics
    }

    /// Assesses a new message (when crisis detection is on). A crisis is
    /// counted and logged as `crisis_detected` with its category and platform
    /// — never the text or the user.
    pub fn check_message(
        &self,
        text: &str,
        emotion: Option<&Emotion>,
        platform: &str,
    ) -> CrisisAssessment {
        let assessment = self.reassess(text, emotion);
        if let CrisisAssessment::Crisis(category) = assessment {
            self.metrics.record_crisis();
            info!(
                event = "crisis_detected",
                category = category.as_str(),
                platform,
                "crisis_detected"
            );
        }
        assessment
    }

    /// Assesses a message already seen (e.g. the one a reply is regenerated
    /// for): neither counted nor logged again.
    pub fn reassess(&self, text: &str, emotion: Option<&Emotion>) -> CrisisAssessment {
        if self.settings.crisis.enabled {
            assess(text, emotion)
        } else {
            CrisisAssessment::Clear
        }
    }

    /// Masks personal data in everything `request` would send to the language
    /// model: the message, the earlier exchanges, the reply to avoid and the name.
    pub fn redact_request(&self, request: &mut ReplyRequest) {
        let settings = &self.settings.redaction;
        let mask = |text: &mut String| {
            if let std::borrow::Cow::Owned(masked) = redact(text, settings) {
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

    /// The crisis lines to show under a reply to `message`: the configured
    /// locale's, then those of the message's own language when it has a list
    /// (an English message to a Korean deployment gets both).
    pub fn crisis_lines(&self, message: &str) -> String {
        let mut locales = vec![self.settings.locale.as_str()];
        if let Some(language) = message_language(message)
            && language != self.settings.locale
        {
            locales.push(language);
        }
        let mut text = String::new();
        for locale in locales {
            let Some(lines) = self.settings.crisis_lines.get(locale) else {
                continue;
            };
            if !text.is_empty() {
                text.push_str("\n\n");
            }
            text.push_str(lines.heading.trim());
            for line in lines.lines.iter().filter(|l| !l.trim().is_empty()) {
                text.push_str("\n• ");
                text.push_str(line.trim());
            }
        }
        text
    }
}

/// The language a message is written in, as a crisis-lines locale: `ko` when
/// it has Hangul, `en` when it has Latin letters and no Hangul, else `None`.
pub fn message_language(text: &str) -> Option<&'static str> {
    let hangul = text
        .chars()
        .any(|c| matches!(c as u32, 0xAC00..=0xD7A3 | 0x1100..=0x11FF | 0x3130..=0x318F));
    if hangul {
        Some("ko")
    } else if text.chars().any(|c| c.is_ascii_alphabetic()) {
        Some("en")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_korean_message_gets_the_korean_lines_only() {
        let safety = Safety::new(SafetySettings::default());
        let lines = safety.crisis_lines("다 끝내고 싶어");
        assert!(
            lines.contains("109") && lines.contains("1577-0199"),
            "{lines}"
        );
        assert!(!lines.contains("988"), "{lines}");
    }

    #[test]
    fn an_english_message_gets_both_lists_korean_first() {
        let safety = Safety::new(SafetySettings::default());
        let lines = safety.crisis_lines("I want to die");
        let korean = lines.find("109").expect("the Korean lines");
        let english = lines.find("988").expect("the English lines");
        assert!(korean < english, "{lines}");
    }

    #[test]
    fn detection_can_be_switched_off() {
        let mut settings = SafetySettings::default();
        settings.crisis.enabled = false;
        let safety = Safety::new(settings);
        assert_eq!(
            safety.check_message("죽고 싶어", None, "test"),
            CrisisAssessment::Clear
        );
        assert_eq!(safety.metrics().crisis_events(), 0);
    }

    #[test]
    fn message_language_reads_the_script() {
        assert_eq!(message_language("안녕 hi"), Some("ko"));
        assert_eq!(message_language("hello"), Some("en"));
        assert_eq!(message_language("123 !!"), None);
    }
}
