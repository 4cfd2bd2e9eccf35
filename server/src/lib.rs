//! The `shika` server: one axum router serving the `/v1` REST API, the server-rendered dashboard
//! with its server functions and assets, and `/healthz`, all over one shared [`Store`].

// The dashboard's pages are deeply nested view types (each island wraps its part of the page in
// one more), and rendering them here, in release builds, needs more than the default 128.
#![recursion_limit = "256"]

pub mod api;
mod assets;
pub mod cli;
mod compression;
mod request_log;
mod security_headers;
mod transfer;
mod web;
pub mod webhooks;

use std::future::Future;

use axum::extract::{FromRef, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use domain::store::{RateLimit, Store};
use leptos::config::LeptosOptions;
use serde_json::json;
use tokio::net::TcpListener;

/// What every handler can reach: the database, the Leptos site settings and the API's rate
/// limit (counted by the store, so processes on one PostgreSQL share it).
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub leptos_options: LeptosOptions,
    pub rate_limit: RateLimit,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// The whole application as one router, ready to serve or to call in tests.
pub fn app(state: AppState) -> Router {
    with_middleware(Router::new(), state)
}

/// The application plus `GET /bench/ceiling`, which answers a fixed customer through the same
/// server and middleware without touching the database: the HTTP ceiling `make bench` compares
/// the API with. Only `shika serve --bench-ceiling` serves it.
pub fn app_with_bench_ceiling(state: AppState) -> Router {
    with_middleware(
        Router::new().route("/bench/ceiling", get(bench_ceiling)),
        state,
    )
}

fn with_middleware(extra: Router<AppState>, state: AppState) -> Router {
    extra
        .nest("/v1", api::router(&state))
        .route("/healthz", get(healthz))
        // Pages and server-function answers travel to browsers, often over mobile data, where
        // kilobytes cost far more than compressing them; the API's JSON goes to servers, where
        // compressing a page of customers cost 38 % (brotli) to 42 % (gzip) of its throughput
        // in `make bench` for a few kilobytes saved (docs/benchmarks.md).
        .merge(web::router(&state).layer(compression::layer()))
        .layer(axum::middleware::from_fn(security_headers::add))
        .layer(axum::middleware::from_fn(assets::cache_policy))
        .layer(axum::middleware::from_fn(request_log::track))
        .with_state(state)
}

/// Serves `app` (from [`app`] or [`app_with_bench_ceiling`]) on `listener` until `shutdown`
/// resolves, letting requests in flight finish, then closes `store`.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    store: Store,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // The peer address reaches handlers (login throttling per address).
    let service = app.into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, service)
        .with_graceful_shutdown(shutdown)
        .await?;
    store.close().await;
    Ok(())
}

async fn bench_ceiling() -> Json<serde_json::Value> {
    Json(json!({
        "id": "cus_abc123def456", "object": "customer", "email": "customer@example.com",
        "name": "John Doe", "phone": "0241234567", "metadata": {"user_id": "123"},
        "created_at": "2024-01-15T10:00:00.000Z", "updated_at": "2024-01-15T10:00:00.000Z"
    }))
}

/// Answers once the database has answered a query.
async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    match state.store.health().await {
        Ok(database) => (
            StatusCode::OK,
            Json(json!({"status": "ok", "database": database})),
        ),
        Err(_) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({"status": "unavailable"})),
        ),
    }
}
