//! The citizen's side after filing: sign-in by SMS code (`/auth/otp`, `/auth/verify`,
//! `DELETE /auth/session`), `GET /me`, "my requests", the request page, its attachments,
//! and the applicant's actions on it. Another citizen's request answers 404, exactly like
//! a reference that does not exist.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use nafitha_domain::account::{CodeRequest, CodeVerification, Me, MyRequest, RequestDetail};
use nafitha_domain::answers::InvalidAnswer;
use nafitha_domain::calendar::riyadh_date;
use nafitha_domain::identity::normalize_mobile;
use nafitha_domain::lifecycle::ActionRequest;
use nafitha_domain::rating::{RatingInput, RatingView};
use nafitha_domain::{ErrorBody, Locale, Localized, ReferenceNumber};
use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::{
    code_matches, hash_code, hash_token, new_code, new_token, CitizenSession, ClientIp,
    SessionCookie, CITIZEN_SESSION_MS,
};
use crate::error::{ApiError, ApiJson};
use crate::limits::Limit;
use crate::notify::messages;
use crate::startup::AppState;
use crate::store::account::{CodeCheck, CodeIssued, NewSession};
use crate::store::actions::{ActOutcome, Actor};
use crate::store::ratings::RateOutcome;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(send_code))
        .routes(routes!(verify_code))
        .routes(routes!(sign_out))
        .routes(routes!(get_me))
        .routes(routes!(list_my_requests))
        .routes(routes!(get_request))
        .routes(routes!(act_on_request))
        .routes(routes!(rate_request))
        .routes(routes!(get_attachment))
}

/// The answer to `POST /auth/otp`: the same whatever the number's history.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CodeSent {
    pub sent: bool,
    /// Seconds before another code may be asked for.
    pub resend_after: i64,
}

pub(crate) fn locale_of(headers: &HeaderMap) -> Locale {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map(Locale::from_accept_language)
        .unwrap_or_default()
}

/// A reference from the path; a malformed one is simply not found.
pub fn path_reference(raw: &str) -> Result<ReferenceNumber, ApiError> {
    ReferenceNumber::parse(raw).map_err(|_| ApiError::NotFound)
}

/// Sends a sign-in code by SMS to a mobile number.
#[utoipa::path(
    post,
    path = "/auth/otp",
    tag = "citizen",
    request_body = CodeRequest,
    responses(
        (status = 202, description = "A code is on its way (the same answer whatever the number's history)", body = CodeSent),
        (status = 400, description = "The body is not JSON, or not of this shape", body = ErrorBody), (status = 408, description = "The request took too long", body = ErrorBody), (status = 413, description = "The body is larger than allowed", body = ErrorBody),
        (status = 422, description = "Not a mobile number", body = ErrorBody),
        (status = 429, description = "Too many attempts: try again after `Retry-After` seconds", body = ErrorBody, headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
async fn send_code(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    headers: HeaderMap,
    ApiJson(body): ApiJson<CodeRequest>,
) -> Result<(StatusCode, ApiJson<CodeSent>), ApiError> {
    state.check_limit(Limit::SignIn, client).await?;
    let phone = normalize_mobile(&body.phone).map_err(|m| ApiError::on_field("phone", m))?;
    let code = new_code();
    let sms = messages::sign_in_code(&phone, &code, locale_of(&headers));
    match state
        .store
        .issue_sign_in_code(
            &phone,
            &hash_code(&state.secret, &phone, &code),
            &sms,
            state.now_ms(),
        )
        .await?
    {
        CodeIssued::Sent => Ok((
            StatusCode::ACCEPTED,
            ApiJson(CodeSent {
                sent: true,
                resend_after: nafitha_domain::account::RESEND_AFTER_MS / 1000,
            }),
        )),
        CodeIssued::Limited(refused) => Err(crate::limits::too_many(refused)),
        CodeIssued::TooSoon { retry_after_s } => Err(ApiError::TooManyRequests {
            retry_after_s: retry_after_s.max(1).unsigned_abs(),
            message: Localized::new(
                format!("أرسلنا رمزًا قبل قليل. يمكنك طلب رمز جديد بعد {retry_after_s} ثانية"),
                format!("We sent a code a moment ago. You can ask for a new one in {retry_after_s} seconds"),
            ),
        }),
    }
}

/// Checks a sign-in code; a right one starts a citizen's session (its cookie).
#[utoipa::path(
    post,
    path = "/auth/verify",
    tag = "citizen",
    request_body = CodeVerification,
    responses(
        (status = 200, description = "Signed in: the session cookie is set", body = Me,
            headers(("Set-Cookie" = String, description = "The citizen's session cookie"))),
        (status = 400, description = "The body is not JSON, or not of this shape", body = ErrorBody), (status = 408, description = "The request took too long", body = ErrorBody), (status = 413, description = "The body is larger than allowed", body = ErrorBody),
        (status = 422, description = "A malformed number or code, a wrong or expired code, or too many tries", body = ErrorBody),
        (status = 429, description = "Too many attempts: try again after `Retry-After` seconds", body = ErrorBody, headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
async fn verify_code(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    headers: HeaderMap,
    ApiJson(body): ApiJson<CodeVerification>,
) -> Result<Response, ApiError> {
    state.check_limit(Limit::SignIn, client).await?;
    let (phone, code) = body.validate().map_err(|problems| {
        ApiError::Validation(
            problems
                .into_iter()
                .map(|(field, message)| InvalidAnswer {
                    field: field.to_owned(),
                    message,
                })
                .collect(),
        )
    })?;
    let token = new_token();
    let token_hash = hash_token(&token);
    let session = NewSession {
        token_hash: &token_hash,
        kind: "citizen",
        subject: &phone,
        expires_at: state.now_ms() + CITIZEN_SESSION_MS,
    };
    let replaces = SessionCookie::Citizen
        .token(&headers, state.secure_cookies)
        .map(hash_token);
    let outcome = state
        .store
        .check_sign_in_code(
            &phone,
            |stored| code_matches(&state.secret, stored, &phone, &code),
            &session,
            replaces.as_deref(),
            state.now_ms(),
        )
        .await?;
    let refused = |code: &'static str, ar: String, en: String| ApiError::Unprocessable {
        code,
        message: Localized::new(ar, en),
    };
    match outcome {
        CodeCheck::Accepted => {
            let mut response = ApiJson(Me { phone }).into_response();
            response.headers_mut().insert(
                header::SET_COOKIE,
                SessionCookie::Citizen.set(&token, CITIZEN_SESSION_MS, state.secure_cookies),
            );
            Ok(response)
        }
        CodeCheck::Wrong { tries_left } => {
            crate::telemetry::security_event(
                "wrong_sign_in_code",
                "/api/v1/auth/verify",
                Some(client),
                None,
            );
            Err(refused(
                "wrong_code",
                format!("الرمز غير صحيح. بقي لك {tries_left} من المحاولات"),
                format!("The code is not right. You have {tries_left} tries left"),
            ))
        }
        CodeCheck::NoCode => Err(refused(
            "no_code",
            "لا يوجد رمز صالح لهذا الرقم. اطلب رمزًا جديدًا".into(),
            "There is no valid code for this number. Ask for a new code".into(),
        )),
        CodeCheck::Expired => Err(refused(
            "code_expired",
            "انتهت صلاحية الرمز. اطلب رمزًا جديدًا".into(),
            "The code has expired. Ask for a new code".into(),
        )),
        CodeCheck::TooManyTries => Err(refused(
            "too_many_tries",
            "أدخلت رمزًا خاطئًا مرات كثيرة. اطلب رمزًا جديدًا".into(),
            "Too many wrong codes. Ask for a new code".into(),
        )),
    }
}

/// Ends the citizen's session, if there is one.
#[utoipa::path(
    delete,
    path = "/auth/session",
    tag = "citizen",
    responses(
        (status = 204, description = "Signed out: the session cookie is cleared",
            headers(("Set-Cookie" = String, description = "The cleared cookie"))),
        (status = 408, description = "The request took too long", body = ErrorBody),
    )
)]
async fn sign_out(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    crate::auth::end_session(&state, &headers, SessionCookie::Citizen).await
}

/// The signed-in citizen.
#[utoipa::path(
    get,
    path = "/me",
    tag = "citizen",
    security(("citizen_session" = [])),
    responses((status = 200, description = "The citizen", body = Me), (status = 401, description = "No live session", body = ErrorBody), (status = 408, description = "The request took too long", body = ErrorBody))
)]
async fn get_me(session: CitizenSession) -> ApiJson<Me> {
    ApiJson(Me {
        phone: session.phone,
    })
}

/// The signed-in citizen's requests, newest first.
#[utoipa::path(
    get,
    path = "/me/requests",
    tag = "citizen",
    security(("citizen_session" = [])),
    responses((status = 200, description = "Their requests", body = Vec<MyRequest>), (status = 401, description = "No live session", body = ErrorBody), (status = 408, description = "The request took too long", body = ErrorBody))
)]
async fn list_my_requests(
    State(state): State<AppState>,
    session: CitizenSession,
) -> Result<ApiJson<Vec<MyRequest>>, ApiError> {
    Ok(ApiJson(
        state
            .store
            .my_requests(&session.phone, riyadh_date(state.now_ms()))
            .await?,
    ))
}

/// One of the citizen's requests, in full.
#[utoipa::path(
    get,
    path = "/requests/{reference}",
    tag = "citizen",
    params(("reference" = String, Path, description = "The reference number")),
    security(("citizen_session" = [])),
    responses((status = 200, description = "The request", body = RequestDetail), (status = 401, description = "No live session", body = ErrorBody), (status = 404, description = "Not found, or not the caller's to see", body = ErrorBody), (status = 408, description = "The request took too long", body = ErrorBody))
)]
async fn get_request(
    State(state): State<AppState>,
    session: CitizenSession,
    Path(reference): Path<String>,
) -> Result<ApiJson<RequestDetail>, ApiError> {
    let reference = path_reference(&reference)?;
    state
        .store
        .request_for_applicant(&reference, &session.phone, state.now_ms())
        .await?
        .map(ApiJson)
        .ok_or(ApiError::NotFound)
}

/// Turns what became of an action into the API's answer.
pub fn act_result(outcome: ActOutcome) -> Result<(), ApiError> {
    match outcome {
        ActOutcome::Done => Ok(()),
        ActOutcome::NotFound => Err(ApiError::NotFound),
        ActOutcome::NotYours => Err(ApiError::Forbidden {
            code: "not_your_action",
            message: Localized::new(
                "هذا الإجراء ليس من صلاحيتك",
                "This action is not yours to take",
            ),
        }),
        ActOutcome::Forbidden(message) => Err(ApiError::Conflict {
            code: "not_allowed_now",
            message,
        }),
        ActOutcome::Conflict => Err(ApiError::Conflict {
            code: "changed_meanwhile",
            message: Localized::new(
                "تغيّر الطلب أثناء تنفيذ الإجراء. حدّث الصفحة وحاول مرة أخرى",
                "The request changed meanwhile. Reload the page and try again",
            ),
        }),
        ActOutcome::UnknownDepartment => Err(ApiError::on_field(
            "department",
            Localized::new(
                "لا توجد إدارة بهذا الرمز",
                "There is no department with this code",
            ),
        )),
        ActOutcome::UnknownUpload => Err(ApiError::on_field(
            "attachments",
            Localized::new(
                "أحد الملفات غير موجود أو انتهت صلاحيته. أرفقه مرة أخرى",
                "One of the files is missing or has expired. Attach it again",
            ),
        )),
    }
}

/// The applicant's action on their request: answer, withdraw or reopen.
#[utoipa::path(
    post,
    path = "/requests/{reference}/actions",
    tag = "citizen",
    params(("reference" = String, Path, description = "The reference number")),
    request_body = ActionRequest,
    security(("citizen_session" = [])),
    responses(
        (status = 200, description = "Done: the request as it is now", body = RequestDetail),
        (status = 400, description = "The body is not JSON, or not of this shape", body = ErrorBody), (status = 401, description = "No live session", body = ErrorBody),
        (status = 403, description = "Not an action the applicant takes", body = ErrorBody),
        (status = 404, description = "Not found, or not the caller's to see", body = ErrorBody), (status = 408, description = "The request took too long", body = ErrorBody), (status = 409, description = "The life cycle does not allow this now, or the request changed meanwhile", body = ErrorBody), (status = 413, description = "The body is larger than allowed", body = ErrorBody), (status = 422, description = "The input breaks a rule; each bad field is named", body = ErrorBody),
    )
)]
async fn act_on_request(
    State(state): State<AppState>,
    session: CitizenSession,
    Path(reference): Path<String>,
    ApiJson(body): ApiJson<ActionRequest>,
) -> Result<ApiJson<RequestDetail>, ApiError> {
    let reference = path_reference(&reference)?;
    let action = body.validate().map_err(ApiError::Validation)?;
    let public_url = state.public_url.clone();
    let notify = move |target: &crate::store::actions::NotifyTarget<'_>| {
        messages::for_event(target, &public_url)
    };
    let outcome = state
        .store
        .act_on_request(
            &reference,
            Actor::Applicant {
                phone: &session.phone,
            },
            &action,
            state.now_ms(),
            &notify,
        )
        .await?;
    act_result(outcome)?;
    state
        .store
        .request_for_applicant(&reference, &session.phone, state.now_ms())
        .await?
        .map(ApiJson)
        .ok_or(ApiError::NotFound)
}

/// The applicant's rating of a decided request (changeable for a while).
#[utoipa::path(
    post,
    path = "/requests/{reference}/rating",
    tag = "citizen",
    params(("reference" = String, Path, description = "The reference number")),
    request_body = RatingInput,
    security(("citizen_session" = [])),
    responses(
        (status = 200, description = "The rating as kept", body = RatingView),
        (status = 400, description = "The body is not JSON, or not of this shape", body = ErrorBody), (status = 401, description = "No live session", body = ErrorBody), (status = 404, description = "Not found, or not the caller's to see", body = ErrorBody),
        (status = 409, description = "Not decided yet, or the rating can no longer change", body = ErrorBody),
        (status = 408, description = "The request took too long", body = ErrorBody), (status = 413, description = "The body is larger than allowed", body = ErrorBody), (status = 422, description = "The input breaks a rule; each bad field is named", body = ErrorBody),
    )
)]
async fn rate_request(
    State(state): State<AppState>,
    session: CitizenSession,
    Path(reference): Path<String>,
    ApiJson(body): ApiJson<RatingInput>,
) -> Result<ApiJson<RatingView>, ApiError> {
    let reference = path_reference(&reference)?;
    let rating = body.validate().map_err(ApiError::Validation)?;
    match state
        .store
        .rate_request(&reference, &session.phone, &rating, state.now_ms())
        .await?
    {
        RateOutcome::Done(view) => Ok(ApiJson(view)),
        RateOutcome::NotFound => Err(ApiError::NotFound),
        RateOutcome::NotYet => Err(ApiError::Conflict {
            code: "not_decided_yet",
            message: Localized::new(
                "يمكنك تقييم الخدمة بعد البت في طلبك",
                "You can rate the service once your request has been decided",
            ),
        }),
        RateOutcome::ChangeWindowClosed => Err(ApiError::Conflict {
            code: "rating_final",
            message: nafitha_domain::rating::rating_change_window_closed(),
        }),
    }
}

/// A file of the citizen's request.
#[utoipa::path(
    get,
    path = "/requests/{reference}/attachments/{id}",
    tag = "citizen",
    params(
        ("reference" = String, Path, description = "The reference number"),
        ("id" = String, Path, description = "The upload's id"),
    ),
    security(("citizen_session" = [])),
    responses(
        (status = 200, description = "The file, as a download", content(
            (Vec<u8> = "image/jpeg"), (Vec<u8> = "image/png"), (Vec<u8> = "application/pdf"))),
        (status = 401, description = "No live session", body = ErrorBody), (status = 404, description = "Not found, or not the caller's to see", body = ErrorBody), (status = 408, description = "The request took too long", body = ErrorBody),
    )
)]
async fn get_attachment(
    State(state): State<AppState>,
    session: CitizenSession,
    Path((reference, id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let reference = path_reference(&reference)?;
    let kind = state
        .store
        .attachment_kind(
            &reference,
            &id,
            Actor::Applicant {
                phone: &session.phone,
            },
        )
        .await?
        .ok_or(ApiError::NotFound)?;
    serve_attachment(&state, &id, &kind).await
}

/// The file of an upload, as a download of its checked type.
pub async fn serve_attachment(
    state: &AppState,
    id: &str,
    kind: &str,
) -> Result<Response, ApiError> {
    let (content_type, extension) = match kind {
        "jpeg" => ("image/jpeg", "jpg"),
        "png" => ("image/png", "png"),
        _ => ("application/pdf", "pdf"),
    };
    // Streamed from the store as it arrives: a download holds no whole file in memory.
    let file = state
        .objects
        .get(id)
        .await
        .map_err(|e| ApiError::Internal(e.into()))?
        .ok_or_else(|| {
            ApiError::Internal(anyhow::anyhow!(
                "the file of attachment {id} is missing from {}",
                state.objects.describe()
            ))
        })?;
    Response::builder()
        .header(header::CONTENT_TYPE, content_type)
        .header(header::CONTENT_LENGTH, file.size)
        .header(
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{id}.{extension}\""),
        )
        .header(header::CACHE_CONTROL, "private, no-store")
        .body(Body::from_stream(file.stream))
        .map_err(|e| ApiError::Internal(e.into()))
}
