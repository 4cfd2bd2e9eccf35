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

/// The database handle the server provides to every request and server function.
#[cfg(feature = "ssr")]
pub fn store() -> Result<domain::store::Store, AppError> {
    leptos::prelude::use_context::<domain::store::Store>()
        .ok_or(AppError::Domain(domain::Error::Internal))
}
