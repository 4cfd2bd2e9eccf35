//! The site's assets (`/pkg/…`: WASM, JS, CSS, and the lazy islands' WASM chunks with the split
//! loader and its manifest) and how they may be cached. A release build names each after a hash
//! of its content (cargo-leptos `hash-files`; the main three are listed in `hash.txt` beside the
//! binary): such a name never changes meaning, so browsers may keep it for a year without asking
//! again (`immutable`), and a deploy is picked up at once because its pages name new files. Any
//! other asset (a build without hashes, a name this build does not have), and every page, is
//! revalidated before reuse (`no-cache`; an unchanged asset answers `304 Not Modified`). They are
//! sent brotli- or gzip-compressed when the client accepts it, so caches must keep one copy per
//! `Accept-Encoding`.

use std::sync::LazyLock;

use axum::extract::Request;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, VARY};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;

/// The base name cargo-leptos gives the assets (`output-name`).
const OUTPUT_NAME: &str = "shika";

/// The hashed stylesheet of this build, from the `hash.txt` beside the binary; `None` for a build
/// without hashes.
static STYLESHEET: LazyLock<Option<String>> = LazyLock::new(|| {
    let file = std::env::current_exe().ok()?.parent()?.join("hash.txt");
    stylesheet_in(&std::fs::read_to_string(file).ok()?)
});

/// The stylesheet's path in `hash.txt`: one `kind: hash` line per asset (`js`, `wasm`, `css`,
/// and for the split build `manifest` and `split`).
fn stylesheet_in(hash_txt: &str) -> Option<String> {
    let (_, hash) = hash_txt
        .lines()
        .filter_map(|line| line.split_once(':'))
        .find(|(kind, _)| kind.trim() == "css")?;
    Some(format!("/pkg/{OUTPUT_NAME}.{}.css", hash.trim()))
}

/// Whether `path` names an asset by the hash of its content, as cargo-leptos writes them:
/// `/pkg/<name>.<hash>.<extension>`, the hash 22 characters of URL-safe base64 (128 bits).
fn content_addressed(path: &str) -> bool {
    let Some(file) = path
        .strip_prefix("/pkg/")
        .filter(|file| !file.contains('/'))
    else {
        return false;
    };
    let mut parts = file.rsplit('.');
    let (Some(_extension), Some(hash), Some(_name)) = (parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    hash.len() == 22
        && hash
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Whether this build's assets carry hashes (the pages must then name the hashed files).
pub fn hashed() -> bool {
    STYLESHEET.is_some()
}

/// The stylesheet's path, for pages written outside the Leptos shell.
pub fn stylesheet() -> &'static str {
    STYLESHEET.as_deref().unwrap_or("/pkg/shika.css")
}

pub async fn cache_policy(request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let (asset, hashed) = (path.starts_with("/pkg/"), content_addressed(path));
    let mut response = next.run(request).await;
    // Only a file this build has: a name it lacks (another release's) may exist after a deploy.
    let policy = if hashed && response.status().is_success() {
        Some("public, max-age=31536000, immutable")
    } else if asset {
        Some("no-cache")
    } else {
        None
    };
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
    fn the_hash_file_names_the_stylesheet() {
        assert_eq!(
            stylesheet_in("js: AbC1\nwasm: dEf2\ncss: gh-3\nsplit: iJ4\n").as_deref(),
            Some("/pkg/shika.gh-3.css")
        );
        assert_eq!(
            stylesheet_in("js: AbC1\n"),
            None,
            "no stylesheet, no hashes"
        );
    }

    #[test]
    fn names_with_a_content_hash_are_recognised() {
        for path in [
            "/pkg/shika.iriUE6F6-zJuAPEgr_srdg.wasm",
            "/pkg/chunk_13.ppbO9G1J4nmL0axmygQqSg.wasm",
            "/pkg/__wasm_split.PWigpKVK4KIz96-ci8ig3Q.js",
            "/pkg/__wasm_split_manifest.sqHq_inl2IEIJbEyyh8buw.json",
        ] {
            assert!(content_addressed(path), "{path}");
        }
        for path in [
            "/pkg/shika.wasm",
            "/pkg/shika.0000000000000000.wasm",
            "/pkg/shika.iriUE6F6-zJuAPEgr_sr!g.wasm",
            "/pkg/iriUE6F6-zJuAPEgr_srdg.wasm",
            "/pkg/a/shika.iriUE6F6-zJuAPEgr_srdg.wasm",
            "/customers.iriUE6F6-zJuAPEgr_srdg.css",
        ] {
            assert!(!content_addressed(path), "{path}");
        }
    }
}
