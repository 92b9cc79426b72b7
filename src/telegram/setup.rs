//! Start-up: the client, who the bot is, the command menu, the webhook secret.

use std::fmt::Display;
use std::str::FromStr;

use hmac::{Hmac, Mac};
use sha2::Sha256;
use teloxide::Bot;
use teloxide::payloads::setters::*;
use teloxide::requests::Requester;
use teloxide::types::BotCommand;
use tracing::{info, warn};

use super::TelegramError;
use super::api::{describe, send};
use super::translate::BotIdentity;
use crate::config::{Secret, TelegramSettings};
use crate::pipeline::Command;

/// The client, pointed at `telegram.api_url` when one is set.
pub(crate) fn bot(settings: &TelegramSettings, token: &Secret) -> Result<Bot, TelegramError> {
    let bot = Bot::new(token.expose());
    let api_url = settings.api_url.trim();
    if api_url.is_empty() {
        return Ok(bot);
    }
    Ok(bot.set_api_url(parse_url("telegram.api_url", api_url)?))
}

/// Parses a URL into whatever URL type the caller needs (teloxide's `url::Url`).
pub(crate) fn parse_url<U>(key: &'static str, value: &str) -> Result<U, TelegramError>
where
    U: FromStr,
    U::Err: Display,
{
    value
        .trim()
        .parse()
        .map_err(|error: U::Err| TelegramError::Url {
            key,
            reason: error.to_string(),
        })
}

/// `getMe`: checks the token and learns the bot's id and username.
pub(crate) async fn identify(bot: &Bot) -> Result<BotIdentity, TelegramError> {
    let me = send(bot.get_me(), None)
        .await
        .map_err(|error| TelegramError::Connect(describe(&error)))?;
    Ok(BotIdentity {
        id: me.user.id,
        username: me.username().to_string(),
    })
}

/// Publishes the command menu, in Korean by default and in English for
/// English-speaking users. A failure only costs the menu.
pub(crate) async fn publish_commands(bot: &Bot) {
    let korean = Command::MENU.map(|(name, ko, _)| BotCommand::new(name, ko));
    let english = Command::MENU.map(|(name, _, en)| BotCommand::new(name, en));
    let results = [
        send(bot.set_my_commands(korean), None).await,
        send(bot.set_my_commands(english).language_code("en"), None).await,
    ];
    match results.iter().find_map(|r| r.as_ref().err()) {
        None => info!(commands = Command::MENU.len(), "published the command menu"),
        Some(error) => warn!(error = %describe(error), "publishing the command menu failed"),
    }
}

/// The secret Telegram sends with every webhook request. Derived from the
/// token, so every replica of the bot agrees on it without more configuration.
pub(crate) fn webhook_secret(token: &Secret) -> String {
    // HMAC takes keys of any length; `new_from_slice` cannot fail here.
    let mut mac = Hmac::<Sha256>::new_from_slice(token.expose().as_bytes())
        .expect("HMAC accepts keys of any length");
    mac.update(b"maeum telegram webhook secret v1");
    hex::encode(mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_webhook_secret_is_stable_per_token_and_uses_allowed_characters() {
        let a = webhook_secret(&Secret::new("123:abc"));
        assert_eq!(a, webhook_secret(&Secret::new("123:abc")));
        assert_ne!(a, webhook_secret(&Secret::new("123:abd")));
        assert!(!a.contains("abc"));
        assert!((1..=256).contains(&a.len()));
        assert!(a.bytes().all(|b| b.is_ascii_alphanumeric()));
    }

    #[test]
    fn a_bad_api_url_names_its_key() {
        let settings = TelegramSettings {
            enabled: true,
            api_url: "http://[::1".into(),
            webhook_url: String::new(),
            webhook_listen: "127.0.0.1:0".parse().unwrap(),
            edit_interval_ms: 1000,
            group_messages_per_minute: 20,
            global_messages_per_second: 30,
            max_pending_updates: 8,
        };
        let error = bot(&settings, &Secret::new("1:x")).unwrap_err();
        assert!(error.to_string().contains("telegram.api_url"), "{error}");
    }
}
