//! `[emotion]`: the emotion model, its runtime and how it is asked.

use std::path::PathBuf;

use serde::Deserialize;

use super::{ConfigError, invalid};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmotionSettings {
    pub model_dir: PathBuf,
    pub onnxruntime_path: PathBuf,
    pub context_utterances: usize,
    pub top_k: usize,
    pub max_tokens: usize,
    pub max_batch: usize,
    pub intra_threads: usize,
    /// Inference threads, each with its own session, sharing one queue.
    pub workers: usize,
    /// Mix the model directory's n-gram model (`maeum.ngram` in its
    /// config.json) into the encoder's reading; false reads with the encoder alone.
    pub ngram: bool,
    /// The fine emotion is shown (and named to the LLM) from this probability
    /// up; below it only its group.
    pub fine_threshold: f32,
    /// Below the fine threshold, the group is shown from this summed
    /// probability up; below it, no emotion at all.
    pub group_threshold: f32,
}

impl EmotionSettings {
    pub(super) fn validate(&self) -> Result<(), ConfigError> {
        // The model knows 60 fine-grained emotions.
        if self.top_k == 0 || self.top_k > 60 {
            return invalid("emotion.top_k", "must be between 1 and 60");
        }
        if self.max_tokens < 8 || self.max_tokens > 512 {
            return invalid("emotion.max_tokens", "must be between 8 and 512");
        }
        if self.max_batch == 0 {
            return invalid("emotion.max_batch", "must be at least 1");
        }
        if !(0.0..=1.0).contains(&self.fine_threshold) {
            return invalid("emotion.fine_threshold", "must be between 0 and 1");
        }
        if !(0.0..=1.0).contains(&self.group_threshold) {
            return invalid("emotion.group_threshold", "must be between 0 and 1");
        }
        if self.intra_threads == 0 {
            return invalid("emotion.intra_threads", "must be at least 1");
        }
        if self.workers == 0 || self.workers > 16 {
            return invalid("emotion.workers", "must be between 1 and 16");
        }
        Ok(())
    }
}
