//! Commands, parsed once here for every adapter.

/// A command a user can send, on any platform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Start,
    Help,
    /// Forget my conversation.
    Reset,
    /// What is stored, why, for how long.
    Privacy,
    /// Delete everything about me and store nothing more.
    OptOut,
    OptIn,
    /// My stored data as JSON.
    Export,
    /// A new reply to my last message (`/regen`, `/regenerate`).
    Regenerate,
    /// I accept the privacy notice (`/accept`, `/agree`, `/동의`).
    Accept,
    /// What I have used today, against the fair-use limits.
    Usage,
    /// My emotional arc: the emotion groups read over the last 7 and 30 days.
    Mood,
    /// "Not how I feel": the emotion my last message had (`/feel 우울한`).
    Feel(String),
    /// An operator command; the text after `/admin`, parsed by `pipeline::admin`.
    Admin(String),
    /// Something that looks like a command but isn't one of ours.
    Unknown(String),
}

impl Command {
    /// The commands users see in menus and `/help`, with Korean and English descriptions.
    pub const MENU: [(&'static str, &'static str, &'static str); 12] = [
        ("start", "마음 시작하기", "Start talking with Maeum"),
        ("help", "도움말", "What Maeum can do"),
        ("reset", "대화 기억 지우기", "Forget our conversation"),
        ("regen", "마지막 답장 다시 쓰기", "Rewrite the last reply"),
        (
            "privacy",
            "무엇을 저장하는지",
            "What is stored, why, for how long",
        ),
        ("export", "내 데이터 받기 (JSON)", "Export my data as JSON"),
        (
            "optout",
            "내 데이터 모두 삭제, 저장 중지",
            "Delete all my data and stop storing",
        ),
        ("optin", "다시 기억하기 시작", "Let Maeum remember again"),
        ("usage", "오늘 쓴 양", "What I've used today"),
        (
            "mood",
            "최근 7일·30일 감정 흐름 (나만 보기)",
            "My last 7 and 30 days by emotion (only to me)",
        ),
        (
            "feel",
            "감정을 잘못 읽었을 때: /feel 우울한",
            "Not how I feel: /feel <emotion>",
        ),
        (
            "accept",
            "저장 안내에 동의하기",
            "Accept the privacy notice",
        ),
    ];

    /// A command that exercises a person's rights over their data, which no
    /// fair-use limit may refuse.
    pub fn is_data_right(&self) -> bool {
        matches!(
            self,
            Command::Privacy
                | Command::Export
                | Command::Reset
                | Command::OptOut
                | Command::Usage
                | Command::Mood
        )
    }

    /// Parses `text` if it is a command: `/name`, `/name@botname`, with or
    /// without arguments (ignored, except `/admin`'s). Returns `None` for
    /// ordinary messages.
    /// `bot_username` (without `@`), when given, makes `/cmd@otherbot` not ours.
    pub fn parse(text: &str, bot_username: Option<&str>) -> Option<Command> {
        let first = text.split_whitespace().next()?;
        let name = first.strip_prefix('/')?;
        let (name, addressee) = match name.split_once('@') {
            Some((name, who)) => (name, Some(who)),
            None => (name, None),
        };
        if let (Some(who), Some(me)) = (addressee, bot_username)
            && !who.eq_ignore_ascii_case(me)
        {
            return None;
        }
        // "/" alone or "/ 안녕" is text, not a command.
        if name.is_empty() {
            return None;
        }
        Some(match name.to_lowercase().as_str() {
            "start" => Command::Start,
            "help" => Command::Help,
            "reset" | "clear" | "forget" => Command::Reset,
            "privacy" => Command::Privacy,
            "optout" | "opt-out" | "opt_out" => Command::OptOut,
            "optin" | "opt-in" | "opt_in" => Command::OptIn,
            "export" => Command::Export,
            "regen" | "regenerate" | "retry" => Command::Regenerate,
            "accept" | "agree" | "동의" => Command::Accept,
            "usage" => Command::Usage,
            "mood" | "기분" => Command::Mood,
            "feel" | "느낌" => Command::Feel(text.trim_start()[first.len()..].trim().to_string()),
            "admin" => Command::Admin(text.trim_start()[first.len()..].trim().to_string()),
            other => Command::Unknown(other.to_string()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_each_command_and_aliases() {
        assert_eq!(Command::parse("/start", None), Some(Command::Start));
        assert_eq!(Command::parse("  /HELP now", None), Some(Command::Help));
        assert_eq!(Command::parse("/reset", None), Some(Command::Reset));
        assert_eq!(Command::parse("/privacy", None), Some(Command::Privacy));
        assert_eq!(Command::parse("/optout", None), Some(Command::OptOut));
        assert_eq!(Command::parse("/opt-in", None), Some(Command::OptIn));
        assert_eq!(Command::parse("/export", None), Some(Command::Export));
        assert_eq!(Command::parse("/regen", None), Some(Command::Regenerate));
        assert_eq!(Command::parse("/usage", None), Some(Command::Usage));
        for accept in ["/accept", "/agree", "/동의", "/Accept@maeumbot"] {
            assert_eq!(
                Command::parse(accept, None),
                Some(Command::Accept),
                "{accept}"
            );
        }
        assert_eq!(
            Command::parse("/admin  clear user telegram 42 ", None),
            Some(Command::Admin("clear user telegram 42".into()))
        );
        assert_eq!(
            Command::parse("/admin@maeumbot stats", Some("maeumbot")),
            Some(Command::Admin("stats".into()))
        );
        assert_eq!(
            Command::parse("/admin", None),
            Some(Command::Admin(String::new()))
        );
        assert_eq!(
            Command::parse("/dance", None),
            Some(Command::Unknown("dance".into()))
        );
    }

    #[test]
    fn ordinary_text_is_not_a_command() {
        assert_eq!(Command::parse("오늘 너무 힘들었어", None), None);
        assert_eq!(Command::parse("/", None), None);
        assert_eq!(Command::parse("/ 안녕", None), None);
        assert_eq!(Command::parse("", None), None);
        assert_eq!(Command::parse("1/2 done", None), None);
    }

    #[test]
    fn addressed_commands_only_count_for_this_bot() {
        assert_eq!(
            Command::parse("/reset@MaeumBot", Some("maeumbot")),
            Some(Command::Reset)
        );
        assert_eq!(Command::parse("/reset@OtherBot", Some("maeumbot")), None);
        assert_eq!(Command::parse("/reset@AnyBot", None), Some(Command::Reset));
    }
}
