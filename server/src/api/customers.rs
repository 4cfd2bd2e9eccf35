//! `/v1/customers`: create, retrieve, update, delete and list customers, and list a customer's
//! payments and subscriptions.

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use domain::{
    Customer, CustomerFilter, CustomerForCreate, CustomerForUpdate, DeletedCustomer, List,
    ListParams, Payment, Subscription,
};

use super::extract::{Auth, JsonBody, Path, Query};
use super::ApiError;
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/customers", post(create).get(list))
        .route(
            "/customers/{id}",
            get(retrieve).patch(update).delete(delete),
        )
        .route("/customers/{id}/payments", get(list_payments))
        .route("/customers/{id}/subscriptions", get(list_subscriptions))
}

async fn create(
    State(state): State<AppState>,
    Auth(tenant): Auth,
    Query(query): Query,
    JsonBody(body): JsonBody,
) -> Result<Json<Customer>, ApiError> {
    query.finish()?;
    let input = CustomerForCreate::from_json(&body)?;
    Ok(Json(state.store.insert_customer(&tenant, input).await?))
}

async fn retrieve(
    State(state): State<AppState>,
    Auth(tenant): Auth,
    Path(id): Path<String>,
    Query(query): Query,
) -> Result<Json<Customer>, ApiError> {
    query.finish()?;
    Ok(Json(state.store.find_customer(&tenant, &id).await?))
}

async fn update(
    State(state): State<AppState>,
    Auth(tenant): Auth,
    Path(id): Path<String>,
    Query(query): Query,
    JsonBody(body): JsonBody,
) -> Result<Json<Customer>, ApiError> {
    query.finish()?;
    let update = CustomerForUpdate::from_json(&body)?;
    Ok(Json(
        state.store.update_customer(&tenant, &id, update).await?,
    ))
}

async fn delete(
    State(state): State<AppState>,
    Auth(tenant): Auth,
    Path(id): Path<String>,
    Query(query): Query,
) -> Result<Json<DeletedCustomer>, ApiError> {
    query.finish()?;
    Ok(Json(state.store.delete_customer(&tenant, &id).await?))
}

async fn list(
    State(state): State<AppState>,
    Auth(tenant): Auth,
    Query(query): Query,
) -> Result<Json<List<Customer>>, ApiError> {
    let filter = CustomerFilter::from_query(query)?;
    let page = state.store.list_customers(&tenant, &filter).await?;
    Ok(Json(List::new(page, "/v1/customers")))
}

async fn list_payments(
    State(state): State<AppState>,
    Auth(tenant): Auth,
    Path(id): Path<String>,
    Query(mut query): Query,
) -> Result<Json<List<Payment>>, ApiError> {
    let params = ListParams::take_from(&mut query)?;
    query.finish()?;
    let page = state
        .store
        .list_customer_payments(&tenant, &id, &params)
        .await?;
    Ok(Json(List::new(
        page,
        format!("/v1/customers/{id}/payments"),
    )))
}

async fn list_subscriptions(
    State(state): State<AppState>,
    Auth(tenant): Auth,
    Path(id): Path<String>,
    Query(mut query): Query,
) -> Result<Json<List<Subscription>>, ApiError> {
    let params = ListParams::take_from(&mut query)?;
    query.finish()?;
    let page = state
        .store
        .list_customer_subscriptions(&tenant, &id, &params)
        .await?;
    Ok(Json(List::new(
        page,
        format!("/v1/customers/{id}/subscriptions"),
    )))
}
