//! `/v1/events`: the record of every change, newest first, and one event by id.

use axum::extract::State;
use axum::Json;
use domain::{Event, EventFilter, List};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::{Auth, Path, Query};
use super::openapi::{EventQuery, PageQuery};
use super::ApiError;
use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(retrieve))
}

#[utoipa::path(
    get,
    path = "/events",
    tag = "Events",
    operation_id = "list_events",
    summary = "List events",
    description = "Newest first. Events are kept at least 30 days.",
    params(PageQuery, EventQuery),
    responses((status = 200, description = "A page of events.", body = domain::openapi::EventList))
)]
async fn list(
    State(state): State<AppState>,
    Auth(tenant): Auth,
    Query(query): Query,
) -> Result<Json<List<Event>>, ApiError> {
    let filter = EventFilter::from_query(query)?;
    let page = state.store.list_events(&tenant, &filter).await?;
    Ok(Json(List::new(page, "/v1/events")))
}

#[utoipa::path(
    get,
    path = "/events/{id}",
    tag = "Events",
    operation_id = "retrieve_event",
    summary = "Retrieve an event",
    params(("id" = String, Path, description = "The event's id.")),
    responses((status = 200, description = "The event.", body = Event))
)]
async fn retrieve(
    State(state): State<AppState>,
    Auth(tenant): Auth,
    Path(id): Path<String>,
    Query(query): Query,
) -> Result<Json<Event>, ApiError> {
    query.finish()?;
    Ok(Json(state.store.find_event(&tenant, &id).await?))
}
