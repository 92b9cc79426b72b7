//! `/admin`: statistics (counts only, never texts) and clearing one user's or
//! one chat's history, for operators named in `admin.ids` and, for their own
//! chat, chat administrators. Everyone else is refused; every admin action
//! and every refusal is logged (the process log, not the database).
//!
//! The chat-administrator contract with adapters: set
//! [`Incoming::is_chat_admin`] only when the platform says the sender
//! administers the group or server the message came from (Discord: the
//! Administrator or Manage Server permission there). A chat administrator
//! may then, in a group chat, see that chat's statistics and clear that chat
//! (`/admin clear chat` with no id, or this chat's own id); nothing else.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate, Utc};
use tracing::{info, warn};

use super::{Incoming, Outgoing, Pipeline, texts};
use crate::emotion::{EmotionGroup, EmotionLabel};
use crate::eval::feedback::FeedbackReport;
use crate::store::{StatsScope, StoreStats, UserKey};

/// Days of statistics shown by default and at most.
const DEFAULT_STATS_DAYS: u32 = 7;
const MAX_STATS_DAYS: u32 = 90;

/// Who may administer (from `[admin]`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AdminOptions {
    /// Operators, by platform and user id.
    pub operators: Vec<UserKey>,
    /// Whether chat administrators (as adapters report them) have power over their own chat.
    pub chat_admins: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Request {
    Stats {
        days: u32,
    },
    ClearUser(UserKey),
    /// Platform and chat id; `None`: the chat the command was sent in.
    ClearChat {
        platform: Option<String>,
        chat_id: Option<String>,
    },
    Usage,
}

impl Request {
    fn parse(args: &str) -> Request {
        let words: Vec<&str> = args.split_whitespace().collect();
        match words.as_slice() {
            ["stats"] => Request::Stats {
                days: DEFAULT_STATS_DAYS,
            },
            ["stats", days] => match days.parse() {
                Ok(days) if (1..=MAX_STATS_DAYS).contains(&days) => Request::Stats { days },
                _ => Request::Usage,
            },
            ["clear", "user", platform, user_id] => {
                Request::ClearUser(UserKey::new(*platform, *user_id))
            }
            ["clear", "chat"] => Request::ClearChat {
                platform: None,
                chat_id: None,
            },
            ["clear", "chat", chat_id] => Request::ClearChat {
                platform: None,
                chat_id: Some(chat_id.to_string()),
            },
            ["clear", "chat", platform, chat_id] => Request::ClearChat {
                platform: Some(platform.to_string()),
                chat_id: Some(chat_id.to_string()),
            },
            _ => Request::Usage,
        }
    }

    fn name(&self) -> &'static str {
        match self {
            Request::Stats { .. } => "stats",
            Request::ClearUser(_) => "clear_user",
            Request::ClearChat { .. } => "clear_chat",
            Request::Usage => "usage",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Authority {
    Operator,
    /// Administers the group this message came from.
    ChatAdmin,
    Nobody,
}

impl Pipeline {
    pub fn with_admins(mut self, options: AdminOptions) -> Pipeline {
        self.admins = options;
        self
    }

    fn authority(&self, message: &Incoming) -> Authority {
        if self.admins.operators.contains(&message.user()) {
            Authority::Operator
        } else if self.admins.chat_admins && message.is_group && message.is_chat_admin {
            Authority::ChatAdmin
        } else {
            Authority::Nobody
        }
    }

    /// Runs `/admin <args>` for the sender of `message`. Answers are private.
    pub(super) async fn admin(&self, message: &Incoming, args: &str) -> Outgoing {
        let request = Request::parse(args);
        let authority = self.authority(message);
        let this_chat = (message.platform.as_str(), message.chat_id.as_str());
        let allowed = match (&request, authority) {
            (_, Authority::Nobody) => false,
            (_, Authority::Operator) => true,
            (Request::Usage | Request::Stats { .. }, Authority::ChatAdmin) => true,
            (Request::ClearUser(_), Authority::ChatAdmin) => false,
            (Request::ClearChat { platform, chat_id }, Authority::ChatAdmin) => {
                platform.as_deref().is_none_or(|p| p == this_chat.0)
                    && chat_id.as_deref().is_none_or(|c| c == this_chat.1)
            }
        };
        if !allowed {
            warn!(
                platform = %message.platform,
                user_id = %message.user_id,
                chat_id = %message.chat_id,
                action = request.name(),
                authority = ?authority,
                "admin command refused"
            );
            return Outgoing::private_command(texts::admin_refused());
        }

        let result = match &request {
            Request::Usage => return Outgoing::private_command(texts::admin_usage()),
            Request::Stats { days } => {
                let scope = match authority {
                    Authority::Operator => StatsScope::All,
                    _ => StatsScope::Chat {
                        platform: this_chat.0.to_string(),
                        chat_id: this_chat.1.to_string(),
                    },
                };
                self.admin_stats(&scope, *days).await
            }
            Request::ClearUser(target) => self.store.clear_history(target).await.map(|deleted| {
                info!(
                    admin_platform = %message.platform,
                    admin_id = %message.user_id,
                    action = "clear_user",
                    target_platform = %target.platform,
                    target_user_id = %target.user_id,
                    deleted,
                    "admin action"
                );
                texts::admin_cleared_user(deleted)
            }),
            Request::ClearChat { platform, chat_id } => {
                let platform = platform.as_deref().unwrap_or(this_chat.0);
                let chat_id = chat_id.as_deref().unwrap_or(this_chat.1);
                self.store
                    .clear_chat(platform, chat_id)
                    .await
                    .map(|deleted| {
                        info!(
                            admin_platform = %message.platform,
                            admin_id = %message.user_id,
                            authority = ?authority,
                            action = "clear_chat",
                            target_platform = %platform,
                            target_chat_id = %chat_id,
                            deleted,
                            "admin action"
                        );
                        texts::admin_cleared_chat(deleted)
                    })
            }
        };
        match result {
            Ok(text) => Outgoing::private_command(text),
            Err(error) => {
                warn!(%error, action = request.name(), "admin command failed in the store");
                Outgoing::private_command(texts::store_unavailable())
            }
        }
    }

    async fn admin_stats(
        &self,
        scope: &StatsScope,
        days: u32,
    ) -> Result<String, crate::store::StoreError> {
        let today = Utc::now().date_naive();
        let first_day = today - Duration::days(i64::from(days) - 1);
        let since = first_day.and_time(chrono::NaiveTime::MIN).and_utc();
        let stats = self
            .store
            .stats(scope, since, self.privacy.notice_version)
            .await?;
        info!(action = "stats", scope = ?scope_kind(scope), days, "admin action");
        let mut text = render_stats(
            &stats,
            scope,
            days,
            self.crisis_events(),
            self.privacy.notice_version,
        );
        if *scope == StatsScope::All {
            let today = self.total_usage_today().await?;
            text.push_str(&format!(
                "\n오늘 답장 replies today (UTC): {} · 언어 모델 토큰 LLM tokens (estimated): {}",
                today.messages, today.tokens
            ));
            let counts = self.store.feedback_counts(since).await?;
            text.push_str(&format!("\n{}", FeedbackReport::of(&counts, days)));
        }
        Ok(text)
    }
}

fn scope_kind(scope: &StatsScope) -> &'static str {
    match scope {
        StatsScope::All => "all",
        StatsScope::Chat { .. } => "chat",
    }
}

/// The statistics as text: counts only.
fn render_stats(
    stats: &StoreStats,
    scope: &StatsScope,
    days: u32,
    crisis_events: u64,
    notice_version: i64,
) -> String {
    let mut lines = vec![match scope {
        StatsScope::All => "📊 통계: 전체 (Statistics: everything)".to_string(),
        StatsScope::Chat { .. } => "📊 통계: 이 채팅 (Statistics: this chat)".to_string(),
    }];
    let mut users = format!("사용자 users: {}", stats.users);
    if let Some(consented) = stats.consented_users {
        users.push_str(&format!(
            " · 안내 v{notice_version} 동의 accepted: {consented}"
        ));
    }
    if let Some(opted_out) = stats.opted_out {
        users.push_str(&format!(" · 저장 중지 opted out: {opted_out}"));
    }
    lines.push(users);
    lines.push(format!(
        "메시지 messages: {} · 최근 {days}일 last {days} days: {}",
        stats.messages, stats.messages_since
    ));
    lines.push(format!(
        "위기 감지 crisis detections (since start): {crisis_events}"
    ));
    lines.push(format!(
        "감정 그룹별 메시지, 최근 {days}일, UTC (messages by emotion group, last {days} days, UTC days):"
    ));
    // Per day: the six groups in taxonomy order, then messages without an emotion.
    let mut by_day: BTreeMap<NaiveDate, [i64; 7]> = BTreeMap::new();
    for count in &stats.emotions_by_day {
        let slot = count
            .emotion_code
            .as_deref()
            .and_then(EmotionLabel::by_code)
            .and_then(|label| EmotionGroup::ALL.iter().position(|g| *g == label.group))
            .unwrap_or(6);
        by_day.entry(count.day).or_default()[slot] += count.messages;
    }
    if by_day.is_empty() {
        lines.push("  (없음 none)".to_string());
    }
    for (day, counts) in by_day {
        let parts: Vec<String> = counts
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
            .map(|(slot, n)| match EmotionGroup::ALL.get(slot) {
                Some(group) => format!("{} {n}", group.korean()),
                None => format!("감정 없음 none {n}"),
            })
            .collect();
        lines.push(format!("  {day}  {}", parts.join(" · ")));
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admin_arguments_parse_or_show_usage() {
        assert_eq!(Request::parse("stats"), Request::Stats { days: 7 });
        assert_eq!(Request::parse(" stats  30 "), Request::Stats { days: 30 });
        assert_eq!(Request::parse("stats 0"), Request::Usage);
        assert_eq!(Request::parse("stats 91"), Request::Usage);
        assert_eq!(
            Request::parse("clear user telegram 42"),
            Request::ClearUser(UserKey::new("telegram", "42"))
        );
        assert_eq!(Request::parse("clear user telegram"), Request::Usage);
        assert_eq!(
            Request::parse("clear chat"),
            Request::ClearChat {
                platform: None,
                chat_id: None
            }
        );
        assert_eq!(
            Request::parse("clear chat discord 99"),
            Request::ClearChat {
                platform: Some("discord".into()),
                chat_id: Some("99".into())
            }
        );
        for usage in ["", "help", "clear", "clear everything", "stats x"] {
            assert_eq!(Request::parse(usage), Request::Usage, "{usage:?}");
        }
    }
}
