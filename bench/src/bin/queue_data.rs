//! Fills a Nafitha database with generated requests for the queue benchmark
//! (`bench/queue.sh`): the schema and seed catalogue come from the server itself, then
//! `--requests` requests are written in batches, spread the way a busy portal's would be.
//!
//!   queue-data <database url> [requests]
//!
//! Deterministic (a fixed seed), so two runs make the same data. Events are not generated:
//! the queue does not read them.

use anyhow::Context;
use nafitha_domain::calendar::{format_rfc3339, Date};
use nafitha_domain::ReferenceNumber;
use nafitha_server::config::DatabaseUrl;
use nafitha_server::store::seed::Catalogue;
use nafitha_server::store::Store;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

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
        let mut query = sqlx::query(&sql);
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
            let age = if open { 30 * DAY_MS } else { 365 * DAY_MS };
            let submitted = now - rng.random_range(0..age);
            let due = Date::from_unix_millis(submitted).add_working_days(rng.random_range(3..15));
            let assignee = (service.1 == "epm" && open && rng.random_bool(0.5))
                .then(|| format!("bench.agent{}", rng.random_range(0..AGENTS)));
            query = query
                .bind(ReferenceNumber::from_body(rng.random()).as_str().to_owned())
                .bind(service.0.clone())
                .bind(service.1.clone())
                .bind(service.2.clone())
                .bind(status)
                .bind(if rng.random_bool(0.8) { "ar" } else { "en" })
                .bind("web")
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
        query.execute(&pool).await?;
        written += rows;
    }
    println!(
        "{written} requests written ({}); the newest filed {}",
        if url.starts_with("postgres") {
            "PostgreSQL"
        } else {
            "SQLite"
        },
        format_rfc3339(now)
    );
    Ok(())
}
