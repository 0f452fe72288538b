//! Appointments: a service's open slots, a time booked with the filing (the SMS with the
//! date and the video link, the reminder the day before by the test clock), every reason a
//! time is refused, and the last place of a slot under many simultaneous bookings.

use nafitha_domain::calendar::parse_datetime_ms;
use nafitha_server::clock::Clock;
use serde_json::{json, Value};

use crate::helpers::{e164, spawn_apps_with, Options, TestApp};

/// Sunday 2026-12-06, 08:00 in Riyadh.
const SUNDAY_8AM: &str = "2026-12-06T08:00:00+03:00";

fn at(text: &str) -> i64 {
    parse_datetime_ms(text).unwrap()
}

fn options_at(clock: &Clock) -> Options {
    Options {
        clock: clock.clone(),
        ..Options::default()
    }
}

fn video_call(phone: &str, start: Option<&str>) -> Value {
    let mut body = json!({
        "service_code": "moi-video-call", "locale": "en",
        "applicant": { "name": "Sara Ahmed", "phone": phone },
        "answers": { "subject": "A permit question" }
    });
    if let Some(start) = start {
        body["appointment"] = json!({ "start": start, "needs": "An interpreter" });
    }
    body
}

async fn file(app: &TestApp, body: &Value) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/requests"))
        .header("Idempotency-Key", uuid::Uuid::new_v4().to_string())
        .json(body)
        .send()
        .await
        .unwrap()
}

async fn slots(app: &TestApp, query: &str) -> Value {
    let response = app
        .get(&format!("/api/v1/services/moi-video-call/slots{query}"))
        .await;
    assert_eq!(response.status(), 200, "{query}");
    response.json().await.unwrap()
}

#[tokio::test]
async fn a_time_is_booked_with_the_filing_and_remembered_the_day_before() {
    let clock = Clock::fixed(at(SUNDAY_8AM));
    for app in spawn_apps_with(options_at(&clock)).await {
        clock.set(at(SUNDAY_8AM));
        // Today from 12:00 (4 hours' lead), 10:00 to 13:00 in 15-minute slots.
        let today = slots(&app, "?days=1").await;
        let starts: Vec<&str> = today
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["start"].as_str().unwrap())
            .collect();
        assert_eq!(
            starts,
            [
                "2026-12-06T12:00:00+03:00",
                "2026-12-06T12:15:00+03:00",
                "2026-12-06T12:30:00+03:00",
                "2026-12-06T12:45:00+03:00"
            ]
        );
        assert_eq!(today[0]["end"], "2026-12-06T12:15:00+03:00");
        assert_eq!(today[0]["free"], 1);
        // Friday and Saturday receive nobody.
        assert_eq!(slots(&app, "?from=2026-12-11&days=2").await, json!([]));

        let chosen = "2026-12-08T10:30:00+03:00";
        let filed = file(&app, &video_call("0508880001", Some(chosen))).await;
        assert_eq!(filed.status(), 201, "{}", app.engine);
        let reference = filed.json::<Value>().await.unwrap()["reference"]
            .as_str()
            .unwrap()
            .to_owned();
        let sms = app
            .wait_for_message(&e164("0508880001"), "appointment")
            .await;
        assert!(sms.contains("2026-12-08 10:30"), "{sms}");
        assert!(
            sms.contains(&format!("https://meet.nafitha.test/{reference}")),
            "{sms}"
        );
        let stored = app
            .scalar(&format!(
                "select a.status || ' ' || a.needs as v from appointments a join requests r \
                 on r.id = a.request_id where r.reference = '{reference}'"
            ))
            .await;
        assert_eq!(stored, "booked An interpreter");
        // Taken: the slot shows no free place.
        let tuesday = slots(&app, "?from=2026-12-08&days=1").await;
        let slot = tuesday
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["start"] == chosen)
            .unwrap();
        assert_eq!(slot["free"], 0);

        // The reminder waits for 09:00 the day before, then goes.
        clock.set(at("2026-12-07T08:59:00+03:00"));
        tokio::time::sleep(std::time::Duration::from_millis(600)).await;
        assert!(
            !app.outbox_log()
                .iter()
                .any(|m| m["body"].as_str().unwrap_or_default().contains("reminder")),
            "{}",
            app.engine
        );
        clock.set(at("2026-12-07T09:00:01+03:00"));
        let reminder = app.wait_for_message(&e164("0508880001"), "reminder").await;
        assert!(
            reminder.contains("tomorrow, 2026-12-08 10:30"),
            "{reminder}"
        );
    }
}

#[tokio::test]
async fn a_time_is_refused_for_what_it_is_and_nothing_is_stored() {
    let clock = Clock::fixed(at(SUNDAY_8AM));
    for app in spawn_apps_with(options_at(&clock)).await {
        let cases = [
            (None, "appointment.start", "Choose a time"),
            (
                Some("2026-12-06T07:00:00+03:00"),
                "appointment.start",
                "passed",
            ),
            (
                Some("2026-12-06T10:00:00+03:00"),
                "appointment.start",
                "4 hours",
            ),
            (
                Some("2026-12-06T10:05:00+03:00"),
                "appointment.start",
                "not one of",
            ),
            (
                Some("2026-12-12T10:00:00+03:00"),
                "appointment.start",
                "not one of",
            ),
            (
                Some("2027-02-01T10:00:00+03:00"),
                "appointment.start",
                "30 days",
            ),
            (Some("next week"), "appointment.start", "Choose one of"),
        ];
        for (start, field, needle) in cases {
            let refused = file(&app, &video_call("0508880002", start)).await;
            assert_eq!(refused.status(), 422, "{start:?}");
            let body: Value = refused.json().await.unwrap();
            assert_eq!(body["fields"][0]["field"], field, "{start:?}: {body}");
            assert!(body.to_string().contains(needle), "{start:?}: {body}");
        }
        // A service that books no time, or offers times only after review.
        let mut road = video_call("0508880002", Some("2026-12-08T10:30:00+03:00"));
        road["service_code"] = json!("epm-suggestion");
        road["answers"] = json!({ "area": "parks", "details": "Shade", "wants_reply": "no" });
        let refused = file(&app, &road).await;
        assert_eq!(refused.status(), 422);
        let mut minister = video_call("0508880002", Some("2026-12-08T10:00:00+03:00"));
        minister["service_code"] = json!("moi-meet-minister");
        minister["answers"] = json!({ "subject": "A visit", "details": "About my farm" });
        let refused = file(&app, &minister).await;
        assert_eq!(refused.status(), 422);
        assert!(refused.text().await.unwrap().contains("after it reviews"));
        assert_eq!(app.count("requests").await, 0, "{}", app.engine);
        assert_eq!(app.count("appointments").await, 0);
        // Without a time, the minister's service files (its times come after review).
        minister.as_object_mut().unwrap().remove("appointment");
        assert_eq!(file(&app, &minister).await.status(), 201);
        // Slots: a bad query is named; an unknown or non-appointment service is 404.
        let bad = app
            .get("/api/v1/services/moi-video-call/slots?from=tomorrow&days=99")
            .await;
        assert_eq!(bad.status(), 422);
        let bad: Value = bad.json().await.unwrap();
        assert_eq!(bad["fields"][0]["field"], "from");
        assert_eq!(bad["fields"][1]["field"], "days");
        for code in ["epm-suggestion", "no-such-service"] {
            let missing = app.get(&format!("/api/v1/services/{code}/slots")).await;
            assert_eq!(missing.status(), 404, "{code}");
        }
    }
}

#[tokio::test]
async fn the_last_place_of_a_slot_goes_to_exactly_one_of_many_at_once() {
    let clock = Clock::fixed(at(SUNDAY_8AM));
    for app in spawn_apps_with(options_at(&clock)).await {
        let start = "2026-12-09T11:00:00+03:00";
        let attempts: Vec<_> = (0..12)
            .map(|i| {
                let body = video_call(&format!("05088801{i:02}"), Some(start));
                let app = &app;
                async move { file(app, &body).await }
            })
            .collect();
        let answers = futures_util::future::join_all(attempts).await;
        let mut won = 0;
        for answer in answers {
            match answer.status().as_u16() {
                201 => won += 1,
                409 => {
                    let body: Value = answer.json().await.unwrap();
                    assert_eq!(body["code"], "slot_full");
                    assert!(
                        body["message"]
                            .as_str()
                            .unwrap()
                            .contains("2026-12-06 12:00"),
                        "{body}"
                    );
                }
                other => panic!("{}: {other}", app.engine),
            }
        }
        assert_eq!(won, 1, "{}", app.engine);
        assert_eq!(app.count("appointments").await, 1);
        assert_eq!(app.count("requests").await, 1);
        assert_eq!(
            app.scalar("select cast(booked as text) as v from slot_counts")
                .await,
            "1"
        );
    }
}

async fn put_time(app: &TestApp, cookie: &str, reference: &str, start: &str) -> reqwest::Response {
    app.client
        .put(app.url(&format!("/api/v1/requests/{reference}/appointment")))
        .header("Cookie", cookie)
        .json(&json!({ "start": start }))
        .send()
        .await
        .unwrap()
}

async fn cancel_time(app: &TestApp, cookie: &str, reference: &str) -> reqwest::Response {
    app.client
        .delete(app.url(&format!("/api/v1/requests/{reference}/appointment")))
        .header("Cookie", cookie)
        .send()
        .await
        .unwrap()
}

async fn free_at(app: &TestApp, start: &str) -> u64 {
    let day = &start[..10];
    let slots = slots(app, &format!("?from={day}&days=1")).await;
    slots
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["start"] == start)
        .map_or(0, |s| s["free"].as_u64().unwrap())
}

async fn pending_reminders(app: &TestApp) -> i64 {
    app.scalar(
        "select cast(count(*) as text) as v from outbox where purpose = 'appointment_reminder' \
         and sent_at is null",
    )
    .await
    .parse()
    .unwrap()
}

#[tokio::test]
async fn the_applicant_changes_or_cancels_their_time_until_the_lead_time() {
    let clock = Clock::fixed(at(SUNDAY_8AM));
    for app in spawn_apps_with(options_at(&clock)).await {
        clock.set(at(SUNDAY_8AM));
        let (first, second) = ("2026-12-08T10:30:00+03:00", "2026-12-09T12:00:00+03:00");
        let filed = file(&app, &video_call("0508880003", Some(first))).await;
        assert_eq!(filed.status(), 201);
        let reference = filed.json::<Value>().await.unwrap()["reference"]
            .as_str()
            .unwrap()
            .to_owned();
        let citizen = app.sign_in("0508880003").await;
        let page: Value = app
            .get_as(&citizen, &format!("/api/v1/requests/{reference}"))
            .await
            .json()
            .await
            .unwrap();
        let appointment = &page["appointment"];
        assert_eq!(appointment["may_book"], false);
        assert_eq!(appointment["booked"]["start"], first);
        assert_eq!(appointment["booked"]["status"], "booked");
        assert_eq!(
            appointment["booked"]["video_link"],
            format!("https://meet.nafitha.test/{reference}")
        );
        assert_eq!(
            appointment["booked"]["change_until"],
            "2026-12-08T06:30:00+03:00"
        );

        // Changed: the old place is free at once, the new one taken, one reminder pending.
        let changed = put_time(&app, &citizen, &reference, second).await;
        assert_eq!(changed.status(), 200, "{}", app.engine);
        let page: Value = changed.json().await.unwrap();
        assert_eq!(page["appointment"]["booked"]["start"], second);
        assert_eq!(free_at(&app, first).await, 1);
        assert_eq!(free_at(&app, second).await, 0);
        assert_eq!(pending_reminders(&app).await, 1);
        app.wait_for_message(&e164("0508880003"), "2026-12-09 12:00")
            .await;

        // Someone else's request is not found; a full slot is refused, nothing changed.
        let other = file(&app, &video_call("0508880004", Some(first))).await;
        assert_eq!(other.status(), 201);
        let theirs = other.json::<Value>().await.unwrap()["reference"]
            .as_str()
            .unwrap()
            .to_owned();
        assert_eq!(
            put_time(&app, &citizen, &theirs, second).await.status(),
            404
        );
        let full = put_time(&app, &citizen, &reference, first).await;
        assert_eq!(full.status(), 409);
        assert_eq!(full.json::<Value>().await.unwrap()["code"], "slot_full");
        assert_eq!(free_at(&app, second).await, 0);

        // Cancelled: free again, no reminder; then a time may be chosen again.
        let cancelled = cancel_time(&app, &citizen, &reference).await;
        assert_eq!(cancelled.status(), 200);
        let page: Value = cancelled.json().await.unwrap();
        assert_eq!(page["appointment"]["booked"]["status"], "cancelled");
        assert_eq!(page["appointment"]["may_book"], true);
        assert_eq!(free_at(&app, second).await, 1);
        assert_eq!(pending_reminders(&app).await, 1, "the other request's");
        assert_eq!(cancel_time(&app, &citizen, &reference).await.status(), 409);
        let soon = "2026-12-06T12:15:00+03:00";
        assert_eq!(
            put_time(&app, &citizen, &reference, soon).await.status(),
            200
        );

        // Within the lead time (4 hours), neither a change nor a cancellation.
        clock.set(at("2026-12-06T08:30:00+03:00"));
        let late = put_time(&app, &citizen, &reference, second).await;
        assert_eq!(late.status(), 409);
        assert_eq!(
            late.json::<Value>().await.unwrap()["code"],
            "too_late_to_change"
        );
        assert_eq!(cancel_time(&app, &citizen, &reference).await.status(), 409);
    }
}

#[tokio::test]
async fn a_time_offered_after_review_is_chosen_once_the_agency_takes_the_request_up() {
    let clock = Clock::fixed(at(SUNDAY_8AM));
    for app in spawn_apps_with(options_at(&clock)).await {
        clock.set(at(SUNDAY_8AM));
        let mut minister = video_call("0508880005", None);
        minister["service_code"] = json!("moi-meet-minister");
        minister["answers"] = json!({ "subject": "A visit", "details": "About my farm" });
        let filed = file(&app, &minister).await;
        assert_eq!(filed.status(), 201);
        let reference = filed.json::<Value>().await.unwrap()["reference"]
            .as_str()
            .unwrap()
            .to_owned();
        let citizen = app.sign_in("0508880005").await;
        // Tuesdays 10:00 to 12:00, 48 hours ahead: the 15th is the first.
        let tuesday = "2026-12-15T10:20:00+03:00";
        let early = put_time(&app, &citizen, &reference, tuesday).await;
        assert_eq!(early.status(), 409);
        assert_eq!(
            early.json::<Value>().await.unwrap()["code"],
            "not_bookable_now"
        );

        let supervisor = app.staff("super.moi", "supervisor", "moi", None).await;
        let acknowledged = app
            .post_as(
                &supervisor,
                &format!("/api/v1/staff/requests/{reference}/actions"),
                &json!({ "action": "acknowledge" }),
            )
            .await;
        assert_eq!(acknowledged.status(), 204);
        let booked = put_time(&app, &citizen, &reference, tuesday).await;
        assert_eq!(booked.status(), 200, "{}", app.engine);
        let page: Value = booked.json().await.unwrap();
        assert_eq!(
            page["appointment"]["booked"]["place"]["en"],
            "Reception centre, Ministry of Interior, Riyadh"
        );
        let sms = app
            .wait_for_message(&e164("0508880005"), "2026-12-15 10:20")
            .await;
        assert!(sms.contains("Reception centre"), "{sms}");
    }
}

#[tokio::test]
async fn staff_see_the_day_move_a_time_and_mark_who_came() {
    let clock = Clock::fixed(at(SUNDAY_8AM));
    for app in spawn_apps_with(options_at(&clock)).await {
        clock.set(at(SUNDAY_8AM));
        let (tuesday, later) = ("2026-12-08T10:30:00+03:00", "2026-12-08T11:00:00+03:00");
        let filed = file(&app, &video_call("0508880006", Some(tuesday))).await;
        assert_eq!(filed.status(), 201);
        let reference = filed.json::<Value>().await.unwrap()["reference"]
            .as_str()
            .unwrap()
            .to_owned();
        let agent = app
            .staff("agent.reception", "agent", "moi", Some("moi-reception"))
            .await;
        let outsider = app.staff("agent.epm", "agent", "epm", None).await;

        // The day: every slot of the pattern, who is coming and what they need.
        let day_path = "/api/v1/staff/appointments?service=moi-video-call&date=2026-12-08";
        let day: Value = app.get_as(&agent, day_path).await.json().await.unwrap();
        assert_eq!(
            day["slots"].as_array().unwrap().len(),
            12,
            "10:00 to 13:00 by 15 minutes"
        );
        let slot = day["slots"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["start"] == tuesday)
            .unwrap();
        assert_eq!(slot["visits"][0]["reference"], reference.as_str());
        assert_eq!(slot["visits"][0]["name"], "Sara Ahmed");
        assert_eq!(slot["visits"][0]["needs"], "An interpreter");
        assert_eq!(day["counts"]["booked"], 1);
        assert_eq!(app.get_as(&outsider, day_path).await.status(), 404);
        let bad = app
            .get_as(
                &agent,
                "/api/v1/staff/appointments?service=moi-video-call&date=08-12-2026",
            )
            .await;
        assert_eq!(bad.status(), 422);

        // Moved by staff: the applicant is told; another agency's staff cannot.
        let move_to = |cookie: &str, start: &str| {
            let request = app
                .client
                .put(app.url(&format!("/api/v1/staff/requests/{reference}/appointment")))
                .header("Cookie", cookie)
                .json(&json!({ "start": start }));
            async move { request.send().await.unwrap().status().as_u16() }
        };
        assert_eq!(move_to(&outsider, later).await, 404);
        assert_eq!(move_to(&agent, "2026-12-08T11:05:00+03:00").await, 422);
        assert_eq!(move_to(&agent, later).await, 204);
        app.wait_for_message(&e164("0508880006"), "2026-12-08 11:00")
            .await;
        assert_eq!(free_at(&app, tuesday).await, 1);
        assert_eq!(free_at(&app, later).await, 0);

        // Marked only once the time has begun; only kept or no-show.
        let mark = |cookie: &str, status: &str| {
            let request = app
                .client
                .post(app.url(&format!(
                    "/api/v1/staff/requests/{reference}/appointment/mark"
                )))
                .header("Cookie", cookie)
                .json(&json!({ "status": status }));
            async move { request.send().await.unwrap().status().as_u16() }
        };
        assert_eq!(mark(&agent, "kept").await, 409);
        assert_eq!(mark(&agent, "cancelled").await, 422);
        clock.set(at("2026-12-08T11:02:00+03:00"));
        // Two days on, the first session has ended: a colleague of the same desk.
        let colleague = app
            .staff("agent.reception2", "agent", "moi", Some("moi-reception"))
            .await;
        assert_eq!(mark(&colleague, "kept").await, 204, "{}", app.engine);
        let day: Value = app.get_as(&colleague, day_path).await.json().await.unwrap();
        assert_eq!(day["counts"]["kept"], 1);
        assert_eq!(day["counts"]["booked"], 0);
    }
}
