//! Summaries of what fell out of the history window: the instruction the
//! LLM folds older turns with, and the compact extractive note written
//! without one (or when it fails). The pipeline decides when to fold; the
//! store keeps the result.

use super::Exchange;
use super::prompt::{ChatMessage, Role};

/// The longest summary kept, in characters: older parts give way first.
pub const MAX_SUMMARY_CHARS: usize = 600;
/// How much of each message the extractive note quotes, in characters.
const NOTE_CHARS: usize = 40;

/// What the LLM is asked to write.
const INSTRUCTION: &str = "너는 대화 기록을 요약하는 도우미야. 아래는 한 사용자와 친구 같은 챗봇의 \
예전 대화야. 다음 대화에서 친구처럼 기억해 두면 좋을 것만 3~5문장으로 짧게 요약해: 무슨 일이 있었는지, \
어떤 감정이었는지, 중요한 사람·일·계획. 사용자의 말투 그대로 인용하지 말고, 연락처·주소 같은 개인정보나 \
자해 방법 같은 위험한 내용은 쓰지 마. 이전 요약이 있으면 그 내용도 합쳐서 하나로 써. 요약만 출력해.";

/// The chat that asks the LLM to fold `turns` into `earlier`.
pub fn summary_messages(earlier: Option<&str>, turns: &[Exchange]) -> Vec<ChatMessage> {
    let mut transcript = String::new();
    if let Some(earlier) = earlier.filter(|e| !e.trim().is_empty()) {
        transcript.push_str(&format!("[이전 요약]\n{}\n\n", earlier.trim()));
    }
    transcript.push_str("[대화]\n");
    for turn in turns {
        let feeling = turn
            .emotion
            .map(|label| format!(" ({})", label.group.korean()))
            .unwrap_or_default();
        transcript.push_str(&format!("사용자{feeling}: {}\n", turn.user_text.trim()));
        if let Some(reply) = &turn.reply {
            transcript.push_str(&format!("챗봇: {}\n", reply.trim()));
        }
    }
    vec![
        ChatMessage::new(Role::System, INSTRUCTION),
        ChatMessage::new(Role::User, transcript),
    ]
}

/// A compact note of `turns` after `earlier`, without a model: per message,
/// the emotion group read and the start of what was said. The oldest parts
/// go first when the note grows past [`MAX_SUMMARY_CHARS`].
pub fn extractive(earlier: Option<&str>, turns: &[Exchange]) -> String {
    let mut parts: Vec<String> = earlier
        .map(|e| {
            e.split(" / ")
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    for turn in turns {
        let said = first_words(&turn.user_text, NOTE_CHARS);
        if said.is_empty() {
            continue;
        }
        parts.push(match turn.emotion {
            Some(label) => format!("{}: {said}", label.group.korean()),
            None => said,
        });
    }
    fit(parts, MAX_SUMMARY_CHARS)
}

/// Cuts a summary to `max_chars`, dropping its oldest parts first (an LLM's
/// summary, one part, is cut at its end).
pub fn fit(mut parts: Vec<String>, max_chars: usize) -> String {
    let joined_len = |parts: &[String]| {
        parts.iter().map(|p| p.chars().count()).sum::<usize>() + 3 * parts.len().saturating_sub(1)
    };
    while parts.len() > 1 && joined_len(&parts) > max_chars {
        parts.remove(0);
    }
    let joined = parts.join(" / ");
    joined.chars().take(max_chars).collect()
}

/// The start of `text` on one line, cut at a word boundary near `max_chars`.
fn first_words(text: &str, max_chars: usize) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max_chars {
        return flat;
    }
    let cut: String = flat.chars().take(max_chars).collect();
    let cut = match cut.rfind(' ') {
        Some(space) if space > max_chars / 2 => cut[..space].to_string(),
        _ => cut,
    };
    format!("{}…", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emotion::EmotionLabel;

    fn exchange(text: &str, code: &str) -> Exchange {
        Exchange {
            user_text: text.to_string(),
            emotion: EmotionLabel::by_code(code),
            reply: Some("그랬구나.".to_string()),
        }
    }

    #[test]
    fn the_note_keeps_the_feeling_and_the_start_of_each_message() {
        let note = extractive(
            Some("기쁨: 합격했어"),
            &[
                exchange("면접에서 떨어졌어", "E20"),
                exchange("팀장이 또 소리 질렀어", "E10"),
            ],
        );
        assert_eq!(
            note,
            "기쁨: 합격했어 / 슬픔: 면접에서 떨어졌어 / 분노: 팀장이 또 소리 질렀어"
        );
    }

    #[test]
    fn the_note_stays_short_and_drops_its_oldest_parts_first() {
        let long = "오늘 있었던 일을 길게 이야기해 볼게 ".repeat(10);
        let turns: Vec<Exchange> = (0..40)
            .map(|i| exchange(&format!("{i}번째 {long}"), "E20"))
            .collect();
        let note = extractive(None, &turns);
        assert!(
            note.chars().count() <= MAX_SUMMARY_CHARS,
            "{}",
            note.chars().count()
        );
        assert!(note.contains("39번째"), "{note}");
        assert!(!note.contains("슬픔: 0번째"), "{note}");
    }

    #[test]
    fn the_llm_is_given_the_earlier_summary_and_every_turn() {
        let messages = summary_messages(Some("예전 요약"), &[exchange("시험 망했어", "E20")]);
        assert_eq!(messages.len(), 2);
        assert!(messages[1].content.contains("예전 요약"));
        assert!(messages[1].content.contains("사용자 (슬픔): 시험 망했어"));
        assert!(messages[1].content.contains("챗봇: 그랬구나."));
    }
}
