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

use crate::emotion::{Emotion, EmotionGroup};

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
    /// It is about someone else (`친구가 죽고 싶대`).
    OtherPerson,
    /// Fiction, news or study (`자살 시도 기사`).
    Topic,
    /// An ordinary context explains it (`숙제 다 끝내고 싶어`).
    OrdinaryContext,
    /// Past and resolved (`예전엔 … 지금은 괜찮아`).
    Past,
    /// A borderline phrase without a sad or hurt emotion or words of despair.
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
    let sentences = sentences(text);
    let message = Message::new(&sentences);
    let mut first_set_aside = None;
    for sentence in &sentences {
        for rule in RULES_COMPILED.iter() {
            let haystack = match rule.rule.lang {
                Lang::Ko => &sentence.compact,
                Lang::En => &sentence.spaced,
            };
            for found in rule.pattern.find_iter(haystack) {
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

// ---------------------------------------------------------------------------
// The phrases.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lang {
    /// Matched on the sentence without spaces or punctuation.
    Ko,
    /// Matched on the lower-case sentence with single spaces.
    En,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Strength {
    Strong,
    Borderline,
}

/// Contexts, found anywhere in the phrase's sentence, that change its reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Context {
    /// Work, study, chores, games, a relationship: `숙제 다 끝내고 싶어`.
    Task,
    /// Shame and embarrassment: `창피해서 사라지고 싶어`.
    Embarrassment,
    /// Getting away for a while: `훌쩍 여행 가서 사라지고 싶다`.
    Escape,
    /// Ordinary things to do on a roof or a bridge: `옥상에서 고기 구워 먹어`.
    Outing,
    /// Leaving a job, school, a group: `그동안 고마웠어, 내일 퇴사해`.
    Farewell,
    /// Accidents, cooking, sport: "I cut myself cooking".
    Accident,
    /// Too much of a good thing: "overdosed on caffeine lol".
    Treat,
    /// Jumping for fun: `번지점프 뛰어내리고 싶어`.
    Leap,
    /// Rope for camping, moving, climbing.
    Gear,
    /// Crossing a bridge on the way somewhere: `마포대교 지나가는 중`.
    Commute,
    /// Tidying up and giving away things: `이사 가서 물건 정리했어`.
    Declutter,
    /// Luggage (짐 is also a burden): `캐리어 짐만 돼`.
    Luggage,
    /// Hyperbole with a death word: `죽고 싶을 만큼 맛있어`, "die of embarrassment".
    Idiom,
    /// Where or with whom to live: `서울 살기 싫어`, "live in this city".
    Residence,
    /// Everyday plans: "wake up early", "go on the trip".
    Routine,
    /// Hyperbole of effort: "killing myself trying to finish this".
    Effort,
    /// `자해공갈` is insurance fraud, not self-harm.
    Scam,
    /// Writing a will as an exercise: `임종 체험에서 유서 썼어`.
    Workshop,
    /// 번개탄 as a barbecue fuel: `번개탄 구이`.
    Grill,
}

impl Context {
    /// Korean words (no spaces) and English words (`\b`-bounded), one regex.
    fn pattern(self) -> &'static str {
        match self {
            Context::Task => {
                r"숙제|과제|레포트|리포트|보고서|업무|공부|시험|프로젝트|마감|회의|알바|야근|청소|설거지|빨래|게임|퀘스트|드라마|시즌|정주행|연애|관계|계약|휴가|방학|다이어트|운동|수업|강의|회사|학교|출근|퇴근|상사|부장|팀장|교수|논문|면접|취업|수능|집안일|밀린일|남은일|빨리|얼른|오늘안에|내일까지|주말까지|\b(?:homework|assignment|essay|project|deadline|work|job|shift|class|course|exam|test|semester|diet|game|level|season|series|meeting|chores|relationship|traffic|commute|boss|office|school|thesis|interview|training|practice|weather|heat)\b"
            }
            Context::Embarrassment => {
                r"창피|쪽팔|민망|부끄|흑역사|이불킥|말실수|실수|쥐구멍|망신|수치|embarrass|humiliat|awkward|cringe|mortif|ashamed"
            }
            Context::Escape => {
                r"여행|훌쩍|휴가|무인도|잠수|해외|\b(?:vacation|holiday|trip|for a while|for a (?:week|few days)|weekend|off the grid|island)\b"
            }
            Context::Outing => {
                r"고기|바베큐|삼겹살|별보|별구경|별이|불꽃|빨래|사진|담배|바람쐬|바람좀쐬|텃밭|화분|파티|캠핑|노을|야경|일출|일몰|운동|공사|수리|안테나|점심|커피|맥주|치킨|피크닉|고양이|정원|루프탑|카페|선탠|일광욕|산책|자전거|러닝|드라이브|달구경|통화|\b(?:bbq|barbecue|party|drinks|beers?|stars|sunset|sunrise|view|smoking|smoke|picnic|photos?|pictures|fireworks|lunch|dinner|garden|fresh air|yoga|bar|cafe|concert|walk|jog|run|bike|fishing|selfie)\b"
            }
            Context::Farewell => {
                r"퇴사|졸업|이사|전학|송별|입대|전역|유학|출국|이직|발령|은퇴|종강|이민|결혼|마지막출근|마지막수업|마지막날|회사|학교|동아리|모임|단톡|방송|연재|시즌|휴가|여행|\b(?:leaving|graduat\w*|moving|farewell|retir\w*|last day|vacation|trip|quit\w*|new job|semester|season|stream|channel|server|group)\b"
            }
            Context::Accident => {
                r"넘어|다쳤|부딪|긁혔|요리|칼에베|종이에|축구|자전거|운동하다|실수로|모르고|\b(?:shaving|cooking|cook|chopping|kitchen|knife slipped|paper|by accident|accidentally|glass|nail|edge|stove|pan|oven|iron|gym|workout|lifting|playing|soccer|football|basketball|tennis|running|fell|tripped|slipped|ankle|knee|back|shoulder|skateboard\w*|bike|hiking|climbing|sunburn\w*|hot|coffee|tea|soup|candle|fireworks|practice|training)\b"
            }
            Context::Treat => {
                r"\b(?:caffeine|coffee|sugar|candy|chocolate|netflix|lol|lmao|anime|k-?dramas?|content|memes|cuteness|dopamine|carbs|pizza|cake|vitamins?)\b"
            }
            Context::Leap => {
                r"번지|스카이다이빙|다이빙|낙하산|패러|수영장|물속|트램펄린|계곡|파쿠르|놀이기구|\b(?:bungee|parachut\w*|skydiv\w*|pool|lake|river|water|trampoline|diving|parkour|plane|zipline)\b"
            }
            Context::Gear => {
                r"캠핑|등산|클라이밍|이사|짐|택배|빨랫줄|텐트|운동|줄넘기|포장|공예|\b(?:camping|climbing|hiking|moving|boat|sailing|tent|crafts?|macrame|gym|jump rope|swing|hammock|dog|horse|laundry)\b"
            }
            Context::Commute => {
                r"지나|건너|버스|출근|퇴근|드라이브|운전|택시|막혀|자전거|러닝|산책|야경|치킨|피크닉|사진|데이트|불꽃|축제"
            }
            Context::Declutter => {
                r"대청소|중고|당근|미니멀|기부|버리|이사|옷장|계절|정리정돈|팔았|팔려|신발장|책장|\b(?:moving|declutter\w*|minimal\w*|marie kondo|downsiz\w*|donat\w*|sell\w*|sold|garage sale|yard sale|charity|closet)\b"
            }
            Context::Luggage => {
                r"캐리어|가방|여행|이사|택배|짐을싸|짐싸|짐정리|수하물|배낭|트렁크|박스|무거워|들어줘|들고"
            }
            Context::Idiom => {
                r"(?:배고파|배고프|더워|더웠|추워|졸려|졸리|웃겨|웃기|심심|귀여|피곤|지루|맛있|좋아서|보고싶어서|설레|궁금해)(?:서)?(?:그냥|진짜)?죽|죽고싶을(?:만큼|정도로)[가-힣]{0,6}?(?:맛있|좋|행복|귀여|귀엽|웃기|웃겨|설레|사랑|부러|신나|재밌|재미있)|\bdie (?:of|from) (?:embarrassment|shame|laughter|laughing|cuteness|boredom|happiness|jealousy)\b|\bdie laughing\b|\bdying to\b|\bto die for\b"
            }
            Context::Residence => {
                r"(?:에|에서|랑|이랑|하고|같이|혼자|여기|거기|서울|지방|시골|동네|이집|나라|한국|기숙사|자취|원룸)살(?:기|고)|\blive (?:in|with|here|there|near|alone|like that)\b|\bliving (?:paycheck|in|with|here|there|at|alone)\b"
            }
            Context::Routine => {
                r"일찍|늦잠|알람|주말|새벽에|출근|등교|\b(?:wake up (?:early|at|for|before|so|this)|go on (?:a |the |this |that )?(?:trip|date|vacation|ride|stage|holiday|tour))\b"
            }
            Context::Effort => {
                r"\b(?:laugh\w*|gym|workout|studying|trying to|working|to finish|for this (?:job|class|exam))\b"
            }
            Context::Scam => r"자해공갈",
            Context::Workshop => {
                r"체험|프로그램|수업|교육|워크숍|워크샵|죽음준비|웰다잉|임종|\b(?:workshop|exercise|class|program)\b"
            }
            Context::Grill => r"구이|고기|캠핑|바베큐|숯불|화로|식당|맛집|삼겹살|갈비",
        }
    }

    const ALL: [Context; 19] = [
        Context::Task,
        Context::Embarrassment,
        Context::Escape,
        Context::Outing,
        Context::Farewell,
        Context::Accident,
        Context::Treat,
        Context::Leap,
        Context::Gear,
        Context::Commute,
        Context::Declutter,
        Context::Luggage,
        Context::Idiom,
        Context::Residence,
        Context::Routine,
        Context::Effort,
        Context::Scam,
        Context::Workshop,
        Context::Grill,
    ];

    fn regex(self) -> &'static Regex {
        let index = Context::ALL
            .iter()
            .position(|c| *c == self)
            .unwrap_or_default();
        &CONTEXTS[index]
    }

    fn found_in(self, sentence: &Sentence) -> bool {
        let regex = self.regex();
        regex.is_match(&sentence.compact) || regex.is_match(&sentence.spaced)
    }
}

/// One phrase to look for.
#[derive(Debug, Clone, Copy)]
struct Rule {
    lang: Lang,
    category: Category,
    strength: Strength,
    pattern: &'static str,
    /// Contexts in which the phrase is ordinary speech.
    unless: &'static [Context],
    /// Contexts in which the phrase is hyperbole: borderline then.
    hyperbole: &'static [Context],
    /// A noun that also names a topic of talk (news, fiction, study).
    topic: bool,
    /// Counts only in a message that mentions a death (`나도 따라가고 싶어`).
    after_death: bool,
}

const fn ko(category: Category, strength: Strength, pattern: &'static str) -> Rule {
    Rule {
        lang: Lang::Ko,
        category,
        strength,
        pattern,
        unless: &[],
        hyperbole: &[],
        topic: false,
        after_death: false,
    }
}

const fn en(category: Category, strength: Strength, pattern: &'static str) -> Rule {
    Rule {
        lang: Lang::En,
        ..ko(category, strength, pattern)
    }
}

impl Rule {
    const fn unless(self, unless: &'static [Context]) -> Rule {
        Rule { unless, ..self }
    }

    const fn hyperbole(self, hyperbole: &'static [Context]) -> Rule {
        Rule { hyperbole, ..self }
    }

    const fn topic(self) -> Rule {
        Rule {
            topic: true,
            ..self
        }
    }

    const fn after_death(self) -> Rule {
        Rule {
            after_death: true,
            ..self
        }
    }
}

use Category::{Burden, HelpSeeking, Hopelessness, Ideation, PassiveWish, PlanOrMeans, SelfHarm};
use Context as C;
use Strength::{Borderline, Strong};

/// Every phrase, Korean then English, by category. Korean patterns see the
/// sentence without spaces; English patterns see single spaces and `'`.
const RULES: &[Rule] = &[
    // ----- Korean: wanting to die -----
    // 죽고 싶어, 죽고싶다, 뒤지고 싶다 (slang), 죽고파. Shame as the cause is hyperbole.
    ko(Ideation, Strong, r"(?:죽|뒤지|디지)(?:고|구)(?:싶|시퍼|시프|파|프다)")
        .unless(&[C::Idiom])
        .hyperbole(&[C::Embarrassment]),
    // 자살하고 싶어, 자살할까, 자살이라도 해야 하나, 자살 마렵다.
    ko(
        Ideation,
        Strong,
        r"자살(?:하고싶|하고파|할래|할까|할거|할꺼|하려|하면|해야|해버|하고말|할뻔|이라도|하자|마렵)",
    ),
    // 자살 생각, 자살 충동, 자살 시도: also nouns of the news.
    ko(Ideation, Strong, r"자살(?:생각|충동|시도|계획|욕구)").topic(),
    // 자살각: slang hyperbole ("this is suicide-worthy").
    ko(Ideation, Borderline, r"자살각"),
    ko(
        Ideation,
        Strong,
        r"죽어버리고싶|죽어버리고파|죽어버릴(?:까|래|거|꺼)|죽어버려야",
    ),
    // 이렇게 사느니 죽는 게 나아 — also "I'd rather die than eat this".
    ko(Ideation, Borderline, r"죽는게(?:낫|나을|나아|편할|편하|답|맞)"),
    ko(Ideation, Strong, r"죽으면(?:편할|편해질|끝날|다끝)"),
    // Asking how: 안 아프게 죽는 법, 자살 방법 (a game's 죽는 방법 is a task).
    ko(
        Ideation,
        Strong,
        r"(?:안아프게|고통없이|편하게|쉽게|깔끔하게|조용히)죽(?:을|는|으려면|는법|는방법)|(?:자살|죽는)(?:하는)?(?:방법|법)",
    )
    .unless(&[C::Task]),
    // 그냥 죽을래 — but 더워서 죽을래 is an idiom, and a bare 죽을래? a threat.
    ko(
        Ideation,
        Borderline,
        r"(?:그냥|차라리|이제|이대로)죽을(?:래|거야|꺼야|까)|죽어야겠",
    )
    .unless(&[C::Idiom]),
    // The news's euphemisms: 극단적 선택, 스스로 목숨을 끊다, 생을 마감하다.
    ko(
        Ideation,
        Strong,
        r"목숨을?끊|스스로목숨|생을마감|극단적(?:인)?(?:선택|생각)",
    )
    .topic(),
    ko(
        Ideation,
        Strong,
        r"세상을?떠나고싶|(?:하늘나라|저세상|저승)(?:에|으로|로)?(?:가고싶|갈래|가버리고|가버릴)",
    ),
    ko(
        Ideation,
        Strong,
        r"뛰어내리(?:고싶|고파|려고|려|면)|뛰어내릴(?:까|래|거|꺼)",
    )
    .unless(&[C::Leap]),
    ko(Ideation, Strong, r"투신").topic(),
    ko(Ideation, Strong, r"목을?매달|목을?매고싶|목을?매려|목맬(?:까|래|거)"),
    // After a death: 나도 그러고 싶어, 엄마 곁으로 가고 싶어.
    ko(
        Ideation,
        Strong,
        r"나도(?:그러고싶|그러고파|그렇게하고싶|따라가고싶|따라죽|그럴까|같이가고싶|그렇게될까)|따라가고싶|따라죽고싶|곁으로가고싶|곁에가고싶|옆으로가고싶",
    )
    .after_death(),
    // ----- Korean: not wanting to exist -----
    ko(
        PassiveWish,
        Strong,
        r"영원히(?:잠들고|자고|눈감고)싶|영원히잠들었으면|눈을?(?:안떴으면|뜨지않았으면|안뜨면좋겠)|(?:깨어나지|깨지)(?:않았으면|말았으면|않으면좋겠|않기를)|안깨어났으면|안깼으면|안깨면좋겠|(?:내일|아침)이?(?:안왔으면|오지않았으면|안오면좋겠)|자다가죽었으면|자는듯이죽|잠든채로(?:죽|깨지않|안깨)",
    )
    .unless(&[C::Routine]),
    // 살고 싶지 않아, 살기 싫어 — but 서울 살기 싫어 is about where.
    ko(
        PassiveWish,
        Strong,
        r"살고싶지(?:가)?않|살기(?:가)?싫|그만살(?:래|고싶|고파)|살아있고싶지않|살아있기싫|살아있는게(?:너무|진짜|정말|참|좀|그냥)?(?:싫|고통|지옥|의미없|무의미|미안|괴로)|(?:태어나지(?:말았|않았)|안태어났)(?:어야|으면|더라면)|태어난게(?:후회|죄|잘못)",
    )
    .unless(&[C::Residence]),
    // 사라지고 싶다 — also what shame says.
    ko(
        PassiveWish,
        Borderline,
        r"사라지고싶|사라지고파|사라져버리고싶|사라져버렸으면|(?:내가|나는|나|난|나도)(?:사라졌|없어졌)으면|없어지고싶|없어지고파|증발하고싶|소멸하고싶|흔적도없이사라지|먼지가되고싶",
    )
    .unless(&[C::Embarrassment, C::Escape]),
    // 다 끝내고 싶어 — also what a tired student says about homework.
    ko(
        PassiveWish,
        Borderline,
        r"(?:다|전부|모든걸|모든것을?|모든게|이제다|그냥다|이제그만|이쯤에서|여기서)끝내(?:고싶|고파|버리고싶|버릴까|버릴래|고말|려고|야겠|야할까|는게)|(?:다|모든게|전부|이제다|그냥다)끝났으면좋겠",
    )
    .unless(&[C::Task]),
    // 오늘 밤에 끝낼 거야 — said of homework too.
    ko(
        PassiveWish,
        Borderline,
        r"(?:오늘밤|오늘|내일|이번주|곧|이제)(?:에|밤에)?(?:다)?끝낼(?:거야|꺼야|게|래)",
    )
    .unless(&[C::Task]),
    ko(
        PassiveWish,
        Strong,
        r"(?:삶|인생|목숨|내인생|내삶|이생|이번생)(?:을|를|도)?(?:끝내|마감|그만두|포기하고싶)",
    ),
    // 그냥 편해지고 싶어: a common euphemism.
    ko(
        PassiveWish,
        Borderline,
        r"(?:그냥|영원히|이제그만|그만)편해지고싶",
    ),
    // ----- Korean: a burden -----
    ko(
        Burden,
        Strong,
        r"(?:내가|나만|나하나|나)없으면[가-힣]{0,8}?(?:편하|편할|행복|나을|나아질|좋을|좋아지|잘살|평화|웃을|덜힘들)",
    )
    .unless(&[C::Task]),
    ko(
        Burden,
        Strong,
        r"(?:내가|나하나|나|나같은게)(?:사라지면|없어지면|죽으면|죽어도|없어져도|사라져도|없어도)(?:다들|모두|다|아무도|세상은?|가족들?은?|엄마는?|아빠는?|사람들은?)?(?:편하|편할|행복|좋아|모를|몰라|모르|슬퍼하지않|안슬퍼|신경안|신경도안|상관없|눈치못|눈치도못|아무렇지|잘돌아가)",
    )
    .unless(&[C::Task]),
    ko(
        Burden,
        Strong,
        r"(?:나같은|나따위)(?:건|게|애는?|사람은?|놈은?|년은?)?(?:없어지는게|사라지는게|죽는게|없는게|태어나지말)",
    ),
    ko(
        Burden,
        Borderline,
        r"짐만(?:되|돼|될)|짐(?:덩어리|짝)|짐이(?:되|돼)(?:는|고|기)|민폐만(?:끼|되)|(?:아무도|누구도)(?:날|나를)(?:필요로하지않|필요로안|필요없|안필요|원하지않|안원하|사랑하지않|안사랑)",
    )
    .unless(&[C::Luggage]),
    // ----- Korean: no reason to live -----
    ko(
        Hopelessness,
        Strong,
        r"(?:살|살아갈|살아야할|계속살|더살)이유(?:가|를|도)?(?:없|모르|못찾|하나도없|안보)",
    ),
    ko(
        Hopelessness,
        Strong,
        r"사는(?:게|거|것)(?:너무|진짜|정말|참|좀|그냥|아무)?(?:의미가?없|의미없|무의미|싫|아무의미)|의미(?:가)?없(?:어|다|네)?(?:그냥)?사는(?:게|거|것)|살아서뭐(?:해|하|할)|살아봤자(?:뭐|의미|소용|뭘)|사는의미가?(?:없|모르)",
    ),
    ko(
        Hopelessness,
        Borderline,
        r"사는게(?:너무|진짜|정말|참|좀|그냥)?(?:지옥|고통|괴로|지겹)|왜살아야(?:하는지|되는지|해)|왜사는지모르|삶의(?:의미|이유)(?:가|를)?(?:없|모르|못찾|잃)|희망이(?:없|안보|하나도없)|(?:더이상|더는|이제)(?:못버티|버틸수(?:가)?없|견딜수(?:가)?없|못견디|버틸힘이없|살힘이없)",
    )
    .unless(&[C::Task]),
    // ----- Korean: self-harm -----
    ko(SelfHarm, Strong, r"자해").unless(&[C::Scam]).topic(),
    ko(
        SelfHarm,
        Strong,
        r"(?:손목|팔|허벅지|손등)(?:을|를|에)?(?:그었|긋|그어|칼로긋|칼로그|커터칼)",
    ),
    ko(
        SelfHarm,
        Strong,
        r"(?:몸|팔|손목|허벅지)에?상처(?:를)?(?:냈|내고|내)",
    ),
    ko(
        SelfHarm,
        Strong,
        r"(?:나를|날|나자신을?|내자신을?|스스로를?|내몸을?)(?:해치고싶|해치고파|다치게하고싶|때리고싶|벌주고싶|망가뜨리고싶)",
    ),
    // ----- Korean: means, places, preparations, farewells -----
    // 약을 모아두고 있어 (예약, 계약, 요약 are not 약).
    ko(
        PlanOrMeans,
        Strong,
        r"(?:^|[^예계절규요공조])(?:약|수면제|알약|진통제|안정제|타이레놀)(?:을|를|들을|도)?(?:몰래|조금씩|하나씩|계속|잔뜩)?(?:모아|모으|모았|사모으|사모아|쌓아두)",
    ),
    ko(
        PlanOrMeans,
        Strong,
        r"(?:^|[^예계절규요공조])(?:약|수면제|알약|진통제|안정제|타이레놀)(?:을|를|들을)?(?:한꺼번에|한번에|몽땅|왕창|한통|한움큼|통째로)(?:다|전부)?(?:먹|삼키|털어)|수면제(?:를|을)?(?:다|전부|잔뜩|많이)(?:먹|삼키)",
    ),
    ko(
        PlanOrMeans,
        Strong,
        r"유서(?:를|도)?(?:쓰|썼|써|남기|남겼|준비|작성)",
    )
    .unless(&[C::Workshop])
    .topic(),
    ko(
        PlanOrMeans,
        Strong,
        r"번개탄(?:을|를)?(?:사|샀|피우|피울|준비|검색|주문)",
    )
    .unless(&[C::Grill]),
    ko(
        PlanOrMeans,
        Borderline,
        r"(?:밧줄|로프|노끈)(?:을|를)?(?:샀|사왔|준비|묶)",
    )
    .unless(&[C::Gear]),
    ko(
        PlanOrMeans,
        Strong,
        r"옥상난간|난간(?:에|위에?|밖에?)(?:서있|서|앉|매달|올라)|(?:창문|창틀|베란다)(?:에|밖으로)?(?:걸터앉|매달)",
    )
    .unless(&[C::Outing]),
    // 옥상에 올라가 있어 — or up there for a barbecue.
    ko(
        PlanOrMeans,
        Borderline,
        r"옥상(?:에|위에?|으로|까지)?(?:올라(?:가|와|갔|왔|옴)|서있|혼자|나와있|와있|있어|있는데|이야)",
    )
    .unless(&[C::Outing]),
    ko(
        PlanOrMeans,
        Borderline,
        r"(?:다리|대교|한강다리|철교)(?:위|위에|난간)(?:서|에서|에|야|이야|왔|있|혼자)?|마포대교|한강(?:수온|물온도|물이차갑|물차갑)",
    )
    .unless(&[C::Commute, C::Outing]),
    ko(
        PlanOrMeans,
        Borderline,
        r"마지막(?:으로)?(?:인사|메시지|부탁|편지)|그동안(?:정말|너무)?고마웠(?:어|다|습니다|어요)|(?:다들|모두)(?:안녕|잘지내)",
    )
    .unless(&[C::Farewell]),
    ko(
        PlanOrMeans,
        Borderline,
        r"(?:내|제)?(?:물건|옷|책)(?:들)?(?:을|를)?(?:다|전부)?(?:정리하고있|정리했|나눠주|나눠줬|처분)",
    )
    .unless(&[C::Declutter, C::Farewell]),
    // ----- Korean: asking for a crisis line -----
    ko(
        HelpSeeking,
        Strong,
        r"(?:자살예방|자살상담|위기상담|생명의전화|정신건강위기)(?:상담)?(?:전화|센터|핫라인)?(?:번호)?(?:가|는|좀|을|를|이)?(?:뭐|알려|어디|몇번|있어|있나|있을까|어떻게|필요|걸|해도)",
    ),
    // ----- English: wanting to die -----
    en(Ideation, Strong, r"\bkill(?:ing)? my ?self\b").hyperbole(&[C::Effort]),
    en(
        Ideation,
        Strong,
        r"\b(?:end|ending|take|taking) my (?:own )?life\b|\bend(?:ing)? it all\b",
    ),
    en(
        Ideation,
        Strong,
        r"\b(?:want|wanna|wanted|would like|need) to die\b|\bwish (?:i was|i were|to be|i could be) dead\b|\bwish i could die\b|\bbetter off dead\b",
    )
    .unless(&[C::Idiom]),
    en(
        Ideation,
        Strong,
        r"\bsuicidal\b|\b(?:commit|committing|thinking (?:about|of)|think about|thoughts of|considering|contemplating|attempted|attempt|planning) suicide\b|\bsuicide (?:attempts?|plans?|notes?)\b",
    )
    .topic(),
    en(
        Ideation,
        Strong,
        r"\bjump(?:ing)? (?:off|from) (?:the |a |this |that )?(?:bridge|roof|rooftop|building|ledge|balcony|cliff)\b",
    )
    .unless(&[C::Leap]),
    en(
        Ideation,
        Strong,
        r"\bi (?:just )?(?:want|wanna) to (?:join|be with|see) (?:him|her|them|my (?:mom|dad|mother|father|brother|sister|husband|wife|son|daughter|friend|grandma|grandpa|boyfriend|girlfriend))(?: again)?\b|\bi (?:want|wanna) to do (?:it|that|the same) too\b",
    )
    .after_death(),
    en(
        Ideation,
        Strong,
        r"\b(?:think|thinking|thought) about (?:dying|killing myself|ending it|ending my life)\b",
    ),
    // Internet shorthand for "kill myself": as often a groan as a cry.
    en(Ideation, Borderline, r"\bkms\b"),
    // ----- English: not wanting to exist -----
    en(
        PassiveWish,
        Strong,
        r"\b(?:don't|do not|dont) want to (?:live|be alive|exist|wake up|keep living|go on)\b",
    )
    .unless(&[C::Routine, C::Residence]),
    en(
        PassiveWish,
        Strong,
        r"\b(?:wish|hope|want)\b[^,.]{0,30}\bnever wake up\b|\b(?:sick and )?tired of (?:living|being alive|existing)\b|\bwish i (?:was|were|had) never (?:been )?born\b|\bwish i (?:didn't|did not) exist\b|\bwish i (?:could )?(?:sleep forever|never wake up)\b|\bhope i (?:never|don't) wake up\b|\bnever (?:want to )?wake up again\b",
    )
    .unless(&[C::Routine, C::Residence]),
    en(
        PassiveWish,
        Borderline,
        r"\b(?:don't|do not|dont) want to be (?:here|around) any ?more\b",
    )
    .unless(&[C::Task, C::Routine]),
    en(
        PassiveWish,
        Borderline,
        r"\b(?:want|wanna) to (?:disappear|vanish)\b|\bwish i could (?:just )?disappear\b",
    )
    .unless(&[C::Embarrassment, C::Escape]),
    en(
        PassiveWish,
        Borderline,
        r"\bcan't (?:do this|take (?:it|this)|keep going|handle (?:it|this)) any ?more\b|\bcan't go on\b|\bcan't live like this\b",
    )
    .unless(&[C::Task]),
    en(
        PassiveWish,
        Borderline,
        r"\b(?:want|need) (?:it|everything|all of (?:it|this)|the pain|this pain|this) to (?:end|stop)\b|\b(?:want to|wanna|gonna|going to|i'll|will) end (?:it|everything)(?: all)?(?: tonight| today| soon| now)?\b",
    )
    .unless(&[C::Task]),
    // ----- English: a burden -----
    en(
        Hopelessness,
        Borderline,
        r"\b(?:don't|do not|dont) see the point (?:any ?more|in (?:anything|living|life|trying|going on))\b|\bwhat's the point (?:any ?more|of anything)\b",
    )
    .unless(&[C::Task]),
    en(
        Burden,
        Strong,
        r"\bbetter (?:off )?without me\b|\b(?:no one|nobody|no-one) (?:would|will|'d|is going to) (?:even )?(?:miss me|notice if i(?:'m| was| were)? gone|care if i (?:died|was gone|were gone|disappeared))\b",
    ),
    en(
        Burden,
        Borderline,
        r"\bi'm (?:just |such |only )?a (?:burden|waste of space)\b|\bi'm (?:just )?in everyone's way\b",
    ),
    // ----- English: no reason to live -----
    en(
        Hopelessness,
        Strong,
        r"\bno (?:reason|point) (?:to|in|for) (?:live|living|go on|going on|being alive|staying alive|me to live)\b|\bnothing (?:left )?to live for\b|\blife (?:is not|isn't|is no longer) worth (?:living|it)\b|\bwhat's the point (?:of|in) (?:living|life|being alive|going on|staying alive)\b|\bno will to live\b",
    ),
    en(
        Hopelessness,
        Borderline,
        r"\blost (?:the|my|all) will to live\b",
    )
    .unless(&[C::Task]),
    // ----- English: self-harm -----
    en(
        SelfHarm,
        Strong,
        r"\bself[- ]?harm(?:ing|ed)?\b|\bself[- ]?injur(?:y|ing)\b",
    )
    .topic(),
    en(
        SelfHarm,
        Strong,
        r"\b(?:want|wanna|going|gonna|plan(?:ning)?|try(?:ing)?|tried|urge) to (?:hurt|harm|cut|burn|punish) my ?self\b|\b(?:been|started|keep|kept|still|am|i'm) cutting (?:myself|my (?:arms?|wrists?|legs?|thighs?))\b|\b(?:cut|cutting|slit) my wrists?\b",
    ),
    en(
        SelfHarm,
        Borderline,
        r"\b(?:cut|cutting|hurt|hurting|harm|harming|burn|burned|burnt|burning) my ?self\b",
    )
    .unless(&[C::Accident]),
    en(SelfHarm, Borderline, r"\boverdos(?:e|ed|ing)\b").unless(&[C::Treat]),
    // ----- English: means, places, preparations, farewells -----
    en(
        PlanOrMeans,
        Strong,
        r"\b(?:saving|stockpiling|hoarding|collecting|saved|stockpiled|hoarded|collected) (?:up )?(?:my |some |all (?:of )?(?:my |the )?|a bunch of )?(?:pills|meds|medication|medicine|sleeping pills|painkillers)\b|\btake (?:all|a whole bottle|the whole bottle) (?:of )?(?:my |the |these |those )?(?:pills|meds|sleeping pills|painkillers)\b|\bswallow(?:ed)? (?:all|a bottle of|the whole bottle of) (?:my |the )?(?:pills|meds)\b",
    ),
    en(
        PlanOrMeans,
        Strong,
        r"\b(?:wrote|writing|written|left|leave|write) (?:a |my )?(?:suicide|goodbye) (?:note|letter)\b",
    ),
    en(
        PlanOrMeans,
        Borderline,
        r"\b(?:i'm|i am|standing|sitting|alone|right now|currently) (?:up |right )?on (?:the |a |this |top of (?:the|a) )?(?:roof|rooftop|bridge|ledge)\b",
    )
    .unless(&[C::Outing]),
    en(PlanOrMeans, Borderline, r"\bbought (?:a |some )?rope\b").unless(&[C::Gear]),
    en(
        PlanOrMeans,
        Borderline,
        r"\bgoodbye (?:everyone|forever|world|cruel world)\b|\bthis is (?:my last message|goodbye)\b|\b(?:saying|say) goodbye to everyone\b|\bmy last (?:message|goodbye|words)\b",
    )
    .unless(&[C::Farewell]),
    en(
        PlanOrMeans,
        Borderline,
        r"\b(?:giving|gave) away (?:all )?(?:of )?my (?:stuff|things|belongings|possessions)\b",
    )
    .unless(&[C::Declutter]),
    // ----- English: asking for a crisis line -----
    en(
        HelpSeeking,
        Strong,
        r"\b(?:what's|what is|need|give me|tell me|looking for|is there|where can i (?:find|call|get)|number (?:for|of)|call)\b[^.?!]{0,40}\b(?:suicide|crisis) (?:prevention )?(?:hot ?line|help ?line|line)\b",
    ),
];

// ---------------------------------------------------------------------------
// Markers that decide whose words these are and in what mood.

/// A phrase followed by reported speech is someone else's: 죽고 싶대, 죽고 싶어 해, 자해했대.
const KO_REPORTED: &str =
    r"^(?:대|래|다더|다네|다던데|어하|어해|어했|어한|해하|했대|한대|했었대|하더라고|했다더)";
/// A quoted wish: 죽고 싶다고 (했어).
const KO_QUOTED: &str = r"^(?:(?:다|어|아)(?:고|라고)|라고)";
/// A phrase describing people: 죽고 싶은 사람, 자해하는 친구.
const KO_RELATIVE: &str = r"^(?:하는|한|했던|하던|하려는|은|는|던|다는|단|려는)(?:사람|분|친구|애|이들|환자|학생|경우|청소년|아이|연예인)";
/// A phrase negated right after it.
const KO_NEGATION: &str = r"^(?:(?:지|진|지는|지도|지가|지만은)않|(?:은|는|다는|단)(?:건|게|거|말은|말이|말)아니|(?:다는|은)(?:생각|마음)(?:은|까지는|까진|이|은절대)?(?:안|없|들지않|안들)|(?:는|를|도|까지는|까진)?(?:안|절대안)(?:해|할|했|하)|(?:한|할)(?:적|생각|일)(?:은|이|도)?없|(?:하지|하진)않)";
/// Asked of someone: 죽고 싶냐, 죽고 싶니.
const KO_QUESTION_ENDING: &str = r"^(?:냐|니|나요|니까)";
/// Past tense right after the phrase: 죽고 싶었어.
const KO_PAST_ENDING: &str = r"^었";
/// Someone else as a subject or topic: 친구가, 엄마는, 주인공이, 그 사람이.
const KO_OTHER_SUBJECT: &str = r"^(?:친구|걔|얘|쟤|그애|사람|그분|그녀|그|엄마|아빠|어머니|아버지|부모님|언니|오빠|누나|형|동생|남동생|여동생|동료|선배|후배|남친|여친|남자친구|여자친구|남편|아내|와이프|애인|누가|누군가|사람들|이웃|반친구|학생|환자|아들|딸|할머니|할아버지|삼촌|이모|고모|사촌|팀장님?|부장님?|상사|선생님|교수님|친척|지인|동기|룸메|룸메이트|걔네|애기|아기|주인공|캐릭터|배우|연예인|가수|아이돌|유튜버|작가)(?:들)?(?:이가|께서|가|이|는|은|도|이도|이는)$";
/// Fiction, news and study.
const KO_TOPIC: &str = r"드라마|영화|소설|웹툰|만화|애니|뉴스|기사|다큐|주인공|캐릭터|등장인물|배우|연예인|아이돌|가사|노래|책에서|책속|유튜브|방송|예능|게임속|게임에서|역사|통계|률|캠페인|예방교육|교육|강의|수업|논문|리포트|보고서|과제|연구|토론|발표|사건|시사";
/// A topic noun followed by what is said about it: 자해 관련 기사, 자살 시도에 대한 다큐.
const KO_TOPIC_AFTER: &str = r"^(?:를|을|에)?(?:관련|에관한|에대한|관한|대한|기사|뉴스|영상|다큐|책|통계|예방|교육|캠페인|문제|률|사건|장면)";
const EN_TOPIC: &str = r"\b(?:movie|film|show|series|episode|book|novel|story|character|news|article|headline|documentary|game|song|lyrics|anime|manga|podcast|essay|paper|report|research|class|lecture|statistics|rates?|awareness|prevention|campaign)\b";
/// Negation shortly before an English phrase, within its clause.
const EN_NEGATION_BEFORE: &str = r"(?:\bnot\b|n't|\bnever\b|\bno longer\b)(?:\s+[^\s,]+){0,2}\s*$";
/// A death mentioned anywhere in the message.
const DEATH: &str = r"자살했|죽었|돌아가셨|세상을떠났|떠나보냈|하늘나라|장례|사망|숨졌|목숨을끊었|\b(?:died|passed away|passed|killed (?:him|her|them)sel(?:f|ves)|suicide|funeral|lost my)\b";
/// Words of despair that support a borderline phrase.
const DESPAIR: &str = r"힘들|지쳤|지쳐|지친|우울|괴로|외로|고통|절망|희망이없|버틸수가?없|못버티|견딜수가?없|못견디|한계|의미가없|의미없|무의미|공허|비참|쓸모없|쓸모가없|아무도날|아무도나를|혼자야|혼자인|눈물|울고|울었|울어|지옥|\b(?:exhausted|hopeless|worthless|depressed|miserable|empty|numb|alone|lonely|crying|cried|pointless|tired of (?:everything|life|living|it all)|can't take|nobody cares|no one cares|hate my life|give up)\b";
/// The past is over: 지금은 괜찮아, "I'm better now".
const RESOLVED: &str = r"지금은(?:괜찮|좋아|나아|행복|살만|많이)|이제는?(?:괜찮|좋아|나아|행복|살만)|많이나아|극복|이겨냈|벗어났|\b(?:i'm|i am|i feel|feeling|doing) (?:much |a lot |way )?(?:better|fine|okay|ok|good|happy)\b";
const PAST_SENTENCE: &str = r"예전에|예전엔|옛날에|한때|그때는|전에는|어렸을때|작년에는|\bused to\b|\bback then\b|\byears ago\b|\bwhen i was\b";

const KO_FIRST_PERSON: &[&str] = &[
    "나",
    "나도",
    "나는",
    "난",
    "내가",
    "내",
    "나를",
    "날",
    "나만",
    "나한테",
    "나의",
    "나처럼",
    "나같은",
    "나랑",
    "나보고",
    "저",
    "저도",
    "저는",
    "제가",
    "제",
    "저를",
    "저만",
    "저한테",
    "저의",
    "내자신",
    "나자신",
    "내몸",
    "내인생",
    "내삶",
];
const KO_SECOND_PERSON: &[&str] = &[
    "너",
    "넌",
    "니가",
    "너는",
    "너도",
    "너네",
    "너희",
    "당신",
    "니",
    "너가",
    "너한테",
];
const EN_FIRST_PERSON: &[&str] = &[
    "i", "i'm", "im", "me", "myself", "i've", "ive", "i'd", "i'll", "mine", "my",
];
/// English subjects that make a phrase someone else's when they are the nearest subject before it.
const EN_OTHER_PERSON: &[&str] = &[
    "she",
    "he",
    "they",
    "she's",
    "he's",
    "they're",
    "her",
    "him",
    "them",
    "his",
    "someone",
    "somebody",
    "people",
    "friend",
    "friends",
    "mom",
    "mother",
    "dad",
    "father",
    "brother",
    "sister",
    "cousin",
    "partner",
    "boyfriend",
    "girlfriend",
    "bf",
    "gf",
    "wife",
    "husband",
    "son",
    "daughter",
    "roommate",
    "classmate",
    "coworker",
    "colleague",
    "boss",
    "student",
    "patient",
    "kid",
    "child",
    "character",
    "guy",
    "girl",
    "who",
    "you",
    "u",
    "you're",
    "ur",
    "anyone",
    "everyone",
];

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
    ko_question_ending: Regex,
    ko_past_ending: Regex,
    ko_other_subject: Regex,
    ko_topic: Regex,
    ko_topic_after: Regex,
    en_topic: Regex,
    en_negation_before: Regex,
    death: Regex,
    despair: Regex,
    resolved: Regex,
    past_sentence: Regex,
}

static MARKERS: LazyLock<Markers> = LazyLock::new(|| Markers {
    ko_reported: regex(KO_REPORTED),
    ko_quoted: regex(KO_QUOTED),
    ko_relative: regex(KO_RELATIVE),
    ko_negation: regex(KO_NEGATION),
    ko_question_ending: regex(KO_QUESTION_ENDING),
    ko_past_ending: regex(KO_PAST_ENDING),
    ko_other_subject: regex(KO_OTHER_SUBJECT),
    ko_topic: regex(KO_TOPIC),
    ko_topic_after: regex(KO_TOPIC_AFTER),
    en_topic: regex(EN_TOPIC),
    en_negation_before: regex(EN_NEGATION_BEFORE),
    death: regex(DEATH),
    despair: regex(DESPAIR),
    resolved: regex(RESOLVED),
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
}

impl Sentence {
    fn new(raw: &str, question: bool) -> Sentence {
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
        }
    }

    fn has_token(&self, words: &[&str]) -> bool {
        self.tokens.iter().any(|t| words.contains(&t.as_str()))
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

fn is_loose_jamo(c: char) -> bool {
    matches!(c as u32, 0x3131..=0x318E)
}

/// Splits at sentence ends (`.`, `!`, `?`, newlines, `…`, `;`).
fn sentences(text: &str) -> Vec<Sentence> {
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
    out
}

/// Facts about the whole message.
struct Message {
    death_mentioned: bool,
    despair: bool,
    resolved: bool,
}

impl Message {
    fn new(sentences: &[Sentence]) -> Message {
        let any = |regex: &Regex| {
            sentences
                .iter()
                .any(|s| regex.is_match(&s.compact) || regex.is_match(&s.spaced))
        };
        Message {
            death_mentioned: any(&MARKERS.death),
            despair: any(&MARKERS.despair),
            resolved: any(&MARKERS.resolved),
        }
    }
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
            (m.ko_negation.is_match(after), someone_else, past)
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
                    None => !first_person && sentence.has_token(EN_OTHER_PERSON),
                };
            let past = MARKERS.past_sentence.is_match(&sentence.spaced)
                || found.as_str().starts_with("wanted");
            (
                MARKERS.en_negation_before.is_match(before),
                someone_else,
                past,
            )
        }
    };
    if negated {
        return Judgement::SetAside(SetAside::Negated);
    }
    if someone_else {
        return Judgement::SetAside(SetAside::OtherPerson);
    }
    if rule.topic && is_topic(rule.lang, sentence, found, first_person) {
        return Judgement::SetAside(SetAside::Topic);
    }
    if rule.unless.iter().any(|c| c.found_in(sentence)) {
        return Judgement::SetAside(SetAside::OrdinaryContext);
    }
    if past && message.resolved {
        return Judgement::SetAside(SetAside::Past);
    }
    let strength = if rule.hyperbole.iter().any(|c| c.found_in(sentence)) {
        Strength::Borderline
    } else {
        rule.strength
    };
    let supported = match emotion {
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
