//! The button codec: how an [`Action`] travels through a platform button —
//! its label, and a compact encoding that fits Telegram's 64-byte
//! `callback_data` (and Discord's 100-character `custom_id`), validated when
//! decoded, since button data comes back from the network.

use crate::pipeline::Action;
use crate::store::Feedback;

/// Button data is never longer than this (Telegram's `callback_data` limit).
pub const MAX_BUTTON_DATA_BYTES: usize = 64;

impl Action {
    /// The button label.
    pub fn label(&self) -> &'static str {
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
            _ => None,
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
