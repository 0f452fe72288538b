//! Appointments: each appointment service's availability, the places taken per slot, and
//! the bookings. A place is taken by incrementing the slot's count only while it is under
//! the capacity, in the booking's transaction: on PostgreSQL the upsert locks the slot's
//! row, on SQLite the writer is alone, so two bookings never both take the last place.
//! An availability's change is recorded (who, when, what) in its own transaction; the
//! figures count appointments as they stand.

use std::collections::HashMap;

use nafitha_domain::appointment::{
    format_riyadh, join_link, may_book, AppointmentCounts, AppointmentFigures, AppointmentState,
    AppointmentStatus, AppointmentView, Availability, BookingMode,
};
use nafitha_domain::lifecycle::RequestStatus;
use nafitha_domain::{Localized, ReferenceNumber};
use sqlx::{Any, Row, Transaction};

use super::Store;

fn decode_err(what: &str) -> sqlx::Error {
    sqlx::Error::Decode(what.to_owned().into())
}

/// The appointment status in `row`'s `column`.
fn status_in(row: &sqlx::any::AnyRow, column: &str) -> Result<AppointmentStatus, sqlx::Error> {
    AppointmentStatus::from_code(&row.try_get::<String, _>(column)?)
        .ok_or_else(|| decode_err("appointment status"))
}

/// A booking to store with its request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Booking {
    pub start: i64,
    pub end: i64,
    /// The slot's capacity, as the availability says now.
    pub capacity: u16,
    /// What the visitor needs (wheelchair access, an interpreter), as they wrote it.
    pub needs: Option<String>,
    /// For a video call: the join link's template, `{reference}` standing for the
    /// request's reference.
    pub video_template: Option<String>,
}

impl Store {
    /// What request `request_id` (of `service`, now `status`) has of an appointment, for a
    /// service that books one.
    pub async fn appointment_state(
        &self,
        request_id: i64,
        service: &str,
        status: RequestStatus,
        now_ms: i64,
    ) -> Result<Option<AppointmentState>, sqlx::Error> {
        let Some(availability) = self.availability(service).await? else {
            return Ok(None);
        };
        let row = sqlx::query(
            "select starts_at, ends_at, status, needs, join_link from appointments where request_id = $1",
        )
        .bind(request_id)
        .fetch_optional(self.pool())
        .await?;
        let booked = row
            .map(|row| {
                let start: i64 = row.try_get("starts_at")?;
                let status = status_in(&row, "status")?;
                let open = status == AppointmentStatus::Booked;
                Ok::<_, sqlx::Error>(AppointmentView {
                    start: format_riyadh(start),
                    end: format_riyadh(row.try_get("ends_at")?),
                    status,
                    needs: row.try_get("needs")?,
                    video_link: row.try_get("join_link")?,
                    place: availability.place.clone().filter(|_| !availability.video),
                    change_until: (open && availability.may_change(start, now_ms)).then(|| {
                        format_riyadh(start - i64::from(availability.lead_hours) * 3_600_000)
                    }),
                })
            })
            .transpose()?;
        Ok(Some(AppointmentState {
            may_book: may_book(availability.mode, status, booked.as_ref().map(|b| b.status)),
            booked,
        }))
    }

    /// The availability of `service`, if it books appointments.
    pub async fn availability(&self, service: &str) -> Result<Option<Availability>, sqlx::Error> {
        let row = sqlx::query("select rules from availabilities where service_code = $1")
            .bind(service)
            .fetch_optional(self.pool())
            .await?;
        row.map(|row| read_rules(&row.try_get::<String, _>("rules")?))
            .transpose()
    }

    /// Places taken per slot start of `service`, from `from` up to `to` (Unix ms).
    pub async fn places_taken(
        &self,
        service: &str,
        from: i64,
        to: i64,
    ) -> Result<HashMap<i64, u16>, sqlx::Error> {
        let rows = sqlx::query(
            "select starts_at, booked from slot_counts where service_code = $1 \
             and starts_at >= $2 and starts_at < $3",
        )
        .bind(service)
        .bind(from)
        .bind(to)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                let booked: i64 = row.try_get("booked")?;
                Ok((
                    row.try_get("starts_at")?,
                    u16::try_from(booked).unwrap_or(u16::MAX),
                ))
            })
            .collect()
    }
}

/// Takes one place of the slot at `start`, in `tx`; `false` (and nothing changed) when the
/// slot already has `capacity` people.
pub(crate) async fn take_place(
    tx: &mut Transaction<'static, Any>,
    service: &str,
    start: i64,
    capacity: u16,
) -> Result<bool, sqlx::Error> {
    let taken = sqlx::query(
        "insert into slot_counts (service_code, starts_at, booked) values ($1, $2, 1) \
         on conflict (service_code, starts_at) do update set booked = slot_counts.booked + 1 \
         where slot_counts.booked < $3 returning booked",
    )
    .bind(service)
    .bind(start)
    .bind(i64::from(capacity))
    .fetch_optional(&mut **tx)
    .await?;
    Ok(taken.is_some())
}

/// Gives back one place of the slot at `start`, in `tx`.
pub(crate) async fn free_place(
    tx: &mut Transaction<'static, Any>,
    service: &str,
    start: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "update slot_counts set booked = booked - 1 where service_code = $1 and starts_at = $2 \
         and booked > 0",
    )
    .bind(service)
    .bind(start)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Books (or rebooks) the appointment of request `request_id`, in `tx`: its place must
/// already be taken ([`take_place`]). A new time without needs keeps the needs noted
/// before (a change of time, by the applicant or by staff, does not forget them).
pub(crate) async fn store_booking(
    tx: &mut Transaction<'static, Any>,
    request_id: i64,
    reference: &ReferenceNumber,
    service: &str,
    booking: &Booking,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    let link = booking
        .video_template
        .as_deref()
        .map(|template| join_link(template, reference));
    sqlx::query(
        "insert into appointments (request_id, service_code, starts_at, ends_at, status, needs, \
         join_link, created_at, updated_at) values ($1, $2, $3, $4, 'booked', $5, $6, $7, $7) \
         on conflict (request_id) do update set starts_at = $3, ends_at = $4, status = 'booked', \
         needs = coalesce($5, appointments.needs), join_link = $6, updated_at = $7",
    )
    .bind(request_id)
    .bind(service)
    .bind(booking.start)
    .bind(booking.end)
    .bind(booking.needs.as_deref())
    .bind(link)
    .bind(now_ms)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// What an outbox message for an appointment's reminder is marked with.
const REMINDER: &str = "appointment_reminder";

/// Queues the reminder of request `request_id`'s appointment, to be sent at `send_at`.
pub(crate) async fn queue_reminder(
    tx: &mut Transaction<'static, Any>,
    request_id: i64,
    message: &super::requests::OutboxMessage,
    send_at: i64,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    super::outbox::queue_due(tx, request_id, message, send_at, REMINDER, now_ms).await
}

/// Withdraws the unsent reminder of request `request_id`'s appointment, if any.
pub(crate) async fn drop_reminder(
    tx: &mut Transaction<'static, Any>,
    request_id: i64,
) -> Result<(), sqlx::Error> {
    super::outbox::withdraw_due(tx, request_id, REMINDER).await
}

/// A request whose time its applicant books, changes or cancels.
#[derive(Clone, Debug)]
pub struct BookingTarget {
    pub id: i64,
    pub reference: ReferenceNumber,
    pub service_code: String,
    pub status: RequestStatus,
    pub locale: nafitha_domain::Locale,
    pub phone: String,
    /// Its appointment now: start and status.
    pub current: Option<(i64, AppointmentStatus)>,
}

/// What became of a booking's change.
#[derive(Debug, PartialEq, Eq)]
pub enum Rebooked {
    Done,
    /// The new time has no place left: nothing changed.
    Full,
    /// The appointment changed meanwhile (another tab, staff): nothing changed.
    Changed,
    /// The applicant's number has had its day's SMS: nothing changed.
    Limited(super::limits::Refused),
}

impl Store {
    /// Request `reference` of the applicant `phone`, for booking; `None` when it is not
    /// theirs or does not exist.
    pub async fn applicant_booking(
        &self,
        reference: &ReferenceNumber,
        phone: &str,
    ) -> Result<Option<BookingTarget>, sqlx::Error> {
        Ok(self
            .booking_of(reference, Some(phone))
            .await?
            .map(|b| b.target))
    }

    /// Request `reference` (of the applicant `phone`, when given) with its appointment and
    /// where it is now.
    async fn booking_of(
        &self,
        reference: &ReferenceNumber,
        phone: Option<&str>,
    ) -> Result<Option<StaffBooking>, sqlx::Error> {
        let row = sqlx::query(
            "select r.id, r.service_code, r.status, r.locale, r.applicant_phone, r.agency_code, \
             r.department_code, a.starts_at, a.status as appointment_status from requests r \
             left join appointments a on a.request_id = r.id \
             where r.reference = $1 and ($2 = '' or r.applicant_phone = $2)",
        )
        .bind(reference.as_str())
        .bind(phone.unwrap_or_default())
        .fetch_optional(self.pool())
        .await?;
        row.map(|row| {
            let current = match row.try_get::<Option<i64>, _>("starts_at")? {
                Some(start) => Some((start, status_in(&row, "appointment_status")?)),
                None => None,
            };
            let locale: String = row.try_get("locale")?;
            Ok(StaffBooking {
                target: BookingTarget {
                    id: row.try_get("id")?,
                    reference: reference.clone(),
                    service_code: row.try_get("service_code")?,
                    status: super::requests::status_of(&row)?,
                    locale: nafitha_domain::Locale::from_tag(&locale).unwrap_or_default(),
                    phone: row.try_get("applicant_phone")?,
                    current,
                },
                agency: row.try_get("agency_code")?,
                department: row.try_get("department_code")?,
            })
        })
        .transpose()
    }

    /// Books `booking` for `target` in place of its current time (if booked), with its
    /// confirmation and reminder (when to send it, and what), in one transaction.
    pub async fn rebook(
        &self,
        target: &BookingTarget,
        booking: &Booking,
        confirmation: &[super::requests::OutboxMessage],
        reminder: Option<(i64, super::requests::OutboxMessage)>,
        now_ms: i64,
    ) -> Result<Rebooked, sqlx::Error> {
        let _turn = self.write_turn().await;
        let mut tx = self.begin_write().await?;
        if current_of(&mut tx, self.engine(), target.id).await? != target.current {
            tx.rollback().await?;
            return Ok(Rebooked::Changed);
        }
        let held = match target.current {
            Some((start, AppointmentStatus::Booked)) => Some(start),
            _ => None,
        };
        if held != Some(booking.start) {
            if !take_place(
                &mut tx,
                &target.service_code,
                booking.start,
                booking.capacity,
            )
            .await?
            {
                tx.rollback().await?;
                return Ok(Rebooked::Full);
            }
            if let Some(start) = held {
                free_place(&mut tx, &target.service_code, start).await?;
            }
        }
        store_booking(
            &mut tx,
            target.id,
            &target.reference,
            &target.service_code,
            booking,
            now_ms,
        )
        .await?;
        drop_reminder(&mut tx, target.id).await?;
        if let Some((send_at, message)) = &reminder {
            queue_reminder(&mut tx, target.id, message, *send_at, now_ms).await?;
        }
        if let Some(refused) = self
            .queue_messages(
                &mut tx,
                confirmation,
                Some(target.id),
                now_ms,
                super::outbox::SmsCap::Enforce,
            )
            .await?
        {
            tx.rollback().await?;
            return Ok(Rebooked::Limited(refused));
        }
        tx.commit().await?;
        Ok(Rebooked::Done)
    }

    /// Cancels `target`'s booked time: its place is free at once, its reminder withdrawn.
    /// `false` when it changed meanwhile (nothing changed).
    pub async fn cancel_booking(
        &self,
        target: &BookingTarget,
        now_ms: i64,
    ) -> Result<bool, sqlx::Error> {
        let Some((start, AppointmentStatus::Booked)) = target.current else {
            return Ok(false);
        };
        let _turn = self.write_turn().await;
        let mut tx = self.begin_write().await?;
        if current_of(&mut tx, self.engine(), target.id).await? != target.current {
            tx.rollback().await?;
            return Ok(false);
        }
        sqlx::query(
            "update appointments set status = 'cancelled', updated_at = $1 where request_id = $2",
        )
        .bind(now_ms)
        .bind(target.id)
        .execute(&mut *tx)
        .await?;
        free_place(&mut tx, &target.service_code, start).await?;
        drop_reminder(&mut tx, target.id).await?;
        tx.commit().await?;
        Ok(true)
    }
}

/// The appointment of request `request_id` as it is in `tx`: start and status.
/// On PostgreSQL the row is locked until the transaction ends, so two changes of one
/// appointment take turns (SQLite's writer is alone already).
async fn current_of(
    tx: &mut Transaction<'static, Any>,
    engine: super::Engine,
    request_id: i64,
) -> Result<Option<(i64, AppointmentStatus)>, sqlx::Error> {
    let lock = match engine {
        super::Engine::Postgres => " for update",
        super::Engine::Sqlite => "",
    };
    let sql = format!("select starts_at, status from appointments where request_id = $1{lock}");
    let row = sqlx::query(&sql)
        .bind(request_id)
        .fetch_optional(&mut **tx)
        .await?;
    row.map(|row| Ok((row.try_get("starts_at")?, status_in(&row, "status")?)))
        .transpose()
}

/// A request's appointment as staff reach it: the booking target and where the request is.
#[derive(Clone, Debug)]
pub struct StaffBooking {
    pub target: BookingTarget,
    pub agency: String,
    pub department: String,
}

/// One booked (or marked, or cancelled) appointment of a day.
#[derive(Clone, Debug)]
pub struct DayEntry {
    pub start: i64,
    pub reference: ReferenceNumber,
    pub name: String,
    pub status: AppointmentStatus,
    pub needs: Option<String>,
}

impl Store {
    /// Request `reference` for staff, with its appointment; `None` when it does not exist.
    pub async fn staff_booking(
        &self,
        reference: &ReferenceNumber,
    ) -> Result<Option<StaffBooking>, sqlx::Error> {
        self.booking_of(reference, None).await
    }

    /// The appointments of `service` starting from `from` up to `to` (Unix ms), earliest first.
    pub async fn day_entries(
        &self,
        service: &str,
        from: i64,
        to: i64,
    ) -> Result<Vec<DayEntry>, sqlx::Error> {
        let rows = sqlx::query(
            "select a.starts_at, a.status, a.needs, r.reference, r.applicant_name \
             from appointments a join requests r on r.id = a.request_id \
             where a.service_code = $1 and a.starts_at >= $2 and a.starts_at < $3 \
             order by a.starts_at, a.id",
        )
        .bind(service)
        .bind(from)
        .bind(to)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                let reference: String = row.try_get("reference")?;
                Ok(DayEntry {
                    start: row.try_get("starts_at")?,
                    reference: ReferenceNumber::parse(&reference)
                        .map_err(|_| decode_err("stored reference"))?,
                    name: row.try_get("applicant_name")?,
                    status: status_in(row, "status")?,
                    needs: row.try_get("needs")?,
                })
            })
            .collect()
    }

    /// Marks `target`'s appointment `status` (kept or no-show), once its time has begun;
    /// `false` when it is not booked or marked, or changed meanwhile.
    pub async fn mark_visit(
        &self,
        target: &BookingTarget,
        status: AppointmentStatus,
        now_ms: i64,
    ) -> Result<bool, sqlx::Error> {
        let _turn = self.write_turn().await;
        let marked = sqlx::query(
            "update appointments set status = $1, updated_at = $2 where request_id = $3 \
             and status in ('booked', 'kept', 'no_show') and starts_at <= $2",
        )
        .bind(status.code())
        .bind(now_ms)
        .bind(target.id)
        .execute(self.pool())
        .await?
        .rows_affected();
        Ok(marked == 1)
    }
}

impl Store {
    /// The availability of `service` when it is an appointment service of `agency`.
    pub async fn agency_availability(
        &self,
        agency: &str,
        service: &str,
    ) -> Result<Option<Availability>, sqlx::Error> {
        let row = sqlx::query(
            "select av.rules from availabilities av join services s on s.code = av.service_code \
             where av.service_code = $1 and s.agency_code = $2",
        )
        .bind(service)
        .bind(agency)
        .fetch_optional(self.pool())
        .await?;
        row.map(|row| read_rules(&row.try_get::<String, _>("rules")?))
            .transpose()
    }

    /// Replaces the (already validated) availability of `service`, an appointment service
    /// of `agency`, recording who changed it and to what, in one transaction; `false` (and
    /// nothing stored) when the service is not one of the agency's appointment services.
    /// Bookings already made are kept as they are.
    pub async fn set_availability(
        &self,
        agency: &str,
        service: &str,
        availability: &Availability,
        username: &str,
        now_ms: i64,
    ) -> Result<bool, sqlx::Error> {
        let rules =
            serde_json::to_string(availability).map_err(|e| sqlx::Error::Encode(e.into()))?;
        let _turn = self.write_turn().await;
        let mut tx = self.begin_write().await?;
        let updated = sqlx::query(
            "update availabilities set rules = $1, updated_by = $2, updated_at = $3 \
             where service_code = $4 and service_code in (select code from services where agency_code = $5)",
        )
        .bind(&rules)
        .bind(format!("staff:{username}"))
        .bind(now_ms)
        .bind(service)
        .bind(agency)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if updated != 1 {
            tx.rollback().await?;
            return Ok(false);
        }
        sqlx::query(
            "insert into availability_changes (service_code, username, rules, created_at) \
             values ($1, $2, $3, $4)",
        )
        .bind(service)
        .bind(username)
        .bind(&rules)
        .bind(now_ms)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Every appointment service of `agency` (in catalogue order) with its appointments
    /// starting from `from` up to `to` (Unix ms) counted by status; zeros included.
    pub async fn appointment_figures(
        &self,
        agency: &str,
        from: i64,
        to: i64,
    ) -> Result<Vec<AppointmentFigures>, sqlx::Error> {
        let rows = sqlx::query(
            "select s.code, s.name_ar, s.name_en, a.status, count(a.id) as n from services s \
             join availabilities av on av.service_code = s.code \
             left join appointments a on a.service_code = s.code and a.starts_at >= $2 and a.starts_at < $3 \
             where s.agency_code = $1 group by s.code, s.name_ar, s.name_en, s.position, a.status \
             order by s.position, s.code",
        )
        .bind(agency)
        .bind(from)
        .bind(to)
        .fetch_all(self.pool())
        .await?;
        let mut figures: Vec<AppointmentFigures> = Vec::new();
        for row in &rows {
            let code: String = row.try_get("code")?;
            if figures.last().is_none_or(|f| f.service_code != code) {
                figures.push(AppointmentFigures {
                    service_code: code,
                    service_name: Localized::new(
                        row.try_get::<String, _>("name_ar")?,
                        row.try_get::<String, _>("name_en")?,
                    ),
                    counts: AppointmentCounts::default(),
                });
            }
            let Some(status) = row.try_get::<Option<String>, _>("status")? else {
                continue;
            };
            let status = AppointmentStatus::from_code(&status)
                .ok_or_else(|| decode_err("appointment status"))?;
            let n = u32::try_from(row.try_get::<i64, _>("n")?).unwrap_or(u32::MAX);
            if let Some(last) = figures.last_mut() {
                let counts = &mut last.counts;
                match status {
                    AppointmentStatus::Booked => counts.booked = n,
                    AppointmentStatus::Kept => counts.kept = n,
                    AppointmentStatus::Cancelled => counts.cancelled = n,
                    AppointmentStatus::NoShow => counts.no_show = n,
                }
            }
        }
        Ok(figures)
    }
}

fn read_rules(rules: &str) -> Result<Availability, sqlx::Error> {
    serde_json::from_str(rules).map_err(|_| decode_err("stored availability"))
}

/// Whether request `request_id` of `service`, leaving `submitted` for `to` in `tx`, is to
/// be invited to choose a time now: its service offers times after review, the request may
/// book from now on, and no time is booked (staff may have booked one already). A request
/// leaves `submitted` once, so the invitation goes once.
pub(crate) async fn invitation_due(
    tx: &mut Transaction<'static, Any>,
    request_id: i64,
    service: &str,
    to: RequestStatus,
) -> Result<bool, sqlx::Error> {
    let Some(row) = sqlx::query("select rules from availabilities where service_code = $1")
        .bind(service)
        .fetch_optional(&mut **tx)
        .await?
    else {
        return Ok(false);
    };
    let availability = read_rules(&row.try_get::<String, _>("rules")?)?;
    if availability.mode != BookingMode::AfterReview {
        return Ok(false);
    }
    let current = sqlx::query("select status from appointments where request_id = $1")
        .bind(request_id)
        .fetch_optional(&mut **tx)
        .await?
        .map(|row| status_in(&row, "status"))
        .transpose()?;
    Ok(may_book(availability.mode, to, current))
}
