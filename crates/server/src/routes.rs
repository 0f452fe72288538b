//! The HTTP API under `/api/v1`, one router per resource, plus `/healthz`.

pub mod health;
pub mod requests;
pub mod services;
pub mod track;

use axum::Router;

use crate::error::{api_method_not_allowed, api_not_found};
use crate::startup::AppState;

/// Every `/api/v1` route. Unknown paths and wrong methods get the JSON error body.
pub fn api_router() -> Router<AppState> {
    Router::new()
        .merge(services::router())
        .merge(requests::router())
        .merge(track::router())
        .fallback(api_not_found)
        .method_not_allowed_fallback(api_method_not_allowed)
}
