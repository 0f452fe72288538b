//! The performance figures: `GET /api/v1/stats` (public: the portal, each agency and each
//! service; no personal data) and the supervisors' view of their agency with the ratings'
//! comments, `GET /api/v1/staff/stats` and as CSV `GET /api/v1/staff/stats/comments.csv`
//! and `GET /api/v1/staff/stats/services.csv`. Definitions: `nafitha_domain::stats`.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use std::collections::HashMap;
use std::sync::Mutex;

use axum::body::Bytes;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use nafitha_domain::answers::InvalidAnswer;
use nafitha_domain::calendar::riyadh_date;
use nafitha_domain::calendar::Date;
use nafitha_domain::filing::Channel;
use nafitha_domain::rating::satisfaction_label;
use nafitha_domain::stats::{percent, AgencyStats, Period, Stats, StatsFilter, StatsQuery};
use nafitha_domain::{ErrorBody, Locale, Localized};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::{CaseWorker, StaffSession};
use crate::error::{ApiError, ApiJson};
use crate::routes::account::locale_of;
use crate::routes::csv::{self, csv_cell};
use crate::routes::staff::bad_filters;
use crate::startup::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_stats))
        .routes(routes!(get_agency_stats))
        .routes(routes!(export_comments))
        .routes(routes!(export_services))
}

fn stats_filter(query: Result<Query<StatsQuery>, QueryRejection>) -> Result<StatsFilter, ApiError> {
    let Query(query) = query.map_err(bad_filters)?;
    query.validate().map_err(ApiError::Validation)
}

/// Public figures already computed, per period and day: kept while this instance has
/// committed no change to the figures since, and for at most `ttl_ms` (so that changes
/// committed by other instances show within that time). Every request that changes the
/// figures here is seen by the next call; a busy page costs one computation per change
/// or per `ttl_ms`, not one per visitor.
#[derive(Debug)]
pub struct StatsCache {
    ttl_ms: i64,
    entries: Mutex<HashMap<(Period, Date), Cached>>,
    /// One computation at a time: callers that find no answer wait for the one being
    /// computed instead of all computing it at once.
    computing: tokio::sync::Mutex<()>,
}

#[derive(Debug)]
struct Cached {
    generation: u64,
    at_ms: i64,
    body: Bytes,
}

impl StatsCache {
    pub fn new(ttl_ms: i64) -> StatsCache {
        StatsCache {
            ttl_ms,
            entries: Mutex::new(HashMap::new()),
            computing: tokio::sync::Mutex::new(()),
        }
    }

    fn get(&self, key: (Period, Date), generation: u64, now_ms: i64) -> Option<Bytes> {
        let entries = self.entries.lock().ok()?;
        entries
            .get(&key)
            .filter(|c| c.generation == generation && now_ms - c.at_ms < self.ttl_ms)
            .map(|c| c.body.clone())
    }

    fn put(&self, key: (Period, Date), generation: u64, now_ms: i64, body: Bytes) {
        if self.ttl_ms <= 0 {
            return;
        }
        if let Ok(mut entries) = self.entries.lock() {
            // Yesterday's entries are never asked for again.
            entries.retain(|(_, day), _| *day == key.1);
            entries.insert(
                key,
                Cached {
                    generation,
                    at_ms: now_ms,
                    body,
                },
            );
        }
    }
}

/// The query of the public figures: only the period (the filters are the supervisors').
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
struct PublicStatsQuery {
    /// `30d` (the default, also when empty), `12m` or `all`.
    #[param(schema_with = nafitha_domain::stats::period_schema)]
    period: Option<String>,
}

/// Public: the portal's, each agency's and each service's figures over `period` (30d, 12m
/// or all; 30d when absent). Only a department or service filter is refused here: they
/// belong to the supervisors' view.
#[utoipa::path(
    get,
    path = "/stats",
    tag = "stats",
    params(PublicStatsQuery),
    responses(
        (status = 200, description = "The figures", body = Stats),
        (status = 408, description = "The request took too long", body = ErrorBody),
        (status = 422, description = "A filter is not valid (`department` and `service` are only for supervisors)", body = ErrorBody),
    )
)]
async fn get_stats(
    State(state): State<AppState>,
    query: Result<Query<StatsQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let filter = stats_filter(query)?;
    if filter.department.is_some() || filter.service.is_some() {
        return Err(ApiError::Validation(vec![InvalidAnswer {
            field: if filter.department.is_some() {
                "department"
            } else {
                "service"
            }
            .into(),
            message: Localized::new(
                "الأرقام العامة تشمل كل الإدارات والخدمات",
                "The public figures cover every department and service",
            ),
        }]));
    }
    let cache = &state.stats_cache;
    let key = (filter.period, riyadh_date(state.now_ms()));
    let body = match cache.get(key, state.store.stats_generation(), state.now_ms()) {
        Some(body) => body,
        None => {
            // With the cache off every call computes, side by side.
            let _turn = match cache.ttl_ms > 0 {
                true => Some(cache.computing.lock().await),
                false => None,
            };
            // Read before computing: a change committed meanwhile makes this answer stale.
            let (generation, now) = (state.store.stats_generation(), state.now_ms());
            match cache.get(key, generation, now) {
                // Computed by the caller this one waited for.
                Some(body) => body,
                None => {
                    let stats = state.store.stats(filter.period, now).await?;
                    let json =
                        serde_json::to_vec(&stats).map_err(|e| ApiError::Internal(e.into()))?;
                    let body = Bytes::from(json);
                    cache.put(key, generation, now, body.clone());
                    body
                }
            }
        }
    };
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

/// The supervisor's agency (supervisors and admins), optionally narrowed to one of its
/// departments and/or a service; with the newest comments.
async fn agency_filter(
    state: &AppState,
    session: &StaffSession,
    query: Result<Query<StatsQuery>, QueryRejection>,
) -> Result<StatsFilter, ApiError> {
    session.require_supervisor()?;
    let filter = stats_filter(query)?;
    if let Some(department) = &filter.department {
        if !state
            .store
            .agency_has_department(&session.0.agency, department)
            .await?
        {
            return Err(ApiError::Validation(vec![InvalidAnswer {
                field: "department".into(),
                message: Localized::new(
                    "هذه الإدارة ليست من إدارات جهتك",
                    "This is not a department of your agency",
                ),
            }]));
        }
    }
    Ok(filter)
}

/// The agency's figures for its supervisors and admins, with the newest comments.
#[utoipa::path(
    get,
    path = "/staff/stats",
    tag = "stats",
    params(StatsQuery),
    security(("staff_session" = [])),
    responses(
        (status = 200, description = "The agency's figures", body = AgencyStats),
        (status = 401, description = "No live session", body = ErrorBody), (status = 403, description = "The role does not allow this", body = ErrorBody),
        (status = 404, description = "The agency has no figures", body = ErrorBody),
        (status = 408, description = "The request took too long", body = ErrorBody),
        (status = 422, description = "A filter is not valid", body = ErrorBody),
    )
)]
async fn get_agency_stats(
    State(state): State<AppState>,
    CaseWorker(session): CaseWorker,
    query: Result<Query<StatsQuery>, QueryRejection>,
) -> Result<ApiJson<AgencyStats>, ApiError> {
    let filter = agency_filter(&state, &session, query).await?;
    state
        .store
        .agency_stats(&session.0.agency, &filter, state.now_ms())
        .await?
        .map(ApiJson)
        .ok_or(ApiError::NotFound)
}

/// Every comment of the period under the filters, newest first (no applicant identity).
#[utoipa::path(
    get,
    path = "/staff/stats/comments.csv",
    tag = "stats",
    params(StatsQuery),
    security(("staff_session" = [])),
    responses((status = 200, description = "A CSV file (UTF-8 with a byte-order mark), as a download",
            content_type = "text/csv", body = String,
            headers(("Content-Disposition" = String, description = "`attachment` and the file's name"))), (status = 401, description = "No live session", body = ErrorBody), (status = 403, description = "The role does not allow this", body = ErrorBody), (status = 408, description = "The request took too long", body = ErrorBody),
        (status = 422, description = "A filter is not valid", body = ErrorBody))
)]
async fn export_comments(
    State(state): State<AppState>,
    CaseWorker(session): CaseWorker,
    headers: HeaderMap,
    query: Result<Query<StatsQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let filter = agency_filter(&state, &session, query).await?;
    let locale = locale_of(&headers);
    let now = state.now_ms();
    let comments = state
        .store
        .agency_comments(&session.0.agency, &filter, now)
        .await?;
    let head = match locale {
        Locale::Ar => [
            "تاريخ التقييم",
            "الخدمة",
            "الإدارة",
            "التقييم",
            "الرضا",
            "هل عولج الطلب",
            "التعليق",
        ],
        Locale::En => [
            "Rated on",
            "Service",
            "Department",
            "Score",
            "Satisfaction",
            "Resolved",
            "Comment",
        ],
    };
    let rows = comments.into_iter().map(|c| {
        [
            c.rated_on.to_string(),
            csv_cell(&c.service),
            csv_cell(&c.department),
            c.score.to_string(),
            satisfaction_label(c.score, locale).to_owned(),
            c.resolved
                .map(|r| r.label(locale))
                .unwrap_or_default()
                .to_owned(),
            csv_cell(&c.comment),
        ]
    });
    csv::download("comments", riyadh_date(now), head, rows)
}

/// The agency's figures per service under the filters.
#[utoipa::path(
    get,
    path = "/staff/stats/services.csv",
    tag = "stats",
    params(StatsQuery),
    security(("staff_session" = [])),
    responses((status = 200, description = "A CSV file (UTF-8 with a byte-order mark), as a download",
            content_type = "text/csv", body = String,
            headers(("Content-Disposition" = String, description = "`attachment` and the file's name"))), (status = 401, description = "No live session", body = ErrorBody), (status = 403, description = "The role does not allow this", body = ErrorBody),
        (status = 404, description = "The agency has no figures", body = ErrorBody),
        (status = 408, description = "The request took too long", body = ErrorBody),
        (status = 422, description = "A filter is not valid", body = ErrorBody))
)]
async fn export_services(
    State(state): State<AppState>,
    CaseWorker(session): CaseWorker,
    headers: HeaderMap,
    query: Result<Query<StatsQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let filter = agency_filter(&state, &session, query).await?;
    let locale = locale_of(&headers);
    let now = state.now_ms();
    let stats = state
        .store
        .agency_stats(&session.0.agency, &filter, now)
        .await?
        .ok_or(ApiError::NotFound)?;
    let base = match locale {
        Locale::Ar => [
            "الخدمة",
            "المستلمة",
            "قيد المعالجة",
            "المعالجة",
            "المرفوضة",
            "المعالجة في موعدها (%)",
            "الوسيط (أيام عمل)",
            "المئين 90 (أيام عمل)",
            "متوسط الرضا (من 5)",
            "عدد التقييمات",
            "المقدمة إلكترونيًا (%)",
        ],
        Locale::En => [
            "Service",
            "Received",
            "In progress",
            "Resolved",
            "Rejected",
            "Resolved within SLA (%)",
            "Median (working days)",
            "90th percentile (working days)",
            "Average satisfaction (of 5)",
            "Ratings",
            "Filed online (%)",
        ],
    };
    // Then the received requests per channel.
    const BASE: usize = 11;
    let head: [&str; BASE + Channel::ALL.len()] =
        std::array::from_fn(|i| match i.checked_sub(BASE) {
            None => base[i],
            Some(c) => Channel::ALL[c].label(locale),
        });
    let opt = |v: Option<u64>| v.map(|n| n.to_string()).unwrap_or_default();
    let tenths = |v: Option<u64>| {
        v.map(|t| format!("{}.{}", t / 10, t % 10))
            .unwrap_or_default()
    };
    let rows = std::iter::once((stats.agency.name.clone(), stats.agency.figures.clone()))
        .chain(
            stats
                .agency
                .services
                .iter()
                .map(|s| (s.name.clone(), s.figures.clone())),
        )
        .map(|(name, f)| {
            let cells = [
                csv_cell(name.get(locale)),
                f.received.to_string(),
                f.in_progress.to_string(),
                f.resolved.to_string(),
                f.rejected.to_string(),
                opt(percent(f.resolved_within_sla, f.resolved)),
                opt(f.median_days.map(u64::from)),
                opt(f.p90_days.map(u64::from)),
                tenths(f.satisfaction.average_tenths()),
                f.satisfaction.count.to_string(),
                opt(f.online_percent()),
            ];
            std::array::from_fn(|i| match i.checked_sub(BASE) {
                None => cells[i].clone(),
                Some(c) => f
                    .channels
                    .get(&Channel::ALL[c])
                    .copied()
                    .unwrap_or(0)
                    .to_string(),
            })
        });
    csv::download("figures", riyadh_date(now), head, rows)
}
