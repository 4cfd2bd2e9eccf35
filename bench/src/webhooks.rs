//! Events and webhooks under load: creates, updates and deletes again with a webhook endpoint
//! that takes every customer event (each change then also queues a delivery), beside the same
//! operations measured without one; and how fast the worker delivers to a receiver on
//! 127.0.0.1 that answers 200 at once.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use domain::store::Store;
use domain::WebhookEndpointForCreate;
use http_body_util::Full;
use hyper::body::Bytes;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use serde_json::json;

use crate::load::{self, Measurement};
use crate::shika::{self, ShikaData};
use crate::Operation;

/// What the run with an endpoint measured.
pub struct WithEndpoint {
    pub writes: Vec<(Operation, Measurement)>,
    /// Deliveries received, and from the first write until the last of them arrived.
    pub delivered: u64,
    pub delivering: Duration,
}

impl WithEndpoint {
    pub fn per_second(&self) -> f64 {
        self.delivered as f64 / self.delivering.as_secs_f64().max(f64::EPSILON)
    }
}

/// Counts the POSTs it gets and answers each `200`.
struct Receiver {
    url: String,
    received: Arc<AtomicU64>,
    last: Arc<Mutex<Instant>>,
}

async fn receiver() -> Receiver {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port for the receiver");
    let url = format!(
        "http://{}/hook",
        listener.local_addr().expect("its address")
    );
    let received = Arc::new(AtomicU64::new(0));
    let last = Arc::new(Mutex::new(Instant::now()));
    let (count, stamp) = (received.clone(), last.clone());
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let (count, stamp) = (count.clone(), stamp.clone());
            tokio::spawn(async move {
                let service = service_fn(move |_request| {
                    count.fetch_add(1, Ordering::Relaxed);
                    *stamp.lock().expect("the stamp") = Instant::now();
                    async { Ok::<_, hyper::Error>(hyper::Response::new(Full::new(Bytes::new()))) }
                });
                let _ = http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    Receiver {
        url,
        received,
        last,
    }
}

/// Adds the endpoint, drives each write operation of `operations` again (deletes go on past
/// the customers deleted before), then waits for every delivery.
pub async fn measure(
    url: &str,
    addr: SocketAddr,
    data: &ShikaData,
    operations: &[(Operation, Measurement)],
    connections: usize,
    duration: Duration,
) -> WithEndpoint {
    let receiver = receiver().await;
    let store = Store::open(url)
        .await
        .expect("the bench database")
        .allow_private_webhooks(true);
    let tenant = store
        .authenticate(&data.key)
        .await
        .expect("the key")
        .expect("a known key");
    let body = json!({"url": receiver.url, "enabled_events": ["customer.*"]});
    let input = WebhookEndpointForCreate::from_json(body.as_object().expect("an object"))
        .expect("a valid endpoint");
    let endpoint = store
        .insert_webhook_endpoint(&tenant, input)
        .await
        .expect("the endpoint");

    let started = Instant::now();
    let mut writes = Vec::new();
    let mut changes = 0;
    for (operation, before) in operations.iter().filter(|(op, _)| op.is_write()) {
        eprintln!(
            "bench: Shika {} with a webhook endpoint…",
            operation.label()
        );
        let requests = shika::requests(*operation, data);
        let skip = if *operation == Operation::Delete {
            before.requests
        } else {
            0
        };
        let offset: load::RequestFactory = Arc::new(move |n| requests(n + skip));
        let measured = load::drive(addr, connections, duration, offset).await;
        changes += measured.requests - measured.failures;
        writes.push((*operation, measured));
    }
    eprintln!("bench: waiting for {changes} deliveries…");
    let deadline = Instant::now() + Duration::from_secs(300);
    while receiver.received.load(Ordering::Relaxed) < changes && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let last = *receiver.last.lock().expect("the stamp");
    // What runs next (the export and import above all) is measured without it.
    store
        .delete_webhook_endpoint(&tenant, &endpoint.id)
        .await
        .expect("the endpoint deleted");
    store.close().await;
    WithEndpoint {
        writes,
        delivered: receiver.received.load(Ordering::Relaxed),
        delivering: last.duration_since(started),
    }
}
