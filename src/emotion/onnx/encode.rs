//! Turning a (utterance, context) pair into the model's tokens, truncated to
//! `emotion.max_tokens` the way [`Utterance::model_input`](crate::emotion::Utterance::model_input)
//! promises: the context goes first, from its end; the utterance is cut only when
//! it alone is too long.

use tokenizers::{Encoding, PostProcessor, Tokenizer, TruncationDirection};

/// Characters of one segment read at most, per token of `max_tokens`. Bounds
/// the tokenizer's work on huge input; no tokenizer Maeum uses averages
/// anywhere near this many characters per token, so the cut never reaches the
/// tokens that are kept.
const CHARS_PER_TOKEN_CAP: usize = 32;

#[derive(Clone)]
pub(super) struct Encoder {
    tokenizer: Tokenizer,
    max_tokens: usize,
    special_single: usize,
    special_pair: usize,
}

impl Encoder {
    /// `max_tokens` counts the special tokens too.
    pub fn new(mut tokenizer: Tokenizer, max_tokens: usize) -> Result<Encoder, String> {
        // Truncation and padding are done here and by the batcher, not by
        // settings that may ride along in tokenizer.json.
        tokenizer
            .with_truncation(None)
            .map_err(|e| format!("cannot clear truncation: {e}"))?;
        tokenizer.with_padding(None);
        let special = |pair| {
            tokenizer
                .get_post_processor()
                .map_or(0, |p| p.added_tokens(pair))
        };
        let (special_single, special_pair) = (special(false), special(true));
        if max_tokens <= special_pair {
            return Err(format!(
                "emotion.max_tokens {max_tokens} leaves no room beside the {special_pair} special tokens"
            ));
        }
        Ok(Encoder {
            tokenizer,
            max_tokens,
            special_single,
            special_pair,
        })
    }

    /// At most `max_tokens` tokens, special tokens included. Never fails for
    /// length; empty text gives just the special tokens.
    pub fn encode(&self, text: &str, context: Option<&str>) -> Result<Encoding, String> {
        let mut first = self.encode_segment(text)?;
        let second = match context {
            Some(context) => Some(self.encode_segment(context)?).filter(|e| !e.is_empty()),
            None => None,
        };
        let pair_room = self.max_tokens - self.special_pair;
        let (first, second) = match second {
            // At least one context token fits beside the whole utterance.
            Some(mut second) if first.len() < pair_room => {
                truncate(&mut second, pair_room - first.len());
                (first, Some(second))
            }
            // The utterance fills the budget alone: the context is dropped.
            _ => {
                truncate(&mut first, self.max_tokens - self.special_single);
                (first, None)
            }
        };
        self.tokenizer
            .post_process(first, second, true)
            .map_err(|e| e.to_string())
    }

    fn encode_segment(&self, text: &str) -> Result<Encoding, String> {
        let text = first_chars(text, self.max_tokens * CHARS_PER_TOKEN_CAP);
        self.tokenizer
            .encode_fast(text, false)
            .map_err(|e| e.to_string())
    }
}

/// Keeps the first `max_len` tokens, dropping the rest (not keeping it as overflow).
fn truncate(encoding: &mut Encoding, max_len: usize) {
    encoding.truncate(max_len, 0, TruncationDirection::Right);
    drop(encoding.take_overflowing());
}

fn first_chars(text: &str, max_chars: usize) -> &str {
    match text.char_indices().nth(max_chars) {
        Some((end, _)) => &text[..end],
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encoder(max_tokens: usize) -> Encoder {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/model/test-tiny/tokenizer.json"
        );
        Encoder::new(Tokenizer::from_file(path).unwrap(), max_tokens).unwrap()
    }

    /// The tokens by id (`encode_fast` leaves the token strings empty).
    fn tokens(e: &Encoding) -> Vec<String> {
        let tokenizer = &encoder(16).tokenizer;
        e.get_ids()
            .iter()
            .map(|&id| tokenizer.id_to_token(id).unwrap())
            .collect()
    }

    #[test]
    fn a_pair_marks_the_context_with_type_one() {
        let e = encoder(64).encode("hi", Some("yo")).unwrap();
        assert_eq!(
            tokens(&e),
            ["[CLS]", "h", "##i", "[SEP]", "y", "##o", "[SEP]"]
        );
        assert_eq!(e.get_type_ids(), [0, 0, 0, 0, 1, 1, 1]);
    }

    #[test]
    fn korean_is_read_as_jamo_without_unknown_tokens() {
        let e = encoder(64)
            .encode("안녕, 오늘 좀 우울해 ㅠㅠ", Some("회사 가기 싫다"))
            .unwrap();
        let tokens = tokens(&e);
        assert_eq!(tokens[..7], ["[CLS]", "ᄋ", "##ᅡ", "##ᆫ", "##ᄂ", "##ᅧ", "##ᆼ"]);
        assert!(!tokens.iter().any(|t| t == "[UNK]"), "{tokens:?}");
    }

    #[test]
    fn the_context_is_cut_from_its_end_first() {
        // 3 special tokens + 4 utterance tokens leave 3 for the context.
        let e = encoder(10).encode("abcd", Some("wxyz uv")).unwrap();
        assert_eq!(
            tokens(&e),
            [
                "[CLS]", "a", "##b", "##c", "##d", "[SEP]", "w", "##x", "##y", "[SEP]"
            ]
        );
    }

    #[test]
    fn an_utterance_too_long_alone_drops_the_context_and_is_cut() {
        let e = encoder(8).encode("abcdefghij", Some("xyz")).unwrap();
        assert_eq!(
            tokens(&e),
            ["[CLS]", "a", "##b", "##c", "##d", "##e", "##f", "[SEP]"]
        );
        assert!(e.get_type_ids().iter().all(|&t| t == 0));
    }

    #[test]
    fn huge_input_is_cut_to_max_tokens() {
        let text = "마음이 아파 ".repeat(20_000);
        let e = encoder(128).encode(&text, Some(&text)).unwrap();
        assert_eq!(e.len(), 128);
        assert!(e.get_overflowing().is_empty());
    }

    #[test]
    fn empty_text_gives_only_special_tokens() {
        assert_eq!(
            tokens(&encoder(16).encode("", None).unwrap()),
            ["[CLS]", "[SEP]"]
        );
        assert_eq!(
            tokens(&encoder(16).encode("", Some("")).unwrap()),
            ["[CLS]", "[SEP]"]
        );
    }

    #[test]
    fn first_chars_respects_char_boundaries() {
        assert_eq!(first_chars("마음이", 2), "마음");
        assert_eq!(first_chars("ab", 5), "ab");
    }
}
