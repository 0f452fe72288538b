//! Every channel, one track: contact-centre and reception staff (the intake role) file for
//! citizens (scope, validation, idempotency under a race, the SMS in the applicant's
//! language, the channel on the record and the public history), look a citizen's requests
//! up with a reason (audited, listed and exported for supervisors), note an enquiry, and
//! the figures split received requests by channel.

use serde_json::{json, Value};

use crate::helpers::{e164, spawn_apps, TestApp};

/// A road-damage report for `phone`, received through `channel`, in `locale`.
fn road_damage(channel: &str, phone: &str, locale: &str) -> Value {
    json!({
        "channel": channel,
        "service_code": "epm-road-damage",
        "locale": locale,
        "applicant": { "name": "سارة أحمد", "phone": phone },
        "answers": {
            "damage": "pothole", "danger": "no", "details": "حفرة أمام المدرسة",
            "location": { "address": "طريق الملك فهد، الدمام" }
        }
    })
}

/// A refused filing: what it is, who sends it, the body, the status, the fields named.
type Case<'a> = (&'a str, Option<&'a str>, Value, u16, Vec<&'a str>);

async fn file_as(app: &TestApp, cookie: &str, key: &str, body: &Value) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/staff/filings"))
        .header("Cookie", cookie)
        .header("Idempotency-Key", key)
        .json(body)
        .send()
        .await
        .unwrap()
}

async fn json_of(response: reqwest::Response) -> Value {
    response.json().await.expect("a JSON body")
}

fn fields(body: &Value) -> Vec<String> {
    body["fields"]
        .as_array()
        .map(|f| {
            f.iter()
                .map(|e| e["field"].as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn the_contact_centre_files_once_for_a_citizen_who_then_sees_it_as_their_own() {
    for app in spawn_apps().await {
        let intake = app.staff("cc.one", "intake", "portal", None).await;
        let body = road_damage("phone", "0508880001", "ar");

        // Two sends of one form at once (a double click, a retry): one request.
        let (first, second) = tokio::join!(
            file_as(&app, &intake, "form-key-0001", &body),
            file_as(&app, &intake, "form-key-0001", &body)
        );
        let mut statuses = [first.status().as_u16(), second.status().as_u16()];
        statuses.sort_unstable();
        assert_eq!(statuses, [200, 201], "{}", app.engine);
        let (first, second) = (json_of(first).await, json_of(second).await);
        assert_eq!(first["reference"], second["reference"], "{}", app.engine);
        let reference = first["reference"].as_str().unwrap().to_owned();
        assert_eq!(app.count("requests").await, 1, "{}", app.engine);
        let again = file_as(&app, &intake, "form-key-0001", &body).await;
        assert_eq!(again.status(), 200);
        assert_eq!(json_of(again).await["reference"], reference.as_str());

        // The SMS is in the applicant's language (Arabic), with the reference.
        let sms = app.wait_for_message(&e164("0508880001"), &reference).await;
        assert!(sms.contains("طلب"), "{}: {sms}", app.engine);

        // Stored with its channel and who took it; the public sees how it came in, never who.
        let stored = app
            .scalar(&format!(
                "select r.channel || ' ' || e.actor || ' ' || e.channel as v from requests r \
                 join request_events e on e.request_id = r.id where r.reference = '{reference}'"
            ))
            .await;
        assert_eq!(stored, "phone staff:cc.one phone", "{}", app.engine);
        let tracked = app.get(&format!("/api/v1/track/{reference}")).await;
        let tracked = tracked.text().await.unwrap();
        assert!(!tracked.contains("cc.one"), "{tracked}");
        let tracked: Value = serde_json::from_str(&tracked).unwrap();
        assert_eq!(tracked["timeline"][0]["kind"], "submitted");
        assert_eq!(tracked["timeline"][0]["channel"], "phone");

        // The citizen signs in with that number: it is theirs, like any other.
        let citizen = app.sign_in("0508880001").await;
        let mine = json_of(app.get_as(&citizen, "/api/v1/me/requests").await).await;
        assert!(mine.to_string().contains(&reference), "{mine}");
        let detail = app
            .get_as(&citizen, &format!("/api/v1/requests/{reference}"))
            .await
            .text()
            .await
            .unwrap();
        assert!(!detail.contains("cc.one"), "{detail}");
        let detail: Value = serde_json::from_str(&detail).unwrap();
        assert_eq!(detail["events"][0]["channel"], "phone", "{detail}");
        assert_eq!(detail["events"][0]["by_applicant"], false);
        let withdrawn = app
            .post_as(
                &citizen,
                &format!("/api/v1/requests/{reference}/actions"),
                &json!({ "action": "withdraw", "message": "Fixed already" }),
            )
            .await;
        assert_eq!(withdrawn.status(), 200, "{}", app.engine);
    }
}

#[tokio::test]
async fn assisted_filing_refuses_bad_input_and_the_wrong_caller_and_stores_nothing() {
    for app in spawn_apps().await {
        let municipal = app.staff("desk.epm", "intake", "epm", None).await;
        let agent = app.staff("agent.epm", "agent", "epm", None).await;
        let citizen = app.sign_in("0508880002").await;
        let good = road_damage("counter", "0508880003", "en");
        let mut other_agency = road_damage("counter", "0508880003", "en");
        other_agency["service_code"] = json!("mof-general-inquiry");
        let mut no_phone = good.clone();
        no_phone["applicant"]["phone"] = json!("");
        let mut bad_answer = good.clone();
        bad_answer["answers"]["damage"] = json!("meteor");
        let mut no_channel = good.clone();
        no_channel.as_object_mut().unwrap().remove("channel");

        // (case, session, body, status, the fields named)
        let cases: Vec<Case> = vec![
            ("other agency", Some(&municipal), other_agency, 403, vec![]),
            (
                "unknown channel",
                Some(&municipal),
                road_damage("fax", "0508880003", "en"),
                422,
                vec!["channel"],
            ),
            (
                "web is not assisted",
                Some(&municipal),
                road_damage("web", "0508880003", "en"),
                422,
                vec!["channel"],
            ),
            (
                "bad mobile",
                Some(&municipal),
                road_damage("phone", "12345", "en"),
                422,
                vec!["applicant.phone"],
            ),
            (
                "missing mobile",
                Some(&municipal),
                no_phone,
                422,
                vec!["applicant.phone"],
            ),
            (
                "answer refused",
                Some(&municipal),
                bad_answer,
                422,
                vec!["damage"],
            ),
            ("an agent", Some(&agent), good.clone(), 403, vec![]),
            ("a citizen", Some(&citizen), good.clone(), 401, vec![]),
            ("no session", None, good.clone(), 401, vec![]),
        ];
        for (case, cookie, body, status, named) in cases {
            let mut request = app
                .client
                .post(app.url("/api/v1/staff/filings"))
                .header("Idempotency-Key", uuid::Uuid::new_v4().to_string())
                .json(&body);
            if let Some(cookie) = cookie {
                request = request.header("Cookie", cookie);
            }
            let response = request.send().await.unwrap();
            assert_eq!(response.status(), status, "{} {case}", app.engine);
            let error = json_of(response).await;
            assert!(error["message"].is_string(), "{case}: {error}");
            assert_eq!(fields(&error), named, "{} {case}: {error}", app.engine);
        }
        let missing_channel = file_as(&app, &municipal, "form-key-0002", &no_channel).await;
        assert_eq!(missing_channel.status(), 422, "{}", app.engine);
        assert_eq!(fields(&json_of(missing_channel).await), ["channel"]);
        let no_key = app
            .client
            .post(app.url("/api/v1/staff/filings"))
            .header("Cookie", &municipal)
            .json(&good)
            .send()
            .await
            .unwrap();
        assert_eq!(no_key.status(), 400);
        assert_eq!(app.count("requests").await, 0, "{}", app.engine);
        assert_eq!(
            app.count("outbox").await,
            1,
            "{}: the sign-in code only",
            app.engine
        );

        // Its own agency's service, at the desk: filed.
        let filed = file_as(&app, &municipal, "form-key-0003", &good).await;
        assert_eq!(filed.status(), 201, "{}", app.engine);
    }
}

#[tokio::test]
async fn a_look_up_needs_a_reason_stays_in_scope_and_is_audited_for_supervisors() {
    for app in spawn_apps().await {
        let portal = app.staff("cc.two", "intake", "portal", None).await;
        let desk = app.staff("desk.mof", "intake", "mof", None).await;
        let supervisor = app
            .staff("super.portal", "supervisor", "portal", None)
            .await;
        let outsider = app.staff("super.epm", "supervisor", "epm", None).await;
        let agent = app.staff("agent.two", "agent", "epm", None).await;
        let reference = app.file_for("0508880004").await;
        let newer = app.file_for("0508880004").await;

        let no_reason = app
            .get_as(&portal, "/api/v1/staff/lookup?phone=0508880004")
            .await;
        assert_eq!(no_reason.status(), 422);
        assert_eq!(fields(&json_of(no_reason).await), ["reason"]);
        for (who, cookie, status) in [("agent", &agent, 403), ("supervisor", &outsider, 403)] {
            let refused = app
                .get_as(cookie, "/api/v1/staff/lookup?phone=0508880004&reason=asked")
                .await;
            assert_eq!(refused.status(), status, "{} {who}", app.engine);
        }
        assert_eq!(app.count("staff_lookups").await, 0, "{}", app.engine);

        let found = json_of(
            app.get_as(
                &portal,
                "/api/v1/staff/lookup?phone=050%20888%200004&reason=Caller%20asked%20where%20it%20is",
            )
            .await,
        )
        .await;
        let requests = found["requests"].as_array().unwrap();
        assert_eq!(requests.len(), 2, "{}: {found}", app.engine);
        let shown: Vec<&str> = requests
            .iter()
            .map(|r| r["reference"].as_str().unwrap())
            .collect();
        assert_eq!(shown, [newer.as_str(), reference.as_str()], "newest first");
        assert_eq!(requests[0]["timeline"][0]["kind"], "submitted");
        for private in ["Test Applicant", "0508880004", "+966508880004", "pothole"] {
            assert!(!found.to_string().contains(private), "{private}: {found}");
        }
        // Another agency's desk does not find the municipality's requests.
        let elsewhere = json_of(
            app.get_as(
                &desk,
                &format!("/api/v1/staff/lookup?reference={reference}&reason=Caller"),
            )
            .await,
        )
        .await;
        assert_eq!(elsewhere["requests"], json!([]), "{}", app.engine);

        // The citizen called: a public note on the history, with the channel.
        let enquiry = format!("/api/v1/staff/lookup/{reference}/enquiry");
        assert_eq!(
            app.post_as(&desk, &enquiry, &json!({ "channel": "phone" }))
                .await
                .status(),
            404
        );
        assert_eq!(
            app.post_as(&agent, &enquiry, &json!({ "channel": "phone" }))
                .await
                .status(),
            403
        );
        let bad = app
            .post_as(&portal, &enquiry, &json!({ "channel": "web" }))
            .await;
        assert_eq!(bad.status(), 422);
        let noted = app
            .post_as(&portal, &enquiry, &json!({ "channel": "phone" }))
            .await;
        assert_eq!(noted.status(), 200);
        let noted = json_of(noted).await;
        let tracked = json_of(app.get(&format!("/api/v1/track/{reference}")).await).await;
        assert_eq!(
            noted, tracked,
            "the answer is the request as tracked, with the note"
        );
        let last = tracked["timeline"]
            .as_array()
            .unwrap()
            .last()
            .unwrap()
            .clone();
        assert_eq!(
            (&last["kind"], &last["channel"]),
            (&json!("enquiry"), &json!("phone"))
        );
        assert_eq!(last["status"], "submitted", "an enquiry moves nothing");
        // The same note again at once (a retry, a double click) adds nothing.
        let events = tracked["timeline"].as_array().unwrap().len();
        let repeat = app
            .post_as(&portal, &enquiry, &json!({ "channel": "phone" }))
            .await;
        assert_eq!(repeat.status(), 200);
        let repeat = json_of(repeat).await;
        assert_eq!(repeat["timeline"].as_array().unwrap().len(), events);

        // Intake staff work no requests: never in the team, never an assignee.
        let _desk_epm = app.staff("desk.epm", "intake", "epm", None).await;
        let team = json_of(app.get_as(&outsider, "/api/v1/staff/team").await).await;
        assert!(!team.to_string().contains("desk.epm"), "{team}");
        let assigned = app
            .post_as(
                &outsider,
                &format!("/api/v1/staff/requests/{reference}/assignee"),
                &json!({ "assignee": "desk.epm" }),
            )
            .await;
        assert_eq!(assigned.status(), 422, "{}", app.engine);

        // The supervisors of the looking staff's agency see every look-up, newest first.
        let audit = json_of(app.get_as(&supervisor, "/api/v1/staff/lookups").await).await;
        let lookups = audit["lookups"].as_array().unwrap();
        assert_eq!(lookups.len(), 1, "{}: {audit}", app.engine);
        assert_eq!(lookups[0]["username"], "cc.two");
        assert_eq!(lookups[0]["key"], "+966508880004");
        assert_eq!(lookups[0]["reason"], "Caller asked where it is");
        assert_eq!(lookups[0]["found"], 2);
        // The operator's agency owns no request: its supervisors work no queue.
        for path in ["/api/v1/staff/requests", "/api/v1/staff/stats"] {
            let refused = app.get_as(&supervisor, path).await;
            assert_eq!(refused.status(), 403, "{} {path}", app.engine);
        }
        let theirs = json_of(app.get_as(&outsider, "/api/v1/staff/lookups").await).await;
        assert_eq!(theirs["lookups"], json!([]), "another agency's audit");
        assert_eq!(
            app.get_as(&agent, "/api/v1/staff/lookups").await.status(),
            403
        );
        let csv = app
            .client
            .get(app.url("/api/v1/staff/lookups.csv"))
            .header("Cookie", &supervisor)
            .header("Accept-Language", "en")
            .send()
            .await
            .unwrap();
        assert_eq!(csv.status(), 200);
        let csv = csv.text().await.unwrap();
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(
            lines[0],
            "\u{feff}Time,Staff member,Number or reference,Reason,Found"
        );
        assert!(
            lines[1].ends_with(",cc.two,'+966508880004,Caller asked where it is,2"),
            "{}",
            lines[1]
        );
        assert_eq!(lines.len(), 2);
    }
}

#[tokio::test]
async fn the_figures_split_received_requests_by_channel() {
    for app in spawn_apps().await {
        let intake = app.staff("cc.three", "intake", "portal", None).await;
        app.file_for("0508880005").await;
        app.file_for("0508880006").await;
        for (i, channel) in ["phone", "phone", "counter", "whatsapp"].iter().enumerate() {
            let body = road_damage(channel, &format!("050888001{i}"), "en");
            let filed = file_as(&app, &intake, &format!("channel-key-{i:04}"), &body).await;
            assert_eq!(filed.status(), 201, "{}", app.engine);
        }
        let stats = json_of(app.get("/api/v1/stats").await).await;
        let portal = &stats["portal"];
        assert_eq!(portal["received"], 6, "{}: {portal}", app.engine);
        assert_eq!(
            portal["channels"],
            json!({ "web": 2, "api": 0, "phone": 2, "counter": 1, "email": 0, "social": 0, "whatsapp": 1 }),
            "{}",
            app.engine
        );
        assert_eq!(portal["online"], 2);
        let agencies = stats["agencies"].as_array().unwrap();
        assert!(
            agencies.iter().all(|a| a["code"] != "portal"),
            "the operator has no figures of its own"
        );
        let epm = agencies.iter().find(|a| a["code"] == "epm").unwrap();
        assert_eq!(epm["figures"]["channels"]["phone"], 2);

        // What was kept as things happened equals a rebuild from the stored data.
        let store = app.store().await;
        let kept = store.kept_stats().await.unwrap();
        store.rebuild_stats().await.unwrap();
        assert_eq!(store.kept_stats().await.unwrap(), kept, "{}", app.engine);
    }
}

#[tokio::test]
async fn an_agencys_admin_adds_intake_staff_whose_first_password_is_shown_once() {
    for app in spawn_apps().await {
        let admin = app.staff("admin.moi", "admin", "moi", None).await;
        let supervisor = app.staff("super.moi", "supervisor", "moi", None).await;
        let _elsewhere = app.staff("agent.mof", "agent", "mof", None).await;
        let new =
            json!({ "username": " desk.moi ", "role": "intake", "department": "moi-reception" });

        let refused = app
            .post_as(&supervisor, "/api/v1/staff/accounts", &new)
            .await;
        assert_eq!(refused.status(), 403, "{}", app.engine);
        for (body, field) in [
            (json!({ "username": "a b", "role": "intake" }), "username"),
            (json!({ "username": "desk.two", "role": "boss" }), "role"),
            (
                json!({ "username": "desk.two", "role": "intake", "department": "mof-care" }),
                "department",
            ),
            (
                json!({ "username": "agent.mof", "role": "intake" }),
                "username",
            ),
        ] {
            let response = app.post_as(&admin, "/api/v1/staff/accounts", &body).await;
            assert_eq!(response.status(), 422, "{} {body}", app.engine);
            assert_eq!(fields(&json_of(response).await), [field], "{body}");
        }
        let staff_before = app.count("staff").await;

        let created = app.post_as(&admin, "/api/v1/staff/accounts", &new).await;
        assert_eq!(created.status(), 201, "{}", app.engine);
        let created = json_of(created).await;
        assert_eq!(created["username"], "desk.moi");
        let password = created["password"].as_str().unwrap().to_owned();
        assert!(password.len() >= 20);
        assert_eq!(app.count("staff").await, staff_before + 1);
        let stored = app
            .scalar("select password_hash as v from staff where username = 'desk.moi'")
            .await;
        assert!(stored.starts_with("$argon2id$") && !stored.contains(&password));
        let listed = json_of(app.get_as(&admin, "/api/v1/staff/accounts").await).await;
        assert!(listed.to_string().contains("\"desk.moi\""), "{listed}");
        assert!(
            !listed.to_string().contains("agent.mof"),
            "another agency's: {listed}"
        );
        assert!(!listed.to_string().contains("argon2"), "{listed}");

        // The new account signs in with it, as intake staff.
        let signed_in = app
            .client
            .post(app.url("/api/v1/staff/session"))
            .json(&json!({ "username": "desk.moi", "password": password }))
            .send()
            .await
            .unwrap();
        assert_eq!(signed_in.status(), 200, "{}", app.engine);
        let desk = crate::helpers::session_cookie_of(&signed_in);
        let me = json_of(app.get_as(&desk, "/api/v1/staff/me").await).await;
        assert_eq!(me["role"], "intake");

        // Disabled: its session ends at once. Never one's own, never another agency's.
        let disable = |who: &str| format!("/api/v1/staff/accounts/{who}/disable");
        assert_eq!(
            app.post_as(&admin, &disable("admin.moi"), &json!({}))
                .await
                .status(),
            422
        );
        assert_eq!(
            app.post_as(&admin, &disable("agent.mof"), &json!({}))
                .await
                .status(),
            404
        );
        assert_eq!(
            app.post_as(&admin, &disable("desk.moi"), &json!({}))
                .await
                .status(),
            204
        );
        assert_eq!(app.get_as(&desk, "/api/v1/staff/me").await.status(), 401);
        // The undo: enabled again, the same password signs in.
        let enable = "/api/v1/staff/accounts/desk.moi/enable";
        assert_eq!(
            app.post_as(&supervisor, enable, &json!({})).await.status(),
            403
        );
        assert_eq!(app.post_as(&admin, enable, &json!({})).await.status(), 204);
        let again = app
            .client
            .post(app.url("/api/v1/staff/session"))
            .json(&json!({ "username": "desk.moi", "password": password }))
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), 200, "{}", app.engine);
    }
}

#[tokio::test]
async fn the_look_up_audit_pages_newest_first_without_overlap() {
    for app in spawn_apps().await {
        let desk = app.staff("desk.pages", "intake", "epm", None).await;
        for i in 0..5 {
            let path = format!("/api/v1/staff/lookup?phone=050888009{i}&reason=Caller%20{i}");
            assert_eq!(app.get_as(&desk, &path).await.status(), 200);
        }
        let store = app.store().await;
        let mut reasons = Vec::new();
        let mut before = None;
        loop {
            let page = store.lookups("epm", before, 2).await.unwrap();
            assert!(page.lookups.len() <= 2);
            reasons.extend(page.lookups.iter().map(|l| l.reason.clone()));
            match page.next {
                Some(next) => before = Some(next),
                None => break,
            }
        }
        assert_eq!(
            reasons,
            ["Caller 4", "Caller 3", "Caller 2", "Caller 1", "Caller 0"],
            "{}",
            app.engine
        );
        assert!(store
            .lookups("mof", None, 2)
            .await
            .unwrap()
            .lookups
            .is_empty());
    }
}
