//! Filed requests: filing (with its idempotency key, first event and notifications, all
//! in one transaction) and the public tracking view.

use nafitha_domain::backoffice::is_overdue;
use nafitha_domain::calendar::{format_rfc3339, riyadh_date, Date};
use nafitha_domain::filing::{
    Channel, FiledRequest, ServiceName, TimelineEntry, TrackedRequest, ValidRequest,
};
use nafitha_domain::lifecycle::RequestStatus;
use nafitha_domain::{
    AgencyRef, Contact, DepartmentRef, Locale, Localized, ReferenceNumber, ServiceDetail,
};
use sqlx::any::AnyRow;
use sqlx::Row;

use super::Store;

/// How many fresh reference numbers to try when one is already taken (at 12 digits and
/// a few million requests a clash is about one in ten thousand; two in a row, never).
const REFERENCE_ATTEMPTS: usize = 5;

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

/// Builds a message for the reference a request ends up with.
pub type MessageFor<'a> = dyn Fn(&ReferenceNumber) -> OutboxMessage + Send + Sync + 'a;

/// Everything needed to store one filing.
pub struct Filing<'a> {
    pub service: &'a ServiceDetail,
    pub request: &'a ValidRequest,
    pub locale: Locale,
    pub channel: Channel,
    /// Who filed, as the audit trail writes it: `applicant`, `staff:<username>` (who took
    /// it for the applicant) or `partner:<key id>`. Never shown to the public.
    pub actor: &'a str,
    /// The partner's key it was filed with (a partner follows its own filings).
    pub api_key: Option<i64>,
    pub idempotency_key: &'a str,
    pub body_hash: &'a str,
    pub now_ms: i64,
    pub due_on: Date,
    /// The uploads this request brings: (the question it answers, or "" for the top-level
    /// list; the upload id).
    pub uploads: &'a [(String, String)],
    /// The limits this filing is charged against (per client, per phone), in its
    /// transaction; a replay is never charged.
    pub limits: &'a [super::limits::Charge],
    /// Builds the messages for the reference the request ends up with.
    pub messages: &'a (dyn Fn(&ReferenceNumber) -> Vec<OutboxMessage> + Send + Sync),
    /// The time booked with the filing, and its reminder (when to send it, and what).
    pub appointment: Option<FiledBooking<'a>>,
    /// The licence (its row id) the request asks to renew: approving it extends that one.
    pub renews: Option<i64>,
}

/// A booking made with a filing.
pub struct FiledBooking<'a> {
    pub booking: &'a super::appointments::Booking,
    pub reminder: Option<(i64, &'a MessageFor<'a>)>,
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

impl Store {
    /// Stores a filing, or recognises a replay of an earlier one by its idempotency key.
    pub async fn file_request(
        &self,
        filing: &Filing<'_>,
        mut next_reference: impl FnMut() -> ReferenceNumber,
    ) -> Result<FilingOutcome, sqlx::Error> {
        let _turn = self.write_turn().await;
        let mut tx = self.begin_write().await?;
        // The key goes in first: a concurrent twin waits here, then finds the key taken.
        let claimed = sqlx::query(
            "insert into idempotency_keys (key, body_hash, reference, created_at) values ($1, $2, null, $3) \
             on conflict (key) do nothing",
        )
        .bind(filing.idempotency_key)
        .bind(filing.body_hash)
        .bind(filing.now_ms)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if claimed == 0 {
            tx.rollback().await?;
            return self.replay(filing.idempotency_key, filing.body_hash).await;
        }
        for charge in filing.limits {
            if let Some(refused) = super::limits::charge(&mut tx, charge, filing.now_ms).await? {
                tx.rollback().await?;
                return Ok(FilingOutcome::Limited(refused));
            }
        }

        let (applicant, service) = (&filing.request.applicant, &filing.service.summary);
        let answers = serde_json::Value::Object(filing.request.answers.clone()).to_string();
        let location = filing.request.location.as_ref().map(ToString::to_string);
        let mut inserted = None;
        for _ in 0..REFERENCE_ATTEMPTS {
            let reference = next_reference();
            let row = sqlx::query(
                "insert into requests (reference, service_code, agency_code, department_code, status, locale, \
                 channel, applicant_name, applicant_phone, applicant_email, applicant_national_id, \
                 applicant_cr_number, answers, location, submitted_at, due_on, updated_at, api_key_id) \
                 values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $15, $17) \
                 on conflict (reference) do nothing returning id",
            )
            .bind(reference.as_str())
            .bind(&service.code)
            .bind(&service.agency.code)
            .bind(&filing.service.department.code)
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
            .fetch_optional(&mut *tx)
            .await?;
            if let Some(row) = row {
                inserted = Some((reference, row.try_get::<i64, _>("id")?));
                break;
            }
        }
        let Some((reference, id)) = inserted else {
            return Err(sqlx::Error::Protocol(
                "no free reference number after several tries".into(),
            ));
        };

        for (field, upload) in filing.uploads {
            let linked = sqlx::query(
                "update uploads set request_id = $1 where id = $2 and service_code = $3 \
                 and ($4 = '' or field_id = $4) and request_id is null",
            )
            .bind(id)
            .bind(upload)
            .bind(&service.code)
            .bind(field)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if linked != 1 {
                tx.rollback().await?;
                let field = if field.is_empty() {
                    "attachments".to_owned()
                } else {
                    field.clone()
                };
                return Ok(FilingOutcome::UnknownUpload(field));
            }
        }
        if let Some(licence) = filing.renews {
            sqlx::query("insert into licence_renewals (request_id, licence_id) values ($1, $2)")
                .bind(id)
                .bind(licence)
                .execute(&mut *tx)
                .await?;
        }
        if let Some(filed) = &filing.appointment {
            let booking = filed.booking;
            if !super::appointments::take_place(
                &mut tx,
                &service.code,
                booking.start,
                booking.capacity,
            )
            .await?
            {
                tx.rollback().await?;
                return Ok(FilingOutcome::SlotFull);
            }
            super::appointments::store_booking(
                &mut tx,
                id,
                &reference,
                &service.code,
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
        .bind(&filing.service.department.code)
        .bind(filing.actor)
        .bind(filing.channel.code())
        .bind(filing.now_ms)
        .execute(&mut *tx)
        .await?;
        let counted = super::stats::Counted {
            id,
            filed_on: riyadh_date(filing.now_ms),
            due_on: filing.due_on,
            channel: filing.channel,
            place: super::stats::Place {
                agency: &service.agency.code,
                department: &filing.service.department.code,
                service: &service.code,
            },
        };
        let mut changes = super::stats::Changes::new(self.engine());
        changes.filed(&counted);
        changes.apply(&mut tx).await?;
        sqlx::query("update idempotency_keys set reference = $1 where key = $2")
            .bind(reference.as_str())
            .bind(filing.idempotency_key)
            .execute(&mut *tx)
            .await?;
        if let Some(refused) = self
            .queue_messages(
                &mut tx,
                &(filing.messages)(&reference),
                Some(id),
                filing.now_ms,
                super::outbox::SmsCap::Enforce,
            )
            .await?
        {
            tx.rollback().await?;
            return Ok(FilingOutcome::Limited(refused));
        }
        if let Some((send_at, reminder)) = filing.appointment.as_ref().and_then(|a| a.reminder) {
            super::appointments::queue_reminder(
                &mut tx,
                id,
                &reminder(&reference),
                send_at,
                filing.now_ms,
            )
            .await?;
        }
        tx.commit().await?;
        self.stats_changed();
        Ok(FilingOutcome::Created(FiledRequest {
            reference,
            status: RequestStatus::Submitted,
            service_code: service.code.clone(),
            submitted_at: format_rfc3339(filing.now_ms),
            due_on: filing.due_on,
        }))
    }

    async fn replay(&self, key: &str, body_hash: &str) -> Result<FilingOutcome, sqlx::Error> {
        let row = sqlx::query(
            "select k.body_hash, r.reference, r.status, r.service_code, r.submitted_at, r.due_on \
             from idempotency_keys k join requests r on r.reference = k.reference where k.key = $1",
        )
        .bind(key)
        .fetch_one(self.pool())
        .await?;
        if row.try_get::<String, _>("body_hash")? != body_hash {
            return Ok(FilingOutcome::KeyReused);
        }
        Ok(FilingOutcome::Replayed(filed_from_row(&row)?))
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
