//! The counters behind the abuse limits, in the database so that every instance sees the
//! same counts. A limit is a [`Quota`] (so many hits per window) over a sliding window,
//! approximated from two fixed windows: the current one, plus the previous one weighed by
//! how much of it the sliding window still covers. This module counts and compares; which
//! limits exist and how their keys are made is `crate::limits`' business.
//!
//! A charge is made inside a transaction: when it is refused, the caller rolls the
//! transaction back, so a refused attempt is not counted and nothing else it wrote stays.

use sqlx::{AnyConnection, Row};

use super::Store;

/// So many hits per window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Quota {
    pub max: i64,
    pub window_ms: i64,
}

/// One limit to charge: its name, whom it counts (a keyed hash), its quota, and how
/// much this attempt costs (1 for a call, the size for bytes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Charge {
    pub bucket: &'static str,
    pub key: String,
    pub quota: Quota,
    pub cost: i64,
}

/// A refused charge: which limit, and how long until it would be accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Refused {
    pub bucket: &'static str,
    pub retry_after_ms: i64,
}

/// The start of the fixed window of `window_ms` that `now_ms` falls in.
fn window_start(now_ms: i64, window_ms: i64) -> i64 {
    now_ms - now_ms.rem_euclid(window_ms)
}

/// Adds `cost` to `key`'s count in the current window and returns the sliding-window
/// estimate with it, the current window's hits and the previous window's, in one
/// statement (a row keeps its window and the one before).
async fn count(
    conn: &mut AnyConnection,
    bucket: &'static str,
    key: &str,
    window_ms: i64,
    cost: i64,
    now_ms: i64,
) -> Result<(f64, i64, i64), sqlx::Error> {
    let window_start = window_start(now_ms, window_ms);
    // The right-hand sides read the row as it was: a row of an older window moves on,
    // its hits becoming the previous window's when that window is the one just ended.
    let row = sqlx::query(
        "insert into rate_counters (bucket, key, window_start, hits, previous_hits) values ($1, $2, $3, $4, 0) \
         on conflict (bucket, key) do update set \
         previous_hits = case when rate_counters.window_start = $3 then rate_counters.previous_hits \
         when rate_counters.window_start = $3 - $5 then rate_counters.hits else 0 end, \
         hits = case when rate_counters.window_start = $3 then rate_counters.hits + $4 else $4 end, \
         window_start = $3 \
         returning hits, previous_hits",
    )
    .bind(bucket)
    .bind(key)
    .bind(window_start)
    .bind(cost)
    .bind(window_ms)
    .fetch_one(&mut *conn)
    .await?;
    let (current, previous): (i64, i64) = (row.try_get("hits")?, row.try_get("previous_hits")?);
    let elapsed = now_ms - window_start;
    let weight = (window_ms - elapsed) as f64 / window_ms as f64;
    Ok((current as f64 + previous as f64 * weight, current, previous))
}

/// How long until an attempt costing `cost`, refused after `elapsed` ms of a window
/// holding `current` hits (this attempt's included: it will be rolled back) with a
/// previous window of `previous` hits, would be accepted.
fn wait_ms(quota: Quota, cost: i64, current: i64, previous: i64, elapsed: i64) -> i64 {
    let (window, max) = (quota.window_ms as f64, quota.max as f64);
    // The elapsed part of a window at which `weighed` hits of the window before, sliding
    // away, leave room for `rest` more: weighed * (1 - e / window) + rest <= max.
    let slide = |weighed: f64, rest: f64| {
        if weighed <= 0.0 {
            0.0
        } else {
            (window * (1.0 - (max - rest) / weighed)).max(0.0)
        }
    };
    let wait = if current <= quota.max {
        // This window has room: wait for the previous one to slide far enough away.
        slide(previous as f64, current as f64) - elapsed as f64
    } else if cost > quota.max {
        // Never, at this size: say a full window, the most any limit asks.
        2.0 * window - elapsed as f64
    } else {
        // Not in this window: in the next, this one (without the attempt) slides away.
        window - elapsed as f64 + slide((current - cost) as f64, cost as f64)
    };
    (wait.ceil() as i64).max(1)
}

/// Charges `charge` in the caller's transaction. `Some` when the limit is exceeded: the
/// caller must then roll the transaction back.
pub(crate) async fn charge(
    conn: &mut AnyConnection,
    charge: &Charge,
    now_ms: i64,
) -> Result<Option<Refused>, sqlx::Error> {
    let quota = charge.quota;
    let (estimate, current, previous) = count(
        conn,
        charge.bucket,
        &charge.key,
        quota.window_ms,
        charge.cost,
        now_ms,
    )
    .await?;
    if estimate <= quota.max as f64 {
        return Ok(None);
    }
    let elapsed = now_ms.rem_euclid(quota.window_ms);
    Ok(Some(Refused {
        bucket: charge.bucket,
        retry_after_ms: wait_ms(quota, charge.cost, current, previous, elapsed),
    }))
}

/// Counts `charge` without refusing it (messages the agency sends, which are always sent
/// but still count towards what an anonymous caller may trigger).
pub(crate) async fn add(
    conn: &mut AnyConnection,
    charge: &Charge,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    let window_ms = charge.quota.window_ms;
    count(
        conn,
        charge.bucket,
        &charge.key,
        window_ms,
        charge.cost,
        now_ms,
    )
    .await?;
    Ok(())
}

impl Store {
    /// Charges every limit in `charges` at once: all are counted, or (when one refuses)
    /// none, and the first refusal is returned.
    pub async fn charge_limits(
        &self,
        charges: &[Charge],
        now_ms: i64,
    ) -> Result<Option<Refused>, sqlx::Error> {
        if charges.is_empty() {
            return Ok(None);
        }
        let _turn = self.write_turn().await;
        let mut tx = self.begin_count().await?;
        for one in charges {
            if let Some(refused) = charge(&mut tx, one, now_ms).await? {
                tx.rollback().await?;
                return Ok(Some(refused));
            }
        }
        tx.commit().await?;
        Ok(None)
    }

    /// Gives back `cost` of a charge made earlier in this window (an upload that was
    /// refused after it was counted by size, or never arrived).
    pub async fn refund_limit(&self, charge: &Charge, now_ms: i64) -> Result<(), sqlx::Error> {
        let window_start = window_start(now_ms, charge.quota.window_ms);
        let _turn = self.write_turn().await;
        let mut tx = self.begin_count().await?;
        sqlx::query(
            "update rate_counters set hits = case when hits > $4 then hits - $4 else 0 end \
             where bucket = $1 and key = $2 and window_start = $3",
        )
        .bind(charge.bucket)
        .bind(&charge.key)
        .bind(window_start)
        .bind(charge.cost)
        .execute(&mut *tx)
        .await?;
        tx.commit().await
    }

    /// Forgets counters from windows that ended before `before_ms` (called by the
    /// clean-up; no limit looks further back than its window and the one before).
    pub async fn forget_old_counters(&self, before_ms: i64) -> Result<u64, sqlx::Error> {
        let _turn = self.write_turn().await;
        let removed = sqlx::query("delete from rate_counters where window_start < $1")
            .bind(before_ms)
            .execute(self.pool())
            .await?
            .rows_affected();
        Ok(removed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: Quota = Quota {
        max: 10,
        window_ms: 3_600_000,
    };

    #[test]
    fn over_the_limit_within_one_window_waits_until_this_window_slides_far_enough() {
        // 10 kept + this one at 10 minutes past: in the next window the 10 must weigh at
        // most 9, which they do a tenth of the way in.
        assert_eq!(wait_ms(HOUR, 1, 11, 0, 600_000), 3_000_000 + 360_000);
        // Nothing kept in this window (the attempt alone is too much): the window's end.
        assert_eq!(wait_ms(HOUR, 11, 11, 4, 600_000), 2 * 3_600_000 - 600_000);
    }

    #[test]
    fn a_full_previous_window_is_forgiven_as_it_slides_away() {
        // 10 hits last hour, 5 now: the estimate is 5 + 10 * (1 - e/h); it is 10 at e = h/2.
        assert_eq!(wait_ms(HOUR, 1, 5, 10, 600_000), 1_800_000 - 600_000);
        assert!(wait_ms(HOUR, 1, 5, 10, 1_799_999) >= 1);
    }
}
