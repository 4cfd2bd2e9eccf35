//! Authentication: Bearer and Basic, and 401 for every kind of bad credential.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use base64::Engine;
use domain::{Mode, Tenant};

use domain::store::RateLimit;

use crate::helpers::{spawn_app, spawn_app_with};

fn basic(user_and_password: &str) -> String {
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(user_and_password)
    )
}

#[tokio::test]
async fn bearer_and_basic_with_empty_password_are_accepted() {
    let app = spawn_app().await;
    for header in [
        format!("Bearer {}", app.keys.test),
        basic(&format!("{}:", app.keys.test)),
    ] {
        let request = Request::get("/v1/customers")
            .header("authorization", header)
            .body(Body::empty())
            .unwrap();
        app.send(request).await.ok();
    }
}

#[tokio::test]
async fn missing_empty_malformed_unknown_and_unknown_scheme_credentials_are_401() {
    let app = spawn_app().await;
    let headers = [
        None,
        Some(String::new()),
        Some("Bearer".to_owned()),
        Some("Bearer ".to_owned()),
        Some(format!("Bearer{}", app.keys.test)),
        Some("Bearer sk_test_doesnotexist".to_owned()),
        Some("Bearer sk_prod_whatever".to_owned()),
        Some(format!("Token {}", app.keys.test)),
        Some(format!("Digest {}", app.keys.test)),
        Some("Basic !!!not-base64!!!".to_owned()),
        Some(basic(":")),
        Some(basic("sk_test_unknown:")),
    ];
    for header in headers {
        let mut request = Request::get("/v1/customers");
        if let Some(header) = &header {
            request = request.header("authorization", header);
        }
        let response = app.send(request.body(Body::empty()).unwrap()).await;
        response.error(StatusCode::UNAUTHORIZED, "authentication_error");
    }
}

#[tokio::test]
async fn a_rolled_key_is_refused_at_once() {
    let app = spawn_app().await;
    let tenant = app
        .store
        .authenticate(&app.keys.test)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(tenant.mode, Mode::Test);
    let key_id = app.store.list_api_keys(&tenant).await.unwrap()[0]
        .id
        .clone();
    let new = app
        .store
        .roll_api_key(&Tenant { ..tenant }, &key_id)
        .await
        .unwrap();
    app.get("/v1/customers")
        .await
        .error(StatusCode::UNAUTHORIZED, "authentication_error");
    app.call(axum::http::Method::GET, "/v1/customers", &new.secret, None)
        .await
        .ok();
}

#[tokio::test]
async fn each_key_is_rate_limited_with_429_and_retry_after() {
    let app = spawn_app_with(RateLimit::per_second(2)).await;
    for _ in 0..4 {
        app.get("/v1/customers").await.ok();
    }
    let limited = app.get("/v1/customers").await;
    let error = limited.error(StatusCode::TOO_MANY_REQUESTS, "rate_limit_error");
    assert_eq!(error["code"], "rate_limit");
    let retry_after: u64 = limited.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=1).contains(&retry_after), "{retry_after}");
    // Another key (the live one) has its own bucket.
    app.call(
        axum::http::Method::GET,
        "/v1/customers",
        &app.keys.live,
        None,
    )
    .await
    .ok();
}
