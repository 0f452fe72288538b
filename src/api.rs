//! The API client: one `verb_noun` function per endpoint, each returning
//! `Result<T, ApiError>`, and `Loaded<T>` for what a page shows while it loads. Every
//! request tells the server the user's language, so error messages come back in it.
//!
//! Size matters here (docs/decisions/0002): every call goes through one non-generic
//! `fetch` and is decoded afterwards, so the WASM carries one copy of the HTTP future;
//! pages load through `load` (a signal and an effect) rather than `LocalResource`, whose
//! async machinery was copied for every type loaded.

use gloo_net::http::{Request, RequestBuilder};
use leptos::prelude::*;
use nafitha_domain::account::{CodeRequest, CodeVerification, Me, MyRequest, RequestDetail};
use nafitha_domain::answers::InvalidAnswer;
#[cfg(feature = "backoffice")]
use nafitha_domain::backoffice::{
    Assignment, DepartmentLoad, NewTemplate, QueuePage, ResponseTemplate, StaffMe, StaffRequest,
    TeamMember,
};
use nafitha_domain::filing::{FiledRequest, NewRequest, TrackedRequest};
use nafitha_domain::lifecycle::ActionRequest;
use nafitha_domain::{
    ErrorBody, Locale, Localized, ReferenceNumber, ServiceDetail, ServiceSummary,
};
use serde::de::DeserializeOwned;

use crate::i18n::texts;
use crate::state::use_locale;

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

    /// The problems to show: each field the server named, or else the message on
    /// `fallback` (the field the user should look at).
    pub fn problems(&self, fallback: &str, locale: Locale) -> Vec<InvalidAnswer> {
        match self {
            ApiError::Server { body, .. } if !body.fields.is_empty() => body
                .fields
                .iter()
                .map(|f| InvalidAnswer {
                    field: f.field.clone(),
                    message: Localized::new(f.message.clone(), f.message.clone()),
                })
                .collect(),
            other => {
                let message = other.message(locale);
                vec![InvalidAnswer {
                    field: fallback.to_owned(),
                    message: Localized::new(message.clone(), message),
                }]
            }
        }
    }

    /// True when the server wants a sign-in first.
    pub fn needs_sign_in(&self) -> bool {
        matches!(self, ApiError::Server { status: 401, .. })
    }
}

/// Sends one request (with a JSON body when given) and returns the body of a successful
/// answer as text. Deliberately not generic.
async fn fetch(
    request: RequestBuilder,
    json: Option<String>,
    locale: Locale,
) -> Result<String, ApiError> {
    let request = request.header("Accept-Language", locale.tag());
    let request = match json {
        Some(json) => request
            .header("Content-Type", "application/json")
            .body(json),
        None => request.build(),
    }
    .map_err(|_| ApiError::Unreadable)?;
    let response = request.send().await.map_err(|_| ApiError::Network)?;
    let text = response.text().await.map_err(|_| ApiError::Network)?;
    if response.ok() {
        return Ok(text);
    }
    let status = response.status();
    if status == 404 {
        return Err(ApiError::NotFound);
    }
    match serde_json::from_str::<ErrorBody>(&text) {
        Ok(body) => Err(ApiError::Server { status, body }),
        Err(_) => Err(ApiError::Unreadable),
    }
}

fn decode<T: DeserializeOwned>(answer: Result<String, ApiError>) -> Result<T, ApiError> {
    answer.and_then(|text| serde_json::from_str(&text).map_err(|_| ApiError::Unreadable))
}

fn to_json(body: &impl serde::Serialize) -> Result<String, ApiError> {
    serde_json::to_string(body).map_err(|_| ApiError::Unreadable)
}

/// What a page loads: `None` while loading (or while there is nothing to load), then the
/// answer. Loads again when a signal read by its path changes, or on `refetch`.
pub struct Loaded<T: Send + Sync + 'static> {
    value: RwSignal<Option<Result<T, ApiError>>>,
    tick: RwSignal<u32>,
}

impl<T: Send + Sync + 'static> Clone for Loaded<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for Loaded<T> {}

impl<T: Clone + Send + Sync + 'static> Loaded<T> {
    /// The answer so far (tracked).
    pub fn get(&self) -> Option<Result<T, ApiError>> {
        self.value.get()
    }

    /// Reads the answer so far without cloning it (tracked).
    pub fn with<R>(&self, f: impl FnOnce(&Option<Result<T, ApiError>>) -> R) -> R {
        self.value.with(f)
    }

    /// The answer so far, without tracking.
    pub fn get_untracked(&self) -> Option<Result<T, ApiError>> {
        self.value.get_untracked()
    }

    /// Loads again (after an error, say).
    pub fn refetch(&self) {
        self.tick.update(|n| *n = n.wrapping_add(1));
    }

    /// Replaces the answer with a newer one the page already has (an action's result).
    pub fn set(&self, value: Result<T, ApiError>) {
        self.value.set(Some(value));
    }
}

/// Loads `GET path()` whenever `path()` changes; `None` means nothing to load. An answer
/// that arrives after a newer load started is dropped.
pub fn load<T: DeserializeOwned + Clone + Send + Sync + 'static>(
    path: impl Fn() -> Option<String> + 'static,
) -> Loaded<T> {
    let locale = use_locale();
    let value = RwSignal::new(None);
    let tick = RwSignal::new(0u32);
    let latest = StoredValue::new(0u32);
    Effect::new(move |_| {
        tick.track();
        let path = path();
        value.set(None);
        let this = latest.get_value().wrapping_add(1);
        latest.set_value(this);
        if let Some(path) = path {
            let lang = locale.locale.get_untracked();
            leptos::task::spawn_local(async move {
                let answer = fetch(Request::get(&path), None, lang).await;
                if latest.get_value() == this {
                    value.set(Some(decode(answer)));
                }
            });
        }
    });
    Loaded { value, tick }
}

/// `GET /api/v1/services`
pub fn list_services() -> Loaded<Vec<ServiceSummary>> {
    load(|| Some("/api/v1/services".to_owned()))
}

/// `GET /api/v1/services/{code}`, loaded again when `code` changes (nothing while empty).
pub fn get_service(code: Memo<String>) -> Loaded<ServiceDetail> {
    load(move || {
        let code = code.get();
        (!code.is_empty()).then(|| {
            format!(
                "/api/v1/services/{}",
                String::from(js_sys::encode_uri_component(&code))
            )
        })
    })
}

/// `GET /api/v1/track/{reference}`; nothing while there is no (well-formed) reference.
pub fn track_request(reference: Memo<Option<ReferenceNumber>>) -> Loaded<TrackedRequest> {
    load(move || reference.get().map(|r| format!("/api/v1/track/{r}")))
}

/// `GET /api/v1/me/requests`
pub fn list_my_requests() -> Loaded<Vec<MyRequest>> {
    load(|| Some("/api/v1/me/requests".to_owned()))
}

/// `GET /api/v1/requests/{reference}`
pub fn get_request(reference: Memo<Option<ReferenceNumber>>) -> Loaded<RequestDetail> {
    load(move || reference.get().map(|r| format!("/api/v1/requests/{r}")))
}

/// `POST /api/v1/requests`, with the draft's idempotency key: sending the same draft
/// again (after a lost answer, or from the offline queue) returns the same reference.
pub async fn create_request(
    body: &NewRequest,
    idempotency_key: &str,
    locale: Locale,
) -> Result<FiledRequest, ApiError> {
    let request = Request::post("/api/v1/requests").header("Idempotency-Key", idempotency_key);
    decode(fetch(request, Some(to_json(body)?), locale).await)
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

#[cfg(feature = "backoffice")]
/// `GET /api/v1/services`, once (the staff queue's service filter).
pub async fn list_services_now(locale: Locale) -> Result<Vec<ServiceSummary>, ApiError> {
    decode(fetch(Request::get("/api/v1/services"), None, locale).await)
}

#[cfg(feature = "backoffice")]
/// `GET /api/v1/staff/me`
pub async fn get_staff_me(locale: Locale) -> Result<StaffMe, ApiError> {
    decode(fetch(Request::get("/api/v1/staff/me"), None, locale).await)
}

#[cfg(feature = "backoffice")]
/// `POST /api/v1/staff/session`: signs a staff member in (the server sets the cookie).
pub async fn staff_sign_in(
    username: &str,
    password: &str,
    locale: Locale,
) -> Result<StaffMe, ApiError> {
    let body = to_json(&serde_json::json!({ "username": username, "password": password }))?;
    decode(fetch(Request::post("/api/v1/staff/session"), Some(body), locale).await)
}

#[cfg(feature = "backoffice")]
/// `DELETE /api/v1/staff/session`
pub async fn staff_sign_out(locale: Locale) -> Result<(), ApiError> {
    fetch(Request::delete("/api/v1/staff/session"), None, locale)
        .await
        .map(|_| ())
}

#[cfg(feature = "backoffice")]
/// `GET /api/v1/staff/requests?{query}` (the query as the address has it).
pub async fn list_queue(query: &str, locale: Locale) -> Result<QueuePage, ApiError> {
    let path = format!("/api/v1/staff/requests?{query}");
    decode(fetch(Request::get(&path), None, locale).await)
}

#[cfg(feature = "backoffice")]
/// `GET /api/v1/staff/requests/{reference}`
pub async fn get_staff_request(
    reference: &ReferenceNumber,
    locale: Locale,
) -> Result<StaffRequest, ApiError> {
    let path = format!("/api/v1/staff/requests/{reference}");
    decode(fetch(Request::get(&path), None, locale).await)
}

#[cfg(feature = "backoffice")]
/// `POST /api/v1/staff/requests/{reference}/actions`
pub async fn act_as_staff(
    reference: &ReferenceNumber,
    action: &ActionRequest,
    locale: Locale,
) -> Result<(), ApiError> {
    let path = format!("/api/v1/staff/requests/{reference}/actions");
    fetch(Request::post(&path), Some(to_json(action)?), locale)
        .await
        .map(|_| ())
}

#[cfg(feature = "backoffice")]
/// `POST /api/v1/staff/requests/{reference}/assignee`
pub async fn assign_request(
    reference: &ReferenceNumber,
    assignment: &Assignment,
    locale: Locale,
) -> Result<(), ApiError> {
    let path = format!("/api/v1/staff/requests/{reference}/assignee");
    fetch(Request::post(&path), Some(to_json(assignment)?), locale)
        .await
        .map(|_| ())
}

/// `GET /api/v1/staff/stats?{query}` (supervisors): the agency's figures and comments.
#[cfg(feature = "backoffice")]
pub async fn get_agency_stats(
    query: &str,
    locale: Locale,
) -> Result<nafitha_domain::stats::AgencyStats, ApiError> {
    let path = format!("/api/v1/staff/stats?{query}");
    decode(fetch(Request::get(&path), None, locale).await)
}

/// `GET /api/v1/staff/overdue`
#[cfg(feature = "backoffice")]
pub async fn list_department_loads(locale: Locale) -> Result<Vec<DepartmentLoad>, ApiError> {
    decode(fetch(Request::get("/api/v1/staff/overdue"), None, locale).await)
}

#[cfg(feature = "backoffice")]
/// `GET /api/v1/staff/services` (admins): the agency's services, active or not.
pub async fn list_agency_services(locale: Locale) -> Result<Vec<ServiceDetail>, ApiError> {
    decode(fetch(Request::get("/api/v1/staff/services"), None, locale).await)
}

#[cfg(feature = "backoffice")]
/// `PUT /api/v1/staff/services/{code}` (admins), with the edit as JSON (built from the
/// checked form: the WASM carries no serializer for form definitions).
pub async fn edit_service(
    code: &str,
    edit: &serde_json::Value,
    locale: Locale,
) -> Result<(), ApiError> {
    let path = format!(
        "/api/v1/staff/services/{}",
        String::from(js_sys::encode_uri_component(code))
    );
    fetch(Request::put(&path), Some(to_json(edit)?), locale)
        .await
        .map(|_| ())
}

#[cfg(feature = "backoffice")]
/// A service's form definition as the API has it, indented by the browser for editing.
pub async fn get_form_json(code: &str, locale: Locale) -> Result<String, ApiError> {
    let path = format!(
        "/api/v1/services/{}",
        String::from(js_sys::encode_uri_component(code))
    );
    let text = fetch(Request::get(&path), None, locale).await?;
    let parsed = js_sys::JSON::parse(&text).map_err(|_| ApiError::Unreadable)?;
    let form = js_sys::Reflect::get(&parsed, &"form".into()).map_err(|_| ApiError::Unreadable)?;
    js_sys::JSON::stringify_with_replacer_and_space(
        &form,
        &wasm_bindgen::JsValue::NULL,
        &wasm_bindgen::JsValue::from(2),
    )
    .ok()
    .and_then(|s| s.as_string())
    .ok_or(ApiError::Unreadable)
}

#[cfg(feature = "backoffice")]
/// `GET /api/v1/staff/templates?service=`
pub async fn list_templates(
    service: &str,
    locale: Locale,
) -> Result<Vec<ResponseTemplate>, ApiError> {
    let path = format!(
        "/api/v1/staff/templates?service={}",
        String::from(js_sys::encode_uri_component(service))
    );
    decode(fetch(Request::get(&path), None, locale).await)
}

#[cfg(feature = "backoffice")]
/// `POST /api/v1/staff/templates` (admins)
pub async fn add_template(template: &NewTemplate, locale: Locale) -> Result<(), ApiError> {
    fetch(
        Request::post("/api/v1/staff/templates"),
        Some(to_json(template)?),
        locale,
    )
    .await
    .map(|_| ())
}

#[cfg(feature = "backoffice")]
/// `DELETE /api/v1/staff/templates/{id}` (admins)
pub async fn delete_template(id: &str, locale: Locale) -> Result<(), ApiError> {
    let path = format!(
        "/api/v1/staff/templates/{}",
        String::from(js_sys::encode_uri_component(id))
    );
    fetch(Request::delete(&path), None, locale)
        .await
        .map(|_| ())
}

#[cfg(feature = "backoffice")]
/// `GET /api/v1/staff/team` (supervisors)
pub async fn list_team(locale: Locale) -> Result<Vec<TeamMember>, ApiError> {
    decode(fetch(Request::get("/api/v1/staff/team"), None, locale).await)
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
