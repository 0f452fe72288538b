//! Sign-in codes and sessions. A code row per phone number holds the live code (hashed),
//! its tries, and how many codes the number was sent this hour; sessions are found by the
//! hash of their token, so a leaked database holds no usable session.

use nafitha_domain::account::{CODE_VALID_MS, MAX_CODES_PER_HOUR, MAX_CODE_TRIES, RESEND_AFTER_MS};
use sqlx::Row;

use super::requests::OutboxMessage;
use super::Store;

const HOUR_MS: i64 = 3_600_000;

/// Whether a code was sent.
#[derive(Debug, PartialEq, Eq)]
pub enum CodeIssued {
    Sent,
    /// Too soon after the last code, or too many this hour: try again in this many seconds.
    TooSoon {
        retry_after_s: i64,
    },
    /// The number has had its day's SMS: nothing was stored.
    Limited(super::limits::Refused),
}

/// What a typed code turned out to be.
#[derive(Debug, PartialEq, Eq)]
pub enum CodeCheck {
    /// Right: the session was started.
    Accepted,
    /// Wrong; this many tries are left.
    Wrong {
        tries_left: i64,
    },
    /// No live code for this number (never sent, already used, or spent by wrong tries).
    NoCode,
    Expired,
    TooManyTries,
}

/// A session to start.
pub struct NewSession<'a> {
    pub token_hash: &'a str,
    pub kind: &'static str,
    pub subject: &'a str,
    pub expires_at: i64,
}

impl Store {
    /// Stores a new code for `phone` (replacing any earlier one) and queues its SMS, unless
    /// the number was sent one too recently or too often.
    pub async fn issue_sign_in_code(
        &self,
        phone: &str,
        code_hash: &str,
        sms: &OutboxMessage,
        now_ms: i64,
    ) -> Result<CodeIssued, sqlx::Error> {
        let _turn = self.write_turn().await;
        let mut tx = self.begin_write().await?;
        let previous = sqlx::query(
            "select sent_at, window_started_at, sent_in_window from sign_in_codes where phone = $1",
        )
        .bind(phone)
        .fetch_optional(&mut *tx)
        .await?;
        let (window_start, sent_in_window) = match &previous {
            Some(row) => {
                let sent_at: i64 = row.try_get("sent_at")?;
                let window_start: i64 = row.try_get("window_started_at")?;
                let sent: i64 = row.try_get("sent_in_window")?;
                if now_ms < sent_at + RESEND_AFTER_MS {
                    return Ok(CodeIssued::TooSoon {
                        retry_after_s: (sent_at + RESEND_AFTER_MS - now_ms + 999) / 1000,
                    });
                }
                if now_ms < window_start + HOUR_MS {
                    if sent >= MAX_CODES_PER_HOUR {
                        return Ok(CodeIssued::TooSoon {
                            retry_after_s: (window_start + HOUR_MS - now_ms + 999) / 1000,
                        });
                    }
                    (window_start, sent + 1)
                } else {
                    (now_ms, 1)
                }
            }
            None => (now_ms, 1),
        };
        sqlx::query(
            "insert into sign_in_codes (phone, code_hash, sent_at, expires_at, tries, used, window_started_at, sent_in_window) \
             values ($1, $2, $3, $4, 0, 0, $5, $6) on conflict (phone) do update set code_hash = $2, sent_at = $3, \
             expires_at = $4, tries = 0, used = 0, window_started_at = $5, sent_in_window = $6",
        )
        .bind(phone)
        .bind(code_hash)
        .bind(now_ms)
        .bind(now_ms + CODE_VALID_MS)
        .bind(window_start)
        .bind(sent_in_window)
        .execute(&mut *tx)
        .await?;
        if let Some(refused) = self
            .queue_messages(
                &mut tx,
                std::slice::from_ref(sms),
                None,
                now_ms,
                super::outbox::SmsCap::Enforce,
            )
            .await?
        {
            tx.rollback().await?;
            return Ok(CodeIssued::Limited(refused));
        }
        tx.commit().await?;
        Ok(CodeIssued::Sent)
    }

    /// Checks a typed code (`matches` compares it with the stored hash) and, when right,
    /// spends the code and starts `session` in the same transaction, ending `replaces`.
    pub async fn check_sign_in_code(
        &self,
        phone: &str,
        matches: impl FnOnce(&str) -> bool,
        session: &NewSession<'_>,
        replaces: Option<&str>,
        now_ms: i64,
    ) -> Result<CodeCheck, sqlx::Error> {
        let _turn = self.write_turn().await;
        let mut tx = self.begin_write().await?;
        let Some(row) = sqlx::query(
            "select code_hash, expires_at, tries, used from sign_in_codes where phone = $1",
        )
        .bind(phone)
        .fetch_optional(&mut *tx)
        .await?
        else {
            return Ok(CodeCheck::NoCode);
        };
        let tries: i64 = row.try_get("tries")?;
        if row.try_get::<i64, _>("used")? == 1 {
            return Ok(CodeCheck::NoCode);
        }
        if tries >= MAX_CODE_TRIES {
            return Ok(CodeCheck::TooManyTries);
        }
        if row.try_get::<i64, _>("expires_at")? < now_ms {
            return Ok(CodeCheck::Expired);
        }
        if !matches(&row.try_get::<String, _>("code_hash")?) {
            // Conditional, so two wrong guesses racing both count.
            sqlx::query("update sign_in_codes set tries = tries + 1 where phone = $1 and used = 0")
                .bind(phone)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            let left = MAX_CODE_TRIES - tries - 1;
            return Ok(if left <= 0 {
                CodeCheck::TooManyTries
            } else {
                CodeCheck::Wrong { tries_left: left }
            });
        }
        // Only one of two right answers racing can spend the code.
        let spent = sqlx::query(
            "update sign_in_codes set used = 1 where phone = $1 and used = 0 and tries < $2",
        )
        .bind(phone)
        .bind(MAX_CODE_TRIES)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if spent != 1 {
            return Ok(CodeCheck::NoCode);
        }
        if let Some(old) = replaces {
            sqlx::query("delete from sessions where token_hash = $1")
                .bind(old)
                .execute(&mut *tx)
                .await?;
        }
        insert_session(&mut tx, session, now_ms).await?;
        tx.commit().await?;
        Ok(CodeCheck::Accepted)
    }

    /// Starts a session (staff sign-in), ending `replaces` if given.
    pub async fn start_session(
        &self,
        session: &NewSession<'_>,
        replaces: Option<&str>,
        now_ms: i64,
    ) -> Result<(), sqlx::Error> {
        let _turn = self.write_turn().await;
        let mut tx = self.begin_write().await?;
        if let Some(old) = replaces {
            sqlx::query("delete from sessions where token_hash = $1")
                .bind(old)
                .execute(&mut *tx)
                .await?;
        }
        insert_session(&mut tx, session, now_ms).await?;
        tx.commit().await
    }

    /// The subject of a live session of `kind`.
    pub async fn session_subject(
        &self,
        kind: &str,
        token_hash: &str,
        now_ms: i64,
    ) -> Result<Option<String>, sqlx::Error> {
        let row = sqlx::query(
            "select subject from sessions where token_hash = $1 and kind = $2 and expires_at > $3",
        )
        .bind(token_hash)
        .bind(kind)
        .bind(now_ms)
        .fetch_optional(self.pool())
        .await?;
        row.map(|r| r.try_get("subject")).transpose()
    }

    /// Ends a session. True when there was one.
    pub async fn end_session(&self, token_hash: &str) -> Result<bool, sqlx::Error> {
        let _turn = self.write_turn().await;
        let done = sqlx::query("delete from sessions where token_hash = $1")
            .bind(token_hash)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Forgets expired sessions and codes older than a day.
    pub async fn remove_expired_sign_ins(&self, now_ms: i64) -> Result<u64, sqlx::Error> {
        let _turn = self.write_turn().await;
        let sessions = sqlx::query("delete from sessions where expires_at < $1")
            .bind(now_ms)
            .execute(self.pool())
            .await?
            .rows_affected();
        let codes = sqlx::query("delete from sign_in_codes where sent_at < $1")
            .bind(now_ms - 24 * HOUR_MS)
            .execute(self.pool())
            .await?
            .rows_affected();
        Ok(sessions + codes)
    }
}

async fn insert_session(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    session: &NewSession<'_>,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "insert into sessions (token_hash, kind, subject, created_at, expires_at) values ($1, $2, $3, $4, $5)",
    )
    .bind(session.token_hash)
    .bind(session.kind)
    .bind(session.subject)
    .bind(now_ms)
    .bind(session.expires_at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
