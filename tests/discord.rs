//! The Discord adapter end to end: the real `serenity` client inside maeum
//! against a fake Discord on loopback (REST and gateway,
//! `support::fake_discord`), the real async-openai client against a fake
//! OpenAI-compatible server, the real ONNX test model (through the default
//! configuration; `scripts/setup` installs ONNX Runtime) and SQLite.

mod support;

use std::sync::Arc;
use std::time::Duration;

use maeum::adapter::EXPORT_FILE_NAME;
use maeum::config::{DiscordSettings, Secret};
use maeum::discord::{self, DiscordError, MESSAGE_LIMIT, SLASH_COMMANDS};
use maeum::emotion::EmotionLabel;
use maeum::pipeline::{Action, Pipeline, texts};
use maeum::store::{Feedback, Store, Turn, UserKey};
use support::fake_discord::{
    BOT_ID, CALLBACK_DEFERRED_MESSAGE, CALLBACK_DEFERRED_UPDATE, FLAG_MESSAGE_CONTENT_LIMITED,
    FakeDiscord, FakeDiscordOptions, FakeMessage, FakeUser, INTENT_MESSAGE_CONTENT, SessionStart,
    TOKEN,
};
use support::fake_llm::FakeLlm;
use support::pipeline::{TestPipeline, shipped_settings};
use support::run::MaeumRun;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// Gateway intents GUILD_MESSAGES and DIRECT_MESSAGES.
const INTENTS_MESSAGES: u64 = (1 << 9) | (1 << 12);

/// The Discord settings for `fake`: enabled, REST through its address.
fn discord_settings(fake: &FakeDiscord) -> DiscordSettings {
    let mut settings = shipped_settings().discord;
    settings.enabled = true;
    settings.proxy_url = fake.rest_url.clone();
    settings
}

/// The pipeline as shipped (the ONNX test model; server administrators have
/// power over their own server), replies from `llm`, and no consent step:
/// the adapter's tests talk to users who may be remembered.
fn pipeline(llm: &FakeLlm, store: Store) -> Pipeline {
    TestPipeline::new(store)
        .settings(|s| {
            s.privacy.require_consent = false;
            // The test model is unsure of everything; these tests are about
            // how a label is rendered, so every fine label is shown.
            s.emotion.fine_threshold = 0.0;
        })
        .openai(&llm.base_url)
        .build()
}

/// maeum's Discord adapter running against a fake Discord and a fake LLM.
struct Bot {
    fake: FakeDiscord,
    llm: FakeLlm,
    store: Store,
    shutdown: CancellationToken,
    task: JoinHandle<Result<(), DiscordError>>,
    _db: tempfile::TempDir,
}

impl Bot {
    async fn start() -> Bot {
        Bot::start_with(FakeDiscordOptions::default(), 0, 1).await
    }

    async fn start_with(options: FakeDiscordOptions, shard_id: u32, shard_count: u32) -> Bot {
        // Warnings (and RUST_LOG's choice) show in a failing test's output.
        let filter = tracing_subscriber::EnvFilter::try_from_default_env()
            .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
        let _ = tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_test_writer()
            .try_init();
        let fake = FakeDiscord::start_with(options).await;
        let llm = FakeLlm::start().await;
        let (store, db) = support::db::sqlite_store().await;
        let mut settings = discord_settings(&fake);
        settings.shard_id = shard_id;
        settings.shard_count = shard_count;
        let pipeline = pipeline(&llm, store.clone());
        let shutdown = CancellationToken::new();
        let task = tokio::spawn(discord::run(
            Arc::new(pipeline),
            settings,
            Secret::new(TOKEN),
            shutdown.clone(),
        ));
        fake.wait_session(1).await;
        Bot {
            fake,
            llm,
            store,
            shutdown,
            task,
            _db: db,
        }
    }

    /// The stored turn a reply's buttons belong to.
    async fn turn_of(&self, user: &FakeUser, reply: &FakeMessage) -> Turn {
        let turn_id = match reply
            .buttons
            .first()
            .and_then(|b| Action::decode(&b.custom_id))
        {
            Some(Action::Regenerate { turn_id }) => turn_id,
            other => panic!("the first button regenerates a turn, got {other:?}"),
        };
        self.store
            .turn(&key(user), turn_id)
            .await
            .unwrap()
            .expect("the reply's turn is stored for its user")
    }

    /// `user` writes `text` in a DM; returns the message's id and the bot's reply.
    async fn dm(&self, user: &FakeUser, text: &str) -> (u64, FakeMessage) {
        let channel = FakeDiscord::dm_channel(user);
        let before = self.fake.world(|w| w.bot_messages_in(channel).len());
        let message = self.fake.dm(user, text);
        let replies = self.fake.wait_bot_messages(channel, before + 1).await;
        (message, replies[before].clone())
    }

    /// Waits until the fake LLM has received `count` requests.
    async fn wait_llm_requests(&self, count: usize) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        while self.llm.request_count() < count {
            assert!(
                tokio::time::Instant::now() < deadline,
                "the LLM never got request {count}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Stops the adapter as `maeum run` does and checks it returned cleanly
    /// after closing the gateway connection.
    async fn stop(self) {
        self.shutdown.cancel();
        let ended = tokio::time::timeout(Duration::from_secs(30), self.task)
            .await
            .expect("the adapter stops after shutdown");
        ended
            .expect("the adapter task")
            .expect("the adapter returns Ok");
        let closes = self.fake.world(|w| w.close_codes.clone());
        assert!(closes.contains(&1000), "a normal close frame: {closes:?}");
    }
}

fn key(user: &FakeUser) -> UserKey {
    UserKey::new("discord", user.id.to_string())
}

/// The text of the last user message in an LLM request.
fn last_user_text(body: &serde_json::Value) -> String {
    FakeLlm::contents_of(body, "user").pop().unwrap_or_default()
}

fn request_text(body: &serde_json::Value) -> String {
    FakeLlm::messages_of(body)
        .into_iter()
        .map(|(_, content)| content)
        .collect::<Vec<_>>()
        .join("\n")
}

fn labels(message: &FakeMessage) -> Vec<&str> {
    message.buttons.iter().map(|b| b.label.as_str()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dm_conversation_has_emotion_reactions_labels_and_history() {
    let bot = Bot::start().await;
    bot.llm.set_reply_with(|body| {
        let turns = FakeLlm::messages_of(body)
            .iter()
            .filter(|(role, _)| role == "user")
            .count();
        format!("응, {turns}번째 얘기 잘 들었어.")
    });
    let user = FakeUser::new(42, "민지");
    let channel = FakeDiscord::dm_channel(&user);
    let said = [
        "오늘 면접에서 떨어져서 너무 속상해",
        "그래도 친구가 위로해줘서 조금 나아졌어",
        "내일은 좀 쉬어야겠다",
    ];
    for (i, text) in said.iter().enumerate() {
        let message = bot.fake.dm(&user, text);
        let reply = bot.fake.wait_bot_messages(channel, i + 1).await[i].clone();
        let turn = bot.turn_of(&user, &reply).await;
        assert_eq!(turn.user_text, *text);
        assert_eq!(turn.chat_id, channel.to_string());
        assert_eq!(turn.platform_message_id, Some(message.to_string()));

        let code = turn.emotion_code.as_deref().expect("an emotion was read");
        let label = EmotionLabel::by_code(code).unwrap();
        assert_eq!(bot.fake.wait_reaction(message).await, label.emoji);
        assert!(
            reply.content.starts_with(&format!("-# {}\n", label.tag())),
            "the exact label heads the reply: {:?}",
            reply.content
        );
        let written = turn.reply.expect("the reply is stored");
        assert!(reply.content.ends_with(&written), "{:?}", reply.content);
        assert_eq!(labels(&reply), ["🔄", "👍", "👎", "🤔 느낌이 달라"]);
        assert_eq!(reply.reply_to, None, "DMs need no reply reference");
    }

    let requests = bot.llm.requests();
    assert_eq!(requests.len(), 3);
    let third = request_text(&requests[2]);
    for earlier in [said[0], said[1], "1번째 얘기", "2번째 얘기"] {
        assert!(
            third.contains(earlier),
            "the history holds {earlier:?}: {third}"
        );
    }
    bot.fake.world(|w| {
        assert!(w.typing.contains(&channel), "typing was shown");
        let auth = w.calls[0].authorization.clone();
        assert_eq!(auth.as_deref(), Some("Bot test-token"));
        assert!(matches!(
            w.sessions[0],
            SessionStart::Identify { shard: (0, 1), .. }
        ));
    });
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reply_refused_with_a_429_is_sent_again_and_delivered() {
    let bot = Bot::start().await;
    let user = FakeUser::new(43, "하준");
    // Behind a proxy serenity's own limiter is off: the adapter retries.
    bot.fake.rate_limit_next("POST", "/messages", 2, 0.5);
    let (_, reply) = bot.dm(&user, "오늘 좀 지쳤어").await;
    let turn = bot.turn_of(&user, &reply).await;
    assert!(reply.content.ends_with(turn.reply.as_deref().unwrap()));
    assert!(!turn.undelivered);
    let (limited, posts) = bot.fake.world(|w| {
        let posts: Vec<_> = w
            .calls
            .iter()
            .filter(|c| c.method == "POST" && c.path.ends_with("/messages"))
            .map(|c| c.at)
            .collect();
        (w.rate_limited.len(), posts)
    });
    assert_eq!(limited, 2);
    assert_eq!(posts.len(), 3, "two refused, the third delivered");
    for pair in posts.windows(2) {
        assert!(
            pair[1] - pair[0] >= Duration::from_millis(500),
            "each retry waits at least as long as asked: {:?}",
            pair[1] - pair[0]
        );
    }
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reply_that_cannot_be_delivered_is_marked_on_its_turn() {
    let bot = Bot::start().await;
    let user = FakeUser::new(44, "서연");
    // More 429s than the adapter retries (1 + 2 + 4 + 8 s of waiting).
    bot.fake.rate_limit_next("POST", "/messages", 100, 0.1);
    bot.fake.dm(&user, "내 말 들려?");
    let marked = async {
        loop {
            let turns = bot.store.recent_turns(&key(&user), 10).await.unwrap();
            if turns.first().is_some_and(|t| t.undelivered) {
                return turns;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    };
    let turns = tokio::time::timeout(Duration::from_secs(60), marked)
        .await
        .expect("the turn is marked as not delivered");
    assert_eq!(turns.len(), 1, "stored once, marked as not delivered");
    assert!(turns[0].reply.is_some());
    let refused = bot.fake.world(|w| w.rate_limited.len());
    assert_eq!(refused, 5, "the first try and 4 retries");
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_message_is_answered_only_when_it_mentions_or_replies_to_the_bot() {
    let bot = Bot::start().await;
    let user = FakeUser::new(42, "민지");
    let channel = 800;

    let chatter = bot
        .fake
        .guild_message(channel, &user, "다들 점심 뭐 먹었어?", false);
    let asked = bot
        .fake
        .guild_message(channel, &user, "나 오늘 좀 우울해", true);
    let replies = bot.fake.wait_bot_messages(channel, 1).await;
    assert_eq!(
        replies[0].reply_to,
        Some(asked),
        "answers the mention, in its channel"
    );
    assert_eq!(bot.llm.request_count(), 1);
    let sent = last_user_text(&bot.llm.requests()[0]);
    assert!(sent.contains("나 오늘 좀 우울해"), "{sent}");
    assert!(
        !sent.contains(&format!("<@{BOT_ID}>")),
        "the mention is stripped: {sent}"
    );

    let follow_up = bot
        .fake
        .guild_reply(channel, &user, "고마워, 조금 나아졌어", replies[0].id);
    let replies = bot.fake.wait_bot_messages(channel, 2).await;
    assert_eq!(
        replies[1].reply_to,
        Some(follow_up),
        "a reply to the bot is answered"
    );

    // By now the first message's handler has long finished: it never reached the model.
    assert_eq!(bot.llm.request_count(), 2);
    assert!(bot.fake.world(|w| w.reactions_on(chatter).is_empty()));
    let stored = bot.store.recent_turns(&key(&user), 10).await.unwrap();
    let texts: Vec<&str> = stored.iter().map(|t| t.user_text.as_str()).collect();
    assert_eq!(texts, ["나 오늘 좀 우울해", "고마워, 조금 나아졌어"]);
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_users_in_one_channel_keep_separate_histories() {
    let bot = Bot::start().await;
    let (a, b) = (FakeUser::new(42, "민지"), FakeUser::new(43, "준호"));
    let channel = 801;
    let a_first = "요즘 회사 때문에 너무 힘들어";
    let b_first = "나는 오늘 시험 잘 봤어!";
    let a_second = "그래서 퇴사할까 고민 중이야";

    bot.fake.guild_message(channel, &a, a_first, true);
    bot.fake.wait_bot_messages(channel, 1).await;
    bot.fake.guild_message(channel, &b, b_first, true);
    bot.fake.wait_bot_messages(channel, 2).await;
    bot.fake.guild_message(channel, &a, a_second, true);
    let replies = bot.fake.wait_bot_messages(channel, 3).await;

    let requests = bot.llm.requests();
    let to_b = request_text(&requests[1]);
    assert!(to_b.contains(b_first) && !to_b.contains(a_first), "{to_b}");
    let to_a = request_text(&requests[2]);
    assert!(to_a.contains(a_first), "A's history is A's: {to_a}");
    assert!(
        !to_a.contains(b_first),
        "B's words are not in A's history: {to_a}"
    );

    let a_turns = bot.store.recent_turns(&key(&a), 10).await.unwrap();
    let b_turns = bot.store.recent_turns(&key(&b), 10).await.unwrap();
    assert_eq!(a_turns.len(), 2);
    assert_eq!(b_turns.len(), 1);
    assert_eq!(bot.turn_of(&b, &replies[1]).await.user_text, b_first);
    assert!(
        bot.store
            .turn(&key(&b), a_turns[0].id)
            .await
            .unwrap()
            .is_none(),
        "A's turn is not B's"
    );
    bot.stop().await;
}

/// "Not how I feel" on Discord: 🤔 answers the presser only with the groups
/// in a select menu, a group chosen with its emotions in another, an emotion
/// chosen stores the correction and offers 🔄.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn not_how_i_feel_is_a_select_menu_picker() {
    let bot = Bot::start().await;
    let user = FakeUser::new(42, "민지");
    let (_, reply) = bot.dm(&user, "오늘 너무 지쳤어").await;
    let press = |message: &FakeMessage, label: &str| {
        let button = message
            .buttons
            .iter()
            .find(|b| b.label.contains(label))
            .unwrap_or_else(|| panic!("{label} among {:?}", labels(message)));
        bot.fake.press(&user, message.id, &button.custom_id)
    };
    let groups = bot.fake.wait_answer(&press(&reply, "🤔")).await;
    assert!(groups.message.ephemeral, "only the presser sees the picker");
    assert!(
        groups.message.buttons.iter().all(|b| b.menu.is_some()),
        "the groups are a select menu: {:?}",
        groups.message.buttons
    );
    assert_eq!(
        groups.message.buttons.len(),
        6,
        "{:?}",
        labels(&groups.message)
    );
    let emotions = bot.fake.wait_answer(&press(&groups.message, "슬픔")).await;
    assert!(emotions.message.buttons.iter().all(|b| b.menu.is_some()));
    assert!(
        emotions.message.buttons.len() > 6,
        "{:?}",
        labels(&emotions.message)
    );
    let thanks = bot
        .fake
        .wait_answer(&press(&emotions.message, "우울한"))
        .await;
    assert!(
        thanks.message.content.contains("우울한"),
        "{}",
        thanks.message.content
    );
    assert_eq!(labels(&thanks.message), ["🔄"]);
    let turn = bot.turn_of(&user, &reply).await;
    assert_eq!(turn.corrected_code.as_deref(), Some("E24"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_regenerate_button_edits_the_reply_and_the_history() {
    let bot = Bot::start().await;
    let user = FakeUser::new(42, "민지");
    let channel = FakeDiscord::dm_channel(&user);
    bot.llm.set_reply("첫 번째 답장이야.");
    let (_, reply) = bot.dm(&user, "오늘 너무 지쳤어").await;

    bot.llm.set_reply("다시 써 본 답장이야.");
    let pressed = bot.fake.press(&user, reply.id, &reply.buttons[0].custom_id);
    let answer = bot.fake.wait_answer(&pressed).await;
    assert_eq!(answer.message.id, reply.id, "the reply is edited in place");
    assert!(answer.message.content.ends_with("다시 써 본 답장이야."));
    let first_line = reply.content.lines().next().unwrap();
    assert!(
        answer.message.content.starts_with(first_line),
        "the label stays"
    );
    assert_eq!(
        labels(&answer.message),
        ["🔄", "👍", "👎", "🤔 느낌이 달라"]
    );
    assert_eq!(bot.fake.world(|w| w.bot_messages_in(channel).len()), 1);
    let turn = bot.turn_of(&user, &reply).await;
    assert_eq!(turn.reply.as_deref(), Some("다시 써 본 답장이야."));

    // Someone else's press is refused, only to them, and changes nothing.
    let stranger = FakeUser::new(77, "지나가던 사람");
    let requests = bot.llm.request_count();
    let pressed = bot
        .fake
        .press(&stranger, reply.id, &reply.buttons[0].custom_id);
    let refusal = bot.fake.wait_answer(&pressed).await;
    assert!(refusal.message.ephemeral);
    assert_eq!(refusal.message.content, texts::stale_action());
    assert_eq!(bot.llm.request_count(), requests);
    let now = bot.fake.world(|w| w.message(reply.id).cloned().unwrap());
    assert_eq!(now.edits, 1);
    assert!(now.content.ends_with("다시 써 본 답장이야."));

    // 👍 is stored with the turn.
    let pressed = bot.fake.press(&user, reply.id, &reply.buttons[1].custom_id);
    let thanks = bot.fake.wait_answer(&pressed).await;
    assert!(thanks.message.ephemeral);
    assert_eq!(thanks.message.content, texts::feedback_saved(true));
    let turn = bot.turn_of(&user, &reply).await;
    assert_eq!(turn.feedback, Some(Feedback::Up));

    // The next message is answered with the regenerated reply in its history.
    bot.llm.set_reply("그랬구나.");
    bot.dm(&user, "응 고마워").await;
    let history = request_text(bot.llm.requests().last().unwrap());
    assert!(history.contains("다시 써 본 답장이야.") && !history.contains("첫 번째 답장이야."));
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_work_is_deferred_within_three_seconds_then_written() {
    let bot = Bot::start().await;
    let user = FakeUser::new(42, "민지");
    let (_, reply) = bot.dm(&user, "오늘 좀 우울해").await;

    bot.llm.set_delay(Duration::from_millis(3500));
    bot.llm.set_reply("천천히 다시 써 봤어.");
    let pressed = bot.fake.press(&user, reply.id, &reply.buttons[0].custom_id);
    let answer = bot.fake.wait_answer(&pressed).await;
    assert_eq!(answer.callbacks, [CALLBACK_DEFERRED_UPDATE]);
    let record = answer.record;
    let deferred_after = record.callbacks[0].1 - record.dispatched_at;
    assert!(
        deferred_after < Duration::from_secs(3),
        "deferred after {deferred_after:?}"
    );
    assert_eq!(answer.message.id, reply.id);
    assert!(answer.message.content.ends_with("천천히 다시 써 봤어."));

    // A command waiting for the user's reply in progress is deferred as well,
    // privately, then written.
    let requests = bot.llm.request_count();
    bot.fake.dm(&user, "그리고 하나 더 있어");
    bot.wait_llm_requests(requests + 1).await;
    let reset = bot
        .fake
        .slash(&user, FakeDiscord::dm_channel(&user), false, "reset");
    let answer = bot.fake.wait_answer(&reset).await;
    assert_eq!(answer.callbacks, [CALLBACK_DEFERRED_MESSAGE]);
    let record = answer.record;
    let deferred_after = record.callbacks[0].1 - record.dispatched_at;
    assert!(
        deferred_after < Duration::from_secs(3),
        "deferred after {deferred_after:?}"
    );
    assert!(answer.message.ephemeral, "a deferred answer is private");
    assert_eq!(answer.message.content, texts::reset_done(2));
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slash_commands_reset_optout_and_export() {
    let bot = Bot::start().await;
    let registered = bot
        .fake
        .wait_for("slash command registration", |w| {
            w.command_registrations.first().cloned()
        })
        .await;
    let mut names: Vec<&str> = registered
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    names.sort_unstable();
    let mut expected = SLASH_COMMANDS.to_vec();
    expected.push("admin");
    expected.sort_unstable();
    assert_eq!(names, expected);

    let user = FakeUser::new(42, "민지");
    let dm = FakeDiscord::dm_channel(&user);
    let server_channel = 802;
    bot.dm(&user, "오늘 회사에서 칭찬 받았어").await;
    let (_, old_reply) = bot.dm(&user, "기분이 너무 좋아").await;

    // /export in a server: only the user sees it, as a JSON file of their turns.
    let export = bot.fake.slash(&user, server_channel, true, "export");
    let answer = bot.fake.wait_answer(&export).await;
    assert!(answer.message.ephemeral, "an export is private");
    let file = answer.message.files.first().expect("a file");
    assert_eq!(file.name, EXPORT_FILE_NAME);
    let json: serde_json::Value = serde_json::from_slice(&file.bytes).expect("JSON");
    let turns: Vec<&str> = json["turns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["user_text"].as_str().unwrap())
        .collect();
    assert_eq!(turns, ["오늘 회사에서 칭찬 받았어", "기분이 너무 좋아"]);
    assert_eq!(json["user_id"], user.id.to_string());

    // /mood in a server: only the user sees it, the counts with a PNG chart.
    let mood = bot.fake.slash(&user, server_channel, true, "mood");
    let answer = bot.fake.wait_answer(&mood).await;
    assert!(answer.message.ephemeral, "a mood is private");
    assert!(
        answer.message.content.contains("— 2회"),
        "{}",
        answer.message.content
    );
    let chart = answer.message.files.first().expect("a chart");
    assert!(chart.name.ends_with(".png"), "{}", chart.name);
    assert_eq!(&chart.bytes[..8], b"\x89PNG\r\n\x1a\n");

    // /reset forgets the conversation; the old reply's buttons no longer work.
    let reset = bot.fake.slash(&user, dm, false, "reset");
    let answer = bot.fake.wait_answer(&reset).await;
    assert_eq!(answer.message.content, texts::reset_done(2));
    assert!(
        bot.store
            .recent_turns(&key(&user), 10)
            .await
            .unwrap()
            .is_empty()
    );
    let pressed = bot
        .fake
        .press(&user, old_reply.id, &old_reply.buttons[0].custom_id);
    let refusal = bot.fake.wait_answer(&pressed).await;
    assert!(refusal.message.ephemeral);
    assert_eq!(refusal.message.content, texts::stale_action());
    bot.dm(&user, "새로 시작하자").await;
    let fresh = request_text(bot.llm.requests().last().unwrap());
    for forgotten in ["오늘 회사에서 칭찬 받았어", "기분이 너무 좋아"] {
        assert!(
            !fresh.contains(forgotten),
            "no history after /reset: {fresh}"
        );
    }

    // /optout deletes everything and stores nothing more.
    let optout = bot.fake.slash(&user, dm, false, "optout");
    let answer = bot.fake.wait_answer(&optout).await;
    assert!(answer.message.ephemeral);
    assert_eq!(answer.message.content, texts::opted_out());
    assert!(bot.store.export(&key(&user)).await.unwrap().is_none());
    let (_, unstored) = bot.dm(&user, "이건 기억하지 마").await;
    assert!(
        unstored.buttons.is_empty(),
        "an unstored reply has no buttons"
    );
    assert!(bot.store.export(&key(&user)).await.unwrap().is_none());

    // /help answers publicly with the command list.
    let help = bot.fake.slash(&user, dm, false, "help");
    let answer = bot.fake.wait_answer(&help).await;
    assert!(!answer.message.ephemeral);
    assert_eq!(answer.message.content, texts::help());
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_slash_command_works_for_server_admins_only() {
    let bot = Bot::start().await;
    let (member, admin) = (FakeUser::new(42, "민지"), FakeUser::new(7, "서버장"));
    let channel = 805;
    bot.fake
        .guild_message(channel, &member, "오늘 좋은 일이 있었어", true);
    bot.fake.wait_bot_messages(channel, 1).await;

    let refused = bot.fake.admin_slash(&member, channel, "clear chat", false);
    let answer = bot.fake.wait_answer(&refused).await;
    assert!(answer.message.ephemeral);
    let stored = |store: Store, user: FakeUser| async move {
        store.recent_turns(&key(&user), 10).await.unwrap().len()
    };
    assert_eq!(
        stored(bot.store.clone(), member.clone()).await,
        1,
        "a member cannot clear the channel"
    );

    let cleared = bot.fake.admin_slash(&admin, channel, "clear chat", true);
    let answer = bot.fake.wait_answer(&cleared).await;
    assert!(answer.message.ephemeral, "admin answers are private");
    assert_eq!(
        stored(bot.store.clone(), member.clone()).await,
        0,
        "the server admin cleared their channel"
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_private_answer_to_a_server_message_goes_to_dms() {
    let bot = Bot::start().await;
    let user = FakeUser::new(42, "민지");
    let channel = 803;
    bot.fake
        .guild_message(channel, &user, "오늘 좋은 일이 있었어", true);
    bot.fake.wait_bot_messages(channel, 1).await;
    let asked = bot.fake.guild_message(channel, &user, "/export", true);
    let dm = FakeDiscord::dm_channel(&user);
    let sent = bot.fake.wait_bot_messages(dm, 1).await;
    assert_eq!(sent[0].files[0].name, EXPORT_FILE_NAME);
    assert_eq!(bot.fake.wait_reaction(asked).await, "📬");
    assert_eq!(
        bot.fake.world(|w| w.bot_messages_in(channel).len()),
        1,
        "nothing private in the server"
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_reply_arrives_in_two_messages() {
    let bot = Bot::start().await;
    let sentence = "오늘 하루도 정말 수고 많았어. ";
    let long = sentence
        .repeat(2500 / sentence.chars().count() + 1)
        .trim()
        .to_string();
    assert!(long.chars().count() >= 2500);
    bot.llm.set_reply(long.clone());
    let user = FakeUser::new(42, "민지");
    let channel = FakeDiscord::dm_channel(&user);
    bot.fake.dm(&user, "오늘 진짜 길고 힘든 하루였어");
    let parts = bot.fake.wait_bot_messages(channel, 2).await;
    assert_eq!(parts.len(), 2);
    for part in &parts {
        assert!(part.content.chars().count() <= MESSAGE_LIMIT);
    }
    assert!(parts[0].buttons.is_empty());
    assert_eq!(labels(&parts[1]), ["🔄", "👍", "👎", "🤔 느낌이 달라"]);
    let (label, first) = parts[0].content.split_once('\n').unwrap();
    assert!(label.starts_with("-# #"), "{label}");
    let joined: String = format!("{first} {}", parts[1].content)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert_eq!(joined, long);
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gateway_disconnect_is_followed_by_a_reconnect() {
    let bot = Bot::start().await;
    let user = FakeUser::new(42, "민지");
    bot.dm(&user, "안녕, 나 왔어").await;

    bot.fake.disconnect();
    let second = bot.fake.wait_session(2).await;
    assert!(
        matches!(&second, SessionStart::Resume { session_id, .. } if session_id == "session-1"),
        "the session is resumed: {second:?}"
    );
    let (_, reply) = bot.dm(&user, "연결 끊겼다가 돌아왔어").await;
    assert_eq!(
        bot.turn_of(&user, &reply).await.user_text,
        "연결 끊겼다가 돌아왔어"
    );
    assert_eq!(bot.fake.world(|w| w.connections), 2);
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn message_content_is_asked_for_only_when_granted_and_shards_are_configurable() {
    // Not granted: no privileged intent, and DMs still work.
    let bot = Bot::start_with(FakeDiscordOptions::default(), 1, 2).await;
    let SessionStart::Identify { intents, shard } = bot.fake.wait_session(1).await else {
        panic!("the first session identifies");
    };
    assert_eq!(intents & INTENT_MESSAGE_CONTENT, 0);
    assert_eq!(intents & INTENTS_MESSAGES, INTENTS_MESSAGES);
    assert_eq!(shard, (1, 2));
    let user = FakeUser::new(42, "민지");
    bot.dm(&user, "안녕").await;
    assert!(
        bot.fake.world(|w| w.command_registrations.is_empty()),
        "only shard 0 registers the commands"
    );
    bot.stop().await;

    // Granted in the developer portal: asked for.
    let options = FakeDiscordOptions {
        application_flags: FLAG_MESSAGE_CONTENT_LIMITED,
        ..FakeDiscordOptions::default()
    };
    let bot = Bot::start_with(options, 0, 1).await;
    let SessionStart::Identify { intents, .. } = bot.fake.wait_session(1).await else {
        panic!("the first session identifies");
    };
    assert_eq!(intents & INTENT_MESSAGE_CONTENT, INTENT_MESSAGE_CONTENT);
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rejected_token_stops_the_adapter_with_a_clear_error() {
    let fake = FakeDiscord::start().await;
    let llm = FakeLlm::start().await;
    let (store, _db) = support::db::sqlite_store().await;
    let run = discord::run(
        Arc::new(pipeline(&llm, store)),
        discord_settings(&fake),
        Secret::new("not-the-token"),
        CancellationToken::new(),
    );
    let ended = tokio::time::timeout(Duration::from_secs(30), run)
        .await
        .expect("a rejected token ends the adapter");
    assert!(
        matches!(ended, Err(DiscordError::InvalidToken)),
        "{ended:?}"
    );
    assert_eq!(fake.world(|w| w.connections), 0, "no gateway connection");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_lets_a_reply_in_progress_finish() {
    let bot = Bot::start().await;
    bot.llm.set_delay(Duration::from_millis(1500));
    bot.llm.set_reply("끝까지 답할게.");
    let user = FakeUser::new(42, "민지");
    let channel = FakeDiscord::dm_channel(&user);
    bot.fake.dm(&user, "나 곧 자러 갈 거야");
    // Typing starts once the message is being handled.
    bot.fake
        .wait_for("typing in the DM", |w| {
            w.typing.contains(&channel).then_some(())
        })
        .await;
    let Bot {
        fake,
        shutdown,
        task,
        ..
    } = bot;
    shutdown.cancel();
    let ended = tokio::time::timeout(Duration::from_secs(30), task)
        .await
        .expect("the adapter stops");
    ended.unwrap().expect("the adapter returns Ok");
    let replies = fake.world(|w| w.bot_messages_in(channel));
    assert_eq!(
        replies.len(),
        1,
        "the reply in progress was sent before returning"
    );
    assert!(replies[0].content.ends_with("끝까지 답할게."));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn maeum_run_serves_discord_and_stops_on_sigterm() {
    let fake = FakeDiscord::start().await;
    let llm = FakeLlm::start().await;
    let mut maeum = MaeumRun::start(&[
        ("DISCORD_TOKEN", TOKEN),
        ("MAEUM__DISCORD__ENABLED", "true"),
        ("MAEUM__DISCORD__PROXY_URL", &fake.rest_url),
        ("OPENAI_BASE_URL", &llm.base_url),
    ]);
    maeum.ready("connecting", fake.wait_session(1)).await;
    let user = FakeUser::new(42, "민지");
    fake.dm(&user, "안녕, 오늘 좀 피곤해");
    let reply = fake
        .wait_bot_messages(FakeDiscord::dm_channel(&user), 1)
        .await;
    // A new user: the reply, then the consent notice with its accept button.
    assert!(
        reply[0].content.contains(support::fake_llm::DEFAULT_REPLY),
        "{}",
        reply[0].content
    );
    assert!(
        reply[0].content.contains("/privacy"),
        "the consent notice: {}",
        reply[0].content
    );

    let status = maeum.terminate().await;
    assert!(
        status.success(),
        "exit {status:?}; stderr:\n{}",
        maeum.log()
    );
    assert!(
        fake.world(|w| w.close_codes.contains(&1000)),
        "the gateway connection was closed normally"
    );
}

/// A greeting carries no emotion (`model/neutral.json`): no reaction, no
/// label above the reply.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_greeting_gets_no_emotion_tag_or_reaction() {
    let bot = Bot::start().await;
    bot.llm.set_reply("안녕! 반가워.");
    let user = FakeUser::new(77, "하늘");
    let (message, reply) = bot.dm(&user, "안녕 ㅎㅎ").await;
    assert_eq!(reply.content, "안녕! 반가워.", "no label line");
    assert!(bot.fake.world(|w| w.reactions_on(message)).is_empty());
    bot.stop().await;
}
