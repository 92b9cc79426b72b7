//! Serving a test double on loopback: bind `127.0.0.1:0`, serve, and stop
//! when the handle is dropped.

use std::future::Future;
use std::net::SocketAddr;

use axum::Router;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// A server task on a loopback port; dropping it (or [`Served::shutdown`]) stops it.
pub struct Served {
    pub addr: SocketAddr,
    task: JoinHandle<()>,
}

impl Served {
    /// Stops the server now.
    pub fn shutdown(&self) {
        self.task.abort();
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A listener on a free loopback port; `what` names it if binding fails.
pub async fn bind(what: &str) -> TcpListener {
    TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|error| panic!("bind {what} to a loopback port: {error}"))
}

/// Serves `router` over HTTP on a free loopback port.
pub async fn serve(what: &str, router: Router) -> Served {
    serve_with(what, move |listener| async move {
        let _ = axum::serve(listener, router).await;
    })
    .await
}

/// Binds a free loopback port and runs `server` on its listener (for servers
/// that are not an axum router, such as a WebSocket gateway).
pub async fn serve_with<F, Fut>(what: &str, server: F) -> Served
where
    F: FnOnce(TcpListener) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    Served::spawn(bind(what).await, server)
}

impl Served {
    /// Runs `server` on `listener`, already bound (when its address must be
    /// known before the server can be built).
    pub fn spawn<F, Fut>(listener: TcpListener, server: F) -> Served
    where
        F: FnOnce(TcpListener) -> Fut,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let addr = listener.local_addr().expect("a bound listener's address");
        Served {
            addr,
            task: tokio::spawn(server(listener)),
        }
    }
}

/// A loopback address that was free a moment ago (nothing listens there now).
pub fn free_port() -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    listener.local_addr().expect("its address")
}
