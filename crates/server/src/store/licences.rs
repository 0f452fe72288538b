//! Licences in the database: issued or extended inside the approval's transaction (with
//! their expiry reminders queued in the outbox, due at their time), read by their holder,
//! by anyone verifying one, and by the agency's staff, who suspend and revoke them. Every
//! change is a `licence_events` row with its actor. The rules (numbers, status on a day,
//! validity, masking) are the domain's; this module only stores and reads.

use nafitha_domain::calendar::{format_rfc3339, riyadh_date, Date};
use nafitha_domain::filing::ServiceName;
use nafitha_domain::licence::{
    reminders, renewal_starts, Detail, Holder, Issues, Licence, LicenceNumber, LicenceStatus,
    LicenceSummary, RegisterFilter, RegisterSearch, Revocation, Suspension,
};
use nafitha_domain::{AgencyRef, FieldKind, FormDefinition, Locale, ServiceKind};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use super::requests::{localized, OutboxMessage};
use super::Store;

/// How many fresh licence numbers to try when one is already taken.
const NUMBER_ATTEMPTS: usize = 5;

/// What an outbox message for a licence's expiry reminder is marked with.
const REMINDER: &str = "licence_reminder";

/// A licence just issued or extended by an approval.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IssuedLicence {
    pub number: LicenceNumber,
    pub expires_on: Date,
    /// Extended by a renewal (same number), rather than issued.
    pub renewed: bool,
    /// Set when the message asked for is the reminder this many days before expiry.
    pub reminder: Option<i64>,
    /// The request the licence was first issued by (its reminders are filed under it).
    request_id: i64,
}

/// Whom a licence's messages go to.
pub struct LicenceContact<'a> {
    pub number: &'a LicenceNumber,
    pub phone: &'a str,
    pub locale: Locale,
}

/// What became of a staff member's change to a licence.
#[derive(Debug, PartialEq, Eq)]
pub enum LicenceChange {
    Done,
    /// No such licence in the agency (the same answer as one that does not exist).
    NotFound,
    /// It is revoked: nothing more can happen to it.
    Revoked,
}

/// A licence as its holder asks to renew it.
pub struct RenewalTarget {
    pub id: i64,
    pub service_code: String,
    pub status: LicenceStatus,
    pub answers: serde_json::Map<String, serde_json::Value>,
    pub holder: Holder,
    /// A renewal request still open.
    pub pending: bool,
}

/// The columns every licence view reads.
const LICENCE_COLUMNS: &str = "l.id, l.number, l.service_code, l.agency_code, a.name_ar as agency_ar, \
     a.name_en as agency_en, s.name_ar as service_ar, s.name_en as service_en, l.activity_ar, l.activity_en, \
     l.holder_name, l.holder_phone, l.holder_cr_number, l.holder_national_id, l.details, l.conditions_ar, \
     l.conditions_en, l.issued_on, l.expires_on, l.suspended_until, l.suspension_reason, l.revoked_at, \
     l.revocation_reason, r.reference, \
     (select r2.reference from licence_renewals lr join requests r2 on r2.id = lr.request_id \
      where lr.licence_id = l.id and r2.status not in ('resolved', 'rejected', 'closed', 'withdrawn') \
      order by r2.id desc limit 1) as renewal \
     from licences l join agencies a on a.code = l.agency_code join services s on s.code = l.service_code \
     join requests r on r.id = l.request_id";

fn decode(what: &str) -> sqlx::Error {
    sqlx::Error::Decode(what.to_owned().into())
}

fn date_column(row: &AnyRow, column: &str) -> Result<Date, sqlx::Error> {
    Date::parse(&row.try_get::<String, _>(column)?).ok_or_else(|| decode(column))
}

fn optional_date(row: &AnyRow, column: &str) -> Result<Option<Date>, sqlx::Error> {
    row.try_get::<Option<String>, _>(column)?
        .map(|d| Date::parse(&d).ok_or_else(|| decode(column)))
        .transpose()
}

fn number_of(row: &AnyRow) -> Result<LicenceNumber, sqlx::Error> {
    LicenceNumber::parse(&row.try_get::<String, _>("number")?)
        .map_err(|_| decode("stored licence number is malformed"))
}

/// The status on `today` of the licence in `row`.
fn status_in(row: &AnyRow, today: Date) -> Result<LicenceStatus, sqlx::Error> {
    Ok(LicenceStatus::on(
        today,
        date_column(row, "expires_on")?,
        optional_date(row, "suspended_until")?,
        row.try_get::<Option<i64>, _>("revoked_at")?.is_some(),
    ))
}

/// The SQL twin of [`LicenceStatus::on`] for the licence `l`, with `$n` bound to today.
fn status_sql(status: LicenceStatus, n: usize) -> String {
    let running = format!("(l.suspended_until is not null and l.suspended_until >= ${n})");
    match status {
        LicenceStatus::Revoked => "l.revoked_at is not null".to_owned(),
        LicenceStatus::Suspended => format!("l.revoked_at is null and {running}"),
        LicenceStatus::Expired => {
            format!("l.revoked_at is null and not {running} and l.expires_on < ${n}")
        }
        LicenceStatus::Valid => {
            format!("l.revoked_at is null and not {running} and l.expires_on >= ${n}")
        }
    }
}

fn licence_from_row(row: &AnyRow, today: Date, public_url: &str) -> Result<Licence, sqlx::Error> {
    let status = status_in(row, today)?;
    let number = number_of(row)?;
    let details: Vec<Detail> = serde_json::from_str(&row.try_get::<String, _>("details")?)
        .map_err(|e| sqlx::Error::Decode(e.into()))?;
    let suspension = match (
        optional_date(row, "suspended_until")?,
        row.try_get::<Option<String>, _>("suspension_reason")?,
    ) {
        (Some(until), Some(reason)) if status == LicenceStatus::Suspended => {
            Some(Suspension { reason, until })
        }
        _ => None,
    };
    let revocation = match (
        row.try_get::<Option<i64>, _>("revoked_at")?,
        row.try_get::<Option<String>, _>("revocation_reason")?,
    ) {
        (Some(at), Some(reason)) => Some(Revocation {
            reason,
            at: format_rfc3339(at),
        }),
        _ => None,
    };
    Ok(Licence {
        verify_url: format!("{public_url}/verify/{number}"),
        number,
        status,
        service: ServiceName {
            code: row.try_get("service_code")?,
            name: localized(row, "service_ar", "service_en")?,
        },
        activity: localized(row, "activity_ar", "activity_en")?,
        agency: AgencyRef {
            code: row.try_get("agency_code")?,
            name: localized(row, "agency_ar", "agency_en")?,
        },
        holder: Holder {
            name: row.try_get("holder_name")?,
            cr_number: row.try_get("holder_cr_number")?,
            national_id: row.try_get("holder_national_id")?,
        },
        details,
        conditions: localized(row, "conditions_ar", "conditions_en")?,
        issued_on: date_column(row, "issued_on")?,
        expires_on: date_column(row, "expires_on")?,
        suspension,
        revocation,
        request: super::actions::parse_reference(row)?,
        renewal: row
            .try_get::<Option<String>, _>("renewal")?
            .map(|r| {
                nafitha_domain::ReferenceNumber::parse(&r)
                    .map_err(|_| decode("stored reference is malformed"))
            })
            .transpose()?,
    })
}

fn summary_from_row(row: &AnyRow, today: Date) -> Result<LicenceSummary, sqlx::Error> {
    Ok(LicenceSummary {
        number: number_of(row)?,
        status: status_in(row, today)?,
        activity: localized(row, "activity_ar", "activity_en")?,
        agency: AgencyRef {
            code: row.try_get("agency_code")?,
            name: localized(row, "agency_ar", "agency_en")?,
        },
        holder: row.try_get("holder_name")?,
        cr_number: row.try_get("holder_cr_number")?,
        issued_on: date_column(row, "issued_on")?,
        expires_on: date_column(row, "expires_on")?,
    })
}

/// The CR number a request gives: the applicant's, else the first answer to a CR question.
fn cr_number_of(
    applicant_cr: Option<String>,
    form: &FormDefinition,
    answers: &serde_json::Map<String, serde_json::Value>,
) -> Option<String> {
    applicant_cr.or_else(|| {
        form.fields
            .iter()
            .filter(|f| f.kind == FieldKind::CrNumber)
            .find_map(|f| answers.get(&f.id)?.as_str().map(str::to_owned))
    })
}

/// Withdraws the unsent expiry reminders of the licence first issued by `request_id`.
async fn drop_reminders(
    tx: &mut Transaction<'static, Any>,
    request_id: i64,
) -> Result<(), sqlx::Error> {
    super::outbox::withdraw_due(tx, request_id, REMINDER).await
}

/// Queues `message` as a reminder of the licence first issued by `request_id`, due `at`.
async fn queue_reminder(
    tx: &mut Transaction<'static, Any>,
    request_id: i64,
    message: &OutboxMessage,
    at: i64,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    super::outbox::queue_due(tx, request_id, message, at, REMINDER, now_ms).await
}

/// Issues the licence of request `request_id` as it is approved (or extends the licence
/// a renewal request is for), in the approval's transaction `tx`. `None` when the
/// request's service issues nothing, charges a fee (the licence waits for the payment of
/// its bill: [`issue_on_payment`]), or the approval already issued (a request reopened
/// and approved again).
pub(crate) async fn issue_on_approval(
    tx: &mut Transaction<'static, Any>,
    request_id: i64,
    actor: &str,
    now_ms: i64,
) -> Result<Option<IssuedLicence>, sqlx::Error> {
    issue(tx, request_id, actor, now_ms, false).await
}

/// Issues (or extends) the licence of request `request_id` once its bill is paid, in the
/// payment's transaction `tx`: the same as an approval without a fee does.
pub(crate) async fn issue_on_payment(
    tx: &mut Transaction<'static, Any>,
    request_id: i64,
    actor: &str,
    now_ms: i64,
) -> Result<Option<IssuedLicence>, sqlx::Error> {
    issue(tx, request_id, actor, now_ms, true).await
}

/// Issues or extends the licence of request `request_id`; a service with a fee issues
/// only when `fee_paid`.
async fn issue(
    tx: &mut Transaction<'static, Any>,
    request_id: i64,
    actor: &str,
    now_ms: i64,
    fee_paid: bool,
) -> Result<Option<IssuedLicence>, sqlx::Error> {
    let Some(row) = sqlx::query(
        "select s.kind, s.fee_halalas, s.issues, s.form, s.name_ar, s.name_en, r.service_code, r.agency_code, \
         r.applicant_name, r.applicant_phone, r.applicant_cr_number, r.applicant_national_id, r.answers, r.locale \
         from requests r join services s on s.code = r.service_code where r.id = $1",
    )
    .bind(request_id)
    .fetch_optional(&mut **tx)
    .await?
    else {
        return Ok(None);
    };
    let issues: Option<String> = row.try_get("issues")?;
    let (Some(issues), Some(ServiceKind::Permit), true) = (
        issues,
        ServiceKind::from_code(&row.try_get::<String, _>("kind")?),
        fee_paid || row.try_get::<i64, _>("fee_halalas")? == 0,
    ) else {
        return Ok(None);
    };
    let issues: Issues =
        serde_json::from_str(&issues).map_err(|e| sqlx::Error::Decode(e.into()))?;
    let form: FormDefinition = serde_json::from_str(&row.try_get::<String, _>("form")?)
        .map_err(|e| sqlx::Error::Decode(e.into()))?;
    let answers_text: String = row.try_get("answers")?;
    let answers: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&answers_text).map_err(|e| sqlx::Error::Decode(e.into()))?;
    let details = serde_json::to_string(&issues.details(&form, &answers))
        .map_err(|e| sqlx::Error::Decode(e.into()))?;
    let today = riyadh_date(now_ms);

    let renewal = sqlx::query(
        "select l.id, l.number, l.expires_on, l.revoked_at, l.request_id from licence_renewals lr \
         join licences l on l.id = lr.licence_id where lr.request_id = $1",
    )
    .bind(request_id)
    .fetch_optional(&mut **tx)
    .await?;
    if let Some(licence) = renewal {
        let done =
            sqlx::query("select id from licence_events where request_id = $1 and kind = 'renewed'")
                .bind(request_id)
                .fetch_optional(&mut **tx)
                .await?;
        if done.is_some() || licence.try_get::<Option<i64>, _>("revoked_at")?.is_some() {
            return Ok(None);
        }
        let id: i64 = licence.try_get("id")?;
        let expires_on = issues
            .validity
            .last_day(renewal_starts(date_column(&licence, "expires_on")?, today));
        sqlx::query(
            "update licences set expires_on = $1, answers = $2, details = $3, updated_at = $4 where id = $5",
        )
        .bind(expires_on.to_string())
        .bind(&answers_text)
        .bind(&details)
        .bind(now_ms)
        .bind(id)
        .execute(&mut **tx)
        .await?;
        record(
            tx,
            id,
            "renewed",
            Some(request_id),
            actor,
            None,
            None,
            expires_on,
            now_ms,
        )
        .await?;
        return Ok(Some(IssuedLicence {
            number: number_of(&licence)?,
            expires_on,
            renewed: true,
            reminder: None,
            request_id: licence.try_get("request_id")?,
        }));
    }
    let issued = sqlx::query("select id from licences where request_id = $1")
        .bind(request_id)
        .fetch_optional(&mut **tx)
        .await?;
    if issued.is_some() {
        return Ok(None);
    }
    let expires_on = issues.validity.last_day(today);
    let cr_number = cr_number_of(row.try_get("applicant_cr_number")?, &form, &answers);
    for _ in 0..NUMBER_ATTEMPTS {
        let number = LicenceNumber::from_body(rand::random());
        let inserted = sqlx::query(
            "insert into licences (number, request_id, service_code, agency_code, holder_name, holder_phone, \
             holder_cr_number, holder_national_id, locale, activity_ar, activity_en, details, conditions_ar, \
             conditions_en, answers, issued_on, expires_on, created_at, updated_at) \
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18) \
             on conflict (number) do nothing returning id",
        )
        .bind(number.as_str())
        .bind(request_id)
        .bind(row.try_get::<String, _>("service_code")?)
        .bind(row.try_get::<String, _>("agency_code")?)
        .bind(row.try_get::<String, _>("applicant_name")?)
        .bind(row.try_get::<String, _>("applicant_phone")?)
        .bind(cr_number.as_deref())
        .bind(row.try_get::<Option<String>, _>("applicant_national_id")?)
        .bind(row.try_get::<String, _>("locale")?)
        .bind(row.try_get::<String, _>("name_ar")?)
        .bind(row.try_get::<String, _>("name_en")?)
        .bind(&details)
        .bind(&issues.conditions.ar)
        .bind(&issues.conditions.en)
        .bind(&answers_text)
        .bind(today.to_string())
        .bind(expires_on.to_string())
        .bind(now_ms)
        .fetch_optional(&mut **tx)
        .await?;
        if let Some(inserted) = inserted {
            let id: i64 = inserted.try_get("id")?;
            record(
                tx,
                id,
                "issued",
                Some(request_id),
                actor,
                None,
                None,
                expires_on,
                now_ms,
            )
            .await?;
            return Ok(Some(IssuedLicence {
                number,
                expires_on,
                renewed: false,
                reminder: None,
                request_id,
            }));
        }
    }
    Err(sqlx::Error::Protocol(
        "no free licence number after several tries".into(),
    ))
}

/// Replaces the unsent expiry reminders of `licence` with those its expiry now calls
/// for, each built by `message` (given the days before expiry).
pub(crate) async fn schedule_reminders(
    tx: &mut Transaction<'static, Any>,
    licence: &IssuedLicence,
    now_ms: i64,
    message: impl Fn(&IssuedLicence) -> Vec<OutboxMessage>,
) -> Result<(), sqlx::Error> {
    drop_reminders(tx, licence.request_id).await?;
    for (days, at) in reminders(licence.expires_on, now_ms) {
        let ask = IssuedLicence {
            reminder: Some(days),
            ..licence.clone()
        };
        for sent in message(&ask) {
            queue_reminder(tx, licence.request_id, &sent, at, now_ms).await?;
        }
    }
    Ok(())
}

/// Records an event of licence `id`.
#[allow(clippy::too_many_arguments)]
async fn record(
    tx: &mut Transaction<'static, Any>,
    id: i64,
    kind: &str,
    request_id: Option<i64>,
    actor: &str,
    reason: Option<&str>,
    until: Option<Date>,
    expires_on: Date,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "insert into licence_events (licence_id, kind, request_id, actor, reason, until, expires_on, created_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(id)
    .bind(kind)
    .bind(request_id)
    .bind(actor)
    .bind(reason)
    .bind(until.map(|d| d.to_string()))
    .bind(expires_on.to_string())
    .bind(now_ms)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A value bound to a register query.
enum Bound {
    Text(String),
    Int(i64),
}

impl Store {
    /// True when a filing was accepted with the idempotency key `key` (as stored).
    pub async fn idempotency_key_used(&self, key: &str) -> Result<bool, sqlx::Error> {
        Ok(
            sqlx::query("select key from idempotency_keys where key = $1")
                .bind(key)
                .fetch_optional(self.pool())
                .await?
                .is_some(),
        )
    }

    /// The licence `number` in full, with the phone it was issued to.
    async fn licence_row(&self, number: &LicenceNumber) -> Result<Option<AnyRow>, sqlx::Error> {
        sqlx::query(&format!("select {LICENCE_COLUMNS} where l.number = $1"))
            .bind(number.as_str())
            .fetch_optional(self.pool())
            .await
    }

    /// The licence `number` on `today`, as its holder or the issuing agency's staff see it;
    /// `None` when it does not exist or `may_see` refuses (holder's phone, agency code).
    pub async fn licence(
        &self,
        number: &LicenceNumber,
        today: Date,
        public_url: &str,
        may_see: impl Fn(&str, &str) -> bool,
    ) -> Result<Option<Licence>, sqlx::Error> {
        let Some(row) = self.licence_row(number).await? else {
            return Ok(None);
        };
        let (phone, agency): (String, String) =
            (row.try_get("holder_phone")?, row.try_get("agency_code")?);
        if !may_see(&phone, &agency) {
            return Ok(None);
        }
        licence_from_row(&row, today, public_url).map(Some)
    }

    /// The licences issued to `phone`, newest first.
    pub async fn licences_of(
        &self,
        phone: &str,
        today: Date,
    ) -> Result<Vec<LicenceSummary>, sqlx::Error> {
        let rows = sqlx::query(&format!(
            "select {LICENCE_COLUMNS} where l.holder_phone = $1 order by l.id desc limit 500"
        ))
        .bind(phone)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| summary_from_row(row, today))
            .collect()
    }

    /// A page of `agency`'s register under `filter`, newest first, and the cursor of the
    /// next page.
    pub async fn licence_register(
        &self,
        agency: &str,
        filter: &RegisterFilter,
        today: Date,
    ) -> Result<(Vec<LicenceSummary>, Option<String>), sqlx::Error> {
        let mut binds = vec![Bound::Text(agency.to_owned())];
        let mut sql = format!("select {LICENCE_COLUMNS} where l.agency_code = $1");
        let next = |binds: &mut Vec<Bound>, value: Bound| {
            binds.push(value);
            binds.len()
        };
        match &filter.search {
            Some(RegisterSearch::Digits(digits)) => {
                let n = next(&mut binds, Bound::Text(format!("{digits}%")));
                sql.push_str(&format!(
                    " and (l.number like ${n} or l.holder_cr_number like ${n})"
                ));
            }
            Some(RegisterSearch::Name(name)) => {
                let escaped = name
                    .to_lowercase()
                    .replace('\\', "\\\\")
                    .replace('%', "\\%")
                    .replace('_', "\\_");
                let n = next(&mut binds, Bound::Text(format!("%{escaped}%")));
                sql.push_str(&format!(" and lower(l.holder_name) like ${n} escape '\\'"));
            }
            None => {}
        }
        if let Some(status) = filter.status {
            let n = next(&mut binds, Bound::Text(today.to_string()));
            sql.push_str(&format!(" and {}", status_sql(status, n)));
        }
        if let Some(day) = filter.expires_before {
            let n = next(&mut binds, Bound::Text(day.to_string()));
            sql.push_str(&format!(" and l.expires_on <= ${n}"));
        }
        if let Some(after) = filter.after {
            let n = next(&mut binds, Bound::Int(after));
            sql.push_str(&format!(" and l.id < ${n}"));
        }
        let n = next(&mut binds, Bound::Int(i64::from(filter.limit) + 1));
        sql.push_str(&format!(" order by l.id desc limit ${n}"));
        let mut query = sqlx::query(&sql);
        for bound in binds {
            query = match bound {
                Bound::Text(text) => query.bind(text),
                Bound::Int(n) => query.bind(n),
            };
        }
        let rows = query.fetch_all(self.pool()).await?;
        let limit = filter.limit as usize;
        let next = if rows.len() > limit {
            Some(rows[limit - 1].try_get::<i64, _>("id")?.to_string())
        } else {
            None
        };
        let items = rows
            .iter()
            .take(limit)
            .map(|row| summary_from_row(row, today))
            .collect::<Result<_, _>>()?;
        Ok((items, next))
    }

    /// Suspends (with `Some`) or revokes (with the reason only) `agency`'s licence
    /// `number`, records who did it, and queues `messages` for its holder, in one
    /// transaction. Revoking also withdraws its expiry reminders.
    pub async fn change_licence(
        &self,
        number: &LicenceNumber,
        agency: &str,
        change: LicenceAction<'_>,
        actor: &str,
        now_ms: i64,
        messages: &(dyn Fn(&LicenceContact<'_>) -> Vec<OutboxMessage> + Send + Sync),
    ) -> Result<LicenceChange, sqlx::Error> {
        let _turn = self.write_turn().await;
        let mut tx = self.begin_write().await?;
        let Some(row) = sqlx::query(
            "select id, request_id, agency_code, holder_phone, locale, expires_on, revoked_at \
             from licences where number = $1",
        )
        .bind(number.as_str())
        .fetch_optional(&mut *tx)
        .await?
        else {
            return Ok(LicenceChange::NotFound);
        };
        if row.try_get::<String, _>("agency_code")? != agency {
            return Ok(LicenceChange::NotFound);
        }
        if row.try_get::<Option<i64>, _>("revoked_at")?.is_some() {
            return Ok(LicenceChange::Revoked);
        }
        let id: i64 = row.try_get("id")?;
        let expires_on = date_column(&row, "expires_on")?;
        let changed = match change {
            LicenceAction::Suspend(suspension) => {
                let until = suspension.until.to_string();
                record(
                    &mut tx,
                    id,
                    "suspended",
                    None,
                    actor,
                    Some(&suspension.reason),
                    Some(suspension.until),
                    expires_on,
                    now_ms,
                )
                .await?;
                sqlx::query(
                    "update licences set suspended_until = $1, suspension_reason = $2, updated_at = $3 \
                     where id = $4 and revoked_at is null",
                )
                .bind(until)
                .bind(&suspension.reason)
                .bind(now_ms)
                .bind(id)
                .execute(&mut *tx)
                .await?
            }
            LicenceAction::Revoke(reason) => {
                record(
                    &mut tx,
                    id,
                    "revoked",
                    None,
                    actor,
                    Some(reason),
                    None,
                    expires_on,
                    now_ms,
                )
                .await?;
                drop_reminders(&mut tx, row.try_get("request_id")?).await?;
                sqlx::query(
                    "update licences set revoked_at = $1, revocation_reason = $2, updated_at = $1 \
                     where id = $3 and revoked_at is null",
                )
                .bind(now_ms)
                .bind(reason)
                .bind(id)
                .execute(&mut *tx)
                .await?
            }
        };
        if changed.rows_affected() != 1 {
            return Ok(LicenceChange::Revoked);
        }
        let phone: String = row.try_get("holder_phone")?;
        let contact = LicenceContact {
            number,
            phone: &phone,
            locale: Locale::from_tag(&row.try_get::<String, _>("locale")?).unwrap_or_default(),
        };
        self.queue_messages(
            &mut tx,
            &messages(&contact),
            Some(row.try_get("request_id")?),
            now_ms,
            super::outbox::SmsCap::CountOnly,
        )
        .await?;
        tx.commit().await?;
        Ok(LicenceChange::Done)
    }

    /// The licence `number` of the holder with `phone`, as a renewal starts from it;
    /// `None` when it is not theirs (or does not exist).
    pub async fn renewal_target(
        &self,
        number: &LicenceNumber,
        phone: &str,
        today: Date,
    ) -> Result<Option<RenewalTarget>, sqlx::Error> {
        let Some(row) = sqlx::query(
            "select l.id, l.service_code, l.holder_phone, l.holder_name, l.holder_cr_number, \
             l.holder_national_id, l.answers, l.expires_on, l.suspended_until, l.revoked_at, \
             (select count(*) from licence_renewals lr join requests r2 on r2.id = lr.request_id \
              where lr.licence_id = l.id and r2.status not in ('resolved', 'rejected', 'closed', 'withdrawn')) \
              as pending from licences l where l.number = $1",
        )
        .bind(number.as_str())
        .fetch_optional(self.pool())
        .await?
        else {
            return Ok(None);
        };
        if row.try_get::<String, _>("holder_phone")? != phone {
            return Ok(None);
        }
        Ok(Some(RenewalTarget {
            id: row.try_get("id")?,
            service_code: row.try_get("service_code")?,
            status: status_in(&row, today)?,
            answers: serde_json::from_str(&row.try_get::<String, _>("answers")?)
                .map_err(|e| sqlx::Error::Decode(e.into()))?,
            holder: Holder {
                name: row.try_get("holder_name")?,
                cr_number: row.try_get("holder_cr_number")?,
                national_id: row.try_get("holder_national_id")?,
            },
            pending: row.try_get::<i64, _>("pending")? > 0,
        }))
    }
}

/// A staff member's change to a licence.
pub enum LicenceAction<'a> {
    Suspend(&'a Suspension),
    Revoke(&'a str),
}
