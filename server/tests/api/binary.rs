//! The real `shika` binary: keys made by `shika merchant create`, the server on a free port,
//! and a real HTTP client over TCP.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;

use axum::body::Bytes;
use axum::http::Request;
use base64::Engine;
use domain::store::testing::TestDatabase;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde_json::{json, Value};

use crate::helpers::assert_sound;

const SHIKA: &str = env!("CARGO_BIN_EXE_shika");

/// A running `shika serve`, killed when dropped.
pub struct Server {
    pub child: Child,
    pub base: String,
    log: mpsc::Receiver<String>,
    /// Every line read off the log so far.
    seen: std::sync::Mutex<Vec<String>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Starts `shika serve` on port 0 and waits for the line that says where it listens.
    pub fn start(database_url: &str) -> Server {
        Server::start_with(database_url, &[])
    }

    /// Like `start`, with extra environment variables.
    pub fn start_with(database_url: &str, env: &[(&str, &str)]) -> Server {
        let mut child = Command::new(SHIKA)
            .args(["serve", "--addr", "127.0.0.1:0"])
            .envs(env.iter().copied())
            .env("DATABASE_URL", database_url)
            .env("RUST_LOG", "info,server::request_log=debug")
            .env("NO_COLOR", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (sender, log) = mpsc::channel();
        let stderr = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        let mut seen = Vec::new();
        let base = loop {
            let line = log.recv().expect("shika exited before listening");
            seen.push(line.clone());
            if let Some(at) = line.find("listening on ") {
                break line[at + "listening on ".len()..].trim().to_owned();
            }
        };
        Server {
            child,
            base,
            log,
            seen: std::sync::Mutex::new(seen),
        }
    }

    /// Every line logged so far.
    pub fn whole_log(&self) -> Vec<String> {
        let mut seen = self.seen.lock().unwrap();
        seen.extend(self.log.try_iter());
        seen.clone()
    }

    /// Waits for the log line that mentions `needle`.
    pub fn log_line_with(&self, needle: &str) -> String {
        loop {
            let line = self.log.recv().expect("log ended");
            self.seen.lock().unwrap().push(line.clone());
            if line.contains(needle) {
                return line;
            }
        }
    }
}

/// Runs `shika merchant create` on the database and answers its JSON.
pub fn create_merchant(database_url: &str, email: &str) -> Value {
    let output = Command::new(SHIKA)
        .args([
            "merchant",
            "create",
            "--email",
            email,
            "--password",
            "correct horse",
            "--name",
            "Kofi Ltd",
        ])
        .env("DATABASE_URL", database_url)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

#[tokio::test]
async fn the_binary_serves_the_api_to_a_real_http_client() {
    // Arrange: a merchant made by the CLI.
    let database = TestDatabase::new();
    let database_url = database.url.clone();
    let merchant = create_merchant(&database_url, "kofi@example.com");
    assert_eq!(merchant["email"], "kofi@example.com");
    let test_key = merchant["test_secret_key"].as_str().unwrap().to_owned();
    assert!(test_key.starts_with("sk_test_"));
    assert!(merchant["live_secret_key"]
        .as_str()
        .unwrap()
        .starts_with("sk_live_"));
    assert!(merchant["id"].as_str().is_some_and(|id| !id.is_empty()));

    let server = Server::start(&database_url);
    let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();

    // Act: create with Bearer, read back with Basic.
    let body = json!({"email": "customer@example.com", "name": "John Doe", "phone": "0241234567", "metadata": {"user_id": "123"}});
    let request = Request::post(format!("{}/v1/customers", server.base))
        .header("authorization", format!("Bearer {test_key}"))
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(body.to_string())))
        .unwrap();
    let response = client.request(request).await.unwrap();
    assert_eq!(response.status(), 200);
    let request_id = response.headers()["request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    let created: Value =
        serde_json::from_slice(&response.into_body().collect().await.unwrap().to_bytes()).unwrap();
    assert_eq!(created["name"], "John Doe");

    let basic = base64::engine::general_purpose::STANDARD.encode(format!("{test_key}:"));
    let request = Request::get(format!(
        "{}/v1/customers/{}",
        server.base,
        created["id"].as_str().unwrap()
    ))
    .header("authorization", format!("Basic {basic}"))
    .body(Full::new(Bytes::new()))
    .unwrap();
    let response = client.request(request).await.unwrap();
    assert_eq!(response.status(), 200);
    let fetched: Value =
        serde_json::from_slice(&response.into_body().collect().await.unwrap().to_bytes()).unwrap();

    // Assert: the same customer, and the request's id in its log line, without the key.
    assert_eq!(fetched, created);
    let line = server.log_line_with(&format!("request request_id=\"{request_id}\""));
    assert!(
        line.contains("POST") && line.contains("/v1/customers") && line.contains("200"),
        "{line}"
    );
    assert!(
        line.contains("latency_us=") && line.contains("INFO"),
        "{line}"
    );
    assert!(line.contains(merchant["id"].as_str().unwrap()), "{line}");

    // Signing up and using the dashboard logs neither the password nor the session token.
    let password = "a very secret password";
    let request = Request::post(format!("{}/api/signup", server.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Full::new(Bytes::from(format!(
            "business_name=Log+Test&email=logs%40example.com&password={}",
            password.replace(' ', "+")
        ))))
        .unwrap();
    let response = client.request(request).await.unwrap();
    assert!(response.status().is_success() || response.status().is_redirection());
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    let token = cookie
        .split(';')
        .next()
        .unwrap()
        .split_once('=')
        .unwrap()
        .1
        .to_owned();
    assert!(token.len() >= 22);
    let request = Request::get(format!("{}/customers", server.base))
        .header("cookie", format!("shika_session={token}"))
        .body(Full::new(Bytes::new()))
        .unwrap();
    let response = client.request(request).await.unwrap();
    assert_eq!(response.status(), 200);
    let last = response.headers()["request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    server.log_line_with(&format!("request request_id=\"{last}\""));
    for line in server.whole_log() {
        for secret in [test_key.as_str(), password, token.as_str(), "very secret"] {
            assert!(!line.contains(secret), "a secret reached the log: {line}");
        }
    }
}

#[test]
fn merchant_create_refuses_bad_input_with_a_message() {
    let database = TestDatabase::new();
    let database_url = database.url.clone();
    let output = Command::new(SHIKA)
        .args([
            "merchant",
            "create",
            "--email",
            "not-an-email",
            "--password",
            "correct horse",
        ])
        .env("DATABASE_URL", &database_url)
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(output.stdout.is_empty());
    assert!(String::from_utf8_lossy(&output.stderr).contains("Invalid email address"));
}

#[test]
fn every_command_has_help() {
    for args in [
        vec!["--help"],
        vec!["serve", "--help"],
        vec!["merchant", "--help"],
        vec!["merchant", "create", "--help"],
    ] {
        let output = Command::new(SHIKA).args(&args).output().unwrap();
        assert!(output.status.success(), "{args:?}");
        assert!(
            String::from_utf8_lossy(&output.stdout).contains("Usage"),
            "{args:?}"
        );
    }
}

#[tokio::test]
async fn sigterm_lets_requests_in_flight_finish_refuses_new_ones_and_closes_the_database() {
    shuts_down_gracefully_on("-TERM").await;
}

#[tokio::test]
async fn ctrl_c_shuts_down_gracefully_too() {
    shuts_down_gracefully_on("-INT").await;
}

async fn shuts_down_gracefully_on(signal: &str) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let database = TestDatabase::new();
    let database_url = database.url.clone();
    let key = create_merchant(&database_url, "kofi@example.com")["test_secret_key"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut server = Server::start(&database_url);
    let addr = server.base.trim_start_matches("http://").to_owned();

    // A request whose body is still on its way when the signal arrives.
    let body = json!({"name": "In Flight"}).to_string();
    let (first, rest) = body.split_at(5);
    let mut stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let head = format!(
        "POST /v1/customers HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {key}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{first}",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    server.log_line_with("request started");
    let status = Command::new("kill")
        .args([signal, &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    server.log_line_with("shutting down");

    // New connections are refused once the listener is closed (which follows the log line)…
    // Polled until a deadline rather than a number of tries: on a loaded machine the server may
    // not run for a while.
    let mut refused = false;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while std::time::Instant::now() < deadline {
        if tokio::net::TcpStream::connect(&addr).await.is_err() {
            refused = true;
            break;
        }
        tokio::task::yield_now().await;
    }
    assert!(
        refused,
        "new connections were still accepted during shutdown"
    );
    // …while the request in flight completes.
    stream.write_all(rest.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains("In Flight"), "{response}");

    let exit = server.child.wait().unwrap();
    assert!(exit.success(), "{exit:?}");
    server.log_line_with("stopped");
    // The database is sound and holds the request that finished during shutdown.
    let store = domain::store::Store::open(&database_url).await.unwrap();
    assert_sound(&store).await;
    let tenant = store.authenticate(&key).await.unwrap().unwrap();
    let customers = store
        .list_customers(&tenant, &Default::default())
        .await
        .unwrap();
    assert_eq!(customers.data.len(), 1);
}

/// Logged out, a page answers `303 See Other` to the login page, keeping where the visitor was
/// going, for browsers and plain HTTP clients alike (a 401 with `Location` means nothing). Asked
/// of the real server: rendering a page runs the app's tasks on the server's own runtime.
#[tokio::test]
async fn logged_out_pages_answer_see_other_to_the_login_page() {
    let database = TestDatabase::new();
    let server = Server::start(&database.url);
    let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    for accept in ["text/html,application/xhtml+xml", "*/*"] {
        for (path, login) in [
            (
                "/customers/import?from=mail",
                "/login?next=%2Fcustomers%2Fimport%3Ffrom%3Dmail",
            ),
            ("/customers", "/login"),
        ] {
            let request = Request::get(format!("{}{path}", server.base))
                .header("accept", accept)
                .body(Full::new(Bytes::new()))
                .unwrap();
            let response = client.request(request).await.unwrap();
            assert_eq!(response.status(), 303, "{path} ({accept})");
            assert_eq!(response.headers()["location"], login, "{path} ({accept})");
        }
    }
}
