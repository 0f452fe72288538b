//! Appointments: when an agency receives for a service, and which times a citizen may book.
//!
//! An availability is a weekly pattern over the working week (Sunday to Thursday), cut into
//! slots of one length, each with a capacity, minus closures, within a horizon and after a
//! lead time. Times are Riyadh time (UTC+3, no daylight saving). The browser lists slots
//! and checks a chosen one with these rules; the server checks it again, and counts the
//! places taken (capacity is the store's to hold under concurrent bookings).

use serde::{Deserialize, Serialize};

use crate::answers::InvalidAnswer;
use crate::calendar::{parse_datetime_ms, riyadh_date, riyadh_midnight_ms, Date, DAY_MS};
use crate::locale::Localized;

/// Shortest and longest slot, in minutes.
pub const SLOT_MINUTES: (u16, u16) = (5, 240);
/// Most people one slot may receive.
pub const MAX_CAPACITY: u16 = 500;
/// Furthest ahead one may book, in days.
pub const MAX_HORIZON_DAYS: u16 = 365;
/// Longest lead time, in hours.
pub const MAX_LEAD_HOURS: u16 = 24 * 14;
/// Most closures one availability lists.
pub const MAX_CLOSURES: usize = 366;
/// The years a closure may fall in: anything else is a typing mistake.
pub const CLOSURE_YEARS: (i64, i64) = (2000, 2100);
/// Longest period the staff's appointment figures cover, in days.
pub const MAX_FIGURES_DAYS: i64 = 366;
/// The period the staff's appointment figures cover unless asked: 30 days up to today.
pub const DEFAULT_FIGURES_DAYS: i64 = 30;
/// Most days one look at the open slots covers.
pub const MAX_SLOT_DAYS: u32 = 14;
/// The working days of the pattern, Sunday (0) to Thursday (4).
pub const WORKING_DAYS: usize = 5;

const MINUTE_MS: i64 = 60_000;
const HOUR_MS: i64 = 60 * MINUTE_MS;
const RIYADH_OFFSET_MS: i64 = 3 * HOUR_MS;

/// How a service gives its applicants a time.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BookingMode {
    /// The applicant picks an open slot as a step of the filing.
    #[default]
    WhileFiling,
    /// The agency accepts the request first, then invites the applicant to pick a slot.
    AfterReview,
}

/// Opening hours of one day, in minutes after midnight, Riyadh time.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hours {
    /// Minutes after midnight: 600 is 10:00.
    #[serde(deserialize_with = "crate::number::whole")]
    #[cfg_attr(feature = "openapi", schema(maximum = 65535))]
    pub opens: u16,
    /// Minutes after midnight, at most 1440 (the end of the day).
    #[serde(deserialize_with = "crate::number::whole")]
    #[cfg_attr(feature = "openapi", schema(maximum = 65535))]
    pub closes: u16,
}

/// When a service receives, and how it may be booked.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Availability {
    pub mode: BookingMode,
    /// Sunday to Thursday (five entries): that day's hours, or `null` when it does not
    /// receive.
    #[cfg_attr(feature = "openapi", schema(min_items = 5, max_items = 5))]
    pub week: [Option<Hours>; WORKING_DAYS],
    #[serde(deserialize_with = "crate::number::whole")]
    #[cfg_attr(feature = "openapi", schema(maximum = 65535))]
    pub slot_minutes: u16,
    /// People received in one slot.
    #[serde(deserialize_with = "crate::number::whole")]
    #[cfg_attr(feature = "openapi", schema(maximum = 65535))]
    pub capacity: u16,
    /// How many days ahead one may book (today is day 0).
    #[serde(deserialize_with = "crate::number::whole")]
    #[cfg_attr(feature = "openapi", schema(maximum = 65535))]
    pub horizon_days: u16,
    /// How long before its start a slot may still be booked, changed or cancelled.
    #[serde(deserialize_with = "crate::number::whole")]
    #[cfg_attr(feature = "openapi", schema(maximum = 65535))]
    pub lead_hours: u16,
    /// Days it does not receive (holidays, a day off), in order, each once.
    #[serde(default)]
    pub closures: Vec<Date>,
    /// The meeting is a video call (the booking carries a link) rather than in person.
    #[serde(default)]
    pub video: bool,
    /// Where the applicant comes, for an in-person appointment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<Localized>,
}

/// Why a time cannot be booked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    Past,
    InsideLeadTime,
    BeyondHorizon,
    NotOnPattern,
    Closed,
}

impl Refusal {
    /// The error code the API answers with.
    pub fn code(self) -> &'static str {
        match self {
            Refusal::Past => "slot_past",
            Refusal::InsideLeadTime => "slot_too_soon",
            Refusal::BeyondHorizon => "slot_too_far",
            Refusal::NotOnPattern => "slot_unknown",
            Refusal::Closed => "slot_closed",
        }
    }

    pub fn message(self, lead_hours: u16, horizon_days: u16) -> Localized {
        match self {
            Refusal::Past => Localized::new("هذا الموعد مضى", "This time has passed"),
            Refusal::InsideLeadTime => Localized::new(
                format!("يُحجز الموعد أو يُغيَّر قبل بدايته بـ {lead_hours} ساعة على الأقل"),
                format!("A time is booked or changed at least {lead_hours} hours before it starts"),
            ),
            Refusal::BeyondHorizon => Localized::new(
                format!("يمكن الحجز خلال {horizon_days} يومًا من اليوم فقط"),
                format!("Times can be booked up to {horizon_days} days ahead"),
            ),
            Refusal::NotOnPattern => Localized::new(
                "هذا ليس من مواعيد الخدمة، اختر من المواعيد المعروضة",
                "This is not one of the service's times: choose one of those shown",
            ),
            Refusal::Closed => Localized::new(
                "الجهة لا تستقبل في هذا اليوم، اختر يومًا آخر",
                "The agency is closed that day: choose another day",
            ),
        }
    }
}

/// A slot as the API lists it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Slot {
    /// RFC 3339, Riyadh time: `2026-12-06T09:30:00+03:00`.
    pub start: String,
    pub end: String,
    /// Places still free.
    pub free: u16,
}

/// Longest note of what a visitor needs.
pub const MAX_NEEDS_LENGTH: usize = 300;

/// The time an applicant chose (with a filing, or to change it), and what they need on the
/// day (wheelchair access, an interpreter).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeChoice {
    pub start: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub needs: Option<String>,
}

/// A choice that passed its checks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidTime {
    pub start: i64,
    pub end: i64,
    pub needs: Option<String>,
}

/// The problem of a booking sent without a time (filing for a service that books while
/// filing, or moving an appointment): the browser tells it before sending, the server
/// again.
pub fn time_missing() -> InvalidAnswer {
    InvalidAnswer {
        field: "appointment.start".into(),
        message: Localized::new(
            "اختر موعدًا من الأوقات المعروضة",
            "Choose one of the times shown",
        ),
    }
}

impl TimeChoice {
    /// Checks the chosen time against `availability` at `now` (capacity aside), and the
    /// note; problems name `appointment.start` or `appointment.needs`.
    pub fn validate(
        &self,
        availability: &Availability,
        now: i64,
    ) -> Result<ValidTime, Vec<InvalidAnswer>> {
        let mut problems = Vec::new();
        let start = match parse_start(&self.start) {
            None => {
                problems.push(InvalidAnswer {
                    field: "appointment.start".into(),
                    message: Localized::new(
                        "اختر موعدًا من المواعيد المعروضة",
                        "Choose one of the times shown",
                    ),
                });
                None
            }
            Some(start) => match availability.check(start, now) {
                Ok(()) => Some(start),
                Err(refusal) => {
                    problems.push(InvalidAnswer {
                        field: "appointment.start".into(),
                        message: refusal
                            .message(availability.lead_hours, availability.horizon_days),
                    });
                    None
                }
            },
        };
        let needs = crate::text::given(&self.needs).map(str::to_owned);
        if let Some(needs) = &needs {
            let checked = if needs.chars().count() > MAX_NEEDS_LENGTH {
                Err(Localized::new(
                    format!("اكتب ما تحتاجه في {MAX_NEEDS_LENGTH} حرف كحد أقصى"),
                    format!("Write what you need in {MAX_NEEDS_LENGTH} characters or fewer"),
                ))
            } else {
                crate::text::check_text(
                    needs,
                    crate::text::Lines::Many,
                    ("ما تحتاجه", "what you need"),
                )
            };
            if let Err(message) = checked {
                problems.push(InvalidAnswer {
                    field: "appointment.needs".into(),
                    message,
                });
            }
        }
        match start {
            Some(start) if problems.is_empty() => Ok(ValidTime {
                start,
                end: availability.end_of(start),
                needs,
            }),
            _ => Err(problems),
        }
    }
}

/// Where a booking stands.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppointmentStatus {
    Booked,
    Cancelled,
    /// The visitor came (or joined the call).
    Kept,
    NoShow,
}

impl AppointmentStatus {
    pub fn code(self) -> &'static str {
        match self {
            AppointmentStatus::Booked => "booked",
            AppointmentStatus::Cancelled => "cancelled",
            AppointmentStatus::Kept => "kept",
            AppointmentStatus::NoShow => "no_show",
        }
    }

    pub fn from_code(code: &str) -> Option<AppointmentStatus> {
        [
            AppointmentStatus::Booked,
            AppointmentStatus::Cancelled,
            AppointmentStatus::Kept,
            AppointmentStatus::NoShow,
        ]
        .into_iter()
        .find(|s| s.code() == code)
    }
}

/// A request's appointment as its applicant (and staff) see it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppointmentView {
    /// RFC 3339, Riyadh time.
    pub start: String,
    pub end: String,
    pub status: AppointmentStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub needs: Option<String>,
    /// A video call's join link.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub video_link: Option<String>,
    /// Where to come, for a visit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<Localized>,
    /// Until when the applicant may change or cancel it (RFC 3339, Riyadh time), while
    /// they still may.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change_until: Option<String>,
}

/// What a request's applicant may do about a time.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppointmentState {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub booked: Option<AppointmentView>,
    /// A time may be chosen now (none booked, or cancelled, and the request still open;
    /// for a service that offers times after review, once the agency has taken it up).
    #[serde(default)]
    pub may_book: bool,
}

/// One visitor of a slot, for the staff's day view.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Visit {
    pub reference: crate::ReferenceNumber,
    pub name: String,
    pub status: AppointmentStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub needs: Option<String>,
}

/// One slot of the staff's day view, with who is coming.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DaySlot {
    pub start: String,
    pub end: String,
    pub capacity: u16,
    pub visits: Vec<Visit>,
}

/// How many appointments stand where.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppointmentCounts {
    pub booked: u32,
    pub kept: u32,
    pub cancelled: u32,
    pub no_show: u32,
}

impl AppointmentCounts {
    pub fn add(&mut self, status: AppointmentStatus) {
        match status {
            AppointmentStatus::Booked => self.booked += 1,
            AppointmentStatus::Kept => self.kept += 1,
            AppointmentStatus::Cancelled => self.cancelled += 1,
            AppointmentStatus::NoShow => self.no_show += 1,
        }
    }
}

/// One appointment service's figures over a period, for its supervisors: appointments
/// counted by where they stand, by the Riyadh date of their start.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppointmentFigures {
    pub service_code: String,
    pub service_name: Localized,
    pub counts: AppointmentCounts,
}

/// A service's appointments on one day, for its staff: every slot of the pattern (and any
/// booked time off it), who is coming, and the day's counts.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayView {
    pub service_code: String,
    pub date: Date,
    pub slots: Vec<DaySlot>,
    pub counts: AppointmentCounts,
}

/// Staff mark a visit: `kept` (came, or joined the call) or `no_show`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitMark {
    pub status: AppointmentStatus,
}

impl VisitMark {
    /// Only `kept` and `no_show` are marks.
    pub fn validate(&self) -> Result<AppointmentStatus, Vec<InvalidAnswer>> {
        match self.status {
            AppointmentStatus::Kept | AppointmentStatus::NoShow => Ok(self.status),
            _ => Err(vec![InvalidAnswer {
                field: "status".into(),
                message: Localized::new("اختر: حضر، أو لم يحضر", "Choose: kept (came), or no_show"),
            }]),
        }
    }
}

/// Whether a request's applicant may choose a time now: the request is open, and (for a
/// service offering times after review) the agency has taken it up.
pub fn may_book(
    mode: BookingMode,
    status: crate::lifecycle::RequestStatus,
    current: Option<AppointmentStatus>,
) -> bool {
    use crate::lifecycle::RequestStatus;
    let open = !status.is_finished();
    let reviewed = mode == BookingMode::WhileFiling || status != RequestStatus::Submitted;
    let free = matches!(current, None | Some(AppointmentStatus::Cancelled));
    open && reviewed && free
}

/// A time as Riyadh's wall clock writes it: `2026-12-06T09:30:00+03:00`.
pub fn format_riyadh(unix_ms: i64) -> String {
    let local = unix_ms + RIYADH_OFFSET_MS;
    let date = Date::from_unix_millis(local);
    let minutes = local.rem_euclid(DAY_MS) / MINUTE_MS;
    format!("{date}T{:02}:{:02}:00+03:00", minutes / 60, minutes % 60)
}

/// When the reminder of an appointment at `start` is sent: 09:00 Riyadh time the day
/// before; `None` when that is already past at `now` (booked for tomorrow or today).
pub fn reminder_at(start: i64, now: i64) -> Option<i64> {
    let eve = riyadh_date(start).add_days(-1);
    let at = riyadh_midnight_ms(eve) + 9 * HOUR_MS;
    (at > now).then_some(at)
}

/// A time of day as `HH:MM` (what a time input gives), in minutes after midnight; `24:00`
/// is the day's end.
pub fn parse_clock(text: &str) -> Option<u16> {
    let (h, m) = text.trim().split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
    let minutes = h * 60 + m;
    (m < 60 && minutes <= 24 * 60).then_some(minutes)
}

/// Minutes after midnight as `HH:MM`.
pub fn format_clock(minutes: u16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// A video call's join link: `template` with `{reference}` standing for the request's.
pub fn join_link(template: &str, reference: &crate::ReferenceNumber) -> String {
    template.replace("{reference}", reference.as_str())
}

/// Reads a slot's start as sent back (`format_riyadh`'s form, or any W3C date-time).
pub fn parse_start(text: &str) -> Option<i64> {
    parse_datetime_ms(text)
}

impl Availability {
    /// The hours of `day`, if it receives then.
    fn hours_on(&self, day: Date) -> Option<Hours> {
        if self.closures.contains(&day) {
            return None;
        }
        let weekday = usize::try_from(day.weekday()).ok()?;
        self.week.get(weekday).copied().flatten()
    }

    /// Every slot start of `day` on the pattern (bookable or not), Unix milliseconds.
    pub fn starts_on(&self, day: Date) -> Vec<i64> {
        let Some(hours) = self.hours_on(day) else {
            return Vec::new();
        };
        let step = self.slot_minutes.max(SLOT_MINUTES.0);
        let midnight = riyadh_midnight_ms(day);
        (0..)
            .map(|i| hours.opens + i * step)
            .take_while(|m| m + step <= hours.closes)
            .map(|m| midnight + i64::from(m) * MINUTE_MS)
            .collect()
    }

    /// The end of a slot starting at `start`.
    pub fn end_of(&self, start: i64) -> i64 {
        start + i64::from(self.slot_minutes) * MINUTE_MS
    }

    /// Whether `start` may be booked at `now` (capacity aside), or why not.
    pub fn check(&self, start: i64, now: i64) -> Result<(), Refusal> {
        if start <= now {
            return Err(Refusal::Past);
        }
        let day = riyadh_date(start);
        if self.closures.contains(&day) && self.pattern_has(day, start) {
            return Err(Refusal::Closed);
        }
        if !self.starts_on(day).contains(&start) {
            return Err(Refusal::NotOnPattern);
        }
        let last_day = riyadh_date(now).add_days(i64::from(self.horizon_days));
        if day > last_day {
            return Err(Refusal::BeyondHorizon);
        }
        if start < now + i64::from(self.lead_hours) * HOUR_MS {
            return Err(Refusal::InsideLeadTime);
        }
        Ok(())
    }

    /// Whether the weekly pattern (closures aside) has a slot at `start` on `day`.
    fn pattern_has(&self, day: Date, start: i64) -> bool {
        let open = Availability {
            closures: Vec::new(),
            ..self.clone()
        };
        open.starts_on(day).contains(&start)
    }

    /// Whether a booking at `start` may still be changed or cancelled at `now`.
    pub fn may_change(&self, start: i64, now: i64) -> bool {
        start >= now + i64::from(self.lead_hours) * HOUR_MS
    }

    /// The bookable starts from `from` for `days` days (at most [`MAX_SLOT_DAYS`]), in
    /// order, capacity aside.
    pub fn bookable(&self, from: Date, days: u32, now: i64) -> Vec<i64> {
        (0..days.min(MAX_SLOT_DAYS))
            .flat_map(|i| self.starts_on(from.add_days(i64::from(i))))
            .filter(|start| self.check(*start, now).is_ok())
            .collect()
    }

    /// Puts the closures in order, each once (what [`Availability::validate`] asks); the
    /// editor calls it before checking, so a day typed twice is no error.
    pub fn tidy_closures(&mut self) {
        self.closures.sort_unstable();
        self.closures.dedup();
    }

    /// Every problem with this availability, each naming its field.
    pub fn validate(&self) -> Result<(), Vec<InvalidAnswer>> {
        let mut problems = Vec::new();
        let mut problem = |field: String, ar: String, en: String| {
            problems.push(InvalidAnswer {
                field,
                message: Localized::new(ar, en),
            })
        };
        let (shortest, longest) = SLOT_MINUTES;
        if !(shortest..=longest).contains(&self.slot_minutes) {
            problem(
                "slot_minutes".into(),
                format!("مدة الموعد من {shortest} إلى {longest} دقيقة"),
                format!("A slot lasts {shortest} to {longest} minutes"),
            );
        }
        if !(1..=MAX_CAPACITY).contains(&self.capacity) {
            problem(
                "capacity".into(),
                format!("السعة من 1 إلى {MAX_CAPACITY}"),
                format!("Capacity is 1 to {MAX_CAPACITY}"),
            );
        }
        if !(1..=MAX_HORIZON_DAYS).contains(&self.horizon_days) {
            problem(
                "horizon_days".into(),
                format!("مدى الحجز من 1 إلى {MAX_HORIZON_DAYS} يومًا"),
                format!("Booking ahead is 1 to {MAX_HORIZON_DAYS} days"),
            );
        }
        if self.lead_hours > MAX_LEAD_HOURS {
            problem(
                "lead_hours".into(),
                format!("المهلة {MAX_LEAD_HOURS} ساعة كحد أقصى"),
                format!("The lead time is at most {MAX_LEAD_HOURS} hours"),
            );
        }
        if self.closures.len() > MAX_CLOSURES {
            problem(
                "closures".into(),
                format!("{MAX_CLOSURES} يوم إغلاق كحد أقصى"),
                format!("At most {MAX_CLOSURES} closed days"),
            );
        }
        let (first_year, last_year) = CLOSURE_YEARS;
        for (i, day) in self.closures.iter().enumerate() {
            let year = day.ymd().0;
            if !(first_year..=last_year).contains(&year) {
                problem(
                    format!("closures.{i}"),
                    format!("يوم الإغلاق بين عامي {first_year} و{last_year}"),
                    format!("A closed day falls between {first_year} and {last_year}"),
                );
            } else if i > 0 && self.closures[i - 1] >= *day {
                problem(
                    format!("closures.{i}"),
                    "رتّب أيام الإغلاق من الأقدم إلى الأحدث دون تكرار".into(),
                    "List the closed days from earliest to latest, each once".into(),
                );
            }
        }
        for (i, hours) in self.week.iter().enumerate() {
            if let Some(h) = hours {
                if h.opens >= h.closes || h.closes > 24 * 60 {
                    problem(
                        format!("week.{i}"),
                        "وقت الإغلاق بعد وقت الفتح وفي اليوم نفسه".into(),
                        "Closing comes after opening, on the same day".into(),
                    );
                } else if h.closes - h.opens < self.slot_minutes {
                    problem(
                        format!("week.{i}"),
                        "ساعات اليوم أقصر من موعد واحد".into(),
                        "The day's hours are shorter than one slot".into(),
                    );
                }
            }
        }
        if self.week.iter().all(Option::is_none) {
            problem(
                "week".into(),
                "اختر يومًا واحدًا على الأقل للاستقبال".into(),
                "Choose at least one day to receive".into(),
            );
        }
        match &self.place {
            Some(place) if place.is_incomplete() => problem(
                "place".into(),
                "اكتب المكان بالعربية والإنجليزية".into(),
                "Write the place in Arabic and English".into(),
            ),
            None if !self.video => problem(
                "place".into(),
                "اكتب مكان الموعد الحضوري".into(),
                "Write where an in-person appointment takes place".into(),
            ),
            _ => {}
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_time_of_day_reads_and_writes_as_hh_mm() {
        assert_eq!(parse_clock("09:30"), Some(570));
        assert_eq!(parse_clock(" 24:00 "), Some(1440));
        assert_eq!(format_clock(570), "09:30");
        assert_eq!(parse_clock(&format_clock(1439)), Some(1439));
        for bad in ["9:30", "09:60", "24:01", "0930", "", "aa:bb", "09:3"] {
            assert_eq!(parse_clock(bad), None, "{bad}");
        }
    }

    fn day(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

    fn at(text: &str) -> i64 {
        parse_datetime_ms(text).unwrap()
    }

    fn video() -> Availability {
        Availability {
            mode: BookingMode::WhileFiling,
            week: [
                Some(Hours {
                    opens: 10 * 60,
                    closes: 11 * 60,
                }),
                None,
                Some(Hours {
                    opens: 10 * 60,
                    closes: 10 * 60 + 50,
                }),
                None,
                None,
            ],
            slot_minutes: 20,
            capacity: 1,
            horizon_days: 7,
            lead_hours: 2,
            closures: vec![day("2026-12-08")],
            video: true,
            place: None,
        }
    }

    #[test]
    fn a_day_is_cut_into_whole_slots_in_riyadh_time() {
        // 2026-12-06 is a Sunday: 10:00, 10:20, 10:40 (11:00 would end past closing).
        let starts: Vec<String> = video()
            .starts_on(day("2026-12-06"))
            .into_iter()
            .map(format_riyadh)
            .collect();
        assert_eq!(
            starts,
            [
                "2026-12-06T10:00:00+03:00",
                "2026-12-06T10:20:00+03:00",
                "2026-12-06T10:40:00+03:00"
            ]
        );
        assert_eq!(parse_start(&starts[1]), Some(at("2026-12-06T07:20:00Z")));
        // Monday does not receive; Tuesday 2026-12-08 is closed; Friday is no working day.
        assert!(video().starts_on(day("2026-12-07")).is_empty());
        assert!(video().starts_on(day("2026-12-08")).is_empty());
        assert!(video().starts_on(day("2026-12-11")).is_empty());
        assert_eq!(video().starts_on(day("2026-12-15")).len(), 2);
    }

    #[test]
    fn a_time_is_refused_for_each_reason_in_turn() {
        let a = video();
        let now = at("2026-12-06T10:05:00+03:00");
        let check = |t: &str| a.check(at(t), now);
        assert_eq!(check("2026-12-06T10:00:00+03:00"), Err(Refusal::Past));
        assert_eq!(
            check("2026-12-06T10:40:00+03:00"),
            Err(Refusal::InsideLeadTime)
        );
        assert_eq!(
            check("2026-12-06T10:30:00+03:00"),
            Err(Refusal::NotOnPattern)
        );
        assert_eq!(check("2026-12-08T10:00:00+03:00"), Err(Refusal::Closed));
        assert_eq!(
            check("2026-12-09T10:00:00+03:00"),
            Err(Refusal::NotOnPattern)
        );
        assert_eq!(check("2026-12-13T10:00:00+03:00"), Ok(()));
        assert_eq!(
            check("2026-12-20T10:00:00+03:00"),
            Err(Refusal::BeyondHorizon)
        );
        assert!(a.may_change(at("2026-12-06T12:05:00+03:00"), now));
        assert!(!a.may_change(at("2026-12-06T12:04:00+03:00"), now));
        let bookable: Vec<String> = a
            .bookable(day("2026-12-06"), 30, now)
            .into_iter()
            .map(format_riyadh)
            .collect();
        assert_eq!(
            bookable,
            [
                "2026-12-13T10:00:00+03:00",
                "2026-12-13T10:20:00+03:00",
                "2026-12-13T10:40:00+03:00"
            ]
        );
        assert_eq!(
            reminder_at(at("2026-12-13T10:00:00+03:00"), now).map(format_riyadh),
            Some("2026-12-12T09:00:00+03:00".to_owned())
        );
        assert_eq!(reminder_at(at("2026-12-07T10:00:00+03:00"), now), None);
        let messages = Refusal::InsideLeadTime.message(2, 7);
        assert!(messages.en.contains("2 hours") && messages.ar.contains("2 ساعة"));
    }

    #[test]
    fn a_choice_is_a_time_on_the_pattern_and_a_clean_note() {
        let a = video();
        let now = at("2026-12-06T08:00:00+03:00");
        let chosen = TimeChoice {
            start: "2026-12-06T10:20:00+03:00".into(),
            needs: Some("  كرسي متحرك  ".into()),
        }
        .validate(&a, now)
        .unwrap();
        assert_eq!(chosen.start, at("2026-12-06T10:20:00+03:00"));
        assert_eq!(chosen.end - chosen.start, 20 * 60_000);
        assert_eq!(chosen.needs.as_deref(), Some("كرسي متحرك"));
        let bad = TimeChoice {
            start: "tomorrow".into(),
            needs: Some("x".repeat(MAX_NEEDS_LENGTH + 1)),
        }
        .validate(&a, now)
        .unwrap_err();
        let named: Vec<&str> = bad.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(named, ["appointment.start", "appointment.needs"]);
        let closed = TimeChoice {
            start: "2026-12-08T10:00:00+03:00".into(),
            needs: None,
        }
        .validate(&a, now)
        .unwrap_err();
        assert!(closed[0].message.en.contains("closed"), "{closed:?}");
    }

    #[test]
    fn a_time_may_be_chosen_while_the_request_is_open_and_after_review_when_asked() {
        use crate::lifecycle::RequestStatus::{InReview, Resolved, Submitted};
        use BookingMode::{AfterReview, WhileFiling};
        assert!(may_book(WhileFiling, Submitted, None));
        assert!(!may_book(AfterReview, Submitted, None));
        assert!(may_book(AfterReview, InReview, None));
        assert!(may_book(
            AfterReview,
            InReview,
            Some(AppointmentStatus::Cancelled)
        ));
        assert!(!may_book(
            AfterReview,
            InReview,
            Some(AppointmentStatus::Booked)
        ));
        assert!(!may_book(WhileFiling, Resolved, None));
        assert_eq!(
            AppointmentStatus::from_code("no_show"),
            Some(AppointmentStatus::NoShow)
        );
    }

    #[test]
    fn an_availability_is_checked_before_it_is_saved() {
        assert_eq!(video().validate(), Ok(()));
        let mut bad = video();
        bad.slot_minutes = 3;
        bad.capacity = 0;
        bad.week[0] = Some(Hours {
            opens: 11 * 60,
            closes: 10 * 60,
        });
        bad.place = Some(Localized::new("مركز الاستقبال", ""));
        let named: Vec<String> = bad
            .validate()
            .unwrap_err()
            .into_iter()
            .map(|p| p.field)
            .collect();
        assert_eq!(named, ["slot_minutes", "capacity", "week.0", "place"]);
        let mut closed = video();
        closed.week = [None; WORKING_DAYS];
        assert!(closed.validate().is_err());
        let mut nowhere = video();
        nowhere.video = false;
        let named: Vec<String> = nowhere
            .validate()
            .unwrap_err()
            .into_iter()
            .map(|p| p.field)
            .collect();
        assert_eq!(named, ["place"]);
    }

    #[test]
    fn closures_are_in_order_each_once_and_in_a_plausible_year() {
        let mut a = video();
        a.closures = vec![day("2026-12-10"), day("2026-12-10"), day("2026-12-08")];
        let named: Vec<String> = a
            .validate()
            .unwrap_err()
            .into_iter()
            .map(|p| p.field)
            .collect();
        assert_eq!(named, ["closures.1", "closures.2"]);
        a.tidy_closures();
        assert_eq!(a.closures, [day("2026-12-08"), day("2026-12-10")]);
        assert_eq!(a.validate(), Ok(()));
        a.closures = vec![day("0202-12-08"), day("2026-12-08"), day("2206-12-08")];
        let problems = a.validate().unwrap_err();
        let named: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(named, ["closures.0", "closures.2"]);
        assert!(problems[0].message.en.contains("2000"), "{problems:?}");
    }

    #[test]
    fn an_availability_reads_whole_numbers_written_with_a_fraction() {
        let text = r#"{"mode":"after_review","week":[{"opens":600.0,"closes":720},null,null,null,null],
            "slot_minutes":20.0,"capacity":2,"horizon_days":30,"lead_hours":48,"video":true}"#;
        let a: Availability = serde_json::from_str(text).unwrap();
        assert_eq!(a.slot_minutes, 20);
        assert_eq!(a.week[0].map(|h| h.opens), Some(600));
        assert!(a.closures.is_empty());
        assert!(serde_json::from_str::<Availability>(&text.replace("20.0", "20.5")).is_err());
    }
}
