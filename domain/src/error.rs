//! The one error type of the domain: what went wrong, in words a developer can act on, and which
//! parameter it concerns. Transports (REST, server functions) map it to their own shapes.

use serde::{Deserialize, Serialize};

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Error {
    /// A parameter is present but its value breaks a rule.
    #[error("{message}")]
    InvalidParameter { param: String, message: String },
    /// A parameter this operation does not take (or that is not writable).
    #[error("Received unknown parameter: {param}")]
    UnknownParameter { param: String },
    /// A required parameter is absent.
    #[error("Missing required param: {param}.")]
    MissingParameter { param: String },
    /// A parameter names an object (cursor, customer) that this caller cannot see.
    #[error("{message}")]
    MissingReference { param: String, message: String },
    /// The object addressed by the path does not exist for this caller.
    #[error("No such {object}: '{id}'")]
    NotFound { object: String, id: String },
    /// Email and password do not match an account; deliberately does not say which is wrong.
    #[error("Incorrect email or password.")]
    InvalidCredentials,
    /// Too many failed sign-in attempts for one account; try again later.
    #[error("Too many failed attempts. Try again in {retry_after_minutes} minutes.")]
    TooManyAttempts { retry_after_minutes: i64 },
    /// The dashboard request has no valid session.
    #[error("Your session has ended. Please log in again.")]
    SignedOut,
    /// Something failed on our side; the details are logged, never shown.
    #[error("Something went wrong on our side. Please try again.")]
    Internal,
}

impl Error {
    pub fn invalid(param: impl Into<String>, message: impl Into<String>) -> Self {
        Error::InvalidParameter {
            param: param.into(),
            message: message.into(),
        }
    }

    pub fn unknown(param: impl Into<String>) -> Self {
        Error::UnknownParameter {
            param: param.into(),
        }
    }

    pub fn missing(param: impl Into<String>) -> Self {
        Error::MissingParameter {
            param: param.into(),
        }
    }

    pub fn not_found(object: &str, id: &str) -> Self {
        Error::NotFound {
            object: object.to_owned(),
            id: id.to_owned(),
        }
    }

    /// A reference in a parameter (not the path) to an object the caller cannot see.
    pub fn missing_reference(param: &str, object: &str, id: &str) -> Self {
        Error::MissingReference {
            param: param.to_owned(),
            message: format!("No such {object}: '{id}'"),
        }
    }

    /// The parameter the error concerns, as the client spelled it.
    pub fn param(&self) -> Option<&str> {
        match self {
            Error::InvalidParameter { param, .. }
            | Error::UnknownParameter { param }
            | Error::MissingParameter { param }
            | Error::MissingReference { param, .. } => Some(param),
            Error::NotFound { .. } => Some("id"),
            Error::InvalidCredentials
            | Error::TooManyAttempts { .. }
            | Error::SignedOut
            | Error::Internal => None,
        }
    }
}

#[cfg(feature = "store")]
impl From<sqlx::Error> for Error {
    fn from(error: sqlx::Error) -> Self {
        // Input is checked for NUL characters before it gets here; an id from a URL is the one
        // text that reaches a query unchecked, and PostgreSQL refuses NUL in any text.
        const CHARACTER_NOT_IN_REPERTOIRE: &str = "22021";
        if error
            .as_database_error()
            .and_then(|error| error.code())
            .is_some_and(|code| code == CHARACTER_NOT_IN_REPERTOIRE)
        {
            return crate::fields::nul_error("id");
        }
        tracing::error!(%error, "database error");
        Error::Internal
    }
}

#[cfg(feature = "store")]
impl From<sqlx::migrate::MigrateError> for Error {
    fn from(error: sqlx::migrate::MigrateError) -> Self {
        tracing::error!(%error, "migration error");
        Error::Internal
    }
}
