//! Upload records. The files themselves live in the object store; these rows say what
//! each file is, what it was uploaded for, and which request it belongs to.

use sqlx::Row;

use super::Store;

/// An upload as recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewUpload<'a> {
    pub id: &'a str,
    pub service_code: &'a str,
    pub field_id: &'a str,
    pub kind: &'a str,
    pub size: i64,
    pub created_at: i64,
}

impl Store {
    pub async fn insert_upload(&self, upload: &NewUpload<'_>) -> Result<(), sqlx::Error> {
        let _turn = self.write_turn().await;
        sqlx::query(
            "insert into uploads (id, service_code, field_id, kind, size, created_at) values ($1, $2, $3, $4, $5, $6)",
        )
        .bind(upload.id)
        .bind(upload.service_code)
        .bind(upload.field_id)
        .bind(upload.kind)
        .bind(upload.size)
        .bind(upload.created_at)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Uploads never linked to a request and older than `before_ms`, oldest first.
    pub async fn unattached_uploads(
        &self,
        before_ms: i64,
        limit: i64,
    ) -> Result<Vec<String>, sqlx::Error> {
        let rows = sqlx::query(
            "select id from uploads where request_id is null and created_at < $1 order by created_at limit $2",
        )
        .bind(before_ms)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(|r| r.try_get("id")).collect()
    }

    /// Forgets an upload, unless a request claimed it meanwhile. True when deleted.
    pub async fn delete_unattached_upload(&self, id: &str) -> Result<bool, sqlx::Error> {
        let _turn = self.write_turn().await;
        let done = sqlx::query("delete from uploads where id = $1 and request_id is null")
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected() == 1)
    }
}
