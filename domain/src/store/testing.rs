//! Fresh databases for tests (feature `testing`): a temporary SQLite file by default or, when
//! `SHIKA_TEST_POSTGRES_URL` names a PostgreSQL server (`make test` starts a throw-away one), a
//! new database on that server. The same tests thus run against either backend.

use std::str::FromStr;

use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection, Executor};
use tempfile::TempDir;

use super::random::base62;
use super::Backend;

/// The variable naming the PostgreSQL server tests create their databases on.
pub const POSTGRES_SERVER: &str = "SHIKA_TEST_POSTGRES_URL";

/// A database of its own for one test. A SQLite file goes with the value; a PostgreSQL database
/// stays on the (throw-away) server.
pub struct TestDatabase {
    pub url: String,
    _dir: Option<TempDir>,
}

impl TestDatabase {
    /// A new empty database on the backend the environment selects. Works inside and outside an
    /// async runtime.
    pub fn new() -> TestDatabase {
        match std::env::var(POSTGRES_SERVER) {
            Ok(server) if !server.is_empty() => TestDatabase::postgres(&server),
            _ => TestDatabase::sqlite(),
        }
    }

    /// A new SQLite file in a temporary directory, whatever the environment says.
    pub fn sqlite() -> TestDatabase {
        let dir = tempfile::tempdir().expect("a temporary directory");
        TestDatabase {
            url: format!("sqlite://{}?mode=rwc", dir.path().join("test.db").display()),
            _dir: Some(dir),
        }
    }

    fn postgres(server: &str) -> TestDatabase {
        let server = server.to_owned();
        // Its own thread and runtime, so callers need not be async nor outside a runtime.
        let url = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime");
            runtime.block_on(async move {
                let options = PgConnectOptions::from_str(&server)
                    .unwrap_or_else(|error| panic!("{POSTGRES_SERVER} is not a URL: {error}"));
                let name = format!("shika_test_{}", base62(16).unwrap().to_lowercase());
                let mut admin = options.connect().await.unwrap_or_else(|error| {
                    panic!("cannot reach the PostgreSQL server in {POSTGRES_SERVER}: {error}")
                });
                admin
                    .execute(format!("CREATE DATABASE {name}").as_str())
                    .await
                    .expect("CREATE DATABASE");
                admin.close().await.ok();
                options.database(&name).to_url_lossy().to_string()
            })
        })
        .join()
        .expect("the database was created");
        TestDatabase { url, _dir: None }
    }

    pub fn backend(&self) -> Backend {
        Backend::of_url(&self.url).expect("a URL the store takes")
    }
}

impl Default for TestDatabase {
    fn default() -> Self {
        TestDatabase::new()
    }
}
