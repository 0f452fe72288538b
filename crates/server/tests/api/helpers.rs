//! Spawning the application for a test, once per database engine.

use std::path::Path;

use nafitha_server::attachments::Objects;
use nafitha_server::config::{
    Config, ConnectionLimits, DatabaseUrl, NotifyConfig, ObjectStoreConfig, PaymentConfig,
    S3Config, S3Credentials,
};
use nafitha_server::limits::LimitSettings;
use nafitha_server::startup::Application;
use tempfile::TempDir;

/// A running application and a client for it.
pub struct TestApp {
    pub address: String,
    /// `http://` and the metrics listener's address.
    pub metrics_address: String,
    pub engine: &'static str,
    /// Where its attachment files are: `local` (its data directory) or `s3` (a bucket of
    /// its own on the S3 stand-in).
    pub storage: &'static str,
    /// Its attachment store, to look at what was (not) stored.
    pub objects: Objects,
    objects_config: ObjectStoreConfig,
    pub client: reqwest::Client,
    /// The data directory and built app; removed when the test ends.
    pub dir: TempDir,
    /// The database the app uses, for assertions on what was (not) stored.
    pub database_url: String,
    /// The session of the agency supervisor `agency_acts` works as, once signed in.
    agency_cookie: tokio::sync::OnceCell<String>,
    /// The demo staff made at start-up (with `Options::demo`).
    pub demo_staff: Vec<nafitha_server::startup::DemoAccount>,
    /// Told to stop by [`TestApp::stop`], as SIGTERM tells the real server.
    shutdown: std::sync::Arc<tokio::sync::Notify>,
    server: tokio::task::JoinHandle<anyhow::Result<()>>,
}

impl TestApp {
    /// The engine and the storage, for assertion messages.
    pub fn label(&self) -> String {
        format!("{} with {} files", self.engine, self.storage)
    }

    /// The bytes stored for upload `id`, if any.
    pub async fn stored(&self, id: &str) -> Option<Vec<u8>> {
        use futures_util::StreamExt;
        let mut download = self.objects.get(id).await.unwrap()?;
        let mut bytes = Vec::new();
        while let Some(chunk) = download.stream.next().await {
            bytes.extend_from_slice(&chunk.unwrap());
        }
        Some(bytes)
    }

    /// Asks the server to stop, as SIGTERM does.
    pub fn stop(&self) {
        self.shutdown.notify_one();
    }

    /// The server's task, which ends once it has stopped.
    pub fn server(&mut self) -> &mut tokio::task::JoinHandle<anyhow::Result<()>> {
        &mut self.server
    }

    /// Every message the notifier has written to the outbox log so far.
    pub fn outbox_log(&self) -> Vec<serde_json::Value> {
        std::fs::read_to_string(self.dir.path().join("data/outbox.jsonl"))
            .unwrap_or_default()
            .lines()
            .map(|line| serde_json::from_str(line).expect("one JSON object per line"))
            .collect()
    }

    /// Waits (up to 5 s) until the outbox log holds a message to `to` whose body contains
    /// `needle`, and returns its body.
    pub async fn wait_for_message(&self, to: &str, needle: &str) -> String {
        for _ in 0..100 {
            let found =
                self.outbox_log().into_iter().rev().find(|m| {
                    m["to"] == to && m["body"].as_str().is_some_and(|b| b.contains(needle))
                });
            if let Some(message) = found {
                return message["body"].as_str().unwrap().to_owned();
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!(
            "{}: no message to {to} containing {needle:?}: {:?}",
            self.engine,
            self.outbox_log()
        );
    }

    /// Files a road-damage report for `phone` and returns its reference.
    pub async fn file_for(&self, phone: &str) -> String {
        let body = serde_json::json!({
            "service_code": "epm-road-damage",
            "locale": "en",
            "applicant": { "name": "Test Applicant", "phone": phone },
            "answers": { "damage": "pothole", "danger": "no", "details": "A hole", "location": { "address": "King Fahd Road, Dammam" } }
        });
        let response = self
            .client
            .post(self.url("/api/v1/requests"))
            .header("Idempotency-Key", uuid::Uuid::new_v4().to_string())
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201, "{}", self.engine);
        let filed: serde_json::Value = response.json().await.unwrap();
        filed["reference"].as_str().unwrap().to_owned()
    }

    /// Signs in with the code the SMS carried; returns the `Cookie` header to send.
    pub async fn sign_in(&self, phone: &str) -> String {
        let sent = ask_code(self, phone).await;
        assert_eq!(sent.status(), 202, "{}", self.engine);
        let code = code_in(&self.wait_for_message(&e164(phone), "sign-in code").await);
        let verified = self
            .client
            .post(self.url("/api/v1/auth/verify"))
            .json(&serde_json::json!({ "phone": phone, "code": code }))
            .send()
            .await
            .unwrap();
        assert_eq!(verified.status(), 200, "{}", self.engine);
        session_cookie_of(&verified)
    }

    /// A GET with a session cookie.
    pub async fn get_as(&self, cookie: &str, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .header("Cookie", cookie)
            .send()
            .await
            .unwrap()
    }

    /// A JSON POST with a session cookie.
    pub async fn post_as(
        &self,
        cookie: &str,
        path: &str,
        body: &serde_json::Value,
    ) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .header("Cookie", cookie)
            .json(body)
            .send()
            .await
            .unwrap()
    }

    /// Adds a staff account (through the store, as the CLI does) and signs it in through
    /// the API; returns the `Cookie` header to send.
    pub async fn staff(
        &self,
        username: &str,
        role: &str,
        agency: &str,
        department: Option<&str>,
    ) -> String {
        use nafitha_server::store::staff::{StaffAccount, StaffAdded};
        let account = StaffAccount {
            username: username.into(),
            password_hash: nafitha_server::auth::password::hash_password(STAFF_PASSWORD).unwrap(),
            role: role.into(),
            agency: agency.into(),
            department: department.map(str::to_owned),
            disabled: false,
        };
        let added = self.store().await.add_staff(&account, 0).await.unwrap();
        assert_eq!(added, StaffAdded::Added, "{}", self.engine);
        let response = self
            .client
            .post(self.url("/api/v1/staff/session"))
            .json(&serde_json::json!({ "username": username, "password": STAFF_PASSWORD }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{}", self.engine);
        session_cookie_of(&response)
    }

    /// The agency acts on a request through the staff API, as a supervisor of `epm`.
    pub async fn agency_acts(&self, reference: &str, action: serde_json::Value) {
        let cookie = self
            .agency_cookie
            .get_or_init(|| self.staff("supervisor.test", "supervisor", "epm", None))
            .await;
        let response = self
            .post_as(
                cookie,
                &format!("/api/v1/staff/requests/{reference}/actions"),
                &action,
            )
            .await;
        assert_eq!(response.status(), 204, "{}", self.engine);
    }
}

/// Asks for a sign-in code for `phone` (English texts).
pub async fn ask_code(app: &TestApp, phone: &str) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/auth/otp"))
        .header("Accept-Language", "en")
        .json(&serde_json::json!({ "phone": phone }))
        .send()
        .await
        .unwrap()
}

/// The server secret of every test application.
pub const TEST_SECRET: &str = "test-secret-test-secret-test-secret-0123";

/// The password of every staff account tests create.
pub const STAFF_PASSWORD: &str = "correct horse battery";

/// A Saudi mobile number in E.164 form, from `05…`.
pub fn e164(phone: &str) -> String {
    format!("+966{}", phone.trim_start_matches('0'))
}

/// The six-digit code inside an SMS body.
pub fn code_in(body: &str) -> String {
    body.as_bytes()
        .windows(6)
        .find(|w| w.iter().all(u8::is_ascii_digit))
        .map(|w| String::from_utf8(w.to_vec()).unwrap())
        .expect("the SMS carries a code")
}

/// The `name=value` of the session cookie a response set.
pub fn session_cookie_of(response: &reqwest::Response) -> String {
    let set = response
        .headers()
        .get("set-cookie")
        .expect("a session cookie")
        .to_str()
        .unwrap();
    set.split(';').next().unwrap().to_owned()
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request sent")
    }

    /// The app's metrics, as its metrics listener serves them.
    pub async fn metrics(&self) -> String {
        let response = self
            .client
            .get(format!("{}/metrics", self.metrics_address))
            .send()
            .await
            .expect("metrics scraped");
        assert_eq!(response.status(), 200, "{}", self.engine);
        response.text().await.unwrap()
    }

    /// Waits (up to 5 s) until the app's metrics contain `needle`, and returns them.
    pub async fn wait_for_metric(&self, needle: &str) -> String {
        let mut text = String::new();
        for _ in 0..100 {
            text = self.metrics().await;
            if text.contains(needle) {
                return text;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("{}: no {needle:?} in the metrics:\n{text}", self.engine);
    }

    /// The public listener's address, for raw connections.
    pub fn socket_address(&self) -> std::net::SocketAddr {
        self.address
            .trim_start_matches("http://")
            .parse()
            .expect("the app listens on an IP address")
    }

    /// Runs one statement on the app's database (to arrange what the API cannot, yet).
    pub async fn execute(&self, sql: &str) {
        use sqlx::Connection;
        sqlx::any::install_default_drivers();
        let mut conn = sqlx::AnyConnection::connect(&self.database_url)
            .await
            .expect("connect to the test database");
        sqlx::query(sql).execute(&mut conn).await.unwrap();
    }

    /// A store on the app's database, for driving jobs the server runs on a timer.
    pub async fn store(&self) -> nafitha_server::store::Store {
        let url = if self.engine == "postgres" {
            nafitha_server::config::DatabaseUrl::Postgres(self.database_url.clone())
        } else {
            nafitha_server::config::DatabaseUrl::Sqlite(self.database_url.clone())
        };
        nafitha_server::store::Store::connect(&url, 2)
            .await
            .unwrap()
    }

    /// The text column `v` of the first row `sql` returns ("" when there is none).
    pub async fn scalar(&self, sql: &str) -> String {
        use sqlx::{Connection, Row};
        sqlx::any::install_default_drivers();
        let mut conn = sqlx::AnyConnection::connect(&self.database_url)
            .await
            .expect("connect to the test database");
        sqlx::query(sql)
            .fetch_optional(&mut conn)
            .await
            .unwrap()
            .map(|row| row.try_get::<String, _>("v").unwrap())
            .unwrap_or_default()
    }

    /// Waits (up to 5 s) until `sql` returns a non-empty `v`, and returns it.
    pub async fn wait_for_scalar(&self, sql: &str) -> String {
        for _ in 0..100 {
            let value = self.scalar(sql).await;
            if !value.is_empty() {
                return value;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("{}: nothing came of {sql}", self.engine);
    }

    /// Rows in `table`, straight from the database.
    pub async fn count(&self, table: &str) -> i64 {
        use sqlx::{Connection, Row};
        sqlx::any::install_default_drivers();
        let mut conn = sqlx::AnyConnection::connect(&self.database_url)
            .await
            .expect("connect to the test database");
        let row = sqlx::query(&format!("select count(*) as n from {table}"))
            .fetch_one(&mut conn)
            .await
            .unwrap();
        row.try_get::<i64, _>("n").unwrap()
    }
}

/// One application per engine under test: SQLite always, PostgreSQL when configured.
pub async fn spawn_apps() -> Vec<TestApp> {
    spawn_apps_with(Options::default()).await
}

/// Creates an empty database with a unique name on the PostgreSQL server at `url` and
/// returns its URL, so tests never see each other's data.
pub async fn fresh_postgres_database(url: &str) -> String {
    use sqlx::Connection;
    let name = format!("nafitha_test_{}", uuid::Uuid::new_v4().simple());
    let mut admin = sqlx::PgConnection::connect(url)
        .await
        .expect("connect to the test PostgreSQL");
    sqlx::Executor::execute(&mut admin, format!(r#"create database "{name}""#).as_str())
        .await
        .expect("create a test database");
    let mut parsed = url::Url::parse(url).expect("NAFITHA_TEST_POSTGRES_URL is a URL");
    parsed.set_path(&name);
    parsed.to_string()
}

/// Writes a minimal built app, like Trunk's output, into `dist`.
fn write_fake_dist(dist: &Path) {
    std::fs::create_dir_all(dist).unwrap();
    std::fs::write(dist.join("index.html"), INDEX_HTML).unwrap();
    std::fs::write(
        dist.join("nafitha-web-0123456789abcdef.js"),
        "export default function init() {}\n".repeat(50),
    )
    .unwrap();
    std::fs::write(dist.join("manifest.webmanifest"), "{\"name\":\"Nafitha\"}").unwrap();
    // The back office, built into dist/staff.
    let staff = dist.join("staff");
    std::fs::create_dir_all(&staff).unwrap();
    std::fs::write(staff.join("index.html"), STAFF_INDEX_HTML).unwrap();
    std::fs::write(
        staff.join("nafitha-web-fedcba9876543210.js"),
        "export default function init() {}\n".repeat(50),
    )
    .unwrap();
    // The intake desk, built into dist/staff/desk.
    let desk = staff.join("desk");
    std::fs::create_dir_all(&desk).unwrap();
    std::fs::write(desk.join("index.html"), DESK_INDEX_HTML).unwrap();
    std::fs::write(
        desk.join("nafitha-web-0a1b2c3d4e5f6a7b.js"),
        "export default function init() {}\n".repeat(50),
    )
    .unwrap();
    // The licensing desk, built into dist/staff/licensing (decision 0015).
    let licensing = staff.join("licensing");
    std::fs::create_dir_all(&licensing).unwrap();
    std::fs::write(licensing.join("index.html"), LICENSING_INDEX_HTML).unwrap();
    std::fs::write(
        licensing.join("nafitha-web-2b3c4d5e6f7a8b9c.js"),
        "export default function init() {}\n".repeat(50),
    )
    .unwrap();
    // The records app, built into dist/records (decision 0014).
    let records = dist.join("records");
    std::fs::create_dir_all(&records).unwrap();
    std::fs::write(records.join("index.html"), RECORDS_INDEX_HTML).unwrap();
    std::fs::write(
        records.join("nafitha-web-1a2b3c4d5e6f7a8b.js"),
        "export default function init() {}\n".repeat(50),
    )
    .unwrap();
    nafitha_server::assets::precompress_dir(dist).unwrap();
}

/// The licensing desk's page (decision 0015).
pub const LICENSING_INDEX_HTML: &str = "<!doctype html><html lang=\"ar\" dir=\"rtl\"><head><title>نافذة: الرخص</title></head><body>\
    <script type=module>import init from '/staff/licensing/nafitha-web-2b3c4d5e6f7a8b9c.js';await init();</script></body></html>";

/// The records app's page (decision 0014).
pub const RECORDS_INDEX_HTML: &str = "<!doctype html><html lang=\"ar\" dir=\"rtl\"><head><title>نافذة: الرخص</title></head><body>\
    <script type=module>import init from '/records/nafitha-web-1a2b3c4d5e6f7a8b.js';await init();</script></body></html>";

/// The intake desk's page (decision 0012).
pub const DESK_INDEX_HTML: &str = "<!doctype html><html lang=\"ar\" dir=\"rtl\"><head><title>نافذة: المكتب</title></head><body>\
    <script type=module>import init from '/staff/desk/nafitha-web-0a1b2c3d4e5f6a7b.js';await init();</script></body></html>";

/// The back office's page: the locale script and its own WASM loader, inline, as Trunk
/// writes them (their hashes are in serving.rs).
pub const STAFF_INDEX_HTML: &str = "<!doctype html><html lang=\"ar\" dir=\"rtl\"><head><title>نافذة: الموظفون</title>\
    <script>document.documentElement.lang = localStorage.getItem('nafitha.locale') || 'ar';</script></head><body>\
    <script type=module>import init from '/staff/nafitha-web-fedcba9876543210.js';await init();</script></body></html>";

/// The citizens' page: the locale script, the WASM loader inline, a script by `src`.
pub const INDEX_HTML: &str = "<!doctype html><html lang=\"ar\" dir=\"rtl\"><head><title>نافذة</title>\
    <script>document.documentElement.lang = localStorage.getItem('nafitha.locale') || 'ar';</script>\
    <script src=\"/nafitha-web-0123456789abcdef.js\" type=module></script></head><body>\
    <script type=module>import init from '/nafitha-web-0123456789abcdef.js';await init();</script></body></html>";

/// What a test may change in the application it spawns.
#[derive(Clone)]
pub struct Options {
    pub notify: NotifyConfig,
    /// Generous by default, so that tests which file or look up a lot are not refused;
    /// tests of the limits set their own.
    pub limits: LimitSettings,
    /// The header trusted proxies put the client's address in (none by default).
    pub client_ip_header: Option<String>,
    /// Longest an API call may take (30 s by default).
    pub request_timeout_ms: u64,
    /// Longest an upload's body may pause (30 s by default).
    pub upload_idle_timeout_ms: u64,
    pub demo: bool,
    /// The portal's public address: `https://nafitha.test` unless a test wants plain HTTP.
    pub public_url: String,
    /// The system clock unless a test fixes it (`Clock::fixed`).
    pub clock: nafitha_server::clock::Clock,
    /// The production defaults unless a test tightens them.
    pub connections: ConnectionLimits,
    /// The `log` adapter, its callbacks signed with a key derived from the server's
    /// secret, unless a test gives the payment secret.
    pub payments: PaymentConfig,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            notify: NotifyConfig {
                retry_base_ms: 10_000,
                ..NotifyConfig::default()
            },
            limits: LimitSettings {
                track_per_minute: 1_000,
                sign_in_per_minute: 1_000,
                filings_per_client_hour: 10_000,
                filings_per_phone_hour: 1_000,
                sms_per_phone_day: 1_000,
                uploads_per_client_hour: 1_000,
                upload_mb_per_client_hour: 10_000,
                uploads_in_flight_per_client: 64,
                uploads_in_flight: 64,
                payment_callbacks_per_minute: 1_000,
            },
            client_ip_header: None,
            request_timeout_ms: 30_000,
            upload_idle_timeout_ms: 30_000,
            demo: false,
            public_url: "https://nafitha.test".into(),
            clock: nafitha_server::clock::Clock::system(),
            connections: ConnectionLimits::default(),
            payments: PaymentConfig::default(),
        }
    }
}

/// One application per engine under test, each spawned with `options`.
pub async fn spawn_apps_with(options: Options) -> Vec<TestApp> {
    let mut apps = vec![spawn_app(None, &options).await];
    if let Some(url) = postgres_server() {
        apps.push(spawn_app(Some(fresh_postgres_database(&url).await), &options).await);
    }
    apps
}

/// One application per engine under test, each spawned with `options` and its files in
/// its data directory, and, when an S3 stand-in is configured (`NAFITHA_TEST_S3_ENDPOINT`,
/// set by scripts/with-s3.sh), one more on SQLite with its files in a bucket of its own.
pub async fn spawn_apps_with_stores(options: Options) -> Vec<TestApp> {
    let mut apps = spawn_apps_with(options.clone()).await;
    if let Some(endpoint) = s3_endpoint() {
        let bucket = fresh_bucket(&endpoint).await;
        apps.push(spawn_on(None, &options, Some(bucket)).await);
    }
    apps
}

/// [`spawn_apps_with_stores`] with the default options.
pub async fn spawn_apps_and_stores() -> Vec<TestApp> {
    spawn_apps_with_stores(Options::default()).await
}

/// The S3 stand-in's address, when one runs.
pub fn s3_endpoint() -> Option<String> {
    std::env::var("NAFITHA_TEST_S3_ENDPOINT")
        .ok()
        .filter(|url| !url.trim().is_empty())
        .map(|url| url.trim().trim_end_matches('/').to_owned())
}

/// Makes an empty bucket with a unique name on the S3 stand-in at `endpoint` (which takes
/// any credentials), so tests never see each other's files, and returns its settings.
pub async fn fresh_bucket(endpoint: &str) -> ObjectStoreConfig {
    let bucket = format!("nafitha-test-{}", uuid::Uuid::new_v4().simple());
    let created = reqwest::Client::new()
        .put(format!("{endpoint}/{bucket}"))
        .send()
        .await
        .expect("the S3 stand-in answers");
    assert!(
        created.status().is_success(),
        "cannot create a bucket: {}",
        created.status()
    );
    ObjectStoreConfig::S3(S3Config {
        bucket,
        prefix: None,
        endpoint: Some(endpoint.to_owned()),
        region: "us-east-1".into(),
        path_style: true,
        credentials: Some(S3Credentials {
            access_key_id: "test".into(),
            secret_access_key: "test".into(),
            session_token: None,
        }),
    })
}

/// The PostgreSQL server tests make their databases on, when one is configured.
pub fn postgres_server() -> Option<String> {
    std::env::var("NAFITHA_TEST_POSTGRES_URL")
        .ok()
        .filter(|url| !url.trim().is_empty())
}

async fn spawn_app(postgres_url: Option<String>, options: &Options) -> TestApp {
    let database = postgres_url.map(DatabaseUrl::Postgres);
    spawn_on(database, options, None).await
}

impl TestApp {
    /// A second instance of the application on this one's database and attachment store
    /// (as several instances share one PostgreSQL and one bucket), with its own data
    /// directory.
    pub async fn twin(&self, options: &Options) -> TestApp {
        let database = if self.engine == "postgres" {
            DatabaseUrl::Postgres(self.database_url.clone())
        } else {
            DatabaseUrl::Sqlite(self.database_url.clone())
        };
        spawn_on(Some(database), options, Some(self.objects_config.clone())).await
    }
}

/// Spawns the application on `database`, or on a fresh SQLite file when `None`, with its
/// files in `objects`, or in its data directory when `None`.
async fn spawn_on(
    database: Option<DatabaseUrl>,
    options: &Options,
    objects: Option<ObjectStoreConfig>,
) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let dist = dir.path().join("dist");
    write_fake_dist(&dist);
    let data = dir.path().join("data");
    let database = database.unwrap_or_else(|| {
        DatabaseUrl::Sqlite(format!(
            "sqlite://{}?mode=rwc",
            data.join("test.db").display()
        ))
    });
    std::fs::create_dir_all(&data).unwrap();
    let objects = objects.unwrap_or_else(|| ObjectStoreConfig::in_data_dir(&data));
    let storage = match objects {
        ObjectStoreConfig::Local(_) => "local",
        ObjectStoreConfig::S3(_) => "s3",
    };
    let config = Config {
        objects: objects.clone(),
        addr: "127.0.0.1:0".parse().unwrap(),
        data_dir: data,
        database,
        dist_dir: dist,
        max_connections: 4,
        public_url: options.public_url.clone(),
        video_url_template: "https://meet.nafitha.test/{reference}".into(),
        notify: options.notify.clone(),
        limits: options.limits.clone(),
        client_ip_header: options.client_ip_header.clone(),
        trusted_proxies: 1,
        // One secret for every instance of a test (twins share the database).
        secret: nafitha_server::secret::Secret::from_text(TEST_SECRET).unwrap(),
        outbox_retention_days: 30,
        request_timeout_ms: options.request_timeout_ms,
        upload_idle_timeout_ms: options.upload_idle_timeout_ms,
        demo: options.demo,
        clock: options.clock.clone(),
        stats_cache_ms: 1000,
        connections: options.connections,
        metrics_addr: Some("127.0.0.1:0".parse().unwrap()),
        payments: options.payments.clone(),
    };
    let engine = config.database.engine();
    let database_url = config.database.as_str().to_owned();
    if std::env::var_os("NAFITHA_TEST_LOG").is_some() {
        nafitha_server::telemetry::init();
    }
    let app = Application::build(config)
        .await
        .expect("application builds");
    let address = format!("http://{}", app.address());
    let metrics_address = format!(
        "http://{}",
        app.metrics_address().expect("tests serve the metrics")
    );
    let demo_staff = app.demo_staff().to_vec();
    let shutdown = std::sync::Arc::new(tokio::sync::Notify::new());
    let stop = shutdown.clone();
    let server = tokio::spawn(app.run_until_stopped(async move { stop.notified().await }));
    TestApp {
        address,
        metrics_address,
        engine,
        storage,
        objects: Objects::open(&objects).expect("the test's store opens"),
        objects_config: objects,
        client: reqwest::Client::new(),
        dir,
        database_url,
        agency_cookie: tokio::sync::OnceCell::new(),
        demo_staff,
        shutdown,
        server,
    }
}
