//! A scripted emotion reader, so a test can name the emotion it expects (the
//! ONNX classifier has its own tests in `tests/emotion.rs`).
//!
//! ```ignore
//! // 우울한 (E24) when the text mentions 슬프, 불안 (E30) otherwise.
//! let reader = ScriptedReader::reading("E30").when_contains("슬프", "E24");
//! let reader = ScriptedReader::reading("E24"); // every message
//! let reader = ScriptedReader::reading("E10").when_text("시험에 또 떨어졌어", "E24");
//! // A crisis head that reads "risk" (at 0.95, threshold 0.9) when the text mentions 정리.
//! let reader = ScriptedReader::reading("E24").crisis_when("정리", [0.05, 0.0, 0.95, 0.0]);
//! // A spread-out reading: 우울한 0.3, then 실망한 0.2 and 불안 0.15.
//! let reader = ScriptedReader::reading("E24").score(0.3).runners_up(&[("E21", 0.2), ("E30", 0.15)]);
//! reader.fail(true); // reads fail until fail(false)
//! reader.seen();     // every utterance it was asked to read
//! ```

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use async_trait::async_trait;
use maeum::emotion::{
    CrisisSignal, Emotion, EmotionError, EmotionLabel, EmotionReader, ModelInfo, Reading, Utterance,
};

/// How a rule matches an utterance's text.
enum Match {
    Exact(String),
    Contains(String),
}

/// Reads each utterance by the first rule that matches its text, else the
/// default emotion, as the only emotion with a fixed score; records every
/// utterance it is asked to read.
pub struct ScriptedReader {
    rules: Vec<(Match, &'static EmotionLabel)>,
    default: &'static EmotionLabel,
    /// A crisis head's reading when the text contains the pattern; with no
    /// such rule the reader has no crisis head (as the test model).
    crisis: Vec<(String, CrisisSignal)>,
    score: f32,
    /// Emotions read after the main one in every reading, most likely first.
    runners_up: Vec<Emotion>,
    meaningful: bool,
    failing: AtomicBool,
    seen: Mutex<Vec<Utterance>>,
}

fn label(code: &str) -> &'static EmotionLabel {
    EmotionLabel::by_code(code).unwrap_or_else(|| panic!("{code} is a taxonomy code"))
}

impl ScriptedReader {
    /// Reads every utterance as `code` (until rules are added), with score 0.75.
    pub fn reading(code: &str) -> ScriptedReader {
        ScriptedReader {
            rules: Vec::new(),
            default: label(code),
            crisis: Vec::new(),
            score: 0.75,
            runners_up: Vec::new(),
            meaningful: false,
            failing: AtomicBool::new(false),
            seen: Mutex::new(Vec::new()),
        }
    }

    /// Reads `code` when the text contains any of `patterns`.
    pub fn when_contains(mut self, patterns: &[&str], code: &str) -> ScriptedReader {
        for pattern in patterns {
            self.rules
                .push((Match::Contains(pattern.to_string()), label(code)));
        }
        self
    }

    /// Reads `code` when the text is exactly `text`.
    pub fn when_text(mut self, text: &str, code: &str) -> ScriptedReader {
        self.rules
            .push((Match::Exact(text.to_string()), label(code)));
        self
    }

    /// A crisis head that reads `probabilities` (none, concern, risk,
    /// imminent; threshold 0.9) when the text contains `pattern`, and
    /// nothing of note (P(none) = 1) otherwise.
    pub fn crisis_when(mut self, pattern: &str, probabilities: [f32; 4]) -> ScriptedReader {
        self.crisis.push((
            pattern.to_string(),
            CrisisSignal::from_probabilities(probabilities, 0.9),
        ));
        self
    }

    /// Like [`ScriptedReader::crisis_when`], with the lexical model's
    /// probability of a crisis and the threshold from which it counts.
    pub fn crisis_with_lexical_when(
        mut self,
        pattern: &str,
        probabilities: [f32; 4],
        lexical: f32,
        lexical_threshold: f32,
    ) -> ScriptedReader {
        self.crisis.push((
            pattern.to_string(),
            CrisisSignal::from_probabilities(probabilities, 0.9)
                .with_lexical(lexical, lexical_threshold),
        ));
        self
    }

    /// The score every emotion is read with.
    pub fn score(mut self, score: f32) -> ScriptedReader {
        self.score = score;
        self
    }

    /// Every reading goes on with these emotions after the main one (a
    /// spread-out reading, for the uncertain case).
    pub fn runners_up(mut self, emotions: &[(&str, f32)]) -> ScriptedReader {
        self.runners_up = emotions
            .iter()
            .map(|(code, score)| Emotion {
                label: label(code),
                score: *score,
            })
            .collect();
        self
    }

    /// What [`EmotionReader::info`] says of the model's emotions.
    pub fn meaningful(mut self, meaningful: bool) -> ScriptedReader {
        self.meaningful = meaningful;
        self
    }

    /// While `failing`, every read fails with an inference error.
    pub fn fail(&self, failing: bool) {
        self.failing.store(failing, Ordering::SeqCst);
    }

    /// Every utterance asked to be read so far, in order.
    pub fn seen(&self) -> Vec<Utterance> {
        self.seen.lock().unwrap().clone()
    }

    fn crisis_for(&self, text: &str) -> Option<CrisisSignal> {
        if self.crisis.is_empty() {
            return None;
        }
        let calm = CrisisSignal::from_probabilities([1.0, 0.0, 0.0, 0.0], 0.9);
        let found = self
            .crisis
            .iter()
            .find(|(part, _)| text.contains(part.as_str()));
        Some(found.map_or(calm, |(_, signal)| *signal))
    }

    fn label_for(&self, text: &str) -> &'static EmotionLabel {
        self.rules
            .iter()
            .find(|(rule, _)| match rule {
                Match::Exact(exact) => text == exact,
                Match::Contains(part) => text.contains(part.as_str()),
            })
            .map_or(self.default, |(_, label)| label)
    }
}

#[async_trait]
impl EmotionReader for ScriptedReader {
    async fn read_batch(
        &self,
        utterances: Vec<Utterance>,
        _top_k: usize,
    ) -> Result<Vec<Reading>, EmotionError> {
        self.seen.lock().unwrap().extend(utterances.iter().cloned());
        if self.failing.load(Ordering::SeqCst) {
            return Err(EmotionError::Inference("scripted failure".into()));
        }
        Ok(utterances
            .iter()
            .map(|u| Reading {
                emotions: std::iter::once(Emotion {
                    label: self.label_for(&u.text),
                    score: self.score,
                })
                .chain(self.runners_up.iter().copied())
                .collect(),
                crisis: self.crisis_for(&u.text),
            })
            .collect())
    }

    fn info(&self) -> ModelInfo {
        ModelInfo {
            name: "scripted".into(),
            path: String::new(),
            meaningful: self.meaningful,
        }
    }
}
