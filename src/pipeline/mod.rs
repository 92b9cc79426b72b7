//! The platform-neutral message pipeline.
