//! Transport: JSON everywhere, empty bodies, size limits, malformed bodies, request ids, 200s.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use domain::store::Backend;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;

use crate::helpers::spawn_app;

fn request(method: &str, path: &str, key: &str) -> axum::http::request::Builder {
    Request::builder()
        .method(method)
        .uri(path)
        .header("authorization", format!("Bearer {key}"))
}

#[tokio::test]
async fn every_response_is_json_including_unknown_routes_and_wrong_methods() {
    let app = spawn_app().await;
    let unknown = app.get("/v1/nothing-here").await;
    let error = unknown.error(StatusCode::NOT_FOUND, "invalid_request_error");
    assert!(error["message"]
        .as_str()
        .unwrap()
        .contains("/v1/nothing-here"));
    let wrong_method = app
        .call(Method::PUT, "/v1/customers", &app.keys.test, None)
        .await;
    let error = wrong_method.error(StatusCode::METHOD_NOT_ALLOWED, "invalid_request_error");
    assert!(error["message"].as_str().unwrap().contains("/v1/customers"));
    let wrong_method_on_item = app.post("/v1/payments/pay_x", json!({})).await;
    wrong_method_on_item.error(StatusCode::METHOD_NOT_ALLOWED, "invalid_request_error");
    let unauthenticated = app
        .send(Request::get("/v1/customers").body(Body::empty()).unwrap())
        .await;
    let created = app.post("/v1/customers", json!({})).await;
    for response in [
        &unknown,
        &wrong_method,
        &wrong_method_on_item,
        &unauthenticated,
        &created,
    ] {
        assert_eq!(
            response.headers["content-type"], "application/json",
            "{}",
            response.body
        );
    }
}

#[tokio::test]
async fn a_post_or_patch_without_body_counts_as_empty_object_whatever_its_content_type() {
    let app = spawn_app().await;
    for content_type in [None, Some("text/plain"), Some("application/json")] {
        let mut builder = request("POST", "/v1/customers", &app.keys.test);
        if let Some(content_type) = content_type {
            builder = builder.header("content-type", content_type);
        }
        let created = app.send(builder.body(Body::empty()).unwrap()).await;
        assert_eq!(created.ok()["email"], json!(null));
        let id = created.body["id"].as_str().unwrap();
        let mut builder = request("PATCH", &format!("/v1/customers/{id}"), &app.keys.test);
        if let Some(content_type) = content_type {
            builder = builder.header("content-type", content_type);
        }
        app.send(builder.body(Body::empty()).unwrap()).await.ok();
    }
}

#[tokio::test]
async fn bodies_over_one_mebibyte_are_refused_with_413() {
    let app = spawn_app().await;
    let big = json!({ "name": "x".repeat(1024 * 1024) }).to_string();
    let response = app
        .send(
            request("POST", "/v1/customers", &app.keys.test)
                .header("content-type", "application/json")
                .body(Body::from(big))
                .unwrap(),
        )
        .await;
    let error = response.error(StatusCode::PAYLOAD_TOO_LARGE, "invalid_request_error");
    assert_eq!(error["code"], "body_too_large");
    assert_eq!(app.get("/v1/customers").await.ids().len(), 0);
}

#[tokio::test]
async fn malformed_bodies_are_400_and_wrong_content_types_415() {
    let app = spawn_app().await;
    let bad_bodies: Vec<Vec<u8>> = vec![
        b"{\"name\": \"unterminated".to_vec(),
        b"[1, 2]".to_vec(),
        b"\"a string\"".to_vec(),
        b"   ".to_vec(),
        b"null".to_vec(),
        vec![b'{', b'"', b'n', b'"', b':', b'"', 0xff, 0xfe, b'"', b'}'],
    ];
    for body in bad_bodies {
        for (method, path) in [
            ("POST", "/v1/customers"),
            ("POST", "/v1/payments"),
            ("POST", "/v1/subscriptions"),
        ] {
            let response = app
                .send(
                    request(method, path, &app.keys.test)
                        .header("content-type", "application/json")
                        .body(Body::from(body.clone()))
                        .unwrap(),
                )
                .await;
            response.error(StatusCode::BAD_REQUEST, "invalid_request_error");
        }
    }
    let form = app
        .send(
            request("POST", "/v1/customers", &app.keys.test)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Body::from("name=Jane"))
                .unwrap(),
        )
        .await;
    form.error(StatusCode::UNSUPPORTED_MEDIA_TYPE, "invalid_request_error");
    assert_eq!(app.get("/v1/customers").await.ids().len(), 0);
}

#[tokio::test]
async fn every_response_carries_a_request_id() {
    let app = spawn_app().await;
    let responses = [
        app.get("/v1/customers").await,
        app.get("/v1/customers/cus_missing").await,
        app.get("/v1/unknown").await,
        app.send(Request::get("/healthz").body(Body::empty()).unwrap())
            .await,
    ];
    let mut ids: Vec<String> = responses
        .iter()
        .map(|r| r.headers["request-id"].to_str().unwrap().to_owned())
        .collect();
    assert!(
        ids.iter().all(|id| id.starts_with("req_") && id.len() > 12),
        "{ids:?}"
    );
    ids.dedup();
    assert_eq!(ids.len(), 4);
}

#[tokio::test]
async fn successful_create_retrieve_update_delete_and_list_answer_200() {
    let app = spawn_app().await;
    let created = app.post("/v1/customers", json!({"name": "Ama"})).await;
    assert_eq!(created.status, StatusCode::OK);
    let id = created.body["id"].as_str().unwrap();
    let path = format!("/v1/customers/{id}");
    assert_eq!(app.get(&path).await.status, StatusCode::OK);
    assert_eq!(
        app.patch(&path, json!({"name": "Ama O."})).await.status,
        StatusCode::OK
    );
    assert_eq!(app.get("/v1/customers").await.status, StatusCode::OK);
    assert_eq!(app.delete(&path).await.status, StatusCode::OK);
}

#[tokio::test]
async fn healthz_answers_json_after_asking_the_database() {
    let app = spawn_app().await;
    let response = app
        .send(Request::get("/healthz").body(Body::empty()).unwrap())
        .await;
    assert_eq!(response.ok()["status"], "ok");
    let (backend, version) = match app.database.backend() {
        Backend::Sqlite => ("sqlite", "3."),
        Backend::Postgres => ("postgres", "15."),
    };
    assert_eq!(response.body["database"]["backend"], backend);
    assert!(response.body["database"]["version"]
        .as_str()
        .unwrap()
        .starts_with(version));
    app.store.close().await;
    let response = app
        .send(Request::get("/healthz").body(Body::empty()).unwrap())
        .await;
    assert_eq!(response.status, StatusCode::SERVICE_UNAVAILABLE);
}

#[tokio::test]
async fn the_bench_ceiling_is_served_only_when_asked_for_through_the_same_middleware() {
    // Arrange
    let app = spawn_app().await;
    let state = server::AppState {
        store: app.store.clone(),
        leptos_options: leptos::config::LeptosOptions::builder()
            .output_name("shika")
            .build(),
        rate_limit: domain::store::RateLimit::off(),
    };
    let with_ceiling = server::app_with_bench_ceiling(state);
    let request = || Request::get("/bench/ceiling").body(Body::empty()).unwrap();

    // Act
    let served = with_ceiling.oneshot(request()).await.unwrap();
    let normal = app.send(request()).await;

    // Assert
    assert_eq!(served.status(), StatusCode::OK);
    assert!(served.headers()["request-id"]
        .to_str()
        .unwrap()
        .starts_with("req_"));
    assert_eq!(served.headers()["x-content-type-options"], "nosniff");
    let body = served.into_body().collect().await.unwrap().to_bytes();
    let customer: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(customer["object"], "customer");
    assert_eq!(normal.status, StatusCode::NOT_FOUND);
}

/// The raw answer to `GET path` with this `Accept-Encoding`: its `Content-Encoding`, `Vary` and
/// size.
async fn encoded_get(
    app: &crate::helpers::TestApp,
    path: &str,
    accept: Option<&str>,
) -> (Option<String>, Option<String>, usize) {
    let mut builder = request("GET", path, &app.keys.test);
    if let Some(accept) = accept {
        builder = builder.header("accept-encoding", accept);
    }
    let response = app
        .router
        .clone()
        .oneshot(builder.body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
    };
    let (encoding, vary) = (header("content-encoding"), header("vary"));
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (encoding, vary, bytes.len())
}

#[tokio::test]
async fn pages_are_compressed_for_browsers_that_ask_and_api_json_is_not() {
    // Arrange
    let app = spawn_app().await;
    for i in 0..10 {
        app.customer(
            json!({"name": format!("Customer {i}"), "email": format!("c{i}@example.com")}),
        )
        .await;
    }

    // Act: the API docs page is public HTML of many kilobytes.
    let (plain, _, plain_size) = encoded_get(&app, "/docs", None).await;
    let (brotli, vary, brotli_size) = encoded_get(&app, "/docs", Some("gzip, br")).await;
    let (gzip, _, gzip_size) = encoded_get(&app, "/docs", Some("gzip")).await;
    let (api, _, api_size) = encoded_get(&app, "/v1/customers?limit=10", Some("gzip, br")).await;

    // Assert
    assert_eq!(plain, None);
    assert_eq!(brotli.as_deref(), Some("br"));
    assert!(vary.unwrap_or_default().contains("accept-encoding"));
    assert!(
        brotli_size * 3 < plain_size,
        "{brotli_size} of {plain_size}"
    );
    assert_eq!(gzip.as_deref(), Some("gzip"));
    assert!(gzip_size * 2 < plain_size, "{gzip_size} of {plain_size}");
    assert_eq!(
        api, None,
        "the API's JSON ({api_size} bytes) is sent as it is"
    );
}
