//! The frame of every signed-in page: the header with the business name, the test / live switch,
//! the navigation and log out. Signed-out visitors are sent to `/login`, and back afterwards.

use domain::{Mode, SignedIn};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::components::{Outlet, Redirect, A};
use leptos_router::hooks::use_location;

use crate::session::{current_session, Logout, SetMode};

/// Changes when the dashboard switches between test and live, so pages reload their data.
#[derive(Clone, Copy)]
pub struct ModeVersion(pub RwSignal<usize>);

impl ModeVersion {
    pub fn track() -> usize {
        use_context::<ModeVersion>()
            .map(|v| v.0.get())
            .unwrap_or_default()
    }
}

#[component]
pub fn DashboardLayout() -> impl IntoView {
    let set_mode = ServerAction::<SetMode>::new();
    let logout = ServerAction::<Logout>::new();
    provide_context(ModeVersion(set_mode.version()));
    let session = Resource::new(move || set_mode.version().get(), |_| current_session());
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                match session.await {
                    Ok(signed_in) => view! { <Header signed_in set_mode logout/> }.into_any(),
                    Err(_) => to_login().into_any(),
                }
            })}
        </Suspense>
        <main class="page">
            <Outlet/>
        </main>
    }
}

/// Sends a signed-out visitor to log in, then back to the page they asked for. The server
/// answers `303 See Other` with `Location` (what every browser and HTTP client follows).
fn to_login() -> impl IntoView {
    let location = use_location();
    let search = location.search.get_untracked();
    let wanted = match search.trim_start_matches('?') {
        "" => location.pathname.get_untracked(),
        query => format!("{}?{query}", location.pathname.get_untracked()),
    };
    let to = crate::auth::login_path(&wanted);
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(location) = http::HeaderValue::from_str(&to) {
            response.set_status(http::StatusCode::SEE_OTHER);
            response.insert_header(http::header::LOCATION, location);
            return ().into_any();
        }
    }
    view! { <Redirect path=to/> }.into_any()
}

#[component]
fn Header(
    signed_in: SignedIn,
    set_mode: ServerAction<SetMode>,
    logout: ServerAction<Logout>,
) -> impl IntoView {
    let test_mode = signed_in.mode == Mode::Test;
    let (next_mode, banner) = if test_mode {
        ("live", "Test mode: you are viewing test data.")
    } else {
        ("test", "Live mode: you are viewing live data.")
    };
    view! {
        <header class="top" class:live=!test_mode>
            <div class="top-row">
                <a class="brand" href="/customers">"Shika"</a>
                <span class="business">{signed_in.merchant.business_name}</span>
                <nav aria-label="Main">
                    <A href="/customers">"Customers"</A>
                    <A href="/webhooks">"Webhooks"</A>
                    <A href="/api-keys">"API keys"</A>
                </nav>
                <ActionForm action=set_mode attr:class="mode-switch">
                    <input type="hidden" name="mode" value=next_mode/>
                    <button type="submit" role="switch" aria-checked=test_mode.to_string()
                        disabled=move || set_mode.pending().get()>
                        <span class="track" aria-hidden="true"><span class="thumb"></span></span>
                        "Test mode"
                    </button>
                </ActionForm>
                <ActionForm action=logout attr:class="logout">
                    <button type="submit" class="secondary">"Log out"</button>
                </ActionForm>
            </div>
            <p class="mode-banner" role="status">{banner}</p>
        </header>
    }
}
