//! Privacy machinery below the store: encryption at rest of stored texts
//! ([`crypto`]) and the key of the opt-out markers ([`marker_key`]). Both are
//! leaves the store uses, so nothing here may use the store; the periodic
//! deletion of old messages, a job over the store, is `background::retention`.
//! What users are told about all this is `pipeline::texts::privacy` and
//! `docs/privacy.md`.

pub mod crypto;
pub mod marker_key;
