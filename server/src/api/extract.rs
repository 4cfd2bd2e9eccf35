//! Extractors whose every rejection is an [`ApiError`]: the authenticated tenant, the JSON object
//! body, the query parameters and path ids.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE};
use axum::http::request::Parts;
use axum::http::StatusCode;
use base64::Engine;
use domain::store::Admission;
use domain::{QueryParams, Tenant};
use serde_json::{Map, Value};

use super::ApiError;
use crate::request_log::LoggedMerchant;
use crate::AppState;

/// The merchant and mode of the secret key sent as `Bearer` or as HTTP Basic user name.
pub struct Auth(pub Tenant);

/// A request already authenticated (and counted by the rate limiter) by a middleware.
#[derive(Clone)]
pub struct Authenticated(pub Tenant);

impl FromRequestParts<AppState> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if let Some(Authenticated(tenant)) = parts.extensions.get::<Authenticated>() {
            return Ok(Auth(tenant.clone()));
        }
        let secret = secret_key(parts)?;
        let tenant = state
            .store
            .authenticate(&secret)
            .await?
            .ok_or(ApiError::Unauthenticated(
                "Invalid API key provided. Check the key on the dashboard's API keys page.",
            ))?;
        if let Some(logged) = parts.extensions.get::<LoggedMerchant>() {
            logged.set(&tenant.merchant_id);
        }
        if let Admission::RetryAfter(wait) =
            state.store.admit_request(&secret, state.rate_limit).await?
        {
            // Rounded up: a client that waits this long is admitted.
            return Err(ApiError::RateLimited {
                retry_after_seconds: wait.as_secs() + u64::from(wait.subsec_nanos() > 0),
            });
        }
        Ok(Auth(tenant))
    }
}

fn secret_key(parts: &Parts) -> Result<String, ApiError> {
    let missing = ApiError::Unauthenticated(
        "You did not provide an API key. Send it as 'Authorization: Bearer sk_test_...' \
         or as the user name of HTTP Basic authentication.",
    );
    let malformed = || {
        ApiError::Unauthenticated(
            "The Authorization header is malformed. Use 'Bearer <secret key>' or HTTP Basic \
             with the secret key as user name and an empty password.",
        )
    };
    let header = parts.headers.get(AUTHORIZATION).ok_or(missing)?;
    let header = header.to_str().map_err(|_| malformed())?.trim();
    let (scheme, credentials) = header.split_once(' ').ok_or_else(malformed)?;
    let credentials = credentials.trim();
    let key = if scheme.eq_ignore_ascii_case("bearer") {
        credentials.to_owned()
    } else if scheme.eq_ignore_ascii_case("basic") {
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(credentials)
            .map_err(|_| malformed())?;
        let decoded = String::from_utf8(decoded).map_err(|_| malformed())?;
        let (user, _password) = decoded.split_once(':').unwrap_or((&decoded, ""));
        user.to_owned()
    } else {
        return Err(malformed());
    };
    if key.is_empty() {
        return Err(malformed());
    }
    Ok(key)
}

/// The request body as a JSON object; no body at all counts as `{}`.
pub struct JsonBody(pub Map<String, Value>);

impl<S: Send + Sync> FromRequest<S> for JsonBody {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let is_json = request
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.split(';').next())
            .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("application/json"));
        let bytes =
            Bytes::from_request(request, state)
                .await
                .map_err(|rejection| match rejection.status() {
                    StatusCode::PAYLOAD_TOO_LARGE => ApiError::BodyTooLarge,
                    _ => ApiError::BodyUnreadable,
                })?;
        if bytes.is_empty() {
            return Ok(JsonBody(Map::new()));
        }
        if !is_json {
            return Err(ApiError::UnsupportedMediaType);
        }
        match serde_json::from_slice::<Value>(&bytes) {
            Ok(Value::Object(object)) => Ok(JsonBody(object)),
            Ok(_) => Err(ApiError::MalformedBody(
                "expected an object, e.g. {\"name\": \"Jane Doe\"}.".into(),
            )),
            Err(error) => Err(ApiError::MalformedBody(format!("{error}."))),
        }
    }
}

/// The query string's parameters, each named as the client spelled it.
pub struct Query(pub QueryParams);

impl<S: Send + Sync> FromRequestParts<S> for Query {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        let query = parts.uri.query().unwrap_or_default();
        let pairs = form_urlencoded::parse(query.as_bytes()).into_owned();
        Ok(Query(QueryParams::parse(pairs)?))
    }
}

/// Path parameters, with a JSON error for the rare path that cannot be decoded.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct Path<T>(pub T);
