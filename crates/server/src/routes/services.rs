//! The service catalogue: `GET /api/v1/services` and `GET /api/v1/services/{code}`.

use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use nafitha_domain::{ServiceDetail, ServiceSummary};

use crate::error::ApiError;
use crate::startup::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/services", get(list_services))
        .route("/services/{code}", get(get_service))
}

/// Every service that accepts filings, in catalogue order (grouped by agency).
async fn list_services(
    State(state): State<AppState>,
) -> Result<Json<Vec<ServiceSummary>>, ApiError> {
    Ok(Json(state.store.list_services().await?))
}

/// One service with its form definition; 404 for an unknown code.
async fn get_service(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Json<ServiceDetail>, ApiError> {
    state
        .store
        .get_service(&code)
        .await?
        .map(Json)
        .ok_or(ApiError::NotFound)
}
