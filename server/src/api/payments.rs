//! `/v1/payments`: create, retrieve and list payments.

use axum::extract::State;
use axum::Json;
use domain::{List, Payment, PaymentFilter, PaymentForCreate};

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::{Auth, JsonBody, Path, Query};
use super::openapi::{PageQuery, PaymentQuery};
use super::ApiError;
use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create, list))
        .routes(routes!(retrieve))
}

#[utoipa::path(
    post,
    path = "/payments",
    tag = "Payments",
    operation_id = "create_payment",
    summary = "Create a payment",
    request_body = PaymentForCreate,
    responses((status = 200, description = "The new payment.", body = Payment))
)]
async fn create(
    State(state): State<AppState>,
    Auth(tenant): Auth,
    Query(query): Query,
    JsonBody(body): JsonBody,
) -> Result<Json<Payment>, ApiError> {
    query.finish()?;
    let input = PaymentForCreate::from_json(&body)?;
    Ok(Json(state.store.insert_payment(&tenant, input).await?))
}

#[utoipa::path(
    get,
    path = "/payments/{id}",
    tag = "Payments",
    operation_id = "retrieve_payment",
    summary = "Retrieve a payment",
    params(("id" = String, Path, description = "The payment's id.")),
    responses((status = 200, description = "The payment.", body = Payment))
)]
async fn retrieve(
    State(state): State<AppState>,
    Auth(tenant): Auth,
    Path(id): Path<String>,
    Query(query): Query,
) -> Result<Json<Payment>, ApiError> {
    query.finish()?;
    Ok(Json(state.store.find_payment(&tenant, &id).await?))
}

#[utoipa::path(
    get,
    path = "/payments",
    tag = "Payments",
    operation_id = "list_payments",
    summary = "List payments",
    description = "Newest first.",
    params(
        PageQuery,
        PaymentQuery,
    ),
    responses((status = 200, description = "A page of payments.", body = domain::openapi::PaymentList))
)]
async fn list(
    State(state): State<AppState>,
    Auth(tenant): Auth,
    Query(query): Query,
) -> Result<Json<List<Payment>>, ApiError> {
    let filter = PaymentFilter::from_query(query)?;
    let page = state.store.list_payments(&tenant, &filter).await?;
    Ok(Json(List::new(page, "/v1/payments")))
}
