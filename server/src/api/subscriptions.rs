//! `/v1/subscriptions`: create, retrieve, list and cancel subscriptions.

use axum::extract::State;
use axum::Json;
use domain::{List, Subscription, SubscriptionFilter, SubscriptionForCreate};

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::{Auth, JsonBody, Path, Query};
use super::openapi::{PageQuery, SubscriptionQuery};
use super::ApiError;
use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create, list))
        .routes(routes!(retrieve, cancel))
}

#[utoipa::path(
    post,
    path = "/subscriptions",
    tag = "Subscriptions",
    operation_id = "create_subscription",
    summary = "Create a subscription",
    request_body = SubscriptionForCreate,
    responses((status = 200, description = "The new, active subscription.", body = Subscription))
)]
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

#[utoipa::path(
    get,
    path = "/subscriptions/{id}",
    tag = "Subscriptions",
    operation_id = "retrieve_subscription",
    summary = "Retrieve a subscription",
    params(("id" = String, Path, description = "The subscription's id.")),
    responses((status = 200, description = "The subscription.", body = Subscription))
)]
async fn retrieve(
    State(state): State<AppState>,
    Auth(tenant): Auth,
    Path(id): Path<String>,
    Query(query): Query,
) -> Result<Json<Subscription>, ApiError> {
    query.finish()?;
    Ok(Json(state.store.find_subscription(&tenant, &id).await?))
}

#[utoipa::path(
    delete,
    path = "/subscriptions/{id}",
    tag = "Subscriptions",
    operation_id = "cancel_subscription",
    summary = "Cancel a subscription",
    description = "Cancelling a canceled subscription answers it unchanged.",
    params(("id" = String, Path, description = "The subscription's id.")),
    responses((status = 200, description = "The canceled subscription.", body = Subscription))
)]
async fn cancel(
    State(state): State<AppState>,
    Auth(tenant): Auth,
    Path(id): Path<String>,
    Query(query): Query,
) -> Result<Json<Subscription>, ApiError> {
    query.finish()?;
    Ok(Json(state.store.cancel_subscription(&tenant, &id).await?))
}

#[utoipa::path(
    get,
    path = "/subscriptions",
    tag = "Subscriptions",
    operation_id = "list_subscriptions",
    summary = "List subscriptions",
    description = "Newest first.",
    params(
        PageQuery,
        SubscriptionQuery,
    ),
    responses((status = 200, description = "A page of subscriptions.", body = domain::openapi::SubscriptionList))
)]
async fn list(
    State(state): State<AppState>,
    Auth(tenant): Auth,
    Query(query): Query,
) -> Result<Json<List<Subscription>>, ApiError> {
    let filter = SubscriptionFilter::from_query(query)?;
    let page = state.store.list_subscriptions(&tenant, &filter).await?;
    Ok(Json(List::new(page, "/v1/subscriptions")))
}
