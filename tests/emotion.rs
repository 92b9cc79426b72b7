//! The ONNX classifier on the repository's test model (`model/test-tiny`, random
//! seeded weights) with the real ONNX Runtime at `runtime/libonnxruntime.so`.
//! Run `scripts/setup` once first; without the library these tests fail and say so.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use maeum::config::{EmotionSettings, Settings};
use maeum::emotion::onnx::OnnxClassifier;
use maeum::emotion::{Emotion, EmotionError, EmotionReader, Utterance};

const ALL: usize = 60;
const TOLERANCE: f32 = 1e-4;

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

fn settings() -> EmotionSettings {
    let mut settings = Settings::load_with(None, figment::Figment::new(), Default::default())
        .expect("default settings")
        .emotion;
    settings.model_dir = repo("model/test-tiny");
    settings.onnxruntime_path = repo("runtime/libonnxruntime.so");
    settings
}

fn load(settings: &EmotionSettings) -> OnnxClassifier {
    assert!(
        settings.onnxruntime_path.is_file(),
        "ONNX Runtime is not installed at {}: run scripts/setup first",
        settings.onnxruntime_path.display()
    );
    OnnxClassifier::load(settings).unwrap_or_else(|e| panic!("loading the test model failed: {e}"))
}

fn classifier() -> OnnxClassifier {
    load(&settings())
}

fn with_context(text: &str, context: &[&str]) -> Utterance {
    Utterance {
        text: text.into(),
        context: context.iter().map(|s| s.to_string()).collect(),
    }
}

/// Utterances of very different lengths, so a batch of them needs padding.
fn varied_utterances() -> Vec<Utterance> {
    vec![
        Utterance::alone("오늘 면접에서 떨어져서 너무 속상해 ㅠㅠ"),
        Utterance::alone("ok"),
        Utterance::alone(""),
        with_context(
            "진짜 짜증나... 왜 나한테만 이래?",
            &["팀장님이 또 소리 질렀어", "회사 가기 싫다"],
        ),
        Utterance::alone("I finally passed the exam, I can't believe it!"),
        Utterance::alone("시험에 붙어서 정말 기쁘다 ".repeat(30)),
        with_context("응", &["어제 친구랑 싸웠어"]),
        Utterance::alone("ㅋㅋㅋㅋ"),
        Utterance::alone("혼자 있으니까 좀 외롭네. 다들 바쁜가 봐."),
    ]
}

fn scores(emotions: &[Emotion]) -> BTreeMap<&'static str, f32> {
    emotions.iter().map(|e| (e.code(), e.score)).collect()
}

/// The largest difference between two full distributions (top_k 60).
fn distance(a: &[Emotion], b: &[Emotion]) -> f32 {
    let (a, b) = (scores(a), scores(b));
    assert_eq!(a.len(), ALL);
    assert_eq!(b.len(), ALL);
    a.iter()
        .map(|(code, s)| (s - b[code]).abs())
        .fold(0.0, f32::max)
}

async fn one_by_one(classifier: &OnnxClassifier, utterances: &[Utterance]) -> Vec<Vec<Emotion>> {
    let mut read = Vec::new();
    for u in utterances {
        read.push(
            classifier
                .read(u.clone(), ALL)
                .await
                .expect("read")
                .emotions,
        );
    }
    read
}

#[tokio::test]
async fn the_test_model_says_it_is_not_meaningful() {
    let info = classifier().info();
    assert_eq!(info.name, "test-tiny");
    assert!(!info.meaningful);
    assert!(info.path.ends_with("model/test-tiny"), "{}", info.path);
}

#[tokio::test]
async fn a_padded_batch_reads_the_same_as_one_by_one() {
    let utterances = varied_utterances();
    // One batch holding everything, and chunks of 2 (with an uneven last chunk).
    for max_batch in [16, 2] {
        let classifier = load(&EmotionSettings {
            max_batch,
            ..settings()
        });
        let batched = classifier
            .read_batch(utterances.clone(), ALL)
            .await
            .expect("batch");
        let single = one_by_one(&classifier, &utterances).await;
        assert_eq!(batched.len(), utterances.len());
        for (i, (b, s)) in batched.iter().zip(&single).enumerate() {
            let gap = distance(&b.emotions, s);
            assert!(
                gap <= TOLERANCE,
                "max_batch {max_batch}, utterance {i}: batch and single differ by {gap}"
            );
        }
    }
}

#[tokio::test]
async fn top_k_is_sorted_and_the_full_distribution_sums_to_one() {
    let classifier = classifier();
    for utterance in varied_utterances() {
        let top = classifier
            .read(utterance.clone(), 3)
            .await
            .expect("top 3")
            .emotions;
        assert_eq!(top.len(), 3);
        assert!(
            top.windows(2).all(|w| w[0].score >= w[1].score),
            "not sorted: {top:?}"
        );
        assert!(
            top.iter().all(|e| (0.0..=1.0).contains(&e.score)),
            "{top:?}"
        );
        assert!(top.iter().map(|e| e.score).sum::<f32>() <= 1.0 + 1e-6);

        let all = classifier
            .read(utterance, ALL)
            .await
            .expect("all 60")
            .emotions;
        assert_eq!(scores(&all).len(), ALL, "every code exactly once");
        let total: f32 = all.iter().map(|e| e.score).sum();
        assert!((total - 1.0).abs() < 1e-4, "distribution sums to {total}");
        assert!(all.windows(2).all(|w| w[0].score >= w[1].score));
        let head: Vec<_> = all.iter().take(3).map(|e| e.code()).collect();
        assert_eq!(head, top.iter().map(|e| e.code()).collect::<Vec<_>>());
    }
}

#[tokio::test]
async fn the_test_model_tells_inputs_apart() {
    // Random weights, but not a constant function: otherwise the other tests prove little.
    let classifier = classifier();
    let a = classifier
        .read(Utterance::alone("시험에 붙어서 정말 기쁘다"), ALL)
        .await
        .unwrap()
        .emotions;
    let b = classifier
        .read(Utterance::alone("friend betrayed me"), ALL)
        .await
        .unwrap()
        .emotions;
    assert!(
        distance(&a, &b) > 1e-2,
        "two unrelated inputs read alike: {}",
        distance(&a, &b)
    );
}

/// Text of `n` numbered phrases: no repeating pattern, so keeping a different
/// part of it gives different tokens.
fn numbered(n: usize) -> String {
    (1..=n).map(|i| format!("{i}번째 하소연 ")).collect()
}

#[tokio::test]
async fn over_long_input_is_truncated_not_rejected() {
    let classifier = classifier();
    let huge = numbered(8_000);
    assert!(huge.len() > 100_000, "{} bytes", huge.len());
    for utterance in [
        Utterance::alone(&huge),
        with_context("오늘 또 혼났어", &[&huge]),
        with_context(&huge, &[&huge, &huge]),
    ] {
        let read = classifier
            .read(utterance, ALL)
            .await
            .expect("over-long input is read")
            .emotions;
        let total: f32 = read.iter().map(|e| e.score).sum();
        assert!((total - 1.0).abs() < 1e-4, "distribution sums to {total}");
    }
}

#[tokio::test]
async fn truncation_cuts_the_context_from_its_end_before_the_utterance() {
    // max_tokens 128; each of these is several hundred tokens (the test
    // tokenizer reads Hangul as jamo), far past the budget on its own.
    let classifier = classifier();
    let long = numbered(60);
    let other = "완전히 다른 옛날 이야기";

    // An utterance over the budget is cut from its end: what follows the cut cannot matter...
    let alone = classifier
        .read(Utterance::alone(&long), ALL)
        .await
        .unwrap()
        .emotions;
    let longer = classifier
        .read(
            Utterance::alone(format!("{long} 그런데 결말은 전혀 달라")),
            ALL,
        )
        .await
        .unwrap()
        .emotions;
    assert!(distance(&alone, &longer) <= TOLERANCE);
    // ...while what precedes it does.
    let shifted = classifier
        .read(Utterance::alone(format!("{other} {long}")), ALL)
        .await
        .unwrap()
        .emotions;
    assert!(
        distance(&alone, &shifted) > 1e-3,
        "the utterance was cut from its start"
    );
    // It fills the budget alone, so context has no room.
    let with_ctx = classifier
        .read(with_context(&long, &[other]), ALL)
        .await
        .unwrap()
        .emotions;
    assert!(distance(&alone, &with_ctx) <= TOLERANCE);

    // A short utterance survives whole; the newest context fills what is left
    // and older context (at the end of segment B) is cut.
    let text = "오늘 또 혼났어";
    let newest_only = classifier
        .read(with_context(text, &[&long]), ALL)
        .await
        .unwrap()
        .emotions;
    let older_too = classifier
        .read(with_context(text, &[other, &long]), ALL)
        .await
        .unwrap()
        .emotions;
    assert!(distance(&newest_only, &older_too) <= TOLERANCE);
    let without = classifier
        .read(Utterance::alone(text), ALL)
        .await
        .unwrap()
        .emotions;
    assert!(
        distance(&newest_only, &without) > 1e-3,
        "the context was dropped entirely"
    );
    let other_text = classifier
        .read(with_context("내일 소풍 간다", &[&long]), ALL)
        .await
        .unwrap()
        .emotions;
    assert!(
        distance(&newest_only, &other_text) > 1e-3,
        "the utterance was cut instead of the context"
    );
}

#[tokio::test]
async fn empty_and_whitespace_input_are_read() {
    let classifier = classifier();
    let empty = classifier
        .read(Utterance::alone(""), ALL)
        .await
        .expect("empty")
        .emotions;
    let blank = classifier
        .read(Utterance::alone(" \n\t  "), ALL)
        .await
        .expect("whitespace")
        .emotions;
    assert_eq!(empty.len(), ALL);
    assert!(
        distance(&empty, &blank) <= TOLERANCE,
        "whitespace is trimmed to the empty utterance"
    );
    let blank_context = classifier
        .read(with_context("", &["   ", ""]), ALL)
        .await
        .expect("blank context")
        .emotions;
    assert!(distance(&empty, &blank_context) <= TOLERANCE);
}

#[tokio::test]
async fn context_changes_the_reading() {
    let classifier = classifier();
    let cases = [
        ("그래서 어떻게 됐는데", ["시험 망쳤어", "엄마한테 혼났어"]),
        ("응 알았어", ["내일 여행 간다!", "짐 다 쌌어"]),
    ];
    for (text, context) in cases {
        let alone = classifier
            .read(Utterance::alone(text), ALL)
            .await
            .unwrap()
            .emotions;
        let read = classifier
            .read(with_context(text, &context), ALL)
            .await
            .unwrap()
            .emotions;
        let gap = distance(&alone, &read);
        assert!(
            gap > 1e-3,
            "{text:?}: context changed nothing (max difference {gap})"
        );
        // The context's order matters too: newest first is a different input.
        let reversed = classifier
            .read(with_context(text, &[context[1], context[0]]), ALL)
            .await
            .unwrap()
            .emotions;
        assert!(
            distance(&read, &reversed) > 1e-4,
            "{text:?}: context order ignored"
        );
    }
}

#[tokio::test]
async fn the_context_is_fed_as_segment_b() {
    // Written out with its [SEP], the single text has the pair's exact token
    // ids (the tokenizer matches its special tokens in text); only the token
    // types differ, 1 for the context. A model fed token_type_ids tells them apart.
    let classifier = classifier();
    let pair = classifier
        .read(with_context("hi", &["yo"]), ALL)
        .await
        .unwrap()
        .emotions;
    let single = classifier
        .read(Utterance::alone("hi [SEP] yo"), ALL)
        .await
        .unwrap()
        .emotions;
    assert!(
        distance(&pair, &single) > 1e-3,
        "token_type_ids made no difference"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_reads_from_many_tasks_all_answer() {
    let classifier = Arc::new(load(&EmotionSettings {
        max_batch: 8,
        ..settings()
    }));
    let utterances: Vec<Utterance> = (0..48)
        .map(|i| {
            with_context(
                &format!("{i}번째 메시지야 {}", "ㅎ".repeat(i % 7)),
                &["이전 대화"][..(i % 2)],
            )
        })
        .collect();
    let expected = one_by_one(&classifier, &utterances).await;

    let tasks: Vec<_> = utterances
        .into_iter()
        .map(|u| {
            let classifier = Arc::clone(&classifier);
            tokio::spawn(async move { classifier.read(u, ALL).await })
        })
        .collect();
    for (i, task) in tasks.into_iter().enumerate() {
        let read = task.await.expect("task").expect("read").emotions;
        let gap = distance(&read, &expected[i]);
        assert!(
            gap <= TOLERANCE,
            "concurrent read {i} differs from its single read by {gap}"
        );
    }
}

#[test]
fn a_missing_model_dir_is_named() {
    let err = OnnxClassifier::load(&EmotionSettings {
        model_dir: PathBuf::from("/nonexistent/maeum-model"),
        ..settings()
    })
    .err()
    .expect("a missing model directory was accepted");
    assert!(matches!(err, EmotionError::ModelDir { .. }), "{err:?}");
    assert!(
        err.to_string().contains("/nonexistent/maeum-model"),
        "{err}"
    );
}

/// A copy of the test model in a temporary directory, to break one file.
fn copy_of_test_model() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for file in ["model.onnx", "tokenizer.json", "config.json"] {
        std::fs::copy(repo("model/test-tiny").join(file), dir.path().join(file)).unwrap();
    }
    dir
}

fn load_err(model_dir: &Path) -> EmotionError {
    OnnxClassifier::load(&EmotionSettings {
        model_dir: model_dir.to_path_buf(),
        ..settings()
    })
    .err()
    .expect("a broken model directory was accepted")
}

#[test]
fn a_model_dir_without_its_files_names_what_is_missing() {
    let dir = copy_of_test_model();
    std::fs::remove_file(dir.path().join("tokenizer.json")).unwrap();
    let err = load_err(dir.path());
    assert!(matches!(err, EmotionError::ModelDir { .. }), "{err:?}");
    let message = err.to_string();
    assert!(
        message.contains(&dir.path().display().to_string()) && message.contains("tokenizer.json"),
        "{message}"
    );
}

fn rewrite_config(dir: &Path, edit: impl FnOnce(&mut serde_json::Value)) {
    let path = dir.join("config.json");
    let mut config: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    edit(&mut config);
    std::fs::write(path, config.to_string()).unwrap();
}

#[test]
fn a_config_with_an_unknown_label_is_rejected() {
    let dir = copy_of_test_model();
    rewrite_config(dir.path(), |c| c["id2label"]["17"] = "E99".into());
    let err = load_err(dir.path());
    assert!(matches!(err, EmotionError::ModelDir { .. }), "{err:?}");
    let message = err.to_string();
    assert!(
        message.contains("config.json") && message.contains("\"E99\""),
        "{message}"
    );
}

#[test]
fn a_declared_crisis_head_the_model_lacks_is_rejected() {
    let dir = copy_of_test_model();
    rewrite_config(dir.path(), |c| {
        c["maeum"]["crisis_head"] = serde_json::json!({
            "output": "crisis",
            "classes": ["none", "concern", "risk", "imminent"],
            "threshold": 0.9
        });
    });
    let message = load_err(dir.path()).to_string();
    assert!(
        message.contains("model.onnx") && message.contains("\"crisis\""),
        "{message}"
    );
}

#[tokio::test]
async fn a_model_without_a_crisis_head_reads_no_crisis_signal() {
    let read = classifier()
        .read(Utterance::alone("안녕"), 1)
        .await
        .expect("read");
    assert_eq!(read.crisis, None);
}

#[test]
fn labels_that_do_not_match_the_logits_are_rejected() {
    let dir = copy_of_test_model();
    rewrite_config(dir.path(), |c| {
        c["id2label"].as_object_mut().unwrap().remove("59");
    });
    let err = load_err(dir.path());
    let message = err.to_string();
    assert!(
        message.contains("model.onnx") && message.contains("59"),
        "{message}"
    );
}

#[test]
fn a_missing_runtime_library_is_named_with_the_fix() {
    let missing = repo("runtime/no-such-libonnxruntime.so");
    let err = OnnxClassifier::load(&EmotionSettings {
        onnxruntime_path: missing.clone(),
        ..settings()
    })
    .err()
    .expect("a missing ONNX Runtime library was accepted");
    assert!(matches!(err, EmotionError::Runtime(_)), "{err:?}");
    let message = err.to_string();
    assert!(
        message.contains(&missing.display().to_string()),
        "{message}"
    );
    assert!(message.contains("scripts/setup"), "{message}");
}

#[tokio::test]
async fn max_tokens_is_lowered_to_the_models_positions() {
    let dir = copy_of_test_model();
    rewrite_config(dir.path(), |c| c["max_position_embeddings"] = 16.into());
    let short_model = load(&EmotionSettings {
        model_dir: dir.path().to_path_buf(),
        max_tokens: 128,
        ..settings()
    });
    let short_setting = load(&EmotionSettings {
        max_tokens: 16,
        ..settings()
    });
    let text = Utterance::alone(numbered(40));
    let a = short_model.read(text.clone(), ALL).await.unwrap().emotions;
    let b = short_setting.read(text, ALL).await.unwrap().emotions;
    assert!(distance(&a, &b) <= TOLERANCE);
}
