//! Spacing the bot's writes to Telegram, the one place its limits are kept:
//! about one message (or edit) a second in a chat, 20 a minute in a group,
//! and about 30 a second for the whole bot. Streaming by edits would exceed
//! them; a 429 in a chat holds that chat's next writes until it has passed.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use teloxide::types::ChatId;
use tokio::time::Instant;

/// Chats remembered before those with no pending slot are forgotten.
const PRUNE_ABOVE: usize = 4096;

/// The least time between two writes, by where they go.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Pace {
    /// In a private chat.
    pub private: Duration,
    /// In a group, supergroup or channel.
    pub group: Duration,
    /// Anywhere, across all chats.
    pub global: Duration,
}

impl Pace {
    /// `per_chat`: the least time between writes in one chat; groups get at
    /// most `group_per_minute` writes a minute, the bot `global_per_second`.
    pub(crate) fn new(per_chat: Duration, group_per_minute: u32, global_per_second: u32) -> Pace {
        let per = |window: Duration, count: u32| window / count.max(1);
        Pace {
            private: per_chat,
            group: per_chat.max(per(Duration::from_secs(60), group_per_minute)),
            global: per(Duration::from_secs(1), global_per_second),
        }
    }

    fn in_chat(&self, chat: ChatId) -> Duration {
        if chat.is_user() {
            self.private
        } else {
            self.group
        }
    }
}

/// The earliest moment the bot may write next, in each chat and at all.
pub(crate) struct ChatPacer {
    pace: Pace,
    slots: Mutex<Slots>,
}

struct Slots {
    chats: HashMap<ChatId, Instant>,
    global: Instant,
}

impl ChatPacer {
    pub(crate) fn new(pace: Pace) -> ChatPacer {
        ChatPacer {
            pace,
            slots: Mutex::new(Slots {
                chats: HashMap::new(),
                global: Instant::now(),
            }),
        }
    }

    /// When the next write in `chat` may happen (now or in the past: at once).
    pub(crate) fn next_slot(&self, chat: ChatId) -> Instant {
        let slots = self.lock();
        slots.chats.get(&chat).copied().unwrap_or_else(Instant::now)
    }

    /// Takes the chat's next slot and waits for it, then for the bot's next
    /// slot (taken only then, so a chat waiting its turn holds no one else up).
    pub(crate) async fn wait_turn(&self, chat: ChatId) {
        let slot = self.take_chat_slot(chat, Instant::now());
        tokio::time::sleep_until(slot).await;
        let slot = self.take_global_slot(Instant::now());
        tokio::time::sleep_until(slot).await;
    }

    /// The chat's next slot at `now`, which the caller takes.
    fn take_chat_slot(&self, chat: ChatId, now: Instant) -> Instant {
        let interval = self.pace.in_chat(chat);
        let mut slots = self.lock();
        if slots.chats.len() > PRUNE_ABOVE {
            slots.chats.retain(|_, at| *at > now);
        }
        let slot = slots.chats.get(&chat).copied().unwrap_or(now).max(now);
        slots.chats.insert(chat, slot + interval);
        slot
    }

    /// The bot's next slot at `now`, which the caller takes.
    fn take_global_slot(&self, now: Instant) -> Instant {
        let mut slots = self.lock();
        let slot = slots.global.max(now);
        slots.global = slot + self.pace.global;
        slot
    }

    /// Telegram asked for a pause in `chat` (a 429): nobody writes there before `until`.
    pub(crate) fn hold(&self, chat: ChatId, until: Instant) {
        let mut slots = self.lock();
        let at = slots.chats.entry(chat).or_insert(until);
        *at = (*at).max(until);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Slots> {
        // A poisoned map only means another thread panicked mid-insert; it is still usable.
        self.slots.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECOND: Duration = Duration::from_secs(1);
    const PRIVATE: ChatId = ChatId(1);
    const OTHER: ChatId = ChatId(2);
    const GROUP: ChatId = ChatId(-100_200_300);

    fn pacer() -> ChatPacer {
        ChatPacer::new(Pace::new(SECOND, 20, 30))
    }

    #[test]
    fn writes_in_one_chat_are_spaced_and_other_chats_are_not_held_up() {
        let pacer = pacer();
        let now = Instant::now();
        assert_eq!(pacer.take_chat_slot(PRIVATE, now), now);
        assert_eq!(pacer.take_chat_slot(PRIVATE, now), now + SECOND);
        assert_eq!(pacer.take_chat_slot(PRIVATE, now), now + 2 * SECOND);
        assert_eq!(
            pacer.take_chat_slot(OTHER, now),
            now,
            "another chat waits for nobody"
        );
        assert_eq!(pacer.next_slot(PRIVATE), now + 3 * SECOND);
        // After a quiet spell the next write goes at once.
        let later = now + 10 * SECOND;
        assert_eq!(pacer.take_chat_slot(PRIVATE, later), later);
    }

    #[test]
    fn a_group_gets_at_most_its_writes_a_minute() {
        let pacer = pacer();
        let now = Instant::now();
        let slots: Vec<_> = (0..21).map(|_| pacer.take_chat_slot(GROUP, now)).collect();
        assert_eq!(slots[1] - slots[0], 3 * SECOND, "60 s / 20");
        assert_eq!(
            slots[20] - slots[0],
            60 * SECOND,
            "the 21st write waits a minute"
        );
        // A slower per-chat pace than the group's is kept.
        let slow = ChatPacer::new(Pace::new(5 * SECOND, 20, 30));
        slow.take_chat_slot(GROUP, now);
        assert_eq!(slow.take_chat_slot(GROUP, now), now + 5 * SECOND);
    }

    #[test]
    fn the_whole_bot_writes_at_most_its_global_rate() {
        let pacer = pacer();
        let now = Instant::now();
        let slots: Vec<_> = (0..31).map(|_| pacer.take_global_slot(now)).collect();
        let span = slots[30] - slots[0];
        // 1 s / 30 in whole nanoseconds, 30 times: a few nanoseconds short.
        assert!(
            span <= SECOND && span > SECOND - Duration::from_micros(1),
            "31 writes span one second: {span:?}"
        );
        let later = now + 5 * SECOND;
        assert_eq!(
            pacer.take_global_slot(later),
            later,
            "no debt after a quiet spell"
        );
    }

    #[test]
    fn a_hold_delays_the_next_write_but_never_brings_it_forward() {
        let pacer = pacer();
        let now = Instant::now();
        pacer.hold(PRIVATE, now + 3 * SECOND);
        pacer.hold(PRIVATE, now + SECOND);
        assert_eq!(pacer.take_chat_slot(PRIVATE, now), now + 3 * SECOND);
        assert_eq!(
            pacer.take_chat_slot(PRIVATE, now),
            now + 4 * SECOND,
            "the write after the held one keeps the pace"
        );
    }
}
