//! A file that is not an ONNX Runtime library. This is a test binary of its own
//! because ONNX Runtime is loaded once per process: in `tests/emotion.rs` a
//! working library may already be loaded, and then no later path is opened.

use std::path::Path;

use maeum::config::{EmotionSettings, Settings};
use maeum::emotion::EmotionError;
use maeum::emotion::onnx::OnnxClassifier;

#[test]
fn a_file_that_is_not_onnx_runtime_is_named_with_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let fake = dir.path().join("libonnxruntime.so");
    std::fs::write(&fake, "not a shared library").unwrap();
    let settings = EmotionSettings {
        model_dir: Path::new(env!("CARGO_MANIFEST_DIR")).join("model/test-tiny"),
        onnxruntime_path: fake.clone(),
        ..Settings::load_with(None, figment::Figment::new(), Default::default())
            .unwrap()
            .emotion
    };
    let err = OnnxClassifier::load(&settings)
        .err()
        .expect("a text file was loaded as ONNX Runtime");
    assert!(matches!(err, EmotionError::Runtime(_)), "{err:?}");
    let message = err.to_string();
    assert!(message.contains(&fake.display().to_string()), "{message}");
    assert!(message.contains("scripts/setup"), "{message}");
}
