//! Reply text as Telegram shows it: the emotion label on the first line (in
//! italics), then the reply, in messages of at most 4096 UTF-16 units.

use crate::adapter::{LengthUnit, split_reply};
use crate::emotion::Emotion;

/// Telegram's limit on a message's text, in UTF-16 code units.
pub(crate) const MAX_MESSAGE_UNITS: usize = 4096;

/// One message's text: HTML with the label in italics, and the same text
/// plain for when Telegram rejects the formatting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TextPart {
    pub plain: String,
    /// `None`: send as plain text only.
    pub html: Option<String>,
}

impl TextPart {
    pub(crate) fn plain(text: impl Into<String>) -> TextPart {
        TextPart {
            plain: text.into(),
            html: None,
        }
    }
}

/// The line that names the emotion, e.g. `🌧️ #우울한 · 슬픔`.
pub(crate) fn emotion_line(emotion: &Emotion) -> String {
    format!("{} {}", emotion.label.emoji, emotion.label.tag())
}

/// The reply in as many messages as it needs, the label leading the first.
pub(crate) fn reply_parts(emotion: Option<&Emotion>, text: &str) -> Vec<TextPart> {
    let label = emotion.map(emotion_line);
    let full = match &label {
        Some(label) => format!("{label}\n{}", text.trim()),
        None => text.trim().to_string(),
    };
    split_reply(&full, MAX_MESSAGE_UNITS, LengthUnit::Utf16)
        .into_iter()
        .enumerate()
        .map(|(i, plain)| {
            let html = match (&label, i) {
                (Some(label), 0) if plain.starts_with(label.as_str()) => format!(
                    "<i>{}</i>{}",
                    escape_html(label),
                    escape_html(&plain[label.len()..])
                ),
                _ => escape_html(&plain),
            };
            TextPart {
                plain,
                html: Some(html),
            }
        })
        .collect()
}

/// Plain text in as many messages as it needs (exports sent as text).
pub(crate) fn plain_parts(text: &str) -> Vec<TextPart> {
    split_reply(text, MAX_MESSAGE_UNITS, LengthUnit::Utf16)
        .into_iter()
        .map(TextPart::plain)
        .collect()
}

/// Text made safe for Telegram's HTML parse mode.
pub(crate) fn escape_html(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '&' => escaped.push_str("&amp;"),
            c => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emotion::EmotionLabel;

    fn sad() -> Emotion {
        Emotion {
            label: EmotionLabel::by_code("E24").unwrap(),
            score: 0.8,
        }
    }

    #[test]
    fn the_label_leads_in_italics_and_the_reply_is_escaped() {
        let parts = reply_parts(Some(&sad()), "괜찮아 <3 & 힘내");
        assert_eq!(parts.len(), 1);
        assert_eq!(parts[0].plain, "🌧️ #우울한 · 슬픔\n괜찮아 <3 & 힘내");
        assert_eq!(
            parts[0].html.as_deref(),
            Some("<i>🌧️ #우울한 · 슬픔</i>\n괜찮아 &lt;3 &amp; 힘내")
        );
    }

    #[test]
    fn without_an_emotion_the_reply_stands_alone() {
        let parts = reply_parts(None, "응");
        assert_eq!(
            parts,
            vec![TextPart {
                plain: "응".into(),
                html: Some("응".into())
            }]
        );
    }

    #[test]
    fn a_long_reply_is_split_under_telegrams_limit() {
        let text = "오늘 정말 고생 많았어. ".repeat(500);
        let parts = reply_parts(Some(&sad()), &text);
        assert!(parts.len() >= 2);
        for part in &parts {
            assert!(LengthUnit::Utf16.len(&part.plain) <= MAX_MESSAGE_UNITS);
        }
        assert!(parts[0].html.as_deref().unwrap().starts_with("<i>"));
        assert!(!parts[1].html.as_deref().unwrap().contains("<i>"));
    }
}
