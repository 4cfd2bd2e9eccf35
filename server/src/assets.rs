//! How the site's assets (`/pkg/…`: WASM, JS, CSS) may be cached. They keep their names from one
//! release to the next, so a browser must ask again before reusing one (`no-cache`: a `304 Not
//! Modified` when unchanged, from its `Last-Modified`) instead of guessing how long it stays
//! fresh: a deploy is picked up at once, and the WASM never runs against pages of another
//! release. They are sent brotli- or gzip-compressed when the client accepts it, so caches must
//! keep one copy per `Accept-Encoding`.

use axum::extract::Request;
use axum::http::header::{CACHE_CONTROL, VARY};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;

pub async fn cache_policy(request: Request, next: Next) -> Response {
    let asset = request.uri().path().starts_with("/pkg/");
    let mut response = next.run(request).await;
    if asset {
        let headers = response.headers_mut();
        headers
            .entry(CACHE_CONTROL)
            .or_insert(HeaderValue::from_static("no-cache"));
        headers
            .entry(VARY)
            .or_insert(HeaderValue::from_static("accept-encoding"));
    }
    response
}
