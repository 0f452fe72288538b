//! Requests taken by contact-centre and reception staff for citizens: assisted filing
//! (`POST /api/v1/staff/filings`), the "where is my request?" look-up with its stated reason
//! (`GET /api/v1/staff/lookup`), the note that the citizen got in touch, and the audit of
//! look-ups supervisors read (`GET /api/v1/staff/lookups`).

use serde::{Deserialize, Serialize};

use crate::answers::InvalidAnswer;
use crate::calendar::Date;
use crate::filing::{Channel, NewRequest, TrackedRequest, ValidRequest};
use crate::form::FormDefinition;
use crate::identity::normalize_mobile;
use crate::lifecycle::RequestStatus;
use crate::locale::{Locale, Localized};
use crate::reference::ReferenceNumber;
use crate::text::{check_text, Lines};

/// The kind of the history event that records an enquiry ("the citizen called").
pub const ENQUIRY_KIND: &str = "enquiry";
/// Shortest and longest reason for a look-up, in characters.
pub const REASON_LENGTH: (usize, usize) = (3, 200);
/// The most requests one look-up by number shows (newest first).
pub const LOOKUP_MAX: usize = 20;
/// Look-ups per page of the audit list.
pub const AUDIT_PAGE: u32 = 100;

fn one(field: &str, message: Localized) -> Vec<InvalidAnswer> {
    vec![InvalidAnswer {
        field: field.to_owned(),
        message,
    }]
}

/// An assisted channel from its code; the problem is named `channel`.
pub fn assisted_channel(code: &str) -> Result<Channel, Vec<InvalidAnswer>> {
    Channel::from_code(code.trim())
        .filter(|c| c.is_assisted())
        .ok_or_else(|| {
            one(
                "channel",
                Localized::new(
                    "اختر كيف وصل الطلب: الهاتف أو مكتب الاستقبال أو البريد الإلكتروني أو وسائل التواصل الاجتماعي أو واتساب",
                    "Choose how the request came in: phone, reception desk, email, social media or WhatsApp",
                ),
            )
        })
}

/// The body of `POST /api/v1/staff/filings`: a citizen's filing and the channel it came
/// through. The applicant's `locale` is the language of the SMS they get.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AssistedFiling {
    /// A channel's code; missing is refused like an unknown one (by `validate`, naming it).
    #[serde(default)]
    pub channel: String,
    #[serde(flatten)]
    pub request: NewRequest,
}

impl AssistedFiling {
    /// The citizens' check of the filing, and the channel: every problem at once.
    pub fn validate(
        &self,
        form: &FormDefinition,
        today: Date,
    ) -> Result<(Channel, ValidRequest), Vec<InvalidAnswer>> {
        let channel = assisted_channel(&self.channel);
        let request = self.request.validate(form, today);
        match (channel, request) {
            (Ok(channel), Ok(request)) => Ok((channel, request)),
            (channel, request) => {
                let mut problems = channel.err().unwrap_or_default();
                problems.extend(request.err().unwrap_or_default());
                Err(problems)
            }
        }
    }
}

/// What a look-up is by.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LookupKey {
    /// The applicant's mobile number, E.164.
    Phone(String),
    Reference(ReferenceNumber),
}

impl LookupKey {
    /// What the audit records as the looked-up key.
    pub fn as_str(&self) -> &str {
        match self {
            LookupKey::Phone(phone) => phone,
            LookupKey::Reference(reference) => reference.as_str(),
        }
    }
}

/// `GET /api/v1/staff/lookup?phone=…` or `?reference=…`, with `reason` always.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
pub struct LookupQuery {
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub reference: String,
    #[serde(default)]
    pub reason: String,
}

impl LookupQuery {
    /// The query string's pairs (empty ones left out).
    pub fn pairs(&self) -> Vec<(&'static str, &str)> {
        [
            ("phone", self.phone.as_str()),
            ("reference", self.reference.as_str()),
            ("reason", self.reason.as_str()),
        ]
        .into_iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .collect()
    }

    /// One key (a mobile number or a reference, not both) and a reason: the key
    /// normalised, the reason trimmed.
    pub fn validate(&self) -> Result<(LookupKey, String), Vec<InvalidAnswer>> {
        let mut problems = Vec::new();
        let (phone, reference) = (self.phone.trim(), self.reference.trim());
        let key = match (phone.is_empty(), reference.is_empty()) {
            (false, true) => normalize_mobile(phone)
                .map(LookupKey::Phone)
                .map_err(|message| problems.extend(one("phone", message)))
                .ok(),
            (true, false) => ReferenceNumber::parse(reference)
                .map(LookupKey::Reference)
                .map_err(|e| problems.extend(one("reference", e.message())))
                .ok(),
            _ => {
                problems.extend(one(
                    "phone",
                    Localized::new(
                        "أدخل رقم جوال المستفيد أو رقم الطلب (أحدهما فقط)",
                        "Enter the citizen's mobile number or the request's reference (one of them)",
                    ),
                ));
                None
            }
        };
        let reason = self.reason.trim();
        let length = reason.chars().count();
        let (least, most) = REASON_LENGTH;
        if !(least..=most).contains(&length) {
            problems.extend(one(
                "reason",
                Localized::new(
                    format!("اذكر سبب الاستعلام ({least} إلى {most} حرفًا)"),
                    format!("Give the reason for this look-up ({least} to {most} characters)"),
                ),
            ));
        } else if let Err(message) = check_text(reason, Lines::One, ("سبب الاستعلام", "the reason"))
        {
            problems.extend(one("reason", message));
        }
        match key {
            Some(key) if problems.is_empty() => Ok((key, reason.to_owned())),
            _ => Err(problems),
        }
    }
}

/// The answer to a look-up: what the public tracking shows of each request found (newest
/// first, at most [`LOOKUP_MAX`]), with its public history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Lookup {
    pub requests: Vec<TrackedRequest>,
}

/// `POST /api/v1/staff/lookup/{reference}/enquiry`: the citizen got in touch about a
/// request (a public history event with the channel).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Enquiry {
    pub channel: String,
}

/// One look-up as the audit keeps it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LookupRecord {
    /// RFC 3339, UTC.
    pub at: String,
    pub username: String,
    /// The mobile number (E.164) or the reference looked up.
    pub key: String,
    pub reason: String,
    /// How many requests the look-up showed.
    pub found: u32,
}

/// A page of the look-up audit, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LookupAudit {
    pub lookups: Vec<LookupRecord>,
    /// The cursor of the next (older) page, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<i64>,
}

/// The title of one history event as the citizen and the public read it: how the request
/// was received for its first event when it did not come in online, the enquiry note with
/// its channel, otherwise the status it moved to.
pub fn event_title(
    kind: &str,
    status: RequestStatus,
    channel: Option<Channel>,
    locale: Locale,
) -> &'static str {
    match (kind, channel) {
        ("submitted", Some(channel)) if !channel.is_online() => channel.received(locale),
        (ENQUIRY_KIND, Some(channel)) => channel.enquiry(locale),
        _ => status.label(locale),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn form() -> FormDefinition {
        serde_json::from_value(json!({"fields": [
            {"id": "details", "type": "long_text", "label": {"ar": "التفاصيل", "en": "Details"}}
        ]}))
        .unwrap()
    }

    fn filing(channel: &str, phone: &str) -> AssistedFiling {
        serde_json::from_value(json!({
            "channel": channel,
            "service_code": "epm-road-damage",
            "locale": "ar",
            "applicant": {"name": "سارة أحمد", "phone": phone},
            "answers": {"details": "حفرة عميقة أمام المدرسة"}
        }))
        .unwrap()
    }

    fn today() -> Date {
        Date::parse("2026-12-01").unwrap()
    }

    #[test]
    fn an_assisted_filing_is_the_citizens_filing_with_an_assisted_channel() {
        let (channel, valid) = filing("phone", "0512345678")
            .validate(&form(), today())
            .unwrap();
        assert_eq!(channel, Channel::Phone);
        assert_eq!(valid.applicant.phone, "+966512345678");
        let fields = |f: AssistedFiling| -> Vec<String> {
            f.validate(&form(), today())
                .unwrap_err()
                .into_iter()
                .map(|p| p.field)
                .collect()
        };
        assert_eq!(fields(filing("web", "0512345678")), ["channel"]);
        assert_eq!(fields(filing("api", "0512345678")), ["channel"]);
        assert_eq!(fields(filing("fax", "0512345678")), ["channel"]);
        assert_eq!(
            fields(filing("fax", "12")),
            ["channel", "applicant.phone"],
            "every problem at once"
        );
    }

    #[test]
    fn a_lookup_needs_one_key_and_a_reason() {
        let q = |phone: &str, reference: &str, reason: &str| LookupQuery {
            phone: phone.into(),
            reference: reference.into(),
            reason: reason.into(),
        };
        assert_eq!(
            q("05 1234 5678", "", "  caller asked  ").validate(),
            Ok((
                LookupKey::Phone("+966512345678".into()),
                "caller asked".into()
            ))
        );
        let fields = |query: LookupQuery| -> Vec<String> {
            query
                .validate()
                .unwrap_err()
                .into_iter()
                .map(|p| p.field)
                .collect()
        };
        assert_eq!(fields(q("", "", "caller asked")), ["phone"]);
        assert_eq!(fields(q("0512345678", "1234", "caller asked")), ["phone"]);
        assert_eq!(fields(q("0512345678", "", "  ")), ["reason"]);
        assert_eq!(fields(q("0512345678", "", "a\u{7}b")), ["reason"]);
        assert_eq!(fields(q("", "12", "caller asked")), ["reference"]);
        assert_eq!(
            q("0512345678", "", "x").pairs(),
            [("phone", "0512345678"), ("reason", "x")]
        );
    }

    #[test]
    fn history_titles_say_how_a_request_came_in_and_who_got_in_touch() {
        let l = Locale::En;
        let received = RequestStatus::Submitted;
        assert_eq!(
            event_title("submitted", received, Some(Channel::Phone), l),
            "Received by phone"
        );
        assert_eq!(
            event_title("submitted", received, Some(Channel::Counter), l),
            "Received at the reception desk"
        );
        assert_eq!(
            event_title("submitted", received, Some(Channel::Web), l),
            received.label(l)
        );
        assert_eq!(
            event_title("submitted", received, None, l),
            received.label(l)
        );
        assert_eq!(
            event_title(
                ENQUIRY_KIND,
                RequestStatus::InReview,
                Some(Channel::Phone),
                l
            ),
            "The citizen called"
        );
        assert_eq!(
            event_title("resolve", RequestStatus::Resolved, None, l),
            RequestStatus::Resolved.label(l)
        );
    }
}
