//! Ratings: an applicant rates their decided request once, and may change the rating for
//! `nafitha_domain::rating::RATING_CHANGE_DAYS` days after first giving it.

use nafitha_domain::calendar::{format_rfc3339, riyadh_date};
use nafitha_domain::rating::{
    may_change_rating, may_rate, rating_changeable_until_ms, RatingView, Resolution, ValidRating,
};
use nafitha_domain::ReferenceNumber;
use sqlx::Row;

use super::requests::status_of;
use super::stats::{Changes, Place};
use super::Store;

/// What became of a rating.
#[derive(Debug, PartialEq, Eq)]
pub enum RateOutcome {
    Done(RatingView),
    /// No such request, or not this applicant's (the two look the same).
    NotFound,
    /// The request is not decided yet.
    NotYet,
    /// Rated longer ago than the change window: it can no longer be changed.
    ChangeWindowClosed,
}

impl Store {
    /// Stores (or, within the change window, replaces) the rating of `reference` by the
    /// applicant with `phone`.
    pub async fn rate_request(
        &self,
        reference: &ReferenceNumber,
        phone: &str,
        rating: &ValidRating,
        now_ms: i64,
    ) -> Result<RateOutcome, sqlx::Error> {
        let _turn = self.write_turn().await;
        let mut tx = self.begin_write().await?;
        let Some(row) = sqlx::query(
            "select id, status, service_code, agency_code, department_code, applicant_phone \
             from requests where reference = $1",
        )
        .bind(reference.as_str())
        .fetch_optional(&mut *tx)
        .await?
        else {
            return Ok(RateOutcome::NotFound);
        };
        if row.try_get::<String, _>("applicant_phone")? != phone {
            return Ok(RateOutcome::NotFound);
        }
        if !may_rate(status_of(&row)?) {
            return Ok(RateOutcome::NotYet);
        }
        let id: i64 = row.try_get("id")?;
        let first = sqlx::query(
            "select created_at, score, agency_code, department_code, service_code from ratings \
             where request_id = $1",
        )
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let resolved = rating.resolved.map(Resolution::code);
        let codes = |r: &sqlx::any::AnyRow| -> Result<[String; 3], sqlx::Error> {
            Ok([
                r.try_get("agency_code")?,
                r.try_get("department_code")?,
                r.try_get("service_code")?,
            ])
        };
        let created_at = match first {
            Some(first) => {
                let created: i64 = first.try_get("created_at")?;
                if !may_change_rating(created, now_ms) {
                    return Ok(RateOutcome::ChangeWindowClosed);
                }
                let old = u8::try_from(first.try_get::<i64, _>("score")?).unwrap_or(0);
                if old != rating.score {
                    let [agency, department, service] = codes(&first)?;
                    let place = Place {
                        agency: &agency,
                        department: &department,
                        service: &service,
                    };
                    let day = riyadh_date(created);
                    let mut changes = Changes::new(self.engine());
                    changes.rated(day, place, old, -1);
                    changes.rated(day, place, rating.score, 1);
                    changes.apply(&mut tx).await?;
                }
                sqlx::query(
                    "update ratings set score = $1, resolved = $2, comment = $3, updated_at = $4 \
                     where request_id = $5",
                )
                .bind(i64::from(rating.score))
                .bind(resolved)
                .bind(rating.comment.as_deref())
                .bind(now_ms)
                .bind(id)
                .execute(&mut *tx)
                .await?;
                created
            }
            None => {
                let [agency, department, service] = codes(&row)?;
                sqlx::query(
                    "insert into ratings (request_id, service_code, agency_code, department_code, score, \
                     resolved, comment, created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
                )
                .bind(id)
                .bind(&service)
                .bind(&agency)
                .bind(&department)
                .bind(i64::from(rating.score))
                .bind(resolved)
                .bind(rating.comment.as_deref())
                .bind(now_ms)
                .execute(&mut *tx)
                .await?;
                let place = Place {
                    agency: &agency,
                    department: &department,
                    service: &service,
                };
                let mut changes = Changes::new(self.engine());
                changes.rated(riyadh_date(now_ms), place, rating.score, 1);
                changes.apply(&mut tx).await?;
                now_ms
            }
        };
        tx.commit().await?;
        self.stats_changed();
        Ok(RateOutcome::Done(RatingView {
            score: rating.score,
            resolved: rating.resolved,
            comment: rating.comment.clone(),
            changeable_until: format_rfc3339(rating_changeable_until_ms(created_at)),
        }))
    }

    /// The rating of a request, if it has one.
    pub async fn rating_of(&self, request_id: i64) -> Result<Option<RatingView>, sqlx::Error> {
        let row = sqlx::query(
            "select score, resolved, comment, created_at from ratings where request_id = $1",
        )
        .bind(request_id)
        .fetch_optional(self.pool())
        .await?;
        row.map(|r| {
            let resolved: Option<String> = r.try_get("resolved")?;
            Ok(RatingView {
                score: u8::try_from(r.try_get::<i64, _>("score")?).unwrap_or(1),
                resolved: resolved.as_deref().and_then(Resolution::from_code),
                comment: r.try_get("comment")?,
                changeable_until: format_rfc3339(rating_changeable_until_ms(
                    r.try_get::<i64, _>("created_at")?,
                )),
            })
        })
        .transpose()
    }
}
