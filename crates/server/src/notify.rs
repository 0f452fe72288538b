//! Notifications: the texts sent to applicants, and the worker that delivers the outbox.
//!
//! The worker claims due messages, hands each to the configured adapter, and records the
//! result; failures are retried with exponential backoff. The default adapter, `log`,
//! appends one JSON line per message to `<data dir>/outbox.jsonl`.

pub mod messages;

use std::path::PathBuf;
use std::time::Duration;

use tokio::io::AsyncWriteExt;
use tokio::sync::watch;

use crate::store::outbox::{Delivery, PendingMessage};
use crate::store::Store;

/// How long a claimed message is reserved for the worker that claimed it.
const LEASE_MS: i64 = 60_000;
/// How often the worker looks for due messages.
const POLL: Duration = Duration::from_millis(250);
/// Messages claimed at once.
const BATCH: i64 = 100;

/// Where messages go.
#[derive(Clone, Debug)]
pub enum Adapter {
    /// Appends one JSON object per line to a file (development, tests, audits).
    Log { path: PathBuf },
}

impl Adapter {
    async fn deliver(&self, message: &PendingMessage, now_ms: i64) -> anyhow::Result<()> {
        match self {
            Adapter::Log { path } => {
                let mut line = serde_json::to_string(&serde_json::json!({
                    "id": message.id,
                    "channel": message.channel,
                    "to": message.recipient,
                    "subject": message.subject,
                    "body": message.body,
                    "at": nafitha_domain::calendar::format_rfc3339(now_ms),
                }))?;
                line.push('\n');
                let mut file = tokio::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(path)
                    .await?;
                file.write_all(line.as_bytes()).await?;
                file.flush().await?;
                Ok(())
            }
        }
    }
}

/// Milliseconds since the Unix epoch, now.
pub fn now_ms() -> i64 {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(since.as_millis()).unwrap_or(i64::MAX)
}

/// Wait before attempt `attempts + 1`: 10 s doubling up to an hour.
pub fn backoff_ms(attempts: i64) -> i64 {
    let exponent = u32::try_from(attempts.clamp(1, 20) - 1).unwrap_or(0);
    (10_000_i64.saturating_mul(1_i64 << exponent)).min(3_600_000)
}

/// Delivers one batch of due messages: what the worker does on each turn. Returns how
/// many were claimed, so the worker knows whether more may be waiting.
pub async fn deliver_due(store: &Store, adapter: &Adapter) -> anyhow::Result<usize> {
    let now = now_ms();
    let claimed = store.claim_outbox(now, now + LEASE_MS, BATCH).await?;
    let mut results = Vec::with_capacity(claimed.len());
    for message in &claimed {
        results.push(match adapter.deliver(message, now_ms()).await {
            Ok(()) => Delivery::Sent { id: message.id, at_ms: now_ms() },
            Err(error) => {
                let error = format!("{error:#}");
                tracing::warn!(id = message.id, attempts = message.attempts, %error, "delivery failed");
                Delivery::Failed { id: message.id, retry_at_ms: now_ms() + backoff_ms(message.attempts), error }
            }
        });
    }
    store.record_deliveries(&results).await?;
    Ok(claimed.len())
}

/// Runs until `stop` turns true; drains without pausing while batches come back full.
pub async fn run_worker(store: Store, adapter: Adapter, mut stop: watch::Receiver<bool>) {
    loop {
        let claimed = match deliver_due(&store, &adapter).await {
            Ok(claimed) => claimed,
            Err(error) => {
                tracing::error!(error = format!("{error:#}"), "notifier turn failed");
                0
            }
        };
        if *stop.borrow() {
            break;
        }
        if claimed < BATCH as usize {
            tokio::select! {
                _ = stop.changed() => break,
                () = tokio::time::sleep(POLL) => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_ten_seconds_to_an_hour() {
        assert_eq!(backoff_ms(1), 10_000);
        assert_eq!(backoff_ms(2), 20_000);
        assert_eq!(backoff_ms(5), 160_000);
        assert_eq!(backoff_ms(20), 3_600_000);
        assert_eq!(backoff_ms(i64::MAX), 3_600_000);
    }
}
