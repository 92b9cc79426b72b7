//! `maeum run`: start the platform adapters enabled in the configuration on
//! one shared pipeline, and stop them cleanly on SIGTERM or Ctrl-C.
//!
//! Each adapter is `async fn run(pipeline, settings, token, shutdown)`: it
//! serves until `shutdown` is cancelled, then lets in-flight replies finish
//! and returns.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;
use tracing::{error, info, warn};

use crate::app::{self, AppError};
use crate::config::Settings;
use crate::pipeline::Pipeline;
use crate::{background, discord, http, telegram};

/// How long in-flight replies may take to finish after a shutdown signal.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(
        "no platform adapter is enabled: set telegram.enabled, discord.enabled or http.enabled (MAEUM__TELEGRAM__ENABLED=true …)"
    )]
    NothingEnabled,
    #[error(transparent)]
    App(#[from] AppError),
    /// An adapter returned an error, or its task panicked (`adapter` is then
    /// "unknown"). The adapter's own error is the source, so its chain is kept.
    #[error("the {adapter} adapter stopped: {source}")]
    Adapter {
        adapter: &'static str,
        #[source]
        source: AdapterError,
    },
    #[error("listening for shutdown signals: {0}")]
    Signal(std::io::Error),
}

/// Whatever an adapter failed with: each adapter has its own error type.
pub type AdapterError = Box<dyn std::error::Error + Send + Sync>;

type AdapterTask = Pin<Box<dyn Future<Output = Result<(), AdapterError>> + Send>>;

/// An adapter's name and its serving future, its error type erased so that
/// different adapters fit in one list.
fn adapter<E>(
    name: &'static str,
    serve: impl Future<Output = Result<(), E>> + Send + 'static,
) -> (&'static str, AdapterTask)
where
    E: std::error::Error + Send + Sync + 'static,
{
    (
        name,
        Box::pin(async move { serve.await.map_err(AdapterError::from) }),
    )
}

/// The adapters the configuration enables, ready to run.
fn enabled_adapters(
    settings: &Settings,
    pipeline: &Arc<Pipeline>,
    shutdown: &CancellationToken,
) -> Vec<(&'static str, AdapterTask)> {
    let secrets = &settings.secrets;
    let mut adapters = Vec::new();
    if let (true, Some(token)) = (settings.telegram.enabled, &secrets.telegram_bot_token) {
        adapters.push(adapter(
            "telegram",
            telegram::run(
                pipeline.clone(),
                settings.telegram.clone(),
                settings.servers.clone(),
                token.clone(),
                shutdown.clone(),
            ),
        ));
    }
    if let (true, Some(token)) = (settings.discord.enabled, &secrets.discord_token) {
        adapters.push(adapter(
            "discord",
            discord::run(
                pipeline.clone(),
                settings.discord.clone(),
                token.clone(),
                shutdown.clone(),
            ),
        ));
    }
    if let (true, Some(token)) = (settings.http.enabled, &secrets.http_token) {
        adapters.push(adapter(
            "http",
            http::run(
                pipeline.clone(),
                settings.http.clone(),
                settings.servers.clone(),
                http::Keys {
                    token: Some(token.clone()),
                    session: secrets.session_key.clone(),
                    metrics: secrets.metrics_token.clone(),
                },
                shutdown.clone(),
            ),
        ));
    }
    adapters
}

/// Runs the enabled adapters until a shutdown signal, or until one fails.
pub async fn run(settings: &Settings) -> Result<(), RunError> {
    if !settings.telegram.enabled && !settings.discord.enabled && !settings.http.enabled {
        return Err(RunError::NothingEnabled);
    }
    let (pipeline, _notices) = app::build_pipeline(settings).await?;
    let pipeline = Arc::new(pipeline);
    let shutdown = CancellationToken::new();
    // Ends with `shutdown`; a sweep cut short is simply redone at the next start.
    let _background = background::start(settings, pipeline.store().clone(), shutdown.clone());
    let mut tasks = JoinSet::new();
    for (name, task) in enabled_adapters(settings, &pipeline, &shutdown) {
        info!(adapter = name, "starting adapter");
        tasks.spawn(async move { (name, task.await) });
    }

    let mut failure = None;
    tokio::select! {
        signal = shutdown_signal() => {
            signal.map_err(RunError::Signal)?;
            info!("shutdown signal received; finishing in-flight replies");
        }
        Some(finished) = tasks.join_next() => {
            failure = adapter_failure(finished);
        }
    }
    shutdown.cancel();
    let drained = tokio::time::timeout(SHUTDOWN_GRACE, async {
        while let Some(finished) = tasks.join_next().await {
            if let Some(error) = adapter_failure(finished) {
                failure.get_or_insert(error);
            }
        }
    })
    .await;
    if drained.is_err() {
        warn!(
            grace_secs = SHUTDOWN_GRACE.as_secs(),
            "adapters did not stop in time; exiting anyway"
        );
    }
    info!("stopped");
    failure.map_or(Ok(()), Err)
}

fn adapter_failure(
    finished: Result<(&'static str, Result<(), AdapterError>), tokio::task::JoinError>,
) -> Option<RunError> {
    match finished {
        Ok((_, Ok(()))) => None,
        Ok((adapter, Err(source))) => {
            error!(adapter, message = %source, "adapter stopped with an error");
            Some(RunError::Adapter { adapter, source })
        }
        Err(join) => Some(RunError::Adapter {
            adapter: "unknown",
            source: join.into(),
        }),
    }
}

/// SIGTERM (how containers and systemd stop us) or Ctrl-C.
async fn shutdown_signal() -> std::io::Result<()> {
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        tokio::select! {
            _ = term.recv() => Ok(()),
            result = tokio::signal::ctrl_c() => result,
        }
    }
    #[cfg(not(unix))]
    {
        tokio::signal::ctrl_c().await
    }
}
