//! `cargo bench --bench crisis`: what the crisis check adds per message.
//!
//! Runs, interleaved over the development part of the crisis evaluation set,
//! the per-message rules alone (`safety::assess`) and the full reading the
//! pipeline uses (`safety::crisis::read`: rules, severity and the writer's
//! recent messages), and prints the median and p90 of each per message, and
//! their ratio. No model is involved: the emotion is read once before, by the
//! classifier, and passed in.

use std::time::{Duration, Instant};

use maeum::eval::safety::load_cases;
use maeum::safety::{assess, crisis};

const ROUNDS: usize = 20;

fn percentile(times: &mut [Duration], p: f64) -> Duration {
    times.sort();
    let index = ((times.len() as f64 - 1.0) * p).round() as usize;
    times[index]
}

fn main() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/crisis/dev.jsonl");
    let cases = load_cases(&path).expect("the development set");
    // Compile the patterns before timing.
    let _ = crisis::read("warm up", &[], None);
    let (mut rules, mut full) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        for case in &cases {
            let earlier: Vec<&str> = case.context.iter().map(String::as_str).collect();
            let started = Instant::now();
            std::hint::black_box(assess(&case.text, None));
            rules.push(started.elapsed());
            let started = Instant::now();
            std::hint::black_box(crisis::read(&case.text, &earlier, None));
            full.push(started.elapsed());
        }
    }
    let (rules_median, rules_p90) = (percentile(&mut rules, 0.5), percentile(&mut rules, 0.9));
    let (full_median, full_p90) = (percentile(&mut full, 0.5), percentile(&mut full, 0.9));
    println!(
        "crisis check per message, {} messages × {ROUNDS} rounds",
        cases.len()
    );
    println!("rules alone:          median {rules_median:>10.1?}  p90 {rules_p90:>10.1?}");
    println!("reading in context:   median {full_median:>10.1?}  p90 {full_p90:>10.1?}");
    println!(
        "ratio (context / rules): median {:.2}  p90 {:.2}",
        full_median.as_secs_f64() / rules_median.as_secs_f64(),
        full_p90.as_secs_f64() / rules_p90.as_secs_f64()
    );
}
