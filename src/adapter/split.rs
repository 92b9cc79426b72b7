//! Splitting a long reply into messages a platform accepts (Telegram: 4096
//! UTF-16 code units, Discord: 2000 characters), at the most natural break
//! that fits: a paragraph, then a line, then a sentence end, then a space,
//! and only as a last resort inside a word.

/// How a platform counts message length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LengthUnit {
    /// Unicode scalar values (Discord).
    Chars,
    /// UTF-16 code units (Telegram).
    Utf16,
}

impl LengthUnit {
    fn of(self, c: char) -> usize {
        match self {
            LengthUnit::Chars => 1,
            LengthUnit::Utf16 => c.len_utf16(),
        }
    }

    pub fn len(self, text: &str) -> usize {
        text.chars().map(|c| self.of(c)).sum()
    }
}

/// Splits `text` into parts of at most `max` units each, none empty, that
/// joined (with the whitespace at the breaks) give back the text.
pub fn split_reply(text: &str, max: usize, unit: LengthUnit) -> Vec<String> {
    let max = max.max(1);
    let mut parts = Vec::new();
    let mut rest = text.trim();
    while unit.len(rest) > max {
        // The longest prefix that fits, as a byte offset.
        let mut fits = 0;
        let mut used = 0;
        for (i, c) in rest.char_indices() {
            if used + unit.of(c) > max {
                break;
            }
            used += unit.of(c);
            fits = i + c.len_utf8();
        }
        let window = &rest[..fits];
        let cut =
            best_break(window).unwrap_or(fits.max(rest.chars().next().map_or(1, char::len_utf8)));
        let (part, tail) = rest.split_at(cut);
        if !part.trim().is_empty() {
            parts.push(part.trim_end().to_string());
        }
        rest = tail.trim_start();
    }
    if !rest.is_empty() {
        parts.push(rest.to_string());
    }
    parts
}

/// The byte offset just after the best break in `window`, ignoring breaks in
/// its first quarter so parts are not needlessly short.
fn best_break(window: &str) -> Option<usize> {
    let floor = window.len() / 4;
    let candidates = [
        window.rfind("\n\n").map(|i| i + 2),
        window.rfind('\n').map(|i| i + 1),
        sentence_end(window),
        window.rfind(' ').map(|i| i + 1),
    ];
    candidates.into_iter().flatten().find(|&i| i > floor)
}

/// After the last `.`, `!`, `?`, `…` (or their full-width forms) followed by a space.
fn sentence_end(window: &str) -> Option<usize> {
    let mut best = None;
    let mut previous: Option<(usize, char)> = None;
    for (i, c) in window.char_indices() {
        if let Some((p, pc)) = previous
            && matches!(pc, '.' | '!' | '?' | '…' | '。' | '！' | '？')
            && c.is_whitespace()
        {
            best = Some(p + pc.len_utf8());
        }
        previous = Some((i, c));
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, max: usize, unit: LengthUnit) -> Vec<String> {
        let parts = split_reply(text, max, unit);
        for part in &parts {
            assert!(unit.len(part) <= max, "{part:?} is too long");
            assert!(!part.trim().is_empty());
        }
        let rejoined: String = parts
            .concat()
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let original: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        assert_eq!(rejoined, original, "nothing is lost");
        parts
    }

    #[test]
    fn short_text_is_one_part() {
        assert_eq!(check("안녕!", 10, LengthUnit::Chars), vec!["안녕!"]);
        assert!(split_reply("  ", 10, LengthUnit::Chars).is_empty());
    }

    #[test]
    fn prefers_lines_then_sentences_then_spaces() {
        let text = "첫 줄이야.\n둘째 줄은 조금 더 길어. 문장이 두 개야.";
        assert_eq!(
            check(text, 20, LengthUnit::Chars),
            vec!["첫 줄이야.", "둘째 줄은 조금 더 길어.", "문장이 두 개야."]
        );
        let words = "하나 둘 셋 넷 다섯 여섯 일곱";
        assert_eq!(
            check(words, 9, LengthUnit::Chars),
            vec!["하나 둘 셋 넷", "다섯 여섯 일곱"]
        );
    }

    #[test]
    fn a_long_word_is_cut_as_a_last_resort() {
        let parts = check(&"가".repeat(25), 10, LengthUnit::Chars);
        assert_eq!(parts.len(), 3);
    }

    #[test]
    fn utf16_counts_emoji_as_two() {
        let text = "😀".repeat(6);
        let parts = check(&text, 4, LengthUnit::Utf16);
        assert_eq!(parts, vec!["😀😀", "😀😀", "😀😀"]);
    }

    #[test]
    fn six_thousand_characters_make_two_telegram_messages() {
        let sentence = "오늘 정말 고생 많았어. ";
        let text = sentence.repeat(6000 / sentence.chars().count() + 1);
        let parts = check(&text, 4096, LengthUnit::Utf16);
        assert_eq!(parts.len(), 2);
        assert!(parts[0].ends_with('.'), "split at a sentence end");
    }
}
