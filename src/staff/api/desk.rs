//! The intake desk's endpoints (its app only, decision 0012): a service's questions, an
//! assisted filing, a look-up and the note that a citizen got in touch.

use gloo_net::http::Request;
use leptos::prelude::*;
use nafitha_domain::appointment::TimeChoice;
use nafitha_domain::filing::{Applicant, FiledRequest, TrackedRequest};
use nafitha_domain::intake::{AssistedFiling, Enquiry, Lookup, LookupQuery};
use nafitha_domain::{Locale, ReferenceNumber, ServiceDetail};
use serde::Serialize;
use serde_json::{Map, Value};

use super::{query_string, segment};
use crate::api::{decode, fetch, load, to_json, ApiError, Loaded};

/// `GET /api/v1/services/{code}`: a service with its questions (nothing while `code` is
/// empty).
pub fn get_service(code: Memo<String>) -> Loaded<ServiceDetail> {
    load(move || {
        let code = code.get();
        (!code.is_empty()).then(|| format!("/api/v1/services/{}", segment(&code)))
    })
}

/// [`AssistedFiling`] as sent: the channel beside the citizens' filing's fields, written
/// out rather than through `#[serde(flatten)]` (which weighs kilobytes in the WASM). The
/// location and attachments are answers of their questions, so neither is sent apart.
#[derive(Serialize)]
struct FilingWire<'a> {
    channel: &'a str,
    service_code: &'a str,
    locale: Locale,
    applicant: &'a Applicant,
    answers: &'a Map<String, Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    appointment: Option<&'a TimeChoice>,
}

/// `POST /api/v1/staff/filings` (intake): files `filing` for a citizen, once per
/// `idempotency_key` however often it is sent.
pub async fn create_assisted_filing(
    filing: &AssistedFiling,
    idempotency_key: &str,
    locale: Locale,
) -> Result<FiledRequest, ApiError> {
    let r = &filing.request;
    let body = to_json(&FilingWire {
        channel: &filing.channel,
        service_code: &r.service_code,
        locale: r.locale,
        applicant: &r.applicant,
        answers: &r.answers,
        appointment: r.appointment.as_ref(),
    })?;
    let request = Request::post("/api/v1/staff/filings").header("Idempotency-Key", idempotency_key);
    decode(fetch(request, Some(body), locale).await)
}

/// `GET /api/v1/staff/lookup?…` (intake): a citizen's requests by mobile number or
/// reference, with the reason (never kept in the address: it names a citizen).
pub async fn look_up_requests(query: &LookupQuery, locale: Locale) -> Result<Lookup, ApiError> {
    let path = format!("/api/v1/staff/lookup?{}", query_string(query.pairs()));
    decode(fetch(Request::get(&path), None, locale).await)
}

/// `POST /api/v1/staff/lookup/{reference}/enquiry` (intake): the citizen got in touch;
/// the request comes back with the note on its history.
pub async fn record_enquiry(
    reference: &ReferenceNumber,
    enquiry: &Enquiry,
    locale: Locale,
) -> Result<TrackedRequest, ApiError> {
    let path = format!("/api/v1/staff/lookup/{reference}/enquiry");
    decode(fetch(Request::post(&path), Some(to_json(enquiry)?), locale).await)
}
