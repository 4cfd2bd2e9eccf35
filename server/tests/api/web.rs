//! The dashboard's side of the router: cross-site refusal and the browser safety headers.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use tower::ServiceExt;

use crate::helpers::spawn_app;

fn login_post(extra: &[(&str, &str)]) -> Request<Body> {
    let mut request = Request::post("/api/login")
        .header("host", "127.0.0.1:3000")
        .header("content-type", "application/x-www-form-urlencoded");
    for (name, value) in extra {
        request = request.header(*name, *value);
    }
    request
        .body(Body::from("email=a%40example.com&password=whatever1"))
        .unwrap()
}

#[tokio::test]
async fn server_functions_refuse_cross_site_posts() {
    let app = spawn_app().await;
    for headers in [
        vec![("sec-fetch-site", "cross-site")],
        vec![("sec-fetch-site", "same-site")],
        vec![("origin", "https://evil.example")],
        vec![("origin", "http://127.0.0.1:3001")],
    ] {
        let response = app.send(login_post(&headers)).await;
        assert_eq!(response.status, StatusCode::FORBIDDEN, "{headers:?}");
    }
}

#[tokio::test]
async fn server_functions_accept_same_origin_posts() {
    let app = spawn_app().await;
    for headers in [
        vec![
            ("sec-fetch-site", "same-origin"),
            ("origin", "http://127.0.0.1:3000"),
        ],
        vec![("origin", "http://127.0.0.1:3000")],
        vec![],
    ] {
        // Wrong credentials: the request got through to the server function, which said 401.
        let response = app.send(login_post(&headers)).await;
        assert_eq!(response.status, StatusCode::UNAUTHORIZED, "{headers:?}");
    }
}

#[tokio::test]
async fn pages_carry_a_content_security_policy_with_their_script_nonce() {
    let app = spawn_app().await;
    let request = Request::get("/login")
        .header("accept", "text/html")
        .body(Body::empty())
        .unwrap();
    let response = app.router.clone().oneshot(request).await.unwrap();
    let headers = response.headers().clone();
    let html = String::from_utf8(
        response
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec(),
    )
    .unwrap();
    let policy = headers["content-security-policy"].to_str().unwrap();
    let nonce = html
        .split("nonce=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    assert!(policy.contains(&format!("'nonce-{nonce}'")), "{policy}");
    assert!(
        policy.contains("'wasm-unsafe-eval'") && policy.contains("frame-ancestors 'none'"),
        "{policy}"
    );
    assert!(!policy.contains("unsafe-inline"), "{policy}");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["referrer-policy"], "same-origin");
    assert_eq!(headers["x-frame-options"], "DENY");
}

#[tokio::test]
async fn api_answers_carry_the_safety_headers_too() {
    let app = spawn_app().await;
    let response = app.get("/v1/customers").await;
    assert_eq!(response.headers["x-content-type-options"], "nosniff");
    assert_eq!(response.headers["x-frame-options"], "DENY");
    assert_eq!(
        response.headers["content-security-policy"],
        "default-src 'none'; frame-ancestors 'none'"
    );
}
