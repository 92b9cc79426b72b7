//! `maeum safety-eval`: measure the crisis detector on a labelled file.
//!
//! The file is JSON Lines, one case a line:
//! `{"id", "lang", "category", "crisis": bool, "severity":
//! "imminent"|"risk"|"concern"|"none", "context": [earlier messages], "text"}`
//! (the layout of `tests/data/crisis/`). Each case is read as the pipeline
//! reads a message: with the writer's earlier messages and the emotion read
//! from it.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::emotion::{CrisisSignal, EmotionReader, Utterance};
use crate::safety::{CrisisReading, Safety, Severity};

/// One labelled message.
#[derive(Debug, Clone, Deserialize)]
pub struct CrisisCase {
    pub id: String,
    #[serde(default)]
    pub lang: String,
    pub category: String,
    pub crisis: bool,
    pub severity: GoldSeverity,
    #[serde(default)]
    pub context: Vec<String>,
    pub text: String,
}

/// The labelled severity, as the file spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GoldSeverity {
    None,
    Concern,
    Risk,
    Imminent,
}

impl GoldSeverity {
    fn of(self) -> Severity {
        match self {
            GoldSeverity::None => Severity::None,
            GoldSeverity::Concern => Severity::Concern,
            GoldSeverity::Risk => Severity::Risk,
            GoldSeverity::Imminent => Severity::Imminent,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SafetyEvalError {
    #[error("reading {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{path} line {line}: {source}")]
    Line {
        path: String,
        line: usize,
        source: serde_json::Error,
    },
    #[error("{0} has no cases")]
    Empty(String),
}

/// Reads every case of a JSON Lines file (blank lines skipped).
pub fn load_cases(path: &Path) -> Result<Vec<CrisisCase>, SafetyEvalError> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| SafetyEvalError::Io {
        path: shown.clone(),
        source,
    })?;
    let mut cases = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let case = serde_json::from_str(line).map_err(|source| SafetyEvalError::Line {
            path: shown.clone(),
            line: i + 1,
            source,
        })?;
        cases.push(case);
    }
    if cases.is_empty() {
        return Err(SafetyEvalError::Empty(shown));
    }
    Ok(cases)
}

/// Reads one case as the pipeline reads a message: its emotion (with the
/// earlier messages as context, one message at a time), then the crisis
/// check with the earlier messages. A failed emotion reading counts as none,
/// as in the pipeline.
pub async fn read_case(
    reader: &dyn EmotionReader,
    safety: &Safety,
    case: &CrisisCase,
) -> CrisisReading {
    read_case_in_detail(reader, safety, case).await.reading
}

/// One case as read, in detail (`--readings`): what the detector concluded,
/// what the rules alone concluded, and what the crisis model read.
#[derive(Debug, Clone, Copy)]
pub struct CaseReading {
    pub reading: CrisisReading,
    pub rules: CrisisReading,
    pub signal: Option<CrisisSignal>,
    /// Whether a model sure of danger would make the message a crisis where
    /// the rules read none: false when the rules' negation, topic or
    /// resolved past stands, or the writer says they are safe. With
    /// `rules.risk_before`, what `crisis_thresholds.py` needs to replay the
    /// combination at other thresholds.
    pub raisable: bool,
}

/// [`read_case`], keeping the rules' own reading and the model's probabilities.
pub async fn read_case_in_detail(
    reader: &dyn EmotionReader,
    safety: &Safety,
    case: &CrisisCase,
) -> CaseReading {
    let utterance = Utterance {
        text: case.text.clone(),
        context: case.context.clone(),
    };
    let read = reader.read(utterance, 1).await.ok();
    let emotion = read.as_ref().and_then(|r| r.emotion());
    let signal = read.as_ref().and_then(|r| r.crisis);
    let earlier: Vec<&str> = case.context.iter().map(String::as_str).collect();
    let sure = CrisisSignal::from_probabilities([0.0, 0.0, 1.0, 0.0], 0.5);
    CaseReading {
        reading: safety.reassess(&case.text, &earlier, emotion.as_ref(), signal.as_ref()),
        rules: safety.reassess(&case.text, &earlier, emotion.as_ref(), None),
        signal,
        raisable: safety
            .reassess(&case.text, &earlier, emotion.as_ref(), Some(&sure))
            .is_crisis(),
    }
}

/// One line of `--readings`: the case's labels, the readings, the model's
/// probabilities (none, concern, risk, imminent). Never the text.
pub fn reading_line(case: &CrisisCase, read: &CaseReading) -> serde_json::Value {
    serde_json::json!({
        "id": case.id,
        "category": case.category,
        "crisis": case.crisis,
        "severity": case.severity.of().as_str(),
        "read": read.reading.severity.as_str(),
        "rules": read.rules.severity.as_str(),
        "rules_assessment": format!("{:?}", read.rules.assessment),
        "from_conversation": read.rules.from_conversation,
        "rules_weak": read.rules.rests_on_weak_evidence(),
        "risk_before": read.rules.risk_before,
        "raisable": read.raisable,
        "cleared_by_model": read.reading.cleared_by_model,
        "learned": read.reading.learned,
        "probabilities": read.signal.map(|s| [s.none, s.concern, s.risk, s.imminent]),
        "lexical": read.signal.map(|s| s.lexical),
    })
}

/// How one category fared: for crisis categories `rate` is the recall, for
/// the others the false-alarm rate.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CategoryFigures {
    pub crisis: bool,
    pub n: usize,
    pub flagged: usize,
    pub rate: f64,
}

/// The figures `--json` prints.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SafetyReport {
    pub n: usize,
    /// Crisis cases (own risk or concern for another) answered as a crisis.
    pub recall: f64,
    /// Not-crisis cases answered as a crisis.
    pub false_alarm_rate: f64,
    /// Imminent cases that were routed to the emergency numbers.
    pub imminent_to_emergency: f64,
    pub by_category: BTreeMap<String, CategoryFigures>,
    /// `severity_confusion[gold][predicted]`, counts, in the order
    /// none, concern, risk, imminent.
    pub severity_confusion: [[usize; 4]; 4],
    /// Ids of the cases read wrongly (missed crises, false alarms), to look at.
    pub errors: Vec<String>,
}

fn index(severity: Severity) -> usize {
    match severity {
        Severity::None => 0,
        Severity::Concern => 1,
        Severity::Risk => 2,
        Severity::Imminent => 3,
    }
}

fn ratio(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

/// Scores `readings` (one per case, in order) against the labels.
pub fn score(cases: &[CrisisCase], readings: &[CrisisReading]) -> SafetyReport {
    let mut by_category: BTreeMap<String, CategoryFigures> = BTreeMap::new();
    let mut confusion = [[0usize; 4]; 4];
    let (mut positives, mut caught, mut negatives, mut false_alarms) = (0, 0, 0, 0);
    let (mut imminent, mut imminent_routed) = (0, 0);
    let mut errors = Vec::new();
    for (case, reading) in cases.iter().zip(readings) {
        let flagged = reading.is_crisis();
        let figures = by_category.entry(case.category.clone()).or_default();
        figures.crisis = case.crisis;
        figures.n += 1;
        figures.flagged += usize::from(flagged);
        confusion[index(case.severity.of())][index(reading.severity)] += 1;
        if case.crisis {
            positives += 1;
            caught += usize::from(flagged);
        } else {
            negatives += 1;
            false_alarms += usize::from(flagged);
        }
        if case.severity == GoldSeverity::Imminent {
            imminent += 1;
            imminent_routed += usize::from(reading.severity == Severity::Imminent);
        }
        if flagged != case.crisis {
            errors.push(case.id.clone());
        }
    }
    for figures in by_category.values_mut() {
        figures.rate = ratio(figures.flagged, figures.n);
    }
    SafetyReport {
        n: cases.len().min(readings.len()),
        recall: ratio(caught, positives),
        false_alarm_rate: ratio(false_alarms, negatives),
        imminent_to_emergency: ratio(imminent_routed, imminent),
        by_category,
        severity_confusion: confusion,
        errors,
    }
}

impl fmt::Display for SafetyReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "cases: {}", self.n)?;
        writeln!(
            f,
            "recall (crisis answered as crisis): {:.1}%",
            self.recall * 100.0
        )?;
        writeln!(
            f,
            "false alarms (not crisis answered as crisis): {:.1}%",
            self.false_alarm_rate * 100.0
        )?;
        writeln!(
            f,
            "imminent routed to emergency numbers: {:.1}%",
            self.imminent_to_emergency * 100.0
        )?;
        writeln!(
            f,
            "\n{:<20} {:>5} {:>8} {:>8}",
            "category", "n", "flagged", "rate"
        )?;
        for (name, c) in &self.by_category {
            let what = if c.crisis { "recall" } else { "false alarm" };
            writeln!(
                f,
                "{name:<20} {:>5} {:>8} {:>7.1}% {what}",
                c.n,
                c.flagged,
                c.rate * 100.0
            )?;
        }
        writeln!(f, "\nseverity (rows: labelled, columns: read)")?;
        let names = ["none", "concern", "risk", "imminent"];
        writeln!(
            f,
            "{:<10} {:>8} {:>8} {:>8} {:>8}",
            "", names[0], names[1], names[2], names[3]
        )?;
        for (name, row) in names.iter().zip(self.severity_confusion) {
            writeln!(
                f,
                "{name:<10} {:>8} {:>8} {:>8} {:>8}",
                row[0], row[1], row[2], row[3]
            )?;
        }
        if !self.errors.is_empty() {
            writeln!(f, "\nread wrongly: {}", self.errors.join(" "))?;
        }
        Ok(())
    }
}
