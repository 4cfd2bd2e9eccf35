//! The `/v1` REST API: one router per resource, merged here, with JSON answers for unknown
//! routes and wrong methods (naming the full path the client sent) and a 1 MiB body limit.

mod customers;
mod error;
mod events;
mod extract;
mod idempotency;
pub mod openapi;
mod payments;
mod subscriptions;
mod webhook_endpoints;

use axum::extract::DefaultBodyLimit;
use axum::extract::OriginalUri;
use axum::http::Method;
use axum::Router;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub use error::ApiError;

use crate::AppState;

/// Larger request bodies are refused with 413.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Every route with its documentation; the router and the OpenAPI document both come from here,
/// so neither can list a path the other lacks.
fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(customers::router())
        .merge(payments::router())
        .merge(subscriptions::router())
        .merge(events::router())
        .merge(webhook_endpoints::router())
        .routes(routes!(openapi::openapi_json))
}

pub fn router(state: &AppState) -> Router<AppState> {
    let (router, _) = routes().split_for_parts();
    router
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            idempotency::replay_or_record,
        ))
        .method_not_allowed_fallback(|method: Method, OriginalUri(uri): OriginalUri| async move {
            ApiError::MethodNotAllowed {
                method,
                path: uri.path().to_owned(),
            }
        })
        .fallback(|OriginalUri(uri): OriginalUri| async move {
            ApiError::RouteNotFound(uri.path().to_owned())
        })
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
}
