//! Reading the emotion of a message.
//!
//! The pipeline sees only [`EmotionReader`]; [`onnx::OnnxClassifier`] is the real
//! implementation (a BERT-style classifier run by ONNX Runtime).

pub mod neutral;
pub mod onnx;
pub mod runtime;
pub mod taxonomy;
mod tfidf;

use async_trait::async_trait;
use serde::Serialize;

use crate::text;

pub use taxonomy::{EmotionGroup, EmotionLabel, TAXONOMY};

/// One emotion with the probability the model gave it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Emotion {
    pub label: &'static EmotionLabel,
    pub score: f32,
}

impl Emotion {
    pub fn code(&self) -> &'static str {
        self.label.code
    }
}

/// When the bot names what it read: the fine emotion from `fine` up, else
/// the most likely group from `group` up (summed over its emotions), else
/// nothing — a greeting or a message in a language the model never saw has
/// no emotion worth naming.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ShownAt {
    pub fine: f32,
    pub group: f32,
}

/// What the bot may say it read in a message (see [`ShownAt`]): the fine
/// emotion, or its group's own label (E10…E60) with the group's summed
/// probability, or `None`. The thresholds are chosen on validation
/// dialogues (`maeum eval`): a fine label shown with little confidence is
/// mostly wrong, its group much less so. `emotions` is a reading's
/// distribution, most likely first; with only the top few, group sums are
/// lower bounds.
pub fn shown(emotions: &[Emotion], at: ShownAt) -> Option<Emotion> {
    let best = emotions.first()?;
    if best.score >= at.fine {
        return Some(*best);
    }
    let (group, score) = likeliest_group(emotions)?;
    (score >= at.group).then(|| Emotion {
        label: group.label(),
        score,
    })
}

/// The group whose emotions' probabilities sum highest, with that sum;
/// `None` for an empty reading.
pub fn likeliest_group(emotions: &[Emotion]) -> Option<(EmotionGroup, f32)> {
    emotions.first()?;
    let mut sums = [0f32; 6];
    for emotion in emotions {
        if let Some(i) = EmotionGroup::ALL
            .iter()
            .position(|g| *g == emotion.label.group)
        {
            sums[i] += emotion.score;
        }
    }
    let (index, score) = sums.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1))?;
    Some((EmotionGroup::ALL[index], *score))
}

/// The fewest candidates worth naming, and the most; a candidate below
/// this probability is noise, not a possibility.
const MAX_CANDIDATES: usize = 3;
const MIN_CANDIDATE_SCORE: f32 = 0.05;

/// When the bot is not sure of the fine emotion (it names the group, or
/// nothing), the fine emotions the reading still finds likely: at most
/// three from `MIN_CANDIDATE_SCORE` up, most likely first, so the language
/// model can answer without committing to one. Empty when the fine emotion
/// itself is shown, or only one is left standing.
pub fn candidates(emotions: &[Emotion], shown_emotion: Option<Emotion>) -> Vec<Emotion> {
    let Some(best) = emotions.first() else {
        return Vec::new();
    };
    if shown_emotion.is_some_and(|s| s.label.code == best.label.code) {
        return Vec::new();
    }
    let likely: Vec<Emotion> = emotions
        .iter()
        .filter(|e| e.score >= MIN_CANDIDATE_SCORE)
        .take(MAX_CANDIDATES)
        .copied()
        .collect();
    if likely.len() < 2 { Vec::new() } else { likely }
}

/// Whether the model can read `text` at all: it learned Korean only, so a
/// message with no Hangul (English, emoji alone) gets noise, not a reading.
pub fn can_read(text: &str) -> bool {
    text.chars()
        .any(|c| matches!(c as u32, 0xAC00..=0xD7A3 | 0x1100..=0x11FF | 0x3130..=0x318F))
}

/// Probabilities from logits, stable for large ones.
pub fn softmax(logits: &[f32]) -> Vec<f32> {
    let max = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let exps: Vec<f32> = logits.iter().map(|&x| (x - max).exp()).collect();
    let sum: f32 = exps.iter().sum();
    exps.into_iter().map(|e| e / sum).collect()
}

/// Probabilities scaled by a temperature (softmax of logits / `temperature`,
/// from the probabilities): above 1 flattens, below 1 sharpens.
pub fn temper(probabilities: &[f32], temperature: f32) -> Vec<f32> {
    if (temperature - 1.0).abs() < f32::EPSILON || temperature <= 0.0 {
        return probabilities.to_vec();
    }
    let scaled: Vec<f32> = probabilities
        .iter()
        .map(|p| p.max(f32::MIN_POSITIVE).powf(1.0 / temperature))
        .collect();
    let sum: f32 = scaled.iter().sum();
    scaled.into_iter().map(|p| p / sum).collect()
}

/// The JSON shape of an emotion (`maeum classify --json`, exports, the HTTP API).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct EmotionJson {
    pub code: &'static str,
    pub major: &'static str,
    pub sub: &'static str,
    pub emoji: &'static str,
    pub score: f32,
}

impl From<&Emotion> for EmotionJson {
    fn from(e: &Emotion) -> Self {
        EmotionJson {
            code: e.label.code,
            major: e.label.group.korean(),
            sub: e.label.sub,
            emoji: e.label.emoji,
            score: e.score,
        }
    }
}

/// What the crisis model read in a message (`model/train/crisis_model.py`;
/// docs/safety.md): how likely each reading is, and the probability of a
/// crisis at or above which the model alone counts (calibrated on the
/// development part of the crisis evaluation set). The safety module turns it
/// into a severity; this module only reports it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CrisisSignal {
    /// Nothing suggests danger.
    pub none: f32,
    /// Someone the writer knows may be in danger.
    pub concern: f32,
    /// The writer may be at risk.
    pub risk: f32,
    /// The writer may be in danger now.
    pub imminent: f32,
    pub threshold: f32,
    /// The probability of a crisis below which the model's "none" may clear
    /// a rules reading that rests on weak evidence (0: never).
    pub clear_below: f32,
    /// The lexical model's probability of a crisis (`crisis_ngram.bin`: the
    /// message's own words, character n-grams), 0 without one.
    pub lexical: f32,
    /// The probability from which the lexical model alone counts (above 1:
    /// never).
    pub lexical_threshold: f32,
}

impl CrisisSignal {
    /// The classes in the order of the head's output.
    pub const CLASSES: [&'static str; 4] = ["none", "concern", "risk", "imminent"];

    pub fn from_probabilities(p: [f32; 4], threshold: f32) -> CrisisSignal {
        let [none, concern, risk, imminent] = p;
        CrisisSignal {
            none,
            concern,
            risk,
            imminent,
            threshold,
            clear_below: 0.0,
            lexical: 0.0,
            lexical_threshold: f32::INFINITY,
        }
    }

    /// The same reading with the lexical model's probability of a crisis and
    /// the probability from which it counts alone.
    pub fn with_lexical(self, lexical: f32, lexical_threshold: f32) -> CrisisSignal {
        CrisisSignal {
            lexical,
            lexical_threshold,
            ..self
        }
    }

    /// The same reading without the lexical model.
    pub fn without_lexical(self) -> CrisisSignal {
        self.with_lexical(0.0, f32::INFINITY)
    }

    /// Whether the lexical model alone reads the message as a crisis.
    pub fn lexical_flags(&self) -> bool {
        self.lexical >= self.lexical_threshold
    }

    /// The same reading, able to clear weak rules readings below `clear_below`.
    pub fn clearing_below(self, clear_below: f32) -> CrisisSignal {
        CrisisSignal {
            clear_below,
            ..self
        }
    }

    /// The probability that the message speaks of danger (to the writer or another).
    pub fn crisis_probability(&self) -> f32 {
        1.0 - self.none
    }

    /// Whether the head alone reads the message as a crisis.
    pub fn flags(&self) -> bool {
        self.crisis_probability() >= self.threshold
    }

    /// Whether the model reads the message as plainly no crisis (below
    /// `clear_below`), enough to clear a reading that rests on weak evidence.
    pub fn clears(&self) -> bool {
        self.crisis_probability() < self.clear_below
    }
}

/// One utterance read: its emotions, most likely first, and what the crisis
/// head read, when the model has one.
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    pub emotions: Vec<Emotion>,
    pub crisis: Option<CrisisSignal>,
}

impl Reading {
    /// The most likely emotion.
    pub fn emotion(&self) -> Option<Emotion> {
        self.emotions.first().copied()
    }
}

/// What a reader needs to read one utterance: the utterance and the same
/// speaker's earlier utterances in the conversation, oldest first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Utterance {
    pub text: String,
    pub context: Vec<String>,
}

impl Utterance {
    pub fn alone(text: impl Into<String>) -> Self {
        Utterance {
            text: text.into(),
            context: Vec::new(),
        }
    }

    /// The model's input as a text pair, the one convention shared by serving,
    /// `maeum eval --context` and the training pipeline (`model/train`):
    /// segment A is the utterance itself, segment B the earlier utterances
    /// newest first, joined by a space. Truncation cuts segment B from its end,
    /// so the utterance and the most recent context survive. An earlier
    /// message that is only a greeting (「안녕」, "hi") is left out: followed by
    /// more messages it was a hello, and 안녕 (also "bye") read as context made
    /// the crisis model take later everyday talk for a farewell.
    ///
    /// Both are read plain ([`text::plain`]): capitals, stretched letters,
    /// spelled-out words and invisible characters as ordinary writing. The
    /// training pipeline reads its files as written; `plain` changes 20 of
    /// the crisis model's 14,557 training texts (messages and their
    /// context: stretched "lmaooo", three dotted Korean words).
    pub fn model_input(&self) -> (String, Option<String>) {
        let context: Vec<String> = self
            .context
            .iter()
            .rev()
            .map(|s| text::plain(s.trim()))
            .filter(|s| !s.is_empty() && !is_bare_greeting(s))
            .collect();
        let second = (!context.is_empty()).then(|| context.join(" "));
        (text::plain(self.text.trim()), second)
    }
}

/// A message that is only a greeting word: 「안녕」, 「안녕하세요!」, 「ㅎㅇ」, "hi", "hello".
fn is_bare_greeting(text: &str) -> bool {
    const GREETINGS: &[&str] = &[
        "안녕",
        "안녕안녕",
        "안녕하세요",
        "안녕하십니까",
        "안뇽",
        "하이",
        "ㅎㅇ",
        "hi",
        "hii",
        "hello",
        "hey",
        "heyy",
        "hiya",
        "yo",
    ];
    let compact: String = text
        .chars()
        .flat_map(char::to_lowercase)
        .filter(|c| c.is_alphanumeric())
        .collect();
    GREETINGS.contains(&compact.as_str())
}

#[derive(Debug, thiserror::Error)]
pub enum EmotionError {
    #[error("emotion model directory {path}: {reason}")]
    ModelDir { path: String, reason: String },
    #[error("ONNX Runtime library: {0}")]
    Runtime(String),
    #[error("tokenizer: {0}")]
    Tokenizer(String),
    #[error("inference: {0}")]
    Inference(String),
    #[error("the emotion worker has stopped")]
    WorkerGone,
}

/// Facts about the loaded model, for start-up messages and `/readyz`.
#[derive(Debug, Clone, Serialize)]
pub struct ModelInfo {
    pub name: String,
    pub path: String,
    /// False for the small test model: its emotions are not meaningful.
    pub meaningful: bool,
}

/// Reads emotions. Implementations run inference off the async runtime.
#[async_trait]
pub trait EmotionReader: Send + Sync {
    /// Each utterance's `top_k` most likely emotions, most likely first, and
    /// its crisis signal. An empty utterance is read like any other (the model
    /// sees only its special tokens); over-long input is truncated, never
    /// rejected.
    async fn read_batch(
        &self,
        utterances: Vec<Utterance>,
        top_k: usize,
    ) -> Result<Vec<Reading>, EmotionError>;

    async fn read(&self, utterance: Utterance, top_k: usize) -> Result<Reading, EmotionError> {
        let mut all = self.read_batch(vec![utterance], top_k).await?;
        all.pop().ok_or(EmotionError::WorkerGone)
    }

    fn info(&self) -> ModelInfo;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn emotion(code: &str, score: f32) -> Emotion {
        Emotion {
            label: EmotionLabel::by_code(code).unwrap(),
            score,
        }
    }

    #[test]
    fn candidates_are_named_only_when_the_fine_emotion_is_not_shown() {
        let reading = [
            emotion("E24", 0.30),
            emotion("E21", 0.20),
            emotion("E30", 0.15),
            emotion("E10", 0.10),
            emotion("E60", 0.01),
        ];
        let at = ShownAt {
            fine: 0.4,
            group: 0.3,
        };
        let group = shown(&reading, at);
        let named: Vec<&str> = candidates(&reading, group)
            .iter()
            .map(|e| e.code())
            .collect();
        assert_eq!(named, ["E24", "E21", "E30"]);
        let sure = [emotion("E24", 0.8), emotion("E21", 0.1)];
        assert!(candidates(&sure, shown(&sure, at)).is_empty());
        let one_left = [emotion("E24", 0.35), emotion("E21", 0.01)];
        assert!(candidates(&one_left, shown(&one_left, at)).is_empty());
    }

    #[test]
    fn a_confident_reading_shows_its_fine_emotion_else_its_group() {
        let at = ShownAt {
            fine: 0.4,
            group: 0.35,
        };
        let confident = [emotion("E24", 0.55), emotion("E31", 0.2)];
        assert_eq!(shown(&confident, at), Some(confident[0]));
        // 우울한 at 0.25, but sadness as a whole (0.25 + 0.2) beats anxiety (0.3).
        let unsure = [
            emotion("E31", 0.3),
            emotion("E24", 0.25),
            emotion("E22", 0.2),
            emotion("E60", 0.1),
        ];
        let group = shown(&unsure, at).unwrap();
        assert_eq!(group.label.code, "E20");
        assert!((group.score - 0.45).abs() < 1e-6);
        // Nothing stands out (a greeting, another language): nothing named.
        let flat = [
            emotion("E67", 0.07),
            emotion("E50", 0.06),
            emotion("E10", 0.05),
        ];
        assert_eq!(shown(&flat, at), None);
        assert_eq!(shown(&[], at), None);
    }

    #[test]
    fn only_korean_text_can_be_read() {
        assert!(can_read("오늘 좀 힘들었어"));
        assert!(can_read("ㅠㅠ"));
        assert!(can_read("I'm so 우울해"));
        assert!(!can_read("I had a long day"));
        assert!(!can_read("😢😢"));
    }

    #[test]
    fn softmax_is_a_distribution_and_stable() {
        let p = softmax(&[1000.0, 1000.0, -1000.0]);
        assert!(
            (p[0] - 0.5).abs() < 1e-6 && (p[1] - 0.5).abs() < 1e-6 && p[2] == 0.0,
            "{p:?}"
        );
        let q = softmax(&[0.0, 2.0f32.ln()]);
        assert!((q[1] / q[0] - 2.0).abs() < 1e-5, "{q:?}");
    }

    #[test]
    fn temperature_flattens_or_keeps_a_distribution() {
        let p = [0.7, 0.2, 0.1];
        assert_eq!(temper(&p, 1.0), p.to_vec());
        let flat = temper(&p, 2.0);
        assert!((flat.iter().sum::<f32>() - 1.0).abs() < 1e-5);
        assert!(flat[0] < 0.7 && flat[2] > 0.1, "{flat:?}");
        assert!(flat[0] > flat[1] && flat[1] > flat[2], "order kept");
    }

    #[test]
    fn model_input_puts_newest_context_first() {
        let u = Utterance {
            text: " 오늘 또 혼났어 ".into(),
            context: vec![
                "회사 가기 싫다".into(),
                "  ".into(),
                "팀장님이 무서워".into(),
            ],
        };
        assert_eq!(
            u.model_input(),
            (
                "오늘 또 혼났어".to_string(),
                Some("팀장님이 무서워 회사 가기 싫다".to_string())
            )
        );
        assert_eq!(
            Utterance::alone("안녕").model_input(),
            ("안녕".to_string(), None)
        );
        // A greeting before the conversation is not context (it read as a farewell).
        let greeted = Utterance {
            text: "회사에서 또 혼났어".into(),
            context: vec!["안녕!".into(), "오늘 하루 길었어".into(), "hi".into()],
        };
        assert_eq!(
            greeted.model_input(),
            (
                "회사에서 또 혼났어".to_string(),
                Some("오늘 하루 길었어".to_string())
            )
        );
    }
}
