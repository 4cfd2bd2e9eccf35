//! `/v1/customers`: create, retrieve, update, delete and list customers, and list a customer's
//! payments and subscriptions.

use axum::extract::State;
use axum::Json;
use domain::{
    Customer, CustomerFilter, CustomerForCreate, CustomerForUpdate, CustomerSearch,
    DeletedCustomer, List, ListParams, Payment, SearchResult, Subscription,
};

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::{Auth, JsonBody, Path, Query};
use super::openapi::{CustomerQuery, PageQuery, SearchQueryParams};
use super::ApiError;
use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create, list))
        .routes(routes!(search))
        .routes(routes!(retrieve, update, delete))
        .routes(routes!(list_payments))
        .routes(routes!(list_subscriptions))
}

#[utoipa::path(
    post,
    path = "/customers",
    tag = "Customers",
    operation_id = "create_customer",
    summary = "Create a customer",
    request_body = CustomerForCreate,
    responses((status = 200, description = "The new customer.", body = Customer))
)]
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

#[utoipa::path(
    get,
    path = "/customers/{id}",
    tag = "Customers",
    operation_id = "retrieve_customer",
    summary = "Retrieve a customer",
    params(("id" = String, Path, description = "The customer's id.", example = "cus_abc123def456")),
    responses((status = 200, description = "The customer.", body = Customer))
)]
async fn retrieve(
    State(state): State<AppState>,
    Auth(tenant): Auth,
    Path(id): Path<String>,
    Query(query): Query,
) -> Result<Json<Customer>, ApiError> {
    query.finish()?;
    Ok(Json(state.store.find_customer(&tenant, &id).await?))
}

#[utoipa::path(
    patch,
    path = "/customers/{id}",
    tag = "Customers",
    operation_id = "update_customer",
    summary = "Update a customer",
    description = "Only the fields sent change. `null` or `\"\"` clears `email`, `name` or \
        `phone`; `metadata` merges key by key. An invalid update changes nothing.",
    params(("id" = String, Path, description = "The customer's id.", example = "cus_abc123def456")),
    request_body = CustomerForUpdate,
    responses((status = 200, description = "The updated customer.", body = Customer))
)]
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

#[utoipa::path(
    delete,
    path = "/customers/{id}",
    tag = "Customers",
    operation_id = "delete_customer",
    summary = "Delete a customer",
    description = "Cancels the customer's active subscriptions and unlinks their payments, in \
        one transaction.",
    params(("id" = String, Path, description = "The customer's id.", example = "cus_abc123def456")),
    responses((status = 200, description = "The customer is deleted.", body = DeletedCustomer))
)]
async fn delete(
    State(state): State<AppState>,
    Auth(tenant): Auth,
    Path(id): Path<String>,
    Query(query): Query,
) -> Result<Json<DeletedCustomer>, ApiError> {
    query.finish()?;
    Ok(Json(state.store.delete_customer(&tenant, &id).await?))
}

#[utoipa::path(
    get,
    path = "/customers",
    tag = "Customers",
    operation_id = "list_customers",
    summary = "List customers",
    description = "Newest first.",
    params(
        PageQuery,
        CustomerQuery,
    ),
    responses((status = 200, description = "A page of customers.", body = domain::openapi::CustomerList))
)]
async fn list(
    State(state): State<AppState>,
    Auth(tenant): Auth,
    Query(query): Query,
) -> Result<Json<List<Customer>>, ApiError> {
    let filter = CustomerFilter::from_query(query)?;
    let page = state.store.list_customers(&tenant, &filter).await?;
    Ok(Json(List::new(page, "/v1/customers")))
}

#[utoipa::path(
    get,
    path = "/customers/search",
    tag = "Customers",
    operation_id = "search_customers",
    summary = "Search customers",
    description = "Newest first, consistent at once: a customer is found by the search the \
        moment its create or update is answered. Page with `page` set to the previous answer's \
        `next_page`.",
    params(SearchQueryParams),
    responses((status = 200, description = "A page of matching customers.", body = domain::openapi::CustomerSearchResult))
)]
async fn search(
    State(state): State<AppState>,
    Auth(tenant): Auth,
    Query(query): Query,
) -> Result<Json<SearchResult<Customer>>, ApiError> {
    let search = CustomerSearch::from_query(query)?;
    let page = state.store.search_customers(&tenant, &search).await?;
    Ok(Json(SearchResult::new(page, "/v1/customers/search")))
}

#[utoipa::path(
    get,
    path = "/customers/{id}/payments",
    tag = "Customers",
    operation_id = "list_customer_payments",
    summary = "List a customer's payments",
    description = "Newest first.",
    params(
        ("id" = String, Path, description = "The customer's id.", example = "cus_abc123def456"),
        PageQuery,
    ),
    responses((status = 200, description = "A page of the customer's payments.", body = domain::openapi::PaymentList))
)]
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

#[utoipa::path(
    get,
    path = "/customers/{id}/subscriptions",
    tag = "Customers",
    operation_id = "list_customer_subscriptions",
    summary = "List a customer's subscriptions",
    description = "Newest first.",
    params(
        ("id" = String, Path, description = "The customer's id.", example = "cus_abc123def456"),
        PageQuery,
    ),
    responses((status = 200, description = "A page of the customer's subscriptions.", body = domain::openapi::SubscriptionList))
)]
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
