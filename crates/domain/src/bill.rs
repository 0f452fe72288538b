//! Bills: what the approval of a permit with a fee issues instead of its licence, and
//! every rule both sides agree on about one. Its number (checked like a reference or a
//! licence number, but fourteen digits so it is never taken for either), its due date, its
//! status on a given day, the holder's view of it, and the body of a payment's callback.
//! Signing, storing and sending are the server's business, not this module's.

use serde::{Deserialize, Serialize};

use crate::answers::InvalidAnswer;
use crate::calendar::{parse_datetime_ms, riyadh_midnight_ms, Date};
use crate::filing::ServiceName;
use crate::licence::LicenceNumber;
use crate::locale::{Locale, Localized};
use crate::reference::check_digit_number;
use crate::ReferenceNumber;

/// Digits in a bill number, check digit included (two more than a reference number and
/// four more than a licence number, so none is mistaken for another).
pub const BILL_LEN: usize = 14;
/// The random part of a bill number is a number below this.
pub const BILL_BODY_LIMIT: u64 = 10_000_000_000_000;
/// A bill is paid within this many days of its issue: its last day to pay is the issue
/// day (Riyadh) plus this many days.
pub const BILL_DUE_DAYS: i64 = 14;
/// The holder is told a bill expired at this hour, Riyadh time, the day after its last
/// day to pay.
pub const EXPIRY_NOTICE_HOUR: i64 = 9;
/// Longest payment id a gateway may send.
pub const MAX_PAYMENT_ID_LENGTH: usize = 128;

/// A well-formed bill number: fourteen digits, the last a Damm check digit (as reference
/// and licence numbers have: every single-digit error and every swap of adjacent digits
/// is caught).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct BillNumber(String);

/// Why a typed bill number is not one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BillNumberError {
    /// Something other than digits, spaces and hyphens.
    NotDigits,
    /// Not fourteen digits.
    WrongLength,
    /// Fourteen digits, but the check digit does not match: a typing mistake.
    CheckDigit,
}

impl BillNumberError {
    pub fn message(self) -> Localized {
        match self {
            BillNumberError::NotDigits => Localized::new(
                "رقم الفاتورة يتكون من أرقام فقط",
                "A bill number has digits only",
            ),
            BillNumberError::WrongLength => Localized::new(
                format!("رقم الفاتورة يتكون من {BILL_LEN} رقمًا"),
                format!("A bill number has {BILL_LEN} digits"),
            ),
            BillNumberError::CheckDigit => Localized::new(
                "رقم الفاتورة غير صحيح، تحقق من الأرقام كما هي مكتوبة في الرسالة",
                "This bill number is not right. Check the digits against the message",
            ),
        }
    }
}

check_digit_number!(BillNumber, BillNumberError, 14, 4, "A bill number");

/// The last day to pay a bill issued on `today` (Riyadh).
pub fn due_on(today: Date) -> Date {
    today.add_days(BILL_DUE_DAYS)
}

/// When the holder of a bill unpaid through `due_on` is told it expired: at
/// [`EXPIRY_NOTICE_HOUR`] Riyadh time the day after (Unix ms).
pub fn expiry_notice_at(due_on: Date) -> i64 {
    riyadh_midnight_ms(due_on.add_days(1)) + EXPIRY_NOTICE_HOUR * 3_600_000
}

/// An amount in halalas as people read it: `SAR 100.00`, `100.00 ريال`.
pub fn format_amount(halalas: i64, locale: Locale) -> String {
    let amount = format!("{}.{:02}", halalas / 100, halalas % 100);
    match locale {
        Locale::Ar => format!("{amount} ريال"),
        Locale::En => format!("SAR {amount}"),
    }
}

/// Where a bill stands on a day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum BillStatus {
    Unpaid,
    Paid,
    Expired,
}

impl BillStatus {
    pub fn code(self) -> &'static str {
        match self {
            BillStatus::Unpaid => "unpaid",
            BillStatus::Paid => "paid",
            BillStatus::Expired => "expired",
        }
    }

    pub fn label(self, locale: Locale) -> &'static str {
        match (self, locale) {
            (BillStatus::Unpaid, Locale::Ar) => "غير مدفوعة",
            (BillStatus::Unpaid, Locale::En) => "Not paid",
            (BillStatus::Paid, Locale::Ar) => "مدفوعة",
            (BillStatus::Paid, Locale::En) => "Paid",
            (BillStatus::Expired, Locale::Ar) => "انتهت مهلة الدفع",
            (BillStatus::Expired, Locale::En) => "Time to pay ran out",
        }
    }

    /// The status on `today` (Riyadh) of a bill payable through `due_on`, paid or not:
    /// paid is final; unpaid through its last day; expired the day after. Not stored, so
    /// nothing has to run at midnight for a bill to expire.
    pub fn on(today: Date, due_on: Date, paid: bool) -> BillStatus {
        if paid {
            BillStatus::Paid
        } else if today > due_on {
            BillStatus::Expired
        } else {
            BillStatus::Unpaid
        }
    }
}

/// True when a payment made at `paid_at` (Unix ms) settles a bill payable through
/// `due_on`: made by the end of its last day (Riyadh), whenever its callback arrives.
pub fn paid_in_time(paid_at: i64, due_on: Date) -> bool {
    paid_at < riyadh_midnight_ms(due_on.add_days(1))
}

/// A bill, as its holder sees it (in "My bills" and on its request's page).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BillView {
    pub number: BillNumber,
    /// The request whose approval issued it.
    pub reference: ReferenceNumber,
    pub service: ServiceName,
    pub amount_halalas: i64,
    /// The last day to pay (Riyadh).
    pub due_on: Date,
    pub status: BillStatus,
    /// When it was paid (RFC 3339, UTC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paid_at: Option<String>,
    /// The licence its payment issued (or extended).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub licence: Option<LicenceNumber>,
}

/// The body of `POST /api/v1/payments/callback`, as the payment gateway signs and sends
/// it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PaymentCallback {
    pub bill_number: String,
    pub amount_halalas: i64,
    /// When the payment was made (RFC 3339).
    pub paid_at: String,
    /// The gateway's id of the payment: a callback sent again with it changes nothing.
    pub payment_id: String,
}

/// A payment's callback, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Payment {
    pub bill: BillNumber,
    pub amount_halalas: i64,
    /// Unix ms.
    pub paid_at: i64,
    pub payment_id: String,
}

fn invalid(field: &str, ar: impl Into<String>, en: impl Into<String>) -> InvalidAnswer {
    InvalidAnswer {
        field: field.to_owned(),
        message: Localized::new(ar, en),
    }
}

impl PaymentCallback {
    /// Checks every field; each bad one is named.
    pub fn validate(&self) -> Result<Payment, Vec<InvalidAnswer>> {
        let mut problems = Vec::new();
        let bill = BillNumber::parse(&self.bill_number)
            .map_err(|e| {
                problems.push(InvalidAnswer {
                    field: "bill_number".into(),
                    message: e.message(),
                })
            })
            .ok();
        if self.amount_halalas <= 0 {
            problems.push(invalid(
                "amount_halalas",
                "المبلغ بالهللات أكبر من صفر",
                "The amount in halalas must be more than zero",
            ));
        }
        let paid_at = parse_datetime_ms(&self.paid_at);
        if paid_at.is_none() {
            problems.push(invalid(
                "paid_at",
                "وقت الدفع بصيغة RFC 3339",
                "The time of payment must be an RFC 3339 date-time",
            ));
        }
        let id = self.payment_id.trim();
        let id_ok = !id.is_empty()
            && id.len() <= MAX_PAYMENT_ID_LENGTH
            && id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'));
        if !id_ok {
            problems.push(invalid(
                "payment_id",
                format!(
                    "معرّف الدفع من 1 إلى {MAX_PAYMENT_ID_LENGTH} حرفًا لاتينيًا أو رقمًا أو - _ . :"
                ),
                format!(
                    "The payment id is 1 to {MAX_PAYMENT_ID_LENGTH} letters, digits, - _ . or :"
                ),
            ));
        }
        match (bill, paid_at) {
            (Some(bill), Some(paid_at)) if problems.is_empty() => Ok(Payment {
                bill,
                amount_halalas: self.amount_halalas,
                paid_at,
                payment_id: id.to_owned(),
            }),
            _ => Err(problems),
        }
    }
}

/// What a payment's callback (and the holder's payment through the test adapter) is
/// answered with: the same for the same payment however often it is sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PaymentReceipt {
    pub bill_number: BillNumber,
    pub status: BillStatus,
    pub payment_id: String,
    /// The licence the payment issued (or extended).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub licence: Option<LicenceNumber>,
}

/// The refusal of a payment whose amount is not the bill's.
pub fn wrong_amount(expected: i64) -> Localized {
    Localized::new(
        format!(
            "المبلغ لا يساوي مبلغ الفاتورة ({})",
            format_amount(expected, Locale::Ar)
        ),
        format!(
            "The amount is not the bill's ({})",
            format_amount(expected, Locale::En)
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::licence::LICENCE_LEN;
    use crate::reference::REFERENCE_LEN;

    fn day(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

    #[test]
    fn every_bill_number_has_fourteen_digits_and_catches_single_errors_and_swaps() {
        const { assert!(BILL_LEN != LICENCE_LEN && BILL_LEN != REFERENCE_LEN) };
        for i in 1..=300u64 {
            let number =
                BillNumber::from_body(i.wrapping_mul(6_364_136_223_846_793_005) % BILL_BODY_LIMIT);
            assert_eq!(number.as_str().len(), BILL_LEN);
            assert_eq!(BillNumber::parse(number.as_str()), Ok(number.clone()));
            assert_eq!(BillNumber::parse(&number.grouped()), Ok(number.clone()));
            let good: Vec<u8> = number.as_str().bytes().collect();
            for position in 0..BILL_LEN {
                let mut typed = good.clone();
                typed[position] = if good[position] == b'9' {
                    b'0'
                } else {
                    good[position] + 1
                };
                let typed = String::from_utf8(typed).unwrap();
                assert_eq!(BillNumber::parse(&typed), Err(BillNumberError::CheckDigit));
                if position + 1 < BILL_LEN && good[position] != good[position + 1] {
                    let mut typed = good.clone();
                    typed.swap(position, position + 1);
                    let typed = String::from_utf8(typed).unwrap();
                    assert_eq!(BillNumber::parse(&typed), Err(BillNumberError::CheckDigit));
                }
            }
        }
        assert_eq!(BillNumber::parse("1234x"), Err(BillNumberError::NotDigits));
        assert_eq!(
            BillNumber::parse("1234567890"),
            Err(BillNumberError::WrongLength)
        );
    }

    #[test]
    fn a_bill_is_due_in_fourteen_days_and_expires_the_day_after() {
        let issued = day("2026-12-06");
        let due = due_on(issued);
        assert_eq!(due, day("2026-12-20"));
        assert_eq!(BillStatus::on(due, due, false), BillStatus::Unpaid);
        assert_eq!(
            BillStatus::on(day("2026-12-21"), due, false),
            BillStatus::Expired
        );
        assert_eq!(
            BillStatus::on(day("2027-01-01"), due, true),
            BillStatus::Paid
        );
        let notice = expiry_notice_at(due);
        assert_eq!(
            notice,
            parse_datetime_ms("2026-12-21T09:00:00+03:00").unwrap()
        );
        let last_moment = parse_datetime_ms("2026-12-20T23:59:59+03:00").unwrap();
        assert!(paid_in_time(last_moment, due));
        assert!(!paid_in_time(last_moment + 1000, due));
    }

    #[test]
    fn amounts_read_in_riyals_with_halalas() {
        assert_eq!(format_amount(10_000, Locale::En), "SAR 100.00");
        assert_eq!(format_amount(5, Locale::Ar), "0.05 ريال");
    }

    #[test]
    fn a_callback_is_checked_and_every_bad_field_named() {
        let number = BillNumber::from_body(42);
        let good = PaymentCallback {
            bill_number: number.to_string(),
            amount_halalas: 10_000,
            paid_at: "2026-12-06T10:00:00+03:00".into(),
            payment_id: "pay_0001".into(),
        };
        let payment = good.validate().unwrap();
        assert_eq!(payment.bill, number);
        assert_eq!(payment.payment_id, "pay_0001");
        let bad = PaymentCallback {
            bill_number: "123".into(),
            amount_halalas: 0,
            paid_at: "yesterday".into(),
            payment_id: "a b".into(),
        };
        let fields: Vec<String> = bad
            .validate()
            .unwrap_err()
            .into_iter()
            .map(|p| p.field)
            .collect();
        assert_eq!(
            fields,
            ["bill_number", "amount_halalas", "paid_at", "payment_id"]
        );
    }
}
