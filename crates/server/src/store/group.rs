//! Group commit on SQLite: writes that wait together share one durable commit.
//!
//! With `synchronous = full` every SQLite commit waits for the disk to flush the
//! write-ahead log, and one transaction writes at a time, so concurrent filings queued
//! behind each other's flushes. Here a writer hands its work to one task, which runs the
//! work waiting at that moment in one transaction, each piece in its own savepoint (one
//! that undoes itself or fails leaves the others whole), commits once, and only then
//! answers each writer. Nothing is acknowledged before the commit that holds it returned.
//!
//! The task, not the writer's request, runs the work: a client that hangs up cannot leave
//! a piece half-written in a shared transaction. PostgreSQL needs none of this (its
//! transactions write side by side and share their flushes); there each piece of work
//! runs in its own transaction (`Store::write_grouped`).

use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use futures_util::future::BoxFuture;
use futures_util::FutureExt;
use sqlx::{Any, AnyPool, Transaction};
use tokio::sync::{mpsc, oneshot, Mutex};

use super::outbox::{insert_outgoing, Outgoing};
use super::requests::OutboxMessage;
use super::stats::Changes;

/// A write transaction, owned: a piece of work takes it and hands it back.
pub(crate) type Tx = Transaction<'static, Any>;

/// What a piece of work decided about its writes.
pub(crate) enum Step<T> {
    /// Keep them, and make the writes it left for the end: they commit with the group.
    Keep(T, Later),
    /// Undo them (a refusal found half-way, a replay): the answer needs none of them.
    Undo(T),
}

/// Writes a piece of work leaves for the end of its transaction, where a group makes them
/// once for all of its pieces: the figures' counts (a day's filings of one service add to
/// the same four rows) and the messages to send (one insert). Each is a round trip to
/// SQLite's thread saved per piece of work, in the part of the commit that is one at a
/// time.
#[derive(Debug, Default)]
pub(crate) struct Later {
    stats: Option<Changes>,
    outbox: Vec<(OutboxMessage, Option<i64>, i64)>,
}

impl Later {
    /// The figures' counts to add.
    pub(crate) fn stats(mut self, changes: Changes) -> Later {
        match &mut self.stats {
            Some(stats) => stats.merge(changes),
            None => self.stats = Some(changes),
        }
        self
    }

    /// Messages to queue about request `request_id`, created and due at `now_ms` (their
    /// SMS already counted against the daily cap: `Store::charge_messages`).
    pub(crate) fn messages(
        mut self,
        messages: Vec<OutboxMessage>,
        request_id: Option<i64>,
        now_ms: i64,
    ) -> Later {
        self.outbox
            .extend(messages.into_iter().map(|m| (m, request_id, now_ms)));
        self
    }

    fn merge(self, other: Later) -> Later {
        let mut merged = match other.stats {
            Some(stats) => self.stats(stats),
            None => self,
        };
        merged.outbox.extend(other.outbox);
        merged
    }

    /// Makes the writes, in `tx`.
    pub(crate) async fn write(self, tx: &mut Tx) -> Result<(), sqlx::Error> {
        if let Some(stats) = self.stats {
            stats.apply(tx).await?;
        }
        let rows: Vec<Outgoing<'_>> = self
            .outbox
            .iter()
            .map(|(message, request_id, now_ms)| Outgoing {
                message,
                request_id: *request_id,
                now_ms: *now_ms,
            })
            .collect();
        insert_outgoing(tx, &rows).await
    }
}

/// One piece of work: it writes in the transaction it is given and hands it back.
pub(crate) type Work<T> =
    Box<dyn FnOnce(Tx) -> BoxFuture<'static, (Tx, Result<Step<T>, sqlx::Error>)> + Send>;

/// The most pieces of work one commit carries: a bound on how long the last of them
/// waits for the first.
const GROUP_LIMIT: usize = 64;

/// How many pieces of work may wait for the task before writers wait to hand theirs in.
const QUEUE: usize = 1024;

/// Tells a writer how its work ended, once the commit has (or has not) happened.
type Answer = Box<dyn FnOnce(Result<(), &sqlx::Error>) + Send>;

/// A piece of work that ran: the transaction back, whether to keep its writes, and how
/// to answer its writer.
struct Ran {
    tx: Tx,
    /// The writes it left for the end, when its own are kept; `None` undoes them.
    keep: Option<Later>,
    answer: Answer,
}

/// A piece of work with its answer, its result type erased.
type Job = Box<dyn FnOnce(Tx) -> BoxFuture<'static, Ran> + Send>;

/// The handle writers give their work to (cheap to clone).
#[derive(Clone, Debug)]
pub(crate) struct Group {
    jobs: mpsc::Sender<Job>,
}

impl Group {
    /// Starts the task that commits for `pool`; it takes `turn` (the process's SQLite
    /// write queue) for each commit, so other writers keep their place in line.
    pub(crate) fn start(pool: AnyPool, turn: Arc<Mutex<()>>) -> Group {
        let (jobs, queue) = mpsc::channel(QUEUE);
        tokio::spawn(run(pool, turn, queue));
        Group { jobs }
    }

    /// Runs `work` in the next group's transaction and answers once that committed.
    pub(crate) async fn write<T: Send + 'static>(&self, work: Work<T>) -> Result<T, sqlx::Error> {
        let (send, answer) = oneshot::channel();
        let job: Job = Box::new(move |tx| {
            async move {
                let (tx, result) = work(tx).await;
                let (keep, value) = match result {
                    Ok(Step::Keep(value, later)) => (Some(later), Ok(value)),
                    Ok(Step::Undo(value)) => (None, Ok(value)),
                    Err(error) => (None, Err(error)),
                };
                let answer: Answer = Box::new(move |committed| {
                    // The writer may have gone (its client hung up): nobody to tell.
                    let _ = send.send(match (value, committed) {
                        (Err(error), _) => Err(error),
                        (Ok(value), Ok(())) => Ok(value),
                        (Ok(_), Err(error)) => Err(not_committed(error)),
                    });
                });
                Ran { tx, keep, answer }
            }
            .boxed()
        });
        self.jobs
            .send(job)
            .await
            .map_err(|_| sqlx::Error::PoolClosed)?;
        // No answer means the group's task dropped the work without running it to the
        // end (its transaction failed to open, or the work panicked): nothing committed.
        answer
            .await
            .map_err(|_| sqlx::Error::Protocol("the write was not committed".into()))?
    }
}

/// The error each writer of a group whose commit failed gets.
fn not_committed(error: &sqlx::Error) -> sqlx::Error {
    sqlx::Error::Protocol(format!("the group's commit failed: {error}"))
}

/// The group commit task: one group at a time, as long as writers exist.
async fn run(pool: AnyPool, turn: Arc<Mutex<()>>, mut queue: mpsc::Receiver<Job>) {
    while let Some(first) = queue.recv().await {
        let _turn = turn.lock().await;
        let mut answers = Vec::new();
        let committed = commit_group(&pool, first, &mut queue, &mut answers).await;
        if let Err(error) = &committed {
            tracing::error!(%error, writes = answers.len(), "a group of writes did not commit");
        }
        for answer in answers {
            answer(committed.as_ref().map(|_| ()));
        }
    }
}

/// Opens a transaction, runs `first` and whatever work is waiting (up to
/// [`GROUP_LIMIT`]), each in a savepoint, and commits. Each piece's answer goes to
/// `answers` as soon as it ran, so a failure later still reaches it.
async fn commit_group(
    pool: &AnyPool,
    first: Job,
    queue: &mut mpsc::Receiver<Job>,
    answers: &mut Vec<Answer>,
) -> Result<(), sqlx::Error> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let mut later = Later::default();
    let mut next = Some(first);
    while let Some(job) = next.take() {
        sqlx::query("savepoint grouped").execute(&mut *tx).await?;
        let ran = AssertUnwindSafe(job(tx))
            .catch_unwind()
            .await
            .map_err(|_| {
                // The transaction was dropped (rolled back) with the work that panicked.
                sqlx::Error::Protocol("a grouped write panicked".into())
            })?;
        tx = ran.tx;
        answers.push(ran.answer);
        match ran.keep {
            Some(left) => later = later.merge(left),
            None => {
                sqlx::query("rollback to grouped").execute(&mut *tx).await?;
            }
        }
        // No `release`: the savepoints stack up (at most GROUP_LIMIT), the next `rollback
        // to` finds the newest of the name, and the commit keeps them all. A statement
        // saved per piece of work is a round trip to SQLite's thread saved.
        if answers.len() < GROUP_LIMIT {
            next = queue.try_recv().ok();
        }
    }
    later.write(&mut tx).await?;
    tx.commit().await
}
