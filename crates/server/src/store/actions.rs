//! What happens to a request after it is filed: actions by its applicant or by agency
//! staff (each one event, the status moved as the life cycle in `nafitha_domain` allows,
//! the applicant notified through the outbox, all in one transaction), and what the
//! applicant may read of their own requests.

use nafitha_domain::account::{AttachmentInfo, EventEntry, MyRequest, RequestDetail};
use nafitha_domain::backoffice::is_overdue;
use nafitha_domain::calendar::{format_rfc3339, riyadh_date, Date};
use nafitha_domain::filing::{Applicant, ServiceName};
use nafitha_domain::lifecycle::{
    may_reopen, reopen_deadline_ms, reopen_window_closed, Action, Party, RequestStatus,
    ValidAction, REPLY_UPLOAD_FIELD,
};
use nafitha_domain::{AgencyRef, DepartmentRef, Locale, Localized, ReferenceNumber};
use sqlx::any::AnyRow;
use sqlx::Row;

use super::requests::{event_channel, localized, status_of, OutboxMessage};
use super::{stats, Store};

/// Who acts on a request.
#[derive(Clone, Copy, Debug)]
pub enum Actor<'a> {
    /// The signed-in citizen with this phone number (E.164).
    Applicant { phone: &'a str },
    /// A staff member, with the scope their role covers.
    Staff {
        username: &'a str,
        agency: &'a str,
        department: Option<&'a str>,
    },
}

impl Actor<'_> {
    fn party(&self) -> Party {
        match self {
            Actor::Applicant { .. } => Party::Applicant,
            Actor::Staff { .. } => Party::Agency,
        }
    }

    /// How the actor is written in the audit trail.
    fn audit_name(&self) -> String {
        match self {
            Actor::Applicant { .. } => "applicant".to_owned(),
            Actor::Staff { username, .. } => format!("staff:{username}"),
        }
    }
}

/// Whom to notify of an event, and about which request.
pub struct NotifyTarget<'a> {
    pub reference: &'a ReferenceNumber,
    pub locale: Locale,
    pub phone: &'a str,
    pub email: Option<&'a str>,
    pub action: Action,
    /// The event takes up a request whose service offers times after review: the
    /// applicant is invited to choose one (once: a request leaves `submitted` once).
    pub invite_to_book: bool,
    /// The approval issued or extended this licence (with `reminder` set, the message
    /// asked for is its expiry reminder, queued to be sent later).
    pub licence: Option<&'a super::licences::IssuedLicence>,
    /// The approval issued this bill (a permit with a fee: the licence waits for its
    /// payment); with `expired` set, the message asked for is the notice that it expired
    /// unpaid, queued to be sent later.
    pub bill: Option<&'a super::bills::IssuedBill>,
}

/// Builds the notifications for an event.
pub type Notifications<'a> = &'a (dyn Fn(&NotifyTarget<'_>) -> Vec<OutboxMessage> + Send + Sync);

/// What became of an action.
#[derive(Debug, PartialEq, Eq)]
pub enum ActOutcome {
    Done,
    /// No such request, or not one the actor may see (the two look the same).
    NotFound,
    /// The actor may see it, but the life cycle (or the reopen window) forbids this now.
    Forbidden(Localized),
    /// The action is the other party's to take.
    NotYours,
    /// A referral to a department that does not exist.
    UnknownDepartment,
    /// An attached upload does not exist, is for another service, or is already used.
    UnknownUpload,
    /// The request changed while this action was being taken; nothing was stored.
    Conflict,
}

fn visible_to(row: &AnyRow, actor: &Actor<'_>) -> Result<bool, sqlx::Error> {
    Ok(match actor {
        Actor::Applicant { phone } => row.try_get::<String, _>("applicant_phone")? == *phone,
        Actor::Staff {
            agency, department, ..
        } => {
            row.try_get::<String, _>("agency_code")? == *agency
                && department.is_none_or(|d| {
                    row.try_get::<String, _>("department_code")
                        .is_ok_and(|own| own == d)
                })
        }
    })
}

impl Store {
    /// Takes `action` on the request `reference` as `actor`.
    pub async fn act_on_request(
        &self,
        reference: &ReferenceNumber,
        actor: Actor<'_>,
        action: &ValidAction,
        now_ms: i64,
        notifications: Notifications<'_>,
    ) -> Result<ActOutcome, sqlx::Error> {
        let _turn = self.write_turn().await;
        let mut tx = self.begin_write().await?;
        let Some(row) = sqlx::query(
            "select id, status, service_code, agency_code, department_code, applicant_phone, applicant_email, locale, \
             channel, submitted_at, due_on from requests where reference = $1",
        )
        .bind(reference.as_str())
        .fetch_optional(&mut *tx)
        .await?
        else {
            return Ok(ActOutcome::NotFound);
        };
        if !visible_to(&row, &actor)? {
            return Ok(ActOutcome::NotFound);
        }
        if action.action.party() != actor.party() {
            return Ok(ActOutcome::NotYours);
        }
        let id: i64 = row.try_get("id")?;
        let from = status_of(&row)?;
        let Some(to) = action.action.next_status(from) else {
            return Ok(ActOutcome::Forbidden(action.action.forbidden(from)));
        };
        let mut resolved_at = None;
        if action.action == Action::Reopen {
            resolved_at = last_event_at(&mut tx, id, Action::Resolve).await?;
            if !resolved_at.is_some_and(|at| may_reopen(at, now_ms)) {
                return Ok(ActOutcome::Forbidden(reopen_window_closed()));
            }
        }
        let (mut agency, mut department): (String, String) =
            (row.try_get("agency_code")?, row.try_get("department_code")?);
        if action.action == Action::Refer {
            let target = action.department.as_deref().unwrap_or_default();
            let Some(found) = sqlx::query(
                "select d.agency_code from departments d join agencies a on a.code = d.agency_code \
                 where d.code = $1 and a.operator = 0",
            )
                .bind(target)
                .fetch_optional(&mut *tx)
                .await?
            else {
                return Ok(ActOutcome::UnknownDepartment);
            };
            agency = found.try_get("agency_code")?;
            department = target.to_owned();
        }
        // Conditional on the status read above: a concurrent action makes this one fail
        // instead of both applying.
        let moved = sqlx::query(
            "update requests set status = $1, agency_code = $2, department_code = $3, updated_at = $4 \
             where id = $5 and status = $6",
        )
        .bind(to.code())
        .bind(&agency)
        .bind(&department)
        .bind(now_ms)
        .bind(id)
        .bind(from.code())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if moved != 1 {
            return Ok(ActOutcome::Conflict);
        }
        let event: i64 = sqlx::query(
            "insert into request_events (request_id, kind, status, department_code, public, actor, message, created_at) \
             values ($1, $2, $3, $4, $5, $6, $7, $8) returning id",
        )
        .bind(id)
        .bind(action.action.code())
        .bind(to.code())
        .bind(&department)
        .bind(i64::from(action.action.is_public()))
        .bind(actor.audit_name())
        .bind(action.message.as_deref())
        .bind(now_ms)
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        let service: String = row.try_get("service_code")?;
        let (old_agency, old_department): (String, String) =
            (row.try_get("agency_code")?, row.try_get("department_code")?);
        let counted = stats::Counted {
            id,
            filed_on: riyadh_date(row.try_get("submitted_at")?),
            due_on: parse_date(&row)?,
            channel: super::requests::channel_of(&row)?,
            place: stats::Place {
                agency: &old_agency,
                department: &old_department,
                service: &service,
            },
        };
        let to_place = stats::Place {
            agency: &agency,
            department: &department,
            service: &service,
        };
        let mut changes = stats::Changes::new(self.engine());
        changes.moved(
            &counted,
            (from, to),
            to_place,
            riyadh_date(now_ms),
            resolved_at.map(riyadh_date),
        );
        changes.apply(&mut tx).await?;
        for upload in &action.attachments {
            let linked = sqlx::query(
                "update uploads set request_id = $1, event_id = $2 where id = $3 and service_code = $4 \
                 and field_id = $5 and request_id is null",
            )
            .bind(id)
            .bind(event)
            .bind(upload)
            .bind(&service)
            .bind(REPLY_UPLOAD_FIELD)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if linked != 1 {
                tx.rollback().await?;
                return Ok(ActOutcome::UnknownUpload);
            }
        }
        let invite_to_book = from == RequestStatus::Submitted
            && to != from
            && super::appointments::invitation_due(&mut tx, id, &service, to).await?;
        // Approving a permit issues its licence (or extends the one it renews) here, in
        // the approval's transaction, so the decision's message can carry its number.
        let licence = if action.action == Action::Resolve {
            super::licences::issue_on_approval(&mut tx, id, &actor.audit_name(), now_ms).await?
        } else {
            None
        };
        let phone: String = row.try_get("applicant_phone")?;
        let email: Option<String> = row.try_get("applicant_email")?;
        let locale = Locale::from_tag(&row.try_get::<String, _>("locale")?).unwrap_or_default();
        // A permit with a fee bills its holder instead: the licence waits for the payment.
        let bill = if action.action == Action::Resolve && licence.is_none() {
            super::bills::bill_on_approval(&mut tx, id, now_ms, |notice| {
                notifications(&NotifyTarget {
                    reference,
                    locale,
                    phone: &phone,
                    email: None,
                    action: action.action,
                    invite_to_book: false,
                    licence: None,
                    bill: Some(notice),
                })
            })
            .await?
        } else {
            None
        };
        let target = NotifyTarget {
            reference,
            locale,
            phone: &phone,
            email: email.as_deref(),
            action: action.action,
            invite_to_book,
            licence: licence.as_ref(),
            bill: bill.as_ref(),
        };
        self.queue_messages(
            &mut tx,
            &notifications(&target),
            Some(id),
            now_ms,
            super::outbox::SmsCap::CountOnly,
        )
        .await?;
        if let Some(licence) = &licence {
            super::licences::schedule_reminders(&mut tx, licence, now_ms, |reminder| {
                notifications(&NotifyTarget {
                    licence: Some(reminder),
                    bill: None,
                    email: None,
                    invite_to_book: false,
                    ..target
                })
            })
            .await?;
        }
        tx.commit().await?;
        self.stats_changed();
        Ok(ActOutcome::Done)
    }

    /// The requests filed with `phone`, newest first.
    pub async fn my_requests(
        &self,
        phone: &str,
        today: Date,
    ) -> Result<Vec<MyRequest>, sqlx::Error> {
        let rows = sqlx::query(
            "select r.reference, r.status, r.submitted_at, r.due_on, s.code as service_code, \
             s.name_ar as service_ar, s.name_en as service_en, a.code as agency_code, a.name_ar as agency_ar, \
             a.name_en as agency_en from requests r join services s on s.code = r.service_code \
             join agencies a on a.code = r.agency_code where r.applicant_phone = $1 \
             order by r.submitted_at desc, r.id desc limit 500",
        )
        .bind(phone)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                let status = status_of(row)?;
                let due_on = parse_date(row)?;
                Ok(MyRequest {
                    reference: parse_reference(row)?,
                    status,
                    service: ServiceName {
                        code: row.try_get("service_code")?,
                        name: localized(row, "service_ar", "service_en")?,
                    },
                    agency: AgencyRef {
                        code: row.try_get("agency_code")?,
                        name: localized(row, "agency_ar", "agency_en")?,
                    },
                    submitted_at: format_rfc3339(row.try_get("submitted_at")?),
                    overdue: is_overdue(status, due_on, today),
                    due_on,
                })
            })
            .collect()
    }

    /// The request page for its applicant, or `None` when `phone` did not file it.
    pub async fn request_for_applicant(
        &self,
        reference: &ReferenceNumber,
        phone: &str,
        now_ms: i64,
    ) -> Result<Option<RequestDetail>, sqlx::Error> {
        Ok(self
            .request_detail(reference, Actor::Applicant { phone }, now_ms)
            .await?
            .map(|(detail, _)| detail))
    }

    /// A request as `actor` may see it (staff also see internal notes and who acted), with
    /// its assignee; `None` when it does not exist or is not the actor's to see.
    pub async fn request_detail(
        &self,
        reference: &ReferenceNumber,
        actor: Actor<'_>,
        now_ms: i64,
    ) -> Result<Option<(RequestDetail, Option<String>)>, sqlx::Error> {
        let Some(row) = sqlx::query(
            "select id, status, applicant_name, applicant_phone, applicant_email, applicant_national_id, \
             applicant_cr_number, answers, location, agency_code, department_code, assignee \
             from requests where reference = $1",
        )
        .bind(reference.as_str())
        .fetch_optional(self.pool())
        .await?
        else {
            return Ok(None);
        };
        if !visible_to(&row, &actor)? {
            return Ok(None);
        }
        let staff = matches!(actor, Actor::Staff { .. });
        let Some(request) = self
            .track_request(reference, nafitha_domain::calendar::riyadh_date(now_ms))
            .await?
        else {
            return Ok(None);
        };
        let id: i64 = row.try_get("id")?;
        let files = sqlx::query(
            "select id, field_id, kind, size, event_id from uploads where request_id = $1 order by created_at, id",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?;
        let file = |f: &AnyRow| -> Result<AttachmentInfo, sqlx::Error> {
            Ok(AttachmentInfo {
                id: f.try_get("id")?,
                field: f.try_get("field_id")?,
                kind: f.try_get("kind")?,
                size: f.try_get("size")?,
            })
        };
        let mut attachments = Vec::new();
        let mut event_files: Vec<(i64, AttachmentInfo)> = Vec::new();
        for f in &files {
            match f.try_get::<Option<i64>, _>("event_id")? {
                Some(event) => event_files.push((event, file(f)?)),
                None => attachments.push(file(f)?),
            }
        }
        let events = sqlx::query(
            "select e.id, e.kind, e.status, e.actor, e.public, e.message, e.channel, e.created_at, \
             d.code as department_code, \
             d.name_ar as department_ar, d.name_en as department_en from request_events e \
             join departments d on d.code = e.department_code where e.request_id = $1 and (e.public = 1 or $2 = 1) \
             order by e.id",
        )
        .bind(id)
        .bind(i64::from(staff))
        .fetch_all(self.pool())
        .await?;
        let mut resolved_at = None;
        let events = events
            .iter()
            .map(|e| {
                let event_id: i64 = e.try_get("id")?;
                let kind: String = e.try_get("kind")?;
                let at: i64 = e.try_get("created_at")?;
                let by: String = e.try_get("actor")?;
                if kind == Action::Resolve.code() {
                    resolved_at = Some(at);
                }
                Ok(EventEntry {
                    status: status_of(e)?,
                    department: DepartmentRef {
                        code: e.try_get("department_code")?,
                        name: localized(e, "department_ar", "department_en")?,
                    },
                    by_applicant: by == "applicant",
                    message: e.try_get("message")?,
                    attachments: event_files
                        .iter()
                        .filter(|(owner, _)| *owner == event_id)
                        .map(|(_, f)| f.clone())
                        .collect(),
                    at: format_rfc3339(at),
                    kind,
                    internal: e.try_get::<i64, _>("public")? == 0,
                    by: by
                        .strip_prefix("staff:")
                        .filter(|_| staff)
                        .map(str::to_owned),
                    channel: event_channel(e)?,
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()?;
        let reopen_until = resolved_at
            .filter(|at| {
                request.status == nafitha_domain::lifecycle::RequestStatus::Resolved
                    && may_reopen(*at, now_ms)
            })
            .map(|at| format_rfc3339(reopen_deadline_ms(at)));
        let answers: String = row.try_get("answers")?;
        let location: Option<String> = row.try_get("location")?;
        let assignee: Option<String> = row.try_get("assignee")?;
        let rating = self.rating_of(id).await?;
        let appointment = self
            .appointment_state(id, &request.service.code, request.status, now_ms)
            .await?;
        let detail = RequestDetail {
            request,
            applicant: Applicant {
                name: row.try_get("applicant_name")?,
                phone: row.try_get("applicant_phone")?,
                email: row.try_get("applicant_email")?,
                national_id: row.try_get("applicant_national_id")?,
                cr_number: row.try_get("applicant_cr_number")?,
            },
            answers: serde_json::from_str(&answers).map_err(|e| sqlx::Error::Decode(e.into()))?,
            location: location
                .map(|l| serde_json::from_str(&l))
                .transpose()
                .map_err(|e| sqlx::Error::Decode(e.into()))?,
            attachments,
            events,
            reopen_until,
            rating,
            appointment,
        };
        Ok(Some((detail, assignee)))
    }

    /// An attachment of a request, as (kind), if `actor` may see the request.
    pub async fn attachment_kind(
        &self,
        reference: &ReferenceNumber,
        upload: &str,
        actor: Actor<'_>,
    ) -> Result<Option<String>, sqlx::Error> {
        let row = sqlx::query(
            "select u.kind, r.applicant_phone, r.agency_code, r.department_code from uploads u \
             join requests r on r.id = u.request_id where r.reference = $1 and u.id = $2",
        )
        .bind(reference.as_str())
        .bind(upload)
        .fetch_optional(self.pool())
        .await?;
        match row {
            Some(row) if visible_to(&row, &actor)? => Ok(Some(row.try_get("kind")?)),
            _ => Ok(None),
        }
    }
}

async fn last_event_at(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    request: i64,
    action: Action,
) -> Result<Option<i64>, sqlx::Error> {
    let row = sqlx::query(
        "select max(created_at) as at from request_events where request_id = $1 and kind = $2",
    )
    .bind(request)
    .bind(action.code())
    .fetch_one(&mut **tx)
    .await?;
    row.try_get("at")
}

pub(crate) fn parse_reference(row: &AnyRow) -> Result<ReferenceNumber, sqlx::Error> {
    let reference: String = row.try_get("reference")?;
    ReferenceNumber::parse(&reference)
        .map_err(|_| sqlx::Error::Decode("stored reference is malformed".into()))
}

pub(crate) fn parse_date(row: &AnyRow) -> Result<Date, sqlx::Error> {
    let due: String = row.try_get("due_on")?;
    Date::parse(&due).ok_or_else(|| sqlx::Error::Decode("stored due date is malformed".into()))
}
