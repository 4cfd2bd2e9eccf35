//! Shika's web app: the HTML shell, the routes, and the pages with their server functions.
//! Rendered on the server (`ssr`) and hydrated in the browser (`hydrate`).

pub mod error;
pub mod home;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

/// The whole HTML document, rendered on the server around [`App`].
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                // No favicon yet; an empty one keeps the browser from logging a 404.
                <link rel="icon" href="data:,"/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Stylesheet id="leptos" href="/pkg/shika.css"/>
        <Title text="Shika"/>
        <Router>
            <main>
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=home::HomePage/>
                </Routes>
            </main>
        </Router>
    }
}

/// The page for any path the app does not know.
#[component]
fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <section class="not-found">
            <h1>"Page not found"</h1>
            <p>"There is nothing at this address."</p>
            <a href="/">"Go to the start page"</a>
        </section>
    }
}
