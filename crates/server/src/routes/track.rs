//! Public tracking: `GET /api/v1/track/{reference}`. Anyone holding a reference sees its
//! stage, department, dates and public timeline; never a name, phone, answer or reply.
//! Lookups are rate limited per client, so reference numbers cannot be swept.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use nafitha_domain::calendar::riyadh_date;
use nafitha_domain::filing::TrackedRequest;
use nafitha_domain::{ErrorBody, ReferenceNumber};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::{partner_key, ClientIp};
use crate::error::{ApiError, ApiJson};
use crate::limits::Limit;
use crate::startup::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(track_request))
}

/// A request's stage, department, dates and public timeline, for anyone with its
/// reference (rate limited per client, unless a partner's key is sent).
#[utoipa::path(
    get,
    path = "/track/{reference}",
    tag = "filing",
    params(("reference" = String, Path, description = "The reference number (Arabic-Indic digits, spaces and hyphens are accepted)")),
    security((), ("partner_key" = [])),
    responses(
        (status = 200, description = "The request as the public sees it", body = TrackedRequest),
        (status = 400, description = "This is not a reference number", body = ErrorBody),
        (status = 401, description = "The API key is malformed, unknown or revoked", body = ErrorBody), (status = 404, description = "Not found, or not the caller's to see", body = ErrorBody), (status = 408, description = "The request took too long", body = ErrorBody), (status = 429, description = "Too many attempts: try again after `Retry-After` seconds", body = ErrorBody, headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
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
