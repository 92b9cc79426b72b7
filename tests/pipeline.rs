//! The pipeline end to end: the real async-openai client against a fake
//! OpenAI-compatible server on loopback, and real SQLite / Postgres stores.
//! Emotions come from a scripted reader so the tests can name the emotion
//! they expect; the ONNX classifier has its own tests (`tests/emotion.rs`)
//! and runs inside the pipeline in `tests/cli.rs`.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use maeum::config::{OnFailure, PromptFormat};
use maeum::pipeline::{Action, Incoming, Outgoing, Pipeline, ReplyEvent, ReplyKind};
use maeum::reply::offline::OfflineGenerator;
use maeum::store::{Feedback, Store, UserKey};
use sqlx::Row;
use support::emotion::ScriptedReader;
use support::fake_llm::FakeLlm;
use support::pipeline::TestPipeline;
use tokio::sync::mpsc;

/// Reads 슬픔/우울한 (E24) when the text mentions 슬프/우울, 기쁨/신이 난 (E68)
/// for 신나, else 불안/불안 (E30); records every utterance it was asked to read.
fn scripted_reader() -> ScriptedReader {
    ScriptedReader::reading("E30")
        .when_contains(&["슬프", "우울"], "E24")
        .when_contains(&["신나"], "E68")
}

/// The shipped settings, except: no consent step (these tests are about the
/// flow of a user who may be remembered; consent has `tests/privacy.rs`), and
/// the LLM client as asked with a 2 s timeout.
fn test_pipeline(store: Store, stream: bool, budget: usize, format: PromptFormat) -> TestPipeline {
    TestPipeline::new(store).settings(|s| {
        s.privacy.require_consent = false;
        s.llm.stream = stream;
        s.llm.history_token_budget = budget;
        s.llm.prompt_format = format;
        s.llm.timeout_secs = 2;
    })
}

struct Harness {
    pipeline: Pipeline,
    reader: Arc<ScriptedReader>,
    fake: FakeLlm,
}

async fn harness_on(store: Store, budget: usize) -> Harness {
    harness_with(store, budget, |_| {}).await
}

/// [`harness_on`] with more settings changed.
async fn harness_with(
    store: Store,
    budget: usize,
    configure: impl FnOnce(&mut maeum::config::Settings),
) -> Harness {
    let fake = FakeLlm::start().await;
    let reader = Arc::new(scripted_reader());
    let pipeline = test_pipeline(store, true, budget, PromptFormat::Tagged)
        .settings(configure)
        .emotion(reader.clone())
        .openai(&fake.base_url)
        .build();
    Harness {
        pipeline,
        reader,
        fake,
    }
}

fn dm(user: &str, text: &str) -> Incoming {
    Incoming::private("test", user, text)
}

/// `SELECT COUNT(*) …` with text parameters.
async fn count(store: &Store, sql: &str, params: &[&str]) -> i64 {
    let mut query = sqlx::query(sql);
    for param in params {
        query = query.bind(param.to_string());
    }
    query.fetch_one(store.pool()).await.unwrap().get(0)
}

/// Rows in any table that belong to the user, counted with SQL.
async fn rows_about(store: &Store, user: &UserKey) -> i64 {
    let (platform, id) = (user.platform.as_str(), user.user_id.as_str());
    let users = count(
        store,
        "SELECT COUNT(*) FROM users WHERE platform = $1 AND user_id = $2",
        &[platform, id],
    )
    .await;
    let messages = count(
        store,
        "SELECT COUNT(*) FROM messages m JOIN users u ON u.id = m.user_ref WHERE u.platform = $1 AND u.user_id = $2",
        &[platform, id],
    )
    .await;
    let markers = count(
        store,
        "SELECT COUNT(*) FROM opt_outs WHERE marker LIKE $1",
        &[&format!("%{id}%")],
    )
    .await;
    users + messages + markers
}

async fn message_count(store: &Store) -> i64 {
    count(store, "SELECT COUNT(*) FROM messages", &[]).await
}

async fn say(h: &Harness, user: &str, text: &str) -> Outgoing {
    h.pipeline
        .handle(dm(user, text))
        .await
        .expect("a private message is answered")
}

/// The command suite, run on both backends.
mod suite {
    use super::*;

    /// A message delivered again (same id, same text) is answered from the
    /// store, once; the same id with another text is a new message, answered
    /// and stored.
    pub async fn redelivery_is_the_same_id_and_the_same_text(store: &Store) {
        let h = harness_on(store.clone(), 1500).await;
        let with_id = |text: &str| Incoming {
            message_id: Some("m-1".to_string()),
            ..dm("r", text)
        };
        h.fake.set_reply("첫 답");
        let first = h.pipeline.handle(with_id("첫 메시지")).await.unwrap();
        h.fake.set_reply("두 번째 답");
        let again = h.pipeline.handle(with_id("첫 메시지")).await.unwrap();
        assert_eq!(again.body, first.body, "answered from the store");
        assert_eq!(again.turn_id, first.turn_id);
        assert_eq!(h.fake.requests().len(), 1, "not written twice");

        let other = h.pipeline.handle(with_id("다른 메시지")).await.unwrap();
        assert_eq!(other.body, "두 번째 답");
        assert_ne!(other.turn_id, first.turn_id);
        let turns = store
            .recent_turns(&UserKey::new("test", "r"), 10)
            .await
            .unwrap();
        let texts: Vec<_> = turns.iter().map(|t| t.user_text.as_str()).collect();
        assert_eq!(texts, ["첫 메시지", "다른 메시지"]);
        // Each is still recognised when delivered again.
        let other_again = h.pipeline.handle(with_id("다른 메시지")).await.unwrap();
        assert_eq!(other_again.turn_id, other.turn_id);
        assert_eq!(h.fake.requests().len(), 2);
    }

    /// History is per chat: what a user told the bot in a DM never reaches
    /// the LLM request (nor the emotion context) of a reply in a group, and
    /// the group's words never reach the DM.
    pub async fn a_group_reply_is_not_written_from_the_dm(store: &Store) {
        let h = harness_on(store.clone(), 1500).await;
        say(&h, "u", "비밀인데 나 요즘 너무 우울해 dm-only-7f3a").await;
        let in_group = Incoming {
            chat_id: "group-1".to_string(),
            is_group: true,
            addressed: true,
            ..dm("u", "마음아 오늘 날씨 어때 group-2b9c")
        };
        h.pipeline
            .handle(in_group)
            .await
            .expect("addressed: answered");
        let group_request = h
            .fake
            .requests()
            .last()
            .cloned()
            .expect("a request")
            .to_string();
        assert!(group_request.contains("group-2b9c"), "{group_request}");
        assert!(
            !group_request.contains("dm-only-7f3a"),
            "DM text in a group reply: {group_request}"
        );
        let context = h.reader.seen().last().cloned().expect("read").context;
        assert!(
            context.iter().all(|c| !c.contains("dm-only-7f3a")),
            "{context:?}"
        );

        say(&h, "u", "다시 DM이야").await;
        let dm_request = h
            .fake
            .requests()
            .last()
            .cloned()
            .expect("a request")
            .to_string();
        assert!(
            dm_request.contains("dm-only-7f3a"),
            "the DM keeps its own history"
        );
        assert!(
            !dm_request.contains("group-2b9c"),
            "group text in a DM reply: {dm_request}"
        );
        // Export still covers both chats.
        let export = say(&h, "u", "/export").await;
        assert!(export.body.contains("dm-only-7f3a") && export.body.contains("group-2b9c"));
    }

    pub async fn reset_leaves_no_messages(store: &Store) {
        let store = store.clone();
        let h = harness_on(store.clone(), 1500).await;
        say(&h, "a", "오늘 좀 우울해").await;
        say(&h, "a", "그냥 그래").await;
        say(&h, "b", "나는 신나!").await;
        let reset = say(&h, "a", "/reset").await;
        assert_eq!(reset.kind, ReplyKind::Command);
        assert!(
            reset.text().contains('2'),
            "says how many were forgotten: {}",
            reset.text()
        );
        let a = UserKey::new("test", "a");
        assert!(store.recent_turns(&a, 100).await.unwrap().is_empty());
        assert_eq!(message_count(&store).await, 1, "only b's message is left");
    }

    pub async fn optout_leaves_no_rows_and_stores_nothing_after(store: &Store) {
        let store = store.clone();
        let h = harness_on(store.clone(), 1500).await;
        let user = UserKey::new("test", "u-optout-4242");
        say(&h, &user.user_id, "/start").await;
        say(&h, &user.user_id, "오늘 너무 슬프다").await;
        assert!(rows_about(&store, &user).await > 0);

        let out = say(&h, &user.user_id, "/optout").await;
        assert!(out.private);
        assert_eq!(
            rows_about(&store, &user).await,
            0,
            "no row tied to the user"
        );

        // Still answered, but nothing stored and no buttons.
        let reply = say(&h, &user.user_id, "그래도 얘기하고 싶어").await;
        assert_eq!(reply.kind, ReplyKind::Conversation);
        assert!(reply.turn_id.is_none() && reply.actions.is_empty());
        assert_eq!(rows_about(&store, &user).await, 0);
        assert_eq!(message_count(&store).await, 0);
        let export = say(&h, &user.user_id, "/export").await;
        assert_eq!(
            export.kind,
            ReplyKind::Command,
            "nothing to export: {}",
            export.text()
        );

        say(&h, &user.user_id, "/optin").await;
        say(&h, &user.user_id, "다시 기억해줘").await;
        assert_eq!(message_count(&store).await, 1, "stored again after /optin");
    }

    pub async fn export_returns_exactly_what_is_stored(store: &Store) {
        let store = store.clone();
        let h = harness_on(store.clone(), 1500).await;
        let user = UserKey::new("test", "exporter");
        let first = say(&h, "exporter", "오늘 너무 우울해").await;
        say(&h, "exporter", "내일은 신나는 일이 있을까").await;
        h.pipeline
            .act(
                &user,
                Action::Feedback {
                    turn_id: first.turn_id.unwrap(),
                    feedback: Feedback::Up,
                },
                None,
            )
            .await;
        say(&h, "someone-else", "나도 있어").await;

        let out = say(&h, "exporter", "/export").await;
        assert_eq!(out.kind, ReplyKind::Export);
        assert!(out.private);
        let exported: serde_json::Value =
            serde_json::from_str(&out.text()).expect("export is JSON");
        let stored = serde_json::to_value(store.export(&user).await.unwrap().unwrap()).unwrap();
        assert_eq!(exported, stored);
        let turns = exported["turns"].as_array().unwrap();
        assert_eq!(turns.len(), 2);
        assert_eq!(turns[0]["user_text"], "오늘 너무 우울해");
        assert_eq!(turns[0]["emotion_code"], "E24");
        assert_eq!(turns[0]["feedback"], "up");
        assert_eq!(turns[0]["reply"], support::fake_llm::DEFAULT_REPLY);
    }

    /// Moves the stored turns back in time: the n-th stored message (in id
    /// order) to `days_ago[n]` days before now.
    async fn backdate(store: &Store, days_ago: &[i64]) {
        let ids: Vec<i64> = sqlx::query("SELECT id FROM messages ORDER BY id")
            .fetch_all(store.pool())
            .await
            .unwrap()
            .iter()
            .map(|row| row.get(0))
            .collect();
        assert_eq!(ids.len(), days_ago.len());
        let now = chrono::Utc::now();
        for (id, days) in ids.iter().zip(days_ago) {
            sqlx::query("UPDATE messages SET created_at = $1 WHERE id = $2")
                .bind((now - chrono::Duration::days(*days)).timestamp_millis())
                .bind(*id)
                .execute(store.pool())
                .await
                .unwrap();
        }
    }

    /// `/mood` counts the groups read from the user's own stored messages
    /// over the last 7 and 30 days, shown to them only, with a PNG chart.
    pub async fn mood_counts_the_last_7_and_30_days(store: &Store) {
        let store = store.clone();
        let h = harness_on(store.clone(), 1500).await;
        let empty = say(&h, "mooder", "/mood").await;
        assert!(
            empty.text().contains("아직 기록된 감정이 없어"),
            "{}",
            empty.text()
        );
        assert!(empty.picture_png.is_none());
        // 우울/슬프: 슬픔 (E24); 신나: 기쁨 (E68); anything else: 불안 (E30).
        for text in [
            "오늘 너무 우울해",
            "계속 슬프다",
            "좀 신나는 일",
            "그냥 그래",
            "아직 우울해",
            "슬프네",
        ] {
            say(&h, "mooder", text).await;
        }
        backdate(&store, &[40, 20, 6, 4, 2, 1]).await;
        say(&h, "someone-else", "나도 우울해").await;

        let out = say(&h, "mooder", "/mood").await;
        assert!(out.private, "only the person sees it");
        let text = out.text();
        // 7 days: 신나, 그냥, 우울, 슬프; 30 days: and 슬프다 (20 days ago), not the one of 40.
        assert!(text.contains("지난 7일 (last 7 days) — 4회"), "{text}");
        assert!(text.contains("지난 30일 (last 30 days) — 5회"), "{text}");
        assert!(text.contains("슬픔 (sadness) ■■■■■ 2"), "{text}");
        assert!(text.contains("슬픔 (sadness) ■■■■■■ 3"), "{text}");
        assert!(text.contains("기쁨 (joy) ■■ 1"), "{text}");
        let png = out.picture_png.expect("a chart");
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        assert!((500..20_000).contains(&png.len()), "{} bytes", png.len());
    }

    /// Mostly sad over several days: the LLM is told the trend; a user
    /// without one gets no such note.
    pub async fn a_lasting_trend_reaches_the_prompt(store: &Store) {
        let store = store.clone();
        let h = harness_on(store.clone(), 1500).await;
        for text in [
            "우울해",
            "슬퍼",
            "또 우울해",
            "괜찮아",
            "우울하다",
            "슬프다",
        ] {
            say(&h, "down", text).await;
        }
        backdate(&store, &[5, 4, 3, 2, 2, 1]).await;
        say(&h, "down", "오늘도 우울해").await;
        let system = FakeLlm::contents_of(h.fake.requests().last().unwrap(), "system").join("\n");
        assert!(
            system.contains("최근 흐름") && system.contains("'슬픔'"),
            "{system}"
        );
        say(&h, "fresh", "오늘 좀 우울해").await;
        let system = FakeLlm::contents_of(h.fake.requests().last().unwrap(), "system").join("\n");
        assert!(!system.contains("최근 흐름"), "{system}");
    }

    /// The feedback report counts replies and 👍/👎 by emotion group,
    /// generator, prompt format and platform; `/metrics` counts the presses.
    pub async fn the_feedback_report_counts_replies_and_presses(store: &Store) {
        let store = store.clone();
        let h = harness_on(store.clone(), 1500).await;
        let sad = say(&h, "fb", "오늘 너무 우울해").await;
        let other = say(&h, "fb", "그냥 그래").await;
        say(&h, "fb2", "슬프다").await;
        let user = UserKey::new("test", "fb");
        for (turn, feedback) in [(&sad, Feedback::Up), (&other, Feedback::Down)] {
            let turn_id = turn.turn_id.expect("stored");
            h.pipeline
                .act(&user, Action::Feedback { turn_id, feedback }, None)
                .await;
        }
        let since = chrono::Utc::now() - chrono::Duration::days(1);
        let counts = store.feedback_counts(since).await.unwrap();
        let report = maeum::eval::feedback::FeedbackReport::of(&counts, 1);
        let total = report.total;
        assert_eq!((total.replies, total.up, total.down), (3, 1, 1), "{report}");
        let sadness = report.by_emotion_group["sadness"];
        assert_eq!((sadness.replies, sadness.up, sadness.down), (2, 1, 0));
        assert_eq!(report.by_emotion_group["anxiety"].down, 1);
        assert_eq!(report.by_prompt_format["tagged"].replies, 3);
        assert_eq!(report.by_platform["test"].replies, 3);
        assert!(
            report.by_generator.keys().all(|g| g.starts_with("openai:")),
            "{report}"
        );
        let metrics = h.pipeline.metrics().render(0);
        assert!(
            metrics.contains("maeum_feedback_total{platform=\"test\",group=\"sadness\",")
                && metrics.contains("value=\"up\"} 1"),
            "{metrics}"
        );
    }

    /// Training data: only consented users' 👍 turns read confidently enough,
    /// each with the user's earlier messages in that chat, texts decrypted.
    pub async fn training_turns_are_consented_thumbs_up_and_confident(store: &Store) {
        let store = store.clone();
        let h = harness_on(store.clone(), 1500).await;
        let yes = UserKey::new("test", "yes");
        let no = UserKey::new("test", "no");
        store.record_consent(&yes, 1).await.unwrap();
        say(&h, "yes", "아침부터 비가 와").await;
        let liked = say(&h, "yes", "오늘 너무 우울해").await;
        let unliked = say(&h, "yes", "계속 슬프다").await;
        let other = say(&h, "no", "나도 우울해").await;
        for (user, turn) in [(&yes, &liked), (&no, &other)] {
            let turn_id = turn.turn_id.expect("stored");
            let feedback = Feedback::Up;
            h.pipeline
                .act(user, Action::Feedback { turn_id, feedback }, None)
                .await;
        }
        assert!(unliked.turn_id.is_some());
        let turns = store.training_turns(1, 0.5, 2).await.unwrap();
        assert_eq!(
            turns.len(),
            1,
            "only the consented user's 👍 turn: {turns:?}"
        );
        let (turn, earlier) = &turns[0];
        assert_eq!(turn.user_text, "오늘 너무 우울해");
        assert_eq!(turn.emotion_code.as_deref(), Some("E24"));
        assert_eq!(earlier, &["아침부터 비가 와".to_string()]);
        // Above every score read: nothing.
        assert!(store.training_turns(1, 1.01, 2).await.unwrap().is_empty());
    }

    /// "Not how I feel": the groups, then the group's emotions; the correction
    /// is stored with the turn, exported, written for when the reply is
    /// rewritten, counted in the report; `/feel` corrects the last message;
    /// `/optout` deletes it all.
    pub async fn not_how_i_feel_is_stored_and_used(store: &Store) {
        use maeum::emotion::{EmotionGroup, EmotionLabel};
        let store = store.clone();
        let h = harness_on(store.clone(), 1500).await;
        let user = UserKey::new("test", "feeler");
        let reply = say(&h, "feeler", "그냥 그래").await;
        let turn_id = reply.turn_id.expect("stored");
        assert!(reply.buttons().contains(&Action::NotHowIFeel { turn_id }));

        let groups = h
            .pipeline
            .act(&user, Action::NotHowIFeel { turn_id }, None)
            .await;
        assert_eq!(groups.buttons(), Action::groups(turn_id));
        let group = EmotionGroup::Sadness;
        let emotions = h
            .pipeline
            .act(&user, Action::PickGroup { turn_id, group }, None)
            .await;
        let label = EmotionLabel::by_code("E24").unwrap();
        assert!(
            emotions
                .buttons()
                .contains(&Action::Correct { turn_id, label })
        );
        let saved = h
            .pipeline
            .act(&user, Action::Correct { turn_id, label }, None)
            .await;
        assert!(saved.text().contains("우울한"), "{}", saved.text());
        assert_eq!(saved.buttons(), vec![Action::Regenerate { turn_id }]);
        let export = store.export(&user).await.unwrap().unwrap();
        assert_eq!(export.turns[0].corrected_code.as_deref(), Some("E24"));
        assert_eq!(
            export.turns[0].emotion_code.as_deref(),
            Some("E30"),
            "the reading stays"
        );

        // Rewritten for the emotion the user gave.
        h.pipeline
            .act(&user, Action::Regenerate { turn_id }, None)
            .await;
        let asked = FakeLlm::contents_of(h.fake.requests().last().unwrap(), "user");
        assert!(asked.last().unwrap().contains("우울한"), "{asked:?}");

        // `/feel` corrects the last message; an unknown name is explained.
        say(&h, "feeler", "오늘도 그래").await;
        let felt = say(&h, "feeler", "/feel 기쁨").await;
        assert!(felt.text().contains("기쁨"), "{}", felt.text());
        let unknown = say(&h, "feeler", "/feel 몰라").await;
        assert!(unknown.text().contains("'몰라'"), "{}", unknown.text());
        let export = store.export(&user).await.unwrap().unwrap();
        assert_eq!(export.turns[1].corrected_code.as_deref(), Some("E60"));

        let since = chrono::Utc::now() - chrono::Duration::days(1);
        let counts = store.feedback_counts(since).await.unwrap();
        let report = maeum::eval::feedback::FeedbackReport::of(&counts, 1);
        assert_eq!(report.total.corrected, 2, "{report}");
        assert_eq!(
            report.by_emotion_group["anxiety"].corrected, 2,
            "by the group read"
        );

        say(&h, "feeler", "/optout").await;
        assert!(store.export(&user).await.unwrap().is_none());
    }

    /// Postgres text cannot hold NUL: a message or a reply with one used to
    /// lose the turn there ("invalid byte sequence").
    pub async fn a_nul_in_the_message_or_the_reply_loses_nothing(store: &Store) {
        let store = store.clone();
        let h = harness_on(store.clone(), 1500).await;
        h.fake.set_reply("에구,\u{0} 힘들었겠다.");
        let out = say(&h, "nul", "오늘\u{0} 너무\u{7} 힘들었어\n진짜로").await;
        assert_eq!(out.kind, ReplyKind::Conversation);
        assert_eq!(out.text(), "에구, 힘들었겠다.");
        let user = UserKey::new("test", "nul");
        let exported = serde_json::to_value(store.export(&user).await.unwrap().unwrap()).unwrap();
        let turns = exported["turns"].as_array().unwrap();
        assert_eq!(turns.len(), 1, "the turn is stored: {exported}");
        assert_eq!(turns[0]["user_text"], "오늘 너무 힘들었어\n진짜로");
        assert_eq!(turns[0]["reply"], "에구, 힘들었겠다.");
    }

    /// Past the history window, older turns are folded into a summary (by
    /// the LLM), which reaches the next prompts of that user only, is in
    /// `/export`, and is gone after `/reset` and after `/optout`.
    pub async fn older_turns_are_summarised_sent_exported_and_deleted(store: &Store) {
        let store = store.clone();
        let h = harness_with(store.clone(), 100_000, |s| {
            s.bot.history_turns = 3;
            s.bot.summary_after_turns = 2;
        })
        .await;
        h.fake.set_reply_with(|body| {
            let system = FakeLlm::contents_of(body, "system").join("\n");
            if system.contains("요약하는 도우미") {
                "SUMMARY-7c1e: 면접 이야기".to_string()
            } else {
                "응, 들었어.".to_string()
            }
        });
        let chat = dm("s", "").chat_id;
        let user = UserKey::new("test", "s");
        for text in [
            "m1 면접 떨어졌어",
            "m2 속상해",
            "m3 밥 먹었어",
            "m4 산책했어",
        ] {
            say(&h, "s", text).await;
        }
        assert!(
            store.summary(&user, &chat).await.unwrap().is_none(),
            "one turn out of the window is not yet enough"
        );
        say(&h, "s", "m5 영화 봤어").await;
        let summary = store
            .summary(&user, &chat)
            .await
            .unwrap()
            .expect("a summary");
        assert_eq!(summary.text, "SUMMARY-7c1e: 면접 이야기");
        let summary_request = h
            .fake
            .requests()
            .into_iter()
            .rev()
            .find(|r| {
                FakeLlm::contents_of(r, "system")
                    .join("")
                    .contains("요약하는 도우미")
            })
            .expect("the LLM was asked for a summary");
        let asked = FakeLlm::contents_of(&summary_request, "user").join("\n");
        assert!(
            asked.contains("m1 면접") && asked.contains("m2 속상해"),
            "{asked}"
        );
        assert!(
            !asked.contains("m3") && !asked.contains("m5"),
            "only what left the window: {asked}"
        );

        say(&h, "s", "m6 이제 잘래").await;
        let reply_request = h.fake.requests().pop().unwrap();
        let system = FakeLlm::contents_of(&reply_request, "system").join("\n");
        assert!(
            system.contains("SUMMARY-7c1e"),
            "the summary reaches the prompt: {system}"
        );
        // Another person's prompt never carries it.
        say(&h, "other", "안녕 나도 얘기할래").await;
        let other_request = h.fake.requests().pop().unwrap();
        assert!(
            !serde_json::to_string(&other_request)
                .unwrap()
                .contains("SUMMARY-7c1e")
        );

        let export = say(&h, "s", "/export").await;
        assert!(export.body.contains("SUMMARY-7c1e"), "{}", export.body);
        say(&h, "s", "/reset").await;
        assert!(store.summary(&user, &chat).await.unwrap().is_none());
        assert_eq!(
            count(&store, "SELECT COUNT(*) FROM summaries", &[]).await,
            0
        );

        // Again up to a summary, then /optout removes it with the rest.
        for i in 0..5 {
            say(&h, "s", &format!("again {i}")).await;
        }
        assert!(store.summary(&user, &chat).await.unwrap().is_some());
        say(&h, "s", "/optout").await;
        assert_eq!(
            count(&store, "SELECT COUNT(*) FROM summaries", &[]).await,
            0
        );
    }
}

crate::on_both_backends!(
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    a_group_reply_is_not_written_from_the_dm,
    redelivery_is_the_same_id_and_the_same_text,
    reset_leaves_no_messages,
    optout_leaves_no_rows_and_stores_nothing_after,
    export_returns_exactly_what_is_stored,
    a_nul_in_the_message_or_the_reply_loses_nothing,
    mood_counts_the_last_7_and_30_days,
    a_lasting_trend_reaches_the_prompt,
    the_feedback_report_counts_replies_and_presses,
    training_turns_are_consented_thumbs_up_and_confident,
    not_how_i_feel_is_stored_and_used,
    older_turns_are_summarised_sent_exported_and_deleted,
);

async fn sqlite_harness(budget: usize) -> (Harness, tempfile::TempDir) {
    let (store, dir) = support::db::sqlite_store().await;
    (harness_on(store, budget).await, dir)
}

#[tokio::test]
async fn a_turn_is_answered_tagged_and_stored() {
    let (h, _dir) = sqlite_harness(1500).await;
    h.fake.set_reply("에구, 많이 속상했겠다.");
    let out = say(&h, "u1", "시험 망쳐서 너무 우울해").await;
    assert_eq!(out.kind, ReplyKind::Conversation);
    assert_eq!(out.text(), "에구, 많이 속상했겠다.");
    let emotion = out.emotion.expect("an emotion");
    assert_eq!(emotion.label.code, "E24");
    let turn_id = out.turn_id.expect("stored");
    assert_eq!(out.actions, Action::for_turn(turn_id));

    let turns = h
        .pipeline
        .store()
        .recent_turns(&UserKey::new("test", "u1"), 10)
        .await
        .unwrap();
    assert_eq!(turns.len(), 1);
    assert_eq!(turns[0].user_text, "시험 망쳐서 너무 우울해");
    assert_eq!(turns[0].emotion_code.as_deref(), Some("E24"));
    assert_eq!(turns[0].reply.as_deref(), Some("에구, 많이 속상했겠다."));
    assert!(
        turns[0].generator.starts_with("openai:"),
        "{}",
        turns[0].generator
    );
}

#[tokio::test]
async fn streaming_sends_the_emotion_then_the_pieces() {
    let (h, _dir) = sqlite_harness(1500).await;
    h.fake.set_reply("와 진짜 신나겠다! 무슨 일인데?");
    h.fake.set_stream_pieces(4);
    let (tx, mut rx) = mpsc::channel(32);
    let out = h
        .pipeline
        .handle_streaming(dm("s", "내일 여행 가서 신나"), Some(tx))
        .await
        .unwrap();
    let mut events = Vec::new();
    while let Ok(event) = rx.try_recv() {
        events.push(event);
    }
    assert!(matches!(events.first(), Some(ReplyEvent::Emotion(e)) if e.label.code == "E68"));
    let pieces: Vec<String> = events
        .iter()
        .filter_map(|e| match e {
            ReplyEvent::Text(t) => Some(t.clone()),
            _ => None,
        })
        .collect();
    assert!(pieces.len() >= 2, "streamed in pieces: {pieces:?}");
    assert_eq!(pieces.concat(), out.text());
    assert_eq!(out.text(), "와 진짜 신나겠다! 무슨 일인데?");
    assert_eq!(h.fake.requests().last().unwrap()["stream"], true);
}

#[tokio::test]
async fn the_emotion_goes_into_the_prompt_beside_the_message() {
    let (h, _dir) = sqlite_harness(1500).await;
    say(&h, "p", "요즘 너무 우울해").await;
    let body = h.fake.requests().pop().unwrap();
    let messages = FakeLlm::messages_of(&body);
    let (role, content) = messages.last().unwrap();
    assert_eq!(role, "user");
    assert!(
        content.contains("우울한") && content.contains("슬픔"),
        "{content}"
    );
    assert!(content.contains("요즘 너무 우울해"), "{content}");
}

#[tokio::test]
async fn history_is_sent_in_order_and_the_emotion_reads_recent_utterances() {
    let (h, _dir) = sqlite_harness(1500).await;
    h.fake
        .set_reply_with(|body| format!("답장 {}", FakeLlm::messages_of(body).len()));
    for text in ["첫째 이야기", "둘째 이야기", "셋째 이야기", "넷째 이야기"] {
        say(&h, "h", text).await;
    }
    let body = h.fake.requests().pop().unwrap();
    let users = FakeLlm::contents_of(&body, "user");
    let order: Vec<usize> = ["첫째", "둘째", "셋째", "넷째"]
        .iter()
        .map(|w| {
            users
                .iter()
                .position(|u| u.contains(w))
                .expect("every turn is sent")
        })
        .collect();
    assert_eq!(
        order,
        vec![0, 1, 2, 3],
        "oldest first, the new message last"
    );
    let assistants = FakeLlm::contents_of(&body, "assistant").len();
    assert_eq!(assistants, 3);

    // The emotion of the 4th message was read with the two before it.
    let last = h.reader.seen().pop().unwrap();
    assert_eq!(last.text, "넷째 이야기");
    assert_eq!(
        last.context,
        vec!["둘째 이야기".to_string(), "셋째 이야기".to_string()]
    );
}

#[tokio::test]
async fn history_is_trimmed_to_the_token_budget_newest_kept() {
    // About 60 tokens: the new message and only the newest exchanges fit.
    let (h, _dir) = sqlite_harness(60).await;
    for i in 0..8 {
        say(
            &h,
            "t",
            &format!("{i}번째로 하는 꽤 긴 이야기야 정말로 길어"),
        )
        .await;
    }
    let body = h.fake.requests().pop().unwrap();
    let users = FakeLlm::contents_of(&body, "user");
    assert!(
        users.last().unwrap().contains("7번째"),
        "the new message is always sent"
    );
    assert!(users.len() < 8, "older turns were dropped: {}", users.len());
    assert!(users.len() >= 2, "some history fits: {}", users.len());
    assert!(
        !users.iter().any(|u| u.contains("0번째")),
        "the oldest went first"
    );
    assert!(
        users.iter().any(|u| u.contains("6번째")),
        "the newest history is kept"
    );
}

#[tokio::test]
async fn regenerate_replaces_the_stored_reply_and_edits_in_place() {
    let (h, _dir) = sqlite_harness(1500).await;
    h.fake.set_reply("첫 번째 답장");
    let first = say(&h, "r", "오늘 좀 슬프다").await;
    let turn_id = first.turn_id.unwrap();
    h.fake.set_reply("다시 쓴 답장");
    let user = UserKey::new("test", "r");
    let again = h
        .pipeline
        .act(&user, Action::Regenerate { turn_id }, None)
        .await;
    assert_eq!(again.text(), "다시 쓴 답장");
    assert_eq!(
        again.turn_id,
        Some(turn_id),
        "the same turn, for editing in place"
    );
    assert_eq!(again.emotion.map(|e| e.label.code), Some("E24"));
    let turns = h.pipeline.store().recent_turns(&user, 10).await.unwrap();
    assert_eq!(turns.len(), 1, "no new turn");
    assert_eq!(turns[0].reply.as_deref(), Some("다시 쓴 답장"));

    // The regenerate request carries the same user message, not a new one.
    let body = h.fake.requests().pop().unwrap();
    let (_, content) = FakeLlm::messages_of(&body).pop().unwrap();
    assert!(content.contains("오늘 좀 슬프다"));

    // /regen in text does the same for the latest turn.
    h.fake.set_reply("세 번째 답장");
    let regen = say(&h, "r", "/regen").await;
    assert_eq!(regen.text(), "세 번째 답장");
    let turns = h.pipeline.store().recent_turns(&user, 10).await.unwrap();
    assert_eq!(turns[0].reply.as_deref(), Some("세 번째 답장"));
}

/// 🔄 shows the tag the reply was first shown with. Here no fine emotion is
/// sure enough and the group shows because its emotions together are (0.2 +
/// 0.15 + 0.1): the one emotion a turn stores (0.2) could not say that, so
/// the message is read again, with the same earlier messages, and the
/// language model is told the same group and candidates as the first time.
#[tokio::test]
async fn regenerate_shows_the_tag_first_shown() {
    let (store, _dir) = support::db::sqlite_store().await;
    let fake = FakeLlm::start().await;
    let reader = Arc::new(
        ScriptedReader::reading("E24")
            .score(0.2)
            .runners_up(&[("E25", 0.15), ("E26", 0.1)]),
    );
    let pipeline = test_pipeline(store, false, 1500, PromptFormat::Tagged)
        .emotion(reader.clone())
        .openai(&fake.base_url)
        .build();
    pipeline
        .handle(dm("yuna", "어제 얘기 기억나?"))
        .await
        .unwrap();
    let first = pipeline.handle(dm("yuna", "요즘 좀 그래")).await.unwrap();
    let shown = first.emotion.map(|e| e.label.code);
    assert_eq!(shown, Some("E20"), "the group, summed");
    let first_prompt = FakeLlm::contents_of(&fake.requests().pop().unwrap(), "user")
        .pop()
        .unwrap();

    let user = UserKey::new("test", "yuna");
    let turn_id = first.turn_id.unwrap();
    let again = pipeline
        .act(&user, Action::Regenerate { turn_id }, None)
        .await;
    assert_eq!(again.emotion.map(|e| e.label.code), shown, "the same tag");
    let again_prompt = FakeLlm::contents_of(&fake.requests().pop().unwrap(), "user")
        .pop()
        .unwrap();
    let tag = |prompt: &str| prompt.split(']').next().unwrap_or_default().to_string();
    assert_eq!(tag(&again_prompt), tag(&first_prompt), "{again_prompt}");
    let read = reader.seen();
    assert_eq!(
        read.last().unwrap().context,
        vec!["어제 얘기 기억나?".to_string()],
        "read again with the message's own earlier ones"
    );
}

#[tokio::test]
async fn buttons_of_another_user_or_unknown_turns_change_nothing() {
    let (h, _dir) = sqlite_harness(1500).await;
    let out = say(&h, "owner", "우울한 하루").await;
    let turn_id = out.turn_id.unwrap();
    let stranger = UserKey::new("test", "stranger");
    let requests = h.fake.request_count();
    for action in [
        Action::Regenerate { turn_id },
        Action::Feedback {
            turn_id,
            feedback: Feedback::Down,
        },
        Action::Regenerate { turn_id: 999_999 },
    ] {
        let answer = h.pipeline.act(&stranger, action, None).await;
        assert_eq!(answer.kind, ReplyKind::Command, "{action:?}");
        assert!(answer.actions.is_empty());
    }
    assert_eq!(h.fake.request_count(), requests, "no reply was generated");
    let turns = h
        .pipeline
        .store()
        .recent_turns(&UserKey::new("test", "owner"), 10)
        .await
        .unwrap();
    assert_eq!(
        turns[0].reply,
        Some(support::fake_llm::DEFAULT_REPLY.to_string())
    );
    assert_eq!(turns[0].feedback, None);
}

#[tokio::test]
async fn feedback_is_stored_with_the_turn() {
    let (h, _dir) = sqlite_harness(1500).await;
    let out = say(&h, "f", "신나는 날").await;
    let user = UserKey::new("test", "f");
    let action = out
        .actions
        .iter()
        .copied()
        .find(|a| a.label() == "👎")
        .unwrap();
    let answer = h
        .pipeline
        .act(&user, Action::decode(&action.encode()).unwrap(), None)
        .await;
    assert_eq!(answer.kind, ReplyKind::Command);
    let turns = h.pipeline.store().recent_turns(&user, 1).await.unwrap();
    assert_eq!(turns[0].feedback, Some(Feedback::Down));
}

/// A harness whose failed replies are apologies (`llm.on_failure = "apology"`).
async fn apology_harness() -> (Harness, tempfile::TempDir) {
    let (store, dir) = support::db::sqlite_store().await;
    let harness = harness_with(store, 1500, |s| s.llm.on_failure = OnFailure::Apology).await;
    (harness, dir)
}

/// With the endpoint answering again, 🔄 on `turn_id` is written by the model.
async fn regenerate_once_back(h: &Harness, user: &UserKey, turn_id: i64) {
    h.fake.recover();
    h.fake.set_reply("이제 들려. 무슨 일 있었어?");
    let again = h
        .pipeline
        .act(user, Action::Regenerate { turn_id }, None)
        .await;
    assert_eq!(again.text(), "이제 들려. 무슨 일 있었어?");
}

#[tokio::test]
async fn a_dead_llm_gets_an_offline_reply_marked_as_such_and_regenerate_asks_again() {
    let (h, _dir) = sqlite_harness(1500).await;
    h.fake.fail_with(500);
    let out = say(&h, "o", "오늘 우울해").await;
    assert_eq!(out.kind, ReplyKind::Conversation);
    assert!(
        !out.body.is_empty() && !out.body.contains("미안, 지금은 답장을"),
        "{}",
        out.body
    );
    assert!(
        out.notes
            .contains(&maeum::pipeline::texts::offline_fallback_note()),
        "{:?}",
        out.notes
    );
    let turn_id = out.turn_id.expect("the turn is kept");
    let user = UserKey::new("test", "o");
    let turns = h.pipeline.store().recent_turns(&user, 10).await.unwrap();
    assert_eq!(turns[0].generator, "offline");
    assert_eq!(turns[0].reply.as_deref(), Some(out.body.as_str()));

    // Once the endpoint is back, 🔄 asks the model again.
    regenerate_once_back(&h, &user, turn_id).await;
    let turns = h.pipeline.store().recent_turns(&user, 10).await.unwrap();
    assert_eq!(turns[0].generator, "openai:gpt-4o-mini");
}

#[tokio::test]
async fn a_dead_llm_gets_an_apology_keeps_the_turn_and_the_bot_goes_on() {
    let (h, _dir) = apology_harness().await;
    h.fake.fail_with(500);
    let out = say(&h, "d", "오늘 우울해").await;
    assert_eq!(out.kind, ReplyKind::Conversation);
    assert!(out.text().contains("미안"), "{}", out.text());
    let turn_id = out.turn_id.expect("the turn is kept");
    let user = UserKey::new("test", "d");
    let turns = h.pipeline.store().recent_turns(&user, 10).await.unwrap();
    assert_eq!(turns[0].user_text, "오늘 우울해");
    assert_eq!(turns[0].reply, None);

    // Once the endpoint is back, 🔄 fills the kept turn in.
    regenerate_once_back(&h, &user, turn_id).await;
    assert_eq!(
        h.pipeline.store().recent_turns(&user, 10).await.unwrap()[0]
            .reply
            .as_deref(),
        Some("이제 들려. 무슨 일 있었어?")
    );
}

#[tokio::test]
async fn a_slow_llm_times_out_with_an_apology() {
    let (h, _dir) = apology_harness().await;
    h.fake.set_delay(Duration::from_secs(10));
    let started = std::time::Instant::now();
    let out = say(&h, "slow", "대답해 줘").await;
    assert!(out.text().contains("미안"), "{}", out.text());
    assert!(
        started.elapsed() < Duration::from_secs(9),
        "bounded by llm.timeout_secs"
    );
    assert!(out.turn_id.is_some());
}

#[tokio::test]
async fn an_unreachable_endpoint_is_answered_too() {
    let (store, _dir) = support::db::sqlite_store().await;
    let pipeline = test_pipeline(store, false, 1500, PromptFormat::Tagged)
        .emotion(Arc::new(scripted_reader()))
        .openai(&FakeLlm::dead_base_url())
        .build();
    let out = pipeline.handle(dm("x", "안녕")).await.unwrap();
    assert!(
        out.notes
            .contains(&maeum::pipeline::texts::offline_fallback_note()),
        "answered offline: {:?}",
        out
    );
    let out = pipeline.handle(dm("x", "/help")).await.unwrap();
    assert!(out.text().contains("/reset"), "commands still work");
}

#[tokio::test]
async fn empty_and_whitespace_messages_get_a_note_and_store_nothing() {
    let (h, _dir) = sqlite_harness(1500).await;
    for text in ["", "   ", "\n\t "] {
        let out = say(&h, "e", text).await;
        assert_eq!(out.kind, ReplyKind::Command);
        assert!(out.turn_id.is_none());
    }
    assert_eq!(message_count(h.pipeline.store()).await, 0);
    assert_eq!(h.fake.request_count(), 0);
}

#[tokio::test]
async fn a_100_kb_message_is_read_up_to_the_limit_and_says_so() {
    let (h, _dir) = sqlite_harness(1500).await;
    let huge = "가".repeat(100 * 1024 / 3);
    let out = say(&h, "big", &huge).await;
    assert_eq!(out.kind, ReplyKind::Conversation);
    assert!(
        out.text().contains("4000"),
        "the user is told: {}",
        out.text()
    );
    let turns = h
        .pipeline
        .store()
        .recent_turns(&UserKey::new("test", "big"), 1)
        .await
        .unwrap();
    assert_eq!(turns[0].user_text.chars().count(), 4000);
    let sent = FakeLlm::messages_of(&h.fake.requests().pop().unwrap())
        .pop()
        .unwrap()
        .1;
    assert!(sent.chars().count() < 4200, "the LLM gets the clipped text");
}

#[tokio::test]
async fn groups_answer_only_when_addressed_or_commanded() {
    let (h, _dir) = sqlite_harness(1500).await;
    let group = |text: &str, addressed: bool| Incoming {
        chat_id: "group-1".into(),
        is_group: true,
        addressed,
        bot_username: Some("maeumbot".into()),
        ..dm("g", text)
    };
    assert!(
        h.pipeline
            .handle(group("다들 뭐해?", false))
            .await
            .is_none()
    );
    assert_eq!(h.fake.request_count(), 0);
    assert!(
        h.pipeline
            .handle(group("/help@otherbot", false))
            .await
            .is_none()
    );
    let answered = h
        .pipeline
        .handle(group("마음아 나 우울해", true))
        .await
        .unwrap();
    assert_eq!(answered.kind, ReplyKind::Conversation);
    let help = h
        .pipeline
        .handle(group("/help@maeumbot", false))
        .await
        .unwrap();
    assert_eq!(help.kind, ReplyKind::Command);
    assert_eq!(message_count(h.pipeline.store()).await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn turns_of_one_user_run_one_at_a_time_in_order() {
    let (h, _dir) = sqlite_harness(100_000).await;
    let in_flight = Arc::new(AtomicUsize::new(0));
    let most = Arc::new(AtomicUsize::new(0));
    {
        let (in_flight, most) = (in_flight.clone(), most.clone());
        h.fake.set_reply_with(move |body| {
            let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
            most.fetch_max(now, Ordering::SeqCst);
            std::thread::sleep(Duration::from_millis(20));
            in_flight.fetch_sub(1, Ordering::SeqCst);
            let (_, last) = FakeLlm::messages_of(body).pop().unwrap();
            format!("re: {}", last.lines().last().unwrap_or_default())
        });
    }
    let h = Arc::new(h);
    let mut tasks = Vec::new();
    for i in 0..8 {
        let h = h.clone();
        tasks.push(tokio::spawn(async move {
            say(&h, "same-user", &format!("메시지 {i}")).await
        }));
        // Arrival order is the order the turns must run in.
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    for task in tasks {
        task.await.unwrap();
    }
    assert_eq!(
        most.load(Ordering::SeqCst),
        1,
        "never two turns of one user at once"
    );
    let turns = h
        .pipeline
        .store()
        .recent_turns(&UserKey::new("test", "same-user"), 20)
        .await
        .unwrap();
    let texts: Vec<&str> = turns.iter().map(|t| t.user_text.as_str()).collect();
    let expected: Vec<String> = (0..8).map(|i| format!("메시지 {i}")).collect();
    assert_eq!(texts, expected);
    // Each reply saw all earlier turns: the history grew one turn at a time.
    let bodies = h.fake.requests();
    let history_sizes: Vec<usize> = bodies
        .iter()
        .map(|b| FakeLlm::messages_of(b).len())
        .collect();
    assert!(
        history_sizes.windows(2).all(|w| w[1] == w[0] + 2),
        "{history_sizes:?}"
    );
}

#[tokio::test]
async fn a_broken_database_still_gets_a_reply() {
    let (h, _dir) = sqlite_harness(1500).await;
    h.pipeline.store().pool().close().await;
    let out = say(&h, "nodb", "오늘 우울해").await;
    assert_eq!(out.kind, ReplyKind::Conversation);
    assert_eq!(out.text(), support::fake_llm::DEFAULT_REPLY);
    assert!(out.turn_id.is_none() && out.actions.is_empty());
    let reset = say(&h, "nodb", "/reset").await;
    assert!(reset.text().contains("저장소"), "{}", reset.text());
}

#[tokio::test]
async fn offline_replies_vary_and_never_repeat_the_last_one() {
    let (store, _dir) = support::db::sqlite_store().await;
    let pipeline = TestPipeline::new(store)
        .settings(|s| s.privacy.require_consent = false)
        .emotion(Arc::new(scripted_reader()))
        .generator(Arc::new(OfflineGenerator::with_seed(7)))
        .build();
    let mut previous: Option<String> = None;
    let mut distinct = std::collections::HashSet::new();
    for _ in 0..12 {
        let out = pipeline.handle(dm("o", "오늘 너무 우울해")).await.unwrap();
        assert_ne!(
            Some(&out.text()),
            previous.as_ref(),
            "never the user's last reply"
        );
        distinct.insert(out.text().clone());
        previous = Some(out.text());
    }
    assert!(distinct.len() >= 4, "{distinct:?}");
    let turns = pipeline
        .store()
        .recent_turns(&UserKey::new("test", "o"), 1)
        .await
        .unwrap();
    assert_eq!(turns[0].generator, "offline");
}

#[tokio::test]
async fn commands_answer_with_their_texts() {
    let (h, _dir) = sqlite_harness(1500).await;
    let start = say(&h, "c", "/start").await;
    assert!(start.text().contains("/privacy"));
    let help = say(&h, "c", "/help").await;
    for name in [
        "/reset", "/optout", "/optin", "/export", "/privacy", "/regen",
    ] {
        assert!(help.text().contains(name), "help lists {name}");
    }
    let privacy = say(&h, "c", "/privacy").await;
    assert!(privacy.private);
    let unknown = say(&h, "c", "/dance").await;
    assert!(unknown.text().contains("/help"));
    let nothing = say(&h, "c", "/regen").await;
    assert_eq!(nothing.kind, ReplyKind::Command);
    assert_eq!(h.fake.request_count(), 0);
    assert_eq!(
        message_count(h.pipeline.store()).await,
        0,
        "commands are not stored as turns"
    );
}

/// Two replicas (pipelines) on one Postgres database, each with a pool of 8
/// connections, 40 users writing 3 messages each all at once (and the first
/// delivered twice, to the other replica): each message is answered and
/// stored once, and each user's turns ran one at a time — each saw exactly
/// the turns stored before it — though there are 5 times more users than
/// connections and every turn waits on the LLM.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forty_users_on_two_replicas_with_small_pools_keep_order_and_answer_once() {
    const USERS: usize = 40;
    const MESSAGES: usize = 3;
    let db = support::db::postgres_store().await;
    let fake = FakeLlm::start().await;
    fake.set_reply_with(|body| format!("seen:{}", FakeLlm::markers_in(body).join(",")));
    fake.set_delay(Duration::from_millis(50));
    let mut replicas = Vec::new();
    for _ in 0..2 {
        let store = Store::connect_with(&db.url(), 8).await.unwrap();
        let pipeline = test_pipeline(store, false, 100_000, PromptFormat::Tagged)
            .emotion(Arc::new(scripted_reader()))
            .openai(&fake.base_url)
            .build();
        replicas.push(Arc::new(pipeline));
    }
    let mut sent = Vec::new();
    for user in 0..USERS {
        for message in 0..=MESSAGES {
            // The last is message 0 again, at the other replica.
            let (replica, message) = match message {
                MESSAGES => ((user + 1) % 2, 0),
                m => ((user + m) % 2, m),
            };
            let pipeline = replicas[replica].clone();
            sent.push(tokio::spawn(async move {
                let incoming = Incoming {
                    message_id: Some(format!("m{message}")),
                    ..Incoming::private(
                        "http",
                        &format!("user{user}"),
                        &format!("u{user}-m{message}"),
                    )
                };
                let out = pipeline.handle(incoming).await.expect("answered");
                (user, message, out)
            }));
        }
    }
    let mut answers = Vec::new();
    for request in sent {
        answers.push(request.await.unwrap());
    }
    assert_eq!(
        fake.request_count(),
        USERS * MESSAGES,
        "each message reached the LLM once, the redelivery never"
    );
    for user in 0..USERS {
        let key = UserKey::new("http", format!("user{user}"));
        let turns = support::db::turns_answered_once_in_order(&db.store, &key, MESSAGES).await;
        for (_, message, out) in answers.iter().filter(|(u, _, _)| *u == user) {
            let turn = turns
                .iter()
                .find(|t| t.user_text == format!("u{user}-m{message}"))
                .unwrap();
            assert_eq!(out.turn_id, Some(turn.id), "user{user} m{message}");
        }
    }
}

/// The bot says only what it knows: a confident reading shows (and tells the
/// LLM) its fine emotion, an unsure one only its group, a flat one nothing;
/// the turn keeps the reading itself either way.
#[tokio::test]
async fn an_unsure_reading_shows_only_its_group() {
    for (score, shown_code, prompt_names) in [
        (0.75, Some("E24"), "우울한"),
        (0.38, Some("E20"), "슬픔"),
        (0.1, None, ""),
    ] {
        let (store, _dir) = support::db::sqlite_store().await;
        let fake = FakeLlm::start().await;
        let pipeline = test_pipeline(store, false, 1500, PromptFormat::Tagged)
            .emotion(Arc::new(ScriptedReader::reading("E24").score(score)))
            .openai(&fake.base_url)
            .build();
        let out = pipeline.handle(dm("mina", "요즘 좀 그래")).await.unwrap();
        assert_eq!(out.emotion.map(|e| e.label.code), shown_code, "at {score}");
        let turn = &pipeline
            .store()
            .recent_turns(&UserKey::new("test", "mina"), 1)
            .await
            .unwrap()[0];
        assert_eq!(
            turn.emotion_code.as_deref(),
            Some("E24"),
            "the reading is kept"
        );
        let request = fake.requests().pop().unwrap();
        let user = FakeLlm::contents_of(&request, "user").pop().unwrap();
        assert!(user.contains(prompt_names), "at {score}: {user}");
        if score < 0.4 {
            assert!(
                !user.contains("우울한"),
                "an unsure fine emotion is not named: {user}"
            );
        }
        if shown_code.is_none() {
            assert!(
                user.starts_with("[감정: 뚜렷한 감정 없음]"),
                "the LLM is told no emotion stands out: {user}"
            );
        }
    }
    // The model learned Korean only: English gets no emotion, however sure it looks.
    let (store, _dir) = support::db::sqlite_store().await;
    let fake = FakeLlm::start().await;
    let pipeline = test_pipeline(store, false, 1500, PromptFormat::Tagged)
        .emotion(Arc::new(ScriptedReader::reading("E24").score(0.9)))
        .openai(&fake.base_url)
        .build();
    let out = pipeline
        .handle(dm("sam", "I had a long day"))
        .await
        .unwrap();
    assert_eq!(out.emotion, None);
}

/// One long exchange (a long story, a long reply) as the newest turn is
/// shortened in what the LLM is sent, not allowed to push every earlier turn
/// out of the history.
#[tokio::test]
async fn a_long_newest_turn_does_not_empty_the_history() {
    let (store, _dir) = support::db::sqlite_store().await;
    let h = harness_on(store, 1500).await;
    h.fake.set_reply("응, 들었어.");
    say(&h, "long", "첫 번째 이야기야").await;
    say(&h, "long", "두 번째 이야기야").await;
    h.fake
        .set_reply(format!("긴 답장 시작 {} 긴 답장 끝", "정말 ".repeat(2000)));
    say(&h, "long", "오늘 있었던 일을 길게 얘기해 줄게").await;
    h.fake.set_reply("응.");
    say(&h, "long", "그래서 지금은 좀 나아").await;
    let request = h.fake.requests().pop().unwrap();
    let sent = FakeLlm::messages_of(&request)
        .into_iter()
        .map(|(_, content)| content)
        .collect::<Vec<_>>()
        .join("\n");
    for earlier in [
        "첫 번째 이야기야",
        "두 번째 이야기야",
        "긴 답장 시작",
        "긴 답장 끝",
    ] {
        assert!(
            sent.contains(earlier),
            "{earlier:?} is still in the history"
        );
    }
    assert!(sent.chars().count() < 4000, "the long reply was shortened");
}

/// Without a language model, the summary is the extractive note: the
/// feelings read and the first words of each folded message.
#[tokio::test]
async fn offline_the_summary_is_a_note_of_feelings_and_first_words() {
    let (store, _dir) = support::db::sqlite_store().await;
    let pipeline = TestPipeline::new(store.clone())
        .settings(|s| {
            s.privacy.require_consent = false;
            s.bot.history_turns = 2;
            s.bot.summary_after_turns = 2;
        })
        .emotion(Arc::new(scripted_reader()))
        .generator(Arc::new(OfflineGenerator::with_seed(7)))
        .build();
    for text in [
        "오늘 너무 우울해",
        "신나는 일도 있었어",
        "그냥 그래",
        "잘 자",
    ] {
        pipeline.handle(dm("n", text)).await.unwrap();
    }
    let summary = store
        .summary(&UserKey::new("test", "n"), &dm("n", "").chat_id)
        .await
        .unwrap()
        .expect("a summary");
    assert_eq!(
        summary.text,
        "슬픔: 오늘 너무 우울해 / 기쁨: 신나는 일도 있었어"
    );
}

/// When the reader is not sure of the fine emotion, the LLM is told so, with
/// the group and the likely fine emotions and their probabilities, in both
/// prompt formats (a sure reading names just the one: `emotion::candidates`).
#[tokio::test]
async fn an_uncertain_reading_reaches_the_prompt_as_candidates() {
    for (format, expected) in [
        (
            PromptFormat::Tagged,
            "[감정: 확실하지 않음 — 슬픔 쪽, 확률 0.50; 후보 우울한 0.30, 실망한 0.20, 불안 0.15]\n요즘 그냥 그래",
        ),
        (
            PromptFormat::Original,
            "요즘 그냥 그래 ;; 슬픔 (우울한 0.30, 실망한 0.20, 불안 0.15)",
        ),
    ] {
        let (store, _dir) = support::db::sqlite_store().await;
        let fake = FakeLlm::start().await;
        fake.set_reply("그렇구나.");
        let reader = ScriptedReader::reading("E24")
            .score(0.3)
            .runners_up(&[("E21", 0.2), ("E30", 0.15)]);
        let pipeline = test_pipeline(store, false, 1500, format)
            .emotion(Arc::new(reader))
            .openai(&fake.base_url)
            .build();
        pipeline.handle(dm("u", "요즘 그냥 그래")).await.unwrap();
        let sent = FakeLlm::contents_of(&fake.requests().pop().unwrap(), "user");
        assert_eq!(
            sent.last().map(String::as_str),
            Some(expected),
            "{format:?}"
        );
    }
}
