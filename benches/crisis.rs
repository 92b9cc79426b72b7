//! `cargo bench --bench crisis`: what the crisis check adds per message.
//!
//! Over the development part of the crisis evaluation set, interleaved in one
//! run, per message:
//! - **rules alone**: the crisis reading without the learned signal
//!   (`safety::crisis::read(…, None)`: rules, severity, the writer's recent
//!   messages);
//! - **rules + learned signal**: the same reading raised by the crisis
//!   model's signal (`read(…, Some(signal))`), which is what the pipeline runs;
//! - **model read**: the shipped model file reading the message with its
//!   context, which the pipeline does anyway for the emotion; the crisis model
//!   (6 encoder layers) runs in the same session call on the same tokens.
//!   `python model/train/crisis_model.py --bench` times the graph with and
//!   without it side by side: that difference is what it adds per message;
//! - **model read without the lexical model**: the same, from a copy of the
//!   model directory whose config.json has no `crisis_head.lexical`, read
//!   alternately with the shipped one: the difference is what the lexical
//!   model (`crisis_ngram.bin`, character n-grams of the message) adds.
//!
//! - **reading plain**: `text::plain` over the message and its context, once
//!   (the pipeline reads each plain a few times: for the model, the lexical
//!   model and the rules, whose time above includes it).
//!
//! Prints the median and p90 of each, and the ratios.

use std::time::{Duration, Instant};

use maeum::config::Settings;
use maeum::emotion::onnx::OnnxClassifier;
use maeum::emotion::{EmotionReader, Utterance};
use maeum::eval::safety::load_cases;
use maeum::safety::crisis;

const ROUNDS: usize = 20;
const READ_ROUNDS: usize = 3;

/// The shipped model read from a copy of its directory (links, and a
/// config.json without `crisis_head.lexical`).
fn without_lexical(settings: &Settings) -> (tempfile::TempDir, OnnxClassifier) {
    let shipped = std::fs::canonicalize(&settings.emotion.model_dir).expect("the model directory");
    let copy = tempfile::tempdir().expect("a temporary directory");
    for entry in std::fs::read_dir(&shipped).expect("the model directory") {
        let path = entry.expect("an entry").path();
        if path.is_file() && path.file_name().is_some_and(|n| n != "config.json") {
            std::os::unix::fs::symlink(&path, copy.path().join(path.file_name().unwrap()))
                .expect("a link");
        }
    }
    let mut config: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(shipped.join("config.json")).expect("config.json"),
    )
    .expect("config.json is JSON");
    config["maeum"]["crisis_head"]
        .as_object_mut()
        .expect("the shipped model has a crisis head")
        .remove("lexical")
        .expect("the shipped model has a lexical model");
    std::fs::write(copy.path().join("config.json"), config.to_string()).expect("config.json");
    let mut emotion = settings.emotion.clone();
    emotion.model_dir = copy.path().to_path_buf();
    let model = OnnxClassifier::load(&emotion).expect("the copy loads");
    (copy, model)
}

fn percentile(times: &mut [Duration], p: f64) -> Duration {
    times.sort();
    let index = ((times.len() as f64 - 1.0) * p).round() as usize;
    times[index]
}

fn line(name: &str, times: &mut [Duration]) -> (Duration, Duration) {
    let (median, p90) = (percentile(times, 0.5), percentile(times, 0.9));
    println!("{name:<26} median {median:>10.1?}  p90 {p90:>10.1?}");
    (median, p90)
}

#[tokio::main]
async fn main() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    std::env::set_current_dir(root).expect("the repository root");
    let cases = load_cases(&root.join("tests/data/crisis/dev.jsonl")).expect("the development set");
    let settings = Settings::load_with(None, figment::Figment::new(), Default::default())
        .expect("default settings");
    let model =
        OnnxClassifier::load(&settings.emotion).expect("the shipped model (run scripts/setup)");
    let (_copy, without_lexical) = without_lexical(&settings);

    // Each message read by the model as the pipeline reads it, and by the
    // model without the lexical model, alternately (timed).
    let mut reads = Vec::new();
    let (mut model_times, mut encoder_times) = (Vec::new(), Vec::new());
    for _ in 0..READ_ROUNDS {
        reads.clear();
        for case in &cases {
            let utterance = Utterance {
                text: case.text.clone(),
                context: case.context.clone(),
            };
            let started = Instant::now();
            let encoder_only = without_lexical.read(utterance.clone(), 1).await;
            encoder_times.push(started.elapsed());
            std::hint::black_box(encoder_only.expect("the model reads"));
            let started = Instant::now();
            let reading = model.read(utterance, 1).await.expect("the model reads");
            model_times.push(started.elapsed());
            reads.push((reading.emotion(), reading.crisis));
        }
    }
    assert!(
        reads.iter().all(|(_, signal)| signal.is_some()),
        "the shipped model has a crisis head"
    );

    // Compile the patterns before timing.
    let _ = crisis::read("warm up", &[], None, None);
    let (mut rules, mut combined, mut plain) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        for (case, (emotion, signal)) in cases.iter().zip(&reads) {
            let earlier: Vec<&str> = case.context.iter().map(String::as_str).collect();
            let started = Instant::now();
            for text in std::iter::once(&case.text).chain(&case.context) {
                std::hint::black_box(maeum::text::plain(text));
            }
            plain.push(started.elapsed());
            let started = Instant::now();
            std::hint::black_box(crisis::read(&case.text, &earlier, emotion.as_ref(), None));
            rules.push(started.elapsed());
            let started = Instant::now();
            std::hint::black_box(crisis::read(
                &case.text,
                &earlier,
                emotion.as_ref(),
                signal.as_ref(),
            ));
            combined.push(started.elapsed());
        }
    }
    println!(
        "crisis check per message, {} messages × {ROUNDS} rounds",
        cases.len()
    );
    let (rules_median, rules_p90) = line("rules alone:", &mut rules);
    let (combined_median, combined_p90) = line("rules + learned signal:", &mut combined);
    let (plain_median, _) = line("reading plain:", &mut plain);
    println!(
        "model read, {} messages × {READ_ROUNDS} rounds",
        cases.len()
    );
    let (model_median, model_p90) = line("with the lexical model:", &mut model_times);
    let (encoder_median, encoder_p90) = line("without it:", &mut encoder_times);
    println!(
        "ratio (rules + learned / rules): median {:.2}  p90 {:.2}",
        combined_median.as_secs_f64() / rules_median.as_secs_f64(),
        combined_p90.as_secs_f64() / rules_p90.as_secs_f64()
    );
    println!(
        "reading plain / model read: median {:.5}",
        plain_median.as_secs_f64() / model_median.as_secs_f64()
    );
    println!(
        "ratio (model read with / without the lexical model): median {:.3}  p90 {:.3}",
        model_median.as_secs_f64() / encoder_median.as_secs_f64(),
        model_p90.as_secs_f64() / encoder_p90.as_secs_f64()
    );
}
