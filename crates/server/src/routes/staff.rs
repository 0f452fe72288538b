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
use axum::routing::{delete, get, post, put};
use axum::Router;
use nafitha_domain::answers::InvalidAnswer;
use nafitha_domain::backoffice::{
    may_assign, staff_actions, Assignment, DepartmentLoad, NewTemplate, QueuePage, QueueQuery,
    ResponseTemplate, Role, ServiceEdit, StaffMe, StaffRequest, StaffScope, StaffSignIn,
    TeamMember, EXPORT_MAX_ROWS,
};
use nafitha_domain::calendar::riyadh_date;
use nafitha_domain::lifecycle::ActionRequest;
use nafitha_domain::{Locale, Localized, ReferenceNumber, ServiceDetail};
use serde::{Deserialize, Serialize};

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

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/staff/session", post(sign_in).delete(sign_out))
        .route("/staff/me", get(get_me))
        .route("/staff/requests", get(list_queue))
        .route("/staff/requests.csv", get(export_queue))
        .route("/staff/requests/{reference}", get(get_request))
        .route("/staff/requests/{reference}/actions", post(act_on_request))
        .route("/staff/requests/{reference}/assignee", post(assign_request))
        .route(
            "/staff/requests/{reference}/attachments/{id}",
            get(get_attachment),
        )
        .route("/staff/overdue", get(list_department_loads))
        .route("/staff/team", get(list_team))
        .route(
            "/staff/templates",
            get(list_templates).post(create_template),
        )
        .route("/staff/templates/{id}", delete(delete_template))
        .route("/staff/services", get(list_agency_services))
        .route("/staff/services/{code}", put(edit_service))
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
    Ok(StaffMe {
        username: account.username.clone(),
        role: Role::from_code(&account.role).unwrap_or(Role::Agent),
        agency,
        department,
        portal_url: state.public_url.clone(),
    })
}

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
#[derive(Debug, Deserialize)]
pub struct TemplateQuery {
    pub service: String,
}

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
#[derive(Debug, Serialize)]
pub struct TemplateCreated {
    pub id: i64,
}

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

async fn list_agency_services(
    State(state): State<AppState>,
    CaseWorker(session): CaseWorker,
) -> Result<ApiJson<Vec<ServiceDetail>>, ApiError> {
    session.require_admin()?;
    Ok(ApiJson(
        state.store.agency_services(&session.0.agency).await?,
    ))
}

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
