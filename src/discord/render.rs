//! A pipeline reply as Discord messages: the emotion label above the text,
//! split at Discord's 2000-character limit, an export as a JSON file, and the
//! reply's buttons.

use serenity::all::{
    ButtonStyle, CreateActionRow, CreateAttachment, CreateButton, CreateSelectMenu,
    CreateSelectMenuKind, CreateSelectMenuOption,
};

use crate::adapter::{EXPORT_FILE_NAME, LengthUnit, split_reply};
use crate::pipeline::{Action, Outgoing, ReplyKind};

/// The file name of a picture answer (`/mood`'s chart).
const PICTURE_FILE_NAME: &str = "maeum-mood.png";

/// Discord's limit on a message's content, in characters.
pub const MESSAGE_LIMIT: usize = 2000;

/// The custom id of the "not how I feel" select menu; the chosen option's
/// value is the action (`translate::button` reads it).
pub const PICKER_MENU_ID: &str = "m1:pick";
/// Discord's limit on a select menu's options.
const MENU_OPTIONS_LIMIT: usize = 25;
/// What the menu says before anything is chosen.
const PICKER_PLACEHOLDER: &str = "어떤 마음이었어? (How did you feel?)";

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
    /// when there are no buttons. The "not how I feel" picker (the groups,
    /// then a group's emotions) is one select menu instead.
    pub(crate) fn components(&self) -> Vec<CreateActionRow> {
        if self.is_picker() {
            let options = self
                .buttons
                .iter()
                .map(|action| CreateSelectMenuOption::new(action.label(), action.encode()))
                .collect();
            let menu =
                CreateSelectMenu::new(PICKER_MENU_ID, CreateSelectMenuKind::String { options })
                    .placeholder(PICKER_PLACEHOLDER);
            return vec![CreateActionRow::SelectMenu(menu)];
        }
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

    /// Whether the buttons are a step of the "not how I feel" picker.
    fn is_picker(&self) -> bool {
        !self.buttons.is_empty()
            && self.buttons.len() <= MENU_OPTIONS_LIMIT
            && self
                .buttons
                .iter()
                .all(|a| matches!(a, Action::PickGroup { .. } | Action::Correct { .. }))
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
    fn the_picker_is_one_select_menu_and_the_turn_buttons_are_buttons() {
        let picker = |buttons: Vec<Action>| Part {
            text: String::new(),
            file: None,
            buttons,
        };
        for step in [
            Action::groups(7),
            Action::emotions_of(7, crate::emotion::EmotionGroup::Sadness),
        ] {
            let rows = serde_json::to_value(picker(step.clone()).components()).unwrap();
            assert_eq!(rows.as_array().unwrap().len(), 1);
            let menu = &rows[0]["components"][0];
            assert_eq!(menu["type"], 3, "{menu}");
            assert_eq!(menu["custom_id"], PICKER_MENU_ID);
            let values: Vec<&str> = menu["options"]
                .as_array()
                .unwrap()
                .iter()
                .map(|o| o["value"].as_str().unwrap())
                .collect();
            let encoded: Vec<String> = step.iter().map(Action::encode).collect();
            assert_eq!(values, encoded);
        }
        let turn = serde_json::to_value(picker(Action::for_turn(7)).components()).unwrap();
        assert_eq!(turn[0]["components"][0]["type"], 2, "buttons: {turn}");
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
