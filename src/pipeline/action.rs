//! Actions offered under a reply (regenerate, 👍/👎, "not how I feel" and
//! its picker, accepting the privacy notice). How an action travels through a platform button (its label and
//! compact encoding) is the adapters' business: `crate::adapter::button`.

use crate::emotion::{EmotionGroup, EmotionLabel};
use crate::store::Feedback;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Regenerate {
        turn_id: i64,
    },
    Feedback {
        turn_id: i64,
        feedback: Feedback,
    },
    /// Accept version `version` of the privacy notice.
    AcceptConsent {
        version: i64,
    },
    /// "Not how I feel": offers the six groups to pick from.
    NotHowIFeel {
        turn_id: i64,
    },
    /// A group picked: offers its fine emotions.
    PickGroup {
        turn_id: i64,
        group: EmotionGroup,
    },
    /// The emotion the user says the message had.
    Correct {
        turn_id: i64,
        label: &'static EmotionLabel,
    },
}

impl Action {
    /// The actions offered under a stored reply: 🔄 👍 👎 and "not how I feel".
    pub fn for_turn(turn_id: i64) -> Vec<Action> {
        vec![
            Action::Regenerate { turn_id },
            Action::Feedback {
                turn_id,
                feedback: Feedback::Up,
            },
            Action::Feedback {
                turn_id,
                feedback: Feedback::Down,
            },
            Action::NotHowIFeel { turn_id },
        ]
    }

    /// The six groups to pick from for turn `turn_id`.
    pub fn groups(turn_id: i64) -> Vec<Action> {
        EmotionGroup::ALL
            .into_iter()
            .map(|group| Action::PickGroup { turn_id, group })
            .collect()
    }

    /// The emotions of `group` to pick from: the group itself first, then its fine ones.
    pub fn emotions_of(turn_id: i64, group: EmotionGroup) -> Vec<Action> {
        std::iter::once(group.label())
            .chain(
                crate::emotion::TAXONOMY
                    .iter()
                    .filter(|l| l.group == group && !std::ptr::eq(*l, group.label())),
            )
            .map(|label| Action::Correct { turn_id, label })
            .collect()
    }
}
