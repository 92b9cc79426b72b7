//! Privacy end to end, on SQLite and Postgres: consent before storage,
//! opt-out leaving no row about the user, texts encrypted at rest (checked in
//! the raw database bytes), retention, and admin commands. The pipeline runs
//! with the real async-openai client against the fake LLM on loopback.

mod support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::Utc;
use maeum::background::retention;
use maeum::config::{PromptFormat, Settings};
use maeum::pipeline::{Action, Incoming, Outgoing, Pipeline, ReplyKind};
use maeum::privacy::crypto::{DataCipher, DataKey, generate_key};
use maeum::store::{Feedback, NewTurn, Store, UserKey};
use support::emotion::ScriptedReader;
use support::fake_llm::FakeLlm;
use support::pipeline::TestPipeline;
use support::scan::{cells_containing, row_counts, rows_referencing};
use tokio_util::sync::CancellationToken;

struct Harness {
    pipeline: Pipeline,
    fake: FakeLlm,
}

/// The shipped privacy settings (consent required) with notice `notice_version`
/// and 30 days of retention.
fn consent_required(notice_version: i64) -> impl FnOnce(&mut Settings) {
    move |s| {
        s.privacy.require_consent = true;
        s.privacy.notice_version = notice_version;
        s.privacy.retention_days = 30;
    }
}

/// No consent step, messages kept, and `test:boss` the operator; chat
/// administrators have power over their own chat.
fn operator_boss(s: &mut Settings) {
    s.privacy.require_consent = false;
    s.privacy.retention_days = 0;
    s.admin.ids = vec!["test:boss".to_string()];
    s.admin.chat_admins = true;
}

/// A pipeline on `store` from the shipped settings changed by `configure`:
/// every message read as 우울한 (E24), replies from the fake LLM.
async fn harness(store: Store, configure: impl FnOnce(&mut Settings)) -> Harness {
    let fake = FakeLlm::start().await;
    let pipeline = TestPipeline::new(store)
        .emotion(Arc::new(ScriptedReader::reading("E24").score(0.8)))
        .settings(|s| {
            s.llm.stream = false;
            s.llm.timeout_secs = 5;
            s.llm.prompt_format = PromptFormat::Tagged;
            configure(s);
        })
        .openai(&fake.base_url)
        .build();
    Harness { pipeline, fake }
}

fn dm(user: &str, text: &str) -> Incoming {
    Incoming::private("test", user, text)
}

async fn say(h: &Harness, user: &str, text: &str) -> Outgoing {
    h.pipeline
        .handle(dm(user, text))
        .await
        .expect("a private message is answered")
}

/// Every text the fake LLM was sent in its latest request, joined.
fn last_request_text(fake: &FakeLlm) -> String {
    let body = fake.requests().pop().expect("a request was made");
    FakeLlm::messages_of(&body)
        .into_iter()
        .map(|(_, content)| content)
        .collect::<Vec<_>>()
        .join("\n")
}

/// Rows in every table except sqlx's bookkeeping, all zero.
async fn assert_database_empty(store: &Store, when: &str) {
    for (table, rows) in row_counts(store).await {
        assert_eq!(rows, 0, "{when}: {table} has {rows} rows");
    }
}

async fn user_ref(store: &Store, user_id: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM users WHERE user_id = $1")
        .bind(user_id)
        .fetch_one(store.pool())
        .await
        .unwrap()
}

fn encrypting(store: Store) -> Store {
    let key = DataKey::parse(&generate_key(), "MAEUM_DATA_KEY").unwrap();
    store.with_cipher(DataCipher::new(Some(key), vec![]))
}

/// A `tracing` subscriber writing into memory, to check what is logged.
#[derive(Clone, Default)]
struct CapturedLog(Arc<Mutex<Vec<u8>>>);

impl CapturedLog {
    fn install(&self) -> tracing::subscriber::DefaultGuard {
        let subscriber = tracing_subscriber::fmt()
            .with_writer(self.clone())
            .with_ansi(false)
            .with_max_level(tracing::Level::INFO)
            .finish();
        tracing::subscriber::set_default(subscriber)
    }

    fn lines_with(&self, needle: &str) -> Vec<String> {
        String::from_utf8_lossy(&self.0.lock().unwrap())
            .lines()
            .filter(|line| line.contains(needle))
            .map(str::to_string)
            .collect()
    }
}

impl std::io::Write for CapturedLog {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for CapturedLog {
    type Writer = CapturedLog;

    fn make_writer(&'a self) -> CapturedLog {
        self.clone()
    }
}

mod suite {
    use super::*;

    pub async fn before_consent_nothing_is_stored(store: &Store) {
        let store = store.clone();
        let h = harness(store.clone(), consent_required(1)).await;
        let user = UserKey::new("test", "newcomer");
        h.fake.set_reply("응, 들었어.");

        let first = say(&h, "newcomer", "처음 하는 얘기 a1b2").await;
        assert_eq!(first.kind, ReplyKind::Conversation, "answered all the same");
        assert!(first.text().starts_with("응, 들었어."), "{}", first.text());
        assert!(
            first.text().contains("/accept") && first.text().contains("30일"),
            "the reply carries the notice: {}",
            first.text()
        );
        assert_eq!(first.actions, [Action::AcceptConsent { version: 1 }]);
        assert_eq!(first.turn_id, None);
        assert_database_empty(&store, "after the first message").await;

        // Answered without memory: the first message is not in the next request.
        let second = say(&h, "newcomer", "두 번째 얘기 c3d4").await;
        assert!(
            second.text().contains("/accept"),
            "asked again until accepted"
        );
        let sent = last_request_text(&h.fake);
        assert!(sent.contains("c3d4") && !sent.contains("a1b2"), "{sent}");

        let start = say(&h, "newcomer", "/start").await;
        assert!(start.text().contains("/accept"), "{}", start.text());
        assert_eq!(start.actions, [Action::AcceptConsent { version: 1 }]);
        let privacy = say(&h, "newcomer", "/privacy").await;
        assert!(privacy.private && privacy.text().contains("30일"));
        assert_eq!(privacy.actions, [Action::AcceptConsent { version: 1 }]);
        let requests = h.fake.request_count();
        let regen = say(&h, "newcomer", "/regen").await;
        assert_eq!(regen.actions, [Action::AcceptConsent { version: 1 }]);
        assert_eq!(h.fake.request_count(), requests, "nothing regenerated");
        assert_eq!(
            say(&h, "newcomer", "/export").await.kind,
            ReplyKind::Command
        );
        assert_database_empty(&store, "after commands").await;

        // The button, as an adapter sends it back.
        let pressed = Action::decode(&first.actions[0].encode()).unwrap();
        let before = Utc::now();
        let accepted = h.pipeline.act(&user, pressed, None).await;
        assert!(accepted.text().contains("v1"), "{}", accepted.text());
        let consent = store.consent(&user).await.unwrap().expect("recorded");
        assert_eq!(consent.version, 1);
        assert!(consent.at >= before - chrono::Duration::seconds(1));

        let third = say(&h, "newcomer", "이제 기억해 줘 e5f6").await;
        let turn_id = third.turn_id.expect("stored after consent");
        assert_eq!(third.actions, Action::for_turn(turn_id));
        assert!(!third.text().contains("/accept"), "no more notice");
        assert_eq!(store.recent_turns(&user, 10).await.unwrap().len(), 1);

        // A new notice version asks again, and stores nothing until accepted.
        let h2 = harness(store.clone(), consent_required(2)).await;
        let asked = say(&h2, "newcomer", "새 안내 전 g7h8").await;
        assert_eq!(asked.actions, [Action::AcceptConsent { version: 2 }]);
        assert!(asked.text().contains("v2"), "{}", asked.text());
        assert_eq!(asked.turn_id, None);
        assert!(
            !last_request_text(&h2.fake).contains("e5f6"),
            "without memory"
        );
        let stale = h2
            .pipeline
            .act(&user, Action::AcceptConsent { version: 1 }, None)
            .await;
        assert_eq!(stale.actions, [Action::AcceptConsent { version: 2 }]);
        assert_eq!(store.consent(&user).await.unwrap().unwrap().version, 1);
        let turn = store.recent_turns(&user, 10).await.unwrap()[0].id;
        let feedback = h2
            .pipeline
            .act(
                &user,
                Action::Feedback {
                    turn_id: turn,
                    feedback: Feedback::Up,
                },
                None,
            )
            .await;
        assert_eq!(feedback.actions, [Action::AcceptConsent { version: 2 }]);
        assert_eq!(
            store.recent_turns(&user, 10).await.unwrap()[0].feedback,
            None
        );
        assert_eq!(store.recent_turns(&user, 10).await.unwrap().len(), 1);

        say(&h2, "newcomer", "/동의").await;
        assert_eq!(store.consent(&user).await.unwrap().unwrap().version, 2);
        let again = say(&h2, "newcomer", "/accept").await;
        assert!(again.text().contains("이미"), "{}", again.text());
        assert!(
            say(&h2, "newcomer", "다시 기억 i9j0")
                .await
                .turn_id
                .is_some()
        );
        assert_eq!(store.recent_turns(&user, 10).await.unwrap().len(), 2);
    }

    pub async fn optout_leaves_no_row_about_the_user_and_stores_nothing_after(store: &Store) {
        let store = store.clone();
        let store = encrypting(store);
        let h = harness(store.clone(), consent_required(1)).await;
        let raw_id = "leaver-9c41e7";
        let user = UserKey::new("test", raw_id);
        let named = |text: &str| Incoming {
            display_name: Some("떠날 사람 77ab".into()),
            ..dm(raw_id, text)
        };
        h.pipeline.handle(named("/accept")).await.unwrap();
        let mut turns = Vec::new();
        for text in ["하나 ab12", "둘 cd34", "셋 ef56"] {
            turns.push(
                h.pipeline
                    .handle(named(text))
                    .await
                    .unwrap()
                    .turn_id
                    .unwrap(),
            );
        }
        h.pipeline
            .act(
                &user,
                Action::Feedback {
                    turn_id: turns[0],
                    feedback: Feedback::Down,
                },
                None,
            )
            .await;
        say(&h, "bystander", "/accept").await;
        say(&h, "bystander", "나는 남아").await;
        let user_row = user_ref(&store, raw_id).await;
        assert!(rows_referencing(&store, user_row).await >= 4);
        assert!(cells_containing(&store, raw_id).await > 0);

        let out = say(&h, raw_id, "/optout").await;
        assert!(out.private);

        // Every table: no row references the user's row, no cell holds their id.
        assert_eq!(rows_referencing(&store, user_row).await, 0);
        assert_eq!(cells_containing(&store, raw_id).await, 0);
        let after_optout = row_counts(&store).await;
        let rows = |table: &str| {
            after_optout
                .iter()
                .find(|(name, _)| name == table)
                .map(|(_, n)| *n)
                .unwrap_or_else(|| panic!("no table {table}"))
        };
        assert_eq!(rows("users"), 1, "only the bystander");
        assert_eq!(rows("messages"), 1, "only the bystander's message");
        assert_eq!(
            rows("opt_outs"),
            1,
            "the keyed-hash marker, and nothing else"
        );
        let marker: String = sqlx::query_scalar("SELECT marker FROM opt_outs")
            .fetch_one(store.pool())
            .await
            .unwrap();
        assert!(marker.len() == 64 && marker.bytes().all(|b| b.is_ascii_hexdigit()));

        // The next message is answered, stores nothing, and asks for nothing.
        let next = h
            .pipeline
            .handle(named("그래도 얘기할래 gh78"))
            .await
            .unwrap();
        assert_eq!(next.kind, ReplyKind::Conversation);
        assert!(
            next.turn_id.is_none() && next.actions.is_empty(),
            "{next:?}"
        );
        let refused = say(&h, raw_id, "/accept").await;
        assert!(refused.text().contains("/optin"), "{}", refused.text());
        assert_eq!(
            row_counts(&store).await,
            after_optout,
            "nothing was written"
        );
        assert_eq!(cells_containing(&store, raw_id).await, 0);

        // /optin: the notice again, and storing only after accepting.
        let back = say(&h, raw_id, "/optin").await;
        assert_eq!(back.actions, [Action::AcceptConsent { version: 1 }]);
        assert!(say(&h, raw_id, "돌아왔어").await.turn_id.is_none());
        say(&h, raw_id, "/accept").await;
        assert!(say(&h, raw_id, "이제 기억해").await.turn_id.is_some());
    }

    pub async fn admin_commands_are_refused_for_non_admins_and_logged(store: &Store) {
        let store = store.clone();
        let log = CapturedLog::default();
        let _logging = log.install();
        let h = harness(store.clone(), operator_boss).await;
        say(&h, "victim", "지우면 안 되는 이야기").await;
        let in_room = |user: &str, text: &str, is_chat_admin: bool| Incoming {
            chat_id: "room".into(),
            is_group: true,
            addressed: true,
            is_chat_admin,
            ..dm(user, text)
        };
        h.pipeline
            .handle(in_room("victim", "방에서 한 이야기", false))
            .await
            .unwrap();

        let attempts = [
            dm("nobody", "/admin stats"),
            dm("nobody", "/admin clear user test victim"),
            dm("nobody", "/admin clear chat room"),
            dm("nobody", "/admin"),
            in_room("nobody", "/admin clear chat", false),
            // A chat administrator has no power outside a group, nor over users or other chats.
            Incoming {
                is_chat_admin: true,
                ..dm("mod", "/admin clear chat victim")
            },
            in_room("mod", "/admin clear user test victim", true),
            in_room("mod", "/admin clear chat other-room", true),
            in_room("mod", "/admin clear chat discord room", true),
        ];
        for attempt in attempts.clone() {
            let out = h.pipeline.handle(attempt.clone()).await.unwrap();
            assert!(out.text().contains("운영자"), "{attempt:?}: {}", out.text());
            assert!(out.private);
        }
        assert_eq!(
            store
                .recent_turns(&UserKey::new("test", "victim"), 10)
                .await
                .unwrap()
                .len(),
            2,
            "nothing was deleted"
        );
        let refusals = log.lines_with("admin command refused");
        assert_eq!(refusals.len(), attempts.len(), "{refusals:?}");
        assert!(refusals[0].contains("user_id=nobody"), "{}", refusals[0]);
        assert!(log.lines_with("admin action").is_empty());

        // The chat administrator may clear their own chat, and it is logged.
        let cleared = h
            .pipeline
            .handle(in_room("mod", "/admin clear chat", true))
            .await
            .unwrap();
        assert!(cleared.text().contains('1'), "{}", cleared.text());
        let actions = log.lines_with("admin action");
        assert_eq!(actions.len(), 1, "{actions:?}");
        assert!(actions[0].contains("clear_chat") && actions[0].contains("admin_id=mod"));
        assert_eq!(
            store
                .recent_turns(&UserKey::new("test", "victim"), 10)
                .await
                .unwrap()
                .len(),
            1,
            "only the room's message went"
        );
    }

    pub async fn operators_see_counts_never_texts_and_clear_users(store: &Store) {
        let store = store.clone();
        let log = CapturedLog::default();
        let _logging = log.install();
        let h = harness(store.clone(), operator_boss).await;
        h.fake.set_reply("비밀 답장 r2d2");
        // Both messages read as a crisis: counted, and only counted.
        for user in ["u1", "u2"] {
            say(&h, user, "아무도 보면 안 되는 글 c3po. 나 그냥 죽고 싶어").await;
        }

        let stats = say(&h, "boss", "/admin stats 3").await;
        assert!(stats.private);
        assert!(!stats.text().contains("c3po") && !stats.text().contains("r2d2"));
        assert!(stats.text().contains("users: 2"), "{}", stats.text());
        assert!(stats.text().contains("messages: 2"), "{}", stats.text());
        assert!(
            stats.text().contains("슬픔 2"),
            "emotion groups by day: {}",
            stats.text()
        );
        assert!(
            stats.text().contains("(since start): 2"),
            "crisis count: {}",
            stats.text()
        );
        assert!(!stats.text().contains("u1"), "no ids either");
        assert!(
            stats.text().contains("replies today (UTC): 2"),
            "today's usage: {}",
            stats.text()
        );

        let cleared = say(&h, "boss", "/admin clear user test u1").await;
        assert!(cleared.text().contains('1'), "{}", cleared.text());
        assert!(
            store
                .recent_turns(&UserKey::new("test", "u1"), 10)
                .await
                .unwrap()
                .is_empty()
        );
        assert_eq!(
            store
                .recent_turns(&UserKey::new("test", "u2"), 10)
                .await
                .unwrap()
                .len(),
            1
        );
        let actions = log.lines_with("admin action");
        assert!(
            actions
                .iter()
                .any(|l| l.contains("clear_user") && l.contains("target_user_id=u1")),
            "{actions:?}"
        );
        assert!(
            actions
                .iter()
                .any(|l| l.contains("action=\"stats\"") || l.contains("action=stats"))
        );
        let usage = say(&h, "boss", "/admin what").await;
        assert!(usage.text().contains("/admin stats"), "{}", usage.text());
    }
}

crate::on_both_backends!(
    #[tokio::test]
    before_consent_nothing_is_stored,
    optout_leaves_no_row_about_the_user_and_stores_nothing_after,
    admin_commands_are_refused_for_non_admins_and_logged,
    operators_see_counts_never_texts_and_clear_users,
);

/// Has a conversation whose every stored text is distinctive; returns those texts.
async fn converse_with_secrets(store: &Store) -> Vec<&'static str> {
    let h = harness(store.clone(), consent_required(1)).await;
    let user = UserKey::new("test", "confider");
    let named = |text: &str| Incoming {
        display_name: Some("숨은이름 Xq7Name".into()),
        ..dm("confider", text)
    };
    h.pipeline.handle(named("/accept")).await.unwrap();
    h.fake.set_reply("비밀 답장 Xq7Reply");
    let out = h
        .pipeline
        .handle(named("아무한테도 말 못 한 고백 Xq7Secret"))
        .await
        .unwrap();
    h.fake.set_reply("다시 쓴 답장 Xq7Again");
    h.pipeline
        .act(
            &user,
            Action::Regenerate {
                turn_id: out.turn_id.unwrap(),
            },
            None,
        )
        .await;
    say(&h, "confider", "두 번째 고백 Xq7Second").await;
    vec![
        "Xq7Name",
        "숨은이름",
        "Xq7Secret",
        "아무한테도 말 못 한 고백",
        "Xq7Reply",
        "Xq7Again",
        "다시 쓴 답장",
        "Xq7Second",
    ]
}

fn found_in(bytes: &[u8], needle: &str) -> bool {
    bytes
        .windows(needle.len())
        .any(|window| window == needle.as_bytes())
}

/// The bytes of the SQLite database and its WAL after a checkpoint.
async fn sqlite_bytes(store: &Store, dir: &std::path::Path) -> Vec<u8> {
    let mut bytes = Vec::new();
    // Before the checkpoint the texts are in the WAL; after it, in the main file.
    for checkpoint in [false, true] {
        if checkpoint {
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(store.pool())
                .await
                .unwrap();
        }
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path
                .file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("maeum.db")
            {
                bytes.extend(std::fs::read(&path).unwrap());
            }
        }
    }
    bytes
}

fn pg_dump(url: &str) -> Vec<u8> {
    let out = std::process::Command::new("pg_dump")
        .args(["--no-owner", "--dbname", url])
        .output()
        .expect("pg_dump is installed (postgresql-client)");
    assert!(
        out.status.success(),
        "pg_dump: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[tokio::test]
async fn sqlite_raw_bytes_contain_none_of_the_texts() {
    let (store, dir) = support::db::sqlite_store().await;
    let store = encrypting(store);
    let texts = converse_with_secrets(&store).await;
    let bytes = sqlite_bytes(&store, dir.path()).await;
    assert!(bytes.len() > 4096, "read the database files");
    for text in texts {
        assert!(!found_in(&bytes, text), "{text:?} is in the SQLite files");
    }
}

#[tokio::test]
async fn sqlite_raw_bytes_hold_the_texts_without_a_key() {
    // The control: the same scan finds the texts when nothing is encrypted.
    let (store, dir) = support::db::sqlite_store().await;
    let texts = converse_with_secrets(&store).await;
    let bytes = sqlite_bytes(&store, dir.path()).await;
    for text in texts
        .iter()
        .filter(|t| **t != "Xq7Reply" && **t != "비밀 답장")
    {
        assert!(
            found_in(&bytes, text),
            "{text:?} should be found in the clear"
        );
    }
}

#[tokio::test]
async fn sqlite_rekey_leaves_no_plaintext_in_the_files() {
    let (store, dir) = support::db::sqlite_store().await;
    let texts = converse_with_secrets(&store).await;
    let before = sqlite_bytes(&store, dir.path()).await;
    assert!(found_in(&before, "Xq7Secret"), "stored in the clear first");
    let store = encrypting(store);
    let report = store.rekey(2).await.unwrap();
    assert_eq!((report.messages, report.users), (2, 1));
    let bytes = sqlite_bytes(&store, dir.path()).await;
    for text in texts {
        assert!(
            !found_in(&bytes, text),
            "{text:?} is still in the SQLite files"
        );
    }
}

#[tokio::test]
async fn sqlite_optout_leaves_no_text_in_the_files_even_unencrypted() {
    let (store, dir) = support::db::sqlite_store().await;
    let texts = converse_with_secrets(&store).await;
    assert!(found_in(
        &sqlite_bytes(&store, dir.path()).await,
        "Xq7Secret"
    ));
    store
        .opt_out(&UserKey::new("test", "confider"))
        .await
        .unwrap();
    let bytes = sqlite_bytes(&store, dir.path()).await;
    for text in texts.into_iter().chain(["confider"]) {
        assert!(
            !found_in(&bytes, text),
            "{text:?} is still in the SQLite files"
        );
    }
}

#[tokio::test]
async fn postgres_dump_contains_none_of_the_texts() {
    let db = support::db::postgres_store().await;
    let store = encrypting(db.store.clone());
    let texts = converse_with_secrets(&store).await;
    let dump = pg_dump(&db.url());
    assert!(found_in(&dump, "enc2:"), "the dump has the encrypted rows");
    for text in texts {
        assert!(!found_in(&dump, text), "{text:?} is in pg_dump's output");
    }
}

#[tokio::test]
async fn postgres_dump_holds_the_texts_without_a_key() {
    let db = support::db::postgres_store().await;
    let texts = converse_with_secrets(&db.store).await;
    let dump = pg_dump(&db.url());
    // The first reply was replaced by regenerating; every other text is there.
    for text in texts.iter().filter(|t| **t != "Xq7Reply") {
        assert!(found_in(&dump, text), "{text:?} should be in the dump");
    }
}

#[tokio::test]
async fn retention_deletes_old_messages_at_start_and_on_each_round() {
    let (store, _dir) = support::db::sqlite_store().await;
    let user = UserKey::new("test", "old-timer");
    let turn = |text: &str| NewTurn {
        chat_id: "c".into(),
        platform_message_id: None,
        user_text: text.into(),
        emotion_code: None,
        emotion_score: None,
        reply: None,
        generator: "offline".into(),
        llm_tokens: 0,
        prompt_format: None,
    };
    let age = |days: i64| (Utc::now() - chrono::Duration::days(days)).timestamp_millis();
    let backdate = async |id: i64, at: i64| {
        sqlx::query("UPDATE messages SET created_at = $1 WHERE id = $2")
            .bind(at)
            .bind(id)
            .execute(store.pool())
            .await
            .unwrap();
    };
    let old = store
        .insert_turn(&user, &turn("40 days old"))
        .await
        .unwrap();
    backdate(old, age(40)).await;
    let recent = store
        .insert_turn(&user, &turn("29 days old"))
        .await
        .unwrap();
    backdate(recent, age(29)).await;
    let ids = || async {
        store
            .recent_turns(&user, 100)
            .await
            .unwrap()
            .into_iter()
            .map(|t| t.id)
            .collect::<Vec<_>>()
    };

    assert!(
        retention::spawn(
            store.clone(),
            0,
            Duration::from_secs(1),
            CancellationToken::new()
        )
        .is_none(),
        "0 days: kept forever, no job"
    );

    let shutdown = CancellationToken::new();
    let mut job = retention::spawn(
        store.clone(),
        30,
        Duration::from_millis(10),
        shutdown.clone(),
    )
    .expect("a job for 30 days");
    job.sweeps.wait_for(|n| *n >= 1).await.unwrap();
    assert_eq!(
        ids().await,
        [recent],
        "the start-up sweep removed the old one"
    );

    // A message that ages past the limit goes in a later round.
    backdate(recent, age(31)).await;
    let seen = *job.sweeps.borrow();
    // Two more sweeps: at least one started after the backdating.
    job.sweeps.wait_for(|n| *n >= seen + 2).await.unwrap();
    assert!(ids().await.is_empty());

    shutdown.cancel();
    job.task.await.expect("the job stops on shutdown");
}

#[tokio::test]
async fn sweep_uses_the_cutoff_of_its_clock() {
    let (store, _dir) = support::db::sqlite_store().await;
    let user = UserKey::new("test", "clock");
    let id = store
        .insert_turn(
            &user,
            &NewTurn {
                chat_id: "c".into(),
                platform_message_id: None,
                user_text: "x".into(),
                emotion_code: None,
                emotion_score: None,
                reply: None,
                generator: "offline".into(),
                llm_tokens: 0,
                prompt_format: None,
            },
        )
        .await
        .unwrap();
    let created = store.turn(&user, id).await.unwrap().unwrap().created_at;
    // Exactly 7 days later the message is at the limit: kept. A millisecond after: deleted.
    let at_limit = created + chrono::Duration::days(7);
    assert_eq!(retention::sweep(&store, 7, at_limit).await.unwrap(), 0);
    let past = at_limit + chrono::Duration::milliseconds(1);
    assert_eq!(retention::sweep(&store, 7, past).await.unwrap(), 1);
}
