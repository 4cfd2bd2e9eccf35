//! Shika on PostgreSQL (`BENCH_DATABASE_URL`): each run makes fresh databases on that server
//! (so the role needs CREATEDB) and drops them afterwards, and gathers the planner's statistics
//! after seeding, as autovacuum would on a server that has been running.

use std::str::FromStr;

use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection, Executor};

pub struct BenchDatabase {
    server: PgConnectOptions,
    name: String,
    pub url: String,
}

impl BenchDatabase {
    /// A new empty database `name` on the server `server_url` names.
    pub async fn create(server_url: &str, name: &str) -> BenchDatabase {
        let server = PgConnectOptions::from_str(server_url).expect("BENCH_DATABASE_URL is a URL");
        let mut admin = server
            .connect()
            .await
            .expect("the PostgreSQL server answers");
        admin
            .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
            .await
            .expect("an old bench database dropped");
        admin
            .execute(format!("CREATE DATABASE {name}").as_str())
            .await
            .expect("CREATE DATABASE (the role needs CREATEDB)");
        admin.close().await.ok();
        let url = server.clone().database(name).to_url_lossy().to_string();
        BenchDatabase {
            server,
            name: name.to_owned(),
            url,
        }
    }

    /// Gathers the planner's statistics for every table.
    pub async fn analyze(&self) {
        let mut connection = PgConnectOptions::from_str(&self.url)
            .expect("a URL")
            .connect()
            .await
            .expect("the bench database answers");
        connection.execute("ANALYZE").await.expect("ANALYZE");
        connection.close().await.ok();
    }

    pub async fn drop(self) {
        if let Ok(mut admin) = self.server.connect().await {
            let drop = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
            admin.execute(drop.as_str()).await.ok();
            admin.close().await.ok();
        }
    }
}
