//! The notification outbox: messages written in the same transaction as the change they
//! announce, claimed and delivered by the notifier. A claim is a lease: an atomic update
//! that only one worker (of any number of instances) can win, so a message is delivered by
//! one worker at a time, and a worker that dies lets the lease lapse for another. Claims
//! and results are written a batch per transaction: one durable commit, not one a message.

use sqlx::{Any, Row, Transaction};

use super::limits::{self, Refused};
use super::Store;
use crate::limits::Limit;

/// What a sent secret's body becomes.
pub const REDACTED: &str = "[redacted]";

/// A message claimed for delivery.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingMessage {
    pub id: i64,
    pub channel: String,
    pub recipient: String,
    pub subject: Option<String>,
    pub body: String,
    /// Delivery attempts so far, this one included.
    pub attempts: i64,
}

/// What became of one delivery attempt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Delivery {
    Sent {
        id: i64,
        at_ms: i64,
    },
    Failed {
        id: i64,
        retry_at_ms: i64,
        error: String,
    },
    /// Not attempted (the lease was running out): given back as it was.
    Released {
        id: i64,
    },
}

/// Whether queuing messages may be refused when a number has had its day's SMS.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SmsCap {
    /// What an anonymous caller triggers (a filing, a sign-in code): refused over the cap.
    Enforce,
    /// What the agency sends about a request: counted, always sent.
    CountOnly,
}

impl Store {
    /// Queues `messages` (about request `request_id`, if any) in the transaction of the
    /// change they announce, counting each SMS against its number's daily cap. `Some`
    /// when `cap` is [`SmsCap::Enforce`] and a number is over it: the caller must roll
    /// the transaction back.
    pub(crate) async fn queue_messages(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        messages: &[super::requests::OutboxMessage],
        request_id: Option<i64>,
        now_ms: i64,
        cap: SmsCap,
    ) -> Result<Option<Refused>, sqlx::Error> {
        if let Some(refused) = self.charge_messages(tx, messages, now_ms, cap).await? {
            return Ok(Some(refused));
        }
        let rows: Vec<Outgoing<'_>> = messages
            .iter()
            .map(|message| Outgoing {
                message,
                request_id,
                now_ms,
            })
            .collect();
        insert_outgoing(tx, &rows).await?;
        Ok(None)
    }

    /// Counts each SMS of `messages` against its number's daily cap (see
    /// [`Store::queue_messages`]), without queueing them.
    pub(crate) async fn charge_messages(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        messages: &[super::requests::OutboxMessage],
        now_ms: i64,
        cap: SmsCap,
    ) -> Result<Option<Refused>, sqlx::Error> {
        for message in messages.iter().filter(|m| m.channel == "sms") {
            let charge = self
                .limits()
                .and_then(|l| l.charge(Limit::SmsPerPhone, &message.recipient, 1));
            if let Some(charge) = charge {
                match cap {
                    SmsCap::Enforce => {
                        if let Some(refused) = limits::charge(tx, &charge, now_ms).await? {
                            return Ok(Some(refused));
                        }
                    }
                    SmsCap::CountOnly => limits::add(tx, &charge, now_ms).await?,
                }
            }
        }
        Ok(None)
    }
}

/// A message to queue: what, about which request, and when (created and first due).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Outgoing<'a> {
    pub message: &'a super::requests::OutboxMessage,
    pub request_id: Option<i64>,
    pub now_ms: i64,
}

/// How many messages one statement queues at most (eight values each).
const OUTGOING_PER_STATEMENT: usize = 500;

/// Queues `rows`, one statement for up to [`OUTGOING_PER_STATEMENT`] of them (a filing
/// queues two or three; a group commit all of its filings' at once).
pub(crate) async fn insert_outgoing(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    rows: &[Outgoing<'_>],
) -> Result<(), sqlx::Error> {
    for rows in rows.chunks(OUTGOING_PER_STATEMENT) {
        let sql = format!(
            "insert into outbox (channel, recipient, subject, body, request_id, sensitive, created_at, next_attempt_at) \
             values {}",
            super::value_rows(rows.len(), 8, 1)
        );
        let mut insert = sqlx::query(&sql);
        for row in rows {
            insert = insert
                .bind(row.message.channel)
                .bind(&row.message.recipient)
                .bind(row.message.subject.as_deref())
                .bind(&row.message.body)
                .bind(row.request_id)
                .bind(i64::from(row.message.sensitive))
                // Created now, and first due now.
                .bind(row.now_ms)
                .bind(row.now_ms);
        }
        insert.execute(&mut **tx).await?;
    }
    Ok(())
}

/// How many sent messages one statement records at most.
const SENT_PER_STATEMENT: usize = 500;

impl Store {
    /// Claims up to `limit` messages that are due, each leased until `lease_until_ms`: one
    /// statement, so the write turn it takes is short (the notifier's turns come between
    /// the filings' group commits).
    pub async fn claim_outbox(
        &self,
        now_ms: i64,
        lease_until_ms: i64,
        limit: i64,
    ) -> Result<Vec<PendingMessage>, sqlx::Error> {
        // A read first: an idle notifier never takes a write turn.
        let due = sqlx::query(
            "select id from outbox where sent_at is null and next_attempt_at <= $1 \
             and (locked_until is null or locked_until < $1) limit 1",
        )
        .bind(now_ms)
        .fetch_optional(self.pool())
        .await?;
        if due.is_none() {
            return Ok(Vec::new());
        }
        let _turn = self.write_turn().await;
        let mut tx = self.begin_write().await?;
        // The outer conditions are checked again on each row as it is updated: on
        // PostgreSQL, a row another worker claimed meanwhile is skipped, not claimed twice.
        let rows = sqlx::query(
            "update outbox set locked_until = $2, attempts = attempts + 1 \
             where id in (select id from outbox where sent_at is null and next_attempt_at <= $1 \
             and (locked_until is null or locked_until < $1) order by id limit $3) \
             and sent_at is null and (locked_until is null or locked_until < $1) \
             returning id, channel, recipient, subject, body, attempts",
        )
        .bind(now_ms)
        .bind(lease_until_ms)
        .bind(limit)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        let mut claimed = rows
            .iter()
            .map(|row| {
                Ok(PendingMessage {
                    id: row.try_get("id")?,
                    channel: row.try_get("channel")?,
                    recipient: row.try_get("recipient")?,
                    subject: row.try_get("subject")?,
                    body: row.try_get("body")?,
                    attempts: row.try_get("attempts")?,
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()?;
        // `returning` promises no order; the oldest go first.
        claimed.sort_by_key(|message| message.id);
        Ok(claimed)
    }

    /// Messages due at `now_ms` and not yet sent: the notifier's backlog.
    pub async fn outbox_backlog(&self, now_ms: i64) -> Result<i64, sqlx::Error> {
        sqlx::query(
            "select count(*) as n from outbox where sent_at is null and next_attempt_at <= $1",
        )
        .bind(now_ms)
        .fetch_one(self.pool())
        .await?
        .try_get("n")
    }

    /// Records the results of a batch: sent messages are never claimed again, failed ones
    /// are tried again at their retry time.
    pub async fn record_deliveries(&self, deliveries: &[Delivery]) -> Result<(), sqlx::Error> {
        if deliveries.is_empty() {
            return Ok(());
        }
        let sent: Vec<(i64, i64)> = deliveries
            .iter()
            .filter_map(|delivery| match delivery {
                Delivery::Sent { id, at_ms } => Some((*id, *at_ms)),
                _ => None,
            })
            .collect();
        let _turn = self.write_turn().await;
        let mut tx = self.begin_write().await?;
        for sent in sent.chunks(SENT_PER_STATEMENT) {
            // One statement for the batch's sent messages (each with its own time), so
            // the notifier's write turn stays short. A secret (a sign-in code) is no
            // longer needed once it has left.
            let sql = format!(
                "update outbox set sent_at = v.column2, locked_until = null, last_error = null, \
                 body = case when sensitive = 1 then $1 else body end \
                 from (values {}) as v where outbox.id = v.column1",
                super::value_rows(sent.len(), 2, 2)
            );
            let mut update = sqlx::query(&sql).bind(REDACTED);
            for (id, at_ms) in sent {
                update = update.bind(*id).bind(*at_ms);
            }
            update.execute(&mut *tx).await?;
        }
        for delivery in deliveries {
            match delivery {
                Delivery::Sent { .. } => continue,
                Delivery::Released { id } => {
                    sqlx::query("update outbox set locked_until = null, attempts = attempts - 1 where id = $1")
                        .bind(id)
                        .execute(&mut *tx)
                        .await?
                }
                Delivery::Failed { id, retry_at_ms, error } => {
                    sqlx::query(
                        "update outbox set next_attempt_at = $2, locked_until = null, last_error = $3 where id = $1",
                    )
                    .bind(id)
                    .bind(retry_at_ms)
                    .bind(error)
                    .execute(&mut *tx)
                    .await?
                }
            };
        }
        tx.commit().await
    }

    /// Deletes what the outbox no longer needs: sent messages older than
    /// `sent_before_ms` (the retention period), and secrets never delivered that expired
    /// before `secrets_before_ms` (a late sign-in code is of no use). Returns how many.
    pub async fn prune_outbox(
        &self,
        sent_before_ms: i64,
        secrets_before_ms: i64,
    ) -> Result<u64, sqlx::Error> {
        let _turn = self.write_turn().await;
        let removed = sqlx::query(
            "delete from outbox where (sent_at is not null and sent_at < $1) \
             or (sent_at is null and sensitive = 1 and created_at < $2)",
        )
        .bind(sent_before_ms)
        .bind(secrets_before_ms)
        .execute(self.pool())
        .await?
        .rows_affected();
        Ok(removed)
    }
}

/// Queues `message` about request `request_id` to be sent at `send_at` rather than now (a
/// reminder), marked with its `purpose` so that the change that makes it moot can withdraw
/// it ([`withdraw_due`]).
pub(crate) async fn queue_due(
    tx: &mut Transaction<'static, Any>,
    request_id: i64,
    message: &super::requests::OutboxMessage,
    send_at: i64,
    purpose: &str,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "insert into outbox (channel, recipient, subject, body, request_id, created_at, next_attempt_at, \
         sensitive, purpose) values ($1, $2, $3, $4, $5, $6, $7, 0, $8)",
    )
    .bind(message.channel)
    .bind(&message.recipient)
    .bind(message.subject.as_deref())
    .bind(&message.body)
    .bind(request_id)
    .bind(now_ms)
    .bind(send_at)
    .bind(purpose)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Withdraws the unsent messages of `purpose` about request `request_id` (none being sent
/// right now is touched: a claimed one goes).
pub(crate) async fn withdraw_due(
    tx: &mut Transaction<'static, Any>,
    request_id: i64,
    purpose: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "delete from outbox where request_id = $1 and purpose = $2 and sent_at is null \
         and locked_until is null",
    )
    .bind(request_id)
    .bind(purpose)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
