//! Maeum (마음): an emotion-aware companion bot.
//!
//! Floors, top down (an import only ever points down):
//!
//! - the binary (`main.rs`) and [`run`]: `maeum run` starts the adapters on
//!   one pipeline, [`app`] wires the leaves from the [`config`], and
//!   [`background`] starts the jobs (retention) for `chat` and `run` alike;
//! - adapters — [`console`], [`telegram`], [`discord`], [`http`] — translate
//!   platform events into [`pipeline`] types and render an answer's parts in
//!   their platform's idiom; what only they share (splitting by length, the
//!   button codec, the export's name) is in [`adapter`];
//! - the [`pipeline`] owns the flow: commands → consent → safety → classify →
//!   history → generate → store → reply, one turn at a time per user, and
//!   answers with an `Outgoing` made of parts (body, notes, crisis resources,
//!   consent notice, emotion, actions);
//! - leaves behind small interfaces: [`emotion`] (the ONNX classifier),
//!   [`reply`] (the LLM or the offline generator), [`safety`] (crisis
//!   reading, masking personal data), [`store`] (SQLite or Postgres), and
//!   below them [`privacy`] (the data cipher, the opt-out marker key),
//!   [`metrics`], [`eval`] (measuring the readers), [`config`] and [`text`]
//!   (how a message's characters are read).

pub mod adapter;
pub mod app;
pub mod background;
pub mod config;
pub mod console;
pub mod discord;
pub mod emotion;
pub mod eval;
pub mod http;
pub mod metrics;
pub mod mood;
pub mod pipeline;
pub mod privacy;
pub mod reply;
pub mod run;
pub mod safety;
pub mod store;
pub mod telegram;
pub mod telemetry;
pub mod text;
