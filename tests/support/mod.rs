//! Test doubles shared by the integration tests (`mod support;` in a test file).
//! Each one is a real server on loopback, bound to port 0, that speaks the wire
//! format of the service it stands in for.

pub mod fake_llm;
