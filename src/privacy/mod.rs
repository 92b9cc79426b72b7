//! Privacy machinery outside the conversation flow: encryption at rest of
//! stored texts ([`crypto`]), the key of the opt-out markers ([`marker_key`])
//! and the periodic deletion of old messages ([`retention`]). What users are
//! told about all this is `pipeline::texts::privacy` and `docs/privacy.md`.

pub mod crypto;
pub mod marker_key;
pub mod retention;
