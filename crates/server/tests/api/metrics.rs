//! `GET /metrics` on the metrics listener: requests by route template, filings, the
//! outbox; and nothing of it on the public port.

use nafitha_server::clock::Clock;
use nafitha_server::config::{NotifyConfig, SmsGateway};

use crate::helpers::{spawn_apps, spawn_apps_with, Options};

const DAY_MS: i64 = 86_400_000;

#[tokio::test]
async fn requests_are_counted_by_method_route_template_and_status() {
    for app in spawn_apps().await {
        // Arrange
        for _ in 0..2 {
            assert_eq!(app.get("/api/v1/services").await.status(), 200);
        }
        assert_eq!(
            app.get("/api/v1/services/no-such-service").await.status(),
            404
        );
        assert_eq!(app.get("/requests/ABC123").await.status(), 200);

        // Act
        let text = app.metrics().await;

        // Assert: templates and exact counts; raw paths never appear.
        for line in [
            r#"nafitha_http_requests_total{method="GET",route="/api/v1/services",status="200"} 2"#,
            r#"nafitha_http_requests_total{method="GET",route="/api/v1/services/{code}",status="404"} 1"#,
            r#"nafitha_http_requests_total{method="GET",route="fallback",status="200"} 1"#,
            r#"nafitha_http_request_duration_seconds_count{method="GET",route="/api/v1/services"} 2"#,
        ] {
            assert!(text.contains(line), "{}: no {line} in\n{text}", app.engine);
        }
        assert!(!text.contains("no-such-service"), "{}", app.engine);
        assert!(!text.contains("ABC123"), "{}", app.engine);
    }
}

#[tokio::test]
async fn filings_are_counted_without_replays_and_the_due_backlog_is_read_when_scraped() {
    // A gateway that takes the connection and never answers: the notifier (which goes by
    // the app's clock) holds each message it claims until its send timeout, so the
    // backlog holds still while it is read.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let ahead = nafitha_server::clock::Clock::system().now_ms() + 365 * DAY_MS;
    let clock = Clock::fixed(ahead);
    let options = Options {
        clock: clock.clone(),
        notify: NotifyConfig {
            sms_gateway: Some(SmsGateway {
                url: format!("http://{}/sms", silent.local_addr().unwrap()),
                token: None,
            }),
            smtp: None,
            retry_base_ms: 3_600_000,
        },
        ..Options::default()
    };
    for app in spawn_apps_with(options).await {
        // Arrange: two filings (one SMS each), one of them sent twice with one key.
        clock.set(ahead);
        app.file_for("0501234001").await;
        let body = serde_json::json!({
            "service_code": "epm-road-damage",
            "locale": "en",
            "applicant": { "name": "Test Applicant", "phone": "0501234002" },
            "answers": { "damage": "pothole", "danger": "no", "details": "A hole", "location": { "address": "King Fahd Road, Dammam" } }
        });
        for expected in [201, 200] {
            let response = app
                .client
                .post(app.url("/api/v1/requests"))
                .header("Idempotency-Key", "metrics-replay-key")
                .json(&body)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), expected, "{}", app.engine);
        }

        // Act
        let now = app.metrics().await;
        clock.set(ahead - DAY_MS);
        let before = app.metrics().await;

        // Assert
        assert!(
            now.contains("nafitha_filings_created_total{channel=\"web\"} 2\n"),
            "{}: {now}",
            app.engine
        );
        assert!(
            now.contains("nafitha_outbox_backlog 2\n"),
            "{}: {now}",
            app.engine
        );
        assert!(
            before.contains("nafitha_outbox_backlog 0\n"),
            "{}: messages not yet due are not backlog: {before}",
            app.engine
        );
    }
}

#[tokio::test]
async fn failed_deliveries_are_counted_by_channel() {
    // A gateway address where nothing listens.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let options = Options {
        notify: NotifyConfig {
            sms_gateway: Some(SmsGateway {
                url: format!("http://{closed}/sms"),
                token: None,
            }),
            smtp: None,
            retry_base_ms: 3_600_000,
        },
        ..Options::default()
    };
    for app in spawn_apps_with(options).await {
        app.file_for("0501234003").await;

        app.wait_for_metric("nafitha_outbox_delivery_failures_total{channel=\"sms\"} 1\n")
            .await;
    }
}

#[tokio::test]
async fn the_metrics_are_not_served_on_the_public_port() {
    for app in spawn_apps().await {
        let response = app.get("/metrics").await;

        // The public port answers with the citizens' "not found" page, as for any address
        // it does not know.
        assert_eq!(response.status(), 404, "{}", app.engine);
        let page = response.text().await.unwrap();
        assert!(page.contains("<main"), "{}", app.engine);
        assert!(!page.contains("nafitha_http"), "{}", app.engine);
        assert!(app.metrics().await.contains("nafitha_http_requests_total"));
    }
}
