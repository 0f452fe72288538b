//! The citizen's side after filing: sign-in by SMS code, sessions, "my requests", the
//! request page, attachments, the applicant's actions, and what each citizen may reach.

use serde_json::{json, Value};

use crate::helpers::{
    ask_code, code_in, e164, session_cookie_of, spawn_apps, spawn_apps_with, Options, TestApp,
};

const A: &str = "0501111111";
const B: &str = "0502222222";

async fn verify(app: &TestApp, phone: &str, code: &str) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/auth/verify"))
        .header("Accept-Language", "en")
        .json(&json!({ "phone": phone, "code": code }))
        .send()
        .await
        .unwrap()
}

async fn error_code(response: reqwest::Response) -> String {
    let body: Value = response.json().await.unwrap();
    body["code"].as_str().unwrap_or_default().to_owned()
}

async fn status_in_db(app: &TestApp, reference: &str) -> String {
    use sqlx::{Connection, Row};
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(&app.database_url)
        .await
        .unwrap();
    sqlx::query("select status from requests where reference = $1")
        .bind(reference)
        .fetch_one(&mut conn)
        .await
        .unwrap()
        .try_get("status")
        .unwrap()
}

#[tokio::test]
async fn signing_in_with_the_code_from_the_sms_starts_a_session_that_sign_out_ends() {
    for app in spawn_apps().await {
        // Arrange: a code sent to A.
        assert_eq!(ask_code(&app, A).await.status(), 202);
        let sms = app.wait_for_message(&e164(A), "sign-in code").await;
        assert!(sms.contains("15 minutes"), "{sms}");

        // Act: sign in with it, typed in Arabic-Indic digits.
        let arabic: String = code_in(&sms)
            .chars()
            .map(|c| char::from_u32(0x0660 + c.to_digit(10).unwrap()).unwrap())
            .collect();
        let signed_in = verify(&app, A, &arabic).await;

        // Assert: a session cookie made as it should be, and it works until sign-out.
        assert_eq!(signed_in.status(), 200, "{}", app.engine);
        let set = signed_in.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(set.starts_with("__Host-nafitha_session="), "{set}");
        assert!(!set.contains("Domain"), "{set}");
        for part in ["HttpOnly", "SameSite=Lax", "Secure", "Path=/"] {
            assert!(set.contains(part), "{set}");
        }
        let cookie = session_cookie_of(&signed_in);
        let me: Value = app
            .get_as(&cookie, "/api/v1/me")
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(me["phone"], e164(A));
        let out = app
            .client
            .delete(app.url("/api/v1/auth/session"))
            .header("Cookie", &cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(out.status(), 204);
        assert!(out.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .contains("Max-Age=0"));
        // The old cookie is dead on the server, not only forgotten by the browser.
        let after = app.get_as(&cookie, "/api/v1/me").await;
        assert_eq!(after.status(), 401);
        assert_eq!(error_code(after).await, "sign_in_required");
    }
}

#[tokio::test]
async fn wrong_expired_reused_and_badly_formed_codes_are_refused() {
    for app in spawn_apps().await {
        assert_eq!(ask_code(&app, A).await.status(), 202);
        let code = code_in(&app.wait_for_message(&e164(A), "sign-in code").await);
        let wrong = if code == "000000" { "111111" } else { "000000" };

        let first = verify(&app, A, wrong).await;
        assert_eq!(first.status(), 422);
        let body: Value = first.json().await.unwrap();
        assert_eq!(body["code"], "wrong_code");
        assert!(
            body["message"].as_str().unwrap().contains("4 tries left"),
            "{body}"
        );

        let malformed = verify(&app, "12345", "12").await;
        assert_eq!(malformed.status(), 422);
        let body: Value = malformed.json().await.unwrap();
        let fields: Vec<&str> = body["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["field"].as_str().unwrap())
            .collect();
        assert_eq!(fields, ["phone", "code"]);

        // The right code still works after one wrong try; then it is spent.
        assert_eq!(verify(&app, A, &code).await.status(), 200);
        let reused = verify(&app, A, &code).await;
        assert_eq!(
            (reused.status().as_u16(), error_code(reused).await.as_str()),
            (422, "no_code")
        );

        // An expired code is refused even when right.
        app.execute("update sign_in_codes set sent_at = sent_at - 120000, window_started_at = window_started_at - 120000").await;
        assert_eq!(ask_code(&app, A).await.status(), 202);
        let code = code_in(&app.wait_for_message(&e164(A), "sign-in code").await);
        app.execute("update sign_in_codes set expires_at = 0").await;
        let expired = verify(&app, A, &code).await;
        assert_eq!(error_code(expired).await, "code_expired", "{}", app.engine);
        assert_eq!(app.count("sessions").await, 1, "only the one good sign-in");
    }
}

#[tokio::test]
async fn five_wrong_tries_spend_the_code_even_for_the_right_one_afterwards() {
    for app in spawn_apps().await {
        ask_code(&app, A).await;
        let code = code_in(&app.wait_for_message(&e164(A), "sign-in code").await);
        let wrong = if code == "000000" { "111111" } else { "000000" };
        let mut codes = Vec::new();
        for _ in 0..5 {
            codes.push(error_code(verify(&app, A, wrong).await).await);
        }
        assert_eq!(
            codes,
            [
                "wrong_code",
                "wrong_code",
                "wrong_code",
                "wrong_code",
                "too_many_tries"
            ]
        );
        let right_too_late = verify(&app, A, &code).await;
        assert_eq!(error_code(right_too_late).await, "too_many_tries");
        assert_eq!(app.count("sessions").await, 0, "{}", app.engine);
    }
}

#[tokio::test]
async fn asking_for_a_code_says_nothing_about_the_number_and_resends_are_limited() {
    for app in spawn_apps().await {
        app.file_for(A).await;
        let known = ask_code(&app, A).await;
        let unknown = ask_code(&app, B).await;
        assert_eq!(
            (known.status(), unknown.status()),
            (reqwest::StatusCode::ACCEPTED, reqwest::StatusCode::ACCEPTED)
        );
        let (known, unknown): (Value, Value) =
            (known.json().await.unwrap(), unknown.json().await.unwrap());
        assert_eq!(
            known, unknown,
            "the answer must not depend on the number's requests"
        );

        let again = ask_code(&app, A).await;
        assert_eq!(again.status(), 429);
        let wait: u64 = again.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((1..=60).contains(&wait), "{wait}");

        // After the minute, a sixth code within the hour is still refused.
        for _ in 0..4 {
            app.execute("update sign_in_codes set sent_at = sent_at - 61000")
                .await;
            assert_eq!(ask_code(&app, A).await.status(), 202);
        }
        app.execute("update sign_in_codes set sent_at = sent_at - 61000")
            .await;
        assert_eq!(ask_code(&app, A).await.status(), 429, "{}", app.engine);

        let bad = ask_code(&app, "12345").await;
        assert_eq!(bad.status(), 422);
        let body: Value = bad.json().await.unwrap();
        assert_eq!(body["fields"][0]["field"], "phone");
    }
}

#[tokio::test]
async fn my_requests_lists_the_signed_in_numbers_requests_newest_first() {
    for app in spawn_apps().await {
        let first = app.file_for(A).await;
        let second = app.file_for(A).await;
        app.file_for(B).await;
        let cookie = app.sign_in(A).await;

        let mine: Vec<Value> = app
            .get_as(&cookie, "/api/v1/me/requests")
            .await
            .json()
            .await
            .unwrap();

        let references: Vec<&str> = mine
            .iter()
            .map(|r| r["reference"].as_str().unwrap())
            .collect();
        assert_eq!(
            references,
            [second.as_str(), first.as_str()],
            "{}",
            app.engine
        );
        assert_eq!(mine[0]["status"], "submitted");
        assert_eq!(mine[0]["service"]["code"], "epm-road-damage");
        assert!(mine[0]["due_on"].is_string());
        assert_eq!(app.get("/api/v1/me/requests").await.status(), 401);
    }
}

#[tokio::test]
async fn citizen_a_can_never_read_or_act_on_citizen_bs_request() {
    for app in spawn_apps().await {
        // Arrange: B's request with a photo; A signed in.
        let photo = upload_reply_file(&app).await;
        let b_reference = app.file_for(B).await;
        app.agency_acts(
            &b_reference,
            json!({ "action": "request_info", "message": "Send a photo" }),
        )
        .await;
        let b_cookie = app.sign_in(B).await;
        let answered = app
            .post_as(
                &b_cookie,
                &format!("/api/v1/requests/{b_reference}/actions"),
                &json!({ "action": "answer", "message": "Here", "attachments": [photo] }),
            )
            .await;
        assert_eq!(answered.status(), 200);
        let a_cookie = app.sign_in(A).await;
        let missing = "123456789012";
        let missing =
            nafitha_domain::ReferenceNumber::from_body(missing[..11].parse().unwrap()).to_string();
        let events_before = app.count("request_events").await;

        // Act and assert: every endpoint that takes a reference answers A as if B's request
        // did not exist.
        let endpoints: [(&str, Option<Value>); 4] = [
            ("", None),
            ("/actions", Some(json!({ "action": "withdraw" }))),
            (
                "/actions",
                Some(json!({ "action": "answer", "message": "mine now" })),
            ),
            (&format!("/attachments/{photo}"), None),
        ];
        for (suffix, body) in &endpoints {
            let (theirs, nothing) = match body {
                Some(body) => (
                    app.post_as(
                        &a_cookie,
                        &format!("/api/v1/requests/{b_reference}{suffix}"),
                        body,
                    )
                    .await,
                    app.post_as(
                        &a_cookie,
                        &format!("/api/v1/requests/{missing}{suffix}"),
                        body,
                    )
                    .await,
                ),
                None => (
                    app.get_as(
                        &a_cookie,
                        &format!("/api/v1/requests/{b_reference}{suffix}"),
                    )
                    .await,
                    app.get_as(&a_cookie, &format!("/api/v1/requests/{missing}{suffix}"))
                        .await,
                ),
            };
            assert_eq!(theirs.status(), 404, "{} {suffix}", app.engine);
            assert_eq!(nothing.status(), 404, "{} {suffix}", app.engine);
            let (theirs, nothing): (Value, Value) =
                (theirs.json().await.unwrap(), nothing.json().await.unwrap());
            assert_eq!(
                theirs, nothing,
                "{suffix}: indistinguishable from a missing request"
            );
            // Without a session: 401 everywhere.
            let anonymous = match body {
                Some(body) => app
                    .client
                    .post(app.url(&format!("/api/v1/requests/{b_reference}{suffix}")))
                    .json(body)
                    .send()
                    .await
                    .unwrap(),
                None => {
                    app.get(&format!("/api/v1/requests/{b_reference}{suffix}"))
                        .await
                }
            };
            assert_eq!(anonymous.status(), 401, "{suffix}");
        }
        let mine: Vec<Value> = app
            .get_as(&a_cookie, "/api/v1/me/requests")
            .await
            .json()
            .await
            .unwrap();
        assert!(mine.is_empty());
        assert_eq!(
            app.count("request_events").await,
            events_before,
            "nothing changed"
        );
        assert_eq!(status_in_db(&app, &b_reference).await, "in_review");

        // B reaches all of it, the photo included.
        let file = app
            .get_as(
                &b_cookie,
                &format!("/api/v1/requests/{b_reference}/attachments/{photo}"),
            )
            .await;
        assert_eq!(file.status(), 200);
        assert_eq!(file.headers()["content-type"], "image/png");
        assert!(file.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment"));
    }
}

async fn upload_reply_file(app: &TestApp) -> String {
    let response = app
        .client
        .post(app.url("/api/v1/uploads?service=epm-road-damage&field=reply"))
        .header("Content-Type", "image/png")
        .body(nafitha_server::attachments::samples::png_with_text())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201, "{}", app.engine);
    let uploaded: Value = response.json().await.unwrap();
    uploaded["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn answering_an_information_request_sends_it_back_to_the_agency_with_the_documents() {
    for app in spawn_apps().await {
        let reference = app.file_for(A).await;
        app.agency_acts(&reference, json!({ "action": "acknowledge" }))
            .await;
        app.agency_acts(
            &reference,
            json!({ "action": "request_info", "message": "How deep is the hole?" }),
        )
        .await;
        let sms = app.wait_for_message(&e164(A), "needs information").await;
        assert!(
            sms.contains(&format!("https://nafitha.test/requests/{reference}")),
            "{sms}"
        );
        let cookie = app.sign_in(A).await;
        let page: Value = app
            .get_as(&cookie, &format!("/api/v1/requests/{reference}"))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(page["request"]["status"], "awaiting_applicant");
        assert_eq!(page["applicant"]["name"], "Test Applicant");
        assert_eq!(page["events"][2]["message"], "How deep is the hole?");
        let photo = upload_reply_file(&app).await;

        let answered = app
            .post_as(
                &cookie,
                &format!("/api/v1/requests/{reference}/actions"),
                &json!({ "action": "answer", "message": "About 30 cm", "attachments": [photo] }),
            )
            .await;

        assert_eq!(answered.status(), 200, "{}", app.engine);
        let page: Value = answered.json().await.unwrap();
        assert_eq!(page["request"]["status"], "in_review");
        let last = &page["events"][3];
        assert_eq!(
            (last["kind"].as_str(), last["by_applicant"].as_bool()),
            (Some("answer"), Some(true))
        );
        assert_eq!(last["message"], "About 30 cm");
        assert_eq!(last["attachments"][0]["id"], photo.as_str());
        // The same upload cannot be attached twice.
        app.agency_acts(
            &reference,
            json!({ "action": "request_info", "message": "And the width?" }),
        )
        .await;
        let reused = app
            .post_as(
                &cookie,
                &format!("/api/v1/requests/{reference}/actions"),
                &json!({ "action": "answer", "attachments": [photo] }),
            )
            .await;
        assert_eq!(reused.status(), 422);
        assert_eq!(
            status_in_db(&app, &reference).await,
            "awaiting_applicant",
            "nothing stored half-way"
        );
    }
}

#[tokio::test]
async fn moves_the_life_cycle_forbids_are_refused_and_change_nothing() {
    for app in spawn_apps().await {
        let reference = app.file_for(A).await;
        let cookie = app.sign_in(A).await;
        let act = |body: Value| {
            let (app, cookie, reference) = (&app, &cookie, &reference);
            async move {
                app.post_as(
                    cookie,
                    &format!("/api/v1/requests/{reference}/actions"),
                    &body,
                )
                .await
            }
        };

        // Not asked for anything: no answer; agency actions are not the applicant's.
        let answer = act(json!({ "action": "answer", "message": "hello" })).await;
        assert_eq!(
            (answer.status().as_u16(), error_code(answer).await.as_str()),
            (409, "not_allowed_now")
        );
        let resolve = act(json!({ "action": "resolve" })).await;
        assert_eq!(
            (
                resolve.status().as_u16(),
                error_code(resolve).await.as_str()
            ),
            (403, "not_your_action")
        );
        let nonsense = act(json!({ "action": "approve" })).await;
        assert_eq!(nonsense.status(), 422);

        // Resolved: withdrawing is refused; reopening needs a reason and works in the window.
        app.agency_acts(
            &reference,
            json!({ "action": "resolve", "message": "Fixed" }),
        )
        .await;
        let events = app.count("request_events").await;
        let withdraw = act(json!({ "action": "withdraw" })).await;
        assert_eq!(withdraw.status(), 409);
        assert_eq!(app.count("request_events").await, events);
        let reasonless = act(json!({ "action": "reopen" })).await;
        assert_eq!(reasonless.status(), 422);
        let reopened = act(json!({ "action": "reopen", "message": "The hole is back" })).await;
        assert_eq!(reopened.status(), 200, "{}", app.engine);
        app.wait_for_message(&e164(A), "reopened").await;

        // Fifteen days after a resolution it is too late.
        app.agency_acts(&reference, json!({ "action": "resolve" }))
            .await;
        app.execute(
            "update request_events set created_at = created_at - 1296000000 where kind = 'resolve'",
        )
        .await;
        let late = act(json!({ "action": "reopen", "message": "Again" })).await;
        assert_eq!(late.status(), 409);
        assert_eq!(status_in_db(&app, &reference).await, "resolved");

        // A request not yet decided can be withdrawn, once.
        let other = app.file_for(A).await;
        let path = format!("/api/v1/requests/{other}/actions");
        assert_eq!(
            app.post_as(&cookie, &path, &json!({ "action": "withdraw" }))
                .await
                .status(),
            200
        );
        assert_eq!(
            app.post_as(&cookie, &path, &json!({ "action": "withdraw" }))
                .await
                .status(),
            409
        );
    }
}

#[tokio::test]
async fn tracking_shows_referrals_but_never_replies_notes_or_personal_data() {
    for app in spawn_apps().await {
        let reference = app.file_for(A).await;
        app.agency_acts(
            &reference,
            json!({ "action": "reply", "message": "SECRET-REPLY" }),
        )
        .await;
        app.agency_acts(
            &reference,
            json!({ "action": "note", "message": "SECRET-NOTE" }),
        )
        .await;
        app.agency_acts(
            &reference,
            json!({ "action": "refer", "department": "epm-environment" }),
        )
        .await;

        let tracked = app
            .get(&format!("/api/v1/track/{reference}"))
            .await
            .text()
            .await
            .unwrap();
        let tracked_json: Value = serde_json::from_str(&tracked).unwrap();
        let statuses: Vec<&str> = tracked_json["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["status"].as_str().unwrap())
            .collect();
        assert_eq!(statuses, ["submitted", "referred"], "{}", app.engine);
        assert_eq!(tracked_json["department"]["code"], "epm-environment");
        for secret in ["SECRET", "Test Applicant", "501111111", "A hole"] {
            assert!(!tracked.contains(secret), "{secret} leaked: {tracked}");
        }
        // The applicant sees the reply, never the note.
        let cookie = app.sign_in(A).await;
        let page = app
            .get_as(&cookie, &format!("/api/v1/requests/{reference}"))
            .await
            .text()
            .await
            .unwrap();
        assert!(
            page.contains("SECRET-REPLY") && !page.contains("SECRET-NOTE"),
            "{page}"
        );
        app.wait_for_message(&e164(A), "referred").await;
    }
}

#[tokio::test]
async fn over_plain_http_the_session_cookie_has_its_plain_name_and_still_works() {
    let options = Options {
        public_url: "http://nafitha.test".into(),
        ..Options::default()
    };
    for app in spawn_apps_with(options).await {
        // Act
        let cookie = app.sign_in(A).await;

        // Assert: `__Host-` needs Secure, which plain HTTP cannot have.
        assert!(cookie.starts_with("nafitha_session="), "{cookie}");
        let me = app.get_as(&cookie, "/api/v1/me").await;
        assert_eq!(me.status(), 200, "{}", app.engine);
    }
}

#[tokio::test]
async fn tracking_is_rate_limited_per_client() {
    let mut options = Options::default();
    options.limits.track_per_minute = 5;
    for app in spawn_apps_with(options).await {
        let reference = app.file_for(A).await;
        for _ in 0..5 {
            assert_eq!(
                app.get(&format!("/api/v1/track/{reference}"))
                    .await
                    .status(),
                200
            );
        }
        let limited = app.get(&format!("/api/v1/track/{reference}")).await;
        assert_eq!(limited.status(), 429, "{}", app.engine);
        assert!(limited.headers().contains_key("retry-after"));
        assert_eq!(error_code(limited).await, "too_many_requests");
    }
}

#[tokio::test]
async fn error_answers_carry_their_messages_in_both_languages_whatever_was_asked() {
    for app in spawn_apps().await {
        // 422, asked in English: the message and each field's, in English and in both.
        let invalid = ask_code(&app, "12345").await;
        assert_eq!(invalid.status(), 422, "{}", app.engine);
        let body: Value = invalid.json().await.unwrap();
        assert_eq!(body["code"], "validation");
        assert_eq!(body["localized"]["en"], body["message"]);
        assert_eq!(
            body["localized"]["ar"],
            "توجد مشكلة في بعض الإجابات، صححها ثم أرسل مرة أخرى"
        );
        let field = &body["fields"][0];
        assert_eq!(field["field"], "phone");
        assert_eq!(field["localized"]["en"], field["message"]);
        let arabic = field["localized"]["ar"].as_str().unwrap();
        assert!(
            arabic
                .chars()
                .any(|c| ('\u{0600}'..='\u{06FF}').contains(&c)),
            "{}: {field}",
            app.engine
        );

        // 429, asked in Arabic (the default): the message in Arabic, and both.
        assert_eq!(ask_code(&app, A).await.status(), 202, "{}", app.engine);
        let again = app
            .client
            .post(app.url("/api/v1/auth/otp"))
            .json(&json!({ "phone": A }))
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), 429, "{}", app.engine);
        let body: Value = again.json().await.unwrap();
        assert_eq!(body["localized"]["ar"], body["message"]);
        let english = body["localized"]["en"].as_str().unwrap();
        assert!(
            english.starts_with("We sent a code a moment ago"),
            "{}: {body}",
            app.engine
        );
    }
}
