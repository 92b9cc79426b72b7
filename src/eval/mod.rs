//! `maeum eval`: measure an emotion reader on a labelled file; [`safety`]:
//! `maeum safety-eval`, the crisis detector on a labelled file.
//!
//! [`data`] reads the corpus's own dialogue layout or a plain `sentence,code`
//! CSV into [`Example`]s; [`metrics`] scores predictions against them.

pub mod calibration;
pub mod data;
pub mod feedback;
pub mod metrics;
pub mod reflection;
pub mod safety;

use crate::emotion::{EmotionLabel, Utterance};

pub use calibration::{Calibration, calibrate};
pub use data::{EvalDataError, load_examples};
pub use metrics::{Report, evaluate};

/// One labelled utterance.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    /// The utterance, with the speaker's earlier utterances as context when
    /// evaluating with context (exactly what the bot gives the reader).
    pub utterance: Utterance,
    /// 1 for the first utterance of a dialogue, 2 for the second, …
    pub turn: usize,
    pub gold: &'static EmotionLabel,
}

/// Writes each example's probabilities over the 60 codes (taxonomy order)
/// as JSON Lines: `{"gold": "E24", "turn": 2, "p": [...]}`.
pub fn write_predictions(
    path: &std::path::Path,
    examples: &[Example],
    predictions: &[Vec<crate::emotion::Emotion>],
) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    for (example, prediction) in examples.iter().zip(predictions) {
        let p = calibration::distribution(prediction);
        let line = serde_json::json!({"gold": example.gold.code, "turn": example.turn, "p": p});
        writeln!(out, "{line}")?;
    }
    out.flush()
}

/// Reads every example with `reader`, `batch` at a time (the reader batches
/// within), calling `progress` with the number done after each batch.
pub async fn predict_all(
    reader: &dyn crate::emotion::EmotionReader,
    examples: &[Example],
    batch: usize,
    mut progress: impl FnMut(usize),
) -> Result<Vec<Vec<crate::emotion::Emotion>>, crate::emotion::EmotionError> {
    let mut predictions = Vec::with_capacity(examples.len());
    for chunk in examples.chunks(batch.max(1)) {
        let utterances = chunk.iter().map(|e| e.utterance.clone()).collect();
        // Every label's probability: the calibration needs whole distributions.
        let readings = reader
            .read_batch(utterances, crate::emotion::TAXONOMY.len())
            .await?;
        predictions.extend(readings.into_iter().map(|reading| reading.emotions));
        progress(predictions.len());
    }
    Ok(predictions)
}
