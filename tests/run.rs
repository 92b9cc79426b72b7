//! `maeum run` with Telegram and Discord enabled together: one process, one
//! pipeline, both platforms answered, and a clean exit on SIGTERM.

mod support;

use support::fake_discord::{FakeDiscord, FakeUser};
use support::fake_llm::{DEFAULT_REPLY, FakeLlm};
use support::fake_telegram::{FakeTelegram, Person};
use support::run::MaeumRun;

const DISCORD_TOKEN: &str = support::fake_discord::TOKEN;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_adapters_serve_from_one_process_and_stop_on_sigterm() {
    let telegram = FakeTelegram::start().await;
    let discord = FakeDiscord::start().await;
    let llm = FakeLlm::start().await;
    let mut maeum = MaeumRun::start(&[
        ("TELEGRAM_BOT_TOKEN", support::fake_telegram::TOKEN),
        ("MAEUM__TELEGRAM__ENABLED", "true"),
        ("MAEUM__TELEGRAM__API_URL", &telegram.api_url),
        ("DISCORD_TOKEN", DISCORD_TOKEN),
        ("MAEUM__DISCORD__ENABLED", "true"),
        ("MAEUM__DISCORD__PROXY_URL", &discord.rest_url),
        ("OPENAI_BASE_URL", &llm.base_url),
    ]);
    maeum
        .ready("connecting", async {
            tokio::join!(telegram.wait_for_polling(), discord.wait_session(1))
        })
        .await;

    let alice = Person {
        id: 1001,
        first_name: "지민",
    };
    let asked = telegram.private_text(alice, "오늘 좀 피곤해");
    // The reply streams in: wait for its final text, not its first edit.
    let on_telegram = telegram
        .wait_for_message(alice.id, |m| {
            m.reply_to == Some(asked) && m.text.contains(DEFAULT_REPLY)
        })
        .await;
    assert!(
        on_telegram.text.contains(DEFAULT_REPLY),
        "{}",
        on_telegram.text
    );

    let minji = FakeUser::new(42, "민지");
    discord.dm(&minji, "나도 피곤해");
    let on_discord = discord
        .wait_bot_messages(FakeDiscord::dm_channel(&minji), 1)
        .await;
    assert!(
        on_discord[0].content.contains(DEFAULT_REPLY),
        "{}",
        on_discord[0].content
    );
    assert_eq!(llm.request_count(), 2, "one pipeline answered both");

    let status = maeum.terminate().await;
    assert!(status.success(), "exit {status:?}\n{}", maeum.log());
    assert!(
        discord.world(|w| w.close_codes.contains(&1000)),
        "Discord's gateway was closed normally"
    );
    let log = maeum.log();
    assert!(
        !log.contains(support::fake_telegram::TOKEN) && !log.contains(DISCORD_TOKEN),
        "no token in the log"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_discord_adapter_leaves_telegram_answering() {
    let telegram = FakeTelegram::start().await;
    let discord = FakeDiscord::start().await;
    let llm = FakeLlm::start().await;
    let listen = support::serve::free_port().to_string();
    let mut maeum = MaeumRun::start(&[
        ("TELEGRAM_BOT_TOKEN", support::fake_telegram::TOKEN),
        ("MAEUM__TELEGRAM__ENABLED", "true"),
        ("MAEUM__TELEGRAM__API_URL", &telegram.api_url),
        // Discord refuses this token: its adapter stops at start.
        ("DISCORD_TOKEN", "revoked-token"),
        ("MAEUM__DISCORD__ENABLED", "true"),
        ("MAEUM__DISCORD__PROXY_URL", &discord.rest_url),
        ("MAEUM_HTTP_TOKEN", "http-test-token"),
        ("MAEUM__HTTP__ENABLED", "true"),
        ("MAEUM__HTTP__LISTEN", &listen),
        ("OPENAI_BASE_URL", &llm.base_url),
    ]);
    maeum.ready("polling", telegram.wait_for_polling()).await;
    maeum
        .wait_for_log("the Discord adapter's failure", |log| {
            log.contains("adapter stopped with an error").then_some(())
        })
        .await;

    let alice = Person {
        id: 1001,
        first_name: "지민",
    };
    let asked = telegram.private_text(alice, "오늘 좀 피곤해");
    // The reply streams in: wait for its final text, not its first edit.
    let answer = telegram
        .wait_for_message(alice.id, |m| {
            m.reply_to == Some(asked) && m.text.contains(DEFAULT_REPLY)
        })
        .await;
    assert!(answer.text.contains(DEFAULT_REPLY), "{}", answer.text);

    let readyz = reqwest::get(format!("http://{listen}/readyz"))
        .await
        .expect("/readyz answers");
    assert_eq!(readyz.status(), 503, "not ready while an adapter is down");
    let body: serde_json::Value = readyz.json().await.unwrap();
    assert_eq!(body["adapters"]["discord"], "stopped");
    assert_eq!(body["adapters"]["telegram"], "serving");
    assert_eq!(body["adapters"]["http"], "serving");

    // The failure was reported as it happened; SIGTERM is still a clean stop.
    let status = maeum.terminate().await;
    assert!(status.success(), "exit {status:?}\n{}", maeum.log());
    assert!(
        maeum.log().contains("DISCORD_TOKEN"),
        "the log says what to fix"
    );
}
