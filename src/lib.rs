//! Maeum (마음): an emotion-aware companion bot.
//!
//! Platform adapters (`console`, later `telegram`, `discord`, `http`) translate
//! platform events into [`pipeline`] types and back. The pipeline owns the
//! flow — commands → classify → history → generate → store → reply — and uses
//! three leaves through small interfaces: [`emotion`], [`reply`], [`store`].

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
pub mod pipeline;
pub mod privacy;
pub mod reply;
pub mod run;
pub mod safety;
pub mod store;
pub mod telegram;
pub mod telemetry;
