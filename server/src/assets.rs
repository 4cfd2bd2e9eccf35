//! The site's assets (`/pkg/…`: WASM, JS, CSS) and how they may be cached. A release build names
//! each after a hash of its content (cargo-leptos `hash-files`, listed in `hash.txt` beside the
//! binary): such a name never changes meaning, so browsers may keep it for a year without asking
//! again (`immutable`), and a deploy is picked up at once because its pages name new files. Any
//! other asset (a build without hashes), and every page, is revalidated before reuse
//! (`no-cache`; an unchanged asset answers `304 Not Modified`). They are sent brotli- or gzip-compressed when the client accepts
//! it, so caches must keep one copy per `Accept-Encoding`.

use std::collections::HashSet;
use std::sync::LazyLock;

use axum::extract::Request;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, VARY};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;

/// The base name cargo-leptos gives the assets (`output-name`).
const OUTPUT_NAME: &str = "shika";

/// The hashed asset names of this build, from the `hash.txt` beside the binary; `None` for a
/// build without hashes.
pub struct HashedAssets {
    /// Each asset's path, e.g. `/pkg/shika.3f9a…c1.wasm`.
    paths: HashSet<String>,
    stylesheet: String,
}

static HASHED: LazyLock<Option<HashedAssets>> = LazyLock::new(|| {
    let file = std::env::current_exe().ok()?.parent()?.join("hash.txt");
    HashedAssets::parse(&std::fs::read_to_string(file).ok()?)
});

impl HashedAssets {
    /// Reads `hash.txt`: one `extension: hash` line per asset (`js`, `wasm`, `css`).
    fn parse(text: &str) -> Option<Self> {
        let mut paths = HashSet::new();
        let mut stylesheet = None;
        for (extension, hash) in text.lines().filter_map(|line| line.split_once(':')) {
            let path = format!("/pkg/{OUTPUT_NAME}.{}.{}", hash.trim(), extension.trim());
            if extension.trim() == "css" {
                stylesheet = Some(path.clone());
            }
            paths.insert(path);
        }
        Some(HashedAssets {
            paths,
            stylesheet: stylesheet?,
        })
    }
}

/// Whether this build's assets carry hashes (the pages must then name the hashed files).
pub fn hashed() -> bool {
    HASHED.is_some()
}

/// The stylesheet's path, for pages written outside the Leptos shell.
pub fn stylesheet() -> &'static str {
    match HASHED.as_ref() {
        Some(assets) => &assets.stylesheet,
        None => "/pkg/shika.css",
    }
}

pub async fn cache_policy(request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let policy = if HASHED
        .as_ref()
        .is_some_and(|assets| assets.paths.contains(path))
    {
        Some("public, max-age=31536000, immutable")
    } else if path.starts_with("/pkg/") {
        Some("no-cache")
    } else {
        None
    };
    let mut response = next.run(request).await;
    // Pages are made per request: a browser asks again each time (a deploy shows at once).
    let page = response
        .headers()
        .get(CONTENT_TYPE)
        .is_some_and(|value| value.as_bytes().starts_with(b"text/html"));
    if page {
        response
            .headers_mut()
            .entry(CACHE_CONTROL)
            .or_insert(HeaderValue::from_static("no-cache"));
    }
    if let Some(policy) = policy {
        let headers = response.headers_mut();
        headers
            .entry(CACHE_CONTROL)
            .or_insert(HeaderValue::from_static(policy));
        headers
            .entry(VARY)
            .or_insert(HeaderValue::from_static("accept-encoding"));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_file_names_each_asset_and_the_stylesheet() {
        let assets = HashedAssets::parse("js: AbC1\nwasm: dEf2\ncss: gh-3\n").unwrap();
        assert_eq!(assets.stylesheet, "/pkg/shika.gh-3.css");
        for path in [
            "/pkg/shika.AbC1.js",
            "/pkg/shika.dEf2.wasm",
            "/pkg/shika.gh-3.css",
        ] {
            assert!(assets.paths.contains(path), "{path}");
        }
        assert!(
            HashedAssets::parse("js: AbC1\n").is_none(),
            "no stylesheet, no hashes"
        );
    }
}
