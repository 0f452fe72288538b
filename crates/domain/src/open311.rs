//! Open311 GeoReport v2: how the catalogue, a filing and a request read in the standard
//! that civic-reporting software (FixMyStreet, city systems, messaging bots) speaks.
//!
//! The mapping is data to data, with no I/O: a service becomes a GeoReport service and its
//! form the service definition's attributes; a form-encoded filing becomes the portal's own
//! [`NewRequest`], checked afterwards by the same [`NewRequest::validate`] as every other
//! channel; a stored request becomes what a partner may see of it (never a name, a phone,
//! an answer or an attachment). The server adds HTTP, keys and the XML.
//!
//! What GeoReport cannot carry is decided here once:
//! - files: a service with a required attachment question is not offered (its documents
//!   must be uploaded on the portal); `media_url` is kept as a link in the request's text,
//!   never fetched;
//! - the location (`lat` + `long`, or `address_string`) is required, and answers the form's
//!   location question when it has one;
//! - `description` (and `media_url`) answer the form's first long-text question that no
//!   attribute answered; a service without one refuses them rather than lose them.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::answers::{InvalidAnswer, MAX_ADDRESS_LENGTH};
use crate::calendar::DAY_MS;
use crate::catalogue::ServiceDetail;
use crate::filing::{Applicant, NewRequest};
use crate::form::{DateRange, Field, FieldKind, FormDefinition};
use crate::lifecycle::RequestStatus;
use crate::locale::{Locale, Localized};

/// The widest `start_date`..`end_date` window a list may ask for.
pub const MAX_WINDOW_DAYS: i64 = 90;
/// Most requests (or updates) one list answers with.
pub const MAX_ROWS: usize = 1_000;
/// Most ids one `service_request_id` list may name.
pub const MAX_IDS: usize = 100;
/// Longest `media_url` kept.
pub const MAX_MEDIA_URL: usize = 500;
/// Most parameters one filing may carry (each answer is one; a list answer one per value).
pub const MAX_PARAMS: usize = 200;

/// True when `service` can be filed through GeoReport: it accepts filings and asks for no
/// file it cannot do without.
pub fn offered(service: &ServiceDetail) -> bool {
    service.active
        && !service
            .form
            .fields
            .iter()
            .any(|f| f.required && matches!(f.kind, FieldKind::Attachment { .. }))
}

/// One entry of `services.{json,xml}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Service {
    pub service_code: String,
    pub service_name: String,
    pub description: String,
    /// True when the service has a definition with attributes to fill.
    pub metadata: bool,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub keywords: String,
    /// The agency, by name.
    pub group: String,
}

impl Service {
    pub fn of(service: &ServiceDetail, locale: Locale) -> Service {
        let s = &service.summary;
        Service {
            service_code: s.code.clone(),
            service_name: s.name.get(locale).to_owned(),
            description: s.summary.get(locale).to_owned(),
            metadata: attributes(&service.form, locale).next().is_some(),
            kind: "realtime",
            keywords: format!("{}, {}", s.kind.code(), s.kind.label(locale)),
            group: s.agency.name.get(locale).to_owned(),
        }
    }
}

/// `services/{code}.{json,xml}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ServiceDefinition {
    pub service_code: String,
    pub attributes: Vec<Attribute>,
}

impl ServiceDefinition {
    pub fn of(service: &ServiceDetail, locale: Locale) -> ServiceDefinition {
        ServiceDefinition {
            service_code: service.summary.code.clone(),
            attributes: attributes(&service.form, locale).collect(),
        }
    }
}

/// One question of a service's form, as an attribute.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Attribute {
    pub variable: bool,
    pub code: String,
    pub datatype: &'static str,
    pub required: bool,
    pub datatype_description: String,
    pub order: usize,
    pub description: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<AttributeValue>,
}

/// One choice of a list attribute.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AttributeValue {
    pub key: String,
    pub name: String,
}

/// The questions a partner answers as `attribute[code]`, in the form's order: all but the
/// location (sent as `lat`/`long`/`address_string`) and files (not carried). A question
/// shown only for some earlier answer is optional here: the server's check still asks for
/// it when its condition holds.
fn attributes(form: &FormDefinition, locale: Locale) -> impl Iterator<Item = Attribute> + '_ {
    form.fields
        .iter()
        .filter(|f| attribute_kind(&f.kind))
        .enumerate()
        .map(move |(i, f)| attribute(f, i + 1, locale))
}

fn attribute_kind(kind: &FieldKind) -> bool {
    !matches!(kind, FieldKind::Location | FieldKind::Attachment { .. })
}

fn attribute(field: &Field, order: usize, locale: Locale) -> Attribute {
    let say = |ar: &str, en: &str| locale.pick(ar, en).to_owned();
    let choices = |options: &[crate::form::Choice]| {
        options
            .iter()
            .map(|o| AttributeValue {
                key: o.value.clone(),
                name: o.label.get(locale).to_owned(),
            })
            .collect()
    };
    let (datatype, datatype_description, values) = match &field.kind {
        FieldKind::Text { max_length } => ("string", up_to(*max_length, locale), Vec::new()),
        FieldKind::LongText { max_length } => ("text", up_to(*max_length, locale), Vec::new()),
        FieldKind::Number { min, max } => {
            let mut text = say("عدد صحيح", "A whole number");
            if let Some(min) = min {
                text.push_str(&format!(" {} {min}", say("من", "from")));
            }
            if let Some(max) = max {
                text.push_str(&format!(" {} {max}", say("إلى", "to")));
            }
            ("number", text, Vec::new())
        }
        FieldKind::Date { range } => (
            "datetime",
            match range {
                DateRange::Any => say("تاريخ YYYY-MM-DD", "A date, YYYY-MM-DD"),
                DateRange::PastOrToday => say(
                    "تاريخ YYYY-MM-DD، اليوم أو قبله",
                    "A date, YYYY-MM-DD, today or earlier",
                ),
                DateRange::TodayOrFuture => say(
                    "تاريخ YYYY-MM-DD، اليوم أو بعده",
                    "A date, YYYY-MM-DD, today or later",
                ),
            },
            Vec::new(),
        ),
        FieldKind::Choice { options } => (
            "singlevaluelist",
            say("قيمة واحدة من القائمة", "One key from the list"),
            choices(options),
        ),
        FieldKind::MultiChoice { options, .. } => (
            "multivaluelist",
            say(
                "مفتاح أو أكثر من القائمة: attribute[code][]=key لكل مفتاح",
                "One or more keys from the list: attribute[code][]=key for each",
            ),
            choices(options),
        ),
        FieldKind::YesNo => (
            "singlevaluelist",
            say("نعم أو لا", "Yes or no"),
            vec![
                AttributeValue {
                    key: "yes".into(),
                    name: say("نعم", "Yes"),
                },
                AttributeValue {
                    key: "no".into(),
                    name: say("لا", "No"),
                },
            ],
        ),
        FieldKind::Phone => (
            "string",
            say(
                "رقم جوال سعودي، مثل 0501234567",
                "A Saudi mobile number, like 0501234567",
            ),
            Vec::new(),
        ),
        FieldKind::NationalId => (
            "string",
            say(
                "رقم الهوية أو الإقامة، 10 أرقام",
                "A national or residence ID, 10 digits",
            ),
            Vec::new(),
        ),
        FieldKind::CrNumber => (
            "string",
            say(
                "رقم السجل التجاري، 10 أرقام",
                "A commercial registration number, 10 digits",
            ),
            Vec::new(),
        ),
        FieldKind::Location | FieldKind::Attachment { .. } => ("string", String::new(), Vec::new()),
    };
    let mut description = field.label.get(locale).to_owned();
    if let Some(hint) = &field.hint {
        description.push_str(": ");
        description.push_str(hint.get(locale));
    }
    Attribute {
        variable: true,
        code: field.id.clone(),
        datatype,
        required: field.required && field.show_if.is_none(),
        datatype_description,
        order,
        description,
        values,
    }
}

fn up_to(max_length: u32, locale: Locale) -> String {
    match locale {
        Locale::Ar => format!("نص حتى {max_length} حرف"),
        Locale::En => format!("Text of up to {max_length} characters"),
    }
}

/// Where a filing's GeoReport parameters went in the portal's request, so that a problem
/// the portal's check finds can be named by the parameter the partner sent.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Placement {
    /// The question `description` (and `media_url`) answered.
    pub description_field: Option<String>,
    /// The location question the location answered.
    pub location_field: Option<String>,
}

impl Placement {
    /// The GeoReport parameter behind a field the portal's check named.
    pub fn param(&self, field: &str) -> String {
        match field {
            "applicant.name" => "first_name".into(),
            "applicant.phone" => "phone".into(),
            "applicant.email" => "email".into(),
            "location" => LOCATION_PARAMS.into(),
            _ if self.description_field.as_deref() == Some(field) => "description".into(),
            _ if self.location_field.as_deref() == Some(field) => LOCATION_PARAMS.into(),
            _ => format!("attribute[{field}]"),
        }
    }
}

const LOCATION_PARAMS: &str = "lat, long, address_string";

/// A form-encoded GeoReport filing read into the portal's request, in `locale` (the
/// language of the applicant's messages); every problem at once, each named by the
/// parameter at fault. What passes still goes through [`NewRequest::validate`].
pub fn read_filing(
    params: &[(String, String)],
    service: &ServiceDetail,
    locale: Locale,
) -> Result<(NewRequest, Placement), Vec<InvalidAnswer>> {
    let mut problems = Vec::new();
    let mut problem = |param: &str, message: Localized| {
        problems.push(InvalidAnswer {
            field: param.to_owned(),
            message,
        })
    };
    if params.len() > MAX_PARAMS {
        problem(
            "attribute",
            Localized::new(
                format!("يقبل الطلب {MAX_PARAMS} معاملًا كحد أقصى"),
                format!("A request takes at most {MAX_PARAMS} parameters"),
            ),
        );
        return Err(problems);
    }
    let one = |name: &str| {
        params
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    };
    let form = &service.form;
    let mut answers = Map::new();
    for (key, value) in params {
        let Some(code) = key
            .strip_prefix("attribute[")
            .and_then(|k| k.strip_suffix("[]").unwrap_or(k).strip_suffix(']'))
        else {
            continue;
        };
        let value = value.trim();
        match form.field(code) {
            Some(field) if !attribute_kind(&field.kind) => problem(
                &format!("attribute[{code}]"),
                match field.kind {
                    FieldKind::Location => Localized::new(
                        "أرسل الموقع في lat و long أو address_string",
                        "Send the location as lat and long, or address_string",
                    ),
                    _ => Localized::new(
                        "لا تُرسل الملفات عبر Open311، يرفعها المتقدم في البوابة",
                        "Files are not sent through Open311: the applicant uploads them on the portal",
                    ),
                },
            ),
            Some(field) => {
                if let FieldKind::MultiChoice { .. } = field.kind {
                    let list = answers
                        .entry(code.to_owned())
                        .or_insert_with(|| Value::Array(Vec::new()));
                    if let (Value::Array(items), false) = (list, value.is_empty()) {
                        items.push(Value::String(value.to_owned()));
                    }
                } else {
                    answers.insert(code.to_owned(), attribute_value(&field.kind, value));
                }
            }
            // Left for the portal's check, which names a question the form does not have.
            None => {
                answers.insert(code.to_owned(), Value::String(value.to_owned()));
            }
        }
    }

    let mut placement = Placement::default();
    let location = read_location(one("lat"), one("long"), one("address_string"));
    let location = match location {
        Ok(location) => Some(location),
        Err(message) => {
            problem(LOCATION_PARAMS, message);
            None
        }
    };
    let location_field = form
        .fields
        .iter()
        .find(|f| matches!(f.kind, FieldKind::Location));
    let top_level_location = match (location_field, location) {
        (Some(field), Some(location)) => {
            placement.location_field = Some(field.id.clone());
            answers.insert(field.id.clone(), location);
            None
        }
        (None, location) => location,
        (Some(_), None) => None,
    };

    let media_url = one("media_url");
    if media_url.is_some_and(|url| !is_media_url(url)) {
        problem(
            "media_url",
            Localized::new(
                format!("media_url رابط http أو https من {MAX_MEDIA_URL} حرف كحد أقصى"),
                format!("media_url is an http or https link of at most {MAX_MEDIA_URL} characters"),
            ),
        );
    }
    let text = match (
        one("description"),
        media_url.filter(|url| is_media_url(url)),
    ) {
        (Some(d), Some(url)) => Some(format!("{d}\n{url}")),
        (Some(d), None) => Some(d.to_owned()),
        (None, Some(url)) => Some(url.to_owned()),
        (None, None) => None,
    };
    if let Some(text) = text {
        let free = form
            .fields
            .iter()
            .find(|f| matches!(f.kind, FieldKind::LongText { .. }) && !answers.contains_key(&f.id));
        match free {
            Some(field) => {
                placement.description_field = Some(field.id.clone());
                answers.insert(field.id.clone(), Value::String(text));
            }
            None => problem(
                "description",
                Localized::new(
                    "لا يوجد في هذه الخدمة سؤال نصي حر لوصف الطلب، فأرسل إجاباتها في attribute",
                    "This service has no free-text question for a description: send its attributes",
                ),
            ),
        }
    }

    let name = [one("first_name"), one("last_name")]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let request = NewRequest {
        service_code: service.summary.code.clone(),
        locale,
        applicant: Applicant {
            name,
            phone: one("phone").unwrap_or_default().to_owned(),
            email: one("email").map(str::to_owned),
            national_id: None,
            cr_number: None,
        },
        answers,
        location: top_level_location,
        attachments: Vec::new(),
    };
    if problems.is_empty() {
        Ok((request, placement))
    } else {
        Err(problems)
    }
}

/// An attribute's text as the answer its question takes (the portal's check does the rest).
fn attribute_value(kind: &FieldKind, value: &str) -> Value {
    match kind {
        // A W3C date-time names its day first: the day is the answer.
        FieldKind::Date { .. } if value.len() > 10 && value.as_bytes()[10] == b'T' => {
            Value::String(value[..10].to_owned())
        }
        FieldKind::YesNo => Value::String(
            match value.to_ascii_lowercase().as_str() {
                "true" | "1" => "yes",
                "false" | "0" => "no",
                _ => value,
            }
            .to_owned(),
        ),
        _ => Value::String(value.to_owned()),
    }
}

fn read_location(
    lat: Option<&str>,
    long: Option<&str>,
    address: Option<&str>,
) -> Result<Value, Localized> {
    let coordinate = |text: Option<&str>, limit: f64| match text {
        None => Ok(None),
        Some(t) => t
            .parse::<f64>()
            .ok()
            .filter(|x| x.is_finite() && x.abs() <= limit)
            .map(Some)
            .ok_or(()),
    };
    let bad = || {
        Localized::new(
            "أرسل الموقع: lat و long معًا (درجات عشرية) أو address_string",
            "Send a location: lat and long together (decimal degrees), or address_string",
        )
    };
    let (lat, long) = match (coordinate(lat, 90.0), coordinate(long, 180.0)) {
        (Ok(lat), Ok(long)) => (lat, long),
        _ => return Err(bad()),
    };
    if lat.is_some() != long.is_some() || (lat.is_none() && address.is_none()) {
        return Err(bad());
    }
    if address.is_some_and(|a| a.chars().count() > MAX_ADDRESS_LENGTH) {
        return Err(Localized::new(
            format!("يجب ألا يزيد address_string على {MAX_ADDRESS_LENGTH} حرف"),
            format!("address_string must be {MAX_ADDRESS_LENGTH} characters or fewer"),
        ));
    }
    let mut location = Map::new();
    if let (Some(lat), Some(long)) = (lat, long) {
        location.insert("lat".into(), Value::from(lat));
        location.insert("lng".into(), Value::from(long));
    }
    if let Some(address) = address {
        location.insert("address".into(), Value::String(address.to_owned()));
    }
    Ok(Value::Object(location))
}

fn is_media_url(url: &str) -> bool {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    url.len() <= MAX_MEDIA_URL
        && rest.is_some_and(|r| !r.is_empty() && !r.starts_with('/'))
        && !url.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// `open` or `closed`, as GeoReport knows a request's state.
pub fn status_code(status: RequestStatus) -> &'static str {
    if status.is_finished() {
        "closed"
    } else {
        "open"
    }
}

/// The `status` filter of a list: `open`, `closed`, or both (`open,closed`, or none).
pub fn read_status_filter(text: Option<&str>) -> Result<Option<bool>, Localized> {
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    let (mut open, mut closed) = (false, false);
    for part in text.split(',') {
        match part.trim() {
            "open" => open = true,
            "closed" => closed = true,
            _ => {
                return Err(Localized::new(
                    "status هو open أو closed",
                    "status is open or closed",
                ))
            }
        }
    }
    Ok((open != closed).then_some(closed))
}

/// A list's time window in Unix milliseconds: `start_date`..`end_date`, each optional (the
/// window then ends now, or starts [`MAX_WINDOW_DAYS`] before the end given), never wider
/// than that nor reversed.
pub fn read_window(
    start: Option<&str>,
    end: Option<&str>,
    now_ms: i64,
) -> Result<(i64, i64), Localized> {
    let read = |name: &str, text: Option<&str>| -> Result<Option<i64>, Localized> {
        match text.map(str::trim).filter(|t| !t.is_empty()) {
            None => Ok(None),
            Some(t) => crate::calendar::parse_datetime_ms(t)
                .map(Some)
                .ok_or_else(|| {
                    Localized::new(
                        format!("{name} تاريخ ووقت بصيغة W3C، مثل 2026-11-23T10:00:00+03:00"),
                        format!("{name} is a W3C date-time, like 2026-11-23T10:00:00+03:00"),
                    )
                }),
        }
    };
    let span = MAX_WINDOW_DAYS * DAY_MS;
    let (start, end) = match (read("start_date", start)?, read("end_date", end)?) {
        (Some(s), Some(e)) => (s, e),
        (Some(s), None) => (s, now_ms.max(s)),
        (None, Some(e)) => (e.saturating_sub(span), e),
        (None, None) => (now_ms - span, now_ms),
    };
    if end < start {
        return Err(Localized::new(
            "end_date قبل start_date",
            "end_date is before start_date",
        ));
    }
    if end - start > span {
        return Err(Localized::new(
            format!("أقصى مدة بين start_date و end_date {MAX_WINDOW_DAYS} يومًا"),
            format!("start_date and end_date are at most {MAX_WINDOW_DAYS} days apart"),
        ));
    }
    Ok((start, end))
}

/// A comma-separated list (`service_request_id`, `service_code`) named `name`: at most
/// [`MAX_IDS`] items.
pub fn read_ids(name: &str, text: &str) -> Result<Vec<String>, Localized> {
    let ids: Vec<String> = text
        .split(',')
        .map(str::trim)
        .filter(|id| !id.is_empty())
        .map(str::to_owned)
        .collect();
    if ids.len() > MAX_IDS {
        return Err(Localized::new(
            format!("يقبل {name} {MAX_IDS} قيمة كحد أقصى"),
            format!("{name} takes at most {MAX_IDS} values"),
        ));
    }
    Ok(ids)
}

/// What a partner may see of a request it filed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ServiceRequest {
    pub service_request_id: String,
    pub status: &'static str,
    pub status_notes: String,
    pub service_name: String,
    pub service_code: String,
    pub agency_responsible: String,
    pub requested_datetime: String,
    pub updated_datetime: String,
    /// The end of the due day, Saudi time.
    pub expected_datetime: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lat: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none", rename = "long")]
    pub lng: Option<f64>,
}

/// The answer to a filing: its reference and what happens next.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FilingReceipt {
    pub service_request_id: String,
    pub service_notice: String,
}

/// One public step of a request's history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RequestUpdate {
    pub update_id: String,
    pub service_request_id: String,
    pub status: &'static str,
    pub updated_datetime: String,
    pub description: String,
}

/// The `expected_datetime` of a due date: its last second, Saudi time.
pub fn expected_datetime(due_on: crate::calendar::Date) -> String {
    format!("{due_on}T23:59:59+03:00")
}

/// The notice a filing answers with.
pub fn filing_notice(due_on: crate::calendar::Date, locale: Locale) -> String {
    match locale {
        Locale::Ar => {
            format!("استلمنا الطلب، وأرسلنا رقمه إلى جوال المتقدم. موعد الإنجاز {due_on}.")
        }
        Locale::En => {
            format!("Received: the reference was sent to the applicant's mobile. Due by {due_on}.")
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::calendar::{parse_datetime_ms, Date};

    fn service(fields: Value) -> ServiceDetail {
        serde_json::from_value(json!({
            "code": "epm-road-damage", "kind": "complaint",
            "name": {"ar": "تلف طريق", "en": "Road damage"},
            "summary": {"ar": "بلّغ", "en": "Report"},
            "agency": {"code": "epm", "name": {"ar": "الأمانة", "en": "Municipality"}},
            "fee_halalas": 0, "sla_working_days": 5,
            "department": {"code": "roads", "name": {"ar": "الطرق", "en": "Roads"}},
            "description": {"ar": "و", "en": "d"}, "documents": [],
            "form": {"fields": fields}, "active": true,
            "contact": {"phone": "199", "email": "a@b.sa"}
        }))
        .unwrap()
    }

    fn road_damage() -> ServiceDetail {
        service(json!([
            {"id": "damage", "type": "choice", "label": {"ar": "نوع التلف", "en": "Damage"},
             "options": [{"value": "pothole", "label": {"ar": "حفرة", "en": "Pothole"}}]},
            {"id": "danger", "type": "yes_no", "label": {"ar": "خطر؟", "en": "Dangerous?"}},
            {"id": "kinds", "type": "multi_choice", "label": {"ar": "أنواع", "en": "Kinds"},
             "required": false,
             "options": [{"value": "a", "label": {"ar": "أ", "en": "A"}},
                         {"value": "b", "label": {"ar": "ب", "en": "B"}}]},
            {"id": "seen_on", "type": "date", "label": {"ar": "التاريخ", "en": "Seen on"},
             "required": false, "range": "past_or_today"},
            {"id": "details", "type": "long_text", "label": {"ar": "التفاصيل", "en": "Details"},
             "required": false},
            {"id": "location", "type": "location", "label": {"ar": "الموقع", "en": "Location"}},
            {"id": "photos", "type": "attachment", "label": {"ar": "صور", "en": "Photos"},
             "required": false, "max_files": 3, "max_size_mb": 5}
        ]))
    }

    fn params(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn today() -> Date {
        Date::parse("2026-12-01").unwrap()
    }

    #[test]
    fn a_form_reads_as_attributes_without_its_location_and_files() {
        let definition = ServiceDefinition::of(&road_damage(), Locale::En);
        let codes: Vec<_> = definition
            .attributes
            .iter()
            .map(|a| a.code.as_str())
            .collect();
        assert_eq!(codes, ["damage", "danger", "kinds", "seen_on", "details"]);
        let types: Vec<_> = definition.attributes.iter().map(|a| a.datatype).collect();
        assert_eq!(
            types,
            [
                "singlevaluelist",
                "singlevaluelist",
                "multivaluelist",
                "datetime",
                "text"
            ]
        );
        let orders: Vec<_> = definition.attributes.iter().map(|a| a.order).collect();
        assert_eq!(orders, [1, 2, 3, 4, 5]);
        assert_eq!(
            serde_json::to_value(&definition.attributes[1]).unwrap()["values"],
            json!([{"key": "yes", "name": "Yes"}, {"key": "no", "name": "No"}])
        );
        assert!(definition.attributes[0].required && !definition.attributes[2].required);
        assert_eq!(
            definition.attributes[4].datatype_description,
            "Text of up to 2000 characters"
        );
        let arabic = ServiceDefinition::of(&road_damage(), Locale::Ar);
        assert_eq!(arabic.attributes[0].description, "نوع التلف");
        assert_eq!(arabic.attributes[0].values[0].name, "حفرة");
        let listed = Service::of(&road_damage(), Locale::En);
        assert_eq!(
            (listed.group.as_str(), listed.kind, listed.metadata),
            ("Municipality", "realtime", true)
        );
    }

    #[test]
    fn numbers_say_their_bounds() {
        let count = service(json!([
            {"id": "workers", "type": "number", "label": {"ar": "العمال", "en": "Workers"},
             "min": 1},
            {"id": "price", "type": "number", "label": {"ar": "السعر", "en": "Price"},
             "min": 0, "max": 100000}
        ]));
        let attributes = ServiceDefinition::of(&count, Locale::En).attributes;
        assert_eq!(attributes[0].datatype, "number");
        assert_eq!(attributes[0].datatype_description, "A whole number from 1");
        assert_eq!(
            attributes[1].datatype_description,
            "A whole number from 0 to 100000"
        );
        let arabic = ServiceDefinition::of(&count, Locale::Ar).attributes;
        assert_eq!(arabic[1].datatype_description, "عدد صحيح من 0 إلى 100000");
    }

    #[test]
    fn a_service_that_needs_files_is_not_offered() {
        assert!(offered(&road_damage()));
        let mut needs_files = road_damage();
        if let Some(photos) = needs_files.form.fields.last_mut() {
            photos.required = true;
        }
        assert!(!offered(&needs_files));
        let mut closed = road_damage();
        closed.active = false;
        assert!(!offered(&closed));
    }

    #[test]
    fn a_filing_reads_into_the_portals_request_and_passes_its_check() {
        let service = road_damage();
        let (request, placement) = read_filing(
            &params(&[
                ("api_key", "ignored-here"),
                ("attribute[damage]", "pothole"),
                ("attribute[danger]", "true"),
                ("attribute[kinds][]", "b"),
                ("attribute[kinds][]", "a"),
                ("attribute[seen_on]", "2026-11-30T08:00:00+03:00"),
                ("lat", "26.4207"),
                ("long", "50.0888"),
                ("first_name", "سارة"),
                ("last_name", "أحمد"),
                ("phone", "0501234567"),
                ("description", "حفرة عميقة"),
                ("media_url", "https://example.org/p.jpg"),
            ]),
            &service,
            Locale::Ar,
        )
        .unwrap();
        assert_eq!(placement.description_field.as_deref(), Some("details"));
        assert_eq!(request.applicant.name, "سارة أحمد");
        assert_eq!(request.answers["kinds"], json!(["b", "a"]));
        assert_eq!(
            request.answers["location"],
            json!({"lat": 26.4207, "lng": 50.0888})
        );
        assert_eq!(request.location, None);
        let valid = request.validate(&service.form, today()).unwrap();
        assert_eq!(valid.answers["danger"], "yes");
        assert_eq!(valid.answers["seen_on"], "2026-11-30");
        assert_eq!(valid.answers["kinds"], json!(["a", "b"]));
        assert_eq!(
            valid.answers["details"],
            "حفرة عميقة\nhttps://example.org/p.jpg"
        );
        assert_eq!(valid.applicant.phone, "+966501234567");
    }

    #[test]
    fn problems_are_named_by_the_parameter_sent() {
        let service = road_damage();
        let problems = read_filing(
            &params(&[
                ("attribute[photos]", "x"),
                ("lat", "26.4"),
                ("media_url", "javascript:alert(1)"),
            ]),
            &service,
            Locale::En,
        )
        .unwrap_err();
        let named: Vec<_> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(
            named,
            [
                "attribute[photos]",
                "lat, long, address_string",
                "media_url"
            ]
        );

        // What reads but breaks the form's rules is named by the parameter too.
        let (request, placement) = read_filing(
            &params(&[
                ("attribute[damage]", "crack"),
                ("attribute[nope]", "1"),
                ("address_string", "طريق الملك فهد"),
                ("first_name", "س"),
                ("phone", "12"),
                ("description", &"x".repeat(3_000)),
            ]),
            &service,
            Locale::En,
        )
        .unwrap();
        let problems = request.validate(&service.form, today()).unwrap_err();
        let mut named: Vec<_> = problems.iter().map(|p| placement.param(&p.field)).collect();
        named.sort();
        assert_eq!(
            named,
            [
                "attribute[damage]",
                "attribute[danger]",
                "attribute[nope]",
                "description",
                "first_name",
                "phone"
            ]
        );
    }

    #[test]
    fn a_description_with_nowhere_to_go_is_refused_not_lost() {
        let service = service(json!([
            {"id": "shop", "type": "text", "label": {"ar": "المحل", "en": "Shop"}}
        ]));
        let problems = read_filing(
            &params(&[("address_string", "الدمام"), ("description", "نص")]),
            &service,
            Locale::En,
        )
        .unwrap_err();
        assert_eq!(problems[0].field, "description");
        // Without a location question, the location goes beside the answers.
        let (request, _) = read_filing(
            &params(&[("address_string", "الدمام")]),
            &service,
            Locale::En,
        )
        .unwrap();
        assert_eq!(request.location, Some(json!({"address": "الدمام"})));
    }

    #[test]
    fn windows_are_read_bounded_and_in_order() {
        let now = parse_datetime_ms("2026-12-01T12:00:00Z").unwrap();
        let day = DAY_MS;
        assert_eq!(read_window(None, None, now).unwrap(), (now - 90 * day, now));
        let (s, e) = read_window(Some("2026-11-01T00:00:00Z"), None, now).unwrap();
        assert_eq!((s, e), (now - 30 * day - 12 * 3_600_000, now));
        assert!(read_window(Some("2026-01-01"), Some("2026-12-01"), now).is_err());
        assert!(read_window(Some("2026-08-01"), None, now).is_err());
        assert!(read_window(Some("2026-12-01"), Some("2026-11-01"), now).is_err());
        assert!(read_window(Some("yesterday"), None, now).is_err());
        assert_eq!(read_status_filter(Some("open")).unwrap(), Some(false));
        assert_eq!(read_status_filter(Some("closed")).unwrap(), Some(true));
        assert_eq!(read_status_filter(Some("open,closed")).unwrap(), None);
        assert!(read_status_filter(Some("pending")).is_err());
        assert_eq!(read_ids("service_code", " a, b ,,").unwrap(), ["a", "b"]);
        let many = read_ids("service_code", &"x,".repeat(MAX_IDS + 1)).unwrap_err();
        assert_eq!(many.en, "service_code takes at most 100 values");
        assert_eq!(status_code(RequestStatus::InReview), "open");
        assert_eq!(status_code(RequestStatus::Resolved), "closed");
    }
}
