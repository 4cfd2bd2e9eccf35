//! Hostile input, generated: whatever arrives in bodies, query strings and headers, the API
//! answers with a status below 500 and, for errors, the error object — it never panics.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use proptest::prelude::*;
use serde_json::{Map, Value};

use crate::helpers::{spawn_app, TestApp, TestResponse};

/// Any string, weighted towards the awkward: odd Unicode, NUL bytes, brackets, long runs.
fn awkward_string() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[\\x00-\\x1f\\[\\]{}\"'\\\\@+ ]{0,12}",
        "\\PC{0,40}",
        (0usize..3000).prop_map(|n| "é".repeat(n)),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        awkward_string().prop_map(Value::String),
    ];
    leaf.prop_recursive(8, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::btree_map(awkward_string(), inner, 0..8)
                .prop_map(|m| Value::Object(m.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// A body: an object with the real field names and junk values, any JSON, or raw bytes.
fn body() -> impl Strategy<Value = Vec<u8>> {
    let fields = prop::sample::select(vec![
        "email",
        "name",
        "phone",
        "metadata",
        "amount",
        "currency",
        "customer",
        "interval",
        "description",
        "id",
        "object",
        "colour",
    ]);
    prop_oneof![
        prop::collection::btree_map(fields.prop_map(String::from), json_value(), 0..6).prop_map(
            |m| Value::Object(m.into_iter().collect())
                .to_string()
                .into_bytes()
        ),
        json_value().prop_map(|v| v.to_string().into_bytes()),
        prop::collection::vec(any::<u8>(), 0..64),
        (1usize..200).prop_map(|depth| format!(
            "{}{}",
            "[".repeat(depth * 10),
            "]".repeat(depth * 10)
        )
        .into_bytes()),
    ]
}

fn assert_client_error_or_success(response: &TestResponse, what: &str) {
    assert!(
        response.status < StatusCode::INTERNAL_SERVER_ERROR,
        "{what}: {} {}",
        response.status,
        response.body
    );
    if !response.status.is_success() {
        let error = &response.body["error"];
        assert!(
            error["type"].is_string() && error["message"].is_string(),
            "{what}: {}",
            response.body
        );
    }
}

/// Every case runs on one runtime: a PostgreSQL pool's connections belong to the runtime that
/// opened them.
fn run<T>(future: impl std::future::Future<Output = T>) -> T {
    static RUNTIME: std::sync::LazyLock<tokio::runtime::Runtime> = std::sync::LazyLock::new(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap()
    });
    RUNTIME.block_on(future)
}

fn app() -> TestApp {
    run(spawn_app())
}

/// A fixed number of cases, and no regression files written into the source tree.
fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 200,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

#[test]
fn any_body_is_answered_with_success_or_a_4xx_error_object() {
    let app = app();
    let customer = run(app.customer(serde_json::json!({})));
    let targets = [
        ("POST", "/v1/customers".to_owned()),
        ("PATCH", format!("/v1/customers/{customer}")),
        ("POST", "/v1/payments".to_owned()),
        ("POST", "/v1/subscriptions".to_owned()),
    ];
    proptest!(config(), |(bytes in body(), target in 0usize..4)| {
        let (method, path) = &targets[target];
        let request = Request::builder()
            .method(*method)
            .uri(path)
            .header("authorization", format!("Bearer {}", app.keys.test))
            .header("content-type", "application/json")
            .body(Body::from(bytes))
            .unwrap();
        let response = run(app.send(request));
        assert_client_error_or_success(&response, &format!("{method} {path}"));
    });
}

#[test]
fn any_query_string_is_answered_with_success_or_a_4xx_error_object() {
    let app = app();
    let names = prop::sample::select(vec![
        "limit",
        "starting_after",
        "ending_before",
        "email",
        "created[gte]",
        "created[gt]",
        "created[lte]",
        "created[lt]",
        "customer",
        "status",
        "colour",
    ]);
    let pair = (
        prop_oneof![names.prop_map(String::from), awkward_string()],
        awkward_string(),
    );
    proptest!(config(), |(pairs in prop::collection::vec(pair, 0..8), list in 0usize..3)| {
        let query: String = form_urlencoded::Serializer::new(String::new()).extend_pairs(&pairs).finish();
        let path = ["/v1/customers", "/v1/payments", "/v1/subscriptions"][list];
        let uri = format!("{path}?{query}");
        prop_assume!(uri.len() < 60_000, "longer than an HTTP client can send");
        let response = run(app.get(&uri));
        assert_client_error_or_success(&response, &query);
    });
}

#[test]
fn huge_and_repeated_inputs_are_refused_cleanly() {
    let app = app();
    let giant_query = format!("/v1/customers?email={}", "a".repeat(60 * 1024));
    let repeated = format!("/v1/customers?{}", "limit=1&".repeat(2000));
    for path in [giant_query, repeated] {
        assert_client_error_or_success(&run(app.get(&path)), "long query");
    }
    let huge_header = Request::get("/v1/customers")
        .header(
            "authorization",
            format!("Bearer sk_test_{}", "x".repeat(32 * 1024)),
        )
        .header("x-padding", "y".repeat(32 * 1024))
        .body(Body::empty())
        .unwrap();
    let response = run(app.send(huge_header));
    assert_eq!(response.status, StatusCode::UNAUTHORIZED);
    let deep = format!(
        "{{\"metadata\": {}{}}}",
        "{\"a\": ".repeat(5000),
        "}".repeat(5001)
    );
    let request = Request::post("/v1/customers")
        .header("authorization", format!("Bearer {}", app.keys.test))
        .header("content-type", "application/json")
        .body(Body::from(deep))
        .unwrap();
    assert_eq!(run(app.send(request)).status, StatusCode::BAD_REQUEST);
}
