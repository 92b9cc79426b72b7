//! The button codec: how an [`Action`] travels through a platform button —
//! its label, and a compact encoding that fits Telegram's 64-byte
//! `callback_data` (and Discord's 100-character `custom_id`), validated when
//! decoded, since button data comes back from the network.

use crate::emotion::{EmotionGroup, EmotionLabel};
use crate::pipeline::Action;
use crate::store::Feedback;

/// Button data is never longer than this (Telegram's `callback_data` limit).
pub const MAX_BUTTON_DATA_BYTES: usize = 64;

impl Action {
    /// The button label.
    pub fn label(&self) -> String {
        match self {
            Action::NotHowIFeel { .. } => "🤔 느낌이 달라".to_string(),
            Action::PickGroup { group, .. } => {
                format!("{} {}", group.label().emoji, group.korean())
            }
            Action::Correct { label, .. } if std::ptr::eq(*label, label.group.label()) => {
                format!(
                    "그냥 {} (just {})",
                    label.group.korean(),
                    label.group.english()
                )
            }
            Action::Correct { label, .. } => format!("{} {}", label.emoji, label.sub),
            other => other.fixed_label().to_string(),
        }
    }

    fn fixed_label(&self) -> &'static str {
        match self {
            Action::Regenerate { .. } => "🔄",
            Action::Feedback {
                feedback: Feedback::Up,
                ..
            } => "👍",
            Action::Feedback {
                feedback: Feedback::Down,
                ..
            } => "👎",
            Action::AcceptConsent { .. } => "✅ 동의 (Accept)",
            Action::NotHowIFeel { .. } | Action::PickGroup { .. } | Action::Correct { .. } => "",
        }
    }

    /// `m1:r:<turn>`, `m1:u:<turn>`, `m1:d:<turn>`, `m1:a:<notice version>` —
    /// short, versioned, well under 64 bytes.
    pub fn encode(&self) -> String {
        match self {
            Action::Regenerate { turn_id } => format!("m1:r:{turn_id}"),
            Action::Feedback {
                turn_id,
                feedback: Feedback::Up,
            } => format!("m1:u:{turn_id}"),
            Action::Feedback {
                turn_id,
                feedback: Feedback::Down,
            } => format!("m1:d:{turn_id}"),
            Action::AcceptConsent { version } => format!("m1:a:{version}"),
            Action::NotHowIFeel { turn_id } => format!("m1:f:{turn_id}"),
            Action::PickGroup { turn_id, group } => {
                let index = EmotionGroup::ALL
                    .iter()
                    .position(|g| g == group)
                    .unwrap_or(0);
                format!("m1:g{index}:{turn_id}")
            }
            // `c24` for E24.
            Action::Correct { turn_id, label } => format!("m1:c{}:{turn_id}", &label.code[1..]),
        }
    }

    /// Decodes button data; anything malformed, forged or from another version is `None`.
    pub fn decode(data: &str) -> Option<Action> {
        if data.len() > MAX_BUTTON_DATA_BYTES {
            return None;
        }
        let mut parts = data.split(':');
        let (version, kind, id) = (parts.next()?, parts.next()?, parts.next()?);
        if version != "m1" || parts.next().is_some() {
            return None;
        }
        if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let turn_id: i64 = id.parse().ok().filter(|id| *id > 0)?;
        match kind {
            "a" => Some(Action::AcceptConsent { version: turn_id }),
            "r" => Some(Action::Regenerate { turn_id }),
            "u" => Some(Action::Feedback {
                turn_id,
                feedback: Feedback::Up,
            }),
            "d" => Some(Action::Feedback {
                turn_id,
                feedback: Feedback::Down,
            }),
            "f" => Some(Action::NotHowIFeel { turn_id }),
            _ => {
                let (head, digits) = kind.split_at_checked(1)?;
                if !digits.bytes().all(|b| b.is_ascii_digit()) || digits.is_empty() {
                    return None;
                }
                match head {
                    "g" => Some(Action::PickGroup {
                        turn_id,
                        group: *EmotionGroup::ALL.get(digits.parse::<usize>().ok()?)?,
                    }),
                    "c" if digits.len() == 2 => Some(Action::Correct {
                        turn_id,
                        label: EmotionLabel::by_code(&format!("E{digits}"))?,
                    }),
                    _ => None,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_round_trip_within_64_bytes() {
        for action in Action::for_turn(i64::MAX) {
            let data = action.encode();
            assert!(data.len() <= MAX_BUTTON_DATA_BYTES, "{data}");
            assert_eq!(Action::decode(&data), Some(action));
        }
    }

    #[test]
    fn the_feeling_picker_round_trips() {
        for action in Action::groups(i64::MAX)
            .into_iter()
            .chain(Action::emotions_of(i64::MAX, EmotionGroup::Hurt))
        {
            let data = action.encode();
            assert!(data.len() <= MAX_BUTTON_DATA_BYTES, "{data}");
            assert_eq!(Action::decode(&data), Some(action), "{data}");
        }
        assert_eq!(Action::decode("m1:g6:5"), None);
        assert_eq!(Action::decode("m1:c99:5"), None);
        assert_eq!(Action::decode("m1:c2:5"), None);
        assert_eq!(Action::decode("m1:cx4:5"), None);
    }

    #[test]
    fn accept_consent_round_trips() {
        for version in [1, 7, i64::MAX] {
            let action = Action::AcceptConsent { version };
            let data = action.encode();
            assert!(data.len() <= MAX_BUTTON_DATA_BYTES, "{data}");
            assert_eq!(Action::decode(&data), Some(action));
        }
        assert_eq!(Action::decode("m1:a:0"), None);
        assert_eq!(Action::decode("m1:a:-1"), None);
    }

    #[test]
    fn malformed_data_is_rejected() {
        for bad in [
            "",
            "m1",
            "m1:r",
            "m1:r:",
            "m1:x:5",
            "m2:r:5",
            "m1:r:-5",
            "m1:r:0",
            "m1:r:5:6",
            "m1:r:+5",
            "m1:r:5a",
            "m1:r:99999999999999999999",
            "💥",
        ] {
            assert_eq!(Action::decode(bad), None, "{bad:?}");
        }
    }
}
