//! Payments: create with its rules, retrieve, and list with the `customer` filter.

use axum::http::StatusCode;
use serde_json::{json, Value};

use crate::helpers::spawn_app;

#[tokio::test]
async fn create_answers_the_payment_object() {
    let app = spawn_app().await;
    let customer = app.customer(json!({})).await;
    let payment = app
        .post("/v1/payments", json!({"amount": 5000, "currency": "usd", "customer": customer, "description": "Order 1", "metadata": {"order": "1"}}))
        .await
        .ok()
        .clone();
    assert!(payment["id"].as_str().unwrap().starts_with("pay_"));
    assert_eq!(payment["object"], "payment");
    assert_eq!(payment["amount"], 5000);
    assert_eq!(payment["currency"], "USD");
    assert_eq!(payment["customer"], customer);
    assert_eq!(payment["description"], "Order 1");
    assert_eq!(payment["status"], "succeeded");
    assert_eq!(payment["metadata"], json!({"order": "1"}));
    assert!(payment["created_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(
        app.get(&format!("/v1/payments/{}", payment["id"].as_str().unwrap()))
            .await
            .ok(),
        &payment
    );
}

#[tokio::test]
async fn currency_defaults_to_ghs_and_customer_to_null() {
    let app = spawn_app().await;
    let payment = app
        .post("/v1/payments", json!({"amount": 1}))
        .await
        .ok()
        .clone();
    assert_eq!(payment["currency"], "GHS");
    assert_eq!(payment["customer"], Value::Null);
}

#[tokio::test]
async fn amount_is_required_and_an_integer_from_1_to_999999999999() {
    let app = spawn_app().await;
    app.post("/v1/payments", json!({}))
        .await
        .invalid("parameter_missing", "amount");
    for bad in [
        json!(0),
        json!(-1),
        json!(1.5),
        json!("100"),
        json!(1_000_000_000_000_i64),
        json!(null),
    ] {
        let response = app.post("/v1/payments", json!({ "amount": bad })).await;
        let code = if bad.is_null() {
            "parameter_missing"
        } else {
            "parameter_invalid"
        };
        response.invalid(code, "amount");
    }
    app.post("/v1/payments", json!({"amount": 999_999_999_999_i64}))
        .await
        .ok();
}

#[tokio::test]
async fn currency_must_be_iso_4217() {
    let app = spawn_app().await;
    for bad in ["cedi", "XXX1", "ABC", "G"] {
        app.post("/v1/payments", json!({"amount": 1, "currency": bad}))
            .await
            .invalid("parameter_invalid", "currency");
    }
    assert_eq!(
        app.post("/v1/payments", json!({"amount": 1, "currency": "ngn"}))
            .await
            .ok()["currency"],
        "NGN"
    );
}

#[tokio::test]
async fn a_customer_the_key_cannot_see_is_resource_missing() {
    let app = spawn_app().await;
    let live = app.customer_with(&app.keys.live.clone(), json!({})).await;
    let others = app.customer_with(&app.other.test.clone(), json!({})).await;
    for customer in ["cus_neverexisted", live.as_str(), others.as_str()] {
        app.post("/v1/payments", json!({"amount": 1, "customer": customer}))
            .await
            .invalid("resource_missing", "customer");
        app.get(&format!("/v1/payments?customer={customer}"))
            .await
            .invalid("resource_missing", "customer");
    }
}

#[tokio::test]
async fn list_filters_by_customer() {
    let app = spawn_app().await;
    let ama = app.customer(json!({})).await;
    let kofi = app.customer(json!({})).await;
    let for_ama = app
        .post("/v1/payments", json!({"amount": 1, "customer": ama}))
        .await
        .ok()["id"]
        .clone();
    let for_kofi = app
        .post("/v1/payments", json!({"amount": 2, "customer": kofi}))
        .await
        .ok()["id"]
        .clone();
    let anonymous = app.post("/v1/payments", json!({"amount": 3})).await.ok()["id"].clone();
    let ids = |v: &[&Value]| {
        v.iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        app.get(&format!("/v1/payments?customer={ama}")).await.ids(),
        ids(&[&for_ama])
    );
    assert_eq!(
        app.get(&format!("/v1/customers/{kofi}/payments"))
            .await
            .ids(),
        ids(&[&for_kofi])
    );
    assert_eq!(
        app.get("/v1/payments").await.ids(),
        ids(&[&anonymous, &for_kofi, &for_ama])
    );
}

#[tokio::test]
async fn retrieve_unknown_payment_is_404() {
    let app = spawn_app().await;
    let error = app
        .get("/v1/payments/pay_nope")
        .await
        .error(StatusCode::NOT_FOUND, "invalid_request_error")
        .clone();
    assert_eq!(error["message"], "No such payment: 'pay_nope'");
}
