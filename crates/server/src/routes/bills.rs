//! Bills and their payment over HTTP. For the payment gateway: the signed callback
//! (`POST /payments/callback`), its signature checked over the raw body before anything
//! is read, rate limited per client, its body 4 KiB at most. For the holder's session:
//! their bills (`GET /account/bills`), and, with the `log` adapter, paying one
//! (`POST /account/bills/{number}/pay`), which has the adapter sign the callback a
//! gateway would send and puts it through the very same verification and settlement.

use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::HeaderMap;
use nafitha_domain::bill::{
    wrong_amount, BillNumber, BillStatus, BillView, PaymentCallback, PaymentReceipt,
};
use nafitha_domain::calendar::riyadh_date;
use nafitha_domain::{ErrorBody, Localized};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::{CitizenSession, ClientIp};
use crate::error::{json_object, ApiError, ApiJson, RawBody};
use crate::limits::Limit;
use crate::notify::messages;
use crate::payments::{verify, PaymentIntent, CALLBACK_BODY_LIMIT, SIGNATURE_HEADER};
use crate::startup::AppState;
use crate::store::bills::Settlement;

pub fn router() -> OpenApiRouter<AppState> {
    let callback = OpenApiRouter::new()
        .routes(routes!(payment_callback))
        .layer(DefaultBodyLimit::max(CALLBACK_BODY_LIMIT));
    OpenApiRouter::new()
        .routes(routes!(list_my_bills))
        .routes(routes!(pay_bill))
        .merge(callback)
}

fn bill_paid() -> ApiError {
    ApiError::Conflict {
        code: "bill_paid",
        message: Localized::new(
            "سُددت هذه الفاتورة من قبل",
            "This bill has already been paid",
        ),
    }
}

fn bill_expired() -> ApiError {
    ApiError::Conflict {
        code: "bill_expired",
        message: Localized::new(
            "انتهت مهلة سداد هذه الفاتورة",
            "The time to pay this bill has run out",
        ),
    }
}

/// Verifies a callback's `signature` over exactly `body`, then reads it and settles its
/// bill: the one path every payment takes, whether a gateway sent it or the `log` adapter
/// signed it for the holder.
async fn receive(
    state: &AppState,
    signature: Option<&str>,
    body: &[u8],
) -> Result<ApiJson<PaymentReceipt>, ApiError> {
    if !verify(state.payments.callback_key(), body, signature) {
        return Err(ApiError::BadSignature);
    }
    let callback: PaymentCallback = json_object(body)?;
    let payment = callback.validate().map_err(ApiError::Validation)?;
    let public_url = state.public_url.clone();
    let notify = move |notice: &crate::store::bills::PaidNotice<'_>| {
        messages::for_payment(notice, &public_url)
    };
    let actor = format!("payment:{}", state.payments.name());
    match state
        .store
        .settle_bill(&payment, &actor, state.now_ms(), &notify)
        .await?
    {
        Settlement::Paid(receipt) | Settlement::Replay(receipt) => Ok(ApiJson(receipt)),
        Settlement::NotFound => Err(ApiError::NotFound),
        Settlement::WrongAmount(expected) => Err(ApiError::Unprocessable {
            code: "wrong_amount",
            message: wrong_amount(expected),
        }),
        Settlement::AlreadyPaid => Err(bill_paid()),
        Settlement::PaymentIdUsed => Err(ApiError::Conflict {
            code: "payment_id_used",
            message: Localized::new(
                "معرّف الدفع هذا استُخدم لدفعة أخرى",
                "This payment id was used for another payment",
            ),
        }),
        Settlement::Expired => Err(bill_expired()),
    }
}

/// The payment gateway's callback: a bill was paid. The body is signed with the payment
/// secret (`X-Nafitha-Signature`: the hex HMAC-SHA-256 of the raw body), checked before
/// the body is read; the bill becomes paid and its licence is issued, in one transaction,
/// and the holder is told by SMS. The same `payment_id` again is answered the same,
/// changing nothing.
#[utoipa::path(
    post,
    path = "/payments/callback",
    tag = "payments",
    params(("X-Nafitha-Signature" = String, Header, description = "The hex HMAC-SHA-256 of the raw body, keyed with the payment secret")),
    request_body = PaymentCallback,
    responses(
        (status = 200, description = "The bill is paid (now, or by this same payment before)", body = PaymentReceipt),
        (status = 400, description = "The body is not JSON of this shape", body = ErrorBody),
        (status = 401, description = "The signature is missing or is not the body's: nothing was read or changed", body = ErrorBody),
        (status = 404, description = "No bill has this number", body = ErrorBody), (status = 408, description = "The request took too long", body = ErrorBody),
        (status = 409, description = "The bill was paid by another payment, the payment id was used for another, or it was paid after the bill's last day", body = ErrorBody),
        (status = 413, description = "The body is larger than allowed (4 KiB)", body = ErrorBody),
        (status = 422, description = "A field is not valid, or the amount is not the bill's", body = ErrorBody),
        (status = 429, description = "Too many attempts: try again after `Retry-After` seconds", body = ErrorBody, headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
async fn payment_callback(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> Result<ApiJson<PaymentReceipt>, ApiError> {
    state.check_limit(Limit::PaymentCallbacks, client).await?;
    let signature = headers.get(SIGNATURE_HEADER).and_then(|v| v.to_str().ok());
    receive(&state, signature, &body).await
}

/// The signed-in citizen's bills, newest first.
#[utoipa::path(
    get,
    path = "/account/bills",
    tag = "payments",
    security(("citizen_session" = [])),
    responses((status = 200, description = "Their bills", body = Vec<BillView>), (status = 401, description = "No live session", body = ErrorBody), (status = 408, description = "The request took too long", body = ErrorBody))
)]
async fn list_my_bills(
    State(state): State<AppState>,
    session: CitizenSession,
) -> Result<ApiJson<Vec<BillView>>, ApiError> {
    Ok(ApiJson(
        state
            .store
            .bills_of(&session.phone, riyadh_date(state.now_ms()))
            .await?,
    ))
}

/// Pays one of the citizen's bills through the `log` adapter (development, tests and
/// demos): the adapter records the intent and signs the callback a gateway would send,
/// which goes through the same verification and settlement as the gateway's. Another
/// holder's bill answers the same 404 as one that does not exist.
#[utoipa::path(
    post,
    path = "/account/bills/{number}/pay",
    tag = "payments",
    params(("number" = String, Path, description = "The bill number")),
    security(("citizen_session" = [])),
    responses(
        (status = 200, description = "Paid: the licence is issued", body = PaymentReceipt),
        (status = 401, description = "No live session", body = ErrorBody),
        (status = 404, description = "Not found, not the caller's to see, or the configured adapter takes payment on its own page", body = ErrorBody), (status = 408, description = "The request took too long", body = ErrorBody),
        (status = 409, description = "The bill is already paid, or its time to pay has run out", body = ErrorBody),
    )
)]
async fn pay_bill(
    State(state): State<AppState>,
    session: CitizenSession,
    Path(number): Path<String>,
) -> Result<ApiJson<PaymentReceipt>, ApiError> {
    let number = BillNumber::parse(&number).map_err(|_| ApiError::NotFound)?;
    let now = state.now_ms();
    let bill = state
        .store
        .bill_of(&number, &session.phone, riyadh_date(now))
        .await?
        .ok_or(ApiError::NotFound)?;
    match bill.status {
        BillStatus::Paid => return Err(bill_paid()),
        BillStatus::Expired => return Err(bill_expired()),
        BillStatus::Unpaid => {}
    }
    let intent = PaymentIntent {
        bill: bill.number,
        amount_halalas: bill.amount_halalas,
        reference: bill.reference,
    };
    let adapter = state.payments.clone();
    let callback = tokio::task::spawn_blocking(move || adapter.start(&intent, now))
        .await
        .map_err(anyhow::Error::from)??
        .ok_or(ApiError::NotFound)?;
    receive(&state, Some(&callback.signature), &callback.body).await
}
