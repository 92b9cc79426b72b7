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
        .env_remove("MAEUM_DATA_KEY")
        .env_remove("MAEUM_DATA_KEY_PREVIOUS")
        .env_remove("MAEUM_MARKER_KEY")
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
    // The privacy notice is accepted first, so the turns are stored.
    input.extend_from_slice("/accept\n".as_bytes());
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
        stderr.contains("texts are stored unencrypted"),
        "no MAEUM_DATA_KEY is announced: {stderr}"
    );
    let notice = stdout
        .find("/accept")
        .expect("the notice is shown at start");
    let first_reply = stdout.find("마음> [").expect("a tagged reply");
    assert!(notice < first_reply, "the notice comes first:\n{stdout}");
    assert!(
        stdout.contains("UTF-8"),
        "invalid UTF-8 gets a message: {stdout}"
    );
    assert!(
        stdout.contains("4000"),
        "the long message is clipped and said so"
    );
    // A conversation reply carries a tag like `[😢 #우울한 · 슬픔]`, or only
    // the group (`[😢 #슬픔]`) when the model is unsure, or none when nothing
    // stands out — never a percentage.
    let tagged = stdout
        .lines()
        .filter(|l| l.contains("마음> [") && l.contains(" #") && l.contains("] "))
        .count();
    assert!(
        tagged >= 2,
        "the sad and the long message were tagged:\n{stdout}"
    );
    assert!(!stdout.contains("%]"), "no percentage:\n{stdout}");

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

/// A greeting carries no emotion (`model/neutral.json`): its reply has no tag.
#[test]
fn a_greeting_in_the_terminal_gets_no_tag() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_with_stdin(
        maeum(dir.path()).arg("chat"),
        "/accept\n안녕 좋은 아침\n/quit\n".as_bytes(),
    );
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    let replies: Vec<&str> = stdout
        .lines()
        .filter_map(|l| l.split("마음> ").nth(1))
        .collect();
    let greeting = replies.last().expect("the greeting is answered");
    assert!(!greeting.starts_with('['), "no tag: {stdout}");
}

#[test]
fn chat_stores_nothing_before_the_notice_is_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let input = "오늘 좀 힘들었어\n/export\n/quit\n";
    let out = run_with_stdin(maeum(dir.path()).arg("chat"), input.as_bytes());
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        stdout.matches("/accept").count() >= 2,
        "at start and under the reply:\n{stdout}"
    );
    assert!(stdout.contains("마음> ["), "still answered:\n{stdout}");
    assert!(
        stdout.contains("저장된 게 하나도 없어"),
        "nothing to export:\n{stdout}"
    );
}

#[test]
fn rekey_encrypts_what_was_stored_in_the_clear() {
    let dir = tempfile::tempdir().unwrap();
    let key = maeum::privacy::crypto::generate_key();
    let chat = run_with_stdin(
        maeum(dir.path()).arg("chat"),
        "/accept\n평문으로 저장된 이야기\n/quit\n".as_bytes(),
    );
    assert!(chat.status.success(), "{}", text(&chat.stderr));

    let keyless = maeum(dir.path()).arg("rekey").output().unwrap();
    assert!(!keyless.status.success());
    assert!(
        text(&keyless.stderr).contains("MAEUM_DATA_KEY"),
        "{}",
        text(&keyless.stderr)
    );

    let rekey = maeum(dir.path())
        .env("MAEUM_DATA_KEY", &key)
        .arg("rekey")
        .output()
        .unwrap();
    assert!(rekey.status.success(), "{}", text(&rekey.stderr));
    assert!(
        text(&rekey.stdout).contains("messages rewritten: 1,"),
        "{}",
        text(&rekey.stdout)
    );

    // Readable with the key; the start-up no longer warns.
    let export = run_with_stdin(
        maeum(dir.path()).env("MAEUM_DATA_KEY", &key).arg("chat"),
        b"/export\n/quit\n",
    );
    assert!(
        text(&export.stdout).contains("평문으로 저장된 이야기"),
        "{}",
        text(&export.stdout)
    );
    assert!(
        !text(&export.stderr).contains("unencrypted"),
        "{}",
        text(&export.stderr)
    );
    // Without it, the bot says it cannot read the history rather than showing ciphertext.
    let without = run_with_stdin(maeum(dir.path()).arg("chat"), b"/export\n/quit\n");
    let stdout = text(&without.stdout);
    assert!(
        stdout.contains("저장소") && !stdout.contains("enc2:"),
        "{stdout}"
    );
}

#[test]
fn a_changed_marker_key_stops_the_start_while_opt_outs_exist() {
    let dir = tempfile::tempdir().unwrap();
    let first = run_with_stdin(maeum(dir.path()).arg("chat"), b"/optout\n/quit\n");
    assert!(first.status.success(), "{}", text(&first.stderr));
    let key_file = dir.path().join("marker.key");
    let key = std::fs::read_to_string(&key_file).expect("a marker key was created");
    assert_eq!(key.trim().len(), 64);

    // The same key (from the file) starts; another one would forget the opt-out.
    let again = run_with_stdin(maeum(dir.path()).arg("chat"), b"/quit\n");
    assert!(again.status.success(), "{}", text(&again.stderr));
    let other = run_with_stdin(
        maeum(dir.path())
            .env("MAEUM_MARKER_KEY", "a different key")
            .arg("chat"),
        b"/quit\n",
    );
    assert!(!other.status.success());
    assert!(
        text(&other.stderr).contains("MAEUM_MARKER_KEY"),
        "{}",
        text(&other.stderr)
    );
    let restored = run_with_stdin(
        maeum(dir.path())
            .env("MAEUM_MARKER_KEY", key.trim())
            .arg("chat"),
        b"/quit\n",
    );
    assert!(restored.status.success(), "{}", text(&restored.stderr));
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

/// A start-up error is what is wrong and how to fix it, in two lines, even
/// with RUST_BACKTRACE set; `--verbose` gives every detail.
#[test]
fn start_up_errors_are_two_lines_without_a_backtrace() {
    let dir = tempfile::tempdir().unwrap();
    let out = maeum(dir.path())
        .env("RUST_BACKTRACE", "1")
        .env("MAEUM__EMOTION__MODEL_DIR", "/nonexistent/maeum-model")
        .args(["classify", "안녕"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert!(stderr.lines().count() <= 2, "{stderr}");
    assert!(!stderr.to_lowercase().contains("backtrace"), "{stderr}");
    assert!(
        stderr.contains("/nonexistent/maeum-model") && stderr.contains("MAEUM__EMOTION__MODEL_DIR"),
        "what is wrong and the setting that fixes it: {stderr}"
    );
    let verbose = maeum(dir.path())
        .env("RUST_BACKTRACE", "1")
        .env("MAEUM__EMOTION__MODEL_DIR", "/nonexistent/maeum-model")
        .args(["--verbose", "classify", "안녕"])
        .output()
        .unwrap();
    assert!(!verbose.status.success());
    assert!(
        text(&verbose.stderr).lines().count() > 2,
        "{}",
        text(&verbose.stderr)
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
fn report_prints_the_feedback_report() {
    let dir = tempfile::tempdir().unwrap();
    let out = maeum(dir.path())
        .args(["report", "--json", "--since", "7"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    assert_eq!(report["days"], 7);
    assert_eq!(report["total"]["replies"], 0);
    for key in [
        "by_emotion_group",
        "by_generator",
        "by_prompt_format",
        "by_platform",
    ] {
        assert!(report[key].is_object(), "{report}");
    }
    let table = maeum(dir.path()).arg("report").output().unwrap();
    assert!(
        text(&table.stdout).contains("by prompt format"),
        "{}",
        text(&table.stdout)
    );
}

/// The binary as installed: run from `/`, not from the checkout, with no
/// paths configured.
fn installed(binary: &std::path::Path, data_home: &std::path::Path) -> Command {
    let mut command = Command::new(binary);
    command
        .current_dir("/")
        .env("XDG_DATA_HOME", data_home)
        .env_remove("MAEUM__STORE__DATA_DIR")
        .env_remove("MAEUM__EMOTION__MODEL_DIR")
        .env_remove("MAEUM__EMOTION__ONNXRUNTIME_PATH")
        .env_remove("DATABASE_URL")
        .env_remove("OPENAI_API_KEY")
        .env_remove("OPENAI_BASE_URL")
        .env_remove("MAEUM_DATA_KEY")
        .env_remove("MAEUM_MARKER_KEY")
        .env_remove("RUST_LOG");
    command
}

fn link(from: &std::path::Path, to: &std::path::Path) {
    std::os::unix::fs::symlink(from, to).expect("a symlink");
}

/// `scripts/setup` puts the model and ONNX Runtime in the user data
/// directory: a `maeum` started anywhere finds them there, and keeps its
/// conversations there too (and says so).
#[test]
fn an_installed_binary_finds_the_model_in_the_user_data_directory() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let data_home = tempfile::tempdir().unwrap();
    let mine = data_home.path().join("maeum");
    std::fs::create_dir_all(&mine).unwrap();
    link(&root.join("model"), &mine.join("model"));
    link(&root.join("runtime"), &mine.join("runtime"));
    let binary = std::path::Path::new(env!("CARGO_BIN_EXE_maeum"));

    let out = installed(binary, data_home.path())
        .args(["classify", "오늘 너무 슬퍼"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("E2"), "{}", text(&out.stdout));

    let chat = run_with_stdin(
        installed(binary, data_home.path()).arg("chat"),
        b"/accept\n\xec\x95\x88\xeb\x85\x95\n",
    );
    assert!(chat.status.success(), "{}", text(&chat.stderr));
    assert!(
        mine.join("maeum.db").is_file(),
        "the store is in the user data directory"
    );
    assert!(
        text(&chat.stderr).contains(&format!("{}/maeum.db", mine.display())),
        "the start-up lines say where: {}",
        text(&chat.stderr)
    );
}

/// A copy of the binary with the model and ONNX Runtime beside it works
/// from anywhere, with no user data directory.
#[test]
fn a_binary_finds_the_model_beside_itself() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let place = tempfile::tempdir().unwrap();
    let binary = place.path().join("maeum");
    std::fs::copy(env!("CARGO_BIN_EXE_maeum"), &binary).unwrap();
    link(&root.join("model"), &place.path().join("model"));
    link(&root.join("runtime"), &place.path().join("runtime"));
    let empty_home = tempfile::tempdir().unwrap();
    let out = installed(&binary, empty_home.path())
        .args(["classify", "오늘 너무 슬퍼"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));

    // Found nowhere: one line says where it looked and what to run.
    let alone = tempfile::tempdir().unwrap();
    let lonely = alone.path().join("maeum");
    std::fs::copy(env!("CARGO_BIN_EXE_maeum"), &lonely).unwrap();
    let out = installed(&lonely, empty_home.path())
        .args(["classify", "안녕"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("scripts/setup") && stderr.lines().count() <= 2,
        "{stderr}"
    );
}

/// `export-training` is off unless the operator switches it on; on, it
/// writes the corpus layout model/train reads.
#[test]
fn export_training_is_off_by_default_and_writes_the_corpus_layout() {
    let dir = tempfile::tempdir().unwrap();
    let out_file = dir.path().join("training.csv");
    let out_arg = out_file.to_str().unwrap();
    let off = maeum(dir.path())
        .args(["export-training", "--out", out_arg])
        .output()
        .unwrap();
    assert!(!off.status.success());
    assert!(
        text(&off.stderr).contains("privacy.training_export"),
        "{}",
        text(&off.stderr)
    );
    assert!(!out_file.exists());
    let on = maeum(dir.path())
        .env("MAEUM__PRIVACY__TRAINING_EXPORT", "true")
        .args(["export-training", "--out", out_arg])
        .output()
        .unwrap();
    assert!(on.status.success(), "{}", text(&on.stderr));
    let written = std::fs::read_to_string(&out_file).unwrap();
    assert_eq!(
        written.lines().next(),
        Some("dialogue_id,source,turn,sentence,code,major,sub")
    );
}

/// `maeum qa` runs end to end with the offline generator: both arms, the
/// paired difference, as one JSON object.
#[test]
fn qa_compares_replies_with_and_without_the_emotion() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("qa.csv");
    std::fs::write(
        &data,
        "sentence,code\n오늘 면접에서 떨어졌어,E24\n친구가 생일을 챙겨줬어,E60\n왜 나한테만 화를 내는지 모르겠어,E10\n",
    )
    .unwrap();
    let out = maeum(dir.path())
        .args(["qa", "--json", "--data", data.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    assert_eq!(report["n"], 3);
    assert_eq!(report["generator"], "offline");
    for arm in ["with_emotion", "without_emotion"] {
        let p = report[arm]["mean_group_probability"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&p), "{report}");
    }
    assert!(report["paired_difference"].is_number() && report["paired_interval"].is_array());
}

/// The loop in the terminal: a message, `/feel` to correct its emotion,
/// `export-training` writes it with the emotion given, and `maeum eval`
/// reads the file back.
#[test]
fn a_correction_in_the_terminal_is_exported_and_read_by_eval() {
    let dir = tempfile::tempdir().unwrap();
    let chat = run_with_stdin(
        maeum(dir.path()).arg("chat"),
        "/accept\n오늘 회사에서 발표했어\n/feel 우울한\n".as_bytes(),
    );
    assert!(chat.status.success(), "{}", text(&chat.stderr));
    assert!(
        text(&chat.stdout).contains("우울한"),
        "{}",
        text(&chat.stdout)
    );
    let out_file = dir.path().join("training.csv");
    let export = maeum(dir.path())
        .env("MAEUM__PRIVACY__TRAINING_EXPORT", "true")
        .args(["export-training", "--out", out_file.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(export.status.success(), "{}", text(&export.stderr));
    let written = std::fs::read_to_string(&out_file).unwrap();
    assert!(
        written.contains("오늘 회사에서 발표했어,E24,슬픔,우울한"),
        "{written}"
    );
    let eval = maeum(dir.path())
        .args(["eval", "--json", "--data", out_file.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(eval.status.success(), "{}", text(&eval.stderr));
    let report: serde_json::Value = serde_json::from_slice(&eval.stdout).expect("one JSON object");
    assert_eq!(report["n"], 1, "{report}");
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
