//! Filing: `POST /api/v1/requests`. The body is validated by the domain's rule against
//! the service's form; the request, its first event, its idempotency key and its
//! notifications are stored in one transaction, or nothing is. The filing limits (per
//! client, per applicant number, SMS per number per day) are charged in that same
//! transaction, after a replay of an accepted filing has been recognised and answered.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use nafitha_domain::answers::InvalidAnswer;
use nafitha_domain::calendar::riyadh_date;
use nafitha_domain::filing::{Channel, FiledRequest, NewRequest};
use nafitha_domain::{Localized, ReferenceNumber};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::auth::ClientIp;
use crate::error::{ApiError, ApiJson, ApiJsonBytes};
use crate::limits::{client_key, too_many, Limit};
use crate::notify::messages;
use crate::startup::AppState;
use crate::store::requests::{Filing, FilingOutcome};

pub fn router() -> Router<AppState> {
    Router::new().route("/requests", post(create_request))
}

/// Longest idempotency key accepted.
const MAX_KEY_LENGTH: usize = 128;

fn idempotency_key(headers: &HeaderMap) -> Result<String, ApiError> {
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
fn body_hash(body: &[u8]) -> String {
    crate::secret::hex(&Sha256::digest(body))
}

fn one_field(field: &str, message: Localized) -> ApiError {
    ApiError::Validation(vec![InvalidAnswer {
        field: field.to_owned(),
        message,
    }])
}

/// Files a request; 201 with the reference, or 200 with the same reference for a replay.
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
    let service = state
        .store
        .get_service(&request.service_code)
        .await?
        .ok_or_else(|| {
            one_field(
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
    let now = state.now_ms();
    let today = riyadh_date(now);
    let valid = request
        .validate(&service.form, today)
        .map_err(ApiError::Validation)?;
    let uploads = uploads_of(&service, &valid.answers, &request.attachments);
    let due_on = today.add_working_days(u32::from(service.summary.sla_working_days));
    let hash = body_hash(&bytes);
    let to = messages::Recipient {
        locale: request.locale,
        phone: &valid.applicant.phone,
        email: valid.applicant.email.as_deref(),
    };
    let build_messages = |reference: &ReferenceNumber| {
        messages::filed(
            &to,
            reference,
            due_on,
            &service.summary.name,
            &state.public_url,
        )
    };
    // Charged in the filing's transaction, after a replay has been recognised.
    let limits: Vec<_> = [
        state
            .limits
            .charge(Limit::FilingsPerClient, &client_key(client), 1),
        state
            .limits
            .charge(Limit::FilingsPerPhone, &valid.applicant.phone, 1),
    ]
    .into_iter()
    .flatten()
    .collect();
    let filing = Filing {
        service: &service,
        request: &valid,
        locale: request.locale,
        channel: Channel::Web,
        idempotency_key: &key,
        body_hash: &hash,
        now_ms: now,
        due_on,
        uploads: &uploads,
        limits: &limits,
        messages: &build_messages,
    };
    match state
        .store
        .file_request(&filing, || ReferenceNumber::from_body(rand::random()))
        .await?
    {
        FilingOutcome::Created(filed) => {
            crate::metrics::filing_created(filing.channel);
            Ok((StatusCode::CREATED, ApiJson(filed)))
        }
        FilingOutcome::Replayed(filed) => Ok((StatusCode::OK, ApiJson(filed))),
        FilingOutcome::Limited(refused) => Err(too_many(refused)),
        FilingOutcome::UnknownUpload(field) => Err(one_field(
            &field,
            Localized::new(
                "الملف المرفق غير موجود أو انتهت صلاحيته، ارفعه مرة أخرى",
                "An attached file was not found or has expired. Upload it again",
            ),
        )),
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
    service: &nafitha_domain::ServiceDetail,
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
