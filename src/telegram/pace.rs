//! Spacing the bot's writes in each chat: Telegram allows about one message
//! (or edit) per second per chat, and streaming by edits would exceed that.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use teloxide::types::ChatId;
use tokio::time::Instant;

/// Chats remembered before those with no pending slot are forgotten.
const PRUNE_ABOVE: usize = 4096;

/// The earliest moment the bot may write next in each chat.
pub(crate) struct ChatPacer {
    interval: Duration,
    next: Mutex<HashMap<ChatId, Instant>>,
}

impl ChatPacer {
    pub(crate) fn new(interval: Duration) -> ChatPacer {
        ChatPacer {
            interval,
            next: Mutex::new(HashMap::new()),
        }
    }

    /// When the next write in `chat` may happen (now or in the past: at once).
    pub(crate) fn next_slot(&self, chat: ChatId) -> Instant {
        let next = self.lock();
        next.get(&chat).copied().unwrap_or_else(Instant::now)
    }

    /// Takes the chat's next slot and waits for it.
    pub(crate) async fn wait_turn(&self, chat: ChatId) {
        let slot = self.take_slot(chat, Instant::now());
        tokio::time::sleep_until(slot).await;
    }

    /// The chat's next slot at `now`, which the caller takes.
    fn take_slot(&self, chat: ChatId, now: Instant) -> Instant {
        let mut next = self.lock();
        if next.len() > PRUNE_ABOVE {
            next.retain(|_, at| *at > now);
        }
        let slot = next.get(&chat).copied().unwrap_or(now).max(now);
        next.insert(chat, slot + self.interval);
        slot
    }

    /// Telegram asked for a pause in `chat` (a 429): nobody writes there before `until`.
    pub(crate) fn hold(&self, chat: ChatId, until: Instant) {
        let mut next = self.lock();
        let at = next.entry(chat).or_insert(until);
        *at = (*at).max(until);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<ChatId, Instant>> {
        // A poisoned map only means another thread panicked mid-insert; it is still usable.
        self.next.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECOND: Duration = Duration::from_secs(1);

    #[test]
    fn writes_in_one_chat_are_spaced_and_other_chats_are_not_held_up() {
        let pacer = ChatPacer::new(SECOND);
        let (a, b) = (ChatId(1), ChatId(2));
        let now = Instant::now();
        assert_eq!(pacer.take_slot(a, now), now);
        assert_eq!(pacer.take_slot(a, now), now + SECOND);
        assert_eq!(pacer.take_slot(a, now), now + 2 * SECOND);
        assert_eq!(pacer.take_slot(b, now), now, "b waits for nobody");
        assert_eq!(pacer.next_slot(a), now + 3 * SECOND);
        // After a quiet spell the next write goes at once.
        let later = now + 10 * SECOND;
        assert_eq!(pacer.take_slot(a, later), later);
    }

    #[test]
    fn a_hold_delays_the_next_write_but_never_brings_it_forward() {
        let pacer = ChatPacer::new(SECOND);
        let now = Instant::now();
        pacer.hold(ChatId(1), now + 3 * SECOND);
        pacer.hold(ChatId(1), now + SECOND);
        assert_eq!(pacer.take_slot(ChatId(1), now), now + 3 * SECOND);
    }
}
