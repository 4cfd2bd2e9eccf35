//! The error every server function returns: a domain error (with the parameter it concerns, so
//! forms can show it beside the field) or a failure to reach the server at all.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Domain(#[from] domain::Error),
    /// The request did not get through (network, encoding); the text is the framework's.
    #[error("The server could not be reached: {0}")]
    Transport(String),
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::Transport(value.to_string())
    }
}

impl AppError {
    /// The parameter (form field) the error concerns, if any.
    pub fn param(&self) -> Option<&str> {
        match self {
            AppError::Domain(error) => error.param(),
            AppError::Transport(_) => None,
        }
    }

    pub fn is_not_found(&self) -> bool {
        matches!(self, AppError::Domain(domain::Error::NotFound { .. }))
    }
}

/// The message of an action's error, when it concerns one of `params` (a form field).
pub fn field_error<T>(result: Option<Result<T, AppError>>, params: &[&str]) -> Option<String> {
    match result? {
        Err(error)
            if error
                .param()
                .is_some_and(|p| params.iter().any(|want| p.starts_with(want))) =>
        {
            Some(error.to_string())
        }
        _ => None,
    }
}

/// The message of an action's error that no field shows.
pub fn form_error<T>(result: Option<Result<T, AppError>>, fields: &[&str]) -> Option<String> {
    match result? {
        Err(error)
            if !error
                .param()
                .is_some_and(|p| fields.iter().any(|f| p.starts_with(f))) =>
        {
            Some(error.to_string())
        }
        _ => None,
    }
}

/// The database handle the server provides to every request and server function.
#[cfg(feature = "ssr")]
pub fn store() -> Result<domain::store::Store, AppError> {
    leptos::prelude::use_context::<domain::store::Store>()
        .ok_or(AppError::Domain(domain::Error::Internal))
}

/// Gives a server function's error its HTTP status (400 for bad input, 401, 404, 429), so no
/// client mistake is answered with a 500. Plain form posts keep the framework's redirect back to
/// the form, which carries the error in its URL.
#[cfg(feature = "ssr")]
pub fn respond<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    use http::StatusCode;
    use leptos::prelude::use_context;

    if let Err(error) = &result {
        let plain_form = use_context::<http::request::Parts>().is_some_and(|parts| {
            parts
                .headers
                .get(http::header::ACCEPT)
                .and_then(|accept| accept.to_str().ok())
                .is_some_and(|accept| accept.contains("text/html"))
        });
        let status = match error {
            AppError::Domain(domain::Error::NotFound { .. }) => StatusCode::NOT_FOUND,
            AppError::Domain(domain::Error::InvalidCredentials | domain::Error::SignedOut) => {
                StatusCode::UNAUTHORIZED
            }
            AppError::Domain(domain::Error::TooManyAttempts { .. }) => {
                StatusCode::TOO_MANY_REQUESTS
            }
            AppError::Domain(domain::Error::Internal) | AppError::Transport(_) => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
            AppError::Domain(_) => StatusCode::BAD_REQUEST,
        };
        if let (false, Some(response)) = (plain_form, use_context::<leptos_axum::ResponseOptions>())
        {
            response.set_status(status);
        }
    }
    result
}
