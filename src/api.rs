//! The API client: one `verb_noun` function per endpoint, each returning
//! `Result<T, ApiError>`. Every request tells the server the user's language, so error
//! messages come back in it.

use gloo_net::http::{Request, Response};
use nafitha_domain::account::{CodeRequest, CodeVerification, Me, MyRequest, RequestDetail};
use nafitha_domain::filing::{FiledRequest, NewRequest, TrackedRequest};
use nafitha_domain::lifecycle::ActionRequest;
use nafitha_domain::{ErrorBody, Locale, ReferenceNumber, ServiceDetail, ServiceSummary};
use serde::de::DeserializeOwned;

use crate::i18n::texts;

/// Why a call failed, in terms the screen can act on.
#[derive(Clone, Debug, PartialEq)]
pub enum ApiError {
    /// No answer at all: offline, or the server is unreachable.
    Network,
    /// The server answered 404.
    NotFound,
    /// The server answered with an error body.
    Server { status: u16, body: ErrorBody },
    /// The server answered something this app cannot read.
    Unreadable,
}

impl ApiError {
    /// What to tell the user.
    pub fn message(&self, locale: Locale) -> String {
        let t = texts(locale);
        match self {
            ApiError::Network => t.offline.to_owned(),
            ApiError::Server { body, .. } if !body.message.is_empty() => body.message.clone(),
            _ => t.load_failed.to_owned(),
        }
    }
}

async fn read<T: DeserializeOwned>(response: Response) -> Result<T, ApiError> {
    if response.ok() {
        return response.json().await.map_err(|_| ApiError::Unreadable);
    }
    let status = response.status();
    if status == 404 {
        return Err(ApiError::NotFound);
    }
    match response.json::<ErrorBody>().await {
        Ok(body) => Err(ApiError::Server { status, body }),
        Err(_) => Err(ApiError::Unreadable),
    }
}

async fn get_json<T: DeserializeOwned>(path: &str, locale: Locale) -> Result<T, ApiError> {
    let response = Request::get(path)
        .header("Accept-Language", locale.tag())
        .send()
        .await
        .map_err(|_| ApiError::Network)?;
    read(response).await
}

/// `GET /api/v1/services`
pub async fn list_services(locale: Locale) -> Result<Vec<ServiceSummary>, ApiError> {
    get_json("/api/v1/services", locale).await
}

/// `GET /api/v1/services/{code}`
pub async fn get_service(code: &str, locale: Locale) -> Result<ServiceDetail, ApiError> {
    let code = String::from(js_sys::encode_uri_component(code));
    get_json(&format!("/api/v1/services/{code}"), locale).await
}

/// `POST /api/v1/requests`, with the draft's idempotency key: sending the same draft
/// again (after a lost answer, or from the offline queue) returns the same reference.
pub async fn create_request(
    body: &NewRequest,
    idempotency_key: &str,
    locale: Locale,
) -> Result<FiledRequest, ApiError> {
    let response = Request::post("/api/v1/requests")
        .header("Accept-Language", locale.tag())
        .header("Idempotency-Key", idempotency_key)
        .json(body)
        .map_err(|_| ApiError::Unreadable)?
        .send()
        .await
        .map_err(|_| ApiError::Network)?;
    read(response).await
}

/// `GET /api/v1/track/{reference}`
pub async fn track_request(
    reference: &ReferenceNumber,
    locale: Locale,
) -> Result<TrackedRequest, ApiError> {
    get_json(&format!("/api/v1/track/{reference}"), locale).await
}

/// A service's detail, refetched when `code` changes. Pages share this constructor so the
/// WASM carries one copy of the resource machinery for it.
pub fn service_resource(
    code: leptos::prelude::Memo<String>,
) -> leptos::prelude::LocalResource<Result<ServiceDetail, ApiError>> {
    use leptos::prelude::*;
    let locale = crate::state::use_locale();
    LocalResource::new(move || {
        let code = code.get();
        let lang = locale.locale.get_untracked();
        async move { get_service(&code, lang).await }
    })
}

/// The public view of a request; `None` while there is no (well-formed) reference.
pub fn tracked_resource(
    reference: leptos::prelude::Memo<Option<ReferenceNumber>>,
) -> leptos::prelude::LocalResource<Option<Result<TrackedRequest, ApiError>>> {
    use leptos::prelude::*;
    let locale = crate::state::use_locale();
    LocalResource::new(move || {
        let reference = reference.get();
        let lang = locale.locale.get_untracked();
        async move {
            match reference {
                Some(r) => Some(track_request(&r, lang).await),
                None => None,
            }
        }
    })
}

async fn send_json<T: DeserializeOwned>(
    request: gloo_net::http::RequestBuilder,
    body: &impl serde::Serialize,
    locale: Locale,
) -> Result<T, ApiError> {
    let response = request
        .header("Accept-Language", locale.tag())
        .json(body)
        .map_err(|_| ApiError::Unreadable)?
        .send()
        .await
        .map_err(|_| ApiError::Network)?;
    read(response).await
}

/// `POST /api/v1/auth/otp`: texts a sign-in code to `phone`.
pub async fn send_code(phone: &str, locale: Locale) -> Result<(), ApiError> {
    let body = CodeRequest {
        phone: phone.to_owned(),
    };
    send_json::<serde::de::IgnoredAny>(Request::post("/api/v1/auth/otp"), &body, locale)
        .await
        .map(|_| ())
}

/// `POST /api/v1/auth/verify`: signs in (the server sets the session cookie).
pub async fn verify_code(body: &CodeVerification, locale: Locale) -> Result<Me, ApiError> {
    send_json(Request::post("/api/v1/auth/verify"), body, locale).await
}

/// `DELETE /api/v1/auth/session`: signs out on the server.
pub async fn sign_out() -> Result<(), ApiError> {
    Request::delete("/api/v1/auth/session")
        .send()
        .await
        .map(|_| ())
        .map_err(|_| ApiError::Network)
}

/// `GET /api/v1/me/requests`
pub async fn list_my_requests(locale: Locale) -> Result<Vec<MyRequest>, ApiError> {
    get_json("/api/v1/me/requests", locale).await
}

/// `GET /api/v1/requests/{reference}`
pub async fn get_request(
    reference: &ReferenceNumber,
    locale: Locale,
) -> Result<RequestDetail, ApiError> {
    get_json(&format!("/api/v1/requests/{reference}"), locale).await
}

/// `POST /api/v1/requests/{reference}/actions`: the applicant answers, withdraws or
/// reopens; the answer is the updated request page.
pub async fn act_on_request(
    reference: &ReferenceNumber,
    action: &ActionRequest,
    locale: Locale,
) -> Result<RequestDetail, ApiError> {
    let path = format!("/api/v1/requests/{reference}/actions");
    send_json(Request::post(&path), action, locale).await
}

impl ApiError {
    /// True when the server wants a sign-in first.
    pub fn needs_sign_in(&self) -> bool {
        matches!(self, ApiError::Server { status: 401, .. })
    }
}
