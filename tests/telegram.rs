//! The Telegram adapter end to end: the real `teloxide` client inside maeum
//! against a fake Telegram Bot API server on loopback, the real async-openai
//! client against a fake OpenAI-compatible server, the real ONNX test model
//! and SQLite, wired from the default configuration as `maeum run` wires them.
//! The last test runs the `maeum` binary itself and stops it with SIGTERM.

mod support;

use std::io::{Read, Write};
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use figment::Figment;
use figment::providers::Serialized;
use maeum::config::{Secret, Secrets, Settings};
use maeum::emotion::EmotionLabel;
use maeum::pipeline::{Action, Command, Pipeline, texts};
use maeum::store::{Feedback, Turn, UserKey};
use maeum::telegram::{ALLOWED_REACTIONS, TelegramError, reaction_for};
use serde_json::{Value, json};
use support::fake_llm::{DEFAULT_REPLY, FakeLlm};
use support::fake_telegram::{
    BOT_USERNAME, BotMessage, Failure, FakeTelegram, Person, TOKEN, WAIT_LIMIT,
};
use support::run::MaeumRun;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

const ALICE: Person = Person {
    id: 1001,
    first_name: "지민",
};
const BOB: Person = Person {
    id: 1002,
    first_name: "서준",
};
const GROUP: i64 = -100_200_300;

/// The adapter running in-process on a pipeline built from the default
/// configuration, with both fakes.
struct Harness {
    telegram: FakeTelegram,
    llm: FakeLlm,
    pipeline: Arc<Pipeline>,
    shutdown: CancellationToken,
    adapter: JoinHandle<Result<(), TelegramError>>,
    _data: tempfile::TempDir,
}

impl Harness {
    async fn start(configure: impl FnOnce(&mut Settings)) -> Harness {
        let telegram = FakeTelegram::start().await;
        let llm = FakeLlm::start().await;
        let data = tempfile::tempdir().unwrap();
        let env = Figment::new()
            .merge(Serialized::default(
                "store.data_dir",
                data.path().display().to_string(),
            ))
            .merge(Serialized::default("telegram.enabled", true))
            .merge(Serialized::default("telegram.api_url", &telegram.api_url));
        let secrets = Secrets {
            openai_base_url: Some(llm.base_url.clone()),
            telegram_bot_token: Some(Secret::new(TOKEN)),
            ..Secrets::default()
        };
        let mut settings = Settings::load_with(None, env, secrets).expect("test settings");
        settings.telegram.edit_interval_ms = 100;
        // The adapter's tests talk to users who consented; the consent flow on
        // Telegram has its own test below.
        settings.privacy.require_consent = false;
        // The test model is unsure of everything; these tests are about how
        // a label is rendered, so every fine label is shown.
        settings.emotion.fine_threshold = 0.0;
        configure(&mut settings);
        let (pipeline, _notices) = maeum::app::build_pipeline(&settings)
            .await
            .expect("the pipeline on the test model and SQLite");
        let pipeline = Arc::new(pipeline);
        let shutdown = CancellationToken::new();
        let adapter = tokio::spawn(maeum::telegram::run(
            pipeline.clone(),
            settings.telegram.clone(),
            settings.servers.clone(),
            Secret::new(TOKEN),
            shutdown.clone(),
        ));
        Harness {
            telegram,
            llm,
            pipeline,
            shutdown,
            adapter,
            _data: data,
        }
    }

    async fn polling() -> Harness {
        let h = Harness::start(|_| {}).await;
        h.telegram.wait_for_polling().await;
        h
    }

    /// `from` says `text` privately; returns their message's id and the
    /// bot's completed reply (a stored conversation reply has its buttons).
    async fn converse(&self, from: Person, text: &str) -> (i64, BotMessage) {
        let asked = self.telegram.private_text(from, text);
        let reply = self
            .telegram
            .wait_for_message(from.id, |m| {
                m.reply_to == Some(asked) && !m.buttons.is_empty()
            })
            .await;
        (asked, reply)
    }

    /// `from` sends a command privately; returns the bot's answer.
    async fn command(&self, from: Person, text: &str) -> BotMessage {
        let asked = self.telegram.private_text(from, text);
        self.telegram
            .wait_for_message(from.id, |m| m.reply_to == Some(asked))
            .await
    }

    async fn turns(&self, user: Person) -> Vec<Turn> {
        self.pipeline
            .store()
            .recent_turns(&key(user), 100)
            .await
            .unwrap()
    }

    async fn turn(&self, user: Person, id: i64) -> Turn {
        self.pipeline
            .store()
            .turn(&key(user), id)
            .await
            .unwrap()
            .expect("the turn is stored")
    }

    /// Cancels and expects the adapter to return cleanly; the fake Telegram
    /// stays up for a look at what happened.
    async fn stop(self) -> FakeTelegram {
        self.shutdown.cancel();
        let result = tokio::time::timeout(WAIT_LIMIT, self.adapter)
            .await
            .expect("the adapter stops in time")
            .expect("the adapter task did not panic");
        assert!(result.is_ok(), "{result:?}");
        self.telegram
    }
}

fn key(user: Person) -> UserKey {
    UserKey::new("telegram", user.id.to_string())
}

fn label_of(turn: &Turn) -> &'static EmotionLabel {
    EmotionLabel::by_code(turn.emotion_code.as_deref().expect("an emotion was read"))
        .expect("a taxonomy code")
}

/// The first line of a reply: the emotion's emoji and exact tag.
fn label_line(label: &EmotionLabel) -> String {
    format!("{} {}", label.emoji, label.tag())
}

fn without_whitespace(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

async fn wait_for_llm_requests(llm: &FakeLlm, count: usize) {
    let deadline = Instant::now() + WAIT_LIMIT;
    while llm.request_count() < count {
        assert!(Instant::now() < deadline, "the LLM got {count} requests");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The text of every message in an LLM request, joined.
fn prompt_text(request: &Value) -> String {
    FakeLlm::messages_of(request)
        .into_iter()
        .map(|(_, content)| content)
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_conversation_carries_the_emotion_label_the_reaction_and_the_history() {
    let h = Harness::polling().await;
    let written = Arc::new(AtomicUsize::new(0));
    let counter = written.clone();
    h.llm.set_reply_with(move |_| {
        let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
        format!("답장 {n}번이야. 네 마음 알 것 같아 <3")
    });
    let said = [
        "오늘 면접에서 떨어졌어",
        "너무 속상하고 우울해",
        "그래도 내일은 괜찮겠지",
    ];
    let mut exchanges = Vec::new();
    for text in said {
        exchanges.push(h.converse(ALICE, text).await);
    }

    let turns = h.turns(ALICE).await;
    assert_eq!(turns.len(), 3);
    let state = h.telegram.state();
    for ((asked, reply), turn) in exchanges.iter().zip(&turns) {
        let label = label_of(turn);
        let stored_reply = turn.reply.as_deref().expect("the reply is stored");
        assert_eq!(reply.text.lines().next(), Some(label_line(label).as_str()));
        assert!(reply.text.ends_with(stored_reply), "{}", reply.text);
        assert_eq!(reply.parse_mode.as_deref(), Some("HTML"));
        assert_eq!(turn.platform_message_id, Some(asked.to_string()));

        let reaction = state.reactions.get(&(ALICE.id, *asked));
        assert_eq!(reaction.map(String::as_str), Some(reaction_for(label)));
        assert!(ALLOWED_REACTIONS.contains(&reaction_for(label)));

        let labels: Vec<_> = reply.buttons.iter().map(|(l, _)| l.as_str()).collect();
        assert_eq!(labels, ["🔄", "👍", "👎", "🤔 느낌이 달라"]);
        let actions: Vec<_> = reply
            .buttons
            .iter()
            .map(|(_, data)| Action::decode(data).expect("our callback data"))
            .collect();
        assert_eq!(actions, Action::for_turn(turn.id));
    }

    // The third request carried the first two exchanges.
    let requests = h.llm.requests();
    let third = prompt_text(requests.last().unwrap());
    for earlier in [said[0], said[1], "답장 1번이야", "답장 2번이야"] {
        assert!(
            third.contains(earlier),
            "{earlier:?} missing from:\n{third}"
        );
    }

    let typing = state.calls_of("sendChatAction");
    assert!(
        typing
            .iter()
            .any(|c| c.params["chat_id"] == ALICE.id && c.params["action"] == "typing"),
        "typing was shown"
    );
    let names: Vec<_> = Command::MENU
        .iter()
        .map(|(n, _, _)| n.to_string())
        .collect();
    for (language, pick) in [("", 1), ("en", 2)] {
        let published = &state.commands[language];
        assert_eq!(
            published.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>(),
            names
        );
        for ((_, description), menu) in published.iter().zip(Command::MENU) {
            let expected = if pick == 1 { menu.1 } else { menu.2 };
            assert_eq!(description, expected);
        }
    }
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reply_is_streamed_by_edits_no_faster_than_the_chat_pace() {
    let interval = Duration::from_millis(400);
    let h = Harness::start(|s| s.telegram.edit_interval_ms = interval.as_millis() as u64).await;
    h.telegram.wait_for_polling().await;
    h.llm.set_stream_pieces(8);
    h.llm.set_piece_delay(Duration::from_millis(150));
    h.llm
        .set_reply("천천히 한 조각씩 말해 볼게. 오늘 정말 수고 많았어. 푹 쉬어.");

    let (_, reply) = h.converse(ALICE, "하루가 길었어").await;
    assert!(reply.text.ends_with("푹 쉬어."), "{}", reply.text);
    let state = h.telegram.state();
    assert_eq!(state.messages_in(ALICE.id).len(), 1, "one message, edited");
    let writes: Vec<_> = state
        .calls
        .iter()
        .filter(|c| matches!(c.method.as_str(), "sendMessage" | "editMessageText"))
        .filter(|c| c.params["chat_id"] == ALICE.id && c.status == 200)
        .collect();
    assert!(writes.len() >= 3, "sent, edited while streaming, completed");
    let first = writes[0].params["text"].as_str().unwrap();
    assert!(
        first.chars().count() < reply.text.chars().count(),
        "the first write shows part of the reply: {first}"
    );
    // Without pacing, writes would follow the 150 ms pieces; the slack is for
    // a loaded machine delaying one request more than the next.
    for pair in writes.windows(2) {
        let gap = pair[1].at - pair[0].at;
        assert!(
            gap + Duration::from_millis(100) >= interval,
            "writes {gap:?} apart"
        );
    }
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn regenerate_edits_the_reply_in_place_and_replaces_it_in_history() {
    let h = Harness::polling().await;
    h.llm.set_reply("처음 답장이야.");
    let (_, reply) = h.converse(ALICE, "오늘 너무 지쳤어").await;
    let turn_id = h.turns(ALICE).await[0].id;

    h.llm.set_reply("다시 생각해 봤는데, 오늘은 푹 쉬자.");
    let regenerate = &reply.buttons[0].1;
    let query = h
        .telegram
        .press(ALICE, ALICE.id, reply.message_id, regenerate);
    let edited = h
        .telegram
        .wait_for_message(ALICE.id, |m| {
            m.message_id == reply.message_id && m.text.contains("푹 쉬자") && !m.buttons.is_empty()
        })
        .await;
    assert_eq!(
        h.telegram.wait_for_press_answer(&query).await,
        None,
        "the press is answered, without a notice"
    );

    assert!(edited.edits > reply.edits);
    assert_eq!(
        edited.text.lines().next(),
        reply.text.lines().next(),
        "same label"
    );
    assert_eq!(edited.buttons, reply.buttons, "same turn, same buttons");
    assert_eq!(
        h.telegram.state().messages_in(ALICE.id).len(),
        1,
        "no new message"
    );
    let turns = h.turns(ALICE).await;
    assert_eq!(turns.len(), 1, "replaced, not added");
    assert_eq!(turns[0].id, turn_id);
    assert_eq!(
        turns[0].reply.as_deref(),
        Some("다시 생각해 봤는데, 오늘은 푹 쉬자.")
    );
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn consent_is_asked_with_a_button_and_accepting_starts_memory() {
    let h = Harness::start(|s| s.privacy.require_consent = true).await;
    h.telegram.wait_for_polling().await;
    let asked = h.telegram.private_text(ALICE, "안녕, 오늘 좀 우울해");
    let first = h
        .telegram
        .wait_for_message(ALICE.id, |m| {
            m.reply_to == Some(asked) && !m.buttons.is_empty()
        })
        .await;
    let accept = &first.buttons[0].1;
    assert!(
        matches!(Action::decode(accept), Some(Action::AcceptConsent { .. })),
        "the only button accepts the notice: {:?}",
        first.buttons
    );
    assert!(first.text.contains("/privacy"), "{}", first.text);
    assert!(
        h.turns(ALICE).await.is_empty(),
        "nothing stored before consent"
    );

    let press = h.telegram.press(ALICE, ALICE.id, first.message_id, accept);
    assert!(h.telegram.wait_for_press_answer(&press).await.is_some());
    let (_, reply) = h.converse(ALICE, "이제 기억해 줘").await;
    let turns = h.turns(ALICE).await;
    assert_eq!(turns.len(), 1, "stored after accepting");
    assert!(matches!(
        Action::decode(&reply.buttons[0].1),
        Some(Action::Regenerate { turn_id }) if turn_id == turns[0].id
    ));
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn thumbs_up_and_down_are_stored_with_the_turn() {
    let h = Harness::polling().await;
    let (_, reply) = h.converse(ALICE, "시험 잘 봤어!").await;
    let turn_id = h.turns(ALICE).await[0].id;

    let up = h
        .telegram
        .press(ALICE, ALICE.id, reply.message_id, &reply.buttons[1].1);
    assert_eq!(
        h.telegram.wait_for_press_answer(&up).await,
        Some(texts::feedback_saved(true))
    );
    assert_eq!(h.turn(ALICE, turn_id).await.feedback, Some(Feedback::Up));

    let down = h
        .telegram
        .press(ALICE, ALICE.id, reply.message_id, &reply.buttons[2].1);
    assert_eq!(
        h.telegram.wait_for_press_answer(&down).await,
        Some(texts::feedback_saved(false))
    );
    assert_eq!(h.turn(ALICE, turn_id).await.feedback, Some(Feedback::Down));

    let state = h.telegram.state();
    let now = &state.messages[&(ALICE.id, reply.message_id)];
    assert_eq!(
        (&now.text, now.edits),
        (&reply.text, reply.edits),
        "the reply stays"
    );
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_malformed_forged_or_foreign_callback_changes_nothing() {
    let h = Harness::polling().await;
    let (_, reply) = h.converse(ALICE, "오늘 기분이 좀 이상해").await;
    let before = h.turns(ALICE).await;
    let requests = h.llm.request_count();

    let regenerate = reply.buttons[0].1.clone();
    let thumbs_up = reply.buttons[1].1.clone();
    let presses = [
        (ALICE, "💥 not ours".to_string()),
        (ALICE, "m1:r:999999".to_string()),
        (ALICE, "m1:u:0".to_string()),
        (ALICE, format!("{regenerate}:extra")),
        // Someone else pressing Alice's buttons.
        (BOB, regenerate),
        (BOB, thumbs_up),
    ];
    for (who, data) in presses {
        let query = h.telegram.press(who, ALICE.id, reply.message_id, &data);
        assert_eq!(
            h.telegram.wait_for_press_answer(&query).await,
            Some(texts::stale_action()),
            "{data:?} gets a polite answer"
        );
    }

    assert_eq!(h.llm.request_count(), requests, "nothing regenerated");
    assert_eq!(h.turns(ALICE).await, before, "nothing stored");
    let state = h.telegram.state();
    let now = &state.messages[&(ALICE.id, reply.message_id)];
    assert_eq!((&now.text, now.edits), (&reply.text, reply.edits));
    assert_eq!(state.messages_in(ALICE.id).len(), 1);
    h.stop().await;
}

/// "Not how I feel" on Telegram: 🤔 under the reply opens the group
/// keyboard as a message, a group opens its emotions, an emotion is stored
/// with the turn and answered warmly with 🔄 to rewrite the reply for it.
#[tokio::test(flavor = "multi_thread")]
async fn not_how_i_feel_is_a_picker_of_inline_keyboards() {
    let h = Harness::polling().await;
    let (_, reply) = h.converse(ALICE, "오늘 회사에서 칭찬받았어").await;
    let (_, feel) = reply
        .buttons
        .iter()
        .find(|(label, _)| label.starts_with("🤔"))
        .cloned()
        .expect("a not-how-I-feel button");
    h.telegram.press(ALICE, ALICE.id, reply.message_id, &feel);
    let groups = h
        .telegram
        .wait_for_message(ALICE.id, |m| {
            m.reply_to == Some(reply.message_id) && m.buttons.len() == 6
        })
        .await;
    let (_, sad) = groups
        .buttons
        .iter()
        .find(|(label, _)| label.contains("슬픔"))
        .cloned()
        .expect("the sadness group");
    h.telegram.press(ALICE, ALICE.id, groups.message_id, &sad);
    let emotions = h
        .telegram
        .wait_for_message(ALICE.id, |m| {
            m.reply_to == Some(groups.message_id) && m.buttons.len() > 6
        })
        .await;
    let (_, lonely) = emotions
        .buttons
        .iter()
        .find(|(label, _)| label.contains("우울한"))
        .cloned()
        .expect("우울한 among the sad emotions");
    h.telegram
        .press(ALICE, ALICE.id, emotions.message_id, &lonely);
    let thanks = h
        .telegram
        .wait_for_message(ALICE.id, |m| {
            m.reply_to == Some(emotions.message_id) && m.text.contains("고마워")
        })
        .await;
    assert_eq!(
        thanks.buttons.len(),
        1,
        "🔄 to rewrite: {:?}",
        thanks.buttons
    );
    let turns = h.turns(ALICE).await;
    assert_eq!(turns[0].corrected_code.as_deref(), Some("E24"));
    h.stop().await;
}

/// `/mood`: the chart as a photo (a sane PNG) with the counts as text, in
/// the private chat; asked in a group, it goes to the DM, never the group.
#[tokio::test(flavor = "multi_thread")]
async fn mood_is_a_photo_and_its_counts_only_for_the_person() {
    let h = Harness::polling().await;
    h.converse(ALICE, "오늘 회사에서 칭찬받았어").await;
    h.converse(ALICE, "근데 좀 피곤해").await;

    let asked = h.telegram.private_text(ALICE, "/mood");
    let photo = h
        .telegram
        .wait_until("the mood chart", |s| s.photos.first().cloned())
        .await;
    assert_eq!(photo.chat_id, ALICE.id);
    assert_eq!(&photo.bytes[..8], b"\x89PNG\r\n\x1a\n");
    assert!(
        (500..20_000).contains(&photo.bytes.len()),
        "{} bytes",
        photo.bytes.len()
    );
    assert!(
        h.telegram
            .state()
            .calls_of("sendPhoto")
            .iter()
            .any(|c| c.params["reply_parameters"]["message_id"] == asked)
    );
    let counts = h
        .telegram
        .wait_for_message(ALICE.id, |m| m.text.contains("지난 30일"))
        .await;
    assert!(counts.text.contains("— 2회"), "{}", counts.text);

    let asked = h
        .telegram
        .group_text(GROUP, ALICE, "/mood", json!([]), None);
    let note = h
        .telegram
        .wait_for_message(GROUP, |m| m.reply_to == Some(asked))
        .await;
    assert!(note.text.contains("개인 메시지로 보냈어"), "{}", note.text);
    let state = h.telegram.state();
    assert_eq!(state.photos.len(), 2);
    assert_eq!(
        state.photos[1].chat_id, ALICE.id,
        "to Alice's DM, not the group"
    );
    assert!(
        state
            .messages_in(GROUP)
            .iter()
            .all(|m| !m.text.contains("지난 30일")),
        "no counts in the group"
    );
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn export_reset_and_optout_behave_as_specified() {
    let h = Harness::polling().await;
    h.converse(ALICE, "오늘 회사에서 칭찬받았어").await;
    h.converse(ALICE, "근데 좀 피곤해").await;

    // /export: the JSON as a document, complete.
    let asked = h.telegram.private_text(ALICE, "/export");
    let document = h
        .telegram
        .wait_until("the export document", |s| s.documents.first().cloned())
        .await;
    assert_eq!(document.chat_id, ALICE.id);
    assert_eq!(document.file_name, "maeum-export.json");
    let export: Value = serde_json::from_slice(&document.bytes).expect("the export is JSON");
    assert_eq!(export["user_id"], ALICE.id.to_string());
    let texts_sent: Vec<_> = export["turns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["user_text"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(texts_sent, ["오늘 회사에서 칭찬받았어", "근데 좀 피곤해"]);
    assert!(
        h.telegram
            .state()
            .calls_of("sendDocument")
            .iter()
            .any(|c| c.params["reply_parameters"]["message_id"] == asked)
    );

    // /reset forgets the conversation.
    let reset = h.command(ALICE, "/reset").await;
    assert_eq!(reset.text, texts::reset_done(2));
    assert!(h.turns(ALICE).await.is_empty());
    h.converse(ALICE, "새로 시작하자").await;
    assert_eq!(h.turns(ALICE).await.len(), 1);

    // /optout deletes everything and stores nothing more.
    let optout = h.command(ALICE, "/optout").await;
    assert_eq!(optout.text, texts::opted_out());
    assert!(
        h.pipeline
            .store()
            .export(&key(ALICE))
            .await
            .unwrap()
            .is_none()
    );
    h.llm.set_reply("그래도 얘기는 계속 들을게.");
    let asked = h.telegram.private_text(ALICE, "이제 기억 안 하는 거지?");
    let reply = h
        .telegram
        .wait_for_message(ALICE.id, |m| {
            m.reply_to == Some(asked) && m.text.ends_with("계속 들을게.")
        })
        .await;
    assert!(reply.buttons.is_empty(), "an unstored reply has no buttons");
    assert!(h.turns(ALICE).await.is_empty());
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn in_a_group_only_messages_for_the_bot_are_answered() {
    let h = Harness::polling().await;
    // Alice has a private chat with the bot, so it may DM her; Bob has none.
    h.command(ALICE, "/start").await;

    let unaddressed = h
        .telegram
        .group_text(GROUP, ALICE, "다들 오늘 뭐 했어?", json!([]), None);
    let mention = format!("@{BOT_USERNAME}");
    let text = format!("{mention} 나 오늘 좀 우울해");
    let entities =
        json!([{"type": "mention", "offset": 0, "length": mention.encode_utf16().count()}]);
    let addressed = h.telegram.group_text(GROUP, ALICE, &text, entities, None);
    let reply = h
        .telegram
        .wait_for_message(GROUP, |m| {
            m.reply_to == Some(addressed) && !m.buttons.is_empty()
        })
        .await;
    // Alice's updates are handled in order: the unaddressed one is done.
    let state = h.telegram.state();
    assert_eq!(
        state.messages_in(GROUP).len(),
        1,
        "only the mention is answered"
    );
    assert!(!state.reactions.contains_key(&(GROUP, unaddressed)));
    assert!(state.reactions.contains_key(&(GROUP, addressed)));
    let prompts: Vec<_> = h.llm.requests().iter().map(prompt_text).collect();
    assert_eq!(prompts.len(), 1);
    assert!(prompts[0].contains("나 오늘 좀 우울해"));
    assert!(!prompts[0].contains(&mention), "the mention is stripped");
    assert!(!prompts[0].contains("다들 오늘 뭐 했어"));

    // A reply to the bot addresses it.
    let answer = h.telegram.group_text(
        GROUP,
        BOB,
        "마음아 고마워",
        json!([]),
        Some(reply.message_id),
    );
    h.telegram
        .wait_for_message(GROUP, |m| m.reply_to == Some(answer))
        .await;

    // Private answers go by DM when the bot may write there.
    let asked = h
        .telegram
        .group_text(GROUP, ALICE, "/export", json!([]), None);
    let note = h
        .telegram
        .wait_for_message(GROUP, |m| m.reply_to == Some(asked))
        .await;
    assert!(note.text.contains("개인 메시지로 보냈어"), "{}", note.text);
    let documents = h.telegram.state().documents.clone();
    assert_eq!(documents.len(), 1);
    assert_eq!(
        documents[0].chat_id, ALICE.id,
        "to Alice's DM, not the group"
    );

    let asked = h.telegram.group_text(
        GROUP,
        BOB,
        &format!("/export@{BOT_USERNAME}"),
        json!([{"type": "bot_command", "offset": 0, "length": 22}]),
        None,
    );
    let note = h
        .telegram
        .wait_for_message(GROUP, |m| m.reply_to == Some(asked))
        .await;
    assert!(
        note.text.contains(&format!("t.me/{BOT_USERNAME}")),
        "{}",
        note.text
    );
    assert_eq!(
        h.telegram.state().documents.len(),
        1,
        "Bob's data stays out of the group"
    );

    // Other private answers fall back to the group when a DM is not possible.
    let asked = h
        .telegram
        .group_text(GROUP, BOB, "/privacy", json!([]), None);
    let privacy = h
        .telegram
        .wait_for_message(GROUP, |m| m.reply_to == Some(asked))
        .await;
    assert_eq!(privacy.text, texts::privacy(&h.pipeline.privacy_facts()));
    let asked = h
        .telegram
        .group_text(GROUP, ALICE, "/privacy", json!([]), None);
    let note = h
        .telegram
        .wait_for_message(GROUP, |m| m.reply_to == Some(asked))
        .await;
    assert_ne!(
        note.text,
        texts::privacy(&h.pipeline.privacy_facts()),
        "not in the group"
    );
    let dm = h.telegram.state().messages_in(ALICE.id);
    assert_eq!(
        dm.last().map(|m| m.text.clone()),
        Some(texts::privacy(&h.pipeline.privacy_facts()))
    );
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_429_is_waited_out_and_the_reply_still_arrives() {
    let h = Harness::polling().await;
    h.telegram
        .fail_next("sendMessage", Failure::RetryAfter(1), 1);
    let (_, reply) = h.converse(ALICE, "안녕, 오늘 어땠어?").await;
    assert!(reply.text.ends_with(DEFAULT_REPLY), "{}", reply.text);

    let sends = h.telegram.state().calls_of("sendMessage");
    assert_eq!(sends[0].status, 429);
    assert_eq!(sends[1].status, 200);
    assert!(
        sends[1].at - sends[0].at >= Duration::from_secs(1),
        "retry_after is honoured"
    );
    h.stop().await;
}

/// The successful writes (messages and edits) in `chat`, or in every chat.
fn writes_in(state: &support::fake_telegram::State, chat: Option<i64>) -> Vec<Instant> {
    state
        .calls
        .iter()
        .filter(|c| matches!(c.method.as_str(), "sendMessage" | "editMessageText"))
        .filter(|c| c.status == 200)
        .filter(|c| chat.is_none_or(|chat| c.params["chat_id"] == chat))
        .map(|c| c.at)
        .collect()
}

/// Fails when two of `writes` are closer than `least` (with slack for a
/// loaded machine delaying one request more than the next).
fn assert_spaced(writes: &[Instant], least: Duration, what: &str) {
    for pair in writes.windows(2) {
        let gap = pair[1] - pair[0];
        assert!(
            gap + Duration::from_millis(60) >= least,
            "{what}: writes {gap:?} apart"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn after_a_429_the_next_write_in_the_chat_keeps_the_pace() {
    let interval = Duration::from_millis(400);
    let h = Harness::start(|s| s.telegram.edit_interval_ms = interval.as_millis() as u64).await;
    h.telegram.wait_for_polling().await;
    h.llm.set_stream_pieces(6);
    h.llm.set_piece_delay(Duration::from_millis(100));
    h.telegram
        .fail_next("sendMessage", Failure::RetryAfter(1), 1);
    let (_, reply) = h.converse(ALICE, "하루가 너무 길었어").await;
    assert!(reply.text.ends_with(DEFAULT_REPLY), "{}", reply.text);
    let state = h.telegram.state();
    let writes = writes_in(&state, Some(ALICE.id));
    assert!(writes.len() >= 2, "the resent message and its edits");
    assert_spaced(&writes, interval, "after the resend");
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_group_is_written_to_no_faster_than_its_limit() {
    // 120 a minute: one write every 500 ms in the group, 100 ms in private.
    let h = Harness::start(|s| {
        s.telegram.edit_interval_ms = 100;
        s.telegram.group_messages_per_minute = 120;
    })
    .await;
    h.telegram.wait_for_polling().await;
    h.llm.set_stream_pieces(4);
    h.llm.set_piece_delay(Duration::from_millis(60));
    let mention = format!("@{BOT_USERNAME}");
    let entities =
        json!([{"type": "mention", "offset": 0, "length": mention.encode_utf16().count()}]);
    let mut asked = Vec::new();
    for (from, text) in [(ALICE, "오늘 비 온대"), (BOB, "우산 챙겨야겠다")] {
        let text = format!("{mention} {text}");
        asked.push(
            h.telegram
                .group_text(GROUP, from, &text, entities.clone(), None),
        );
    }
    for id in asked {
        h.telegram
            .wait_for_message(GROUP, |m| m.reply_to == Some(id) && !m.buttons.is_empty())
            .await;
    }
    let writes = writes_in(&h.telegram.state(), Some(GROUP));
    assert!(writes.len() >= 3, "{} writes", writes.len());
    assert_spaced(&writes, Duration::from_millis(500), "in the group");
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_whole_bot_writes_no_faster_than_its_global_limit() {
    // 5 a second in all: one write every 200 ms across four private chats
    // that each could be written to every 50 ms.
    let h = Harness::start(|s| {
        s.telegram.edit_interval_ms = 50;
        s.telegram.global_messages_per_second = 5;
    })
    .await;
    h.telegram.wait_for_polling().await;
    let people: Vec<Person> = (0..4)
        .map(|i| Person {
            id: 2001 + i,
            first_name: "민호",
        })
        .collect();
    let asked: Vec<(Person, i64)> = people
        .iter()
        .map(|&p| (p, h.telegram.private_text(p, "안녕, 잘 지냈어?")))
        .collect();
    for (person, id) in asked {
        h.telegram
            .wait_for_message(person.id, |m| {
                m.reply_to == Some(id) && !m.buttons.is_empty()
            })
            .await;
    }
    let writes = writes_in(&h.telegram.state(), None);
    assert!(writes.len() >= 4, "{} writes", writes.len());
    assert_spaced(&writes, Duration::from_millis(200), "across chats");
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reply_telegram_refuses_is_marked_on_its_turn() {
    let h = Harness::polling().await;
    h.telegram.fail_next(
        "sendMessage",
        Failure::Status(403, "Forbidden: bot was blocked by the user".into()),
        10,
    );
    h.telegram.private_text(ALICE, "내 말 들려?");
    let marked = async {
        loop {
            let turns = h.turns(ALICE).await;
            if turns.first().is_some_and(|t| t.undelivered) {
                return turns;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    };
    let turns = tokio::time::timeout(WAIT_LIMIT, marked)
        .await
        .expect("the turn is marked as not delivered");
    assert_eq!(turns.len(), 1);
    assert!(turns[0].reply.is_some(), "the reply is kept for later");
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_6000_character_reply_arrives_in_parts() {
    let h = Harness::polling().await;
    let sentence = "오늘 하루도 정말 고생 많았어, 네 얘기 들어줘서 나도 고마워. ";
    let long: String = sentence.repeat(6000 / sentence.chars().count() + 1);
    assert!(long.chars().count() >= 6000);
    h.llm.set_reply(long.clone());

    let asked = h.telegram.private_text(
        ALICE,
        "오늘 회사에서 너무 속상한 일이 있었어 얘기 길게 해도 돼?",
    );
    // The buttons come under the last part.
    let last = h
        .telegram
        .wait_for_message(ALICE.id, |m| !m.buttons.is_empty())
        .await;
    let turn = &h.turns(ALICE).await[0];
    let parts = h.telegram.state().messages_in(ALICE.id);
    assert!(parts.len() >= 2, "{} parts", parts.len());
    assert_eq!(parts.last().unwrap().message_id, last.message_id);
    assert_eq!(parts[0].reply_to, Some(asked));
    for part in &parts {
        assert!(part.text.encode_utf16().count() <= 4096);
    }
    for part in &parts[..parts.len() - 1] {
        assert!(part.buttons.is_empty(), "buttons only under the last part");
    }
    let joined: String = parts.iter().map(|p| p.text.as_str()).collect();
    let expected = format!("{}{long}", label_line(label_of(turn)));
    assert_eq!(without_whitespace(&joined), without_whitespace(&expected));
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_sticker_gets_a_note_and_an_edited_message_is_ignored() {
    let h = Harness::polling().await;
    let sticker = h.telegram.private_sticker(ALICE);
    let note = h
        .telegram
        .wait_for_message(ALICE.id, |m| m.reply_to == Some(sticker))
        .await;
    assert_eq!(note.text, texts::non_text_message());
    assert!(note.buttons.is_empty());

    let (asked, _) = h.converse(ALICE, "안녕").await;
    h.telegram.edit_private_text(ALICE, asked, "안녕 (수정함)");
    // Alice's updates are handled in order: once this is answered, so was the edit.
    h.converse(ALICE, "다음 얘기야").await;
    assert_eq!(h.llm.request_count(), 2, "the edit made no reply");
    assert_eq!(h.turns(ALICE).await.len(), 2);
    assert_eq!(h.telegram.state().messages_in(ALICE.id).len(), 3);
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn rejected_formatting_is_sent_as_plain_text() {
    let h = Harness::polling().await;
    h.telegram.reject_html(true);
    let (_, reply) = h.converse(ALICE, "오늘 좀 울적해").await;
    let turn = &h.turns(ALICE).await[0];
    assert_eq!(reply.parse_mode, None);
    assert_eq!(
        reply.text.lines().next(),
        Some(label_line(label_of(turn)).as_str())
    );
    assert!(reply.text.ends_with(DEFAULT_REPLY));
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn without_reactions_the_reply_still_carries_the_label() {
    let h = Harness::polling().await;
    h.telegram.disable_reactions(true);
    let (_, reply) = h.converse(ALICE, "친구랑 싸웠어").await;
    let turn = &h.turns(ALICE).await[0];
    assert_eq!(
        reply.text.lines().next(),
        Some(label_line(label_of(turn)).as_str())
    );
    let state = h.telegram.state();
    assert!(state.reactions.is_empty());
    assert_eq!(state.calls_of("setMessageReaction")[0].status, 400);
    h.stop().await;
}

/// POSTs JSON over plain HTTP/1.1; returns the status code.
fn post_json(addr: SocketAddr, path: &str, secret: &str, body: &Value) -> u16 {
    let body = body.to_string();
    let mut stream = std::net::TcpStream::connect(addr).expect("connect to the webhook");
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         X-Telegram-Bot-Api-Secret-Token: {secret}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .expect("an HTTP status line")
}

const PUBLIC_HOOK: &str = "https://maeum.example.test/telegram/hook";

/// The bot in webhook mode on a free port (`configure` may change more):
/// the harness, the port, and the URL and secret it registered.
async fn webhook_harness(
    configure: impl FnOnce(&mut Settings),
) -> (Harness, SocketAddr, String, String) {
    let listen = support::serve::free_port();
    let h = Harness::start(|s| {
        s.telegram.webhook_url = PUBLIC_HOOK.to_string();
        s.telegram.webhook_listen = listen;
        configure(s);
    })
    .await;
    let (url, secret) = h
        .telegram
        .wait_until("setWebhook", |s| s.webhook.clone())
        .await;
    (h, listen, url, secret)
}

#[tokio::test(flavor = "multi_thread")]
async fn webhook_mode_serves_updates_and_leaves_the_webhook_set_on_stop() {
    let (h, listen, url, secret) = webhook_harness(|_| {}).await;
    assert_eq!(url, PUBLIC_HOOK);
    assert!(!secret.is_empty() && !secret.contains(TOKEN));

    let (update, _) = h.telegram.private_text_update(ALICE, "가짜 요청이야");
    let forged = tokio::task::spawn_blocking(move || {
        post_json(listen, "/telegram/hook", "wrong-secret", &update)
    });
    assert_eq!(
        forged.await.unwrap(),
        401,
        "a request without the secret is refused"
    );

    let (update, asked) = h.telegram.private_text_update(ALICE, "웹훅으로 왔어");
    let path_secret = secret.clone();
    let status = tokio::task::spawn_blocking(move || {
        post_json(listen, "/telegram/hook", &path_secret, &update)
    });
    assert_eq!(status.await.unwrap(), 200);
    h.telegram
        .wait_for_message(ALICE.id, |m| {
            m.reply_to == Some(asked) && !m.buttons.is_empty()
        })
        .await;
    assert_eq!(
        h.llm.request_count(),
        1,
        "only the genuine update was answered"
    );

    let telegram = h.stop().await;
    let state = telegram.state();
    assert!(state.calls_of("deleteWebhook").is_empty());
    assert!(
        state.webhook.is_some(),
        "other replicas still serve the webhook"
    );
    assert!(state.calls_of("getUpdates").is_empty());
}

/// With room for one update at work and one waiting, a third posted while
/// they are busy is answered 503 (Telegram delivers it again), a malformed one
/// is skipped without its body reaching the log, and the webhook keeps serving.
#[tokio::test(flavor = "multi_thread")]
async fn a_full_webhook_queue_answers_503_and_the_bot_keeps_serving() {
    let (h, listen, _, secret) = webhook_harness(|s| s.telegram.max_pending_updates = 1).await;
    h.llm.set_delay(Duration::from_millis(1500));
    let post = |text: &str| {
        let (update, asked) = h.telegram.private_text_update(ALICE, text);
        let secret = secret.clone();
        (
            tokio::task::spawn_blocking(move || {
                post_json(listen, "/telegram/hook", &secret, &update)
            }),
            asked,
        )
    };
    let (first, _) = post("첫 번째");
    assert_eq!(first.await.unwrap(), 200);
    wait_for_llm_requests(&h.llm, 1).await;
    let (second, _) = post("두 번째");
    assert_eq!(second.await.unwrap(), 200, "one may wait");
    let (third, _) = post("세 번째");
    assert_eq!(third.await.unwrap(), 503, "the queue is full");

    let garbage = {
        let secret = secret.clone();
        tokio::task::spawn_blocking(move || {
            post_json(
                listen,
                "/telegram/hook",
                &secret,
                &json!({"not": "an update 비밀"}),
            )
        })
    };
    assert_eq!(
        garbage.await.unwrap(),
        200,
        "skipped, not redelivered forever"
    );

    // Once the first two are answered, new updates are taken again.
    wait_for_llm_requests(&h.llm, 2).await;
    h.llm.set_delay(Duration::ZERO);
    let mut accepted = false;
    for _ in 0..40 {
        let (again, _) = post("다시 보낸 세 번째");
        if again.await.unwrap() == 200 {
            accepted = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(accepted, "the webhook takes updates again");
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn on_shutdown_the_reply_in_flight_is_still_sent() {
    let h = Harness::polling().await;
    h.llm.set_delay(Duration::from_millis(1500));
    let asked = h.telegram.private_text(ALICE, "오늘 저녁 뭐 먹을지 골라줘");
    wait_for_llm_requests(&h.llm, 1).await;

    let telegram = h.stop().await;
    let state = telegram.state();
    let reply = state
        .messages_in(ALICE.id)
        .into_iter()
        .find(|m| m.reply_to == Some(asked))
        .expect("the reply was sent before the adapter returned");
    assert!(reply.text.ends_with(DEFAULT_REPLY));
    assert!(!reply.buttons.is_empty());
    let last_poll = state.calls_of("getUpdates").pop().unwrap();
    assert_eq!(
        last_poll.params["timeout"], 0,
        "the received updates were confirmed"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn maeum_run_finishes_the_reply_in_flight_on_sigterm_and_exits_0() {
    let telegram = FakeTelegram::start().await;
    let llm = FakeLlm::start().await;
    llm.set_delay(Duration::from_secs(2));
    let mut maeum = MaeumRun::start(&[
        ("TELEGRAM_BOT_TOKEN", TOKEN),
        ("MAEUM__TELEGRAM__ENABLED", "true"),
        ("MAEUM__TELEGRAM__API_URL", &telegram.api_url),
        ("MAEUM__TELEGRAM__EDIT_INTERVAL_MS", "100"),
        ("OPENAI_BASE_URL", &llm.base_url),
    ]);
    maeum.ready("polling", telegram.wait_for_polling()).await;
    let asked = telegram.private_text(ALICE, "오늘 너무 힘들었어");
    wait_for_llm_requests(&llm, 1).await;
    let status = maeum.terminate().await;
    let log = maeum.log();
    assert!(status.success(), "{status}\n{log}");
    assert!(!log.contains(TOKEN), "the token never reaches the log");
    let state = telegram.state();
    let reply = state
        .messages_in(ALICE.id)
        .into_iter()
        .find(|m| m.reply_to == Some(asked))
        .unwrap_or_else(|| panic!("the reply in flight was sent\n{log}"));
    // A first-time user: the reply, then the consent notice with its button.
    assert!(reply.text.contains(DEFAULT_REPLY), "{}", reply.text);
    assert!(reply.text.contains("/accept"), "{}", reply.text);
    assert!(!reply.buttons.is_empty());
}

/// A greeting carries no emotion (`model/neutral.json`): no reaction, no
/// label line above the reply, none stored with the turn.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_greeting_gets_no_emotion_tag_or_reaction() {
    let h = Harness::polling().await;
    h.llm.set_reply("좋은 아침! 잘 잤어?");
    let (asked, reply) = h.converse(ALICE, "좋은 아침 ㅎㅎ").await;
    assert_eq!(reply.text, "좋은 아침! 잘 잤어?", "no label line");
    assert!(
        !h.telegram
            .state()
            .reactions
            .contains_key(&(ALICE.id, asked))
    );
    assert_eq!(h.turns(ALICE).await[0].emotion_code, None);
    h.stop().await;
}
