//! Notifications: the texts sent to applicants, and the worker that delivers the outbox.
//!
//! The worker claims due messages, hands each to the configured adapter, and records the
//! result; failures are retried with exponential backoff. The default adapter, `log`,
//! appends one JSON line per message to `<data dir>/outbox.jsonl`; an HTTP SMS gateway
//! and SMTP are chosen by configuration.
//!
//! Exactly once: a message is claimed under a lease by one worker of any number of
//! instances, never sent once its lease could have lapsed, and marked sent when the
//! adapter accepts it. The one gap no outbox can close alone (sent, then the process dies
//! before recording it) is closed by the gateway: each message carries a stable id
//! (`Idempotency-Key`, SMTP `Message-ID`) by which a repeat is recognised.

pub mod messages;

use std::path::{Path, PathBuf};

use anyhow::Context;
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use std::time::Duration;

use tokio::io::AsyncWriteExt;
use tokio::sync::watch;

use crate::clock::Clock;
use crate::config::NotifyConfig;
use crate::store::outbox::{Delivery, PendingMessage};
use crate::store::Store;

/// How long one delivery may take before it counts as failed.
const SEND_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a claimed batch is reserved for the worker that claimed it.
const LEASE_MS: i64 = 120_000;
/// How often the worker looks for due messages.
const POLL: Duration = Duration::from_millis(250);
/// Messages claimed at once.
const BATCH: i64 = 100;

/// Where one channel's messages go.
#[derive(Clone, Debug)]
enum Sink {
    /// Appends one JSON object per line to a file (development, tests, audits).
    Log { path: PathBuf },
    /// POSTs `{id, to, body}` as JSON to an SMS gateway, with the message id also as the
    /// `Idempotency-Key` header, so a gateway that saw a message before drops the repeat.
    Http {
        client: reqwest::Client,
        url: String,
        token: Option<String>,
    },
    /// Sends email over SMTP.
    Smtp {
        transport: AsyncSmtpTransport<Tokio1Executor>,
        from: Mailbox,
    },
}

/// Where messages go, by channel, and how failures are retried.
#[derive(Clone, Debug)]
pub struct Notifier {
    sms: Sink,
    email: Sink,
    retry_base_ms: i64,
}

impl Notifier {
    /// The notifier `config` asks for; messages of a channel without an adapter
    /// configured go to `<data dir>/outbox.jsonl`.
    pub fn from_config(config: &NotifyConfig, data_dir: &Path) -> anyhow::Result<Notifier> {
        let log = Sink::Log {
            path: data_dir.join("outbox.jsonl"),
        };
        let sms = match &config.sms_gateway {
            Some(gateway) => Sink::Http {
                client: reqwest::Client::builder()
                    .timeout(SEND_TIMEOUT)
                    .build()
                    .context("cannot build the SMS gateway client")?,
                url: gateway.url.clone(),
                token: gateway.token.clone(),
            },
            None => log.clone(),
        };
        let email = match &config.smtp {
            Some(smtp) => Sink::Smtp {
                transport: AsyncSmtpTransport::<Tokio1Executor>::from_url(&smtp.url)
                    .context("NAFITHA_SMTP_URL is not usable")?
                    .timeout(Some(SEND_TIMEOUT))
                    .build(),
                from: smtp
                    .from
                    .parse()
                    .context("NAFITHA_SMTP_FROM is not an address")?,
            },
            None => log,
        };
        Ok(Notifier {
            sms,
            email,
            retry_base_ms: config.retry_base_ms,
        })
    }

    async fn deliver(&self, message: &PendingMessage, now_ms: i64) -> anyhow::Result<()> {
        let sink = if message.channel == "email" {
            &self.email
        } else {
            &self.sms
        };
        let id = format!("nafitha-{}", message.id);
        match sink {
            Sink::Log { path } => {
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
            Sink::Http { client, url, token } => {
                let mut request =
                    client
                        .post(url)
                        .header("Idempotency-Key", &id)
                        .json(&serde_json::json!({
                            "id": id,
                            "to": message.recipient,
                            "body": message.body,
                        }));
                if let Some(token) = token {
                    request = request.bearer_auth(token);
                }
                let response = request
                    .send()
                    .await
                    .context("the SMS gateway did not answer")?;
                let status = response.status();
                if status.is_success() {
                    Ok(())
                } else {
                    anyhow::bail!("the SMS gateway answered {status}")
                }
            }
            Sink::Smtp { transport, from } => {
                let email = lettre::Message::builder()
                    .from(from.clone())
                    .to(message.recipient.parse().context("not an email address")?)
                    .subject(message.subject.clone().unwrap_or_default())
                    .message_id(Some(format!("<{id}@nafitha>")))
                    .header(lettre::message::header::ContentType::TEXT_PLAIN)
                    .body(message.body.clone())?;
                transport
                    .send(email)
                    .await
                    .context("the SMTP server refused the message")?;
                Ok(())
            }
        }
    }

    /// Wait before attempt `attempts + 1`: the base delay doubling up to an hour.
    fn retry_delay_ms(&self, attempts: i64) -> i64 {
        let exponent = u32::try_from(attempts.clamp(1, 20) - 1).unwrap_or(0);
        self.retry_base_ms
            .saturating_mul(1_i64 << exponent)
            .min(3_600_000)
    }
}

/// Delivers one batch of messages due by `clock`: what the worker does on each turn.
/// Returns how many were claimed, so the worker knows whether more may be waiting.
pub async fn deliver_due(
    store: &Store,
    notifier: &Notifier,
    clock: &Clock,
) -> anyhow::Result<usize> {
    let now_ms = || clock.now_ms();
    let now = now_ms();
    let lease_until = now + LEASE_MS;
    let claimed = store.claim_outbox(now, lease_until, BATCH).await?;
    let mut results = Vec::with_capacity(claimed.len());
    for message in &claimed {
        // Never send after the lease could have lapsed: another worker may own it then.
        if now_ms() + SEND_TIMEOUT.as_millis() as i64 >= lease_until {
            results.push(Delivery::Released { id: message.id });
            continue;
        }
        results.push(match notifier.deliver(message, now_ms()).await {
            Ok(()) => Delivery::Sent { id: message.id, at_ms: now_ms() },
            Err(error) => {
                let error = format!("{error:#}");
                tracing::warn!(id = message.id, attempts = message.attempts, %error, "delivery failed");
                crate::metrics::delivery_failed(&message.channel);
                Delivery::Failed {
                    id: message.id,
                    retry_at_ms: now_ms() + notifier.retry_delay_ms(message.attempts),
                    error,
                }
            }
        });
    }
    store.record_deliveries(&results).await?;
    Ok(claimed.len())
}

/// Runs until `stop` turns true; drains without pausing while batches come back full.
/// Messages are due, leased and retried by `clock` (the application's).
pub async fn run_worker(
    store: Store,
    notifier: Notifier,
    clock: Clock,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        let claimed = match deliver_due(&store, &notifier, &clock).await {
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
    fn retries_wait_longer_each_time_up_to_an_hour() {
        let notifier = Notifier::from_config(
            &NotifyConfig {
                retry_base_ms: 10_000,
                ..NotifyConfig::default()
            },
            Path::new("."),
        )
        .unwrap();
        assert_eq!(notifier.retry_delay_ms(1), 10_000);
        assert_eq!(notifier.retry_delay_ms(2), 20_000);
        assert_eq!(notifier.retry_delay_ms(5), 160_000);
        assert_eq!(notifier.retry_delay_ms(20), 3_600_000);
        assert_eq!(notifier.retry_delay_ms(i64::MAX), 3_600_000);
    }
}
