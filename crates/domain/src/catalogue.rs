//! The service catalogue as both sides see it: agencies, departments, services.
//!
//! These are the shapes of `GET /api/v1/services` and `GET /api/v1/services/{code}`. How
//! the catalogue is stored and seeded is the server's business, not this module's.

use serde::{Deserialize, Serialize};

use crate::form::FormDefinition;
use crate::locale::{Locale, Localized};

/// What a citizen is doing when they use a service.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ServiceKind {
    Request,
    Permit,
    Complaint,
    Suggestion,
    Appointment,
}

impl ServiceKind {
    pub const ALL: [ServiceKind; 5] = [
        ServiceKind::Request,
        ServiceKind::Permit,
        ServiceKind::Complaint,
        ServiceKind::Suggestion,
        ServiceKind::Appointment,
    ];

    /// The stable code stored in the database and sent on the wire.
    pub fn code(self) -> &'static str {
        match self {
            ServiceKind::Request => "request",
            ServiceKind::Permit => "permit",
            ServiceKind::Complaint => "complaint",
            ServiceKind::Suggestion => "suggestion",
            ServiceKind::Appointment => "appointment",
        }
    }

    /// Parses a stored code.
    pub fn from_code(code: &str) -> Option<ServiceKind> {
        ServiceKind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// The kind's name for people.
    pub fn label(self, locale: Locale) -> &'static str {
        match (self, locale) {
            (ServiceKind::Request, Locale::Ar) => "طلب",
            (ServiceKind::Request, Locale::En) => "Request",
            (ServiceKind::Permit, Locale::Ar) => "ترخيص أو تصريح",
            (ServiceKind::Permit, Locale::En) => "Permit or licence",
            (ServiceKind::Complaint, Locale::Ar) => "شكوى أو بلاغ",
            (ServiceKind::Complaint, Locale::En) => "Complaint or report",
            (ServiceKind::Suggestion, Locale::Ar) => "اقتراح",
            (ServiceKind::Suggestion, Locale::En) => "Suggestion",
            (ServiceKind::Appointment, Locale::Ar) => "موعد",
            (ServiceKind::Appointment, Locale::En) => "Appointment",
        }
    }
}

/// An agency as named inside a service.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgencyRef {
    pub code: String,
    pub name: Localized,
}

/// A department of an agency.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DepartmentRef {
    pub code: String,
    pub name: Localized,
}

/// One entry of the catalogue list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServiceSummary {
    pub code: String,
    pub kind: ServiceKind,
    pub name: Localized,
    pub summary: Localized,
    pub agency: AgencyRef,
    /// The fee in halalas (1 SAR = 100 halalas); 0 for free services.
    pub fee_halalas: u32,
    /// How long the agency promises to take, in working days (Sunday to Thursday).
    pub sla_working_days: u16,
}

impl ServiceSummary {
    /// True when `query` occurs in the service's or its agency's name, in either
    /// language, or in its code; an empty query matches everything.
    pub fn matches(&self, query: &str) -> bool {
        let q = query.trim().to_ascii_lowercase();
        q.is_empty()
            || self.name.contains_lowercase(&q)
            || self.summary.contains_lowercase(&q)
            || self.agency.name.contains_lowercase(&q)
            || self.code.contains(&q)
    }
}

/// A service with everything its start page and form need. On the wire the summary's
/// fields sit beside the rest (no nesting).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "DetailWire", into = "DetailWire")]
pub struct ServiceDetail {
    pub summary: ServiceSummary,
    pub department: DepartmentRef,
    pub description: Localized,
    /// The documents an applicant must have ready.
    pub documents: Vec<Localized>,
    pub form: FormDefinition,
    /// Whether the service accepts new filings.
    pub active: bool,
    /// How to reach the agency about this service.
    pub contact: Contact,
    /// For an appointment service: how its applicants get a time.
    pub booking: Option<crate::appointment::BookingMode>,
    /// For a permit service: the licence its approval issues.
    pub issues: Option<crate::licence::Issues>,
}

/// [`ServiceDetail`] as written in JSON: one flat object. A plain struct rather than
/// `#[serde(flatten)]`, which would buffer every field through serde's generic content
/// type and weigh tens of kilobytes in the WASM.
#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
struct DetailWire {
    code: String,
    kind: ServiceKind,
    name: Localized,
    summary: Localized,
    agency: AgencyRef,
    fee_halalas: u32,
    sla_working_days: u16,
    department: DepartmentRef,
    description: Localized,
    documents: Vec<Localized>,
    form: FormDefinition,
    active: bool,
    contact: Contact,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    booking: Option<crate::appointment::BookingMode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    issues: Option<crate::licence::Issues>,
}

/// In the OpenAPI document: its wire form, the summary's fields at the top level.
#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for ServiceDetail {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        <DetailWire as utoipa::PartialSchema>::schema()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for ServiceDetail {
    fn schemas(
        schemas: &mut Vec<(
            String,
            utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
        )>,
    ) {
        <DetailWire as utoipa::ToSchema>::schemas(schemas);
    }
}

impl From<DetailWire> for ServiceDetail {
    fn from(w: DetailWire) -> Self {
        ServiceDetail {
            summary: ServiceSummary {
                code: w.code,
                kind: w.kind,
                name: w.name,
                summary: w.summary,
                agency: w.agency,
                fee_halalas: w.fee_halalas,
                sla_working_days: w.sla_working_days,
            },
            department: w.department,
            description: w.description,
            documents: w.documents,
            form: w.form,
            active: w.active,
            contact: w.contact,
            booking: w.booking,
            issues: w.issues,
        }
    }
}

impl From<ServiceDetail> for DetailWire {
    fn from(d: ServiceDetail) -> Self {
        let s = d.summary;
        DetailWire {
            code: s.code,
            kind: s.kind,
            name: s.name,
            summary: s.summary,
            agency: s.agency,
            fee_halalas: s.fee_halalas,
            sla_working_days: s.sla_working_days,
            department: d.department,
            description: d.description,
            documents: d.documents,
            form: d.form,
            active: d.active,
            contact: d.contact,
            booking: d.booking,
            issues: d.issues,
        }
    }
}

/// An agency's contact details, shown on the service and confirmation pages.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Contact {
    pub phone: String,
    pub email: String,
}

/// Formats a fee in halalas as riyals for people: `0` is "free", whole riyals have no
/// decimals, anything else has two.
pub fn format_fee(fee_halalas: u32, locale: Locale) -> String {
    if fee_halalas == 0 {
        return match locale {
            Locale::Ar => "مجانًا".to_owned(),
            Locale::En => "Free".to_owned(),
        };
    }
    let riyals = fee_halalas / 100;
    let halalas = fee_halalas % 100;
    let amount = if halalas == 0 {
        riyals.to_string()
    } else {
        format!("{riyals}.{halalas:02}")
    };
    match locale {
        Locale::Ar => format!("{amount} ريال"),
        Locale::En => format!("SAR {amount}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary() -> ServiceSummary {
        ServiceSummary {
            code: "epm-road-damage".into(),
            kind: ServiceKind::Complaint,
            name: Localized::new("بلاغ عن تلف الطرق", "Road damage report"),
            summary: Localized::new("حفر وتشققات", "Potholes and cracks"),
            agency: AgencyRef {
                code: "epm".into(),
                name: Localized::new("أمانة المنطقة الشرقية", "Eastern Province Municipality"),
            },
            fee_halalas: 0,
            sla_working_days: 5,
        }
    }

    #[test]
    fn kind_codes_round_trip_and_unknown_codes_are_rejected() {
        for kind in ServiceKind::ALL {
            assert_eq!(ServiceKind::from_code(kind.code()), Some(kind));
        }
        assert_eq!(ServiceKind::from_code("petition"), None);
    }

    #[test]
    fn search_matches_either_language_agency_and_ignores_case() {
        let s = summary();
        assert!(s.matches(""));
        assert!(s.matches("ROAD"));
        assert!(s.matches("تلف"));
        assert!(s.matches("potholes"));
        assert!(s.matches("eastern"));
        assert!(s.matches("الشرقية"));
        assert!(!s.matches("licence"));
    }

    #[test]
    fn fees_are_shown_in_riyals() {
        assert_eq!(format_fee(0, Locale::En), "Free");
        assert_eq!(format_fee(0, Locale::Ar), "مجانًا");
        assert_eq!(format_fee(20_000, Locale::En), "SAR 200");
        assert_eq!(format_fee(1_050, Locale::En), "SAR 10.50");
        assert_eq!(format_fee(1_005, Locale::Ar), "10.05 ريال");
    }

    #[test]
    fn detail_serialises_flat_with_the_summary_fields_on_top() {
        let detail = ServiceDetail {
            summary: summary(),
            department: DepartmentRef {
                code: "epm-roads".into(),
                name: Localized::new("الطرق", "Roads"),
            },
            description: Localized::new("و", "d"),
            documents: vec![],
            form: FormDefinition { fields: vec![] },
            active: true,
            contact: Contact {
                phone: "940".into(),
                email: "care@example.sa".into(),
            },
            booking: None,
            issues: None,
        };
        let json = serde_json::to_value(&detail).unwrap();
        assert_eq!(json["code"], "epm-road-damage");
        assert_eq!(json["kind"], "complaint");
        assert_eq!(json["agency"]["code"], "epm");
        let back: ServiceDetail = serde_json::from_value(json).unwrap();
        assert_eq!(back, detail);
    }
}
