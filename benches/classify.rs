//! `cargo bench --bench classify`: how long the emotion reader takes on this
//! machine, for the shipped model and the tiny test model side by side.
//!
//! For each model: load time, then single-message latency (median and p90,
//! one message with two utterances of context, as the bot reads them; and the
//! median of the same messages read alone, as a first message is) and
//! batched throughput. Rounds alternate between the models so both see the
//! same machine load; the ratio to the test model (whose network is almost
//! free) shows how much of the time is the network itself. A model directory
//! with an n-gram model (`ngram.bin`) is measured with it and without it
//! (`emotion.ngram = false`, the encoder alone).
//! `MAEUM_BENCH_MODELS=dir1,dir2` measures other model directories.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use maeum::config::Settings;
use maeum::emotion::onnx::OnnxClassifier;
use maeum::emotion::{EmotionReader, Utterance};

const ROUNDS: usize = 15;

/// Everyday messages, short and long, one per line, each read with the
/// speaker's earlier ones (`model/train/bench_original.py` reads the same).
const DIALOGUE: &str = include_str!("everyday_messages.txt");

/// The messages, each with up to two earlier utterances as context.
fn messages() -> Vec<Utterance> {
    let dialogue: Vec<&str> = DIALOGUE.lines().filter(|l| !l.is_empty()).collect();
    (0..dialogue.len())
        .map(|i| Utterance {
            text: dialogue[i].to_string(),
            context: dialogue[i.saturating_sub(2)..i]
                .iter()
                .map(|s| s.to_string())
                .collect(),
        })
        .collect()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

struct Measured {
    name: String,
    reader: OnnxClassifier,
    load: Duration,
    singles: Vec<Duration>,
    alone: Vec<Duration>,
    batches: Vec<Duration>,
}

#[tokio::main]
async fn main() {
    let defaults = Settings::load_with(None, figment::Figment::new(), Default::default())
        .expect("default settings");
    let dirs: Vec<PathBuf> = match std::env::var("MAEUM_BENCH_MODELS") {
        Ok(list) => list.split(',').map(PathBuf::from).collect(),
        Err(_) => ["model/test-tiny", "model"]
            .iter()
            .map(PathBuf::from)
            .filter(|d| d.join("model.onnx").exists())
            .collect(),
    };
    let messages = messages();

    // Load ONNX Runtime itself once, so no model's load time includes it.
    let mut warm_settings = defaults.emotion.clone();
    warm_settings.model_dir = dirs[0].clone();
    drop(OnnxClassifier::load(&warm_settings).expect("load the first model"));

    let variants = dirs.iter().flat_map(|dir| {
        let with_ngram = dir.join("ngram.bin").exists();
        let name = dir.display().to_string();
        let mut out = vec![(dir.clone(), with_ngram, name.clone())];
        if with_ngram {
            out.insert(0, (dir.clone(), false, format!("{name} (no n-gram)")));
        }
        out
    });
    let mut models = Vec::new();
    for (dir, ngram, name) in variants {
        let mut settings = defaults.emotion.clone();
        settings.model_dir = dir.clone();
        settings.ngram = ngram;
        let started = Instant::now();
        let reader =
            OnnxClassifier::load(&settings).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        let load = started.elapsed();
        // Warm-up: first runs allocate.
        for m in &messages {
            reader.read(m.clone(), 3).await.expect("warm-up read");
        }
        models.push(Measured {
            name,
            reader,
            load,
            singles: Vec::new(),
            alone: Vec::new(),
            batches: Vec::new(),
        });
    }

    for _ in 0..ROUNDS {
        for model in &mut models {
            for m in &messages {
                let started = Instant::now();
                model.reader.read(m.clone(), 3).await.expect("read");
                model.singles.push(started.elapsed());
                let started = Instant::now();
                model
                    .reader
                    .read(Utterance::alone(m.text.clone()), 3)
                    .await
                    .expect("read alone");
                model.alone.push(started.elapsed());
            }
            let batch: Vec<Utterance> = messages.iter().cycle().take(32).cloned().collect();
            let started = Instant::now();
            model.reader.read_batch(batch, 3).await.expect("batch read");
            model.batches.push(started.elapsed());
        }
    }

    let threads = defaults.emotion.intra_threads;
    println!(
        "emotion reader on this machine ({threads} intra-op thread(s), {ROUNDS} rounds, rounds interleaved)"
    );
    println!(
        "{:<24} {:>9} {:>11} {:>9} {:>17} {:>12} {:>15}",
        "model", "load ms", "median ms", "p90 ms", "alone median ms", "vs first", "batch-32 msg/s"
    );
    let baseline = {
        let mut s = models[0].singles.clone();
        s.sort();
        percentile(&s, 0.5)
    };
    for model in &mut models {
        model.singles.sort();
        model.alone.sort();
        model.batches.sort();
        let median = percentile(&model.singles, 0.5);
        let batch = percentile(&model.batches, 0.5);
        println!(
            "{:<24} {:>9.1} {:>11.2} {:>9.2} {:>17.2} {:>11.2}x {:>15.0}",
            model.name,
            ms(model.load),
            ms(median),
            ms(percentile(&model.singles, 0.9)),
            ms(percentile(&model.alone, 0.5)),
            median.as_secs_f64() / baseline.as_secs_f64(),
            32.0 / batch.as_secs_f64()
        );
    }
}
