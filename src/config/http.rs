//! `[http]`: the HTTP API and web chat server.

use std::net::SocketAddr;

use serde::Deserialize;

use super::{ConfigError, HTTP_SCHEMES, Secret, check_url, invalid};

/// The HTTP API and web chat (`maeum run`); the bearer token comes from `MAEUM_HTTP_TOKEN`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpSettings {
    pub enabled: bool,
    /// Where the server listens; port 0 picks a free port (the bound address is logged).
    pub listen: SocketAddr,
    /// Origins (`https://chat.example.com`) whose pages may call the API from a browser.
    pub cors_origins: Vec<String>,
    /// Larger request bodies are refused with 413.
    pub max_body_bytes: usize,
    /// Mark the web-session cookie `Secure` (sent over HTTPS only; browsers
    /// also send it to http://localhost). Turn off only for plain HTTP on a
    /// private network.
    pub secure_cookies: bool,
}

impl HttpSettings {
    /// `token` is `MAEUM_HTTP_TOKEN`, needed only when the server is enabled.
    pub(super) fn validate(&self, token: Option<&Secret>) -> Result<(), ConfigError> {
        if self.enabled && token.is_none() {
            return invalid(
                "MAEUM_HTTP_TOKEN",
                "must be set when http.enabled is true (the API's bearer token)",
            );
        }
        if self.max_body_bytes < 1024 {
            return invalid("http.max_body_bytes", "must be at least 1024");
        }
        for origin in &self.cors_origins {
            let reason = format!(
                "`{origin}` is not an origin: scheme, host and port, e.g. https://chat.example.com"
            );
            check_url("http.cors_origins", Some(origin), HTTP_SCHEMES, &reason)?;
            // Browsers send the origin without a path, so `https://a.example/`
            // would never match.
            if origin.ends_with('/') {
                return invalid("http.cors_origins", reason);
            }
        }
        Ok(())
    }
}

/// `[servers]`: the limits both HTTP servers (the API and the Telegram
/// webhook) hold every client to (`crate::adapter::server`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerLimits {
    /// A request's head must arrive within this; also how long a kept-alive
    /// connection may sit idle.
    pub header_timeout_secs: u64,
    /// A request's body must arrive within this (408 otherwise).
    pub body_timeout_secs: u64,
    /// Open connections per server; more are closed at once.
    pub max_connections: usize,
}

impl ServerLimits {
    pub(super) fn validate(&self) -> Result<(), ConfigError> {
        if self.header_timeout_secs == 0 || self.body_timeout_secs == 0 {
            return invalid("servers", "timeouts must be at least 1 second");
        }
        if self.max_connections == 0 {
            return invalid("servers.max_connections", "must be at least 1");
        }
        Ok(())
    }
}
