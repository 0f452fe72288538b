//! The life cycle of a request: its statuses. (Which status may follow which, and who
//! may move it, builds on this.)

use serde::{Deserialize, Serialize};

use crate::locale::Locale;

/// Where a request stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestStatus {
    Submitted,
    InReview,
    AwaitingApplicant,
    Referred,
    Resolved,
    Rejected,
    Closed,
    Withdrawn,
    Reopened,
}

impl RequestStatus {
    pub const ALL: [RequestStatus; 9] = [
        RequestStatus::Submitted,
        RequestStatus::InReview,
        RequestStatus::AwaitingApplicant,
        RequestStatus::Referred,
        RequestStatus::Resolved,
        RequestStatus::Rejected,
        RequestStatus::Closed,
        RequestStatus::Withdrawn,
        RequestStatus::Reopened,
    ];

    /// The stable code stored and sent.
    pub fn code(self) -> &'static str {
        match self {
            RequestStatus::Submitted => "submitted",
            RequestStatus::InReview => "in_review",
            RequestStatus::AwaitingApplicant => "awaiting_applicant",
            RequestStatus::Referred => "referred",
            RequestStatus::Resolved => "resolved",
            RequestStatus::Rejected => "rejected",
            RequestStatus::Closed => "closed",
            RequestStatus::Withdrawn => "withdrawn",
            RequestStatus::Reopened => "reopened",
        }
    }

    pub fn from_code(code: &str) -> Option<RequestStatus> {
        RequestStatus::ALL.into_iter().find(|s| s.code() == code)
    }

    /// True once the agency has decided or the applicant has withdrawn: no deadline runs.
    pub fn is_finished(self) -> bool {
        matches!(
            self,
            RequestStatus::Resolved
                | RequestStatus::Rejected
                | RequestStatus::Closed
                | RequestStatus::Withdrawn
        )
    }

    /// The stage's name for people.
    pub fn label(self, locale: Locale) -> &'static str {
        use RequestStatus::*;
        match (self, locale) {
            (Submitted, Locale::Ar) => "تم الاستلام",
            (Submitted, Locale::En) => "Received",
            (InReview, Locale::Ar) => "قيد الدراسة",
            (InReview, Locale::En) => "Being reviewed",
            (AwaitingApplicant, Locale::Ar) => "بانتظار ردك",
            (AwaitingApplicant, Locale::En) => "Waiting for your reply",
            (Referred, Locale::Ar) => "أحيل إلى جهة مختصة",
            (Referred, Locale::En) => "Referred to another team",
            (Resolved, Locale::Ar) => "تمت المعالجة",
            (Resolved, Locale::En) => "Resolved",
            (Rejected, Locale::Ar) => "مرفوض",
            (Rejected, Locale::En) => "Rejected",
            (Closed, Locale::Ar) => "مغلق",
            (Closed, Locale::En) => "Closed",
            (Withdrawn, Locale::Ar) => "مسحوب",
            (Withdrawn, Locale::En) => "Withdrawn",
            (Reopened, Locale::Ar) => "أعيد فتحه",
            (Reopened, Locale::En) => "Reopened",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_codes_round_trip_and_match_serde() {
        for status in RequestStatus::ALL {
            assert_eq!(RequestStatus::from_code(status.code()), Some(status));
            assert_eq!(serde_json::to_value(status).unwrap(), status.code());
            assert!(!status.label(Locale::Ar).is_empty() && !status.label(Locale::En).is_empty());
        }
        assert_eq!(RequestStatus::from_code("lost"), None);
    }

    #[test]
    fn only_decided_or_withdrawn_requests_are_finished() {
        let finished: Vec<_> = RequestStatus::ALL
            .into_iter()
            .filter(|s| s.is_finished())
            .collect();
        assert_eq!(
            finished,
            [
                RequestStatus::Resolved,
                RequestStatus::Rejected,
                RequestStatus::Closed,
                RequestStatus::Withdrawn
            ]
        );
    }
}
