//! Fills a Nafitha database with generated requests for the queue and statistics
//! benchmarks (`bench/queue.sh`, `bench/stats.sh`): the schema and seed catalogue come from
//! the server itself, then `requests` requests are written in batches, spread the way a
//! busy portal's would be, with the decision event of each decided request and `ratings`
//! ratings of decided requests. The performance figures are then rebuilt from this data by
//! the server at its next start (as for any database without them).
//!
//!   queue-data <database url> [requests] [ratings] [years]
//!
//! Deterministic (a fixed seed), so two runs make the same data. Finished requests were
//! filed over the past `years` (default 1), open ones in the past month.

use anyhow::Context;
use nafitha_domain::calendar::{format_rfc3339, Date};
use nafitha_domain::ReferenceNumber;
use nafitha_server::config::DatabaseUrl;
use nafitha_server::store::seed::Catalogue;
use nafitha_server::store::Store;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sqlx::Row;

const BATCH: usize = 500;
const DAY_MS: i64 = 86_400_000;
/// Agents of the busiest agency that requests are assigned to.
const AGENTS: usize = 10;

fn pick_status(rng: &mut StdRng) -> &'static str {
    // Seven in ten finished, the rest at some open stage.
    match rng.random_range(0..100) {
        0..45 => "resolved",
        45..60 => "closed",
        60..65 => "rejected",
        65..70 => "withdrawn",
        70..80 => "submitted",
        80..90 => "in_review",
        90..95 => "awaiting_applicant",
        95..98 => "referred",
        _ => "reopened",
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let url = args
        .next()
        .context("usage: queue-data <database url> [requests]")?;
    let total: usize = args
        .next()
        .map(|n| n.parse())
        .transpose()?
        .unwrap_or(100_000);
    let ratings_wanted: usize = args.next().map(|n| n.parse()).transpose()?.unwrap_or(0);
    let years: i64 = args.next().map(|n| n.parse()).transpose()?.unwrap_or(1);
    let database = if url.starts_with("postgres") {
        DatabaseUrl::Postgres(url.clone())
    } else {
        DatabaseUrl::Sqlite(url.clone())
    };
    let store = Store::connect(&database, 4).await?;
    let catalogue = Catalogue::embedded()?;
    store.seed_catalogue(&catalogue).await?;
    let services: Vec<(String, String, String)> = catalogue
        .services
        .iter()
        .map(|s| (s.code.clone(), s.agency.clone(), s.department.clone()))
        .collect();
    let busiest: Vec<usize> = (0..services.len())
        .filter(|i| services[*i].1 == "epm")
        .collect();

    sqlx::any::install_default_drivers();
    let pool = sqlx::any::AnyPoolOptions::new()
        .max_connections(1)
        .connect(&url)
        .await?;
    for n in 0..AGENTS {
        sqlx::query(
            "insert into staff (username, password_hash, role, agency_code, created_at) \
             values ($1, 'not-a-hash', 'agent', 'epm', 0) on conflict (username) do nothing",
        )
        .bind(format!("bench.agent{n}"))
        .execute(&pool)
        .await?;
    }

    let mut rng = StdRng::seed_from_u64(2026);
    let now = 1_795_000_000_000_i64; // late November 2026
    let columns = 17;
    let mut written = 0;
    let (mut events, mut ratings) = (0usize, 0usize);
    // Decided requests, rated with this chance, so that about `ratings_wanted` are rated.
    let rate_chance = (ratings_wanted as f64 / (total as f64 * 0.65)).min(1.0);
    while written < total {
        let rows = BATCH.min(total - written);
        let mut sql = String::from(
            "insert into requests (reference, service_code, agency_code, department_code, status, locale, \
             channel, applicant_name, applicant_phone, answers, submitted_at, due_on, updated_at, assignee, \
             applicant_email, location, applicant_national_id) values ",
        );
        for r in 0..rows {
            if r > 0 {
                sql.push(',');
            }
            let base = r * columns;
            let placeholders: Vec<String> =
                (1..=columns).map(|c| format!("${}", base + c)).collect();
            sql.push('(');
            sql.push_str(&placeholders.join(","));
            sql.push(')');
        }
        // A generated reference may repeat one already written: that request is skipped.
        sql.push_str(" on conflict (reference) do nothing returning id, reference");
        let mut query = sqlx::query(&sql);
        // Each decided request: (reference, decision kind, decided at, department).
        let mut decided = Vec::new();
        for _ in 0..rows {
            // Six in ten requests go to the municipality (the busiest agency).
            let service = if rng.random_range(0..10) < 6 {
                &services[busiest[rng.random_range(0..busiest.len())]]
            } else {
                &services[rng.random_range(0..services.len())]
            };
            let status = pick_status(&mut rng);
            let open = !matches!(status, "resolved" | "closed" | "rejected" | "withdrawn");
            // Finished requests were filed over the past year; open ones in the past month.
            let age = if open {
                30 * DAY_MS
            } else {
                years * 365 * DAY_MS
            };
            let submitted = now - rng.random_range(0..age);
            let due = Date::from_unix_millis(submitted).add_working_days(rng.random_range(3..15));
            let reference = ReferenceNumber::from_body(rng.random()).as_str().to_owned();
            let kind = match status {
                "resolved" => Some("resolve"),
                "rejected" => Some("reject"),
                "closed" => Some(if rng.random_bool(0.8) {
                    "resolve"
                } else {
                    "reject"
                }),
                _ => None,
            };
            if let Some(kind) = kind {
                // Decided within 0..25 days, never after now.
                let at = (submitted + rng.random_range(0..25 * DAY_MS)).min(now);
                decided.push((reference.clone(), kind, at, service.2.clone()));
            }
            let channel = match rng.random_range(0..100) {
                0..85 => "web",
                85..92 => "api",
                92..97 => "phone",
                _ => "counter",
            };
            let assignee = (service.1 == "epm" && open && rng.random_bool(0.5))
                .then(|| format!("bench.agent{}", rng.random_range(0..AGENTS)));
            query = query
                .bind(reference)
                .bind(service.0.clone())
                .bind(service.1.clone())
                .bind(service.2.clone())
                .bind(status)
                .bind(if rng.random_bool(0.8) { "ar" } else { "en" })
                .bind(channel)
                .bind("مستفيد تجريبي")
                .bind(format!("+9665{:08}", rng.random_range(0..100_000_000)))
                .bind(r#"{"details":"generated"}"#)
                .bind(submitted)
                .bind(due.to_string())
                .bind(submitted)
                .bind(assignee)
                .bind(None::<String>)
                .bind(None::<String>)
                .bind(None::<String>);
        }
        let ids: std::collections::HashMap<String, i64> = query
            .fetch_all(&pool)
            .await?
            .iter()
            .map(|r| Ok((r.try_get("reference")?, r.try_get("id")?)))
            .collect::<Result<_, sqlx::Error>>()?;
        decided.retain(|d| ids.contains_key(&d.0));
        if !decided.is_empty() {
            let mut sql = String::from(
                "insert into request_events (request_id, kind, status, department_code, public, actor, \
                 message, created_at) values ",
            );
            for i in 0..decided.len() {
                let b = i * 5;
                if i > 0 {
                    sql.push(',');
                }
                sql.push_str(&format!(
                    "(${}, ${}, ${}, ${}, 1, 'bench', null, ${})",
                    b + 1,
                    b + 2,
                    b + 3,
                    b + 4,
                    b + 5
                ));
            }
            let mut q = sqlx::query(&sql);
            for (reference, kind, at, department) in &decided {
                q = q
                    .bind(ids[reference])
                    .bind(*kind)
                    .bind(if *kind == "resolve" {
                        "resolved"
                    } else {
                        "rejected"
                    })
                    .bind(department.clone())
                    .bind(*at);
            }
            q.execute(&pool).await?;
            events += decided.len();
        }
        let rated: Vec<_> = decided
            .iter()
            .filter(|_| ratings < ratings_wanted && rng.random_bool(rate_chance))
            .collect();
        if !rated.is_empty() {
            let mut sql = String::from(
                "insert into ratings (request_id, service_code, agency_code, department_code, score, \
                 resolved, comment, created_at, updated_at) \
                 select id, service_code, agency_code, department_code, $1, $2, $3, $4, $4 \
                 from requests where id = $5",
            );
            // One statement per rating would be slow; a union of selects keeps it one.
            for i in 1..rated.len() {
                let b = i * 5;
                sql.push_str(&format!(
                    " union all select id, service_code, agency_code, department_code, ${}, ${}, ${}, ${}, ${} \
                     from requests where id = ${}",
                    b + 1,
                    b + 2,
                    b + 3,
                    b + 4,
                    b + 4,
                    b + 5
                ));
            }
            let mut q = sqlx::query(&sql);
            for (reference, kind, at, _) in &rated {
                // Scores lean to satisfied; a resolved request more so.
                let score: i64 = match (rng.random_range(0..100), *kind) {
                    (0..40, "resolve") => 5,
                    (0..25, _) => 5,
                    (40..75, "resolve") | (25..50, _) => 4,
                    (75..85, "resolve") | (50..65, _) => 3,
                    (85..93, "resolve") | (65..80, _) => 2,
                    _ => 1,
                };
                let resolved = match rng.random_range(0..3) {
                    0 => "yes",
                    1 => "partly",
                    _ => "no",
                };
                let comment = rng
                    .random_bool(0.2)
                    .then(|| "تعليق تجريبي على الخدمة".to_owned());
                q = q
                    .bind(score)
                    .bind(resolved)
                    .bind(comment)
                    .bind((*at + rng.random_range(0..3 * DAY_MS)).min(now))
                    .bind(ids[reference]);
            }
            q.execute(&pool).await?;
            ratings += rated.len();
        }
        written += ids.len();
    }
    println!(
        "{written} requests, {events} decisions and {ratings} ratings written ({}); the newest filed {}",
        if url.starts_with("postgres") {
            "PostgreSQL"
        } else {
            "SQLite"
        },
        format_rfc3339(now)
    );
    Ok(())
}
