//! What kind of message the offline generator is answering, and in which
//! language: a greeting gets a greeting, a question an answer that turns the
//! question back gently, an English message English.

/// The shape of a message, as far as a friend's reply cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Greeting,
    Thanks,
    Goodbye,
    /// A question to the bot.
    Question,
    /// A few letters: ㅋㅋ, ㅠㅠ, ok, 응.
    Reaction,
    /// A long message: a story told.
    Story,
    /// Anything else: something said.
    Statement,
}

/// A message at least this long (in characters) is a story.
const STORY_CHARS: usize = 120;

/// Reads the kind of `text` (the whole message, trimmed).
pub fn kind_of(text: &str) -> Kind {
    let text = text.trim();
    let lower = text.to_lowercase();
    let compact: String = lower.chars().filter(|c| c.is_alphanumeric()).collect();
    let letters = compact.chars().count();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric() && c != '\'')
        .filter(|w| !w.is_empty())
        .collect();
    let has = |list: &[&str]| list.iter().any(|w| compact.contains(w));
    let word = |list: &[&str]| words.iter().any(|w| list.contains(w));
    if text.chars().count() >= STORY_CHARS {
        return Kind::Story;
    }
    if letters <= 12
        && (has(&[
            "잘자",
            "잘있어",
            "다음에봐",
            "내일봐",
            "바이",
            "빠이",
            "나갈게",
            "먼저잘게",
            "이만",
        ]) || word(&["bye", "goodbye", "goodnight", "cya"])
            || lower.contains("good night")
            || lower.contains("see you"))
    {
        return Kind::Goodbye;
    }
    if letters <= 14
        && (has(&["고마워", "고맙", "감사", "땡큐"]) || word(&["thanks", "thank", "thx", "ty"]))
    {
        return Kind::Thanks;
    }
    if letters <= 10
        && (has(&["안녕", "하이", "ㅎㅇ", "반가워", "좋은아침", "굿모닝"])
            || word(&["hi", "hello", "hey", "yo", "morning", "sup"]))
    {
        return Kind::Greeting;
    }
    if text.ends_with(['?', '？'])
        || has(&[
            "뭐해",
            "어때",
            "어떻게생각",
            "알려줘",
            "할까",
            "일까",
            "인가",
            "괜찮을까",
        ])
        || words.first().is_some_and(|w| {
            [
                "what", "why", "how", "should", "do", "does", "can", "is", "are", "would", "could",
                "will",
            ]
            .contains(w)
        })
    {
        return Kind::Question;
    }
    if letters <= 4 {
        return Kind::Reaction;
    }
    Kind::Statement
}

/// Whether to answer in English: Latin letters and no Hangul.
pub fn is_english(text: &str) -> bool {
    crate::safety::message_language(text) == Some("en")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_read_from_the_message() {
        for (text, kind) in [
            ("안녕", Kind::Greeting),
            ("안녕~ 반가워", Kind::Greeting),
            ("hello!", Kind::Greeting),
            ("고마워 ㅠㅠ", Kind::Thanks),
            ("thanks a lot", Kind::Thanks),
            ("잘 자", Kind::Goodbye),
            ("bye!", Kind::Goodbye),
            ("good night", Kind::Goodbye),
            ("너는 뭐 좋아해?", Kind::Question),
            ("what should I do", Kind::Question),
            ("ㅋㅋㅋ", Kind::Reaction),
            ("응", Kind::Reaction),
            ("오늘 회사에서 칭찬받았어", Kind::Statement),
        ] {
            assert_eq!(kind_of(text), kind, "{text}");
        }
        assert_eq!(kind_of(&"오늘 있었던 일인데 ".repeat(15)), Kind::Story);
    }

    #[test]
    fn english_is_latin_without_hangul() {
        assert!(is_english("I got the job!"));
        assert!(!is_english("오늘 job 인터뷰 봤어"));
        assert!(!is_english("ㅋㅋㅋ"));
        assert!(!is_english("!!!"));
    }
}
