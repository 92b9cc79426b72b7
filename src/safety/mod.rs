//! Safety around the reply: personal data is masked before text leaves for the
//! language model ([`redact`]), and messages that suggest suicide or self-harm
//! are recognised ([`crisis`]) so the pipeline answers them with care and always
//! with the crisis lines.
//!
//! Each message is read in its conversation ([`crisis::read`]): a severity
//! (imminent, risk, concern for someone else) decides what the reply leads
//! with ([`Safety::crisis_resources`]).
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
use crate::emotion::{CrisisSignal, Emotion};

pub use crisis::{Category, CrisisAssessment, CrisisReading, SetAside, Severity, assess};
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

    /// Reads a new message, with the writer's recent messages (oldest
    /// first), when crisis detection is on. A crisis is counted and logged as
    /// `crisis_detected` with its severity, category and platform — never the
    /// text or the user.
    pub fn check_message(
        &self,
        text: &str,
        earlier: &[&str],
        emotion: Option<&Emotion>,
        signal: Option<&CrisisSignal>,
        platform: &str,
    ) -> CrisisReading {
        let reading = self.reassess(text, earlier, emotion, signal);
        if reading.cleared_by_model {
            info!(
                event = "crisis_cleared_by_model",
                platform, "a weak rules reading was cleared by the crisis model"
            );
        }
        if reading.is_crisis() {
            self.metrics.record_crisis();
            info!(
                event = "crisis_detected",
                severity = reading.severity.as_str(),
                category = reading.category.map_or(
                    if reading.learned {
                        "learned"
                    } else {
                        "conversation"
                    },
                    Category::as_str
                ),
                from_conversation = reading.from_conversation,
                learned = reading.learned,
                platform,
                "crisis_detected"
            );
        }
        reading
    }

    /// Whether the model's crisis signal is read with the rules.
    pub fn uses_learned_signal(&self) -> bool {
        self.settings.crisis.enabled && self.settings.crisis.learned_signal
    }

    /// Reads a message already seen (e.g. the one a reply is regenerated
    /// for): neither counted nor logged again.
    pub fn reassess(
        &self,
        text: &str,
        earlier: &[&str],
        emotion: Option<&Emotion>,
        signal: Option<&CrisisSignal>,
    ) -> CrisisReading {
        if self.settings.crisis.enabled {
            let signal = signal.filter(|_| self.uses_learned_signal()).map(|s| {
                if self.settings.crisis.lexical_signal {
                    *s
                } else {
                    s.without_lexical()
                }
            });
            crisis::read(text, earlier, emotion, signal.as_ref())
        } else {
            CrisisReading::none()
        }
    }

    /// Masks personal data in `text` as the settings say (a copy only when
    /// something was masked).
    pub fn redact<'a>(&self, text: &'a str) -> std::borrow::Cow<'a, str> {
        redact(text, &self.settings.redaction)
    }

    /// The crisis resources to show with a reply to `message` read as
    /// `severity`, for the configured locale and then the message's own
    /// language when it has a list (an English message to a Korean
    /// deployment gets both): emergency numbers first when the danger may be
    /// imminent; how to help, for someone worried about another person; the
    /// crisis lines; a check-in question when there is risk. Empty for
    /// [`Severity::None`].
    pub fn crisis_resources(&self, message: &str, severity: Severity) -> String {
        if !severity.is_crisis() {
            return String::new();
        }
        let mut locales = vec![self.settings.locale.as_str()];
        if let Some(language) = message_language(message)
            && language != self.settings.locale
        {
            locales.push(language);
        }
        let mut blocks: Vec<String> = Vec::new();
        for locale in &locales {
            let Some(lines) = self.settings.crisis_lines.get(*locale) else {
                continue;
            };
            let own_language = message_language(message) == Some(*locale);
            let mut block: Vec<String> = Vec::new();
            if severity == Severity::Imminent {
                block.extend(non_empty(&lines.emergency).map(str::to_string));
            }
            if severity == Severity::Concern {
                block.extend(non_empty(&lines.helping_others).map(str::to_string));
            }
            let mut list = lines.heading.trim().to_string();
            for line in non_empty(&lines.lines) {
                list.push_str("\n• ");
                list.push_str(line);
            }
            block.push(list);
            // A message in a language other than the deployment's gets its
            // own emergency line even without imminence: local numbers differ.
            if severity != Severity::Imminent && own_language && *locale != locales[0] {
                block.extend(non_empty(&lines.emergency).map(str::to_string));
            }
            if severity == Severity::Risk && own_language && !lines.check_in.trim().is_empty() {
                block.push(lines.check_in.trim().to_string());
            }
            blocks.push(block.join("\n"));
        }
        blocks.join("\n\n")
    }
}

fn non_empty(lines: &[String]) -> impl Iterator<Item = &str> {
    lines.iter().map(|l| l.trim()).filter(|l| !l.is_empty())
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
        let lines = safety.crisis_resources("다 끝내고 싶어", Severity::Risk);
        assert!(
            lines.contains("109") && lines.contains("1577-0199"),
            "{lines}"
        );
        assert!(!lines.contains("988"), "{lines}");
    }

    #[test]
    fn an_english_message_gets_both_lists_korean_first() {
        let safety = Safety::new(SafetySettings::default());
        let lines = safety.crisis_resources("I want to die", Severity::Risk);
        let korean = lines.find("109").expect("the Korean lines");
        let english = lines.find("988").expect("the English lines");
        assert!(korean < english, "{lines}");
    }

    #[test]
    fn detection_can_be_switched_off() {
        let mut settings = SafetySettings::default();
        settings.crisis.enabled = false;
        let safety = Safety::new(settings);
        assert!(
            !safety
                .check_message("죽고 싶어", &[], None, None, "test")
                .is_crisis()
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
