//! Logging with `tracing`.
