//! The phrases the detector looks for ([`RULES`], Korean then English, by
//! category) and the ordinary contexts that explain a phrase away
//! ([`Context`]). Data only: how a match is judged is `super`'s.

use regex::Regex;

use super::words::{
    medicines_en, overdose_ko, poison_swallowed_ko, story_media_en, story_media_ko, time_for_it_ko,
    train_awaited_ko,
};
use super::{CONTEXTS, Category, Sentence};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Lang {
    /// Matched on the sentence without spaces or punctuation.
    Ko,
    /// Matched on the lower-case sentence with single spaces.
    En,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Strength {
    Strong,
    Borderline,
}

/// Contexts, found anywhere in the phrase's sentence, that change its reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Context {
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
    /// Everyday plans: "wake up early", "go on the trip", 내일 생각할래.
    Routine,
    /// Hyperbole of effort: "killing myself trying to finish this".
    Effort,
    /// `자해공갈` is insurance fraud, not self-harm.
    Scam,
    /// Writing a will as an exercise: `임종 체험에서 유서 썼어`.
    Workshop,
    /// 번개탄 as a barbecue fuel: `번개탄 구이`.
    Grill,
    /// Things cut every day — food, hair, wood, cloth: "cut the steak
    /// across the grain", "cut my bangs vertically".
    Cutting,
    /// A pet or a child who swallowed something: `강아지가 쥐약 먹었어`.
    PetOrChild,
    /// A dose asked about for an illness: "how many mg of tylenol can I
    /// take while breastfeeding", "for a headache", "per day".
    Dosing,
    /// Laughing at it: `넘어져서 죽고 싶었음ㅋㅋㅋ`, "lol". Makes every phrase
    /// borderline, never clears it: it still counts, unless the crisis model
    /// reads plainly none.
    Laughter,
    /// A story, a script, a song or a game the sentence is about: `영화 주인공이
    /// … 장면`, "a scene with a suicide note", 「이 노래 가사 중에」. Like laughter,
    /// makes every phrase borderline and never clears it. (Korean is matched
    /// without spaces, so 가사 only with what follows it: 내가 사라져도 is no song.)
    Story,
    /// Ending it with someone, a breakup: "i'm going to end it with him
    /// tonight", `남친이랑 오늘 끝낼 거야`. Only right after the person, so
    /// "… end it with my dad's pills" is no breakup; and it explains only
    /// the phrase it holds (`Context::explains`).
    Parting,
}

impl Context {
    /// Korean words (no spaces) and English words (`\b`-bounded), one regex.
    pub(super) fn pattern(self) -> &'static str {
        match self {
            Context::Task => {
                r"숙제|과제|레포트|리포트|보고서|업무|공부|시험|프로젝트|마감|회의|알바|야근|청소|설거지|빨래|게임|퀘스트|랭겜|솔랭|정글|한타|트롤|배그|롤하|피시방|pc방|드라마|시즌|정주행|연애|관계|계약|휴가|방학|다이어트|운동|수업|강의|회사|학교|출근|퇴근|상사|부장|팀장|교수|논문|면접|취업|수능|집안일|밀린일|남은일|빨리|얼른|오늘안에|내일까지|주말까지|\b(?:respawn|spawn|checkpoint|homework|assignment|essay|project|deadline|work|job|shift|class|course|exam|test|semester|diet|game|level|season|series|meeting|chores|relationship|traffic|commute|boss|office|school|thesis|interview|training|practice|weather|heat)\b"
            }
            Context::Embarrassment => {
                r"창피|쪽팔|민망|부끄|흑역사|이불킥|말실수|실수|쥐구멍|망신|수치|embarrass|humiliat|awkward|cringe|mortif|ashamed"
            }
            Context::Escape => {
                r"여행|훌쩍|휴가|무인도|잠수|해외|\b(?:vacation|holiday|trip|for a while|for a (?:week|few days)|weekend|off the grid|island)\b"
            }
            Context::Outing => {
                r"고기|바베큐|삼겹살|치맥|피맥|돗자리|버스킹|공연|축제|별보|별구경|별이|불꽃|빨래|사진|담배|바람쐬|바람좀쐬|텃밭|화분|파티|캠핑|노을|야경|일출|일몰|운동|공사|수리|안테나|점심|커피|맥주|치킨|피크닉|고양이|정원|루프탑|카페|선탠|일광욕|산책|자전거|러닝|드라이브|달구경|통화|\b(?:bbq|barbecue|party|drinks|beers?|stars|sunset|sunrise|view|smoking|smoke|picnic|photos?|pictures|fireworks|lunch|dinner|garden|fresh air|yoga|bar|cafe|concert|walk|jog|run|bike|fishing|selfie)\b"
            }
            Context::Farewell => {
                r"퇴사|관두|관뒀|관둬|졸업|이사|이삿|블로그|계정|탈퇴|접는다|접을게|전학|송별|입대|전역|유학|출국|이직|발령|은퇴|종강|이민|결혼|마지막출근|마지막수업|마지막날|회사|학교|동아리|모임|단톡|방송|연재|시즌|휴가|여행|다음에(?:또)?(?:봐|봬|뵈|만나)|또(?:봐|봬|뵈|만나)|내일(?:봐|봬|뵈)|\b(?:leaving|graduat\w*|moving|farewell|retir\w*|last day|vacation|trip|quit\w*|new job|semester|season|stream|channel|server|group|see (?:you|ya|u)|catch you later|until next time|talk (?:to you )?(?:later|tomorrow|soon))\b"
            }
            Context::Accident => {
                r"넘어|다쳤|부딪|칼질|설거지|손가락|베일뻔|벨뻔|긁혔|요리|칼에베|종이에|축구|자전거|운동하다|실수로|모르고|사랑니|치과|발치|잇몸|코피|생리|수술|헌혈|\b(?:tooth|teeth|dentist|wisdom|surgery|stitches|nosebleed|period|shaving|cooking|cook|chopping|kitchen|knife slipped|paper|by accident|accidentally|glass|nail|edge|stove|pan|oven|iron|gym|workout|lifting|playing|soccer|football|basketball|tennis|running|fell|tripped|slipped|ankle|knee|back|shoulder|skateboard\w*|bike|hiking|climbing|sunburn\w*|hot|coffee|tea|soup|candle|fireworks|practice|training)\b"
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
                r"일찍|늦잠|알람|주말|새벽에|출근|등교|(?:생각|고민)(?:할래|할거|하려|해볼래|해봐야)|\b(?:wake up (?:early|at|for|before|so|this)|go on (?:a |the |this |that )?(?:trip|date|vacation|ride|stage|holiday|tour))\b"
            }
            Context::Effort => {
                r"\b(?:laugh\w*|gym|workout|studying|trying to|working|to finish|for this (?:job|class|exam))\b"
            }
            Context::Scam => r"자해공갈",
            Context::Workshop => {
                r"체험|프로그램|수업|교육|워크숍|워크샵|죽음준비|웰다잉|임종|\b(?:workshop|exercise|class|program)\b"
            }
            Context::Grill => r"구이|고기|캠핑|바베큐|숯불|화로|식당|맛집|삼겹살|갈비",
            Context::Cutting => {
                r"요리|손질|주방|부엌|도마|과일|생선|채소|야채|\b(?:onions?|grain|steak|meat|bread|vegetables?|cake|pizza|wood|fabric|hair|bangs)\b"
            }
            Context::PetOrChild => {
                r"강아지|고양이|댕댕이|냥이|개가|애가|아기|아이가|조카|\b(?:dog|puppy|cat|kitten|pet|toddler|baby|kid|child|son|daughter)\b"
            }
            Context::Dosing => {
                r"\b(?:per day|a day|daily|max(?:imum)? (?:daily )?dose|while (?:breastfeeding|pregnant|nursing)|for (?:a |my |the )?(?:headache|fever|cramps|period pain|toothache|cold|flu|migraine|back pain)|pharmacist|prescribed|safe(?:ly)? to take|can i safely take|is it safe)\b"
            }
            // ㅋㅋ, ㅎㅎ and 😂 arrive as `lol` (`Sentence::new`).
            Context::Laughter => r"크크|\b(?:lol|lmao|lmfao|haha+|hehe)\b",
            Context::Parting => concat!(
                r"(?:남친|여친|남자친구|여자친구|애인|남편|와이프|아내|마누라|신랑|걔|쟤|그사람|그놈|그녀|그애|그분|친구|썸남|썸녀|전남친|전여친|연인|그남자|그여자|룸메|동업자)",
                r"(?:이랑|랑|하고|와|과)(?:은|는|도)?(?:이제|오늘|진짜|그냥|정말|확실히|완전히|깔끔하게|아예|드디어|결국)*(?:끝낼|끝내려|끝내야|끝냈|끝내기로|끝내고싶|끝내고파|끝내자|끝내는|끝내버릴|정리할|정리하려|정리했|정리하기로|정리하고싶|정리해야)",
                r"|\b(?:end|ending|ended|break|breaking|broke|call|calling|called) (?:it|things)(?: off)? with (?:him|her|them|(?:my|the|this|that|our|his|her) (?:[a-z-]+ ){0,2}",
                r"(?:bf|gf|boyfriend|girlfriend|partner|husband|wife|hubby|fiance|fiancee|ex|friend|bestie|bff|roommate|flatmate|landlord|guy|girl|man|woman|dude|situationship|relationship|band|team|club|group|therapist|boss|job|company|date|crush|lover|affair|family))(?:[^'’a-z]|$)",
            ),
            Context::Story => {
                concat!(
                    story_media_ko!(),
                    r"|대본|희곡|대사|주인공|캐릭터|등장인물|배역|역할|노래가사|작사|후렴|가사(?:중|에서|가|를|는|처럼|야|인데|나오|에나오|있는)|노래제목|무슨노래|노래이름|게임속|게임에서|장면|\b(?:",
                    story_media_en!(),
                    r"|webtoons?|manhwa|comics?|fiction|characters?|screenplay|script|scene|lyrics?|respawn|in the game|short story)\b"
                )
            }
        }
    }

    pub(super) const ALL: [Context; 25] = [
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
        Context::Cutting,
        Context::PetOrChild,
        Context::Dosing,
        Context::Laughter,
        Context::Story,
        Context::Parting,
    ];

    pub(super) fn regex(self) -> &'static Regex {
        let index = Context::ALL
            .iter()
            .position(|c| *c == self)
            .unwrap_or_default();
        &CONTEXTS[index]
    }

    /// Whether the context explains a phrase also from the writer's earlier
    /// messages: only leaving (a goodbye after "moving out tomorrow"). A task
    /// or a place said earlier does not explain a method question after it.
    pub(super) fn reaches_back(self) -> bool {
        self == Context::Farewell
    }

    pub(super) fn found_in(self, sentence: &Sentence) -> bool {
        sentence.matches(self.regex())
    }

    /// Whether the context explains the phrase `found` in the sentence's
    /// form its rule (in `lang`) reads: found anywhere in the sentence,
    /// but a parting only where it holds the phrase itself ("ended things
    /// with him, gonna kms tonight" keeps the kms; 「걔랑 정리했어 오늘 다
    /// 끝낼 거야」 in one sentence keeps 오늘 다 끝낼 거야).
    pub(super) fn explains(self, sentence: &Sentence, lang: Lang, found: regex::Match<'_>) -> bool {
        match self {
            Context::Parting => self
                .regex()
                .find_iter(sentence.form(lang))
                .any(|m| m.start() < found.end() && found.start() < m.end()),
            _ => self.found_in(sentence),
        }
    }
}

/// One phrase to look for.
#[derive(Debug, Clone, Copy)]
pub(super) struct Rule {
    pub(super) lang: Lang,
    pub(super) category: Category,
    pub(super) strength: Strength,
    pub(super) pattern: &'static str,
    /// Contexts in which the phrase is ordinary speech.
    pub(super) unless: &'static [Context],
    /// Contexts in which the phrase is hyperbole: borderline then (laughter
    /// and a story are for every phrase: `judge`).
    pub(super) hyperbole: &'static [Context],
    /// A noun that also names a topic of talk (news, fiction, study).
    pub(super) topic: bool,
    /// Counts only in a message that mentions a death (`나도 따라가고 싶어`).
    pub(super) after_death: bool,
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
pub(super) const RULES: &[Rule] = &[
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
    ko(Ideation, Borderline, r"자살각").unless(&[C::Task]),
    // 죽을 생각: thinking of dying (죽을 생각 없어 is negated).
    ko(Ideation, Strong, r"죽을생각"),
    ko(
        Ideation,
        Strong,
        r"죽어버리고싶|죽어버리고파|죽어버릴(?:까|래|거|꺼)|죽어버려야",
    ),
    // 그냥 죽게 해줘: asking to be let die (웃겨서 죽게 해줘 is an idiom).
    ko(
        Ideation,
        Strong,
        r"죽게(?:해줘|해주세요|해달라|내버려|놔둬|놔줘|둬)",
    )
    .unless(&[C::Idiom]),
    // 이렇게 사느니 죽는 게 나아 — also "I'd rather die than eat this".
    ko(Ideation, Borderline, r"죽는게(?:낫|나을|나아|편할|편하|답|맞)"),
    ko(Ideation, Strong, r"죽으면(?:편할|편해질|끝날|다끝)"),
    // 차라리 죽었으면 좋겠다: the wish said of oneself (of someone else it is
    // anger, which the subject check sets aside). Not when quoted (`… 좋겠다고
    // 말하는 거야`: someone else's words).
    ko(
        Ideation,
        Strong,
        r"(?:차라리|그냥|걍|빨리|나|내가)죽었으면(?:좋겠(?:어|네|음|습|는|다(?:$|[^고]))|하|싶)",
    )
    .unless(&[C::Idiom]),
    // Asking how: 안 아프게 죽는 법, 자살 방법, 죽으려면 어떻게 해 (a game's 죽는 방법 is a task).
    ko(
        Ideation,
        Strong,
        r"(?:안아프게|고통없이|편하게|쉽게|깔끔하게|조용히|아무도모르게)죽(?:을|는|으려면|는법|는방법)|죽(?:으려면|을려면)(?:어떻게|뭘|뭐|어디)|(?:자살|죽는)(?:하는)?(?:방법|법)",
    )
    .unless(&[C::Task]),
    // 그냥 죽을래 — but 더워서 죽을래 is an idiom, and a bare 죽을래? a threat.
    ko(
        Ideation,
        Borderline,
        r"(?:그냥|차라리|이제|이대로)죽을(?:래|거야|꺼야|까)|죽어야겠",
    )
    .unless(&[C::Idiom]),
    // Ending one's life, wished: 제 손으로 생을 끝내고 싶다 (not 고생을 끝내고 싶어).
    ko(
        Ideation,
        Strong,
        r"(?:^|[^고학선])생을(?:끝내|마치|마감하)고싶|삶을(?:끝내|마치|마감하)고싶",
    ),
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
        r"나도(?:그러고싶|그러고파|그렇게하고싶|따라가고싶|따라죽|그럴까|같이가고싶|그렇게될까)|따라가고싶|따라죽고싶|곁으로가고싶|곁에가고싶|옆으로가고싶|(?:곧|이제|나도)(?:만나러|보러|곁으로)갈(?:게|께|거)",
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
    .unless(&[C::Task, C::Parting]),
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
        r"(?:내가|나만|나하나|나)없으면[가-힣]{0,8}?(?:편하|편할|편해|행복|나을|나아질|좋을|좋아지|잘살|평화|웃을|덜힘들)",
    )
    .unless(&[C::Task]),
    ko(
        Burden,
        Strong,
        r"(?:내가|나하나|나|나같은게)(?:사라지면|없어지면|죽으면|죽어도|없어져도|사라져도|없어도)(?:다들|모두|다|아무도|세상은?|가족들?[은도]?|식구들?[은도]?|엄마[는도]?|아빠[는도]?|부모님[은도]?|사람들[은도]?)?(?:편하|편할|행복|좋아|모를|몰라|모르|슬퍼하지않|안슬퍼|신경안|신경도안|상관없|눈치못|눈치도못|아무렇지|잘돌아가|한숨덜|한숨돌리|덜(?:힘들|고생|걱정|싸우|괴로)|홀가분)",
    )
    .unless(&[C::Task]),
    ko(
        Burden,
        Strong,
        r"(?:나같은|나따위)(?:건|게|애는?|사람은?|놈은?|년은?)?(?:그냥|걍|차라리|빨리)?(?:없어지는게|사라지는게|죽는게|뒤지는게|디지는게|없는게|태어나지말)",
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
    // 자살이 답인 것 같아: death as the only way out (news asks it as a topic).
    ko(
        Hopelessness,
        Strong,
        r"(?:자살|죽음)(?:이|만이|밖에|뿐)?(?:답|해결책|유일한(?:방법|길|탈출구))",
    )
    .topic(),
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
        r"(?:몸|팔|손목|허벅지)에?(?:또|다시|계속)?상처(?:를)?(?:냈|내고|내)",
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
        r"(?:다리|대교|한강다리|철교)(?:위|위에|난간)(?:서|에서|에|야|이야|왔|있|혼자)?|마포대교|한강[가-힣]{0,8}(?:수온|물온도|물이차갑|물차갑)",
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
    // Giving one's things away, a list or a recipient between: 내 물건 다
    // 나눠줌, 내 물건들 하나씩 친구들한테 나눠주고 있어, 옷이랑 책이랑 노트북 다 동생
    // 줬어. (이제 나 없어도 was tried and dropped: a job handed over says it
    // too, and the model reads that as a crisis.)
    ko(
        PlanOrMeans,
        Borderline,
        r"(?:물건|옷|책|굿즈|소지품)(?:들)?[가-힣0-9]{0,12}(?:다|전부|하나씩|싹|몽땅)(?:[가-힣]{1,5}(?:한테|에게|께)|[가-힣]{0,3})(?:나눠주|나눠줬|나눠줌|나눔했|나눔함|줬어|줬다|줬음|줌$)",
    )
    .unless(&[C::Declutter, C::Farewell, C::Escape, C::Task]),
    // Farewells in other words: 남은 사람들한테 연락하라고, 마지막으로 … 이제 가야지,
    // 편지 남겼어 내일 아침에 보시겠지.
    ko(
        PlanOrMeans,
        Borderline,
        r"(?:남은|남겨질|남겨진)(?:사람들?|가족들?)[가-힣]{0,8}(?:연락|미안|부탁|잘지내|위해|한테)|마지막(?:으로)?[가-힣]{0,15}(?:이제가야|이제갈게|이제떠날|이제끝)|(?:편지|메모|쪽지)(?:를|도)?(?:남겼|남겨놨|써놨|써뒀)[가-힣]{0,10}(?:보시겠|보겠지|읽겠지|알겠지|발견)",
    )
    .unless(&[C::Farewell]),
    // Ways of saying one's life is over: 이번 생은 여기까지, 누가 나 좀 데려가줬으면,
    // 존재하는 것 자체가 피곤해, 사는 것 자체에 지쳤어, 세상에서 빠지고 싶다.
    ko(
        PassiveWish,
        Borderline,
        r"이번생은여기까지|(?:누가|누군가)(?:나|날|나를)?(?:좀)?데려가(?:줬으면|주면|줬음)|존재하는(?:것|거)자체가?(?:피곤|지겹|힘들|싫)|사는(?:것|거)자체(?:가|에|가너무)?(?:지쳤|지쳐|피곤|지겹|싫)|세상에서빠지고싶|여기있으면안되는사람",
    )
    .unless(&[C::Task, C::Escape]),
    // Means at hand, asked: 약 다 먹어버릴까.
    ko(
        PlanOrMeans,
        Strong,
        r"(?:약|수면제|알약)[가-힣]{0,10}(?:다|전부|몽땅|한꺼번에)먹어(?:버릴까|버리고싶|버릴래|버릴거)",
    ),
    // How a method works: 질식하면 얼마나 걸려, 손목 그으면 죽는 거 맞아.
    ko(
        PlanOrMeans,
        Strong,
        r"(?:질식|익사|목매|투신|손목그)(?:하면|으면|하는데|을때)[가-힣]{0,8}(?:얼마나|몇분|아파|고통|죽|걸려)",
    ),
    // ----- Korean: methods, means and attempts in the words people use -----
    // Asking how much or how high: 몇 알 먹으면 죽어, 몇 층에서 떨어져야, 치사량,
    // 5층밖에 안 되는데 그 높이면 확실한가요.
    ko(
        PlanOrMeans,
        Strong,
        r"(?:몇알|몇개|얼마나|몇통|몇층|몇미터)[가-힣0-9]{0,12}(?:죽|안깨|못깨|영원히)|[0-9]+층[가-힣0-9]{0,14}(?:뛰|떨어|높이)[가-힣0-9]{0,8}(?:확실(?:한가|할까|하나|하겠)|죽을까|죽나|죽겠지)|(?:그|이|이정도|그정도)높이(?:면|에서)(?:확실(?:한가|할까|하나|해|하겠)|[가-힣]{0,4}죽(?:을까|나|겠지|을수있))|치사량|(?:떨어져야|뛰어내려야|그어야)[가-힣]{0,8}(?:죽|확실|깊)|깊게베|(?:면도칼|커터칼|칼날)[가-힣]{0,12}(?:깊게|깊이|어디(?:를|에)?대)|목(?:을)?매(?:는|달|면|려)|확실하게죽|(?:어디를|어떻게)그어",
    ),
    // Means put aside: 밧줄 사놨어, 수면제 모으고 있어, 커터칼 넣어뒀어 필요할 때.
    ko(
        PlanOrMeans,
        Strong,
        r"(?:밧줄|로프|번개탄|연탄|농약|수면제|약|알약|커터칼|면도칼|칼|청테이프)[을를이가도]?[가-힣0-9]{0,8}(?:사놨|사뒀|사왔|샀|모으|모아|모았|챙겨놨|숨겨|넣어뒀|준비했|준비됐|준비돼|준비완료|구했|주문했)",
    )
    .unless(&[C::Gear, C::Grill, C::Task, C::Cutting]),
    ko(PlanOrMeans, Strong, r"(?:필요할때|혹시몰라서|그때)쓰려고|충분히모였|다챙겨놨|한꺼번에다먹으면"),
    // An attempt made or under way: 수면제 30알 먹었어, 락스 마셨어, 번개탄 피웠어, 목 맸는데.
    ko(
        PlanOrMeans,
        Strong,
        r"(?:수면제|진통제|타이레놀|신경안정제|우울증약)[을를]?(?:다|전부|한통|통째로|한움큼|왕창|몽땅|[0-9]+알|[0-9]+개)(?:다)?(?:먹었|삼켰|털어넣)|(?:약|알약)[을를]?(?:한통|통째로|한움큼|왕창|몽땅|[0-9]+알|[0-9]+개)(?:다)?(?:먹었|삼켰|털어넣)|(?:락스|농약|세제)[을를]?(?:마셨|먹었)|번개탄[을를]?(?:피웠|피워)|목(?:을)?맸",
    ),
    // A poison, or sleeping pills all at once, swallowed, unless a pet or a
    // child swallowed it.
    ko(
        PlanOrMeans,
        Strong,
        poison_swallowed_ko!(),
    )
    .unless(&[C::PetOrChild]),
    // Ten pills or more swallowed, the count before or after the verb.
    ko(PlanOrMeans, Strong, overdose_ko!()).unless(&[C::PetOrChild]),
    // Bleeding that will not stop, unless from a tooth pulled, a nose or an accident.
    ko(
        PlanOrMeans,
        Strong,
        r"(?:^|[^코])피(?:가)?(?:많이|계속|안멈|멈추지)",
    )
    .unless(&[C::Accident]),
    // Attempts and farewells said sideways, as an aside: pills taken with
    // alcohol or many with a wish to sleep; a car filling with smoke; the
    // family away as the time; pills saved instead of taken; a message left
    // to be passed on; the last talk; no tomorrow; thanking everyone while
    // putting things in order. (The attempts are also signs of danger now in
    // severity.rs, which reads urgency, not whether it is a crisis.)
    ko(
        PlanOrMeans,
        Strong,
        r"(?:수면제|약|알약|진통제|신경안정제)[을를이가]?[가-힣]{0,4}(?:술|소주|맥주|와인|양주)(?:이랑|랑|하고|과|에)[가-힣]{0,4}(?:먹었|삼켰|털어넣|마셨)|약[을를]?(?:좀)?(?:많이|잔뜩|왕창)(?:먹었|삼켰)[가-힣]{0,14}(?:별일없|괜찮겠|자고싶|푹자|안깨|어지러|눈이?감|깨지않)|약[가-힣]{0,3}안먹고[가-힣]{0,6}(?:모으|모아|쌓아)|한통(?:다|거의)?(?:참|찼|모였)",
    ),
    ko(
        PlanOrMeans,
        Strong,
        r"차(?:에|안에|안)(?:서)?[가-힣]{0,3}(?:연기|가스|번개탄)",
    )
    .unless(&[C::Outing]),
    ko(
        PlanOrMeans,
        Strong,
        r"(?:엄마|아빠|부모님|가족|다들|식구|룸메)[가-힣]{0,3}(?:출장|여행|외출|집비우|없는|잠들|자는|나가는)[가-힣]{0,6}(?:날|때|밤|동안|틈)(?:에)?(?:할거야|하려고|할래|실행|해야지|하면돼)|(?:나한텐|나한테는|나는|난|나에겐|나에게는)내일이없|내일(?:이|은|도|따윈)(?:없을|안올)(?:거|것)",
    ),
    ko(
        PlanOrMeans,
        Strong,
        r"(?:누가|누군가|나찾는사람)[가-힣]{0,6}(?:물어보면|찾으면|있으면)[가-힣]{0,20}(?:전해줘|해줘|말해줘|부탁)|마지막대화|마지막으로대화|(?:다들|사람들|모두)(?:한테|에게)[가-힣]{0,4}(?:고맙다고|미안하다고)[가-힣]{0,4}(?:하고다|말하고다|인사하고다|하는중|다니)",
    )
    .unless(&[C::Farewell]),
    // Farewells with things put in order: 편지 써놨어, 물건 다 줬어, 유서 (써 놨어,
    // 식탁 위에 두고 나왔어); 먼저 갈게
    // with an apology or love (alone it is everyday leave-taking: 피곤해서 먼저 갈게).
    ko(
        PlanOrMeans,
        Strong,
        r"유서(?:를|을|가|다|써|썼|남|쓰|야|는|도|$)|(?:미안|사랑|고마웠|울지마|잘있어|잘지내)[가-힣]{0,10}먼저(?:갈게|가서|간다)|먼저(?:갈게|가서|간다)[가-힣]{0,10}(?:미안|사랑|고마웠|울지마|슬퍼하지|잘있어|잘지내)|(?:편지|쪽지)[를을]?써놨|물건[가-힣]{0,6}다줬|정리다됐|마지막으로[가-힣]{0,8}(?:말하고|인사|보고)|마지막(?:날|인사|메시지|이야)|맡아줄사람|날짜(?:를)?정했|유서[가-힣]{0,8}(?:두고|놔두|놔뒀|놓고|놓았|놨|올려)",
    )
    .unless(&[C::Farewell, C::Task, C::Workshop])
    .topic(),
    // Arrangements for after one is gone: 나한테 무슨 일 생기면 우리 고양이 좀
    // 부탁해. Borderline: before an operation or a long trip people say the
    // same, and the model may clear it.
    ko(
        PlanOrMeans,
        Borderline,
        r"(?:나한테|나에게|내게)(?:무슨|뭔)?일(?:이)?(?:생기면|있으면|나면)[가-힣]{0,20}(?:부탁|맡아|챙겨|돌봐|키워|데려가)",
    ),
    // A time for it: 오늘 밤에 끝낼 거야, 시험 끝나면 죽으려고, 그때 하려고, 빚 다
    // 갚고 나서 죽을 거야, 휴가 나가는 날 죽을 거임.
    ko(
        PlanOrMeans,
        Strong,
        concat!("(?:", time_for_it_ko!(), r")[가-힣]{0,6}(?:할거야|하려고|할래)"),
    )
    .unless(&[C::Task, C::Routine]),
    ko(
        PlanOrMeans,
        Strong,
        concat!(
            // Not 죽을 거 같아 (「오늘 너무 더워서 죽을 거 같아」).
            "(?:",
            time_for_it_ko!(),
            r")[가-힣]{0,6}(?:끝낼거|끝내려|끝낸다)|(?:",
            time_for_it_ko!(),
            r"|나서|다음에|다음날|지나면|끝나고|퇴근하고|마치고|는날|그날)[가-힣]{0,6}(?:죽으려|죽을(?:거|꺼)(?:야|임|다|에요|예요|라고|거든|니까|$))|내마지막날|내인생(?:의)?마지막|(?:이메시지|이메세지|이글|이말)[가-힣]{0,4}(?:보내고|쓰고|남기고)[가-힣]{0,3}(?:갈게|떠날게|끝낼게|끝낼거|할게)|(?:층|알|개|미터)이면충분|약[을를]?먹었어[가-힣]{0,2}미안|",
            train_awaited_ko!(),
        ),
    )
    .unless(&[C::Parting]),
    // A high or dangerous place now: 한강 다리 위야, 선로 앞에 서 있어, 난간에 걸터앉아,
    // 기찻길 옆에 앉아 있어.
    ko(
        PlanOrMeans,
        Borderline,
        r"(?:다리|대교|옥상|선로|철로|기찻길|기차길|철길|난간|절벽|베란다|낭떠러지|꼭대기|최상층)[가-힣0-9]{0,6}(?:위야|위에있|앞에서있|앞이야|걸터앉|앉아있|서있|와있|올라왔|올라와|내려다보)|바다[가-힣]{0,4}(?:걸어들어|들어가려)",
    )
    .unless(&[C::Outing, C::Commute]),
    // Slang and shortcuts: 죽고 십다, 주거싶다 (죽어 spelled by sound), 현생 하차,
    // 자살각 (Borderline above), ㅈㅅ (normalised to 자살).
    ko(Ideation, Strong, r"죽고십|죽고시퍼|주거싶|주거시퍼|(?:인생|현생|삶|세상)[가-힣]{0,4}하차|(?:인생|현생|삶|생)[을를]?강종|인생강제종료|살고싶지않|사는게지옥"),
    // 오디 is an overdose (OD) when it is done: 오디할까, 오디했어.
    ko(
        PlanOrMeans,
        Strong,
        r"오디(?:할까|하고싶|해버릴|해야겠|하려|할거|할꺼|했어)",
    ),
    // Imagining one's death or funeral; tired of living itself; insurance money left behind.
    ko(
        PassiveWish,
        Borderline,
        r"죽는상상|내장례식(?:엔|에|에는|을|를)?[가-힣]{0,6}(?:누가|올까|오려나|몇명|상상|생각)",
    ),
    ko(
        Hopelessness,
        Borderline,
        r"사는(?:것|게)자체(?:에|가|를|에서)?(?:지쳤|지쳐|지친|싫|버거|고통|힘들|무의미)|(?:지쳤|지쳐|싫어|싫다|버거워|지겨워)[가-힣]{0,3}사는(?:것|게)자체",
    ),
    ko(
        Burden,
        Borderline,
        r"죽으면[가-힣]{0,6}보험금|보험금(?:이라도)?(?:남기|받게해|타게해)|자살[가-힣]{0,4}보험(?:금)?(?:나와|나오|받을수|돼|되)",
    ),
    // A crash made to pass for an accident: 가드레일 박아버리면 사고로 처리되겠지.
    ko(
        PlanOrMeans,
        Strong,
        r"(?:박|받|부딪치|부딪히|처박)[가-힣]{0,3}(?:버리|불|뿌)면[가-힣]{0,12}사고(?:로|처럼|사)",
    ),
    // 살기 싫어 — unless it is where to live (서울 살기 싫어).
    ko(Ideation, Strong, r"살기싫").unless(&[C::Residence, C::Task]),
    // Wanting to vanish, being a burden, no way out, stopping.
    ko(
        PassiveWish,
        Borderline,
        r"사라지고싶|없어지고싶|없어지면[가-힣]{0,6}(?:편|나을|좋)|없는게(?:오히려|차라리|더|훨씬)?(?:나|도와|도움|편)|짐밖에|짐이(?:될|돼|되)|출구가없|이제그만하고싶|그만살고|영원히(?:자고|잠들|눈감)|안깨어났으면|눈(?:을)?안떴으면|태어나지말",
    )
    .unless(&[C::Escape, C::Embarrassment, C::Task, C::Luggage]),
    // The past coming back: 예전에 시도한 적 있는데 또, 흉터 보면서 또 긋고 싶다.
    ko(
        SelfHarm,
        Strong,
        r"(?:시도한적|시도했었|응급실)[가-힣]{0,20}(?:또|다시|요즘|그때처럼)|또긋고|다시긋고|긋고싶",
    ),
    // An attempt survived and regretted: 병원에서 눈 떴을 때 실패했네, 경찰이
    // 안 잡았으면 고생 안 할 텐데; and, of a try, 두 번 실패했으니 세 번째는 제대로.
    ko(
        SelfHarm,
        Strong,
        r"(?:눈떴|눈을떴|깨어났|깨어나보니|깨보니|눈떠보니|정신차려보니)[가-힣0-9]{0,15}(?:실패|살아있|또살았|왜살았|안죽었|못죽었)|(?:안잡았으면|안말렸으면|안구했으면|안살렸으면|못찾았으면|발견못했으면|구조안됐으면|신고안했으면)[가-힣]{0,15}(?:고생|끝났|편했|좋았|없었|안할텐|안했을)",
    ),
    ko(
        SelfHarm,
        Borderline,
        r"(?:[두세네몇]번|또|이번에도)(?:이나)?실패[가-힣]{0,12}(?:제대로|확실히|확실하게)",
    )
    .unless(&[C::Task]),
    // At a dangerous place without the nerve yet (다리 위 30분째, 용기가 안 나),
    // or where a window opens at the top.
    ko(
        PlanOrMeans,
        Strong,
        r"(?:다리|대교|옥상|난간|한강|철로|선로|철길|꼭대기|최상층|창문|베란다|절벽|낭떠러지)[가-힣0-9]{0,24}(?:용기가?(?:안나|안생|없)|뛸용기|발이안떨어)|(?:꼭대기|최상층|옥상)[가-힣0-9]{0,12}(?:창문|창|문)이?(?:열리|열려)",
    )
    .unless(&[C::Outing, C::Leap, C::Task]),
    // A farewell to be read later: 이거 읽을 때쯤이면 난 없을 거야.
    ko(
        PlanOrMeans,
        Strong,
        r"(?:읽을|볼|들을|받을|확인할)때(?:쯤|즈음)?(?:이면|엔|에는|에|면)?[가-힣]{0,6}(?:없을|없겠|떠났|세상에없|여기없)",
    ),
    // Pills bought a little at a time so no one notices: 약국 여러 군데 돌면서.
    ko(
        PlanOrMeans,
        Strong,
        r"약국[가-힣0-9]{0,10}(?:돌면서|돌아다니|돌아서|나눠서)[가-힣0-9]{0,10}(?:수면제|진통제|타이레놀|약)[가-힣0-9]{0,6}(?:샀|사모|모으|모았|사왔)|(?:수면제|진통제|타이레놀)[가-힣0-9]{0,10}(?:약국|군데)[가-힣0-9]{0,10}(?:나눠|돌면서|돌아서)|(?:안들키게|눈치못채게|의심안하게|티안나게)[가-힣0-9]{0,10}(?:수면제|진통제|타이레놀|약을|약)",
    ),
    // No one would notice: 아무도 나 없어진 거 모를걸.
    ko(
        PassiveWish,
        Strong,
        r"(?:아무도|누구도)[가-힣]{0,6}(?:없어진|사라진|죽은|죽어도|없어져도|사라져도)[가-힣]{0,4}(?:모를|모르겠|신경안|눈치못|상관안)",
    ),
    // A psychiatric ward left with nothing changed.
    ko(
        SelfHarm,
        Borderline,
        r"(?:정신병동|폐쇄병동|정신과병동)[가-힣]{0,10}(?:퇴원|나왔)[가-힣]{0,15}(?:그대로|달라진|똑같|여전히|또)",
    ),
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
        r"\b(?:want|wanna|wanted|would like|need) to die\b|\b(?:most|part|half|a big part|every part|all) of me (?:still |just |really )?wants to die\b|\bwish (?:i was|i were|to be|i could be) dead\b|\bwish i could die\b|\bbetter off dead\b",
    )
    .unless(&[C::Idiom])
    .hyperbole(&[C::Embarrassment]),
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
    )
    .unless(&[C::Parting]),
    en(Ideation, Strong, r"\b(?:just |please |pls )?let me die\b")
        .unless(&[C::Idiom])
        .hyperbole(&[C::Embarrassment]),
    // Internet shorthand for "kill myself": as often a groan as a cry.
    en(Ideation, Borderline, r"\bkms\b"),
    // Leaving life as a game: "i need to exit this game called life".
    en(
        Ideation,
        Strong,
        r"\b(?:exit|quit|leave|log out of|log off|uninstall) (?:this |the )?game called life\b",
    ),
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
    .unless(&[C::Task, C::Parting]),
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
        r"\bi(?:'m| am| feel like) (?:just |such |only )?a (?:burden|waste of space)\b|\bi'm (?:just )?in everyone's way\b",
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
    en(SelfHarm, Borderline, r"\boverdos(?:e|ed|ing)\b").unless(&[C::Treat, C::Task]),
    // ----- English: means, places, preparations, farewells -----
    // Arrangements for after one is gone: "if anything happens to me,
    // please look after my dog". Borderline, as in Korean.
    en(
        PlanOrMeans,
        Borderline,
        r"\bif (?:anything|something) (?:ever )?(?:happens|were to happen|should happen) to me\b[^.?!]{0,40}\b(?:take care of|look after|feed|adopt|take in)\b",
    ),
    en(
        PlanOrMeans,
        Strong,
        concat!(
            r"\b(?:saving|stockpiling|hoarding|collecting|saved|stockpiled|hoarded|collected) (?:up )?(?:my |some |all (?:of )?(?:my |the )?|a bunch of )?(?:",
            medicines_en!(),
            r")\b|\btake (?:all|a whole bottle|the whole bottle) (?:of )?(?:my |the |these |those )?(?:pills|meds|sleeping pills|painkillers)\b|\bswallow(?:ed)? (?:all|a bottle of|the whole bottle of) (?:my |the )?(?:pills|meds)\b",
        ),
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
    // Gone by morning: leaving for a trip says it too, so the emotion decides.
    en(
        PassiveWish,
        Borderline,
        r"\bi'll be gone (?:before|by) (?:the )?(?:morning|tomorrow|dawn|sunrise|daybreak|the weekend)\b|\bi won't (?:be here|be around|wake up) (?:tomorrow|by morning|much longer)\b",
    ),
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
    // Giving one's things to people ("giving my guitar and my xbox to my
    // little brother"), and what to do for them when the writer is gone ("if
    // i stop showing up can someone feed my cat").
    en(
        PlanOrMeans,
        Borderline,
        r"\b(?:giving|gave|give) (?:away )?(?:all )?my (?:\w+ ){1,3}and my (?:\w+ ){1,2}to\b|\b(?:giving|gave|give) (?:away )?all (?:of )?my (?:\w+ ){1,3}to\b|\bif i (?:stop showing up|disappear|go quiet|stop answering|don't come back|never come back|go missing|stop posting)\b[^.]{0,60}\b(?:feed|look after|take care of|tell|thank|give|let)\b",
    )
    .unless(&[C::Declutter]),
    // "gave my dog to my neighbor": borderline, as "gave my old phone to my
    // mom" says it too; a sale beside it ("sold my bike, gave my dog …") is
    // no clear-out here.
    en(PlanOrMeans, Borderline, r"\bgave my [a-z ]{1,30} to my\b").unless(&[C::Farewell]),
    // Farewells in other words: "signing off for good", "if anyone reads this",
    // "it wasn't anyone's fault", "it's over for good".
    en(
        PlanOrMeans,
        Strong,
        r"\b(?:signing|logging|checking|clocking) off (?:for good|permanently|forever|for the last time)\b",
    ),
    en(
        PlanOrMeans,
        Borderline,
        r"\bif (?:anyone|someone|you) (?:reads?|finds?|is reading|are reading|sees?) this\b|\b(?:wasn't|isn't|was not|is not) (?:anyone's|anybody's|your) fault\b|\b(?:over|done|gone) for good\b|\b(?:the )?big sleep\b|\bnot be anything\b",
    )
    .unless(&[C::Farewell, C::Task]),
    // A time for it: "3am. that's when i'll do it", "gonna do it after work today".
    en(
        PlanOrMeans,
        Borderline,
        r"\bthat's when i'll do it\b|\b(?:i'll|i will|i'm gonna|im gonna|i'm going to|gonna) do it (?:tonight|today|after (?:work|school|class|this|they|everyone)|on (?:the|my|his|her)|at \d|before|this (?:weekend|week))\b",
    )
    .unless(&[C::Task, C::Routine]),
    // Ending it when a shift, a class or a day's work is over: the task is
    // the time, not what is ended, so the Task context that sets aside "end
    // it" does not apply ("after this shift i'm going to end it"; not "…
    // end it with him").
    en(
        PlanOrMeans,
        Strong,
        r"\b(?:after|once|when) (?:this |my |the |today's )?(?:shift|work|class|school|exams?|finals)(?: (?:is|are) (?:over|done)| ends| tonight| today)? ,? ?(?:i'm (?:going to|gonna|about to) end|i'm ending|i'll end|i will end) (?:it all|it|everything)(?: (?:tonight|today|for good|once and for all|for real))?(?: ,|$)",
    ),
    // How a method works, asked: "what height is guaranteed to be fatal",
    // "will my insulin kill me if i take all of it", "drowning is peaceful".
    en(
        PlanOrMeans,
        Strong,
        r"\b(?:guaranteed|enough|certain|sure) to (?:be )?(?:fatal|die|kill)\b|\b\d+(?:st|nd|rd|th)? floor enough\b|\bkill me if i (?:take|drink|mix|swallow)\b|\bif i (?:take|drink|mix|swallow)\b[^.?]{0,60}\b(?:will|would|could) (?:it|that|this|they) kill me\b|\bdrowning (?:is )?peaceful\b|\b(?:hanging|drowning|jumping) or (?:hanging|drowning|jumping)\b|\bcan a train kill\b",
    ),
    en(
        PlanOrMeans,
        Borderline,
        r"\b(?:holding|have|got) (?:the |a )?(?:knife|blade|razor|noose) (?:right now|in my hand|rn)\b",
    )
    .unless(&[C::Accident]),
    // ----- English: the words people use -----
    en(Ideation, Strong, r"\b(?:want|wanna|wish) (?:to )?(?:be|was|were) dead\b|\bi want to dye\b|\bwanna dye\b"),
    en(
        Ideation,
        Strong,
        r"\b(?:kms|kys myself|unalive (?:myself|me)|off myself|sewerslide|sewer slide|ctb|catch the bus|end it all|end it)\b",
    )
    .unless(&[C::Task, C::Treat, C::Parting]),
    en(
        PassiveWish,
        Borderline,
        r"\b(?:being here (?:much |any )?longer|disappear forever|no way out|i'm done|what's (?:even )?the point|not be(?:ing)? (?:here|around) (?:much longer|anymore)|won't be around|stopped being a problem|stop being a problem|(?:won't|wont|will not) be (?:anyone's|anybody's|everyone's|your|a) (?:problem|burden) (?:for )?(?:much longer|anymore|soon|long))\b",
    )
    .unless(&[C::Task, C::Escape]),
    // Not minding an accident, wondering about one's own funeral.
    en(
        PassiveWish,
        Borderline,
        r"\bif (?:the|my|a) (?:plane|car|bus|train|flight) (?:went down|crashed|crashes|goes down|hit me)\b[^.]{0,40}\b(?:wouldn't (?:even )?mind|wouldn't care|would be (?:fine|relieved|a relief))\b|\bwouldn't (?:even )?mind (?:dying|not waking up|if i died|if i didn't wake up|getting hit)\b|\bwho would (?:even )?(?:come|show up) to my funeral\b|\b(?:think|thinking|planning|plan) (?:about )?my (?:own )?funeral\b",
    ),
    // Death as the only way out or as relief; no more fighting it.
    en(
        PassiveWish,
        Strong,
        r"\b(?:only|no) way out (?:is |but |except |other than )?(?:dying|death|to die|suicide)\b|\b(?:death|dying) (?:feels|sounds|seems|would (?:feel|be)) like (?:a |such a )?(?:relief|peace|rest|freedom|mercy)\b|\bnot (?:afraid|scared) of (?:death|dying) anymore\b|\bnot (?:going to|gonna) fight (?:it|this) anymore\b",
    )
    .unless(&[C::Task]),
    // The same in English: a hanging that failed, pills with alcohol, a
    // message left about a pet or for someone, the last talk.
    en(
        PlanOrMeans,
        Strong,
        r"\bknot slipped\b|\bkicked (?:over )?the chair\b|\bchair (?:got )?kicked (?:over|away)\b|\b(?:took|downed|swallowed|had)\b[^.]{0,25}\b(?:pills|meds|tablets|xanax|benzos)\b[^.]{0,20}\b(?:with|and) (?:a bottle of |some |the |half a bottle of )?(?:vodka|wine|whiskey|alcohol|booze|liquor|soju)\b|\bif (?:anyone|someone|somebody) asks\b[^.]{0,60}\b(?:my (?:cat|dog|pet|plants?|kids?)|tell (?:them|her|him|my))\b",
    ),
    en(
        PlanOrMeans,
        Strong,
        r"\b(?:our|my) last (?:chat|conversation|talk)\b",
    )
    .unless(&[C::Farewell]),
    // Asking not to be stopped, the notes written: a plan made.
    en(
        PlanOrMeans,
        Strong,
        r"\b(?:don't|do not|dont) (?:try to )?(?:talk|stop) me(?: out of it)?\b|\bmade (?:my )?peace with (?:it|dying|death|my decision)\b|\b(?:the |my )?notes? (?:is|are) (?:written|done|ready)\b",
    )
    .unless(&[C::Task, C::Leap]),
    // Life insurance as a reason: "at least she'd get the life insurance".
    en(
        Burden,
        Borderline,
        r"\blife insurance\b[^.]{0,60}\b(?:suicide|kill myself|if i die|if i died|when i'm gone|after i'm gone)\b|\b(?:suicide|kill myself)\b[^.]{0,40}\blife insurance\b|\b(?:she'd|he'd|they'd|she would|he would|they would|family would|kids would) (?:at least )?get (?:the|my) (?:life )?insurance\b",
    ),
    // A death made to pass for an accident: "life insurance pays double if
    // it's an accident", "make it look like an accident".
    en(
        PlanOrMeans,
        Strong,
        r"\blife insurance\b[^.]{0,60}\b(?:if|when|as long as) (?:it's|its|it is|it was|it looks like|it looked like) (?:an |a car )?accident\b|\b(?:make|made|making) it look like an accident\b",
    ),
    en(
        PlanOrMeans,
        Strong,
        r"\b(?:how much [a-z]+ (?:would be|is) lethal|lethal (?:dose|amount)|painless way to die|high enough to (?:definitely )?die|bleed out|does hanging hurt|hang myself|nobody would stop me|to not wake up)\b",
    ),
    // Unless it is a dose for an illness: "how many mg of tylenol can I take
    // while breastfeeding".
    en(PlanOrMeans, Strong, r"\bhow many (?:pills|tablets|mg)\b").unless(&[C::Dosing]),
    en(
        PlanOrMeans,
        Strong,
        r"\b(?:stockpiled|stockpiling|saving up|saved up|kept them all|hidden under|bought (?:a )?rope|razor blades|enough (?:of my )?(?:meds|pills))\b|\bknow the code\b|\bnot for camping\b|\bi know what i'm going to do\b",
    )
    .unless(&[C::Gear]),
    // A poison swallowed: "drank bleach", "consumed rat poison half hour back",
    // unless a pet or a child swallowed it.
    en(
        PlanOrMeans,
        Strong,
        r"\b(?:drank|drunk|consumed|swallowed|ate|eaten|took|taken|had|downed|chugged|gulped|ingested)\b[^.?]{0,25}\b(?:bleach|rat poison|poison|antifreeze|pesticide|weed ?killer|insecticide|cyanide|drain cleaner|paraquat)\b",
    )
    .unless(&[C::PetOrChild]),
    // Charcoal bought, with tape or in a car: the means of carbon monoxide,
    // unless it is for a barbecue or a party.
    en(
        PlanOrMeans,
        Strong,
        r"\bbought charcoal\b|\bcharcoal\b[^.?]{0,40}\b(?:duct )?tape\b|\b(?:duct )?tape\b[^.?]{0,40}\bcharcoal\b|\bcharcoal\b[^.?]{0,30}\b(?:in|into) (?:my|the) (?:car|trunk)\b",
    )
    .unless(&[C::Outing]),
    en(
        PlanOrMeans,
        Strong,
        concat!(
            r"\b(?:swallowed|downed) (?:like |about |all |every |everything|them all|\d+)[^.]{0,30}|\btook them all\b|\bcut too deep\b|\bwon't stop bleeding\b|\bbleeding a lot\b|\btried to hang\b|\btried to jump(?: (?:off|from) (?:the |a |my )?(?:bridge|roof|rooftop|building|ledge|balcony|window|cliff|overpass)| but\b| and (?:failed|couldn't)|[.,!]|$)|\bdid it\b",
            // Took many of something that can kill: not "the bus took about
            // 40 minutes", "took 3 photos", "took 2 advil for my headache".
            r"|\b(?:took|taken) (?:like |about |almost |nearly |all |every |everything|a bunch of |a handful of |(?:[5-9]|\d{2,})\b)[^.]{0,30}\b(?:",
            medicines_en!(),
            r"|bottle|pack|packet|box|strip|handful|cabinet|cupboard|drawer|of (?:my|them|those|these|it|the))\b",
        ),
    )
    .unless(&[C::Accident, C::Treat, C::Task]),
    en(
        PlanOrMeans,
        Strong,
        r"\b(?:thanks for everything|goodbye everyone|tying up loose ends|when they find me|last time i'll (?:talk|speak)|wrote letters? for|say bye properly|ending it|i'm doing it(?: tonight| today| now| rn)?$|finally do it|how many (?:pills|tablets|mg|tylenol|advil|ibuprofen|paracetamol|sleeping pills|meds|units) (?:does|would|will) it take|none of this will matter|that's it for me|won't be around anymore)\b",
    )
    .unless(&[C::Farewell, C::Parting]),
    en(
        PlanOrMeans,
        Borderline,
        r"\b(?:on the (?:bridge|ledge|roof|tracks)|roof of my building|edge (?:of the cliff|deciding)|waiting for the express|not going back inside|looking down at the water)\b",
    )
    .unless(&[C::Outing, C::Leap]),
    en(
        PlanOrMeans,
        Strong,
        r"\b(?:walk(?:ing)? into the (?:water|sea|ocean)|not come back|not coming back|should have finished it|scared it's happening again|(?:feel|feeling) myself slipping)\b",
    ),
    en(
        SelfHarm,
        Strong,
        r"\b(?:attempted|an attempt|tried once|hospitalized)\b[^.]{0,60}\b(?:back|again|slipping|should have finished)\b|\b(?:relapse[ds]?|urge to cut)\b",
    ),
    // Asking whether a lethal method works or hurts: "does carbon monoxide in a
    // closed garage actually work", "would hanging hurt", "does running the car
    // in a closed garage work fast", "would jumping from a 6th floor balcony be
    // fatal or could i survive it", "does jumping from 5 floors actually kill
    // you" (jumping only: whether a fall kills you is asked about accidents).
    en(
        PlanOrMeans,
        Strong,
        r"\b(?:does|do|would|will|is|can|could|how (?:long|fast|quickly))\b[^.?]{0,50}\b(?:hanging|carbon monoxide|co poisoning|charcoal|helium|car exhaust|slitting|slit (?:my )?wrists?|drowning|(?:(?:running|leaving) (?:the|a|my) (?:car|engine)(?: on| running)?|(?:car|engine) running) in (?:a|the|my) (?:closed |shut |locked )?garage)\b[^.?]{0,40}\b(?:work|works|hurt|hurts|painful|kill|kills|fatal|lethal|take)\b|\b(?:would|will|does|is|can|could)\b[^.?]{0,50}\b(?:jumping|falling) (?:off|from)\b[^.?]{0,50}\b(?:fatal|lethal|kill me|survive|be enough)\b|\b(?:would|will|does|is|can|could)\b[^.?]{0,50}\bjumping (?:off|from)\b[^.?]{0,50}\bkill (?:you|a person|someone)\b",
    ),
    // An engine left running in a shut space: "sits in the truck in the barn
    // with the engine running". Borderline: warming a car up is ordinary.
    en(
        PlanOrMeans,
        Borderline,
        r"\bengine(?:'s| is)? (?:running|on)\b[^.]{0,30}\b(?:garage|barn|shed)\b|\b(?:garage|barn|shed)\b[^.]{0,30}\bengine(?:'s| is)? (?:running|on)\b",
    ),
    // Which way to cut a wrist or an arm: "down the arm, not across".
    en(
        PlanOrMeans,
        Strong,
        r"\b(?:wrists?|arms?|veins?)\b[^.?]{0,20}\b(?:vertically|lengthwise|down the (?:arm|wrist|vein)|along the (?:arm|wrist|vein))\b",
    )
    .unless(&[C::Accident, C::Cutting]),
    // The same asked as a choice with nothing named: "is it faster to cut
    // vertically or across?" — strong, as the model reads it as nothing;
    // food, hair, wood or an accident in the sentence explain it away.
    en(
        PlanOrMeans,
        Strong,
        r"\bcut(?:ting)? (?:vertically|horizontally|lengthwise|down(?:wards)?|across|sideways)\b[^.?]{0,12}\b(?:or|vs\.?|versus|instead of)\b[^.?]{0,12}\b(?:vertically|horizontally|lengthwise|down(?:wards)?|across|sideways)\b",
    )
    .unless(&[C::Accident, C::Cutting]),
    // Means at hand now: "60 of my antidepressants lined up", "the blade is in my hand".
    en(
        PlanOrMeans,
        Strong,
        r"\b(?:pills|antidepressants|meds|tablets|sleeping pills|painkillers|blade|razor|noose)\b[^.]{0,30}\b(?:lined up|in my hand|laid out|counted out|in front of me|ready to go|all ready)\b|\b\d+ of my (?:pills|meds|antidepressants|sleeping pills|painkillers|tablets)\b",
    ),
    // An overdose of insulin: "injected all my insulin at once".
    en(
        PlanOrMeans,
        Strong,
        r"\b(?:injected|shot up|took) (?:all|the whole|every|my whole|\d+)\b[^.]{0,20}\b(?:insulin|units)\b",
    ),
    // Come somewhere to jump: "i came here to jump".
    en(
        Ideation,
        Strong,
        r"\b(?:came|come|went|drove|walked|climbed) (?:up |out )?(?:here |there )?to jump\b|\bhere to jump\b",
    )
    .unless(&[C::Leap]),
    // Slang: "might just yeet myself off the parking deck".
    en(
        Ideation,
        Borderline,
        r"\byeet(?:ing)? my ?self (?:off|from|out (?:of )?(?:a |the )?window|into traffic|in front)\b",
    ),
    // An attempt survived and regretted (not explained by work: "didn't
    // work"); next time done right; a psychiatric ward left unchanged.
    en(
        SelfHarm,
        Strong,
        r"\bwoke up (?:in|at) (?:the )?(?:hospital|er|icu|emergency)\b[^.]{0,40}\b(?:failed|disappointed|still alive|didn't work|wish i hadn't)\b|\bif (?:they|he|she|someone|nobody|no one|my \w+) (?:hadn't|had not|didn't|did not|never) (?:found|stopped|saved|caught|called)\b[^.]{0,30}\bme\b[^.]{0,40}\b(?:over|done|dead|gone|better|peace)\b",
    ),
    en(
        SelfHarm,
        Borderline,
        r"\bnext time i'?ll (?:do it right|make sure|get it right|finish it)\b",
    )
    .unless(&[C::Task]),
    en(
        SelfHarm,
        Borderline,
        r"\b(?:discharged|released|let out|got out)\b[^.]{0,20}\b(?:psych|psychiatric|mental health) (?:ward|unit|hospital)\b|\b(?:psych|psychiatric) (?:ward|hold|unit)\b[^.]{0,40}\b(?:nothing changed|nothing's changed|still the same|again)\b",
    ),
    // At a dangerous place without the nerve yet; a farewell to be read
    // later; not needing things "where i'm going".
    en(
        PlanOrMeans,
        Strong,
        r"\b(?:bridge|roof|rooftop|ledge|edge|tracks|railing|cliff|balcony)\b[^.]{0,40}\b(?:can'?t|cannot|couldn'?t|don'?t|didn'?t|haven'?t) (?:find |get |work up |muster )?(?:the )?(?:nerve|courage|guts)\b",
    )
    .unless(&[C::Outing, C::Leap]),
    en(
        PlanOrMeans,
        Strong,
        r"\bby the time (?:you|anyone|someone|somebody|they) (?:read|reads|see|sees|get|gets|find|finds) this\b|\b(?:won'?t|don'?t|will not|do not) need (?:it|them|this|that|these|those|any of (?:it|this|them)|\w+(?: \w+)?) where i'?m going\b",
    )
    .unless(&[C::Escape, C::Farewell]),
    // Pills bought across shops so no one notices.
    en(
        PlanOrMeans,
        Strong,
        r"\b(?:\d|two|three|four|several|different|diff|multiple|a few)\b[^.]{0,12}\b(?:pharmacies|chemists|drugstores)\b[^.]{0,60}\b(?:pills|paracetamol|tylenol|ibuprofen|painkillers|notice|suspicious)\b|\bso (?:they|no one|nobody|the pharmacist|the cashier) (?:wouldn'?t|won'?t|doesn'?t|didn'?t) (?:notice|ask|suspect|get suspicious)\b[^.]{0,40}\b(?:pills|paracetamol|tylenol|painkillers|meds)\b",
    ),
    // Cutting slang: to the beans, styro.
    en(
        SelfHarm,
        Strong,
        r"\b(?:to|hit|reached|at) (?:beans|styro|styrofoam)\b",
    ),
    // A day chosen: "i've picked friday".
    en(
        PlanOrMeans,
        Borderline,
        r"\b(?:picked|chosen|chose|decided on) (?:a |the |my )?(?:date|day|friday|monday|tuesday|wednesday|thursday|saturday|sunday)\b",
    )
    .unless(&[C::Task, C::Routine, C::Escape, C::Farewell, C::Outing]),
    // ----- English: asking for a crisis line -----
    en(
        HelpSeeking,
        Strong,
        r"\b(?:what's|what is|need|give me|tell me|looking for|is there|where can i (?:find|call|get)|number (?:for|of)|call)\b[^.?!]{0,40}\b(?:suicide|crisis) (?:prevention )?(?:hot ?line|help ?line|line)\b",
    ),
];

// ---------------------------------------------------------------------------
// Markers that decide whose words these are and in what mood.
