//! Pipeline settings shared by the tests that build a `Pipeline` by hand.

use maeum::pipeline::PipelineOptions;

/// The flow's defaults from `config/default.toml`, spelled out so a test reads
/// them: 20 turns of history, 2 utterances of context, top 3 emotions, 4000 characters.
pub fn options() -> PipelineOptions {
    PipelineOptions {
        history_turns: 20,
        context_utterances: 2,
        top_k: 3,
        max_message_chars: 4000,
    }
}
