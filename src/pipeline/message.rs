//! What goes into the pipeline and what comes out: [`Incoming`] messages,
//! [`Outgoing`] answers made of structured parts, and the [`ReplyEvent`]s a
//! streaming adapter follows.
//!
//! An answer is never one pasted-together string: the reply body, notes
//! about how the message was read, the crisis resources and the privacy
//! notice are separate parts, so each adapter can show them in its
//! platform's idiom (a button under the notice, an HTTP field of its own).
//! [`Outgoing::text`] joins them in the one order every plain-text surface
//! uses.

use tokio::sync::mpsc;

use super::Action;
use crate::emotion::Emotion;
use crate::store::UserKey;

/// A message from a user, on any platform. Build one from
/// [`Incoming::private`] or `Incoming::default()` with `..` so new fields
/// keep their defaults.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Incoming {
    /// `console`, `telegram`, `discord`, `http`.
    pub platform: String,
    pub chat_id: String,
    pub user_id: String,
    pub display_name: Option<String>,
    pub text: String,
    pub is_group: bool,
    /// In a group: whether the bot was mentioned or replied to.
    pub addressed: bool,
    pub message_id: Option<String>,
    /// The bot's own username on the platform, so `/cmd@otherbot` is not taken as ours.
    pub bot_username: Option<String>,
    /// The platform says the sender administers the group or server this
    /// message came from (see `pipeline::admin` for what that allows).
    pub is_chat_admin: bool,
    /// The server (Discord guild) the chat belongs to, where there is one.
    pub server_id: Option<String>,
}

impl Incoming {
    /// The message without control characters other than line breaks and
    /// tabs: they mean nothing in a chat message, and some (NUL) cannot be
    /// stored at all in Postgres text, which would lose the turn.
    pub fn without_control_characters(mut self) -> Incoming {
        self.text = without_control_characters(&self.text);
        self.display_name = self.display_name.as_deref().map(without_control_characters);
        self
    }

    /// A private (one-to-one) message.
    pub fn private(platform: &str, user_id: &str, text: &str) -> Incoming {
        Incoming {
            platform: platform.to_string(),
            chat_id: user_id.to_string(),
            user_id: user_id.to_string(),
            display_name: None,
            text: text.to_string(),
            is_group: false,
            addressed: true,
            message_id: None,
            bot_username: None,
            is_chat_admin: false,
            server_id: None,
        }
    }

    pub fn user(&self) -> UserKey {
        UserKey::new(&self.platform, &self.user_id)
    }
}

/// `text` without control characters other than `\n`, `\r` and `\t`.
pub(crate) fn without_control_characters(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\r' | '\t'))
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplyKind {
    /// A reply to something the user told the bot.
    Conversation,
    /// The answer to a command or a button.
    Command,
    /// `/export`: the body is the JSON document.
    Export,
}

/// The privacy notice shown to a user who has yet to accept it, with the
/// action that accepts it.
#[derive(Debug, Clone, PartialEq)]
pub struct ConsentNotice {
    pub text: String,
    pub accept: Action,
}

/// The bot's answer, in parts, for the adapter to render.
#[derive(Debug, Clone, PartialEq)]
pub struct Outgoing {
    pub kind: ReplyKind,
    /// The reply itself (or a command's answer, or the export's JSON); may be
    /// empty when the answer is only the notice.
    pub body: String,
    /// Short notes on how the message was read, shown before the body
    /// (e.g. that only its first part was read).
    pub notes: Vec<String>,
    /// Crisis resources (who to call), shown after the body. Always set by
    /// the pipeline for a crisis, never written by the language model.
    pub crisis: Option<String>,
    /// The privacy notice, while the user has not accepted it.
    pub notice: Option<ConsentNotice>,
    /// The emotion read from the user's message (conversation replies).
    pub emotion: Option<Emotion>,
    /// The stored turn this reply belongs to, when it was stored.
    pub turn_id: Option<i64>,
    /// Buttons to offer under the reply (the pipeline puts the notice's
    /// accept action here too; [`Outgoing::buttons`] makes sure of it).
    pub actions: Vec<Action>,
    /// Show only to the user (e.g. ephemeral on Discord): exports and privacy notices.
    pub private: bool,
    /// A picture to show with the body, which is then its caption (`/mood`'s
    /// chart), as PNG bytes. Adapters that cannot show pictures show the body.
    pub picture_png: Option<Vec<u8>>,
}

impl Outgoing {
    /// A plain answer with no emotion, turn or buttons (also for adapters'
    /// own answers to input the pipeline never sees).
    pub fn command(text: String) -> Outgoing {
        Outgoing {
            kind: ReplyKind::Command,
            body: text,
            notes: Vec::new(),
            crisis: None,
            notice: None,
            emotion: None,
            turn_id: None,
            actions: Vec::new(),
            private: false,
            picture_png: None,
        }
    }

    /// [`Outgoing::command`], shown only to the user.
    pub fn private_command(text: String) -> Outgoing {
        Outgoing {
            private: true,
            ..Outgoing::command(text)
        }
    }

    /// A reply in the conversation: `body` about the message whose emotion
    /// was `emotion`, stored as `turn_id` when it was stored (which offers
    /// 🔄 / 👍 / 👎), with the crisis resources when it answers a crisis.
    pub fn conversation(
        body: String,
        emotion: Option<Emotion>,
        turn_id: Option<i64>,
        crisis: Option<String>,
    ) -> Outgoing {
        Outgoing {
            kind: ReplyKind::Conversation,
            crisis,
            emotion,
            turn_id,
            actions: turn_id.map(Action::for_turn).unwrap_or_default(),
            ..Outgoing::command(body)
        }
    }

    /// Every button to offer: the reply's actions, and accepting the notice
    /// when it is shown.
    pub fn buttons(&self) -> Vec<Action> {
        let mut buttons = self.actions.clone();
        if let Some(notice) = &self.notice
            && !buttons.contains(&notice.accept)
        {
            buttons.push(notice.accept);
        }
        buttons
    }

    /// The whole answer as one text, for surfaces that show plain text: the
    /// notes, the body, the crisis resources, then the notice, a blank line
    /// between the parts.
    pub fn text(&self) -> String {
        let notes = (!self.notes.is_empty()).then(|| self.notes.join("\n"));
        [
            notes.as_deref(),
            Some(self.body.as_str()),
            self.crisis.as_deref(),
            self.notice.as_ref().map(|n| n.text.as_str()),
        ]
        .into_iter()
        .flatten()
        .filter(|part| !part.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
    }
}

/// What a streaming adapter learns while a reply is made: first the emotion
/// read from the message, then the reply's text pieces as they are written.
/// The other parts (notes, crisis resources, notice) come with the final
/// [`Outgoing`].
#[derive(Debug, Clone, PartialEq)]
pub enum ReplyEvent {
    Emotion(Emotion),
    Text(String),
}

/// Where a streaming adapter receives [`ReplyEvent`]s.
pub type ChunkSender = mpsc::Sender<ReplyEvent>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_joins_the_parts_in_order() {
        let outgoing = Outgoing {
            notes: vec!["(cut)".to_string()],
            notice: Some(ConsentNotice {
                text: "notice".to_string(),
                accept: Action::AcceptConsent { version: 1 },
            }),
            ..Outgoing::conversation("body".into(), None, None, Some("lines".into()))
        };
        assert_eq!(outgoing.text(), "(cut)\n\nbody\n\nlines\n\nnotice");
        assert_eq!(
            outgoing.buttons(),
            vec![Action::AcceptConsent { version: 1 }]
        );
    }

    #[test]
    fn an_empty_body_leaves_no_blank_lines() {
        let outgoing = Outgoing {
            notice: Some(ConsentNotice {
                text: "notice".to_string(),
                accept: Action::AcceptConsent { version: 1 },
            }),
            ..Outgoing::command(String::new())
        };
        assert_eq!(outgoing.text(), "notice");
    }

    #[test]
    fn a_stored_reply_offers_its_buttons() {
        let outgoing = Outgoing::conversation("hi".into(), None, Some(7), None);
        assert_eq!(outgoing.buttons(), Action::for_turn(7));
    }
}
