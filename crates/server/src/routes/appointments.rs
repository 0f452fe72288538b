//! Appointments: the open slots of a service (`GET /api/v1/services/{code}/slots`), the
//! booking a filing makes, the applicant's change, cancellation and calendar file; the
//! staff's day view, moves and marks, the availability editor and the figures. The rules
//! of a time and of an availability are the domain's (`nafitha_domain::appointment`); a
//! slot's capacity is the store's to hold; the calendar file's format is `crate::ics`'s.

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use nafitha_domain::account::RequestDetail;
use nafitha_domain::appointment::{
    format_riyadh, join_link, may_book, parse_start, reminder_at, time_missing, AppointmentCounts,
    AppointmentFigures, AppointmentStatus, Availability, BookingMode, DaySlot, DayView, Slot,
    TimeChoice, ValidTime, Visit, VisitMark, DEFAULT_FIGURES_DAYS, MAX_FIGURES_DAYS, MAX_SLOT_DAYS,
};
use nafitha_domain::calendar::{riyadh_date, riyadh_midnight_ms, Date, DAY_MS};
use nafitha_domain::{ErrorBody, Localized, ReferenceNumber, ServiceDetail};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::{CaseWorker, CitizenSession};
use crate::error::{ApiError, ApiJson};
use crate::limits::too_many;
use crate::notify::messages::{self, Recipient, Venue};
use crate::routes::account::{locale_of, path_reference};
use crate::startup::AppState;
use crate::store::appointments::{Booking, BookingTarget, Rebooked, StaffBooking};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_slots))
        .routes(routes!(book_time, cancel_time))
        .routes(routes!(day_view))
        .routes(routes!(reschedule))
        .routes(routes!(mark_visit))
        .routes(routes!(get_availability, edit_availability))
        .routes(routes!(appointment_figures))
        .routes(routes!(appointment_calendar))
}

/// `?from=YYYY-MM-DD&days=N`: today and 7 days unless said.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct SlotQuery {
    /// The first day, `YYYY-MM-DD` (today in Riyadh by default).
    #[param(pattern = r"^\d{4}-\d{2}-\d{2}$")]
    from: Option<String>,
    /// How many days, 1 to 14 (7 by default).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 14)]
    days: Option<String>,
}

/// The bookable slots of an appointment service, earliest first, each with its free
/// places (0 when full). Public: no personal data.
#[utoipa::path(
    get,
    path = "/services/{code}/slots",
    tag = "appointments",
    params(("code" = String, Path, description = "The service's code"), SlotQuery),
    responses(
        (status = 200, description = "The bookable slots, earliest first", body = Vec<Slot>),
        (status = 400, description = "The query cannot be read", body = ErrorBody),
        (status = 404, description = "No appointment service has this code", body = ErrorBody),
        (status = 408, description = "The request took too long", body = ErrorBody),
        (status = 422, description = "`from` or `days` is out of range, each named", body = ErrorBody),
    )
)]
async fn list_slots(
    State(state): State<AppState>,
    Path(code): Path<String>,
    query: Result<Query<SlotQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<ApiJson<Vec<Slot>>, ApiError> {
    let Query(query) = query.map_err(|_| unreadable_query())?;
    let now = state.now_ms();
    let mut problems = Vec::new();
    let from = query_date(query.from.as_deref(), "from", &mut problems)
        .unwrap_or_else(|| riyadh_date(now));
    let days = match query.days.as_deref().map(str::trim) {
        None | Some("") => 7,
        Some(text) => text
            .parse::<u32>()
            .ok()
            .filter(|d| (1..=MAX_SLOT_DAYS).contains(d))
            .unwrap_or_else(|| {
                problems.push(nafitha_domain::answers::InvalidAnswer {
                    field: "days".to_owned(),
                    message: Localized::new(
                        format!("عدد الأيام من 1 إلى {MAX_SLOT_DAYS}"),
                        format!("days is 1 to {MAX_SLOT_DAYS}"),
                    ),
                });
                7
            }),
    };
    if !problems.is_empty() {
        return Err(ApiError::Validation(problems));
    }
    let availability = state
        .store
        .availability(&code)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(ApiJson(
        open_slots(&state, &code, &availability, from, days).await?,
    ))
}

/// The bookable slots of `service` from `from` for `days` days, with their free places.
pub(crate) async fn open_slots(
    state: &AppState,
    service: &str,
    availability: &Availability,
    from: Date,
    days: u32,
) -> Result<Vec<Slot>, ApiError> {
    let starts = availability.bookable(from, days, state.now_ms());
    let (Some(first), Some(last)) = (starts.first(), starts.last()) else {
        return Ok(Vec::new());
    };
    let taken = state.store.places_taken(service, *first, last + 1).await?;
    Ok(starts
        .into_iter()
        .map(|start| Slot {
            start: format_riyadh(start),
            end: format_riyadh(availability.end_of(start)),
            free: availability
                .capacity
                .saturating_sub(taken.get(&start).copied().unwrap_or(0)),
        })
        .collect())
}

/// What a filing books, checked: `None` for a service that books nothing now (not an
/// appointment service, or one whose times are offered after review).
pub(crate) async fn booking_for(
    state: &AppState,
    service: &ServiceDetail,
    choice: Option<&TimeChoice>,
) -> Result<Option<(Availability, Booking)>, ApiError> {
    let availability = state.store.availability(&service.summary.code).await?;
    let refuse = |message: Localized| Err(ApiError::on_field("appointment", message));
    match (availability, choice) {
        (None, None) => Ok(None),
        (None, Some(_)) => refuse(Localized::new(
            "هذه الخدمة لا تحجز موعدًا",
            "This service does not book a time",
        )),
        (Some(a), Some(_)) if a.mode == BookingMode::AfterReview => refuse(Localized::new(
            "تعرض الجهة المواعيد بعد دراسة الطلب، فلا يُختار الموعد الآن",
            "The agency offers times after it reviews the request: no time is chosen now",
        )),
        (Some(a), None) if a.mode == BookingMode::AfterReview => Ok(None),
        (Some(_), None) => Err(ApiError::Validation(vec![time_missing()])),
        (Some(a), Some(choice)) => {
            let valid = choice
                .validate(&a, state.now_ms())
                .map_err(ApiError::Validation)?;
            let booking = booking_of(state, &a, valid);
            Ok(Some((a, booking)))
        }
    }
}

/// The 400 for a query string that does not read.
fn unreadable_query() -> ApiError {
    ApiError::BadRequest(Localized::new(
        "معاملات البحث غير صحيحة",
        "The query parameters are not valid",
    ))
}

/// The join link of a video call, or the place of a visit (an in-person availability always
/// has one: `Availability::validate`).
pub(crate) fn venue(
    state: &AppState,
    availability: &Availability,
    reference: &ReferenceNumber,
) -> Venue {
    match &availability.place {
        Some(place) if !availability.video => Venue::Place(place.clone()),
        _ => Venue::Video(join_link(&state.video_url_template, reference)),
    }
}

/// What is stored of a checked time.
fn booking_of(state: &AppState, availability: &Availability, valid: ValidTime) -> Booking {
    Booking {
        start: valid.start,
        end: valid.end,
        capacity: availability.capacity,
        needs: valid.needs,
        video_template: availability.video.then(|| state.video_url_template.clone()),
    }
}

/// Books `valid` for `target` in place of its time (the applicant's change, or staff's),
/// with the SMS that says so and the reminder for the day before.
async fn rebook_and_tell(
    state: &AppState,
    target: &BookingTarget,
    availability: &Availability,
    valid: ValidTime,
) -> Result<(), ApiError> {
    let now = state.now_ms();
    let booking = booking_of(state, availability, valid);
    let to = Recipient {
        locale: target.locale,
        phone: &target.phone,
        email: None,
    };
    let place = venue(state, availability, &target.reference);
    let confirmation = [messages::appointment_booked(
        &to,
        &target.reference,
        booking.start,
        &place,
    )];
    let reminder = reminder_at(booking.start, now).map(|at| {
        let message = messages::appointment_reminder(&to, &target.reference, booking.start, &place);
        (at, message)
    });
    match state
        .store
        .rebook(target, &booking, &confirmation, reminder, now)
        .await?
    {
        Rebooked::Done => Ok(()),
        Rebooked::Full => Err(slot_full(state, &target.service_code, availability).await),
        Rebooked::Changed => Err(changed_meanwhile()),
        Rebooked::Limited(refused) => Err(too_many(refused)),
    }
}

/// The 409 for a slot taken meanwhile, naming the next free times.
pub(crate) async fn slot_full(
    state: &AppState,
    service: &str,
    availability: &Availability,
) -> ApiError {
    let today = riyadh_date(state.now_ms());
    let next: Vec<String> =
        match open_slots(state, service, availability, today, MAX_SLOT_DAYS).await {
            Ok(slots) => slots
                .into_iter()
                .filter(|s| s.free > 0)
                .take(3)
                .map(|s| format!("{} {}", &s.start[..10], &s.start[11..16]))
                .collect(),
            Err(_) => Vec::new(),
        };
    let list = next.join("، ");
    ApiError::Conflict {
        code: "slot_full",
        message: if next.is_empty() {
            Localized::new(
                "حُجز هذا الموعد للتو، ولا مواعيد متاحة قريبًا",
                "This time was just taken, and there is no free time soon",
            )
        } else {
            Localized::new(
                format!("حُجز هذا الموعد للتو. أقرب المواعيد المتاحة: {list}"),
                format!(
                    "This time was just taken. The next free times: {}",
                    next.join(", ")
                ),
            )
        },
    }
}

/// `PUT /api/v1/requests/{reference}/appointment { start, needs? }`: the applicant books a
/// time, or changes theirs (until the lead time); answers the request page.
#[utoipa::path(
    put,
    path = "/requests/{reference}/appointment",
    tag = "appointments",
    params(("reference" = String, Path, description = "The request's reference number")),
    request_body = TimeChoice,
    security(("citizen_session" = [])),
    responses(
        (status = 200, description = "Booked; the updated request page", body = RequestDetail),
        (status = 400, description = "The body cannot be read, or the reference is malformed", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such request of the signed-in applicant", body = ErrorBody),
        (status = 408, description = "The request took too long", body = ErrorBody),
        (status = 409, description = "The slot is full (the next free times are named), it is too late to change, or no time can be chosen now", body = ErrorBody),
        (status = 413, description = "The body is too large", body = ErrorBody),
        (status = 422, description = "The time or the note breaks a rule, each named", body = ErrorBody),
        (status = 429, description = "The applicant's number has had its day's SMS", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
async fn book_time(
    State(state): State<AppState>,
    session: CitizenSession,
    Path(reference): Path<String>,
    ApiJson(choice): ApiJson<TimeChoice>,
) -> Result<ApiJson<RequestDetail>, ApiError> {
    let reference = path_reference(&reference)?;
    let now = state.now_ms();
    let target = state
        .store
        .applicant_booking(&reference, &session.phone)
        .await?
        .ok_or(ApiError::NotFound)?;
    let availability = state
        .store
        .availability(&target.service_code)
        .await?
        .ok_or_else(|| {
            ApiError::on_field(
                "appointment",
                Localized::new(
                    "هذه الخدمة لا تحجز موعدًا",
                    "This service does not book a time",
                ),
            )
        })?;
    match target.current {
        Some((start, AppointmentStatus::Booked)) => {
            if target.status.is_finished() || !availability.may_change(start, now) {
                return Err(too_late(&availability));
            }
        }
        current => {
            if !may_book(availability.mode, target.status, current.map(|c| c.1)) {
                return Err(ApiError::Conflict {
                    code: "not_bookable_now",
                    message: Localized::new(
                        "لا يمكن اختيار موعد لهذا الطلب الآن",
                        "A time cannot be chosen for this request now",
                    ),
                });
            }
        }
    }
    let valid = choice
        .validate(&availability, now)
        .map_err(ApiError::Validation)?;
    rebook_and_tell(&state, &target, &availability, valid).await?;
    applicant_page(&state, &reference, &session.phone).await
}

/// `DELETE /api/v1/requests/{reference}/appointment`: the applicant cancels their time
/// (until the lead time); the place is free at once.
#[utoipa::path(
    delete,
    path = "/requests/{reference}/appointment",
    tag = "appointments",
    params(("reference" = String, Path, description = "The request's reference number")),
    security(("citizen_session" = [])),
    responses(
        (status = 200, description = "Cancelled; the updated request page", body = RequestDetail),
        (status = 400, description = "The reference is malformed", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such request of the signed-in applicant", body = ErrorBody),
        (status = 408, description = "The request took too long", body = ErrorBody),
        (status = 409, description = "No time is booked, or it is too late to cancel", body = ErrorBody),
    )
)]
async fn cancel_time(
    State(state): State<AppState>,
    session: CitizenSession,
    Path(reference): Path<String>,
) -> Result<ApiJson<RequestDetail>, ApiError> {
    let reference = path_reference(&reference)?;
    let now = state.now_ms();
    let target = state
        .store
        .applicant_booking(&reference, &session.phone)
        .await?
        .ok_or(ApiError::NotFound)?;
    let availability = state.store.availability(&target.service_code).await?;
    let (Some(availability), Some((start, AppointmentStatus::Booked))) =
        (availability, target.current)
    else {
        return Err(ApiError::Conflict {
            code: "no_appointment",
            message: Localized::new(
                "لا يوجد موعد محجوز لهذا الطلب",
                "This request has no time booked",
            ),
        });
    };
    if !availability.may_change(start, now) {
        return Err(too_late(&availability));
    }
    if !state.store.cancel_booking(&target, now).await? {
        return Err(changed_meanwhile());
    }
    applicant_page(&state, &reference, &session.phone).await
}

fn too_late(availability: &Availability) -> ApiError {
    let hours = availability.lead_hours;
    ApiError::Conflict {
        code: "too_late_to_change",
        message: Localized::new(
            format!("يُغيَّر الموعد أو يُلغى قبل بدايته بـ {hours} ساعة على الأقل؛ تواصل مع الجهة"),
            format!("A time is changed or cancelled at least {hours} hours before it starts: contact the agency"),
        ),
    }
}

fn changed_meanwhile() -> ApiError {
    ApiError::Conflict {
        code: "changed_meanwhile",
        message: Localized::new(
            "تغيّر الموعد في أثناء ذلك، حدّث الصفحة وحاول مرة أخرى",
            "The appointment changed meanwhile: reload the page and try again",
        ),
    }
}

async fn applicant_page(
    state: &AppState,
    reference: &ReferenceNumber,
    phone: &str,
) -> Result<ApiJson<RequestDetail>, ApiError> {
    state
        .store
        .request_for_applicant(reference, phone, state.now_ms())
        .await?
        .map(ApiJson)
        .ok_or(ApiError::NotFound)
}

/// `?service=CODE&date=YYYY-MM-DD` (today in Riyadh by default).
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct DayQuery {
    /// The appointment service.
    service: String,
    /// The day, `YYYY-MM-DD`.
    #[param(pattern = r"^\d{4}-\d{2}-\d{2}$")]
    date: Option<String>,
}

/// A service's appointments on one day, for its case workers: every slot, who is coming
/// (name, what they need), and the day's counts.
#[utoipa::path(
    get,
    path = "/staff/appointments",
    tag = "appointments",
    params(DayQuery),
    security(("staff_session" = [])),
    responses(
        (status = 200, description = "The day's slots and visitors", body = DayView),
        (status = 400, description = "The query cannot be read", body = ErrorBody),
        (status = 401, description = "No live session", body = ErrorBody),
        (status = 403, description = "The role does not allow this", body = ErrorBody),
        (status = 404, description = "No appointment service of the staff member's scope has this code", body = ErrorBody),
        (status = 408, description = "The request took too long", body = ErrorBody),
        (status = 422, description = "The date is not one", body = ErrorBody),
    )
)]
async fn day_view(
    State(state): State<AppState>,
    CaseWorker(staff): CaseWorker,
    query: Result<Query<DayQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<ApiJson<DayView>, ApiError> {
    let Query(query) = query.map_err(|_| unreadable_query())?;
    let mut problems = Vec::new();
    let date = query_date(query.date.as_deref(), "date", &mut problems);
    if !problems.is_empty() {
        return Err(ApiError::Validation(problems));
    }
    let date = date.unwrap_or_else(|| riyadh_date(state.now_ms()));
    let service = state
        .store
        .get_service(&query.service)
        .await?
        .filter(|s| {
            staff
                .scope()
                .covers(&s.summary.agency.code, &s.department.code)
        })
        .ok_or(ApiError::NotFound)?;
    let availability = state
        .store
        .availability(&service.summary.code)
        .await?
        .ok_or(ApiError::NotFound)?;
    let from = riyadh_midnight_ms(date);
    let entries = state
        .store
        .day_entries(&service.summary.code, from, from + DAY_MS)
        .await?;
    let mut starts = availability.starts_on(date);
    starts.extend(entries.iter().map(|e| e.start));
    starts.sort_unstable();
    starts.dedup();
    let mut counts = AppointmentCounts::default();
    for entry in &entries {
        counts.add(entry.status);
    }
    let slots = starts
        .into_iter()
        .map(|start| DaySlot {
            start: format_riyadh(start),
            end: format_riyadh(availability.end_of(start)),
            capacity: availability.capacity,
            visits: entries
                .iter()
                .filter(|e| e.start == start && e.status != AppointmentStatus::Cancelled)
                .map(|e| Visit {
                    reference: e.reference.clone(),
                    name: e.name.clone(),
                    status: e.status,
                    needs: e.needs.clone(),
                })
                .collect(),
        })
        .collect();
    Ok(ApiJson(DayView {
        service_code: service.summary.code,
        date,
        slots,
        counts,
    }))
}

/// The request `reference` of the staff member's scope, with its appointment service.
async fn staff_target(
    state: &AppState,
    staff: &crate::auth::StaffSession,
    reference: &str,
) -> Result<(StaffBooking, Availability), ApiError> {
    let reference = path_reference(reference)?;
    let booking = state
        .store
        .staff_booking(&reference)
        .await?
        .filter(|b| staff.scope().covers(&b.agency, &b.department))
        .ok_or(ApiError::NotFound)?;
    let availability = state
        .store
        .availability(&booking.target.service_code)
        .await?
        .ok_or_else(|| {
            ApiError::on_field(
                "appointment",
                Localized::new(
                    "هذه الخدمة لا تحجز موعدًا",
                    "This service does not book a time",
                ),
            )
        })?;
    Ok((booking, availability))
}

/// Staff move a request's time (any time on the pattern ahead, the lead time aside); the
/// applicant is told by SMS.
#[utoipa::path(
    put,
    path = "/staff/requests/{reference}/appointment",
    tag = "appointments",
    params(("reference" = String, Path, description = "The request's reference number")),
    request_body = TimeChoice,
    security(("staff_session" = [])),
    responses(
        (status = 204, description = "Moved; the applicant is told"),
        (status = 400, description = "The body cannot be read, or the reference is malformed", body = ErrorBody),
        (status = 401, description = "No live session", body = ErrorBody),
        (status = 403, description = "The role does not allow this", body = ErrorBody),
        (status = 404, description = "No such request in the staff member's scope", body = ErrorBody),
        (status = 408, description = "The request took too long", body = ErrorBody),
        (status = 409, description = "The slot is full, the request is finished, or it changed meanwhile", body = ErrorBody),
        (status = 413, description = "The body is too large", body = ErrorBody),
        (status = 422, description = "The time breaks a rule, or the service books no time", body = ErrorBody),
    )
)]
async fn reschedule(
    State(state): State<AppState>,
    CaseWorker(staff): CaseWorker,
    Path(reference): Path<String>,
    ApiJson(choice): ApiJson<TimeChoice>,
) -> Result<StatusCode, ApiError> {
    let (booking, availability) = staff_target(&state, &staff, &reference).await?;
    let target = booking.target;
    if target.status.is_finished() {
        return Err(ApiError::Conflict {
            code: "request_finished",
            message: Localized::new("انتهى هذا الطلب", "This request is finished"),
        });
    }
    let now = state.now_ms();
    // Staff may move a time up to its start: the lead time is the applicant's.
    let for_staff = Availability {
        lead_hours: 0,
        ..availability.clone()
    };
    let valid = choice
        .validate(&for_staff, now)
        .map_err(ApiError::Validation)?;
    rebook_and_tell(&state, &target, &availability, valid).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Staff mark a visit kept or missed, once its time has begun.
#[utoipa::path(
    post,
    path = "/staff/requests/{reference}/appointment/mark",
    tag = "appointments",
    params(("reference" = String, Path, description = "The request's reference number")),
    request_body = VisitMark,
    security(("staff_session" = [])),
    responses(
        (status = 204, description = "Marked"),
        (status = 400, description = "The body cannot be read, or the reference is malformed", body = ErrorBody),
        (status = 401, description = "No live session", body = ErrorBody),
        (status = 403, description = "The role does not allow this", body = ErrorBody),
        (status = 404, description = "No such request in the staff member's scope", body = ErrorBody),
        (status = 408, description = "The request took too long", body = ErrorBody),
        (status = 409, description = "No time is booked, or it has not begun", body = ErrorBody),
        (status = 413, description = "The body is too large", body = ErrorBody),
        (status = 422, description = "Not a mark (kept or no_show), or the service books no time", body = ErrorBody),
    )
)]
async fn mark_visit(
    State(state): State<AppState>,
    CaseWorker(staff): CaseWorker,
    Path(reference): Path<String>,
    ApiJson(mark): ApiJson<VisitMark>,
) -> Result<StatusCode, ApiError> {
    let status = mark.validate().map_err(ApiError::Validation)?;
    let (booking, _) = staff_target(&state, &staff, &reference).await?;
    if state
        .store
        .mark_visit(&booking.target, status, state.now_ms())
        .await?
    {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::Conflict {
            code: "not_markable",
            message: Localized::new(
                "لا يوجد موعد محجوز بدأ وقته لهذا الطلب",
                "This request has no booked time that has begun",
            ),
        })
    }
}

/// An appointment service's availability, for its agency's case workers: the weekly
/// pattern, slot length, capacity, closures, horizon, lead time, how times are given
/// (`mode`), video call or place.
#[utoipa::path(
    get,
    path = "/staff/services/{code}/availability",
    tag = "appointments",
    params(("code" = String, Path, description = "The service's code")),
    security(("staff_session" = [])),
    responses(
        (status = 200, description = "The service's availability", body = Availability),
        (status = 401, description = "No live session", body = ErrorBody),
        (status = 403, description = "The role does not allow this", body = ErrorBody),
        (status = 404, description = "No appointment service of the staff member's agency has this code", body = ErrorBody),
        (status = 408, description = "The request took too long", body = ErrorBody),
    )
)]
async fn get_availability(
    State(state): State<AppState>,
    CaseWorker(staff): CaseWorker,
    Path(code): Path<String>,
) -> Result<ApiJson<Availability>, ApiError> {
    state
        .store
        .agency_availability(&staff.0.agency, &code)
        .await?
        .map(ApiJson)
        .ok_or(ApiError::NotFound)
}

/// Replaces an appointment service's availability (supervisors and admins of its agency),
/// checked as the editor checks it (`Availability::validate`); who changed it is recorded.
/// Times already booked are kept as they are, even off the new pattern or over a lowered
/// capacity: staff move them (`PUT /staff/requests/{reference}/appointment`) if need be.
#[utoipa::path(
    put,
    path = "/staff/services/{code}/availability",
    tag = "appointments",
    params(("code" = String, Path, description = "The service's code")),
    request_body = Availability,
    security(("staff_session" = [])),
    responses(
        (status = 200, description = "Stored; the availability as it is now", body = Availability),
        (status = 400, description = "The body is not JSON, or not of this shape", body = ErrorBody),
        (status = 401, description = "No live session", body = ErrorBody),
        (status = 403, description = "The role does not allow this (agents)", body = ErrorBody),
        (status = 404, description = "No appointment service of the staff member's agency has this code", body = ErrorBody),
        (status = 408, description = "The request took too long", body = ErrorBody),
        (status = 413, description = "The body is larger than allowed", body = ErrorBody),
        (status = 422, description = "The availability breaks a rule; each bad field is named (nothing stored)", body = ErrorBody),
    )
)]
async fn edit_availability(
    State(state): State<AppState>,
    CaseWorker(staff): CaseWorker,
    Path(code): Path<String>,
    ApiJson(availability): ApiJson<Availability>,
) -> Result<ApiJson<Availability>, ApiError> {
    staff.require_supervisor()?;
    availability.validate().map_err(ApiError::Validation)?;
    let stored = state
        .store
        .set_availability(
            &staff.0.agency,
            &code,
            &availability,
            &staff.0.username,
            state.now_ms(),
        )
        .await?;
    if !stored {
        return Err(ApiError::NotFound);
    }
    state
        .store
        .agency_availability(&staff.0.agency, &code)
        .await?
        .map(ApiJson)
        .ok_or(ApiError::NotFound)
}

/// `?from=YYYY-MM-DD&to=YYYY-MM-DD`: the 30 days up to today (Riyadh) unless said.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct FiguresQuery {
    /// The first day, `YYYY-MM-DD` (29 days before `to` by default).
    #[param(pattern = r"^\d{4}-\d{2}-\d{2}$")]
    from: Option<String>,
    /// The last day, `YYYY-MM-DD` (today in Riyadh by default); at most 366 days after
    /// `from`, counting both.
    #[param(pattern = r"^\d{4}-\d{2}-\d{2}$")]
    to: Option<String>,
}

/// Reads the optional date `name` of a query (`None` when absent), naming it in `problems`
/// when it is there but not one (an empty value is not a date: the document's pattern
/// says so too).
fn query_date(
    text: Option<&str>,
    name: &'static str,
    problems: &mut Vec<nafitha_domain::answers::InvalidAnswer>,
) -> Option<Date> {
    match text.map(str::trim) {
        None => None,
        Some(text) => {
            let date = Date::parse(text);
            if date.is_none() {
                problems.push(nafitha_domain::answers::InvalidAnswer {
                    field: name.to_owned(),
                    message: Localized::new("التاريخ بصيغة YYYY-MM-DD", "A date, YYYY-MM-DD"),
                });
            }
            date
        }
    }
}

/// The appointments of every appointment service of the staff member's agency over a
/// period (supervisors and admins), counted by status (booked, kept, cancelled, no-show)
/// by the Riyadh date of their start; services without any are listed with zeros.
#[utoipa::path(
    get,
    path = "/staff/appointments/figures",
    tag = "appointments",
    params(FiguresQuery),
    security(("staff_session" = [])),
    responses(
        (status = 200, description = "Each appointment service's counts", body = Vec<AppointmentFigures>),
        (status = 400, description = "The query cannot be read", body = ErrorBody),
        (status = 401, description = "No live session", body = ErrorBody),
        (status = 403, description = "The role does not allow this (agents)", body = ErrorBody),
        (status = 408, description = "The request took too long", body = ErrorBody),
        (status = 422, description = "A date is not one, `to` comes before `from`, or the period is longer than 366 days", body = ErrorBody),
    )
)]
async fn appointment_figures(
    State(state): State<AppState>,
    CaseWorker(staff): CaseWorker,
    query: Result<Query<FiguresQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<ApiJson<Vec<AppointmentFigures>>, ApiError> {
    staff.require_supervisor()?;
    let Query(query) = query.map_err(|_| unreadable_query())?;
    let mut problems = Vec::new();
    let from = query_date(query.from.as_deref(), "from", &mut problems);
    let to = query_date(query.to.as_deref(), "to", &mut problems);
    if !problems.is_empty() {
        return Err(ApiError::Validation(problems));
    }
    let to = to.unwrap_or_else(|| riyadh_date(state.now_ms()));
    let from = from.unwrap_or_else(|| to.add_days(1 - DEFAULT_FIGURES_DAYS));
    let days = to.days_since_epoch() - from.days_since_epoch() + 1;
    if days < 1 {
        return Err(ApiError::on_field(
            "to",
            Localized::new(
                "تاريخ النهاية بعد تاريخ البداية أو يساويه",
                "The last day is on or after the first",
            ),
        ));
    }
    if days > MAX_FIGURES_DAYS {
        return Err(ApiError::on_field(
            "to",
            Localized::new(
                format!("الفترة {MAX_FIGURES_DAYS} يومًا كحد أقصى"),
                format!("The period is at most {MAX_FIGURES_DAYS} days"),
            ),
        ));
    }
    let figures = state
        .store
        .appointment_figures(
            &staff.0.agency,
            riyadh_midnight_ms(from),
            riyadh_midnight_ms(to.add_days(1)),
        )
        .await?;
    Ok(ApiJson(figures))
}

/// The applicant's booked appointment as a calendar file (iCalendar, one event, UTC
/// times): the service's name in the caller's language, the place or the video call's
/// link, the reference. Only a booked time has one.
#[utoipa::path(
    get,
    path = "/requests/{reference}/appointment.ics",
    tag = "appointments",
    params(("reference" = String, Path, description = "The request's reference number")),
    security(("citizen_session" = [])),
    responses(
        (status = 200, description = "An iCalendar file, as a download", content_type = "text/calendar", body = String,
            headers(("Content-Disposition" = String, description = "`attachment` and the file's name, `<reference>.ics`"))),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such request of the signed-in applicant, or no time booked", body = ErrorBody),
        (status = 408, description = "The request took too long", body = ErrorBody),
    )
)]
async fn appointment_calendar(
    State(state): State<AppState>,
    session: CitizenSession,
    headers: HeaderMap,
    Path(reference): Path<String>,
) -> Result<Response, ApiError> {
    let reference = path_reference(&reference)?;
    let now = state.now_ms();
    let detail = state
        .store
        .request_for_applicant(&reference, &session.phone, now)
        .await?
        .ok_or(ApiError::NotFound)?;
    let booked = detail
        .appointment
        .and_then(|a| a.booked)
        .filter(|b| b.status == AppointmentStatus::Booked)
        .ok_or(ApiError::NotFound)?;
    let (Some(start), Some(end)) = (parse_start(&booked.start), parse_start(&booked.end)) else {
        return Err(ApiError::NotFound);
    };
    let locale = locale_of(&headers);
    let uid = format!("{reference}@nafitha");
    let place = booked.place.as_ref().map(|p| p.get(locale).to_owned());
    let grouped = reference.grouped();
    let description = match locale {
        nafitha_domain::Locale::Ar => format!("طلب نافذة رقم {grouped}"),
        nafitha_domain::Locale::En => format!("Nafitha request {grouped}"),
    };
    let file = crate::ics::calendar(&crate::ics::Event {
        uid: &uid,
        stamp: now,
        start,
        end,
        summary: detail.request.service.name.get(locale),
        location: place.as_deref().or(booked.video_link.as_deref()),
        url: booked.video_link.as_deref(),
        description: &description,
    });
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "text/calendar; charset=utf-8".to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{reference}.ics\""),
            ),
        ],
        file,
    )
        .into_response())
}
