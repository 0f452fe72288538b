//! The holders' app's endpoints (its app only, decision 0014): the signed-in holder's
//! licences and bills, renewal, and anyone's verification of a licence.

use gloo_net::http::Request;
use nafitha_domain::bill::{BillNumber, BillView, PaymentReceipt};
use nafitha_domain::filing::FiledRequest;
use nafitha_domain::licence::{
    Licence, LicenceNumber, LicenceSummary, LicenceVerification, RenewLicence,
};
use nafitha_domain::Locale;

use leptos::prelude::*;

use super::{decode, fetch, load, to_json, ApiError, Loaded};

/// `GET /api/v1/account/licences`
pub fn list_my_licences() -> Loaded<Vec<LicenceSummary>> {
    load(|| Some("/api/v1/account/licences".to_owned()))
}

/// `GET /api/v1/account/bills`
pub fn list_my_bills() -> Loaded<Vec<BillView>> {
    load(|| Some("/api/v1/account/bills".to_owned()))
}

/// `GET /api/v1/account/licences/{number}`; nothing while the number is not well formed.
pub fn get_my_licence(number: Memo<Option<LicenceNumber>>) -> Loaded<Licence> {
    load(move || {
        number
            .get()
            .map(|n| format!("/api/v1/account/licences/{n}"))
    })
}

/// `GET /api/v1/licences/{number}`: what anyone sees of a licence.
pub fn verify_licence(number: Memo<Option<LicenceNumber>>) -> Loaded<LicenceVerification> {
    load(move || number.get().map(|n| format!("/api/v1/licences/{n}")))
}

/// `POST /api/v1/account/bills/{number}/pay`, through the payment adapter the server runs.
pub async fn pay_bill(number: &BillNumber, locale: Locale) -> Result<PaymentReceipt, ApiError> {
    let path = format!("/api/v1/account/bills/{number}/pay");
    decode(fetch(Request::post(&path), None, locale).await)
}

/// `POST /api/v1/account/licences/{number}/renew`, with the draft's idempotency key: a
/// renewal sent again (a retry after a lost answer) is filed once.
pub async fn renew_licence(
    number: &LicenceNumber,
    body: &RenewLicence,
    idempotency_key: &str,
) -> Result<FiledRequest, ApiError> {
    let path = format!("/api/v1/account/licences/{number}/renew");
    let request = Request::post(&path).header("Idempotency-Key", idempotency_key);
    decode(fetch(request, Some(to_json(body)?), body.locale).await)
}
