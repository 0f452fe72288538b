//! What Open311 GeoReport v2 reads: the services it offers, and the requests a partner's
//! key filed with their public history. A partner sees only its own filings, and of them
//! only what `nafitha_domain::open311` lets it see.

use std::collections::HashMap;

use nafitha_domain::calendar::Date;
use nafitha_domain::intake::ENQUIRY_KIND;
use nafitha_domain::lifecycle::RequestStatus;
use nafitha_domain::{FieldKind, FormDefinition, Localized, ServiceDetail};
use serde_json::Value;
use sqlx::any::AnyRow;
use sqlx::Row;

use super::requests::{event_channel, localized, status_of};
use super::Store;

/// Which of a partner's requests to list.
#[derive(Clone, Debug, Default)]
pub struct RequestFilter {
    /// These references only (the other conditions then do not apply).
    pub ids: Vec<String>,
    /// Filed within this window, Unix milliseconds, both ends included.
    pub window: (i64, i64),
    /// Of these services only (none: every service).
    pub services: Vec<String>,
    /// `Some(true)`: finished requests only; `Some(false)`: open ones only.
    pub finished: Option<bool>,
    pub limit: usize,
}

/// A partner's request, as Open311 shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct PartnerRequest {
    pub reference: String,
    pub status: RequestStatus,
    pub service_code: String,
    pub service: Localized,
    pub agency: Localized,
    pub submitted_at: i64,
    pub updated_at: i64,
    pub due_on: Date,
    /// The request's location (beside the answers, or its form's location question).
    pub address: Option<String>,
    pub point: Option<(f64, f64)>,
}

/// One public step of a partner's request.
#[derive(Clone, Debug, PartialEq)]
pub struct PartnerUpdate {
    pub id: i64,
    pub reference: String,
    pub kind: String,
    pub status: RequestStatus,
    pub channel: Option<nafitha_domain::filing::Channel>,
    pub at: i64,
}

fn decode_err(what: &str) -> sqlx::Error {
    sqlx::Error::Decode(what.to_owned().into())
}

/// `$first, $first+1, …` for `count` values.
fn placeholders(first: usize, count: usize) -> String {
    (first..first + count)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Store {
    /// Every service that accepts filings, with its form, in catalogue order.
    pub async fn active_services(&self) -> Result<Vec<ServiceDetail>, sqlx::Error> {
        self.services_where("s.active = 1", None).await
    }

    /// The requests the key `api_key` filed that `filter` selects, oldest first.
    pub async fn partner_requests(
        &self,
        api_key: i64,
        filter: &RequestFilter,
    ) -> Result<Vec<PartnerRequest>, sqlx::Error> {
        let mut condition = String::from("r.api_key_id = $1");
        let mut texts: Vec<&str> = Vec::new();
        if filter.ids.is_empty() {
            condition.push_str(" and r.submitted_at >= $2 and r.submitted_at <= $3");
            if !filter.services.is_empty() {
                condition.push_str(&format!(
                    " and r.service_code in ({})",
                    placeholders(4, filter.services.len())
                ));
                texts.extend(filter.services.iter().map(String::as_str));
            }
            match filter.finished {
                Some(true) => condition.push_str(" and r.is_open = 0"),
                Some(false) => condition.push_str(" and r.is_open = 1"),
                None => {}
            }
        } else {
            condition.push_str(&format!(
                " and r.reference in ({})",
                placeholders(2, filter.ids.len())
            ));
            texts.extend(filter.ids.iter().map(String::as_str));
        }
        let sql = format!(
            "select r.reference, r.status, r.service_code, r.submitted_at, r.updated_at, r.due_on, \
             r.location, case when r.location is null then r.answers end as answers, \
             s.name_ar as service_ar, s.name_en as service_en, \
             a.name_ar as agency_ar, a.name_en as agency_en \
             from requests r join services s on s.code = r.service_code \
             join agencies a on a.code = r.agency_code \
             where {condition} order by r.submitted_at, r.id limit {}",
            filter.limit
        );
        let mut query = sqlx::query(&sql).bind(api_key);
        if filter.ids.is_empty() {
            query = query.bind(filter.window.0).bind(filter.window.1);
        }
        for text in texts {
            query = query.bind(text);
        }
        let rows = query.fetch_all(self.pool()).await?;
        let location_questions = self.location_questions(&rows).await?;
        rows.iter()
            .map(|row| partner_request(row, &location_questions))
            .collect()
    }

    /// The location question of each service of `rows` whose location is among the
    /// answers, by service code.
    async fn location_questions(
        &self,
        rows: &[AnyRow],
    ) -> Result<HashMap<String, String>, sqlx::Error> {
        let mut codes: Vec<String> = Vec::new();
        for row in rows {
            let code: String = row.try_get("service_code")?;
            if row.try_get::<Option<String>, _>("answers")?.is_some() && !codes.contains(&code) {
                codes.push(code);
            }
        }
        if codes.is_empty() {
            return Ok(HashMap::new());
        }
        let sql = format!(
            "select code, form from services where code in ({})",
            placeholders(1, codes.len())
        );
        let mut query = sqlx::query(&sql);
        for code in &codes {
            query = query.bind(code);
        }
        let mut questions = HashMap::new();
        for row in query.fetch_all(self.pool()).await? {
            let form: FormDefinition = serde_json::from_str(&row.try_get::<String, _>("form")?)
                .map_err(|_| decode_err("stored form"))?;
            if let Some(field) = form
                .fields
                .into_iter()
                .find(|f| matches!(f.kind, FieldKind::Location))
            {
                questions.insert(row.try_get("code")?, field.id);
            }
        }
        Ok(questions)
    }

    /// The public steps, within `window`, of the requests the key `api_key` filed: filing
    /// and every status change (not replies, which are the applicant's, nor enquiries).
    pub async fn partner_updates(
        &self,
        api_key: i64,
        window: (i64, i64),
        limit: usize,
    ) -> Result<Vec<PartnerUpdate>, sqlx::Error> {
        // Each listed step changed its request, so a request last changed before the
        // window has none in it: `updated_at` narrows the search to the index.
        let sql = format!(
            "select e.id, e.kind, e.status, e.channel, e.created_at, r.reference \
             from requests r join request_events e on e.request_id = r.id \
             where r.api_key_id = $1 and r.updated_at >= $2 and e.public = 1 \
             and e.kind <> 'reply' and e.kind <> $4 and e.created_at >= $2 and e.created_at <= $3 \
             order by e.created_at, e.id limit {limit}"
        );
        let rows = sqlx::query(&sql)
            .bind(api_key)
            .bind(window.0)
            .bind(window.1)
            .bind(ENQUIRY_KIND)
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|row| {
                Ok(PartnerUpdate {
                    id: row.try_get("id")?,
                    reference: row.try_get("reference")?,
                    kind: row.try_get("kind")?,
                    status: status_of(row)?,
                    channel: event_channel(row)?,
                    at: row.try_get("created_at")?,
                })
            })
            .collect()
    }
}

fn partner_request(
    row: &AnyRow,
    location_questions: &HashMap<String, String>,
) -> Result<PartnerRequest, sqlx::Error> {
    let service_code: String = row.try_get("service_code")?;
    let location: Option<Value> = match row.try_get::<Option<String>, _>("location")? {
        Some(text) => Some(serde_json::from_str(&text).map_err(|_| decode_err("location"))?),
        // Only the location question's answer is kept; the other answers are dropped unread.
        None => match (
            row.try_get::<Option<String>, _>("answers")?,
            location_questions.get(&service_code),
        ) {
            (Some(answers), Some(question)) => {
                let mut answers: serde_json::Map<String, Value> =
                    serde_json::from_str(&answers).map_err(|_| decode_err("answers"))?;
                answers.remove(question)
            }
            _ => None,
        },
    };
    let location = location.unwrap_or(Value::Null);
    let point = match (location["lat"].as_f64(), location["lng"].as_f64()) {
        (Some(lat), Some(lng)) => Some((lat, lng)),
        _ => None,
    };
    let due_on: String = row.try_get("due_on")?;
    Ok(PartnerRequest {
        reference: row.try_get("reference")?,
        status: status_of(row)?,
        service_code,
        service: localized(row, "service_ar", "service_en")?,
        agency: localized(row, "agency_ar", "agency_en")?,
        submitted_at: row.try_get("submitted_at")?,
        updated_at: row.try_get("updated_at")?,
        due_on: Date::parse(&due_on).ok_or_else(|| decode_err("stored due date"))?,
        address: location["address"].as_str().map(str::to_owned),
        point,
    })
}
