//! Gives every request an id (`Request-Id: req_…`, also in its log line) and logs one line per
//! request with method, path, status, latency and, once authenticated, the merchant.

use std::sync::{Arc, OnceLock};
use std::time::Instant;

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;

/// Filled in by authentication so the log line can name the merchant.
#[derive(Clone, Default)]
pub struct LoggedMerchant(Arc<OnceLock<String>>);

impl LoggedMerchant {
    pub fn set(&self, merchant_id: &str) {
        let _ = self.0.set(merchant_id.to_owned());
    }
}

pub async fn track(mut request: Request, next: Next) -> Response {
    let started = Instant::now();
    // An id that cannot be made is not worth failing the request over.
    let request_id = domain::store::new_id("req_").unwrap_or_else(|_| "req_unavailable".into());
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    tracing::debug!(request_id, %method, path, "request started");
    let merchant = LoggedMerchant::default();
    request.extensions_mut().insert(merchant.clone());

    let mut response = next.run(request).await;

    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert("request-id", value);
    }
    tracing::info!(
        request_id,
        %method,
        path,
        status = response.status().as_u16(),
        latency_us = started.elapsed().as_micros() as u64,
        merchant = merchant.0.get().map(String::as_str).unwrap_or("-"),
        "request"
    );
    response
}
