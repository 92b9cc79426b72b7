//! The offline generator's other written replies: for greetings, thanks,
//! goodbyes, questions and short reactions (Korean and English), the English
//! replies per emotion group, the gentle follow-up questions added to a reply
//! that does not ask one, and the English crisis replies. All written for
//! Maeum.

use crate::emotion::EmotionGroup;

use super::kind::Kind;

/// Replies for a kind of message that does not depend on its emotion.
pub fn for_kind(kind: Kind, english: bool) -> Option<&'static [&'static str]> {
    Some(match (kind, english) {
        (Kind::Greeting, false) => &[
            "안녕! 와줘서 반가워. 오늘 하루는 어땠어?",
            "어, 왔구나! 잘 지냈어? 요즘 어떻게 지내?",
            "안녕안녕 ㅎㅎ 오늘 기분은 좀 어때?",
            "반가워! 무슨 얘기든 편하게 해. 오늘 뭐 했어?",
        ],
        (Kind::Greeting, true) => &[
            "Hey! Good to see you. How has your day been?",
            "Hi there! How are you doing today?",
            "Hello! I'm glad you're here. What's on your mind?",
            "Hey you :) How are things lately?",
        ],
        (Kind::Thanks, false) => &[
            "고맙긴, 내가 더 고마워. 언제든 얘기하러 와.",
            "에이, 별말을 ㅎㅎ 네 얘기 듣는 거 좋아.",
            "그렇게 말해 줘서 나도 기분 좋다. 오늘은 좀 괜찮아졌어?",
            "천만에! 또 무슨 일 있으면 바로 말해 줘.",
        ],
        (Kind::Thanks, true) => &[
            "Anytime. I'm always happy to listen.",
            "Aw, thank you for saying that. Feeling a bit better now?",
            "Of course! Come back whenever you want to talk.",
            "No need to thank me, I like hearing from you.",
        ],
        (Kind::Goodbye, false) => &[
            "응, 잘 가! 오늘도 수고 많았어. 푹 쉬어.",
            "잘 자! 좋은 꿈 꾸고, 내일 또 얘기하자.",
            "그래, 조심히 가. 얘기해 줘서 고마워.",
            "오늘 하루 잘 마무리해. 또 와!",
        ],
        (Kind::Goodbye, true) => &[
            "Take care! Thanks for talking with me today.",
            "Good night! Rest well, and talk soon.",
            "Bye for now! I'll be here whenever you want to chat.",
            "See you! Be kind to yourself tonight.",
        ],
        (Kind::Reaction, false) => &[
            "ㅎㅎ 그치? 그래서 그다음엔 어떻게 됐어?",
            "응응, 나 듣고 있어. 더 얘기해 줘.",
            "그 마음 알 것 같아. 지금은 좀 어때?",
            "오 ㅎㅎ 무슨 생각 하는지 궁금하다.",
        ],
        (Kind::Reaction, true) => &[
            "Haha, right? What happened next?",
            "I'm listening. Tell me more?",
            "I hear you. How are you feeling right now?",
            "Mm-hm :) What's on your mind?",
        ],
        _ => return None,
    })
}

/// A question to the bot: an honest, friendly turn back to the person.
pub fn questions(english: bool) -> &'static [&'static str] {
    if english {
        &[
            "Good question. I don't have a sure answer, but I'd love to hear what you think first.",
            "Hmm, I can't say for certain. What makes you wonder about it?",
            "That's a hard one. What feels right to you when you think it over?",
            "I'm not sure I know better than you here. What are you leaning towards?",
        ]
    } else {
        &[
            "음, 좋은 질문이다. 딱 잘라 말하긴 어렵지만, 너는 어떻게 생각해?",
            "그건 나도 확실히는 모르겠어. 왜 그게 궁금해졌어?",
            "어려운 질문이네. 네 마음은 어느 쪽에 더 가까워?",
            "내가 정답을 알진 못해도 같이 생각해 볼 순 있어. 지금 어떤 게 제일 걸려?",
        ]
    }
}

/// English replies per group, or for no emotion known.
pub fn english(group: Option<EmotionGroup>) -> &'static [&'static str] {
    match group {
        Some(EmotionGroup::Anger) => &[
            "That would make anyone angry. You have every right to feel that way.",
            "Ugh, that sounds so frustrating. I'd be furious too.",
            "Wow, that crossed a line. I'm on your side here.",
            "It makes sense that you're upset. Want to let it all out?",
            "That's really not okay. You handled more than you should have had to.",
            "I'd be fuming too. Take a deep breath with me.",
            "Anger like that means something mattered to you.",
            "You don't have to calm down for me. Say it all.",
        ],
        Some(EmotionGroup::Sadness) => &[
            "That sounds really hard. I'm here with you.",
            "I'm so sorry. It's okay to feel sad about this.",
            "You don't have to pretend you're fine with me.",
            "That's a heavy thing to carry. Be gentle with yourself today.",
            "I wish I could give you a hug right now.",
            "Thank you for telling me. Take all the time you need.",
            "It's okay to cry. It doesn't make you weak.",
            "Days like this are rough. Did you get to eat something?",
        ],
        Some(EmotionGroup::Anxiety) => &[
            "That sounds stressful. Let's take one slow breath first.",
            "It makes sense to feel anxious. You're doing better than you think.",
            "Let's take it one small step at a time.",
            "Worries feel bigger at night. You don't have to solve it all now.",
            "You don't have to be perfect. Getting through is enough.",
            "Whatever happens, you won't face it alone.",
            "Did you sleep okay? Stress is easier with some rest.",
            "That's a lot to hold. Let's share the weight.",
        ],
        Some(EmotionGroup::Hurt) => &[
            "That must have really hurt. You didn't deserve that.",
            "I'm sorry they treated you like that. It's not your fault.",
            "Feeling let down by someone you trusted is so painful.",
            "You can tell me everything. I'll listen to the end.",
            "Hurt like that takes time to heal. No rush.",
            "You don't have to act like it's nothing with me.",
            "That sounds so unfair. I'm on your side.",
            "Be kind to yourself today. You've been through a lot.",
        ],
        Some(EmotionGroup::Embarrassment) => &[
            "Oh no, that sounds awkward! Honestly, people notice less than we think.",
            "Everyone has moments like that. It doesn't change who you are.",
            "Don't be too hard on yourself. It'll be a funny story one day.",
            "That's such a human moment. I still think you're great.",
            "It's okay. Taking it one step at a time is enough.",
            "You were brave to tell me. That counts.",
            "Feeling small for a moment doesn't make you small.",
            "Breathe. You're okay, and I'm here.",
        ],
        Some(EmotionGroup::Joy) => &[
            "That's amazing! I'm so happy for you!",
            "Yay! Tell me everything!",
            "You totally earned this. Congratulations!",
            "This made my day too. How are you celebrating?",
            "I love hearing this. You deserve good things.",
            "That's wonderful news! I knew you could do it.",
            "Your happiness is contagious :)",
            "What a good day. Hold on to this feeling.",
        ],
        None => &[
            "Oh, I see. Tell me more?",
            "I'm listening. What happened next?",
            "Got it. How are you doing these days?",
            "That's interesting. What do you think about it?",
            "I'm here. Talk about anything you like.",
            "Mm, I hear you. How are you feeling right now?",
            "Thanks for sharing that with me.",
            "Okay! What's been on your mind lately?",
        ],
    }
}

/// Said first to a strongly felt message (`kind::Intensity::Strong`), in
/// turn, so the reply meets the strength of it before anything else.
pub fn strong_openers(group: EmotionGroup, english: bool) -> &'static [&'static str] {
    match (group, english) {
        (EmotionGroup::Anger, false) => &[
            "헐, 이건 진짜 너무했다.",
            "와… 얼마나 열받았을지 상상도 안 된다.",
        ],
        (EmotionGroup::Sadness, false) => {
            &["에구… 정말 많이 아팠구나.", "마음이 얼마나 무너졌을까."]
        }
        (EmotionGroup::Anxiety, false) => {
            &["그 정도면 숨이 턱 막혔겠다.", "많이 무서웠겠다, 진짜로."]
        }
        (EmotionGroup::Hurt, false) => &["그건 정말 아팠겠다.", "얼마나 서러웠을까…"],
        (EmotionGroup::Embarrassment, false) => &[
            "으악, 그 순간 진짜 아찔했겠다.",
            "헉, 얼굴 엄청 화끈거렸겠다.",
        ],
        (EmotionGroup::Joy, false) => &["와아아! 진짜 대박이다!", "꺄, 이건 완전 축하할 일이다!"],
        (EmotionGroup::Anger, true) => &[
            "Wow, that is really too much.",
            "Oh, I can only imagine how furious you are.",
        ],
        (EmotionGroup::Sadness, true) => &["Oh no… that must hurt so much.", "I'm so, so sorry."],
        (EmotionGroup::Anxiety, true) => {
            &["That sounds terrifying.", "No wonder you're so on edge."]
        }
        (EmotionGroup::Hurt, true) => &["That must have hurt deeply.", "Oh, that's so painful."],
        (EmotionGroup::Embarrassment, true) => &[
            "Oh no, that sounds mortifying!",
            "Ahh, that must have been so awkward!",
        ],
        (EmotionGroup::Joy, true) => &["WOW, this is huge!", "Oh my gosh, that's incredible!"],
    }
}

/// A gentle follow-up question, added to a reply that asks none.
pub fn follow_ups(group: Option<EmotionGroup>, english: bool) -> &'static [&'static str] {
    match (group, english) {
        (Some(EmotionGroup::Joy), false) => &["그래서 어떻게 된 거야?", "그 얘기 더 해줄래?"],
        (Some(EmotionGroup::Joy), true) => &["How did it happen?", "Tell me more?"],
        (Some(_), false) => &["지금은 좀 어때?", "무슨 일이 있었는지 더 얘기해 줄래?"],
        (Some(_), true) => &[
            "How are you holding up now?",
            "Do you want to tell me more?",
        ],
        (None, false) => &["요즘은 어떻게 지내?", "너는 어떻게 생각해?"],
        (None, true) => &["How have you been lately?", "What do you think?"],
    }
}

/// English crisis replies, by severity (the resources come under them).
pub const CRISIS_EN: &[&str] = &[
    "I'm really glad you told me. You don't have to carry this alone. Are you somewhere safe right now?",
    "That sounds incredibly painful, and I'm worried about you. Please reach out to someone right now; the numbers are below.",
    "Thank you for trusting me with this. Your pain is real, and help is real too. Could you call one of the lines below?",
];
pub const CRISIS_IMMINENT_EN: &[&str] = &[
    "I'm really worried about you. Please call your local emergency number right now, and tell someone near you.",
    "Your safety comes first. Please call emergency services now. I'm here with you.",
];
pub const CRISIS_CONCERN_EN: &[&str] = &[
    "You clearly care about them. Stay with them if you can, ask them directly how they are, and if they are in danger call emergency services now.",
    "That must be frightening. Listen without judging, don't leave them alone, and contact a crisis line together; the numbers are below.",
];
