//! A pipeline reply as Discord messages: the emotion label above the text,
//! split at Discord's 2000-character limit, an export as a JSON file, and the
//! reply's buttons.

use serenity::all::{ButtonStyle, CreateActionRow, CreateAttachment, CreateButton};

use crate::adapter::{EXPORT_FILE_NAME, LengthUnit, split_reply};
use crate::pipeline::{Action, Outgoing, ReplyKind};

/// The file name of a picture answer (`/mood`'s chart).
const PICTURE_FILE_NAME: &str = "maeum-mood.png";

/// Discord's limit on a message's content, in characters.
pub const MESSAGE_LIMIT: usize = 2000;

/// One Discord message of a reply.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Part {
    /// Empty only for a message that carries a file.
    pub text: String,
    /// `(file name, contents)`.
    pub file: Option<(String, Vec<u8>)>,
    pub buttons: Vec<Action>,
}

impl Part {
    pub(crate) fn attachment(&self) -> Option<CreateAttachment> {
        self.file
            .as_ref()
            .map(|(name, bytes)| CreateAttachment::bytes(bytes.clone(), name.clone()))
    }

    /// The buttons as action rows of at most five (Discord's limit); none
    /// when there are no buttons.
    pub(crate) fn components(&self) -> Vec<CreateActionRow> {
        self.buttons
            .chunks(5)
            .map(|row| {
                CreateActionRow::Buttons(
                    row.iter()
                        .map(|action| {
                            CreateButton::new(action.encode())
                                .label(action.label())
                                .style(ButtonStyle::Secondary)
                        })
                        .collect(),
                )
            })
            .collect()
    }
}

/// The messages that show `outgoing`, in order: the buttons go under the last.
pub(crate) fn parts(outgoing: &Outgoing) -> Vec<Part> {
    if outgoing.kind == ReplyKind::Export {
        return vec![Part {
            text: String::new(),
            file: Some((
                EXPORT_FILE_NAME.to_string(),
                outgoing.body.clone().into_bytes(),
            )),
            buttons: outgoing.buttons(),
        }];
    }
    if let Some(png) = &outgoing.picture_png {
        return vec![Part {
            text: outgoing.text(),
            file: Some((PICTURE_FILE_NAME.to_string(), png.clone())),
            buttons: outgoing.buttons(),
        }];
    }
    // The label as small grey text (`-#`) above the reply: the exact tag, e.g. `#우울한 · 슬픔`.
    let text = match outgoing.emotion {
        Some(emotion) => format!("-# {}\n{}", emotion.label.tag(), outgoing.text()),
        None => outgoing.text(),
    };
    let mut parts: Vec<Part> = split_reply(&text, MESSAGE_LIMIT, LengthUnit::Chars)
        .into_iter()
        .map(|text| Part {
            text,
            file: None,
            buttons: Vec::new(),
        })
        .collect();
    if let Some(last) = parts.last_mut() {
        last.buttons = outgoing.buttons();
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emotion::{Emotion, EmotionLabel};

    fn reply(text: &str, emotion: Option<&str>, turn: Option<i64>) -> Outgoing {
        let emotion = emotion.map(|code| Emotion {
            label: EmotionLabel::by_code(code).unwrap(),
            score: 0.5,
        });
        Outgoing::conversation(text.to_string(), emotion, turn, None)
    }

    #[test]
    fn a_reply_carries_its_exact_label_and_three_buttons() {
        let parts = parts(&reply("많이 힘들었겠다.", Some("E24"), Some(7)));
        assert_eq!(parts.len(), 1);
        let tag = EmotionLabel::by_code("E24").unwrap().tag();
        assert_eq!(parts[0].text, format!("-# {tag}\n많이 힘들었겠다."));
        assert_eq!(parts[0].buttons, Action::for_turn(7));
        assert_eq!(parts[0].components().len(), 1, "one row of buttons");
    }

    #[test]
    fn a_long_reply_is_split_with_the_buttons_under_the_last_part() {
        let sentence = "오늘도 정말 고생 많았어. ";
        let text = sentence.repeat(2500 / sentence.chars().count() + 1);
        let parts = parts(&reply(&text, Some("E10"), Some(3)));
        assert_eq!(parts.len(), 2);
        assert!(
            parts
                .iter()
                .all(|p| p.text.chars().count() <= MESSAGE_LIMIT)
        );
        assert!(parts[0].buttons.is_empty());
        assert_eq!(parts[1].buttons.len(), 4);
    }

    #[test]
    fn an_export_is_a_json_file() {
        let export = Outgoing {
            kind: ReplyKind::Export,
            private: true,
            ..reply("{\"turns\": []}", None, None)
        };
        let parts = parts(&export);
        assert_eq!(parts.len(), 1);
        assert!(parts[0].text.is_empty());
        let (name, bytes) = parts[0].file.as_ref().unwrap();
        assert_eq!(name, EXPORT_FILE_NAME);
        assert_eq!(bytes.as_slice(), b"{\"turns\": []}");
    }

    #[test]
    fn a_command_answer_has_no_label_or_buttons() {
        let parts = parts(&reply("대화를 지웠어.", None, None));
        assert_eq!(parts[0].text, "대화를 지웠어.");
        assert!(parts[0].components().is_empty());
    }
}
