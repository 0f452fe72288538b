//! `POST /api/v1/requests` and `GET /api/v1/track/{reference}`.

use std::time::Duration;

use serde_json::{json, Value};

use crate::helpers::{spawn_apps, TestApp};

fn road_damage() -> Value {
    json!({
        "service_code": "epm-road-damage",
        "locale": "ar",
        "applicant": { "name": "سارة العتيبي", "phone": "0501234567", "email": "sara@example.sa" },
        "answers": { "damage": "pothole", "danger": "yes", "details": "حفرة عميقة", "location": { "address": "شارع الملك فهد، الدمام" } },
        "location": { "lat": 26.43, "lng": 50.1 }
    })
}

async fn file(app: &TestApp, key: Option<&str>, body: &Value) -> reqwest::Response {
    let mut request = app.client.post(app.url("/api/v1/requests")).json(body);
    if let Some(key) = key {
        request = request.header("Idempotency-Key", key);
    }
    request.send().await.unwrap()
}

/// Requests stored, read from the database itself: "nothing stored" means this.
async fn count_requests(app: &TestApp) -> i64 {
    app.count("requests").await
}

#[tokio::test]
async fn filing_returns_a_checked_reference_due_date_and_sends_an_sms_and_email() {
    for app in spawn_apps().await {
        let response = file(&app, Some("key-filing-0001"), &road_damage()).await;
        assert_eq!(response.status(), 201, "{}", app.engine);
        let filed: Value = response.json().await.unwrap();
        let reference = filed["reference"].as_str().unwrap().to_owned();
        assert!(
            nafitha_domain::ReferenceNumber::parse(&reference).is_ok(),
            "{reference}"
        );
        assert_eq!(filed["status"], "submitted");
        assert_eq!(filed["service_code"], "epm-road-damage");
        let submitted =
            nafitha_domain::calendar::riyadh_date(nafitha_server::clock::Clock::system().now_ms());
        assert_eq!(filed["due_on"], submitted.add_working_days(5).to_string());

        // The notifier appends both messages to the outbox log, in Arabic, with the reference.
        let log = app.dir.path().join("data/outbox.jsonl");
        let mut lines = Vec::new();
        for _ in 0..40 {
            lines = std::fs::read_to_string(&log)
                .unwrap_or_default()
                .lines()
                .map(str::to_owned)
                .collect();
            if lines.len() >= 2 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(lines.len(), 2, "{}: {lines:?}", app.engine);
        let sms: Value = serde_json::from_str(&lines[0]).unwrap();
        let email: Value = serde_json::from_str(&lines[1]).unwrap();
        assert_eq!(sms["channel"], "sms");
        assert_eq!(sms["to"], "+966501234567");
        // In groups of four joined by no-break spaces (they keep their order in Arabic).
        let grouped = format!(
            "{}\u{a0}{}\u{a0}{}",
            &reference[..4],
            &reference[4..8],
            &reference[8..]
        );
        assert!(sms["body"].as_str().unwrap().contains(&grouped), "{sms}");
        assert!(
            sms["body"].as_str().unwrap().contains("استلمنا طلبك"),
            "{sms}"
        );
        assert!(sms["body"]
            .as_str()
            .unwrap()
            .contains(&format!("https://nafitha.test/track?ref={reference}")));
        assert_eq!(email["channel"], "email");
        assert_eq!(email["to"], "sara@example.sa");
    }
}

#[tokio::test]
async fn filing_twice_with_one_idempotency_key_returns_one_reference() {
    for app in spawn_apps().await {
        let first: Value = file(&app, Some("key-replay-0001"), &road_damage())
            .await
            .json()
            .await
            .unwrap();
        let again = file(&app, Some("key-replay-0001"), &road_damage()).await;
        assert_eq!(again.status(), 200, "{}", app.engine);
        let again: Value = again.json().await.unwrap();
        assert_eq!(again["reference"], first["reference"]);
        assert_eq!(count_requests(&app).await, 1, "{}", app.engine);
    }
}

#[tokio::test]
async fn two_identical_submissions_racing_each_other_create_one_request() {
    for app in spawn_apps().await {
        let mut racers = tokio::task::JoinSet::new();
        for _ in 0..8 {
            let request = app
                .client
                .post(app.url("/api/v1/requests"))
                .header("Idempotency-Key", "key-race-00001")
                .json(&road_damage());
            racers.spawn(async move { request.send().await.unwrap() });
        }
        let mut references = Vec::new();
        for response in racers.join_all().await {
            assert!(
                matches!(response.status().as_u16(), 200 | 201),
                "{}: {}",
                app.engine,
                response.status()
            );
            let filed: Value = response.json().await.unwrap();
            references.push(filed["reference"].as_str().unwrap().to_owned());
        }
        references.sort();
        references.dedup();
        assert_eq!(references.len(), 1, "{}: {references:?}", app.engine);
        assert_eq!(count_requests(&app).await, 1, "{}", app.engine);
    }
}

#[tokio::test]
async fn the_same_key_with_a_different_body_is_refused_and_stores_nothing() {
    for app in spawn_apps().await {
        file(&app, Some("key-reuse-00001"), &road_damage()).await;
        let mut other = road_damage();
        other["answers"]["details"] = json!("شيء آخر");
        let response = file(&app, Some("key-reuse-00001"), &other).await;
        assert_eq!(response.status(), 422, "{}", app.engine);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["code"], "idempotency_key_reused");
        assert_eq!(count_requests(&app).await, 1, "{}", app.engine);
    }
}

#[tokio::test]
async fn a_filing_without_an_idempotency_key_or_with_malformed_json_is_a_400() {
    for app in spawn_apps().await {
        let response = file(&app, None, &road_damage()).await;
        assert_eq!(response.status(), 400);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["code"], "bad_request");
        assert!(body["message"]
            .as_str()
            .unwrap()
            .contains("Idempotency-Key"));

        let response = app
            .client
            .post(app.url("/api/v1/requests"))
            .header("Idempotency-Key", "key-malformed-1")
            .header("Content-Type", "application/json")
            .body("{\"service_code\": ")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["code"], "bad_request");
        assert_eq!(count_requests(&app).await, 0, "{}", app.engine);
    }
}

#[tokio::test]
async fn invalid_answers_are_a_422_naming_every_bad_field_in_the_asked_language() {
    for app in spawn_apps().await {
        let mut body = road_damage();
        body["applicant"]["phone"] = json!("12345");
        body["answers"]["damage"] = json!("earthquake");
        body["answers"].as_object_mut().unwrap().remove("danger");
        let response = app
            .client
            .post(app.url("/api/v1/requests"))
            .header("Idempotency-Key", "key-invalid-001")
            .header("Accept-Language", "en")
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 422, "{}", app.engine);
        let error: Value = response.json().await.unwrap();
        assert_eq!(error["code"], "validation");
        let fields: Vec<&str> = error["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["field"].as_str().unwrap())
            .collect();
        assert_eq!(fields, ["applicant.phone", "damage", "danger"]);
        assert!(error["fields"][0]["message"]
            .as_str()
            .unwrap()
            .contains("Saudi mobile"));
        assert_eq!(count_requests(&app).await, 0, "{}", app.engine);
    }
}

#[tokio::test]
async fn an_unknown_service_an_oversized_body_or_an_unknown_attachment_stores_nothing() {
    for app in spawn_apps().await {
        let mut unknown = road_damage();
        unknown["service_code"] = json!("no-such-service");
        let response = file(&app, Some("key-unknown-001"), &unknown).await;
        assert_eq!(response.status(), 422);
        let error: Value = response.json().await.unwrap();
        assert_eq!(error["fields"][0]["field"], "service_code");

        let mut huge = road_damage();
        huge["answers"]["details"] = json!("x".repeat(100_000));
        let response = file(&app, Some("key-huge-000001"), &huge).await;
        assert_eq!(response.status(), 413, "{}", app.engine);
        let error: Value = response.json().await.unwrap();
        assert_eq!(error["code"], "payload_too_large");

        let mut attached = road_damage();
        attached["answers"]["photos"] = json!(["upload-that-does-not-exist"]);
        let response = file(&app, Some("key-attach-0001"), &attached).await;
        assert_eq!(response.status(), 422);
        let error: Value = response.json().await.unwrap();
        assert_eq!(
            error["fields"][0]["field"], "photos",
            "the question is named"
        );
        assert_eq!(count_requests(&app).await, 0, "{}", app.engine);
    }
}

#[tokio::test]
async fn tracking_shows_the_stage_and_dates_but_no_personal_data() {
    for app in spawn_apps().await {
        let filed: Value = file(&app, Some("key-track-00001"), &road_damage())
            .await
            .json()
            .await
            .unwrap();
        let reference = filed["reference"].as_str().unwrap();
        let spaced = format!(
            "{}-{} {}",
            &reference[..4],
            &reference[4..8],
            &reference[8..]
        );
        let arabic: String = spaced
            .chars()
            .map(|c| {
                c.to_digit(10)
                    .map_or(c, |d| char::from_u32(0x0660 + d).unwrap())
            })
            .collect();
        let response = app
            .get(&format!("/api/v1/track/{}", urlencode(&arabic)))
            .await;
        assert_eq!(response.status(), 200, "{}", app.engine);
        let tracked: Value = response.json().await.unwrap();
        assert_eq!(tracked["reference"], reference);
        assert_eq!(tracked["status"], "submitted");
        assert_eq!(tracked["service"]["code"], "epm-road-damage");
        assert_eq!(tracked["agency"]["code"], "epm");
        assert_eq!(tracked["department"]["code"], "epm-roads");
        assert_eq!(tracked["due_on"], filed["due_on"]);
        assert_eq!(tracked["overdue"], false);
        assert_eq!(tracked["timeline"].as_array().unwrap().len(), 1);
        assert_eq!(tracked["timeline"][0]["status"], "submitted");
        let text = tracked.to_string();
        for private in [
            "سارة",
            "0501234567",
            "+966501234567",
            "sara@example.sa",
            "حفرة",
            "26.43",
        ] {
            assert!(
                !text.contains(private),
                "{}: tracking leaks {private}: {text}",
                app.engine
            );
        }
    }
}

#[tokio::test]
async fn tracking_a_mistyped_or_unknown_reference_says_which() {
    for app in spawn_apps().await {
        let good = nafitha_domain::ReferenceNumber::from_body(12_345_678_901);
        let mut typo = good.as_str().to_owned();
        typo.replace_range(3..4, if &typo[3..4] == "1" { "2" } else { "1" });
        let response = app
            .client
            .get(app.url(&format!("/api/v1/track/{typo}")))
            .header("Accept-Language", "en")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400);
        let body: Value = response.json().await.unwrap();
        assert!(
            body["message"]
                .as_str()
                .unwrap()
                .contains("Check the digits"),
            "{body}"
        );

        let response = app.get(&format!("/api/v1/track/{good}")).await;
        assert_eq!(response.status(), 404, "{}", app.engine);
    }
}

fn urlencode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

#[tokio::test]
async fn a_deactivated_service_accepts_no_filing_but_still_shows_its_page() {
    for app in spawn_apps().await {
        app.execute("update services set active = 0 where code = 'epm-road-damage'")
            .await;
        let response = file(&app, Some("key-inactive-01"), &road_damage()).await;
        assert_eq!(response.status(), 422, "{}", app.engine);
        let error: Value = response.json().await.unwrap();
        assert_eq!(error["code"], "service_inactive");
        assert_eq!(count_requests(&app).await, 0, "{}", app.engine);

        let service: Value = app
            .get("/api/v1/services/epm-road-damage")
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(service["active"], false);
        let list: Vec<Value> = app.get("/api/v1/services").await.json().await.unwrap();
        assert!(
            list.iter().all(|s| s["code"] != "epm-road-damage"),
            "{}",
            app.engine
        );
    }
}
