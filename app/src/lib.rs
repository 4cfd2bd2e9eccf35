//! Shika's merchant dashboard: the HTML shell, the routes, and the pages with their server
//! functions. Pages are rendered on the server (`ssr`); only their interactive parts, the
//! `#[island]` components, are compiled to WASM and hydrated in the browser (`hydrate`), so a
//! page ships code for what it does, not for the whole app. Every server function calls the
//! `domain` crate, never the database directly.

pub mod api_keys;
pub mod auth;
pub mod customer_detail;
pub mod customer_form;
pub mod customer_import;
pub mod customers;
pub mod docs;
pub mod error;
pub mod hydration;
pub mod layout;
pub mod session;
pub mod ui;
pub mod webhooks;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, MetaTags, Title};
use leptos_router::components::{ParentRoute, Redirect, Route, Router, Routes};
use leptos_router::{path, SsrMode};

/// The whole HTML document, rendered on the server around [`App`].
pub fn shell(options: LeptosOptions) -> impl IntoView {
    content_security_policy();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                // No favicon yet; an empty one keeps the browser from logging a 404.
                <link rel="icon" href="data:,"/>
                // Named by the build's content hash when it has one (see the server's `assets`).
                <HashedStylesheet options=options.clone() id="leptos"/>
                <HydrationScripts options islands=true/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// Only our own scripts run: the hydration script carries this response's nonce, and the WASM
/// may be compiled; nothing may frame the dashboard.
fn content_security_policy() {
    #[cfg(feature = "ssr")]
    if let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) {
        let policy = format!(
            "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
             style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; \
             base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
        );
        if let Ok(value) = http::HeaderValue::from_str(&policy) {
            response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
        }
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // Pages wait for their data before the server answers, so redirects and 404s get real
    // status codes and pages work without JavaScript.
    view! {
        <Title formatter=|page: String| if page.is_empty() { "Shika".to_owned() } else { format!("{page} · Shika") }/>
        <Router>
            <Routes fallback=NotFound>
                <Route path=path!("/signup") view=auth::SignupPage ssr=SsrMode::Async/>
                <Route path=path!("/login") view=auth::LoginPage ssr=SsrMode::Async/>
                <Route path=path!("/docs") view=docs::DocsPage ssr=SsrMode::Async/>
                <ParentRoute path=path!("") view=layout::DashboardLayout ssr=SsrMode::Async>
                    <Route path=path!("") view=|| view! { <Redirect path="/customers"/> } ssr=SsrMode::Async/>
                    <Route path=path!("customers") view=customers::CustomersPage ssr=SsrMode::Async/>
                    <Route path=path!("customers/new") view=customer_form::NewCustomerPage ssr=SsrMode::Async/>
                    <Route path=path!("customers/import") view=customer_import::ImportPage ssr=SsrMode::Async/>
                    <Route path=path!("customers/import/:id") view=customer_import::ImportPreviewPage ssr=SsrMode::Async/>
                    <Route path=path!("customers/:id") view=customer_detail::CustomerPage ssr=SsrMode::Async/>
                    <Route path=path!("customers/:id/edit") view=customer_form::EditCustomerPage ssr=SsrMode::Async/>
                    <Route path=path!("api-keys") view=api_keys::ApiKeysPage ssr=SsrMode::Async/>
                    <Route path=path!("webhooks") view=webhooks::WebhooksPage ssr=SsrMode::Async/>
                    <Route path=path!("webhooks/:id") view=webhooks::WebhookEndpointPage ssr=SsrMode::Async/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}

/// The page for any path the app does not know.
#[component]
pub fn NotFound() -> impl IntoView {
    ui::set_status_not_found();
    view! {
        <main class="page narrow">
            <section class="card not-found">
                <Title text="Not found"/>
                <h1>"Page not found"</h1>
                <p>"There is nothing at this address."</p>
                <a href="/customers">"Go to your customers"</a>
            </section>
        </main>
    }
}
