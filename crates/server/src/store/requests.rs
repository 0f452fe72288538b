//! Filed requests: filing (with its idempotency key, first event and notifications, all
//! in one transaction) and the public tracking view.

use nafitha_domain::backoffice::is_overdue;
use nafitha_domain::calendar::{format_rfc3339, riyadh_date, Date};
use nafitha_domain::filing::{
    Channel, FiledRequest, ServiceName, TimelineEntry, TrackedRequest, ValidRequest,
};
use nafitha_domain::lifecycle::RequestStatus;
use nafitha_domain::{AgencyRef, Contact, DepartmentRef, Locale, Localized, ReferenceNumber};
use sqlx::any::AnyRow;
use sqlx::Row;

use futures_util::FutureExt;

use super::group::{Later, Step, Tx};
use super::Store;

/// A message to send once the transaction commits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutboxMessage {
    pub channel: &'static str,
    pub recipient: String,
    pub subject: Option<String>,
    pub body: String,
    /// The body carries a secret (a sign-in code): blanked once sent.
    pub sensitive: bool,
}

/// Everything needed to store one filing, owned: on SQLite the group commit's task
/// writes it (`store::group`).
pub struct Filing {
    pub service_code: String,
    pub agency_code: String,
    pub department_code: String,
    pub request: ValidRequest,
    pub locale: Locale,
    pub channel: Channel,
    /// Who filed, as the audit trail writes it: `applicant`, `staff:<username>` (who took
    /// it for the applicant) or `partner:<key id>`. Never shown to the public.
    pub actor: String,
    /// The partner's key it was filed with (a partner follows its own filings).
    pub api_key: Option<i64>,
    pub idempotency_key: String,
    pub body_hash: String,
    /// The reference to give it; when another request has it, nothing is stored and the
    /// caller tries again with a fresh one (`FilingOutcome::ReferenceTaken`).
    pub reference: ReferenceNumber,
    pub now_ms: i64,
    pub due_on: Date,
    /// The uploads this request brings: (the question it answers, or "" for the top-level
    /// list; the upload id).
    pub uploads: Vec<(String, String)>,
    /// The limits this filing is charged against (per client, per phone), in its
    /// transaction; a replay is never charged.
    pub limits: Vec<super::limits::Charge>,
    /// The messages to send once it is stored (they name `reference`).
    pub messages: Vec<OutboxMessage>,
    /// The time booked with the filing, and its reminder (when to send it, and what).
    pub appointment: Option<FiledBooking>,
    /// The licence (its row id) the request asks to renew: approving it extends that one.
    pub renews: Option<i64>,
}

/// A booking made with a filing.
pub struct FiledBooking {
    pub booking: super::appointments::Booking,
    pub reminder: Option<(i64, OutboxMessage)>,
}

/// What became of a filing.
#[derive(Debug, PartialEq, Eq)]
pub enum FilingOutcome {
    /// A new request.
    Created(FiledRequest),
    /// The same key and the same body were seen before: the first request, unchanged.
    Replayed(FiledRequest),
    /// Over a limit: nothing was stored.
    Limited(super::limits::Refused),
    /// The key was used before with a different body.
    KeyReused,
    /// An upload does not exist, belongs to another question or service, or is already
    /// part of another request; names the question (or `attachments`).
    UnknownUpload(String),
    /// The time chosen has no place left: nothing was stored.
    SlotFull,
    /// Another request has the reference chosen: nothing was stored (at 12 digits and a
    /// few million requests, about one filing in ten thousand; two in a row, never).
    ReferenceTaken,
}

fn decode_err(what: &str) -> sqlx::Error {
    sqlx::Error::Decode(what.to_owned().into())
}

pub(crate) fn status_of(row: &AnyRow) -> Result<RequestStatus, sqlx::Error> {
    let code: String = row.try_get("status")?;
    RequestStatus::from_code(&code).ok_or_else(|| decode_err("unknown request status"))
}

/// How the request in `row` (its `channel` column) came in.
pub(crate) fn channel_of(row: &AnyRow) -> Result<Channel, sqlx::Error> {
    Channel::from_code(&row.try_get::<String, _>("channel")?)
        .ok_or_else(|| decode_err("unknown channel"))
}

/// The channel of the history event in `row` (its `channel` column), if it has one.
pub(crate) fn event_channel(row: &AnyRow) -> Result<Option<Channel>, sqlx::Error> {
    row.try_get::<Option<String>, _>("channel")?
        .map(|code| Channel::from_code(&code).ok_or_else(|| decode_err("unknown channel")))
        .transpose()
}

fn filed_from_row(row: &AnyRow) -> Result<FiledRequest, sqlx::Error> {
    let reference: String = row.try_get("reference")?;
    let due_on: String = row.try_get("due_on")?;
    Ok(FiledRequest {
        reference: ReferenceNumber::parse(&reference)
            .map_err(|_| decode_err("stored reference is malformed"))?,
        status: status_of(row)?,
        service_code: row.try_get("service_code")?,
        submitted_at: format_rfc3339(row.try_get("submitted_at")?),
        due_on: Date::parse(&due_on).ok_or_else(|| decode_err("stored due date is malformed"))?,
    })
}

pub(crate) fn localized(row: &AnyRow, ar: &str, en: &str) -> Result<Localized, sqlx::Error> {
    Ok(Localized::new(
        row.try_get::<String, _>(ar)?,
        row.try_get::<String, _>(en)?,
    ))
}

/// What an earlier filing with the same key became, read in `tx` (on SQLite, that filing
/// may be in the same group, not yet committed).
async fn replay(tx: &mut Tx, key: &str, body_hash: &str) -> Result<FilingOutcome, sqlx::Error> {
    let row = sqlx::query(
        "select k.body_hash, r.reference, r.status, r.service_code, r.submitted_at, r.due_on \
         from idempotency_keys k join requests r on r.reference = k.reference where k.key = $1",
    )
    .bind(key)
    .fetch_one(&mut **tx)
    .await?;
    if row.try_get::<String, _>("body_hash")? != body_hash {
        return Ok(FilingOutcome::KeyReused);
    }
    Ok(FilingOutcome::Replayed(filed_from_row(&row)?))
}

impl Store {
    /// Stores a filing, or recognises a replay of an earlier one by its idempotency key.
    /// Answers once the filing is committed: on SQLite, with the filings waiting beside it
    /// (`store::group`).
    pub async fn file_request(&self, filing: Filing) -> Result<FilingOutcome, sqlx::Error> {
        let store = self.clone();
        let outcome = self
            .write_grouped(Box::new(move |mut tx| {
                async move {
                    let result = store.write_filing(&mut tx, &filing).await;
                    (tx, result)
                }
                .boxed()
            }))
            .await?;
        if matches!(outcome, FilingOutcome::Created(_)) {
            self.stats_changed();
        }
        Ok(outcome)
    }

    /// The filing's writes, in `tx`: kept when the request was created, undone otherwise.
    async fn write_filing(
        &self,
        tx: &mut Tx,
        filing: &Filing,
    ) -> Result<Step<FilingOutcome>, sqlx::Error> {
        // The key goes in first, with the reference it is to name (undone with the rest
        // if the filing is): on PostgreSQL a concurrent twin waits here, then finds the
        // key taken; on SQLite twins are written one after the other anyway.
        let claimed = sqlx::query(
            "insert into idempotency_keys (key, body_hash, reference, created_at) values ($1, $2, $3, $4) \
             on conflict (key) do nothing",
        )
        .bind(&filing.idempotency_key)
        .bind(&filing.body_hash)
        .bind(filing.reference.as_str())
        .bind(filing.now_ms)
        .execute(&mut **tx)
        .await?
        .rows_affected();
        if claimed == 0 {
            let replayed = replay(tx, &filing.idempotency_key, &filing.body_hash).await?;
            return Ok(Step::Undo(replayed));
        }
        for charge in &filing.limits {
            if let Some(refused) = super::limits::charge(tx, charge, filing.now_ms).await? {
                return Ok(Step::Undo(FilingOutcome::Limited(refused)));
            }
        }

        let applicant = &filing.request.applicant;
        let answers = serde_json::Value::Object(filing.request.answers.clone()).to_string();
        let location = filing.request.location.as_ref().map(ToString::to_string);
        let reference = &filing.reference;
        let row = sqlx::query(
            "insert into requests (reference, service_code, agency_code, department_code, status, locale, \
             channel, applicant_name, applicant_phone, applicant_email, applicant_national_id, \
             applicant_cr_number, answers, location, submitted_at, due_on, updated_at, api_key_id) \
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $15, $17) \
             on conflict (reference) do nothing returning id",
        )
        .bind(reference.as_str())
        .bind(&filing.service_code)
        .bind(&filing.agency_code)
        .bind(&filing.department_code)
        .bind(RequestStatus::Submitted.code())
        .bind(filing.locale.tag())
        .bind(filing.channel.code())
        .bind(&applicant.name)
        .bind(&applicant.phone)
        .bind(applicant.email.as_deref())
        .bind(applicant.national_id.as_deref())
        .bind(applicant.cr_number.as_deref())
        .bind(&answers)
        .bind(location.as_deref())
        .bind(filing.now_ms)
        .bind(filing.due_on.to_string())
        .bind(filing.api_key)
        .fetch_optional(&mut **tx)
        .await?;
        let Some(row) = row else {
            return Ok(Step::Undo(FilingOutcome::ReferenceTaken));
        };
        let id: i64 = row.try_get("id")?;

        for (field, upload) in &filing.uploads {
            let linked = sqlx::query(
                "update uploads set request_id = $1 where id = $2 and service_code = $3 \
                 and ($4 = '' or field_id = $4) and request_id is null",
            )
            .bind(id)
            .bind(upload)
            .bind(&filing.service_code)
            .bind(field)
            .execute(&mut **tx)
            .await?
            .rows_affected();
            if linked != 1 {
                let field = if field.is_empty() {
                    "attachments".to_owned()
                } else {
                    field.clone()
                };
                return Ok(Step::Undo(FilingOutcome::UnknownUpload(field)));
            }
        }
        if let Some(licence) = filing.renews {
            sqlx::query("insert into licence_renewals (request_id, licence_id) values ($1, $2)")
                .bind(id)
                .bind(licence)
                .execute(&mut **tx)
                .await?;
        }
        if let Some(filed) = &filing.appointment {
            let booking = &filed.booking;
            if !super::appointments::take_place(
                tx,
                &filing.service_code,
                booking.start,
                booking.capacity,
            )
            .await?
            {
                return Ok(Step::Undo(FilingOutcome::SlotFull));
            }
            super::appointments::store_booking(
                tx,
                id,
                reference,
                &filing.service_code,
                booking,
                filing.now_ms,
            )
            .await?;
        }
        sqlx::query(
            "insert into request_events (request_id, kind, status, department_code, public, actor, message, \
             channel, created_at) values ($1, 'submitted', $2, $3, 1, $4, null, $5, $6)",
        )
        .bind(id)
        .bind(RequestStatus::Submitted.code())
        .bind(&filing.department_code)
        .bind(&filing.actor)
        .bind(filing.channel.code())
        .bind(filing.now_ms)
        .execute(&mut **tx)
        .await?;
        let counted = super::stats::Counted {
            id,
            filed_on: riyadh_date(filing.now_ms),
            due_on: filing.due_on,
            channel: filing.channel,
            place: super::stats::Place {
                agency: &filing.agency_code,
                department: &filing.department_code,
                service: &filing.service_code,
            },
        };
        let mut changes = super::stats::Changes::new(self.engine());
        changes.filed(&counted);
        if let Some(refused) = self
            .charge_messages(
                tx,
                &filing.messages,
                filing.now_ms,
                super::outbox::SmsCap::Enforce,
            )
            .await?
        {
            return Ok(Step::Undo(FilingOutcome::Limited(refused)));
        }
        if let Some((send_at, reminder)) = filing
            .appointment
            .as_ref()
            .and_then(|a| a.reminder.as_ref())
        {
            super::appointments::queue_reminder(tx, id, reminder, *send_at, filing.now_ms).await?;
        }
        // The counts and the messages are written at the end of the transaction, with
        // those of the filings committed beside this one (`group::Later`).
        let later = Later::default().stats(changes).messages(
            filing.messages.clone(),
            Some(id),
            filing.now_ms,
        );
        let created = FilingOutcome::Created(FiledRequest {
            reference: reference.clone(),
            status: RequestStatus::Submitted,
            service_code: filing.service_code.clone(),
            submitted_at: format_rfc3339(filing.now_ms),
            due_on: filing.due_on,
        });
        Ok(Step::Keep(created, later))
    }

    /// The public view of a request, by reference; `today` decides "overdue".
    pub async fn track_request(
        &self,
        reference: &ReferenceNumber,
        today: Date,
    ) -> Result<Option<TrackedRequest>, sqlx::Error> {
        let Some(row) = sqlx::query(
            "select r.id, r.reference, r.status, r.submitted_at, r.due_on, \
             s.code as service_code, s.name_ar as service_ar, s.name_en as service_en, \
             a.code as agency_code, a.name_ar as agency_ar, a.name_en as agency_en, a.phone, a.email, \
             d.code as department_code, d.name_ar as department_ar, d.name_en as department_en \
             from requests r join services s on s.code = r.service_code \
             join agencies a on a.code = r.agency_code join departments d on d.code = r.department_code \
             where r.reference = $1",
        )
        .bind(reference.as_str())
        .fetch_optional(self.pool())
        .await?
        else {
            return Ok(None);
        };
        let id: i64 = row.try_get("id")?;
        let events = sqlx::query(
            "select e.kind, e.status, e.channel, e.created_at, d.code as department_code, d.name_ar as department_ar, \
             d.name_en as department_en from request_events e join departments d on d.code = e.department_code \
             where e.request_id = $1 and e.public = 1 and e.kind <> 'reply' order by e.id",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?;
        let timeline = events
            .iter()
            .map(|e| {
                Ok(TimelineEntry {
                    kind: e.try_get("kind")?,
                    channel: event_channel(e)?,
                    status: status_of(e)?,
                    department: DepartmentRef {
                        code: e.try_get("department_code")?,
                        name: localized(e, "department_ar", "department_en")?,
                    },
                    at: format_rfc3339(e.try_get("created_at")?),
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()?;
        let filed = filed_from_row(&row)?;
        Ok(Some(TrackedRequest {
            overdue: is_overdue(filed.status, filed.due_on, today),
            reference: filed.reference,
            status: filed.status,
            service: ServiceName {
                code: filed.service_code,
                name: localized(&row, "service_ar", "service_en")?,
            },
            agency: AgencyRef {
                code: row.try_get("agency_code")?,
                name: localized(&row, "agency_ar", "agency_en")?,
            },
            department: DepartmentRef {
                code: row.try_get("department_code")?,
                name: localized(&row, "department_ar", "department_en")?,
            },
            submitted_at: filed.submitted_at,
            due_on: filed.due_on,
            timeline,
            contact: Contact {
                phone: row.try_get("phone")?,
                email: row.try_get("email")?,
            },
        }))
    }
}
