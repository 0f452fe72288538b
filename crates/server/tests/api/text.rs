//! Text the database would refuse (a NUL is a 500 on PostgreSQL, stored as is by SQLite) is
//! refused before it is stored, on every engine, with the validation error shape.

use serde_json::{json, Value};

use crate::helpers::{spawn_apps, TestApp};

/// A JSON POST in English, with a session cookie when one is given.
async fn post(app: &TestApp, cookie: Option<&str>, path: &str, body: &Value) -> reqwest::Response {
    let mut request = app
        .client
        .post(app.url(path))
        .header("Accept-Language", "en")
        .json(body);
    if let Some(cookie) = cookie {
        request = request.header("Cookie", cookie);
    }
    request.send().await.unwrap()
}

/// Asserts a 422 with `{ code, message, fields }` naming only `field`, for its control
/// characters.
async fn assert_refused(app: &TestApp, response: reqwest::Response, field: &str) {
    assert_eq!(response.status(), 422, "{}: {field}", app.engine);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["code"], "validation", "{}: {body}", app.engine);
    assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()));
    let fields = body["fields"].as_array().unwrap();
    assert_eq!(fields.len(), 1, "{}: {body}", app.engine);
    assert_eq!(fields[0]["field"], field);
    assert!(
        fields[0]["message"]
            .as_str()
            .unwrap()
            .contains("control characters"),
        "{body}"
    );
}

fn filing(name: &str, details: &str) -> Value {
    json!({
        "service_code": "epm-road-damage",
        "locale": "en",
        "applicant": { "name": name, "phone": "0507770001" },
        "answers": { "damage": "pothole", "danger": "no", "details": details, "location": { "address": "King Fahd Road, Dammam" } }
    })
}

#[tokio::test]
async fn a_nul_in_a_text_answer_or_the_applicant_name_is_refused_and_nothing_is_stored() {
    for app in spawn_apps().await {
        for (body, field) in [
            (filing("Test Applicant", "A deep\0hole"), "details"),
            (filing("Test\0Applicant", "A deep hole"), "applicant.name"),
        ] {
            let response = app
                .client
                .post(app.url("/api/v1/requests"))
                .header("Accept-Language", "en")
                .header("Idempotency-Key", uuid::Uuid::new_v4().to_string())
                .json(&body)
                .send()
                .await
                .unwrap();

            assert_refused(&app, response, field).await;
        }
        assert_eq!(app.count("requests").await, 0, "{}", app.engine);
        assert_eq!(app.count("idempotency_keys").await, 0, "{}", app.engine);
    }
}

#[tokio::test]
async fn a_nul_in_a_staff_note_or_reply_is_refused_and_nothing_is_stored() {
    for app in spawn_apps().await {
        let reference = app.file_for("0507770002").await;
        let supervisor = app
            .staff("supervisor.text", "supervisor", "epm", None)
            .await;
        let path = format!("/api/v1/staff/requests/{reference}/actions");
        let events = app.count("request_events").await;

        for action in ["note", "reply"] {
            let body = json!({ "action": action, "message": "Checked\0 on site" });
            let response = post(&app, Some(&supervisor), &path, &body).await;

            assert_refused(&app, response, "message").await;
        }
        assert_eq!(app.count("request_events").await, events, "{}", app.engine);
        let fine = json!({ "action": "note", "message": "Checked\non site" });
        let noted = post(&app, Some(&supervisor), &path, &fine).await;
        assert_eq!(noted.status(), 204, "{}: line breaks stay", app.engine);
    }
}

#[tokio::test]
async fn a_nul_in_a_citizens_message_is_refused_and_nothing_is_stored() {
    for app in spawn_apps().await {
        let reference = app.file_for("0507770003").await;
        app.agency_acts(
            &reference,
            json!({ "action": "request_info", "message": "How deep is the hole?" }),
        )
        .await;
        let citizen = app.sign_in("0507770003").await;
        let events = app.count("request_events").await;

        let response = post(
            &app,
            Some(&citizen),
            &format!("/api/v1/requests/{reference}/actions"),
            &json!({ "action": "answer", "message": "About\0 30 cm" }),
        )
        .await;

        assert_refused(&app, response, "message").await;
        assert_eq!(app.count("request_events").await, events, "{}", app.engine);
        let page: Value = app
            .get_as(&citizen, &format!("/api/v1/requests/{reference}"))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(page["request"]["status"], "awaiting_applicant");
    }
}

#[tokio::test]
async fn a_nul_in_a_rating_comment_is_refused_and_nothing_is_stored() {
    for app in spawn_apps().await {
        let reference = app.file_for("0507770004").await;
        app.agency_acts(
            &reference,
            json!({ "action": "resolve", "message": "Filled in" }),
        )
        .await;
        let citizen = app.sign_in("0507770004").await;

        let response = post(
            &app,
            Some(&citizen),
            &format!("/api/v1/requests/{reference}/rating"),
            &json!({ "score": 4, "comment": "Quick\0 work" }),
        )
        .await;

        assert_refused(&app, response, "comment").await;
        assert_eq!(app.count("ratings").await, 0, "{}", app.engine);
    }
}
