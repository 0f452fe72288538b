//! The performance figures: kept counts, updated in the transaction that files, moves or
//! rates a request, and read per period (definitions and bucket arithmetic in
//! `nafitha_domain::stats`). A call reads kept rows only, never the requests.

use std::collections::{BTreeMap, HashMap};

use nafitha_domain::calendar::{riyadh_date, riyadh_midnight_ms, Date};
use nafitha_domain::filing::Channel;
use nafitha_domain::lifecycle::RequestStatus;
use nafitha_domain::rating::Resolution;
use nafitha_domain::stats::{
    days_row, month_start, trend_start, week_start, AgencyFigures, AgencyStats, Buckets, Counts,
    Figures, Period, RatingComment, ScopeFigures, Stats, StatsFilter, Tally, WeekFigures,
    DAYS_PER_ROW, MAX_COMMENTS, TREND_WEEKS,
};
use nafitha_domain::Localized;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use super::{Engine, Store};

/// On PostgreSQL, request counts are spread over this many slots by request id, so that
/// concurrent filings rarely wait on the same row (see the migration). SQLite has one
/// writer at a time, so there one slot is enough, and reads add up 8 times fewer rows.
const POSTGRES_SLOTS: i64 = 4;

/// Where a request counts: the agency and department handling it, and its service.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Place<'a> {
    pub agency: &'a str,
    pub department: &'a str,
    pub service: &'a str,
}

/// The key of a kept row: grain, bucket, agency, department, service, and the last column
/// of the key (the slot, the first number of days of a histogram row, or the score).
type Key = (&'static str, String, String, String, String, i64);

/// The bucket of the all-time grain.
const ALL_TIME: &str = "all";

/// The keys a change on `day` adds to: its day, month and all time (and its week, for
/// request counts: the trend reads weeks).
fn keys(day: Date, place: Place<'_>, last: i64, weekly: bool) -> Vec<Key> {
    let key = |grain, bucket: String| {
        (
            grain,
            bucket,
            place.agency.to_owned(),
            place.department.to_owned(),
            place.service.to_owned(),
            last,
        )
    };
    let mut out = vec![
        key("d", day.to_string()),
        key("m", month_start(day).to_string()),
        key("a", ALL_TIME.to_owned()),
    ];
    if weekly {
        out.push(key("w", week_start(day).to_string()));
    }
    out
}

/// Changes to the kept counts, gathered in memory and written at once: what one filing,
/// move or rating changes (in its own transaction), or everything (a rebuild). Both go
/// through the same methods, so the counts kept live and a rebuild agree by construction;
/// the API tests check that they do.
#[derive(Debug)]
pub(crate) struct Changes {
    slots: i64,
    // Ordered maps: rows are written in key order, so a rebuild lays them out in the order
    // a period reads them (the tables are clustered by key on SQLite, and on PostgreSQL
    // they start out so and keep close with free space on each page for updates).
    counts: BTreeMap<Key, Counts>,
    days: BTreeMap<Key, DaysRow>,
    ratings: BTreeMap<Key, i64>,
}

/// One row of the time-to-resolve histogram: resolutions in `from_days + i` working days
/// (see `DAYS_PER_ROW`).
type DaysRow = [i64; DAYS_PER_ROW as usize];

/// The columns of a time-to-resolve histogram row, `d0` … `d31`.
fn days_columns() -> impl Iterator<Item = String> {
    (0..DAYS_PER_ROW).map(|i| format!("d{i}"))
}

fn plus(total: &mut Counts, c: Counts) {
    total.received += c.received;
    total.in_progress += c.in_progress;
    total.resolved += c.resolved;
    total.rejected += c.rejected;
    total.resolved_within_sla += c.resolved_within_sla;
    for (sum, n) in total.channels.iter_mut().zip(c.channels) {
        *sum += n;
    }
}

/// The facts about a request the figures need.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Counted<'a> {
    pub id: i64,
    pub filed_on: Date,
    pub due_on: Date,
    pub channel: Channel,
    pub place: Place<'a>,
}

impl Changes {
    pub fn new(engine: Engine) -> Changes {
        Changes {
            slots: match engine {
                Engine::Sqlite => 1,
                Engine::Postgres => POSTGRES_SLOTS,
            },
            counts: BTreeMap::new(),
            days: BTreeMap::new(),
            ratings: BTreeMap::new(),
        }
    }

    /// Adds `other`'s changes to these (both for the same engine).
    pub fn merge(&mut self, other: Changes) {
        for (key, c) in other.counts {
            plus(self.counts.entry(key).or_default(), c);
        }
        for (key, row) in other.days {
            let sum = self.days.entry(key).or_insert([0; DAYS_PER_ROW as usize]);
            for (sum, n) in sum.iter_mut().zip(row) {
                *sum += n;
            }
        }
        for (key, n) in other.ratings {
            *self.ratings.entry(key).or_default() += n;
        }
    }

    fn count(&mut self, day: Date, place: Place<'_>, request_id: i64, c: Counts) {
        for key in keys(day, place, request_id.rem_euclid(self.slots), true) {
            plus(self.counts.entry(key).or_default(), c);
        }
    }

    /// `n` ratings (negative to take back) of `score`, first given on `day`.
    pub fn rated(&mut self, day: Date, place: Place<'_>, score: u8, n: i64) {
        for key in keys(day, place, i64::from(score), false) {
            *self.ratings.entry(key).or_default() += n;
        }
    }

    /// A new request: received, in progress.
    pub fn filed(&mut self, request: &Counted<'_>) {
        let c = Counts {
            in_progress: 1,
            ..Counts::received_through(request.channel, 1)
        };
        self.count(request.filed_on, request.place, request.id, c);
    }

    /// A resolution on `day` (n = 1), or its taking back (n = -1) when reopened.
    fn resolution(&mut self, request: &Counted<'_>, day: Date, n: i64) {
        let c = Counts {
            resolved: n,
            resolved_within_sla: if day <= request.due_on { n } else { 0 },
            ..Counts::default()
        };
        self.count(day, request.place, request.id, c);
        let (from_days, column) = days_row(request.filed_on.working_days_until(day));
        for key in keys(day, request.place, i64::from(from_days), false) {
            self.days.entry(key).or_insert([0; DAYS_PER_ROW as usize])[column] += n;
        }
    }

    fn rejection(&mut self, request: &Counted<'_>, day: Date) {
        let c = Counts {
            rejected: 1,
            ..Counts::default()
        };
        self.count(day, request.place, request.id, c);
    }

    /// A request moved from status `from` to `to` on `today`, and (for a referral) from
    /// `request.place` to `to_place`. `last_resolved_on` is the day it was last resolved
    /// (needed when it is reopened).
    pub fn moved(
        &mut self,
        request: &Counted<'_>,
        (from, to): (RequestStatus, RequestStatus),
        to_place: Place<'_>,
        today: Date,
        last_resolved_on: Option<Date>,
    ) {
        let (was_open, open) = (!from.is_finished(), !to.is_finished());
        let after = Counted {
            place: to_place,
            ..*request
        };
        if to_place != request.place {
            // What the request counts at its filing date goes with it.
            let gone = Counts {
                in_progress: -i64::from(was_open),
                ..Counts::received_through(request.channel, -1)
            };
            self.count(request.filed_on, request.place, request.id, gone);
            let came = Counts {
                in_progress: i64::from(open),
                ..Counts::received_through(request.channel, 1)
            };
            self.count(request.filed_on, to_place, request.id, came);
        } else if was_open != open {
            let c = Counts {
                in_progress: if open { 1 } else { -1 },
                ..Counts::default()
            };
            self.count(request.filed_on, to_place, request.id, c);
        }
        if from == to {
            return;
        }
        match to {
            RequestStatus::Resolved => self.resolution(&after, today, 1),
            RequestStatus::Rejected => self.rejection(&after, today),
            _ if from == RequestStatus::Resolved && open => {
                if let Some(day) = last_resolved_on {
                    self.resolution(&after, day, -1);
                }
            }
            _ => {}
        }
    }

    /// Writes the changes (adding to what is kept): one statement per table for up to
    /// [`ROWS_PER_STATEMENT`] rows. A filing changes four request rows; written one by
    /// one they were four round trips to SQLite's thread inside the group commit, which
    /// every filing of the group waits behind.
    pub async fn apply(self, tx: &mut Transaction<'_, Any>) -> Result<(), sqlx::Error> {
        let via: Vec<String> = Channel::ALL.iter().map(|c| via_column(*c)).collect();
        let mut added: Vec<String> = [
            "received",
            "in_progress",
            "resolved",
            "rejected",
            "resolved_within_sla",
        ]
        .map(str::to_owned)
        .to_vec();
        added.extend(via);
        let counts: Vec<_> = self.counts.into_iter().collect();
        for rows in counts.chunks(ROWS_PER_STATEMENT) {
            let sql = upsert_sql("stats_requests", "slot", &added, rows.len());
            let mut q = sqlx::query(&sql);
            for (key, c) in rows {
                q = bind_key(q, key)
                    .bind(c.received)
                    .bind(c.in_progress)
                    .bind(c.resolved)
                    .bind(c.rejected)
                    .bind(c.resolved_within_sla);
                for n in c.channels {
                    q = q.bind(n);
                }
            }
            q.execute(&mut **tx).await?;
        }
        let days: Vec<String> = days_columns().collect();
        let resolved: Vec<_> = self
            .days
            .into_iter()
            .filter(|(_, row)| row.iter().any(|n| *n != 0))
            .collect();
        for rows in resolved.chunks(ROWS_PER_STATEMENT) {
            let sql = upsert_sql("stats_resolve_days", "from_days", &days, rows.len());
            let mut q = sqlx::query(&sql);
            for (key, row) in rows {
                q = bind_key(q, key);
                for n in row {
                    q = q.bind(*n);
                }
            }
            q.execute(&mut **tx).await?;
        }
        let ratings: Vec<_> = self.ratings.into_iter().filter(|(_, n)| *n != 0).collect();
        for rows in ratings.chunks(ROWS_PER_STATEMENT) {
            let sql = upsert_sql("stats_ratings", "score", &["n".to_owned()], rows.len());
            let mut q = sqlx::query(&sql);
            for (key, n) in rows {
                q = bind_key(q, key).bind(*n);
            }
            q.execute(&mut **tx).await?;
        }
        Ok(())
    }
}

/// How many kept rows one statement writes at most (17 to 38 values a row: well inside
/// both engines' limits on bound values).
const ROWS_PER_STATEMENT: usize = 100;

/// `insert into {table}` of `rows` rows, each its key (grain, bucket, agency, department,
/// service, then `last`) and the `added` columns, adding to the rows already kept.
fn upsert_sql(table: &str, last: &str, added: &[String], rows: usize) -> String {
    let key = format!("grain, bucket, agency_code, department_code, service_code, {last}");
    let updates: Vec<String> = added
        .iter()
        .map(|c| format!("{c} = {table}.{c} + excluded.{c}"))
        .collect();
    format!(
        "insert into {table} ({key}, {}) values {} on conflict ({key}) do update set {}",
        added.join(", "),
        super::value_rows(rows, 6 + added.len(), 1),
        updates.join(", ")
    )
}

/// Binds a kept row's key, in [`upsert_sql`]'s order.
fn bind_key<'q>(
    q: sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>>,
    (grain, bucket, agency, department, service, last): &'q Key,
) -> sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>> {
    q.bind(*grain)
        .bind(bucket.as_str())
        .bind(agency.as_str())
        .bind(department.as_str())
        .bind(service.as_str())
        .bind(*last)
}

/// The `stats_requests` column counting the requests received through `channel`.
fn via_column(channel: Channel) -> String {
    format!("via_{}", channel.code())
}

fn code_of(row: &AnyRow, column: &str) -> Result<String, sqlx::Error> {
    row.try_get(column)
}

/// The condition selecting the rows of a kept table in a period's buckets (days in
/// `[$1, $2)`, then months from `$3`, or the all-time row when `$4` is `'a'`), `extra`
/// narrowing them (`$5`, `$6`…). One scan with two key ranges rather than a `union all` of
/// two: PostgreSQL runs the branches of a long `union all` in parallel workers (a Parallel
/// Append, which the tables' `parallel_workers = 0` does not prevent), starting two
/// processes per query; on a busy server that costs more than the few thousand rows read.
fn period_rows(extra: &str) -> String {
    format!(
        "((grain = 'd' and bucket >= $1 and bucket < $2) or (grain = $4 and bucket >= $3)){extra}"
    )
}

/// The narrowing of a read: an agency, a department, a service.
#[derive(Default)]
struct Narrow<'a> {
    agency: Option<&'a str>,
    department: Option<&'a str>,
    service: Option<&'a str>,
}

impl Narrow<'_> {
    /// The `and …` clauses, numbered from `$first`.
    fn clauses(&self, first: usize) -> String {
        let mut out = String::new();
        let mut n = first;
        for (column, value) in [
            ("agency_code", self.agency),
            ("department_code", self.department),
            ("service_code", self.service),
        ] {
            if value.is_some() {
                out.push_str(&format!(" and {column} = ${n}"));
                n += 1;
            }
        }
        out
    }

    fn values(&self) -> impl Iterator<Item = &str> {
        [self.agency, self.department, self.service]
            .into_iter()
            .flatten()
    }
}

/// A period query with its buckets (`$1`..`$3`) and narrowing values bound.
fn bound<'q>(
    sql: &'q str,
    b: &Buckets,
    narrow: &Narrow<'_>,
) -> sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>> {
    let (grain, from) = if b.all_time {
        ("a", ALL_TIME.to_owned())
    } else {
        ("m", b.months_from.to_string())
    };
    // Not a persistent prepared statement: PostgreSQL then plans each call for its own
    // buckets (a cached generic plan cannot tell 6 days from 13 months).
    let mut q = sqlx::query(sql)
        .persistent(false)
        .bind(b.days_from.to_string())
        .bind(b.days_until.to_string())
        .bind(from)
        .bind(grain);
    for v in narrow.values() {
        q = q.bind(v.to_owned());
    }
    q
}

/// Tallies per (agency, service) over a period.
type Tallies = BTreeMap<(String, String), Tally>;

impl Store {
    async fn tallies(&self, b: &Buckets, narrow: &Narrow<'_>) -> Result<Tallies, sqlx::Error> {
        let mut tallies = Tallies::new();
        let extra = narrow.clauses(5);
        let key = |row: &AnyRow| -> Result<(String, String), sqlx::Error> {
            Ok((code_of(row, "agency_code")?, code_of(row, "service_code")?))
        };
        let sum = |c: &str| format!("cast(sum({c}) as bigint) as {c}");
        let columns: Vec<String> = ["received", "in_progress", "resolved", "rejected"]
            .into_iter()
            .chain(["resolved_within_sla"])
            .map(str::to_owned)
            .chain(Channel::ALL.into_iter().map(via_column))
            .map(|c| sum(&c))
            .collect();
        let sql = format!(
            "select agency_code, service_code, {} from stats_requests where {} \
             group by agency_code, service_code",
            columns.join(", "),
            period_rows(&extra)
        );
        let counts = bound(&sql, b, narrow).fetch_all(self.pool()).await?;
        for row in &counts {
            let mut channels = [0; Channel::ALL.len()];
            for (n, channel) in channels.iter_mut().zip(Channel::ALL) {
                *n = row.try_get(via_column(channel).as_str())?;
            }
            tallies.entry(key(row)?).or_default().counts(Counts {
                received: row.try_get("received")?,
                in_progress: row.try_get("in_progress")?,
                resolved: row.try_get("resolved")?,
                rejected: row.try_get("rejected")?,
                resolved_within_sla: row.try_get("resolved_within_sla")?,
                channels,
            });
        }
        let days: Vec<String> = days_columns().collect();
        let sql = format!(
            "select agency_code, service_code, from_days, {} from stats_resolve_days where {} \
             group by agency_code, service_code, from_days",
            days.iter().map(|d| sum(d)).collect::<Vec<_>>().join(", "),
            period_rows(&extra)
        );
        for row in &bound(&sql, b, narrow).fetch_all(self.pool()).await? {
            let from_days = u32::try_from(row.try_get::<i64, _>("from_days")?).unwrap_or(u32::MAX);
            let tally = tallies.entry(key(row)?).or_default();
            for (i, column) in (0..).zip(&days) {
                tally.resolved_in(from_days.saturating_add(i), row.try_get(column.as_str())?);
            }
        }
        let sql = format!(
            "select agency_code, service_code, score, {} from stats_ratings where {} \
             group by agency_code, service_code, score",
            sum("n"),
            period_rows(&extra)
        );
        for row in &bound(&sql, b, narrow).fetch_all(self.pool()).await? {
            let score: i64 = row.try_get("score")?;
            tallies
                .entry(key(row)?)
                .or_default()
                .rated(u8::try_from(score).unwrap_or(0), row.try_get("n")?);
        }
        Ok(tallies)
    }

    async fn trend(
        &self,
        today: Date,
        narrow: &Narrow<'_>,
    ) -> Result<Vec<WeekFigures>, sqlx::Error> {
        let first = trend_start(today);
        let sql = format!(
            "select bucket, cast(sum(received) as bigint) as received, \
             cast(sum(resolved) as bigint) as resolved from stats_requests \
             where grain = 'w' and bucket >= $1{} group by bucket",
            narrow.clauses(2)
        );
        let mut q = sqlx::query(&sql).persistent(false).bind(first.to_string());
        for v in narrow.values() {
            q = q.bind(v.to_owned());
        }
        let mut weeks: Vec<WeekFigures> = (0..TREND_WEEKS as i64)
            .map(|i| WeekFigures {
                week: first.add_days(7 * i),
                received: 0,
                resolved: 0,
            })
            .collect();
        for row in q.fetch_all(self.pool()).await? {
            let Some(day) = Date::parse(&row.try_get::<String, _>("bucket")?) else {
                continue;
            };
            let index = (week_start(day).days_since_epoch() - first.days_since_epoch()) / 7;
            if let Some(week) = usize::try_from(index).ok().and_then(|i| weeks.get_mut(i)) {
                week.received = week
                    .received
                    .saturating_add_signed(row.try_get::<i64, _>("received")?);
                week.resolved = week
                    .resolved
                    .saturating_add_signed(row.try_get::<i64, _>("resolved")?);
            }
        }
        Ok(weeks)
    }

    /// Agencies in catalogue order with their names, and every service's name and agency.
    async fn stats_names(
        &self,
    ) -> Result<
        (
            Vec<(String, Localized)>,
            HashMap<String, (String, Localized, bool)>,
        ),
        sqlx::Error,
    > {
        let agencies =
            sqlx::query("select code, name_ar, name_en from agencies where operator = 0 order by position, code")
                .fetch_all(self.pool())
                .await?
                .iter()
                .map(|r| {
                    Ok((
                        r.try_get("code")?,
                        Localized::new(
                            r.try_get::<String, _>("name_ar")?,
                            r.try_get::<String, _>("name_en")?,
                        ),
                    ))
                })
                .collect::<Result<Vec<_>, sqlx::Error>>()?;
        let mut services = HashMap::new();
        for r in sqlx::query("select code, agency_code, name_ar, name_en, active from services")
            .fetch_all(self.pool())
            .await?
        {
            services.insert(
                r.try_get("code")?,
                (
                    r.try_get("agency_code")?,
                    Localized::new(
                        r.try_get::<String, _>("name_ar")?,
                        r.try_get::<String, _>("name_en")?,
                    ),
                    r.try_get::<i64, _>("active")? == 1,
                ),
            );
        }
        Ok((agencies, services))
    }

    /// Each agency's figures and its services' (the catalogue's active ones, and any other
    /// with figures there), from tallies per (agency, service).
    async fn agency_figures(
        &self,
        tallies: &Tallies,
        only: Option<&str>,
    ) -> Result<(Figures, Vec<AgencyFigures>), sqlx::Error> {
        let (agencies, services) = self.stats_names().await?;
        let mut portal = Tally::default();
        let mut out = Vec::new();
        for (code, name) in agencies {
            if only.is_some_and(|o| o != code) {
                continue;
            }
            let mut codes: Vec<&String> = services
                .iter()
                .filter(|(_, (agency, _, active))| *agency == code && *active)
                .map(|(c, _)| c)
                .chain(
                    tallies
                        .keys()
                        .filter(|(agency, _)| *agency == code)
                        .map(|(_, s)| s),
                )
                .collect();
            codes.sort();
            codes.dedup();
            let mut agency = Tally::default();
            let mut listed = Vec::new();
            for service in codes {
                let mut own = Tally::default();
                if let Some(t) = tallies.get(&(code.clone(), service.clone())) {
                    for sink in [&mut own, &mut agency, &mut portal] {
                        sink.merge(t);
                    }
                }
                let name = services
                    .get(service)
                    .map(|(_, n, _)| n.clone())
                    .unwrap_or_else(|| Localized::new(service.as_str(), service.as_str()));
                listed.push(ScopeFigures {
                    code: service.clone(),
                    name,
                    figures: own.finish(),
                });
            }
            listed.sort_by(|a, b| a.name.en.cmp(&b.name.en));
            out.push(AgencyFigures {
                code,
                name,
                figures: agency.finish(),
                services: listed,
            });
        }
        Ok((portal.finish(), out))
    }

    /// `GET /api/v1/stats`: the portal's, each agency's and each service's figures.
    pub async fn stats(&self, period: Period, now_ms: i64) -> Result<Stats, sqlx::Error> {
        let today = riyadh_date(now_ms);
        let narrow = Narrow::default();
        let tallies = self.tallies(&period.buckets(today), &narrow).await?;
        let (portal, agencies) = self.agency_figures(&tallies, None).await?;
        Ok(Stats {
            period,
            from: period.first_day(today),
            to: today,
            portal,
            trend: self.trend(today, &narrow).await?,
            agencies,
        })
    }

    /// A supervisor's view of their agency, narrowed to a department and/or a service.
    pub async fn agency_stats(
        &self,
        agency: &str,
        filter: &StatsFilter,
        now_ms: i64,
    ) -> Result<Option<AgencyStats>, sqlx::Error> {
        let today = riyadh_date(now_ms);
        let narrow = Narrow {
            agency: Some(agency),
            department: filter.department.as_deref(),
            service: filter.service.as_deref(),
        };
        let tallies = self.tallies(&filter.period.buckets(today), &narrow).await?;
        let (_, mut agencies) = self.agency_figures(&tallies, Some(agency)).await?;
        let Some(mut figures) = agencies.pop() else {
            return Ok(None);
        };
        if let Some(service) = &filter.service {
            figures.services.retain(|s| &s.code == service);
        }
        let departments = sqlx::query(
            "select code, name_ar, name_en from departments where agency_code = $1 order by name_en",
        )
        .bind(agency)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| {
            Ok(ScopeFigures {
                code: r.try_get("code")?,
                name: Localized::new(
                    r.try_get::<String, _>("name_ar")?,
                    r.try_get::<String, _>("name_en")?,
                ),
                figures: Figures::default(),
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
        let mut comments = self
            .rating_comments(&narrow, filter.period, today, Some(MAX_COMMENTS + 1))
            .await?;
        let more_comments = comments.len() > MAX_COMMENTS;
        comments.truncate(MAX_COMMENTS);
        Ok(Some(AgencyStats {
            period: filter.period,
            from: filter.period.first_day(today),
            to: today,
            department: filter.department.clone(),
            service: filter.service.clone(),
            agency: figures,
            trend: self.trend(today, &narrow).await?,
            departments,
            comments,
            more_comments,
        }))
    }

    /// Whether `department` is one of `agency`'s.
    pub async fn agency_has_department(
        &self,
        agency: &str,
        department: &str,
    ) -> Result<bool, sqlx::Error> {
        Ok(
            sqlx::query("select 1 from departments where agency_code = $1 and code = $2")
                .bind(agency)
                .bind(department)
                .fetch_optional(self.pool())
                .await?
                .is_some(),
        )
    }

    /// The comments of an agency's ratings given in the period, newest first.
    pub async fn agency_comments(
        &self,
        agency: &str,
        filter: &StatsFilter,
        now_ms: i64,
    ) -> Result<Vec<RatingComment>, sqlx::Error> {
        let narrow = Narrow {
            agency: Some(agency),
            department: filter.department.as_deref(),
            service: filter.service.as_deref(),
        };
        self.rating_comments(&narrow, filter.period, riyadh_date(now_ms), None)
            .await
    }

    async fn rating_comments(
        &self,
        narrow: &Narrow<'_>,
        period: Period,
        today: Date,
        limit: Option<usize>,
    ) -> Result<Vec<RatingComment>, sqlx::Error> {
        // The period starts at midnight in Riyadh.
        let since_ms = period.first_day(today).map_or(i64::MIN, riyadh_midnight_ms);
        let limit = limit.map(|n| format!(" limit {n}")).unwrap_or_default();
        let sql = format!(
            "select created_at, service_code, department_code, score, resolved, comment from ratings \
             where created_at >= $1 and comment is not null{} \
             order by created_at desc, request_id desc{limit}",
            narrow.clauses(2)
        );
        let mut q = sqlx::query(&sql).persistent(false).bind(since_ms);
        for v in narrow.values() {
            q = q.bind(v.to_owned());
        }
        q.fetch_all(self.pool())
            .await?
            .iter()
            .map(|r| {
                let resolved: Option<String> = r.try_get("resolved")?;
                Ok(RatingComment {
                    rated_on: riyadh_date(r.try_get("created_at")?),
                    service: r.try_get("service_code")?,
                    department: r.try_get("department_code")?,
                    score: u8::try_from(r.try_get::<i64, _>("score")?).unwrap_or(0),
                    resolved: resolved.as_deref().and_then(Resolution::from_code),
                    comment: r.try_get("comment")?,
                })
            })
            .collect()
    }

    /// Recomputes every kept count from the requests, their decisions and the ratings.
    /// Runs at startup when the counts are missing (a database from before they were kept,
    /// or one loaded in bulk); the tests use it to check the kept counts against the data.
    pub async fn rebuild_stats(&self) -> Result<(), sqlx::Error> {
        let _turn = self.write_turn().await;
        let mut tx = self.begin_write().await?;
        for table in ["stats_requests", "stats_resolve_days", "stats_ratings"] {
            sqlx::query(&format!("delete from {table}"))
                .execute(&mut *tx)
                .await?;
        }
        // Each request with its last decision (resolve or reject) if it stands decided.
        let rows = sqlx::query(
            "select r.id, r.service_code, r.agency_code, r.department_code, r.status, r.channel, \
             r.submitted_at, r.due_on, d.kind, d.created_at as decided_at from requests r \
             left join request_events d on d.id = (select max(e.id) from request_events e \
             where e.request_id = r.id and e.kind in ('resolve', 'reject')) \
             and r.status in ('resolved', 'rejected', 'closed')",
        )
        .fetch_all(&mut *tx)
        .await?;
        let mut changes = Changes::new(self.engine());
        for row in &rows {
            let (agency, department, service) = (
                code_of(row, "agency_code")?,
                code_of(row, "department_code")?,
                code_of(row, "service_code")?,
            );
            let status = super::requests::status_of(row)?;
            let request = Counted {
                id: row.try_get("id")?,
                filed_on: riyadh_date(row.try_get("submitted_at")?),
                due_on: super::actions::parse_date(row)?,
                channel: super::requests::channel_of(row)?,
                place: Place {
                    agency: &agency,
                    department: &department,
                    service: &service,
                },
            };
            changes.filed(&request);
            if status.is_finished() {
                let c = Counts {
                    in_progress: -1,
                    ..Counts::default()
                };
                changes.count(request.filed_on, request.place, request.id, c);
            }
            let kind: Option<String> = row.try_get("kind")?;
            let decided_at: Option<i64> = row.try_get("decided_at")?;
            match (kind.as_deref(), decided_at) {
                (Some("resolve"), Some(at)) => changes.resolution(&request, riyadh_date(at), 1),
                (Some("reject"), Some(at)) => changes.rejection(&request, riyadh_date(at)),
                _ => {}
            }
        }
        drop(rows);
        let ratings = sqlx::query(
            "select agency_code, department_code, service_code, score, created_at from ratings",
        )
        .fetch_all(&mut *tx)
        .await?;
        for row in &ratings {
            let (agency, department, service) = (
                code_of(row, "agency_code")?,
                code_of(row, "department_code")?,
                code_of(row, "service_code")?,
            );
            let place = Place {
                agency: &agency,
                department: &department,
                service: &service,
            };
            let score = u8::try_from(row.try_get::<i64, _>("score")?).unwrap_or(0);
            changes.rated(riyadh_date(row.try_get("created_at")?), place, score, 1);
        }
        changes.apply(&mut tx).await?;
        tx.commit().await?;
        self.stats_changed();
        if self.engine() == Engine::Postgres {
            // Fresh planner statistics for the rewritten tables.
            sqlx::query("analyze stats_requests, stats_resolve_days, stats_ratings")
                .execute(self.pool())
                .await?;
        }
        Ok(())
    }

    /// Rebuilds the kept counts when there are requests but no counts.
    pub async fn rebuild_stats_if_missing(&self) -> Result<bool, sqlx::Error> {
        let kept = sqlx::query("select 1 from stats_requests limit 1")
            .fetch_optional(self.pool())
            .await?
            .is_some();
        let requests = sqlx::query("select 1 from requests limit 1")
            .fetch_optional(self.pool())
            .await?
            .is_some();
        if kept || !requests {
            return Ok(false);
        }
        self.rebuild_stats().await?;
        Ok(true)
    }

    /// The kept counts, every non-zero row, for comparing (tests).
    pub async fn kept_stats(&self) -> Result<Vec<String>, sqlx::Error> {
        let mut out = Vec::new();
        for (table, columns) in [
            (
                "stats_requests",
                format!(
                    "slot, received, in_progress, resolved, rejected, resolved_within_sla, {}",
                    Channel::ALL.map(via_column).join(", ")
                ),
            ),
            (
                "stats_resolve_days",
                format!(
                    "from_days, {}",
                    days_columns().collect::<Vec<_>>().join(", ")
                ),
            ),
            ("stats_ratings", "score, n".to_owned()),
        ] {
            let sql = format!(
                "select grain, bucket, agency_code, department_code, service_code, {columns} \
                 from {table} order by 1, 2, 3, 4, 5, 6"
            );
            for row in sqlx::query(&sql).fetch_all(self.pool()).await? {
                let mut line = table.to_owned();
                let mut zero = true;
                for i in 0..row.len() {
                    let cell = match row.try_get::<String, _>(i) {
                        Ok(text) => text,
                        Err(_) => {
                            let n: i64 = row.try_get(i)?;
                            if i >= 6 && n != 0 {
                                zero = false;
                            }
                            n.to_string()
                        }
                    };
                    line.push(' ');
                    line.push_str(&cell);
                }
                if !zero {
                    out.push(line);
                }
            }
        }
        Ok(out)
    }
}
