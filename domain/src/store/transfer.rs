//! Merchant data in and out: the metadata keys an export's header needs, imports kept between
//! their preview and their import, and online backups of a SQLite database.

use std::path::Path;
use std::str::FromStr;

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection, Row};

use super::customers::customers_query;
use super::random::object_id;
use super::sql::Sql;
use super::{Backend, Store};
use crate::customer::CustomerFilter;
use crate::customer_csv::{read_import, ImportSummary, StagedImport};
use crate::error::{Error, Result};
use crate::merchant::Tenant;

/// Staged imports not imported within this long are dropped.
const STAGED_IMPORT_LIFETIME_MS: i64 = 24 * 60 * 60 * 1000;

/// What `shika backup` wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backup {
    pub bytes: u64,
    pub customers: i64,
    /// SQLite's `integrity_check` of the copy: `ok` when sound.
    pub integrity: String,
}

impl Store {
    /// Every metadata key that occurs among the customers `filter` matches (its cursor and
    /// limit aside), sorted: the columns an export needs before its first row.
    pub async fn customer_metadata_keys(
        &self,
        tenant: &Tenant,
        filter: &CustomerFilter,
    ) -> Result<Vec<String>> {
        // The same rows as the list, through the list's own conditions.
        let mut sql = Sql::new(match self.backend {
            Backend::Sqlite => {
                "SELECT DISTINCT keys.key FROM customers, json_each(customers.metadata) AS keys \
                 WHERE metadata <> '{}' AND "
            }
            Backend::Postgres => {
                "SELECT DISTINCT keys.key FROM customers, \
                 jsonb_object_keys(customers.metadata::jsonb) AS keys (key) \
                 WHERE metadata <> '{}' AND "
            }
        });
        customers_query(tenant, filter).push_conditions(&mut sql);
        let rows = sql.query().fetch_all(&self.reader).await?;
        let mut keys = rows
            .iter()
            .map(|row| row.try_get::<String, _>(0))
            .collect::<std::result::Result<Vec<_>, _>>()?;
        keys.sort();
        Ok(keys)
    }

    /// Keeps a checked import file until the merchant imports it (or for a day), and answers
    /// its id. Staged imports older than a day are dropped on the way.
    pub async fn stage_import(
        &self,
        tenant: &Tenant,
        file: String,
        summary: &ImportSummary,
    ) -> Result<String> {
        let id = object_id("imp_")?;
        let now = self.now().unix_millis();
        let summary = serde_json::to_string(summary).map_err(|_| Error::Internal)?;
        let mut tx = self.writer.begin().await?;
        sqlx::query("DELETE FROM customer_imports WHERE created_at < $1")
            .bind(now - STAGED_IMPORT_LIFETIME_MS)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO customer_imports (id, merchant_id, mode, file, summary, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&id)
        .bind(&tenant.merchant_id)
        .bind(tenant.mode.as_str())
        .bind(file)
        .bind(summary)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn find_import(&self, tenant: &Tenant, id: &str) -> Result<StagedImport> {
        let row = sqlx::query(
            "SELECT summary, imported FROM customer_imports \
             WHERE id = $1 AND merchant_id = $2 AND mode = $3",
        )
        .bind(id)
        .bind(&tenant.merchant_id)
        .bind(tenant.mode.as_str())
        .fetch_optional(&self.reader)
        .await?
        .ok_or_else(|| Error::not_found("import", id))?;
        let summary: String = row.try_get(0)?;
        Ok(StagedImport {
            id: id.to_owned(),
            summary: serde_json::from_str(&summary).map_err(|_| Error::Internal)?,
            imported: row.try_get(1)?,
        })
    }

    /// Creates every customer of a staged import in one transaction — all or none — and marks
    /// it imported in the same transaction, so that importing it twice creates nothing more.
    /// `progress` hears how many customers are written so far.
    pub async fn run_import(
        &self,
        tenant: &Tenant,
        id: &str,
        mut progress: impl FnMut(usize),
    ) -> Result<StagedImport> {
        let mut tx = self.writer.begin().await?;
        let row = sqlx::query(&format!(
            "SELECT file, imported FROM customer_imports \
             WHERE id = $1 AND merchant_id = $2 AND mode = $3{}",
            self.backend.lock_for_update()
        ))
        .bind(id)
        .bind(&tenant.merchant_id)
        .bind(tenant.mode.as_str())
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| Error::not_found("import", id))?;
        if row.try_get::<Option<i64>, _>(1)?.is_some() {
            drop(tx);
            return self.find_import(tenant, id).await;
        }
        let file: String = row.try_get(0)?;
        let file = read_import(file.as_bytes(), |_| {})
            .map_err(|refused| Error::invalid("file", refused.to_string()))?;
        if let Some(problem) = file.problems.first() {
            return Err(Error::invalid(
                "file",
                format!("Line {}: {}", problem.line, problem.message),
            ));
        }
        // A file lists customers as the dashboard and the export do, newest first: its last
        // row is created first, so an export imports back in its own order.
        let (ids, queued) = self
            .insert_many(
                &mut tx,
                tenant,
                file.customers.into_iter().rev(),
                &mut progress,
            )
            .await?;
        let imported = i64::try_from(ids.len()).map_err(|_| Error::Internal)?;
        // The file is not needed once imported; the summary stays for the result page.
        sqlx::query("UPDATE customer_imports SET imported = $1, file = '' WHERE id = $2")
            .bind(imported)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        self.commit(tx, queued).await?;
        self.find_import(tenant, id).await
    }
}

/// Copies the SQLite database at `url` to a new file `to` while it is in use (`VACUUM INTO`
/// reads one consistent snapshot and blocks no writer), then checks the copy. PostgreSQL has its
/// own tool for this (`pg_dump`), so there this is an error.
pub async fn backup(url: &str, to: &Path) -> Result<Backup, String> {
    match Backend::of_url(url) {
        Ok(Backend::Sqlite) => {}
        Ok(Backend::Postgres) => {
            return Err(
                "shika backup copies SQLite databases; on PostgreSQL use pg_dump \
                        (for example `pg_dump --format=custom \"$DATABASE_URL\" > shika.dump`)"
                    .into(),
            )
        }
        Err(_) => return Err("DATABASE_URL must start with sqlite: or postgres:".into()),
    }
    if to.exists() {
        return Err(format!(
            "{} already exists: give the backup a new file name",
            to.display()
        ));
    }
    let target = to
        .to_str()
        .ok_or("the backup's file name must be UTF-8 text")?;
    let open = |options: std::result::Result<SqliteConnectOptions, sqlx::Error>| async move {
        options
            .map_err(|error| format!("cannot open the database: {error}"))?
            .connect()
            .await
            .map_err(|error| format!("cannot open the database: {error}"))
    };
    // Read-only: a backup never writes to, or creates, the database it copies.
    let mut source = open(SqliteConnectOptions::from_str(url).map(|o| o.read_only(true))).await?;
    sqlx::query("VACUUM INTO $1")
        .bind(target)
        .execute(&mut source)
        .await
        .map_err(|error| format!("the copy failed: {error}"))?;
    source.close().await.ok();

    let mut copy = open(Ok(SqliteConnectOptions::new().filename(to).read_only(true))).await?;
    let integrity: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&mut copy)
        .await
        .map_err(|error| format!("cannot check the copy: {error}"))?;
    let customers: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM customers")
        .fetch_one(&mut copy)
        .await
        .map_err(|error| format!("cannot read the copy: {error}"))?;
    copy.close().await.ok();
    let bytes = std::fs::metadata(to)
        .map_err(|error| format!("cannot read the copy: {error}"))?
        .len();
    Ok(Backup {
        bytes,
        customers,
        integrity,
    })
}
