//! On-the-fly compression of the dashboard's pages and server-function answers for browsers
//! that ask for it (brotli, else gzip); the API's JSON is left as it is (see `with_middleware`).
//! The assets are not touched here: they are served precompressed (see `assets`), and an answer
//! that already has a `Content-Encoding` is passed through.

use axum::http::{header, Extensions, HeaderMap, StatusCode, Version};
use tower_http::compression::predicate::{
    DefaultPredicate, NotForContentType, Predicate, SizeAbove,
};
use tower_http::compression::{CompressionLayer, CompressionLevel};

/// Below this, compressing saves less than it costs (a few hundred bytes of JSON fit in one
/// packet either way).
const MIN_BYTES: u16 = 1024;

/// Brotli at quality 4 (and gzip at level 4): most of the saving for a fraction of the CPU of
/// the defaults (brotli's is 11, far too slow for answers made on every request).
const LEVEL: i32 = 4;

pub fn layer() -> CompressionLayer<impl Predicate> {
    CompressionLayer::new()
        .quality(CompressionLevel::Precise(LEVEL))
        .compress_when(
            DefaultPredicate::new()
                .and(SizeAbove::new(MIN_BYTES))
                // The CSV export is a download saved as it streams; compressed on the fly,
                // Chromium's download of it was canceled in the browser tests.
                .and(NotForContentType::const_new("text/csv"))
                .and(allows_transform),
        )
}

/// A streamed page that must reach the browser as it is written says `no-transform`: a
/// compressor would hold its messages back.
fn allows_transform(_: StatusCode, _: Version, headers: &HeaderMap, _: &Extensions) -> bool {
    !headers
        .get_all(header::CACHE_CONTROL)
        .iter()
        .any(|value| value.to_str().is_ok_and(|v| v.contains("no-transform")))
}
