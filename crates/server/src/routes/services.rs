//! The service catalogue: `GET /api/v1/services` and `GET /api/v1/services/{code}`.

use axum::extract::{Path, State};
use axum::Json;
use nafitha_domain::{ErrorBody, ServiceDetail, ServiceSummary};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::ApiError;
use crate::startup::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_services))
        .routes(routes!(get_service))
}

/// Every service that accepts filings, in catalogue order (grouped by agency).
#[utoipa::path(
    get,
    path = "/services",
    tag = "catalogue",
    responses(
        (status = 200, description = "The services, in catalogue order", body = Vec<ServiceSummary>),
        (status = 408, description = "The request took too long", body = ErrorBody),
    )
)]
async fn list_services(
    State(state): State<AppState>,
) -> Result<Json<Vec<ServiceSummary>>, ApiError> {
    Ok(Json(state.store.list_services().await?))
}

/// One service with its form definition; 404 for an unknown code.
#[utoipa::path(
    get,
    path = "/services/{code}",
    tag = "catalogue",
    params(("code" = String, Path, description = "The service's code")),
    responses(
        (status = 200, description = "The service and its form", body = ServiceDetail),
        (status = 404, description = "No service has this code", body = ErrorBody),
        (status = 408, description = "The request took too long", body = ErrorBody),
    )
)]
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
