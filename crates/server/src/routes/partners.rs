//! Channel partners' API keys, for admins: the list (`GET /staff/api-keys`), a new key
//! shown once (`POST /staff/api-keys`), a new secret for a key (`POST
//! /staff/api-keys/{id}/rotate`, also shown once; the old one is refused from then on) and
//! revoking one (`POST /staff/api-keys/{id}/revoke`). An agency's admins manage their
//! agency's keys; the operator's admins make keys for every agency and see them all. Each
//! change is a security event.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use nafitha_domain::backoffice::PORTAL_AGENCY;
use nafitha_domain::partner::{ApiKeyView, CreatedApiKey, NewApiKey};
use nafitha_domain::{ErrorBody, Localized};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::{new_api_key, StaffSession};
use crate::error::{ApiError, ApiJson};
use crate::startup::AppState;
use crate::store::partners::{KeyAdded, KeyToStore};
use crate::telemetry::RequestOrigin;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_keys, add_key))
        .routes(routes!(rotate_key))
        .routes(routes!(revoke_key))
}

/// The keys an admin manages: their agency's, or every key for the operator's admins
/// (`None`). 403 unless an admin.
fn managed(session: &StaffSession) -> Result<Option<&str>, ApiError> {
    session.require_admin()?;
    Ok(Some(session.0.agency.as_str()).filter(|a| *a != PORTAL_AGENCY))
}

/// A key's id from the path; anything else is simply not found.
fn key_id(text: &str) -> Result<i64, ApiError> {
    text.parse().map_err(|_| ApiError::NotFound)
}

/// The partners' keys the admin manages (never the keys themselves).
#[utoipa::path(
    get,
    path = "/staff/api-keys",
    tag = "admin",
    security(("staff_session" = [])),
    responses((status = 200, description = "The keys", body = Vec<ApiKeyView>), (status = 401, description = "No live session", body = ErrorBody), (status = 403, description = "The role does not allow this", body = ErrorBody), (status = 408, description = "The request took too long", body = ErrorBody))
)]
async fn list_keys(
    State(state): State<AppState>,
    session: StaffSession,
) -> Result<ApiJson<Vec<ApiKeyView>>, ApiError> {
    let agency = managed(&session)?;
    Ok(ApiJson(state.store.api_keys(agency).await?))
}

/// A new key for a partner, shown this once.
#[utoipa::path(
    post,
    path = "/staff/api-keys",
    tag = "admin",
    request_body = NewApiKey,
    security(("staff_session" = [])),
    responses(
        (status = 201, description = "Made: the key, shown this once", body = CreatedApiKey),
        (status = 400, description = "The body is not JSON, or not of this shape", body = ErrorBody), (status = 401, description = "No live session", body = ErrorBody), (status = 403, description = "The role does not allow this", body = ErrorBody),
        (status = 404, description = "The admin's agency is unknown", body = ErrorBody),
        (status = 408, description = "The request took too long", body = ErrorBody), (status = 413, description = "The body is larger than allowed", body = ErrorBody), (status = 422, description = "The input breaks a rule; each bad field is named", body = ErrorBody),
    )
)]
async fn add_key(
    State(state): State<AppState>,
    session: StaffSession,
    origin: RequestOrigin,
    ApiJson(body): ApiJson<NewApiKey>,
) -> Result<(StatusCode, ApiJson<CreatedApiKey>), ApiError> {
    let agency = managed(&session)?;
    let valid = body.validate().map_err(ApiError::Validation)?;
    let (key, key_hash, prefix) = new_api_key();
    let stored = KeyToStore {
        key_hash: &key_hash,
        prefix: &prefix,
        key: &valid,
        agency,
        created_by: &session.0.username,
        now_ms: state.now_ms(),
    };
    match state.store.add_api_key(&stored).await? {
        KeyAdded::Added(id) => {
            origin.security_event("api_key_added", Some(&session.0.username));
            Ok((StatusCode::CREATED, ApiJson(CreatedApiKey { id, key })))
        }
        KeyAdded::UnknownService(code) => Err(ApiError::on_field(
            "services",
            Localized::new(
                format!("الخدمة {code} ليست من خدمات جهتك"),
                format!("The service {code} is not one of your agency's"),
            ),
        )),
        KeyAdded::UnknownAgency => Err(ApiError::NotFound),
    }
}

/// A new secret for a key, shown this once; the old one is refused from now on.
#[utoipa::path(
    post,
    path = "/staff/api-keys/{id}/rotate",
    tag = "admin",
    params(("id" = String, Path, description = "The key's id")),
    security(("staff_session" = [])),
    responses(
        (status = 200, description = "The new secret, shown this once", body = CreatedApiKey),
        (status = 401, description = "No live session", body = ErrorBody), (status = 403, description = "The role does not allow this", body = ErrorBody), (status = 404, description = "Not found, or not the caller's to see", body = ErrorBody), (status = 408, description = "The request took too long", body = ErrorBody),
    )
)]
async fn rotate_key(
    State(state): State<AppState>,
    session: StaffSession,
    origin: RequestOrigin,
    Path(id): Path<String>,
) -> Result<ApiJson<CreatedApiKey>, ApiError> {
    let agency = managed(&session)?;
    let id = key_id(&id)?;
    let (key, key_hash, prefix) = new_api_key();
    if !state
        .store
        .rotate_api_key(id, agency, &key_hash, &prefix)
        .await?
    {
        return Err(ApiError::NotFound);
    }
    origin.security_event("api_key_rotated", Some(&session.0.username));
    Ok(ApiJson(CreatedApiKey { id, key }))
}

/// Revokes a key: refused at once, on every instance.
#[utoipa::path(
    post,
    path = "/staff/api-keys/{id}/revoke",
    tag = "admin",
    params(("id" = String, Path, description = "The key's id")),
    security(("staff_session" = [])),
    responses((status = 204, description = "Revoked"), (status = 401, description = "No live session", body = ErrorBody), (status = 403, description = "The role does not allow this", body = ErrorBody), (status = 404, description = "Not found, or not the caller's to see", body = ErrorBody), (status = 408, description = "The request took too long", body = ErrorBody))
)]
async fn revoke_key(
    State(state): State<AppState>,
    session: StaffSession,
    origin: RequestOrigin,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let agency = managed(&session)?;
    let id = key_id(&id)?;
    if !state
        .store
        .revoke_api_key(id, agency, state.now_ms())
        .await?
    {
        return Err(ApiError::NotFound);
    }
    origin.security_event("api_key_revoked", Some(&session.0.username));
    Ok(StatusCode::NO_CONTENT)
}
