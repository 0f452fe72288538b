//! The back office: the access matrix of every staff endpoint, the queue (filters,
//! due-date order, keyset pages, counts), assignment, the staff view of a request with its
//! internal notes, referral between departments, deadlines per department, the CSV export,
//! response templates and catalogue administration.

use serde_json::{json, Value};

use crate::helpers::TestApp;

async fn json_of(response: reqwest::Response) -> Value {
    response.json().await.expect("a JSON body")
}

async fn send(
    app: &TestApp,
    method: &str,
    path: &str,
    cookie: Option<&str>,
    body: Option<&Value>,
) -> reqwest::Response {
    let mut request = app.client.request(method.parse().unwrap(), app.url(path));
    if let Some(cookie) = cookie {
        request = request.header("Cookie", cookie);
    }
    if let Some(body) = body {
        request = request.json(body);
    }
    request.send().await.unwrap()
}

/// Everything a refused call must leave untouched.
async fn snapshot(app: &TestApp) -> (i64, i64, i64, i64, i64, String) {
    let services: Value = json_of(app.get("/api/v1/services/epm-road-damage").await).await;
    (
        app.count("request_events").await,
        app.count("response_templates").await,
        app.count("outbox").await,
        app.count("requests").await,
        app.count("staff_lookups").await,
        services.to_string(),
    )
}

fn references(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["reference"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn every_staff_endpoint_refuses_the_wrong_caller_and_changes_nothing() {
    for app in crate::helpers::spawn_apps().await {
        let agent = app
            .staff("agent.roads", "agent", "epm", Some("epm-roads"))
            .await;
        let admin = app.staff("admin.epm", "admin", "epm", None).await;
        let outsider = app.staff("super.mof", "supervisor", "mof", None).await;
        let citizen = app.sign_in("0501110000").await;
        let reference = app.file_for("0501110000").await;
        let edit = json!({
            "name": { "ar": "اسم", "en": "Name" }, "summary": { "ar": "ملخص", "en": "Summary" },
            "description": { "ar": "وصف", "en": "Description" }, "fee_halalas": 0,
            "sla_working_days": 5, "documents": [], "form": { "fields": [] }, "active": false
        });
        let template = json!({
            "service": "epm-road-damage",
            "title": { "ar": "عنوان", "en": "Title" }, "body": { "ar": "نص", "en": "Text" }
        });
        let action = json!({ "action": "acknowledge" });
        let assign = json!({ "assignee": "agent.roads" });
        let filing = json!({
            "channel": "phone", "service_code": "epm-road-damage", "locale": "ar",
            "applicant": { "name": "Test Applicant", "phone": "0501110001" },
            "answers": { "damage": "pothole", "danger": "no", "details": "A hole",
                         "location": { "address": "King Fahd Road, Dammam" } }
        });
        let enquiry = json!({ "channel": "phone" });
        let new_staff = json!({ "username": "desk.new", "role": "intake" });
        let new_key = json!({ "partner": "A bot" });
        let lookup = "/api/v1/staff/lookup?phone=0501110000&reason=Caller%20asked".to_owned();
        let on = |p: &str| format!("/api/v1/staff/requests/{reference}{p}");
        // (method, path, body, status for a staff member of another agency)
        let endpoints: Vec<(&str, String, Option<&Value>, u16)> = vec![
            ("GET", "/api/v1/staff/me".into(), None, 200),
            ("GET", "/api/v1/staff/requests".into(), None, 200),
            ("GET", "/api/v1/staff/requests.csv".into(), None, 200),
            ("GET", on(""), None, 404),
            ("POST", on("/actions"), Some(&action), 404),
            ("POST", on("/assignee"), Some(&assign), 404),
            (
                "GET",
                on("/attachments/0123456789abcdef0123456789abcdef"),
                None,
                404,
            ),
            ("GET", "/api/v1/staff/overdue".into(), None, 200),
            ("GET", "/api/v1/staff/team".into(), None, 200),
            (
                "GET",
                "/api/v1/staff/templates?service=epm-road-damage".into(),
                None,
                404,
            ),
            (
                "POST",
                "/api/v1/staff/templates".into(),
                Some(&template),
                403,
            ),
            ("DELETE", "/api/v1/staff/templates/1".into(), None, 403),
            ("GET", "/api/v1/staff/services".into(), None, 403),
            (
                "PUT",
                "/api/v1/staff/services/epm-road-damage".into(),
                Some(&edit),
                403,
            ),
            ("POST", "/api/v1/staff/filings".into(), Some(&filing), 403),
            ("GET", lookup.clone(), None, 403),
            (
                "POST",
                format!("/api/v1/staff/lookup/{reference}/enquiry"),
                Some(&enquiry),
                403,
            ),
            ("GET", "/api/v1/staff/lookups".into(), None, 200),
            ("GET", "/api/v1/staff/lookups.csv".into(), None, 200),
            ("GET", "/api/v1/staff/accounts".into(), None, 403),
            (
                "POST",
                "/api/v1/staff/accounts".into(),
                Some(&new_staff),
                403,
            ),
            (
                "POST",
                "/api/v1/staff/accounts/agent.roads/disable".into(),
                None,
                403,
            ),
            ("GET", "/api/v1/staff/api-keys".into(), None, 403),
            ("POST", "/api/v1/staff/api-keys".into(), Some(&new_key), 403),
            ("POST", "/api/v1/staff/api-keys/1/rotate".into(), None, 403),
            ("POST", "/api/v1/staff/api-keys/1/revoke".into(), None, 403),
        ];
        let before = snapshot(&app).await;
        for (method, path, body, other_agency) in &endpoints {
            let none = send(&app, method, path, None, *body).await;
            assert_eq!(
                none.status(),
                401,
                "{} no session: {method} {path}",
                app.engine
            );
            assert_eq!(json_of(none).await["code"], "sign_in_required");
            let as_citizen = send(&app, method, path, Some(&citizen), *body).await;
            assert_eq!(
                as_citizen.status(),
                401,
                "{} citizen: {method} {path}",
                app.engine
            );
            let outside = send(&app, method, path, Some(&outsider), *body).await;
            assert_eq!(
                outside.status(),
                *other_agency,
                "{} other agency: {method} {path}",
                app.engine
            );
        }
        // The other agency's queue and export never show the request.
        let theirs = json_of(app.get_as(&outsider, "/api/v1/staff/requests").await).await;
        assert!(references(&theirs).is_empty(), "{theirs}");
        let csv = app
            .get_as(&outsider, "/api/v1/staff/requests.csv")
            .await
            .text()
            .await
            .unwrap();
        assert!(!csv.contains(&reference));

        // An agent: no supervisor's or admin's endpoints.
        for (method, path, body, status) in [
            ("GET", "/api/v1/staff/overdue".to_owned(), None, 403),
            ("GET", "/api/v1/staff/team".to_owned(), None, 403),
            (
                "POST",
                "/api/v1/staff/templates".into(),
                Some(&template),
                403,
            ),
            ("DELETE", "/api/v1/staff/templates/1".into(), None, 403),
            ("GET", "/api/v1/staff/services".into(), None, 403),
            (
                "PUT",
                "/api/v1/staff/services/epm-road-damage".into(),
                Some(&edit),
                403,
            ),
            (
                "POST",
                on("/actions"),
                Some(&json!({ "action": "close" })),
                403,
            ),
            (
                "POST",
                on("/assignee"),
                Some(&json!({ "assignee": "admin.epm" })),
                403,
            ),
        ] {
            let response = send(&app, method, &path, Some(&agent), body).await;
            assert_eq!(
                response.status(),
                status,
                "{} agent: {method} {path}",
                app.engine
            );
            let code = json_of(response).await["code"].clone();
            assert!(code.is_string(), "{code}");
        }
        // The agent files nothing, looks nothing up and reads no audit.
        for (method, path, body) in [
            ("POST", "/api/v1/staff/filings".to_owned(), Some(&filing)),
            ("GET", lookup.clone(), None),
            (
                "POST",
                format!("/api/v1/staff/lookup/{reference}/enquiry"),
                Some(&enquiry),
            ),
            ("GET", "/api/v1/staff/lookups".into(), None),
            ("GET", "/api/v1/staff/lookups.csv".into(), None),
        ] {
            let response = send(&app, method, &path, Some(&agent), body).await;
            assert_eq!(
                response.status(),
                403,
                "{} agent: {method} {path}",
                app.engine
            );
        }
        // Intake staff of the same agency: none of the case workers' endpoints (only who
        // they are), and no audit.
        let intake = app.staff("desk.epm", "intake", "epm", None).await;
        for (method, path, body, _) in &endpoints {
            let intake_work = path.starts_with("/api/v1/staff/lookup/")
                || path.starts_with("/api/v1/staff/filings")
                || *path == lookup;
            if intake_work {
                continue; // their own work: the intake tests
            }
            let expected = if path == "/api/v1/staff/me" { 200 } else { 403 };
            let response = send(&app, method, path, Some(&intake), *body).await;
            assert_eq!(
                response.status(),
                expected,
                "{} intake: {method} {path}",
                app.engine
            );
        }
        let made = app
            .scalar("select username as v from staff where username = 'desk.new'")
            .await;
        assert_eq!(made, "", "{}: no refused call made an account", app.engine);
        for path in ["/api/v1/staff/stats", "/api/v1/staff/stats/comments.csv"] {
            let response = send(&app, "GET", path, Some(&intake), None).await;
            assert_eq!(response.status(), 403, "{} intake: {path}", app.engine);
        }
        // A move the life cycle forbids, an unknown department, a bad filter.
        let forbidden = send(
            &app,
            "POST",
            &on("/actions"),
            Some(&admin),
            Some(&json!({ "action": "close" })),
        )
        .await;
        assert_eq!(forbidden.status(), 409);
        let nowhere = send(
            &app,
            "POST",
            &on("/actions"),
            Some(&admin),
            Some(&json!({ "action": "refer", "department": "nowhere" })),
        )
        .await;
        assert_eq!(nowhere.status(), 422);
        let bad_filter = app
            .get_as(&agent, "/api/v1/staff/requests?status=lost&from=yesterday")
            .await;
        assert_eq!(bad_filter.status(), 422);
        let fields: Vec<String> = json_of(bad_filter).await["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["field"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(fields, ["status", "from"]);
        assert_eq!(
            snapshot(&app).await,
            before,
            "{}: nothing changed",
            app.engine
        );

        // Signed out on the server: the same cookie is refused everywhere.
        let out = send(&app, "DELETE", "/api/v1/staff/session", Some(&agent), None).await;
        assert_eq!(out.status(), 204);
        for (method, path, body, _) in &endpoints {
            let response = send(&app, method, path, Some(&agent), *body).await;
            assert_eq!(
                response.status(),
                401,
                "{} signed out: {method} {path}",
                app.engine
            );
        }
    }
}

#[tokio::test]
async fn the_queue_filters_sorts_by_due_date_pages_by_keyset_and_counts_per_status() {
    for app in crate::helpers::spawn_apps().await {
        let supervisor = app.staff("super.epm", "supervisor", "epm", None).await;
        let mut filed = Vec::new();
        for i in 0..7 {
            filed.push(app.file_for(&format!("050222000{i}")).await);
        }
        // Due dates spread out, the earliest two overdue; one request resolved.
        for (i, reference) in filed.iter().enumerate() {
            app.execute(&format!(
                "update requests set due_on = '2026-0{}-15' where reference = '{reference}'",
                i + 1
            ))
            .await;
        }
        app.agency_acts(&filed[6], json!({ "action": "resolve" }))
            .await;

        let page = json_of(
            app.get_as(&supervisor, "/api/v1/staff/requests?limit=4")
                .await,
        )
        .await;
        assert_eq!(references(&page), filed[..4].to_vec(), "{}", app.engine);
        assert_eq!(page["items"][0]["overdue"], true);
        assert_eq!(page["items"][0]["service"]["code"], "epm-road-damage");
        assert_eq!(page["items"][0]["department"]["code"], "epm-roads");
        let next = page["next"].as_str().expect("a next page").to_owned();
        let rest = json_of(
            app.get_as(
                &supervisor,
                &format!("/api/v1/staff/requests?limit=4&after={next}"),
            )
            .await,
        )
        .await;
        assert_eq!(
            references(&rest),
            filed[4..6].to_vec(),
            "the resolved one is not open"
        );
        assert!(rest.get("next").is_none());
        let counts = page["counts"].as_array().unwrap();
        assert!(
            counts.contains(&json!({ "status": "submitted", "count": 6 })),
            "{counts:?}"
        );
        assert!(counts.contains(&json!({ "status": "resolved", "count": 1 })));

        let all = json_of(
            app.get_as(&supervisor, "/api/v1/staff/requests?status=all")
                .await,
        )
        .await;
        assert_eq!(references(&all).len(), 7);
        let resolved = json_of(
            app.get_as(&supervisor, "/api/v1/staff/requests?status=resolved")
                .await,
        )
        .await;
        assert_eq!(references(&resolved), vec![filed[6].clone()]);
        let by_reference = json_of(
            app.get_as(
                &supervisor,
                &format!("/api/v1/staff/requests?status=all&q={}", &filed[3][..8]),
            )
            .await,
        )
        .await;
        assert!(references(&by_reference).contains(&filed[3]));
        assert!(references(&by_reference)
            .iter()
            .all(|r| r.starts_with(&filed[3][..8])));
        let other_service = json_of(
            app.get_as(
                &supervisor,
                "/api/v1/staff/requests?service=epm-construction-permit",
            )
            .await,
        )
        .await;
        assert!(references(&other_service).is_empty());
        let today = json_of(
            app.get_as(
                &supervisor,
                "/api/v1/staff/requests?from=2000-01-01&to=2000-12-31",
            )
            .await,
        )
        .await;
        assert!(references(&today).is_empty(), "filed now, not in 2000");
        let overdue = json_of(
            app.get_as(&supervisor, "/api/v1/staff/requests?overdue=true")
                .await,
        )
        .await;
        assert_eq!(
            references(&overdue),
            filed[..6].to_vec(),
            "all six are past due in 2026-06"
        );
    }
}

#[tokio::test]
async fn agents_take_requests_supervisors_assign_them_and_the_queue_filters_by_assignee() {
    for app in crate::helpers::spawn_apps().await {
        let sara = app.staff("sara", "agent", "epm", Some("epm-roads")).await;
        let omar = app.staff("omar", "agent", "epm", Some("epm-roads")).await;
        let _lina_elsewhere = app
            .staff("lina", "agent", "epm", Some("epm-building"))
            .await;
        let supervisor = app.staff("super.epm", "supervisor", "epm", None).await;
        let reference = app.file_for("0503330000").await;
        let path = format!("/api/v1/staff/requests/{reference}/assignee");
        let events = app.count("request_events").await;

        assert_eq!(
            app.post_as(&sara, &path, &json!({ "assignee": "sara" }))
                .await
                .status(),
            204
        );
        // Omar cannot take it from her, nor give it to someone.
        assert_eq!(
            app.post_as(&omar, &path, &json!({ "assignee": "omar" }))
                .await
                .status(),
            403
        );
        assert_eq!(
            app.post_as(&omar, &path, &json!({ "assignee": null }))
                .await
                .status(),
            403
        );
        // A supervisor moves it, but not to someone who cannot see it.
        let lina = app
            .post_as(&supervisor, &path, &json!({ "assignee": "lina" }))
            .await;
        assert_eq!(lina.status(), 422);
        assert_eq!(
            app.post_as(&supervisor, &path, &json!({ "assignee": "omar" }))
                .await
                .status(),
            204
        );
        assert_eq!(
            app.count("request_events").await,
            events + 2,
            "each assignment is audited"
        );

        // The supervisor's team: who can be given work, with what they can see.
        let team = json_of(app.get_as(&supervisor, "/api/v1/staff/team").await).await;
        let names: Vec<&str> = team
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["username"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["lina", "omar", "sara", "super.epm"]);
        assert_eq!(team[0]["department"], "epm-building");
        let mine = json_of(
            app.get_as(&omar, "/api/v1/staff/requests?assignee=me")
                .await,
        )
        .await;
        assert_eq!(references(&mine), vec![reference.clone()]);
        assert_eq!(mine["items"][0]["assignee"], "omar");
        let saras = json_of(
            app.get_as(&sara, "/api/v1/staff/requests?assignee=me")
                .await,
        )
        .await;
        assert!(references(&saras).is_empty());
        let free = json_of(
            app.get_as(&sara, "/api/v1/staff/requests?assignee=none")
                .await,
        )
        .await;
        assert!(!references(&free).contains(&reference));

        let view = json_of(
            app.get_as(&omar, &format!("/api/v1/staff/requests/{reference}"))
                .await,
        )
        .await;
        assert_eq!(view["assignee"], "omar");
        let assign_events: Vec<&Value> = view["detail"]["events"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["kind"] == "assign")
            .collect();
        assert_eq!(assign_events.len(), 2);
        assert_eq!(assign_events[1]["by"], "super.epm");
        assert_eq!(assign_events[1]["internal"], true);
    }
}

#[tokio::test]
async fn staff_see_everything_the_applicant_gave_and_notes_never_reach_the_applicant() {
    for app in crate::helpers::spawn_apps().await {
        let agent = app
            .staff("agent.roads", "agent", "epm", Some("epm-roads"))
            .await;
        let citizen = app.sign_in("0504440000").await;
        let reference = app.file_for("0504440000").await;
        let act = |body: Value| {
            let (app, agent, reference) = (&app, &agent, &reference);
            async move {
                app.post_as(
                    agent,
                    &format!("/api/v1/staff/requests/{reference}/actions"),
                    &body,
                )
                .await
                .status()
            }
        };
        assert_eq!(
            act(json!({ "action": "note", "message": "Looks like the 2024 repair failed" })).await,
            204
        );
        assert_eq!(act(json!({ "action": "acknowledge" })).await, 204);

        let view = json_of(
            app.get_as(&agent, &format!("/api/v1/staff/requests/{reference}"))
                .await,
        )
        .await;
        let detail = &view["detail"];
        assert_eq!(detail["applicant"]["name"], "Test Applicant");
        assert_eq!(detail["answers"]["details"], "A hole");
        assert_eq!(
            detail["answers"]["location"]["address"],
            "King Fahd Road, Dammam"
        );
        let note = detail["events"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["kind"] == "note")
            .expect("the note is on the staff timeline");
        assert_eq!(note["internal"], true);
        assert_eq!(note["by"], "agent.roads");
        let actions: Vec<&str> = view["actions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap())
            .collect();
        assert!(actions.contains(&"request_info") && actions.contains(&"refer"));
        assert!(!actions.contains(&"close"), "agents do not close");
        assert!(view["departments"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["department"]["code"] != "epm-roads"));

        let citizens = app
            .get_as(&citizen, &format!("/api/v1/requests/{reference}"))
            .await
            .text()
            .await
            .unwrap();
        assert!(!citizens.contains("2024 repair"), "{citizens}");
        assert!(!citizens.contains("agent.roads"));
        let tracked = app
            .get(&format!("/api/v1/track/{reference}"))
            .await
            .text()
            .await
            .unwrap();
        assert!(!tracked.contains("2024 repair"));
        assert!(!app.outbox_log().iter().any(|m| m["body"]
            .as_str()
            .unwrap_or_default()
            .contains("2024 repair")));
    }
}

#[tokio::test]
async fn a_referral_moves_the_request_to_the_other_department_with_its_due_date_kept() {
    for app in crate::helpers::spawn_apps().await {
        let roads = app
            .staff("agent.roads", "agent", "epm", Some("epm-roads"))
            .await;
        let building = app
            .staff("agent.building", "agent", "epm", Some("epm-building"))
            .await;
        let reference = app.file_for("0505550000").await;
        let before = json_of(app.get(&format!("/api/v1/track/{reference}")).await).await;
        let referred = app
            .post_as(
                &roads,
                &format!("/api/v1/staff/requests/{reference}/actions"),
                &json!({ "action": "refer", "department": "epm-building", "message": "Building works" }),
            )
            .await;
        assert_eq!(referred.status(), 204);
        let theirs = json_of(app.get_as(&building, "/api/v1/staff/requests").await).await;
        assert_eq!(references(&theirs), vec![reference.clone()]);
        let ours = json_of(app.get_as(&roads, "/api/v1/staff/requests").await).await;
        assert!(
            references(&ours).is_empty(),
            "no longer the roads department's"
        );
        assert_eq!(
            app.get_as(&roads, &format!("/api/v1/staff/requests/{reference}"))
                .await
                .status(),
            404
        );
        let after = json_of(app.get(&format!("/api/v1/track/{reference}")).await).await;
        assert_eq!(after["due_on"], before["due_on"], "the SLA clock is kept");
        assert_eq!(after["department"]["code"], "epm-building");
        assert_eq!(after["reference"], before["reference"]);
        // The receiving agent can resolve it.
        let resolved = app
            .post_as(
                &building,
                &format!("/api/v1/staff/requests/{reference}/actions"),
                &json!({ "action": "resolve", "message": "Repaired" }),
            )
            .await;
        assert_eq!(resolved.status(), 204);
    }
}

#[tokio::test]
async fn supervisors_see_open_overdue_and_due_soon_work_per_department() {
    for app in crate::helpers::spawn_apps().await {
        let supervisor = app.staff("super.epm", "supervisor", "epm", None).await;
        let late = app.file_for("0506660001").await;
        let _on_time = app.file_for("0506660002").await;
        app.execute(&format!(
            "update requests set due_on = '2020-01-01' where reference = '{late}'"
        ))
        .await;
        let loads = json_of(app.get_as(&supervisor, "/api/v1/staff/overdue").await).await;
        let roads = loads
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["department"]["code"] == "epm-roads")
            .expect("the roads department is listed");
        assert_eq!(roads["open"], 2, "{}: {loads}", app.engine);
        assert_eq!(roads["overdue"], 1);
        assert_eq!(
            loads[0]["department"]["code"], "epm-roads",
            "most overdue first"
        );
        assert!(loads
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["department"]["code"] == "epm-care" && l["open"] == 0));
    }
}

#[tokio::test]
async fn the_export_is_utf8_csv_with_a_bom_and_the_filtered_rows() {
    for app in crate::helpers::spawn_apps().await {
        let supervisor = app.staff("super.epm", "supervisor", "epm", None).await;
        let reference = app.file_for("0507770000").await;
        let response = app
            .client
            .get(app.url("/api/v1/staff/requests.csv?status=open"))
            .header("Cookie", &supervisor)
            .header("Accept-Language", "ar")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(
            response.headers()["content-type"],
            "text/csv; charset=utf-8"
        );
        assert!(response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment; filename=\"nafitha-queue-"));
        let bytes = response.bytes().await.unwrap();
        assert_eq!(&bytes[..3], b"\xEF\xBB\xBF", "a UTF-8 byte-order mark");
        let text = std::str::from_utf8(&bytes[3..]).unwrap();
        let mut lines = text.lines();
        assert_eq!(
            lines.next().unwrap(),
            "رقم الطلب,الخدمة,الإدارة,الحالة,تاريخ التقديم,الموعد المتوقع,متأخر,المسؤول"
        );
        let row = lines.next().unwrap();
        assert!(
            row.starts_with(&format!("{reference},بلاغ تلف الطرق,")),
            "{row}"
        );
        assert_eq!(lines.next(), None);
        let none = app
            .get_as(&supervisor, "/api/v1/staff/requests.csv?status=rejected")
            .await
            .text()
            .await
            .unwrap();
        assert_eq!(none.lines().count(), 1, "the header only");
    }
}

#[tokio::test]
async fn templates_belong_to_a_service_of_the_admins_agency() {
    for app in crate::helpers::spawn_apps().await {
        let admin = app.staff("admin.epm", "admin", "epm", None).await;
        let agent = app.staff("agent.epm", "agent", "epm", None).await;
        let template = json!({
            "service": "epm-road-damage",
            "title": { "ar": "تم الإصلاح", "en": "Repaired" },
            "body": { "ar": "أصلحنا الحفرة. شكرًا لبلاغك", "en": "We repaired the pothole. Thank you" }
        });
        let created = app
            .post_as(&admin, "/api/v1/staff/templates", &template)
            .await;
        assert_eq!(created.status(), 201);
        let id = json_of(created).await["id"].as_i64().unwrap();
        let empty = app
            .post_as(&admin, "/api/v1/staff/templates", &json!({ "service": "epm-road-damage", "title": { "ar": "", "en": "x" }, "body": { "ar": "x", "en": "x" } }))
            .await;
        assert_eq!(empty.status(), 422);
        let foreign = app
            .post_as(&admin, "/api/v1/staff/templates", &json!({ "service": "mof-loan-exemption", "title": { "ar": "x", "en": "x" }, "body": { "ar": "x", "en": "x" } }))
            .await;
        assert_eq!(foreign.status(), 422);
        assert_eq!(app.count("response_templates").await, 1);

        let reference = app.file_for("0508880000").await;
        let view = json_of(
            app.get_as(&agent, &format!("/api/v1/staff/requests/{reference}"))
                .await,
        )
        .await;
        assert_eq!(view["templates"][0]["title"]["en"], "Repaired");
        let listed = json_of(
            app.get_as(&agent, "/api/v1/staff/templates?service=epm-road-damage")
                .await,
        )
        .await;
        assert_eq!(listed[0]["id"], id);

        let deleted = send(
            &app,
            "DELETE",
            &format!("/api/v1/staff/templates/{id}"),
            Some(&admin),
            None,
        )
        .await;
        assert_eq!(deleted.status(), 204);
        let again = send(
            &app,
            "DELETE",
            &format!("/api/v1/staff/templates/{id}"),
            Some(&admin),
            None,
        )
        .await;
        assert_eq!(again.status(), 404);
    }
}

#[tokio::test]
async fn admins_edit_their_catalogue_and_a_deactivated_service_takes_no_new_filings() {
    for app in crate::helpers::spawn_apps().await {
        let admin = app.staff("admin.epm", "admin", "epm", None).await;
        let reference = app.file_for("0509990000").await;
        let services = json_of(app.get_as(&admin, "/api/v1/staff/services").await).await;
        let road = services
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["code"] == "epm-road-damage")
            .unwrap()
            .clone();
        assert!(services
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["agency"]["code"] == "epm"));
        let mut edit = json!({
            "name": road["name"], "summary": road["summary"], "description": road["description"],
            "fee_halalas": 0, "sla_working_days": 3, "documents": road["documents"],
            "form": road["form"], "active": true
        });
        // A form definition the domain rejects: two questions with one id.
        let mut broken = edit.clone();
        let first = broken["form"]["fields"][0].clone();
        broken["form"]["fields"].as_array_mut().unwrap().push(first);
        let refused = send(
            &app,
            "PUT",
            "/api/v1/staff/services/epm-road-damage",
            Some(&admin),
            Some(&broken),
        )
        .await;
        assert_eq!(refused.status(), 422);
        let problems = json_of(refused).await;
        assert!(
            problems["fields"][0]["field"]
                .as_str()
                .unwrap()
                .starts_with("form"),
            "{problems}"
        );
        let mut blank = edit.clone();
        blank["name"]["en"] = json!(" ");
        blank["sla_working_days"] = json!(0);
        let refused = json_of(
            send(
                &app,
                "PUT",
                "/api/v1/staff/services/epm-road-damage",
                Some(&admin),
                Some(&blank),
            )
            .await,
        )
        .await;
        let fields: Vec<&str> = refused["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["field"].as_str().unwrap())
            .collect();
        assert_eq!(fields, ["name_en", "sla_working_days"]);
        let unchanged = json_of(app.get("/api/v1/services/epm-road-damage").await).await;
        assert_eq!(unchanged, road, "nothing stored half-way");

        edit["sla_working_days"] = json!(3);
        edit["active"] = json!(false);
        let saved = send(
            &app,
            "PUT",
            "/api/v1/staff/services/epm-road-damage",
            Some(&admin),
            Some(&edit),
        )
        .await;
        assert_eq!(saved.status(), 200);
        assert_eq!(json_of(saved).await["sla_working_days"], 3);
        let foreign = send(
            &app,
            "PUT",
            "/api/v1/staff/services/mof-loan-exemption",
            Some(&admin),
            Some(&edit),
        )
        .await;
        assert_eq!(foreign.status(), 404);

        // Deactivated: off the catalogue, no new filings, its requests kept.
        let listed = json_of(app.get("/api/v1/services").await).await;
        assert!(!listed
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["code"] == "epm-road-damage"));
        let filing = app
            .client
            .post(app.url("/api/v1/requests"))
            .header("Idempotency-Key", uuid::Uuid::new_v4().to_string())
            .json(&json!({
                "service_code": "epm-road-damage", "locale": "en",
                "applicant": { "name": "Test Applicant", "phone": "0509990001" },
                "answers": { "damage": "pothole", "danger": "no", "location": { "address": "Dammam" } }
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(filing.status(), 422);
        assert_eq!(
            app.get(&format!("/api/v1/track/{reference}"))
                .await
                .status(),
            200
        );
    }
}

#[tokio::test]
async fn the_stored_open_flag_agrees_with_the_life_cycle_for_every_status() {
    use nafitha_domain::backoffice::is_overdue;
    use nafitha_domain::calendar::{riyadh_date, Date};
    use nafitha_domain::lifecycle::RequestStatus;
    for app in crate::helpers::spawn_apps().await {
        let supervisor = app.staff("super.epm", "supervisor", "epm", None).await;
        let reference = app.file_for("0501212121").await;
        // Long past due, so "overdue" turns on the status alone.
        let due_on = Date::parse("2026-01-04").unwrap();
        app.execute(&format!(
            "update requests set due_on = '{due_on}' where reference = '{reference}'"
        ))
        .await;
        let today = riyadh_date(nafitha_server::clock::Clock::system().now_ms());
        for status in RequestStatus::ALL {
            app.execute(&format!(
                "update requests set status = '{}' where reference = '{reference}'",
                status.code()
            ))
            .await;
            let open = json_of(app.get_as(&supervisor, "/api/v1/staff/requests").await).await;
            assert_eq!(
                references(&open).contains(&reference),
                !status.is_finished(),
                "{}: {}",
                app.engine,
                status.code()
            );
            // The queue's overdue filter (SQL) and the tracking page (Rust) agree with
            // the domain's rule.
            let overdue = is_overdue(status, due_on, today);
            let filtered = json_of(
                app.get_as(&supervisor, "/api/v1/staff/requests?overdue=true")
                    .await,
            )
            .await;
            assert_eq!(
                references(&filtered).contains(&reference),
                overdue,
                "{}: {}",
                app.engine,
                status.code()
            );
            let tracked = json_of(app.get(&format!("/api/v1/track/{reference}")).await).await;
            assert_eq!(
                tracked["overdue"],
                overdue,
                "{}: {}",
                app.engine,
                status.code()
            );
        }
        // The counts follow every change (kept by triggers), with nothing left behind.
        let last = RequestStatus::ALL[RequestStatus::ALL.len() - 1];
        let page = json_of(app.get_as(&supervisor, "/api/v1/staff/requests").await).await;
        assert_eq!(
            page["counts"],
            json!([{ "status": last.code(), "count": 1 }]),
            "{}",
            app.engine
        );
    }
}

#[tokio::test]
async fn demo_staff_exist_only_when_asked_for_and_sign_in_with_the_printed_password() {
    use crate::helpers::{spawn_apps_with, Options};
    for app in crate::helpers::spawn_apps().await {
        assert!(app.demo_staff.is_empty());
        assert_eq!(app.count("staff").await, 0, "{}", app.engine);
    }
    let options = Options {
        demo: true,
        ..Options::default()
    };
    for app in spawn_apps_with(options.clone()).await {
        let admin = app
            .demo_staff
            .iter()
            .find(|a| a.username == "demo.epm.admin")
            .expect("an admin for the municipality");
        assert!(admin.password.len() >= 16);
        let signed_in = app
            .client
            .post(app.url("/api/v1/staff/session"))
            .json(&json!({ "username": admin.username, "password": admin.password }))
            .send()
            .await
            .unwrap();
        assert_eq!(signed_in.status(), 200, "{}", app.engine);
        let me = json_of(signed_in).await;
        assert_eq!(me["role"], "admin");
        assert_eq!(me["agency"]["code"], "epm");
        let agent = app
            .demo_staff
            .iter()
            .find(|a| a.username == "demo.epm.agent")
            .unwrap();
        assert!(agent.department.is_some(), "agents work in a department");
        // A restart makes new passwords: the old one no longer works.
        let again = app.twin(&options).await;
        let old = again
            .client
            .post(again.url("/api/v1/staff/session"))
            .json(&json!({ "username": admin.username, "password": admin.password }))
            .send()
            .await
            .unwrap();
        assert_eq!(old.status(), 422);
    }
}

#[tokio::test]
async fn staff_in_scope_download_the_applicants_documents_and_no_one_else_does() {
    for app in crate::helpers::spawn_apps_and_stores().await {
        let roads = app
            .staff("agent.roads", "agent", "epm", Some("epm-roads"))
            .await;
        let building = app
            .staff("agent.building", "agent", "epm", Some("epm-building"))
            .await;
        let reference = app.file_for("0502323230").await;
        app.agency_acts(
            &reference,
            json!({ "action": "request_info", "message": "A photo, please" }),
        )
        .await;
        let uploaded = app
            .client
            .post(app.url("/api/v1/uploads?service=epm-road-damage&field=reply"))
            .header("Content-Type", "image/png")
            .body(nafitha_server::attachments::samples::png_with_text())
            .send()
            .await
            .unwrap();
        let photo = json_of(uploaded).await["id"].as_str().unwrap().to_owned();
        let citizen = app.sign_in("0502323230").await;
        let answered = app
            .post_as(
                &citizen,
                &format!("/api/v1/requests/{reference}/actions"),
                &json!({ "action": "answer", "message": "Here it is", "attachments": [photo] }),
            )
            .await;
        assert_eq!(answered.status(), 200, "{}", app.engine);

        let view = json_of(
            app.get_as(&roads, &format!("/api/v1/staff/requests/{reference}"))
                .await,
        )
        .await;
        let answer = view["detail"]["events"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["kind"] == "answer")
            .expect("the answer is on the timeline")
            .clone();
        assert_eq!(answer["attachments"][0]["id"], photo.as_str());
        let path = format!("/api/v1/staff/requests/{reference}/attachments/{photo}");
        let file = app.get_as(&roads, &path).await;
        assert_eq!(file.status(), 200, "{}", app.label());
        assert_eq!(file.headers()["content-type"], "image/png");
        assert!(file.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment"));
        assert_eq!(&file.bytes().await.unwrap()[..4], b"\x89PNG");
        // Another department of the same agency, and nobody signed in: not found / refused.
        assert_eq!(app.get_as(&building, &path).await.status(), 404);
        assert_eq!(app.get(&path).await.status(), 401);
    }
}

#[tokio::test]
async fn staff_who_work_requests_are_told_their_services_that_book_appointments() {
    for app in crate::helpers::spawn_apps().await {
        let moi = app.staff("me.moi.sup", "supervisor", "moi", None).await;
        let me = json_of(app.get_as(&moi, "/api/v1/staff/me").await).await;
        let codes: Vec<&str> = me["appointment_services"]
            .as_array()
            .expect("a list")
            .iter()
            .map(|s| s["code"].as_str().unwrap())
            .collect();
        assert_eq!(
            codes,
            ["moi-meet-minister", "moi-video-call"],
            "{}",
            app.engine
        );
        assert_eq!(
            me["appointment_services"][1]["name"],
            json!({ "ar": "طلب اتصال مرئي", "en": "Video call request" })
        );
        // An agency without appointment services, and a role that works no requests.
        let epm = app.staff("me.epm.agent", "agent", "epm", None).await;
        let me = json_of(app.get_as(&epm, "/api/v1/staff/me").await).await;
        assert!(me.get("appointment_services").is_none(), "{me}");
        let desk = app.staff("me.moi.desk", "intake", "moi", None).await;
        let me = json_of(app.get_as(&desk, "/api/v1/staff/me").await).await;
        assert!(me.get("appointment_services").is_none(), "{me}");
    }
}
