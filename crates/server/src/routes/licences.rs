//! Licences over HTTP. For anyone: verification (`GET /licences/{number}`, rate limited
//! like tracking, a mistyped number refused before any lookup; only the status, activity,
//! agency, dates and the masked name) and its QR code (`GET /licences/{number}/qr.svg`).
//! For the holder's session: their licences (`GET /account/licences`, `…/{number}`) and
//! renewal (`POST /account/licences/{number}/renew`); another holder's licence answers the
//! same 404 as one that does not exist. For the agency's staff: the register
//! (`GET /staff/licences`, `…/licences.csv`, `…/licences/{number}`), and for supervisors
//! suspension and revocation (`POST /staff/licences/{number}/suspend|revoke`).

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use nafitha_domain::backoffice::EXPORT_MAX_ROWS;
use nafitha_domain::calendar::riyadh_date;
use nafitha_domain::filing::{Applicant, Channel, FiledRequest, NewRequest};
use nafitha_domain::licence::{
    may_renew, renewal_refused, Licence, LicenceNumber, LicencePage, LicenceSummary,
    LicenceVerification, RegisterQuery, RenewLicence, RevokeLicence, SuspendLicence,
};
use nafitha_domain::{ErrorBody, Locale, Localized};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::{CitizenSession, ClientIp, StaffSession};
use crate::error::{ApiError, ApiJson, ApiJsonBytes};
use crate::limits::{client_key, Limit};
use crate::notify::messages;
use crate::routes::account::locale_of;
use crate::routes::csv::{self, csv_cell};
use crate::routes::requests::{body_hash, file, idempotency_key, service_to_file, Submission};
use crate::routes::staff::bad_filters;
use crate::startup::AppState;
use crate::store::licences::{LicenceAction, LicenceChange, LicenceContact};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(verify_licence))
        .routes(routes!(licence_qr))
        .routes(routes!(list_my_licences))
        .routes(routes!(get_my_licence))
        .routes(routes!(renew_licence))
        .routes(routes!(list_licences))
        .routes(routes!(export_licences))
        .routes(routes!(get_licence))
        .routes(routes!(suspend_licence))
        .routes(routes!(revoke_licence))
}

/// A licence number from the path of a page that needs a session: a malformed one is
/// simply not found.
fn path_number(raw: &str) -> Result<LicenceNumber, ApiError> {
    LicenceNumber::parse(raw).map_err(|_| ApiError::NotFound)
}

/// A licence number typed by anyone: a mistyped one is told as such (400), before any
/// lookup.
fn typed_number(raw: &str) -> Result<LicenceNumber, ApiError> {
    LicenceNumber::parse(raw).map_err(|e| ApiError::BadRequest(e.message()))
}

/// Whether a licence is valid, expired, suspended or revoked, for which activity, from
/// when to when, and its holder's name partly masked; nothing else (rate limited per
/// client, as tracking is).
#[utoipa::path(
    get,
    path = "/licences/{number}",
    tag = "licences",
    params(("number" = String, Path, description = "The licence number (Arabic-Indic digits, spaces and hyphens are accepted)")),
    responses(
        (status = 200, description = "The licence as the public sees it", body = LicenceVerification),
        (status = 400, description = "This is not a licence number (a digit is mistyped, or too many or too few)", body = ErrorBody),
        (status = 404, description = "No licence has this number", body = ErrorBody), (status = 408, description = "The request took too long", body = ErrorBody), (status = 429, description = "Too many attempts: try again after `Retry-After` seconds", body = ErrorBody, headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
async fn verify_licence(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    Path(number): Path<String>,
) -> Result<ApiJson<LicenceVerification>, ApiError> {
    // Counted before the number is read, so guesses cost the same as hits.
    state.check_limit(Limit::Track, client).await?;
    let number = typed_number(&number)?;
    state
        .store
        .licence(
            &number,
            riyadh_date(state.now_ms()),
            &state.public_url,
            |_, _| true,
        )
        .await?
        .map(|licence| ApiJson(licence.verification()))
        .ok_or(ApiError::NotFound)
}

/// The QR code of a licence's public verification page (`{public_url}/verify/{number}`),
/// as SVG, for its certificate. Drawn for any well-formed number without looking it up,
/// so it tells nothing about which numbers exist; counted against the same per-client
/// limit as verification, so drawing codes cannot be turned into a load.
#[utoipa::path(
    get,
    path = "/licences/{number}/qr.svg",
    tag = "licences",
    params(("number" = String, Path, description = "The licence number")),
    responses(
        (status = 200, description = "An SVG image", content_type = "image/svg+xml", body = String),
        (status = 400, description = "This is not a licence number", body = ErrorBody), (status = 408, description = "The request took too long", body = ErrorBody),
        (status = 429, description = "Too many attempts: try again after `Retry-After` seconds", body = ErrorBody, headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
async fn licence_qr(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    Path(number): Path<String>,
) -> Result<Response, ApiError> {
    state.check_limit(Limit::Track, client).await?;
    let number = typed_number(&number)?;
    let address = format!("{}/verify/{number}", state.public_url);
    let code = qrcode::QrCode::with_error_correction_level(address.as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("qr code: {e}")))?;
    let svg = code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build();
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("image/svg+xml"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=86400, immutable"),
            ),
        ],
        svg,
    )
        .into_response())
}

/// The signed-in citizen's licences, newest first.
#[utoipa::path(
    get,
    path = "/account/licences",
    tag = "licences",
    security(("citizen_session" = [])),
    responses((status = 200, description = "Their licences", body = Vec<LicenceSummary>), (status = 401, description = "No live session", body = ErrorBody), (status = 408, description = "The request took too long", body = ErrorBody))
)]
async fn list_my_licences(
    State(state): State<AppState>,
    session: CitizenSession,
) -> Result<ApiJson<Vec<LicenceSummary>>, ApiError> {
    Ok(ApiJson(
        state
            .store
            .licences_of(&session.phone, riyadh_date(state.now_ms()))
            .await?,
    ))
}

/// One of the citizen's licences, in full (for its page and its printed certificate).
#[utoipa::path(
    get,
    path = "/account/licences/{number}",
    tag = "licences",
    params(("number" = String, Path, description = "The licence number")),
    security(("citizen_session" = [])),
    responses((status = 200, description = "The licence", body = Licence), (status = 401, description = "No live session", body = ErrorBody), (status = 404, description = "Not found, or not the caller's to see", body = ErrorBody), (status = 408, description = "The request took too long", body = ErrorBody))
)]
async fn get_my_licence(
    State(state): State<AppState>,
    session: CitizenSession,
    Path(number): Path<String>,
) -> Result<ApiJson<Licence>, ApiError> {
    let number = path_number(&number)?;
    state
        .store
        .licence(
            &number,
            riyadh_date(state.now_ms()),
            &state.public_url,
            |phone, _| phone == session.phone,
        )
        .await?
        .map(ApiJson)
        .ok_or(ApiError::NotFound)
}

/// Files a renewal of one of the citizen's licences: a request for the same service with
/// the licence's answers (the files, which are not kept, and any changed answer given in
/// the body); approving it extends the same licence number. 201 with the request's
/// reference, 200 with the same for a replay of the same key and body.
#[utoipa::path(
    post,
    path = "/account/licences/{number}/renew",
    tag = "licences",
    params(("number" = String, Path, description = "The licence number"),
        ("Idempotency-Key" = String, Header, pattern = "^[A-Za-z0-9_-]{8,128}$", description = "8 to 128 letters, digits, `-` or `_`; the same key with the same body answers the same renewal")),
    request_body = RenewLicence,
    security(("citizen_session" = [])),
    responses(
        (status = 201, description = "The renewal request is filed", body = FiledRequest),
        (status = 200, description = "Filed before with this key and body: the same reference", body = FiledRequest),
        (status = 400, description = "No or a malformed Idempotency-Key, or the body is not JSON of this shape", body = ErrorBody),
        (status = 401, description = "No live session", body = ErrorBody),
        (status = 404, description = "Not found, or not the caller's to see", body = ErrorBody), (status = 408, description = "The request took too long", body = ErrorBody),
        (status = 409, description = "The licence is revoked, or a renewal of it is already under way", body = ErrorBody),
        (status = 413, description = "The body is larger than allowed", body = ErrorBody),
        (status = 422, description = "An answer breaks the service's form (the files are always needed afresh), or the service takes no filings now", body = ErrorBody),
        (status = 429, description = "Too many attempts: try again after `Retry-After` seconds", body = ErrorBody, headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
async fn renew_licence(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    session: CitizenSession,
    headers: HeaderMap,
    Path(number): Path<String>,
    body: ApiJsonBytes<RenewLicence>,
) -> Result<(StatusCode, ApiJson<FiledRequest>), ApiError> {
    let number = path_number(&number)?;
    let key = idempotency_key(&headers)?;
    let ApiJsonBytes {
        value: renew,
        bytes,
    } = body;
    let today = riyadh_date(state.now_ms());
    let target = state
        .store
        .renewal_target(&number, &session.phone, today)
        .await?
        .ok_or(ApiError::NotFound)?;
    if !may_renew(target.status) {
        return Err(ApiError::Conflict {
            code: "licence_revoked",
            message: renewal_refused(),
        });
    }
    let idempotency_key = format!("renew:{number}:{key}");
    // A retry of an accepted renewal is answered by `file` as a replay, whatever is
    // pending now; a new one waits for the open one to be decided.
    if target.pending && !state.store.idempotency_key_used(&idempotency_key).await? {
        return Err(ApiError::Conflict {
            code: "renewal_pending",
            message: Localized::new(
                "يوجد طلب تجديد لهذه الرخصة قيد الدراسة",
                "A renewal of this licence is already being reviewed",
            ),
        });
    }
    let service = service_to_file(&state, &target.service_code).await?;
    let request = NewRequest {
        service_code: target.service_code.clone(),
        locale: renew.locale,
        applicant: Applicant {
            name: target.holder.name.clone(),
            phone: session.phone.clone(),
            email: None,
            national_id: target.holder.national_id.clone(),
            cr_number: None,
        },
        answers: renew.answers(&service.form, &target.answers),
        location: None,
        attachments: Vec::new(),
        appointment: None,
    };
    let valid = request
        .validate(&service.form, today)
        .map_err(ApiError::Validation)?;
    let submission = Submission {
        channel: Channel::Web,
        actor: "applicant".to_owned(),
        idempotency_key,
        body_hash: body_hash(&bytes),
        limit_key: client_key(client),
        api_key: None,
        renews: Some(target.id),
    };
    file(&state, &service, &request, &valid, submission).await
}

/// The register's filters from the query string; a malformed query string is a 422 like
/// any other bad filter.
fn register_filter(
    query: Result<Query<RegisterQuery>, QueryRejection>,
) -> Result<nafitha_domain::licence::RegisterFilter, ApiError> {
    let Query(query) = query.map_err(bad_filters)?;
    query.validate().map_err(ApiError::Validation)
}

/// The agency's register of licences, newest first, a page at a time: searched by
/// licence number, CR number (or their first digits) or part of the holder's name,
/// filtered by status and last day.
#[utoipa::path(
    get,
    path = "/staff/licences",
    tag = "licences",
    params(RegisterQuery),
    security(("staff_session" = [])),
    responses(
        (status = 200, description = "A page of the register", body = LicencePage),
        (status = 401, description = "No live session", body = ErrorBody), (status = 408, description = "The request took too long", body = ErrorBody),
        (status = 422, description = "A filter is not valid", body = ErrorBody),
    )
)]
async fn list_licences(
    State(state): State<AppState>,
    session: StaffSession,
    query: Result<Query<RegisterQuery>, QueryRejection>,
) -> Result<ApiJson<LicencePage>, ApiError> {
    let filter = register_filter(query)?;
    let (items, next) = state
        .store
        .licence_register(&session.0.agency, &filter, riyadh_date(state.now_ms()))
        .await?;
    Ok(ApiJson(LicencePage { items, next }))
}

/// The register under the filters, as a CSV file (the newest [`EXPORT_MAX_ROWS`]).
#[utoipa::path(
    get,
    path = "/staff/licences.csv",
    tag = "licences",
    params(RegisterQuery),
    security(("staff_session" = [])),
    responses(
        (status = 200, description = "A CSV file (UTF-8 with a byte-order mark), as a download",
            content_type = "text/csv", body = String,
            headers(("Content-Disposition" = String, description = "`attachment` and the file's name"))),
        (status = 401, description = "No live session", body = ErrorBody), (status = 408, description = "The request took too long", body = ErrorBody),
        (status = 422, description = "A filter is not valid", body = ErrorBody),
    )
)]
async fn export_licences(
    State(state): State<AppState>,
    session: StaffSession,
    headers: HeaderMap,
    query: Result<Query<RegisterQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let mut filter = register_filter(query)?;
    filter.after = None;
    filter.limit = EXPORT_MAX_ROWS;
    let today = riyadh_date(state.now_ms());
    let (items, _) = state
        .store
        .licence_register(&session.0.agency, &filter, today)
        .await?;
    let locale = locale_of(&headers);
    let head: [&str; 7] = match locale {
        Locale::Ar => [
            "رقم الرخصة",
            "الحالة",
            "النشاط",
            "صاحب الرخصة",
            "السجل التجاري",
            "تاريخ الإصدار",
            "تاريخ الانتهاء",
        ],
        Locale::En => [
            "Licence number",
            "Status",
            "Activity",
            "Holder",
            "CR number",
            "Issued on",
            "Expires on",
        ],
    };
    let rows = items.into_iter().map(|l| {
        [
            l.number.to_string(),
            l.status.label(locale).to_owned(),
            csv_cell(l.activity.get(locale)),
            csv_cell(&l.holder),
            csv_cell(l.cr_number.as_deref().unwrap_or_default()),
            l.issued_on.to_string(),
            l.expires_on.to_string(),
        ]
    });
    csv::download("licences", today, head, rows)
}

/// One of the agency's licences, in full.
#[utoipa::path(
    get,
    path = "/staff/licences/{number}",
    tag = "licences",
    params(("number" = String, Path, description = "The licence number")),
    security(("staff_session" = [])),
    responses((status = 200, description = "The licence", body = Licence), (status = 401, description = "No live session", body = ErrorBody), (status = 404, description = "Not found, or not the caller's to see", body = ErrorBody), (status = 408, description = "The request took too long", body = ErrorBody))
)]
async fn get_licence(
    State(state): State<AppState>,
    session: StaffSession,
    Path(number): Path<String>,
) -> Result<ApiJson<Licence>, ApiError> {
    let number = path_number(&number)?;
    state
        .store
        .licence(
            &number,
            riyadh_date(state.now_ms()),
            &state.public_url,
            |_, agency| agency == session.0.agency,
        )
        .await?
        .map(ApiJson)
        .ok_or(ApiError::NotFound)
}

/// What a supervisor's change answers.
fn change_result(change: LicenceChange) -> Result<StatusCode, ApiError> {
    match change {
        LicenceChange::Done => Ok(StatusCode::NO_CONTENT),
        LicenceChange::NotFound => Err(ApiError::NotFound),
        LicenceChange::Revoked => Err(ApiError::Conflict {
            code: "licence_revoked",
            message: Localized::new(
                "هذه الرخصة ملغاة، ولا يمكن تغييرها",
                "This licence is revoked and cannot be changed",
            ),
        }),
    }
}

/// Suspends one of the agency's licences until a day, with a reason (supervisors); the
/// holder is told by SMS, and verification says "suspended" at once.
#[utoipa::path(
    post,
    path = "/staff/licences/{number}/suspend",
    tag = "licences",
    params(("number" = String, Path, description = "The licence number")),
    request_body = SuspendLicence,
    security(("staff_session" = [])),
    responses(
        (status = 204, description = "Suspended"),
        (status = 400, description = "The body is not JSON, or not of this shape", body = ErrorBody), (status = 401, description = "No live session", body = ErrorBody), (status = 403, description = "The role does not allow this", body = ErrorBody),
        (status = 404, description = "Not found, or not the caller's to see", body = ErrorBody), (status = 408, description = "The request took too long", body = ErrorBody),
        (status = 409, description = "The licence is revoked", body = ErrorBody), (status = 413, description = "The body is larger than allowed", body = ErrorBody),
        (status = 422, description = "No reason, or the last day is not a date from today", body = ErrorBody),
    )
)]
async fn suspend_licence(
    State(state): State<AppState>,
    session: StaffSession,
    Path(number): Path<String>,
    ApiJson(body): ApiJson<SuspendLicence>,
) -> Result<StatusCode, ApiError> {
    session.require_supervisor()?;
    let number = path_number(&number)?;
    let now = state.now_ms();
    let suspension = body
        .validate(riyadh_date(now))
        .map_err(ApiError::Validation)?;
    let public_url = state.public_url.clone();
    let until = suspension.until;
    let notify = move |to: &LicenceContact<'_>| {
        vec![messages::licence_changed(
            &recipient(to),
            to.number,
            Some(until),
            &public_url,
        )]
    };
    let change = state
        .store
        .change_licence(
            &number,
            &session.0.agency,
            LicenceAction::Suspend(&suspension),
            &format!("staff:{}", session.0.username),
            now,
            &notify,
        )
        .await?;
    change_result(change)
}

/// Revokes one of the agency's licences, with a reason (supervisors): final; the holder is
/// told by SMS, its reminders are withdrawn, and verification says "revoked" at once.
#[utoipa::path(
    post,
    path = "/staff/licences/{number}/revoke",
    tag = "licences",
    params(("number" = String, Path, description = "The licence number")),
    request_body = RevokeLicence,
    security(("staff_session" = [])),
    responses(
        (status = 204, description = "Revoked"),
        (status = 400, description = "The body is not JSON, or not of this shape", body = ErrorBody), (status = 401, description = "No live session", body = ErrorBody), (status = 403, description = "The role does not allow this", body = ErrorBody),
        (status = 404, description = "Not found, or not the caller's to see", body = ErrorBody), (status = 408, description = "The request took too long", body = ErrorBody),
        (status = 409, description = "The licence is already revoked", body = ErrorBody), (status = 413, description = "The body is larger than allowed", body = ErrorBody),
        (status = 422, description = "No reason", body = ErrorBody),
    )
)]
async fn revoke_licence(
    State(state): State<AppState>,
    session: StaffSession,
    Path(number): Path<String>,
    ApiJson(body): ApiJson<RevokeLicence>,
) -> Result<StatusCode, ApiError> {
    session.require_supervisor()?;
    let number = path_number(&number)?;
    let reason = body.validate().map_err(ApiError::Validation)?;
    let public_url = state.public_url.clone();
    let notify = move |to: &LicenceContact<'_>| {
        vec![messages::licence_changed(
            &recipient(to),
            to.number,
            None,
            &public_url,
        )]
    };
    let change = state
        .store
        .change_licence(
            &number,
            &session.0.agency,
            LicenceAction::Revoke(&reason),
            &format!("staff:{}", session.0.username),
            state.now_ms(),
            &notify,
        )
        .await?;
    change_result(change)
}

fn recipient<'a>(to: &LicenceContact<'a>) -> messages::Recipient<'a> {
    messages::Recipient {
        locale: to.locale,
        phone: to.phone,
        email: None,
    }
}
