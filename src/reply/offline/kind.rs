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

/// How strongly a message is said. A friend answers 「시험 망했어」 and
/// 「시험 완전 망했어 진짜 미치겠다 ㅠㅠㅠ」 differently: the second gets the
/// strength of it named first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Intensity {
    Mild,
    Strong,
}

/// Korean intensifiers and outbursts, matched with spaces removed.
const STRONG_KO: &[&str] = &[
    "너무",
    "진짜",
    "정말",
    "완전",
    "엄청",
    "제일",
    "최악",
    "최고",
    "대박",
    "미치겠",
    "미칠것",
    "돌겠",
    "죽겠",
    "환장",
    "극혐",
    "빡쳐",
    "빡치",
    "개짜증",
    "하나도",
    "도저히",
    "펑펑",
];
/// English intensifiers, matched as whole lower-case words.
const STRONG_EN: &[&str] = &[
    "so",
    "really",
    "very",
    "extremely",
    "totally",
    "absolutely",
    "completely",
    "worst",
    "best",
    "hate",
    "furious",
    "devastated",
    "terrified",
    "ecstatic",
    "awful",
    "horrible",
    "amazing",
];

/// Reads how strongly `text` is said: two or more signs of strength (an
/// intensifier, a run of ㅠ/ㅜ or of exclamation marks, a shouted English
/// word) make it strong — one alone is how people talk every day.
pub fn intensity_of(text: &str) -> Intensity {
    let lower = text.to_lowercase();
    let compact: String = lower.chars().filter(|c| !c.is_whitespace()).collect();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric() && c != '\'')
        .filter(|w| !w.is_empty())
        .collect();
    let mut signs = STRONG_KO.iter().filter(|w| compact.contains(*w)).count()
        + words.iter().filter(|w| STRONG_EN.contains(w)).count();
    let longest_run = |wanted: &[char]| {
        let (mut best, mut run) = (0, 0);
        for c in text.chars() {
            run = if wanted.contains(&c) { run + 1 } else { 0 };
            best = best.max(run);
        }
        best
    };
    if longest_run(&['ㅠ', 'ㅜ']) >= 3 {
        signs += 1;
    }
    if longest_run(&['!', '！']) >= 2 {
        signs += 1;
    }
    signs += text
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| w.chars().count() >= 3 && w.chars().all(|c| c.is_ascii_uppercase()))
        .count();
    if signs >= 2 {
        Intensity::Strong
    } else {
        Intensity::Mild
    }
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
    fn intensity_needs_two_signs_of_strength() {
        for text in [
            "시험 완전 망했어 진짜 미치겠다",
            "시험 망했어 ㅠㅠㅠㅠ 너무 속상해",
            "I got the job!!! so happy",
            "I am SO ANGRY right now",
            "this is the worst day, I really hate it",
        ] {
            assert_eq!(intensity_of(text), Intensity::Strong, "{text}");
        }
        for text in [
            "시험 망했어",
            "오늘 좀 피곤하다 진짜",
            "I got the job!",
            "work was a bit annoying today",
            "ㅠㅠ",
            "OK",
        ] {
            assert_eq!(intensity_of(text), Intensity::Mild, "{text}");
        }
    }

    #[test]
    fn english_is_latin_without_hangul() {
        assert!(is_english("I got the job!"));
        assert!(!is_english("오늘 job 인터뷰 봤어"));
        assert!(!is_english("ㅋㅋㅋ"));
        assert!(!is_english("!!!"));
    }
}
