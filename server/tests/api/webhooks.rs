//! `/v1/events` and `/v1/webhook_endpoints` through the router, and the delivery worker against
//! receivers on 127.0.0.1 inside the test: signatures checked with HMAC computed here (not with
//! the code under test), retries, redirects not followed, the address policy at connect time,
//! and a dead endpoint not holding up another.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::{HeaderMap, Method, StatusCode};
use axum::routing::post;
use axum::Router;
use base64::Engine;
use domain::store::Store;
use domain::webhook::RetrySchedule;
use domain::Delivery;
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use server::webhooks::DeliveryConfig;
use sha2::Sha256;
use tokio::sync::mpsc;

use crate::helpers::{spawn_app, TestApp};

/// What a receiver got: its headers and raw body.
#[derive(Debug, Clone)]
pub struct Received {
    pub headers: HeaderMap,
    pub body: String,
}

/// A receiver on 127.0.0.1: answers each POST to `/hook` with the next status of `answers`
/// (the last one repeated), and reports every request it got.
pub async fn receiver(answers: Vec<StatusCode>) -> (String, mpsc::UnboundedReceiver<Received>) {
    let (sender, received) = mpsc::unbounded_channel();
    let answers = Arc::new(Mutex::new(answers));
    let app = Router::new()
        .route(
            "/hook",
            post(move |headers: HeaderMap, body: String| {
                let (sender, answers) = (sender.clone(), answers.clone());
                async move {
                    let _ = sender.send(Received { headers, body });
                    let mut answers = answers.lock().unwrap();
                    if answers.len() > 1 {
                        answers.remove(0)
                    } else {
                        answers[0]
                    }
                }
            }),
        )
        .route(
            "/elsewhere",
            post(|| async {
                panic!("a redirect was followed");
                #[allow(unreachable_code)]
                StatusCode::OK
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{address}/hook"), received)
}

/// The next request the receiver got, failing the test if none comes within 20 s.
pub async fn next(received: &mut mpsc::UnboundedReceiver<Received>) -> Received {
    next_within(received, Duration::from_secs(20)).await
}

/// The next request the receiver got within `limit`.
pub async fn next_within(
    received: &mut mpsc::UnboundedReceiver<Received>,
    limit: Duration,
) -> Received {
    tokio::time::timeout(limit, received.recv())
        .await
        .unwrap_or_else(|_| panic!("no delivery within {} s", limit.as_secs()))
        .unwrap()
}

fn start_worker(store: &Store, delays: &str, allow_private: bool) {
    server::webhooks::spawn(
        store.clone(),
        DeliveryConfig {
            retry_delays: RetrySchedule::parse(delays).unwrap(),
            allow_private,
        },
    )
    .unwrap();
}

/// Creates an endpoint through the API of an app whose store allows private addresses.
async fn create_endpoint(app: &TestApp, url: &str, events: Value) -> Value {
    app.post(
        "/v1/webhook_endpoints",
        json!({"url": url, "enabled_events": events}),
    )
    .await
    .ok()
    .clone()
}

async fn private_app() -> (TestApp, Store) {
    let mut app = spawn_app().await;
    app.store = app.store.clone().allow_private_webhooks(true);
    app.router = server::app(server::AppState {
        store: app.store.clone(),
        leptos_options: leptos::config::LeptosOptions::builder()
            .output_name("shika")
            .build(),
        rate_limit: domain::store::RateLimit::off(),
    });
    let store = app.store.clone();
    (app, store)
}

/// The endpoint's newest delivery once it is no longer pending (succeeded or failed).
async fn settled_delivery(store: &Store, tenant: &domain::Tenant, endpoint_id: &str) -> Delivery {
    loop {
        let deliveries = store
            .list_deliveries(tenant, endpoint_id, 10)
            .await
            .unwrap();
        if deliveries[0].status != domain::DeliveryStatus::Pending {
            return deliveries[0].clone();
        }
        tokio::task::yield_now().await;
    }
}

/// Checks a delivery's signature the Standard Webhooks way, computed here from the secret.
fn assert_signed(received: &Received, secret: &str) {
    let header = |name: &str| received.headers[name].to_str().unwrap().to_owned();
    let (id, timestamp) = (header("webhook-id"), header("webhook-timestamp"));
    let key = base64::engine::general_purpose::STANDARD
        .decode(secret.strip_prefix("whsec_").unwrap())
        .unwrap();
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
    mac.update(format!("{id}.{timestamp}.{}", received.body).as_bytes());
    let expected = format!(
        "v1,{}",
        base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
    );
    let signatures = header("webhook-signature");
    assert!(
        signatures.split(' ').any(|signature| signature == expected),
        "{signatures} lacks {expected}"
    );
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    assert!(timestamp.parse::<u64>().unwrap().abs_diff(now) < 60);
    assert_eq!(received.headers["content-type"], "application/json");
}

#[tokio::test]
async fn endpoints_are_created_listed_updated_rolled_and_deleted() {
    let (app, _) = private_app().await;
    let created = create_endpoint(&app, "http://127.0.0.1:9/hook", json!(["customer.*"])).await;
    let id = created["id"].as_str().unwrap();
    assert!(id.starts_with("we_"));
    assert_eq!(created["object"], "webhook_endpoint");
    assert_eq!(created["status"], "enabled");
    assert!(created["secret"].as_str().unwrap().starts_with("whsec_"));

    let found = app.get(&format!("/v1/webhook_endpoints/{id}")).await;
    assert!(
        found.ok().get("secret").is_none(),
        "the secret is shown once"
    );
    assert_eq!(app.get("/v1/webhook_endpoints").await.ids(), [id]);

    let updated = app
        .patch(
            &format!("/v1/webhook_endpoints/{id}"),
            json!({"disabled": true, "description": "CRM", "enabled_events": ["*"]}),
        )
        .await;
    assert_eq!(updated.ok()["status"], "disabled");
    assert_eq!(updated.body["description"], "CRM");
    assert_eq!(updated.body["enabled_events"], json!(["*"]));

    let rolled = app
        .post(
            &format!("/v1/webhook_endpoints/{id}/roll_secret"),
            json!({}),
        )
        .await;
    assert_ne!(rolled.ok()["secret"], created["secret"]);

    let deleted = app.delete(&format!("/v1/webhook_endpoints/{id}")).await;
    assert_eq!(
        deleted.ok(),
        &json!({"id": id, "object": "webhook_endpoint", "deleted": true})
    );
    app.get(&format!("/v1/webhook_endpoints/{id}"))
        .await
        .error(StatusCode::NOT_FOUND, "invalid_request_error");
}

#[tokio::test]
async fn endpoints_stay_with_their_merchant_and_mode() {
    let (app, _) = private_app().await;
    let created = create_endpoint(&app, "http://127.0.0.1:9/hook", json!(["*"])).await;
    let path = format!("/v1/webhook_endpoints/{}", created["id"].as_str().unwrap());
    for key in [&app.other.test, &app.keys.live] {
        for method in [Method::GET, Method::DELETE] {
            app.call(method, &path, key, None)
                .await
                .error(StatusCode::NOT_FOUND, "invalid_request_error");
        }
        app.call(Method::PATCH, &path, key, Some(json!({"disabled": true})))
            .await
            .error(StatusCode::NOT_FOUND, "invalid_request_error");
        let list = app
            .call(Method::GET, "/v1/webhook_endpoints", key, None)
            .await;
        assert!(list.ids().is_empty());
    }
    assert_eq!(app.get(&path).await.ok()["status"], "enabled");
}

#[tokio::test]
async fn bad_endpoints_are_refused_naming_the_field() {
    let app = spawn_app().await;
    let create = |body: Value| app.post("/v1/webhook_endpoints", body);
    create(json!({"enabled_events": ["*"]}))
        .await
        .invalid("parameter_missing", "url");
    for url in ["ftp://example.com/x", "/relative", "https://"] {
        create(json!({"url": url, "enabled_events": ["*"]}))
            .await
            .invalid("parameter_invalid", "url");
    }
    for events in [json!([]), json!(["customer.merged"]), json!("*")] {
        create(json!({"url": "https://8.8.8.8/x", "enabled_events": events}))
            .await
            .invalid("parameter_invalid", "enabled_events");
    }
    // Not public: loopback as an address (also in decimal and IPv4-mapped), a name and IPv6;
    // unspecified; private; link-local.
    for url in [
        "http://127.0.0.1:8080/hook",
        "http://2130706433/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://localhost/hook",
        "http://[::1]/hook",
        "http://0.0.0.0/hook",
        "http://192.168.0.10/hook",
        "http://169.254.169.254/",
    ] {
        create(json!({"url": url, "enabled_events": ["*"]}))
            .await
            .invalid("parameter_invalid", "url");
    }
}

#[tokio::test]
async fn events_list_by_type_and_stay_with_their_merchant_and_mode() {
    let app = spawn_app().await;
    let customer = app.customer(json!({"name": "Ama"})).await;
    app.patch(
        &format!("/v1/customers/{customer}"),
        json!({"name": "Ama Mensah"}),
    )
    .await
    .ok();
    app.post("/v1/payments", json!({"amount": 100})).await.ok();

    let all = app.get("/v1/events").await;
    let types: Vec<_> = all.ok()["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|event| event["type"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        types,
        ["payment.created", "customer.updated", "customer.created"]
    );
    assert_eq!(all.body["url"], "/v1/events");
    assert_eq!(app.get("/v1/events?type=customer.*").await.ids().len(), 2);
    assert_eq!(
        app.get("/v1/events?type=customer.updated")
            .await
            .ids()
            .len(),
        1
    );
    for bad in ["customer", "refund.*", "*", ""] {
        app.get(&format!("/v1/events?type={bad}"))
            .await
            .invalid("parameter_invalid", "type");
    }
    let updated = &all.body["data"][1];
    assert_eq!(updated["data"]["previous_attributes"]["name"], "Ama");
    assert_eq!(updated["data"]["object"]["name"], "Ama Mensah");
    let id = updated["id"].as_str().unwrap();
    assert_eq!(app.get(&format!("/v1/events/{id}")).await.ok(), updated);

    // Another merchant's, and the other mode's, events do not exist.
    for key in [&app.other.test, &app.keys.live] {
        app.call(Method::GET, &format!("/v1/events/{id}"), key, None)
            .await
            .error(StatusCode::NOT_FOUND, "invalid_request_error");
        let list = app.call(Method::GET, "/v1/events", key, None).await;
        assert!(list.ids().is_empty());
    }
}

#[tokio::test]
async fn an_idempotent_replay_records_nothing_new() {
    let app = spawn_app().await;
    for _ in 0..2 {
        app.call_with(
            Method::POST,
            "/v1/customers",
            &app.keys.test,
            Some(json!({"name": "Once"})),
            &[("idempotency-key", "create-once")],
        )
        .await
        .ok();
    }
    assert_eq!(app.get("/v1/events").await.ids().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deliveries_are_signed_and_retried_until_the_receiver_takes_them() {
    let (app, store) = private_app().await;
    let (url, mut received) = receiver(vec![
        StatusCode::INTERNAL_SERVER_ERROR,
        StatusCode::SERVICE_UNAVAILABLE,
        StatusCode::NO_CONTENT,
    ])
    .await;
    let endpoint = create_endpoint(&app, &url, json!(["customer.created"])).await;
    let secret = endpoint["secret"].as_str().unwrap();
    start_worker(&store, "0,0,0", true);

    let customer = app.customer(json!({"name": "Kofi"})).await;

    let attempts = [
        next(&mut received).await,
        next(&mut received).await,
        next(&mut received).await,
    ];
    for attempt in &attempts {
        assert_signed(attempt, secret);
        assert_eq!(
            attempt.body, attempts[0].body,
            "every attempt sends the same event"
        );
    }
    let event: Value = serde_json::from_str(&attempts[0].body).unwrap();
    assert_eq!(event["type"], "customer.created");
    assert_eq!(event["data"]["object"]["id"], customer.as_str());
    assert_eq!(
        attempts[0].headers["webhook-id"],
        event["id"].as_str().unwrap()
    );
    // Recorded: three attempts, succeeded at the third.
    let tenant = store.authenticate(&app.keys.test).await.unwrap().unwrap();
    let id = endpoint["id"].as_str().unwrap();
    let delivery = settled_delivery(&store, &tenant, id).await;
    assert_eq!(delivery.status, domain::DeliveryStatus::Succeeded);
    assert_eq!(delivery.attempts, 3);
    assert_eq!(delivery.last_response_status, Some(204));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redirect_is_not_followed_and_counts_as_a_failure() {
    let (app, store) = private_app().await;
    let (sender, mut received) = mpsc::unbounded_channel();
    let redirecting = Router::new().route(
        "/hook",
        post(move || {
            let sender = sender.clone();
            async move {
                let _ = sender.send(());
                (StatusCode::FOUND, [("location", "/elsewhere")])
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, redirecting).await.unwrap() });
    let endpoint = create_endpoint(&app, &url, json!(["*"])).await;
    start_worker(&store, "", true);

    app.customer(json!({})).await;
    tokio::time::timeout(Duration::from_secs(20), received.recv())
        .await
        .unwrap();

    let tenant = store.authenticate(&app.keys.test).await.unwrap().unwrap();
    let id = endpoint["id"].as_str().unwrap();
    let delivery = settled_delivery(&store, &tenant, id).await;
    // No retries were configured: one attempt, answered 302, failed.
    assert_eq!(delivery.status, domain::DeliveryStatus::Failed);
    assert_eq!(delivery.last_response_status, Some(302));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_address_policy_holds_at_connect_time_too() {
    // The endpoints were made while private addresses were allowed; the worker does not allow
    // them, so it must refuse to connect (as after a DNS change to a private address).
    let (app, store) = private_app().await;
    let (url, mut received) = receiver(vec![StatusCode::OK]).await;
    let port = url.split(':').nth(2).unwrap().split('/').next().unwrap();
    let by_name = format!("http://localhost:{port}/hook");
    let in_decimal = format!("http://2130706433:{port}/hook");
    let mut endpoints = Vec::new();
    for url in [url.as_str(), by_name.as_str(), in_decimal.as_str()] {
        endpoints.push(create_endpoint(&app, url, json!(["*"])).await);
    }
    start_worker(&store, "", false);

    app.customer(json!({})).await;

    let tenant = store.authenticate(&app.keys.test).await.unwrap().unwrap();
    for endpoint in endpoints {
        let id = endpoint["id"].as_str().unwrap();
        let delivery = settled_delivery(&store, &tenant, id).await;
        assert_eq!(delivery.status, domain::DeliveryStatus::Failed);
        let error = delivery.last_error.unwrap();
        assert!(error.contains("not a public address"), "{error}");
    }
    assert!(
        received.try_recv().is_err(),
        "a refused address was reached"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_endpoint_does_not_hold_up_another() {
    let (app, store) = private_app().await;
    // This one takes connections and never answers.
    let (sender, mut stuck) = mpsc::unbounded_channel();
    let hanging = Router::new().route(
        "/hook",
        post(move || {
            let sender = sender.clone();
            async move {
                let _ = sender.send(());
                std::future::pending::<StatusCode>().await
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let dead = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, hanging).await.unwrap() });
    let (alive, mut received) = receiver(vec![StatusCode::OK]).await;
    let dead_endpoint = create_endpoint(&app, &dead, json!(["*"])).await;
    create_endpoint(&app, &alive, json!(["*"])).await;
    start_worker(&store, "", true);

    for _ in 0..8 {
        app.customer(json!({})).await;
    }

    // The dead endpoint holds its slots with attempts that have not timed out yet…
    for _ in 0..4 {
        tokio::time::timeout(Duration::from_secs(20), stuck.recv())
            .await
            .unwrap();
    }
    // …and the other endpoint gets all eight meanwhile: before any attempt at the dead one has
    // even timed out (10 s), which a worker waiting on it could not do.
    let mut ids = std::collections::HashSet::new();
    while ids.len() < 8 {
        let delivery = next(&mut received).await;
        ids.insert(delivery.headers["webhook-id"].to_str().unwrap().to_owned());
    }
    let tenant = store.authenticate(&app.keys.test).await.unwrap().unwrap();
    let id = dead_endpoint["id"].as_str().unwrap();
    let dead_deliveries = store.list_deliveries(&tenant, id, 10).await.unwrap();
    assert_eq!(dead_deliveries.len(), 8);
    assert!(dead_deliveries
        .iter()
        .all(|delivery| delivery.attempts == 0));
}
