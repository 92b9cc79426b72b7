//! Shared by the integration tests (`mod support;` in a test file): test
//! doubles that are real servers on loopback, bound to port 0, speaking the
//! wire format of the service they stand in for, fresh test databases, and
//! SQL scans over every table of one, and the loopback serving the fakes share.
#![allow(dead_code)]

pub mod db;
pub mod fake_discord;
pub mod fake_llm;
pub mod fake_telegram;
pub mod pipeline;
pub mod scan;
pub mod serve;
