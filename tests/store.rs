//! The conversation store against real databases. One suite, written once
//! below as functions of a `&Store`, runs on SQLite and on Postgres
//! (`sqlite::NAME` and `postgres::NAME`); Postgres must be running (CI starts it).

mod support;

use std::collections::HashSet;

use chrono::{Duration, Utc};
use maeum::privacy::crypto::{CryptoError, DataCipher, DataKey};
use maeum::store::{
    Backend, Feedback, MarkerKeyCheck, NewTurn, StatsScope, Store, StoreError, Usage, UserKey,
};
use sqlx::Row;
use support::scan::cells_containing;

crate::on_both_backends!(
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    migrate_is_idempotent,
    turn_round_trips_every_field,
    summaries_are_sealed_kept_per_chat_rekeyed_and_expire,
    recent_turns_are_the_newest_oldest_first,
    users_are_isolated,
    replace_reply_only_for_the_owner,
    an_undelivered_reply_is_marked_until_a_new_one_replaces_it,
    usage_is_counted_per_user_and_day_and_swept,
    set_feedback_only_for_the_owner,
    clear_history_deletes_only_that_users_turns,
    opt_out_leaves_nothing_about_the_user,
    opt_in_allows_storing_again,
    export_returns_exactly_what_is_stored,
    upsert_user_keeps_or_refreshes_the_display_name,
    large_message_round_trips,
    concurrent_inserts_all_land,
    foreign_keys_are_enforced,
    consent_is_recorded_with_its_version_and_time,
    retention_deletes_exactly_the_messages_older_than_the_cutoff,
    clear_chat_deletes_only_that_chat_of_that_platform,
    stats_count_users_messages_and_emotions_per_day,
    texts_are_encrypted_at_rest_and_read_back,
    envelope_shaped_text_round_trips_as_text,
    rekey_finishes_past_an_unreadable_row_and_reports_it,
    rekey_moves_every_text_to_the_current_key,
    a_changed_marker_key_is_refused_while_markers_exist,
);

fn new_turn(chat_id: &str, user_text: &str) -> NewTurn {
    NewTurn {
        chat_id: chat_id.to_string(),
        platform_message_id: None,
        user_text: user_text.to_string(),
        emotion_code: None,
        emotion_score: None,
        reply: None,
        generator: "offline".to_string(),
        llm_tokens: 0,
        prompt_format: None,
    }
}

async fn count(store: &Store, sql: &str, bind: &str) -> i64 {
    sqlx::query_scalar(sql)
        .bind(bind)
        .fetch_one(store.pool())
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

fn key(byte: u8) -> DataKey {
    DataKey::parse(&hex::encode([byte; 32]), "TEST_KEY").unwrap()
}

/// The raw (stored) value of one column of one message.
async fn raw_message_column(store: &Store, column: &str, id: i64) -> Option<String> {
    sqlx::query_scalar(&format!("SELECT {column} FROM messages WHERE id = $1"))
        .bind(id)
        .fetch_one(store.pool())
        .await
        .unwrap()
}

/// Sets a message's creation time, in Unix milliseconds.
async fn backdate(store: &Store, id: i64, created_at_ms: i64) {
    sqlx::query("UPDATE messages SET created_at = $1, updated_at = $1 WHERE id = $2")
        .bind(created_at_ms)
        .bind(id)
        .execute(store.pool())
        .await
        .unwrap();
}

async fn count_by_ref(store: &Store, sql: &str, user_ref: i64) -> i64 {
    sqlx::query_scalar(sql)
        .bind(user_ref)
        .fetch_one(store.pool())
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

mod suite {
    use super::*;

    pub async fn migrate_is_idempotent(store: &Store) {
        store.migrate().await.unwrap();
        store.migrate().await.unwrap();
        let applied: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations")
            .fetch_one(store.pool())
            .await
            .unwrap();
        let dir = match store.backend() {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        };
        let files = std::fs::read_dir(format!("{}/migrations/{dir}", env!("CARGO_MANIFEST_DIR")))
            .unwrap()
            .filter(|entry| {
                entry.as_ref().unwrap().path().extension() == Some(std::ffi::OsStr::new("sql"))
            })
            .count();
        assert!(files >= 2, "{files} migration files");
        assert_eq!(applied, files as i64, "each migration is recorded once");
        store.ping().await.unwrap();
        let user = UserKey::new("console", "local");
        store
            .insert_turn(&user, &new_turn("c", "still works"))
            .await
            .unwrap();
        assert_eq!(store.recent_turns(&user, 10).await.unwrap().len(), 1);
    }

    pub async fn turn_round_trips_every_field(store: &Store) {
        let user = UserKey::new("telegram", "1001");
        let before = Utc::now().timestamp_millis();
        let full = NewTurn {
            chat_id: "chat-7".to_string(),
            platform_message_id: Some("msg-42".to_string()),
            user_text: "오늘 진짜 힘들었어… 😢 ünïcödé 'quotes' \"and\" \\ back".to_string(),
            emotion_code: Some("E18".to_string()),
            emotion_score: Some(0.873_412_3),
            reply: Some("많이 지쳤겠다. 무슨 일 있었어? 🫂".to_string()),
            generator: "openai:gpt-4o-mini".to_string(),
            llm_tokens: 0,
            prompt_format: None,
        };
        let bare = new_turn("chat-7", "응");
        let full_id = store.insert_turn(&user, &full).await.unwrap();
        let bare_id = store.insert_turn(&user, &bare).await.unwrap();
        let after = Utc::now().timestamp_millis();
        assert_ne!(full_id, bare_id);

        for (id, sent) in [(full_id, &full), (bare_id, &bare)] {
            let turn = store
                .turn(&user, id)
                .await
                .unwrap()
                .expect("the turn just stored");
            assert_eq!(turn.id, id);
            assert_eq!(turn.chat_id, sent.chat_id);
            assert_eq!(turn.platform_message_id, sent.platform_message_id);
            assert_eq!(turn.user_text, sent.user_text);
            assert_eq!(turn.emotion_code, sent.emotion_code);
            assert_eq!(
                turn.emotion_score, sent.emotion_score,
                "f32 scores come back bit-exact"
            );
            assert_eq!(turn.reply, sent.reply);
            assert_eq!(turn.generator, sent.generator);
            assert_eq!(turn.feedback, None);
            assert_eq!(turn.created_at, turn.updated_at);
            let created = turn.created_at.timestamp_millis();
            assert!(
                (before..=after).contains(&created),
                "{before} <= {created} <= {after}"
            );
        }
        assert_eq!(store.turn(&user, bare_id + 1000).await.unwrap(), None);
    }

    pub async fn recent_turns_are_the_newest_oldest_first(store: &Store) {
        let user = UserKey::new("console", "local");
        for i in 1..=5 {
            store
                .insert_turn(&user, &new_turn("c", &format!("message {i}")))
                .await
                .unwrap();
        }
        let texts = |turns: Vec<maeum::store::Turn>| {
            turns.into_iter().map(|t| t.user_text).collect::<Vec<_>>()
        };
        assert_eq!(
            texts(store.recent_turns(&user, 3).await.unwrap()),
            ["message 3", "message 4", "message 5"]
        );
        assert_eq!(store.recent_turns(&user, 10).await.unwrap().len(), 5);
        assert!(store.recent_turns(&user, 0).await.unwrap().is_empty());
        assert!(store.recent_turns(&user, -1).await.unwrap().is_empty());
        let ids: Vec<i64> = store
            .recent_turns(&user, 5)
            .await
            .unwrap()
            .iter()
            .map(|t| t.id)
            .collect();
        assert!(
            ids.windows(2).all(|pair| pair[0] < pair[1]),
            "oldest first: {ids:?}"
        );
    }

    pub async fn users_are_isolated(store: &Store) {
        let alice = UserKey::new("telegram", "alice");
        let bob = UserKey::new("telegram", "bob");
        // The same id on another platform is another person.
        let discord_alice = UserKey::new("discord", "alice");
        let alice_turn = store
            .insert_turn(&alice, &new_turn("group", "alice here"))
            .await
            .unwrap();
        let bob_turn = store
            .insert_turn(&bob, &new_turn("group", "bob here"))
            .await
            .unwrap();
        let discord_turn = store
            .insert_turn(&discord_alice, &new_turn("group", "discord alice"))
            .await
            .unwrap();

        for (user, own_turn, text) in [
            (&alice, alice_turn, "alice here"),
            (&bob, bob_turn, "bob here"),
            (&discord_alice, discord_turn, "discord alice"),
        ] {
            let turns = store.recent_turns(user, 10).await.unwrap();
            assert_eq!(turns.len(), 1, "{user:?} sees only their own turn");
            assert_eq!(turns[0].user_text, text);
            for other_turn in [alice_turn, bob_turn, discord_turn] {
                let found = store.turn(user, other_turn).await.unwrap();
                assert_eq!(
                    found.is_some(),
                    other_turn == own_turn,
                    "{user:?} reading turn {other_turn}"
                );
            }
        }
        assert_eq!(
            store
                .recent_turns(&UserKey::new("telegram", "carol"), 10)
                .await
                .unwrap(),
            []
        );
    }

    pub async fn replace_reply_only_for_the_owner(store: &Store) {
        let owner = UserKey::new("telegram", "owner");
        let other = UserKey::new("telegram", "other");
        store
            .insert_turn(&other, &new_turn("c", "other's turn"))
            .await
            .unwrap();
        let mut turn = new_turn("c", "hi");
        turn.reply = Some("first reply".to_string());
        let id = store.insert_turn(&owner, &turn).await.unwrap();
        // Backdate the row so the update must visibly move updated_at.
        sqlx::query("UPDATE messages SET updated_at = 0 WHERE id = $1")
            .bind(id)
            .execute(store.pool())
            .await
            .unwrap();

        assert!(
            !store
                .replace_reply(&other, id, "hijacked", "evil", None, 0)
                .await
                .unwrap()
        );
        let unchanged = store.turn(&owner, id).await.unwrap().unwrap();
        assert_eq!(unchanged.reply.as_deref(), Some("first reply"));
        assert_eq!(unchanged.generator, "offline");
        assert_eq!(unchanged.updated_at.timestamp_millis(), 0);

        assert!(
            store
                .replace_reply(&owner, id, "second reply", "openai:m", None, 0)
                .await
                .unwrap()
        );
        let replaced = store.turn(&owner, id).await.unwrap().unwrap();
        assert_eq!(replaced.reply.as_deref(), Some("second reply"));
        assert_eq!(replaced.generator, "openai:m");
        assert_eq!(replaced.user_text, "hi");
        assert!(
            replaced.updated_at >= replaced.created_at,
            "updated_at moved to now"
        );

        assert!(
            !store
                .replace_reply(&owner, id + 1000, "nothing", "offline", None, 0)
                .await
                .unwrap()
        );
    }

    pub async fn an_undelivered_reply_is_marked_until_a_new_one_replaces_it(store: &Store) {
        let owner = UserKey::new("discord", "owner");
        let other = UserKey::new("discord", "other");
        let mut turn = new_turn("c", "hi");
        turn.reply = Some("first reply".to_string());
        turn.llm_tokens = 120;
        let id = store.insert_turn(&owner, &turn).await.unwrap();
        let stored = store.turn(&owner, id).await.unwrap().unwrap();
        assert!(!stored.undelivered);
        assert_eq!(stored.llm_tokens, 120);

        assert!(
            !store.mark_undelivered(&other, id).await.unwrap(),
            "not theirs"
        );
        assert!(!store.turn(&owner, id).await.unwrap().unwrap().undelivered);
        assert!(store.mark_undelivered(&owner, id).await.unwrap());
        assert!(store.turn(&owner, id).await.unwrap().unwrap().undelivered);

        // A rewrite is a new delivery; its tokens add to the turn's.
        store
            .replace_reply(&owner, id, "second reply", "openai:m", None, 80)
            .await
            .unwrap();
        let rewritten = store.turn(&owner, id).await.unwrap().unwrap();
        assert!(!rewritten.undelivered);
        assert_eq!(rewritten.llm_tokens, 200);
    }

    pub async fn usage_is_counted_per_user_and_day_and_swept(store: &Store) {
        let mina = UserKey::new("telegram", "mina");
        let joon = UserKey::new("telegram", "joon");
        let today = chrono::Utc::now();
        let yesterday = today - chrono::Duration::days(1);
        let long_ago = today - chrono::Duration::days(3);
        store.add_usage(&mina, 100, today).await.unwrap();
        store.add_usage(&mina, 50, today).await.unwrap();
        store.add_usage(&joon, 7, today).await.unwrap();
        store.add_usage(&mina, 1000, yesterday).await.unwrap();
        store.add_usage(&mina, 9, long_ago).await.unwrap();

        let mine = store.usage(&mina, today).await.unwrap();
        assert_eq!((mine.messages, mine.tokens), (2, 150));
        let joons = store.usage(&joon, today).await.unwrap();
        assert_eq!((joons.messages, joons.tokens), (1, 7));
        let total = store.total_usage(today).await.unwrap();
        assert_eq!((total.messages, total.tokens), (3, 157));
        assert_eq!(store.usage(&mina, yesterday).await.unwrap().tokens, 1000);
        // No user id is stored: only keyed hashes and the whole bot's row.
        let ids = count(
            store,
            "SELECT COUNT(*) FROM usage_daily WHERE marker LIKE '%' || $1 || '%'",
            "mina",
        )
        .await;
        assert_eq!(ids, 0);

        // The sweep keeps from the cutoff's day on.
        let deleted = store.delete_usage_before(yesterday).await.unwrap();
        assert_eq!(deleted, 2, "mina's and the whole bot's row of 3 days ago");
        assert_eq!(store.usage(&mina, long_ago).await.unwrap().messages, 0);
        assert_eq!(store.usage(&mina, yesterday).await.unwrap().messages, 1);

        // Opting out deletes the person's counters too (not the bot's).
        store.opt_out(&mina).await.unwrap();
        assert_eq!(
            store.usage(&mina, yesterday).await.unwrap(),
            Usage::default()
        );
        assert_eq!(store.total_usage(today).await.unwrap().messages, 3);
    }

    pub async fn set_feedback_only_for_the_owner(store: &Store) {
        let owner = UserKey::new("discord", "owner");
        let other = UserKey::new("discord", "other");
        let id = store
            .insert_turn(&owner, &new_turn("c", "hi"))
            .await
            .unwrap();

        assert!(
            !store
                .set_feedback(&other, id, Feedback::Down)
                .await
                .unwrap()
        );
        assert_eq!(
            store.turn(&owner, id).await.unwrap().unwrap().feedback,
            None
        );

        assert!(store.set_feedback(&owner, id, Feedback::Up).await.unwrap());
        assert_eq!(
            store.turn(&owner, id).await.unwrap().unwrap().feedback,
            Some(Feedback::Up)
        );
        assert!(
            store
                .set_feedback(&owner, id, Feedback::Down)
                .await
                .unwrap()
        );
        assert_eq!(
            store.turn(&owner, id).await.unwrap().unwrap().feedback,
            Some(Feedback::Down)
        );

        assert!(
            !store
                .set_feedback(&owner, id + 1000, Feedback::Up)
                .await
                .unwrap()
        );
    }

    pub async fn clear_history_deletes_only_that_users_turns(store: &Store) {
        let leaving = UserKey::new("telegram", "clearer");
        let staying = UserKey::new("telegram", "keeper");
        for i in 0..3 {
            store
                .insert_turn(&leaving, &new_turn("shared", &format!("gone {i}")))
                .await
                .unwrap();
            store
                .insert_turn(&staying, &new_turn("shared", &format!("kept {i}")))
                .await
                .unwrap();
        }
        let leaving_ref = store.upsert_user(&leaving, None).await.unwrap();

        assert_eq!(store.clear_history(&leaving).await.unwrap(), 3);
        assert!(store.recent_turns(&leaving, 10).await.unwrap().is_empty());
        assert_eq!(
            count_by_ref(
                store,
                "SELECT COUNT(*) FROM messages WHERE user_ref = $1",
                leaving_ref
            )
            .await,
            0
        );
        assert_eq!(store.recent_turns(&staying, 10).await.unwrap().len(), 3);
        let export = store
            .export(&leaving)
            .await
            .unwrap()
            .expect("the user row stays");
        assert!(export.turns.is_empty());
        assert_eq!(store.clear_history(&leaving).await.unwrap(), 0);
    }

    pub async fn opt_out_leaves_nothing_about_the_user(store: &Store) {
        // Distinctive, so finding it in any cell means it was kept.
        let raw_id = "optout-5f2c9e71";
        let user = UserKey::new("telegram", raw_id);
        let bystander = UserKey::new("telegram", "bystander");
        let user_ref = store.upsert_user(&user, Some("떠나는 사람")).await.unwrap();
        for i in 0..3 {
            let mut turn = new_turn("chat-1", &format!("secret {i}"));
            turn.platform_message_id = Some(format!("{raw_id}-msg-{i}"));
            let id = store.insert_turn(&user, &turn).await.unwrap();
            store.set_feedback(&user, id, Feedback::Up).await.unwrap();
        }
        store
            .insert_turn(&bystander, &new_turn("chat-1", "stay"))
            .await
            .unwrap();
        assert!(
            cells_containing(store, raw_id).await > 0,
            "the scan finds the id while it is stored"
        );
        assert!(!store.is_opted_out(&user).await.unwrap());

        store.opt_out(&user).await.unwrap();

        assert_eq!(
            cells_containing(store, raw_id).await,
            0,
            "no cell in any table holds the id"
        );
        assert_eq!(
            count_by_ref(
                store,
                "SELECT COUNT(*) FROM messages WHERE user_ref = $1",
                user_ref
            )
            .await,
            0
        );
        assert_eq!(
            count_by_ref(store, "SELECT COUNT(*) FROM users WHERE id = $1", user_ref).await,
            0
        );
        assert_eq!(
            count(
                store,
                "SELECT COUNT(*) FROM users WHERE user_id = $1",
                raw_id
            )
            .await,
            0
        );
        assert_eq!(
            count(
                store,
                "SELECT COUNT(*) FROM messages WHERE user_text LIKE $1",
                "secret%"
            )
            .await,
            0
        );
        let markers: Vec<String> = sqlx::query_scalar("SELECT marker FROM opt_outs")
            .fetch_all(store.pool())
            .await
            .unwrap();
        assert_eq!(markers.len(), 1);
        assert_eq!(markers[0].len(), 64, "hex HMAC-SHA256");
        assert!(markers[0].chars().all(|c| c.is_ascii_hexdigit()));
        assert!(!markers[0].contains(raw_id));

        assert!(store.is_opted_out(&user).await.unwrap());
        assert!(!store.is_opted_out(&bystander).await.unwrap());
        assert!(
            !store
                .is_opted_out(&UserKey::new("discord", raw_id).clone())
                .await
                .unwrap()
        );
        // The marker is keyed: under another key it does not recognise the user.
        assert!(
            !store
                .clone()
                .with_marker_key(b"another key")
                .is_opted_out(&user)
                .await
                .unwrap()
        );
        assert_eq!(store.export(&user).await.unwrap(), None);
        // Nothing is stored again until opt-in.
        assert!(matches!(
            store.insert_turn(&user, &new_turn("chat-1", "again")).await,
            Err(StoreError::OptedOut)
        ));
        assert!(matches!(
            store.upsert_user(&user, Some("x")).await,
            Err(StoreError::OptedOut)
        ));
        assert_eq!(
            cells_containing(store, raw_id).await,
            0,
            "refused writes left nothing behind"
        );
        // Opting out twice is fine and keeps one marker.
        store.opt_out(&user).await.unwrap();
        assert_eq!(
            count(
                store,
                "SELECT COUNT(*) FROM opt_outs WHERE marker <> $1",
                ""
            )
            .await,
            1
        );

        assert_eq!(store.recent_turns(&bystander, 10).await.unwrap().len(), 1);
    }

    pub async fn opt_in_allows_storing_again(store: &Store) {
        let user = UserKey::new("discord", "returning");
        store
            .insert_turn(&user, &new_turn("c", "before"))
            .await
            .unwrap();
        store.opt_out(&user).await.unwrap();
        assert!(store.is_opted_out(&user).await.unwrap());

        assert!(store.opt_in(&user).await.unwrap(), "the user had opted out");
        assert!(!store.is_opted_out(&user).await.unwrap());
        assert!(
            !store.opt_in(&user).await.unwrap(),
            "no marker left to remove"
        );
        assert_eq!(
            count(
                store,
                "SELECT COUNT(*) FROM opt_outs WHERE marker <> $1",
                ""
            )
            .await,
            0
        );

        store
            .insert_turn(&user, &new_turn("c", "after"))
            .await
            .unwrap();
        let turns = store.recent_turns(&user, 10).await.unwrap();
        assert_eq!(turns.len(), 1, "the old history stays deleted");
        assert_eq!(turns[0].user_text, "after");
    }

    pub async fn export_returns_exactly_what_is_stored(store: &Store) {
        let user = UserKey::new("telegram", "exporter");
        let before = Utc::now().timestamp_millis();
        store.upsert_user(&user, Some("민지")).await.unwrap();
        let mut ids = Vec::new();
        for i in 0..4 {
            let mut turn = new_turn("c", &format!("turn {i}"));
            turn.emotion_code = Some(format!("E{}", 10 + i));
            turn.emotion_score = Some(0.25 * i as f32);
            turn.reply = (i % 2 == 0).then(|| format!("reply {i}"));
            ids.push(store.insert_turn(&user, &turn).await.unwrap());
        }
        store
            .set_feedback(&user, ids[1], Feedback::Down)
            .await
            .unwrap();
        store
            .replace_reply(&user, ids[2], "regenerated", "openai:m", None, 0)
            .await
            .unwrap();
        store
            .insert_turn(
                &UserKey::new("telegram", "someone else"),
                &new_turn("c", "not mine"),
            )
            .await
            .unwrap();

        let export = store
            .export(&user)
            .await
            .unwrap()
            .expect("the user is stored");
        assert_eq!(export.platform, "telegram");
        assert_eq!(export.user_id, "exporter");
        assert_eq!(export.display_name.as_deref(), Some("민지"));
        assert!(export.created_at.timestamp_millis() >= before);
        assert_eq!(export.consent_version, None);
        assert_eq!(export.consented_at, None);
        assert_eq!(export.turns, store.recent_turns(&user, 100).await.unwrap());
        assert_eq!(export.turns.iter().map(|t| t.id).collect::<Vec<_>>(), ids);
        assert_eq!(export.turns[1].feedback, Some(Feedback::Down));
        assert_eq!(export.turns[2].reply.as_deref(), Some("regenerated"));

        assert_eq!(
            store
                .export(&UserKey::new("telegram", "unknown"))
                .await
                .unwrap(),
            None
        );
    }

    pub async fn upsert_user_keeps_or_refreshes_the_display_name(store: &Store) {
        let user = UserKey::new("discord", "named");
        let id = store.upsert_user(&user, Some("first")).await.unwrap();
        assert_eq!(
            store.upsert_user(&user, None).await.unwrap(),
            id,
            "same row"
        );
        store
            .insert_turn(&user, &new_turn("c", "hi"))
            .await
            .unwrap();
        let name = || async { store.export(&user).await.unwrap().unwrap().display_name };
        assert_eq!(
            name().await.as_deref(),
            Some("first"),
            "unknown name keeps the stored one"
        );
        assert_eq!(store.upsert_user(&user, Some("second")).await.unwrap(), id);
        assert_eq!(name().await.as_deref(), Some("second"));
        assert_eq!(
            count(
                store,
                "SELECT COUNT(*) FROM users WHERE user_id = $1",
                "named"
            )
            .await,
            1
        );
    }

    pub async fn large_message_round_trips(store: &Store) {
        let user = UserKey::new("console", "long");
        let unit = "마음이 복잡해 — feelings ✨ ";
        let text: String = unit.repeat(100 * 1024 / unit.len() + 1);
        assert!(text.len() >= 100 * 1024);
        let mut turn = new_turn("c", &text);
        turn.reply = Some(text.chars().rev().collect());
        let id = store.insert_turn(&user, &turn).await.unwrap();
        let stored = store.turn(&user, id).await.unwrap().unwrap();
        assert_eq!(stored.user_text, text);
        assert_eq!(stored.reply, turn.reply);
    }

    pub async fn concurrent_inserts_all_land(store: &Store) {
        const TASKS: usize = 16;
        const PER_TASK: usize = 8;
        // A user nobody has stored yet, so the tasks also race to create the row.
        let user = UserKey::new("telegram", "busy");
        let handles: Vec<_> = (0..TASKS)
            .map(|task| {
                let store = store.clone();
                let user = user.clone();
                tokio::spawn(async move {
                    let mut ids = Vec::new();
                    for i in 0..PER_TASK {
                        let turn = new_turn("c", &format!("task {task} turn {i}"));
                        ids.push(store.insert_turn(&user, &turn).await.unwrap());
                    }
                    ids
                })
            })
            .collect();
        let mut ids = HashSet::new();
        for handle in handles {
            ids.extend(handle.await.unwrap());
        }
        assert_eq!(ids.len(), TASKS * PER_TASK, "every insert got its own id");

        let turns = store.recent_turns(&user, 1000).await.unwrap();
        assert_eq!(turns.len(), TASKS * PER_TASK);
        let texts: HashSet<String> = turns.into_iter().map(|t| t.user_text).collect();
        for task in 0..TASKS {
            for i in 0..PER_TASK {
                assert!(texts.contains(&format!("task {task} turn {i}")));
            }
        }
        assert_eq!(
            count(
                store,
                "SELECT COUNT(*) FROM users WHERE user_id = $1",
                "busy"
            )
            .await,
            1
        );
    }

    pub async fn foreign_keys_are_enforced(store: &Store) {
        let orphan = sqlx::query(
            "INSERT INTO messages (user_ref, chat_id, user_text, generator, created_at, updated_at) \
             VALUES ($1, 'c', 'orphan', 'offline', 0, 0)",
        )
        .bind(987_654_i64)
        .execute(store.pool())
        .await;
        assert!(orphan.is_err(), "a message needs its user");

        // Deleting a user row directly cascades to their messages.
        let user = UserKey::new("telegram", "cascade");
        store
            .insert_turn(&user, &new_turn("c", "one"))
            .await
            .unwrap();
        let user_ref = store.upsert_user(&user, None).await.unwrap();
        sqlx::query("DELETE FROM users WHERE id = $1")
            .bind(user_ref)
            .execute(store.pool())
            .await
            .unwrap();
        assert_eq!(
            count_by_ref(
                store,
                "SELECT COUNT(*) FROM messages WHERE user_ref = $1",
                user_ref
            )
            .await,
            0
        );
    }

    pub async fn consent_is_recorded_with_its_version_and_time(store: &Store) {
        let user = UserKey::new("telegram", "consenting");
        assert_eq!(store.consent(&user).await.unwrap(), None);
        assert_eq!(
            count(
                store,
                "SELECT COUNT(*) FROM users WHERE user_id = $1",
                "consenting"
            )
            .await,
            0,
            "reading consent writes nothing"
        );
        // A row without consent (e.g. stored while consent was not required) reads as none.
        store.upsert_user(&user, Some("이름")).await.unwrap();
        assert_eq!(store.consent(&user).await.unwrap(), None);

        let before = Utc::now().timestamp_millis();
        let consent = store.record_consent(&user, 1).await.unwrap();
        let after = Utc::now().timestamp_millis();
        assert_eq!(consent.version, 1);
        assert!((before..=after).contains(&consent.at.timestamp_millis()));
        assert_eq!(store.consent(&user).await.unwrap(), Some(consent));
        let export = store.export(&user).await.unwrap().unwrap();
        assert_eq!(export.consent_version, Some(1));
        assert_eq!(export.consented_at, Some(consent.at));
        assert_eq!(
            export.display_name.as_deref(),
            Some("이름"),
            "the name is kept"
        );

        let newer = store.record_consent(&user, 2).await.unwrap();
        assert_eq!(store.consent(&user).await.unwrap().unwrap().version, 2);
        assert!(newer.at >= consent.at);

        // Opted-out users cannot be stored, consent included.
        let leaving = UserKey::new("telegram", "leaving-consent");
        store.opt_out(&leaving).await.unwrap();
        assert!(matches!(
            store.record_consent(&leaving, 1).await,
            Err(StoreError::OptedOut)
        ));
        assert_eq!(
            count(
                store,
                "SELECT COUNT(*) FROM users WHERE user_id = $1",
                "leaving-consent"
            )
            .await,
            0
        );
    }

    /// A summary per user and chat: sealed at rest under a data key (bound
    /// to its row), replaced in place, moved to a new key by rekey, and
    /// deleted by retention once its oldest turn is past the cutoff.
    pub async fn summaries_are_sealed_kept_per_chat_rekeyed_and_expire(store: &Store) {
        let user = UserKey::new("telegram", "summarised");
        let sealed = store
            .clone()
            .with_cipher(DataCipher::new(Some(key(1)), vec![]));
        let first = sealed
            .insert_turn(&user, &new_turn("dm", "first"))
            .await
            .unwrap();
        let long_ago = Utc::now() - Duration::days(40);
        assert!(
            !sealed
                .save_summary(&UserKey::new("telegram", "nobody"), "dm", "x", 1, long_ago)
                .await
                .unwrap(),
            "no summary for a user with no row"
        );
        assert!(
            sealed
                .save_summary(&user, "dm", "older: 시험 이야기", first, long_ago)
                .await
                .unwrap()
        );
        assert!(
            sealed
                .save_summary(&user, "group", "the group's", first, Utc::now())
                .await
                .unwrap()
        );
        let raw: String = sqlx::query_scalar("SELECT summary FROM summaries WHERE chat_id = 'dm'")
            .fetch_one(store.pool())
            .await
            .unwrap();
        assert!(raw.starts_with("enc2:") && !raw.contains("시험"), "{raw}");
        // Replaced in place; the oldest time covered is kept.
        assert!(
            sealed
                .save_summary(&user, "dm", "newer: 시험 이야기", first + 1, Utc::now())
                .await
                .unwrap()
        );
        let dm = sealed.summary(&user, "dm").await.unwrap().unwrap();
        assert_eq!(
            (dm.text.as_str(), dm.through_turn_id),
            ("newer: 시험 이야기", first + 1)
        );
        assert_eq!(
            dm.covers_from.timestamp_millis(),
            long_ago.timestamp_millis()
        );
        assert_eq!(
            sealed.export(&user).await.unwrap().unwrap().summaries.len(),
            2
        );

        let rotated = store
            .clone()
            .with_cipher(DataCipher::new(Some(key(2)), vec![key(1)]));
        assert_eq!(rotated.rekey(10).await.unwrap().summaries, 2);
        let new_only = store
            .clone()
            .with_cipher(DataCipher::new(Some(key(2)), vec![]));
        assert_eq!(
            new_only
                .summary(&user, "group")
                .await
                .unwrap()
                .unwrap()
                .text,
            "the group's"
        );

        let cutoff = Utc::now() - Duration::days(30);
        assert_eq!(
            new_only.delete_summaries_older_than(cutoff).await.unwrap(),
            1
        );
        assert!(new_only.summary(&user, "dm").await.unwrap().is_none());
        assert!(new_only.summary(&user, "group").await.unwrap().is_some());
    }

    pub async fn retention_deletes_exactly_the_messages_older_than_the_cutoff(store: &Store) {
        let user = UserKey::new("discord", "keeper");
        let other = UserKey::new("telegram", "other");
        let cutoff = Utc::now() - Duration::days(30);
        let cutoff_ms = cutoff.timestamp_millis();
        let mut ids = Vec::new();
        for (who, offset_ms) in [
            (&user, -86_400_000),
            (&user, -1),
            (&user, 0),
            (&user, 1),
            (&other, -5),
            (&other, 86_400_000),
        ] {
            let id = store
                .insert_turn(who, &new_turn("c", &format!("at {offset_ms}")))
                .await
                .unwrap();
            backdate(store, id, cutoff_ms + offset_ms).await;
            ids.push((id, offset_ms));
        }
        let fresh = store
            .insert_turn(&user, &new_turn("c", "now"))
            .await
            .unwrap();

        assert_eq!(store.delete_messages_older_than(cutoff).await.unwrap(), 3);
        let left: HashSet<i64> = sqlx::query_scalar("SELECT id FROM messages")
            .fetch_all(store.pool())
            .await
            .unwrap()
            .into_iter()
            .collect();
        let expected: HashSet<i64> = ids
            .iter()
            .filter(|(_, offset)| *offset >= 0)
            .map(|(id, _)| *id)
            .chain([fresh])
            .collect();
        assert_eq!(
            left, expected,
            "older than the cutoff went, the rest stayed"
        );
        assert_eq!(store.delete_messages_older_than(cutoff).await.unwrap(), 0);
        assert!(
            store.export(&user).await.unwrap().is_some(),
            "user rows are not messages: they stay"
        );
    }

    pub async fn clear_chat_deletes_only_that_chat_of_that_platform(store: &Store) {
        let a = UserKey::new("discord", "a");
        let b = UserKey::new("discord", "b");
        let t = UserKey::new("telegram", "a");
        for (user, chat) in [(&a, "room"), (&b, "room"), (&a, "elsewhere"), (&t, "room")] {
            store
                .insert_turn(user, &new_turn(chat, "hi"))
                .await
                .unwrap();
        }
        assert_eq!(store.clear_chat("discord", "room").await.unwrap(), 2);
        assert_eq!(
            store.recent_turns(&a, 10).await.unwrap()[0].chat_id,
            "elsewhere"
        );
        assert!(store.recent_turns(&b, 10).await.unwrap().is_empty());
        assert_eq!(
            store.recent_turns(&t, 10).await.unwrap().len(),
            1,
            "the same chat id on another platform is another chat"
        );
        assert_eq!(store.clear_chat("discord", "room").await.unwrap(), 0);
    }

    pub async fn stats_count_users_messages_and_emotions_per_day(store: &Store) {
        let a = UserKey::new("discord", "a");
        let b = UserKey::new("discord", "b");
        let day = 86_400_000_i64;
        let today_start = Utc::now().timestamp_millis() / day * day;
        let turn_at = async |user: &UserKey, chat: &str, code: Option<&str>, at: i64| {
            let mut turn = new_turn(chat, "감정 통계에 글은 없어야 해");
            turn.emotion_code = code.map(str::to_string);
            let id = store.insert_turn(user, &turn).await.unwrap();
            backdate(store, id, at).await;
        };
        turn_at(&a, "room", Some("E24"), today_start + 1000).await;
        turn_at(&a, "room", Some("E25"), today_start + 2000).await;
        turn_at(&b, "room", Some("E68"), today_start + 3000).await;
        turn_at(&b, "dm-b", None, today_start - day + 5).await;
        turn_at(&a, "dm-a", Some("E24"), today_start - 40 * day).await;
        store.record_consent(&a, 2).await.unwrap();
        store.record_consent(&b, 1).await.unwrap();
        store
            .opt_out(&UserKey::new("discord", "gone"))
            .await
            .unwrap();

        let since = chrono::DateTime::from_timestamp_millis(today_start - day).unwrap();
        let all = store.stats(&StatsScope::All, since, 2).await.unwrap();
        assert_eq!(all.users, 2);
        assert_eq!(all.consented_users, Some(1), "only a accepted version 2");
        assert_eq!(all.opted_out, Some(1));
        assert_eq!(all.messages, 5);
        assert_eq!(all.messages_since, 4);
        let today = since.date_naive() + Duration::days(1);
        let rows: Vec<(chrono::NaiveDate, Option<&str>, i64)> = all
            .emotions_by_day
            .iter()
            .map(|c| (c.day, c.emotion_code.as_deref(), c.messages))
            .collect();
        assert_eq!(
            rows,
            [
                (since.date_naive(), None, 1),
                (today, Some("E24"), 1),
                (today, Some("E25"), 1),
                (today, Some("E68"), 1),
            ]
        );

        let room = StatsScope::Chat {
            platform: "discord".into(),
            chat_id: "room".into(),
        };
        let chat = store.stats(&room, since, 2).await.unwrap();
        assert_eq!((chat.users, chat.messages, chat.messages_since), (2, 3, 3));
        assert_eq!((chat.consented_users, chat.opted_out), (None, None));
        assert_eq!(chat.emotions_by_day.len(), 3);
        let elsewhere = StatsScope::Chat {
            platform: "telegram".into(),
            chat_id: "room".into(),
        };
        let none = store.stats(&elsewhere, since, 2).await.unwrap();
        assert_eq!((none.users, none.messages), (0, 0));
    }

    pub async fn texts_are_encrypted_at_rest_and_read_back(store: &Store) {
        let plain_user = UserKey::new("telegram", "before-the-key");
        let plain_id = store
            .insert_turn(&plain_user, &new_turn("c", "written in the clear"))
            .await
            .unwrap();

        let store = store
            .clone()
            .with_cipher(DataCipher::new(Some(key(1)), vec![]));
        assert!(store.encrypts_texts());
        let user = UserKey::new("telegram", "encrypted");
        store
            .upsert_user(&user, Some("비밀 이름 3a9f"))
            .await
            .unwrap();
        let mut turn = new_turn("c", "암호화될 고백 5be1");
        turn.reply = Some("암호화될 답장 77d0".to_string());
        let id = store.insert_turn(&user, &turn).await.unwrap();

        for (column, needle) in [("user_text", "5be1"), ("reply", "77d0")] {
            let raw = raw_message_column(&store, column, id).await.unwrap();
            assert!(raw.starts_with(&format!("enc2:{}:", key(1).id())), "{raw}");
            assert!(!raw.contains(needle));
        }
        for needle in ["5be1", "77d0", "3a9f", "고백", "비밀"] {
            assert_eq!(
                cells_containing(&store, needle).await,
                0,
                "{needle} in the clear"
            );
        }
        let read = store.turn(&user, id).await.unwrap().unwrap();
        assert_eq!(read.user_text, "암호화될 고백 5be1");
        assert_eq!(read.reply.as_deref(), Some("암호화될 답장 77d0"));
        let export = store.export(&user).await.unwrap().unwrap();
        assert_eq!(export.display_name.as_deref(), Some("비밀 이름 3a9f"));
        store
            .replace_reply(&user, id, "새 답장 e4c2", "offline", None, 0)
            .await
            .unwrap();
        assert!(
            !raw_message_column(&store, "reply", id)
                .await
                .unwrap()
                .contains("e4c2")
        );
        assert_eq!(
            store
                .turn(&user, id)
                .await
                .unwrap()
                .unwrap()
                .reply
                .as_deref(),
            Some("새 답장 e4c2")
        );

        // Rows from before the key are refused, not read, until rekeyed.
        assert!(matches!(
            store.turn(&plain_user, plain_id).await,
            Err(StoreError::Crypto(CryptoError::Unsealed))
        ));
        store.rekey(10).await.unwrap();
        assert_eq!(
            store
                .turn(&plain_user, plain_id)
                .await
                .unwrap()
                .unwrap()
                .user_text,
            "written in the clear"
        );

        // A sealed text copied into another user's row does not open there.
        let sealed = raw_message_column(&store, "user_text", id).await.unwrap();
        sqlx::query("UPDATE messages SET user_text = $1 WHERE id = $2")
            .bind(&sealed)
            .bind(plain_id)
            .execute(store.pool())
            .await
            .unwrap();
        assert!(matches!(
            store.turn(&plain_user, plain_id).await,
            Err(StoreError::Crypto(CryptoError::Tampered { .. }))
        ));
        // The history leaves it out (and reports it) rather than failing whole.
        let history = store.recent_turns(&plain_user, 10).await.unwrap();
        assert!(history.iter().all(|t| t.id != plain_id));
        // Without the key, encrypted rows are an error, never ciphertext shown as text.
        let keyless = store.clone().with_cipher(DataCipher::plaintext());
        assert!(matches!(
            keyless.turn(&user, id).await,
            Err(StoreError::Crypto(_))
        ));
    }

    /// Text a user writes in the shape of a stored envelope is stored and
    /// read back as text, with or without a data key.
    pub async fn envelope_shaped_text_round_trips_as_text(store: &Store) {
        let user = UserKey::new("http", "shapes");
        let shaped = [
            format!("enc2:{}:{}", key(1).id(), "A".repeat(64)),
            format!("enc1:{}:{}", key(1).id(), "A".repeat(64)),
            "plain2:이것도 그냥 글".to_string(),
        ];
        for cipher in [
            DataCipher::plaintext(),
            DataCipher::new(Some(key(1)), vec![]),
        ] {
            let store = store.clone().with_cipher(cipher);
            for text in &shaped {
                let id = store
                    .insert_turn(&user, &new_turn("c", text))
                    .await
                    .unwrap();
                let read = store.turn(&user, id).await.unwrap().unwrap();
                assert_eq!(&read.user_text, text);
            }
        }
    }

    /// A row no configured key opens is left as it is and reported; every
    /// other row is rekeyed all the same.
    pub async fn rekey_finishes_past_an_unreadable_row_and_reports_it(store: &Store) {
        let user = UserKey::new("discord", "mixed");
        let lost_key = store
            .clone()
            .with_cipher(DataCipher::new(Some(key(3)), vec![]));
        let lost = lost_key
            .insert_turn(&user, &new_turn("c", "under a lost key"))
            .await
            .unwrap();
        let plain = store
            .insert_turn(&user, &new_turn("c", "in the clear"))
            .await
            .unwrap();
        let before = raw_message_column(store, "user_text", lost).await;

        let current = store
            .clone()
            .with_cipher(DataCipher::new(Some(key(2)), vec![]));
        let report = current.rekey(1).await.expect("rekey finishes");
        assert_eq!(report.messages, 1);
        assert_eq!(report.unreadable, [format!("messages:{lost}")]);
        assert_eq!(raw_message_column(store, "user_text", lost).await, before);
        let resealed = raw_message_column(store, "user_text", plain).await.unwrap();
        assert!(
            resealed.starts_with(&format!("enc2:{}:", key(2).id())),
            "{resealed}"
        );
    }

    pub async fn rekey_moves_every_text_to_the_current_key(store: &Store) {
        let user = UserKey::new("discord", "rekeyed");
        let mut plain = new_turn("c", "plain text 1");
        plain.reply = Some("plain reply 1".into());
        let plain_id = store.insert_turn(&user, &plain).await.unwrap();
        store.upsert_user(&user, Some("plain name")).await.unwrap();
        let old = store
            .clone()
            .with_cipher(DataCipher::new(Some(key(1)), vec![]));
        let old_id = old
            .insert_turn(&user, &new_turn("c", "old key text"))
            .await
            .unwrap();

        assert!(matches!(store.rekey(10).await, Err(StoreError::NoDataKey)));
        let rotated = store
            .clone()
            .with_cipher(DataCipher::new(Some(key(2)), vec![key(1)]));
        let report = rotated.rekey(1).await.unwrap();
        assert_eq!((report.messages, report.users, report.skipped), (2, 1, 0));
        let prefix = format!("enc2:{}:", key(2).id());
        for (column, id) in [
            ("user_text", plain_id),
            ("reply", plain_id),
            ("user_text", old_id),
        ] {
            let raw = raw_message_column(store, column, id).await.unwrap();
            assert!(raw.starts_with(&prefix), "{column} of {id}: {raw}");
        }
        assert_eq!(
            raw_message_column(store, "reply", old_id).await,
            None,
            "a missing reply stays missing"
        );
        let display: String =
            sqlx::query_scalar("SELECT display_name FROM users WHERE user_id = 'rekeyed'")
                .fetch_one(store.pool())
                .await
                .unwrap();
        assert!(display.starts_with(&prefix));

        // Only the new key is needed now; a second run has nothing to do.
        let new_only = store
            .clone()
            .with_cipher(DataCipher::new(Some(key(2)), vec![]));
        let turns = new_only.recent_turns(&user, 10).await.unwrap();
        assert_eq!(turns[0].user_text, "plain text 1");
        assert_eq!(turns[0].reply.as_deref(), Some("plain reply 1"));
        assert_eq!(turns[1].user_text, "old key text");
        assert_eq!(
            new_only
                .export(&user)
                .await
                .unwrap()
                .unwrap()
                .display_name
                .as_deref(),
            Some("plain name")
        );
        assert_eq!(new_only.rekey(10).await.unwrap(), Default::default());
    }

    pub async fn a_changed_marker_key_is_refused_while_markers_exist(store: &Store) {
        let first = store.clone().with_marker_key(b"first key");
        assert_eq!(
            first.verify_marker_key().await.unwrap(),
            MarkerKeyCheck::Recorded
        );
        assert_eq!(
            first.verify_marker_key().await.unwrap(),
            MarkerKeyCheck::Same
        );
        let stored: String = sqlx::query_scalar("SELECT value FROM store_meta")
            .fetch_one(store.pool())
            .await
            .unwrap();
        assert!(
            !stored.contains("first key"),
            "the key itself is not stored"
        );

        // No markers yet: on SQLite (one process) another key replaces the
        // check value; on Postgres another replica may run under the first
        // key, so it is never replaced.
        let second = store.clone().with_marker_key(b"second key");
        match store.backend() {
            Backend::Sqlite => assert_eq!(
                second.verify_marker_key().await.unwrap(),
                MarkerKeyCheck::Replaced
            ),
            Backend::Postgres => {
                match second.verify_marker_key().await {
                    Err(error @ StoreError::MarkerKeyDiffers) => {
                        assert!(error.to_string().contains("MAEUM_MARKER_KEY"), "{error}");
                    }
                    other => panic!("expected MarkerKeyDiffers, got {other:?}"),
                }
                return;
            }
        }
        second
            .opt_out(&UserKey::new("telegram", "marked"))
            .await
            .unwrap();

        // With a marker, the first key would forget that opt-out: refused.
        match first.verify_marker_key().await {
            Err(error @ StoreError::MarkerKeyChanged { markers: 1 }) => {
                assert!(error.to_string().contains("MAEUM_MARKER_KEY"), "{error}");
            }
            other => panic!("expected MarkerKeyChanged, got {other:?}"),
        }
        assert_eq!(
            second.verify_marker_key().await.unwrap(),
            MarkerKeyCheck::Same
        );
    }
}

#[tokio::test]
async fn unsupported_url_is_rejected_without_leaking_it() {
    for url in [
        "mysql://root:hunter2@db/maeum",
        "maeum.db",
        "http://example.invalid/",
    ] {
        match Store::connect(url).await {
            Err(error @ StoreError::UnsupportedUrl(_)) => {
                assert!(!error.to_string().contains("hunter2"), "{error}");
            }
            Err(other) => panic!("{url}: expected UnsupportedUrl, got {other}"),
            Ok(_) => panic!("{url}: expected UnsupportedUrl, got a store"),
        }
    }
}

#[tokio::test]
async fn sqlite_creates_a_new_nested_directory() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("deep").join("er").join("maeum.db");
    assert!(!path.parent().unwrap().exists());

    let store = Store::connect(&format!("sqlite:{}", path.display()))
        .await
        .unwrap();
    store.migrate().await.unwrap();
    assert_eq!(store.backend(), Backend::Sqlite);
    assert!(path.is_file(), "{} was created", path.display());

    let user = UserKey::new("console", "local");
    store
        .insert_turn(&user, &new_turn("c", "saved"))
        .await
        .unwrap();
    store.pool().close().await;

    // A second connection to the same file sees what the first wrote.
    let reopened = Store::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    reopened.migrate().await.unwrap();
    assert_eq!(
        reopened.recent_turns(&user, 10).await.unwrap()[0].user_text,
        "saved"
    );
}

#[tokio::test]
async fn sqlite_connections_use_wal_and_foreign_keys() {
    let (store, _dir) = support::db::sqlite_store().await;
    // Hold several connections at once so more than the first is checked.
    let mut connections = Vec::new();
    for _ in 0..3 {
        connections.push(store.pool().acquire().await.unwrap());
    }
    for connection in &mut connections {
        let journal: String = sqlx::query("PRAGMA journal_mode")
            .fetch_one(&mut **connection)
            .await
            .unwrap()
            .get(0);
        assert_eq!(journal.to_lowercase(), "wal");
        let foreign_keys: i64 = sqlx::query("PRAGMA foreign_keys")
            .fetch_one(&mut **connection)
            .await
            .unwrap()
            .get(0);
        assert_eq!(foreign_keys, 1);
    }
}

#[tokio::test]
async fn sqlite_in_memory_is_one_database() {
    let store = Store::connect("sqlite::memory:").await.unwrap();
    store.migrate().await.unwrap();
    let user = UserKey::new("console", "local");
    store
        .insert_turn(&user, &new_turn("c", "in memory"))
        .await
        .unwrap();
    // Every query must reach the same (only) connection's database.
    for _ in 0..3 {
        assert_eq!(store.recent_turns(&user, 10).await.unwrap().len(), 1);
    }
    sqlx::query("DELETE FROM users")
        .execute(store.pool())
        .await
        .unwrap();
    assert!(
        store.recent_turns(&user, 10).await.unwrap().is_empty(),
        "foreign keys cascade here too"
    );
}

#[tokio::test]
async fn postgres_accepts_both_url_schemes() {
    let url = support::db::postgres_admin_url();
    let rest = url.split_once("://").expect("a URL with a scheme").1;
    for scheme in ["postgres", "postgresql"] {
        let store = Store::connect(&format!("{scheme}://{rest}"))
            .await
            .unwrap_or_else(|e| panic!("{scheme}:// (is Postgres running?): {e}"));
        assert_eq!(store.backend(), Backend::Postgres);
        store.ping().await.unwrap();
    }
}

/// The SQLite data directory is its owner's alone (0700), and so are the
/// database file and its write-ahead log (0600).
#[cfg(unix)]
#[tokio::test]
async fn sqlite_files_are_readable_by_their_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("data");
    let db = dir.join("maeum.db");
    let store = Store::connect(&format!("sqlite:{}", db.display()))
        .await
        .unwrap();
    store.migrate().await.unwrap();
    store
        .insert_turn(
            &UserKey::new("test", "mode"),
            &NewTurn {
                chat_id: "c".into(),
                platform_message_id: None,
                user_text: "비밀".into(),
                emotion_code: None,
                emotion_score: None,
                reply: None,
                generator: "test".into(),
                llm_tokens: 0,
                prompt_format: None,
            },
        )
        .await
        .unwrap();
    let mode =
        |path: &std::path::Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&dir), 0o700);
    assert_eq!(mode(&db), 0o600);
    let wal = dir.join("maeum.db-wal");
    if wal.exists() {
        assert_eq!(mode(&wal), 0o600);
    }
    // A file left readable by others is tightened when it is opened again.
    drop(store);
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
    let _again = Store::connect(&format!("sqlite:{}", db.display()))
        .await
        .unwrap();
    assert_eq!(mode(&db), 0o600);
}

/// Migration 0005 wraps texts earlier versions stored in the clear, and
/// leaves first-format envelopes for `rekey`.
#[tokio::test]
async fn the_wrapping_migration_moves_clear_texts_to_the_new_format() {
    let (store, _dir) = support::db::sqlite_store().await;
    let user = UserKey::new("telegram", "legacy");
    let id = store
        .insert_turn(&user, &new_turn("c", "placeholder"))
        .await
        .unwrap();
    // As an earlier version left them: a text in the clear, an enc1 reply.
    sqlx::query("UPDATE messages SET user_text = 'written before 0005', reply = 'enc1:0011aabb:AAAA' WHERE id = $1")
        .bind(id)
        .execute(store.pool())
        .await
        .unwrap();
    sqlx::query("DELETE FROM _sqlx_migrations WHERE version = 5")
        .execute(store.pool())
        .await
        .unwrap();
    store.migrate().await.unwrap();
    assert_eq!(
        raw_message_column(&store, "user_text", id).await.as_deref(),
        Some("plain2:written before 0005")
    );
    assert_eq!(
        raw_message_column(&store, "reply", id).await.as_deref(),
        Some("enc1:0011aabb:AAAA")
    );
    let turn = store.turn(&user, id).await.unwrap().unwrap();
    assert_eq!(turn.user_text, "written before 0005");
}
