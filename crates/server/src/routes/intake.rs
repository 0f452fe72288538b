//! Contact-centre and reception staff (the intake role): assisted filing
//! (`POST /staff/filings`), the "where is my request?" look-up with its reason
//! (`GET /staff/lookup`), the enquiry note (`POST /staff/lookup/{reference}/enquiry`), and,
//! for supervisors and admins, the audit of their agency's look-ups (`GET /staff/lookups`,
//! and as CSV `GET /staff/lookups.csv`). Intake staff of the operator agency file and look
//! up for every agency; others for their own agency's services and requests.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use nafitha_domain::backoffice::{files_for, EXPORT_MAX_ROWS, PORTAL_AGENCY};
use nafitha_domain::calendar::riyadh_date;
use nafitha_domain::filing::{FiledRequest, TrackedRequest};
use nafitha_domain::intake::{
    assisted_channel, AssistedFiling, Enquiry, Lookup, LookupAudit, LookupQuery, AUDIT_PAGE,
};
use nafitha_domain::{ErrorBody, Locale, Localized};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::{Intake, StaffSession};
use crate::error::{ApiError, ApiJson, ApiJsonBytes};
use crate::routes::account::{locale_of, path_reference};
use crate::routes::csv::{self, csv_cell};
use crate::routes::requests::{body_hash, file, idempotency_key, service_to_file, Submission};
use crate::routes::staff::bad_filters;
use crate::startup::AppState;
use crate::store::intake::{IntakeScope, LookupBy};
use crate::telemetry::RequestOrigin;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_filing))
        .routes(routes!(look_up))
        .routes(routes!(record_enquiry))
        .routes(routes!(list_lookups))
        .routes(routes!(export_lookups))
}

/// Whose requests `session` looks up and notes: every agency's for the operator's staff.
fn scope(session: &StaffSession) -> IntakeScope<'_> {
    Some(session.0.agency.as_str()).filter(|a| *a != PORTAL_AGENCY)
}

/// Files a request a citizen made by phone, at a desk, by email, on social media or on
/// WhatsApp: the citizens' filing, validated the same way, with the channel and the staff
/// member who took it; the SMS goes to the applicant in the language chosen for them.
#[utoipa::path(
    post,
    path = "/staff/filings",
    tag = "intake",
    params(("Idempotency-Key" = String, Header, pattern = "^[A-Za-z0-9_-]{8,128}$", description = "8 to 128 letters, digits, `-` or `_`; the same key with the same body answers the same filing")),
    request_body = AssistedFiling,
    security(("staff_session" = [])),
    responses(
        (status = 201, description = "Filed", body = FiledRequest),
        (status = 200, description = "Filed before with this key and body: the same reference", body = FiledRequest),
        (status = 400, description = "No or a malformed Idempotency-Key, or the body is not JSON of this shape", body = ErrorBody),
        (status = 401, description = "No live session", body = ErrorBody),
        (status = 403, description = "Not intake staff, or not one of the agency's services", body = ErrorBody),
        (status = 408, description = "The request took too long", body = ErrorBody), (status = 413, description = "The body is larger than allowed", body = ErrorBody),
        (status = 422, description = "An answer breaks the service's form, the channel is unknown, the service takes no filings now, or the key was used for another body", body = ErrorBody),
        (status = 429, description = "Too many attempts: try again after `Retry-After` seconds", body = ErrorBody, headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
async fn create_filing(
    State(state): State<AppState>,
    Intake(session): Intake,
    origin: RequestOrigin,
    headers: HeaderMap,
    body: ApiJsonBytes<AssistedFiling>,
) -> Result<(StatusCode, ApiJson<FiledRequest>), ApiError> {
    let key = idempotency_key(&headers)?;
    let ApiJsonBytes {
        value: filing,
        bytes,
    } = body;
    let service = service_to_file(&state, &filing.request.service_code).await?;
    if !files_for(&session.0.agency, &service.summary.agency.code) {
        origin.security_event("staff_out_of_scope", Some(&session.0.username));
        return Err(ApiError::Forbidden {
            code: "out_of_scope",
            message: Localized::new(
                "هذه الخدمة ليست من خدمات جهتك",
                "This service is not one of your agency's",
            ),
        });
    }
    let (channel, valid) = filing
        .validate(&service.form, riyadh_date(state.now_ms()))
        .map_err(ApiError::Validation)?;
    let username = &session.0.username;
    let submission = Submission {
        channel,
        actor: format!("staff:{username}"),
        idempotency_key: format!("staff:{username}:{key}"),
        body_hash: body_hash(&bytes),
        limit_key: format!("staff:{username}"),
        api_key: None,
        renews: None,
    };
    file(&state, &service, &filing.request, &valid, submission).await
}

/// A citizen's requests by mobile number or reference, with the reason stated; recorded in
/// the audit before anything is shown.
#[utoipa::path(
    get,
    path = "/staff/lookup",
    tag = "intake",
    params(LookupQuery),
    security(("staff_session" = [])),
    responses(
        (status = 200, description = "The requests found", body = Lookup),
        (status = 401, description = "No live session", body = ErrorBody),
        (status = 403, description = "Not intake staff", body = ErrorBody),
        (status = 408, description = "The request took too long", body = ErrorBody),
        (status = 422, description = "No number or reference, or no reason", body = ErrorBody),
    )
)]
async fn look_up(
    State(state): State<AppState>,
    Intake(session): Intake,
    query: Result<Query<LookupQuery>, QueryRejection>,
) -> Result<ApiJson<Lookup>, ApiError> {
    let Query(query) = query.map_err(bad_filters)?;
    let (key, reason) = query.validate().map_err(ApiError::Validation)?;
    let now = state.now_ms();
    let by = LookupBy {
        username: &session.0.username,
        agency: &session.0.agency,
        reason: &reason,
        now_ms: now,
    };
    let requests = state
        .store
        .look_up(&key, scope(&session), &by, riyadh_date(now))
        .await?;
    Ok(ApiJson(Lookup { requests }))
}

/// Notes on a request's public history that the citizen got in touch (and how); answers
/// the request as the look-up shows it, with the note (no second look-up to audit).
#[utoipa::path(
    post,
    path = "/staff/lookup/{reference}/enquiry",
    tag = "intake",
    params(("reference" = String, Path, description = "The reference number")),
    request_body = Enquiry,
    security(("staff_session" = [])),
    responses(
        (status = 200, description = "Noted: the request as the look-up shows it", body = TrackedRequest),
        (status = 400, description = "The body is not JSON, or not of this shape", body = ErrorBody), (status = 401, description = "No live session", body = ErrorBody),
        (status = 403, description = "Not intake staff", body = ErrorBody),
        (status = 404, description = "Not found, or not the caller's to see", body = ErrorBody), (status = 408, description = "The request took too long", body = ErrorBody), (status = 413, description = "The body is larger than allowed", body = ErrorBody),
        (status = 422, description = "Not an assisted channel", body = ErrorBody),
    )
)]
async fn record_enquiry(
    State(state): State<AppState>,
    Intake(session): Intake,
    Path(reference): Path<String>,
    ApiJson(body): ApiJson<Enquiry>,
) -> Result<ApiJson<TrackedRequest>, ApiError> {
    let reference = path_reference(&reference)?;
    let channel = assisted_channel(&body.channel).map_err(ApiError::Validation)?;
    let now = state.now_ms();
    let recorded = state
        .store
        .record_enquiry(
            &reference,
            scope(&session),
            &session.0.username,
            channel,
            now,
        )
        .await?;
    if !recorded {
        return Err(ApiError::NotFound);
    }
    state
        .store
        .track_request(&reference, riyadh_date(now))
        .await?
        .map(ApiJson)
        .ok_or(ApiError::NotFound)
}

/// Which page of the audit.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct AuditQuery {
    /// The cursor of the page (`next` of the previous one).
    before: Option<i64>,
}

/// The look-ups by the supervisor's agency's staff, newest first.
#[utoipa::path(
    get,
    path = "/staff/lookups",
    tag = "intake",
    params(AuditQuery),
    security(("staff_session" = [])),
    responses(
        (status = 200, description = "A page of the audit", body = LookupAudit),
        (status = 401, description = "No live session", body = ErrorBody), (status = 403, description = "The role does not allow this", body = ErrorBody), (status = 408, description = "The request took too long", body = ErrorBody),
        (status = 422, description = "The cursor is not valid", body = ErrorBody),
    )
)]
async fn list_lookups(
    State(state): State<AppState>,
    session: StaffSession,
    query: Result<Query<AuditQuery>, QueryRejection>,
) -> Result<ApiJson<LookupAudit>, ApiError> {
    session.require_supervisor()?;
    let Query(query) = query.map_err(bad_filters)?;
    Ok(ApiJson(
        state
            .store
            .lookups(&session.0.agency, query.before, AUDIT_PAGE)
            .await?,
    ))
}

/// The same audit as a CSV file (the newest [`EXPORT_MAX_ROWS`]).
#[utoipa::path(
    get,
    path = "/staff/lookups.csv",
    tag = "intake",
    security(("staff_session" = [])),
    responses((status = 200, description = "A CSV file (UTF-8 with a byte-order mark), as a download",
            content_type = "text/csv", body = String,
            headers(("Content-Disposition" = String, description = "`attachment` and the file's name"))), (status = 401, description = "No live session", body = ErrorBody), (status = 403, description = "The role does not allow this", body = ErrorBody), (status = 408, description = "The request took too long", body = ErrorBody))
)]
async fn export_lookups(
    State(state): State<AppState>,
    session: StaffSession,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    session.require_supervisor()?;
    let audit = state
        .store
        .lookups(&session.0.agency, None, EXPORT_MAX_ROWS)
        .await?;
    let head: [&str; 5] = match locale_of(&headers) {
        Locale::Ar => ["الوقت", "الموظف", "الرقم أو رقم الطلب", "السبب", "النتائج"],
        Locale::En => [
            "Time",
            "Staff member",
            "Number or reference",
            "Reason",
            "Found",
        ],
    };
    let rows = audit.lookups.into_iter().map(|l| {
        [
            l.at,
            csv_cell(&l.username),
            csv_cell(&l.key),
            csv_cell(&l.reason),
            l.found.to_string(),
        ]
    });
    csv::download("lookups", riyadh_date(state.now_ms()), head, rows)
}
