//! Spawning the application for a test, once per database engine.

use std::path::Path;

use nafitha_server::config::{Config, DatabaseUrl, NotifyConfig};
use nafitha_server::startup::Application;
use tempfile::TempDir;

/// A running application and a client for it.
pub struct TestApp {
    pub address: String,
    pub engine: &'static str,
    pub client: reqwest::Client,
    /// The data directory and built app; removed when the test ends.
    pub dir: TempDir,
    /// The database the app uses, for assertions on what was (not) stored.
    pub database_url: String,
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
async fn fresh_postgres_database(url: &str) -> String {
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
    nafitha_server::assets::precompress_dir(dist).unwrap();
}

pub const INDEX_HTML: &str = "<!doctype html><html lang=\"ar\" dir=\"rtl\"><head><title>نافذة</title></head><body></body></html>";

/// What a test may change in the application it spawns.
#[derive(Clone)]
pub struct Options {
    pub notify: NotifyConfig,
    pub track_per_minute: u32,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            notify: NotifyConfig {
                retry_base_ms: 10_000,
                ..NotifyConfig::default()
            },
            track_per_minute: 1_000,
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

fn postgres_server() -> Option<String> {
    std::env::var("NAFITHA_TEST_POSTGRES_URL")
        .ok()
        .filter(|url| !url.trim().is_empty())
}

async fn spawn_app(postgres_url: Option<String>, options: &Options) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let dist = dir.path().join("dist");
    write_fake_dist(&dist);
    let data = dir.path().join("data");
    let database = match &postgres_url {
        Some(url) => DatabaseUrl::Postgres(url.clone()),
        None => DatabaseUrl::Sqlite(format!(
            "sqlite://{}?mode=rwc",
            data.join("test.db").display()
        )),
    };
    std::fs::create_dir_all(&data).unwrap();
    let config = Config {
        addr: "127.0.0.1:0".parse().unwrap(),
        data_dir: data,
        database,
        dist_dir: dist,
        max_connections: 4,
        public_url: "https://nafitha.test".into(),
        notify: options.notify.clone(),
        track_per_minute: options.track_per_minute,
        client_ip_header: None,
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
    tokio::spawn(app.run_until_stopped(std::future::pending()));
    TestApp {
        address,
        engine,
        client: reqwest::Client::new(),
        dir,
        database_url,
    }
}
