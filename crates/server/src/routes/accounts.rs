//! An agency's staff accounts, for its admins: the list (`GET /staff/accounts`), a new
//! account with a first password made here and shown once (`POST /staff/accounts`), and
//! disabling one, which ends its sessions (`POST /staff/accounts/{username}/disable`). The
//! command line (`nafitha-server staff`) does the same for any agency.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Router;
use nafitha_domain::backoffice::{CreatedStaff, NewStaff, Role, StaffAccountView};
use nafitha_domain::Localized;
use rand::distr::{Alphanumeric, SampleString};

use crate::auth::StaffSession;
use crate::error::{ApiError, ApiJson};
use crate::startup::AppState;
use crate::store::staff::{StaffAccount, StaffAdded};

/// Length of a first password (Alphanumeric: about 119 bits).
const FIRST_PASSWORD_LENGTH: usize = 20;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/staff/accounts", get(list_accounts).post(add_account))
        .route("/staff/accounts/{username}/disable", post(disable_account))
}

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
async fn add_account(
    State(state): State<AppState>,
    session: StaffSession,
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
        StaffAdded::Added => Ok((
            StatusCode::CREATED,
            ApiJson(CreatedStaff { username, password }),
        )),
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

/// Disables an account of the admin's agency (never their own) and ends its sessions.
async fn disable_account(
    State(state): State<AppState>,
    session: StaffSession,
    Path(username): Path<String>,
) -> Result<StatusCode, ApiError> {
    session.require_admin()?;
    if username == session.0.username {
        return Err(ApiError::Unprocessable {
            code: "own_account",
            message: Localized::new(
                "لا يمكنك إيقاف حسابك أنت",
                "You cannot disable your own account",
            ),
        });
    }
    let theirs = state
        .store
        .staff_account(&username)
        .await?
        .is_some_and(|a| a.agency == session.0.agency);
    if !theirs {
        return Err(ApiError::NotFound);
    }
    state.store.disable_staff(&username).await?;
    Ok(StatusCode::NO_CONTENT)
}
