//! The Leptos side of the router: server-rendered pages, server functions, and the site's
//! static assets (WASM, JS, CSS), with the app's not-found page for anything else.

use app::{shell, App};
use leptos::prelude::provide_context;
use leptos_axum::{file_and_error_handler_with_context, generate_route_list, LeptosRoutes};

use crate::AppState;

pub fn router(state: &AppState) -> axum::Router<AppState> {
    let store = state.store.clone();
    let context = move || provide_context(store.clone());
    let options = state.leptos_options.clone();
    axum::Router::new()
        .leptos_routes_with_context(
            state,
            generate_route_list(App),
            context.clone(),
            move || shell(options.clone()),
        )
        .fallback(file_and_error_handler_with_context::<AppState, _>(
            context, shell,
        ))
}
