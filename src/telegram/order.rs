//! Updates from one user are handled one after another, in the order Telegram
//! sent them; different users' updates run side by side.

use std::collections::HashMap;

use tokio::sync::oneshot;

/// Users remembered before those with nothing in progress are forgotten.
const PRUNE_ABOVE: usize = 1024;

/// The latest update task of each user, which the next one waits for.
#[derive(Default)]
pub(crate) struct UserOrder {
    tails: HashMap<u64, oneshot::Receiver<()>>,
}

/// Held by an update's task while it runs: the user's next update starts when it is dropped.
pub(crate) type Done = oneshot::Sender<()>;

impl UserOrder {
    /// Queues an update of `user`: returns what its task must wait for before
    /// it starts (the user's previous update), and what it drops when done.
    pub(crate) fn enqueue(&mut self, user: u64) -> (Option<oneshot::Receiver<()>>, Done) {
        if self.tails.len() > PRUNE_ABOVE {
            self.tails.retain(|_, tail| {
                matches!(tail.try_recv(), Err(oneshot::error::TryRecvError::Empty))
            });
        }
        let (done, tail) = oneshot::channel();
        (self.tails.insert(user, tail), done)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_update_waits_for_the_previous_one_of_the_same_user_only() {
        let mut order = UserOrder::default();
        let (first_waits, first_done) = order.enqueue(1);
        assert!(first_waits.is_none());
        let (second_waits, _second_done) = order.enqueue(1);
        let mut second_waits = second_waits.expect("waits for the first");
        let (other_waits, _) = order.enqueue(2);
        assert!(other_waits.is_none(), "another user waits for nobody");

        assert!(matches!(
            second_waits.try_recv(),
            Err(oneshot::error::TryRecvError::Empty)
        ));
        drop(first_done);
        assert!(matches!(
            second_waits.try_recv(),
            Err(oneshot::error::TryRecvError::Closed)
        ));
    }
}
