//! Licences: issued by a permit's approval in its transaction (the decision SMS carries
//! the number); verified by anyone with only the masked name; the holder's own (another's
//! is not found); suspended and revoked by supervisors; the register and its CSV; reminded
//! before expiry and expired by the test clock; renewed under the same number.

use nafitha_domain::calendar::parse_datetime_ms;
use nafitha_domain::licence::LicenceNumber;
use nafitha_server::attachments::samples::jpeg_with_exif;
use nafitha_server::clock::Clock;
use serde_json::{json, Value};

use crate::helpers::{e164, session_cookie_of, spawn_apps_with, Options, TestApp, STAFF_PASSWORD};

/// Sunday 2026-12-06, 08:00 in Riyadh.
const SUNDAY_8AM: &str = "2026-12-06T08:00:00+03:00";

/// The holder's national ID (a valid one: its Luhn digit is right).
const NATIONAL_ID: &str = "1012345672";

fn at(text: &str) -> i64 {
    parse_datetime_ms(text).unwrap()
}

fn options_at(clock: &Clock) -> Options {
    Options {
        clock: clock.clone(),
        ..Options::default()
    }
}

/// Uploads a document for a chemical clearance and returns its id.
async fn upload_document(app: &TestApp) -> String {
    let response = app
        .client
        .post(app.url("/api/v1/uploads?service=mim-chemical-clearance&field=documents"))
        .header("Content-Type", "image/jpeg")
        .body(jpeg_with_exif())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201, "{}", app.engine);
    let uploaded: Value = response.json().await.unwrap();
    uploaded["id"].as_str().unwrap().to_owned()
}

/// Files a chemical clearance (a free permit that issues a licence for 12 months) for
/// `phone`; returns its reference.
async fn file_clearance(app: &TestApp, phone: &str) -> String {
    file_clearance_by(app, phone, "Mohammed Abdullah Al-Qahtani").await
}

/// The same, for a holder named `name`.
async fn file_clearance_by(app: &TestApp, phone: &str, name: &str) -> String {
    let document = upload_document(app).await;
    let body = json!({
        "service_code": "mim-chemical-clearance", "locale": "en",
        "applicant": { "name": name, "phone": phone, "national_id": NATIONAL_ID },
        "answers": { "cr_number": "1010123456", "chemical_name": "Sodium hydroxide",
                     "cas_number": "1310-73-2", "quantity_kg": 500, "documents": [document] }
    });
    let response = app
        .client
        .post(app.url("/api/v1/requests"))
        .header("Idempotency-Key", uuid::Uuid::new_v4().to_string())
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201, "{}", app.engine);
    let filed: Value = response.json().await.unwrap();
    filed["reference"].as_str().unwrap().to_owned()
}

/// A supervisor of the ministry (which issues chemical clearances).
async fn ministry_supervisor(app: &TestApp) -> String {
    app.staff("supervisor.mim", "supervisor", "mim", None).await
}

/// `staff` takes `action` on `reference`; returns the status.
async fn act(app: &TestApp, staff: &str, reference: &str, action: Value) -> u16 {
    app.post_as(
        staff,
        &format!("/api/v1/staff/requests/{reference}/actions"),
        &action,
    )
    .await
    .status()
    .as_u16()
}

/// Takes up and approves `reference` as `staff`.
async fn approve(app: &TestApp, staff: &str, reference: &str) {
    assert_eq!(
        act(app, staff, reference, json!({ "action": "acknowledge" })).await,
        204,
        "{}",
        app.engine
    );
    assert_eq!(
        act(
            app,
            staff,
            reference,
            json!({ "action": "resolve", "message": "Approved" })
        )
        .await,
        204,
        "{}",
        app.engine
    );
}

/// The number of the licence `reference` issued ("" when none).
async fn licence_of(app: &TestApp, reference: &str) -> String {
    app.scalar(&format!(
        "select l.number as v from licences l join requests r on r.id = l.request_id \
         where r.reference = '{reference}'"
    ))
    .await
}

async fn pending_reminders(app: &TestApp) -> i64 {
    app.scalar(
        "select cast(count(*) as text) as v from outbox where purpose = 'licence_reminder' \
         and sent_at is null",
    )
    .await
    .parse()
    .unwrap()
}

#[tokio::test]
async fn approving_a_permit_issues_its_licence_and_the_decision_sms_carries_the_number() {
    let clock = Clock::fixed(at(SUNDAY_8AM));
    for app in spawn_apps_with(options_at(&clock)).await {
        clock.set(at(SUNDAY_8AM));
        // Arrange
        let phone = "0507770001";
        let reference = file_clearance(&app, phone).await;
        let staff = ministry_supervisor(&app).await;
        assert_eq!(
            act(&app, &staff, &reference, json!({ "action": "acknowledge" })).await,
            204
        );
        assert_eq!(licence_of(&app, &reference).await, "", "{}", app.engine);

        // Act
        assert_eq!(
            act(&app, &staff, &reference, json!({ "action": "resolve" })).await,
            204
        );

        // Assert: one licence, its number well-formed, valid for 12 months from today,
        // held by the applicant with the CR given, the activity the service's name.
        let number = licence_of(&app, &reference).await;
        let number = LicenceNumber::parse(&number).expect("a well-formed licence number");
        let row = app
            .scalar(&format!(
                "select holder_name || '|' || holder_cr_number || '|' || holder_national_id || '|' || \
                 activity_en || '|' || issued_on || '|' || expires_on as v from licences where number = '{number}'"
            ))
            .await;
        assert_eq!(
            row,
            format!(
                "Mohammed Abdullah Al-Qahtani|1010123456|{NATIONAL_ID}|Chemical clearance|2026-12-06|2027-12-05"
            ),
            "{}",
            app.engine
        );
        let sms = app.wait_for_message(&e164(phone), &number.grouped()).await;
        assert!(
            sms.contains("resolved") && sms.contains("valid until 2027-12-05"),
            "{sms}"
        );
        assert_eq!(
            app.scalar("select kind || ':' || actor as v from licence_events")
                .await,
            "issued:staff:supervisor.mim"
        );
        // The reminders 30 and 7 days before the last day wait in the outbox.
        assert_eq!(pending_reminders(&app).await, 2, "{}", app.engine);

        // Reopened and approved again: still the one licence.
        let citizen = app.sign_in(phone).await;
        let reopened = app
            .post_as(
                &citizen,
                &format!("/api/v1/requests/{reference}/actions"),
                &json!({ "action": "reopen", "message": "A question" }),
            )
            .await;
        assert_eq!(reopened.status(), 200, "{}", app.engine);
        approve(&app, &staff, &reference).await;
        assert_eq!(app.count("licences").await, 1, "{}", app.engine);
        assert_eq!(pending_reminders(&app).await, 2, "{}", app.engine);
    }
}

#[tokio::test]
async fn a_rejection_a_complaint_or_a_permit_with_a_fee_issues_nothing() {
    let clock = Clock::fixed(at(SUNDAY_8AM));
    for app in spawn_apps_with(options_at(&clock)).await {
        clock.set(at(SUNDAY_8AM));
        // Arrange
        let staff = ministry_supervisor(&app).await;
        let rejected = file_clearance(&app, "0507770002").await;
        let complaint = app.file_for("0507770003").await;
        // The chemical clearance made a paid service for this test.
        app.execute("update services set fee_halalas = 5000 where code = 'mim-chemical-clearance'")
            .await;
        let paid = file_clearance(&app, "0507770004").await;

        // Act
        assert_eq!(
            act(
                &app,
                &staff,
                &rejected,
                json!({ "action": "reject", "message": "Incomplete" })
            )
            .await,
            204
        );
        app.agency_acts(&complaint, json!({ "action": "resolve" }))
            .await;
        approve(&app, &staff, &paid).await;

        // Assert
        assert_eq!(app.count("licences").await, 0, "{}", app.engine);
        assert_eq!(pending_reminders(&app).await, 0, "{}", app.engine);
    }
}

/// Files a clearance for `phone` and has it approved; returns the licence number.
async fn issue(app: &TestApp, staff: &str, phone: &str, name: &str) -> String {
    let reference = file_clearance_by(app, phone, name).await;
    approve(app, staff, &reference).await;
    let number = licence_of(app, &reference).await;
    assert!(!number.is_empty(), "{}: no licence issued", app.engine);
    number
}

/// Signs an existing staff account in again (its session lasts a working day).
async fn sign_in_again(app: &TestApp, username: &str) -> String {
    let response = app
        .client
        .post(app.url("/api/v1/staff/session"))
        .json(&json!({ "username": username, "password": STAFF_PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{}", app.engine);
    session_cookie_of(&response)
}

/// Anyone's verification of `number`.
async fn verify(app: &TestApp, number: &str) -> reqwest::Response {
    app.client
        .get(app.url(&format!("/api/v1/licences/{number}")))
        .header("Accept-Language", "en")
        .send()
        .await
        .unwrap()
}

/// The number with its check digit made wrong.
fn mistyped(number: &str) -> String {
    let mut digits = number.to_owned();
    let last = digits.pop().unwrap();
    digits.push(if last == '9' {
        '0'
    } else {
        char::from(last as u8 + 1)
    });
    digits
}

#[tokio::test]
async fn anyone_verifies_a_licence_and_sees_no_phone_no_id_and_a_masked_name() {
    let clock = Clock::fixed(at(SUNDAY_8AM));
    for app in spawn_apps_with(options_at(&clock)).await {
        clock.set(at(SUNDAY_8AM));
        // Arrange
        let staff = ministry_supervisor(&app).await;
        let number = issue(&app, &staff, "0507770011", "Mohammed Abdullah Al-Qahtani").await;

        // Act
        let response = verify(&app, &number).await;

        // Assert
        assert_eq!(response.status(), 200, "{}", app.engine);
        let text = response.text().await.unwrap();
        let seen: Value = serde_json::from_str(&text).unwrap();
        let mut keys: Vec<&str> = seen
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "activity",
                "agency",
                "expires_on",
                "holder",
                "issued_on",
                "number",
                "status"
            ]
        );
        assert_eq!(seen["status"], "valid");
        assert_eq!(seen["holder"], "Mohammed A*** A***");
        assert_eq!(seen["activity"]["en"], "Chemical clearance");
        assert_eq!(seen["agency"]["code"], "mim");
        assert_eq!(
            (seen["issued_on"].as_str(), seen["expires_on"].as_str()),
            (Some("2026-12-06"), Some("2027-12-05"))
        );
        for secret in [
            "507770011",
            NATIONAL_ID,
            "1010123456",
            "Abdullah",
            "Qahtani",
            "Sodium",
        ] {
            assert!(!text.contains(secret), "{}: {secret} in {text}", app.engine);
        }

        // Typed with Arabic-Indic digits and a space, it is the same licence.
        let arabic: String = number
            .chars()
            .enumerate()
            .flat_map(|(i, c)| {
                let digit = char::from_u32(0x0660 + (c as u32 - '0' as u32)).unwrap();
                if i == 5 {
                    vec![' ', digit]
                } else {
                    vec![digit]
                }
            })
            .collect();
        assert_eq!(verify(&app, &arabic).await.status(), 200, "{}", app.engine);

        // A mistyped digit is told as such, not as "not found"; an unknown number is 404.
        let wrong = verify(&app, &mistyped(&number)).await;
        assert_eq!(wrong.status(), 400, "{}", app.engine);
        let error: Value = wrong.json().await.unwrap();
        assert!(
            error["message"]
                .as_str()
                .unwrap()
                .contains("licence number is not right"),
            "{error}"
        );
        assert!(error["localized"]["ar"]
            .as_str()
            .unwrap()
            .contains("رقم الرخصة"));
        let unknown =
            LicenceNumber::from_body((number[..9].parse::<u64>().unwrap() + 1) % 1_000_000_000);
        assert_eq!(verify(&app, unknown.as_str()).await.status(), 404);

        // The QR code is an SVG of the verification address, for any well-formed number.
        let qr = app.get(&format!("/api/v1/licences/{number}/qr.svg")).await;
        assert_eq!(qr.status(), 200, "{}", app.engine);
        assert_eq!(qr.headers()["content-type"], "image/svg+xml");
        let svg = qr.text().await.unwrap();
        assert!(svg.contains("<svg") && svg.contains("<path"), "{svg}");
        let other = app
            .get(&format!("/api/v1/licences/{unknown}/qr.svg"))
            .await
            .text()
            .await
            .unwrap();
        assert_ne!(svg, other);
        let bad = app
            .get(&format!("/api/v1/licences/{}/qr.svg", mistyped(&number)))
            .await;
        assert_eq!(bad.status(), 400);
    }
}

#[tokio::test]
async fn the_holder_sees_their_licences_and_another_citizens_are_not_found() {
    let clock = Clock::fixed(at(SUNDAY_8AM));
    for app in spawn_apps_with(options_at(&clock)).await {
        clock.set(at(SUNDAY_8AM));
        // Arrange
        let staff = ministry_supervisor(&app).await;
        let number = issue(&app, &staff, "0507770021", "Sara Ali").await;
        let holder = app.sign_in("0507770021").await;
        let stranger = app.sign_in("0507770022").await;

        // Act
        let mine: Value = app
            .get_as(&holder, "/api/v1/account/licences")
            .await
            .json()
            .await
            .unwrap();
        let page = app
            .get_as(&holder, &format!("/api/v1/account/licences/{number}"))
            .await;

        // Assert
        assert_eq!(mine.as_array().unwrap().len(), 1, "{}", app.engine);
        assert_eq!(mine[0]["number"], number.as_str());
        assert_eq!(mine[0]["status"], "valid");
        assert_eq!(mine[0]["expires_on"], "2027-12-05");
        assert_eq!(page.status(), 200, "{}", app.engine);
        let licence: Value = page.json().await.unwrap();
        assert_eq!(licence["holder"]["name"], "Sara Ali");
        assert_eq!(licence["holder"]["cr_number"], "1010123456");
        assert_eq!(licence["holder"]["national_id"], NATIONAL_ID);
        assert_eq!(licence["service"]["code"], "mim-chemical-clearance");
        assert_eq!(
            licence["verify_url"],
            format!("https://nafitha.test/verify/{number}")
        );
        let details: Vec<(&str, &str)> = licence["details"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                (
                    d["field"].as_str().unwrap(),
                    d["value"]["en"].as_str().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            details,
            [
                ("cr_number", "1010123456"),
                ("chemical_name", "Sodium hydroxide"),
                ("cas_number", "1310-73-2"),
                ("quantity_kg", "500"),
            ]
        );
        assert!(licence["conditions"]["ar"].as_str().unwrap().len() > 10);
        assert!(licence["request"].as_str().is_some());

        // Someone else's licence is exactly as not found as one that does not exist.
        let theirs = app
            .get_as(&stranger, &format!("/api/v1/account/licences/{number}"))
            .await;
        let unknown = app
            .get_as(
                &stranger,
                &format!("/api/v1/account/licences/{}", mistyped(&number)),
            )
            .await;
        assert_eq!(theirs.status(), 404, "{}", app.engine);
        assert_eq!(unknown.status(), 404, "{}", app.engine);
        assert_eq!(theirs.text().await.unwrap(), unknown.text().await.unwrap());
        let none: Value = app
            .get_as(&stranger, "/api/v1/account/licences")
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(none, json!([]));
        assert_eq!(app.get("/api/v1/account/licences").await.status(), 401);
    }
}

#[tokio::test]
async fn supervisors_suspend_and_revoke_and_verification_shows_it_at_once() {
    let clock = Clock::fixed(at(SUNDAY_8AM));
    for app in spawn_apps_with(options_at(&clock)).await {
        clock.set(at(SUNDAY_8AM));
        // Arrange
        let staff = ministry_supervisor(&app).await;
        let phone = "0507770031";
        let number = issue(&app, &staff, phone, "Sara Ali").await;
        let agent = app.staff("agent.mim", "agent", "mim", None).await;
        let elsewhere = app.staff("supervisor.epm", "supervisor", "epm", None).await;
        let suspend = format!("/api/v1/staff/licences/{number}/suspend");
        let revoke = format!("/api/v1/staff/licences/{number}/revoke");
        let reasoned =
            json!({ "reason": "Storage found unsafe on inspection", "until": "2026-12-20" });

        // Act and assert: refused without a reason, to an agent, to another agency.
        let reasonless = app
            .post_as(
                &staff,
                &suspend,
                &json!({ "reason": " ", "until": "2026-12-20" }),
            )
            .await;
        assert_eq!(reasonless.status(), 422, "{}", app.engine);
        let refused: Value = reasonless.json().await.unwrap();
        assert_eq!(refused["fields"][0]["field"], "reason");
        assert_eq!(app.post_as(&agent, &suspend, &reasoned).await.status(), 403);
        assert_eq!(
            app.post_as(&elsewhere, &suspend, &reasoned).await.status(),
            404
        );
        assert_eq!(app.count("licence_events").await, 1, "{}", app.engine);

        // Suspended: verification says so, with its last day; the holder is told.
        assert_eq!(app.post_as(&staff, &suspend, &reasoned).await.status(), 204);
        let seen: Value = verify(&app, &number).await.json().await.unwrap();
        assert_eq!(
            (seen["status"].as_str(), seen["suspended_until"].as_str()),
            (Some("suspended"), Some("2026-12-20")),
            "{}",
            app.engine
        );
        app.wait_for_message(&e164(phone), "suspended your licence")
            .await;
        let holder = app.sign_in(phone).await;
        let own: Value = app
            .get_as(&holder, &format!("/api/v1/account/licences/{number}"))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(
            own["suspension"]["reason"],
            "Storage found unsafe on inspection"
        );

        // After its last day the suspension no longer counts.
        clock.set(at("2026-12-21T08:00:00+03:00"));
        let seen: Value = verify(&app, &number).await.json().await.unwrap();
        assert_eq!(seen["status"], "valid");
        assert!(seen.get("suspended_until").is_none());

        // Revoked: final, the reminders withdrawn, the holder told, nothing more changes.
        let staff = sign_in_again(&app, "supervisor.mim").await;
        let reasonless = app.post_as(&staff, &revoke, &json!({ "reason": "" })).await;
        assert_eq!(reasonless.status(), 422);
        assert_eq!(pending_reminders(&app).await, 2, "{}", app.engine);
        let revoked = app
            .post_as(
                &staff,
                &revoke,
                &json!({ "reason": "Licence obtained with false documents" }),
            )
            .await;
        assert_eq!(revoked.status(), 204, "{}", app.engine);
        let seen: Value = verify(&app, &number).await.json().await.unwrap();
        assert_eq!(seen["status"], "revoked");
        app.wait_for_message(&e164(phone), "revoked your licence")
            .await;
        assert_eq!(pending_reminders(&app).await, 0, "{}", app.engine);
        let again = app
            .post_as(
                &staff,
                &suspend,
                &json!({ "reason": "x", "until": "2026-12-30" }),
            )
            .await;
        assert_eq!(again.status(), 409);
        // Each change is on record with who made it.
        assert_eq!(
            app.scalar(
                "select cast(count(*) as text) as v from licence_events \
                 where kind in ('suspended', 'revoked') and actor = 'staff:supervisor.mim'"
            )
            .await,
            "2",
            "{}",
            app.engine
        );
    }
}

/// The register's licence numbers for `query`, and the cursor of the next page.
async fn register(app: &TestApp, staff: &str, query: &str) -> (Vec<String>, Option<String>) {
    let response = app
        .get_as(staff, &format!("/api/v1/staff/licences{query}"))
        .await;
    assert_eq!(response.status(), 200, "{}: {query}", app.engine);
    let page: Value = response.json().await.unwrap();
    let numbers = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["number"].as_str().unwrap().to_owned())
        .collect();
    (numbers, page["next"].as_str().map(str::to_owned))
}

#[tokio::test]
async fn the_register_is_searched_filtered_paged_and_exported_without_formulas() {
    let clock = Clock::fixed(at(SUNDAY_8AM));
    for app in spawn_apps_with(options_at(&clock)).await {
        clock.set(at(SUNDAY_8AM));
        // Arrange: three licences, the newest suspended, one holder's name a formula.
        let staff = ministry_supervisor(&app).await;
        let sara = issue(&app, &staff, "0507770041", "Sara Ali").await;
        let formula = issue(&app, &staff, "0507770042", "=HYPERLINK(\"x\") Evil").await;
        let khalid = issue(&app, &staff, "0507770043", "Khalid Omar").await;
        let suspended = app
            .post_as(
                &staff,
                &format!("/api/v1/staff/licences/{khalid}/suspend"),
                &json!({ "reason": "Inspection", "until": "2026-12-31" }),
            )
            .await;
        assert_eq!(suspended.status(), 204);

        // Act and assert: newest first; by number, CR, name, status and last day.
        let (all, next) = register(&app, &staff, "").await;
        assert_eq!(
            all,
            [khalid.as_str(), formula.as_str(), sara.as_str()],
            "{}",
            app.engine
        );
        assert_eq!(next, None);
        let (by_number, _) = register(&app, &staff, &format!("?q={}", &sara[..7])).await;
        assert!(by_number.contains(&sara), "{}", app.engine);
        assert_eq!(register(&app, &staff, "?q=101012").await.0.len(), 3);
        assert_eq!(register(&app, &staff, "?q=sara").await.0, [sara.as_str()]);
        assert_eq!(
            register(&app, &staff, "?status=suspended").await.0,
            [khalid.as_str()]
        );
        assert_eq!(
            register(&app, &staff, "?status=valid").await.0,
            [formula.as_str(), sara.as_str()]
        );
        assert!(register(&app, &staff, "?status=expired").await.0.is_empty());
        assert!(register(&app, &staff, "?expires_before=2027-12-04")
            .await
            .0
            .is_empty());
        assert_eq!(
            register(&app, &staff, "?expires_before=2027-12-05")
                .await
                .0
                .len(),
            3
        );
        let (first, next) = register(&app, &staff, "?limit=2").await;
        assert_eq!(first, [khalid.as_str(), formula.as_str()]);
        let (second, last) =
            register(&app, &staff, &format!("?limit=2&after={}", next.unwrap())).await;
        assert_eq!((second, last), (vec![sara.clone()], None));
        let bad = app
            .get_as(&staff, "/api/v1/staff/licences?status=open")
            .await;
        assert_eq!(bad.status(), 422);
        // Another agency's staff see none of them.
        let elsewhere = app.staff("supervisor.epm", "supervisor", "epm", None).await;
        assert!(register(&app, &elsewhere, "").await.0.is_empty());
        let theirs = app
            .get_as(&elsewhere, &format!("/api/v1/staff/licences/{sara}"))
            .await;
        assert_eq!(theirs.status(), 404);
        let ours = app
            .get_as(&staff, &format!("/api/v1/staff/licences/{sara}"))
            .await;
        assert_eq!(ours.status(), 200);

        // The CSV: a heading row, one row each, the formula kept as text.
        let csv = app
            .client
            .get(app.url("/api/v1/staff/licences.csv?status=valid"))
            .header("Cookie", &staff)
            .header("Accept-Language", "en")
            .send()
            .await
            .unwrap();
        assert_eq!(csv.status(), 200, "{}", app.engine);
        assert!(csv.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv"));
        let text = csv.text().await.unwrap();
        let lines: Vec<&str> = text.trim_start_matches('\u{FEFF}').lines().collect();
        assert_eq!(
            lines[0],
            "Licence number,Status,Activity,Holder,CR number,Issued on,Expires on"
        );
        assert_eq!(lines.len(), 3, "{text}");
        assert!(text.contains("\"'=HYPERLINK(\"\"x\"\") Evil\""), "{text}");
        assert!(
            text.contains(&format!(
                "{sara},Valid,Chemical clearance,Sara Ali,1010123456,2026-12-06,2027-12-05"
            )),
            "{text}"
        );
    }
}

#[tokio::test]
async fn the_holder_is_reminded_30_and_7_days_before_the_last_day_and_then_it_expires() {
    let clock = Clock::fixed(at(SUNDAY_8AM));
    for app in spawn_apps_with(options_at(&clock)).await {
        clock.set(at(SUNDAY_8AM));
        // Arrange: valid through 2027-12-05.
        let staff = ministry_supervisor(&app).await;
        let phone = "0507770061";
        let number = issue(&app, &staff, phone, "Sara Ali").await;
        let reminded = |app: &TestApp, needle: &str| {
            app.outbox_log()
                .iter()
                .any(|m| m["body"].as_str().unwrap_or_default().contains(needle))
        };

        // Act and assert: nothing before 09:00 Riyadh time, 30 days before the last day.
        clock.set(at("2027-11-05T08:59:00+03:00"));
        tokio::time::sleep(std::time::Duration::from_millis(600)).await;
        assert!(!reminded(&app, "expires on"), "{}", app.engine);
        clock.set(at("2027-11-05T09:00:01+03:00"));
        let first = app
            .wait_for_message(&e164(phone), "expires on 2027-12-05 (in 30 days)")
            .await;
        assert!(
            first.contains(&format!("https://nafitha.test/licences/{number}")),
            "{first}"
        );
        assert!(!reminded(&app, "(in 7 days)"));
        clock.set(at("2027-11-28T09:00:01+03:00"));
        app.wait_for_message(&e164(phone), "expires on 2027-12-05 (in 7 days)")
            .await;

        // Valid through its last day, expired the day after.
        clock.set(at("2027-12-05T23:59:00+03:00"));
        let seen: Value = verify(&app, &number).await.json().await.unwrap();
        assert_eq!(seen["status"], "valid", "{}", app.engine);
        clock.set(at("2027-12-06T00:00:00+03:00"));
        let seen: Value = verify(&app, &number).await.json().await.unwrap();
        assert_eq!(seen["status"], "expired", "{}", app.engine);
        let staff = sign_in_again(&app, "supervisor.mim").await;
        assert_eq!(
            register(&app, &staff, "?status=expired").await.0,
            [number.as_str()]
        );
    }
}

#[tokio::test]
async fn a_renewal_is_filed_from_the_licence_and_its_approval_keeps_the_number() {
    let clock = Clock::fixed(at(SUNDAY_8AM));
    for app in spawn_apps_with(options_at(&clock)).await {
        clock.set(at(SUNDAY_8AM));
        // Arrange: valid through 2027-12-05; a fortnight before, after the 30-day reminder.
        let staff = ministry_supervisor(&app).await;
        let phone = "0507770051";
        let number = issue(&app, &staff, phone, "Sara Ali").await;
        clock.set(at("2027-11-20T10:00:00+03:00"));
        app.wait_for_message(&e164(phone), "(in 30 days)").await;
        let holder = app.sign_in(phone).await;
        let renew = format!("/api/v1/account/licences/{number}/renew");
        let post = |key: &str, body: Value| {
            app.client
                .post(app.url(&renew))
                .header("Cookie", &holder)
                .header("Idempotency-Key", key)
                .json(&body)
                .send()
        };

        // Act and assert: no key, no fresh files: refused, nothing filed.
        let requests = app.count("requests").await;
        let keyless = app
            .post_as(&holder, &renew, &json!({ "locale": "en" }))
            .await;
        assert_eq!(keyless.status(), 400, "{}", app.engine);
        let fileless = post("renewal-key-1", json!({ "locale": "en" }))
            .await
            .unwrap();
        assert_eq!(fileless.status(), 422, "{}", app.engine);
        let refused: Value = fileless.json().await.unwrap();
        assert_eq!(refused["fields"][0]["field"], "documents");
        assert_eq!(app.count("requests").await, requests);

        // Filed with a fresh file and one changed answer; the rest comes from the licence.
        let body = json!({ "locale": "en", "answers": { "documents": [upload_document(&app).await], "quantity_kg": 800 } });
        let filed = post("renewal-key-2", body.clone()).await.unwrap();
        assert_eq!(filed.status(), 201, "{}", app.engine);
        let renewal: Value = filed.json().await.unwrap();
        let renewal = renewal["reference"].as_str().unwrap().to_owned();
        let replay = post("renewal-key-2", body).await.unwrap();
        assert_eq!(replay.status(), 200);
        let again = post("renewal-key-3", json!({ "locale": "en" }))
            .await
            .unwrap();
        assert_eq!(again.status(), 409, "{}", app.engine);
        let answers = app
            .scalar(&format!(
                "select answers as v from requests where reference = '{renewal}'"
            ))
            .await;
        assert!(
            answers.contains("Sodium hydroxide") && answers.contains("800"),
            "{answers}"
        );
        let page: Value = app
            .get_as(&holder, &format!("/api/v1/account/licences/{number}"))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(page["renewal"], renewal.as_str());

        // Approved: the same number, a year more from the day after its last day.
        let staff = sign_in_again(&app, "supervisor.mim").await;
        approve(&app, &staff, &renewal).await;
        assert_eq!(app.count("licences").await, 1, "{}", app.engine);
        let grouped = LicenceNumber::parse(&number).unwrap().grouped();
        let sms = app
            .wait_for_message(&e164(phone), &format!("Licence {grouped} renewed"))
            .await;
        assert!(sms.contains("valid until 2028-12-05"), "{sms}");
        let seen: Value = verify(&app, &number).await.json().await.unwrap();
        assert_eq!(
            (
                seen["status"].as_str(),
                seen["issued_on"].as_str(),
                seen["expires_on"].as_str()
            ),
            (Some("valid"), Some("2026-12-06"), Some("2028-12-05")),
            "{}",
            app.engine
        );
        let page: Value = app
            .get_as(&holder, &format!("/api/v1/account/licences/{number}"))
            .await
            .json()
            .await
            .unwrap();
        assert!(page.get("renewal").is_none());
        assert_eq!(page["details"][3]["value"]["en"], "800");
        // The old 7-day reminder is withdrawn; the new period's two wait.
        assert_eq!(pending_reminders(&app).await, 2, "{}", app.engine);

        // A revoked licence is not renewed.
        let revoked = app
            .post_as(
                &staff,
                &format!("/api/v1/staff/licences/{number}/revoke"),
                &json!({ "reason": "False documents" }),
            )
            .await;
        assert_eq!(revoked.status(), 204);
        let refused = post("renewal-key-4", json!({ "locale": "en" }))
            .await
            .unwrap();
        assert_eq!(refused.status(), 409, "{}", app.engine);
        let error: Value = refused.json().await.unwrap();
        assert_eq!(error["code"], "licence_revoked");
    }
}

#[tokio::test]
async fn drawing_qr_codes_is_limited_per_client_as_verification_is() {
    let mut options = Options::default();
    options.limits.track_per_minute = 5;
    for app in spawn_apps_with(options).await {
        let path = format!("/api/v1/licences/{}/qr.svg", LicenceNumber::from_body(7));
        for _ in 0..5 {
            assert_eq!(app.get(&path).await.status(), 200, "{}", app.engine);
        }
        let refused = app.get(&path).await;
        assert_eq!(refused.status(), 429, "{}", app.engine);
        assert!(refused.headers().contains_key("retry-after"));
    }
}
