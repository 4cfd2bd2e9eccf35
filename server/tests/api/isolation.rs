//! Tenancy: on every endpoint, another mode's or another merchant's objects do not exist.

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::spawn_app;

#[tokio::test]
async fn objects_of_another_mode_or_merchant_are_404_on_every_endpoint() {
    let app = spawn_app().await;
    let owner = app.keys.test.clone();
    let customer = app
        .customer_with(&owner, json!({"email": "c@example.com"}))
        .await;
    let payment = app
        .call(
            Method::POST,
            "/v1/payments",
            &owner,
            Some(json!({"amount": 1, "customer": customer})),
        )
        .await
        .ok()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let sub = app
        .call(
            Method::POST,
            "/v1/subscriptions",
            &owner,
            Some(json!({"customer": customer, "amount": 1, "interval": "day"})),
        )
        .await
        .ok()["id"]
        .as_str()
        .unwrap()
        .to_owned();

    for outsider in [
        app.keys.live.clone(),
        app.other.test.clone(),
        app.other.live.clone(),
    ] {
        let not_found = |path: String, method: Method, body: Option<Value>| {
            let app = &app;
            let outsider = outsider.clone();
            async move {
                let response = app.call(method.clone(), &path, &outsider, body).await;
                let error = response.error(StatusCode::NOT_FOUND, "invalid_request_error");
                assert_eq!(error["code"], "resource_missing", "{method} {path}");
            }
        };
        not_found(format!("/v1/customers/{customer}"), Method::GET, None).await;
        not_found(
            format!("/v1/customers/{customer}"),
            Method::PATCH,
            Some(json!({"name": "stolen"})),
        )
        .await;
        not_found(format!("/v1/customers/{customer}"), Method::DELETE, None).await;
        not_found(
            format!("/v1/customers/{customer}/payments"),
            Method::GET,
            None,
        )
        .await;
        not_found(
            format!("/v1/customers/{customer}/subscriptions"),
            Method::GET,
            None,
        )
        .await;
        not_found(format!("/v1/payments/{payment}"), Method::GET, None).await;
        not_found(format!("/v1/subscriptions/{sub}"), Method::GET, None).await;
        not_found(format!("/v1/subscriptions/{sub}"), Method::DELETE, None).await;

        for list in [
            "/v1/customers",
            "/v1/payments",
            "/v1/subscriptions",
            "/v1/customers?email=c@example.com",
        ] {
            let response = app.call(Method::GET, list, &outsider, None).await;
            assert!(response.ids().is_empty(), "{list} leaked to another tenant");
        }
        let response = app
            .call(
                Method::POST,
                "/v1/payments",
                &outsider,
                Some(json!({"amount": 1, "customer": customer})),
            )
            .await;
        response.invalid("resource_missing", "customer");
        let response = app
            .call(
                Method::POST,
                "/v1/subscriptions",
                &outsider,
                Some(json!({"customer": customer, "amount": 1, "interval": "day"})),
            )
            .await;
        response.invalid("resource_missing", "customer");
        for list in ["/v1/payments", "/v1/subscriptions"] {
            let response = app
                .call(
                    Method::GET,
                    &format!("{list}?customer={customer}"),
                    &outsider,
                    None,
                )
                .await;
            response.invalid("resource_missing", "customer");
        }
    }

    // Nothing the outsiders did changed the owner's objects.
    let after = app
        .call(
            Method::GET,
            &format!("/v1/customers/{customer}"),
            &owner,
            None,
        )
        .await;
    assert_eq!(after.ok()["email"], "c@example.com");
    let after = app
        .call(
            Method::GET,
            &format!("/v1/subscriptions/{sub}"),
            &owner,
            None,
        )
        .await;
    assert_eq!(after.ok()["status"], "active");
}

#[tokio::test]
async fn another_tenants_id_answers_exactly_like_an_id_that_never_existed() {
    let app = spawn_app().await;
    let theirs = app.customer_with(&app.other.test.clone(), json!({})).await;
    let never = "cus_000000000000000000000000";
    let a = app.get(&format!("/v1/customers/{theirs}")).await;
    let b = app.get(&format!("/v1/customers/{never}")).await;
    assert_eq!(a.status, b.status);
    assert_eq!(
        a.body["error"]["message"]
            .as_str()
            .unwrap()
            .replace(&theirs, "ID"),
        b.body["error"]["message"]
            .as_str()
            .unwrap()
            .replace(never, "ID")
    );
}
