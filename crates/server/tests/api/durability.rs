//! Filings on the embedded default survive a killed server: each is acknowledged only once
//! the group commit holding it has returned (`store::group`), so a server killed with
//! SIGKILL in the middle of a burst keeps every filing it acknowledged, and sending the
//! rest again with their keys stores each exactly once.

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;
use std::sync::{Arc, Mutex};

use serde_json::{json, Value};
use sqlx::{Connection, Row};

use crate::helpers::TEST_SECRET;
use crate::process::Instance;

/// Filings in the burst, and how many are sent at a time (as `bench/filing.sh` does).
const BURST: usize = 400;
const AT_ONCE: usize = 16;

/// The server is killed once this many filings were acknowledged, with more in flight.
const KILL_AFTER: usize = 120;

/// The server binary on SQLite in `data`, the limits off (one client files hundreds).
fn server(data: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_nafitha-server"));
    command
        .env_clear()
        .env("NAFITHA_DATA_DIR", data)
        .env("NAFITHA_DIST", data.join("dist"))
        .env("NAFITHA_SECRET", TEST_SECRET)
        .env("NAFITHA_FILINGS_PER_CLIENT_HOUR", "0")
        .env("NAFITHA_FILINGS_PER_PHONE_HOUR", "0")
        .env("NAFITHA_SMS_PER_PHONE_DAY", "0")
        .env("NAFITHA_TRACK_PER_MINUTE", "0")
        .env("NAFITHA_LOG", "warn");
    command
}

/// The `n`th filing of the burst: its own key and applicant.
fn filing(n: usize) -> (String, Value) {
    let body = json!({
        "service_code": "epm-road-damage", "locale": "ar",
        "applicant": { "name": "مستفيد تجريبي", "phone": format!("050{:07}", n) },
        "answers": {
            "damage": "pothole", "danger": "no", "details": format!("حفرة رقم {n}"),
            "location": { "address": "الدمام" }
        },
    });
    (format!("burst-filing-{n}"), body)
}

/// Sends filing `n`: `Some((status, reference))` when the server answered, `None` when the
/// connection failed (the server was killed).
async fn send(client: &reqwest::Client, base: &str, n: usize) -> Option<(u16, String)> {
    let (key, body) = filing(n);
    let response = client
        .post(format!("{base}/api/v1/requests"))
        .header("Idempotency-Key", key)
        .json(&body)
        .send()
        .await
        .ok()?;
    let status = response.status().as_u16();
    let answer: Value = response.json().await.ok()?;
    let reference = answer["reference"].as_str().unwrap_or_default().to_owned();
    Some((status, reference))
}

#[tokio::test]
async fn a_server_killed_mid_burst_keeps_every_filing_it_acknowledged() {
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("data");
    let first = Instance::start("first", server(&data), root.path());
    let client = reqwest::Client::new();

    // Act: a burst of filings, AT_ONCE at a time, and SIGKILL once KILL_AFTER of them
    // were acknowledged (201), the others still on their way.
    let acknowledged: Arc<Mutex<HashMap<usize, String>>> = Arc::default();
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let first = Arc::new(Mutex::new(first));
    let base = first.lock().unwrap().base.clone();
    let mut senders = Vec::new();
    for _ in 0..AT_ONCE {
        let (client, base) = (client.clone(), base.clone());
        let (acknowledged, next, first) = (acknowledged.clone(), next.clone(), first.clone());
        senders.push(tokio::spawn(async move {
            loop {
                let n = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                if n >= BURST {
                    return;
                }
                let Some((status, reference)) = send(&client, &base, n).await else {
                    return;
                };
                assert_eq!(status, 201, "filing {n} before the kill");
                let count = {
                    let mut acknowledged = acknowledged.lock().unwrap();
                    acknowledged.insert(n, reference);
                    acknowledged.len()
                };
                if count == KILL_AFTER {
                    // Child::kill sends SIGKILL: no shutdown, no flush, nothing runs.
                    first.lock().unwrap().child.kill().unwrap();
                }
            }
        }));
    }
    for sender in senders {
        sender.await.unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    let attempted = next.load(std::sync::atomic::Ordering::SeqCst).min(BURST);
    assert!(
        acknowledged.len() >= KILL_AFTER && attempted < BURST,
        "the kill came mid-burst: {} acknowledged, {attempted} of {BURST} sent",
        acknowledged.len()
    );
    eprintln!(
        "durability: killed with {} filings acknowledged, {attempted} of {BURST} sent",
        acknowledged.len()
    );
    drop(first);

    // Assert: started again on the same files, the server tracks every acknowledged
    // filing under the reference it gave.
    let second = Instance::start("second", server(&data), root.path());
    for (n, reference) in &acknowledged {
        let response = client
            .get(second.url(&format!("/api/v1/track/{reference}")))
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            200,
            "acknowledged filing {n} ({reference}) was lost: {}",
            second.logs()
        );
    }
    // Sending the whole burst again with the same keys files the rest, and each once:
    // an acknowledged filing is replayed with its reference.
    let mut references = HashMap::new();
    for n in 0..BURST {
        let (status, reference) = send(&client, &second.base, n).await.expect("an answer");
        match acknowledged.get(&n) {
            Some(first) => {
                assert_eq!((status, &reference), (200, first), "filing {n} replayed");
            }
            None => assert!(status == 200 || status == 201, "filing {n}: {status}"),
        }
        references.insert(n, reference);
    }
    drop(second);
    let distinct: std::collections::HashSet<_> = references.values().collect();
    assert_eq!(distinct.len(), BURST, "one reference per filing");
    let url = format!("sqlite://{}", data.join("nafitha.db").display());
    let mut db = sqlx::SqliteConnection::connect(&url).await.unwrap();
    let stored: i64 = sqlx::query("select count(*) as n from requests")
        .fetch_one(&mut db)
        .await
        .unwrap()
        .get("n");
    assert_eq!(stored, BURST as i64, "each filing stored exactly once");
    let messages: i64 =
        sqlx::query("select count(*) as n from outbox where request_id is not null")
            .fetch_one(&mut db)
            .await
            .unwrap()
            .get("n");
    assert_eq!(
        messages, BURST as i64,
        "each filing's SMS queued exactly once"
    );
}
