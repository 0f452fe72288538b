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
            (None, "appointment.start", "Choose one of the times shown"),
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
        // The move keeps what the visitor needs.
        let day: Value = app.get_as(&agent, day_path).await.json().await.unwrap();
        let moved = day["slots"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["start"] == later)
            .unwrap();
        assert_eq!(
            moved["visits"][0]["needs"], "An interpreter",
            "{}",
            app.engine
        );

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

async fn put_json_as(app: &TestApp, cookie: &str, path: &str, body: &Value) -> reqwest::Response {
    app.client
        .put(app.url(path))
        .header("Cookie", cookie)
        .json(body)
        .send()
        .await
        .unwrap()
}

async fn reference_of(response: reqwest::Response) -> String {
    assert_eq!(response.status(), 201);
    response.json::<Value>().await.unwrap()["reference"]
        .as_str()
        .unwrap()
        .to_owned()
}

const VIDEO_AVAILABILITY: &str = "/api/v1/staff/services/moi-video-call/availability";

#[tokio::test]
async fn supervisors_edit_an_availability_and_the_slots_offered_follow_it() {
    let clock = Clock::fixed(at(SUNDAY_8AM));
    for app in spawn_apps_with(options_at(&clock)).await {
        clock.set(at(SUNDAY_8AM));
        let booked_before = "2026-12-08T10:30:00+03:00";
        let reference =
            reference_of(file(&app, &video_call("0508880010", Some(booked_before))).await).await;
        let agent = app
            .staff("agent.appt", "agent", "moi", Some("moi-reception"))
            .await;
        let supervisor = app.staff("super.appt", "supervisor", "moi", None).await;
        let outsider = app.staff("super.epm", "supervisor", "epm", None).await;

        // Case workers read it, with how times are given, and the place of a visit.
        let read: Value = app
            .get_as(&agent, VIDEO_AVAILABILITY)
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(read["mode"], "while_filing");
        assert_eq!(read["slot_minutes"], 15);
        assert_eq!(read["video"], true);
        let minister: Value = app
            .get_as(
                &agent,
                "/api/v1/staff/services/moi-meet-minister/availability",
            )
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(minister["mode"], "after_review");
        assert_eq!(
            minister["place"]["en"],
            "Reception centre, Ministry of Interior, Riyadh"
        );
        // Another agency's, or a service that books no time: not found.
        assert_eq!(
            app.get_as(&outsider, VIDEO_AVAILABILITY).await.status(),
            404
        );
        let no_times = "/api/v1/staff/services/epm-suggestion/availability";
        assert_eq!(app.get_as(&supervisor, no_times).await.status(), 404);

        let sundays = json!({
            "mode": "while_filing",
            "week": [{ "opens": 540, "closes": 600 }, null, null, null, null],
            "slot_minutes": 30.0, "capacity": 2, "horizon_days": 30, "lead_hours": 0,
            "closures": ["2026-12-13"], "video": true
        });
        // Agents may not change it; another agency's supervisor does not find it.
        assert_eq!(
            put_json_as(&app, &agent, VIDEO_AVAILABILITY, &sundays)
                .await
                .status(),
            403
        );
        assert_eq!(
            put_json_as(&app, &outsider, VIDEO_AVAILABILITY, &sundays)
                .await
                .status(),
            404
        );
        assert_eq!(
            put_json_as(&app, &supervisor, no_times, &sundays)
                .await
                .status(),
            404
        );

        // A bad one is refused whole, each field named; nothing is stored.
        let mut bad = sundays.clone();
        bad["slot_minutes"] = json!(3);
        bad["week"] = json!([null, null, null, null, null]);
        bad["closures"] = json!(["2026-12-20", "2026-12-13"]);
        bad["video"] = json!(false);
        let refused = put_json_as(&app, &supervisor, VIDEO_AVAILABILITY, &bad).await;
        assert_eq!(refused.status(), 422, "{}", app.engine);
        let body: Value = refused.json().await.unwrap();
        let named: Vec<&str> = body["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["field"].as_str().unwrap())
            .collect();
        assert_eq!(named, ["slot_minutes", "closures.1", "week", "place"]);
        let unchanged: Value = app
            .get_as(&agent, VIDEO_AVAILABILITY)
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(unchanged, read);
        assert_eq!(app.count("availability_changes").await, 0);

        // A good one is stored, answered, and recorded with who changed it.
        let stored = put_json_as(&app, &supervisor, VIDEO_AVAILABILITY, &sundays).await;
        assert_eq!(stored.status(), 200, "{}", app.engine);
        let stored: Value = stored.json().await.unwrap();
        assert_eq!(stored["slot_minutes"], 30);
        assert_eq!(stored["closures"], json!(["2026-12-13"]));
        assert_eq!(
            stored,
            app.get_as(&agent, VIDEO_AVAILABILITY)
                .await
                .json::<Value>()
                .await
                .unwrap()
        );
        assert_eq!(
            app.scalar(
                "select updated_by as v from availabilities where service_code = 'moi-video-call'"
            )
            .await,
            "staff:super.appt"
        );
        assert_eq!(
            app.scalar("select username as v from availability_changes")
                .await,
            "super.appt"
        );

        // The slots offered follow: Sundays 09:00 and 09:30, two places, not the 13th.
        let mut offered = slots(&app, "?from=2026-12-06&days=14").await;
        let then = slots(&app, "?from=2026-12-20&days=1").await;
        offered
            .as_array_mut()
            .unwrap()
            .extend(then.as_array().unwrap().iter().cloned());
        let starts: Vec<(&str, u64)> = offered
            .as_array()
            .unwrap()
            .iter()
            .map(|s| (s["start"].as_str().unwrap(), s["free"].as_u64().unwrap()))
            .collect();
        assert_eq!(
            starts,
            [
                ("2026-12-06T09:00:00+03:00", 2),
                ("2026-12-06T09:30:00+03:00", 2),
                ("2026-12-20T09:00:00+03:00", 2),
                ("2026-12-20T09:30:00+03:00", 2)
            ]
        );
        // The time booked before stays booked, off the new pattern.
        let citizen = app.sign_in("0508880010").await;
        let page: Value = app
            .get_as(&citizen, &format!("/api/v1/requests/{reference}"))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(page["appointment"]["booked"]["start"], booked_before);
        assert_eq!(page["appointment"]["booked"]["status"], "booked");
    }
}

/// The lines of a calendar file, unfolded (RFC 5545, 3.1), as (name, value).
fn calendar_lines(text: &str) -> Vec<(String, String)> {
    for physical in text.split("\r\n") {
        assert!(
            physical.len() <= 75,
            "{} octets: {physical}",
            physical.len()
        );
    }
    assert!(text.ends_with("\r\n"));
    text.replace("\r\n ", "")
        .split("\r\n")
        .filter(|l| !l.is_empty())
        .map(|l| {
            let (name, value) = l.split_once(':').unwrap();
            (name.to_owned(), value.to_owned())
        })
        .collect()
}

fn field<'a>(lines: &'a [(String, String)], name: &str) -> Option<&'a str> {
    let mut found = lines.iter().filter(|(n, _)| n == name);
    let first = found.next().map(|(_, v)| v.as_str());
    assert!(found.next().is_none(), "{name} twice");
    first
}

async fn calendar_file(
    app: &TestApp,
    cookie: &str,
    reference: &str,
    language: &str,
) -> reqwest::Response {
    app.client
        .get(app.url(&format!("/api/v1/requests/{reference}/appointment.ics")))
        .header("Cookie", cookie)
        .header("Accept-Language", language)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_applicant_adds_their_booked_time_to_a_calendar() {
    let clock = Clock::fixed(at(SUNDAY_8AM));
    for app in spawn_apps_with(options_at(&clock)).await {
        clock.set(at(SUNDAY_8AM));
        let start = "2026-12-08T10:30:00+03:00";
        let reference =
            reference_of(file(&app, &video_call("0508880011", Some(start))).await).await;
        let citizen = app.sign_in("0508880011").await;

        let response = calendar_file(&app, &citizen, &reference, "en").await;
        assert_eq!(response.status(), 200, "{}", app.engine);
        assert_eq!(
            response.headers()["content-type"],
            "text/calendar; charset=utf-8"
        );
        assert_eq!(
            response.headers()["content-disposition"],
            format!("attachment; filename=\"{reference}.ics\"").as_str()
        );
        let lines = calendar_lines(&response.text().await.unwrap());
        let link = format!("https://meet.nafitha.test/{reference}");
        let grouped = nafitha_domain::ReferenceNumber::parse(&reference)
            .unwrap()
            .grouped();
        assert_eq!(lines.first().unwrap().1, "VCALENDAR");
        assert_eq!(field(&lines, "VERSION"), Some("2.0"));
        assert_eq!(
            lines
                .iter()
                .filter(|l| l.0 == "BEGIN" && l.1 == "VEVENT")
                .count(),
            1
        );
        assert_eq!(
            field(&lines, "UID"),
            Some(format!("{reference}@nafitha").as_str())
        );
        assert_eq!(field(&lines, "DTSTAMP"), Some("20261206T050000Z"));
        assert_eq!(field(&lines, "DTSTART"), Some("20261208T073000Z"));
        assert_eq!(field(&lines, "DTEND"), Some("20261208T074500Z"));
        assert_eq!(field(&lines, "SUMMARY"), Some("Video call request"));
        assert_eq!(field(&lines, "LOCATION"), Some(link.as_str()));
        assert_eq!(field(&lines, "URL"), Some(link.as_str()));
        assert_eq!(
            field(&lines, "DESCRIPTION"),
            Some(format!("Nafitha request {grouped}").as_str())
        );
        // In Arabic, the service's Arabic name.
        let arabic = calendar_file(&app, &citizen, &reference, "ar")
            .await
            .text()
            .await
            .unwrap();
        assert_eq!(
            field(&calendar_lines(&arabic), "SUMMARY"),
            Some("طلب اتصال مرئي")
        );

        // Someone else's request, or nobody signed in: as for the booking.
        let theirs = reference_of(
            file(
                &app,
                &video_call("0508880012", Some("2026-12-08T11:00:00+03:00")),
            )
            .await,
        )
        .await;
        assert_eq!(
            calendar_file(&app, &citizen, &theirs, "en").await.status(),
            404
        );
        let anonymous = app
            .get(&format!("/api/v1/requests/{reference}/appointment.ics"))
            .await;
        assert_eq!(anonymous.status(), 401);
        // Cancelled: no file.
        assert_eq!(cancel_time(&app, &citizen, &reference).await.status(), 200);
        assert_eq!(
            calendar_file(&app, &citizen, &reference, "en")
                .await
                .status(),
            404
        );
    }
}

async fn outbox_with(app: &TestApp, reference: &str, needle: &str) -> i64 {
    app.scalar(&format!(
        "select cast(count(*) as text) as v from outbox o join requests r on r.id = o.request_id \
         where r.reference = '{reference}' and o.body like '%{needle}%'"
    ))
    .await
    .parse()
    .unwrap()
}

fn minister_request(phone: &str, locale: &str) -> Value {
    let mut body = video_call(phone, None);
    body["service_code"] = json!("moi-meet-minister");
    body["locale"] = json!(locale);
    body["answers"] = json!({ "subject": "A visit", "details": "About my farm" });
    body
}

#[tokio::test]
async fn an_applicant_is_invited_once_to_choose_a_time_when_the_agency_takes_the_request_up() {
    let clock = Clock::fixed(at(SUNDAY_8AM));
    for app in spawn_apps_with(options_at(&clock)).await {
        clock.set(at(SUNDAY_8AM));
        let supervisor = app.staff("super.invite", "supervisor", "moi", None).await;
        let act = |reference: String, action: Value| {
            let supervisor = supervisor.clone();
            let app = &app;
            async move {
                let path = format!("/api/v1/staff/requests/{reference}/actions");
                app.post_as(&supervisor, &path, &action).await.status()
            }
        };
        let arabic = reference_of(file(&app, &minister_request("0508880020", "ar")).await).await;
        assert_eq!(outbox_with(&app, &arabic, "اختر موعدك").await, 0);
        assert_eq!(
            act(arabic.clone(), json!({ "action": "acknowledge" })).await,
            204
        );
        let sms = app
            .wait_for_message(&e164("0508880020"), "اختر موعدك")
            .await;
        assert!(
            sms.contains(&format!("https://nafitha.test/requests/{arabic}")),
            "{sms}"
        );
        assert!(sms.contains(
            &nafitha_domain::ReferenceNumber::parse(&arabic)
                .unwrap()
                .grouped()
        ));
        // Later changes invite no more.
        let info = json!({ "action": "request_info", "message": "Which farm?" });
        assert_eq!(act(arabic.clone(), info).await, 204);
        assert_eq!(
            act(
                arabic.clone(),
                json!({ "action": "note", "message": "Called" })
            )
            .await,
            204
        );
        assert_eq!(
            outbox_with(&app, &arabic, "اختر موعدك").await,
            1,
            "{}",
            app.engine
        );

        // In English, taken up by a request for information: invited too.
        let english = reference_of(file(&app, &minister_request("0508880021", "en")).await).await;
        let info = json!({ "action": "request_info", "message": "Which farm?" });
        assert_eq!(act(english.clone(), info).await, 204);
        let sms = app
            .wait_for_message(&e164("0508880021"), "was accepted: choose a time")
            .await;
        assert_eq!(
            sms,
            format!(
                "Nafitha: your request {} was accepted: choose a time for your appointment at https://nafitha.test/requests/{english}?lang=en",
                nafitha_domain::ReferenceNumber::parse(&english).unwrap().grouped()
            )
        );

        // Staff booked a time already: no invitation.
        let booked = reference_of(file(&app, &minister_request("0508880022", "en")).await).await;
        let moved = put_json_as(
            &app,
            &supervisor,
            &format!("/api/v1/staff/requests/{booked}/appointment"),
            &json!({ "start": "2026-12-08T10:00:00+03:00" }),
        )
        .await;
        assert_eq!(moved.status(), 204, "{}", app.engine);
        assert_eq!(
            act(booked.clone(), json!({ "action": "acknowledge" })).await,
            204
        );
        // A service that books while filing: no invitation either.
        let video = reference_of(
            file(
                &app,
                &video_call("0508880023", Some("2026-12-08T10:30:00+03:00")),
            )
            .await,
        )
        .await;
        assert_eq!(
            act(video.clone(), json!({ "action": "acknowledge" })).await,
            204
        );
        app.wait_for_message(&e164("0508880023"), "started work")
            .await;
        assert_eq!(outbox_with(&app, &booked, "choose a time").await, 0);
        assert_eq!(outbox_with(&app, &video, "choose a time").await, 0);
    }
}

#[tokio::test]
async fn supervisors_count_appointments_by_status_over_a_period() {
    let clock = Clock::fixed(at(SUNDAY_8AM));
    for app in spawn_apps_with(options_at(&clock)).await {
        clock.set(at(SUNDAY_8AM));
        let times = [
            "2026-12-08T10:00:00+03:00",
            "2026-12-08T10:15:00+03:00",
            "2026-12-08T10:30:00+03:00",
            "2026-12-08T10:45:00+03:00",
            "2026-12-09T10:00:00+03:00",
        ];
        let mut references = Vec::new();
        for (i, start) in times.iter().enumerate() {
            let phone = format!("05088800{:02}", 30 + i);
            references.push(reference_of(file(&app, &video_call(&phone, Some(start))).await).await);
        }
        let citizen = app.sign_in("0508880031").await;
        assert_eq!(
            cancel_time(&app, &citizen, &references[1]).await.status(),
            200
        );

        // Tuesday 11:00: one came, one did not, one is still booked.
        clock.set(at("2026-12-08T11:00:00+03:00"));
        let supervisor = app.staff("super.figures", "supervisor", "moi", None).await;
        let agent = app
            .staff("agent.figures", "agent", "moi", Some("moi-reception"))
            .await;
        for (reference, status) in [(&references[2], "kept"), (&references[3], "no_show")] {
            let path = format!("/api/v1/staff/requests/{reference}/appointment/mark");
            let marked = app
                .post_as(&agent, &path, &json!({ "status": status }))
                .await;
            assert_eq!(marked.status(), 204, "{}", app.engine);
        }

        let figures = |cookie: String, query: &'static str| {
            let app = &app;
            async move {
                app.get_as(
                    &cookie,
                    &format!("/api/v1/staff/appointments/figures{query}"),
                )
                .await
            }
        };
        let tuesday: Value = figures(supervisor.clone(), "?from=2026-12-08&to=2026-12-08")
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(
            tuesday,
            json!([
                {
                    "service_code": "moi-meet-minister",
                    "service_name": { "ar": "طلب مقابلة الوزير", "en": "Request to meet the minister" },
                    "counts": { "booked": 0, "kept": 0, "cancelled": 0, "no_show": 0 }
                },
                {
                    "service_code": "moi-video-call",
                    "service_name": { "ar": "طلب اتصال مرئي", "en": "Video call request" },
                    "counts": { "booked": 1, "kept": 1, "cancelled": 1, "no_show": 1 }
                }
            ]),
            "{}",
            app.engine
        );
        // By default the 30 days up to today: Wednesday's is not yet in.
        let recent: Value = figures(supervisor.clone(), "").await.json().await.unwrap();
        assert_eq!(recent[1]["counts"], tuesday[1]["counts"]);
        let week: Value = figures(supervisor.clone(), "?from=2026-12-06&to=2026-12-12")
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(week[1]["counts"]["booked"], 2);
        let later: Value = figures(supervisor.clone(), "?from=2026-12-10&to=2026-12-31")
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(
            later[1]["counts"],
            json!({ "booked": 0, "kept": 0, "cancelled": 0, "no_show": 0 })
        );

        // Agents may not; bad periods are named.
        assert_eq!(figures(agent.clone(), "").await.status(), 403);
        for (query, field) in [
            ("?from=2026-12-09&to=2026-12-08", "to"),
            ("?from=2025-12-01&to=2026-12-08", "to"),
            ("?from=2026-02-30", "from"),
        ] {
            let refused = figures(supervisor.clone(), query).await;
            assert_eq!(refused.status(), 422, "{query}");
            let body: Value = refused.json().await.unwrap();
            assert_eq!(body["fields"][0]["field"], field, "{query}");
        }
        // 366 days, both counted, is allowed.
        let year = figures(supervisor.clone(), "?from=2025-12-09&to=2026-12-09").await;
        assert_eq!(year.status(), 200);
    }
}

#[tokio::test]
async fn a_reception_desk_books_the_time_with_the_filing_on_the_same_track() {
    let clock = Clock::fixed(at(SUNDAY_8AM));
    for app in spawn_apps_with(options_at(&clock)).await {
        clock.set(at(SUNDAY_8AM));
        let desk = app.staff("desk.moi", "intake", "moi", None).await;
        let assisted = |body: Value| {
            let request = app
                .client
                .post(app.url("/api/v1/staff/filings"))
                .header("Cookie", &desk)
                .header("Idempotency-Key", uuid::Uuid::new_v4().to_string())
                .json(&body);
            async move { request.send().await.unwrap() }
        };
        let mut body = video_call("0508880077", None);
        body["channel"] = json!("counter");
        // Without a time, refused as the citizens' own filing is, naming the field.
        let refused = assisted(body.clone()).await;
        assert_eq!(refused.status(), 422, "{}", app.engine);
        let problems: Value = refused.json().await.unwrap();
        assert!(
            problems["fields"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["field"] == "appointment.start"),
            "{problems}"
        );
        assert_eq!(app.count("appointments").await, 0);
        // With one: booked in the same filing, the SMS giving the time and the link.
        let start = "2026-12-07T10:15:00+03:00";
        body["appointment"] = json!({ "start": start, "needs": "Wheelchair access" });
        let filed = assisted(body).await;
        assert_eq!(filed.status(), 201, "{}", app.engine);
        let reference = filed.json::<Value>().await.unwrap()["reference"]
            .as_str()
            .unwrap()
            .to_owned();
        let sms = app
            .wait_for_message(&e164("0508880077"), "2026-12-07 10:15")
            .await;
        assert!(sms.contains(&reference), "{sms}");
        let day: Value = app
            .get_as(
                &app.staff("sup.moi.day", "supervisor", "moi", None).await,
                "/api/v1/staff/appointments?service=moi-video-call&date=2026-12-07",
            )
            .await
            .json()
            .await
            .unwrap();
        let slot = day["slots"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["start"] == start)
            .unwrap();
        assert_eq!(slot["visits"][0]["reference"], reference.as_str());
        assert_eq!(slot["visits"][0]["needs"], "Wheelchair access");
    }
}

#[tokio::test]
async fn an_empty_date_in_a_query_is_not_a_date() {
    let clock = Clock::fixed(at(SUNDAY_8AM));
    for app in spawn_apps_with(options_at(&clock)).await {
        let supervisor = app.staff("sup.moi.dates", "supervisor", "moi", None).await;
        for (path, field) in [
            ("/api/v1/services/moi-video-call/slots?from=", "from"),
            (
                "/api/v1/staff/appointments?service=moi-video-call&date=",
                "date",
            ),
            ("/api/v1/staff/appointments/figures?to=", "to"),
        ] {
            let response = app.get_as(&supervisor, path).await;
            assert_eq!(response.status(), 422, "{path} {}", app.engine);
            let body: Value = response.json().await.unwrap();
            assert_eq!(body["fields"][0]["field"], field, "{path}");
        }
        // Left out, each takes its default.
        for path in [
            "/api/v1/services/moi-video-call/slots",
            "/api/v1/staff/appointments?service=moi-video-call",
            "/api/v1/staff/appointments/figures",
        ] {
            assert_eq!(app.get_as(&supervisor, path).await.status(), 200, "{path}");
        }
    }
}
