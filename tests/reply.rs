//! The reply generators: the real async-openai client against a fake
//! OpenAI-compatible server on loopback, and the embedded offline generator.

mod support;

use std::collections::HashSet;
use std::time::Duration;

use futures::StreamExt;
use maeum::config::{LlmSettings, OnFailure, PromptFormat, Secret};
use maeum::emotion::{Emotion, EmotionGroup, EmotionLabel, TAXONOMY};
use maeum::reply::offline::OfflineGenerator;
use maeum::reply::openai::OpenAiGenerator;
use maeum::reply::{Exchange, ReplyError, ReplyGenerator, ReplyRequest};
use support::fake_llm::FakeLlm;

/// Guards the tests that must end on their own: a hang becomes a failure.
const NO_HANG: Duration = Duration::from_secs(20);

fn settings(format: PromptFormat, timeout_secs: u64, history_token_budget: usize) -> LlmSettings {
    LlmSettings {
        base_url: String::new(),
        model: "test-model".into(),
        temperature: 0.7,
        max_tokens: 120,
        timeout_secs,
        deadline_secs: timeout_secs,
        max_retries: 2,
        max_concurrent_requests: 32,
        on_failure: OnFailure::Apology,
        stream: true,
        history_token_budget,
        prompt_format: format,
    }
}

fn emotion(code: &str, score: f32) -> Emotion {
    Emotion {
        label: EmotionLabel::by_code(code).expect("a taxonomy code"),
        score,
    }
}

fn request(text: &str, emotion: Option<Emotion>) -> ReplyRequest {
    ReplyRequest {
        text: text.into(),
        emotion,
        ..Default::default()
    }
}

fn exchange(user: &str, reply: Option<&str>) -> Exchange {
    Exchange {
        user_text: user.into(),
        emotion: None,
        reply: reply.map(str::to_string),
    }
}

async fn collect(
    generator: &dyn ReplyGenerator,
    request: &ReplyRequest,
) -> Vec<Result<String, ReplyError>> {
    let stream = generator
        .generate_stream(request)
        .await
        .expect("the stream starts");
    stream.collect().await
}

// ---------------------------------------------------------------------------
// OpenAiGenerator against the fake

#[tokio::test]
async fn a_non_streaming_reply_arrives_with_the_settings_sent() {
    let fake = FakeLlm::start().await;
    fake.set_reply("  많이 힘들었겠다. 오늘은 푹 쉬자.\n");
    let generator = OpenAiGenerator::new(
        &settings(PromptFormat::Tagged, 10, 1000),
        &fake.base_url,
        None,
    );
    assert_eq!(generator.name(), "openai:test-model");

    let reply = generator
        .generate(&request("요즘 너무 힘들어", Some(emotion("E24", 0.62))))
        .await
        .expect("a reply");
    assert_eq!(reply, "많이 힘들었겠다. 오늘은 푹 쉬자.");

    let bodies = fake.requests();
    assert_eq!(bodies.len(), 1);
    let body = &bodies[0];
    assert_eq!(body["model"], "test-model");
    assert!((body["temperature"].as_f64().expect("a temperature") - 0.7).abs() < 1e-6);
    assert_eq!(body["max_completion_tokens"], 120);
    assert_ne!(body["stream"], true);
    let messages = FakeLlm::messages_of(body);
    assert_eq!(messages.len(), 2);
    assert_eq!(messages[0].0, "system");
    assert!(messages[0].1.contains("반말"), "{}", messages[0].1);
    assert_eq!(messages[1].0, "user");
    assert_eq!(
        messages[1].1,
        "[감정: 우울한 (슬픔), 확률 0.62]\n요즘 너무 힘들어"
    );
}

#[tokio::test]
async fn a_streamed_reply_arrives_in_pieces() {
    let fake = FakeLlm::start().await;
    let text = "우와, 진짜 잘됐다! 나까지 기분 좋아지네.";
    fake.set_reply(text);
    fake.set_stream_pieces(4);
    let generator = OpenAiGenerator::new(
        &settings(PromptFormat::Tagged, 10, 1000),
        &fake.base_url,
        None,
    );

    let pieces: Vec<String> = collect(&generator, &request("합격했어!", Some(emotion("E60", 0.9))))
        .await
        .into_iter()
        .collect::<Result<_, _>>()
        .expect("every piece arrives");
    assert_eq!(pieces.len(), 4, "{pieces:?}");
    assert_eq!(pieces.concat(), text);
    assert_eq!(fake.requests()[0]["stream"], true);
}

#[tokio::test]
async fn the_history_is_sent_oldest_first_trimmed_to_the_newest_that_fit() {
    let fake = FakeLlm::start().await;
    // About 1 token per syllable: a full exchange costs ~160 tokens, one without
    // a reply ~110, so 520 holds the newest three (~435) but never all four
    // (~595), whatever the small per-message overhead.
    let long = |tag: &str, syllables: usize| format!("{tag} {}", "가".repeat(syllables));
    let mut req = request("지금 이야기", Some(emotion("E30", 0.41)));
    req.history = vec![
        exchange(&long("첫째", 100), Some(&long("답1", 50))),
        exchange(&long("둘째", 100), Some(&long("답2", 50))),
        exchange(&long("셋째", 100), None),
        exchange(&long("넷째", 100), Some(&long("답4", 50))),
    ];
    let generator = OpenAiGenerator::new(
        &settings(PromptFormat::Tagged, 10, 520),
        &fake.base_url,
        None,
    );
    generator.generate(&req).await.expect("a reply");

    let messages = FakeLlm::messages_of(&fake.requests()[0]);
    let sent: Vec<(&str, &str)> = messages
        .iter()
        .map(|(role, content)| (role.as_str(), content.split(' ').next().unwrap_or_default()))
        .collect();
    assert_eq!(
        sent,
        vec![
            ("system", sent[0].1),
            ("user", "둘째"),
            ("assistant", "답2"),
            ("user", "셋째"),
            ("user", "넷째"),
            ("assistant", "답4"),
            ("user", "[감정:"),
        ]
    );
    assert_eq!(messages[6].1, "[감정: 불안 (불안), 확률 0.41]\n지금 이야기");

    // With room for everything, everything goes, still oldest first.
    let generous = OpenAiGenerator::new(
        &settings(PromptFormat::Tagged, 10, 100_000),
        &fake.base_url,
        None,
    );
    generous.generate(&req).await.expect("a reply");
    let firsts: Vec<String> = FakeLlm::messages_of(&fake.requests()[1])
        .into_iter()
        .skip(1)
        .map(|(_, c)| c.split(' ').next().unwrap_or_default().to_string())
        .collect();
    assert_eq!(
        firsts,
        [
            "첫째", "답1", "둘째", "답2", "셋째", "넷째", "답4", "[감정:"
        ]
    );
}

#[tokio::test]
async fn the_original_format_sends_message_then_emotion() {
    let fake = FakeLlm::start().await;
    let generator = OpenAiGenerator::new(
        &settings(PromptFormat::Original, 10, 1000),
        &fake.base_url,
        None,
    );
    generator
        .generate(&request("요즘 너무 힘들어", Some(emotion("E24", 0.62))))
        .await
        .expect("a reply");
    assert_eq!(
        FakeLlm::messages_of(&fake.requests()[0]),
        vec![
            (
                "system".to_string(),
                "친구, 일상대화, 반말, ';;' 뒤에 있는 감정을 답변 문장에 반영".to_string()
            ),
            ("user".to_string(), "요즘 너무 힘들어 ;; 우울한".to_string()),
        ]
    );
}

#[tokio::test]
async fn a_server_error_is_retried_a_bounded_number_of_times() {
    let fake = FakeLlm::start().await;
    fake.fail_with(500);
    let generator = OpenAiGenerator::new(
        &settings(PromptFormat::Tagged, 30, 1000),
        &fake.base_url,
        None,
    );
    let req = request("안녕", None);

    let error = tokio::time::timeout(NO_HANG, generator.generate(&req))
        .await
        .expect("no hang")
        .expect_err("a lasting 500 fails");
    assert!(
        matches!(&error, ReplyError::Endpoint(m) if m.contains("500")),
        "{error:?}"
    );
    assert_eq!(
        fake.request_count(),
        3,
        "the first try and llm.max_retries = 2"
    );

    let error = tokio::time::timeout(NO_HANG, generator.generate_stream(&req))
        .await
        .expect("no hang")
        .err()
        .expect("a lasting 500 fails the stream too");
    assert!(
        matches!(&error, ReplyError::Endpoint(m) if m.contains("500")),
        "{error:?}"
    );
    assert_eq!(fake.request_count(), 6);
}

#[tokio::test]
async fn a_rate_limit_is_waited_out_as_retry_after_asks_then_answered() {
    let fake = FakeLlm::start().await;
    // The fake's 429 carries Retry-After: 1.
    fake.fail_next(429, 1);
    let generator = OpenAiGenerator::new(
        &settings(PromptFormat::Tagged, 30, 1000),
        &fake.base_url,
        None,
    );
    let started = std::time::Instant::now();
    let reply = tokio::time::timeout(NO_HANG, generator.generate(&request("안녕", None)))
        .await
        .expect("no hang")
        .expect("answered on the retry");
    assert!(!reply.is_empty());
    assert_eq!(fake.request_count(), 2);
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "waited as Retry-After asked: {:?}",
        started.elapsed()
    );

    // Past the deadline there is no more waiting.
    fake.fail_with(429);
    let mut short = settings(PromptFormat::Tagged, 1, 1000);
    short.max_retries = 10;
    let generator = OpenAiGenerator::new(&short, &fake.base_url, None);
    let started = std::time::Instant::now();
    let error = tokio::time::timeout(NO_HANG, generator.generate(&request("안녕", None)))
        .await
        .expect("no hang")
        .expect_err("still limited");
    assert!(matches!(error, ReplyError::Timeout(1)), "{error:?}");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn requests_beyond_the_concurrency_limit_wait_their_turn() {
    let fake = FakeLlm::start().await;
    fake.set_delay(Duration::from_millis(300));
    let mut limited = settings(PromptFormat::Tagged, 30, 1000);
    limited.max_concurrent_requests = 2;
    let generator = OpenAiGenerator::new(&limited, &fake.base_url, None);
    let req = request("안녕", None);
    let replies = tokio::time::timeout(
        NO_HANG,
        futures::future::join_all((0..6).map(|_| generator.generate(&req))),
    )
    .await
    .expect("no hang");
    assert!(replies.iter().all(Result::is_ok), "every turn answered");
    assert_eq!(fake.request_count(), 6);
    assert_eq!(
        fake.peak_in_flight(),
        2,
        "never more than the limit at once"
    );

    // The limit is per generator: another one is not held up by it.
    let unlimited = OpenAiGenerator::new(
        &settings(PromptFormat::Tagged, 30, 1000),
        &fake.base_url,
        None,
    );
    tokio::time::timeout(
        NO_HANG,
        futures::future::join_all((0..6).map(|_| unlimited.generate(&req))),
    )
    .await
    .expect("no hang");
    assert!(fake.peak_in_flight() >= 3, "{}", fake.peak_in_flight());
}

#[tokio::test]
async fn a_slow_dripping_stream_is_cut_at_the_reply_deadline() {
    let fake = FakeLlm::start().await;
    fake.set_stream_pieces(20);
    fake.set_piece_delay(Duration::from_millis(400));
    let mut dripping = settings(PromptFormat::Tagged, 1, 1000);
    dripping.deadline_secs = 2;
    let generator = OpenAiGenerator::new(&dripping, &fake.base_url, None);
    let started = std::time::Instant::now();
    let items = tokio::time::timeout(NO_HANG, collect(&generator, &request("안녕", None)))
        .await
        .expect("no hang");
    assert!(
        matches!(items.last(), Some(Err(ReplyError::Timeout(_)))),
        "{items:?}"
    );
    assert!(
        items.len() < 20,
        "cut before the end: {} pieces",
        items.len()
    );
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_slow_endpoint_times_out() {
    let fake = FakeLlm::start().await;
    fake.set_delay(Duration::from_secs(5));
    let generator = OpenAiGenerator::new(
        &settings(PromptFormat::Tagged, 1, 1000),
        &fake.base_url,
        None,
    );
    let req = request("안녕", None);

    let error = generator.generate(&req).await.expect_err("too slow");
    assert!(matches!(error, ReplyError::Timeout(1)), "{error:?}");
    let error = generator
        .generate_stream(&req)
        .await
        .err()
        .expect("too slow to start");
    assert!(matches!(error, ReplyError::Timeout(1)), "{error:?}");
}

#[tokio::test]
async fn a_stream_that_stalls_between_pieces_times_out() {
    let fake = FakeLlm::start().await;
    fake.set_reply("하나 둘 셋");
    fake.set_stream_pieces(3);
    fake.set_piece_delay(Duration::from_secs(5));
    let generator = OpenAiGenerator::new(
        &settings(PromptFormat::Tagged, 1, 1000),
        &fake.base_url,
        None,
    );

    let items = tokio::time::timeout(NO_HANG, collect(&generator, &request("안녕", None)))
        .await
        .expect("no hang");
    assert_eq!(items.len(), 2, "{items:?}");
    assert_eq!(items[0].as_deref().ok(), Some("하나"));
    assert!(
        matches!(items[1], Err(ReplyError::Timeout(1))),
        "{:?}",
        items[1]
    );
}

#[tokio::test]
async fn a_dead_endpoint_fails_with_an_endpoint_error() {
    let generator = OpenAiGenerator::new(
        &settings(PromptFormat::Tagged, 30, 1000),
        &FakeLlm::dead_base_url(),
        None,
    );
    let req = request("안녕", None);
    let error = tokio::time::timeout(NO_HANG, generator.generate(&req))
        .await
        .expect("no hang")
        .expect_err("nobody listens");
    assert!(matches!(error, ReplyError::Endpoint(_)), "{error:?}");
    let error = tokio::time::timeout(NO_HANG, generator.generate_stream(&req))
        .await
        .expect("no hang")
        .err()
        .expect("nobody listens");
    assert!(matches!(error, ReplyError::Endpoint(_)), "{error:?}");
}

#[tokio::test]
async fn an_empty_completion_is_empty() {
    let fake = FakeLlm::start().await;
    fake.set_reply(" \n ");
    let generator = OpenAiGenerator::new(
        &settings(PromptFormat::Tagged, 10, 1000),
        &fake.base_url,
        None,
    );
    let req = request("안녕", None);
    assert!(matches!(
        generator.generate(&req).await,
        Err(ReplyError::Empty)
    ));
    fake.set_reply("");
    assert!(matches!(
        generator.generate_stream(&req).await.err(),
        Some(ReplyError::Empty)
    ));
}

#[tokio::test]
async fn the_api_key_is_a_bearer_header_and_in_no_error_text() {
    let fake = FakeLlm::start().await;
    let key = Secret::new("sk-test-SECRET-1234");
    let generator = OpenAiGenerator::new(
        &settings(PromptFormat::Tagged, 10, 1000),
        &fake.base_url,
        Some(&key),
    );
    generator
        .generate(&request("안녕", None))
        .await
        .expect("a reply");
    assert_eq!(
        fake.recorded()[0].authorization.as_deref(),
        Some("Bearer sk-test-SECRET-1234")
    );

    // A server that quotes the key back in its error must not leak it.
    fake.fail_with_message(401, "Incorrect API key provided: sk-test-SECRET-1234");
    for error in [
        generator
            .generate(&request("안녕", None))
            .await
            .expect_err("401"),
        generator
            .generate_stream(&request("안녕", None))
            .await
            .err()
            .expect("401"),
    ] {
        assert!(matches!(error, ReplyError::Endpoint(_)), "{error:?}");
        for text in [error.to_string(), format!("{error:?}")] {
            assert!(!text.contains("sk-test-SECRET-1234"), "{text}");
            assert!(text.contains("401"), "{text}");
        }
    }
}

#[tokio::test]
async fn without_a_key_no_authorization_header_is_sent() {
    let fake = FakeLlm::start().await;
    let generator = OpenAiGenerator::new(
        &settings(PromptFormat::Tagged, 10, 1000),
        &fake.base_url,
        None,
    );
    generator
        .generate(&request("안녕", None))
        .await
        .expect("a reply");
    collect(&generator, &request("안녕", None)).await;
    let recorded = fake.recorded();
    assert_eq!(recorded.len(), 2);
    assert!(
        recorded.iter().all(|r| r.authorization.is_none()),
        "{recorded:?}"
    );
}

#[tokio::test]
async fn the_fake_can_answer_from_the_request() {
    let fake = FakeLlm::start().await;
    fake.set_reply_with(|body| {
        let last = FakeLlm::messages_of(body)
            .pop()
            .map(|(_, c)| c)
            .unwrap_or_default();
        format!("you said: {last}")
    });
    let generator = OpenAiGenerator::new(
        &settings(PromptFormat::Original, 10, 1000),
        &fake.base_url,
        None,
    );
    let reply = generator
        .generate(&request("hello", None))
        .await
        .expect("a reply");
    assert_eq!(reply, "you said: hello");
}

// ---------------------------------------------------------------------------
// OfflineGenerator

fn requests_for_every_group() -> Vec<ReplyRequest> {
    let mut requests: Vec<ReplyRequest> = EmotionGroup::ALL
        .iter()
        .map(|group| {
            let label = TAXONOMY
                .iter()
                .find(|l| l.group == *group)
                .expect("a label per group");
            request("오늘 회사에서 또 혼났어", Some(emotion(label.code, 0.8)))
        })
        .collect();
    requests.push(request("오늘 회사에서 또 혼났어", None));
    requests
}

#[tokio::test]
async fn offline_never_returns_the_reply_to_avoid() {
    for base in requests_for_every_group() {
        for avoid in OfflineGenerator::candidates(&base) {
            let mut req = base.clone();
            req.avoid = Some(avoid.clone());
            for seed in 0..40 {
                let reply = OfflineGenerator::with_seed(seed)
                    .generate(&req)
                    .await
                    .expect("a reply");
                assert_ne!(reply, avoid);
            }
        }
    }
}

#[tokio::test]
async fn offline_does_not_repeat_itself_in_a_conversation() {
    let generator = OfflineGenerator::with_seed(7);
    let mut req = request("그냥 그래", Some(emotion("E24", 0.7)));
    let mut previous: Option<String> = None;
    for _ in 0..200 {
        let reply = generator.generate(&req).await.expect("a reply");
        assert_ne!(
            Some(&reply),
            previous.as_ref(),
            "the same reply twice in a row"
        );
        req.history.push(exchange(&req.text.clone(), Some(&reply)));
        previous = Some(reply);
    }
}

#[tokio::test]
async fn offline_replies_vary() {
    let req = request("시험 망했어", Some(emotion("E28", 0.7)));
    let mut seen = HashSet::new();
    for seed in 0..60 {
        seen.insert(
            OfflineGenerator::with_seed(seed)
                .generate(&req)
                .await
                .expect("a reply"),
        );
    }
    assert!(seen.len() >= 8, "only {} distinct replies", seen.len());
}

#[tokio::test]
async fn offline_picks_from_the_emotion_groups_own_set() {
    let requests = requests_for_every_group();
    let sets: Vec<HashSet<String>> = requests
        .iter()
        .map(|r| OfflineGenerator::candidates(r).into_iter().collect())
        .collect();
    for (i, set) in sets.iter().enumerate() {
        assert!(set.len() >= 8, "set {i} has {} replies", set.len());
        for (j, other) in sets.iter().enumerate().skip(i + 1) {
            assert!(set.is_disjoint(other), "sets {i} and {j} share replies");
        }
    }
    for (req, set) in requests.iter().zip(&sets) {
        for seed in 0..30 {
            let reply = OfflineGenerator::with_seed(seed)
                .generate(req)
                .await
                .expect("a reply");
            assert!(set.contains(&reply), "{reply} is not in its group's set");
        }
    }
}

#[tokio::test]
async fn offline_weaves_in_the_fine_emotion_and_the_message() {
    let candidates =
        OfflineGenerator::candidates(&request("시험 망했어", Some(emotion("E24", 0.7))));
    assert!(
        candidates.iter().any(|c| c.contains("우울한 마음")),
        "{candidates:?}"
    );
    assert!(
        candidates.iter().any(|c| c.contains("“시험 망했어”")),
        "{candidates:?}"
    );
    // A long message is not quoted half-way through.
    let long = "오늘 아침부터 버스를 놓치고 지각까지 해서 팀장님께 혼났어";
    let candidates = OfflineGenerator::candidates(&request(long, Some(emotion("E24", 0.7))));
    assert!(
        !candidates.iter().any(|c| c.contains('“')),
        "{candidates:?}"
    );
}

#[tokio::test]
async fn offline_streams_the_reply_in_pieces() {
    let req = request("합격했어!", Some(emotion("E64", 0.9)));
    let whole = OfflineGenerator::with_seed(3)
        .generate(&req)
        .await
        .expect("a reply");
    let streaming = OfflineGenerator::with_seed(3);
    assert_eq!(streaming.name(), "offline");
    let pieces: Vec<String> = collect(&streaming, &req)
        .await
        .into_iter()
        .collect::<Result<_, _>>()
        .expect("every piece");
    assert!(pieces.len() > 1, "{pieces:?}");
    assert_eq!(pieces.concat(), whole);
}

/// The offline replier fits the message: a greeting gets a greeting (not the
/// joy of 「우와, 진짜 잘됐다!」), English gets English, a question without a
/// named feeling is turned back gently, and a statement ends with a question.
#[tokio::test]
async fn offline_replies_fit_the_kind_and_language_of_the_message() {
    let joy = Some(emotion("E60", 0.9));
    let hangul = |text: &str| text.chars().any(|c| ('가'..='힣').contains(&c));
    for seed in 0..20 {
        let generator = OfflineGenerator::with_seed(seed);
        let hello = generator.generate(&request("안녕", joy)).await.unwrap();
        let greetings = maeum::reply::offline::sets::for_kind(
            maeum::reply::offline::kind::Kind::Greeting,
            false,
        )
        .unwrap();
        assert!(greetings.contains(&hello.as_str()), "{hello}");
        assert!(!hello.contains("잘됐다"), "{hello}");

        let english = generator
            .generate(&request("I finally got the job!", joy))
            .await
            .unwrap();
        assert!(!hangul(&english), "{english}");

        let asked = generator
            .generate(&request("너는 뭐 좋아해?", None))
            .await
            .unwrap();
        assert!(asked.ends_with('?'), "{asked}");

        let told = generator
            .generate(&request(
                "오늘 회사에서 또 혼났어",
                Some(emotion("E24", 0.7)),
            ))
            .await
            .unwrap();
        assert!(told.ends_with('?'), "a gentle follow-up: {told}");

        let bye = generator.generate(&request("bye!", None)).await.unwrap();
        assert!(!hangul(&bye), "{bye}");
    }
}

/// `maeum qa`'s two arms against the fake LLM: the fake writes a sad reply
/// only when the prompt names the emotion, so the arm with it reads as the
/// labelled group and the arm without does not; the paired figures follow.
#[tokio::test]
async fn reflection_qa_has_both_arms_with_the_fake_llm() {
    use maeum::eval::reflection::{QaReport, pair};
    use support::emotion::ScriptedReader;

    let fake = FakeLlm::start().await;
    fake.set_reply_with(|body| {
        if body.to_string().contains("우울한") {
            "많이 슬프겠다. 오늘은 푹 쉬어.".to_string()
        } else {
            "그렇구나. 더 얘기해 줘.".to_string()
        }
    });
    let generator = OpenAiGenerator::new(
        &settings(PromptFormat::Tagged, 10, 1000),
        &fake.base_url,
        None,
    );
    let reader = ScriptedReader::reading("E30").when_contains(&["슬프"], "E24");
    let gold = EmotionLabel::by_code("E24").unwrap();
    let mut pairs = Vec::new();
    for text in ["시험에 또 떨어졌어", "친구랑 크게 싸웠어"] {
        pairs.push(
            pair(&generator, &reader, text, gold)
                .await
                .expect("both replies"),
        );
    }
    let report = QaReport::of(&pairs, generator.name());
    assert_eq!(report.n, 2);
    assert_eq!(report.with_emotion.group_first, 2, "{report}");
    assert_eq!(report.without_emotion.group_first, 0, "{report}");
    assert_eq!(report.only_with_first, 2);
    assert!(report.paired_difference > 0.0, "{report}");
    assert_eq!(fake.request_count(), 4, "two replies per message");
}
