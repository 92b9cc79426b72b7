//! The ONNX Runtime classifier: a Hugging Face-style model directory
//! (`model.onnx`, `tokenizer.json`, `config.json` with `id2label`).
//!
//! Inputs are the text pairs of [`Utterance::model_input`], tokenized and
//! truncated by `encode`, run in batches by the `worker` thread; the logits
//! become probabilities over the labels of `config.json`, mixed with the
//! directory's character n-gram model when it has one (`ngram`).

mod encode;
mod model_dir;
mod ngram;
mod worker;

use std::path::Path;
use std::sync::Arc;

use async_trait::async_trait;
use ort::session::Session;
use tokenizers::Tokenizer;
use tokio::sync::{mpsc, oneshot};

use super::{
    CrisisSignal, Emotion, EmotionError, EmotionLabel, EmotionReader, ModelInfo, Reading,
    Utterance, runtime, temper,
};
use crate::config::EmotionSettings;
use crate::text;
use encode::Encoder;
use model_dir::{ModelConfig, ModelFiles};
use ngram::{Ensemble, NgramModel};
use worker::{Job, Row, Signature, Worker};

/// Jobs that may wait for the worker, per input of a batch: enough for bursts,
/// bounded so a flood waits at the sender instead of growing memory.
const QUEUED_JOBS_PER_BATCH_INPUT: usize = 8;

/// A BERT-style emotion classifier run by ONNX Runtime on its own thread.
pub struct OnnxClassifier {
    jobs: mpsc::Sender<Job>,
    labels: Vec<&'static EmotionLabel>,
    /// The crisis model's threshold and clearing probability, when the model has one.
    crisis_calibration: Option<(f32, f32)>,
    /// The crisis model's lexical partner and the probability from which it
    /// counts alone, when the model directory has one.
    crisis_lexical: Option<(NgramModel, f32)>,
    /// Calibrates the emotion probabilities (config.json `maeum.temperature`).
    temperature: f32,
    max_batch: usize,
    info: ModelInfo,
}

impl OnnxClassifier {
    /// Loads the model directory `settings.model_dir` with the ONNX Runtime
    /// library at `settings.onnxruntime_path`, and starts the inference worker.
    pub fn load(settings: &EmotionSettings) -> Result<OnnxClassifier, EmotionError> {
        let dir = settings.model_dir.as_path();
        let files = ModelFiles::locate(dir)?;
        let config = ModelConfig::read(dir, &files.config)?;
        let tokenizer = Tokenizer::from_file(&files.tokenizer)
            .map_err(|e| dir_error(dir, format!("{}: {e}", model_dir::TOKENIZER_FILE)))?;
        let pad_id = pad_id(&tokenizer, &config).map_err(|reason| dir_error(dir, reason))?;
        let max_tokens = max_tokens(settings.max_tokens, &config);
        let encoder = Encoder::new(tokenizer, max_tokens).map_err(EmotionError::Tokenizer)?;

        let ensemble = match (&config.ngram, settings.ngram) {
            (Some(mix), true) => {
                let model = read_ngram(dir, &mix.file, config.labels.len())?;
                Some(Arc::new(Ensemble {
                    model,
                    weight_alone: mix.weight_alone,
                    weight_with_context: mix.weight_with_context,
                    temperature_alone: mix.temperature_alone,
                }))
            }
            _ => None,
        };

        // The crisis model's lexical partner scores two classes: none, crisis.
        let crisis_lexical = match config.crisis_head.as_ref().and_then(|h| h.lexical.as_ref()) {
            Some(lexical) => Some((read_ngram(dir, &lexical.file, 2)?, lexical.threshold)),
            None => None,
        };

        let environment = runtime::environment(&settings.onnxruntime_path)?;
        let info = ModelInfo {
            name: config.name.clone().unwrap_or_else(|| default_name(dir)),
            path: dir.display().to_string(),
            meaningful: config.meaningful,
        };
        let max_batch = settings.max_batch.max(1);
        let workers = settings.workers.max(1);
        let (jobs, queue) = mpsc::channel(max_batch * workers * QUEUED_JOBS_PER_BATCH_INPUT);
        let queue = Arc::new(std::sync::Mutex::new(queue));
        for index in 0..workers {
            let session = Session::builder(&environment)
                .and_then(|b| Ok(b.with_intra_threads(settings.intra_threads)?))
                .and_then(|b| Ok(b.with_inter_threads(1)?))
                .and_then(|mut b| b.commit_from_file(&files.model))
                .map_err(|e| dir_error(dir, format!("{}: {e}", model_dir::MODEL_FILE)))?;
            let signature =
                Signature::inspect(&session, config.labels.len(), config.crisis_head.as_ref())
                    .map_err(|reason| {
                        dir_error(dir, format!("{}: {reason}", model_dir::MODEL_FILE))
                    })?;
            let worker = Worker {
                session,
                signature,
                encoder: encoder.clone(),
                num_labels: config.labels.len(),
                pad_id,
                max_batch,
                ensemble: ensemble.clone(),
            };
            let queue = queue.clone();
            std::thread::Builder::new()
                .name(format!("maeum-emotion-{index}"))
                .spawn(move || worker.run(queue))
                .map_err(|e| {
                    EmotionError::Inference(format!("cannot start the inference thread: {e}"))
                })?;
        }

        tracing::info!(
            model = %info.name,
            path = %info.path,
            labels = config.labels.len(),
            meaningful = info.meaningful,
            max_tokens,
            max_batch,
            workers,
            crisis_head = config.crisis_head.is_some(),
            ngram = ensemble.is_some(),
            crisis_lexical = crisis_lexical.is_some(),
            intra_threads = settings.intra_threads,
            "emotion model loaded"
        );
        Ok(OnnxClassifier {
            jobs,
            labels: config.labels,
            crisis_calibration: config
                .crisis_head
                .map(|head| (head.threshold, head.clear_below)),
            crisis_lexical,
            temperature: config.temperature,
            max_batch,
            info,
        })
    }

    /// One row of the model's output for the message `text`. The lexical
    /// crisis model reads the text here: a few microseconds of n-gram
    /// counting, not worth a trip to the inference thread.
    fn reading(&self, row: &Row, text: &str, top_k: usize) -> Reading {
        Reading {
            emotions: self.top(&temper(&row.probabilities, self.temperature), top_k),
            crisis: row
                .crisis
                .zip(self.crisis_calibration)
                .map(|(p, (threshold, clear_below))| {
                    let signal =
                        CrisisSignal::from_probabilities(p, threshold).clearing_below(clear_below);
                    match &self.crisis_lexical {
                        Some((model, lexical_threshold)) => signal.with_lexical(
                            model.probabilities(&text::plain(text))[1],
                            *lexical_threshold,
                        ),
                        None => signal,
                    }
                }),
        }
    }

    /// The `top_k` most likely labels of one probability row, most likely first.
    fn top(&self, probabilities: &[f32], top_k: usize) -> Vec<Emotion> {
        let mut order: Vec<usize> = (0..probabilities.len()).collect();
        // Stable: equal scores keep label order, so answers are reproducible.
        order.sort_by(|&a, &b| probabilities[b].total_cmp(&probabilities[a]));
        order
            .into_iter()
            .take(top_k)
            .map(|i| Emotion {
                label: self.labels[i],
                score: probabilities[i],
            })
            .collect()
    }
}

#[async_trait]
impl EmotionReader for OnnxClassifier {
    async fn read_batch(
        &self,
        utterances: Vec<Utterance>,
        top_k: usize,
    ) -> Result<Vec<Reading>, EmotionError> {
        // Every chunk is queued before any answer is awaited, so the worker
        // can put chunks of this call and concurrent calls in one batch.
        let mut answers = Vec::new();
        for chunk in utterances.chunks(self.max_batch) {
            let (reply, answer) = oneshot::channel();
            let inputs = chunk.iter().map(Utterance::model_input).collect();
            self.jobs
                .send(Job { inputs, reply })
                .await
                .map_err(|_| EmotionError::WorkerGone)?;
            answers.push(answer);
        }
        let mut readings = Vec::with_capacity(utterances.len());
        for (answer, chunk) in answers.into_iter().zip(utterances.chunks(self.max_batch)) {
            let rows = answer.await.map_err(|_| EmotionError::WorkerGone)??;
            readings.extend(
                rows.iter()
                    .zip(chunk)
                    .map(|(row, utterance)| self.reading(row, &utterance.text, top_k)),
            );
        }
        Ok(readings)
    }

    fn info(&self) -> ModelInfo {
        self.info.clone()
    }
}

/// `emotion.max_tokens`, lowered to what the model's positions allow.
fn max_tokens(configured: usize, config: &ModelConfig) -> usize {
    match config.max_position_embeddings {
        Some(positions) if positions < configured => {
            tracing::warn!(
                configured,
                positions,
                "emotion.max_tokens is more than the model has positions for; using the model's limit"
            );
            positions
        }
        _ => configured,
    }
}

/// The padding id: the tokenizer's own pad token, else `pad_token_id` from config.json.
fn pad_id(tokenizer: &Tokenizer, config: &ModelConfig) -> Result<i64, String> {
    let from_tokenizer = ["<pad>", "[PAD]"]
        .iter()
        .find_map(|t| tokenizer.token_to_id(t));
    match (from_tokenizer, config.pad_token_id) {
        (Some(token), Some(declared)) if token != declared => {
            tracing::warn!(
                tokenizer = token,
                config = declared,
                "tokenizer.json and config.json disagree on the pad id; using the tokenizer's"
            );
            Ok(i64::from(token))
        }
        (Some(id), _) | (None, Some(id)) => Ok(i64::from(id)),
        (None, None) => Err(format!(
            "no padding token: {} has no <pad> or [PAD] and {} no pad_token_id",
            model_dir::TOKENIZER_FILE,
            model_dir::CONFIG_FILE
        )),
    }
}

fn default_name(dir: &Path) -> String {
    dir.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| dir.display().to_string())
}

/// An n-gram model of the model directory that must score `classes` classes.
fn read_ngram(dir: &Path, file: &str, classes: usize) -> Result<NgramModel, EmotionError> {
    let model = NgramModel::read(&dir.join(file))
        .map_err(|reason| dir_error(dir, format!("{file}: {reason}")))?;
    if model.classes() != classes {
        return Err(dir_error(
            dir,
            format!(
                "{file} scores {} classes, expected {classes}",
                model.classes()
            ),
        ));
    }
    Ok(model)
}

fn dir_error(dir: &Path, reason: String) -> EmotionError {
    EmotionError::ModelDir {
        path: dir.display().to_string(),
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emotion::TAXONOMY;

    /// A classifier whose worker is already gone (its receiving end dropped).
    fn without_worker() -> (OnnxClassifier, mpsc::Receiver<Job>) {
        let (jobs, queue) = mpsc::channel(4);
        let classifier = OnnxClassifier {
            jobs,
            labels: TAXONOMY.iter().collect(),
            crisis_calibration: None,
            crisis_lexical: None,
            temperature: 1.0,
            max_batch: 4,
            info: ModelInfo {
                name: "none".into(),
                path: "none".into(),
                meaningful: false,
            },
        };
        (classifier, queue)
    }

    #[tokio::test]
    async fn a_stopped_worker_answers_worker_gone() {
        let (classifier, queue) = without_worker();
        drop(queue);
        let err = classifier
            .read(Utterance::alone("안녕"), 3)
            .await
            .unwrap_err();
        assert!(matches!(err, EmotionError::WorkerGone), "{err:?}");
    }

    #[tokio::test]
    async fn a_worker_dying_mid_job_answers_worker_gone() {
        let (classifier, mut queue) = without_worker();
        // Stand-in for a worker that takes the job and dies before replying.
        let dying = tokio::spawn(async move {
            let job = queue.recv().await;
            drop(job);
        });
        let err = classifier
            .read(Utterance::alone("안녕"), 3)
            .await
            .unwrap_err();
        assert!(matches!(err, EmotionError::WorkerGone), "{err:?}");
        dying.await.unwrap();
    }

    #[test]
    fn top_sorts_by_score_and_keeps_label_order_on_ties() {
        let (classifier, _queue) = without_worker();
        let mut row = vec![0.0f32; 60];
        row[5] = 0.5;
        row[2] = 0.2;
        row[7] = 0.2;
        row[59] = 0.1;
        let top: Vec<_> = classifier
            .top(&row, 4)
            .iter()
            .map(|e| (e.code(), e.score))
            .collect();
        assert_eq!(
            top,
            [("E15", 0.5), ("E12", 0.2), ("E17", 0.2), ("E69", 0.1)]
        );
        assert_eq!(classifier.top(&row, 100).len(), 60);
    }
}
