//! `Idempotency-Key`: replays, mismatches, requests in progress, key rules and scope.

use axum::http::{Method, StatusCode};
use domain::{IdempotencyKey, IdempotentStart};
use serde_json::json;

use crate::helpers::{spawn_app, TestApp, TestResponse};

/// POSTs `body` with the API key and the given idempotency headers.
async fn post(
    app: &TestApp,
    key: &str,
    path: &str,
    body: Option<serde_json::Value>,
    headers: &[(&str, &str)],
) -> TestResponse {
    app.call_with(Method::POST, path, key, body, headers).await
}

#[tokio::test]
async fn a_retry_with_the_same_key_and_body_replays_the_answer_without_a_second_object() {
    let app = spawn_app().await;
    for (path, body) in [
        ("/v1/customers", json!({"name": "Ama"})),
        ("/v1/payments", json!({"amount": 500})),
    ] {
        let key = format!("key-{path}");
        let headers = [("idempotency-key", key.as_str())];
        let first = post(&app, &app.keys.test, path, Some(body.clone()), &headers).await;
        let retry = post(&app, &app.keys.test, path, Some(body.clone()), &headers).await;
        assert_eq!(first.ok(), retry.ok());
        assert!(first.headers.get("idempotent-replayed").is_none());
        assert_eq!(retry.headers["idempotent-replayed"], "true");
        assert_eq!(retry.headers["content-type"], "application/json");
        assert_eq!(app.get(path).await.ids().len(), 1, "{path}");
    }
}

#[tokio::test]
async fn an_error_answer_is_replayed_too() {
    let app = spawn_app().await;
    let headers = [("idempotency-key", "bad-email")];
    let body = json!({"email": "nope"});
    let first = post(
        &app,
        &app.keys.test,
        "/v1/customers",
        Some(body.clone()),
        &headers,
    )
    .await;
    let retry = post(&app, &app.keys.test, "/v1/customers", Some(body), &headers).await;
    first.invalid("parameter_invalid", "email");
    assert_eq!((retry.status, &retry.body), (first.status, &first.body));
    assert_eq!(retry.headers["idempotent-replayed"], "true");
}

#[tokio::test]
async fn the_same_key_with_a_different_body_is_an_idempotency_error() {
    let app = spawn_app().await;
    let headers = [("idempotency-key", "order-1")];
    post(
        &app,
        &app.keys.test,
        "/v1/customers",
        Some(json!({"name": "Ama"})),
        &headers,
    )
    .await
    .ok();
    let other = post(
        &app,
        &app.keys.test,
        "/v1/customers",
        Some(json!({"name": "Kofi"})),
        &headers,
    )
    .await;
    other.error(StatusCode::BAD_REQUEST, "idempotency_error");
    let elsewhere = post(
        &app,
        &app.keys.test,
        "/v1/payments",
        Some(json!({"amount": 1})),
        &headers,
    )
    .await;
    elsewhere.error(StatusCode::BAD_REQUEST, "idempotency_error");
    assert_eq!(app.get("/v1/customers").await.ids().len(), 1);
}

#[tokio::test]
async fn a_retry_while_the_first_is_still_running_is_409() {
    let app = spawn_app().await;
    let tenant = app
        .store
        .authenticate(&app.keys.test)
        .await
        .unwrap()
        .unwrap();
    let key = IdempotencyKey::parse("slow-one").unwrap();
    let body = json!({"name": "Ama"});
    let fingerprint = format!("POST /v1/customers\n{body}");
    let start = app
        .store
        .start_idempotent(&tenant, &key, fingerprint.as_bytes())
        .await
        .unwrap();
    assert_eq!(start, IdempotentStart::Run);
    let retry = post(
        &app,
        &app.keys.test,
        "/v1/customers",
        Some(body),
        &[("idempotency-key", "slow-one")],
    )
    .await;
    retry.error(StatusCode::CONFLICT, "idempotency_error");
    assert!(app.get("/v1/customers").await.ids().is_empty());
}

#[tokio::test]
async fn keys_must_be_1_to_255_printable_ascii_characters() {
    let app = spawn_app().await;
    let long = "k".repeat(256);
    for bad in ["", long.as_str(), "tab\there"] {
        let response = app
            .call_with(
                Method::POST,
                "/v1/customers",
                &app.keys.test,
                Some(json!({})),
                &[("idempotency-key", bad)],
            )
            .await;
        response.invalid("parameter_invalid", "Idempotency-Key");
    }
    assert!(app.get("/v1/customers").await.ids().is_empty());
}

#[tokio::test]
async fn keys_are_kept_per_merchant_and_mode() {
    let app = spawn_app().await;
    let headers = [("idempotency-key", "shared")];
    let body = Some(json!({"name": "Ama"}));
    let test = app
        .call_with(
            Method::POST,
            "/v1/customers",
            &app.keys.test,
            body.clone(),
            &headers,
        )
        .await;
    let live = post(
        &app,
        &app.keys.live,
        "/v1/customers",
        body.clone(),
        &headers,
    )
    .await;
    let other = post(&app, &app.other.test, "/v1/customers", body, &headers).await;
    for response in [&live, &other] {
        assert!(response.headers.get("idempotent-replayed").is_none());
        assert_ne!(response.ok()["id"], test.ok()["id"]);
    }
}
