//! `maeum qa`: does the reply reflect the emotion? The original paper's
//! experiment, measured: for each labelled message, a reply written with the
//! emotion in the prompt and one written without it; each reply is read by
//! Maeum's own emotion reader (it learned from counsellors' replies too), and
//! an arm scores by how much of the reading falls in the labelled emotion's
//! group, and how often that group is the reading's first. Both arms side by
//! side, with the paired difference.

use std::fmt;

use serde::Serialize;

use crate::emotion::{Emotion, EmotionLabel, EmotionReader, Utterance};
use crate::reply::{ReplyError, ReplyGenerator, ReplyRequest};

/// One message, its labelled emotion and the two replies as read.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PairedReading {
    /// P(the labelled group) in the reply written with the emotion / without it.
    pub with: f64,
    pub without: f64,
    /// The reply's most likely group is the labelled one.
    pub with_first: bool,
    pub without_first: bool,
}

/// Errors that stop the run: the generator or the reader failed.
#[derive(Debug, thiserror::Error)]
pub enum QaError {
    #[error("writing a reply: {0}")]
    Reply(#[from] ReplyError),
    #[error("reading a reply: {0}")]
    Read(#[from] crate::emotion::EmotionError),
}

/// The reply to `text` with `emotion` named in the prompt, or with none.
fn request(text: &str, emotion: Option<&'static EmotionLabel>) -> ReplyRequest {
    ReplyRequest {
        text: text.to_string(),
        emotion: emotion.map(|label| Emotion { label, score: 1.0 }),
        ..Default::default()
    }
}

/// How much of `reply`'s reading falls in `gold`'s group, and whether that
/// group comes first.
async fn group_share(
    reader: &dyn EmotionReader,
    reply: &str,
    gold: &'static EmotionLabel,
) -> Result<(f64, bool), QaError> {
    let reading = reader.read(Utterance::alone(reply.to_string()), 60).await?;
    let share = reading
        .emotions
        .iter()
        .filter(|e| e.label.group == gold.group)
        .map(|e| f64::from(e.score))
        .sum();
    let first = reading
        .emotions
        .first()
        .is_some_and(|e| e.label.group == gold.group);
    Ok((share, first))
}

/// Writes and reads both replies to `text` labelled `gold`.
pub async fn pair(
    generator: &dyn ReplyGenerator,
    reader: &dyn EmotionReader,
    text: &str,
    gold: &'static EmotionLabel,
) -> Result<PairedReading, QaError> {
    let with_reply = generator.generate(&request(text, Some(gold))).await?;
    let without_reply = generator.generate(&request(text, None)).await?;
    let (with, with_first) = group_share(reader, &with_reply, gold).await?;
    let (without, without_first) = group_share(reader, &without_reply, gold).await?;
    Ok(PairedReading {
        with,
        without,
        with_first,
        without_first,
    })
}

/// One arm's figures.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Arm {
    /// Mean P(labelled group) in the replies' readings.
    pub mean_group_probability: f64,
    /// Replies whose first group is the labelled one.
    pub group_first: usize,
    pub group_first_rate: f64,
}

/// `--json` prints this.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QaReport {
    pub n: usize,
    pub generator: String,
    pub with_emotion: Arm,
    pub without_emotion: Arm,
    /// Mean of (with − without) P(labelled group), and its 95 % interval
    /// (normal approximation over the pairs).
    pub paired_difference: f64,
    pub paired_interval: (f64, f64),
    /// Pairs where only the reply with the emotion (only the one without)
    /// put the labelled group first.
    pub only_with_first: usize,
    pub only_without_first: usize,
}

impl QaReport {
    pub fn of(pairs: &[PairedReading], generator: String) -> QaReport {
        let n = pairs.len();
        let arm = |share: fn(&PairedReading) -> f64, first: fn(&PairedReading) -> bool| {
            let group_first = pairs.iter().filter(|p| first(p)).count();
            Arm {
                mean_group_probability: mean(pairs.iter().map(share)),
                group_first,
                group_first_rate: if n == 0 {
                    0.0
                } else {
                    group_first as f64 / n as f64
                },
            }
        };
        let differences: Vec<f64> = pairs.iter().map(|p| p.with - p.without).collect();
        let difference = mean(differences.iter().copied());
        let spread = if n > 1 {
            let variance = differences
                .iter()
                .map(|d| (d - difference).powi(2))
                .sum::<f64>()
                / (n - 1) as f64;
            1.96 * (variance / n as f64).sqrt()
        } else {
            0.0
        };
        QaReport {
            n,
            generator,
            with_emotion: arm(|p| p.with, |p| p.with_first),
            without_emotion: arm(|p| p.without, |p| p.without_first),
            paired_difference: difference,
            paired_interval: (difference - spread, difference + spread),
            only_with_first: pairs
                .iter()
                .filter(|p| p.with_first && !p.without_first)
                .count(),
            only_without_first: pairs
                .iter()
                .filter(|p| !p.with_first && p.without_first)
                .count(),
        }
    }
}

fn mean(values: impl Iterator<Item = f64>) -> f64 {
    let (sum, count) = values.fold((0.0, 0usize), |(s, c), v| (s + v, c + 1));
    if count == 0 { 0.0 } else { sum / count as f64 }
}

impl fmt::Display for QaReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "messages: {} (replies by {})", self.n, self.generator)?;
        writeln!(
            f,
            "{:<24} {:>22} {:>24}",
            "", "P(labelled group)", "labelled group first"
        )?;
        for (name, arm) in [
            ("with the emotion", &self.with_emotion),
            ("without it", &self.without_emotion),
        ] {
            writeln!(
                f,
                "{name:<24} {:>22.3} {:>16} ({:.1}%)",
                arm.mean_group_probability,
                arm.group_first,
                arm.group_first_rate * 100.0
            )?;
        }
        writeln!(
            f,
            "paired difference (with − without): {:+.3} (95% {:+.3} … {:+.3}); \
             group first only with: {}, only without: {}",
            self.paired_difference,
            self.paired_interval.0,
            self.paired_interval.1,
            self.only_with_first,
            self.only_without_first
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_arms_and_their_paired_difference() {
        let pairs = [
            PairedReading {
                with: 0.8,
                without: 0.2,
                with_first: true,
                without_first: false,
            },
            PairedReading {
                with: 0.6,
                without: 0.4,
                with_first: true,
                without_first: true,
            },
        ];
        let report = QaReport::of(&pairs, "offline".into());
        assert_eq!(report.n, 2);
        assert!((report.with_emotion.mean_group_probability - 0.7).abs() < 1e-9);
        assert!((report.paired_difference - 0.4).abs() < 1e-9);
        assert!(report.paired_interval.0 < 0.4 && report.paired_interval.1 > 0.4);
        assert_eq!((report.only_with_first, report.only_without_first), (1, 0));
        assert_eq!(report.with_emotion.group_first_rate, 1.0);
        assert!(report.to_string().contains("paired difference"));
    }
}
