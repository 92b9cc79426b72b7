//! The character n-gram model read beside the encoder, and how the two are
//! mixed (`model/train/ensemble.py` trains it and chooses the weights).
//!
//! On the validation dialogues the two disagree usefully on a message read
//! alone: mixed, top-1 rises about 2 points on the test dialogues
//! (`model/README.md`). With earlier messages as context the encoder alone
//! was best, so `weight_with_context` is 1 and the n-gram model is skipped.
//!
//! `ngram.bin`, little-endian: `MAEUMNG1`, u32 features, u32 classes, u32
//! min_n, u32 max_n; f32 bias[classes], idf[features], scale[features]; i8
//! weight[features][classes] (the float weight is `weight · scale`); then each
//! n-gram as a u16 byte length and its UTF-8. Classes are in `id2label` order.

use std::path::Path;

use crate::emotion::tfidf::{Analyzer, TfIdf};
use crate::emotion::{softmax, temper};

const MAGIC: &[u8; 8] = b"MAEUMNG1";

/// A char n-gram TF-IDF logistic regression over the emotion labels.
#[derive(Debug)]
pub(super) struct NgramModel {
    features: TfIdf,
    classes: usize,
    bias: Vec<f32>,
    /// One per feature: the int8 row's scale.
    scale: Vec<f32>,
    /// `features × classes`, row by row.
    weight: Vec<i8>,
}

impl NgramModel {
    pub fn read(path: &Path) -> Result<NgramModel, String> {
        let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
        NgramModel::parse(&bytes)
    }

    pub fn parse(bytes: &[u8]) -> Result<NgramModel, String> {
        let mut file = Reader { bytes, at: 0 };
        if file.take(MAGIC.len())? != MAGIC {
            return Err("not an n-gram model (no MAEUMNG1 header)".into());
        }
        let features = file.u32()? as usize;
        let classes = file.u32()? as usize;
        let (min_n, max_n) = (file.u32()? as usize, file.u32()? as usize);
        let bias = file.f32s(classes)?;
        let idf = file.f32s(features)?;
        let scale = file.f32s(features)?;
        let size = features
            .checked_mul(classes)
            .ok_or("the weight table's size overflows")?;
        let weight = file.take(size)?.iter().map(|&b| b as i8).collect();
        let mut grams = Vec::with_capacity(features);
        for _ in 0..features {
            let len = u16::from_le_bytes(file.array()?) as usize;
            let gram = std::str::from_utf8(file.take(len)?)
                .map_err(|_| "an n-gram is not UTF-8".to_string())?;
            grams.push(gram.to_string());
        }
        if file.at != bytes.len() {
            return Err(format!("{} bytes after the n-grams", bytes.len() - file.at));
        }
        Ok(NgramModel {
            features: TfIdf::new(Analyzer::Chars, min_n..=max_n, grams, idf)?,
            classes,
            bias,
            scale,
            weight,
        })
    }

    pub fn classes(&self) -> usize {
        self.classes
    }

    /// Probabilities over the classes for `text`.
    pub fn probabilities(&self, text: &str) -> Vec<f32> {
        let mut logits = self.bias.clone();
        for (feature, value) in self.features.vector(text) {
            let row = &self.weight[feature * self.classes..(feature + 1) * self.classes];
            let scaled = value * self.scale[feature];
            for (logit, &w) in logits.iter_mut().zip(row) {
                *logit += scaled * f32::from(w);
            }
        }
        softmax(&logits)
    }
}

/// The n-gram model with the weights the encoder's probabilities get.
#[derive(Debug)]
pub(super) struct Ensemble {
    pub model: NgramModel,
    /// The encoder's weight for a message read alone, and read with earlier messages.
    pub weight_alone: f32,
    pub weight_with_context: f32,
    /// Sharpens the mix of a message read alone: two distributions mixed are
    /// flatter than either (chosen on validation, like the weights).
    pub temperature_alone: f32,
}

impl Ensemble {
    /// `w · encoder + (1 − w) · n-gram` for the message `text`, read alone
    /// then tempered by `temperature_alone`.
    pub fn mix(&self, encoder: &[f32], text: &str, with_context: bool) -> Vec<f32> {
        let w = if with_context {
            self.weight_with_context
        } else {
            self.weight_alone
        };
        if w >= 1.0 {
            return encoder.to_vec();
        }
        let ngram = self.model.probabilities(text);
        let mixed: Vec<f32> = encoder
            .iter()
            .zip(ngram)
            .map(|(e, n)| w * e + (1.0 - w) * n)
            .collect();
        if with_context {
            mixed
        } else {
            temper(&mixed, self.temperature_alone)
        }
    }
}

/// Reads the file front to back, every read checked against its length.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        let end = self
            .at
            .checked_add(n)
            .filter(|&end| end <= self.bytes.len())
            .ok_or("the file ends early")?;
        let out = &self.bytes[self.at..end];
        self.at = end;
        Ok(out)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], String> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    fn u32(&mut self) -> Result<u32, String> {
        Ok(u32::from_le_bytes(self.array()?))
    }

    fn f32s(&mut self, n: usize) -> Result<Vec<f32>, String> {
        let size = n.checked_mul(4).ok_or("a table's size overflows")?;
        Ok(self
            .take(size)?
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A model file as `ensemble.py` writes it: two classes, unigrams,
    /// "a" pointing to class 0 and "b" to class 1.
    fn tiny_file() -> Vec<u8> {
        let mut f = MAGIC.to_vec();
        for v in [2u32, 2, 1, 1] {
            f.extend(v.to_le_bytes());
        }
        for v in [0.0f32, 0.0, 1.0, 1.0, 0.5, 0.5] {
            f.extend(v.to_le_bytes()); // bias ×2, idf ×2, scale ×2
        }
        f.extend([4u8, (-4i8) as u8, (-4i8) as u8, 4u8]);
        for gram in ["a", "b"] {
            f.extend((gram.len() as u16).to_le_bytes());
            f.extend(gram.as_bytes());
        }
        f
    }

    #[test]
    fn the_model_reads_its_file_and_scores_known_answers() {
        let model = NgramModel::parse(&tiny_file()).expect("a model");
        assert_eq!(model.classes(), 2);
        // "a" alone: x = [1, 0]; logits = [2, -2].
        let p = model.probabilities("A");
        let expected = 1.0 / (1.0 + (-4f32).exp());
        assert!((p[0] - expected).abs() < 1e-6, "{p:?}");
        // Nothing known: the bias alone, here even.
        assert_eq!(model.probabilities("?"), [0.5, 0.5]);
    }

    #[test]
    fn a_damaged_file_is_refused_with_a_reason() {
        let file = tiny_file();
        assert!(NgramModel::parse(&file[..file.len() - 1]).is_err());
        assert!(NgramModel::parse(b"MAEUMXX1").is_err());
        let mut longer = file.clone();
        longer.push(0);
        assert!(NgramModel::parse(&longer).unwrap_err().contains("after"));
    }

    #[test]
    fn the_mix_weights_the_encoder_by_whether_context_was_read() {
        let ensemble = Ensemble {
            model: NgramModel::parse(&tiny_file()).expect("a model"),
            weight_alone: 0.25,
            weight_with_context: 1.0,
            temperature_alone: 1.0,
        };
        let encoder = [0.2, 0.8];
        let n = ensemble.model.probabilities("a");
        let alone = ensemble.mix(&encoder, "a", false);
        assert!(
            (alone[0] - (0.25 * 0.2 + 0.75 * n[0])).abs() < 1e-6,
            "{alone:?}"
        );
        assert!((alone.iter().sum::<f32>() - 1.0).abs() < 1e-6);
        // The n-gram model turns the top answer: encoder 0.2 → mixed above 0.5.
        assert!(alone[0] > 0.5);
        assert_eq!(ensemble.mix(&encoder, "a", true), encoder);
        // A temperature below 1 sharpens the mix read alone, keeping its order.
        let sharp = Ensemble {
            temperature_alone: 0.5,
            ..ensemble
        }
        .mix(&encoder, "a", false);
        assert!(sharp[0] > alone[0] && (sharp.iter().sum::<f32>() - 1.0).abs() < 1e-6);
    }
}
