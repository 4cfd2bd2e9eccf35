//! Reliability under load and crashes: concurrent clients never see a 5xx or a locked database,
//! and a SIGKILL loses no acknowledged write, no event of one and no delivery of an event, and
//! leaves nothing half-written.

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::http::StatusCode;
use axum::http::{Method, Request};
use domain::store::testing::TestDatabase;
use domain::store::Store;
use domain::{EventFilter, QueryParams, SubscriptionFilter, SubscriptionStatus};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde_json::{json, Value};

use crate::binary::{create_merchant, Server};
use crate::helpers::{assert_sound, spawn_app};
use crate::webhooks::{next_within, receiver};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixty_four_concurrent_clients_get_no_5xx_and_no_locked_database() {
    let app = Arc::new(spawn_app().await);
    let requests = Arc::new(AtomicUsize::new(0));
    let mut clients = Vec::new();
    for client in 0..64 {
        let app = app.clone();
        let requests = requests.clone();
        clients.push(tokio::spawn(async move {
            let key = if client % 2 == 0 {
                app.keys.test.clone()
            } else {
                app.other.test.clone()
            };
            let mut problems = Vec::new();
            for round in 0..8 {
                let created = app
                    .call(
                        Method::POST,
                        "/v1/customers",
                        &key,
                        Some(json!({"name": format!("c{client}-{round}")})),
                    )
                    .await;
                let id = created.body["id"].as_str().unwrap_or_default().to_owned();
                let path = format!("/v1/customers/{id}");
                let responses = [
                    created,
                    app.call(
                        Method::PATCH,
                        &path,
                        &key,
                        Some(json!({"metadata": {"round": round.to_string()}})),
                    )
                    .await,
                    app.call(Method::GET, "/v1/customers?limit=5", &key, None)
                        .await,
                    app.call(
                        Method::POST,
                        "/v1/subscriptions",
                        &key,
                        Some(json!({"customer": id, "amount": 100, "interval": "month"})),
                    )
                    .await,
                    app.call(Method::DELETE, &path, &key, None).await,
                ];
                for response in responses {
                    requests.fetch_add(1, Ordering::Relaxed);
                    if response.status.is_server_error()
                        || response.body.to_string().contains("locked")
                        || !response.status.is_success()
                    {
                        problems.push(format!("{} {}", response.status, response.body));
                    }
                }
            }
            problems
        }));
    }
    let mut problems = Vec::new();
    for client in clients {
        problems.extend(client.await.unwrap());
    }
    assert_eq!(requests.load(Ordering::Relaxed), 64 * 8 * 5);
    assert!(
        problems.is_empty(),
        "{} problems, first: {:?}",
        problems.len(),
        problems.first()
    );
    assert_sound(&app.store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigkill_loses_no_acknowledged_create_and_leaves_nothing_half_written() {
    let database = TestDatabase::new();
    let database_url = database.url.clone();
    let key = create_merchant(&database_url, "crash@example.com")["test_secret_key"]
        .as_str()
        .unwrap()
        .to_owned();
    let env = [
        ("SHIKA_RATE_LIMIT", "0"),
        ("SHIKA_WEBHOOK_ALLOW_PRIVATE", "1"),
    ];
    let mut server = Server::start_with(&database_url, &env);
    // Every event goes to a receiver here, before the crash and after the restart.
    let (hook, mut received) = receiver(vec![StatusCode::OK]).await;
    {
        let store = Store::open(&database_url).await.unwrap();
        let tenant = store.authenticate(&key).await.unwrap().unwrap();
        let input = domain::WebhookEndpointForCreate::from_json(
            json!({"url": hook, "enabled_events": ["*"]})
                .as_object()
                .unwrap(),
        )
        .unwrap();
        store
            .allow_private_webhooks(true)
            .insert_webhook_endpoint(&tenant, input)
            .await
            .unwrap();
    }
    let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    let acknowledged = Arc::new(Mutex::new(HashSet::new()));
    let deleting = Arc::new(Mutex::new(HashSet::new()));
    let enough = Arc::new(tokio::sync::Notify::new());

    // Eight writers create customers with two subscriptions each and delete every other one.
    let mut writers = Vec::new();
    for _ in 0..8 {
        let (client, key, base) = (client.clone(), key.clone(), server.base.clone());
        let (acknowledged, deleting, enough) =
            (acknowledged.clone(), deleting.clone(), enough.clone());
        writers.push(tokio::spawn(async move {
            // Wakes the test also when this writer stops early, so it fails instead of hanging.
            struct Stopped(Arc<tokio::sync::Notify>);
            impl Drop for Stopped {
                fn drop(&mut self) {
                    self.0.notify_one();
                }
            }
            let _stopped = Stopped(enough.clone());
            let send = |method: Method, path: String, body: Option<Value>| {
                let request = Request::builder()
                    .method(method)
                    .uri(format!("{base}{path}"))
                    .header("authorization", format!("Bearer {key}"))
                    .header("content-type", "application/json")
                    .body(Full::new(Bytes::from(
                        body.map(|b| b.to_string()).unwrap_or_default(),
                    )))
                    .unwrap();
                let client = client.clone();
                async move {
                    let response = client.request(request).await.ok()?;
                    if !response.status().is_success() {
                        return None;
                    }
                    serde_json::from_slice::<Value>(
                        &response.into_body().collect().await.ok()?.to_bytes(),
                    )
                    .ok()
                }
            };
            for round in 0.. {
                let Some(customer) = send(
                    Method::POST,
                    "/v1/customers".into(),
                    Some(json!({"name": "crash"})),
                )
                .await
                else {
                    return;
                };
                let id = customer["id"].as_str().unwrap().to_owned();
                let count = {
                    let mut acknowledged = acknowledged.lock().unwrap();
                    acknowledged.insert(id.clone());
                    acknowledged.len()
                };
                if count >= 150 {
                    enough.notify_one();
                }
                for _ in 0..2 {
                    let body = json!({"customer": id, "amount": 100, "interval": "month"});
                    if send(Method::POST, "/v1/subscriptions".into(), Some(body))
                        .await
                        .is_none()
                    {
                        return;
                    }
                }
                if round % 2 == 0 {
                    deleting.lock().unwrap().insert(id.clone());
                    if send(Method::DELETE, format!("/v1/customers/{id}"), None)
                        .await
                        .is_none()
                    {
                        return;
                    }
                }
            }
        }));
    }
    enough.notified().await;
    assert!(
        acknowledged.lock().unwrap().len() >= 150,
        "writers stopped before 150 creates"
    );
    server.child.kill().unwrap();
    server.child.wait().unwrap();
    for writer in writers {
        writer.await.unwrap();
    }

    let store = Store::open(&database_url).await.unwrap();
    assert_sound(&store).await;
    let tenant = store.authenticate(&key).await.unwrap().unwrap();
    let acknowledged = acknowledged.lock().unwrap().clone();
    let deleting = deleting.lock().unwrap().clone();
    for id in acknowledged.difference(&deleting) {
        store
            .find_customer(&tenant, id)
            .await
            .unwrap_or_else(|e| panic!("acknowledged {id} lost: {e}"));
    }
    // A deleted customer's subscriptions are all canceled; a live customer's all active.
    let all = |status: Option<&str>| {
        let mut pairs = vec![("limit".to_owned(), "100".to_owned())];
        if let Some(status) = status {
            pairs.push(("status".to_owned(), status.to_owned()));
        }
        SubscriptionFilter::from_query(QueryParams::parse(pairs).unwrap()).unwrap()
    };
    let mut filter = all(None);
    let mut checked = 0;
    loop {
        let page = store.list_subscriptions(&tenant, &filter).await.unwrap();
        for sub in &page.data {
            let exists = store.find_customer(&tenant, &sub.customer).await.is_ok();
            let want = if exists {
                SubscriptionStatus::Active
            } else {
                SubscriptionStatus::Canceled
            };
            assert_eq!(sub.status, want, "{sub:?}");
            checked += 1;
        }
        match page.data.last() {
            Some(last) if page.has_more => {
                filter.list.cursor = Some(domain::Cursor::StartingAfter(last.id.clone()))
            }
            _ => break,
        }
    }
    assert!(checked >= 150, "{checked}");

    // Every change has its event and every event its change: each acknowledged create its
    // `customer.created`, and a `customer.deleted` exactly for the customers that are gone.
    let mut created = HashSet::new();
    let mut deleted = HashSet::new();
    let mut event_ids = HashSet::new();
    let mut filter = EventFilter::from_query(
        QueryParams::parse([("limit".to_owned(), "100".to_owned())]).unwrap(),
    )
    .unwrap();
    loop {
        let page = store.list_events(&tenant, &filter).await.unwrap();
        for event in &page.data {
            event_ids.insert(event.id.clone());
            let object = event.data.object["id"].as_str().unwrap().to_owned();
            match event.kind {
                domain::EventType::CustomerCreated => created.insert(object),
                domain::EventType::CustomerDeleted => deleted.insert(object),
                _ => true,
            };
        }
        match page.data.last() {
            Some(last) if page.has_more => {
                filter.list.cursor = Some(domain::Cursor::StartingAfter(last.id.clone()))
            }
            _ => break,
        }
    }
    for id in &acknowledged {
        assert!(
            created.contains(id),
            "acknowledged {id} has no customer.created"
        );
    }
    for id in &created {
        let exists = store.find_customer(&tenant, id).await.is_ok();
        assert_eq!(
            !exists,
            deleted.contains(id),
            "{id}: deleted and its event disagree"
        );
    }

    // After a restart every event is delivered (at least once), including those queued or in
    // flight when the process was killed: on PostgreSQL these once their lease runs out (another
    // process might still be attempting them), on SQLite at once.
    let _restarted = Server::start_with(&database_url, &env);
    let mut delivered = HashSet::new();
    let patience = domain::store::DELIVERY_LEASE + std::time::Duration::from_secs(20);
    while !event_ids.is_subset(&delivered) {
        let delivery = next_within(&mut received, patience).await;
        delivered.insert(delivery.headers["webhook-id"].to_str().unwrap().to_owned());
    }
    eprintln!(
        "crash test: {} creates acknowledged before SIGKILL ({} of them deleted), all found; {checked} subscriptions consistent; {} events, all delivered after the restart",
        acknowledged.len(),
        deleting.len(),
        event_ids.len()
    );
    assert!(acknowledged.len() >= 150);
}
