//! The history budget's token estimate (`reply::prompt::estimate_tokens`)
//! against real LLM tokenizers (OpenAI's o200k_base and cl100k_base), on a
//! sample of Korean, English and mixed chat lines written for it
//! (`tests/data/token_sample.txt`). The estimate is meant to be on the
//! generous side: a budget it keeps must fit the real count.

use maeum::reply::prompt::estimate_tokens;

fn sample() -> Vec<String> {
    std::fs::read_to_string("tests/data/token_sample.txt")
        .expect("the sample file")
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(str::to_string)
        .collect()
}

fn has_hangul(text: &str) -> bool {
    text.chars().any(|c| ('\u{AC00}'..='\u{D7A3}').contains(&c))
}

/// Sums of (estimate, o200k, cl100k) over the lines `keep` selects.
fn totals(lines: &[String], keep: impl Fn(&str) -> bool) -> (usize, usize, usize) {
    let o200k = tiktoken_rs::o200k_base().expect("o200k_base");
    let cl100k = tiktoken_rs::cl100k_base().expect("cl100k_base");
    lines
        .iter()
        .filter(|l| keep(l))
        .fold((0, 0, 0), |(e, o, c), line| {
            (
                e + estimate_tokens(line),
                o + o200k.encode_ordinary(line).len(),
                c + cl100k.encode_ordinary(line).len(),
            )
        })
}

#[test]
fn the_estimate_is_close_to_real_tokenizers_and_on_the_generous_side() {
    let lines = sample();
    assert!(lines.len() >= 30, "the sample has {} lines", lines.len());
    for (name, keep) in [
        ("Korean", has_hangul as fn(&str) -> bool),
        ("English", |l: &str| !has_hangul(l)),
    ] {
        let (estimate, o200k, cl100k) = totals(&lines, keep);
        let to_o200k = estimate as f64 / o200k as f64;
        let to_cl100k = estimate as f64 / cl100k as f64;
        println!(
            "{name}: estimate {estimate}, o200k {o200k} ({to_o200k:.2}×), cl100k {cl100k} ({to_cl100k:.2}×)"
        );
        // Never under the newer tokenizer's count, and not wastefully over it.
        assert!(
            (1.0..=1.6).contains(&to_o200k),
            "{name}: {to_o200k:.2}× o200k"
        );
        // The older tokenizer spends more on Korean; the estimate stays within reach.
        assert!(
            (0.5..=1.6).contains(&to_cl100k),
            "{name}: {to_cl100k:.2}× cl100k"
        );
    }
}

#[test]
fn no_line_is_estimated_far_below_the_newer_tokenizer() {
    let o200k = tiktoken_rs::o200k_base().expect("o200k_base");
    let (worst, line) = sample()
        .into_iter()
        .map(|line| {
            let ratio = estimate_tokens(&line) as f64 / o200k.encode_ordinary(&line).len() as f64;
            (ratio, line)
        })
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .expect("a sample");
    println!("lowest estimate / o200k: {worst:.2}× ({line})");
    assert!(worst >= 0.75, "{worst:.2}× for {line}");
}
