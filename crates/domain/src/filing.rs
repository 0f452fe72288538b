//! Filing a request: what the browser (or a channel partner) sends, the one validation of
//! it, and what comes back. `POST /api/v1/requests` and `GET /api/v1/track/{reference}`.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::answers::{is_upload_id, validate_location, InvalidAnswer};
use crate::calendar::Date;
use crate::catalogue::{AgencyRef, Contact, DepartmentRef};
use crate::form::FormDefinition;
use crate::identity::{normalize_cr_number, normalize_mobile, normalize_national_id};
use crate::lifecycle::RequestStatus;
use crate::locale::{Locale, Localized};
use crate::reference::ReferenceNumber;
use crate::text::{clean_name, given};

/// Shortest and longest applicant name, in characters.
pub const NAME_LENGTH: (usize, usize) = (2, 100);
/// Longest e-mail address (RFC 5321).
pub const MAX_EMAIL_LENGTH: usize = 254;
/// Most uploads one request may carry in all.
pub const MAX_ATTACHMENTS: usize = 20;

/// How a request reached the agency (`requests.channel`). The codes are those the
/// database's `requests_channel_ck` constraint allows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// The portal, by the applicant: what the figures call "online".
    Web,
    /// A partner system through the API.
    Api,
    /// A call to a contact centre (the 940 line, a ministry's unified number).
    Phone,
    /// A visit to a reception desk (walk-in).
    Counter,
    Email,
    /// A social-media team.
    Social,
    Whatsapp,
}

impl Channel {
    pub const ALL: [Channel; 7] = [
        Channel::Web,
        Channel::Api,
        Channel::Phone,
        Channel::Counter,
        Channel::Email,
        Channel::Social,
        Channel::Whatsapp,
    ];

    /// The channels through which contact-centre and reception staff take requests.
    pub const ASSISTED: [Channel; 5] = [
        Channel::Phone,
        Channel::Counter,
        Channel::Email,
        Channel::Social,
        Channel::Whatsapp,
    ];

    /// The stable code stored and sent.
    pub fn code(self) -> &'static str {
        match self {
            Channel::Web => "web",
            Channel::Api => "api",
            Channel::Phone => "phone",
            Channel::Counter => "counter",
            Channel::Email => "email",
            Channel::Social => "social",
            Channel::Whatsapp => "whatsapp",
        }
    }

    pub fn from_code(code: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.code() == code)
    }

    /// Position in [`Channel::ALL`] (the index of its count in [`crate::stats::Figures`]).
    pub fn index(self) -> usize {
        Channel::ALL
            .iter()
            .position(|c| *c == self)
            .unwrap_or_default()
    }

    /// Filed online, by the applicant through the portal (the figures' "filed online").
    pub fn is_online(self) -> bool {
        self == Channel::Web
    }

    /// Taken by agency staff for the applicant.
    pub fn is_assisted(self) -> bool {
        Channel::ASSISTED.contains(&self)
    }

    /// The channel's name in the figures and the back office's choices.
    pub fn label(self, locale: Locale) -> &'static str {
        let (ar, en) = match self {
            Channel::Web => ("البوابة", "Portal"),
            Channel::Api => ("تطبيقات الشركاء", "Partner apps"),
            Channel::Phone => ("الهاتف", "Phone"),
            Channel::Counter => ("مكتب الاستقبال", "Reception desk"),
            Channel::Email => ("البريد الإلكتروني", "Email"),
            Channel::Social => ("وسائل التواصل الاجتماعي", "Social media"),
            Channel::Whatsapp => ("واتساب", "WhatsApp"),
        };
        locale.pick(ar, en)
    }

    /// How a request's history says it arrived ("Received by phone").
    pub fn received(self, locale: Locale) -> &'static str {
        let (ar, en) = match self {
            Channel::Web => ("قُدِّم عبر البوابة", "Submitted online"),
            Channel::Api => ("ورد عبر تطبيق شريك", "Received through a partner app"),
            Channel::Phone => ("ورد عبر الهاتف", "Received by phone"),
            Channel::Counter => ("ورد في مكتب الاستقبال", "Received at the reception desk"),
            Channel::Email => ("ورد عبر البريد الإلكتروني", "Received by email"),
            Channel::Social => (
                "ورد عبر وسائل التواصل الاجتماعي",
                "Received through social media",
            ),
            Channel::Whatsapp => ("ورد عبر واتساب", "Received on WhatsApp"),
        };
        locale.pick(ar, en)
    }

    /// How a request's history records that the applicant asked about it ("The citizen
    /// called").
    pub fn enquiry(self, locale: Locale) -> &'static str {
        let (ar, en) = match self {
            Channel::Web | Channel::Api => ("استفسار عن الطلب", "Enquiry about the request"),
            Channel::Phone => ("اتصل المستفيد للاستفسار", "The citizen called"),
            Channel::Counter => (
                "راجع المستفيد مكتب الاستقبال",
                "The citizen came to the reception desk",
            ),
            Channel::Email => (
                "راسل المستفيد بالبريد الإلكتروني",
                "The citizen wrote by email",
            ),
            Channel::Social => (
                "تواصل المستفيد عبر وسائل التواصل الاجتماعي",
                "The citizen wrote on social media",
            ),
            Channel::Whatsapp => ("تواصل المستفيد عبر واتساب", "The citizen wrote on WhatsApp"),
        };
        locale.pick(ar, en)
    }
}

/// Who is filing.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Applicant {
    pub name: String,
    pub phone: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub national_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cr_number: Option<String>,
}

/// The body of `POST /api/v1/requests`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewRequest {
    pub service_code: String,
    pub locale: Locale,
    pub applicant: Applicant,
    #[serde(default)]
    pub answers: Map<String, Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Value>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<String>,
    /// The time chosen, for a service that books one while filing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appointment: Option<crate::appointment::TimeChoice>,
}

/// A request that passed validation, normalised, ready to store.
#[derive(Clone, Debug, PartialEq)]
pub struct ValidRequest {
    pub applicant: Applicant,
    pub answers: Map<String, Value>,
    pub location: Option<Value>,
}

fn check_email(email: &str) -> bool {
    let Some((local, domain)) = email.rsplit_once('@') else {
        return false;
    };
    email.len() <= MAX_EMAIL_LENGTH
        && !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
}

impl Applicant {
    /// Validates and normalises the applicant's details; problems are named
    /// `applicant.<field>`.
    pub fn validate(&self) -> Result<Applicant, Vec<InvalidAnswer>> {
        let mut problems = Vec::new();
        let mut problem = |field: &str, message: Localized| {
            problems.push(InvalidAnswer {
                field: format!("applicant.{field}"),
                message,
            });
        };
        let name = clean_name(&self.name)
            .and_then(|name| {
                if (NAME_LENGTH.0..=NAME_LENGTH.1).contains(&name.chars().count()) {
                    Ok(name)
                } else {
                    Err(Localized::new(
                        format!(
                            "أدخل اسمك الكامل ({} إلى {} حرفًا)",
                            NAME_LENGTH.0, NAME_LENGTH.1
                        ),
                        format!(
                            "Enter your full name ({} to {} characters)",
                            NAME_LENGTH.0, NAME_LENGTH.1
                        ),
                    ))
                }
            })
            .unwrap_or_else(|message| {
                problem("name", message);
                String::new()
            });
        let phone = normalize_mobile(&self.phone).unwrap_or_else(|message| {
            problem("phone", message);
            String::new()
        });
        let email = given(&self.email).map(str::to_owned);
        if email.as_deref().is_some_and(|e| !check_email(e)) {
            problem(
                "email",
                Localized::new(
                    "أدخل بريدًا إلكترونيًا صحيحًا، مثل name@example.com",
                    "Enter an email address in the correct format, like name@example.com",
                ),
            );
        }
        let national_id = given(&self.national_id).and_then(|id| {
            normalize_national_id(id)
                .map_err(|message| problem("national_id", message))
                .ok()
        });
        let cr_number = given(&self.cr_number).and_then(|cr| {
            normalize_cr_number(cr)
                .map_err(|message| problem("cr_number", message))
                .ok()
        });
        if problems.is_empty() {
            Ok(Applicant {
                name,
                phone,
                email,
                national_id,
                cr_number,
            })
        } else {
            Err(problems)
        }
    }
}

impl NewRequest {
    /// The whole check of a filing against the service's form, as of `today` (the date in
    /// Saudi Arabia): applicant, answers, location and attachments, every problem at once.
    pub fn validate(
        &self,
        form: &FormDefinition,
        today: Date,
    ) -> Result<ValidRequest, Vec<InvalidAnswer>> {
        let mut problems = Vec::new();
        let applicant = self
            .applicant
            .validate()
            .map_err(|mut p| problems.append(&mut p))
            .ok();
        let answers = form
            .validate_answers(&self.answers, today)
            .map_err(|mut p| problems.append(&mut p))
            .ok();
        let location = match &self.location {
            None | Some(Value::Null) => None,
            Some(value) => validate_location(value)
                .map_err(|message| {
                    problems.push(InvalidAnswer {
                        field: "location".into(),
                        message,
                    })
                })
                .ok(),
        };
        if self.attachments.len() > MAX_ATTACHMENTS
            || !self.attachments.iter().all(|id| is_upload_id(id))
        {
            problems.push(InvalidAnswer {
                field: "attachments".into(),
                message: Localized::new(
                    format!("يمكنك إرفاق {MAX_ATTACHMENTS} ملفًا كحد أقصى"),
                    format!("You can attach up to {MAX_ATTACHMENTS} files"),
                ),
            });
        }
        match (applicant, answers, problems.is_empty()) {
            (Some(applicant), Some(answers), true) => Ok(ValidRequest {
                applicant,
                answers,
                location,
            }),
            _ => Err(problems),
        }
    }
}

/// The answer to a filing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FiledRequest {
    pub reference: ReferenceNumber,
    pub status: RequestStatus,
    pub service_code: String,
    /// RFC 3339, UTC.
    pub submitted_at: String,
    /// The date by which the agency promised to finish (its SLA in working days).
    pub due_on: Date,
}

/// One public step of a request's history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimelineEntry {
    /// `submitted`, an action's code, or [`crate::intake::ENQUIRY_KIND`].
    pub kind: String,
    pub status: RequestStatus,
    pub department: DepartmentRef,
    /// RFC 3339, UTC.
    pub at: String,
    /// How the request came in (its first event) or how the citizen got in touch (an
    /// enquiry).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<Channel>,
}

impl TimelineEntry {
    /// The entry's title: see [`crate::intake::event_title`].
    pub fn title(&self, locale: Locale) -> &'static str {
        crate::intake::event_title(&self.kind, self.status, self.channel, locale)
    }
}

/// What anyone holding a reference number may see: no name, phone, answer or attachment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrackedRequest {
    pub reference: ReferenceNumber,
    pub status: RequestStatus,
    pub service: ServiceName,
    pub agency: AgencyRef,
    pub department: DepartmentRef,
    pub submitted_at: String,
    pub due_on: Date,
    /// The due date has passed and the request is not finished.
    pub overdue: bool,
    pub timeline: Vec<TimelineEntry>,
    /// How to reach the agency.
    pub contact: Contact,
}

/// A service named inside another answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServiceName {
    pub code: String,
    pub name: Localized,
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::form::{Field, FieldKind};

    fn request(value: Value) -> NewRequest {
        serde_json::from_value(value).unwrap()
    }

    fn form() -> FormDefinition {
        FormDefinition {
            fields: vec![Field {
                id: "details".into(),
                label: Localized::new("التفاصيل", "Details"),
                hint: None,
                required: true,
                show_if: None,
                kind: FieldKind::LongText { max_length: 100 },
            }],
        }
    }

    fn today() -> Date {
        Date::parse("2026-11-23").unwrap()
    }

    #[test]
    fn a_good_request_comes_back_normalised() {
        let valid = request(json!({
            "service_code": "epm-road-damage", "locale": "ar",
            "applicant": { "name": "  سارة   العتيبي ", "phone": "٠٥٠ ١٢٣ ٤٥٦٧", "email": " ", "national_id": "1000000008" },
            "answers": { "details": " حفرة كبيرة " },
            "location": { "address": "شارع الملك فهد، الدمام" }
        }))
        .validate(&form(), today())
        .unwrap();
        assert_eq!(valid.applicant.name, "سارة العتيبي");
        assert_eq!(valid.applicant.phone, "+966501234567");
        assert_eq!(valid.applicant.email, None);
        assert_eq!(valid.applicant.national_id.as_deref(), Some("1000000008"));
        assert_eq!(valid.answers["details"], "حفرة كبيرة");
        assert_eq!(
            valid.location,
            Some(json!({ "address": "شارع الملك فهد، الدمام" }))
        );
    }

    #[test]
    fn every_bad_field_is_named_applicant_answers_and_location_alike() {
        let problems = request(json!({
            "service_code": "x", "locale": "en",
            "applicant": { "name": "A", "phone": "12", "email": "not-an-email", "national_id": "123", "cr_number": "9" },
            "answers": {},
            "location": { "lat": 200, "lng": 1 },
            "attachments": vec!["a"; MAX_ATTACHMENTS + 1]
        }))
        .validate(&form(), today())
        .unwrap_err();
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "applicant.name",
                "applicant.phone",
                "applicant.email",
                "applicant.national_id",
                "applicant.cr_number",
                "details",
                "location",
                "attachments"
            ]
        );
        assert!(problems
            .iter()
            .all(|p| !p.message.ar.is_empty() && !p.message.en.is_empty()));
    }

    #[test]
    fn a_name_loses_its_direction_controls_and_is_refused_with_a_control_character() {
        let applicant = |name: &str| Applicant {
            name: name.into(),
            phone: "0501234567".into(),
            ..Applicant::default()
        };
        let clean = applicant("\u{202E}سارة\u{202C} العتيبي")
            .validate()
            .unwrap();
        assert_eq!(clean.name, "سارة العتيبي");
        let refused = applicant("Sara\0Al-Otaibi").validate().unwrap_err();
        assert_eq!(refused[0].field, "applicant.name");
        assert!(refused[0].message.en.contains("control characters"));
        let hollow = applicant("\u{202E}\u{202C}x").validate().unwrap_err();
        assert!(hollow[0].message.en.contains("2 to 100"), "{hollow:?}");
    }

    #[test]
    fn email_addresses_are_checked_for_shape() {
        for good in ["a@b.sa", "first.last+tag@mail.example.com"] {
            assert!(check_email(good), "{good}");
        }
        for bad in ["a@b", "@b.sa", "a b@c.sa", "a@.sa", "a@sa.", "plain"] {
            assert!(!check_email(bad), "{bad}");
        }
    }

    #[test]
    fn an_unknown_locale_or_missing_applicant_is_a_malformed_body() {
        let body = json!({ "service_code": "x", "locale": "fr", "applicant": { "name": "n", "phone": "p" } });
        assert!(serde_json::from_value::<NewRequest>(body).is_err());
        assert!(serde_json::from_value::<NewRequest>(
            json!({ "service_code": "x", "locale": "ar" })
        )
        .is_err());
    }

    #[test]
    fn channels_round_trip_their_codes_and_only_the_web_is_online() {
        for channel in Channel::ALL {
            assert_eq!(Channel::from_code(channel.code()), Some(channel));
            assert_eq!(
                serde_json::to_value(channel).unwrap(),
                json!(channel.code())
            );
        }
        assert!(Channel::Web.is_online() && !Channel::Phone.is_online());
        for (i, channel) in Channel::ALL.into_iter().enumerate() {
            assert_eq!(channel.index(), i);
            assert_eq!(channel.is_assisted(), Channel::ASSISTED.contains(&channel));
        }
        assert!(!Channel::Web.is_assisted() && !Channel::Api.is_assisted());
        assert_eq!(Channel::from_code("WEB"), None);
    }
}
