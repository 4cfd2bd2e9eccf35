//! Store tests of events and webhook deliveries, on SQLite or PostgreSQL like `tests`: each
//! change writes its event (and its deliveries) with it, updates say what changed, a delete
//! records its cascade, failures and replays record nothing, and the delivery queue claims,
//! leases, retries and forgets as the worker needs.

use serde_json::json;

use super::tests::{body, merchant, open_store};
use super::Store;
use crate::list::QueryParams;
use crate::webhook::{AfterAttempt, AttemptOutcome, RetrySchedule};
use crate::*;

fn event_filter(pairs: &[(&str, &str)]) -> EventFilter {
    let query = QueryParams::parse(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    EventFilter::from_query(query.unwrap()).unwrap()
}

async fn events(store: &Store, tenant: &Tenant, pairs: &[(&str, &str)]) -> Vec<Event> {
    store
        .list_events(tenant, &event_filter(pairs))
        .await
        .unwrap()
        .data
}

fn types(events: &[Event]) -> Vec<&'static str> {
    events.iter().map(|event| event.kind.as_str()).collect()
}

/// Endpoints here receive nothing (no worker runs): a loopback URL, which the store allows.
async fn endpoint(store: &Store, tenant: &Tenant, events: serde_json::Value) -> WebhookEndpoint {
    let input = WebhookEndpointForCreate::from_json(&body(json!({
        "url": "http://127.0.0.1:9/hook", "enabled_events": events
    })))
    .unwrap();
    let store = store.clone().allow_private_webhooks(true);
    store.insert_webhook_endpoint(tenant, input).await.unwrap()
}

async fn new_customer(store: &Store, tenant: &Tenant, fields: serde_json::Value) -> Customer {
    let input = CustomerForCreate::from_json(&body(fields)).unwrap();
    store.insert_customer(tenant, input).await.unwrap()
}

#[tokio::test]
async fn every_change_records_its_event_newest_first() {
    let (store, _db) = open_store().await;
    let (tenant, _, _) = merchant(&store, "kofi@example.com").await;

    let customer = new_customer(&store, &tenant, json!({"name": "John Doe"})).await;
    let update = CustomerForUpdate::from_json(&body(json!({"name": "Jane Doe"}))).unwrap();
    store
        .update_customer(&tenant, &customer.id, update)
        .await
        .unwrap();
    let payment = PaymentForCreate::from_json(&body(json!({
        "amount": 5000, "customer": customer.id
    })))
    .unwrap();
    let payment = store.insert_payment(&tenant, payment).await.unwrap();
    let subscription = SubscriptionForCreate::from_json(&body(json!({
        "amount": 2500, "customer": customer.id, "interval": "month"
    })))
    .unwrap();
    let subscription = store
        .insert_subscription(&tenant, subscription)
        .await
        .unwrap();
    store
        .cancel_subscription(&tenant, &subscription.id)
        .await
        .unwrap();

    let all = events(&store, &tenant, &[]).await;
    assert_eq!(
        types(&all),
        [
            "subscription.canceled",
            "subscription.created",
            "payment.created",
            "customer.updated",
            "customer.created"
        ]
    );
    assert_eq!(all[2].data.object, serde_json::to_value(&payment).unwrap());
    assert_eq!(all[0].data.object["status"], "canceled");
    assert!(all.iter().all(|event| !event.livemode));
    let found = store.find_event(&tenant, &all[3].id).await.unwrap();
    assert_eq!(found, all[3]);
    // The customer's Activity: its own events and its payments' and subscriptions'.
    let activity = store
        .list_customer_events(&tenant, &customer.id, &ListParams::default())
        .await
        .unwrap();
    assert_eq!(activity.data.len(), 5);
}

#[tokio::test]
async fn an_update_records_what_each_changed_field_was() {
    let (store, _db) = open_store().await;
    let (tenant, _, _) = merchant(&store, "kofi@example.com").await;
    let customer = new_customer(
        &store,
        &tenant,
        json!({"name": "John Doe", "metadata": {"tier": "gold", "old": "x"}}),
    )
    .await;

    let update = CustomerForUpdate::from_json(&body(json!({
        "name": "Jane Doe", "metadata": {"vip": "true", "old": ""}
    })))
    .unwrap();
    let updated = store
        .update_customer(&tenant, &customer.id, update)
        .await
        .unwrap();

    let event = &events(&store, &tenant, &[("type", "customer.updated")]).await[0];
    assert_eq!(event.data.object, serde_json::to_value(&updated).unwrap());
    let previous = event.data.previous_attributes.clone().unwrap();
    assert_eq!(previous["name"], "John Doe");
    assert_eq!(previous["metadata"], json!({"vip": null, "old": "x"}));
    assert!(!previous.contains_key("email"));
}

#[tokio::test]
async fn a_delete_records_the_customer_as_it_was_and_each_subscription_it_cancels() {
    let (store, _db) = open_store().await;
    let (tenant, _, _) = merchant(&store, "kofi@example.com").await;
    let customer = new_customer(&store, &tenant, json!({"email": "ama@example.com"})).await;
    for _ in 0..2 {
        let input = SubscriptionForCreate::from_json(&body(json!({
            "amount": 100, "customer": customer.id, "interval": "month"
        })))
        .unwrap();
        store.insert_subscription(&tenant, input).await.unwrap();
    }

    store.delete_customer(&tenant, &customer.id).await.unwrap();

    let recorded = events(&store, &tenant, &[]).await;
    assert_eq!(
        types(&recorded[..3]),
        [
            "subscription.canceled",
            "subscription.canceled",
            "customer.deleted"
        ]
    );
    assert_eq!(
        recorded[2].data.object,
        serde_json::to_value(&customer).unwrap()
    );
    // Cancelling a canceled subscription records nothing.
    let canceled = recorded[0].data.object["id"].as_str().unwrap().to_owned();
    store.cancel_subscription(&tenant, &canceled).await.unwrap();
    assert_eq!(events(&store, &tenant, &[]).await.len(), recorded.len());
}

#[tokio::test]
async fn a_change_that_fails_records_nothing() {
    let (store, _db) = open_store().await;
    let (tenant, _, _) = merchant(&store, "kofi@example.com").await;
    let payment = PaymentForCreate::from_json(&body(json!({
        "amount": 5000, "customer": "cus_missing"
    })))
    .unwrap();
    assert!(store.insert_payment(&tenant, payment).await.is_err());
    assert!(store.delete_customer(&tenant, "cus_missing").await.is_err());
    let update = CustomerForUpdate::from_json(&body(json!({"name": "X"}))).unwrap();
    assert!(store
        .update_customer(&tenant, "cus_missing", update)
        .await
        .is_err());
    assert!(events(&store, &tenant, &[]).await.is_empty());
}

#[tokio::test]
async fn events_filter_by_type_or_prefix_and_stay_with_their_merchant_and_mode() {
    let (store, _db) = open_store().await;
    let (tenant, live, _) = merchant(&store, "kofi@example.com").await;
    let (other, _, _) = merchant(&store, "ama@example.com").await;
    let customer = new_customer(&store, &tenant, json!({})).await;
    let payment = PaymentForCreate::from_json(&body(json!({"amount": 1}))).unwrap();
    store.insert_payment(&tenant, payment).await.unwrap();
    new_customer(&store, &live, json!({})).await;

    assert_eq!(
        types(&events(&store, &tenant, &[("type", "customer.*")]).await),
        ["customer.created"]
    );
    assert_eq!(
        types(&events(&store, &tenant, &[("type", "payment.created")]).await),
        ["payment.created"]
    );
    let live_events = events(&store, &live, &[]).await;
    assert_eq!(live_events.len(), 1);
    assert!(live_events[0].livemode);
    assert!(events(&store, &other, &[]).await.is_empty());
    let id = &events(&store, &tenant, &[]).await[1].id;
    assert!(store.find_event(&other, id).await.is_err());
    assert!(store.find_event(&live, id).await.is_err());
    assert_eq!(
        events(&store, &tenant, &[("type", "customer.created")]).await[0]
            .data
            .object["id"],
        customer.id.as_str()
    );
}

#[tokio::test]
async fn changes_queue_a_delivery_to_each_endpoint_that_asks_for_their_type() {
    let (store, _db) = open_store().await;
    let (tenant, live, _) = merchant(&store, "kofi@example.com").await;
    let everything = endpoint(&store, &tenant, json!(["*"])).await;
    let payments = endpoint(&store, &tenant, json!(["payment.*"])).await;
    let live_endpoint = endpoint(&store, &live, json!(["*"])).await;
    let disabled = endpoint(&store, &tenant, json!(["*"])).await;
    let disable = WebhookEndpointForUpdate::from_json(&body(json!({"disabled": true}))).unwrap();
    store
        .update_webhook_endpoint(&tenant, &disabled.id, disable)
        .await
        .unwrap();

    new_customer(&store, &tenant, json!({})).await;

    let to = |endpoint: &WebhookEndpoint| {
        let store = store.clone();
        let tenant = if endpoint.id == live_endpoint.id {
            live.clone()
        } else {
            tenant.clone()
        };
        let id = endpoint.id.clone();
        async move { store.list_deliveries(&tenant, &id, 10).await.unwrap() }
    };
    let queued = to(&everything).await;
    assert_eq!(queued.len(), 1);
    assert_eq!(queued[0].event_type, "customer.created");
    assert_eq!(queued[0].status, DeliveryStatus::Pending);
    assert!(to(&payments).await.is_empty());
    assert!(to(&live_endpoint).await.is_empty());
    assert!(to(&disabled).await.is_empty());
}

#[tokio::test]
async fn the_worker_claims_each_due_delivery_once_and_records_each_attempt() {
    let (store, _db) = open_store().await;
    let (tenant, _, _) = merchant(&store, "kofi@example.com").await;
    let endpoint = endpoint(&store, &tenant, json!(["customer.created"])).await;
    let customer = new_customer(&store, &tenant, json!({})).await;

    let claimed = store.claim_due_deliveries(10, &[]).await.unwrap();
    assert_eq!(claimed.len(), 1);
    let delivery = &claimed[0];
    assert_eq!(delivery.endpoint_id, endpoint.id);
    assert_eq!(delivery.secrets.len(), 1);
    assert_eq!(
        Some(delivery.secrets[0].expose()),
        endpoint.secret,
        "signed with the secret the create answered"
    );
    let sent: Event = serde_json::from_str(&delivery.body).unwrap();
    assert_eq!(sent.id, delivery.event_id);
    assert_eq!(sent.data.object["id"], customer.id.as_str());
    // Leased: not claimable again meanwhile, nor when its endpoint is busy.
    assert!(store
        .claim_due_deliveries(10, &[])
        .await
        .unwrap()
        .is_empty());

    let schedule = RetrySchedule::parse("0").unwrap();
    let refused = AttemptOutcome::NoAnswer {
        error: "connection refused".into(),
    };
    let now = Timestamp::now();
    let next = AfterAttempt::decide(&refused, delivery.failures, &schedule, now, 0.0);
    store
        .record_attempt(
            delivery,
            now,
            std::time::Duration::from_millis(3),
            &refused,
            next,
        )
        .await
        .unwrap();
    let retry = store.claim_due_deliveries(10, &[]).await.unwrap();
    assert_eq!(retry.len(), 1);
    assert_eq!(retry[0].failures, 1);
    assert!(store
        .claim_due_deliveries(10, std::slice::from_ref(&endpoint.id))
        .await
        .unwrap()
        .is_empty());

    let ok = AttemptOutcome::answered(200, b"thanks");
    let next = AfterAttempt::decide(&ok, retry[0].failures, &schedule, now, 0.0);
    store
        .record_attempt(
            &retry[0],
            now,
            std::time::Duration::from_millis(3),
            &ok,
            next,
        )
        .await
        .unwrap();

    let deliveries = store
        .list_deliveries(&tenant, &endpoint.id, 10)
        .await
        .unwrap();
    assert_eq!(deliveries[0].status, DeliveryStatus::Succeeded);
    assert_eq!(deliveries[0].attempts, 2);
    assert_eq!(deliveries[0].last_response_status, Some(200));
    let attempts = store
        .list_attempts(&tenant, &endpoint.id, 10)
        .await
        .unwrap();
    assert_eq!(attempts.len(), 2);
    assert!(attempts
        .iter()
        .all(|(event, _)| *event == delivery.event_id));
    assert_eq!(attempts[0].1.response_body.as_deref(), Some("thanks"));
    assert_eq!(attempts[1].1.error.as_deref(), Some("connection refused"));
    assert!(store
        .claim_due_deliveries(10, &[])
        .await
        .unwrap()
        .is_empty());

    // Resend puts it back in the queue, its history kept.
    store
        .resend_delivery(&tenant, &endpoint.id, &delivery.event_id)
        .await
        .unwrap();
    assert_eq!(store.claim_due_deliveries(10, &[]).await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_rolled_secret_signs_beside_the_new_one_and_a_deleted_endpoint_gets_nothing() {
    let (store, _db) = open_store().await;
    let (tenant, _, _) = merchant(&store, "kofi@example.com").await;
    let created = endpoint(&store, &tenant, json!(["*"])).await;
    let rolled = store
        .roll_webhook_endpoint_secret(&tenant, &created.id)
        .await
        .unwrap();
    assert_ne!(rolled.secret, created.secret);
    assert_eq!(
        store
            .find_webhook_endpoint(&tenant, &created.id)
            .await
            .unwrap()
            .secret,
        None,
        "the secret is shown only when made"
    );
    new_customer(&store, &tenant, json!({})).await;
    let claimed = store.claim_due_deliveries(10, &[]).await.unwrap();
    let secrets: Vec<_> = claimed[0]
        .secrets
        .iter()
        .map(|s| Some(s.expose()))
        .collect();
    assert_eq!(secrets, [rolled.secret, created.secret]);

    new_customer(&store, &tenant, json!({})).await;
    store
        .delete_webhook_endpoint(&tenant, &created.id)
        .await
        .unwrap();
    assert!(store
        .claim_due_deliveries(10, &[])
        .await
        .unwrap()
        .is_empty());
    assert!(store
        .find_webhook_endpoint(&tenant, &created.id)
        .await
        .is_err());
}

#[tokio::test]
async fn a_test_event_goes_to_its_endpoint_only_and_is_not_an_event() {
    let (store, _db) = open_store().await;
    let (tenant, _, _) = merchant(&store, "kofi@example.com").await;
    let created = endpoint(&store, &tenant, json!(["customer.created"])).await;
    endpoint(&store, &tenant, json!(["*"])).await;

    let sent = store.send_test_event(&tenant, &created.id).await.unwrap();

    let claimed = store.claim_due_deliveries(10, &[]).await.unwrap();
    assert_eq!(claimed.len(), 1);
    assert_eq!(claimed[0].endpoint_id, created.id);
    let body: serde_json::Value = serde_json::from_str(&claimed[0].body).unwrap();
    assert_eq!(body["type"], "webhook_endpoint.test");
    assert_eq!(body["id"], sent.as_str());
    assert!(body["data"]["object"].get("secret").is_none());
    assert!(events(&store, &tenant, &[]).await.is_empty());
}

#[tokio::test]
async fn endpoints_on_private_addresses_are_refused_unless_allowed() {
    let (store, _db) = open_store().await;
    let (tenant, _, _) = merchant(&store, "kofi@example.com").await;
    for url in [
        "http://127.0.0.1:9/hook",
        "http://localhost/hook",
        "http://[::1]/hook",
        "http://10.1.2.3/hook",
        "http://169.254.169.254/latest/meta-data",
    ] {
        let input = WebhookEndpointForCreate::from_json(&body(json!({
            "url": url, "enabled_events": ["*"]
        })))
        .unwrap();
        let error = store
            .insert_webhook_endpoint(&tenant, input)
            .await
            .unwrap_err();
        assert_eq!(error.param(), Some("url"), "{url}");
    }
    let store = store.allow_private_webhooks(true);
    let input = WebhookEndpointForCreate::from_json(&body(json!({
        "url": "http://127.0.0.1:9/hook", "enabled_events": ["*"]
    })))
    .unwrap();
    assert!(store.insert_webhook_endpoint(&tenant, input).await.is_ok());
}

#[tokio::test]
async fn an_import_records_an_event_for_each_customer() {
    let (store, _db) = open_store().await;
    let (tenant, _, _) = merchant(&store, "kofi@example.com").await;
    endpoint(&store, &tenant, json!(["customer.created"])).await;
    let inputs = (0..3).map(|i| {
        CustomerForCreate::from_json(&body(json!({"name": format!("Customer {i}")}))).unwrap()
    });
    let ids = store.import_customers(&tenant, inputs).await.unwrap();
    let recorded = events(&store, &tenant, &[]).await;
    let recorded_ids: Vec<_> = recorded
        .iter()
        .rev()
        .map(|event| event.data.object["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(recorded_ids, ids);
    assert_eq!(store.claim_due_deliveries(10, &[]).await.unwrap().len(), 3);
}
