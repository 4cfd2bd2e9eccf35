//! Signing up and logging in: the two pages anyone can open.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::error::{field_error, form_error, AppError};
use crate::ui::{Field, FormError, Submit};

/// Creates a merchant account (with a test and a live key) and signs it in.
#[server(endpoint = "signup")]
pub async fn signup(
    business_name: String,
    email: String,
    password: String,
) -> Result<(), AppError> {
    crate::error::respond(
        async move {
            let input = domain::MerchantForCreate::parse(&business_name, &email, &password)?;
            let (merchant, _, _) = crate::error::store()?.create_merchant(input).await?;
            crate::session::server::start_session(&merchant.id).await?;
            leptos_axum::redirect("/customers");
            Ok(())
        }
        .await,
    )
}

/// Where the dashboard starts after logging in when no page was asked for.
const HOME: &str = "/customers";

/// The login page's address for a visitor who asked for `wanted` (a path with its query).
pub fn login_path(wanted: &str) -> String {
    match local_path(wanted) {
        Some(path) if path != HOME && path != "/" => format!(
            "/login?{}",
            form_urlencoded::Serializer::new(String::new())
                .append_pair("next", path)
                .finish()
        ),
        _ => "/login".to_owned(),
    }
}

/// `next` when it is a path on this site (so a link cannot send a merchant elsewhere after
/// logging in: no `//host`, no scheme, no backslash tricks).
fn local_path(next: &str) -> Option<&str> {
    let local = next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && !next.chars().any(char::is_control);
    local.then_some(next)
}

/// `next`: the page the merchant asked for before logging in (none or empty: the dashboard's
/// start).
#[server(endpoint = "login")]
pub async fn login(email: String, password: String, next: Option<String>) -> Result<(), AppError> {
    crate::error::respond(
        async move {
            let merchant = crate::error::store()?
                .verify_login(&email, &password, client_address().as_deref())
                .await?;
            crate::session::server::start_session(&merchant.id).await?;
            leptos_axum::redirect(next.as_deref().and_then(local_path).unwrap_or(HOME));
            Ok(())
        }
        .await,
    )
}

/// The address the request came from (the peer of the connection), for login throttling.
#[cfg(feature = "ssr")]
fn client_address() -> Option<String> {
    use axum::extract::ConnectInfo;
    let parts = use_context::<http::request::Parts>()?;
    let ConnectInfo(peer) = parts
        .extensions
        .get::<ConnectInfo<std::net::SocketAddr>>()?;
    Some(peer.ip().to_string())
}

#[component]
pub fn SignupPage() -> impl IntoView {
    let signup = ServerAction::<Signup>::new();
    let result = move || signup.value().get();
    let fields = ["business_name", "email", "password"];
    view! {
        <Title text="Create your account"/>
        <main class="page auth">
            <section class="card">
                <p class="brand">"Shika"</p>
                <h1>"Create your account"</h1>
                <ActionForm action=signup attr:class="form">
                    <Field label="Business name" id="signup-business" name="business_name" autocomplete="organization" required=true
                        error=Signal::derive(move || field_error(result(), &["business_name"]))/>
                    <Field label="Email" id="signup-email" name="email" kind="email" autocomplete="email" required=true
                        error=Signal::derive(move || field_error(result(), &["email"]))/>
                    <Field label="Password" id="signup-password" name="password" kind="password" autocomplete="new-password" required=true
                        error=Signal::derive(move || field_error(result(), &["password"]))/>
                    <p class="hint">"At least 8 characters."</p>
                    <FormError error=Signal::derive(move || form_error(result(), &fields))/>
                    <Submit label="Create account" pending=signup.pending()/>
                </ActionForm>
                <p class="switch">"Already have an account? " <a href="/login">"Log in"</a></p>
            </section>
        </main>
    }
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let login = ServerAction::<Login>::new();
    let error = Signal::derive(move || form_error(login.value().get(), &[]));
    let query = use_query_map();
    let next = move || query.with(|query| query.get("next").unwrap_or_default());
    view! {
        <Title text="Log in"/>
        <main class="page auth">
            <section class="card">
                <p class="brand">"Shika"</p>
                <h1>"Log in"</h1>
                <ActionForm action=login attr:class="form">
                    <input type="hidden" name="next" value=next/>
                    <Field label="Email" id="login-email" name="email" kind="email" autocomplete="email" required=true
                        error=Signal::derive(|| None::<String>)/>
                    <Field label="Password" id="login-password" name="password" kind="password" autocomplete="current-password" required=true
                        error=Signal::derive(|| None::<String>)/>
                    <FormError error/>
                    <Submit label="Log in" pending=login.pending()/>
                </ActionForm>
                <p class="switch">"New to Shika? " <a href="/signup">"Create an account"</a></p>
            </section>
        </main>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_login_page_remembers_local_pages_only() {
        assert_eq!(
            login_path("/customers/import?x=1"),
            "/login?next=%2Fcustomers%2Fimport%3Fx%3D1"
        );
        assert_eq!(login_path("/customers"), "/login");
        for elsewhere in [
            "//evil.example/x",
            "https://evil.example",
            "/\\evil.example",
            "x",
        ] {
            assert_eq!(login_path(elsewhere), "/login", "{elsewhere}");
            assert_eq!(local_path(elsewhere), None, "{elsewhere}");
        }
        assert_eq!(local_path("/api-keys"), Some("/api-keys"));
    }
}
