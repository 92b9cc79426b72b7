//! Fair use: who may talk to the bot (allow- and block-lists of users and of
//! chats) and how much (messages a minute, and messages and language-model
//! tokens a UTC day per user and for the whole bot). The lists and the
//! per-minute window are decided here, in memory (the window per process);
//! the daily counts come from the store, so they hold across restarts and
//! replicas — except for people who are not remembered (no consent yet,
//! opted out), whose counts (and their share of the whole bot's) stay here,
//! in memory and per process, so nothing at all is stored for them. Refusals are answered by the pipeline with [`super::texts`].

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::NaiveDate;

use super::Incoming;
use crate::config::{LimitSettings, platform_id};
use crate::store::{Usage, UserKey};

/// Why a message is not answered as usual.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The user is blocked, or not on the allow-list.
    UserNotAllowed,
    /// The group, channel or server is blocked, or not on the allow-list.
    ChatNotAllowed,
    /// More messages this minute than allowed; the next is welcome in `wait_secs`.
    TooFast { wait_secs: u64 },
    /// The user's messages for today are used up.
    DailyMessages,
    /// The user's language-model tokens for today are used up.
    DailyTokens,
    /// The whole bot's language-model tokens for today are used up.
    BotTokens,
}

impl Refusal {
    /// The limit's name in metrics.
    pub fn name(self) -> &'static str {
        match self {
            Refusal::UserNotAllowed => "user_not_allowed",
            Refusal::ChatNotAllowed => "chat_not_allowed",
            Refusal::TooFast { .. } => "messages_per_minute",
            Refusal::DailyMessages => "daily_messages",
            Refusal::DailyTokens => "daily_tokens",
            Refusal::BotTokens => "global_daily_tokens",
        }
    }
}

/// An allow-list (empty: everyone) and a block-list of `(platform, id)`.
#[derive(Debug, Default)]
struct Access {
    allowed: HashSet<(String, String)>,
    blocked: HashSet<(String, String)>,
}

impl Access {
    fn new(allowed: &[String], blocked: &[String]) -> Access {
        let parse = |entries: &[String]| {
            entries
                .iter()
                .filter_map(|entry| platform_id(entry))
                .map(|(platform, id)| (platform.to_string(), id.to_string()))
                .collect()
        };
        Access {
            allowed: parse(allowed),
            blocked: parse(blocked),
        }
    }

    /// Whether any of `ids` (one thing's names on `platform`: a channel and
    /// its server) lets it in: none blocked, and one allowed if any must be.
    fn admits(&self, platform: &str, ids: &[&str]) -> bool {
        let named = |set: &HashSet<(String, String)>| {
            ids.iter()
                .any(|id| set.contains(&(platform.to_string(), id.to_string())))
        };
        !named(&self.blocked) && (self.allowed.is_empty() || named(&self.allowed))
    }
}

/// The limits in force, and each user's messages of the last minute.
#[derive(Debug, Default)]
pub struct FairUse {
    users: Access,
    chats: Access,
    messages_per_minute: u32,
    daily_messages: u64,
    daily_tokens: u64,
    global_daily_tokens: u64,
    recent: Mutex<HashMap<UserKey, VecDeque<Instant>>>,
    /// Today's counts of users not remembered (no consent, opted out), who
    /// leave no row in the store: kept here, per process.
    unstored: Mutex<HashMap<UserKey, (NaiveDate, Usage)>>,
    /// Their sum: the whole bot's count beyond the store's.
    unstored_total: Mutex<(NaiveDate, Usage)>,
}

const MINUTE: Duration = Duration::from_secs(60);
/// Users remembered before those with no message in the last minute are forgotten.
const PRUNE_ABOVE: usize = 4096;

impl FairUse {
    pub fn new(settings: &LimitSettings) -> FairUse {
        FairUse {
            users: Access::new(&settings.allowed_users, &settings.blocked_users),
            chats: Access::new(&settings.allowed_chats, &settings.blocked_chats),
            messages_per_minute: settings.messages_per_minute,
            daily_messages: settings.daily_messages,
            daily_tokens: settings.daily_tokens,
            global_daily_tokens: settings.global_daily_tokens,
            recent: Mutex::new(HashMap::new()),
            unstored: Mutex::new(HashMap::new()),
            unstored_total: Mutex::default(),
        }
    }

    /// Counts a reply for a user who is not remembered, on `day`.
    pub fn add_unstored(&self, user: &UserKey, tokens: u64, day: NaiveDate) {
        let mut unstored = self.unstored.lock().unwrap_or_else(|p| p.into_inner());
        if unstored.len() > PRUNE_ABOVE {
            unstored.retain(|_, (on, _)| *on == day);
        }
        let entry = unstored
            .entry(user.clone())
            .or_insert((day, Usage::default()));
        if entry.0 != day {
            *entry = (day, Usage::default());
        }
        entry.1 = entry.1.plus(one_message(tokens));
        drop(unstored);
        let mut total = self
            .unstored_total
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        if total.0 != day {
            *total = (day, Usage::default());
        }
        total.1 = total.1.plus(one_message(tokens));
    }

    /// What the users who are not remembered have used on `day`, together.
    pub fn unstored_total(&self, day: NaiveDate) -> Usage {
        let total = self
            .unstored_total
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        if total.0 == day {
            total.1
        } else {
            Usage::default()
        }
    }

    /// What a user who is not remembered has used on `day`, in this process.
    pub fn unstored(&self, user: &UserKey, day: NaiveDate) -> Usage {
        let unstored = self.unstored.lock().unwrap_or_else(|p| p.into_inner());
        match unstored.get(user) {
            Some((on, usage)) if *on == day => *usage,
            _ => Usage::default(),
        }
    }

    /// The per-user daily limits (messages, tokens), 0 where there is none.
    pub fn daily_limits(&self) -> (u64, u64) {
        (self.daily_messages, self.daily_tokens)
    }

    /// Whether the daily budgets need today's counts.
    pub fn has_daily_budgets(&self) -> bool {
        self.daily_messages > 0 || self.daily_tokens > 0 || self.global_daily_tokens > 0
    }

    /// Whether the lists let `user` talk to the bot at all.
    pub fn admits_user(&self, user: &UserKey) -> Result<(), Refusal> {
        if self.users.admits(&user.platform, &[&user.user_id]) {
            Ok(())
        } else {
            Err(Refusal::UserNotAllowed)
        }
    }

    /// Whether the lists let `message`'s writer talk to the bot, there.
    /// Private chats are governed by the user lists alone.
    pub fn admits(&self, message: &Incoming) -> Result<(), Refusal> {
        self.admits_user(&message.user())?;
        let mut chat = vec![message.chat_id.as_str()];
        chat.extend(message.server_id.as_deref());
        if message.is_group && !self.chats.admits(&message.platform, &chat) {
            return Err(Refusal::ChatNotAllowed);
        }
        Ok(())
    }

    /// Counts a message of `user` at `now` if the per-minute limit allows it.
    pub fn take_minute_slot(&self, user: &UserKey, now: Instant) -> Result<(), Refusal> {
        let limit = self.messages_per_minute as usize;
        if limit == 0 {
            return Ok(());
        }
        // A poisoned map only means a thread panicked mid-update; it is still usable.
        let mut recent = self.recent.lock().unwrap_or_else(|p| p.into_inner());
        if recent.len() > PRUNE_ABOVE {
            recent.retain(|_, times| times.back().is_some_and(|t| now - *t < MINUTE));
        }
        let times = recent.entry(user.clone()).or_default();
        while times
            .front()
            .is_some_and(|t| now.duration_since(*t) >= MINUTE)
        {
            times.pop_front();
        }
        if times.len() >= limit {
            let oldest = times.front().copied().unwrap_or(now);
            let wait = MINUTE.saturating_sub(now.duration_since(oldest));
            return Err(Refusal::TooFast {
                wait_secs: wait.as_secs_f64().ceil().max(1.0) as u64,
            });
        }
        times.push_back(now);
        Ok(())
    }

    /// Whether today's counts of the user (`mine`) and of the whole bot
    /// (`bot`) leave room for one more reply.
    pub fn within_budget(&self, mine: Usage, bot: Usage) -> Result<(), Refusal> {
        let reached = |used: u64, limit: u64| limit > 0 && used >= limit;
        if reached(mine.messages, self.daily_messages) {
            Err(Refusal::DailyMessages)
        } else if reached(mine.tokens, self.daily_tokens) {
            Err(Refusal::DailyTokens)
        } else if reached(bot.tokens, self.global_daily_tokens) {
            Err(Refusal::BotTokens)
        } else {
            Ok(())
        }
    }
}

/// One message using `tokens`.
fn one_message(tokens: u64) -> Usage {
    Usage {
        messages: 1,
        tokens,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(change: impl FnOnce(&mut LimitSettings)) -> FairUse {
        let mut settings = LimitSettings::default();
        change(&mut settings);
        FairUse::new(&settings)
    }

    fn group_message(platform: &str, user: &str, chat: &str, server: Option<&str>) -> Incoming {
        Incoming {
            chat_id: chat.into(),
            is_group: true,
            server_id: server.map(str::to_string),
            ..Incoming::private(platform, user, "안녕")
        }
    }

    #[test]
    fn with_no_lists_everyone_is_admitted() {
        let open = settings(|_| {});
        assert_eq!(
            open.admits(&Incoming::private("telegram", "1", "hi")),
            Ok(())
        );
        assert_eq!(
            open.admits(&group_message("discord", "2", "9", Some("7"))),
            Ok(())
        );
        assert!(!open.has_daily_budgets());
    }

    #[test]
    fn allow_and_block_lists_decide_who_and_where() {
        let limited = settings(|s| {
            s.allowed_users = vec!["telegram:1".into(), "discord:2".into()];
            s.blocked_users = vec!["discord:2".into()];
            s.allowed_chats = vec!["discord:7".into()];
            s.blocked_chats = vec!["telegram:-100".into()];
        });
        assert_eq!(
            limited.admits(&Incoming::private("telegram", "1", "hi")),
            Ok(())
        );
        assert_eq!(
            limited.admits(&Incoming::private("telegram", "3", "hi")),
            Err(Refusal::UserNotAllowed),
            "not on the allow-list"
        );
        assert_eq!(
            limited.admits(&Incoming::private("discord", "1", "hi")),
            Err(Refusal::UserNotAllowed),
            "the same id on another platform is someone else"
        );
        assert_eq!(
            limited.admits(&Incoming::private("discord", "2", "hi")),
            Err(Refusal::UserNotAllowed),
            "blocked wins over allowed"
        );
        // Chats: a Discord channel admitted by its server's entry.
        assert_eq!(
            limited.admits(&group_message("discord", "2", "9", Some("7"))),
            Err(Refusal::UserNotAllowed)
        );
        let open_users = settings(|s| {
            s.allowed_chats = vec!["discord:7".into()];
            s.blocked_chats = vec!["telegram:-100".into(), "discord:99".into()];
        });
        assert_eq!(
            open_users.admits(&group_message("discord", "5", "9", Some("7"))),
            Ok(())
        );
        assert_eq!(
            open_users.admits(&group_message("discord", "5", "9", Some("8"))),
            Err(Refusal::ChatNotAllowed)
        );
        assert_eq!(
            open_users.admits(&group_message("discord", "5", "99", Some("7"))),
            Err(Refusal::ChatNotAllowed),
            "a blocked channel in an allowed server"
        );
        assert_eq!(
            open_users.admits(&group_message("telegram", "5", "-100", None)),
            Err(Refusal::ChatNotAllowed)
        );
        assert_eq!(
            open_users.admits(&Incoming::private("telegram", "5", "hi")),
            Ok(()),
            "private chats are not on the chat lists"
        );
    }

    #[test]
    fn the_minute_window_admits_its_limit_then_says_how_long_to_wait() {
        let limited = settings(|s| s.messages_per_minute = 2);
        let alice = UserKey::new("telegram", "1");
        let bob = UserKey::new("telegram", "2");
        let start = Instant::now();
        assert_eq!(limited.take_minute_slot(&alice, start), Ok(()));
        assert_eq!(
            limited.take_minute_slot(&alice, start + Duration::from_secs(20)),
            Ok(())
        );
        assert_eq!(
            limited.take_minute_slot(&alice, start + Duration::from_secs(30)),
            Err(Refusal::TooFast { wait_secs: 30 })
        );
        assert_eq!(limited.take_minute_slot(&bob, start), Ok(()), "per user");
        // The first message has left the window.
        assert_eq!(limited.take_minute_slot(&alice, start + MINUTE), Ok(()));
        // Off: never refused.
        let open = settings(|_| {});
        for _ in 0..100 {
            assert_eq!(open.take_minute_slot(&alice, start), Ok(()));
        }
    }

    #[test]
    fn the_unstored_count_is_per_user_and_starts_again_each_day() {
        let fair = settings(|_| {});
        let alice = UserKey::new("telegram", "1");
        let today = NaiveDate::from_ymd_opt(2026, 12, 5).unwrap();
        let tomorrow = today.succ_opt().unwrap();
        fair.add_unstored(&alice, 100, today);
        fair.add_unstored(&alice, 20, today);
        assert_eq!(
            fair.unstored(&alice, today),
            Usage {
                messages: 2,
                tokens: 120
            }
        );
        assert_eq!(
            fair.unstored(&UserKey::new("telegram", "2"), today),
            Usage::default()
        );
        assert_eq!(fair.unstored(&alice, tomorrow), Usage::default());
        fair.add_unstored(&UserKey::new("telegram", "2"), 1, today);
        assert_eq!(
            fair.unstored_total(today),
            Usage {
                messages: 3,
                tokens: 121
            }
        );
        fair.add_unstored(&alice, 5, tomorrow);
        assert_eq!(
            fair.unstored(&alice, tomorrow),
            Usage {
                messages: 1,
                tokens: 5
            }
        );
        assert_eq!(
            fair.unstored_total(tomorrow),
            Usage {
                messages: 1,
                tokens: 5
            }
        );
    }

    #[test]
    fn daily_budgets_refuse_once_reached() {
        let limited = settings(|s| {
            s.daily_messages = 3;
            s.daily_tokens = 1000;
            s.global_daily_tokens = 5000;
        });
        let usage = |messages, tokens| Usage { messages, tokens };
        assert_eq!(limited.within_budget(usage(2, 999), usage(0, 4999)), Ok(()));
        assert_eq!(
            limited.within_budget(usage(3, 0), usage(0, 0)),
            Err(Refusal::DailyMessages)
        );
        assert_eq!(
            limited.within_budget(usage(0, 1000), usage(0, 0)),
            Err(Refusal::DailyTokens)
        );
        assert_eq!(
            limited.within_budget(usage(0, 0), usage(0, 5000)),
            Err(Refusal::BotTokens)
        );
        let open = settings(|_| {});
        assert_eq!(
            open.within_budget(usage(1 << 40, 1 << 40), usage(1 << 40, 1 << 40)),
            Ok(())
        );
    }
}
