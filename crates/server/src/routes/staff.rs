//! The back office's API: staff sign-in (`POST`/`DELETE /staff/session`, `GET /staff/me`),
//! the queue (`GET /staff/requests`, and as CSV `GET /staff/requests.csv`), a request
//! (`GET /staff/requests/{reference}`, its files, `POST …/actions`, `POST …/assignee`),
//! open work per department (`GET /staff/overdue`), response templates and the agency's
//! catalogue (admins). Every call is checked against the staff member's scope (agency, or
//! department for agents), role, and the life cycle in `nafitha_domain`.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use nafitha_domain::answers::InvalidAnswer;
use nafitha_domain::backoffice::{
    may_assign, staff_actions, works_requests, Assignment, DepartmentLoad, NewTemplate, QueuePage,
    QueueQuery, ResponseTemplate, Role, ServiceEdit, StaffMe, StaffRequest, StaffScope,
    StaffSignIn, TeamMember, EXPORT_MAX_ROWS,
};
use nafitha_domain::calendar::riyadh_date;
use nafitha_domain::lifecycle::ActionRequest;
use nafitha_domain::{ErrorBody, Locale, Localized, ReferenceNumber, ServiceDetail};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::password::{decoy_hash, password_matches};
use crate::auth::{
    hash_token, new_token, CaseWorker, ClientIp, SessionCookie, StaffSession, STAFF_SESSION_MS,
};
use crate::error::{ApiError, ApiJson};
use crate::limits::{Limit, DEVICE_COOKIE_MS, THROTTLE_QUIET_MS};
use crate::notify::messages;
use crate::routes::account::{act_result, locale_of, path_reference, serve_attachment};
use crate::routes::csv::{self, csv_cell};
use crate::startup::AppState;
use crate::store::account::NewSession;
use crate::store::actions::{ActOutcome, Actor, NotifyTarget};
use crate::store::backoffice::AssignOutcome;
use crate::store::staff::StaffAccount;
use crate::telemetry::RequestOrigin;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(sign_in, sign_out))
        .routes(routes!(get_me))
        .routes(routes!(list_queue))
        .routes(routes!(export_queue))
        .routes(routes!(get_request))
        .routes(routes!(act_on_request))
        .routes(routes!(assign_request))
        .routes(routes!(get_attachment))
        .routes(routes!(list_department_loads))
        .routes(routes!(list_team))
        .routes(routes!(list_templates, create_template))
        .routes(routes!(delete_template))
        .routes(routes!(list_agency_services))
        .routes(routes!(edit_service))
}

fn wrong_credentials() -> ApiError {
    ApiError::Unprocessable {
        code: "wrong_credentials",
        message: Localized::new(
            "اسم المستخدم أو كلمة المرور غير صحيحة",
            "The username or password is not right",
        ),
    }
}

/// The sign-in route, as its security events name it.
const SIGN_IN_ROUTE: &str = "/api/v1/staff/session";

/// Signs a staff member in. Each attempt is counted as a wrong password before the
/// password is checked, per username and client and per username from anywhere
/// ([`crate::limits::Limits::staff_sign_in_throttles`]), and cleared when it proves
/// right; while a count makes the next attempt wait, it is refused with 429. An unknown
/// or disabled username is answered exactly as a wrong password, in the same time, and
/// counted the same way, so neither the answer nor the wait tells whether it exists. A
/// right password also leaves a device cookie, which keeps strangers' guesses from
/// holding the owner up in that browser.
#[utoipa::path(
    post,
    path = "/staff/session",
    tag = "staff",
    request_body = StaffSignIn,
    responses(
        (status = 200, description = "Signed in: the session and device cookies are set", body = StaffMe,
            headers(("Set-Cookie" = String, description = "The staff session and the device cookie"))),
        (status = 400, description = "The body is not JSON, or not of this shape", body = ErrorBody), (status = 408, description = "The request took too long", body = ErrorBody), (status = 413, description = "The body is larger than allowed", body = ErrorBody),
        (status = 422, description = "The username or password is not right", body = ErrorBody),
        (status = 429, description = "Too many attempts: try again after `Retry-After` seconds", body = ErrorBody, headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
async fn sign_in(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    headers: HeaderMap,
    ApiJson(body): ApiJson<StaffSignIn>,
) -> Result<Response, ApiError> {
    let now = state.now_ms();
    state.check_limit(Limit::SignIn, client).await?;
    let username = body.username.trim().to_lowercase();
    let known_device = SessionCookie::StaffDevice
        .token(&headers, state.secure_cookies)
        .is_some_and(|token| state.limits.is_device_of(token, &username));
    let throttles = state
        .limits
        .staff_sign_in_throttles(&username, client, known_device);
    let quiet_since = now - THROTTLE_QUIET_MS;
    if let Some(wait_ms) = state
        .store
        .count_sign_in_attempt(&throttles, now, quiet_since)
        .await?
    {
        crate::telemetry::security_event(
            "staff_sign_in_throttled",
            SIGN_IN_ROUTE,
            Some(client),
            Some(&username),
        );
        return Err(ApiError::TooManyRequests {
            retry_after_s: u64::try_from((wait_ms + 999) / 1000).unwrap_or(1),
            message: Localized::new(
                "محاولات دخول خاطئة متكررة. انتظر قليلًا ثم حاول مرة أخرى",
                "Several wrong passwords in a row. Wait a moment, then try again",
            ),
        });
    }
    let account = state
        .store
        .staff_account(body.username.trim())
        .await?
        .filter(|a| !a.disabled);
    let hash = account
        .as_ref()
        .map_or_else(|| decoy_hash().to_owned(), |a| a.password_hash.clone());
    let password = body.password;
    let matches = tokio::task::spawn_blocking(move || password_matches(&hash, &password))
        .await
        .map_err(|e| ApiError::Internal(e.into()))?;
    let Some(account) = account.filter(|_| matches) else {
        crate::telemetry::security_event(
            "staff_sign_in_failed",
            SIGN_IN_ROUTE,
            Some(client),
            Some(&username),
        );
        return Err(wrong_credentials());
    };
    let keys: Vec<&str> = throttles.iter().map(|t| t.key.as_str()).collect();
    state.store.clear_wrong_passwords(&keys).await?;
    let token = new_token();
    let token_hash = hash_token(&token);
    let replaces = SessionCookie::Staff
        .token(&headers, state.secure_cookies)
        .map(hash_token);
    state
        .store
        .start_session(
            &NewSession {
                token_hash: &token_hash,
                kind: "staff",
                subject: &account.username,
                expires_at: now + STAFF_SESSION_MS,
            },
            replaces.as_deref(),
            now,
        )
        .await?;
    let me = staff_me(&state, &account).await?;
    let mut response = ApiJson(me).into_response();
    let cookies = response.headers_mut();
    cookies.append(
        header::SET_COOKIE,
        SessionCookie::Staff.set(&token, STAFF_SESSION_MS, state.secure_cookies),
    );
    cookies.append(
        header::SET_COOKIE,
        SessionCookie::StaffDevice.set(
            &state.limits.device_token(&username),
            DEVICE_COOKIE_MS,
            state.secure_cookies,
        ),
    );
    Ok(response)
}

/// Ends the staff member's session, if there is one.
#[utoipa::path(
    delete,
    path = "/staff/session",
    operation_id = "sign_out_staff",
    tag = "staff",
    responses(
        (status = 204, description = "Signed out: the session cookie is cleared",
            headers(("Set-Cookie" = String, description = "The cleared cookie"))),
        (status = 408, description = "The request took too long", body = ErrorBody),
    )
)]
async fn sign_out(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    crate::auth::end_session(&state, &headers, SessionCookie::Staff).await
}

/// The 404 for a request `session` cannot see: the same answer whether the request is
/// missing or another agency's or department's, but the latter is logged as a security
/// event.
async fn unseen(
    state: &AppState,
    session: &StaffSession,
    reference: &ReferenceNumber,
    origin: &RequestOrigin,
) -> ApiError {
    match state.store.request_owner(reference).await {
        Ok(Some((agency, department))) if !session.scope().covers(&agency, &department) => {
            origin.security_event("staff_out_of_scope", Some(&session.0.username));
            ApiError::NotFound
        }
        Ok(_) => ApiError::NotFound,
        Err(error) => error.into(),
    }
}

fn actor<'a>(staff: &'a StaffAccount, scope: &'a StaffScope) -> Actor<'a> {
    Actor::Staff {
        username: &staff.username,
        agency: &scope.agency,
        department: scope.department.as_deref(),
    }
}

async fn staff_me(state: &AppState, account: &StaffAccount) -> Result<StaffMe, ApiError> {
    let (agency, department) = state
        .store
        .agency_and_department(&account.agency, account.department.as_deref())
        .await?;
    let role = Role::from_code(&account.role).unwrap_or(Role::Agent);
    let appointment_services = if works_requests(role, &account.agency) {
        let scope = StaffScope::new(role, &account.agency, account.department.as_deref());
        state.store.appointment_services(&scope).await?
    } else {
        Vec::new()
    };
    Ok(StaffMe {
        username: account.username.clone(),
        role,
        agency,
        department,
        portal_url: state.public_url.clone(),
        appointment_services,
    })
}

/// The signed-in staff member, their role, agency and department.
#[utoipa::path(
    get,
    path = "/staff/me",
    operation_id = "get_staff_me",
    tag = "staff",
    security(("staff_session" = [])),
    responses((status = 200, description = "The staff member", body = StaffMe), (status = 401, description = "No live session", body = ErrorBody), (status = 408, description = "The request took too long", body = ErrorBody))
)]
async fn get_me(
    State(state): State<AppState>,
    session: StaffSession,
) -> Result<ApiJson<StaffMe>, ApiError> {
    Ok(ApiJson(staff_me(&state, &session.0).await?))
}

/// A query string that does not parse (a 422 like any other bad filter).
pub(crate) fn bad_filters(_: QueryRejection) -> ApiError {
    ApiError::Validation(vec![InvalidAnswer {
        field: "query".into(),
        message: Localized::new("عوامل التصفية غير صحيحة", "The filters are not valid"),
    }])
}

/// The queue's filters from the query string; a malformed query string is a 422 like any
/// other bad filter.
fn queue_filter(
    query: Result<Query<QueueQuery>, QueryRejection>,
    session: &StaffSession,
) -> Result<nafitha_domain::backoffice::QueueFilter, ApiError> {
    let Query(query) = query.map_err(bad_filters)?;
    query
        .validate(&session.0.username)
        .map_err(ApiError::Validation)
}

/// The queue: requests in the staff member's scope under the filters, a page at a time.
#[utoipa::path(
    get,
    path = "/staff/requests",
    tag = "staff",
    params(QueueQuery),
    security(("staff_session" = [])),
    responses(
        (status = 200, description = "A page of the queue", body = QueuePage),
        (status = 401, description = "No live session", body = ErrorBody), (status = 403, description = "The role does not allow this", body = ErrorBody), (status = 408, description = "The request took too long", body = ErrorBody),
        (status = 422, description = "A filter is not valid", body = ErrorBody),
    )
)]
async fn list_queue(
    State(state): State<AppState>,
    CaseWorker(session): CaseWorker,
    query: Result<Query<QueueQuery>, QueryRejection>,
) -> Result<ApiJson<QueuePage>, ApiError> {
    let filter = queue_filter(query, &session)?;
    let scope = session.scope();
    let today = riyadh_date(state.now_ms());
    let rows = state.store.queue(&scope, &filter, today).await?;
    let counts = state.store.status_counts(&scope).await?;
    Ok(ApiJson(QueuePage {
        items: rows.items,
        next: rows.next.map(|c| c.encode()),
        counts,
    }))
}

/// The queue under the filters, as a CSV file.
#[utoipa::path(
    get,
    path = "/staff/requests.csv",
    tag = "staff",
    params(QueueQuery),
    security(("staff_session" = [])),
    responses(
        (status = 200, description = "A CSV file (UTF-8 with a byte-order mark), as a download",
            content_type = "text/csv", body = String,
            headers(("Content-Disposition" = String, description = "`attachment` and the file's name"))),
        (status = 401, description = "No live session", body = ErrorBody), (status = 403, description = "The role does not allow this", body = ErrorBody), (status = 408, description = "The request took too long", body = ErrorBody),
        (status = 422, description = "A filter is not valid", body = ErrorBody),
    )
)]
async fn export_queue(
    State(state): State<AppState>,
    CaseWorker(session): CaseWorker,
    headers: HeaderMap,
    query: Result<Query<QueueQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let filter = queue_filter(query, &session)?;
    let locale = locale_of(&headers);
    let today = riyadh_date(state.now_ms());
    let items = state
        .store
        .queue_export(&session.scope(), &filter, today, EXPORT_MAX_ROWS)
        .await?;
    let head: [&str; 8] = match locale {
        Locale::Ar => [
            "رقم الطلب",
            "الخدمة",
            "الإدارة",
            "الحالة",
            "تاريخ التقديم",
            "الموعد المتوقع",
            "متأخر",
            "المسؤول",
        ],
        Locale::En => [
            "Reference",
            "Service",
            "Department",
            "Status",
            "Submitted",
            "Due",
            "Overdue",
            "Assignee",
        ],
    };
    let (yes, no) = match locale {
        Locale::Ar => ("نعم", "لا"),
        Locale::En => ("yes", "no"),
    };
    let rows = items.iter().map(|item| {
        [
            item.reference.as_str().to_owned(),
            csv_cell(item.service.name.get(locale)),
            csv_cell(item.department.name.get(locale)),
            item.status.label(locale).to_owned(),
            item.submitted_at.clone(),
            item.due_on.to_string(),
            (if item.overdue { yes } else { no }).to_owned(),
            csv_cell(item.assignee.as_deref().unwrap_or_default()),
        ]
    });
    csv::download("queue", today, head, rows)
}

/// A request in the staff member's scope, with what they may do next.
#[utoipa::path(
    get,
    path = "/staff/requests/{reference}",
    operation_id = "get_staff_request",
    tag = "staff",
    params(("reference" = String, Path, description = "The reference number")),
    security(("staff_session" = [])),
    responses((status = 200, description = "The request", body = StaffRequest), (status = 401, description = "No live session", body = ErrorBody), (status = 403, description = "The role does not allow this", body = ErrorBody), (status = 404, description = "Not found, or not the caller's to see", body = ErrorBody), (status = 408, description = "The request took too long", body = ErrorBody))
)]
async fn get_request(
    State(state): State<AppState>,
    CaseWorker(session): CaseWorker,
    origin: RequestOrigin,
    Path(reference): Path<String>,
) -> Result<ApiJson<StaffRequest>, ApiError> {
    let reference = path_reference(&reference)?;
    let scope = session.scope();
    let now = state.now_ms();
    let Some((detail, assignee)) = state
        .store
        .request_detail(&reference, actor(&session.0, &scope), now)
        .await?
    else {
        return Err(unseen(&state, &session, &reference, &origin).await);
    };
    let status = detail.request.status;
    let mark =
        nafitha_domain::backoffice::deadline(status, detail.request.due_on, riyadh_date(now));
    let departments = state
        .store
        .referral_targets(&detail.request.department.code)
        .await?;
    let templates = state.store.templates(&detail.request.service.code).await?;
    let form = state
        .store
        .get_service(&detail.request.service.code)
        .await?
        .map(|s| s.form)
        .unwrap_or_default();
    Ok(ApiJson(StaffRequest {
        detail,
        assignee,
        overdue: mark == nafitha_domain::backoffice::Deadline::Overdue,
        due_soon: mark == nafitha_domain::backoffice::Deadline::DueSoon,
        actions: staff_actions(session.role(), status),
        departments,
        templates,
        form,
    }))
}

/// A file of a request in the staff member's scope.
#[utoipa::path(
    get,
    path = "/staff/requests/{reference}/attachments/{id}",
    operation_id = "get_staff_attachment",
    tag = "staff",
    params(("reference" = String, Path, description = "The reference number"), ("id" = String, Path, description = "The upload's id")),
    security(("staff_session" = [])),
    responses((status = 200, description = "The file, as a download", content(
            (Vec<u8> = "image/jpeg"), (Vec<u8> = "image/png"), (Vec<u8> = "application/pdf"))), (status = 401, description = "No live session", body = ErrorBody), (status = 403, description = "The role does not allow this", body = ErrorBody), (status = 404, description = "Not found, or not the caller's to see", body = ErrorBody), (status = 408, description = "The request took too long", body = ErrorBody))
)]
async fn get_attachment(
    State(state): State<AppState>,
    CaseWorker(session): CaseWorker,
    origin: RequestOrigin,
    Path((reference, id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let reference = path_reference(&reference)?;
    let scope = session.scope();
    let Some(kind) = state
        .store
        .attachment_kind(&reference, &id, actor(&session.0, &scope))
        .await?
    else {
        return Err(unseen(&state, &session, &reference, &origin).await);
    };
    serve_attachment(&state, &id, &kind).await
}

/// Takes a request, hands it to a colleague, or leaves it unassigned.
#[utoipa::path(
    post,
    path = "/staff/requests/{reference}/assignee",
    tag = "staff",
    params(("reference" = String, Path, description = "The reference number")),
    request_body = Assignment,
    security(("staff_session" = [])),
    responses(
        (status = 204, description = "Assigned"),
        (status = 400, description = "The body is not JSON, or not of this shape", body = ErrorBody), (status = 401, description = "No live session", body = ErrorBody),
        (status = 403, description = "The role does not allow this (agents only take requests)", body = ErrorBody),
        (status = 404, description = "Not found, or not the caller's to see", body = ErrorBody), (status = 408, description = "The request took too long", body = ErrorBody),
        (status = 409, description = "Someone else changed the assignee meanwhile", body = ErrorBody),
        (status = 413, description = "The body is larger than allowed", body = ErrorBody),
        (status = 422, description = "No such colleague can work on it", body = ErrorBody),
    )
)]
async fn assign_request(
    State(state): State<AppState>,
    CaseWorker(session): CaseWorker,
    origin: RequestOrigin,
    Path(reference): Path<String>,
    ApiJson(body): ApiJson<Assignment>,
) -> Result<StatusCode, ApiError> {
    let reference = path_reference(&reference)?;
    let scope = session.scope();
    let me = &session.0.username;
    let Some(current) = state.store.assignee_of(&reference, &scope).await? else {
        return Err(unseen(&state, &session, &reference, &origin).await);
    };
    let new = body
        .assignee
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty());
    may_assign(session.role(), me, current.as_deref(), new).map_err(|refusal| {
        ApiError::Forbidden {
            code: "agents_take_only",
            message: refusal.message(),
        }
    })?;
    match state
        .store
        .assign(
            &reference,
            &scope,
            me,
            current.as_deref(),
            new,
            state.now_ms(),
        )
        .await?
    {
        AssignOutcome::Done => Ok(StatusCode::NO_CONTENT),
        AssignOutcome::NotFound => Err(ApiError::NotFound),
        AssignOutcome::UnknownAssignee => Err(ApiError::Validation(vec![InvalidAnswer {
            field: "assignee".into(),
            message: Localized::new(
                "لا يوجد موظف بهذا الاسم يمكنه العمل على هذا الطلب",
                "There is no staff member by that name who can work on this request",
            ),
        }])),
        AssignOutcome::Refused => Err(ApiError::Conflict {
            code: "changed_meanwhile",
            message: Localized::new(
                "تغيّر المسؤول عن الطلب في أثناء ذلك. حدّث الصفحة",
                "Someone else changed who has this request meanwhile. Reload the page",
            ),
        }),
    }
}

/// Open, overdue and due-soon work per department (supervisors and admins).
#[utoipa::path(
    get,
    path = "/staff/overdue",
    tag = "staff",
    security(("staff_session" = [])),
    responses((status = 200, description = "Each department's load", body = Vec<DepartmentLoad>), (status = 401, description = "No live session", body = ErrorBody), (status = 403, description = "The role does not allow this", body = ErrorBody), (status = 408, description = "The request took too long", body = ErrorBody))
)]
async fn list_department_loads(
    State(state): State<AppState>,
    CaseWorker(session): CaseWorker,
) -> Result<ApiJson<Vec<DepartmentLoad>>, ApiError> {
    session.require_supervisor()?;
    let today = riyadh_date(state.now_ms());
    Ok(ApiJson(
        state
            .store
            .department_loads(&session.0.agency, today)
            .await?,
    ))
}

/// The agency's staff who work requests (supervisors and admins).
#[utoipa::path(
    get,
    path = "/staff/team",
    tag = "staff",
    security(("staff_session" = [])),
    responses((status = 200, description = "The team", body = Vec<TeamMember>), (status = 401, description = "No live session", body = ErrorBody), (status = 403, description = "The role does not allow this", body = ErrorBody), (status = 408, description = "The request took too long", body = ErrorBody))
)]
async fn list_team(
    State(state): State<AppState>,
    CaseWorker(session): CaseWorker,
) -> Result<ApiJson<Vec<TeamMember>>, ApiError> {
    session.require_supervisor()?;
    let team = state.store.team(&session.0.agency).await?;
    Ok(ApiJson(
        team.into_iter()
            .filter_map(|a| {
                Some(TeamMember {
                    role: Role::from_code(&a.role).filter(|r| r.works_requests())?,
                    username: a.username,
                    department: a.department,
                })
            })
            .collect(),
    ))
}

/// `?service=` of the template list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TemplateQuery {
    pub service: String,
}

/// The response templates of one of the agency's services.
#[utoipa::path(
    get,
    path = "/staff/templates",
    tag = "staff",
    params(TemplateQuery),
    security(("staff_session" = [])),
    responses(
        (status = 200, description = "The service's templates", body = Vec<ResponseTemplate>),
        (status = 401, description = "No live session", body = ErrorBody), (status = 403, description = "The role does not allow this", body = ErrorBody),
        (status = 404, description = "Not one of the agency's services", body = ErrorBody),
        (status = 408, description = "The request took too long", body = ErrorBody),
        (status = 422, description = "No service given", body = ErrorBody),
    )
)]
async fn list_templates(
    State(state): State<AppState>,
    CaseWorker(session): CaseWorker,
    query: Result<Query<TemplateQuery>, QueryRejection>,
) -> Result<ApiJson<Vec<ResponseTemplate>>, ApiError> {
    let Query(query) = query.map_err(|_| {
        ApiError::Validation(vec![InvalidAnswer {
            field: "service".into(),
            message: Localized::new("اختر خدمة", "Choose a service"),
        }])
    })?;
    let owned = state
        .store
        .agency_service_codes(&session.0.agency)
        .await?
        .contains(&query.service);
    if !owned {
        return Err(ApiError::NotFound);
    }
    Ok(ApiJson(state.store.templates(&query.service).await?))
}

/// The id of a new template.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TemplateCreated {
    pub id: i64,
}

/// A new response template for one of the agency's services (admins).
#[utoipa::path(
    post,
    path = "/staff/templates",
    tag = "staff",
    request_body = NewTemplate,
    security(("staff_session" = [])),
    responses(
        (status = 201, description = "Made", body = TemplateCreated),
        (status = 400, description = "The body is not JSON, or not of this shape", body = ErrorBody), (status = 401, description = "No live session", body = ErrorBody), (status = 403, description = "The role does not allow this", body = ErrorBody), (status = 408, description = "The request took too long", body = ErrorBody), (status = 413, description = "The body is larger than allowed", body = ErrorBody), (status = 422, description = "The input breaks a rule; each bad field is named", body = ErrorBody),
    )
)]
async fn create_template(
    State(state): State<AppState>,
    CaseWorker(session): CaseWorker,
    ApiJson(body): ApiJson<NewTemplate>,
) -> Result<(StatusCode, ApiJson<TemplateCreated>), ApiError> {
    session.require_admin()?;
    body.validate().map_err(ApiError::Validation)?;
    let id = state
        .store
        .add_template(&session.0.agency, &body, state.now_ms())
        .await?
        .ok_or_else(|| {
            ApiError::Validation(vec![InvalidAnswer {
                field: "service".into(),
                message: Localized::new(
                    "اختر خدمة من خدمات جهتك",
                    "Choose one of your agency's services",
                ),
            }])
        })?;
    Ok((StatusCode::CREATED, ApiJson(TemplateCreated { id })))
}

/// Deletes one of the agency's response templates (admins).
#[utoipa::path(
    delete,
    path = "/staff/templates/{id}",
    tag = "staff",
    params(("id" = String, Path, description = "The template's id")),
    security(("staff_session" = [])),
    responses((status = 204, description = "Deleted"), (status = 401, description = "No live session", body = ErrorBody), (status = 403, description = "The role does not allow this", body = ErrorBody), (status = 404, description = "Not found, or not the caller's to see", body = ErrorBody), (status = 408, description = "The request took too long", body = ErrorBody))
)]
async fn delete_template(
    State(state): State<AppState>,
    CaseWorker(session): CaseWorker,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    session.require_admin()?;
    let id: i64 = id.parse().map_err(|_| ApiError::NotFound)?;
    if state.store.delete_template(&session.0.agency, id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::NotFound)
    }
}

/// The agency's services, active or not, with their forms (admins).
#[utoipa::path(
    get,
    path = "/staff/services",
    tag = "staff",
    security(("staff_session" = [])),
    responses((status = 200, description = "The services", body = Vec<ServiceDetail>), (status = 401, description = "No live session", body = ErrorBody), (status = 403, description = "The role does not allow this", body = ErrorBody), (status = 408, description = "The request took too long", body = ErrorBody))
)]
async fn list_agency_services(
    State(state): State<AppState>,
    CaseWorker(session): CaseWorker,
) -> Result<ApiJson<Vec<ServiceDetail>>, ApiError> {
    session.require_admin()?;
    Ok(ApiJson(
        state.store.agency_services(&session.0.agency).await?,
    ))
}

/// Changes one of the agency's services: texts, fee, SLA, documents, form, whether open (admins).
#[utoipa::path(
    put,
    path = "/staff/services/{code}",
    tag = "staff",
    params(("code" = String, Path, description = "The service's code")),
    request_body = ServiceEdit,
    security(("staff_session" = [])),
    responses(
        (status = 200, description = "The service as it is now", body = ServiceDetail),
        (status = 400, description = "The body is not JSON, or not of this shape", body = ErrorBody), (status = 401, description = "No live session", body = ErrorBody), (status = 403, description = "The role does not allow this", body = ErrorBody), (status = 404, description = "Not found, or not the caller's to see", body = ErrorBody), (status = 408, description = "The request took too long", body = ErrorBody), (status = 413, description = "The body is larger than allowed", body = ErrorBody), (status = 422, description = "The input breaks a rule; each bad field is named", body = ErrorBody),
    )
)]
async fn edit_service(
    State(state): State<AppState>,
    CaseWorker(session): CaseWorker,
    Path(code): Path<String>,
    ApiJson(body): ApiJson<ServiceEdit>,
) -> Result<ApiJson<ServiceDetail>, ApiError> {
    session.require_admin()?;
    body.validate().map_err(ApiError::Validation)?;
    if !state
        .store
        .edit_service(&session.0.agency, &code, &body)
        .await?
    {
        return Err(ApiError::NotFound);
    }
    state
        .store
        .get_service(&code)
        .await?
        .map(ApiJson)
        .ok_or(ApiError::NotFound)
}

/// A staff member's action on a request: acknowledge, ask for information, reply, note,
/// refer, resolve, reject or close.
#[utoipa::path(
    post,
    path = "/staff/requests/{reference}/actions",
    operation_id = "act_on_staff_request",
    tag = "staff",
    params(("reference" = String, Path, description = "The reference number")),
    request_body = ActionRequest,
    security(("staff_session" = [])),
    responses(
        (status = 204, description = "Done"),
        (status = 400, description = "The body is not JSON, or not of this shape", body = ErrorBody), (status = 401, description = "No live session", body = ErrorBody),
        (status = 403, description = "Not the role's to take (a supervisor's, or the applicant's)", body = ErrorBody),
        (status = 404, description = "Not found, or not the caller's to see", body = ErrorBody), (status = 408, description = "The request took too long", body = ErrorBody), (status = 409, description = "The life cycle does not allow this now, or the request changed meanwhile", body = ErrorBody), (status = 413, description = "The body is larger than allowed", body = ErrorBody), (status = 422, description = "The input breaks a rule; each bad field is named", body = ErrorBody),
    )
)]
async fn act_on_request(
    State(state): State<AppState>,
    CaseWorker(session): CaseWorker,
    origin: RequestOrigin,
    Path(reference): Path<String>,
    ApiJson(body): ApiJson<ActionRequest>,
) -> Result<StatusCode, ApiError> {
    let reference = path_reference(&reference)?;
    let action = body.validate().map_err(ApiError::Validation)?;
    if action.action.needs_supervisor() && !session.role().supervises() {
        return Err(ApiError::Forbidden {
            code: "supervisor_only",
            message: Localized::new("هذا الإجراء للمشرفين فقط", "Only a supervisor can do this"),
        });
    }
    let scope = session.scope();
    let public_url = state.public_url.clone();
    let notify = move |target: &NotifyTarget<'_>| messages::for_event(target, &public_url);
    let outcome = state
        .store
        .act_on_request(
            &reference,
            actor(&session.0, &scope),
            &action,
            state.now_ms(),
            &notify,
        )
        .await?;
    if outcome == ActOutcome::NotFound {
        return Err(unseen(&state, &session, &reference, &origin).await);
    }
    act_result(outcome)?;
    Ok(StatusCode::NO_CONTENT)
}
