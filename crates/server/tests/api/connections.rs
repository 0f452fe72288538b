//! Slow and numerous clients: the header deadline and the cap on open connections, seen
//! through raw TCP connections.

use std::time::{Duration, Instant};

use nafitha_server::config::ConnectionLimits;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::helpers::{spawn_apps_with, Options};

/// A whole request that closes its connection once answered.
const HEALTH_CHECK: &[u8] =
    b"GET /healthz HTTP/1.1\r\nHost: nafitha.test\r\nConnection: close\r\n\r\n";

fn with_limits(connections: ConnectionLimits) -> Options {
    Options {
        connections,
        ..Options::default()
    }
}

#[tokio::test]
async fn a_client_that_sends_half_its_headers_is_disconnected_after_the_header_timeout() {
    let limits = ConnectionLimits {
        header_read_timeout: Duration::from_millis(300),
        ..ConnectionLimits::default()
    };
    for app in spawn_apps_with(with_limits(limits)).await {
        // Arrange: a connection that stops in the middle of its headers.
        let mut slow = TcpStream::connect(app.socket_address()).await.unwrap();
        slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: nafitha.test\r\nAccept:")
            .await
            .unwrap();
        let started = Instant::now();

        // Act: wait for the server to give up on it.
        let mut received = Vec::new();
        let read = tokio::time::timeout(Duration::from_secs(5), slow.read_to_end(&mut received))
            .await
            .unwrap_or_else(|_| panic!("{}: the slow connection was left open", app.engine));

        // Assert: closed (end of stream or reset) unanswered, after the timeout, and counted.
        let waited = started.elapsed();
        assert!(
            read.is_ok() || read.is_err_and(|e| e.kind() == std::io::ErrorKind::ConnectionReset),
            "{}",
            app.engine
        );
        assert!(received.is_empty(), "{}: {received:?}", app.engine);
        assert!(
            waited >= Duration::from_millis(250) && waited < Duration::from_secs(3),
            "{}: closed after {waited:?}",
            app.engine
        );
        app.wait_for_metric("nafitha_limits_hit_total{limit=\"header_read_timeout\"} 1\n")
            .await;
        // A client that sends its request in time is served.
        let mut prompt = TcpStream::connect(app.socket_address()).await.unwrap();
        prompt.write_all(HEALTH_CHECK).await.unwrap();
        let mut answer = String::new();
        prompt.read_to_string(&mut answer).await.unwrap();
        assert!(
            answer.starts_with("HTTP/1.1 200"),
            "{}: {answer}",
            app.engine
        );
    }
}

#[tokio::test]
async fn a_connection_beyond_the_cap_waits_until_another_closes() {
    let limits = ConnectionLimits {
        max_open: 2,
        ..ConnectionLimits::default()
    };
    for app in spawn_apps_with(with_limits(limits)).await {
        // Arrange: two idle connections take both places.
        let first = TcpStream::connect(app.socket_address()).await.unwrap();
        let _second = TcpStream::connect(app.socket_address()).await.unwrap();
        let mut third = TcpStream::connect(app.socket_address()).await.unwrap();
        third.write_all(HEALTH_CHECK).await.unwrap();

        // Act and assert: the third is not served while both are open...
        let mut status = [0_u8; 12];
        let early = tokio::time::timeout(Duration::from_millis(500), third.read(&mut status)).await;
        assert!(early.is_err(), "{}: served beyond the cap", app.engine);
        app.wait_for_metric("nafitha_limits_hit_total{limit=\"connections\"}")
            .await;

        // ...and is once one of them closes.
        drop(first);
        tokio::time::timeout(Duration::from_secs(5), third.read_exact(&mut status))
            .await
            .unwrap_or_else(|_| panic!("{}: not served after a place freed", app.engine))
            .unwrap();
        assert_eq!(&status, b"HTTP/1.1 200", "{}", app.engine);
    }
}

#[tokio::test]
async fn on_shutdown_a_request_in_flight_is_answered_and_new_connections_are_refused() {
    for mut app in spawn_apps_with(Options::default()).await {
        // Arrange: a request whose body is half sent, so it is in flight.
        let mut in_flight = TcpStream::connect(app.socket_address()).await.unwrap();
        in_flight
            .write_all(b"POST /api/v1/requests HTTP/1.1\r\nHost: nafitha.test\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{")
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(200)).await;

        // Act: stop, then finish the request.
        app.stop();
        tokio::time::sleep(Duration::from_millis(200)).await;
        let refused = TcpStream::connect(app.socket_address()).await;
        let still_serving = !app.server().is_finished();
        in_flight.write_all(b"}").await.unwrap();
        let mut answer = String::new();
        tokio::time::timeout(
            Duration::from_secs(5),
            in_flight.read_to_string(&mut answer),
        )
        .await
        .unwrap_or_else(|_| panic!("{}: the request in flight was dropped", app.engine))
        .unwrap();

        // Assert: answered (the missing Idempotency-Key is refused as usual), then stopped.
        assert!(
            refused.is_err(),
            "{}: a new connection was accepted",
            app.engine
        );
        assert!(
            still_serving,
            "{}: stopped before the request finished",
            app.engine
        );
        assert!(
            answer.starts_with("HTTP/1.1 400"),
            "{}: {answer}",
            app.engine
        );
        tokio::time::timeout(Duration::from_secs(5), app.server())
            .await
            .expect("the server stops once its requests are done")
            .unwrap()
            .unwrap();
    }
}
