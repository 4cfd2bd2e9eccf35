//! The load generator: a fixed number of keep-alive HTTP/1.1 connections, each sending its next
//! request as soon as the previous answer has been read, for a fixed time; every latency kept.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use http::{Method, Request};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

/// Builds the request with this sequence number, or `None` when there is no more work (e.g.
/// every customer to delete has been deleted).
pub type RequestFactory = Arc<dyn Fn(u64) -> Option<Request<Full<Bytes>>> + Send + Sync>;

/// What one operation measured.
#[derive(Debug, Clone, Default)]
pub struct Measurement {
    pub requests: u64,
    pub failures: u64,
    pub elapsed: Duration,
    /// Sorted, in microseconds.
    pub latencies: Vec<u32>,
    /// The first failure's status and body, to say what went wrong.
    pub first_failure: Option<String>,
}

impl Measurement {
    /// The parts measured side by side during one run, as one measurement of `elapsed`.
    pub fn combine(parts: impl IntoIterator<Item = Measurement>, elapsed: Duration) -> Self {
        let mut total = Measurement {
            elapsed,
            ..Measurement::default()
        };
        for part in parts {
            total.requests += part.requests;
            total.failures += part.failures;
            total.latencies.extend(part.latencies);
            total.first_failure = total.first_failure.or(part.first_failure);
        }
        total.latencies.sort_unstable();
        total
    }

    pub fn per_second(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64().max(f64::EPSILON)
    }

    /// The latency below which `percent` of the requests finished, in milliseconds.
    pub fn percentile_ms(&self, percent: usize) -> f64 {
        if self.latencies.is_empty() {
            return f64::NAN;
        }
        let index = (self.latencies.len() * percent / 100).min(self.latencies.len() - 1);
        f64::from(self.latencies[index]) / 1000.0
    }
}

/// Drives `addr` with `connections` connections for `duration`.
pub async fn drive(
    addr: SocketAddr,
    connections: usize,
    duration: Duration,
    requests: RequestFactory,
) -> Measurement {
    let sequence = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let deadline = started + duration;
    let workers: Vec<_> = (0..connections)
        .map(|_| {
            let requests = requests.clone();
            let sequence = sequence.clone();
            tokio::spawn(async move { connection(addr, deadline, requests, sequence).await })
        })
        .collect();
    let mut parts = Vec::new();
    for worker in workers {
        parts.extend(worker.await.ok());
    }
    Measurement::combine(parts, started.elapsed())
}

/// A request to the server under test, with a JSON body when there is one.
pub fn request(
    method: Method,
    uri: String,
    headers: &[(&str, &str)],
    body: Option<serde_json::Value>,
) -> Request<Full<Bytes>> {
    let mut builder = Request::builder()
        .method(method)
        .uri(uri)
        .header("host", "127.0.0.1");
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    match body {
        Some(body) => builder
            .header("content-type", "application/json")
            .body(Full::new(Bytes::from(body.to_string()))),
        None => builder.body(Full::default()),
    }
    .expect("a valid request")
}

async fn connection(
    addr: SocketAddr,
    deadline: Instant,
    requests: RequestFactory,
    sequence: Arc<AtomicU64>,
) -> Measurement {
    let mut measured = Measurement::default();
    let mut sender = None;
    while Instant::now() < deadline {
        if sender.is_none() {
            sender = open(addr).await;
            if sender.is_none() {
                measured.failures += 1;
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
        }
        let Some(request) = requests(sequence.fetch_add(1, Ordering::Relaxed)) else {
            break;
        };
        let Some(connection) = sender.as_mut() else {
            continue;
        };
        let sent = Instant::now();
        let answer = match connection.send_request(request).await {
            Ok(response) => {
                let status = response.status();
                response
                    .into_body()
                    .collect()
                    .await
                    .map(|body| (status, body.to_bytes()))
                    .ok()
            }
            Err(_) => None,
        };
        let latency = sent.elapsed();
        measured.requests += 1;
        measured
            .latencies
            .push(u32::try_from(latency.as_micros()).unwrap_or(u32::MAX));
        match answer {
            Some((status, _)) if status.is_success() => {}
            Some((status, body)) => {
                measured.failures += 1;
                measured
                    .first_failure
                    .get_or_insert_with(|| format!("{status}: {}", String::from_utf8_lossy(&body)));
            }
            None => {
                measured.failures += 1;
                sender = None;
            }
        }
    }
    measured
}

pub async fn open(
    addr: SocketAddr,
) -> Option<hyper::client::conn::http1::SendRequest<Full<Bytes>>> {
    let stream = TcpStream::connect(addr).await.ok()?;
    stream.set_nodelay(true).ok()?;
    let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .ok()?;
    tokio::spawn(connection);
    Some(sender)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_read_the_sorted_latencies() {
        let measured = Measurement {
            requests: 100,
            elapsed: Duration::from_secs(2),
            latencies: (1..=100).map(|ms| ms * 1000).collect(),
            ..Measurement::default()
        };
        assert_eq!(measured.percentile_ms(50), 51.0);
        assert_eq!(measured.percentile_ms(99), 100.0);
        assert_eq!(measured.per_second(), 50.0);
        assert!(Measurement::default().percentile_ms(50).is_nan());
    }
}
