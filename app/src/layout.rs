//! The frame of every signed-in page: the header with the business name, the test / live switch,
//! the navigation and log out. Signed-out visitors are sent to `/login`.

use domain::{Mode, SignedIn};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::components::{Outlet, Redirect, A};

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
                    Err(_) => view! { <Redirect path="/login"/> }.into_any(),
                }
            })}
        </Suspense>
        <main class="page">
            <Outlet/>
        </main>
    }
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
