//! The one way Maeum serves HTTP (the API and the Telegram webhook): an
//! accept loop with a connection cap, and HTTP/1 connections that time out
//! clients which are slow to send their headers or their body, or that sit
//! idle — so a few half-sent requests can never hold the server.
//!
//! - **Connection cap** (`servers.max_connections`): a connection beyond it is
//!   closed at once (and logged, at most once a minute), so those already
//!   open keep being answered.
//! - **Header timeout** (`servers.header_timeout_secs`): the whole request head
//!   must arrive within it; the same clock runs while a kept-alive connection
//!   waits for its next request, so it is also the idle timeout.
//! - **Body timeout** (`servers.body_timeout_secs`): the body must arrive
//!   within it (408 otherwise).
//! - Graceful shutdown: on `shutdown`, no new connections; requests in flight
//!   (a streamed reply included) finish.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower_http::timeout::RequestBodyTimeoutLayer;
use tracing::{debug, warn};

use crate::config::ServerLimits;

/// How long after a stop requests in flight may still take.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);

/// Serves `router` on `listener` within `limits` until `shutdown` completes.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: &ServerLimits,
    shutdown: impl Future<Output = ()> + Send,
) -> std::io::Result<()> {
    let router = router.layer(RequestBodyTimeoutLayer::new(Duration::from_secs(
        limits.body_timeout_secs,
    )));
    let permits = Arc::new(Semaphore::new(limits.max_connections));
    let graceful = GracefulShutdown::new();
    let refused = RefusedLog::default();
    let header_timeout = Duration::from_secs(limits.header_timeout_secs);
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors and the like: wait, don't spin.
                    warn!(%error, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
        };
        let Ok(permit) = permits.clone().try_acquire_owned() else {
            refused.note(limits.max_connections);
            drop(stream);
            continue;
        };
        debug!(%peer, "connection");
        let service = TowerToHyperService::new(router.clone());
        let connection = http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(header_timeout)
            .serve_connection(TokioIo::new(stream), service);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            // A client that goes away or times out ends its connection; nothing to report.
            if let Err(error) = connection.await {
                debug!(%error, "connection ended");
            }
            drop(permit);
        });
    }
    drop(listener);
    if tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown())
        .await
        .is_err()
    {
        warn!(
            seconds = SHUTDOWN_GRACE.as_secs(),
            "requests still open after the shutdown grace period; closing them"
        );
    }
    Ok(())
}

/// Logs refused connections at most once a minute, with how many there were.
#[derive(Default)]
struct RefusedLog {
    count: AtomicU64,
    last_minute: AtomicU64,
}

impl RefusedLog {
    fn note(&self, cap: usize) {
        let count = self.count.fetch_add(1, Ordering::Relaxed) + 1;
        let minute = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() / 60);
        if self.last_minute.swap(minute, Ordering::Relaxed) != minute {
            warn!(
                cap,
                refused_so_far = count,
                "connection refused: servers.max_connections reached"
            );
        }
    }
}
