//! The abuse limits, tried as an attacker would: SMS pumping through filings and sign-in
//! codes, guessing staff passwords, spoofing the client address, and spreading the
//! attempts over two instances of one database.

use nafitha_server::auth::{code_matches, hash_code};
use nafitha_server::clock::Clock;
use nafitha_server::secret::Secret;
use serde_json::{json, Value};

use crate::helpers::{ask_code, e164, spawn_apps_with, Options, TestApp};

const PHONE: &str = "0551230000";
const CODE_HASH: &str = "select code_hash as v from sign_in_codes";

fn filing_body(phone: &str, details: &str) -> Value {
    json!({
        "service_code": "epm-road-damage",
        "locale": "en",
        "applicant": { "name": "Test Applicant", "phone": phone },
        "answers": { "damage": "pothole", "danger": "no", "details": details, "location": { "address": "King Fahd Road, Dammam" } }
    })
}

/// Files with `key` as the idempotency key, from `client` (an `X-Forwarded-For` value,
/// when the app trusts that header).
async fn file(app: &TestApp, key: &str, body: &Value, client: Option<&str>) -> reqwest::Response {
    let mut request = app
        .client
        .post(app.url("/api/v1/requests"))
        .header("Idempotency-Key", key)
        .header("Accept-Language", "ar")
        .json(body);
    if let Some(client) = client {
        request = request.header("X-Forwarded-For", client);
    }
    request.send().await.unwrap()
}

async fn refusal(response: reqwest::Response) -> (u16, Option<String>, Value) {
    let status = response.status().as_u16();
    let retry = response
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_owned());
    (status, retry, response.json().await.unwrap())
}

fn behind_a_proxy() -> Options {
    Options {
        client_ip_header: Some("x-forwarded-for".into()),
        ..Options::default()
    }
}

#[tokio::test]
async fn filings_for_one_phone_are_limited_and_an_accepted_filing_replays_after_the_limit() {
    let mut options = Options::default();
    options.limits.filings_per_phone_hour = 3;
    for app in spawn_apps_with(options).await {
        let body = filing_body(PHONE, "A hole");
        for i in 0..3 {
            let filed = file(&app, &format!("phone-limit-{i}"), &body, None).await;
            assert_eq!(filed.status(), 201, "{}", app.engine);
        }
        let requests = app.count("requests").await;
        let (status, retry, error) = refusal(file(&app, "phone-limit-3", &body, None).await).await;
        assert_eq!(status, 429, "{}", app.engine);
        let retry: u64 = retry.expect("Retry-After").parse().unwrap();
        // Over the limit in this window: until the next one has room (at most two hours).
        assert!((1..=7200).contains(&retry), "{retry}");
        assert_eq!(error["code"], "too_many_requests");
        let message = error["message"].as_str().unwrap();
        assert!(
            message.contains("طلبات كثيرة"),
            "in the caller's language: {message}"
        );
        assert_eq!(app.count("requests").await, requests, "nothing stored");
        // The client's earlier, accepted filing sent again (a retry on a flaky network).
        let replay = file(&app, "phone-limit-0", &body, None).await;
        assert_eq!(replay.status(), 200, "{}", app.engine);
        // Another number is not affected.
        let other = file(
            &app,
            "phone-limit-4",
            &filing_body("0551230001", "A hole"),
            None,
        )
        .await;
        assert_eq!(other.status(), 201);
    }
}

#[tokio::test]
async fn filings_from_one_client_are_limited_whatever_it_writes_in_x_forwarded_for() {
    let mut options = behind_a_proxy();
    options.limits.filings_per_client_hour = 2;
    for app in spawn_apps_with(options).await {
        // The client writes a new address in front each time; our proxy appends the real one.
        for (i, spoofed) in ["1.1.1.1", "2.2.2.2"].iter().enumerate() {
            let body = filing_body(&format!("055123010{i}"), "A hole");
            let client = format!("{spoofed}, 203.0.113.7");
            let filed = file(&app, &format!("client-limit-{i}"), &body, Some(&client)).await;
            assert_eq!(filed.status(), 201, "{}", app.engine);
        }
        let body = filing_body("0551230109", "A hole");
        let spoofed = file(&app, "client-limit-9", &body, Some("3.3.3.3, 203.0.113.7")).await;
        assert_eq!(spoofed.status(), 429, "{}", app.engine);
        // A different client behind the same proxy is not.
        let other = file(&app, "client-limit-8", &body, Some("198.51.100.4")).await;
        assert_eq!(other.status(), 201, "{}", app.engine);
    }
}

#[tokio::test]
async fn one_number_gets_a_capped_number_of_sms_a_day_sign_in_codes_included() {
    let clock = Clock::fixed(1_796_000_000_000);
    let mut options = Options {
        clock: clock.clone(),
        ..Options::default()
    };
    options.limits.sms_per_phone_day = 3;
    for app in spawn_apps_with(options).await {
        clock.set(1_796_000_000_000);
        // A filing (1 SMS) and two sign-in codes (a minute apart, as codes must be).
        assert_eq!(
            file(&app, "sms-cap-0", &filing_body(PHONE, "A hole"), None)
                .await
                .status(),
            201
        );
        for minute in 1..=2 {
            clock.set(1_796_000_000_000 + minute * 61_000);
            assert_eq!(ask_code(&app, PHONE).await.status(), 202, "{}", app.engine);
        }
        clock.set(1_796_000_000_000 + 3 * 61_000);
        let code_sent = app.scalar(CODE_HASH).await;
        let (requests, keys) = (
            app.count("requests").await,
            app.count("idempotency_keys").await,
        );
        let (status, retry, error) = refusal(ask_code(&app, PHONE).await).await;
        assert_eq!(status, 429, "{}", app.engine);
        assert!(retry.is_some());
        assert!(error["message"]
            .as_str()
            .unwrap()
            .contains("many messages today"));
        let (status, ..) =
            refusal(file(&app, "sms-cap-1", &filing_body(PHONE, "Another"), None).await).await;
        assert_eq!(status, 429, "a filing would text the number too");
        // Nothing of either refusal stays: no new code, request or key.
        assert_eq!(app.scalar(CODE_HASH).await, code_sent, "{}", app.engine);
        assert_eq!(app.count("requests").await, requests);
        assert_eq!(app.count("idempotency_keys").await, keys);
        // A day later, the number may be texted again, and the refused filing goes through.
        clock.set(1_796_000_000_000 + 2 * 86_400_000);
        assert_eq!(ask_code(&app, PHONE).await.status(), 202, "{}", app.engine);
        let again = file(&app, "sms-cap-1", &filing_body(PHONE, "Another"), None).await;
        assert_eq!(again.status(), 201, "{}", app.engine);
    }
}

#[tokio::test]
async fn limits_hold_across_two_instances_of_one_database() {
    let mut options = Options::default();
    options.limits.filings_per_phone_hour = 2;
    for first in spawn_apps_with(options.clone()).await {
        let second = first.twin(&options).await;
        let body = filing_body(PHONE, "A hole");
        assert_eq!(file(&first, "twin-key-0", &body, None).await.status(), 201);
        assert_eq!(file(&second, "twin-key-1", &body, None).await.status(), 201);
        assert_eq!(
            file(&first, "twin-key-2", &body, None).await.status(),
            429,
            "{}: the second instance's filing counts on the first",
            first.engine
        );
        assert_eq!(file(&second, "twin-key-3", &body, None).await.status(), 429);
    }
}

/// Signs in as staff from `client` (an `X-Forwarded-For` value), with `cookie` if any;
/// the status, the body, and the device cookie set (`name=value`), if any.
async fn staff_sign_in_with(
    app: &TestApp,
    client: &str,
    cookie: Option<&str>,
    username: &str,
    password: &str,
) -> (u16, Value, Option<String>) {
    let mut request = app
        .client
        .post(app.url("/api/v1/staff/session"))
        .header("X-Forwarded-For", client)
        .json(&json!({ "username": username, "password": password }));
    if let Some(cookie) = cookie {
        request = request.header("Cookie", cookie);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let device = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.contains("nafitha_staff_device="))
        .map(|v| v.split(';').next().unwrap().to_owned());
    (status, response.json().await.unwrap_or(Value::Null), device)
}

async fn staff_sign_in(
    app: &TestApp,
    client: &str,
    username: &str,
    password: &str,
) -> (u16, Value) {
    let (status, body, _) = staff_sign_in_with(app, client, None, username, password).await;
    (status, body)
}

#[tokio::test]
async fn a_stranger_guessing_passwords_is_slowed_down_but_cannot_keep_the_agent_out() {
    let start = 1_796_000_000_000;
    let clock = Clock::fixed(start);
    let options = Options {
        clock: clock.clone(),
        ..behind_a_proxy()
    };
    for app in spawn_apps_with(options).await {
        clock.set(start);
        app.staff("agent.one", "agent", "epm", None).await;
        let (attacker, owner) = ("203.0.113.66", "198.51.100.10");
        let right = crate::helpers::STAFF_PASSWORD;

        // Three free tries, then a wait that doubles with each wrong password.
        for _ in 0..3 {
            assert_eq!(
                staff_sign_in(&app, attacker, "agent.one", "guess").await.0,
                422
            );
        }
        let (status, _) = staff_sign_in(&app, attacker, "agent.one", "guess").await;
        assert_eq!(status, 429, "{}", app.engine);
        clock.set(start + 1_000);
        assert_eq!(
            staff_sign_in(&app, attacker, "agent.one", "guess").await.0,
            422
        );
        assert_eq!(
            staff_sign_in(&app, attacker, "agent.one", "guess").await.0,
            429
        );
        clock.set(start + 2_000);
        assert_eq!(
            staff_sign_in(&app, attacker, "agent.one", right).await.0,
            429,
            "{}: even the right password waits, from the guessing client",
            app.engine
        );

        // The agent, at their own desk, signs in at once, and their browser is known.
        let (status, me, device) = staff_sign_in_with(&app, owner, None, "agent.one", right).await;
        assert_eq!(status, 200, "{}: {me}", app.engine);
        let device = device.expect("a device cookie");

        // Strangers guess from many addresses: every browser the account has not been
        // used from now waits, but the agent's own does not.
        for i in 0..12 {
            let stranger = format!("192.0.2.{i}");
            staff_sign_in(&app, &stranger, "agent.one", "guess").await;
        }
        let (fresh, _) = staff_sign_in(&app, owner, "agent.one", right).await;
        assert_eq!(fresh, 429, "{}: a browser never used waits", app.engine);
        let (known, body, _) =
            staff_sign_in_with(&app, owner, Some(&device), "agent.one", right).await;
        assert_eq!(known, 200, "{}: {body}", app.engine);

        // A day later the stranger's count has started again.
        clock.set(start + 25 * 3_600_000);
        for _ in 0..3 {
            assert_eq!(
                staff_sign_in(&app, attacker, "agent.one", "guess").await.0,
                422
            );
        }
    }
}

#[tokio::test]
async fn guesses_sent_at_once_are_each_counted_and_wait_their_turn() {
    let options = Options {
        clock: Clock::fixed(1_796_000_000_000),
        ..behind_a_proxy()
    };
    for app in spawn_apps_with(options).await {
        app.staff("agent.three", "agent", "epm", None).await;
        let guesses = (0..10).map(|_| staff_sign_in(&app, "203.0.113.5", "agent.three", "guess"));
        let answers = futures_util::future::join_all(guesses).await;
        let wrong = answers.iter().filter(|(status, _)| *status == 422).count();
        let waiting = answers.iter().filter(|(status, _)| *status == 429).count();
        assert_eq!((wrong, waiting), (3, 7), "{}: {answers:?}", app.engine);
    }
}

#[tokio::test]
async fn an_unknown_username_answers_exactly_like_a_wrong_password() {
    let clock = Clock::fixed(1_796_000_000_000);
    let options = Options {
        clock: clock.clone(),
        ..behind_a_proxy()
    };
    for app in spawn_apps_with(options).await {
        app.staff("agent.two", "agent", "epm", None).await;
        let wrong = staff_sign_in(&app, "203.0.113.1", "agent.two", "guess").await;
        let unknown = staff_sign_in(&app, "203.0.113.1", "nobody.here", "guess").await;
        assert_eq!(wrong, unknown, "{}", app.engine);
        // And unknown usernames are throttled the same way, so the wait tells nothing.
        for username in ["agent.two", "nobody.here"] {
            let status = || async {
                staff_sign_in(&app, "203.0.113.1", username, "guess")
                    .await
                    .0
            };
            for _ in 0..2 {
                assert_eq!(status().await, 422, "{}: {username}", app.engine);
            }
            assert_eq!(status().await, 429, "{}: {username}", app.engine);
        }
    }
}

#[tokio::test]
async fn sign_in_codes_are_six_digits_keyed_hashed_and_blanked_once_sent() {
    for app in spawn_apps_with(Options::default()).await {
        assert_eq!(ask_code(&app, PHONE).await.status(), 202);
        let sms = app.wait_for_message(&e164(PHONE), "sign-in code").await;
        let code = crate::helpers::code_in(&sms);
        let at = sms.find(&code).unwrap();
        let around = (sms[..at].chars().last(), sms[at + 6..].chars().next());
        assert!(
            !around.0.is_some_and(|c| c.is_ascii_digit())
                && !around.1.is_some_and(|c| c.is_ascii_digit()),
            "a code of exactly six digits: {sms}"
        );
        // What is stored is the code's hash keyed with the server's secret: without the
        // secret, no one can try the million codes against it.
        let stored = app.scalar(CODE_HASH).await;
        let secret = Secret::from_text(crate::helpers::TEST_SECRET).unwrap();
        assert_eq!(
            stored,
            hash_code(&secret, &e164(PHONE), &code),
            "{}",
            app.engine
        );
        let other = Secret::from_text(&"another secret ".repeat(3)).unwrap();
        assert!(!code_matches(&other, &stored, &e164(PHONE), &code));
        // Once delivered, the outbox no longer holds the code.
        let body = app
            .wait_for_scalar("select body as v from outbox where sent_at is not null")
            .await;
        assert!(!body.contains(&code), "{}: {body}", app.engine);
        assert_eq!(body, nafitha_server::store::outbox::REDACTED);
    }
}

#[tokio::test]
async fn sent_messages_are_deleted_after_the_retention_period_and_others_kept() {
    for app in spawn_apps_with(Options::default()).await {
        app.file_for(PHONE).await;
        app.wait_for_scalar("select 'sent' as v from outbox where sent_at is not null")
            .await;
        let store = app.store().await;
        let now = nafitha_server::clock::Clock::system().now_ms();
        // A retention period that ended before the message was sent keeps it...
        assert_eq!(store.prune_outbox(now - 3_600_000, 0).await.unwrap(), 0);
        // ...and one that ends now deletes it.
        let sent = app.count("outbox").await;
        assert!(sent >= 1);
        assert_eq!(store.prune_outbox(now + 1, 0).await.unwrap(), sent as u64);
        assert_eq!(app.count("outbox").await, 0, "{}", app.engine);
    }
}
