//! Licences: what a permit service issues when its request is approved, and every rule
//! both sides agree on about one. Its number (checked like a reference number), what a
//! service declares it issues (validity, the answers shown on it, conditions), its status
//! on a given day, its views (the holder's, the public verification's with the name
//! masked), the staff's suspension and revocation, the reminders before expiry and
//! renewal. Storing and sending are the server's business, not this module's.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::answers::InvalidAnswer;
use crate::calendar::{riyadh_midnight_ms, Date};
use crate::catalogue::AgencyRef;
use crate::filing::ServiceName;
use crate::form::{FieldKind, FormDefinition};
use crate::lifecycle::MAX_MESSAGE_LENGTH;
use crate::locale::{Locale, Localized};
use crate::reference::{check_digit_number, typed_digits};
use crate::text::{check_text, given, Lines};
use crate::ReferenceNumber;

/// Digits in a licence number, check digit included (two fewer than a reference number,
/// so the two are never mistaken for one another).
pub const LICENCE_LEN: usize = 10;
/// The random part of a licence number is a number below this.
pub const LICENCE_BODY_LIMIT: u64 = 1_000_000_000;
/// Longest validity a service may declare.
pub const MAX_VALIDITY_DAYS: u16 = 3_660;
pub const MAX_VALIDITY_MONTHS: u16 = 120;
/// Most answers a licence may show.
pub const MAX_LICENCE_FIELDS: usize = 12;
/// Longest conditions text, in characters, in each language.
pub const MAX_CONDITIONS_LENGTH: usize = 4_000;
/// The holder is reminded this many days before the licence's last day.
pub const REMINDER_DAYS: [i64; 2] = [30, 7];
/// Reminders are sent at this hour, Riyadh time.
pub const REMINDER_HOUR: i64 = 9;
/// Longest suspension staff may set, in days from today.
pub const MAX_SUSPENSION_DAYS: i64 = 3_660;
/// The register's page length, by default and at most.
pub const REGISTER_PAGE: u32 = 50;
pub const REGISTER_PAGE_MAX: u32 = 200;

/// A well-formed licence number: ten digits, the last a Damm check digit (as reference
/// numbers have: every single-digit error and every swap of adjacent digits is caught).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct LicenceNumber(String);

/// Why a typed licence number is not one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LicenceNumberError {
    /// Something other than digits, spaces and hyphens.
    NotDigits,
    /// Not ten digits.
    WrongLength,
    /// Ten digits, but the check digit does not match: a typing mistake.
    CheckDigit,
}

impl LicenceNumberError {
    pub fn message(self) -> Localized {
        match self {
            LicenceNumberError::NotDigits => Localized::new(
                "رقم الرخصة يتكون من أرقام فقط",
                "A licence number has digits only",
            ),
            LicenceNumberError::WrongLength => Localized::new(
                format!("رقم الرخصة يتكون من {LICENCE_LEN} أرقام"),
                format!("A licence number has {LICENCE_LEN} digits"),
            ),
            LicenceNumberError::CheckDigit => Localized::new(
                "رقم الرخصة غير صحيح، تحقق من الأرقام كما هي مكتوبة على الرخصة",
                "This licence number is not right. Check the digits against the licence",
            ),
        }
    }
}

check_digit_number!(LicenceNumber, LicenceNumberError, 10, 5, "A licence number");

/// How long a licence is valid: `{ "days": 14 }` or `{ "months": 12 }`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Validity {
    Days(u16),
    Months(u16),
}

impl Validity {
    /// The last day a licence valid from `first` is valid: a 12-month licence issued on
    /// 2026-12-01 is valid through 2027-11-30; a month that is shorter ends the period on
    /// its last day (issued 2026-01-31 for one month: through 2026-02-27).
    pub fn last_day(self, first: Date) -> Date {
        match self {
            Validity::Days(days) => first.add_days(i64::from(days.max(1)) - 1),
            Validity::Months(months) => {
                let (y, m, d) = first.ymd();
                let index = y * 12 + i64::from(m) - 1 + i64::from(months.max(1));
                let (year, month) = (index.div_euclid(12), (index.rem_euclid(12) + 1) as u32);
                let mut day = d;
                loop {
                    if let Some(end) = Date::from_ymd(year, month, day) {
                        return end.add_days(-1);
                    }
                    day -= 1;
                }
            }
        }
    }
}

/// What a permit service issues when one of its requests is approved (the service
/// definition's `issues`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Issues {
    pub validity: Validity,
    /// The ids of the answers printed on the licence, in order.
    #[serde(default)]
    pub fields: Vec<String>,
    /// What the holder must keep to, in both languages.
    pub conditions: Localized,
}

impl Issues {
    /// Checks the declaration against the service's kind and form: only permits issue;
    /// a validity of 1 day to 10 years; each field a question of the form, once, of a kind
    /// that can be printed (no phone, national ID, location or attachment: a licence is
    /// shown to strangers); conditions in both languages.
    pub fn check(&self, kind: crate::ServiceKind, form: &FormDefinition) -> Result<(), String> {
        if kind != crate::ServiceKind::Permit {
            return Err("only a permit service issues a licence".into());
        }
        match self.validity {
            Validity::Days(d) if !(1..=MAX_VALIDITY_DAYS).contains(&d) => {
                return Err(format!("validity: 1 to {MAX_VALIDITY_DAYS} days"));
            }
            Validity::Months(m) if !(1..=MAX_VALIDITY_MONTHS).contains(&m) => {
                return Err(format!("validity: 1 to {MAX_VALIDITY_MONTHS} months"));
            }
            _ => {}
        }
        if self.fields.len() > MAX_LICENCE_FIELDS {
            return Err(format!("at most {MAX_LICENCE_FIELDS} fields"));
        }
        for (i, id) in self.fields.iter().enumerate() {
            if self.fields[..i].contains(id) {
                return Err(format!("field {id} is listed twice"));
            }
            let Some(field) = form.field(id) else {
                return Err(format!("field {id} is not a question of the form"));
            };
            if !printable(&field.kind) {
                return Err(format!("field {id} cannot be printed on a licence"));
            }
        }
        if self.conditions.is_incomplete() {
            return Err("conditions need Arabic and English".into());
        }
        for text in [&self.conditions.ar, &self.conditions.en] {
            if text.chars().count() > MAX_CONDITIONS_LENGTH
                || check_text(text, Lines::Many, ("", "")).is_err()
            {
                return Err(format!(
                    "conditions: up to {MAX_CONDITIONS_LENGTH} characters, no control characters"
                ));
            }
        }
        Ok(())
    }

    /// The lines printed on a licence from `answers` (those listed, answered, in order).
    pub fn details(&self, form: &FormDefinition, answers: &Map<String, Value>) -> Vec<Detail> {
        self.fields
            .iter()
            .filter_map(|id| {
                let field = form.field(id).filter(|f| printable(&f.kind))?;
                Some(Detail {
                    field: id.clone(),
                    label: field.label.clone(),
                    value: answer_text(&field.kind, answers.get(id)?)?,
                })
            })
            .collect()
    }
}

/// True for the kinds of question whose answer may be printed on a licence.
fn printable(kind: &FieldKind) -> bool {
    !matches!(
        kind,
        FieldKind::Phone
            | FieldKind::NationalId
            | FieldKind::Location
            | FieldKind::Attachment { .. }
    )
}

/// An answer as people read it, in both languages: a choice's label, yes or no, the text.
fn answer_text(kind: &FieldKind, answer: &Value) -> Option<Localized> {
    let label_of = |options: &[crate::form::Choice], value: &str| {
        options
            .iter()
            .find(|o| o.value == value)
            .map_or_else(|| Localized::new(value, value), |o| o.label.clone())
    };
    let text = match (kind, answer) {
        (FieldKind::Choice { options }, Value::String(v)) => label_of(options, v),
        (FieldKind::MultiChoice { options, .. }, Value::Array(values)) => {
            let labels: Vec<Localized> = values
                .iter()
                .filter_map(Value::as_str)
                .map(|v| label_of(options, v))
                .collect();
            Localized::new(
                labels
                    .iter()
                    .map(|l| l.ar.as_str())
                    .collect::<Vec<_>>()
                    .join("، "),
                labels
                    .iter()
                    .map(|l| l.en.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            )
        }
        (FieldKind::YesNo, Value::String(v)) if v == "yes" => Localized::new("نعم", "Yes"),
        (FieldKind::YesNo, Value::String(v)) if v == "no" => Localized::new("لا", "No"),
        (_, Value::String(v)) => Localized::new(v.clone(), v.clone()),
        (_, Value::Number(n)) => Localized::new(n.to_string(), n.to_string()),
        _ => return None,
    };
    (!text.is_incomplete()).then_some(text)
}

/// One line printed on a licence: a question's label and its answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Detail {
    pub field: String,
    pub label: Localized,
    pub value: Localized,
}

/// Where a licence stands on a day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum LicenceStatus {
    Valid,
    Expired,
    Suspended,
    Revoked,
}

impl LicenceStatus {
    pub const ALL: [LicenceStatus; 4] = [
        LicenceStatus::Valid,
        LicenceStatus::Expired,
        LicenceStatus::Suspended,
        LicenceStatus::Revoked,
    ];

    pub fn code(self) -> &'static str {
        match self {
            LicenceStatus::Valid => "valid",
            LicenceStatus::Expired => "expired",
            LicenceStatus::Suspended => "suspended",
            LicenceStatus::Revoked => "revoked",
        }
    }

    pub fn from_code(code: &str) -> Option<LicenceStatus> {
        LicenceStatus::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label(self, locale: Locale) -> &'static str {
        match (self, locale) {
            (LicenceStatus::Valid, Locale::Ar) => "سارية",
            (LicenceStatus::Valid, Locale::En) => "Valid",
            (LicenceStatus::Expired, Locale::Ar) => "منتهية",
            (LicenceStatus::Expired, Locale::En) => "Expired",
            (LicenceStatus::Suspended, Locale::Ar) => "موقوفة",
            (LicenceStatus::Suspended, Locale::En) => "Suspended",
            (LicenceStatus::Revoked, Locale::Ar) => "ملغاة",
            (LicenceStatus::Revoked, Locale::En) => "Revoked",
        }
    }

    /// The status on `today` (Riyadh) of a licence valid through `expires_on`, suspended
    /// through `suspended_until` (if ever), revoked or not. A revocation is final and
    /// comes first; a running suspension comes before expiry (it says more to whoever
    /// checks); a suspension whose last day has passed no longer counts.
    ///
    /// Its SQL twin, for the register's filter, is `store::licences::status_sql` in the
    /// server.
    pub fn on(
        today: Date,
        expires_on: Date,
        suspended_until: Option<Date>,
        revoked: bool,
    ) -> LicenceStatus {
        if revoked {
            LicenceStatus::Revoked
        } else if suspended_until.is_some_and(|until| until >= today) {
            LicenceStatus::Suspended
        } else if expires_on < today {
            LicenceStatus::Expired
        } else {
            LicenceStatus::Valid
        }
    }
}

/// Hides most of a holder's name for the public: the first word whole, every other word
/// its first letter and `***` (the same mark whatever the word's length, which it must not
/// tell). `Mohammed Abdullah Al-Qahtani` becomes `Mohammed A*** A***`; a one-word name
/// keeps its first letter only.
pub fn mask_name(name: &str) -> String {
    let words: Vec<&str> = name.split_whitespace().collect();
    let initial = |word: &str| {
        let mut out: String = word.chars().take(1).collect();
        out.push_str("***");
        out
    };
    match words.as_slice() {
        [] => String::new(),
        [only] => initial(only),
        [first, rest @ ..] => {
            let mut out = (*first).to_owned();
            for word in rest {
                out.push(' ');
                out.push_str(&initial(word));
            }
            out
        }
    }
}

/// When a licence valid through `expires_on` reminds its holder: [`REMINDER_HOUR`] Riyadh
/// time, each of [`REMINDER_DAYS`] days before its last day, as (days before, Unix ms);
/// those already past at `now` are left out.
pub fn reminders(expires_on: Date, now: i64) -> Vec<(i64, i64)> {
    REMINDER_DAYS
        .iter()
        .map(|&days| {
            let at = riyadh_midnight_ms(expires_on.add_days(-days)) + REMINDER_HOUR * 3_600_000;
            (days, at)
        })
        .filter(|&(_, at)| at > now)
        .collect()
}

/// The first day of the period a renewal approved on `today` adds to a licence valid
/// through `expires_on`: the day after the current period when it has not ended, else
/// today (the days between are not given back).
pub fn renewal_starts(expires_on: Date, today: Date) -> Date {
    expires_on.add_days(1).max(today)
}

/// True when a licence in `status` may be renewed: anything but a revoked one.
pub fn may_renew(status: LicenceStatus) -> bool {
    status != LicenceStatus::Revoked
}

/// The refusal to renew a revoked licence.
pub fn renewal_refused() -> Localized {
    Localized::new(
        "لا يمكن تجديد رخصة ملغاة",
        "A revoked licence cannot be renewed",
    )
}

/// Who holds a licence: the applicant's name, and the commercial registration or
/// national ID given.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Holder {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cr_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub national_id: Option<String>,
}

/// A suspension: why, and its last day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Suspension {
    pub reason: String,
    pub until: Date,
}

/// A revocation: why, and when (RFC 3339).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Revocation {
    pub reason: String,
    pub at: String,
}

/// A licence in full, for its holder and the agency's staff.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Licence {
    pub number: LicenceNumber,
    pub status: LicenceStatus,
    pub service: ServiceName,
    /// What it licenses: the service's name.
    pub activity: Localized,
    pub agency: AgencyRef,
    pub holder: Holder,
    /// The answers printed on it.
    pub details: Vec<Detail>,
    pub conditions: Localized,
    /// Its first day.
    pub issued_on: Date,
    /// Its last day (after renewals).
    pub expires_on: Date,
    /// The suspension, while it runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suspension: Option<Suspension>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revocation: Option<Revocation>,
    /// The request that issued it.
    pub request: ReferenceNumber,
    /// A renewal request not yet decided, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renewal: Option<ReferenceNumber>,
    /// The address of its public verification (what its QR code holds).
    pub verify_url: String,
}

/// A licence in a list: the holder's "My licences" and the agency's register.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LicenceSummary {
    pub number: LicenceNumber,
    pub status: LicenceStatus,
    pub activity: Localized,
    pub agency: AgencyRef,
    pub holder: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cr_number: Option<String>,
    pub issued_on: Date,
    pub expires_on: Date,
}

/// A page of the agency's register.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LicencePage {
    pub items: Vec<LicenceSummary>,
    /// The cursor of the next page (`?after=`), when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

/// What anyone with a licence's number sees: never a phone, an ID or the full name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LicenceVerification {
    pub number: LicenceNumber,
    pub status: LicenceStatus,
    pub activity: Localized,
    pub agency: AgencyRef,
    /// The holder's name, masked by [`mask_name`].
    pub holder: String,
    pub issued_on: Date,
    pub expires_on: Date,
    /// The last day of a running suspension.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suspended_until: Option<Date>,
}

impl Licence {
    /// The printed answers that do not repeat the holder's commercial registration or ID
    /// number (shown with the holder already).
    pub fn details_beside_holder(&self) -> impl Iterator<Item = &Detail> {
        let holder = [&self.holder.cr_number, &self.holder.national_id];
        self.details.iter().filter(move |d| {
            !holder
                .iter()
                .any(|n| n.as_deref() == Some(d.value.en.as_str()))
        })
    }

    /// What the public sees of this licence.
    pub fn verification(&self) -> LicenceVerification {
        LicenceVerification {
            number: self.number.clone(),
            status: self.status,
            activity: self.activity.clone(),
            agency: self.agency.clone(),
            holder: mask_name(&self.holder.name),
            issued_on: self.issued_on,
            expires_on: self.expires_on,
            suspended_until: self
                .suspension
                .as_ref()
                .filter(|_| self.status == LicenceStatus::Suspended)
                .map(|s| s.until),
        }
    }
}

fn invalid(field: &str, ar: impl Into<String>, en: impl Into<String>) -> InvalidAnswer {
    InvalidAnswer {
        field: field.to_owned(),
        message: Localized::new(ar, en),
    }
}

/// Checks a reason for a suspension or revocation: required, one to
/// [`MAX_MESSAGE_LENGTH`] characters, no control characters.
fn check_reason(reason: &str) -> Result<String, InvalidAnswer> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(invalid("reason", "اكتب السبب", "Enter the reason"));
    }
    if reason.chars().count() > MAX_MESSAGE_LENGTH {
        return Err(invalid(
            "reason",
            format!("السبب {MAX_MESSAGE_LENGTH} حرف كحد أقصى"),
            format!("The reason must be {MAX_MESSAGE_LENGTH} characters or fewer"),
        ));
    }
    check_text(reason, Lines::Many, ("السبب", "the reason")).map_err(|message| InvalidAnswer {
        field: "reason".into(),
        message,
    })?;
    Ok(reason.to_owned())
}

/// The body of `POST /api/v1/staff/licences/{number}/suspend`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SuspendLicence {
    pub reason: String,
    /// The suspension's last day (YYYY-MM-DD), today or later.
    pub until: String,
}

impl SuspendLicence {
    /// The reason and last day, checked on `today` (Riyadh).
    pub fn validate(&self, today: Date) -> Result<Suspension, Vec<InvalidAnswer>> {
        let mut problems = Vec::new();
        let reason = check_reason(&self.reason)
            .map_err(|p| problems.push(p))
            .ok();
        let until = match Date::parse(&self.until) {
            None => {
                problems.push(invalid(
                    "until",
                    "أدخل تاريخ نهاية الإيقاف بالصيغة سنة-شهر-يوم",
                    "Enter the suspension's last day as year-month-day",
                ));
                None
            }
            Some(day) if day < today || day > today.add_days(MAX_SUSPENSION_DAYS) => {
                problems.push(invalid(
                    "until",
                    "يجب أن يكون تاريخ نهاية الإيقاف اليوم أو بعده، وفي حدود عشر سنوات",
                    "The suspension's last day must be today or later, within ten years",
                ));
                None
            }
            Some(day) => Some(day),
        };
        match (reason, until) {
            (Some(reason), Some(until)) if problems.is_empty() => Ok(Suspension { reason, until }),
            _ => Err(problems),
        }
    }
}

/// The body of `POST /api/v1/staff/licences/{number}/revoke`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RevokeLicence {
    pub reason: String,
}

impl RevokeLicence {
    /// The reason, checked.
    pub fn validate(&self) -> Result<String, Vec<InvalidAnswer>> {
        check_reason(&self.reason).map_err(|p| vec![p])
    }
}

/// The body of `POST /api/v1/account/licences/{number}/renew`: the language of the
/// renewal's messages, and answers that replace the licence's own (those that changed,
/// and the files, which a renewal always needs afresh).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RenewLicence {
    pub locale: Locale,
    #[serde(default)]
    pub answers: Map<String, Value>,
}

impl RenewLicence {
    /// The renewal's answers: the licence's, with the files left out (they belong to the
    /// first request), then the ones given over them.
    pub fn answers(&self, form: &FormDefinition, kept: &Map<String, Value>) -> Map<String, Value> {
        let mut answers: Map<String, Value> = kept
            .iter()
            .filter(|(id, _)| {
                form.field(id)
                    .is_some_and(|f| !matches!(f.kind, FieldKind::Attachment { .. }))
            })
            .map(|(id, v)| (id.clone(), v.clone()))
            .collect();
        for (id, value) in &self.answers {
            answers.insert(id.clone(), value.clone());
        }
        answers
    }
}

/// The register's filters, as the query string gives them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
#[serde(default)]
pub struct RegisterQuery {
    /// A licence number or its first digits, a commercial registration number or its
    /// first digits, or part of the holder's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
    /// `valid`, `expired`, `suspended` or `revoked`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Last day on or before this day (YYYY-MM-DD).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_before: Option<String>,
    /// The cursor of the page (`next` of the previous one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
    /// Licences per page, 1 to 200 (50 by default).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<String>,
}

/// What the register is searched for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RegisterSearch {
    /// Digits: the first digits of a licence number or of a CR number.
    Digits(String),
    /// Part of the holder's name.
    Name(String),
}

/// The register's filters, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegisterFilter {
    pub search: Option<RegisterSearch>,
    pub status: Option<LicenceStatus>,
    pub expires_before: Option<Date>,
    /// Licences issued before this one (its row id) only.
    pub after: Option<i64>,
    pub limit: u32,
}

impl RegisterQuery {
    /// Checks every filter; each bad one is named.
    pub fn validate(&self) -> Result<RegisterFilter, Vec<InvalidAnswer>> {
        let mut problems = Vec::new();
        let search = given(&self.q).and_then(|q| {
            if q.chars().count() > 100 || check_text(q, Lines::One, ("", "")).is_err() {
                problems.push(invalid(
                    "q",
                    "ابحث بعبارة أقصر (100 حرف كحد أقصى)",
                    "Search for something shorter (100 characters at most)",
                ));
                return None;
            }
            Some(match typed_digits(q) {
                Some(digits) if !digits.is_empty() => RegisterSearch::Digits(digits),
                _ => RegisterSearch::Name(q.to_owned()),
            })
        });
        let status = given(&self.status).and_then(|s| {
            LicenceStatus::from_code(s).or_else(|| {
                problems.push(invalid(
                    "status",
                    "الحالة إحدى: valid أو expired أو suspended أو revoked",
                    "The status is one of valid, expired, suspended or revoked",
                ));
                None
            })
        });
        let expires_before = given(&self.expires_before).and_then(|d| {
            Date::parse(d).or_else(|| {
                problems.push(invalid(
                    "expires_before",
                    "أدخل التاريخ بالصيغة سنة-شهر-يوم",
                    "Enter the date as year-month-day",
                ));
                None
            })
        });
        let after = given(&self.after).and_then(|a| {
            a.parse::<i64>().ok().filter(|n| *n > 0).or_else(|| {
                problems.push(invalid(
                    "after",
                    "رابط الصفحة غير صحيح",
                    "This page link is not valid",
                ));
                None
            })
        });
        let limit = match given(&self.limit) {
            None => REGISTER_PAGE,
            Some(text) => match text.parse::<u32>() {
                Ok(n) if (1..=REGISTER_PAGE_MAX).contains(&n) => n,
                _ => {
                    problems.push(invalid(
                        "limit",
                        format!("عدد النتائج في الصفحة من 1 إلى {REGISTER_PAGE_MAX}"),
                        format!("Results per page must be from 1 to {REGISTER_PAGE_MAX}"),
                    ));
                    REGISTER_PAGE
                }
            },
        };
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(RegisterFilter {
            search,
            status,
            expires_before,
            after,
            limit,
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn sample_bodies() -> impl Iterator<Item = u64> {
        (1..=1_000u64).map(|i| i.wrapping_mul(6_364_136_223_846_793_005) % LICENCE_BODY_LIMIT)
    }

    fn day(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

    #[test]
    fn every_licence_number_has_ten_digits_and_catches_single_errors_and_swaps() {
        for body in sample_bodies() {
            let number = LicenceNumber::from_body(body);
            assert_eq!(number.as_str().len(), LICENCE_LEN);
            assert_eq!(LicenceNumber::parse(number.as_str()), Ok(number.clone()));
            let good: Vec<u8> = number.as_str().bytes().collect();
            for position in 0..LICENCE_LEN {
                for wrong in b'0'..=b'9' {
                    if wrong != good[position] {
                        let mut typed = good.clone();
                        typed[position] = wrong;
                        let typed = String::from_utf8(typed).unwrap();
                        assert_eq!(
                            LicenceNumber::parse(&typed),
                            Err(LicenceNumberError::CheckDigit)
                        );
                    }
                }
                if position + 1 < LICENCE_LEN && good[position] != good[position + 1] {
                    let mut typed = good.clone();
                    typed.swap(position, position + 1);
                    let typed = String::from_utf8(typed).unwrap();
                    assert_eq!(
                        LicenceNumber::parse(&typed),
                        Err(LicenceNumberError::CheckDigit)
                    );
                }
            }
        }
    }

    #[test]
    fn a_licence_number_is_typable_with_arabic_indic_digits_spaces_and_hyphens() {
        let number = LicenceNumber::from_body(123_456_789);
        let arabic: String = number
            .as_str()
            .chars()
            .map(|c| char::from_u32(0x0660 + (c as u32 - '0' as u32)).unwrap())
            .collect();
        for typed in [
            arabic,
            number.grouped(),
            format!("{}-{}", &number.as_str()[..5], &number.as_str()[5..]),
        ] {
            assert_eq!(LicenceNumber::parse(&typed), Ok(number.clone()), "{typed}");
        }
        assert_eq!(
            LicenceNumber::parse("12345x7890"),
            Err(LicenceNumberError::NotDigits)
        );
        assert_eq!(
            LicenceNumber::parse("123456789012"),
            Err(LicenceNumberError::WrongLength)
        );
        let message = LicenceNumberError::CheckDigit.message();
        assert!(message.ar.contains("رقم الرخصة غير صحيح"));
        assert!(message.en.contains("licence number is not right"));
    }

    #[test]
    fn validity_in_days_and_months_ends_on_the_last_day_of_the_period() {
        assert_eq!(
            Validity::Days(1).last_day(day("2026-12-01")),
            day("2026-12-01")
        );
        assert_eq!(
            Validity::Days(14).last_day(day("2026-12-01")),
            day("2026-12-14")
        );
        assert_eq!(
            Validity::Months(12).last_day(day("2026-12-01")),
            day("2027-11-30")
        );
        assert_eq!(
            Validity::Months(1).last_day(day("2026-01-31")),
            day("2026-02-27")
        );
        assert_eq!(
            Validity::Months(2).last_day(day("2026-11-15")),
            day("2027-01-14")
        );
    }

    fn form() -> FormDefinition {
        serde_json::from_value(json!({ "fields": [
            {"id": "cr_number", "type": "cr_number", "label": {"ar": "السجل", "en": "CR"}},
            {"id": "kind", "type": "choice", "label": {"ar": "النوع", "en": "Kind"},
             "options": [{"value": "food", "label": {"ar": "أغذية", "en": "Food"}}]},
            {"id": "foods", "type": "multi_choice", "label": {"ar": "الأغذية", "en": "Foods"},
             "options": [{"value": "a", "label": {"ar": "أ", "en": "A"}},
                         {"value": "b", "label": {"ar": "ب", "en": "B"}}]},
            {"id": "halal", "type": "yes_no", "label": {"ar": "حلال", "en": "Halal"}},
            {"id": "workers", "type": "number", "label": {"ar": "العمال", "en": "Workers"}},
            {"id": "mobile", "type": "phone", "label": {"ar": "الجوال", "en": "Mobile"}},
            {"id": "docs", "type": "attachment", "label": {"ar": "ملفات", "en": "Files"},
             "max_files": 2, "max_size_mb": 5}
        ]}))
        .unwrap()
    }

    fn issues(fields: &[&str]) -> Issues {
        Issues {
            validity: Validity::Months(12),
            fields: fields.iter().map(|f| (*f).to_owned()).collect(),
            conditions: Localized::new("الالتزام بالاشتراطات", "Keep to the requirements"),
        }
    }

    #[test]
    fn issues_are_checked_against_the_kind_and_the_form() {
        let form = form();
        let kind = crate::ServiceKind::Permit;
        assert_eq!(
            issues(&["cr_number", "kind", "workers"]).check(kind, &form),
            Ok(())
        );
        assert!(issues(&[])
            .check(crate::ServiceKind::Request, &form)
            .is_err());
        assert!(issues(&["nope"])
            .check(kind, &form)
            .unwrap_err()
            .contains("not a question"));
        assert!(issues(&["kind", "kind"])
            .check(kind, &form)
            .unwrap_err()
            .contains("twice"));
        assert!(issues(&["mobile"])
            .check(kind, &form)
            .unwrap_err()
            .contains("cannot be printed"));
        assert!(issues(&["docs"]).check(kind, &form).is_err());
        let mut long = issues(&[]);
        long.validity = Validity::Days(0);
        assert!(long.check(kind, &form).is_err());
        long.validity = Validity::Months(121);
        assert!(long.check(kind, &form).is_err());
        let mut english_only = issues(&[]);
        english_only.conditions.ar = " ".into();
        assert!(english_only.check(kind, &form).is_err());
        let wire: Issues = serde_json::from_value(json!({
            "validity": { "days": 14 }, "fields": ["kind"], "conditions": { "ar": "ش", "en": "c" }
        }))
        .unwrap();
        assert_eq!(wire.validity, Validity::Days(14));
    }

    #[test]
    fn details_print_listed_answers_with_their_labels_in_both_languages() {
        let answers = json!({
            "cr_number": "1010123456", "kind": "food", "foods": ["a", "b"], "halal": "yes",
            "workers": 4, "mobile": "+966500000000"
        });
        let details = issues(&["kind", "foods", "halal", "workers", "cr_number"])
            .details(&form(), answers.as_object().unwrap());
        let values: Vec<(&str, &str, &str)> = details
            .iter()
            .map(|d| (d.field.as_str(), d.value.ar.as_str(), d.value.en.as_str()))
            .collect();
        assert_eq!(
            values,
            [
                ("kind", "أغذية", "Food"),
                ("foods", "أ، ب", "A, B"),
                ("halal", "نعم", "Yes"),
                ("workers", "4", "4"),
                ("cr_number", "1010123456", "1010123456"),
            ]
        );
        assert_eq!(details[0].label.en, "Kind");
    }

    #[test]
    fn the_status_comes_from_revocation_suspension_and_the_expiry_date() {
        let (today, expires) = (day("2026-12-10"), day("2026-12-31"));
        assert_eq!(
            LicenceStatus::on(today, expires, None, false),
            LicenceStatus::Valid
        );
        assert_eq!(
            LicenceStatus::on(today, day("2026-12-10"), None, false),
            LicenceStatus::Valid
        );
        assert_eq!(
            LicenceStatus::on(today, day("2026-12-09"), None, false),
            LicenceStatus::Expired
        );
        assert_eq!(
            LicenceStatus::on(today, expires, Some(day("2026-12-10")), false),
            LicenceStatus::Suspended
        );
        assert_eq!(
            LicenceStatus::on(today, expires, Some(day("2026-12-09")), false),
            LicenceStatus::Valid
        );
        assert_eq!(
            LicenceStatus::on(today, expires, Some(day("2027-01-10")), true),
            LicenceStatus::Revoked
        );
        for status in LicenceStatus::ALL {
            assert_eq!(LicenceStatus::from_code(status.code()), Some(status));
        }
    }

    #[test]
    fn names_are_masked_in_english_and_arabic_without_telling_their_length() {
        assert_eq!(
            mask_name("Mohammed Abdullah Al-Qahtani"),
            "Mohammed A*** A***"
        );
        assert_eq!(mask_name("  Sara   Ali "), "Sara A***");
        assert_eq!(mask_name("محمد عبدالله القحطاني"), "محمد ع*** ا***");
        assert_eq!(mask_name("نورة"), "ن***");
        assert_eq!(mask_name(""), "");
        assert_eq!(mask_name("Sara Al"), mask_name("Sara Alexandrina"));
    }

    #[test]
    fn reminders_fall_at_nine_in_riyadh_thirty_and_seven_days_before_the_last_day() {
        let expires = day("2027-01-31");
        let thirty = riyadh_midnight_ms(day("2027-01-01")) + 9 * 3_600_000;
        let seven = riyadh_midnight_ms(day("2027-01-24")) + 9 * 3_600_000;
        assert_eq!(reminders(expires, 0), vec![(30, thirty), (7, seven)]);
        assert_eq!(reminders(expires, thirty), vec![(7, seven)]);
        assert_eq!(reminders(expires, seven), vec![]);
    }

    #[test]
    fn a_renewal_continues_the_period_or_starts_today_when_it_has_ended() {
        assert_eq!(
            renewal_starts(day("2026-12-31"), day("2026-12-10")),
            day("2027-01-01")
        );
        assert_eq!(
            renewal_starts(day("2026-11-30"), day("2026-12-10")),
            day("2026-12-10")
        );
        assert!(!may_renew(LicenceStatus::Revoked));
        assert!(may_renew(LicenceStatus::Expired) && may_renew(LicenceStatus::Suspended));
    }

    #[test]
    fn a_suspension_needs_a_reason_and_a_last_day_from_today() {
        let today = day("2026-12-10");
        let good = SuspendLicence {
            reason: " Unsafe storage ".into(),
            until: "2026-12-20".into(),
        };
        assert_eq!(
            good.validate(today),
            Ok(Suspension {
                reason: "Unsafe storage".into(),
                until: day("2026-12-20")
            })
        );
        let bad = SuspendLicence {
            reason: "  ".into(),
            until: "2026-12-09".into(),
        };
        let fields: Vec<String> = bad
            .validate(today)
            .unwrap_err()
            .into_iter()
            .map(|p| p.field)
            .collect();
        assert_eq!(fields, ["reason", "until"]);
        assert!(RevokeLicence {
            reason: String::new()
        }
        .validate()
        .is_err());
        assert_eq!(
            RevokeLicence {
                reason: "Fraud".into()
            }
            .validate(),
            Ok("Fraud".into())
        );
    }

    #[test]
    fn a_renewal_keeps_the_answers_but_not_the_files_and_takes_the_new_ones() {
        let kept = json!({ "kind": "food", "workers": 4, "docs": ["u1"] });
        let renew: RenewLicence =
            serde_json::from_value(json!({ "locale": "en", "answers": { "workers": 6 } })).unwrap();
        let answers = renew.answers(&form(), kept.as_object().unwrap());
        assert_eq!(
            Value::Object(answers),
            json!({ "kind": "food", "workers": 6 })
        );
    }

    #[test]
    fn register_filters_are_read_and_bad_ones_named() {
        let filter = RegisterQuery {
            q: Some("١٠١٠".into()),
            status: Some("suspended".into()),
            expires_before: Some("2027-01-01".into()),
            ..RegisterQuery::default()
        }
        .validate()
        .unwrap();
        assert_eq!(filter.search, Some(RegisterSearch::Digits("1010".into())));
        assert_eq!(filter.status, Some(LicenceStatus::Suspended));
        assert_eq!(filter.limit, REGISTER_PAGE);
        let name = RegisterQuery {
            q: Some("Sara".into()),
            ..RegisterQuery::default()
        };
        assert_eq!(
            name.validate().unwrap().search,
            Some(RegisterSearch::Name("Sara".into()))
        );
        let bad = RegisterQuery {
            status: Some("open".into()),
            expires_before: Some("soon".into()),
            after: Some("x".into()),
            limit: Some("0".into()),
            ..RegisterQuery::default()
        };
        let fields: Vec<String> = bad
            .validate()
            .unwrap_err()
            .into_iter()
            .map(|p| p.field)
            .collect();
        assert_eq!(fields, ["status", "expires_before", "after", "limit"]);
    }

    #[test]
    fn the_details_beside_the_holder_leave_out_the_holders_own_numbers() {
        let detail = |field: &str, value: &str| Detail {
            field: field.into(),
            label: Localized::new(field, field),
            value: Localized::new(value, value),
        };
        let licence = Licence {
            number: LicenceNumber::from_body(123_456_789),
            status: LicenceStatus::Valid,
            service: ServiceName {
                code: "epm-shop-health-licence".into(),
                name: Localized::new("شهادة", "Health licence"),
            },
            activity: Localized::new("شهادة", "Health licence"),
            agency: AgencyRef {
                code: "epm".into(),
                name: Localized::new("أمانة", "Municipality"),
            },
            holder: Holder {
                name: "Faisal Al-Qahtani".into(),
                cr_number: Some("2050012345".into()),
                national_id: None,
            },
            details: vec![
                detail("cr_number", "2050012345"),
                detail("workers", "6"),
                detail("other_cr", "2050099999"),
            ],
            conditions: Localized::new("", ""),
            issued_on: day("2026-12-01"),
            expires_on: day("2027-11-30"),
            suspension: None,
            revocation: None,
            request: ReferenceNumber::from_body(1),
            renewal: None,
            verify_url: String::new(),
        };
        let shown: Vec<&str> = licence
            .details_beside_holder()
            .map(|d| d.field.as_str())
            .collect();
        assert_eq!(shown, ["workers", "other_cr"]);
    }
}
