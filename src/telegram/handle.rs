//! One update at a time: a message goes to the pipeline with its reply
//! streamed back; a button press goes to the pipeline as an action.

use std::time::Duration;

use teloxide::Bot;
use teloxide::requests::Requester;
use teloxide::types::{CallbackQuery, ChatAction, ChatId, Message, Update, UpdateKind};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;
use tracing::debug;

use super::adapter::Adapter;
use super::api::{Destination, describe, send, send_text};
use super::format::TextPart;
use super::reply::{self, Conversation};
use super::stream::{self, StreamTarget};
use super::translate::{self, Inbound};
use crate::pipeline::{Action, texts};

/// Reply pieces buffered while a write to Telegram is under way.
const EVENT_BUFFER: usize = 256;
/// Telegram shows "typing…" for 5 s or until the next message.
const TYPING_EVERY: Duration = Duration::from_secs(4);

/// Whose updates must stay in order: the sender's.
pub(crate) fn sender_of(update: &Update) -> Option<u64> {
    match &update.kind {
        UpdateKind::Message(message) => message.from.as_ref().map(|user| user.id.0),
        UpdateKind::CallbackQuery(query) => Some(query.from.id.0),
        _ => None,
    }
}

pub(crate) async fn on_update(adapter: &Adapter, update: Update) {
    match update.kind {
        UpdateKind::Message(message) => on_message(adapter, message).await,
        // The reply to the original stands; answering edits would repeat the conversation.
        UpdateKind::EditedMessage(message) => {
            debug!(chat = message.chat.id.0, "edited message ignored");
        }
        UpdateKind::CallbackQuery(query) => on_press(adapter, query).await,
        _ => debug!(update = update.id.0, "update of another kind ignored"),
    }
}

async fn on_message(adapter: &Adapter, message: Message) {
    let chat = message.chat.id;
    let incoming = match translate::message(&message, &adapter.me) {
        Inbound::Text(incoming) => incoming,
        Inbound::NonText => {
            let to = Destination {
                chat,
                reply_to: Some(message.id),
            };
            let note = TextPart::plain(texts::non_text_message());
            if let Err(error) = send_text(&adapter.bot, &adapter.pacer, to, &note, None).await {
                debug!(error = %describe(&error), "sending the non-text note failed");
            }
            return;
        }
        Inbound::Ignored(reason) => {
            debug!(chat = chat.0, reason, "message ignored");
            return;
        }
    };
    let Some(user) = message.from.as_ref().map(|from| from.id) else {
        return;
    };
    let conversation = Conversation {
        chat,
        is_group: incoming.is_group,
        user,
        message: message.id,
    };
    // Unaddressed group messages are mostly not for the bot: no "typing…" for them.
    let typing = incoming
        .addressed
        .then(|| Typing::start(adapter.bot.clone(), chat));
    let (events, receiver) = mpsc::channel(EVENT_BUFFER);
    let target = StreamTarget {
        chat,
        message: None,
        reply_to: Some(message.id),
        react_on: Some(message.id),
    };
    let (outgoing, streamed) = tokio::join!(
        adapter.pipeline.handle_streaming(incoming, Some(events)),
        stream::follow(adapter, target, receiver, None),
    );
    drop(typing);
    if let Some(outgoing) = outgoing {
        reply::deliver(adapter, &conversation, streamed, outgoing).await;
    }
}

async fn on_press(adapter: &Adapter, query: CallbackQuery) {
    let press = translate::press(&query);
    let (Some(action), Some(under)) = (press.action, press.message) else {
        debug!(data = ?query.data, "a press with data that is not ours");
        reply::answer_press(&adapter.bot, &query.id, Some(&texts::stale_action())).await;
        return;
    };
    let (chat, message) = under;
    let typing = matches!(action, Action::Regenerate { .. })
        .then(|| Typing::start(adapter.bot.clone(), chat));
    let (events, receiver) = mpsc::channel(EVENT_BUFFER);
    let (started, has_started) = oneshot::channel();
    let target = StreamTarget {
        chat,
        message: Some(message),
        reply_to: None,
        react_on: None,
    };
    // A new reply is on its way: stop the button's spinner now, not when it is written.
    let acknowledge = async {
        if has_started.await.is_ok() {
            reply::answer_press(&adapter.bot, &query.id, None).await;
            true
        } else {
            false
        }
    };
    let (outgoing, streamed, answered) = tokio::join!(
        adapter.pipeline.act(&press.user, action, Some(events)),
        stream::follow(adapter, target, receiver, Some(started)),
        acknowledge,
    );
    drop(typing);
    reply::finish_press(
        adapter,
        &press.user,
        &query.id,
        answered,
        under,
        streamed,
        outgoing,
    )
    .await;
}

/// "typing…" in a chat until dropped.
struct Typing(JoinHandle<()>);

impl Typing {
    fn start(bot: Bot, chat: ChatId) -> Typing {
        Typing(tokio::spawn(async move {
            loop {
                if let Err(error) = send(bot.send_chat_action(chat, ChatAction::Typing), None).await
                {
                    debug!(error = %describe(&error), "typing indicator failed");
                }
                tokio::time::sleep(TYPING_EVERY).await;
            }
        }))
    }
}

impl Drop for Typing {
    fn drop(&mut self) {
        self.0.abort();
    }
}
