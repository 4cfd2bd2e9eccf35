//! The database behind the domain: every SQL statement of Shika lives below this module.
//!
//! Two backends, chosen at start-up by the URL: SQLite (`sqlite://…`, the default: one process
//! owns the file) and PostgreSQL (`postgres://…`: any number of `shika` processes share the
//! server). Both run through sqlx's `Any` driver, so one body of SQL serves both: `$n`
//! placeholders, BIGINT milliseconds, TEXT modes, row-value comparisons, `ON CONFLICT` upserts.
//! Where the engines must differ (row locks, version queries) [`Backend`] says how.
//!
//! SQLite runs in WAL mode with foreign keys on and a busy timeout. Writes go through a pool of
//! one connection (SQLite has one writer at a time anyway; queuing in the pool is cheaper than
//! lock retries), reads through a pool of several. On both, changes go through one write path
//! that commits what queued while the writer was busy together (`writes`). Because one process owns a SQLite database
//! it also keeps some state to itself ([`SingleProcess`]): verified API keys are remembered until
//! a key is rolled, and the API's rate limit is counted in memory. On PostgreSQL all of that
//! lives in the database, so processes share it.

mod customers;
mod events;
mod idempotency;
mod list;
mod merchants;
mod payments;
mod random;
mod rate_limits;
mod search;
mod sessions;
mod sql;
mod subscriptions;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
mod transfer;
mod webhooks;
mod writes;

use std::str::FromStr;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use sqlx::any::AnyPoolOptions;
use sqlx::any::AnyRow;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode};
use sqlx::{Any, AnyPool, ConnectOptions, Connection, Executor};
use tokio::sync::Notify;

use crate::error::{Error, Result};
use crate::health::DatabaseHealth;
use crate::timestamp::Timestamp;

pub use merchants::hash_secret;
pub use random::object_id as new_id;
pub use rate_limits::{Admission, RateLimit};
pub use sessions::SESSION_LIFETIME_MS;
pub use transfer::{backup, Backup};
pub use webhooks::{DueDelivery, DELIVERY_LEASE};

/// The database every door of Shika shares. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    backend: Backend,
    writer: AnyPool,
    /// On PostgreSQL the same pool as `writer`.
    reader: AnyPool,
    clock: Arc<Clock>,
    /// The secret that keys the digests of API keys.
    key_secret: Arc<[u8]>,
    /// The one write path: see [`writes`].
    writers: Arc<writes::Writers>,
    /// What this process keeps to itself; only on SQLite.
    single_process: Option<Arc<SingleProcess>>,
    /// Woken when a change has queued webhook deliveries (see [`Store::deliveries_queued`]).
    deliveries: Arc<Notify>,
    /// Whether endpoints may be on private networks (see [`Store::allow_private_webhooks`]).
    allow_private_webhooks: bool,
}

/// Which database engine a store runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The backend a database URL names: `sqlite:…` or `postgres:…` / `postgresql:…`.
    pub fn of_url(url: &str) -> Result<Backend> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Ok(Backend::Postgres)
        } else {
            tracing::error!("DATABASE_URL must start with sqlite: or postgres:");
            Err(Error::Internal)
        }
    }

    /// Appended to a `SELECT` inside a write that must not race a concurrent delete of the row it
    /// reads. SQLite needs none: its one writer runs writes one at a time.
    fn lock_shared(self) -> &'static str {
        match self {
            Backend::Sqlite => "",
            Backend::Postgres => " FOR SHARE",
        }
    }

    /// Appended to a `SELECT` whose row the same transaction then writes.
    fn lock_for_update(self) -> &'static str {
        match self {
            Backend::Sqlite => "",
            Backend::Postgres => " FOR UPDATE",
        }
    }
}

/// State a process may keep in memory only because it is the one process on its database.
struct SingleProcess {
    verified_keys: merchants::VerifiedKeys,
    request_counts: rate_limits::RequestCounts,
}

/// Connections per process on PostgreSQL; N processes use up to N times this many of the
/// server's `max_connections` (100 by default).
const POSTGRES_POOL_SIZE: u32 = 16;

impl Store {
    /// Opens (creating if needed) and migrates the database at `url`, e.g.
    /// `sqlite://shika.db?mode=rwc` or `postgres://shika@db.internal/shika`, with the key-hashing
    /// secret kept in the database.
    pub async fn open(url: &str) -> Result<Self> {
        Store::open_with_key_secret(url, None).await
    }

    /// Like `open`; `key_secret` (when given) keys the digests of API keys instead of a secret
    /// generated and kept in the database, so the database alone cannot verify a key.
    pub async fn open_with_key_secret(url: &str, key_secret: Option<&str>) -> Result<Self> {
        let backend = Backend::of_url(url)?;
        let writer = open_writer_for(backend, url).await?;
        // What differs by backend: the migrations, where reads go, where the writers write,
        // and what only a single process may keep to itself.
        let (reader, writer_pool, single_process) = match backend {
            Backend::Sqlite => {
                sqlx::migrate!("../migrations/sqlite").run(&writer).await?;
                let single_process = SingleProcess {
                    verified_keys: merchants::VerifiedKeys::default(),
                    request_counts: rate_limits::RequestCounts::default(),
                };
                (
                    sqlite_pool(url, 4).await?,
                    writes::WriterPool::Shared(writer.clone()),
                    Some(Arc::new(single_process)),
                )
            }
            Backend::Postgres => {
                // The migrator holds an advisory lock, so processes starting together migrate
                // once.
                sqlx::migrate!("../migrations/postgres")
                    .run(&writer)
                    .await?;
                (
                    writer.clone(),
                    writes::WriterPool::Own(url.to_owned()),
                    None,
                )
            }
        };
        customers::fill_in_phone_e164(&writer).await?;
        let key_secret: Arc<[u8]> = match key_secret {
            Some(secret) => secret.as_bytes().into(),
            None => generated_key_secret(&writer).await?.into_bytes().into(),
        };
        let clock = Arc::new(Clock::default());
        let deliveries = Arc::new(Notify::new());
        let writers = Arc::new(writes::Writers::start(
            writer_pool,
            backend,
            clock.clone(),
            deliveries.clone(),
        )?);
        Ok(Store {
            backend,
            writer,
            reader,
            clock,
            key_secret,
            writers,
            single_process,
            deliveries,
            allow_private_webhooks: false,
        })
    }

    /// Lets webhook endpoints be on loopback and private networks (`SHIKA_WEBHOOK_ALLOW_PRIVATE`:
    /// for tests and private deployments); by default they must be public.
    pub fn allow_private_webhooks(mut self, allow: bool) -> Self {
        self.allow_private_webhooks = allow;
        self
    }

    /// Whether endpoints may be on private networks.
    pub fn private_webhooks_allowed(&self) -> bool {
        self.allow_private_webhooks
    }

    /// Resolves once a change has queued webhook deliveries since the last call: the delivery
    /// worker waits on it between polls.
    pub async fn deliveries_queued(&self) {
        self.deliveries.notified().await;
    }

    /// Commits a change's transaction, then wakes the delivery worker if it queued deliveries.
    async fn commit(&self, tx: sqlx::Transaction<'_, Any>, queued: usize) -> Result<()> {
        tx.commit().await?;
        if queued > 0 {
            self.deliveries.notify_one();
        }
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Closes both pools, waiting for connections in use to come back.
    pub async fn close(&self) {
        self.writer.close().await;
        self.reader.close().await;
    }

    pub async fn health(&self) -> Result<DatabaseHealth> {
        let (backend, query) = match self.backend {
            Backend::Sqlite => ("sqlite", "SELECT sqlite_version()"),
            Backend::Postgres => ("postgres", "SHOW server_version"),
        };
        let version: String = sqlx::query_scalar(query).fetch_one(&self.reader).await?;
        Ok(DatabaseHealth {
            backend: backend.into(),
            version,
        })
    }

    /// SQLite's own consistency check of the file: `Some("ok")` when it is sound. PostgreSQL
    /// keeps its files to itself (a client crash cannot tear them), so there it is `None`.
    pub async fn integrity_check(&self) -> Result<Option<String>> {
        match self.backend {
            Backend::Sqlite => Ok(Some(
                sqlx::query_scalar("PRAGMA integrity_check")
                    .fetch_one(&self.writer)
                    .await?,
            )),
            Backend::Postgres => Ok(None),
        }
    }

    /// The time to stamp on a new or changed object: never earlier than one stamped before,
    /// so creation order and `created_at` order agree even if the wall clock steps back.
    fn now(&self) -> Timestamp {
        self.clock.tick()
    }
}

/// The pool the store writes through, opened on its own: on SQLite one connection (see
/// [`Store`]), on PostgreSQL [`POSTGRES_POOL_SIZE`]. The bench's write floor writes through it
/// too, without the store.
pub async fn open_writer(url: &str) -> Result<AnyPool> {
    open_writer_for(Backend::of_url(url)?, url).await
}

async fn open_writer_for(backend: Backend, url: &str) -> Result<AnyPool> {
    sqlx::any::install_default_drivers();
    match backend {
        Backend::Sqlite => {
            // Created if missing and switched to WAL (a setting the file keeps) through the
            // native driver, once: the `Any` driver takes only a URL.
            SqliteConnectOptions::from_str(url)
                .map_err(|error| {
                    tracing::error!(%error, "invalid DATABASE_URL");
                    Error::Internal
                })?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .connect()
                .await?
                .close()
                .await?;
            sqlite_pool(url, 1).await
        }
        Backend::Postgres => Ok(AnyPoolOptions::new()
            .max_connections(POSTGRES_POOL_SIZE)
            .connect(url)
            .await?),
    }
}

/// A pool of `size` connections to an existing SQLite database; each connection sets what
/// lasts only as long as it does.
async fn sqlite_pool(url: &str, size: u32) -> Result<AnyPool> {
    Ok(AnyPoolOptions::new()
        .max_connections(size)
        // A connection to a local file does not go stale: pinging it before each use would only
        // add a round trip to its thread to every read and every group of writes.
        .test_before_acquire(false)
        .after_connect(|connection, _| {
            Box::pin(async move {
                connection
                    .execute(
                        "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; \
                         PRAGMA busy_timeout = 10000;",
                    )
                    .await?;
                Ok(())
            })
        })
        .connect(url)
        .await?)
}

/// The key-hashing secret made on first start, the same for every process on this database.
async fn generated_key_secret(writer: &AnyPool) -> Result<String> {
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
    executor: impl sqlx::Executor<'e, Database = sqlx::Any>,
    (table, object, columns): (&str, &str, &str),
    tenant: &crate::merchant::Tenant,
    id: &str,
    map: fn(&AnyRow) -> Result<T>,
) -> Result<T> {
    find_one_locked(executor, (table, object, columns), tenant, id, "", map).await
}

/// `find_one` with a locking clause (see [`Backend`]) after the query.
async fn find_one_locked<'e, T>(
    executor: impl sqlx::Executor<'e, Database = sqlx::Any>,
    (table, object, columns): (&str, &str, &str),
    tenant: &crate::merchant::Tenant,
    id: &str,
    lock: &str,
    map: fn(&AnyRow) -> Result<T>,
) -> Result<T> {
    let row = sqlx::query(&format!(
        "SELECT {columns} FROM {table} WHERE id = $1 AND merchant_id = $2 AND mode = $3{lock}"
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
mod events_tests;
#[cfg(test)]
mod search_tests;
#[cfg(test)]
mod tests;
