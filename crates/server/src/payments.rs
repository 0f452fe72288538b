//! Payment of bills, through an adapter chosen by configuration (`NAFITHA_PAYMENT_ADAPTER`).
//!
//! Whatever the adapter, a bill is marked paid only by a **signed callback**:
//! `POST /api/v1/payments/callback` with the JSON body and `X-Nafitha-Signature`, the
//! hex HMAC-SHA-256 of the raw body under the payment secret, checked in constant time
//! over the exact bytes before anything is parsed ([`verify`]). The default adapter,
//! `log`, has no gateway behind it: it records each payment intent as a JSON line in
//! `<data dir>/payments.jsonl` and answers with the callback a gateway would send, signed,
//! which the caller hands to the same verification path. A real gateway is another
//! implementation of [`PaymentAdapter`] that answers `None` (it calls back once paid).

use std::fmt::Debug;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use nafitha_domain::bill::{BillNumber, PaymentCallback};
use nafitha_domain::calendar::format_rfc3339;
use nafitha_domain::ReferenceNumber;

use crate::config::{PaymentAdapterKind, PaymentConfig};
use crate::secret::{hex, same, Secret};

/// The header a callback's signature travels in.
pub const SIGNATURE_HEADER: &str = "x-nafitha-signature";
/// Largest callback body read (a callback is a few fields).
pub const CALLBACK_BODY_LIMIT: usize = 4 * 1024;
/// What the payment secret is derived for from the server's, when none is configured.
const DERIVED_PURPOSE: &str = "payment callback";

/// A holder's intent to pay a bill.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaymentIntent {
    pub bill: BillNumber,
    pub amount_halalas: i64,
    pub reference: ReferenceNumber,
}

/// A callback as a gateway sends it: the exact body and its signature.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedCallback {
    pub body: Vec<u8>,
    pub signature: String,
}

/// Where holders pay.
pub trait PaymentAdapter: Send + Sync + Debug {
    /// The adapter's name, as configured (and written as the actor of what a payment
    /// does).
    fn name(&self) -> &'static str;

    /// The key callbacks are signed with.
    fn callback_key(&self) -> &Secret;

    /// Records the holder's intent to pay, at `now_ms`. The test adapter answers with the
    /// signed callback it sends itself (to go through [`verify`] like any other); a
    /// gateway answers `None` and calls back once the holder has paid on its page.
    fn start(&self, intent: &PaymentIntent, now_ms: i64) -> anyhow::Result<Option<SignedCallback>>;
}

/// The adapter `config` asks for; the payment secret is `config`'s, or derived from the
/// server's `secret` when none is given.
pub fn from_config(
    config: &PaymentConfig,
    secret: &Secret,
    data_dir: &std::path::Path,
) -> Arc<dyn PaymentAdapter> {
    let key = config
        .secret
        .clone()
        .unwrap_or_else(|| secret.derive(DERIVED_PURPOSE));
    match config.adapter {
        PaymentAdapterKind::Log => Arc::new(LogPayments {
            path: data_dir.join("payments.jsonl"),
            key,
        }),
    }
}

/// True when `signature` (hex, either case) is the HMAC-SHA-256 of exactly `body` under
/// `key`, compared in constant time. A missing signature is not.
pub fn verify(key: &Secret, body: &[u8], signature: Option<&str>) -> bool {
    signature.is_some_and(|given| same(&key.sign(body), &given.trim().to_ascii_lowercase()))
}

/// The test and demo adapter: intents go to a log file, and each is paid at once by a
/// callback it signs itself.
#[derive(Debug)]
pub struct LogPayments {
    path: PathBuf,
    key: Secret,
}

impl PaymentAdapter for LogPayments {
    fn name(&self) -> &'static str {
        "log"
    }

    fn callback_key(&self) -> &Secret {
        &self.key
    }

    fn start(&self, intent: &PaymentIntent, now_ms: i64) -> anyhow::Result<Option<SignedCallback>> {
        let payment_id = format!("log-{}", hex(&rand::random::<[u8; 12]>()));
        let mut line = serde_json::to_string(&serde_json::json!({
            "bill_number": intent.bill,
            "amount_halalas": intent.amount_halalas,
            "reference": intent.reference,
            "payment_id": payment_id,
            "at": format_rfc3339(now_ms),
        }))?;
        line.push('\n');
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)
            .and_then(|mut file| file.write_all(line.as_bytes()))
            .with_context(|| format!("cannot write {}", self.path.display()))?;
        let body = serde_json::to_vec(&PaymentCallback {
            bill_number: intent.bill.to_string(),
            amount_halalas: intent.amount_halalas,
            paid_at: format_rfc3339(now_ms),
            payment_id,
        })?;
        Ok(Some(SignedCallback {
            signature: self.key.sign(&body),
            body,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_callback_verifies_only_with_its_own_body_and_key() {
        let key = Secret::from_text(&"k".repeat(32)).unwrap();
        let body = br#"{"bill_number":"1"}"#;
        let signature = key.sign(body);
        assert_eq!(signature.len(), 64);
        assert!(verify(&key, body, Some(&signature)));
        assert!(verify(&key, body, Some(&signature.to_uppercase())));
        assert!(!verify(&key, b"{\"bill_number\":\"2\"}", Some(&signature)));
        assert!(!verify(&key, body, None));
        assert!(!verify(&key, body, Some("")));
        let other = Secret::from_text(&"o".repeat(32)).unwrap();
        assert!(!verify(&other, body, Some(&signature)));
    }

    #[test]
    fn the_log_adapter_records_the_intent_and_signs_its_callback() {
        let dir = tempfile::tempdir().unwrap();
        let server = Secret::from_text(&"s".repeat(32)).unwrap();
        let adapter = from_config(&PaymentConfig::default(), &server, dir.path());
        assert_eq!(adapter.name(), "log");
        let intent = PaymentIntent {
            bill: BillNumber::from_body(7),
            amount_halalas: 10_000,
            reference: ReferenceNumber::from_body(5),
        };
        let callback = adapter.start(&intent, 0).unwrap().unwrap();
        assert!(verify(
            adapter.callback_key(),
            &callback.body,
            Some(&callback.signature)
        ));
        assert!(
            !verify(&server, &callback.body, Some(&callback.signature)),
            "the payment key is not the server's"
        );
        let sent: PaymentCallback = serde_json::from_slice(&callback.body).unwrap();
        assert_eq!(sent.amount_halalas, 10_000);
        let log = std::fs::read_to_string(dir.path().join("payments.jsonl")).unwrap();
        assert!(log.contains(&intent.bill.to_string()) && log.ends_with('\n'));
    }
}
