//! The inference workers: each OS thread owns an ONNX Runtime session, takes
//! requests from one shared bounded channel, and runs whatever is queued (up
//! to `max_batch` inputs) as one padded batch, as Hugging Face's
//! text-embeddings-inference does. Keeps CPU-bound inference off the async runtime.

use std::borrow::Cow;
use std::sync::{Arc, Mutex};

use ort::session::{Session, SessionInputValue};
use ort::value::{Tensor, TensorElementType, ValueType};
use tokenizers::Encoding;
use tokio::sync::{mpsc, oneshot};

use super::encode::Encoder;
use super::model_dir::CrisisHead;
use super::ngram::Ensemble;
use crate::emotion::{EmotionError, softmax};

/// What the model gave for one input: probabilities over the labels, and
/// the crisis head's four probabilities when the model has that head.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Row {
    pub probabilities: Vec<f32>,
    pub crisis: Option<[f32; CRISIS_CLASSES]>,
}

/// One row per input of a job.
pub(super) type JobResult = Result<Vec<Row>, EmotionError>;

/// The crisis head's outputs: none, concern, risk, imminent.
const CRISIS_CLASSES: usize = 4;

/// Inputs (segment A, optional segment B) read together, answered together.
pub(super) struct Job {
    pub inputs: Vec<(String, Option<String>)>,
    pub reply: oneshot::Sender<JobResult>,
}

/// A model input the worker knows how to fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Feed {
    InputIds,
    AttentionMask,
    TokenTypeIds,
}

/// How to talk to a session: what it takes, which output holds the logits
/// and which the crisis head's probabilities.
pub(super) struct Signature {
    feeds: Vec<(String, Feed)>,
    output: String,
    crisis: Option<String>,
}

impl Signature {
    /// Reads the session's declared inputs and outputs. `input_ids` is
    /// required; `attention_mask` and `token_type_ids` are fed when declared;
    /// any other input is an error. The logits are the output named `logits`,
    /// or the only output. The crisis head, when config.json declares one,
    /// is the output it names, float32 `[batch, 4]`.
    pub fn inspect(
        session: &Session,
        num_labels: usize,
        crisis_head: Option<&CrisisHead>,
    ) -> Result<Signature, String> {
        let mut feeds = Vec::new();
        for input in session.inputs() {
            let feed = match input.name() {
                "input_ids" => Feed::InputIds,
                "attention_mask" => Feed::AttentionMask,
                "token_type_ids" => Feed::TokenTypeIds,
                other => return Err(format!("model input {other:?} is not one Maeum can feed")),
            };
            match input.dtype() {
                ValueType::Tensor {
                    ty: TensorElementType::Int64,
                    ..
                } => {}
                other => {
                    return Err(format!(
                        "model input {:?} is {other}, expected int64",
                        input.name()
                    ));
                }
            }
            feeds.push((input.name().to_string(), feed));
        }
        if !feeds.iter().any(|(_, f)| *f == Feed::InputIds) {
            return Err("the model has no input_ids input".into());
        }

        let outputs = session.outputs();
        let output = match outputs.iter().find(|o| o.name() == "logits") {
            Some(o) => o,
            None if outputs.len() == 1 => &outputs[0],
            None => return Err("the model has no output named logits".into()),
        };
        check_output(output, num_labels, "one logit per id2label entry")?;
        let crisis = match crisis_head {
            None => None,
            Some(head) => {
                let output = outputs
                    .iter()
                    .find(|o| o.name() == head.output)
                    .ok_or_else(|| {
                        format!(
                            "config.json declares a crisis head with output {:?}, which the model lacks",
                            head.output
                        )
                    })?;
                check_output(output, CRISIS_CLASSES, "none, concern, risk, imminent")?;
                Some(head.output.clone())
            }
        };
        Ok(Signature {
            feeds,
            output: output.name().to_string(),
            crisis,
        })
    }
}

/// A float32 `[batch, columns]` output.
fn check_output(output: &ort::value::Outlet, columns: usize, what: &str) -> Result<(), String> {
    match output.dtype() {
        ValueType::Tensor {
            ty: TensorElementType::Float32,
            shape,
            ..
        } => {
            let dims: &[i64] = shape;
            let last = dims.last().copied();
            if dims.len() != 2 || last.is_some_and(|d| d >= 0 && d as usize != columns) {
                return Err(format!(
                    "output {:?} has shape {dims:?}, expected [batch, {columns}] ({what})",
                    output.name()
                ));
            }
            Ok(())
        }
        other => Err(format!(
            "output {:?} is {other}, expected float32",
            output.name()
        )),
    }
}

pub(super) struct Worker {
    pub session: Session,
    pub signature: Signature,
    pub encoder: Encoder,
    pub num_labels: usize,
    pub pad_id: i64,
    pub max_batch: usize,
    /// The n-gram model mixed into each row here, off the async runtime.
    pub ensemble: Option<Arc<Ensemble>>,
}

/// The queue the workers share: one takes a batch at a time, then lets go
/// while it runs it, so a message waits for whichever worker is free.
pub(super) type SharedJobs = Arc<Mutex<mpsc::Receiver<Job>>>;

impl Worker {
    /// Serves jobs until every sender is gone.
    pub fn run(mut self, jobs: SharedJobs) {
        let mut held = None;
        loop {
            let batch = {
                // A worker that panicked holding the lock left the queue intact.
                let mut queue = jobs.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
                next_batch(&mut queue, &mut held, self.max_batch)
            };
            let Some(batch) = batch else { break };
            self.serve(batch);
        }
        tracing::debug!("emotion worker stopping: no more requests");
    }

    fn serve(&mut self, batch: Vec<Job>) {
        // Tokenize each job; a job whose input fails is answered alone.
        let mut ready = Vec::with_capacity(batch.len());
        for job in batch {
            let encoded: Result<Vec<Encoding>, String> = job
                .inputs
                .iter()
                .map(|(text, context)| self.encoder.encode(text, context.as_deref()))
                .collect();
            match encoded {
                Ok(encodings) => ready.push((job.reply, encodings, job.inputs)),
                Err(e) => {
                    let _ = job.reply.send(Err(EmotionError::Tokenizer(e)));
                }
            }
        }
        if ready.is_empty() {
            return;
        }

        let encodings: Vec<&Encoding> = ready.iter().flat_map(|(_, e, _)| e).collect();
        match self.infer(&encodings) {
            Ok(rows) => {
                let mut rows = rows.into_iter();
                for (reply, encodings, inputs) in ready {
                    let mut answer: Vec<Row> = rows.by_ref().take(encodings.len()).collect();
                    if let Some(ensemble) = &self.ensemble {
                        for (row, (text, context)) in answer.iter_mut().zip(&inputs) {
                            row.probabilities =
                                ensemble.mix(&row.probabilities, text, context.is_some());
                        }
                    }
                    // The caller may have given up waiting; nothing to do then.
                    let _ = reply.send(Ok(answer));
                }
            }
            Err(e) => {
                tracing::error!(error = %e, inputs = encodings.len(), "emotion inference failed");
                for (reply, _, _) in ready {
                    let _ = reply.send(Err(EmotionError::Inference(e.clone())));
                }
            }
        }
    }

    /// One padded batch through the model; softmax probabilities per row,
    /// with the crisis head's when there is one.
    fn infer(&mut self, encodings: &[&Encoding]) -> Result<Vec<Row>, String> {
        let rows = encodings.len();
        let columns = encodings.iter().map(|e| e.len()).max().unwrap_or(0);
        let mut ids = vec![self.pad_id; rows * columns];
        let mut mask = vec![0i64; rows * columns];
        let mut types = vec![0i64; rows * columns];
        for (row, encoding) in encodings.iter().enumerate() {
            let start = row * columns;
            for (i, &id) in encoding.get_ids().iter().enumerate() {
                ids[start + i] = i64::from(id);
            }
            for (i, &m) in encoding.get_attention_mask().iter().enumerate() {
                mask[start + i] = i64::from(m);
            }
            for (i, &t) in encoding.get_type_ids().iter().enumerate() {
                types[start + i] = i64::from(t);
            }
        }
        tracing::debug!(rows, columns, "emotion batch");

        let shape = [rows, columns];
        let mut inputs: Vec<(Cow<'_, str>, SessionInputValue<'_>)> =
            Vec::with_capacity(self.signature.feeds.len());
        for (name, feed) in &self.signature.feeds {
            // Each feed occurs once in a session's inputs, so each buffer is taken once.
            let data = match feed {
                Feed::InputIds => std::mem::take(&mut ids),
                Feed::AttentionMask => std::mem::take(&mut mask),
                Feed::TokenTypeIds => std::mem::take(&mut types),
            };
            let tensor = Tensor::from_array((shape, data)).map_err(|e| e.to_string())?;
            inputs.push((Cow::Borrowed(name.as_str()), tensor.into()));
        }

        let outputs = self.session.run(inputs).map_err(|e| e.to_string())?;
        let output = outputs
            .get(&self.signature.output)
            .ok_or_else(|| format!("the model gave no {:?} output", self.signature.output))?;
        let (out_shape, logits) = output
            .try_extract_tensor::<f32>()
            .map_err(|e| e.to_string())?;
        let out_dims: &[i64] = out_shape;
        if out_dims != [rows as i64, self.num_labels as i64] {
            return Err(format!(
                "the model gave logits of shape {out_dims:?} for {rows} inputs, expected [{rows}, {}]",
                self.num_labels
            ));
        }
        let crisis: Vec<Option<[f32; CRISIS_CLASSES]>> = match &self.signature.crisis {
            None => vec![None; rows],
            Some(name) => {
                let output = outputs
                    .get(name)
                    .ok_or_else(|| format!("the model gave no {name:?} output"))?;
                let (shape, values) = output
                    .try_extract_tensor::<f32>()
                    .map_err(|e| e.to_string())?;
                let dims: &[i64] = shape;
                if dims != [rows as i64, CRISIS_CLASSES as i64] {
                    return Err(format!(
                        "the model gave a crisis output of shape {dims:?} for {rows} inputs"
                    ));
                }
                values
                    .chunks_exact(CRISIS_CLASSES)
                    .map(|p| <[f32; CRISIS_CLASSES]>::try_from(p).ok())
                    .collect()
            }
        };
        Ok(logits
            .chunks(self.num_labels)
            .zip(crisis)
            .map(|(logits, crisis)| Row {
                probabilities: softmax(logits),
                crisis,
            })
            .collect())
    }
}

/// The next batch: the first job (waiting for it), then whatever else is
/// already queued while the inputs fit in `max_batch`. A queued job that does
/// not fit is held for the next batch. `None` once all senders are gone.
fn next_batch(
    jobs: &mut mpsc::Receiver<Job>,
    held: &mut Option<Job>,
    max_batch: usize,
) -> Option<Vec<Job>> {
    let first = match held.take() {
        Some(job) => job,
        None => jobs.blocking_recv()?,
    };
    let mut size = first.inputs.len();
    let mut batch = vec![first];
    while size < max_batch {
        let Ok(job) = jobs.try_recv() else { break };
        if job.reply.is_closed() {
            continue; // Its caller has gone; don't spend inference on it.
        }
        if size + job.inputs.len() > max_batch {
            *held = Some(job);
            break;
        }
        size += job.inputs.len();
        batch.push(job);
    }
    Some(batch)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(inputs: usize) -> (Job, oneshot::Receiver<JobResult>) {
        let (reply, answer) = oneshot::channel();
        let inputs = (0..inputs)
            .map(|i| (format!("utterance {i}"), None))
            .collect();
        (Job { inputs, reply }, answer)
    }

    fn sizes(batch: &[Job]) -> Vec<usize> {
        batch.iter().map(|j| j.inputs.len()).collect()
    }

    #[test]
    fn queued_jobs_are_gathered_up_to_max_batch() {
        let (tx, mut rx) = mpsc::channel(16);
        let mut answers = Vec::new();
        for n in [1, 2, 3, 1] {
            let (job, answer) = job(n);
            tx.try_send(job).unwrap();
            answers.push(answer);
        }
        drop(tx);
        let mut held = None;
        let first = next_batch(&mut rx, &mut held, 4).unwrap();
        assert_eq!(sizes(&first), [1, 2]);
        // The 3-input job did not fit beside them: held, then first of the next batch.
        assert_eq!(held.as_ref().map(|j| j.inputs.len()), Some(3));
        let second = next_batch(&mut rx, &mut held, 4).unwrap();
        assert_eq!(sizes(&second), [3, 1]);
        assert!(
            next_batch(&mut rx, &mut held, 4).is_none(),
            "no senders and nothing queued"
        );
    }

    #[test]
    fn jobs_whose_callers_left_are_skipped() {
        let (tx, mut rx) = mpsc::channel(4);
        let (first, _keep) = job(1);
        let (abandoned, gone) = job(1);
        let (last, _keep_too) = job(1);
        drop(gone);
        for j in [first, abandoned, last] {
            tx.try_send(j).unwrap();
        }
        let batch = next_batch(&mut rx, &mut None, 8).unwrap();
        assert_eq!(batch.len(), 2);
        assert!(batch.iter().all(|j| !j.reply.is_closed()));
    }
}
