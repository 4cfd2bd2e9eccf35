//! `/v1/payments`: create, retrieve and list payments.

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use domain::{List, Payment, PaymentFilter, PaymentForCreate};

use super::extract::{Auth, JsonBody, Path, Query};
use super::ApiError;
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/payments", post(create).get(list))
        .route("/payments/{id}", get(retrieve))
}

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

async fn retrieve(
    State(state): State<AppState>,
    Auth(tenant): Auth,
    Path(id): Path<String>,
    Query(query): Query,
) -> Result<Json<Payment>, ApiError> {
    query.finish()?;
    Ok(Json(state.store.find_payment(&tenant, &id).await?))
}

async fn list(
    State(state): State<AppState>,
    Auth(tenant): Auth,
    Query(query): Query,
) -> Result<Json<List<Payment>>, ApiError> {
    let filter = PaymentFilter::from_query(query)?;
    let page = state.store.list_payments(&tenant, &filter).await?;
    Ok(Json(List::new(page, "/v1/payments")))
}
