//! What the bot says outside of conversation: help, privacy notice, command answers.
//! Korean first (the bot's voice is casual 반말), with an English line where it matters.

use super::command::Command;

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

pub fn start(name: Option<&str>) -> String {
    let hello = match name {
        Some(name) if !name.trim().is_empty() => format!("안녕, {}! ", name.trim()),
        _ => "안녕! ".to_string(),
    };
    format!(
        "{hello}나는 마음이야. 오늘 있었던 일이나 마음에 걸리는 거, 편하게 얘기해 줘.\n\
         대화를 기억하려고 네 메시지와 내 답장을 저장해. 자세한 건 /privacy, 지우려면 /reset 이나 /optout.\n\
         (Hi! Tell me about your day. I store our conversation to remember it: /privacy explains, /reset or /optout deletes.)"
    )
}

/// Must describe exactly what the code stores and deletes.
pub fn privacy() -> String {
    "무엇을 저장하냐면 (What is stored)\n\
     • 네 메시지, 내가 읽은 감정(코드와 확률), 내 답장, 어떤 모델이 답했는지, 👍/👎, 시간, 표시 이름\n\
       (your messages, the emotion read from each with its score, my replies, which generator wrote them, your 👍/👎, times, your display name)\n\
     왜 (Why)\n\
     • 대화를 기억하고 네 감정 흐름에 맞춰 대답하려고. 다른 목적으로는 쓰지 않아.\n\
       (to remember our conversation and answer in context; nothing else)\n\
     얼마나 (How long)\n\
     • 네가 지울 때까지. /reset 은 대화를 지우고, /optout 은 너에 관한 모든 기록을 지우고 앞으로 아무것도 저장하지 않아 (/optin 으로 다시 시작).\n\
       (until you delete it: /reset deletes the conversation; /optout deletes everything about you and stores nothing more until /optin)\n\
     • /export 로 저장된 전부를 JSON으로 받을 수 있어. (/export gives you everything stored, as JSON)\n\
     • 답장을 만들 때 최근 대화가 설정된 언어 모델 서버로 보내질 수 있어. (Recent messages are sent to the configured language model to write replies.)"
        .to_string()
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

pub fn store_unavailable() -> String {
    "지금 기록 저장소에 문제가 있어서 그건 할 수 없어. 조금 있다가 다시 해줘. (Storage is unavailable right now.)"
        .to_string()
}
