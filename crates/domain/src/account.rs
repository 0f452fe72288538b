//! The citizen's account: signing in with a mobile number and a one-time code, and what a
//! signed-in applicant sees of their own requests (`GET /api/v1/me/requests`,
//! `GET /api/v1/requests/{reference}`).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::calendar::Date;
use crate::catalogue::{AgencyRef, DepartmentRef};
use crate::filing::{Applicant, ServiceName, TrackedRequest};
use crate::identity::{digits_only, normalize_mobile};
use crate::lifecycle::{Action, Party, RequestStatus};
use crate::locale::Localized;
use crate::reference::ReferenceNumber;

/// Digits in a one-time code.
pub const CODE_LENGTH: usize = 6;
/// How long a code stays valid.
pub const CODE_VALID_MS: i64 = 15 * 60_000;
/// Wrong tries after which a code is spent.
pub const MAX_CODE_TRIES: i64 = 5;
/// Shortest wait between two codes for one number.
pub const RESEND_AFTER_MS: i64 = 60_000;
/// Most codes one number may be sent per hour.
pub const MAX_CODES_PER_HOUR: i64 = 5;

/// The body of `POST /api/v1/auth/otp`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CodeRequest {
    pub phone: String,
}

/// The body of `POST /api/v1/auth/verify`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CodeVerification {
    pub phone: String,
    pub code: String,
}

/// Who is signed in: `GET /api/v1/me` and the answer to a sign-in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Me {
    /// E.164.
    pub phone: String,
}

/// A one-time code as typed: [`CODE_LENGTH`] digits, Arabic-Indic accepted, spaces ignored.
pub fn normalize_code(input: &str) -> Result<String, Localized> {
    match digits_only(input) {
        Some(code) if code.len() == CODE_LENGTH => Ok(code),
        _ => Err(Localized::new(
            format!("أدخل الرمز المكون من {CODE_LENGTH} أرقام الذي وصلك برسالة نصية"),
            format!("Enter the {CODE_LENGTH}-digit code we sent you by text message"),
        )),
    }
}

impl CodeVerification {
    /// The phone in E.164 and the code in ASCII digits, or the problems by field.
    pub fn validate(&self) -> Result<(String, String), Vec<(&'static str, Localized)>> {
        match (normalize_mobile(&self.phone), normalize_code(&self.code)) {
            (Ok(phone), Ok(code)) => Ok((phone, code)),
            (phone, code) => Err([("phone", phone.err()), ("code", code.err())]
                .into_iter()
                .filter_map(|(field, problem)| Some((field, problem?)))
                .collect()),
        }
    }
}

/// One line of "my requests".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MyRequest {
    pub reference: ReferenceNumber,
    pub status: RequestStatus,
    pub service: ServiceName,
    pub agency: AgencyRef,
    /// RFC 3339, UTC.
    pub submitted_at: String,
    pub due_on: Date,
    pub overdue: bool,
}

/// A file that came with a request, an answer or a reply.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttachmentInfo {
    pub id: String,
    /// The question it answers (`reply` for files sent with an answer or a reply).
    pub field: String,
    /// `jpeg`, `png` or `pdf`.
    pub kind: String,
    pub size: i64,
}

/// One event of a request's history as its applicant sees it (internal notes never).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventEntry {
    /// `submitted`, or the action's code.
    pub kind: String,
    /// The status after the event.
    pub status: RequestStatus,
    pub department: DepartmentRef,
    /// True when the applicant did it.
    pub by_applicant: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<AttachmentInfo>,
    /// RFC 3339, UTC.
    pub at: String,
    /// An internal note (only ever sent to staff).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub internal: bool,
    /// The staff member who acted (only ever sent to staff).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    /// How the request came in (its first event) or how the applicant got in touch (an
    /// enquiry).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<crate::filing::Channel>,
}

impl EventEntry {
    /// The event's title: see [`crate::intake::event_title`].
    pub fn title(&self, locale: crate::Locale) -> &'static str {
        crate::intake::event_title(&self.kind, self.status, self.channel, locale)
    }
}

/// The request page, for its applicant: the public view plus what they gave and every
/// public event with its message.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RequestDetail {
    pub request: TrackedRequest,
    pub applicant: Applicant,
    pub answers: Map<String, Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Value>,
    /// Files given with the filing.
    pub attachments: Vec<AttachmentInfo>,
    pub events: Vec<EventEntry>,
    /// The request's appointment, for a service that books one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appointment: Option<crate::appointment::AppointmentState>,
    /// While a resolved request may be reopened: until when (RFC 3339, UTC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reopen_until: Option<String>,
    /// The applicant's rating, once given (see `crate::rating`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating: Option<crate::rating::RatingView>,
}

impl RequestDetail {
    /// What the applicant may do now (the reopen window is the server's to judge; it
    /// says so by sending `reopen_until`).
    pub fn applicant_actions(&self) -> Vec<Action> {
        Action::allowed(Party::Applicant, self.request.status)
            .filter(|a| *a != Action::Reopen || self.reopen_until.is_some())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_six_digits_in_either_numeral_system() {
        assert_eq!(normalize_code(" 123 456 ").unwrap(), "123456");
        assert_eq!(normalize_code("١٢٣٤٥٦").unwrap(), "123456");
        assert!(normalize_code("12345").is_err());
        assert!(normalize_code("1234567").is_err());
        assert!(normalize_code("123a45").is_err());
    }

    #[test]
    fn a_verification_names_every_bad_field() {
        let bad = CodeVerification {
            phone: "12".into(),
            code: "x".into(),
        };
        let fields: Vec<_> = bad
            .validate()
            .unwrap_err()
            .into_iter()
            .map(|(f, _)| f)
            .collect();
        assert_eq!(fields, ["phone", "code"]);
        let good = CodeVerification {
            phone: "0512345678".into(),
            code: "٠١٢٣٤٥".into(),
        };
        assert_eq!(
            good.validate().unwrap(),
            ("+966512345678".into(), "012345".into())
        );
    }
}
