//! How the characters of a message are read before a model or a rule looks
//! at them ([`plain`]). Writing the same words another way — in capitals,
//! letters stretched, spelled out with dots, with invisible or full-width
//! characters — must not change what Maeum reads: on the crisis
//! development parts written that way, capitals cut the detector's recall
//! from 99.0 % to 91.4 % and raised its false alarms from 2.9 % to 15.6 %
//! (docs/safety.md, "Written another way"). The message itself is stored and
//! answered as written; only what is read is plain.

/// Characters that show as nothing: zero-width space, non-joiner and joiner,
/// word joiner, byte-order mark, soft hyphen.
const INVISIBLE: [char; 6] = [
    '\u{200B}', '\u{200C}', '\u{200D}', '\u{2060}', '\u{FEFF}', '\u{AD}',
];

/// What joins letters spelled out one by one: `s.u.i.c.i.d.e`, 「죽.고.싶.다」.
const SPELLING_MARKS: [char; 5] = ['.', '-', '*', '_', '·'];

/// `text` as it is read: invisible characters dropped, full-width Latin
/// letters, digits and signs made ordinary, words spelled out letter by
/// letter joined (three letters or more between dots or dashes, two Korean
/// syllables or more, four Latin letters or more between single spaces), a
/// message written in capitals in lower case, and a Latin letter repeated
/// three times or more shortened (to one at the end of a word, "dieeee" and
/// "soooo"; to two inside one, "goooood").
/// Korean is left as written but for the spelling out: its jamo (ㅋㅋ, ㅠㅠ)
/// carry meaning the rules read.
pub fn plain(text: &str) -> String {
    let chars: Vec<char> = text
        .chars()
        .filter(|c| !INVISIBLE.contains(c))
        .map(ordinary_width)
        .collect();
    let joined = join_spelled(&chars);
    let calm = if shouted(&joined) {
        joined.iter().flat_map(|c| c.to_lowercase()).collect()
    } else {
        joined
    };
    unstretch(&calm)
}

/// Full-width ASCII (ｋｍｓ, ！) as ordinary ASCII.
fn ordinary_width(c: char) -> char {
    match u32::from(c) {
        code @ 0xFF01..=0xFF5E => char::from_u32(code - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

fn join_spelled(chars: &[char]) -> Vec<char> {
    let letter = |i: usize| chars.get(i).is_some_and(|c| c.is_alphabetic());
    let latin = |i: usize| chars.get(i).is_some_and(char::is_ascii_alphabetic);
    let mut out = Vec::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        let spelled = if letter(i) && (i == 0 || !letter(i - 1)) {
            // A Korean word of two syllables is spelled out as often as a
            // longer one (「자.살」, 「죽.음」); two Latin letters between dots
            // are mostly an abbreviation ("a.m.", "U.S.").
            let least = if is_hangul(chars[i]) { 2 } else { 3 };
            chars
                .get(i + 1)
                .filter(|mark| SPELLING_MARKS.contains(mark))
                .and_then(|&mark| spelled_run(chars, i, mark, least, &letter))
                .or_else(|| {
                    (latin(i) && (i == 0 || !latin(i - 1)))
                        .then(|| spelled_run(chars, i, ' ', 4, &latin))
                        .flatten()
                })
        } else {
            None
        };
        match spelled {
            Some(end) => {
                out.extend((i..=end).step_by(2).map(|k| chars[k]));
                i = end + 1;
            }
            None => {
                out.push(chars[i]);
                i += 1;
            }
        }
    }
    out
}

/// Hangul syllables and compatibility jamo (ㅋ, ㅠ).
fn is_hangul(c: char) -> bool {
    matches!(c, '\u{AC00}'..='\u{D7A3}' | '\u{3131}'..='\u{318E}')
}

/// The index of the last letter of a word spelled out from `start`, one
/// letter at a time with `mark` between them, when it has at least `least`
/// letters and no letter follows it.
fn spelled_run(
    chars: &[char],
    start: usize,
    mark: char,
    least: usize,
    is_letter: &dyn Fn(usize) -> bool,
) -> Option<usize> {
    let mut end = start;
    while chars.get(end + 1) == Some(&mark) && is_letter(end + 2) {
        end += 2;
    }
    // The last letter must end the word ("a-b-cd" is no spelling).
    if is_letter(end + 1) {
        if end < start + 2 {
            return None;
        }
        end -= 2;
    }
    ((end - start) / 2 + 1 >= least).then_some(end)
}

/// Written in capitals: at least four letters that have a case, seven in
/// ten of them upper case, and they are most of the letters (a Korean
/// message naming ADHD or the OECD is not shouted).
fn shouted(chars: &[char]) -> bool {
    let letters = chars.iter().filter(|c| c.is_alphabetic()).count();
    let cased = chars
        .iter()
        .filter(|c| c.is_uppercase() || c.is_lowercase())
        .count();
    let upper = chars.iter().filter(|c| c.is_uppercase()).count();
    cased >= 4 && cased * 2 >= letters && upper * 10 >= cased * 7
}

fn unstretch(chars: &[char]) -> String {
    let mut out = String::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let mut run = 1;
        while chars.get(i + run) == Some(&c) {
            run += 1;
        }
        let keep = if c.is_ascii_alphabetic() && run >= 3 {
            let ends_word = !chars.get(i + run).is_some_and(char::is_ascii_alphabetic);
            if ends_word { 1 } else { 2 }
        } else {
            run
        };
        out.extend(std::iter::repeat_n(c, keep));
        i += run;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::plain;

    #[test]
    fn the_same_words_written_another_way_read_the_same() {
        assert_eq!(plain("I WANT TO DIEEEE"), "i want to die");
        assert_eq!(plain("sui\u{200B}ci\u{200D}de"), "suicide");
        assert_eq!(plain("ｋｍｓ"), "kms");
        assert_eq!(plain("s.u.i.c.i.d.e tonight"), "suicide tonight");
        assert_eq!(plain("죽.고.싶.다"), "죽고싶다");
        assert_eq!(
            plain("자.살 하면 편해질까 ㅋ.ㅋ"),
            "자살 하면 편해질까 ㅋㅋ"
        );
        assert_eq!(plain("k-i-l-l myself"), "kill myself");
        assert_eq!(plain("i want to d i e"), "i want to d i e");
        assert_eq!(plain("s u i c i d e"), "suicide");
        assert_eq!(plain("soooo tired, pleaseee"), "so tired, please");
        assert_eq!(plain("goooood night"), "good night");
    }

    #[test]
    fn ordinary_writing_is_left_as_it_is() {
        for text in [
            "I am OK, just tired",
            "오늘 너무 힘들었어ㅠㅠㅋㅋㅋ",
            "U.S. trip at 3.30 p.m.",
            "응. 그래서 했어.그건 그렇고",
            "a-b-cd",
            "i a m fine",
            "good coffee",
            "나 너 무 힘들어",
            "처방받은 ADHD 약 먹고 잠이 안 와요",
            "",
        ] {
            assert_eq!(plain(text), text);
        }
        // Shouting is lowered only when most letters are capitals.
        assert_eq!(plain("OMG LOL"), "omg lol");
        assert_eq!(plain("I saw NASA today"), "I saw NASA today");
    }
}
