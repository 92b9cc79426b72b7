//! How far the reader's probabilities can be believed, and what showing only
//! confident fine emotions buys: the expected calibration error of the top-1
//! probability, the temperature that would calibrate the probabilities on
//! this file, and — for a threshold on the top-1 probability — how often the
//! fine emotion is shown (the group otherwise, as the bot does with
//! [`crate::emotion::shown`]) and how often what is shown is right.

use serde::Serialize;

use super::Example;
use crate::emotion::{Emotion, EmotionLabel, ShownAt, TAXONOMY, shown, temper};

/// Equal-width confidence bins of the calibration error.
const BINS: usize = 15;
/// Thresholds reported in the sweep.
const SWEEP: [f32; 9] = [0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7];

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShownRow {
    /// The fine threshold (the group threshold is the configured one).
    pub threshold: f32,
    /// Share of readings shown as their fine emotion.
    pub shown_fine: f64,
    /// Share of readings shown with no emotion (nothing stood out).
    pub shown_none: f64,
    /// Share of the shown emotions (fine or group) that are right.
    pub correct_as_shown: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Calibration {
    /// Expected calibration error of the top-1 probability, as read.
    pub ece: f64,
    /// The temperature minimising the negative log-likelihood of the gold
    /// codes here (apply on the validation part only), and the error with it.
    pub best_temperature: f32,
    pub ece_at_best_temperature: f64,
    /// At the threshold the bot is configured with.
    #[serde(flatten)]
    pub at_threshold: ShownRow,
    pub sweep: Vec<ShownRow>,
}

/// The distribution of a prediction over every label, in taxonomy order.
pub(super) fn distribution(prediction: &[Emotion]) -> Vec<f32> {
    let mut p = vec![0f32; TAXONOMY.len()];
    for emotion in prediction {
        if let Some(i) = TAXONOMY.iter().position(|l| l.code == emotion.label.code) {
            p[i] = emotion.score;
        }
    }
    p
}

/// The prediction from a distribution in taxonomy order, most likely first.
fn emotions(p: &[f32]) -> Vec<Emotion> {
    let mut all: Vec<Emotion> = TAXONOMY
        .iter()
        .zip(p)
        .map(|(label, score)| Emotion {
            label,
            score: *score,
        })
        .collect();
    all.sort_by(|a, b| b.score.total_cmp(&a.score));
    all
}

fn ece(examples: &[Example], predictions: &[Vec<Emotion>]) -> f64 {
    let mut bins = [(0usize, 0f64, 0usize); BINS];
    for (example, prediction) in examples.iter().zip(predictions) {
        let Some(best) = prediction.first() else {
            continue;
        };
        let bin = ((best.score as f64 * BINS as f64) as usize).min(BINS - 1);
        bins[bin].0 += 1;
        bins[bin].1 += best.score as f64;
        bins[bin].2 += usize::from(best.label.code == example.gold.code);
    }
    let n: usize = bins.iter().map(|b| b.0).sum();
    if n == 0 {
        return 0.0;
    }
    bins.iter()
        .filter(|b| b.0 > 0)
        .map(|(count, confidence, hits)| {
            let gap = (confidence / *count as f64 - *hits as f64 / *count as f64).abs();
            gap * *count as f64 / n as f64
        })
        .sum()
}

fn shown_row(examples: &[Example], predictions: &[Vec<Emotion>], at: ShownAt) -> ShownRow {
    let (mut fine, mut none, mut right, mut n) = (0usize, 0usize, 0usize, 0usize);
    for (example, prediction) in examples.iter().zip(predictions) {
        n += 1;
        let Some(shown) = shown(prediction, at) else {
            none += 1;
            continue;
        };
        let as_fine = prediction.first().is_some_and(|b| b.score >= at.fine);
        fine += usize::from(as_fine);
        right += usize::from(if as_fine {
            shown.label.code == example.gold.code
        } else {
            shown.label.group == example.gold.group
        });
    }
    let share = |k: usize, of: usize| if of == 0 { 0.0 } else { k as f64 / of as f64 };
    ShownRow {
        threshold: at.fine,
        shown_fine: share(fine, n),
        shown_none: share(none, n),
        correct_as_shown: share(right, n - none),
    }
}

fn negative_log_likelihood(examples: &[Example], distributions: &[Vec<f32>], t: f32) -> f64 {
    examples
        .iter()
        .zip(distributions)
        .map(|(example, p)| {
            let gold = TAXONOMY
                .iter()
                .position(|l: &EmotionLabel| l.code == example.gold.code)
                .unwrap_or(0);
            -(temper(p, t)[gold].max(1e-12) as f64).ln()
        })
        .sum()
}

/// Scores `predictions` (full distributions, most likely first) against
/// `examples`, showing emotions as `at` says; the sweep varies the fine
/// threshold.
pub fn calibrate(examples: &[Example], predictions: &[Vec<Emotion>], at: ShownAt) -> Calibration {
    let distributions: Vec<Vec<f32>> = predictions.iter().map(|p| distribution(p)).collect();
    let best_temperature = (10..=60)
        .map(|step| step as f32 * 0.05)
        .min_by(|a, b| {
            negative_log_likelihood(examples, &distributions, *a)
                .total_cmp(&negative_log_likelihood(examples, &distributions, *b))
        })
        .unwrap_or(1.0);
    let tempered: Vec<Vec<Emotion>> = distributions
        .iter()
        .map(|p| emotions(&temper(p, best_temperature)))
        .collect();
    Calibration {
        ece: ece(examples, predictions),
        best_temperature,
        ece_at_best_temperature: ece(examples, &tempered),
        at_threshold: shown_row(examples, predictions, at),
        sweep: SWEEP
            .iter()
            .map(|fine| shown_row(examples, predictions, ShownAt { fine: *fine, ..at }))
            .collect(),
    }
}

impl std::fmt::Display for Calibration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let pct = |x: f64| format!("{:5.1}%", x * 100.0);
        writeln!(f, "calibration error (ECE, top-1)  {:.3}", self.ece)?;
        writeln!(
            f,
            "temperature fitted here          {:.2} (ECE {:.3})",
            self.best_temperature, self.ece_at_best_temperature
        )?;
        writeln!(
            f,
            "shown as fine from p >= {:.2}:    {} shown fine, {} shown none, {} of shown tags right at their level",
            self.at_threshold.threshold,
            pct(self.at_threshold.shown_fine),
            pct(self.at_threshold.shown_none),
            pct(self.at_threshold.correct_as_shown)
        )?;
        writeln!(f, "threshold  shown fine  shown none  correct as shown")?;
        for row in &self.sweep {
            writeln!(
                f,
                "  {:.2}       {}      {}      {}",
                row.threshold,
                pct(row.shown_fine),
                pct(row.shown_none),
                pct(row.correct_as_shown)
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emotion::Utterance;

    fn example(code: &str) -> Example {
        Example {
            utterance: Utterance::alone("x"),
            turn: 1,
            gold: EmotionLabel::by_code(code).unwrap(),
        }
    }

    fn reading(scores: &[(&str, f32)]) -> Vec<Emotion> {
        scores
            .iter()
            .map(|(code, score)| Emotion {
                label: EmotionLabel::by_code(code).unwrap(),
                score: *score,
            })
            .collect()
    }

    #[test]
    fn fine_when_confident_group_when_not_and_each_scored_at_its_level() {
        let examples = [example("E24"), example("E22"), example("E31")];
        let predictions = [
            // Confident and right.
            reading(&[("E24", 0.8), ("E31", 0.2)]),
            // Unsure: the fine label (E31) would be wrong, its group (슬픔) is right.
            reading(&[("E31", 0.3), ("E24", 0.25), ("E22", 0.2), ("E10", 0.25)]),
            // Confident and wrong.
            reading(&[("E60", 0.9), ("E31", 0.1)]),
        ];
        let at = ShownAt {
            fine: 0.4,
            group: 0.35,
        };
        let c = calibrate(&examples, &predictions, at);
        assert!((c.at_threshold.shown_fine - 2.0 / 3.0).abs() < 1e-9);
        assert_eq!(c.at_threshold.shown_none, 0.0);
        assert!((c.at_threshold.correct_as_shown - 2.0 / 3.0).abs() < 1e-9);
        // Bins: 0.8 right, 0.3 wrong, 0.9 wrong → |0.8-1|/3 + |0.3-0|/3 + |0.9-0|/3.
        assert!((c.ece - (0.2 + 0.3 + 0.9) / 3.0).abs() < 1e-6, "{}", c.ece);
        assert_eq!(c.sweep.len(), SWEEP.len());
    }

    #[test]
    fn an_overconfident_reader_is_fitted_a_temperature_above_one() {
        // Always 0.95 sure, right half the time: flattening helps.
        let examples: Vec<Example> = (0..20)
            .map(|i| example(if i % 2 == 0 { "E24" } else { "E31" }))
            .collect();
        let predictions: Vec<Vec<Emotion>> = (0..20)
            .map(|_| reading(&[("E24", 0.95), ("E31", 0.05)]))
            .collect();
        let at = ShownAt {
            fine: 0.4,
            group: 0.0,
        };
        let c = calibrate(&examples, &predictions, at);
        assert!(c.best_temperature > 1.0, "{}", c.best_temperature);
        assert!(c.ece_at_best_temperature < c.ece);
    }
}
