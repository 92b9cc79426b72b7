//! How urgent a crisis is, and what earlier messages add: the reading the
//! pipeline acts on ([`read`]).
//!
//! - **Imminent**: an attempt under way or just made (pills taken, a cut,
//!   bleeding), standing somewhere high or on the tracks, a plan for now or
//!   tonight. The reply leads with the emergency numbers.
//! - **Risk**: thoughts of suicide or self-harm without those signs.
//! - **Concern**: the writer fears for someone else (a friend who says they
//!   want to die): the reply says how to help them, with the same lines.
//!
//! Conversation-level risk: when one of the writer's recent messages was a
//! crisis, a later message that would be ambiguous alone (a farewell, "I
//! can't anymore", a borderline phrase without a sad emotion) is read as a
//! crisis too; and a risk that only shows when the recent messages are read
//! together with this one (`오늘 밧줄 샀어` … `캠핑용 아니야`) counts.

use std::sync::LazyLock;

use regex::Regex;

use super::words::{
    EN_SAFE, KO_SAFE, SAFE_QUALIFIED, SAFE_TAKEN_BACK, overdose_ko, poison_swallowed_ko,
    story_media_en, story_media_ko, ten_pills_or_more_ko, train_awaited_ko,
};
use super::{
    Category, CrisisAssessment, Sentence, SetAside, assess, assess_after, learned, sentences,
    told_as_over,
};
use crate::emotion::{CrisisSignal, Emotion};

/// How urgently a message asks for help. Ordered: a later variant is more urgent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Nothing suggests danger.
    #[default]
    None,
    /// Someone the writer knows may be in danger.
    Concern,
    /// The writer may be at risk.
    Risk,
    /// The writer may be in danger now.
    Imminent,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::None => "none",
            Severity::Concern => "concern",
            Severity::Risk => "risk",
            Severity::Imminent => "imminent",
        }
    }

    /// Whether the reply must carry crisis resources.
    pub fn is_crisis(self) -> bool {
        self != Severity::None
    }
}

/// What the detector concluded about a message in its conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CrisisReading {
    pub severity: Severity,
    /// The verdict on the message alone.
    pub assessment: CrisisAssessment,
    /// The signal that made it a crisis, when one did.
    pub category: Option<Category>,
    /// Earlier messages made it a crisis (the message alone would not be one).
    pub from_conversation: bool,
    /// The learned signal made it a crisis (the rules alone did not).
    pub learned: bool,
    /// The rules read a crisis on weak evidence and the model read plainly
    /// none, so it was cleared (logged, never shown).
    pub cleared_by_model: bool,
    /// One of the writer's last messages was a crisis by the rules: the
    /// model's reading of this one (with them as its context) counts from a
    /// lower probability (`learned::AFTER_RISK`).
    pub risk_before: bool,
    /// One of those messages also spoke of danger now (`imminent`): what the
    /// model finds in this one is as urgent.
    pub imminent_before: bool,
    /// The message's phrase of danger is one an ordinary context in the
    /// writer's earlier messages explains ("moving out tomorrow", then
    /// "thanks for everything guys"): weak evidence, as the same words in a
    /// moving day's goodbye and in a last goodbye differ only in what came before.
    pub explained_before: bool,
}

impl CrisisReading {
    /// Nothing found.
    pub fn none() -> CrisisReading {
        CrisisReading {
            severity: Severity::None,
            assessment: CrisisAssessment::Clear,
            category: None,
            from_conversation: false,
            learned: false,
            cleared_by_model: false,
            risk_before: false,
            imminent_before: false,
            explained_before: false,
        }
    }

    /// Whether the rules' crisis rests on weak evidence: a borderline phrase
    /// the emotion did not support (or said laughing, about a story, or told
    /// in the past), a phrase that leaving said before explains, the
    /// conversation rather than the message, or worry for someone else with
    /// no phrase of danger. Only such a reading may be cleared by the model;
    /// a plain phrase of danger never is.
    pub fn rests_on_weak_evidence(&self) -> bool {
        self.is_crisis()
            && (self.assessment == CrisisAssessment::SetAside(SetAside::NotSupported)
                || self.from_conversation
                || self.explained_before
                || (self.severity == Severity::Concern && self.category.is_none()))
    }

    pub fn is_crisis(&self) -> bool {
        self.severity.is_crisis()
    }
}

/// Reads `text`, the newest of the writer's messages, with `earlier` (their
/// recent messages, oldest first), the emotion read from it and the learned
/// crisis signal read with it (when the model has a crisis head): the rules'
/// reading, raised by the learned signal ([`learned::raise`]).
pub fn read(
    text: &str,
    earlier: &[&str],
    emotion: Option<&Emotion>,
    signal: Option<&CrisisSignal>,
) -> CrisisReading {
    let forms = Forms::of(text);
    let mut reading = read_rules(text, &forms, earlier, emotion);
    if let Some(signal) = signal {
        learned::clear(&mut reading, signal);
        // The writer's own word that they are safe, with no phrase of danger
        // found, outweighs the model's guess (「아무리 힘들어도 내 목숨은
        // 소중해」, "i'm not okay but i'm not in danger"); so does a question
        // about a dose taken by mistake or a medicine's safety, which the
        // model reads as pills taken (「어머니가 혈압약을 실수로 두 번 드셨는데
        // 괜찮을까요」). Ten pills or more swallowed is a phrase of danger.
        // So does a danger told as past and over with nothing said to be now
        // (「예전에 옥상 자주 갔었지. 이젠 옛날 얘기야」): the model reads the
        // old danger, not the time.
        let over = || told_as_over(text) && !forms.now();
        if reading.is_crisis() || !(forms.affirms_safety() || forms.asks_about_a_dose() || over()) {
            learned::raise(&mut reading, signal);
        }

        // What the model found is as urgent as the words say (the model read
        // it with the earlier messages, so a 「해볼게」 it raises follows
        // risk); and any crisis is as urgent as the model reads it.
        if reading.severity == Severity::Risk
            && ((reading.learned && danger_now(&forms, true, reading.imminent_before))
                || learned::reads_danger_now(signal))
        {
            reading.severity = Severity::Imminent;
        }
    }
    reading
}

/// The rules' reading: the message (`text`, read in its `forms`), then the
/// conversation.
fn read_rules(
    text: &str,
    forms: &Forms,
    earlier: &[&str],
    emotion: Option<&Emotion>,
) -> CrisisReading {
    let assessment = assess(text, emotion);
    let recent = &earlier[earlier.len().saturating_sub(EARLIER_MESSAGES)..];
    // Which recent messages are a crisis on their own (emotion unknown, so a
    // borderline phrase counts), and whether one of those spoke of danger now.
    let risky: Vec<bool> = recent.iter().map(|e| assess(e, None).is_crisis()).collect();
    let risky_before = risky.contains(&true);
    let imminent_before = recent
        .iter()
        .zip(&risky)
        .any(|(e, risky)| *risky && imminent(e));
    let mut reading = CrisisReading {
        assessment,
        risk_before: risky_before,
        imminent_before,
        ..CrisisReading::none()
    };
    // A borderline phrase the emotion did not support still counts: a missed
    // crisis costs far more than a caring reply to a sad but safe message.
    let assessment = match assessment {
        CrisisAssessment::SetAside(SetAside::NotSupported) => {
            CrisisAssessment::Crisis(first_category(text).unwrap_or(Category::PassiveWish))
        }
        other => other,
    };
    match assessment {
        CrisisAssessment::Crisis(category) => {
            reading.category = Some(category);
            reading.explained_before =
                !recent.is_empty() && !assess_after(text, recent, emotion).is_crisis();
            reading.severity = if danger_now(forms, risky_before, imminent_before) {
                Severity::Imminent
            } else {
                Severity::Risk
            };
            return reading;
        }
        // A character in a story is not someone to worry about.
        CrisisAssessment::SetAside(SetAside::OtherPerson)
            if !forms.death_reported() && !forms.in_a_story() =>
        {
            reading.severity = Severity::Concern;
        }
        _ if forms.other_in_danger() && !forms.in_a_story() => {
            reading.severity = Severity::Concern;
        }
        _ => {}
    }
    // Conversation-level: earlier risk raises an ambiguous message. Read
    // only after a risky message (most messages have none before them).
    let ambiguous = || {
        matches!(
            assessment,
            CrisisAssessment::SetAside(SetAside::OrdinaryContext)
        ) || forms.matches(&AFTER_RISK, &AFTER_RISK)
            || forms.commits()
    };
    let joined = || format!("{}\n{text}", recent.join("\n"));
    // A risk that shows only when the messages are read together.
    let together = || {
        assess(&joined(), emotion).is_crisis()
            && !recent.iter().any(|e| assess(e, emotion).is_crisis())
    };
    if (risky_before && ambiguous()) || (!recent.is_empty() && together()) {
        reading.from_conversation = true;
        reading.severity = if forms.imminent()
            || (risky_before && imminent(&joined()))
            || imminent_before
            || forms.commits()
        {
            Severity::Imminent
        } else {
            Severity::Risk
        };
    }
    reading
}

/// Danger now, for a message read as a crisis: its signs of it, its saying
/// it is now or tonight (`지금`, "before morning"), a risky message of
/// danger now just before it, or a risky message just before and this one
/// saying the writer will do it (「약 다 먹으면 죽을까」 … 「해볼게」).
fn danger_now(forms: &Forms, risk_before: bool, imminent_before: bool) -> bool {
    forms.imminent() || forms.now() || imminent_before || (risk_before && forms.commits())
}

/// The category of the first phrase found when the emotion is ignored.
fn first_category(text: &str) -> Option<Category> {
    match assess(text, None) {
        CrisisAssessment::Crisis(category) => Some(category),
        _ => None,
    }
}

/// How many of the writer's recent messages are read with a new one.
pub const EARLIER_MESSAGES: usize = 3;

/// Signs of danger now: an attempt under way or just made, a dangerous place,
/// a plan for today.
pub fn imminent(text: &str) -> bool {
    Forms::of(text).imminent()
}

/// A message normalised once into the two forms the patterns read: Korean
/// matched without spaces, English with its spaces (sentences joined).
struct Forms {
    compact: String,
    spaced: String,
}

impl Forms {
    fn of(text: &str) -> Forms {
        let sentences = sentences(text);
        let join = |form: fn(&Sentence) -> &str, by: &str| {
            sentences.iter().map(form).collect::<Vec<_>>().join(by)
        };
        Forms {
            compact: join(|s| s.compact.as_str(), " "),
            spaced: join(|s| s.spaced.as_str(), " . "),
        }
    }

    /// `korean` matches the compact form or `english` the spaced one.
    fn matches(&self, korean: &Regex, english: &Regex) -> bool {
        korean.is_match(&self.compact) || english.is_match(&self.spaced)
    }

    /// Signs of danger now ([`imminent`]).
    fn imminent(&self) -> bool {
        self.matches(&IMMINENT, &IMMINENT_EN)
    }

    /// Said to be now or tonight: with a crisis, danger now.
    fn now(&self) -> bool {
        self.matches(&NOW, &NOW)
    }

    fn death_reported(&self) -> bool {
        self.matches(&DEATH_REPORTED, &DEATH_REPORTED)
    }

    fn in_a_story(&self) -> bool {
        self.matches(&IN_A_STORY, &IN_A_STORY)
    }

    /// Says the writer will do it, try it, see it through: after a risky
    /// message, a plan for now ([`COMMITS`]).
    fn commits(&self) -> bool {
        self.matches(&COMMITS, &COMMITS)
    }

    /// Says the writer is safe or wants to live, not only for now, with no
    /// "but" after it.
    fn affirms_safety(&self) -> bool {
        if self.matches(&SAFE_QUALIFIED_RE, &SAFE_QUALIFIED_RE) {
            return false;
        }
        let last_unretracted = |pattern: &Regex, form: &str| {
            pattern
                .find_iter(form)
                .last()
                .is_some_and(|m| !SAFE_TAKEN_BACK_RE.is_match(&form[m.end()..]))
        };
        last_unretracted(&SAFE_KO, &self.compact) || last_unretracted(&SAFE_EN, &self.spaced)
    }

    /// Asks whether a dose taken by mistake, or a medicine taken with
    /// another, is safe: a medical question — unless many were taken, which
    /// is an emergency however it happened.
    fn asks_about_a_dose(&self) -> bool {
        ((self.matches(&DOSE_BY_MISTAKE, &DOSE_BY_MISTAKE)
            && self.matches(&IS_IT_SAFE, &IS_IT_SAFE))
            || self.matches(&SAFE_TO_TAKE, &SAFE_TO_TAKE))
            && !self.matches(&MANY_PILLS, &MANY_PILLS)
    }

    fn other_in_danger(&self) -> bool {
        self.matches(&OTHER_IN_DANGER, &OTHER_IN_DANGER_EN)
    }
}

fn regex(pattern: &str) -> Regex {
    // Every pattern is a constant of this file, compiled by its tests.
    Regex::new(pattern).expect("a valid severity pattern")
}

/// Korean, matched without spaces.
static IMMINENT: LazyLock<Regex> = LazyLock::new(|| {
    regex(concat!(
        // pills or poison taken, a cut made, bleeding
        r"(?:약|알약|수면제|진통제|타이레놀|신경안정제|우울증약|농약|락스|세제|독)[을를이가]?(?:다|전부|한통|한움큼|잔뜩|많이|왕창|몽땅|통째로|[0-9]+알|[가-힣]{0,4}알)?(?:다)?(?:먹었|삼켰|털어넣었|마셨|먹고있|먹는중|먹어버렸)",
        r"|(?:손목|팔|허벅지|목)[을를에]?[가-힣]{0,4}(?:그었|긋고있|그어버렸|찔렀|베었)|(?:^|[^코])피가(?:안멈|멈추지|계속|많이|철철|뚝뚝)|(?:^|[^코])피나",
        r"|번개탄[을를]?(?:피웠|피워놨|피우고있|피웠어|붙였)|목을?맸|줄을?(?:걸었|묶었|매달)|줄에목(?:을)?(?:걸었|맸|매달)",
        "|",
        poison_swallowed_ko!(),
        "|",
        overdose_ko!(),
        // the means in hand or laid out
        r"|(?:칼|면도칼|커터칼|칼날|알약|수면제|약통|약봉지|밧줄|로프|총|번개탄|농약)[을를이가도]?[가-힣]{0,8}(?:손에쥐고|쥐고있|손에들고|들고있|앞에두고|앞에놓고|앞에뒀|꺼내놨|꺼내뒀|옆에두고)",
        // a dangerous place now
        r"|(?:옥상|다리|대교|난간|철로|선로|철길|절벽|베란다|창문|창틀|지붕|고층|꼭대기|최상층|비상계단|아파트|건물|한강|바다|강가|낭떠러지|승강장|스크린도어)[가-힣]{0,6}(?:위야|위에있|위에서있|에있어|에와있|에왔|에서있|올라왔|올라와있|올라가있|서있|앞이야|앞에있|앞에서있|위에서|난간잡|넘어왔|밖에|올라가서|올라와서|가는중|가고있어|향하는중|가는길)",
        r"|뛰어내리(?:려고|려는|기직전|기전|면|러|ㄹ)|뛰어내릴(?:거|게|래|까)|투신",
        // a plan for now
        r"|(?:오늘밤|오늘|지금|이따|이따가|곧|잠시후|한시간뒤|몇시간뒤|새벽에|자정에|내일아침)[가-힣]{0,6}(?:끝낼|끝내려|끝낸다|죽을|죽으려|죽는다|죽을거|갈거|떠날|떠나려|실행|마지막|뛰어|결심|해보려|하려고|할거야|할거다|가려고|들어가려)",
        // a farewell said now, a plan for when no one is watching
        r"|고마웠|고생많았|잘지내|잘있어|다들안녕|모두안녕|안녕히|마지막으로|(?:편지|쪽지)[를을]?써놨|내일아침에보|(?:고양이|강아지|애완|반려)[가-힣]{0,6}(?:챙겨줄|챙겨줘|부탁|맡아|돌봐)|피(?:가)?많이|어지러워|걸어들어가|걸터앉|뛰어들|자면(?:할|하려)|결심했|말리지마",
        r"|마지막인사|마지막메시지|마지막으로말|(?:이메시지|이메세지|이글|이말)[가-힣]{0,4}(?:보내고|쓰고|남기고)[가-힣]{0,3}(?:갈게|떠날게|끝낼게)|유서[를을]?(?:썼|써놨|다썼|남겼)|마지막(?:편지|쪽지|인사)[를을]?(?:남겼|써놨|썼|보냈)|안녕히계세요|먼저갈게|먼저가서미안",
        // affairs put in order for those left, a farewell already written, the means set up
        r"|유서[를을]?(?:쓰는중|쓰고있)|(?:끈|줄|밧줄|로프)[을를]?(?:묶어놨|걸어놨|매놨|묶어뒀)|먼저간다|내가없어도(?:울지|슬퍼하지)",
        r"|(?:비번|비밀번호|통장|보험|서류)[가-힣]{0,12}(?:풀어놓|정리해뒀|정리해놨|알려두|적어두|적어놨|찾기쉽게)|내일이면(?:알겠|다들|모두)",
        // an attempt just made, a wound left untreated
        r"|(?:어제|방금|아까|지난밤)[가-힣]{0,8}(?:시도했|시도하다)|꿰매야|숨이(?:잘)?안쉬어",
        // pills with alcohol or many of them, a car filling with smoke, a
        // message left to be passed on, the last talk
        r"|(?:술|소주|맥주|와인|양주)(?:이랑|랑|하고|과|에)[가-힣]{0,4}(?:먹었|삼켰|털어넣|마셨)|약[을를]?(?:좀)?(?:많이|잔뜩|왕창)(?:먹었|삼켰)|차(?:에|안에|안)(?:서)?[가-힣]{0,3}(?:연기|가스|번개탄)|(?:누가|누군가|나찾는사람)[가-힣]{0,6}(?:물어보면|찾으면)|마지막대화",
        // the means made ready
        r"|준비해놨|준비해뒀|준비다했|다준비했|준비끝|준비완료|세팅해놨|세팅끝",
        // a plan given a night (a weekend alone is risk, as the sets' writers
        // label it), a train awaited
        r"|(?:내일|모레|그날|전날|주말)(?:밤|새벽)(?:에|에는)?[가-힣]{0,8}(?:끝낼|끝내려|할거|할게|하려고|죽을|죽으려)|",
        train_awaited_ko!(),
        // a farewell to be read later, a plan for when the drink is finished
        r"|(?:읽을|볼|들을|받을|확인할)때(?:쯤|즈음)?(?:이면|엔|에는|에|면)?[가-힣]{0,6}(?:없을|없겠|떠났|세상에없|여기없)|(?:다|마저)(?:마시|먹|피우|비우)(?:면|고나면|고나서)[가-힣]{0,4}(?:하려고|할거|할게|실행|갈게|끝낼)",
    ))
});

/// English, matched on lower-case words with single spaces.
static IMMINENT_EN: LazyLock<Regex> = LazyLock::new(|| {
    regex(concat!(
        r"\b(?:took|taken|swallowed|downed|overdosed|od'd|od d|ate|drank|injected|consumed|chugged|gulped|ingested)\b[^.]{0,30}\b(?:pills?|bottle|tablets?|meds|medication|sleeping|tylenol|paracetamol|bleach|poison|everything|insulin|antifreeze|pesticide|weed ?killer|insecticide|cyanide|drain cleaner|paraquat)\b",
        r"|\bi (?:just |already )?(?:od'd|overdosed|od)\b|\bi (?:just |already )?(?:cut|slit|stabbed)\b|\bbleeding\b|\bwon't stop bleeding\b|\bso much blood\b",
        r"|\b(?:on|at|off|near|standing on|sitting on|on top of|edge of|ledge of|over) (?:the |a |this |my )?(?:bridge|roof|rooftop|ledge|edge|tracks|railing|cliff|balcony|platform|top floor|window ?sill)\b",
        r"|\b(?:gonna|going to|about to|ready to|will) (?:jump|do it|end it|go through with it)\b|\b(?:came|drove|walked|climbed) (?:up |out )?(?:here |there )?to jump\b|\b(?:in my hand|lined up) right now\b",
        r"|\b(?:tonight|right now|rn|today|tomorrow|tmrw|this weekend|in an hour|in a few hours|in (?:a few|ten|10|five|5|twenty|20|thirty|30) minutes|this is it|it's time)\b[^.]{0,40}\b(?:end|die|kill|jump|do it|goodbye|bye|over)\b",
        r"|\b(?:end|die|kill|jump|hang|do it|goodbye)\b[^.]{0,40}\b(?:tonight|right now|rn|today|tomorrow|tmrw|this weekend|in an hour|in a few hours)\b",
        r"|\b(?:goodbye|bye everyone|thanks for everything|sorry for everything|last time i'll|when they find me|took them all|did it|just now|tonight's the night|as soon as everyone|in an hour|walk into the water|the express|ending it|find (?:it|them|me|my \w+) in the morning|take care of my (?:cat|dog|pets?|kids?))\b|\bwrote (?:\w+ )?(?:letters?|notes?) (?:to|for)\b|\bwrote everyone\b",
        r"|\bthis is (?:my )?(?:goodbye|the last (?:message|thing))\b|\bwrote (?:my|a|the) (?:suicide )?note\b|\bthe rope is\b|\blit the charcoal\b",
        // soon, affairs put in order, the means set up, an attempt just made
        r"|\b(?:it's|its) almost time\b|\bfew (?:more )?hours\b|\b\d{1,2} ?(?:am|pm)\b[^.]{0,6}\. that's when\b|\b(?:rope|noose) (?:is )?(?:already |all )?(?:tied|ready|up|set up|hanging)\b",
        // the means in hand, a last talk, not coming back
        r"|\b(?:holding|gripping|clutching)\b[^.]{0,20}\b(?:gun|knife|blade|razor|pills|rope|noose)\b|\b(?:gun|knife|blade|razor|pills|rope|noose)\b[^.]{0,60}\b(?:holding (?:it|them)|in my hands?|in front of me)\b|\btaped (?:up )?(?:the |all the )?(?:\w+ )?(?:windows?|gaps|vents?|doors?)\b|\bnot (?:going to|gonna) stop this time\b|\bi'?m going back(?: there| up)?(?:$| \.)|\bone last (?:convo|conversation|chat|talk)\b|\bi won't be back\b|\bbefore i go(?:$| \.)",
        // the means made ready
        r"|\b(?:lined up|laid out|set out|counted out|all set up|everything's ready|everything is ready)\b|\bgot (?:the|my|all the|all my|everything) (?:(?:stuff|things|pills|meds) )?ready\b|\bstuff(?:'s| is) ready\b|\b(?:i've|i have) sorted it\b|\bit's (?:all )?sorted\b|\b(?:letters|notes|note) (?:are|is) (?:written|done|ready)\b",
        r"|\bknot slipped\b|\bkicked (?:over )?the chair\b|\b(?:our|my) last (?:chat|conversation|talk)\b|\bif (?:anyone|someone|somebody) asks\b|\bwhen i'm gone\b|\bwrote (?:the |my |all the |all my )?(?:letters|notes)\b|\bpasswords\b[^.]{0,30}\bfor my\b|\bfind the note\b|\bmy last post\b|\bwriting letters to\b|\btried last night\b|\bin the er\b|\btook all (?:of )?my\b|\bby the time (?:you|anyone|someone|somebody|they) (?:read|reads|see|sees|get|gets|find|finds) this\b|\bwhere i'?m going\b",
    ))
});

/// Now, tonight, straight away, before the night is out (Korean without
/// spaces, English words).
pub(super) static NOW: LazyLock<Regex> = LazyLock::new(|| {
    // English "now" alone is also a span ("for a while now"): not counted.
    regex(
        r"지금|당장|오늘밤|이따|조금있다가|잠시후|오늘안에|오늘중으로|자정전|자정까지|퇴근(?:하면|후에)|마감(?:하면|하고나면)|(?:장사|일|수업|알바)끝나면|(?:날|해)(?:이)?(?:밝기|뜨기)전|아침(?:이)?(?:오기|밝기)전|\b(?:right now|rn|tonight|as we speak|this very moment|(?:do|doing) it now|(?:before|by) (?:the )?(?:morning|midnight|dawn|sunrise|daybreak|the sun (?:comes|is) up)|in a (?:bit|minute|few minutes|little while)|when i get (?:home|there|back)|when i get off|in [0-9]+ ?min(?:ute)?s?)\b|\b(?:going to|gonna|about to) \w+ (?:them|it|all of them)\b[^.]{0,30}\bnow\b",
    )
});

/// A reported death, not a danger now (`친구가 자살했대`, "he killed himself").
static DEATH_REPORTED: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"자살했|죽었|돌아가셨|세상을떠났|사망|숨졌|목숨을끊었|\b(?:died|passed away|killed (?:him|her|them)sel(?:f|ves)|took (?:his|her|their) (?:own )?life|funeral)\b",
    )
});

/// Told as a scene of a story: `드라마에서 … 장면`, "in the movie".
static IN_A_STORY: LazyLock<Regex> = LazyLock::new(|| {
    regex(concat!(
        r"(?:",
        story_media_ko!(),
        r"|뮤지컬|게임)(?:에서|속|에나오는|의주인공)|장면|\b(?:in|from) (?:the|that|this|a) (?:",
        story_media_en!(),
        r"|show|series|book|play|game|story)\b|\bscene\b",
    ))
});

/// The writer saying they will do it (Korean without spaces, English words):
/// alone nothing, after a risky message a plan for now.
static COMMITS: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"해볼게|해볼래|해봐야지|해보려고|확인해볼|시도해볼|실행할|실행한다|하러갈게|해버릴|\b(?:(?:gonna|going to|i'll|i will|about to|ready to) (?:\w+ )?(?:do it|try it|make sure|go through with|test it|check)|(?:doing|trying) it)\b",
    )
});

/// A statement of safety ([`Forms::affirms_safety`]), what qualifies it and
/// what takes it back (words.rs).
static SAFE_KO: LazyLock<Regex> = LazyLock::new(|| regex(KO_SAFE));
static SAFE_EN: LazyLock<Regex> = LazyLock::new(|| regex(EN_SAFE));
static SAFE_QUALIFIED_RE: LazyLock<Regex> = LazyLock::new(|| regex(SAFE_QUALIFIED));
static SAFE_TAKEN_BACK_RE: LazyLock<Regex> = LazyLock::new(|| regex(SAFE_TAKEN_BACK));

/// A dose taken by mistake, twice or forgotten (Korean without spaces,
/// English words): with [`IS_IT_SAFE`], a medical question.
static DOSE_BY_MISTAKE: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"실수로|깜빡하고|깜빡해서|깜박하고|모르고|두번(?:먹|드셨|복용)|한번더(?:먹|드셨|복용)|\b(?:accidentally|by mistake|by accident|forgot (?:i|that i|she|he) (?:already |had )?(?:took|taken)|double dose[ds]?|took (?:an |one )?extra|took (?:it|them|my \w+) twice)\b",
    )
});

/// Asking whether it is safe or what to do.
static IS_IT_SAFE: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"괜찮을까|괜찮나|괜찮아요|괜찮은가|괜찮은지|어떻게해야|어떡해|어떻게하|병원(?:에)?가야|응급실(?:에)?가야|위험할까|위험한가|위험한지|\b(?:is (?:it|that|this) (?:ok|okay|safe|bad|dangerous)|should i|what (?:do|should) (?:i|we) do|urgent care|do (?:i|we|she|he) need)\b",
    )
});

/// Many pills: a bottle, a handful, all of them, ten or more.
static MANY_PILLS: LazyLock<Regex> = LazyLock::new(|| {
    regex(concat!(
        r"한통|한움큼|통째|전부|다먹|다삼|많이|잔뜩|왕창|몽땅|",
        ten_pills_or_more_ko!(),
        r"|\b(?:whole bottle|all of|all my|all the|a bunch|too many|handful|[0-9]{2,} (?:of )?(?:my |the )?(?:pills|tablets|caps))\b",
    ))
});

/// Asking whether a medicine may be taken, or taken with another.
static SAFE_TO_TAKE: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?:같이|함께)?(?:먹어도|드셔도|복용해도)(?:괜찮|되나|될까|돼요|되는지|되죠)|\b(?:safe|ok|okay) to (?:take|mix|combine)\b|\bcan (?:i|you|she|he) (?:take|mix)\b[^.]{0,30}\bwith\b",
    )
});

/// Someone the writer knows speaks of dying or hurting themselves.
static OTHER_IN_DANGER: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?:친구|걔|동생|언니|오빠|누나|형|엄마|아빠|남친|여친|남자친구|여자친구|룸메|동료|애인|남편|아내|딸|아들)[가-힣]{0,12}(?:죽고싶|자살하|자해|죽겠다고|죽을거|뛰어내리|약을?(?:먹었|모으)|유서|손목|사라지고싶|살기싫|칼자국|흉터|끝내겠|다끝내|죽겠대|죽는대|옥상|연락이안|전화를안|나없어도|내가없어도|나없으면)",
    )
});

static OTHER_IN_DANGER_EN: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"\b(?:someone|somebody|a friend|a classmate|my friend|my friends|(?:my |our )(?:best friend|friend|bestie|bff|brother|sister|sibling|mom|dad|mother|father|roommate|partner|boyfriend|girlfriend|bf|gf|wife|husband|son|daughter|cousin|classmate|coworker))\b[^.]{0,80}\b(?:going to kill (?:him|her|them)sel(?:f|ves)|better off without (?:him|her|them)|giving away|saying goodbye|said goodbye|sorry for everything|isn't answering|not answering|wants? to die|suicidal|kill (?:him|her|them)sel(?:f|ves)|end (?:his|her|their) life|hurting (?:him|her|them)sel(?:f|ves)|self.?harm|cutting|overdos|took (?:a bunch of|all)|on the (?:roof|bridge|ledge)|won't come down|said goodbye|giving (?:his|her|their) (?:stuff|things) away)",
    )
});

/// Said after a risky message, these read as part of it: farewells, giving
/// up, "it's decided".
static AFTER_RISK: LazyLock<Regex> = LazyLock::new(|| {
    regex(concat!(
        r"주문했|도착|충분|(?:이제|진짜|정말)끝|다끝났|더심해|심해졌|시원|안무서|말리지|소원|들어줘야|잘있어|잘지내|안녕|고마웠|미안했|미안해|사랑해|그동안|마지막|못하겠|더는|이제그만|끝이야|끝낼|결심|정했|준비|다정리|정리했|괜찮아질|걱정마|찾지마|아무것도|소용없|상관없|어차피|그냥자고|영원히|갈게|떠날|궁금해서|그냥궁금",
        r"|\b(?:enough|miss me|quiet up here|find it|find me|in the morning|bye|goodbye|farewell|thank you for everything|thanks for everything|love you all|sorry for everything|i'm done|im done|can't anymore|cant anymore|no point|it's decided|made up my mind|ready|don't look for me|it doesn't matter|whatever happens|forever|not for camping|not for|just (?:curious|asking|wondering)|worse|it's over|games? over)\b",
    ))
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_patterns_compile() {
        for pattern in [
            &*IMMINENT,
            &*IMMINENT_EN,
            &*DEATH_REPORTED,
            &*OTHER_IN_DANGER,
            &*IN_A_STORY,
            &*NOW,
            &*OTHER_IN_DANGER_EN,
            &*AFTER_RISK,
            &*DOSE_BY_MISTAKE,
            &*IS_IT_SAFE,
            &*SAFE_TO_TAKE,
            &*MANY_PILLS,
        ] {
            assert!(!pattern.as_str().is_empty());
        }
    }
}
