//! The HTTP API under `/api/v1`, one router per resource, plus `/healthz`; and the API's
//! OpenAPI 3.1 document (`GET /api/v1/openapi.json`), made from the same routers, so a
//! route cannot be served without being described, nor described without being served.

pub mod account;
pub mod accounts;
pub mod appointments;
pub mod bills;
pub mod csv;
pub mod health;
pub mod intake;
pub mod licences;
pub mod open311;
pub mod openapi;
pub mod partners;
pub mod requests;
pub mod services;
pub mod staff;
pub mod stats;
pub mod track;
pub mod uploads;

use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::{middleware, Router};
use utoipa_axum::router::OpenApiRouter;

use crate::error::{api_method_not_allowed, api_not_found, time_limit};
use crate::startup::{AppState, JSON_BODY_LIMIT};

/// Every `/api/v1` route, and `GET /openapi.json` describing them. Unknown paths and wrong
/// methods get the JSON error body. Every route but uploads must answer within
/// `request_timeout`; an upload may take as long as its body keeps arriving (`uploads`).
pub fn api_router(request_timeout: Duration) -> Router<AppState> {
    let (router, _) = described_routes(request_timeout).split_for_parts();
    router
        .fallback(api_not_found)
        .method_not_allowed_fallback(api_method_not_allowed)
}

/// The API's routes with their description (paths relative to `/api/v1`).
pub(crate) fn described_routes(request_timeout: Duration) -> OpenApiRouter<AppState> {
    // JSON bodies are small; a larger one is refused by the JSON extractor itself, so the
    // answer is the usual error body (413, `payload_too_large`). Uploads have their own.
    let json = OpenApiRouter::new()
        .merge(services::router())
        .merge(appointments::router())
        .merge(requests::router())
        .merge(track::router())
        .merge(account::router())
        .merge(staff::router())
        .merge(intake::router())
        .merge(licences::router())
        .merge(bills::router())
        .merge(accounts::router())
        .merge(partners::router())
        .merge(stats::router())
        .merge(openapi::router())
        .layer(DefaultBodyLimit::max(JSON_BODY_LIMIT))
        .layer(middleware::from_fn_with_state(request_timeout, time_limit));
    OpenApiRouter::new().merge(json).merge(uploads::router())
}
