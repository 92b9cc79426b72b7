//! Scoring predictions: accuracy over the 60 codes (top-1, top-3), over the 58
//! fine names (E43/E51 고립된 and E34/E59 혼란스러운 count as one), over the 6
//! groups (of the top code, and by summed probability), macro-F1 over the
//! codes, a per-class table and accuracy by turn.

use std::collections::BTreeMap;

use serde::Serialize;

use super::Example;
use crate::emotion::{Emotion, TAXONOMY, likeliest_group};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClassRow {
    pub code: &'static str,
    pub group: &'static str,
    pub sub: &'static str,
    /// How many examples have this gold code.
    pub support: usize,
    pub predicted: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TurnRow {
    pub turn: usize,
    pub n: usize,
    pub top1: f64,
}

/// The headline figures; `maeum eval --json` prints this object.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    pub n: usize,
    pub top1: f64,
    pub top3: f64,
    pub fine58: f64,
    pub group6: f64,
    /// The group with the largest summed probability: the group the bot
    /// names when it is not sure of the fine emotion (`emotion::shown`).
    pub group6_summed: f64,
    /// Mean F1 over the codes that occur as gold or prediction.
    pub macro_f1: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    #[serde(flatten)]
    pub summary: Summary,
    pub per_class: Vec<ClassRow>,
    pub by_turn: Vec<TurnRow>,
}

fn ratio(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

/// Scores `predictions[i]` (most likely first) against `examples[i]`.
/// An example with no prediction counts as wrong.
pub fn evaluate(examples: &[Example], predictions: &[Vec<Emotion>]) -> Report {
    let index = |code: &str| TAXONOMY.iter().position(|l| l.code == code);
    let mut support = [0usize; 60];
    let mut predicted = [0usize; 60];
    let mut correct = [0usize; 60];
    let (mut top1, mut top3, mut fine, mut group, mut group_summed) = (0, 0, 0, 0, 0);
    let mut turns: BTreeMap<usize, (usize, usize)> = BTreeMap::new();

    for (example, prediction) in examples
        .iter()
        .zip(predictions.iter().map(Some).chain(std::iter::repeat(None)))
    {
        let gold = example.gold;
        let gold_index = index(gold.code).unwrap_or(0);
        support[gold_index] += 1;
        let best = prediction.and_then(|p| p.first());
        let hit = best.is_some_and(|b| b.label.code == gold.code);
        let turn = turns.entry(example.turn).or_default();
        turn.0 += 1;
        if let Some(best) = best {
            predicted[index(best.label.code).unwrap_or(0)] += 1;
            fine += usize::from(best.label.sub == gold.sub);
            group += usize::from(best.label.group == gold.group);
        }
        group_summed += usize::from(
            prediction
                .and_then(|p| likeliest_group(p))
                .is_some_and(|(g, _)| g == gold.group),
        );
        if hit {
            top1 += 1;
            correct[gold_index] += 1;
            turn.1 += 1;
        }
        if prediction.is_some_and(|p| p.iter().take(3).any(|e| e.label.code == gold.code)) {
            top3 += 1;
        }
    }

    let per_class: Vec<ClassRow> = TAXONOMY
        .iter()
        .enumerate()
        .map(|(i, label)| {
            let precision = ratio(correct[i], predicted[i]);
            let recall = ratio(correct[i], support[i]);
            let f1 = if precision + recall == 0.0 {
                0.0
            } else {
                2.0 * precision * recall / (precision + recall)
            };
            ClassRow {
                code: label.code,
                group: label.group.korean(),
                sub: label.sub,
                support: support[i],
                predicted: predicted[i],
                precision,
                recall,
                f1,
            }
        })
        .collect();
    let present: Vec<&ClassRow> = per_class
        .iter()
        .filter(|c| c.support + c.predicted > 0)
        .collect();
    let macro_f1 = if present.is_empty() {
        0.0
    } else {
        present.iter().map(|c| c.f1).sum::<f64>() / present.len() as f64
    };
    let n = examples.len();
    Report {
        summary: Summary {
            n,
            top1: ratio(top1, n),
            top3: ratio(top3, n),
            fine58: ratio(fine, n),
            group6: ratio(group, n),
            group6_summed: ratio(group_summed, n),
            macro_f1,
        },
        per_class,
        by_turn: turns
            .into_iter()
            .map(|(turn, (n, hits))| TurnRow {
                turn,
                n,
                top1: ratio(hits, n),
            })
            .collect(),
    }
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let pct = |x: f64| format!("{:5.1}%", x * 100.0);
        let s = &self.summary;
        writeln!(f, "n          {}", s.n)?;
        writeln!(f, "top-1      {}   (60 codes)", pct(s.top1))?;
        writeln!(f, "top-3      {}", pct(s.top3))?;
        writeln!(f, "fine-58    {}   (fine emotion names)", pct(s.fine58))?;
        writeln!(
            f,
            "group-6    {}   (group of the top code; {} by summed probability)",
            pct(s.group6),
            pct(s.group6_summed)
        )?;
        writeln!(f, "macro-F1   {:.4}", s.macro_f1)?;
        writeln!(f, "\nby turn")?;
        for row in &self.by_turn {
            writeln!(
                f,
                "  turn {:<3} n {:<6} top-1 {}",
                row.turn,
                row.n,
                pct(row.top1)
            )?;
        }
        writeln!(
            f,
            "\nper class  code group  support predicted precision recall  f1      fine emotion"
        )?;
        for row in self
            .per_class
            .iter()
            .filter(|c| c.support + c.predicted > 0)
        {
            writeln!(
                f,
                "           {} {}   {:>7} {:>9} {:>9} {:>6} {:.3}   {}",
                row.code,
                row.group,
                row.support,
                row.predicted,
                pct(row.precision),
                pct(row.recall),
                row.f1,
                row.sub
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emotion::{EmotionLabel, Utterance};

    fn example(code: &str, turn: usize) -> Example {
        Example {
            utterance: Utterance::alone("x"),
            turn,
            gold: EmotionLabel::by_code(code).unwrap(),
        }
    }

    fn predict(codes: &[&str]) -> Vec<Emotion> {
        codes
            .iter()
            .map(|c| Emotion {
                label: EmotionLabel::by_code(c).unwrap(),
                score: 0.5,
            })
            .collect()
    }

    #[test]
    fn metrics_match_hand_computed_answers() {
        let examples = vec![
            example("E24", 1), // right
            example("E24", 2), // wrong code, same group (E20), second guess right
            example("E43", 1), // E51: other group, same fine name 고립된
            example("E60", 3), // wrong group, not in top 3
        ];
        let predictions = vec![
            predict(&["E24", "E20"]),
            predict(&["E20", "E24", "E60"]),
            predict(&["E51"]),
            predict(&["E10", "E11", "E12", "E60"]),
        ];
        let r = evaluate(&examples, &predictions);
        assert_eq!(r.summary.n, 4);
        assert_eq!(r.summary.top1, 0.25);
        assert_eq!(r.summary.top3, 0.5);
        assert_eq!(r.summary.fine58, 0.5);
        assert_eq!(r.summary.group6, 0.5);
        assert_eq!(r.summary.group6_summed, 0.5);
        // Classes present: E24 (p 1, r .5, f1 2/3), E20 (p 0), E43 (r 0), E51 (p 0), E60 (r 0), E10 (p 0).
        assert!(
            (r.summary.macro_f1 - (2.0 / 3.0) / 6.0).abs() < 1e-12,
            "{}",
            r.summary.macro_f1
        );
        let e24 = r.per_class.iter().find(|c| c.code == "E24").unwrap();
        assert_eq!((e24.support, e24.predicted), (2, 1));
        assert_eq!((e24.precision, e24.recall), (1.0, 0.5));
        assert_eq!(
            r.by_turn,
            vec![
                TurnRow {
                    turn: 1,
                    n: 2,
                    top1: 0.5
                },
                TurnRow {
                    turn: 2,
                    n: 1,
                    top1: 0.0
                },
                TurnRow {
                    turn: 3,
                    n: 1,
                    top1: 0.0
                },
            ]
        );
    }

    #[test]
    fn missing_predictions_count_as_wrong() {
        let r = evaluate(
            &[example("E24", 1), example("E24", 1)],
            &[predict(&["E24"])],
        );
        assert_eq!(r.summary.top1, 0.5);
        assert_eq!(
            r.per_class
                .iter()
                .find(|c| c.code == "E24")
                .unwrap()
                .support,
            2
        );
    }

    #[test]
    fn the_summed_group_can_differ_from_the_top_codes_group() {
        let scored = |pairs: &[(&str, f32)]| -> Vec<Emotion> {
            pairs
                .iter()
                .map(|(code, score)| Emotion {
                    label: EmotionLabel::by_code(code).unwrap(),
                    score: *score,
                })
                .collect()
        };
        // Top code E10 (분노), but 슬픔 (E20…) holds more in all: the bot
        // would name 슬픔, and gold is 슬픔.
        let r = evaluate(
            &[example("E24", 1), example("E24", 1)],
            &[
                scored(&[("E10", 0.3), ("E24", 0.25), ("E25", 0.25), ("E60", 0.2)]),
                scored(&[("E10", 0.5), ("E24", 0.3), ("E60", 0.2)]),
            ],
        );
        assert_eq!(r.summary.group6, 0.0);
        assert_eq!(r.summary.group6_summed, 0.5);
    }
}
