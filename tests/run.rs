//! `maeum run` with Telegram and Discord enabled together: one process, one
//! pipeline, both platforms answered, and a clean exit on SIGTERM.

mod support;

use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::Duration;

use support::fake_discord::{FakeDiscord, FakeUser};
use support::fake_llm::{DEFAULT_REPLY, FakeLlm};
use support::fake_telegram::{FakeTelegram, Person};

const DISCORD_TOKEN: &str = support::fake_discord::TOKEN;

async fn exited(child: &mut Child) -> ExitStatus {
    loop {
        if let Some(status) = child.try_wait().expect("wait for maeum") {
            return status;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_adapters_serve_from_one_process_and_stop_on_sigterm() {
    let telegram = FakeTelegram::start().await;
    let discord = FakeDiscord::start().await;
    let llm = FakeLlm::start().await;
    let data = tempfile::tempdir().unwrap();
    let log = tempfile::NamedTempFile::new().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_maeum"))
        .arg("run")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("TELEGRAM_BOT_TOKEN", support::fake_telegram::TOKEN)
        .env("MAEUM__TELEGRAM__ENABLED", "true")
        .env("MAEUM__TELEGRAM__API_URL", &telegram.api_url)
        .env("DISCORD_TOKEN", DISCORD_TOKEN)
        .env("MAEUM__DISCORD__ENABLED", "true")
        .env("MAEUM__DISCORD__PROXY_URL", &discord.rest_url)
        .env("OPENAI_BASE_URL", &llm.base_url)
        .env("MAEUM__STORE__DATA_DIR", data.path())
        .env_remove("DATABASE_URL")
        .env_remove("OPENAI_API_KEY")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log.reopen().unwrap())
        .spawn()
        .expect("start maeum run");
    let stderr = || std::fs::read_to_string(log.path()).unwrap_or_default();

    tokio::select! {
        _ = async { tokio::join!(telegram.wait_for_polling(), discord.wait_session(1)) } => {}
        status = exited(&mut child) => panic!("maeum exited before connecting: {status:?}\n{}", stderr()),
    }

    let alice = Person {
        id: 1001,
        first_name: "지민",
    };
    let asked = telegram.private_text(alice, "오늘 좀 피곤해");
    let on_telegram = telegram
        .wait_for_message(alice.id, |m| m.reply_to == Some(asked))
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

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = tokio::time::timeout(Duration::from_secs(30), exited(&mut child))
        .await
        .expect("maeum stops after SIGTERM");
    assert!(status.success(), "exit {status:?}\n{}", stderr());
    assert!(
        discord.world(|w| w.close_codes.contains(&1000)),
        "Discord's gateway was closed normally"
    );
    let log = stderr();
    assert!(
        !log.contains(support::fake_telegram::TOKEN) && !log.contains(DISCORD_TOKEN),
        "no token in the log"
    );
}
