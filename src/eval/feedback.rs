//! The feedback report (`maeum report`, `/admin stats`): how often replies
//! got 👍 or 👎, by emotion group, by generator and model, by prompt format
//! and by platform, over a window of days. Counts only, never texts.
//!
//! Corrections are the turns whose emotion the user said was not how they
//! felt: their rate, by the group read, says where the reader errs.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

use crate::emotion::EmotionLabel;
use crate::store::{Feedback, FeedbackCount};

/// Replies and the feedback they got.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Rates {
    /// Replies written (turns with a reply).
    pub replies: i64,
    pub up: i64,
    pub down: i64,
    /// `up / replies`, 0 when there are none.
    pub up_rate: f64,
    pub down_rate: f64,
    /// Replies whose emotion the user corrected ("not how I feel").
    pub corrected: i64,
    pub corrected_rate: f64,
}

impl Rates {
    fn add(&mut self, count: &FeedbackCount) {
        self.replies += count.turns;
        match count.feedback {
            Some(Feedback::Up) => self.up += count.turns,
            Some(Feedback::Down) => self.down += count.turns,
            None => {}
        }
        if count.corrected {
            self.corrected += count.turns;
        }
        let rate = |n: i64| {
            if self.replies == 0 {
                0.0
            } else {
                n as f64 / self.replies as f64
            }
        };
        self.up_rate = rate(self.up);
        self.down_rate = rate(self.down);
        self.corrected_rate = rate(self.corrected);
    }
}

/// The whole report; `--json` prints it as one object.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct FeedbackReport {
    pub days: u32,
    pub total: Rates,
    /// By the emotion group read from the message (`none`: no emotion read).
    pub by_emotion_group: BTreeMap<String, Rates>,
    /// By generator and model (`openai:gpt-4o-mini`, `offline`).
    pub by_generator: BTreeMap<String, Rates>,
    /// By prompt format (`tagged`, `original`; `none`: not written by the language model).
    pub by_prompt_format: BTreeMap<String, Rates>,
    pub by_platform: BTreeMap<String, Rates>,
}

impl FeedbackReport {
    /// The report of `counts` (`Store::feedback_counts` over the last `days`).
    pub fn of(counts: &[FeedbackCount], days: u32) -> FeedbackReport {
        let mut report = FeedbackReport {
            days,
            ..FeedbackReport::default()
        };
        for count in counts {
            let group = count
                .emotion_code
                .as_deref()
                .and_then(EmotionLabel::by_code)
                .map_or("none", |label| label.group.english());
            report.total.add(count);
            for (table, key) in [
                (&mut report.by_emotion_group, group),
                (&mut report.by_generator, count.generator.as_str()),
                (
                    &mut report.by_prompt_format,
                    count.prompt_format.as_deref().unwrap_or("none"),
                ),
                (&mut report.by_platform, count.platform.as_str()),
            ] {
                table.entry(key.to_string()).or_default().add(count);
            }
        }
        report
    }
}

impl fmt::Display for FeedbackReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let line = |f: &mut fmt::Formatter<'_>, name: &str, r: &Rates| {
            writeln!(
                f,
                "  {name:<24} {:>6} replies  👍 {:>5} ({:>5.1}%)  👎 {:>5} ({:>5.1}%)  corrected {:>5} ({:>5.1}%)",
                r.replies,
                r.up,
                r.up_rate * 100.0,
                r.down,
                r.down_rate * 100.0,
                r.corrected,
                r.corrected_rate * 100.0
            )
        };
        writeln!(f, "피드백 feedback, 최근 {} days (counts only):", self.days)?;
        line(f, "all", &self.total)?;
        for (title, table) in [
            ("emotion group", &self.by_emotion_group),
            ("generator", &self.by_generator),
            ("prompt format", &self.by_prompt_format),
            ("platform", &self.by_platform),
        ] {
            writeln!(f, " by {title}:")?;
            for (name, rates) in table {
                line(f, name, rates)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(code: Option<&str>, feedback: Option<Feedback>, turns: i64) -> FeedbackCount {
        FeedbackCount {
            platform: "telegram".into(),
            generator: "openai:m".into(),
            prompt_format: Some("tagged".into()),
            emotion_code: code.map(str::to_string),
            feedback,
            corrected: false,
            turns,
        }
    }

    #[test]
    fn rates_are_counted_per_dimension() {
        let counts = [
            count(Some("E24"), Some(Feedback::Up), 3),
            count(Some("E24"), None, 5),
            count(Some("E60"), Some(Feedback::Down), 2),
            count(None, None, 2),
        ];
        let report = FeedbackReport::of(&counts, 7);
        assert_eq!(
            (report.total.replies, report.total.up, report.total.down),
            (12, 3, 2)
        );
        let sad = report.by_emotion_group["sadness"];
        assert_eq!((sad.replies, sad.up, sad.down), (8, 3, 0));
        assert!((sad.up_rate - 0.375).abs() < 1e-9);
        assert_eq!(report.by_emotion_group["joy"].down_rate, 1.0);
        assert_eq!(report.by_emotion_group["none"].replies, 2);
        assert_eq!(report.by_platform["telegram"].replies, 12);
        assert!(report.to_string().contains("prompt format"));
    }
}
