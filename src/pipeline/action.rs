//! Actions offered under a reply (regenerate, 👍/👎, accepting the privacy
//! notice). How an action travels through a platform button (its label and
//! compact encoding) is the adapters' business: `crate::adapter::button`.

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
}

impl Action {
    /// The three actions offered under a stored reply.
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
        ]
    }
}
