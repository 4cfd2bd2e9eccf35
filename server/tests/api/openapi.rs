//! `GET /v1/openapi.json`: public, a well-formed OpenAPI 3.1 document whose operations are
//! exactly the router's routes, whose parameters the handlers accept and whose examples the API
//! really answers with.

use std::collections::BTreeSet;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{spawn_app, TestApp};

/// Every endpoint of the spec (`api.md`), plus the document itself.
const SPEC_ENDPOINTS: &[(&str, &str)] = &[
    ("GET", "/v1/customers"),
    ("POST", "/v1/customers"),
    ("GET", "/v1/customers/search"),
    ("GET", "/v1/customers/{id}"),
    ("PATCH", "/v1/customers/{id}"),
    ("DELETE", "/v1/customers/{id}"),
    ("GET", "/v1/customers/{id}/payments"),
    ("GET", "/v1/customers/{id}/subscriptions"),
    ("GET", "/v1/payments"),
    ("POST", "/v1/payments"),
    ("GET", "/v1/payments/{id}"),
    ("GET", "/v1/subscriptions"),
    ("POST", "/v1/subscriptions"),
    ("GET", "/v1/subscriptions/{id}"),
    ("DELETE", "/v1/subscriptions/{id}"),
    ("GET", "/v1/events"),
    ("GET", "/v1/events/{id}"),
    ("GET", "/v1/webhook_endpoints"),
    ("POST", "/v1/webhook_endpoints"),
    ("GET", "/v1/webhook_endpoints/{id}"),
    ("PATCH", "/v1/webhook_endpoints/{id}"),
    ("DELETE", "/v1/webhook_endpoints/{id}"),
    ("POST", "/v1/webhook_endpoints/{id}/roll_secret"),
    ("GET", "/v1/openapi.json"),
];

const METHODS: [&str; 5] = ["GET", "POST", "PATCH", "DELETE", "PUT"];

async fn document(app: &TestApp) -> Value {
    let request = Request::get("/v1/openapi.json")
        .body(Body::empty())
        .unwrap();
    let response = app.send(request).await;
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(response.headers["content-type"], "application/json");
    response.body
}

fn operations(document: &Value) -> BTreeSet<(String, String)> {
    let mut found = BTreeSet::new();
    for (path, item) in document["paths"].as_object().unwrap() {
        for method in METHODS {
            if item.get(method.to_lowercase()).is_some() {
                found.insert((method.to_owned(), path.clone()));
            }
        }
    }
    found
}

/// Every `$ref` in `value`.
fn references(value: &Value, found: &mut Vec<String>) {
    match value {
        Value::Object(object) => {
            if let Some(Value::String(reference)) = object.get("$ref") {
                found.push(reference.clone());
            }
            object.values().for_each(|v| references(v, found));
        }
        Value::Array(items) => items.iter().for_each(|v| references(v, found)),
        _ => {}
    }
}

#[tokio::test]
async fn the_document_is_public_and_well_formed_openapi_3_1() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let document = document(&app).await;

    // Assert
    assert_eq!(document["openapi"], "3.1.0");
    assert!(document["info"]["title"]
        .as_str()
        .is_some_and(|t| !t.is_empty()));
    assert!(document["info"]["version"].is_string());
    let mut refs = Vec::new();
    references(&document, &mut refs);
    assert!(!refs.is_empty());
    for reference in refs {
        let pointer = reference.strip_prefix('#').expect("local reference");
        assert!(document.pointer(pointer).is_some(), "dangling {reference}");
    }
    let mut operation_ids = BTreeSet::new();
    for (method, path) in operations(&document) {
        let operation = &document["paths"][&path][method.to_lowercase()];
        let id = operation["operationId"].as_str().unwrap().to_owned();
        assert!(
            operation_ids.insert(id),
            "duplicate operationId at {method} {path}"
        );
        assert!(operation["responses"]["200"].is_object(), "{method} {path}");
        let templated: BTreeSet<_> = path
            .split('/')
            .filter_map(|part| part.strip_prefix('{')?.strip_suffix('}'))
            .collect();
        let declared: BTreeSet<_> = operation["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|p| p["in"] == "path")
            .map(|p| {
                assert_eq!(p["required"], true, "{method} {path}");
                p["name"].as_str().unwrap()
            })
            .collect();
        assert_eq!(templated, declared, "{method} {path}");
    }
    let schemes = document["components"]["securitySchemes"]
        .as_object()
        .unwrap();
    assert_eq!(schemes["bearer"]["scheme"], "bearer");
    assert_eq!(schemes["basic"]["scheme"], "basic");
}

#[tokio::test]
async fn documented_operations_are_exactly_the_routed_ones() {
    // Arrange
    let app = spawn_app().await;
    let document = document(&app).await;
    let expected: BTreeSet<_> = SPEC_ENDPOINTS
        .iter()
        .map(|(method, path)| (method.to_string(), path.to_string()))
        .collect();

    // Act
    let documented = operations(&document);

    // Assert: the document lists the spec's endpoints, and the router answers each documented
    // method (not the unknown-route 404) and refuses each undocumented one with 405.
    assert_eq!(documented, expected);
    let paths: BTreeSet<_> = documented.iter().map(|(_, path)| path.clone()).collect();
    for path in paths {
        let concrete = path.replace("{id}", "cus_unknown");
        for method in METHODS {
            let response = app
                .call(
                    Method::from_bytes(method.as_bytes()).unwrap(),
                    &concrete,
                    &app.keys.test,
                    None,
                )
                .await;
            if documented.contains(&(method.to_owned(), path.clone())) {
                assert_ne!(
                    response.body["error"]["code"], "route_missing",
                    "{method} {path}"
                );
                assert_ne!(
                    response.status,
                    StatusCode::METHOD_NOT_ALLOWED,
                    "{method} {path}"
                );
            } else {
                assert_eq!(
                    response.status,
                    StatusCode::METHOD_NOT_ALLOWED,
                    "{method} {path} is routed but not documented"
                );
            }
        }
    }
}

#[tokio::test]
async fn every_documented_query_parameter_is_accepted() {
    // Arrange
    let app = spawn_app().await;
    let document = document(&app).await;
    let customer = app.customer(json!({"email": "ama@example.com"})).await;
    let valid = |name: &str| match name {
        "limit" => "5".to_owned(),
        "starting_after" | "ending_before" | "customer" => customer.clone(),
        "email" => "ama@example.com".into(),
        "status" => "active".into(),
        "phone" => "0241234567".into(),
        "query" => "name~ama".into(),
        "page" => "pg_1_1".into(),
        "type" => "customer.*".into(),
        _ if name.starts_with("created[") => "2024-01-15T10:00:00Z".into(),
        other => panic!("no valid value known for the query parameter {other}"),
    };

    for (method, path) in operations(&document) {
        let parameters = document["paths"][&path][method.to_lowercase()]["parameters"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        for parameter in parameters.iter().filter(|p| p["in"] == "query") {
            let name = parameter["name"].as_str().unwrap();
            // The cursors must be objects of the list's own kind.
            if (name == "starting_after" || name == "ending_before")
                && !path.ends_with("/customers")
            {
                continue;
            }
            // A deepObject parameter is sent as its properties (`metadata[key]=value`); the
            // search needs its query beside any other parameter.
            let pair = if parameter["style"] == "deepObject" {
                format!("{name}%5Border_id%5D=42")
            } else {
                format!(
                    "{}={}",
                    name.replace('[', "%5B").replace(']', "%5D"),
                    valid(name)
                )
            };
            let required = match path.as_str() {
                "/v1/customers/search" if name != "query" => "query=name~ama&",
                _ => "",
            };
            // Act
            let uri = format!("{}?{required}{pair}", path.replace("{id}", &customer));
            let response = app.call(Method::GET, &uri, &app.keys.test, None).await;

            // Assert
            assert_eq!(response.status, StatusCode::OK, "{uri}: {}", response.body);
        }
    }
}

#[tokio::test]
async fn the_documented_examples_are_what_the_api_takes_and_answers() {
    // Arrange
    let app = spawn_app().await;
    let document = document(&app).await;
    let schemas = &document["components"]["schemas"];
    let create_example = schemas["CustomerForCreate"]["example"].clone();
    let update_example = schemas["CustomerForUpdate"]["example"].clone();

    // Act
    let created = app.post("/v1/customers", create_example.clone()).await;
    let id = created.ok()["id"].as_str().unwrap().to_owned();
    let updated = app
        .patch(&format!("/v1/customers/{id}"), update_example)
        .await;
    let deleted = app.delete(&format!("/v1/customers/{id}")).await;
    let missing = app.get(&format!("/v1/customers/{id}")).await;

    // Assert: the seed's request bodies work, and the answers have the documented keys.
    let keys = |value: &Value| -> BTreeSet<String> {
        value.as_object().unwrap().keys().cloned().collect()
    };
    assert_eq!(keys(created.ok()), keys(&schemas["Customer"]["example"]));
    assert_eq!(created.body["email"], create_example["email"]);
    assert_eq!(updated.ok()["name"], "Jane Doe");
    assert_eq!(
        keys(deleted.ok()),
        keys(&schemas["DeletedCustomer"]["example"])
    );
    let not_found =
        &document["components"]["responses"]["NotFound"]["content"]["application/json"]["example"];
    assert_eq!(keys(&missing.body["error"]), keys(&not_found["error"]));
    assert_eq!(missing.body["error"]["code"], not_found["error"]["code"]);
}

/// The client libraries (`sdk/`) are written against a committed copy of the document: the
/// TypeScript types are generated from it, and each SDK's tests check their methods against the
/// live one. This keeps that copy the served document, so an API change cannot leave the SDKs
/// behind unnoticed. `SHIKA_UPDATE_SDK_OPENAPI=1` rewrites the copy instead of failing.
#[tokio::test]
async fn the_client_libraries_copy_of_the_document_is_the_served_one() {
    let app = spawn_app().await;
    let served = document(&app).await;
    let copy_path = concat!(env!("CARGO_MANIFEST_DIR"), "/../sdk/openapi.json");
    if std::env::var_os("SHIKA_UPDATE_SDK_OPENAPI").is_some() {
        let pretty = serde_json::to_string_pretty(&served).unwrap() + "\n";
        std::fs::write(copy_path, pretty).unwrap();
    }
    let copy: Value = serde_json::from_str(&std::fs::read_to_string(copy_path).unwrap()).unwrap();
    assert!(
        copy == served,
        "sdk/openapi.json differs from the served document: run \
         `SHIKA_UPDATE_SDK_OPENAPI=1 cargo test -p server client_libraries_copy`, then \
         `npm --prefix sdk/js run generate`, and give the SDKs any new operation"
    );
}
