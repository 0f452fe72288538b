//! Structured logs through `tracing`. Set the level with `NAFITHA_LOG` (an env-filter
//! directive) and the format with `NAFITHA_LOG_FORMAT=json` for one JSON object a line.
//!
//! Security events ([`security_event`]) go to the `security` target, so they can be
//! filtered (`NAFITHA_LOG=info,security=warn`) and shipped apart. They never carry
//! personal data: no phone numbers, no names, usernames only hashed; addresses are fine.

use std::io::IsTerminal;
use std::net::IpAddr;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use sha2::{Digest, Sha256};
use tracing_subscriber::EnvFilter;

use crate::auth::ClientIp;
use crate::error::ApiError;
use crate::startup::AppState;

const DEFAULT_FILTER: &str = "info,sqlx=warn,tower_http=info";

/// Installs the global subscriber; a second call does nothing.
pub fn init() {
    let filter =
        EnvFilter::try_from_env("NAFITHA_LOG").unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr);
    let result = if std::env::var("NAFITHA_LOG_FORMAT").is_ok_and(|f| f == "json") {
        builder.json().flatten_event(true).try_init()
    } else {
        builder.compact().try_init()
    };
    // An error only means a subscriber is already installed (tests spawn many apps).
    drop(result);
}

/// Logs a security event at `warn` under the `security` target: what happened (`kind`,
/// e.g. `staff_out_of_scope`), on which route template, from which client address, and
/// about whom as a short hash of `subject` (a staff username; never a phone number, whose
/// hash could be reversed by trying them all).
pub fn security_event(
    kind: &'static str,
    route: &str,
    client: Option<IpAddr>,
    subject: Option<&str>,
) {
    tracing::warn!(
        target: "security",
        security_event = kind,
        route,
        client = client.map(tracing::field::display),
        subject = subject.map(subject_hash),
        "security event"
    );
}

/// Where a request came from, for its security events: the route template it matched
/// and the client's address (as [`ClientIp`] reads it).
#[derive(Clone, Debug)]
pub struct RequestOrigin {
    pub route: String,
    pub client: IpAddr,
}

impl RequestOrigin {
    /// Logs a security event of `kind` about this request; see [`security_event`].
    pub fn security_event(&self, kind: &'static str, subject: Option<&str>) {
        security_event(kind, &self.route, Some(self.client), subject);
    }
}

impl FromRequestParts<AppState> for RequestOrigin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let ClientIp(client) = ClientIp::from_request_parts(parts, state).await?;
        Ok(RequestOrigin {
            route: crate::metrics::route_template(&parts.extensions).to_owned(),
            client,
        })
    }
}

/// The first 16 hex digits of the SHA-256 of `subject`: enough to tie events together,
/// not the name itself.
fn subject_hash(subject: &str) -> String {
    crate::secret::hex(&Sha256::digest(subject.as_bytes())[..8])
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    /// A log sink the test can read back.
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_security_event_names_its_kind_route_and_client_but_only_hashes_the_subject() {
        let captured = Captured::default();
        let sink = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .json()
            .with_writer(move || sink.clone())
            .finish();

        tracing::subscriber::with_default(subscriber, || {
            security_event(
                "staff_out_of_scope",
                "/api/v1/staff/requests/{reference}",
                Some(IpAddr::from([192, 0, 2, 7])),
                Some("agent.one"),
            );
        });

        let line = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
        let event: serde_json::Value = serde_json::from_str(line.trim()).unwrap();
        assert_eq!(event["target"], "security");
        assert_eq!(event["level"], "WARN");
        assert_eq!(event["fields"]["security_event"], "staff_out_of_scope");
        assert_eq!(
            event["fields"]["route"],
            "/api/v1/staff/requests/{reference}"
        );
        assert_eq!(event["fields"]["client"], "192.0.2.7");
        assert_eq!(event["fields"]["subject"], subject_hash("agent.one"));
        assert!(!line.contains("agent.one"), "{line}");
    }
}
