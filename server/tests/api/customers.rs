//! Customers: the object's shape, every field rule, and create / retrieve / update / delete.

use std::collections::BTreeSet;

use axum::http::StatusCode;
use serde_json::{json, Value};

use crate::helpers::spawn_app;

fn is_iso_utc(value: &Value) -> bool {
    let text = value.as_str().unwrap_or_default();
    text.ends_with('Z') && domain::Timestamp::parse(text).is_ok() && text.len() >= 20
}

#[tokio::test]
async fn create_answers_the_seed_object_with_exactly_its_keys() {
    let app = spawn_app().await;
    let body = json!({"email": "customer@example.com", "name": "John Doe", "phone": "0241234567",
                      "metadata": {"user_id": "123"}});
    let customer = app.post("/v1/customers", body).await.ok().clone();
    let keys: BTreeSet<_> = customer.as_object().unwrap().keys().cloned().collect();
    let want: BTreeSet<_> = [
        "id",
        "object",
        "email",
        "name",
        "phone",
        "metadata",
        "created_at",
        "updated_at",
    ]
    .map(String::from)
    .into();
    assert_eq!(keys, want);
    assert_eq!(customer["object"], "customer");
    assert_eq!(customer["email"], "customer@example.com");
    assert_eq!(customer["name"], "John Doe");
    assert_eq!(customer["phone"], "0241234567");
    assert_eq!(customer["metadata"], json!({"user_id": "123"}));
    assert!(
        is_iso_utc(&customer["created_at"]) && customer["created_at"] == customer["updated_at"]
    );
    let id = customer["id"].as_str().unwrap();
    let random = id.strip_prefix("cus_").unwrap();
    assert!(
        random.len() >= 12 && random.chars().all(|c| c.is_ascii_alphanumeric()),
        "{id}"
    );
    assert_eq!(
        app.get(&format!("/v1/customers/{id}")).await.ok(),
        &customer
    );
}

#[tokio::test]
async fn ids_are_unique_and_unguessable() {
    let app = spawn_app().await;
    let mut ids = BTreeSet::new();
    for _ in 0..50 {
        ids.insert(app.customer(json!({})).await);
    }
    assert_eq!(ids.len(), 50);
    // ≥ 64 bits of entropy: at least 11 base-62 characters; we use 24.
    assert!(ids.iter().all(|id| id.len() == 4 + 24));
}

#[tokio::test]
async fn an_empty_customer_has_nulls_and_empty_metadata() {
    let app = spawn_app().await;
    let customer = app.post("/v1/customers", json!({})).await.ok().clone();
    assert_eq!(customer["email"], Value::Null);
    assert_eq!(customer["name"], Value::Null);
    assert_eq!(customer["phone"], Value::Null);
    assert_eq!(customer["metadata"], json!({}));
}

#[tokio::test]
async fn on_create_empty_strings_and_nulls_are_not_sent() {
    let app = spawn_app().await;
    let customer = app
        .post("/v1/customers", json!({"email": "", "name": null, "phone": "", "metadata": {"a": "", "b": null, "c": "kept"}}))
        .await
        .ok()
        .clone();
    assert_eq!(
        (
            customer["email"].clone(),
            customer["name"].clone(),
            customer["phone"].clone()
        ),
        (Value::Null, Value::Null, Value::Null)
    );
    assert_eq!(customer["metadata"], json!({"c": "kept"}));
}

#[tokio::test]
async fn email_must_be_plausible_and_is_stored_trimmed() {
    let app = spawn_app().await;
    let customer = app
        .post("/v1/customers", json!({"email": "  Ama@Example.com "}))
        .await
        .ok()
        .clone();
    assert_eq!(customer["email"], "Ama@Example.com");
    for bad in [
        "ama",
        "ama@example",
        "a b@example.com",
        "ama@@example.com",
        "@example.com",
    ] {
        app.post("/v1/customers", json!({ "email": bad }))
            .await
            .invalid("parameter_invalid", "email");
    }
    let long = format!("{}@example.com", "a".repeat(243));
    assert_eq!(long.len(), 255);
    app.post("/v1/customers", json!({ "email": long }))
        .await
        .invalid("parameter_invalid", "email");
    app.post("/v1/customers", json!({ "email": &long[1..] }))
        .await
        .ok();
    app.post("/v1/customers", json!({ "email": 42 }))
        .await
        .invalid("parameter_invalid", "email");
}

#[tokio::test]
async fn duplicate_emails_are_allowed() {
    let app = spawn_app().await;
    app.customer(json!({"email": "same@example.com"})).await;
    app.customer(json!({"email": "same@example.com"})).await;
}

#[tokio::test]
async fn name_takes_any_unicode_up_to_256_chars() {
    let app = spawn_app().await;
    let name = "Ɛ".repeat(256);
    assert_eq!(
        app.post("/v1/customers", json!({ "name": name }))
            .await
            .ok()["name"],
        name
    );
    app.post("/v1/customers", json!({ "name": "Ɛ".repeat(257) }))
        .await
        .invalid("parameter_invalid", "name");
}

#[tokio::test]
async fn phone_takes_local_and_e164_numbers_as_given() {
    let app = spawn_app().await;
    for phone in [
        "0241234567",
        "+233241234567",
        "+233 24 123-4567",
        "(024) 123 4567",
    ] {
        assert_eq!(
            app.post("/v1/customers", json!({ "phone": format!(" {phone} ") }))
                .await
                .ok()["phone"],
            phone
        );
    }
    for bad in ["123456", "1234567890123456", "phone", "+", "024 123 456x"] {
        app.post("/v1/customers", json!({ "phone": bad }))
            .await
            .invalid("parameter_invalid", "phone");
    }
}

#[tokio::test]
async fn metadata_limits_are_enforced() {
    let app = spawn_app().await;
    let fifty: serde_json::Map<String, Value> =
        (0..50).map(|i| (format!("key{i}"), json!("v"))).collect();
    app.post("/v1/customers", json!({ "metadata": fifty }))
        .await
        .ok();
    let mut fifty_one = fifty.clone();
    fifty_one.insert("key50".into(), json!("v"));
    app.post("/v1/customers", json!({ "metadata": fifty_one }))
        .await
        .invalid("parameter_invalid", "metadata");
    app.post(
        "/v1/customers",
        json!({ "metadata": { "k".repeat(41): "v" } }),
    )
    .await
    .invalid("parameter_invalid", "metadata");
    app.post("/v1/customers", json!({ "metadata": { "a[b]": "v" } }))
        .await
        .invalid("parameter_invalid", "metadata");
    app.post(
        "/v1/customers",
        json!({ "metadata": { "k": "v".repeat(501) } }),
    )
    .await
    .invalid("parameter_invalid", "metadata[k]");
    for bad in [json!(1), json!(true), json!({"nested": "x"}), json!(["x"])] {
        app.post("/v1/customers", json!({ "metadata": { "k": bad } }))
            .await
            .invalid("parameter_invalid", "metadata[k]");
    }
    for bad in [json!("text"), json!([1]), json!(7)] {
        app.post("/v1/customers", json!({ "metadata": bad }))
            .await
            .invalid("parameter_invalid", "metadata");
    }
    assert_eq!(app.get("/v1/customers?limit=100").await.ids().len(), 1);
}

#[tokio::test]
async fn retrieve_unknown_is_404_naming_the_id() {
    let app = spawn_app().await;
    let response = app.get("/v1/customers/cus_doesnotexist").await;
    let error = response.error(StatusCode::NOT_FOUND, "invalid_request_error");
    assert_eq!(error["code"], "resource_missing");
    assert_eq!(error["message"], "No such customer: 'cus_doesnotexist'");
    assert_eq!(error["param"], "id");
}

#[tokio::test]
async fn update_changes_only_the_fields_sent_and_moves_updated_at() {
    let app = spawn_app().await;
    let created = app
        .post("/v1/customers", json!({"email": "a@example.com", "name": "John Doe", "phone": "0241234567", "metadata": {"user_id": "123"}}))
        .await
        .ok()
        .clone();
    let path = format!("/v1/customers/{}", created["id"].as_str().unwrap());
    let updated = app
        .patch(
            &path,
            json!({"name": "Jane Doe", "metadata": {"vip": "true"}}),
        )
        .await
        .ok()
        .clone();
    assert_eq!(updated["name"], "Jane Doe");
    assert_eq!(updated["email"], "a@example.com");
    assert_eq!(updated["phone"], "0241234567");
    assert_eq!(
        updated["metadata"],
        json!({"user_id": "123", "vip": "true"})
    );
    assert_eq!(updated["created_at"], created["created_at"]);
    assert!(updated["updated_at"].as_str() >= created["updated_at"].as_str());
    assert_eq!(app.get(&path).await.ok(), &updated);

    let again = app.patch(&path, json!({})).await.ok().clone();
    assert!(again["updated_at"].as_str() >= updated["updated_at"].as_str());
}

#[tokio::test]
async fn update_clears_with_null_or_empty_and_merges_metadata() {
    let app = spawn_app().await;
    let id = app
        .customer(json!({"email": "a@example.com", "name": "Ama", "phone": "0241234567", "metadata": {"a": "1", "b": "2", "c": "3"}}))
        .await;
    let path = format!("/v1/customers/{id}");
    let updated = app
        .patch(
            &path,
            json!({"email": null, "name": "", "metadata": {"a": "", "b": null, "d": "4"}}),
        )
        .await
        .ok()
        .clone();
    assert_eq!(updated["email"], Value::Null);
    assert_eq!(updated["name"], Value::Null);
    assert_eq!(updated["phone"], "0241234567");
    assert_eq!(updated["metadata"], json!({"c": "3", "d": "4"}));
    let cleared = app
        .patch(&path, json!({"phone": null, "metadata": null}))
        .await
        .ok()
        .clone();
    assert_eq!(cleared["phone"], Value::Null);
    assert_eq!(cleared["metadata"], json!({}));
}

#[tokio::test]
async fn an_invalid_update_changes_nothing() {
    let app = spawn_app().await;
    let id = app
        .customer(json!({"name": "Ama", "email": "a@example.com"}))
        .await;
    let path = format!("/v1/customers/{id}");
    let before = app.get(&path).await.ok().clone();
    app.patch(&path, json!({"name": "Kofi", "email": "broken"}))
        .await
        .invalid("parameter_invalid", "email");
    app.patch(&path, json!({"name": "Kofi", "metadata": {"x": 1}}))
        .await
        .invalid("parameter_invalid", "metadata[x]");
    app.patch(&path, json!({"name": "Kofi", "colour": "red"}))
        .await
        .invalid("parameter_unknown", "colour");
    assert_eq!(app.get(&path).await.ok(), &before);
}

#[tokio::test]
async fn update_of_unknown_customer_is_404() {
    let app = spawn_app().await;
    app.patch("/v1/customers/cus_nope", json!({"name": "x"}))
        .await
        .error(StatusCode::NOT_FOUND, "invalid_request_error");
}

#[tokio::test]
async fn delete_answers_the_seed_shape_and_the_customer_is_gone_everywhere() {
    let app = spawn_app().await;
    let id = app.customer(json!({"email": "gone@example.com"})).await;
    let kept = app.customer(json!({})).await;
    let path = format!("/v1/customers/{id}");
    let deleted = app.delete(&path).await;
    assert_eq!(
        deleted.ok(),
        &json!({"id": id, "object": "customer", "deleted": true})
    );
    for response in [
        app.get(&path).await,
        app.patch(&path, json!({"name": "x"})).await,
        app.delete(&path).await,
        app.get(&format!("{path}/payments")).await,
        app.get(&format!("{path}/subscriptions")).await,
    ] {
        let error = response.error(StatusCode::NOT_FOUND, "invalid_request_error");
        assert_eq!(error["message"], format!("No such customer: '{id}'"));
    }
    assert_eq!(app.get("/v1/customers").await.ids(), vec![kept]);
    assert!(app
        .get("/v1/customers?email=gone@example.com")
        .await
        .ids()
        .is_empty());
}

#[tokio::test]
async fn delete_cancels_active_subscriptions_and_keeps_payments_without_customer() {
    let app = spawn_app().await;
    let id = app.customer(json!({})).await;
    let sub = app
        .post(
            "/v1/subscriptions",
            json!({"customer": id, "amount": 5000, "interval": "month"}),
        )
        .await
        .ok()
        .clone();
    let canceled_before = app
        .post(
            "/v1/subscriptions",
            json!({"customer": id, "amount": 100, "interval": "day"}),
        )
        .await
        .ok()
        .clone();
    let canceled_before = app
        .delete(&format!(
            "/v1/subscriptions/{}",
            canceled_before["id"].as_str().unwrap()
        ))
        .await
        .ok()
        .clone();
    let payment = app
        .post("/v1/payments", json!({"amount": 5000, "customer": id}))
        .await
        .ok()
        .clone();

    app.delete(&format!("/v1/customers/{id}")).await.ok();

    // The customer had payments; listing them now is a 404 like any deleted customer.
    for list in ["payments", "subscriptions"] {
        app.get(&format!("/v1/customers/{id}/{list}"))
            .await
            .error(StatusCode::NOT_FOUND, "invalid_request_error");
    }
    let sub = app
        .get(&format!(
            "/v1/subscriptions/{}",
            sub["id"].as_str().unwrap()
        ))
        .await
        .ok()
        .clone();
    assert_eq!(sub["status"], "canceled");
    assert!(is_iso_utc(&sub["canceled_at"]));
    let untouched = app
        .get(&format!(
            "/v1/subscriptions/{}",
            canceled_before["id"].as_str().unwrap()
        ))
        .await
        .ok()
        .clone();
    assert_eq!(untouched["canceled_at"], canceled_before["canceled_at"]);
    let payment = app
        .get(&format!("/v1/payments/{}", payment["id"].as_str().unwrap()))
        .await
        .ok()
        .clone();
    assert_eq!(payment["customer"], Value::Null);
    assert_eq!(payment["amount"], 5000);
}
