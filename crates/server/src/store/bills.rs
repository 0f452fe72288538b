//! Bills in the database: issued inside the approval's transaction of a permit with a fee
//! (with the notice of its expiry queued in the outbox, due the morning after its last
//! day), read by their holder, and settled by a payment's callback, whose transaction
//! issues the licence through the same code as a free permit's approval. The rules
//! (numbers, due dates, status on a day, what a callback must hold) are the domain's; the
//! signature is checked before anything reaches this module.

use nafitha_domain::bill::{
    due_on, expiry_notice_at, paid_in_time, BillNumber, BillStatus, BillView, Payment,
    PaymentReceipt,
};
use nafitha_domain::calendar::{format_rfc3339, riyadh_date, Date};
use nafitha_domain::filing::ServiceName;
use nafitha_domain::licence::LicenceNumber;
use nafitha_domain::{Locale, ReferenceNumber, ServiceKind};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use super::licences::IssuedLicence;
use super::requests::{localized, OutboxMessage};
use super::Store;

/// How many fresh bill numbers to try when one is already taken.
const NUMBER_ATTEMPTS: usize = 5;

/// What an outbox message telling the holder their bill expired is marked with.
const EXPIRY: &str = "bill_expiry";

/// A bill just issued by an approval.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IssuedBill {
    pub number: BillNumber,
    pub amount_halalas: i64,
    pub due_on: Date,
    /// Set when the message asked for is the notice that it expired unpaid.
    pub expired: bool,
}

/// The columns every bill view reads.
const BILL_COLUMNS: &str = "b.id, b.number, b.request_id, b.amount_halalas, b.due_on, b.paid_at, \
     b.payment_id, b.licence_number, b.holder_phone, b.locale, b.service_code, s.name_ar as service_ar, \
     s.name_en as service_en, r.reference from bills b join services s on s.code = b.service_code \
     join requests r on r.id = b.request_id";

fn decode(what: &str) -> sqlx::Error {
    sqlx::Error::Decode(what.to_owned().into())
}

fn number_of(row: &AnyRow) -> Result<BillNumber, sqlx::Error> {
    BillNumber::parse(&row.try_get::<String, _>("number")?)
        .map_err(|_| decode("stored bill number is malformed"))
}

fn due_of(row: &AnyRow) -> Result<Date, sqlx::Error> {
    Date::parse(&row.try_get::<String, _>("due_on")?).ok_or_else(|| decode("due_on"))
}

fn licence_of(row: &AnyRow) -> Result<Option<LicenceNumber>, sqlx::Error> {
    row.try_get::<Option<String>, _>("licence_number")?
        .map(|n| LicenceNumber::parse(&n).map_err(|_| decode("stored licence number is malformed")))
        .transpose()
}

fn view_from_row(row: &AnyRow, today: Date) -> Result<BillView, sqlx::Error> {
    let paid_at: Option<i64> = row.try_get("paid_at")?;
    let due_on = due_of(row)?;
    Ok(BillView {
        number: number_of(row)?,
        reference: ReferenceNumber::parse(&row.try_get::<String, _>("reference")?)
            .map_err(|_| decode("stored reference is malformed"))?,
        service: ServiceName {
            code: row.try_get("service_code")?,
            name: localized(row, "service_ar", "service_en")?,
        },
        amount_halalas: row.try_get("amount_halalas")?,
        due_on,
        status: BillStatus::on(today, due_on, paid_at.is_some()),
        paid_at: paid_at.map(format_rfc3339),
        licence: licence_of(row)?,
    })
}

fn receipt_from_row(row: &AnyRow) -> Result<PaymentReceipt, sqlx::Error> {
    Ok(PaymentReceipt {
        bill_number: number_of(row)?,
        status: BillStatus::Paid,
        payment_id: row.try_get("payment_id")?,
        licence: licence_of(row)?,
    })
}

/// Issues the bill of request `request_id` as it is approved, in the approval's
/// transaction `tx`, when its service is a permit that issues a licence and charges a
/// fee; queues `expiry_notice` (the holder's message should it expire unpaid) due the
/// morning after its last day. `None` when the service charges nothing or issues nothing,
/// or the request already has a bill that is paid or still payable (a request reopened
/// and approved again); one whose time ran out is replaced by a fresh one.
pub(crate) async fn bill_on_approval(
    tx: &mut Transaction<'static, Any>,
    request_id: i64,
    now_ms: i64,
    expiry_notice: impl Fn(&IssuedBill) -> Vec<OutboxMessage>,
) -> Result<Option<IssuedBill>, sqlx::Error> {
    let Some(row) = sqlx::query(
        "select s.kind, s.fee_halalas, s.issues, r.service_code, r.applicant_phone, r.locale \
         from requests r join services s on s.code = r.service_code where r.id = $1",
    )
    .bind(request_id)
    .fetch_optional(&mut **tx)
    .await?
    else {
        return Ok(None);
    };
    let amount: i64 = row.try_get("fee_halalas")?;
    let issues: Option<String> = row.try_get("issues")?;
    let permit =
        ServiceKind::from_code(&row.try_get::<String, _>("kind")?) == Some(ServiceKind::Permit);
    if amount <= 0 || issues.is_none() || !permit {
        return Ok(None);
    }
    let today = riyadh_date(now_ms);
    let standing = sqlx::query(
        "select id from bills where request_id = $1 and (paid_at is not null or due_on >= $2)",
    )
    .bind(request_id)
    .bind(today.to_string())
    .fetch_optional(&mut **tx)
    .await?;
    if standing.is_some() {
        return Ok(None);
    }
    let due_on = due_on(today);
    for _ in 0..NUMBER_ATTEMPTS {
        let number = BillNumber::from_body(rand::random());
        let inserted = sqlx::query(
            "insert into bills (number, request_id, service_code, holder_phone, locale, amount_halalas, \
             due_on, created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $8) \
             on conflict (number) do nothing returning id",
        )
        .bind(number.as_str())
        .bind(request_id)
        .bind(row.try_get::<String, _>("service_code")?)
        .bind(row.try_get::<String, _>("applicant_phone")?)
        .bind(row.try_get::<String, _>("locale")?)
        .bind(amount)
        .bind(due_on.to_string())
        .bind(now_ms)
        .fetch_optional(&mut **tx)
        .await?;
        if inserted.is_some() {
            let bill = IssuedBill {
                number,
                amount_halalas: amount,
                due_on,
                expired: false,
            };
            super::outbox::withdraw_due(tx, request_id, EXPIRY).await?;
            let notice = IssuedBill {
                expired: true,
                ..bill.clone()
            };
            for message in expiry_notice(&notice) {
                super::outbox::queue_due(
                    tx,
                    request_id,
                    &message,
                    expiry_notice_at(due_on),
                    EXPIRY,
                    now_ms,
                )
                .await?;
            }
            return Ok(Some(bill));
        }
    }
    Err(sqlx::Error::Protocol(
        "no free bill number after several tries".into(),
    ))
}

/// Whom a paid bill's messages go to, and what its payment did.
pub struct PaidNotice<'a> {
    pub reference: &'a ReferenceNumber,
    pub bill: &'a BillNumber,
    pub amount_halalas: i64,
    pub phone: &'a str,
    pub locale: Locale,
    /// The licence the payment issued or extended (with `reminder` set, the message asked
    /// for is its expiry reminder, queued to be sent later).
    pub licence: Option<&'a IssuedLicence>,
}

/// What became of a payment's callback.
#[derive(Debug, PartialEq, Eq)]
pub enum Settlement {
    /// The bill is paid now (and its licence issued).
    Paid(PaymentReceipt),
    /// This payment was recorded before: the same answer, nothing changed.
    Replay(PaymentReceipt),
    /// No bill has this number.
    NotFound,
    /// The amount is not the bill's (which is given).
    WrongAmount(i64),
    /// The bill was paid by another payment.
    AlreadyPaid,
    /// The payment id settled another bill, or this one for another amount.
    PaymentIdUsed,
    /// The payment was made after the bill's last day.
    Expired,
}

impl Store {
    /// The bills issued to `phone`, newest first, as they stand on `today`.
    pub async fn bills_of(&self, phone: &str, today: Date) -> Result<Vec<BillView>, sqlx::Error> {
        let rows = sqlx::query(&format!(
            "select {BILL_COLUMNS} where b.holder_phone = $1 order by b.id desc limit 500"
        ))
        .bind(phone)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(|row| view_from_row(row, today)).collect()
    }

    /// The bill `number` of the holder with `phone`, on `today`; `None` when it is not
    /// theirs (or does not exist).
    pub async fn bill_of(
        &self,
        number: &BillNumber,
        phone: &str,
        today: Date,
    ) -> Result<Option<BillView>, sqlx::Error> {
        let Some(row) = sqlx::query(&format!("select {BILL_COLUMNS} where b.number = $1"))
            .bind(number.as_str())
            .fetch_optional(self.pool())
            .await?
        else {
            return Ok(None);
        };
        if row.try_get::<String, _>("holder_phone")? != phone {
            return Ok(None);
        }
        view_from_row(&row, today).map(Some)
    }

    /// Settles a bill with `payment` (its signature already verified), in one
    /// transaction: the bill is marked paid, the licence issued (or extended) by the same
    /// code as a free permit's approval, the notice of expiry withdrawn, and the holder's
    /// messages (built by `notify`, for the payment and for each of the licence's expiry
    /// reminders) queued. The same payment again is answered as before, changing nothing.
    pub async fn settle_bill(
        &self,
        payment: &Payment,
        actor: &str,
        now_ms: i64,
        notify: &(dyn Fn(&PaidNotice<'_>) -> Vec<OutboxMessage> + Send + Sync),
    ) -> Result<Settlement, sqlx::Error> {
        let _turn = self.write_turn().await;
        let mut tx = self.begin_write().await?;
        let Some(row) = sqlx::query(&format!("select {BILL_COLUMNS} where b.number = $1"))
            .bind(payment.bill.as_str())
            .fetch_optional(&mut *tx)
            .await?
        else {
            return Ok(Settlement::NotFound);
        };
        let amount: i64 = row.try_get("amount_halalas")?;
        let paid_with: Option<String> = row.try_get("payment_id")?;
        if let Some(paid_with) = paid_with {
            return Ok(if paid_with != payment.payment_id {
                Settlement::AlreadyPaid
            } else if amount != payment.amount_halalas {
                Settlement::PaymentIdUsed
            } else {
                Settlement::Replay(receipt_from_row(&row)?)
            });
        }
        let used = sqlx::query("select id from bills where payment_id = $1")
            .bind(&payment.payment_id)
            .fetch_optional(&mut *tx)
            .await?;
        if used.is_some() {
            return Ok(Settlement::PaymentIdUsed);
        }
        if amount != payment.amount_halalas {
            return Ok(Settlement::WrongAmount(amount));
        }
        if !paid_in_time(payment.paid_at, due_of(&row)?) {
            return Ok(Settlement::Expired);
        }
        let id: i64 = row.try_get("id")?;
        let request_id: i64 = row.try_get("request_id")?;
        // Conditional on its being unpaid: of two payments at once, one settles it.
        let settled = sqlx::query(
            "update bills set paid_at = $1, payment_id = $2, updated_at = $3 \
             where id = $4 and paid_at is null",
        )
        .bind(payment.paid_at)
        .bind(&payment.payment_id)
        .bind(now_ms)
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if settled != 1 {
            return Ok(Settlement::AlreadyPaid);
        }
        let licence = super::licences::issue_on_payment(&mut tx, request_id, actor, now_ms).await?;
        if let Some(licence) = &licence {
            sqlx::query("update bills set licence_number = $1 where id = $2")
                .bind(licence.number.as_str())
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        super::outbox::withdraw_due(&mut tx, request_id, EXPIRY).await?;
        let reference = ReferenceNumber::parse(&row.try_get::<String, _>("reference")?)
            .map_err(|_| decode("stored reference is malformed"))?;
        let phone: String = row.try_get("holder_phone")?;
        let notice = PaidNotice {
            reference: &reference,
            bill: &payment.bill,
            amount_halalas: amount,
            phone: &phone,
            locale: Locale::from_tag(&row.try_get::<String, _>("locale")?).unwrap_or_default(),
            licence: licence.as_ref(),
        };
        self.queue_messages(
            &mut tx,
            &notify(&notice),
            Some(request_id),
            now_ms,
            super::outbox::SmsCap::CountOnly,
        )
        .await?;
        if let Some(licence) = &licence {
            super::licences::schedule_reminders(&mut tx, licence, now_ms, |reminder| {
                notify(&PaidNotice {
                    licence: Some(reminder),
                    ..notice
                })
            })
            .await?;
        }
        tx.commit().await?;
        Ok(Settlement::Paid(PaymentReceipt {
            bill_number: payment.bill.clone(),
            status: BillStatus::Paid,
            payment_id: payment.payment_id.clone(),
            licence: licence.map(|l| l.number),
        }))
    }
}
