//! Showing the pipeline's answers: a streamed reply completed with its final
//! text, further parts and buttons; a button press answered; exports as a
//! JSON document; `/mood`'s chart as a photo; private answers from a group
//! sent by DM.

use teloxide::Bot;
use teloxide::payloads::setters::*;
use teloxide::requests::Requester;
use teloxide::types::{
    CallbackQueryId, ChatId, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, MessageId,
    ReplyParameters, UserId,
};
use tracing::{debug, warn};

use super::adapter::Adapter;
use super::api::{Destination, describe, edit_text, send, send_text};
use super::format::{TextPart, plain_parts, reply_parts};
use super::stream::Streamed;
use super::translate::user_key;
use crate::adapter::EXPORT_FILE_NAME;
use crate::pipeline::{Action, Outgoing, ReplyKind};
use crate::store::UserKey;

/// The chat a message came from, and who sent it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Conversation {
    pub chat: ChatId,
    pub is_group: bool,
    pub user: UserId,
    pub message: MessageId,
}

impl Conversation {
    /// A reply to the user's message, in its chat.
    fn here(&self) -> Destination {
        Destination {
            chat: self.chat,
            reply_to: Some(self.message),
        }
    }

    /// Where an answer only for the user goes: their DM when they asked in a group.
    fn private_chat(&self) -> ChatId {
        if self.is_group {
            dm(self.user)
        } else {
            self.chat
        }
    }
}

/// Shows the pipeline's answer to a message, completing a streamed reply.
pub(crate) async fn deliver(
    adapter: &Adapter,
    conversation: &Conversation,
    streamed: Streamed,
    outgoing: Outgoing,
) {
    let here = conversation.here();
    let result = if outgoing.kind == ReplyKind::Export {
        deliver_export(adapter, conversation, &outgoing.body).await
    } else if let Some(png) = &outgoing.picture_png {
        deliver_picture(adapter, conversation, png, &outgoing.text()).await
    } else if outgoing.private && conversation.is_group {
        deliver_privately(adapter, conversation, &outgoing.text()).await
    } else {
        let parts = reply_parts(outgoing.emotion.as_ref(), &outgoing.text());
        let keyboard = keyboard(&outgoing.buttons());
        write(adapter, here, streamed.message, &parts, keyboard.as_ref()).await
    };
    if let Err(error) = result {
        warn!(error = %describe(&error), chat = conversation.chat.0, "sending a reply failed");
        let user = user_key(conversation.user);
        adapter
            .pipeline
            .delivery_failed(&user, &outgoing, &describe(&error))
            .await;
    }
}

/// Completes a button press on the message `message`: a new reply replaces
/// it in place; anything else (feedback thanks, a stale button) answers the
/// press as a brief notice, or as a message when the notice can't show it.
/// `answered`: the press was answered already.
pub(crate) async fn finish_press(
    adapter: &Adapter,
    user: &UserKey,
    query: &CallbackQueryId,
    answered: bool,
    (chat, message): (ChatId, MessageId),
    streamed: Streamed,
    outgoing: Outgoing,
) {
    let result = if streamed.text_seen {
        if !answered {
            answer_press(&adapter.bot, query, None).await;
        }
        let parts = reply_parts(outgoing.emotion.as_ref(), &outgoing.text());
        let keyboard = keyboard(&outgoing.buttons());
        let to = Destination {
            chat,
            reply_to: None,
        };
        write(adapter, to, Some(message), &parts, keyboard.as_ref()).await
    } else if !outgoing.buttons().is_empty() {
        // A step with choices (the feeling picker): a message with its buttons.
        if !answered {
            answer_press(&adapter.bot, query, None).await;
        }
        let to = Destination {
            chat,
            reply_to: Some(message),
        };
        let keyboard = keyboard(&outgoing.buttons());
        write(
            adapter,
            to,
            None,
            &plain_parts(&outgoing.text()),
            keyboard.as_ref(),
        )
        .await
    } else if !answered && answer_press(&adapter.bot, query, Some(&outgoing.text())).await {
        Ok(())
    } else {
        let to = Destination {
            chat,
            reply_to: Some(message),
        };
        write(adapter, to, None, &plain_parts(&outgoing.text()), None).await
    };
    if let Err(error) = result {
        warn!(error = %describe(&error), chat = chat.0, "answering a button failed");
        adapter
            .pipeline
            .delivery_failed(user, &outgoing, &describe(&error))
            .await;
    }
}

/// Telegram shows at most this many characters in a press's notice.
const MAX_NOTICE_CHARS: usize = 200;

/// Answers a button press (so its spinner stops), showing `notice` when it
/// fits; returns whether the notice was shown.
pub(crate) async fn answer_press(bot: &Bot, query: &CallbackQueryId, notice: Option<&str>) -> bool {
    let notice = notice.filter(|text| text.chars().count() <= MAX_NOTICE_CHARS);
    let mut request = bot.answer_callback_query(query.clone());
    if let Some(text) = notice {
        request = request.text(text);
    }
    match send(request, None).await {
        Ok(_) => notice.is_some(),
        Err(error) => {
            debug!(error = %describe(&error), "answering a press failed (too old?)");
            false
        }
    }
}

/// The buttons under a reply: 🔄 👍 👎 🤔 in one row; a longer list (the
/// feeling picker) three to a row.
pub(crate) fn keyboard(actions: &[Action]) -> Option<InlineKeyboardMarkup> {
    let per_row = if actions.len() <= 4 { 4 } else { 3 };
    (!actions.is_empty()).then(|| {
        InlineKeyboardMarkup::new(actions.chunks(per_row).map(|row| {
            row.iter()
                .map(|action| InlineKeyboardButton::callback(action.label(), action.encode()))
                .collect::<Vec<_>>()
        }))
    })
}

/// Writes `parts` in order, the first into `existing` when given, the
/// keyboard under the last.
async fn write(
    adapter: &Adapter,
    to: Destination,
    existing: Option<MessageId>,
    parts: &[TextPart],
    keyboard: Option<&InlineKeyboardMarkup>,
) -> Result<(), teloxide::RequestError> {
    let (bot, pacer) = (&adapter.bot, &adapter.pacer);
    for (i, part) in parts.iter().enumerate() {
        let keyboard = if i + 1 == parts.len() { keyboard } else { None };
        if i == 0
            && let Some(id) = existing
        {
            match edit_text(bot, pacer, to.chat, id, part, keyboard).await {
                Ok(()) => continue,
                // Deleted meanwhile, or too old to edit: send it anew.
                Err(error) => {
                    warn!(error = %describe(&error), "editing the reply failed; sending it anew")
                }
            }
        }
        let to = Destination {
            chat: to.chat,
            reply_to: if i == 0 { to.reply_to } else { None },
        };
        send_text(bot, pacer, to, part, keyboard).await?;
    }
    Ok(())
}

/// `/export`: a JSON document, sent to the user's DM from a group. If the
/// document can't be sent in a private chat, the JSON comes as text.
async fn deliver_export(
    adapter: &Adapter,
    conversation: &Conversation,
    json: &str,
) -> Result<(), teloxide::RequestError> {
    let (bot, pacer) = (&adapter.bot, &adapter.pacer);
    let (here, target) = (conversation.here(), conversation.private_chat());
    let document = InputFile::memory(json.as_bytes().to_vec()).file_name(EXPORT_FILE_NAME);
    let mut request = bot.send_document(target, document).caption(EXPORT_CAPTION);
    if !conversation.is_group {
        request = request.reply_parameters(
            ReplyParameters::new(conversation.message).allow_sending_without_reply(),
        );
    }
    match send(request, Some((pacer, target))).await {
        Ok(_) if conversation.is_group => {
            write(adapter, here, None, &[TextPart::plain(SENT_BY_DM)], None).await
        }
        Ok(_) => Ok(()),
        Err(error) if conversation.is_group => {
            debug!(error = %describe(&error), "can't DM the export");
            let note = cannot_dm(&adapter.me.username, "export");
            write(adapter, here, None, &[TextPart::plain(note)], None).await
        }
        Err(error) => {
            warn!(error = %describe(&error), "sending the export as a document failed; sending it as text");
            write(adapter, here, None, &plain_parts(json), None).await
        }
    }
}

/// A picture answer (`/mood`): the photo with a short caption, then its text,
/// in the user's DM when asked in a group — never shown in the group. If the
/// photo cannot be sent in a private chat, the text comes alone.
async fn deliver_picture(
    adapter: &Adapter,
    conversation: &Conversation,
    png: &[u8],
    text: &str,
) -> Result<(), teloxide::RequestError> {
    let (here, target) = (conversation.here(), conversation.private_chat());
    let photo = InputFile::memory(png.to_vec()).file_name(PICTURE_FILE_NAME);
    let mut request = adapter
        .bot
        .send_photo(target, photo)
        .caption(PICTURE_CAPTION);
    if !conversation.is_group {
        request = request.reply_parameters(
            ReplyParameters::new(conversation.message).allow_sending_without_reply(),
        );
    }
    let there = Destination {
        chat: target,
        reply_to: None,
    };
    match send(request, Some((&adapter.pacer, target))).await {
        Ok(_) => {
            write(adapter, there, None, &plain_parts(text), None).await?;
            if conversation.is_group {
                write(adapter, here, None, &[TextPart::plain(SENT_BY_DM)], None).await?;
            }
            Ok(())
        }
        Err(error) if conversation.is_group => {
            debug!(error = %describe(&error), "can't DM the picture");
            let note = cannot_dm(&adapter.me.username, "mood");
            write(adapter, here, None, &[TextPart::plain(note)], None).await
        }
        Err(error) => {
            warn!(error = %describe(&error), "sending the picture failed; sending its text");
            write(adapter, here, None, &plain_parts(text), None).await
        }
    }
}

/// A private answer (privacy notice, opt-out) asked for in a group: by DM
/// when the bot may write to the user, else in the group.
async fn deliver_privately(
    adapter: &Adapter,
    conversation: &Conversation,
    text: &str,
) -> Result<(), teloxide::RequestError> {
    let here = conversation.here();
    let there = Destination {
        chat: dm(conversation.user),
        reply_to: None,
    };
    match write(adapter, there, None, &plain_parts(text), None).await {
        Ok(()) => write(adapter, here, None, &[TextPart::plain(SENT_BY_DM)], None).await,
        Err(error) => {
            debug!(error = %describe(&error), "can't DM the user; answering in the group");
            write(adapter, here, None, &plain_parts(text), None).await
        }
    }
}

/// A user's private chat with the bot has the user's id.
fn dm(user: UserId) -> ChatId {
    ChatId::from(user)
}

const EXPORT_CAPTION: &str = "네 데이터 전부야 (JSON). (Everything stored about you.)";
const SENT_BY_DM: &str = "개인 메시지로 보냈어. 📬 (Sent to you privately.)";

const PICTURE_FILE_NAME: &str = "maeum-mood.png";
const PICTURE_CAPTION: &str = "최근 7일 | 30일 감정 흐름 (Your last 7 | 30 days)";

/// Asked in a group for something only sent privately, when the bot may not DM the user.
fn cannot_dm(bot_username: &str, command: &str) -> String {
    format!(
        "네 데이터는 여기 말고 개인 메시지로만 보내. 먼저 t.me/{bot_username} 에서 /start 하고, 거기서 /{command} 해줘.\n\
         (Your data is only sent privately: start a chat with me at t.me/{bot_username} and send /{command} there.)"
    )
}
