//! Structured logs through `tracing`. Set the level with `NAFITHA_LOG` (an env-filter
//! directive) and the format with `NAFITHA_LOG_FORMAT=json` for one JSON object a line.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

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

/// Logs a security event (a refused sign-in, a limit hit, a refused cross-scope access)
/// as a structured warning with target `security`: its kind and nothing personal (no
/// phone number, username or code), so the log can be kept and shipped freely.
pub fn security_event(kind: &'static str) {
    tracing::warn!(target: "security", event = kind);
}
