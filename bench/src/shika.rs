//! Shika's side of the run: seeding its database through the store, the operations as REST
//! requests, the write floor (single-row inserts through the store's writer pool, no HTTP) and
//! the dashboard's SSR.

use std::sync::Arc;
use std::time::{Duration, Instant};

use domain::store::Store;
use domain::{
    CustomerForCreate, Email, MerchantForCreate, Metadata, Mode, Name, PaymentForCreate, Phone,
    SubscriptionForCreate, Tenant,
};
use http::Method;
use serde_json::json;

use crate::load::{self, Measurement, RequestFactory};
use crate::{pick, Operation, Seeded};

/// Customers per import transaction.
const BATCH: usize = 50_000;

pub struct ShikaData {
    /// The database engine and its version, e.g. `postgres 15.18`.
    pub database: String,
    pub seeded: Seeded,
    pub key: String,
    pub session: String,
}

/// The customer as the seed shows it, numbered.
fn customer(number: usize) -> CustomerForCreate {
    CustomerForCreate {
        email: Email::parse(&format!("customer{number}@example.com")).ok(),
        name: Name::parse(&format!("Customer {number}")).ok(),
        phone: Phone::parse(&phone(number)).ok(),
        metadata: Metadata::from_json(&json!({ "user_id": number.to_string() }))
            .unwrap_or_default(),
    }
}

/// Customer `number`'s phone number, a different MTN one for each: `024` and seven digits.
fn phone(number: usize) -> String {
    format!("024{:07}", number % 10_000_000)
}

fn body(value: serde_json::Value) -> serde_json::Map<String, serde_json::Value> {
    value.as_object().cloned().unwrap_or_default()
}

/// Fills a fresh database at `url` with `count` customers of one merchant (newest last), and
/// payments and a subscription for the newest thousand.
pub async fn seed(url: &str, count: usize) -> ShikaData {
    let store = Store::open(url).await.expect("the bench database opens");
    let input = MerchantForCreate::parse("Bench Shop", "bench@example.com", "bench password")
        .expect("a valid merchant");
    let (merchant, test_key, _) = store.create_merchant(input).await.expect("a merchant");
    let tenant = Tenant {
        merchant_id: merchant.id.clone(),
        mode: Mode::Test,
    };
    let started = Instant::now();
    let mut ids = Vec::with_capacity(count);
    for start in (0..count).step_by(BATCH) {
        let end = (start + BATCH).min(count);
        let batch = store
            .import_customers(&tenant, (start..end).map(customer))
            .await
            .expect("an import");
        ids.extend(batch);
    }
    let customers_took = started.elapsed();
    let newest: Vec<&String> = ids.iter().rev().take(1000).collect();
    for (n, id) in newest.iter().enumerate() {
        for amount in 0..10 {
            let payment = PaymentForCreate::from_json(&body(json!({
                "amount": 1000 + amount, "customer": id, "description": format!("Order {n}-{amount}")
            })))
            .expect("a valid payment");
            store
                .insert_payment(&tenant, payment)
                .await
                .expect("a payment");
        }
        let subscription = SubscriptionForCreate::from_json(&body(json!({
            "customer": id, "amount": 2500, "interval": "month"
        })))
        .expect("a valid subscription");
        store
            .insert_subscription(&tenant, subscription)
            .await
            .expect("a subscription");
    }
    let session = store.create_session(&merchant.id).await.expect("a session");
    let health = store.health().await.expect("the database answers");
    store.close().await;
    ShikaData {
        database: format!("{} {}", health.backend, health.version),
        seeded: Seeded::new(ids, customers_took, started.elapsed()),
        key: test_key.secret,
        session,
    }
}

/// The REST request for `operation`, number `n`.
pub fn requests(operation: Operation, data: &ShikaData) -> RequestFactory {
    let seeded = data.seeded.clone();
    let auth = format!("Bearer {}", data.key);
    Arc::new(move |n| {
        let (method, uri, body) = match operation {
            Operation::Create => (
                Method::POST,
                "/v1/customers".to_owned(),
                Some(
                    json!({"email": format!("new{n}@example.com"), "name": "New Customer",
                            "phone": "0241234567", "metadata": {"user_id": n.to_string()}}),
                ),
            ),
            Operation::Retrieve => (
                Method::GET,
                format!("/v1/customers/{}", seeded.random_id(n)),
                None,
            ),
            Operation::Update => (
                Method::PATCH,
                format!("/v1/customers/{}", seeded.random_id(n)),
                Some(json!({"name": format!("Renamed {n}"), "metadata": {"vip": "true"}})),
            ),
            Operation::ListFirstPage => (Method::GET, "/v1/customers?limit=10".to_owned(), None),
            Operation::ListByEmail => (
                Method::GET,
                format!(
                    "/v1/customers?limit=10&email=customer{}%40example.com",
                    pick(n, seeded.ids.len())
                ),
                None,
            ),
            Operation::ListDeepPage => (
                Method::GET,
                format!(
                    "/v1/customers?limit=10&starting_after={}",
                    seeded.deep_cursor()
                ),
                None,
            ),
            Operation::ListPayments => (
                Method::GET,
                format!("/v1/customers/{}/payments?limit=10", seeded.newest()),
                None,
            ),
            // Five digits of a customer's number: part of the names of about twenty
            // ("Customer 54321", "Customer 154321", …, "Customer 543210"), as a merchant would
            // type part of a name.
            Operation::SearchName => (
                Method::GET,
                format!(
                    "/v1/customers/search?limit=10&query=name~%22{:05}%22",
                    pick(n, 100_000)
                ),
                None,
            ),
            // A seeded customer's number, typed the spaced way (`024 123 4567`).
            Operation::SearchPhone => {
                let national = phone(pick(n, seeded.ids.len()));
                let typed = format!("{} {} {}", &national[..3], &national[3..6], &national[6..]);
                (
                    Method::GET,
                    format!(
                        "/v1/customers/search?limit=10&query=phone:%22{}%22",
                        typed.replace(' ', "%20")
                    ),
                    None,
                )
            }
            Operation::ListByMetadata => (
                Method::GET,
                format!(
                    "/v1/customers?limit=10&metadata%5Buser_id%5D={}",
                    pick(n, seeded.ids.len())
                ),
                None,
            ),
            Operation::Delete => (
                Method::DELETE,
                format!("/v1/customers/{}", seeded.to_delete(n)?),
                None,
            ),
        };
        Some(load::request(
            method,
            uri,
            &[("authorization", auth.as_str())],
            body,
        ))
    })
}

/// `GET /bench/ceiling`: the same server and middleware, no database.
pub fn ceiling() -> RequestFactory {
    Arc::new(|_| {
        Some(load::request(
            Method::GET,
            "/bench/ceiling".into(),
            &[],
            None,
        ))
    })
}

/// The dashboard's customer list with 50 rows, rendered on the server; `compressed`, for a
/// browser that accepts brotli (the page is then compressed on the fly).
pub fn dashboard_list(session: &str, compressed: bool) -> RequestFactory {
    let cookie = format!("shika_session={session}");
    Arc::new(move |_| {
        let headers = [("cookie", cookie.as_str()), ("accept-encoding", "br, gzip")];
        Some(load::request(
            Method::GET,
            "/customers?limit=50".into(),
            if compressed {
                &headers[..]
            } else {
                &headers[..1]
            },
            None,
        ))
    })
}

/// The write floor: single-row insert statements through the pool the store writes through (on
/// SQLite its one connection with its pragmas, on PostgreSQL its pool), `connections` tasks at a
/// time, no HTTP and none of the store's batching.
pub async fn write_floor(url: &str, connections: usize, duration: Duration) -> Measurement {
    // The store creates the schema and a merchant; then it steps aside.
    let store = Store::open(url).await.expect("the floor database opens");
    let input = MerchantForCreate::parse("Floor Shop", "floor@example.com", "floor password")
        .expect("a valid merchant");
    let (merchant, _, _) = store.create_merchant(input).await.expect("a merchant");
    store.close().await;
    let writer = domain::store::open_writer(url)
        .await
        .expect("the floor's writer");
    let merchant_id = Arc::new(merchant.id);
    let started = Instant::now();
    let deadline = started + duration;
    let workers: Vec<_> = (0..connections)
        .map(|worker| {
            let (writer, merchant_id) = (writer.clone(), merchant_id.clone());
            tokio::spawn(async move {
                let mut measured = Measurement::default();
                let mut n = worker;
                while Instant::now() < deadline {
                    let sent = Instant::now();
                    let inserted = sqlx::query(
                        "INSERT INTO customers (id, merchant_id, mode, email, email_normalized, \
                         name, phone, metadata, created_at, updated_at) \
                         VALUES ($1, $2, 'test', $3, $3, $4, '0241234567', $5, $6, $6)",
                    )
                    .bind(format!("cus_floor{n:016}"))
                    .bind(merchant_id.as_str())
                    .bind(format!("customer{n}@example.com"))
                    .bind(format!("Customer {n}"))
                    .bind(json!({ "user_id": n.to_string() }).to_string())
                    .bind(1_705_312_800_000_i64 + n as i64)
                    .execute(&writer)
                    .await;
                    measured.requests += 1;
                    measured.failures += u64::from(inserted.is_err());
                    measured
                        .latencies
                        .push(u32::try_from(sent.elapsed().as_micros()).unwrap_or(u32::MAX));
                    n += connections;
                }
                measured
            })
        })
        .collect();
    let mut parts = Vec::new();
    for worker in workers {
        parts.extend(worker.await.ok());
    }
    let measured = Measurement::combine(parts, started.elapsed());
    writer.close().await;
    measured
}

/// Drops what keeps search and the new filters indexed (triggers and indexes; the E.164 column
/// stays, a value written beside the phone), so that creates can be measured without them.
pub async fn drop_search_indexes(url: &str) {
    let writer = domain::store::open_writer(url)
        .await
        .expect("the bench database opens");
    let statements: &[&str] = if url.starts_with("sqlite:") {
        &[
            "DROP TRIGGER customer_search_after_insert",
            "DROP TRIGGER customer_search_after_update",
            "DROP TRIGGER customer_search_after_delete",
            "DROP TRIGGER customer_metadata_after_insert",
            "DROP TRIGGER customer_metadata_after_update",
            "DROP TRIGGER customer_metadata_after_delete",
            "DROP INDEX customers_by_phone",
            "DROP INDEX customers_phone_to_fill",
        ]
    } else {
        &[
            "DROP TRIGGER customer_metadata_follows ON customers",
            "DROP INDEX customers_name_trigrams",
            "DROP INDEX customers_email_trigrams",
            "DROP INDEX customers_by_phone",
            "DROP INDEX customers_phone_to_fill",
        ]
    };
    for statement in statements {
        sqlx::query(statement)
            .execute(&writer)
            .await
            .unwrap_or_else(|error| panic!("{statement}: {error}"));
    }
    writer.close().await;
}
