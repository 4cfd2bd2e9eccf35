//! `make bench`: seeds Shika and PocketBase with the same customers, drives both with the same
//! operations at the same concurrency, measures Shika's HTTP ceiling and write floor beside them,
//! and prints one table with every target marked met or missed.
//!
//! Settings (environment): `BENCH_CUSTOMERS` (default 1,000,000), `BENCH_SECONDS` per operation
//! (default 10), `BENCH_CONNECTIONS` (default 64), `BENCH_DATABASE_URL` (a PostgreSQL server for
//! Shika, which makes and drops its own databases there; default: SQLite files in a temporary
//! folder), `SHIKA_BIN`, `POCKETBASE_BIN` (PocketBase is
//! skipped when unset), `SHIKA_SITE` (the built site, default `target/site`), `BENCH_ONLY`
//! (comma-separated operation labels, e.g. `retrieve,list first page`, for profiling one).

mod load;
mod mobile;
mod pocketbase;
mod postgres;
mod process;
mod report;
mod shika;
mod transfer;
mod webhooks;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::process::Command;

use crate::load::Measurement;
use crate::process::{free_addr, Server};

/// The operations both servers are driven with, in the order they run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    Create,
    Retrieve,
    Update,
    ListFirstPage,
    ListByEmail,
    ListDeepPage,
    ListPayments,
    SearchName,
    SearchPhone,
    ListByMetadata,
    Delete,
}

impl Operation {
    pub const ALL: [Operation; 11] = [
        Operation::Create,
        Operation::Retrieve,
        Operation::Update,
        Operation::ListFirstPage,
        Operation::ListByEmail,
        Operation::ListDeepPage,
        Operation::ListPayments,
        Operation::SearchName,
        Operation::SearchPhone,
        Operation::ListByMetadata,
        Operation::Delete,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Operation::Create => "create",
            Operation::Retrieve => "retrieve",
            Operation::Update => "update",
            Operation::ListFirstPage => "list first page",
            Operation::ListByEmail => "list by email",
            Operation::ListDeepPage => "list deep page",
            Operation::ListPayments => "customer's payments",
            Operation::SearchName => "search name~",
            Operation::SearchPhone => "search phone:",
            Operation::ListByMetadata => "list by metadata",
            Operation::Delete => "delete",
        }
    }

    /// Whether PocketBase has the operation too (it has no search of this kind, and no
    /// metadata column to filter on).
    pub fn has_peer(self) -> bool {
        !matches!(
            self,
            Operation::SearchName | Operation::SearchPhone | Operation::ListByMetadata
        )
    }

    pub fn is_write(self) -> bool {
        matches!(
            self,
            Operation::Create | Operation::Update | Operation::Delete
        )
    }
}

/// A well-spread index in `0..len` for request number `n` (splitmix64).
pub fn pick(n: u64, len: usize) -> usize {
    let mut z = n.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z % len.max(1) as u64) as usize
}

/// The seeded customers' ids, oldest first, and what seeding took.
#[derive(Clone)]
pub struct Seeded {
    pub ids: Arc<Vec<String>>,
    pub customers_took: Duration,
    pub took: Duration,
}

impl Seeded {
    pub fn new(ids: Vec<String>, customers_took: Duration, took: Duration) -> Self {
        Seeded {
            ids: Arc::new(ids),
            customers_took,
            took,
        }
    }

    pub fn random_id(&self, n: u64) -> &str {
        &self.ids[pick(n, self.ids.len())]
    }

    pub fn newest(&self) -> &str {
        self.ids.last().map_or("", String::as_str)
    }

    /// The cursor 900,000 rows down the newest-first list (or 90 % down a smaller one).
    pub fn deep_index(&self) -> usize {
        let len = self.ids.len();
        len.saturating_sub(1 + (len * 9 / 10).min(900_000))
    }

    pub fn deep_cursor(&self) -> &str {
        &self.ids[self.deep_index()]
    }

    /// The `n`th customer to delete: each one once, from the middle of the list (away from the
    /// deep cursor and the newest customers); `None` when they run out.
    pub fn to_delete(&self, n: u64) -> Option<&str> {
        let start = self.ids.len() / 4;
        let index = start + usize::try_from(n).ok()?;
        (index < self.ids.len() * 3 / 4).then(|| self.ids[index].as_str())
    }
}

struct Settings {
    customers: usize,
    postgres: Option<String>,
    duration: Duration,
    connections: usize,
    shika_bin: PathBuf,
    pocketbase_bin: Option<PathBuf>,
    site: PathBuf,
    operations: Vec<Operation>,
}

fn settings() -> Settings {
    let number = |name: &str, default: usize| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.replace('_', "").parse().ok())
            .unwrap_or(default)
    };
    Settings {
        customers: number("BENCH_CUSTOMERS", 1_000_000).max(1_000),
        postgres: std::env::var("BENCH_DATABASE_URL")
            .ok()
            .filter(|url| !url.is_empty()),
        duration: Duration::from_secs(number("BENCH_SECONDS", 10) as u64),
        connections: number("BENCH_CONNECTIONS", 64),
        shika_bin: std::env::var_os("SHIKA_BIN")
            .map(PathBuf::from)
            .unwrap_or_else(|| "target/release/shika".into()),
        pocketbase_bin: std::env::var_os("POCKETBASE_BIN").map(PathBuf::from),
        site: std::env::var_os("SHIKA_SITE")
            .map(PathBuf::from)
            .unwrap_or_else(|| "target/site".into()),
        operations: match std::env::var("BENCH_ONLY") {
            Ok(only) => Operation::ALL
                .into_iter()
                .filter(|op| only.split(',').any(|label| label.trim() == op.label()))
                .collect(),
            Err(_) => Operation::ALL.to_vec(),
        },
    }
}

/// Everything the report shows.
pub struct Results {
    /// Shika's database engine and version.
    pub database: String,
    pub customers: usize,
    pub connections: usize,
    pub duration: Duration,
    pub shika_seed: Seeded,
    pub peer_seed: Option<Seeded>,
    pub shika: Vec<(Operation, Measurement)>,
    pub peer: Vec<(Operation, Measurement)>,
    pub ceiling: Measurement,
    pub floor: Measurement,
    pub ssr: Measurement,
    /// The same page for a browser that accepts brotli.
    pub ssr_compressed: Measurement,
    /// `/customers` in a throttled Chromium, cold and warm (`None` when it could not run).
    pub mobile: Option<mobile::MobileVisits>,
    pub shika_rss_mb: Option<f64>,
    pub peer_rss_mb: Option<f64>,
    pub browser_bytes: Option<(u64, u64)>,
    pub browser_brotli_bytes: Option<u64>,
    pub transfer: transfer::TransferResults,
    /// Creates on the same database once the search indexes are dropped: what keeping them
    /// costs.
    pub create_without_search_indexes: Option<Measurement>,
    /// The writes again with a webhook endpoint taking every customer event, and the deliveries.
    pub with_endpoint: Option<webhooks::WithEndpoint>,
}

#[tokio::main]
async fn main() {
    let settings = settings();
    let work = tempfile::tempdir().expect("a work folder");
    let sqlite = |name: &str| format!("sqlite://{}?mode=rwc", work.path().join(name).display());
    let postgres = match &settings.postgres {
        Some(server) => Some((
            postgres::BenchDatabase::create(server, "shika_bench").await,
            postgres::BenchDatabase::create(server, "shika_bench_floor").await,
        )),
        None => None,
    };
    let (url, floor_url) = match &postgres {
        Some((shika, floor)) => (shika.url.clone(), floor.url.clone()),
        None => (sqlite("shika.db"), sqlite("floor.db")),
    };
    eprintln!(
        "bench: {} customers, {} connections, {} s per operation",
        settings.customers,
        settings.connections,
        settings.duration.as_secs()
    );

    eprintln!("bench: seeding Shika…");
    let data = shika::seed(&url, settings.customers).await;
    if let Some((shika, _)) = &postgres {
        shika.analyze().await;
    }
    eprintln!(
        "bench: seeded Shika on {} in {:.1} s ({:.1} s for the customers)",
        data.database,
        data.seeded.took.as_secs_f64(),
        data.seeded.customers_took.as_secs_f64()
    );

    eprintln!("bench: write floor…");
    let floor = shika::write_floor(&floor_url, settings.connections, settings.duration).await;

    let addr = free_addr();
    let mut command = Command::new(&settings.shika_bin);
    command
        .args(["serve", "--bench-ceiling", "--addr", &addr.to_string()])
        .env("DATABASE_URL", &url)
        .env("SHIKA_RATE_LIMIT", "0")
        // The webhook receiver is on 127.0.0.1.
        .env("SHIKA_WEBHOOK_ALLOW_PRIVATE", "1")
        // Request logs off, as for the peer.
        .env("RUST_LOG", "warn");
    let server = Server::start(command, addr, "/healthz", &work.path().join("shika.log")).await;
    eprintln!("bench: Shika ceiling…");
    let ceiling = load::drive(
        addr,
        settings.connections,
        settings.duration,
        shika::ceiling(),
    )
    .await;
    let mut shika_results = Vec::new();
    for &operation in &settings.operations {
        eprintln!("bench: Shika {}…", operation.label());
        let measured = load::drive(
            addr,
            settings.connections,
            settings.duration,
            shika::requests(operation, &data),
        )
        .await;
        shika_results.push((operation, measured));
    }
    let with_endpoint = if settings.operations.iter().any(|op| op.is_write()) {
        Some(
            webhooks::measure(
                &url,
                addr,
                &data,
                &shika_results,
                settings.connections,
                settings.duration,
            )
            .await,
        )
    } else {
        None
    };
    eprintln!("bench: Shika dashboard SSR…");
    let ssr = load::drive(
        addr,
        1,
        settings.duration / 2,
        shika::dashboard_list(&data.session, false),
    )
    .await;
    let ssr_compressed = load::drive(
        addr,
        1,
        settings.duration / 2,
        shika::dashboard_list(&data.session, true),
    )
    .await;
    eprintln!("bench: /customers in Chromium on a slow mobile profile…");
    let mobile = mobile::measure(addr, &data.session).await;
    // Before the export and import, whose memory is reported on its own.
    let shika_rss_mb = server.peak_rss_mb();
    eprintln!("bench: Shika CSV export and import…");
    let transfer = transfer::measure(addr, server.pid(), &data.session, 100_000).await;
    server.stop().await;
    let create_without_search_indexes = if settings.operations.contains(&Operation::Create) {
        eprintln!("bench: Shika create without the search indexes…");
        shika::drop_search_indexes(&url).await;
        let mut command = Command::new(&settings.shika_bin);
        command
            .args(["serve", "--addr", &addr.to_string()])
            .env("DATABASE_URL", &url)
            .env("SHIKA_RATE_LIMIT", "0")
            .env("RUST_LOG", "warn");
        let server = Server::start(
            command,
            addr,
            "/healthz",
            &work.path().join("shika-bare.log"),
        )
        .await;
        let measured = load::drive(
            addr,
            settings.connections,
            settings.duration,
            shika::requests(Operation::Create, &data),
        )
        .await;
        server.stop().await;
        Some(measured)
    } else {
        None
    };
    if let Some((shika, floor)) = postgres {
        shika.drop().await;
        floor.drop().await;
    }

    let (peer_seed, peer, peer_rss_mb) = match &settings.pocketbase_bin {
        Some(bin) => {
            let (seeded, measured, rss) = run_pocketbase(bin, work.path(), &settings).await;
            (Some(seeded), measured, rss)
        }
        None => (None, Vec::new(), None),
    };

    let results = Results {
        database: data.database.clone(),
        customers: settings.customers,
        connections: settings.connections,
        duration: settings.duration,
        shika_seed: data.seeded,
        peer_seed,
        shika: shika_results,
        peer,
        ceiling,
        floor,
        ssr,
        ssr_compressed,
        mobile,
        shika_rss_mb,
        peer_rss_mb,
        browser_bytes: report::browser_bytes(&settings.site),
        browser_brotli_bytes: report::brotli_bytes(&settings.site),
        transfer,
        create_without_search_indexes,
        with_endpoint,
    };
    print!("{}", report::render(&results));
}

async fn run_pocketbase(
    bin: &std::path::Path,
    work: &std::path::Path,
    settings: &Settings,
) -> (Seeded, Vec<(Operation, Measurement)>, Option<f64>) {
    let (dir, migrations) = (work.join("pb_data"), work.join("pb_migrations"));
    pocketbase::write_migration(&migrations);
    let migrated = Command::new(bin)
        .args(["migrate", "up", "--dir"])
        .arg(&dir)
        .arg("--migrationsDir")
        .arg(&migrations)
        .output()
        .await
        .expect("pocketbase runs");
    assert!(
        migrated.status.success(),
        "pocketbase migrate failed: {}",
        String::from_utf8_lossy(&migrated.stderr)
    );
    eprintln!("bench: seeding PocketBase…");
    let seeded = pocketbase::seed(&dir.join("data.db"), settings.customers).await;
    let addr = free_addr();
    let mut command = Command::new(bin);
    command
        .args(["serve", "--http", &addr.to_string(), "--dir"])
        .arg(&dir)
        .arg("--migrationsDir")
        .arg(&migrations);
    let server = Server::start(command, addr, "/api/health", &work.join("pocketbase.log")).await;
    let mut measured = Vec::new();
    for &operation in settings.operations.iter().filter(|op| op.has_peer()) {
        eprintln!("bench: PocketBase {}…", operation.label());
        let result = load::drive(
            addr,
            settings.connections,
            settings.duration,
            pocketbase::requests(operation, &seeded),
        )
        .await;
        measured.push((operation, result));
    }
    let rss = server.peak_rss_mb();
    server.stop().await;
    (seeded, measured, rss)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_spread_over_the_whole_range() {
        let picks: std::collections::HashSet<_> = (0..10_000).map(|n| pick(n, 100)).collect();
        assert_eq!(picks.len(), 100);
        assert!((0..1000).all(|n| pick(n, 7) < 7));
    }

    #[test]
    fn each_customer_is_deleted_at_most_once_and_never_the_cursor() {
        let ids = (0..1000).map(|n| format!("cus_{n}")).collect();
        let seeded = Seeded::new(ids, Duration::ZERO, Duration::ZERO);
        let deleted: Vec<_> = (0..).map_while(|n| seeded.to_delete(n)).collect();
        assert_eq!(deleted.len(), 500);
        assert!(!deleted.contains(&seeded.deep_cursor()));
        assert!(!deleted.contains(&seeded.newest()));
        assert_eq!(seeded.deep_index(), 99);
    }
}
