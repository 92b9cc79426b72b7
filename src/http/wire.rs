//! The JSON the HTTP API reads and writes, and its translation from the
//! pipeline's [`Outgoing`]: the reply's parts each in a field of their own, so
//! `reply` holds the reply alone (see docs/http.md).

use serde::{Deserialize, Serialize};

use crate::emotion::EmotionJson;
use crate::pipeline::{Action, Outgoing, ReplyKind};

#[derive(Debug, Deserialize)]
pub(super) struct PredictRequest {
    pub(super) text: Option<String>,
    /// The original app's clients may send `message` or `question` instead of `text`.
    pub(super) message: Option<String>,
    pub(super) question: Option<String>,
    pub(super) user_id: Option<String>,
}

/// `/predict`'s answer: the original's `reply` and `emotion`, and the other
/// parts of the answer beside them.
#[derive(Debug, Serialize)]
pub(super) struct PredictResponse {
    reply: String,
    emotion: Option<EmotionJson>,
    #[serde(flatten)]
    parts: ReplyParts,
}

impl From<Outgoing> for PredictResponse {
    fn from(outgoing: Outgoing) -> PredictResponse {
        PredictResponse {
            emotion: outgoing.emotion.as_ref().map(EmotionJson::from),
            parts: ReplyParts::of(&outgoing),
            reply: outgoing.body,
        }
    }
}

#[derive(Debug, Deserialize)]
pub(super) struct ClassifyRequest {
    pub(super) texts: Vec<String>,
    /// Earlier utterances of the same speaker, oldest first, read with every text.
    #[serde(default)]
    pub(super) context: Vec<String>,
    pub(super) top_k: Option<usize>,
}

#[derive(Debug, Deserialize)]
pub(super) struct ChatRequest {
    /// Only a backend (bearer token) names users; a web session is its own.
    pub(super) user_id: Option<String>,
    pub(super) text: String,
    pub(super) display_name: Option<String>,
    /// The caller's id for this message; not stored twice.
    pub(super) message_id: Option<String>,
    #[serde(default)]
    pub(super) stream: bool,
}

#[derive(Debug, Deserialize)]
pub(super) struct ActionRequest {
    pub(super) user_id: Option<String>,
    /// An action id as given in a reply's `actions`, e.g. `m1:r:5`.
    pub(super) action: String,
    #[serde(default)]
    pub(super) stream: bool,
}

/// An action offered under a reply: its id for `/v1/chat/action` and a label.
#[derive(Debug, Serialize)]
pub(super) struct ActionJson {
    id: String,
    label: String,
}

impl From<&Action> for ActionJson {
    fn from(action: &Action) -> ActionJson {
        ActionJson {
            id: action.encode(),
            label: action.label(),
        }
    }
}

/// The privacy notice and the action that accepts it.
#[derive(Debug, Serialize)]
pub(super) struct NoticeJson {
    text: String,
    accept: ActionJson,
}

/// The parts of an answer other than the reply itself.
#[derive(Debug, Serialize)]
pub(super) struct ReplyParts {
    /// Notes on how the message was read (e.g. that it was cut), to show before the reply.
    notes: Vec<String>,
    /// Who to call, when the message was read as a crisis; show it with the reply.
    crisis_resources: Option<String>,
    /// The privacy notice, until the user accepts it.
    notice: Option<NoticeJson>,
}

impl ReplyParts {
    fn of(outgoing: &Outgoing) -> ReplyParts {
        ReplyParts {
            notes: outgoing.notes.clone(),
            crisis_resources: outgoing.crisis.clone(),
            notice: outgoing.notice.as_ref().map(|notice| NoticeJson {
                text: notice.text.clone(),
                accept: ActionJson::from(&notice.accept),
            }),
        }
    }
}

/// A reply as `/v1/chat` answers it (and as the final `done` event of a stream).
#[derive(Debug, Serialize)]
pub(super) struct ChatResponse {
    /// The reply alone (a command's answer; the export's JSON).
    reply: String,
    /// `conversation`, `command` or `export`.
    kind: &'static str,
    emotion: Option<EmotionJson>,
    turn_id: Option<i64>,
    /// Every button to offer, the notice's accept action included.
    actions: Vec<ActionJson>,
    /// A picture to show with the reply (`/mood`'s chart), PNG in base64.
    #[serde(skip_serializing_if = "Option::is_none")]
    picture_png_base64: Option<String>,
    #[serde(flatten)]
    parts: ReplyParts,
}

impl From<Outgoing> for ChatResponse {
    fn from(outgoing: Outgoing) -> ChatResponse {
        ChatResponse {
            kind: match outgoing.kind {
                ReplyKind::Conversation => "conversation",
                ReplyKind::Command => "command",
                ReplyKind::Export => "export",
            },
            emotion: outgoing.emotion.as_ref().map(EmotionJson::from),
            turn_id: outgoing.turn_id,
            actions: outgoing.buttons().iter().map(ActionJson::from).collect(),
            picture_png_base64: outgoing.picture_png.as_ref().map(|png| {
                use base64::Engine as _;
                base64::engine::general_purpose::STANDARD.encode(png)
            }),
            parts: ReplyParts::of(&outgoing),
            reply: outgoing.body,
        }
    }
}
