//! Prometheus metrics: HTTP requests and their latency by route, filings created, the
//! outbox's backlog and failed deliveries, and limits hit.
//!
//! Each [`Application`](crate::startup::Application) keeps its own [`Metrics`], so tests
//! that run many applications in one process each read their own counts. Code anywhere
//! records through the free functions ([`limit_hit`], [`filing_created`],
//! [`delivery_failed`]): they count in the metrics of the application whose work is
//! running, as every connection it serves and every worker it runs is inside
//! [`Metrics::scope`]. Work outside any application (a CLI command, a task spawned
//! without the scope) records nothing.
//!
//! The metrics are served by [`router`] on a listener of their own (`NAFITHA_METRICS_ADDR`),
//! never on the public port. Labels carry no personal data and never a raw path: a
//! request's route is the template it matched (`/api/v1/staff/requests/{reference}`).

use std::future::Future;
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use prometheus_client::encoding::{prometheus_text, EncodeLabelSet};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

use nafitha_domain::filing::Channel;

use crate::clock::Clock;
use crate::store::Store;

/// The route label of requests no route matched (the app's files, unknown API paths).
pub const FALLBACK_ROUTE: &str = "fallback";

/// The content type of the Prometheus text exposition format.
const TEXT_FORMAT: &str = "text/plain; version=0.0.4; charset=utf-8";

tokio::task_local! {
    /// The metrics of the application whose work this task is doing.
    static CURRENT: Metrics;
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: &'static str,
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: &'static str,
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ChannelLabels {
    channel: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct LimitLabels {
    limit: &'static str,
}

/// One application's metrics. Cloning shares them.
#[derive(Clone, Debug)]
pub struct Metrics(std::sync::Arc<Inner>);

#[derive(Debug)]
struct Inner {
    registry: Registry,
    http_requests: Family<RequestLabels, Counter>,
    http_latency: Family<RouteLabels, Histogram, fn() -> Histogram>,
    filings_created: Family<ChannelLabels, Counter>,
    delivery_failures: Family<ChannelLabels, Counter>,
    limits_hit: Family<LimitLabels, Counter>,
    /// The backlog, alone in its registry: it is rendered only when it could be read.
    backlog_registry: Registry,
    outbox_backlog: Gauge,
}

/// Latency buckets from 5 ms to about 10 s.
fn latency_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.005, 2.0, 12))
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

impl Metrics {
    /// Empty metrics, every name registered under the `nafitha_` prefix.
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("nafitha");
        let http_requests = Family::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by method, route template and status",
            http_requests.clone(),
        );
        let http_latency =
            Family::<_, _, fn() -> Histogram>::new_with_constructor(latency_histogram);
        registry.register(
            "http_request_duration_seconds",
            "Time to answer an HTTP request (until its response starts), by method and route template",
            http_latency.clone(),
        );
        let filings_created = Family::default();
        registry.register(
            "filings_created",
            "Requests filed (not replays), by channel",
            filings_created.clone(),
        );
        let delivery_failures = Family::default();
        registry.register(
            "outbox_delivery_failures",
            "Notification deliveries that failed (each is retried later), by channel",
            delivery_failures.clone(),
        );
        let limits_hit = Family::default();
        registry.register(
            "limits_hit",
            "Times a limit refused or held back a client, by limit",
            limits_hit.clone(),
        );
        let mut backlog_registry = Registry::with_prefix("nafitha");
        let outbox_backlog = Gauge::default();
        backlog_registry.register(
            "outbox_backlog",
            "Notifications due and not yet sent, read from the database when scraped",
            outbox_backlog.clone(),
        );
        Metrics(std::sync::Arc::new(Inner {
            registry,
            http_requests,
            http_latency,
            filings_created,
            delivery_failures,
            limits_hit,
            backlog_registry,
            outbox_backlog,
        }))
    }

    /// Runs `work` so that what it records through this module's functions counts here.
    pub fn scope<F: Future>(&self, work: F) -> impl Future<Output = F::Output> {
        CURRENT.scope(self.clone(), work)
    }

    /// Counts one request answered with `status` after `elapsed`.
    fn request_answered(
        &self,
        method: &'static str,
        route: String,
        status: StatusCode,
        elapsed: Duration,
    ) {
        self.0
            .http_latency
            .get_or_create(&RouteLabels {
                method,
                route: route.clone(),
            })
            .observe(elapsed.as_secs_f64());
        self.0
            .http_requests
            .get_or_create(&RequestLabels {
                method,
                route,
                status: status.as_u16(),
            })
            .inc();
    }

    /// Counts one hit of the limit named `limit`.
    pub(crate) fn count_limit_hit(&self, limit: &'static str) {
        self.0
            .limits_hit
            .get_or_create(&LimitLabels { limit })
            .inc();
    }

    /// Everything in the Prometheus text format, with the outbox backlog when it could be
    /// read (left out when not, rather than shown stale).
    pub fn render(&self, outbox_backlog: Option<i64>) -> Result<String, std::fmt::Error> {
        let mut text = String::new();
        prometheus_text::encode(&mut text, &self.0.registry)?;
        if let Some(backlog) = outbox_backlog {
            self.0.outbox_backlog.set(backlog);
            prometheus_text::encode(&mut text, &self.0.backlog_registry)?;
        }
        Ok(text)
    }
}

/// Runs `record` on the current application's metrics, if there is one.
fn with_current(record: impl FnOnce(&Metrics)) {
    // Outside every scope there is nothing to count into: that is not an error.
    let _ = CURRENT.try_with(record);
}

/// Counts one hit of the limit named `limit` (`"track"`, `"sign_in"`, `"connections"`…).
pub fn limit_hit(limit: &'static str) {
    with_current(|metrics| metrics.count_limit_hit(limit));
}

/// Counts one request filed (committed as new, not a replay) through `channel`.
pub fn filing_created(channel: Channel) {
    with_current(|metrics| {
        metrics
            .0
            .filings_created
            .get_or_create(&ChannelLabels {
                channel: channel.code().to_owned(),
            })
            .inc();
    });
}

/// Counts one failed delivery of a notification on `channel` (`"sms"`, `"email"`).
pub fn delivery_failed(channel: &str) {
    with_current(|metrics| {
        metrics
            .0
            .delivery_failures
            .get_or_create(&ChannelLabels {
                channel: channel.to_owned(),
            })
            .inc();
    });
}

/// The method as a label: the standard ones by name, any other as `other` (so a client
/// cannot add series by inventing methods).
fn method_label(method: &Method) -> &'static str {
    match method.as_str() {
        "GET" => "GET",
        "HEAD" => "HEAD",
        "POST" => "POST",
        "PUT" => "PUT",
        "PATCH" => "PATCH",
        "DELETE" => "DELETE",
        "OPTIONS" => "OPTIONS",
        _ => "other",
    }
}

/// The route template `extensions` record as matched, or [`FALLBACK_ROUTE`]: never the
/// raw path, which would make a series per URL.
pub fn route_template(extensions: &axum::http::Extensions) -> &str {
    extensions
        .get::<MatchedPath>()
        .map_or(FALLBACK_ROUTE, MatchedPath::as_str)
}

/// Middleware counting and timing every request by method, route template and status.
/// Put it outside every other layer, so timeouts and refusals count too.
pub async fn track_requests(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = method_label(request.method());
    let route = route_template(request.extensions()).to_owned();
    let response = next.run(request).await;
    with_current(|metrics| {
        metrics.request_answered(method, route, response.status(), started.elapsed());
    });
    response
}

/// What the metrics endpoint reads.
#[derive(Clone, Debug)]
struct Scrape {
    metrics: Metrics,
    store: Store,
    clock: Clock,
}

/// `GET /metrics`, for the metrics listener only.
pub fn router(metrics: Metrics, store: Store, clock: Clock) -> Router {
    Router::new()
        .route("/metrics", get(scrape))
        .with_state(Scrape {
            metrics,
            store,
            clock,
        })
}

async fn scrape(State(scrape): State<Scrape>) -> Response {
    let backlog = match scrape.store.outbox_backlog(scrape.clock.now_ms()).await {
        Ok(backlog) => Some(backlog),
        Err(error) => {
            tracing::error!(%error, "cannot read the outbox backlog for the metrics");
            None
        }
    };
    match scrape.metrics.render(backlog) {
        Ok(text) => (
            [(header::CONTENT_TYPE, HeaderValue::from_static(TEXT_FORMAT))],
            text,
        )
            .into_response(),
        Err(error) => {
            tracing::error!(%error, "cannot render the metrics");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn what_is_recorded_in_a_scope_counts_in_that_scope_only() {
        let (mine, other) = (Metrics::new(), Metrics::new());
        mine.scope(async {
            filing_created(Channel::Web);
            filing_created(Channel::Web);
            delivery_failed("sms");
            limit_hit("track");
        })
        .await;
        limit_hit("track");
        let text = mine.render(None).unwrap();
        assert!(
            text.contains("nafitha_filings_created_total{channel=\"web\"} 2"),
            "{text}"
        );
        assert!(text.contains("nafitha_outbox_delivery_failures_total{channel=\"sms\"} 1"));
        assert!(text.contains("nafitha_limits_hit_total{limit=\"track\"} 1"));
        assert!(!other.render(None).unwrap().contains("channel=\"web\""));
    }

    #[test]
    fn the_backlog_is_shown_only_when_it_could_be_read() {
        let metrics = Metrics::new();
        assert!(metrics
            .render(Some(7))
            .unwrap()
            .contains("nafitha_outbox_backlog 7\n"));
        assert!(!metrics
            .render(None)
            .unwrap()
            .contains("nafitha_outbox_backlog"));
    }

    #[test]
    fn invented_methods_share_one_label() {
        let invented = Method::from_bytes(b"SWEEP").unwrap();
        assert_eq!(method_label(&invented), "other");
        assert_eq!(method_label(&Method::DELETE), "DELETE");
    }
}
