//! Licences: issued by a permit's approval in its transaction (the decision SMS carries
//! the number), reminded before expiry by the test clock.

use nafitha_domain::calendar::parse_datetime_ms;
use nafitha_domain::licence::LicenceNumber;
use nafitha_server::attachments::samples::jpeg_with_exif;
use nafitha_server::clock::Clock;
use serde_json::{json, Value};

use crate::helpers::{e164, spawn_apps_with, Options, TestApp};

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
    let document = upload_document(app).await;
    let body = json!({
        "service_code": "mim-chemical-clearance", "locale": "en",
        "applicant": { "name": "Mohammed Abdullah Al-Qahtani", "phone": phone, "national_id": NATIONAL_ID },
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
