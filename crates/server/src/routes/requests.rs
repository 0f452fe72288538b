//! Filing: `POST /api/v1/requests` (and, through [`file`], the staff's assisted filing in
//! `routes::intake`). The body is validated by the domain's rule against
//! the service's form; the request, its first event, its idempotency key and its
//! notifications are stored in one transaction, or nothing is. The filing limits (per
//! client, per applicant number, SMS per number per day) are charged in that same
//! transaction, after a replay of an accepted filing has been recognised and answered.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use nafitha_domain::calendar::riyadh_date;
use nafitha_domain::filing::{Channel, FiledRequest, NewRequest, ValidRequest};
use nafitha_domain::partner::key_covers;
use nafitha_domain::{ErrorBody, Localized, ReferenceNumber, ServiceDetail};
use serde_json::Value;
use sha2::{Digest, Sha256};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::{partner_key, ClientIp};
use crate::error::{ApiError, ApiJson, ApiJsonBytes};
use crate::limits::{client_key, too_many, Limit};
use crate::notify::messages;
use crate::routes::appointments::{booking_for, slot_full, venue};
use crate::startup::AppState;
use crate::store::partners::PartnerKey;
use crate::store::requests::{FiledBooking, Filing, FilingOutcome};
use nafitha_domain::appointment::reminder_at;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(create_request))
}

/// How many fresh reference numbers a filing tries when the one drawn is taken (at 12
/// digits and a few million requests a clash is about one in ten thousand; two in a row,
/// never).
const REFERENCE_ATTEMPTS: usize = 5;

/// Longest idempotency key accepted.
const MAX_KEY_LENGTH: usize = 128;

pub(crate) fn idempotency_key(headers: &HeaderMap) -> Result<String, ApiError> {
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .ok_or_else(|| {
            ApiError::BadRequest(Localized::new(
                "الترويسة Idempotency-Key مطلوبة لكل طلب جديد",
                "Every filing needs an Idempotency-Key header",
            ))
        })?;
    let well_formed = (8..=MAX_KEY_LENGTH).contains(&key.len())
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !well_formed {
        return Err(ApiError::BadRequest(Localized::new(
            "قيمة Idempotency-Key من 8 إلى 128 حرفًا إنجليزيًا أو رقمًا",
            "An Idempotency-Key is 8 to 128 letters, digits, - or _",
        )));
    }
    Ok(key.to_owned())
}

/// The SHA-256 of the body exactly as sent: a retry sends the same bytes, so a replay is
/// recognised without reading the body a second time.
pub(crate) fn body_hash(body: &[u8]) -> String {
    crate::secret::hex(&Sha256::digest(body))
}

/// Files a request; 201 with the reference, or 200 with the same reference for a replay.
/// With a partner's key (`Authorization: Bearer`), it files through the key's channel,
/// within its scope, counted against the key's limits.
#[utoipa::path(
    post,
    path = "/requests",
    tag = "filing",
    params(("Idempotency-Key" = String, Header, pattern = "^[A-Za-z0-9_-]{8,128}$", description = "8 to 128 letters, digits, `-` or `_`; the same key with the same body answers the same filing")),
    request_body = NewRequest,
    security((), ("partner_key" = [])),
    responses(
        (status = 201, description = "Filed", body = FiledRequest),
        (status = 200, description = "Filed before with this key and body: the same reference", body = FiledRequest),
        (status = 400, description = "No or a malformed Idempotency-Key, or the body is not JSON of this shape", body = ErrorBody),
        (status = 401, description = "The API key is malformed, unknown or revoked", body = ErrorBody),
        (status = 403, description = "The service is outside the partner key's scope", body = ErrorBody),
        (status = 408, description = "The request took too long", body = ErrorBody), (status = 413, description = "The body is larger than allowed", body = ErrorBody),
        (status = 422, description = "An answer breaks the service's form, the service takes no filings now, or the key was used for another body", body = ErrorBody),
        (status = 429, description = "Too many attempts: try again after `Retry-After` seconds", body = ErrorBody, headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
async fn create_request(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    headers: HeaderMap,
    body: ApiJsonBytes<NewRequest>,
) -> Result<(StatusCode, ApiJson<FiledRequest>), ApiError> {
    let key = idempotency_key(&headers)?;
    let ApiJsonBytes {
        value: request,
        bytes,
    } = body;
    let partner = partner_key(&state, &headers, client).await?;
    let service = service_to_file(&state, &request.service_code).await?;
    if let Some(p) = &partner {
        let (code, agency) = (&service.summary.code, &service.summary.agency.code);
        if !key_covers(p.agency.as_deref(), &p.services, code, agency) {
            return Err(ApiError::Forbidden {
                code: "out_of_scope",
                message: Localized::new(
                    "هذه الخدمة خارج نطاق مفتاحك",
                    "This service is outside your key's scope",
                ),
            });
        }
    }
    let valid = request
        .validate(&service.form, riyadh_date(state.now_ms()))
        .map_err(ApiError::Validation)?;
    let submission = match &partner {
        // A partner files with its key's channel, its keys and its limits apart.
        Some(p) => Submission::partner(p, &key, &bytes),
        None => Submission {
            channel: Channel::Web,
            actor: "applicant".to_owned(),
            idempotency_key: key,
            body_hash: body_hash(&bytes),
            limit_key: client_key(client),
            api_key: None,
            renews: None,
        },
    };
    file(&state, &service, &request, &valid, submission).await
}

/// The service a filing names, if it exists and accepts filings.
pub(crate) async fn service_to_file(
    state: &AppState,
    code: &str,
) -> Result<ServiceDetail, ApiError> {
    let service = state.store.get_service(code).await?.ok_or_else(|| {
        ApiError::on_field(
            "service_code",
            Localized::new(
                "لا توجد خدمة بهذا الرمز",
                "There is no service with this code",
            ),
        )
    })?;
    if !service.active {
        return Err(ApiError::Unprocessable {
            code: "service_inactive",
            message: Localized::new(
                "لا تستقبل هذه الخدمة طلبات جديدة حاليًا",
                "This service is not accepting new applications at the moment",
            ),
        });
    }
    Ok(service)
}

/// How a validated filing came in, and what it is charged to.
pub(crate) struct Submission {
    pub channel: Channel,
    /// Who filed, for the audit trail (`store::requests::Filing::actor`).
    pub actor: String,
    /// As stored: a staff member's or a partner's keys are kept apart from everyone else's.
    pub idempotency_key: String,
    pub body_hash: String,
    /// Whom the per-client filing limit counts: the client's address, the staff member, or
    /// the partner's key.
    pub limit_key: String,
    /// The partner's key it was filed with, if any.
    pub api_key: Option<i64>,
    /// The licence (its row id) this filing asks to renew, if any.
    pub renews: Option<i64>,
}

impl Submission {
    /// A partner's filing (native or Open311): the key's channel, its own idempotency keys
    /// (`key`, as the partner sent or derived it) and its own limits.
    pub fn partner(partner: &PartnerKey, key: &str, body: &[u8]) -> Submission {
        Submission {
            channel: partner.channel,
            actor: format!("partner:{}", partner.id),
            idempotency_key: format!("key:{}:{key}", partner.id),
            body_hash: body_hash(body),
            limit_key: format!("key:{}", partner.id),
            api_key: Some(partner.id),
            renews: None,
        }
    }
}

/// Stores a validated filing: its uploads, limits and messages (the SMS in the filing's
/// language), in one transaction; 201 with the reference, 200 for a replay.
pub(crate) async fn file(
    state: &AppState,
    service: &ServiceDetail,
    request: &NewRequest,
    valid: &ValidRequest,
    submission: Submission,
) -> Result<(StatusCode, ApiJson<FiledRequest>), ApiError> {
    let now = state.now_ms();
    let due_on = riyadh_date(now).add_working_days(u32::from(service.summary.sla_working_days));
    let uploads = uploads_of(service, &valid.answers, &request.attachments);
    let to = messages::Recipient {
        locale: request.locale,
        phone: &valid.applicant.phone,
        email: valid.applicant.email.as_deref(),
    };
    let booked = booking_for(state, service, request.appointment.as_ref()).await?;
    let messages_for = |reference: &ReferenceNumber| {
        let mut sent = messages::filed(
            &to,
            reference,
            due_on,
            &service.summary.name,
            &state.public_url,
        );
        if let Some((availability, booking)) = &booked {
            let venue = venue(state, availability, reference);
            sent.push(messages::appointment_booked(
                &to,
                reference,
                booking.start,
                &venue,
            ));
        }
        sent
    };
    let appointment_for = |reference: &ReferenceNumber| {
        booked.as_ref().map(|(availability, booking)| FiledBooking {
            booking: booking.clone(),
            reminder: reminder_at(booking.start, now).map(|at| {
                let venue = venue(state, availability, reference);
                let reminder =
                    messages::appointment_reminder(&to, reference, booking.start, &venue);
                (at, reminder)
            }),
        })
    };
    // Charged in the filing's transaction, after a replay has been recognised.
    let limits: Vec<_> = [
        state
            .limits
            .charge(Limit::FilingsPerClient, &submission.limit_key, 1),
        state
            .limits
            .charge(Limit::FilingsPerPhone, &valid.applicant.phone, 1),
    ]
    .into_iter()
    .flatten()
    .collect();
    let mut outcome = FilingOutcome::ReferenceTaken;
    for _ in 0..REFERENCE_ATTEMPTS {
        let reference = ReferenceNumber::from_body(rand::random());
        let filing = Filing {
            service_code: service.summary.code.clone(),
            agency_code: service.summary.agency.code.clone(),
            department_code: service.department.code.clone(),
            request: valid.clone(),
            locale: request.locale,
            channel: submission.channel,
            actor: submission.actor.clone(),
            api_key: submission.api_key,
            idempotency_key: submission.idempotency_key.clone(),
            body_hash: submission.body_hash.clone(),
            messages: messages_for(&reference),
            appointment: appointment_for(&reference),
            reference,
            now_ms: now,
            due_on,
            uploads: uploads.clone(),
            limits: limits.clone(),
            renews: submission.renews,
        };
        outcome = state.store.file_request(filing).await?;
        if outcome != FilingOutcome::ReferenceTaken {
            break;
        }
    }
    match outcome {
        FilingOutcome::Created(filed) => {
            crate::metrics::filing_created(submission.channel);
            Ok((StatusCode::CREATED, ApiJson(filed)))
        }
        FilingOutcome::Replayed(filed) => Ok((StatusCode::OK, ApiJson(filed))),
        FilingOutcome::Limited(refused) => Err(too_many(refused)),
        FilingOutcome::UnknownUpload(field) => Err(ApiError::on_field(
            &field,
            Localized::new(
                "الملف المرفق غير موجود أو انتهت صلاحيته، ارفعه مرة أخرى",
                "An attached file was not found or has expired. Upload it again",
            ),
        )),
        FilingOutcome::SlotFull => match &booked {
            Some((availability, _)) => {
                Err(slot_full(state, &service.summary.code, availability).await)
            }
            None => Err(ApiError::Internal(anyhow::anyhow!(
                "a slot was full without a booking"
            ))),
        },
        FilingOutcome::ReferenceTaken => Err(ApiError::Internal(anyhow::anyhow!(
            "no free reference number after {REFERENCE_ATTEMPTS} tries"
        ))),
        FilingOutcome::KeyReused => Err(ApiError::Unprocessable {
            code: "idempotency_key_reused",
            message: Localized::new(
                "استُخدم مفتاح الإرسال نفسه لطلب مختلف",
                "This Idempotency-Key was already used for a different request",
            ),
        }),
    }
}

/// Every upload the filing brings: those answering attachment questions (with the
/// question's id) and the top-level list (with an empty id).
fn uploads_of(
    service: &ServiceDetail,
    answers: &serde_json::Map<String, Value>,
    top_level: &[String],
) -> Vec<(String, String)> {
    let mut uploads = Vec::new();
    for field in &service.form.fields {
        if let (nafitha_domain::FieldKind::Attachment { .. }, Some(Value::Array(ids))) =
            (&field.kind, answers.get(&field.id))
        {
            uploads.extend(
                ids.iter()
                    .filter_map(Value::as_str)
                    .map(|id| (field.id.clone(), id.to_owned())),
            );
        }
    }
    for id in top_level {
        if !uploads.iter().any(|(_, u)| u == id) {
            uploads.push((String::new(), id.clone()));
        }
    }
    uploads
}
