//! The "no particular emotion" reader: tells a greeting, thanks, a plain
//! question, logistics or small talk — messages with no emotion to tag —
//! from messages that carry one. The emotion model has no such class (its
//! corpus has none), so on 「안녕」 it spreads its probability and a group
//! still stands out; this reader says when not to name one.
//!
//! A character n-gram logistic regression trained by
//! `model/train/neutral.py` and shipped as `neutral.json` beside the
//! emotion model: the text lower-cased and split at whitespace, each word
//! padded with a space on both sides, its character 1- to 3-grams
//! (a padded word shorter than n gives itself once), sublinear term
//! frequency times idf over the model's n-grams, L2-normalised;
//! P(neutral) = sigmoid(w · x + b), neutral from the model's threshold
//! (chosen on validation data, `model/README.md`).

use std::path::Path;

use serde::Deserialize;

use super::tfidf::{Analyzer, TfIdf};

/// The file name beside the emotion model.
pub const FILE_NAME: &str = "neutral.json";

const NGRAM_SIZES: std::ops::RangeInclusive<usize> = 1..=3;

#[derive(Debug, thiserror::Error)]
pub enum NeutralError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path} is not a neutral reader: {reason}")]
    Invalid { path: String, reason: String },
}

/// The file as `model/train/neutral.py` writes it.
#[derive(Deserialize)]
struct NeutralFile {
    ngrams: Vec<String>,
    idf: Vec<f32>,
    weights: Vec<f32>,
    bias: f32,
    threshold: f32,
}

/// A loaded neutral reader.
#[derive(Debug)]
pub struct NeutralReader {
    features: TfIdf,
    /// One per feature of `features`.
    weights: Vec<f32>,
    bias: f32,
    threshold: f32,
}

impl NeutralReader {
    /// Reads `neutral.json` from the emotion model's directory; `Ok(None)`
    /// when the model ships none (the test model), so no message is read as
    /// neutral by it.
    pub fn load_beside(model_dir: &Path) -> Result<Option<NeutralReader>, NeutralError> {
        let path = model_dir.join(FILE_NAME);
        if !path.exists() {
            return Ok(None);
        }
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(&path).map_err(|source| NeutralError::Read {
            path: shown.clone(),
            source,
        })?;
        let file: NeutralFile = serde_json::from_str(&text).map_err(|e| NeutralError::Invalid {
            path: shown.clone(),
            reason: e.to_string(),
        })?;
        NeutralReader::from_parts(file)
            .map(Some)
            .map_err(|reason| NeutralError::Invalid {
                path: shown,
                reason,
            })
    }

    /// A reader from its n-grams with their idf and weight (for tests).
    pub fn new(
        features: &[(&str, f32, f32)],
        bias: f32,
        threshold: f32,
    ) -> Result<NeutralReader, String> {
        NeutralReader::from_parts(NeutralFile {
            ngrams: features.iter().map(|f| f.0.to_string()).collect(),
            idf: features.iter().map(|f| f.1).collect(),
            weights: features.iter().map(|f| f.2).collect(),
            bias,
            threshold,
        })
    }

    fn from_parts(file: NeutralFile) -> Result<NeutralReader, String> {
        if file.weights.len() != file.ngrams.len() {
            return Err(format!(
                "{} n-grams but {} weights",
                file.ngrams.len(),
                file.weights.len()
            ));
        }
        if !(0.0..=1.0).contains(&file.threshold) {
            return Err(format!("threshold {} is not a probability", file.threshold));
        }
        Ok(NeutralReader {
            features: TfIdf::new(Analyzer::WordBounded, NGRAM_SIZES, file.ngrams, file.idf)?,
            weights: file.weights,
            bias: file.bias,
            threshold: file.threshold,
        })
    }

    /// P(neutral) of `text`.
    pub fn probability(&self, text: &str) -> f32 {
        let z = self.bias
            + self
                .features
                .vector(text)
                .iter()
                .map(|&(i, value)| value * self.weights[i])
                .sum::<f32>();
        1.0 / (1.0 + (-z).exp())
    }

    /// Whether `text` carries no particular emotion.
    pub fn is_neutral(&self, text: &str) -> bool {
        self.probability(text) >= self.threshold
    }

    pub fn threshold(&self) -> f32 {
        self.threshold
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_probability_follows_the_weights() {
        // One feature pushes to neutral, one away; no known feature: the bias alone.
        let reader = NeutralReader::new(&[("안녕", 1.0, 4.0), ("슬퍼", 1.0, -4.0)], 0.0, 0.7)
            .expect("a reader");
        assert!(reader.is_neutral("안녕"));
        assert!(!reader.is_neutral("너무 슬퍼"));
        assert!((reader.probability("xyz") - 0.5).abs() < 1e-6);
        assert!(NeutralReader::new(&[("a", 1.0, 1.0)], 0.0, 1.5).is_err());
    }
}
