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
//!   without it side by side: that difference is what it adds per message.
//!
//! Prints the median and p90 of each, and the ratio of the two readings.

use std::time::{Duration, Instant};

use maeum::config::Settings;
use maeum::emotion::onnx::OnnxClassifier;
use maeum::emotion::{EmotionReader, Utterance};
use maeum::eval::safety::load_cases;
use maeum::safety::crisis;

const ROUNDS: usize = 20;

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

    // Each message read once by the model (timed), as the pipeline reads it.
    let mut reads = Vec::new();
    let mut model_times = Vec::new();
    for case in &cases {
        let utterance = Utterance {
            text: case.text.clone(),
            context: case.context.clone(),
        };
        let started = Instant::now();
        let reading = model.read(utterance, 1).await.expect("the model reads");
        model_times.push(started.elapsed());
        reads.push((reading.emotion(), reading.crisis));
    }
    assert!(
        reads.iter().all(|(_, signal)| signal.is_some()),
        "the shipped model has a crisis head"
    );

    // Compile the patterns before timing.
    let _ = crisis::read("warm up", &[], None, None);
    let (mut rules, mut combined) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        for (case, (emotion, signal)) in cases.iter().zip(&reads) {
            let earlier: Vec<&str> = case.context.iter().map(String::as_str).collect();
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
    line("model read (once each):", &mut model_times);
    println!(
        "ratio (rules + learned / rules): median {:.2}  p90 {:.2}",
        combined_median.as_secs_f64() / rules_median.as_secs_f64(),
        combined_p90.as_secs_f64() / rules_p90.as_secs_f64()
    );
}
