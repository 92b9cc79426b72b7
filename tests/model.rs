//! The shipped Korean emotion model (`model/`): it loads, says it is meaningful,
//! and reads unmistakable sentences (written for this test, not taken from any
//! corpus) into the right group — alone and with context.

use maeum::config::Settings;
use maeum::emotion::onnx::OnnxClassifier;
use maeum::emotion::{EmotionGroup, EmotionReader, Utterance};

fn shipped_model() -> OnnxClassifier {
    let settings = Settings::load_with(None, figment::Figment::new(), Default::default())
        .expect("default settings");
    assert_eq!(
        settings.emotion.model_dir,
        std::path::Path::new("model"),
        "the shipped model is the default"
    );
    OnnxClassifier::load(&settings.emotion)
        .expect("the shipped model loads (run scripts/setup first)")
}

#[tokio::test]
async fn the_shipped_model_is_real() {
    let model = shipped_model();
    let info = model.info();
    assert!(info.meaningful, "{info:?}");
    assert_eq!(info.name, "maeum-emotion-e5small-ko");
}

#[tokio::test]
async fn unmistakable_sentences_land_in_their_group() {
    use EmotionGroup::*;
    let cases = [
        ("시험에 합격해서 너무 기뻐!", Joy),
        ("오늘 월급 받아서 신나!", Joy),
        ("친구가 나를 배신해서 너무 화가 나", Anger),
        ("회사 동료가 또 내 공을 가로챘어. 진짜 짜증나", Anger),
        ("내일 수술인데 너무 무섭고 불안해", Anxiety),
        ("면접 결과가 나올 때까지 걱정돼서 잠이 안 와", Anxiety),
        ("할머니가 돌아가셔서 너무 슬퍼", Sadness),
        ("사람들 앞에서 넘어져서 너무 창피했어", Embarrassment),
        (
            "가장 친한 친구가 나만 빼고 여행을 갔어. 서운하고 상처받았어",
            Hurt,
        ),
    ];
    let model = shipped_model();
    // One message at a time, as a user's message is read: inside a padded
    // batch the int8 model's dynamically quantised activations shift with
    // the other members (a known defect, tracked with the emotion-reading
    // work), and on this machine that turned 「배신해서 화가 나」 into 배신당한.
    for (text, group) in &cases {
        let emotions = model
            .read(Utterance::alone(*text), 3)
            .await
            .unwrap()
            .emotions;
        let best = emotions[0];
        assert_eq!(
            best.label.group, *group,
            "{text} → {} {}",
            best.label.code, best.label.sub
        );
    }
}

#[tokio::test]
async fn context_carries_the_feeling_into_a_vague_message() {
    let model = shipped_model();
    let vague = "그래서 오늘은 그냥 집에 있었어";
    let with_context = Utterance {
        text: vague.to_string(),
        context: vec![
            "어제 여자친구랑 헤어졌어".into(),
            "아무것도 하기 싫고 눈물만 나".into(),
        ],
    };
    let read = model.read(with_context, 1).await.unwrap().emotions;
    assert_eq!(
        read[0].label.group,
        EmotionGroup::Sadness,
        "{:?}",
        read[0].label
    );
}

/// The crisis model (model/train/crisis_model.py) is there and reads a
/// distribution over none, concern, risk and imminent with the threshold of
/// config.json. (What it is worth is measured on the crisis evaluation set,
/// in tests/safety.rs and docs/safety.md.)
#[tokio::test]
async fn the_shipped_model_carries_its_crisis_head() {
    let model = shipped_model();
    for text in [
        "약 한 통 다 먹었어",
        "오늘 점심 뭐 먹지",
        "I am going to kill myself tonight",
        "",
    ] {
        let signal = model
            .read(Utterance::alone(text), 1)
            .await
            .unwrap()
            .crisis
            .expect("the shipped model has a crisis head");
        let p = [signal.none, signal.concern, signal.risk, signal.imminent];
        assert!(p.iter().all(|v| (0.0..=1.0).contains(v)), "{text}: {p:?}");
        assert!((p.iter().sum::<f32>() - 1.0).abs() < 1e-4, "{text}: {p:?}");
        // The threshold config.json gives (chosen on the development parts,
        // model/train/crisis_thresholds.py) reaches the signal: a probability.
        assert!(
            signal.threshold > 0.0 && signal.threshold <= 1.0,
            "{signal:?}"
        );
        assert_eq!(
            signal.threshold, 0.35,
            "config.json's crisis_head.threshold"
        );
    }
}

/// The crisis model's lexical partner (`model/crisis_ngram.bin`,
/// model/train/crisis_ngram.py) reads the message's own words into the
/// signal, with the threshold of config.json: a plain crisis in either
/// language reads far above everyday talk, and context does not change it
/// (it reads the message alone; the encoder reads the conversation).
#[tokio::test]
async fn the_shipped_crisis_signal_carries_the_lexical_reading() {
    let model = shipped_model();
    let lexical = |u: Utterance| {
        let model = &model;
        async move {
            let signal = model.read(u, 1).await.unwrap().crisis.unwrap();
            assert_eq!(
                signal.lexical_threshold, 0.8,
                "config.json's lexical.threshold"
            );
            assert!((0.0..=1.0).contains(&signal.lexical), "{signal:?}");
            signal.lexical
        }
    };
    for (crisis, everyday) in [
        ("죽고 싶어 진짜 다 끝내고 싶다", "오늘 점심 뭐 먹지"),
        (
            "i want to kill myself tonight",
            "what should i cook for dinner",
        ),
    ] {
        let (c, e) = (
            lexical(Utterance::alone(crisis)).await,
            lexical(Utterance::alone(everyday)).await,
        );
        assert!(c > 0.75 && e < 0.25, "{crisis}: {c}, {everyday}: {e}");
    }
    let alone = lexical(Utterance::alone("죽고 싶어")).await;
    let with_context = lexical(Utterance {
        text: "죽고 싶어".into(),
        context: vec!["오늘 날씨 좋다".into()],
    })
    .await;
    assert_eq!(alone, with_context);
}

/// A message's reading must not depend on the messages read beside it. The
/// model quantises activations per token row (model/train/quantise.py), not
/// per batch, and padding is masked, so messages read one by one and inside
/// mixed padded batches — short and long, with and without context, Korean
/// and English — get the same top-3 codes, probabilities and crisis signal
/// within 1e-4.
#[tokio::test]
async fn a_reading_does_not_depend_on_its_neighbours() {
    let mut settings = Settings::load_with(None, figment::Figment::new(), Default::default())
        .expect("default settings");
    settings.emotion.max_batch = 32;
    let model = OnnxClassifier::load(&settings.emotion).expect("the shipped model loads");
    let texts = [
        "안녕",
        "시험에 합격해서 너무 기뻐!",
        "회사 동료가 또 내 공을 가로챘어. 진짜 짜증나고 억울해서 잠이 안 와. 내일 팀장님께 말해야 할지 모르겠어",
        "ㅠㅠ",
        "할머니가 돌아가셔서 너무 슬퍼",
        "사람들 앞에서 넘어져서 너무 창피했어",
        "요즘 그냥 다 귀찮아",
        "오늘 점심은 김치찌개 먹었어",
        "I can't stop worrying about the interview tomorrow",
        "친구가 내 생일을 잊어버렸어. 서운하다고 말하기도 애매하고 그냥 혼자 속상해하는 중이야",
        "ㅋㅋㅋㅋ 대박",
        "엄마랑 또 싸웠어 왜 나만 이해해야 해?",
    ];
    let utterances: Vec<Utterance> = texts
        .iter()
        .enumerate()
        .map(|(i, text)| Utterance {
            text: text.to_string(),
            context: match i % 3 {
                0 => Vec::new(),
                1 => vec!["어제부터 계속 마음이 복잡했어".into()],
                _ => vec![
                    "회사 일이 너무 많아".into(),
                    "주말에도 쉬지 못했어 몸이 안 좋아".into(),
                ],
            },
        })
        .collect();
    let codes = |r: &maeum::emotion::Reading| -> Vec<&str> {
        r.emotions.iter().map(|e| e.label.code).collect()
    };
    let alone = {
        let mut alone = Vec::new();
        for utterance in &utterances {
            alone.push(model.read(utterance.clone(), 3).await.unwrap());
        }
        alone
    };
    // The whole set in one batch, and each message in a batch of a different
    // make-up (its neighbours rotated), so each is padded to another length.
    let mut batches = vec![model.read_batch(utterances.clone(), 3).await.unwrap()];
    for shift in [1, 5] {
        let mut rotated = utterances.clone();
        rotated.rotate_left(shift);
        let mut readings = model.read_batch(rotated, 3).await.unwrap();
        readings.rotate_right(shift);
        batches.push(readings);
    }
    for together in &batches {
        for ((utterance, alone), beside) in utterances.iter().zip(&alone).zip(together) {
            assert_eq!(codes(alone), codes(beside), "{:?}", utterance.text);
            for (a, b) in alone.emotions.iter().zip(&beside.emotions) {
                assert!(
                    (a.score - b.score).abs() <= 1e-4,
                    "{:?}: {} alone, {} in a batch",
                    utterance.text,
                    a.score,
                    b.score
                );
            }
            let (a, b) = (alone.crisis.unwrap(), beside.crisis.unwrap());
            assert!((a.crisis_probability() - b.crisis_probability()).abs() <= 1e-4);
        }
    }
}

/// With two inference threads (`emotion.workers = 2`, each its own session,
/// one queue), messages read at the same time get exactly the readings one
/// thread gives them, and every one is answered.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_workers_read_as_one_does() {
    let one = shipped_model();
    let mut settings = Settings::load_with(None, figment::Figment::new(), Default::default())
        .expect("default settings");
    settings.emotion.workers = 2;
    let two = std::sync::Arc::new(OnnxClassifier::load(&settings.emotion).expect("two workers"));
    let texts = [
        "오늘 너무 슬퍼",
        "시험 붙었어!",
        "회사에서 또 혼났어",
        "불안해서 잠이 안 와",
    ];
    let mut reads = Vec::new();
    for round in 0..4 {
        for text in texts {
            let two = two.clone();
            let utterance = Utterance {
                text: format!("{text} {round}"),
                context: Vec::new(),
            };
            reads.push(tokio::spawn(async move {
                (utterance.clone(), two.read(utterance, 3).await)
            }));
        }
    }
    for read in reads {
        let (utterance, reading) = read.await.expect("the read task");
        let reading = reading.expect("answered");
        let alone = one.read(utterance.clone(), 3).await.unwrap();
        for (a, b) in alone.emotions.iter().zip(&reading.emotions) {
            assert_eq!(a.label.code, b.label.code, "{}", utterance.text);
            assert!((a.score - b.score).abs() <= 1e-5, "{}", utterance.text);
        }
    }
}

/// The character n-gram model (`model/ngram.bin`, `model/train/ensemble.py`)
/// is mixed into the reading of a message read alone, and only there: with
/// earlier messages the encoder alone read best on the validation dialogues.
#[tokio::test]
async fn the_ngram_model_is_mixed_into_a_message_read_alone() {
    let mixed = shipped_model();
    let mut settings = Settings::load_with(None, figment::Figment::new(), Default::default())
        .expect("default settings")
        .emotion;
    assert!(settings.ngram, "the ensemble is the default");
    settings.ngram = false;
    let encoder = OnnxClassifier::load(&settings).expect("the shipped model loads");
    let all = |u: Utterance| async {
        let a = mixed.read(u.clone(), 60).await.unwrap().emotions;
        let b = encoder.read(u, 60).await.unwrap().emotions;
        let by_code = |r: &[maeum::emotion::Emotion]| {
            let mut v: Vec<(&str, f32)> = r.iter().map(|e| (e.code(), e.score)).collect();
            v.sort_by(|x, y| x.0.cmp(y.0));
            v
        };
        (by_code(&a), by_code(&b))
    };
    let (a, b) = all(Utterance::alone("시험 망쳐서 너무 속상해")).await;
    let moved = a
        .iter()
        .zip(&b)
        .map(|(x, y)| (x.1 - y.1).abs())
        .fold(0f32, f32::max);
    assert!(moved > 1e-3, "alone, the mix moved nothing: {moved}");
    assert!((a.iter().map(|x| x.1).sum::<f32>() - 1.0).abs() < 1e-4);
    let (a, b) = all(Utterance {
        text: "시험 망쳐서 너무 속상해".into(),
        context: vec!["오늘 수학 시험 봤어".into()],
    })
    .await;
    assert_eq!(a, b, "with context the encoder reads alone");
}
