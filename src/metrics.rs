//! In-memory counters and latency histograms of the pipeline, exposed by the
//! HTTP adapter's `GET /metrics` in the Prometheus text format (hand-written:
//! a handful of series does not justify a metrics crate).
//!
//! The pipeline updates one [`Metrics`]; adapters need not know about it.
//! Nothing here holds text or user ids: only platform names, stage names and
//! emotion groups.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::emotion::EmotionGroup;

/// Upper bounds (seconds) of the latency histogram buckets.
const BUCKETS: [f64; 12] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// A stage of a turn whose latency is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    /// Reading the emotion of the message.
    Classify,
    /// Generating the reply (the whole stream when streaming).
    Llm,
    /// Writing the turn to the store.
    Store,
}

impl Stage {
    pub fn name(self) -> &'static str {
        match self {
            Stage::Classify => "classify",
            Stage::Llm => "llm",
            Stage::Store => "store",
        }
    }
}

#[derive(Debug, Default, Clone)]
struct Histogram {
    /// Cumulative counts per bucket of [`BUCKETS`].
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

impl Histogram {
    fn observe(&mut self, seconds: f64) {
        for (bound, bucket) in BUCKETS.iter().zip(self.buckets.iter_mut()) {
            if seconds <= *bound {
                *bucket += 1;
            }
        }
        self.count += 1;
        self.sum += seconds;
    }
}

/// A Prometheus label value with its backslashes, quotes and newlines escaped.
fn label_value(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// A feedback counter's labels: platform, emotion group, generator, value.
type FeedbackKey = (String, &'static str, String, &'static str);

/// The pipeline's counters, shared with whoever exposes them.
#[derive(Debug, Default)]
pub struct Metrics {
    messages: Mutex<BTreeMap<String, u64>>,
    undelivered: Mutex<BTreeMap<String, u64>>,
    stages: Mutex<BTreeMap<Stage, Histogram>>,
    emotions: Mutex<BTreeMap<&'static str, u64>>,
    corrections: Mutex<BTreeMap<&'static str, u64>>,
    llm_errors: AtomicU64,
    llm_tokens: AtomicU64,
    limited: Mutex<BTreeMap<&'static str, u64>>,
    /// 👍/👎 by (platform, emotion group, generator, value).
    feedback: Mutex<BTreeMap<FeedbackKey, u64>>,
    adapters: Mutex<BTreeMap<&'static str, AdapterState>>,
}

/// Where a platform adapter `maeum run` started stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AdapterState {
    Serving,
    /// Stopped with this error; the other adapters go on.
    Failed(String),
}

/// A poisoned lock only means a thread panicked mid-update of a counter; the counts stay usable.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}

impl Metrics {
    /// A message handled (conversation or command) from `platform`.
    pub fn count_message(&self, platform: &str) {
        *lock(&self.messages)
            .entry(platform.to_string())
            .or_default() += 1;
    }

    /// A reply `platform` refused after every retry.
    pub fn count_undelivered(&self, platform: &str) {
        *lock(&self.undelivered)
            .entry(platform.to_string())
            .or_default() += 1;
    }

    pub fn observe(&self, stage: Stage, elapsed: Duration) {
        lock(&self.stages)
            .entry(stage)
            .or_default()
            .observe(elapsed.as_secs_f64());
    }

    /// The emotion group read from a message.
    /// A user said the emotion read was not how they felt; counted by the corrected group.
    pub fn count_correction(&self, group: EmotionGroup) {
        *lock(&self.corrections).entry(group.english()).or_default() += 1;
    }

    pub fn count_emotion(&self, group: EmotionGroup) {
        *lock(&self.emotions).entry(group.english()).or_default() += 1;
    }

    pub fn count_llm_error(&self) {
        self.llm_errors.fetch_add(1, Ordering::Relaxed);
    }

    /// Language-model tokens a reply used (estimated).
    pub fn count_llm_tokens(&self, tokens: u64) {
        self.llm_tokens.fetch_add(tokens, Ordering::Relaxed);
    }

    /// A message or press a fair-use limit (by name) stopped.
    /// A 👍 or 👎 on a reply, with what the reply was about and who wrote it.
    pub fn count_feedback(
        &self,
        platform: &str,
        group: &'static str,
        generator: &str,
        value: &'static str,
    ) {
        *lock(&self.feedback)
            .entry((platform.to_string(), group, generator.to_string(), value))
            .or_default() += 1;
    }

    pub fn count_limited(&self, limit: &'static str) {
        *lock(&self.limited).entry(limit).or_default() += 1;
    }

    /// Records how adapter `name` stands (`/readyz`, `maeum_adapter_up`).
    pub fn set_adapter(&self, name: &'static str, state: AdapterState) {
        lock(&self.adapters).insert(name, state);
    }

    /// The adapters started, by name, and how each stands.
    pub fn adapters(&self) -> BTreeMap<&'static str, AdapterState> {
        lock(&self.adapters).clone()
    }

    /// Messages handled from `platform` so far.
    pub fn messages(&self, platform: &str) -> u64 {
        lock(&self.messages).get(platform).copied().unwrap_or(0)
    }

    /// Everything, in the Prometheus text exposition format (0.0.4);
    /// `crisis_events` comes from the safety counters.
    pub fn render(&self, crisis_events: u64) -> String {
        let mut out = String::new();
        // Writing to a String cannot fail.
        let _ = self.write(&mut out, crisis_events);
        out
    }

    fn write(&self, out: &mut String, crisis_events: u64) -> std::fmt::Result {
        writeln!(
            out,
            "# HELP maeum_messages_total Messages handled, by platform."
        )?;
        writeln!(out, "# TYPE maeum_messages_total counter")?;
        write_by_platform(out, "maeum_messages_total", &lock(&self.messages))?;
        writeln!(
            out,
            "# HELP maeum_replies_undelivered_total Replies a platform refused after every retry, by platform."
        )?;
        writeln!(out, "# TYPE maeum_replies_undelivered_total counter")?;
        write_by_platform(
            out,
            "maeum_replies_undelivered_total",
            &lock(&self.undelivered),
        )?;
        writeln!(
            out,
            "# HELP maeum_stage_seconds Latency of a turn's stages (classify, llm, store)."
        )?;
        writeln!(out, "# TYPE maeum_stage_seconds histogram")?;
        for (stage, histogram) in lock(&self.stages).iter() {
            let stage = stage.name();
            for (bound, count) in BUCKETS.iter().zip(histogram.buckets.iter()) {
                writeln!(
                    out,
                    "maeum_stage_seconds_bucket{{stage=\"{stage}\",le=\"{bound}\"}} {count}"
                )?;
            }
            writeln!(
                out,
                "maeum_stage_seconds_bucket{{stage=\"{stage}\",le=\"+Inf\"}} {}",
                histogram.count
            )?;
            writeln!(
                out,
                "maeum_stage_seconds_sum{{stage=\"{stage}\"}} {}",
                histogram.sum
            )?;
            writeln!(
                out,
                "maeum_stage_seconds_count{{stage=\"{stage}\"}} {}",
                histogram.count
            )?;
        }
        writeln!(
            out,
            "# HELP maeum_emotions_total Emotions read from messages, by group."
        )?;
        writeln!(out, "# TYPE maeum_emotions_total counter")?;
        for (group, count) in lock(&self.emotions).iter() {
            writeln!(out, "maeum_emotions_total{{group=\"{group}\"}} {count}")?;
        }
        writeln!(
            out,
            "# HELP maeum_corrections_total Emotions users corrected (\"not how I feel\"), by the group they chose."
        )?;
        writeln!(out, "# TYPE maeum_corrections_total counter")?;
        for (group, count) in lock(&self.corrections).iter() {
            writeln!(out, "maeum_corrections_total{{group=\"{group}\"}} {count}")?;
        }
        writeln!(
            out,
            "# HELP maeum_llm_errors_total Replies the language model failed to write."
        )?;
        writeln!(out, "# TYPE maeum_llm_errors_total counter")?;
        writeln!(
            out,
            "maeum_llm_errors_total {}",
            self.llm_errors.load(Ordering::Relaxed)
        )?;
        writeln!(
            out,
            "# HELP maeum_llm_tokens_total Language-model tokens replies used (estimated: prompt and reply)."
        )?;
        writeln!(out, "# TYPE maeum_llm_tokens_total counter")?;
        writeln!(
            out,
            "maeum_llm_tokens_total {}",
            self.llm_tokens.load(Ordering::Relaxed)
        )?;
        writeln!(
            out,
            "# HELP maeum_feedback_total Feedback on replies (up, down), by platform, emotion group and generator."
        )?;
        writeln!(out, "# TYPE maeum_feedback_total counter")?;
        for ((platform, group, generator, value), count) in lock(&self.feedback).iter() {
            writeln!(
                out,
                "maeum_feedback_total{{platform=\"{}\",group=\"{group}\",generator=\"{}\",value=\"{value}\"}} {count}",
                label_value(platform),
                label_value(generator)
            )?;
        }
        writeln!(
            out,
            "# HELP maeum_limited_total Messages a fair-use limit stopped, by limit."
        )?;
        writeln!(out, "# TYPE maeum_limited_total counter")?;
        for (limit, count) in lock(&self.limited).iter() {
            writeln!(out, "maeum_limited_total{{limit=\"{limit}\"}} {count}")?;
        }
        writeln!(
            out,
            "# HELP maeum_crisis_events_total Messages answered as a crisis."
        )?;
        writeln!(out, "# TYPE maeum_crisis_events_total counter")?;
        writeln!(out, "maeum_crisis_events_total {crisis_events}")?;
        writeln!(
            out,
            "# HELP maeum_adapter_up Whether a started platform adapter is serving (1) or stopped with an error (0)."
        )?;
        writeln!(out, "# TYPE maeum_adapter_up gauge")?;
        for (adapter, state) in lock(&self.adapters).iter() {
            let up = u8::from(*state == AdapterState::Serving);
            writeln!(out, "maeum_adapter_up{{adapter=\"{adapter}\"}} {up}")?;
        }
        Ok(())
    }
}

/// One sample of counter `name` per platform.
fn write_by_platform(
    out: &mut String,
    name: &str,
    counts: &BTreeMap<String, u64>,
) -> std::fmt::Result {
    for (platform, count) in counts {
        writeln!(out, "{name}{{platform=\"{}\"}} {count}", escape(platform))?;
    }
    Ok(())
}

/// A label value as the exposition format wants it.
fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_buckets_are_cumulative_and_rendered() {
        let metrics = Metrics::default();
        metrics.observe(Stage::Llm, Duration::from_millis(30));
        metrics.observe(Stage::Llm, Duration::from_secs(3));
        metrics.count_message("http");
        metrics.count_message("http");
        metrics.count_message("we\"ird");
        metrics.count_llm_error();
        metrics.count_undelivered("discord");
        metrics.count_llm_tokens(120);
        metrics.count_limited("daily_messages");
        metrics.set_adapter("telegram", AdapterState::Serving);
        metrics.set_adapter("discord", AdapterState::Failed("gateway".into()));
        let text = metrics.render(4);
        assert!(text.contains("maeum_stage_seconds_bucket{stage=\"llm\",le=\"0.025\"} 0"));
        assert!(text.contains("maeum_stage_seconds_bucket{stage=\"llm\",le=\"0.05\"} 1"));
        assert!(text.contains("maeum_stage_seconds_bucket{stage=\"llm\",le=\"5\"} 2"));
        assert!(text.contains("maeum_stage_seconds_bucket{stage=\"llm\",le=\"+Inf\"} 2"));
        assert!(text.contains("maeum_stage_seconds_count{stage=\"llm\"} 2"));
        assert!(text.contains("maeum_messages_total{platform=\"http\"} 2"));
        assert!(text.contains("maeum_messages_total{platform=\"we\\\"ird\"} 1"));
        assert!(text.contains("maeum_llm_errors_total 1"));
        assert!(text.contains("maeum_replies_undelivered_total{platform=\"discord\"} 1"));
        assert!(text.contains("maeum_crisis_events_total 4"));
        assert!(text.contains("maeum_llm_tokens_total 120"));
        assert!(text.contains("maeum_limited_total{limit=\"daily_messages\"} 1"));
        assert!(text.contains("maeum_adapter_up{adapter=\"telegram\"} 1"));
        assert!(text.contains("maeum_adapter_up{adapter=\"discord\"} 0"));
        assert!(!text.contains("stage=\"classify\""));
    }
}
