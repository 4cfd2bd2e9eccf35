//! Who is signed in: the session cookie, the server functions that read and change the session
//! (current session, test / live switch, log out), and the cookie's attributes.

use domain::SignedIn;
use leptos::prelude::*;

use crate::error::AppError;

pub const COOKIE: &str = "shika_session";

/// The signed-in merchant and the mode the dashboard shows.
#[server(endpoint = "session")]
pub async fn current_session() -> Result<SignedIn, AppError> {
    crate::error::respond(
        async move { server::signed_in().await.map(|(signed_in, _)| signed_in) }.await,
    )
}

/// Switches the dashboard between test and live data.
#[server(endpoint = "set_mode")]
pub async fn set_mode(mode: String) -> Result<(), AppError> {
    crate::error::respond(
        async move {
            let (_, token) = server::signed_in().await?;
            let mode = domain::Mode::parse(&mode)
                .ok_or_else(|| domain::Error::invalid("mode", "Mode must be test or live."))?;
            crate::error::store()?
                .set_session_mode(&token, mode)
                .await?;
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    crate::error::respond(
        async move {
            if let Some(token) = server::session_token() {
                crate::error::store()?.delete_session(&token).await?;
            }
            server::clear_cookie();
            leptos_axum::redirect("/login");
            Ok(())
        }
        .await,
    )
}

#[cfg(feature = "ssr")]
pub mod server {
    //! Server-side session plumbing: reading the cookie, and setting or clearing it.

    use domain::SignedIn;
    use http::header::{COOKIE as COOKIE_HEADER, SET_COOKIE};
    use http::HeaderValue;
    use leptos::prelude::use_context;
    use leptos_axum::ResponseOptions;

    use super::COOKIE;
    use crate::error::{store, AppError};

    /// The session token the browser sent, if any.
    pub fn session_token() -> Option<String> {
        session_token_in(&use_context::<http::request::Parts>()?.headers)
    }

    /// The session token in a request's headers (for routes outside Leptos: downloads, uploads).
    pub fn session_token_in(headers: &http::HeaderMap) -> Option<String> {
        headers
            .get_all(COOKIE_HEADER)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|header| header.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(name, _)| *name == COOKIE)
            .map(|(_, value)| value.to_owned())
    }

    /// The signed-in merchant and the session token, or `SignedOut`.
    pub async fn signed_in() -> Result<(SignedIn, String), AppError> {
        let token = session_token().ok_or(domain::Error::SignedOut)?;
        let signed_in = store()?
            .find_session(&token)
            .await?
            .ok_or(domain::Error::SignedOut)?;
        Ok((signed_in, token))
    }

    /// Starts a session for the merchant and hands its cookie to the browser.
    pub async fn start_session(merchant_id: &str) -> Result<(), AppError> {
        let token = store()?.create_session(merchant_id).await?;
        let max_age = domain::store::SESSION_LIFETIME_MS / 1000;
        set_cookie(&format!("{COOKIE}={token}; Max-Age={max_age}"));
        Ok(())
    }

    pub fn clear_cookie() {
        set_cookie(&format!("{COOKIE}=; Max-Age=0"));
    }

    /// Whether Shika is served over HTTPS, as its operator says with `SHIKA_SECURE_COOKIES=1`.
    pub fn served_over_https() -> bool {
        std::env::var("SHIKA_SECURE_COOKIES").is_ok_and(|v| v == "1" || v == "true")
    }

    /// `HttpOnly` keeps scripts away from the token; `SameSite=Lax` keeps other sites' forms from
    /// sending it; `Secure` is added when Shika is served over HTTPS.
    fn set_cookie(value: &str) {
        let cookie = format!(
            "{value}; Path=/; HttpOnly; SameSite=Lax{}",
            if served_over_https() { "; Secure" } else { "" }
        );
        if let (Some(response), Ok(cookie)) = (
            use_context::<ResponseOptions>(),
            HeaderValue::from_str(&cookie),
        ) {
            response.append_header(SET_COOKIE, cookie);
        }
    }
}
