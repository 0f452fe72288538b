//! `POST /api/v1/uploads?service=CODE&field=ID`: one file, as the raw request body, for
//! one attachment question. Checked by content against the question's limits, stripped of
//! metadata, stored, and answered with its id; the id then goes into the filing.

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use nafitha_domain::answers::InvalidAnswer;
use nafitha_domain::form::{Accept, MAX_ATTACHMENT_MB};
use nafitha_domain::lifecycle::{reply_attachment, REPLY_UPLOAD_FIELD};
use nafitha_domain::{FieldKind, Localized};
use serde::Serialize;

use crate::attachments::{sniff, strip_metadata, FileKind};
use crate::error::{ApiError, ApiJson};
use crate::startup::AppState;
use crate::store::uploads::NewUpload;

/// The largest body this route reads: the largest file any question may allow.
pub const UPLOAD_BODY_LIMIT: usize = MAX_ATTACHMENT_MB as usize * 1024 * 1024;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/uploads", post(create_upload))
        .layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT))
}

/// The answer to an upload.
#[derive(Debug, Serialize)]
pub struct Uploaded {
    pub id: String,
    pub kind: &'static str,
    pub size: usize,
}

fn problem(field: &str, ar: impl Into<String>, en: impl Into<String>) -> ApiError {
    ApiError::Validation(vec![InvalidAnswer {
        field: field.to_owned(),
        message: Localized::new(ar, en),
    }])
}

fn new_id() -> String {
    let bits: u128 = rand::random();
    format!("{bits:032x}")
}

async fn create_upload(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, ApiJson<Uploaded>), ApiError> {
    let params: Vec<(String, String)> =
        url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
            .into_owned()
            .collect();
    let param = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let (service_code, field_id) = (param("service"), param("field"));
    let service = state
        .store
        .get_service(&service_code)
        .await?
        .filter(|s| s.active)
        .ok_or_else(|| {
            problem(
                "service",
                "لا توجد خدمة بهذا الرمز تقبل الطلبات",
                "There is no open service with this code",
            )
        })?;
    // Files sent with an answer to the agency (or a reply) are made for a pseudo-question
    // that every service has.
    let question = if field_id == REPLY_UPLOAD_FIELD {
        Some((reply_attachment(), Localized::new("المستند", "Document")))
    } else {
        service
            .form
            .field(&field_id)
            .map(|f| (f.kind.clone(), f.label.clone()))
    };
    let Some((
        FieldKind::Attachment {
            max_size_mb,
            accept,
            ..
        },
        label,
    )) = question
    else {
        return Err(problem(
            "field",
            "هذا السؤال لا يقبل ملفات",
            "This question does not take files",
        ));
    };
    if body.is_empty() {
        return Err(problem(
            &field_id,
            format!("الملف فارغ: {}", label.ar),
            format!("The file for {} is empty", label.en),
        ));
    }
    if body.len() > usize::from(max_size_mb) * 1024 * 1024 {
        return Err(problem(
            &field_id,
            format!("يجب أن يكون حجم الملف أقل من {max_size_mb} ميغابايت"),
            format!("The file must be smaller than {max_size_mb} MB"),
        ));
    }
    let declared_image = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("image/"));
    let kind = match sniff(&body) {
        Some(kind) => kind,
        None if declared_image => {
            return Err(problem(
                &field_id,
                "الملف ليس صورة صالحة، اختر صورة بصيغة JPG أو PNG",
                "The file is not a real image. Choose a JPG or PNG photo",
            ))
        }
        None => {
            return Err(problem(
                &field_id,
                "يجب أن يكون الملف صورة (JPG أو PNG) أو مستند PDF",
                "The file must be a JPG or PNG image, or a PDF",
            ))
        }
    };
    let allowed = match accept {
        Accept::Images => kind.is_image(),
        Accept::Pdf => kind == FileKind::Pdf,
        Accept::ImagesAndPdf => true,
    };
    if !allowed {
        let (ar, en) = match accept {
            Accept::Images => (
                "يجب أن يكون الملف صورة بصيغة JPG أو PNG",
                "The file must be a JPG or PNG image",
            ),
            _ => ("يجب أن يكون الملف مستند PDF", "The file must be a PDF"),
        };
        return Err(problem(&field_id, ar, en));
    }
    let clean = strip_metadata(kind, &body).map_err(|_| {
        problem(
            &field_id,
            "الملف تالف أو ليس صورة حقيقية",
            "The file is damaged or is not really an image",
        )
    })?;
    let id = new_id();
    let size = clean.len();
    state
        .objects
        .put(&object_store::path::Path::from(id.as_str()), clean.into())
        .await
        .map_err(|e| ApiError::Internal(e.into()))?;
    let record = NewUpload {
        id: &id,
        service_code: &service.summary.code,
        field_id: &field_id,
        kind: kind.code(),
        size: size as i64,
        created_at: state.now_ms(),
    };
    if let Err(error) = state.store.insert_upload(&record).await {
        let _ = state
            .objects
            .delete(&object_store::path::Path::from(id.as_str()))
            .await;
        return Err(error.into());
    }
    Ok((
        StatusCode::CREATED,
        ApiJson(Uploaded {
            id,
            kind: kind.code(),
            size,
        }),
    ))
}
