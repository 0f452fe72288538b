//! Rating the service once a request is decided: the five-point satisfaction question
//! (stored as 5 = very satisfied … 1 = very dissatisfied), "was your request resolved?",
//! and an optional comment, changeable for [`RATING_CHANGE_DAYS`] days. The browser checks a rating with these
//! rules before sending it; the server checks it again before storing it.

use serde::{Deserialize, Serialize};

use crate::answers::InvalidAnswer;
use crate::lifecycle::RequestStatus;
use crate::locale::{Locale, Localized};
use crate::text::{check_text, given, Lines};

/// The longest comment, in characters.
pub const MAX_RATING_COMMENT: usize = 1250;
/// Days after the first rating during which it can be changed.
pub const RATING_CHANGE_DAYS: i64 = 7;
/// Below this many ratings, a service shows "not enough ratings" instead of an average.
pub const MIN_RATINGS_FOR_AVERAGE: u64 = 5;

/// Whether the applicant's request was resolved, in their words.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Resolution {
    Yes,
    No,
    Partly,
}

impl Resolution {
    pub const ALL: [Resolution; 3] = [Resolution::Yes, Resolution::No, Resolution::Partly];

    pub fn code(self) -> &'static str {
        match self {
            Resolution::Yes => "yes",
            Resolution::No => "no",
            Resolution::Partly => "partly",
        }
    }

    pub fn from_code(code: &str) -> Option<Resolution> {
        Resolution::ALL.into_iter().find(|r| r.code() == code)
    }

    pub fn label(self, locale: Locale) -> &'static str {
        match (self, locale) {
            (Resolution::Yes, Locale::Ar) => "نعم",
            (Resolution::Yes, Locale::En) => "Yes",
            (Resolution::No, Locale::Ar) => "لا",
            (Resolution::No, Locale::En) => "No",
            (Resolution::Partly, Locale::Ar) => "جزئيًا",
            (Resolution::Partly, Locale::En) => "Partly",
        }
    }
}

/// The five answers to "Overall, how did you feel about the service you received?", from
/// 5 (very satisfied) down to 1 (very dissatisfied).
pub fn satisfaction_label(score: u8, locale: Locale) -> &'static str {
    let (ar, en) = match score {
        5 => ("راضٍ جدًا", "Very satisfied"),
        4 => ("راضٍ", "Satisfied"),
        3 => ("لا راضٍ ولا غير راضٍ", "Neither satisfied nor dissatisfied"),
        2 => ("غير راضٍ", "Dissatisfied"),
        _ => ("غير راضٍ إطلاقًا", "Very dissatisfied"),
    };
    match locale {
        Locale::Ar => ar,
        Locale::En => en,
    }
}

/// The last moment a rating first given at `created_ms` may be changed.
pub fn rating_changeable_until_ms(created_ms: i64) -> i64 {
    created_ms.saturating_add(RATING_CHANGE_DAYS * crate::calendar::DAY_MS)
}

/// True while a rating first given at `created_ms` may still be changed at `now_ms`.
pub fn may_change_rating(created_ms: i64, now_ms: i64) -> bool {
    now_ms <= rating_changeable_until_ms(created_ms)
}

/// Why a change is refused once [`RATING_CHANGE_DAYS`] have passed.
pub fn rating_change_window_closed() -> Localized {
    let days = crate::calendar::day_count(RATING_CHANGE_DAYS);
    Localized::new(
        format!("مضت {} على تقييمك، فلم يعد تغييره ممكنًا", days.ar),
        format!(
            "Your rating was given more than {} ago and can no longer be changed",
            days.en
        ),
    )
}

/// Whether a request in `status` can be rated: once it is decided.
pub fn may_rate(status: RequestStatus) -> bool {
    matches!(
        status,
        RequestStatus::Resolved | RequestStatus::Rejected | RequestStatus::Closed
    )
}

/// A rating as sent (`POST /api/v1/requests/{reference}/rating`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RatingInput {
    /// 1..5; a JSON number (anything else is refused by `validate`).
    #[cfg_attr(feature = "openapi", schema(value_type = u8, minimum = 1, maximum = 5))]
    pub score: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolved: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// A rating that passed `RatingInput::validate`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidRating {
    pub score: u8,
    pub resolved: Option<Resolution>,
    /// Trimmed; `None` when empty.
    pub comment: Option<String>,
}

impl RatingInput {
    /// Checks the score (a whole number from 1 to 5), the resolution (`yes`, `no`,
    /// `partly`, or none) and the comment (at most 1,250 characters, no control characters
    /// but line breaks and tabs); names every problem.
    pub fn validate(&self) -> Result<ValidRating, Vec<InvalidAnswer>> {
        let mut problems = Vec::new();
        let score = self
            .score
            .as_ref()
            .and_then(crate::number::whole_number::<u8>)
            .filter(|s| (1..=5).contains(s));
        if score.is_none() {
            problems.push(InvalidAnswer {
                field: "score".into(),
                message: Localized::new(
                    "اختر مدى رضاك عن الخدمة",
                    "Choose how you felt about the service",
                ),
            });
        }
        let resolved = match self.resolved.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(code) => {
                let found = Resolution::from_code(code);
                if found.is_none() {
                    problems.push(InvalidAnswer {
                        field: "resolved".into(),
                        message: Localized::new(
                            "اختر نعم أو لا أو جزئيًا",
                            "Choose yes, no or partly",
                        ),
                    });
                }
                found
            }
        };
        let comment = given(&self.comment).map(str::to_owned);
        let comment_problem = comment.as_deref().and_then(|c| {
            if c.chars().count() > MAX_RATING_COMMENT {
                Some(Localized::new(
                    format!("يجب ألا يزيد التعليق على {MAX_RATING_COMMENT} حرف"),
                    format!("The comment must be {MAX_RATING_COMMENT} characters or fewer"),
                ))
            } else {
                check_text(c, Lines::Many, ("التعليق", "the comment")).err()
            }
        });
        if let Some(message) = comment_problem {
            problems.push(InvalidAnswer {
                field: "comment".into(),
                message,
            });
        }
        match (score, problems.is_empty()) {
            (Some(score), true) => Ok(ValidRating {
                score,
                resolved,
                comment,
            }),
            _ => Err(problems),
        }
    }
}

/// A stored rating, as its applicant sees it on the request page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RatingView {
    pub score: u8,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolved: Option<Resolution>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// RFC 3339: until when it can still be changed.
    pub changeable_until: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn input(
        score: serde_json::Value,
        resolved: Option<&str>,
        comment: Option<&str>,
    ) -> RatingInput {
        RatingInput {
            score: Some(score),
            resolved: resolved.map(str::to_owned),
            comment: comment.map(str::to_owned),
        }
    }

    #[test]
    fn a_rating_can_be_changed_for_seven_days_and_the_refusal_says_so() {
        let created = 1_796_000_000_000;
        assert!(may_change_rating(created, created + 7 * 86_400_000));
        assert!(!may_change_rating(created, created + 7 * 86_400_000 + 1));
        let refusal = rating_change_window_closed();
        assert_eq!(refusal.ar, "مضت 7 أيام على تقييمك، فلم يعد تغييره ممكنًا");
        assert_eq!(
            refusal.en,
            "Your rating was given more than 7 days ago and can no longer be changed"
        );
    }

    #[test]
    fn a_score_from_one_to_five_with_an_optional_resolution_and_comment_is_accepted() {
        let valid = input(
            json!(4),
            Some("partly"),
            Some("  Quick, but the hole came back  "),
        )
        .validate()
        .unwrap();
        assert_eq!(valid.score, 4);
        assert_eq!(valid.resolved, Some(Resolution::Partly));
        assert_eq!(
            valid.comment.as_deref(),
            Some("Quick, but the hole came back")
        );
        let bare = input(json!(1), None, Some("   ")).validate().unwrap();
        assert_eq!((bare.resolved, bare.comment), (None, None));
    }

    #[test]
    fn scores_outside_one_to_five_or_not_whole_numbers_are_refused() {
        for bad in [
            json!(0),
            json!(6),
            json!(-1),
            json!(3.5),
            json!("5"),
            json!(null),
        ] {
            let problems = input(bad.clone(), None, None).validate().unwrap_err();
            assert_eq!(problems[0].field, "score", "{bad}");
        }
        assert!(RatingInput::default().validate().is_err());
    }

    #[test]
    fn an_unknown_resolution_and_a_long_comment_are_named() {
        let long = "ق".repeat(MAX_RATING_COMMENT + 1);
        let problems = input(json!(3), Some("maybe"), Some(&long))
            .validate()
            .unwrap_err();
        let fields: Vec<_> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["resolved", "comment"]);
        let exactly = "ق".repeat(MAX_RATING_COMMENT);
        assert!(input(json!(3), None, Some(&exactly)).validate().is_ok());
    }

    #[test]
    fn a_comment_with_a_control_character_is_refused() {
        let problems = input(json!(3), None, Some("fine\0"))
            .validate()
            .unwrap_err();
        assert_eq!(problems[0].field, "comment");
        assert_eq!(
            problems[0].message.en,
            "Remove the hidden control characters from the comment"
        );
        let lines = input(json!(3), None, Some("Quick.\nThanks")).validate();
        assert_eq!(lines.unwrap().comment.as_deref(), Some("Quick.\nThanks"));
    }

    #[test]
    fn only_decided_requests_can_be_rated() {
        let rateable: Vec<_> = RequestStatus::ALL
            .into_iter()
            .filter(|s| may_rate(*s))
            .collect();
        assert_eq!(
            rateable,
            [
                RequestStatus::Resolved,
                RequestStatus::Rejected,
                RequestStatus::Closed
            ]
        );
    }

    #[test]
    fn the_five_answers_run_from_very_satisfied_to_very_dissatisfied() {
        let labels: Vec<_> = (1..=5)
            .rev()
            .map(|s| satisfaction_label(s, Locale::En))
            .collect();
        assert_eq!(
            labels,
            [
                "Very satisfied",
                "Satisfied",
                "Neither satisfied nor dissatisfied",
                "Dissatisfied",
                "Very dissatisfied"
            ]
        );
    }
}
