//! The `maeum` command line: the binary edge, where errors become messages.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use tokio::io::BufReader;
use tokio_util::sync::CancellationToken;

use maeum::config::Settings;
use maeum::console::{self, ConsoleUser};
use maeum::emotion::{EmotionJson, Utterance};
use maeum::{app, background, telemetry};

#[derive(Parser)]
#[command(
    name = "maeum",
    version,
    about = "마음 — an emotion-aware companion bot"
)]
struct Cli {
    /// A TOML file layered over the built-in config/default.toml.
    #[arg(long, global = true, value_name = "PATH")]
    config: Option<PathBuf>,
    /// More detail: info-level logs in the terminal chat, and every cause of
    /// an error (with a backtrace when RUST_BACKTRACE asks for one).
    #[arg(long, global = true)]
    verbose: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Chat with Maeum in the terminal.
    Chat,
    /// Read the emotion of each TEXT.
    Classify {
        /// One JSON object per input, one per line.
        #[arg(long)]
        json: bool,
        /// Emotions to show per input (default: emotion.top_k).
        #[arg(long)]
        top_k: Option<usize>,
        #[arg(required = true, value_name = "TEXT")]
        texts: Vec<String>,
    },
    /// Measure the emotion model on a labelled file.
    Eval {
        /// The corpus layout (xlsx/csv with 감정_대분류, 감정_소분류, 사람문장1..3)
        /// or a CSV with `sentence,code`.
        #[arg(long, value_name = "FILE")]
        data: PathBuf,
        /// Read each utterance with the speaker's earlier utterances, as the bot does.
        #[arg(long)]
        context: bool,
        /// Print one summary object: n, top1, top3, fine58, group6,
        /// group6_summed, macro_f1, calibration.
        #[arg(long)]
        json: bool,
        /// Utterances sent to the model at a time.
        #[arg(long, default_value_t = 64)]
        batch: usize,
        /// Also write each utterance's probabilities over the 60 codes (JSON
        /// Lines: gold code, turn, probabilities in code order), e.g. to fit an
        /// ensemble on them in `model/train/`.
        #[arg(long, value_name = "FILE")]
        predictions: Option<PathBuf>,
    },
    /// Measure the crisis detector on a labelled JSON Lines file (recall,
    /// false alarms, per category, severity).
    SafetyEval {
        /// Cases as in tests/data/crisis/*.jsonl.
        #[arg(long, value_name = "FILE")]
        data: PathBuf,
        /// Print one summary object: n, recall, false_alarm_rate, by_category, …
        #[arg(long)]
        json: bool,
        /// Also write each case's readings (JSON Lines: labels, the detector's
        /// and the rules' severity, the crisis model's probabilities), to tune on.
        #[arg(long, value_name = "FILE")]
        readings: Option<PathBuf>,
    },
    /// The feedback report: 👍/👎 rates by emotion group, generator, prompt
    /// format and platform (counts only).
    Report {
        /// The window, in days up to now.
        #[arg(long, default_value_t = 30)]
        since: u32,
        /// Print one JSON object instead of the table.
        #[arg(long)]
        json: bool,
    },
    /// Write consented users' corrected turns, and 👍 turns whose emotion was
    /// read confidently, as training data, in the corpus's sentences.csv layout (model/train/run.sh
    /// --data); needs privacy.training_export = true.
    ExportTraining {
        /// The CSV to write.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// The least emotion score a turn needs.
        #[arg(long, default_value_t = 0.5)]
        min_score: f32,
    },
    /// Reflection QA: for each labelled message, a reply with the emotion in
    /// the prompt and one without; how well each reflects the labelled
    /// emotion, read by Maeum's own reader, side by side.
    Qa {
        /// Labelled messages, as `maeum eval` reads them.
        #[arg(long, value_name = "FILE")]
        data: PathBuf,
        /// At most this many messages (each costs two replies).
        #[arg(long, default_value_t = 200)]
        limit: usize,
        /// Print one JSON object instead of the table.
        #[arg(long)]
        json: bool,
    },
    /// Create or update the database schema.
    Migrate,
    /// Encrypt every stored text under MAEUM_DATA_KEY: texts under the keys in
    /// MAEUM_DATA_KEY_PREVIOUS, and plaintext from before a key was set.
    Rekey,
    /// Start the platform adapters enabled in the configuration.
    Run,
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let detailed = cli.verbose || std::env::var_os("RUST_LOG").is_some();
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("{}", for_people(&error, detailed));
            ExitCode::FAILURE
        }
    }
}

/// A failure as people read it: what is wrong, with the setting or command
/// that fixes it (the errors themselves name those), on one line, and where
/// to get more. Every cause, and a backtrace if RUST_BACKTRACE asks for one,
/// only with `--verbose` or `RUST_LOG`.
fn for_people(error: &anyhow::Error, detailed: bool) -> String {
    if detailed {
        return format!("maeum: {error:?}");
    }
    let causes: Vec<String> = error.chain().map(|cause| cause.to_string()).collect();
    // Each cause once: a context often repeats the error it wraps.
    let mut line = String::new();
    for cause in &causes {
        if !line.contains(cause.as_str()) {
            if !line.is_empty() {
                line.push_str(": ");
            }
            line.push_str(cause);
        }
    }
    format!(
        "maeum: {line}
(more detail: maeum --verbose …)"
    )
}

async fn run(cli: Cli) -> Result<()> {
    let verbose = cli.verbose;
    let mut settings = Settings::load(cli.config.as_deref())?;
    match cli.command {
        Command::Chat => {
            if !verbose && std::env::var_os("RUST_LOG").is_none() {
                // The terminal is the chat: keep routine logs out of it.
                settings.log.level = "warn".to_string();
            }
            telemetry::init(&settings.log);
            chat(&settings).await
        }
        Command::Classify { json, top_k, texts } => {
            telemetry::init(&settings.log);
            classify(&settings, json, top_k, texts).await
        }
        Command::Eval {
            data,
            context,
            json,
            batch,
            predictions,
        } => {
            telemetry::init(&settings.log);
            let options = EvalOptions {
                context,
                json,
                batch,
                predictions,
            };
            eval(&settings, &data, &options).await
        }
        Command::SafetyEval {
            data,
            json,
            readings,
        } => {
            telemetry::init(&settings.log);
            safety_eval(&settings, &data, json, readings.as_deref()).await
        }
        Command::Report { since, json } => {
            telemetry::init(&settings.log);
            let store = app::connect_store(&settings)
                .await
                .context("opening the database")?;
            let from = chrono::Utc::now() - chrono::Duration::days(i64::from(since));
            let counts = store.feedback_counts(from).await?;
            let report = maeum::eval::feedback::FeedbackReport::of(&counts, since);
            if json {
                println!("{}", serde_json::to_string(&report)?);
            } else {
                print!("{report}");
            }
            Ok(())
        }
        Command::ExportTraining { out, min_score } => {
            telemetry::init(&settings.log);
            export_training(&settings, &out, min_score).await
        }
        Command::Qa { data, limit, json } => {
            telemetry::init(&settings.log);
            qa(&settings, &data, limit, json).await
        }
        Command::Migrate => {
            telemetry::init(&settings.log);
            let store = app::connect_store(&settings)
                .await
                .context("migrating the database")?;
            println!("database schema is up to date ({:?})", store.backend());
            Ok(())
        }
        Command::Rekey => {
            telemetry::init(&settings.log);
            let store = app::connect_store(&settings)
                .await
                .context("opening the database")?;
            let report = store.rekey(REKEY_BATCH).await?;
            println!(
                "data key {}: messages rewritten: {}, display names rewritten: {}, \
                 summaries rewritten: {}, rows skipped (changed meanwhile, already current): {}",
                app::data_cipher(&settings)?
                    .current_key_id()
                    .unwrap_or("none"),
                report.messages,
                report.users,
                report.summaries,
                report.skipped
            );
            if !report.unreadable.is_empty() {
                println!(
                    "rows that could not be opened, left as they were (a key not configured, or altered): {}",
                    report.unreadable.join(" ")
                );
            }
            Ok(())
        }
        Command::Run => {
            telemetry::init(&settings.log);
            maeum::run::run(&settings).await?;
            Ok(())
        }
    }
}

/// Rows `maeum rekey` reads and rewrites at a time.
const REKEY_BATCH: i64 = 500;

async fn chat(settings: &Settings) -> Result<()> {
    let (pipeline, notices) = app::build_pipeline(settings).await?;
    for notice in &notices {
        eprintln!("※ {}", notice.message());
    }
    let shutdown = CancellationToken::new();
    // The jobs end with `shutdown`, when the chat does.
    let _background = background::start(settings, pipeline.store().clone(), shutdown.clone());
    let user = ConsoleUser {
        display_name: std::env::var("USER")
            .ok()
            .filter(|u| !u.is_empty() && u != "root"),
        ..ConsoleUser::default()
    };
    let input = BufReader::new(tokio::io::stdin());
    let chatted = console::run(&pipeline, user, input, tokio::io::stdout()).await;
    shutdown.cancel();
    chatted?;
    Ok(())
}

async fn eval(settings: &Settings, data: &Path, options: &EvalOptions) -> Result<()> {
    let EvalOptions {
        context,
        json,
        batch,
        ..
    } = *options;
    let examples = maeum::eval::load_examples(data, context)?;
    let reader = app::emotion_reader(settings)?;
    let info = reader.info();
    eprintln!(
        "evaluating {} on {} utterances from {}{}",
        info.name,
        examples.len(),
        data.display(),
        if context { " with context" } else { "" }
    );
    let bar = ProgressBar::new(examples.len() as u64).with_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} utterances, {per_sec}, eta {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let predictions = maeum::eval::predict_all(reader.as_ref(), &examples, batch, |done| {
        bar.set_position(done as u64)
    })
    .await?;
    bar.finish_and_clear();
    if let Some(path) = &options.predictions {
        maeum::eval::write_predictions(path, &examples, &predictions)?;
    }
    let report = maeum::eval::evaluate(&examples, &predictions);
    let calibration = maeum::eval::calibrate(&examples, &predictions, app::shown_at(settings));
    if json {
        let mut summary = serde_json::to_value(&report.summary)?;
        summary["calibration"] = serde_json::to_value(&calibration)?;
        println!("{summary}");
    } else {
        print!("{report}\n{calibration}");
    }
    Ok(())
}

/// `maeum eval`'s switches.
struct EvalOptions {
    context: bool,
    json: bool,
    batch: usize,
    predictions: Option<PathBuf>,
}

async fn safety_eval(
    settings: &Settings,
    data: &Path,
    json: bool,
    readings_out: Option<&Path>,
) -> Result<()> {
    let cases = maeum::eval::safety::load_cases(data)?;
    let reader = app::emotion_reader(settings)?;
    eprintln!(
        "evaluating the crisis detector on {} cases from {} (emotions by {})",
        cases.len(),
        data.display(),
        reader.info().name
    );
    let bar = ProgressBar::new(cases.len() as u64).with_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} cases, {per_sec}, eta {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let safety = maeum::safety::Safety::new(settings.safety.clone());
    let mut readings = Vec::with_capacity(cases.len());
    let mut lines = String::new();
    for case in &cases {
        let read = maeum::eval::safety::read_case_in_detail(reader.as_ref(), &safety, case).await;
        if readings_out.is_some() {
            lines.push_str(&maeum::eval::safety::reading_line(case, &read).to_string());
            lines.push('\n');
        }
        readings.push(read.reading);
        bar.inc(1);
    }
    bar.finish_and_clear();
    if let Some(path) = readings_out {
        std::fs::write(path, lines).with_context(|| format!("writing {}", path.display()))?;
    }
    let report = maeum::eval::safety::score(&cases, &readings);
    if json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        print!("{report}");
    }
    Ok(())
}

/// `maeum export-training`: one corpus dialogue per turn — the user's two
/// earlier messages in that chat, then the message — with the turn's code.
/// No ids: dialogues are numbered in the file.
async fn export_training(settings: &Settings, out: &Path, min_score: f32) -> Result<()> {
    if !settings.privacy.training_export {
        bail!(
            "training export is off: set privacy.training_export = true \
             (MAEUM__PRIVACY__TRAINING_EXPORT=true), which /privacy then tells users"
        );
    }
    let store = app::connect_store(settings)
        .await
        .context("opening the database")?;
    let turns = store
        .training_turns(settings.privacy.notice_version, min_score, 2)
        .await?;
    let mut writer =
        csv::Writer::from_path(out).with_context(|| format!("writing {}", out.display()))?;
    writer.write_record([
        "dialogue_id",
        "source",
        "turn",
        "sentence",
        "code",
        "major",
        "sub",
    ])?;
    let mut written = 0usize;
    for (turn, earlier) in &turns {
        // What the user said the message was, when they corrected it.
        let Some(label) = turn
            .corrected_code
            .as_deref()
            .or(turn.emotion_code.as_deref())
            .and_then(maeum::emotion::EmotionLabel::by_code)
        else {
            continue;
        };
        written += 1;
        let dialogue = format!("maeum-{written:06}");
        for (index, sentence) in earlier.iter().chain([&turn.user_text]).enumerate() {
            let number = (index + 1).to_string();
            writer.write_record([
                dialogue.as_str(),
                "maeum",
                number.as_str(),
                sentence.as_str(),
                label.code,
                label.group.korean(),
                label.sub,
            ])?;
        }
    }
    writer.flush()?;
    println!(
        "wrote {written} turns (👍, emotion score ≥ {min_score}) to {}",
        out.display()
    );
    Ok(())
}

async fn qa(settings: &Settings, data: &Path, limit: usize, json: bool) -> Result<()> {
    let examples = maeum::eval::load_examples(data, false)?;
    let reader = app::emotion_reader(settings)?;
    let generator = app::reply_generator(settings);
    let examples = &examples[..examples.len().min(limit)];
    eprintln!(
        "reflection QA on {} messages from {} (replies by {}, read by {})",
        examples.len(),
        data.display(),
        generator.name(),
        reader.info().name
    );
    let bar = ProgressBar::new(examples.len() as u64).with_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} messages, eta {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let mut pairs = Vec::with_capacity(examples.len());
    for example in examples {
        let pair = maeum::eval::reflection::pair(
            generator.as_ref(),
            reader.as_ref(),
            &example.utterance.text,
            example.gold,
        )
        .await?;
        pairs.push(pair);
        bar.inc(1);
    }
    bar.finish_and_clear();
    let report = maeum::eval::reflection::QaReport::of(&pairs, generator.name());
    if json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        print!("{report}");
    }
    Ok(())
}

async fn classify(
    settings: &Settings,
    json: bool,
    top_k: Option<usize>,
    texts: Vec<String>,
) -> Result<()> {
    let reader = app::emotion_reader(settings)?;
    let info = reader.info();
    if !info.meaningful && !json {
        eprintln!("※ {}", app::Notice::TestModel { name: info.name }.message());
    }
    let top_k = top_k.unwrap_or(settings.emotion.top_k).clamp(1, 60);
    let utterances = texts.iter().cloned().map(Utterance::alone).collect();
    let results = reader.read_batch(utterances, top_k).await?;
    for (text, reading) in texts.iter().zip(results) {
        let emotions = reading.emotions;
        let Some(best) = emotions.first() else {
            bail!("the model returned no emotion for {text:?}");
        };
        if json {
            let top: Vec<EmotionJson> = emotions.iter().map(EmotionJson::from).collect();
            let mut object = serde_json::to_value(EmotionJson::from(best))?;
            object["text"] = serde_json::Value::String(text.clone());
            object["top_k"] = serde_json::to_value(top)?;
            println!("{object}");
        } else {
            let others: Vec<String> = emotions[1..]
                .iter()
                .map(|e| format!("{} {:.0}%", e.label.sub, e.score * 100.0))
                .collect();
            println!(
                "{} {} {} {:.0}%  {}  (also: {})",
                best.label.emoji,
                best.label.code,
                best.label.tag(),
                best.score * 100.0,
                text,
                others.join(", ")
            );
        }
    }
    Ok(())
}
