//! Delivery through an HTTP SMS gateway: retried with backoff when the gateway fails,
//! delivered exactly once, also with two server instances sharing one database.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::{Json, Router};
use nafitha_server::clock::Clock;
use nafitha_server::config::{NotifyConfig, SmsGateway};
use serde_json::Value;

use crate::helpers::{spawn_apps_with, Options, TestApp};

/// A local SMS gateway that fails the first `failures` attempts of every message, then
/// accepts it. It records every attempt by message id.
#[derive(Clone, Default)]
struct Gateway {
    attempts: Arc<Mutex<HashMap<String, u32>>>,
    accepted: Arc<Mutex<HashMap<String, (u32, Value)>>>,
}

impl Gateway {
    async fn start(failures: u32) -> (Gateway, String) {
        let gateway = Gateway::default();
        let state = gateway.clone();
        let app = Router::new().route(
            "/sms",
            post(move |headers: HeaderMap, Json(body): Json<Value>| {
                let state = state.clone();
                async move {
                    let authorized = headers
                        .get("authorization")
                        .is_some_and(|v| v == "Bearer gateway-token");
                    let id = headers
                        .get("idempotency-key")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or_default()
                        .to_owned();
                    if !authorized || id.is_empty() || body["id"] != id.as_str() {
                        return StatusCode::BAD_REQUEST;
                    }
                    // Test apps of both engines share this gateway and both number
                    // their outbox from 1, so an attempt is known by id and recipient.
                    let id = format!("{id}|{}", body["to"].as_str().unwrap_or_default());
                    let attempt = {
                        let mut attempts = state.attempts.lock().unwrap();
                        let n = attempts.entry(id.clone()).or_default();
                        *n += 1;
                        *n
                    };
                    if attempt <= failures {
                        return StatusCode::SERVICE_UNAVAILABLE;
                    }
                    state
                        .accepted
                        .lock()
                        .unwrap()
                        .entry(id)
                        .or_insert((0, body))
                        .0 += 1;
                    StatusCode::OK
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/sms", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        (gateway, url)
    }

    fn accepted(&self) -> HashMap<String, (u32, Value)> {
        self.accepted.lock().unwrap().clone()
    }
}

fn through(url: &str) -> Options {
    Options {
        notify: NotifyConfig {
            sms_gateway: Some(SmsGateway {
                url: url.to_owned(),
                token: Some("gateway-token".into()),
            }),
            smtp: None,
            retry_base_ms: 50,
        },
        ..Options::default()
    }
}

async fn wait_until_sent(app: &TestApp, expected: i64) {
    for _ in 0..200 {
        if app.count("outbox where sent_at is not null").await >= expected {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{}: messages not delivered in time", app.engine);
}

#[tokio::test]
async fn the_worker_delivers_each_message_exactly_once_when_the_gateway_fails_twice_first() {
    let (gateway, url) = Gateway::start(2).await;
    for app in spawn_apps_with(through(&url)).await {
        // Arrange and act: a filing queues one SMS (no email given).
        let phone = if app.engine == "postgres" {
            "0503333332"
        } else {
            "0503333333"
        };
        let reference = app.file_for(phone).await;
        wait_until_sent(&app, 1).await;
        // Give any stray duplicate the time to arrive before counting.
        tokio::time::sleep(Duration::from_millis(300)).await;

        // Assert: three attempts, one accepted, and the outbox knows it.
        let mine: Vec<(String, (u32, Value))> = gateway
            .accepted()
            .into_iter()
            .filter(|(_, (_, body))| {
                body["body"]
                    .as_str()
                    .is_some_and(|b| b.contains(&reference[..4]))
            })
            .collect();
        assert_eq!(mine.len(), 1, "{}", app.engine);
        let (id, (times, body)) = &mine[0];
        assert_eq!(*times, 1, "accepted exactly once");
        assert_eq!(
            gateway.attempts.lock().unwrap()[id],
            3,
            "two failures, then success"
        );
        assert_eq!(body["to"], crate::helpers::e164(phone));
        assert_eq!(
            app.count("outbox where attempts = 3 and sent_at is not null")
                .await,
            1
        );
        assert!(
            app.outbox_log().is_empty(),
            "nothing went to the log adapter"
        );
    }
}

#[tokio::test]
async fn two_instances_on_one_database_deliver_each_message_once() {
    let (gateway, url) = Gateway::start(1).await;
    for app in spawn_apps_with(through(&url)).await {
        let twin = app.twin(&through(&url)).await;
        let engine_digit = if app.engine == "postgres" { 2 } else { 1 };
        let phones: Vec<String> = (0..12)
            .map(|i| format!("0504{engine_digit}000{i:02}"))
            .collect();
        for (i, phone) in phones.iter().enumerate() {
            // Filings arrive at both instances.
            if i % 2 == 0 {
                app.file_for(phone).await
            } else {
                twin.file_for(phone).await
            };
        }
        wait_until_sent(&app, 12).await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        let accepted: Vec<(u32, Value)> = gateway
            .accepted()
            .into_values()
            .filter(|(_, body)| phones.iter().any(|p| body["to"] == crate::helpers::e164(p)))
            .collect();
        assert_eq!(accepted.len(), 12, "{}", app.engine);
        assert!(
            accepted.iter().all(|(times, _)| *times == 1),
            "{}: {accepted:?}",
            app.engine
        );
    }
}

#[tokio::test]
async fn the_worker_sends_and_retries_by_the_apps_clock_not_the_systems() {
    // A clock a year ahead of the system's: by the system's time nothing filed would be due.
    let start = Clock::system().now_ms() + 365 * 86_400_000;
    let clock = Clock::fixed(start);
    let (gateway, url) = Gateway::start(1).await;
    let options = Options {
        clock: clock.clone(),
        notify: NotifyConfig {
            retry_base_ms: 60_000,
            ..through(&url).notify
        },
        ..Options::default()
    };
    for app in spawn_apps_with(options).await {
        // Arrange: a filing queues one SMS at the app's time; its first attempt fails.
        clock.set(start);
        let phone = if app.engine == "postgres" {
            "0503333552"
        } else {
            "0503333551"
        };
        app.file_for(phone).await;
        let retry_at = start + 60_000;
        let failed = format!(
            "outbox where attempts = 1 and sent_at is null and next_attempt_at = {retry_at}"
        );
        for _ in 0..100 {
            if app.count(&failed).await == 1 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert_eq!(
            app.count(&failed).await,
            1,
            "{}: retried a base delay later",
            app.engine
        );

        // Act and assert: not retried before the app's clock reaches the retry time...
        clock.set(retry_at - 1);
        tokio::time::sleep(Duration::from_millis(600)).await;
        assert_eq!(app.count(&failed).await, 1, "{}: retried early", app.engine);
        // ...and sent, at the app's time, once it has.
        clock.set(retry_at);
        wait_until_sent(&app, 1).await;
        assert_eq!(
            app.count(&format!(
                "outbox where attempts = 2 and sent_at = {retry_at}"
            ))
            .await,
            1,
            "{}",
            app.engine
        );
        let accepted = gateway
            .accepted()
            .into_values()
            .filter(|(_, body)| body["to"] == crate::helpers::e164(phone))
            .count();
        assert_eq!(accepted, 1, "{}", app.engine);
    }
}
