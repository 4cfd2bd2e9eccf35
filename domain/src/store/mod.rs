//! The database behind the domain: every SQL statement of Shika lives below this module.
//!
//! SQLite runs in WAL mode with foreign keys on and a busy timeout. Writes go through a pool of
//! one connection (SQLite has one writer at a time anyway; queuing in the pool is cheaper than
//! lock retries), reads through a pool of several. New customers are written in batches by a
//! worker thread (see `customers::CustomerInserts`), and verified API keys are remembered in
//! memory until a key is rolled. The SQL sticks to what PostgreSQL runs too:
//! `$n` placeholders, BIGINT milliseconds, TEXT modes, row-value comparisons.

mod customers;
mod idempotency;
mod list;
mod merchants;
mod payments;
mod random;
mod sessions;
mod subscriptions;

use std::str::FromStr;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;

use crate::error::{Error, Result};
use crate::health::DatabaseHealth;
use crate::timestamp::Timestamp;

pub use merchants::hash_secret;
pub use random::object_id as new_id;
pub use sessions::SESSION_LIFETIME_MS;

/// The database every door of Shika shares. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    writer: SqlitePool,
    reader: SqlitePool,
    clock: Arc<Clock>,
    /// The secret that keys the digests of API keys.
    key_secret: Arc<[u8]>,
    verified_keys: Arc<merchants::VerifiedKeys>,
    customer_inserts: Arc<customers::CustomerInserts>,
}

impl Store {
    /// Opens (creating if needed) and migrates the database at `url`, e.g.
    /// `sqlite://shika.db?mode=rwc`, with the key-hashing secret kept in the database.
    pub async fn open(url: &str) -> Result<Self> {
        Store::open_with_key_secret(url, None).await
    }

    /// Like `open`; `key_secret` (when given) keys the digests of API keys instead of a secret
    /// generated and kept in the database, so the database alone cannot verify a key.
    pub async fn open_with_key_secret(url: &str, key_secret: Option<&str>) -> Result<Self> {
        let options = connect_options(url)?;
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options.clone())
            .await?;
        sqlx::migrate!("../migrations/sqlite").run(&writer).await?;
        let reader = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await?;
        let key_secret: Arc<[u8]> = match key_secret {
            Some(secret) => secret.as_bytes().into(),
            None => generated_key_secret(&writer).await?.into_bytes().into(),
        };
        let clock = Arc::new(Clock::default());
        Ok(Store {
            customer_inserts: Arc::new(customers::CustomerInserts::start(
                writer.clone(),
                clock.clone(),
            )?),
            writer,
            reader,
            clock,
            key_secret,
            verified_keys: Arc::default(),
        })
    }

    /// Closes both pools, waiting for connections in use to come back.
    pub async fn close(&self) {
        self.writer.close().await;
        self.reader.close().await;
    }

    pub async fn health(&self) -> Result<DatabaseHealth> {
        let version: String = sqlx::query_scalar("SELECT sqlite_version()")
            .fetch_one(&self.reader)
            .await?;
        Ok(DatabaseHealth {
            backend: "sqlite".into(),
            version,
        })
    }

    /// SQLite's own consistency check: `ok` when the file is sound.
    pub async fn integrity_check(&self) -> Result<String> {
        Ok(sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_one(&self.writer)
            .await?)
    }

    /// The time to stamp on a new or changed object: never earlier than one stamped before,
    /// so creation order and `created_at` order agree even if the wall clock steps back.
    fn now(&self) -> Timestamp {
        self.clock.tick()
    }
}

/// How every connection to the database at `url` is opened: created if missing, WAL, `NORMAL`
/// syncing, foreign keys on, and a busy timeout. (The bench's write floor opens its own
/// connection with these too.)
pub fn connect_options(url: &str) -> Result<SqliteConnectOptions> {
    Ok(SqliteConnectOptions::from_str(url)
        .map_err(|error| {
            tracing::error!(%error, "invalid DATABASE_URL");
            Error::Internal
        })?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10)))
}

/// The key-hashing secret made on first start, the same for every process on this database.
async fn generated_key_secret(writer: &SqlitePool) -> Result<String> {
    sqlx::query("INSERT INTO settings (name, value) VALUES ('api_key_secret', $1) ON CONFLICT (name) DO NOTHING")
        .bind(random::base62(43)?)
        .execute(writer)
        .await?;
    Ok(
        sqlx::query_scalar("SELECT value FROM settings WHERE name = 'api_key_secret'")
            .fetch_one(writer)
            .await?,
    )
}

#[derive(Default)]
struct Clock {
    last: AtomicI64,
}

impl Clock {
    fn tick(&self) -> Timestamp {
        let now = Timestamp::now().unix_millis();
        let previous = self.last.fetch_max(now, Ordering::Relaxed);
        Timestamp::from_unix_millis(now.max(previous)).unwrap_or_else(Timestamp::now)
    }
}

/// One of the tenant's objects by id, or `NotFound` — also when it belongs to someone else.
async fn find_one<'e, T>(
    executor: impl sqlx::SqliteExecutor<'e>,
    (table, object, columns): (&str, &str, &str),
    tenant: &crate::merchant::Tenant,
    id: &str,
    map: fn(&sqlx::sqlite::SqliteRow) -> Result<T>,
) -> Result<T> {
    let row = sqlx::query(&format!(
        "SELECT {columns} FROM {table} WHERE id = $1 AND merchant_id = $2 AND mode = $3"
    ))
    .bind(id)
    .bind(&tenant.merchant_id)
    .bind(tenant.mode.as_str())
    .fetch_optional(executor)
    .await?;
    match row {
        Some(row) => map(&row),
        None => Err(Error::not_found(object, id)),
    }
}

/// Reads a stored millisecond value back as a timestamp.
fn stored_time(millis: i64) -> Result<Timestamp> {
    Timestamp::from_unix_millis(millis).ok_or_else(|| {
        tracing::error!(millis, "stored timestamp out of range");
        Error::Internal
    })
}

/// Reads stored metadata JSON back.
fn stored_metadata(json: &str) -> Result<crate::fields::Metadata> {
    serde_json::from_str(json).map_err(|error| {
        tracing::error!(%error, "stored metadata is not valid JSON");
        Error::Internal
    })
}

fn metadata_json(metadata: &crate::fields::Metadata) -> String {
    serde_json::to_string(metadata).unwrap_or_else(|_| "{}".into())
}

#[cfg(test)]
mod tests;
