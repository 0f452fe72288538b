//! An agency's staff accounts, for its admins: the list (`GET /staff/accounts`), a new
//! account with a first password made here and shown once (`POST /staff/accounts`),
//! disabling one, which ends its sessions (`POST /staff/accounts/{username}/disable`), and
//! enabling it again (`…/enable`). Each change is a security event. The command line
//! (`nafitha-server staff`) adds, lists and disables for any agency.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use nafitha_domain::backoffice::{CreatedStaff, NewStaff, Role, StaffAccountView};
use nafitha_domain::{ErrorBody, Localized};
use rand::distr::{Alphanumeric, SampleString};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::StaffSession;
use crate::error::{ApiError, ApiJson};
use crate::startup::AppState;
use crate::store::staff::{StaffAccount, StaffAdded};
use crate::telemetry::RequestOrigin;

/// Length of a first password (Alphanumeric: about 119 bits).
const FIRST_PASSWORD_LENGTH: usize = 20;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_accounts, add_account))
        .routes(routes!(switch_account))
}

/// The staff accounts of the admin's agency.
#[utoipa::path(
    get,
    path = "/staff/accounts",
    tag = "admin",
    security(("staff_session" = [])),
    responses((status = 200, description = "The accounts", body = Vec<StaffAccountView>), (status = 401, description = "No live session", body = ErrorBody), (status = 403, description = "The role does not allow this", body = ErrorBody), (status = 408, description = "The request took too long", body = ErrorBody))
)]
async fn list_accounts(
    State(state): State<AppState>,
    session: StaffSession,
) -> Result<ApiJson<Vec<StaffAccountView>>, ApiError> {
    session.require_admin()?;
    let accounts = state.store.agency_staff(&session.0.agency).await?;
    Ok(ApiJson(
        accounts
            .into_iter()
            .filter_map(|a| {
                Some(StaffAccountView {
                    role: Role::from_code(&a.role)?,
                    username: a.username,
                    department: a.department,
                    disabled: a.disabled,
                })
            })
            .collect(),
    ))
}

/// Adds an account to the admin's agency; answers its first password, this once.
#[utoipa::path(
    post,
    path = "/staff/accounts",
    tag = "admin",
    request_body = NewStaff,
    security(("staff_session" = [])),
    responses(
        (status = 201, description = "Made, with its first password (shown this once)", body = CreatedStaff),
        (status = 400, description = "The body is not JSON, or not of this shape", body = ErrorBody), (status = 401, description = "No live session", body = ErrorBody), (status = 403, description = "The role does not allow this", body = ErrorBody), (status = 408, description = "The request took too long", body = ErrorBody), (status = 413, description = "The body is larger than allowed", body = ErrorBody),
        (status = 422, description = "A bad username or role, the username is taken, or not a department of the agency", body = ErrorBody),
    )
)]
async fn add_account(
    State(state): State<AppState>,
    session: StaffSession,
    origin: RequestOrigin,
    ApiJson(body): ApiJson<NewStaff>,
) -> Result<(StatusCode, ApiJson<CreatedStaff>), ApiError> {
    session.require_admin()?;
    let (username, role, department) = body.validate().map_err(ApiError::Validation)?;
    let password = Alphanumeric.sample_string(&mut rand::rng(), FIRST_PASSWORD_LENGTH);
    let hash = {
        let password = password.clone();
        tokio::task::spawn_blocking(move || crate::auth::password::hash_password(&password))
            .await
            .map_err(|e| ApiError::Internal(e.into()))?
            .map_err(ApiError::Internal)?
    };
    let account = StaffAccount {
        username: username.clone(),
        password_hash: hash,
        role: role.code().to_owned(),
        agency: session.0.agency.clone(),
        department,
        disabled: false,
    };
    match state.store.add_staff(&account, state.now_ms()).await? {
        StaffAdded::Added => {
            origin.security_event("staff_account_added", Some(&session.0.username));
            Ok((
                StatusCode::CREATED,
                ApiJson(CreatedStaff { username, password }),
            ))
        }
        StaffAdded::UsernameTaken => Err(ApiError::on_field(
            "username",
            Localized::new(
                "اسم المستخدم هذا مستخدم، اختر غيره",
                "This username is taken. Choose another",
            ),
        )),
        StaffAdded::UnknownDepartment | StaffAdded::UnknownAgency => Err(ApiError::on_field(
            "department",
            Localized::new(
                "اختر إدارة من إدارات جهتك",
                "Choose one of your agency's departments",
            ),
        )),
    }
}

/// An account of the admin's agency other than their own, by username: 404 for another
/// agency's (or none), 422 for their own.
async fn colleague(
    state: &AppState,
    session: &StaffSession,
    username: &str,
) -> Result<(), ApiError> {
    session.require_admin()?;
    if username == session.0.username {
        return Err(ApiError::Unprocessable {
            code: "own_account",
            message: Localized::new(
                "لا يمكنك إيقاف حسابك أنت أو تفعيله",
                "You cannot disable or enable your own account",
            ),
        });
    }
    let theirs = state
        .store
        .staff_account(username)
        .await?
        .is_some_and(|a| a.agency == session.0.agency);
    if theirs {
        Ok(())
    } else {
        Err(ApiError::NotFound)
    }
}

/// A change to a staff account: `disable` (which ends its sessions) or `enable`.
// Only the document uses it: the path is read as text, and any other change is not found.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
enum AccountChange {
    #[schema(rename = "disable")]
    Disable,
    #[schema(rename = "enable")]
    Enable,
}

/// Disables an account of the admin's agency (never their own), which ends its sessions,
/// or enables it again (the undo): `change` is `disable` or `enable`.
#[utoipa::path(
    post,
    path = "/staff/accounts/{username}/{change}",
    tag = "admin",
    params(
        ("username" = String, Path, description = "The account's username"),
        ("change" = inline(AccountChange), Path, description = "`disable` or `enable`"),
    ),
    security(("staff_session" = [])),
    responses(
        (status = 204, description = "Done"),
        (status = 401, description = "No live session", body = ErrorBody), (status = 403, description = "The role does not allow this", body = ErrorBody),
        (status = 404, description = "No such account in the agency, or no such change", body = ErrorBody),
        (status = 408, description = "The request took too long", body = ErrorBody),
        (status = 422, description = "The admin's own account", body = ErrorBody),
    )
)]
async fn switch_account(
    State(state): State<AppState>,
    session: StaffSession,
    origin: RequestOrigin,
    Path((username, change)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let event = match change.as_str() {
        "disable" => "staff_account_disabled",
        "enable" => "staff_account_enabled",
        _ => return Err(ApiError::NotFound),
    };
    colleague(&state, &session, &username).await?;
    if change == "disable" {
        state.store.disable_staff(&username).await?;
    } else {
        state.store.enable_staff(&username).await?;
    }
    origin.security_event(event, Some(&session.0.username));
    Ok(StatusCode::NO_CONTENT)
}
