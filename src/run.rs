//! `maeum run`: start the platform adapters enabled in the configuration on
//! one shared pipeline, and stop them cleanly on SIGTERM or Ctrl-C.
//!
//! Each adapter is `async fn run(pipeline, settings, token, shutdown)`: it
//! serves until `shutdown` is cancelled, then lets in-flight replies finish
//! and returns. One adapter failing does not stop the others.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use tokio::task::{self, JoinSet};
use tokio_util::sync::CancellationToken;
use tracing::{error, info, warn};

use crate::app::{self, AppError};
use crate::config::Settings;
use crate::metrics::AdapterState;
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

/// What `JoinSet::join_next_with_id` gives back for an adapter's task.
type AdapterEnded = Option<Result<(task::Id, Result<(), AdapterError>), task::JoinError>>;

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

/// Runs the enabled adapters until a shutdown signal. An adapter that fails
/// (a revoked token, a fatal gateway error) is reported — logged, `/readyz`
/// and `maeum_adapter_up` — and the others keep serving; only when every
/// adapter has stopped does `run` end early, with the first failure. A
/// shutdown by signal is a clean stop (the failures were reported as they
/// happened), unless an adapter fails while stopping.
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
    let mut names = HashMap::new();
    for (name, task) in enabled_adapters(settings, &pipeline, &shutdown) {
        info!(adapter = name, "starting adapter");
        pipeline.metrics().set_adapter(name, AdapterState::Serving);
        names.insert(tasks.spawn(task).id(), name);
    }
    // Which adapter a finished task was, even when it panicked.
    let ended = |finished: AdapterEnded| {
        let (id, result) = match finished? {
            Ok((id, result)) => (id, result),
            Err(join) => (join.id(), Err(join.into())),
        };
        let adapter = names.get(&id).copied().unwrap_or("unknown");
        Some(adapter_ended(adapter, result, &pipeline))
    };

    let mut failure = None;
    let signal = shutdown_signal();
    tokio::pin!(signal);
    loop {
        tokio::select! {
            signal = &mut signal => {
                signal.map_err(RunError::Signal)?;
                info!("shutdown signal received; finishing in-flight replies");
                failure = None;
                break;
            }
            finished = tasks.join_next_with_id() => match ended(finished) {
                Some(error) => {
                    if let Some(error) = error {
                        failure.get_or_insert(error);
                    }
                }
                None => {
                    warn!("every adapter has stopped; exiting");
                    break;
                }
            },
        }
    }
    shutdown.cancel();
    let drained = tokio::time::timeout(SHUTDOWN_GRACE, async {
        while let Some(error) = ended(tasks.join_next_with_id().await) {
            if let Some(error) = error {
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

/// An adapter's task has ended: a failure is logged and recorded where
/// `/readyz` and `/metrics` see it, and returned.
fn adapter_ended(
    adapter: &'static str,
    result: Result<(), AdapterError>,
    pipeline: &Pipeline,
) -> Option<RunError> {
    let source = result.err()?;
    error!(adapter, message = %source, "adapter stopped with an error; the others go on");
    pipeline
        .metrics()
        .set_adapter(adapter, AdapterState::Failed(source.to_string()));
    Some(RunError::Adapter { adapter, source })
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
