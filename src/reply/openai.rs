//! Replies from any OpenAI-compatible chat-completions endpoint, through `async-openai`.
