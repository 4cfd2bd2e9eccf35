//! Every way an API request can fail, turned into the spec's error object in one place.

use axum::extract::rejection::PathRejection;
use axum::http::header::RETRY_AFTER;
use axum::http::{HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

#[derive(Debug)]
pub enum ApiError {
    Domain(domain::Error),
    /// No usable secret key; the text says what was wrong with what was sent.
    Unauthenticated(&'static str),
    BodyTooLarge,
    MalformedBody(String),
    UnsupportedMediaType,
    /// The body could not be read off the connection.
    BodyUnreadable,
    RouteNotFound(String),
    /// The idempotency key was first used for a different request.
    IdempotencyKeyReused,
    /// The first request with this idempotency key has not finished yet.
    IdempotencyInProgress,
    /// Over the key's request rate; retry after this many seconds.
    RateLimited {
        retry_after_seconds: u64,
    },
    MethodNotAllowed {
        method: Method,
        path: String,
    },
}

impl From<domain::Error> for ApiError {
    fn from(error: domain::Error) -> Self {
        ApiError::Domain(error)
    }
}

impl From<PathRejection> for ApiError {
    fn from(rejection: PathRejection) -> Self {
        ApiError::Domain(domain::Error::invalid("id", rejection.body_text()))
    }
}

impl ApiError {
    fn parts(
        &self,
    ) -> (
        StatusCode,
        &'static str,
        Option<&'static str>,
        String,
        Option<&str>,
    ) {
        use domain::Error as E;
        const INVALID: &str = "invalid_request_error";
        match self {
            ApiError::Domain(error) => {
                let message = error.to_string();
                let param = error.param();
                match error {
                    E::InvalidParameter { .. } => (StatusCode::BAD_REQUEST, INVALID, Some("parameter_invalid"), message, param),
                    E::UnknownParameter { .. } => (StatusCode::BAD_REQUEST, INVALID, Some("parameter_unknown"), message, param),
                    E::MissingParameter { .. } => (StatusCode::BAD_REQUEST, INVALID, Some("parameter_missing"), message, param),
                    E::MissingReference { .. } => (StatusCode::BAD_REQUEST, INVALID, Some("resource_missing"), message, param),
                    E::NotFound { .. } => (StatusCode::NOT_FOUND, INVALID, Some("resource_missing"), message, param),
                    E::InvalidCredentials | E::SignedOut => (StatusCode::UNAUTHORIZED, "authentication_error", None, message, None),
                    E::TooManyAttempts { .. } => (StatusCode::TOO_MANY_REQUESTS, "rate_limit_error", None, message, None),
                    E::Internal => (StatusCode::INTERNAL_SERVER_ERROR, "api_error", None, message, None),
                }
            }
            ApiError::Unauthenticated(message) => (
                StatusCode::UNAUTHORIZED,
                "authentication_error",
                None,
                (*message).to_owned(),
                None,
            ),
            ApiError::BodyTooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                INVALID,
                Some("body_too_large"),
                format!("The request body is larger than the limit of {} bytes.", super::MAX_BODY_BYTES),
                None,
            ),
            ApiError::MalformedBody(detail) => (
                StatusCode::BAD_REQUEST,
                INVALID,
                Some("body_invalid"),
                format!("The request body is not a valid JSON object: {detail}"),
                None,
            ),
            ApiError::UnsupportedMediaType => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                INVALID,
                Some("content_type_invalid"),
                "Send request bodies as JSON with the header Content-Type: application/json.".to_owned(),
                None,
            ),
            ApiError::BodyUnreadable => (
                StatusCode::BAD_REQUEST,
                INVALID,
                Some("body_invalid"),
                "The request body could not be read.".to_owned(),
                None,
            ),
            ApiError::RouteNotFound(path) => (
                StatusCode::NOT_FOUND,
                INVALID,
                Some("route_missing"),
                format!("Unrecognized request URL: {path}. See the API reference for the available endpoints."),
                None,
            ),
            ApiError::IdempotencyKeyReused => (
                StatusCode::BAD_REQUEST,
                "idempotency_error",
                Some("idempotency_key_in_use"),
                "This Idempotency-Key was already used for a different request. Use a new key \
                 for each distinct request."
                    .to_owned(),
                None,
            ),
            ApiError::IdempotencyInProgress => (
                StatusCode::CONFLICT,
                "idempotency_error",
                Some("idempotency_request_in_progress"),
                "A request with this Idempotency-Key is still being processed. Retry shortly."
                    .to_owned(),
                None,
            ),
            ApiError::RateLimited { .. } => (
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limit_error",
                Some("rate_limit"),
                "Too many requests with this key. Slow down and retry after the time in the \
                 Retry-After header."
                    .to_owned(),
                None,
            ),
            ApiError::MethodNotAllowed { method, path } => (
                StatusCode::METHOD_NOT_ALLOWED,
                INVALID,
                Some("method_not_allowed"),
                format!("{path} does not support the {method} method."),
                None,
            ),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, kind, code, message, param) = self.parts();
        let mut error = json!({ "type": kind, "message": message });
        if let Value::Object(fields) = &mut error {
            if let Some(code) = code {
                fields.insert("code".into(), code.into());
            }
            if let Some(param) = param {
                fields.insert("param".into(), param.into());
            }
        }
        let mut response = (status, Json(json!({ "error": error }))).into_response();
        if let ApiError::RateLimited {
            retry_after_seconds,
        } = self
        {
            response
                .headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from(retry_after_seconds));
        }
        response
    }
}
