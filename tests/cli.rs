//! The `maeum` binary as a user runs it: the terminal chat with the real ONNX
//! test model and the embedded SQLite store, `classify`, `migrate`, and the
//! errors a misconfigured start must explain.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn maeum(data_dir: &std::path::Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_maeum"));
    command
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("MAEUM__STORE__DATA_DIR", data_dir)
        .env_remove("OPENAI_API_KEY")
        .env_remove("OPENAI_BASE_URL")
        .env_remove("DATABASE_URL")
        .env_remove("RUST_LOG");
    command
}

fn run_with_stdin(command: &mut Command, stdin: &[u8]) -> Output {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start maeum");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin)
        .expect("write stdin");
    child.wait_with_output().expect("maeum finishes")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn chat_answers_with_emotion_tags_and_survives_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let mut input = Vec::new();
    input.extend_from_slice("오늘 면접에서 떨어져서 너무 속상해\n".as_bytes());
    input.extend_from_slice(b"\xff\xfe broken \xc3\x28\n");
    input.extend_from_slice("   \n".as_bytes());
    input.extend_from_slice("그래도 내일은 괜찮겠지\n".as_bytes());
    input.extend_from_slice("가".repeat(100 * 1024 / 3).as_bytes());
    input.extend_from_slice(b"\n/regen\n/export\n/quit\n");
    let out = run_with_stdin(maeum(dir.path()).arg("chat"), &input);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(out.status.success(), "stdout:\n{stdout}\nstderr:\n{stderr}");

    assert!(
        stderr.contains("offline mode"),
        "offline mode is announced: {stderr}"
    );
    assert!(
        !stderr.contains("not meaningful"),
        "the shipped model is the default: {stderr}"
    );
    assert!(
        stdout.contains("UTF-8"),
        "invalid UTF-8 gets a message: {stdout}"
    );
    assert!(
        stdout.contains("4000"),
        "the long message is clipped and said so"
    );
    // Every conversation reply carries a tag like `[😢 #우울한 · 슬픔 41%]`.
    let tagged = stdout
        .lines()
        .filter(|l| l.contains("마음> [") && l.contains("%] "))
        .count();
    assert!(tagged >= 3, "three messages were tagged:\n{stdout}");

    // The export is JSON holding the three stored turns, the long one clipped.
    let start = stdout.find("{\n").expect("the export is printed");
    let end = stdout.rfind("\n}").expect("the export ends") + 2;
    let export: serde_json::Value =
        serde_json::from_str(&stdout[start..end]).expect("export is JSON");
    let turns = export["turns"].as_array().unwrap();
    assert_eq!(turns.len(), 3, "{export}");
    assert_eq!(turns[0]["user_text"], "오늘 면접에서 떨어져서 너무 속상해");
    assert_eq!(
        turns[2]["user_text"].as_str().unwrap().chars().count(),
        4000
    );
    for turn in turns {
        assert_eq!(turn["generator"], "offline");
        assert!(turn["emotion_code"].as_str().unwrap().starts_with('E'));
        assert!(turn["reply"].as_str().is_some_and(|r| !r.is_empty()));
    }
    assert!(
        dir.path().join("maeum.db").exists(),
        "SQLite lives in the data directory"
    );
}

#[test]
fn classify_json_prints_one_object_per_input() {
    let dir = tempfile::tempdir().unwrap();
    let out = maeum(dir.path())
        .args([
            "classify",
            "--json",
            "오늘 너무 행복해",
            "",
            "I failed my exam",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let lines: Vec<serde_json::Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is a JSON object"))
        .collect();
    assert_eq!(lines.len(), 3);
    for (line, input) in lines
        .iter()
        .zip(["오늘 너무 행복해", "", "I failed my exam"])
    {
        assert_eq!(line["text"], input);
        let code = line["code"].as_str().unwrap();
        let label = maeum::emotion::EmotionLabel::by_code(code).expect("a taxonomy code");
        assert_eq!(line["major"], label.group.korean());
        assert_eq!(line["sub"], label.sub);
        let score = line["score"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&score));
        assert_eq!(line["top_k"][0]["code"], code, "top_k starts with the best");
    }
}

#[test]
fn the_test_model_is_announced_as_not_meaningful() {
    let dir = tempfile::tempdir().unwrap();
    let out = maeum(dir.path())
        .env("MAEUM__EMOTION__MODEL_DIR", "model/test-tiny")
        .args(["classify", "안녕"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("not meaningful"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_misconfigured_key_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let out = maeum(dir.path())
        .env("MAEUM__LLM__TEMPERATURE", "9")
        .args(["classify", "안녕"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("llm.temperature"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_missing_model_directory_stops_with_its_path() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_with_stdin(
        maeum(dir.path())
            .env("MAEUM__EMOTION__MODEL_DIR", "/nonexistent/maeum-model")
            .arg("chat"),
        b"hello\n",
    );
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("/nonexistent/maeum-model"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_missing_onnx_runtime_says_how_to_fix_it() {
    let dir = tempfile::tempdir().unwrap();
    let out = maeum(dir.path())
        .env(
            "MAEUM__EMOTION__ONNXRUNTIME_PATH",
            "/nonexistent/libonnxruntime.so",
        )
        .args(["classify", "안녕"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("/nonexistent/libonnxruntime.so") && stderr.contains("scripts/setup"),
        "{stderr}"
    );
}

#[test]
fn migrate_creates_the_sqlite_database() {
    let dir = tempfile::tempdir().unwrap();
    let out = maeum(dir.path()).arg("migrate").output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(dir.path().join("maeum.db").exists());
    // Twice is fine.
    let again = maeum(dir.path()).arg("migrate").output().unwrap();
    assert!(again.status.success(), "{}", text(&again.stderr));
}
