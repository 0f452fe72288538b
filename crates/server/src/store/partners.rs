//! Channel partners' API keys: made, listed, rotated and revoked by admins (or the command
//! line), and read on every call that carries one (so a revoked key is refused at once, on
//! every instance).

use nafitha_domain::calendar::format_rfc3339;
use nafitha_domain::filing::Channel;
use nafitha_domain::partner::{ApiKeyView, ValidApiKey};
use sqlx::any::AnyRow;
use sqlx::Row;

use super::Store;

/// How often a key's last use is written at most (a write per call would cost SQLite's one
/// writer a turn per partner call).
const LAST_USED_EVERY_MS: i64 = 60_000;

/// A live key, as a call carrying it is allowed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartnerKey {
    pub id: i64,
    pub partner: String,
    pub channel: Channel,
    /// `None`: every agency.
    pub agency: Option<String>,
    /// Empty: every service of the scope.
    pub services: Vec<String>,
}

/// What a new key is made of: its hash and first characters, the checked values, its
/// scope and who made it.
pub struct KeyToStore<'a> {
    pub key_hash: &'a str,
    pub prefix: &'a str,
    pub key: &'a ValidApiKey,
    pub agency: Option<&'a str>,
    pub created_by: &'a str,
    pub now_ms: i64,
}

/// What became of adding a key.
#[derive(Debug, PartialEq, Eq)]
pub enum KeyAdded {
    Added(i64),
    /// A service is not one of the scope's (or does not exist): named.
    UnknownService(String),
    UnknownAgency,
}

fn decode_err(what: &str) -> sqlx::Error {
    sqlx::Error::Decode(what.to_owned().into())
}

fn services_of(row: &AnyRow) -> Result<Vec<String>, sqlx::Error> {
    match row.try_get::<Option<String>, _>("services")? {
        Some(json) => serde_json::from_str(&json).map_err(|_| decode_err("stored services")),
        None => Ok(Vec::new()),
    }
}

fn channel_of(row: &AnyRow) -> Result<Channel, sqlx::Error> {
    Channel::from_code(&row.try_get::<String, _>("channel")?)
        .ok_or_else(|| decode_err("unknown channel"))
}

impl Store {
    /// Stores a new key, after checking its agency and services exist (and the services
    /// are the agency's).
    pub async fn add_api_key(&self, new: &KeyToStore<'_>) -> Result<KeyAdded, sqlx::Error> {
        let _turn = self.write_turn().await;
        let mut tx = self.begin_write().await?;
        if let Some(agency) = new.agency {
            let known = sqlx::query("select code from agencies where code = $1 and operator = 0")
                .bind(agency)
                .fetch_optional(&mut *tx)
                .await?;
            if known.is_none() {
                return Ok(KeyAdded::UnknownAgency);
            }
        }
        for code in &new.key.services {
            let found = sqlx::query(
                "select code from services where code = $1 and ($2 = '' or agency_code = $2)",
            )
            .bind(code)
            .bind(new.agency.unwrap_or_default())
            .fetch_optional(&mut *tx)
            .await?;
            if found.is_none() {
                return Ok(KeyAdded::UnknownService(code.clone()));
            }
        }
        let services = (!new.key.services.is_empty())
            .then(|| serde_json::to_string(&new.key.services))
            .transpose()
            .map_err(|e| sqlx::Error::Encode(e.into()))?;
        let id: i64 = sqlx::query(
            "insert into api_keys (prefix, key_hash, partner, channel, agency_code, services, created_by, \
             created_at) values ($1, $2, $3, $4, $5, $6, $7, $8) returning id",
        )
        .bind(new.prefix)
        .bind(new.key_hash)
        .bind(&new.key.partner)
        .bind(new.key.channel.code())
        .bind(new.agency)
        .bind(services)
        .bind(new.created_by)
        .bind(new.now_ms)
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        tx.commit().await?;
        Ok(KeyAdded::Added(id))
    }

    /// The live key whose hash is `key_hash`, its last use noted (at most once a minute).
    pub async fn partner_key(
        &self,
        key_hash: &str,
        now_ms: i64,
    ) -> Result<Option<PartnerKey>, sqlx::Error> {
        let Some(row) = sqlx::query(
            "select id, partner, channel, agency_code, services, last_used_at from api_keys \
             where key_hash = $1 and revoked_at is null",
        )
        .bind(key_hash)
        .fetch_optional(self.pool())
        .await?
        else {
            return Ok(None);
        };
        let id: i64 = row.try_get("id")?;
        let last: Option<i64> = row.try_get("last_used_at")?;
        if last.is_none_or(|at| at < now_ms - LAST_USED_EVERY_MS) {
            let _turn = self.write_turn().await;
            sqlx::query("update api_keys set last_used_at = $1 where id = $2")
                .bind(now_ms)
                .bind(id)
                .execute(self.pool())
                .await?;
        }
        Ok(Some(PartnerKey {
            id,
            partner: row.try_get("partner")?,
            channel: channel_of(&row)?,
            agency: row.try_get("agency_code")?,
            services: services_of(&row)?,
        }))
    }

    /// The keys an admin of `agency` sees (`None`: the operator's admins and the command
    /// line, every key), newest first.
    pub async fn api_keys(&self, agency: Option<&str>) -> Result<Vec<ApiKeyView>, sqlx::Error> {
        let rows = sqlx::query(
            "select id, prefix, partner, channel, agency_code, services, created_at, last_used_at, \
             revoked_at from api_keys where ($1 = '' or agency_code = $1) order by id desc",
        )
        .bind(agency.unwrap_or_default())
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                let at = |column: &str| -> Result<Option<String>, sqlx::Error> {
                    Ok(row.try_get::<Option<i64>, _>(column)?.map(format_rfc3339))
                };
                Ok(ApiKeyView {
                    id: row.try_get("id")?,
                    prefix: row.try_get("prefix")?,
                    partner: row.try_get("partner")?,
                    channel: channel_of(row)?,
                    agency: row.try_get("agency_code")?,
                    services: services_of(row)?,
                    created_at: format_rfc3339(row.try_get("created_at")?),
                    last_used_at: at("last_used_at")?,
                    revoked_at: at("revoked_at")?,
                })
            })
            .collect()
    }

    /// Revokes key `id` within `agency` (`None`: any). False when there is no such live key.
    pub async fn revoke_api_key(
        &self,
        id: i64,
        agency: Option<&str>,
        now_ms: i64,
    ) -> Result<bool, sqlx::Error> {
        let _turn = self.write_turn().await;
        let done = sqlx::query(
            "update api_keys set revoked_at = $1 where id = $2 and revoked_at is null \
             and ($3 = '' or agency_code = $3)",
        )
        .bind(now_ms)
        .bind(id)
        .bind(agency.unwrap_or_default())
        .execute(self.pool())
        .await?
        .rows_affected();
        Ok(done == 1)
    }

    /// Gives live key `id` within `agency` a new secret (`key_hash`, `prefix`): the old one
    /// is refused from now on. False when there is no such live key.
    pub async fn rotate_api_key(
        &self,
        id: i64,
        agency: Option<&str>,
        key_hash: &str,
        prefix: &str,
    ) -> Result<bool, sqlx::Error> {
        let _turn = self.write_turn().await;
        let done = sqlx::query(
            "update api_keys set key_hash = $1, prefix = $2, last_used_at = null where id = $3 \
             and revoked_at is null and ($4 = '' or agency_code = $4)",
        )
        .bind(key_hash)
        .bind(prefix)
        .bind(id)
        .bind(agency.unwrap_or_default())
        .execute(self.pool())
        .await?
        .rows_affected();
        Ok(done == 1)
    }
}
