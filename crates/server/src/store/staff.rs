//! Staff accounts: created and disabled from the command line, read at sign-in, and the
//! counts of wrong passwords behind the sign-in throttle (`crate::limits`).

use sqlx::any::AnyRow;
use sqlx::Row;

use super::Store;

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

    /// The wrong passwords counted under each of `keys` (0 for a key never seen or
    /// quiet since `quiet_since_ms`), and the time of the latest of them.
    pub async fn wrong_passwords(
        &self,
        keys: &[&str],
        quiet_since_ms: i64,
    ) -> Result<(Vec<i64>, i64), sqlx::Error> {
        let mut counts = Vec::with_capacity(keys.len());
        let mut latest = 0;
        for key in keys {
            let row = sqlx::query(
                "select failures, last_failure_at from sign_in_throttles where key = $1 and last_failure_at >= $2",
            )
            .bind(*key)
            .bind(quiet_since_ms)
            .fetch_optional(self.pool())
            .await?;
            let (failures, at) = match row {
                Some(row) => (row.try_get("failures")?, row.try_get("last_failure_at")?),
                None => (0, 0),
            };
            counts.push(failures);
            latest = latest.max(at);
        }
        Ok((counts, latest))
    }

    /// Counts a wrong password under each of `keys`, starting again from one where the
    /// last was before `quiet_since_ms`.
    pub async fn record_wrong_password(
        &self,
        keys: &[&str],
        now_ms: i64,
        quiet_since_ms: i64,
    ) -> Result<(), sqlx::Error> {
        let _turn = self.write_turn().await;
        let mut tx = self.begin_write().await?;
        for key in keys {
            sqlx::query(
                "insert into sign_in_throttles (key, failures, last_failure_at) values ($1, 1, $2) \
                 on conflict (key) do update set last_failure_at = $2, failures = case \
                 when sign_in_throttles.last_failure_at < $3 then 1 else sign_in_throttles.failures + 1 end",
            )
            .bind(*key)
            .bind(now_ms)
            .bind(quiet_since_ms)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await
    }

    /// Forgets the wrong passwords counted under `keys` (after a right one).
    pub async fn clear_wrong_passwords(&self, keys: &[&str]) -> Result<(), sqlx::Error> {
        let _turn = self.write_turn().await;
        let mut tx = self.begin_write().await?;
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
