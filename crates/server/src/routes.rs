//! The HTTP API under `/api/v1`, one router per resource, plus `/healthz`.

pub mod account;
pub mod health;
pub mod requests;
pub mod services;
pub mod staff;
pub mod stats;
pub mod track;
pub mod uploads;

use axum::extract::DefaultBodyLimit;
use axum::Router;

use crate::error::{api_method_not_allowed, api_not_found};
use crate::startup::{AppState, JSON_BODY_LIMIT};

/// Every `/api/v1` route. Unknown paths and wrong methods get the JSON error body.
pub fn api_router() -> Router<AppState> {
    // JSON bodies are small; a larger one is refused by the JSON extractor itself, so the
    // answer is the usual error body (413, `payload_too_large`). Uploads have their own.
    let json = Router::new()
        .merge(services::router())
        .merge(requests::router())
        .merge(track::router())
        .merge(account::router())
        .merge(staff::router())
        .merge(stats::router())
        .layer(DefaultBodyLimit::max(JSON_BODY_LIMIT));
    Router::new()
        .merge(json)
        .merge(uploads::router())
        .fallback(api_not_found)
        .method_not_allowed_fallback(api_method_not_allowed)
}
