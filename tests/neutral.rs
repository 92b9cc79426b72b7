//! The shipped "no particular emotion" reader (`model/neutral.json`, trained
//! by `model/train/neutral.py`) read by the Rust side exactly as Python
//! scored it, and its use in the pipeline: a neutral message gets no tag.

mod support;

use std::path::Path;
use std::sync::Arc;

use maeum::emotion::neutral::NeutralReader;
use maeum::pipeline::Incoming;
use support::emotion::ScriptedReader;
use support::pipeline::TestPipeline;

#[test]
fn the_shipped_reader_scores_as_its_trainer_did() {
    let reader = NeutralReader::load_beside(Path::new("model"))
        .expect("model/neutral.json reads")
        .expect("the shipped model has a neutral reader");
    let file: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string("model/neutral.json").unwrap()).unwrap();
    let checks = file["checks"].as_array().expect("checks");
    assert!(checks.len() >= 4);
    for check in checks {
        let text = check["text"].as_str().unwrap();
        let expected = check["p"].as_f64().unwrap() as f32;
        let got = reader.probability(text);
        assert!((got - expected).abs() < 1e-4, "{text}: {got} vs {expected}");
    }
    assert!(reader.is_neutral("안녕"));
    assert!(!reader.is_neutral("시험 떨어져서 속상해"));
}

/// With a neutral reader, a greeting gets no tag, is stored without an
/// emotion and the LLM is told no strong emotion stands out; an emotional
/// message keeps its tag.
#[tokio::test]
async fn a_neutral_message_gets_no_emotion_tag() {
    let (store, _dir) = support::db::sqlite_store().await;
    let neutral = NeutralReader::new(&[("안녕", 1.0, 6.0), ("슬퍼", 1.0, -6.0)], -1.0, 0.7)
        .expect("a reader");
    let pipeline = TestPipeline::new(store.clone())
        .settings(|s| s.privacy.require_consent = false)
        .emotion(Arc::new(ScriptedReader::reading("E60")))
        .build()
        .with_neutral(Arc::new(neutral));
    let hello = pipeline
        .handle(Incoming::private("test", "n", "안녕"))
        .await
        .unwrap();
    assert!(hello.emotion.is_none(), "{:?}", hello.emotion);
    let sad = pipeline
        .handle(Incoming::private("test", "n", "너무 슬퍼"))
        .await
        .unwrap();
    assert_eq!(sad.emotion.map(|e| e.code()), Some("E60"));
    let turns = store
        .recent_turns(&maeum::store::UserKey::new("test", "n"), 10)
        .await
        .unwrap();
    assert_eq!(
        turns[0].emotion_code, None,
        "the greeting is stored without one"
    );
    assert_eq!(turns[1].emotion_code.as_deref(), Some("E60"));
}
