//! The notification outbox: messages written in the same transaction as the change they
//! announce, claimed and delivered by the notifier. A claim is a lease: an atomic update
//! that only one worker (of any number of instances) can win, so a message is delivered by
//! one worker at a time, and a worker that dies lets the lease lapse for another. Claims
//! and results are written a batch per transaction: one durable commit, not one a message.

use sqlx::Row;

use super::Store;

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

/// Queues `messages` (about request `request_id`, if any) in the transaction of the
/// change they announce.
pub(crate) async fn queue_messages(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    messages: &[super::requests::OutboxMessage],
    request_id: Option<i64>,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    for message in messages {
        sqlx::query(
            "insert into outbox (channel, recipient, subject, body, request_id, created_at, next_attempt_at) \
             values ($1, $2, $3, $4, $5, $6, $6)",
        )
        .bind(message.channel)
        .bind(&message.recipient)
        .bind(message.subject.as_deref())
        .bind(&message.body)
        .bind(request_id)
        .bind(now_ms)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

impl Store {
    /// Claims up to `limit` messages that are due, each leased until `lease_until_ms`.
    pub async fn claim_outbox(
        &self,
        now_ms: i64,
        lease_until_ms: i64,
        limit: i64,
    ) -> Result<Vec<PendingMessage>, sqlx::Error> {
        let due = sqlx::query(
            "select id from outbox where sent_at is null and next_attempt_at <= $1 \
             and (locked_until is null or locked_until < $1) order by id limit $2",
        )
        .bind(now_ms)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        if due.is_empty() {
            return Ok(Vec::new());
        }
        let _turn = self.write_turn().await;
        let mut tx = self.begin_write().await?;
        let mut claimed = Vec::with_capacity(due.len());
        for row in due {
            let id: i64 = row.try_get("id")?;
            // Wins only if no other worker claimed it since the select above.
            let won = sqlx::query(
                "update outbox set locked_until = $2, attempts = attempts + 1 \
                 where id = $1 and sent_at is null and (locked_until is null or locked_until < $3) \
                 returning id, channel, recipient, subject, body, attempts",
            )
            .bind(id)
            .bind(lease_until_ms)
            .bind(now_ms)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some(row) = won {
                claimed.push(PendingMessage {
                    id: row.try_get("id")?,
                    channel: row.try_get("channel")?,
                    recipient: row.try_get("recipient")?,
                    subject: row.try_get("subject")?,
                    body: row.try_get("body")?,
                    attempts: row.try_get("attempts")?,
                });
            }
        }
        tx.commit().await?;
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
        let _turn = self.write_turn().await;
        let mut tx = self.begin_write().await?;
        for delivery in deliveries {
            match delivery {
                Delivery::Sent { id, at_ms } => {
                    sqlx::query("update outbox set sent_at = $2, locked_until = null, last_error = null where id = $1")
                        .bind(id)
                        .bind(at_ms)
                        .execute(&mut *tx)
                        .await?
                }
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
}
