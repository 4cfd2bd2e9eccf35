//! The Leptos side of the router: server-rendered pages, server functions, and the site's
//! static assets (WASM, JS, CSS: precompressed, revalidated), with the app's not-found page for
//! anything else. Server functions refuse requests sent from other sites.

use std::sync::Arc;

use app::docs::server::ApiDocument;
use app::{shell, App};
use axum::extract::Request;
use axum::http::header::{HOST, ORIGIN};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use leptos::prelude::provide_context;
use leptos_axum::{file_and_error_handler_with_context, generate_route_list, LeptosRoutes};

use crate::AppState;

pub fn router(state: &AppState) -> axum::Router<AppState> {
    let store = state.store.clone();
    let document = ApiDocument(Arc::new(
        serde_json::to_value(crate::api::openapi::document())
            .expect("the OpenAPI document serializes"),
    ));
    let context = move || {
        provide_context(store.clone());
        provide_context(document.clone());
    };
    let options = state.leptos_options.clone();
    axum::Router::new()
        // The assets through a file service of their own: it sends the precompressed copy a
        // client accepts and answers conditional requests (304), which the fallback does not.
        .route_service(
            &leptos_axum::site_pkg_dir_service_route_path(&options),
            leptos_axum::site_pkg_dir_service(&options),
        )
        .leptos_routes_with_context(
            state,
            generate_route_list(App),
            context.clone(),
            move || shell(options.clone()),
        )
        .merge(crate::transfer::router())
        .fallback(file_and_error_handler_with_context::<AppState, _>(
            context, shell,
        ))
        .layer(axum::middleware::from_fn(refuse_cross_site))
}

/// Session cookies are `SameSite=Lax`; on top of that, anything but a read must come from our
/// own pages: browsers say so in `Sec-Fetch-Site`, and older ones in `Origin`.
async fn refuse_cross_site(request: Request, next: Next) -> Response {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return next.run(request).await;
    }
    let headers = request.headers();
    let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    let origin_host = headers
        .get(ORIGIN)
        .and_then(|v| v.to_str().ok())
        .map(|origin| origin.split_once("://").map_or(origin, |(_, rest)| rest));
    let host = headers.get(HOST).and_then(|v| v.to_str().ok());
    let cross_site = matches!(fetch_site, Some("cross-site" | "same-site"))
        || origin_host.is_some_and(|origin| Some(origin) != host);
    if cross_site {
        return (
            StatusCode::FORBIDDEN,
            "Cross-site requests are not accepted.",
        )
            .into_response();
    }
    next.run(request).await
}
