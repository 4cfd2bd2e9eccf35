//! `spawn_app()` and request helpers shared by every API test.

use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use axum::Router;
use domain::store::testing::TestDatabase;
use domain::store::{RateLimit, Store};
use domain::MerchantForCreate;
use http_body_util::BodyExt;
use leptos::config::LeptosOptions;
use serde_json::Value;
use server::{app, AppState};
use tower::ServiceExt;

/// One merchant's keys.
pub struct Keys {
    pub test: String,
    pub live: String,
}

pub struct TestApp {
    pub router: Router,
    pub store: Store,
    /// The merchant most tests act as.
    pub keys: Keys,
    /// A second merchant, for isolation tests.
    pub other: Keys,
    pub database: TestDatabase,
}

pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
}

/// A fresh database with two merchants, and the router over it (no rate limit).
pub async fn spawn_app() -> TestApp {
    spawn_app_with(RateLimit::off()).await
}

pub async fn spawn_app_with(rate_limit: RateLimit) -> TestApp {
    let database = TestDatabase::new();
    let store = Store::open(&database.url).await.unwrap();
    let keys = merchant(&store, "merchant@example.com").await;
    let other = merchant(&store, "other@example.com").await;
    let leptos_options = LeptosOptions::builder().output_name("shika").build();
    let router = app(AppState {
        store: store.clone(),
        leptos_options,
        rate_limit,
    });
    TestApp {
        router,
        store,
        keys,
        other,
        database,
    }
}

/// The database's files are sound (SQLite's own check; PostgreSQL keeps its files to itself).
pub async fn assert_sound(store: &Store) {
    let check = store.integrity_check().await.unwrap();
    assert!(matches!(check.as_deref(), None | Some("ok")), "{check:?}");
}

async fn merchant(store: &Store, email: &str) -> Keys {
    let input = MerchantForCreate::parse("Shop", email, "correct horse battery").unwrap();
    let (_, test, live) = store.create_merchant(input).await.unwrap();
    Keys {
        test: test.secret,
        live: live.secret,
    }
}

impl TestApp {
    /// Sends a request as built; the body is parsed as JSON (or `Null` when it is not JSON).
    pub async fn send(&self, request: Request<Body>) -> TestResponse {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        TestResponse {
            status,
            headers,
            body,
        }
    }

    /// A JSON request with `key` as Bearer token.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        key: &str,
        body: Option<Value>,
    ) -> TestResponse {
        self.call_with(method, path, key, body, &[]).await
    }

    /// Like `call`, with extra headers.
    pub async fn call_with(
        &self,
        method: Method,
        path: &str,
        key: &str,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> TestResponse {
        let mut request = Request::builder()
            .method(method)
            .uri(path)
            .header("authorization", format!("Bearer {key}"));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let body = match body {
            Some(body) => {
                request = request.header("content-type", "application/json");
                Body::from(body.to_string())
            }
            None => Body::empty(),
        };
        self.send(request.body(body).unwrap()).await
    }

    pub async fn get(&self, path: &str) -> TestResponse {
        self.call(Method::GET, path, &self.keys.test, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> TestResponse {
        self.call(Method::POST, path, &self.keys.test, Some(body))
            .await
    }

    pub async fn patch(&self, path: &str, body: Value) -> TestResponse {
        self.call(Method::PATCH, path, &self.keys.test, Some(body))
            .await
    }

    pub async fn delete(&self, path: &str) -> TestResponse {
        self.call(Method::DELETE, path, &self.keys.test, None).await
    }

    /// Creates a customer with `key` and answers its id.
    pub async fn customer_with(&self, key: &str, body: Value) -> String {
        let response = self
            .call(Method::POST, "/v1/customers", key, Some(body))
            .await;
        assert_eq!(response.status, StatusCode::OK, "{}", response.body);
        response.body["id"].as_str().unwrap().to_owned()
    }

    pub async fn customer(&self, body: Value) -> String {
        self.customer_with(&self.keys.test.clone(), body).await
    }
}

impl TestResponse {
    /// Asserts an error answer of the spec's shape and returns its `error` object.
    #[track_caller]
    pub fn error(&self, status: StatusCode, kind: &str) -> &Value {
        assert_eq!(self.status, status, "{}", self.body);
        let error = &self.body["error"];
        assert_eq!(error["type"], kind, "{}", self.body);
        assert!(
            error["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{}",
            self.body
        );
        error
    }

    /// Asserts a 400 `invalid_request_error` with this code and param.
    #[track_caller]
    pub fn invalid(&self, code: &str, param: &str) {
        let error = self.error(StatusCode::BAD_REQUEST, "invalid_request_error");
        assert_eq!(error["code"], code, "{}", self.body);
        assert_eq!(error["param"], param, "{}", self.body);
    }

    #[track_caller]
    pub fn ok(&self) -> &Value {
        assert_eq!(self.status, StatusCode::OK, "{}", self.body);
        &self.body
    }

    /// The ids of a list answer's `data`.
    #[track_caller]
    pub fn ids(&self) -> Vec<String> {
        self.ok()["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["id"].as_str().unwrap().to_owned())
            .collect()
    }
}
