//! Public tracking: `GET /api/v1/track/{reference}`. Anyone holding a reference sees its
//! stage, department, dates and public timeline; never a name, phone, answer or reply.

use axum::extract::{Path, State};
use axum::routing::get;
use axum::Router;
use nafitha_domain::calendar::riyadh_date;
use nafitha_domain::filing::TrackedRequest;
use nafitha_domain::ReferenceNumber;

use crate::error::{ApiError, ApiJson};
use crate::notify::now_ms;
use crate::startup::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/track/{reference}", get(track_request))
}

async fn track_request(
    State(state): State<AppState>,
    Path(reference): Path<String>,
) -> Result<ApiJson<TrackedRequest>, ApiError> {
    let reference =
        ReferenceNumber::parse(&reference).map_err(|e| ApiError::BadRequest(e.message()))?;
    state
        .store
        .track_request(&reference, riyadh_date(now_ms()))
        .await?
        .map(ApiJson)
        .ok_or(ApiError::NotFound)
}
