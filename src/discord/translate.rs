//! Gateway events → pipeline input: a message or a slash command becomes an
//! [`Incoming`], a button press an [`Action`] for a [`UserKey`].

use serenity::all::{
    CommandInteraction, ComponentInteraction, ComponentInteractionDataKind, Message, MessageType,
    PartialMember, User, UserId,
};

use crate::pipeline::{Action, Incoming};
use crate::store::UserKey;

/// The platform name in every [`UserKey`] this adapter makes.
pub(crate) const PLATFORM: &str = "discord";

/// What a message is to the bot.
#[derive(Debug, PartialEq)]
pub(crate) enum Translated {
    /// Not for the bot: its own or another bot's message, a system message, or
    /// a server message that neither mentions nor replies to it.
    Ignored,
    /// For the bot, but without text (an image, a sticker, a file).
    NonText,
    Message(Incoming),
}

/// Translates a gateway message; `me` is the bot's own user id.
///
/// In a server only messages that mention the bot or reply to it are for it:
/// Discord's commands are slash commands, so unlike Telegram a server message
/// starting with `/` is not addressed to any bot.
pub(crate) fn message(msg: &Message, me: UserId) -> Translated {
    if msg.author.bot || msg.author.id == me {
        return Translated::Ignored;
    }
    if !matches!(msg.kind, MessageType::Regular | MessageType::InlineReply) {
        return Translated::Ignored;
    }
    let is_group = msg.guild_id.is_some();
    let mentioned = msg.mentions.iter().any(|user| user.id == me)
        || mention_forms(me)
            .iter()
            .any(|form| msg.content.contains(form.as_str()));
    let replied_to = msg
        .referenced_message
        .as_ref()
        .is_some_and(|replied| replied.author.id == me);
    let addressed = !is_group || mentioned || replied_to;
    if !addressed {
        return Translated::Ignored;
    }
    let text = strip_mentions(&msg.content, me);
    if text.is_empty() && (!msg.attachments.is_empty() || !msg.sticker_items.is_empty()) {
        return Translated::NonText;
    }
    Translated::Message(Incoming {
        platform: PLATFORM.to_string(),
        chat_id: msg.channel_id.to_string(),
        user_id: msg.author.id.to_string(),
        display_name: Some(display_name(
            &msg.author,
            msg.member
                .as_deref()
                .and_then(|m: &PartialMember| m.nick.as_deref()),
        )),
        text,
        is_group,
        addressed,
        message_id: Some(msg.id.to_string()),
        bot_username: None,
        // MESSAGE_CREATE carries no permissions; server admins are recognised
        // on slash commands, whose member includes them.
        is_chat_admin: false,
        server_id: msg.guild_id.map(|id| id.to_string()),
    })
}

/// A slash command as the pipeline's text command (`/reset`), addressed to the bot.
pub(crate) fn slash_command(command: &CommandInteraction) -> Incoming {
    let nick = command.member.as_ref().and_then(|m| m.nick.as_deref());
    Incoming {
        platform: PLATFORM.to_string(),
        chat_id: command.channel_id.to_string(),
        user_id: command.user.id.to_string(),
        display_name: Some(display_name(&command.user, nick)),
        text: slash_text(command),
        is_group: command.guild_id.is_some(),
        addressed: true,
        message_id: None,
        bot_username: None,
        is_chat_admin: command.guild_id.is_some()
            && command
                .member
                .as_ref()
                .and_then(|m| m.permissions)
                .is_some_and(|p| p.administrator()),
        server_id: command.guild_id.map(|id| id.to_string()),
    }
}

/// `/name`, followed by the text of `/admin`'s arguments when given.
fn slash_text(command: &CommandInteraction) -> String {
    let args = command
        .data
        .options
        .iter()
        .find(|o| o.name == super::commands::ADMIN_ARGS_OPTION)
        .and_then(|o| o.value.as_str())
        .map(str::trim)
        .filter(|a| !a.is_empty());
    match args {
        Some(args) => format!("/{} {args}", command.data.name),
        None => format!("/{}", command.data.name),
    }
}

/// Who pressed a button (or chose from the picker's select menu), and the
/// action it carries (`None`: not one of ours).
pub(crate) fn button(press: &ComponentInteraction) -> (UserKey, Option<Action>) {
    let action = match &press.data.kind {
        ComponentInteractionDataKind::StringSelect { values } => {
            values.first().and_then(|value| Action::decode(value))
        }
        _ => Action::decode(&press.data.custom_id),
    };
    (user_key(press.user.id), action)
}

pub(crate) fn user_key(user: UserId) -> UserKey {
    UserKey::new(PLATFORM, user.to_string())
}

/// The server nickname, else the global display name, else the username.
fn display_name(user: &User, nick: Option<&str>) -> String {
    nick.filter(|n| !n.trim().is_empty())
        .or(user.global_name.as_deref().filter(|n| !n.trim().is_empty()))
        .unwrap_or(&user.name)
        .to_string()
}

/// `<@id>` and the older nickname form `<@!id>`.
fn mention_forms(me: UserId) -> [String; 2] {
    [format!("<@{me}>"), format!("<@!{me}>")]
}

/// The text without the bot's mentions, trimmed.
fn strip_mentions(content: &str, me: UserId) -> String {
    let mut text = content.to_string();
    for form in mention_forms(me) {
        text = text.replace(&form, " ");
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    const ME: u64 = 1000;

    fn user(id: u64, bot: bool) -> Value {
        json!({"id": id.to_string(), "username": format!("user{id}"), "discriminator": "0",
               "global_name": null, "avatar": null, "bot": bot})
    }

    fn msg(extra: Value) -> Message {
        let mut base = json!({
            "id": "5001", "channel_id": "300", "author": user(42, false),
            "content": "안녕", "timestamp": "2024-01-01T00:00:00+00:00", "edited_timestamp": null,
            "tts": false, "mention_everyone": false, "mentions": [], "mention_roles": [],
            "attachments": [], "embeds": [], "pinned": false, "type": 0,
        });
        for (key, value) in extra.as_object().unwrap() {
            base[key] = value.clone();
        }
        serde_json::from_value(base).expect("a valid message")
    }

    fn incoming(translated: Translated) -> Incoming {
        match translated {
            Translated::Message(incoming) => incoming,
            other => panic!("expected a message, got {other:?}"),
        }
    }

    #[test]
    fn a_direct_message_is_always_for_the_bot() {
        let got = incoming(message(&msg(json!({})), UserId::new(ME)));
        assert_eq!(got.platform, "discord");
        assert_eq!((got.chat_id.as_str(), got.user_id.as_str()), ("300", "42"));
        assert_eq!(got.text, "안녕");
        assert_eq!(got.message_id.as_deref(), Some("5001"));
        assert!(!got.is_group && got.addressed);
        assert_eq!(got.display_name.as_deref(), Some("user42"));
    }

    #[test]
    fn a_server_message_counts_only_when_it_mentions_or_replies_to_the_bot() {
        let me = UserId::new(ME);
        let plain = msg(json!({"guild_id": "7"}));
        assert_eq!(message(&plain, me), Translated::Ignored);

        let mention = msg(json!({"guild_id": "7", "content": "<@1000> 나 오늘 우울해",
                                 "mentions": [user(ME, true)],
                                 "member": {"nick": "별명", "roles": [], "deaf": false, "mute": false}}));
        let got = incoming(message(&mention, me));
        assert_eq!(got.text, "나 오늘 우울해", "the mention is stripped");
        assert!(got.is_group && got.addressed);
        assert_eq!(got.display_name.as_deref(), Some("별명"));

        let old_form = msg(json!({"guild_id": "7", "content": "고마워 <@!1000>"}));
        assert_eq!(incoming(message(&old_form, me)).text, "고마워");

        let reply = msg(json!({"guild_id": "7", "type": 19, "content": "응 맞아",
                               "referenced_message": serde_json::to_value(msg(json!({"author": user(ME, true)}))).unwrap()}));
        assert_eq!(incoming(message(&reply, me)).text, "응 맞아");

        let other_mention = msg(json!({"guild_id": "7", "content": "<@55> 안녕",
                                       "mentions": [user(55, false)]}));
        assert_eq!(message(&other_mention, me), Translated::Ignored);
    }

    #[test]
    fn bots_and_system_messages_are_ignored() {
        let me = UserId::new(ME);
        assert_eq!(
            message(&msg(json!({"author": user(ME, true)})), me),
            Translated::Ignored
        );
        assert_eq!(
            message(&msg(json!({"author": user(77, true)})), me),
            Translated::Ignored
        );
        assert_eq!(
            message(&msg(json!({"type": 7})), me),
            Translated::Ignored,
            "a member-join notice"
        );
    }

    #[test]
    fn a_message_without_text_is_non_text() {
        let file = json!([{"id": "9", "filename": "a.png", "size": 1, "url": "https://x/a.png",
                           "proxy_url": "https://x/a.png"}]);
        let got = message(
            &msg(json!({"content": "", "attachments": file})),
            UserId::new(ME),
        );
        assert_eq!(got, Translated::NonText);
    }
}
