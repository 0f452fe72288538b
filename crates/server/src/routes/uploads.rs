//! `POST /api/v1/uploads?service=CODE&field=ID`: one file, as the raw request body, for
//! one attachment question. Checked by content against the question's limits, stripped of
//! metadata, stored, and answered with its id; the id then goes into the filing.
//!
//! Anyone may upload without signing in, so uploads are limited per client (how many and
//! how many bytes an hour, in the database; how many at once, on each instance) and are
//! never held whole in memory: the body is streamed to a working file, cleaned from it
//! into a second, and streamed from that into storage. A slow network is not a fault: the
//! body may take as long as it keeps arriving, and is given up only when it stops for
//! the idle timeout.

use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use nafitha_domain::answers::InvalidAnswer;
use nafitha_domain::form::{Accept, MAX_ATTACHMENT_MB, MAX_IMAGE_PIXELS, MAX_IMAGE_SIDE_PX};
use nafitha_domain::lifecycle::{reply_attachment, REPLY_UPLOAD_FIELD};
use nafitha_domain::{ErrorBody, FieldKind, Localized};
use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::attachments::{sniff, strip_metadata_to, FileKind, Unusable, WorkFiles};
use crate::auth::{hash_token, ClientIp, SessionCookie};
use crate::error::{ApiError, ApiJson};
use crate::limits::{client_key, too_many, Limit};
use crate::startup::AppState;
use crate::store::limits::Charge;
use crate::store::uploads::NewUpload;

/// The largest body this route reads: the largest file any question may allow.
pub const UPLOAD_BODY_LIMIT: usize = MAX_ATTACHMENT_MB as usize * 1024 * 1024;

/// The uploads route. Its body is read as a stream by the handler, which enforces the
/// limits itself (axum's body limit applies to buffering extractors only).
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(create_upload))
}

/// The answer to an upload.
#[derive(Debug, Serialize, utoipa::ToSchema)]
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

/// The slowest an upload may arrive on average, in bytes a second (64 kbit/s: a quarter
/// of the 256 kbit/s a photo must succeed at), and the least time any upload is given.
const SLOWEST_UPLOAD_BYTES_PER_S: u64 = 8 * 1024;
const SHORTEST_UPLOAD_DEADLINE: std::time::Duration = std::time::Duration::from_secs(120);

/// How long an upload of at most `max_bytes` may take in all: a body trickling a byte
/// now and then (never idle long enough to time out) cannot hold its place for ever.
fn upload_deadline(max_bytes: usize) -> std::time::Duration {
    let at_slowest = std::time::Duration::from_secs(max_bytes as u64 / SLOWEST_UPLOAD_BYTES_PER_S);
    at_slowest.max(SHORTEST_UPLOAD_DEADLINE)
}

/// How a body stopped arriving.
enum Received {
    /// All of it: its size and its first bytes (enough to tell what it is).
    Whole { size: usize, head: Vec<u8> },
    /// More than `limit` bytes.
    TooBig,
    /// Nothing arrived for the idle timeout, or not all of it by the deadline, after
    /// `arrived` bytes.
    Stalled { arrived: usize },
    /// The client went away or sent a broken body, after `arrived` bytes.
    Broken { arrived: usize },
}

/// Streams `body` into the file at `path`, up to `limit` bytes, giving up when nothing
/// arrives for `idle` or all has not arrived by `deadline`.
async fn receive(
    body: Body,
    path: &std::path::Path,
    limit: usize,
    idle: std::time::Duration,
    deadline: std::time::Duration,
) -> Result<Received, ApiError> {
    use futures_util::StreamExt;
    use tokio::io::AsyncWriteExt;
    let internal = |e: std::io::Error| ApiError::Internal(e.into());
    let mut file =
        tokio::io::BufWriter::new(tokio::fs::File::create(path).await.map_err(internal)?);
    let mut stream = body.into_data_stream();
    let give_up_at = tokio::time::Instant::now() + deadline;
    let (mut size, mut head) = (0usize, Vec::with_capacity(16));
    loop {
        let wait = idle.min(give_up_at.saturating_duration_since(tokio::time::Instant::now()));
        let chunk = match tokio::time::timeout(wait, stream.next()).await {
            Err(_) => return Ok(Received::Stalled { arrived: size }),
            Ok(None) => break,
            Ok(Some(Err(_))) => return Ok(Received::Broken { arrived: size }),
            Ok(Some(Ok(chunk))) => chunk,
        };
        size += chunk.len();
        if size > limit {
            return Ok(Received::TooBig);
        }
        if head.len() < 16 {
            let wanted = (16 - head.len()).min(chunk.len());
            head.extend_from_slice(&chunk[..wanted]);
        }
        file.write_all(&chunk).await.map_err(internal)?;
    }
    file.flush().await.map_err(internal)?;
    Ok(Received::Whole { size, head })
}

/// Cleans the received file into the cleaned one (off the async threads); the cleaned
/// file's size. Neither is flushed to disk: they are working files, and storing the
/// cleaned one makes it durable.
async fn clean(kind: FileKind, files: &WorkFiles) -> Result<Result<u64, Unusable>, ApiError> {
    let (from, to) = (files.received.clone(), files.cleaned.clone());
    tokio::task::spawn_blocking(move || -> Result<u64, Unusable> {
        let mut input = std::io::BufReader::new(std::fs::File::open(&from).map_err(Unusable::Io)?);
        let mut output = std::io::BufWriter::new(std::fs::File::create(&to).map_err(Unusable::Io)?);
        strip_metadata_to(kind, &mut input, &mut output)?;
        let file = output
            .into_inner()
            .map_err(|e| Unusable::Io(e.into_error()))?;
        file.metadata().map(|m| m.len()).map_err(Unusable::Io)
    })
    .await
    .map_err(|e| ApiError::Internal(e.into()))
}

/// The size the client says it sends, if it says.
fn declared_length(headers: &HeaderMap) -> Option<usize> {
    headers
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .parse()
        .ok()
}

/// The staff member whose live session the request carries, if any: a reception desk's
/// uploads (documents scanned for a citizen) count against that staff member, as their
/// filings do, not against the desk's shared address.
async fn staff_member(
    state: &AppState,
    headers: &HeaderMap,
    now_ms: i64,
) -> Result<Option<String>, ApiError> {
    let Some(token) = SessionCookie::Staff.token(headers, state.secure_cookies) else {
        return Ok(None);
    };
    Ok(state
        .store
        .session_subject("staff", &hash_token(token), now_ms)
        .await?)
}

#[utoipa::path(
    post,
    path = "/uploads",
    tag = "filing",
    params(
        ("service" = String, Query, description = "The service's code"),
        ("field" = String, Query, description = "The attachment question's id (`reply` for a file sent with an answer or a reply)"),
    ),
    request_body(description = "The file itself: a JPEG or PNG image, or a PDF", content(
        (Vec<u8> = "image/jpeg"), (Vec<u8> = "image/png"), (Vec<u8> = "application/pdf"),
        (Vec<u8> = "application/octet-stream"))),
    responses(
        (status = 201, description = "Kept: the id to put in the filing", body = Uploaded),
        (status = 400, description = "The body stopped arriving before it was complete", body = ErrorBody),
        (status = 408, description = "The body stopped arriving for too long", body = ErrorBody),
        (status = 413, description = "Larger than any question allows", body = ErrorBody),
        (status = 422, description = "No such open service or attachment question, or the file is empty, too big, not of an accepted type or damaged", body = ErrorBody),
        (status = 429, description = "Too many attempts: try again after `Retry-After` seconds", body = ErrorBody, headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
async fn create_upload(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Body,
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
    let max_bytes = usize::from(max_size_mb) * 1024 * 1024;
    let too_big = || {
        problem(
            &field_id,
            format!("يجب أن يكون حجم الملف أقل من {max_size_mb} ميغابايت"),
            format!("The file must be smaller than {max_size_mb} MB"),
        )
    };
    let empty = || {
        problem(
            &field_id,
            format!("الملف فارغ: {}", label.ar),
            format!("The file for {} is empty", label.en),
        )
    };
    // What the client declares is refused before a byte is read.
    let declared = declared_length(&headers);
    match declared {
        Some(n) if n > UPLOAD_BODY_LIMIT => return Err(ApiError::PayloadTooLarge),
        Some(n) if n > max_bytes => return Err(too_big()),
        Some(0) => return Err(empty()),
        _ => {}
    }
    let _uploading = state.limits.start_upload(client)?;
    let now = state.now_ms();
    let counted_as = match staff_member(&state, &headers, now).await? {
        Some(username) => format!("staff:{username}"),
        None => client_key(client),
    };
    // Bytes are charged as declared, or at the question's most when not declared (and
    // the difference given back once the size is known).
    let charged = declared.unwrap_or(max_bytes);
    let bytes_charge =
        state
            .limits
            .charge(Limit::UploadBytesPerClient, &counted_as, charged as i64);
    let charges: Vec<_> = [
        state.limits.charge(Limit::UploadsPerClient, &counted_as, 1),
        bytes_charge.clone(),
    ]
    .into_iter()
    .flatten()
    .collect();
    if let Some(refused) = state.store.charge_limits(&charges, now).await? {
        return Err(too_many(refused));
    }

    let id = new_id();
    let files = WorkFiles::new(&state.incoming, &id);
    let deadline = upload_deadline(max_bytes);
    let idle = state.upload_idle_timeout;
    let received = receive(body, &files.received, max_bytes, idle, deadline).await?;
    // Give back the bytes charged that never arrived: a size not declared, a body that
    // broke off or stalled. A body over the limit keeps its charge.
    let arrived = match &received {
        Received::Whole { size, .. } => Some(*size),
        Received::Stalled { arrived } | Received::Broken { arrived } => Some(*arrived),
        Received::TooBig => None,
    };
    if let (Some(charge), Some(arrived)) = (bytes_charge, arrived) {
        if arrived < charged {
            let unused = Charge {
                cost: (charged - arrived) as i64,
                ..charge
            };
            state.store.refund_limit(&unused, now).await?;
        }
    }
    let (size, head) = match received {
        Received::Whole { size, head } => (size, head),
        Received::TooBig => return Err(too_big()),
        Received::Stalled { .. } => {
            crate::telemetry::security_event(
                "upload_stalled",
                "/api/v1/uploads",
                Some(client),
                None,
            );
            return Err(ApiError::RequestTimeout);
        }
        Received::Broken { .. } => {
            return Err(ApiError::BadRequest(Localized::new(
                "انقطع إرسال الملف قبل اكتماله، حاول مرة أخرى",
                "The file stopped arriving before it was complete. Please try again",
            )))
        }
    };
    if size == 0 {
        return Err(empty());
    }
    let declared_image = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("image/"));
    let kind = match sniff(&head) {
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
    // Cleaned, stored and recorded in a task of its own, so that a client leaving now
    // cannot stop it half-way (its working files go when it ends, whatever the outcome).
    let finished = tokio::spawn(keep(
        state.clone(),
        files,
        Kept {
            id,
            kind,
            service_code: service.summary.code.clone(),
            field_id: field_id.clone(),
        },
    ))
    .await
    .map_err(|e| ApiError::Internal(e.into()))?;
    match finished? {
        Ok(uploaded) => Ok((StatusCode::CREATED, ApiJson(uploaded))),
        Err(Unusable::TooManyPixels { .. }) => {
            let megapixels = MAX_IMAGE_PIXELS / 1_000_000;
            Err(problem(
                &field_id,
                format!("أبعاد الصورة كبيرة جدًا. الحد {megapixels} ميغابكسل و{MAX_IMAGE_SIDE_PX} بكسل لكل ضلع"),
                format!("The picture's dimensions are too large: at most {megapixels} megapixels and {MAX_IMAGE_SIDE_PX} pixels a side"),
            ))
        }
        Err(Unusable::Malformed(_)) => Err(problem(
            &field_id,
            "الملف تالف أو ليس صورة حقيقية",
            "The file is damaged or is not really an image",
        )),
        Err(Unusable::Io(error)) => Err(ApiError::Internal(error.into())),
    }
}

/// What an accepted upload is kept as.
struct Kept {
    id: String,
    kind: FileKind,
    service_code: String,
    field_id: String,
}

/// Cleans the received file, stores the result and records it: the upload's answer, or
/// why the file cannot be kept (`Err` inside), or a failure of ours.
async fn keep(
    state: AppState,
    files: WorkFiles,
    kept: Kept,
) -> Result<Result<Uploaded, Unusable>, ApiError> {
    let size = match clean(kept.kind, &files).await? {
        Ok(size) => size,
        Err(unusable) => return Ok(Err(unusable)),
    };
    state
        .objects
        .put_file(&kept.id, &files.cleaned)
        .await
        .map_err(ApiError::Internal)?;
    let record = NewUpload {
        id: &kept.id,
        service_code: &kept.service_code,
        field_id: &kept.field_id,
        kind: kept.kind.code(),
        size: size as i64,
        created_at: state.now_ms(),
    };
    if let Err(error) = state.store.insert_upload(&record).await {
        let _ = state.objects.delete(&kept.id).await;
        return Err(error.into());
    }
    Ok(Ok(Uploaded {
        id: kept.id,
        kind: kept.kind.code(),
        size: size as usize,
    }))
}
