//! Two real server processes (the binary cargo built for these tests) on one PostgreSQL
//! database and one S3 bucket, behind no shared memory at all, checked through HTTP only:
//! what a citizen or staff member does through one instance holds on the other, as
//! behind a load balancer. Runs when PostgreSQL (`NAFITHA_TEST_POSTGRES_URL`) and the S3
//! stand-in (`NAFITHA_TEST_S3_ENDPOINT`) are both available, as `.ci/run` arranges
//! (`scripts/with-postgres.sh scripts/with-s3.sh make test`); otherwise it says so and
//! passes.

use std::collections::HashMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::{Json, Router};
use nafitha_server::attachments::samples::jpeg_with_exif;
use nafitha_server::attachments::{strip_metadata, FileKind};
use nafitha_server::config::ObjectStoreConfig;
use serde_json::{json, Value};

use crate::helpers::{
    code_in, e164, fresh_bucket, fresh_postgres_database, postgres_server, s3_endpoint,
    session_cookie_of, STAFF_PASSWORD, TEST_SECRET,
};
use crate::process::Instance;

/// How long either instance may reuse public figures (`NAFITHA_STATS_CACHE_MS`).
const STATS_CACHE_MS: u64 = 1000;

/// An SMS gateway both instances send to: every message by its `Idempotency-Key`, with
/// the number of times it was delivered.
#[derive(Clone, Default)]
struct Gateway {
    delivered: Arc<Mutex<HashMap<String, (u32, Value)>>>,
}

impl Gateway {
    async fn start() -> (Gateway, String) {
        let gateway = Gateway::default();
        let state = gateway.clone();
        let app = Router::new().route(
            "/sms",
            post(move |headers: HeaderMap, Json(body): Json<Value>| {
                let state = state.clone();
                async move {
                    let id = headers
                        .get("idempotency-key")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or_default()
                        .to_owned();
                    if id.is_empty() || body["id"] != id.as_str() {
                        return StatusCode::BAD_REQUEST;
                    }
                    state
                        .delivered
                        .lock()
                        .unwrap()
                        .entry(id)
                        .or_insert((0, body))
                        .0 += 1;
                    StatusCode::OK
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/sms", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        (gateway, url)
    }

    fn delivered(&self) -> HashMap<String, (u32, Value)> {
        self.delivered.lock().unwrap().clone()
    }

    /// Waits (up to 10 s) for an SMS to `phone` containing `needle`; returns its body.
    async fn wait_for(&self, phone: &str, needle: &str) -> String {
        let to = e164(phone);
        for _ in 0..200 {
            let found = self.delivered().into_values().find_map(|(_, body)| {
                let text = body["body"].as_str()?;
                (body["to"] == to.as_str() && text.contains(needle)).then(|| text.to_owned())
            });
            if let Some(text) = found {
                return text;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("no SMS to {to} containing {needle:?}");
    }
}

/// The settings both instances share, as an operator would give them to each.
struct Shared {
    database_url: String,
    bucket: String,
    s3_endpoint: String,
    gateway_url: String,
}

impl Shared {
    fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("DATABASE_URL", self.database_url.clone()),
            ("NAFITHA_SECRET", TEST_SECRET.to_owned()),
            ("NAFITHA_OBJECT_STORE", format!("s3://{}", self.bucket)),
            ("NAFITHA_S3_ENDPOINT", self.s3_endpoint.clone()),
            ("NAFITHA_S3_REGION", "us-east-1".to_owned()),
            ("AWS_ACCESS_KEY_ID", "test".to_owned()),
            ("AWS_SECRET_ACCESS_KEY", "test".to_owned()),
            ("NAFITHA_SMS_GATEWAY_URL", self.gateway_url.clone()),
            ("NAFITHA_SMS_GATEWAY_TOKEN", "gateway-token".to_owned()),
            ("NAFITHA_NOTIFY_RETRY_MS", "100".to_owned()),
            ("NAFITHA_PUBLIC_URL", "http://nafitha.test".to_owned()),
            ("NAFITHA_STATS_CACHE_MS", STATS_CACHE_MS.to_string()),
            ("NAFITHA_LOG", "warn".to_owned()),
        ]
    }

    /// Runs the server binary with these settings only (nothing from the test's own
    /// environment) and `data_dir` as its data directory.
    fn command(&self, data_dir: &Path) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_nafitha-server"));
        command
            .env_clear()
            .envs(self.env())
            .env("NAFITHA_DATA_DIR", data_dir)
            .env("NAFITHA_DIST", data_dir.join("dist"));
        command
    }
}

/// What a test needs to reach the instances: a client without a cookie jar (each call
/// carries the cookie it means to).
struct Pair {
    a: Instance,
    b: Instance,
    client: reqwest::Client,
}

impl Pair {
    async fn file(&self, on: &Instance, phone: &str, photos: &[&str]) -> String {
        let mut answers = json!({
            "damage": "pothole", "danger": "no", "details": "A hole",
            "location": { "address": "King Fahd Road, Dammam" }
        });
        if !photos.is_empty() {
            answers["photos"] = json!(photos);
        }
        let response = self
            .client
            .post(on.url("/api/v1/requests"))
            .header("Idempotency-Key", uuid::Uuid::new_v4().to_string())
            .json(&json!({
                "service_code": "epm-road-damage", "locale": "en",
                "applicant": { "name": "Test Applicant", "phone": phone },
                "answers": answers,
            }))
            .send()
            .await
            .unwrap();
        let status = response.status();
        let body: Value = response.json().await.unwrap();
        assert_eq!(status, 201, "filing on {}: {body}", on.name);
        body["reference"].as_str().unwrap().to_owned()
    }

    async fn received_on(&self, on: &Instance) -> u64 {
        let response = self
            .client
            .get(on.url("/api/v1/stats?period=30d"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "figures on {}", on.name);
        let figures: Value = response.json().await.unwrap();
        figures["portal"]["received"]
            .as_u64()
            .expect("the portal's count")
    }
}

#[tokio::test]
async fn two_server_processes_on_one_database_and_one_bucket_act_as_one_portal() {
    let (Some(postgres), Some(s3)) = (postgres_server(), s3_endpoint()) else {
        eprintln!(
            "two instances: skipped, it needs NAFITHA_TEST_POSTGRES_URL and NAFITHA_TEST_S3_ENDPOINT \
             (scripts/with-postgres.sh scripts/with-s3.sh cargo test)"
        );
        return;
    };
    // Arrange: one database, one bucket, one SMS gateway; a staff account made with the
    // command line (which also migrates and seeds); two instances started at once.
    let (gateway, gateway_url) = Gateway::start().await;
    let ObjectStoreConfig::S3(bucket) = fresh_bucket(&s3).await else {
        unreachable!("fresh_bucket makes a bucket")
    };
    let shared = Shared {
        database_url: fresh_postgres_database(&postgres).await,
        bucket: bucket.bucket,
        s3_endpoint: s3,
        gateway_url,
    };
    let root = tempfile::tempdir().unwrap();
    add_supervisor(&shared, root.path());
    let (a, b) = std::thread::scope(|scope| {
        let a = scope
            .spawn(|| Instance::start("a", shared.command(&root.path().join("a")), root.path()));
        let b = scope
            .spawn(|| Instance::start("b", shared.command(&root.path().join("b")), root.path()));
        (a.join().unwrap(), b.join().unwrap())
    });
    let pair = Pair {
        a,
        b,
        client: reqwest::Client::new(),
    };

    a_photo_uploaded_through_a_is_filed_through_b_and_downloaded_by_staff_through_a(&pair).await;
    a_session_made_on_a_works_on_b_until_signed_out_on_b(&pair, &gateway).await;
    every_message_is_delivered_once_with_both_workers_running(&pair, &gateway, &shared).await;
    the_figures_on_b_show_a_filing_on_a_within_the_cache_time(&pair).await;
}

fn add_supervisor(shared: &Shared, root: &Path) {
    use std::io::Write;
    let dir = root.join("cli");
    std::fs::create_dir_all(&dir).unwrap();
    let mut child = shared
        .command(&dir)
        .args([
            "staff",
            "add",
            "--username",
            "supervisor.two",
            "--role",
            "supervisor",
            "--agency",
            "epm",
            "--password-stdin",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "{STAFF_PASSWORD}").unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "staff add: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

async fn a_photo_uploaded_through_a_is_filed_through_b_and_downloaded_by_staff_through_a(
    pair: &Pair,
) {
    let uploaded = pair
        .client
        .post(
            pair.a
                .url("/api/v1/uploads?service=epm-road-damage&field=photos"),
        )
        .header("Content-Type", "image/jpeg")
        .body(jpeg_with_exif())
        .send()
        .await
        .unwrap();
    assert_eq!(uploaded.status(), 201, "{}", pair.a.logs());
    let photo = uploaded.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let reference = pair.file(&pair.b, "0504040401", &[&photo]).await;

    let signed_in = pair
        .client
        .post(pair.a.url("/api/v1/staff/session"))
        .json(&json!({ "username": "supervisor.two", "password": STAFF_PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), 200);
    let staff = session_cookie_of(&signed_in);
    let expected = strip_metadata(FileKind::Jpeg, &jpeg_with_exif()).unwrap();
    for on in [&pair.a, &pair.b] {
        let file = pair
            .client
            .get(on.url(&format!(
                "/api/v1/staff/requests/{reference}/attachments/{photo}"
            )))
            .header("Cookie", &staff)
            .send()
            .await
            .unwrap();
        assert_eq!(file.status(), 200, "download through {}", on.name);
        assert_eq!(file.headers()["content-type"], "image/jpeg");
        assert_eq!(
            file.bytes().await.unwrap().to_vec(),
            expected,
            "the cleaned photo, through {}",
            on.name
        );
    }
    // Neither instance kept the file on its own disk.
    for on in [&pair.a, &pair.b] {
        let local = on.dir.join("uploads");
        let kept = std::fs::read_dir(&local).map(|d| d.count()).unwrap_or(0);
        assert_eq!(kept, 0, "{} keeps no file of its own", on.name);
    }
}

async fn a_session_made_on_a_works_on_b_until_signed_out_on_b(pair: &Pair, gateway: &Gateway) {
    let phone = "0504040402";
    let asked = pair
        .client
        .post(pair.a.url("/api/v1/auth/otp"))
        .header("Accept-Language", "en")
        .json(&json!({ "phone": phone }))
        .send()
        .await
        .unwrap();
    assert_eq!(asked.status(), 202);
    let code = code_in(&gateway.wait_for(phone, "sign-in code").await);
    let verified = pair
        .client
        .post(pair.a.url("/api/v1/auth/verify"))
        .json(&json!({ "phone": phone, "code": code }))
        .send()
        .await
        .unwrap();
    assert_eq!(verified.status(), 200);
    let cookie = session_cookie_of(&verified);
    let me = |on: &Instance| {
        pair.client
            .get(on.url("/api/v1/me"))
            .header("Cookie", &cookie)
            .send()
    };

    let on_b = me(&pair.b).await.unwrap();
    assert_eq!(on_b.status(), 200, "the session made on A works on B");
    assert_eq!(on_b.json::<Value>().await.unwrap()["phone"], e164(phone));

    let signed_out = pair
        .client
        .delete(pair.b.url("/api/v1/auth/session"))
        .header("Cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(signed_out.status(), 204);
    assert_eq!(
        me(&pair.a).await.unwrap().status(),
        401,
        "signing out on B ends the session on A"
    );
}

async fn every_message_is_delivered_once_with_both_workers_running(
    pair: &Pair,
    gateway: &Gateway,
    shared: &Shared,
) {
    // Twelve filings at once, half through each instance: twelve SMS due together while
    // both workers claim.
    let filings = (0..12).map(|i| {
        let on = if i % 2 == 0 { &pair.a } else { &pair.b };
        let phone = format!("05050505{i:02}");
        async move { (phone.clone(), pair.file(on, &phone, &[]).await) }
    });
    let filed = futures_util::future::join_all(filings).await;
    for (phone, reference) in &filed {
        gateway.wait_for(phone, reference).await;
    }
    // Leave time for a second delivery of anything (the workers poll every 250 ms).
    tokio::time::sleep(Duration::from_millis(1_000)).await;

    let delivered = gateway.delivered();
    let repeated: Vec<_> = delivered.iter().filter(|(_, (n, _))| *n != 1).collect();
    assert!(
        repeated.is_empty(),
        "delivered more than once: {repeated:?}"
    );
    let (queued, unsent) = outbox_counts(&shared.database_url).await;
    assert_eq!(unsent, 0, "every message is sent");
    assert_eq!(
        delivered.len() as i64,
        queued,
        "each queued message reached the gateway, once"
    );
}

/// How many messages the outbox holds, and how many are still unsent.
async fn outbox_counts(database_url: &str) -> (i64, i64) {
    use sqlx::{Connection, Row};
    let mut conn = sqlx::PgConnection::connect(database_url).await.unwrap();
    let row = sqlx::query(
        "select count(*) as queued, count(*) filter (where sent_at is null) as unsent from outbox",
    )
    .fetch_one(&mut conn)
    .await
    .unwrap();
    (row.get("queued"), row.get("unsent"))
}

async fn the_figures_on_b_show_a_filing_on_a_within_the_cache_time(pair: &Pair) {
    // B computes the figures, and may now reuse them for up to the cache time.
    let before = pair.received_on(&pair.b).await;

    pair.file(&pair.a, "0504040403", &[]).await;
    let filed_at = Instant::now();
    let mut seen = pair.received_on(&pair.b).await;
    while seen == before && filed_at.elapsed() < Duration::from_secs(10) {
        tokio::time::sleep(Duration::from_millis(50)).await;
        seen = pair.received_on(&pair.b).await;
    }
    let waited = filed_at.elapsed();
    eprintln!("two instances: B showed A's filing after {waited:?}");

    assert_eq!(seen, before + 1, "B counts the filing made on A");
    // The cache time, and what it takes B to compute the figures afresh.
    let allowed = Duration::from_millis(STATS_CACHE_MS + 1_000);
    assert!(
        waited <= allowed,
        "B showed it after {waited:?}, more than {allowed:?}"
    );
}
