//! The API's error type and how it becomes a response.
//!
//! Every error response has the body `{ "code", "message", "fields" }` (the domain's
//! [`ErrorBody`]). Messages exist in Arabic and English; [`localize_errors`] picks the one
//! the request's `Accept-Language` prefers for `message`, and every body also carries both
//! (`localized`, on the body and on each field). Details of server faults are logged, never
//! sent: a 500 carries the generic message, in both languages.

use axum::body::Bytes;
use axum::extract::rejection::JsonRejection;
use axum::extract::FromRequest;
use axum::extract::Request;
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use nafitha_domain::answers::InvalidAnswer;
use nafitha_domain::{ErrorBody, FieldError, Locale, Localized};
use serde::de::DeserializeOwned;

/// An error a handler returns.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 404: no such thing, or nothing the caller may see (the two look the same).
    #[error("not found")]
    NotFound,
    /// 405: the path exists but not with this method.
    #[error("method not allowed")]
    MethodNotAllowed,
    /// 400: the request cannot be read (malformed JSON, a missing header).
    #[error("bad request: {0:?}")]
    BadRequest(Localized),
    /// 401: the route needs a session (citizen or staff) and the request has none.
    #[error("unauthorized")]
    Unauthorized,
    /// 401: the request carries an API key that is malformed, unknown or revoked.
    #[error("invalid api key")]
    InvalidKey,
    /// 401: a signed request (a payment's callback) whose signature is missing or is not
    /// the body's.
    #[error("bad signature")]
    BadSignature,
    /// 403: signed in, but this is not the caller's to do (another party's action, a role
    /// that does not allow it).
    #[error("forbidden: {code}")]
    Forbidden {
        code: &'static str,
        message: Localized,
    },
    /// 409: the life cycle does not allow this now, or the request changed meanwhile.
    #[error("conflict: {code}")]
    Conflict {
        code: &'static str,
        message: Localized,
    },
    /// 429: too many attempts; try again after this many seconds.
    #[error("too many requests")]
    TooManyRequests {
        retry_after_s: u64,
        message: Localized,
    },
    /// 408: the request took too long, or its body stopped arriving.
    #[error("request timeout")]
    RequestTimeout,
    /// 413: the body is larger than the route accepts.
    #[error("payload too large")]
    PayloadTooLarge,
    /// 422: the input was read but breaks a rule; every bad field is named.
    #[error("validation failed: {0:?}")]
    Validation(Vec<InvalidAnswer>),
    /// 422: the input conflicts with what is stored (a code and a message, no fields).
    #[error("unprocessable: {code}")]
    Unprocessable {
        code: &'static str,
        message: Localized,
    },
    /// 500: a fault on our side; the cause is logged, the caller gets a generic message.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<sqlx::Error> for ApiError {
    fn from(error: sqlx::Error) -> Self {
        ApiError::Internal(error.into())
    }
}

/// An error body before its language is chosen. It travels in the response's extensions
/// so [`localize_errors`] can render it in the caller's language.
#[derive(Clone, Debug)]
pub struct LocalizedError {
    pub code: &'static str,
    pub message: Localized,
    pub fields: Vec<(String, Localized)>,
}

impl LocalizedError {
    /// The wire body in `locale` (and, in `localized`, in both languages).
    pub fn body(&self, locale: Locale) -> ErrorBody {
        ErrorBody {
            code: self.code.to_owned(),
            message: self.message.get(locale).to_owned(),
            localized: Some(self.message.clone()),
            fields: self
                .fields
                .iter()
                .map(|(field, message)| FieldError {
                    field: field.clone(),
                    message: message.get(locale).to_owned(),
                    localized: Some(message.clone()),
                })
                .collect(),
        }
    }

    fn into_response(self, status: StatusCode, locale: Locale) -> Response {
        let mut response = (status, Json(self.body(locale))).into_response();
        response.extensions_mut().insert(self);
        response
    }
}

impl ApiError {
    /// A 422 naming one field and what is wrong with it.
    pub fn on_field(field: &str, message: Localized) -> ApiError {
        ApiError::Validation(vec![InvalidAnswer {
            field: field.to_owned(),
            message,
        }])
    }

    /// Its status and message, for answers in another shape (Open311's).
    pub(crate) fn described(&self) -> (StatusCode, Localized) {
        (self.status(), self.localized().message)
    }

    fn status(&self) -> StatusCode {
        match self {
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized | ApiError::InvalidKey | ApiError::BadSignature => {
                StatusCode::UNAUTHORIZED
            }
            ApiError::Forbidden { .. } => StatusCode::FORBIDDEN,
            ApiError::Conflict { .. } => StatusCode::CONFLICT,
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::RequestTimeout => StatusCode::REQUEST_TIMEOUT,
            ApiError::Validation(_) | ApiError::Unprocessable { .. } => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn localized(&self) -> LocalizedError {
        let (code, message) = match self {
            ApiError::NotFound => (
                "not_found",
                Localized::new("لم نجد ما تبحث عنه", "We could not find what you asked for"),
            ),
            ApiError::MethodNotAllowed => (
                "method_not_allowed",
                Localized::new(
                    "هذه العملية غير متاحة هنا",
                    "This operation is not available here",
                ),
            ),
            ApiError::BadRequest(message) => ("bad_request", message.clone()),
            ApiError::Unauthorized => (
                "sign_in_required",
                Localized::new(
                    "سجّل الدخول أولًا، أو انتهت جلستك فسجّل الدخول مرة أخرى",
                    "Sign in first (or your session has ended: sign in again)",
                ),
            ),
            ApiError::InvalidKey => (
                "invalid_api_key",
                Localized::new(
                    "مفتاح الواجهة البرمجية غير صحيح أو أُلغي",
                    "The API key is not valid, or it was revoked",
                ),
            ),
            ApiError::BadSignature => (
                "bad_signature",
                Localized::new(
                    "التوقيع مفقود أو لا يطابق البيانات المرسلة",
                    "The signature is missing or does not match the body",
                ),
            ),
            ApiError::Forbidden { code, message } | ApiError::Conflict { code, message } => {
                (*code, message.clone())
            }
            ApiError::TooManyRequests { message, .. } => ("too_many_requests", message.clone()),
            ApiError::RequestTimeout => (
                "request_timeout",
                Localized::new(
                    "استغرق الطلب وقتًا أطول من المسموح، وقد يكون الاتصال بطيئًا. حاول مرة أخرى",
                    "The request took too long (the connection may be slow). Please try again",
                ),
            ),
            ApiError::PayloadTooLarge => (
                "payload_too_large",
                Localized::new(
                    "حجم الطلب أكبر من المسموح",
                    "The request is larger than allowed",
                ),
            ),
            ApiError::Validation(problems) => {
                let fields = problems
                    .iter()
                    .map(|p| (p.field.clone(), p.message.clone()))
                    .collect();
                let message = Localized::new(
                    "توجد مشكلة في بعض الإجابات، صححها ثم أرسل مرة أخرى",
                    "There is a problem with some answers. Correct them and send again",
                );
                return LocalizedError {
                    code: "validation",
                    message,
                    fields,
                };
            }
            ApiError::Unprocessable { code, message } => (*code, message.clone()),
            ApiError::Internal(_) => (
                "internal",
                Localized::new(
                    "حدث خطأ من جهتنا. لم يُحفظ شيء، حاول مرة أخرى بعد قليل",
                    "Something went wrong on our side. Nothing was saved; please try again shortly",
                ),
            ),
        };
        LocalizedError {
            code,
            message,
            fields: Vec::new(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Internal(cause) = &self {
            tracing::error!(error = format!("{cause:#}"), "request failed");
        }
        // Rendered in the default locale here; `localize_errors` re-renders it when the
        // request asked for another.
        let mut response = self
            .localized()
            .into_response(self.status(), Locale::default());
        if let ApiError::TooManyRequests { retry_after_s, .. } = self {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, retry_after_s.into());
        }
        response
    }
}

/// Middleware: renders every error body in the language the request prefers.
pub async fn localize_errors(request: Request, next: Next) -> Response {
    let locale = request
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map(Locale::from_accept_language)
        .unwrap_or_default();
    let response = next.run(request).await;
    if locale == Locale::default() {
        return response;
    }
    match response.extensions().get::<LocalizedError>().cloned() {
        Some(error) => {
            let (parts, _) = response.into_parts();
            let mut localized = error.into_response(parts.status, locale);
            // Keep the headers the error set (Retry-After, cookies) but the new length.
            for (name, value) in &parts.headers {
                if name != header::CONTENT_LENGTH {
                    localized.headers_mut().insert(name, value.clone());
                }
            }
            localized
        }
        None => response,
    }
}

/// Middleware: a request not answered within `limit` gets 408 with the error body.
pub async fn time_limit(
    axum::extract::State(limit): axum::extract::State<std::time::Duration>,
    request: Request,
    next: Next,
) -> Response {
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => ApiError::RequestTimeout.into_response(),
    }
}

/// The fallback for unknown `/api/...` paths.
pub async fn api_not_found() -> ApiError {
    ApiError::NotFound
}

/// The fallback for a known `/api/...` path called with the wrong method.
pub async fn api_method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed
}

/// A JSON body extractor whose rejections are [`ApiError`]s, so a malformed body gets the
/// same error shape as everything else. It refuses what [`ApiJsonBytes`] refuses.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let body = ApiJsonBytes::<T>::from_request(request, state).await?;
        Ok(ApiJson(body.value))
    }
}

/// A JSON body read once, kept with the exact bytes it was read from (for a digest of what
/// was sent, as filing's idempotency check needs). It refuses what [`ApiJson`] refuses,
/// with the same errors: 400 without a JSON content type or for a body that does not read
/// as `T` or is not a JSON object, 413 over the route's body limit.
#[derive(Debug, Clone)]
pub struct ApiJsonBytes<T> {
    pub value: T,
    pub bytes: Bytes,
}

impl<T, S> FromRequest<S> for ApiJsonBytes<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        if !is_json_content_type(request.headers()) {
            return Err(not_json());
        }
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|rejection| unreadable(rejection.status(), &rejection.body_text()))?;
        if !is_object(&bytes) {
            return Err(unreadable(
                StatusCode::BAD_REQUEST,
                "the body must be a JSON object",
            ));
        }
        let Json(value) = Json::<T>::from_bytes(&bytes)?;
        Ok(ApiJsonBytes { value, bytes })
    }
}

/// A body read as raw bytes, untouched (for checking a signature over exactly what was
/// sent before anything is parsed): 413 over the route's body limit, 400 when it cannot
/// be read.
#[derive(Debug, Clone)]
pub struct RawBody(pub Bytes);

impl<S> FromRequest<S> for RawBody
where
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        Bytes::from_request(request, state)
            .await
            .map(RawBody)
            .map_err(|rejection| unreadable(rejection.status(), &rejection.body_text()))
    }
}

/// Reads `bytes` as a JSON object of shape `T`, with the errors [`ApiJson`] gives (400).
pub fn json_object<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    if !is_object(bytes) {
        return Err(unreadable(
            StatusCode::BAD_REQUEST,
            "the body must be a JSON object",
        ));
    }
    let Json(value) = Json::<T>::from_bytes(bytes)?;
    Ok(value)
}

/// `application/json` or any `application/…+json`, as axum's `Json` accepts.
fn is_json_content_type(headers: &axum::http::HeaderMap) -> bool {
    let Some(value) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let essence = value.split(';').next().unwrap_or_default().trim();
    let Some((kind, subtype)) = essence.split_once('/') else {
        return false;
    };
    let subtype = subtype.to_ascii_lowercase();
    kind.eq_ignore_ascii_case("application") && (subtype == "json" || subtype.ends_with("+json"))
}

/// Whether a JSON text is an object. Every body the API reads is one; serde would also
/// read a struct from an array of its fields in order, which is not what the API says.
fn is_object(json: &[u8]) -> bool {
    json.iter()
        .find(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
        .is_some_and(|b| *b == b'{')
}

/// The 400 for a body not sent as JSON.
fn not_json() -> ApiError {
    ApiError::BadRequest(Localized::new(
        "يجب إرسال البيانات بصيغة JSON",
        "Send the data as JSON (Content-Type: application/json)",
    ))
}

/// The error for a body that could not be read (`status`, `text` from the rejection):
/// 413 when over the limit, else 400.
fn unreadable(status: StatusCode, text: &str) -> ApiError {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::PayloadTooLarge
    } else {
        ApiError::BadRequest(Localized::new(
            "تعذّرت قراءة البيانات المرسلة",
            format!("The data sent could not be read: {text}"),
        ))
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        match rejection {
            JsonRejection::MissingJsonContentType(_) => not_json(),
            other => unreadable(other.status(), &other.body_text()),
        }
    }
}

impl<T: serde::Serialize> IntoResponse for ApiJson<T> {
    fn into_response(self) -> Response {
        Json(self.0).into_response()
    }
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use axum::extract::DefaultBodyLimit;
    use axum::routing::post;
    use axum::Router;
    use tower::ServiceExt;

    use super::*;

    #[derive(Debug, serde::Deserialize)]
    struct Named {
        name: String,
    }

    /// A router with the same route read by each extractor, under a 32-byte limit.
    fn router() -> Router {
        Router::new()
            .route(
                "/typed",
                post(|ApiJson(body): ApiJson<Named>| async move { body.name }),
            )
            .route(
                "/bytes",
                post(|body: ApiJsonBytes<Named>| async move {
                    format!(
                        "{}|{}",
                        body.value.name,
                        String::from_utf8_lossy(&body.bytes)
                    )
                }),
            )
            .layer(DefaultBodyLimit::max(32))
    }

    async fn send(path: &str, content_type: Option<&str>, body: &str) -> (StatusCode, String) {
        let mut request = Request::post(path);
        if let Some(content_type) = content_type {
            request = request.header(header::CONTENT_TYPE, content_type);
        }
        let response = router()
            .oneshot(request.body(Body::from(body.to_owned())).unwrap())
            .await
            .unwrap();
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        (status, String::from_utf8(bytes.to_vec()).unwrap())
    }

    #[tokio::test]
    async fn the_body_with_its_bytes_is_refused_exactly_as_the_typed_body_is() {
        for (content_type, body, status) in [
            (None, r#"{"name":"a"}"#, StatusCode::BAD_REQUEST),
            (
                Some("text/plain"),
                r#"{"name":"a"}"#,
                StatusCode::BAD_REQUEST,
            ),
            (
                Some("application/json"),
                r#"{"name":"#,
                StatusCode::BAD_REQUEST,
            ),
            (
                Some("application/json"),
                r#"{"nom":"a"}"#,
                StatusCode::BAD_REQUEST,
            ),
            // The fields in order, as serde would read them.
            (
                Some("application/json"),
                r#"["a"]"#,
                StatusCode::BAD_REQUEST,
            ),
            (
                Some("application/json"),
                r#"{"name":"a long name, longer than the limit"}"#,
                StatusCode::PAYLOAD_TOO_LARGE,
            ),
        ] {
            let typed = send("/typed", content_type, body).await;
            let with_bytes = send("/bytes", content_type, body).await;
            assert_eq!(typed.0, status, "{content_type:?} {body}: {}", typed.1);
            assert_eq!(with_bytes, typed, "{content_type:?} {body}");
        }
    }

    #[tokio::test]
    async fn the_body_with_its_bytes_keeps_exactly_what_was_sent() {
        let sent = "{ \"name\" : \"سارة\" }";
        for content_type in [
            "application/json",
            "application/problem+json; charset=utf-8",
        ] {
            let (status, echoed) = send("/bytes", Some(content_type), sent).await;
            assert_eq!(status, StatusCode::OK, "{content_type}");
            assert_eq!(echoed, format!("سارة|{sent}"));
        }
    }
}
