//! What the bot says outside of conversation: help, privacy notice, command answers.
//! Korean first (the bot's voice is casual 반말), with an English line where it matters.

use super::command::Command;
use super::limits::Refusal;
use crate::store::Usage;

pub fn help() -> String {
    let mut text = String::from(
        "나는 마음이야. 네 말에서 감정을 읽고 친구처럼 대답해 줄게.\n\
         I'm Maeum: I read the feeling in your message and answer like a friend.\n\n",
    );
    for (name, ko, en) in Command::MENU {
        text.push_str(&format!("/{name} — {ko} ({en})\n"));
    }
    text.push_str("\n답장 아래 🔄로 다시 쓰고, 👍/👎로 어땠는지 알려줘.");
    text
}

/// `/start`. `storing`: this user's conversation is being stored (when it
/// is not, the caller adds the consent notice where one is needed).
pub fn start(name: Option<&str>, storing: bool) -> String {
    let hello = match name {
        Some(name) if !name.trim().is_empty() => format!("안녕, {}! ", name.trim()),
        _ => "안녕! ".to_string(),
    };
    let intro =
        format!("{hello}나는 마음이야. 오늘 있었던 일이나 마음에 걸리는 거, 편하게 얘기해 줘.");
    if storing {
        format!(
            "{intro}\n\
             대화를 기억하려고 네 메시지와 내 답장을 저장해. 자세한 건 /privacy, 지우려면 /reset 이나 /optout.\n\
             (Hi! Tell me about your day. I store our conversation to remember it: /privacy explains, /reset or /optout deletes.)"
        )
    } else {
        format!("{intro}\n(Hi! Tell me about your day.)")
    }
}

/// What the privacy texts depend on, so that they say what the code does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PrivacyFacts {
    pub notice_version: i64,
    /// Nothing is stored before the user accepts the notice.
    pub require_consent: bool,
    /// Messages are deleted after this many days; 0: kept until the user deletes them.
    pub retention_days: u32,
    /// Texts and display names are stored encrypted.
    pub encrypted: bool,
    /// Replies are written by a language model server (not the offline generator).
    pub sends_to_llm: bool,
    /// Phone numbers, e-mail addresses, resident registration and card numbers
    /// are masked in what goes to the language model (any kind switched on).
    pub masks_personal_data: bool,
    /// Messages are checked for signs of crisis, answered with crisis lines.
    pub detects_crisis: bool,
    /// Where the database is, in words (ko, en).
    pub stored_where: (&'static str, &'static str),
    /// 👍 turns may be exported to train the emotion model.
    pub training_export: bool,
    /// Turns out of the history window are folded into a running summary.
    pub summarizes: bool,
}

fn retention_ko(facts: &PrivacyFacts) -> String {
    match facts.retention_days {
        0 => "메시지는 네가 지울 때까지 보관해".to_string(),
        days => format!("메시지는 {days}일이 지나면 자동으로 지워져"),
    }
}

fn retention_en(facts: &PrivacyFacts) -> String {
    match facts.retention_days {
        0 => "Messages are kept until you delete them".to_string(),
        days => format!("Messages are deleted automatically after {days} days"),
    }
}

/// The short notice shown before anything is stored, with the accept button.
pub fn consent_notice(facts: &PrivacyFacts) -> String {
    format!(
        "📋 저장 안내 v{version} (Privacy notice)\n\
         대화를 기억하려면 네 메시지, 내 답장, 내가 읽은 감정, 👍/👎, 표시 이름을 저장해야 해. \
         네 기분에 맞춰 대답하려는 것뿐이고 다른 데엔 안 써. {retention_ko}. \
         /reset 은 대화를, /optout 은 너에 관한 전부를 지워. 자세한 건 /privacy.\n\
         동의하면 아래 버튼이나 /accept — 그 전엔 아무것도 저장하지 않고 기억 없이 대답해.\n\
         (To remember our conversation I store your messages, my replies, the emotion I read, 👍/👎 and \
         your display name, only to answer you in context. {retention_en}. /reset deletes the \
         conversation, /optout everything about you; /privacy has the details. Accept with the button \
         or /accept; until then nothing is stored and I answer without memory.)",
        version = facts.notice_version,
        retention_ko = retention_ko(facts),
        retention_en = retention_en(facts),
    )
}

/// `/privacy`. Must describe exactly what the code stores, sends and deletes.
pub fn privacy(facts: &PrivacyFacts) -> String {
    let (where_ko, where_en) = facts.stored_where;
    let encryption = if facts.encrypted {
        "• 메시지, 답장, 표시 이름은 암호화(XChaCha20-Poly1305)해서 저장해. 감정 코드, 시간, ID는 암호화하지 않아.\n  \
         (Messages, replies and display names are stored encrypted; emotion codes, times and ids are not.)"
    } else {
        "• 이 서버는 메시지를 암호화하지 않고 저장해. (This server stores texts unencrypted.)"
    };
    let llm = if facts.sends_to_llm {
        "• 답장을 쓰려고 네 메시지와 (저장된 경우) 최근 대화를 설정된 언어 모델 서버에 보내. \
         동의 전에도 지금 메시지는 답장을 위해 보내지만 저장하지는 않아.\n  \
         (To write a reply, your message and, if stored, our recent conversation are sent to the configured \
         language model server; before you accept, only the current message is sent, and nothing is stored.)"
    } else {
        "• 답장은 이 서버 안에서 만들어서, 네 메시지를 다른 서버로 보내지 않아. \
         (Replies are written on this server; your messages are not sent elsewhere.)"
    };
    let masking = if facts.sends_to_llm && facts.masks_personal_data {
        "\n• 보내기 전에 전화번호, 이메일, 주민등록번호, 카드번호는 가려서 보내 (설정된 종류만).          저장되는 메시지는 가리지 않은 원문이야.\n           (Before sending, phone numbers, e-mail addresses, resident registration and card numbers are masked,          the kinds the operator switched on; the stored message is the original.)"
    } else {
        ""
    };
    let training = if facts.training_export {
        "\n• 👍를 받은 답장의 네 메시지는, 감정을 확실히 읽은 경우 감정 모델을 더 낫게 훈련하는 데 \
         ID 없이 쓰일 수 있어. 싫으면 👍 대신 아무 표시도 안 하면 돼. /reset 이나 /optout 하면 빠져.\n  \
         (When you 👍 a reply, your message may be used, without ids, to train a better emotion model \
         if its emotion was read confidently; leave no 👍 to avoid it. /reset or /optout removes it.)"
    } else {
        ""
    };
    let summary = match (facts.summarizes, facts.sends_to_llm) {
        (false, _) => "",
        (true, true) => {
            "\n• 대화가 길어지면 오래된 부분을 언어 모델 서버가 짧게 요약해서 (가릴 것은 가리고) 대화처럼 저장해: \
             암호화, /export 에 포함, /reset·/optout·보관 기간으로 지워져.\n  \
             (When a conversation grows long, its older part is summarised by the language model server, \
             masked as above, and stored like the conversation: encrypted, in /export, removed by /reset, \
             /optout and the retention period.)"
        }
        (true, false) => {
            "\n• 대화가 길어지면 오래된 부분을 짧은 메모(감정과 첫마디)로 줄여서 대화처럼 저장해: \
             암호화, /export 에 포함, /reset·/optout·보관 기간으로 지워져.\n  \
             (When a conversation grows long, its older part is kept as a short note — the feelings and \
             first words — stored like the conversation: encrypted, in /export, removed by /reset, \
             /optout and the retention period.)"
        }
    };
    let crisis = if facts.detects_crisis {
        "\n• 자해나 자살을 떠올리게 하는 메시지인지 살펴보고, 그렇다면 답장에 위기 상담 전화번호를 꼭 붙여.          그런 일이 몇 번 있었는지 숫자만 메모리에 세고, 글은 따로 남기지 않아.\n           (Messages are checked for signs of suicide or self-harm; such a reply always carries crisis lines.          Only a count is kept, in memory, never the text.)"
    } else {
        ""
    };
    let when = if facts.require_consent {
        format!(
            "• /accept 로 안내(v{v})에 동의하기 전에는 아무것도 저장하지 않고 기억 없이 대답해. 안내가 바뀌면 다시 물어봐.\n  \
             (Nothing is stored until you accept notice v{v} with /accept; a new notice version asks again.)",
            v = facts.notice_version
        )
    } else {
        "• 운영자가 따로 동의를 받았기 때문에 첫 메시지부터 저장해. \
         (The operator collected consent elsewhere, so conversations are stored from the first message.)"
            .to_string()
    };
    format!(
        "무엇을 저장하냐면 (What is stored)\n\
         • 네 메시지, 내가 읽은 감정(코드와 확률), 내 답장, 어떤 모델이 답했는지, 👍/👎, 시간, 표시 이름, \
         플랫폼의 사용자·채팅·메시지 ID, 동의한 안내 버전과 시각\n  \
         (your messages, the emotion read from each with its score, my replies, which generator wrote them, \
         your 👍/👎, times, your display name, your platform user, chat and message ids, the notice version \
         you accepted and when)\n\
         • 저장 위치: {where_ko} (Where: {where_en})\n\
         {encryption}\n\
         왜 (Why)\n\
         • 대화를 기억하고 네 감정 흐름에 맞춰 대답하려고. 다른 목적으로는 쓰지 않아. \
         (to remember our conversation and answer in context; nothing else)\n\
         {llm}{masking}{summary}{crisis}{training}\n\
         언제부터 (From when)\n\
         {when}\n\
         얼마나 (How long)\n\
         • {retention_ko}. 사용자 기록(표시 이름, 동의)은 /optout 할 때까지 남아.\n  \
         ({retention_en}; your user record (display name, consent) stays until /optout.)\n\
         지우려면 (Deleting)\n\
         • /reset 은 대화를 지우고, /optout 은 너에 관한 모든 기록을 지우고 앞으로 아무것도 저장하지 않아. \
         너를 알아보기 위한 해시 표식 하나만 남고 ID 자체는 남지 않아 (/optin 으로 다시 시작).\n  \
         (/reset deletes the conversation; /optout deletes everything about you and stores nothing more, \
         keeping only a keyed hash that recognises you, not your id itself; /optin to start again.)\n\
         • /export 로 저장된 전부를 JSON으로 받을 수 있어. (/export gives you everything stored, as JSON)\n\
         • 공정 사용을 위해 하루(UTC)에 보낸 메시지 수와 언어 모델 토큰 수만, ID 대신 해시 표식으로 세어 둬 \
         (동의 전에는 메모리에만). 글은 남지 않고, 이틀 뒤나 /optout 때 지워져. /usage 로 볼 수 있어.\n  \
         (For fair use, only how many messages and language-model tokens you used each UTC day are counted, \
         under a keyed hash instead of your id (before you accept, in memory only), never the texts; they are \
         deleted after two days or on /optout. /usage shows them.)\n\
         • 운영자는 /admin 으로 숫자 통계(글 내용 없이)를 보고, 한 사람이나 한 채팅의 대화를 지울 수 있어. \
         이런 조작은 모두 로그에 남아.\n  \
         (Operators can see statistics, counts and never texts, and clear one user's or one chat's \
         conversation with /admin; every such action is logged.)",
        retention_ko = retention_ko(facts),
        retention_en = retention_en(facts),
    )
}

pub fn consent_recorded(version: i64) -> String {
    format!(
        "고마워! 이제 우리 대화를 기억할게. 언제든 /optout 으로 전부 지울 수 있어.\n\
         (Thanks: notice v{version} accepted, I'll remember our conversation now. /optout deletes everything, any time.)"
    )
}

pub fn consent_already() -> String {
    "이미 동의했어. 우리 대화를 기억하고 있어. (You have already accepted.)".to_string()
}

pub fn consent_outdated() -> String {
    "그 안내는 예전 버전이야. 새 안내를 보고 다시 동의해 줘. (That notice is outdated: here is the current one.)"
        .to_string()
}

pub fn consent_while_opted_out() -> String {
    "/optout 으로 저장을 멈춰 둔 상태야. 다시 기억하길 원하면 먼저 /optin 해줘. (You opted out: send /optin first.)"
        .to_string()
}

pub fn consent_needed() -> String {
    "그건 우리 대화를 저장해야 해서, 먼저 안내에 동의해 줘. (That needs storing: please accept the notice first.)"
        .to_string()
}

pub fn admin_refused() -> String {
    "이 명령은 운영자만 쓸 수 있어. (Only operators can use this command.)".to_string()
}

pub fn admin_usage() -> String {
    "/admin stats [일수 days]\n\
     /admin clear user <platform> <user_id>\n\
     /admin clear chat [<platform>] [<chat_id>]   (없으면 이 채팅 / this chat)"
        .to_string()
}

pub fn admin_cleared_user(deleted: u64) -> String {
    format!("그 사용자의 대화 {deleted}개를 지웠어. (Deleted {deleted} messages of that user.)")
}

pub fn admin_cleared_chat(deleted: u64) -> String {
    format!("그 채팅의 대화 {deleted}개를 지웠어. (Deleted {deleted} messages of that chat.)")
}

pub fn reset_done(deleted: u64) -> String {
    if deleted == 0 {
        "지울 대화가 없었어. 새로 시작하자! (Nothing to forget.)".to_string()
    } else {
        format!("우리 대화 {deleted}개를 지웠어. 새로 시작하자! (Forgot {deleted} messages.)")
    }
}

pub fn opted_out() -> String {
    "너에 관한 기록을 전부 지웠어. 이제부터는 아무것도 저장하지 않을게. 대화는 계속할 수 있고, 다시 기억하길 원하면 /optin 해줘.\n\
     (Everything about you is deleted and nothing more will be stored. /optin to let me remember again.)"
        .to_string()
}

pub fn opted_in(was_opted_out: bool) -> String {
    if was_opted_out {
        "좋아, 다시 우리 대화를 기억할게. (I'll remember our conversation again.)".to_string()
    } else {
        "이미 대화를 기억하고 있어. (I'm already remembering our conversation.)".to_string()
    }
}

/// `/optin` when the notice still has to be accepted (an opt-out deleted the consent too).
pub fn opted_in_needs_consent() -> String {
    "저장 중지를 풀었어. 다시 기억하려면 아래 안내에 동의해 줘. (Opt-out lifted: accept the notice below to let me remember.)"
        .to_string()
}

pub fn nothing_to_export() -> String {
    "저장된 게 하나도 없어. (Nothing is stored about you.)".to_string()
}

pub fn unknown_command(name: &str) -> String {
    format!("/{name} 은 모르는 명령이야. /help 를 보내 봐. (Unknown command: try /help.)")
}

pub fn empty_message() -> String {
    "음, 아무것도 안 보였어. 하고 싶은 말을 보내줘! (I didn't get any text.)".to_string()
}

/// For stickers, photos, voice and other messages without text.
pub fn non_text_message() -> String {
    "앗, 나는 아직 글자만 읽을 수 있어. 어떤 마음인지 글로 들려줄래? (I can only read text for now.)".to_string()
}

pub fn truncated_note(limit: usize) -> String {
    format!("(메시지가 길어서 앞의 {limit}자까지만 읽었어.)")
}

pub fn generation_failed() -> String {
    "미안, 지금은 답장을 만들 수가 없어. 네 말은 잘 받아뒀으니 조금 있다가 🔄로 다시 해줘.\n\
     (Sorry, I can't write a reply right now. Your message is kept: try 🔄 in a moment.)"
        .to_string()
}

/// Shown with a reply the offline generator wrote because the language model
/// failed.
pub fn offline_fallback_note() -> String {
    "(지금은 언어 모델에 연결이 안 돼서 내가 짧게 답했어. 조금 있다가 🔄로 다시 써 볼 수 있어. \
     The language model is unreachable, so this is a short offline reply; try 🔄 later.)"
        .to_string()
}

/// A crisis reply when no reply could be generated; the crisis lines follow it.
pub fn crisis_fallback() -> String {
    "말해 줘서 정말 고마워. 지금 많이 힘들고 아픈 마음이 느껴져. 너는 혼자가 아니야, 그리고 네 안전이 제일 중요해. \
     지금 바로 전문 상담사와 이야기할 수 있어.\n\
     (Thank you for telling me. You matter, and you don't have to face this alone: you can talk to someone right now.)"
        .to_string()
}

pub fn nothing_to_regenerate() -> String {
    "다시 쓸 답장이 없어. 먼저 얘기를 들려줘! (No reply to rewrite yet.)".to_string()
}

pub fn stale_action() -> String {
    "이 버튼은 더 이상 쓸 수 없어. (This button no longer works.)".to_string()
}

pub fn feedback_saved(up: bool) -> String {
    if up {
        "고마워! 👍 기억해둘게.".to_string()
    } else {
        "알려줘서 고마워. 👎 더 잘해볼게.".to_string()
    }
}

/// Shown with a reply written without the stored conversation because the
/// turn's lock could not be held (the database is in trouble).
pub fn memory_unavailable() -> String {
    "(지금은 우리 대화 기록에 닿지 않아서, 이번 답장은 기억 없이 썼고 저장하지 않았어. \
     My memory of our conversation is out of reach right now: this reply was written without it and not stored.)"
        .to_string()
}

pub fn store_unavailable() -> String {
    "지금 기록 저장소에 문제가 있어서 그건 할 수 없어. 조금 있다가 다시 해줘. (Storage is unavailable right now.)"
        .to_string()
}

/// A friendly answer when a fair-use limit stops a message, in the language
/// of the message (`lang`: `en`, or Korean with an English line when `None`).
pub fn limit_reached(refusal: Refusal, lang: Option<&str>) -> String {
    let (ko, en) = match refusal {
        Refusal::UserNotAllowed => (
            "미안, 나는 지금 정해진 사람들하고만 이야기하고 있어. 운영자에게 물어봐 줄래?".to_string(),
            "Sorry, I'm only talking with a set group of people right now. Please ask the operator.".to_string(),
        ),
        Refusal::ChatNotAllowed => (
            "미안, 이 방에서는 내가 이야기할 수 없어.".to_string(),
            "Sorry, I can't talk in this chat.".to_string(),
        ),
        Refusal::TooFast { wait_secs } => (
            format!("잠깐, 조금 천천히 얘기하자. {wait_secs}초 뒤에 다시 보내 줘. 나 여기 있어."),
            format!("Let's slow down a little: send it again in {wait_secs} s. I'm still here."),
        ),
        Refusal::DailyMessages | Refusal::DailyTokens => (
            "오늘은 이야기를 정말 많이 나눴네. 오늘 쓸 수 있는 만큼 다 써서, 내일(UTC 자정 뒤) 다시 얘기하자. /usage 로 확인할 수 있어.".to_string(),
            "We've talked a lot today and your daily limit is used up; let's talk again tomorrow (after midnight UTC). /usage shows it.".to_string(),
        ),
        Refusal::BotTokens => (
            "미안, 오늘은 내가 답장을 쓸 수 있는 양을 다 썼어. 내일(UTC 자정 뒤) 다시 얘기하자.".to_string(),
            "Sorry, I've written all the replies I can for today; let's talk again tomorrow (after midnight UTC).".to_string(),
        ),
    };
    match lang {
        Some("en") => en,
        Some(_) => ko,
        None => format!("{ko}\n({en})"),
    }
}

/// `/usage`: what the user has used today, against the daily limits (0: none).
pub fn usage(used: Usage, (message_limit, token_limit): (u64, u64)) -> String {
    let of = |limit: u64| match limit {
        0 => String::new(),
        limit => format!(" / {limit}"),
    };
    format!(
        "오늘(UTC) 쓴 양이야: 메시지 {}{}개, 언어 모델 토큰 약 {}{}.\n         (Today, UTC: {}{} messages, about {}{} language-model tokens.)",
        used.messages,
        of(message_limit),
        used.tokens,
        of(token_limit),
        used.messages,
        of(message_limit),
        used.tokens,
        of(token_limit),
    )
}

/// "Not how I feel", first step.
pub fn which_group() -> String {
    "어떤 감정에 더 가까웠어? 골라 주면 기억해 둘게. (Which is closer to how you feel?)".to_string()
}

/// "Not how I feel", a group picked.
pub fn which_emotion(group: crate::emotion::EmotionGroup) -> String {
    format!(
        "{} 쪽이구나. 이 중에 어떤 거야? ({}: which one?)",
        group.korean(),
        group.english()
    )
}

/// "Not how I feel", stored.
pub fn correction_saved(label: &crate::emotion::EmotionLabel) -> String {
    let name = if std::ptr::eq(label, label.group.label()) {
        label.group.korean()
    } else {
        label.sub
    };
    format!(
        "알려줘서 고마워. {} {name}(이)었구나, 잘못 읽어서 미안해. 기억해 둘게. \
         이 마음에 맞게 다시 답해 줄까? 🔄\n(Thank you for telling me — noted. Shall I answer again for it? 🔄)",
        label.emoji
    )
}

/// `/feel` with nothing to correct.
pub fn nothing_to_correct() -> String {
    "고칠 메시지가 아직 없어. 먼저 이야기해 줘. (There is no message of yours to correct yet.)"
        .to_string()
}

/// `/feel` with an emotion Maeum does not know.
pub fn unknown_feeling(name: &str) -> String {
    format!(
        "'{name}'은(는) 내가 아는 감정 이름이 아니야. 예: /feel 우울한, /feel 슬픔, /feel E24 \
         (Not an emotion I know: try a fine name, a group or a code.)"
    )
}

/// `/mood` with nothing counted yet.
pub fn no_mood_yet() -> String {
    "아직 기록된 감정이 없어. 이야기를 나누다 보면 최근 7일·30일 흐름을 보여 줄게.\n\
     (No emotions recorded yet: after we talk for a while, this shows your last 7 and 30 days.)"
        .to_string()
}

/// `/mood`: the groups read over the last 7 and 30 days, most frequent
/// first, with a small bar each (the chart's caption where there is one).
pub fn mood(arc: &crate::mood::Mood) -> String {
    let lines = |counts: &crate::mood::Counts| -> String {
        let ranked = counts.ranked();
        if ranked.is_empty() {
            return "  -".to_string();
        }
        let total = counts.total().max(1);
        ranked
            .iter()
            .map(|(group, n)| {
                let bar = "■".repeat(((n * 10).div_ceil(total)) as usize);
                format!("  {} ({}) {bar} {n}", group.korean(), group.english())
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    format!(
        "요즘 내 마음 흐름이야 (너만 볼 수 있어). 메시지마다 읽은 감정의 큰 갈래를 셌어.\n\
         (Your recent emotions, only for you: the group read from each message.)\n\n\
         지난 7일 (last 7 days) — {}회\n{}\n\n지난 30일 (last 30 days) — {}회\n{}",
        arc.week.total(),
        lines(&arc.week),
        arc.month.total(),
        lines(&arc.month)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const FACTS: PrivacyFacts = PrivacyFacts {
        notice_version: 3,
        require_consent: true,
        retention_days: 90,
        encrypted: true,
        sends_to_llm: true,
        masks_personal_data: true,
        detects_crisis: true,
        stored_where: (
            "봇이 실행되는 폴더의 SQLite 파일",
            "a SQLite file in the folder the bot runs in",
        ),
        training_export: false,
        summarizes: true,
    };

    #[test]
    fn the_notice_and_privacy_text_follow_the_configuration() {
        let notice = consent_notice(&FACTS);
        assert!(notice.contains("v3") && notice.contains("/accept"));
        assert!(notice.contains("90일") && notice.contains("90 days"));
        let text = privacy(&FACTS);
        assert!(text.contains("90일") && text.contains("암호화(") && text.contains("v3"));
        assert!(text.contains("language model server"));
        assert!(text.contains("masked") && text.contains("crisis lines"));
        assert!(text.contains("summarised by the language model server"));

        let other = PrivacyFacts {
            require_consent: false,
            retention_days: 0,
            encrypted: false,
            sends_to_llm: false,
            detects_crisis: false,
            summarizes: false,
            ..FACTS
        };
        let notice = consent_notice(&other);
        assert!(notice.contains("kept until you delete them") && !notice.contains("90"));
        let text = privacy(&other);
        assert!(text.contains("unencrypted") && !text.contains("XChaCha20"));
        assert!(text.contains("not sent elsewhere") && !text.contains("language model server"));
        assert!(text.contains("from the first message") && !text.contains("/accept"));
        assert!(
            !text.contains("masked"),
            "nothing is sent, so nothing is masked"
        );
        assert!(!text.contains("crisis lines"));
        assert!(!text.contains("summar"));
        let offline_summaries = privacy(&PrivacyFacts {
            summarizes: true,
            ..other
        });
        assert!(offline_summaries.contains("kept as a short note"));
    }
}
