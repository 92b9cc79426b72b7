//! Logging with `tracing`: human-readable or JSON, to stderr.

use tracing_subscriber::EnvFilter;

use crate::config::{LogFormat, LogSettings};

/// Caps on dependencies' logs, whatever `RUST_LOG` or `log.level` say: at
/// these levels and below they would write message texts to the log —
/// teloxide logs a whole update (the user's message) when one fails to parse
/// on the webhook; async-openai logs a whole response it cannot parse, at
/// error level (the endpoint's failures are logged by `reply::openai`, without
/// bodies); the Discord gateway, the HTTP clients and servers log payloads at
/// debug and trace.
const DEPENDENCY_CAPS: [&str; 9] = [
    "teloxide::update_listeners::webhooks=off",
    "serenity=info",
    "tungstenite=info",
    "tokio_tungstenite=info",
    "hyper=info",
    "hyper_util=info",
    "h2=info",
    "reqwest=info",
    "async_openai=off",
];

/// Installs the global subscriber. `RUST_LOG`, when set, wins over `log.level`.
/// Calling it twice is harmless (the second call does nothing).
pub fn init(settings: &LogSettings) {
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter(settings))
        .with_writer(std::io::stderr);
    let _ = match settings.format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Pretty => builder.compact().try_init(),
    };
}

fn filter(settings: &LogSettings) -> EnvFilter {
    let mut filter = EnvFilter::try_from_default_env()
        .or_else(|_| EnvFilter::try_new(&settings.level))
        .unwrap_or_else(|_| EnvFilter::new("info"));
    for cap in DEPENDENCY_CAPS {
        if let Ok(directive) = cap.parse() {
            filter = filter.add_directive(directive);
        }
    }
    filter
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dependencies_never_log_message_bodies_even_at_trace() {
        let settings = LogSettings {
            level: "trace".into(),
            format: LogFormat::Pretty,
        };
        let shown = filter(&settings).to_string();
        for cap in DEPENDENCY_CAPS {
            assert!(shown.contains(cap), "{cap} missing from {shown}");
        }
    }
}
