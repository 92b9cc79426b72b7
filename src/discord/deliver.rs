//! Replies to a message: REST calls that post the rendered parts in the
//! user's channel, or in their DMs when the reply is private and the message
//! came from a server.

use serenity::all::{
    ChannelId, CreateMessage, Http, Message, MessageId, MessageReference, MessageReferenceKind,
    ReactionType,
};
use tracing::warn;

use super::render::{self, Part};
use super::rest::retrying;
use crate::pipeline::Outgoing;

/// Shown on a server message whose private answer went to the user's DMs.
const SENT_TO_DMS: &str = "📬";

/// Where a reply to a message goes.
struct Destination {
    channel: ChannelId,
    /// The user's message to answer as a Discord reply (in servers, so it is clear whom the bot answers).
    reply_to: Option<MessageId>,
}

/// Posts `outgoing` as the answer to `msg`; an error says why it (or one of
/// its parts) could not be delivered after the retries.
pub(crate) async fn reply(
    http: &Http,
    msg: &Message,
    outgoing: &Outgoing,
) -> Result<(), serenity::Error> {
    let in_server = msg.guild_id.is_some();
    let destination = if outgoing.private && in_server {
        match retrying("open a DM", || msg.author.id.create_dm_channel(http)).await {
            Ok(dm) => {
                react(http, msg.channel_id, msg.id, SENT_TO_DMS).await;
                Destination {
                    channel: dm.id,
                    reply_to: None,
                }
            }
            Err(error) => {
                // Never post a private answer in the server instead.
                warn!(%error, user = %msg.author.id, "opening a DM for a private answer failed; not answering");
                return Err(error);
            }
        }
    } else {
        Destination {
            channel: msg.channel_id,
            reply_to: in_server.then_some(msg.id),
        }
    };
    post(http, &destination, &render::parts(outgoing)).await
}

/// Sends `text` as a plain answer to `msg` in its channel.
pub(crate) async fn reply_text(http: &Http, msg: &Message, text: String) {
    let destination = Destination {
        channel: msg.channel_id,
        reply_to: msg.guild_id.is_some().then_some(msg.id),
    };
    let part = Part {
        text,
        file: None,
        buttons: Vec::new(),
    };
    if let Err(error) = post(http, &destination, &[part]).await {
        warn!(%error, channel = %msg.channel_id, "sending an answer failed");
    }
}

async fn post(
    http: &Http,
    destination: &Destination,
    parts: &[Part],
) -> Result<(), serenity::Error> {
    for (index, part) in parts.iter().enumerate() {
        let mut message = CreateMessage::new().components(part.components());
        if !part.text.is_empty() {
            message = message.content(&part.text);
        }
        if let Some(file) = part.attachment() {
            message = message.add_file(file);
        }
        if let (0, Some(reply_to)) = (index, destination.reply_to) {
            // Still posted if the user deleted their message meanwhile.
            let reference =
                MessageReference::new(MessageReferenceKind::Default, destination.channel)
                    .message_id(reply_to)
                    .fail_if_not_exists(false);
            message = message.reference_message(reference);
        }
        let sent = retrying("send a message", || {
            destination.channel.send_message(http, message.clone())
        })
        .await;
        if let Err(error) = sent {
            warn!(%error, channel = %destination.channel, part = index, "sending a reply failed");
            return Err(error);
        }
    }
    Ok(())
}

/// Adds the bot's reaction to a message; a failure is logged and otherwise ignored.
pub(crate) async fn react(http: &Http, channel: ChannelId, message: MessageId, emoji: &str) {
    let reaction = ReactionType::Unicode(emoji.to_string());
    let reacted = retrying("add a reaction", || {
        http.create_reaction(channel, message, &reaction)
    })
    .await;
    if let Err(error) = reacted {
        warn!(%error, %channel, %message, emoji, "adding a reaction failed");
    }
}
