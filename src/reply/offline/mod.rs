//! The embedded offline generator: warm 반말 replies per emotion group, used when
//! no LLM endpoint is configured.
//!
//! What kind of message it is comes first ([`kind`]): a greeting, thanks, a
//! goodbye, a question or a short reaction gets a reply of its own kind; a
//! statement or a story gets the emotion group's replies, with a gentle
//! follow-up question when the reply asks none. An English message (Latin
//! letters, no Hangul) is answered in English ([`sets`]).
//!
//! Each emotion group (and "no emotion known") has its own set of replies. A few
//! of them weave the fine emotion into the sentence (`{감정이}` becomes e.g.
//! `우울한 마음이` or `스트레스가`) and one quotes a short part of the message
//! (`{말}`); those are offered only when the emotion or message allows them.
//! A reply never equals [`ReplyRequest::avoid`], and the user's recent replies
//! from the history are skipped while any other choice is left.

use std::sync::Mutex;

use async_trait::async_trait;
use futures::stream::{self, StreamExt};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::emotion::{EmotionGroup, EmotionLabel};

use super::{ReplyError, ReplyGenerator, ReplyRequest, ReplyStream, Severity};

pub mod kind;
pub mod sets;

use kind::{Intensity, Kind, intensity_of, is_english, kind_of};

/// Placeholder for the fine emotion as a phrase with its subject particle.
const FEELING: &str = "{감정이}";
/// Placeholder for a short quote of the user's message.
const QUOTE: &str = "{말}";

/// How many of the user's latest stored replies are skipped while alternatives remain.
const RECENT_REPLIES_SKIPPED: usize = 3;
/// Longest quote of the message, in characters and words.
const QUOTE_MAX_CHARS: usize = 16;
const QUOTE_MAX_WORDS: usize = 4;
/// Pieces `generate_stream` splits a reply into.
const STREAM_PIECES: usize = 3;

const ANGER: &[&str] = &[
    "와, 그건 진짜 화날 만하다. 나였어도 열받았을 거야.",
    "듣기만 해도 속에서 천불 난다. 대체 왜 그런 거래?",
    "아니 그걸 그렇게 하면 어떡해… 네가 화나는 거 완전 이해돼.",
    "참느라 고생했다. 여기선 마음껏 털어놔도 돼.",
    "그 상황이면 누구라도 짜증 났을 거야. 너 예민한 거 아니야.",
    "으, 생각만 해도 답답하다. 지금은 좀 가라앉았어?",
    "그런 말 듣고 가만히 있기 쉽지 않았겠다. 진짜 수고했어.",
    "화날 땐 화내도 돼. 일단 나한테 다 쏟아내 봐.",
    "하… 그건 선 넘었네. 이번엔 무조건 네 편이야.",
    "오늘 진짜 사람 열받게 하는 날이었구나.",
    "그런 일 겪으면 {감정이} 드는 게 당연하지. 너무 참지만 마.",
    "{감정이} 확 올라왔겠다. 숨 한 번 크게 쉬고 얘기해 줘.",
    "“{말}”… 그 말만 들어도 네가 얼마나 화났는지 알겠다.",
];

const SADNESS: &[&str] = &[
    "많이 힘들었겠다. 오늘은 그냥 내가 옆에 있을게.",
    "괜찮은 척 안 해도 돼. 속상한 건 속상한 거야.",
    "토닥토닥… 혼자 끙끙 앓지 말고 나한테 다 얘기해.",
    "마음이 무거운 날이구나. 따뜻한 거라도 하나 마시면서 쉬자.",
    "울고 싶으면 울어도 돼. 그게 약한 게 아니야.",
    "그런 일이 있었구나… 듣는 나도 마음이 아프다.",
    "요즘 너무 애쓴 거 아니야? 오늘만큼은 너한테 좀 너그러워지자.",
    "말해줘서 고마워. 천천히, 하고 싶은 만큼만 얘기해도 돼.",
    "지금은 앞이 잘 안 보여도, 이 마음이 계속되진 않을 거야.",
    "에구, 고생 많았다. 오늘 밥은 제대로 먹었어?",
    "{감정이} 오래 가면 정말 지치지. 오늘은 나한테 좀 기대.",
    "{감정이} 가득한 하루였구나. 그래도 여기까지 잘 버텼어.",
    "“{말}”… 그 한마디에 마음이 다 담겨 있는 것 같아.",
];

const ANXIETY: &[&str] = &[
    "많이 불안했구나. 일단 숨 한번 크게 쉬어 보자.",
    "걱정되는 거 당연해. 근데 너 생각보다 잘하고 있어.",
    "아직 안 일어난 일 때문에 너무 괴로워하지 마. 같이 하나씩 보자.",
    "머릿속이 복잡하겠다. 제일 신경 쓰이는 게 뭐야?",
    "마음이 조마조마하지? 그 기분 진짜 싫은 거 알아.",
    "괜찮아, 잘 풀릴 거야. 혹시 안 풀려도 내가 옆에 있을게.",
    "잠은 좀 잤어? 걱정 많을 땐 몸부터 챙겨야 해.",
    "완벽하게 안 해도 돼. 지금까지 버틴 것만으로도 충분히 잘한 거야.",
    "불안할 때는 작은 것부터 해보자. 지금 할 수 있는 거 딱 하나만.",
    "그 걱정, 혼자 들고 있기엔 너무 무겁다. 나랑 나눠 들자.",
    "{감정이} 계속 따라다니면 쉬어도 쉰 것 같지 않지. 많이 지쳤겠다.",
    "{감정이} 드는 건 그만큼 잘하고 싶어서일 거야.",
    "“{말}”… 그 생각이 계속 맴도는구나. 조금씩 같이 풀어 보자.",
];

const HURT: &[&str] = &[
    "그 말 듣고 많이 아팠겠다. 넌 그런 대접 받을 사람 아니야.",
    "믿었던 만큼 더 서운했겠다. 마음 추스를 시간 충분히 가져.",
    "진짜 속상했겠다… 네 잘못 아니야.",
    "혼자 상처 삼키지 마. 여기선 다 털어놔도 돼.",
    "그런 일 당하면 한동안 멍하지. 괜찮아질 때까지 내가 들어줄게.",
    "너한테 그러면 안 되는 거였어. 많이 서운했지?",
    "억울한 마음 충분히 이해돼. 네 얘기 끝까지 들을게.",
    "마음에 난 상처는 천천히 아물어. 서두르지 않아도 돼.",
    "아무렇지 않은 척하느라 힘들었겠다. 나한텐 안 그래도 돼.",
    "오늘 너 진짜 고생했다. 너 자신한테도 따뜻한 말 한마디 해줘.",
    "{감정이} 쉽게 가라앉진 않을 거야. 천천히 얘기해도 돼.",
    "그런 일 뒤에 {감정이} 남는 건 당연해. 너 약한 거 아니야.",
    "“{말}”… 그 말 꺼내기까지 얼마나 아팠을까.",
];

const EMBARRASSMENT: &[&str] = &[
    "헉, 많이 당황했겠다. 근데 생각보다 아무도 그렇게 신경 안 써.",
    "누구나 그런 순간 있어. 너만 그런 거 아니야.",
    "그런 순간 다들 한 번씩 있어. 나중엔 별일 아닌 기억이 될 거야.",
    "너무 자책하지 마. 실수 한 번으로 네가 달라지는 거 아니야.",
    "남들 시선 신경 쓰이는 거 이해해. 그래도 난 네 편이야.",
    "혼자인 것 같을 때 나 불러. 언제든 얘기 들어줄게.",
    "그렇게 스스로를 깎아내리지 마. 넌 생각보다 괜찮은 사람이야.",
    "머릿속 정리가 잘 안 되지? 천천히 하나씩 얘기해 봐.",
    "그런 기분 들 때 진짜 작아지지… 그래도 난 네가 좋아.",
    "괜찮아, 괜찮아. 지금 이렇게 얘기하는 것도 용기 낸 거야.",
    "{감정이} 들 때면 괜히 작아지지. 근데 너 생각보다 훨씬 괜찮아.",
    "{감정이} 밀려오면 말도 잘 안 나오지. 여기선 편하게 해.",
    "“{말}”… 그 순간 얼마나 민망했을지 알 것 같아.",
];

const JOY: &[&str] = &[
    "우와, 진짜 잘됐다! 나까지 기분 좋아지네.",
    "대박! 그 얘기 더 자세히 해줘.",
    "오늘 완전 좋은 날이네. 이 기분 오래 갔으면 좋겠다.",
    "듣기만 해도 신난다! 축하해!",
    "그동안 애쓴 보람이 있네. 너 진짜 멋있다.",
    "역시 너야! 그럴 줄 알았어.",
    "이런 날은 맛있는 거 먹어야 해. 뭐 먹을 거야?",
    "편안해 보여서 나도 좋다. 오늘은 그 기분 그대로 즐기자.",
    "좋은 일 생기면 제일 먼저 말해줘서 고마워.",
    "와, 웃는 얼굴이 막 상상된다 ㅎㅎ",
    "{감정이} 여기까지 전해진다! 무슨 일인지 더 들려줘.",
    "{감정이} 느껴지니까 나까지 뿌듯하다.",
    "“{말}”라니, 듣기만 해도 웃음이 나온다!",
];

const NEUTRAL: &[&str] = &[
    "오, 그랬구나. 더 얘기해 줘.",
    "응응, 듣고 있어. 그래서 어떻게 됐어?",
    "그렇구나. 요즘 너는 어떻게 지내?",
    "오늘 하루는 어땠어? 궁금하다.",
    "그 얘기 재밌다. 너는 어떻게 생각해?",
    "아하, 그런 일이 있었구나.",
    "나 여기 있어. 편하게 아무 얘기나 해.",
    "그렇지, 그럴 때 있지. 지금 기분은 좀 어때?",
    "흠, 그렇구나. 조금만 더 자세히 말해 줄래?",
    "“{말}”… 그 얘기 좀 더 해줘.",
];

/// For a message that suggests a crisis, whatever the emotion: care, no advice,
/// no numbers (the pipeline adds the crisis lines under every crisis reply).
const CRISIS: &[&str] = &[
    "그런 마음이 들 만큼 많이 힘들었구나. 말해 줘서 정말 고마워. 지금 어디에 있어? 안전한 곳이야?",
    "네가 그렇게까지 아프다니 마음이 너무 아파. 너는 혼자가 아니야. 지금 바로 이야기할 수 있는 사람이 있어.",
    "혼자 버티느라 얼마나 지쳤을까. 나는 네가 여기 있어 줘서 정말 다행이야. 오늘 밤은 누군가와 꼭 연결돼 있었으면 좋겠어.",
    "그 마음 꺼내 줘서 고마워. 지금 느끼는 고통은 진짜고, 도움받을 수 있어. 아래 번호로 지금 바로 전화해 볼래?",
    "너무 무거운 걸 혼자 들고 있었구나. 네 이야기 더 듣고 싶어. 그리고 전문 상담사와도 꼭 이야기해 줬으면 해.",
    "지금 많이 위험하게 느껴지면 혼자 있지 말고 바로 도움을 요청해 줘. 네 곁에 있어 줄 사람이 있어.",
];

/// When the danger may be imminent: short, and the emergency call first.
const CRISIS_IMMINENT: &[&str] = &[
    "지금 정말 걱정돼. 바로 119에 전화해 줘. 그리고 지금 어디에 있는지 나한테 말해 줄래?",
    "네 안전이 제일 중요해. 지금 당장 119나 112에 전화해 줘. 곁에 있는 사람에게도 바로 알려 줘.",
    "말해 줘서 고마워. 지금 바로 119에 연락해 줘, 혼자 있지 말고. 나 여기 있어.",
];

/// For someone worried about another person: how to help them.
const CRISIS_CONCERN: &[&str] = &[
    "그 친구를 그렇게 걱정하는 마음이 느껴져. 혼자 두지 말고 곁에 있어 줘. 지금 위험해 보이면 바로 119나 112에 전화해.",
    "많이 놀랐겠다. 그 사람에게 죽고 싶은 생각이 드는지 직접, 차분히 물어봐도 괜찮아. 판단하지 말고 들어 주고, 109에 같이 연락해 봐.",
    "네가 옆에 있어 주는 것만으로도 큰 힘이 돼. 혼자 다 감당하려 하지 말고 109에 어떻게 도우면 좋을지 상담해 봐. 너도 많이 힘들 거야.",
];

/// The reply templates for a group, or for "no emotion known".
pub fn templates(group: Option<EmotionGroup>) -> &'static [&'static str] {
    match group {
        Some(EmotionGroup::Anger) => ANGER,
        Some(EmotionGroup::Sadness) => SADNESS,
        Some(EmotionGroup::Anxiety) => ANXIETY,
        Some(EmotionGroup::Hurt) => HURT,
        Some(EmotionGroup::Embarrassment) => EMBARRASSMENT,
        Some(EmotionGroup::Joy) => JOY,
        None => NEUTRAL,
    }
}

/// Answers without any model, from written replies chosen at random.
pub struct OfflineGenerator {
    rng: Mutex<StdRng>,
}

impl OfflineGenerator {
    /// The generator's name, stored with each turn it wrote.
    pub const NAME: &'static str = "offline";

    pub fn new() -> Self {
        OfflineGenerator {
            rng: Mutex::new(StdRng::from_os_rng()),
        }
    }

    /// A generator whose choices repeat for the same seed and requests (for tests).
    pub fn with_seed(seed: u64) -> Self {
        OfflineGenerator {
            rng: Mutex::new(StdRng::seed_from_u64(seed)),
        }
    }

    /// Every reply this request could get before the repeat rules apply: the
    /// group's templates that the emotion and message can fill in, filled in.
    pub fn candidates(request: &ReplyRequest) -> Vec<String> {
        let english = is_english(&request.text);
        let crisis = match (request.crisis, english) {
            (Severity::None, _) => None,
            (Severity::Risk, false) => Some(CRISIS),
            (Severity::Imminent, false) => Some(CRISIS_IMMINENT),
            (Severity::Concern, false) => Some(CRISIS_CONCERN),
            (Severity::Risk, true) => Some(sets::CRISIS_EN),
            (Severity::Imminent, true) => Some(sets::CRISIS_IMMINENT_EN),
            (Severity::Concern, true) => Some(sets::CRISIS_CONCERN_EN),
        };
        if let Some(replies) = crisis {
            return replies.iter().map(|t| t.to_string()).collect();
        }
        let kind = kind_of(&request.text);
        if let Some(replies) = sets::for_kind(kind, english) {
            return replies.iter().map(|t| t.to_string()).collect();
        }
        // A question with a feeling named gets the feeling's replies (they ask back too).
        if kind == Kind::Question && request.emotion.is_none() {
            return sets::questions(english)
                .iter()
                .map(|t| t.to_string())
                .collect();
        }
        let label = request.emotion.as_ref().map(|e| e.label);
        let group = label.map(|l| l.group);
        let replies = if english {
            sets::english(group).iter().map(|t| t.to_string()).collect()
        } else {
            render_all(templates(group), label, &request.text)
        };
        let replies = match (group, intensity_of(&request.text)) {
            (Some(group), Intensity::Strong) => {
                with_openers(replies, sets::strong_openers(group, english))
            }
            _ => replies,
        };
        with_follow_ups(replies, sets::follow_ups(group, english))
    }

    fn pick(&self, request: &ReplyRequest) -> Result<String, ReplyError> {
        let avoid = request.avoid.as_deref().map(str::trim);
        let recent: Vec<&str> = request
            .history
            .iter()
            .rev()
            .filter_map(|e| e.reply.as_deref().map(str::trim))
            .take(RECENT_REPLIES_SKIPPED)
            .collect();
        let candidates = Self::candidates(request);
        let not_avoided: Vec<&String> = candidates
            .iter()
            .filter(|c| Some(c.as_str()) != avoid)
            .collect();
        let fresh: Vec<&String> = not_avoided
            .iter()
            .copied()
            .filter(|c| !recent.contains(&c.as_str()))
            .collect();
        let pool = if fresh.is_empty() { not_avoided } else { fresh };
        if pool.is_empty() {
            // Unreachable with the sets above (each has several distinct
            // replies), but never answer with the reply to avoid.
            return NEUTRAL
                .iter()
                .find(|t| !t.contains(QUOTE) && Some(**t) != avoid)
                .map(|t| t.to_string())
                .ok_or(ReplyError::Empty);
        }
        let index = {
            let mut rng = self
                .rng
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            rng.random_range(0..pool.len())
        };
        Ok(pool[index].clone())
    }
}

impl Default for OfflineGenerator {
    fn default() -> Self {
        OfflineGenerator::new()
    }
}

#[async_trait]
impl ReplyGenerator for OfflineGenerator {
    fn name(&self) -> String {
        OfflineGenerator::NAME.to_string()
    }

    async fn generate(&self, request: &ReplyRequest) -> Result<String, ReplyError> {
        self.pick(request)
    }

    /// The reply in a few pieces split at spaces, so streaming paths run offline too.
    async fn generate_stream(&self, request: &ReplyRequest) -> Result<ReplyStream, ReplyError> {
        let reply = self.pick(request)?;
        let pieces: Vec<Result<String, ReplyError>> = split_into_pieces(&reply, STREAM_PIECES)
            .into_iter()
            .map(Ok)
            .collect();
        Ok(stream::iter(pieces).boxed())
    }
}

/// Puts an opener before each reply, taking the openers in turn; a reply that
/// starts with the opener's first word keeps its own start (no 「와… 와,」).
fn with_openers(replies: Vec<String>, openers: &[&str]) -> Vec<String> {
    replies
        .into_iter()
        .enumerate()
        .map(|(i, reply)| {
            let opener = openers.get(i % openers.len().max(1));
            let first_word = |text: &str| {
                text.split(|c: char| !c.is_alphanumeric())
                    .find(|w| !w.is_empty())
                    .map(str::to_lowercase)
            };
            match opener {
                Some(opener) if first_word(opener) != first_word(&reply) => {
                    format!("{opener} {reply}")
                }
                _ => reply,
            }
        })
        .collect()
}

/// Phrases by which a reply already asks the person to go on.
const INVITATIONS: &[&str] = &[
    "얘기해 줘",
    "얘기해줘",
    "해줘.",
    "털어놔",
    "들려줘",
    "얘기해 봐",
    "쏟아내 봐",
    "Tell me",
    "Say it all",
    "let it all out",
];

/// Adds a gentle follow-up question to each reply that asks none, taking
/// the questions in turn so the replies stay distinct.
fn with_follow_ups(replies: Vec<String>, questions: &[&str]) -> Vec<String> {
    replies
        .into_iter()
        .enumerate()
        .map(|(i, reply)| {
            // A reply that already asks, or already invites more ("더 얘기해
            // 줘"), needs no second question (「…자세히 해줘. 그 얘기 더 해줄래?」).
            let asks = reply.trim_end().ends_with(['?', '？'])
                || INVITATIONS.iter().any(|invite| reply.contains(invite));
            match questions.get(i % questions.len().max(1)) {
                Some(question) if !asks => format!("{reply} {question}"),
                _ => reply,
            }
        })
        .collect()
}

fn render_all(templates: &[&str], label: Option<&EmotionLabel>, message: &str) -> Vec<String> {
    let feeling = label
        .and_then(feeling_phrase)
        .map(|phrase| with_subject_particle(&phrase));
    let quote = quote_of(message);
    let mut rendered: Vec<String> = Vec::with_capacity(templates.len());
    for template in templates {
        let mut text = template.to_string();
        if text.contains(FEELING) {
            match &feeling {
                Some(feeling) => text = text.replace(FEELING, feeling),
                None => continue,
            }
        }
        if text.contains(QUOTE) {
            match &quote {
                Some(quote) => text = text.replace(QUOTE, quote),
                None => continue,
            }
        }
        if !rendered.contains(&text) {
            rendered.push(text);
        }
    }
    rendered
}

/// The fine emotion as a phrase that reads naturally before a subject particle:
/// `우울한` → `우울한 마음`, `불안` → `불안`, `짜증내는` → `짜증`. `None` for the
/// few names no friend would say back (`악의적인`, `가난한, 불우한`, …).
fn feeling_phrase(label: &EmotionLabel) -> Option<String> {
    let fixed = match label.code {
        "E14" | "E15" | "E17" | "E25" | "E26" | "E33" | "E36" | "E45" | "E46" | "E57" | "E58" => {
            return None;
        }
        "E12" => "좌절감",
        "E13" => "짜증",
        "E32" => "스트레스",
        "E42" => "배신감",
        "E43" | "E51" => "혼자 남겨진 것 같은 마음",
        "E48" => "괴로운 마음",
        "E49" => "버려진 것 같은 마음",
        "E50" => "당황스러운 마음",
        "E55" => "죄책감",
        "E66" => "느긋한 마음",
        "E67" => "안도감",
        "E69" => "자신감",
        _ => "",
    };
    if !fixed.is_empty() {
        return Some(fixed.to_string());
    }
    let sub = label.sub;
    let last = sub.chars().last()?;
    // Adnominal endings (우울한, 두려운, 후회되는, 신이 난…) take 마음; the
    // group names and other nouns (슬픔, 불안, 열등감…) stand alone.
    if matches!(
        last,
        '한' | '는' | '운' | '된' | '난' | '은' | '신' | '진' | '인'
    ) {
        Some(format!("{sub} 마음"))
    } else {
        Some(sub.to_string())
    }
}

/// Adds 이 or 가 as the last syllable's final consonant requires.
fn with_subject_particle(word: &str) -> String {
    let has_final = word
        .chars()
        .last()
        .map(|c| match c as u32 {
            code @ 0xAC00..=0xD7A3 => (code - 0xAC00) % 28 != 0,
            _ => true,
        })
        .unwrap_or(true);
    format!("{word}{}", if has_final { "이" } else { "가" })
}

/// The message's first sentence as a quote, when it is short (a few words) —
/// a long one cut mid-sentence would not read like something a friend echoes.
/// Crying/laughing letters and trailing punctuation are dropped.
fn quote_of(message: &str) -> Option<String> {
    let first = message
        .split(['\n', '.', '!', '?', '。', '…'])
        .map(str::trim)
        .find(|s| !s.is_empty())?;
    let words: Vec<&str> = first
        .split_whitespace()
        .map(|w| {
            w.trim_end_matches(|c: char| {
                c.is_ascii_punctuation() || matches!(c, 'ㅠ' | 'ㅜ' | 'ㅋ' | 'ㅎ' | '~')
            })
        })
        .filter(|w| !w.is_empty())
        .collect();
    let quote = words.join(" ");
    let length = quote.chars().count();
    let quotable = words.len() <= QUOTE_MAX_WORDS
        && (2..=QUOTE_MAX_CHARS).contains(&length)
        && !quote.contains(['“', '”', '"']);
    quotable.then_some(quote)
}

/// Splits `text` at spaces into at most `pieces` parts that join back to it.
fn split_into_pieces(text: &str, pieces: usize) -> Vec<String> {
    let words: Vec<&str> = text.split_inclusive(' ').collect();
    let per_piece = words.len().div_ceil(pieces.max(1)).max(1);
    words
        .chunks(per_piece)
        .map(|chunk| chunk.concat())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emotion::TAXONOMY;

    #[test]
    fn every_set_has_at_least_eight_plain_replies() {
        for group in EmotionGroup::ALL.map(Some).into_iter().chain([None]) {
            let plain = templates(group)
                .iter()
                .filter(|t| !t.contains(FEELING) && !t.contains(QUOTE))
                .count();
            assert!(plain >= 8, "{group:?} has {plain} plain replies");
        }
    }

    #[test]
    fn feeling_phrases_take_the_right_particle() {
        let phrase = |code| {
            EmotionLabel::by_code(code)
                .and_then(feeling_phrase)
                .map(|p| with_subject_particle(&p))
        };
        assert_eq!(phrase("E24").as_deref(), Some("우울한 마음이"));
        assert_eq!(phrase("E10").as_deref(), Some("분노가"));
        assert_eq!(phrase("E30").as_deref(), Some("불안이"));
        assert_eq!(phrase("E32").as_deref(), Some("스트레스가"));
        assert_eq!(phrase("E68").as_deref(), Some("신이 난 마음이"));
        assert_eq!(phrase("E45"), None);
        assert_eq!(phrase("E15"), None);
    }

    #[test]
    fn every_label_renders_without_leftover_placeholders() {
        for label in TAXONOMY.iter() {
            for reply in render_all(
                templates(Some(label.group)),
                Some(label),
                "오늘 회사에서 또 혼났어 ㅠㅠ",
            ) {
                assert!(
                    !reply.contains('{') && !reply.contains('}'),
                    "{}: {reply}",
                    label.code
                );
            }
        }
    }

    #[test]
    fn quotes_are_short_and_clean() {
        assert_eq!(
            quote_of("회사 가기 싫다ㅠㅠ 진짜로").as_deref(),
            Some("회사 가기 싫다 진짜로")
        );
        assert_eq!(
            quote_of("회사 가기 싫다ㅠㅠ").as_deref(),
            Some("회사 가기 싫다")
        );
        assert_eq!(
            quote_of("시험 망했어. 내일도 시험이야").as_deref(),
            Some("시험 망했어")
        );
        assert_eq!(
            quote_of("오늘 아침부터 버스를 놓치고 지각까지 했어"),
            None,
            "too long to echo"
        );
        assert_eq!(quote_of("   ...  "), None);
        assert_eq!(quote_of("ㅠ"), None);
    }

    #[test]
    fn a_crisis_is_answered_from_the_crisis_set_whatever_the_emotion() {
        let request = ReplyRequest {
            text: "사라지고 싶어".into(),
            emotion: EmotionLabel::by_code("E60")
                .map(|label| crate::emotion::Emotion { label, score: 0.9 }),
            crisis: Severity::Risk,
            ..Default::default()
        };
        let candidates = OfflineGenerator::candidates(&request);
        assert_eq!(candidates.len(), CRISIS.len());
        assert!(candidates.iter().all(|c| CRISIS.contains(&c.as_str())));
    }

    #[test]
    fn a_strongly_felt_message_is_met_with_its_strength_first() {
        let request = |text: &str, code: &str| ReplyRequest {
            text: text.into(),
            emotion: EmotionLabel::by_code(code)
                .map(|label| crate::emotion::Emotion { label, score: 0.9 }),
            ..Default::default()
        };
        for (text, code, english) in [
            ("헤어졌어 진짜 너무 슬프다 ㅠㅠㅠ", "E20", false),
            ("I got in!!! this is the best day", "E60", true),
        ] {
            let group = EmotionLabel::by_code(code)
                .map(|l| l.group)
                .expect("a code");
            let openers = sets::strong_openers(group, english);
            let strong = OfflineGenerator::candidates(&request(text, code));
            let opened = strong
                .iter()
                .filter(|c| openers.iter().any(|o| c.starts_with(o)))
                .count();
            assert!(opened * 2 > strong.len(), "{text}: {strong:?}");
        }
        let mild = OfflineGenerator::candidates(&request("헤어졌어", "E20"));
        let openers = sets::strong_openers(EmotionGroup::Sadness, false);
        assert!(
            mild.iter()
                .all(|c| !openers.iter().any(|o| c.starts_with(o))),
            "{mild:?}"
        );
    }

    #[test]
    fn a_reply_that_already_invites_more_gets_no_second_question() {
        let replies = with_follow_ups(
            vec![
                "대박! 그 얘기 더 자세히 해줘.".to_string(),
                "오늘 완전 좋은 날이네.".to_string(),
            ],
            &["그 얘기 더 해줄래?"],
        );
        assert_eq!(replies[0], "대박! 그 얘기 더 자세히 해줘.");
        assert_eq!(replies[1], "오늘 완전 좋은 날이네. 그 얘기 더 해줄래?");
    }

    #[test]
    fn pieces_join_back_to_the_text() {
        let text = "많이 힘들었겠다. 오늘은 그냥 내가 옆에 있을게.";
        let pieces = split_into_pieces(text, 3);
        assert_eq!(pieces.len(), 3);
        assert_eq!(pieces.concat(), text);
        assert_eq!(split_into_pieces("하나", 3), vec!["하나".to_string()]);
    }
}
