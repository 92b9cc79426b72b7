//! The prompt: a friend's casual 반말 voice that reflects the emotion, with the
//! history trimmed to a token budget (newest kept).
