//! A reply as it is written: the reaction as soon as the emotion is known,
//! and the text shown in one message, edited no more often than the chat's
//! pace allows. [`super::reply`] completes it.

use teloxide::Bot;
use teloxide::payloads::setters::*;
use teloxide::requests::Requester;
use teloxide::types::{ChatId, MessageId, ReactionType};
use tokio::sync::{mpsc, oneshot};
use tracing::debug;

use super::adapter::Adapter;
use super::api::{Destination, describe, edit_text, send, send_text};
use super::format::{TextPart, reply_parts};
use super::reaction::reaction_for;
use crate::emotion::Emotion;
use crate::pipeline::ReplyEvent;

/// Where a reply is streamed to.
#[derive(Debug, Clone, Copy)]
pub(crate) struct StreamTarget {
    pub chat: ChatId,
    /// The message to write into (regenerate edits the reply in place);
    /// `None`: a new message, answering `reply_to`.
    pub message: Option<MessageId>,
    pub reply_to: Option<MessageId>,
    /// The user's message that gets the emotion's reaction.
    pub react_on: Option<MessageId>,
}

/// What streaming left behind.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Streamed {
    /// The message the reply was streamed into, if any.
    pub message: Option<MessageId>,
    /// Whether any reply text arrived.
    pub text_seen: bool,
}

/// Follows a reply as it is made: reacts when the emotion is known, and shows
/// the text in one message, edited no more often than the chat's pace allows.
/// `started` fires at the first event. Returns when the sender is dropped.
pub(crate) async fn follow(
    adapter: &Adapter,
    target: StreamTarget,
    mut events: mpsc::Receiver<ReplyEvent>,
    mut started: Option<oneshot::Sender<()>>,
) -> Streamed {
    let mut emotion: Option<Emotion> = None;
    let mut body = String::new();
    let mut unshown = false;
    let mut streamed = Streamed {
        message: target.message,
        text_seen: false,
    };
    loop {
        let due = adapter.pacer.next_slot(target.chat);
        tokio::select! {
            biased;
            _ = tokio::time::sleep_until(due), if unshown => {
                unshown = false;
                // While streaming, the first part is shown; the rest comes at the end.
                if let Some(part) = reply_parts(emotion.as_ref(), &body).first() {
                    streamed.message = show_progress(adapter, &target, streamed.message, part).await;
                }
            }
            event = events.recv() => {
                let Some(event) = event else { break };
                if let Some(started) = started.take() {
                    let _ = started.send(());
                }
                match event {
                    ReplyEvent::Emotion(read) => {
                        emotion = Some(read);
                        if let Some(message) = target.react_on {
                            react(&adapter.bot, target.chat, message, &read).await;
                        }
                    }
                    ReplyEvent::Text(piece) => {
                        body.push_str(&piece);
                        streamed.text_seen = true;
                        unshown = !body.trim().is_empty();
                    }
                }
            }
        }
    }
    streamed
}

/// Writes the reply so far; returns the message it is in.
async fn show_progress(
    adapter: &Adapter,
    target: &StreamTarget,
    message: Option<MessageId>,
    part: &TextPart,
) -> Option<MessageId> {
    let (bot, pacer) = (&adapter.bot, &adapter.pacer);
    match message {
        Some(id) => {
            if let Err(error) = edit_text(bot, pacer, target.chat, id, part, None).await {
                debug!(error = %describe(&error), "a streaming edit failed; the final text follows");
            }
            Some(id)
        }
        None => {
            let to = Destination {
                chat: target.chat,
                reply_to: target.reply_to,
            };
            match send_text(bot, pacer, to, part, None).await {
                Ok(sent) => Some(sent.id),
                Err(error) => {
                    debug!(error = %describe(&error), "starting a streamed reply failed; the final text follows");
                    None
                }
            }
        }
    }
}

/// Puts the emotion's nearest allowed reaction on the user's message. Chats
/// can turn reactions off: then the label in the reply is all there is.
async fn react(bot: &Bot, chat: ChatId, message: MessageId, emotion: &Emotion) {
    let reaction = ReactionType::Emoji {
        emoji: reaction_for(emotion.label).to_string(),
    };
    let request = bot
        .set_message_reaction(chat, message)
        .reaction(vec![reaction]);
    if let Err(error) = send(request, None).await {
        debug!(error = %describe(&error), chat = chat.0, "no reaction in this chat");
    }
}
