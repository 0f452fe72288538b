//! The life cycle of a request: its statuses, the actions that move it, who may take
//! each, and which status each leads to. The server applies these moves; the browser
//! uses the same table to offer only the moves that will be accepted.
//!
//! `submitted -> in_review -> (awaiting_applicant <-> in_review) -> resolved | rejected
//! -> closed`, plus `referred` (to another department or agency, same reference, the SLA
//! clock kept), `withdrawn` (by the applicant before a decision) and `reopened` (by the
//! applicant within [`REOPEN_WINDOW_DAYS`] of a resolution).

use serde::{Deserialize, Serialize};

use crate::answers::{is_upload_id, InvalidAnswer};
use crate::locale::{Locale, Localized};
use crate::text::{check_text, given, Lines};

/// Where a request stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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

/// Days after a resolution during which the applicant may reopen the request.
pub const REOPEN_WINDOW_DAYS: i64 = 14;
/// Longest message (reply, note, reason, answer), in characters.
pub const MAX_MESSAGE_LENGTH: usize = 2_000;
/// Most files one answer may carry.
pub const MAX_ANSWER_FILES: usize = 5;
/// The pseudo-question uploads for an answer or a reply are made for
/// (`POST /api/v1/uploads?service=…&field=reply`).
pub const REPLY_UPLOAD_FIELD: &str = "reply";

/// What files an answer or a reply takes: images or PDFs up to 10 MB each.
pub fn reply_attachment() -> crate::form::FieldKind {
    crate::form::FieldKind::Attachment {
        max_files: MAX_ANSWER_FILES as u8,
        max_size_mb: 10,
        accept: crate::form::Accept::ImagesAndPdf,
    }
}

/// Who takes an action.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Party {
    /// The person who filed the request (signed in with the same phone number).
    Applicant,
    /// Agency staff.
    Agency,
}

/// Something done to a request: each is one event on its timeline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Agency: starts work on a new, referred or reopened request.
    Acknowledge,
    /// Agency: asks the applicant for information; the clock waits for the answer.
    RequestInfo,
    /// Agency: a public message; the status stays.
    Reply,
    /// Agency: an internal note, never shown to the applicant.
    Note,
    /// Agency: hands the request to another department or agency.
    Refer,
    /// Agency: decides in the applicant's favour, or fixes what was reported.
    Resolve,
    /// Agency: decides against, with a reason.
    Reject,
    /// Agency: ends a decided request.
    Close,
    /// Applicant: answers an information request; the request goes back to the agency.
    Answer,
    /// Applicant: withdraws a request not yet decided.
    Withdraw,
    /// Applicant: reopens a resolved request, with a reason.
    Reopen,
}

impl Action {
    pub const ALL: [Action; 11] = [
        Action::Acknowledge,
        Action::RequestInfo,
        Action::Reply,
        Action::Note,
        Action::Refer,
        Action::Resolve,
        Action::Reject,
        Action::Close,
        Action::Answer,
        Action::Withdraw,
        Action::Reopen,
    ];

    /// The stable code stored (as the event kind) and sent.
    pub fn code(self) -> &'static str {
        match self {
            Action::Acknowledge => "acknowledge",
            Action::RequestInfo => "request_info",
            Action::Reply => "reply",
            Action::Note => "note",
            Action::Refer => "refer",
            Action::Resolve => "resolve",
            Action::Reject => "reject",
            Action::Close => "close",
            Action::Answer => "answer",
            Action::Withdraw => "withdraw",
            Action::Reopen => "reopen",
        }
    }

    pub fn from_code(code: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.code() == code)
    }

    /// What the action is called where someone chooses it, or reads it on a timeline.
    pub fn label(self, locale: Locale) -> &'static str {
        let (ar, en) = match self {
            Action::Acknowledge => (
                "تأكيد الاستلام والبدء في الدراسة",
                "Acknowledge and start work",
            ),
            Action::RequestInfo => (
                "طلب معلومات من مقدم الطلب",
                "Ask the applicant for information",
            ),
            Action::Reply => ("رد على مقدم الطلب", "Reply to the applicant"),
            Action::Note => (
                "ملاحظة داخلية (لا يراها مقدم الطلب)",
                "Internal note (the applicant never sees it)",
            ),
            Action::Refer => (
                "إحالة إلى إدارة أو جهة أخرى",
                "Refer to another department or agency",
            ),
            Action::Resolve => ("إنجاز الطلب", "Resolve"),
            Action::Reject => ("رفض الطلب مع ذكر السبب", "Reject, giving the reason"),
            Action::Close => ("إغلاق الطلب", "Close"),
            Action::Answer => ("رد مقدم الطلب", "The applicant answered"),
            Action::Withdraw => ("سحب الطلب", "Withdraw"),
            Action::Reopen => ("إعادة فتح الطلب", "Reopen"),
        };
        locale.pick(ar, en)
    }

    /// Who may take it.
    pub fn party(self) -> Party {
        match self {
            Action::Answer | Action::Withdraw | Action::Reopen => Party::Applicant,
            _ => Party::Agency,
        }
    }

    /// True when the applicant sees it on the timeline (everything but internal notes).
    pub fn is_public(self) -> bool {
        self != Action::Note
    }

    /// True when only a supervisor (or an admin) may take it: closing a decided request.
    pub fn needs_supervisor(self) -> bool {
        self == Action::Close
    }

    /// True when it must carry a message: what is asked, said, noted, or why.
    pub fn needs_message(self) -> bool {
        matches!(
            self,
            Action::RequestInfo
                | Action::Reply
                | Action::Note
                | Action::Reject
                | Action::Answer
                | Action::Reopen
        )
    }

    /// The status the request moves to when this action is taken in status `from`, or
    /// `None` when the life cycle forbids it there.
    pub fn next_status(self, from: RequestStatus) -> Option<RequestStatus> {
        use RequestStatus::*;
        let open = !from.is_finished();
        match self {
            Action::Acknowledge => {
                matches!(from, Submitted | Referred | Reopened).then_some(InReview)
            }
            Action::RequestInfo => matches!(from, Submitted | InReview | Referred | Reopened)
                .then_some(AwaitingApplicant),
            Action::Reply => open.then_some(from),
            Action::Note => Some(from),
            Action::Refer => {
                matches!(from, Submitted | InReview | Referred | Reopened).then_some(Referred)
            }
            Action::Resolve => open.then_some(Resolved),
            Action::Reject => open.then_some(Rejected),
            Action::Close => matches!(from, Resolved | Rejected).then_some(Closed),
            Action::Answer => (from == AwaitingApplicant).then_some(InReview),
            Action::Withdraw => open.then_some(Withdrawn),
            Action::Reopen => (from == Resolved).then_some(Reopened),
        }
    }

    /// The actions `party` may take on a request in status `from`.
    pub fn allowed(party: Party, from: RequestStatus) -> impl Iterator<Item = Action> {
        Action::ALL
            .into_iter()
            .filter(move |a| a.party() == party && a.next_status(from).is_some())
    }

    /// The refusal for an action the life cycle forbids in status `from`.
    pub fn forbidden(self, from: RequestStatus) -> Localized {
        Localized::new(
            format!(
                "لا يمكن تنفيذ هذا الإجراء على طلب حالته: {}",
                from.label(Locale::Ar)
            ),
            format!(
                "This cannot be done to a request whose status is: {}",
                from.label(Locale::En)
            ),
        )
    }
}

/// Why a reopening is refused once [`REOPEN_WINDOW_DAYS`] have passed.
pub fn reopen_window_closed() -> Localized {
    let days = crate::calendar::day_count(REOPEN_WINDOW_DAYS);
    Localized::new(
        format!("انتهت مدة إعادة فتح الطلب ({} من معالجته). قدّم طلبًا جديدًا", days.ar),
        format!(
            "The time to reopen this request ({} after it was resolved) has passed. File a new request",
            days.en
        ),
    )
}

/// True while a request resolved at `resolved_at_ms` may still be reopened at `now_ms`.
pub fn may_reopen(resolved_at_ms: i64, now_ms: i64) -> bool {
    now_ms <= reopen_deadline_ms(resolved_at_ms)
}

/// The last moment a request resolved at `resolved_at_ms` may be reopened.
pub fn reopen_deadline_ms(resolved_at_ms: i64) -> i64 {
    resolved_at_ms.saturating_add(REOPEN_WINDOW_DAYS * crate::calendar::DAY_MS)
}

/// The body of an action, as sent by the applicant's browser or a staff member's.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActionRequest {
    pub action: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// For `refer`: the receiving department's code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    /// Upload ids (made for [`REPLY_UPLOAD_FIELD`]) that go with an answer or a reply.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<String>,
}

/// An action that passed validation: the message trimmed, `None` when empty.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidAction {
    pub action: Action,
    pub message: Option<String>,
    pub department: Option<String>,
    pub attachments: Vec<String>,
}

fn invalid(field: &str, ar: impl Into<String>, en: impl Into<String>) -> InvalidAnswer {
    InvalidAnswer {
        field: field.to_owned(),
        message: Localized::new(ar, en),
    }
}

impl ActionRequest {
    /// Checks the shape of the action (known; message present, not too long and free of
    /// control characters; files well formed; a department for a referral). Whether the
    /// life cycle allows it now, and whether the caller may take it, is checked against
    /// the stored request.
    pub fn validate(&self) -> Result<ValidAction, Vec<InvalidAnswer>> {
        let mut problems = Vec::new();
        let Some(action) = Action::from_code(self.action.trim()) else {
            return Err(vec![if self.action.trim().is_empty() {
                invalid("action", "اختر الإجراء", "Choose what to do")
            } else {
                invalid("action", "هذا الإجراء غير معروف", "This action is not known")
            }]);
        };
        let message = given(&self.message).map(str::to_owned);
        match &message {
            None if action.needs_message()
                && (action != Action::Answer || self.attachments.is_empty()) =>
            {
                problems.push(match action {
                    Action::Reject | Action::Reopen => {
                        invalid("message", "اكتب السبب", "Enter the reason")
                    }
                    Action::Answer => invalid(
                        "message",
                        "اكتب ردك أو أرفق مستندًا",
                        "Enter your answer or attach a document",
                    ),
                    _ => invalid("message", "اكتب الرسالة", "Enter the message"),
                })
            }
            Some(m) if m.chars().count() > MAX_MESSAGE_LENGTH => problems.push(invalid(
                "message",
                format!("يجب ألا يزيد النص على {MAX_MESSAGE_LENGTH} حرف"),
                format!("The text must be {MAX_MESSAGE_LENGTH} characters or fewer"),
            )),
            Some(m) => {
                if let Err(message) = check_text(m, Lines::Many, ("النص", "the text")) {
                    problems.push(InvalidAnswer {
                        field: "message".into(),
                        message,
                    });
                }
            }
            None => {}
        }
        let department = given(&self.department).map(str::to_owned);
        if action == Action::Refer && department.is_none() {
            problems.push(invalid(
                "department",
                "اختر الإدارة أو الجهة المحال إليها",
                "Select the department or agency to refer to",
            ));
        }
        if !self.attachments.is_empty() && !matches!(action, Action::Answer | Action::Reply) {
            problems.push(invalid(
                "attachments",
                "لا يقبل هذا الإجراء ملفات",
                "This action does not take files",
            ));
        } else if self.attachments.len() > MAX_ANSWER_FILES {
            problems.push(invalid(
                "attachments",
                format!("يمكنك إرفاق {MAX_ANSWER_FILES} ملفات كحد أقصى"),
                format!("You can attach up to {MAX_ANSWER_FILES} files"),
            ));
        } else if !self.attachments.iter().all(|id| is_upload_id(id)) {
            problems.push(invalid(
                "attachments",
                "أحد الملفات المرفقة غير صالح",
                "One of the attached files is not valid",
            ));
        }
        if problems.is_empty() {
            Ok(ValidAction {
                action,
                message,
                department,
                attachments: self.attachments.clone(),
            })
        } else {
            Err(problems)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn act(action: &str, message: Option<&str>) -> ActionRequest {
        ActionRequest {
            action: action.into(),
            message: message.map(Into::into),
            ..ActionRequest::default()
        }
    }

    #[test]
    fn action_codes_round_trip_and_match_serde() {
        for action in Action::ALL {
            assert_eq!(Action::from_code(action.code()), Some(action));
            assert_eq!(serde_json::to_value(action).unwrap(), action.code());
        }
        assert_eq!(Action::from_code("approve_everything"), None);
    }

    #[test]
    fn the_main_path_runs_from_submitted_to_closed() {
        use RequestStatus::*;
        let path = [
            (Action::Acknowledge, Submitted, InReview),
            (Action::RequestInfo, InReview, AwaitingApplicant),
            (Action::Answer, AwaitingApplicant, InReview),
            (Action::Refer, InReview, Referred),
            (Action::Acknowledge, Referred, InReview),
            (Action::Resolve, InReview, Resolved),
            (Action::Reopen, Resolved, Reopened),
            (Action::Reject, Reopened, Rejected),
            (Action::Close, Rejected, Closed),
        ];
        for (action, from, to) in path {
            assert_eq!(
                action.next_status(from),
                Some(to),
                "{action:?} from {from:?}"
            );
        }
    }

    #[test]
    fn finished_requests_accept_only_notes_and_the_moves_out_of_a_decision() {
        for from in RequestStatus::ALL.into_iter().filter(|s| s.is_finished()) {
            let allowed: Vec<Action> = Action::ALL
                .into_iter()
                .filter(|a| a.next_status(from).is_some())
                .collect();
            let expected: &[Action] = match from {
                RequestStatus::Resolved => &[Action::Note, Action::Close, Action::Reopen],
                RequestStatus::Rejected => &[Action::Note, Action::Close],
                _ => &[Action::Note],
            };
            assert_eq!(allowed, expected, "from {from:?}");
        }
    }

    #[test]
    fn the_applicant_may_withdraw_until_a_decision_and_answer_only_when_asked() {
        use RequestStatus::*;
        let applicant = |from| Action::allowed(Party::Applicant, from).collect::<Vec<_>>();
        assert_eq!(applicant(Submitted), [Action::Withdraw]);
        assert_eq!(
            applicant(AwaitingApplicant),
            [Action::Answer, Action::Withdraw]
        );
        assert_eq!(applicant(Resolved), [Action::Reopen]);
        assert_eq!(applicant(Rejected), []);
        assert_eq!(applicant(Withdrawn), []);
        assert!(Action::allowed(Party::Agency, Submitted).all(|a| a.party() == Party::Agency));
    }

    #[test]
    fn only_notes_are_internal() {
        let internal: Vec<_> = Action::ALL.into_iter().filter(|a| !a.is_public()).collect();
        assert_eq!(internal, [Action::Note]);
    }

    #[test]
    fn reopening_is_possible_for_fourteen_days_after_the_resolution() {
        let resolved = 1_700_000_000_000;
        assert!(may_reopen(resolved, resolved + 14 * 86_400_000));
        assert!(!may_reopen(resolved, resolved + 14 * 86_400_000 + 1));
        let refusal = reopen_window_closed();
        assert!(
            refusal.ar.contains("(14 يومًا من معالجته)"),
            "{}",
            refusal.ar
        );
        assert!(
            refusal.en.contains("(14 days after it was resolved)"),
            "{}",
            refusal.en
        );
    }

    #[test]
    fn actions_that_say_something_need_a_message() {
        let problems = act("reject", Some("   ")).validate().unwrap_err();
        assert_eq!(problems[0].field, "message");
        assert_eq!(problems[0].message.en, "Enter the reason");
        assert!(act("resolve", None).validate().is_ok());
        assert!(act("reply", Some(&"x".repeat(MAX_MESSAGE_LENGTH)))
            .validate()
            .is_ok());
        let long = act("reply", Some(&"x".repeat(MAX_MESSAGE_LENGTH + 1))).validate();
        assert_eq!(long.unwrap_err()[0].field, "message");
    }

    #[test]
    fn a_message_with_a_control_character_is_refused_and_one_with_line_breaks_is_kept() {
        let refused = act("note", Some("internal\0note")).validate().unwrap_err();
        assert_eq!(refused[0].field, "message");
        assert!(refused[0].message.en.contains("control characters"));
        let lines = act("reply", Some("Dear applicant,\r\n\tWe fixed it."));
        assert_eq!(
            lines.validate().unwrap().message.as_deref(),
            Some("Dear applicant,\r\n\tWe fixed it.")
        );
    }

    #[test]
    fn an_answer_may_be_only_documents() {
        let mut answer = act("answer", None);
        assert!(answer.validate().is_err());
        answer.attachments = vec!["abc123".into()];
        let valid = answer.validate().unwrap();
        assert_eq!((valid.action, valid.message), (Action::Answer, None));
        answer.attachments = vec!["../etc/passwd".into()];
        assert_eq!(answer.validate().unwrap_err()[0].field, "attachments");
    }

    #[test]
    fn a_referral_names_its_department_and_unknown_actions_are_refused() {
        assert_eq!(
            act("refer", None).validate().unwrap_err()[0].field,
            "department"
        );
        let mut refer = act("refer", None);
        refer.department = Some(" roads ".into());
        assert_eq!(
            refer.validate().unwrap().department.as_deref(),
            Some("roads")
        );
        assert_eq!(
            act("delete", None).validate().unwrap_err()[0].field,
            "action"
        );
        let mut withdraw = act("withdraw", None);
        withdraw.attachments = vec!["abc".into()];
        assert_eq!(withdraw.validate().unwrap_err()[0].field, "attachments");
    }

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

    #[test]
    fn no_action_chosen_asks_for_one_and_an_unknown_one_is_named() {
        let none = ActionRequest::default().validate().unwrap_err();
        assert_eq!(
            (none[0].field.as_str(), none[0].message.en.as_str()),
            ("action", "Choose what to do")
        );
        let unknown = ActionRequest {
            action: "teleport".into(),
            ..ActionRequest::default()
        };
        assert_eq!(
            unknown.validate().unwrap_err()[0].message.en,
            "This action is not known"
        );
    }
}
