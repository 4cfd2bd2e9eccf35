//! The error object: type, code, message and the parameter as the client spelled it.

use axum::http::StatusCode;
use serde_json::json;

use crate::helpers::spawn_app;

#[tokio::test]
async fn invalid_email_has_the_spec_example_shape() {
    let app = spawn_app().await;
    let response = app
        .post("/v1/customers", json!({"email": "not-an-email"}))
        .await;
    assert_eq!(response.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        response.body,
        json!({"error": {"type": "invalid_request_error", "code": "parameter_invalid",
                         "message": "Invalid email address: 'not-an-email'", "param": "email"}})
    );
}

#[tokio::test]
async fn unknown_body_parameters_are_named() {
    let app = spawn_app().await;
    let id = app.customer(json!({})).await;
    for (path, body) in [
        ("/v1/customers".to_owned(), json!({"colour": "red"})),
        (format!("/v1/customers/{id}"), json!({"colour": "red"})),
        (
            "/v1/payments".to_owned(),
            json!({"amount": 100, "colour": "red"}),
        ),
        (
            "/v1/subscriptions".to_owned(),
            json!({"customer": id, "amount": 1, "interval": "day", "colour": "red"}),
        ),
    ] {
        let response = if path.contains("cus_") {
            app.patch(&path, body).await
        } else {
            app.post(&path, body).await
        };
        response.invalid("parameter_unknown", "colour");
    }
}

#[tokio::test]
async fn read_only_fields_are_unknown_parameters() {
    let app = spawn_app().await;
    let id = app.customer(json!({})).await;
    for field in ["id", "object", "created_at", "updated_at"] {
        let body = json!({ field: "2024-01-15T10:00:00Z" });
        app.post("/v1/customers", body.clone())
            .await
            .invalid("parameter_unknown", field);
        app.patch(&format!("/v1/customers/{id}"), body)
            .await
            .invalid("parameter_unknown", field);
    }
}

#[tokio::test]
async fn unknown_query_parameters_are_named_on_every_endpoint() {
    let app = spawn_app().await;
    let id = app.customer(json!({})).await;
    for path in [
        "/v1/customers?colour=red".to_owned(),
        format!("/v1/customers/{id}?colour=red"),
        format!("/v1/customers/{id}/payments?colour=red"),
        format!("/v1/customers/{id}/subscriptions?colour=red"),
        "/v1/payments?colour=red".to_owned(),
        "/v1/subscriptions?colour=red".to_owned(),
    ] {
        app.get(&path).await.invalid("parameter_unknown", "colour");
    }
    app.post("/v1/customers?colour=red", json!({}))
        .await
        .invalid("parameter_unknown", "colour");
    app.delete(&format!("/v1/customers/{id}?colour=red"))
        .await
        .invalid("parameter_unknown", "colour");
    app.get(&format!("/v1/customers/{id}")).await.ok();
}

#[tokio::test]
async fn both_cursors_are_a_parameter_invalid() {
    let app = spawn_app().await;
    let id = app.customer(json!({})).await;
    let response = app
        .get(&format!(
            "/v1/customers?starting_after={id}&ending_before={id}"
        ))
        .await;
    let error = response.error(StatusCode::BAD_REQUEST, "invalid_request_error");
    assert_eq!(error["code"], "parameter_invalid");
    assert!(["starting_after", "ending_before"].contains(&error["param"].as_str().unwrap()));
}

#[tokio::test]
async fn params_are_named_as_the_client_spelled_them() {
    let app = spawn_app().await;
    app.get("/v1/customers?created%5Bgte%5D=tomorrow")
        .await
        .invalid("parameter_invalid", "created[gte]");
    app.get("/v1/customers?created[lte]=soon")
        .await
        .invalid("parameter_invalid", "created[lte]");
    app.get("/v1/customers?limit=0")
        .await
        .invalid("parameter_invalid", "limit");
    app.post("/v1/customers", json!({"metadata": {"plan": 5}}))
        .await
        .invalid("parameter_invalid", "metadata[plan]");
}

#[tokio::test]
async fn a_500_shows_no_internals() {
    let app = spawn_app().await;
    // With the database closed every query fails, authentication's included.
    app.store.close().await;
    let response = app.get("/v1/customers").await;
    let error = response.error(StatusCode::INTERNAL_SERVER_ERROR, "api_error");
    let message = error["message"].as_str().unwrap();
    assert!(
        !message.to_lowercase().contains("pool") && !message.to_lowercase().contains("sql"),
        "{message}"
    );
}
