//! `/v1/webhook_endpoints`: where the merchant's events are delivered — create, retrieve,
//! update, delete, list, and roll an endpoint's signing secret.

use axum::extract::State;
use axum::Json;
use domain::{
    DeletedWebhookEndpoint, List, ListParams, WebhookEndpoint, WebhookEndpointForCreate,
    WebhookEndpointForUpdate,
};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::{Auth, JsonBody, Path, Query};
use super::openapi::PageQuery;
use super::ApiError;
use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create, list))
        .routes(routes!(retrieve, update, delete))
        .routes(routes!(roll_secret))
}

#[utoipa::path(
    post,
    path = "/webhook_endpoints",
    tag = "Webhook endpoints",
    operation_id = "create_webhook_endpoint",
    summary = "Create a webhook endpoint",
    description = "The answer holds the endpoint's signing `secret`, shown only this once (and \
        after a roll). The URL must reach the public internet: an address that is, or resolves \
        to, loopback, a private network or link-local is refused.",
    request_body = WebhookEndpointForCreate,
    responses((status = 200, description = "The new endpoint, with its secret.", body = WebhookEndpoint))
)]
async fn create(
    State(state): State<AppState>,
    Auth(tenant): Auth,
    Query(query): Query,
    JsonBody(body): JsonBody,
) -> Result<Json<WebhookEndpoint>, ApiError> {
    query.finish()?;
    let input = WebhookEndpointForCreate::from_json(&body)?;
    Ok(Json(
        state.store.insert_webhook_endpoint(&tenant, input).await?,
    ))
}

#[utoipa::path(
    get,
    path = "/webhook_endpoints/{id}",
    tag = "Webhook endpoints",
    operation_id = "retrieve_webhook_endpoint",
    summary = "Retrieve a webhook endpoint",
    params(("id" = String, Path, description = "The endpoint's id.")),
    responses((status = 200, description = "The endpoint (without its secret).", body = WebhookEndpoint))
)]
async fn retrieve(
    State(state): State<AppState>,
    Auth(tenant): Auth,
    Path(id): Path<String>,
    Query(query): Query,
) -> Result<Json<WebhookEndpoint>, ApiError> {
    query.finish()?;
    Ok(Json(state.store.find_webhook_endpoint(&tenant, &id).await?))
}

#[utoipa::path(
    patch,
    path = "/webhook_endpoints/{id}",
    tag = "Webhook endpoints",
    operation_id = "update_webhook_endpoint",
    summary = "Update a webhook endpoint",
    description = "Only the fields sent change. `disabled: true` holds its deliveries until it \
        is enabled again.",
    params(("id" = String, Path, description = "The endpoint's id.")),
    request_body = WebhookEndpointForUpdate,
    responses((status = 200, description = "The updated endpoint.", body = WebhookEndpoint))
)]
async fn update(
    State(state): State<AppState>,
    Auth(tenant): Auth,
    Path(id): Path<String>,
    Query(query): Query,
    JsonBody(body): JsonBody,
) -> Result<Json<WebhookEndpoint>, ApiError> {
    query.finish()?;
    let update = WebhookEndpointForUpdate::from_json(&body)?;
    Ok(Json(
        state
            .store
            .update_webhook_endpoint(&tenant, &id, update)
            .await?,
    ))
}

#[utoipa::path(
    delete,
    path = "/webhook_endpoints/{id}",
    tag = "Webhook endpoints",
    operation_id = "delete_webhook_endpoint",
    summary = "Delete a webhook endpoint",
    description = "No delivery to it is attempted afterwards.",
    params(("id" = String, Path, description = "The endpoint's id.")),
    responses((status = 200, description = "The endpoint is deleted.", body = DeletedWebhookEndpoint))
)]
async fn delete(
    State(state): State<AppState>,
    Auth(tenant): Auth,
    Path(id): Path<String>,
    Query(query): Query,
) -> Result<Json<DeletedWebhookEndpoint>, ApiError> {
    query.finish()?;
    Ok(Json(
        state.store.delete_webhook_endpoint(&tenant, &id).await?,
    ))
}

#[utoipa::path(
    get,
    path = "/webhook_endpoints",
    tag = "Webhook endpoints",
    operation_id = "list_webhook_endpoints",
    summary = "List webhook endpoints",
    description = "Newest first.",
    params(PageQuery),
    responses((status = 200, description = "A page of endpoints.", body = domain::openapi::WebhookEndpointList))
)]
async fn list(
    State(state): State<AppState>,
    Auth(tenant): Auth,
    Query(mut query): Query,
) -> Result<Json<List<WebhookEndpoint>>, ApiError> {
    let params = ListParams::take_from(&mut query)?;
    query.finish()?;
    let page = state.store.list_webhook_endpoints(&tenant, &params).await?;
    Ok(Json(List::new(page, "/v1/webhook_endpoints")))
}

#[utoipa::path(
    post,
    path = "/webhook_endpoints/{id}/roll_secret",
    tag = "Webhook endpoints",
    operation_id = "roll_webhook_endpoint_secret",
    summary = "Roll a webhook endpoint's secret",
    description = "Answers the endpoint with a new `secret`. For 24 hours deliveries carry a \
        signature by the old secret too, so receivers can switch without missing one.",
    params(("id" = String, Path, description = "The endpoint's id.")),
    responses((status = 200, description = "The endpoint, with its new secret.", body = WebhookEndpoint))
)]
async fn roll_secret(
    State(state): State<AppState>,
    Auth(tenant): Auth,
    Path(id): Path<String>,
    Query(query): Query,
) -> Result<Json<WebhookEndpoint>, ApiError> {
    query.finish()?;
    Ok(Json(
        state
            .store
            .roll_webhook_endpoint_secret(&tenant, &id)
            .await?,
    ))
}
