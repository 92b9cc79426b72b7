//! What the platform adapters (`console`, `telegram`, `discord`, `http`)
//! share, and the pipeline never needs: splitting a long reply by a
//! platform's length rule, the button codec, how an export is named, and the
//! HTTP server loop with its limits.

pub mod button;
pub mod server;
pub mod split;

pub use split::{LengthUnit, split_reply};

/// The file name an `/export` is sent under, on every platform.
pub const EXPORT_FILE_NAME: &str = "maeum-export.json";
