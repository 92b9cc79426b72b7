//! What every update handler needs: the bot, who it is, the pipeline and
//! the pace of each chat.

use std::sync::Arc;

use teloxide::Bot;

use super::pace::ChatPacer;
use super::translate::BotIdentity;
use crate::pipeline::Pipeline;

/// The adapter's shared state, one per running bot.
pub(crate) struct Adapter {
    pub bot: Bot,
    pub me: BotIdentity,
    pub pipeline: Arc<Pipeline>,
    pub pacer: ChatPacer,
}
