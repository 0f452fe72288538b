//! Builds the application from a [`Config`]: opens and migrates the store, seeds the
//! catalogue, assembles the router, binds the listeners (the public one, and the metrics'
//! one when configured). Tests use this with port 0.

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

use crate::config::{Config, ConnectionLimits};
use crate::error::localize_errors;
use crate::metrics::Metrics;
use crate::pages::Pages;
use crate::store::seed::Catalogue;
use crate::store::Store;
use crate::{assets, attachments, connections, headers, metrics, notify, routes};

/// Largest JSON body the API reads. Uploads have their own limit on their own route.
pub const JSON_BODY_LIMIT: usize = 64 * 1024;
/// Connections the metrics listener serves at once (scrapers are few).
const METRICS_MAX_OPEN: usize = 16;

/// What every handler can reach.
#[derive(Clone, Debug)]
pub struct AppState {
    pub store: Store,
    /// The portal's public address, for links in notifications.
    pub public_url: String,
    /// The join link of a video-call appointment, `{reference}` to be replaced.
    pub video_url_template: String,
    /// Where attachment files are kept.
    pub objects: attachments::Objects,
    /// The portal is served over HTTPS ([`Config::served_over_https`]): session cookies
    /// are `Secure` and `__Host-` prefixed ([`crate::auth::SessionCookie::name`]).
    pub secure_cookies: bool,
    /// The header trusted proxies put the client's address in, if any.
    pub client_ip_header: Option<String>,
    /// How many proxies of ours append to that header.
    pub trusted_proxies: usize,
    /// The abuse limits, counted in the database.
    pub limits: std::sync::Arc<crate::limits::Limits>,
    /// The key of the stored keyed hashes (sign-in codes).
    pub secret: crate::secret::Secret,
    /// Where uploads are received and cleaned before they are stored.
    pub incoming: std::sync::Arc<std::path::Path>,
    /// How long an upload's body may pause before it is given up (408).
    pub upload_idle_timeout: Duration,
    /// The time the API acts at (the system clock but in tests).
    pub clock: crate::clock::Clock,
    /// Public figures already computed (`GET /api/v1/stats`).
    pub stats_cache: std::sync::Arc<crate::routes::stats::StatsCache>,
    /// Where bills are paid, and the key their callbacks are signed with.
    pub payments: std::sync::Arc<dyn crate::payments::PaymentAdapter>,
}

impl AppState {
    /// Unix milliseconds now, by the state's clock.
    pub fn now_ms(&self) -> i64 {
        self.clock.now_ms()
    }

    /// Charges `limit` once for `client`: 429 with the wait when over it.
    pub async fn check_limit(
        &self,
        limit: crate::limits::Limit,
        client: std::net::IpAddr,
    ) -> Result<(), crate::error::ApiError> {
        self.limits
            .check(&self.store, limit, client, self.now_ms())
            .await
    }
}

/// A built application, bound to its address and ready to serve.
pub struct Application {
    listener: TcpListener,
    router: Router,
    connections: ConnectionLimits,
    metrics: Metrics,
    /// The metrics listener and its router, when `NAFITHA_METRICS_ADDR` is set.
    metrics_server: Option<(TcpListener, Router)>,
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

/// (Re)creates the demo staff: an admin, a supervisor, an agent (in the department of the
/// agency's first service) and an intake account for every seeded agency, a supervisor and
/// an intake account (the unified contact centre) for the operator, each with a fresh
/// random password, made at `clock`'s time.
async fn seed_demo_staff(
    store: &Store,
    catalogue: &Catalogue,
    clock: &crate::clock::Clock,
) -> anyhow::Result<Vec<DemoAccount>> {
    use rand::distr::{Alphanumeric, SampleString};
    let mut accounts = Vec::new();
    for agency in &catalogue.agencies {
        let department = catalogue
            .services
            .iter()
            .find(|s| s.agency == agency.code)
            .map(|s| s.department.clone());
        let roles: &[&'static str] = if agency.operator {
            &["supervisor", "intake"]
        } else {
            &["admin", "supervisor", "agent", "intake"]
        };
        for &role in roles {
            let password = Alphanumeric.sample_string(&mut rand::rng(), 16);
            let hash = {
                let password = password.clone();
                tokio::task::spawn_blocking(move || crate::auth::password::hash_password(&password))
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
                    clock.now_ms(),
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
        tokio::task::spawn_blocking(crate::auth::password::decoy_hash).await?;
        let limits = crate::limits::Limits::new(config.limits.clone(), config.secret.clone());
        let store = Store::connect(&config.database, config.max_connections)
            .await?
            .with_limits(limits.clone());
        let catalogue = Catalogue::embedded()?;
        let added = store
            .seed_catalogue(&catalogue)
            .await
            .context("cannot seed the catalogue")?;
        let demo_staff = if config.demo {
            seed_demo_staff(&store, &catalogue, &config.clock)
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
        let objects = attachments::Objects::open(&config.objects)?;
        objects.check().await?;
        tracing::info!(at = objects.describe(), "attachment store ready");
        let incoming = attachments::incoming_dir(&config.data_dir)
            .context("cannot prepare the incoming uploads directory")?;
        let state = AppState {
            incoming: incoming.into(),
            upload_idle_timeout: Duration::from_millis(config.upload_idle_timeout_ms),
            store: store.clone(),
            public_url: config.public_url.clone(),
            video_url_template: config.video_url_template.clone(),
            objects: objects.clone(),
            secure_cookies: config.served_over_https(),
            client_ip_header: config.client_ip_header.clone(),
            trusted_proxies: config.trusted_proxies,
            limits,
            secret: config.secret.clone(),
            clock: config.clock.clone(),
            stats_cache: std::sync::Arc::new(crate::routes::stats::StatsCache::new(
                config.stats_cache_ms,
            )),
            payments: crate::payments::from_config(
                &config.payments,
                &config.secret,
                &config.data_dir,
            ),
        };
        let router = build_router(state, &config);
        let listener = bind(config.addr).await?;
        let metrics = Metrics::new();
        let metrics_server = match config.metrics_addr {
            Some(addr) => Some((
                bind(addr).await?,
                metrics::router(metrics.clone(), store.clone(), config.clock.clone()),
            )),
            None => None,
        };
        let notifier = notify::Notifier::from_config(&config.notify, &config.data_dir)?;
        let (stop_notifier, stopped) = tokio::sync::watch::channel(false);
        let notifier = tokio::spawn(metrics.scope(notify::run_worker(
            store.clone(),
            notifier,
            config.clock.clone(),
            stopped.clone(),
        )));
        tokio::spawn(attachments::run_cleanup(
            store.clone(),
            objects,
            attachments::Retention {
                clock: config.clock.clone(),
                outbox_ms: i64::from(config.outbox_retention_days) * crate::clock::DAY_MS,
            },
            stopped,
        ));
        Ok(Application {
            listener,
            router,
            connections: config.connections,
            metrics,
            metrics_server,
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

    /// The metrics listener's address, when `NAFITHA_METRICS_ADDR` is set.
    pub fn metrics_address(&self) -> Option<SocketAddr> {
        self.metrics_server.as_ref().map(|(listener, _)| {
            listener
                .local_addr()
                .expect("a bound listener has an address")
        })
    }

    /// Serves until `shutdown` completes, then finishes the requests in flight and closes
    /// the database. The metrics stay served until the public requests have finished.
    pub async fn run_until_stopped(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let metrics_server = self.metrics_server.map(|(listener, router)| {
            let mut stopped = self.stop_notifier.subscribe();
            let limits = ConnectionLimits {
                max_open: METRICS_MAX_OPEN,
                ..self.connections
            };
            tokio::spawn(connections::serve(
                listener,
                router,
                limits,
                self.metrics.clone(),
                async move {
                    let _ = stopped.wait_for(|stop| *stop).await;
                },
            ))
        });
        connections::serve(
            self.listener,
            self.router,
            self.connections,
            self.metrics,
            shutdown,
        )
        .await;
        // Let the notifier finish the message in hand, then close the database.
        let _ = self.stop_notifier.send(true);
        if let Some(metrics_server) = metrics_server {
            if let Err(error) = metrics_server.await {
                tracing::error!(%error, "the metrics server stopped abnormally");
            }
        }
        if let Err(error) = self.notifier.await {
            tracing::error!(%error, "the notifier stopped abnormally");
        }
        self.store.close().await;
        tracing::info!("stopped cleanly");
        Ok(())
    }
}

/// Binds `addr`, saying which address could not be bound.
async fn bind(addr: SocketAddr) -> anyhow::Result<TcpListener> {
    TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))
}

/// The whole router: the API, the health check, and the app with its SPA fallback.
/// Request metrics are the outermost layer, so they see every answer (timeouts too).
pub fn build_router(state: AppState, config: &Config) -> Router {
    let request_timeout = Duration::from_millis(config.request_timeout_ms);
    let api = routes::api_router(request_timeout)
        .layer(middleware::from_fn(localize_errors))
        .layer(CompressionLayer::new())
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ));
    // Open311 GeoReport v2 for channel partners: its own error shape, the same headers.
    let open311 = routes::open311::router(request_timeout)
        .layer(CompressionLayer::new())
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ));
    // The public pages ask the API for what they show as the app would (`pages`).
    let pages = Pages::new(
        api.clone().with_state(state.clone()),
        config.served_over_https(),
        config.client_ip_header.as_deref(),
    );
    let router = Router::new()
        .nest("/api/v1", api)
        .nest("/open311/v2", open311)
        .route("/healthz", get(routes::health::healthz))
        .with_state(state)
        .fallback_service(assets::app_service(&config.dist_dir, Some(&pages)).layer(
            TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, request_timeout),
        ));
    headers::add_security_headers(router, config.served_over_https())
        // The path alone: a query may carry a partner's `api_key` or a citizen's number.
        .layer(
            TraceLayer::new_for_http().make_span_with(|request: &axum::http::Request<_>| {
                tracing::debug_span!(
                    "request",
                    method = %request.method(),
                    path = %request.uri().path()
                )
            }),
        )
        .layer(middleware::from_fn(metrics::track_requests))
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
