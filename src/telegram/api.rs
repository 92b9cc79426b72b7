//! Bot API calls as the adapter makes them: paced (per chat, per group, for
//! the whole bot), a 429's `retry_after` waited out, HTML that Telegram
//! rejects resent as plain text, and errors described without the token
//! (reqwest puts the URL, which holds the token, in its messages).

use std::error::Error as _;
use std::time::Duration;

use teloxide::payloads::setters::*;
use teloxide::requests::{Output, Request, Requester};
use teloxide::types::{
    ChatId, InlineKeyboardMarkup, Message, MessageId, ParseMode, ReplyParameters,
};
use teloxide::{ApiError, Bot, RequestError};
use tokio::time::Instant;
use tracing::{debug, warn};

use super::format::TextPart;
use super::pace::ChatPacer;

/// How many times one call is retried after a 429.
const MAX_RATE_LIMIT_RETRIES: u32 = 5;

/// Sends `request` — with `pace`, in the chat's turn (see [`ChatPacer`]) —
/// waiting out each 429's `retry_after` (and holding the chat's writes for as
/// long) before sending it again in the chat's next turn.
pub(crate) async fn send<R>(
    request: R,
    pace: Option<(&ChatPacer, ChatId)>,
) -> Result<Output<R>, RequestError>
where
    R: Request<Err = RequestError>,
{
    let mut retries = 0;
    loop {
        if let Some((pacer, chat)) = pace {
            pacer.wait_turn(chat).await;
        }
        match request.send_ref().await {
            Err(RequestError::RetryAfter(after)) if retries < MAX_RATE_LIMIT_RETRIES => {
                retries += 1;
                let wait = after.duration().max(Duration::from_millis(100));
                warn!(
                    wait_secs = wait.as_secs_f32(),
                    retries, "Telegram asked to slow down; waiting before sending again"
                );
                match pace {
                    Some((pacer, chat)) => pacer.hold(chat, Instant::now() + wait),
                    None => tokio::time::sleep(wait).await,
                }
            }
            result => return result,
        }
    }
}

/// Where a new message goes and what it answers.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Destination {
    pub chat: ChatId,
    pub reply_to: Option<MessageId>,
}

/// Sends one message in its turn, as HTML when it has HTML, else (or when the
/// HTML is rejected) as plain text.
pub(crate) async fn send_text(
    bot: &Bot,
    pacer: &ChatPacer,
    to: Destination,
    part: &TextPart,
    keyboard: Option<&InlineKeyboardMarkup>,
) -> Result<Message, RequestError> {
    let request = |text: &str, html: bool| {
        let mut request = bot.send_message(to.chat, text);
        if html {
            request = request.parse_mode(ParseMode::Html);
        }
        if let Some(id) = to.reply_to {
            request =
                request.reply_parameters(ReplyParameters::new(id).allow_sending_without_reply());
        }
        if let Some(keyboard) = keyboard {
            request = request.reply_markup(keyboard.clone());
        }
        request
    };
    if let Some(html) = &part.html {
        match send(request(html, true), Some((pacer, to.chat))).await {
            Err(RequestError::Api(ApiError::CantParseEntities(reason))) => {
                warn!(%reason, "Telegram rejected the formatting; sending plain text");
            }
            result => return result,
        }
    }
    send(request(&part.plain, false), Some((pacer, to.chat))).await
}

/// Replaces a message's text (and keyboard) in its turn; an unchanged
/// message counts as done.
pub(crate) async fn edit_text(
    bot: &Bot,
    pacer: &ChatPacer,
    chat: ChatId,
    message: MessageId,
    part: &TextPart,
    keyboard: Option<&InlineKeyboardMarkup>,
) -> Result<(), RequestError> {
    let request = |text: &str, html: bool| {
        let mut request = bot.edit_message_text(chat, message, text);
        if html {
            request = request.parse_mode(ParseMode::Html);
        }
        if let Some(keyboard) = keyboard {
            request = request.reply_markup(keyboard.clone());
        }
        request
    };
    let mut result = match &part.html {
        Some(html) => send(request(html, true), Some((pacer, chat)))
            .await
            .map(drop),
        None => send(request(&part.plain, false), Some((pacer, chat)))
            .await
            .map(drop),
    };
    if let (Err(RequestError::Api(ApiError::CantParseEntities(reason))), Some(_)) =
        (&result, &part.html)
    {
        warn!(%reason, "Telegram rejected the formatting; editing as plain text");
        result = send(request(&part.plain, false), Some((pacer, chat)))
            .await
            .map(drop);
    }
    match result {
        Err(RequestError::Api(ApiError::MessageNotModified)) => {
            debug!("the message already shows this text");
            Ok(())
        }
        result => result,
    }
}

/// The error as safe to log: network errors lose their URL (it holds the token).
pub(crate) fn describe(error: &RequestError) -> String {
    match error {
        RequestError::Network(network) => {
            let kind = if network.is_timeout() {
                "timed out"
            } else if network.is_connect() {
                "could not connect"
            } else {
                "request failed"
            };
            let mut text = format!("network: {kind}");
            let mut source = network.source();
            while let Some(cause) = source {
                text.push_str(": ");
                text.push_str(&cause.to_string());
                source = cause.source();
            }
            text
        }
        other => other.to_string(),
    }
}
