//! Several `shika` processes on one PostgreSQL, as behind a load balancer: a session, an
//! idempotent replay, the rate limit and a rolled key all hold across processes, and each
//! webhook delivery is made by one of them only. Needs a
//! PostgreSQL server (`SHIKA_TEST_POSTGRES_URL`); `make test` starts one and runs these.

use axum::body::Bytes;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use domain::store::testing::TestDatabase;
use domain::store::{Backend, Store};
use domain::MerchantForCreate;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde_json::{json, Value};

use crate::binary::{create_merchant, Server};
use crate::webhooks::{next, receiver};

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }
}

async fn send(method: Method, url: String, headers: &[(&str, &str)], body: &str) -> Answer {
    let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    let mut request = Request::builder().method(method).uri(url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let request = request
        .body(Full::new(Bytes::from(body.to_owned())))
        .unwrap();
    let response = client.request(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    Answer {
        status,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    }
}

/// Asks a process's dashboard who the session cookie belongs to.
async fn session(base: &str, cookie: Option<&str>) -> Answer {
    let headers: Vec<(&str, &str)> = cookie.map(|c| ("cookie", c)).into_iter().collect();
    send(Method::POST, format!("{base}/api/session"), &headers, "").await
}

/// Lists customers through a process with a key; answers the status.
async fn list_with(base: &str, key: &str) -> StatusCode {
    let auth = bearer(key);
    let answer = send(
        Method::GET,
        format!("{base}/v1/customers"),
        &[("authorization", &auth)],
        "",
    )
    .await;
    answer.status
}

fn bearer(key: &str) -> String {
    format!("Bearer {key}")
}

/// One database, two processes with a limit of 1 request a second per key (bursts of 2).
fn two_processes() -> (TestDatabase, Server, Server) {
    let database = TestDatabase::new();
    assert_eq!(
        database.backend(),
        Backend::Postgres,
        "set SHIKA_TEST_POSTGRES_URL to a PostgreSQL server"
    );
    // The schema is made once, before both start.
    create_merchant(&database.url, "first@example.com");
    let env = [("SHIKA_RATE_LIMIT", "1")];
    let a = Server::start_with(&database.url, &env);
    let b = Server::start_with(&database.url, &env);
    (database, a, b)
}

#[tokio::test]
#[ignore = "needs PostgreSQL: make test runs it against a throw-away server"]
async fn a_session_made_by_one_process_is_known_to_another_on_postgres() {
    let (database, a, b) = two_processes();
    create_merchant(&database.url, "kofi@example.com");

    let login = send(
        Method::POST,
        format!("{}/api/login", a.base),
        &[("content-type", "application/x-www-form-urlencoded")],
        "email=kofi%40example.com&password=correct+horse",
    )
    .await;
    let cookie = login.headers["set-cookie"].to_str().unwrap();
    let cookie = cookie.split(';').next().unwrap().to_owned();
    assert!(cookie.starts_with("shika_session="), "{cookie}");

    let on_b = session(&b.base, Some(&cookie)).await;
    assert_eq!(on_b.status, StatusCode::OK, "{}", on_b.body);
    assert_eq!(on_b.json()["merchant"]["email"], "kofi@example.com");
    let signed_out = session(&b.base, None).await;
    assert_eq!(signed_out.status, StatusCode::UNAUTHORIZED);

    // Logging out on B ends the session on A too.
    send(
        Method::POST,
        format!("{}/api/logout", b.base),
        &[("cookie", &cookie)],
        "",
    )
    .await;
    let on_a = session(&a.base, Some(&cookie)).await;
    assert_eq!(on_a.status, StatusCode::UNAUTHORIZED, "{}", on_a.body);
}

#[tokio::test]
#[ignore = "needs PostgreSQL: make test runs it against a throw-away server"]
async fn an_idempotent_create_sent_to_two_processes_runs_once_on_postgres() {
    let (database, a, b) = two_processes();
    let key = create_merchant(&database.url, "kofi@example.com")["live_secret_key"]
        .as_str()
        .unwrap()
        .to_owned();
    let headers = [
        ("authorization", bearer(&key)),
        ("content-type", "application/json".into()),
        ("idempotency-key", "order-1001".into()),
    ];
    let headers: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
    let body = json!({"name": "Ama Mensah"}).to_string();

    let first = send(
        Method::POST,
        format!("{}/v1/customers", a.base),
        &headers,
        &body,
    )
    .await;
    let retry = send(
        Method::POST,
        format!("{}/v1/customers", b.base),
        &headers,
        &body,
    )
    .await;

    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    assert_eq!(retry.status, StatusCode::OK, "{}", retry.body);
    assert_eq!(retry.json()["id"], first.json()["id"]);
    assert_eq!(retry.headers["idempotent-replayed"], "true");
    let store = Store::open(&database.url).await.unwrap();
    let tenant = store.authenticate(&key).await.unwrap().unwrap();
    let customers = store
        .list_customers(&tenant, &Default::default())
        .await
        .unwrap();
    assert_eq!(customers.data.len(), 1, "the retry created nothing");
}

#[tokio::test]
#[ignore = "needs PostgreSQL: make test runs it against a throw-away server"]
async fn the_rate_limit_counts_a_key_across_processes_on_postgres() {
    let (database, a, b) = two_processes();
    let key = create_merchant(&database.url, "kofi@example.com")["test_secret_key"]
        .as_str()
        .unwrap()
        .to_owned();
    // Alternating processes: each sees 2 requests, within a burst of 2 if it counted alone;
    // together they are 4 requests against one burst of 2, so the last two are refused.
    let mut refused_by = Vec::new();
    for (i, server) in [&a, &b, &a, &b].into_iter().enumerate() {
        match list_with(&server.base, &key).await {
            StatusCode::TOO_MANY_REQUESTS => refused_by.push(i % 2),
            status => assert_eq!(status, StatusCode::OK),
        }
    }
    assert_eq!(
        refused_by,
        [0, 1],
        "both refuse once the shared burst is spent"
    );
}

#[tokio::test]
#[ignore = "needs PostgreSQL: make test runs it against a throw-away server"]
async fn a_key_rolled_through_one_process_stops_working_on_every_process_at_once_on_postgres() {
    let (database, a, b) = two_processes();
    let store = Store::open(&database.url).await.unwrap();
    let input = MerchantForCreate::parse("Shop", "kofi@example.com", "correct horse").unwrap();
    let (_, key, _) = store.create_merchant(input).await.unwrap();
    assert_eq!(list_with(&a.base, &key.secret).await, StatusCode::OK);
    assert_eq!(list_with(&b.base, &key.secret).await, StatusCode::OK);

    let tenant = store.authenticate(&key.secret).await.unwrap().unwrap();
    store.roll_api_key(&tenant, &key.key.id).await.unwrap();

    assert_eq!(
        list_with(&a.base, &key.secret).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        list_with(&b.base, &key.secret).await,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs PostgreSQL: make test runs it against a throw-away server"]
async fn two_processes_deliver_each_event_to_each_endpoint_exactly_once_on_postgres() {
    let database = TestDatabase::new();
    assert_eq!(database.backend(), Backend::Postgres);
    let key = create_merchant(&database.url, "kofi@example.com")["test_secret_key"]
        .as_str()
        .unwrap()
        .to_owned();
    let env = [
        ("SHIKA_RATE_LIMIT", "0"),
        ("SHIKA_WEBHOOK_ALLOW_PRIVATE", "1"),
    ];
    let a = Server::start_with(&database.url, &env);
    let b = Server::start_with(&database.url, &env);
    let (first_url, mut first) = receiver(vec![StatusCode::OK]).await;
    let (second_url, mut second) = receiver(vec![StatusCode::OK]).await;
    let auth = bearer(&key);
    let headers = [
        ("authorization", auth.as_str()),
        ("content-type", "application/json"),
    ];
    for url in [&first_url, &second_url] {
        let body = json!({"url": url, "enabled_events": ["customer.created"]}).to_string();
        let created = send(
            Method::POST,
            format!("{}/v1/webhook_endpoints", a.base),
            &headers,
            &body,
        )
        .await;
        assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    }

    // Creates through both processes, so both queue deliveries and both workers find them.
    const CREATES: usize = 40;
    for i in 0..CREATES {
        let base = if i % 2 == 0 { &a.base } else { &b.base };
        let created = send(Method::POST, format!("{base}/v1/customers"), &headers, "{}").await;
        assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    }

    for received in [&mut first, &mut second] {
        let mut ids = std::collections::HashSet::new();
        while ids.len() < CREATES {
            let delivery = next(received).await;
            let id = delivery.headers["webhook-id"].to_str().unwrap().to_owned();
            assert!(ids.insert(id.clone()), "{id} was delivered twice");
        }
    }
    // Every delivery is recorded as done by now; none is left to be sent again.
    let store = Store::open(&database.url).await.unwrap();
    loop {
        match store.next_delivery_due().await.unwrap() {
            None => break,
            Some(_) => tokio::task::yield_now().await,
        }
    }
    assert!(first.try_recv().is_err(), "a delivery came twice");
    assert!(second.try_recv().is_err(), "a delivery came twice");
}
