//! Recognising messages that suggest suicide or self-harm, in Korean and English.
//!
//! Rule-based on purpose: readable, testable, fast, and with no model to
//! download. [`assess`] splits a message into sentences and normalises each
//! twice — Korean phrases are matched with all spaces and punctuation removed
//! (Korean spacing is loose: `죽고싶다`, `죽고 싶다`), English phrases on
//! lower-case text with single spaces. Every phrase ([`RULES`], by category,
//! with comments) is either
//! - **strong** — says it plainly (`죽고 싶어`, `살 이유가 없어`,
//!   `약을 모아두고 있어`, "I want to die"): a crisis unless set aside below; or
//! - **borderline** — often ordinary speech (`사라지고 싶다`, `다 끝내고 싶어`,
//!   `옥상에 올라가 있어`, "I can't go on"): a crisis only when the emotion read
//!   from the message is sad or hurt (슬픔/상처, or 취약한/고립된/외로운), or the
//!   message also speaks of despair (`너무 힘들어`, "hopeless"), or no emotion
//!   could be read at all (the classifier failed: then we err on the side of care).
//!
//! A match is set aside ([`SetAside`]) when, in its sentence,
//! - it is **negated** (`죽고 싶진 않아`, `자해는 안 해`, "I'm not suicidal");
//! - it is about **someone else**: reported speech (`죽고 싶대`, `죽고 싶어 해`),
//!   a third-person subject with no first-person word (`친구가 자살하고 싶대`,
//!   `죽고 싶은 사람`), a question to "you" (`너 죽고 싶냐?`), or in English the
//!   nearest subject before the phrase (`my friend says she's suicidal`);
//! - it names a **topic** (`자해`, `자살 시도`, `극단적 선택`, "suicidal",
//!   "self-harm") in talk about fiction, news or study with no first-person word
//!   (`드라마에서 주인공이 자해했어`, `자살 시도 기사 봤어`);
//! - an **ordinary context** explains it (`숙제 다 끝내고 싶어`, `창피해서
//!   사라지고 싶어`, `옥상에서 고기 구워 먹어`, "I cut myself cooking");
//! - it is **past and resolved** (`예전엔 죽고 싶었는데 지금은 괜찮아`).
//!
//! Idioms never match to begin with: the phrases are the wish to die, not the
//! word 죽다 (`배고파 죽겠다`, `웃겨 죽겠네`, `죽을 만큼 맛있어`, `죽이는데?`,
//! "I'm dying to see it", "this killed me lol"), and hyperbole that does use a
//! phrase is caught by context (`죽고 싶을 만큼 맛있어`, "I want to die of
//! embarrassment"). Shame as a cause (`쪽팔려서 죽고 싶다`) makes a strong
//! phrase borderline: the emotion decides.
//!
//! Decisions, documented:
//! - Talk about others, fiction and news is not a crisis *of the writer*: no
//!   crisis lines. (The LLM's standing instructions still ask it to take any
//!   mention of suicide seriously.) A message that goes on to the writer —
//!   `주인공이 자살했어. 나도 그러고 싶다`, `엄마가 돌아가셨어. 엄마 곁으로 가고
//!   싶어` — is a crisis: some phrases count only after a death is mentioned.
//! - A negated wish (`죽고 싶진 않아, 그냥 피곤해`) is not a crisis: it says
//!   the opposite, and answering it with hotlines would not be heard as care.
//!   Any other signal in the same message still counts (`죽고 싶진 않은데
//!   사라지고 싶어` with a sad emotion is a crisis).
//! - Asking for a crisis line (`자살예방 상담전화 번호 알려줘`) is answered as a
//!   crisis: the lines are exactly what the user needs.

use std::sync::LazyLock;

use regex::Regex;

mod learned;
mod rules;
mod severity;
mod words;

pub use severity::{CrisisReading, EARLIER_MESSAGES, Severity, imminent, read};

use rules::{Context, Lang, RULES, Rule, Strength};
use words::*;

use crate::emotion::{Emotion, EmotionGroup};
use crate::text;

/// What kind of signal made a message a crisis. Logged (never the text).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Category {
    /// Wanting to die or to kill oneself.
    Ideation,
    /// Wanting to stop existing, not wake up, disappear, end it all.
    PassiveWish,
    /// Feeling a burden: others would be better off without them.
    Burden,
    /// No reason to live, no way to go on.
    Hopelessness,
    /// Hurting oneself.
    SelfHarm,
    /// Means, a place, preparations or a farewell.
    PlanOrMeans,
    /// Asking for a crisis line.
    HelpSeeking,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Ideation => "ideation",
            Category::PassiveWish => "passive_wish",
            Category::Burden => "burden",
            Category::Hopelessness => "hopelessness",
            Category::SelfHarm => "self_harm",
            Category::PlanOrMeans => "plan_or_means",
            Category::HelpSeeking => "help_seeking",
        }
    }
}

/// Why a matching phrase did not make the message a crisis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SetAside {
    /// The wish is negated (`죽고 싶진 않아`).
    Negated,
    /// The wish is negated and a later sentence takes the denial back
    /// (`자해 안 했어. 사실 했어`): unlike [`SetAside::Negated`], the crisis
    /// model may read it as the danger it is.
    DenialTakenBack,
    /// It is about someone else (`친구가 죽고 싶대`).
    OtherPerson,
    /// Fiction, news or study (`자살 시도 기사`).
    Topic,
    /// An ordinary context explains it (`숙제 다 끝내고 싶어`).
    OrdinaryContext,
    /// Past and resolved (`예전엔 … 지금은 괜찮아`).
    Past,
    /// A borderline phrase without a sad or hurt emotion or words of despair,
    /// or any phrase made borderline by its sentence (said laughing, about a
    /// story, told in the past with nothing saying it came back, or in one of
    /// the rule's own hyperbole contexts).
    NotSupported,
}

/// The verdict on one message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CrisisAssessment {
    /// Nothing in the message suggests suicide or self-harm.
    Clear,
    /// A phrase matched but was set aside (for tests and tuning; never shown).
    SetAside(SetAside),
    /// The writer may be at risk.
    Crisis(Category),
}

impl CrisisAssessment {
    pub fn is_crisis(&self) -> bool {
        matches!(self, CrisisAssessment::Crisis(_))
    }
}

/// Assesses one message, with the emotion read from it when there is one.
pub fn assess(text: &str, emotion: Option<&Emotion>) -> CrisisAssessment {
    assess_after(text, &[], emotion)
}

/// [`assess`], with the ordinary contexts that reach back
/// ([`Context::reaches_back`]) also looked for in the writer's `earlier`
/// messages: "moving out tomorrow" and then "thanks for everything guys".
pub(super) fn assess_after(
    text: &str,
    earlier: &[&str],
    emotion: Option<&Emotion>,
) -> CrisisAssessment {
    let sentences = sentences(text);
    let mut message = Message::new(&sentences);
    message.earlier = earlier.iter().flat_map(|e| self::sentences(e)).collect();
    // The death may have been told in an earlier message: `엄마가 작년에
    // 돌아가셨어` and then `나도 곧 만나러 갈게`.
    message.death_mentioned |= any_sentence_matches(&message.earlier, &MARKERS.death);
    let mut first_set_aside = None;
    for sentence in &sentences {
        for rule in RULES_COMPILED.iter() {
            for found in rule.pattern.find_iter(sentence.form(rule.rule.lang)) {
                match judge(rule, sentence, &message, found, emotion) {
                    Judgement::NoMatch => {}
                    Judgement::Crisis(category) => return CrisisAssessment::Crisis(category),
                    Judgement::SetAside(reason) => {
                        first_set_aside.get_or_insert(reason);
                    }
                }
            }
        }
    }
    match first_set_aside {
        Some(reason) => CrisisAssessment::SetAside(reason),
        None => CrisisAssessment::Clear,
    }
}

/// Emotions that support a borderline phrase: the sad and hurt groups, and
/// 취약한 (E33), 고립된 (E51), 외로운 (E53) from the others.
fn emotion_supports(emotion: &Emotion) -> bool {
    matches!(
        emotion.label.group,
        EmotionGroup::Sadness | EmotionGroup::Hurt
    ) || matches!(emotion.label.code, "E33" | "E51" | "E53")
}

struct Compiled {
    rule: Rule,
    pattern: Regex,
}

fn regex(pattern: &str) -> Regex {
    // Every pattern is a constant of this file, compiled by its tests.
    Regex::new(pattern).expect("a valid crisis pattern")
}

static RULES_COMPILED: LazyLock<Vec<Compiled>> = LazyLock::new(|| {
    RULES
        .iter()
        .map(|rule| Compiled {
            rule: *rule,
            pattern: regex(rule.pattern),
        })
        .collect()
});

static CONTEXTS: LazyLock<Vec<Regex>> =
    LazyLock::new(|| Context::ALL.iter().map(|c| regex(c.pattern())).collect());

struct Markers {
    ko_reported: Regex,
    ko_quoted: Regex,
    ko_relative: Regex,
    ko_negation: Regex,
    ko_explained_away: Regex,
    ko_answered_no: Regex,
    en_answered_no: Regex,
    en_asked_if: Regex,
    en_not_yet: Regex,
    ko_taken_back: Regex,
    en_taken_back: Regex,
    ko_double_negation: Regex,
    en_negation_after: Regex,
    ko_question_ending: Regex,
    ko_past_ending: Regex,
    ko_other_subject: Regex,
    ko_topic: Regex,
    ko_topic_after: Regex,
    en_topic: Regex,
    en_negation_before: Regex,
    en_double_negation: Regex,
    death: Regex,
    despair: Regex,
    resolved: Regex,
    relapse: Regex,
    past_sentence: Regex,
}

static MARKERS: LazyLock<Markers> = LazyLock::new(|| Markers {
    ko_reported: regex(KO_REPORTED),
    ko_quoted: regex(KO_QUOTED),
    ko_relative: regex(KO_RELATIVE),
    ko_negation: regex(KO_NEGATION),
    ko_explained_away: regex(KO_EXPLAINED_AWAY),
    ko_answered_no: regex(KO_ANSWERED_NO),
    en_answered_no: regex(EN_ANSWERED_NO),
    en_asked_if: regex(EN_ASKED_IF),
    en_not_yet: regex(EN_NOT_YET),
    ko_taken_back: regex(KO_TAKEN_BACK),
    en_taken_back: regex(EN_TAKEN_BACK),
    ko_double_negation: regex(KO_DOUBLE_NEGATION),
    ko_question_ending: regex(KO_QUESTION_ENDING),
    ko_past_ending: regex(KO_PAST_ENDING),
    ko_other_subject: regex(KO_OTHER_SUBJECT),
    ko_topic: regex(KO_TOPIC),
    ko_topic_after: regex(KO_TOPIC_AFTER),
    en_topic: regex(EN_TOPIC),
    en_negation_before: regex(EN_NEGATION_BEFORE),
    en_double_negation: regex(EN_DOUBLE_NEGATION),
    en_negation_after: regex(EN_NEGATION_AFTER),
    death: regex(DEATH),
    despair: regex(DESPAIR),
    resolved: regex(RESOLVED),
    relapse: regex(RELAPSE),
    past_sentence: regex(PAST_SENTENCE),
});

// ---------------------------------------------------------------------------
// Normalisation.

/// One sentence in the two forms the rules match.
#[derive(Debug)]
struct Sentence {
    /// Lower case; letters, digits and `'` kept, `,` kept as a token, the rest spaces.
    spaced: String,
    /// Letters and digits only: no spaces, no punctuation, no loose jamo (ㅠㅠ, ㅋㅋ).
    compact: String,
    /// The words of `spaced`, without commas.
    tokens: Vec<String>,
    /// Ended with a question mark.
    question: bool,
    /// A question the next sentence answers no: `극단적인 선택? 그런 거 안 해`,
    /// "suicidal? no, just tired", or a question someone put to the writer,
    /// reported ("the doctor asked if i think about it. told him no"). Its
    /// phrases are negated.
    answered_no: bool,
    /// A later sentence takes a denial back (`사실 했어`, "actually i lied").
    taken_back: bool,
}

impl Sentence {
    fn new(raw: &str, question: bool) -> Sentence {
        // Jamo shortcuts of internet slang, spelled out before jamo are dropped,
        // and the playful spellings of 죽- (쥭고싶다, 주글래).
        let raw = raw
            .replace("ㅈㅅ", "자살")
            .replace("ㅈㄱㅅㄷ", "죽고싶다")
            .replace('쥭', "죽")
            .replace("주글", "죽을");
        // Laughter (ㅋㅋ, ㅎㅎ, 😂) is a word of its own, `lol`, so the jamo
        // dropped below still tell the laughing context (`Context::Laughter`).
        let raw = LAUGHTER.replace_all(&raw, " lol ");
        let mut spaced = String::with_capacity(raw.len());
        for c in raw.chars().flat_map(char::to_lowercase) {
            let c = match c {
                '’' | '‘' | '`' | '´' => '\'',
                c => c,
            };
            if c == ',' {
                spaced.push_str(" , ");
            } else if (c.is_alphanumeric() && !is_loose_jamo(c)) || c == '\'' {
                spaced.push(c);
            } else {
                spaced.push(' ');
            }
        }
        let spaced = spaced
            .split_whitespace()
            .map(with_apostrophe)
            .collect::<Vec<_>>()
            .join(" ");
        let compact = spaced
            .chars()
            .filter(|c| c.is_alphanumeric())
            .collect::<String>();
        let tokens = spaced
            .split(' ')
            .filter(|t| *t != ",")
            .map(|t| t.trim_matches('\'').to_string())
            .filter(|t| !t.is_empty())
            .collect();
        Sentence {
            spaced,
            compact,
            tokens,
            question,
            answered_no: false,
            taken_back: false,
        }
    }

    /// The form a rule in `lang` reads: Korean without spaces, English
    /// with them.
    fn form(&self, lang: Lang) -> &str {
        match lang {
            Lang::Ko => &self.compact,
            Lang::En => &self.spaced,
        }
    }

    /// Whether `regex` matches the sentence in either of its forms.
    fn matches(&self, regex: &Regex) -> bool {
        regex.is_match(&self.compact) || regex.is_match(&self.spaced)
    }

    fn has_token(&self, words: &[&str]) -> bool {
        self.count_tokens(words) > 0
    }

    fn count_tokens(&self, words: &[&str]) -> usize {
        self.tokens
            .iter()
            .filter(|t| words.contains(&t.as_str()))
            .count()
    }

    fn first_person(&self) -> bool {
        self.has_token(KO_FIRST_PERSON) || self.has_token(EN_FIRST_PERSON)
    }

    fn korean_other_subject(&self) -> bool {
        self.tokens
            .iter()
            .any(|t| MARKERS.ko_other_subject.is_match(t))
    }
}

/// Contractions typed without the apostrophe: `im` → `i'm`, `dont` → `don't`.
fn with_apostrophe(word: &str) -> &str {
    match word {
        "im" => "i'm",
        "ive" => "i've",
        "dont" => "don't",
        "cant" => "can't",
        "wont" => "won't",
        "didnt" => "didn't",
        "doesnt" => "doesn't",
        "isnt" => "isn't",
        "whats" => "what's",
        "wouldnt" => "wouldn't",
        other => other,
    }
}

/// Runs of ㅋ/ㅎ and laughing faces.
static LAUGHTER: LazyLock<Regex> = LazyLock::new(|| regex(r"[ㅋㅎ]{2,}|[😂🤣]+"));

fn is_loose_jamo(c: char) -> bool {
    matches!(c as u32, 0x3131..=0x318E)
}

/// Splits at sentence ends (`.`, `!`, `?`, newlines, `…`, `;`).
fn sentences(text: &str) -> Vec<Sentence> {
    // Read plain first: 「죽.고.싶.다」 is one word, not four sentences.
    let text = text::plain(text);
    let mut out = Vec::new();
    let mut current = String::new();
    for c in text.chars() {
        if matches!(c, '.' | '!' | '?' | '\n' | '…' | ';' | '。' | '！' | '？') {
            let question = matches!(c, '?' | '？');
            if !current.trim().is_empty() {
                out.push(Sentence::new(&current, question));
            } else if question && let Some(last) = out.last_mut() {
                // "…?!" or "?!": the sentence just closed was a question.
                last.question = true;
            }
            current.clear();
        } else {
            current.push(c);
        }
    }
    if !current.trim().is_empty() {
        out.push(Sentence::new(&current, false));
    }
    for i in 1..out.len() {
        let answer = &out[i];
        let no = MARKERS.ko_answered_no.is_match(&answer.compact)
            || MARKERS.en_answered_no.is_match(&answer.spaced);
        let asked = &out[i - 1];
        let question = asked.question || MARKERS.en_asked_if.is_match(&asked.spaced);
        out[i - 1].answered_no = question && no;
    }
    let mut later_takes_back = false;
    for sentence in out.iter_mut().rev() {
        sentence.taken_back = later_takes_back;
        later_takes_back |= MARKERS.ko_taken_back.is_match(&sentence.compact)
            || MARKERS.en_taken_back.is_match(&sentence.spaced);
    }
    out
}

/// Facts about the whole message.
struct Message {
    /// A death is told in the message or in the writer's earlier messages
    /// (what the after-death phrases need).
    death_mentioned: bool,
    despair: bool,
    resolved: bool,
    /// A sentence says it came back (`다시`, "again", "relapsed").
    relapse: bool,
    /// The sentences of the writer's earlier messages, where an ordinary
    /// context that reaches back is also looked for (empty unless
    /// `assess_after` was given some).
    earlier: Vec<Sentence>,
}

impl Message {
    fn new(sentences: &[Sentence]) -> Message {
        let any = |regex: &Regex| any_sentence_matches(sentences, regex);
        let relapse = any(&MARKERS.relapse);
        Message {
            death_mentioned: any(&MARKERS.death),
            despair: any(&MARKERS.despair),
            // Resolved only when no sentence says it came back.
            resolved: any(&MARKERS.resolved) && !relapse,
            relapse,
            earlier: Vec::new(),
        }
    }
}

/// Whether the message tells a danger as past and over: a sentence in the
/// past (`예전에`, "years ago") and the writer's word that it is resolved,
/// with nothing saying it came back (`예전에 옥상 자주 갔었지. 이젠 옛날
/// 얘기야`).
pub(super) fn told_as_over(text: &str) -> bool {
    let sentences = sentences(text);
    any_sentence_matches(&sentences, &MARKERS.past_sentence) && Message::new(&sentences).resolved
}

/// Whether `regex` matches one of `sentences`, in either of its forms.
fn any_sentence_matches(sentences: &[Sentence], regex: &Regex) -> bool {
    sentences.iter().any(|s| s.matches(regex))
}

// ---------------------------------------------------------------------------
// Judging one match.

enum Judgement {
    NoMatch,
    SetAside(SetAside),
    Crisis(Category),
}

fn judge(
    compiled: &Compiled,
    sentence: &Sentence,
    message: &Message,
    found: regex::Match<'_>,
    emotion: Option<&Emotion>,
) -> Judgement {
    let rule = &compiled.rule;
    if rule.after_death && !message.death_mentioned {
        return Judgement::NoMatch;
    }
    let first_person = sentence.first_person();
    let (negated, someone_else, past) = match rule.lang {
        Lang::Ko => {
            let after = &sentence.compact[found.end()..];
            let m = &*MARKERS;
            let asked_of_you = (sentence.question || m.ko_question_ending.is_match(after))
                && sentence.has_token(KO_SECOND_PERSON);
            // Korean grammar: a bare -고 싶다 / 싫다 is the speaker's own wish; someone
            // else's takes -어 하다 or reported speech (싶대), or is quoted (싶다고 했어).
            let desire = found.as_str().contains(['싶', '싫']) || found.as_str().contains("고파");
            let quoted = m.ko_quoted.is_match(after);
            let someone_else = m.ko_reported.is_match(after)
                || (!first_person
                    && (m.ko_relative.is_match(after)
                        || asked_of_you
                        || (sentence.korean_other_subject() && (!desire || quoted))));
            let past =
                m.ko_past_ending.is_match(after) || m.past_sentence.is_match(&sentence.compact);
            let negated = (m.ko_negation.is_match(after) && !m.ko_double_negation.is_match(after))
                || m.ko_explained_away.is_match(after);
            (negated, someone_else, past)
        }
        Lang::En => {
            let before = clause_before(&sentence.spaced, found.start());
            let names_self = found
                .as_str()
                .split(' ')
                .any(|w| EN_FIRST_PERSON.contains(&w));
            let someone_else = !names_self
                && match nearest_subject(before) {
                    Some(Subject::Other) => true,
                    Some(Subject::Me) => false,
                    // Someone named anywhere in the sentence, but not the
                    // one the phrase speaks to ("goodbye everyone").
                    None => {
                        !first_person
                            && sentence.count_tokens(EN_OTHER_PERSON)
                                > found
                                    .as_str()
                                    .split(' ')
                                    .filter(|w| EN_OTHER_PERSON.contains(w))
                                    .count()
                    }
                };
            let past = MARKERS.past_sentence.is_match(&sentence.spaced)
                || found.as_str().starts_with("wanted");
            let after = &sentence.spaced[found.end()..];
            // "haven't picked a day yet" is no denial: the plan stands.
            let negated = (MARKERS.en_negation_before.is_match(before)
                && !MARKERS.en_double_negation.is_match(before)
                && !MARKERS.en_not_yet.is_match(after))
                || MARKERS.en_negation_after.is_match(after);
            (negated, someone_else, past)
        }
    };
    if negated || sentence.answered_no {
        return Judgement::SetAside(if sentence.taken_back {
            SetAside::DenialTakenBack
        } else {
            SetAside::Negated
        });
    }
    if someone_else {
        return Judgement::SetAside(SetAside::OtherPerson);
    }
    if rule.topic && is_topic(rule.lang, sentence, found, first_person) {
        return Judgement::SetAside(SetAside::Topic);
    }
    if rule.unless.iter().any(|c| {
        c.explains(sentence, rule.lang, found)
            || (c.reaches_back() && message.earlier.iter().any(|e| c.found_in(e)))
    }) {
        return Judgement::SetAside(SetAside::OrdinaryContext);
    }
    if past && message.resolved {
        return Judgement::SetAside(SetAside::Past);
    }
    // Said laughing, or in a sentence about a story, a script, a song or a
    // game (any phrase), or in the rule's own hyperbole contexts (a wish to
    // die about embarrassment: `쪽팔려서 죽고 싶다ㅋㅋ`), a phrase of danger is
    // borderline; and a sad emotion does not lift it back, as embarrassment
    // reads sad or hurt as often as not. It still counts as a crisis, but one
    // the crisis model may clear (weak evidence): people in danger laugh and
    // quote songs too ("gonna end it lol. not joking"), and the model reads
    // those as the crises they are.
    // A danger told in the past, with nothing saying it came back and no
    // now or tonight in its sentence, is weak evidence in the same way: it
    // may be history still weighing on the writer or a past long over,
    // which the crisis model tells apart better.
    let told_in_past = past && !message.relapse && !sentence.matches(&severity::NOW);
    let hyperbole = told_in_past
        || [Context::Laughter, Context::Story]
            .into_iter()
            .chain(rule.hyperbole.iter().copied())
            .any(|c| c.found_in(sentence));
    let strength = if hyperbole {
        Strength::Borderline
    } else {
        rule.strength
    };
    let supported = !hyperbole
        && match emotion {
            // The classifier failed: a borderline phrase counts (err on the side of care).
            None => true,
            Some(emotion) => emotion_supports(emotion) || message.despair,
        };
    if strength == Strength::Strong || supported {
        Judgement::Crisis(rule.category)
    } else {
        Judgement::SetAside(SetAside::NotSupported)
    }
}

/// Whether a topic noun is talked about as a topic: in a sentence about
/// fiction, news or study without a first-person word, or (with one) as the
/// subject of what was read or seen — 자해 관련 기사, "an article about self-harm".
fn is_topic(lang: Lang, sentence: &Sentence, found: regex::Match<'_>, first_person: bool) -> bool {
    let m = &*MARKERS;
    let topic_in_sentence =
        m.ko_topic.is_match(&sentence.compact) || m.en_topic.is_match(&sentence.spaced);
    if topic_in_sentence && !first_person {
        return true;
    }
    match lang {
        Lang::Ko => m.ko_topic_after.is_match(&sentence.compact[found.end()..]),
        Lang::En => {
            // The last topic word before the phrase comes after the last first-person word.
            let before = &sentence.spaced[..found.start()];
            let last_topic = m.en_topic.find_iter(before).last().map(|t| t.start());
            let last_me = before
                .match_indices(' ')
                .map(|(i, _)| i + 1)
                .chain([0])
                .filter(|&i| {
                    let word = before[i..].split(' ').next().unwrap_or_default();
                    EN_FIRST_PERSON.contains(&word.trim_matches('\''))
                })
                .max();
            match (last_topic, last_me) {
                (Some(topic), Some(me)) => topic > me,
                (Some(_), None) => true,
                _ => false,
            }
        }
    }
}

/// The part of the clause (since the last comma) before byte `at`.
fn clause_before(spaced: &str, at: usize) -> &str {
    let before = &spaced[..at];
    match before.rfind(',') {
        Some(comma) => &before[comma + 1..],
        None => before,
    }
}

enum Subject {
    Me,
    Other,
}

/// The nearest person word before an English phrase: "my friend says she's …" → other.
fn nearest_subject(before: &str) -> Option<Subject> {
    before.split(' ').rev().find_map(|word| {
        let word = word.trim_matches('\'');
        if EN_OTHER_PERSON.contains(&word) {
            Some(Subject::Other)
        } else if EN_FIRST_PERSON.contains(&word) {
            Some(Subject::Me)
        } else {
            None
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pattern_compiles() {
        assert_eq!(RULES_COMPILED.len(), RULES.len());
        assert_eq!(CONTEXTS.len(), Context::ALL.len());
        let _ = &MARKERS.death;
    }

    #[test]
    fn every_context_is_listed_once() {
        for (i, context) in Context::ALL.iter().enumerate() {
            assert_eq!(
                Context::ALL.iter().position(|c| c == context),
                Some(i),
                "{context:?}"
            );
        }
    }

    #[test]
    fn sentences_are_split_and_normalised() {
        let s = sentences("죽고 싶진 않아, 그냥 피곤해ㅠㅠ. Do you WANT to die?!");
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].compact, "죽고싶진않아그냥피곤해");
        assert_eq!(s[0].spaced, "죽고 싶진 않아 , 그냥 피곤해");
        assert!(!s[0].question);
        assert_eq!(s[1].spaced, "do you want to die");
        assert!(s[1].question);
    }

    #[test]
    fn the_nearest_subject_decides_whose_words_they_are() {
        assert!(matches!(
            nearest_subject("my friend told me she's "),
            Some(Subject::Other)
        ));
        assert!(matches!(
            nearest_subject("i told my friend i'm "),
            Some(Subject::Me)
        ));
        assert!(nearest_subject("honestly ").is_none());
    }
}
