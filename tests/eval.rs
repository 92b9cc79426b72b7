//! `maeum eval`: both file layouts, context, malformed files, and the JSON
//! summary from the binary on the test model. Fixtures are written here.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use maeum::eval::{EvalDataError, Example, evaluate, load_examples, predict_all};
use support::emotion::ScriptedReader;

const HEADER: &str = "dialogue_id,연령,성별,상황키워드,신체질환,감정_대분류,감정_소분류,사람문장1,시스템문장1,사람문장2,시스템문장2,사람문장3,시스템문장3";

/// Two dialogues in the corpus's layout, written by hand; the second has two turns only.
fn corpus_rows() -> Vec<[&'static str; 13]> {
    vec![
        [
            "t1",
            "청년",
            "여성",
            "진로",
            "해당없음",
            "슬픔",
            "우울한",
            "시험에 또 떨어졌어",
            "저런",
            "공부한 게 다 소용없나 봐",
            "그렇구나",
            "그냥 다 그만두고 싶어",
            "응",
        ],
        [
            "t2",
            "노년",
            "남성",
            "건강",
            "해당없음",
            "기쁨",
            "안도",
            "검사 결과가 괜찮대",
            "다행이다",
            "이제 마음이 놓여",
            "좋네",
            "",
            "",
        ],
    ]
}

fn write(dir: &Path, name: &str, content: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    path
}

fn corpus_csv(dir: &Path) -> PathBuf {
    let mut text = format!("{HEADER}\n");
    for row in corpus_rows() {
        text.push_str(&row.join(","));
        text.push('\n');
    }
    write(dir, "dialogues.csv", &text)
}

fn corpus_xlsx(dir: &Path, with_code: bool) -> PathBuf {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let mut headers: Vec<&str> = HEADER.split(',').collect();
    if with_code {
        headers.push("code");
    }
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for (r, row) in corpus_rows().iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            if !cell.is_empty() {
                sheet.write_string(r as u32 + 1, c as u16, *cell).unwrap();
            }
        }
        if with_code {
            sheet
                .write_string(r as u32 + 1, 13, if r == 0 { "E24" } else { "E67" })
                .unwrap();
        }
    }
    let path = dir.join("dialogues.xlsx");
    book.save(&path).unwrap();
    path
}

fn summary(examples: &[Example]) -> Vec<(String, Vec<String>, usize, &'static str)> {
    examples
        .iter()
        .map(|e| {
            (
                e.utterance.text.clone(),
                e.utterance.context.clone(),
                e.turn,
                e.gold.code,
            )
        })
        .collect()
}

#[test]
fn the_corpus_layout_gives_one_example_per_utterance_with_its_context() {
    let dir = tempfile::tempdir().unwrap();
    let examples = load_examples(&corpus_csv(dir.path()), true).unwrap();
    let s = summary(&examples);
    assert_eq!(s.len(), 5, "3 + 2 utterances; empty cells skipped");
    assert_eq!(s[0], ("시험에 또 떨어졌어".into(), vec![], 1, "E24"));
    assert_eq!(
        s[2],
        (
            "그냥 다 그만두고 싶어".into(),
            vec![
                "시험에 또 떨어졌어".into(),
                "공부한 게 다 소용없나 봐".into()
            ],
            3,
            "E24"
        )
    );
    assert_eq!(
        s[4],
        (
            "이제 마음이 놓여".into(),
            vec!["검사 결과가 괜찮대".into()],
            2,
            "E67"
        )
    );

    let alone = load_examples(&corpus_csv(dir.path()), false).unwrap();
    assert!(alone.iter().all(|e| e.utterance.context.is_empty()));
}

#[test]
fn xlsx_reads_like_csv_and_an_optional_code_column_agrees() {
    let dir = tempfile::tempdir().unwrap();
    let csv = load_examples(&corpus_csv(dir.path()), true).unwrap();
    let xlsx = load_examples(&corpus_xlsx(dir.path(), false), true).unwrap();
    assert_eq!(summary(&csv), summary(&xlsx));
    let coded = load_examples(&corpus_xlsx(dir.path(), true), true).unwrap();
    assert_eq!(summary(&csv), summary(&coded));
}

#[test]
fn the_sentence_layout_reads_codes_and_builds_context_from_dialogue_and_turn() {
    let dir = tempfile::tempdir().unwrap();
    let plain = write(
        dir.path(),
        "plain.csv",
        "sentence,code\n너무 화가 나,E10\n\"쉼표, 들어간 문장\",E60\n",
    );
    let examples = load_examples(&plain, true).unwrap();
    assert_eq!(
        summary(&examples),
        vec![
            ("너무 화가 나".into(), vec![], 1, "E10"),
            ("쉼표, 들어간 문장".into(), vec![], 1, "E60"),
        ]
    );

    // Out of order on purpose: context follows `turn`, not the file order.
    let dialogues = write(
        dir.path(),
        "sentences.csv",
        "dialogue_id,turn,sentence,code\nd1,2,두 번째,E31\nd2,1,다른 대화,E60\nd1,1,첫 번째,E31\n",
    );
    let examples = load_examples(&dialogues, true).unwrap();
    let second = examples
        .iter()
        .find(|e| e.utterance.text == "두 번째")
        .unwrap();
    assert_eq!(second.utterance.context, vec!["첫 번째".to_string()]);
    assert_eq!(second.turn, 2);
    let other = examples
        .iter()
        .find(|e| e.utterance.text == "다른 대화")
        .unwrap();
    assert!(other.utterance.context.is_empty());
}

#[test]
fn malformed_files_are_rejected_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let cases: Vec<(PathBuf, &str)> = vec![
        (
            write(dir.path(), "cols.csv", "text,label\n안녕,E10\n"),
            "unrecognised columns [text, label]",
        ),
        (
            write(
                dir.path(),
                "code.csv",
                "sentence,code\n안녕,E10\n잘가,E99\n",
            ),
            "row 3: unknown emotion code \"E99\"",
        ),
        (
            write(
                dir.path(),
                "names.csv",
                &format!("{HEADER}\nx,,,,,슬픔,행복한,문장,,,,,\n"),
            ),
            "row 2: unknown emotion \"슬픔\" / \"행복한\"",
        ),
        (
            write(
                dir.path(),
                "turn.csv",
                "dialogue_id,turn,sentence,code\nd,first,안녕,E10\n",
            ),
            "row 2: turn \"first\"",
        ),
        (write(dir.path(), "empty.csv", ""), "empty"),
        (
            write(dir.path(), "header.csv", "sentence,code\n"),
            "no labelled utterances",
        ),
        (
            write(dir.path(), "broken.xlsx", "this is not a zip file"),
            "broken.xlsx",
        ),
        (dir.path().join("missing.csv"), "missing.csv"),
    ];
    for (path, expected) in cases {
        let error: EvalDataError =
            load_examples(&path, false).expect_err(&path.display().to_string());
        let message = error.to_string();
        assert!(message.contains(expected), "{}: {message}", path.display());
        assert!(
            message.contains(path.file_name().unwrap().to_str().unwrap()),
            "names the file: {message}"
        );
    }
}

#[tokio::test]
async fn scores_on_the_fixture_match_the_known_answers() {
    let dir = tempfile::tempdir().unwrap();
    let examples = load_examples(&corpus_csv(dir.path()), false).unwrap();
    // Right, right, same group (E20), other group but right…, wrong group.
    let reader = ScriptedReader::reading("E10")
        .when_text("시험에 또 떨어졌어", "E24")
        .when_text("공부한 게 다 소용없나 봐", "E24")
        .when_text("그냥 다 그만두고 싶어", "E20")
        .when_text("검사 결과가 괜찮대", "E67")
        .when_text("이제 마음이 놓여", "E31")
        .score(1.0)
        .meaningful(true);
    let mut progress = Vec::new();
    let predictions = predict_all(&reader, &examples, 2, |done| progress.push(done))
        .await
        .unwrap();
    assert_eq!(progress, vec![2, 4, 5]);
    let report = evaluate(&examples, &predictions);
    assert_eq!(report.summary.n, 5);
    assert!((report.summary.top1 - 0.6).abs() < 1e-12);
    assert!((report.summary.group6 - 0.8).abs() < 1e-12);
    assert_eq!(
        report
            .by_turn
            .iter()
            .map(|t| (t.turn, t.n))
            .collect::<Vec<_>>(),
        vec![(1, 2), (2, 2), (3, 1)]
    );
}

#[test]
fn the_binary_prints_a_json_summary() {
    let dir = tempfile::tempdir().unwrap();
    let data = corpus_xlsx(dir.path(), false);
    for extra in [None, Some("--context")] {
        let mut command = Command::new(env!("CARGO_BIN_EXE_maeum"));
        command
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(["eval", "--json", "--data"])
            .arg(&data);
        command.args(extra);
        let out = command.output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stdout = String::from_utf8(out.stdout).unwrap();
        assert_eq!(stdout.lines().count(), 1, "one object: {stdout}");
        let summary: serde_json::Value = serde_json::from_str(&stdout).unwrap();
        assert_eq!(summary["n"], 5);
        for key in [
            "top1",
            "top3",
            "fine58",
            "group6",
            "group6_summed",
            "macro_f1",
        ] {
            let value = summary[key]
                .as_f64()
                .unwrap_or_else(|| panic!("{key} in {summary}"));
            assert!((0.0..=1.0).contains(&value), "{key} = {value}");
        }
        let calibration = &summary["calibration"];
        for key in ["ece", "shown_fine", "correct_as_shown"] {
            let value = calibration[key]
                .as_f64()
                .unwrap_or_else(|| panic!("calibration.{key} in {summary}"));
            assert!((0.0..=1.0).contains(&value), "{key} = {value}");
        }
        assert_eq!(calibration["threshold"].as_f64(), Some(0.4f32 as f64));
        assert!(calibration["best_temperature"].as_f64().unwrap() > 0.0);
        assert_eq!(calibration["sweep"].as_array().unwrap().len(), 9);
    }
}

#[test]
fn the_binary_writes_each_utterances_probabilities_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let data = corpus_xlsx(dir.path(), false);
    let written = dir.path().join("predictions.jsonl");
    let out = Command::new(env!("CARGO_BIN_EXE_maeum"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["eval", "--json", "--data"])
        .arg(&data)
        .arg("--predictions")
        .arg(&written)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<serde_json::Value> = std::fs::read_to_string(&written)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 5, "one line per utterance");
    for line in &lines {
        assert!(line["gold"].as_str().unwrap().starts_with('E'));
        let p: Vec<f64> = serde_json::from_value(line["p"].clone()).unwrap();
        assert_eq!(p.len(), 60);
        assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-3, "a distribution");
    }
}

#[test]
fn the_binary_rejects_a_malformed_file_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let bad = write(dir.path(), "bad.csv", "foo,bar\n1,2\n");
    let out = Command::new(env!("CARGO_BIN_EXE_maeum"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["eval", "--data"])
        .arg(&bad)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("bad.csv") && stderr.contains("unrecognised columns"),
        "{stderr}"
    );
}
