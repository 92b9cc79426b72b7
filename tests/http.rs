//! The HTTP adapter end to end: a real server on a port-0 listener, the real
//! ONNX test model, the real async-openai client against the fake LLM, SQLite
//! (Postgres for readiness), and `reqwest` as the client.

mod support;

use std::sync::Arc;
use std::time::Duration;

use figment::Figment;
use figment::providers::Serialized;
use futures::StreamExt;
use maeum::config::{Secret, Secrets, Settings};
use maeum::emotion::{EmotionLabel, Utterance};
use maeum::http::HttpError;
use maeum::pipeline::{Pipeline, texts};
use maeum::store::{Feedback, Store, UserKey};
use reqwest::StatusCode;
use serde_json::{Value, json};
use support::fake_llm::{DEFAULT_REPLY, FakeLlm};
use support::pipeline::TestPipeline;
use support::run::MaeumRun;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

const TOKEN: &str = "test-http-token-0123456789";
const METRICS_TOKEN: &str = "test-metrics-token-9876543210";

struct Server {
    base: String,
    llm: FakeLlm,
    pipeline: Arc<Pipeline>,
    shutdown: CancellationToken,
    task: JoinHandle<Result<(), HttpError>>,
    client: reqwest::Client,
    _data: tempfile::TempDir,
}

impl Server {
    /// A server on the default configuration (consent not required unless
    /// `configure` says so), with SQLite in a temporary directory or `store`.
    async fn start_with(configure: impl FnOnce(&mut Settings), store: Option<Store>) -> Server {
        let llm = FakeLlm::start().await;
        let data = tempfile::tempdir().unwrap();
        let env = Figment::new().merge(Serialized::default(
            "store.data_dir",
            data.path().display().to_string(),
        ));
        let secrets = Secrets {
            openai_base_url: Some(llm.base_url.clone()),
            ..Secrets::default()
        };
        let mut settings = Settings::load_with(None, env, secrets).expect("test settings");
        settings.privacy.require_consent = false;
        // The test model is unsure of everything; these tests are about the
        // API, so the reading's fine emotion is what it shows.
        settings.emotion.fine_threshold = 0.0;
        configure(&mut settings);
        let pipeline = match store {
            None => maeum::app::build_pipeline(&settings).await.unwrap().0,
            Some(store) => TestPipeline::new(store)
                .with_settings(settings.clone())
                .build(),
        };
        let pipeline = Arc::new(pipeline);
        let listener = support::serve::bind("maeum's HTTP server").await;
        let base = format!("http://{}", listener.local_addr().unwrap());
        let shutdown = CancellationToken::new();
        let task = tokio::spawn(maeum::http::serve(
            listener,
            pipeline.clone(),
            settings.http.clone(),
            settings.servers.clone(),
            maeum::http::Keys {
                token: Some(Secret::new(TOKEN)),
                session: None,
                metrics: Some(Secret::new(METRICS_TOKEN)),
            },
            shutdown.clone(),
        ));
        Server {
            base,
            llm,
            pipeline,
            shutdown,
            task,
            client: reqwest::Client::new(),
            _data: data,
        }
    }

    async fn start() -> Server {
        Server::start_with(|_| {}, None).await
    }

    fn post(&self, path: &str) -> reqwest::RequestBuilder {
        self.client
            .post(format!("{}{path}", self.base))
            .bearer_auth(TOKEN)
    }

    fn get(&self, path: &str) -> reqwest::RequestBuilder {
        self.client.get(format!("{}{path}", self.base))
    }

    /// POSTs `body` as JSON with the token; the status and the JSON answer.
    async fn call(&self, path: &str, body: Value) -> (StatusCode, Value) {
        let response = self.post(path).json(&body).send().await.unwrap();
        let status = response.status();
        (status, response.json().await.unwrap())
    }

    async fn stop(self) {
        self.shutdown.cancel();
        self.task.await.unwrap().expect("the server stops cleanly");
    }
}

fn user(id: &str) -> UserKey {
    UserKey::new("http", id)
}

fn assert_emotion(emotion: &Value) {
    let code = emotion["code"].as_str().expect("an emotion code");
    let label = EmotionLabel::by_code(code).expect("a code of the taxonomy");
    assert_eq!(emotion["sub"], label.sub);
    assert_eq!(emotion["emoji"], label.emoji);
    assert_eq!(emotion["major"], label.group.korean());
    let score = emotion["score"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&score), "{score}");
}

#[tokio::test]
async fn predict_reads_the_original_question_field_and_keeps_the_notice_apart() {
    let server = Server::start_with(|s| s.privacy.require_consent = true, None).await;
    let (status, body) = server
        .call(
            "/predict",
            json!({ "question": "오늘 좀 힘들었어", "user_id": "q1" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["reply"], DEFAULT_REPLY, "the reply alone");
    assert!(
        body["notice"]["text"]
            .as_str()
            .is_some_and(|t| t.contains("/accept")),
        "{body}"
    );
    assert!(
        body["notice"]["accept"]["id"]
            .as_str()
            .is_some_and(|id| id.starts_with("m1:a:"))
    );
    assert!(body["crisis_resources"].is_null());
}

#[tokio::test]
async fn predict_keeps_the_original_shape_and_callers_without_a_user_never_share() {
    let server = Server::start().await;
    let first = server
        .post("/predict")
        .json(&json!({ "text": "오늘 너무 속상했어" }))
        .send()
        .await
        .unwrap();
    assert_eq!(first.status(), StatusCode::OK);
    let cookie = session_cookie(&first).expect("a caller without a user gets a session");
    let body: Value = first.json().await.unwrap();
    assert_eq!(body["reply"], DEFAULT_REPLY);
    assert_emotion(&body["emotion"]);

    // Another caller without a user (no cookie): a conversation of its own.
    server.llm.set_reply("그랬구나.");
    let (status, body) = server
        .call("/predict", json!({ "message": "다른 사람의 비밀 이야기" }))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["reply"], "그랬구나.");
    let requests = server.llm.requests();
    let last = serde_json::to_string(requests.last().unwrap()).unwrap();
    assert!(
        !last.contains("속상했어"),
        "another caller's words reached the LLM: {last}"
    );

    // The first caller again, with its cookie: its own conversation goes on.
    let again = server
        .post("/predict")
        .header("cookie", &cookie)
        .json(&json!({ "question": "그래도 괜찮아" }))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::OK);
    assert!(session_cookie(&again).is_none(), "the session is kept");
    let session = cookie
        .trim_start_matches("maeum_session=")
        .split('.')
        .next()
        .unwrap();
    let turns = server
        .pipeline
        .store()
        .recent_turns(&UserKey::new("web", session), 10)
        .await
        .unwrap();
    let texts: Vec<_> = turns.iter().map(|t| t.user_text.as_str()).collect();
    assert_eq!(texts, ["오늘 너무 속상했어", "그래도 괜찮아"]);

    // A backend names its users.
    let (status, _) = server
        .call("/predict", json!({ "text": "안녕", "user_id": "kim" }))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        server
            .pipeline
            .store()
            .recent_turns(&user("kim"), 10)
            .await
            .unwrap()
            .len(),
        1
    );
    let (status, body) = server.call("/predict", json!({ "user_id": "kim" })).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["error"].as_str().unwrap().contains("text"), "{body}");
    server.stop().await;
}

/// The `name=value` of the session cookie an answer sets, if any.
fn session_cookie(response: &reqwest::Response) -> Option<String> {
    let set = response.headers().get("set-cookie")?.to_str().ok()?;
    for attribute in ["HttpOnly", "SameSite=Strict", "Secure", "Path=/"] {
        assert!(set.contains(attribute), "{set}");
    }
    set.split(';').next().map(str::to_string)
}

/// "Not how I feel" over HTTP: the picker's actions, then the correction,
/// stored with the turn.
#[tokio::test]
async fn the_emotion_can_be_corrected_with_actions() {
    let server = Server::start().await;
    let (_, said) = server
        .call(
            "/v1/chat",
            json!({ "user_id": "kim", "text": "오늘 회사에서 발표했어" }),
        )
        .await;
    let turn_id = said["turn_id"].as_i64().expect("stored");
    let (status, groups) = server
        .call(
            "/v1/chat/action",
            json!({ "user_id": "kim", "action": format!("m1:f:{turn_id}") }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{groups}");
    assert_eq!(groups["actions"].as_array().unwrap().len(), 6, "{groups}");
    let (_, thanks) = server
        .call(
            "/v1/chat/action",
            json!({ "user_id": "kim", "action": format!("m1:c24:{turn_id}") }),
        )
        .await;
    assert!(
        thanks["reply"].as_str().unwrap().contains("우울한"),
        "{thanks}"
    );
    let store = server.pipeline.store();
    let turn = store.turn(&user("kim"), turn_id).await.unwrap().unwrap();
    assert_eq!(turn.corrected_code.as_deref(), Some("E24"));
}

/// `/mood` over HTTP: the counts as the reply and the chart as a PNG in
/// base64, for the web page to show.
#[tokio::test]
async fn mood_comes_with_its_chart() {
    let server = Server::start().await;
    for text in ["오늘 좋은 일 있었어", "근데 좀 지쳤어"] {
        let (status, body) = server
            .call("/v1/chat", json!({ "user_id": "lee", "text": text }))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let (status, body) = server
        .call("/v1/chat", json!({ "user_id": "lee", "text": "/mood" }))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body["reply"].as_str().unwrap().contains("— 2회"), "{body}");
    use base64::Engine as _;
    let png = base64::engine::general_purpose::STANDARD
        .decode(body["picture_png_base64"].as_str().expect("a chart"))
        .expect("base64");
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    assert!((500..20_000).contains(&png.len()), "{} bytes", png.len());
    // Another user has nothing counted.
    let (_, other) = server
        .call("/v1/chat", json!({ "user_id": "park", "text": "/mood" }))
        .await;
    assert!(other.get("picture_png_base64").is_none(), "{other}");
}

#[tokio::test]
async fn a_web_session_can_only_ever_touch_its_own_user() {
    let server = Server::start().await;
    // A backend's user says something private.
    let (status, body) = server
        .call(
            "/v1/chat",
            json!({ "user_id": "kim", "text": "김의 비밀: 회사를 그만둘 거야" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let kims_turn = body["turn_id"].as_i64().unwrap();

    let browser = |path: &str| server.client.post(format!("{}{path}", server.base));
    // No token: a web session, which may not name a user.
    let named = browser("/v1/chat")
        .json(&json!({ "user_id": "kim", "text": "/export" }))
        .send()
        .await
        .unwrap();
    assert_eq!(named.status(), StatusCode::FORBIDDEN);
    let named_action = browser("/v1/chat/action")
        .json(&json!({ "user_id": "kim", "action": format!("m1:r:{kims_turn}") }))
        .send()
        .await
        .unwrap();
    assert_eq!(named_action.status(), StatusCode::FORBIDDEN);

    // Its own user: export, regenerate another's turn, reset, opt out.
    let first = browser("/v1/chat")
        .json(&json!({ "text": "/export" }))
        .send()
        .await
        .unwrap();
    assert_eq!(first.status(), StatusCode::OK);
    let cookie = session_cookie(&first).unwrap();
    let export: Value = first.json().await.unwrap();
    assert!(!export.to_string().contains("김의 비밀"), "{export}");
    let regenerate = browser("/v1/chat/action")
        .header("cookie", &cookie)
        .json(&json!({ "action": format!("m1:r:{kims_turn}") }))
        .send()
        .await
        .unwrap();
    let regenerate: Value = regenerate.json().await.unwrap();
    assert_eq!(regenerate["turn_id"], Value::Null, "{regenerate}");
    for command in ["/reset", "/optout"] {
        let answer = browser("/v1/chat")
            .header("cookie", &cookie)
            .json(&json!({ "text": command }))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), StatusCode::OK, "{command}");
    }
    // Kim's conversation is untouched; Kim's reply was never rewritten.
    let turns = server
        .pipeline
        .store()
        .recent_turns(&user("kim"), 10)
        .await
        .unwrap();
    assert_eq!(turns.len(), 1);
    assert_eq!(turns[0].reply.as_deref(), Some(DEFAULT_REPLY));
    assert!(
        !server
            .pipeline
            .store()
            .is_opted_out(&user("kim"))
            .await
            .unwrap()
    );

    // A forged cookie is a new session, not the one it imitates.
    let forged = browser("/v1/chat")
        .header("cookie", format!("{}0", cookie))
        .json(&json!({ "text": "안녕" }))
        .send()
        .await
        .unwrap();
    assert!(
        session_cookie(&forged).is_some(),
        "a new session was issued"
    );
    server.stop().await;
}

#[tokio::test]
async fn classify_reads_a_batch_like_the_reader_does() {
    let server = Server::start().await;
    let texts = ["시험에 떨어졌어", "드디어 합격했어!", ""];
    let (status, body) = server
        .call(
            "/v1/classify",
            json!({ "texts": texts, "context": ["요즘 공부만 했어"], "top_k": 2 }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let results = body["results"].as_array().unwrap();
    assert_eq!(results.len(), 3);
    let expected = server
        .pipeline
        .emotion_reader()
        .read_batch(
            texts
                .iter()
                .map(|t| Utterance {
                    text: t.to_string(),
                    context: vec!["요즘 공부만 했어".into()],
                })
                .collect(),
            2,
        )
        .await
        .unwrap();
    for (got, want) in results.iter().zip(&expected) {
        let got = got.as_array().unwrap();
        assert_eq!(got.len(), 2);
        got.iter().for_each(assert_emotion);
        let codes: Vec<_> = got.iter().map(|e| e["code"].as_str().unwrap()).collect();
        let want: Vec<_> = want.emotions.iter().map(|e| e.code()).collect();
        assert_eq!(codes, want);
    }
    let (status, _) = server
        .call("/v1/classify", json!({ "texts": ["a"], "top_k": 0 }))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    server.stop().await;
}

#[tokio::test]
async fn chat_answers_stores_and_runs_its_actions() {
    let server = Server::start().await;
    let (status, body) = server
        .call(
            "/v1/chat",
            json!({ "user_id": "u1", "text": "회사에서 혼났어", "message_id": "c-1" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["reply"], DEFAULT_REPLY);
    assert_eq!(body["kind"], "conversation");
    assert_emotion(&body["emotion"]);
    let turn_id = body["turn_id"].as_i64().expect("the turn was stored");
    let ids: Vec<_> = body["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        ids,
        [
            format!("m1:r:{turn_id}"),
            format!("m1:u:{turn_id}"),
            format!("m1:d:{turn_id}"),
            format!("m1:f:{turn_id}")
        ]
    );
    let store = server.pipeline.store();
    let turn = store.turn(&user("u1"), turn_id).await.unwrap().unwrap();
    assert_eq!(turn.user_text, "회사에서 혼났어");
    assert_eq!(turn.platform_message_id.as_deref(), Some("c-1"));
    assert_eq!(
        turn.emotion_code.as_deref(),
        body["emotion"]["code"].as_str()
    );

    // Regenerate replaces the stored reply.
    server.llm.set_reply("많이 힘들었겠다.");
    let (status, body) = server
        .call(
            "/v1/chat/action",
            json!({ "user_id": "u1", "action": format!("m1:r:{turn_id}") }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["reply"], "많이 힘들었겠다.");
    assert_eq!(body["turn_id"], turn_id);
    let turn = store.turn(&user("u1"), turn_id).await.unwrap().unwrap();
    assert_eq!(turn.reply.as_deref(), Some("많이 힘들었겠다."));

    // 👍 is stored; another user cannot press this user's buttons.
    let (status, body) = server
        .call(
            "/v1/chat/action",
            json!({ "user_id": "u1", "action": format!("m1:u:{turn_id}") }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["kind"], "command");
    let turn = store.turn(&user("u1"), turn_id).await.unwrap().unwrap();
    assert_eq!(turn.feedback, Some(Feedback::Up));
    let (_, body) = server
        .call(
            "/v1/chat/action",
            json!({ "user_id": "u2", "action": format!("m1:d:{turn_id}") }),
        )
        .await;
    assert_eq!(body["reply"], texts::stale_action());
    let turn = store.turn(&user("u1"), turn_id).await.unwrap().unwrap();
    assert_eq!(turn.feedback, Some(Feedback::Up));

    let (status, body) = server
        .call(
            "/v1/chat/action",
            json!({ "user_id": "u1", "action": "m9:zz" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, _) = server
        .call("/v1/chat", json!({ "user_id": "  ", "text": "안녕" }))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    server.stop().await;
}

#[tokio::test]
async fn consent_notice_comes_with_an_accept_action() {
    let server = Server::start_with(|s| s.privacy.require_consent = true, None).await;
    let (_, body) = server
        .call("/v1/chat", json!({ "user_id": "new", "text": "처음이야" }))
        .await;
    assert!(body["turn_id"].is_null(), "nothing stored before consent");
    let accept = body["actions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"].as_str().unwrap().starts_with("m1:a:"))
        .expect("an accept action")
        .clone();
    let (status, body) = server
        .call(
            "/v1/chat/action",
            json!({ "user_id": "new", "action": accept["id"] }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["reply"], texts::consent_recorded(1));
    let (_, body) = server
        .call(
            "/v1/chat",
            json!({ "user_id": "new", "text": "이제 기억해 줘" }),
        )
        .await;
    assert!(body["turn_id"].is_i64(), "{body}");
    server.stop().await;
}

/// The events of a server-sent-events body, as (name, JSON data).
async fn read_events(response: reqwest::Response) -> Vec<(String, Value)> {
    let mut text = String::new();
    let mut body = response.bytes_stream();
    while let Some(chunk) = body.next().await {
        text.push_str(std::str::from_utf8(&chunk.unwrap()).unwrap());
    }
    text.split("\n\n")
        .filter_map(|block| {
            let mut name = None;
            let mut data = String::new();
            for line in block.lines() {
                if let Some(n) = line.strip_prefix("event:") {
                    name = Some(n.trim().to_string());
                } else if let Some(d) = line.strip_prefix("data:") {
                    data.push_str(d.trim_start());
                }
            }
            Some((name?, serde_json::from_str(&data).unwrap()))
        })
        .collect()
}

#[tokio::test]
async fn chat_streams_the_emotion_the_pieces_and_the_whole_reply() {
    let server = Server::start().await;
    server.llm.set_reply("천천히 얘기해도 돼. 나 여기 있어.");
    server.llm.set_stream_pieces(4);
    let response = server
        .post("/v1/chat")
        .json(&json!({ "user_id": "s1", "text": "잠이 안 와", "stream": true }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/event-stream")
    );
    let events = read_events(response).await;
    let names: Vec<_> = events.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names.first(), Some(&"emotion"), "{names:?}");
    assert_eq!(names.last(), Some(&"done"), "{names:?}");
    let deltas: Vec<_> = events.iter().filter(|(n, _)| n == "delta").collect();
    assert!(deltas.len() >= 2, "the reply came in pieces: {names:?}");
    let streamed: String = deltas
        .iter()
        .map(|(_, d)| d["text"].as_str().unwrap())
        .collect();
    assert_eq!(streamed, "천천히 얘기해도 돼. 나 여기 있어.");
    let done = &events.last().unwrap().1;
    assert_eq!(done["reply"], streamed);
    assert_eq!(done["emotion"], events[0].1);
    let turn_id = done["turn_id"].as_i64().unwrap();

    // `Accept: text/event-stream` asks for the same; a regenerate streams too.
    server.llm.set_reply("다시 말해 볼게.");
    let response = server
        .post("/v1/chat/action")
        .header("accept", "text/event-stream")
        .json(&json!({ "user_id": "s1", "action": format!("m1:r:{turn_id}") }))
        .send()
        .await
        .unwrap();
    let events = read_events(response).await;
    let done = &events.last().unwrap().1;
    assert_eq!(done["reply"], "다시 말해 볼게.");
    assert!(events.iter().any(|(n, _)| n == "delta"));
    server.stop().await;
}

#[tokio::test]
async fn a_wrong_token_is_refused_no_token_is_a_session_and_health_is_open() {
    let server = Server::start().await;
    for path in ["/predict", "/v1/classify", "/v1/chat", "/v1/chat/action"] {
        let url = format!("{}{path}", server.base);
        let none = server
            .client
            .post(&url)
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        // No token: a web session (refused here only for the empty body).
        assert_ne!(none.status(), StatusCode::UNAUTHORIZED, "{path}");
        assert!(none.headers().contains_key("set-cookie"), "{path}");
        let wrong = server
            .client
            .post(&url)
            .bearer_auth("not-the-token")
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED, "{path}");
        assert_eq!(wrong.headers()["www-authenticate"], "Bearer");
        let body: Value = wrong.json().await.unwrap();
        assert!(body["error"].as_str().unwrap().contains("bearer"), "{body}");
    }
    assert_eq!(server.llm.request_count(), 0);
    for path in ["/healthz", "/readyz", "/"] {
        let response = server.get(path).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
    }
    // /metrics has a token of its own: neither none nor the API's opens it.
    for token in [None, Some(TOKEN)] {
        let mut request = server.get("/metrics");
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{token:?}");
    }
    let page = server.get("/").send().await.unwrap().text().await.unwrap();
    assert!(!page.contains("authorization") && page.contains("/v1/chat"));
    let missing = server.get("/nope").send().await.unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    server.stop().await;
}

#[tokio::test]
async fn oversized_and_malformed_bodies_are_refused_with_json_errors() {
    let server = Server::start_with(|s| s.http.max_body_bytes = 2048, None).await;
    let big = "가".repeat(2000);
    let response = server
        .post("/v1/chat")
        .json(&json!({ "user_id": "b", "text": big }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let body: Value = response.json().await.unwrap();
    assert!(
        body["error"].as_str().unwrap().contains("too large"),
        "{body}"
    );

    let response = server
        .post("/v1/chat")
        .header("content-type", "application/json")
        .body("{\"user_id\": \"b\", \"text\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = response.json().await.unwrap();
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .starts_with("malformed JSON"),
        "{body}"
    );

    let (status, body) = server
        .call("/v1/classify", json!({ "texts": "한 줄" }))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body["error"].as_str().unwrap().contains("unexpected JSON"),
        "{body}"
    );
    assert_eq!(server.llm.request_count(), 0);
    assert!(
        server
            .pipeline
            .store()
            .recent_turns(&user("b"), 5)
            .await
            .unwrap()
            .is_empty()
    );
    server.stop().await;
}

#[tokio::test]
async fn cors_allows_only_the_configured_origins() {
    let server = Server::start_with(
        |s| s.http.cors_origins = vec!["https://chat.example.com".into()],
        None,
    )
    .await;
    let preflight = server
        .client
        .request(reqwest::Method::OPTIONS, format!("{}/v1/chat", server.base))
        .header("origin", "https://chat.example.com")
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "authorization, content-type",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(preflight.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        preflight.headers()["access-control-allow-origin"],
        "https://chat.example.com"
    );
    assert!(
        preflight.headers()["access-control-allow-headers"]
            .to_str()
            .unwrap()
            .contains("authorization")
    );
    let other = server
        .get("/healthz")
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert!(other.headers().get("access-control-allow-origin").is_none());
    let allowed = server
        .get("/healthz")
        .header("origin", "https://chat.example.com")
        .send()
        .await
        .unwrap();
    assert_eq!(
        allowed.headers()["access-control-allow-origin"],
        "https://chat.example.com"
    );
    server.stop().await;
}

/// A sample's value in a Prometheus text exposition.
fn sample(metrics: &str, series: &str) -> Option<f64> {
    metrics
        .lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

#[tokio::test]
async fn metrics_count_the_messages_stages_and_llm_errors() {
    let server = Server::start().await;
    // Messages with an emotion (a neutral one is read but not counted).
    for (i, text) in ["오늘 너무 슬퍼", "진짜 짜증나", "합격했어!!"]
        .iter()
        .enumerate()
    {
        let (status, _) = server
            .call(
                "/v1/chat",
                json!({ "user_id": format!("m{i}"), "text": text }),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
    }
    server.llm.fail_with(500);
    let (_, body) = server
        .call("/v1/chat", json!({ "user_id": "m0", "text": "무서워" }))
        .await;
    // The offline generator answered, marked as such.
    assert!(body["notes"].to_string().contains("offline"), "{body}");
    let metrics = server
        .get("/metrics")
        .bearer_auth(METRICS_TOKEN)
        .send()
        .await
        .unwrap();
    assert!(
        metrics.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    let metrics = metrics.text().await.unwrap();
    assert_eq!(
        sample(&metrics, "maeum_messages_total{platform=\"http\"}"),
        Some(4.0),
        "{metrics}"
    );
    assert_eq!(
        sample(&metrics, "maeum_stage_seconds_count{stage=\"classify\"}"),
        Some(4.0)
    );
    assert_eq!(
        sample(&metrics, "maeum_stage_seconds_count{stage=\"llm\"}"),
        Some(4.0)
    );
    assert_eq!(
        sample(&metrics, "maeum_stage_seconds_count{stage=\"store\"}"),
        Some(4.0)
    );
    assert_eq!(sample(&metrics, "maeum_llm_errors_total"), Some(1.0));
    assert_eq!(sample(&metrics, "maeum_crisis_events_total"), Some(0.0));
    let emotions: f64 = metrics
        .lines()
        .filter(|l| l.starts_with("maeum_emotions_total{"))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum();
    assert_eq!(emotions, 4.0, "{metrics}");
    server.stop().await;
}

#[tokio::test]
async fn readyz_follows_the_database() {
    let db = support::db::postgres_store().await;
    let name: String = sqlx::query_scalar("SELECT current_database()::text")
        .fetch_one(db.store.pool())
        .await
        .unwrap();
    let server = Server::start_with(|_| {}, Some(db.store.clone())).await;
    let ready = server.get("/readyz").send().await.unwrap();
    assert_eq!(ready.status(), StatusCode::OK);
    let body: Value = ready.json().await.unwrap();
    assert_eq!(body["ready"], true);

    // The database goes away: no new connections, the open ones cut.
    let admin = sqlx::PgPool::connect(&support::db::postgres_admin_url())
        .await
        .unwrap();
    let set_connections = |allow: bool| {
        let admin = admin.clone();
        let sql = format!("ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS {allow}");
        async move { sqlx::query(&sql).execute(&admin).await.unwrap() }
    };
    set_connections(false).await;
    sqlx::query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1")
        .bind(&name)
        .execute(&admin)
        .await
        .unwrap();
    let unready = server.get("/readyz").send().await.unwrap();
    assert_eq!(unready.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body: Value = unready.json().await.unwrap();
    assert_eq!(body["ready"], false);
    assert_eq!(
        server.get("/healthz").send().await.unwrap().status(),
        StatusCode::OK
    );

    // It returns.
    set_connections(true).await;
    let ready = server.get("/readyz").send().await.unwrap();
    assert_eq!(ready.status(), StatusCode::OK);
    server.stop().await;
}

#[tokio::test]
async fn shutdown_lets_a_streamed_reply_finish() {
    let server = Server::start().await;
    server.llm.set_reply("끝까지 들을게. 걱정하지 마.");
    server.llm.set_stream_pieces(5);
    server.llm.set_piece_delay(Duration::from_millis(100));
    let response = server
        .post("/v1/chat")
        .json(&json!({ "user_id": "late", "text": "마지막 질문", "stream": true }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    // The reply is being written when the shutdown comes.
    server.shutdown.cancel();
    let events = read_events(response).await;
    let done = &events.last().unwrap().1;
    assert_eq!(events.last().unwrap().0, "done");
    assert_eq!(done["reply"], "끝까지 들을게. 걱정하지 마.");
    assert!(done["turn_id"].is_i64());
    server.task.await.unwrap().expect("a clean stop");
}

#[test]
fn enabling_http_needs_the_token_and_valid_origins() {
    let enabled = || Figment::new().merge(Serialized::default("http.enabled", true));
    let error = Settings::load_with(None, enabled(), Secrets::default()).unwrap_err();
    assert!(error.to_string().contains("MAEUM_HTTP_TOKEN"), "{error}");
    let secrets = Secrets::from_lookup(|name| (name == "MAEUM_HTTP_TOKEN").then(|| TOKEN.into()));
    let settings = Settings::load_with(None, enabled(), secrets.clone()).unwrap();
    assert_eq!(settings.secrets.http_token, Some(Secret::new(TOKEN)));
    assert!(!format!("{settings:?}").contains(TOKEN));
    let bad_origin = enabled().merge(Serialized::default(
        "http.cors_origins",
        vec!["https://chat.example.com/"],
    ));
    let error = Settings::load_with(None, bad_origin, secrets).unwrap_err();
    assert!(error.to_string().contains("http.cors_origins"), "{error}");
}

/// The Dockerfile's steps, checked on this host (`scripts/check-dockerfile`):
/// it downloads ONNX Runtime from PyPI and rebuilds the binary, so it runs
/// with `cargo test --test http -- --ignored` (and in CI, docs/deploy.md).
#[test]
#[ignore = "downloads onnxruntime from PyPI and rebuilds maeum; run with --ignored"]
fn dockerfile_steps_hold_on_this_host() {
    let status = std::process::Command::new(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/check-dockerfile"),
    )
    .status()
    .expect("running scripts/check-dockerfile");
    assert!(status.success());
}

/// One `maeum run` process with only HTTP enabled, on a port it picked itself.
struct Replica {
    maeum: MaeumRun,
    base: String,
}

impl Replica {
    async fn start(database_url: &str, llm: &FakeLlm) -> Replica {
        let mut maeum = MaeumRun::start(&[
            ("DATABASE_URL", database_url),
            ("MAEUM__HTTP__ENABLED", "true"),
            ("MAEUM__HTTP__LISTEN", "127.0.0.1:0"),
            ("MAEUM_HTTP_TOKEN", TOKEN),
            ("MAEUM__LOG__FORMAT", "json"),
            ("MAEUM__PRIVACY__REQUIRE_CONSENT", "false"),
            // Replicas must share the opt-out marker key.
            ("MAEUM_MARKER_KEY", "replica-test-marker-key"),
            ("OPENAI_BASE_URL", &llm.base_url),
        ]);
        // The bound address is logged: {"fields":{"message":"http listening","address":"…"}}.
        let address = maeum
            .wait_for_log("http listening", |log| {
                log.lines().find_map(|line| {
                    let line: Value = serde_json::from_str(line).ok()?;
                    (line["fields"]["message"] == "http listening")
                        .then(|| line["fields"]["address"].as_str().map(str::to_string))?
                })
            })
            .await;
        Replica {
            maeum,
            base: format!("http://{address}"),
        }
    }

    fn log_text(&self) -> String {
        self.maeum.log()
    }

    /// SIGTERM, and the exit status once it stopped.
    async fn terminate(&mut self) -> std::process::ExitStatus {
        self.maeum.terminate().await
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_replicas_on_one_database_answer_each_message_once_in_order() {
    let db = support::db::postgres_store().await;
    let llm = FakeLlm::start().await;
    // The reply names the messages the model was shown, the current one last,
    // so each stored reply tells what history its turn saw.
    llm.set_reply_with(|body| format!("seen:{}", FakeLlm::markers_in(body).join(",")));
    llm.set_delay(Duration::from_millis(30));
    let first = Replica::start(&db.url(), &llm).await;
    let mut second = Replica::start(&db.url(), &llm).await;
    let replicas = [first.base.clone(), second.base.clone()];
    let client = reqwest::Client::new();

    const USERS: usize = 4;
    const MESSAGES: usize = 5;
    let send = |replica: usize, user: usize, message: usize| {
        let client = client.clone();
        let url = format!("{}/v1/chat", replicas[replica]);
        async move {
            let response = client
                .post(url)
                .bearer_auth(TOKEN)
                .json(&json!({
                    "user_id": format!("user{user}"),
                    "text": format!("u{user}-m{message}"),
                    "message_id": format!("m{message}"),
                }))
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), StatusCode::OK);
            let body: Value = response.json().await.unwrap();
            (user, message, body)
        }
    };
    // Every message at once, alternating replicas; message 0 of each user
    // goes to both (a redelivery).
    let mut requests = Vec::new();
    for user in 0..USERS {
        for message in 0..MESSAGES {
            requests.push(tokio::spawn(send((user + message) % 2, user, message)));
        }
        requests.push(tokio::spawn(send((user + 1) % 2, user, 0)));
    }
    let mut answers = Vec::new();
    for request in requests {
        answers.push(request.await.unwrap());
    }

    let store = &db.store;
    for user in 0..USERS {
        let key = UserKey::new("http", format!("user{user}"));
        // Each message stored once; each turn saw exactly the turns before it.
        let turns = support::db::turns_answered_once_in_order(store, &key, MESSAGES).await;
        // Every request answered, the redelivery with the stored turn.
        for (_, message, body) in answers.iter().filter(|(u, _, _)| *u == user) {
            let turn = turns
                .iter()
                .find(|t| t.user_text == format!("u{user}-m{message}"))
                .unwrap();
            assert_eq!(body["turn_id"], turn.id);
            assert_eq!(body["reply"].as_str(), turn.reply.as_deref());
        }
    }
    // The LLM wrote each reply once: the redeliveries cost nothing.
    assert_eq!(llm.request_count(), USERS * MESSAGES);
    // Log lines inside a turn carry its span: a random id, not the user's.
    let logs = first.log_text() + &second.log_text();
    let redelivered: Vec<Value> = logs
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|line| {
            line["fields"]["message"]
                .as_str()
                .is_some_and(|m| m.starts_with("message delivered again"))
        })
        .collect();
    assert_eq!(redelivered.len(), USERS, "{logs}");
    for line in &redelivered {
        assert_eq!(line["span"]["name"], "turn", "{line}");
        assert_eq!(line["span"]["platform"], "http");
        let id = line["span"]["turn"].as_str().unwrap();
        assert!(
            id.len() == 16 && id.chars().all(|c| c.is_ascii_hexdigit()),
            "{id}"
        );
    }
    assert!(!logs.contains("user0"), "user ids stay out of the logs");

    // SIGTERM while a reply is being written: it is still answered.
    llm.set_delay(Duration::from_millis(1500));
    let before = llm.request_count();
    let in_flight = tokio::spawn(send(1, 9, 0));
    while llm.request_count() == before {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let status = second.terminate().await;
    let (_, _, body) = in_flight.await.unwrap();
    assert_eq!(body["reply"], "seen:u9-m0");
    assert!(status.success(), "{}", second.log_text());
    let mut first = first;
    assert!(first.terminate().await.success());
}

#[tokio::test]
async fn without_its_token_metrics_are_off() {
    let (store, _dir) = support::db::sqlite_store().await;
    let settings = support::pipeline::shipped_settings();
    let pipeline = Arc::new(TestPipeline::new(store).build());
    let listener = support::serve::bind("maeum's HTTP server").await;
    let base = format!("http://{}", listener.local_addr().unwrap());
    let shutdown = CancellationToken::new();
    let task = tokio::spawn(maeum::http::serve(
        listener,
        pipeline,
        settings.http.clone(),
        settings.servers.clone(),
        maeum::http::Keys::default(),
        shutdown.clone(),
    ));
    let response = reqwest::get(format!("{base}/metrics")).await.unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let body: Value = response.json().await.unwrap();
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("MAEUM_METRICS_TOKEN"),
        "{body}"
    );
    shutdown.cancel();
    task.await.unwrap().unwrap();
}

#[tokio::test]
async fn every_answer_carries_security_headers_and_the_page_its_policy() {
    let server = Server::start().await;
    let page = server.get("/").send().await.unwrap();
    let headers = page.headers().clone();
    let html = page.text().await.unwrap();
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["x-frame-options"], "DENY");
    assert_eq!(headers["referrer-policy"], "no-referrer");
    let policy = headers["content-security-policy"].to_str().unwrap();
    assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
    assert!(policy.contains("connect-src 'self'"), "{policy}");
    assert!(!policy.contains("unsafe-inline"), "{policy}");
    // The page's one inline script is allowed by its hash, and only it.
    let start = html.find("<script>").unwrap() + "<script>".len();
    let end = start + html[start..].find("</script>").unwrap();
    use base64::Engine;
    use sha2::Digest;
    let hash =
        base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(&html[start..end]));
    assert!(
        policy.contains(&format!("script-src 'sha256-{hash}'")),
        "{policy}"
    );

    let (_, body) = server
        .call("/v1/chat", json!({ "user_id": "h", "text": "안녕" }))
        .await;
    assert!(body["reply"].is_string());
    let api = server
        .post("/v1/chat")
        .json(&json!({ "user_id": "h", "text": "안녕" }))
        .send()
        .await
        .unwrap();
    assert_eq!(api.headers()["x-content-type-options"], "nosniff");
    server.stop().await;
}

/// Opens a raw connection and sends `bytes` (a request head never finished).
async fn half_sent(base: &str, bytes: &[u8]) -> tokio::net::TcpStream {
    use tokio::io::AsyncWriteExt;
    let address = base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    stream.write_all(bytes).await.unwrap();
    stream
}

/// Whether the server closes `stream` within `limit` (reads to the end).
async fn closed_within(stream: &mut tokio::net::TcpStream, limit: Duration) -> bool {
    use tokio::io::AsyncReadExt;
    let mut sink = Vec::new();
    tokio::time::timeout(limit, stream.read_to_end(&mut sink))
        .await
        .is_ok()
}

#[tokio::test]
async fn slow_clients_are_cut_off_and_others_are_still_answered() {
    let server = Server::start_with(
        |s| {
            s.servers.header_timeout_secs = 1;
            s.servers.body_timeout_secs = 1;
            s.servers.max_connections = 8;
        },
        None,
    )
    .await;
    // Six clients that never finish their request head.
    let mut slow = Vec::new();
    for _ in 0..6 {
        slow.push(half_sent(&server.base, b"POST /v1/chat HTTP/1.1\r\nHost: x\r\n").await);
    }
    // Others are answered meanwhile.
    let (status, _) = server
        .call("/v1/chat", json!({ "user_id": "o", "text": "안녕" }))
        .await;
    assert_eq!(status, StatusCode::OK);
    for stream in &mut slow {
        assert!(
            closed_within(stream, Duration::from_secs(5)).await,
            "a half-sent request head was not cut off"
        );
    }
    // A body that never arrives: 408, or the connection closed.
    let mut stalled = half_sent(
        &server.base,
        format!(
            "POST /v1/chat HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"user_id\""
        )
        .as_bytes(),
    )
    .await;
    assert!(closed_within(&mut stalled, Duration::from_secs(5)).await);
    server.stop().await;
}

#[tokio::test]
async fn connections_beyond_the_cap_are_closed_at_once() {
    let server = Server::start_with(
        |s| {
            s.servers.header_timeout_secs = 30;
            s.servers.max_connections = 3;
        },
        None,
    )
    .await;
    let mut held = Vec::new();
    for _ in 0..3 {
        held.push(half_sent(&server.base, b"GET /healthz HTTP/1.1\r\n").await);
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut extra = half_sent(&server.base, b"GET /healthz HTTP/1.1\r\n").await;
    assert!(
        closed_within(&mut extra, Duration::from_secs(2)).await,
        "a connection beyond the cap was kept open"
    );
    drop(held);
    // Once the held connections are gone, new ones are served again.
    let mut answered = false;
    for _ in 0..20 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        if let Ok(response) = server.get("/healthz").send().await {
            answered = response.status() == StatusCode::OK;
            break;
        }
    }
    assert!(answered);
    server.stop().await;
}

/// A greeting carries no emotion (`model/neutral.json`): the chat answer
/// names none.
#[tokio::test]
async fn a_greeting_gets_no_emotion() {
    let server = Server::start().await;
    let (status, body) = server
        .call(
            "/v1/chat",
            json!({ "user_id": "hello", "text": "안녕 좋은 아침" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(body["emotion"].is_null(), "{body}");
    let (_, body) = server
        .call(
            "/v1/chat",
            json!({ "user_id": "hello", "text": "오늘 너무 속상했어" }),
        )
        .await;
    assert!(body["emotion"]["code"].is_string(), "{body}");
    server.stop().await;
}
