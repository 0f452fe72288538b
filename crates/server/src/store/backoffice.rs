//! The back office's reads and writes: the queue (filters, due-date order, keyset pages,
//! counts per status), assignment, referral targets, response templates, open work per
//! department, and admins' catalogue edits. Who may do what is decided by the caller with
//! `nafitha_domain::backoffice`; this module only applies a `StaffScope` it is given.

use nafitha_domain::backoffice::{
    due_soon_until, AssigneeFilter, DepartmentLoad, NewTemplate, QueueCursor, QueueFilter,
    QueueItem, ReferralTarget, ResponseTemplate, ServiceEdit, StaffScope, StatusCount,
    StatusFilter,
};
use nafitha_domain::calendar::{format_rfc3339, riyadh_midnight_ms, Date};
use nafitha_domain::filing::ServiceName;
use nafitha_domain::{AgencyRef, DepartmentRef, ReferenceNumber};
use sqlx::any::AnyRow;
use sqlx::Row;

use super::actions::{parse_date, parse_reference};
use super::requests::{localized, status_of};
use super::Store;

/// A value to bind, in the order the placeholders were written.
enum Bind {
    Text(String),
    Int(i64),
}

/// A `where` clause under construction, with numbered placeholders for both engines, and
/// the ids of the requests to start from when a reference search narrows them first.
#[derive(Default)]
struct Clauses {
    sql: String,
    binds: Vec<Bind>,
    /// `with matched as (…)`: when set, the query starts from these ids.
    matched: Option<String>,
}

impl Clauses {
    fn text(&mut self, value: impl Into<String>) -> String {
        self.binds.push(Bind::Text(value.into()));
        format!("${}", self.binds.len())
    }

    fn int(&mut self, value: i64) -> String {
        self.binds.push(Bind::Int(value));
        format!("${}", self.binds.len())
    }

    fn and(&mut self, condition: &str) {
        self.sql.push_str(if self.sql.is_empty() {
            " where "
        } else {
            " and "
        });
        self.sql.push_str(condition);
    }

    fn scope(&mut self, scope: &StaffScope) {
        let agency = self.text(&scope.agency);
        self.and(&format!("r.agency_code = {agency}"));
        if let Some(department) = &scope.department {
            let department = self.text(department);
            self.and(&format!("r.department_code = {department}"));
        }
    }

    /// `select {columns} from requests r {joins}{where}`, starting from the matched ids
    /// when there are some.
    fn select(&self, columns: &str, joins: &str) -> String {
        match &self.matched {
            None => format!("select {columns} from requests r {joins}{}", self.sql),
            // `cross join`: SQLite keeps this join order (the matched ids drive);
            // PostgreSQL treats it as the inner join it is.
            Some(matched) => {
                let sql = if self.sql.is_empty() {
                    " where r.id = m.id".to_owned()
                } else {
                    format!("{} and r.id = m.id", self.sql)
                };
                format!(
                    "with matched as materialized ({matched}) select {columns} from matched m \
                     cross join requests r {joins}{sql}"
                )
            }
        }
    }

    fn query<'q>(
        &'q self,
        sql: &'q str,
    ) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
        let mut query = sqlx::query(sql);
        for bind in &self.binds {
            query = match bind {
                Bind::Text(text) => query.bind(text.as_str()),
                Bind::Int(n) => query.bind(*n),
            };
        }
        query
    }
}

/// The SQL twin of [`nafitha_domain::backoffice::is_overdue`] for the request aliased `r`,
/// with `today` the placeholder (or literal) holding today's date as `YYYY-MM-DD`: open
/// (`is_open`, the generated column listing the finished statuses) and due before today.
pub(crate) fn overdue_sql(today: &str) -> String {
    format!("(r.is_open = 1 and r.due_on < {today})")
}

/// The `where` clause for a queue filter within a scope, as of `today`.
fn queue_clauses(scope: &StaffScope, filter: &QueueFilter, today: Date) -> Clauses {
    let mut c = Clauses::default();
    c.scope(scope);
    match filter.status {
        StatusFilter::Open => c.and("r.is_open = 1"),
        StatusFilter::All => {}
        StatusFilter::One(status) => {
            let p = c.text(status.code());
            c.and(&format!("r.status = {p}"));
        }
    }
    if let Some(service) = &filter.service {
        let p = c.text(service);
        c.and(&format!("r.service_code = {p}"));
    }
    if let Some(department) = &filter.department {
        let p = c.text(department);
        c.and(&format!("r.department_code = {p}"));
    }
    match &filter.assignee {
        None => {}
        Some(AssigneeFilter::Nobody) => c.and("r.assignee is null"),
        Some(AssigneeFilter::Username(name)) => {
            let p = c.text(name);
            c.and(&format!("r.assignee = {p}"));
        }
    }
    if filter.overdue {
        let p = c.text(today.to_string());
        c.and(&overdue_sql(&p));
    }
    if filter.due_soon {
        let from = c.text(today.to_string());
        let until = c.text(due_soon_until(today).to_string());
        c.and(&format!(
            "r.is_open = 1 and r.due_on >= {from} and r.due_on <= {until}"
        ));
    }
    if let Some(from) = filter.from {
        let p = c.int(riyadh_midnight_ms(from));
        c.and(&format!("r.submitted_at >= {p}"));
    }
    if let Some(to) = filter.to {
        let p = c.int(riyadh_midnight_ms(to.add_days(1)));
        c.and(&format!("r.submitted_at < {p}"));
    }
    if let Some(prefix) = &filter.reference_prefix {
        // Digits sort before ':', so [prefix, prefix + ':') is every reference that
        // starts with it. Found first through the reference's unique index (a materialized
        // CTE); left to themselves, both planners walk the whole agency in due-date order.
        let low = c.text(prefix.as_str());
        let high = c.text(format!("{prefix}:"));
        c.matched = Some(format!(
            "select id from requests where reference >= {low} and reference < {high}"
        ));
    }
    c
}

const QUEUE_COLUMNS: &str = "r.id, r.reference, r.status, r.submitted_at, r.due_on, r.assignee, \
     s.code as service_code, s.name_ar as service_ar, s.name_en as service_en, \
     d.code as department_code, d.name_ar as department_ar, d.name_en as department_en";

const QUEUE_JOINS: &str =
    "join services s on s.code = r.service_code join departments d on d.code = r.department_code";

fn queue_item(row: &AnyRow, today: Date) -> Result<(i64, QueueItem), sqlx::Error> {
    let due_on = parse_date(row)?;
    let status = status_of(row)?;
    let mark = nafitha_domain::backoffice::deadline(status, due_on, today);
    Ok((
        row.try_get("id")?,
        QueueItem {
            reference: parse_reference(row)?,
            status,
            service: ServiceName {
                code: row.try_get("service_code")?,
                name: localized(row, "service_ar", "service_en")?,
            },
            department: DepartmentRef {
                code: row.try_get("department_code")?,
                name: localized(row, "department_ar", "department_en")?,
            },
            submitted_at: format_rfc3339(row.try_get("submitted_at")?),
            due_on,
            overdue: mark == nafitha_domain::backoffice::Deadline::Overdue,
            due_soon: mark == nafitha_domain::backoffice::Deadline::DueSoon,
            assignee: row.try_get("assignee")?,
        },
    ))
}

/// One page of the queue and where the next one starts.
pub struct QueueRows {
    pub items: Vec<QueueItem>,
    pub next: Option<QueueCursor>,
}

/// What became of an assignment.
#[derive(Debug, PartialEq, Eq)]
pub enum AssignOutcome {
    Done,
    /// No such request in the staff member's scope.
    NotFound,
    /// The new assignee is not an enabled staff member who can see the request.
    UnknownAssignee,
    /// Refused by `may_assign` for the assignee found (the caller's check).
    Refused,
}

impl Store {
    /// The names of an agency and (when given) one of its departments.
    pub async fn agency_and_department(
        &self,
        agency: &str,
        department: Option<&str>,
    ) -> Result<(AgencyRef, Option<DepartmentRef>), sqlx::Error> {
        let row = sqlx::query("select code, name_ar, name_en from agencies where code = $1")
            .bind(agency)
            .fetch_one(self.pool())
            .await?;
        let agency = AgencyRef {
            code: row.try_get("code")?,
            name: localized(&row, "name_ar", "name_en")?,
        };
        let department = match department {
            None => None,
            Some(code) => {
                let row =
                    sqlx::query("select code, name_ar, name_en from departments where code = $1")
                        .bind(code)
                        .fetch_one(self.pool())
                        .await?;
                Some(DepartmentRef {
                    code: row.try_get("code")?,
                    name: localized(&row, "name_ar", "name_en")?,
                })
            }
        };
        Ok((agency, department))
    }

    /// The services of `scope` that book appointments (have an availability), in the
    /// catalogue's order.
    pub async fn appointment_services(
        &self,
        scope: &StaffScope,
    ) -> Result<Vec<ServiceName>, sqlx::Error> {
        let rows = sqlx::query(
            "select s.code, s.name_ar, s.name_en, s.department_code from services s \
             join availabilities av on av.service_code = s.code \
             where s.agency_code = $1 order by s.position, s.code",
        )
        .bind(&scope.agency)
        .fetch_all(self.pool())
        .await?;
        let mut services = Vec::new();
        for row in rows {
            let department: String = row.try_get("department_code")?;
            if scope.covers(&scope.agency, &department) {
                services.push(ServiceName {
                    code: row.try_get("code")?,
                    name: localized(&row, "name_ar", "name_en")?,
                });
            }
        }
        Ok(services)
    }

    /// A page of the queue: `filter` within `scope`, in due-date order (then filing order).
    pub async fn queue(
        &self,
        scope: &StaffScope,
        filter: &QueueFilter,
        today: Date,
    ) -> Result<QueueRows, sqlx::Error> {
        let mut c = queue_clauses(scope, filter, today);
        if let Some(after) = filter.after {
            let due = c.text(after.due_on.to_string());
            let id = c.int(after.id);
            c.and(&format!("(r.due_on, r.id) > ({due}, {id})"));
        }
        let limit = c.int(i64::from(filter.limit) + 1);
        let sql = format!(
            "{} order by r.due_on, r.id limit {limit}",
            c.select(QUEUE_COLUMNS, QUEUE_JOINS)
        );
        let rows = c.query(&sql).fetch_all(self.pool()).await?;
        let mut items = rows
            .iter()
            .map(|row| queue_item(row, today))
            .collect::<Result<Vec<_>, _>>()?;
        let more = items.len() > filter.limit as usize;
        items.truncate(filter.limit as usize);
        let next = more
            .then(|| items.last())
            .flatten()
            .map(|(id, item)| QueueCursor {
                due_on: item.due_on,
                id: *id,
            });
        Ok(QueueRows {
            items: items.into_iter().map(|(_, item)| item).collect(),
            next,
        })
    }

    /// Every request matching `filter` (no paging), up to `max`, for the CSV export.
    pub async fn queue_export(
        &self,
        scope: &StaffScope,
        filter: &QueueFilter,
        today: Date,
        max: u32,
    ) -> Result<Vec<QueueItem>, sqlx::Error> {
        let mut c = queue_clauses(scope, filter, today);
        let limit = c.int(i64::from(max));
        let sql = format!(
            "{} order by r.due_on, r.id limit {limit}",
            c.select(QUEUE_COLUMNS, QUEUE_JOINS)
        );
        let rows = c.query(&sql).fetch_all(self.pool()).await?;
        rows.iter()
            .map(|row| queue_item(row, today).map(|(_, item)| item))
            .collect()
    }

    /// How many requests of the scope are in each status (statuses with none left out).
    pub async fn status_counts(&self, scope: &StaffScope) -> Result<Vec<StatusCount>, sqlx::Error> {
        // Kept up to date by triggers on `requests` (migration 6): a few rows, never a scan.
        let mut c = Clauses::default();
        c.scope(scope);
        let sql = format!(
            "select r.status, cast(sum(r.n) as bigint) as n from request_counts r{} group by r.status having sum(r.n) > 0",
            c.sql
        );
        let rows = c.query(&sql).fetch_all(self.pool()).await?;
        let mut counts = rows
            .iter()
            .map(|row| {
                Ok(StatusCount {
                    status: status_of(row)?,
                    count: u64::try_from(row.try_get::<i64, _>("n")?).unwrap_or(0),
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()?;
        counts.sort_by_key(|c| {
            nafitha_domain::lifecycle::RequestStatus::ALL
                .iter()
                .position(|s| *s == c.status)
        });
        Ok(counts)
    }

    /// Open, overdue and due-soon requests per department of `agency` (departments with
    /// no open work included, with zeros).
    pub async fn department_loads(
        &self,
        agency: &str,
        today: Date,
    ) -> Result<Vec<DepartmentLoad>, sqlx::Error> {
        let sql = format!(
            "select d.code, d.name_ar, d.name_en, count(r.id) as open, \
             coalesce(sum(case when {overdue} then 1 else 0 end), 0) as overdue, \
             coalesce(sum(case when r.due_on >= $2 and r.due_on <= $3 then 1 else 0 end), 0) as due_soon \
             from departments d left join requests r on r.department_code = d.code and r.agency_code = d.agency_code \
             and r.is_open = 1 where d.agency_code = $1 group by d.code, d.name_ar, d.name_en \
             order by overdue desc, d.code",
            overdue = overdue_sql("$2"),
        );
        let rows = sqlx::query(&sql)
            .bind(agency)
            .bind(today.to_string())
            .bind(due_soon_until(today).to_string())
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|row| {
                let count = |column: &str| -> Result<u64, sqlx::Error> {
                    Ok(u64::try_from(row.try_get::<i64, _>(column)?).unwrap_or(0))
                };
                Ok(DepartmentLoad {
                    department: DepartmentRef {
                        code: row.try_get("code")?,
                        name: localized(row, "name_ar", "name_en")?,
                    },
                    open: count("open")?,
                    overdue: count("overdue")?,
                    due_soon: count("due_soon")?,
                })
            })
            .collect()
    }

    /// Every department a request in `current` could be referred to, agency by agency.
    pub async fn referral_targets(
        &self,
        current: &str,
    ) -> Result<Vec<ReferralTarget>, sqlx::Error> {
        let rows = sqlx::query(
            "select d.code, d.name_ar, d.name_en, a.code as agency_code, a.name_ar as agency_ar, \
             a.name_en as agency_en from departments d join agencies a on a.code = d.agency_code \
             where d.code <> $1 and a.operator = 0 order by a.position, d.code",
        )
        .bind(current)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(ReferralTarget {
                    department: DepartmentRef {
                        code: row.try_get("code")?,
                        name: localized(row, "name_ar", "name_en")?,
                    },
                    agency: AgencyRef {
                        code: row.try_get("agency_code")?,
                        name: localized(row, "agency_ar", "agency_en")?,
                    },
                })
            })
            .collect()
    }

    /// The request's current assignee, if the request is in `scope`.
    pub async fn assignee_of(
        &self,
        reference: &ReferenceNumber,
        scope: &StaffScope,
    ) -> Result<Option<Option<String>>, sqlx::Error> {
        let row = sqlx::query(
            "select assignee, agency_code, department_code from requests where reference = $1",
        )
        .bind(reference.as_str())
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else { return Ok(None) };
        let (agency, department): (String, String) =
            (row.try_get("agency_code")?, row.try_get("department_code")?);
        if !scope.covers(&agency, &department) {
            return Ok(None);
        }
        Ok(Some(row.try_get("assignee")?))
    }

    /// The agency and department a request is with now, whoever asks: for telling a
    /// request out of someone's scope from a missing one in the security log, never for
    /// answering them.
    pub async fn request_owner(
        &self,
        reference: &ReferenceNumber,
    ) -> Result<Option<(String, String)>, sqlx::Error> {
        let row =
            sqlx::query("select agency_code, department_code from requests where reference = $1")
                .bind(reference.as_str())
                .fetch_optional(self.pool())
                .await?;
        row.map(|row| Ok((row.try_get("agency_code")?, row.try_get("department_code")?)))
            .transpose()
    }

    /// Sets who works on the request (checked again inside the transaction: the request is
    /// in `scope` and still has `expected` as assignee, the new assignee is an enabled
    /// staff member of its agency who can see it), and records it in the audit trail.
    pub async fn assign(
        &self,
        reference: &ReferenceNumber,
        scope: &StaffScope,
        by: &str,
        expected: Option<&str>,
        assignee: Option<&str>,
        now_ms: i64,
    ) -> Result<AssignOutcome, sqlx::Error> {
        let _turn = self.write_turn().await;
        let mut tx = self.begin_write().await?;
        let Some(row) = sqlx::query(
            "select id, status, agency_code, department_code, assignee from requests where reference = $1",
        )
        .bind(reference.as_str())
        .fetch_optional(&mut *tx)
        .await?
        else {
            return Ok(AssignOutcome::NotFound);
        };
        let (agency, department): (String, String) =
            (row.try_get("agency_code")?, row.try_get("department_code")?);
        if !scope.covers(&agency, &department) {
            return Ok(AssignOutcome::NotFound);
        }
        if row.try_get::<Option<String>, _>("assignee")?.as_deref() != expected {
            return Ok(AssignOutcome::Refused);
        }
        if let Some(name) = assignee {
            let staff = sqlx::query(
                "select role, agency_code, department_code from staff where username = $1 and disabled = 0",
            )
            .bind(name)
            .fetch_optional(&mut *tx)
            .await?;
            let can_see = match staff {
                Some(s) => {
                    let role = nafitha_domain::backoffice::Role::from_code(
                        &s.try_get::<String, _>("role")?,
                    );
                    let their_agency: String = s.try_get("agency_code")?;
                    let their_department: Option<String> = s.try_get("department_code")?;
                    role.is_some_and(|role| {
                        role.works_requests()
                            && StaffScope::new(role, &their_agency, their_department.as_deref())
                                .covers(&agency, &department)
                    })
                }
                None => false,
            };
            if !can_see {
                return Ok(AssignOutcome::UnknownAssignee);
            }
        }
        let id: i64 = row.try_get("id")?;
        sqlx::query("update requests set assignee = $1, updated_at = $2 where id = $3")
            .bind(assignee)
            .bind(now_ms)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "insert into request_events (request_id, kind, status, department_code, public, actor, message, created_at) \
             values ($1, 'assign', $2, $3, 0, $4, $5, $6)",
        )
        .bind(id)
        .bind(row.try_get::<String, _>("status")?)
        .bind(&department)
        .bind(format!("staff:{by}"))
        .bind(assignee)
        .bind(now_ms)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(AssignOutcome::Done)
    }

    /// The response templates of a service, oldest first.
    pub async fn templates(&self, service: &str) -> Result<Vec<ResponseTemplate>, sqlx::Error> {
        let rows = sqlx::query(
            "select id, service_code, title_ar, title_en, body_ar, body_en from response_templates \
             where service_code = $1 order by id",
        )
        .bind(service)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(ResponseTemplate {
                    id: row.try_get("id")?,
                    service: row.try_get("service_code")?,
                    title: localized(row, "title_ar", "title_en")?,
                    body: localized(row, "body_ar", "body_en")?,
                })
            })
            .collect()
    }

    /// Adds a template to a service of `agency`; `None` when the service is not the
    /// agency's.
    pub async fn add_template(
        &self,
        agency: &str,
        template: &NewTemplate,
        now_ms: i64,
    ) -> Result<Option<i64>, sqlx::Error> {
        let _turn = self.write_turn().await;
        let mut tx = self.begin_write().await?;
        let owned = sqlx::query("select code from services where code = $1 and agency_code = $2")
            .bind(&template.service)
            .bind(agency)
            .fetch_optional(&mut *tx)
            .await?;
        if owned.is_none() {
            return Ok(None);
        }
        let id: i64 = sqlx::query(
            "insert into response_templates (service_code, title_ar, title_en, body_ar, body_en, created_at) \
             values ($1, $2, $3, $4, $5, $6) returning id",
        )
        .bind(&template.service)
        .bind(template.title.ar.trim())
        .bind(template.title.en.trim())
        .bind(template.body.ar.trim())
        .bind(template.body.en.trim())
        .bind(now_ms)
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        tx.commit().await?;
        Ok(Some(id))
    }

    /// Deletes a template of one of `agency`'s services; false when there is none.
    pub async fn delete_template(&self, agency: &str, id: i64) -> Result<bool, sqlx::Error> {
        let _turn = self.write_turn().await;
        let deleted = sqlx::query(
            "delete from response_templates where id = $1 and service_code in \
             (select code from services where agency_code = $2)",
        )
        .bind(id)
        .bind(agency)
        .execute(self.pool())
        .await?
        .rows_affected();
        Ok(deleted == 1)
    }

    /// The codes of `agency`'s services, active or not, in catalogue order.
    pub async fn agency_service_codes(&self, agency: &str) -> Result<Vec<String>, sqlx::Error> {
        let rows =
            sqlx::query("select code from services where agency_code = $1 order by position, code")
                .bind(agency)
                .fetch_all(self.pool())
                .await?;
        rows.iter().map(|row| row.try_get("code")).collect()
    }

    /// Applies an admin's (already validated) edit to a service of `agency`; false when
    /// the service is not the agency's. Requests already filed keep their due dates.
    pub async fn edit_service(
        &self,
        agency: &str,
        code: &str,
        edit: &ServiceEdit,
    ) -> Result<bool, sqlx::Error> {
        let documents =
            serde_json::to_string(&edit.documents).map_err(|e| sqlx::Error::Encode(e.into()))?;
        let form = serde_json::to_string(&edit.form).map_err(|e| sqlx::Error::Encode(e.into()))?;
        let _turn = self.write_turn().await;
        let updated = sqlx::query(
            "update services set name_ar = $1, name_en = $2, summary_ar = $3, summary_en = $4, \
             description_ar = $5, description_en = $6, fee_halalas = $7, sla_working_days = $8, \
             documents = $9, form = $10, active = $11 where code = $12 and agency_code = $13",
        )
        .bind(edit.name.ar.trim())
        .bind(edit.name.en.trim())
        .bind(edit.summary.ar.trim())
        .bind(edit.summary.en.trim())
        .bind(edit.description.ar.trim())
        .bind(edit.description.en.trim())
        .bind(i64::from(edit.fee_halalas))
        .bind(i64::from(edit.sla_working_days))
        .bind(documents)
        .bind(form)
        .bind(i64::from(edit.active))
        .bind(code)
        .bind(agency)
        .execute(self.pool())
        .await?
        .rows_affected();
        Ok(updated == 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn riyadh_midnight_is_21_00_utc_the_day_before() {
        let day = Date::parse("2026-11-24").unwrap();
        assert_eq!(
            format_rfc3339(riyadh_midnight_ms(day)),
            "2026-11-23T21:00:00.000Z"
        );
    }

    #[test]
    fn placeholders_are_numbered_in_bind_order() {
        let scope = StaffScope {
            agency: "epm".into(),
            department: Some("roads".into()),
        };
        let filter = QueueFilter {
            service: Some("epm-road-damage".into()),
            reference_prefix: Some("1234".into()),
            limit: 50,
            ..QueueFilter::default()
        };
        let c = queue_clauses(&scope, &filter, Date::parse("2026-11-24").unwrap());
        assert_eq!(
            c.sql,
            " where r.agency_code = $1 and r.department_code = $2 and r.is_open = 1 \
             and r.service_code = $3"
        );
        assert_eq!(
            c.matched.as_deref(),
            Some("select id from requests where reference >= $4 and reference < $5")
        );
        assert_eq!(c.binds.len(), 5);
    }
}
