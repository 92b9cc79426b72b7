//! Fair use through the pipeline: allow- and block-lists, the per-minute
//! limit, daily budgets of messages and language-model tokens (per user and
//! for the whole bot) on real SQLite and Postgres, `/usage`, and that a
//! limit never stands between a person in crisis and the crisis lines.

mod support;

use std::sync::Arc;

use maeum::config::Settings;
use maeum::pipeline::{Incoming, Outgoing, Pipeline, ReplyKind};
use maeum::store::{Store, UserKey};
use support::emotion::ScriptedReader;
use support::fake_llm::FakeLlm;
use support::pipeline::TestPipeline;

struct Harness {
    pipeline: Pipeline,
    llm: FakeLlm,
}

async fn harness(store: Store, limits: impl FnOnce(&mut Settings)) -> Harness {
    let llm = FakeLlm::start().await;
    llm.set_reply("응, 듣고 있어. 더 얘기해 줘.");
    let pipeline = TestPipeline::new(store)
        .settings(|s| {
            s.privacy.require_consent = false;
            s.llm.timeout_secs = 2;
            limits(s);
        })
        .emotion(Arc::new(ScriptedReader::reading("E30")))
        .openai(&llm.base_url)
        .build();
    Harness { pipeline, llm }
}

impl Harness {
    async fn say(&self, message: Incoming) -> Outgoing {
        self.pipeline.handle(message).await.expect("an answer")
    }

    async fn dm(&self, user: &str, text: &str) -> Outgoing {
        self.say(Incoming::private("test", user, text)).await
    }

    async fn turns(&self, user: &str) -> usize {
        let user = UserKey::new("test", user);
        self.pipeline
            .store()
            .recent_turns(&user, 100)
            .await
            .unwrap()
            .len()
    }
}

fn group(user: &str, chat: &str, text: &str) -> Incoming {
    Incoming {
        chat_id: chat.into(),
        is_group: true,
        ..Incoming::private("test", user, text)
    }
}

mod suite {
    use super::*;

    pub async fn daily_budgets_refuse_politely_and_store_nothing_extra(store: &Store) {
        let h = harness(store.clone(), |s| s.limits.daily_messages = 2).await;
        for text in ["오늘 좀 힘들었어", "그래도 저녁은 맛있었어"] {
            let out = h.dm("mina", text).await;
            assert_eq!(out.kind, ReplyKind::Conversation);
        }
        let refused = h.dm("mina", "하나만 더 얘기해도 돼?").await;
        assert_eq!(refused.kind, ReplyKind::Command);
        assert!(refused.text().contains("내일"), "{}", refused.text());
        assert_eq!(h.llm.request_count(), 2, "no LLM call past the budget");
        assert_eq!(
            h.turns("mina").await,
            2,
            "nothing stored for the refused message"
        );
        // Someone else has their own budget.
        assert_eq!(h.dm("joon", "안녕").await.kind, ReplyKind::Conversation);

        let usage = h.dm("mina", "/usage").await;
        assert!(usage.text().contains("2 / 2"), "{}", usage.text());
        // Data rights hold past the budget.
        assert!(h.dm("mina", "/export").await.kind == ReplyKind::Export);
    }

    pub async fn token_budgets_count_what_replies_used(store: &Store) {
        // An 800-token day for each user: each reply (the prompt with its
        // system text and history, and the reply, estimated) uses a few hundred.
        let h = harness(store.clone(), |s| s.limits.daily_tokens = 800).await;
        let first = h.dm("mina", "오늘 좀 힘들었어").await;
        let turn = h
            .pipeline
            .store()
            .turn(&UserKey::new("test", "mina"), first.turn_id.unwrap())
            .await
            .unwrap()
            .unwrap();
        assert!(
            (20..800).contains(&turn.llm_tokens),
            "the turn records its tokens: {}",
            turn.llm_tokens
        );
        let mut answered = 1;
        let refused = loop {
            let out = h.dm("mina", "그리고 또 있잖아").await;
            if out.kind != ReplyKind::Conversation {
                break out;
            }
            answered += 1;
            assert!(answered < 20, "the token budget never refused");
        };
        assert!(refused.text().contains("내일"), "{}", refused.text());
        assert_eq!(h.llm.request_count(), answered);
        let usage = h.dm("mina", "/usage").await;
        assert!(
            usage.text().contains(&format!("메시지 {answered}개")),
            "{}",
            usage.text()
        );

        // The whole bot's budget stops everyone once spent: one token left.
        let spent = store.total_usage(chrono::Utc::now()).await.unwrap().tokens;
        assert!(spent >= turn.llm_tokens, "the whole bot counts every reply");
        let h = harness(store.clone(), |s| s.limits.global_daily_tokens = spent + 1).await;
        assert_eq!(h.dm("a", "안녕").await.kind, ReplyKind::Conversation);
        let refused = h.dm("b", "I had a long day").await;
        assert_eq!(refused.kind, ReplyKind::Command);
        assert!(
            refused.text().starts_with("Sorry, I've written"),
            "{}",
            refused.text()
        );
    }

    pub async fn a_crisis_is_answered_with_its_lines_past_any_limit(store: &Store) {
        let h = harness(store.clone(), |s| s.limits.daily_messages = 1).await;
        h.dm("mina", "오늘 좀 힘들었어").await;
        let out = h.dm("mina", "이제 그만 죽고 싶어").await;
        assert_eq!(out.kind, ReplyKind::Conversation);
        assert!(out.crisis.is_some(), "the crisis lines: {out:?}");
        assert_eq!(
            h.llm.request_count(),
            1,
            "the caring message is fixed, not generated"
        );
    }
}

crate::on_both_backends!(
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    daily_budgets_refuse_politely_and_store_nothing_extra,
    token_budgets_count_what_replies_used,
    a_crisis_is_answered_with_its_lines_past_any_limit,
);

#[tokio::test]
async fn before_consent_the_budget_holds_and_nothing_about_the_user_is_stored() {
    let (store, _dir) = support::db::sqlite_store().await;
    let h = harness(store.clone(), |s| {
        s.privacy.require_consent = true;
        s.limits.daily_messages = 1;
    })
    .await;
    assert_eq!(h.dm("new", "안녕").await.kind, ReplyKind::Conversation);
    let refused = h.dm("new", "또 왔어").await;
    assert!(refused.text().contains("내일"), "{}", refused.text());
    assert_eq!(h.llm.request_count(), 1);
    let usage = h.dm("new", "/usage").await;
    assert!(usage.text().contains("메시지 1 / 1개"), "{}", usage.text());
    // Counted in memory: no row at all, not even in the whole bot's.
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM usage_daily")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(rows, 0);
}

#[tokio::test]
async fn the_per_minute_limit_answers_in_the_users_language() {
    let (store, _dir) = support::db::sqlite_store().await;
    let h = harness(store, |s| s.limits.messages_per_minute = 2).await;
    h.dm("sam", "hi there").await;
    h.dm("sam", "how are you?").await;
    let refused = h.dm("sam", "one more thing").await;
    assert_eq!(refused.kind, ReplyKind::Command);
    assert!(
        refused.text().starts_with("Let's slow down"),
        "{}",
        refused.text()
    );
    let refused = h.dm("sam", "잠깐만").await;
    assert!(
        refused.text().starts_with("잠깐, 조금 천천히"),
        "{}",
        refused.text()
    );
    assert_eq!(h.llm.request_count(), 2);
    assert_eq!(h.turns("sam").await, 2);
}

#[tokio::test]
async fn allow_and_block_lists_keep_out_whom_they_name_but_not_their_data_rights() {
    let (store, _dir) = support::db::sqlite_store().await;
    let h = harness(store, |s| {
        s.limits.allowed_users = vec!["test:mina".into(), "test:joon".into()];
        s.limits.blocked_chats = vec!["test:noisy-room".into()];
    })
    .await;
    assert_eq!(h.dm("mina", "안녕").await.kind, ReplyKind::Conversation);
    let outsider = h.dm("stranger", "안녕").await;
    assert_eq!(outsider.kind, ReplyKind::Command);
    assert!(
        outsider.text().contains("정해진 사람"),
        "{}",
        outsider.text()
    );
    let in_room = h
        .say(Incoming {
            addressed: true,
            ..group("joon", "noisy-room", "안녕 마음아")
        })
        .await;
    assert!(in_room.text().contains("이 방에서는"), "{}", in_room.text());
    assert_eq!(
        h.say(Incoming {
            addressed: true,
            ..group("joon", "quiet-room", "안녕 마음아")
        })
        .await
        .kind,
        ReplyKind::Conversation
    );
    assert_eq!(
        h.llm.request_count(),
        2,
        "only the admitted messages reached the LLM"
    );
    assert_eq!(h.turns("stranger").await, 0);
    // Privacy commands still answer an outsider.
    let privacy = h.dm("stranger", "/privacy").await;
    assert!(
        !privacy.text().contains("정해진 사람"),
        "{}",
        privacy.text()
    );
    let usage = h.dm("stranger", "/usage").await;
    assert!(usage.text().contains("메시지 0개"), "{}", usage.text());
}
