//! Storage: one pool, one set of queries, two engines.
//!
//! SQLite (the embedded default) and PostgreSQL (for scale) are reached through sqlx's
//! `Any` driver, so every query here is written once, with `$1` placeholders, and runs on
//! both. Each engine has its own migration folder. Columns use only the types `Any`
//! carries on both engines: text, bigint, double. Flags are bigint 0/1 with a check
//! constraint (`Any` cannot decode SQLite booleans); times are bigint milliseconds since
//! the Unix epoch (UTC). This module knows SQL; it knows nothing of HTTP.

pub mod account;
pub mod actions;
pub mod appointments;
pub mod backoffice;
pub mod bills;
pub mod catalogue;
pub(crate) mod group;
pub mod intake;
pub mod licences;
pub mod limits;
pub mod open311;
pub mod outbox;
pub mod partners;
pub mod ratings;
pub mod requests;
pub mod seed;
pub mod staff;
pub mod stats;
pub mod uploads;

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::migrate::Migrator;
use sqlx::{AnyConnection, AnyPool, Connection, Executor};
use tokio::sync::{Mutex, MutexGuard};

use crate::config::DatabaseUrl;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

/// Per-connection settings for SQLite: write-ahead log, enforced foreign keys, and
/// `synchronous=full` so a commit that returned survives a power cut.
const SQLITE_PRAGMAS: &str = "pragma journal_mode = wal; pragma synchronous = full; \
     pragma foreign_keys = on; pragma busy_timeout = 5000;";

/// The same for the connection that writes the abuse limits' counts: `synchronous=normal`,
/// so a count commits without waiting for the disk (in WAL mode it is still never torn,
/// and the next durable commit of any connection carries it to disk). A count lost to a
/// power cut only forgives an attempt; a tracking lookup should not wait for a disk flush.
const SQLITE_COUNTER_PRAGMAS: &str = "pragma journal_mode = wal; pragma synchronous = normal; \
     pragma foreign_keys = on; pragma busy_timeout = 5000;";

/// How long to wait for the database to accept a connection.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Which engine a store runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// The database, shared by every request handler.
#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    engine: Engine,
    /// SQLite allows one writer at a time; a writer that finds the database locked sleeps
    /// in SQLite's busy handler (up to 100 ms a try), which ruins tail latency. Writers
    /// queue here instead, in order. PostgreSQL has none: it locks by row.
    write_queue: Option<Arc<Mutex<()>>>,
    /// SQLite only: the task that commits concurrent writes together (`group`).
    group: Option<group::Group>,
    /// Bumped after every committed change to the performance figures, so that answers
    /// computed from them can be kept until the next change (`routes::stats`).
    stats_generation: Arc<std::sync::atomic::AtomicU64>,
    /// SQLite only: one connection for the counts of the abuse limits, which need not be
    /// flushed to disk at each commit (`SQLITE_COUNTER_PRAGMAS`). PostgreSQL keeps them
    /// in unlogged tables instead.
    counter_pool: Option<AnyPool>,
    /// The abuse limits the store counts SMS against (none for a store opened only to
    /// run a job, or by the command line).
    limits: Option<Arc<crate::limits::Limits>>,
}

impl Store {
    /// Connects to the database and brings its schema up to date.
    pub async fn connect(database: &DatabaseUrl, max_connections: u32) -> anyhow::Result<Store> {
        sqlx::any::install_default_drivers();
        let engine = match database {
            DatabaseUrl::Sqlite(_) => Engine::Sqlite,
            DatabaseUrl::Postgres(_) => Engine::Postgres,
        };
        // One plain connection first: when the database is unreachable this reports why
        // (refused, unknown host, bad password) instead of the pool's bare timeout.
        let probe =
            tokio::time::timeout(CONNECT_TIMEOUT, AnyConnection::connect(database.as_str()))
                .await
                .map_err(|_| anyhow::anyhow!("no answer within {} s", CONNECT_TIMEOUT.as_secs()))
                .and_then(|result| result.map_err(anyhow::Error::from))
                .with_context(|| format!("cannot open the database at {}", database.redacted()))?;
        probe.close().await.ok();
        let pool = AnyPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(CONNECT_TIMEOUT)
            // A connection to a file does not go stale: on SQLite, checking it before each
            // use was a wasted round trip to its thread (one per group commit, too).
            .test_before_acquire(engine == Engine::Postgres)
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if engine == Engine::Sqlite {
                        conn.execute(SQLITE_PRAGMAS).await?;
                    }
                    Ok(())
                })
            })
            .connect(database.as_str())
            .await
            .with_context(|| format!("cannot open the database at {}", database.redacted()))?;
        let migrator = match engine {
            Engine::Sqlite => &SQLITE_MIGRATIONS,
            Engine::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator
            .run(&pool)
            .await
            .context("cannot migrate the database")?;
        let write_queue = (engine == Engine::Sqlite).then(|| Arc::new(Mutex::new(())));
        let group = write_queue
            .as_ref()
            .map(|turn| group::Group::start(pool.clone(), turn.clone()));
        let counter_pool = match engine {
            Engine::Sqlite => Some(
                AnyPoolOptions::new()
                    .max_connections(1)
                    .acquire_timeout(CONNECT_TIMEOUT)
                    .after_connect(|conn, _meta| {
                        Box::pin(async move {
                            conn.execute(SQLITE_COUNTER_PRAGMAS).await?;
                            Ok(())
                        })
                    })
                    .connect(database.as_str())
                    .await
                    .with_context(|| {
                        format!("cannot open the database at {}", database.redacted())
                    })?,
            ),
            Engine::Postgres => None,
        };
        let store = Store {
            pool,
            counter_pool,
            engine,
            write_queue,
            group,
            stats_generation: Arc::default(),
            limits: None,
        };
        if store
            .rebuild_stats_if_missing()
            .await
            .context("cannot rebuild the performance figures")?
        {
            tracing::info!("performance figures rebuilt from the stored requests");
        }
        Ok(store)
    }

    /// How many changes to the performance figures this process has committed: read it
    /// before computing figures; a different value later means they may have changed.
    pub fn stats_generation(&self) -> u64 {
        self.stats_generation
            .load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Records that a change to the figures was committed (call after the commit).
    pub(crate) fn stats_changed(&self) {
        self.stats_generation
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }

    /// This store, counting the SMS it queues against `limits`.
    pub fn with_limits(mut self, limits: Arc<crate::limits::Limits>) -> Store {
        self.limits = Some(limits);
        self
    }

    /// The limits SMS are counted against, if any.
    pub(crate) fn limits(&self) -> Option<&crate::limits::Limits> {
        self.limits.as_deref()
    }

    /// The engine this store runs on.
    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// Waits for this process's turn to write (SQLite only); hold the guard for the
    /// whole write transaction.
    pub(crate) async fn write_turn(&self) -> Option<MutexGuard<'_, ()>> {
        match &self.write_queue {
            Some(queue) => Some(queue.lock().await),
            None => None,
        }
    }

    /// Begins a write transaction. On SQLite it takes the write lock at once (`BEGIN
    /// IMMEDIATE`): a transaction that reads first and writes later could otherwise find,
    /// at its first write, that another process (a second instance, an operator command)
    /// wrote meanwhile, and fail with "database is locked" instead of waiting its turn.
    pub(crate) async fn begin_write(
        &self,
    ) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
        match self.engine {
            Engine::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            _ => self.pool.begin().await,
        }
    }

    /// Runs `work` in a write transaction and answers once its writes are committed (or
    /// undone, as the work decided). On SQLite the work joins the next group commit
    /// (`group`); on PostgreSQL it has a transaction of its own.
    pub(crate) async fn write_grouped<T: Send + 'static>(
        &self,
        work: group::Work<T>,
    ) -> Result<T, sqlx::Error> {
        if let Some(group) = &self.group {
            return group.write(work).await;
        }
        let (tx, result) = work(self.begin_write().await?).await;
        match result? {
            group::Step::Keep(value, later) => {
                let mut tx = tx;
                later.write(&mut tx).await?;
                tx.commit().await?;
                Ok(value)
            }
            group::Step::Undo(value) => {
                tx.rollback().await?;
                Ok(value)
            }
        }
    }

    /// Begins a write transaction on the connection for the limits' counts (see
    /// `counter_pool`); on PostgreSQL, a plain write transaction.
    pub(crate) async fn begin_count(
        &self,
    ) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
        match &self.counter_pool {
            Some(pool) => pool.begin_with("BEGIN IMMEDIATE").await,
            None => self.begin_write().await,
        }
    }

    /// The pool, for the query modules of this crate.
    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Answers when the database does: the readiness check.
    pub async fn ping(&self) -> anyhow::Result<()> {
        let _: AnyRow = sqlx::query("select 1").fetch_one(&self.pool).await?;
        Ok(())
    }

    /// Closes every connection (graceful shutdown).
    pub async fn close(&self) {
        if let Some(counters) = &self.counter_pool {
            counters.close().await;
        }
        self.pool.close().await;
    }
}

/// The placeholders of a multi-row `values` list: `rows` rows of `width` values each,
/// numbered from `$first` (`($1, $2), ($3, $4)` for 2 × 2 from 1). One statement for many
/// rows is one round trip to the database instead of one a row.
pub(crate) fn value_rows(rows: usize, width: usize, first: usize) -> String {
    (0..rows)
        .map(|row| {
            let values: Vec<String> = (0..width)
                .map(|i| format!("${}", first + row * width + i))
                .collect();
            format!("({})", values.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Reads a non-negative bigint column into a narrower unsigned type, failing loudly
/// rather than wrapping when the stored value does not fit.
pub(crate) fn narrow<T: TryFrom<i64>>(value: i64, column: &str) -> Result<T, sqlx::Error> {
    T::try_from(value)
        .map_err(|_| sqlx::Error::Decode(format!("{column} out of range: {value}").into()))
}

#[cfg(test)]
mod tests {
    use super::value_rows;

    #[test]
    fn value_rows_number_every_placeholder_once_in_order() {
        assert_eq!(value_rows(2, 2, 1), "($1, $2), ($3, $4)");
        assert_eq!(value_rows(1, 3, 2), "($2, $3, $4)");
        assert_eq!(value_rows(0, 3, 1), "");
    }
}
