//! Shared by the integration tests (`mod support;` in a test file): test
//! doubles that are real servers on loopback, bound to port 0, speaking the
//! wire format of the service they stand in for (`fake_*`, served by
//! `serve`), fresh test databases (`db`), SQL scans over every table of one
//! (`scan`), a pipeline built from the shipped configuration (`pipeline`), a
//! scripted emotion reader (`emotion`), and `maeum run` as a child process
//! (`run`).
#![allow(dead_code)]

pub mod db;
pub mod emotion;
pub mod fake_discord;
pub mod fake_llm;
pub mod fake_telegram;
pub mod pipeline;
pub mod run;
pub mod scan;
pub mod serve;
