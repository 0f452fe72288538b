//! The back office's shared rules and shapes: staff roles and what each may do, the queue's
//! filters (checked by the browser before it asks, and by the server again), due-date
//! marks, the queue page and its cursor, the staff view of a request, assignment, response
//! templates and catalogue edits.
//!
//! Which requests a staff member may see and act on (their agency, or their department) is
//! decided here too (`StaffScope`), so the queue, the request view and the actions agree.

use serde::{Deserialize, Serialize};

use crate::account::RequestDetail;
use crate::answers::InvalidAnswer;
use crate::calendar::Date;
use crate::catalogue::{AgencyRef, DepartmentRef};
use crate::filing::ServiceName;
use crate::form::FormDefinition;
use crate::identity::digits_only;
use crate::lifecycle::{Action, Party, RequestStatus};
use crate::locale::Localized;
use crate::reference::ReferenceNumber;
use crate::text::{check_text, given, Lines};

/// A request is "due soon" when its due date is at most this many working days away.
pub const DUE_SOON_WORKING_DAYS: u32 = 2;
/// Queue page size when none is asked for, and the most one page may hold.
pub const QUEUE_PAGE: u32 = 50;
pub const QUEUE_PAGE_MAX: u32 = 200;
/// The most rows one CSV export holds (a narrower filter gets the rest).
pub const EXPORT_MAX_ROWS: u32 = 50_000;
/// Limits on a response template's texts.
pub const MAX_TEMPLATE_TITLE: usize = 80;

/// The agency code of the portal's operator: its contact centre files for every agency.
pub const PORTAL_AGENCY: &str = "portal";

/// A staff member's role.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Works requests: takes them, acts on them (all but closing).
    Agent,
    /// Sees the whole agency, assigns work, closes requests.
    Supervisor,
    /// A supervisor who also edits the agency's catalogue and templates.
    Admin,
    /// Contact-centre and reception staff: file requests for citizens and answer "where is
    /// my request?"; never see the queue or internal notes, never act on a request.
    Intake,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Agent, Role::Supervisor, Role::Admin, Role::Intake];

    pub fn code(self) -> &'static str {
        match self {
            Role::Agent => "agent",
            Role::Supervisor => "supervisor",
            Role::Admin => "admin",
            Role::Intake => "intake",
        }
    }

    pub fn from_code(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == code)
    }

    /// Supervisors and admins oversee the whole agency.
    pub fn supervises(self) -> bool {
        matches!(self, Role::Supervisor | Role::Admin)
    }

    /// Works the agency's requests: the queue, a request, its actions.
    pub fn works_requests(self) -> bool {
        self != Role::Intake
    }

    /// Whether this role may take `action` at all (the life cycle decides when).
    pub fn may(self, action: Action) -> bool {
        self.works_requests()
            && action.party() == Party::Agency
            && (!action.needs_supervisor() || self.supervises())
    }
}

/// Whether a staff member with `role` in `agency` works requests (the queue, a request,
/// its actions, the agency's figures): every role but intake, in every agency but the
/// operator, whose contact centre files and looks up for the others and owns no request.
pub fn works_requests(role: Role, agency: &str) -> bool {
    role.works_requests() && agency != PORTAL_AGENCY
}

/// The intake desk's screens (filing for a citizen, looking one up): a third app, apart
/// from the back office's other screens (decision 0012), served at these addresses. The
/// server sends the desk's page for them, and each app hands the other's addresses over
/// with a full page load.
pub const DESK_SCREENS: [&str; 2] = ["/staff/file", "/staff/lookup"];

/// Whether `path` (an address's path, without its query) is one of the [`DESK_SCREENS`].
pub fn on_desk(path: &str) -> bool {
    let path = path.strip_suffix('/').unwrap_or(path);
    DESK_SCREENS.contains(&path)
}

/// Whether a staff member of `staff_agency` may file for a service of `service_agency`:
/// the portal's contact centre for every agency, others for their own.
pub fn files_for(staff_agency: &str, service_agency: &str) -> bool {
    staff_agency == PORTAL_AGENCY || staff_agency == service_agency
}

/// Who is signed in to the back office (`POST /api/v1/staff/session`, `GET /api/v1/staff/me`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffMe {
    pub username: String,
    pub role: Role,
    pub agency: AgencyRef,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<DepartmentRef>,
    /// The portal's public address, for what staff hand to citizens (a receipt's tracking
    /// link): the back office may be reached by another host than the public's.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub portal_url: String,
    /// The services of their scope that book appointments (for the day view), when they
    /// work requests.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub appointment_services: Vec<crate::filing::ServiceName>,
}

/// What part of the work a staff member sees: agents assigned to a department see that
/// department's requests; everyone else sees the whole agency.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaffScope {
    pub agency: String,
    pub department: Option<String>,
}

impl StaffScope {
    pub fn new(role: Role, agency: &str, department: Option<&str>) -> StaffScope {
        StaffScope {
            agency: agency.to_owned(),
            department: department.filter(|_| !role.supervises()).map(str::to_owned),
        }
    }

    /// Whether a request now with `agency`/`department` is in this scope.
    pub fn covers(&self, agency: &str, department: &str) -> bool {
        self.agency == agency && self.department.as_deref().is_none_or(|d| d == department)
    }
}

/// The actions a staff member with `role` may take on a request in `status` now.
pub fn staff_actions(role: Role, status: RequestStatus) -> Vec<Action> {
    Action::allowed(Party::Agency, status)
        .filter(|a| role.may(*a))
        .collect()
}

/// Which statuses the queue shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum StatusFilter {
    /// Every request not yet finished (the default).
    #[default]
    Open,
    All,
    One(RequestStatus),
}

/// Whose requests the queue shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AssigneeFilter {
    Nobody,
    Username(String),
}

/// Where a queue page starts: after this due date and request id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QueueCursor {
    pub due_on: Date,
    pub id: i64,
}

impl QueueCursor {
    /// The cursor as it travels in `?after=`.
    pub fn encode(&self) -> String {
        format!("{}~{}", self.due_on, self.id)
    }

    pub fn decode(text: &str) -> Option<QueueCursor> {
        let (due, id) = text.split_once('~')?;
        Some(QueueCursor {
            due_on: Date::parse(due)?,
            id: id.parse().ok().filter(|id| *id > 0)?,
        })
    }
}

/// The queue's filters as they arrive in the query string of `GET /api/v1/staff/requests`
/// (and `…/requests.csv`). Every field is optional; `validate` turns them into rules.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
#[serde(default)]
pub struct QueueQuery {
    /// `open` (default), `all`, or a status code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    /// A username, `me`, or `none` (unassigned).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assignee: Option<String>,
    /// `true`: overdue only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub overdue: Option<String>,
    /// `true`: due within [`DUE_SOON_WORKING_DAYS`] working days (and not yet overdue).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due_soon: Option<String>,
    /// Filed on or after this day (YYYY-MM-DD, Riyadh).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// Filed on or before this day.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// The reference number, or its first digits (Arabic-Indic digits, spaces accepted).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<String>,
}

impl QueueQuery {
    /// The filters given, as `key=value` pairs in a fixed order (empty ones left out): the
    /// query string of the queue's address and of the API call, so one filtered queue has
    /// one address to bookmark and share.
    pub fn pairs(&self) -> Vec<(&'static str, &str)> {
        [
            ("status", &self.status),
            ("service", &self.service),
            ("department", &self.department),
            ("assignee", &self.assignee),
            ("overdue", &self.overdue),
            ("due_soon", &self.due_soon),
            ("from", &self.from),
            ("to", &self.to),
            ("q", &self.q),
            ("after", &self.after),
            ("limit", &self.limit),
        ]
        .into_iter()
        .filter_map(|(key, value)| Some((key, given(value)?)))
        .collect()
    }

    /// The filters in a query string, read through `get` (a parameter's decoded value).
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> QueueQuery {
        QueueQuery {
            status: get("status"),
            service: get("service"),
            department: get("department"),
            assignee: get("assignee"),
            overdue: get("overdue"),
            due_soon: get("due_soon"),
            from: get("from"),
            to: get("to"),
            q: get("q"),
            after: get("after"),
            limit: get("limit"),
        }
    }
}

/// `POST /api/v1/staff/session`: a staff member's username and password.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffSignIn {
    pub username: String,
    pub password: String,
}

impl StaffSignIn {
    /// Both must be given (whether they are right is the server's to say).
    pub fn validate(&self) -> Result<(), Vec<InvalidAnswer>> {
        let mut problems = Vec::new();
        if self.username.trim().is_empty() {
            problems.push(InvalidAnswer {
                field: "username".into(),
                message: Localized::new("اكتب اسم المستخدم", "Enter your username"),
            });
        }
        if self.password.is_empty() {
            problems.push(InvalidAnswer {
                field: "password".into(),
                message: Localized::new("اكتب كلمة المرور", "Enter your password"),
            });
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }
}

/// Shortest and longest staff username; its characters are ASCII letters, digits, `.`,
/// `-` and `_`.
pub const USERNAME_LENGTH: (usize, usize) = (3, 64);

/// A new staff username, trimmed, or why it is refused.
pub fn check_username(username: &str) -> Result<String, Localized> {
    let username = username.trim();
    let (least, most) = USERNAME_LENGTH;
    let well_formed = (least..=most).contains(&username.len())
        && username
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b));
    if well_formed {
        Ok(username.to_owned())
    } else {
        Err(Localized::new(
            format!("اسم المستخدم من {least} إلى {most} حرفًا إنجليزيًا أو رقمًا أو . أو - أو _"),
            format!(
                "A username is {least} to {most} letters, digits, dots, hyphens or underscores"
            ),
        ))
    }
}

/// An account an agency's admin adds (`POST /api/v1/staff/accounts`): the password is made
/// by the server and shown once.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewStaff {
    pub username: String,
    /// A [`Role`] code.
    pub role: String,
    /// One of the agency's departments (agents and intake staff may have one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
}

impl NewStaff {
    /// The username trimmed, the role, and the department (empty is none): every problem
    /// at once. Whether the username is free and the department the agency's is the
    /// server's to say.
    pub fn validate(&self) -> Result<(String, Role, Option<String>), Vec<InvalidAnswer>> {
        let mut problems = Vec::new();
        let username = check_username(&self.username)
            .map_err(|message| {
                problems.push(InvalidAnswer {
                    field: "username".into(),
                    message,
                })
            })
            .ok();
        let role = Role::from_code(self.role.trim());
        if role.is_none() {
            problems.push(InvalidAnswer {
                field: "role".into(),
                message: Localized::new("اختر الدور", "Choose the role"),
            });
        }
        let department = given(&self.department).map(str::to_owned);
        match (username, role) {
            (Some(username), Some(role)) if problems.is_empty() => Ok((username, role, department)),
            _ => Err(problems),
        }
    }
}

/// A staff account as its agency's admins see it (`GET /api/v1/staff/accounts`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffAccountView {
    pub username: String,
    pub role: Role,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    pub disabled: bool,
}

/// The answer to a new account: its first password, shown this once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedStaff {
    pub username: String,
    pub password: String,
}

/// The queue's filters, checked.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct QueueFilter {
    pub status: StatusFilter,
    pub service: Option<String>,
    pub department: Option<String>,
    pub assignee: Option<AssigneeFilter>,
    pub overdue: bool,
    pub due_soon: bool,
    pub from: Option<Date>,
    pub to: Option<Date>,
    /// Digits a reference starts with (all 12 for an exact match).
    pub reference_prefix: Option<String>,
    pub after: Option<QueueCursor>,
    pub limit: u32,
}

fn flag(value: &Option<String>) -> Result<bool, ()> {
    match value.as_deref().map(str::trim) {
        None | Some("") | Some("false") | Some("0") => Ok(false),
        Some("true") | Some("1") | Some("on") => Ok(true),
        Some(_) => Err(()),
    }
}

impl QueueQuery {
    /// Checks the filters; `me` is the signed-in username (for `assignee=me`). Every bad
    /// filter is named, in both languages.
    pub fn validate(&self, me: &str) -> Result<QueueFilter, Vec<InvalidAnswer>> {
        let mut problems = Vec::new();
        let mut bad = |field: &str, ar: &str, en: &str| {
            problems.push(InvalidAnswer {
                field: field.to_owned(),
                message: Localized::new(ar, en),
            })
        };
        let status = match given(&self.status) {
            None | Some("open") => StatusFilter::Open,
            Some("all") => StatusFilter::All,
            Some(code) => match RequestStatus::from_code(code) {
                Some(s) => StatusFilter::One(s),
                None => {
                    bad(
                        "status",
                        "اختر حالة من القائمة",
                        "Choose a status from the list",
                    );
                    StatusFilter::Open
                }
            },
        };
        let assignee = match given(&self.assignee) {
            None => None,
            Some("none") => Some(AssigneeFilter::Nobody),
            Some("me") => Some(AssigneeFilter::Username(me.to_owned())),
            Some(name) => Some(AssigneeFilter::Username(name.to_owned())),
        };
        let overdue = flag(&self.overdue).unwrap_or_else(|()| {
            bad("overdue", "قيمة غير صحيحة", "Not a valid value");
            false
        });
        let due_soon = flag(&self.due_soon).unwrap_or_else(|()| {
            bad("due_soon", "قيمة غير صحيحة", "Not a valid value");
            false
        });
        let mut date = |field: &str, value: &Option<String>| match given(value) {
            None => None,
            Some(text) => Date::parse(text).or_else(|| {
                bad(
                    field,
                    "أدخل التاريخ بالصيغة سنة-شهر-يوم",
                    "Enter the date as year-month-day",
                );
                None
            }),
        };
        let from = date("from", &self.from);
        let to = date("to", &self.to);
        if let (Some(from), Some(to)) = (from, to) {
            if from > to {
                bad(
                    "to",
                    "يجب أن يكون تاريخ النهاية بعد تاريخ البداية أو مساويًا له",
                    "The end date must be the same as or after the start date",
                );
            }
        }
        let reference_prefix = match given(&self.q) {
            None => None,
            Some(text) => match digits_only(text) {
                Some(digits) if !digits.is_empty() && digits.len() <= 12 => {
                    if digits.len() == 12 && ReferenceNumber::parse(&digits).is_err() {
                        bad(
                            "q",
                            "رقم الطلب غير صحيح: تحقق من الأرقام",
                            "This reference number is not right: check the digits",
                        );
                    }
                    Some(digits)
                }
                _ => {
                    bad(
                        "q",
                        "ابحث برقم الطلب أو بأوله (أرقام فقط)",
                        "Search by the reference number or its first digits (digits only)",
                    );
                    None
                }
            },
        };
        let after = match given(&self.after) {
            None => None,
            Some(text) => QueueCursor::decode(text).or_else(|| {
                bad(
                    "after",
                    "رابط الصفحة غير صحيح",
                    "This page link is not valid",
                );
                None
            }),
        };
        let limit = match given(&self.limit) {
            None => QUEUE_PAGE,
            Some(text) => match text.parse::<u32>() {
                Ok(n) if (1..=QUEUE_PAGE_MAX).contains(&n) => n,
                _ => {
                    bad(
                        "limit",
                        "عدد النتائج في الصفحة من 1 إلى 200",
                        "Results per page must be from 1 to 200",
                    );
                    QUEUE_PAGE
                }
            },
        };
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(QueueFilter {
            status,
            service: given(&self.service).map(str::to_owned),
            department: given(&self.department).map(str::to_owned),
            assignee,
            overdue,
            due_soon,
            from,
            to,
            reference_prefix,
            after,
            limit,
        })
    }
}

/// How close a request is to its due date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Deadline {
    Overdue,
    DueSoon,
    OnTime,
}

/// True when a request in `status` due on `due_on` is late on `today`: it is not finished
/// and its due date has passed. The one definition of "overdue" for the applicant's pages,
/// the tracking page, the queue and the exports.
///
/// Its SQL twin, for filters and counts that must not load every row, is
/// `store::backoffice::overdue_sql` in the server: `r.is_open = 1 and r.due_on < today`,
/// where `is_open` is the generated column that lists the finished statuses (migration
/// `20261124000006_backoffice.sql`, the same list as [`RequestStatus::is_finished`]).
/// Change the three together.
pub fn is_overdue(status: RequestStatus, due_on: Date, today: Date) -> bool {
    !status.is_finished() && due_on < today
}

/// The deadline mark of an open request due on `due_on`, seen on `today`; finished
/// requests are never late.
pub fn deadline(status: RequestStatus, due_on: Date, today: Date) -> Deadline {
    if status.is_finished() {
        Deadline::OnTime
    } else if is_overdue(status, due_on, today) {
        Deadline::Overdue
    } else if due_on <= due_soon_until(today) {
        Deadline::DueSoon
    } else {
        Deadline::OnTime
    }
}

/// The last due date that counts as "due soon" on `today`.
pub fn due_soon_until(today: Date) -> Date {
    today.add_working_days(DUE_SOON_WORKING_DAYS)
}

/// One request in the queue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QueueItem {
    pub reference: ReferenceNumber,
    pub status: RequestStatus,
    pub service: ServiceName,
    pub department: DepartmentRef,
    pub submitted_at: String,
    pub due_on: Date,
    pub overdue: bool,
    pub due_soon: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee: Option<String>,
}

/// How many requests of the staff member's scope are in one status.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatusCount {
    pub status: RequestStatus,
    pub count: u64,
}

/// A page of the queue (`GET /api/v1/staff/requests`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QueuePage {
    pub items: Vec<QueueItem>,
    /// The cursor of the next page (`?after=`), when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
    /// Requests of the whole scope per status (not narrowed by the other filters).
    pub counts: Vec<StatusCount>,
}

/// A department a request can be referred to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReferralTarget {
    pub department: DepartmentRef,
    pub agency: AgencyRef,
}

/// A ready answer for a service, in both languages.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResponseTemplate {
    pub id: i64,
    pub service: String,
    pub title: Localized,
    pub body: Localized,
}

/// A new template (`POST /api/v1/staff/templates`, admins only).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewTemplate {
    pub service: String,
    pub title: Localized,
    pub body: Localized,
}

impl NewTemplate {
    /// Checks the four texts: each present, within its limit, and free of control
    /// characters (the bodies may have several lines).
    pub fn validate(&self) -> Result<(), Vec<InvalidAnswer>> {
        let mut problems = Vec::new();
        let mut text = |field: &str, value: &str, max: usize, lines: Lines, what: (&str, &str)| {
            let length = value.trim().chars().count();
            let message = if length == 0 || length > max {
                Localized::new(
                    format!("اكتب {} (حتى {max} حرف)", what.0),
                    format!("Enter {} (up to {max} characters)", what.1),
                )
            } else if let Err(message) = check_text(value.trim(), lines, what) {
                message
            } else {
                return;
            };
            problems.push(InvalidAnswer {
                field: field.to_owned(),
                message,
            });
        };
        let body_max = crate::lifecycle::MAX_MESSAGE_LENGTH;
        text(
            "title_ar",
            &self.title.ar,
            MAX_TEMPLATE_TITLE,
            Lines::One,
            ("العنوان بالعربية", "the Arabic title"),
        );
        text(
            "title_en",
            &self.title.en,
            MAX_TEMPLATE_TITLE,
            Lines::One,
            ("العنوان بالإنجليزية", "the English title"),
        );
        text(
            "body_ar",
            &self.body.ar,
            body_max,
            Lines::Many,
            ("النص بالعربية", "the Arabic text"),
        );
        text(
            "body_en",
            &self.body.en,
            body_max,
            Lines::Many,
            ("النص بالإنجليزية", "the English text"),
        );
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }
}

/// A request as the back office sees it (`GET /api/v1/staff/requests/{reference}`): all
/// the applicant gave, the whole timeline including internal notes, who has it, and what
/// this staff member may do now.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffRequest {
    pub detail: RequestDetail,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee: Option<String>,
    pub overdue: bool,
    pub due_soon: bool,
    /// The moves open to the signed-in staff member now.
    pub actions: Vec<Action>,
    /// Where it can be referred (every department but its own).
    pub departments: Vec<ReferralTarget>,
    /// Ready answers for its service.
    pub templates: Vec<ResponseTemplate>,
    /// The service's questions, to show the answers as the applicant saw them (labels,
    /// choices' labels).
    pub form: FormDefinition,
}

/// A colleague a supervisor can assign work to (`GET /api/v1/staff/team`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TeamMember {
    pub username: String,
    pub role: Role,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
}

impl TeamMember {
    /// Whether this colleague works requests and can see (and so work on) a request of `agency`/`department`.
    pub fn can_see(&self, agency: &str, own_agency: &str, department: &str) -> bool {
        self.role.works_requests()
            && StaffScope::new(self.role, own_agency, self.department.as_deref())
                .covers(agency, department)
    }
}

/// `POST /api/v1/staff/requests/{reference}/assignee`: who works on it (`None`: nobody).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Assignment {
    pub assignee: Option<String>,
}

/// Why an assignment is refused (before the database is asked who exists).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AssignmentRefusal {
    /// An agent may only take a request for themselves, or give back their own.
    AgentsTakeOnly,
}

impl AssignmentRefusal {
    pub fn message(self) -> Localized {
        match self {
            AssignmentRefusal::AgentsTakeOnly => Localized::new(
                "يمكنك أن تستلم الطلب لنفسك أو تعيده فقط؛ يوزّع المشرف العمل",
                "You can take a request for yourself or give it back; a supervisor assigns work",
            ),
        }
    }
}

/// Whether `role` (signed in as `me`) may change the assignee from `current` to `new`.
pub fn may_assign(
    role: Role,
    me: &str,
    current: Option<&str>,
    new: Option<&str>,
) -> Result<(), AssignmentRefusal> {
    if role.supervises() {
        return Ok(());
    }
    match (current, new) {
        // Take a free request, or keep one's own.
        (_, Some(n)) if n == me && current.is_none_or(|c| c == me) => Ok(()),
        // Give back one's own.
        (Some(c), None) if c == me => Ok(()),
        _ => Err(AssignmentRefusal::AgentsTakeOnly),
    }
}

/// Open work of one department (`GET /api/v1/staff/overdue`, supervisors).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DepartmentLoad {
    pub department: DepartmentRef,
    pub open: u64,
    pub overdue: u64,
    pub due_soon: u64,
}

/// An admin's edit of a service (`PUT /api/v1/staff/services/{code}`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServiceEdit {
    pub name: Localized,
    pub summary: Localized,
    pub description: Localized,
    #[serde(deserialize_with = "crate::number::whole")]
    pub fee_halalas: u32,
    #[serde(deserialize_with = "crate::number::whole")]
    #[cfg_attr(feature = "openapi", schema(maximum = 65535))]
    pub sla_working_days: u16,
    pub documents: Vec<Localized>,
    pub form: FormDefinition,
    pub active: bool,
}

/// The longest service name and summary.
pub const MAX_SERVICE_NAME: usize = 120;
pub const MAX_SERVICE_SUMMARY: usize = 300;
pub const MAX_SERVICE_DESCRIPTION: usize = 4000;
pub const MAX_SERVICE_FEE_HALALAS: u32 = 100_000_000;

impl ServiceEdit {
    /// Checks every text (both languages; present, within its limit, free of control
    /// characters), the fee, the SLA (1 to 365 working days) and the form definition
    /// (`FormDefinition::check`).
    pub fn validate(&self) -> Result<(), Vec<InvalidAnswer>> {
        let mut problems = Vec::new();
        let mut push = |field: String, ar: String, en: String| {
            problems.push(InvalidAnswer {
                field,
                message: Localized::new(ar, en),
            })
        };
        let texts = [
            (
                "name",
                &self.name,
                MAX_SERVICE_NAME,
                Lines::One,
                ("اسم الخدمة", "the service's name"),
            ),
            (
                "summary",
                &self.summary,
                MAX_SERVICE_SUMMARY,
                Lines::Many,
                ("الوصف المختصر", "the summary"),
            ),
            (
                "description",
                &self.description,
                MAX_SERVICE_DESCRIPTION,
                Lines::Many,
                ("الوصف", "the description"),
            ),
        ];
        for (field, value, max, lines, what) in texts {
            for (lang, text, lang_ar, lang_en) in [
                ("ar", &value.ar, "بالعربية", "in Arabic"),
                ("en", &value.en, "بالإنجليزية", "in English"),
            ] {
                let length = text.trim().chars().count();
                let what = (
                    format!("{} {lang_ar}", what.0),
                    format!("{} {lang_en}", what.1),
                );
                if length == 0 || length > max {
                    push(
                        format!("{field}_{lang}"),
                        format!("اكتب {} (حتى {max} حرف)", what.0),
                        format!("Enter {} (up to {max} characters)", what.1),
                    );
                } else if let Err(refused) = check_text(text.trim(), lines, (&what.0, &what.1)) {
                    push(format!("{field}_{lang}"), refused.ar, refused.en);
                }
            }
        }
        if self.fee_halalas > MAX_SERVICE_FEE_HALALAS {
            push(
                "fee_halalas".into(),
                "الرسوم أكبر من المسموح".into(),
                "The fee is larger than allowed".into(),
            );
        }
        if !(1..=365).contains(&self.sla_working_days) {
            push(
                "sla_working_days".into(),
                "مدة الإنجاز من 1 إلى 365 يوم عمل".into(),
                "The time to complete must be from 1 to 365 working days".into(),
            );
        }
        for (i, doc) in self.documents.iter().enumerate() {
            let what = (
                format!("المستند رقم {}", i + 1),
                format!("document {}", i + 1),
            );
            if doc.ar.trim().is_empty() || doc.en.trim().is_empty() {
                push(
                    format!("documents.{i}"),
                    format!("اكتب {} باللغتين", what.0),
                    format!("Enter {} in both languages", what.1),
                );
            } else if let Some(refused) = [&doc.ar, &doc.en]
                .into_iter()
                .find_map(|text| check_text(text.trim(), Lines::One, (&what.0, &what.1)).err())
            {
                push(format!("documents.{i}"), refused.ar, refused.en);
            }
        }
        if let Err(errors) = self.form.check() {
            for e in errors {
                let field = match e.field() {
                    Some(f) => format!("form.{f}"),
                    None => "form".to_owned(),
                };
                push(
                    field,
                    e.message(crate::Locale::Ar),
                    e.message(crate::Locale::En),
                );
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_desk_has_its_two_screens_and_nothing_else() {
        assert!(on_desk("/staff/file"));
        assert!(on_desk("/staff/lookup/"));
        assert!(!on_desk("/staff"));
        assert!(!on_desk("/staff/lookups"));
        assert!(!on_desk("/staff/file/x"));
        assert!(!on_desk("/file"));
    }

    #[test]
    fn a_queue_query_goes_to_an_address_and_back_unchanged() {
        let query = QueueQuery {
            status: Some("submitted".into()),
            service: Some("epm-road-damage".into()),
            assignee: Some("none".into()),
            overdue: Some("true".into()),
            q: Some("1234".into()),
            ..QueueQuery::default()
        };
        let pairs = query.pairs();
        assert_eq!(
            pairs,
            vec![
                ("status", "submitted"),
                ("service", "epm-road-damage"),
                ("assignee", "none"),
                ("overdue", "true"),
                ("q", "1234"),
            ]
        );
        let read = QueueQuery::from_query(|key| {
            pairs
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| (*v).to_owned())
        });
        assert_eq!(read, query);
    }

    #[test]
    fn empty_filters_leave_the_address_bare() {
        let query = QueueQuery {
            status: Some(" ".into()),
            from: Some(String::new()),
            ..QueueQuery::default()
        };
        assert!(query.pairs().is_empty());
    }

    #[test]
    fn staff_sign_in_needs_both_username_and_password() {
        let fields = |body: StaffSignIn| -> Vec<String> {
            body.validate()
                .err()
                .unwrap_or_default()
                .into_iter()
                .map(|p| p.field)
                .collect()
        };
        assert_eq!(fields(StaffSignIn::default()), ["username", "password"]);
        let blank_name = StaffSignIn {
            username: "  ".into(),
            password: "x".into(),
        };
        assert_eq!(fields(blank_name), ["username"]);
        let both = StaffSignIn {
            username: "a.agent".into(),
            password: " ".into(),
        };
        assert!(both.validate().is_ok(), "a password is taken as typed");
    }

    fn query(pairs: &[(&str, &str)]) -> QueueQuery {
        let mut q = QueueQuery::default();
        for (k, v) in pairs {
            let v = Some((*v).to_owned());
            match *k {
                "status" => q.status = v,
                "assignee" => q.assignee = v,
                "overdue" => q.overdue = v,
                "from" => q.from = v,
                "to" => q.to = v,
                "q" => q.q = v,
                "after" => q.after = v,
                "limit" => q.limit = v,
                other => panic!("no filter {other}"),
            }
        }
        q
    }

    #[test]
    fn an_empty_query_is_the_open_queue_by_due_date() {
        let f = QueueQuery::default().validate("sara").unwrap();
        assert_eq!(f.status, StatusFilter::Open);
        assert_eq!(f.limit, QUEUE_PAGE);
        assert!(!f.overdue && f.assignee.is_none() && f.after.is_none());
    }

    #[test]
    fn filters_are_read_and_normalised() {
        let f = query(&[
            ("status", "awaiting_applicant"),
            ("assignee", "me"),
            ("overdue", "true"),
            ("from", "2026-11-01"),
            ("to", "2026-11-30"),
            ("q", "١٢٣٤ ٥٦"),
            ("limit", "20"),
        ])
        .validate("sara")
        .unwrap();
        assert_eq!(
            f.status,
            StatusFilter::One(RequestStatus::AwaitingApplicant)
        );
        assert_eq!(f.assignee, Some(AssigneeFilter::Username("sara".into())));
        assert!(f.overdue);
        assert_eq!(f.from, Date::parse("2026-11-01"));
        assert_eq!(f.reference_prefix.as_deref(), Some("123456"));
        assert_eq!(f.limit, 20);
    }

    #[test]
    fn every_bad_filter_is_named() {
        let problems = query(&[
            ("status", "lost"),
            ("overdue", "maybe"),
            ("from", "2026-12-01"),
            ("to", "2026-11-01"),
            ("q", "abc"),
            ("after", "nonsense"),
            ("limit", "5000"),
        ])
        .validate("sara")
        .unwrap_err();
        let fields: Vec<_> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["status", "overdue", "to", "q", "after", "limit"]);
        assert!(problems
            .iter()
            .all(|p| !p.message.ar.is_empty() && !p.message.en.is_empty()));
    }

    #[test]
    fn a_whole_reference_with_a_wrong_check_digit_is_refused() {
        let good = crate::reference::ReferenceNumber::parse("825700006225");
        assert!(good.is_ok(), "fixture is a valid reference");
        assert!(query(&[("q", "825700006225")]).validate("s").is_ok());
        assert!(query(&[("q", "825700006226")]).validate("s").is_err());
    }

    #[test]
    fn the_cursor_survives_its_round_trip_and_rejects_garbage() {
        let c = QueueCursor {
            due_on: Date::parse("2026-12-01").unwrap(),
            id: 4711,
        };
        assert_eq!(QueueCursor::decode(&c.encode()), Some(c));
        for bad in [
            "",
            "2026-12-01",
            "2026-12-01~",
            "2026-13-01~4",
            "2026-12-01~-3",
            "x~1",
        ] {
            assert_eq!(QueueCursor::decode(bad), None, "{bad}");
        }
    }

    #[test]
    fn deadlines_mark_overdue_and_due_soon_open_requests_only() {
        // Thursday 2026-11-26: two working days ahead is Monday 2026-11-30.
        let today = Date::parse("2026-11-26").unwrap();
        let day = |s| Date::parse(s).unwrap();
        assert_eq!(
            deadline(RequestStatus::InReview, day("2026-11-25"), today),
            Deadline::Overdue
        );
        assert_eq!(
            deadline(RequestStatus::InReview, day("2026-11-26"), today),
            Deadline::DueSoon
        );
        assert_eq!(
            deadline(RequestStatus::InReview, day("2026-11-30"), today),
            Deadline::DueSoon
        );
        assert_eq!(
            deadline(RequestStatus::InReview, day("2026-12-01"), today),
            Deadline::OnTime
        );
        assert_eq!(
            deadline(RequestStatus::Resolved, day("2026-11-01"), today),
            Deadline::OnTime
        );
    }

    #[test]
    fn only_unfinished_requests_past_their_due_date_are_overdue() {
        let today = Date::parse("2026-11-26").unwrap();
        let yesterday = Date::parse("2026-11-25").unwrap();
        for status in RequestStatus::ALL {
            assert_eq!(
                is_overdue(status, yesterday, today),
                !status.is_finished(),
                "{status:?}"
            );
            assert!(!is_overdue(status, today, today), "{status:?}: due today");
            assert_eq!(
                is_overdue(status, yesterday, today),
                deadline(status, yesterday, today) == Deadline::Overdue
            );
        }
    }

    #[test]
    fn scopes_follow_the_role() {
        let agent = StaffScope::new(Role::Agent, "epm", Some("roads"));
        assert!(agent.covers("epm", "roads"));
        assert!(!agent.covers("epm", "permits"));
        assert!(!agent.covers("moh", "roads"));
        let supervisor = StaffScope::new(Role::Supervisor, "epm", Some("roads"));
        assert!(supervisor.covers("epm", "permits"));
        assert!(!supervisor.covers("moh", "permits"));
    }

    #[test]
    fn only_supervisors_close_and_nobody_on_staff_answers_for_the_applicant() {
        assert!(!Role::Intake.may(Action::Note) && !Role::Intake.works_requests());
        assert!(files_for(PORTAL_AGENCY, "epm") && files_for("epm", "epm"));
        assert!(works_requests(Role::Supervisor, "epm"));
        assert!(!works_requests(Role::Supervisor, PORTAL_AGENCY));
        assert!(!works_requests(Role::Intake, "epm"));
        assert!(!files_for("mof", "epm"));
        let new = |username: &str, role: &str| NewStaff {
            username: username.into(),
            role: role.into(),
            department: Some(" ".into()),
        };
        assert_eq!(
            new(" desk.one ", "intake").validate(),
            Ok(("desk.one".into(), Role::Intake, None))
        );
        let fields = |n: NewStaff| -> Vec<String> {
            n.validate()
                .unwrap_err()
                .into_iter()
                .map(|p| p.field)
                .collect()
        };
        assert_eq!(fields(new("a b", "intake")), ["username"]);
        assert_eq!(fields(new("ab", "boss")), ["username", "role"]);
        assert!(!Role::Agent.may(Action::Close));
        assert!(Role::Supervisor.may(Action::Close));
        assert!(!Role::Admin.may(Action::Answer));
        let agent = staff_actions(Role::Agent, RequestStatus::Resolved);
        assert!(!agent.contains(&Action::Close));
        assert!(staff_actions(Role::Supervisor, RequestStatus::Resolved).contains(&Action::Close));
    }

    #[test]
    fn agents_take_and_give_back_while_supervisors_assign() {
        assert!(may_assign(Role::Agent, "sara", None, Some("sara")).is_ok());
        assert!(may_assign(Role::Agent, "sara", Some("sara"), None).is_ok());
        assert!(may_assign(Role::Agent, "sara", Some("omar"), Some("sara")).is_err());
        assert!(may_assign(Role::Agent, "sara", None, Some("omar")).is_err());
        assert!(may_assign(Role::Agent, "sara", Some("omar"), None).is_err());
        assert!(may_assign(Role::Supervisor, "lina", Some("omar"), Some("sara")).is_ok());
    }

    #[test]
    fn a_template_needs_both_languages_within_limits() {
        let good = NewTemplate {
            service: "epm-road-damage".into(),
            title: Localized::new("تم الإصلاح", "Repaired"),
            body: Localized::new("أصلحنا الحفرة", "We repaired the pothole"),
        };
        assert!(good.validate().is_ok());
        let bad = NewTemplate {
            title: Localized::new("", "x".repeat(81)),
            ..good
        };
        let fields: Vec<_> = bad
            .validate()
            .unwrap_err()
            .into_iter()
            .map(|p| p.field)
            .collect();
        assert_eq!(fields, ["title_ar", "title_en"]);
    }

    #[test]
    fn template_and_service_texts_with_control_characters_are_refused() {
        let template = NewTemplate {
            service: "epm-road-damage".into(),
            title: Localized::new("تم\nالإصلاح", "Repaired"),
            body: Localized::new("أصلحنا\nالحفرة", "We repaired\0 it"),
        };
        let fields: Vec<_> = template
            .validate()
            .unwrap_err()
            .into_iter()
            .map(|p| p.field)
            .collect();
        assert_eq!(fields, ["title_ar", "body_en"]);

        let service = ServiceEdit {
            name: Localized::new("بلاغ", "Report\u{1b}"),
            summary: Localized::new("ملخص\nقصير", "A summary"),
            description: Localized::new("وصف\u{0}", "A description\n\nin two paragraphs"),
            fee_halalas: 0,
            sla_working_days: 5,
            documents: vec![
                Localized::new("الهوية", "ID"),
                Localized::new("صك\u{7}", "Deed"),
            ],
            form: FormDefinition::default(),
            active: true,
        };
        let problems = service.validate().unwrap_err();
        let fields: Vec<_> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["name_en", "description_ar", "documents.1"]);
        assert_eq!(
            problems[0].message.en,
            "Remove the hidden control characters from the service's name in English"
        );
    }
}
