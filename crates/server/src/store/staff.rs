//! Staff accounts: created and disabled from the command line or by an agency's admins,
//! read at sign-in, and the
//! counts of wrong passwords behind the sign-in throttle (`crate::limits`).

use sqlx::any::AnyRow;
use sqlx::Row;

use super::Store;
use crate::limits::Throttle;

/// A staff account as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaffAccount {
    pub username: String,
    pub password_hash: String,
    pub role: String,
    pub agency: String,
    pub department: Option<String>,
    pub disabled: bool,
}

/// What became of adding an account.
#[derive(Debug, PartialEq, Eq)]
pub enum StaffAdded {
    Added,
    UsernameTaken,
    UnknownAgency,
    /// The department does not exist or belongs to another agency.
    UnknownDepartment,
}

fn account(row: &AnyRow) -> Result<StaffAccount, sqlx::Error> {
    Ok(StaffAccount {
        username: row.try_get("username")?,
        password_hash: row.try_get("password_hash")?,
        role: row.try_get("role")?,
        agency: row.try_get("agency_code")?,
        department: row.try_get("department_code")?,
        disabled: row.try_get::<i64, _>("disabled")? == 1,
    })
}

impl Store {
    pub async fn add_staff(
        &self,
        new: &StaffAccount,
        now_ms: i64,
    ) -> Result<StaffAdded, sqlx::Error> {
        let _turn = self.write_turn().await;
        let mut tx = self.begin_write().await?;
        if sqlx::query("select code from agencies where code = $1")
            .bind(&new.agency)
            .fetch_optional(&mut *tx)
            .await?
            .is_none()
        {
            return Ok(StaffAdded::UnknownAgency);
        }
        if let Some(department) = &new.department {
            if sqlx::query("select code from departments where code = $1 and agency_code = $2")
                .bind(department)
                .bind(&new.agency)
                .fetch_optional(&mut *tx)
                .await?
                .is_none()
            {
                return Ok(StaffAdded::UnknownDepartment);
            }
        }
        let added = sqlx::query(
            "insert into staff (username, password_hash, role, agency_code, department_code, disabled, created_at) \
             values ($1, $2, $3, $4, $5, 0, $6) on conflict (username) do nothing",
        )
        .bind(&new.username)
        .bind(&new.password_hash)
        .bind(&new.role)
        .bind(&new.agency)
        .bind(new.department.as_deref())
        .bind(now_ms)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if added == 0 {
            return Ok(StaffAdded::UsernameTaken);
        }
        tx.commit().await?;
        Ok(StaffAdded::Added)
    }

    pub async fn staff_account(&self, username: &str) -> Result<Option<StaffAccount>, sqlx::Error> {
        let row = sqlx::query("select * from staff where username = $1")
            .bind(username)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(account).transpose()
    }

    pub async fn list_staff(&self) -> Result<Vec<StaffAccount>, sqlx::Error> {
        let rows = sqlx::query("select * from staff order by agency_code, username")
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(account).collect()
    }

    /// Every account of `agency`, disabled ones too, by username.
    pub async fn agency_staff(&self, agency: &str) -> Result<Vec<StaffAccount>, sqlx::Error> {
        let rows = sqlx::query("select * from staff where agency_code = $1 order by username")
            .bind(agency)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(account).collect()
    }

    /// Disables an account and ends its sessions. False when there is no such account.
    pub async fn disable_staff(&self, username: &str) -> Result<bool, sqlx::Error> {
        let _turn = self.write_turn().await;
        let mut tx = self.begin_write().await?;
        let done = sqlx::query("update staff set disabled = 1 where username = $1")
            .bind(username)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        sqlx::query("delete from sessions where kind = 'staff' and subject = $1")
            .bind(username)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(done == 1)
    }

    /// Enables a disabled account again (an admin's undo). False when there is no such
    /// account.
    pub async fn enable_staff(&self, username: &str) -> Result<bool, sqlx::Error> {
        let _turn = self.write_turn().await;
        let done = sqlx::query("update staff set disabled = 0 where username = $1")
            .bind(username)
            .execute(self.pool())
            .await?
            .rows_affected();
        Ok(done == 1)
    }

    /// Counts a staff sign-in attempt under each throttle, as a wrong password until the
    /// password proves right (then [`Store::clear_wrong_passwords`]), in one transaction:
    /// parallel attempts are all counted, each after the one before. Counts quiet since
    /// before `quiet_since_ms` start again. `Some(wait)` when an enforced throttle is
    /// still waiting: then nothing is counted.
    pub async fn count_sign_in_attempt(
        &self,
        throttles: &[Throttle],
        now_ms: i64,
        quiet_since_ms: i64,
    ) -> Result<Option<i64>, sqlx::Error> {
        let _turn = self.write_turn().await;
        let mut tx = self.begin_count().await?;
        for throttle in throttles {
            let only_when_free = if throttle.enforced {
                " where sign_in_throttles.blocked_until <= $2"
            } else {
                ""
            };
            let counted = sqlx::query(&format!(
                "insert into sign_in_throttles (key, failures, last_failure_at, blocked_until) values ($1, 1, $2, $2) \
                 on conflict (key) do update set last_failure_at = $2, failures = case \
                 when sign_in_throttles.last_failure_at < $3 then 1 else sign_in_throttles.failures + 1 end\
                 {only_when_free} returning failures"
            ))
            .bind(&throttle.key)
            .bind(now_ms)
            .bind(quiet_since_ms)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(counted) = counted else {
                let blocked_until: i64 =
                    sqlx::query("select blocked_until from sign_in_throttles where key = $1")
                        .bind(&throttle.key)
                        .fetch_one(&mut *tx)
                        .await?
                        .try_get("blocked_until")?;
                tx.rollback().await?;
                return Ok(Some((blocked_until - now_ms).max(1)));
            };
            let failures: i64 = counted.try_get("failures")?;
            sqlx::query("update sign_in_throttles set blocked_until = $2 where key = $1")
                .bind(&throttle.key)
                .bind(now_ms + throttle.delay_ms(failures))
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(None)
    }

    /// Forgets the wrong passwords counted under `keys` (after a right one).
    pub async fn clear_wrong_passwords(&self, keys: &[&str]) -> Result<(), sqlx::Error> {
        let _turn = self.write_turn().await;
        let mut tx = self.begin_count().await?;
        for key in keys {
            sqlx::query("delete from sign_in_throttles where key = $1")
                .bind(*key)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await
    }

    /// Deletes the counts that went quiet (called by the clean-up).
    pub async fn forget_quiet_throttles(&self, now_ms: i64) -> Result<u64, sqlx::Error> {
        let _turn = self.write_turn().await;
        let removed = sqlx::query("delete from sign_in_throttles where last_failure_at < $1")
            .bind(now_ms - crate::limits::THROTTLE_QUIET_MS)
            .execute(self.pool())
            .await?
            .rows_affected();
        Ok(removed)
    }

    /// Creates or resets a demo account (enabled, unlocked, with this password).
    pub async fn put_demo_staff(
        &self,
        username: &str,
        password_hash: &str,
        role: &str,
        agency: &str,
        department: Option<&str>,
        now_ms: i64,
    ) -> Result<(), sqlx::Error> {
        let _turn = self.write_turn().await;
        sqlx::query(
            "insert into staff (username, password_hash, role, agency_code, department_code, created_at) \
             values ($1, $2, $3, $4, $5, $6) on conflict (username) do update set \
             password_hash = excluded.password_hash, role = excluded.role, agency_code = excluded.agency_code, \
             department_code = excluded.department_code, disabled = 0, failed_attempts = 0, locked_until = null",
        )
        .bind(username)
        .bind(password_hash)
        .bind(role)
        .bind(agency)
        .bind(department)
        .bind(now_ms)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The enabled staff of `agency`, by username.
    pub async fn team(&self, agency: &str) -> Result<Vec<StaffAccount>, sqlx::Error> {
        let rows = sqlx::query(
            "select * from staff where agency_code = $1 and disabled = 0 order by username",
        )
        .bind(agency)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(account).collect()
    }
}
