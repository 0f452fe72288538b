//! Open311 GeoReport v2 under `/open311/v2`, in JSON or XML by the path's suffix:
//! `discovery`, `services`, `services/{code}`, `POST requests` (form-encoded, with the
//! partner's `api_key`), `requests`, `requests/{id}` and the `servicerequestupdates`
//! extension. What the standard's fields mean here is `nafitha_domain::open311`; this
//! module adds the HTTP, the keys and the XML.
//!
//! Filing goes through the same [`file`] as every other channel (one transaction, the
//! applicant's SMS, the key's channel and limits). Reading needs a key, and shows the
//! requests that key filed: a partner follows its own filings, never anyone else's.
//! Errors are the standard's `[{code, description}]` (`<errors><error>…`) with the HTTP
//! status as `code`; `Accept-Language` picks Arabic (the default) or English.

use std::net::IpAddr;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Path, RawQuery, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use nafitha_domain::answers::InvalidAnswer;
use nafitha_domain::calendar::{format_rfc3339, riyadh_date};
use nafitha_domain::filing::FiledRequest;
use nafitha_domain::intake::event_title;
use nafitha_domain::open311::{
    expected_datetime, filing_notice, offered, read_filing, read_ids, read_status_filter,
    read_window, status_code, FilingReceipt, Placement, RequestUpdate, Service, ServiceDefinition,
    ServiceRequest, MAX_ROWS,
};
use nafitha_domain::partner::key_covers;
use nafitha_domain::{Locale, Localized, ReferenceNumber};
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::Writer;
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::auth::{bearer_key, live_partner_key, ClientIp};
use crate::error::ApiError;
use crate::routes::requests::{file, Submission};
use crate::startup::AppState;
use crate::store::open311::{PartnerRequest, RequestFilter};
use crate::store::partners::PartnerKey;

/// Largest form body a filing may have: its answers are short texts.
pub const FORM_BODY_LIMIT: usize = 64 * 1024;

/// The Open311 router, nested at `/open311/v2`. Every answer must come within
/// `request_timeout`.
pub fn router(request_timeout: Duration) -> Router<AppState> {
    Router::new()
        .route("/{file}", get(read_root).post(create_request))
        .route("/services/{file}", get(service_definition))
        .route("/requests/{file}", get(one_request))
        .fallback(|headers: HeaderMap| async move {
            Open311Error::not_found().into_response_for(Format::Json, &headers)
        })
        .method_not_allowed_fallback(|headers: HeaderMap| async move {
            Open311Error::new(
                StatusCode::METHOD_NOT_ALLOWED,
                Localized::new(
                    "هذه العملية غير متاحة هنا",
                    "This method is not available here",
                ),
            )
            .into_response_for(Format::Json, &headers)
        })
        .layer(DefaultBodyLimit::max(FORM_BODY_LIMIT))
        .layer(middleware::from_fn_with_state(request_timeout, time_limit))
}

/// The two formats, named by the path's suffix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    Json,
    Xml,
}

/// `name.json` or `name.xml`; `None` for anything else.
fn split(file: &str) -> Option<(&str, Format)> {
    match file.rsplit_once('.')? {
        (name, "json") => Some((name, Format::Json)),
        (name, "xml") => Some((name, Format::Xml)),
        _ => None,
    }
}

fn locale_of(headers: &HeaderMap) -> Locale {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map(Locale::from_accept_language)
        .unwrap_or_default()
}

/// An answer in the format asked for. In XML, `root` is the document's element and each
/// list's items are named by [`item_name`].
fn respond<T: Serialize>(status: StatusCode, format: Format, root: &str, value: &T) -> Response {
    let value = match serde_json::to_value(value) {
        Ok(value) => value,
        Err(error) => return internal(error.into(), format),
    };
    let (body, content_type) = match format {
        Format::Json => (value.to_string(), "application/json"),
        Format::Xml => (to_xml(root, &value), "text/xml; charset=utf-8"),
    };
    let mut response = (status, body).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

fn internal(error: anyhow::Error, format: Format) -> Response {
    tracing::error!(error = format!("{error:#}"), "open311 request failed");
    Open311Error::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        Localized::new(
            "حدث خطأ من جهتنا. لم يُحفظ شيء، حاول مرة أخرى بعد قليل",
            "Something went wrong on our side. Nothing was saved; please try again shortly",
        ),
    )
    .render(format, Locale::default())
}

/// The element of one item of the list named `list`.
fn item_name(list: &str) -> &str {
    match list {
        "services" => "service",
        "service_requests" => "request",
        "service_request_updates" => "request_update",
        "errors" => "error",
        "attributes" => "attribute",
        "values" => "value",
        "endpoints" => "endpoint",
        "formats" => "format",
        _ => "item",
    }
}

/// A JSON answer as GeoReport's XML: objects as elements in their fields' order, lists as
/// repeated items, `null` left out, text escaped.
fn to_xml(root: &str, value: &Value) -> String {
    let mut writer = Writer::new(Vec::new());
    // Writing into a Vec cannot fail.
    let _ = writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("utf-8"), None)));
    write_element(&mut writer, root, value);
    String::from_utf8(writer.into_inner()).unwrap_or_default()
}

fn write_element(writer: &mut Writer<Vec<u8>>, name: &str, value: &Value) {
    let text = match value {
        Value::Null => return,
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Array(_) | Value::Object(_) => String::new(),
    };
    let _ = writer.write_event(Event::Start(BytesStart::new(name)));
    match value {
        Value::Array(items) => {
            for item in items {
                write_element(writer, item_name(name), item);
            }
        }
        Value::Object(fields) => {
            for (key, field) in fields {
                write_element(writer, key, field);
            }
        }
        _ => {
            let _ = writer.write_event(Event::Text(BytesText::new(&text)));
        }
    }
    let _ = writer.write_event(Event::End(BytesEnd::new(name)));
}

/// An Open311 error answer: its status, and each problem's description.
#[derive(Debug)]
struct Open311Error {
    status: StatusCode,
    descriptions: Vec<Localized>,
    retry_after_s: Option<u64>,
}

#[derive(Serialize)]
struct ErrorItem {
    code: u16,
    description: String,
}

impl Open311Error {
    fn new(status: StatusCode, description: Localized) -> Open311Error {
        Open311Error {
            status,
            descriptions: vec![description],
            retry_after_s: None,
        }
    }

    fn not_found() -> Open311Error {
        Open311Error::new(
            StatusCode::NOT_FOUND,
            Localized::new("لم نجد ما تبحث عنه", "Not found"),
        )
    }

    fn bad(message: Localized) -> Open311Error {
        Open311Error::new(StatusCode::BAD_REQUEST, message)
    }

    /// 400 naming each parameter at fault: problems the portal's check found are named by
    /// the parameter `placement` says their field came from; without one, they already are.
    fn invalid(problems: &[InvalidAnswer], placement: Option<&Placement>) -> Open311Error {
        Open311Error {
            status: StatusCode::BAD_REQUEST,
            descriptions: problems
                .iter()
                .map(|p| {
                    let param = placement.map_or_else(|| p.field.clone(), |to| to.param(&p.field));
                    Localized::new(
                        format!("{param}: {}", p.message.ar),
                        format!("{param}: {}", p.message.en),
                    )
                })
                .collect(),
            retry_after_s: None,
        }
    }

    /// The portal's own error, as Open311 says it: a key refused is 403, a rule broken 400.
    fn from_api(error: ApiError, placement: &Placement) -> Open311Error {
        match error {
            ApiError::Validation(problems) => Open311Error::invalid(&problems, Some(placement)),
            ApiError::InvalidKey => Open311Error::new(
                StatusCode::FORBIDDEN,
                Localized::new(
                    "api_key غير صحيح أو أُلغي",
                    "The api_key is missing, not valid, or was revoked",
                ),
            ),
            ApiError::Unprocessable { message, .. } | ApiError::BadRequest(message) => {
                Open311Error::bad(message)
            }
            ApiError::TooManyRequests {
                retry_after_s,
                message,
            } => Open311Error {
                status: StatusCode::TOO_MANY_REQUESTS,
                descriptions: vec![message],
                retry_after_s: Some(retry_after_s),
            },
            other => {
                if let ApiError::Internal(cause) = &other {
                    tracing::error!(error = format!("{cause:#}"), "open311 request failed");
                }
                let (status, message) = other.described();
                Open311Error::new(status, message)
            }
        }
    }

    fn render(&self, format: Format, locale: Locale) -> Response {
        let items: Vec<ErrorItem> = self
            .descriptions
            .iter()
            .map(|d| ErrorItem {
                code: self.status.as_u16(),
                description: d.get(locale).to_owned(),
            })
            .collect();
        let mut response = respond(self.status, format, "errors", &items);
        if let Some(seconds) = self.retry_after_s {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, seconds.into());
        }
        response
    }

    fn into_response_for(self, format: Format, headers: &HeaderMap) -> Response {
        self.render(format, locale_of(headers))
    }
}

impl From<sqlx::Error> for Open311Error {
    fn from(error: sqlx::Error) -> Self {
        Open311Error::from_api(ApiError::from(error), &Placement::default())
    }
}

/// A handler's result, rendered in the request's format and language.
type Answer = Result<Response, Open311Error>;

fn finish(result: Answer, format: Format, headers: &HeaderMap) -> Response {
    result.unwrap_or_else(|error| error.into_response_for(format, headers))
}

/// Middleware: a request not answered within `limit` gets 408, in Open311's shape.
async fn time_limit(State(limit): State<Duration>, request: Request, next: Next) -> Response {
    let format = if request.uri().path().ends_with(".xml") {
        Format::Xml
    } else {
        Format::Json
    };
    let headers = request.headers().clone();
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => Open311Error::new(
            StatusCode::REQUEST_TIMEOUT,
            Localized::new(
                "استغرق الطلب وقتًا أطول من المسموح، حاول مرة أخرى",
                "The request took too long. Please try again",
            ),
        )
        .into_response_for(format, &headers),
    }
}

/// The query's parameters, decoded.
fn query_pairs(query: Option<&str>) -> Vec<(String, String)> {
    url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .into_owned()
        .collect()
}

fn param<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .rev()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// The partner calling: its key as `api_key` or `Authorization: Bearer`. A missing or
/// refused key is 403, and counts as a failed sign-in of the client.
async fn partner(
    state: &AppState,
    headers: &HeaderMap,
    pairs: &[(String, String)],
    client: IpAddr,
) -> Result<PartnerKey, Open311Error> {
    let key = param(pairs, "api_key").or_else(|| bearer_key(headers));
    live_partner_key(state, key.unwrap_or_default().trim(), client)
        .await
        .map_err(|e| Open311Error::from_api(e, &Placement::default()))
}

/// `GET /open311/v2/{discovery|services|requests|servicerequestupdates}.{json,xml}`.
async fn read_root(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    headers: HeaderMap,
    Path(file): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let Some((name, format)) = split(&file) else {
        return Open311Error::not_found().into_response_for(Format::Json, &headers);
    };
    let locale = locale_of(&headers);
    let pairs = query_pairs(query.as_deref());
    let result = match name {
        "discovery" => Ok(discovery(&state, format)),
        "services" => list_services(&state, format, locale).await,
        "requests" => list_requests(&state, &headers, &pairs, client, format, locale).await,
        "servicerequestupdates" => {
            list_updates(&state, &headers, &pairs, client, format, locale).await
        }
        _ => Err(Open311Error::not_found()),
    };
    finish(result, format, &headers)
}

fn discovery(state: &AppState, format: Format) -> Response {
    #[derive(Serialize)]
    struct Endpoint {
        specification: &'static str,
        url: String,
        changeset: &'static str,
        #[serde(rename = "type")]
        kind: &'static str,
        formats: [&'static str; 2],
    }
    #[derive(Serialize)]
    struct Discovery {
        changeset: &'static str,
        contact: &'static str,
        key_service: &'static str,
        endpoints: [Endpoint; 1],
    }
    const CHANGESET: &str = "2026-12-01T00:00:00Z";
    let document = Discovery {
        changeset: CHANGESET,
        contact: "The agency you serve: its administrators issue keys in Nafitha's back office",
        key_service:
            "Keys are issued per partner by an agency's administrators (back office, API keys)",
        endpoints: [Endpoint {
            specification: "http://wiki.open311.org/GeoReport_v2",
            url: format!("{}/open311/v2", state.public_url.trim_end_matches('/')),
            changeset: CHANGESET,
            kind: "production",
            formats: ["application/json", "text/xml"],
        }],
    };
    respond(StatusCode::OK, format, "discovery", &document)
}

async fn list_services(state: &AppState, format: Format, locale: Locale) -> Answer {
    let services: Vec<Service> = state
        .store
        .active_services()
        .await?
        .iter()
        .filter(|s| offered(s))
        .map(|s| Service::of(s, locale))
        .collect();
    Ok(respond(StatusCode::OK, format, "services", &services))
}

/// `GET /open311/v2/services/{code}.{json,xml}`: the service's attributes.
async fn service_definition(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(file): Path<String>,
) -> Response {
    let Some((code, format)) = split(&file) else {
        return Open311Error::not_found().into_response_for(Format::Json, &headers);
    };
    let locale = locale_of(&headers);
    let result = async {
        let service = state
            .store
            .get_service(code)
            .await?
            .filter(offered)
            .ok_or_else(Open311Error::not_found)?;
        let definition = ServiceDefinition::of(&service, locale);
        Ok(respond(
            StatusCode::OK,
            format,
            "service_definition",
            &definition,
        ))
    }
    .await;
    finish(result, format, &headers)
}

/// `POST /open311/v2/requests.{json,xml}`: files a request with the partner's key.
async fn create_request(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    headers: HeaderMap,
    Path(file): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let format = match split(&file) {
        Some(("requests", format)) => format,
        Some((_, format)) => {
            let error = Open311Error::new(
                StatusCode::METHOD_NOT_ALLOWED,
                Localized::new(
                    "هذه العملية غير متاحة هنا",
                    "This method is not available here",
                ),
            );
            return error.into_response_for(format, &headers);
        }
        None => return Open311Error::not_found().into_response_for(Format::Json, &headers),
    };
    let result = file_request(&state, &headers, client, body, locale_of(&headers), format).await;
    finish(result, format, &headers)
}

async fn file_request(
    state: &AppState,
    headers: &HeaderMap,
    client: IpAddr,
    body: Result<Bytes, BytesRejection>,
    locale: Locale,
    format: Format,
) -> Answer {
    let is_form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| {
            v.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        });
    if !is_form {
        return Err(Open311Error::bad(Localized::new(
            "أرسل الطلب بصيغة application/x-www-form-urlencoded",
            "Send the request form-encoded (application/x-www-form-urlencoded)",
        )));
    }
    let body = body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            Open311Error::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                Localized::new(
                    "حجم الطلب أكبر من المسموح",
                    "The request is larger than allowed",
                ),
            )
        } else {
            Open311Error::bad(Localized::new(
                "تعذّرت قراءة البيانات المرسلة",
                "The data sent could not be read",
            ))
        }
    })?;
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(&body).into_owned().collect();
    let partner = partner(state, headers, &pairs, client).await?;
    let code = param(&pairs, "service_code")
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .ok_or_else(|| {
            Open311Error::bad(Localized::new(
                "service_code مطلوب",
                "service_code is required",
            ))
        })?;
    let service = state.store.get_service(code).await?.ok_or_else(|| {
        Open311Error::bad(Localized::new(
            "service_code: لا توجد خدمة بهذا الرمز",
            "service_code: there is no service with this code",
        ))
    })?;
    let (summary, agency) = (&service.summary.code, &service.summary.agency.code);
    if !key_covers(
        partner.agency.as_deref(),
        &partner.services,
        summary,
        agency,
    ) {
        return Err(Open311Error::new(
            StatusCode::FORBIDDEN,
            Localized::new(
                "هذه الخدمة خارج نطاق مفتاحك",
                "This service is outside your key's scope",
            ),
        ));
    }
    if !offered(&service) {
        return Err(Open311Error::bad(Localized::new(
            "service_code: لا تستقبل هذه الخدمة طلبات عبر Open311 (تحتاج مستندات تُرفع في البوابة، أو أنها متوقفة)",
            "service_code: this service does not take Open311 requests (it needs documents uploaded on the portal, or it is paused)",
        )));
    }
    let (request, placement) = read_filing(&pairs, &service, locale)
        .map_err(|problems| Open311Error::invalid(&problems, None))?;
    let valid = request
        .validate(&service.form, riyadh_date(state.now_ms()))
        .map_err(|problems| Open311Error::invalid(&problems, Some(&placement)))?;
    // GeoReport has no idempotency key: the same body sent again is the same filing.
    let key = format!("o311-{}", crate::secret::hex(&Sha256::digest(&body)));
    let submission = Submission::partner(&partner, &key, &body);
    let (status, filed) = file(state, &service, &request, &valid, submission)
        .await
        .map_err(|e| Open311Error::from_api(e, &placement))?;
    let FiledRequest {
        reference, due_on, ..
    } = filed.0;
    let receipt = [FilingReceipt {
        service_request_id: reference.as_str().to_owned(),
        service_notice: filing_notice(due_on, locale),
    }];
    Ok(respond(status, format, "service_requests", &receipt))
}

fn service_request(r: &PartnerRequest, locale: Locale) -> ServiceRequest {
    ServiceRequest {
        service_request_id: r.reference.clone(),
        status: status_code(r.status),
        status_notes: r.status.label(locale).to_owned(),
        service_name: r.service.get(locale).to_owned(),
        service_code: r.service_code.clone(),
        agency_responsible: r.agency.get(locale).to_owned(),
        requested_datetime: format_rfc3339(r.submitted_at),
        updated_datetime: format_rfc3339(r.updated_at),
        expected_datetime: expected_datetime(r.due_on),
        address: r.address.clone(),
        lat: r.point.map(|p| p.0),
        lng: r.point.map(|p| p.1),
    }
}

/// References as stored, from ids as a partner may write them; ids that are no reference
/// match nothing.
fn references(ids: Vec<String>) -> Vec<String> {
    ids.iter()
        .filter_map(|id| ReferenceNumber::parse(id).ok())
        .map(|r| r.as_str().to_owned())
        .collect()
}

async fn list_requests(
    state: &AppState,
    headers: &HeaderMap,
    pairs: &[(String, String)],
    client: IpAddr,
    format: Format,
    locale: Locale,
) -> Answer {
    let partner = partner(state, headers, pairs, client).await?;
    let ids = param(pairs, "service_request_id")
        .map(|ids| read_ids("service_request_id", ids))
        .transpose()
        .map_err(Open311Error::bad)?;
    let mut filter = RequestFilter {
        limit: MAX_ROWS,
        ..RequestFilter::default()
    };
    match ids.filter(|ids| !ids.is_empty()) {
        Some(ids) => {
            filter.ids = references(ids);
            if filter.ids.is_empty() {
                return Ok(respond(
                    StatusCode::OK,
                    format,
                    "service_requests",
                    &Vec::<ServiceRequest>::new(),
                ));
            }
        }
        None => {
            filter.window = read_window(
                param(pairs, "start_date"),
                param(pairs, "end_date"),
                state.now_ms(),
            )
            .map_err(Open311Error::bad)?;
            filter.finished =
                read_status_filter(param(pairs, "status")).map_err(Open311Error::bad)?;
            filter.services = param(pairs, "service_code")
                .map(|codes| read_ids("service_code", codes))
                .transpose()
                .map_err(Open311Error::bad)?
                .unwrap_or_default();
        }
    }
    let requests: Vec<ServiceRequest> = state
        .store
        .partner_requests(partner.id, &filter)
        .await?
        .iter()
        .map(|r| service_request(r, locale))
        .collect();
    Ok(respond(
        StatusCode::OK,
        format,
        "service_requests",
        &requests,
    ))
}

/// `GET /open311/v2/requests/{id}.{json,xml}`: one of the partner's requests (a list of
/// one, as the standard has it).
async fn one_request(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    headers: HeaderMap,
    Path(file): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let Some((id, format)) = split(&file) else {
        return Open311Error::not_found().into_response_for(Format::Json, &headers);
    };
    let locale = locale_of(&headers);
    let pairs = query_pairs(query.as_deref());
    let result = async {
        let partner = partner(&state, &headers, &pairs, client).await?;
        let ids = references(vec![id.to_owned()]);
        if ids.is_empty() {
            return Err(Open311Error::not_found());
        }
        let filter = RequestFilter {
            ids,
            limit: 1,
            ..RequestFilter::default()
        };
        let found = state.store.partner_requests(partner.id, &filter).await?;
        if found.is_empty() {
            return Err(Open311Error::not_found());
        }
        let requests: Vec<ServiceRequest> =
            found.iter().map(|r| service_request(r, locale)).collect();
        Ok(respond(
            StatusCode::OK,
            format,
            "service_requests",
            &requests,
        ))
    }
    .await;
    finish(result, format, &headers)
}

async fn list_updates(
    state: &AppState,
    headers: &HeaderMap,
    pairs: &[(String, String)],
    client: IpAddr,
    format: Format,
    locale: Locale,
) -> Answer {
    let partner = partner(state, headers, pairs, client).await?;
    let window = read_window(
        param(pairs, "start_date"),
        param(pairs, "end_date"),
        state.now_ms(),
    )
    .map_err(Open311Error::bad)?;
    let updates: Vec<RequestUpdate> = state
        .store
        .partner_updates(partner.id, window, MAX_ROWS)
        .await?
        .into_iter()
        .map(|u| RequestUpdate {
            update_id: u.id.to_string(),
            service_request_id: u.reference,
            status: status_code(u.status),
            updated_datetime: format_rfc3339(u.at),
            description: event_title(&u.kind, u.status, u.channel, locale).to_owned(),
        })
        .collect();
    Ok(respond(
        StatusCode::OK,
        format,
        "service_request_updates",
        &updates,
    ))
}
