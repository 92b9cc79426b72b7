//! Telegram updates as the pipeline's types: a message becomes an
//! [`Incoming`] (or a non-text note, or nothing), a button press a decoded
//! [`Action`]. What to do with them is the pipeline's business.

use teloxide::types::{
    CallbackQuery, ChatId, MediaKind, Message, MessageEntityKind, MessageId, MessageKind, UserId,
};

use crate::pipeline::{Action, Incoming};
use crate::store::UserKey;

pub(crate) const PLATFORM: &str = "telegram";

/// Who the bot is, from `getMe`.
#[derive(Debug, Clone)]
pub(crate) struct BotIdentity {
    pub id: UserId,
    /// Without the `@`.
    pub username: String,
}

/// What a message asks of the bot.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Inbound {
    Text(Incoming),
    /// A sticker, photo, voice note… sent to the bot: it can't read those.
    NonText,
    /// Not for the bot: service messages, other bots, media in a group not
    /// sent to the bot.
    Ignored(&'static str),
}

pub(crate) fn user_key(user: UserId) -> UserKey {
    UserKey::new(PLATFORM, user.0.to_string())
}

/// Reads a new message.
pub(crate) fn message(message: &Message, me: &BotIdentity) -> Inbound {
    let Some(from) = message.from.as_ref() else {
        return Inbound::Ignored("no sender (a channel post or anonymous admin)");
    };
    if from.is_bot {
        return Inbound::Ignored("sent by a bot");
    }
    if message.chat.is_channel() {
        return Inbound::Ignored("a channel");
    }
    let is_group = !message.chat.is_private();
    let replies_to_bot = message
        .reply_to_message()
        .and_then(|replied| replied.from.as_ref())
        .is_some_and(|author| author.id == me.id);

    let Some(text) = message.text() else {
        return if is_sent_by_hand(message) && (!is_group || replies_to_bot) {
            Inbound::NonText
        } else {
            Inbound::Ignored("no text")
        };
    };
    let (text, mentioned) = strip_mentions(message, text, me);
    Inbound::Text(Incoming {
        platform: PLATFORM.to_string(),
        chat_id: message.chat.id.0.to_string(),
        user_id: from.id.0.to_string(),
        display_name: Some(from.full_name()),
        text,
        is_group,
        addressed: !is_group || mentioned || replies_to_bot,
        message_id: Some(message.id.0.to_string()),
        bot_username: Some(me.username.clone()),
        // Group admins would need a getChatMember call per message; on Telegram
        // only the operators named in admin.ids administer.
        is_chat_admin: false,
        server_id: None,
    })
}

/// Media and dice a person sent, as opposed to service messages (joins, pins…).
fn is_sent_by_hand(message: &Message) -> bool {
    match &message.kind {
        MessageKind::Common(common) => !matches!(common.media_kind, MediaKind::Migration(_)),
        MessageKind::Dice(_) => true,
        _ => false,
    }
}

/// The text without mentions of the bot, and whether there was one.
fn strip_mentions(message: &Message, text: &str, me: &BotIdentity) -> (String, bool) {
    let mention = format!("@{}", me.username);
    let ranges: Vec<_> = message
        .parse_entities()
        .unwrap_or_default()
        .into_iter()
        .filter(|entity| match entity.kind() {
            MessageEntityKind::Mention => entity.text().eq_ignore_ascii_case(&mention),
            MessageEntityKind::TextMention { user } => user.id == me.id,
            _ => false,
        })
        .map(|entity| entity.range())
        .collect();
    if ranges.is_empty() {
        return (text.to_string(), false);
    }
    let mut stripped = String::with_capacity(text.len());
    let mut at = 0;
    for range in ranges {
        stripped.push_str(&text[at..range.start]);
        at = range.end;
    }
    stripped.push_str(&text[at..]);
    let stripped = stripped.split_whitespace().collect::<Vec<_>>().join(" ");
    (stripped, true)
}

/// A button press: who pressed, on which message, and the action if the
/// button's data is one of ours (`None`: malformed, forged or from an old version).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Press {
    pub user: UserKey,
    pub action: Option<Action>,
    /// The message the button is under; `None` for inline-mode messages.
    pub message: Option<(ChatId, MessageId)>,
}

pub(crate) fn press(query: &CallbackQuery) -> Press {
    Press {
        user: user_key(query.from.id),
        action: query.data.as_deref().and_then(Action::decode),
        message: query
            .message
            .as_ref()
            .map(|message| (message.chat().id, message.id())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    const BOT_ID: u64 = 4242;

    fn me() -> BotIdentity {
        BotIdentity {
            id: UserId(BOT_ID),
            username: "maeum_bot".into(),
        }
    }

    fn user(id: u64) -> Value {
        json!({"id": id, "is_bot": id == BOT_ID, "first_name": "지민", "last_name": "김"})
    }

    fn chat(group: bool) -> Value {
        if group {
            json!({"id": -100, "type": "supergroup", "title": "친구들"})
        } else {
            json!({"id": 7, "type": "private", "first_name": "지민"})
        }
    }

    fn parse(value: Value) -> Message {
        serde_json::from_value(value).expect("a Bot API message")
    }

    fn text_message(group: bool, text: &str, entities: Value) -> Value {
        json!({
            "message_id": 11, "date": 1_700_000_000, "chat": chat(group), "from": user(7),
            "text": text, "entities": entities,
        })
    }

    fn incoming(inbound: Inbound) -> Incoming {
        match inbound {
            Inbound::Text(incoming) => incoming,
            other => panic!("expected text, got {other:?}"),
        }
    }

    #[test]
    fn a_private_message_is_addressed_and_carries_who_and_where() {
        let msg = parse(text_message(false, "오늘 좀 힘들었어", json!([])));
        let got = incoming(message(&msg, &me()));
        assert_eq!(got.platform, "telegram");
        assert_eq!((got.chat_id.as_str(), got.user_id.as_str()), ("7", "7"));
        assert_eq!(got.display_name.as_deref(), Some("지민 김"));
        assert_eq!(got.text, "오늘 좀 힘들었어");
        assert!(!got.is_group && got.addressed);
        assert_eq!(got.message_id.as_deref(), Some("11"));
        assert_eq!(got.bot_username.as_deref(), Some("maeum_bot"));
    }

    #[test]
    fn a_group_message_is_addressed_only_by_a_mention_of_this_bot() {
        let plain = parse(text_message(true, "다들 뭐해?", json!([])));
        assert!(!incoming(message(&plain, &me())).addressed);

        // "마음아 @maeum_bot 나 속상해": offsets count UTF-16 units.
        let text = "마음아 @maeum_bot 나 속상해";
        let at = "마음아 ".encode_utf16().count();
        let entities = json!([{"type": "mention", "offset": at, "length": 10}]);
        let got = incoming(message(&parse(text_message(true, text, entities)), &me()));
        assert!(got.is_group && got.addressed);
        assert_eq!(got.text, "마음아 나 속상해");

        let other = json!([{"type": "mention", "offset": 0, "length": 9}]);
        let msg = parse(text_message(true, "@otherbot 안녕", other));
        let got = incoming(message(&msg, &me()));
        assert!(!got.addressed);
        assert_eq!(got.text, "@otherbot 안녕");
    }

    #[test]
    fn a_text_mention_of_the_bot_addresses_it() {
        let entities =
            json!([{"type": "text_mention", "offset": 0, "length": 2, "user": user(BOT_ID)}]);
        let got = incoming(message(
            &parse(text_message(true, "마음 도와줘", entities)),
            &me(),
        ));
        assert!(got.addressed);
        assert_eq!(got.text, "도와줘");
    }

    #[test]
    fn a_reply_to_the_bot_addresses_it() {
        let mut value = text_message(true, "고마워", json!([]));
        value["reply_to_message"] = json!({
            "message_id": 10, "date": 1_700_000_000, "chat": chat(true), "from": user(BOT_ID), "text": "응원해",
        });
        assert!(incoming(message(&parse(value), &me())).addressed);
    }

    #[test]
    fn stickers_get_a_note_in_private_and_silence_in_a_group() {
        let sticker = |group| {
            parse(json!({
                "message_id": 12, "date": 1_700_000_000, "chat": chat(group), "from": user(7),
                "sticker": {"file_id": "s", "file_unique_id": "s", "type": "regular",
                            "width": 512, "height": 512, "is_animated": false, "is_video": false},
            }))
        };
        assert_eq!(message(&sticker(false), &me()), Inbound::NonText);
        assert!(matches!(
            message(&sticker(true), &me()),
            Inbound::Ignored(_)
        ));
    }

    #[test]
    fn service_messages_and_bots_are_ignored() {
        let joined = parse(json!({
            "message_id": 13, "date": 1_700_000_000, "chat": chat(true), "from": user(7),
            "new_chat_members": [user(8)],
        }));
        assert!(matches!(message(&joined, &me()), Inbound::Ignored(_)));
        let mut from_bot = text_message(false, "hi", json!([]));
        from_bot["from"] = json!({"id": 99, "is_bot": true, "first_name": "bot"});
        assert!(matches!(
            message(&parse(from_bot), &me()),
            Inbound::Ignored(_)
        ));
    }

    #[test]
    fn a_press_decodes_our_data_and_rejects_anything_else() {
        let query = |data: &str| -> CallbackQuery {
            serde_json::from_value(json!({
                "id": "q1", "from": user(7), "chat_instance": "ci", "data": data,
                "message": {"message_id": 20, "date": 1_700_000_000, "chat": chat(false),
                            "from": user(BOT_ID), "text": "응"},
            }))
            .expect("a Bot API callback query")
        };
        let good = press(&query("m1:u:5"));
        assert_eq!(good.user, UserKey::new("telegram", "7"));
        assert_eq!(
            good.action,
            Some(Action::Feedback {
                turn_id: 5,
                feedback: crate::store::Feedback::Up
            })
        );
        assert_eq!(good.message, Some((ChatId(7), MessageId(20))));
        assert_eq!(press(&query("m1:r:5; DROP TABLE")).action, None);
    }
}
