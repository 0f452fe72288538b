//! Staff accounts: created and disabled from the command line, read at sign-in, and the
//! failed-attempt counter that locks an account after repeated wrong passwords.

use sqlx::any::AnyRow;
use sqlx::Row;

use super::Store;

/// Wrong passwords in a row after which an account is locked for [`LOCK_MS`].
pub const MAX_FAILED_SIGN_INS: i64 = 5;
/// How long a locked account stays locked.
pub const LOCK_MS: i64 = 15 * 60_000;

/// A staff account as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaffAccount {
    pub username: String,
    pub password_hash: String,
    pub role: String,
    pub agency: String,
    pub department: Option<String>,
    pub disabled: bool,
    pub locked_until: Option<i64>,
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
        locked_until: row.try_get("locked_until")?,
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

    /// Records a wrong password; locks the account at the limit.
    pub async fn record_failed_sign_in(
        &self,
        username: &str,
        now_ms: i64,
    ) -> Result<(), sqlx::Error> {
        let _turn = self.write_turn().await;
        sqlx::query(
            "update staff set failed_attempts = failed_attempts + 1, \
             locked_until = case when failed_attempts + 1 >= $2 then $3 else locked_until end where username = $1",
        )
        .bind(username)
        .bind(MAX_FAILED_SIGN_INS)
        .bind(now_ms + LOCK_MS)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Clears the failed-attempt count after a right password.
    pub async fn record_sign_in(&self, username: &str) -> Result<(), sqlx::Error> {
        let _turn = self.write_turn().await;
        sqlx::query(
            "update staff set failed_attempts = 0, locked_until = null where username = $1",
        )
        .bind(username)
        .execute(self.pool())
        .await?;
        Ok(())
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
