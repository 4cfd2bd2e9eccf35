//! `/v1/subscriptions`: create, retrieve, list and cancel subscriptions.

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use domain::{List, Subscription, SubscriptionFilter, SubscriptionForCreate};

use super::extract::{Auth, JsonBody, Path, Query};
use super::ApiError;
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/subscriptions", post(create).get(list))
        .route("/subscriptions/{id}", get(retrieve).delete(cancel))
}

async fn create(
    State(state): State<AppState>,
    Auth(tenant): Auth,
    Query(query): Query,
    JsonBody(body): JsonBody,
) -> Result<Json<Subscription>, ApiError> {
    query.finish()?;
    let input = SubscriptionForCreate::from_json(&body)?;
    Ok(Json(state.store.insert_subscription(&tenant, input).await?))
}

async fn retrieve(
    State(state): State<AppState>,
    Auth(tenant): Auth,
    Path(id): Path<String>,
    Query(query): Query,
) -> Result<Json<Subscription>, ApiError> {
    query.finish()?;
    Ok(Json(state.store.find_subscription(&tenant, &id).await?))
}

async fn cancel(
    State(state): State<AppState>,
    Auth(tenant): Auth,
    Path(id): Path<String>,
    Query(query): Query,
) -> Result<Json<Subscription>, ApiError> {
    query.finish()?;
    Ok(Json(state.store.cancel_subscription(&tenant, &id).await?))
}

async fn list(
    State(state): State<AppState>,
    Auth(tenant): Auth,
    Query(query): Query,
) -> Result<Json<List<Subscription>>, ApiError> {
    let filter = SubscriptionFilter::from_query(query)?;
    let page = state.store.list_subscriptions(&tenant, &filter).await?;
    Ok(Json(List::new(page, "/v1/subscriptions")))
}
