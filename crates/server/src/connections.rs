//! Serving connections: accepting them up to a cap, giving each client a deadline for
//! its request headers, and on shutdown accepting no more while the requests in flight
//! finish. It owns sockets, not requests: what a request does is the router's business.
//!
//! At the cap the server stops accepting rather than accepting and closing: a new
//! connection waits in the system's listen queue until one closes, so a short burst is
//! served late instead of refused, and a flood fills the queue, which the system then
//! refuses.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::Service;

use crate::config::ConnectionLimits;
use crate::metrics::Metrics;

/// The limit names this module counts in the metrics.
const CONNECTIONS_LIMIT: &str = "connections";
const HEADER_TIMEOUT_LIMIT: &str = "header_read_timeout";

/// Serves `router` on `listener` until `shutdown` completes, then waits for the requests
/// in flight. Handlers see the peer as `ConnectInfo<SocketAddr>`; limits hit and what the
/// router records count in `metrics`.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: ConnectionLimits,
    metrics: Metrics,
    shutdown: impl Future<Output = ()>,
) {
    let mut make_service = router.into_make_service_with_connect_info::<SocketAddr>();
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout);
    let open = Arc::new(Semaphore::new(limits.max_open));
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let slot = match open.clone().try_acquire_owned() {
            Ok(slot) => slot,
            Err(_) => {
                metrics.count_limit_hit(CONNECTIONS_LIMIT);
                tracing::warn!(
                    max_open = limits.max_open,
                    "connection cap reached: accepting again when one closes"
                );
                tokio::select! {
                    slot = open.clone().acquire_owned() => match slot {
                        Ok(slot) => slot,
                        Err(_) => break,
                    },
                    () = &mut shutdown => break,
                }
            }
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    accept_failed(error).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Ok(service) = make_service.call(peer).await;
        let connection = graceful
            .watch(http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service)));
        let recorder = metrics.clone();
        tokio::spawn(metrics.scope(async move {
            if let Err(error) = connection.await {
                if error.is_timeout() {
                    recorder.count_limit_hit(HEADER_TIMEOUT_LIMIT);
                }
                tracing::debug!(%error, %peer, "connection ended with an error");
            }
            drop(slot);
        }));
    }
    drop(listener);
    graceful.shutdown().await;
}

/// Skips an error about one connection; after any other (too many open files), pauses so
/// the loop does not spin while the cause lasts.
async fn accept_failed(error: std::io::Error) {
    use std::io::ErrorKind;
    if matches!(
        error.kind(),
        ErrorKind::ConnectionRefused | ErrorKind::ConnectionAborted | ErrorKind::ConnectionReset
    ) {
        return;
    }
    tracing::error!(%error, "cannot accept a connection");
    tokio::time::sleep(Duration::from_secs(1)).await;
}
