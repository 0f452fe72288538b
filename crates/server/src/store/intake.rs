//! What contact-centre and reception staff read and write beyond filing: the look-up of a
//! citizen's requests (its audit row committed before anything found is returned, so no
//! look-up shown goes unrecorded), the enquiry note on a request's history, and the audit
//! list supervisors read.

use nafitha_domain::calendar::{format_rfc3339, Date};
use nafitha_domain::filing::{Channel, TrackedRequest};
use nafitha_domain::intake::{LookupAudit, LookupKey, LookupRecord, ENQUIRY_KIND, LOOKUP_MAX};
use nafitha_domain::ReferenceNumber;
use sqlx::Row;

use super::Store;

/// How long a second note of the same enquiry (same staff member, same channel) is taken
/// for a repeat of the first.
pub const ENQUIRY_REPEAT_MS: i64 = 5 * 60_000;

/// Whose requests an intake staff member may look up and note: every agency's for the
/// portal's contact centre (`None`), else their own agency's.
pub type IntakeScope<'a> = Option<&'a str>;

/// Who looked up, and why.
pub struct LookupBy<'a> {
    pub username: &'a str,
    pub agency: &'a str,
    pub reason: &'a str,
    pub now_ms: i64,
}

impl Store {
    /// The requests `key` finds within `scope` (newest first, at most [`LOOKUP_MAX`]), as
    /// the public tracking shows them, after recording the look-up in the audit.
    pub async fn look_up(
        &self,
        key: &LookupKey,
        scope: IntakeScope<'_>,
        by: &LookupBy<'_>,
        today: Date,
    ) -> Result<Vec<TrackedRequest>, sqlx::Error> {
        let (column, kind) = match key {
            LookupKey::Phone(_) => ("applicant_phone", "phone"),
            LookupKey::Reference(_) => ("reference", "reference"),
        };
        let sql = format!(
            "select reference from requests where {column} = $1 and ($2 = '' or agency_code = $2) \
             order by submitted_at desc, id desc limit {LOOKUP_MAX}"
        );
        let references: Vec<String> = sqlx::query(&sql)
            .bind(key.as_str())
            .bind(scope.unwrap_or_default())
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(|row| row.try_get("reference"))
            .collect::<Result<_, _>>()?;
        {
            let _turn = self.write_turn().await;
            let mut tx = self.begin_write().await?;
            sqlx::query(
                "insert into staff_lookups (username, agency_code, key_kind, key, reason, found, created_at) \
                 values ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(by.username)
            .bind(by.agency)
            .bind(kind)
            .bind(key.as_str())
            .bind(by.reason)
            .bind(references.len() as i64)
            .bind(by.now_ms)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
        }
        let mut found = Vec::with_capacity(references.len());
        for reference in references {
            let reference = ReferenceNumber::parse(&reference)
                .map_err(|_| sqlx::Error::Decode("stored reference is malformed".into()))?;
            if let Some(tracked) = self.track_request(&reference, today).await? {
                found.push(tracked);
            }
        }
        Ok(found)
    }

    /// Adds to the history of `reference` (within `scope`) that the citizen got in touch
    /// through `channel`: a public event that changes nothing else. The same staff member
    /// noting the same channel again within [`ENQUIRY_REPEAT_MS`] (a retry, a double
    /// click) adds nothing. False when there is no such request in scope.
    pub async fn record_enquiry(
        &self,
        reference: &ReferenceNumber,
        scope: IntakeScope<'_>,
        username: &str,
        channel: Channel,
        now_ms: i64,
    ) -> Result<bool, sqlx::Error> {
        let _turn = self.write_turn().await;
        let mut tx = self.begin_write().await?;
        let Some(request) = sqlx::query(
            "select id from requests where reference = $1 and ($2 = '' or agency_code = $2)",
        )
        .bind(reference.as_str())
        .bind(scope.unwrap_or_default())
        .fetch_optional(&mut *tx)
        .await?
        else {
            return Ok(false);
        };
        let id: i64 = request.try_get("id")?;
        sqlx::query(
            "insert into request_events (request_id, kind, status, department_code, public, actor, message, \
             channel, created_at) select id, $1, status, department_code, 1, $2, null, $3, $4 from requests \
             where id = $5 and not exists (select 1 from request_events e where e.request_id = $5 \
             and e.kind = $1 and e.actor = $2 and e.channel = $3 and e.created_at > $6)",
        )
        .bind(ENQUIRY_KIND)
        .bind(format!("staff:{username}"))
        .bind(channel.code())
        .bind(now_ms)
        .bind(id)
        .bind(now_ms - ENQUIRY_REPEAT_MS)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// The look-ups by `agency`'s staff, newest first: `limit` of them older than
    /// `before` (an id from an earlier page's `next`).
    pub async fn lookups(
        &self,
        agency: &str,
        before: Option<i64>,
        limit: u32,
    ) -> Result<LookupAudit, sqlx::Error> {
        let limit = limit.max(1);
        let rows = sqlx::query(
            "select id, username, key, reason, found, created_at from staff_lookups \
             where agency_code = $1 and id < $2 order by id desc limit $3",
        )
        .bind(agency)
        .bind(before.unwrap_or(i64::MAX))
        .bind(i64::from(limit) + 1)
        .fetch_all(self.pool())
        .await?;
        let mut lookups = Vec::with_capacity(rows.len());
        let mut next = None;
        for (i, row) in rows.iter().enumerate() {
            if i == limit as usize {
                next = Some(rows[i - 1].try_get("id")?);
                break;
            }
            lookups.push(LookupRecord {
                at: format_rfc3339(row.try_get("created_at")?),
                username: row.try_get("username")?,
                key: row.try_get("key")?,
                reason: row.try_get("reason")?,
                found: u32::try_from(row.try_get::<i64, _>("found")?).unwrap_or(u32::MAX),
            });
        }
        Ok(LookupAudit { lookups, next })
    }
}
