//! The reaction put on the user's message: Telegram lets a bot react only
//! with a fixed set of emoji, so each emotion gets the nearest allowed one
//! (its exact label goes in the reply's text).

use crate::emotion::{EmotionGroup, EmotionLabel};

/// The emoji a bot may react with (Bot API `ReactionTypeEmoji`).
#[rustfmt::skip]
pub const ALLOWED_REACTIONS: [&str; 73] = [
    "👍", "👎", "❤", "🔥", "🥰", "👏", "😁", "🤔", "🤯", "😱", "🤬", "😢", "🎉", "🤩", "🤮", "💩",
    "🙏", "👌", "🕊", "🤡", "🥱", "🥴", "😍", "🐳", "❤\u{200d}🔥", "🌚", "🌭", "💯", "🤣", "⚡",
    "🍌", "🏆", "💔", "🤨", "😐", "🍓", "🍾", "💋", "🖕", "😈", "😴", "😭", "🤓", "👻",
    "👨\u{200d}💻", "👀", "🎃", "🙈", "😇", "😨", "🤝", "✍", "🤗", "🫡", "🎅", "🎄", "☃", "💅",
    "🤪", "🗿", "🆒", "💘", "🙉", "🦄", "😘", "💊", "🙊", "😎", "👾", "🤷\u{200d}♂", "🤷",
    "🤷\u{200d}♀", "😡",
];

/// The allowed reaction nearest to the emotion: its own emoji when allowed,
/// else a close face, else its group's.
pub fn reaction_for(label: &EmotionLabel) -> &'static str {
    if let Some(own) = ALLOWED_REACTIONS.iter().find(|r| **r == label.emoji) {
        return own;
    }
    nearest_allowed(label.emoji).unwrap_or_else(|| group_reaction(label.group))
}

/// A close allowed face for an emoji of the taxonomy that is not allowed itself.
fn nearest_allowed(emoji: &str) -> Option<&'static str> {
    Some(match emoji {
        "😠" | "😤" => "😡",
        "😒" | "🛡️" | "🙄" | "😶" | "😑" | "🫥" => "😐",
        "😫" | "😖" => "🤯",
        "🤢" => "🤮",
        "😞" | "😔" | "🌧️" | "😩" | "🥺" | "🏝️" | "🥀" | "🥲" | "😓" | "😣" => {
            "😢"
        }
        "😟" | "😰" | "😬" => "😨",
        "😵‍💫" | "😵" => "🥴",
        "😦" => "😱",
        "🫣" | "😳" => "🙈",
        "🩹" | "🗡️" => "💔",
        "🤦" => "🤷",
        "😊" => "😁",
        "😌" | "😮‍💨" => "😇",
        "🥳" => "🎉",
        "💪" => "🔥",
        _ => return None,
    })
}

fn group_reaction(group: EmotionGroup) -> &'static str {
    match group {
        EmotionGroup::Anger => "😡",
        EmotionGroup::Sadness => "😢",
        EmotionGroup::Anxiety => "😨",
        EmotionGroup::Hurt => "💔",
        EmotionGroup::Embarrassment => "🙈",
        EmotionGroup::Joy => "😁",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emotion::taxonomy::TAXONOMY;

    #[test]
    fn every_emotion_reacts_with_an_allowed_emoji() {
        for label in &TAXONOMY {
            let reaction = reaction_for(label);
            assert!(
                ALLOWED_REACTIONS.contains(&reaction),
                "{} {} → {reaction}",
                label.code,
                label.emoji
            );
        }
    }

    #[test]
    fn an_allowed_emoji_is_kept_and_others_are_mapped_by_meaning() {
        let by = |code| reaction_for(EmotionLabel::by_code(code).unwrap());
        assert_eq!(by("E22"), "💔", "비통한 keeps its own");
        assert_eq!(by("E26"), "🌚", "염세적인 keeps its own");
        assert_eq!(by("E24"), "😢", "우울한 🌧️ is not allowed");
        assert_eq!(by("E10"), "😡");
        assert_eq!(by("E68"), "🎉");
        assert_eq!(by("E38"), "🙈");
    }

    #[test]
    fn every_taxonomy_emoji_is_mapped_on_purpose() {
        // The group fallback is for a future taxonomy emoji, not for today's.
        for label in &TAXONOMY {
            assert!(
                ALLOWED_REACTIONS.contains(&label.emoji) || nearest_allowed(label.emoji).is_some(),
                "{} {} has no nearest reaction",
                label.code,
                label.emoji
            );
        }
    }
}
