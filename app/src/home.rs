//! The start page: what Shika is, a control that only works once the page is hydrated, and a
//! database check that round-trips through a server function.

use domain::DatabaseHealth;
use leptos::prelude::*;

use crate::error::AppError;

/// Reports which database the server runs on, read from the database itself.
#[server(endpoint = "check_database")]
pub async fn check_database() -> Result<DatabaseHealth, AppError> {
    Ok(crate::error::store()?.health().await?)
}

#[component]
pub fn HomePage() -> impl IntoView {
    let (clicks, set_clicks) = signal(0u32);
    let check = ServerAction::<CheckDatabase>::new();
    let status = move || match check.value().get() {
        None => String::new(),
        Some(Ok(health)) => format!("Database OK: {} {}", health.backend, health.version),
        Some(Err(error)) => error.to_string(),
    };
    view! {
        <section class="home">
            <h1>"Shika"</h1>
            <p>"Customers, payments and subscriptions for merchants in Ghana and beyond."</p>
            <button type="button" on:click=move |_| set_clicks.update(|n| *n += 1)>
                "Clicks: " {clicks}
            </button>
            <ActionForm action=check>
                <button type="submit" disabled=move || check.pending().get()>
                    "Check database"
                </button>
            </ActionForm>
            <p role="status">{status}</p>
        </section>
    }
}
