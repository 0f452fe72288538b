//! The citizens' endpoints (the citizens' app only).

use gloo_net::http::Request;
use leptos::prelude::*;
use nafitha_domain::account::{CodeRequest, CodeVerification, Me, MyRequest, RequestDetail};
use nafitha_domain::filing::{FiledRequest, TrackedRequest};
use nafitha_domain::lifecycle::ActionRequest;
use crate::url::encode_component;
use nafitha_domain::{Locale, ReferenceNumber, ServiceDetail, ServiceSummary};

use super::{decode, fetch, load, to_json, ApiError, Loaded};

/// `GET /api/v1/services`
pub fn list_services() -> Loaded<Vec<ServiceSummary>> {
    load(|| Some("/api/v1/services".to_owned()))
}

/// `GET /api/v1/services/{code}`, loaded again when `code` changes (nothing while empty).
pub fn get_service(code: Memo<String>) -> Loaded<ServiceDetail> {
    load(move || {
        let code = code.get();
        (!code.is_empty()).then(|| format!("/api/v1/services/{}", encode_component(&code)))
    })
}

/// `PUT /api/v1/requests/{reference}/appointment`: books or changes the time; the answer
/// is the updated request page.
pub async fn book_time(
    reference: &ReferenceNumber,
    choice: &nafitha_domain::appointment::TimeChoice,
    locale: Locale,
) -> Result<RequestDetail, ApiError> {
    let path = format!("/api/v1/requests/{reference}/appointment");
    decode(fetch(Request::put(&path), Some(to_json(choice)?), locale).await)
}

/// `DELETE /api/v1/requests/{reference}/appointment`: cancels the time.
pub async fn cancel_time(
    reference: &ReferenceNumber,
    locale: Locale,
) -> Result<RequestDetail, ApiError> {
    let path = format!("/api/v1/requests/{reference}/appointment");
    decode(fetch(Request::delete(&path), None, locale).await)
}

/// `GET /api/v1/track/{reference}`; nothing while there is no (well-formed) reference.
/// Answers are kept on the device (offline, the second signal says since when).
#[cfg(not(feature = "backoffice"))]
pub fn track_request(
    reference: Memo<Option<ReferenceNumber>>,
) -> (Loaded<TrackedRequest>, ReadSignal<Option<u64>>) {
    super::load_kept(move || reference.get().map(|r| format!("/api/v1/track/{r}")))
}

/// `GET /api/v1/me/requests`
pub fn list_my_requests() -> Loaded<Vec<MyRequest>> {
    load(|| Some("/api/v1/me/requests".to_owned()))
}

/// `GET /api/v1/requests/{reference}`
pub fn get_request(reference: Memo<Option<ReferenceNumber>>) -> Loaded<RequestDetail> {
    load(move || reference.get().map(|r| format!("/api/v1/requests/{r}")))
}

/// `POST /api/v1/requests` with `body` (a `NewRequest` as JSON, as the draft keeps it)
/// and the draft's idempotency key: sending the same draft again (after a lost answer,
/// or from the offline queue) returns the same reference.
pub async fn create_request(
    body: String,
    idempotency_key: &str,
    locale: Locale,
) -> Result<FiledRequest, ApiError> {
    let request = Request::post("/api/v1/requests").header("Idempotency-Key", idempotency_key);
    decode(fetch(request, Some(body), locale).await)
}

/// `POST /api/v1/auth/otp`: texts a sign-in code to `phone`.
pub async fn send_code(phone: &str, locale: Locale) -> Result<(), ApiError> {
    let body = to_json(&CodeRequest {
        phone: phone.to_owned(),
    })?;
    fetch(Request::post("/api/v1/auth/otp"), Some(body), locale)
        .await
        .map(|_| ())
}

/// `POST /api/v1/auth/verify`: signs in (the server sets the session cookie).
pub async fn verify_code(body: &CodeVerification, locale: Locale) -> Result<Me, ApiError> {
    let body = to_json(body)?;
    decode(fetch(Request::post("/api/v1/auth/verify"), Some(body), locale).await)
}

/// `DELETE /api/v1/auth/session`: signs out on the server.
pub async fn sign_out(locale: Locale) -> Result<(), ApiError> {
    fetch(Request::delete("/api/v1/auth/session"), None, locale)
        .await
        .map(|_| ())
}

/// `POST /api/v1/requests/{reference}/actions`: the applicant answers, withdraws or
/// reopens; the answer is the updated request page.
pub async fn act_on_request(
    reference: &ReferenceNumber,
    action: &ActionRequest,
    locale: Locale,
) -> Result<RequestDetail, ApiError> {
    let path = format!("/api/v1/requests/{reference}/actions");
    decode(fetch(Request::post(&path), Some(to_json(action)?), locale).await)
}

/// `POST /api/v1/requests/{reference}/rating`
pub async fn rate_request(
    reference: &ReferenceNumber,
    rating: &nafitha_domain::rating::RatingInput,
    locale: Locale,
) -> Result<nafitha_domain::rating::RatingView, ApiError> {
    let path = format!("/api/v1/requests/{reference}/rating");
    decode(fetch(Request::post(&path), Some(to_json(rating)?), locale).await)
}
