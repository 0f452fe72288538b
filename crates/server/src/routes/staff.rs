//! The back office's API: staff sign-in (`POST`/`DELETE /staff/session`) and actions on a
//! request (`POST /staff/requests/{reference}/actions`), each checked against the staff
//! member's agency (and department), role, and the life cycle in `nafitha_domain`.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use nafitha_domain::lifecycle::ActionRequest;
use nafitha_domain::Localized;
use serde::{Deserialize, Serialize};

use crate::auth::{cookie, hash_token, new_token, session_cookie, ClientIp, Limit, STAFF_COOKIE};
use crate::error::{ApiError, ApiJson};
use crate::notify::{messages, now_ms};
use crate::routes::account::{act_result, path_reference};
use crate::startup::AppState;
use crate::store::account::NewSession;
use crate::store::actions::{Actor, NotifyTarget};
use crate::store::staff::StaffAccount;

/// How long a staff session lasts (a working day).
pub const STAFF_SESSION_MS: i64 = 12 * 3_600_000;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/staff/session", post(sign_in).delete(sign_out))
        .route("/staff/requests/{reference}/actions", post(act_on_request))
}

/// Hashes a password with Argon2id and its default parameters (a PHC string).
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::encode_b64(&rand::random::<[u8; 16]>())
        .map_err(|e| anyhow::anyhow!("cannot make a salt: {e}"))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| anyhow::anyhow!("cannot hash the password: {e}"))
}

fn password_matches(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// The body of `POST /staff/session`.
#[derive(Debug, Deserialize)]
pub struct Credentials {
    pub username: String,
    pub password: String,
}

/// Who signed in.
#[derive(Debug, Serialize)]
pub struct StaffMe {
    pub username: String,
    pub role: String,
    pub agency: String,
    pub department: Option<String>,
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

async fn sign_in(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    headers: HeaderMap,
    ApiJson(body): ApiJson<Credentials>,
) -> Result<Response, ApiError> {
    state.limits.check(Limit::SignIn, client)?;
    let now = now_ms();
    let account = state.store.staff_account(body.username.trim()).await?;
    let Some(account) = account.filter(|a| !a.disabled) else {
        // Spend the same time as a real check, so timing does not reveal usernames.
        let password = body.password.clone();
        let _ = tokio::task::spawn_blocking(move || hash_password(&password)).await;
        return Err(wrong_credentials());
    };
    if let Some(until) = account.locked_until.filter(|until| *until > now) {
        return Err(ApiError::TooManyRequests {
            retry_after_s: u64::try_from((until - now) / 1000 + 1).unwrap_or(1),
            message: Localized::new(
                "أُقفل الحساب مؤقتًا بعد محاولات دخول خاطئة متكررة. حاول لاحقًا",
                "The account is locked for a while after repeated wrong passwords. Try again later",
            ),
        });
    }
    let (hash, password) = (account.password_hash.clone(), body.password);
    let matches = tokio::task::spawn_blocking(move || password_matches(&hash, &password))
        .await
        .map_err(|e| ApiError::Internal(e.into()))?;
    if !matches {
        state
            .store
            .record_failed_sign_in(&account.username, now)
            .await?;
        return Err(wrong_credentials());
    }
    state.store.record_sign_in(&account.username).await?;
    let token = new_token();
    let token_hash = hash_token(&token);
    let replaces = cookie(&headers, STAFF_COOKIE).map(hash_token);
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
    let mut response = ApiJson(StaffMe {
        username: account.username,
        role: account.role,
        agency: account.agency,
        department: account.department,
    })
    .into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        session_cookie(STAFF_COOKIE, &token, STAFF_SESSION_MS, state.secure_cookies),
    );
    Ok(response)
}

async fn sign_out(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    crate::auth::end_session(&state, &headers, STAFF_COOKIE).await
}

/// A signed-in, enabled staff member. 401 without a live staff session (a citizen's
/// session is not one).
#[derive(Clone, Debug)]
pub struct StaffSession(pub StaffAccount);

impl FromRequestParts<AppState> for StaffSession {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token_hash = cookie(&parts.headers, STAFF_COOKIE)
            .map(hash_token)
            .ok_or(ApiError::Unauthorized)?;
        let username = state
            .store
            .session_subject("staff", &token_hash, now_ms())
            .await?
            .ok_or(ApiError::Unauthorized)?;
        let account = state
            .store
            .staff_account(&username)
            .await?
            .filter(|a| !a.disabled)
            .ok_or(ApiError::Unauthorized)?;
        Ok(StaffSession(account))
    }
}

async fn act_on_request(
    State(state): State<AppState>,
    StaffSession(staff): StaffSession,
    Path(reference): Path<String>,
    ApiJson(body): ApiJson<ActionRequest>,
) -> Result<StatusCode, ApiError> {
    let reference = path_reference(&reference)?;
    let action = body.validate().map_err(ApiError::Validation)?;
    if action.action.needs_supervisor() && staff.role == "agent" {
        return Err(ApiError::Forbidden {
            code: "supervisor_only",
            message: Localized::new("هذا الإجراء للمشرفين فقط", "Only a supervisor can do this"),
        });
    }
    let public_url = state.public_url.clone();
    let notify = move |target: &NotifyTarget<'_>| messages::for_event(target, &public_url);
    let outcome = state
        .store
        .act_on_request(
            &reference,
            Actor::Staff {
                username: &staff.username,
                agency: &staff.agency,
                department: staff.department.as_deref(),
            },
            &action,
            now_ms(),
            &notify,
        )
        .await?;
    act_result(outcome)?;
    Ok(StatusCode::NO_CONTENT)
}
