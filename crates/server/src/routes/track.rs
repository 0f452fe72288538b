//! Public tracking: `GET /api/v1/track/{reference}`. Anyone holding a reference sees its
//! stage, department, dates and public timeline; never a name, phone, answer or reply.
//! Lookups are rate limited per client, so reference numbers cannot be swept.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::routing::get;
use axum::Router;
use nafitha_domain::calendar::riyadh_date;
use nafitha_domain::filing::TrackedRequest;
use nafitha_domain::ReferenceNumber;

use crate::auth::{partner_key, ClientIp};
use crate::error::{ApiError, ApiJson};
use crate::limits::Limit;
use crate::startup::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/track/{reference}", get(track_request))
}

async fn track_request(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    headers: HeaderMap,
    Path(reference): Path<String>,
) -> Result<ApiJson<TrackedRequest>, ApiError> {
    // Counted before the reference is even read, so guesses cost the same as hits; a
    // partner's key is not limited like the public (it answers for many citizens).
    if partner_key(&state, &headers, client).await?.is_none() {
        state.check_limit(Limit::Track, client).await?;
    }
    let reference =
        ReferenceNumber::parse(&reference).map_err(|e| ApiError::BadRequest(e.message()))?;
    state
        .store
        .track_request(&reference, riyadh_date(state.now_ms()))
        .await?
        .map(ApiJson)
        .ok_or(ApiError::NotFound)
}
