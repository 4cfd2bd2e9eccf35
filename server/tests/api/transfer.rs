//! Merchant data in and out: the dashboard's CSV export (filters, tenancy, streaming), the
//! import (upload, preview, all-or-nothing run), and `shika backup` of a database in use.

use std::collections::HashSet;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use axum::body::{Body, Bytes};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE, COOKIE, LOCATION};
use axum::http::{Method, Request, StatusCode};
use domain::store::testing::TestDatabase;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde_json::{json, Value};
use tower::ServiceExt;

use crate::binary::{create_merchant, Server};
use crate::helpers::{spawn_app, TestApp};

/// A dashboard session cookie for the merchant that owns `key`, in the key's mode.
async fn session_for(app: &TestApp, key: &str) -> String {
    let tenant = app.store.authenticate(key).await.unwrap().unwrap();
    let token = app.store.create_session(&tenant.merchant_id).await.unwrap();
    app.store
        .set_session_mode(&token, tenant.mode)
        .await
        .unwrap();
    format!("shika_session={token}")
}

/// Sends a dashboard request and reads the whole body as text.
async fn send(
    app: &TestApp,
    request: Request<Body>,
) -> (StatusCode, axum::http::HeaderMap, String) {
    let response = app.router.clone().oneshot(request).await.unwrap();
    let (status, headers) = (response.status(), response.headers().clone());
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, headers, String::from_utf8(bytes.to_vec()).unwrap())
}

async fn export(
    app: &TestApp,
    cookie: &str,
    query: &str,
) -> (StatusCode, axum::http::HeaderMap, String) {
    let request = Request::get(format!("/customers/export.csv?{query}"))
        .header(COOKIE, cookie)
        .body(Body::empty())
        .unwrap();
    send(app, request).await
}

/// Posts `file` as the upload form does (multipart), and answers the progress page.
async fn upload(app: &TestApp, cookie: &str, file: &[u8]) -> String {
    let mut body =
        b"--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"c.csv\"\r\n\
                     Content-Type: text/csv\r\n\r\n"
            .to_vec();
    body.extend_from_slice(file);
    body.extend_from_slice(b"\r\n--XyZ--\r\n");
    let request = Request::post("/customers/import/upload")
        .header(COOKIE, cookie)
        .header(CONTENT_TYPE, "multipart/form-data; boundary=XyZ")
        .body(Body::from(body))
        .unwrap();
    let (status, _, page) = send(app, request).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page
}

/// The import a progress page moves on to.
fn next_import(page: &str) -> String {
    let at = page
        .find("url=/customers/import/")
        .unwrap_or_else(|| panic!("the page does not move on to a preview: {page}"));
    let rest = &page[at + "url=/customers/import/".len()..];
    rest[..rest.find('"').unwrap()].to_owned()
}

async fn run(app: &TestApp, cookie: &str, id: &str) -> String {
    let request = Request::post(format!("/customers/import/{id}/run"))
        .header(COOKIE, cookie)
        .body(Body::empty())
        .unwrap();
    let (status, _, page) = send(app, request).await;
    assert_eq!(status, StatusCode::OK);
    page
}

/// Every customer of a key, newest first, as the API answers them.
async fn all_customers(app: &TestApp, key: &str) -> Vec<Value> {
    let mut found = Vec::new();
    let mut path = "/v1/customers?limit=100".to_owned();
    loop {
        let page = app.call(Method::GET, &path, key, None).await;
        let data = page.ok()["data"].as_array().unwrap().clone();
        let more = page.body["has_more"].as_bool().unwrap();
        found.extend(data);
        if !more {
            return found;
        }
        let last = found.last().unwrap()["id"].as_str().unwrap();
        path = format!("/v1/customers?limit=100&starting_after={last}");
    }
}

fn without_identity(customer: &Value) -> Value {
    json!({
        "email": customer["email"], "name": customer["name"], "phone": customer["phone"],
        "metadata": customer["metadata"],
    })
}

#[tokio::test]
async fn an_export_imports_back_as_it_was_whatever_the_text_holds() {
    // Arrange: customers whose text needs quoting, more than one page of the store's reads.
    let app = spawn_app().await;
    let hard = [
        json!({"name": "Ama \"Maame\" Owusu, Jr.", "email": "ama@example.com", "phone": "024 123 4567",
               "metadata": {"note": "line one\nline two, with \"quotes\"", "ɔkɔmfo": "Ɛ"}}),
        json!({"name": "Kofi\r\nAnnan", "metadata": {"order": "17"}}),
        json!({"email": "only@example.com"}),
    ];
    for customer in &hard {
        app.customer(customer.clone()).await;
    }
    for n in 0..150 {
        app.customer(json!({"name": format!("Customer {n}"), "metadata": {"n": n.to_string()}}))
            .await;
    }
    let cookie = session_for(&app, &app.keys.test).await;

    // Act: export every customer, then import the file as another merchant.
    let (status, headers, csv) = export(&app, &cookie, "").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[CONTENT_TYPE], "text/csv; charset=utf-8");
    let disposition = headers[CONTENT_DISPOSITION].to_str().unwrap();
    assert!(
        disposition.starts_with("attachment; filename=\"customers-test-20")
            && disposition.ends_with(".csv\""),
        "{disposition}"
    );
    assert!(csv.starts_with(
        "id,email,name,phone,created_at,updated_at,metadata[n],metadata[note],metadata[order],metadata[ɔkɔmfo]\r\n"
    ));
    let other = session_for(&app, &app.other.test).await;
    let page = upload(&app, &other, csv.as_bytes()).await;
    let id = next_import(&page);
    let preview = app
        .store
        .find_import(
            &app.store
                .authenticate(&app.other.test)
                .await
                .unwrap()
                .unwrap(),
            &id,
        )
        .await
        .unwrap();
    assert_eq!((preview.summary.rows, preview.summary.invalid), (153, 0));
    let done = run(&app, &other, &id).await;

    // Assert: the same customers, field for field, in the same order.
    assert!(done.contains("The import is done."), "{done}");
    let original: Vec<_> = all_customers(&app, &app.keys.test)
        .await
        .iter()
        .map(without_identity)
        .collect();
    let imported: Vec<_> = all_customers(&app, &app.other.test)
        .await
        .iter()
        .map(without_identity)
        .collect();
    assert_eq!(imported.len(), 153);
    assert_eq!(imported, original);
}

#[tokio::test]
async fn the_export_follows_the_filters_tenancy_and_session() {
    let app = spawn_app().await;
    app.customer(json!({"email": "Ama@Example.com", "metadata": {"vip": "true"}}))
        .await;
    app.customer(json!({"email": "kofi@example.com", "metadata": {"zone": "Accra"}}))
        .await;
    app.customer_with(&app.keys.live, json!({"email": "live@example.com"}))
        .await;
    let cookie = session_for(&app, &app.keys.test).await;

    let (_, _, filtered) = export(&app, &cookie, "email=ama%40example.com").await;
    let lines: Vec<_> = filtered.trim_end().split("\r\n").collect();
    assert_eq!(lines.len(), 2, "{filtered}");
    assert!(
        lines[0].ends_with("updated_at,metadata[vip]"),
        "only the keys that occur"
    );
    assert!(lines[1].contains("Ama@Example.com"));

    let (_, _, before_2000) = export(&app, &cookie, "created_to=1999-12-31").await;
    assert_eq!(before_2000, "id,email,name,phone,created_at,updated_at\r\n");

    let live = session_for(&app, &app.keys.live).await;
    let (_, headers, live_csv) = export(&app, &live, "").await;
    assert!(live_csv.contains("live@example.com") && !live_csv.contains("kofi@example.com"));
    assert!(headers[CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .contains("customers-live-"));

    let (status, headers, _) = export(&app, "shika_session=nonsense", "").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers[LOCATION], "/login");
    let (status, _, message) = export(&app, &cookie, "created_from=yesterday").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        message.contains("Invalid timestamp: 'yesterday'"),
        "{message}"
    );
}

#[tokio::test]
async fn invalid_rows_are_listed_and_nothing_of_such_a_file_is_imported() {
    let app = spawn_app().await;
    let cookie = session_for(&app, &app.keys.test).await;
    let tenant = app
        .store
        .authenticate(&app.keys.test)
        .await
        .unwrap()
        .unwrap();
    let file = "email,name,phone,metadata[k]\n\
                good@example.com,Ama,0241234567,v\n\
                not-an-email,Kofi,,\n\
                ,Esi,12,\n\
                ,<script>alert(1)</script>,,\n";

    let id = next_import(&upload(&app, &cookie, file.as_bytes()).await);
    let preview = app.store.find_import(&tenant, &id).await.unwrap();
    let problems: Vec<_> = preview
        .summary
        .problems
        .iter()
        .map(|p| (p.line, p.message.as_str()))
        .collect();
    assert_eq!(problems.len(), 2);
    assert_eq!(problems[0], (3, "Invalid email address: 'not-an-email'"));
    assert_eq!(problems[1].0, 4);
    assert!(problems[1].1.contains("phone"), "{}", problems[1].1);
    assert_eq!(preview.summary.creatable(), 0);

    let refused = run(&app, &cookie, &id).await;
    assert!(
        refused.contains("Line 3: Invalid email address"),
        "{refused}"
    );
    assert!(all_customers(&app, &app.keys.test).await.is_empty());

    let unknown = upload(&app, &cookie, b"email,colour\na@example.com,red\n").await;
    let preview = app
        .store
        .find_import(&tenant, &next_import(&unknown))
        .await
        .unwrap();
    assert!(preview.summary.problems[0].message.contains("'colour'"));

    // An import is its merchant's and mode's alone.
    let stranger = session_for(&app, &app.other.test).await;
    let page = run(&app, &stranger, &id).await;
    assert!(page.contains("No such import"), "{page}");
}

#[tokio::test]
async fn files_over_the_limit_or_not_text_are_refused_with_a_reason() {
    let app = spawn_app().await;
    let cookie = session_for(&app, &app.keys.test).await;

    let mut huge = b"name\n".to_vec();
    huge.resize(50 * 1024 * 1024 + 10, b'a');
    let page = upload(&app, &cookie, &huge).await;
    assert!(
        page.contains("larger than 50 MB"),
        "{}",
        &page[page.len().saturating_sub(400)..]
    );

    let page = upload(&app, &cookie, b"name\n\xff\xfe\n").await;
    assert!(page.contains("not UTF-8"), "{page}");
    let page = upload(&app, &cookie, b"").await;
    assert!(page.contains("no header line"), "{page}");
    assert!(all_customers(&app, &app.keys.test).await.is_empty());
}

/// On SQLite (PostgreSQL has pg_dump): a backup taken while eight clients write holds every write
/// acknowledged before it started, and serves as a database.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_backup_while_eight_clients_write_keeps_every_acknowledged_write() {
    let database = TestDatabase::sqlite();
    let key = create_merchant(&database.url, "backup@example.com")["test_secret_key"]
        .as_str()
        .unwrap()
        .to_owned();
    let server = Server::start_with(&database.url, &[("SHIKA_RATE_LIMIT", "0")]);
    let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    let acknowledged = Arc::new(Mutex::new(HashSet::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let enough = Arc::new(tokio::sync::Notify::new());
    let mut writers = Vec::new();
    for writer in 0..8 {
        let (client, key, base) = (client.clone(), key.clone(), server.base.clone());
        let (acknowledged, stop, enough) = (acknowledged.clone(), stop.clone(), enough.clone());
        writers.push(tokio::spawn(async move {
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                let body = json!({"name": format!("w{writer}-{n}")}).to_string();
                let request = Request::post(format!("{base}/v1/customers"))
                    .header("authorization", format!("Bearer {key}"))
                    .header("content-type", "application/json")
                    .body(Full::new(Bytes::from(body)))
                    .unwrap();
                let response = client.request(request).await.unwrap();
                assert_eq!(response.status(), StatusCode::OK);
                let body = response.into_body().collect().await.unwrap().to_bytes();
                let created: Value = serde_json::from_slice(&body).unwrap();
                let mut acknowledged = acknowledged.lock().unwrap();
                acknowledged.insert(created["id"].as_str().unwrap().to_owned());
                if acknowledged.len() == 400 {
                    enough.notify_one();
                }
                n += 1;
            }
        }));
    }
    enough.notified().await;

    // Act: the writes acknowledged so far, then a backup while the writers go on.
    let before: HashSet<String> = acknowledged.lock().unwrap().clone();
    let copy_dir = tempfile::tempdir().unwrap();
    let copy = copy_dir.path().join("backup.db");
    let url = database.url.clone();
    let copy_path = copy.clone();
    let output = tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_shika"))
            .args(["backup", "--to", copy_path.to_str().unwrap()])
            .env("DATABASE_URL", url)
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    stop.store(true, Ordering::Relaxed);
    for writer in writers {
        writer.await.unwrap();
    }

    // Assert: the report, and the copy served by shika holds every write acknowledged before.
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["integrity"], "ok");
    assert!(report["customers"].as_u64().unwrap() >= before.len() as u64);
    drop(server);
    let restored = Server::start_with(
        &format!("sqlite://{}", copy.display()),
        &[("SHIKA_RATE_LIMIT", "0")],
    );
    let mut found = HashSet::new();
    let mut path = "/v1/customers?limit=100".to_owned();
    loop {
        let request = Request::get(format!("{}{path}", restored.base))
            .header("authorization", format!("Bearer {key}"))
            .body(Full::new(Bytes::new()))
            .unwrap();
        let response = client.request(request).await.unwrap();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        let page: Value = serde_json::from_slice(&body).unwrap();
        let data = page["data"].as_array().unwrap();
        found.extend(data.iter().map(|c| c["id"].as_str().unwrap().to_owned()));
        if !page["has_more"].as_bool().unwrap() {
            break;
        }
        path = format!(
            "/v1/customers?limit=100&starting_after={}",
            data.last().unwrap()["id"].as_str().unwrap()
        );
    }
    let missing: Vec<_> = before.difference(&found).collect();
    assert!(
        missing.is_empty(),
        "{} acknowledged writes missing",
        missing.len()
    );

    // A second backup to the same file is refused; nothing is overwritten.
    let again = Command::new(env!("CARGO_BIN_EXE_shika"))
        .args(["backup", "--to", copy.to_str().unwrap()])
        .env("DATABASE_URL", &database.url)
        .output()
        .unwrap();
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
}

#[test]
fn backup_on_postgres_points_to_pg_dump() {
    let output = Command::new(env!("CARGO_BIN_EXE_shika"))
        .args(["backup", "--to", "/tmp/never-written.db"])
        .env("DATABASE_URL", "postgres://shika@127.0.0.1:1/shika")
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("pg_dump"));
}
