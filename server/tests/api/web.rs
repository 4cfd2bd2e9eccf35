//! The dashboard's side of the router: server functions refuse cross-site requests.

use axum::body::Body;
use axum::http::{Request, StatusCode};

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
