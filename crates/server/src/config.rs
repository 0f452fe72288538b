//! Configuration from the environment, with defaults that make `make run` work with
//! nothing set. Every value is checked here, before anything starts, so a mistake ends
//! the process with one clear line instead of a failure later.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::limits::LimitSettings;
use crate::secret::{Secret, MIN_SECRET_BYTES};

mod objects;
pub use objects::{ObjectStoreConfig, S3Config, S3Credentials};

/// What the server needs to start.
#[derive(Clone, Debug)]
pub struct Config {
    /// `NAFITHA_ADDR`, default `127.0.0.1:8080`. Port 0 picks a free port (tests).
    pub addr: SocketAddr,
    /// `NAFITHA_DATA_DIR`, default `./data`: the SQLite file, uploads, the outbox log.
    pub data_dir: PathBuf,
    /// `DATABASE_URL`, default SQLite in the data directory.
    pub database: DatabaseUrl,
    /// `NAFITHA_DIST`, default `./dist`: the built app to serve.
    pub dist_dir: PathBuf,
    /// `NAFITHA_DB_MAX_CONNECTIONS`, default 8 for SQLite and 20 for PostgreSQL.
    pub max_connections: u32,
    /// `NAFITHA_PUBLIC_URL`, default `http://<NAFITHA_ADDR>`: the portal's address as
    /// citizens reach it, for links in SMS and email. No trailing slash.
    pub public_url: String,
    /// Where notifications go (log file, SMS gateway, SMTP) and how failures are retried.
    pub notify: NotifyConfig,
    /// The abuse limits (`NAFITHA_TRACK_PER_MINUTE`, `NAFITHA_FILINGS_PER_PHONE_HOUR`, …;
    /// see [`LimitSettings`]).
    pub limits: LimitSettings,
    /// `NAFITHA_CLIENT_IP_HEADER`, unset by default: the header trusted reverse proxies
    /// put the client's address in (`x-forwarded-for`, `x-real-ip`); without it, the peer
    /// address is used.
    pub client_ip_header: Option<String>,
    /// `NAFITHA_TRUSTED_PROXIES`, default 1: how many proxies of ours stand in front of
    /// the server, each appending to the header above; the client is the entry that many
    /// places from the right.
    pub trusted_proxies: usize,
    /// `NAFITHA_SECRET` (at least 32 characters; required with PostgreSQL, where every
    /// instance must share it), else `<data dir>/secret.key`, generated on first start:
    /// the key of the keyed hashes of sign-in codes and of the limits' counters.
    pub secret: Secret,
    /// `NAFITHA_REQUEST_TIMEOUT_MS`, default 30000: longest an API call (but an upload)
    /// may take before it is answered 408.
    pub request_timeout_ms: u64,
    /// `NAFITHA_UPLOAD_IDLE_TIMEOUT_MS`, default 30000: longest an upload's body may stop
    /// arriving before the upload is given up (408). Slow is fine: a 10 MB photo at
    /// 256 kbit/s takes five minutes and succeeds.
    pub upload_idle_timeout_ms: u64,
    /// `NAFITHA_OUTBOX_RETENTION_DAYS`, default 30: how long sent messages are kept (for
    /// audits) before they are deleted.
    pub outbox_retention_days: u32,
    /// `NAFITHA_DEMO=1`: at start-up, (re)create demo staff accounts (`demo.<agency>.admin`,
    /// `.supervisor`, `.agent`) with fresh random passwords, printed once. Never in production.
    pub demo: bool,
    /// `NAFITHA_STATS_CACHE_MS`, default 1000: how long this instance may answer
    /// `GET /api/v1/stats` from figures it computed before, when it has committed no change
    /// to them since (changes made by other instances show within this time). 0: never.
    pub stats_cache_ms: i64,
    /// The clock the API acts at: the system's, or a fixed one in tests.
    pub clock: crate::clock::Clock,
    /// How slow clients and floods of connections are held off.
    pub connections: ConnectionLimits,
    /// `NAFITHA_VIDEO_URL_TEMPLATE`: the join link of a video-call appointment, with
    /// `{reference}` standing for the request's reference. The portal builds no video
    /// service; the default is a placeholder to replace in production.
    pub video_url_template: String,
    /// `NAFITHA_METRICS_ADDR`, unset by default: the address `GET /metrics` (Prometheus
    /// text format) is served on, on a listener of its own so it is never on the public
    /// port. Unset: metrics are not served.
    pub metrics_addr: Option<SocketAddr>,
    /// How bills are paid (`NAFITHA_PAYMENT_ADAPTER`, `NAFITHA_PAYMENT_SECRET`).
    pub payments: PaymentConfig,
    /// `NAFITHA_OBJECT_STORE` (and `NAFITHA_S3_…`): where attachment files are kept, by
    /// default `<data dir>/uploads`.
    pub objects: ObjectStoreConfig,
}

/// Payment of bills.
#[derive(Clone, Debug, Default)]
pub struct PaymentConfig {
    /// `NAFITHA_PAYMENT_ADAPTER`, default `log`: where holders pay. `log` (the only one
    /// so far, for development, tests and demos) records each payment intent in
    /// `<data dir>/payments.jsonl` and pays at once by sending itself the signed callback
    /// a gateway would send.
    pub adapter: PaymentAdapterKind,
    /// `NAFITHA_PAYMENT_SECRET` (at least 32 characters), the key the gateway signs its
    /// callbacks with (HMAC-SHA-256 of the body, `X-Nafitha-Signature`). Unset: derived
    /// from the server's secret (enough for `log`, which signs its own). Never stored in
    /// the database.
    pub secret: Option<Secret>,
}

/// The payment adapters there are.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PaymentAdapterKind {
    #[default]
    Log,
}

/// What the server allows a connection, so slow or many clients cannot exhaust it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// `NAFITHA_HEADER_READ_TIMEOUT_MS`, default 10000: how long a client has to send a
    /// request's line and headers, counted from the connection's opening or from the end
    /// of its previous response (so idle keep-alive connections end too). Past it the
    /// connection is closed.
    pub header_read_timeout: Duration,
    /// `NAFITHA_MAX_CONNECTIONS`, default 4096: connections served at once. At the cap the
    /// server accepts no more: new ones wait in the system's listen queue until one
    /// closes (and the system refuses them once that queue is full).
    pub max_open: usize,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        ConnectionLimits {
            header_read_timeout: Duration::from_secs(10),
            max_open: 4096,
        }
    }
}

/// Notification delivery.
#[derive(Clone, Debug, Default)]
pub struct NotifyConfig {
    /// `NAFITHA_SMS_GATEWAY_URL` (+ `NAFITHA_SMS_GATEWAY_TOKEN`): SMS are POSTed there as
    /// JSON; unset: SMS go to `<data dir>/outbox.jsonl`.
    pub sms_gateway: Option<SmsGateway>,
    /// `NAFITHA_SMTP_URL` (`smtp://user:pass@host:587`, `smtps://…`) and
    /// `NAFITHA_SMTP_FROM`; unset: email goes to `<data dir>/outbox.jsonl`.
    pub smtp: Option<Smtp>,
    /// `NAFITHA_NOTIFY_RETRY_MS`, default 10000: the first retry's delay, doubled on each
    /// further failure up to an hour.
    pub retry_base_ms: i64,
}

#[derive(Clone, Debug)]
pub struct SmsGateway {
    pub url: String,
    pub token: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Smtp {
    pub url: String,
    pub from: String,
}

/// A database URL whose engine is known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DatabaseUrl {
    Sqlite(String),
    Postgres(String),
}

impl DatabaseUrl {
    /// The URL as given.
    pub fn as_str(&self) -> &str {
        match self {
            DatabaseUrl::Sqlite(url) | DatabaseUrl::Postgres(url) => url,
        }
    }

    /// The engine's name, for logs and test messages.
    pub fn engine(&self) -> &'static str {
        match self {
            DatabaseUrl::Sqlite(_) => "sqlite",
            DatabaseUrl::Postgres(_) => "postgres",
        }
    }

    /// Recognises the engine by the scheme and checks the URL is well formed.
    pub fn parse(raw: &str) -> Result<DatabaseUrl, ConfigError> {
        let bad = |why: &str| ConfigError::DatabaseUrl(format!("{why} (got {})", redact(raw)));
        if let Some(rest) = raw.strip_prefix("sqlite:") {
            let path = rest.trim_start_matches("//");
            let path = path.split('?').next().unwrap_or_default();
            if path.is_empty() {
                return Err(bad(
                    "a sqlite URL needs a file path, like sqlite://data/nafitha.db",
                ));
            }
            return Ok(DatabaseUrl::Sqlite(raw.to_owned()));
        }
        if raw.starts_with("postgres://") || raw.starts_with("postgresql://") {
            let url = url::Url::parse(raw).map_err(|e| bad(&format!("not a valid URL: {e}")))?;
            if url.host_str().is_none_or(str::is_empty) {
                return Err(bad(
                    "a postgres URL needs a host, like postgres://user@127.0.0.1:5432/nafitha",
                ));
            }
            return Ok(DatabaseUrl::Postgres(raw.to_owned()));
        }
        Err(bad("it must start with sqlite: or postgres://"))
    }

    /// The URL with any password hidden, for logs.
    pub fn redacted(&self) -> String {
        redact(self.as_str())
    }
}

fn redact(raw: &str) -> String {
    match url::Url::parse(raw) {
        Ok(mut url) if url.password().is_some() => {
            let _ = url.set_password(Some("***"));
            url.to_string()
        }
        _ => raw.to_owned(),
    }
}

/// A configuration the server cannot start with.
/// The join link of video-call appointments until one is configured: a placeholder.
pub const DEFAULT_VIDEO_URL_TEMPLATE: &str = "https://video.nafitha.invalid/{reference}";

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("NAFITHA_ADDR must be an address like 127.0.0.1:8080 (got {0:?})")]
    Addr(String),
    #[error("DATABASE_URL is not usable: {0}")]
    DatabaseUrl(String),
    #[error("NAFITHA_DB_MAX_CONNECTIONS must be a number from 1 to 1000 (got {0:?})")]
    MaxConnections(String),
    #[error(
        "NAFITHA_PUBLIC_URL must be an http(s) address like https://nafitha.example.sa (got {0:?})"
    )]
    PublicUrl(String),
    #[error(
        "NAFITHA_VIDEO_URL_TEMPLATE must be an http(s) address with {{reference}} in it, like https://meet.example.sa/{{reference}} (got {0:?})"
    )]
    VideoUrl(String),
    #[error("{0}")]
    Notify(String),
    #[error("{key} must be a whole number from {min} to {max} (got {raw:?})")]
    Number {
        key: &'static str,
        min: u32,
        max: u32,
        raw: String,
    },
    #[error("NAFITHA_SECRET must be at least {MIN_SECRET_BYTES} characters (e.g. `openssl rand -hex 32`)")]
    SecretTooShort,
    #[error("NAFITHA_SECRET must be set with PostgreSQL: every instance must share it (e.g. `openssl rand -hex 32`)")]
    SecretMissing,
    #[error("cannot read or create the secret in {path}")]
    SecretFile {
        path: String,
        source: std::io::Error,
    },
    #[error("NAFITHA_STATS_CACHE_MS must be a number of milliseconds, 0 or more (got {0:?})")]
    StatsCacheMs(String),
    #[error("NAFITHA_METRICS_ADDR must be an address like 127.0.0.1:9090 (got {0:?})")]
    MetricsAddr(String),
    #[error("NAFITHA_PAYMENT_ADAPTER must be log, the only payment adapter so far (got {0:?})")]
    PaymentAdapter(String),
    #[error("NAFITHA_PAYMENT_SECRET must be at least {MIN_SECRET_BYTES} characters (e.g. `openssl rand -hex 32`)")]
    PaymentSecretTooShort,
    #[error("{0}")]
    ObjectStore(String),
    #[error("the data directory {path} is not writable")]
    DataDir {
        path: String,
        source: std::io::Error,
    },
}

impl Config {
    /// True when citizens reach the portal over HTTPS (its public URL says so): session
    /// cookies are then `Secure` and `__Host-` prefixed, and responses carry HSTS.
    pub fn served_over_https(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    /// Reads the configuration from the process environment.
    pub fn from_env() -> Result<Config, ConfigError> {
        Config::from_lookup(|key| std::env::var(key).ok())
    }

    /// Reads the configuration through `lookup` (the environment, or a map in tests) and
    /// makes sure the data directory exists and is writable.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let get = |key: &str| lookup(key).filter(|v| !v.trim().is_empty());
        let addr_raw = get("NAFITHA_ADDR").unwrap_or_else(|| "127.0.0.1:8080".to_owned());
        let addr = addr_raw
            .parse()
            .map_err(|_| ConfigError::Addr(addr_raw.clone()))?;
        let data_dir =
            PathBuf::from(get("NAFITHA_DATA_DIR").unwrap_or_else(|| "./data".to_owned()));
        let database = match get("DATABASE_URL") {
            Some(raw) => DatabaseUrl::parse(raw.trim())?,
            None => DatabaseUrl::Sqlite(default_sqlite_url(&data_dir)),
        };
        let max_connections = match get("NAFITHA_DB_MAX_CONNECTIONS") {
            Some(raw) => raw
                .trim()
                .parse()
                .ok()
                .filter(|n| (1..=1000).contains(n))
                .ok_or(ConfigError::MaxConnections(raw))?,
            None if matches!(database, DatabaseUrl::Sqlite(_)) => 8,
            None => 20,
        };
        let dist_dir = PathBuf::from(get("NAFITHA_DIST").unwrap_or_else(|| "./dist".to_owned()));
        let public_url = match get("NAFITHA_PUBLIC_URL") {
            Some(raw) => match url::Url::parse(raw.trim()) {
                Ok(url) if matches!(url.scheme(), "http" | "https") && url.host_str().is_some() => {
                    raw.trim().trim_end_matches('/').to_owned()
                }
                _ => return Err(ConfigError::PublicUrl(raw)),
            },
            None => format!("http://{addr}"),
        };
        let video_url_template = match get("NAFITHA_VIDEO_URL_TEMPLATE") {
            Some(raw) => {
                let template = raw.trim().to_owned();
                let parsed = url::Url::parse(&template.replace("{reference}", "0"));
                match parsed {
                    Ok(url)
                        if matches!(url.scheme(), "http" | "https")
                            && template.contains("{reference}") =>
                    {
                        template
                    }
                    _ => return Err(ConfigError::VideoUrl(raw)),
                }
            }
            None => DEFAULT_VIDEO_URL_TEMPLATE.to_owned(),
        };
        let notify = notify_config(&get)?;
        let objects = objects::read(&get, &data_dir)?;
        let limits = limit_settings(&get)?;
        let client_ip_header =
            get("NAFITHA_CLIENT_IP_HEADER").map(|h| h.trim().to_ascii_lowercase());
        let demo = get("NAFITHA_DEMO").is_some_and(|v| matches!(v.trim(), "1" | "true" | "yes"));
        let trusted_proxies = number(&get, "NAFITHA_TRUSTED_PROXIES", 1, 1, 10)? as usize;
        ensure_writable(&data_dir)?;
        let secret = match get("NAFITHA_SECRET") {
            Some(text) => Secret::from_text(&text).ok_or(ConfigError::SecretTooShort)?,
            None if matches!(database, DatabaseUrl::Postgres(_)) => {
                return Err(ConfigError::SecretMissing)
            }
            None => {
                Secret::load_or_create(&data_dir).map_err(|source| ConfigError::SecretFile {
                    path: data_dir.display().to_string(),
                    source,
                })?
            }
        };
        let outbox_retention_days = number(&get, "NAFITHA_OUTBOX_RETENTION_DAYS", 30, 1, 3650)?;
        let request_timeout_ms = u64::from(number(
            &get,
            "NAFITHA_REQUEST_TIMEOUT_MS",
            30_000,
            100,
            600_000,
        )?);
        let upload_idle_timeout_ms = u64::from(number(
            &get,
            "NAFITHA_UPLOAD_IDLE_TIMEOUT_MS",
            30_000,
            100,
            600_000,
        )?);
        let stats_cache_ms = match get("NAFITHA_STATS_CACHE_MS") {
            Some(raw) => raw
                .trim()
                .parse::<u32>()
                .map(i64::from)
                .map_err(|_| ConfigError::StatsCacheMs(raw))?,
            None => 1000,
        };
        let defaults = ConnectionLimits::default();
        let default_timeout_ms = defaults.header_read_timeout.as_millis() as u32;
        let connections = ConnectionLimits {
            header_read_timeout: Duration::from_millis(u64::from(number(
                &get,
                "NAFITHA_HEADER_READ_TIMEOUT_MS",
                default_timeout_ms,
                100,
                600_000,
            )?)),
            max_open: number(
                &get,
                "NAFITHA_MAX_CONNECTIONS",
                defaults.max_open as u32,
                1,
                1_000_000,
            )? as usize,
        };
        let metrics_addr = get("NAFITHA_METRICS_ADDR")
            .map(|raw| {
                raw.trim()
                    .parse()
                    .map_err(|_| ConfigError::MetricsAddr(raw))
            })
            .transpose()?;
        let payments = PaymentConfig {
            adapter: match get("NAFITHA_PAYMENT_ADAPTER") {
                None => PaymentAdapterKind::Log,
                Some(raw) if raw.trim() == "log" => PaymentAdapterKind::Log,
                Some(raw) => return Err(ConfigError::PaymentAdapter(raw)),
            },
            secret: get("NAFITHA_PAYMENT_SECRET")
                .map(|text| Secret::from_text(&text).ok_or(ConfigError::PaymentSecretTooShort))
                .transpose()?,
        };
        Ok(Config {
            objects,
            payments,
            video_url_template,
            connections,
            metrics_addr,
            demo,
            stats_cache_ms,
            clock: crate::clock::Clock::system(),
            notify,
            limits,
            client_ip_header,
            trusted_proxies,
            secret,
            outbox_retention_days,
            request_timeout_ms,
            upload_idle_timeout_ms,
            addr,
            data_dir,
            database,
            dist_dir,
            max_connections,
            public_url,
        })
    }
}

/// The whole number `key` holds, from `min` to `max`, or `default` when unset.
fn number(
    get: &impl Fn(&str) -> Option<String>,
    key: &'static str,
    default: u32,
    min: u32,
    max: u32,
) -> Result<u32, ConfigError> {
    match get(key) {
        None => Ok(default),
        Some(raw) => raw
            .trim()
            .parse()
            .ok()
            .filter(|n| (min..=max).contains(n))
            .ok_or(ConfigError::Number { key, min, max, raw }),
    }
}

/// The abuse limits; 0 turns one off.
fn limit_settings(get: &impl Fn(&str) -> Option<String>) -> Result<LimitSettings, ConfigError> {
    let d = LimitSettings::default();
    let n = |key, default| number(get, key, default, 0, 1_000_000);
    Ok(LimitSettings {
        track_per_minute: n("NAFITHA_TRACK_PER_MINUTE", d.track_per_minute)?,
        sign_in_per_minute: n("NAFITHA_SIGN_IN_PER_MINUTE", d.sign_in_per_minute)?,
        filings_per_client_hour: n("NAFITHA_FILINGS_PER_CLIENT_HOUR", d.filings_per_client_hour)?,
        filings_per_phone_hour: n("NAFITHA_FILINGS_PER_PHONE_HOUR", d.filings_per_phone_hour)?,
        sms_per_phone_day: n("NAFITHA_SMS_PER_PHONE_DAY", d.sms_per_phone_day)?,
        uploads_per_client_hour: n("NAFITHA_UPLOADS_PER_CLIENT_HOUR", d.uploads_per_client_hour)?,
        upload_mb_per_client_hour: n(
            "NAFITHA_UPLOAD_MB_PER_CLIENT_HOUR",
            d.upload_mb_per_client_hour,
        )?,
        uploads_in_flight_per_client: n(
            "NAFITHA_UPLOADS_IN_FLIGHT_PER_CLIENT",
            d.uploads_in_flight_per_client,
        )?,
        uploads_in_flight: n("NAFITHA_UPLOADS_IN_FLIGHT", d.uploads_in_flight)?,
        payment_callbacks_per_minute: n(
            "NAFITHA_PAYMENT_CALLBACKS_PER_MINUTE",
            d.payment_callbacks_per_minute,
        )?,
    })
}

fn notify_config(get: &impl Fn(&str) -> Option<String>) -> Result<NotifyConfig, ConfigError> {
    let http_url = |key: &str, raw: String| match url::Url::parse(raw.trim()) {
        Ok(url) if matches!(url.scheme(), "http" | "https") => Ok(raw.trim().to_owned()),
        _ => Err(ConfigError::Notify(format!(
            "{key} must be an http(s) address (got {raw:?})"
        ))),
    };
    let sms_gateway = match get("NAFITHA_SMS_GATEWAY_URL") {
        Some(raw) => Some(SmsGateway {
            url: http_url("NAFITHA_SMS_GATEWAY_URL", raw)?,
            token: get("NAFITHA_SMS_GATEWAY_TOKEN"),
        }),
        None => None,
    };
    let smtp = match get("NAFITHA_SMTP_URL") {
        Some(raw) => {
            let scheme_ok = raw.starts_with("smtp://") || raw.starts_with("smtps://");
            let from = get("NAFITHA_SMTP_FROM").filter(|f| f.contains('@'));
            match (scheme_ok, from) {
                (true, Some(from)) => Some(Smtp {
                    url: raw.trim().to_owned(),
                    from: from.trim().to_owned(),
                }),
                (false, _) => {
                    return Err(ConfigError::Notify(
                        "NAFITHA_SMTP_URL must start with smtp:// or smtps://".into(),
                    ))
                }
                (true, None) => return Err(ConfigError::Notify(
                    "NAFITHA_SMTP_FROM must be set to the sender address when NAFITHA_SMTP_URL is"
                        .into(),
                )),
            }
        }
        None => None,
    };
    let retry_base_ms = match get("NAFITHA_NOTIFY_RETRY_MS") {
        Some(raw) => raw
            .trim()
            .parse()
            .ok()
            .filter(|n| (0..=3_600_000).contains(n))
            .ok_or_else(|| {
                ConfigError::Notify(format!(
                    "NAFITHA_NOTIFY_RETRY_MS must be a number of milliseconds up to 3600000 (got {raw:?})"
                ))
            })?,
        None => 10_000,
    };
    Ok(NotifyConfig {
        sms_gateway,
        smtp,
        retry_base_ms,
    })
}

/// The SQLite database inside the data directory, created when missing.
fn default_sqlite_url(data_dir: &Path) -> String {
    format!(
        "sqlite://{}?mode=rwc",
        data_dir.join("nafitha.db").display()
    )
}

fn ensure_writable(dir: &Path) -> Result<(), ConfigError> {
    let fail = |source| ConfigError::DataDir {
        path: dir.display().to_string(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(fail)?;
    let probe = dir.join(format!(".write-probe-{}", std::process::id()));
    std::fs::write(&probe, b"").map_err(fail)?;
    std::fs::remove_file(&probe).map_err(fail)
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn config_with(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).into(), (*v).into()))
            .collect();
        Config::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn defaults_use_sqlite_in_the_data_directory() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let config = config_with(&[("NAFITHA_DATA_DIR", data.to_str().unwrap())]).unwrap();
        assert_eq!(config.addr.to_string(), "127.0.0.1:8080");
        assert_eq!(config.database.engine(), "sqlite");
        assert!(config.database.as_str().contains("nafitha.db"));
        assert_eq!(config.max_connections, 8);
        assert_eq!(config.limits, LimitSettings::default());
        assert!(data.join("secret.key").is_file(), "a secret is generated");
        assert!(data.is_dir(), "the data directory is created");
    }

    #[test]
    fn postgres_urls_are_recognised_by_scheme() {
        let dir = tempfile::tempdir().unwrap();
        let config = config_with(&[
            ("NAFITHA_DATA_DIR", dir.path().to_str().unwrap()),
            (
                "DATABASE_URL",
                "postgresql://nafitha:secret@db.internal:5432/nafitha",
            ),
            ("NAFITHA_SECRET", &"x".repeat(32)),
        ])
        .unwrap();
        assert_eq!(config.database.engine(), "postgres");
        assert_eq!(config.max_connections, 20);
        assert!(!config.database.redacted().contains("secret"));
    }

    #[test]
    fn malformed_database_urls_are_refused_with_a_reason() {
        for raw in [
            "mysql://x/y",
            "postgres://",
            "sqlite:",
            "sqlite://?mode=rwc",
            "not a url",
        ] {
            let err = DatabaseUrl::parse(raw).unwrap_err().to_string();
            assert!(
                err.starts_with("DATABASE_URL is not usable"),
                "{raw}: {err}"
            );
        }
    }

    #[test]
    fn a_bad_listen_address_or_pool_size_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().to_str().unwrap();
        assert!(matches!(
            config_with(&[("NAFITHA_DATA_DIR", data), ("NAFITHA_ADDR", "localhost")]),
            Err(ConfigError::Addr(_))
        ));
        assert!(matches!(
            config_with(&[
                ("NAFITHA_DATA_DIR", data),
                ("NAFITHA_DB_MAX_CONNECTIONS", "0")
            ]),
            Err(ConfigError::MaxConnections(_))
        ));
    }

    #[test]
    fn the_public_url_must_be_http_and_loses_its_trailing_slash() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().to_str().unwrap();
        let err = config_with(&[
            ("NAFITHA_DATA_DIR", data),
            ("NAFITHA_PUBLIC_URL", "ftp://x"),
        ])
        .unwrap_err();
        assert!(matches!(err, ConfigError::PublicUrl(_)), "{err}");
        let config = config_with(&[
            ("NAFITHA_DATA_DIR", data),
            ("NAFITHA_PUBLIC_URL", "https://nafitha.example.sa/"),
        ])
        .unwrap();
        assert_eq!(config.public_url, "https://nafitha.example.sa");
        let config = config_with(&[("NAFITHA_DATA_DIR", data)]).unwrap();
        assert_eq!(config.public_url, "http://127.0.0.1:8080");
    }

    #[test]
    fn postgres_needs_a_shared_secret_and_a_secret_must_be_long() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().to_str().unwrap();
        let pg = ("DATABASE_URL", "postgres://u@db:5432/n");
        let err = config_with(&[("NAFITHA_DATA_DIR", data), pg]).unwrap_err();
        assert!(matches!(err, ConfigError::SecretMissing), "{err}");
        let err = config_with(&[("NAFITHA_DATA_DIR", data), ("NAFITHA_SECRET", "short")]);
        assert!(matches!(err, Err(ConfigError::SecretTooShort)));
    }

    #[test]
    fn limits_are_read_and_zero_turns_one_off() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().to_str().unwrap();
        let config = config_with(&[
            ("NAFITHA_DATA_DIR", data),
            ("NAFITHA_FILINGS_PER_PHONE_HOUR", "0"),
            ("NAFITHA_SMS_PER_PHONE_DAY", "3"),
            ("NAFITHA_TRUSTED_PROXIES", "2"),
        ])
        .unwrap();
        assert_eq!(config.limits.filings_per_phone_hour, 0);
        assert_eq!(config.limits.sms_per_phone_day, 3);
        assert_eq!(config.trusted_proxies, 2);
        let err = config_with(&[
            ("NAFITHA_DATA_DIR", data),
            ("NAFITHA_UPLOADS_PER_CLIENT_HOUR", "many"),
        ])
        .unwrap_err();
        assert!(
            err.to_string().contains("NAFITHA_UPLOADS_PER_CLIENT_HOUR"),
            "{err}"
        );
    }

    #[test]
    fn payments_use_the_log_adapter_and_a_secret_of_their_own_when_given_one() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().to_str().unwrap();
        let config = config_with(&[("NAFITHA_DATA_DIR", data)]).unwrap();
        assert_eq!(config.payments.adapter, PaymentAdapterKind::Log);
        assert!(config.payments.secret.is_none());
        let config = config_with(&[
            ("NAFITHA_DATA_DIR", data),
            ("NAFITHA_PAYMENT_SECRET", &"p".repeat(32)),
        ])
        .unwrap();
        assert!(config.payments.secret.is_some());
        assert!(matches!(
            config_with(&[
                ("NAFITHA_DATA_DIR", data),
                ("NAFITHA_PAYMENT_SECRET", "short")
            ]),
            Err(ConfigError::PaymentSecretTooShort)
        ));
        assert!(matches!(
            config_with(&[
                ("NAFITHA_DATA_DIR", data),
                ("NAFITHA_PAYMENT_ADAPTER", "sadad")
            ]),
            Err(ConfigError::PaymentAdapter(_))
        ));
    }

    #[test]
    fn connection_limits_and_the_metrics_address_have_safe_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let config = config_with(&[("NAFITHA_DATA_DIR", dir.path().to_str().unwrap())]).unwrap();
        assert_eq!(
            config.connections.header_read_timeout,
            Duration::from_secs(10)
        );
        assert_eq!(config.connections.max_open, 4096);
        assert_eq!(
            config.metrics_addr, None,
            "metrics are not served unless asked for"
        );
    }

    #[test]
    fn connection_limits_and_the_metrics_address_are_read_from_the_environment() {
        let dir = tempfile::tempdir().unwrap();
        let config = config_with(&[
            ("NAFITHA_DATA_DIR", dir.path().to_str().unwrap()),
            ("NAFITHA_HEADER_READ_TIMEOUT_MS", "2500"),
            ("NAFITHA_MAX_CONNECTIONS", " 64 "),
            ("NAFITHA_METRICS_ADDR", "127.0.0.1:9090"),
        ])
        .unwrap();
        assert_eq!(
            config.connections.header_read_timeout,
            Duration::from_millis(2500)
        );
        assert_eq!(config.connections.max_open, 64);
        assert_eq!(config.metrics_addr, Some("127.0.0.1:9090".parse().unwrap()));
    }

    #[test]
    fn connection_limits_out_of_range_and_a_bad_metrics_address_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().to_str().unwrap();
        for timeout in ["0", "99", "600001", "ten"] {
            assert!(matches!(
                config_with(&[
                    ("NAFITHA_DATA_DIR", data),
                    ("NAFITHA_HEADER_READ_TIMEOUT_MS", timeout)
                ]),
                Err(ConfigError::Number {
                    key: "NAFITHA_HEADER_READ_TIMEOUT_MS",
                    ..
                })
            ));
        }
        for cap in ["0", "1000001", "-1"] {
            assert!(matches!(
                config_with(&[("NAFITHA_DATA_DIR", data), ("NAFITHA_MAX_CONNECTIONS", cap)]),
                Err(ConfigError::Number {
                    key: "NAFITHA_MAX_CONNECTIONS",
                    ..
                })
            ));
        }
        assert!(matches!(
            config_with(&[("NAFITHA_DATA_DIR", data), ("NAFITHA_METRICS_ADDR", "9090")]),
            Err(ConfigError::MetricsAddr(_))
        ));
    }

    #[test]
    fn a_data_directory_that_cannot_be_created_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a-file");
        std::fs::write(&file, b"x").unwrap();
        let err =
            config_with(&[("NAFITHA_DATA_DIR", file.join("data").to_str().unwrap())]).unwrap_err();
        assert!(matches!(err, ConfigError::DataDir { .. }), "{err}");
        assert!(err.to_string().contains("not writable"));
    }
}
