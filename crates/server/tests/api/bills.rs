//! Bills: approving a permit with a fee issues a bill (the decision SMS says the amount,
//! the number, the last day and where to pay), not the licence; the gateway's callback is
//! signed over its raw body, a forged one changes nothing, the same payment again is
//! answered the same, a wrong amount is refused; a paid bill issues the licence with its
//! SMS; an unpaid one expires after its last day and the holder is told; another holder's
//! bills are not seen.

use nafitha_domain::bill::BillNumber;
use nafitha_domain::calendar::{parse_datetime_ms, riyadh_date};
use nafitha_domain::licence::LicenceNumber;
use nafitha_server::attachments::samples::jpeg_with_exif;
use nafitha_server::clock::Clock;
use nafitha_server::config::PaymentConfig;
use nafitha_server::secret::Secret;
use serde_json::{json, Value};

use crate::helpers::{e164, spawn_apps_with, Options, TestApp};

/// Sunday 2026-12-06, 08:00 in Riyadh.
const SUNDAY_8AM: &str = "2026-12-06T08:00:00+03:00";

/// The payment secret the tests' gateway signs with.
const PAYMENT_SECRET: &str = "payment-secret-payment-secret-0123456789";

fn at(text: &str) -> i64 {
    parse_datetime_ms(text).unwrap()
}

fn options_at(clock: &Clock) -> Options {
    Options {
        clock: clock.clone(),
        payments: PaymentConfig {
            secret: Secret::from_text(PAYMENT_SECRET),
            ..PaymentConfig::default()
        },
        ..Options::default()
    }
}

/// Files a shop health licence (a permit with a 100 SAR fee) for `phone`; returns its
/// reference.
async fn file_shop_licence(app: &TestApp, phone: &str) -> String {
    let uploaded = app
        .client
        .post(app.url("/api/v1/uploads?service=epm-shop-health-licence&field=documents"))
        .header("Content-Type", "image/jpeg")
        .body(jpeg_with_exif())
        .send()
        .await
        .unwrap();
    assert_eq!(uploaded.status(), 201, "{}", app.engine);
    let document: Value = uploaded.json().await.unwrap();
    let body = json!({
        "service_code": "epm-shop-health-licence", "locale": "en",
        "applicant": { "name": "Huda Salem", "phone": phone },
        "answers": { "cr_number": "1010654321", "licence_number": "M-4410", "workers": 3,
                     "handles_food": "yes", "food_type": ["bakery"],
                     "documents": [document["id"]] }
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

/// Files a shop health licence for `phone` and has the municipality approve it; returns
/// its reference and the bill's number.
async fn billed(app: &TestApp, phone: &str) -> (String, String) {
    let reference = file_shop_licence(app, phone).await;
    let staff = app.staff("supervisor.epm", "supervisor", "epm", None).await;
    let number = approve(app, &staff, &reference).await;
    assert!(!number.is_empty(), "{}: no bill issued", app.engine);
    (reference, number)
}

/// `staff` takes up and approves `reference`; the number of the bill the approval issued
/// (empty when none).
async fn approve(app: &TestApp, staff: &str, reference: &str) -> String {
    for action in [
        json!({ "action": "acknowledge" }),
        json!({ "action": "resolve" }),
    ] {
        let response = app
            .post_as(
                staff,
                &format!("/api/v1/staff/requests/{reference}/actions"),
                &action,
            )
            .await;
        assert_eq!(response.status(), 204, "{}", app.engine);
    }
    app.scalar(&format!(
        "select b.number as v from bills b join requests r on r.id = b.request_id \
         where r.reference = '{reference}'"
    ))
    .await
}

/// A callback body as a gateway sends it.
fn callback(number: &str, amount: i64, payment_id: &str, paid_at: &str) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "bill_number": number, "amount_halalas": amount, "paid_at": paid_at,
        "payment_id": payment_id
    }))
    .unwrap()
}

/// Posts `body` to the callback with `signature` (none when `None`).
async fn send(app: &TestApp, body: &[u8], signature: Option<String>) -> reqwest::Response {
    let mut request = app
        .client
        .post(app.url("/api/v1/payments/callback"))
        .header("Content-Type", "application/json")
        .header("Accept-Language", "en")
        .body(body.to_vec());
    if let Some(signature) = signature {
        request = request.header("X-Nafitha-Signature", signature);
    }
    request.send().await.unwrap()
}

/// The signature of `body` under the tests' payment secret.
fn signed(body: &[u8]) -> Option<String> {
    Some(Secret::from_text(PAYMENT_SECRET).unwrap().sign(body))
}

async fn scalar_count(app: &TestApp, sql: &str) -> i64 {
    app.scalar(&format!("select cast(count(*) as text) as v from {sql}"))
        .await
        .parse()
        .unwrap()
}

async fn paid_messages(app: &TestApp) -> i64 {
    scalar_count(app, "outbox where body like '%we received SAR 100.00%'").await
}

async fn pending(app: &TestApp, purpose: &str) -> i64 {
    scalar_count(
        app,
        &format!("outbox where purpose = '{purpose}' and sent_at is null"),
    )
    .await
}

#[tokio::test]
async fn approving_a_permit_with_a_fee_issues_a_bill_and_not_the_licence() {
    let clock = Clock::fixed(at(SUNDAY_8AM));
    for app in spawn_apps_with(options_at(&clock)).await {
        clock.set(at(SUNDAY_8AM));
        // Arrange and act
        let phone = "0507780001";
        let (reference, number) = billed(&app, phone).await;

        // Assert: a bill of 100 SAR payable through 2026-12-20, no licence yet.
        let number = BillNumber::parse(&number).expect("a well-formed bill number");
        assert_eq!(number.as_str().len(), 14);
        assert_eq!(app.count("licences").await, 0, "{}", app.engine);
        let sms = app.wait_for_message(&e164(phone), &number.grouped()).await;
        assert!(
            sms.contains("resolved")
                && sms.contains("SAR 100.00")
                && sms.contains("by 2026-12-20")
                && sms.contains("Pay at https://nafitha.test/licences"),
            "{sms}"
        );
        // The notice of its expiry waits in the outbox.
        assert_eq!(pending(&app, "bill_expiry").await, 1, "{}", app.engine);

        // The holder sees it in their bills and on the request's page.
        let holder = app.sign_in(phone).await;
        let bills: Value = app
            .get_as(&holder, "/api/v1/account/bills")
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(
            bills,
            json!([{
                "number": number.as_str(), "reference": reference,
                "service": { "code": "epm-shop-health-licence",
                             "name": bills[0]["service"]["name"].clone() },
                "amount_halalas": 10000, "due_on": "2026-12-20", "status": "unpaid"
            }]),
            "{}",
            app.engine
        );
        assert_eq!(
            bills[0]["service"]["name"]["en"],
            "Health licence for a shop"
        );

        // Another citizen sees none of it, and cannot pay it.
        let stranger = app.sign_in("0507780002").await;
        let theirs: Value = app
            .get_as(&stranger, "/api/v1/account/bills")
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(theirs, json!([]), "{}", app.engine);
        let paid = app
            .post_as(
                &stranger,
                &format!("/api/v1/account/bills/{number}/pay"),
                &json!({}),
            )
            .await;
        assert_eq!(paid.status(), 404, "{}", app.engine);
        assert_eq!(app.count("licences").await, 0, "{}", app.engine);
    }
}

#[tokio::test]
async fn a_signed_callback_pays_the_bill_and_issues_the_licence_once() {
    let clock = Clock::fixed(at(SUNDAY_8AM));
    for app in spawn_apps_with(options_at(&clock)).await {
        clock.set(at(SUNDAY_8AM));
        // Arrange
        let phone = "0507780011";
        let (_, number) = billed(&app, phone).await;
        let paid_at = "2026-12-07T10:00:00+03:00";
        let good = callback(&number, 10_000, "gw-0001", paid_at);

        // A forged or missing signature: 401, nothing read, nothing changed.
        let forged = Some(Secret::from_text(&"f".repeat(40)).unwrap().sign(&good));
        for signature in [forged, None, Some("not hex".to_owned())] {
            let refused = send(&app, &good, signature).await;
            assert_eq!(refused.status(), 401, "{}", app.engine);
            let body: Value = refused.json().await.unwrap();
            assert_eq!(body["code"], "bad_signature");
        }
        // Signed, but over another body than the one sent.
        let tampered = callback(&number, 1, "gw-0001", paid_at);
        assert_eq!(send(&app, &tampered, signed(&good)).await.status(), 401);
        // Not even a body that is not JSON is read before the signature.
        assert_eq!(send(&app, b"nonsense", None).await.status(), 401);
        assert_eq!(
            send(&app, b"nonsense", signed(b"nonsense")).await.status(),
            400
        );
        // Too large: refused before anything.
        let large = vec![b' '; 5 * 1024];
        assert_eq!(send(&app, &large, signed(&large)).await.status(), 413);
        // A wrong amount: 422; an unknown bill: 404.
        let short = callback(&number, 9_999, "gw-0002", paid_at);
        let refused = send(&app, &short, signed(&short)).await;
        assert_eq!(refused.status(), 422, "{}", app.engine);
        let body: Value = refused.json().await.unwrap();
        assert_eq!(body["code"], "wrong_amount");
        let unknown = callback(
            BillNumber::from_body(1).as_str(),
            10_000,
            "gw-0003",
            paid_at,
        );
        assert_eq!(send(&app, &unknown, signed(&unknown)).await.status(), 404);
        assert_eq!(app.count("licences").await, 0, "{}", app.engine);
        assert_eq!(
            app.scalar("select cast(count(*) as text) as v from bills where paid_at is null")
                .await,
            "1"
        );

        // Act
        let paid = send(&app, &good, signed(&good)).await;

        // Assert: paid, the licence issued, the holder told, the expiry notice withdrawn,
        // the licence's reminders queued.
        assert_eq!(paid.status(), 200, "{}", app.engine);
        let receipt: Value = paid.json().await.unwrap();
        assert_eq!(receipt["status"], "paid");
        assert_eq!(receipt["bill_number"], number.as_str());
        assert_eq!(receipt["payment_id"], "gw-0001");
        let licence =
            LicenceNumber::parse(receipt["licence"].as_str().unwrap()).expect("a licence number");
        assert_eq!(
            app.scalar(&format!(
                "select holder_name || '|' || holder_cr_number || '|' || expires_on as v \
                 from licences where number = '{licence}'"
            ))
            .await,
            "Huda Salem|1010654321|2027-12-05",
            "{}",
            app.engine
        );
        let sms = app
            .wait_for_message(&e164(phone), "we received SAR 100.00")
            .await;
        assert!(
            sms.contains(&format!("Licence {} issued", licence.grouped()))
                && sms.contains(&format!("https://nafitha.test/licences/{licence}")),
            "{sms}"
        );
        assert_eq!(pending(&app, "bill_expiry").await, 0, "{}", app.engine);
        assert_eq!(pending(&app, "licence_reminder").await, 2, "{}", app.engine);
        assert_eq!(
            app.scalar("select kind || ':' || actor as v from licence_events")
                .await,
            "issued:payment:log"
        );

        // The same payment again: the same answer, nothing changed twice.
        let again = send(&app, &good, signed(&good)).await;
        assert_eq!(again.status(), 200, "{}", app.engine);
        assert_eq!(again.json::<Value>().await.unwrap(), receipt);
        assert_eq!(app.count("licences").await, 1, "{}", app.engine);
        assert_eq!(paid_messages(&app).await, 1, "{}", app.engine);

        // Another payment for the paid bill: 409, nothing changed.
        let second = callback(&number, 10_000, "gw-0004", paid_at);
        let refused = send(&app, &second, signed(&second)).await;
        assert_eq!(refused.status(), 409, "{}", app.engine);
        assert_eq!(refused.json::<Value>().await.unwrap()["code"], "bill_paid");
        assert_eq!(app.count("licences").await, 1, "{}", app.engine);
        assert_eq!(paid_messages(&app).await, 1, "{}", app.engine);

        // The holder sees the bill paid and the licence among theirs.
        let holder = app.sign_in(phone).await;
        let bills: Value = app
            .get_as(&holder, "/api/v1/account/bills")
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(bills[0]["status"], "paid", "{}", app.engine);
        assert_eq!(bills[0]["licence"], licence.as_str());
        assert_eq!(bills[0]["paid_at"], "2026-12-07T07:00:00.000Z");
        let licences: Value = app
            .get_as(&holder, "/api/v1/account/licences")
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(licences[0]["number"], licence.as_str(), "{}", app.engine);
    }
}

/// The status of `phone`'s latest bill on the clock's day, as the holder's list computes
/// it (read through the store: a citizen's session does not last the weeks the clock
/// moves on).
async fn bill_status(app: &TestApp, phone: &str, clock: &Clock) -> String {
    let bills = app
        .store()
        .await
        .bills_of(&e164(phone), riyadh_date(clock.now_ms()))
        .await
        .unwrap();
    bills[0].status.code().to_owned()
}

#[tokio::test]
async fn an_unpaid_bill_expires_after_its_last_day_and_the_holder_is_told() {
    let clock = Clock::fixed(at(SUNDAY_8AM));
    for app in spawn_apps_with(options_at(&clock)).await {
        clock.set(at(SUNDAY_8AM));
        // Arrange: payable through 2026-12-20.
        let phone = "0507780021";
        let (reference, number) = billed(&app, phone).await;
        let told = |app: &TestApp| {
            app.outbox_log().iter().any(|m| {
                m["body"]
                    .as_str()
                    .unwrap_or_default()
                    .contains("expired unpaid")
            })
        };

        // Act and assert: unpaid through its last day.
        clock.set(at("2026-12-20T23:59:00+03:00"));
        assert_eq!(
            bill_status(&app, phone, &clock).await,
            "unpaid",
            "{}",
            app.engine
        );
        // Expired the day after; the holder is told at 09:00.
        clock.set(at("2026-12-21T08:59:00+03:00"));
        assert_eq!(
            bill_status(&app, phone, &clock).await,
            "expired",
            "{}",
            app.engine
        );
        tokio::time::sleep(std::time::Duration::from_millis(600)).await;
        assert!(!told(&app), "{}", app.engine);
        clock.set(at("2026-12-21T09:00:01+03:00"));
        let sms = app
            .wait_for_message(&e164(phone), "expired unpaid on 2026-12-20")
            .await;
        assert!(
            sms.contains(&BillNumber::parse(&number).unwrap().grouped())
                && sms.contains(&format!("https://nafitha.test/requests/{reference}")),
            "{sms}"
        );

        // It can no longer be paid, by the holder or by a payment made after its last day.
        let holder = app.sign_in(phone).await;
        let paid = app
            .post_as(
                &holder,
                &format!("/api/v1/account/bills/{number}/pay"),
                &json!({}),
            )
            .await;
        assert_eq!(paid.status(), 409, "{}", app.engine);
        let late = callback(&number, 10_000, "gw-late", "2026-12-21T00:00:01+03:00");
        let refused = send(&app, &late, signed(&late)).await;
        assert_eq!(refused.status(), 409, "{}", app.engine);
        assert_eq!(
            refused.json::<Value>().await.unwrap()["code"],
            "bill_expired"
        );
        assert_eq!(app.count("licences").await, 0, "{}", app.engine);

        // A payment made in time whose callback comes late still settles it.
        let in_time = callback(&number, 10_000, "gw-in-time", "2026-12-20T23:00:00+03:00");
        assert_eq!(send(&app, &in_time, signed(&in_time)).await.status(), 200);
        assert_eq!(app.count("licences").await, 1, "{}", app.engine);
    }
}

#[tokio::test]
async fn the_holder_pays_through_the_log_adapter_by_the_same_signed_path() {
    let clock = Clock::fixed(at(SUNDAY_8AM));
    // The default configuration: the log adapter, its key derived from the server's.
    let options = Options {
        clock: clock.clone(),
        ..Options::default()
    };
    for app in spawn_apps_with(options.clone()).await {
        clock.set(at(SUNDAY_8AM));
        // Arrange
        let phone = "0507780031";
        let (_, number) = billed(&app, phone).await;
        let holder = app.sign_in(phone).await;

        // Act
        let paid = app
            .post_as(
                &holder,
                &format!("/api/v1/account/bills/{number}/pay"),
                &json!({}),
            )
            .await;

        // Assert: paid and the licence issued; the intent is in the adapter's log.
        assert_eq!(paid.status(), 200, "{}", app.engine);
        let receipt: Value = paid.json().await.unwrap();
        assert_eq!(receipt["status"], "paid");
        let licence = receipt["licence"].as_str().unwrap().to_owned();
        app.wait_for_message(&e164(phone), &format!("Licence {}", &licence[..5]))
            .await;
        let intents = std::fs::read_to_string(app.dir.path().join("data/payments.jsonl")).unwrap();
        assert!(intents.contains(&number), "{intents}");
        // The signature is the adapter's: the tests' gateway key is not accepted.
        let forged = callback(&number, 10_000, "gw-x", "2026-12-06T09:00:00+03:00");
        assert_eq!(send(&app, &forged, signed(&forged)).await.status(), 401);
        // Paying again: 409, still one licence.
        let again = app
            .post_as(
                &holder,
                &format!("/api/v1/account/bills/{number}/pay"),
                &json!({}),
            )
            .await;
        assert_eq!(again.status(), 409, "{}", app.engine);
        assert_eq!(app.count("licences").await, 1, "{}", app.engine);
        let verified: Value = app
            .get(&format!("/api/v1/licences/{licence}"))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(verified["status"], "valid", "{}", app.engine);
    }
}

#[tokio::test]
async fn a_renewal_of_a_licence_with_a_fee_is_billed_and_its_payment_extends_the_same_number() {
    let clock = Clock::fixed(at(SUNDAY_8AM));
    for app in spawn_apps_with(options_at(&clock)).await {
        clock.set(at(SUNDAY_8AM));
        // Arrange: a licence paid for, valid through 2027-12-05, renewed a month before.
        let phone = "0507780041";
        let (_, number) = billed(&app, phone).await;
        let first = callback(&number, 10_000, "gw-r1", "2026-12-06T09:00:00+03:00");
        let receipt: Value = send(&app, &first, signed(&first))
            .await
            .json()
            .await
            .unwrap();
        let licence = receipt["licence"].as_str().unwrap().to_owned();
        clock.set(at("2027-11-10T10:00:00+03:00"));
        let holder = app.sign_in(phone).await;
        let uploaded = app
            .client
            .post(app.url("/api/v1/uploads?service=epm-shop-health-licence&field=documents"))
            .header("Content-Type", "image/jpeg")
            .body(jpeg_with_exif())
            .send()
            .await
            .unwrap();
        let document: Value = uploaded.json().await.unwrap();
        let renewed = app
            .client
            .post(app.url(&format!("/api/v1/account/licences/{licence}/renew")))
            .header("Cookie", &holder)
            .header("Idempotency-Key", uuid::Uuid::new_v4().to_string())
            .json(&json!({ "locale": "en", "answers": { "documents": [document["id"]] } }))
            .send()
            .await
            .unwrap();
        assert_eq!(renewed.status(), 201, "{}", app.engine);
        let renewal: Value = renewed.json().await.unwrap();
        let renewal = renewal["reference"].as_str().unwrap().to_owned();
        let staff = app
            .staff("supervisor2.epm", "supervisor", "epm", None)
            .await;
        // Approved: billed, the licence not yet extended.
        let second = approve(&app, &staff, &renewal).await;
        assert!(!second.is_empty() && second != number, "{}", app.engine);
        let expires = format!("select expires_on as v from licences where number = '{licence}'");
        assert_eq!(app.scalar(&expires).await, "2027-12-05", "{}", app.engine);

        // Act
        let paid = callback(&second, 10_000, "gw-r2", "2027-11-10T11:00:00+03:00");
        let receipt: Value = send(&app, &paid, signed(&paid)).await.json().await.unwrap();

        // Assert: the same number, a year on from its last day; the holder is told.
        assert_eq!(receipt["licence"], licence.as_str(), "{}", app.engine);
        assert_eq!(app.scalar(&expires).await, "2028-12-05", "{}", app.engine);
        assert_eq!(app.count("licences").await, 1, "{}", app.engine);
        let grouped = LicenceNumber::parse(&licence).unwrap().grouped();
        app.wait_for_message(&e164(phone), &format!("Licence {grouped} renewed"))
            .await;
    }
}

#[tokio::test]
async fn callbacks_are_rate_limited_per_client_before_their_signature_is_checked() {
    let clock = Clock::fixed(at(SUNDAY_8AM));
    let mut options = options_at(&clock);
    options.limits.payment_callbacks_per_minute = 2;
    for app in spawn_apps_with(options.clone()).await {
        clock.set(at(SUNDAY_8AM));
        let body = callback(BillNumber::from_body(3).as_str(), 100, "gw-1", SUNDAY_8AM);
        assert_eq!(send(&app, &body, None).await.status(), 401);
        assert_eq!(send(&app, &body, signed(&body)).await.status(), 404);
        let refused = send(&app, &body, signed(&body)).await;
        assert_eq!(refused.status(), 429, "{}", app.engine);
        assert!(refused.headers().contains_key("retry-after"));
    }
}
