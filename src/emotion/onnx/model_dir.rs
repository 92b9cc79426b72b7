//! The files of a Hugging Face-style model directory and what `config.json` says.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::emotion::{CrisisSignal, EmotionError, EmotionLabel};

pub(super) const MODEL_FILE: &str = "model.onnx";
pub(super) const TOKENIZER_FILE: &str = "tokenizer.json";
pub(super) const CONFIG_FILE: &str = "config.json";

/// The three files a model directory must hold.
pub(super) struct ModelFiles {
    pub model: PathBuf,
    pub tokenizer: PathBuf,
    pub config: PathBuf,
}

impl ModelFiles {
    /// Finds the files, naming the directory and every missing file on failure.
    pub fn locate(dir: &Path) -> Result<ModelFiles, EmotionError> {
        if !dir.is_dir() {
            return Err(dir_error(
                dir,
                "no such directory here, beside the executable or in the user data directory \
                 (run scripts/setup in a checkout to install it there, or set emotion.model_dir / \
                 MAEUM__EMOTION__MODEL_DIR to a model directory)",
            ));
        }
        let files = ModelFiles {
            model: dir.join(MODEL_FILE),
            tokenizer: dir.join(TOKENIZER_FILE),
            config: dir.join(CONFIG_FILE),
        };
        let missing: Vec<&str> = [
            (&files.model, MODEL_FILE),
            (&files.tokenizer, TOKENIZER_FILE),
            (&files.config, CONFIG_FILE),
        ]
        .into_iter()
        .filter(|(path, _)| !path.is_file())
        .map(|(_, name)| name)
        .collect();
        if !missing.is_empty() {
            return Err(dir_error(dir, &format!("missing {}", missing.join(", "))));
        }
        Ok(files)
    }
}

/// What Maeum reads from `config.json`.
#[derive(Debug)]
pub(super) struct ModelConfig {
    /// Index `i` is the label of logit `i`.
    pub labels: Vec<&'static EmotionLabel>,
    pub pad_token_id: Option<u32>,
    /// The longest input the model's position embeddings allow.
    pub max_position_embeddings: Option<usize>,
    pub name: Option<String>,
    pub meaningful: bool,
    /// The crisis model `model/train/crisis_model.py` merges into the graph
    /// (its config key is still `crisis_head`), when there is one.
    pub crisis_head: Option<CrisisHead>,
    /// The temperature that calibrates the emotion probabilities (fitted on
    /// validation dialogues; 1: as the model gives them).
    pub temperature: f32,
    /// The n-gram model mixed with the encoder, when the directory has one.
    pub ngram: Option<NgramMix>,
}

/// config.json's `maeum.ngram`: the n-gram model's file in the directory,
/// the encoder's weight in the mix for a message read alone and with
/// context, and the temperature of the mix read alone.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub(super) struct NgramMix {
    pub file: String,
    pub weight_alone: f32,
    pub weight_with_context: f32,
    #[serde(default = "no_temperature")]
    pub temperature_alone: f32,
}

fn no_temperature() -> f32 {
    1.0
}

impl NgramMix {
    fn validate(&self) -> Result<(), String> {
        for (key, w) in [
            ("weight_alone", self.weight_alone),
            ("weight_with_context", self.weight_with_context),
        ] {
            if !(0.0..=1.0).contains(&w) {
                return Err(format!("maeum.ngram.{key} is {w}, expected 0 to 1"));
            }
        }
        if !(self.temperature_alone.is_finite() && self.temperature_alone > 0.0) {
            return Err(format!(
                "maeum.ngram.temperature_alone is {}, expected above 0",
                self.temperature_alone
            ));
        }
        if Path::new(&self.file).components().count() != 1 {
            return Err(format!(
                "maeum.ngram.file is {:?}, expected a file name in the model directory",
                self.file
            ));
        }
        Ok(())
    }
}

/// config.json's `maeum.crisis_head`: which output holds the head's four
/// probabilities, the threshold it was calibrated at, and the probability
/// below which its "none" clears a weak rules reading (absent: never).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub(super) struct CrisisHead {
    pub output: String,
    pub classes: Vec<String>,
    pub threshold: f32,
    #[serde(default)]
    pub clear_below: f32,
    /// The lexical model read beside it, when there is one.
    #[serde(default)]
    pub lexical: Option<CrisisLexical>,
}

/// config.json's `maeum.crisis_head.lexical`: the character n-gram model of
/// `model/train/crisis_ngram.py` (none, crisis) and the probability from
/// which it alone counts.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub(super) struct CrisisLexical {
    pub file: String,
    pub threshold: f32,
}

impl CrisisHead {
    fn validate(&self) -> Result<(), String> {
        if self.classes != CrisisSignal::CLASSES {
            return Err(format!(
                "maeum.crisis_head.classes is {:?}, expected {:?}",
                self.classes,
                CrisisSignal::CLASSES
            ));
        }
        if !(self.threshold > 0.0 && self.threshold <= 1.0) {
            return Err(format!(
                "maeum.crisis_head.threshold is {}, expected a probability above 0",
                self.threshold
            ));
        }
        if !(0.0..self.threshold).contains(&self.clear_below) {
            return Err(format!(
                "maeum.crisis_head.clear_below is {}, expected at least 0 and below the threshold {}",
                self.clear_below, self.threshold
            ));
        }
        if let Some(lexical) = &self.lexical
            && !(lexical.threshold > 0.0 && lexical.threshold <= 1.0)
        {
            return Err(format!(
                "maeum.crisis_head.lexical.threshold is {}, expected a probability above 0",
                lexical.threshold
            ));
        }
        Ok(())
    }
}

#[derive(Deserialize)]
struct RawConfig {
    id2label: Option<BTreeMap<String, String>>,
    pad_token_id: Option<u32>,
    max_position_embeddings: Option<usize>,
    maeum: Option<RawMaeum>,
}

#[derive(Deserialize)]
struct RawMaeum {
    name: Option<String>,
    meaningful: Option<bool>,
    crisis_head: Option<CrisisHead>,
    temperature: Option<f32>,
    ngram: Option<NgramMix>,
}

impl ModelConfig {
    pub fn read(dir: &Path, path: &Path) -> Result<ModelConfig, EmotionError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| dir_error(dir, &format!("{CONFIG_FILE}: {e}")))?;
        ModelConfig::parse(&text)
            .map_err(|reason| dir_error(dir, &format!("{CONFIG_FILE}: {reason}")))
    }

    fn parse(text: &str) -> Result<ModelConfig, String> {
        let raw: RawConfig = serde_json::from_str(text).map_err(|e| e.to_string())?;
        let id2label = raw.id2label.ok_or("no id2label")?;
        let labels = labels_in_order(&id2label)?;
        let maeum = raw.maeum.unwrap_or(RawMaeum {
            name: None,
            meaningful: None,
            crisis_head: None,
            temperature: None,
            ngram: None,
        });
        let temperature = maeum.temperature.unwrap_or(1.0);
        if !(temperature.is_finite() && temperature > 0.0) {
            return Err(format!(
                "maeum.temperature must be above 0, not {temperature}"
            ));
        }
        if let Some(head) = &maeum.crisis_head {
            head.validate()?;
        }
        if let Some(mix) = &maeum.ngram {
            mix.validate()?;
        }
        Ok(ModelConfig {
            labels,
            pad_token_id: raw.pad_token_id,
            max_position_embeddings: raw.max_position_embeddings,
            name: maeum.name.filter(|n| !n.trim().is_empty()),
            meaningful: maeum.meaningful.unwrap_or(true),
            crisis_head: maeum.crisis_head,
            temperature,
            ngram: maeum.ngram,
        })
    }
}

/// The labels by index; ids must be exactly 0..n, each label a distinct taxonomy code.
fn labels_in_order(
    id2label: &BTreeMap<String, String>,
) -> Result<Vec<&'static EmotionLabel>, String> {
    if id2label.is_empty() {
        return Err("id2label is empty".into());
    }
    let mut slots: Vec<Option<&'static EmotionLabel>> = vec![None; id2label.len()];
    let mut seen = HashSet::new();
    for (id, label) in id2label {
        let index: usize = id
            .trim()
            .parse()
            .map_err(|_| format!("id2label key {id:?} is not a number"))?;
        let slot = slots.get_mut(index).ok_or_else(|| {
            format!(
                "id2label ids must be 0..{} without gaps; found {index}",
                id2label.len()
            )
        })?;
        let emotion = parse_label(label).ok_or_else(|| {
            format!("id2label {index} is {label:?}, not an emotion code E10..E69 (written \"E24\", or \"E24\" and a name)")
        })?;
        if !seen.insert(emotion.code) {
            return Err(format!(
                "id2label gives {} to more than one id",
                emotion.code
            ));
        }
        *slot = Some(emotion);
    }
    // Keys are distinct and all in 0..len, so every slot is filled.
    Ok(slots.into_iter().flatten().collect())
}

/// `E24`, or a code followed by a separator and a name (`E24 우울한`, `E24_우울한`).
fn parse_label(label: &str) -> Option<&'static EmotionLabel> {
    let label = label.trim();
    if let Some(emotion) = EmotionLabel::by_code(label) {
        return Some(emotion);
    }
    let (code, rest) = label.split_at_checked(3)?;
    rest.starts_with(|c: char| !c.is_alphanumeric())
        .then(|| EmotionLabel::by_code(code))
        .flatten()
}

fn dir_error(dir: &Path, reason: &str) -> EmotionError {
    EmotionError::ModelDir {
        path: dir.display().to_string(),
        reason: reason.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config_with(id2label: &str) -> String {
        format!(r#"{{"model_type": "bert", "id2label": {id2label}}}"#)
    }

    #[test]
    fn labels_follow_ids_not_file_order() {
        let config =
            ModelConfig::parse(&config_with(r#"{"1": "E24", "0": "E10", "2": "E69"}"#)).unwrap();
        let codes: Vec<_> = config.labels.iter().map(|l| l.code).collect();
        assert_eq!(codes, ["E10", "E24", "E69"]);
        assert!(config.meaningful, "meaningful defaults to true");
        assert_eq!(config.name, None);
    }

    #[test]
    fn a_code_with_a_name_is_accepted() {
        let config =
            ModelConfig::parse(&config_with(r#"{"0": "E24 우울한", "1": "e10_분노"}"#)).unwrap();
        let codes: Vec<_> = config.labels.iter().map(|l| l.code).collect();
        assert_eq!(codes, ["E24", "E10"]);
    }

    #[test]
    fn unknown_labels_are_rejected_by_name() {
        for bad in ["LABEL_0", "E70", "E241", "우울한", ""] {
            let err = ModelConfig::parse(&config_with(&format!(r#"{{"0": "E10", "1": {bad:?}}}"#)))
                .unwrap_err();
            assert!(err.contains(&format!("{bad:?}")), "{bad}: {err}");
        }
    }

    #[test]
    fn ids_must_be_contiguous_and_labels_distinct() {
        let gap = ModelConfig::parse(&config_with(r#"{"0": "E10", "2": "E11"}"#)).unwrap_err();
        assert!(gap.contains("without gaps"), "{gap}");
        let twice = ModelConfig::parse(&config_with(r#"{"0": "E10", "1": "E10"}"#)).unwrap_err();
        assert!(twice.contains("E10"), "{twice}");
        let missing = ModelConfig::parse(r#"{"model_type": "bert"}"#).unwrap_err();
        assert!(missing.contains("id2label"), "{missing}");
    }

    #[test]
    fn maeum_section_is_read() {
        let config = ModelConfig::parse(
            r#"{"id2label": {"0": "E10"}, "pad_token_id": 1, "max_position_embeddings": 64,
                "maeum": {"meaningful": false, "name": "tiny"}}"#,
        )
        .unwrap();
        assert!(!config.meaningful);
        assert_eq!(config.name.as_deref(), Some("tiny"));
        assert_eq!(config.pad_token_id, Some(1));
        assert_eq!(config.max_position_embeddings, Some(64));
    }

    #[test]
    fn a_crisis_head_is_read_and_checked() {
        let with_head = |head: &str| {
            ModelConfig::parse(&format!(
                r#"{{"id2label": {{"0": "E10"}}, "maeum": {{"crisis_head": {head}}}}}"#
            ))
        };
        let config = with_head(
            r#"{"output": "crisis", "classes": ["none", "concern", "risk", "imminent"], "threshold": 0.9}"#,
        )
        .unwrap();
        let head = config.crisis_head.unwrap();
        assert_eq!((head.output.as_str(), head.threshold), ("crisis", 0.9));
        let reordered = with_head(
            r#"{"output": "crisis", "classes": ["none", "risk", "concern", "imminent"], "threshold": 0.9}"#,
        )
        .unwrap_err();
        assert!(reordered.contains("classes"), "{reordered}");
        let no_threshold = with_head(
            r#"{"output": "crisis", "classes": ["none", "concern", "risk", "imminent"], "threshold": 0}"#,
        )
        .unwrap_err();
        assert!(no_threshold.contains("threshold"), "{no_threshold}");
        let lexical = with_head(
            r#"{"output": "crisis", "classes": ["none", "concern", "risk", "imminent"], "threshold": 0.9,
                "lexical": {"file": "crisis_ngram.bin", "threshold": 0.75}}"#,
        )
        .unwrap()
        .crisis_head
        .unwrap()
        .lexical
        .unwrap();
        assert_eq!(
            (lexical.file.as_str(), lexical.threshold),
            ("crisis_ngram.bin", 0.75)
        );
        let lexical_without_threshold = with_head(
            r#"{"output": "crisis", "classes": ["none", "concern", "risk", "imminent"], "threshold": 0.9,
                "lexical": {"file": "crisis_ngram.bin", "threshold": 1.5}}"#,
        )
        .unwrap_err();
        assert!(
            lexical_without_threshold.contains("lexical.threshold"),
            "{lexical_without_threshold}"
        );
        assert_eq!(
            ModelConfig::parse(&config_with(r#"{"0": "E10"}"#))
                .unwrap()
                .crisis_head,
            None
        );
    }

    #[test]
    fn missing_files_are_all_named() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(CONFIG_FILE), "{}").unwrap();
        let Err(err) = ModelFiles::locate(dir.path()) else {
            panic!("a directory without model.onnx was accepted");
        };
        let message = err.to_string();
        assert!(
            message.contains(&dir.path().display().to_string()),
            "{message}"
        );
        assert!(
            message.contains("model.onnx") && message.contains("tokenizer.json"),
            "{message}"
        );
        assert!(!message.contains("config.json"), "{message}");
    }
}
