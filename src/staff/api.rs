//! The back office's endpoints (`/api/v1/staff/…`), through the shared client
//! (`crate::api`): what a screen shows as a `Loaded` that follows its inputs, what it
//! changes as an `async fn` taking the typed wire struct of `crates/domain` it sends.

use gloo_net::http::Request;
use leptos::prelude::*;
use nafitha_domain::appointment::{
    AppointmentFigures, Availability, DayView, TimeChoice, VisitMark,
};
use nafitha_domain::backoffice::{
    Assignment, CreatedStaff, DepartmentLoad, NewStaff, NewTemplate, QueuePage, QueueQuery,
    ResponseTemplate, ServiceEdit, StaffAccountView, StaffMe, StaffRequest, StaffSignIn,
    TeamMember,
};
use nafitha_domain::calendar::Date;
use nafitha_domain::intake::LookupAudit;
#[cfg(feature = "licensing")]
use nafitha_domain::licence::{Licence, LicenceNumber, LicencePage, RevokeLicence, SuspendLicence};
use nafitha_domain::lifecycle::ActionRequest;
use nafitha_domain::partner::{ApiKeyView, CreatedApiKey, NewApiKey};
use nafitha_domain::stats::{AgencyStats, StatsQuery};
use nafitha_domain::{Locale, ReferenceNumber, ServiceDetail, ServiceSummary};

use crate::api::{decode, fetch, load, to_json, ApiError, Loaded};

#[cfg(feature = "desk")]
mod desk;
#[cfg(feature = "desk")]
pub use desk::*;

/// `key=value` pairs as a query string, each part percent-encoded.
pub fn query_string<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    pairs
        .into_iter()
        .map(|(k, v)| {
            format!(
                "{}={}",
                js_sys::encode_uri_component(k),
                js_sys::encode_uri_component(v)
            )
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// A path segment, percent-encoded.
fn segment(value: &str) -> String {
    js_sys::encode_uri_component(value).into()
}

fn done(answer: Result<String, ApiError>) -> Result<(), ApiError> {
    answer.map(|_| ())
}

/// `GET /api/v1/services`: the active catalogue (the filters' service lists).
pub fn list_services() -> Loaded<Vec<ServiceSummary>> {
    load(|| Some("/api/v1/services".to_owned()))
}

/// `GET /api/v1/staff/me`
pub async fn get_staff_me(locale: Locale) -> Result<StaffMe, ApiError> {
    decode(fetch(Request::get("/api/v1/staff/me"), None, locale).await)
}

/// `POST /api/v1/staff/session`: signs a staff member in (the server sets the cookie).
pub async fn staff_sign_in(body: &StaffSignIn, locale: Locale) -> Result<StaffMe, ApiError> {
    let request = Request::post("/api/v1/staff/session");
    decode(fetch(request, Some(to_json(body)?), locale).await)
}

/// `DELETE /api/v1/staff/session`
pub async fn staff_sign_out(locale: Locale) -> Result<(), ApiError> {
    done(fetch(Request::delete("/api/v1/staff/session"), None, locale).await)
}

/// `GET /api/v1/staff/requests?{query}`, loaded again when the query changes (nothing
/// while it is `None`).
pub fn list_queue(query: Signal<Option<QueueQuery>>) -> Loaded<QueuePage> {
    load(move || {
        query
            .get()
            .map(|q| format!("/api/v1/staff/requests?{}", query_string(q.pairs())))
    })
}

/// `GET /api/v1/staff/requests/{reference}`
pub fn get_staff_request(reference: Memo<Option<ReferenceNumber>>) -> Loaded<StaffRequest> {
    load(move || {
        reference
            .get()
            .map(|r| format!("/api/v1/staff/requests/{r}"))
    })
}

/// `POST /api/v1/staff/requests/{reference}/actions`
pub async fn act_as_staff(
    reference: &ReferenceNumber,
    action: &ActionRequest,
    locale: Locale,
) -> Result<(), ApiError> {
    let path = format!("/api/v1/staff/requests/{reference}/actions");
    done(fetch(Request::post(&path), Some(to_json(action)?), locale).await)
}

/// `POST /api/v1/staff/requests/{reference}/assignee`
pub async fn assign_request(
    reference: &ReferenceNumber,
    assignment: &Assignment,
    locale: Locale,
) -> Result<(), ApiError> {
    let path = format!("/api/v1/staff/requests/{reference}/assignee");
    done(fetch(Request::post(&path), Some(to_json(assignment)?), locale).await)
}

/// `GET /api/v1/staff/team`, for supervisors (nothing for others).
pub fn list_team(supervises: Signal<bool>) -> Loaded<Vec<TeamMember>> {
    load(move || supervises.get().then(|| "/api/v1/staff/team".to_owned()))
}

/// `GET /api/v1/staff/stats?{query}` (supervisors): the agency's figures and comments.
pub fn get_agency_stats(query: Signal<Option<StatsQuery>>) -> Loaded<AgencyStats> {
    load(move || {
        query
            .get()
            .map(|q| format!("/api/v1/staff/stats?{}", query_string(q.pairs())))
    })
}

/// `GET /api/v1/staff/overdue` (supervisors)
pub fn list_department_loads() -> Loaded<Vec<DepartmentLoad>> {
    load(|| Some("/api/v1/staff/overdue".to_owned()))
}

/// `GET /api/v1/staff/services` (admins): the agency's services, active or not.
pub fn list_agency_services() -> Loaded<Vec<ServiceDetail>> {
    load(|| Some("/api/v1/staff/services".to_owned()))
}

/// `PUT /api/v1/staff/services/{code}` (admins)
pub async fn edit_service(code: &str, edit: &ServiceEdit, locale: Locale) -> Result<(), ApiError> {
    let path = format!("/api/v1/staff/services/{}", segment(code));
    done(fetch(Request::put(&path), Some(to_json(edit)?), locale).await)
}

/// `GET /api/v1/staff/templates?service=`
pub fn list_templates(service: Memo<String>) -> Loaded<Vec<ResponseTemplate>> {
    load(move || {
        let service = service.get();
        (!service.is_empty())
            .then(|| format!("/api/v1/staff/templates?service={}", segment(&service)))
    })
}

/// `POST /api/v1/staff/templates` (admins)
pub async fn add_template(template: &NewTemplate, locale: Locale) -> Result<(), ApiError> {
    let request = Request::post("/api/v1/staff/templates");
    done(fetch(request, Some(to_json(template)?), locale).await)
}

/// `DELETE /api/v1/staff/templates/{id}` (admins)
pub async fn delete_template(id: i64, locale: Locale) -> Result<(), ApiError> {
    let path = format!("/api/v1/staff/templates/{id}");
    done(fetch(Request::delete(&path), None, locale).await)
}

/// `GET /api/v1/staff/accounts` (admins): the agency's staff accounts.
pub fn list_staff_accounts() -> Loaded<Vec<StaffAccountView>> {
    load(|| Some("/api/v1/staff/accounts".to_owned()))
}

/// `POST /api/v1/staff/accounts` (admins): a new account and its first password.
pub async fn add_staff_account(new: &NewStaff, locale: Locale) -> Result<CreatedStaff, ApiError> {
    let request = Request::post("/api/v1/staff/accounts");
    decode(fetch(request, Some(to_json(new)?), locale).await)
}

/// `POST /api/v1/staff/accounts/{username}/disable` or `…/enable` (admins)
pub async fn set_staff_account_enabled(
    username: &str,
    enabled: bool,
    locale: Locale,
) -> Result<(), ApiError> {
    let change = if enabled { "enable" } else { "disable" };
    let path = format!("/api/v1/staff/accounts/{}/{change}", segment(username));
    done(fetch(Request::post(&path), None, locale).await)
}

/// `GET /api/v1/staff/api-keys` (admins): the partners' keys (never the keys).
pub fn list_api_keys() -> Loaded<Vec<ApiKeyView>> {
    load(|| Some("/api/v1/staff/api-keys".to_owned()))
}

/// `POST /api/v1/staff/api-keys` (admins): a new key, shown this once.
pub async fn add_api_key(new: &NewApiKey, locale: Locale) -> Result<CreatedApiKey, ApiError> {
    let request = Request::post("/api/v1/staff/api-keys");
    decode(fetch(request, Some(to_json(new)?), locale).await)
}

/// `POST /api/v1/staff/api-keys/{id}/rotate` (admins): a new secret, shown this once.
pub async fn rotate_api_key(id: i64, locale: Locale) -> Result<CreatedApiKey, ApiError> {
    let path = format!("/api/v1/staff/api-keys/{id}/rotate");
    decode(fetch(Request::post(&path), None, locale).await)
}

/// `POST /api/v1/staff/api-keys/{id}/revoke` (admins)
pub async fn revoke_api_key(id: i64, locale: Locale) -> Result<(), ApiError> {
    let path = format!("/api/v1/staff/api-keys/{id}/revoke");
    done(fetch(Request::post(&path), None, locale).await)
}

/// `GET /api/v1/staff/lookups?before=` (supervisors): a page of the look-ups' audit.
pub fn list_lookups(before: Memo<Option<String>>) -> Loaded<LookupAudit> {
    load(move || {
        Some(match before.get() {
            Some(cursor) => format!("/api/v1/staff/lookups?before={}", segment(&cursor)),
            None => "/api/v1/staff/lookups".to_owned(),
        })
    })
}

/// `GET /api/v1/staff/appointments?service=&date=`: a service's appointments on one day
/// (nothing while no service is chosen).
pub fn get_day(query: Memo<Option<(String, Date)>>) -> Loaded<DayView> {
    load(move || {
        query.get().map(|(service, date)| {
            let date = date.to_string();
            let pairs = [("service", service.as_str()), ("date", date.as_str())];
            format!("/api/v1/staff/appointments?{}", query_string(pairs))
        })
    })
}

/// `PUT /api/v1/staff/requests/{reference}/appointment`: moves the time (the applicant is
/// told by SMS).
pub async fn move_time(
    reference: &ReferenceNumber,
    choice: &TimeChoice,
    locale: Locale,
) -> Result<(), ApiError> {
    let path = format!("/api/v1/staff/requests/{reference}/appointment");
    done(fetch(Request::put(&path), Some(to_json(choice)?), locale).await)
}

/// `POST /api/v1/staff/requests/{reference}/appointment/mark`: kept, or no-show.
pub async fn mark_visit(
    reference: &ReferenceNumber,
    mark: &VisitMark,
    locale: Locale,
) -> Result<(), ApiError> {
    let path = format!("/api/v1/staff/requests/{reference}/appointment/mark");
    done(fetch(Request::post(&path), Some(to_json(mark)?), locale).await)
}

/// `GET /api/v1/staff/services/{code}/availability`
pub fn get_availability(code: Memo<String>) -> Loaded<Availability> {
    load(move || {
        Some(format!(
            "/api/v1/staff/services/{}/availability",
            segment(&code.get())
        ))
    })
}

/// `PUT /api/v1/staff/services/{code}/availability` (supervisors and admins)
pub async fn put_availability(
    code: &str,
    availability: &Availability,
    locale: Locale,
) -> Result<(), ApiError> {
    let path = format!("/api/v1/staff/services/{}/availability", segment(code));
    done(fetch(Request::put(&path), Some(to_json(availability)?), locale).await)
}

/// `GET /api/v1/staff/appointments/figures` (supervisors): each appointment service's
/// counts over the last 30 days (nothing for others).
pub fn get_appointment_figures(supervises: bool) -> Loaded<Vec<AppointmentFigures>> {
    load(move || supervises.then(|| "/api/v1/staff/appointments/figures".to_owned()))
}

/// `GET /api/v1/staff/licences?{query}`: a page of the agency's register (nothing while
/// the query, already encoded, is `None`).
#[cfg(feature = "licensing")]
pub fn list_licences(query: Memo<Option<String>>) -> Loaded<LicencePage> {
    load(move || query.get().map(|q| format!("/api/v1/staff/licences?{q}")))
}

/// `GET /api/v1/staff/licences/{number}`
#[cfg(feature = "licensing")]
pub fn get_licence(number: Memo<Option<LicenceNumber>>) -> Loaded<Licence> {
    load(move || number.get().map(|n| format!("/api/v1/staff/licences/{n}")))
}

/// `POST /api/v1/staff/licences/{number}/suspend` (supervisors)
#[cfg(feature = "licensing")]
pub async fn suspend_licence(
    number: &LicenceNumber,
    body: &SuspendLicence,
    locale: Locale,
) -> Result<(), ApiError> {
    let path = format!("/api/v1/staff/licences/{number}/suspend");
    done(fetch(Request::post(&path), Some(to_json(body)?), locale).await)
}

/// `POST /api/v1/staff/licences/{number}/revoke` (supervisors)
#[cfg(feature = "licensing")]
pub async fn revoke_licence(
    number: &LicenceNumber,
    body: &RevokeLicence,
    locale: Locale,
) -> Result<(), ApiError> {
    let path = format!("/api/v1/staff/licences/{number}/revoke");
    done(fetch(Request::post(&path), Some(to_json(body)?), locale).await)
}
