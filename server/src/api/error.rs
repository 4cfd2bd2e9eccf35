//! Every way an API request can fail, turned into the spec's error object in one place.

use axum::extract::rejection::PathRejection;
use axum::http::header::RETRY_AFTER;
use axum::http::{HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

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

/// The error object every failed request answers with.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    error: ErrorDetail,
}

#[derive(Debug, Serialize, ToSchema)]
struct ErrorDetail {
    #[serde(rename = "type")]
    kind: ErrorType,
    /// A machine-readable reason, e.g. `parameter_invalid`, `resource_missing`.
    #[serde(skip_serializing_if = "Option::is_none")]
    code: Option<&'static str>,
    /// A sentence a developer can act on.
    message: String,
    /// The offending parameter, exactly as the client spelled it.
    #[serde(skip_serializing_if = "Option::is_none")]
    param: Option<String>,
}

#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
enum ErrorType {
    #[serde(rename = "invalid_request_error")]
    InvalidRequest,
    #[serde(rename = "authentication_error")]
    Authentication,
    #[serde(rename = "idempotency_error")]
    Idempotency,
    #[serde(rename = "rate_limit_error")]
    RateLimit,
    /// Something failed on our side.
    #[serde(rename = "api_error")]
    Server,
}

impl ApiError {
    /// The status and the error object this error answers with.
    pub fn status_and_body(&self) -> (StatusCode, ErrorBody) {
        let (status, kind, code, message, param) = self.parts();
        let error = ErrorDetail {
            kind,
            code,
            message,
            param: param.map(str::to_owned),
        };
        (status, ErrorBody { error })
    }

    fn parts(
        &self,
    ) -> (
        StatusCode,
        ErrorType,
        Option<&'static str>,
        String,
        Option<&str>,
    ) {
        use domain::Error as E;
        const INVALID: ErrorType = ErrorType::InvalidRequest;
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
                    E::InvalidCredentials | E::SignedOut => (StatusCode::UNAUTHORIZED, ErrorType::Authentication, None, message, None),
                    E::TooManyAttempts { .. } => (StatusCode::TOO_MANY_REQUESTS, ErrorType::RateLimit, None, message, None),
                    E::Internal => (StatusCode::INTERNAL_SERVER_ERROR, ErrorType::Server, None, message, None),
                }
            }
            ApiError::Unauthenticated(message) => (
                StatusCode::UNAUTHORIZED,
                ErrorType::Authentication,
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
                ErrorType::Idempotency,
                Some("idempotency_key_in_use"),
                "This Idempotency-Key was already used for a different request. Use a new key \
                 for each distinct request."
                    .to_owned(),
                None,
            ),
            ApiError::IdempotencyInProgress => (
                StatusCode::CONFLICT,
                ErrorType::Idempotency,
                Some("idempotency_request_in_progress"),
                "A request with this Idempotency-Key is still being processed. Retry shortly."
                    .to_owned(),
                None,
            ),
            ApiError::RateLimited { .. } => (
                StatusCode::TOO_MANY_REQUESTS,
                ErrorType::RateLimit,
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
        let (status, body) = self.status_and_body();
        let mut response = (status, Json(body)).into_response();
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
