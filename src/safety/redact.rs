//! Masking personal data before text leaves for the language model.
//!
//! Four kinds, each switched on or off in `[safety.redaction]`:
//! - e-mail addresses → `[이메일]`;
//! - Korean resident registration numbers (주민등록번호, `YYMMDD-NNNNNNN`) →
//!   `[주민번호]`: with a hyphen or space when the birth date is a real date and
//!   the 7th digit a plausible sex/century digit (1–8); as 13 bare digits only
//!   when the check digit holds too (numbers issued since October 2020 have no
//!   check digit, but 13 bare digits that merely start with a date are too often
//!   order or tracking numbers);
//! - card numbers → `[카드번호]`: 13–19 digits, bare or in the printed groups
//!   (4-4-4-4, 4-4-4-4-3, 4-6-5, 4-6-4), passing the Luhn check;
//! - phone numbers → `[전화번호]`: Korean mobile (`010-1234-5678`, `01012345678`,
//!   `+82 10 …`), Korean landline and internet numbers (`02-123-4567`,
//!   `031 123 4567`, `070-…`), any number written with a `+` country code,
//!   and North American `(415) 555-0132` / `415-555-0132`.
//!
//! Left alone on purpose: dates, times, prices, years, counts, versions, IP
//! addresses, postal codes, numbers that fail their checks, and public
//! representative numbers such as `1577-0199` or `109` (they identify a
//! service, not a person — and the crisis lines must stay readable).
//!
//! A candidate is masked only when it stands on its own: a digit right before
//! or after it (or a `-`/`.` joining it to more digits) means it is part of a
//! longer number, and the whole of that number is left as it is.

use std::borrow::Cow;
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use crate::config::RedactionSettings;

/// A kind of personal data that is masked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PiiKind {
    Email,
    ResidentId,
    Card,
    Phone,
}

impl PiiKind {
    /// Earlier kinds claim their text first where candidates overlap.
    pub const ALL: [PiiKind; 4] = [
        PiiKind::Email,
        PiiKind::ResidentId,
        PiiKind::Card,
        PiiKind::Phone,
    ];

    /// What replaces the masked text.
    pub fn placeholder(self) -> &'static str {
        match self {
            PiiKind::Email => "[이메일]",
            PiiKind::ResidentId => "[주민번호]",
            PiiKind::Card => "[카드번호]",
            PiiKind::Phone => "[전화번호]",
        }
    }

    fn enabled(self, settings: &RedactionSettings) -> bool {
        match self {
            PiiKind::Email => settings.email,
            PiiKind::ResidentId => settings.resident_id,
            PiiKind::Card => settings.card,
            PiiKind::Phone => settings.phone,
        }
    }

    /// The candidate patterns of the kind; each candidate is then checked by [`PiiKind::accepts`].
    fn patterns(self) -> &'static [Regex] {
        match self {
            PiiKind::Email => &EMAIL,
            PiiKind::ResidentId => &RESIDENT_ID,
            PiiKind::Card => &CARD,
            PiiKind::Phone => &PHONE,
        }
    }

    fn accepts(self, candidate: &str) -> bool {
        match self {
            PiiKind::Email => true,
            PiiKind::ResidentId => plausible_resident_id(candidate),
            PiiKind::Card => plausible_card(candidate),
            PiiKind::Phone => plausible_phone(candidate),
        }
    }
}

fn compile(patterns: &[&str]) -> Vec<Regex> {
    patterns
        .iter()
        // The patterns are constants of this file, covered by its tests.
        .map(|p| Regex::new(p).expect("a valid redaction pattern"))
        .collect()
}

static EMAIL: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    compile(&[
        r"[A-Za-z0-9._%+-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,24}",
    ])
});

static RESIDENT_ID: LazyLock<Vec<Regex>> =
    LazyLock::new(|| compile(&[r"[0-9]{6}[- ]?[1-8][0-9]{6}"]));

static CARD: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    compile(&[
        // 4-4-4-4, with an optional short last group (19-digit cards).
        r"[0-9]{4}(?:[- ][0-9]{4}){3}(?:[- ][0-9]{1,3})?",
        // American Express 4-6-5 and Diners 4-6-4.
        r"[0-9]{4}[- ][0-9]{6}[- ][0-9]{4,5}",
        r"[0-9]{13,19}",
    ])
});

static PHONE: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    compile(&[
        // Korean mobile: 010/011/016/017/018/019, or +82 10 … (a stray 0 after +82 is common).
        r"(?:\+82[ .-]?(?:\(0\))?[ .-]?0?|0)1[016789][ .-]?[0-9]{3,4}[ .-]?[0-9]{4}",
        // Korean landline (02, 031–064), internet phone (070), 080 and 050x numbers.
        r"(?:\+82[ .-]?(?:\(0\))?[ .-]?0?|\(0|0)(?:2|[3-6][1-5]|70|80|50[2-8])\)?[ .-]?[0-9]{3,4}[ .-]?[0-9]{4}",
        // Anything with a + country code: +44 20 7946 0958, +1 (415) 555-0132.
        r"\+[1-9][0-9]{0,2}[ .-]?(?:\([0-9]{1,4}\)[ .-]?)?[0-9]{1,4}(?:[ .-]?[0-9]{2,4}){1,4}",
        // North American numbers without the country code.
        r"(?:\([0-9]{3}\) ?|[0-9]{3}[.-])[0-9]{3}[.-][0-9]{4}",
    ])
});

/// What was found: the kind and where (byte offsets).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub kind: PiiKind,
    pub range: Range<usize>,
}

/// The personal data in `text` that `settings` asks to mask, in text order,
/// never overlapping.
pub fn find(text: &str, settings: &RedactionSettings) -> Vec<Found> {
    let mut found: Vec<Found> = Vec::new();
    for kind in PiiKind::ALL {
        if !kind.enabled(settings) {
            continue;
        }
        for pattern in kind.patterns() {
            for candidate in pattern.find_iter(text) {
                let range = candidate.range();
                let taken = found
                    .iter()
                    .any(|f| f.range.start < range.end && range.start < f.range.end);
                if !taken
                    && (kind == PiiKind::Email || stands_alone(text, &range))
                    && kind.accepts(candidate.as_str())
                {
                    found.push(Found { kind, range });
                }
            }
        }
    }
    found.sort_by_key(|f| f.range.start);
    found
}

/// `text` with the personal data `settings` asks for replaced by placeholders;
/// borrowed unchanged when there is none.
pub fn redact<'a>(text: &'a str, settings: &RedactionSettings) -> Cow<'a, str> {
    let found = find(text, settings);
    if found.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for f in found {
        out.push_str(&text[at..f.range.start]);
        out.push_str(f.kind.placeholder());
        at = f.range.end;
    }
    out.push_str(&text[at..]);
    Cow::Owned(out)
}

/// Whether the number at `range` is not part of a longer number.
fn stands_alone(text: &str, range: &Range<usize>) -> bool {
    let joins = |c: char| matches!(c, '-' | '.' | ',' | '/');
    let mut before = text[..range.start].chars().rev();
    let ok_before = match before.next() {
        Some(c) if c.is_ascii_digit() || c == '+' => false,
        Some(c) if joins(c) => !before.next().is_some_and(|d| d.is_ascii_digit()),
        _ => true,
    };
    let mut after = text[range.end..].chars();
    let ok_after = match after.next() {
        Some(c) if c.is_ascii_digit() => false,
        Some(c) if joins(c) => !after.next().is_some_and(|d| d.is_ascii_digit()),
        _ => true,
    };
    ok_before && ok_after
}

fn digits(text: &str) -> Vec<u32> {
    text.chars().filter_map(|c| c.to_digit(10)).collect()
}

/// `YYMMDD` + a sex/century digit, a real date, and the check digit when written bare.
fn plausible_resident_id(candidate: &str) -> bool {
    let d = digits(candidate);
    if d.len() != 13 {
        return false;
    }
    let century = match d[6] {
        1 | 2 | 5 | 6 => 1900,
        3 | 4 | 7 | 8 => 2000,
        _ => return false,
    };
    let year = century + d[0] * 10 + d[1];
    let month = d[2] * 10 + d[3];
    let day = d[4] * 10 + d[5];
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return false;
    }
    let separated = candidate.len() != 13;
    separated || resident_id_check_digit(&d) == d[12]
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The 13th digit of a resident registration number issued before October 2020.
pub fn resident_id_check_digit(digits: &[u32]) -> u32 {
    const WEIGHTS: [u32; 12] = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5];
    let sum: u32 = digits.iter().zip(WEIGHTS).map(|(d, w)| d * w).sum();
    (11 - sum % 11) % 10
}

/// 13–19 digits, not all the same, Luhn-valid.
fn plausible_card(candidate: &str) -> bool {
    let d = digits(candidate);
    (13..=19).contains(&d.len()) && d.iter().any(|x| *x != d[0]) && luhn_valid(&d)
}

/// The Luhn (mod 10) check that every payment card number passes.
pub fn luhn_valid(digits: &[u32]) -> bool {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            if i % 2 == 1 {
                let doubled = d * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// Between 8 and 15 digits, the length of real phone numbers with their country code.
fn plausible_phone(candidate: &str) -> bool {
    (8..=15).contains(&digits(candidate).len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn_and_check_digit_match_known_numbers() {
        assert!(luhn_valid(&digits("4111111111111111")));
        assert!(luhn_valid(&digits("378282246310005")));
        assert!(!luhn_valid(&digits("4111111111111112")));
        // Weights 2…9, 2…5: 16+0+0+5+0+7+8+18+6+12+20+30 = 122; 122 mod 11 = 1; (11 − 1) mod 10 = 0.
        assert_eq!(resident_id_check_digit(&digits("800101123456")), 0);
    }

    #[test]
    fn february_29_exists_only_in_leap_years() {
        assert!(plausible_resident_id("000229-3123456"));
        assert!(!plausible_resident_id("010229-3123456"));
        assert!(plausible_resident_id("960229-1123456"));
        assert!(!plausible_resident_id("970229-1123456"));
    }

    #[test]
    fn nothing_to_mask_borrows() {
        let all = RedactionSettings::ALL;
        assert!(matches!(redact("오늘 3시에 보자", &all), Cow::Borrowed(_)));
    }
}
