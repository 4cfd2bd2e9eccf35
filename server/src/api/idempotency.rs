//! `Idempotency-Key` on POSTs: the first answer is recorded and replayed (with
//! `Idempotent-Replayed: true`) for retries of the same request; the same key on a different
//! request, or while the first is still running, is an `idempotency_error`.

use axum::body::{to_bytes, Body};
use axum::extract::{FromRequestParts, OriginalUri, Request, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use domain::{IdempotencyKey, IdempotentStart};

use super::extract::{Auth, Authenticated};
use super::{ApiError, MAX_BODY_BYTES};
use crate::AppState;

pub async fn replay_or_record(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let Some(header) = request.headers().get("idempotency-key").cloned() else {
        return next.run(request).await;
    };
    if request.method() != Method::POST {
        return next.run(request).await;
    }
    let key = match header
        .to_str()
        .map_err(|_| String::new())
        .and_then(IdempotencyKey::parse)
    {
        Ok(key) => key,
        Err(_) => {
            let message =
                "Invalid Idempotency-Key: use 1 to 255 printable ASCII characters, e.g. a UUID.";
            return ApiError::from(domain::Error::invalid("Idempotency-Key", message))
                .into_response();
        }
    };
    let (mut parts, body) = request.into_parts();
    let tenant = match Auth::from_request_parts(&mut parts, &state).await {
        Ok(Auth(tenant)) => tenant,
        Err(error) => return error.into_response(),
    };
    let Ok(body) = to_bytes(body, MAX_BODY_BYTES).await else {
        return ApiError::BodyTooLarge.into_response();
    };
    // The path as the client sent it (this router is nested under /v1).
    let uri = parts
        .extensions
        .get::<OriginalUri>()
        .map_or(&parts.uri, |original| &original.0);
    let mut fingerprint = format!("{} {}\n", parts.method, uri).into_bytes();
    fingerprint.extend_from_slice(&body);
    let start = match state
        .store
        .start_idempotent(&tenant, &key, &fingerprint)
        .await
    {
        Ok(start) => start,
        Err(error) => return ApiError::from(error).into_response(),
    };
    match start {
        IdempotentStart::Mismatch => ApiError::IdempotencyKeyReused.into_response(),
        IdempotentStart::InProgress => ApiError::IdempotencyInProgress.into_response(),
        IdempotentStart::Replay { status, body } => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
            let mut response = (status, body).into_response();
            let headers = response.headers_mut();
            headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            headers.insert("idempotent-replayed", HeaderValue::from_static("true"));
            response
        }
        IdempotentStart::Run => {
            parts.extensions.insert(Authenticated(tenant.clone()));
            let response = next.run(Request::from_parts(parts, Body::from(body))).await;
            let (parts, body) = response.into_parts();
            // Our answers are small JSON documents; buffering them costs nothing noticeable.
            let body = to_bytes(body, usize::MAX).await.unwrap_or_default();
            let text = String::from_utf8_lossy(&body);
            if let Err(error) = state
                .store
                .finish_idempotent(&tenant, &key, parts.status.as_u16(), &text)
                .await
            {
                return ApiError::from(error).into_response();
            }
            Response::from_parts(parts, Body::from(body))
        }
    }
}
