//! Subscriptions: create with its rules, retrieve, list with filters, and cancel.

use axum::http::StatusCode;
use serde_json::{json, Value};

use crate::helpers::spawn_app;

#[tokio::test]
async fn create_answers_an_active_subscription_with_its_period() {
    let app = spawn_app().await;
    let customer = app.customer(json!({})).await;
    let sub = app
        .post("/v1/subscriptions", json!({"customer": customer, "amount": 5000, "interval": "month", "metadata": {"plan": "gold"}}))
        .await
        .ok()
        .clone();
    assert!(sub["id"].as_str().unwrap().starts_with("sub_"));
    assert_eq!(sub["object"], "subscription");
    assert_eq!(sub["customer"], customer);
    assert_eq!(sub["status"], "active");
    assert_eq!(sub["amount"], 5000);
    assert_eq!(sub["currency"], "GHS");
    assert_eq!(sub["interval"], "month");
    assert_eq!(sub["canceled_at"], Value::Null);
    assert_eq!(sub["metadata"], json!({"plan": "gold"}));
    assert_eq!(sub["current_period_start"], sub["created_at"]);
    assert!(sub["current_period_end"].as_str() > sub["current_period_start"].as_str());
    assert_eq!(
        app.get(&format!(
            "/v1/subscriptions/{}",
            sub["id"].as_str().unwrap()
        ))
        .await
        .ok(),
        &sub
    );
}

#[tokio::test]
async fn customer_amount_and_interval_are_required() {
    let app = spawn_app().await;
    let customer = app.customer(json!({})).await;
    app.post("/v1/subscriptions", json!({"amount": 1, "interval": "day"}))
        .await
        .invalid("parameter_missing", "customer");
    app.post(
        "/v1/subscriptions",
        json!({"customer": customer, "interval": "day"}),
    )
    .await
    .invalid("parameter_missing", "amount");
    app.post(
        "/v1/subscriptions",
        json!({"customer": customer, "amount": 1}),
    )
    .await
    .invalid("parameter_missing", "interval");
    app.post(
        "/v1/subscriptions",
        json!({"customer": customer, "amount": 1, "interval": "hour"}),
    )
    .await
    .invalid("parameter_invalid", "interval");
    app.post(
        "/v1/subscriptions",
        json!({"customer": customer, "amount": 0, "interval": "day"}),
    )
    .await
    .invalid("parameter_invalid", "amount");
    app.post(
        "/v1/subscriptions",
        json!({"customer": customer, "amount": 1, "interval": "day", "currency": "zzz"}),
    )
    .await
    .invalid("parameter_invalid", "currency");
    app.post(
        "/v1/subscriptions",
        json!({"customer": "cus_nope", "amount": 1, "interval": "day"}),
    )
    .await
    .invalid("resource_missing", "customer");
    for interval in ["day", "week", "month", "year"] {
        app.post(
            "/v1/subscriptions",
            json!({"customer": customer, "amount": 1, "interval": interval}),
        )
        .await
        .ok();
    }
}

#[tokio::test]
async fn delete_cancels_and_cancelling_again_answers_it_unchanged() {
    let app = spawn_app().await;
    let customer = app.customer(json!({})).await;
    let id = app
        .post(
            "/v1/subscriptions",
            json!({"customer": customer, "amount": 1, "interval": "week"}),
        )
        .await
        .ok()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let canceled = app
        .delete(&format!("/v1/subscriptions/{id}"))
        .await
        .ok()
        .clone();
    assert_eq!(canceled["status"], "canceled");
    assert!(canceled["canceled_at"].as_str().unwrap().ends_with('Z'));
    let again = app
        .delete(&format!("/v1/subscriptions/{id}"))
        .await
        .ok()
        .clone();
    assert_eq!(again, canceled);
    app.delete("/v1/subscriptions/sub_nope")
        .await
        .error(StatusCode::NOT_FOUND, "invalid_request_error");
}

#[tokio::test]
async fn list_filters_by_customer_and_status() {
    let app = spawn_app().await;
    let ama = app.customer(json!({})).await;
    let kofi = app.customer(json!({})).await;
    let mut make = Vec::new();
    for customer in [&ama, &kofi, &ama] {
        make.push(
            app.post(
                "/v1/subscriptions",
                json!({"customer": customer, "amount": 1, "interval": "day"}),
            )
            .await
            .ok()["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    app.delete(&format!("/v1/subscriptions/{}", make[0]))
        .await
        .ok();
    assert_eq!(
        app.get(&format!("/v1/subscriptions?customer={ama}"))
            .await
            .ids(),
        vec![make[2].clone(), make[0].clone()]
    );
    assert_eq!(
        app.get("/v1/subscriptions?status=canceled").await.ids(),
        vec![make[0].clone()]
    );
    assert_eq!(
        app.get("/v1/subscriptions?status=active").await.ids(),
        vec![make[2].clone(), make[1].clone()]
    );
    assert_eq!(
        app.get(&format!("/v1/subscriptions?customer={ama}&status=active"))
            .await
            .ids(),
        vec![make[2].clone()]
    );
    assert_eq!(
        app.get(&format!("/v1/customers/{kofi}/subscriptions"))
            .await
            .ids(),
        vec![make[1].clone()]
    );
    app.get("/v1/subscriptions?status=paused")
        .await
        .invalid("parameter_invalid", "status");
    app.get("/v1/subscriptions?customer=cus_nope")
        .await
        .invalid("resource_missing", "customer");
}
