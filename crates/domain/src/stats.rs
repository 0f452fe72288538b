//! The performance figures: what the public page and the supervisors' view show, how each
//! figure is defined, and the arithmetic that turns kept counts into figures. The server
//! keeps counts per day and per month as requests move (never scanning every request per
//! call); this module says which buckets a period reads and how the counts add up.
//!
//! Definitions (also on the page):
//! - *received*: requests filed in the period (by their filing date in Riyadh);
//! - *in progress*: of those, the ones still open now;
//! - *resolved* / *rejected*: requests decided so in the period (by the decision date). A
//!   resolved request that its applicant reopens stops counting as resolved until it is
//!   resolved again;
//! - *time to resolve*: working days (Sunday to Thursday) from the filing date to the
//!   resolution date, the filing day not counted; median and 90th percentile by nearest rank;
//! - *within the SLA*: resolved on or before the due date;
//! - *satisfaction*: ratings given in the period; the average is shown only from
//!   [`MIN_RATINGS_FOR_AVERAGE`] ratings on;
//! - *by channel*: received requests split by how they came in ([`Channel`]); *online* is
//!   the portal's (`web`) share: filed by the applicant, not for them by staff or a partner.
//!
//! Figures are attributed to where the request is when it happens: filings to the service's
//! agency and department, decisions and ratings to the agency and department that decided.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::answers::InvalidAnswer;
use crate::calendar::Date;
use crate::filing::Channel;
use crate::locale::{Locale, Localized};
use crate::rating::MIN_RATINGS_FOR_AVERAGE;
use crate::text::given;

/// The periods the figures can be asked for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Period {
    #[default]
    #[serde(rename = "30d")]
    Days30,
    #[serde(rename = "12m")]
    Months12,
    #[serde(rename = "all")]
    All,
}

impl Period {
    pub const ALL: [Period; 3] = [Period::Days30, Period::Months12, Period::All];

    pub fn code(self) -> &'static str {
        match self {
            Period::Days30 => "30d",
            Period::Months12 => "12m",
            Period::All => "all",
        }
    }

    pub fn from_code(code: &str) -> Option<Period> {
        Period::ALL.into_iter().find(|p| p.code() == code)
    }

    pub fn label(self, locale: Locale) -> &'static str {
        match (self, locale) {
            (Period::Days30, Locale::Ar) => "آخر 30 يومًا",
            (Period::Days30, Locale::En) => "Last 30 days",
            (Period::Months12, Locale::Ar) => "آخر 12 شهرًا",
            (Period::Months12, Locale::En) => "Last 12 months",
            (Period::All, Locale::Ar) => "منذ البداية",
            (Period::All, Locale::En) => "All time",
        }
    }

    /// The first day of the period ending `today` (inclusive), or `None` for all time.
    pub fn first_day(self, today: Date) -> Option<Date> {
        match self {
            Period::Days30 => Some(today.add_days(-29)),
            Period::Months12 => Some(today.add_days(-364)),
            Period::All => None,
        }
    }

    /// Which kept buckets add up to this period: day buckets in `[days_from, days_until)`
    /// and month buckets from `months_from` on, or the all-time bucket. The counts are kept
    /// per day, per month and for all time, so a year reads at most 31 days and 12 months.
    pub fn buckets(self, today: Date) -> Buckets {
        match self.first_day(today) {
            None => Buckets {
                days_from: today,
                days_until: today,
                months_from: today.add_days(1),
                all_time: true,
            },
            Some(first) => {
                let next_month = month_start(month_start(first).add_days(32));
                let days_until = if first == month_start(first) {
                    first
                } else {
                    next_month.min(today.add_days(1))
                };
                Buckets {
                    days_from: first,
                    days_until,
                    months_from: if days_until > today {
                        today.add_days(1)
                    } else {
                        days_until
                    },
                    all_time: false,
                }
            }
        }
    }
}

/// The kept buckets a period reads (see [`Period::buckets`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Buckets {
    pub days_from: Date,
    pub days_until: Date,
    pub months_from: Date,
    /// All time: the all-time bucket instead of days and months.
    pub all_time: bool,
}

/// The first day of `date`'s month: the key of its month bucket.
pub fn month_start(date: Date) -> Date {
    let (y, m, _) = date.ymd();
    Date::from_ymd(y, m, 1).unwrap_or(date)
}

/// The Sunday that starts `date`'s working week.
pub fn week_start(date: Date) -> Date {
    date.add_days(-i64::from(date.weekday()))
}

/// Weeks in the trend.
pub const TREND_WEEKS: usize = 12;

/// The first day of the trend ending in `today`'s week: 12 weeks, this one included.
pub fn trend_start(today: Date) -> Date {
    week_start(today).add_days(-7 * (TREND_WEEKS as i64 - 1))
}

/// Resolutions kept per row of the time-to-resolve histogram: a row counts the requests
/// resolved in `from_days`, `from_days + 1` … `from_days + 31` working days, one column
/// each, so that a scope's month is one row (or a few, when some took longer) rather than
/// one row per number of days. The counts stay exact.
pub const DAYS_PER_ROW: u32 = 32;

/// Where a number of working days is counted: the row starting at `from_days` and the
/// column within it.
pub fn days_row(days: u32) -> (u32, usize) {
    (days - days % DAYS_PER_ROW, (days % DAYS_PER_ROW) as usize)
}

/// The value at `percent` (1..=100) of a histogram of `(value, count)` pairs sorted by value,
/// by nearest rank; `None` when the histogram is empty.
pub fn percentile(histogram: &[(u32, u64)], percent: u64) -> Option<u32> {
    let total: u64 = histogram.iter().map(|(_, n)| n).sum();
    if total == 0 {
        return None;
    }
    // Nearest rank: the smallest value whose cumulative count reaches ceil(p × N / 100).
    let rank = (percent * total).div_ceil(100).max(1);
    let mut seen = 0;
    for &(value, n) in histogram {
        seen += n;
        if seen >= rank {
            return Some(value);
        }
    }
    histogram.last().map(|(v, _)| *v)
}

/// `part` of `whole` in whole percent, rounded half up; `None` when `whole` is 0.
pub fn percent(part: u64, whole: u64) -> Option<u64> {
    (whole > 0).then(|| (part * 200 + whole) / (whole * 2))
}

/// Ratings: how many gave each score.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "SatisfactionWire")]
pub struct Satisfaction {
    pub count: u64,
    /// `distribution[0]` counts 1 (very dissatisfied) … `distribution[4]` 5 (very satisfied).
    pub distribution: [u64; 5],
}

impl Satisfaction {
    /// Counts `n` ratings of `score` (1..=5; others are ignored).
    pub fn add(&mut self, score: u8, n: u64) {
        if let Some(slot) = (score as usize)
            .checked_sub(1)
            .and_then(|i| self.distribution.get_mut(i))
        {
            *slot += n;
            self.count += n;
        }
    }

    /// The average in tenths (42 = 4.2 out of 5), rounded half up; `None` below
    /// [`MIN_RATINGS_FOR_AVERAGE`] ratings ("not enough ratings").
    pub fn average_tenths(&self) -> Option<u64> {
        if self.count < MIN_RATINGS_FOR_AVERAGE {
            return None;
        }
        let sum: u64 = (1..=5).zip(self.distribution).map(|(s, n)| s * n).sum();
        Some((sum * 20 + self.count) / (self.count * 2))
    }
}

/// The JSON of [`Satisfaction`]: the counts plus the average as a number (or null).
#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
struct SatisfactionWire {
    average: Option<f64>,
    count: u64,
    distribution: [u64; 5],
}

/// In the OpenAPI document: its wire form, with the average.
#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Satisfaction {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        <SatisfactionWire as utoipa::PartialSchema>::schema()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Satisfaction {
    fn schemas(
        schemas: &mut Vec<(
            String,
            utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
        )>,
    ) {
        <SatisfactionWire as utoipa::ToSchema>::schemas(schemas);
    }
}

impl From<Satisfaction> for SatisfactionWire {
    fn from(s: Satisfaction) -> Self {
        SatisfactionWire {
            average: s.average_tenths().map(|t| t as f64 / 10.0),
            count: s.count,
            distribution: s.distribution,
        }
    }
}

/// The figures of one scope (the portal, an agency, a service) over a period.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Figures {
    pub received: u64,
    pub in_progress: u64,
    pub resolved: u64,
    pub rejected: u64,
    pub resolved_within_sla: u64,
    /// Of `received`, filed through the portal (the `web` channel's count).
    pub online: u64,
    /// `received` split by channel (every channel, zeros too).
    pub channels: BTreeMap<Channel, u64>,
    /// Working days to resolve: median and 90th percentile.
    pub median_days: Option<u32>,
    pub p90_days: Option<u32>,
    pub satisfaction: Satisfaction,
}

impl Figures {
    /// Share resolved within the SLA, in percent.
    pub fn within_sla_percent(&self) -> Option<u64> {
        percent(self.resolved_within_sla, self.resolved)
    }

    /// Share filed online, in percent.
    pub fn online_percent(&self) -> Option<u64> {
        percent(self.online, self.received)
    }
}

/// Adds kept counts up into [`Figures`]: the server feeds it the rows a period reads.
#[derive(Clone, Debug, Default)]
pub struct Tally {
    pub figures: Figures,
    /// Days to resolve → how many, sorted when finished.
    days: Vec<(u32, u64)>,
}

/// One row of kept request counts.
#[derive(Clone, Copy, Debug, Default)]
pub struct Counts {
    pub received: i64,
    pub in_progress: i64,
    pub resolved: i64,
    pub rejected: i64,
    pub resolved_within_sla: i64,
    /// Received per channel, by [`Channel::index`].
    pub channels: [i64; Channel::ALL.len()],
}

impl Counts {
    /// `n` received through `channel` (negative to take back).
    pub fn received_through(channel: Channel, n: i64) -> Counts {
        let mut c = Counts {
            received: n,
            ..Counts::default()
        };
        c.channels[channel.index()] = n;
        c
    }
}

fn add(total: &mut u64, n: i64) {
    *total = total.saturating_add_signed(n);
}

impl Tally {
    pub fn counts(&mut self, c: Counts) {
        let f = &mut self.figures;
        add(&mut f.received, c.received);
        add(&mut f.in_progress, c.in_progress);
        add(&mut f.resolved, c.resolved);
        add(&mut f.rejected, c.rejected);
        add(&mut f.resolved_within_sla, c.resolved_within_sla);
        for (channel, n) in Channel::ALL.into_iter().zip(c.channels) {
            add(f.channels.entry(channel).or_default(), n);
        }
    }

    /// `n` requests resolved in `days` working days.
    pub fn resolved_in(&mut self, days: u32, n: i64) {
        if n > 0 {
            self.days.push((days, n as u64));
        }
    }

    pub fn rated(&mut self, score: u8, n: i64) {
        if n > 0 {
            self.figures.satisfaction.add(score, n as u64);
        }
    }

    /// Adds another tally's counts (for a wider scope).
    pub fn merge(&mut self, other: &Tally) {
        let (f, o) = (&mut self.figures, &other.figures);
        f.received += o.received;
        f.in_progress += o.in_progress;
        f.resolved += o.resolved;
        f.rejected += o.rejected;
        f.resolved_within_sla += o.resolved_within_sla;
        for (channel, n) in &o.channels {
            *f.channels.entry(*channel).or_default() += n;
        }
        for (i, n) in o.satisfaction.distribution.iter().enumerate() {
            f.satisfaction.distribution[i] += n;
        }
        f.satisfaction.count += o.satisfaction.count;
        self.days.extend_from_slice(&other.days);
    }

    pub fn finish(mut self) -> Figures {
        for channel in Channel::ALL {
            self.figures.channels.entry(channel).or_default();
        }
        self.figures.online = self.figures.channels[&Channel::Web];
        self.days.sort_unstable();
        self.figures.median_days = percentile(&self.days, 50);
        self.figures.p90_days = percentile(&self.days, 90);
        self.figures
    }
}

/// One scope's name and figures.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScopeFigures {
    pub code: String,
    pub name: Localized,
    pub figures: Figures,
}

/// An agency's figures and those of each of its services.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgencyFigures {
    pub code: String,
    pub name: Localized,
    pub figures: Figures,
    pub services: Vec<ScopeFigures>,
}

/// One week of the trend.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WeekFigures {
    /// The Sunday the week starts.
    pub week: Date,
    pub received: u64,
    pub resolved: u64,
}

/// `GET /api/v1/stats`: the portal's, each agency's and each service's figures.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Stats {
    pub period: Period,
    /// The first day of the period (`None`: all time) and the last (today in Riyadh).
    pub from: Option<Date>,
    pub to: Date,
    pub portal: Figures,
    /// The portal's last 12 weeks, oldest first.
    pub trend: Vec<WeekFigures>,
    pub agencies: Vec<AgencyFigures>,
}

/// A rating's comment as supervisors see it: no applicant identity.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RatingComment {
    pub rated_on: Date,
    pub service: String,
    pub department: String,
    pub score: u8,
    pub resolved: Option<crate::rating::Resolution>,
    pub comment: String,
}

/// `GET /api/v1/staff/stats`: the supervisor's agency, filtered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgencyStats {
    pub period: Period,
    pub from: Option<Date>,
    pub to: Date,
    pub department: Option<String>,
    pub service: Option<String>,
    /// The agency's figures under the filters, and each service's.
    pub agency: AgencyFigures,
    pub trend: Vec<WeekFigures>,
    /// The agency's departments, for the filter.
    pub departments: Vec<ScopeFigures>,
    /// The newest comments under the filters (at most [`MAX_COMMENTS`]).
    pub comments: Vec<RatingComment>,
    pub more_comments: bool,
}

/// Comments shown at once (the CSV has them all).
pub const MAX_COMMENTS: usize = 100;

/// The query of the stats endpoints, as it comes in.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
pub struct StatsQuery {
    /// `30d` (the default, also when empty), `12m` or `all`.
    #[cfg_attr(feature = "openapi", param(schema_with = period_schema))]
    pub period: Option<String>,
    /// One of the agency's departments (the supervisors' figures only).
    pub department: Option<String>,
    /// One of the agency's services (the supervisors' figures only).
    pub service: Option<String>,
}

/// In the OpenAPI document: the `period` of a stats query, as [`StatsQuery::validate`]
/// reads it (empty: the default).
#[cfg(feature = "openapi")]
pub fn period_schema() -> utoipa::openapi::schema::Object {
    utoipa::openapi::schema::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some(["", "30d", "12m", "all"]))
        .build()
}

/// A checked [`StatsQuery`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StatsFilter {
    pub period: Period,
    pub department: Option<String>,
    pub service: Option<String>,
}

fn code_filter(value: &Option<String>) -> Result<Option<String>, ()> {
    match value.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(code)
            if code.len() <= 64
                && code
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') =>
        {
            Ok(Some(code.to_owned()))
        }
        Some(_) => Err(()),
    }
}

impl StatsQuery {
    /// The query given, as `key=value` pairs in a fixed order (empty ones left out).
    pub fn pairs(&self) -> Vec<(&'static str, &str)> {
        [
            ("period", &self.period),
            ("department", &self.department),
            ("service", &self.service),
        ]
        .into_iter()
        .filter_map(|(key, value)| {
            let value = given(value)?;
            Some((key, value))
        })
        .collect()
    }

    /// Checks the query: a known period (30 days when absent), department and service codes
    /// of the right shape. Each problem names its parameter.
    pub fn validate(&self) -> Result<StatsFilter, Vec<InvalidAnswer>> {
        let mut problems = Vec::new();
        let period = match self.period.as_deref() {
            None | Some("") => Period::default(),
            Some(code) => Period::from_code(code).unwrap_or_else(|| {
                problems.push(InvalidAnswer {
                    field: "period".into(),
                    message: Localized::new(
                        "اختر الفترة: آخر 30 يومًا أو آخر 12 شهرًا أو منذ البداية",
                        "Choose the period: last 30 days, last 12 months or all time",
                    ),
                });
                Period::default()
            }),
        };
        let mut code = |name: &str, value: &Option<String>| {
            code_filter(value).unwrap_or_else(|()| {
                problems.push(InvalidAnswer {
                    field: name.into(),
                    message: Localized::new("رمز غير صالح", "Not a valid code"),
                });
                None
            })
        };
        let department = code("department", &self.department);
        let service = code("service", &self.service);
        if problems.is_empty() {
            Ok(StatsFilter {
                period,
                department,
                service,
            })
        } else {
            Err(problems)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

    #[test]
    fn percentiles_by_nearest_rank() {
        assert_eq!(percentile(&[], 50), None);
        assert_eq!(percentile(&[(3, 1)], 50), Some(3));
        assert_eq!(percentile(&[(3, 1)], 90), Some(3));
        // 1, 2, 2, 5, 9: median is the 3rd (2), p90 the 5th (9).
        let h = [(1, 1), (2, 2), (5, 1), (9, 1)];
        assert_eq!(percentile(&h, 50), Some(2));
        assert_eq!(percentile(&h, 90), Some(9));
        // Ten values 1..=10: median the 5th, p90 the 9th.
        let ten: Vec<(u32, u64)> = (1..=10).map(|v| (v, 1)).collect();
        assert_eq!(percentile(&ten, 50), Some(5));
        assert_eq!(percentile(&ten, 90), Some(9));
    }

    #[test]
    fn days_are_kept_32_to_a_row() {
        assert_eq!(days_row(0), (0, 0));
        assert_eq!(days_row(31), (0, 31));
        assert_eq!(days_row(32), (32, 0));
        assert_eq!(days_row(70), (64, 6));
        for days in 0..200 {
            let (from, column) = days_row(days);
            assert_eq!(from + column as u32, days);
            assert!(column < DAYS_PER_ROW as usize && from % DAYS_PER_ROW == 0);
        }
    }

    #[test]
    fn percents_round_half_up() {
        assert_eq!(percent(0, 0), None);
        assert_eq!(percent(1, 3), Some(33));
        assert_eq!(percent(2, 3), Some(67));
        assert_eq!(percent(1, 8), Some(13)); // 12.5
        assert_eq!(percent(5, 5), Some(100));
    }

    #[test]
    fn averages_need_five_ratings() {
        let mut s = Satisfaction::default();
        for score in [5, 4, 4, 2] {
            s.add(score, 1);
        }
        assert_eq!(s.average_tenths(), None);
        s.add(5, 1);
        // (5 + 4 + 4 + 2 + 5) / 5 = 4.0
        assert_eq!(s.average_tenths(), Some(40));
        s.add(1, 1);
        // 21 / 6 = 3.5
        assert_eq!(s.average_tenths(), Some(35));
        assert_eq!(s.distribution, [1, 1, 0, 2, 2]);
        s.add(0, 3);
        s.add(6, 3);
        assert_eq!(s.count, 6);
        let json = serde_json::to_value(&s).unwrap();
        assert_eq!(json["average"], 3.5);
        assert_eq!(json["count"], 6);
    }

    #[test]
    fn periods_read_days_then_months() {
        let today = d("2026-11-24");
        // 30 days: 2026-10-26 ..= 2026-11-24, days to the start of November, then the month.
        let b = Period::Days30.buckets(today);
        assert_eq!(b.days_from, d("2026-10-26"));
        assert_eq!(b.days_until, d("2026-11-01"));
        assert_eq!(b.months_from, d("2026-11-01"));
        // 12 months: 2025-11-25 ..= 2026-11-24.
        let b = Period::Months12.buckets(today);
        assert_eq!(b.days_from, d("2025-11-25"));
        assert_eq!(b.days_until, d("2025-12-01"));
        assert_eq!(b.months_from, d("2025-12-01"));
        // A period starting on the 1st reads months only.
        let b = Period::Days30.buckets(d("2026-11-30"));
        assert_eq!(b.days_from, d("2026-11-01"));
        assert_eq!(b.days_until, d("2026-11-01"));
        assert_eq!(b.months_from, d("2026-11-01"));
        // Within one month: days only, no month bucket.
        let b = Period::Days30.buckets(d("2026-12-31"));
        assert_eq!(b.days_from, d("2026-12-02"));
        assert_eq!(b.days_until, d("2027-01-01"));
        assert_eq!(b.months_from, d("2027-01-01"));
        let b = Period::All.buckets(today);
        assert_eq!(b.days_from, b.days_until);
        assert!(b.all_time);
    }

    #[test]
    fn every_day_is_read_once() {
        // For any today, the days the buckets cover are exactly the period's days.
        let mut today = d("2026-01-01");
        for _ in 0..400 {
            for period in [Period::Days30, Period::Months12] {
                let b = period.buckets(today);
                let first = period.first_day(today).unwrap();
                let mut day = first;
                while day <= today {
                    let by_day = day >= b.days_from && day < b.days_until;
                    let by_month = day >= b.months_from;
                    assert!(by_day != by_month, "{day} in {period:?} on {today}");
                    day = day.add_days(1);
                }
                assert_eq!(b.days_from, first);
                assert!(b.months_from == month_start(b.months_from) || b.months_from > today);
            }
            today = today.add_days(1);
        }
    }

    #[test]
    fn weeks_start_on_sunday() {
        assert_eq!(week_start(d("2026-11-24")), d("2026-11-22")); // a Tuesday
        assert_eq!(week_start(d("2026-11-22")), d("2026-11-22"));
        assert_eq!(trend_start(d("2026-11-24")), d("2026-09-06"));
    }

    #[test]
    fn tally_adds_up() {
        let mut t = Tally::default();
        t.counts(Counts {
            in_progress: 2,
            resolved: 2,
            resolved_within_sla: 1,
            ..Counts::received_through(Channel::Web, 3)
        });
        t.counts(Counts::received_through(Channel::Phone, 1));
        t.counts(Counts {
            resolved: 1,
            ..Counts::default()
        });
        t.resolved_in(7, 1);
        t.resolved_in(2, 1);
        t.resolved_in(3, 1);
        t.rated(5, 2);
        let f = t.finish();
        assert_eq!((f.received, f.resolved, f.in_progress), (4, 3, 2));
        assert_eq!((f.median_days, f.p90_days), (Some(3), Some(7)));
        assert_eq!(f.within_sla_percent(), Some(33));
        assert_eq!(f.online_percent(), Some(75));
        assert_eq!(f.channels[&Channel::Phone], 1);
        assert_eq!(f.channels[&Channel::Whatsapp], 0);
        assert_eq!(f.channels.len(), Channel::ALL.len());
        assert_eq!(f.satisfaction.count, 2);
        assert_eq!(f.satisfaction.average_tenths(), None);
    }

    #[test]
    fn queries_are_checked() {
        let q = StatsQuery {
            period: Some("12m".into()),
            department: Some(" ep-licensing ".into()),
            service: None,
        };
        let f = q.validate().unwrap();
        assert_eq!(f.period, Period::Months12);
        assert_eq!(f.department.as_deref(), Some("ep-licensing"));
        assert_eq!(
            StatsQuery::default().validate().unwrap().period,
            Period::Days30
        );
        let bad = StatsQuery {
            period: Some("week".into()),
            department: None,
            service: Some("x'; drop".into()),
        }
        .validate()
        .unwrap_err();
        let fields: Vec<_> = bad.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["period", "service"]);
    }
}
