//! Builds the application from a [`Config`]: opens and migrates the store, seeds the
//! catalogue, assembles the router, binds the listener. Tests use this with port 0.

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Context;
use axum::http::{header, HeaderValue, StatusCode};
use axum::routing::get;
use axum::{middleware, Router};
use tokio::net::TcpListener;
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::config::Config;
use crate::error::localize_errors;
use crate::store::seed::Catalogue;
use crate::store::Store;
use crate::{assets, attachments, headers, notify, routes};

/// Largest JSON body the API reads. Uploads have their own limit on their own route.
pub const JSON_BODY_LIMIT: usize = 64 * 1024;
/// Longest a request may take before the server answers 408.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// What every handler can reach.
#[derive(Clone, Debug)]
pub struct AppState {
    pub store: Store,
    /// The portal's public address, for links in notifications.
    pub public_url: String,
    /// Where attachment files are kept.
    pub objects: attachments::Objects,
    /// The portal is served over HTTPS ([`Config::served_over_https`]): session cookies
    /// are `Secure` and `__Host-` prefixed ([`crate::auth::SessionCookie::name`]).
    pub secure_cookies: bool,
    /// The header a trusted proxy puts the client's address in, if any.
    pub client_ip_header: Option<String>,
    /// Per-client limits (tracking, sign-in).
    pub limits: std::sync::Arc<crate::auth::RateLimits>,
    /// The time the API acts at (the system clock but in tests).
    pub clock: crate::clock::Clock,
    /// Public figures already computed (`GET /api/v1/stats`).
    pub stats_cache: std::sync::Arc<crate::routes::stats::StatsCache>,
}

impl AppState {
    /// Unix milliseconds now, by the state's clock.
    pub fn now_ms(&self) -> i64 {
        self.clock.now_ms()
    }
}

/// A built application, bound to its address and ready to serve.
pub struct Application {
    listener: TcpListener,
    router: Router,
    store: Store,
    notifier: tokio::task::JoinHandle<()>,
    stop_notifier: tokio::sync::watch::Sender<bool>,
    demo_staff: Vec<DemoAccount>,
}

/// A demo staff account made at start-up (`NAFITHA_DEMO=1`), with its password.
#[derive(Clone, Debug)]
pub struct DemoAccount {
    pub username: String,
    pub password: String,
    pub role: &'static str,
    pub agency: String,
    pub department: Option<String>,
}

/// (Re)creates the demo staff: an admin, a supervisor and an agent (in the department of
/// the agency's first service) for every seeded agency, each with a fresh random password.
async fn seed_demo_staff(store: &Store, catalogue: &Catalogue) -> anyhow::Result<Vec<DemoAccount>> {
    use rand::distr::{Alphanumeric, SampleString};
    let mut accounts = Vec::new();
    for agency in &catalogue.agencies {
        let department = catalogue
            .services
            .iter()
            .find(|s| s.agency == agency.code)
            .map(|s| s.department.clone());
        for role in ["admin", "supervisor", "agent"] {
            let password = Alphanumeric.sample_string(&mut rand::rng(), 16);
            let hash = {
                let password = password.clone();
                tokio::task::spawn_blocking(move || crate::routes::staff::hash_password(&password))
                    .await??
            };
            let account = DemoAccount {
                username: format!("demo.{}.{role}", agency.code),
                password,
                role,
                agency: agency.code.clone(),
                department: department.clone().filter(|_| role == "agent"),
            };
            store
                .put_demo_staff(
                    &account.username,
                    &hash,
                    role,
                    &account.agency,
                    account.department.as_deref(),
                    crate::notify::now_ms(),
                )
                .await?;
            accounts.push(account);
        }
    }
    Ok(accounts)
}

impl Application {
    /// Connects, migrates, seeds and binds.
    pub async fn build(config: Config) -> anyhow::Result<Application> {
        let store = Store::connect(&config.database, config.max_connections).await?;
        let catalogue = Catalogue::embedded()?;
        let added = store
            .seed_catalogue(&catalogue)
            .await
            .context("cannot seed the catalogue")?;
        let demo_staff = if config.demo {
            seed_demo_staff(&store, &catalogue)
                .await
                .context("cannot create the demo staff")?
        } else {
            Vec::new()
        };
        tracing::info!(
            engine = config.database.engine(),
            services_added = added,
            "database ready"
        );
        let objects = attachments::local_objects(&config.data_dir)
            .context("cannot open the uploads directory")?;
        let state = AppState {
            store: store.clone(),
            public_url: config.public_url.clone(),
            objects: objects.clone(),
            secure_cookies: config.served_over_https(),
            client_ip_header: config.client_ip_header.clone(),
            limits: crate::auth::RateLimits::new(config.track_per_minute),
            clock: config.clock.clone(),
            stats_cache: std::sync::Arc::new(crate::routes::stats::StatsCache::new(
                config.stats_cache_ms,
            )),
        };
        tokio::spawn(forget_idle_clients(state.limits.clone()));
        let router = build_router(state, &config);
        let listener = TcpListener::bind(config.addr)
            .await
            .with_context(|| format!("cannot listen on {}", config.addr))?;
        let notifier = notify::Notifier::from_config(&config.notify, &config.data_dir)?;
        let (stop_notifier, stopped) = tokio::sync::watch::channel(false);
        let notifier = tokio::spawn(notify::run_worker(store.clone(), notifier, stopped.clone()));
        tokio::spawn(attachments::run_cleanup(store.clone(), objects, stopped));
        Ok(Application {
            listener,
            router,
            store,
            notifier,
            stop_notifier,
            demo_staff,
        })
    }

    /// The demo staff accounts made at start-up (none unless `NAFITHA_DEMO=1`).
    pub fn demo_staff(&self) -> &[DemoAccount] {
        &self.demo_staff
    }

    /// The address actually bound (the real port when the config asked for port 0).
    pub fn address(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("a bound listener has an address")
    }

    /// Serves until `shutdown` completes, then finishes the requests in flight and closes
    /// the database.
    pub async fn run_until_stopped(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let service = self
            .router
            .into_make_service_with_connect_info::<SocketAddr>();
        axum::serve(self.listener, service)
            .with_graceful_shutdown(shutdown)
            .await
            .context("the server stopped with an error")?;
        // Let the notifier finish the message in hand, then close the database.
        let _ = self.stop_notifier.send(true);
        if let Err(error) = self.notifier.await {
            tracing::error!(%error, "the notifier stopped abnormally");
        }
        self.store.close().await;
        tracing::info!("stopped cleanly");
        Ok(())
    }
}

/// The whole router: the API, the health check, and the app with its SPA fallback.
pub fn build_router(state: AppState, config: &Config) -> Router {
    let api = routes::api_router()
        .layer(middleware::from_fn(localize_errors))
        .layer(CompressionLayer::new())
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ));
    let router = Router::new()
        .nest("/api/v1", api)
        .route("/healthz", get(routes::health::healthz))
        .with_state(state)
        .fallback_service(assets::app_service(&config.dist_dir));
    headers::add_security_headers(router, config.served_over_https())
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .layer(TraceLayer::new_for_http())
}

/// Keeps the rate limiters' memory bounded by forgetting clients that went quiet.
async fn forget_idle_clients(limits: std::sync::Arc<crate::auth::RateLimits>) {
    let mut every = tokio::time::interval(Duration::from_secs(60));
    loop {
        every.tick().await;
        limits.forget_idle();
    }
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
