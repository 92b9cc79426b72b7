//! Word lists and markers: who is speaking (first, second, other person),
//! reported speech, negation, topics of talk, deaths, despair, recovery.
//! Data only; compiled once in `super`.

/// A phrase followed by reported speech is someone else's: 죽고 싶대, 죽고 싶어 해, 자해했대.
pub(super) const KO_REPORTED: &str =
    r"^(?:대|래|다더|다네|다던데|어하|어해|어했|어한|해하|했대|한대|했었대|하더라고|했다더)";
/// A quoted wish: 죽고 싶다고 (했어).
pub(super) const KO_QUOTED: &str = r"^(?:(?:다|어|아)(?:고|라고)|라고)";
/// A phrase describing people: 죽고 싶은 사람, 자해하는 친구.
pub(super) const KO_RELATIVE: &str = r"^(?:하는|한|했던|하던|하려는|은|는|던|다는|단|려는)(?:사람|분|친구|애|이들|환자|학생|경우|청소년|아이|연예인)";
/// A phrase negated right after it.
pub(super) const KO_NEGATION: &str = concat!(
    r"^(?:",
    // Nothing there: 없어, 안 들어.
    r"(?:은|는|이|도|까지는|까진)?(?:없|안들)",
    // Not that: 죽고 싶은 건 아니야, 죽겠다는 게 아니라 힘들다는 거야, 그런 말은 아니고.
    r"|(?:은|는|이|가|다는|단)?(?:건|게|거)?(?:아님|아냐|아니야|아니에요|아닙니다|아니라|아니고|아니거든|아니었)",
    r"|[가-힣]{0,4}?(?:다는|는|은|단)(?:건|게|거)(?:아니라|아니고|아님|아냐|아니야|아니거든|다르|달라)",
    r"|(?:은|는|다는|단)(?:건|게|거|말은|말이|말|뜻은|뜻이|뜻)아니",
    // A thought, an urge or a plan, not at all or never: 죽고 싶다는 생각은 전혀 없어, 할 생각 없어,
    // 자살 충동은 한 번도 든 적 없어, 그럴 생각도 없어.
    r"|(?:할|하는|을|를)?(?:생각|마음|맘|계획)?(?:은|는|이|가|도|까지는|까진|같은건|같은거|그런건|그런거)?(?:전혀|절대|별로|딱히|하나도|진짜|정말|1도|일도)(?:없|안들|안해|안함|안할|들지않|하지않)",
    r"|(?:할|하는)(?:생각|마음|맘|계획)(?:은|는|이|가|도)?(?:없|안들|안해|안함|안할|들지않)",
    r"|(?:하고싶|고싶|싶)?(?:다는|단|은|인|는|을)(?:생각|마음|맘)(?:은|까지는|까진|이|은절대)?(?:한번도|절대|전혀|하나도|조금도|1도|일도|이제|이젠|더는|더이상)?(?:안|없|들지않|안들)",
    r"|(?:겠|었)?(?:다는|단|은|는|인|을|할|하는|한)?(?:생각|마음|맘|계획|충동|의도)(?:은|는|이|가|도|까지는|까진)?(?:한번도|단한번도|전혀|절대|1도|일도|하나도|조금도|진짜|정말|딱히|별로|아예)*(?:해본|가져본|해봤던|든|한)?(?:적)?(?:은|이|도)?(?:한번도|전혀|절대)*(?:없|안해|안했|안함|안할|안들|안해봤|들지않|하지않|아니)",
    r"|[가-힣]{0,12}?그럴(?:생각|마음|계획)(?:은|도|까지는)?(?:전혀|절대)?없",
    // Never done or said: 죽고 싶다고 한 적 없어, 해 본 적 없어.
    r"|(?:다고|라고)(?:한|말한)적(?:은|이|도)?없",
    r"|(?:인|은|는|을|할)?(?:생각|마음|맘|계획)?(?:은|는|이|도)?(?:한번도|단한번도|평생)?(?:해본|가져본|먹어본|해봤던|들어본)?적(?:은|이|도)?(?:없|한번도없)",
    r"|(?:한|할)(?:적|생각|일)(?:은|이|도)?없",
    // Things of that kind not done, or not meant: 그런 건 안 해, 죽고 싶다거나 그런 건
    // 아니었어, 극단적 선택 그런 거 아예 생각 없어.
    r"|(?:다|라)?(?:거나|든가|든지)?(?:같은|그런)(?:건|거|것)(?:은|는)?(?:전혀|절대|1도|하나도)?(?:안해|안함|안할|안들|없|아니|아냐|아님)",
    r"|(?:같은|그런)(?:건|거|것)(?:은|는)?(?:아예|전혀|절대|1도|하나도)?(?:생각|마음)(?:은|도|조차)?(?:없|안들|안해)",
    // Said, then called a joke: 뛰어내리고 싶다고 한 건 농담이었어.
    r"|(?:다고|라고)(?:한|말한|했던)(?:건|거|게)(?:그냥|다)?(?:농담|장난|뻥|거짓말)",
    // A verb negated: 죽고 싶지 않아, 하지 않아.
    r"|(?:지|진|지는|지도|지가|지만은)않",
    r"|(?:하지|하진)않",
    // Not doing it, not any more: 자해는 안 해, 이제 안 해, 다시는 안 할 거야.
    r"|(?:은|는|을|를|도|까지는|까진)?(?:안|절대안)(?:해|할|했|하)",
    r"|(?:는|은)?(?:건|거|게)?(?:이제|더는|더이상|다시는)(?:안|절대안)(?:해|할|함)",
    // Not either of them: 자해나 자살 생각은 없었어; asked, and answered no: 자살 생각
    // 있냐고 물으면 없어, 자해하냐고 물어보는데 진짜 안 해; a rhetorical question:
    // 죽을 생각 하는 줄 아나.
    r"|(?:나|이나|랑|이랑|하고)[가-힣]{0,8}?(?:생각|충동)(?:은|는|이|도)?(?:없|안들|안했)",
    r"|[가-힣]{0,6}?(?:있냐고|있냐|있니|하냐고|하냐|했냐고|하는지)[가-힣]{0,8}?(?:없어|없음|없다|없지|아니|아냐|노노|안해|안함|안했|안한다)",
    r"|[가-힣]{0,4}?(?:하는|할)줄(?:아나|아냐|아니)",
    // Not even thought of: 자해 같은 건 생각도 안 해봤어.
    r"|(?:같은|그런)(?:건|거|것)(?:은)?(?:생각|마음)(?:도|은|조차)?(?:안|못)(?:해|했|함|들)",
    // A mark that is not one: 자해 흔적 아니야.
    r"|(?:흔적|자국)(?:은|이|가)?(?:아니|아냐|아님)",
    r")",
);
/// Negations that keep the phrase: a negation of a negation
/// (`죽고 싶다는 생각 안 한 날이 없어`), or of joking (`죽고 싶다 웃는 거 아님`,
/// `장난 아니고`), or a stretch without it that has ended (`자해 안 했었는데
/// 요즘 다시 하고 싶어`).
pub(super) const KO_DOUBLE_NEGATION: &str = r"^(?:(?:은|는|을|를)?안(?:했|한)[가-힣]{0,20}?(?:다시|또)(?:하고싶|하고파|할것같|할거같|하게|했|시작|손)|(?:다고|라고)(?:한|말한|했던)(?:건|거|게)(?:그냥)?(?:농담|장난|뻥|거짓말)(?:이|가)?(?:아니|아냐|아님)|[가-힣]{0,4}?(?:않은|아닌|없는)척|[가-힣]{0,8}?(?:안|않|못)[가-힣]{0,3}(?:날|적|때|순간)(?:이|은|도|가)?(?:없|업|하루도없)|없지(?:는|도)?않|없진않|없는건아니|(?:lol)?[가-힣]{0,3}?(?:웃|장난|농담|뻥|구라)[가-힣]{0,3}?(?:거|게|건)?(?:아님|아냐|아니야|아니고|아니라|아니거든|아닌데|아니에요))";
/// The phrase explained away later in its sentence: `…사라지고 싶다 싶은데 그런 의미는 아니고`.
pub(super) const KO_EXPLAINED_AWAY: &str =
    r"그런(?:의미|뜻|말|생각)(?:는|은|이|가|로|으로)?(?:아니|한거아니|한게아니)";
/// A question answered no in the next sentence: `극단적인 선택? 그런 거 안 해`,
/// `자살? 절대 안 해`. A bare 아니 is not enough (it also starts "no, really…"),
/// nor a 안 before something else (`그런 거 안 무서워`).
pub(super) const KO_ANSWERED_NO: &str = r"^(?:아니|아뇨|아니요)(?:한번도|전혀|절대|없어|없음|없었)|^(?:아니|아뇨)?(?:요즘은|이제는|지금은|요즘|이젠)(?:전혀)?(?:없어|없음|없다|없습니다)|^(?:아니|아뇨|노)?(?:그런거|그런건|그런짓|그런생각|그런마음)(?:은|는|도)?(?:절대|전혀|1도|하나도)?(?:안해|안함|안할|안들|없어|없음|없다|없고|들지않)|^(?:절대|전혀)(?:안해|안함|안할|아님|아냐|아니야|없어|없음)";
/// A denial taken back in a later sentence: `자해 안 했어. 사실 했어`,
/// `괜찮다고 했지. 거짓말이야`, "i'm not suicidal. actually i lied". Only
/// words that say the earlier sentence was untrue; 근데 and "but" also start
/// a harmless second thought.
pub(super) const KO_TAKEN_BACK: &str =
    r"^(?:사실|솔직히|솔까|거짓말)|거짓말이|뻥이(?:야|고|었|에요)";
pub(super) const EN_TAKEN_BACK: &str = r"^(?:actually|honestly|truthfully|tbh|to be honest|the truth is|truth is)\b|\b(?:i lied|that's a lie|that was a lie|not true)\b";
/// The same in English: "suicidal? no, just tired", "kill myself? nah i'd never",
/// "told him no", "the honest answer is no".
/// A bare "no" is not enough ("no one would notice"), nor "not tonight",
/// "never mind" or "i'm not kidding".
pub(super) const EN_ANSWERED_NO: &str = r"^(?:no|nope|nah|of course not|absolutely not|hell no|not at all)\s*,?\s*(?:(?:i'm|im|i am) not (?:suicidal|going to|gonna|planning|thinking)|i'd never|i would never|i'm fine|im fine|i'm ok|i'm okay|i'm good|i'm safe|i(?:'ve| have) (?:got )?too much to live for|i love my life|i (?:want|wanna) to live|just (?:(?:really|so|very|kinda|a bit) )?(?:tired|exhausted|sad|stressed|venting|curious|asking|kidding|joking))\b|^(?:no|nope|nah)\s*,?\s*never\s*$|^(?:of course not|absolutely not|hell no|not at all)\s*$|^(?:i )?(?:told (?:him|her|them|the doc(?:tor)?|my \w+)|said) no\b|^(?:my |the )?(?:honest |truthful )?answer (?:is|was) no\b";
/// A denial that says it is only not yet ("just haven't picked a day yet",
/// "haven't done it yet"): matched after the phrase, the plan still stands.
pub(super) const EN_NOT_YET: &str = r"^[^.,;]{0,25}\byet\b";
/// A sentence that reports a question put to the writer ("the doctor asked
/// if i ever think about hurting myself"): for the answered-no check, as a
/// question.
pub(super) const EN_ASKED_IF: &str = r"\b(?:asked|asks|asking) (?:me )?(?:if|whether)\b";
/// The writer says they are safe or want to live (`내 목숨은 소중해`, `나 안전해`,
/// `살고 싶어유`, `그런 생각은 꿈에도 안 한당께`, "i'm not in danger"): with no
/// phrase of danger, taken at their word.
/// Korean is matched without spaces.
pub(super) const KO_SAFE: &str = r"(?:목숨|생명)[은이]?(?:소중|귀하|귀해)|죽을생각(?:은|도|까지는)?(?:전혀|절대|1도)?없|안전해(?:요)?(?:[^지야]|$)|위험한(?:상황|건|거|게)?(?:은|는)?아니|오래살거|(?:절대|나는|난|나)안죽|안죽어걱정|걱정마안죽|(?:죽는|죽을)일은(?:절대)?없|죽겠다는(?:뜻|말|의미)(?:은|는|이)?아니|(?:자살|죽|자해)[가-힣]{0,2}리가없|안전한(?:곳|데)에있|(?:먹으려는|죽으려는|하려는)(?:거|게|건)아니|(?:먹으려는|죽으려는|하려는)(?:거|게|건)?아님|(?:나쁜|그런)(?:생각|마음)(?:은|도)?(?:꿈에도|절대|전혀)?안(?:해|함|할|먹|허|하니|한다|한당|합니)|(?:^|[^렇게])살고싶(?:어|네|구나|당께)(?:유|요)?(?:$|[^도지])|(?:다는|단|한다는|린다는)게아니(?:고|라|야)";
/// [`KO_SAFE`] in English.
pub(super) const EN_SAFE: &str = r"\b(?:i want to live|i wanna live|(?:i'm|im|i am) (?:not in (?:any )?danger|safe|not suicidal|not going to (?:hurt|kill) myself|not gonna (?:hurt|kill) myself)|i(?:'d| would) never (?:hurt|kill) myself|want to see how (?:it|things|life) turns? out|nothing else going on|(?:it|that|suicide|killing myself|self harm) (?:has )?never crossed my mind|(?:i )?won't (?:do anything to|hurt) myself|i(?:'d| would) never (?:do that|leave my)|(?:i'd|i would) rather fight|(?:i've |i have )?(?:got )?too much to live for|not giving up on life|i love my life|(?:i'm|im|i am) doing (?:really |pretty |so )?(?:well|good|great|better) now|(?:i promise|i swear|promise) (?:i'm|im|i am) (?:okay|ok|fine|alright|safe))\b";
/// What makes a statement of safety only for now or unsure.
pub(super) const SAFE_QUALIFIED: &str = r"아직은|일단은|지금은|오늘은|당분간|모르겠|\b(?:for now|right now|at the moment|for the moment|yet|tonight|not sure|idk|i think)\b";
/// What takes a statement of safety back when it follows it: `안전해 근데 …`,
/// "i'm safe but …".
pub(super) const SAFE_TAKEN_BACK: &str = r"근데|그런데|하지만|그렇지만|\b(?:but|though|except)\b";
/// Asked of someone: 죽고 싶냐, 죽고 싶니.
pub(super) const KO_QUESTION_ENDING: &str = r"^(?:냐|니|나요|니까)";
/// Past tense right after the phrase: 죽고 싶었어.
pub(super) const KO_PAST_ENDING: &str = r"^었";
/// Someone else as a subject or topic: 친구가, 엄마는, 주인공이, 그 사람이.
pub(super) const KO_OTHER_SUBJECT: &str = r"^(?:친구|걔|얘|쟤|그애|사람|그분|그녀|그|엄마|아빠|어머니|아버지|부모님|언니|오빠|누나|형|동생|남동생|여동생|동료|선배|후배|남친|여친|남자친구|여자친구|남편|아내|와이프|애인|누가|누군가|사람들|이웃|반친구|학생|환자|아들|딸|할머니|할아버지|삼촌|이모|고모|사촌|팀장님?|부장님?|상사|선생님|교수님|친척|지인|동기|룸메|룸메이트|걔네|애기|아기|주인공|캐릭터|배우|연예인|가수|아이돌|유튜버|작가)(?:들)?(?:이가|께서|가|이|는|은|도|이도|이는)$";
/// The kinds of story a sentence can be about, the words every use of them
/// shares: topics of talk (here), a story's scene (`severity.rs`) and the
/// story context that makes a phrase weak evidence (`rules.rs`). Korean is
/// matched without spaces.
macro_rules! story_media_ko {
    () => {
        "연극|드라마|영화|소설|웹툰|만화|애니"
    };
}
pub(super) use story_media_ko;

/// When a plan is set for (오늘, 밤에, 시험 끝나면, 자면, 그때 …): the words
/// before 하려고, 끝낼 거 or 죽으려 in `rules.rs`'s "a time for it". Dying
/// adds more (나서, 다음날, 그날 …); ending keeps to these, as 숙제 내일 끝낼
/// 거야 is a task.
macro_rules! time_for_it_ko {
    () => {
        "밤에|오늘|새벽에|내일|끝나면|가면|자면|주말에|그때"
    };
}
pub(super) use time_for_it_ko;

/// A poison, or sleeping pills all at once, swallowed with a word or two
/// between (「소주에 수면제 타서 다 마셨다」, 「농약 쪼까 마셨는디」): a crisis phrase
/// (`rules.rs`) and a sign of danger now (`severity.rs`). Korean is matched
/// without spaces.
macro_rules! poison_swallowed_ko {
    () => {
        r"(?:락스|농약|세제|쥐약|살충제|제초제|부동액|청산가리)[을를이도]?[가-힣]{0,3}(?:마셨|먹었|삼켰|털어넣|들이켰)|수면제[을를]?[가-힣]{0,4}(?:다|전부|몽땅|한통|왕창|통째로)(?:다)?(?:먹었|마셨|삼켰|털어넣)"
    };
}
pub(super) use poison_swallowed_ko;

/// Ten pills or more, in digits or in words (`30알`, `열두 알`, `스무 알`).
macro_rules! ten_pills_or_more_ko {
    () => {
        r"(?:[1-9][0-9]+|열(?:몇|[한두세네]|다섯|여섯|일곱|여덟|아홉)?|스무|스물|서른|마흔|쉰|수십|백|몇십)(?:알|개|정)"
    };
}
pub(super) use ten_pills_or_more_ko;

/// Pills by name (bare 약 is added where it is safe: not 예약, 계약, 요약 …).
macro_rules! pill_names_ko {
    () => {
        "알약|수면제|수면유도제|진통제|타이레놀|안정제|우울증약|항우울제|감기약|두통약"
    };
}
pub(super) use pill_names_ko;

/// Many pills swallowed, the count before or after the verb, with a word or
/// two between (「타이레놀 30알 정도 삼켰는데」, 「수면제 같이 먹었어요 한 스무알」): ten
/// or more, as a dose taken by mistake is one or two more.
macro_rules! overdose_ko {
    () => {
        concat!(
            "(?:",
            $crate::safety::crisis::words::pill_names_ko!(),
            r"|(?:^|[^예계절규요공조])약)[을를이가도]?[가-힣0-9]{0,6}",
            "(?:",
            $crate::safety::crisis::words::ten_pills_or_more_ko!(),
            "|한통|한움큼|한주먹)",
            r"(?:정도|넘게|가량|이상|쯤|다|전부|좀|을|를|씩|한번에|한꺼번에){0,2}(?:먹었|삼켰|털어넣|마셨|먹어버렸)",
            "|(?:",
            $crate::safety::crisis::words::pill_names_ko!(),
            r")[을를이가도]?[가-힣]{0,6}(?:먹었|삼켰|털어넣|마셨|먹어버렸)[가-힣]{0,8}",
            $crate::safety::crisis::words::ten_pills_or_more_ko!(),
        )
    };
}
pub(super) use overdose_ko;

/// Waiting for a train to go in front of it (「다음 열차 오면 들어가려고」):
/// nothing between but 바로, 선로로 and the like, as 「막차 오면 타고
/// 들어가려고」 is going home. A crisis, and danger now.
macro_rules! train_awaited_ko {
    () => {
        r"(?:열차|기차|전철|지하철)[가-힣]{0,4}(?:오면|올때|들어오면)(?:바로|그냥|선로로|선로에|철로로|앞으로)?(?:들어가|뛰어들|뛰어내)"
    };
}
pub(super) use train_awaited_ko;

/// Medicines by the names people give them (English, `\b`-bounded where used).
macro_rules! medicines_en {
    () => {
        "pills|meds|medication|medicine|tablets|sleeping pills|sleeping tablets|painkillers|antidepressants|sertraline|zoloft|prozac|fluoxetine|lexapro|escitalopram|citalopram|xanax|ambien|zolpidem|tylenol|paracetamol|acetaminophen|ibuprofen|advil|motrin|aleve|aspirin|melatonin|benadryl|nyquil|tramadol|hydrocodone|vicodin|percocet|oxycontin|morphine|fentanyl|opioids|adderall|ativan|lorazepam|alprazolam|clonazepam|seroquel|quetiapine|lithium|insulin|oxy|oxycodone|benzos|klonopin|valium|diazepam|trazodone|gabapentin|codeine"
    };
}
pub(super) use medicines_en;

/// [`story_media_ko`] in English (`\b`-bounded where used).
macro_rules! story_media_en {
    () => {
        "movie|film|episode|novel|anime|manga|thriller"
    };
}
pub(super) use story_media_en;

/// Fiction, news and study.
pub(super) const KO_TOPIC: &str = concat!(
    story_media_ko!(),
    r"|대본|희곡|시나리오|대사|뉴스|기사|다큐|주인공|캐릭터|등장인물|배우|연예인|아이돌|가사|노래|책에서|책속|유튜브|방송|예능|게임속|게임에서|역사|통계|률|캠페인|예방교육|교육|강의|수업|논문|리포트|보고서|과제|연구|토론|발표|사건|시사|유튜버|루머|소문|찌라시|카더라"
);
/// A topic noun followed by what is said about it: 자해 관련 기사, 자살 시도에 대한 다큐.
pub(super) const KO_TOPIC_AFTER: &str = r"^(?:를|을|에)?(?:관련|에관한|에대한|관한|대한|기사|뉴스|영상|다큐|책|통계|예방|교육|캠페인|문제|률|사건|장면)";
pub(super) const EN_TOPIC: &str = concat!(
    r"\b(?:",
    story_media_en!(),
    r"|show|series|book|story|character|news|article|headline|documentary|game|song|lyrics|podcast|essay|paper|report|research|class|lecture|statistics|rates?|awareness|prevention|campaign|rumou?rs?|gossip)\b"
);
/// Negations of a negation before an English phrase, which keep it:
/// "pretending i'm not suicidal", "there isn't a day i don't think about
/// killing myself" (as `KO_DOUBLE_NEGATION`).
pub(super) const EN_DOUBLE_NEGATION: &str = r"\b(?:pretend\w*|act\w* like) (?:that )?(?:i'm|i am) not\b|\b(?:isn't|is not|not|never|wasn't) (?:a|one|a single) (?:day|night|moment|minute|hour|morning)\b[^,]{0,20}\bi (?:don't|do not|haven't|didn't)\b";
/// Negation shortly before an English phrase, within its clause.
pub(super) const EN_NEGATION_BEFORE: &str = r"(?:(?:\bnot\b|(?:n't|\b(?:have|has|had|do|does|did|wo|would|ca|could|should|is|was|are|were|ai)nt\b)|\bnever\b|\bno longer\b)(?:\s+(?:[^\s,i][^\s,]*|i[^\s,'][^\s,]*)){0,2}|\b(?:don't|do not) think (?:that )?(?:i|i'd|i'm|i would|i'll)(?: \w+){0,2}|\b(?:i was|i'm|i am|was|just) (?:just |only )?(?:joking|kidding) (?:about|when i said)(?: \w+){0,2}|(?:\bnot\b|(?:n't|\b(?:have|has|had|do|does|did|wo|would|ca|could|should|is|was|are|were|ai)nt\b)|\bnever\b|\bno\b)(?:\s+(?:have|had|any|plans?|thoughts?|of|to|intentions?|urges?|desire|wish|going|gonna|ever|really|actually|at|all|more|current|active))*|\bnever (?:once |really |ever |even |seriously )?(?:thought|considered|tried|wanted)(?: about| of)?(?: \w+)?|\bnot (?:saying|like) (?:that )?i(?: (?:want|wanna|need|am going|'m going) to)?|\bnot that (?:i'd|id|i would|i'll|i will|i'm|im|i am|i) (?:ever |gonna |going to |want to |wanna )*|\bnever (?:once |even |ever |really )?crossed my mind to|\bnot (?:in |like )?an? '?(?:i )?)\s*$";
/// Negation right after an English phrase: "depressed yes, suicidal no".
pub(super) const EN_NEGATION_AFTER: &str = r"^[\s?,:-]*(?:thoughts?\s+)?(?:and |but )?(?:honestly |truthfully |tbh |actually )?(?:no|nope|not really|not at all)\s*(?:[.,!;]|$)|^\s*,?\s*but (?:i'm|im|i am) (?:honestly |really |actually |definitely )?not\s*(?:[.,!;]|$)|^\s*,?\s*(?:(?:it|that|all|things)\s+)?i (?:meant|mean) (?:my |the |a |this )?\w+(?: \w+)?,? not (?:my )?(?:life|myself|me)\b|^\s*(?:is|was|'s|are)\s+(?:not|never|no longer)\s+(?:an option|on the table|happening|something i\b)|^\s*(?:isn't|is not|wasn't|ain't)\s+(?:an option|on the table|happening|something i\b|for me)|^\s*(?:has|have|had)\s+never\s+(?:once |even |ever |really )?(?:crossed|been an option)|^\s*never (?:once |even |ever )?crossed";
/// A death mentioned anywhere in the message.
pub(super) const DEATH: &str = r"자살했|죽었|돌아가셨|세상을떠났|떠나보냈|하늘나라|무지개다리|장례|사망|숨졌|목숨을끊었|\b(?:died|passed away|passed|killed (?:him|her|them)sel(?:f|ves)|suicide|funeral|lost my)\b";
/// Words of despair that support a borderline phrase.
pub(super) const DESPAIR: &str = r"힘들|지쳤|지쳐|지친|우울|괴로|외로|고통|절망|희망이없|버틸수가?없|못버티|견딜수가?없|못견디|한계|의미가없|의미없|무의미|공허|비참|쓸모없|쓸모가없|아무도날|아무도나를|혼자야|혼자인|눈물|울고|울었|울어|지옥|\b(?:exhausted|hopeless|worthless|depressed|miserable|empty|numb|alone|lonely|crying|cried|pointless|tired of (?:everything|life|living|it all)|can't take|nobody cares|no one cares|hate my life|give up)\b";
/// The past is over: 지금은 괜찮아, "I'm better now".
pub(super) const RESOLVED: &str = r"(?:지금은|요즘은|요새는)(?:잘지내|안해|안함|멀쩡)|(?:지금은|요즘은|요새는|이제는?|이젠)(?:그런|그)?생각(?:은|도)?(?:하나도|전혀|더는)?(?:안해|안함|안들|없어|없습니다|안납)|이(?:제는?|젠)(?:하나도|전혀|더는|더이상)?안그래|(?:요즘은|요새는)(?:완전|정말|진짜|훨씬|다)?(?:괜찮|좋아|나아|행복|살만)|(?:안한|끊은)지(?:오래|꽤)|\b(?:\d+|two|three|four|five|six|ten) (?:years?|months?) clean\b|\bthat(?:'s| is) not me anymore\b|이제(?:는)?(?:안해|안함)$|[0-9]+(?:년|달|개월)째(?:깨끗|안해|안함|괜찮)|\bdon't (?:even )?think about (?:it|that|doing it) (?:anymore|any more)\b|\b(?:in (?:a|such a) (?:really |much |very )?(?:good|better) place)\b|\bgrateful (?:every ?day )?(?:that )?(?:i'm|im|i am) (?:still )?(?:here|alive)\b|\b(?:i )?got through (?:it|that|all that|it all)\b|지금은(?:완전|정말|진짜|훨씬|다)?(?:괜찮|좋아|나아|행복|살만|많이)|(?:이제|이제야|이제좀|나니까|고나니|나서|덕분에)살것같|잘넘겼|잘버텨냈|잘견뎌냈|이(?:제는?|젠)(?:괜찮|좋아|나아|행복|살만)|많이나아|많이좋아졌|(?:[0-9]+|한|두|세|몇)(?:년|달|개월)(?:도)?(?:넘게|이상|넘도록|째)(?:안함|안해|안했|괜찮)|극복|이겨냈|벗어났|\b(?:i'm|i am|i feel|feeling|doing) (?:much |a lot |way )?(?:better|fine|okay|ok|good|happy)\b|\b(?:i've )?been (?:fine|okay|ok|good|clean|stable|doing (?:well|better|good)) for\b|\b(?:therapy|treatment|counseling|counselling|medication|meds) (?:really |has |have )?helped\b|\bgrateful to be (?:here|alive)\b|\bglad (?:i'm|to be) (?:still )?(?:here|alive)\b|이제[가-힣0-9]{0,3}(?:년|해)(?:이|가)?(?:지났|넘었|흘렀)|옛날(?:얘기|이야기|일)|\bthriving\b|(?:안한|끊은|멈춘|그만둔)지[가-힣]{0,4}[0-9]+(?:년|달|개월|일)(?:이|가)?(?:(?:넘었|됐|지났)(?:어|다|음|네|고|어요|습니다)|째)|지금은[가-힣]{0,2}?(?:살만|잘살|다나았|나았)|지금잘살|\bglad i (?:stayed|didn't|did not|survived|lived|held on|hung on)\b|\b(?:i've|ive|i have) been (?:fine|okay|ok|good|stable|well|clean)\b|\b(?:therapy|treatment|counseling|counselling|medication|meds|dbt|cbt)\b(?: (?:and )?\w+)? (?:actually |really |finally |has |have )?(?:helped|worked)\b|\bgot me through\b|\b(?:barely|hardly|don't|can't) recogni[sz]e (?:that (?:person|girl|guy|kid|version of me)|who i was)\b|\bscars (?:are|have) (?:all |mostly |long )?(?:faded|healed)\b";
/// It came back: the urge again, lately (`안 한 지 3일 됐는데 다시 하고 싶어`,
/// "clean for a year but i relapsed", `괜찮은 줄 알았는데 다시 그 생각이 들어`).
/// A past that is resolved must not say so.
pub(super) const RELAPSE: &str = r"다시(?:하고싶|시작|했|그었|생각나|하고있|들어)|(?:괜찮은|나은|끝난|나아진)줄알았|다시그생각|(?:어제|오늘|방금|최근)[가-힣]{0,3}다시|다시[가-힣]{0,6}(?:들었|잡았|샀|꺼냈)|또(?:하고싶|했|그었|생각나)|요즘(?:다시|또)|충동이(?:다시|또|자꾸|심해)|\b(?:again|relapsed?|lately|these days|started back|never (?:really )?(?:left|went away|stopped)|getting (?:louder|worse|stronger))\b";
pub(super) const PAST_SENTENCE: &str = r"오래전(?:일|얘기|이야기)|젊어서|젊었을때|젊을때|(?:[0-9]+|몇|한|두|세)(?:년|해)전(?:에|엔|에는)?|(?:안한|끊은)지[가-힣]{0,3}(?:[0-9]+|몇|오래|꽤)|\b(?:way |long |all )?behind me\b|\bsince my last\b|예전에|예전엔|옛날에|한때|그때는|전에는|어렸을때|작년에는|했었|던적(?:이)?있|(?:고등학교|중학교|대학교|대학|학생|이십대|20대|10대)때|\bin (?:high school|college|middle school|my teens)\b|\b(?:months|many years|long time) ago\b|\bused to\b|\bback then\b|\bback in (?:the )?(?:'?\d0s|\d{4}s?)\b|\byears ago\b|\bwhen i was\b|\b(?:at|aged?) 1\d(?: years old)?(?:$| ,| and\b| but\b| was\b| my\b)";

pub(super) const KO_FIRST_PERSON: &[&str] = &[
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
pub(super) const KO_SECOND_PERSON: &[&str] = &[
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
pub(super) const EN_FIRST_PERSON: &[&str] = &[
    "i", "i'm", "im", "me", "myself", "i've", "ive", "i'd", "i'll", "mine", "my",
];
/// English subjects that make a phrase someone else's when they are the nearest subject before it.
pub(super) const EN_OTHER_PERSON: &[&str] = &[
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
